//! Server functions of enrolments. Every one starts with `require`.

use super::{Enrolment, EnrolmentInput, EnrolmentRow};
use crate::error::AppResult;
use crate::records::RecordKind;
use crate::ui::list::{ListQuery, Page};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{STATUSES, subject_sql},
    crate::access::{May, ssr::ensure},
    crate::auth::Role,
    crate::error::{AppError, BadRequest, FieldError, FieldProblem},
    crate::i18n::td_string,
    crate::ssr::export::ExportColumn,
    crate::ssr::list_sql::{Day, Field, ListSpec, Sort},
    crate::ssr::{guard::require, pool, records},
    crate::ui::list::ValueKind,
    crate::validate::{opt, parse_date},
    sqlx::{AssertSqlSafe, Row},
};

/// The enrolments list: the *Programmes* module.
#[cfg(feature = "ssr")]
pub const LIST: ListSpec = ListSpec {
    table: "enrolments e",
    alias: "e",
    kind: RecordKind::Enrolment,
    joins: "JOIN programmes pg ON pg.id = e.programme_id
            LEFT JOIN users o ON o.id = e.owner_id",
    select: concat!(
        "e.id, e.version, ",
        subject_sql!("e"),
        " AS subject,
         CASE WHEN e.person_id IS NULL THEN '/companies/' || e.company_id ELSE '/persons/' || e.person_id END AS subject_href,
         pg.name AS programme, pg.kind AS programme_kind, coalesce(e.identifier, '') AS identifier, e.status,
         coalesce(e.starts_on::text, '') AS starts_on, coalesce(e.ends_on::text, '') AS ends_on,
         coalesce(o.name, '') AS owner_name, e.updated_at"
    ),
    days: &[Day { expr: "e.updated_at", alias: "updated_day" }],
    filter: "e.deleted_at IS NULL",
    search: "e.search_text",
    owner: "e.owner_id",
    sorts: &[
        Sort { key: "subject", expr: "e.sort_name", ty: "text" },
        Sort { key: "starts_on", expr: "coalesce(e.starts_on, '0001-01-01'::date)", ty: "date" },
        Sort { key: "updated_at", expr: "e.updated_at", ty: "timestamptz" },
    ],
    fields: &[
        Field { key: "programme", expr: "(SELECT f.name FROM programmes f WHERE f.id = e.programme_id)", kind: ValueKind::Text },
        Field { key: "identifier", expr: "e.identifier", kind: ValueKind::Text },
        Field { key: "status", expr: "e.status", kind: ValueKind::Choice(STATUSES) },
        Field { key: "starts_on", expr: "e.starts_on", kind: ValueKind::Date },
        Field { key: "ends_on", expr: "e.ends_on", kind: ValueKind::Date },
        Field { key: "owner", expr: "e.owner_id", kind: ValueKind::Owner },
        Field { key: "tags", expr: "", kind: ValueKind::Tag },
        Field { key: "updated_at", expr: "e.updated_at", kind: ValueKind::Moment },
    ],
};

/// The columns of a CSV export of enrolments (funders ask for the
/// identifiers).
#[cfg(feature = "ssr")]
pub const EXPORT: &[ExportColumn] = &[
    ExportColumn {
        sql: "e.id::text",
        header: |l| td_string!(l, export.id).to_string(),
        value: None,
    },
    ExportColumn {
        sql: subject_sql!("e"),
        header: |l| td_string!(l, enrolment.subject).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "pg.name",
        header: |l| td_string!(l, enrolment.programme).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "pg.kind",
        header: |l| td_string!(l, programme.kind).to_string(),
        value: Some(|l, v| crate::programmes::kind_label(l, v).to_string()),
    },
    ExportColumn {
        sql: "e.identifier",
        header: |l| td_string!(l, enrolment.identifier).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "e.status",
        header: |l| td_string!(l, enrolment.status).to_string(),
        value: Some(super::status_in),
    },
    ExportColumn {
        sql: "e.starts_on::text",
        header: |l| td_string!(l, enrolment.starts_on).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "e.ends_on::text",
        header: |l| td_string!(l, enrolment.ends_on).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "o.name",
        header: |l| td_string!(l, common.owner).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "e.notes",
        header: |l| td_string!(l, enrolment.notes).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "to_char(e.updated_at, 'YYYY-MM-DD HH24:MI')",
        header: |l| td_string!(l, common.updated).to_string(),
        value: None,
    },
];

#[server(prefix = "/api/enrolments", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_enrolments(query: ListQuery) -> AppResult<Page<EnrolmentRow>> {
    let user = require(Role::Member).await?;
    LIST.fetch(&pool()?, &query, user.id).await
}

#[server(prefix = "/api/enrolments", endpoint = "get", input = server_fn::codec::Json)]
pub async fn get_enrolment(id: i64) -> AppResult<Enrolment> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    ensure(&pool, &user, RecordKind::Enrolment, id, May::See).await?;
    let r = sqlx::query(AssertSqlSafe(concat!(
        "SELECT e.*, pg.name AS programme_name, pg.kind AS programme_kind, ",
        subject_sql!("e"),
        " AS subject_name, coalesce(o.name, '') AS owner_name,
                coalesce(e.starts_on::text, '') AS starts_text, coalesce(e.ends_on::text, '') AS ends_text
         FROM enrolments e JOIN programmes pg ON pg.id = e.programme_id
         LEFT JOIN users o ON o.id = e.owner_id
         WHERE e.id = $1 AND e.deleted_at IS NULL"
    )))
    .bind(id)
    .fetch_optional(&pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let s = |col: &str| -> String {
        r.try_get::<Option<String>, _>(col)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    Ok(Enrolment {
        id,
        version: r.try_get("version")?,
        input: EnrolmentInput {
            programme_id: r.try_get("programme_id")?,
            person_id: r.try_get("person_id")?,
            company_id: r.try_get("company_id")?,
            identifier: s("identifier"),
            status: s("status"),
            starts_on: s("starts_text"),
            ends_on: s("ends_text"),
            notes: s("notes"),
            owner_id: r.try_get("owner_id")?,
        },
        programme_name: s("programme_name"),
        programme_kind: s("programme_kind"),
        subject_name: s("subject_name"),
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

/// The columns a save writes, `$1`… in [`bind_fields`]'s order.
#[cfg(feature = "ssr")]
const FIELDS: &str =
    "programme_id, person_id, company_id, identifier, status, starts_on, ends_on, notes, owner_id";

/// Binds the values of [`FIELDS`].
#[cfg(feature = "ssr")]
fn bind_fields<'q, O>(
    q: sqlx::query::QueryScalar<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    input: &'q EnrolmentInput,
    owner: Option<i64>,
) -> sqlx::query::QueryScalar<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    q.bind(input.programme_id)
        .bind(input.person_id)
        .bind(input.company_id)
        .bind(opt(input.identifier.trim()))
        .bind(&input.status)
        .bind(parse_date(&input.starts_on))
        .bind(parse_date(&input.ends_on))
        .bind(opt(&input.notes))
        .bind(owner)
}

/// An identifier already given in the entry (the unique index, which also
/// decides between two saves racing for it): the identifier's message.
#[cfg(feature = "ssr")]
fn identifier_taken(e: sqlx::Error) -> AppError {
    match &e {
        sqlx::Error::Database(db)
            if db.is_unique_violation() && db.constraint() == Some("enrolments_identifier_key") =>
        {
            invalid("identifier", FieldProblem::AlreadyUsed)
        }
        _ => e.into(),
    }
}

/// Creates (`id` none) or updates an enrolment; returns its id. The entry
/// must be live (and offered, for a new enrolment), the enrolled record
/// live and visible to the user; the identifier is unique in the entry.
#[server(prefix = "/api/enrolments", endpoint = "save", input = server_fn::codec::Json)]
pub async fn save_enrolment(
    id: Option<i64>,
    version: Option<i32>,
    input: EnrolmentInput,
) -> AppResult<i64> {
    let user = require(Role::Member).await?;
    let errors = input.check();
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let pool = pool()?;
    let (owner, _) =
        records::owner_for_save(&pool, &user, RecordKind::Enrolment, id, input.owner_id).await?;
    // A new enrolment needs an offered entry; an existing one may keep the
    // entry it has, even archived since.
    let offered: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM programmes p WHERE p.id = $1
           AND ((p.active AND p.archived_at IS NULL)
                OR p.id = (SELECT programme_id FROM enrolments WHERE id = $2)))",
    )
    .bind(input.programme_id)
    .bind(id)
    .fetch_one(&pool)
    .await?;
    if !offered {
        return Err(invalid("programme_id", FieldProblem::InvalidChoice));
    }
    let (kind, subject) = input
        .subject()
        .ok_or(AppError::bad_request(BadRequest::Arguments))?;
    let field = if kind == RecordKind::Person {
        "person_id"
    } else {
        "company_id"
    };
    match ensure(&pool, &user, kind, subject, May::See).await {
        Err(AppError::NotFound | AppError::Forbidden) => {
            return Err(invalid(field, FieldProblem::InvalidChoice));
        }
        other => other?,
    };
    let mut tx = records::begin_as(&pool, user.id).await?;
    let saved = match id {
        None => {
            let q = sqlx::query_scalar(AssertSqlSafe(format!(
                "INSERT INTO enrolments ({FIELDS}, created_by, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id"
            )));
            bind_fields(q, &input, owner)
                .bind(user.id)
                .fetch_one(&mut *tx)
                .await
                .map_err(identifier_taken)?
        }
        Some(id) => {
            let version = version.ok_or(AppError::bad_request(BadRequest::Arguments))?;
            let set = FIELDS
                .split(", ")
                .enumerate()
                .map(|(i, f)| format!("{f} = ${}", i + 1))
                .collect::<Vec<_>>()
                .join(", ");
            let q = sqlx::query_scalar::<_, i32>(AssertSqlSafe(records::update_sql(
                "enrolments",
                &set,
                9,
            )));
            let saved = bind_fields(q, &input, owner)
                .bind(user.id)
                .bind(id)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await
                .map_err(identifier_taken)?;
            records::saved_or_stale(&mut tx, "enrolments", id, saved).await?;
            id
        }
    };
    tx.commit().await?;
    Ok(saved)
}

/// Ends an enrolment: completed or withdrawn, ending today unless it has
/// an end date already. Returns the new version.
#[server(prefix = "/api/enrolments", endpoint = "end", input = server_fn::codec::Json)]
pub async fn end_enrolment(id: i64, version: i32, status: String) -> AppResult<i32> {
    let user = require(Role::Member).await?;
    if status != "completed" && status != "withdrawn" {
        return Err(invalid("status", FieldProblem::InvalidChoice));
    }
    let pool = pool()?;
    ensure(&pool, &user, RecordKind::Enrolment, id, May::Change).await?;
    let mut tx = records::begin_as(&pool, user.id).await?;
    let version = records::update_versioned(
        &mut tx,
        "enrolments",
        (id, version, user.id),
        (
            "status = $1, ends_on = coalesce(ends_on, greatest(current_date, starts_on))",
            1,
        ),
        |q| q.bind(status),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

#[server(prefix = "/api/enrolments", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_enrolment(id: i64, version: i32) -> AppResult<()> {
    let user = require(Role::Member).await?;
    records::soft_delete(&pool()?, &user, RecordKind::Enrolment, id, version).await
}

/// The statement of [`related_enrolments`], `$1` being the record's id;
/// none for kinds that are not enrolled.
#[cfg(feature = "ssr")]
pub fn related_sql(kind: RecordKind) -> Option<String> {
    let column = match kind {
        RecordKind::Person => "person_id",
        RecordKind::Company => "company_id",
        _ => return None,
    };
    Some(format!(
        "SELECT {select} FROM enrolments e {joins}
         WHERE e.{column} = $1 AND e.deleted_at IS NULL
         ORDER BY e.status IN ('completed', 'withdrawn'), e.starts_on DESC NULLS FIRST, e.id DESC
         LIMIT 100",
        select = LIST.select,
        joins = LIST.joins,
    ))
}

/// The enrolments of a person or a company, current ones first.
#[server(prefix = "/api/enrolments", endpoint = "related", input = server_fn::codec::Json)]
pub async fn related_enrolments(kind: RecordKind, id: i64) -> AppResult<Vec<EnrolmentRow>> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    ensure(&pool, &user, kind, id, May::See).await?;
    let Some(sql) = related_sql(kind) else {
        return Ok(Vec::new());
    };
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&pool)
        .await?)
}
