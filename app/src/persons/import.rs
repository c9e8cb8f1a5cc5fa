//! How a row of an imported file becomes a person (`crate::import`).

use super::PersonInput;
use crate::import::values::{choice, date};
use crate::records::kind::{ImportSpec, Values};

pub const IMPORT: ImportSpec = ImportSpec {
    prepare,
    required: &["last_name"],
    columns: &[
        ("civility", "text"),
        ("first_name", "text"),
        ("last_name", "text"),
        ("job_title", "text"),
        ("email", "text"),
        ("email2", "text"),
        ("phone", "text"),
        ("mobile", "text"),
        ("street", "text"),
        ("line2", "text"),
        ("postal_code", "text"),
        ("city", "text"),
        ("country", "text"),
        ("birthday", "date"),
        ("preferred_language", "text"),
        ("source", "text"),
    ],
    same_sql: &[
        "k.email <> '' AND lower(r.email) = k.email",
        "relais_phone_key(r.phone) IN (k.p1, k.p2)",
        "relais_phone_key(r.mobile) IN (k.p1, k.p2)",
        // A name alone only when the row has nothing better.
        "k.email = '' AND k.p1 IS NULL AND k.p2 IS NULL AND r.sort_name = relais_fold(k.name)",
    ],
    name_of: |v| {
        let get = |f| v.get(f).map(String::as_str).unwrap_or("");
        format!("{} {}", get("last_name"), get("first_name"))
    },
    phones: ["phone", "mobile"],
    emails: &["email", "email2"],
    company_field: Some("company"),
    // "Dupont Marie" as sorted, "Marie Dupont" as said, or an email.
    named_sql: Some(
        r"r.sort_name IN (relais_fold(n.name), relais_fold(regexp_replace(n.name, '^(\S+)\s+(.+)$', '\2 \1')))
          OR (strpos(n.name, '@') > 0 AND lower(r.email) = lower(n.name))",
    ),
    references: &[],
    new_defaults_sql: None,
    created: None,
};

/// Words files use for a civility and a language, and French dates.
fn prepare(mut v: Values) -> Result<Values, Vec<crate::error::FieldError>> {
    const CIVILITY: &[(&str, &[&str])] = &[
        ("mr", &["m", "mr", "monsieur", "mister", "sir"]),
        (
            "ms",
            &["mme", "madame", "mrs", "ms", "miss", "mlle", "mademoiselle"],
        ),
        ("mx", &["mx"]),
        ("dr", &["dr", "docteur", "doctor", "doctoresse"]),
    ];
    const LANGUAGE: &[(&str, &[&str])] = &[
        ("fr", &["fr", "francais", "french"]),
        ("en", &["en", "anglais", "english"]),
    ];
    choice(&mut v, "civility", CIVILITY);
    choice(&mut v, "preferred_language", LANGUAGE);
    date(&mut v, "birthday");
    let get = |f: &str| v.get(f).cloned().unwrap_or_default();
    let input = PersonInput {
        civility: get("civility"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        job_title: get("job_title"),
        email: get("email"),
        email2: get("email2"),
        phone: get("phone"),
        mobile: get("mobile"),
        street: get("street"),
        line2: get("line2"),
        postal_code: get("postal_code"),
        city: get("city"),
        country: get("country"),
        birthday: get("birthday"),
        preferred_language: get("preferred_language"),
        source: get("source"),
        ..PersonInput::default()
    };
    let mut problems = input.check();
    let company = get("company");
    if company.chars().count() > 255 {
        problems.push(crate::error::FieldError {
            field: "company".into(),
            problem: crate::error::FieldProblem::TooLong { max: 255 },
        });
    }
    if problems.is_empty() {
        Ok(v)
    } else {
        Err(problems)
    }
}
