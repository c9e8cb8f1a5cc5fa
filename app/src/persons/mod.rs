//! Persons (the guide's *clients* and *contacts*): fields, rules, server
//! functions (`api`) and pages (`pages`). A person's job history is the list
//! of their links to companies.

mod api;
mod gdpr;
#[cfg(feature = "ssr")]
mod import;
pub mod pages;
mod privacy;

use crate::error::FieldError;
use crate::i18n::*;
use crate::ui::feedback::I18n;
use crate::ui::list::ListRow;
use crate::validate::Checks;
pub use api::*;
use chrono::{DateTime, NaiveDate, Utc};
pub use gdpr::*;
use serde::{Deserialize, Serialize};

pub const CIVILITIES: &[&str] = &["mr", "ms", "mx", "dr"];
pub const ROLES: &[&str] = &["client", "prospect", "contact"];
pub const STAGES: &[&str] = &["lead", "qualified", "active", "at_risk", "inactive"];
pub const LANGUAGES: &[&str] = &["en", "fr"];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonInput {
    pub civility: String,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub email: String,
    pub email2: String,
    pub phone: String,
    pub mobile: String,
    pub street: String,
    pub line2: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub birthday: String,
    pub preferred_language: String,
    pub roles: Vec<String>,
    pub lifecycle_stage: String,
    pub source: String,
    pub marketing_consent: bool,
    pub consent_date: String,
    pub consent_method: String,
    pub owner_id: Option<i64>,
    /// Links the person to this company (a current job) when saved.
    pub company_id: Option<i64>,
    pub company_job_title: String,
    pub link_start: String,
    pub link_end: String,
}

impl PersonInput {
    pub fn check(&self) -> Vec<FieldError> {
        let mut c = Checks::new();
        c.choice("civility", &self.civility, CIVILITIES);
        c.line("first_name", &self.first_name);
        c.required("last_name", &self.last_name)
            .line("last_name", &self.last_name);
        c.email("email", &self.email);
        c.email("email2", &self.email2);
        c.phone("phone", &self.phone);
        c.phone("mobile", &self.mobile);
        for (field, value) in [
            ("job_title", &self.job_title),
            ("street", &self.street),
            ("line2", &self.line2),
            ("postal_code", &self.postal_code),
            ("city", &self.city),
            ("country", &self.country),
            ("source", &self.source),
            ("consent_method", &self.consent_method),
            ("company_job_title", &self.company_job_title),
        ] {
            c.line(field, value);
        }
        c.date("birthday", &self.birthday);
        c.choice("preferred_language", &self.preferred_language, LANGUAGES);
        c.choices("roles", &self.roles, ROLES);
        c.choice("lifecycle_stage", &self.lifecycle_stage, STAGES);
        c.date("consent_date", &self.consent_date);
        let start = c.date("link_start", &self.link_start);
        let end = c.date("link_end", &self.link_end);
        c.ordered("link_end", start, end);
        c.errors().to_vec()
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name.trim(), self.last_name.trim())
            .trim()
            .to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub version: i32,
    pub input: PersonInput,
    pub owner_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub jobs: Vec<PersonJob>,
    /// When their data was erased (GDPR), in the reader's zone; empty if not.
    #[serde(default)]
    pub erased: String,
    /// Each change of their consent, newest first.
    #[serde(default)]
    pub consent_history: Vec<ConsentChange>,
}

/// A change of a person's marketing consent: what it became, and who
/// changed it when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentChange {
    /// In the reader's zone, `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub by: String,
    pub consent: bool,
    pub date: String,
    pub method: String,
}

/// One company in a person's job history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonJob {
    pub company_id: i64,
    pub company_name: String,
    pub job_title: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PersonRow {
    pub id: i64,
    pub version: i32,
    pub name: String,
    pub company: String,
    pub roles: Vec<String>,
    pub job_title: String,
    pub email: String,
    pub phone: String,
    pub city: String,
    pub country: String,
    pub lifecycle_stage: String,
    pub language: String,
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

impl ListRow for PersonRow {
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
        "client" => td_string!(l, person_role.client).to_string(),
        "prospect" => td_string!(l, person_role.prospect).to_string(),
        "contact" => td_string!(l, person_role.contact).to_string(),
        other => other.to_string(),
    }
}

pub fn stage_label(i18n: I18n, stage: &str) -> String {
    stage_in(i18n.get_locale(), stage)
}

/// [`stage_label`] in `l` (the CSV export writes it too).
pub fn stage_in(l: Locale, stage: &str) -> String {
    match stage {
        "lead" => td_string!(l, lifecycle.lead).to_string(),
        "qualified" => td_string!(l, lifecycle.qualified).to_string(),
        "active" => td_string!(l, lifecycle.active).to_string(),
        "at_risk" => td_string!(l, lifecycle.at_risk).to_string(),
        "inactive" => td_string!(l, lifecycle.inactive).to_string(),
        other => other.to_string(),
    }
}

pub fn civility_label(i18n: I18n, civility: &str) -> String {
    civility_in(i18n.get_locale(), civility)
}

/// [`civility_label`] in `l` (the CSV export writes it too).
pub fn civility_in(l: Locale, civility: &str) -> String {
    match civility {
        "mr" => td_string!(l, civility.mr).to_string(),
        "ms" => td_string!(l, civility.ms).to_string(),
        "mx" => td_string!(l, civility.mx).to_string(),
        "dr" => td_string!(l, civility.dr).to_string(),
        other => other.to_string(),
    }
}

pub fn language_label(i18n: I18n, lang: &str) -> String {
    language_in(i18n.get_locale(), lang)
}

/// [`language_label`] in `l` (the CSV export writes it too).
pub fn language_in(l: Locale, lang: &str) -> String {
    match lang {
        "en" => td_string!(l, lang.en).to_string(),
        "fr" => td_string!(l, lang.fr).to_string(),
        other => other.to_string(),
    }
}

/// What shared code (history, search, trash, inline edits, export, import)
/// knows of persons: see `crate::records::kind`.
pub static KIND: crate::records::kind::Descriptor = crate::records::kind::Descriptor {
    kind: crate::records::RecordKind::Person,
    record_type: "person",
    table: "persons",
    base: "/persons",
    singular: |l| td_string!(l, person.singular),
    plural: |l| td_string!(l, nav.persons),
    field_label,
    editable: {
        use crate::records::edit::FieldRule;
        &[
            ("last_name", FieldRule::Name),
            ("first_name", FieldRule::Line),
            ("job_title", FieldRule::Line),
            ("mobile", FieldRule::Phone),
            ("city", FieldRule::Line),
            ("source", FieldRule::Line),
            ("email", FieldRule::Email),
            ("phone", FieldRule::Phone),
        ]
    },
    importable: &[
        ("civility", &["title", "salutation", "titre"]),
        ("first_name", &["firstname", "given name", "first"]),
        (
            "last_name",
            &[
                "lastname",
                "surname",
                "family name",
                "name",
                "nom de famille",
            ],
        ),
        ("job_title", &["position", "title", "poste", "fonction"]),
        (
            "company",
            &[
                "organisation",
                "organization",
                "societe",
                "entreprise",
                "employer",
                "employeur",
            ],
        ),
        ("email", &["e-mail", "mail", "courriel", "adresse e-mail"]),
        ("email2", &["email 2", "e-mail 2", "courriel 2"]),
        (
            "phone",
            &["tel", "telephone", "telephone fixe", "work phone"],
        ),
        (
            "mobile",
            &[
                "cell",
                "cellphone",
                "portable",
                "tel portable",
                "telephone portable",
                "gsm",
            ],
        ),
        ("street", &["address", "adresse"]),
        ("line2", &["address 2", "adresse 2"]),
        ("postal_code", &["zip", "zip code", "postcode", "cp"]),
        ("city", &["town", "commune"]),
        ("country", &[]),
        ("birthday", &["birth date", "date of birth", "naissance"]),
        ("preferred_language", &["language", "langue"]),
        ("source", &["origin"]),
    ],
    quick_actions: Some(crate::interactions::quick_actions),
    #[cfg(feature = "ssr")]
    name_sql: "trim(coalesce(r.first_name, '') || ' ' || r.last_name)",
    #[cfg(feature = "ssr")]
    prefix_keys: &[
        "r.sort_name",
        "relais_fold(coalesce(r.first_name, '') || ' ' || r.last_name)",
        "lower(r.email)",
    ],
    #[cfg(feature = "ssr")]
    detail_sql: "coalesce(r.email, r.city, '')",
    #[cfg(feature = "ssr")]
    email_match_sql: Some("($2 <> '' AND (lower(r.email) = $2 OR lower(r.email2) = $2))"),
    #[cfg(feature = "ssr")]
    phone_match_sql: Some(
        "(relais_phone_key(r.phone) = q.pk OR relais_phone_key(r.mobile) = q.pk)",
    ),
    #[cfg(feature = "ssr")]
    trashed_with_sql: "",
    #[cfg(feature = "ssr")]
    import: Some(import::IMPORT),
    quality: Some(crate::records::kind::Quality {
        expected: &[
            &["first_name"],
            &["last_name"],
            &["email"],
            &["phone", "mobile"],
        ],
        contacts: &["email", "email2", "phone", "mobile"],
    }),
    merge_links: Some(&[
        crate::records::kind::LinkColumn {
            table: "person_companies",
            column: "person_id",
            key: &["id"],
            unique: false,
            versioned: false,
            label: |l| td_string!(l, merge.link_jobs),
        },
        crate::records::kind::LinkColumn {
            table: "deals",
            column: "person_id",
            key: &["id"],
            unique: false,
            versioned: true,
            label: |l| td_string!(l, nav.deals),
        },
        crate::records::kind::LinkColumn {
            table: "interaction_attendees",
            column: "person_id",
            key: &["interaction_id"],
            unique: true,
            versioned: false,
            label: |l| td_string!(l, merge.link_attended),
        },
        crate::records::kind::LinkColumn {
            table: "consent_changes",
            column: "person_id",
            key: &["id"],
            unique: false,
            versioned: false,
            label: |l| td_string!(l, merge.link_consent),
        },
    ]),
    #[cfg(feature = "ssr")]
    list: &api::LIST,
    #[cfg(feature = "ssr")]
    export: api::EXPORT,
};

/// The labels of persons' own fields.
fn field_label(l: Locale, field: &str) -> Option<&'static str> {
    Some(match field {
        "civility" => td_string!(l, person.civility),
        "first_name" => td_string!(l, person.first_name),
        "last_name" => td_string!(l, person.last_name),
        "job_title" => td_string!(l, person.job_title),
        "email2" => td_string!(l, person.email2),
        "mobile" => td_string!(l, person.mobile),
        "birthday" => td_string!(l, person.birthday),
        "preferred_language" => td_string!(l, person.preferred_language),
        "roles" => td_string!(l, person.roles),
        "lifecycle_stage" => td_string!(l, person.lifecycle_stage),
        "marketing_consent" => td_string!(l, person.marketing_consent),
        "consent_date" => td_string!(l, person.consent_date),
        "consent_method" => td_string!(l, person.consent_method),
        "erased_at" => td_string!(l, person.erased_at),
        "company" => td_string!(l, person.company),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldProblem;

    #[test]
    fn a_person_needs_a_last_name_and_a_sane_job_period() {
        let input = PersonInput {
            last_name: "".into(),
            email: "jeanne@exemple.fr".into(),
            link_start: "2025-06-01".into(),
            link_end: "2024-01-01".into(),
            birthday: "1990-13-45".into(),
            ..Default::default()
        };
        let errors = input.check();
        let problem = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.problem);
        assert_eq!(problem("last_name"), Some(FieldProblem::Required));
        assert_eq!(problem("email"), None);
        assert_eq!(problem("link_end"), Some(FieldProblem::EndBeforeStart));
        assert_eq!(problem("birthday"), Some(FieldProblem::InvalidDate));
    }
}
