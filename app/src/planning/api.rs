//! Server functions of the Planning. Every one starts with `require`.
//!
//! Whose rows a user may show: the calendar's rule — their own, the
//! colleagues who share their calendar with them, everyone's (active) for a
//! manager or admin. Who may move a block: who may change it, and give it
//! to another row: who may reassign it (`access`: the rules of the form,
//! the calendar and the boards). The new owner must be a row the mover may
//! show.

use super::PlanningData;
use crate::error::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{
        MAX_DAYS, MAX_UNPLANNED, MAX_USERS, PlanBlock, PlanUser, UserLoad, clipped_minutes,
        counts_in_load,
    },
    crate::access::{May, ssr as access},
    crate::auth::{CurrentUser, Role},
    crate::error::{AppError, FieldError, FieldProblem},
    crate::records::RecordKind,
    crate::ssr::{NO_PARALLEL_WORKERS, fetch_all_with, guard::require, pool, records, zones},
    chrono::{DateTime, Duration, Utc},
    chrono_tz::Tz,
    sqlx::{PgPool, Row},
    std::collections::HashMap,
};

/// The rows `$1` may show, among `$3` (all when NULL), at most `$4`, the
/// caller first; `$2`: the caller is a manager. `total` counts them all.
#[cfg(feature = "ssr")]
pub const USERS_SQL: &str =
    "SELECT u.id, u.name, u.id = $1 AS is_me, u.daily_capacity_minutes AS capacity,
        u.time_zone, count(*) OVER () AS total
 FROM users u
 WHERE (u.id = $1 OR (u.active AND ($2 OR EXISTS (
         SELECT 1 FROM calendar_shares s WHERE s.owner_id = u.id AND s.viewer_id = $1))))
   AND ($3::bigint[] IS NULL OR u.id = ANY($3))
 ORDER BY u.id <> $1, u.name, u.id
 LIMIT $4";

#[cfg(feature = "ssr")]
const COLUMNS: &str = "t.id, t.version, t.kind, t.status, t.subject, t.starts_at, t.ends_at,
    t.all_day, t.private, t.owner_id, t.created_by, t.series_id";

/// What both statements return for a row `i`, as seen by `viewer`.
#[cfg(feature = "ssr")]
fn shown(viewer: access::Viewer) -> String {
    let visible = access::see_sql(RecordKind::Interaction, "i", viewer.id);
    format!(
        "i.id, i.version, i.kind, i.status, i.starts_at, i.ends_at, i.all_day, i.owner_id,
         i.series_id IS NOT NULL AS series,
         NOT coalesce({visible}, false) AS busy,
         CASE WHEN {visible} THEN i.subject ELSE '' END AS subject,
         coalesce({change}, false) AS editable",
        change = access::rule_sql(May::Change, RecordKind::Interaction, "i", viewer)
    )
}

/// The interactions owned by users `$1` touching `[$2, $3)`, as seen by
/// `$4` (`manager`: their role sees the team): those starting in the
/// range (`interactions_calendar_idx`, one range per user, read from the
/// index alone: it includes every column below), and those
/// started up to 31 days before (the longest an interaction lasts) still
/// going on at `$2` (an index-only look-back).
#[cfg(feature = "ssr")]
pub fn blocks_sql(manager: bool) -> String {
    format!(
        "SELECT {shown}
         FROM (SELECT {COLUMNS} FROM interactions t
               WHERE t.owner_id = ANY($1) AND t.deleted_at IS NULL
                 AND t.starts_at >= $2 AND t.starts_at < $3
               UNION ALL
               SELECT {COLUMNS} FROM interactions t
               WHERE t.id IN (SELECT l.id FROM interactions l
                              WHERE l.owner_id = ANY($1) AND l.deleted_at IS NULL
                                AND l.starts_at >= $2 - interval '31 days' AND l.starts_at < $2
                                AND l.ends_at > $2)) i",
        shown = shown(access::Viewer { id: "$4", manager })
    )
}

/// "To plan", as seen by `$3`: open tasks with no owner, and those of
/// users `$1` late at `$2` (now; `$5` is the start of the viewer's today:
/// the Desk's rule, `interactions::task_late_sql`), newest due first, `$4`
/// at most. The ids are chosen from `interactions_open_tasks_idx` alone (it
/// holds what the visibility rule reads): per user, a walk backwards from
/// `$2` of at most `$4` entries; only the `$4` chosen rows are then read
/// from the table, where an all-day task due today is found not late.
#[cfg(feature = "ssr")]
pub fn unplanned_sql(manager: bool) -> String {
    const OPEN: &str = "o.kind = 'task' AND o.status <> 'done' AND o.deleted_at IS NULL";
    format!(
        "SELECT {shown}
         FROM (SELECT {COLUMNS} FROM interactions t
               JOIN ((SELECT o.id, o.starts_at FROM interactions o
                      WHERE {OPEN} AND o.owner_id IS NULL AND {visible_o}
                      ORDER BY o.starts_at DESC, o.id DESC LIMIT $4)
                     UNION ALL
                     SELECT c.id, c.starts_at FROM unnest($1::bigint[]) AS u (id)
                     CROSS JOIN LATERAL (
                         SELECT o.id, o.starts_at FROM interactions o
                         WHERE {OPEN} AND o.owner_id = u.id AND o.starts_at < $2 AND {visible_o}
                         ORDER BY o.starts_at DESC, o.id DESC LIMIT $4) c
                     ORDER BY 2 DESC, 1 DESC
                     LIMIT $4) k ON k.id = t.id) i
         WHERE i.owner_id IS NULL OR {late}
         ORDER BY i.starts_at DESC, i.id DESC",
        shown = shown(access::Viewer { id: "$3", manager }),
        visible_o = access::see_sql(RecordKind::Interaction, "o", "$3"),
        late = crate::interactions::task_late_sql("i", "$2", "$5"),
    )
}

#[cfg(feature = "ssr")]
fn invalid(field: &str, problem: FieldProblem) -> AppError {
    AppError::invalid(vec![FieldError {
        field: field.into(),
        problem,
    }])
}

/// The rows `user` may show among `wanted` (all when `None`), with their
/// zones, and how many there are in all.
#[cfg(feature = "ssr")]
async fn rows(
    pool: &PgPool,
    user: &CurrentUser,
    wanted: Option<&[i64]>,
) -> AppResult<(Vec<PlanUser>, Vec<Tz>, usize)> {
    let found = sqlx::query(USERS_SQL)
        .bind(user.id)
        .bind(user.role.includes(Role::Manager))
        .bind(wanted)
        .bind(MAX_USERS as i64)
        .fetch_all(pool)
        .await?;
    let mut users = Vec::with_capacity(found.len());
    let mut zones_of = Vec::with_capacity(found.len());
    let mut total = 0;
    for r in found {
        total = r.try_get::<i64, _>("total")? as usize;
        zones_of.push(zones::zone(r.try_get::<&str, _>("time_zone")?));
        users.push(PlanUser {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            is_me: r.try_get("is_me")?,
            capacity: r.try_get("capacity")?,
        });
    }
    Ok((users, zones_of, total))
}

#[cfg(feature = "ssr")]
struct Read {
    block: PlanBlock,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
}

#[cfg(feature = "ssr")]
fn read_block(r: &sqlx::postgres::PgRow, tz: Tz) -> AppResult<Read> {
    let busy: bool = r.try_get("busy")?;
    let owner: Option<i64> = r.try_get("owner_id")?;
    let starts: DateTime<Utc> = r.try_get("starts_at")?;
    let ends: DateTime<Utc> = r.try_get("ends_at")?;
    Ok(Read {
        block: PlanBlock {
            id: r.try_get("id")?,
            version: r.try_get("version")?,
            kind: r.try_get("kind")?,
            subject: r.try_get("subject")?,
            status: r.try_get("status")?,
            start: zones::to_local(tz, starts),
            end: zones::to_local(tz, ends),
            all_day: r.try_get("all_day")?,
            owner,
            busy,
            series: r.try_get("series")?,
            editable: r.try_get("editable")?,
        },
        starts,
        ends,
    })
}

/// Every row the caller may show, for the users picker (the caller first).
#[server(prefix = "/api/planning", endpoint = "people", input = server_fn::codec::Json)]
pub async fn planning_people() -> AppResult<Vec<super::PlanUser>> {
    let user = require(Role::Member).await?;
    let found = sqlx::query(USERS_SQL)
        .bind(user.id)
        .bind(user.role.includes(Role::Manager))
        .bind(None::<Vec<i64>>)
        .bind(5000_i64)
        .fetch_all(&pool()?)
        .await?;
    found
        .iter()
        .map(|r| {
            Ok(PlanUser {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                is_me: r.try_get("is_me")?,
                capacity: r.try_get("capacity")?,
            })
        })
        .collect()
}

/// The Planning of the days `[from, to)` (the caller's zone) for `users`
/// (empty: every row the caller may show, up to `MAX_USERS`): the blocks,
/// each user-day's planned minutes in that user's zone, and "to plan".
#[server(prefix = "/api/planning", endpoint = "range", input = server_fn::codec::Json)]
pub async fn planning_range(
    from: NaiveDate,
    to: NaiveDate,
    users: Vec<i64>,
) -> AppResult<PlanningData> {
    let user = require(Role::Member).await?;
    if to <= from || (to - from).num_days() > MAX_DAYS {
        return Err(invalid("to", FieldProblem::InvalidDate));
    }
    if users.len() > MAX_USERS {
        return Err(invalid("users", FieldProblem::InvalidChoice));
    }
    planning_of(&pool()?, &user, from, to, &users, Utc::now()).await
}

/// [`planning_range`] for `user` at `now`, once the input is checked: the
/// rows first (their zones bound the range), then the blocks and "to plan"
/// at once, each on a connection of its own. Public so that `server bench`
/// times the statements as the Planning runs them.
#[cfg(feature = "ssr")]
pub async fn planning_of(
    pool: &PgPool,
    user: &CurrentUser,
    from: NaiveDate,
    to: NaiveDate,
    users: &[i64],
    now: DateTime<Utc>,
) -> AppResult<PlanningData> {
    let wanted = (!users.is_empty()).then_some(users);
    let (rows, row_zones, total_users) = rows(pool, user, wanted).await?;
    let ids: Vec<i64> = rows.iter().map(|u| u.id).collect();
    let tz = zones::zone(&user.time_zone);
    let days = (to - from).num_days();
    // The instants every row's days cover (zones differ), and the viewer's.
    let mut from_utc = zones::day_start(tz, from);
    let mut to_utc = zones::day_start(tz, to);
    for z in &row_zones {
        from_utc = from_utc.min(zones::day_start(*z, from));
        to_utc = to_utc.max(zones::day_start(*z, to));
    }
    let today = zones::to_local(tz, now).date();
    let manager = user.role.includes(Role::Manager);
    let (blocks_sql, unplanned_sql) = (blocks_sql(manager), unplanned_sql(manager));
    // A few thousand rows over index ranges: parallel workers cost more to
    // start than they save (as in the calendar).
    let (found, open) = tokio::try_join!(
        fetch_all_with(
            pool,
            NO_PARALLEL_WORKERS,
            sqlx::query(sqlx::AssertSqlSafe(blocks_sql))
                .bind(&ids)
                .bind(from_utc)
                .bind(to_utc)
                .bind(user.id),
        ),
        fetch_all_with(
            pool,
            NO_PARALLEL_WORKERS,
            sqlx::query(sqlx::AssertSqlSafe(unplanned_sql))
                .bind(&ids)
                .bind(now)
                .bind(user.id)
                .bind(MAX_UNPLANNED)
                .bind(zones::day_start(tz, today)),
        ),
    )?;

    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    // Each row's day boundaries in its own zone.
    let bounds: Vec<Vec<DateTime<Utc>>> = row_zones
        .iter()
        .map(|z| {
            (0..=days)
                .map(|d| zones::day_start(*z, from + Duration::days(d)))
                .collect()
        })
        .collect();
    let mut loads: Vec<UserLoad> = ids
        .iter()
        .map(|id| UserLoad {
            user: *id,
            minutes: vec![0; days as usize],
        })
        .collect();
    let (local_from, local_to) = (
        from.and_time(chrono::NaiveTime::MIN),
        to.and_time(chrono::NaiveTime::MIN),
    );
    let mut blocks = Vec::with_capacity(found.len());
    for r in &found {
        let read = read_block(r, tz)?;
        let Some(row) = read.block.owner.and_then(|o| index.get(&o).copied()) else {
            continue;
        };
        if !read.block.all_day && counts_in_load(&read.block.status) {
            for (d, m) in loads[row].minutes.iter_mut().enumerate() {
                *m += clipped_minutes(read.starts, read.ends, bounds[row][d], bounds[row][d + 1])
                    as i32;
            }
        }
        let b = &read.block;
        let touches = b.start < local_to && (b.end > local_from || b.start >= local_from);
        if touches {
            blocks.push(read.block);
        }
    }
    blocks.sort_by_key(|b| (b.start, b.end, b.id));
    let unplanned = open
        .iter()
        .map(|r| read_block(r, tz).map(|r| r.block))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(PlanningData {
        from,
        to,
        today,
        users: rows,
        total_users,
        blocks,
        loads,
        unplanned,
    })
}

/// Moves interaction `id` (read at `version`) to user `owner`, starting at
/// `start` (wall-clock time of the caller's zone), its length kept; returns
/// its new version. An occurrence of a series is moved alone (detached),
/// as the calendar's "this one". The new owner is told (the bell).
#[server(prefix = "/api/planning", endpoint = "move", input = server_fn::codec::Json)]
pub async fn planning_move(
    id: i64,
    version: i32,
    owner: i64,
    start: NaiveDateTime,
) -> AppResult<i32> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let allowed = access::ensure(&pool, &user, RecordKind::Interaction, id, May::Change).await?;
    let row = sqlx::query(
        "SELECT i.kind, i.all_day, i.starts_at, i.ends_at, i.series_id, i.owner_id
         FROM interactions i WHERE i.id = $1 AND i.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let old_owner: Option<i64> = row.try_get("owner_id")?;
    let reassigned = old_owner != Some(owner);
    if reassigned && !allowed.reassign {
        return Err(AppError::Forbidden);
    }
    if reassigned {
        let (found, _, _) = rows(&pool, &user, Some(&[owner])).await?;
        if found.is_empty() {
            return Err(invalid("owner", FieldProblem::InvalidChoice));
        }
    }
    let kind: String = row.try_get("kind")?;
    let all_day: bool = row.try_get("all_day")?;
    let series_id: Option<i64> = row.try_get("series_id")?;
    let tz = zones::zone(&user.time_zone);
    let old_start = zones::to_local(tz, row.try_get::<DateTime<Utc>, _>("starts_at")?);
    let old_end = zones::to_local(tz, row.try_get::<DateTime<Utc>, _>("ends_at")?);
    let Some((start, end)) =
        crate::calendar::normalize_move(&kind, all_day, start, start + (old_end - old_start))
    else {
        return Err(invalid("start", FieldProblem::InvalidDate));
    };
    let mut tx = records::begin_as(&pool, user.id).await?;
    let set = "owner_id = $1, starts_at = $2, ends_at = $3, detached = detached OR $4";
    let new_version = records::update_versioned(
        &mut tx,
        "interactions",
        (id, version, user.id),
        (set, 4),
        |q| {
            q.bind(owner)
                .bind(zones::to_utc(tz, start))
                .bind(zones::to_utc(tz, end))
                .bind(series_id.is_some())
        },
    )
    .await?;
    if reassigned {
        crate::interactions::notify_assigned(&mut tx, id, owner, user.id).await?;
    }
    tx.commit().await?;
    Ok(new_version)
}
