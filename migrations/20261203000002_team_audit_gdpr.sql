-- A team run from the app: invitations, the last login; the audit log of
-- personal data; consent changes; erased persons.

ALTER TABLE users ADD COLUMN last_login_at TIMESTAMPTZ;

-- An invitation: a single-use, expiring link (only the SHA-256 of its token
-- is kept) to become a user with `role`. `locale` is the language of its
-- mail and of the page it opens. One open invitation per address: inviting
-- again (or resending) replaces the open one.
CREATE TABLE invitations (
    id          BIGSERIAL   PRIMARY KEY,
    email       TEXT        NOT NULL CHECK (length(email) BETWEEN 3 AND 255),
    role        TEXT        NOT NULL CHECK (role IN ('admin', 'manager', 'member')),
    locale      TEXT        NOT NULL CHECK (locale IN ('en', 'fr')),
    token_hash  TEXT        NOT NULL UNIQUE,
    invited_by  BIGINT      REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ,
    user_id     BIGINT      REFERENCES users (id)
);
CREATE UNIQUE INDEX invitations_open_key ON invitations (lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Who viewed, changed, exported, erased or merged personal data, and what
-- the admins did to accounts. Append-only: nothing updates or deletes a row
-- (the triggers below refuse it). It names records by id, never by their
-- content, so it survives the erasure of the person it is about; the
-- actor's name is copied so that it reads the same after they leave.
CREATE TABLE audit_log (
    id          BIGSERIAL   PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    user_id     BIGINT      REFERENCES users (id),
    user_name   TEXT        NOT NULL DEFAULT '',
    address     TEXT        NOT NULL DEFAULT '',
    action      TEXT        NOT NULL CHECK (action IN (
                    'view', 'change', 'export', 'gdpr_export', 'erase', 'merge',
                    'invite', 'role', 'deactivate', 'reactivate', 'security')),
    record_type TEXT        CHECK (length(record_type) <= 40),
    record_id   BIGINT,
    detail      TEXT        NOT NULL DEFAULT '' CHECK (length(detail) <= 2000)
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_record_idx ON audit_log (record_type, record_id, at DESC);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at DESC);

CREATE FUNCTION relais_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION relais_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION relais_append_only();

-- Every change of a person is audited, whichever path made it (form,
-- in-place edit, mass action, trash, erasure): the acting user and their
-- address come from the transaction (`relais.user_id`, `relais.address`,
-- set by `begin_as`). `detail` lists the changed fields, not their values.
CREATE FUNCTION relais_audit_person() RETURNS trigger LANGUAGE plpgsql AS $$
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
            'change', 'person', NEW.id, left(fields, 2000));
    RETURN NULL;
END $$;
CREATE TRIGGER persons_audit AFTER INSERT OR UPDATE ON persons
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION relais_audit_person();

-- Consent changes: each change of a person's marketing consent, its date
-- or its method, with who made it and when, whichever path changed it.
CREATE TABLE consent_changes (
    id          BIGSERIAL   PRIMARY KEY,
    person_id   BIGINT      NOT NULL REFERENCES persons (id),
    consent     BOOLEAN     NOT NULL,
    consent_date DATE,
    method      TEXT,
    changed_by  BIGINT      REFERENCES users (id),
    changed_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX consent_changes_person_idx ON consent_changes (person_id, changed_at DESC, id DESC);

CREATE FUNCTION relais_track_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NOT NEW.marketing_consent AND NEW.consent_date IS NULL
       AND NEW.consent_method IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.marketing_consent = NEW.marketing_consent
       AND OLD.consent_date IS NOT DISTINCT FROM NEW.consent_date
       AND OLD.consent_method IS NOT DISTINCT FROM NEW.consent_method THEN
        RETURN NULL;
    END IF;
    INSERT INTO consent_changes (person_id, consent, consent_date, method, changed_by)
    VALUES (NEW.id, NEW.marketing_consent, NEW.consent_date, NEW.consent_method,
            nullif(current_setting('relais.user_id', true), '')::bigint);
    RETURN NULL;
END $$;
CREATE TRIGGER persons_consent AFTER INSERT OR UPDATE ON persons
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION relais_track_consent();

-- An erased person: the row stays (interactions, deals and counts keep
-- pointing at it) with every personal field emptied.
ALTER TABLE persons ADD COLUMN erased_at TIMESTAMPTZ;
