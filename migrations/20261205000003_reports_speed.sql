-- The reports at scale, second pass (measured at 1 M persons, 200,000
-- deals, 5 M interactions, 1,671 users; see the README).

-- Sales' lost reasons: read from an index that carries the reason (255
-- characters at most), instead of each lost deal of the period from the
-- table.
CREATE INDEX deals_lost_idx ON deals (closed_at)
    INCLUDE (amount, owner_id, pipeline_id, lost_reason)
    WHERE deleted_at IS NULL AND status = 'lost';

-- Programmes' list of enrolments: each entry's enrolments in order of
-- start, so a page of them reads that page, not the period.
CREATE INDEX enrolments_programme_starts_idx ON enrolments (programme_id, starts_on, id)
    WHERE deleted_at IS NULL;
-- Programmes' persons and companies served (active or completed,
-- distinct): per entry, and once over all entries. Each index gives its
-- pairs in order, so counting them distinct is a walk, not a hash of the
-- year's 48,000 (with the period's columns, read from the index alone).
CREATE INDEX enrolments_served_idx ON enrolments (programme_id, person_id, company_id)
    INCLUDE (starts_on, ends_on, created_at, owner_id)
    WHERE deleted_at IS NULL AND status IN ('active', 'completed');
CREATE INDEX enrolments_served_once_idx ON enrolments (person_id, company_id)
    INCLUDE (starts_on, ends_on, created_at, owner_id, programme_id)
    WHERE deleted_at IS NULL AND status IN ('active', 'completed');
-- A catalogue of a few entries is never analysed by autovacuum (fewer
-- than 50 changes), and the planner then guesses 500 entries: the list
-- above was planned as 250,000 rows and joined the companies whole.
ANALYZE programmes;

-- Activity: a month's rows were spread over 5,592 pages for 18,793 rows,
-- as the rebuild wrote them in hash order. The rebuild now writes them in
-- key order (a month's rows on ~180 pages), and room is left on each page
-- for the trigger's updates to stay beside their row (HOT updates: the
-- counters are in no index).
ALTER TABLE activity_days SET (fillfactor = 80);
ALTER TABLE activity_months SET (fillfactor = 80);

CREATE OR REPLACE FUNCTION relais_rebuild_activity_days() RETURNS void LANGUAGE sql AS $$
    TRUNCATE activity_days, activity_months;
    INSERT INTO activity_days (day, owner_id, kind, status, interactions, minutes)
    SELECT (starts_at AT TIME ZONE relais_org_zone())::date, coalesce(owner_id, 0), kind, status,
           count(*), sum(relais_activity_minutes(starts_at, ends_at, all_day))
    FROM interactions WHERE deleted_at IS NULL
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4;
    INSERT INTO activity_months (month, owner_id, kind, status, interactions, minutes)
    SELECT date_trunc('month', day)::date, owner_id, kind, status, sum(interactions), sum(minutes)
    FROM activity_days
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4;
$$;

SELECT relais_rebuild_activity_days();
ANALYZE activity_days, activity_months;
