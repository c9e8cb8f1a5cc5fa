//! Interactions: rules per kind, links and the company roll-up on the
//! timeline, private ones, recurrence and "this one or the whole series",
//! the History view, assignment notifications.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

pub(crate) fn interaction(kind: &str, subject: &str, start: &str) -> Value {
    json!({
        "kind": kind, "subject": subject, "description": "", "status": match kind {
            "task" => "not_started", "email" => "held", _ => "planned" },
        "start": start, "end": "", "duration_minutes": if kind == "call" { "30" } else { "" },
        "all_day": false, "direction": if kind == "call" || kind == "email" { "outbound" } else { "" },
        "location": "", "priority": if kind == "task" { "medium" } else { "" }, "task_start": "",
        "private": false, "owner_id": null, "reminder_minutes": "", "links": [],
        "attendee_users": [], "attendee_persons": [], "recurrence": null
    })
}

async fn save(
    app: &TestApp,
    s: &str,
    id: Option<i64>,
    version: Option<i32>,
    input: &Value,
    scope: &str,
) -> crate::common::Reply {
    app.call(
        "/api/interactions/save",
        json!({"id": id, "version": version, "input": input, "scope": scope}),
        Some(s),
    )
    .await
}

pub(crate) async fn create(app: &TestApp, s: &str, input: &Value) -> i64 {
    let r = save(app, s, None, None, input, "one").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_i64().unwrap()
}

async fn company(pool: &PgPool, name: &str) -> i64 {
    sqlx::query_scalar("INSERT INTO companies (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn person_at(pool: &PgPool, last: &str, company: i64) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO persons (first_name, last_name) VALUES ('Jean', $1) RETURNING id",
    )
    .bind(last)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO person_companies (person_id, company_id) VALUES ($1, $2)")
        .bind(id)
        .bind(company)
        .execute(pool)
        .await
        .unwrap();
    id
}

async fn timeline_subjects(app: &TestApp, s: &str, kind: &str, id: i64) -> Vec<String> {
    let r = app
        .call(
            "/api/records/timeline",
            json!({"kind": kind, "id": id, "before": null}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| {
            i["entry"]["Interaction"]["subject"]
                .as_str()
                .map(String::from)
        })
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_refused_per_field_and_writes_nothing(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("m@example.fr", "member").await;
    let mut meeting = interaction("meeting", "", "2026-12-01T10:00");
    meeting["end"] = json!("2026-12-01T09:00");
    meeting["status"] = json!("done");
    meeting["links"] = json!([{"kind": "company", "id": 999999, "name": "", "main": true}]);
    let r = save(&app, &s, None, None, &meeting, "one").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let fields = r.refused_fields();
    assert!(
        fields.contains(&"subject") && fields.contains(&"end") && fields.contains(&"status"),
        "{fields:?}"
    );
    // A record that does not exist cannot be linked.
    let mut ok = interaction("meeting", "Revue", "2026-12-01T10:00");
    ok["end"] = json!("2026-12-01T11:00");
    ok["links"] = json!([{"kind": "company", "id": 999999, "name": "", "main": true}]);
    let r = save(&app, &s, None, None, &ok, "one").await;
    assert_eq!(r.body["fields"][0]["field"], "links", "{}", r.text);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM interactions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_call_with_a_person_shows_on_the_person_and_their_company_timelines(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("m@example.fr", "member").await;
    let acme = company(&pool, "Acme").await;
    let jean = person_at(&pool, "Dupont", acme).await;
    let deal: i64 = sqlx::query_scalar(
        "INSERT INTO deals (name, company_id, pipeline_id, stage_id)
         SELECT 'Renouvellement', $1, p.id, s.id FROM pipelines p JOIN pipeline_stages s ON s.pipeline_id = p.id
         ORDER BY s.position LIMIT 1 RETURNING id",
    )
    .bind(acme)
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut call = interaction("call", "Relance devis", "2026-12-01T10:00");
    call["links"] = json!([{"kind": "person", "id": jean, "name": "", "main": true}]);
    create(&app, &s, &call).await;
    let mut task = interaction("task", "Préparer la proposition", "2026-12-03T17:00");
    task["links"] = json!([{"kind": "deal", "id": deal, "name": "", "main": true}]);
    create(&app, &s, &task).await;

    assert_eq!(
        timeline_subjects(&app, &s, "person", jean).await,
        ["Relance devis"]
    );
    assert_eq!(
        timeline_subjects(&app, &s, "deal", deal).await,
        ["Préparer la proposition"]
    );
    // The company sees both, newest first, through the roll-up links.
    assert_eq!(
        timeline_subjects(&app, &s, "company", acme).await,
        ["Préparer la proposition", "Relance devis"]
    );
    // The company's item names the person it went through.
    let r = app
        .call(
            "/api/records/timeline",
            json!({"kind": "company", "id": acme, "before": null}),
            Some(&s),
        )
        .await;
    let items = r.body["items"].as_array().unwrap();
    let call_item = items
        .iter()
        .find(|i| i["entry"]["Interaction"]["subject"] == "Relance devis")
        .unwrap();
    assert_eq!(call_item["entry"]["Interaction"]["main"], "Jean Dupont");
    assert_eq!(
        call_item["local"], "2026-12-01 10:00",
        "shown in the user's zone (Europe/Paris)"
    );
    // Stored in UTC: 10:00 in Paris in December is 09:00 UTC.
    let utc: String = sqlx::query_scalar("SELECT to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI') FROM interactions WHERE subject = 'Relance devis'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(utc, "09:00");
}

#[sqlx::test(migrations = "../migrations")]
async fn private_interactions_are_seen_by_their_owner_and_attendees_only(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, owner) = app.login_as("owner@example.fr", "member").await;
    let (guest_id, guest) = app.login_as("guest@example.fr", "member").await;
    let (_, other) = app.login_as("other@example.fr", "member").await;
    let acme = company(&pool, "Acme").await;
    let mut m = interaction("meeting", "Négociation confidentielle", "2026-12-02T14:00");
    m["end"] = json!("2026-12-02T15:00");
    m["private"] = json!(true);
    m["attendee_users"] = json!([guest_id]);
    m["links"] = json!([{"kind": "company", "id": acme, "name": "", "main": true}]);
    let id = create(&app, &owner, &m).await;

    for (s, sees) in [(&owner, true), (&guest, true), (&other, false)] {
        let r = app
            .call("/api/interactions/get", json!({"id": id}), Some(s))
            .await;
        assert_eq!(r.status == StatusCode::OK, sees, "{}", r.text);
        assert_eq!(
            timeline_subjects(&app, s, "company", acme).await.len(),
            usize::from(sees)
        );
        let list = app
            .call("/api/interactions/list", json!({"query": {"q": "", "sort": "", "desc": false, "filters": [], "mine": false, "after": null, "before": null, "page": 1, "per_page": 25}}), Some(s))
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        assert_eq!(
            list.body["rows"].as_array().unwrap().len(),
            usize::from(sees)
        );
        // The global search finds one's own interactions (assigned or
        // attended), private ones included, and never someone else's.
        let found = app
            .call(
                "/api/search/global",
                json!({"q": "negociation confid"}),
                Some(s),
            )
            .await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.text);
        let hits: Vec<i64> = found
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["kind"] == "interaction")
            .map(|h| h["id"].as_i64().unwrap())
            .collect();
        assert_eq!(hits, if sees { vec![id] } else { vec![] });
    }
    // Someone who cannot see it cannot change it either.
    let r = save(&app, &other, Some(id), Some(1), &m, "one").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_weekly_series_keeps_its_local_time_and_edits_one_or_all(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("m@example.fr", "member").await;
    let mut m = interaction("meeting", "Point hebdo", "2026-10-19T09:00");
    m["end"] = json!("2026-10-19T09:30");
    m["recurrence"] = json!({"freq": "weekly", "interval": "1", "weekdays": ["MO"], "ends": "count", "until": "", "count": "4"});
    let first = create(&app, &s, &m).await;
    let rows: Vec<(i64, String, i32)> = sqlx::query_as(
        "SELECT id, to_char(starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI'), version
         FROM interactions WHERE series_id IS NOT NULL ORDER BY starts_at",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let local: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    // 25 October 2026 ends summer time in Paris: still 09:00 on the wall.
    assert_eq!(
        local,
        [
            "2026-10-19 09:00",
            "2026-10-26 09:00",
            "2026-11-02 09:00",
            "2026-11-09 09:00"
        ]
    );
    assert_eq!(rows[0].0, first);

    // "Only this one": the second occurrence moves alone.
    let mut one = m.clone();
    one["recurrence"] = Value::Null;
    one["start"] = json!("2026-10-27T10:00");
    one["end"] = json!("2026-10-27T10:30");
    let r = save(&app, &s, Some(rows[1].0), Some(rows[1].2), &one, "one").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // "The whole series": moving the first by one hour later moves the
    // others not edited on their own, at the same wall-clock time.
    let mut all = m.clone();
    all["recurrence"] = Value::Null;
    all["subject"] = json!("Point hebdo (nouvelle heure)");
    all["start"] = json!("2026-10-19T10:00");
    all["end"] = json!("2026-10-19T10:45");
    let r = save(&app, &s, Some(first), Some(rows[0].2), &all, "all").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let after: Vec<(String, String, i32, bool)> = sqlx::query_as(
        "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI'), subject,
                (extract(epoch FROM ends_at - starts_at) / 60)::int, detached
         FROM interactions WHERE series_id IS NOT NULL ORDER BY starts_at",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        after[0],
        (
            "2026-10-19 10:00".into(),
            "Point hebdo (nouvelle heure)".into(),
            45,
            false
        )
    );
    assert_eq!(
        after[1],
        ("2026-10-27 10:00".into(), "Point hebdo".into(), 30, true)
    );
    assert_eq!(
        after[2],
        (
            "2026-11-02 10:00".into(),
            "Point hebdo (nouvelle heure)".into(),
            45,
            false
        )
    );
    assert_eq!(after[3].0, "2026-11-09 10:00");
    // A stale version is refused with the current values.
    let r = save(&app, &s, Some(first), Some(rows[0].2), &all, "one").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn done_tasks_get_a_completion_time_and_fill_the_history(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("m@example.fr", "member").await;
    let (colleague, colleague_s) = app.login_as("c@example.fr", "member").await;
    let mut task = interaction("task", "Envoyer le contrat", "2026-12-04T12:00");
    task["owner_id"] = json!(colleague);
    let id = create(&app, &s, &task).await;
    // Giving it to a colleague tells them, not me.
    let notes: Vec<(i64, String)> = sqlx::query_as("SELECT user_id, kind FROM notifications")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(notes, [(colleague, "assigned".to_string())]);
    assert!(!notes.iter().any(|(u, _)| *u == me));

    let r = app
        .call(
            "/api/interactions/status",
            json!({"id": id, "version": 1, "status": "finished"}),
            Some(&colleague_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = app
        .call(
            "/api/interactions/status",
            json!({"id": id, "version": 1, "status": "done"}),
            Some(&colleague_s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let completed: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT completed_at FROM interactions WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(completed.is_some());
    // The History view is the list filtered to done tasks, latest first.
    let history = app::interactions::pages::history_query();
    let r = app
        .call(
            "/api/interactions/list",
            json!({"query": history}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rows = r.body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], "Envoyer le contrat");
    assert!(!rows[0]["completed"].as_str().unwrap().is_empty());
    // History of the change, attributed.
    let changes: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM record_changes WHERE record_type = 'interaction' AND record_id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(colleague)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(changes, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_csv_export_writes_times_in_the_users_zone(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("ny@example.fr", "member").await;
    sqlx::query("UPDATE users SET time_zone = 'America/New_York' WHERE id = $1")
        .bind(me)
        .execute(&pool)
        .await
        .unwrap();
    let mut m = interaction("meeting", "Revue trimestrielle", "2026-12-02T14:00");
    m["end"] = json!("2026-12-02T15:30");
    create(&app, &s, &m).await;
    // Stored in UTC: 19:00.
    let utc: String = sqlx::query_scalar(
        "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'HH24:MI') FROM interactions",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(utc, "19:00");

    let r = app.get("/export/interactions.csv", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut reader = csv::Reader::from_reader(r.text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (start, end) = (col("Start"), col("End"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][start], "2026-12-02 14:00");
    assert_eq!(&rows[0][end], "2026-12-02 15:30");
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_one_occurrence_or_the_whole_series(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("d@example.fr", "member").await;
    let mut m = interaction("meeting", "Comité", "2026-11-02T09:00");
    m["end"] = json!("2026-11-02T10:00");
    m["recurrence"] = json!({"freq": "weekly", "interval": "1", "weekdays": ["MO"], "ends": "count", "until": "", "count": "4"});
    create(&app, &s, &m).await;
    let live = || async {
        sqlx::query_as::<_, (i64, i32)>(
            "SELECT id, version FROM interactions WHERE deleted_at IS NULL ORDER BY starts_at",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    let rows = live().await;
    assert_eq!(rows.len(), 4);
    let r = app
        .call(
            "/api/interactions/delete",
            json!({"id": rows[1].0, "version": rows[1].1, "scope": "one"}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(live().await.len(), 3);
    let r = app
        .call(
            "/api/interactions/delete",
            json!({"id": rows[0].0, "version": rows[0].1, "scope": "all"}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(live().await.is_empty());
}
