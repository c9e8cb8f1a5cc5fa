//! The Desk's one server call. Every statement is bounded by the user (the
//! calendar index `(owner_id, starts_at)` and the attendees index), so the
//! Desk costs the same on an empty database and at five million
//! interactions.

use super::Desk;
use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{DeskItem, ItemState, StageSum},
    crate::auth::{CurrentUser, Role},
    crate::settings::layouts::{LayoutKey, layout_of},
    crate::ssr::{guard::require, pool, zones},
    chrono::{DateTime, Duration, Utc},
    chrono_tz::Tz,
    sqlx::{PgPool, Row, postgres::PgRow},
};

/// Items listed per panel.
pub const PANEL_ITEMS: i64 = 10;

/// The columns of a Desk item (interaction `i`): its main record's name.
#[cfg(feature = "ssr")]
const ITEM_COLUMNS: &str = "i.id, i.kind, i.subject, i.status, i.starts_at, i.ends_at, i.all_day,
    coalesce((SELECT coalesce(c.name, trim(coalesce(p.first_name, '') || ' ' || p.last_name), d.name)
              FROM interaction_links l
              LEFT JOIN companies c ON l.record_type = 'company' AND c.id = l.record_id
              LEFT JOIN persons p ON l.record_type = 'person' AND p.id = l.record_id
              LEFT JOIN deals d ON l.record_type = 'deal' AND d.id = l.record_id
              WHERE l.interaction_id = i.id AND l.main LIMIT 1), '') AS record";

/// Today's interactions of user `$1` (assigned or attending) overlapping
/// [`$2`, `$3`), all-day ones first, then by time. Two range scans, as the
/// calendar's (an `OR` of the two would read the whole table).
#[cfg(feature = "ssr")]
pub fn agenda_sql() -> String {
    format!(
        "WITH mine AS (
             SELECT i.id FROM interactions i
             WHERE i.owner_id = $1 AND i.deleted_at IS NULL
               AND i.starts_at < $3 AND i.starts_at >= $2 - interval '31 days' AND i.ends_at >= $2
             UNION
             SELECT a.interaction_id FROM interaction_attendees a
             WHERE a.user_id = $1 AND a.starts_at < $3 AND a.starts_at >= $2 - interval '31 days')
         SELECT {ITEM_COLUMNS} FROM interactions i JOIN mine m ON m.id = i.id
         WHERE i.deleted_at IS NULL AND i.starts_at < $3 AND i.ends_at >= $2
         ORDER BY i.all_day DESC, i.starts_at, i.id
         LIMIT 50"
    )
}

/// What is late for user `$1` at `$2` (now), in two parts, each the range
/// of a partial index (an `OR` of the two read the user's whole history):
/// open tasks late (`interactions::task_late_sql`; `interactions_open_tasks_idx`
/// holds `all_day`)…
#[cfg(feature = "ssr")]
fn late_tasks_where() -> String {
    format!(
        "i.owner_id = $1 AND i.kind = 'task' AND i.status <> 'done' AND i.deleted_at IS NULL
         AND {late}",
        late = crate::interactions::task_late_sql("i", "$2", "$3")
    )
}

/// …and calls and meetings still "planned" that ended before today `$3`
/// (to be logged or moved; `interactions_planned_calls_idx`).
#[cfg(feature = "ssr")]
const UNLOGGED_WHERE: &str =
    "i.owner_id = $1 AND i.kind IN ('call', 'meeting') AND i.status = 'planned'
     AND i.deleted_at IS NULL AND i.starts_at < $2 AND i.ends_at < $3";

/// The overdue panel: both parts, the most recently due first; each part
/// stops after a panel's worth, and the record names are read for the
/// items shown only.
#[cfg(feature = "ssr")]
pub fn overdue_sql() -> String {
    const ROW: &str = "i.id, i.kind, i.subject, i.status, i.starts_at, i.ends_at, i.all_day";
    const ORDER: &str = "ORDER BY i.starts_at DESC, i.id DESC";
    format!(
        "SELECT {ITEM_COLUMNS} FROM (
             (SELECT {ROW} FROM interactions i WHERE {tasks} {ORDER} LIMIT {PANEL_ITEMS})
             UNION ALL
             (SELECT {ROW} FROM interactions i WHERE {UNLOGGED_WHERE} {ORDER} LIMIT {PANEL_ITEMS})
             ORDER BY starts_at DESC, id DESC LIMIT {PANEL_ITEMS}) i
         {ORDER}",
        tasks = late_tasks_where(),
    )
}

/// How many items the overdue panel has, up to 1,000: two index-only
/// counts.
#[cfg(feature = "ssr")]
fn overdue_count_sql() -> String {
    format!(
        "SELECT least(
             (SELECT count(*) FROM (SELECT 1 FROM interactions i WHERE {tasks} LIMIT 1000) t)
           + (SELECT count(*) FROM (SELECT 1 FROM interactions i WHERE {UNLOGGED_WHERE} LIMIT 1000) c),
             1000)",
        tasks = late_tasks_where(),
    )
}

/// User `$1`'s open tasks, soonest due first.
#[cfg(feature = "ssr")]
pub fn tasks_sql() -> String {
    format!(
        "SELECT {ITEM_COLUMNS} FROM interactions i
         WHERE i.owner_id = $1 AND i.deleted_at IS NULL AND i.kind = 'task' AND i.status <> 'done'
         ORDER BY i.starts_at, i.id
         LIMIT {PANEL_ITEMS}"
    )
}

#[cfg(feature = "ssr")]
const TASKS_COUNT_SQL: &str = "SELECT count(*) FROM (SELECT 1 FROM interactions i
     WHERE i.owner_id = $1 AND i.deleted_at IS NULL AND i.kind = 'task' AND i.status <> 'done'
     LIMIT 1000) x";

/// Minutes of timed calls and meetings of user `$1` (assigned), not
/// cancelled or postponed, inside [`$2`, `$3`). Tasks have no duration;
/// all-day items are not hours of work.
#[cfg(feature = "ssr")]
pub const PLANNED_SQL: &str = "
    SELECT coalesce(sum(extract(epoch FROM least(i.ends_at, $3) - greatest(i.starts_at, $2)) / 60), 0)::bigint
    FROM interactions i
    WHERE i.owner_id = $1 AND i.deleted_at IS NULL AND NOT i.all_day
      AND i.kind IN ('call', 'meeting') AND i.status IN ('planned', 'held')
      AND i.starts_at < $3 AND i.ends_at > $2 AND i.starts_at >= $2 - interval '31 days'";

#[cfg(feature = "ssr")]
fn item(r: &PgRow, tz: Tz, now: DateTime<Utc>, tomorrow: DateTime<Utc>) -> AppResult<DeskItem> {
    let start: DateTime<Utc> = r.try_get("starts_at")?;
    let end: DateTime<Utc> = r.try_get("ends_at")?;
    let all_day: bool = r.try_get("all_day")?;
    let status: String = r.try_get("status")?;
    let local = zones::to_local(tz, start);
    let state = match status.as_str() {
        "done" | "held" => ItemState::Done,
        "cancelled" | "postponed" => ItemState::Cancelled,
        // A task is late once due; a call or meeting once over (all-day
        // ones at the end of their day).
        _ if (if all_day {
            end + Duration::days(1)
        } else {
            end
        }) < now =>
        {
            ItemState::Overdue
        }
        _ if start < tomorrow => ItemState::Today,
        _ => ItemState::Later,
    };
    Ok(DeskItem {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        subject: r.try_get("subject")?,
        day: local.date().to_string(),
        time: if all_day {
            String::new()
        } else {
            local.format("%H:%M").to_string()
        },
        status,
        state,
        record: r.try_get("record")?,
    })
}

/// The user's open deals by stage of the first active pipeline, with the
/// sum and weighted sum (from the deals board's totals).
#[cfg(feature = "ssr")]
async fn pipeline(pool: &PgPool, user: &CurrentUser) -> AppResult<(Vec<StageSum>, String, String)> {
    let first: Option<i64> =
        sqlx::query_scalar("SELECT id FROM pipelines WHERE active ORDER BY position, id LIMIT 1")
            .fetch_optional(pool)
            .await?;
    let Some(first) = first else {
        return Ok((vec![], "0".into(), "0".into()));
    };
    let rows = sqlx::query(crate::kanban::deals_api::TOTALS_SQL)
        .bind(first)
        .bind(user.id)
        .fetch_all(pool)
        .await?;
    let (mut sum, mut weighted) = (0.0_f64, 0.0_f64);
    let mut stages = Vec::new();
    for r in rows {
        let key: String = r.try_get("key")?;
        if crate::kanban::DEAL_CLOSINGS.contains(&key.as_str()) {
            continue;
        }
        let amount: String = r.try_get("amount")?;
        let w: String = r.try_get("weighted")?;
        sum += amount.parse::<f64>().unwrap_or(0.0);
        weighted += w.parse::<f64>().unwrap_or(0.0);
        stages.push(StageSum {
            stage: r.try_get("title")?,
            count: r.try_get("count")?,
            amount,
        });
    }
    Ok((stages, format!("{sum:.2}"), format!("{weighted:.2}")))
}

/// Everything the Desk shows but favourites and recent records, with the
/// user's panel layout.
#[server(prefix = "/api/desk", endpoint = "today", input = server_fn::codec::Json)]
pub async fn desk_today() -> AppResult<Desk> {
    let user = require(Role::Member).await?;
    desk_of(&pool()?, &user, Utc::now()).await
}

/// The Desk of `user` at `now`: the server function without its session,
/// access check and HTTP. Public so that `server bench` times the very
/// statements the Desk runs, as it runs them (all at once).
#[cfg(feature = "ssr")]
pub async fn desk_of(pool: &PgPool, user: &CurrentUser, now: DateTime<Utc>) -> AppResult<Desk> {
    let tz = zones::zone(&user.time_zone);
    let today = zones::to_local(tz, now).date();
    let (start, end) = (
        zones::day_start(tz, today),
        zones::day_start(tz, today.succ_opt().unwrap_or(today)),
    );
    let items = |rows: Vec<PgRow>| -> AppResult<Vec<DeskItem>> {
        rows.iter().map(|r| item(r, tz, now, end)).collect()
    };
    // Every panel at once: each is a statement of its own.
    let (
        agenda,
        overdue,
        overdue_count,
        tasks,
        tasks_count,
        planned_minutes,
        capacity_minutes,
        (pipeline, pipeline_amount, pipeline_weighted),
        panels,
    ) = tokio::try_join!(
        async {
            AppResult::Ok(
                sqlx::query(sqlx::AssertSqlSafe(agenda_sql()))
                    .bind(user.id)
                    .bind(start)
                    .bind(end)
                    .fetch_all(pool)
                    .await?,
            )
        },
        async {
            AppResult::Ok(
                sqlx::query(sqlx::AssertSqlSafe(overdue_sql()))
                    .bind(user.id)
                    .bind(now)
                    .bind(start)
                    .fetch_all(pool)
                    .await?,
            )
        },
        async {
            AppResult::Ok(
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(overdue_count_sql()))
                    .bind(user.id)
                    .bind(now)
                    .bind(start)
                    .fetch_one(pool)
                    .await?,
            )
        },
        async {
            AppResult::Ok(
                sqlx::query(sqlx::AssertSqlSafe(tasks_sql()))
                    .bind(user.id)
                    .fetch_all(pool)
                    .await?,
            )
        },
        async {
            AppResult::Ok(
                sqlx::query_scalar::<_, i64>(TASKS_COUNT_SQL)
                    .bind(user.id)
                    .fetch_one(pool)
                    .await?,
            )
        },
        async {
            AppResult::Ok(
                sqlx::query_scalar::<_, i64>(PLANNED_SQL)
                    .bind(user.id)
                    .bind(start)
                    .bind(end)
                    .fetch_one(pool)
                    .await?,
            )
        },
        async {
            AppResult::Ok(
                sqlx::query_scalar::<_, i32>(
                    "SELECT daily_capacity_minutes FROM users WHERE id = $1",
                )
                .bind(user.id)
                .fetch_one(pool)
                .await?,
            )
        },
        pipeline(pool, user),
        layout_of(pool, user.id, LayoutKey::Desk),
    )?;
    Ok(Desk {
        panels,
        today: today.to_string(),
        agenda: items(agenda)?,
        overdue: items(overdue)?,
        overdue_count,
        tasks: items(tasks)?,
        tasks_count,
        planned_minutes,
        capacity_minutes: capacity_minutes as i64,
        pipeline,
        pipeline_amount,
        pipeline_weighted,
    })
}
