//! Exactly once for the changes a device may send again (`app::pwa::QUEUED`:
//! made offline, kept on the device, sent when the connection returns — and
//! sent again if an answer was lost on the way), and documents' uploads
//! (a file sent again after a lost answer is not a second document).
//!
//! A request with an `Idempotency-Key` header gets a `Claim`; the change's
//! own transaction writes the key (`app::ssr::idempotency`), and this layer
//! then stores the answer next to it. A repeat is answered with the stored
//! answer (header `idempotent-replayed`) without reaching the function.

use app::ssr::idempotency::{Claim, HEADER, valid_key};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use std::time::Duration;
use tower_sessions::Session;

/// Answers of the queued functions are ids and versions: small.
const MAX_ANSWER: usize = 256 * 1024;

/// How long a repeat waits for the first request's answer to be stored
/// (it is committed a moment before its answer is written).
const ANSWER_WAIT: Duration = Duration::from_secs(3);

pub async fn idempotent(
    State(pool): State<PgPool>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let Some(key) = req.headers().get(HEADER).cloned() else {
        return next.run(req).await;
    };
    let keyed =
        app::pwa::QUEUED.contains(&path.as_str()) || crate::documents::is_upload_path(&path);
    if req.method() != Method::POST || !keyed {
        return next.run(req).await;
    }
    let key = match key.to_str() {
        Ok(k) if valid_key(k) => k.to_string(),
        _ => return refuse_key(),
    };
    // Anonymous: the function answers 401 itself; nothing to remember.
    let user_id: Option<i64> = session.get(app::ssr::guard::USER_ID).await.ok().flatten();
    let Some(user_id) = user_id else {
        return next.run(req).await;
    };
    match kept(&pool, user_id, &key).await {
        Ok(Some(k)) if k.endpoint != path => return refuse_key(),
        Ok(Some(k)) => return replay(&pool, user_id, &key, k).await,
        Ok(None) => {}
        Err(e) => return unavailable(e),
    }
    let claim = Claim::new(user_id, key.clone(), path);
    req.extensions_mut().insert(claim.clone());
    let resp = next.run(req).await;
    if claim.claimed() {
        return remember(&pool, &claim, resp).await;
    }
    // A copy sent at the same time was applied first: this one stopped
    // without changing anything, and answers as that one did.
    if resp.status() == StatusCode::INTERNAL_SERVER_ERROR {
        let (parts, body) = resp.into_parts();
        let bytes = to_bytes(body, MAX_ANSWER).await.unwrap_or_default();
        if claim.repeated()
            && let Ok(Some(k)) = kept(&pool, user_id, &key).await
        {
            return replay(&pool, user_id, &key, k).await;
        }
        return Response::from_parts(parts, Body::from(bytes));
    }
    resp
}

struct Kept {
    endpoint: String,
    status: Option<i16>,
    answer: Option<String>,
}

async fn kept(pool: &PgPool, user_id: i64, key: &str) -> sqlx::Result<Option<Kept>> {
    let row: Option<(String, Option<i16>, Option<String>)> = sqlx::query_as(
        "SELECT endpoint, status, answer FROM idempotency_keys WHERE user_id = $1 AND key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(endpoint, status, answer)| Kept {
        endpoint,
        status,
        answer,
    }))
}

/// The first answer again. Should it not be stored yet (the first request
/// committed a moment ago), wait a little; a first request whose answer was
/// never stored (the server stopped in between) was applied all the same:
/// say so with an empty success.
async fn replay(pool: &PgPool, user_id: i64, key: &str, mut k: Kept) -> Response {
    let started = std::time::Instant::now();
    while k.answer.is_none() && started.elapsed() < ANSWER_WAIT {
        tokio::time::sleep(Duration::from_millis(50)).await;
        match kept(pool, user_id, key).await {
            Ok(Some(again)) => k = again,
            Ok(None) => break,
            Err(e) => return unavailable(e),
        }
    }
    let (status, body) = match (k.status, k.answer) {
        (Some(s), Some(a)) => (StatusCode::from_u16(s as u16).unwrap_or(StatusCode::OK), a),
        _ => (StatusCode::OK, "null".to_string()),
    };
    let mut resp = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}

/// Stores the answer of a request whose change was committed (if its
/// transaction rolled back, there is no key and nothing is stored).
async fn remember(pool: &PgPool, claim: &Claim, resp: Response) -> Response {
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ANSWER).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(answer) = std::str::from_utf8(&bytes) {
        let stored = sqlx::query(
            "UPDATE idempotency_keys SET status = $3, answer = $4 WHERE user_id = $1 AND key = $2",
        )
        .bind(claim.user_id)
        .bind(&claim.key)
        .bind(parts.status.as_u16() as i16)
        .bind(answer)
        .execute(pool)
        .await;
        if let Err(e) = stored {
            // The change is applied; a repeat will still find the key.
            tracing::warn!(error = %e, "answer of a keyed request not stored");
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn refuse_key() -> Response {
    use app::error::{AppError, FieldError, FieldProblem};
    let err = AppError::invalid(vec![FieldError {
        field: "idempotency_key".into(),
        problem: FieldProblem::InvalidChoice,
    }]);
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&err).unwrap_or_default(),
    )
        .into_response()
}

fn unavailable(e: sqlx::Error) -> Response {
    tracing::error!(error = %e, "idempotency lookup failed");
    let err = app::error::AppError::server("database error");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&err).unwrap_or_default(),
    )
        .into_response()
}

/// Keys older than a month: no device retries that late.
pub async fn purge(pool: &PgPool) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < now() - interval '30 days'")
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
