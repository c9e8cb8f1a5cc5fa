//! My account: changing my password (the current one first; my other
//! sessions end) and the sessions I can see and end — only mine.

use crate::common::{PASSWORD, Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use sqlx::PgPool;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";

/// Logs in from a browser that says who it is; the session cookie.
async fn login_from(app: &TestApp, email: &str, agent: &str) -> String {
    let req = Request::post("/api/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, agent)
        .body(Body::from(
            json!({"email": email, "password": PASSWORD, "locale": "en"}).to_string(),
        ))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    session_cookie(&r).unwrap()
}

fn session_cookie(r: &Reply) -> Option<String> {
    r.cookies
        .iter()
        .find(|c| c.starts_with("relais_session="))
        .map(|c| c.split(';').next().unwrap().to_string())
}

async fn me(app: &TestApp, cookie: &str) -> StatusCode {
    app.call("/api/auth/me", json!({}), Some(cookie))
        .await
        .status
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_my_password_needs_the_current_one_and_ends_my_other_sessions(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    app.user("me@example.fr", "member").await;
    let (_, colleague) = app.login_as("you@example.fr", "member").await;
    let here = app.login("me@example.fr", PASSWORD).await.unwrap();
    let phone = app.login("me@example.fr", PASSWORD).await.unwrap();
    let new = "a brand new passphrase";

    // A wrong current password, a short or unconfirmed new one: said per
    // field, nothing changes.
    let wrong = app
        .call(
            "/api/account/change_password",
            json!({"current": "not my password", "password": new, "confirm": new}),
            Some(&here),
        )
        .await;
    assert_eq!(wrong.body["kind"], "invalid", "{}", wrong.text);
    assert_eq!(
        wrong.body["fields"],
        json!([{"field": "current", "problem": {"code": "wrong_password"}}])
    );
    let unconfirmed = app
        .call(
            "/api/account/change_password",
            json!({"current": PASSWORD, "password": new, "confirm": "a brand new passphrasE"}),
            Some(&here),
        )
        .await;
    assert_eq!(
        unconfirmed.body["fields"][0]["field"], "confirm",
        "{}",
        unconfirmed.text
    );
    assert_eq!(me(&app, &phone).await, StatusCode::OK, "nothing ended yet");

    let ok = app
        .call(
            "/api/account/change_password",
            json!({"current": PASSWORD, "password": new, "confirm": new}),
            Some(&here),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    // This session goes on, under a new id; the other one ended.
    let here = session_cookie(&ok).unwrap_or(here);
    assert_eq!(me(&app, &here).await, StatusCode::OK);
    assert_eq!(me(&app, &phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        me(&app, &colleague).await,
        StatusCode::OK,
        "a colleague is not touched"
    );
    assert!(app.login("me@example.fr", PASSWORD).await.is_err());
    assert!(app.login("me@example.fr", new).await.is_ok());
}

#[sqlx::test(migrations = "../migrations")]
async fn guessing_the_current_password_is_throttled_like_a_login(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let mut refused = 0;
    for i in 0..8 {
        let r = app
            .call(
                "/api/account/change_password",
                json!({"current": format!("guess number {i}"), "password": "a brand new passphrase", "confirm": "a brand new passphrase"}),
                Some(&s),
            )
            .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert!(
        refused >= 3,
        "after four wrong guesses, waits: {refused} refused"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn i_see_where_i_am_signed_in_and_end_a_session_of_mine_only(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    app.user("me@example.fr", "member").await;
    app.user("you@example.fr", "member").await;
    let laptop = login_from(&app, "me@example.fr", FIREFOX).await;
    let phone = login_from(&app, "me@example.fr", PHONE).await;
    let colleague = login_from(&app, "you@example.fr", PHONE).await;

    let list = app
        .call("/api/account/my_sessions", json!({}), Some(&laptop))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    // A request marks when the session was last seen (and keeps it alive).
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE data ? 'seen_at'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        seen, 1,
        "the laptop's session, the only one that made a request"
    );
    let items = list.body.as_array().unwrap();
    assert_eq!(items.len(), 2, "mine only: {}", list.text);
    assert_eq!(items[0]["current"], true);
    assert_eq!(items[0]["device"], "Firefox · Linux");
    assert_eq!(items[1]["device"], "Chrome · Android");
    assert_eq!(items[1]["current"], false);
    for item in items {
        let handle = item["handle"].as_str().unwrap();
        assert_eq!(handle.len(), 64);
        assert!(
            !laptop.contains(handle) && !phone.contains(handle),
            "a handle is not the cookie"
        );
        assert!(!item["last_seen"].as_str().unwrap().is_empty());
    }

    // A colleague's session cannot be ended from here, even by its handle.
    let theirs = app
        .call("/api/account/my_sessions", json!({}), Some(&colleague))
        .await;
    let their_handle = theirs.body[0]["handle"].as_str().unwrap().to_string();
    let r = app
        .call(
            "/api/account/end_sessions",
            json!({"handle": their_handle}),
            Some(&laptop),
        )
        .await;
    assert_eq!(r.body, json!(0), "{}", r.text);
    assert_eq!(me(&app, &colleague).await, StatusCode::OK);

    // My phone's session ends; this one goes on.
    let r = app
        .call(
            "/api/account/end_sessions",
            json!({"handle": items[1]["handle"]}),
            Some(&laptop),
        )
        .await;
    assert_eq!(r.body, json!(1), "{}", r.text);
    assert_eq!(me(&app, &phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &laptop).await, StatusCode::OK);

    // "Everywhere else": every other session of mine, never this one.
    let a = login_from(&app, "me@example.fr", PHONE).await;
    let b = login_from(&app, "me@example.fr", PHONE).await;
    let r = app
        .call(
            "/api/account/end_sessions",
            json!({"handle": ""}),
            Some(&laptop),
        )
        .await;
    assert_eq!(r.body, json!(2), "{}", r.text);
    assert_eq!(me(&app, &a).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &b).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &laptop).await, StatusCode::OK);
}
