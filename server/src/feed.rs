//! The private iCalendar subscription feed (RFC 5545): `GET /feed/{token}.ics`.
//!
//! The token is the secret part of the URL (made and revoked in the profile
//! settings), so the route needs no session: a calendar app subscribes to it
//! as it is. It serves the user's calendar — what they own or attend — from
//! 90 days ago to 400 days ahead: calls, meetings and emails as `VEVENT`,
//! tasks as `VTODO`. A recurring series is one `VEVENT` with its `RRULE`,
//! `EXDATE` for occurrences gone from this calendar and a `RECURRENCE-ID`
//! override for each occurrence that differs from the series. Times carry
//! the `TZID` of an IANA zone whose `VTIMEZONE` is generated from chrono-tz
//! for the years the feed covers.

use app::interactions::series::ssr as series;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use icalendar::{
    Calendar, CalendarDateTime, Class, Component, DatePerhapsTime, Event, EventLike, EventStatus,
    Property, Todo, TodoStatus,
};
use sqlx::PgPool;
use std::collections::{BTreeMap, BTreeSet};

/// How far back and ahead the feed reaches.
pub const PAST_DAYS: i64 = 90;
pub const FUTURE_DAYS: i64 = 400;

/// One interaction as the feed needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedItem {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub description: Option<String>,
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub all_day: bool,
    pub location: Option<String>,
    pub priority: Option<String>,
    pub task_start: Option<NaiveDate>,
    pub completed_at: Option<DateTime<Utc>>,
    pub private: bool,
    pub series_id: Option<i64>,
    pub original_start: Option<DateTime<Utc>>,
    pub detached: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A recurring series: its RRULE, expanded in `time_zone` from `first_start`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedSeries {
    pub id: i64,
    pub rule: String,
    pub time_zone: String,
    pub first_start: DateTime<Utc>,
}

const ITEM_COLUMNS: &str =
    "i.id, i.kind, i.subject, i.description, i.status, i.starts_at, i.ends_at, i.all_day,
    i.location, i.priority, i.task_start, i.completed_at, i.private, i.series_id, i.original_start,
    i.detached, i.version, i.created_at, i.updated_at";

pub async fn calendar_feed(State(pool): State<PgPool>, Path(file): Path<String>) -> Response {
    let token = file
        .strip_suffix(".ics")
        .filter(|t| (32..=128).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric()));
    let Some(token) = token else {
        return not_found();
    };
    match load(&pool, token).await {
        Ok(Some(body)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
                (
                    header::CONTENT_DISPOSITION,
                    "inline; filename=\"relais.ics\"",
                ),
                (header::HeaderName::from_static("x-robots-tag"), "noindex"),
            ],
            body,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "calendar feed");
            (StatusCode::INTERNAL_SERVER_ERROR, "calendar unavailable").into_response()
        }
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "no such calendar",
    )
        .into_response()
}

/// The feed of the active user holding `token`; `None` for an unknown or
/// revoked token.
async fn load(pool: &PgPool, token: &str) -> sqlx::Result<Option<String>> {
    let user: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT u.id, u.name, u.time_zone FROM calendar_feeds f JOIN users u ON u.id = f.user_id
         WHERE f.token = $1 AND u.active",
    )
    .bind(token)
    .fetch_optional(pool)
    .await?;
    let Some((user_id, name, time_zone)) = user else {
        return Ok(None);
    };
    let now = Utc::now();
    let (from, to) = (
        now - Duration::days(PAST_DAYS),
        now + Duration::days(FUTURE_DAYS),
    );
    // Owned or attended, in the window; an interaction lasts at most 31
    // days, which bounds the index range scans.
    let mut items: Vec<FeedItem> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} FROM interactions i
         WHERE i.deleted_at IS NULL AND i.ends_at >= $2 AND i.id IN (
             SELECT id FROM interactions
             WHERE owner_id = $1 AND deleted_at IS NULL AND starts_at > $2 - interval '31 days' AND starts_at < $3
             UNION
             SELECT interaction_id FROM interaction_attendees
             WHERE user_id = $1 AND starts_at > $2 - interval '31 days' AND starts_at < $3)"
    )))
    .bind(user_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    // A series is one component with its rule: it needs all of its
    // occurrences in this calendar, in the window or not.
    let series_ids: Vec<i64> = items
        .iter()
        .filter_map(|i| i.series_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut series = Vec::new();
    if !series_ids.is_empty() {
        items.retain(|i| i.series_id.is_none());
        items.extend(
            sqlx::query_as::<_, FeedItem>(sqlx::AssertSqlSafe(format!(
                "SELECT {ITEM_COLUMNS} FROM interactions i
                 WHERE i.series_id = ANY($1) AND i.deleted_at IS NULL
                   AND (i.owner_id = $2 OR EXISTS (SELECT 1 FROM interaction_attendees a
                                                   WHERE a.interaction_id = i.id AND a.user_id = $2))"
            )))
            .bind(&series_ids)
            .bind(user_id)
            .fetch_all(pool)
            .await?,
        );
        series = sqlx::query_as(
            "SELECT id, rule, time_zone, first_start FROM interaction_series WHERE id = ANY($1)",
        )
        .bind(&series_ids)
        .fetch_all(pool)
        .await?;
    }
    Ok(Some(render_calendar(
        &name, &time_zone, &items, &series, now,
    )))
}

/// The whole calendar as RFC 5545 text. `time_zone` is the user's (single
/// interactions are written in it); a series is written in its own zone.
/// `now` only decides which years the time zone definitions cover, by whole
/// years, so the text does not change from one fetch to the next.
pub fn render_calendar(
    user_name: &str,
    time_zone: &str,
    items: &[FeedItem],
    series: &[FeedSeries],
    now: DateTime<Utc>,
) -> String {
    let tz = app::ssr::zones::zone(time_zone);
    let mut zones = ZoneUse::default();
    zones.note(tz, now - Duration::days(PAST_DAYS));
    zones.note(tz, now + Duration::days(FUTURE_DAYS));

    let mut sorted: Vec<&FeedItem> = items.iter().collect();
    sorted.sort_by_key(|i| (i.starts_at, i.id));
    let mut singles = Vec::new();
    let mut by_series: BTreeMap<i64, Vec<&FeedItem>> = BTreeMap::new();
    for item in sorted {
        match item
            .series_id
            .filter(|sid| series.iter().any(|s| s.id == *sid))
        {
            Some(sid) => by_series.entry(sid).or_default().push(item),
            None => singles.push(item),
        }
    }
    let mut components = Vec::new();
    for (sid, rows) in by_series {
        let s = series
            .iter()
            .find(|s| s.id == sid)
            .expect("grouped by known series");
        singles.extend(render_series(s, &rows, &mut zones, &mut components));
    }
    singles.sort_by_key(|i| (i.starts_at, i.id));
    for item in singles {
        zones.note(tz, item.starts_at);
        zones.note(tz, item.ends_at);
        components.push(single(item, tz));
    }

    let title = format!("Relais — {user_name}");
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("PRODID", "-//Relais//Relais CRM//EN"))
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("NAME", escape_text(&title)))
        .append_property(Property::new("X-WR-CALNAME", escape_text(&title)))
        .append_property(Property::new("X-WR-TIMEZONE", tz.name()))
        .append_property(
            Property::new("REFRESH-INTERVAL", "PT15M")
                .add_parameter("VALUE", "DURATION")
                .done(),
        )
        .append_property(Property::new("X-PUBLISHED-TTL", "PT15M"));
    let head = cal.to_string();
    let mut out = head
        .strip_suffix("END:VCALENDAR\r\n")
        .unwrap_or(&head)
        .to_string();
    for (tz, (from, to)) in zones.0.values() {
        out.push_str(&vtimezone(*tz, *from, *to));
    }
    for c in components {
        out.push_str(&c);
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// The zones the times of the feed are written in, with the span of time
/// each one's definition must cover.
#[derive(Default)]
struct ZoneUse(BTreeMap<&'static str, (Tz, Span)>);

/// From, to.
type Span = (DateTime<Utc>, DateTime<Utc>);

impl ZoneUse {
    fn note(&mut self, tz: Tz, at: DateTime<Utc>) {
        let e = self.0.entry(tz.name()).or_insert((tz, (at, at)));
        e.1.0 = e.1.0.min(at);
        e.1.1 = e.1.1.max(at);
    }
}

fn local(tz: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&tz).naive_local()
}

fn zoned(tz: Tz, t: NaiveDateTime) -> DatePerhapsTime {
    CalendarDateTime::WithTimezone {
        date_time: t,
        tzid: tz.name().to_string(),
    }
    .into()
}

/// `a` as a date-time of `tz`.
fn at(tz: Tz, a: DateTime<Utc>) -> DatePerhapsTime {
    zoned(tz, local(tz, a))
}

fn uid_of(item: &FeedItem) -> String {
    format!("interaction-{}@relais", item.id)
}

/// SUMMARY, DESCRIPTION, LOCATION, CLASS and the revision properties.
fn describe<C: Component>(c: &mut C, item: &FeedItem) {
    c.summary(&item.subject)
        .timestamp(item.updated_at)
        .last_modified(item.updated_at)
        .created(item.created_at)
        .sequence(item.version.max(0) as u32)
        .add_property("CATEGORIES", item.kind.to_uppercase());
    if let Some(d) = item.description.as_deref().filter(|d| !d.trim().is_empty()) {
        c.description(&d.replace("\r\n", "\n").replace('\r', "\n"));
    }
    if let Some(l) = item.location.as_deref().filter(|l| !l.trim().is_empty()) {
        c.add_property("LOCATION", l);
    }
    if item.private {
        c.class(Class::Private);
    }
    if let Some(p) = item.priority.as_deref() {
        c.priority(match p {
            "high" => 1,
            "low" => 9,
            _ => 5,
        });
    }
}

/// The times of an event: whole days (`VALUE=DATE`, end exclusive) or
/// date-times of `tz`; an event that takes no time has no end.
fn event_times(e: &mut Event, item: &FeedItem, tz: Tz) {
    if item.all_day {
        let first = local(tz, item.starts_at).date();
        let end = local(tz, item.ends_at)
            .date()
            .max(first + Duration::days(1));
        e.starts(first).ends(end);
    } else {
        e.starts(at(tz, item.starts_at));
        if item.ends_at > item.starts_at {
            e.ends(at(tz, item.ends_at));
        }
    }
}

fn event_status(item: &FeedItem) -> Option<EventStatus> {
    match item.status.as_str() {
        "planned" | "held" => Some(EventStatus::Confirmed),
        "postponed" => Some(EventStatus::Tentative),
        "cancelled" => Some(EventStatus::Cancelled),
        _ => None,
    }
}

/// An interaction that is not part of a series.
fn single(item: &FeedItem, tz: Tz) -> String {
    if item.kind == "task" {
        return todo(item, tz).to_string();
    }
    let mut e = Event::new();
    e.uid(&uid_of(item));
    describe(&mut e, item);
    event_times(&mut e, item, tz);
    if let Some(s) = event_status(item) {
        e.status(s);
    }
    if item.kind == "email" {
        e.add_property("TRANSP", "TRANSPARENT");
    }
    e.to_string()
}

/// A task: due at its start (a date when all-day), starting on its start
/// day when that is earlier.
fn todo(item: &FeedItem, tz: Tz) -> Todo {
    let mut t = Todo::new();
    t.uid(&uid_of(item));
    describe(&mut t, item);
    let due = local(tz, item.starts_at);
    if item.all_day {
        t.due(due.date());
        if let Some(d) = item.task_start.filter(|d| *d < due.date()) {
            t.starts(d);
        }
    } else {
        t.due(zoned(tz, due));
        if let Some(d) = item
            .task_start
            .map(|d| d.and_time(chrono::NaiveTime::MIN))
            .filter(|d| *d < due)
        {
            t.starts(zoned(tz, d));
        }
    }
    t.status(match item.status.as_str() {
        "in_progress" => TodoStatus::InProcess,
        "done" => TodoStatus::Completed,
        _ => TodoStatus::NeedsAction,
    });
    if let Some(done) = item.completed_at {
        t.completed(done).percent_complete(100);
    }
    t
}

/// Whether occurrence `r` is what the series' master component says of it:
/// at its generated start, as long as the master, with the same content.
fn follows(r: &FeedItem, master: &FeedItem) -> bool {
    !r.detached
        && r.original_start == Some(r.starts_at)
        && r.ends_at - r.starts_at == master.ends_at - master.starts_at
        && r.kind == master.kind
        && r.subject == master.subject
        && r.description == master.description
        && r.status == master.status
        && r.location == master.location
        && r.priority == master.priority
        && r.private == master.private
        && r.all_day == master.all_day
}

/// One series as a master `VEVENT` with its `RRULE` (tasks included: a
/// to-do's recurrence would need a start before its due time), `EXDATE`s and
/// overrides, pushed onto `out`. Returns the occurrences the rule cannot
/// describe (a rule that no longer generates them), to be written alone.
fn render_series<'a>(
    s: &FeedSeries,
    rows: &[&'a FeedItem],
    zones: &mut ZoneUse,
    out: &mut Vec<String>,
) -> Vec<&'a FeedItem> {
    let Ok(tz) = s.time_zone.parse::<Tz>() else {
        return rows.to_vec();
    };
    let first = local(tz, s.first_start);
    // The rule's occurrences as saving made them, which is also what RFC
    // 5545 readers make of the master (the first start included).
    let Some(generated) = series::expand(&s.rule, tz, first).filter(|d| !d.is_empty()) else {
        return rows.to_vec();
    };
    let generated_set: BTreeSet<NaiveDateTime> = generated.iter().copied().collect();
    let master = *rows.iter().find(|r| !r.detached).unwrap_or(&rows[0]);
    let all_day = master.all_day;
    let uid = format!("series-{}@relais", s.id);
    let rid_of = |t: NaiveDateTime| -> DatePerhapsTime {
        if all_day {
            t.date().into()
        } else {
            zoned(tz, t)
        }
    };

    let mut alone = Vec::new();
    let mut present = BTreeSet::new();
    let mut overrides = Vec::new();
    for r in rows {
        let rid = local(tz, r.original_start.unwrap_or(r.starts_at));
        if !generated_set.contains(&rid) || !present.insert(rid) {
            alone.push(*r);
        } else if !follows(r, master) {
            let mut e = Event::new();
            e.uid(&uid);
            describe(&mut e, r);
            e.recurrence_id(rid_of(rid));
            event_times(&mut e, r, tz);
            if let Some(st) = event_status(r) {
                e.status(st);
            }
            zones.note(tz, r.starts_at);
            zones.note(tz, r.ends_at);
            overrides.push(e.to_string());
        }
    }

    let mut e = Event::new();
    e.uid(&uid);
    describe(&mut e, master);
    if let Some(newest) = rows.iter().map(|r| r.updated_at).max() {
        e.timestamp(newest).last_modified(newest);
    }
    let length = local(tz, master.ends_at) - local(tz, master.starts_at);
    if all_day {
        let days = length.num_days().max(1);
        e.starts(first.date())
            .ends(first.date() + Duration::days(days));
    } else {
        e.starts(zoned(tz, first));
        if length > Duration::zero() {
            e.ends(zoned(tz, first + length));
        }
    }
    if let Some(st) = event_status(master) {
        e.status(st);
    }
    e.append_property(Property::new(
        "RRULE",
        rule_for_master(&s.rule, tz, all_day),
    ));
    for g in generated.iter().filter(|g| !present.contains(*g)) {
        let value = if all_day {
            Property::new("EXDATE", g.format("%Y%m%d").to_string())
                .add_parameter("VALUE", "DATE")
                .done()
        } else {
            Property::new("EXDATE", g.format("%Y%m%dT%H%M%S").to_string())
                .add_parameter("TZID", tz.name())
                .done()
        };
        e.append_multi_property(value);
    }
    for g in [generated.first(), generated.last()].into_iter().flatten() {
        zones.note(tz, app::ssr::zones::to_utc(tz, *g));
        zones.note(tz, app::ssr::zones::to_utc(tz, *g + length));
    }
    out.push(e.to_string());
    out.extend(overrides);
    alone
}

/// The stored rule, with its `UNTIL` as a date when the series is all-day
/// (RFC 5545: UNTIL has DTSTART's value type).
fn rule_for_master(rule: &str, tz: Tz, all_day: bool) -> String {
    if !all_day {
        return rule.to_string();
    }
    rule.split(';')
        .map(|part| match part.strip_prefix("UNTIL=") {
            Some(u) => match NaiveDateTime::parse_from_str(u, "%Y%m%dT%H%M%SZ") {
                Ok(t) => format!("UNTIL={}", local(tz, t.and_utc()).format("%Y%m%d")),
                Err(_) => part.to_string(),
            },
            None => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Escapes a TEXT value the library leaves alone (`X-` properties).
fn escape_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

mod zone;
pub use zone::vtimezone;

#[cfg(test)]
mod tests;
