-- What to do with each row of an import that is the same as an existing
-- record, when it differs from the import's `on_duplicate`: the file's
-- line number (as text) to 'skip', 'fill', 'overwrite' or 'create'.
ALTER TABLE imports ADD COLUMN row_choices JSONB NOT NULL DEFAULT '{}'
    CHECK (jsonb_typeof(row_choices) = 'object');
