//! Server functions of interactions. Every one starts with `require`.
//! Times cross the wire as wall-clock times of the caller's zone; the
//! database holds UTC.

use super::{Interaction, InteractionInput, InteractionRow, Scope};
use crate::error::AppResult;
use crate::ui::list::{ListQuery, Page};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{ALL_STATUSES, KINDS, Link, PRIORITIES, format_local, series},
    crate::access::{May, ssr as access},
    crate::auth::{CurrentUser, Role},
    crate::error::{AppError, FieldError, FieldProblem},
    crate::i18n::td_string,
    crate::records::RecordKind,
    crate::ssr::export::ExportColumn,
    crate::ssr::list_sql::{Day, Field, ListSpec, Sort},
    crate::ssr::{guard::require, pool, records, zones},
    crate::ui::list::ValueKind,
    crate::validate::{opt, parse_date},
    chrono::{DateTime, NaiveDateTime, Utc},
    sqlx::{PgConnection, Row},
};

#[cfg(feature = "ssr")]
pub const LIST: ListSpec = ListSpec {
    table: "interactions i",
    alias: "i",
    kind: RecordKind::Interaction,
    joins: "LEFT JOIN users o ON o.id = i.owner_id
            LEFT JOIN LATERAL (SELECT l.record_type, l.record_id FROM interaction_links l
                               WHERE l.interaction_id = i.id AND l.main) ml ON true
            LEFT JOIN companies mc ON ml.record_type = 'company' AND mc.id = ml.record_id
            LEFT JOIN persons mp ON ml.record_type = 'person' AND mp.id = ml.record_id
            LEFT JOIN deals md ON ml.record_type = 'deal' AND md.id = ml.record_id",
    select: "i.id, i.version, i.kind, i.subject, i.status,
             to_char(i.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') AS starts,
             coalesce(i.priority, '') AS priority,
             coalesce(mc.name, trim(coalesce(mp.first_name, '') || ' ' || mp.last_name), md.name, '') AS main_record,
             coalesce(o.name, '') AS owner_name,
             coalesce(to_char(i.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS'), '') AS completed,
             i.private, i.updated_at",
    days: &[Day { expr: "i.updated_at", alias: "updated_day" }],
    filter: "i.deleted_at IS NULL",
    search: "i.search_text",
    owner: "i.owner_id",
    sorts: &[
        Sort { key: "starts", expr: "i.starts_at", ty: "timestamptz" },
        Sort { key: "subject", expr: "i.sort_name", ty: "text" },
        Sort { key: "updated_at", expr: "i.updated_at", ty: "timestamptz" },
        Sort { key: "completed", expr: "coalesce(i.completed_at, '-infinity')", ty: "timestamptz" },
    ],
    fields: &[
        Field { key: "subject", expr: "i.subject", kind: ValueKind::Text },
        Field { key: "kind", expr: "i.kind", kind: ValueKind::Choice(KINDS) },
        Field { key: "status", expr: "i.status", kind: ValueKind::Choice(ALL_STATUSES) },
        Field { key: "priority", expr: "i.priority", kind: ValueKind::Choice(PRIORITIES) },
        Field { key: "starts", expr: "i.starts_at", kind: ValueKind::Moment },
        Field { key: "completed", expr: "i.completed_at", kind: ValueKind::Moment },
        Field { key: "owner", expr: "i.owner_id", kind: ValueKind::Owner },
        Field { key: "tags", expr: "", kind: ValueKind::Tag },
        Field { key: "updated_at", expr: "i.updated_at", kind: ValueKind::Moment },
    ],
};

/// The columns of a CSV export of interactions.
#[cfg(feature = "ssr")]
pub const EXPORT: &[ExportColumn] = &[
    ExportColumn {
        sql: "i.id::text",
        header: |l| td_string!(l, export.id).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "i.kind",
        header: |l| td_string!(l, interaction.kind).to_string(),
        value: Some(super::kind_in),
    },
    ExportColumn {
        sql: "i.subject",
        header: |l| td_string!(l, interaction.subject).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "i.status",
        header: |l| td_string!(l, interaction.status).to_string(),
        value: Some(super::status_in),
    },
    ExportColumn {
        sql: "to_char(i.starts_at, 'YYYY-MM-DD HH24:MI')",
        header: |l| td_string!(l, interaction.start).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "to_char(i.ends_at, 'YYYY-MM-DD HH24:MI')",
        header: |l| td_string!(l, interaction.end).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "i.priority",
        header: |l| td_string!(l, interaction.priority).to_string(),
        value: Some(super::priority_in),
    },
    ExportColumn {
        sql: "coalesce(mc.name, trim(coalesce(mp.first_name, '') || ' ' || mp.last_name), md.name)",
        header: |l| td_string!(l, interaction.main_record).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "o.name",
        header: |l| td_string!(l, common.owner).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "to_char(i.completed_at, 'YYYY-MM-DD HH24:MI')",
        header: |l| td_string!(l, interaction.completed_at).to_string(),
        value: None,
    },
];

/// A UTC time sent by SQL as text, shown in `tz` as `YYYY-MM-DD HH:MM`.
#[cfg(feature = "ssr")]
fn local_text(tz: chrono_tz::Tz, utc: &str) -> String {
    NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%S")
        .map(|t| {
            zones::to_local(tz, t.and_utc())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

#[server(prefix = "/api/interactions", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_interactions(query: ListQuery) -> AppResult<Page<InteractionRow>> {
    let user = require(Role::Member).await?;
    let mut page: Page<InteractionRow> = LIST.fetch(&pool()?, &query, user.id).await?;
    let tz = zones::zone(&user.time_zone);
    for row in &mut page.rows {
        row.starts = local_text(tz, &row.starts);
        row.completed = local_text(tz, &row.completed);
    }
    Ok(page)
}

#[cfg(feature = "ssr")]
fn invalid(field: &str, problem: FieldProblem) -> AppError {
    AppError::invalid(vec![FieldError {
        field: field.into(),
        problem,
    }])
}

/// The interaction `id` if `user` may see it.
#[server(prefix = "/api/interactions", endpoint = "get", input = server_fn::codec::Json)]
pub async fn get_interaction(id: i64) -> AppResult<Interaction> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let allowed = access::allowed(&pool, &user, RecordKind::Interaction, id).await?;
    let r = sqlx::query(
        "SELECT i.*, coalesce(o.name, '') AS owner_name
         FROM interactions i LEFT JOIN users o ON o.id = i.owner_id
         WHERE i.id = $1 AND i.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let tz = zones::zone(&user.time_zone);
    let s = |col: &str| -> String {
        r.try_get::<Option<String>, _>(col)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let kind = s("kind");
    let starts: DateTime<Utc> = r.try_get("starts_at")?;
    let ends: DateTime<Utc> = r.try_get("ends_at")?;
    let all_day: bool = r.try_get("all_day")?;
    let (start_local, end_local) = (zones::to_local(tz, starts), zones::to_local(tz, ends));
    let reminder: Option<i32> = r.try_get("reminder_minutes")?;
    let completed_at: Option<DateTime<Utc>> = r.try_get("completed_at")?;
    let task_start: Option<chrono::NaiveDate> = r.try_get("task_start")?;
    let links = sqlx::query(
        sqlx::AssertSqlSafe(format!(
            "SELECT l.record_type::text AS kind, l.record_id, l.main,
                    coalesce(c.name, trim(coalesce(p.first_name, '') || ' ' || p.last_name), d.name,
                             (SELECT {enrolment} FROM enrolments r WHERE r.id = l.record_id
                              AND l.record_type = 'enrolment'), '') AS name
             FROM interaction_links l
             LEFT JOIN companies c ON l.record_type = 'company' AND c.id = l.record_id
             LEFT JOIN persons p ON l.record_type = 'person' AND p.id = l.record_id
             LEFT JOIN deals d ON l.record_type = 'deal' AND d.id = l.record_id
             WHERE l.interaction_id = $1 AND l.via IS NULL ORDER BY l.main DESC, l.record_type, name",
            enrolment = RecordKind::Enrolment.name_sql(),
        )),
    )
    .bind(id)
    .fetch_all(&pool)
    .await?
    .into_iter()
    .filter_map(|r| {
        Some(Link {
            kind: RecordKind::parse(r.try_get::<String, _>("kind").ok()?.as_str())?,
            id: r.try_get("record_id").ok()?,
            name: r.try_get("name").ok()?,
            main: r.try_get("main").ok()?,
        })
    })
    .collect();
    let attendees: Vec<(Option<i64>, Option<i64>, String)> = sqlx::query_as(
        "SELECT a.user_id, a.person_id,
                coalesce(u.name, trim(coalesce(p.first_name, '') || ' ' || p.last_name), '')
         FROM interaction_attendees a LEFT JOIN users u ON u.id = a.user_id
         LEFT JOIN persons p ON p.id = a.person_id
         WHERE a.interaction_id = $1 ORDER BY 3",
    )
    .bind(id)
    .fetch_all(&pool)
    .await?;
    let duration = (ends - starts).num_minutes();
    Ok(Interaction {
        id,
        version: r.try_get("version")?,
        input: InteractionInput {
            subject: s("subject"),
            description: s("description"),
            status: s("status"),
            start: if all_day {
                start_local.date().to_string()
            } else {
                format_local(start_local)
            },
            end: if kind == "meeting" {
                if all_day {
                    (end_local.date() - chrono::Duration::days(1)).to_string()
                } else {
                    format_local(end_local)
                }
            } else {
                String::new()
            },
            duration_minutes: if kind == "call" {
                duration.to_string()
            } else {
                String::new()
            },
            all_day,
            direction: s("direction"),
            location: s("location"),
            priority: s("priority"),
            task_start: task_start.map(|d| d.to_string()).unwrap_or_default(),
            private: r.try_get("private")?,
            owner_id: r.try_get("owner_id")?,
            reminder_minutes: reminder.map(|m| m.to_string()).unwrap_or_default(),
            links,
            attendee_users: attendees.iter().filter_map(|a| a.0).collect(),
            attendee_persons: attendees
                .iter()
                .filter_map(|a| {
                    a.1.map(|id| Link {
                        kind: RecordKind::Person,
                        id,
                        name: a.2.clone(),
                        main: false,
                    })
                })
                .collect(),
            recurrence: None,
            kind,
        },
        owner_name: s("owner_name"),
        attendee_user_names: attendees
            .iter()
            .filter(|a| a.0.is_some())
            .map(|a| a.2.clone())
            .collect(),
        series_id: r.try_get("series_id")?,
        completed_at,
        completed_local: completed_at
            .map(|c| zones::to_local(tz, c).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        allowed,
    })
}

/// The columns every save writes, `$1`…`$17` in this order.
#[cfg(feature = "ssr")]
const FIELDS: &str = "kind, subject, description, status, starts_at, ends_at, all_day, direction,
    location, priority, task_start, private, owner_id, reminder_minutes, completed_at, updated_by, series_id";

#[cfg(feature = "ssr")]
struct Times {
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
}

/// Binds the values of [`FIELDS`] for one occurrence.
#[cfg(feature = "ssr")]
fn bind_fields<'q>(
    q: sqlx::query::QueryScalar<'q, sqlx::Postgres, i64, sqlx::postgres::PgArguments>,
    input: &'q InteractionInput,
    row: &Times,
    owner: Option<i64>,
    user_id: i64,
    series_id: Option<i64>,
) -> sqlx::query::QueryScalar<'q, sqlx::Postgres, i64, sqlx::postgres::PgArguments> {
    let kind = input.kind.as_str();
    let event = kind == "call" || kind == "email";
    q.bind(kind)
        .bind(input.subject.trim())
        .bind(opt(&input.description))
        .bind(&input.status)
        .bind(row.starts)
        .bind(row.ends)
        .bind(input.all_day)
        .bind(opt(&input.direction).filter(|_| event))
        .bind(opt(&input.location).filter(|_| kind == "meeting"))
        .bind(opt(&input.priority).filter(|_| kind == "task"))
        .bind(parse_date(&input.task_start).filter(|_| kind == "task"))
        .bind(input.private)
        .bind(owner)
        .bind(input.reminder_minutes.trim().parse::<i32>().ok())
        .bind((input.status == "done").then(Utc::now))
        .bind(user_id)
        .bind(series_id)
}

/// Replaces the links (and their roll-up to companies) and attendees of
/// interaction `id`.
#[cfg(feature = "ssr")]
async fn write_links(
    db: &mut PgConnection,
    id: i64,
    input: &InteractionInput,
    starts: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query("DELETE FROM interaction_links WHERE interaction_id = $1")
        .bind(id)
        .execute(&mut *db)
        .await?;
    sqlx::query("DELETE FROM interaction_attendees WHERE interaction_id = $1")
        .bind(id)
        .execute(&mut *db)
        .await?;
    // The first link is the main one when none is chosen.
    let main_index = input.links.iter().position(|l| l.main).unwrap_or(0);
    let types: Vec<&str> = input.links.iter().map(|l| l.kind.as_str()).collect();
    let ids: Vec<i64> = input.links.iter().map(|l| l.id).collect();
    let mains: Vec<bool> = (0..input.links.len()).map(|i| i == main_index).collect();
    sqlx::query(
        "INSERT INTO interaction_links (interaction_id, record_type, record_id, main, at)
         SELECT $1, t, r, m, $5 FROM unnest($2::text[], $3::bigint[], $4::bool[]) AS x (t, r, m)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(&types)
    .bind(&ids)
    .bind(&mains)
    .bind(starts)
    .execute(&mut *db)
    .await?;
    roll_up(&mut *db, &[id]).await?;
    sqlx::query(
        "INSERT INTO interaction_attendees (interaction_id, user_id, starts_at)
         SELECT $1, u, $3 FROM unnest($2::bigint[]) AS u ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(&input.attendee_users)
    .bind(starts)
    .execute(&mut *db)
    .await?;
    let persons: Vec<i64> = input.attendee_persons.iter().map(|p| p.id).collect();
    sqlx::query(
        "INSERT INTO interaction_attendees (interaction_id, person_id, starts_at)
         SELECT $1, p, $3 FROM unnest($2::bigint[]) AS p ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(&persons)
    .bind(starts)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Links interactions `ids` to the person or company of the enrolments
/// they are linked to, then to the current companies of the persons and
/// the companies of the deals they are linked to, so that a company's
/// timeline is one index range (its people's and deals' interactions
/// included). The one place of that rule: the form and the import call it.
#[cfg(feature = "ssr")]
pub(crate) async fn roll_up(db: &mut PgConnection, ids: &[i64]) -> sqlx::Result<()> {
    // An enrolment's interactions are its person's or company's too.
    sqlx::query(
        "INSERT INTO interaction_links (interaction_id, record_type, record_id, via, at)
         SELECT l.interaction_id, CASE WHEN e.person_id IS NULL THEN 'company' ELSE 'person' END,
                coalesce(e.person_id, e.company_id), 'enrolment', l.at
         FROM interaction_links l JOIN enrolments e ON e.id = l.record_id
         WHERE l.interaction_id = ANY($1) AND l.record_type = 'enrolment'
         ON CONFLICT DO NOTHING",
    )
    .bind(ids)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO interaction_links (interaction_id, record_type, record_id, via, at)
         SELECT DISTINCT ON (s.interaction_id, s.company_id)
                s.interaction_id, 'company', s.company_id, s.via, i.starts_at FROM (
             SELECT l.interaction_id, pc.company_id, 'person' AS via FROM interaction_links l
             JOIN person_companies pc ON pc.person_id = l.record_id
                  AND (pc.end_date IS NULL OR pc.end_date >= current_date)
             WHERE l.interaction_id = ANY($1) AND l.record_type = 'person'
             UNION ALL
             SELECT l.interaction_id, d.company_id, 'deal' FROM interaction_links l
             JOIN deals d ON d.id = l.record_id AND d.company_id IS NOT NULL
             WHERE l.interaction_id = ANY($1) AND l.record_type = 'deal') s
         JOIN interactions i ON i.id = s.interaction_id
         ON CONFLICT DO NOTHING",
    )
    .bind(ids)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Refuses links to records that do not exist and attendees who are not
/// active users or live persons.
#[cfg(feature = "ssr")]
async fn check_references(pool: &sqlx::PgPool, input: &InteractionInput) -> AppResult<()> {
    for link in &input.links {
        if link.kind == RecordKind::Interaction
            || crate::records::ssr::ensure_live(pool, link.kind, link.id)
                .await
                .is_err()
        {
            return Err(invalid("links", FieldProblem::InvalidChoice));
        }
    }
    for p in &input.attendee_persons {
        if crate::records::ssr::ensure_live(pool, RecordKind::Person, p.id)
            .await
            .is_err()
        {
            return Err(invalid("attendee_persons", FieldProblem::InvalidChoice));
        }
    }
    let active: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE id = ANY($1) AND active")
            .bind(&input.attendee_users)
            .fetch_one(pool)
            .await?;
    let mut wanted = input.attendee_users.clone();
    wanted.sort_unstable();
    wanted.dedup();
    if active != wanted.len() as i64 {
        return Err(invalid("attendee_users", FieldProblem::InvalidChoice));
    }
    Ok(())
}

/// Tells `owner` that `by` gave them interaction `id` (nothing when they
/// gave it to themselves).
#[cfg(feature = "ssr")]
pub(crate) async fn notify_assigned(
    db: &mut PgConnection,
    id: i64,
    owner: i64,
    by: i64,
) -> AppResult<()> {
    if owner != by {
        sqlx::query(
            "INSERT INTO notifications (user_id, kind, interaction_id, actor_id)
             VALUES ($1, 'assigned', $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(owner)
        .bind(id)
        .bind(by)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// Creates (`id` none) or updates an interaction; returns its id (the first
/// occurrence's for a new series). On an occurrence of a series, `scope`
/// says whether the change applies to it alone or to the whole series.
#[server(prefix = "/api/interactions", endpoint = "save", input = server_fn::codec::Json)]
pub async fn save_interaction(
    id: Option<i64>,
    version: Option<i32>,
    input: InteractionInput,
    scope: Scope,
) -> AppResult<i64> {
    let user = require(Role::Member).await?;
    let errors = input.check();
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let pool = pool()?;
    // Changing (and giving away) an existing one is checked here (`access`).
    let (owner, allowed) =
        records::owner_for_save(&pool, &user, RecordKind::Interaction, id, input.owner_id).await?;
    check_references(&pool, &input).await?;
    let tz = zones::zone(&user.time_zone);
    let (start, end) = input
        .times()
        .ok_or_else(|| invalid("start", FieldProblem::InvalidDate))?;
    match id {
        None => {
            create(
                &pool,
                &user,
                &input,
                owner.unwrap_or(user.id),
                tz,
                start,
                end,
            )
            .await
        }
        Some(id) => {
            update(
                &pool,
                &user,
                id,
                version,
                &input,
                (owner, allowed),
                tz,
                scope,
                start,
                end,
            )
            .await
        }
    }
}

#[cfg(feature = "ssr")]
async fn create(
    pool: &sqlx::PgPool,
    user: &CurrentUser,
    input: &InteractionInput,
    owner: i64,
    tz: chrono_tz::Tz,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> AppResult<i64> {
    let length = end - start;
    let mut tx = records::begin_as(pool, user.id).await?;
    let (series_id, starts) = match &input.recurrence {
        Some(r) => {
            let rule = series::ssr::rule_for(r, tz, start);
            let starts = series::ssr::expand(&rule, tz, start)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| invalid("recurrence.freq", FieldProblem::InvalidChoice))?;
            let sid: i64 = sqlx::query_scalar(
                "INSERT INTO interaction_series (rule, time_zone, first_start) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(&rule)
            .bind(tz.name())
            .bind(zones::to_utc(tz, start))
            .fetch_one(&mut *tx)
            .await?;
            (Some(sid), starts)
        }
        None => (None, vec![start]),
    };
    let sql = format!(
        "INSERT INTO interactions ({FIELDS}, created_by, original_start)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $16,
                 CASE WHEN $17::bigint IS NULL THEN NULL ELSE $5 END)
         RETURNING id"
    );
    let mut first = None;
    for s in starts {
        let row = Times {
            starts: zones::to_utc(tz, s),
            ends: zones::to_utc(tz, s + length),
        };
        let q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()));
        let id: i64 = bind_fields(q, input, &row, Some(owner), user.id, series_id)
            .fetch_one(&mut *tx)
            .await?;
        write_links(&mut tx, id, input, row.starts).await?;
        first.get_or_insert(id);
    }
    let first = first.ok_or_else(|| AppError::server("no occurrence"))?;
    notify_assigned(&mut tx, first, owner, user.id).await?;
    tx.commit().await?;
    Ok(first)
}

#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
async fn update(
    pool: &sqlx::PgPool,
    user: &CurrentUser,
    id: i64,
    version: Option<i32>,
    input: &InteractionInput,
    (owner, allowed): (Option<i64>, crate::access::Allowed),
    tz: chrono_tz::Tz,
    scope: Scope,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> AppResult<i64> {
    type Current = (Option<i64>, DateTime<Utc>, Option<i64>, bool);
    let current: Option<Current> = sqlx::query_as(
        "SELECT i.series_id, i.starts_at, i.owner_id, i.private FROM interactions i
         WHERE i.id = $1 AND i.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let Some((series_id, old_start, old_owner, was_private)) = current else {
        return Err(AppError::NotFound);
    };
    // Private or public is its owner's or creator's call (`access`).
    if was_private != input.private && !allowed.privacy {
        return Err(AppError::Forbidden);
    }
    let whole_series = scope == Scope::All && series_id.is_some();
    let mut tx = records::begin_as(pool, user.id).await?;
    let sql = format!(
        "UPDATE interactions SET ({FIELDS}) = ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                CASE WHEN $4 = 'done' THEN coalesce(completed_at, $15) END, $16, $17),
                detached = detached OR NOT $20, updated_at = now(), version = version + 1
         WHERE id = $18 AND version = $19 AND deleted_at IS NULL RETURNING id"
    );
    let row = Times {
        starts: zones::to_utc(tz, start),
        ends: zones::to_utc(tz, end),
    };
    let q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()));
    let saved: Option<i64> = bind_fields(q, input, &row, owner, user.id, series_id)
        .bind(id)
        .bind(version)
        .bind(whole_series || series_id.is_none())
        .fetch_optional(&mut *tx)
        .await?;
    records::saved_or_stale(&mut tx, "interactions", id, saved).await?;
    write_links(&mut tx, id, input, row.starts).await?;
    if let (true, Some(series_of)) = (whole_series, series_id) {
        // Every other occurrence not edited on its own moves with it and
        // takes the new fields.
        let others =
            series::ssr::shift_others(&mut tx, series_of, id, tz, old_start, (start, end)).await?;
        let sql = format!(
            "UPDATE interactions SET ({FIELDS}) = ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                    CASE WHEN $4 = 'done' THEN coalesce(completed_at, $15) END, $16, $17),
                    updated_at = now(), version = version + 1
             WHERE id = $18 RETURNING id"
        );
        for (other, starts, ends) in others {
            let row = Times { starts, ends };
            let q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()));
            bind_fields(q, input, &row, owner, user.id, series_id)
                .bind(other)
                .fetch_one(&mut *tx)
                .await?;
            write_links(&mut tx, other, input, row.starts).await?;
        }
    }
    if let Some(new_owner) = owner.filter(|o| Some(*o) != old_owner) {
        notify_assigned(&mut tx, id, new_owner, user.id).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Sets the status of an interaction (e.g. a task done from a list).
#[server(prefix = "/api/interactions", endpoint = "status", input = server_fn::codec::Json)]
pub async fn set_interaction_status(id: i64, version: i32, status: String) -> AppResult<i32> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    access::ensure(&pool, &user, RecordKind::Interaction, id, May::Change).await?;
    let kind: Option<String> = sqlx::query_scalar(
        "SELECT i.kind FROM interactions i WHERE i.id = $1 AND i.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&pool)
    .await?;
    let kind = kind.ok_or(AppError::NotFound)?;
    if !super::statuses(&kind).contains(&status.as_str()) {
        return Err(invalid("status", FieldProblem::InvalidChoice));
    }
    let mut tx = records::begin_as(&pool, user.id).await?;
    let set =
        "status = $1, completed_at = CASE WHEN $1 = 'done' THEN coalesce(completed_at, now()) END";
    let saved = records::update_versioned(
        &mut tx,
        "interactions",
        (id, version, user.id),
        (set, 1),
        |q| q.bind(&status),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Moves an interaction to the trash; `scope` All trashes its whole series
/// (the occurrences the caller may delete), in one transaction, so that
/// they leave — and come back with "Undo" — together.
#[server(prefix = "/api/interactions", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_interaction(id: i64, version: i32, scope: Scope) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let series: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT i.series_id FROM interactions i WHERE i.id = $1 AND i.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&pool)
    .await?;
    let (Scope::All, Some(Some(sid))) = (scope, series) else {
        return records::soft_delete(&pool, &user, RecordKind::Interaction, id, version).await;
    };
    access::ensure(&pool, &user, RecordKind::Interaction, id, May::Delete).await?;
    let mut tx = records::begin_as(&pool, user.id).await?;
    let at = (id, version, user.id);
    records::update_versioned(
        &mut tx,
        "interactions",
        at,
        ("deleted_at = now()", 0),
        |q| q,
    )
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE interactions i SET deleted_at = now(), updated_by = $2, updated_at = now(), version = version + 1
         WHERE i.series_id = $1 AND i.deleted_at IS NULL AND {}",
        access::rule_sql(
            May::Delete,
            RecordKind::Interaction,
            "i",
            access::Viewer::new(&user, "$2")
        )
    )))
    .bind(sid)
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
