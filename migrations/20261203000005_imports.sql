-- Imports (issue 17): a CSV file, how its columns map to fields, and a job
-- that applies it row by row in the background, resumable and undoable.

CREATE TABLE imports (
    id            BIGSERIAL   PRIMARY KEY,
    record_type   TEXT        NOT NULL CHECK (record_type IN ('company', 'person')),
    file_name     TEXT        NOT NULL CHECK (length(file_name) <= 255),
    file_size     BIGINT      NOT NULL,
    encoding      TEXT        NOT NULL,
    delimiter     TEXT        NOT NULL CHECK (length(delimiter) = 1),
    headers       TEXT[]      NOT NULL,
    -- Per column of the file: the field it fills, '' for none.
    mapping       TEXT[]      NOT NULL,
    on_duplicate  TEXT        NOT NULL DEFAULT 'fill'
                              CHECK (on_duplicate IN ('skip', 'fill', 'overwrite', 'create')),
    status        TEXT        NOT NULL DEFAULT 'draft'
                              CHECK (status IN ('draft', 'queued', 'running', 'done', 'cancelled', 'failed', 'undone')),
    total_rows    INTEGER     NOT NULL,
    -- Rows of the file applied so far, in file order: a resumed job skips them.
    done_rows     INTEGER     NOT NULL DEFAULT 0,
    created_count INTEGER     NOT NULL DEFAULT 0,
    updated_count INTEGER     NOT NULL DEFAULT 0,
    skipped_count INTEGER     NOT NULL DEFAULT 0,
    refused_count INTEGER     NOT NULL DEFAULT 0,
    error         TEXT,
    -- The instance running it and when it last said so: another instance
    -- takes over a job whose heartbeat is old.
    worker        TEXT,
    heartbeat_at  TIMESTAMPTZ,
    created_by    BIGINT      NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at    TIMESTAMPTZ,
    finished_at   TIMESTAMPTZ,
    undone_at     TIMESTAMPTZ
);
CREATE INDEX imports_pending_idx ON imports (id) WHERE status IN ('queued', 'running');
CREATE INDEX imports_by_user_idx ON imports (created_by, id);

-- The file itself, in chunks of about 1 MB: every instance reads it.
CREATE TABLE import_chunks (
    import_id BIGINT  NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    data      BYTEA   NOT NULL,
    PRIMARY KEY (import_id, seq)
);

-- What each row of the file did: the record it created or updated (and
-- that record's version right after, so that undo leaves alone what was
-- changed since), the values it replaced, or why it was refused.
CREATE TABLE import_rows (
    import_id   BIGINT  NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    line        INTEGER NOT NULL,
    record_type TEXT    NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('created', 'updated', 'skipped', 'refused')),
    record_id   BIGINT,
    version     INTEGER,
    before      JSONB,
    problems    JSONB,
    PRIMARY KEY (import_id, line, record_type)
);
CREATE INDEX import_rows_refused_idx ON import_rows (import_id, line) WHERE outcome = 'refused';

-- A file layout met before (its folded headers): the mapping chosen then.
CREATE TABLE import_layouts (
    record_type TEXT        NOT NULL,
    header_key  TEXT        NOT NULL,
    mapping     TEXT[]      NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (record_type, header_key)
);

-- An import and its undo are audited, as their user.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'view', 'change', 'export', 'gdpr_export', 'erase', 'merge',
    'invite', 'role', 'deactivate', 'reactivate', 'security', 'import', 'import_undo'));
