//! Server functions of the tasks board, and the placing of a dropped card
//! that both boards share. Every server function starts with `require`.

use super::{Card, Column, Drop, TaskFilter};
use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{CARDS_PER_PAGE, TASK_COLUMNS},
    crate::access::{May, ssr as access},
    crate::auth::{CurrentUser, Role},
    crate::error::{AppError, FieldError, FieldProblem},
    crate::records::RecordKind,
    crate::ssr::{
        guard::require,
        list_sql::{count_groups, count_rows},
        pool, records, zones,
    },
    crate::validate::parse_date,
    chrono::{DateTime, NaiveTime, Utc},
    sqlx::{PgPool, Row},
};

/// The filter's conditions on tasks aliased `i`, for user `$1`; `$2` owner,
/// `$3`/`$4` related record, `$5`/`$6` due range (UTC instants).
#[cfg(feature = "ssr")]
fn filter_sql() -> String {
    format!(
        "i.kind = 'task' AND i.deleted_at IS NULL AND {visible}
         AND ($2::bigint IS NULL OR i.owner_id = $2)
         AND ($3::text IS NULL OR EXISTS (
                SELECT 1 FROM interaction_links l WHERE l.interaction_id = i.id
                  AND l.record_type = $3::record_type AND l.record_id = $4))
         AND ($5::timestamptz IS NULL OR i.starts_at >= $5)
         AND ($6::timestamptz IS NULL OR i.starts_at < $6)",
        visible = access::see_sql(RecordKind::Interaction, "i", "$1")
    )
}

/// A page of cards of column `$7`, after the card at (`$8` position, `$9`
/// id) when given, `$10` at most.
#[cfg(feature = "ssr")]
pub fn cards_sql() -> String {
    format!(
        "SELECT i.id, i.version, i.subject, coalesce(i.priority, '') AS priority,
                i.starts_at, coalesce(o.name, '') AS owner_name,
                coalesce((SELECT coalesce(c.name, trim(coalesce(p.first_name, '') || ' ' || p.last_name), d.name)
                          FROM interaction_links l
                          LEFT JOIN companies c ON l.record_type = 'company' AND c.id = l.record_id
                          LEFT JOIN persons p ON l.record_type = 'person' AND p.id = l.record_id
                          LEFT JOIN deals d ON l.record_type = 'deal' AND d.id = l.record_id
                          WHERE l.interaction_id = i.id AND l.main LIMIT 1), '') AS main_record,
                coalesce(i.board_pos, i.id::numeric)::text AS pos
         FROM interactions i LEFT JOIN users o ON o.id = i.owner_id
         WHERE {filter} AND i.status = $7
           AND ($8::numeric IS NULL OR (coalesce(i.board_pos, i.id::numeric), i.id) > ($8::numeric, $9))
         ORDER BY coalesce(i.board_pos, i.id::numeric), i.id
         LIMIT $10",
        filter = filter_sql()
    )
}

/// The cards of column `$7` over the whole filter, unordered: what
/// [`column_counts`] counts when the board is large.
#[cfg(feature = "ssr")]
fn column_rows_sql() -> String {
    format!(
        "SELECT 1 FROM interactions i WHERE {} AND i.status = $7",
        filter_sql()
    )
}

/// The column of every card over the whole filter: what [`column_counts`]
/// counts at once when the board is small.
#[cfg(feature = "ssr")]
fn board_keys_sql() -> String {
    format!("SELECT i.status FROM interactions i WHERE {}", filter_sql())
}

/// How many cards the filter puts in each of `columns` (and whether that
/// is an estimate), counted as the lists count (`list_sql::count_rows`:
/// exact when small, else the planner's estimate). A small board is
/// counted in one statement (`count_groups`); a large one column by
/// column. Public so that `server bench` times it.
#[cfg(feature = "ssr")]
pub async fn column_counts(
    pool: &PgPool,
    user_id: i64,
    b: &Bound,
    columns: &[&str],
) -> AppResult<Vec<(i64, bool)>> {
    if let Some(groups) =
        count_groups(pool, &board_keys_sql(), |q| bind_board(q, user_id, b)).await?
    {
        return Ok(columns
            .iter()
            .map(|c| {
                let n = groups.iter().find(|g| g.0 == *c).map_or(0, |g| g.1);
                (n, false)
            })
            .collect());
    }
    let rows = column_rows_sql();
    futures::future::try_join_all(columns.iter().map(|column| {
        count_rows(pool, &rows, move |q| {
            bind_board(q, user_id, b).bind(column.to_string())
        })
    }))
    .await
}

/// A statement of the counts, before its parameters.
#[cfg(feature = "ssr")]
type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds the filter's parameters (`$1`…`$6` of [`filter_sql`]).
#[cfg(feature = "ssr")]
fn bind_board<'q>(q: Query<'q>, user_id: i64, b: &Bound) -> Query<'q> {
    q.bind(user_id)
        .bind(b.0)
        .bind(b.1.clone())
        .bind(b.2)
        .bind(b.3)
        .bind(b.4)
}

/// The filter's parameters, checked: `(owner, record type, record id,
/// due from, due before)`.
#[cfg(feature = "ssr")]
pub type Bound = (
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

#[cfg(feature = "ssr")]
fn bind_filter(user: &CurrentUser, f: &TaskFilter) -> AppResult<Bound> {
    let tz = zones::zone(&user.time_zone);
    let mut errors = Vec::new();
    let mut day = |field: &str, text: &str, next: bool| -> Option<DateTime<Utc>> {
        if text.trim().is_empty() {
            return None;
        }
        match parse_date(text) {
            Some(d) => {
                let d = if next { d.succ_opt().unwrap_or(d) } else { d };
                Some(zones::to_utc(tz, d.and_time(NaiveTime::MIN)))
            }
            None => {
                errors.push(FieldError {
                    field: field.into(),
                    problem: FieldProblem::InvalidDate,
                });
                None
            }
        }
    };
    let from = day("due_from", &f.due_from, false);
    let to = day("due_to", &f.due_to, true);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let (kind, id) = match f.record {
        Some((k, id)) => (Some(k.as_str().to_string()), Some(id)),
        None => (None, None),
    };
    let owner = if f.mine { Some(user.id) } else { f.owner };
    Ok((owner, kind, id, from, to))
}

#[cfg(feature = "ssr")]
async fn cards(
    pool: &PgPool,
    user: &CurrentUser,
    b: &Bound,
    column: &str,
    after: Option<(&str, i64)>,
) -> AppResult<Vec<Card>> {
    let tz = zones::zone(&user.time_zone);
    let now = Utc::now();
    let rows = sqlx::query(sqlx::AssertSqlSafe(cards_sql()))
        .bind(user.id)
        .bind(b.0)
        .bind(&b.1)
        .bind(b.2)
        .bind(b.3)
        .bind(b.4)
        .bind(column)
        .bind(after.map(|a| a.0))
        .bind(after.map(|a| a.1))
        .bind(CARDS_PER_PAGE)
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let due: DateTime<Utc> = r.try_get("starts_at")?;
            let field = |k: &str, v: String| (k.to_string(), v);
            Ok(Card {
                id,
                version: r.try_get("version")?,
                title: r.try_get("subject")?,
                href: format!("/interactions/{id}"),
                late: due < now && column != "done",
                fields: vec![
                    field(
                        "due",
                        zones::to_local(tz, due)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    ),
                    field("priority", r.try_get("priority")?),
                    field("owner", r.try_get("owner_name")?),
                    field("record", r.try_get("main_record")?),
                ],
                pos: r.try_get("pos")?,
            })
        })
        .collect()
}

/// The tasks board: every column with its count over the whole filter
/// (exact when small, else estimated) and its first cards.
#[server(prefix = "/api/kanban", endpoint = "tasks", input = server_fn::codec::Json)]
pub async fn task_board(filter: TaskFilter) -> AppResult<Vec<Column>> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let b = bind_filter(&user, &filter)?;
    // The counts of every column and a page of each, all at once.
    let (user, b, pool) = (&user, &b, &pool);
    let (counts, pages) = tokio::try_join!(
        column_counts(pool, user.id, b, &TASK_COLUMNS),
        futures::future::try_join_all(
            TASK_COLUMNS.map(|key| async move { cards(pool, user, b, key, None).await })
        )
    )?;
    let columns = TASK_COLUMNS
        .iter()
        .zip(counts)
        .zip(pages)
        .map(|((key, (count, count_is_estimate)), cards)| {
            // A column whose first page is not full holds just those cards.
            let (count, count_is_estimate) = if (cards.len() as i64) < CARDS_PER_PAGE {
                (cards.len() as i64, false)
            } else {
                (count.max(cards.len() as i64), count_is_estimate)
            };
            Column {
                key: key.to_string(),
                title: String::new(),
                count,
                count_is_estimate,
                amount: None,
                weighted: None,
                drop_only: false,
                cards,
            }
        })
        .collect();
    Ok(columns)
}

/// More cards of one column, after the card at (`pos`, `id`).
#[server(prefix = "/api/kanban", endpoint = "more_tasks", input = server_fn::codec::Json)]
pub async fn more_tasks(
    filter: TaskFilter,
    column: String,
    pos: String,
    id: i64,
) -> AppResult<Vec<Card>> {
    let user = require(Role::Member).await?;
    if !TASK_COLUMNS.contains(&column.as_str()) {
        return Err(AppError::NotFound);
    }
    if pos.parse::<f64>().is_err() {
        return Err(AppError::NotFound);
    }
    let b = bind_filter(&user, &filter)?;
    cards(&pool()?, &user, &b, &column, Some((&pos, id))).await
}

/// Moves task `id` (read at `version`) to `to`: its column (status) and
/// its place between two cards of that column. Returns the new version.
/// A stale version is a conflict; neighbours that left the column meanwhile
/// are ignored (the card goes next to the one still there, or at the end).
#[server(prefix = "/api/kanban", endpoint = "move_task", input = server_fn::codec::Json)]
pub async fn move_task(id: i64, version: i32, to: Drop) -> AppResult<i32> {
    let user = require(Role::Member).await?;
    if !TASK_COLUMNS.contains(&to.column.as_str()) {
        return Err(AppError::invalid(vec![FieldError {
            field: "status".into(),
            problem: FieldProblem::InvalidChoice,
        }]));
    }
    let pool = pool()?;
    let mut tx = records::begin_as(&pool, user.id).await?;
    access::ensure(&mut *tx, &user, RecordKind::Interaction, id, May::Change).await?;
    let found: Option<String> = sqlx::query_scalar(
        "SELECT i.kind FROM interactions i WHERE i.id = $1 AND i.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    match found.as_deref() {
        None => return Err(AppError::NotFound),
        Some("task") => {}
        Some(_) => return Err(AppError::Forbidden),
    }
    let column = "kind = 'task' AND status = $1 AND deleted_at IS NULL";
    let pos = place(&mut tx, "interactions", column, &to.column, id, &to).await?;
    let set = "status = $1, board_pos = $2::numeric,
               completed_at = CASE WHEN $1 = 'done' THEN coalesce(completed_at, now()) END";
    let new_version = records::update_versioned(
        &mut tx,
        "interactions",
        (id, version, user.id),
        (set, 2),
        |q| q.bind(&to.column).bind(&pos),
    )
    .await?;
    tx.commit().await?;
    Ok(new_version)
}

/// The place a card dropped into a column takes: the exact midpoint of its
/// neighbours' (`to.after` and `to.before`), ignoring neighbours that left
/// the column meanwhile (the card then goes right after `after`, before the
/// next card, or at the end). `column` is the column's condition on
/// `table`, with `$1` its key (`key`, bound as text).
#[cfg(feature = "ssr")]
pub async fn place(
    tx: &mut sqlx::PgConnection,
    table: &str,
    column: &str,
    key: &str,
    id: i64,
    to: &Drop,
) -> AppResult<String> {
    let other = |n: Option<i64>| n.filter(|n| *n != id);
    let sql = format!(
        "WITH col AS (SELECT id, coalesce(board_pos, id::numeric) AS p FROM {table}
                      WHERE {column} AND id <> $4),
              a AS (SELECT p FROM col WHERE id = $2),
              b AS (SELECT p FROM col WHERE id = $3),
              lo AS (SELECT coalesce((SELECT p FROM a),
                                     CASE WHEN (SELECT p FROM b) IS NULL THEN (SELECT max(p) FROM col) END) AS p),
              hi AS (SELECT CASE
                         WHEN (SELECT p FROM b) IS NOT NULL
                              AND ((SELECT p FROM lo) IS NULL OR (SELECT p FROM b) > (SELECT p FROM lo))
                           THEN (SELECT p FROM b)
                         WHEN (SELECT p FROM lo) IS NOT NULL
                           THEN (SELECT min(p) FROM col WHERE p > (SELECT p FROM lo))
                       END AS p),
              lo2 AS (SELECT coalesce((SELECT p FROM lo),
                                      (SELECT max(p) FROM col WHERE p < (SELECT p FROM hi))) AS p)
         SELECT trim_scale(CASE
                  WHEN l.p IS NOT NULL AND h.p IS NOT NULL THEN (l.p + h.p) * 0.5
                  WHEN l.p IS NOT NULL THEN l.p + 1
                  WHEN h.p IS NOT NULL THEN h.p - 1
                  ELSE 0 END)::text
         FROM lo2 l, hi h"
    );
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(key)
        .bind(other(to.after))
        .bind(other(to.before))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?)
}
