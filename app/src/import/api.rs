//! Server functions of imports (admins and managers; an import is its
//! author's, and every admin's). Every one starts with `require`, then
//! `ssr::ensure_import`. The upload and the refused rows' CSV are plain
//! routes of the server (`server/src/imports.rs`) calling `ssr::store`
//! and `ssr::refused_csv`.

use super::{DuplicatePolicy, DuplicateRows, ImportSummary, ImportView, PreviewRow, RowChoice};
use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::error::{AppError, FieldError, FieldProblem},
    crate::ssr::{guard::require, pool},
};

/// The latest imports the caller may see (theirs; an admin's: all).
#[server(prefix = "/api/import", endpoint = "list", input = server_fn::codec::Json)]
pub async fn imports() -> AppResult<Vec<ImportSummary>> {
    let user = require(Role::Manager).await?;
    let pool = pool()?;
    #[derive(sqlx::FromRow)]
    struct Line {
        id: i64,
        record_type: String,
        file_name: String,
        status: String,
        total_rows: i32,
        done_rows: i32,
        created_at: String,
        by: String,
    }
    let rows: Vec<Line> = sqlx::query_as(
        "SELECT i.id, i.record_type, i.file_name, i.status, i.total_rows, i.done_rows,
                to_char(i.created_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI') AS created_at, u.name AS by
         FROM imports i JOIN users u ON u.id = i.created_by
         WHERE i.created_by = $1 OR $3
         ORDER BY i.id DESC LIMIT 50",
    )
    .bind(user.id)
    .bind(crate::ssr::zones::zone(&user.time_zone).name())
    .bind(user.role == Role::Admin)
    .fetch_all(&pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|l| {
            Some(ImportSummary {
                id: l.id,
                kind: crate::records::RecordKind::parse(&l.record_type)?,
                file_name: l.file_name,
                status: super::ImportStatus::parse(&l.status),
                total_rows: l.total_rows,
                done_rows: l.done_rows,
                created_at: l.created_at,
                created_by_name: l.by,
            })
        })
        .collect())
}

/// One import: its file, mapping, and where its run stands.
#[server(prefix = "/api/import", endpoint = "get", input = server_fn::codec::Json)]
pub async fn import_get(id: i64) -> AppResult<ImportView> {
    let user = require(Role::Manager).await?;
    let pool = pool()?;
    ssr::ensure_import(&pool, &user, id).await?;
    ssr::view(&pool, &user, id).await
}

/// The first rows of the file as `mapping` would save them.
#[server(prefix = "/api/import", endpoint = "preview", input = server_fn::codec::Json)]
pub async fn import_preview(id: i64, mapping: Vec<String>) -> AppResult<Vec<PreviewRow>> {
    let user = require(Role::Manager).await?;
    let pool = pool()?;
    ssr::ensure_import(&pool, &user, id).await?;
    let job = super::job::load(&pool, id).await?;
    ssr::check_mapping(job.kind, &job_headers(&pool, id).await?, &mapping)?;
    ssr::preview(&pool, job, mapping).await
}

/// Every row of the file that is the same as an existing record (the
/// first [`MAX_DUPLICATE_ROWS`](super::MAX_DUPLICATE_ROWS) listed), as
/// `mapping` reads it: the duplicates step, where each may be handled on
/// its own.
#[server(prefix = "/api/import", endpoint = "duplicates", input = server_fn::codec::Json)]
pub async fn import_duplicate_rows(id: i64, mapping: Vec<String>) -> AppResult<DuplicateRows> {
    let user = require(Role::Manager).await?;
    let pool = pool()?;
    ssr::ensure_import(&pool, &user, id).await?;
    let job = super::job::load(&pool, id).await?;
    ssr::check_mapping(job.kind, &job_headers(&pool, id).await?, &mapping)?;
    ssr::duplicate_rows(&pool, job, mapping).await
}

#[cfg(feature = "ssr")]
async fn job_headers(pool: &sqlx::PgPool, id: i64) -> AppResult<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT headers FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?,
    )
}

/// Starts a drafted import with `mapping` and `on_duplicate`: it is queued
/// for the next free instance, and the mapping remembered for files with
/// the same header.
#[server(prefix = "/api/import", endpoint = "start", input = server_fn::codec::Json)]
pub async fn import_start(
    id: i64,
    mapping: Vec<String>,
    on_duplicate: DuplicatePolicy,
    /// Rows handled otherwise (from the duplicates step).
    #[server(default)]
    choices: Vec<RowChoice>,
) -> AppResult<()> {
    let user = require(Role::Manager).await?;
    let pool = pool()?;
    ssr::ensure_import(&pool, &user, id).await?;
    let job = super::job::load(&pool, id).await?;
    let headers = job_headers(&pool, id).await?;
    ssr::check_mapping(job.kind, &headers, &mapping)?;
    let choices = ssr::check_choices(&choices)?;
    let mut tx = pool.begin().await?;
    let started = sqlx::query(
        "UPDATE imports SET mapping = $2, on_duplicate = $3, row_choices = $4, status = 'queued'
         WHERE id = $1 AND status = 'draft'",
    )
    .bind(id)
    .bind(&mapping)
    .bind(on_duplicate.as_str())
    .bind(choices)
    .execute(&mut *tx)
    .await?;
    if started.rows_affected() != 1 {
        return Err(AppError::Forbidden);
    }
    sqlx::query(
        "INSERT INTO import_layouts (record_type, header_key, mapping) VALUES ($1, $2, $3)
         ON CONFLICT (record_type, header_key) DO UPDATE SET mapping = $3, updated_at = now()",
    )
    .bind(job.kind.as_str())
    .bind(ssr::header_key(&headers))
    .bind(&mapping)
    .execute(&mut *tx)
    .await?;
    sqlx::query("SELECT pg_notify('imports', $1)")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Stops a queued or running import after its current batch (what it
/// applied stays, and can be undone).
#[server(prefix = "/api/import", endpoint = "cancel", input = server_fn::codec::Json)]
pub async fn import_cancel(id: i64) -> AppResult<()> {
    let user = require(Role::Manager).await?;
    let pool = pool()?;
    ssr::ensure_import(&pool, &user, id).await?;
    let done = sqlx::query(
        "UPDATE imports SET status = 'cancelled', finished_at = now()
         WHERE id = $1 AND status IN ('draft', 'queued', 'running')",
    )
    .bind(id)
    .execute(&pool)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Undoes a finished import (within a week): what it created goes to the
/// trash, what it updated gets its values back — each only if nobody
/// changed it since. The number of records left as they are.
#[server(prefix = "/api/import", endpoint = "undo", input = server_fn::codec::Json)]
pub async fn import_undo(id: i64) -> AppResult<i64> {
    let user = require(Role::Manager).await?;
    let pool = pool()?;
    ssr::ensure_import(&pool, &user, id).await?;
    super::job::undo(&pool, id, user.id).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::super::csv_in::{self, Encoding};
    use super::super::job::{self, ChunkReader, Job};
    use super::super::{
        DuplicateRows, ImportStatus, ImportView, MAX_DUPLICATE_ROWS, MAX_FILE_BYTES, PREVIEW_ROWS,
        PreviewRow, RowChoice,
    };
    use super::{AppError, FieldError, FieldProblem, Role};
    use crate::auth::CurrentUser;
    use crate::error::AppResult;
    use crate::records::kind::Values;
    use crate::records::{RecordKind, RecordLink};
    use sqlx::{AssertSqlSafe, PgPool};
    use std::io::Read;

    /// The access rule of imports: managers and admins, on their own
    /// imports; admins on everyone's.
    pub async fn ensure_import(pool: &PgPool, user: &CurrentUser, id: i64) -> AppResult<()> {
        if !user.role.includes(Role::Manager) {
            return Err(AppError::Forbidden);
        }
        let author: Option<i64> =
            sqlx::query_scalar("SELECT created_by FROM imports WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?;
        match author {
            None => Err(AppError::NotFound),
            Some(a) if a == user.id || user.role == Role::Admin => Ok(()),
            Some(_) => Err(AppError::Forbidden),
        }
    }

    /// A file layout, whatever the case, accents or spacing of its header.
    pub fn header_key(headers: &[String]) -> String {
        headers
            .iter()
            .map(|h| super::super::mapping::fold(h))
            .collect::<Vec<_>>()
            .join("\u{1f}")
    }

    /// A mapping has one entry per column, names importable fields only,
    /// each once, and fills the fields the kind requires.
    pub fn check_mapping(
        kind: RecordKind,
        headers: &[String],
        mapping: &[String],
    ) -> AppResult<()> {
        let d = kind.describe();
        let spec = d.import.as_ref().ok_or(AppError::Forbidden)?;
        let invalid = |field: &str, problem| {
            AppError::invalid(vec![FieldError {
                field: field.to_string(),
                problem,
            }])
        };
        if mapping.len() != headers.len() {
            return Err(invalid("mapping", FieldProblem::Mismatch));
        }
        for (i, field) in mapping.iter().enumerate() {
            if field.is_empty() {
                continue;
            }
            if !d.importable.iter().any(|(f, _)| f == field) {
                return Err(invalid("mapping", FieldProblem::InvalidChoice));
            }
            if mapping[..i].contains(field) {
                return Err(invalid(field, FieldProblem::TooMany { max: 1 }));
            }
        }
        for required in spec.required {
            if !mapping.iter().any(|f| f == required) {
                return Err(invalid(required, FieldProblem::Required));
            }
        }
        Ok(())
    }

    /// Keeps an uploaded file (its bytes as they come, `chunks`) for an
    /// import of `kind` by `user`: reads its encoding, delimiter, header
    /// and number of rows, and guesses (or recalls) its mapping. The new
    /// import's id.
    pub async fn store<S, B, E>(
        pool: &PgPool,
        user: &CurrentUser,
        kind: RecordKind,
        file_name: &str,
        mut chunks: S,
    ) -> AppResult<i64>
    where
        S: futures::Stream<Item = Result<B, E>> + Unpin,
        B: AsRef<[u8]>,
        E: std::fmt::Display,
    {
        use futures::StreamExt;
        if kind.describe().import.is_none() {
            return Err(AppError::Forbidden);
        }
        let file_invalid = |problem| {
            AppError::invalid(vec![FieldError {
                field: "file".into(),
                problem,
            }])
        };
        let name: String = file_name.chars().take(255).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO imports (record_type, file_name, file_size, encoding, delimiter, headers, mapping,
                                  total_rows, created_by)
             VALUES ($1, $2, 0, 'utf-8', ',', '{}', '{}', 0, $3) RETURNING id",
        )
        .bind(kind.as_str())
        .bind(&name)
        .bind(user.id)
        .fetch_one(pool)
        .await?;
        let forget = || async {
            let _ = sqlx::query("DELETE FROM imports WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await;
        };
        // The file in chunks of about 1 MB, as it arrives.
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
        let (mut seq, mut size) = (0i32, 0usize);
        loop {
            let next = chunks.next().await;
            let last = next.is_none();
            if let Some(part) = next {
                let part = match part {
                    Ok(part) => part,
                    Err(e) => {
                        forget().await;
                        return Err(AppError::server(e.to_string()));
                    }
                };
                let part = part.as_ref();
                size += part.len();
                if size > MAX_FILE_BYTES {
                    forget().await;
                    return Err(file_invalid(FieldProblem::TooLong {
                        max: MAX_FILE_BYTES,
                    }));
                }
                buf.extend_from_slice(part);
            }
            if buf.len() >= (1 << 20) || (last && !buf.is_empty()) {
                sqlx::query("INSERT INTO import_chunks (import_id, seq, data) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(seq)
                    .bind(std::mem::take(&mut buf))
                    .execute(pool)
                    .await?;
                seq += 1;
            }
            if last {
                break;
            }
        }
        let read = {
            let pool = pool.clone();
            tokio::task::spawn_blocking(move || read_layout(pool, id))
                .await
                .map_err(|e| AppError::server(e.to_string()))?
        };
        let (encoding, delimiter, headers, total) = match read {
            Ok(layout) => layout,
            Err(problem) => {
                forget().await;
                return Err(file_invalid(problem));
            }
        };
        let remembered: Option<Vec<String>> = sqlx::query_scalar(
            "SELECT mapping FROM import_layouts WHERE record_type = $1 AND header_key = $2",
        )
        .bind(kind.as_str())
        .bind(header_key(&headers))
        .fetch_optional(pool)
        .await?;
        let mapping = remembered
            .filter(|m| m.len() == headers.len())
            .unwrap_or_else(|| {
                super::super::mapping::guess(kind, &headers)
                    .into_iter()
                    .map(|f| f.unwrap_or("").to_string())
                    .collect()
            });
        sqlx::query(
            "UPDATE imports SET file_size = $2, encoding = $3, delimiter = $4, headers = $5, mapping = $6,
                                total_rows = $7
             WHERE id = $1",
        )
        .bind(id)
        .bind(size as i64)
        .bind(encoding.as_str())
        .bind((delimiter as char).to_string())
        .bind(&headers)
        .bind(&mapping)
        .bind(total as i32)
        .execute(pool)
        .await?;
        Ok(id)
    }

    /// The encoding, delimiter, header and number of rows of a stored
    /// file, read in constant memory. Blocking.
    fn read_layout(
        pool: PgPool,
        id: i64,
    ) -> Result<(Encoding, u8, Vec<String>, usize), FieldProblem> {
        let unreadable = |_| FieldProblem::Unreadable;
        let mut head = [0u8; 2];
        let n = ChunkReader::new(pool.clone(), id)
            .read(&mut head)
            .map_err(unreadable)?;
        // UTF-16 ("Unicode text" of spreadsheet programs): not a CSV file
        // this reads.
        if n == 2 && (head == [0xff, 0xfe] || head == [0xfe, 0xff]) {
            return Err(FieldProblem::Unreadable);
        }
        let encoding =
            csv_in::detect_encoding_in(ChunkReader::new(pool.clone(), id)).map_err(unreadable)?;
        // The first 64 KB decide the delimiter (a character cut at the end
        // does not matter).
        let mut head = Vec::new();
        csv_in::decoded(ChunkReader::new(pool.clone(), id), encoding)
            .take(64 * 1024)
            .read_to_end(&mut head)
            .map_err(unreadable)?;
        let delimiter = csv_in::sniff_delimiter(&String::from_utf8_lossy(&head));
        let (headers, rows) = csv_in::open(ChunkReader::new(pool, id), encoding, delimiter)
            .map_err(|_| FieldProblem::Unreadable)?;
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(FieldProblem::Required);
        }
        let mut total = 0usize;
        for row in rows {
            row.map_err(|_| FieldProblem::Unreadable)?;
            total += 1;
        }
        Ok((encoding, delimiter, headers, total))
    }

    /// The per-row choices as stored (line → policy), refused when there
    /// are more than the duplicates step lists or a line is not one.
    pub fn check_choices(choices: &[RowChoice]) -> AppResult<serde_json::Value> {
        let bad = choices.len() > super::super::MAX_DUPLICATE_ROWS
            || choices
                .iter()
                .any(|c| c.line == 0 || c.line > i32::MAX as u64);
        if bad {
            return Err(AppError::invalid(vec![FieldError {
                field: "choices".into(),
                problem: FieldProblem::InvalidChoice,
            }]));
        }
        Ok(serde_json::Value::Object(
            choices
                .iter()
                .map(|c| (c.line.to_string(), serde_json::json!(c.policy)))
                .collect(),
        ))
    }

    /// Every row of the file that is the same as a live record, the first
    /// [`MAX_DUPLICATE_ROWS`] kept: the file is read a batch at a time and
    /// each batch matched in one statement, as the run will.
    pub async fn duplicate_rows(
        pool: &PgPool,
        job: Job,
        mapping: Vec<String>,
    ) -> AppResult<DuplicateRows> {
        let d = job.kind.describe();
        let spec = d.import.as_ref().ok_or(AppError::Forbidden)?;
        let (tx_rows, mut rx_rows) = tokio::sync::mpsc::channel(2);
        {
            let pool = pool.clone();
            let (id, encoding, delimiter) = (job.id, job.encoding, job.delimiter);
            tokio::task::spawn_blocking(move || {
                job::read_batches(ChunkReader::new(pool, id), encoding, delimiter, 0, |b| {
                    tx_rows.blocking_send(b).is_ok()
                });
            });
        }
        let mut found = DuplicateRows {
            rows: Vec::new(),
            total: 0,
        };
        while let Some(batch) = rx_rows.recv().await {
            let batch = batch.map_err(AppError::server)?;
            let prepared =
                job::prepare_rows(&mut *pool.acquire().await?, d, spec, &mapping, &batch).await?;
            let valid: Vec<(&csv_in::Row, &Values)> = batch
                .iter()
                .zip(&prepared)
                .filter_map(|(row, p)| Some((row, p.as_ref().ok()?)))
                .collect();
            let values: Vec<&Values> = valid.iter().map(|(_, v)| *v).collect();
            let keys = job::match_rows(pool, d, spec, &values, true).await?;
            for ((row, _), k) in valid.into_iter().zip(keys) {
                let Some(same) = k.same else { continue };
                found.total += 1;
                if found.rows.len() < MAX_DUPLICATE_ROWS {
                    found.rows.push(PreviewRow {
                        line: row.line,
                        cells: row.fields.clone(),
                        problems: Vec::new(),
                        same_as: Some(link(pool, job.kind, same).await?),
                    });
                }
            }
        }
        Ok(found)
    }

    /// The first rows as `mapping` would save them: the form's checks, and
    /// the record each is the same as.
    pub async fn preview(
        pool: &PgPool,
        job: Job,
        mapping: Vec<String>,
    ) -> AppResult<Vec<PreviewRow>> {
        let rows = {
            let pool = pool.clone();
            let (id, encoding, delimiter) = (job.id, job.encoding, job.delimiter);
            tokio::task::spawn_blocking(move || {
                let mut first = Vec::new();
                job::read_batches(
                    ChunkReader::new(pool, id),
                    encoding,
                    delimiter,
                    0,
                    |batch| {
                        if let Ok(batch) = batch {
                            first.extend(batch.into_iter().take(PREVIEW_ROWS));
                        }
                        false
                    },
                );
                first
            })
            .await
            .map_err(|e| AppError::server(e.to_string()))?
        };
        let d = job.kind.describe();
        let spec = d.import.as_ref().ok_or(AppError::Forbidden)?;
        let prepared =
            job::prepare_rows(&mut *pool.acquire().await?, d, spec, &mapping, &rows).await?;
        let valid: Vec<&_> = prepared.iter().filter_map(|p| p.as_ref().ok()).collect();
        let mut keys = job::match_rows(pool, d, spec, &valid, true)
            .await?
            .into_iter();
        let mut out = Vec::with_capacity(rows.len());
        for (row, prepared) in rows.into_iter().zip(prepared) {
            let (problems, same_as) = match prepared {
                Err(problems) => (problems, None),
                Ok(_) => match keys.next().and_then(|k| k.same) {
                    Some(id) => (Vec::new(), Some(link(pool, job.kind, id).await?)),
                    None => (Vec::new(), None),
                },
            };
            out.push(PreviewRow {
                line: row.line,
                cells: row.fields,
                problems,
                same_as,
            });
        }
        Ok(out)
    }

    async fn link(pool: &PgPool, kind: RecordKind, id: i64) -> AppResult<RecordLink> {
        let d = kind.describe();
        let (name, detail): (String, String) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {name}, {detail} FROM {table} r WHERE r.id = $1",
            name = d.name_sql,
            detail = d.detail_sql,
            table = d.table
        )))
        .bind(id)
        .fetch_one(pool)
        .await?;
        Ok(RecordLink {
            kind,
            id,
            name,
            detail,
        })
    }

    /// The import as its page shows it.
    pub async fn view(pool: &PgPool, user: &CurrentUser, id: i64) -> AppResult<ImportView> {
        type Row = (
            String,
            String,
            String,
            String,
            Vec<String>,
            Vec<String>,
            String,
            String,
            (i32, i32, i32, i32, i32, i32),
            Option<i64>,
            bool,
            String,
            String,
        );
        let r: Row = sqlx::query_as(
            "SELECT i.record_type, i.file_name, i.encoding, i.delimiter, i.headers, i.mapping,
                    i.on_duplicate, i.status,
                    (i.total_rows, i.done_rows, i.created_count, i.updated_count, i.skipped_count,
                     i.refused_count),
                    extract(epoch FROM coalesce(i.finished_at, now()) - i.started_at)::bigint,
                    i.status IN ('done', 'cancelled', 'failed')
                        AND coalesce(i.finished_at, now()) > now() - interval '7 days',
                    u.name, to_char(i.created_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI')
             FROM imports i JOIN users u ON u.id = i.created_by WHERE i.id = $1",
        )
        .bind(id)
        .bind(crate::ssr::zones::zone(&user.time_zone).name())
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
        let (total, done, created, updated, skipped, refused) = r.8;
        let kind = RecordKind::parse(&r.0).ok_or(AppError::NotFound)?;
        Ok(ImportView {
            id,
            kind,
            matches: kind
                .describe()
                .import
                .as_ref()
                .is_some_and(|i| !i.same_sql.is_empty()),
            file_name: r.1,
            encoding: r.2,
            delimiter: r.3,
            headers: r.4,
            mapping: r.5,
            on_duplicate: super::super::DuplicatePolicy::parse(&r.6).unwrap_or_default(),
            status: ImportStatus::parse(&r.7),
            total_rows: total,
            done_rows: done,
            created,
            updated,
            skipped,
            refused,
            elapsed_secs: r.9,
            can_undo: r.10,
            created_by_name: r.11,
            created_at: r.12,
        })
    }

    /// The refused rows as CSV, in `reader`'s language and delimiter: the
    /// file's own columns as they were, then the line and why (each
    /// field's problem in the form's words), ready to be fixed and
    /// imported again.
    pub async fn refused_csv(pool: &PgPool, reader: &CurrentUser, id: i64) -> AppResult<Vec<u8>> {
        use crate::i18n::{Locale, td_string};
        use crate::ssr::export::{CsvFormat, write_record};
        let job = job::load(pool, id).await?;
        let headers: Vec<String> = sqlx::query_scalar("SELECT headers FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?;
        let refused: Vec<(i32, sqlx::types::Json<Vec<FieldError>>)> = sqlx::query_as(
            "SELECT line, problems FROM import_rows
             WHERE import_id = $1 AND outcome = 'refused' ORDER BY line",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let l = if reader.locale == "fr" {
            Locale::fr
        } else {
            Locale::en
        };
        let d = job.kind.describe();
        let reasons: std::collections::HashMap<u64, String> = refused
            .into_iter()
            .map(|(line, problems)| {
                let text = problems
                    .0
                    .iter()
                    .map(|e| {
                        let words = crate::ui::feedback::problem_words(l, e.problem);
                        if e.field.is_empty() {
                            words
                        } else {
                            let sep = if l == Locale::fr { " : " } else { ": " };
                            format!("{}{sep}{words}", d.label(l, &e.field))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ; ");
                (line as u64, text)
            })
            .collect();
        let format = CsvFormat::for_reader(&reader.locale, None);
        let mut out = "\u{feff}".as_bytes().to_vec();
        let mut head = headers;
        head.push(td_string!(l, import.line).to_string());
        head.push(td_string!(l, import.reason).to_string());
        write_record(&mut out, &head, format)?;
        let pool = pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut result = Ok(());
            let mut left = reasons.len();
            job::read_batches(
                ChunkReader::new(pool, id),
                job.encoding,
                job.delimiter,
                0,
                |batch| {
                    let Ok(batch) = batch else { return false };
                    for row in batch {
                        if let Some(reason) = reasons.get(&row.line) {
                            let mut cells = row.fields;
                            cells.push(row.line.to_string());
                            cells.push(reason.clone());
                            if let Err(e) = write_record(&mut out, &cells, format) {
                                result = Err(e);
                                return false;
                            }
                            left -= 1;
                        }
                    }
                    left > 0
                },
            );
            result.map(|()| out)
        })
        .await
        .map_err(|e| AppError::server(e.to_string()))?
    }
}
