//! How a row of an imported file becomes an interaction (`crate::import`):
//! a call, meeting, task or email of a legacy CRM's activity log, at a
//! local time of the importing user's zone, linked to the person, company
//! or deal it names. Interactions have no duplicate rules: each row is a
//! new one.

use super::{InteractionInput, KINDS, statuses};
use crate::error::{FieldError, FieldProblem};
use crate::import::values::{choice, date_time};
use crate::records::RecordKind;
use crate::records::kind::{Find, ImportSpec, Reference, Values};
use chrono::NaiveDateTime;

pub const IMPORT: ImportSpec = ImportSpec {
    prepare,
    required: &["kind", "subject", "starts_at"],
    // Local times: the import reads them in the user's zone.
    columns: &[
        ("kind", "text"),
        ("subject", "text"),
        ("description", "text"),
        ("status", "text"),
        ("starts_at", "timestamptz"),
        ("ends_at", "timestamptz"),
        ("all_day", "boolean"),
        ("direction", "text"),
        ("location", "text"),
        ("priority", "text"),
        ("completed_at", "timestamptz"),
    ],
    same_sql: &[],
    name_of: |v| v.get("subject").cloned().unwrap_or_default(),
    phones: ["", ""],
    emails: &[],
    company_field: None,
    named_sql: None,
    references: &[Reference {
        field: "related",
        find: Find::Named {
            kinds: &[RecordKind::Person, RecordKind::Company, RecordKind::Deal],
            column: "related_id",
            type_column: Some("related_type"),
        },
    }],
    new_defaults_sql: None,
    created: Some(|db, rows| Box::pin(link_related(db, rows))),
};

/// Links each new interaction to the record its row names, as the main
/// link, and rolls it up to that record's companies as the form does.
async fn link_related(db: &mut sqlx::PgConnection, rows: &[(i64, &Values)]) -> sqlx::Result<()> {
    let linked: Vec<(i64, &str, i64)> = rows
        .iter()
        .filter_map(|(id, v)| {
            Some((
                *id,
                v.get("related_type")?.as_str(),
                v.get("related_id")?.parse().ok()?,
            ))
        })
        .collect();
    if linked.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO interaction_links (interaction_id, record_type, record_id, main, at)
         SELECT x.id, x.t, x.r, true, i.starts_at
         FROM unnest($1::int8[], $2::text[], $3::int8[]) AS x(id, t, r)
         JOIN interactions i ON i.id = x.id",
    )
    .bind(linked.iter().map(|l| l.0).collect::<Vec<_>>())
    .bind(linked.iter().map(|l| l.1).collect::<Vec<_>>())
    .bind(linked.iter().map(|l| l.2).collect::<Vec<_>>())
    .execute(&mut *db)
    .await?;
    let ids: Vec<i64> = linked.iter().map(|l| l.0).collect();
    super::api::roll_up(db, &ids).await
}

/// Words files use for a kind and a status, dates as French files write
/// them; then the form's checks, and the start and end the form would
/// save.
fn prepare(mut v: Values) -> Result<Values, Vec<FieldError>> {
    const KIND: &[(&str, &[&str])] = &[
        (
            "call",
            &["appel", "telephone", "phone", "phone call", "tel"],
        ),
        (
            "meeting",
            &[
                "reunion",
                "rendez vous",
                "rdv",
                "rencontre",
                "visite",
                "event",
            ],
        ),
        ("task", &["tache", "a faire", "todo", "to do", "relance"]),
        ("email", &["e mail", "mail", "courriel", "message"]),
    ];
    choice(&mut v, "kind", KIND);
    date_time(&mut v, "starts_at");
    date_time(&mut v, "ends_at");
    let get = |f: &str| v.get(f).cloned().unwrap_or_default();
    let kind = get("kind");
    let start_given = get("starts_at");
    let start = super::parse_local(&start_given);
    // A date alone is a whole day.
    let all_day = start_given.len() == 10;
    let status = status_of(&kind, &get("status"), start);
    let mut input = InteractionInput {
        kind: kind.clone(),
        subject: get("subject"),
        description: get("description"),
        status,
        start: start_given,
        all_day,
        location: get("location"),
        priority: if kind == "task" {
            "medium".into()
        } else {
            String::new()
        },
        direction: if kind == "email" {
            "outbound".into()
        } else {
            String::new()
        },
        ..InteractionInput::default()
    };
    let end = super::parse_local(&get("ends_at"));
    match kind.as_str() {
        "meeting" => {
            input.end = match (end, start) {
                (Some(_), _) => get("ends_at"),
                (None, Some(s)) if get("ends_at").is_empty() => {
                    super::format_local(s + chrono::Duration::hours(1))
                }
                _ => get("ends_at"),
            }
        }
        "call" => {
            input.duration_minutes = match (start, end) {
                (Some(s), Some(e)) => (e - s).num_minutes().to_string(),
                _ => "15".into(),
            }
        }
        _ => {}
    }
    let problems: Vec<FieldError> = input
        .check()
        .into_iter()
        .map(|mut e| {
            e.field = match e.field.as_str() {
                "start" => "starts_at".into(),
                "end" | "duration_minutes" => "ends_at".into(),
                _ => e.field,
            };
            e
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    if get("related").chars().count() > 255 {
        return Err(vec![FieldError {
            field: "related".into(),
            problem: FieldProblem::TooLong { max: 255 },
        }]);
    }
    let Some((starts, ends)) = input.times() else {
        return Err(vec![FieldError {
            field: "starts_at".into(),
            problem: FieldProblem::InvalidDate,
        }]);
    };
    let moment = |t: NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();
    v.insert("status", input.status.clone());
    v.insert("starts_at", moment(starts));
    v.insert("ends_at", moment(ends));
    v.insert("all_day", all_day.to_string());
    for (field, value) in [
        ("priority", &input.priority),
        ("direction", &input.direction),
    ] {
        if !value.is_empty() {
            v.insert(field, value.clone());
        }
    }
    // Where a meeting takes place (the form keeps it for meetings only).
    if kind != "meeting" {
        v.remove("location");
    }
    if input.status == "done" {
        v.insert("completed_at", moment(ends));
    }
    Ok(v)
}

/// The status a row's words say, for its kind; none said: a call or
/// meeting already past was held, a coming one is planned, a task is to
/// start, an email was sent.
fn status_of(kind: &str, said: &str, start: Option<NaiveDateTime>) -> String {
    const WORDS: &[(&str, &[&str])] = &[
        (
            "planned",
            &["planned", "prevu", "prevue", "planifie", "a venir"],
        ),
        (
            "held",
            &["held", "realise", "realisee", "effectue", "tenu", "fait"],
        ),
        ("postponed", &["postponed", "reporte", "reportee"]),
        ("cancelled", &["cancelled", "canceled", "annule", "annulee"]),
        ("not_started", &["not started", "non commence", "a faire"]),
        ("in_progress", &["in progress", "en cours"]),
        ("pending", &["pending", "en attente"]),
        ("done", &["done", "termine", "terminee", "fait", "complete"]),
    ];
    let allowed = statuses(kind);
    if !KINDS.contains(&kind) {
        return said.to_string();
    }
    if said.is_empty() {
        let past = start.is_some_and(|s| s < chrono::Utc::now().naive_utc());
        return match kind {
            "task" => "not_started",
            "email" => "held",
            _ if past => "held",
            _ => "planned",
        }
        .to_string();
    }
    let folded = crate::import::mapping::fold(said);
    WORDS
        .iter()
        .filter(|(code, _)| allowed.contains(code))
        .find(|(code, words)| folded == code.replace('_', " ") || words.contains(&folded.as_str()))
        .map(|(code, _)| code.to_string())
        .unwrap_or_else(|| said.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&'static str, &str)]) -> Values {
        cells.iter().map(|(f, v)| (*f, v.to_string())).collect()
    }

    #[test]
    fn a_logged_call_of_a_french_file() {
        let v = prepare(row(&[
            ("kind", "Appel"),
            ("subject", "Relance devis"),
            ("starts_at", "15/01/2025 14h30"),
            ("ends_at", "15/01/2025 14:50"),
            ("location", "Bureau"),
        ]))
        .unwrap();
        assert_eq!(v["kind"], "call");
        assert_eq!(v["status"], "held", "a past call was held");
        assert_eq!(v["starts_at"], "2025-01-15 14:30:00");
        assert_eq!(v["ends_at"], "2025-01-15 14:50:00");
        assert_eq!(v["all_day"], "false");
        assert!(!v.contains_key("location"), "only meetings have a place");
    }

    #[test]
    fn a_done_task_on_a_day_and_a_meeting_of_an_hour() {
        let task = prepare(row(&[
            ("kind", "Tâche"),
            ("subject", "Envoyer le contrat"),
            ("starts_at", "2025-03-02"),
            ("status", "Fait"),
        ]))
        .unwrap();
        assert_eq!(task["status"], "done");
        assert_eq!(task["all_day"], "true");
        assert_eq!(task["starts_at"], "2025-03-02 00:00:00");
        assert_eq!(task["completed_at"], task["ends_at"]);
        let meeting = prepare(row(&[
            ("kind", "rendez-vous"),
            ("subject", "Visite"),
            ("starts_at", "2030-06-01 10:00"),
            ("location", "Lyon"),
        ]))
        .unwrap();
        assert_eq!(meeting["status"], "planned");
        assert_eq!(meeting["ends_at"], "2030-06-01 11:00:00");
        assert_eq!(meeting["location"], "Lyon");
    }

    #[test]
    fn the_forms_checks_name_the_files_columns() {
        let problems = prepare(row(&[
            ("kind", "fax"),
            ("subject", "x"),
            ("starts_at", "demain"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"kind"), "{fields:?}");
        let problems = prepare(row(&[
            ("kind", "meeting"),
            ("subject", "x"),
            ("starts_at", "2030-06-01 10:00"),
            ("ends_at", "2030-06-01 09:00"),
        ]))
        .unwrap_err();
        assert_eq!(problems[0].field, "ends_at");
        assert_eq!(problems[0].problem, FieldProblem::EndBeforeStart);
    }
}
