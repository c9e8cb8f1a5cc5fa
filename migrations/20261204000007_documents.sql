-- Documents (issue 18): files attached to a company, person, deal or
-- interaction, with a type and a title, kept in versions. The files
-- themselves are in the object store (`app::documents::storage`) under a
-- key the server makes; the database holds what is known of them.

-- Documents are records too: history, audit. (The full list: 000006 adds
-- 'enrolment', and whichever of the two runs last must keep both.)
ALTER DOMAIN record_type DROP CONSTRAINT record_type_check;
ALTER DOMAIN record_type ADD CONSTRAINT record_type_check
    CHECK (VALUE IN ('company', 'person', 'deal', 'interaction', 'enrolment', 'document'));

CREATE TABLE documents (
    id              BIGSERIAL   PRIMARY KEY,
    -- The record the document is attached to; seeing and changing the
    -- document is seeing and changing that record (`app::access`).
    record_type     record_type NOT NULL
                    CHECK (record_type IN ('company', 'person', 'deal', 'interaction')),
    record_id       BIGINT      NOT NULL,
    doc_type        TEXT        NOT NULL DEFAULT 'document'
                    CHECK (doc_type IN ('document', 'cv', 'contract', 'other')),
    title           TEXT        NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
    -- The number of the latest version, and what the list shows of it.
    current_version INTEGER     NOT NULL DEFAULT 1 CHECK (current_version >= 1),
    file_name       TEXT        NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type    TEXT        NOT NULL CHECK (length(content_type) <= 100),
    size            BIGINT      NOT NULL CHECK (size > 0),
    owner_id        BIGINT      REFERENCES users (id),
    version         INTEGER     NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by      BIGINT      REFERENCES users (id),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by      BIGINT      REFERENCES users (id),
    deleted_at      TIMESTAMPTZ,
    search_text     TEXT GENERATED ALWAYS AS (relais_fold(title || ' ' || file_name)) STORED,
    sort_name       TEXT GENERATED ALWAYS AS (relais_fold(title)) STORED
);
-- A record's documents, newest first (the record page's list).
CREATE INDEX documents_record_idx ON documents (record_type, record_id, updated_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX documents_sort_name_idx ON documents (sort_name, id) WHERE deleted_at IS NULL;
CREATE INDEX documents_updated_idx ON documents (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX documents_owner_idx ON documents (owner_id) WHERE deleted_at IS NULL;
CREATE INDEX documents_search_idx ON documents USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX documents_trash_idx ON documents (deleted_at, id) WHERE deleted_at IS NOT NULL;

-- Every version of a document's file; none is ever replaced. `storage_key`
-- is the server's own name for the object (never the user's file name);
-- `content_type` is what the server decided from the bytes.
CREATE TABLE document_versions (
    document_id  BIGINT      NOT NULL REFERENCES documents (id),
    n            INTEGER     NOT NULL CHECK (n >= 1),
    storage_key  TEXT        NOT NULL UNIQUE CHECK (length(storage_key) <= 200),
    file_name    TEXT        NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type TEXT        NOT NULL CHECK (length(content_type) <= 100),
    size         BIGINT      NOT NULL CHECK (size > 0),
    sha256       TEXT        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by  BIGINT      REFERENCES users (id),
    uploaded_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, n)
);

CREATE TRIGGER documents_history AFTER INSERT OR UPDATE ON documents
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION relais_track_changes('document');

-- Every change is audited by `relais_audit_change` (migration 000006), as
-- enrolments' and persons' are.
CREATE TRIGGER documents_audit AFTER INSERT OR UPDATE ON documents
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION relais_audit_change('document');
