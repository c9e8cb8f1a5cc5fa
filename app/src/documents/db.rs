//! The rows of documents and their versions. Every function that names a
//! document first finds the record it is attached to and asks
//! `app::access` about that record: seeing the document is seeing the
//! record, adding or replacing a file (and renaming, retyping, trashing) is
//! changing it. A document in the trash, or on a record one may not see,
//! is "not found".
//!
//! Writes take a transaction that carries the user (`ssr::records::begin_as`
//! for server functions, [`begin_from`] for the plain routes), so the
//! history and audit triggers attribute them.

use super::{Document, DocumentInput, DocumentVersion};
use crate::access::{May, ssr as access};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::records::RecordKind;
use crate::ssr::idempotency::Claim;
use sqlx::{PgPool, Postgres, Transaction};
use std::sync::Arc;

const COLUMNS: &str = "id, record_type, record_id, doc_type, title, current_version, file_name,
                       content_type, size, owner_id, version, created_at, updated_at";

/// A transaction attributed to `user_id` at `address`, for routes outside
/// server functions (which use `ssr::records::begin_as`); it writes the
/// request's idempotency key, if it has one (`ssr::idempotency`).
pub async fn begin_from(
    pool: &PgPool,
    user_id: i64,
    address: &str,
    claim: Option<&Arc<Claim>>,
) -> AppResult<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "SELECT set_config('relais.user_id', $1, true), set_config('relais.address', $2, true)",
    )
    .bind(user_id.to_string())
    .bind(address)
    .execute(&mut *tx)
    .await?;
    crate::ssr::idempotency::claim_with(&mut tx, user_id, claim).await?;
    Ok(tx)
}

/// An id for a new document, taken before its file is stored (the file's
/// key names it); an upload refused leaves only a gap in the sequence.
pub async fn new_id(pool: &PgPool) -> AppResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('documents', 'id'))")
            .fetch_one(pool)
            .await?,
    )
}

/// A file just stored, as the database keeps it.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub storage_key: String,
    /// The user's name for it: shown and offered on download only.
    pub file_name: String,
    /// Decided by the server (`content::decide`).
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// The record document `id` is attached to, if the document is live.
async fn attached_to(
    db: impl sqlx::PgExecutor<'_>,
    id: i64,
) -> AppResult<(RecordKind, i64, String)> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT record_type, record_id, doc_type FROM documents WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let (kind, record_id, doc_type) = row.ok_or(AppError::NotFound)?;
    let kind = RecordKind::parse(&kind).ok_or(AppError::NotFound)?;
    Ok((kind, record_id, doc_type))
}

/// That `user` may do `action` to the record document `id` is attached to
/// (`NotFound` when the document is gone or the record hidden); the
/// record, and the document's type.
pub async fn ensure(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    action: May,
) -> AppResult<(RecordKind, i64, String)> {
    let (kind, record_id, doc_type) = attached_to(pool, id).await?;
    access::ensure(pool, user, kind, record_id, action).await?;
    Ok((kind, record_id, doc_type))
}

/// Creates document `id` (from [`new_id`]) on record `record_id` of `kind`
/// with `file` as its version 1.
pub async fn create(
    tx: &mut Transaction<'static, Postgres>,
    user: &CurrentUser,
    id: i64,
    (kind, record_id): (RecordKind, i64),
    input: &DocumentInput,
    file: &NewFile,
) -> AppResult<Document> {
    access::ensure(&mut **tx, user, kind, record_id, May::Change).await?;
    let doc: Document = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO documents (id, record_type, record_id, doc_type, title, file_name,
                                content_type, size, owner_id, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9)
         RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(kind.as_str())
    .bind(record_id)
    .bind(&input.doc_type)
    .bind(input.title.trim())
    .bind(&file.file_name)
    .bind(&file.content_type)
    .bind(file.size)
    .bind(user.id)
    .fetch_one(&mut **tx)
    .await?;
    insert_version(tx, user, id, 1, file).await?;
    Ok(doc)
}

async fn insert_version(
    tx: &mut Transaction<'static, Postgres>,
    user: &CurrentUser,
    id: i64,
    n: i32,
    file: &NewFile,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO document_versions (document_id, n, storage_key, file_name, content_type,
                                        size, sha256, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(n)
    .bind(&file.storage_key)
    .bind(&file.file_name)
    .bind(&file.content_type)
    .bind(file.size)
    .bind(&file.sha256)
    .bind(user.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds `file` as the next version of document `id` (the earlier ones
/// stay); the document then shows it.
pub async fn add_version(
    tx: &mut Transaction<'static, Postgres>,
    user: &CurrentUser,
    id: i64,
    file: &NewFile,
) -> AppResult<Document> {
    // Locked: two replacements at once get versions n+1 and n+2.
    let current: Option<i32> = sqlx::query_scalar(
        "SELECT current_version FROM documents WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let n = current.ok_or(AppError::NotFound)? + 1;
    let (kind, record_id, _) = attached_to(&mut **tx, id).await?;
    access::ensure(&mut **tx, user, kind, record_id, May::Change).await?;
    insert_version(tx, user, id, n, file).await?;
    let doc: Document = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE documents SET current_version = $2, file_name = $3, content_type = $4, size = $5,
                updated_by = $6, updated_at = now(), version = version + 1
         WHERE id = $1 RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(n)
    .bind(&file.file_name)
    .bind(&file.content_type)
    .bind(file.size)
    .bind(user.id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(doc)
}

/// A stored version, as a download needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredVersion {
    pub record_type: String,
    pub record_id: i64,
    pub doc_type: String,
    pub storage_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

/// Version `n` of document `id`, if `user` may see the document's record.
pub async fn version_to_read(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    n: i32,
) -> AppResult<StoredVersion> {
    ensure(pool, user, id, May::See).await?;
    let row: Option<StoredVersion> = sqlx::query_as(
        "SELECT d.record_type, d.record_id, d.doc_type, v.storage_key, v.file_name,
                v.content_type, v.size
         FROM documents d JOIN document_versions v ON v.document_id = d.id
         WHERE d.id = $1 AND v.n = $2 AND d.deleted_at IS NULL",
    )
    .bind(id)
    .bind(n)
    .fetch_optional(pool)
    .await?;
    row.ok_or(AppError::NotFound)
}

/// The live documents of a record, newest first.
pub async fn list_for(
    pool: &PgPool,
    user: &CurrentUser,
    kind: RecordKind,
    record_id: i64,
) -> AppResult<Vec<Document>> {
    access::ensure(pool, user, kind, record_id, May::See).await?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM documents
         WHERE record_type = $1 AND record_id = $2 AND deleted_at IS NULL
         ORDER BY updated_at DESC, id DESC LIMIT 500"
    )))
    .bind(kind.as_str())
    .bind(record_id)
    .fetch_all(pool)
    .await?)
}

/// Every version of document `id`, newest first.
pub async fn versions(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
) -> AppResult<Vec<DocumentVersion>> {
    ensure(pool, user, id, May::See).await?;
    Ok(sqlx::query_as(
        "SELECT document_id, n, file_name, content_type, size, sha256, uploaded_by, uploaded_at
         FROM document_versions WHERE document_id = $1 ORDER BY n DESC",
    )
    .bind(id)
    .fetch_all(pool)
    .await?)
}

/// Renames and retypes document `id`, read at `version`: the new version,
/// or `Conflict` / `NotFound`.
pub async fn update(
    tx: &mut Transaction<'static, Postgres>,
    user: &CurrentUser,
    (id, version): (i64, i32),
    input: &DocumentInput,
) -> AppResult<i32> {
    let problems = input.check();
    if !problems.is_empty() {
        return Err(AppError::invalid(problems));
    }
    let (kind, record_id, _) = attached_to(&mut **tx, id).await?;
    access::ensure(&mut **tx, user, kind, record_id, May::Change).await?;
    crate::ssr::records::update_versioned(
        tx,
        "documents",
        (id, version, user.id),
        ("title = $1, doc_type = $2", 2),
        |q| {
            q.bind(input.title.trim().to_string())
                .bind(input.doc_type.clone())
        },
    )
    .await
}

/// Moves document `id` to the trash (its files stay: an admin may bring
/// it back).
pub async fn trash(
    tx: &mut Transaction<'static, Postgres>,
    user: &CurrentUser,
    id: i64,
) -> AppResult<()> {
    let (kind, record_id, _) = attached_to(&mut **tx, id).await?;
    access::ensure(&mut **tx, user, kind, record_id, May::Change).await?;
    sqlx::query(
        "UPDATE documents SET deleted_at = now(), updated_by = $2, updated_at = now(),
                version = version + 1
         WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(user.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
