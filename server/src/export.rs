//! `GET /export/{module}.csv?<list query>`: the CSV export of a list, with
//! the same query string as the list page, streamed as it is read;
//! `GET /export/audit.csv?<filter>`: the audit log (admins);
//! `GET /export/reports/{kind}.csv?<report query>&table=<id>`: a report's table;
//! `GET /export/persons/{id}.json`: everything held on a person (GDPR,
//! admins). Every export is written in the audit log.

use app::auth::{CurrentUser, Role};
use app::error::AppError;
use app::records::RecordKind;
use app::ssr::export::CsvFormat;
use app::ssr::{ServerSettings, audit};
use app::ui::list::{ListQuery, urldecode};
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use std::net::SocketAddr;
use tower_sessions::Session;

pub(crate) fn error(status: StatusCode, err: &app::error::AppError) -> Response {
    let body = serde_json::to_string(err).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The session's user. The gate has already refused anonymous callers;
/// the user may still have been deactivated a moment ago.
pub(crate) async fn current_user(
    pool: &PgPool,
    session: &Session,
) -> Result<CurrentUser, Response> {
    let user_id: Option<i64> = session.get(app::ssr::guard::USER_ID).await.ok().flatten();
    let user = match user_id {
        Some(id) => app::ssr::guard::load_user_from(pool, id)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    user.ok_or_else(|| error(StatusCode::UNAUTHORIZED, &AppError::Unauthorized))
}

/// The caller's address, as server functions read it.
pub(crate) fn address(settings: &ServerSettings, parts: &Parts) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    app::auth::address_of(settings.trusted_proxies, peer, &parts.headers)
}

pub async fn export_csv(
    State(pool): State<PgPool>,
    State(settings): State<ServerSettings>,
    session: Session,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
    parts: Parts,
) -> Response {
    let Some(kind) = file.strip_suffix(".csv").and_then(RecordKind::parse) else {
        return error(StatusCode::NOT_FOUND, &AppError::NotFound);
    };
    let user = match current_user(&pool, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let detail = raw.clone().unwrap_or_default();
    if let Err(e) = audit::record_from(
        &pool,
        &user,
        &address(&settings, &parts),
        audit::action::EXPORT,
        None,
        &format!("{}.csv {detail}", kind.module()),
    )
    .await
    {
        return error(StatusCode::SERVICE_UNAVAILABLE, &e);
    }
    let params: Vec<(String, String)> = raw
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.to_string(), urldecode(v)?))
        })
        .collect();
    let query = ListQuery::from_params(|k| {
        params
            .iter()
            .find(|(pk, _)| pk == k)
            .map(|(_, v)| v.clone())
    });
    let format = CsvFormat::for_reader(&user.locale, param(Some(&detail), "sep").as_deref());
    match app::ssr::export::csv_stream(pool, user, kind, query, format) {
        Ok(stream) => csv_file(
            &format!("{}-{}", kind.module(), now_stamp()),
            Body::from_stream(stream),
        ),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, &e),
    }
}

/// `GET /export/reports/{kind}.csv?<report query>&table=<id>`: a table of a
/// report, exactly as the page shows it (the same server function builds
/// both; a member's figures are their own here too).
pub async fn report_csv(
    State(pool): State<PgPool>,
    State(settings): State<ServerSettings>,
    session: Session,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
    parts: Parts,
) -> Response {
    use app::reports::{ReportKind, ReportQuery};
    let Some(kind) = file.strip_suffix(".csv").and_then(ReportKind::parse) else {
        return error(StatusCode::NOT_FOUND, &AppError::NotFound);
    };
    let user = match current_user(&pool, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let raw = raw.unwrap_or_default();
    let query = ReportQuery::from_params(|k| param(Some(&raw), k), kind.defaults());
    let table = param(Some(&raw), "table").unwrap_or_else(|| "main".into());
    let report =
        match app::reports::sql::build(&pool, &user, kind, &query, app::reports::sql::Rows::All)
            .await
        {
            Ok(report) => report,
            Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, &e),
        };
    let format = CsvFormat::for_reader(&user.locale, param(Some(&raw), "sep").as_deref());
    let body = match app::reports::sql::csv(&report, &table, user.language(), format) {
        Ok(Some(body)) => body,
        Ok(None) => return error(StatusCode::NOT_FOUND, &AppError::NotFound),
        Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, &e),
    };
    if let Err(e) = audit::record_from(
        &pool,
        &user,
        &address(&settings, &parts),
        audit::action::EXPORT,
        None,
        &format!("reports/{}.csv {raw}", kind.as_str()),
    )
    .await
    {
        return error(StatusCode::SERVICE_UNAVAILABLE, &e);
    }
    // `table` is one the report has (else not found above): a fixed word.
    csv_file(
        &format!("{}-{table}-{}", kind.as_str(), report.from.format("%Y%m%d")),
        Body::from(body),
    )
}

/// A CSV file to download, named `{name}.csv` (`name` is the server's).
fn csv_file(name: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Now, for a file name: `20261204-2130`.
fn now_stamp() -> String {
    chrono::Utc::now().format("%Y%m%d-%H%M").to_string()
}

/// The value of `name` in a query string.
fn param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| urldecode(v)).flatten()
    })
}

/// `GET /export/audit.csv`: the audit log with the page's filter (admins).
/// The export is itself an entry.
pub async fn audit_csv(
    State(pool): State<PgPool>,
    State(settings): State<ServerSettings>,
    session: Session,
    Query(filter): Query<app::audit::AuditFilter>,
    parts: Parts,
) -> Response {
    let user = match current_user(&pool, &session).await {
        Ok(user) if user.role == Role::Admin => user,
        Ok(_) => return error(StatusCode::FORBIDDEN, &AppError::Forbidden),
        Err(response) => return response,
    };
    let format = CsvFormat::for_reader(&user.locale, param(parts.uri.query(), "sep").as_deref());
    let body = match app::audit::csv(&pool, &user, &filter, format).await {
        Ok(body) => body,
        Err(e @ AppError::Invalid { .. }) => return error(StatusCode::UNPROCESSABLE_ENTITY, &e),
        Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, &e),
    };
    let detail = format!("audit {}", filter.query_string());
    if let Err(e) = audit::record_from(
        &pool,
        &user,
        &address(&settings, &parts),
        audit::action::EXPORT,
        None,
        &detail,
    )
    .await
    {
        return error(StatusCode::SERVICE_UNAVAILABLE, &e);
    }
    csv_file(&format!("audit-{}", now_stamp()), Body::from(body))
}

/// `GET /export/persons/{id}.json`: everything held on a person (admins).
pub async fn gdpr_json(
    State(pool): State<PgPool>,
    State(settings): State<ServerSettings>,
    session: Session,
    Path(file): Path<String>,
    parts: Parts,
) -> Response {
    let Some(id) = file
        .strip_suffix(".json")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return error(StatusCode::NOT_FOUND, &AppError::NotFound);
    };
    let user = match current_user(&pool, &session).await {
        Ok(user) if user.role == Role::Admin => user,
        Ok(_) => return error(StatusCode::FORBIDDEN, &AppError::Forbidden),
        Err(response) => return response,
    };
    match app::persons::gdpr_json(&pool, &user, &address(&settings, &parts), id).await {
        Ok(doc) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/json; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"person-{id}.json\""),
                ),
            ],
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        )
            .into_response(),
        Err(AppError::NotFound) => error(StatusCode::NOT_FOUND, &AppError::NotFound),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, &e),
    }
}
