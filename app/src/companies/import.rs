//! How a row of an imported file becomes a company (`crate::import`).

use super::CompanyInput;
use crate::import::values::choice;
use crate::records::kind::{ImportSpec, Values};

pub const IMPORT: ImportSpec = ImportSpec {
    prepare,
    required: &["name"],
    columns: &[
        ("name", "text"),
        ("industry", "text"),
        ("size", "text"),
        ("website", "text"),
        ("email", "text"),
        ("phone", "text"),
        ("street", "text"),
        ("line2", "text"),
        ("postal_code", "text"),
        ("city", "text"),
        ("country", "text"),
        ("registration_number", "text"),
        ("source", "text"),
        ("description", "text"),
    ],
    same_sql: &[
        "k.email <> '' AND lower(r.email) = k.email",
        "relais_phone_key(r.phone) IN (k.p1, k.p2)",
        "r.sort_name = relais_fold(k.name)",
    ],
    name_of: |v| v.get("name").cloned().unwrap_or_default(),
    phones: ["phone", "phone"],
    emails: &["email"],
    company_field: None,
    named_sql: Some("r.sort_name = relais_fold(n.name)"),
    references: &[],
    new_defaults_sql: None,
    created: None,
};

fn prepare(mut v: Values) -> Result<Values, Vec<crate::error::FieldError>> {
    const SIZE: &[(&str, &[&str])] = &[
        ("micro", &["micro", "tpe", "micro entreprise", "1 9", "0 9"]),
        ("small", &["small", "petite", "pe", "10 49"]),
        ("medium", &["medium", "moyenne", "pme", "eti", "50 249"]),
        ("large", &["large", "grande", "250 999"]),
        ("enterprise", &["enterprise", "tres grande", "ge", "1000"]),
    ];
    choice(&mut v, "size", SIZE);
    let get = |f: &str| v.get(f).cloned().unwrap_or_default();
    let input = CompanyInput {
        name: get("name"),
        industry: get("industry"),
        size: get("size"),
        website: get("website"),
        email: get("email"),
        phone: get("phone"),
        street: get("street"),
        line2: get("line2"),
        postal_code: get("postal_code"),
        city: get("city"),
        country: get("country"),
        registration_number: get("registration_number"),
        source: get("source"),
        description: get("description"),
        ..CompanyInput::default()
    };
    let problems = input.check();
    if problems.is_empty() {
        Ok(v)
    } else {
        Err(problems)
    }
}
