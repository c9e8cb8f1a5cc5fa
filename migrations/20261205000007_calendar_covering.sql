-- The calendar index carries every column the Planning's blocks read (and
-- the calendar's and the Desk agenda's visibility rule: `private`,
-- `created_by`), so two weeks of fifty users are read from the index alone.
-- Those rows sit on as many table pages as there are rows (2,306 pages for
-- 2,323 rows at 5 M interactions): 8.3 ms of table reads, 2.1–3.2 ms from
-- the index. The index grows from 415 to 774 MB at 5 M interactions (a
-- second, separate index would have been 607 MB more). Updates lose
-- nothing: `updated_at` is indexed, so none was a HOT update before.
DROP INDEX IF EXISTS interactions_calendar_idx;
CREATE INDEX interactions_calendar_idx ON interactions (owner_id, starts_at)
    INCLUDE (ends_at, id, search_text, version, kind, status, subject, all_day, private,
             created_by, series_id)
    WHERE deleted_at IS NULL;
