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
use crate::records::kind::{Descriptor, Find, ImportSpec, Values};
use sqlx::{AssertSqlSafe, PgPool, Postgres, Transaction};
use std::collections::HashMap;
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
    /// The rows whose duplicate is handled otherwise, by line.
    pub choices: HashMap<i32, DuplicatePolicy>,
    pub done_rows: i32,
    pub user_id: i64,
}

impl Job {
    /// What to do with line `line` when it is the same as a record.
    pub fn policy_for(&self, line: i32) -> DuplicatePolicy {
        self.choices.get(&line).copied().unwrap_or(self.policy)
    }
}

pub async fn load(db: impl sqlx::PgExecutor<'_>, id: i64) -> AppResult<Job> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        record_type: String,
        encoding: String,
        delimiter: String,
        mapping: Vec<String>,
        on_duplicate: String,
        row_choices: sqlx::types::Json<HashMap<String, DuplicatePolicy>>,
        done_rows: i32,
        created_by: i64,
    }
    let row: Option<Stored> = sqlx::query_as(
        "SELECT record_type, encoding, delimiter, mapping, on_duplicate, row_choices, done_rows,
                created_by
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
        choices: s
            .row_choices
            .0
            .into_iter()
            .filter_map(|(line, p)| Some((line.parse().ok()?, p)))
            .collect(),
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

/// The rows' values as they will be saved, or what is wrong with them:
/// the form's checks ([`ImportSpec::prepare`]), then the records their
/// fields name, looked up with one statement per reference for all the
/// rows ([`ImportSpec::references`]). A company to create is left to the
/// run ([`Find::Company`]): the preview and the duplicates step call this
/// too, and write nothing.
pub async fn prepare_rows(
    db: &mut sqlx::PgConnection,
    d: &Descriptor,
    spec: &ImportSpec,
    mapping: &[String],
    rows: &[Row],
) -> sqlx::Result<Vec<Result<Values, Vec<FieldError>>>> {
    let mut out: Vec<Result<Values, Vec<FieldError>>> = rows
        .iter()
        .map(|row| (spec.prepare)(values_of(d, mapping, row)))
        .collect();
    for r in spec.references {
        let named: Vec<(usize, String)> = out
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((i, v.as_ref().ok()?.get(r.field)?.clone())))
            .collect();
        if named.is_empty() {
            continue;
        }
        let found = find_sql(&r.find);
        let found: Vec<Option<serde_json::Value>> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT {found} FROM unnest($1::text[]) WITH ORDINALITY AS n(name, ord) ORDER BY n.ord"
        )))
        .bind(named.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>())
        .fetch_all(&mut *db)
        .await?;
        for ((i, _), found) in named.iter().zip(found) {
            let Ok(values) = &mut out[*i] else { continue };
            let mut fill = |key: &'static str, value: &serde_json::Value| {
                if let Some(text) = json_text(value) {
                    values.entry(key).or_insert(text);
                }
            };
            match (&r.find, found.as_ref().and_then(|f| f.as_object())) {
                (
                    Find::Named {
                        column,
                        type_column,
                        ..
                    },
                    Some(f),
                ) => {
                    fill(column, &f["id"]);
                    if let Some(t) = type_column {
                        fill(t, &f["type"]);
                    }
                }
                (Find::Company { column }, Some(f)) => fill(column, &f["id"]),
                (Find::Sql { fills, .. }, Some(f)) => {
                    for key in *fills {
                        if let Some(v) = f.get(*key) {
                            fill(key, v);
                        }
                    }
                }
                // Created by the run.
                (Find::Company { .. }, None) => {}
                (Find::Named { .. } | Find::Sql { .. }, None) => {
                    out[*i] = Err(vec![FieldError {
                        field: r.field.to_string(),
                        problem: FieldProblem::NotFound,
                    }]);
                }
            }
        }
    }
    Ok(out)
}

/// A value found in SQL as the text a row's values hold (`None`: none).
fn json_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// SQL of a jsonb object (`id`, `type`) for the record the cell `n.name`
/// names, or of the values [`Find::Sql`] gives; NULL when none.
fn find_sql(find: &Find) -> String {
    let named = |kinds: &[RecordKind]| {
        let arms: Vec<String> = kinds
            .iter()
            .filter_map(|k| {
                let d = k.describe();
                let named = d.import.as_ref()?.named_sql?;
                Some(format!(
                    "(SELECT jsonb_build_object('id', r.id, 'type', '{t}') FROM {table} r
                      WHERE r.deleted_at IS NULL AND ({named}) ORDER BY r.id LIMIT 1)",
                    t = d.record_type,
                    table = d.table,
                ))
            })
            .collect();
        match arms.len() {
            0 => "NULL::jsonb".to_string(),
            1 => arms[0].clone(),
            _ => format!("coalesce({})", arms.join(", ")),
        }
    };
    match find {
        Find::Named { kinds, .. } => named(kinds),
        Find::Company { .. } => named(&[RecordKind::Company]),
        Find::Sql { sql, .. } => format!("({sql})"),
    }
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
        // The planner's statistics follow the tables the import fills (at
        // 1, 2, 4, 8… batches): estimates made when a table was nearly
        // empty would plan whole-table scans for each row's lookups.
        if batches.is_power_of_two() {
            analyze(pool, d, spec).await?;
        }
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

/// Refreshes the statistics of the tables an import of `d` writes.
async fn analyze(pool: &PgPool, d: &Descriptor, spec: &ImportSpec) -> sqlx::Result<()> {
    let mut tables = vec![d.table];
    if spec.company_field.is_some()
        || spec
            .references
            .iter()
            .any(|r| matches!(r.find, Find::Company { .. }))
    {
        tables.push(RecordKind::Company.describe().table);
    }
    for table in tables {
        sqlx::query(AssertSqlSafe(format!("ANALYZE {table}")))
            .execute(pool)
            .await?;
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
///
/// The batch is applied set-based (a statement per step for all its rows);
/// if the database refuses any of it (a constraint), that attempt is rolled
/// back to a savepoint and the rows are applied one by one, each in a
/// savepoint of its own, so that only the row at fault is refused.
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
    // A plan for this batch's rows and the tables as they are now: a plan
    // cached while an import fills an empty table would scan it whole.
    // A date and time written in the file is the importing user's local
    // time (an interaction's start): the transaction reads them in their
    // zone.
    sqlx::query(
        "SELECT set_config('relais.user_id', $1, true), set_config('relais.address', $2, true),
                set_config('plan_cache_mode', 'force_custom_plan', true),
                set_config('TimeZone', (SELECT time_zone FROM users WHERE id = $3), true)",
    )
    .bind(job.user_id.to_string())
    .bind(format!("import {}", job.id))
    .bind(job.user_id)
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
    let mut notes = Vec::with_capacity(batch.len());
    let mut ready = Vec::with_capacity(batch.len());
    let prepared = prepare_rows(&mut tx, d, spec, &job.mapping, batch).await?;
    for (row, prepared) in batch.iter().zip(prepared) {
        let line = row.line as i32;
        match prepared {
            Ok(values) => ready.push((line, values)),
            Err(problems) => {
                counts.refused += 1;
                notes.push(Note::refused(line, d.record_type, &problems));
            }
        }
    }
    match in_savepoint(&mut tx, job, spec, d, &ready).await? {
        Ok((c, mut done)) => {
            counts.add(c);
            notes.append(&mut done);
        }
        Err(e) => {
            tracing::info!(import = job.id, error = %e, "batch refused as a whole; row by row");
            for row in &ready {
                match in_savepoint(&mut tx, job, spec, d, std::slice::from_ref(row)).await? {
                    Ok((c, mut done)) => {
                        counts.add(c);
                        notes.append(&mut done);
                    }
                    Err(e) => {
                        let line = row.0;
                        tracing::warn!(import = job.id, line, error = %e, "import row not saved");
                        counts.refused += 1;
                        let problems = [FieldError {
                            field: String::new(),
                            problem: FieldProblem::NotSaved,
                        }];
                        notes.push(Note::refused(line, d.record_type, &problems));
                    }
                }
            }
        }
    }
    write_notes(&mut tx, job.id, &notes).await?;
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

/// [`apply_rows`] in a savepoint: committed with what the rows did, or
/// rolled back with what the database said (the outer error is the
/// connection's own).
async fn in_savepoint(
    tx: &mut Transaction<'static, Postgres>,
    job: &Job,
    spec: &ImportSpec,
    d: &Descriptor,
    rows: &[(i32, Values)],
) -> sqlx::Result<Result<(Counts, Vec<Note>), sqlx::Error>> {
    let mut sp = sqlx::Acquire::begin(&mut **tx).await?;
    let mut notes = Vec::with_capacity(rows.len());
    match apply_rows(&mut sp, job, spec, d, rows, &mut notes).await {
        Ok(counts) => {
            sp.commit().await?;
            Ok(Ok((counts, notes)))
        }
        Err(e) => {
            sp.rollback().await?;
            Ok(Err(e))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Created,
    Updated,
    Skipped,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.created += o.created;
        self.updated += o.updated;
        self.skipped += o.skipped;
        self.refused += o.refused;
    }
}

/// What a line of the file did, written to `import_rows` with its batch.
struct Note {
    line: i32,
    record_type: &'static str,
    outcome: &'static str,
    record_id: Option<i64>,
    version: Option<i32>,
    before: Option<String>,
    problems: Option<String>,
}

impl Note {
    fn new(line: i32, record_type: &'static str, outcome: &'static str, id: i64) -> Note {
        Note {
            line,
            record_type,
            outcome,
            record_id: Some(id),
            version: None,
            before: None,
            problems: None,
        }
    }

    fn refused(line: i32, record_type: &'static str, problems: &[FieldError]) -> Note {
        Note {
            line,
            record_type,
            outcome: "refused",
            record_id: None,
            version: None,
            before: None,
            problems: serde_json::to_string(problems).ok(),
        }
    }
}

/// Writes a batch's notes in one statement.
async fn write_notes(
    tx: &mut Transaction<'_, Postgres>,
    import_id: i64,
    notes: &[Note],
) -> sqlx::Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO import_rows (import_id, line, record_type, outcome, record_id, version, before, problems)
         SELECT $1, x.line, x.record_type, x.outcome, x.record_id, x.version, x.before::jsonb, x.problems::jsonb
         FROM unnest($2::int4[], $3::text[], $4::text[], $5::int8[], $6::int4[], $7::text[], $8::text[])
              AS x(line, record_type, outcome, record_id, version, before, problems)",
    )
    .bind(import_id)
    .bind(notes.iter().map(|n| n.line).collect::<Vec<_>>())
    .bind(notes.iter().map(|n| n.record_type).collect::<Vec<_>>())
    .bind(notes.iter().map(|n| n.outcome).collect::<Vec<_>>())
    .bind(notes.iter().map(|n| n.record_id).collect::<Vec<_>>())
    .bind(notes.iter().map(|n| n.version).collect::<Vec<_>>())
    .bind(notes.iter().map(|n| n.before.clone()).collect::<Vec<_>>())
    .bind(notes.iter().map(|n| n.problems.clone()).collect::<Vec<_>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The keys a row is matched by, as SQL makes them.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Keys {
    /// The live record it is the same as ([`ImportSpec::same_sql`]).
    pub same: Option<i64>,
    email: String,
    p1: Option<String>,
    p2: Option<String>,
    name: String,
}

/// Each row's keys and the live record it is the same as (`same` only
/// with `look`), in one statement for all rows: each rule of
/// [`ImportSpec::same_sql`] is looked up on its own index.
pub async fn match_rows(
    db: impl sqlx::PgExecutor<'_>,
    d: &Descriptor,
    spec: &ImportSpec,
    rows: &[&Values],
    look: bool,
) -> sqlx::Result<Vec<Keys>> {
    let get = |v: &Values, f: &str| v.get(f).cloned().unwrap_or_default();
    let arms = spec
        .same_sql
        .iter()
        .map(|arm| {
            format!(
                "SELECT r.id FROM {} r WHERE r.deleted_at IS NULL AND {arm}",
                d.table
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let same = if arms.is_empty() {
        "NULL::int8".to_string()
    } else {
        format!("(SELECT min(id) FROM ({arms}) same)")
    };
    sqlx::query_as(AssertSqlSafe(format!(
        "SELECT k.email, k.p1, k.p2, relais_fold(k.name) AS name,
                    CASE WHEN $5 THEN {same} END AS same
             FROM (SELECT lower(e) AS email, relais_phone_key(a) AS p1, relais_phone_key(b) AS p2,
                          n AS name, ord
                   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
                        AS x(e, a, b, n, ord)) k
             ORDER BY k.ord"
    )))
    .bind(rows.iter().map(|v| get(v, "email")).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|v| get(v, spec.phones[0]))
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|v| get(v, spec.phones[1]))
            .collect::<Vec<_>>(),
    )
    .bind(rows.iter().map(|v| (spec.name_of)(v)).collect::<Vec<_>>())
    .bind(look)
    .fetch_all(db)
    .await
}

/// Earlier rows of the file not yet saved, by the keys that make a later
/// row the same as them (the rules of [`ImportSpec::same_sql`], applied
/// within the batch; earlier batches are in the database already).
#[derive(Default)]
struct Earlier {
    email: HashMap<String, usize>,
    phone: HashMap<String, usize>,
    name: HashMap<String, usize>,
}

impl Earlier {
    fn add(&mut self, k: &Keys, at: usize) {
        if !k.email.is_empty() {
            self.email.entry(k.email.clone()).or_insert(at);
        }
        for p in [&k.p1, &k.p2].into_iter().flatten() {
            self.phone.entry(p.clone()).or_insert(at);
        }
        self.name.entry(k.name.clone()).or_insert(at);
    }

    fn find(&self, k: &Keys) -> Option<usize> {
        let by_email = (!k.email.is_empty())
            .then(|| self.email.get(&k.email))
            .flatten();
        let by_phone = [&k.p1, &k.p2]
            .into_iter()
            .flatten()
            .filter_map(|p| self.phone.get(p))
            .min();
        let by_name = (k.email.is_empty() && k.p1.is_none() && k.p2.is_none())
            .then(|| self.name.get(&k.name))
            .flatten();
        [by_email, by_phone, by_name]
            .into_iter()
            .flatten()
            .min()
            .copied()
    }
}

/// Applies `rows` (prepared, with their line) set-based: one statement
/// matches them all, one creates the new ones, one finds their companies
/// (and one creates the missing ones), one links them; the rows that are
/// the same as a live record update it one by one. What each line did goes
/// to `notes`.
async fn apply_rows(
    tx: &mut Transaction<'_, Postgres>,
    job: &Job,
    spec: &ImportSpec,
    d: &Descriptor,
    rows: &[(i32, Values)],
    notes: &mut Vec<Note>,
) -> sqlx::Result<Counts> {
    enum Plan {
        /// Creates new record `n` (an index in `new`).
        Create(usize),
        /// The same as new record `n` of an earlier row (merged into it).
        Earlier(usize, Outcome),
        /// The same as a live record.
        Live(i64),
    }
    // The companies the rows name that are not there yet (a deal's).
    let mut owned: Vec<(i32, Values)>;
    let rows = if spec
        .references
        .iter()
        .any(|r| matches!(r.find, Find::Company { .. }))
    {
        owned = rows.to_vec();
        for r in spec.references {
            let Find::Company { column } = r.find else {
                continue;
            };
            let missing: Vec<usize> = (0..owned.len())
                .filter(|i| !owned[*i].1.contains_key(column) && owned[*i].1.contains_key(r.field))
                .collect();
            let names: Vec<(i32, &str)> = missing
                .iter()
                .map(|i| (owned[*i].0, owned[*i].1[r.field].as_str()))
                .collect();
            let ids = companies_named(tx, job, &names, notes).await?;
            for (i, id) in missing.into_iter().zip(ids) {
                owned[i].1.insert(column, id.to_string());
            }
        }
        &owned[..]
    } else {
        rows
    };
    // A kind without duplicate rules (interactions) is always created.
    let matched =
        |line: i32| !spec.same_sql.is_empty() && job.policy_for(line) != DuplicatePolicy::Create;
    let look = rows.iter().any(|(line, _)| matched(*line));
    let all: Vec<&Values> = rows.iter().map(|(_, v)| v).collect();
    let keys = match_rows(&mut **tx, d, spec, &all, look).await?;
    let mut new: Vec<Values> = Vec::new();
    let mut earlier = Earlier::default();
    let mut plans = Vec::with_capacity(rows.len());
    for ((line, v), k) in rows.iter().zip(&keys) {
        let policy = job.policy_for(*line);
        let same = matched(*line).then_some(k);
        let plan = match (
            same.and_then(|k| k.same),
            same.and_then(|k| earlier.find(k)),
        ) {
            (Some(id), _) => Plan::Live(id),
            (None, Some(n)) => {
                let outcome = merge(&mut new[n], v, policy);
                earlier.add(k, n);
                Plan::Earlier(n, outcome)
            }
            (None, None) => {
                new.push(v.clone());
                earlier.add(k, new.len() - 1);
                Plan::Create(new.len() - 1)
            }
        };
        plans.push(plan);
    }
    if let Some(sql) = spec.new_defaults_sql
        && !new.is_empty()
    {
        let defaults: Option<serde_json::Value> = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(&mut **tx)
            .await?;
        for (key, value) in defaults
            .as_ref()
            .and_then(|d| d.as_object())
            .into_iter()
            .flatten()
        {
            let Some((column, _)) = spec.columns.iter().find(|(c, _)| c == key) else {
                continue;
            };
            let Some(text) = json_text(value) else {
                continue;
            };
            for v in &mut new {
                v.entry(column).or_insert_with(|| text.clone());
            }
        }
    }
    let created = insert_records(tx, d, spec, job.user_id, &new).await?;
    if let Some(hook) = spec.created
        && !created.is_empty()
    {
        let saved: Vec<(i64, &Values)> = created.iter().map(|(id, _)| *id).zip(&new).collect();
        hook(tx, &saved).await?;
    }
    let mut counts = Counts::default();
    let mut links = Vec::new();
    for ((line, v), plan) in rows.iter().zip(plans) {
        let (outcome, id) = match plan {
            Plan::Create(n) => {
                let (id, version) = created[n];
                notes.push(Note {
                    version: Some(version),
                    ..Note::new(*line, d.record_type, "created", id)
                });
                (Outcome::Created, id)
            }
            Plan::Earlier(n, outcome) => {
                let id = created[n].0;
                // Undo trashes the record the earlier line created: there
                // is nothing of this line's to restore.
                let word = match outcome {
                    Outcome::Skipped => "skipped",
                    _ => "updated",
                };
                notes.push(Note::new(*line, d.record_type, word, id));
                (outcome, id)
            }
            Plan::Live(id) => {
                let policy = job.policy_for(*line);
                let outcome = update_live(tx, job, policy, spec, d, *line, id, v, notes).await?;
                (outcome, id)
            }
        };
        match outcome {
            Outcome::Created => counts.created += 1,
            Outcome::Updated => counts.updated += 1,
            Outcome::Skipped => counts.skipped += 1,
        }
        if let (Some(field), false) = (spec.company_field, matches!(outcome, Outcome::Skipped))
            && let Some(name) = v.get(field)
        {
            links.push((
                *line,
                id,
                name.as_str(),
                v.get("job_title").map(String::as_str),
            ));
        }
    }
    link_companies(tx, job, &links, notes).await?;
    Ok(counts)
}

/// Merges a later row of the file into the new record of an earlier one,
/// as the policy says.
fn merge(into: &mut Values, v: &Values, policy: DuplicatePolicy) -> Outcome {
    let mut changed = false;
    for (field, value) in v {
        let take = match policy {
            DuplicatePolicy::Fill => !into.contains_key(field),
            DuplicatePolicy::Overwrite => into.get(field) != Some(value),
            DuplicatePolicy::Skip | DuplicatePolicy::Create => false,
        };
        if take {
            into.insert(field, value.clone());
            changed = true;
        }
    }
    if changed {
        Outcome::Updated
    } else {
        Outcome::Skipped
    }
}

/// Inserts `records` in one statement, with ids taken from the table's
/// sequence first so that each is known by its place; a column a record
/// has no value for gets the column's default. Their (id, version), in
/// order.
async fn insert_records(
    tx: &mut Transaction<'_, Postgres>,
    d: &Descriptor,
    spec: &ImportSpec,
    user_id: i64,
    records: &[Values],
) -> sqlx::Result<Vec<(i64, i32)>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)",
    )
    .bind(d.table)
    .bind(records.len() as i64)
    .fetch_all(&mut **tx)
    .await?;
    let defaults: HashMap<String, String> = sqlx::query_as(
        "SELECT a.attname::text, pg_get_expr(def.adbin, def.adrelid)
         FROM pg_attribute a JOIN pg_attrdef def ON def.adrelid = a.attrelid AND def.adnum = a.attnum
         WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''",
    )
    .bind(d.table)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let cols = spec.columns;
    let values = cols
        .iter()
        .enumerate()
        .map(|(i, (c, t))| match defaults.get(*c) {
            Some(default) => format!("coalesce(x.c{i}::{t}, {default})"),
            None => format!("x.c{i}::{t}"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO {table} (id, {names}, owner_id, created_by, updated_by)
         SELECT x.id, {values}, $1, $1, $1
         FROM unnest($2::int8[], {arrays}) AS x(id, {aliases})
         RETURNING id, version",
        table = d.table,
        names = cols.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", "),
        arrays = (0..cols.len())
            .map(|i| format!("${}::text[]", i + 3))
            .collect::<Vec<_>>()
            .join(", "),
        aliases = (0..cols.len())
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(user_id).bind(&ids);
    for (c, _) in cols {
        q = q.bind(
            records
                .iter()
                .map(|v| v.get(c).cloned())
                .collect::<Vec<Option<String>>>(),
        );
    }
    let versions: HashMap<i64, i32> = q.fetch_all(&mut **tx).await?.into_iter().collect();
    Ok(ids.iter().map(|id| (*id, versions[id])).collect())
}

/// Updates live record `id` with a row's values, as the policy says
/// (empty fields only, or any that differ), keeping what it changes for
/// undo; skipped when nothing would change.
#[allow(clippy::too_many_arguments)]
async fn update_live(
    tx: &mut Transaction<'_, Postgres>,
    job: &Job,
    policy: DuplicatePolicy,
    spec: &ImportSpec,
    d: &Descriptor,
    line: i32,
    id: i64,
    v: &Values,
    notes: &mut Vec<Note>,
) -> sqlx::Result<Outcome> {
    if policy == DuplicatePolicy::Skip {
        notes.push(Note::new(line, d.record_type, "skipped", id));
        return Ok(Outcome::Skipped);
    }
    let present: Vec<(&str, &str)> = spec
        .columns
        .iter()
        .filter(|(c, _)| v.contains_key(c))
        .copied()
        .collect();
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
        notes.push(Note::new(line, d.record_type, "skipped", id));
        return Ok(Outcome::Skipped);
    }
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
    notes.push(Note {
        version: Some(version),
        before: Some(serde_json::Value::Object(kept).to_string()),
        ..Note::new(line, d.record_type, "updated", id)
    });
    Ok(Outcome::Updated)
}

/// Links each (line, person, company name, job title) to the company of
/// that name ([`companies_named`]); a link already there is left as it is.
async fn link_companies(
    tx: &mut Transaction<'_, Postgres>,
    job: &Job,
    links: &[(i32, i64, &str, Option<&str>)],
    notes: &mut Vec<Note>,
) -> sqlx::Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    let named: Vec<(i32, &str)> = links.iter().map(|l| (l.0, l.2)).collect();
    let ids = companies_named(tx, job, &named, notes).await?;
    let mut pairs = std::collections::HashSet::new();
    let (mut persons, mut companies, mut titles) = (Vec::new(), Vec::new(), Vec::new());
    for (link, company) in links.iter().zip(ids) {
        if pairs.insert((link.1, company)) {
            persons.push(link.1);
            companies.push(company);
            titles.push(link.3);
        }
    }
    sqlx::query(
        "INSERT INTO person_companies (person_id, company_id, job_title)
         SELECT x.p, x.c, x.t FROM unnest($1::int8[], $2::int8[], $3::text[]) AS x(p, c, t)
         WHERE NOT EXISTS (SELECT 1 FROM person_companies pc
                           WHERE pc.person_id = x.p AND pc.company_id = x.c AND pc.end_date IS NULL)",
    )
    .bind(persons)
    .bind(companies)
    .bind(titles)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The live company each (line, name) names, by its folded name; created
/// when there is none, once for all the lines naming it, named as its first
/// line writes it (noted as that line's creation, so undo trashes it).
async fn companies_named(
    tx: &mut Transaction<'_, Postgres>,
    job: &Job,
    names: &[(i32, &str)],
    notes: &mut Vec<Note>,
) -> sqlx::Result<Vec<i64>> {
    let company = RecordKind::Company.describe();
    let spec = company.import.as_ref().expect("companies are importable");
    let named = spec.named_sql.expect("companies can be named");
    let found: Vec<(String, Option<i64>)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT relais_fold(n.name), (SELECT r.id FROM companies r
                                      WHERE r.deleted_at IS NULL AND {named} ORDER BY r.id LIMIT 1)
         FROM unnest($1::text[]) WITH ORDINALITY AS n(name, ord)
         ORDER BY n.ord"
    )))
    .bind(names.iter().map(|n| n.1).collect::<Vec<_>>())
    .fetch_all(&mut **tx)
    .await?;
    let mut missing: Vec<(i32, Values)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for ((line, name), (folded, id)) in names.iter().zip(&found) {
        if id.is_none() && !index.contains_key(folded.as_str()) {
            index.insert(folded, missing.len());
            missing.push((*line, Values::from([("name", name.to_string())])));
        }
    }
    let records: Vec<Values> = missing.iter().map(|(_, v)| v.clone()).collect();
    let created = insert_records(tx, company, spec, job.user_id, &records).await?;
    for ((line, _), (id, version)) in missing.iter().zip(&created) {
        notes.push(Note {
            version: Some(*version),
            ..Note::new(*line, company.record_type, "created", *id)
        });
    }
    Ok(found
        .iter()
        .map(|(folded, id)| id.unwrap_or_else(|| created[index[folded.as_str()]].0))
        .collect())
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
             WHERE import_id = $1 AND record_type = $2 AND outcome = 'updated'
               AND before IS NOT NULL -- merged into a record the import created
             ORDER BY line",
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
