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
    let d = kind.describe();
    (d.list, d.export)
}

/// Rows written per chunk sent to the browser.
const BATCH: usize = 500;

/// How a CSV file is written for its reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvFormat {
    pub delimiter: u8,
}

impl CsvFormat {
    /// The delimiter asked for (`sep` = `comma`, `semicolon` or `tab`), else
    /// the reader's language's: `;` in French, whose spreadsheet programs
    /// take `,` for the decimal sign and would put a whole row in one cell.
    pub fn for_reader(locale: &str, sep: Option<&str>) -> CsvFormat {
        let delimiter = match sep {
            Some("comma") => b',',
            Some("semicolon") => b';',
            Some("tab") => b'\t',
            _ if locale == "fr" => b';',
            _ => b',',
        };
        CsvFormat { delimiter }
    }
}

/// A cell a spreadsheet program would run as a formula (`=`, `+`, `-`,
/// `@`, or a tab or carriage return first: OWASP's "CSV injection"),
/// prefixed with `'` so that it is read as text. Numbers and phone numbers
/// (`+33 6 12 34 56 78`, `-12.50`: digits, spaces, `.` `,` `/` `-` and
/// parentheses) cannot call anything and stay as they are, readable.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    let number_like = || {
        let rest = &cell[1..];
        cell.len() > 1
            && !cell.starts_with(['=', '@'])
            && rest.chars().any(|c| c.is_ascii_digit())
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | ',' | '/' | '-' | '(' | ')'))
    };
    if risky && !number_like() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Appends one CSV record (quoted as needed, formulas neutralised) to `out`.
pub fn write_record(out: &mut Vec<u8>, fields: &[String], format: CsvFormat) -> AppResult<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(format.delimiter)
        .from_writer(Vec::new());
    w.write_record(fields.iter().map(|f| neutralise(f).into_owned()))
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
    format: CsvFormat,
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
        format,
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
                    if let Err(e) = write_record(&mut chunk, &fields, format) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_phone_numbers_stay_readable() {
        for risky in [
            "=1+1",
            "=HYPERLINK(\"http://x\")",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1:A2)",
            "\t=1",
            "-",
            "+",
        ] {
            assert_eq!(neutralise(risky), format!("'{risky}"), "{risky}");
        }
        for safe in [
            "+33 6 12 34 56 78",
            "+1 (415) 555-0100",
            "-12.50",
            "-1 200,50",
            "06 12 34 56 78",
            "Dupont",
            "",
            "a=b",
        ] {
            assert_eq!(neutralise(safe), safe, "{safe}");
        }
    }

    #[test]
    fn the_delimiter_follows_the_language_unless_chosen() {
        assert_eq!(CsvFormat::for_reader("fr", None).delimiter, b';');
        assert_eq!(CsvFormat::for_reader("en", None).delimiter, b',');
        assert_eq!(CsvFormat::for_reader("fr", Some("comma")).delimiter, b',');
        assert_eq!(CsvFormat::for_reader("en", Some("tab")).delimiter, b'\t');
        let mut out = Vec::new();
        write_record(
            &mut out,
            &["12,5".into(), "=2*3".into(), "Zoë".into()],
            CsvFormat::for_reader("fr", None),
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "12,5;'=2*3;Zoë\n");
    }
}
