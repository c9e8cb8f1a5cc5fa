//! Server functions of the deals board: the stages of one pipeline with
//! their totals (from `deal_totals`, kept exact by a trigger), open deals
//! page by page in their persisted order, and moves — to a stage, or closing
//! a deal as won or lost (lost needs a reason).

use super::{Card, DealFilter, DealsBoard, Drop};
use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{CARDS_PER_PAGE, Column, DEAL_CLOSINGS, api::place},
    crate::access::{May, ssr as access},
    crate::auth::Role,
    crate::error::{AppError, FieldError, FieldProblem},
    crate::records::RecordKind,
    crate::ssr::{guard::require, pool, records},
    chrono::{NaiveDate, Utc},
    sqlx::{PgPool, Row},
};

/// The column totals of pipeline `$1` (owner `$2` or everyone): one row per
/// stage in order, then `won` and `lost`: key, title, count, amount,
/// weighted amount. Reads `deal_totals` only.
pub const TOTALS_SQL: &str = "
    SELECT s.id::text AS key, s.name AS title,
           coalesce(sum(t.deals), 0)::bigint AS count,
           coalesce(sum(t.amount), 0)::text AS amount,
           coalesce(sum(t.weighted), 0)::text AS weighted
    FROM pipeline_stages s
    LEFT JOIN deal_totals t ON t.stage_id = s.id AND t.status = 'open'
                           AND ($2::bigint IS NULL OR t.owner_id = $2)
    WHERE s.pipeline_id = $1
    GROUP BY s.id
    HAVING bool_or(s.active) OR coalesce(sum(t.deals), 0) > 0
    UNION ALL
    SELECT c.status, '', coalesce(sum(t.deals), 0)::bigint, coalesce(sum(t.amount), 0)::text,
           coalesce(sum(t.weighted), 0)::text
    FROM unnest(ARRAY['won', 'lost']) WITH ORDINALITY AS c(status, n)
    LEFT JOIN (deal_totals t JOIN pipeline_stages s ON s.id = t.stage_id AND s.pipeline_id = $1)
           ON t.status = c.status AND ($2::bigint IS NULL OR t.owner_id = $2)
    GROUP BY c.status, c.n";

/// The stages' order for [`TOTALS_SQL`]'s first part.
#[cfg(feature = "ssr")]
fn totals_sql() -> String {
    format!(
        "SELECT * FROM ({TOTALS_SQL}) x ORDER BY
           CASE key WHEN 'won' THEN 2 WHEN 'lost' THEN 3 ELSE 1 END,
           (SELECT position FROM pipeline_stages WHERE id::text = x.key), key"
    )
}

/// A page of open deals of stage `$1`, owner `$2` or everyone, after the
/// card at (`$3` position, `$4` id) when given, `$5` at most.
pub const CARDS_SQL: &str = "
    SELECT d.id, d.version, d.name, coalesce(d.amount::text, '') AS amount,
           d.expected_close, d.probability, coalesce(c.name, '') AS company,
           coalesce(o.name, '') AS owner_name, coalesce(d.board_pos, d.id::numeric)::text AS pos
    FROM deals d
    LEFT JOIN companies c ON c.id = d.company_id
    LEFT JOIN users o ON o.id = d.owner_id
    WHERE d.stage_id = $1 AND d.status = 'open' AND d.deleted_at IS NULL
      AND ($2::bigint IS NULL OR d.owner_id = $2)
      AND ($3::numeric IS NULL OR (coalesce(d.board_pos, d.id::numeric), d.id) > ($3::numeric, $4))
    ORDER BY coalesce(d.board_pos, d.id::numeric), d.id
    LIMIT $5";

#[cfg(feature = "ssr")]
async fn cards(
    pool: &PgPool,
    stage: i64,
    owner: Option<i64>,
    after: Option<(&str, i64)>,
) -> AppResult<Vec<Card>> {
    let today = Utc::now().date_naive();
    let rows = sqlx::query(CARDS_SQL)
        .bind(stage)
        .bind(owner)
        .bind(after.map(|a| a.0))
        .bind(after.map(|a| a.1))
        .bind(CARDS_PER_PAGE)
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let close: Option<NaiveDate> = r.try_get("expected_close")?;
            let probability: i32 = r.try_get("probability")?;
            let field = |k: &str, v: String| (k.to_string(), v);
            Ok(Card {
                id,
                version: r.try_get("version")?,
                title: r.try_get("name")?,
                href: format!("/deals/{id}"),
                late: close.is_some_and(|c| c < today),
                fields: vec![
                    field("amount", r.try_get("amount")?),
                    field("company", r.try_get("company")?),
                    field("close", close.map(|c| c.to_string()).unwrap_or_default()),
                    field("probability", probability.to_string()),
                    field("owner", r.try_get("owner_name")?),
                ],
                pos: r.try_get("pos")?,
            })
        })
        .collect()
}

/// The deals board of a pipeline: every stage with its open deals' count,
/// sum and weighted sum over the whole filter, and its first cards; then
/// won and lost (totals only).
#[server(prefix = "/api/kanban", endpoint = "deals", input = server_fn::codec::Json)]
pub async fn deal_board(filter: DealFilter) -> AppResult<DealsBoard> {
    let user = require(Role::Member).await?;
    let owner = if filter.mine {
        Some(user.id)
    } else {
        filter.owner
    };
    let pool = pool()?;
    let pipelines: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM pipelines WHERE active ORDER BY position, id")
            .fetch_all(&pool)
            .await?;
    let pipeline = match filter.pipeline {
        Some(p) => {
            let known: Option<i64> = sqlx::query_scalar("SELECT id FROM pipelines WHERE id = $1")
                .bind(p)
                .fetch_optional(&pool)
                .await?;
            known.ok_or(AppError::NotFound)?
        }
        None => match pipelines.first() {
            Some((id, _)) => *id,
            None => {
                return Ok(DealsBoard {
                    pipelines,
                    pipeline: 0,
                    columns: vec![],
                });
            }
        },
    };
    let totals = sqlx::query(sqlx::AssertSqlSafe(totals_sql()))
        .bind(pipeline)
        .bind(owner)
        .fetch_all(&pool)
        .await?;
    let mut columns = Vec::with_capacity(totals.len());
    for r in totals {
        let key: String = r.try_get("key")?;
        let drop_only = DEAL_CLOSINGS.contains(&key.as_str());
        let cards = match key.parse::<i64>() {
            Ok(stage) if !drop_only => cards(&pool, stage, owner, None).await?,
            _ => vec![],
        };
        columns.push(Column {
            title: r.try_get("title")?,
            count: r.try_get("count")?,
            count_is_estimate: false,
            amount: Some(r.try_get("amount")?),
            weighted: Some(r.try_get("weighted")?),
            drop_only,
            cards,
            key,
        });
    }
    Ok(DealsBoard {
        pipelines,
        pipeline,
        columns,
    })
}

/// More open deals of stage `column`, after the card at (`pos`, `id`).
#[server(prefix = "/api/kanban", endpoint = "more_deals", input = server_fn::codec::Json)]
pub async fn more_deals(
    filter: DealFilter,
    column: String,
    pos: String,
    id: i64,
) -> AppResult<Vec<Card>> {
    let user = require(Role::Member).await?;
    let owner = if filter.mine {
        Some(user.id)
    } else {
        filter.owner
    };
    let (Ok(stage), Ok(_)) = (column.parse::<i64>(), pos.parse::<f64>()) else {
        return Err(AppError::NotFound);
    };
    cards(&pool()?, stage, owner, Some((&pos, id))).await
}

/// Moves deal `id` (read at `version`) to `to`: a stage of its pipeline (it
/// is open again there, in the place between two cards; its probability
/// follows the stage unless it was set by hand), or `won` / `lost` (closed
/// now; lost needs `lost_reason`). Returns the new version.
#[server(prefix = "/api/kanban", endpoint = "move_deal", input = server_fn::codec::Json)]
pub async fn move_deal(id: i64, version: i32, to: Drop, lost_reason: String) -> AppResult<i32> {
    let user = require(Role::Member).await?;
    let invalid = |field: &str, problem| {
        AppError::invalid(vec![FieldError {
            field: field.into(),
            problem,
        }])
    };
    let reason = lost_reason.trim();
    if to.column == "lost" {
        if reason.is_empty() {
            return Err(invalid("lost_reason", FieldProblem::Required));
        }
        if reason.chars().count() > 255 {
            return Err(invalid("lost_reason", FieldProblem::TooLong { max: 255 }));
        }
    }
    let pool = pool()?;
    let mut tx = records::begin_as(&pool, user.id).await?;
    access::ensure(&mut *tx, &user, RecordKind::Deal, id, May::Change).await?;
    let deal: Option<(i64, i64)> = sqlx::query_as(
        "SELECT pipeline_id, stage_id FROM deals WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((pipeline, _)) = deal else {
        return Err(AppError::NotFound);
    };
    let saved: Option<i32> = if DEAL_CLOSINGS.contains(&to.column.as_str()) {
        sqlx::query_scalar(
            "UPDATE deals SET status = $3, lost_reason = CASE WHEN $3 = 'lost' THEN $4 END,
                    closed_at = coalesce(closed_at, now()),
                    updated_by = $5, updated_at = now(), version = version + 1
             WHERE id = $1 AND version = $2 AND deleted_at IS NULL RETURNING version",
        )
        .bind(id)
        .bind(version)
        .bind(&to.column)
        .bind(reason)
        .bind(user.id)
        .fetch_optional(&mut *tx)
        .await?
    } else {
        let stage: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM pipeline_stages WHERE id::text = $1 AND pipeline_id = $2 AND active",
        )
        .bind(&to.column)
        .bind(pipeline)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(stage) = stage else {
            return Err(invalid("stage_id", FieldProblem::InvalidChoice));
        };
        let column = "stage_id = $1::bigint AND status = 'open' AND deleted_at IS NULL";
        let pos = place(&mut tx, "deals", column, &to.column, id, &to).await?;
        sqlx::query_scalar(
            "UPDATE deals d SET stage_id = $3, board_pos = $4::numeric, status = 'open',
                    lost_reason = NULL, closed_at = NULL,
                    probability = CASE WHEN d.probability = old.probability
                                       THEN new.probability ELSE d.probability END,
                    updated_by = $5, updated_at = now(), version = d.version + 1
             FROM pipeline_stages old, pipeline_stages new
             WHERE d.id = $1 AND d.version = $2 AND d.deleted_at IS NULL
               AND old.id = d.stage_id AND new.id = $3
             RETURNING d.version",
        )
        .bind(id)
        .bind(version)
        .bind(stage)
        .bind(&pos)
        .bind(user.id)
        .fetch_optional(&mut *tx)
        .await?
    };
    let new_version = records::saved_or_stale(&mut tx, "deals", id, saved).await?;
    tx.commit().await?;
    Ok(new_version)
}
