//! The generator's statements. `$name` is a value from `Vars` (bound, never
//! spliced in); every pick is a hash of the row number and a salt, so the
//! same seed gives the same rows. Salts: 1xx companies, 2xx persons, 3xx
//! deals, 4xx tags/notes/history, 5xx users, 6xx interactions.

/// Helpers in `pg_temp`, gone with the session. `{seed}`, `{companies}` are
/// integers put in by `generate.rs`. Each is one SQL expression so that the
/// planner inlines it, which is ten times faster than a call: that needs the
/// right volatility (to_char is STABLE) and, for a parameter used twice, a
/// simple argument (hence `psrc` computed in its own subquery).
pub const FUNCTIONS: &str = r#"
CREATE OR REPLACE FUNCTION pg_temp.h(g bigint, salt bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS $$ SELECT hashint8extended(g * 1024 + salt, {seed}) & 2147483647 $$;
CREATE OR REPLACE FUNCTION pg_temp.u(g bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE
    AS $$ SELECT pg_temp.h(g, salt) / 2147483648.0::float8 $$;
CREATE OR REPLACE FUNCTION pg_temp.pick(a anyarray, k bigint) RETURNS anyelement LANGUAGE sql IMMUTABLE
    AS $$ SELECT a[1 + k % cardinality(a)] $$;
-- 1 % of persons repeat an earlier one (their "source"); the others are their own.
CREATE OR REPLACE FUNCTION pg_temp.psrc(g bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN g > 1 AND pg_temp.h(g, 90) % 100 = 0 THEN 1 + pg_temp.h(g, 91) % (g - 1) ELSE g END $$;
-- The company (1..n) a person works for, for 70 % of persons; skewed so the
-- first companies have thousands of people and the last a handful.
CREATE OR REPLACE FUNCTION pg_temp.job(p bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN pg_temp.h(p, 60) % 100 < 70
                      THEN 1 + floor({companies} * pg_temp.u(p, 61) ^ 2)::bigint END $$;
CREATE OR REPLACE FUNCTION pg_temp.skewed(n bigint, g bigint, salt bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS $$ SELECT 1 + floor(n * pg_temp.u(g, salt) ^ 2)::bigint $$;
-- Creation times rise with the row number over the last three years.
CREATE OR REPLACE FUNCTION pg_temp.created(kind bigint, g bigint, n bigint) RETURNS timestamptz LANGUAGE sql STABLE
    AS $$ SELECT date_trunc('day', now()) - interval '3 years' * (1 - (g - 1 + pg_temp.u(g, kind)) / n) $$;
CREATE OR REPLACE FUNCTION pg_temp.later(t timestamptz, g bigint, salt bigint) RETURNS timestamptz LANGUAGE sql STABLE
    AS $$ SELECT t + (date_trunc('day', now()) - t) * pg_temp.u(g, salt) $$;
-- History and notes per record: 200 or 50 on the first ten, else a few on some.
CREATE OR REPLACE FUNCTION pg_temp.nchanges(kind bigint, g bigint) RETURNS int LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN g <= 10 THEN CASE kind WHEN 1 THEN 200 ELSE 50 END
                      WHEN pg_temp.h(g, kind * 100 + 50) % 100 < 5 THEN 1 + (pg_temp.h(g, kind * 100 + 51) % 3)::int
                      ELSE 0 END $$;
CREATE OR REPLACE FUNCTION pg_temp.nnotes(kind bigint, g bigint) RETURNS int LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN g <= 10 THEN CASE kind WHEN 1 THEN 200 ELSE 50 END
                      WHEN pg_temp.h(g, kind * 100 + 52) % 100 < CASE kind WHEN 3 THEN 10 ELSE 5 END
                      THEN 1 + (pg_temp.h(g, kind * 100 + 53) % 4)::int
                      ELSE 0 END $$;
CREATE OR REPLACE FUNCTION pg_temp.fr_phone(area text, k bigint) RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT CASE WHEN k % 7 = 0 THEN '+33 ' || area ELSE '0' || area END
                 || ' ' || to_char(k % 100000000, 'FM00 00 00 00') $$;
CREATE OR REPLACE FUNCTION pg_temp.uk_phone(area text, k bigint) RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT '+44 ' || area || ' ' || CASE length(area)
                      WHEN 2 THEN to_char(k % 100000000, 'FM0000 0000')
                      WHEN 3 THEN to_char(k % 10000000, 'FM000 0000')
                      ELSE to_char(k % 1000000, 'FM000000') END $$;
CREATE OR REPLACE FUNCTION pg_temp.postal(fr bool, city text, k bigint) RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT CASE
        WHEN fr AND split_part(city, '|', 4) <> '0'
            THEN left(split_part(city, '|', 2), 3) || to_char(1 + k % split_part(city, '|', 4)::int, 'FM00')
        WHEN fr THEN split_part(city, '|', 2)
        ELSE pg_temp.pick(string_to_array(split_part(city, '|', 2), ' '), k) || ' ' || (k / 7 % 10)
             || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + (k / 70 % 20)::int, 1)
             || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + (k / 1400 % 20)::int, 1) END $$;
-- The record an interaction is mainly about: 70 % a person, 18 % a company
-- (skewed: the first ones get most), 12 % a deal, from the live ids given.
CREATE OR REPLACE FUNCTION pg_temp.ix_type(g bigint) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN pg_temp.h(g, 620) % 100 < 70 THEN 'person'
                      WHEN pg_temp.h(g, 620) % 100 < 88 THEN 'company' ELSE 'deal' END $$;
CREATE OR REPLACE FUNCTION pg_temp.ix_record(g bigint, persons bigint[], companies bigint[], deals bigint[])
    RETURNS bigint LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN pg_temp.h(g, 620) % 100 < 70 THEN pg_temp.pick(persons, pg_temp.h(g, 621))
                      WHEN pg_temp.h(g, 620) % 100 < 88 THEN companies[pg_temp.skewed(cardinality(companies), g, 622)]
                      ELSE pg_temp.pick(deals, pg_temp.h(g, 623)) END $$;
-- A typo: two letters swapped, one dropped or one doubled.
CREATE OR REPLACE FUNCTION pg_temp.typo(l text, k bigint) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE k % 3
                   WHEN 0 THEN left(l, p - 1) || substr(l, p + 1, 1) || substr(l, p, 1) || substr(l, p + 2)
                   WHEN 1 THEN left(l, p - 1) || substr(l, p + 1)
                   ELSE left(l, p) || substr(l, p) END
          FROM (SELECT 2 + (k / 3 % greatest(length(l) - 2, 1))::int AS p) x $$;
"#;

/// The twenty sales users that own the records, where missing.
pub const USERS: &str = r#"
INSERT INTO users (email, name, password_hash, role, locale)
SELECT format('sales%s@relais.example', to_char(g, 'FM00')),
       CASE WHEN g % 2 = 0
            THEN pg_temp.pick($first_fr_f || $first_fr_m, pg_temp.h(g, 500)) || ' ' || pg_temp.pick($last_fr, pg_temp.h(g, 501))
            ELSE pg_temp.pick($first_en_f || $first_en_m, pg_temp.h(g, 500)) || ' ' || pg_temp.pick($last_en, pg_temp.h(g, 501)) END,
       '!', 'member', CASE WHEN g % 2 = 0 THEN 'fr' ELSE 'en' END
FROM generate_series(1, 20) g
ON CONFLICT (lower(email)) DO NOTHING
"#;

/// Companies, 72 % French: a trade and a family name, a place, a family
/// form, a formal "Société … de …" or a partnership; British ones alike. The
/// first 0.1 % are enterprises and get most of the staff (see `job`).
pub const COMPANIES: &str = r#"
INSERT INTO companies (id, name, roles, industry, size, website, email, phone, street, line2, postal_code,
                       city, country, registration_number, source, owner_id, version,
                       created_at, created_by, updated_at, updated_by, deleted_at)
SELECT $company_base + g, name, roles, industry, size,
       CASE WHEN pg_temp.h(g, 130) % 100 < 80 THEN 'https://www.' || domain END,
       CASE WHEN pg_temp.h(g, 131) % 100 < 75
            THEN pg_temp.pick(CASE WHEN fr THEN $company_mailboxes_fr ELSE $company_mailboxes_en END,
                              pg_temp.h(g, 132)) || '@' || domain END,
       CASE WHEN pg_temp.h(g, 133) % 100 < 85 THEN
            CASE WHEN fr THEN pg_temp.fr_phone(split_part(city, '|', 3), pg_temp.h(g, 134))
                 ELSE pg_temp.uk_phone(split_part(city, '|', 3), pg_temp.h(g, 134)) END END,
       street, CASE WHEN street IS NOT NULL AND pg_temp.h(g, 135) % 100 < 8
                    THEN pg_temp.pick(CASE WHEN fr THEN $line2_fr ELSE $line2_uk END, pg_temp.h(g, 136)) END,
       CASE WHEN street IS NOT NULL THEN pg_temp.postal(fr, city, pg_temp.h(g, 137)) END,
       CASE WHEN pg_temp.h(g, 138) % 100 < 92 THEN split_part(city, '|', 1) END,
       CASE WHEN pg_temp.h(g, 138) % 100 < 95 THEN CASE WHEN fr THEN 'France' ELSE 'United Kingdom' END END,
       CASE WHEN pg_temp.h(g, 139) % 100 < 60 THEN
            CASE WHEN fr THEN to_char(pg_temp.h(g, 140) % 1000000000, 'FM000 000 000')
                 ELSE to_char(pg_temp.h(g, 140) % 100000000, 'FM00000000') END END,
       CASE WHEN pg_temp.h(g, 141) % 100 < 60
            THEN pg_temp.pick(CASE WHEN fr THEN $sources_fr ELSE $sources_en END, pg_temp.h(g, 142)) END,
       owner, 1 + pg_temp.nchanges(1, g),
       created, CASE WHEN pg_temp.h(g, 143) % 100 < 80 THEN owner ELSE pg_temp.pick($owners, pg_temp.h(g, 144)) END,
       updated, pg_temp.pick($owners, pg_temp.h(g, 145)),
       CASE WHEN g > 10 AND pg_temp.h(g, 146) % 1000 < 5 THEN updated END
FROM (
    SELECT *, trim(BOTH '-' FROM regexp_replace(
                  regexp_replace(relais_fold(name), '\m(ltd|llp|plc|limited|sas|sarl|group|groupe|co|et)\M', '', 'g'),
                  '[^a-z0-9]+', '-', 'g'))
              || CASE WHEN pg_temp.h(g, 147) % 100 < 10 THEN '.com' WHEN fr THEN '.fr' ELSE '.co.uk' END AS domain,
           CASE WHEN pg_temp.h(g, 148) % 100 < 70 THEN
                (1 + pg_temp.h(g, 149) % 150)::text || ' ' ||
                CASE WHEN fr THEN pg_temp.pick($street_types_fr, pg_temp.h(g, 150)) || ' ' || pg_temp.pick($streets_fr, pg_temp.h(g, 151))
                     ELSE pg_temp.pick($streets_uk, pg_temp.h(g, 151)) END END AS street,
           CASE WHEN pg_temp.h(g, 153) % 100 < 60 THEN pg_temp.later(created, g, 152) ELSE created END AS updated
    FROM (
        SELECT g, fr, city, owner, created,
               CASE WHEN fr THEN CASE
                   WHEN t < 40 THEN split_part(trade, '|', 1) || ' ' || last
                   WHEN t < 60 THEN split_part(place_head, '|', 1) || ' ' || place
                   WHEN t < 80 THEN replace(pg_temp.pick($family_forms_fr, pg_temp.h(g, 110)), '%s', last)
                   WHEN t < 90 THEN pg_temp.pick($formal_heads_fr, pg_temp.h(g, 111)) || ' '
                                    || pg_temp.pick($formal_adjs_fr, pg_temp.h(g, 112)) || ' ' || split_part(formal, '|', 1)
                   ELSE last || ' & ' || last2 || ' ' || split_part(partnership, '|', 1)
                   END
               ELSE CASE
                   WHEN t < 30 THEN replace(pg_temp.pick($family_forms_en, pg_temp.h(g, 110)), '%s', last)
                   WHEN t < 60 THEN last || ' ' || split_part(sector, '|', 1) || ' ' || legal
                   WHEN t < 90 THEN pg_temp.pick($adjs_en, pg_temp.h(g, 114)) || ' ' || split_part(noun, '|', 1) || ' ' || legal
                   ELSE last || ' ' || last2 || ' LLP'
                   END END AS name,
               CASE WHEN fr THEN CASE
                   WHEN t < 40 THEN split_part(trade, '|', 2)
                   WHEN t < 60 THEN split_part(place_head, '|', 2)
                   WHEN t >= 80 AND t < 90 THEN split_part(formal, '|', 2)
                   WHEN t >= 90 THEN split_part(partnership, '|', 2)
                   WHEN pg_temp.h(g, 116) % 100 < 85 THEN pg_temp.pick($industries_fr, pg_temp.h(g, 117)) END
               ELSE CASE
                   WHEN t >= 30 AND t < 60 THEN split_part(sector, '|', 2)
                   WHEN t >= 60 AND t < 90 THEN split_part(noun, '|', 2)
                   WHEN t >= 90 THEN 'Legal'
                   WHEN pg_temp.h(g, 116) % 100 < 85 THEN pg_temp.pick($industries_en, pg_temp.h(g, 117)) END
               END AS industry,
               CASE pg_temp.h(g, 118) % 20
                   WHEN 0 THEN '{}' WHEN 1 THEN '{client,partner}' WHEN 2 THEN '{client,supplier}'
                   WHEN 3 THEN '{partner}' WHEN 4 THEN '{partner}' WHEN 5 THEN '{supplier}'
                   WHEN 6 THEN '{prospect}' WHEN 7 THEN '{prospect}' WHEN 8 THEN '{prospect}'
                   WHEN 9 THEN '{prospect}' WHEN 10 THEN '{prospect}' ELSE '{client}' END::text[] AS roles,
               CASE WHEN g <= $n_companies / 1000 THEN 'enterprise'
                    WHEN g <= $n_companies / 100 THEN 'large'
                    ELSE CASE WHEN s < 36 THEN 'micro' WHEN s < 68 THEN 'small' WHEN s < 88 THEN 'medium'
                              WHEN s < 94 THEN 'large' WHEN s < 95 THEN 'enterprise' END END AS size
        FROM (
            SELECT g, pg_temp.h(g, 100) % 100 < 72 AS fr, pg_temp.h(g, 101) % 100 AS t,
                   pg_temp.h(g, 119) % 100 AS s,
                   pg_temp.pick($trades_fr, pg_temp.h(g, 102)) AS trade,
                   pg_temp.pick($place_heads_fr, pg_temp.h(g, 103)) AS place_head,
                   pg_temp.pick($places_fr, pg_temp.h(g, 104)) AS place,
                   pg_temp.pick($formal_domains_fr, pg_temp.h(g, 105)) AS formal,
                   pg_temp.pick($sectors_en, pg_temp.h(g, 106)) AS sector,
                   pg_temp.pick($legal_en, pg_temp.h(g, 107)) AS legal,
                   pg_temp.pick($nouns_en, pg_temp.h(g, 115)) AS noun,
                   pg_temp.pick($partnerships_fr, pg_temp.h(g, 113)) AS partnership,
                   CASE WHEN pg_temp.h(g, 100) % 100 < 72 THEN pg_temp.pick($last_fr, pg_temp.h(g, 108))
                        ELSE pg_temp.pick($last_en, pg_temp.h(g, 108)) END AS last,
                   CASE WHEN pg_temp.h(g, 100) % 100 < 72 THEN pg_temp.pick($last_fr, pg_temp.h(g, 109))
                        ELSE pg_temp.pick($last_en, pg_temp.h(g, 109)) END AS last2,
                   CASE WHEN pg_temp.h(g, 100) % 100 < 72 THEN pg_temp.pick($cities_fr, pg_temp.h(g, 120))
                        ELSE pg_temp.pick($cities_uk, pg_temp.h(g, 120)) END AS city,
                   pg_temp.pick($owners, pg_temp.h(g, 121)) AS owner,
                   pg_temp.created(1, g, $n_companies) AS created
            FROM generate_series(1, $n_companies) g
        ) a
        OFFSET 0
    ) b
    OFFSET 0
) c
"#;

/// Persons. 1 % repeat an earlier person (`s`): the same name and email,
/// the same name with another email, a typo in the name, or the name
/// without its accents. People live in their employer's country, and most
/// of them have an email at the employer's domain.
pub const PERSONS: &str = r#"
INSERT INTO persons (id, civility, first_name, last_name, job_title, email, email2, phone, mobile, street, line2,
                     postal_code, city, country, birthday, preferred_language, roles, lifecycle_stage, source,
                     marketing_consent, consent_date, consent_method, owner_id, version,
                     created_at, created_by, updated_at, updated_by, deleted_at)
SELECT $person_base + g,
       CASE WHEN pg_temp.h(g, 240) % 100 < 14 THEN NULL WHEN pg_temp.h(g, 240) % 100 < 17 THEN 'dr'
            WHEN pg_temp.h(g, 240) % 100 < 18 THEN 'mx' WHEN female THEN 'ms' ELSE 'mr' END,
       CASE WHEN s <> g AND kind = 3 THEN initcap(relais_fold(first0)) ELSE first0 END,
       CASE WHEN s <> g AND kind = 2 THEN pg_temp.typo(last0, pg_temp.h(g, 93))
            WHEN s <> g AND kind = 3 THEN initcap(relais_fold(last0)) ELSE last0 END,
       CASE WHEN job IS NOT NULL OR pg_temp.h(g, 245) % 100 < 8
            THEN coalesce(nullif(split_part(jt, '|', CASE WHEN female THEN 2 ELSE 1 END), ''), split_part(jt, '|', 1)) END,
       CASE WHEN has_email THEN
            CASE WHEN first_mail IS NULL THEN last_mail
                 ELSE CASE style
                     WHEN 5 THEN left(first_mail, 1) || '.' || last_mail
                     WHEN 6 THEN first_mail || last_mail
                     WHEN 7 THEN first_mail || '_' || last_mail
                     WHEN 8 THEN last_mail || '.' || first_mail
                     ELSE first_mail || '.' || last_mail END END
            || CASE WHEN co_domain IS NOT NULL OR (first_mail IS NOT NULL AND pg_temp.h(x, 214) % 10 = 0) THEN ''
                    WHEN pg_temp.h(x, 214) % 10 < 6 THEN to_char(pg_temp.h(x, 215) % 100, 'FM00')
                    ELSE (1950 + pg_temp.h(x, 215) % 56)::text END
            || '@' || coalesce(co_domain, pg_temp.pick(CASE WHEN fr THEN $mail_domains_fr ELSE $mail_domains_en END,
                                                       pg_temp.h(x, 213))) END,
       CASE WHEN pg_temp.h(g, 216) % 100 < 8
            THEN left(coalesce(first_mail, ''), 1) || last_mail || to_char(pg_temp.h(g, 217) % 100, 'FM00')
                 || '@' || pg_temp.pick(CASE WHEN fr THEN $mail_domains_fr ELSE $mail_domains_en END, pg_temp.h(g, 218)) END,
       CASE WHEN pg_temp.h(g, 219) % 100 < 35 THEN
            CASE WHEN fr THEN pg_temp.fr_phone(split_part(city, '|', 3), pg_temp.h(g, 220))
                 ELSE pg_temp.uk_phone(split_part(city, '|', 3), pg_temp.h(g, 220)) END END,
       CASE WHEN pg_temp.h(x, 221) % 100 < 70 THEN
            CASE WHEN fr THEN pg_temp.fr_phone(CASE WHEN pg_temp.h(x, 222) % 4 = 0 THEN '7' ELSE '6' END, pg_temp.h(x, 223))
                 ELSE '+44 7' || to_char(pg_temp.h(x, 222) % 1000, 'FM000') || ' ' || to_char(pg_temp.h(x, 223) % 1000000, 'FM000000') END END,
       street,
       CASE WHEN street IS NOT NULL AND pg_temp.h(s, 224) % 100 < 6
            THEN pg_temp.pick(CASE WHEN fr THEN $line2_fr ELSE $line2_uk END, pg_temp.h(s, 225)) END,
       CASE WHEN street IS NOT NULL THEN pg_temp.postal(fr, city, pg_temp.h(s, 226)) END,
       CASE WHEN street IS NOT NULL OR pg_temp.h(s, 227) % 100 < 55 THEN split_part(city, '|', 1) END,
       CASE WHEN street IS NOT NULL OR pg_temp.h(s, 227) % 100 < 65 THEN CASE WHEN fr THEN 'France' ELSE 'United Kingdom' END END,
       CASE WHEN pg_temp.h(g, 228) % 100 < 20 THEN date '1950-01-01' + (pg_temp.h(g, 229) % 19700)::int END,
       CASE WHEN pg_temp.h(g, 230) % 100 < 6 THEN NULL WHEN fr THEN 'fr' ELSE 'en' END,
       CASE WHEN pg_temp.h(g, 231) % 20 < 8 THEN '{contact}' WHEN pg_temp.h(g, 231) % 20 < 12 THEN '{client}'
            WHEN pg_temp.h(g, 231) % 20 < 15 THEN '{prospect}' WHEN pg_temp.h(g, 231) % 20 < 17 THEN '{client,contact}'
            WHEN pg_temp.h(g, 231) % 20 = 17 THEN '{prospect,contact}' ELSE '{}' END::text[],
       CASE WHEN pg_temp.h(g, 232) % 100 < 20 THEN 'lead' WHEN pg_temp.h(g, 232) % 100 < 35 THEN 'qualified'
            WHEN pg_temp.h(g, 232) % 100 < 70 THEN 'active' WHEN pg_temp.h(g, 232) % 100 < 78 THEN 'at_risk'
            WHEN pg_temp.h(g, 232) % 100 < 90 THEN 'inactive' END,
       CASE WHEN pg_temp.h(g, 233) % 100 < 55
            THEN pg_temp.pick(CASE WHEN fr THEN $sources_fr ELSE $sources_en END, pg_temp.h(g, 234)) END,
       consent,
       CASE WHEN consent AND pg_temp.h(g, 236) % 100 < 85 THEN pg_temp.later(created, g, 237)::date END,
       CASE WHEN consent AND pg_temp.h(g, 236) % 100 < 85 THEN pg_temp.pick($consent_methods, pg_temp.h(g, 238)) END,
       owner, 1 + pg_temp.nchanges(2, g),
       created, CASE WHEN pg_temp.h(g, 239) % 100 < 80 THEN owner ELSE pg_temp.pick($owners, pg_temp.h(g, 246)) END,
       updated, pg_temp.pick($owners, pg_temp.h(g, 247)),
       CASE WHEN g > 10 AND pg_temp.h(g, 248) % 1000 < 3 THEN updated END
FROM (
    SELECT c.*, nullif(coalesce(nullif(split_part(co.email, '@', 2), ''), substr(co.website, 13)), '') AS co_domain,
           CASE WHEN pg_temp.h(s, 249) % 100 < 55 THEN (1 + pg_temp.h(s, 250) % 150)::text || ' ' ||
                CASE WHEN fr THEN pg_temp.pick($street_types_fr, pg_temp.h(s, 251)) || ' ' || pg_temp.pick($streets_fr, pg_temp.h(s, 252))
                     ELSE pg_temp.pick($streets_uk, pg_temp.h(s, 252)) END END AS street,
           CASE WHEN pg_temp.h(g, 253) % 100 < 60 THEN pg_temp.later(created, g, 254) ELSE created END AS updated
    FROM (
        SELECT b.*,
               CASE WHEN pg_temp.h(s, 204) % 100 < 2 THEN NULL
                    ELSE pg_temp.pick(CASE WHEN namefr THEN CASE WHEN female THEN $first_fr_f ELSE $first_fr_m END
                                           ELSE CASE WHEN female THEN $first_en_f ELSE $first_en_m END END,
                                      pg_temp.h(s, 205)) END AS first0,
               pg_temp.pick(CASE WHEN namefr THEN $last_fr ELSE $last_en END, pg_temp.h(s, 206))
               || CASE WHEN namefr AND pg_temp.h(s, 207) % 100 < 4 THEN '-' || pg_temp.pick($last_fr, pg_temp.h(s, 208)) ELSE '' END
                   AS last0,
               CASE WHEN pg_temp.h(s, 204) % 100 < 2 THEN NULL
                    ELSE pg_temp.pick(CASE WHEN namefr THEN CASE WHEN female THEN $first_fr_f_ascii ELSE $first_fr_m_ascii END
                                           ELSE CASE WHEN female THEN $first_en_f_ascii ELSE $first_en_m_ascii END END,
                                      pg_temp.h(s, 205)) END AS first_mail,
               pg_temp.pick(CASE WHEN namefr THEN $last_fr_ascii ELSE $last_en_ascii END, pg_temp.h(s, 206))
               || CASE WHEN namefr AND pg_temp.h(s, 207) % 100 < 4 THEN '-' || pg_temp.pick($last_fr_ascii, pg_temp.h(s, 208)) ELSE '' END
                   AS last_mail,
               pg_temp.pick(CASE WHEN fr THEN $cities_fr ELSE $cities_uk END, pg_temp.h(s, 209)) AS city,
               pg_temp.h(x, 210) % 100 < CASE WHEN s <> g AND kind = 3 THEN 50 ELSE 88 END AS has_email,
               pg_temp.h(x, 211) % 10 AS style,
               CASE WHEN job IS NOT NULL AND pg_temp.h(x, 212) % 100 < 75 THEN $company_base + job END AS co_id,
               pg_temp.pick(CASE WHEN fr THEN $jobs_fr ELSE $jobs_en END, pg_temp.h(g, 241)) AS jt,
               pg_temp.pick($owners, pg_temp.h(g, 242)) AS owner,
               pg_temp.h(g, 235) % 100 < 35 AS consent,
               pg_temp.created(2, g, $n_persons) AS created
        FROM (
            SELECT g, s, kind, CASE WHEN s <> g AND kind IN (0, 2) THEN s ELSE g END AS x,
                   fr, fr <> (pg_temp.h(s, 203) % 100 < 8) AS namefr, pg_temp.h(s, 202) % 2 = 0 AS female, job
            FROM (
                -- People live in the country of their employer (same test as in COMPANIES).
                SELECT *, CASE WHEN job IS NOT NULL THEN pg_temp.h(job, 100) % 100 < 72
                               ELSE pg_temp.h(s, 201) % 100 < 65 END AS fr
                FROM (SELECT g, s, kind, pg_temp.job(s) AS job
                      FROM (SELECT g, pg_temp.psrc(g) AS s, pg_temp.h(g, 92) % 4 AS kind
                            FROM generate_series(1, $n_persons) g
                            OFFSET 0) a0
                      OFFSET 0) a1
            ) a
            OFFSET 0
        ) b
        OFFSET 0
    ) c
    LEFT JOIN companies co ON co.id = c.co_id
    OFFSET 0
) d
"#;

/// Current jobs (70 % of persons, some ended) and a previous job for some.
pub const JOBS: &str = r#"
WITH j AS (
    SELECT g, pg_temp.job(s) AS c, current_date - (30 + pg_temp.h(g, 260) % 4000)::int AS s0
    FROM (SELECT g, pg_temp.psrc(g) AS s FROM generate_series(1, $n_persons) g OFFSET 0) a
)
INSERT INTO person_companies (person_id, company_id, job_title, start_date, end_date, created_at)
SELECT p.id, $company_base + v.c, p.job_title, v.s, v.e, p.created_at
FROM (
    SELECT g, c, s0 AS s, CASE WHEN pg_temp.h(g, 261) % 100 < 18
                               THEN s0 + (pg_temp.h(g, 262) % greatest(current_date - s0, 1))::int END AS e
    FROM j WHERE c IS NOT NULL
    UNION ALL
    SELECT g, pg_temp.skewed($n_companies, g, 264), s0 - (400 + pg_temp.h(g, 265) % 2500)::int,
           s0 - (1 + pg_temp.h(g, 266) % 200)::int
    FROM j WHERE c IS NOT NULL AND pg_temp.h(g, 263) % 100 < 12
) v
JOIN persons p ON p.id = $person_base + v.g
"#;

/// Deals over the active stages: most open, some won (last stage) or lost
/// (with a reason). Most name a person and that person's employer.
pub const DEALS: &str = r#"
INSERT INTO deals (id, name, company_id, person_id, pipeline_id, stage_id, amount, expected_close, probability,
                   status, lost_reason, next_step, closed_at, description, owner_id, version,
                   created_at, created_by, updated_at, updated_by, deleted_at)
SELECT $deal_base + g,
       left(coalesce(company_name || ' – ', '')
            || pg_temp.pick(CASE WHEN fr THEN $deals_fr ELSE $deals_en END, pg_temp.h(g, 320)), 255),
       company_id, CASE WHEN pi IS NOT NULL THEN $person_base + pi END,
       ($stage_pipelines)[k], CASE WHEN status = 'won' THEN ($stage_last)[k] ELSE ($stage_ids)[k] END,
       CASE WHEN pg_temp.h(g, 321) % 100 >= 5 THEN
            round(((400 + 60000 * pg_temp.u(g, 322) ^ 3)
                   * CASE size WHEN 'enterprise' THEN 6 WHEN 'large' THEN 3 WHEN 'medium' THEN 1.5 ELSE 1 END)::numeric, -1) END,
       close, CASE status WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE ($stage_probs)[k] END,
       status,
       CASE WHEN status = 'lost'
            THEN pg_temp.pick(CASE WHEN fr THEN $lost_reasons_fr ELSE $lost_reasons_en END, pg_temp.h(g, 323)) END,
       CASE WHEN status = 'open' AND pg_temp.h(g, 324) % 100 < 50
            THEN pg_temp.pick(CASE WHEN fr THEN $next_steps_fr ELSE $next_steps_en END, pg_temp.h(g, 325)) END,
       closed,
       CASE WHEN pg_temp.h(g, 327) % 100 < 10
            THEN pg_temp.pick(CASE WHEN fr THEN $deal_descriptions_fr ELSE $deal_descriptions_en END, pg_temp.h(g, 328)) END,
       owner, 1 + pg_temp.nchanges(3, g), created, owner, greatest(updated, closed), pg_temp.pick($owners, pg_temp.h(g, 329)),
       CASE WHEN g > 10 AND pg_temp.h(g, 330) % 1000 < 5 THEN greatest(updated, closed) END
FROM (
    SELECT e.*,
           CASE WHEN status <> 'open' THEN least(greatest(created, (close + (pg_temp.h(g, 326) % 30 - 15)::int)
                                                                   + interval '11 hours'), date_trunc('day', now())) END AS closed
    FROM (
        SELECT d.*, co.id AS company_id, co.name AS company_name, co.size,
               coalesce(co.country = 'France', pg_temp.h(g, 331) % 100 < 60) AS fr,
               CASE WHEN co.owner_id IS NOT NULL AND pg_temp.h(g, 332) % 100 < 70 THEN co.owner_id
                    ELSE pg_temp.pick($owners, pg_temp.h(g, 333)) END AS owner,
               CASE WHEN status = 'open' THEN current_date + (pg_temp.h(g, 334) % 455 - 90)::int
                    ELSE current_date - (pg_temp.h(g, 334) % 395 - 30)::int END AS close,
               CASE WHEN pg_temp.h(g, 335) % 100 < 60 THEN pg_temp.later(created, g, 336) ELSE created END AS updated
        FROM (
            SELECT g, pi, created,
                   coalesce(pg_temp.job(ps),
                            CASE WHEN pi IS NULL OR pg_temp.h(g, 303) % 100 < 60
                                 THEN pg_temp.skewed($n_companies, g, 304) END) AS ci,
                   1 + floor(cardinality($stage_ids) * pg_temp.u(g, 306) ^ 1.4)::int AS k,
                   CASE WHEN pg_temp.h(g, 305) % 100 < 68 THEN 'open'
                        WHEN pg_temp.h(g, 305) % 100 < 84 THEN 'won' ELSE 'lost' END AS status
            FROM (SELECT g, pi, pg_temp.psrc(pi) AS ps, created
                  FROM (SELECT g, CASE WHEN pg_temp.h(g, 301) % 100 < 80 THEN 1 + pg_temp.h(g, 302) % $n_persons END AS pi,
                               pg_temp.created(3, g, $n_deals) AS created
                        FROM generate_series(1, $n_deals) g
                        OFFSET 0) a0
                  OFFSET 0) a
            OFFSET 0
        ) d
        LEFT JOIN companies co ON co.id = $company_base + d.ci
    ) e
    OFFSET 0
) f
"#;

/// The shared tags, where missing.
pub const TAGS: &str = r#"
INSERT INTO tags (name) SELECT unnest($tags::text[]) ON CONFLICT (relais_fold(name)) DO NOTHING
"#;

/// One to three tags on 10 % of the records of one kind, popular tags more often.
pub const RECORD_TAGS: &str = r#"
INSERT INTO record_tags (tag_id, record_type, record_id)
SELECT pg_temp.pick($tag_ids, floor(cardinality($tag_ids) * pg_temp.u(g * 4 + k, 400 + $kind) ^ 2)::bigint),
       $record_type, $base + g
FROM generate_series(1, $n) g
CROSS JOIN LATERAL generate_series(1, 1 + (pg_temp.h(g, 410 + $kind) % 3)::int) k
WHERE pg_temp.h(g, 420 + $kind) % 100 < 10
ON CONFLICT DO NOTHING
"#;

/// Notes of one kind of record, spread between its creation and today, and
/// their links (note ids are reserved from `$note_base`).
pub const NOTES: &str = r#"
WITH t AS MATERIALIZED (
    SELECT g, k, m, row_number() OVER (ORDER BY g, k) AS rn, g * 256 + k AS x, pg_temp.created($kind, g, $n) AS c
    FROM (SELECT g, pg_temp.nnotes($kind, g) AS m FROM generate_series(1, $n) g) a
    CROSS JOIN LATERAL generate_series(1, m) k
    WHERE m > 0
), n AS (
    INSERT INTO notes (id, body, pinned, author_id, created_at, updated_at)
    SELECT $note_base + rn,
           CASE WHEN pg_temp.h(x, 430) % 100 < 60
                THEN pg_temp.pick($notes_fr, pg_temp.h(x, 431))
                     || CASE WHEN pg_temp.h(x, 432) % 3 = 0 THEN E'\n\n' || pg_temp.pick($notes_fr, pg_temp.h(x, 433)) ELSE '' END
                ELSE pg_temp.pick($notes_en, pg_temp.h(x, 431))
                     || CASE WHEN pg_temp.h(x, 432) % 3 = 0 THEN E'\n\n' || pg_temp.pick($notes_en, pg_temp.h(x, 433)) ELSE '' END
           END,
           pg_temp.h(x, 434) % 100 < 2, pg_temp.pick($owners, pg_temp.h(x, 435)), at, at
    FROM (SELECT *, c + (date_trunc('day', now()) - c) * ((k - 1 + pg_temp.u(x, 436)) / m) AS at FROM t) z
)
INSERT INTO note_links (note_id, record_type, record_id)
SELECT $note_base + rn, $record_type, $base + g FROM t
"#;

/// Half the notes about a person are also about their current employer.
pub const PERSON_NOTES_TO_COMPANIES: &str = r#"
INSERT INTO note_links (note_id, record_type, record_id)
SELECT note_id, 'company', $company_base + pg_temp.job(pg_temp.psrc(record_id - $person_base))
FROM note_links
WHERE record_type = 'person' AND note_id > $note_base AND record_id > $person_base
  AND pg_temp.h(note_id - $note_base, 440) % 2 = 0
  AND pg_temp.job(pg_temp.psrc(record_id - $person_base)) IS NOT NULL
"#;

/// History of one kind of record: a 'create' and one or more 'update' rows
/// with plausible `changes`, in time order.
pub const CHANGES: &str = r#"
INSERT INTO record_changes (record_type, record_id, user_id, action, changes, changed_at)
SELECT $record_type, $base + g, pg_temp.pick($owners, pg_temp.h(x, 450)),
       CASE WHEN k = 0 THEN 'create' ELSE 'update' END,
       CASE WHEN k = 0 THEN '{}'::jsonb ELSE jsonb_build_object(field, jsonb_build_array(old, new)) END,
       c + (date_trunc('day', now()) - c) * CASE WHEN k = 0 THEN 0 ELSE (k - 1 + pg_temp.u(x, 451)) / m END
FROM (
    SELECT g, k, m, x, c, f[1] AS field, f[2]::jsonb AS old, f[3]::jsonb AS new
    FROM (
        SELECT g, k, m, x, c, CASE $kind * 10 + pg_temp.h(x, 452) % 6
            WHEN 10 THEN ARRAY['city', to_jsonb(split_part(pg_temp.pick($cities_fr, pg_temp.h(x, 453)), '|', 1))::text,
                                       to_jsonb(split_part(pg_temp.pick($cities_fr, pg_temp.h(x, 454)), '|', 1))::text]
            WHEN 11 THEN ARRAY['phone', to_jsonb(pg_temp.fr_phone('1', pg_temp.h(x, 453)))::text,
                                        to_jsonb(pg_temp.fr_phone('4', pg_temp.h(x, 454)))::text]
            WHEN 12 THEN ARRAY['owner_id', pg_temp.pick($owners, pg_temp.h(x, 453))::text, pg_temp.pick($owners, pg_temp.h(x, 454))::text]
            WHEN 13 THEN ARRAY['size', to_jsonb(pg_temp.pick(ARRAY['micro', 'small', 'medium'], pg_temp.h(x, 453)))::text,
                                       to_jsonb(pg_temp.pick(ARRAY['large', 'enterprise'], pg_temp.h(x, 454)))::text]
            WHEN 14 THEN ARRAY['roles', '["prospect"]', '["client"]']
            WHEN 15 THEN ARRAY['industry', to_jsonb(pg_temp.pick($industries_fr, pg_temp.h(x, 453)))::text,
                                           to_jsonb(pg_temp.pick($industries_fr, pg_temp.h(x, 454)))::text]
            WHEN 20 THEN ARRAY['city', to_jsonb(split_part(pg_temp.pick($cities_fr, pg_temp.h(x, 453)), '|', 1))::text,
                                       to_jsonb(split_part(pg_temp.pick($cities_uk, pg_temp.h(x, 454)), '|', 1))::text]
            WHEN 21 THEN ARRAY['job_title', to_jsonb(pg_temp.pick($jobs_en, pg_temp.h(x, 453)))::text,
                                            to_jsonb(pg_temp.pick($jobs_en, pg_temp.h(x, 454)))::text]
            WHEN 22 THEN ARRAY['lifecycle_stage', '"lead"', '"qualified"']
            WHEN 23 THEN ARRAY['mobile', 'null', to_jsonb(pg_temp.fr_phone('6', pg_temp.h(x, 454)))::text]
            WHEN 24 THEN ARRAY['owner_id', pg_temp.pick($owners, pg_temp.h(x, 453))::text, pg_temp.pick($owners, pg_temp.h(x, 454))::text]
            WHEN 25 THEN ARRAY['marketing_consent', 'false', 'true']
            WHEN 30 THEN ARRAY['stage_id', pg_temp.pick($stage_ids, pg_temp.h(x, 453))::text, pg_temp.pick($stage_ids, pg_temp.h(x, 454))::text]
            WHEN 31 THEN ARRAY['amount', (pg_temp.h(x, 453) % 5000 * 10)::text, (pg_temp.h(x, 454) % 5000 * 10)::text]
            WHEN 32 THEN ARRAY['expected_close', to_jsonb(current_date - (pg_temp.h(x, 453) % 300)::int)::text,
                                                 to_jsonb(current_date + (pg_temp.h(x, 454) % 300)::int)::text]
            WHEN 33 THEN ARRAY['probability', '25', '50']
            WHEN 34 THEN ARRAY['next_step', 'null', to_jsonb(pg_temp.pick($next_steps_fr, pg_temp.h(x, 454)))::text]
            ELSE ARRAY['owner_id', pg_temp.pick($owners, pg_temp.h(x, 453))::text, pg_temp.pick($owners, pg_temp.h(x, 454))::text]
            END AS f
        FROM (SELECT g, m, pg_temp.created($kind, g, $n) AS c
              FROM (SELECT g, pg_temp.nchanges($kind, g) AS m FROM generate_series(1, $n) g) a
              WHERE m > 0) b
        CROSS JOIN LATERAL generate_series(0, m) k
        CROSS JOIN LATERAL (SELECT g * 256 + k AS x) xx
    ) y
) z
"#;

/// Colleagues of the sales users, where missing, so that interactions are
/// spread over as many owners as a team that size would have (`$n_team`).
pub const TEAM: &str = r#"
INSERT INTO users (email, name, password_hash, role, locale)
SELECT format('team%s@relais.example', to_char(g, 'FM0000')),
       CASE WHEN g % 3 > 0
            THEN pg_temp.pick($first_fr_f || $first_fr_m, pg_temp.h(g, 502)) || ' ' || pg_temp.pick($last_fr, pg_temp.h(g, 503))
            ELSE pg_temp.pick($first_en_f || $first_en_m, pg_temp.h(g, 502)) || ' ' || pg_temp.pick($last_en, pg_temp.h(g, 503)) END,
       '!', 'member', CASE WHEN g % 3 > 0 THEN 'fr' ELSE 'en' END
FROM generate_series(1, $n_team) g
ON CONFLICT (lower(email)) DO NOTHING
"#;

/// Interactions over about three years on working days: 33 months back
/// (95 %) and 3 months ahead, fewer as they get further, at office hours
/// of Paris. Calls 40 %, meetings 25 %, tasks 30 %, emails 5 % (always
/// past); past ones mostly held or done, future ones planned or not
/// started; reminders on about half of the calls and meetings and a third
/// of the tasks. `$busy` owns twice the share of any other of `$ix_owners`.
/// `remind_at` is computed here as the `interactions_times` trigger would
/// (the generator disables it meanwhile); reminders already due count as
/// sent. The subject sometimes names the main record (see `ix_record`).
pub const INTERACTIONS: &str = r#"
INSERT INTO interactions (id, kind, subject, description, status, starts_at, ends_at, all_day, direction, location,
                          priority, task_start, completed_at, private, owner_id, reminder_minutes, remind_at,
                          reminded_at, created_at, created_by, updated_at, updated_by, deleted_at)
SELECT $interaction_base + g, kind,
       left(pg_temp.pick(CASE kind WHEN 'call' THEN CASE WHEN fr THEN $calls_fr ELSE $calls_en END
                                   WHEN 'meeting' THEN CASE WHEN fr THEN $meetings_fr ELSE $meetings_en END
                                   WHEN 'task' THEN CASE WHEN fr THEN $tasks_fr ELSE $tasks_en END
                                   ELSE CASE WHEN fr THEN $emails_fr ELSE $emails_en END END, pg_temp.h(g, 640))
            || CASE WHEN who IS NOT NULL AND pg_temp.h(g, 641) % 100 < 45 THEN ' – ' || who ELSE '' END, 255),
       CASE WHEN pg_temp.h(g, 642) % 100 < 20
            THEN pg_temp.pick(CASE WHEN fr THEN $notes_fr ELSE $notes_en END, pg_temp.h(g, 643)) END,
       status, starts, ends, all_day,
       CASE kind WHEN 'call' THEN CASE WHEN pg_temp.h(g, 644) % 100 < 65 THEN 'outbound' ELSE 'inbound' END
                 WHEN 'email' THEN CASE WHEN pg_temp.h(g, 644) % 100 < 55 THEN 'outbound' ELSE 'inbound' END END,
       CASE WHEN kind = 'meeting' AND NOT all_day AND pg_temp.h(g, 645) % 100 < 70
            THEN pg_temp.pick($meeting_places, pg_temp.h(g, 646)) END,
       CASE WHEN kind = 'task' THEN CASE WHEN pg_temp.h(g, 647) % 100 < 20 THEN 'high'
                                         WHEN pg_temp.h(g, 647) % 100 < 75 THEN 'medium' ELSE 'low' END END,
       CASE WHEN kind = 'task' AND pg_temp.h(g, 648) % 100 < 25 THEN day - (1 + pg_temp.h(g, 649) % 10)::int END,
       completed, pg_temp.h(g, 650) % 100 < 5, owner, reminder, remind,
       CASE WHEN remind < now() THEN remind END,
       created, CASE WHEN pg_temp.h(g, 651) % 100 < 85 THEN owner ELSE pg_temp.pick($ix_owners, pg_temp.h(g, 652)) END,
       updated, owner,
       CASE WHEN pg_temp.h(g, 653) % 1000 < 2 THEN updated END
FROM (
    SELECT *,
           CASE WHEN reminder IS NOT NULL AND status NOT IN ('done', 'held', 'cancelled')
                THEN starts - reminder * interval '1 minute' END AS remind,
           greatest(created, least(now(), CASE
               WHEN status = 'done' THEN completed
               WHEN kind <> 'email' AND status IN ('held', 'cancelled', 'postponed')
                   THEN ends + (pg_temp.h(g, 654) % 240) * interval '1 minute'
               ELSE created END)) AS updated
    FROM (
        -- Done tasks: within two days of the due time (a day's tasks at 10:00).
        SELECT *,
               CASE WHEN status <> 'done' THEN NULL
                    WHEN past THEN least(now(), greatest(created, starts + CASE WHEN all_day THEN interval '10 hours' ELSE interval '0' END
                                                         + (pg_temp.h(g, 655) % 5 - 3) * interval '1 day'
                                                         + (pg_temp.h(g, 665) % 120 - 60) * interval '1 minute'))
                    ELSE greatest(created, now() - (pg_temp.h(g, 655) % 72) * interval '1 hour') END AS completed
        FROM (
            -- Logged afterwards (emails, most held calls) or planned ahead.
            SELECT *,
                   least(now(), CASE
                       WHEN kind = 'email' THEN starts + (pg_temp.h(g, 658) % 10) * interval '1 minute'
                       WHEN kind = 'call' AND status = 'held' AND pg_temp.h(g, 659) % 100 < 70
                           THEN ends + (pg_temp.h(g, 658) % 90) * interval '1 minute'
                       ELSE starts - (60 + pg_temp.h(g, 658) % 43200) * interval '1 minute' END) AS created
            FROM (
                SELECT *,
                       CASE WHEN kind IN ('call', 'meeting') THEN CASE
                                WHEN past THEN CASE WHEN p < 86 THEN 'held' WHEN p < 93 THEN 'cancelled'
                                                    WHEN p < 97 THEN 'postponed' ELSE 'planned' END
                                ELSE CASE WHEN p < 94 THEN 'planned' WHEN p < 97 THEN 'postponed' ELSE 'cancelled' END END
                            WHEN kind = 'task' THEN CASE
                                WHEN past THEN CASE WHEN p < 84 THEN 'done' WHEN p < 89 THEN 'in_progress'
                                                    WHEN p < 92 THEN 'pending' ELSE 'not_started' END
                                ELSE CASE WHEN p < 70 THEN 'not_started' WHEN p < 85 THEN 'in_progress'
                                          WHEN p < 95 THEN 'pending' ELSE 'done' END END
                            ELSE 'held' END AS status,
                       CASE WHEN kind IN ('call', 'meeting') AND pg_temp.h(g, 656) % 100 < 50
                                THEN (ARRAY[5, 10, 15, 15, 30, 60])[1 + pg_temp.h(g, 657) % 6]
                            WHEN kind = 'task' AND pg_temp.h(g, 656) % 100 < 30
                                THEN (ARRAY[0, 60, 1440])[1 + pg_temp.h(g, 657) % 3] END AS reminder
            FROM (
                SELECT *, starts < now() AS past, pg_temp.h(g, 660) % 100 AS p
                FROM (
                    SELECT g, kind, owner, fr, who, day, all_day,
                           CASE WHEN all_day THEN day::timestamp ELSE day + m * interval '1 minute' END
                               AT TIME ZONE 'Europe/Paris' AS starts,
                           CASE WHEN all_day THEN (day + span)::timestamp ELSE day + (m + len) * interval '1 minute' END
                               AT TIME ZONE 'Europe/Paris' AS ends
                    FROM (
                        SELECT g, kind, owner, fr, who, day,
                               (kind = 'task' AND pg_temp.h(g, 661) % 100 < 35)
                               OR (kind = 'meeting' AND pg_temp.h(g, 661) % 100 < 3) AS all_day,
                               CASE kind WHEN 'call' THEN 510 + 15 * (pg_temp.h(g, 662) % 41)
                                         WHEN 'meeting' THEN 540 + 30 * (pg_temp.h(g, 662) % 17)
                                         WHEN 'task' THEN 540 + 60 * (pg_temp.h(g, 662) % 10)
                                         ELSE 450 + pg_temp.h(g, 662) % 780 END::int AS m,
                               CASE kind WHEN 'call' THEN (ARRAY[15, 15, 30, 30, 45, 60])[1 + pg_temp.h(g, 663) % 6]
                                         WHEN 'meeting' THEN (ARRAY[30, 45, 60, 60, 90, 90])[1 + pg_temp.h(g, 663) % 6]
                                         ELSE 0 END AS len,
                               CASE WHEN kind = 'meeting' THEN 1 + (pg_temp.h(g, 663) % 3)::int ELSE 1 END AS span
                        FROM (
                            -- The w-th working day from today (0), in Paris.
                            SELECT a.*, c.monday + 7 * ((x - ((x % 5) + 5) % 5) / 5) + ((x % 5) + 5) % 5 AS day,
                                   coalesce(coalesce(p.country, co.country) = 'France', pg_temp.h(g, 664) % 100 < 65) AS fr,
                                   CASE a.tt WHEN 'person' THEN trim(coalesce(p.first_name, '') || ' ' || p.last_name)
                                             WHEN 'company' THEN co.name ELSE d.name END AS who
                            FROM (
                                SELECT *, c0.weekday + CASE WHEN kind = 'email' THEN -abs(w) ELSE w END AS x
                                FROM (
                                    SELECT g, pg_temp.ix_type(g) AS tt,
                                           pg_temp.ix_record(g, $person_ids, $company_ids, $deal_ids) AS tid,
                                           CASE WHEN pg_temp.h(g, 600) % 100 < 40 THEN 'call'
                                                WHEN pg_temp.h(g, 600) % 100 < 65 THEN 'meeting'
                                                WHEN pg_temp.h(g, 600) % 100 < 95 THEN 'task' ELSE 'email' END AS kind,
                                           CASE WHEN u < 0.95 THEN -floor(718 * u / 0.95)::int
                                                ELSE floor(65 * (1 - sqrt(1 - (u - 0.95) / 0.05)))::int END AS w,
                                           CASE WHEN pg_temp.h(g, 630) % cardinality($ix_owners) = 0 THEN $busy
                                                ELSE pg_temp.pick($ix_owners, pg_temp.h(g, 631)) END AS owner
                                    FROM (SELECT g, pg_temp.u(g, 601) AS u FROM generate_series(1, $n_interactions) g OFFSET 0) a0
                                    OFFSET 0
                                ) a1
                                -- Monday of this week, and today's place in it (a weekend counts as Friday).
                                CROSS JOIN (SELECT least(extract(isodow FROM t)::int, 5) - 1 AS weekday
                                            FROM (SELECT (now() AT TIME ZONE 'Europe/Paris')::date AS t) t0) c0
                            ) a
                            CROSS JOIN (SELECT t - (extract(isodow FROM t)::int - 1) AS monday
                                        FROM (SELECT (now() AT TIME ZONE 'Europe/Paris')::date AS t) t0) c
                            LEFT JOIN persons p ON p.id = CASE WHEN a.tt = 'person' THEN a.tid END
                            LEFT JOIN companies co ON co.id = CASE WHEN a.tt = 'company' THEN a.tid END
                            LEFT JOIN deals d ON d.id = CASE WHEN a.tt = 'deal' THEN a.tid END
                            OFFSET 0
                        ) b
                    ) b1
                ) b2
                OFFSET 0
            ) b3
            OFFSET 0
        ) b4
    ) b4b
    OFFSET 0
    ) b5
    OFFSET 0
) b6
"#;

/// The links of the interactions from `$interaction_base`: the main record
/// (the same pick as in `INTERACTIONS`), and a deal's contact person.
pub const INTERACTION_LINKS: &str = r#"
INSERT INTO interaction_links (interaction_id, record_type, record_id, main, at)
SELECT id, tt, tid, true, starts_at
FROM (SELECT id, starts_at, pg_temp.ix_type(id - $interaction_base) AS tt,
             pg_temp.ix_record(id - $interaction_base, $person_ids, $company_ids, $deal_ids) AS tid
      FROM interactions WHERE id > $interaction_base) m
UNION ALL
SELECT i.id, 'person', d.person_id, false, i.starts_at
FROM interactions i
JOIN deals d ON d.id = pg_temp.ix_record(i.id - $interaction_base, $person_ids, $company_ids, $deal_ids)
            AND d.person_id IS NOT NULL
WHERE i.id > $interaction_base AND pg_temp.ix_type(i.id - $interaction_base) = 'deal'
"#;

/// The roll-up to companies, as saving an interaction writes it: the
/// current employers of its persons (via 'person'), then the companies of
/// its deals (via 'deal'), each company once.
pub const INTERACTION_ROLLUPS: &str = r#"
INSERT INTO interaction_links (interaction_id, record_type, record_id, via, at)
SELECT l.interaction_id, 'company', pc.company_id, 'person', l.at
FROM interaction_links l
JOIN person_companies pc ON pc.person_id = l.record_id AND (pc.end_date IS NULL OR pc.end_date >= current_date)
WHERE l.record_type = 'person' AND l.interaction_id > $interaction_base
UNION ALL
SELECT l.interaction_id, 'company', d.company_id, 'deal', l.at
FROM interaction_links l
JOIN deals d ON d.id = l.record_id AND d.company_id IS NOT NULL
WHERE l.record_type = 'deal' AND l.interaction_id > $interaction_base
ON CONFLICT DO NOTHING
"#;

/// Attendees of meetings: the main person, and one or two colleagues of
/// the owner on 30 % of them.
pub const INTERACTION_ATTENDEES: &str = r#"
INSERT INTO interaction_attendees (interaction_id, user_id, person_id, starts_at)
SELECT id, NULL, pg_temp.ix_record(id - $interaction_base, $person_ids, $company_ids, $deal_ids), starts_at
FROM interactions
WHERE id > $interaction_base AND kind = 'meeting' AND pg_temp.ix_type(id - $interaction_base) = 'person'
UNION ALL
SELECT id, u, NULL, starts_at
FROM (SELECT i.id, i.starts_at, i.owner_id, pg_temp.pick($ix_owners, pg_temp.h((i.id - $interaction_base) * 4 + k, 670)) AS u
      FROM interactions i
      CROSS JOIN LATERAL generate_series(1, 1 + (pg_temp.h(i.id - $interaction_base, 671) % 2)::int) k
      WHERE i.id > $interaction_base AND i.kind = 'meeting' AND pg_temp.h(i.id - $interaction_base, 672) % 100 < 30) a
WHERE u IS DISTINCT FROM owner_id
ON CONFLICT DO NOTHING
"#;
