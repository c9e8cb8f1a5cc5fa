//! The import job: a queued import's rows applied in the background, by
//! whichever instance claims it, a batch per transaction.
//!
//! Exactly once: a batch's rows, what they did (`import_rows`) and the
//! import's position (`done_rows`) commit together, under a lock of the
//! import's row that also checks the job is still this instance's. A job
//! stopped anywhere (server restart, crash) is taken over when its
//! heartbeat is older than [`STALE_SECS`] and resumes after the last
//! committed batch; a cancelled one stops at its next batch.

use super::DuplicatePolicy;
use super::csv_in::{self, Encoding, Row};
use crate::error::{AppError, AppResult, FieldError, FieldProblem};
use crate::records::RecordKind;
use crate::records::kind::{Descriptor, ImportSpec, Values};
use sqlx::{AssertSqlSafe, PgPool, Postgres, Transaction};
use std::io::{self, Read};

/// Rows per transaction.
pub const BATCH: usize = 250;
/// A running job whose instance has not written for this long is taken
/// over by another.
pub const STALE_SECS: i64 = 30;

/// An import's file read back from its chunks (for the blocking parser:
/// each chunk is fetched when the previous one is used up, so memory holds
/// one chunk whatever the file's size).
pub struct ChunkReader {
    pool: PgPool,
    handle: tokio::runtime::Handle,
    import_id: i64,
    next: i32,
    buf: Vec<u8>,
    pos: usize,
    done: bool,
}

impl ChunkReader {
    /// To be used off the async runtime (`spawn_blocking`).
    pub fn new(pool: PgPool, import_id: i64) -> ChunkReader {
        ChunkReader {
            pool,
            handle: tokio::runtime::Handle::current(),
            import_id,
            next: 0,
            buf: Vec::new(),
            pos: 0,
            done: false,
        }
    }
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.buf.len() {
            if self.done {
                return Ok(0);
            }
            let chunk: Option<Vec<u8>> = self
                .handle
                .block_on(
                    sqlx::query_scalar(
                        "SELECT data FROM import_chunks WHERE import_id = $1 AND seq = $2",
                    )
                    .bind(self.import_id)
                    .bind(self.next)
                    .fetch_optional(&self.pool),
                )
                .map_err(io::Error::other)?;
            match chunk {
                Some(data) => {
                    self.buf = data;
                    self.pos = 0;
                    self.next += 1;
                }
                None => self.done = true,
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// What a job needs to know of its import.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: RecordKind,
    pub encoding: Encoding,
    pub delimiter: u8,
    pub mapping: Vec<String>,
    pub policy: DuplicatePolicy,
    pub done_rows: i32,
    pub user_id: i64,
}

pub async fn load(db: impl sqlx::PgExecutor<'_>, id: i64) -> AppResult<Job> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        record_type: String,
        encoding: String,
        delimiter: String,
        mapping: Vec<String>,
        on_duplicate: String,
        done_rows: i32,
        created_by: i64,
    }
    let row: Option<Stored> = sqlx::query_as(
        "SELECT record_type, encoding, delimiter, mapping, on_duplicate, done_rows, created_by
         FROM imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let s = row.ok_or(AppError::NotFound)?;
    Ok(Job {
        id,
        kind: RecordKind::parse(&s.record_type).ok_or(AppError::NotFound)?,
        encoding: Encoding::from_name(&s.encoding).unwrap_or(Encoding::Utf8),
        delimiter: s.delimiter.bytes().next().unwrap_or(b','),
        mapping: s.mapping,
        policy: DuplicatePolicy::parse(&s.on_duplicate).unwrap_or_default(),
        done_rows: s.done_rows,
        user_id: s.created_by,
    })
}

/// The values of one row by field, as mapped (empty cells left out).
pub fn values_of(d: &Descriptor, mapping: &[String], row: &Row) -> Values {
    let mut v = Values::new();
    for (cell, field) in row.fields.iter().zip(mapping) {
        let Some((name, _)) = d.importable.iter().find(|(f, _)| *f == field.as_str()) else {
            continue;
        };
        let cell = cell.trim();
        if !cell.is_empty() {
            v.insert(name, cell.to_string());
        }
    }
    v
}

/// Streams the rows of an import's file after the first `skip`, a batch at
/// a time, to `send` (which answers `false` to stop). Blocking.
pub fn read_batches(
    reader: impl Read,
    encoding: Encoding,
    delimiter: u8,
    skip: usize,
    mut send: impl FnMut(Result<Vec<Row>, String>) -> bool,
) {
    let (_, rows) = match csv_in::open(reader, encoding, delimiter) {
        Ok(opened) => opened,
        Err(e) => {
            send(Err(e.to_string()));
            return;
        }
    };
    let mut batch = Vec::with_capacity(BATCH);
    for row in rows.skip(skip) {
        match row {
            Ok(row) => batch.push(row),
            Err(e) => {
                send(Err(e.to_string()));
                return;
            }
        }
        if batch.len() == BATCH && !send(Ok(std::mem::take(&mut batch))) {
            return;
        }
    }
    if !batch.is_empty() {
        send(Ok(batch));
    }
}

/// Claims the oldest import waiting for an instance (queued, or running
/// with a stale heartbeat) for `worker`.
pub async fn claim(pool: &PgPool, worker: &str) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(AssertSqlSafe(format!(
        "UPDATE imports SET status = 'running', worker = $1, heartbeat_at = now(),
                started_at = coalesce(started_at, now())
         WHERE id = (SELECT id FROM imports
                     WHERE status = 'queued'
                        OR (status = 'running' AND heartbeat_at < now() - interval '{STALE_SECS} seconds')
                     ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
         RETURNING id"
    )))
    .bind(worker)
    .fetch_optional(pool)
    .await?)
}

/// Runs every import waiting for an instance, one after the other; the
/// number run.
pub async fn run_pending(pool: &PgPool, worker: &str) -> AppResult<usize> {
    let mut n = 0;
    while let Some(id) = claim(pool, worker).await? {
        if let Err(e) = run(pool, id, worker).await {
            tracing::warn!(import = id, error = ?e, "import failed");
            sqlx::query(
                "UPDATE imports SET status = 'failed', error = $2, finished_at = now()
                 WHERE id = $1 AND worker = $3 AND status = 'running'",
            )
            .bind(id)
            .bind(format!("{e:?}"))
            .bind(worker)
            .execute(pool)
            .await?;
        }
        n += 1;
    }
    Ok(n)
}

/// Counts of one batch.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    created: i32,
    updated: i32,
    skipped: i32,
    refused: i32,
}

/// Applies import `id`, claimed by `worker`, from where it stands.
pub async fn run(pool: &PgPool, id: i64, worker: &str) -> AppResult<()> {
    run_batches(pool, id, worker, usize::MAX).await
}

/// [`run`], stopping after `max_batches` (a test stands for a crash so).
pub async fn run_batches(
    pool: &PgPool,
    id: i64,
    worker: &str,
    max_batches: usize,
) -> AppResult<()> {
    let job = load(pool, id).await?;
    let d = job.kind.describe();
    let spec = d.import.as_ref().ok_or(AppError::Forbidden)?;
    let (tx_rows, mut rx_rows) = tokio::sync::mpsc::channel::<Result<Vec<Row>, String>>(2);
    let reader = {
        let pool = pool.clone();
        let (encoding, delimiter, skip) = (job.encoding, job.delimiter, job.done_rows as usize);
        tokio::task::spawn_blocking(move || {
            let file = ChunkReader::new(pool, id);
            read_batches(file, encoding, delimiter, skip, |b| {
                tx_rows.blocking_send(b).is_ok()
            });
        })
    };
    let mut expected = job.done_rows;
    let mut batches = 0;
    let mut finished = true;
    while let Some(batch) = rx_rows.recv().await {
        let batch = batch.map_err(AppError::server)?;
        if batches == max_batches {
            finished = false;
            break;
        }
        match apply_batch(pool, &job, spec, d, worker, expected, &batch).await? {
            Some(done) => expected = done,
            None => {
                finished = false;
                break;
            }
        }
        batches += 1;
    }
    drop(rx_rows);
    let _ = reader.await;
    if finished {
        let mut tx = pool.begin().await?;
        let done = sqlx::query(
            "UPDATE imports SET status = 'done', finished_at = now(), heartbeat_at = now()
             WHERE id = $1 AND worker = $2 AND status = 'running' AND done_rows = $3",
        )
        .bind(id)
        .bind(worker)
        .bind(expected)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            audit_import(&mut tx, id, crate::ssr::audit::action::IMPORT, job.user_id).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Writes the import's summary in the audit log, as `user_id` (who ran
/// it, or who undid it).
pub async fn audit_import(
    tx: &mut Transaction<'static, Postgres>,
    id: i64,
    action: &str,
    user_id: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (user_id, user_name, address, action, record_type, record_id, detail)
         SELECT u.id, u.name, 'import ' || i.id, $2, i.record_type, NULL,
                left(format('%s: %s created, %s updated, %s skipped, %s refused',
                            i.file_name, i.created_count, i.updated_count, i.skipped_count, i.refused_count), 2000)
         FROM imports i, users u WHERE i.id = $1 AND u.id = $3",
    )
    .bind(id)
    .bind(action)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One batch in one transaction; the new position, or `None` when the job
/// is no longer this instance's to run (cancelled, or taken over).
async fn apply_batch(
    pool: &PgPool,
    job: &Job,
    spec: &ImportSpec,
    d: &Descriptor,
    worker: &str,
    expected: i32,
    batch: &[Row],
) -> AppResult<Option<i32>> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "SELECT set_config('relais.user_id', $1, true), set_config('relais.address', $2, true)",
    )
    .bind(job.user_id.to_string())
    .bind(format!("import {}", job.id))
    .execute(&mut *tx)
    .await?;
    let state: Option<(String, Option<String>, i32)> =
        sqlx::query_as("SELECT status, worker, done_rows FROM imports WHERE id = $1 FOR UPDATE")
            .bind(job.id)
            .fetch_optional(&mut *tx)
            .await?;
    match state {
        Some((status, Some(w), done)) if status == "running" && w == worker && done == expected => {
        }
        _ => return Ok(None),
    }
    let mut counts = Counts::default();
    for row in batch {
        let line = row.line as i32;
        let values = values_of(d, &job.mapping, row);
        let outcome = match (spec.prepare)(values) {
            Err(problems) => Err(problems),
            Ok(values) => {
                // A row the database refuses all the same (a constraint)
                // is refused alone: its savepoint is rolled back.
                let mut sp = sqlx::Acquire::begin(&mut *tx).await?;
                match apply_row(&mut sp, job, spec, d, line, &values).await {
                    Ok(outcome) => {
                        sp.commit().await?;
                        Ok(outcome)
                    }
                    Err(e) => {
                        drop(sp);
                        tracing::warn!(import = job.id, line, error = %e, "import row not saved");
                        Err(vec![FieldError {
                            field: String::new(),
                            problem: FieldProblem::NotSaved,
                        }])
                    }
                }
            }
        };
        match outcome {
            Ok(Outcome::Created) => counts.created += 1,
            Ok(Outcome::Updated) => counts.updated += 1,
            Ok(Outcome::Skipped) => counts.skipped += 1,
            Err(problems) => {
                counts.refused += 1;
                sqlx::query(
                    "INSERT INTO import_rows (import_id, line, record_type, outcome, problems)
                     VALUES ($1, $2, $3, 'refused', $4)",
                )
                .bind(job.id)
                .bind(line)
                .bind(d.record_type)
                .bind(sqlx::types::Json(&problems))
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    let done = expected + batch.len() as i32;
    sqlx::query(
        "UPDATE imports SET done_rows = $2, heartbeat_at = now(),
                created_count = created_count + $3, updated_count = updated_count + $4,
                skipped_count = skipped_count + $5, refused_count = refused_count + $6
         WHERE id = $1",
    )
    .bind(job.id)
    .bind(done)
    .bind(counts.created)
    .bind(counts.updated)
    .bind(counts.skipped)
    .bind(counts.refused)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(done))
}

enum Outcome {
    Created,
    Updated,
    Skipped,
}

/// The live record the row is the same as ([`ImportSpec::same_sql`]).
pub async fn same_as(
    db: impl sqlx::PgExecutor<'_>,
    d: &Descriptor,
    spec: &ImportSpec,
    v: &Values,
) -> sqlx::Result<Option<i64>> {
    let get = |f: &str| v.get(f).map(String::as_str).unwrap_or("");
    let arms = spec
        .same_sql
        .iter()
        .map(|arm| {
            format!(
                "SELECT r.id FROM {} r, k WHERE r.deleted_at IS NULL AND {arm}",
                d.table
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    sqlx::query_scalar(AssertSqlSafe(format!(
        "WITH k AS (SELECT lower($1) AS email, relais_phone_key($2) AS p1, relais_phone_key($3) AS p2,
                           $4::text AS name)
         SELECT min(id) FROM ({arms}) same"
    )))
    .bind(get("email"))
    .bind(get(spec.phones[0]))
    .bind(get(spec.phones[1]))
    .bind((spec.name_of)(v))
    .fetch_one(db)
    .await
}

async fn apply_row(
    tx: &mut Transaction<'_, Postgres>,
    job: &Job,
    spec: &ImportSpec,
    d: &Descriptor,
    line: i32,
    v: &Values,
) -> sqlx::Result<Outcome> {
    let same = match job.policy {
        DuplicatePolicy::Create => None,
        _ => same_as(&mut **tx, d, spec, v).await?,
    };
    let present: Vec<(&str, &str)> = spec
        .columns
        .iter()
        .filter(|(c, _)| v.contains_key(c))
        .map(|(c, t)| (*c, *t))
        .collect();
    let (outcome, id) = match (same, job.policy) {
        (Some(id), DuplicatePolicy::Skip) => {
            record_row(
                tx,
                job,
                line,
                d.record_type,
                "skipped",
                Some(id),
                None,
                None,
            )
            .await?;
            (Outcome::Skipped, id)
        }
        (Some(id), policy) => {
            // The columns this row changes: empty ones only, or any that
            // differ when overwriting.
            let names: Vec<&str> = present.iter().map(|(c, _)| *c).collect();
            let before: serde_json::Value = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT jsonb_build_object({}) FROM {} r WHERE id = $1 FOR UPDATE",
                names
                    .iter()
                    .map(|c| format!("'{c}', r.{c}::text"))
                    .collect::<Vec<_>>()
                    .join(", "),
                d.table
            )))
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
            let changes: Vec<(&str, &str)> = present
                .iter()
                .filter(|(c, _)| {
                    let old = before.get(*c).and_then(|o| o.as_str()).unwrap_or("");
                    match policy {
                        DuplicatePolicy::Fill => old.is_empty(),
                        _ => old != v[c],
                    }
                })
                .copied()
                .collect();
            if changes.is_empty() {
                record_row(
                    tx,
                    job,
                    line,
                    d.record_type,
                    "skipped",
                    Some(id),
                    None,
                    None,
                )
                .await?;
                (Outcome::Skipped, id)
            } else {
                let set = set_list(&changes, 3);
                let mut q = sqlx::query_scalar(AssertSqlSafe(format!(
                    "UPDATE {} SET {set}, updated_by = $2, updated_at = now(), version = version + 1
                     WHERE id = $1 AND deleted_at IS NULL RETURNING version",
                    d.table
                )))
                .bind(id)
                .bind(job.user_id);
                for (c, _) in &changes {
                    q = q.bind(v[c].as_str());
                }
                let version: i32 = q.fetch_one(&mut **tx).await?;
                let kept: serde_json::Map<String, serde_json::Value> = changes
                    .iter()
                    .map(|(c, _)| (c.to_string(), before[*c].clone()))
                    .collect();
                let before = serde_json::Value::Object(kept);
                record_row(
                    tx,
                    job,
                    line,
                    d.record_type,
                    "updated",
                    Some(id),
                    Some(version),
                    Some(before),
                )
                .await?;
                (Outcome::Updated, id)
            }
        }
        (None, _) => {
            let cols: Vec<&str> = present.iter().map(|(c, _)| *c).collect();
            let params = present
                .iter()
                .enumerate()
                .map(|(i, (_, t))| format!("${}::text::{t}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let mut q = sqlx::query_as(AssertSqlSafe(format!(
                "INSERT INTO {} ({}owner_id, created_by, updated_by) VALUES ({}{}$1, $1, $1)
                 RETURNING id, version",
                d.table,
                cols.iter().map(|c| format!("{c}, ")).collect::<String>(),
                params,
                if params.is_empty() { "" } else { ", " },
            )))
            .bind(job.user_id);
            for (c, _) in &present {
                q = q.bind(v[c].as_str());
            }
            let (id, version): (i64, i32) = q.fetch_one(&mut **tx).await?;
            record_row(
                tx,
                job,
                line,
                d.record_type,
                "created",
                Some(id),
                Some(version),
                None,
            )
            .await?;
            (Outcome::Created, id)
        }
    };
    if let (Some(field), false) = (spec.company_field, matches!(outcome, Outcome::Skipped))
        && let Some(name) = v.get(field)
    {
        link_company(tx, job, line, id, name, v.get("job_title")).await?;
    }
    Ok(outcome)
}

/// Links person `person` to the company named `name` (folded), created if
/// there is none; the link is left as it is if there is one.
async fn link_company(
    tx: &mut Transaction<'_, Postgres>,
    job: &Job,
    line: i32,
    person: i64,
    name: &str,
    job_title: Option<&String>,
) -> sqlx::Result<()> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM companies WHERE deleted_at IS NULL AND sort_name = relais_fold($1)
         ORDER BY id LIMIT 1",
    )
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?;
    let company = match found {
        Some(id) => id,
        None => {
            let (id, version): (i64, i32) = sqlx::query_as(
                "INSERT INTO companies (name, owner_id, created_by, updated_by) VALUES ($1, $2, $2, $2)
                 RETURNING id, version",
            )
            .bind(name)
            .bind(job.user_id)
            .fetch_one(&mut **tx)
            .await?;
            let company = RecordKind::Company.as_str();
            record_row(
                tx,
                job,
                line,
                company,
                "created",
                Some(id),
                Some(version),
                None,
            )
            .await?;
            id
        }
    };
    sqlx::query(
        "INSERT INTO person_companies (person_id, company_id, job_title)
         SELECT $1, $2, $3 WHERE NOT EXISTS
             (SELECT 1 FROM person_companies WHERE person_id = $1 AND company_id = $2 AND end_date IS NULL)",
    )
    .bind(person)
    .bind(company)
    .bind(job_title)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// `col = $first::text::type, …`: the SET list of columns (with their SQL
/// type) whose text values are bound from parameter `first` on.
fn set_list(cols: &[(&str, &str)], first: usize) -> String {
    cols.iter()
        .enumerate()
        .map(|(i, (c, t))| format!("{c} = ${}::text::{t}", i + first))
        .collect::<Vec<_>>()
        .join(", ")
}

#[allow(clippy::too_many_arguments)]
async fn record_row(
    tx: &mut Transaction<'_, Postgres>,
    job: &Job,
    line: i32,
    record_type: &str,
    outcome: &str,
    record_id: Option<i64>,
    version: Option<i32>,
    before: Option<serde_json::Value>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO import_rows (import_id, line, record_type, outcome, record_id, version, before)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(job.id)
    .bind(line)
    .bind(record_type)
    .bind(outcome)
    .bind(record_id)
    .bind(version)
    .bind(before)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Undoes a finished import as `user_id`: trashes what it created and
/// restores what it updated, each only if unchanged since (its version is
/// still the import's). Returns how many records were left as they are.
pub async fn undo(pool: &PgPool, id: i64, user_id: i64) -> AppResult<i64> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "SELECT set_config('relais.user_id', $1, true), set_config('relais.address', $2, true)",
    )
    .bind(user_id.to_string())
    .bind(format!("import {id}"))
    .execute(&mut *tx)
    .await?;
    let open: Option<bool> = sqlx::query_scalar(
        "SELECT status IN ('done', 'cancelled', 'failed') AND coalesce(finished_at, now()) > now() - interval '7 days'
         FROM imports WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    match open {
        None => return Err(AppError::NotFound),
        Some(false) => return Err(AppError::Forbidden),
        Some(true) => {}
    }
    let mut left = 0;
    for kind in RecordKind::ALL {
        let d = kind.describe();
        let Some(spec) = &d.import else { continue };
        let trashed = sqlx::query(AssertSqlSafe(format!(
            "UPDATE {t} r SET deleted_at = now(), updated_by = $2, updated_at = now(), version = r.version + 1
             FROM import_rows ir
             WHERE ir.import_id = $1 AND ir.record_type = $3 AND ir.outcome = 'created'
               AND r.id = ir.record_id AND r.version = ir.version AND r.deleted_at IS NULL",
            t = d.table
        )))
        .bind(id)
        .bind(user_id)
        .bind(d.record_type)
        .execute(&mut *tx)
        .await?;
        let created: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM import_rows WHERE import_id = $1 AND record_type = $2 AND outcome = 'created'",
        )
        .bind(id)
        .bind(d.record_type)
        .fetch_one(&mut *tx)
        .await?;
        left += created - trashed.rows_affected() as i64;
        let updated: Vec<(i64, i32, serde_json::Value)> = sqlx::query_as(
            "SELECT record_id, version, before FROM import_rows
             WHERE import_id = $1 AND record_type = $2 AND outcome = 'updated' ORDER BY line",
        )
        .bind(id)
        .bind(d.record_type)
        .fetch_all(&mut *tx)
        .await?;
        for (record, version, before) in updated {
            let Some(before) = before.as_object() else {
                continue;
            };
            let cols: Vec<(&str, &str)> = spec
                .columns
                .iter()
                .filter(|(c, _)| before.contains_key(*c))
                .copied()
                .collect();
            if cols.is_empty() {
                continue;
            }
            let set = set_list(&cols, 4);
            let mut q = sqlx::query(AssertSqlSafe(format!(
                "UPDATE {} SET {set}, updated_by = $3, updated_at = now(), version = version + 1
                 WHERE id = $1 AND version = $2 AND deleted_at IS NULL",
                d.table
            )))
            .bind(record)
            .bind(version)
            .bind(user_id);
            for (c, _) in &cols {
                q = q.bind(before[*c].as_str());
            }
            if q.execute(&mut *tx).await?.rows_affected() == 0 {
                left += 1;
            }
        }
    }
    sqlx::query("UPDATE imports SET status = 'undone', undone_at = now() WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit_import(&mut tx, id, crate::ssr::audit::action::IMPORT_UNDO, user_id).await?;
    tx.commit().await?;
    Ok(left)
}
