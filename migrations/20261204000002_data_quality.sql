-- Data quality (`records::quality`): the forms' email and phone rules
-- (`validate::is_email`, `is_phone`) for data that did not come through a
-- form (older imports, other tools writing to the database), and the
-- figures of the data-quality page, counted by the background pass.

-- Empty or NULL is valid (the field is optional); otherwise one '@', a
-- local part, a domain with a dot that neither starts nor ends it, no
-- '..', no space or control character anywhere.
CREATE FUNCTION relais_email_ok(text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT $1 IS NULL OR $1 = ''
        OR ($1 ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+$'
            AND split_part($1, '@', 2) ~ '^[^.].*\.'
            AND $1 !~ '\.$'
            AND split_part($1, '@', 2) NOT LIKE '%..%')
    $$;

-- Empty or NULL is valid; otherwise digits and ' + - . ( ) /' only, with
-- 4 to 20 digits.
CREATE FUNCTION relais_phone_ok(text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT $1 IS NULL OR $1 = ''
        OR ($1 ~ '^[-0-9 +.()/]*$'
            AND length(regexp_replace($1, '[^0-9]', '', 'g')) BETWEEN 4 AND 20)
    $$;

-- Whether a record's emails and phones are all well formed, kept with the
-- record: a condition on a column has statistics, so the list of the few
-- records at fault is read from the partial index below at a million
-- records (with the functions written in the query instead, the planner
-- cannot tell how few match and walks the whole name index: 6 s). Adding
-- the columns rewrites both tables once.
ALTER TABLE persons ADD COLUMN contacts_ok BOOLEAN NOT NULL GENERATED ALWAYS AS (
    relais_email_ok(email) AND relais_email_ok(email2)
    AND relais_phone_ok(phone) AND relais_phone_ok(mobile)) STORED;
ALTER TABLE companies ADD COLUMN contacts_ok BOOLEAN NOT NULL GENERATED ALWAYS AS (
    relais_email_ok(email) AND relais_phone_ok(phone)) STORED;
CREATE INDEX persons_invalid_contact_idx ON persons (id)
    WHERE deleted_at IS NULL AND NOT contacts_ok;
CREATE INDEX companies_invalid_contact_idx ON companies (id)
    WHERE deleted_at IS NULL AND NOT contacts_ok;

-- History shows what a person changed, not what follows from it.
CREATE OR REPLACE FUNCTION relais_track_changes() RETURNS trigger LANGUAGE plpgsql AS $$
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
                                'search_text', 'sort_name', 'deleted_at', 'closed_at',
                                'remind_at', 'reminded_at', 'original_start', 'detached', 'completed_at',
                                'board_pos', 'contacts_ok');
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

-- The data-quality page's figures per kind, as last counted.
CREATE TABLE quality_counts (
    record_type   TEXT        PRIMARY KEY,
    computed_at   TIMESTAMPTZ NOT NULL,
    -- live records
    total         BIGINT      NOT NULL,
    -- with every expected field set
    complete      BIGINT      NOT NULL,
    -- with at least one email or phone, and of those, all well formed
    with_contacts BIGINT      NOT NULL,
    valid         BIGINT      NOT NULL,
    -- in at least one probable duplicate pair with another live record
    duplicates    BIGINT      NOT NULL
);
