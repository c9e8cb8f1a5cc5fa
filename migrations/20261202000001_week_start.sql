-- The first day of a user's week: Monday, Sunday, or "auto" (from their
-- time zone's region: Sunday in the Americas and a few other countries,
-- Monday elsewhere). English speakers in Europe start on Monday.
ALTER TABLE users ADD COLUMN week_start TEXT NOT NULL DEFAULT 'auto'
    CHECK (week_start IN ('auto', 'mon', 'sun'));
