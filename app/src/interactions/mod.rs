//! Interactions: calls, meetings, tasks and emails logged by hand. One model
//! for every kind (`interactions` table), linked to any number of records
//! (`interaction_links`), with attendees, a reminder and an optional
//! recurrence (`series`). Server functions in `api`, pages in `pages`.

mod api;
mod form;
#[cfg(feature = "ssr")]
mod import;
pub mod pages;
pub mod series;

use crate::error::{FieldError, FieldProblem};
use crate::i18n::*;
use crate::records::RecordKind;
use crate::ui::erase::Erase;
use crate::ui::feedback::I18n;
use crate::ui::list::ListRow;
use crate::validate::Checks;
pub use api::*;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
pub use series::{Recurrence, Scope};

pub const KINDS: &[&str] = &["call", "meeting", "task", "email"];
pub const EVENT_STATUSES: &[&str] = &["planned", "held", "postponed", "cancelled"];
pub const TASK_STATUSES: &[&str] = &["not_started", "in_progress", "pending", "done"];
pub const EMAIL_STATUSES: &[&str] = &["held"];
pub const ALL_STATUSES: &[&str] = &[
    "planned",
    "held",
    "postponed",
    "cancelled",
    "not_started",
    "in_progress",
    "pending",
    "done",
];
pub const DIRECTIONS: &[&str] = &["inbound", "outbound"];
pub const PRIORITIES: &[&str] = &["high", "medium", "low"];
/// The most related records, and attendees of each sort, of one interaction.
pub const MAX_LINKED: usize = 50;

/// The kinds of record an interaction can be about, in the form's order.
pub const LINKABLE: [RecordKind; 4] = [
    RecordKind::Company,
    RecordKind::Person,
    RecordKind::Deal,
    RecordKind::Enrolment,
];
/// Reminder choices offered by the form, in minutes before the start.
pub const REMINDERS: &[i32] = &[0, 5, 10, 15, 30, 60, 120, 1440];

/// The statuses a kind can have, the first being a new one's.
pub fn statuses(kind: &str) -> &'static [&'static str] {
    match kind {
        "task" => TASK_STATUSES,
        "email" => EMAIL_STATUSES,
        _ => EVENT_STATUSES,
    }
}

/// Whether the open task aliased `t` is late at `now` (a SQL parameter):
/// due before now — or, an all-day task, due on a day before `today` (the
/// start of the viewer's day), since it is due the whole day. The one rule
/// of the Desk's "overdue" and the Planning's "to plan".
#[cfg(feature = "ssr")]
pub fn task_late_sql(t: &str, now: &str, today: &str) -> String {
    format!("({t}.starts_at < {now} AND (NOT {t}.all_day OR {t}.starts_at < {today}))")
}

/// The wall-clock format of `<input type="datetime-local">`.
pub const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

pub fn parse_local(v: &str) -> Option<NaiveDateTime> {
    let v = v.trim();
    NaiveDateTime::parse_from_str(v, LOCAL_FORMAT)
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
}

pub fn format_local(t: NaiveDateTime) -> String {
    t.format(LOCAL_FORMAT).to_string()
}

/// A record the interaction concerns, with its name for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub kind: RecordKind,
    pub id: i64,
    pub name: String,
    pub main: bool,
}

/// What the interaction form edits. Times are wall-clock times in the
/// user's zone (`YYYY-MM-DDTHH:MM`); empty strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InteractionInput {
    pub kind: String,
    pub subject: String,
    pub description: String,
    pub status: String,
    /// Call, meeting, email: when it starts. Task: when it is due.
    pub start: String,
    /// Meeting: when it ends.
    pub end: String,
    /// Call: how long, in minutes.
    pub duration_minutes: String,
    pub all_day: bool,
    pub direction: String,
    pub location: String,
    pub priority: String,
    /// Task: the day work starts.
    pub task_start: String,
    pub private: bool,
    pub owner_id: Option<i64>,
    /// Minutes before the start; empty for no reminder.
    pub reminder_minutes: String,
    pub links: Vec<Link>,
    pub attendee_users: Vec<i64>,
    pub attendee_persons: Vec<Link>,
    pub recurrence: Option<Recurrence>,
}

impl InteractionInput {
    /// A new interaction of `kind` starting at `start` (local), as the quick
    /// actions and the calendar open the form.
    pub fn new(kind: &str, start: NaiveDateTime) -> Self {
        let mut input = InteractionInput {
            kind: kind.to_string(),
            status: statuses(kind)[0].to_string(),
            start: format_local(start),
            ..Default::default()
        };
        match kind {
            "meeting" => input.end = format_local(start + chrono::Duration::hours(1)),
            "call" => input.duration_minutes = "15".into(),
            "task" => input.priority = "medium".into(),
            "email" => {
                input.status = "held".into();
                input.direction = "outbound".into();
            }
            _ => {}
        }
        input
    }

    /// The start and end as wall-clock times, once checked.
    pub fn times(&self) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let start = parse_local(&self.start)?;
        let end = match self.kind.as_str() {
            "meeting" => parse_local(&self.end)?,
            "call" => {
                start
                    + chrono::Duration::minutes(
                        self.duration_minutes.trim().parse::<i64>().unwrap_or(0),
                    )
            }
            _ => start,
        };
        Some(if self.all_day {
            let day = start.date();
            let last = end.date().max(day);
            (
                day.and_time(chrono::NaiveTime::MIN),
                last.succ_opt()
                    .unwrap_or(last)
                    .and_time(chrono::NaiveTime::MIN),
            )
        } else {
            (start, end)
        })
    }

    pub fn check(&self) -> Vec<FieldError> {
        let mut c = Checks::new();
        c.choice("kind", &self.kind, KINDS);
        c.required("subject", &self.subject)
            .line("subject", &self.subject);
        c.max_len("description", &self.description, 10_000);
        c.choice("status", &self.status, statuses(&self.kind));
        c.line("location", &self.location);
        if self.kind == "call" || self.kind == "email" {
            c.choice("direction", &self.direction, DIRECTIONS);
        }
        if self.kind == "task" {
            c.choice("priority", &self.priority, PRIORITIES);
            c.date("task_start", &self.task_start);
        }
        let mut errors = c.errors().to_vec();
        let mut add = |field: &str, problem| {
            errors.push(FieldError {
                field: field.into(),
                problem,
            })
        };
        let start = parse_local(&self.start);
        if self.start.trim().is_empty() {
            add("start", FieldProblem::Required);
        } else if start.is_none() {
            add("start", FieldProblem::InvalidDate);
        }
        if self.kind == "meeting" {
            match (start, parse_local(&self.end)) {
                (_, None) if self.end.trim().is_empty() => add("end", FieldProblem::Required),
                (_, None) => add("end", FieldProblem::InvalidDate),
                (Some(s), Some(e)) if e < s => add("end", FieldProblem::EndBeforeStart),
                (Some(s), Some(e)) if e - s > chrono::Duration::days(31) => {
                    add("end", FieldProblem::TooLong { max: 31 })
                }
                _ => {}
            }
        }
        if self.kind == "call"
            && !self.duration_minutes.trim().is_empty()
            && !self
                .duration_minutes
                .trim()
                .parse::<i64>()
                .is_ok_and(|m| (0..=24 * 60).contains(&m))
        {
            add("duration_minutes", FieldProblem::InvalidNumber);
        }
        if self.kind == "task"
            && let (Some(from), Some(due)) = (
                crate::validate::parse_date(&self.task_start),
                start.map(|s| s.date()),
            )
            && due < from
        {
            add("start", FieldProblem::EndBeforeStart);
        }
        if !self.reminder_minutes.trim().is_empty()
            && !self
                .reminder_minutes
                .trim()
                .parse::<i32>()
                .is_ok_and(|m| (0..=40_320).contains(&m))
        {
            add("reminder_minutes", FieldProblem::InvalidNumber);
        }
        if self.links.iter().filter(|l| l.main).count() > 1 {
            add("links", FieldProblem::InvalidChoice);
        }
        // Each is checked against the database: bounded, as a person would.
        for (field, n) in [
            ("links", self.links.len()),
            ("attendee_users", self.attendee_users.len()),
            ("attendee_persons", self.attendee_persons.len()),
        ] {
            if n > MAX_LINKED {
                add(field, FieldProblem::TooMany { max: MAX_LINKED });
            }
        }
        if let Some(r) = &self.recurrence {
            errors.extend(r.check(start.map(|s| s.date())));
        }
        errors
    }
}

/// An interaction as its page and form show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub id: i64,
    pub version: i32,
    pub input: InteractionInput,
    pub owner_name: String,
    pub attendee_user_names: Vec<String>,
    pub series_id: Option<i64>,
    pub completed_at: Option<DateTime<Utc>>,
    /// `completed_at` in the reader's zone, `YYYY-MM-DD HH:MM` (empty if open).
    pub completed_local: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What the reader may do to it (the page offers only that).
    pub allowed: crate::access::Allowed,
}

/// One line of the interactions list (and of the History view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InteractionRow {
    pub id: i64,
    pub version: i32,
    pub kind: String,
    pub subject: String,
    pub status: String,
    /// Wall-clock start in the reader's zone, `YYYY-MM-DD HH:MM`.
    pub starts: String,
    pub priority: String,
    pub main_record: String,
    pub owner_name: String,
    pub completed: String,
    pub private: bool,
    pub updated_at: DateTime<Utc>,
    /// The record's tags, by name (every list's rows carry them).
    #[serde(default)]
    pub tags: Vec<String>,
    /// The day of `updated_at` in the reader's time zone (`YYYY-MM-DD`).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub updated_day: String,
}

impl ListRow for InteractionRow {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i32 {
        self.version
    }
}

pub fn kind_label(i18n: I18n, kind: &str) -> String {
    kind_in(i18n.get_locale(), kind)
}

/// [`kind_label`] in `l` (the CSV export writes it too).
pub fn kind_in(l: Locale, kind: &str) -> String {
    match kind {
        "call" => td_string!(l, interaction_kind.call).to_string(),
        "meeting" => td_string!(l, interaction_kind.meeting).to_string(),
        "task" => td_string!(l, interaction_kind.task).to_string(),
        "email" => td_string!(l, interaction_kind.email).to_string(),
        other => other.to_string(),
    }
}

pub fn status_label(i18n: I18n, status: &str) -> String {
    status_in(i18n.get_locale(), status)
}

/// [`status_label`] in `l` (the CSV export writes it too).
pub fn status_in(l: Locale, status: &str) -> String {
    match status {
        "planned" => td_string!(l, interaction_status.planned).to_string(),
        "held" => td_string!(l, interaction_status.held).to_string(),
        "postponed" => td_string!(l, interaction_status.postponed).to_string(),
        "cancelled" => td_string!(l, interaction_status.cancelled).to_string(),
        "not_started" => td_string!(l, interaction_status.not_started).to_string(),
        "in_progress" => td_string!(l, interaction_status.in_progress).to_string(),
        "pending" => td_string!(l, interaction_status.pending).to_string(),
        "done" => td_string!(l, interaction_status.done).to_string(),
        other => other.to_string(),
    }
}

pub fn priority_label(i18n: I18n, priority: &str) -> String {
    priority_in(i18n.get_locale(), priority)
}

/// [`priority_label`] in `l` (the CSV export writes it too).
pub fn priority_in(l: Locale, priority: &str) -> String {
    match priority {
        "high" => td_string!(l, interaction.priority_high).to_string(),
        "medium" => td_string!(l, interaction.priority_medium).to_string(),
        "low" => td_string!(l, interaction.priority_low).to_string(),
        other => other.to_string(),
    }
}

pub fn direction_label(i18n: I18n, direction: &str) -> String {
    direction_in(i18n.get_locale(), direction)
}

/// [`direction_label`] in `l` (the CSV export writes it too).
pub fn direction_in(l: Locale, direction: &str) -> String {
    match direction {
        "inbound" => td_string!(l, interaction.inbound).to_string(),
        "outbound" => td_string!(l, interaction.outbound).to_string(),
        other => other.to_string(),
    }
}

/// "Log a call, plan a meeting…" on the record page of another kind.
pub fn quick_actions(kind: RecordKind, id: i64) -> leptos::prelude::AnyView {
    use leptos::prelude::*;
    view! { <pages::QuickActions kind=kind id=id /> }.erase()
}

/// What shared code (history, search, trash, inline edits, export, import)
/// knows of interactions: see `crate::records::kind`.
pub static KIND: crate::records::kind::Descriptor = crate::records::kind::Descriptor {
    kind: crate::records::RecordKind::Interaction,
    record_type: "interaction",
    table: "interactions",
    base: "/interactions",
    singular: |l| td_string!(l, interaction.singular),
    plural: |l| td_string!(l, nav.interactions),
    field_label,
    editable: &[],
    importable: &[
        ("kind", &["type", "activity type"]),
        ("subject", &["title", "titre", "sujet", "objet"]),
        ("starts_at", &["date", "start", "debut", "due", "echeance"]),
        ("ends_at", &["end", "fin"]),
        ("status", &["statut", "etat", "state"]),
        ("location", &["lieu", "place"]),
        (
            "related",
            &["company", "person", "contact", "organisation", "societe"],
        ),
        ("description", &["notes", "compte rendu", "commentaire"]),
    ],
    quick_actions: None,
    #[cfg(feature = "ssr")]
    name_sql: "r.subject",
    #[cfg(feature = "ssr")]
    prefix_keys: &["r.sort_name"],
    #[cfg(feature = "ssr")]
    detail_sql: "to_char(r.starts_at, 'YYYY-MM-DD')",
    #[cfg(feature = "ssr")]
    email_match_sql: None,
    #[cfg(feature = "ssr")]
    phone_match_sql: None,
    #[cfg(feature = "ssr")]
    trashed_with_sql: "OR (r.series_id = (SELECT series_id FROM interactions WHERE id = $1)
             AND r.deleted_at = (SELECT deleted_at FROM interactions WHERE id = $1))",
    #[cfg(feature = "ssr")]
    import: Some(import::IMPORT),
    quality: None,
    merge_links: None,
    #[cfg(feature = "ssr")]
    list: &api::LIST,
    #[cfg(feature = "ssr")]
    export: api::EXPORT,
};

/// The labels of interactions' own fields.
fn field_label(l: Locale, field: &str) -> Option<&'static str> {
    Some(match field {
        "subject" => td_string!(l, interaction.subject),
        "related" => td_string!(l, interaction.related),
        "kind" => td_string!(l, interaction.kind),
        "status" => td_string!(l, interaction.status),
        "starts_at" => td_string!(l, interaction.start),
        "ends_at" => td_string!(l, interaction.end),
        "all_day" => td_string!(l, interaction.all_day),
        "direction" => td_string!(l, interaction.direction),
        "location" => td_string!(l, interaction.location),
        "priority" => td_string!(l, interaction.priority),
        "task_start" => td_string!(l, interaction.task_start),
        "private" => td_string!(l, interaction.private_short),
        "reminder_minutes" => td_string!(l, interaction.reminder),
        "description" => td_string!(l, interaction.description),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(input: &InteractionInput, field: &str) -> Option<FieldProblem> {
        input
            .check()
            .into_iter()
            .find(|e| e.field == field)
            .map(|e| e.problem)
    }

    #[test]
    fn each_kind_has_its_own_rules() {
        let start = parse_local("2026-12-01T10:00").unwrap();
        let mut meeting = InteractionInput::new("meeting", start);
        meeting.subject = "Revue".into();
        assert!(meeting.check().is_empty(), "{:?}", meeting.check());
        meeting.end = "2026-12-01T09:00".into();
        assert_eq!(problem(&meeting, "end"), Some(FieldProblem::EndBeforeStart));
        meeting.status = "done".into();
        assert_eq!(
            problem(&meeting, "status"),
            Some(FieldProblem::InvalidChoice)
        );

        let mut call = InteractionInput::new("call", start);
        call.subject = "Relance".into();
        call.direction = "sideways".into();
        call.duration_minutes = "-5".into();
        assert_eq!(
            problem(&call, "direction"),
            Some(FieldProblem::InvalidChoice)
        );
        assert_eq!(
            problem(&call, "duration_minutes"),
            Some(FieldProblem::InvalidNumber)
        );
        call.duration_minutes = "45".into();
        let (s, e) = call.times().unwrap();
        assert_eq!((e - s).num_minutes(), 45);

        let mut task = InteractionInput::new("task", start);
        task.subject = "Envoyer le devis".into();
        task.task_start = "2026-12-05".into();
        assert_eq!(problem(&task, "start"), Some(FieldProblem::EndBeforeStart));
        task.subject = "x".repeat(256);
        assert_eq!(
            problem(&task, "subject"),
            Some(FieldProblem::TooLong { max: 255 })
        );
    }

    #[test]
    fn all_day_covers_whole_days() {
        let mut m = InteractionInput::new("meeting", parse_local("2026-12-01T10:00").unwrap());
        m.end = "2026-12-02T11:00".into();
        m.all_day = true;
        let (s, e) = m.times().unwrap();
        assert_eq!(format_local(s), "2026-12-01T00:00");
        assert_eq!(format_local(e), "2026-12-03T00:00");
    }
}
