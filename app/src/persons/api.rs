//! Server functions of persons. Every one starts with `require`.

use super::{Person, PersonInput, PersonRow};
use crate::error::AppResult;
use crate::ui::list::{ListQuery, Page};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::PersonJob,
    super::{LANGUAGES, ROLES, STAGES},
    crate::auth::Role,
    crate::error::AppError,
    crate::i18n::td_string,
    crate::records::RecordKind,
    crate::records::search::ssr::refuse_duplicates,
    crate::ssr::export::{self, ExportColumn},
    crate::ssr::list_sql::{Day, Field, ListSpec, Sort},
    crate::ssr::{audit, guard::require, pool, records},
    crate::ui::list::ValueKind,
    crate::validate::{opt, parse_date},
    sqlx::{AssertSqlSafe, Row},
};

#[cfg(feature = "ssr")]
pub const LIST: ListSpec = ListSpec {
    table: "persons p",
    alias: "p",
    kind: RecordKind::Person,
    joins: "LEFT JOIN users o ON o.id = p.owner_id
            LEFT JOIN LATERAL (SELECT c.name FROM person_companies pc JOIN companies c ON c.id = pc.company_id
                               WHERE pc.person_id = p.id AND pc.end_date IS NULL AND c.deleted_at IS NULL
                               ORDER BY pc.start_date DESC NULLS LAST, pc.id DESC LIMIT 1) co ON true",
    select: "p.id, p.version, trim(coalesce(p.first_name, '') || ' ' || p.last_name) AS name,
             coalesce(co.name, '') AS company, p.roles, coalesce(p.job_title, '') AS job_title,
             coalesce(p.email, '') AS email, coalesce(p.phone, p.mobile, '') AS phone,
             coalesce(p.city, '') AS city, coalesce(p.country, '') AS country,
             coalesce(p.lifecycle_stage, '') AS lifecycle_stage, coalesce(p.preferred_language, '') AS language,
             coalesce(p.source, '') AS source, coalesce(o.name, '') AS owner_name, p.created_at, p.updated_at",
    days: &[Day { expr: "p.created_at", alias: "created_day" }, Day { expr: "p.updated_at", alias: "updated_day" }],
    filter: "p.deleted_at IS NULL",
    search: "p.search_text",
    owner: "p.owner_id",
    sorts: &[
        Sort { key: "name", expr: "p.sort_name", ty: "text" },
        Sort { key: "city", expr: "relais_fold(coalesce(p.city, ''))", ty: "text" },
        Sort { key: "updated_at", expr: "p.updated_at", ty: "timestamptz" },
        Sort { key: "created_at", expr: "p.created_at", ty: "timestamptz" },
        Sort { key: "email", expr: "lower(coalesce(p.email, ''))", ty: "text" },
        Sort { key: "phone", expr: "coalesce(p.phone, p.mobile, '')", ty: "text" },
        Sort { key: "job_title", expr: "relais_fold(coalesce(p.job_title, ''))", ty: "text" },
        Sort { key: "lifecycle_stage", expr: "coalesce(p.lifecycle_stage, '')", ty: "text" },
        Sort { key: "country", expr: "relais_fold(coalesce(p.country, ''))", ty: "text" },
        Sort { key: "source", expr: "relais_fold(coalesce(p.source, ''))", ty: "text" },
    ],
    fields: &[
        Field { key: "name", expr: "coalesce(p.first_name, '') || ' ' || p.last_name", kind: ValueKind::Text },
        Field { key: "roles", expr: "p.roles", kind: ValueKind::Choices(ROLES) },
        Field { key: "job_title", expr: "p.job_title", kind: ValueKind::Text },
        Field { key: "email", expr: "p.email", kind: ValueKind::Text },
        Field { key: "phone", expr: "coalesce(p.phone, p.mobile)", kind: ValueKind::Text },
        Field { key: "city", expr: "p.city", kind: ValueKind::Text },
        Field { key: "country", expr: "p.country", kind: ValueKind::Text },
        Field { key: "lifecycle_stage", expr: "p.lifecycle_stage", kind: ValueKind::Choice(STAGES) },
        Field { key: "language", expr: "p.preferred_language", kind: ValueKind::Choice(LANGUAGES) },
        Field { key: "source", expr: "p.source", kind: ValueKind::Text },
        Field { key: "owner", expr: "p.owner_id", kind: ValueKind::Owner },
        Field { key: "tags", expr: "", kind: ValueKind::Tag },
        Field { key: "created_at", expr: "p.created_at", kind: ValueKind::Moment },
        Field { key: "updated_at", expr: "p.updated_at", kind: ValueKind::Moment },
    ],
};

/// The columns of a CSV export of persons.
#[cfg(feature = "ssr")]
pub const EXPORT: &[ExportColumn] = &[
    ExportColumn {
        sql: "p.id::text",
        header: |l| td_string!(l, export.id).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.civility",
        header: |l| td_string!(l, person.civility).to_string(),
        value: Some(super::civility_in),
    },
    ExportColumn {
        sql: "p.first_name",
        header: |l| td_string!(l, person.first_name).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.last_name",
        header: |l| td_string!(l, person.last_name).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "co.name",
        header: |l| td_string!(l, person.company).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.job_title",
        header: |l| td_string!(l, person.job_title).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.email",
        header: |l| td_string!(l, person.email).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.email2",
        header: |l| td_string!(l, person.email2).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.phone",
        header: |l| td_string!(l, person.phone).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.mobile",
        header: |l| td_string!(l, person.mobile).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.street",
        header: |l| td_string!(l, company.street).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.line2",
        header: |l| td_string!(l, company.line2).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.postal_code",
        header: |l| td_string!(l, company.postal_code).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.city",
        header: |l| td_string!(l, company.city).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.country",
        header: |l| td_string!(l, company.country).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.birthday::text",
        header: |l| td_string!(l, person.birthday).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.preferred_language",
        header: |l| td_string!(l, person.preferred_language).to_string(),
        value: Some(super::language_in),
    },
    ExportColumn {
        sql: "array_to_string(p.roles, ', ')",
        header: |l| td_string!(l, person.roles).to_string(),
        value: Some(|l, v| export::each(l, v, super::role_in)),
    },
    ExportColumn {
        sql: "p.lifecycle_stage",
        header: |l| td_string!(l, person.lifecycle_stage).to_string(),
        value: Some(super::stage_in),
    },
    ExportColumn {
        sql: "p.source",
        header: |l| td_string!(l, person.source).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "p.marketing_consent::text",
        header: |l| td_string!(l, person.marketing_consent).to_string(),
        value: Some(export::yes_no),
    },
    ExportColumn {
        sql: "p.consent_date::text",
        header: |l| td_string!(l, person.consent_date).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "o.name",
        header: |l| td_string!(l, common.owner).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "to_char(p.updated_at, 'YYYY-MM-DD HH24:MI')",
        header: |l| td_string!(l, common.updated).to_string(),
        value: None,
    },
];

#[server(prefix = "/api/persons", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_persons(query: ListQuery) -> AppResult<Page<PersonRow>> {
    let user = require(Role::Member).await?;
    LIST.fetch(&pool()?, &query, user.id).await
}

#[server(prefix = "/api/persons", endpoint = "get", input = server_fn::codec::Json)]
pub async fn get_person(id: i64) -> AppResult<Person> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let row = sqlx::query(
        "SELECT p.*, coalesce(o.name, '') AS owner_name,
                coalesce(to_char(p.erased_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI'), '') AS erased
         FROM persons p
         LEFT JOIN users o ON o.id = p.owner_id WHERE p.id = $1 AND p.deleted_at IS NULL",
    )
    .bind(id)
    .bind(&user.time_zone)
    .fetch_optional(&pool)
    .await?
    .ok_or(AppError::NotFound)?;
    // Reading a person is reading personal data: it is audited.
    audit::record(&pool, &user, audit::action::VIEW, Some(("person", id)), "").await?;
    let s = |col: &str| -> String {
        row.try_get::<Option<String>, _>(col)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let d = |col: &str| -> String {
        row.try_get::<Option<chrono::NaiveDate>, _>(col)
            .ok()
            .flatten()
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let input = PersonInput {
        civility: s("civility"),
        first_name: s("first_name"),
        last_name: s("last_name"),
        job_title: s("job_title"),
        email: s("email"),
        email2: s("email2"),
        phone: s("phone"),
        mobile: s("mobile"),
        street: s("street"),
        line2: s("line2"),
        postal_code: s("postal_code"),
        city: s("city"),
        country: s("country"),
        birthday: d("birthday"),
        preferred_language: s("preferred_language"),
        roles: row.try_get("roles")?,
        lifecycle_stage: s("lifecycle_stage"),
        source: s("source"),
        marketing_consent: row.try_get("marketing_consent")?,
        consent_date: d("consent_date"),
        consent_method: s("consent_method"),
        owner_id: row.try_get("owner_id")?,
        company_id: None,
        company_job_title: String::new(),
        link_start: String::new(),
        link_end: String::new(),
    };
    let jobs = sqlx::query(
        "SELECT c.id, c.name, coalesce(pc.job_title, '') AS job_title, pc.start_date, pc.end_date
         FROM person_companies pc JOIN companies c ON c.id = pc.company_id
         WHERE pc.person_id = $1 AND c.deleted_at IS NULL
         ORDER BY pc.end_date IS NOT NULL, pc.start_date DESC NULLS LAST, pc.id DESC",
    )
    .bind(id)
    .fetch_all(&pool)
    .await?
    .into_iter()
    .map(|r| PersonJob {
        company_id: r.get("id"),
        company_name: r.get("name"),
        job_title: r.get("job_title"),
        start_date: r.get("start_date"),
        end_date: r.get("end_date"),
    })
    .collect();
    let consent_history = sqlx::query_as::<_, (String, String, bool, String, String)>(
        "SELECT to_char(cc.changed_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI'), coalesce(u.name, ''),
                cc.consent, coalesce(cc.consent_date::text, ''), coalesce(cc.method, '')
         FROM consent_changes cc LEFT JOIN users u ON u.id = cc.changed_by
         WHERE cc.person_id = $1 ORDER BY cc.changed_at DESC, cc.id DESC LIMIT 50",
    )
    .bind(id)
    .bind(&user.time_zone)
    .fetch_all(&pool)
    .await?
    .into_iter()
    .map(|(at, by, consent, date, method)| super::ConsentChange {
        at,
        by,
        consent,
        date,
        method,
    })
    .collect();
    Ok(Person {
        id,
        erased: row.try_get("erased")?,
        consent_history,
        version: row.try_get("version")?,
        owner_name: row.try_get("owner_name")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        input,
        jobs,
    })
}

/// Creates (`id` none) or updates a person, and links them to
/// `input.company_id` if given, in one transaction.
#[server(prefix = "/api/persons", endpoint = "save", input = server_fn::codec::Json)]
pub async fn save_person(
    id: Option<i64>,
    version: Option<i32>,
    input: PersonInput,
    /// A new person who looks like existing ones is saved only once the
    /// user has seen them (`AppError::Duplicates`) and confirmed.
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
        let name = format!("{} {}", input.first_name.trim(), input.last_name.trim());
        let phone = if input.phone.trim().is_empty() {
            input.mobile.as_str()
        } else {
            input.phone.as_str()
        };
        let key = (name.trim(), input.email.as_str(), phone);
        refuse_duplicates(&pool, RecordKind::Person, key, confirmed).await?;
    }
    let (owner, _) =
        records::owner_for_save(&pool, &user, RecordKind::Person, id, input.owner_id).await?;
    let mut tx = records::begin_as(&pool, user.id).await?;
    if let Some(company_id) = input.company_id {
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM companies WHERE id = $1 AND deleted_at IS NULL)",
        )
        .bind(company_id)
        .fetch_one(&mut *tx)
        .await?;
        if !exists {
            return Err(AppError::invalid(vec![crate::error::FieldError {
                field: "company_id".into(),
                problem: crate::error::FieldProblem::InvalidChoice,
            }]));
        }
    }
    let fields = "civility = $1, first_name = $2, last_name = $3, job_title = $4, email = $5, email2 = $6,
        phone = $7, mobile = $8, street = $9, line2 = $10, postal_code = $11, city = $12, country = $13,
        birthday = $14, preferred_language = $15, roles = $16, lifecycle_stage = $17, source = $18,
        marketing_consent = $19, consent_date = $20, consent_method = $21, owner_id = $22";
    let sql = match id {
        None => "INSERT INTO persons (civility, first_name, last_name, job_title, email, email2, phone, mobile,
                 street, line2, postal_code, city, country, birthday, preferred_language, roles, lifecycle_stage,
                 source, marketing_consent, consent_date, consent_method, owner_id, created_by, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                 $20, $21, $22, $23, $23) RETURNING id"
            .to_string(),
        Some(_) => format!(
            "UPDATE persons SET {fields}, updated_by = $23, updated_at = now(), version = version + 1
             WHERE id = $24 AND version = $25 AND deleted_at IS NULL RETURNING id"
        ),
    };
    let query = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(opt(&input.civility))
        .bind(opt(&input.first_name))
        .bind(input.last_name.trim())
        .bind(opt(&input.job_title))
        .bind(opt(&input.email))
        .bind(opt(&input.email2))
        .bind(opt(&input.phone))
        .bind(opt(&input.mobile))
        .bind(opt(&input.street))
        .bind(opt(&input.line2))
        .bind(opt(&input.postal_code))
        .bind(opt(&input.city))
        .bind(opt(&input.country))
        .bind(parse_date(&input.birthday))
        .bind(opt(&input.preferred_language))
        .bind(&input.roles)
        .bind(opt(&input.lifecycle_stage))
        .bind(opt(&input.source))
        .bind(input.marketing_consent)
        .bind(parse_date(&input.consent_date))
        .bind(opt(&input.consent_method))
        .bind(owner)
        .bind(user.id);
    let query = match id {
        Some(id) => query.bind(id).bind(version),
        None => query,
    };
    let saved: Option<i64> = query.fetch_optional(&mut *tx).await?;
    let person_id = match id {
        None => saved.ok_or_else(|| AppError::server("insert returned nothing"))?,
        Some(id) => records::saved_or_stale(&mut tx, "persons", id, saved).await?,
    };
    if let Some(company_id) = input.company_id {
        // Same company, still current: update that job; otherwise a new one.
        let updated = sqlx::query(
            "UPDATE person_companies SET job_title = coalesce($3, job_title),
                    start_date = coalesce($4, start_date), end_date = $5
             WHERE person_id = $1 AND company_id = $2 AND end_date IS NULL",
        )
        .bind(person_id)
        .bind(company_id)
        .bind(opt(&input.company_job_title))
        .bind(parse_date(&input.link_start))
        .bind(parse_date(&input.link_end))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO person_companies (person_id, company_id, job_title, start_date, end_date)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(person_id)
            .bind(company_id)
            .bind(opt(&input.company_job_title).or(opt(&input.job_title)))
            .bind(parse_date(&input.link_start))
            .bind(parse_date(&input.link_end))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(person_id)
}

#[server(prefix = "/api/persons", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_person(id: i64, version: i32) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    records::soft_delete(&pool, &user, RecordKind::Person, id, version).await
}
