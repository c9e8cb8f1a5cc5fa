//! Server functions of companies. Every one starts with `require`.

use super::{Company, CompanyInput, CompanyRow};
use crate::error::AppResult;
use crate::ui::list::{ListQuery, Page};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::CompanyPerson,
    super::{ROLES, SIZES},
    crate::auth::Role,
    crate::error::AppError,
    crate::i18n::td_string,
    crate::records::RecordKind,
    crate::records::search::ssr::refuse_duplicates,
    crate::ssr::export::{self, ExportColumn},
    crate::ssr::list_sql::{Day, Field, ListSpec, Sort},
    crate::ssr::{guard::require, pool, records},
    crate::ui::list::ValueKind,
    crate::validate::opt,
    sqlx::{AssertSqlSafe, Row},
};

#[cfg(feature = "ssr")]
pub const LIST: ListSpec = ListSpec {
    table: "companies c",
    alias: "c",
    kind: RecordKind::Company,
    joins: "LEFT JOIN users o ON o.id = c.owner_id",
    select: "c.id, c.version, c.name, c.roles, coalesce(c.industry, '') AS industry, coalesce(c.size, '') AS size,
             coalesce(c.city, '') AS city, coalesce(c.country, '') AS country, coalesce(c.phone, '') AS phone,
             coalesce(c.email, '') AS email, coalesce(c.website, '') AS website, coalesce(c.source, '') AS source,
             coalesce(o.name, '') AS owner_name, c.created_at, c.updated_at",
    days: &[Day { expr: "c.created_at", alias: "created_day" }, Day { expr: "c.updated_at", alias: "updated_day" }],
    filter: "c.deleted_at IS NULL",
    search: "c.search_text",
    owner: "c.owner_id",
    sorts: &[
        Sort { key: "name", expr: "c.sort_name", ty: "text" },
        Sort { key: "city", expr: "relais_fold(coalesce(c.city, ''))", ty: "text" },
        Sort { key: "updated_at", expr: "c.updated_at", ty: "timestamptz" },
        Sort { key: "created_at", expr: "c.created_at", ty: "timestamptz" },
        Sort { key: "email", expr: "lower(coalesce(c.email, ''))", ty: "text" },
        Sort { key: "phone", expr: "coalesce(c.phone, '')", ty: "text" },
        Sort { key: "industry", expr: "relais_fold(coalesce(c.industry, ''))", ty: "text" },
        Sort { key: "size", expr: "coalesce(c.size, '')", ty: "text" },
        Sort { key: "country", expr: "relais_fold(coalesce(c.country, ''))", ty: "text" },
        Sort { key: "source", expr: "relais_fold(coalesce(c.source, ''))", ty: "text" },
    ],
    fields: &[
        Field { key: "name", expr: "c.name", kind: ValueKind::Text },
        Field { key: "roles", expr: "c.roles", kind: ValueKind::Choices(ROLES) },
        Field { key: "industry", expr: "c.industry", kind: ValueKind::Text },
        Field { key: "size", expr: "c.size", kind: ValueKind::Choice(SIZES) },
        Field { key: "city", expr: "c.city", kind: ValueKind::Text },
        Field { key: "country", expr: "c.country", kind: ValueKind::Text },
        Field { key: "email", expr: "c.email", kind: ValueKind::Text },
        Field { key: "phone", expr: "c.phone", kind: ValueKind::Text },
        Field { key: "website", expr: "c.website", kind: ValueKind::Text },
        Field { key: "source", expr: "c.source", kind: ValueKind::Text },
        Field { key: "owner", expr: "c.owner_id", kind: ValueKind::Owner },
        Field { key: "tags", expr: "", kind: ValueKind::Tag },
        Field { key: "created_at", expr: "c.created_at", kind: ValueKind::Moment },
        Field { key: "updated_at", expr: "c.updated_at", kind: ValueKind::Moment },
    ],
};

/// The columns of a CSV export of companies.
#[cfg(feature = "ssr")]
pub const EXPORT: &[ExportColumn] = &[
    ExportColumn {
        sql: "c.id::text",
        header: |l| td_string!(l, export.id).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.name",
        header: |l| td_string!(l, company.name).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "array_to_string(c.roles, ', ')",
        header: |l| td_string!(l, company.roles).to_string(),
        value: Some(|l, v| export::each(l, v, super::role_in)),
    },
    ExportColumn {
        sql: "c.industry",
        header: |l| td_string!(l, company.industry).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.size",
        header: |l| td_string!(l, company.size).to_string(),
        value: Some(super::size_in),
    },
    ExportColumn {
        sql: "c.website",
        header: |l| td_string!(l, company.website).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.email",
        header: |l| td_string!(l, company.email).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.phone",
        header: |l| td_string!(l, company.phone).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.street",
        header: |l| td_string!(l, company.street).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.line2",
        header: |l| td_string!(l, company.line2).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.postal_code",
        header: |l| td_string!(l, company.postal_code).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.city",
        header: |l| td_string!(l, company.city).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.country",
        header: |l| td_string!(l, company.country).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.registration_number",
        header: |l| td_string!(l, company.registration_number).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "c.source",
        header: |l| td_string!(l, company.source).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "o.name",
        header: |l| td_string!(l, common.owner).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "to_char(c.created_at, 'YYYY-MM-DD HH24:MI')",
        header: |l| td_string!(l, common.created).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "to_char(c.updated_at, 'YYYY-MM-DD HH24:MI')",
        header: |l| td_string!(l, common.updated).to_string(),
        value: None,
    },
];

#[server(prefix = "/api/companies", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_companies(query: ListQuery) -> AppResult<Page<CompanyRow>> {
    let user = require(Role::Member).await?;
    LIST.fetch(&pool()?, &query, user.id).await
}

/// Companies whose name contains `q`, for pickers (at most 10).
#[server(prefix = "/api/companies", endpoint = "search", input = server_fn::codec::Json)]
pub async fn search_companies(q: String) -> AppResult<Vec<(i64, String)>> {
    require(Role::Member).await?;
    let rows = sqlx::query_as(
        "SELECT id, name FROM companies WHERE deleted_at IS NULL AND search_text LIKE relais_fold($1)
         ORDER BY sort_name, id LIMIT 10",
    )
    .bind(crate::ssr::list_sql::contains_pattern(&q))
    .fetch_all(&pool()?)
    .await?;
    Ok(rows)
}

/// The statements of [`get_company`], `$1` being the company's id (public so
/// that `server bench` times the very same SQL): the company…
#[cfg(feature = "ssr")]
pub const COMPANY_SQL: &str = "SELECT c.*, coalesce(o.name, '') AS owner_name FROM companies c
         LEFT JOIN users o ON o.id = c.owner_id WHERE c.id = $1 AND c.deleted_at IS NULL";

/// …and its people: current jobs first, newest link first, 50 at most. The
/// order is one `person_companies` index can give, so a company employing
/// thousands costs the same as one employing three.
#[cfg(feature = "ssr")]
pub const COMPANY_PEOPLE_SQL: &str =
    "SELECT p.id, trim(coalesce(p.first_name, '') || ' ' || p.last_name) AS name,
                coalesce(pc.job_title, '') AS job_title, coalesce(p.email, '') AS email,
                coalesce(p.phone, '') AS phone, pc.start_date, pc.end_date
         FROM person_companies pc JOIN persons p ON p.id = pc.person_id
         WHERE pc.company_id = $1 AND p.deleted_at IS NULL
         ORDER BY pc.end_date IS NOT NULL, pc.id DESC LIMIT 50";

#[server(prefix = "/api/companies", endpoint = "get", input = server_fn::codec::Json)]
pub async fn get_company(id: i64) -> AppResult<Company> {
    require(Role::Member).await?;
    let pool = pool()?;
    // The company and its people at once (every member sees every company).
    let (row, people) = tokio::try_join!(
        sqlx::query(COMPANY_SQL).bind(id).fetch_optional(&pool),
        sqlx::query(COMPANY_PEOPLE_SQL).bind(id).fetch_all(&pool),
    )?;
    let row = row.ok_or(AppError::NotFound)?;
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
    let people = people
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
    /// A new company that looks like existing ones is saved only once the
    /// person has seen them (`AppError::Duplicates`) and confirmed.
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
        let key = (
            input.name.as_str(),
            input.email.as_str(),
            input.phone.as_str(),
        );
        refuse_duplicates(&pool, RecordKind::Company, key, confirmed).await?;
    }
    let (owner, _) =
        records::owner_for_save(&pool, &user, RecordKind::Company, id, input.owner_id).await?;
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
    let mut tx = records::begin_as(&pool, user.id).await?;
    let saved: Option<i64> = query.fetch_optional(&mut *tx).await?;
    let saved = match id {
        None => saved.ok_or_else(|| AppError::server("insert returned nothing"))?,
        Some(id) => records::saved_or_stale(&mut tx, "companies", id, saved).await?,
    };
    tx.commit().await?;
    Ok(saved)
}

/// Moves a company to the trash (soft delete), if still at `version`.
#[server(prefix = "/api/companies", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_company(id: i64, version: i32) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    records::soft_delete(&pool, &user, RecordKind::Company, id, version).await
}
