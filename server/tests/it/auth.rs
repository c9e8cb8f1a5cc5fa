//! Accounts and access, through the real router and a real database.

use crate::common::{PASSWORD, TestApp};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn anonymous_callers_are_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    assert!(paths.len() >= 15, "server functions registered: {paths:?}");
    let mut open = Vec::new();
    for path in &paths {
        let r = app.call(path, json!({}), None).await;
        if r.status != StatusCode::UNAUTHORIZED {
            open.push(path.clone());
        } else {
            assert_eq!(r.body, json!({"kind": "unauthorized"}), "{path}");
        }
    }
    open.sort();
    let mut public: Vec<String> = app::auth::PUBLIC_SERVER_FNS
        .iter()
        .map(|s| s.to_string())
        .collect();
    public.sort();
    assert_eq!(
        open, public,
        "only the login flow is open to anonymous callers"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_need_a_session(pool: PgPool) {
    let app = TestApp::new(pool);
    let r = app.get("/companies?q=a", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.get("/login", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("Log in to Relais"),
        "login page is server-rendered"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn login_sets_a_secure_session_and_me_answers(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("Camille@Example.fr", "member").await;

    let bad = app
        .login("camille@example.fr", "wrong password")
        .await
        .unwrap_err();
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad.body, json!({"kind": "invalid_credentials"}));

    let r = app
        .call(
            "/api/auth/login",
            json!({"email": "camille@example.fr", "password": PASSWORD, "locale": "fr"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let session = r
        .cookies
        .iter()
        .find(|c| c.starts_with("relais_session="))
        .unwrap();
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(
        r.cookies
            .iter()
            .any(|c| c.starts_with("i18n_pref_locale=fr")),
        "{:?}",
        r.cookies
    );

    let cookie = session.split(';').next().unwrap();
    // A page reads the language cookie and never writes it back: an echo
    // from a page asked for before a change of language, answered after
    // it, would undo the change.
    let page = app
        .get("/", Some(&format!("{cookie}; i18n_pref_locale=fr")))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(r#"lang="fr""#), "rendered in French");
    assert!(
        !page
            .cookies
            .iter()
            .any(|c| c.starts_with("i18n_pref_locale=")),
        "{:?}",
        page.cookies
    );
    let me = app.call("/api/auth/me", json!({}), Some(cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["role"], "member");
    assert_eq!(me.body["locale"], "fr");

    let out = app.call("/api/auth/logout", json!({}), Some(cookie)).await;
    assert_eq!(out.status, StatusCode::OK);
    let me = app.call("/api/auth/me", json!({}), Some(cookie)).await;
    assert_eq!(
        me.status,
        StatusCode::UNAUTHORIZED,
        "the session is gone after logout"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_slow_down_the_account(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("target@example.fr", "member").await;
    for _ in 0..4 {
        let r = app.login("target@example.fr", "guess").await.unwrap_err();
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // The right password now waits too: the account is throttled, not the guess.
    let r = app.login("target@example.fr", PASSWORD).await.unwrap_err();
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.body["kind"], "too_many_attempts");
    assert!(r.body["retry_after_secs"].as_i64().unwrap() >= 1);
    // Another account is not affected.
    app.user("other@example.fr", "member").await;
    assert!(app.login("other@example.fr", PASSWORD).await.is_ok());
}

#[sqlx::test(migrations = "../migrations")]
async fn password_reset_link_works_once_and_ends_old_sessions(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    app.user("reset@example.fr", "member").await;
    let old_session = app.login("reset@example.fr", PASSWORD).await.unwrap();

    // Unknown addresses get the same answer and no mail.
    let r = app
        .call(
            "/api/auth/request_password_reset",
            json!({"email": "nobody@example.fr"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .call(
            "/api/auth/request_password_reset",
            json!({"email": "RESET@example.fr"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mails: Vec<(String, String)> = sqlx::query_as("SELECT to_address, body FROM outbox")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "reset@example.fr");
    let token = mails[0]
        .1
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    let short = app
        .call(
            "/api/auth/reset_password",
            json!({"token": token, "password": "short"}),
            None,
        )
        .await;
    assert_eq!(
        short.body["kind"], "invalid",
        "too short a password is refused, token kept"
    );

    let new_password = "a much better passphrase";
    let ok = app
        .call(
            "/api/auth/reset_password",
            json!({"token": token, "password": new_password}),
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let again = app
        .call(
            "/api/auth/reset_password",
            json!({"token": token, "password": new_password}),
            None,
        )
        .await;
    assert_eq!(
        again.body,
        json!({"kind": "invalid_token"}),
        "a link works once"
    );

    let me = app
        .call("/api/auth/me", json!({}), Some(&old_session))
        .await;
    assert_eq!(
        me.status,
        StatusCode::UNAUTHORIZED,
        "old sessions end with the old password"
    );
    assert!(app.login("reset@example.fr", PASSWORD).await.is_err());
    assert!(app.login("reset@example.fr", new_password).await.is_ok());
}

#[sqlx::test(migrations = "../migrations")]
async fn expired_reset_links_are_refused(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let id = app.user("late@example.fr", "member").await;
    let token = "0123456789abcdef";
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, now() - interval '1 minute')")
        .bind(app::auth::token_hash(token))
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let r = app
        .call(
            "/api/auth/reset_password",
            json!({"token": token, "password": "long enough password"}),
            None,
        )
        .await;
    assert_eq!(r.body, json!({"kind": "invalid_token"}));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deactivated_user_is_locked_out_at_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let id = app.user("leaving@example.fr", "member").await;
    let session = app.login("leaving@example.fr", PASSWORD).await.unwrap();
    sqlx::query("UPDATE users SET active = false WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let me = app.call("/api/auth/me", json!({}), Some(&session)).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    let r = app.login("leaving@example.fr", PASSWORD).await.unwrap_err();
    assert_eq!(
        r.body,
        json!({"kind": "invalid_credentials"}),
        "no hint that the account exists"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn preferences_are_checked_and_kept(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("prefs@example.fr", "member").await;
    let s = app.login("prefs@example.fr", PASSWORD).await.unwrap();
    let bad = app
        .call(
            "/api/auth/update_preferences",
            json!({"locale": "de", "theme": "neon", "density": ""}),
            Some(&s),
        )
        .await;
    assert_eq!(bad.body["kind"], "invalid");
    let fields = bad.refused_fields();
    assert_eq!(fields, ["locale", "theme"]);
    let ok = app
        .call(
            "/api/auth/update_preferences",
            json!({"locale": "", "theme": "dark", "density": "compact"}),
            Some(&s),
        )
        .await;
    assert_eq!(ok.body["theme"], "dark");
    assert_eq!(ok.body["density"], "compact");
    assert_eq!(
        ok.body["locale"], "en",
        "an empty choice leaves it as it was"
    );
    assert!(
        ok.cookies
            .iter()
            .any(|c| c.starts_with("relais_theme=dark"))
    );
}

/// A theme of `auto` shows the device's setting, which the boot script
/// notes in a cookie: the server draws the page dark or light from it.
/// A new account starts on `auto`; a page with no theme cookie is `auto`.
#[sqlx::test(migrations = "../migrations")]
async fn the_theme_follows_the_device_until_one_is_chosen(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("device@example.fr", "member").await;
    let s = app.login("device@example.fr", PASSWORD).await.unwrap();
    let me = app.call("/api/auth/me", json!({}), Some(&s)).await;
    assert_eq!(me.body["theme"], "auto", "a new account follows the device");
    let html = |r: &str| r.split_once("<head").map(|(h, _)| h.to_string()).unwrap();
    for (cookies, shown, choice) in [
        ("relais_theme=auto; relais_dark=1", "dark", "auto"),
        ("relais_theme=auto; relais_dark=0", "light", "auto"),
        ("relais_theme=auto", "light", "auto"),
        ("relais_dark=1", "dark", "auto"),
        ("relais_theme=light; relais_dark=1", "light", "light"),
        ("relais_theme=dark; relais_dark=0", "dark", "dark"),
        ("relais_theme=neon; relais_dark=1", "dark", "auto"),
    ] {
        let page = app.get("/login", Some(cookies)).await;
        let head = html(&page.text);
        assert!(
            head.contains(&format!("data-theme=\"{shown}\"")),
            "{cookies}: {head}"
        );
        assert!(
            head.contains(&format!("data-theme-choice=\"{choice}\"")),
            "{cookies}: {head}"
        );
    }
    let back = app
        .call(
            "/api/auth/update_preferences",
            json!({"locale": "", "theme": "light", "density": ""}),
            Some(&s),
        )
        .await;
    assert_eq!(back.body["theme"], "light");
    let again = app
        .call(
            "/api/auth/update_preferences",
            json!({"locale": "", "theme": "auto", "density": ""}),
            Some(&s),
        )
        .await;
    assert_eq!(again.body["theme"], "auto");
    assert!(
        again
            .cookies
            .iter()
            .any(|c| c.starts_with("relais_theme=auto"))
    );
}
