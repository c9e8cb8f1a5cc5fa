-- The one rule for "the same phone number in any notation" (duplicate
-- warnings, import matching, the duplicates page): the international
-- digits, a French national number (ten digits, 0 first) read as +33.
-- "+33 6 12 34 56 78", "06 12 34 56 78", "0033 6 12 34 56 78" and
-- "+33 (0)6 12 34 56 78" all give '33612345678'. Fewer than 6 digits give
-- NULL: too short to tell two people apart.
CREATE FUNCTION relais_phone_key(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT CASE
        WHEN length(d) < 6 THEN NULL
        WHEN intl AND d ~ '^330' THEN '33' || substr(d, 4)
        WHEN intl THEN d
        WHEN d ~ '^0[1-9][0-9]{8}$' THEN '33' || substr(d, 2)
        ELSE d
    END
    FROM (SELECT btrim($1) ~ '^(\+|00)' AS intl,
                 CASE WHEN btrim($1) ~ '^00' THEN substr(regexp_replace($1, '[^0-9]', '', 'g'), 3)
                      ELSE regexp_replace($1, '[^0-9]', '', 'g') END AS d) x
    $$;

CREATE INDEX companies_phone_key_idx ON companies (relais_phone_key(phone)) WHERE deleted_at IS NULL;
CREATE INDEX persons_phone_key_idx ON persons (relais_phone_key(phone)) WHERE deleted_at IS NULL;
CREATE INDEX persons_mobile_key_idx ON persons (relais_phone_key(mobile)) WHERE deleted_at IS NULL;
