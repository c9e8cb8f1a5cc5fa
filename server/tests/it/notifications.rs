//! Reminders and the notifications bell: the dispatcher fires each reminder
//! once even with several instances, moving an interaction re-arms it,
//! assignment notifies the assignee, and the bell's server functions touch
//! only the caller's rows.

use crate::common::{PASSWORD, TestApp};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use server::reminders::dispatch_due;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

/// A wall-clock time `minutes` from now, as the form sends it (the test
/// users' zone is UTC).
pub fn local(minutes: i64) -> String {
    (Utc::now() + Duration::minutes(minutes))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

pub fn interaction(kind: &str, subject: &str, start: &str, reminder: &str) -> Value {
    json!({
        "kind": kind, "subject": subject, "description": "",
        "status": if kind == "task" { "not_started" } else { "planned" },
        "start": start, "end": "", "duration_minutes": if kind == "call" { "15" } else { "" },
        "all_day": false, "direction": if kind == "call" { "outbound" } else { "" }, "location": "",
        "priority": if kind == "task" { "medium" } else { "" }, "task_start": "", "private": false,
        "owner_id": null, "reminder_minutes": reminder, "links": [], "attendee_users": [],
        "attendee_persons": [], "recurrence": null
    })
}

pub struct Team {
    pub app: TestApp,
    pub ids: Vec<i64>,
    pub sessions: Vec<String>,
}

/// Members `a@…`, `b@…`, `c@…` in UTC, logged in.
pub async fn team(pool: &PgPool) -> Team {
    let app = TestApp::new(pool.clone());
    let mut ids = Vec::new();
    let mut sessions = Vec::new();
    for who in ["a", "b", "c"] {
        let email = format!("{who}@example.fr");
        ids.push(app.user(&email, "member").await);
        sessions.push(app.login(&email, PASSWORD).await.unwrap());
    }
    sqlx::query("UPDATE users SET time_zone = 'UTC'")
        .execute(pool)
        .await
        .unwrap();
    Team { app, ids, sessions }
}

pub async fn save(app: &TestApp, session: &str, id: Option<i64>, input: Value) -> i64 {
    let version = match id {
        Some(id) => {
            let got = app
                .call("/api/interactions/get", json!({"id": id}), Some(session))
                .await;
            got.body["version"].clone()
        }
        None => Value::Null,
    };
    let r = app
        .call(
            "/api/interactions/save",
            json!({"id": id, "version": version, "input": input, "scope": "one"}),
            Some(session),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_i64().unwrap_or(id.unwrap_or_default())
}

/// (user, kind, interaction) of every notification, in order.
async fn rows(pool: &PgPool) -> Vec<(i64, String, i64)> {
    sqlx::query_as(
        "SELECT user_id, kind, interaction_id FROM notifications ORDER BY user_id, kind, interaction_id, fire_at",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn list(app: &TestApp, session: &str) -> Value {
    let r = app
        .call("/api/notifications/list", json!({}), Some(session))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

#[sqlx::test(migrations = "../migrations")]
async fn each_due_reminder_fires_once_across_instances(pool: PgPool) {
    let t = team(&pool).await;
    let (a, b, c) = (t.ids[0], t.ids[1], t.ids[2]);
    // One through the form: a's call an hour ago, reminder 10 minutes
    // before, b and c attending.
    let start = local(-60);
    let mut input = interaction("call", "Rappeler Mme Lefèbvre", &start, "10");
    input["attendee_users"] = json!([b, c]);
    let call = save(&t.app, &t.sessions[0], None, input).await;
    // And 40 more, owned by a with b attending, so that two dispatchers
    // really meet.
    let many: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, owner_id, created_by, reminder_minutes)
         SELECT 'meeting', 'Réunion ' || g, 'planned', now() - interval '5 minutes', now(), $1, $1, 0
         FROM generate_series(1, 40) g RETURNING id",
    )
    .bind(a)
    .fetch_all(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO interaction_attendees (interaction_id, user_id, starts_at)
         SELECT id, $1, starts_at FROM interactions WHERE id = ANY($2)",
    )
    .bind(b)
    .bind(&many)
    .execute(&pool)
    .await
    .unwrap();
    let history_before: i64 = sqlx::query_scalar("SELECT count(*) FROM record_changes")
        .fetch_one(&pool)
        .await
        .unwrap();

    // Two instances: two pools, each calling the dispatcher ten times.
    let mut handles = Vec::new();
    for _ in 0..2 {
        let other = PgPoolOptions::new()
            .max_connections(2)
            .connect_with((*pool.connect_options()).clone())
            .await
            .unwrap();
        handles.push(tokio::spawn(async move {
            let mut written = 0;
            for _ in 0..10 {
                written += dispatch_due(&other, "http://relais.test").await.unwrap();
            }
            other.close().await;
            written
        }));
    }
    let mut written = 0;
    for h in handles {
        written += h.await.unwrap();
    }
    assert_eq!(written, 3 + 2 * 40, "one reminder per user and interaction");

    let reminders: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT user_id, interaction_id, count(*) FROM notifications WHERE kind = 'reminder'
         GROUP BY 1, 2 ORDER BY 2, 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(reminders.len(), 83);
    assert!(reminders.iter().all(|r| r.2 == 1), "{reminders:?}");
    assert_eq!(reminders[..3], [(a, call, 1), (b, call, 1), (c, call, 1)]);
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM interactions WHERE reminded_at IS NULL AND remind_at IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(waiting, 0);
    // The reminder fires at remind_at, not at the moment it was noticed.
    let fire_ok: bool = sqlx::query_scalar(
        "SELECT n.fire_at = i.remind_at FROM notifications n JOIN interactions i ON i.id = n.interaction_id
         WHERE n.interaction_id = $1 AND n.user_id = $2",
    )
    .bind(call)
    .bind(b)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(fire_ok);
    // Claiming is bookkeeping: no history row.
    let history_after: i64 = sqlx::query_scalar("SELECT count(*) FROM record_changes")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(history_after, history_before);
    // Nothing left to do.
    assert_eq!(dispatch_due(&pool, "http://relais.test").await.unwrap(), 0);

    // An attendee sees it in the bell, with the start in their zone.
    let bell = list(&t.app, &t.sessions[2]).await;
    assert_eq!(bell["unread"], 1);
    let item = &bell["items"][0];
    assert_eq!(item["interaction_id"], call);
    assert_eq!(item["kind"], "reminder");
    assert_eq!(item["subject"], "Rappeler Mme Lefèbvre");
    assert_eq!(item["interaction_kind"], "call");
    assert_eq!(item["starts"], start.replace('T', " "));
    assert_eq!(item["read"], false);
    let bell = list(&t.app, &t.sessions[1]).await;
    assert_eq!(bell["unread"], 41);
    assert_eq!(bell["items"].as_array().unwrap().len(), 20, "the newest 20");
}

#[sqlx::test(migrations = "../migrations")]
async fn moving_rearms_and_finished_or_deleted_ones_never_fire(pool: PgPool) {
    let t = team(&pool).await;
    let s = &t.sessions[0];
    let call = save(
        &t.app,
        s,
        None,
        interaction("call", "Relance devis", &local(-30), "15"),
    )
    .await;
    assert_eq!(dispatch_due(&pool, "http://relais.test").await.unwrap(), 1);

    // Later, but still not due: re-armed, nothing yet.
    save(
        &t.app,
        s,
        Some(call),
        interaction("call", "Relance devis", &local(120), "15"),
    )
    .await;
    let reminded: Option<chrono::DateTime<Utc>> =
        sqlx::query_scalar("SELECT reminded_at FROM interactions WHERE id = $1")
            .bind(call)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(reminded, None, "a new remind_at re-arms the reminder");
    assert_eq!(dispatch_due(&pool, "http://relais.test").await.unwrap(), 0);
    // Now moved to a time whose reminder is due: it fires again.
    let soon = local(5);
    save(
        &t.app,
        s,
        Some(call),
        interaction("call", "Relance devis", &soon, "15"),
    )
    .await;
    assert_eq!(dispatch_due(&pool, "http://relais.test").await.unwrap(), 1);
    // Saving again without moving it does not.
    let mut renamed = interaction("call", "Relance devis signé", &soon, "15");
    renamed["description"] = json!("Appeler avant midi");
    save(&t.app, s, Some(call), renamed).await;
    assert_eq!(dispatch_due(&pool, "http://relais.test").await.unwrap(), 0);
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE interaction_id = $1 AND kind = 'reminder'",
    )
    .bind(call)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(count, 2);

    // A done task, a held call and a deleted meeting never fire.
    let mut done = interaction("task", "Envoyer la facture", &local(-10), "0");
    done["status"] = json!("done");
    save(&t.app, s, None, done).await;
    let mut held = interaction("call", "Appel passé", &local(-10), "5");
    held["status"] = json!("held");
    save(&t.app, s, None, held).await;
    let task = save(
        &t.app,
        s,
        None,
        interaction("task", "Préparer le salon", &local(60), "1440"),
    )
    .await;
    let got = t
        .app
        .call("/api/interactions/get", json!({"id": task}), Some(s))
        .await;
    let r = t
        .app
        .call(
            "/api/interactions/status",
            json!({"id": task, "version": got.body["version"], "status": "done"}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut meeting = interaction("meeting", "Comité", &local(10), "30");
    meeting["end"] = json!(local(70));
    let meeting = save(&t.app, s, None, meeting).await;
    let got = t
        .app
        .call("/api/interactions/get", json!({"id": meeting}), Some(s))
        .await;
    let r = t
        .app
        .call(
            "/api/interactions/delete",
            json!({"id": meeting, "version": got.body["version"], "scope": "one"}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(dispatch_due(&pool, "http://relais.test").await.unwrap(), 0);
    assert_eq!(
        rows(&pool).await,
        vec![
            (t.ids[0], "reminder".into(), call),
            (t.ids[0], "reminder".into(), call)
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn assigning_to_someone_else_notifies_them(pool: PgPool) {
    let t = team(&pool).await;
    let (a, b, c) = (t.ids[0], t.ids[1], t.ids[2]);
    // a keeps one for themselves (owner empty, then themselves): nothing.
    save(
        &t.app,
        &t.sessions[0],
        None,
        interaction("task", "Ma tâche", &local(600), ""),
    )
    .await;
    let mut mine = interaction("task", "Encore la mienne", &local(600), "");
    mine["owner_id"] = json!(a);
    save(&t.app, &t.sessions[0], None, mine).await;
    assert_eq!(rows(&pool).await, vec![]);

    // a gives one to b: b is told, by a.
    let mut given = interaction("meeting", "Visite client", &local(600), "");
    given["end"] = json!(local(660));
    given["owner_id"] = json!(b);
    let id = save(&t.app, &t.sessions[0], None, given.clone()).await;
    assert_eq!(rows(&pool).await, vec![(b, "assigned".into(), id)]);
    let bell = list(&t.app, &t.sessions[1]).await;
    assert_eq!(bell["unread"], 1);
    assert_eq!(bell["items"][0]["kind"], "assigned");
    assert_eq!(bell["items"][0]["actor_name"], "User a@example.fr");
    assert_eq!(bell["items"][0]["subject"], "Visite client");
    assert_eq!(list(&t.app, &t.sessions[0]).await["unread"], 0);

    // Saved again unchanged: no new notice. Handed on to c: c is told.
    save(&t.app, &t.sessions[0], Some(id), given.clone()).await;
    assert_eq!(rows(&pool).await.len(), 1);
    given["owner_id"] = json!(c);
    save(&t.app, &t.sessions[1], Some(id), given.clone()).await;
    assert_eq!(
        rows(&pool).await,
        vec![(b, "assigned".into(), id), (c, "assigned".into(), id)]
    );
    assert_eq!(
        list(&t.app, &t.sessions[2]).await["items"][0]["actor_name"],
        "User b@example.fr"
    );
    // b gave it away: it is c's to change now, not b's (a member changes
    // their own, created or attended interactions — `app::access`).
    let version = t
        .app
        .call(
            "/api/interactions/get",
            json!({"id": id}),
            Some(&t.sessions[1]),
        )
        .await
        .body["version"]
        .clone();
    let refused = t
        .app
        .call(
            "/api/interactions/save",
            json!({"id": id, "version": version, "input": given.clone(), "scope": "one"}),
            Some(&t.sessions[1]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    // c keeping it for themselves, renamed, is not news to c.
    given["subject"] = json!("Visite client (reportée)");
    save(&t.app, &t.sessions[2], Some(id), given).await;
    assert_eq!(rows(&pool).await.len(), 2, "c saved their own: no notice");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_bell_counts_and_marks_only_the_callers_rows(pool: PgPool) {
    let t = team(&pool).await;
    let (a, b) = (t.ids[0], t.ids[1]);
    // Three interactions given to b by a, one to a by b.
    let mut to_b = Vec::new();
    for subject in ["Un", "Deux", "Trois"] {
        let mut input = interaction("task", subject, &local(600), "");
        input["owner_id"] = json!(b);
        to_b.push(save(&t.app, &t.sessions[0], None, input).await);
    }
    let mut input = interaction("task", "Pour a", &local(600), "");
    input["owner_id"] = json!(a);
    save(&t.app, &t.sessions[1], None, input).await;

    let bell = list(&t.app, &t.sessions[1]).await;
    assert_eq!(bell["unread"], 3);
    let items = bell["items"].as_array().unwrap();
    assert_eq!(
        items
            .iter()
            .map(|n| n["subject"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["Trois", "Deux", "Un"],
        "newest first"
    );
    let first = items[2]["id"].as_i64().unwrap();
    let a_bell = list(&t.app, &t.sessions[0]).await;
    let a_note = a_bell["items"][0]["id"].as_i64().unwrap();

    // b marks one of theirs and a's: only theirs changes.
    let r = t
        .app
        .call(
            "/api/notifications/read",
            json!({"ids": [first, a_note]}),
            Some(&t.sessions[1]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, 1);
    let bell = list(&t.app, &t.sessions[1]).await;
    assert_eq!(bell["unread"], 2);
    assert_eq!(bell["items"][2]["read"], true);
    assert_eq!(bell["items"][0]["read"], false);
    assert_eq!(list(&t.app, &t.sessions[0]).await["unread"], 1);

    // A deleted interaction leaves the bell (and its count).
    let got = t
        .app
        .call(
            "/api/interactions/get",
            json!({"id": to_b[2]}),
            Some(&t.sessions[1]),
        )
        .await;
    let r = t
        .app
        .call(
            "/api/interactions/delete",
            json!({"id": to_b[2], "version": got.body["version"], "scope": "one"}),
            Some(&t.sessions[1]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let bell = list(&t.app, &t.sessions[1]).await;
    assert_eq!(bell["unread"], 1);
    assert_eq!(bell["items"].as_array().unwrap().len(), 2);

    // Mark all: b's are read, a's stays unread.
    let r = t
        .app
        .call(
            "/api/notifications/read_all",
            json!({}),
            Some(&t.sessions[1]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let bell = list(&t.app, &t.sessions[1]).await;
    assert_eq!(bell["unread"], 0);
    assert!(
        bell["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["read"] == true)
    );
    assert_eq!(list(&t.app, &t.sessions[0]).await["unread"], 1);
    let unread: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(a)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(unread, 1);

    // Too many ids at once are refused; anonymous callers are refused.
    let ids: Vec<i64> = (1..=501).collect();
    let r = t
        .app
        .call(
            "/api/notifications/read",
            json!({ "ids": ids }),
            Some(&t.sessions[1]),
        )
        .await;
    assert_eq!(r.body["kind"], "invalid", "{}", r.text);
    let r = t.app.call("/api/notifications/list", json!({}), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The server renders the bell with no count: the browser loads it after
    // hydration, so both first renders are the same.
    let page = t.app.get("/", Some(&t.sessions[1])).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains(r#"class="icon-button bell""#)
            && page
                .text
                .contains(r#"aria-label="Notifications, 0 unread""#),
        "{}",
        page.text
    );
}
