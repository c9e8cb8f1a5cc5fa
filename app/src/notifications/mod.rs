//! The notifications bell: reminders that came due (written by the server's
//! dispatcher, `server/src/reminders.rs`) and interactions someone else
//! assigned to the user (written on save by `interactions::api`). Server
//! functions here, the top bar's `Bell` in `bell`.

mod bell;

use crate::error::AppResult;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::error::{AppError, FieldError, FieldProblem},
    crate::records::RecordKind,
    crate::ssr::{guard::require, pool, zones},
    sqlx::Row,
};

pub use bell::Bell;

/// Notifications a list shows (the newest).
pub const LIST_LIMIT: i64 = 20;
/// Most ids one `mark_read` call accepts.
pub const MARK_LIMIT: usize = 500;

/// One line of the bell's panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: i64,
    /// `reminder` or `assigned`.
    pub kind: String,
    pub interaction_id: i64,
    pub subject: String,
    /// The interaction's kind: call, meeting, task, email.
    pub interaction_kind: String,
    /// The interaction's start in the reader's zone, `YYYY-MM-DD HH:MM`
    /// (the date alone for an all-day one).
    pub starts: String,
    /// Who assigned it (assigned notifications), else empty.
    pub actor_name: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The newest notifications of the caller and how many are unread.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NotificationList {
    pub items: Vec<NotificationItem>,
    pub unread: i64,
}

/// The notifications of user `$1` that the bell shows: of live interactions
/// they may still see (`joins` adds tables after those two).
#[cfg(feature = "ssr")]
fn shown_sql(joins: &str) -> String {
    format!(
        "FROM notifications n
         JOIN interactions i ON i.id = n.interaction_id AND i.deleted_at IS NULL
         {joins}
         WHERE n.user_id = $1 AND {}",
        crate::access::ssr::see_sql(RecordKind::Interaction, "i", "$1")
    )
}

/// The caller's latest notifications, newest first, with the unread count.
#[server(prefix = "/api/notifications", endpoint = "list", input = server_fn::codec::Json)]
pub async fn notifications() -> AppResult<NotificationList> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.id, n.kind, i.id AS interaction_id, i.subject, i.kind AS interaction_kind,
                i.starts_at, i.all_day, coalesce(a.name, '') AS actor_name, n.created_at,
                n.read_at IS NOT NULL AS read
         {}
         ORDER BY n.created_at DESC, n.id DESC LIMIT $2",
        shown_sql("LEFT JOIN users a ON a.id = n.actor_id")
    )))
    .bind(user.id)
    .bind(LIST_LIMIT)
    .fetch_all(&pool)
    .await?;
    let unread: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) {} AND n.read_at IS NULL",
        shown_sql("")
    )))
    .bind(user.id)
    .fetch_one(&pool)
    .await?;
    let tz = zones::zone(&user.time_zone);
    let items = rows
        .into_iter()
        .map(|r| {
            let starts: DateTime<Utc> = r.try_get("starts_at")?;
            let all_day: bool = r.try_get("all_day")?;
            let local = zones::to_local(tz, starts);
            Ok(NotificationItem {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                interaction_id: r.try_get("interaction_id")?,
                subject: r.try_get("subject")?,
                interaction_kind: r.try_get("interaction_kind")?,
                starts: if all_day {
                    local.format("%Y-%m-%d").to_string()
                } else {
                    local.format("%Y-%m-%d %H:%M").to_string()
                },
                actor_name: r.try_get("actor_name")?,
                created_at: r.try_get("created_at")?,
                read: r.try_get("read")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(NotificationList { items, unread })
}

/// Marks the caller's notifications `ids` read (ids of other users' are
/// ignored); returns how many changed.
#[server(prefix = "/api/notifications", endpoint = "read", input = server_fn::codec::Json)]
pub async fn mark_read(ids: Vec<i64>) -> AppResult<u64> {
    let user = require(Role::Member).await?;
    if ids.len() > MARK_LIMIT {
        return Err(AppError::invalid(vec![FieldError {
            field: "ids".into(),
            problem: FieldProblem::TooMany { max: MARK_LIMIT },
        }]));
    }
    let done = sqlx::query(
        "UPDATE notifications SET read_at = now()
         WHERE user_id = $1 AND id = ANY($2) AND read_at IS NULL",
    )
    .bind(user.id)
    .bind(&ids)
    .execute(&pool()?)
    .await?;
    Ok(done.rows_affected())
}

/// Marks every notification of the caller read; returns how many changed.
#[server(prefix = "/api/notifications", endpoint = "read_all", input = server_fn::codec::Json)]
pub async fn mark_all_read() -> AppResult<u64> {
    let user = require(Role::Member).await?;
    let done = sqlx::query(
        "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user.id)
    .execute(&pool()?)
    .await?;
    Ok(done.rows_affected())
}
