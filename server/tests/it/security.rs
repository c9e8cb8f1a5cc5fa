//! What no caller may do, logged in or not: changes from another site,
//! malformed or oversized requests, paths that are not what they seem,
//! guessing passwords in bursts; and what every response carries.

use crate::common::{PASSWORD, TestApp, settings};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use sqlx::PgPool;

fn company(name: &str) -> Value {
    serde_json::to_value(app::companies::CompanyInput {
        name: name.into(),
        ..Default::default()
    })
    .unwrap()
}

async fn companies(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM companies")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A POST to a server function with these headers and this raw body.
fn post(
    path: &str,
    cookie: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Request<Body> {
    let mut req = Request::post(path).header(header::COOKIE, cookie);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(body.into()).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn changes_from_another_site_are_refused(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@relais.test", "member").await;
    let body = json!({"id": null, "version": null, "input": company("Forged SA")}).to_string();
    let json = ("content-type", "application/json");
    // A page on another port of the same host: same-site, not same-origin.
    for headers in [
        vec![
            json,
            ("origin", "http://127.0.0.1:9999"),
            ("host", "127.0.0.1:3000"),
        ],
        vec![
            json,
            ("sec-fetch-site", "same-site"),
            ("host", "127.0.0.1:3000"),
        ],
        vec![json, ("sec-fetch-site", "cross-site")],
        vec![json, ("origin", "null")],
    ] {
        let r = app
            .send(post("/api/companies/save", &s, &headers, body.clone()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}: {}", r.text);
        assert_eq!(
            r.body,
            json!({"kind": "bad_request", "reason": "cross_site"})
        );
    }
    // What a page of another site can send without asking first: a form,
    // text/plain, multipart — all refused, whatever the origin says.
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let r = app
            .send(post(
                "/api/companies/save",
                &s,
                &[("content-type", ct)],
                body.clone(),
            ))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{ct}: {}",
            r.text
        );
    }
    assert_eq!(companies(&pool).await, 0, "nothing was created");
    // The same request from the app's own page goes through.
    let own = [
        json,
        ("origin", "http://127.0.0.1:3000"),
        ("host", "127.0.0.1:3000"),
        ("sec-fetch-site", "same-origin"),
    ];
    let r = app.send(post("/api/companies/save", &s, &own, body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // A GET with a body is not a change; a page may not be POSTed to.
    let r = app
        .send(post(
            "/companies",
            &s,
            &[
                json,
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000"),
            ],
            "{}",
        ))
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[sqlx::test(migrations = "../migrations")]
async fn malformed_input_is_a_clear_4xx_never_a_500(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@relais.test", "member").await;
    let json = [("content-type", "application/json")];
    let cases: Vec<(&str, String, StatusCode, Value)> = vec![
        (
            "/api/companies/save",
            "{not json".into(),
            StatusCode::BAD_REQUEST,
            json!({"kind": "bad_request", "reason": "json"}),
        ),
        (
            "/api/companies/get",
            r#"{"id": "seven"}"#.into(),
            StatusCode::BAD_REQUEST,
            json!({"kind": "bad_request", "reason": "arguments"}),
        ),
        (
            "/api/companies/get",
            r#"{"id": 1e30}"#.into(),
            StatusCode::BAD_REQUEST,
            json!({"kind": "bad_request", "reason": "arguments"}),
        ),
        (
            "/api/companies/get",
            "{}".into(),
            StatusCode::BAD_REQUEST,
            json!({"kind": "bad_request", "reason": "arguments"}),
        ),
        (
            "/api/companies/save",
            json!({"id": null, "version": null, "input": company("Nul\u{0}Part")}).to_string(),
            StatusCode::BAD_REQUEST,
            json!({"kind": "bad_request", "reason": "nul_byte"}),
        ),
        (
            "/api/companies/list",
            format!("{}1{}", "[".repeat(60), "]".repeat(60)),
            StatusCode::BAD_REQUEST,
            json!({"kind": "bad_request", "reason": "too_deep"}),
        ),
        (
            "/api/companies/list",
            format!(r#"{{"query": {{"q": "{}"}}}}"#, "a".repeat(2 * 1024 * 1024)),
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"kind": "bad_request", "reason": "too_large"}),
        ),
    ];
    for (path, body, status, answer) in cases {
        let r = app.send(post(path, &s, &json, body.clone())).await;
        assert_eq!(
            r.status,
            status,
            "{path} {}: {}",
            &body[..body.len().min(60)],
            r.text
        );
        assert_eq!(r.body, answer, "{path}");
        // No parser's words (they name Rust types) reach the browser.
        assert!(
            !r.text.contains("i64") && !r.text.contains("invalid type"),
            "{}",
            r.text
        );
    }
    // A paging cursor that is not what the list wrote.
    let r = app
        .call(
            "/api/companies/list",
            json!({"query": {"sort": "updated_at", "after": {"key": "'; DROP TABLE x", "id": 1}}}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["fields"][0]["field"], "cursor");
    // More conditions than a person builds.
    let filters: Vec<Value> = (0..2000)
        .map(|i| json!({"field": "city", "op": "contains", "value": format!("x{i}")}))
        .collect();
    let r = app
        .call(
            "/api/companies/list",
            json!({"query": {"filters": filters}}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.body["fields"][0]["problem"],
        json!({"code": "too_many", "max": app::ssr::list_sql::MAX_FILTERS})
    );
    assert_eq!(companies(&pool).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn paths_are_canonical_before_the_gate(pool: PgPool) {
    let app = TestApp::new(pool);
    for path in [
        "/icons/../companies",
        "/icons/%2e%2e/companies",
        "/pkg/..%2fcompanies",
        "//companies",
        "/./companies",
    ] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text);
        assert!(!r.text.contains("<html"), "{path} drew a page: {}", r.text);
    }
    let r = app.get("/companies", None).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a page still needs a session"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_carries_the_security_headers(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@relais.test", "member").await;
    let raw = |path: &str| {
        let app = app.clone();
        let s = s.clone();
        let path = path.to_string();
        async move {
            let req = Request::get(&path)
                .header(header::COOKIE, s)
                .body(Body::empty())
                .unwrap();
            let resp = tower::ServiceExt::oneshot(app.router.clone(), req)
                .await
                .unwrap();
            let headers = resp.headers().clone();
            let bytes = http_body_util::BodyExt::collect(resp.into_body())
                .await
                .unwrap()
                .to_bytes();
            (headers, String::from_utf8_lossy(&bytes).to_string())
        }
    };
    let (h, html) = raw("/companies").await;
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce in the policy");
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    // The page's scripts carry this response's nonce, and only it.
    // (leptos_i18n leaves an empty `<script></script>`: nothing to run.)
    let scripts = html.matches("<script").count() - html.matches("<script></script>").count();
    assert!(scripts >= 1, "{html}");
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script has this response's nonce: {html}"
    );
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
    assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
    assert_eq!(h.get("cache-control").unwrap(), "private, no-store");
    assert!(
        h.get("strict-transport-security").is_none(),
        "no HSTS over plain HTTP"
    );
    // Two pages, two nonces.
    let (h2, _) = raw("/companies").await;
    assert_ne!(h2.get("content-security-policy").unwrap(), csp);
    // API answers are never kept by a browser or proxy cache either.
    let r = app.call("/api/auth/me", json!({}), Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    let req = Request::post("/api/auth/me")
        .header(header::COOKIE, &s)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(
        resp.headers().get("cache-control").unwrap(),
        "private, no-store"
    );

    // Over HTTPS (secure cookies): HSTS too.
    let https = TestApp::with_settings(
        pool,
        app::ssr::ServerSettings {
            secure_cookies: true,
            ..settings()
        },
    );
    let r = https
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let req = Request::get("/login").body(Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(https.router.clone(), req)
        .await
        .unwrap();
    assert!(
        resp.headers()
            .get("strict-transport-security")
            .is_some_and(|v| v.to_str().unwrap().contains("max-age=31536000"))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn without_its_database_the_server_says_try_again_not_log_in(pool: PgPool) {
    // A database nobody answers at: the server must not send its users to
    // the login page, nor answer 500.
    let dead = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(500))
        .connect_lazy("postgres://postgres@127.0.0.1:1/relais")
        .unwrap();
    let app = TestApp::with_settings(dead, settings());
    let cookie = "relais_session=AAAAAAAAAAAAAAAAAAAAAA";
    let r = app.get("/companies", Some(cookie)).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    assert!(r.text.contains("cannot reach its database"), "{}", r.text);
    let r = app.call("/api/auth/me", json!({}), Some(cookie)).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    assert_eq!(r.body, json!({"kind": "unavailable"}));
    // A login, too: "try again", not "wrong password".
    let r = app
        .call(
            "/api/auth/login",
            json!({"email": "me@relais.test", "password": PASSWORD, "locale": "en"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    let r = app.get("/healthz", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    drop(pool);
}

/// Behind one proxy of ours: each request's X-Forwarded-For ends with the
/// address our proxy saw.
fn proxied(pool: PgPool) -> TestApp {
    TestApp::with_settings(
        pool,
        app::ssr::ServerSettings {
            trusted_proxies: 1,
            ..settings()
        },
    )
}

async fn login_from(app: &TestApp, forwarded: &str, email: &str, password: &str) -> StatusCode {
    let body = json!({"email": email, "password": password, "locale": "en"}).to_string();
    let req = Request::post("/api/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", forwarded)
        .body(Body::from(body))
        .unwrap();
    app.send(req).await.status
}

#[sqlx::test(migrations = "../migrations")]
async fn a_burst_of_wrong_passwords_is_not_a_burst_of_guesses(pool: PgPool) {
    let app = proxied(pool.clone());
    app.user("target@relais.test", "member").await;
    let attempts = (0..30).map(|_| login_from(&app, "203.0.113.9", "target@relais.test", "guess"));
    let answers = futures::future::join_all(attempts).await;
    let guessed = answers
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(guessed + refused, 30, "{answers:?}");
    assert!(
        guessed <= app::ssr::throttle::FREE_PER_PAIR as usize,
        "{guessed} of 30 parallel guesses were checked"
    );
    // Rotating the left-most hop changes nothing: the address is the one
    // our proxy saw (the right-most), still waiting its turn.
    let mut checked = 0;
    for i in 0..5 {
        let forged = format!("198.51.100.{i}, 203.0.113.9");
        if login_from(&app, &forged, "target@relais.test", "guess").await
            == StatusCode::UNAUTHORIZED
        {
            checked += 1;
        }
    }
    assert!(checked < 5, "every forged hop was a fresh start");
    let forged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE key LIKE '%198.51.100.%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(forged, 0, "counted against the address the proxy saw");
    // The account's owner, from their own address, is not locked out.
    assert_eq!(
        login_from(&app, "192.0.2.44", "target@relais.test", PASSWORD).await,
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_link_is_checked_before_any_password_is_hashed(pool: PgPool) {
    let app = proxied(pool.clone());
    app.user("me@relais.test", "member").await;
    // Every hashing turn is taken (as by a burst of logins): a reset with a
    // made-up link still answers at once — it never waits for one.
    let turns = app::ssr::passwords::take_all_turns().await;
    // Fifty anonymous attempts with made-up tokens, at once: each answers
    // "invalid link" in the time of a lookup.
    let started = std::time::Instant::now();
    let calls = (0..50).map(|i| {
        let app = app.clone();
        async move {
            let body =
                json!({"token": format!("{i:064}"), "password": "a long new password"}).to_string();
            let req = Request::post("/api/auth/reset_password")
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-forwarded-for", format!("192.0.2.{i}"))
                .body(Body::from(body))
                .unwrap();
            app.send(req).await
        }
    });
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.body, json!({"kind": "invalid_token"}));
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < app::ssr::passwords::MAX_WAIT / 2,
        "the resets waited for a hashing turn: {elapsed:?}"
    );
    drop(turns);
    // From one address, resets are throttled too.
    let mut last = StatusCode::OK;
    for _ in 0..(app::ssr::throttle::FREE_RESETS_PER_ADDRESS + 2) {
        let body = json!({"token": "0", "password": "a long new password"}).to_string();
        let req = Request::post("/api/auth/reset_password")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", "192.0.2.200")
            .body(Body::from(body))
            .unwrap();
        last = app.send(req).await.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrations = "../migrations")]
async fn statements_have_a_time_limit(pool: PgPool) {
    // The pool the server makes (`server::connect`), on this test's database.
    let url = std::env::var("DATABASE_URL").unwrap();
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let base = url.rsplit_once('/').unwrap().0;
    let served = server::connect(&format!("{base}/{name}"), 2).await.unwrap();
    let limit: String = sqlx::query_scalar("SHOW statement_timeout")
        .fetch_one(&served)
        .await
        .unwrap();
    assert_eq!(limit, server::STATEMENT_TIMEOUT);
    let err = sqlx::query("SELECT pg_sleep(11)")
        .execute(&served)
        .await
        .unwrap_err();
    assert_eq!(
        app::error::AppError::from(err),
        app::error::AppError::Unavailable
    );
}
