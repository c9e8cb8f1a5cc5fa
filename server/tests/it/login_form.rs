//! The login page without the app: its plain HTML forms post to the form
//! server functions, which answer `303 See Other` (post / redirect / get)
//! and leave the email typed and the error in a short-lived cookie for
//! the next `/login`.

use crate::common::{PASSWORD, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use sqlx::PgPool;

/// `name=value` of a `Set-Cookie`.
fn pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_login_page_comes_without_the_app(pool: PgPool) {
    let app = TestApp::new(pool);
    let page = app.get("/login", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains(r#"action="/api/auth/login_form""#),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"data-ready="true""#), "ready as drawn");
    // No wasm, no app to start: only the cookies, the theme and the worker.
    assert!(!page.text.contains("module_or_path"), "{}", page.text);
    assert!(page.text.contains("serviceWorker?.register('/sw.js')"));
    // The other pages before login still start the app.
    let other = app.get("/forgot-password", None).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(other.text.contains("module_or_path"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_password_comes_back_with_its_message_and_the_email(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("camille@example.fr", "member").await;
    let r = app
        .post_urlencoded(
            "/api/auth/login_form",
            &[
                ("email", "camille@example.fr"),
                ("password", "not the password"),
                ("locale", "en"),
                ("next", "/companies?q=a"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        r.location.as_deref(),
        Some("/login?next=%2Fcompanies%3Fq%3Da")
    );
    let flash = r.cookie("relais_login_flash").expect("the flash cookie");
    for attribute in ["Path=/login", "HttpOnly", "SameSite=Strict", "Max-Age=300"] {
        assert!(flash.contains(attribute), "{flash}");
    }
    assert!(!flash.contains(PASSWORD) && !flash.contains("not the password"));

    // The page after: the message, the email typed, the page asked for; the
    // flash is cleared so that a reload shows a clean form.
    let page = app
        .get("/login?next=%2Fcompanies%3Fq%3Da", Some(pair(flash)))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Email or password is incorrect."),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(r#"value="camille@example.fr""#),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(r#"name="next" value="/companies?q=a""#),
        "{}",
        page.text
    );
    let cleared = page.cookie("relais_login_flash").expect("cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let clean = app.get("/login", None).await;
    assert!(!clean.text.contains("Email or password is incorrect."));

    // Bad input: a message on its field, nothing else happens.
    let r = app
        .post_urlencoded(
            "/api/auth/login_form",
            &[
                ("email", "not an address"),
                ("password", ""),
                ("locale", "en"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert!(
        r.cookie("relais_session")
            .is_none_or(|c| !c.contains("Max-Age"))
    );
    let flash = r.cookie("relais_login_flash").unwrap();
    let page = app.get("/login", Some(pair(flash))).await;
    assert!(
        page.text.contains("Enter a valid email address"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("This field is required."),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(r#"aria-invalid="true""#),
        "{}",
        page.text
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_right_password_signs_in_and_goes_to_the_page_asked_for(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("camille@example.fr", "member").await;
    for (next, location) in [("/persons/12", "/persons/12"), ("//evil.example", "/")] {
        let r = app
            .post_urlencoded(
                "/api/auth/login_form",
                &[
                    ("email", "Camille@Example.fr"),
                    ("password", PASSWORD),
                    ("locale", "fr"),
                    ("next", next),
                ],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(r.location.as_deref(), Some(location), "no open redirect");
        assert!(r.cookie("relais_login_flash").is_none());
        assert!(
            r.cookie("i18n_pref_locale")
                .unwrap()
                .starts_with("i18n_pref_locale=fr")
        );
        let session = r.cookie("relais_session").expect("signed in");
        let me = app
            .call("/api/auth/me", json!({}), Some(pair(session)))
            .await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        assert_eq!(me.body["locale"], "fr", "the language chosen is the user's");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_language_form_keeps_the_choice_for_the_next_page(pool: PgPool) {
    let app = TestApp::new(pool);
    let r = app
        .post_urlencoded(
            "/api/auth/language_form",
            &[("locale", "fr"), ("next", "/deals")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login?next=%2Fdeals"));
    let locale = r.cookie("i18n_pref_locale").unwrap();
    let page = app.get("/login?next=%2Fdeals", Some(pair(locale))).await;
    assert!(page.text.contains("Se connecter à Relais"), "{}", page.text);
    assert!(page.text.contains(r#"name="locale" value="fr""#));
    // A language Relais does not have sets nothing.
    let r = app
        .post_urlencoded("/api/auth/language_form", &[("locale", "xx")], None)
        .await;
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert!(r.cookie("i18n_pref_locale").is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn forms_are_taken_from_this_site_only_and_by_these_functions_only(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("camille@example.fr", "member").await;
    let form = format!(
        "email=camille%40example.fr&password={}&locale=en",
        PASSWORD.replace(' ', "+")
    );
    let post = |path: &str, origin: Option<&str>, body: &str| {
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html");
        if let Some(o) = origin {
            req = req
                .header(header::ORIGIN, o)
                .header("sec-fetch-site", "cross-site");
        }
        req.body(Body::from(body.to_string())).unwrap()
    };
    // Another site's page cannot log a visitor in (login CSRF).
    let r = app
        .send(post(
            "/api/auth/login_form",
            Some("https://evil.example"),
            &form,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.cookie("relais_session").is_none());
    // Every other server function still takes JSON only.
    let r = app.send(post("/api/auth/login", None, &form)).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // No NUL, even encoded; no body beyond its bound.
    let r = app
        .send(post(
            "/api/auth/login_form",
            None,
            &format!("{form}&next=%00"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let long = format!("{form}&next=/{}", "a".repeat(20_000));
    let r = app.send(post("/api/auth/login_form", None, &long)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A form missing a field (only a hand-made request can) is refused as
    // bad arguments, never a 500; leptos sends a plain form back (302).
    let r = app
        .send(post("/api/auth/login_form", None, "email=a%40b.fr"))
        .await;
    assert!(!r.status.is_server_error(), "{}", r.status);
    assert_eq!(
        r.body,
        json!({"kind": "bad_request", "reason": "arguments"})
    );
    assert!(r.cookie("relais_session").is_none());
    // The same form from this site signs in.
    let r = app.send(post("/api/auth/login_form", None, &form)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.cookie("relais_session").is_some());
}
