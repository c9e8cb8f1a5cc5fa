-- Interactions (calls, meetings, tasks, emails logged by hand): one table for
-- every kind, a link table to the records they concern, attendees, recurring
-- series, reminders and notifications, calendar sharing and iCalendar feeds.

-- Interactions are records too: history, tags, favourites, notes.
ALTER DOMAIN record_type DROP CONSTRAINT record_type_check;
ALTER DOMAIN record_type ADD CONSTRAINT record_type_check
    CHECK (VALUE IN ('company', 'person', 'deal', 'interaction'));

-- A recurring series: the RFC 5545 rule, expanded in `time_zone` (so a
-- weekly 09:00 stays at 09:00 across a daylight-saving change). Its
-- occurrences are rows of `interactions` (series_id), generated on save.
CREATE TABLE interaction_series (
    id          BIGSERIAL   PRIMARY KEY,
    rule        TEXT        NOT NULL CHECK (length(rule) <= 500),
    time_zone   TEXT        NOT NULL,
    first_start TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE interactions (
    id               BIGSERIAL   PRIMARY KEY,
    kind             TEXT        NOT NULL CHECK (kind IN ('call', 'meeting', 'task', 'email')),
    subject          TEXT        NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    description      TEXT        CHECK (length(description) <= 10000),
    status           TEXT        NOT NULL,
    -- Calls and meetings: start and end. Tasks: the due moment (end = start,
    -- or the due day when all_day). Emails: when sent or received.
    starts_at        TIMESTAMPTZ NOT NULL,
    ends_at          TIMESTAMPTZ NOT NULL,
    all_day          BOOLEAN     NOT NULL DEFAULT FALSE,
    direction        TEXT        CHECK (direction IN ('inbound', 'outbound')),
    location         TEXT        CHECK (length(location) <= 255),
    priority         TEXT        CHECK (priority IN ('high', 'medium', 'low')),
    task_start       DATE,
    completed_at     TIMESTAMPTZ,
    private          BOOLEAN     NOT NULL DEFAULT FALSE,
    owner_id         BIGINT      REFERENCES users (id),
    reminder_minutes INTEGER     CHECK (reminder_minutes BETWEEN 0 AND 40320),
    -- Kept by the trigger below: starts_at - reminder; reminded_at is set
    -- once, by the one dispatcher that claims the row.
    remind_at        TIMESTAMPTZ,
    reminded_at      TIMESTAMPTZ,
    series_id        BIGINT      REFERENCES interaction_series (id),
    -- The occurrence's start as the rule generated it (RECURRENCE-ID), and
    -- whether it was edited on its own ("this one only").
    original_start   TIMESTAMPTZ,
    detached         BOOLEAN     NOT NULL DEFAULT FALSE,
    search_text      TEXT        GENERATED ALWAYS AS (relais_fold(subject)) STORED,
    sort_name        TEXT        GENERATED ALWAYS AS (relais_fold(subject)) STORED,
    version          INTEGER     NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by       BIGINT      REFERENCES users (id),
    updated_by       BIGINT      REFERENCES users (id),
    deleted_at       TIMESTAMPTZ,
    CHECK (ends_at >= starts_at AND ends_at <= starts_at + interval '31 days'),
    CHECK ((kind IN ('call', 'meeting') AND status IN ('planned', 'held', 'postponed', 'cancelled'))
        OR (kind = 'task' AND status IN ('not_started', 'in_progress', 'pending', 'done'))
        OR (kind = 'email' AND status IN ('held'))),
    CHECK ((status = 'done') = (completed_at IS NOT NULL))
);
-- The calendar: one user's interactions in a range. An interaction lasts at
-- most 31 days (CHECK above), so `starts_at > from - 31 days` bounds the scan.
CREATE INDEX interactions_calendar_idx ON interactions (owner_id, starts_at) WHERE deleted_at IS NULL;
CREATE INDEX interactions_remind_idx ON interactions (remind_at)
    WHERE remind_at IS NOT NULL AND reminded_at IS NULL AND deleted_at IS NULL;
CREATE INDEX interactions_series_idx ON interactions (series_id, starts_at) WHERE series_id IS NOT NULL;
CREATE INDEX interactions_done_idx ON interactions (coalesce(completed_at, '-infinity'), id) WHERE deleted_at IS NULL;
CREATE INDEX interactions_start_idx ON interactions (starts_at, id) WHERE deleted_at IS NULL;
CREATE INDEX interactions_sort_name_idx ON interactions (sort_name, id) WHERE deleted_at IS NULL;
CREATE INDEX interactions_updated_idx ON interactions (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX interactions_search_idx ON interactions USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX interactions_trash_idx ON interactions (deleted_at, id) WHERE deleted_at IS NOT NULL;

-- The records an interaction concerns. `via` is NULL for a link the user
-- made; 'person' or 'deal' for the roll-up to that person's or deal's
-- companies, written on save, so that a company's timeline (its people's
-- and deals' interactions included) is one range of one index. `at` copies
-- the interaction's start: the timeline's order.
CREATE TABLE interaction_links (
    interaction_id BIGINT      NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
    record_type    record_type NOT NULL CHECK (record_type <> 'interaction'),
    record_id      BIGINT      NOT NULL,
    main           BOOLEAN     NOT NULL DEFAULT FALSE,
    via            TEXT        CHECK (via IN ('person', 'deal')),
    at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (interaction_id, record_type, record_id)
);
CREATE INDEX interaction_links_record_idx ON interaction_links (record_type, record_id, at DESC, interaction_id DESC);
CREATE UNIQUE INDEX interaction_links_main_key ON interaction_links (interaction_id) WHERE main;

-- Attendees: users (whose calendars show the interaction) and persons.
-- `starts_at` copies the interaction's start for the calendar's range scan.
CREATE TABLE interaction_attendees (
    interaction_id BIGINT      NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
    user_id        BIGINT      REFERENCES users (id),
    person_id      BIGINT      REFERENCES persons (id),
    starts_at      TIMESTAMPTZ NOT NULL,
    CHECK ((user_id IS NULL) <> (person_id IS NULL))
);
CREATE UNIQUE INDEX interaction_attendees_user_key ON interaction_attendees (interaction_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX interaction_attendees_person_key ON interaction_attendees (interaction_id, person_id) WHERE person_id IS NOT NULL;
CREATE INDEX interaction_attendees_calendar_idx ON interaction_attendees (user_id, starts_at) WHERE user_id IS NOT NULL;

-- Keeps remind_at and the copies of starts_at in step with the interaction.
CREATE FUNCTION relais_interaction_times() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.remind_at := CASE WHEN NEW.reminder_minutes IS NULL OR NEW.status IN ('done', 'held', 'cancelled') THEN NULL
                          ELSE NEW.starts_at - make_interval(mins => NEW.reminder_minutes) END;
    IF TG_OP = 'UPDATE' AND NEW.remind_at IS DISTINCT FROM OLD.remind_at THEN
        NEW.reminded_at := NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER interactions_times BEFORE INSERT OR UPDATE ON interactions
    FOR EACH ROW EXECUTE FUNCTION relais_interaction_times();

CREATE FUNCTION relais_interaction_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE interaction_links SET at = NEW.starts_at WHERE interaction_id = NEW.id;
    UPDATE interaction_attendees SET starts_at = NEW.starts_at WHERE interaction_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER interactions_moved AFTER UPDATE OF starts_at ON interactions
    FOR EACH ROW WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at) EXECUTE FUNCTION relais_interaction_moved();

-- The history leaves out what the system keeps (reminder bookkeeping, the
-- series' own columns, the completion time that follows the status).
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
                                'remind_at', 'reminded_at', 'original_start', 'detached', 'completed_at');
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

CREATE TRIGGER interactions_history AFTER INSERT OR UPDATE ON interactions
    FOR EACH ROW WHEN (current_setting('relais.bulk', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION relais_track_changes('interaction');

-- The bell. `kind`: reminder, assigned. A reminder fires once per
-- (interaction, remind_at): the unique key makes a second dispatcher's
-- insert a no-op even if it raced past the claim.
CREATE TABLE notifications (
    id             BIGSERIAL   PRIMARY KEY,
    user_id        BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           TEXT        NOT NULL CHECK (kind IN ('reminder', 'assigned')),
    interaction_id BIGINT      REFERENCES interactions (id) ON DELETE CASCADE,
    fire_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_id       BIGINT      REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at        TIMESTAMPTZ
);
CREATE UNIQUE INDEX notifications_once_key ON notifications (user_id, kind, interaction_id, fire_at);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Calendar sharing: `owner_id` lets `viewer_id` see their calendar.
CREATE TABLE calendar_shares (
    owner_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    viewer_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, viewer_id),
    CHECK (owner_id <> viewer_id)
);
CREATE INDEX calendar_shares_viewer_idx ON calendar_shares (viewer_id);

-- Private iCalendar subscription URLs (the token is the secret part of the
-- URL, shown again in the profile like a calendar app's "secret address");
-- revoking deletes the row, a new token makes a new URL.
CREATE TABLE calendar_feeds (
    token      TEXT        PRIMARY KEY CHECK (length(token) >= 32),
    user_id    BIGINT      NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE saved_filters DROP CONSTRAINT saved_filters_module_check;
ALTER TABLE saved_filters ADD CONSTRAINT saved_filters_module_check
    CHECK (module IN ('companies', 'persons', 'deals', 'interactions'));
