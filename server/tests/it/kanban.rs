//! The tasks board: counts over the whole filter, paging in the persisted
//! order, moves between and within columns, and people moving cards at once.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn task(app: &TestApp, s: &str, subject: &str, due: &str, private: bool) -> i64 {
    let input = json!({
        "kind": "task", "subject": subject, "description": "", "status": "not_started",
        "start": due, "end": "", "duration_minutes": "", "all_day": false, "direction": "",
        "location": "", "priority": "medium", "task_start": "", "private": private,
        "owner_id": null, "reminder_minutes": "", "links": [], "attendee_users": [],
        "attendee_persons": [], "recurrence": null
    });
    let r = app
        .call(
            "/api/interactions/save",
            json!({"id": null, "version": null, "input": input, "scope": "one"}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_i64().unwrap()
}

fn filter(owner: Option<i64>, from: &str, to: &str) -> Value {
    json!({"owner": owner, "record": null, "due_from": from, "due_to": to})
}

async fn board(app: &TestApp, s: &str, f: Value) -> Value {
    let r = app
        .call("/api/kanban/tasks", json!({"filter": f}), Some(s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

/// The subjects of column `key`, in order.
fn column(b: &Value, key: &str) -> Vec<String> {
    b.as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap()["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect()
}

fn count(b: &Value, key: &str) -> i64 {
    b.as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap()["count"]
        .as_i64()
        .unwrap()
}

async fn version(pool: &PgPool, id: i64) -> i32 {
    sqlx::query_scalar("SELECT version FROM interactions WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn move_to(
    app: &TestApp,
    s: &str,
    id: i64,
    version: i32,
    col: &str,
    after: Option<i64>,
    before: Option<i64>,
) -> crate::common::Reply {
    app.call(
        "/api/kanban/move_task",
        json!({"id": id, "version": version, "to": {"column": col, "after": after, "before": before}}),
        Some(s),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn columns_count_the_whole_filter_and_page_in_order(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("me@example.fr", "member").await;
    let (_, other) = app.login_as("other@example.fr", "member").await;
    for n in 0..35 {
        task(
            &app,
            &s,
            &format!("Tâche {n:02}"),
            "2026-12-10T17:00",
            false,
        )
        .await;
    }
    task(&app, &s, "Plus tard", "2027-02-01T17:00", false).await;
    task(&app, &other, "Secret d'un autre", "2026-12-10T17:00", true).await;
    task(
        &app,
        &other,
        "Visible d'un autre",
        "2026-12-10T17:00",
        false,
    )
    .await;

    let all = board(&app, &s, filter(None, "", "")).await;
    assert_eq!(
        count(&all, "not_started"),
        37,
        "the other's private task is not counted"
    );
    assert_eq!(count(&all, "done"), 0);
    let first = column(&all, "not_started");
    assert_eq!(
        first.len(),
        30,
        "a page of cards, the count covers them all"
    );
    assert_eq!(first[0], "Tâche 00");

    let mine = board(&app, &s, filter(Some(me), "2026-12-01", "2026-12-31")).await;
    assert_eq!(count(&mine, "not_started"), 35);
    // The next page starts after the last card shown.
    let last = &mine[0]["cards"][29];
    let more = app
        .call(
            "/api/kanban/more_tasks",
            json!({"filter": filter(Some(me), "2026-12-01", "2026-12-31"), "column": "not_started",
                   "pos": last["pos"], "id": last["id"]}),
            Some(&s),
        )
        .await;
    assert_eq!(more.status, StatusCode::OK, "{}", more.text);
    let subjects: Vec<&str> = more
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        ["Tâche 30", "Tâche 31", "Tâche 32", "Tâche 33", "Tâche 34"]
    );

    // A bad date is refused by its field.
    let r = app
        .call(
            "/api/kanban/tasks",
            json!({"filter": filter(None, "31/02/2026", "")}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["fields"][0]["field"], "due_from");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_large_board_counts_column_by_column_a_small_one_at_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("me@example.fr", "member").await;
    // 9,000 of my tasks: 6,000 to start, 3,000 done; 40 of another's.
    sqlx::query(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, completed_at,
                                   priority, private, owner_id, created_by, updated_by)
         SELECT 'task', 'Tâche ' || n, CASE WHEN n <= 6000 THEN 'not_started' ELSE 'done' END,
                now(), now(), CASE WHEN n > 6000 THEN now() END, 'medium', false, $1, $1, $1
         FROM generate_series(1, 9000) n",
    )
    .bind(me)
    .execute(&pool)
    .await
    .unwrap();
    let (other, _) = app.login_as("other@example.fr", "member").await;
    sqlx::query(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, priority, private,
                                   owner_id, created_by, updated_by)
         SELECT 'task', 'Autre ' || n, 'pending', now(), now(), 'low', false, $1, $1, $1
         FROM generate_series(1, 40) n",
    )
    .bind(other)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE interactions")
        .execute(&pool)
        .await
        .unwrap();
    // Past 5,000 cards by the estimate, each column is counted alone:
    // about 6,000 (estimated, or exact within the work limit) and 3,000.
    let all = board(&app, &s, filter(None, "", "")).await;
    let near = |n: i64, of: i64| (n - of).abs() * 10 <= of;
    assert!(
        near(count(&all, "not_started"), 6000),
        "{}",
        count(&all, "not_started")
    );
    assert!(near(count(&all, "done"), 3000), "{}", count(&all, "done"));
    assert_eq!(count(&all, "pending"), 40, "a column of one page is exact");
    assert_eq!(count(&all, "in_progress"), 0);
    // The other's board is small: every column exact, in one count.
    let theirs = board(&app, &s, filter(Some(other), "", "")).await;
    let exact = |b: &Value, key: &str| {
        b.as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == key)
            .unwrap()["count_is_estimate"]
            == false
    };
    assert_eq!(count(&theirs, "pending"), 40);
    assert_eq!(count(&theirs, "not_started"), 0);
    assert!(TASK_KEYS.iter().all(|k| exact(&theirs, k)), "{theirs}");
}

const TASK_KEYS: [&str; 4] = ["not_started", "in_progress", "pending", "done"];

#[sqlx::test(migrations = "../migrations")]
async fn a_card_moves_between_two_others_and_across_columns(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let a = task(&app, &s, "A", "2026-12-10T09:00", false).await;
    let b = task(&app, &s, "B", "2026-12-10T10:00", false).await;
    let c = task(&app, &s, "C", "2026-12-10T11:00", false).await;

    // C between A and B.
    let r = move_to(
        &app,
        &s,
        c,
        version(&pool, c).await,
        "not_started",
        Some(a),
        Some(b),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        column(&board(&app, &s, filter(None, "", "")).await, "not_started"),
        ["A", "C", "B"]
    );
    // B to the top, then A to "in progress", C done.
    move_to(
        &app,
        &s,
        b,
        version(&pool, b).await,
        "not_started",
        None,
        Some(a),
    )
    .await;
    assert_eq!(
        column(&board(&app, &s, filter(None, "", "")).await, "not_started"),
        ["B", "A", "C"]
    );
    let r = move_to(
        &app,
        &s,
        a,
        version(&pool, a).await,
        "in_progress",
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = move_to(&app, &s, c, version(&pool, c).await, "done", None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let now = board(&app, &s, filter(None, "", "")).await;
    assert_eq!(column(&now, "not_started"), ["B"]);
    assert_eq!(column(&now, "in_progress"), ["A"]);
    assert_eq!(column(&now, "done"), ["C"]);
    let done: bool =
        sqlx::query_scalar("SELECT completed_at IS NOT NULL FROM interactions WHERE id = $1")
            .bind(c)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(done, "done gets a completion time");
    // The history has the status change, not the position.
    let changes: Vec<Value> = sqlx::query_scalar(
        "SELECT changes FROM record_changes WHERE record_type = 'interaction' AND record_id = $1 AND action = 'update'",
    )
    .bind(a)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["status"], json!(["not_started", "in_progress"]));
    // A column that does not exist is refused.
    let r = move_to(&app, &s, b, version(&pool, b).await, "someday", None, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn dropping_again_and_again_into_one_gap_keeps_a_strict_order(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let a = task(&app, &s, "A", "2026-12-10T09:00", false).await;
    let b = task(&app, &s, "B", "2026-12-10T10:00", false).await;
    let x = task(&app, &s, "X", "2026-12-10T11:00", false).await;
    let y = task(&app, &s, "Y", "2026-12-10T12:00", false).await;
    // X and Y take turns landing right after A, 120 times: each drop halves
    // the gap; positions must stay exact and distinct.
    let mut expected = vec![];
    for n in 0..120 {
        let (m, name) = if n % 2 == 0 { (x, "X") } else { (y, "Y") };
        let r = move_to(
            &app,
            &s,
            m,
            version(&pool, m).await,
            "not_started",
            Some(a),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        expected = vec!["A", name, if name == "X" { "Y" } else { "X" }, "B"];
    }
    assert_eq!(
        column(&board(&app, &s, filter(None, "", "")).await, "not_started"),
        expected
    );
    let distinct: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT coalesce(board_pos, id::numeric)) FROM interactions WHERE id = ANY($1)",
    )
    .bind(vec![a, b, x, y])
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(distinct, 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_people_moving_cards_at_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s1) = app.login_as("un@example.fr", "member").await;
    // A manager: they may move a colleague's task (`app::access`).
    let (_, s2) = app.login_as("deux@example.fr", "manager").await;
    let a = task(&app, &s1, "A", "2026-12-10T09:00", false).await;
    let b = task(&app, &s1, "B", "2026-12-10T10:00", false).await;
    let x = task(&app, &s1, "X", "2026-12-10T11:00", false).await;
    let y = task(&app, &s1, "Y", "2026-12-10T12:00", false).await;
    // Different cards into the same gap at the same moment: both land
    // between A and B, in one order everyone sees.
    let (vx, vy) = (version(&pool, x).await, version(&pool, y).await);
    let (r1, r2) = tokio::join!(
        move_to(&app, &s1, x, vx, "in_progress", None, None),
        move_to(&app, &s2, y, vy, "in_progress", None, None),
    );
    assert_eq!((r1.status, r2.status), (StatusCode::OK, StatusCode::OK));
    let (vx, vy) = (version(&pool, x).await, version(&pool, y).await);
    let (r1, r2) = tokio::join!(
        move_to(&app, &s1, x, vx, "not_started", Some(a), Some(b)),
        move_to(&app, &s2, y, vy, "not_started", Some(a), Some(b)),
    );
    assert_eq!((r1.status, r2.status), (StatusCode::OK, StatusCode::OK));
    let seen1 = column(&board(&app, &s1, filter(None, "", "")).await, "not_started");
    let seen2 = column(&board(&app, &s2, filter(None, "", "")).await, "not_started");
    assert_eq!(seen1, seen2);
    assert_eq!(seen1.len(), 4);
    assert_eq!((seen1[0].as_str(), seen1[3].as_str()), ("A", "B"));

    // The same card moved by both from the same version: one wins, the
    // other is told, with the card as it now is.
    let v = version(&pool, a).await;
    let (r1, r2) = tokio::join!(
        move_to(&app, &s1, a, v, "pending", None, None),
        move_to(&app, &s2, a, v, "done", None, None),
    );
    let mut statuses = [r1.status, r2.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} / {}",
        r1.text,
        r2.text
    );
    let status: String = sqlx::query_scalar("SELECT status FROM interactions WHERE id = $1")
        .bind(a)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(status == "pending" || status == "done");
}
