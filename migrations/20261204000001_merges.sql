-- Merges of duplicate records (companies, persons): what each one changed,
-- so that it can be undone from the kept record's history.
CREATE TABLE merges (
    id           BIGSERIAL   PRIMARY KEY,
    record_type  TEXT        NOT NULL CHECK (record_type IN ('company', 'person')),
    kept_id      BIGINT      NOT NULL,
    merged_ids   BIGINT[]    NOT NULL CHECK (cardinality(merged_ids) BETWEEN 1 AND 10),
    -- The kept record's fields the merge changed: before and after.
    kept_before  JSONB       NOT NULL,
    kept_after   JSONB       NOT NULL,
    -- Links moved to the kept record: [{"table", "column", "row", "from"}],
    -- `row` the moved row as it was (its key columns identify it).
    moved        JSONB       NOT NULL,
    -- Links deleted because the kept record already had the same one:
    -- [{"table", "row"}], put back by an undo.
    dropped      JSONB       NOT NULL,
    merged_by    BIGINT      NOT NULL REFERENCES users (id),
    merged_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    undone_by    BIGINT      REFERENCES users (id),
    undone_at    TIMESTAMPTZ
);
CREATE INDEX merges_kept_idx ON merges (record_type, kept_id, merged_at DESC);

-- The kept record's history says it; so does each merged record's.
ALTER TABLE record_changes DROP CONSTRAINT record_changes_action_check;
ALTER TABLE record_changes ADD CONSTRAINT record_changes_action_check
    CHECK (action IN ('create', 'update', 'delete', 'restore', 'merge', 'unmerge'));

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'view', 'change', 'export', 'gdpr_export', 'erase', 'merge', 'merge_undo',
    'invite', 'role', 'deactivate', 'reactivate', 'security', 'import', 'import_undo'));

-- Probable duplicates, per kind: the pairs of live records that share their
-- email, a phone (in any notation) or their name without accents; found by
-- `records::duplicates::refresh` in the background (a full pass takes
-- seconds at a million records, too long for a page) and read by the
-- duplicates page and the data-quality figures.
CREATE TABLE duplicate_pairs (
    record_type TEXT   NOT NULL,
    a           BIGINT NOT NULL,
    b           BIGINT NOT NULL CHECK (a < b),
    reasons     TEXT[] NOT NULL,
    likeness    INT    NOT NULL,
    PRIMARY KEY (record_type, a, b)
);
CREATE INDEX duplicate_pairs_rank_idx ON duplicate_pairs (record_type, likeness DESC, a, b);

-- When each kind's pairs were last found, and how long it took.
CREATE TABLE duplicate_scans (
    record_type TEXT        PRIMARY KEY,
    computed_at TIMESTAMPTZ NOT NULL,
    took_ms     INT         NOT NULL,
    pairs       INT         NOT NULL
);
