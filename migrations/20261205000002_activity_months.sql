-- The Activity report's month counts. With a large team, `activity_days`
-- holds nearly a row per interaction (1,671 users: 3.4 M rows for 5 M
-- interactions), so a year of the whole team was a million rows to sum.
-- Whole months of a period are read here (a row per month, owner, kind and
-- status: 36 months of that team are about 0.5 M rows), only the days at
-- its edges from `activity_days`. Kept by the same trigger, in the same
-- transaction as the change.
CREATE TABLE activity_months (
    month        DATE   NOT NULL,
    owner_id     BIGINT NOT NULL,
    kind         TEXT   NOT NULL,
    status       TEXT   NOT NULL,
    interactions BIGINT NOT NULL DEFAULT 0,
    minutes      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (month, owner_id, kind, status)
);
CREATE INDEX activity_months_owner_idx ON activity_months (owner_id, month);

CREATE OR REPLACE FUNCTION relais_activity_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    out_row  boolean := TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL;
    in_row   boolean := TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL;
    zone     text := relais_org_zone();
    old_day  date;
    new_day  date;
    old_min  bigint;
    new_min  bigint;
BEGIN
    IF out_row THEN
        old_day := (OLD.starts_at AT TIME ZONE zone)::date;
        old_min := relais_activity_minutes(OLD.starts_at, OLD.ends_at, OLD.all_day);
    END IF;
    IF in_row THEN
        new_day := (NEW.starts_at AT TIME ZONE zone)::date;
        new_min := relais_activity_minutes(NEW.starts_at, NEW.ends_at, NEW.all_day);
    END IF;
    -- Lock the rows a move touches in key order first (days, then
    -- months), as `deal_totals` does: two opposite changes at once wait for
    -- each other instead of deadlocking.
    IF out_row AND in_row THEN
        PERFORM 1 FROM activity_days
        WHERE (day, owner_id, kind, status) IN
              ((old_day, coalesce(OLD.owner_id, 0), OLD.kind, OLD.status),
               (new_day, coalesce(NEW.owner_id, 0), NEW.kind, NEW.status))
        ORDER BY day, owner_id, kind, status FOR UPDATE;
        PERFORM 1 FROM activity_months
        WHERE (month, owner_id, kind, status) IN
              ((date_trunc('month', old_day)::date, coalesce(OLD.owner_id, 0), OLD.kind, OLD.status),
               (date_trunc('month', new_day)::date, coalesce(NEW.owner_id, 0), NEW.kind, NEW.status))
        ORDER BY month, owner_id, kind, status FOR UPDATE;
    END IF;
    IF out_row THEN
        UPDATE activity_days
        SET interactions = interactions - 1, minutes = minutes - old_min
        WHERE day = old_day AND owner_id = coalesce(OLD.owner_id, 0)
          AND kind = OLD.kind AND status = OLD.status;
        UPDATE activity_months
        SET interactions = interactions - 1, minutes = minutes - old_min
        WHERE month = date_trunc('month', old_day)::date AND owner_id = coalesce(OLD.owner_id, 0)
          AND kind = OLD.kind AND status = OLD.status;
    END IF;
    IF in_row THEN
        INSERT INTO activity_days AS a (day, owner_id, kind, status, interactions, minutes)
        VALUES (new_day, coalesce(NEW.owner_id, 0), NEW.kind, NEW.status, 1, new_min)
        ON CONFLICT (day, owner_id, kind, status) DO UPDATE
        SET interactions = a.interactions + 1, minutes = a.minutes + excluded.minutes;
        INSERT INTO activity_months AS a (month, owner_id, kind, status, interactions, minutes)
        VALUES (date_trunc('month', new_day)::date, coalesce(NEW.owner_id, 0), NEW.kind, NEW.status, 1, new_min)
        ON CONFLICT (month, owner_id, kind, status) DO UPDATE
        SET interactions = a.interactions + 1, minutes = a.minutes + excluded.minutes;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION relais_rebuild_activity_days() RETURNS void LANGUAGE sql AS $$
    DELETE FROM activity_days;
    INSERT INTO activity_days (day, owner_id, kind, status, interactions, minutes)
    SELECT (starts_at AT TIME ZONE relais_org_zone())::date, coalesce(owner_id, 0), kind, status,
           count(*), sum(relais_activity_minutes(starts_at, ends_at, all_day))
    FROM interactions WHERE deleted_at IS NULL
    GROUP BY 1, 2, 3, 4;
    DELETE FROM activity_months;
    INSERT INTO activity_months (month, owner_id, kind, status, interactions, minutes)
    SELECT date_trunc('month', day)::date, owner_id, kind, status, sum(interactions), sum(minutes)
    FROM activity_days
    GROUP BY 1, 2, 3, 4;
$$;

SELECT relais_rebuild_activity_days();
