-- A theme of 'auto' follows the device's light or dark setting
-- (prefers-color-scheme); new users start there. Existing users keep what
-- they have: a stored 'light' may have been chosen.
ALTER TABLE users DROP CONSTRAINT users_theme_check;
ALTER TABLE users ADD CONSTRAINT users_theme_check CHECK (theme IN ('light', 'dark', 'auto'));
ALTER TABLE users ALTER COLUMN theme SET DEFAULT 'auto';
