//! What every record's server functions share: owners, optimistic
//! concurrency answers and soft delete.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult, FieldError, FieldProblem};
use sqlx::{AssertSqlSafe, PgPool, Postgres, Transaction};

/// A transaction whose writes the history trigger attributes to `user_id`
/// (the setting lives until the transaction ends). A request sent with an
/// idempotency key writes its key here too, so a repeat applies nothing
/// (`super::idempotency`).
pub async fn begin_as(pool: &PgPool, user_id: i64) -> AppResult<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('relais.user_id', $1, true)")
        .bind(user_id.to_string())
        .execute(&mut *tx)
        .await?;
    super::idempotency::claim_in(&mut tx, user_id).await?;
    Ok(tx)
}

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
    let current: Result<Option<(i32, serde_json::Value)>, _> =
        sqlx::query_as(AssertSqlSafe(format!(
            "SELECT version, to_jsonb(t) - 'search_text' - 'sort_name' FROM {table} t
         WHERE id = $1 AND deleted_at IS NULL"
        )))
        .bind(id)
        .fetch_optional(pool)
        .await;
    match current {
        Ok(Some((current_version, row))) => AppError::Conflict {
            current_version,
            current: Some(row),
        },
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
    let mut tx = begin_as(pool, user_id).await?;
    let done = sqlx::query(AssertSqlSafe(format!(
        "UPDATE {table} SET deleted_at = now(), updated_at = now(), updated_by = $3, version = version + 1
         WHERE id = $1 AND version = $2 AND deleted_at IS NULL"
    )))
    .bind(id)
    .bind(version)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        tx.commit().await?;
        Ok(())
    } else {
        Err(stale_or_missing(pool, table, id).await)
    }
}
