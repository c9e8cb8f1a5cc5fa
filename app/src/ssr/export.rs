//! CSV exports of a list: exactly the rows of its current filter, in its
//! order, streamed from PostgreSQL to the browser a batch at a time (an
//! export of a million rows never sits in memory). UTF-8 with a byte order
//! mark, so that spreadsheet programs read accents right; quoting by the
//! `csv` crate.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::records::RecordKind;
use crate::ssr::list_sql::ListSpec;
use crate::ui::list::ListQuery;
use futures::{Stream, StreamExt, TryStreamExt};
use sqlx::{PgPool, Row};

/// One column of an export: its SQL (text or NULL), translated header, and
/// for codes (a status, a role, yes / no) the words the user reads in the
/// app instead of the code.
pub struct ExportColumn {
    pub sql: &'static str,
    pub header: fn(Locale) -> String,
    pub value: Option<Words>,
}

/// A code in the user's words.
pub type Words = fn(Locale, &str) -> String;

/// A list of codes written `a, b` by SQL, each in words.
pub fn each(l: Locale, v: &str, label: Words) -> String {
    v.split(", ")
        .filter(|c| !c.is_empty())
        .map(|c| label(l, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `true` / `false` as the user's yes / no.
pub fn yes_no(l: Locale, v: &str) -> String {
    match v {
        "true" => crate::i18n::td_string!(l, common.yes).to_string(),
        "false" => crate::i18n::td_string!(l, common.no).to_string(),
        other => other.to_string(),
    }
}

fn spec(kind: RecordKind) -> (&'static ListSpec, &'static [ExportColumn]) {
    match kind {
        RecordKind::Company => (&crate::companies::LIST, crate::companies::EXPORT),
        RecordKind::Person => (&crate::persons::LIST, crate::persons::EXPORT),
        RecordKind::Deal => (&crate::deals::LIST, crate::deals::EXPORT),
        RecordKind::Interaction => (&crate::interactions::LIST, crate::interactions::EXPORT),
    }
}

/// Rows written per chunk sent to the browser.
const BATCH: usize = 500;

/// Appends one CSV record (quoted as needed) to `out`.
pub fn write_record(out: &mut Vec<u8>, fields: &[String]) -> AppResult<()> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(fields)
        .map_err(|e| AppError::server(e.to_string()))?;
    out.extend(
        w.into_inner()
            .map_err(|e| AppError::server(e.to_string()))?,
    );
    Ok(())
}

/// A read transaction whose dates and times are written in `zone` (the
/// user's), or in UTC if PostgreSQL's zone database lacks that name.
async fn in_zone(
    pool: &PgPool,
    zone: &str,
) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let known: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)")
            .bind(zone)
            .fetch_one(pool)
            .await?;
    let mut db = pool.begin().await?;
    // A million rows read as fast as the browser downloads them take longer
    // than a request's statement may.
    sqlx::query("SET LOCAL statement_timeout = '30min'")
        .execute(&mut *db)
        .await?;
    sqlx::query("SELECT set_config('TimeZone', $1, true)")
        .bind(if known { zone } else { "UTC" })
        .execute(&mut *db)
        .await?;
    Ok(db)
}

/// The export as a stream of byte chunks: BOM and header first, then rows.
/// The query is checked (filters and all) before the first byte is sent.
pub fn csv_stream(
    pool: PgPool,
    user: CurrentUser,
    kind: RecordKind,
    query: ListQuery,
) -> AppResult<impl Stream<Item = AppResult<Vec<u8>>> + Send + 'static> {
    let (spec, columns) = spec(kind);
    let locale = if user.locale == "fr" {
        Locale::fr
    } else {
        Locale::en
    };
    let select = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("({})::text AS c{i}", c.sql))
        .collect::<Vec<_>>()
        .join(", ");
    let built = spec.export_sql(&query, user.id, &select)?;
    let mut head = "\u{feff}".as_bytes().to_vec();
    write_record(
        &mut head,
        &columns
            .iter()
            .map(|c| (c.header)(locale))
            .collect::<Vec<_>>(),
    )?;
    let n = columns.len();
    let values: Vec<Option<Words>> = columns.iter().map(|c| c.value).collect();
    let time_zone = user.time_zone.clone();
    // A task reads the rows and hands over chunks through a small channel:
    // the database is read only as fast as the browser downloads.
    let (tx, rx) = tokio::sync::mpsc::channel::<AppResult<Vec<u8>>>(4);
    tokio::spawn(async move {
        if tx.send(Ok(head)).await.is_err() {
            return;
        }
        // Dates and times are written in the user's time zone.
        let mut db = match in_zone(&pool, &time_zone).await {
            Ok(db) => db,
            Err(e) => {
                let _ = tx.send(Err(e.into())).await;
                return;
            }
        };
        let mut rows = built.query().fetch(&mut *db);
        let mut chunk = Vec::new();
        let mut count = 0;
        loop {
            match rows.try_next().await {
                Ok(Some(row)) => {
                    let fields: Vec<String> = (0..n)
                        .map(|i| {
                            let raw = row
                                .try_get::<Option<String>, _>(i)
                                .ok()
                                .flatten()
                                .unwrap_or_default();
                            match values[i] {
                                Some(words) if !raw.is_empty() => words(locale, &raw),
                                _ => raw,
                            }
                        })
                        .collect();
                    if let Err(e) = write_record(&mut chunk, &fields) {
                        let _ = tx.send(Err(e)).await;
                        return;
                    }
                    count += 1;
                    if count % BATCH == 0 && tx.send(Ok(std::mem::take(&mut chunk))).await.is_err()
                    {
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Err(e.into())).await;
                    return;
                }
            }
        }
        if !chunk.is_empty() {
            let _ = tx.send(Ok(chunk)).await;
        }
    });
    // Fused: the compression layer polls once more after the end.
    Ok(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .fuse())
}
