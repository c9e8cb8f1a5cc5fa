-- Enrolments: a person or a company in a programme, service or SAE of the
-- catalogue (`programmes`), with its dates, status, owner, notes and the
-- file's identifier (the user guide's "numéro de l'activité" /
-- "identification du dossier"), unique within its catalogue entry.

ALTER DOMAIN record_type DROP CONSTRAINT record_type_check;
ALTER DOMAIN record_type ADD CONSTRAINT record_type_check
    CHECK (VALUE IN ('company', 'person', 'deal', 'interaction', 'enrolment', 'document'));

ALTER TABLE saved_filters DROP CONSTRAINT saved_filters_module_check;
ALTER TABLE saved_filters ADD CONSTRAINT saved_filters_module_check
    CHECK (module IN ('companies', 'persons', 'deals', 'interactions', 'enrolments', 'documents'));

CREATE TABLE enrolments (
    id           BIGSERIAL   PRIMARY KEY,
    programme_id BIGINT      NOT NULL REFERENCES programmes (id),
    person_id    BIGINT      REFERENCES persons (id),
    company_id   BIGINT      REFERENCES companies (id),
    identifier   TEXT        CHECK (length(identifier) BETWEEN 1 AND 60),
    status       TEXT        NOT NULL DEFAULT 'planned'
                             CHECK (status IN ('planned', 'active', 'completed', 'withdrawn')),
    starts_on    DATE,
    ends_on      DATE,
    notes        TEXT        CHECK (length(notes) <= 10000),
    owner_id     BIGINT      REFERENCES users (id),
    version      INTEGER     NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by   BIGINT      REFERENCES users (id),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by   BIGINT      REFERENCES users (id),
    deleted_at   TIMESTAMPTZ,
    -- Set by `enrolments_names` from the entry and the enrolled record.
    search_text  TEXT        NOT NULL DEFAULT '',
    sort_name    TEXT        NOT NULL DEFAULT '',
    -- Exactly one enrolled record.
    CHECK ((person_id IS NULL) <> (company_id IS NULL)),
    CHECK (ends_on >= starts_on)
);
-- The identifier is unique within its entry among live enrolments, case
-- and accents aside: two saves racing for one identifier meet here.
CREATE UNIQUE INDEX enrolments_identifier_key ON enrolments (programme_id, relais_fold(identifier))
    WHERE deleted_at IS NULL AND identifier IS NOT NULL;
CREATE INDEX enrolments_person_idx ON enrolments (person_id) WHERE deleted_at IS NULL;
CREATE INDEX enrolments_company_idx ON enrolments (company_id) WHERE deleted_at IS NULL;
CREATE INDEX enrolments_programme_idx ON enrolments (programme_id, status) WHERE deleted_at IS NULL;
CREATE INDEX enrolments_sort_name_idx ON enrolments (sort_name, id) WHERE deleted_at IS NULL;
CREATE INDEX enrolments_starts_idx ON enrolments (coalesce(starts_on, '0001-01-01'::date), id) WHERE deleted_at IS NULL;
CREATE INDEX enrolments_updated_idx ON enrolments (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX enrolments_owner_idx ON enrolments (owner_id) WHERE deleted_at IS NULL;
CREATE INDEX enrolments_search_idx ON enrolments USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX enrolments_trash_idx ON enrolments (deleted_at, id) WHERE deleted_at IS NOT NULL;

-- The searchable and sortable name: the enrolled record's name, the
-- entry's name and the identifier, as they are when the enrolment is saved.
CREATE FUNCTION relais_enrolment_names() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    who  text;
    what text;
BEGIN
    SELECT coalesce(
               (SELECT trim(coalesce(p.first_name, '') || ' ' || p.last_name)
                FROM persons p WHERE p.id = NEW.person_id),
               (SELECT c.name FROM companies c WHERE c.id = NEW.company_id), '')
      INTO who;
    SELECT name INTO what FROM programmes WHERE id = NEW.programme_id;
    NEW.sort_name := relais_fold(who || ' ' || coalesce(what, ''));
    NEW.search_text := relais_fold(concat_ws(' ', NEW.identifier, what, who));
    RETURN NEW;
END $$;
CREATE TRIGGER enrolments_names BEFORE INSERT OR UPDATE OF programme_id, person_id, company_id, identifier
    ON enrolments FOR EACH ROW EXECUTE FUNCTION relais_enrolment_names();

CREATE TRIGGER enrolments_history AFTER INSERT OR UPDATE ON enrolments
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION relais_track_changes('enrolment');

-- Every change of a record holding personal data is audited, as persons'
-- are (`relais_audit_person`), whichever path made it; the record type is
-- the trigger's argument.
CREATE OR REPLACE FUNCTION relais_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    uid    bigint := nullif(current_setting('relais.user_id', true), '')::bigint;
    fields text := '';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT coalesce(string_agg(n.key, ', ' ORDER BY n.key), '') INTO fields
        FROM jsonb_each(to_jsonb(NEW)) n
        WHERE n.key NOT IN ('version', 'updated_at', 'updated_by', 'search_text', 'sort_name')
          AND (to_jsonb(OLD) -> n.key) IS DISTINCT FROM n.value;
        IF fields = '' THEN
            RETURN NULL;
        END IF;
    ELSE
        fields := 'created';
    END IF;
    INSERT INTO audit_log (user_id, user_name, address, action, record_type, record_id, detail)
    VALUES (uid, coalesce((SELECT name FROM users WHERE id = uid), ''),
            coalesce(current_setting('relais.address', true), ''),
            'change', TG_ARGV[0], NEW.id, left(fields, 2000));
    RETURN NULL;
END $$;
CREATE TRIGGER enrolments_audit AFTER INSERT OR UPDATE ON enrolments
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION relais_audit_change('enrolment');

-- An interaction linked to an enrolment shows on the enrolled person's or
-- company's timeline too (`interactions::api::roll_up`).
ALTER TABLE interaction_links DROP CONSTRAINT interaction_links_via_check;
ALTER TABLE interaction_links ADD CONSTRAINT interaction_links_via_check
    CHECK (via IN ('person', 'deal', 'enrolment'));
