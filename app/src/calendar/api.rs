//! Server functions of the calendar. Every one starts with `require`.
//!
//! Whose calendar a user may see: their own, those of colleagues who share
//! theirs with them (`calendar_shares`), everyone's for a manager or admin.
//! Who may move an interaction: who may change it (`access`, the one rule
//! of the form, the Planning and the boards too).

use super::{CalendarData, CalendarOwner};
use crate::error::AppResult;
use crate::interactions::Scope;
use chrono::{NaiveDate, NaiveDateTime};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{CalEvent, MAX_RANGE_DAYS},
    crate::access::{May, ssr as access},
    crate::auth::{CurrentUser, Role},
    crate::error::{AppError, FieldError, FieldProblem},
    crate::interactions::series::ssr as series,
    crate::records::RecordKind,
    crate::ssr::{guard::require, pool, records, zones},
    chrono::{DateTime, Duration, NaiveTime, Utc},
    sqlx::{PgPool, Row},
};

/// The statement `calendar_events` runs: the interactions on the calendars
/// of users `$1` (owned or attended) touching `[$2, $3)`, as seen by `$4`.
/// Three range scans: owned ones starting in the range
/// (`interactions_calendar_idx`), owned ones started up to 31 days before
/// (the longest an interaction lasts) and still going on at `$2`, and
/// attended ones (`interaction_attendees_calendar_idx`). `manager`: the
/// viewer's role sees the team (whether they may move others' events).
#[cfg(feature = "ssr")]
pub fn events_sql(manager: bool) -> String {
    const COLUMNS: &str = "t.id, t.version, t.kind, t.status, t.subject, t.starts_at, t.ends_at,
        t.all_day, t.private, t.owner_id, t.created_by, t.series_id";
    format!(
        "SELECT DISTINCT ON (i.id)
                i.id, i.version, i.kind, i.status, i.starts_at, i.ends_at, i.all_day, i.private,
                i.cal AS calendar, i.series_id IS NOT NULL AS series,
                NOT coalesce({visible}, false) AS busy,
                CASE WHEN {visible} THEN i.subject ELSE '' END AS subject,
                coalesce({change}, false) AS editable
         FROM (SELECT {COLUMNS}, t.owner_id AS cal FROM interactions t
               WHERE t.owner_id = ANY($1) AND t.deleted_at IS NULL
                 AND t.starts_at >= $2 AND t.starts_at < $3
               UNION ALL
               SELECT {COLUMNS}, t.owner_id FROM interactions t
               WHERE t.id IN (SELECT l.id FROM interactions l
                              WHERE l.owner_id = ANY($1) AND l.deleted_at IS NULL
                                AND l.starts_at >= $2 - interval '31 days' AND l.starts_at < $2
                                AND l.ends_at > $2)
               UNION ALL
               SELECT {COLUMNS}, a.user_id FROM interaction_attendees a
               JOIN interactions t ON t.id = a.interaction_id
               WHERE a.user_id = ANY($1)
                 AND a.starts_at >= $2 - interval '31 days' AND a.starts_at < $3
                 AND t.deleted_at IS NULL AND (t.ends_at > $2 OR t.starts_at >= $2)) i
         ORDER BY i.id, i.cal = $4 DESC, i.cal",
        visible = access::see_sql(RecordKind::Interaction, "i", "$4"),
        change = access::rule_sql(
            May::Change,
            RecordKind::Interaction,
            "i",
            access::Viewer { id: "$4", manager }
        ),
    )
}

/// The users whose calendars `user` may see, among `wanted` (all of them
/// when `wanted` is `None`), as `(id, name)`, the caller first.
#[cfg(feature = "ssr")]
async fn allowed_calendars(
    pool: &PgPool,
    user: &CurrentUser,
    wanted: Option<&[i64]>,
) -> AppResult<Vec<CalendarOwner>> {
    let everyone = user.role.includes(Role::Manager);
    let rows: Vec<CalendarOwner> = sqlx::query_as(
        "SELECT u.id, u.name, u.id = $1 AS is_me FROM users u
         WHERE (u.id = $1 OR (u.active AND ($2 OR EXISTS (
                 SELECT 1 FROM calendar_shares s WHERE s.owner_id = u.id AND s.viewer_id = $1))))
           AND ($3::bigint[] IS NULL OR u.id = ANY($3))
         ORDER BY u.id <> $1, u.name, u.id",
    )
    .bind(user.id)
    .bind(everyone)
    .bind(wanted)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// The calendars the caller may show: theirs first, then those shared with
/// them (everyone's for a manager).
#[server(prefix = "/api/calendar", endpoint = "calendars", input = server_fn::codec::Json)]
pub async fn visible_calendars() -> AppResult<Vec<CalendarOwner>> {
    let user = require(Role::Member).await?;
    allowed_calendars(&pool()?, &user, None).await
}

/// The caller's wall-clock time now (the browser has no zone database).
#[server(prefix = "/api/calendar", endpoint = "now", input = server_fn::codec::Json)]
pub async fn calendar_now() -> AppResult<NaiveDateTime> {
    let user = require(Role::Member).await?;
    Ok(zones::to_local(zones::zone(&user.time_zone), Utc::now()))
}

/// The interactions on the calendars of `users` (empty: mine) on the days
/// `[from, to)` of the caller's zone. Calendars the caller may not see are
/// left out; others' private interactions come as `busy`, without subject.
#[server(prefix = "/api/calendar", endpoint = "events", input = server_fn::codec::Json)]
pub async fn calendar_events(
    from: NaiveDate,
    to: NaiveDate,
    users: Vec<i64>,
) -> AppResult<CalendarData> {
    let user = require(Role::Member).await?;
    if to <= from || (to - from).num_days() > MAX_RANGE_DAYS || users.len() > 100 {
        return Err(AppError::invalid(vec![FieldError {
            field: "to".into(),
            problem: FieldProblem::InvalidDate,
        }]));
    }
    let pool = pool()?;
    let wanted = if users.is_empty() {
        vec![user.id]
    } else {
        users
    };
    let users: Vec<i64> = allowed_calendars(&pool, &user, Some(&wanted))
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let tz = zones::zone(&user.time_zone);
    let (from_utc, to_utc) = (zones::day_start(tz, from), zones::day_start(tz, to));
    // One user's range is a few thousand rows at most: parallel workers
    // cost more to start than they save (and the server has few cores).
    let manager = user.role.includes(Role::Manager);
    let rows = crate::ssr::fetch_all_with(
        &pool,
        crate::ssr::NO_PARALLEL_WORKERS,
        sqlx::query(sqlx::AssertSqlSafe(events_sql(manager)))
            .bind(&users)
            .bind(from_utc)
            .bind(to_utc)
            .bind(user.id),
    )
    .await?;
    let mut events = Vec::with_capacity(rows.len());
    for r in rows {
        let busy: bool = r.try_get("busy")?;
        let starts: DateTime<Utc> = r.try_get("starts_at")?;
        let ends: DateTime<Utc> = r.try_get("ends_at")?;
        events.push(CalEvent {
            id: r.try_get("id")?,
            version: r.try_get("version")?,
            kind: r.try_get("kind")?,
            subject: r.try_get("subject")?,
            status: r.try_get("status")?,
            start: zones::to_local(tz, starts),
            end: zones::to_local(tz, ends),
            all_day: r.try_get("all_day")?,
            calendar: r.try_get("calendar")?,
            busy,
            series: r.try_get("series")?,
            private: r.try_get("private")?,
            editable: r.try_get("editable")?,
        });
    }
    events.sort_by_key(|a| (a.start, a.end, a.id));
    Ok(CalendarData {
        from,
        to,
        users,
        now: zones::to_local(tz, Utc::now()),
        events,
    })
}

/// The new wall-clock times of a move, made whole: a timed task is a
/// moment (end = start); an all-day interaction covers whole days.
#[cfg(feature = "ssr")]
pub fn normalize_move(
    kind: &str,
    all_day: bool,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let (start, end) = if all_day {
        let first = start.date();
        let mut last = if end.time() == NaiveTime::MIN {
            end.date()
        } else {
            end.date() + Duration::days(1)
        };
        if last <= first {
            last = first + Duration::days(1);
        }
        (
            first.and_time(NaiveTime::MIN),
            last.and_time(NaiveTime::MIN),
        )
    } else if kind == "task" {
        (start, start)
    } else {
        (start, end)
    };
    (end >= start && end - start <= Duration::days(31)).then_some((start, end))
}

/// Moves (or resizes) interaction `id` to `[start, end)`, wall-clock times
/// of the caller's zone; returns its new version. On an occurrence of a
/// series, `Scope::One` detaches it; `Scope::All` moves every occurrence not
/// edited on its own by the same wall-clock shift, with the new length.
#[server(prefix = "/api/calendar", endpoint = "move", input = server_fn::codec::Json)]
pub async fn move_interaction(
    id: i64,
    version: i32,
    start: NaiveDateTime,
    end: NaiveDateTime,
    scope: Scope,
) -> AppResult<i32> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    access::ensure(&pool, &user, RecordKind::Interaction, id, May::Change).await?;
    let row = sqlx::query(
        "SELECT i.kind, i.all_day, i.starts_at, i.series_id
         FROM interactions i WHERE i.id = $1 AND i.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let kind: String = row.try_get("kind")?;
    let all_day: bool = row.try_get("all_day")?;
    let old_start: DateTime<Utc> = row.try_get("starts_at")?;
    let series_id: Option<i64> = row.try_get("series_id")?;
    let Some((start, end)) = normalize_move(&kind, all_day, start, end) else {
        return Err(AppError::invalid(vec![FieldError {
            field: "end".into(),
            problem: FieldProblem::EndBeforeStart,
        }]));
    };
    let tz = zones::zone(&user.time_zone);
    let whole_series = scope == Scope::All && series_id.is_some();
    let mut tx = records::begin_as(&pool, user.id).await?;
    let set = "starts_at = $1, ends_at = $2, detached = detached OR $3";
    let new_version = records::update_versioned(
        &mut tx,
        "interactions",
        (id, version, user.id),
        (set, 3),
        |q| {
            q.bind(zones::to_utc(tz, start))
                .bind(zones::to_utc(tz, end))
                .bind(series_id.is_some() && !whole_series)
        },
    )
    .await?;
    if let (true, Some(series_id)) = (whole_series, series_id) {
        let moved =
            series::shift_others(&mut tx, series_id, id, tz, old_start, (start, end)).await?;
        let ids: Vec<i64> = moved.iter().map(|m| m.0).collect();
        let starts: Vec<DateTime<Utc>> = moved.iter().map(|m| m.1).collect();
        let ends: Vec<DateTime<Utc>> = moved.iter().map(|m| m.2).collect();
        sqlx::query(
            "UPDATE interactions i SET starts_at = x.s, ends_at = x.e, updated_by = $4,
                    updated_at = now(), version = i.version + 1
             FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS x (id, s, e)
             WHERE i.id = x.id",
        )
        .bind(&ids)
        .bind(&starts)
        .bind(&ends)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(new_version)
}
