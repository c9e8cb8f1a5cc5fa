//! What every record's server functions share: owners, optimistic
//! concurrency answers and soft delete.

use crate::access::{Allowed, May, ssr as access};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult, FieldError, FieldProblem};
use crate::records::RecordKind;
use sqlx::{AssertSqlSafe, PgPool, Postgres, Transaction};

/// A transaction whose writes the history and audit triggers attribute to
/// `user_id` and this request's address (the settings live until the
/// transaction ends). A request sent with an
/// idempotency key writes its key here too, so a repeat applies nothing
/// (`super::idempotency`).
pub async fn begin_as(pool: &PgPool, user_id: i64) -> AppResult<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    // The audit trigger of persons reads the address too.
    sqlx::query(
        "SELECT set_config('relais.user_id', $1, true), set_config('relais.address', $2, true)",
    )
    .bind(user_id.to_string())
    .bind(crate::auth::client_address().await)
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

/// The owner a save of record `id` (none: a new one) of `kind` stores,
/// and what the caller may do to the record. A new record: the owner asked
/// for (an active user) or its creator. An update needs `Change` on the
/// record; it keeps the owner unless another is asked for, and giving the
/// record to someone else needs `Reassign`.
pub async fn owner_for_save(
    pool: &PgPool,
    user: &CurrentUser,
    kind: RecordKind,
    id: Option<i64>,
    asked: Option<i64>,
) -> AppResult<(Option<i64>, Allowed)> {
    let Some(id) = id else {
        let owner = owner_or_self(pool, asked, user).await?;
        return Ok((Some(owner), Allowed::ALL));
    };
    let allowed = access::ensure(pool, user, kind, id, May::Change).await?;
    let current: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT owner_id FROM {} WHERE id = $1",
        kind.module()
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .flatten();
    let owner = match asked {
        None => current,
        Some(owner) if Some(owner) == current => current,
        Some(owner) => {
            if !allowed.reassign {
                return Err(AppError::Forbidden);
            }
            Some(owner_or_self(pool, Some(owner), user).await?)
        }
    };
    Ok((owner, allowed))
}

/// Why an update matched no row: the record moved on (conflict) or is gone.
pub async fn stale_or_missing(db: impl sqlx::PgExecutor<'_>, table: Table, id: i64) -> AppError {
    let current: Result<Option<(i32, serde_json::Value)>, _> =
        sqlx::query_as(AssertSqlSafe(format!(
            "SELECT version, to_jsonb(t) - 'search_text' - 'sort_name' FROM {table} t
         WHERE id = $1 AND deleted_at IS NULL"
        )))
        .bind(id)
        .fetch_optional(db)
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

/// The statement of a versioned save: `set` (values `$1`…`$n`), then who
/// and when, the new version, and the guard every save shares: the row is
/// live and still at the version the user read. `$n+1` is the user,
/// `$n+2` the record, `$n+3` the version read; it returns the new version.
pub fn update_sql(table: Table, set: &str, n: usize) -> String {
    format!(
        "UPDATE {table} SET {set}, updated_by = ${u}, updated_at = now(), version = version + 1
         WHERE id = ${i} AND version = ${v} AND deleted_at IS NULL RETURNING version",
        u = n + 1,
        i = n + 2,
        v = n + 3,
    )
}

/// What a versioned update of record `id` returned, or why it matched no
/// row (read in the same transaction): moved on, or gone.
pub async fn saved_or_stale<T>(
    tx: &mut Transaction<'static, Postgres>,
    table: Table,
    id: i64,
    saved: Option<T>,
) -> AppResult<T> {
    match saved {
        Some(saved) => Ok(saved),
        None => Err(stale_or_missing(&mut **tx, table, id).await),
    }
}

/// A query whose values the caller binds before [`update_versioned`]
/// binds the tail's.
pub type VersionedQuery<'q> =
    sqlx::query::QueryScalar<'q, Postgres, i32, sqlx::postgres::PgArguments>;

/// Sets `set` (values `$1`…`$n`, bound by `bind`) on record `id` of
/// `table` read at `version`, as `user_id`, in `tx`: the new version, or
/// `Conflict` / `NotFound` ([`update_sql`], [`saved_or_stale`]).
pub async fn update_versioned<'q>(
    tx: &mut Transaction<'static, Postgres>,
    table: Table,
    (id, version, user_id): (i64, i32, i64),
    (set, n): (&str, usize),
    bind: impl FnOnce(VersionedQuery<'q>) -> VersionedQuery<'q>,
) -> AppResult<i32> {
    let query = sqlx::query_scalar(AssertSqlSafe(update_sql(table, set, n)));
    let saved = bind(query)
        .bind(user_id)
        .bind(id)
        .bind(version)
        .fetch_optional(&mut **tx)
        .await?;
    saved_or_stale(tx, table, id, saved).await
}

/// Moves record `id` of `kind`, read at `version`, to the trash, if `user`
/// may delete it.
pub async fn soft_delete(
    pool: &PgPool,
    user: &CurrentUser,
    kind: RecordKind,
    id: i64,
    version: i32,
) -> AppResult<()> {
    access::ensure(pool, user, kind, id, May::Delete).await?;
    let (table, user_id) = (kind.module(), user.id);
    let mut tx = begin_as(pool, user_id).await?;
    update_versioned(
        &mut tx,
        table,
        (id, version, user_id),
        ("deleted_at = now()", 0),
        |q| q,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
