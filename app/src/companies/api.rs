//! Server functions of companies. Every one starts with `require`.

use super::{Company, CompanyInput, CompanyRow};
use crate::error::AppResult;
use crate::ui::list::{ListQuery, Page};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::CompanyPerson,
    crate::auth::Role,
    crate::error::AppError,
    crate::ssr::{guard::require, list_sql::ListSpec, pool, records},
    crate::validate::opt,
    sqlx::{AssertSqlSafe, Row},
};

#[cfg(feature = "ssr")]
const LIST: ListSpec = ListSpec {
    from: "companies c LEFT JOIN users o ON o.id = c.owner_id",
    select: "c.id, c.name, c.roles, coalesce(c.city, '') AS city, coalesce(c.phone, '') AS phone,
             coalesce(c.email, '') AS email, coalesce(o.name, '') AS owner_name, c.updated_at",
    filter: "c.deleted_at IS NULL",
    search: "lower(c.name || ' ' || coalesce(c.city, '') || ' ' || coalesce(c.email, '') || ' ' || coalesce(c.phone, ''))",
    sorts: &[
        ("name", "lower(c.name)"),
        ("city", "lower(c.city)"),
        ("phone", "c.phone"),
        ("email", "lower(c.email)"),
        ("owner", "lower(o.name)"),
        ("updated_at", "c.updated_at"),
    ],
    default_sort: "lower(c.name)",
    tiebreak: "c.id",
};

#[server(prefix = "/api/companies", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_companies(query: ListQuery) -> AppResult<Page<CompanyRow>> {
    require(Role::Member).await?;
    LIST.fetch(&pool()?, &query).await
}

/// Companies whose name contains `q`, for pickers (at most 10).
#[server(prefix = "/api/companies", endpoint = "search", input = server_fn::codec::Json)]
pub async fn search_companies(q: String) -> AppResult<Vec<(i64, String)>> {
    require(Role::Member).await?;
    let rows = sqlx::query_as(
        "SELECT id, name FROM companies WHERE deleted_at IS NULL AND lower(name) LIKE $1
         ORDER BY lower(name), id LIMIT 10",
    )
    .bind(crate::ssr::list_sql::contains_pattern(&q))
    .fetch_all(&pool()?)
    .await?;
    Ok(rows)
}

#[server(prefix = "/api/companies", endpoint = "get", input = server_fn::codec::Json)]
pub async fn get_company(id: i64) -> AppResult<Company> {
    require(Role::Member).await?;
    let pool = pool()?;
    let row = sqlx::query(
        "SELECT c.*, coalesce(o.name, '') AS owner_name FROM companies c
         LEFT JOIN users o ON o.id = c.owner_id WHERE c.id = $1 AND c.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let s = |col: &str| -> String {
        row.try_get::<Option<String>, _>(col)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let input = CompanyInput {
        name: s("name"),
        roles: row.try_get("roles")?,
        industry: s("industry"),
        size: s("size"),
        website: s("website"),
        email: s("email"),
        phone: s("phone"),
        street: s("street"),
        line2: s("line2"),
        postal_code: s("postal_code"),
        city: s("city"),
        country: s("country"),
        registration_number: s("registration_number"),
        source: s("source"),
        description: s("description"),
        owner_id: row.try_get("owner_id")?,
    };
    let people = sqlx::query(
        "SELECT p.id, trim(coalesce(p.first_name, '') || ' ' || p.last_name) AS name,
                coalesce(pc.job_title, '') AS job_title, coalesce(p.email, '') AS email,
                coalesce(p.phone, '') AS phone, pc.start_date, pc.end_date
         FROM person_companies pc JOIN persons p ON p.id = pc.person_id
         WHERE pc.company_id = $1 AND p.deleted_at IS NULL
         ORDER BY pc.end_date IS NOT NULL, lower(p.last_name), p.id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await?
    .into_iter()
    .map(|r| CompanyPerson {
        person_id: r.get("id"),
        name: r.get("name"),
        job_title: r.get("job_title"),
        email: r.get("email"),
        phone: r.get("phone"),
        start_date: r.get("start_date"),
        end_date: r.get("end_date"),
    })
    .collect();
    Ok(Company {
        id,
        version: row.try_get("version")?,
        owner_name: row.try_get("owner_name")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        input,
        people,
    })
}

/// Creates (`id` none) or updates a company; returns its id. An update must
/// name the `version` it was read at: a stale one is refused, not merged.
#[server(prefix = "/api/companies", endpoint = "save", input = server_fn::codec::Json)]
pub async fn save_company(
    id: Option<i64>,
    version: Option<i32>,
    input: CompanyInput,
) -> AppResult<i64> {
    let user = require(Role::Member).await?;
    let errors = input.check();
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let pool = pool()?;
    let owner = records::owner_or_self(&pool, input.owner_id, &user).await?;
    let sql_fields = "name = $1, roles = $2, industry = $3, size = $4, website = $5, email = $6, phone = $7,
        street = $8, line2 = $9, postal_code = $10, city = $11, country = $12, registration_number = $13,
        source = $14, description = $15, owner_id = $16";
    let sql = match id {
        None => "INSERT INTO companies (name, roles, industry, size, website, email, phone, street, line2,
                 postal_code, city, country, registration_number, source, description, owner_id, created_by, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
                 RETURNING id"
            .to_string(),
        Some(_) => format!(
            "UPDATE companies SET {sql_fields}, updated_by = $17, updated_at = now(), version = version + 1
             WHERE id = $18 AND version = $19 AND deleted_at IS NULL RETURNING id"
        ),
    };
    let query = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(input.name.trim())
        .bind(&input.roles)
        .bind(opt(&input.industry))
        .bind(opt(&input.size))
        .bind(opt(&input.website))
        .bind(opt(&input.email))
        .bind(opt(&input.phone))
        .bind(opt(&input.street))
        .bind(opt(&input.line2))
        .bind(opt(&input.postal_code))
        .bind(opt(&input.city))
        .bind(opt(&input.country))
        .bind(opt(&input.registration_number))
        .bind(opt(&input.source))
        .bind(opt(&input.description))
        .bind(owner)
        .bind(user.id);
    let query = match id {
        Some(id) => query.bind(id).bind(version),
        None => query,
    };
    let saved: Option<i64> = query.fetch_optional(&pool).await?;
    match (saved, id) {
        (Some(saved), _) => Ok(saved),
        (None, Some(id)) => Err(records::stale_or_missing(&pool, "companies", id).await),
        (None, None) => Err(AppError::server("insert returned nothing")),
    }
}

/// Moves a company to the trash (soft delete), if still at `version`.
#[server(prefix = "/api/companies", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_company(id: i64, version: i32) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    records::soft_delete(&pool, "companies", id, version, user.id).await
}
