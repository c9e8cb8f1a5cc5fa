-- Requests a device may send more than once (a change made offline, sent
-- again after an answer was lost): each carries a key, and the key is
-- written in the same transaction as the change it made. A repeated
-- request finds its key and gets the first answer back; it never applies
-- the change twice. See `app::ssr::idempotency` and `server::idempotency`.
CREATE TABLE idempotency_keys (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        text        NOT NULL CHECK (length(key) BETWEEN 8 AND 64),
    endpoint   text        NOT NULL,
    -- The first answer, stored once the change is committed.
    status     smallint,
    answer     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- Old keys are purged (a device retries within days, not months).
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
