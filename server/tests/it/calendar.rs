//! The calendar: wall-clock times across daylight-saving changes, whose
//! calendars one may see, busy blocks, and moving (conflicts, refusals,
//! recurring series).

use crate::common::{PASSWORD, TestApp};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Ev<'a> {
    owner: i64,
    subject: &'a str,
    kind: &'a str,
    start: &'a str,
    end: &'a str,
    private: bool,
    series: Option<i64>,
}

impl<'a> Ev<'a> {
    fn new(owner: i64, subject: &'a str, start: &'a str, end: &'a str) -> Self {
        Ev {
            owner,
            subject,
            kind: "meeting",
            start,
            end,
            private: false,
            series: None,
        }
    }
}

async fn insert(pool: &PgPool, e: Ev<'_>) -> i64 {
    let status = if e.kind == "task" {
        "not_started"
    } else {
        "planned"
    };
    sqlx::query_scalar(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, private, owner_id, created_by,
                                   updated_by, series_id, original_start)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7, $8, CASE WHEN $8 IS NOT NULL THEN $4 END) RETURNING id",
    )
    .bind(e.kind)
    .bind(e.subject)
    .bind(status)
    .bind(utc(e.start))
    .bind(utc(e.end))
    .bind(e.private)
    .bind(e.owner)
    .bind(e.series)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn attend(pool: &PgPool, interaction: i64, user: i64) {
    sqlx::query(
        "INSERT INTO interaction_attendees (interaction_id, user_id, starts_at)
         SELECT id, $2, starts_at FROM interactions WHERE id = $1",
    )
    .bind(interaction)
    .bind(user)
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

async fn set_zone(pool: &PgPool, user: i64, zone: &str) {
    sqlx::query("UPDATE users SET time_zone = $2 WHERE id = $1")
        .bind(user)
        .bind(zone)
        .execute(pool)
        .await
        .unwrap();
}

async fn person(app: &TestApp, email: &str, role: &str) -> (i64, String) {
    let id = app.user(email, role).await;
    (id, app.login(email, PASSWORD).await.unwrap())
}

async fn events(app: &TestApp, s: &str, from: &str, to: &str, users: &[i64]) -> Value {
    let r = app
        .call(
            "/api/calendar/events",
            json!({"from": from, "to": to, "users": users}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

fn find<'a>(data: &'a Value, subject: &str) -> Option<&'a Value> {
    data["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["subject"] == subject)
}

fn by_id(data: &Value, id: i64) -> Option<&Value> {
    data["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
}

async fn move_to(
    app: &TestApp,
    s: &str,
    id: i64,
    version: i32,
    start: &str,
    end: &str,
    scope: &str,
) -> crate::common::Reply {
    app.call(
        "/api/calendar/move",
        json!({"id": id, "version": version, "start": start, "end": end, "scope": scope}),
        Some(s),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_week_across_daylight_saving_shows_wall_clock_times(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = person(&app, "paris@example.fr", "member").await;
    set_zone(&pool, me, "Europe/Paris").await;
    // Paris leaves summer time on Sunday 25 October 2026: 09:00 is 07:00 UTC
    // before, 08:00 UTC after.
    insert(
        &pool,
        Ev::new(me, "Friday", "2026-10-23T07:00:00Z", "2026-10-23T08:00:00Z"),
    )
    .await;
    insert(
        &pool,
        Ev::new(me, "Monday", "2026-10-26T08:00:00Z", "2026-10-26T09:00:00Z"),
    )
    .await;
    insert(
        &pool,
        Ev::new(me, "Sunday", "2026-10-25T11:00:00Z", "2026-10-25T11:30:00Z"),
    )
    .await;
    // The range's edges are local midnights: 22 Oct 00:00 Paris is 21 Oct
    // 22:00 UTC; 29 Oct 00:00 is 28 Oct 23:00 UTC.
    insert(
        &pool,
        Ev::new(me, "Early", "2026-10-21T22:00:00Z", "2026-10-21T22:30:00Z"),
    )
    .await;
    insert(
        &pool,
        Ev::new(me, "Late", "2026-10-28T23:00:00Z", "2026-10-28T23:30:00Z"),
    )
    .await;
    insert(
        &pool,
        Ev::new(me, "Before", "2026-10-21T21:00:00Z", "2026-10-21T22:00:00Z"),
    )
    .await;
    // Started before the range, still going on in it.
    insert(
        &pool,
        Ev::new(
            me,
            "Overnight",
            "2026-10-21T20:00:00Z",
            "2026-10-21T23:00:00Z",
        ),
    )
    .await;

    let data = events(&app, &s, "2026-10-22", "2026-10-29", &[]).await;
    assert_eq!(
        find(&data, "Friday").unwrap()["start"],
        "2026-10-23T09:00:00"
    );
    assert_eq!(
        find(&data, "Monday").unwrap()["start"],
        "2026-10-26T09:00:00"
    );
    assert_eq!(find(&data, "Monday").unwrap()["end"], "2026-10-26T10:00:00");
    assert_eq!(
        find(&data, "Sunday").unwrap()["start"],
        "2026-10-25T12:00:00"
    );
    assert_eq!(
        find(&data, "Early").unwrap()["start"],
        "2026-10-22T00:00:00"
    );
    assert_eq!(
        find(&data, "Overnight").unwrap()["end"],
        "2026-10-22T01:00:00"
    );
    assert!(find(&data, "Late").is_none(), "29 Oct 00:00 is outside");
    assert!(
        find(&data, "Before").is_none(),
        "ends exactly at the range start"
    );
    assert_eq!(data["users"], json!([me]));

    // The same instants in New York's zone (which changes on 1 November).
    set_zone(&pool, me, "America/New_York").await;
    let data = events(&app, &s, "2026-10-22", "2026-10-29", &[me]).await;
    assert_eq!(
        find(&data, "Friday").unwrap()["start"],
        "2026-10-23T03:00:00"
    );
    assert_eq!(
        find(&data, "Monday").unwrap()["start"],
        "2026-10-26T04:00:00"
    );

    // Too long a range is refused.
    let r = app
        .call(
            "/api/calendar/events",
            json!({"from": "2026-01-01", "to": "2026-12-31", "users": []}),
            Some(&s),
        )
        .await;
    assert_ne!(r.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn calendars_one_may_see_and_private_interactions_as_busy(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (alice, sa) = person(&app, "alice@example.fr", "member").await;
    let (bob, sb) = person(&app, "bob@example.fr", "member").await;
    let (carol, _) = person(&app, "carol@example.fr", "member").await;
    let (_, sm) = person(&app, "manager@example.fr", "manager").await;
    share(&pool, bob, alice).await;
    let t = |h: u32| format!("2026-11-24T{h:02}:00:00Z");
    let (t9, t10, t11, t12, t13, t14) = (t(9), t(10), t(11), t(12), t(13), t(14));
    insert(&pool, Ev::new(alice, "Mine", &t9, &t10)).await;
    insert(&pool, Ev::new(bob, "Bob public", &t10, &t11)).await;
    let secret = insert(
        &pool,
        Ev {
            private: true,
            ..Ev::new(bob, "Bob secret", &t11, &t12)
        },
    )
    .await;
    let with_alice = insert(
        &pool,
        Ev {
            private: true,
            ..Ev::new(bob, "Bob and Alice", &t12, &t13)
        },
    )
    .await;
    attend(&pool, with_alice, alice).await;
    insert(&pool, Ev::new(carol, "Carol alone", &t9, &t10)).await;
    // Carol's meeting that Bob attends is on Bob's calendar.
    let carol_bob = insert(&pool, Ev::new(carol, "Carol with Bob", &t13, &t14)).await;
    attend(&pool, carol_bob, bob).await;

    // Alice: herself, then Bob who shares with her; never Carol.
    let r = app
        .call("/api/calendar/calendars", json!({}), Some(&sa))
        .await;
    let ids: Vec<i64> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [alice, bob], "{}", r.text);
    assert_eq!(r.body[0]["is_me"], true);

    let data = events(&app, &sa, "2026-11-23", "2026-11-30", &[alice, bob, carol]).await;
    assert_eq!(
        data["users"],
        json!([alice, bob]),
        "Carol's calendar is left out"
    );
    assert!(find(&data, "Mine").is_some());
    assert!(find(&data, "Bob public").is_some());
    assert!(find(&data, "Carol alone").is_none());
    let cb = find(&data, "Carol with Bob").expect("attended by Bob, so on his calendar");
    assert_eq!(cb["calendar"], bob);
    // Bob's private meeting: a busy block with no subject, not movable.
    let busy = by_id(&data, secret).unwrap();
    assert_eq!(busy["busy"], true);
    assert_eq!(busy["subject"], "");
    assert_eq!(busy["editable"], false);
    assert!(!data.to_string().contains("Bob secret"));
    // Private, but Alice attends it: she sees it, on her own calendar.
    let attended = by_id(&data, with_alice).unwrap();
    assert_eq!(attended["busy"], false);
    assert_eq!(attended["subject"], "Bob and Alice");
    assert_eq!(attended["calendar"], alice);
    assert_eq!(attended["editable"], true);
    // Bob's public meeting: Alice sees it but it is not hers to move.
    assert_eq!(find(&data, "Bob public").unwrap()["editable"], false);

    // Only my calendar by default.
    let data = events(&app, &sa, "2026-11-23", "2026-11-30", &[]).await;
    let subjects: Vec<&str> = data["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["Mine", "Bob and Alice"]);

    // Bob has not been shared anything: Alice's calendar is not his to see.
    let data = events(&app, &sb, "2026-11-23", "2026-11-30", &[alice]).await;
    assert_eq!(data["users"], json!([]));
    assert!(data["events"].as_array().unwrap().is_empty());

    // A manager sees everyone's calendar; private ones still busy.
    let r = app
        .call("/api/calendar/calendars", json!({}), Some(&sm))
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 4, "{}", r.text);
    let data = events(&app, &sm, "2026-11-23", "2026-11-30", &[bob, carol]).await;
    assert!(find(&data, "Carol alone").is_some());
    assert!(find(&data, "Bob public").is_some());
    assert_eq!(by_id(&data, secret).unwrap()["busy"], true);
    assert_eq!(find(&data, "Bob public").unwrap()["editable"], true);

    // Anonymous callers get nothing.
    let r = app
        .call(
            "/api/calendar/events",
            json!({"from": "2026-11-23", "to": "2026-11-30", "users": []}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn moving_checks_the_version_and_who_may(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (alice, sa) = person(&app, "alice@example.fr", "member").await;
    let (bob, _) = person(&app, "bob@example.fr", "member").await;
    let (_, sm) = person(&app, "manager@example.fr", "manager").await;
    share(&pool, bob, alice).await;
    set_zone(&pool, alice, "Europe/Paris").await;
    let call = insert(
        &pool,
        Ev {
            kind: "call",
            ..Ev::new(
                alice,
                "Relance",
                "2026-11-24T09:00:00Z",
                "2026-11-24T09:15:00Z",
            )
        },
    )
    .await;

    // To Thursday 14:00 Paris (13:00 UTC), 45 minutes long.
    let r = move_to(
        &app,
        &sa,
        call,
        1,
        "2026-11-26T14:00:00",
        "2026-11-26T14:45:00",
        "one",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!(2));
    let (s, e, detached): (DateTime<Utc>, DateTime<Utc>, bool) =
        sqlx::query_as("SELECT starts_at, ends_at, detached FROM interactions WHERE id = $1")
            .bind(call)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(s, utc("2026-11-26T13:00:00Z"));
    assert_eq!(e, utc("2026-11-26T13:45:00Z"));
    assert!(!detached, "not part of a series");
    // The history names who moved it.
    let who: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM record_changes WHERE record_type = 'interaction' AND record_id = $1 AND action = 'update'",
    )
    .bind(call)
    .fetch_optional(&pool)
    .await
    .unwrap();
    assert_eq!(who, Some(alice));

    // A stale version is a conflict with the current one; nothing moves.
    let r = move_to(
        &app,
        &sa,
        call,
        1,
        "2026-11-27T10:00:00",
        "2026-11-27T10:15:00",
        "one",
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.body["kind"], "conflict");
    assert_eq!(r.body["current_version"], 2);

    // The end before the start is refused.
    let r = move_to(
        &app,
        &sa,
        call,
        2,
        "2026-11-27T10:00:00",
        "2026-11-27T09:00:00",
        "one",
    )
    .await;
    assert_eq!(r.body["kind"], "invalid", "{}", r.text);

    // Bob's private meeting (a busy block for Alice) cannot be moved by her,
    // nor his public one (she may see it, it is not hers).
    let secret = insert(
        &pool,
        Ev {
            private: true,
            ..Ev::new(
                bob,
                "Secret",
                "2026-11-24T10:00:00Z",
                "2026-11-24T11:00:00Z",
            )
        },
    )
    .await;
    let public = insert(
        &pool,
        Ev::new(
            bob,
            "Public",
            "2026-11-24T10:00:00Z",
            "2026-11-24T11:00:00Z",
        ),
    )
    .await;
    // (The private one is not hers to see: "not found", as if it did not
    // exist; the public one she sees: "forbidden".)
    for (id, refused) in [
        (secret, StatusCode::NOT_FOUND),
        (public, StatusCode::FORBIDDEN),
    ] {
        let r = move_to(
            &app,
            &sa,
            id,
            1,
            "2026-11-25T10:00:00",
            "2026-11-25T11:00:00",
            "one",
        )
        .await;
        assert_eq!(r.status, refused, "{}", r.text);
    }
    // A manager may move Bob's public meeting, not his private one.
    let r = move_to(
        &app,
        &sm,
        public,
        1,
        "2026-11-25T10:00:00",
        "2026-11-25T11:00:00",
        "one",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = move_to(
        &app,
        &sm,
        secret,
        1,
        "2026-11-25T10:00:00",
        "2026-11-25T11:00:00",
        "one",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = move_to(
        &app,
        &sa,
        999_999,
        1,
        "2026-11-25T10:00:00",
        "2026-11-25T11:00:00",
        "one",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);

    // A task is a moment: its end follows its start.
    let task = insert(
        &pool,
        Ev {
            kind: "task",
            ..Ev::new(
                alice,
                "Devis",
                "2026-11-24T15:00:00Z",
                "2026-11-24T15:00:00Z",
            )
        },
    )
    .await;
    let r = move_to(
        &app,
        &sa,
        task,
        1,
        "2026-11-25T08:00:00",
        "2026-11-25T09:00:00",
        "one",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let data = events(&app, &sa, "2026-11-23", "2026-11-30", &[]).await;
    let t = by_id(&data, task).unwrap();
    assert_eq!(
        (t["start"].as_str(), t["end"].as_str()),
        (Some("2026-11-25T08:00:00"), Some("2026-11-25T08:00:00"))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn moving_a_series_keeps_its_wall_clock_time_across_daylight_saving(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = person(&app, "paris@example.fr", "member").await;
    set_zone(&pool, me, "Europe/Paris").await;
    let series: i64 = sqlx::query_scalar(
        "INSERT INTO interaction_series (rule, time_zone, first_start)
         VALUES ('FREQ=WEEKLY;INTERVAL=1;COUNT=4', 'Europe/Paris', '2026-10-19T07:00:00Z') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // Mondays 09:00 Paris: 07:00 UTC in summer time, 08:00 UTC after.
    let mut ids = Vec::new();
    for (s0, s1) in [
        ("2026-10-19T07:00:00Z", "2026-10-19T08:00:00Z"),
        ("2026-10-26T08:00:00Z", "2026-10-26T09:00:00Z"),
        ("2026-11-02T08:00:00Z", "2026-11-02T09:00:00Z"),
        ("2026-11-09T08:00:00Z", "2026-11-09T09:00:00Z"),
    ] {
        ids.push(
            insert(
                &pool,
                Ev {
                    series: Some(series),
                    ..Ev::new(me, "Weekly", s0, s1)
                },
            )
            .await,
        );
    }
    // The third one was moved on its own before: "all" leaves it alone.
    let r = move_to(
        &app,
        &s,
        ids[2],
        1,
        "2026-11-03T09:00:00",
        "2026-11-03T10:00:00",
        "one",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // The first moves to 10:30, 90 minutes, for the whole series.
    let r = move_to(
        &app,
        &s,
        ids[0],
        1,
        "2026-10-19T10:30:00",
        "2026-10-19T12:00:00",
        "all",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rows: Vec<(i64, DateTime<Utc>, DateTime<Utc>, bool)> = sqlx::query_as(
        "SELECT id, starts_at, ends_at, detached FROM interactions WHERE series_id = $1 ORDER BY id",
    )
    .bind(series)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows[0].1, utc("2026-10-19T08:30:00Z"));
    assert_eq!(
        rows[1].1,
        utc("2026-10-26T09:30:00Z"),
        "10:30 Paris in winter time"
    );
    assert_eq!(rows[1].2, utc("2026-10-26T11:00:00Z"));
    assert_eq!(
        rows[2].1,
        utc("2026-11-03T08:00:00Z"),
        "detached: not moved"
    );
    assert!(rows[2].3);
    assert_eq!(rows[3].1, utc("2026-11-09T09:30:00Z"));
    assert!(!rows[0].3 && !rows[1].3 && !rows[3].3);

    let data = events(&app, &s, "2026-10-19", "2026-11-16", &[]).await;
    let starts: Vec<&str> = data["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-10-19T10:30:00",
            "2026-10-26T10:30:00",
            "2026-11-03T09:00:00",
            "2026-11-09T10:30:00"
        ]
    );
    assert!(
        data["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["series"] == true)
    );

    // "This one only" on the second: it alone moves, and leaves the series' schedule.
    let v: i32 = sqlx::query_scalar("SELECT version FROM interactions WHERE id = $1")
        .bind(ids[1])
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = move_to(
        &app,
        &s,
        ids[1],
        v,
        "2026-10-27T10:30:00",
        "2026-10-27T12:00:00",
        "one",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (start, detached): (DateTime<Utc>, bool) =
        sqlx::query_as("SELECT starts_at, detached FROM interactions WHERE id = $1")
            .bind(ids[1])
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(start, utc("2026-10-27T09:30:00Z"));
    assert!(detached);
    let last: DateTime<Utc> =
        sqlx::query_scalar("SELECT starts_at FROM interactions WHERE id = $1")
            .bind(ids[3])
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(last, utc("2026-11-09T09:30:00Z"));
}

/// The benchmark's statement uses the calendar indexes.
#[sqlx::test(migrations = "../migrations")]
async fn the_range_statement_uses_the_calendar_indexes(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, _) = person(&app, "paris@example.fr", "member").await;
    let mut db = pool.acquire().await.unwrap();
    // 50 users, 60,000 interactions over two years, one in ten attended.
    for sql in [
        "SET relais.bulk = 'on'",
        "INSERT INTO users (email, name, password_hash, role)
         SELECT 'u' || g || '@example.fr', 'User ' || g, 'x', 'member' FROM generate_series(1, 49) g",
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, owner_id, private)
         SELECT 'meeting', 'S' || g, 'planned', s, s + interval '1 hour', u.ids[1 + g % 50], g % 5 = 0
         FROM generate_series(1, 60000) g,
              LATERAL (SELECT timestamptz '2025-06-01' + (g % 730) * interval '1 day' + (g % 9) * interval '1 hour' AS s) t,
              (SELECT array_agg(id ORDER BY id) AS ids FROM users) u",
        "INSERT INTO interaction_attendees (interaction_id, user_id, starts_at)
         SELECT i.id, u.id, i.starts_at FROM interactions i JOIN users u ON u.id <> i.owner_id
         WHERE i.id % 10 = 0 AND u.id = (SELECT min(id) FROM users) + (i.id / 10) % 50",
        "ANALYZE interactions",
        "ANALYZE interaction_attendees",
    ] {
        sqlx::query(sql).execute(&mut *db).await.unwrap();
    }
    let plan: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "EXPLAIN {}",
        app::calendar::events_sql(false)
            .replace("$1", &format!("ARRAY[{me}, {}]::bigint[]", me + 1))
            .replace("$2", "'2026-11-01T00:00:00Z'::timestamptz")
            .replace("$3", "'2026-12-01T00:00:00Z'::timestamptz")
            .replace("$4", &format!("{me}::bigint"))
    )))
    .fetch_all(&mut *db)
    .await
    .unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("interactions_calendar_idx"), "{plan}");
    assert!(
        plan.contains("interaction_attendees_calendar_idx"),
        "{plan}"
    );
}
