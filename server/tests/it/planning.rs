//! The Planning: each user-day's load in that user's zone, reassigning and
//! rescheduling by drop (both loads change), refusals, and "to plan" tasks
//! placed on a user-day.

use crate::common::{Reply, TestApp};
use app::planning::PlanBlock;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Ev<'a> {
    owner: Option<i64>,
    creator: i64,
    kind: &'a str,
    status: &'a str,
    subject: &'a str,
    start: &'a str,
    end: &'a str,
    all_day: bool,
    private: bool,
}

impl<'a> Ev<'a> {
    fn meeting(owner: i64, subject: &'a str, start: &'a str, end: &'a str) -> Self {
        Ev {
            owner: Some(owner),
            creator: owner,
            kind: "meeting",
            status: "planned",
            subject,
            start,
            end,
            all_day: false,
            private: false,
        }
    }

    fn task(owner: Option<i64>, creator: i64, subject: &'a str, due: &'a str) -> Self {
        Ev {
            owner,
            creator,
            kind: "task",
            status: "not_started",
            subject,
            start: due,
            end: due,
            all_day: false,
            private: false,
        }
    }
}

async fn insert(pool: &PgPool, e: Ev<'_>) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, all_day, private, owner_id,
                                   created_by, updated_by, completed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, CASE WHEN $3 = 'done' THEN now() END)
         RETURNING id",
    )
    .bind(e.kind)
    .bind(e.subject)
    .bind(e.status)
    .bind(utc(e.start))
    .bind(utc(e.end))
    .bind(e.all_day)
    .bind(e.private)
    .bind(e.owner)
    .bind(e.creator)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn set_zone(pool: &PgPool, user: i64, zone: &str) {
    sqlx::query("UPDATE users SET time_zone = $2 WHERE id = $1")
        .bind(user)
        .bind(zone)
        .execute(pool)
        .await
        .unwrap();
}

async fn share(pool: &PgPool, owner: i64, viewer: i64) {
    sqlx::query("INSERT INTO calendar_shares (owner_id, viewer_id) VALUES ($1, $2)")
        .bind(owner)
        .bind(viewer)
        .execute(pool)
        .await
        .unwrap();
}

async fn range(app: &TestApp, s: &str, from: &str, to: &str, users: &[i64]) -> Value {
    let r = app
        .call(
            "/api/planning/range",
            json!({"from": from, "to": to, "users": users}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

/// The planned minutes of `user` on each day of the range.
fn load(data: &Value, user: i64) -> Vec<i64> {
    data["loads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["user"] == user)
        .unwrap_or_else(|| panic!("no load for user {user}: {data}"))["minutes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_i64().unwrap())
        .collect()
}

/// The blocks of `list` ("blocks" or "unplanned"), decoded from their
/// compact wire form.
fn blocks(data: &Value, list: &str) -> Vec<PlanBlock> {
    serde_json::from_value(data[list].clone()).expect("blocks in their wire form")
}

fn block(data: &Value, list: &str, id: i64) -> Option<PlanBlock> {
    blocks(data, list).into_iter().find(|b| b.id == id)
}

/// A wall-clock time as the Planning shows it.
fn wall(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

async fn drop_on(app: &TestApp, s: &str, id: i64, version: i32, owner: i64, start: &str) -> Reply {
    app.call(
        "/api/planning/move",
        json!({"id": id, "version": version, "owner": owner, "start": start}),
        Some(s),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn each_user_day_counts_the_hours_in_that_users_zone(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, sm) = app.login_as("manager@example.fr", "manager").await;
    let alice = app.user("alice@example.fr", "member").await;
    let bob = app.user("bob@example.com", "member").await;
    set_zone(&pool, alice, "Europe/Paris").await;
    set_zone(&pool, bob, "America/New_York").await;
    sqlx::query("UPDATE users SET daily_capacity_minutes = 120 WHERE id = $1")
        .bind(bob)
        .execute(&pool)
        .await
        .unwrap();

    // Alice (Paris): 23:00 Tuesday to 03:00 Wednesday, across midnight.
    let night = insert(
        &pool,
        Ev::meeting(
            alice,
            "Astreinte",
            "2026-11-24T22:00:00Z",
            "2026-11-25T02:00:00Z",
        ),
    )
    .await;
    // A 30-minute call on Tuesday.
    insert(
        &pool,
        Ev {
            kind: "call",
            ..Ev::meeting(
                alice,
                "Relance",
                "2026-11-24T09:00:00Z",
                "2026-11-24T09:30:00Z",
            )
        },
    )
    .await;
    // Left out: a cancelled meeting, an all-day one, a task (a moment),
    // and another user's meeting.
    insert(
        &pool,
        Ev {
            status: "cancelled",
            ..Ev::meeting(
                alice,
                "Annulé",
                "2026-11-24T12:00:00Z",
                "2026-11-24T14:00:00Z",
            )
        },
    )
    .await;
    insert(
        &pool,
        Ev {
            all_day: true,
            ..Ev::meeting(
                alice,
                "Salon",
                "2026-11-25T23:00:00Z",
                "2026-11-26T23:00:00Z",
            )
        },
    )
    .await;
    insert(
        &pool,
        Ev::task(Some(alice), alice, "Devis", "2026-11-24T15:00:00Z"),
    )
    .await;
    let other = app.user("carol@example.fr", "member").await;
    insert(
        &pool,
        Ev::meeting(
            other,
            "Ailleurs",
            "2026-11-24T09:00:00Z",
            "2026-11-24T11:00:00Z",
        ),
    )
    .await;
    // Bob (New York): 22:00 to midnight Tuesday his time — Wednesday
    // 04:00 to 06:00 in Paris, where the manager looks from.
    let late = insert(
        &pool,
        Ev::meeting(
            bob,
            "Late call",
            "2026-11-25T03:00:00Z",
            "2026-11-25T05:00:00Z",
        ),
    )
    .await;
    // And his private meeting on Thursday: counted, shown as busy.
    let private = insert(
        &pool,
        Ev {
            private: true,
            ..Ev::meeting(
                bob,
                "Médecin",
                "2026-11-26T14:00:00Z",
                "2026-11-26T15:30:00Z",
            )
        },
    )
    .await;

    let data = range(&app, &sm, "2026-11-23", "2026-11-30", &[alice, bob]).await;
    let users: Vec<i64> = data["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(users.len(), 2);
    assert!(users.contains(&alice) && users.contains(&bob));
    let cap = |id: i64| {
        data["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .unwrap()["capacity"]
            .clone()
    };
    assert_eq!(cap(alice), json!(300), "5 h by default");
    assert_eq!(cap(bob), json!(120));
    // Monday 23rd … Sunday 29th.
    assert_eq!(load(&data, alice), vec![0, 90, 180, 0, 0, 0, 0]);
    assert_eq!(load(&data, bob), vec![0, 120, 0, 90, 0, 0, 0]);
    // Blocks are in the viewer's wall clock.
    let b = block(&data, "blocks", night).unwrap();
    assert_eq!(b.start, wall("2026-11-24T23:00:00"));
    assert_eq!(b.end, wall("2026-11-25T03:00:00"));
    let b = block(&data, "blocks", late).unwrap();
    assert_eq!(b.start, wall("2026-11-25T04:00:00"));
    assert_eq!(b.owner, Some(bob));
    let b = block(&data, "blocks", private).unwrap();
    assert!(b.busy);
    assert_eq!(b.subject, "");
    assert!(!b.editable);
    assert!(
        blocks(&data, "blocks")
            .iter()
            .all(|b| b.subject != "Ailleurs"),
        "only the rows asked for"
    );

    // A member sees only the rows shared with them.
    let (_, sd) = app.login_as("dora@example.fr", "member").await;
    let data = range(&app, &sd, "2026-11-23", "2026-11-30", &[alice, bob]).await;
    assert_eq!(data["users"], json!([]));
    assert_eq!(data["blocks"], json!([]));
    // Bad ranges change nothing and say which field.
    let r = app
        .call(
            "/api/planning/range",
            json!({"from": "2026-11-23", "to": "2026-12-23", "users": []}),
            Some(&sd),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["fields"][0]["field"], "to");
}

#[sqlx::test(migrations = "../migrations")]
async fn reassigning_a_meeting_moves_its_hours_to_the_other_row(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (manager, sm) = app.login_as("manager@example.fr", "manager").await;
    let (alice, sa) = app.login_as("alice@example.fr", "member").await;
    let bob = app.user("bob@example.fr", "member").await;
    set_zone(&pool, manager, "Europe/Paris").await;
    set_zone(&pool, alice, "Europe/Paris").await;
    set_zone(&pool, bob, "Europe/Paris").await;
    // Tuesday 09:00–11:00 Paris.
    let meeting = insert(
        &pool,
        Ev::meeting(
            alice,
            "Revue",
            "2026-11-24T08:00:00Z",
            "2026-11-24T10:00:00Z",
        ),
    )
    .await;
    let before = range(&app, &sm, "2026-11-23", "2026-11-30", &[alice, bob]).await;
    assert_eq!(load(&before, alice)[1], 120);
    assert_eq!(load(&before, bob)[2], 0);

    // To Bob, on Wednesday: its time of day is kept.
    let r = drop_on(&app, &sm, meeting, 1, bob, "2026-11-25T09:00:00").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!(2));
    let (owner, s, e): (i64, DateTime<Utc>, DateTime<Utc>) =
        sqlx::query_as("SELECT owner_id, starts_at, ends_at FROM interactions WHERE id = $1")
            .bind(meeting)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(owner, bob);
    assert_eq!(s, utc("2026-11-25T08:00:00Z"));
    assert_eq!(e, utc("2026-11-25T10:00:00Z"), "the length is kept");
    let after = range(&app, &sm, "2026-11-23", "2026-11-30", &[alice, bob]).await;
    assert_eq!(load(&after, alice), vec![0; 7]);
    assert_eq!(load(&after, bob), vec![0, 0, 120, 0, 0, 0, 0]);
    // Bob hears of it; the history names who did it.
    let told: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'assigned' AND interaction_id = $2",
    )
    .bind(bob)
    .bind(meeting)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(told, 1);
    let who: i64 = sqlx::query_scalar(
        "SELECT user_id FROM record_changes WHERE record_type = 'interaction' AND record_id = $1 AND action = 'update'",
    )
    .bind(meeting)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(who, manager);

    // Alice (a member) may give her own meeting only to a row she may see.
    let own = insert(
        &pool,
        Ev::meeting(
            alice,
            "Point",
            "2026-11-26T08:00:00Z",
            "2026-11-26T09:00:00Z",
        ),
    )
    .await;
    let r = drop_on(&app, &sa, own, 1, bob, "2026-11-26T09:00:00").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["fields"][0]["field"], "owner");
    share(&pool, bob, alice).await;
    let r = drop_on(&app, &sa, own, 1, bob, "2026-11-27T14:30:00").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s: DateTime<Utc> = sqlx::query_scalar("SELECT starts_at FROM interactions WHERE id = $1")
        .bind(own)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        s,
        utc("2026-11-27T13:30:00Z"),
        "hour view: the time dropped on"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn refused_moves_change_nothing(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (alice, sa) = app.login_as("alice@example.fr", "member").await;
    let bob = app.user("bob@example.fr", "member").await;
    share(&pool, bob, alice).await;
    let meeting = insert(
        &pool,
        Ev::meeting(
            alice,
            "Revue",
            "2026-11-24T08:00:00Z",
            "2026-11-24T10:00:00Z",
        ),
    )
    .await;
    let r = drop_on(&app, &sa, meeting, 1, alice, "2026-11-25T09:00:00").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // A stale version: 409 with the current version; nothing moves.
    let r = drop_on(&app, &sa, meeting, 1, bob, "2026-11-26T09:00:00").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.body["current_version"], 2);
    let (owner, version): (i64, i32) =
        sqlx::query_as("SELECT owner_id, version FROM interactions WHERE id = $1")
            .bind(meeting)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((owner, version), (alice, 2));

    // Bob's private meeting, on a row Alice may see: not hers to move.
    let private = insert(
        &pool,
        Ev {
            private: true,
            ..Ev::meeting(
                bob,
                "Médecin",
                "2026-11-24T14:00:00Z",
                "2026-11-24T15:00:00Z",
            )
        },
    )
    .await;
    let r = drop_on(&app, &sa, private, 1, alice, "2026-11-24T15:00:00").await;
    // Not hers to see: as if it did not exist.
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    // Nor Bob's ordinary meeting she has no part in.
    let his = insert(
        &pool,
        Ev::meeting(bob, "Démo", "2026-11-24T14:00:00Z", "2026-11-24T15:00:00Z"),
    )
    .await;
    let r = drop_on(&app, &sa, his, 1, bob, "2026-11-25T15:00:00").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // An attendee may reschedule Bob's private meeting, not give it away.
    sqlx::query(
        "INSERT INTO interaction_attendees (interaction_id, user_id, starts_at)
         SELECT id, $2, starts_at FROM interactions WHERE id = $1",
    )
    .bind(private)
    .bind(alice)
    .execute(&pool)
    .await
    .unwrap();
    let r = drop_on(&app, &sa, private, 1, alice, "2026-11-24T15:00:00").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = drop_on(&app, &sa, private, 1, bob, "2026-11-25T15:00:00").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (owner, s): (i64, DateTime<Utc>) =
        sqlx::query_as("SELECT owner_id, starts_at FROM interactions WHERE id = $1")
            .bind(private)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(owner, bob);
    assert_eq!(s, utc("2026-11-25T14:00:00Z"));
    // Unknown ids are not found.
    let r = drop_on(&app, &sa, 999_999, 1, alice, "2026-11-24T15:00:00").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_task_to_plan_is_placed_on_a_user_day(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (alice, sa) = app.login_as("alice@example.fr", "member").await;
    let bob = app.user("bob@example.fr", "member").await;
    // To plan: a task nobody has (due far ahead), and Alice's overdue one.
    let pool_task = insert(
        &pool,
        Ev::task(None, bob, "Relancer le salon", "2030-01-04T09:00:00Z"),
    )
    .await;
    let overdue = insert(
        &pool,
        Ev::task(
            Some(alice),
            alice,
            "Devis en retard",
            "2020-01-06T10:00:00Z",
        ),
    )
    .await;
    // Not to plan: a done task, someone else's private unassigned one,
    // Alice's task due in the future.
    insert(
        &pool,
        Ev {
            status: "done",
            ..Ev::task(None, bob, "Fait", "2020-01-06T10:00:00Z")
        },
    )
    .await;
    insert(
        &pool,
        Ev {
            private: true,
            ..Ev::task(None, bob, "Secret", "2020-01-06T10:00:00Z")
        },
    )
    .await;
    insert(
        &pool,
        Ev::task(Some(alice), alice, "Plus tard", "2031-01-06T10:00:00Z"),
    )
    .await;

    let data = range(&app, &sa, "2030-01-07", "2030-01-14", &[]).await;
    let subjects: Vec<String> = blocks(&data, "unplanned")
        .into_iter()
        .map(|b| b.subject)
        .collect();
    assert_eq!(subjects, vec!["Relancer le salon", "Devis en retard"]);
    let t = block(&data, "unplanned", pool_task).unwrap();
    assert_eq!(t.owner, None);
    assert!(t.editable, "an unassigned task is anyone's to take");

    // Dropped on Alice's Wednesday: hers, that day, its time kept (Paris).
    let r = drop_on(&app, &sa, pool_task, 1, alice, "2030-01-09T10:00:00").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = drop_on(&app, &sa, overdue, 1, alice, "2030-01-10T11:00:00").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (owner, s, e): (i64, DateTime<Utc>, DateTime<Utc>) =
        sqlx::query_as("SELECT owner_id, starts_at, ends_at FROM interactions WHERE id = $1")
            .bind(pool_task)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(owner, alice);
    assert_eq!(s, utc("2030-01-09T09:00:00Z"));
    assert_eq!(e, s, "a task stays a moment");
    let data = range(&app, &sa, "2030-01-07", "2030-01-14", &[]).await;
    assert_eq!(data["unplanned"], json!([]));
    let b = block(&data, "blocks", pool_task).unwrap();
    assert_eq!(b.owner, Some(alice));
    assert_eq!(b.start, wall("2030-01-09T10:00:00"));
    assert!(block(&data, "blocks", overdue).is_some());
    assert_eq!(load(&data, alice), vec![0; 7], "tasks take no hours");
}

/// "Late" is one rule for the Desk's overdue panel and the Planning's "to
/// plan": a task due an hour ago today is late in both; an all-day task due
/// today is late in neither (it is due the whole day).
#[sqlx::test(migrations = "../migrations")]
async fn the_desk_and_to_plan_agree_on_what_is_late(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (alice, sa) = app.login_as("alice@example.fr", "member").await;
    set_zone(&pool, alice, "UTC").await;
    let now = Utc::now();
    let hour_ago = (now - chrono::Duration::hours(1)).to_rfc3339();
    let late = insert(
        &pool,
        Ev::task(Some(alice), alice, "Rappeler ce matin", &hour_ago),
    )
    .await;
    let today = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .to_rfc3339();
    let all_day = insert(
        &pool,
        Ev {
            all_day: true,
            ..Ev::task(Some(alice), alice, "Dans la journée", &today)
        },
    )
    .await;
    let desk = app.call("/api/desk/today", json!({}), Some(&sa)).await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.text);
    let overdue: Vec<i64> = desk.body["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    let day = now.date_naive();
    let data = range(
        &app,
        &sa,
        &day.to_string(),
        &(day + chrono::Duration::days(7)).to_string(),
        &[],
    )
    .await;
    let to_plan: Vec<i64> = blocks(&data, "unplanned").iter().map(|b| b.id).collect();
    // (Just after midnight the task due an hour ago was due yesterday: late
    // all the same.)
    assert!(overdue.contains(&late), "Desk: {overdue:?}");
    assert!(to_plan.contains(&late), "to plan: {to_plan:?}");
    assert!(!overdue.contains(&all_day), "Desk: {overdue:?}");
    assert!(!to_plan.contains(&all_day), "to plan: {to_plan:?}");
}
