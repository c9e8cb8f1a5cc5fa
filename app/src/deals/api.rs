//! Server functions of deals. Every one starts with `require`.

use super::{Deal, DealInput, DealRow, Pipeline};
use crate::error::AppResult;
use crate::records::{RecordKind, RecordLink};
use crate::ui::list::{ListQuery, Page};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{STATUSES, Stage, parse_amount},
    crate::auth::Role,
    crate::error::{AppError, FieldError, FieldProblem},
    crate::i18n::td_string,
    crate::ssr::export::ExportColumn,
    crate::ssr::list_sql::{Day, Field, ListSpec, Sort},
    crate::ssr::{guard::require, pool, records},
    crate::ui::list::ValueKind,
    crate::validate::{opt, parse_date},
    sqlx::{AssertSqlSafe, Row},
};

#[cfg(feature = "ssr")]
pub const LIST: ListSpec = ListSpec {
    table: "deals d",
    alias: "d",
    kind: RecordKind::Deal,
    joins: "LEFT JOIN users o ON o.id = d.owner_id
            LEFT JOIN companies co ON co.id = d.company_id
            LEFT JOIN persons pe ON pe.id = d.person_id
            JOIN pipelines pl ON pl.id = d.pipeline_id
            JOIN pipeline_stages st ON st.id = d.stage_id",
    select: "d.id, d.version, d.name, coalesce(co.name, '') AS company,
             coalesce(trim(coalesce(pe.first_name, '') || ' ' || pe.last_name), '') AS person,
             pl.name AS pipeline, st.name AS stage, coalesce(d.amount::text, '') AS amount,
             coalesce(d.expected_close::text, '') AS expected_close, d.probability, d.status,
             coalesce(d.next_step, '') AS next_step, coalesce(o.name, '') AS owner_name, d.updated_at",
    days: &[Day { expr: "d.updated_at", alias: "updated_day" }],
    filter: "d.deleted_at IS NULL",
    search: "d.search_text",
    owner: "d.owner_id",
    sorts: &[
        Sort { key: "name", expr: "d.sort_name", ty: "text" },
        Sort { key: "amount", expr: "coalesce(d.amount, 0)", ty: "numeric" },
        Sort { key: "expected_close", expr: "coalesce(d.expected_close, '9999-12-31'::date)", ty: "date" },
        Sort { key: "updated_at", expr: "d.updated_at", ty: "timestamptz" },
        Sort { key: "probability", expr: "d.probability", ty: "integer" },
        Sort { key: "status", expr: "d.status", ty: "text" },
    ],
    fields: &[
        Field { key: "name", expr: "d.name", kind: ValueKind::Text },
        Field { key: "status", expr: "d.status", kind: ValueKind::Choice(STATUSES) },
        Field { key: "amount", expr: "d.amount", kind: ValueKind::Number },
        Field { key: "expected_close", expr: "d.expected_close", kind: ValueKind::Date },
        Field { key: "probability", expr: "d.probability", kind: ValueKind::Number },
        Field { key: "next_step", expr: "d.next_step", kind: ValueKind::Text },
        Field { key: "owner", expr: "d.owner_id", kind: ValueKind::Owner },
        Field { key: "tags", expr: "", kind: ValueKind::Tag },
        Field { key: "updated_at", expr: "d.updated_at", kind: ValueKind::Moment },
    ],
};

/// The columns of a CSV export of deals.
#[cfg(feature = "ssr")]
pub const EXPORT: &[ExportColumn] = &[
    ExportColumn {
        sql: "d.id::text",
        header: |l| td_string!(l, export.id).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "d.name",
        header: |l| td_string!(l, deal.name).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "co.name",
        header: |l| td_string!(l, deal.company).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "trim(coalesce(pe.first_name, '') || ' ' || pe.last_name)",
        header: |l| td_string!(l, deal.person).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "pl.name",
        header: |l| td_string!(l, deal.pipeline).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "st.name",
        header: |l| td_string!(l, deal.stage).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "d.amount::text",
        header: |l| td_string!(l, deal.amount).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "d.expected_close::text",
        header: |l| td_string!(l, deal.expected_close).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "d.probability::text",
        header: |l| td_string!(l, deal.probability).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "d.status",
        header: |l| td_string!(l, deal.status).to_string(),
        value: Some(super::status_in),
    },
    ExportColumn {
        sql: "d.lost_reason",
        header: |l| td_string!(l, deal.lost_reason).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "d.next_step",
        header: |l| td_string!(l, deal.next_step).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "o.name",
        header: |l| td_string!(l, common.owner).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "to_char(d.updated_at, 'YYYY-MM-DD HH24:MI')",
        header: |l| td_string!(l, common.updated).to_string(),
        value: None,
    },
];

#[server(prefix = "/api/deals", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_deals(query: ListQuery) -> AppResult<Page<DealRow>> {
    let user = require(Role::Member).await?;
    LIST.fetch(&pool()?, &query, user.id).await
}

/// Active pipelines with their stages, in order.
#[server(prefix = "/api/deals", endpoint = "pipelines", input = server_fn::codec::Json)]
pub async fn list_pipelines(include_inactive: bool) -> AppResult<Vec<Pipeline>> {
    require(Role::Member).await?;
    let pool = pool()?;
    let pipelines: Vec<(i64, String, bool)> = sqlx::query_as(
        "SELECT id, name, active FROM pipelines WHERE active OR $1 ORDER BY position, id",
    )
    .bind(include_inactive)
    .fetch_all(&pool)
    .await?;
    let stages: Vec<(i64, i64, String, i32, i32)> = sqlx::query_as(
        "SELECT id, pipeline_id, name, position, probability FROM pipeline_stages
         WHERE active ORDER BY pipeline_id, position, id",
    )
    .fetch_all(&pool)
    .await?;
    Ok(pipelines
        .into_iter()
        .map(|(id, name, active)| Pipeline {
            id,
            name,
            active,
            stages: stages
                .iter()
                .filter(|s| s.1 == id)
                .map(|s| Stage {
                    id: s.0,
                    name: s.2.clone(),
                    position: s.3,
                    probability: s.4,
                })
                .collect(),
        })
        .collect())
}

#[server(prefix = "/api/deals", endpoint = "get", input = server_fn::codec::Json)]
pub async fn get_deal(id: i64) -> AppResult<Deal> {
    require(Role::Member).await?;
    let r = sqlx::query(
        "SELECT d.*, coalesce(co.name, '') AS company_name,
                coalesce(trim(coalesce(pe.first_name, '') || ' ' || pe.last_name), '') AS person_name,
                pl.name AS pipeline_name, st.name AS stage_name, coalesce(o.name, '') AS owner_name,
                coalesce(d.amount::text, '') AS amount_text, coalesce(d.expected_close::text, '') AS close_text
         FROM deals d JOIN pipelines pl ON pl.id = d.pipeline_id JOIN pipeline_stages st ON st.id = d.stage_id
         LEFT JOIN companies co ON co.id = d.company_id LEFT JOIN persons pe ON pe.id = d.person_id
         LEFT JOIN users o ON o.id = d.owner_id
         WHERE d.id = $1 AND d.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&pool()?)
    .await?
    .ok_or(AppError::NotFound)?;
    let s = |col: &str| -> String {
        r.try_get::<Option<String>, _>(col)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let probability: i32 = r.try_get("probability")?;
    Ok(Deal {
        id,
        version: r.try_get("version")?,
        input: DealInput {
            name: s("name"),
            company_id: r.try_get("company_id")?,
            person_id: r.try_get("person_id")?,
            pipeline_id: r.try_get("pipeline_id")?,
            stage_id: r.try_get("stage_id")?,
            amount: s("amount_text"),
            expected_close: s("close_text"),
            probability: probability.to_string(),
            status: s("status"),
            lost_reason: s("lost_reason"),
            next_step: s("next_step"),
            description: s("description"),
            owner_id: r.try_get("owner_id")?,
        },
        company_name: s("company_name"),
        person_name: s("person_name"),
        pipeline_name: s("pipeline_name"),
        stage_name: s("stage_name"),
        owner_name: s("owner_name"),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

#[cfg(feature = "ssr")]
fn invalid(field: &str, problem: FieldProblem) -> AppError {
    AppError::invalid(vec![FieldError {
        field: field.into(),
        problem,
    }])
}

/// Creates (`id` none) or updates a deal; returns its id. The stage must
/// belong to the pipeline; an empty probability takes the stage's default.
#[server(prefix = "/api/deals", endpoint = "save", input = server_fn::codec::Json)]
pub async fn save_deal(
    id: Option<i64>,
    version: Option<i32>,
    input: DealInput,
    /// A new deal named like existing ones is saved only once the user has
    /// seen them (`AppError::Duplicates`) and confirmed.
    #[server(default)]
    confirmed: bool,
) -> AppResult<i64> {
    let user = require(Role::Member).await?;
    let errors = input.check();
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let pool = pool()?;
    if id.is_none() {
        let key = (input.name.as_str(), "", "");
        crate::records::search::ssr::refuse_duplicates(&pool, RecordKind::Deal, key, confirmed)
            .await?;
    }
    let (owner, _) =
        records::owner_for_save(&pool, &user, RecordKind::Deal, id, input.owner_id).await?;
    let stage_probability: Option<i32> = sqlx::query_scalar(
        "SELECT probability FROM pipeline_stages WHERE id = $1 AND pipeline_id = $2 AND active",
    )
    .bind(input.stage_id)
    .bind(input.pipeline_id)
    .fetch_optional(&pool)
    .await?;
    let Some(stage_probability) = stage_probability else {
        return Err(invalid("stage_id", FieldProblem::InvalidChoice));
    };
    for (field, kind, value) in [
        ("company_id", RecordKind::Company, input.company_id),
        ("person_id", RecordKind::Person, input.person_id),
    ] {
        if let Some(v) = value
            && crate::records::ssr::ensure_live(&pool, kind, v)
                .await
                .is_err()
        {
            return Err(invalid(field, FieldProblem::InvalidChoice));
        }
    }
    let probability = input
        .probability
        .trim()
        .parse::<i32>()
        .unwrap_or(stage_probability);
    let status = if input.status.is_empty() {
        "open"
    } else {
        input.status.as_str()
    };
    let amount = parse_amount(&input.amount)
        .ok()
        .flatten()
        .map(|a| format!("{a:.2}"));
    let fields = "name = $1, company_id = $2, person_id = $3, pipeline_id = $4, stage_id = $5,
        amount = $6::numeric, expected_close = $7, probability = $8, status = $9, lost_reason = $10,
        next_step = $11, description = $12, owner_id = $13,
        closed_at = CASE WHEN $9 = 'open' THEN NULL ELSE coalesce(closed_at, now()) END";
    let sql = match id {
        None => "INSERT INTO deals (name, company_id, person_id, pipeline_id, stage_id, amount, expected_close,
                 probability, status, lost_reason, next_step, description, owner_id, closed_at, created_by, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6::numeric, $7, $8, $9, $10, $11, $12, $13,
                         CASE WHEN $9 = 'open' THEN NULL ELSE now() END, $14, $14)
                 RETURNING id"
            .to_string(),
        Some(_) => format!(
            "UPDATE deals SET {fields}, updated_by = $14, updated_at = now(), version = version + 1
             WHERE id = $15 AND version = $16 AND deleted_at IS NULL RETURNING id"
        ),
    };
    let query = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(input.name.trim())
        .bind(input.company_id)
        .bind(input.person_id)
        .bind(input.pipeline_id)
        .bind(input.stage_id)
        .bind(amount)
        .bind(parse_date(&input.expected_close))
        .bind(probability)
        .bind(status)
        .bind(opt(&input.lost_reason).filter(|_| status == "lost"))
        .bind(opt(&input.next_step))
        .bind(opt(&input.description))
        .bind(owner)
        .bind(user.id);
    let query = match id {
        Some(id) => query.bind(id).bind(version),
        None => query,
    };
    let mut tx = records::begin_as(&pool, user.id).await?;
    let saved: Option<i64> = query.fetch_optional(&mut *tx).await?;
    let saved = match id {
        None => saved.ok_or_else(|| AppError::server("insert returned nothing"))?,
        Some(id) => records::saved_or_stale(&mut tx, "deals", id, saved).await?,
    };
    tx.commit().await?;
    Ok(saved)
}

#[server(prefix = "/api/deals", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_deal(id: i64, version: i32) -> AppResult<()> {
    let user = require(Role::Member).await?;
    records::soft_delete(&pool()?, &user, RecordKind::Deal, id, version).await
}

/// The deals of a company or a person, open ones first (at most 50).
/// The statement of [`related_deals`], `$1` being the record's id; none for
/// deals (public so that `server bench` times the very same SQL).
#[cfg(feature = "ssr")]
pub fn related_deals_sql(kind: RecordKind) -> Option<String> {
    let column = match kind {
        RecordKind::Company => "company_id",
        RecordKind::Person => "person_id",
        _ => return None,
    };
    Some(format!(
        "SELECT d.id, d.name, d.status, coalesce(d.amount::text, '') AS amount, st.name AS stage
         FROM deals d JOIN pipeline_stages st ON st.id = d.stage_id
         WHERE d.{column} = $1 AND d.deleted_at IS NULL
         ORDER BY d.status <> 'open', d.expected_close NULLS LAST, d.id DESC LIMIT 50"
    ))
}

#[server(prefix = "/api/deals", endpoint = "related", input = server_fn::codec::Json)]
pub async fn related_deals(kind: RecordKind, id: i64) -> AppResult<Vec<RecordLink>> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    crate::access::ssr::ensure(&pool, &user, kind, id, crate::access::May::See).await?;
    let Some(sql) = related_deals_sql(kind) else {
        return Ok(Vec::new());
    };
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&pool)
        .await?;
    rows.into_iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            let stage: String = r.try_get("stage")?;
            let amount: String = r.try_get("amount")?;
            Ok(RecordLink {
                kind: RecordKind::Deal,
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                detail: format!("{status}|{stage}|{amount}"),
            })
        })
        .collect()
}
