//! Enrolments: a person or company in an entry of the catalogue, with an
//! identifier unique within the entry (also when saves race), ended,
//! linked to interactions, listed and exported, in history, audit and trash.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn programme(pool: &PgPool, name: &str) -> i64 {
    sqlx::query_scalar("INSERT INTO programmes (name, kind) VALUES ($1, 'programme') RETURNING id")
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn person(pool: &PgPool, first: &str, last: &str) -> i64 {
    sqlx::query_scalar("INSERT INTO persons (first_name, last_name) VALUES ($1, $2) RETURNING id")
        .bind(first)
        .bind(last)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn enrolment(programme: i64, person: i64, identifier: &str) -> Value {
    json!({
        "programme_id": programme, "person_id": person, "company_id": null,
        "identifier": identifier, "status": "active", "starts_on": "2026-09-01",
        "ends_on": "", "notes": "", "owner_id": null
    })
}

async fn save(
    app: &TestApp,
    cookie: &str,
    id: Option<i64>,
    version: Option<i32>,
    input: &Value,
) -> crate::common::Reply {
    app.call(
        "/api/enrolments/save",
        json!({"id": id, "version": version, "input": input}),
        Some(cookie),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn an_identifier_is_unique_within_its_programme_even_when_saves_race(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, member) = app.login_as("member@relais.test", "member").await;
    let creation = programme(&pool, "Accompagnement à la création").await;
    let legal = programme(&pool, "Aide juridique").await;
    let marie = person(&pool, "Marie", "Dupont").await;
    let jean = person(&pool, "Jean", "Martin").await;

    let r = save(
        &app,
        &member,
        None,
        None,
        &enrolment(creation, marie, "ACC-001"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let first = r.body.as_i64().unwrap();

    // The same identifier, in other capitals, in the same entry: refused on
    // the identifier, nothing saved.
    let r = save(
        &app,
        &member,
        None,
        None,
        &enrolment(creation, jean, "acc-001"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.refused_fields(), ["identifier"]);
    assert_eq!(r.body["fields"][0]["problem"]["code"], "already_used");
    // In another entry it is free.
    let r = save(
        &app,
        &member,
        None,
        None,
        &enrolment(legal, jean, "ACC-001"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let other = r.body.as_i64().unwrap();
    // Moving that one into the first entry meets the same rule.
    let r = save(
        &app,
        &member,
        Some(other),
        Some(1),
        &enrolment(creation, jean, "ACC-001"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.refused_fields(), ["identifier"]);

    // Eight people saved at once with one identifier: one wins, seven are
    // told why, per field.
    let mut people = Vec::new();
    for i in 0..8 {
        people.push(person(&pool, "Race", &format!("Runner {i}")).await);
    }
    let inputs: Vec<Value> = people
        .iter()
        .map(|p| enrolment(creation, *p, "ACC-777"))
        .collect();
    let replies = futures::future::join_all(
        inputs
            .iter()
            .map(|input| save(&app, &member, None, None, input)),
    )
    .await;
    let won = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(won, 1, "exactly one save takes the identifier");
    for r in replies.iter().filter(|r| r.status != StatusCode::OK) {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.body["fields"][0]["field"], "identifier");
        assert_eq!(r.body["fields"][0]["problem"]["code"], "already_used");
    }
    let held: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM enrolments WHERE programme_id = $1 AND identifier = 'ACC-777'",
    )
    .bind(creation)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(held, 1);

    // In the trash, an enrolment gives its identifier back.
    let r = app
        .call(
            "/api/enrolments/delete",
            json!({"id": first, "version": 1}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = save(
        &app,
        &member,
        Some(other),
        Some(1),
        &enrolment(creation, jean, "ACC-001"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_enrolment_is_checked_ended_linked_listed_exported_and_audited(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (member_id, member) = app.login_as("member@relais.test", "member").await;
    let (_, admin) = app.login_as("admin@relais.test", "admin").await;
    let creation = programme(&pool, "Accompagnement à la création").await;
    let old = programme(&pool, "Ancien dispositif").await;
    let marie = person(&pool, "Marie", "Dupont").await;
    let company: i64 =
        sqlx::query_scalar("INSERT INTO companies (name) VALUES ('Atelier Nord') RETURNING id")
            .fetch_one(&pool)
            .await
            .unwrap();
    sqlx::query("INSERT INTO person_companies (person_id, company_id) VALUES ($1, $2)")
        .bind(marie)
        .bind(company)
        .execute(&pool)
        .await
        .unwrap();

    // The form's checks, on the server: nothing enrolled, a person and a
    // company at once, dates the wrong way round, an unknown status.
    let mut wrong = enrolment(creation, marie, "X1");
    wrong["person_id"] = json!(null);
    let r = save(&app, &member, None, None, &wrong).await;
    assert_eq!(r.refused_fields(), ["person_id"], "{}", r.text);
    let mut wrong = enrolment(creation, marie, "X1");
    wrong["company_id"] = json!(company);
    wrong["ends_on"] = json!("2026-08-01");
    wrong["status"] = json!("paused");
    let r = save(&app, &member, None, None, &wrong).await;
    assert_eq!(
        r.refused_fields(),
        ["status", "ends_on", "company_id"],
        "{}",
        r.text
    );
    // A person who does not exist, an archived entry.
    let r = save(
        &app,
        &member,
        None,
        None,
        &enrolment(creation, 999_999, "X1"),
    )
    .await;
    assert_eq!(r.refused_fields(), ["person_id"], "{}", r.text);
    let r = save(&app, &member, None, None, &enrolment(old, marie, "OLD-1")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let on_old = r.body.as_i64().unwrap();
    let r = app
        .call(
            "/api/programmes/archive",
            json!({"id": old, "archived": true}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = save(&app, &member, None, None, &enrolment(old, marie, "OLD-2")).await;
    assert_eq!(r.refused_fields(), ["programme_id"], "{}", r.text);
    let mut kept = enrolment(old, marie, "OLD-1");
    kept["notes"] = json!("Dossier clos");
    let r = save(&app, &member, Some(on_old), Some(1), &kept).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "an enrolment keeps its archived entry: {}",
        r.text
    );
    let none: i64 =
        sqlx::query_scalar("SELECT count(*) FROM enrolments WHERE identifier IN ('X1', 'OLD-2')")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(none, 0, "nothing saved by the refusals");

    // A company enrolled, and Marie.
    let mut atelier = enrolment(creation, marie, "ACC-100");
    atelier["person_id"] = json!(null);
    atelier["company_id"] = json!(company);
    assert_eq!(
        save(&app, &member, None, None, &atelier).await.status,
        StatusCode::OK
    );
    let r = save(
        &app,
        &member,
        None,
        None,
        &enrolment(creation, marie, "ACC-042"),
    )
    .await;
    let id = r.body.as_i64().unwrap();

    // A stale save is a conflict, not an overwrite.
    let r = save(
        &app,
        &member,
        Some(id),
        Some(1),
        &enrolment(creation, marie, "ACC-043"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = save(
        &app,
        &member,
        Some(id),
        Some(1),
        &enrolment(creation, marie, "ACC-044"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // Ended: completed, today unless it had an end.
    let r = app
        .call(
            "/api/enrolments/end",
            json!({"id": id, "version": 2, "status": "completed"}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call("/api/enrolments/get", json!({"id": id}), Some(&member))
        .await;
    assert_eq!(r.body["input"]["status"], "completed");
    assert_eq!(
        r.body["input"]["ends_on"],
        chrono::Local::now().date_naive().to_string().as_str()
    );
    assert_eq!(r.body["subject_name"], "Marie Dupont");
    let r = app
        .call(
            "/api/enrolments/end",
            json!({"id": id, "version": 3, "status": "planned"}),
            Some(&member),
        )
        .await;
    assert_eq!(r.refused_fields(), ["status"]);

    // The person's card lists both of hers, current first.
    let r = app
        .call(
            "/api/enrolments/related",
            json!({"kind": "person", "id": marie}),
            Some(&member),
        )
        .await;
    let ids: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["identifier"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["OLD-1", "ACC-043"], "{}", r.text);

    // A call logged on the enrolment shows on its page, and on Marie's
    // and her company's through the roll-up.
    let mut input: app::interactions::InteractionInput = app::interactions::InteractionInput::new(
        "call",
        chrono::NaiveDate::from_ymd_opt(2026, 9, 15)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap(),
    );
    input.subject = "Point d'étape".into();
    input.status = "held".into();
    input.links = vec![app::interactions::Link {
        kind: app::records::RecordKind::Enrolment,
        id,
        name: String::new(),
        main: true,
    }];
    let r = app
        .call(
            "/api/interactions/save",
            json!({"id": null, "version": null, "input": input, "scope": "one"}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let links: Vec<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT record_type::text, record_id, via FROM interaction_links
         WHERE interaction_id = $1 ORDER BY record_type, record_id",
    )
    .bind(r.body.as_i64().unwrap())
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        links,
        [
            ("company".to_string(), company, Some("person".to_string())),
            ("enrolment".to_string(), id, None),
            ("person".to_string(), marie, Some("enrolment".to_string())),
        ]
    );
    for (kind, record) in [("enrolment", id), ("person", marie)] {
        let r = app
            .call(
                "/api/records/timeline",
                json!({"kind": kind, "id": record, "before": null}),
                Some(&member),
            )
            .await;
        assert!(
            r.text.contains("Point d'étape"),
            "{kind}'s timeline: {}",
            r.text
        );
    }

    // The list, filtered by entry and status, and its CSV with identifiers.
    let r = app
        .call(
            "/api/enrolments/list",
            json!({"query": {"filters": [
                {"field": "programme", "op": "contains", "value": "création"},
                {"field": "status", "op": "is", "value": "active"}
            ]}}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let listed: Vec<&str> = r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["identifier"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["ACC-100"], "{}", r.text);
    let csv = app.get("/export/enrolments.csv", Some(&member)).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    for expected in [
        "ACC-043",
        "ACC-100",
        "OLD-1",
        "Atelier Nord",
        "Marie Dupont",
        "Completed",
    ] {
        assert!(csv.text.contains(expected), "{expected} in {}", csv.text);
    }

    // History and the audit log saw every change, with who made it.
    let history: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM record_changes WHERE record_type = 'enrolment' AND record_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(history, ["create", "update", "update"]);
    let audit: Vec<(Option<i64>, String)> = sqlx::query_as(
        "SELECT user_id, detail FROM audit_log WHERE record_type = 'enrolment' AND record_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        audit,
        [
            (Some(member_id), "created".to_string()),
            (Some(member_id), "identifier".to_string()),
            (Some(member_id), "ends_on, status".to_string()),
        ]
    );

    // Trash and back, through the shared trash.
    let r = app
        .call(
            "/api/enrolments/delete",
            json!({"id": id, "version": 3}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call("/api/enrolments/get", json!({"id": id}), Some(&member))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .call(
            "/api/trash/restore",
            json!({"kind": "enrolment", "id": id}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call("/api/enrolments/get", json!({"id": id}), Some(&member))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}
