//! The iCalendar subscription feed, through the real router. The
//! feed is read back with `ical` (an independent parser), not with the
//! library that wrote it.

use crate::common::{PASSWORD, TestApp};
use axum::http::{StatusCode, header};
use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use ical::property::Property;
use serde_json::{Value, json};
use sqlx::PgPool;

const BASE: &str = "http://relais.test";

fn input(kind: &str, subject: &str, start: &str) -> Value {
    json!({
        "kind": kind, "subject": subject, "description": "", "status": "", "start": start, "end": "",
        "duration_minutes": "", "all_day": false, "direction": "", "location": "", "priority": "",
        "task_start": "", "private": false, "owner_id": null, "reminder_minutes": "", "links": [],
        "attendee_users": [], "attendee_persons": [], "recurrence": null
    })
}

fn meeting(subject: &str, start: &str, end: &str) -> Value {
    let mut v = input("meeting", subject, start);
    v["status"] = json!("planned");
    v["end"] = json!(end);
    v
}

async fn save(
    app: &TestApp,
    s: &str,
    id: Option<i64>,
    version: Option<i32>,
    input: Value,
    scope: &str,
) -> i64 {
    let r = app
        .call(
            "/api/interactions/save",
            json!({"id": id, "version": version, "input": input, "scope": scope}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_i64().unwrap()
}

async fn member(app: &TestApp, email: &str) -> (i64, String) {
    let id = app.user(email, "member").await;
    (id, app.login(email, PASSWORD).await.unwrap())
}

/// Creates (or gets) the caller's subscription link; returns its path.
async fn feed_path(app: &TestApp, s: &str) -> String {
    let r = app
        .call("/api/settings/create_feed", json!({}), Some(s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let url = r.body.as_str().unwrap().to_string();
    assert!(
        url.starts_with(&format!("{BASE}/feed/")) && url.ends_with(".ics"),
        "{url}"
    );
    url.strip_prefix(BASE).unwrap().to_string()
}

fn parse(text: &str) -> IcalCalendar {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser
        .next()
        .expect("one calendar")
        .expect("a calendar ical can parse");
    assert!(parser.next().is_none(), "one calendar only");
    cal
}

fn prop<'a>(props: &'a [Property], name: &str) -> Option<&'a Property> {
    props.iter().find(|p| p.name == name)
}

fn value<'a>(props: &'a [Property], name: &str) -> &'a str {
    prop(props, name)
        .and_then(|p| p.value.as_deref())
        .unwrap_or_else(|| panic!("no {name} in {props:?}"))
}

fn param<'a>(p: &'a Property, name: &str) -> Option<&'a str> {
    p.params
        .as_ref()?
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.first())
        .map(String::as_str)
}

fn by_summary<'a>(events: &'a [IcalEvent], summary: &str) -> Vec<&'a IcalEvent> {
    events
        .iter()
        .filter(|e| {
            prop(&e.properties, "SUMMARY").and_then(|p| p.value.as_deref()) == Some(summary)
        })
        .collect()
}

/// The first `weekday` at least `days` days from today.
fn next(weekday: Weekday, days: i64) -> NaiveDate {
    let mut d = (Utc::now() + Duration::days(days)).date_naive();
    while d.weekday() != weekday {
        d += Duration::days(1);
    }
    d
}

fn compact(d: NaiveDate, time: &str) -> String {
    format!("{}T{}", d.format("%Y%m%d"), time.replace(':', ""))
}

#[sqlx::test(migrations = "../migrations")]
async fn the_feed_is_rfc_5545_with_zones_series_and_stable_uids(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = member(&app, "ana@example.fr").await;
    // Ana works from New York: her times are written in that zone.
    let r = app
        .call(
            "/api/settings/save_profile",
            json!({"time_zone": "America/New_York", "capacity_hours": "7.5"}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let day = next(Weekday::Tue, 10);
    let mut review = meeting(
        "Revue trimestrielle",
        &format!("{day}T09:30"),
        &format!("{day}T10:45"),
    );
    review["location"] = json!("Salle 2, étage 3");
    review["description"] = json!("Ordre du jour :\n1. Chiffres; 2. Budget");
    save(&app, &s, None, None, review, "all").await;
    let mut call = input(
        "call",
        "Appel fournisseur",
        &format!("{}T14:00", day + Duration::days(1)),
    );
    call["status"] = json!("planned");
    call["direction"] = json!("outbound");
    call["duration_minutes"] = json!("20");
    save(&app, &s, None, None, call, "all").await;
    let mut task = input(
        "task",
        "Envoyer le devis",
        &format!("{}T17:00", day + Duration::days(2)),
    );
    task["status"] = json!("in_progress");
    task["priority"] = json!("high");
    save(&app, &s, None, None, task, "all").await;
    let fair_day = day + Duration::days(3);
    let mut fair = meeting(
        "Salon",
        &format!("{fair_day}T00:00"),
        &format!("{fair_day}T00:00"),
    );
    fair["all_day"] = json!(true);
    save(&app, &s, None, None, fair, "all").await;

    // Weekly on Monday and Thursday, six times; the second occurrence is
    // moved on its own, the third deleted.
    let monday = next(Weekday::Mon, 14);
    let mut weekly = meeting(
        "Point hebdo",
        &format!("{monday}T08:00"),
        &format!("{monday}T08:30"),
    );
    weekly["recurrence"] = json!({"freq": "weekly", "interval": "1", "weekdays": ["MO", "TH"],
                                  "ends": "count", "until": "", "count": "6"});
    let first = save(&app, &s, None, None, weekly.clone(), "all").await;
    let series_id: i64 = sqlx::query_scalar("SELECT series_id FROM interactions WHERE id = $1")
        .bind(first)
        .fetch_one(&pool)
        .await
        .unwrap();
    let occurrences: Vec<(i64, i32)> = sqlx::query_as(
        "SELECT id, version FROM interactions WHERE series_id = $1 ORDER BY starts_at",
    )
    .bind(series_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(occurrences.len(), 6);
    let thursday = monday + Duration::days(3);
    let mut moved = weekly.clone();
    moved["recurrence"] = Value::Null;
    moved["start"] = json!(format!("{thursday}T10:00"));
    moved["end"] = json!(format!("{thursday}T11:00"));
    let (moved_id, moved_version) = occurrences[1];
    save(&app, &s, Some(moved_id), Some(moved_version), moved, "one").await;
    let (gone_id, gone_version) = occurrences[2];
    let r = app
        .call(
            "/api/interactions/delete",
            json!({"id": gone_id, "version": gone_version, "scope": "one"}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let path = feed_path(&app, &s).await;
    // No session: the token is the key.
    let r = app.get(&path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    if let Ok(dump) = std::env::var("RELAIS_FEED_DUMP") {
        std::fs::write(dump, &r.text).unwrap();
    }
    let again = app.get(&path, None).await;
    assert_eq!(r.text, again.text, "the same calendar reads the same twice");
    let resp = headers(&app, &path).await;
    assert_eq!(resp.0, "text/calendar; charset=utf-8");
    assert_eq!(resp.1, "private, max-age=300");
    assert!(
        r.text.contains("\r\n") && r.text.lines().all(|l| l.trim_end_matches('\r').len() <= 75)
    );

    let cal = parse(&r.text);
    assert_eq!(value(&cal.properties, "VERSION"), "2.0");
    assert!(value(&cal.properties, "PRODID").contains("Relais"));
    assert_eq!(
        value(&cal.properties, "X-WR-CALNAME"),
        "Relais — User ana@example.fr"
    );
    assert_eq!(value(&cal.properties, "X-WR-TIMEZONE"), "America/New_York");

    // One zone definition, with both its summer and winter times.
    assert_eq!(cal.timezones.len(), 1, "{:?}", cal.timezones);
    let zone = &cal.timezones[0];
    assert_eq!(value(&zone.properties, "TZID"), "America/New_York");
    let offsets: Vec<&str> = zone
        .transitions
        .iter()
        .map(|t| value(&t.properties, "TZOFFSETTO"))
        .collect();
    assert!(
        offsets.contains(&"-0400") && offsets.contains(&"-0500"),
        "{offsets:?}"
    );

    // Meeting, call, all-day fair, the series and its moved occurrence;
    // the task is a to-do.
    assert_eq!(cal.events.len(), 5, "{}", r.text);
    assert_eq!(cal.todos.len(), 1);

    let review = by_summary(&cal.events, "Revue trimestrielle")[0];
    let start = prop(&review.properties, "DTSTART").unwrap();
    assert_eq!(param(start, "TZID"), Some("America/New_York"));
    assert_eq!(
        start.value.as_deref(),
        Some(compact(day, "09:30:00").as_str())
    );
    assert_eq!(value(&review.properties, "DTEND"), compact(day, "10:45:00"));
    assert_eq!(value(&review.properties, "LOCATION"), "Salle 2\\, étage 3");
    assert_eq!(
        value(&review.properties, "DESCRIPTION"),
        "Ordre du jour :\\n1. Chiffres\\; 2. Budget"
    );
    assert_eq!(value(&review.properties, "STATUS"), "CONFIRMED");
    assert_eq!(value(&review.properties, "SEQUENCE"), "1");
    assert!(value(&review.properties, "UID").starts_with("interaction-"));
    assert!(value(&review.properties, "UID").ends_with("@relais"));
    for p in ["DTSTAMP", "LAST-MODIFIED"] {
        assert!(value(&review.properties, p).ends_with('Z'), "{p} is UTC");
    }

    let call = by_summary(&cal.events, "Appel fournisseur")[0];
    assert_eq!(
        value(&call.properties, "DTSTART"),
        compact(day + Duration::days(1), "14:00:00")
    );
    assert_eq!(
        value(&call.properties, "DTEND"),
        compact(day + Duration::days(1), "14:20:00")
    );

    let fair = by_summary(&cal.events, "Salon")[0];
    let start = prop(&fair.properties, "DTSTART").unwrap();
    assert_eq!(param(start, "VALUE"), Some("DATE"));
    assert_eq!(
        start.value.as_deref(),
        Some(fair_day.format("%Y%m%d").to_string().as_str())
    );
    assert_eq!(
        value(&fair.properties, "DTEND"),
        (fair_day + Duration::days(1)).format("%Y%m%d").to_string()
    );

    let todo = &cal.todos[0];
    assert_eq!(value(&todo.properties, "SUMMARY"), "Envoyer le devis");
    let due = prop(&todo.properties, "DUE").unwrap();
    assert_eq!(param(due, "TZID"), Some("America/New_York"));
    assert_eq!(
        due.value.as_deref(),
        Some(compact(day + Duration::days(2), "17:00:00").as_str())
    );
    assert_eq!(value(&todo.properties, "STATUS"), "IN-PROCESS");
    assert_eq!(value(&todo.properties, "PRIORITY"), "1");

    // The series: one master with its rule, the deleted occurrence as an
    // EXDATE, the moved one as an override with the same UID.
    let weekly = by_summary(&cal.events, "Point hebdo");
    assert_eq!(weekly.len(), 2);
    let uid = format!("series-{series_id}@relais");
    assert!(weekly.iter().all(|e| value(&e.properties, "UID") == uid));
    let master = weekly
        .iter()
        .find(|e| prop(&e.properties, "RRULE").is_some())
        .unwrap();
    let rule = value(&master.properties, "RRULE");
    assert!(
        rule.contains("FREQ=WEEKLY") && rule.contains("BYDAY=MO,TH") && rule.contains("COUNT=6"),
        "{rule}"
    );
    let start = prop(&master.properties, "DTSTART").unwrap();
    assert_eq!(param(start, "TZID"), Some("America/New_York"));
    assert_eq!(
        start.value.as_deref(),
        Some(compact(monday, "08:00:00").as_str())
    );
    assert_eq!(
        value(&master.properties, "DTEND"),
        compact(monday, "08:30:00")
    );
    let exdate = prop(&master.properties, "EXDATE").unwrap();
    assert_eq!(param(exdate, "TZID"), Some("America/New_York"));
    assert_eq!(
        exdate.value.as_deref(),
        Some(compact(monday + Duration::days(7), "08:00:00").as_str())
    );
    let over = weekly
        .iter()
        .find(|e| prop(&e.properties, "RECURRENCE-ID").is_some())
        .unwrap();
    let rid = prop(&over.properties, "RECURRENCE-ID").unwrap();
    assert_eq!(param(rid, "TZID"), Some("America/New_York"));
    assert_eq!(
        rid.value.as_deref(),
        Some(compact(thursday, "08:00:00").as_str())
    );
    assert_eq!(
        value(&over.properties, "DTSTART"),
        compact(thursday, "10:00:00")
    );
    assert!(prop(&over.properties, "RRULE").is_none());

    // UIDs are the same from one fetch to the next, and unique but for
    // the series' override.
    let uids = |c: &IcalCalendar| -> Vec<String> {
        let mut u: Vec<String> = c
            .events
            .iter()
            .map(|e| &e.properties)
            .chain(c.todos.iter().map(|t| &t.properties))
            .map(|p| value(p, "UID").to_string())
            .collect();
        u.sort();
        u
    };
    let first_uids = uids(&cal);
    assert_eq!(first_uids, uids(&parse(&again.text)));
    let mut distinct = first_uids.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), first_uids.len() - 1);

    // An edit of the whole series moves every occurrence not edited on its
    // own: the UID stays, the moved occurrences become overrides of the
    // master (whose rule still says 08:00).
    let (id, v) = occurrences[3];
    let mut renamed = weekly_input(monday + Duration::days(10), "Point hebdo (équipe)");
    renamed["start"] = json!(format!("{}T09:00", monday + Duration::days(10)));
    renamed["end"] = json!(format!("{}T09:30", monday + Duration::days(10)));
    save(&app, &s, Some(id), Some(v), renamed, "all").await;
    let cal = parse(&app.get(&path, None).await.text);
    let series: Vec<&IcalEvent> = cal
        .events
        .iter()
        .filter(|e| value(&e.properties, "UID") == uid)
        .collect();
    assert_eq!(series.len(), 6, "master, four moved, one moved on its own");
    let master = series
        .iter()
        .find(|e| prop(&e.properties, "RRULE").is_some())
        .unwrap();
    assert_eq!(value(&master.properties, "SUMMARY"), "Point hebdo (équipe)");
    let moved: Vec<&str> = series
        .iter()
        .filter(|e| prop(&e.properties, "RECURRENCE-ID").is_some())
        .filter(|e| value(&e.properties, "SUMMARY") == "Point hebdo (équipe)")
        .map(|e| value(&e.properties, "DTSTART"))
        .collect();
    assert_eq!(moved.len(), 4);
    assert!(moved.iter().all(|d| d.ends_with("T090000")), "{moved:?}");
}

fn weekly_input(monday: NaiveDate, subject: &str) -> Value {
    meeting(
        subject,
        &format!("{monday}T08:00"),
        &format!("{monday}T08:30"),
    )
}

/// Content type and cache headers of a GET, without a session.
async fn headers(app: &TestApp, path: &str) -> (String, String) {
    use tower::ServiceExt;
    let req = axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let h = |name| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    (h(header::CONTENT_TYPE), h(header::CACHE_CONTROL))
}

#[sqlx::test(migrations = "../migrations")]
async fn a_revoked_or_unknown_link_is_not_found_and_a_new_one_is_new(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = member(&app, "ana@example.fr").await;
    let path = feed_path(&app, &s).await;
    assert_eq!(
        feed_path(&app, &s).await,
        path,
        "asking again gives the same link"
    );
    let token = path.trim_start_matches("/feed/").trim_end_matches(".ics");
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(app.get(&path, None).await.status, StatusCode::OK);
    let shown = app
        .call("/api/settings/my_settings", json!({}), Some(&s))
        .await;
    assert_eq!(shown.body["feed_url"], json!(format!("{BASE}{path}")));

    let r = app
        .call("/api/settings/revoke_feed", json!({}), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND);
    let shown = app
        .call("/api/settings/my_settings", json!({}), Some(&s))
        .await;
    assert_eq!(shown.body["feed_url"], Value::Null);

    let new_path = feed_path(&app, &s).await;
    assert_ne!(new_path, path);
    assert_eq!(app.get(&new_path, None).await.status, StatusCode::OK);
    assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND);
    for bad in [
        format!("/feed/{}.ics", "0".repeat(64)),
        "/feed/short.ics".to_string(),
        new_path.trim_end_matches(".ics").to_string(),
    ] {
        assert_eq!(
            app.get(&bad, None).await.status,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
    // A deactivated user's calendar is no longer served.
    sqlx::query("UPDATE users SET active = false WHERE email = 'ana@example.fr'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(app.get(&new_path, None).await.status, StatusCode::NOT_FOUND);
    // Anonymous callers cannot make or revoke links.
    let r = app.call("/api/settings/create_feed", json!({}), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn my_feed_has_what_i_own_or_attend_and_nobody_elses_private_items(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (ana, sa) = member(&app, "ana@example.fr").await;
    let (_, sb) = member(&app, "bob@example.fr").await;
    let day = (Utc::now() + Duration::days(5)).date_naive();
    let at = |h: u32| format!("{day}T{h:02}:00");

    let mut secret = meeting("Secret de Bob", &at(9), &at(10));
    secret["private"] = json!(true);
    save(&app, &sb, None, None, secret, "all").await;
    save(
        &app,
        &sb,
        None,
        None,
        meeting("Réunion de Bob seul", &at(10), &at(11)),
        "all",
    )
    .await;
    let mut together = meeting("Réunion commune", &at(11), &at(12));
    together["attendee_users"] = json!([ana]);
    save(&app, &sb, None, None, together, "all").await;
    let mut private_with_ana = meeting("Privé partagé", &at(13), &at(14));
    private_with_ana["private"] = json!(true);
    private_with_ana["attendee_users"] = json!([ana]);
    save(&app, &sb, None, None, private_with_ana, "all").await;
    // Bob gives Ana a task: it is hers.
    let mut task = input("task", "Tâche confiée", &at(15));
    task["status"] = json!("done");
    task["priority"] = json!("low");
    task["owner_id"] = json!(ana);
    save(&app, &sb, None, None, task, "all").await;
    let trashed = save(
        &app,
        &sa,
        None,
        None,
        meeting("Annulée puis supprimée", &at(16), &at(17)),
        "all",
    )
    .await;
    let r = app
        .call(
            "/api/interactions/delete",
            json!({"id": trashed, "version": 1, "scope": "one"}),
            Some(&sa),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Long ago: outside the feed's window.
    let old = (Utc::now() - Duration::days(200)).date_naive();
    save(
        &app,
        &sa,
        None,
        None,
        meeting(
            "Il y a longtemps",
            &format!("{old}T09:00"),
            &format!("{old}T10:00"),
        ),
        "all",
    )
    .await;

    let text = app.get(&feed_path(&app, &sa).await, None).await.text;
    let cal = parse(&text);
    let mut summaries: Vec<&str> = cal
        .events
        .iter()
        .map(|e| value(&e.properties, "SUMMARY"))
        .collect();
    summaries.sort();
    assert_eq!(summaries, ["Privé partagé", "Réunion commune"], "{text}");
    assert!(!text.contains("Secret de Bob") && !text.contains("Bob seul"));
    let private = by_summary(&cal.events, "Privé partagé")[0];
    assert_eq!(value(&private.properties, "CLASS"), "PRIVATE");
    assert_eq!(cal.todos.len(), 1);
    let todo = &cal.todos[0].properties;
    assert_eq!(value(todo, "STATUS"), "COMPLETED");
    assert_eq!(value(todo, "PRIORITY"), "9");
    assert!(value(todo, "COMPLETED").ends_with('Z'));

    // Bob's own feed has his private meeting, with its class.
    let text = app.get(&feed_path(&app, &sb).await, None).await.text;
    let cal = parse(&text);
    let secret = by_summary(&cal.events, "Secret de Bob")[0];
    assert_eq!(value(&secret.properties, "CLASS"), "PRIVATE");
    assert!(!text.contains("Tâche confiée"), "given away: Ana's now");
}
