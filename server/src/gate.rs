//! Pages need a session: a page request without one is sent to the login
//! page (server functions answer 401 themselves, through `require`).

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use tower_sessions::Session;

/// Paths anyone may load: the login flow, static files, server functions.
fn is_public(path: &str) -> bool {
    // `/feed/`: calendar subscriptions, whose secret token is the key.
    const PREFIXES: &[&str] = &["/pkg/", "/icons/", "/feed/"];
    const EXACT: &[&str] = &[
        "/login",
        "/forgot-password",
        "/reset-password",
        "/healthz",
        "/manifest.webmanifest",
        "/favicon.ico",
        "/robots.txt",
        "/sw.js",
        "/offline.html",
    ];
    EXACT.contains(&path) || PREFIXES.iter().any(|p| path.starts_with(p))
}

pub async fn require_login(
    State(pool): State<PgPool>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_api = path.starts_with("/api/");
    // Server functions: anonymous callers stop here, before their arguments
    // are even read (each function still checks the role it needs).
    if (is_api && app::auth::PUBLIC_SERVER_FNS.contains(&path)) || (!is_api && is_public(path)) {
        return next.run(req).await;
    }
    let user_id: Option<i64> = session.get(app::ssr::guard::USER_ID).await.ok().flatten();
    let active = match user_id {
        Some(id) => sqlx::query_scalar::<_, bool>("SELECT active FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&pool)
            .await
            .ok()
            .flatten()
            .unwrap_or(false),
        None => false,
    };
    if active {
        return next.run(req).await;
    }
    if is_api {
        let body = serde_json::to_string(&app::error::AppError::Unauthorized).unwrap_or_default();
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    let target = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let next_param = if target == "/" {
        String::new()
    } else {
        format!("?next={}", app::ui::list::urlencode(target))
    };
    Redirect::to(&format!("/login{next_param}")).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn public_paths() {
        assert!(super::is_public("/login"));
        assert!(super::is_public("/pkg/relais.wasm"));
        assert!(!super::is_public("/companies"));
        assert!(!super::is_public("/"));
        assert!(!super::is_public("/loginx"));
    }
}
