-- The Planning's "to plan" list: open tasks with no owner, and each shown
-- user's open tasks due before today, newest due first. Open tasks are a
-- small part of the table (done ones are most of the past), so a partial
-- index walked backwards from today reads at most a page of entries per
-- user; `private` and `created_by` are in it so that the visibility rule is
-- checked without reading the table (at 5 M interactions the calendar
-- index would read a user's whole history of every kind: ~3,000 rows).
CREATE INDEX IF NOT EXISTS interactions_open_tasks_idx ON interactions (owner_id, starts_at DESC, id DESC)
    INCLUDE (private, created_by)
    WHERE kind = 'task' AND status <> 'done' AND deleted_at IS NULL;
