//! The Desk: today's agenda with each item's state, overdue items, open
//! tasks, planned hours against capacity, the pipeline, and the panel
//! layout a user arranges (kept; unknown panels refused).

use crate::common::TestApp;
use crate::interactions::{create, interaction};
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn desk(app: &TestApp, s: &str) -> Value {
    let r = app.call("/api/desk/today", json!({}), Some(s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

fn subjects(d: &Value, panel: &str) -> Vec<String> {
    d[panel]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["subject"].as_str().unwrap().to_string())
        .collect()
}

fn state(d: &Value, panel: &str, subject: &str) -> String {
    d[panel]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["subject"] == subject)
        .unwrap_or_else(|| panic!("{subject} not in {panel}: {d}"))["state"]
        .as_str()
        .unwrap()
        .to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_desk_gathers_the_day(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("a@relais.test", "member").await;
    let (_, other) = app.login_as("b@relais.test", "member").await;
    let empty = desk(&app, &s).await;
    let today =
        chrono::NaiveDate::parse_from_str(empty["today"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let yesterday = today.pred_opt().unwrap();
    let tomorrow = today.succ_opt().unwrap();
    assert_eq!(empty["planned_minutes"], 0);
    assert_eq!(empty["capacity_minutes"], 300);
    assert_eq!(
        empty["panels"],
        json!([
            "agenda",
            "overdue",
            "tasks",
            "load",
            "pipeline",
            "favourites",
            "recent"
        ])
    );

    // Today: a meeting just after midnight (30 min), a held one (60 min),
    // a cancelled one (not counted), a task due late today; yesterday: a
    // call never logged and a task never done; tomorrow: a task.
    let mut m = interaction("meeting", "Early meeting", &format!("{today}T00:05"));
    m["end"] = json!(format!("{today}T00:35"));
    create(&app, &s, &m).await;
    let mut held = interaction("meeting", "Held meeting", &format!("{today}T00:40"));
    held["end"] = json!(format!("{today}T01:40"));
    held["status"] = json!("held");
    create(&app, &s, &held).await;
    let mut cancelled = interaction("meeting", "Cancelled meeting", &format!("{today}T02:00"));
    cancelled["end"] = json!(format!("{today}T05:00"));
    cancelled["status"] = json!("cancelled");
    create(&app, &s, &cancelled).await;
    create(
        &app,
        &s,
        &interaction("task", "Due tonight", &format!("{today}T23:59")),
    )
    .await;
    create(
        &app,
        &s,
        &interaction("call", "Forgotten call", &format!("{yesterday}T10:00")),
    )
    .await;
    create(
        &app,
        &s,
        &interaction("task", "Late task", &format!("{yesterday}T09:00")),
    )
    .await;
    create(
        &app,
        &s,
        &interaction("task", "Tomorrow task", &format!("{tomorrow}T09:00")),
    )
    .await;
    // Someone else's day is not mine.
    create(
        &app,
        &other,
        &interaction("task", "Not mine", &format!("{today}T12:00")),
    )
    .await;

    let d = desk(&app, &s).await;
    assert_eq!(
        subjects(&d, "agenda"),
        [
            "Early meeting",
            "Held meeting",
            "Cancelled meeting",
            "Due tonight"
        ]
    );
    assert_eq!(state(&d, "agenda", "Held meeting"), "Done");
    assert_eq!(state(&d, "agenda", "Cancelled meeting"), "Cancelled");
    assert_eq!(state(&d, "agenda", "Due tonight"), "Today");
    assert_eq!(subjects(&d, "overdue"), ["Forgotten call", "Late task"]);
    assert_eq!(d["overdue_count"], 2);
    assert_eq!(state(&d, "overdue", "Late task"), "Overdue");
    assert_eq!(
        subjects(&d, "tasks"),
        ["Late task", "Due tonight", "Tomorrow task"]
    );
    assert_eq!(d["tasks_count"], 3);
    assert_eq!(d["planned_minutes"], 90);

    // Capacity comes from the profile.
    sqlx::query("UPDATE users SET daily_capacity_minutes = 60 WHERE id = $1")
        .bind(me)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(desk(&app, &s).await["capacity_minutes"], 60);
}

/// Overdue is two index ranges merged: late tasks and calls or meetings
/// never logged. The panel shows the ten most recently due of both, the
/// count counts both; what is not late (an all-day task due today, a call
/// over today, a held meeting, a done task) is in neither.
#[sqlx::test(migrations = "../migrations")]
async fn overdue_merges_late_tasks_and_calls_never_logged(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let today = desk(&app, &s).await["today"].as_str().unwrap().to_string();
    let today = chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap();
    let day = |n: i64| today - chrono::Duration::days(n);
    // Days 1..=7 ago: a late task at 09:00; days 2, 4, 6, 8, 10 ago: a call
    // at 10:00 still "planned".
    for n in 1..=7 {
        let t = interaction("task", &format!("Task {n}"), &format!("{}T09:00", day(n)));
        create(&app, &s, &t).await;
    }
    for n in [2, 4, 6, 8, 10] {
        let c = interaction("call", &format!("Call {n}"), &format!("{}T10:00", day(n)));
        create(&app, &s, &c).await;
    }
    // Not overdue.
    let mut all_day = interaction("task", "All-day today", &format!("{today}T00:00"));
    all_day["all_day"] = json!(true);
    create(&app, &s, &all_day).await;
    create(
        &app,
        &s,
        &interaction("call", "Call this morning", &format!("{today}T00:01")),
    )
    .await;
    let mut held = interaction("meeting", "Held meeting", &format!("{}T11:00", day(3)));
    held["end"] = json!(format!("{}T12:00", day(3)));
    held["status"] = json!("held");
    create(&app, &s, &held).await;
    let mut done = interaction("task", "Done task", &format!("{}T11:00", day(3)));
    done["status"] = json!("done");
    create(&app, &s, &done).await;

    let d = desk(&app, &s).await;
    assert_eq!(
        subjects(&d, "overdue"),
        [
            "Task 1", "Call 2", "Task 2", "Task 3", "Call 4", "Task 4", "Task 5", "Call 6",
            "Task 6", "Task 7"
        ]
    );
    assert_eq!(d["overdue_count"], 12);
    assert_eq!(state(&d, "overdue", "Call 2"), "Overdue");
}

#[sqlx::test(migrations = "../migrations")]
async fn panels_are_arranged_per_user_and_kept(pool: PgPool) {
    let app = TestApp::new(pool);
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let (_, other) = app.login_as("b@relais.test", "member").await;
    let set = |items: Value| json!({"key": "Desk", "items": items});
    let r = app
        .call(
            "/api/layouts/set",
            set(json!(["tasks", "agenda"])),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(desk(&app, &s).await["panels"], json!(["tasks", "agenda"]));
    // Unknown or repeated panels are refused and change nothing.
    for bad in [json!(["tasks", "tasks"]), json!(["agenda", "amount"])] {
        let r = app.call("/api/layouts/set", set(bad), Some(&s)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    }
    assert_eq!(desk(&app, &s).await["panels"], json!(["tasks", "agenda"]));
    // Another user still has the default.
    assert_eq!(desk(&app, &other).await["panels"][0], "agenda");
    // Card fields too, per board.
    let r = app
        .call(
            "/api/layouts/set",
            json!({"key": "DealCards", "items": ["owner", "amount"]}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call("/api/layouts/get", json!({"key": "DealCards"}), Some(&s))
        .await;
    assert_eq!(r.body, json!(["owner", "amount"]));
    let r = app
        .call("/api/layouts/get", json!({"key": "TaskCards"}), Some(&s))
        .await;
    assert_eq!(r.body, json!(["due", "priority", "record"]));
}
