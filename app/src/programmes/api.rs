//! Server functions of the catalogue. Every one starts with `require`:
//! anyone signed in reads it (enrolment forms offer it), admins change it.

use super::{Programme, ProgrammeInput};
use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::error::{AppError, FieldError, FieldProblem},
    crate::ssr::{guard::require, pool},
};

/// The catalogue in its order: the live entries, or the archived ones.
#[server(prefix = "/api/programmes", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_programmes(archived: bool) -> AppResult<Vec<Programme>> {
    require(Role::Member).await?;
    Ok(sqlx::query_as(
        "SELECT id, name, kind, coalesce(description, '') AS description, active,
                archived_at IS NOT NULL AS archived
         FROM programmes WHERE (archived_at IS NOT NULL) = $1
         ORDER BY position, id",
    )
    .bind(archived)
    .fetch_all(&pool()?)
    .await?)
}

/// Adds an entry at the end, or changes a live one (admin); its id.
#[server(prefix = "/api/programmes", endpoint = "save", input = server_fn::codec::Json)]
pub async fn save_programme(id: Option<i64>, input: ProgrammeInput) -> AppResult<i64> {
    require(Role::Admin).await?;
    let errors = input.check();
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let description = Some(input.description.trim()).filter(|d| !d.is_empty());
    let sql = match id {
        None => {
            "INSERT INTO programmes (name, kind, description, active, position)
             SELECT $1, $2, $3, $4, coalesce(max(position), -1) + 1 FROM programmes
             WHERE archived_at IS NULL AND $5::int8 IS NULL
             RETURNING id"
        }
        Some(_) => {
            "UPDATE programmes SET name = $1, kind = $2, description = $3, active = $4, updated_at = now()
             WHERE id = $5 AND archived_at IS NULL RETURNING id"
        }
    };
    let saved = sqlx::query_scalar(sql)
        .bind(input.name.trim())
        .bind(&input.kind)
        .bind(description)
        .bind(input.active)
        .bind(id)
        .fetch_optional(&pool()?)
        .await;
    name_taken(saved)?.ok_or(AppError::NotFound)
}

/// Moves a live entry one place earlier (`up`) or later (admin).
#[server(prefix = "/api/programmes", endpoint = "move", input = server_fn::codec::Json)]
pub async fn move_programme(id: i64, up: bool) -> AppResult<()> {
    require(Role::Admin).await?;
    let mut tx = pool()?.begin().await?;
    // Locked in order, so two admins' moves never interleave.
    let order: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM programmes WHERE archived_at IS NULL ORDER BY position, id FOR UPDATE",
    )
    .fetch_all(&mut *tx)
    .await?;
    let i = order
        .iter()
        .position(|p| *p == id)
        .ok_or(AppError::NotFound)?;
    let j = if up {
        i.checked_sub(1)
    } else {
        Some(i + 1).filter(|j| *j < order.len())
    };
    if let Some(j) = j {
        let mut order = order;
        order.swap(i, j);
        sqlx::query(
            "UPDATE programmes p SET position = x.pos::int
             FROM unnest($1::int8[]) WITH ORDINALITY AS x(id, pos) WHERE p.id = x.id",
        )
        .bind(&order)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Archives an entry (no longer offered, kept for the enrolments that
/// name it), or brings it back at the end (admin).
#[server(prefix = "/api/programmes", endpoint = "archive", input = server_fn::codec::Json)]
pub async fn archive_programme(id: i64, archived: bool) -> AppResult<()> {
    require(Role::Admin).await?;
    let done = sqlx::query_scalar(
        "UPDATE programmes SET updated_at = now(),
                archived_at = CASE WHEN $2 THEN now() END,
                position = CASE WHEN $2 THEN position
                                ELSE (SELECT coalesce(max(position), -1) + 1 FROM programmes
                                      WHERE archived_at IS NULL) END
         WHERE id = $1 AND (archived_at IS NOT NULL) <> $2 RETURNING id",
    )
    .bind(id)
    .bind(archived)
    .fetch_optional(&pool()?)
    .await;
    name_taken::<i64>(done)?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// A live entry of the same name (folded): the name's message, not a
/// server error.
#[cfg(feature = "ssr")]
fn name_taken<T>(r: Result<Option<T>, sqlx::Error>) -> AppResult<Option<T>> {
    match r {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(AppError::invalid(vec![FieldError {
                field: "name".into(),
                problem: FieldProblem::AlreadyUsed,
            }]))
        }
        other => Ok(other?),
    }
}
