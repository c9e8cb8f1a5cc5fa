//! Server functions of every list: which columns a user shows, and saved
//! filters (the user's own, or shared with everyone).

use super::ListQuery;
use crate::error::AppResult;
use crate::records::RecordKind;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::error::{AppError, FieldError, FieldProblem},
    crate::ssr::{guard::require, pool},
};

/// The columns the caller chose for a list, in order (`None`: the defaults).
#[server(prefix = "/api/lists", endpoint = "columns", input = server_fn::codec::Json)]
pub async fn list_columns(kind: RecordKind) -> AppResult<Option<Vec<String>>> {
    let user = require(Role::Member).await?;
    let cols =
        sqlx::query_scalar("SELECT columns FROM list_settings WHERE user_id = $1 AND module = $2")
            .bind(user.id)
            .bind(kind.module())
            .fetch_optional(&pool()?)
            .await?;
    Ok(cols)
}

#[server(prefix = "/api/lists", endpoint = "set_columns", input = server_fn::codec::Json)]
pub async fn set_list_columns(kind: RecordKind, columns: Vec<String>) -> AppResult<()> {
    let user = require(Role::Member).await?;
    if columns.len() > 40 || columns.iter().any(|c| c.len() > 40) {
        return Err(AppError::invalid(vec![FieldError {
            field: "columns".into(),
            problem: FieldProblem::InvalidChoice,
        }]));
    }
    sqlx::query(
        "INSERT INTO list_settings (user_id, module, columns) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, module) DO UPDATE SET columns = excluded.columns",
    )
    .bind(user.id)
    .bind(kind.module())
    .bind(&columns)
    .execute(&pool()?)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedFilter {
    pub id: i64,
    pub name: String,
    pub shared: bool,
    /// Whether the caller owns it (and so may delete it).
    pub mine: bool,
    pub query: ListQuery,
}

/// The caller's saved filters of a list and those shared by others.
#[server(prefix = "/api/lists", endpoint = "filters", input = server_fn::codec::Json)]
pub async fn saved_filters(kind: RecordKind) -> AppResult<Vec<SavedFilter>> {
    let user = require(Role::Member).await?;
    let rows: Vec<(i64, String, bool, bool, sqlx::types::Json<ListQuery>)> = sqlx::query_as(
        "SELECT id, name, shared, user_id = $1, query FROM saved_filters
         WHERE module = $2 AND (user_id = $1 OR shared) ORDER BY user_id = $1 DESC, lower(name)",
    )
    .bind(user.id)
    .bind(kind.module())
    .fetch_all(&pool()?)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, shared, mine, query)| SavedFilter {
            id,
            name,
            shared,
            mine,
            query: query.0,
        })
        .collect())
}

/// Saves the current filter under a name (replacing the caller's filter of
/// that name); returns its id.
#[server(prefix = "/api/lists", endpoint = "save_filter", input = server_fn::codec::Json)]
pub async fn save_filter(
    kind: RecordKind,
    name: String,
    shared: bool,
    query: ListQuery,
) -> AppResult<i64> {
    let user = require(Role::Member).await?;
    let mut c = crate::validate::Checks::new();
    c.required("name", &name).line("name", &name);
    c.finish()?;
    let id = sqlx::query_scalar(
        "INSERT INTO saved_filters (user_id, module, name, query, shared) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, module, lower(name))
         DO UPDATE SET query = excluded.query, shared = excluded.shared RETURNING id",
    )
    .bind(user.id)
    .bind(kind.module())
    .bind(name.trim())
    .bind(sqlx::types::Json(query.without_position()))
    .bind(shared)
    .fetch_one(&pool()?)
    .await?;
    Ok(id)
}

/// Deletes a saved filter: its owner may, and an admin.
#[server(prefix = "/api/lists", endpoint = "delete_filter", input = server_fn::codec::Json)]
pub async fn delete_filter(id: i64) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let done = sqlx::query("DELETE FROM saved_filters WHERE id = $1 AND (user_id = $2 OR $3)")
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
