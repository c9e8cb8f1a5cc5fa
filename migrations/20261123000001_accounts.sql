-- Accounts, server-side sessions, login throttling, password resets, outgoing mail.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT        NOT NULL CHECK (length(email) <= 255),
    name          TEXT        NOT NULL CHECK (length(name) <= 255),
    password_hash TEXT        NOT NULL,
    role          TEXT        NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'manager', 'member')),
    active        BOOLEAN     NOT NULL DEFAULT TRUE,
    locale        TEXT        NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr')),
    theme         TEXT        NOT NULL DEFAULT 'light' CHECK (theme IN ('light', 'dark')),
    density       TEXT        NOT NULL DEFAULT 'comfortable' CHECK (density IN ('comfortable', 'compact')),
    time_zone     TEXT        NOT NULL DEFAULT 'Europe/Paris',
    daily_capacity_minutes INTEGER NOT NULL DEFAULT 300 CHECK (daily_capacity_minutes BETWEEN 0 AND 1440),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- tower-sessions records; `data` is the session's JSON map.
CREATE TABLE sessions (
    id          TEXT        PRIMARY KEY,
    data        JSONB       NOT NULL,
    expiry_date TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry_date);

-- One row per failed login, keyed by 'email:<address>' and by 'ip:<address>'.
-- Kept in PostgreSQL so that every server instance sees the same counts.
CREATE TABLE login_failures (
    id        BIGSERIAL   PRIMARY KEY,
    key       TEXT        NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_idx ON login_failures (key, failed_at DESC);

-- Single-use reset links: only the SHA-256 of the token is stored.
CREATE TABLE password_resets (
    token_hash TEXT        PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every mail the application sends goes through here first.
CREATE TABLE outbox (
    id         BIGSERIAL   PRIMARY KEY,
    to_address TEXT        NOT NULL,
    subject    TEXT        NOT NULL,
    body       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at    TIMESTAMPTZ
);
