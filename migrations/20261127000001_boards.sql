-- Kanban order. A card's place in its column is `coalesce(board_pos, id)`:
-- cards never moved keep the order they were made in (no backfill, no
-- table rewrite), and a card dropped between two others takes the exact
-- midpoint of theirs (`numeric` has room for thousands of digits, so there
-- is always a value between two). Two people dropping cards into the same
-- gap at once get equal positions; `id` breaks the tie, so the order stays
-- total and the same for everyone.
ALTER TABLE interactions ADD COLUMN board_pos NUMERIC;
ALTER TABLE deals ADD COLUMN board_pos NUMERIC;

CREATE INDEX interactions_board_idx ON interactions (status, (coalesce(board_pos, id::numeric)), id)
    WHERE deleted_at IS NULL AND kind = 'task';
CREATE INDEX deals_board_idx ON deals (stage_id, (coalesce(board_pos, id::numeric)), id)
    WHERE deleted_at IS NULL;

-- A card's position is bookkeeping, not history.
CREATE OR REPLACE FUNCTION relais_track_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb := to_jsonb(NEW);
    diff    jsonb := '{}';
    k       text;
    v       jsonb;
    act     text := 'create';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD);
        FOR k, v IN SELECT key, value FROM jsonb_each(new_row) LOOP
            CONTINUE WHEN k IN ('version', 'created_at', 'created_by', 'updated_at', 'updated_by',
                                'search_text', 'sort_name', 'deleted_at', 'closed_at',
                                'remind_at', 'reminded_at', 'original_start', 'detached', 'completed_at',
                                'board_pos');
            IF old_row -> k IS DISTINCT FROM v THEN
                diff := diff || jsonb_build_object(k, jsonb_build_array(old_row -> k, v));
            END IF;
        END LOOP;
        act := CASE
            WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'delete'
            WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN 'restore'
            ELSE 'update' END;
        IF act = 'update' AND diff = '{}' THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO record_changes (record_type, record_id, user_id, action, changes)
    VALUES (TG_ARGV[0], NEW.id, nullif(current_setting('relais.user_id', true), '')::bigint, act, diff);
    RETURN NULL;
END $$;
