-- The first records: companies (organisations) and persons, and the job
-- history that links them. Every record has owner, version (optimistic
-- concurrency), created/updated by/at and a soft-delete mark.

CREATE TABLE companies (
    id                  BIGSERIAL   PRIMARY KEY,
    name                TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    roles               TEXT[]      NOT NULL DEFAULT '{}',
    industry            TEXT CHECK (length(industry) <= 255),
    size                TEXT CHECK (size IN ('micro', 'small', 'medium', 'large', 'enterprise')),
    website             TEXT CHECK (length(website) <= 255),
    email               TEXT CHECK (length(email) <= 255),
    phone               TEXT CHECK (length(phone) <= 255),
    street              TEXT CHECK (length(street) <= 255),
    line2               TEXT CHECK (length(line2) <= 255),
    postal_code         TEXT CHECK (length(postal_code) <= 255),
    city                TEXT CHECK (length(city) <= 255),
    country             TEXT CHECK (length(country) <= 255),
    registration_number TEXT CHECK (length(registration_number) <= 255),
    source              TEXT CHECK (length(source) <= 255),
    description         TEXT,
    owner_id            BIGINT      REFERENCES users (id),
    version             INTEGER     NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by          BIGINT      REFERENCES users (id),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by          BIGINT      REFERENCES users (id),
    deleted_at          TIMESTAMPTZ
);
CREATE INDEX companies_name_idx ON companies (lower(name), id) WHERE deleted_at IS NULL;
CREATE INDEX companies_owner_idx ON companies (owner_id) WHERE deleted_at IS NULL;

CREATE TABLE persons (
    id                 BIGSERIAL   PRIMARY KEY,
    civility           TEXT CHECK (civility IN ('mr', 'ms', 'mx', 'dr')),
    first_name         TEXT CHECK (length(first_name) <= 255),
    last_name          TEXT        NOT NULL CHECK (length(last_name) BETWEEN 1 AND 255),
    job_title          TEXT CHECK (length(job_title) <= 255),
    email              TEXT CHECK (length(email) <= 255),
    email2             TEXT CHECK (length(email2) <= 255),
    phone              TEXT CHECK (length(phone) <= 255),
    mobile             TEXT CHECK (length(mobile) <= 255),
    street             TEXT CHECK (length(street) <= 255),
    line2              TEXT CHECK (length(line2) <= 255),
    postal_code        TEXT CHECK (length(postal_code) <= 255),
    city               TEXT CHECK (length(city) <= 255),
    country            TEXT CHECK (length(country) <= 255),
    birthday           DATE,
    preferred_language TEXT CHECK (preferred_language IN ('en', 'fr')),
    roles              TEXT[]      NOT NULL DEFAULT '{}',
    lifecycle_stage    TEXT CHECK (lifecycle_stage IN ('lead', 'qualified', 'active', 'at_risk', 'inactive')),
    source             TEXT CHECK (length(source) <= 255),
    marketing_consent  BOOLEAN     NOT NULL DEFAULT FALSE,
    consent_date       DATE,
    consent_method     TEXT CHECK (length(consent_method) <= 255),
    owner_id           BIGINT      REFERENCES users (id),
    version            INTEGER     NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by         BIGINT      REFERENCES users (id),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by         BIGINT      REFERENCES users (id),
    deleted_at         TIMESTAMPTZ
);
CREATE INDEX persons_name_idx ON persons (lower(last_name), lower(first_name), id) WHERE deleted_at IS NULL;
CREATE INDEX persons_owner_idx ON persons (owner_id) WHERE deleted_at IS NULL;

-- A person's job history: one row per company they work or worked with.
CREATE TABLE person_companies (
    id         BIGSERIAL   PRIMARY KEY,
    person_id  BIGINT      NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    company_id BIGINT      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    job_title  TEXT CHECK (length(job_title) <= 255),
    start_date DATE,
    end_date   DATE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX person_companies_person_idx ON person_companies (person_id);
CREATE INDEX person_companies_company_idx ON person_companies (company_id);
