//! Reading the audit log: admins only.

use super::{AuditFilter, AuditPage};
use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{AuditEntry, PAGE},
    crate::auth::{CurrentUser, Role},
    crate::error::{AppError, FieldError, FieldProblem},
    crate::ssr::{guard::require, pool},
    crate::validate::parse_date,
    sqlx::PgPool,
};

/// A page of the log, newest first; `before` is the previous page's `next`.
#[server(prefix = "/api/audit", endpoint = "list", input = server_fn::codec::Json)]
pub async fn audit_log(filter: AuditFilter, before: Option<i64>) -> AppResult<AuditPage> {
    let user = require(Role::Admin).await?;
    let pool = pool()?;
    let mut entries = entries(&pool, &user, &filter, before, PAGE + 1).await?;
    let next = (entries.len() as i64 > PAGE).then(|| {
        entries.truncate(PAGE as usize);
        entries.last().map(|e| e.id).unwrap_or_default()
    });
    let users = sqlx::query_as("SELECT id, name FROM users ORDER BY lower(name), id")
        .fetch_all(&pool)
        .await?;
    Ok(AuditPage {
        entries,
        next,
        users,
    })
}

/// The filter's checks: known action, numbers, dates.
#[cfg(feature = "ssr")]
fn check(filter: &AuditFilter) -> AppResult<()> {
    let mut errors = Vec::new();
    let mut bad = |field: &str, problem| {
        errors.push(FieldError {
            field: field.into(),
            problem,
        })
    };
    if !filter.action.is_empty() && !super::ACTIONS.contains(&filter.action.as_str()) {
        bad("action", FieldProblem::InvalidChoice);
    }
    for (field, value) in [("user", &filter.user), ("record_id", &filter.record_id)] {
        if !value.trim().is_empty() && value.trim().parse::<i64>().is_err() {
            bad(field, FieldProblem::InvalidNumber);
        }
    }
    if filter.record_type.chars().count() > 40 {
        bad("record_type", FieldProblem::TooLong { max: 40 });
    }
    for (field, value) in [("from", &filter.from), ("to", &filter.to)] {
        if !value.trim().is_empty() && parse_date(value.trim()).is_none() {
            bad(field, FieldProblem::InvalidDate);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errors))
    }
}

/// An entry as read: id, time, user, address, action, kind, id, detail.
#[cfg(feature = "ssr")]
type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    String,
);

/// Entries matching `filter`, newest first, at most `limit`, older than
/// `before`; times in `reader`'s zone. Shared by the page and the CSV.
#[cfg(feature = "ssr")]
pub async fn entries(
    pool: &PgPool,
    reader: &CurrentUser,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<AuditEntry>> {
    check(filter)?;
    let number = |v: &str| v.trim().parse::<i64>().ok();
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, to_char(at AT TIME ZONE $9, 'YYYY-MM-DD HH24:MI:SS'), user_name, address,
                    action, coalesce(record_type, ''), record_id, detail
             FROM audit_log
             WHERE ($1 = '' OR action = $1)
               AND ($2::bigint IS NULL OR user_id = $2)
               AND ($3 = '' OR record_type = $3)
               AND ($4::bigint IS NULL OR record_id = $4)
               AND ($5::date IS NULL OR at >= $5::date::timestamp AT TIME ZONE $9)
               AND ($6::date IS NULL OR at < ($6::date + 1)::timestamp AT TIME ZONE $9)
               AND ($7::bigint IS NULL OR id < $7)
             ORDER BY id DESC LIMIT $8",
    )
    .bind(filter.action.trim())
    .bind(number(&filter.user))
    .bind(filter.record_type.trim())
    .bind(number(&filter.record_id))
    .bind(parse_date(filter.from.trim()))
    .bind(parse_date(filter.to.trim()))
    .bind(before)
    .bind(limit)
    .bind(&reader.time_zone)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at, user_name, address, action, record_type, record_id, detail)| AuditEntry {
                id,
                at,
                user_name,
                address,
                action,
                record_type,
                record_id,
                detail,
            },
        )
        .collect())
}

/// At most this many entries go into one CSV (narrow the dates for more).
#[cfg(feature = "ssr")]
pub const CSV_MAX: i64 = 100_000;

/// The log as CSV, with the page's filter and columns, in `reader`'s
/// language and zone; `GET /export/audit.csv` serves it (admins only).
#[cfg(feature = "ssr")]
pub async fn csv(
    pool: &PgPool,
    reader: &CurrentUser,
    filter: &AuditFilter,
    format: crate::ssr::export::CsvFormat,
) -> AppResult<Vec<u8>> {
    use crate::i18n::td_string;
    use crate::ssr::export::write_record;
    let l = reader.language();
    let mut out = "\u{feff}".as_bytes().to_vec();
    write_record(
        &mut out,
        &[
            td_string!(l, audit.at).to_string(),
            td_string!(l, audit.user).to_string(),
            td_string!(l, audit.action).to_string(),
            td_string!(l, audit.record_type).to_string(),
            td_string!(l, audit.record_id).to_string(),
            td_string!(l, audit.detail).to_string(),
            td_string!(l, audit.address).to_string(),
        ],
        format,
    )?;
    for e in entries(pool, reader, filter, None, CSV_MAX).await? {
        write_record(
            &mut out,
            &[
                e.at,
                e.user_name,
                e.action,
                e.record_type,
                e.record_id.map(|i| i.to_string()).unwrap_or_default(),
                e.detail,
                e.address,
            ],
            format,
        )?;
    }
    Ok(out)
}
