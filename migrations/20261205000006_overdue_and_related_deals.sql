-- The Desk's "overdue" panel and count read two partial indexes instead of
-- the user's whole history. At 5 M interactions a busy user's count read
-- 5,700 rows of the table (10 ms) to find 359 late items.
--
-- Open tasks: `all_day` joins the included columns, so whether a task is
-- late (`interactions::task_late_sql`: an all-day task is late from the day
-- after) is decided in the index; the count is an index-only scan.
DROP INDEX IF EXISTS interactions_open_tasks_idx;
CREATE INDEX interactions_open_tasks_idx ON interactions (owner_id, starts_at DESC, id DESC)
    INCLUDE (private, created_by, all_day)
    WHERE kind = 'task' AND status <> 'done' AND deleted_at IS NULL;

-- Calls and meetings still "planned": the future ones and those over but
-- not yet logged (a small part of the table, 5 %). The Desk lists those
-- over before today, newest first.
CREATE INDEX interactions_planned_calls_idx ON interactions (owner_id, starts_at DESC, id DESC)
    INCLUDE (ends_at)
    WHERE kind IN ('call', 'meeting') AND status = 'planned' AND deleted_at IS NULL;

-- A company's or a person's deals on its record page, in the card's order
-- (open first, soonest expected close, newest): the first 50 straight from
-- the index instead of every deal sorted (638 for a large company). Same
-- leading column as the indexes they replace, which served only equality.
DROP INDEX IF EXISTS deals_company_idx;
CREATE INDEX deals_company_idx ON deals (company_id, (status <> 'open'), expected_close, id DESC)
    WHERE deleted_at IS NULL;
DROP INDEX IF EXISTS deals_person_idx;
CREATE INDEX deals_person_idx ON deals (person_id, (status <> 'open'), expected_close, id DESC)
    WHERE deleted_at IS NULL;
