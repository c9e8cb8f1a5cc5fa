-- An optional second sign-in factor: a TOTP secret (RFC 6238, any
-- authenticator app) and single-use recovery codes; and an organisation
-- setting that requires it of admins.

-- `totp_secret`: base32, NULL when the user has no second factor.
-- `totp_last_step`: the time step (unix time / 30) of the last code
-- accepted; a code of that step or an earlier one is refused, so a code
-- seen over a shoulder or in a log cannot be used again.
ALTER TABLE users
    ADD COLUMN totp_secret     TEXT CHECK (length(totp_secret) <= 128),
    ADD COLUMN totp_enabled_at TIMESTAMPTZ,
    ADD COLUMN totp_last_step  BIGINT,
    ADD CONSTRAINT users_totp_both CHECK ((totp_secret IS NULL) = (totp_enabled_at IS NULL));

-- Recovery codes: only their SHA-256 is kept (like reset tokens); a code
-- works once (`used_at`). A new set replaces the old one.
CREATE TABLE recovery_codes (
    id        BIGSERIAL   PRIMARY KEY,
    user_id   BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT        NOT NULL,
    used_at   TIMESTAMPTZ
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id, code_hash);

-- Settings of the whole organisation: one row, always there.
CREATE TABLE organisation_settings (
    id                          BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    require_admin_second_factor BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO organisation_settings DEFAULT VALUES;
