//! Changes made offline and sent again: with an idempotency key, a request
//! repeated (the answer was lost, or two copies left at once) is applied
//! once and answered as the first time.

use crate::common::{Reply, TestApp};
use crate::interactions::{create, interaction};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use sqlx::PgPool;

async fn keyed(app: &TestApp, path: &str, body: &Value, cookie: &str, key: &str) -> Reply {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, cookie)
        .header("idempotency-key", key)
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(req).await
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(pool)
        .await
        .unwrap()
}

const KEY: &str = "3f1c9a52-7d4e-4b1a-9c0e-5a6b7c8d9e01";

#[sqlx::test(migrations = "../migrations")]
async fn a_call_logged_twice_with_one_key_is_created_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let body = json!({"id": null, "version": null, "scope": "one",
        "input": interaction("call", "Rappel offline", "2026-12-01T10:00")});
    let first = keyed(&app, "/api/interactions/save", &body, &s, KEY).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let again = keyed(&app, "/api/interactions/save", &body, &s, KEY).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(
        again.body, first.body,
        "the first answer (the new id) again"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM interactions WHERE subject = 'Rappel offline'"
        )
        .await,
        1
    );
    // Another key is another change.
    let other = keyed(
        &app,
        "/api/interactions/save",
        &body,
        &s,
        "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_ne!(other.body, first.body);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM interactions WHERE subject = 'Rappel offline'"
        )
        .await,
        2
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_copies_sent_at_once_apply_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let company: i64 =
        sqlx::query_scalar("INSERT INTO companies (name) VALUES ('Acme') RETURNING id")
            .fetch_one(&pool)
            .await
            .unwrap();
    let body = json!({"kind": "company", "id": company, "body": "Noted offline", "pinned": false});
    let copies: Vec<_> = (0..6)
        .map(|_| {
            let (app, s, body) = (app.clone(), s.clone(), body.clone());
            tokio::spawn(async move { keyed(&app, "/api/notes/add", &body, &s, KEY).await })
        })
        .collect();
    let mut answers: Vec<Reply> = Vec::new();
    for copy in copies {
        answers.push(copy.await.unwrap());
    }
    for a in &answers {
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    }
    assert!(
        answers.iter().all(|a| a.text == answers[0].text),
        "one answer for all"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM notes WHERE body = 'Noted offline'"
        )
        .await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_status_change_repeated_is_not_a_conflict(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let task = create(
        &app,
        &s,
        &interaction("task", "Relancer", "2026-12-01T17:00"),
    )
    .await;
    let body = json!({"id": task, "version": 1,
        "to": {"column": "in_progress", "after": null, "before": null}});
    let first = keyed(&app, "/api/kanban/move_task", &body, &s, KEY).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    // Without the key, the same request is stale (the version moved on)…
    let plain = app
        .call("/api/kanban/move_task", body.clone(), Some(&s))
        .await;
    assert_eq!(plain.status, StatusCode::CONFLICT);
    // …with it, the first answer comes back, and history has one change.
    let again = keyed(&app, "/api/kanban/move_task", &body, &s, KEY).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body, first.body);
    assert_eq!(
        count(
            &pool,
            &format!("SELECT version::bigint FROM interactions WHERE id = {task}")
        )
        .await,
        2
    );
    // The status endpoint too.
    let done = json!({"id": task, "version": 2, "status": "done"});
    let key = "0c0c0c0c-1d1d-4e4e-8f8f-2a2a2a2a2a2a";
    let a = keyed(&app, "/api/interactions/status", &done, &s, key).await;
    let b = keyed(&app, "/api/interactions/status", &done, &s, key).await;
    assert_eq!(
        (a.status, b.status),
        (StatusCode::OK, StatusCode::OK),
        "{}",
        b.text
    );
    assert_eq!(a.body, json!(3));
    assert_eq!(b.body, json!(3));
}

#[sqlx::test(migrations = "../migrations")]
async fn refusals_are_not_kept_and_keys_are_per_user(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let (_, other) = app.login_as("other@example.fr", "member").await;
    // Refused (deleted record): nothing applied, nothing kept, so the same
    // key may carry the corrected change.
    let gone = json!({"kind": "company", "id": 999_999, "body": "Lost?", "pinned": false});
    let r = keyed(&app, "/api/notes/add", &gone, &s, KEY).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM idempotency_keys").await,
        0
    );
    let company: i64 =
        sqlx::query_scalar("INSERT INTO companies (name) VALUES ('Acme') RETURNING id")
            .fetch_one(&pool)
            .await
            .unwrap();
    let note = json!({"kind": "company", "id": company, "body": "Mine", "pinned": false});
    let mine = keyed(&app, "/api/notes/add", &note, &s, KEY).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    // Another user's request with the same key is theirs: applied, not
    // answered with mine.
    let theirs = keyed(&app, "/api/notes/add", &note, &other, KEY).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);
    assert_ne!(theirs.body, mine.body);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM notes WHERE body = 'Mine'").await,
        2
    );
    // A key reused for another endpoint, or malformed, is refused.
    let task = json!({"id": 1, "version": 1, "status": "done"});
    let r = keyed(&app, "/api/interactions/status", &task, &s, KEY).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = keyed(&app, "/api/notes/add", &note, &s, "bad key!").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["fields"][0]["field"], "idempotency_key");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM notes WHERE body = 'Mine'").await,
        2
    );
}
