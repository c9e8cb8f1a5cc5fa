//! Gives server-function errors their HTTP status. Server functions answer
//! every error with 500 and a typed JSON body (`{"kind": …}`); this layer
//! reads that kind on error responses only and sets the status API clients
//! expect: 404 not found, 409 conflict, 422 invalid input, 403 forbidden,
//! 400 / 413 / 415 a malformed request, 503 the database unreachable.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// Error bodies are small; anything bigger is passed on untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub fn status_of(body: &serde_json::Value) -> Option<StatusCode> {
    Some(match body.get("kind")?.as_str()? {
        "not_found" => StatusCode::NOT_FOUND,
        "conflict" | "duplicates" => StatusCode::CONFLICT,
        "invalid" => StatusCode::UNPROCESSABLE_ENTITY,
        "forbidden" => StatusCode::FORBIDDEN,
        "unavailable" => StatusCode::SERVICE_UNAVAILABLE,
        "too_many_attempts" => StatusCode::TOO_MANY_REQUESTS,
        // A reset link unknown, used or expired.
        "invalid_token" => StatusCode::BAD_REQUEST,
        "bad_request" => {
            let reason: app::error::BadRequest =
                serde_json::from_value(body.get("reason")?.clone()).ok()?;
            StatusCode::from_u16(reason.status()).ok()?
        }
        // Others keep the status their function set (401) or 500.
        _ => return None,
    })
}

pub async fn error_statuses(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    if !is_api || resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    if let Some(status) = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .as_ref()
        .and_then(status_of)
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
