//! How a row of an imported file becomes a deal (`crate::import`): its
//! company found by name or created (as a person's is), its contact person
//! and its stage found by name, its amount and close date as French files
//! write them.

use super::{DealInput, parse_amount};
use crate::error::{FieldError, FieldProblem};
use crate::import::values::{choice, date};
use crate::records::RecordKind;
use crate::records::kind::{Find, ImportSpec, Reference, Values};

/// The stage named `n.name` (folded), in the first active pipeline that
/// has one: its id, its pipeline's, its probability.
const STAGE_NAMED: &str =
    "SELECT jsonb_build_object('stage_id', s.id, 'pipeline_id', s.pipeline_id,
                                                     'probability', s.probability)
     FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id
     WHERE relais_fold(s.name) = relais_fold(n.name)
     ORDER BY NOT p.active, p.position, p.id, NOT s.active, s.position, s.id LIMIT 1";

/// Where a deal whose row names no stage starts: the first stage of the
/// first active pipeline, as the form offers it.
const FIRST_STAGE: &str =
    "SELECT jsonb_build_object('stage_id', s.id, 'pipeline_id', s.pipeline_id,
                                                     'probability', s.probability)
     FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id
     WHERE p.active AND s.active
     ORDER BY p.position, p.id, s.position, s.id LIMIT 1";

/// Between a row's deal name and company name in [`ImportSpec::name_of`]:
/// a deal is the same as another of the same name *for the same company*
/// ("Maintenance 2027" is sold to many).
const SEP: char = '\u{1f}';

pub const IMPORT: ImportSpec = ImportSpec {
    prepare,
    required: &["name"],
    columns: &[
        ("name", "text"),
        ("company_id", "bigint"),
        ("person_id", "bigint"),
        ("pipeline_id", "bigint"),
        ("stage_id", "bigint"),
        ("amount", "numeric"),
        ("expected_close", "date"),
        ("probability", "integer"),
        ("status", "text"),
        ("lost_reason", "text"),
        ("next_step", "text"),
        ("description", "text"),
        ("closed_at", "timestamptz"),
    ],
    same_sql: &["r.sort_name = relais_fold(split_part(k.name, chr(31), 1))
                 AND coalesce((SELECT c.sort_name FROM companies c WHERE c.id = r.company_id), '')
                     = relais_fold(split_part(k.name, chr(31), 2))"],
    name_of: |v| {
        let get = |f| v.get(f).map(String::as_str).unwrap_or("");
        format!("{}{SEP}{}", get("name"), get("company"))
    },
    // No phone.
    phones: ["", ""],
    emails: &[],
    company_field: None,
    named_sql: Some("r.sort_name = relais_fold(n.name)"),
    references: &[
        Reference {
            field: "company",
            find: Find::Company {
                column: "company_id",
            },
        },
        Reference {
            field: "person",
            find: Find::Named {
                kinds: &[RecordKind::Person],
                column: "person_id",
                type_column: None,
            },
        },
        Reference {
            field: "stage",
            find: Find::Sql {
                sql: STAGE_NAMED,
                fills: &["stage_id", "pipeline_id", "probability"],
            },
        },
    ],
    new_defaults_sql: Some(FIRST_STAGE),
    created: None,
};

/// Words files use for a status, amounts and dates as French files write
/// them; the form's checks.
fn prepare(mut v: Values) -> Result<Values, Vec<FieldError>> {
    const STATUS: &[(&str, &[&str])] = &[
        ("open", &["ouvert", "ouverte", "en cours", "in progress"]),
        ("won", &["gagne", "gagnee", "signe", "signee", "closed won"]),
        ("lost", &["perdu", "perdue", "closed lost"]),
    ];
    choice(&mut v, "status", STATUS);
    date(&mut v, "expected_close");
    let get = |f: &str| v.get(f).cloned().unwrap_or_default();
    let input = DealInput {
        name: get("name"),
        amount: get("amount"),
        expected_close: get("expected_close"),
        probability: get("probability"),
        status: get("status"),
        lost_reason: get("lost_reason"),
        next_step: get("next_step"),
        description: get("description"),
        // Found by the import (a stage named, or the first one).
        pipeline_id: Some(0),
        stage_id: Some(0),
        ..DealInput::default()
    };
    let mut problems = input.check();
    for field in ["company", "person", "stage"] {
        if get(field).chars().count() > 255 {
            problems.push(FieldError {
                field: field.into(),
                problem: FieldProblem::TooLong { max: 255 },
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if let Ok(Some(amount)) = parse_amount(&input.amount) {
        v.insert("amount", format!("{amount:.2}"));
    }
    if let Some(p) = v.get_mut("probability") {
        *p = p.trim().to_string();
    }
    // A deal closed before Relais: closed on its expected day, if known.
    if matches!(input.status.as_str(), "won" | "lost") {
        let closed = match v.get("expected_close") {
            Some(day) => format!("{day} 12:00"),
            None => chrono::Utc::now().to_rfc3339(),
        };
        v.insert("closed_at", closed);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&'static str, &str)]) -> Values {
        cells.iter().map(|(f, v)| (*f, v.to_string())).collect()
    }

    #[test]
    fn a_french_row_becomes_what_the_form_saves() {
        let v = prepare(row(&[
            ("name", "Maintenance 2027"),
            ("amount", "12 500,50"),
            ("expected_close", "31/03/2027"),
            ("status", "Gagnée"),
        ]))
        .unwrap();
        assert_eq!(v["amount"], "12500.50");
        assert_eq!(v["expected_close"], "2027-03-31");
        assert_eq!(v["status"], "won");
        assert_eq!(v["closed_at"], "2027-03-31 12:00");
    }

    #[test]
    fn the_forms_checks_refuse_a_bad_row() {
        let problems = prepare(row(&[
            ("name", "Deal"),
            ("amount", "beaucoup"),
            ("status", "perdu"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["amount", "lost_reason"]);
    }
}
