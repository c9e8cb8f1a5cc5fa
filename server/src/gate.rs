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
    const PREFIXES: &[&str] = &["/pkg/", "/icons/", "/feed/", "/offline/"];
    const EXACT: &[&str] = &[
        "/healthz",
        "/manifest.webmanifest",
        "/favicon.ico",
        "/robots.txt",
        "/sw.js",
        "/offline.html",
    ];
    // The pages before login (`PLAIN_PAGES`): the login flow.
    app::auth::plain_forms::PLAIN_PAGES.contains(&path)
        || EXACT.contains(&path)
        || PREFIXES.iter().any(|p| path.starts_with(p))
}

pub async fn require_login(
    State(pool): State<PgPool>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_api = path.starts_with("/api/");
    // Server functions: anonymous callers stop here, before their arguments
    // are even read (each function still checks the role it needs).
    if (is_api && app::auth::PUBLIC_SERVER_FNS.contains(&path)) || (!is_api && is_public(path)) {
        return next.run(req).await;
    }
    // While the database cannot be reached, nobody is logged out: the
    // answer is "try again", not the login page.
    let user_id: Option<i64> = match session.get(app::ssr::guard::USER_ID).await {
        Ok(id) => id,
        Err(e) => {
            tracing::warn!(error = %e, "session store unavailable");
            return unavailable(is_api);
        }
    };
    // The user as `require` will see them (`load_user_from`: active, the
    // second-factor rule), handed on in the request so that it is read once.
    let user = match user_id {
        Some(id) => match app::ssr::guard::load_user_from(&pool, id).await {
            Ok(user) => user,
            Err(e) => {
                tracing::warn!(error = %e, "database unavailable");
                return unavailable(is_api);
            }
        },
        None => None,
    };
    if let Some(user) = user {
        req.extensions_mut().insert(app::ssr::guard::GateUser(user));
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

/// 503 with `Retry-After`: JSON for server functions, a short page that
/// tries again by itself for pages.
pub fn unavailable(is_api: bool) -> Response {
    let retry = [(header::RETRY_AFTER, "5")];
    if is_api {
        let body = serde_json::to_string(&app::error::AppError::Unavailable).unwrap_or_default();
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            retry,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        retry,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        UNAVAILABLE_PAGE,
    )
        .into_response()
}

/// In both languages: the user's is not known without the database.
const UNAVAILABLE_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10"><title>Relais — try again in a moment</title></head>
<body style="font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;line-height:1.5">
<h1>Relais cannot reach its database</h1>
<p>Nothing was lost. This page tries again every few seconds.</p>
<h1 lang="fr">Relais n'arrive pas à joindre sa base de données</h1>
<p lang="fr">Rien n'est perdu. Cette page réessaie toute seule dans quelques secondes.</p>
</body></html>"#;

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
