-- Reports (issue 19): what they read fast at millions of rows, and the
-- reports people keep.

-- The organisation's time zone: reports count days, weeks, months and
-- years in it, so that a report reads the same for everyone who opens it.
ALTER TABLE organisation_settings ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Paris';

CREATE FUNCTION relais_org_zone() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT time_zone FROM organisation_settings), 'UTC')
$$;

-- The Activity report's figures, kept exact by a trigger: one row per day
-- (in the organisation's zone), owner, kind and status. A year of a
-- 50-person team is a few tens of thousands of rows, where the
-- interactions themselves are a million. `owner_id` 0 is "no owner".
-- `minutes` sums the timed interactions' durations (planned time).
CREATE TABLE activity_days (
    day          DATE   NOT NULL,
    owner_id     BIGINT NOT NULL,
    kind         TEXT   NOT NULL,
    status       TEXT   NOT NULL,
    interactions BIGINT NOT NULL DEFAULT 0,
    minutes      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, owner_id, kind, status)
);
CREATE INDEX activity_days_owner_idx ON activity_days (owner_id, day);

CREATE FUNCTION relais_activity_minutes(starts timestamptz, ends timestamptz, all_day boolean)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN all_day THEN 0 ELSE (extract(epoch FROM ends - starts) / 60)::bigint END
$$;

CREATE FUNCTION relais_activity_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    out_row boolean := TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL;
    in_row  boolean := TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL;
    zone    text := relais_org_zone();
BEGIN
    -- Lock both rows in key order first, as `deal_totals` does: two
    -- opposite changes at once wait for each other instead of deadlocking.
    IF out_row AND in_row THEN
        PERFORM 1 FROM activity_days
        WHERE (day, owner_id, kind, status) IN
              (((OLD.starts_at AT TIME ZONE zone)::date, coalesce(OLD.owner_id, 0), OLD.kind, OLD.status),
               ((NEW.starts_at AT TIME ZONE zone)::date, coalesce(NEW.owner_id, 0), NEW.kind, NEW.status))
        ORDER BY day, owner_id, kind, status FOR UPDATE;
    END IF;
    IF out_row THEN
        UPDATE activity_days
        SET interactions = interactions - 1,
            minutes = minutes - relais_activity_minutes(OLD.starts_at, OLD.ends_at, OLD.all_day)
        WHERE day = (OLD.starts_at AT TIME ZONE zone)::date AND owner_id = coalesce(OLD.owner_id, 0)
          AND kind = OLD.kind AND status = OLD.status;
    END IF;
    IF in_row THEN
        INSERT INTO activity_days AS a (day, owner_id, kind, status, interactions, minutes)
        VALUES ((NEW.starts_at AT TIME ZONE zone)::date, coalesce(NEW.owner_id, 0), NEW.kind, NEW.status, 1,
                relais_activity_minutes(NEW.starts_at, NEW.ends_at, NEW.all_day))
        ON CONFLICT (day, owner_id, kind, status) DO UPDATE
        SET interactions = a.interactions + 1, minutes = a.minutes + excluded.minutes;
    END IF;
    RETURN NULL;
END $$;

-- Recomputes the table from the interactions: after a bulk load (which
-- skips the trigger), or a change of the organisation's zone.
CREATE FUNCTION relais_rebuild_activity_days() RETURNS void LANGUAGE sql AS $$
    DELETE FROM activity_days;
    INSERT INTO activity_days (day, owner_id, kind, status, interactions, minutes)
    SELECT (starts_at AT TIME ZONE relais_org_zone())::date, coalesce(owner_id, 0), kind, status,
           count(*), sum(relais_activity_minutes(starts_at, ends_at, all_day))
    FROM interactions WHERE deleted_at IS NULL
    GROUP BY 1, 2, 3, 4;
$$;

CREATE TRIGGER interactions_activity_days
    AFTER INSERT OR DELETE OR UPDATE OF starts_at, ends_at, all_day, kind, status, owner_id, deleted_at
    ON interactions
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION relais_activity_days();

SELECT relais_rebuild_activity_days();

-- Sales: the deals closed in a period, read from the index alone.
CREATE INDEX deals_closed_idx ON deals (closed_at)
    INCLUDE (status, amount, owner_id, pipeline_id, created_at)
    WHERE deleted_at IS NULL AND status <> 'open';
-- Forecast: the open deals by expected close.
CREATE INDEX deals_forecast_idx ON deals (expected_close)
    INCLUDE (amount, probability, pipeline_id, stage_id, owner_id)
    WHERE deleted_at IS NULL AND status = 'open';
-- Programmes: the enrolments of a period.
CREATE INDEX enrolments_period_idx ON enrolments (starts_on) WHERE deleted_at IS NULL;

-- Data quality over time: each count of the background pass also leaves
-- the day's figures per kind and owner (the last count of a day wins).
CREATE TABLE quality_history (
    record_type   TEXT   NOT NULL,
    day           DATE   NOT NULL,
    owner_id      BIGINT NOT NULL,
    total         BIGINT NOT NULL,
    complete      BIGINT NOT NULL,
    with_contacts BIGINT NOT NULL,
    valid         BIGINT NOT NULL,
    duplicates    BIGINT NOT NULL,
    PRIMARY KEY (record_type, day, owner_id)
);

-- A report with its filters, kept by a user (and shared, if they chose).
-- `query` holds the filters as the report's URL does: dynamic periods
-- ("this quarter") stay words, so the report moves with time.
CREATE TABLE saved_reports (
    id         BIGSERIAL   PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    report     TEXT        NOT NULL CHECK (report IN ('activity', 'sales', 'forecast', 'programmes', 'quality')),
    name       TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    query      TEXT        NOT NULL CHECK (length(query) <= 2000),
    shared     BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Saving under a name one already uses replaces that report.
CREATE UNIQUE INDEX saved_reports_name_key ON saved_reports (user_id, report, lower(name));
