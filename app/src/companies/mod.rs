//! Companies (organisations, the guide's *partenaires*): fields, rules,
//! server functions (`api`) and pages (`pages`).

mod api;
#[cfg(feature = "ssr")]
mod import;
pub mod pages;

use crate::error::FieldError;
use crate::i18n::*;
use crate::ui::feedback::I18n;
use crate::ui::list::ListRow;
use crate::validate::Checks;
pub use api::*;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const ROLES: &[&str] = &["client", "prospect", "partner", "supplier"];
pub const SIZES: &[&str] = &["micro", "small", "medium", "large", "enterprise"];

/// What the company form edits. Empty strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyInput {
    pub name: String,
    pub roles: Vec<String>,
    pub industry: String,
    pub size: String,
    pub website: String,
    pub email: String,
    pub phone: String,
    pub street: String,
    pub line2: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub registration_number: String,
    pub source: String,
    pub description: String,
    pub owner_id: Option<i64>,
}

impl CompanyInput {
    /// The rules of a company, run by the form and again by the server.
    pub fn check(&self) -> Vec<FieldError> {
        let mut c = Checks::new();
        c.required("name", &self.name).line("name", &self.name);
        c.choices("roles", &self.roles, ROLES);
        c.choice("size", &self.size, SIZES);
        c.url("website", &self.website);
        c.email("email", &self.email);
        c.phone("phone", &self.phone);
        for (field, value) in [
            ("industry", &self.industry),
            ("street", &self.street),
            ("line2", &self.line2),
            ("postal_code", &self.postal_code),
            ("city", &self.city),
            ("country", &self.country),
            ("registration_number", &self.registration_number),
            ("source", &self.source),
        ] {
            c.line(field, value);
        }
        c.max_len("description", &self.description, 10_000);
        c.errors().to_vec()
    }
}

/// A company as its record page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Company {
    pub id: i64,
    pub version: i32,
    pub input: CompanyInput,
    pub owner_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub people: Vec<CompanyPerson>,
}

/// A person linked to a company, with the job held there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyPerson {
    pub person_id: i64,
    pub name: String,
    pub job_title: String,
    pub email: String,
    pub phone: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// One line of the companies list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CompanyRow {
    pub id: i64,
    pub version: i32,
    pub name: String,
    pub roles: Vec<String>,
    pub industry: String,
    pub size: String,
    pub city: String,
    pub country: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub source: String,
    pub owner_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The record's tags, by name (every list's rows carry them).
    #[serde(default)]
    pub tags: Vec<String>,
    /// The day of `created_at` in the reader's time zone (`YYYY-MM-DD`).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub created_day: String,
    /// The day of `updated_at` in the reader's time zone (`YYYY-MM-DD`).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub updated_day: String,
}

impl ListRow for CompanyRow {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i32 {
        self.version
    }
}

pub fn role_label(i18n: I18n, role: &str) -> String {
    role_in(i18n.get_locale(), role)
}

/// [`role_label`] in `l` (the CSV export writes it too).
pub fn role_in(l: Locale, role: &str) -> String {
    match role {
        "client" => td_string!(l, company_role.client).to_string(),
        "prospect" => td_string!(l, company_role.prospect).to_string(),
        "partner" => td_string!(l, company_role.partner).to_string(),
        "supplier" => td_string!(l, company_role.supplier).to_string(),
        other => other.to_string(),
    }
}

pub fn size_label(i18n: I18n, size: &str) -> String {
    size_in(i18n.get_locale(), size)
}

/// [`size_label`] in `l` (the CSV export writes it too).
pub fn size_in(l: Locale, size: &str) -> String {
    match size {
        "micro" => td_string!(l, company_size.micro).to_string(),
        "small" => td_string!(l, company_size.small).to_string(),
        "medium" => td_string!(l, company_size.medium).to_string(),
        "large" => td_string!(l, company_size.large).to_string(),
        "enterprise" => td_string!(l, company_size.enterprise).to_string(),
        other => other.to_string(),
    }
}

/// What shared code (history, search, trash, inline edits, export, import)
/// knows of companies: see `crate::records::kind`.
pub static KIND: crate::records::kind::Descriptor = crate::records::kind::Descriptor {
    kind: crate::records::RecordKind::Company,
    record_type: "company",
    table: "companies",
    base: "/companies",
    singular: |l| td_string!(l, company.singular),
    plural: |l| td_string!(l, nav.companies),
    field_label,
    editable: {
        use crate::records::edit::FieldRule;
        &[
            ("name", FieldRule::Name),
            ("industry", FieldRule::Line),
            ("website", FieldRule::Url),
            ("city", FieldRule::Line),
            ("source", FieldRule::Line),
            ("email", FieldRule::Email),
            ("phone", FieldRule::Phone),
        ]
    },
    importable: &[
        (
            "name",
            &[
                "company",
                "company name",
                "raison sociale",
                "societe",
                "entreprise",
                "organisation",
            ],
        ),
        ("industry", &["sector", "activite"]),
        ("size", &["effectif"]),
        ("website", &["site", "url", "web"]),
        ("email", &["e-mail", "mail", "courriel", "adresse e-mail"]),
        ("phone", &["tel", "telephone", "standard"]),
        ("street", &["address", "adresse"]),
        ("line2", &["address 2", "adresse 2"]),
        ("postal_code", &["zip", "zip code", "postcode", "cp"]),
        ("city", &["town", "commune"]),
        ("country", &[]),
        ("registration_number", &["siret", "siren", "vat", "tva"]),
        ("source", &["origin"]),
        ("description", &["notes", "comment", "commentaire"]),
    ],
    quick_actions: Some(crate::interactions::quick_actions),
    #[cfg(feature = "ssr")]
    name_sql: "r.name",
    #[cfg(feature = "ssr")]
    prefix_keys: &["r.sort_name", "lower(r.email)"],
    #[cfg(feature = "ssr")]
    detail_sql: "coalesce(r.city, r.email, '')",
    #[cfg(feature = "ssr")]
    email_match_sql: Some("($2 <> '' AND lower(r.email) = $2)"),
    #[cfg(feature = "ssr")]
    phone_match_sql: Some("relais_phone_key(r.phone) = q.pk"),
    #[cfg(feature = "ssr")]
    trashed_with_sql: "",
    #[cfg(feature = "ssr")]
    import: Some(import::IMPORT),
    quality: Some(crate::records::kind::Quality {
        expected: &[&["name"], &["email", "phone"], &["city"]],
        contacts: &["email", "phone"],
    }),
    merge_links: Some(&[
        crate::records::kind::LinkColumn {
            table: "person_companies",
            column: "company_id",
            key: &["id"],
            unique: false,
            versioned: false,
            label: |l| td_string!(l, merge.link_people),
        },
        crate::records::kind::LinkColumn {
            table: "deals",
            column: "company_id",
            key: &["id"],
            unique: false,
            versioned: true,
            label: |l| td_string!(l, nav.deals),
        },
    ]),
    #[cfg(feature = "ssr")]
    list: &api::LIST,
    #[cfg(feature = "ssr")]
    export: api::EXPORT,
};

/// The labels of companies' own fields.
fn field_label(l: Locale, field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => td_string!(l, company.name),
        "roles" => td_string!(l, company.roles),
        "industry" => td_string!(l, company.industry),
        "size" => td_string!(l, company.size),
        "website" => td_string!(l, company.website),
        "registration_number" => td_string!(l, company.registration_number),
        "description" => td_string!(l, company.description),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldProblem;

    #[test]
    fn a_company_needs_a_name_and_valid_contacts() {
        let input = CompanyInput {
            name: " ".into(),
            email: "nope".into(),
            website: "https://ok.example".into(),
            roles: vec!["client".into(), "emperor".into()],
            city: "x".repeat(256),
            ..Default::default()
        };
        let errors = input.check();
        let problem = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.problem);
        assert_eq!(problem("name"), Some(FieldProblem::Required));
        assert_eq!(problem("email"), Some(FieldProblem::InvalidEmail));
        assert_eq!(problem("roles"), Some(FieldProblem::InvalidChoice));
        assert_eq!(problem("city"), Some(FieldProblem::TooLong { max: 255 }));
        assert_eq!(problem("website"), None);
    }
}
