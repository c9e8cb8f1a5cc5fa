//! What every record's server functions share: owners, optimistic
//! concurrency answers and soft delete.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult, FieldError, FieldProblem};
use sqlx::{AssertSqlSafe, PgPool};

/// Record tables; table names are never taken from the caller.
pub type Table = &'static str;

/// The owner to store: the one asked for if it is an active user, the
/// caller when none is asked for.
pub async fn owner_or_self(
    pool: &PgPool,
    owner: Option<i64>,
    user: &CurrentUser,
) -> AppResult<i64> {
    let Some(owner) = owner else {
        return Ok(user.id);
    };
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND active)")
            .bind(owner)
            .fetch_one(pool)
            .await?;
    if exists {
        Ok(owner)
    } else {
        Err(AppError::invalid(vec![FieldError {
            field: "owner_id".into(),
            problem: FieldProblem::InvalidChoice,
        }]))
    }
}

/// Why an update matched no row: the record moved on (conflict) or is gone.
pub async fn stale_or_missing(pool: &PgPool, table: Table, id: i64) -> AppError {
    let current: Result<Option<i32>, _> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT version FROM {table} WHERE id = $1 AND deleted_at IS NULL"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await;
    match current {
        Ok(Some(current_version)) => AppError::Conflict { current_version },
        Ok(None) => AppError::NotFound,
        Err(e) => e.into(),
    }
}

pub async fn soft_delete(
    pool: &PgPool,
    table: Table,
    id: i64,
    version: i32,
    user_id: i64,
) -> AppResult<()> {
    let done = sqlx::query(AssertSqlSafe(format!(
        "UPDATE {table} SET deleted_at = now(), updated_at = now(), updated_by = $3, version = version + 1
         WHERE id = $1 AND version = $2 AND deleted_at IS NULL"
    )))
    .bind(id)
    .bind(version)
    .bind(user_id)
    .execute(pool)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(stale_or_missing(pool, table, id).await)
    }
}
