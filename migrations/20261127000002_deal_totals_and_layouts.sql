-- Deals board column totals, kept exact by a trigger. Summing 200,000 deals
-- on every board load costs ~110 ms (measured); the totals table holds one
-- row per (stage, status, owner) — a few hundred rows — so a board's
-- headers, for everyone or for one owner, are a sum over a handful of rows.
-- `owner_id` 0 stands for "no owner" (a primary key cannot hold NULL).
CREATE TABLE deal_totals (
    stage_id BIGINT  NOT NULL REFERENCES pipeline_stages (id) ON DELETE CASCADE,
    status   TEXT    NOT NULL,
    owner_id BIGINT  NOT NULL,
    deals    BIGINT  NOT NULL DEFAULT 0,
    amount   NUMERIC NOT NULL DEFAULT 0,
    -- Sum of amount × probability / 100.
    weighted NUMERIC NOT NULL DEFAULT 0,
    PRIMARY KEY (stage_id, status, owner_id)
);

CREATE FUNCTION relais_deal_totals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    out_row boolean := TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL;
    in_row  boolean := TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL;
BEGIN
    -- A move touches two totals rows: lock them in key order first, so two
    -- opposite moves at once wait for each other instead of deadlocking.
    IF out_row AND in_row THEN
        PERFORM 1 FROM deal_totals
        WHERE (stage_id, status, owner_id) IN ((OLD.stage_id, OLD.status, coalesce(OLD.owner_id, 0)),
                                                (NEW.stage_id, NEW.status, coalesce(NEW.owner_id, 0)))
        ORDER BY stage_id, status, owner_id FOR UPDATE;
    END IF;
    IF out_row THEN
        UPDATE deal_totals
        SET deals = deals - 1,
            amount = amount - coalesce(OLD.amount, 0),
            weighted = weighted - coalesce(OLD.amount, 0) * OLD.probability / 100
        WHERE stage_id = OLD.stage_id AND status = OLD.status AND owner_id = coalesce(OLD.owner_id, 0);
    END IF;
    IF in_row THEN
        INSERT INTO deal_totals AS t (stage_id, status, owner_id, deals, amount, weighted)
        VALUES (NEW.stage_id, NEW.status, coalesce(NEW.owner_id, 0), 1, coalesce(NEW.amount, 0),
                coalesce(NEW.amount, 0) * NEW.probability / 100)
        ON CONFLICT (stage_id, status, owner_id) DO UPDATE
        SET deals = t.deals + 1, amount = t.amount + excluded.amount, weighted = t.weighted + excluded.weighted;
    END IF;
    RETURN NULL;
END $$;

-- Recomputes every total from the deals (after a bulk load, which skips
-- the trigger as it skips history).
CREATE FUNCTION relais_rebuild_deal_totals() RETURNS void LANGUAGE sql AS $$
    DELETE FROM deal_totals;
    INSERT INTO deal_totals (stage_id, status, owner_id, deals, amount, weighted)
    SELECT stage_id, status, coalesce(owner_id, 0), count(*), coalesce(sum(amount), 0),
           coalesce(sum(amount * probability / 100), 0)
    FROM deals WHERE deleted_at IS NULL
    GROUP BY 1, 2, 3;
$$;

CREATE TRIGGER deals_totals
    AFTER INSERT OR DELETE OR UPDATE OF stage_id, status, owner_id, amount, probability, deleted_at ON deals
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION relais_deal_totals();

SELECT relais_rebuild_deal_totals();

-- Layouts a user arranges and expects to find again: the fields shown on
-- board cards, the Desk's panels (which, in what order). The server checks
-- keys and values against what exists.
CREATE TABLE user_layouts (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key     TEXT   NOT NULL,
    items   TEXT[] NOT NULL,
    PRIMARY KEY (user_id, key)
);
