//! Enrolments: a person or a company in an entry of the catalogue, with
//! its dates, status, owner, notes and the file's identifier (unique within
//! its entry). A record kind like the others (`KIND`): history, trash,
//! tags, notes, its timeline of interactions. `api` holds the server
//! functions and the list, `pages` the list (`/programmes`, the
//! *Programmes* module), the form, the record page and the card on person
//! and company pages.

mod api;
pub mod pages;

use crate::error::{FieldError, FieldProblem};
use crate::i18n::*;
use crate::records::RecordKind;
use crate::ui::list::ListRow;
use crate::validate::Checks;
pub use api::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const STATUSES: &[&str] = &["planned", "active", "completed", "withdrawn"];

/// The longest identifier (`enrolments.identifier`).
pub const IDENTIFIER_MAX: usize = 60;

/// What the enrolment form edits. Empty strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnrolmentInput {
    pub programme_id: Option<i64>,
    /// The enrolled person, or…
    pub person_id: Option<i64>,
    /// …the enrolled company: exactly one of the two.
    pub company_id: Option<i64>,
    /// The file's number in the entry ("numéro de l'activité").
    pub identifier: String,
    pub status: String,
    pub starts_on: String,
    pub ends_on: String,
    pub notes: String,
    pub owner_id: Option<i64>,
}

impl EnrolmentInput {
    /// The checks of the browser's form and of the server, the same.
    pub fn check(&self) -> Vec<FieldError> {
        let mut c = Checks::new();
        c.max_len("identifier", self.identifier.trim(), IDENTIFIER_MAX)
            .line("identifier", &self.identifier);
        c.required("status", &self.status)
            .choice("status", &self.status, STATUSES);
        let starts = c.date("starts_on", &self.starts_on);
        let ends = c.date("ends_on", &self.ends_on);
        c.ordered("ends_on", starts, ends);
        c.max_len("notes", &self.notes, 10_000);
        let mut errors = c.errors().to_vec();
        let mut add = |field: &str, problem| {
            errors.push(FieldError {
                field: field.into(),
                problem,
            })
        };
        if self.programme_id.is_none() {
            add("programme_id", FieldProblem::Required);
        }
        match (self.person_id, self.company_id) {
            (None, None) => add("person_id", FieldProblem::Required),
            (Some(_), Some(_)) => add("company_id", FieldProblem::InvalidChoice),
            _ => {}
        }
        errors
    }

    /// The enrolled record.
    pub fn subject(&self) -> Option<(RecordKind, i64)> {
        self.person_id
            .map(|id| (RecordKind::Person, id))
            .or(self.company_id.map(|id| (RecordKind::Company, id)))
    }
}

/// An enrolment as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub id: i64,
    pub version: i32,
    pub input: EnrolmentInput,
    pub programme_name: String,
    pub programme_kind: String,
    pub subject_name: String,
    pub owner_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of the enrolments list, and of a person's or company's card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EnrolmentRow {
    pub id: i64,
    pub version: i32,
    pub subject: String,
    /// `/persons/12` or `/companies/3`.
    pub subject_href: String,
    pub programme: String,
    pub programme_kind: String,
    pub identifier: String,
    pub status: String,
    pub starts_on: String,
    pub ends_on: String,
    pub owner_name: String,
    pub updated_at: DateTime<Utc>,
    /// The record's tags, by name (filled by lists; empty on cards).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub tags: Vec<String>,
    /// The day of `updated_at` in the reader's time zone (`YYYY-MM-DD`).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub updated_day: String,
}

impl ListRow for EnrolmentRow {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i32 {
        self.version
    }
}

pub fn status_label(i18n: crate::ui::feedback::I18n, status: &str) -> String {
    status_in(i18n.get_locale(), status)
}

/// [`status_label`] in `l` (the CSV export writes it too).
pub fn status_in(l: Locale, status: &str) -> String {
    match status {
        "planned" => td_string!(l, enrolment.status_planned),
        "active" => td_string!(l, enrolment.status_active),
        "completed" => td_string!(l, enrolment.status_completed),
        "withdrawn" => td_string!(l, enrolment.status_withdrawn),
        other => other,
    }
    .to_string()
}

/// SQL of the enrolled record's name, for the enrolment aliased `r`.
#[cfg(feature = "ssr")]
macro_rules! subject_sql {
    ($r:literal) => {
        concat!(
            "coalesce((SELECT trim(coalesce(sp.first_name, '') || ' ' || sp.last_name) FROM persons sp WHERE sp.id = ",
            $r,
            ".person_id), (SELECT sc.name FROM companies sc WHERE sc.id = ",
            $r,
            ".company_id), '')"
        )
    };
}
#[cfg(feature = "ssr")]
pub(crate) use subject_sql;

/// What shared code (history, search, trash, inline edits, export) knows of
/// enrolments: see `crate::records::kind`.
pub static KIND: crate::records::kind::Descriptor = crate::records::kind::Descriptor {
    kind: RecordKind::Enrolment,
    record_type: "enrolment",
    table: "enrolments",
    base: "/programmes",
    singular: |l| td_string!(l, enrolment.singular),
    plural: |l| td_string!(l, nav.programmes),
    field_label,
    editable: {
        use crate::records::edit::FieldRule;
        &[("starts_on", FieldRule::Date), ("ends_on", FieldRule::Date)]
    },
    importable: &[],
    quick_actions: Some(crate::interactions::quick_actions),
    #[cfg(feature = "ssr")]
    name_sql: concat!(
        "concat_ws(' · ', ",
        subject_sql!("r"),
        ", (SELECT pg.name FROM programmes pg WHERE pg.id = r.programme_id), r.identifier)"
    ),
    #[cfg(feature = "ssr")]
    prefix_keys: &["r.sort_name"],
    #[cfg(feature = "ssr")]
    detail_sql: "coalesce(to_char(r.starts_on, 'YYYY-MM-DD'), '')",
    #[cfg(feature = "ssr")]
    email_match_sql: None,
    #[cfg(feature = "ssr")]
    phone_match_sql: None,
    #[cfg(feature = "ssr")]
    trashed_with_sql: "",
    #[cfg(feature = "ssr")]
    import: None,
    quality: None,
    merge_links: None,
    #[cfg(feature = "ssr")]
    list: &api::LIST,
    #[cfg(feature = "ssr")]
    export: api::EXPORT,
};

/// The labels of enrolments' own fields.
fn field_label(l: Locale, field: &str) -> Option<&'static str> {
    Some(match field {
        "programme_id" | "programme" => td_string!(l, enrolment.programme),
        "person_id" => td_string!(l, enrolment.person),
        "company_id" => td_string!(l, enrolment.company),
        "subject" => td_string!(l, enrolment.subject),
        "identifier" => td_string!(l, enrolment.identifier),
        "status" => td_string!(l, enrolment.status),
        "starts_on" => td_string!(l, enrolment.starts_on),
        "ends_on" => td_string!(l, enrolment.ends_on),
        "notes" => td_string!(l, enrolment.notes),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrolment_is_of_one_record_in_one_entry_with_dates_in_order() {
        let problems = |input: EnrolmentInput| -> Vec<(String, FieldProblem)> {
            input
                .check()
                .into_iter()
                .map(|e| (e.field, e.problem))
                .collect()
        };
        let nothing = EnrolmentInput::default();
        assert_eq!(
            problems(nothing),
            [
                ("status".to_string(), FieldProblem::Required),
                ("programme_id".to_string(), FieldProblem::Required),
                ("person_id".to_string(), FieldProblem::Required),
            ]
        );
        let wrong = EnrolmentInput {
            programme_id: Some(1),
            person_id: Some(2),
            company_id: Some(3),
            identifier: "A".repeat(61),
            status: "paused".into(),
            starts_on: "2026-03-01".into(),
            ends_on: "2026-02-01".into(),
            ..Default::default()
        };
        assert_eq!(
            problems(wrong),
            [
                ("identifier".to_string(), FieldProblem::TooLong { max: 60 }),
                ("status".to_string(), FieldProblem::InvalidChoice),
                ("ends_on".to_string(), FieldProblem::EndBeforeStart),
                ("company_id".to_string(), FieldProblem::InvalidChoice),
            ]
        );
        let fine = EnrolmentInput {
            programme_id: Some(1),
            company_id: Some(3),
            identifier: "ACC-2026-014".into(),
            status: "active".into(),
            starts_on: "2026-01-05".into(),
            ..Default::default()
        };
        assert!(fine.check().is_empty());
        assert_eq!(fine.subject(), Some((RecordKind::Company, 3)));
    }
}
