-- Mail that leaves: the outbox becomes a queue the mailer drains.
--
-- A mail is waiting (`sent_at` and `failed_at` empty) until a mailer sends
-- it; a failed attempt counts in `attempts`, keeps its reason in
-- `last_error` and waits until `next_attempt_at`; a refusal for good, or
-- the last attempt, sets `failed_at`. Mailers claim rows with
-- `FOR UPDATE SKIP LOCKED`, so one mail is in one mailer's hands at a time.
ALTER TABLE outbox
    ADD COLUMN body_html       TEXT,
    ADD COLUMN attempts        INT         NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN last_error      TEXT,
    ADD COLUMN failed_at       TIMESTAMPTZ;

-- Mail queued before the mailer existed was only ever meant for the log.
UPDATE outbox SET failed_at = now(), last_error = 'queued before mail delivery existed'
WHERE sent_at IS NULL;

CREATE INDEX outbox_waiting ON outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;

-- A mailer waiting for work hears of new mail at once (at commit).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- How a user hears of their reminders: the bell and the browser's desktop
-- notification, a mail, or both. The bell lists every reminder whatever
-- the choice.
ALTER TABLE users ADD COLUMN reminders_by TEXT NOT NULL DEFAULT 'browser'
    CHECK (reminders_by IN ('browser', 'mail', 'both'));
