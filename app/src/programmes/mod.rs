//! Programmes, services and SAE: the organisation's catalogue of what
//! persons and companies are enrolled in (SPEC §2, the user guide's
//! *Gestion des programmes*, *Services* and *SAE* modules). Admins keep it
//! at `/settings/programmes` (`pages`); everyone reads it (`api`).
//! Persons and companies are enrolled in its entries (`enrolments`, a
//! record kind of its own: the *Programmes* module).

pub mod api;
pub mod enrolments;
pub mod pages;

use crate::error::FieldError;
use crate::i18n::*;
use crate::validate::Checks;
use serde::{Deserialize, Serialize};

/// The kinds of entries, in the catalogue's words.
pub const KINDS: &[&str] = &["programme", "service", "sae"];

/// What the catalogue's form edits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeInput {
    pub name: String,
    pub kind: String,
    pub description: String,
    /// Offered for new enrolments.
    pub active: bool,
}

impl ProgrammeInput {
    /// The checks of the browser's form and of the server, the same.
    pub fn check(&self) -> Vec<FieldError> {
        let mut c = Checks::new();
        c.required("name", &self.name).line("name", &self.name);
        c.required("kind", &self.kind)
            .choice("kind", &self.kind, KINDS);
        c.max_len("description", &self.description, 2000);
        c.errors().to_vec()
    }
}

/// An entry of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Programme {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub active: bool,
    pub archived: bool,
}

impl Programme {
    pub fn input(&self) -> ProgrammeInput {
        ProgrammeInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            description: self.description.clone(),
            active: self.active,
        }
    }
}

/// "Programme", "Service", "SAE" in `l`.
pub fn kind_label(l: Locale, kind: &str) -> &'static str {
    match kind {
        "service" => td_string!(l, programme.kind_service),
        "sae" => td_string!(l, programme.kind_sae),
        _ => td_string!(l, programme.kind_programme),
    }
}

/// The label of a field of the form, for its messages.
pub fn field_label(l: Locale, field: &str) -> &'static str {
    match field {
        "kind" => td_string!(l, programme.kind),
        "description" => td_string!(l, programme.description),
        _ => td_string!(l, programme.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldProblem;

    #[test]
    fn an_entry_needs_a_name_and_a_known_kind() {
        let problems = ProgrammeInput {
            name: "  ".into(),
            kind: "course".into(),
            description: "x".repeat(2001),
            active: true,
        }
        .check();
        let got: Vec<(&str, FieldProblem)> = problems
            .iter()
            .map(|e| (e.field.as_str(), e.problem))
            .collect();
        assert_eq!(
            got,
            [
                ("name", FieldProblem::Required),
                ("kind", FieldProblem::InvalidChoice),
                ("description", FieldProblem::TooLong { max: 2000 }),
            ]
        );
        let fine = ProgrammeInput {
            name: "Accompagnement à la création".into(),
            kind: "programme".into(),
            ..Default::default()
        };
        assert!(fine.check().is_empty());
    }
}
