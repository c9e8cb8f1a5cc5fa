//! Personal data (SPEC §5): the audit log (append-only, who viewed,
//! changed, exported, erased), the GDPR export of a person and their
//! erasure, consent changes recorded whichever path made them.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

fn person(last: &str) -> Value {
    json!({
        "civility": "ms", "first_name": "Élodie", "last_name": last, "job_title": "Acheteuse",
        "email": "elodie@exemple.fr", "email2": "", "phone": "06 12 34 56 78", "mobile": "",
        "street": "3 rue des Lilas", "line2": "", "postal_code": "69003", "city": "Lyon",
        "country": "France", "birthday": "1990-05-04", "preferred_language": "fr", "roles": ["client"],
        "lifecycle_stage": "active", "source": "salon", "marketing_consent": true,
        "consent_date": "2026-11-02", "consent_method": "formulaire papier", "owner_id": null,
        "company_id": null, "company_job_title": "", "link_start": "", "link_end": ""
    })
}

/// The audit rows about person `id`: (user name, action).
async fn audit_of(pool: &PgPool, id: i64) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT user_name, action FROM audit_log
         WHERE record_type = 'person' AND record_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn reading_changing_and_exporting_persons_is_audited(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("member@example.fr", "member").await;
    let r = app
        .call(
            "/api/persons/save",
            json!({"id": null, "version": null, "input": person("Lefèvre")}),
            Some(&s),
        )
        .await;
    let id = r.body.as_i64().expect(&r.text);
    let got = app
        .call("/api/persons/get", json!({"id": id}), Some(&s))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    // An in-place edit goes through another path: audited the same way.
    let r = app
        .call(
            "/api/records/edit_field",
            json!({"kind": "person", "id": id, "version": 1, "field": "city", "value": "Villeurbanne"}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let csv = app.get("/export/persons.csv?q=lef", Some(&s)).await;
    assert_eq!(csv.status, StatusCode::OK);

    let rows = audit_of(&pool, id).await;
    let actions: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(actions, ["change", "view", "change"], "{rows:?}");
    assert!(
        rows.iter().all(|r| r.0 == "User member@example.fr"),
        "{rows:?}"
    );
    let (detail, address): (String, String) = sqlx::query_as(
        "SELECT detail, address FROM audit_log WHERE action = 'change' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // The fields, never their values.
    assert_eq!(detail, "city");
    assert!(!address.is_empty());
    let export: String = sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'export'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(export.starts_with("persons.csv"), "{export}");

    // Append-only: the database itself refuses to change or delete it.
    for sql in [
        "UPDATE audit_log SET detail = 'nothing'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let e = sqlx::query(sql).execute(&pool).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }

    // Consent changes, from the form: who and when, each change.
    let consent: Vec<(bool, Option<String>)> = sqlx::query_as(
        "SELECT consent, method FROM consent_changes WHERE person_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(consent, [(true, Some("formulaire papier".to_string()))]);
    let mut withdrawn = person("Lefèvre");
    withdrawn["marketing_consent"] = json!(false);
    withdrawn["city"] = json!("Villeurbanne");
    let r = app
        .call(
            "/api/persons/save",
            json!({"id": id, "version": 2, "input": withdrawn}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let got = app
        .call("/api/persons/get", json!({"id": id}), Some(&s))
        .await;
    let history = &got.body["consent_history"];
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    assert_eq!(history[0]["consent"], false);
    assert_eq!(history[1]["consent"], true);
    assert_eq!(history[1]["method"], "formulaire papier");
    assert_eq!(history[0]["by"], "User member@example.fr");

    // The log is for admins.
    let r = app
        .call(
            "/api/audit/list",
            json!({"filter": {}, "before": null}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/export/audit.csv", Some(&s)).await.status,
        StatusCode::FORBIDDEN
    );
    let (_, admin) = app.login_as("admin@example.fr", "admin").await;
    let page = app
        .call(
            "/api/audit/list",
            json!({"filter": {"action": "view", "record_type": "person", "record_id": id.to_string()}, "before": null}),
            Some(&admin),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(
        page.body["entries"].as_array().unwrap().len(),
        2,
        "{}",
        page.text
    );
    let bad = app
        .call(
            "/api/audit/list",
            json!({"filter": {"action": "dance", "from": "yesterday"}, "before": null}),
            Some(&admin),
        )
        .await;
    assert_eq!(bad.body["kind"], "invalid", "{}", bad.text);
    let csv = app
        .get(
            &format!("/export/audit.csv?record_type=person&record_id={id}"),
            Some(&admin),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(
        lines[0].contains("When") && lines[0].contains("Action"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines.len(),
        1 + audit_of(&pool, id).await.len(),
        "{}",
        csv.text
    );
    // Exporting the log is itself logged.
    let exported: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'export' AND detail LIKE 'audit%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(exported, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_person_is_exported_whole_then_erased_and_the_log_survives(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, member) = app.login_as("member@example.fr", "member").await;
    let (_, admin) = app.login_as("admin@example.fr", "admin").await;
    let r = app
        .call(
            "/api/persons/save",
            json!({"id": null, "version": null, "input": person("Lefèvre")}),
            Some(&member),
        )
        .await;
    let id = r.body.as_i64().expect(&r.text);
    let r = app
        .call(
            "/api/notes/add",
            json!({"kind": "person", "id": id, "body": "Élodie préfère être appelée le matin", "pinned": false}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call(
            "/api/interactions/save",
            json!({"id": null, "version": null, "scope": "one", "input": {
                "kind": "call", "subject": "Appel de suivi", "description": "", "status": "held",
                "start": "2026-11-20T10:00", "end": "", "duration_minutes": "15", "all_day": false,
                "direction": "outbound", "location": "", "priority": "", "task_start": "",
                "private": false, "owner_id": null, "reminder_minutes": "",
                "links": [{"kind": "person", "id": id, "name": "", "main": true}],
                "attendee_users": [], "attendee_persons": [], "recurrence": null
            }}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Export and erasure are for admins only.
    assert_eq!(
        app.get(&format!("/export/persons/{id}.json"), Some(&member))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .call("/api/persons/erase", json!({"id": id}), Some(&member))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let export = app
        .get(&format!("/export/persons/{id}.json"), Some(&admin))
        .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    let doc: Value = serde_json::from_str(&export.text).unwrap();
    assert_eq!(doc["person"]["last_name"], "Lefèvre");
    assert_eq!(doc["person"]["email"], "elodie@exemple.fr");
    assert_eq!(
        doc["notes"][0]["body"],
        "Élodie préfère être appelée le matin"
    );
    assert_eq!(doc["consent"][0]["method"], "formulaire papier");
    assert_eq!(doc["history"][0]["action"], "create");
    assert_eq!(doc["interactions"][0]["subject"], "Appel de suivi");
    assert_eq!(
        app.get("/export/persons/999999.json", Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let r = app
        .call("/api/persons/erase", json!({"id": id}), Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Nothing personal is left: fields, notes, history values.
    let (last, first, email, city, erased): (String, Option<String>, Option<String>, Option<String>, bool) =
        sqlx::query_as(
            "SELECT last_name, first_name, email, city, erased_at IS NOT NULL FROM persons WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((first, email, city, erased), (None, None, None, true));
    assert_eq!(last, app::persons::ERASED_NAME);
    let notes: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM note_links WHERE record_type = 'person' AND record_id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(notes, 0);
    let leaks: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM record_changes WHERE record_type = 'person' AND record_id = $1
           AND (changes::text LIKE '%Lef%' OR changes::text LIKE '%elodie%' OR changes::text LIKE '%Lyon%')",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(leaks, 0);
    let history: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM record_changes WHERE record_type = 'person' AND record_id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(history >= 2, "the history rows stay, without values");
    let audit_text: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE detail LIKE '%Lef%' OR detail LIKE '%elodie%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audit_text, 0, "the log names ids, never the person");
    // Nor does the search's vocabulary of names keep her words.
    let words: Vec<String> = sqlx::query_scalar(
        "SELECT word FROM search_words WHERE word LIKE '%lef%' OR word LIKE '%elodie%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(words, Vec::<String>::new());
    // Their interaction stays, counted.
    let links: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM interaction_links WHERE record_type = 'person' AND record_id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(links, 1);
    // The page says so; erasing again changes nothing.
    let got = app
        .call("/api/persons/get", json!({"id": id}), Some(&admin))
        .await;
    assert_ne!(got.body["erased"], "", "{}", got.text);
    let again = app
        .call("/api/persons/erase", json!({"id": id}), Some(&admin))
        .await;
    assert_eq!(again.status, StatusCode::OK);

    // All three (and the views) are in the log, by whom, about the id.
    let rows = audit_of(&pool, id).await;
    let admin_actions: Vec<&str> = rows
        .iter()
        .filter(|r| r.0 == "User admin@example.fr")
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(
        admin_actions,
        ["gdpr_export", "change", "erase", "view"],
        "{rows:?}"
    );
}
