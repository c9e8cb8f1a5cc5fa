//! `GET /export/{module}.csv?<list query>`: the CSV export of a list, with
//! the same query string as the list page, streamed as it is read.

use app::records::RecordKind;
use app::ui::list::{ListQuery, urldecode};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use tower_sessions::Session;

fn error(status: StatusCode, err: &app::error::AppError) -> Response {
    let body = serde_json::to_string(err).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub async fn export_csv(
    State(pool): State<PgPool>,
    session: Session,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(kind) = file.strip_suffix(".csv").and_then(RecordKind::parse) else {
        return error(StatusCode::NOT_FOUND, &app::error::AppError::NotFound);
    };
    // The gate has already refused anonymous callers; the user may still
    // have been deactivated a moment ago.
    let user_id: Option<i64> = session.get(app::ssr::guard::USER_ID).await.ok().flatten();
    let user = match user_id {
        Some(id) => app::ssr::guard::load_user_from(&pool, id)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let Some(user) = user else {
        return error(
            StatusCode::UNAUTHORIZED,
            &app::error::AppError::Unauthorized,
        );
    };
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
    match app::ssr::export::csv_stream(pool, user, kind, query) {
        Ok(stream) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}-{}.csv\"",
                        kind.module(),
                        chrono::Utc::now().format("%Y%m%d-%H%M")
                    ),
                ),
            ],
            Body::from_stream(stream),
        )
            .into_response(),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, &e),
    }
}
