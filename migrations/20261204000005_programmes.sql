-- The organisation's catalogue of programmes, services and SAE
-- (`/settings/programmes`, kept by admins): what persons and companies are
-- enrolled in. An entry in use is archived, never deleted; an archived
-- entry's name may be given again.
CREATE TABLE programmes (
    id          BIGSERIAL   PRIMARY KEY,
    name        TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    kind        TEXT        NOT NULL CHECK (kind IN ('programme', 'service', 'sae')),
    description TEXT        CHECK (length(description) <= 2000),
    active      BOOLEAN     NOT NULL DEFAULT TRUE,
    position    INTEGER     NOT NULL DEFAULT 0,
    archived_at TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- One live entry of a name, whatever its case and accents.
CREATE UNIQUE INDEX programmes_name_key ON programmes (relais_fold(name)) WHERE archived_at IS NULL;
CREATE INDEX programmes_position_idx ON programmes (position, id) WHERE archived_at IS NULL;
