//! Server functions of the reports. Every one starts with `require`;
//! whose figures a report shows is `access::ssr::figures_owner`'s answer.

use super::{Report, ReportKind, ReportQuery, SavedReport};
use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::error::AppError,
    crate::ssr::{guard::require, pool},
    sqlx::Row,
};

/// A report with its filters, as the caller may see it.
#[server(prefix = "/api/reports", endpoint = "run", input = server_fn::codec::Json)]
pub async fn run_report(kind: ReportKind, query: ReportQuery) -> AppResult<Report> {
    let user = require(Role::Member).await?;
    super::sql::build(&pool()?, &user, kind, &query, super::sql::Rows::Page).await
}

/// The caller's saved reports and those others shared, by report and name.
#[server(prefix = "/api/reports", endpoint = "saved", input = server_fn::codec::Json)]
pub async fn saved_reports() -> AppResult<Vec<SavedReport>> {
    let user = require(Role::Member).await?;
    let rows = sqlx::query(
        "SELECT s.id, s.report, s.name, s.query, s.shared, s.user_id = $1 AS mine, u.name AS owner_name
         FROM saved_reports s JOIN users u ON u.id = s.user_id
         WHERE s.user_id = $1 OR s.shared
         ORDER BY s.report, lower(s.name), s.id",
    )
    .bind(user.id)
    .fetch_all(&pool()?)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let Some(report) = ReportKind::parse(r.try_get::<&str, _>("report")?) else {
            continue;
        };
        out.push(SavedReport {
            id: r.try_get("id")?,
            report,
            name: r.try_get("name")?,
            query: r.try_get("query")?,
            shared: r.try_get("shared")?,
            mine: r.try_get("mine")?,
            owner_name: r.try_get("owner_name")?,
        });
    }
    Ok(out)
}

/// Keeps a report with its filters under a name (the caller's report of
/// that name, if any, is replaced); returns its id. The filters are
/// written back from their typed form, so only what a report reads is
/// kept, and a dynamic period stays a word.
#[server(prefix = "/api/reports", endpoint = "save", input = server_fn::codec::Json)]
pub async fn save_report(
    kind: ReportKind,
    name: String,
    shared: bool,
    query: ReportQuery,
) -> AppResult<i64> {
    let user = require(Role::Member).await?;
    let mut c = crate::validate::Checks::new();
    c.required("name", &name).line("name", &name);
    c.finish()?;
    // A saved report opens on its first page.
    let query = ReportQuery {
        compare: query.compare.min(super::MAX_COMPARE),
        page: 0,
        ..query
    };
    let id = sqlx::query_scalar(
        "INSERT INTO saved_reports (user_id, report, name, query, shared) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, report, lower(name))
         DO UPDATE SET query = excluded.query, shared = excluded.shared RETURNING id",
    )
    .bind(user.id)
    .bind(kind.as_str())
    .bind(name.trim())
    .bind(query.to_query_string())
    .bind(shared)
    .fetch_one(&pool()?)
    .await?;
    Ok(id)
}

/// Deletes a saved report: its owner may, and an admin.
#[server(prefix = "/api/reports", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_saved_report(id: i64) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let done = sqlx::query("DELETE FROM saved_reports WHERE id = $1 AND (user_id = $2 OR $3)")
        .bind(id)
        .bind(user.id)
        .bind(user.role == Role::Admin)
        .execute(&pool()?)
        .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
