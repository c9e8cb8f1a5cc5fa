-- Records at scale: search, sort keys, deals and pipelines, notes, tags,
-- favourites, recently viewed, change history, saved filters, list settings.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Lower case without accents ("Élodie" -> "elodie"). unaccent() is only
-- STABLE because its dictionary could change; naming the dictionary makes it
-- safe to declare IMMUTABLE, which generated columns and indexes need.
CREATE FUNCTION relais_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

-- Digits of a phone number, so "06 12 34 56 78" is found by "0612".
CREATE FUNCTION relais_digits(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT regexp_replace($1, '[^0-9]', '', 'g') $$;

-- Companies: folded search text (name, email, phone, city) and sort keys.
ALTER TABLE companies
    ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
        relais_fold(name || ' ' || coalesce(email, '') || ' ' || coalesce(city, '')) || ' '
        || coalesce(relais_digits(phone), '')) STORED,
    ADD COLUMN sort_name TEXT GENERATED ALWAYS AS (relais_fold(name)) STORED;
DROP INDEX companies_name_idx;
CREATE INDEX companies_sort_name_idx ON companies (sort_name, id) WHERE deleted_at IS NULL;
CREATE INDEX companies_city_idx ON companies (relais_fold(coalesce(city, '')), id) WHERE deleted_at IS NULL;
CREATE INDEX companies_updated_idx ON companies (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX companies_search_idx ON companies USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX companies_email_idx ON companies (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX companies_trash_idx ON companies (deleted_at, id) WHERE deleted_at IS NOT NULL;

-- Persons: the same, with both emails and both phones.
ALTER TABLE persons
    ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
        relais_fold(coalesce(first_name, '') || ' ' || last_name || ' ' || coalesce(email, '') || ' '
                    || coalesce(email2, '') || ' ' || coalesce(city, '')) || ' '
        || coalesce(relais_digits(phone), '') || ' ' || coalesce(relais_digits(mobile), '')) STORED,
    ADD COLUMN sort_name TEXT GENERATED ALWAYS AS (
        relais_fold(last_name || ' ' || coalesce(first_name, ''))) STORED;
DROP INDEX persons_name_idx;
CREATE INDEX persons_sort_name_idx ON persons (sort_name, id) WHERE deleted_at IS NULL;
CREATE INDEX persons_city_idx ON persons (relais_fold(coalesce(city, '')), id) WHERE deleted_at IS NULL;
CREATE INDEX persons_updated_idx ON persons (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX persons_search_idx ON persons USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX persons_email_idx ON persons (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX persons_trash_idx ON persons (deleted_at, id) WHERE deleted_at IS NOT NULL;

-- Sales pipelines and their ordered stages; admin edits them.
CREATE TABLE pipelines (
    id         BIGSERIAL   PRIMARY KEY,
    name       TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    position   INTEGER     NOT NULL DEFAULT 0,
    active     BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE pipeline_stages (
    id          BIGSERIAL PRIMARY KEY,
    pipeline_id BIGINT    NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name        TEXT      NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    position    INTEGER   NOT NULL,
    -- Default probability (percent) of a deal entering this stage.
    probability INTEGER   NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
    active      BOOLEAN   NOT NULL DEFAULT TRUE
);
CREATE INDEX pipeline_stages_pipeline_idx ON pipeline_stages (pipeline_id, position);
-- Lets deals require that their stage belongs to their pipeline.
ALTER TABLE pipeline_stages ADD CONSTRAINT pipeline_stages_id_pipeline_key UNIQUE (id, pipeline_id);

CREATE TABLE deals (
    id             BIGSERIAL     PRIMARY KEY,
    name           TEXT          NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    company_id     BIGINT        REFERENCES companies (id),
    person_id      BIGINT        REFERENCES persons (id),
    pipeline_id    BIGINT        NOT NULL REFERENCES pipelines (id),
    stage_id       BIGINT        NOT NULL REFERENCES pipeline_stages (id),
    amount         NUMERIC(14, 2) CHECK (amount >= 0),
    expected_close DATE,
    probability    INTEGER       NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
    status         TEXT          NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    lost_reason    TEXT          CHECK (length(lost_reason) <= 255),
    next_step      TEXT          CHECK (length(next_step) <= 255),
    closed_at      TIMESTAMPTZ,
    description    TEXT,
    owner_id       BIGINT        REFERENCES users (id),
    version        INTEGER       NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    created_by     BIGINT        REFERENCES users (id),
    updated_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_by     BIGINT        REFERENCES users (id),
    deleted_at     TIMESTAMPTZ,
    search_text    TEXT GENERATED ALWAYS AS (relais_fold(name)) STORED,
    sort_name      TEXT GENERATED ALWAYS AS (relais_fold(name)) STORED,
    CHECK (status <> 'lost' OR lost_reason IS NOT NULL),
    FOREIGN KEY (stage_id, pipeline_id) REFERENCES pipeline_stages (id, pipeline_id)
);
CREATE INDEX deals_sort_name_idx ON deals (sort_name, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_amount_idx ON deals (coalesce(amount, 0), id) WHERE deleted_at IS NULL;
CREATE INDEX deals_close_idx ON deals (coalesce(expected_close, '9999-12-31'::date), id) WHERE deleted_at IS NULL;
CREATE INDEX deals_updated_idx ON deals (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_company_idx ON deals (company_id) WHERE deleted_at IS NULL;
CREATE INDEX deals_person_idx ON deals (person_id) WHERE deleted_at IS NULL;
CREATE INDEX deals_stage_idx ON deals (stage_id, status) WHERE deleted_at IS NULL;
CREATE INDEX deals_owner_idx ON deals (owner_id) WHERE deleted_at IS NULL;
CREATE INDEX deals_search_idx ON deals USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX deals_trash_idx ON deals (deleted_at, id) WHERE deleted_at IS NOT NULL;

CREATE INDEX persons_owner_name_idx ON persons (owner_id, sort_name, id) WHERE deleted_at IS NULL;
CREATE INDEX companies_owner_name_idx ON companies (owner_id, sort_name, id) WHERE deleted_at IS NULL;

-- The kinds of record that notes, tags, favourites and history point to.
CREATE DOMAIN record_type AS TEXT CHECK (VALUE IN ('company', 'person', 'deal'));

-- Notes: text attached to one or more records.
CREATE TABLE notes (
    id         BIGSERIAL   PRIMARY KEY,
    body       TEXT        NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    pinned     BOOLEAN     NOT NULL DEFAULT FALSE,
    author_id  BIGINT      NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    version    INTEGER     NOT NULL DEFAULT 1,
    deleted_at TIMESTAMPTZ
);
CREATE TABLE note_links (
    note_id     BIGINT      NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    record_type record_type NOT NULL,
    record_id   BIGINT      NOT NULL,
    PRIMARY KEY (record_type, record_id, note_id)
);
CREATE INDEX note_links_note_idx ON note_links (note_id);

-- Tags, shared by the organisation.
CREATE TABLE tags (
    id         BIGSERIAL   PRIMARY KEY,
    name       TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tags_name_key ON tags (relais_fold(name));
CREATE TABLE record_tags (
    tag_id      BIGINT      NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    record_type record_type NOT NULL,
    record_id   BIGINT      NOT NULL,
    PRIMARY KEY (record_type, record_id, tag_id)
);
CREATE INDEX record_tags_tag_idx ON record_tags (tag_id, record_type, record_id);

-- Stars and the recently viewed list, per user.
CREATE TABLE favourites (
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    record_type record_type NOT NULL,
    record_id   BIGINT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, record_type, record_id)
);
CREATE TABLE recent_views (
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    record_type record_type NOT NULL,
    record_id   BIGINT      NOT NULL,
    viewed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, record_type, record_id)
);
CREATE INDEX recent_views_user_idx ON recent_views (user_id, viewed_at DESC);

-- Field-level change history, written by a trigger in the transaction of
-- the change. `changes` maps each changed column to [old, new]. The acting
-- user is read from the transaction setting `relais.user_id`. The data
-- generator sets `relais.bulk` to skip it (the WHEN clause costs nothing).
CREATE TABLE record_changes (
    id          BIGSERIAL   PRIMARY KEY,
    record_type record_type NOT NULL,
    record_id   BIGINT      NOT NULL,
    user_id     BIGINT      REFERENCES users (id),
    action      TEXT        NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
    changes     JSONB       NOT NULL DEFAULT '{}',
    changed_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX record_changes_record_idx ON record_changes (record_type, record_id, changed_at DESC, id DESC);

CREATE FUNCTION relais_track_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb := to_jsonb(NEW);
    diff    jsonb := '{}';
    k       text;
    v       jsonb;
    act     text := 'create';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD);
        FOR k, v IN SELECT key, value FROM jsonb_each(new_row) LOOP
            CONTINUE WHEN k IN ('version', 'created_at', 'created_by', 'updated_at', 'updated_by',
                                'search_text', 'sort_name', 'deleted_at', 'closed_at');
            IF old_row -> k IS DISTINCT FROM v THEN
                diff := diff || jsonb_build_object(k, jsonb_build_array(old_row -> k, v));
            END IF;
        END LOOP;
        act := CASE
            WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'delete'
            WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN 'restore'
            ELSE 'update' END;
        IF act = 'update' AND diff = '{}' THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO record_changes (record_type, record_id, user_id, action, changes)
    VALUES (TG_ARGV[0], NEW.id, nullif(current_setting('relais.user_id', true), '')::bigint, act, diff);
    RETURN NULL;
END $$;

CREATE TRIGGER companies_history AFTER INSERT OR UPDATE ON companies
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION relais_track_changes('company');
CREATE TRIGGER persons_history AFTER INSERT OR UPDATE ON persons
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION relais_track_changes('person');
CREATE TRIGGER deals_history AFTER INSERT OR UPDATE ON deals
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION relais_track_changes('deal');

-- Saved filters of a list: the user's own, or shared with everyone.
CREATE TABLE saved_filters (
    id         BIGSERIAL   PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module     TEXT        NOT NULL CHECK (module IN ('companies', 'persons', 'deals')),
    name       TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    query      JSONB       NOT NULL,
    shared     BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX saved_filters_name_key ON saved_filters (user_id, module, lower(name));

-- Which columns a user shows in each list, in order.
CREATE TABLE list_settings (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module  TEXT   NOT NULL,
    columns TEXT[] NOT NULL,
    PRIMARY KEY (user_id, module)
);

-- A default pipeline so deals can be created on a fresh install.
INSERT INTO pipelines (name, position) VALUES ('Sales', 0);
INSERT INTO pipeline_stages (pipeline_id, name, position, probability)
SELECT p.id, s.name, s.position, s.probability
FROM pipelines p,
     (VALUES ('Qualification', 0, 10), ('Needs analysis', 1, 25), ('Proposal', 2, 50),
             ('Negotiation', 3, 75)) AS s (name, position, probability);
