//! Companies and persons: validation, optimistic concurrency, links, lists.

use crate::common::{PASSWORD, TestApp};
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

fn company(name: &str) -> Value {
    json!({
        "name": name, "roles": ["client"], "industry": "", "size": "small", "website": "", "email": "",
        "phone": "", "street": "", "line2": "", "postal_code": "", "city": "Lyon", "country": "France",
        "registration_number": "", "source": "", "description": "", "owner_id": null
    })
}

fn person(last: &str, company_id: Option<i64>) -> Value {
    json!({
        "civility": "ms", "first_name": "Élodie", "last_name": last, "job_title": "", "email": "elodie@exemple.fr",
        "email2": "", "phone": "", "mobile": "", "street": "", "line2": "", "postal_code": "", "city": "",
        "country": "", "birthday": "", "preferred_language": "fr", "roles": ["contact"], "lifecycle_stage": "lead",
        "source": "", "marketing_consent": false, "consent_date": "", "consent_method": "", "owner_id": null,
        "company_id": company_id, "company_job_title": "Acheteuse", "link_start": "2024-01-15", "link_end": ""
    })
}

/// Saves a new company through its form's function; its id.
async fn new_company(app: &TestApp, session: &str, input: Value) -> i64 {
    let r = app
        .call(
            "/api/companies/save",
            json!({"id": null, "version": null, "input": input}),
            Some(session),
        )
        .await;
    r.body.as_i64().unwrap_or_else(|| panic!("{}", r.text))
}

async fn member(app: &TestApp) -> String {
    app.user("member@example.fr", "member").await;
    app.login("member@example.fr", PASSWORD).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_refused_field_by_field_and_changes_nothing(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    let mut input = company(&"é".repeat(256));
    input["email"] = json!("not-an-email");
    input["roles"] = json!(["client", "overlord"]);
    let r = app
        .call(
            "/api/companies/save",
            json!({"id": null, "version": null, "input": input}),
            Some(&s),
        )
        .await;
    assert_eq!(r.body["kind"], "invalid", "{}", r.text);
    let problems: Vec<(String, String)> = r.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_string(),
                f["problem"]["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        problems.contains(&("name".into(), "too_long".into())),
        "{problems:?}"
    );
    assert!(problems.contains(&("email".into(), "invalid_email".into())));
    assert!(problems.contains(&("roles".into(), "invalid_choice".into())));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM companies")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

/// An edit form is drawn filled by the server, before the app runs: a
/// textarea's text too (its content, escaped; `prop:value` writes none).
#[sqlx::test(migrations = "../migrations")]
async fn an_edit_form_holds_its_description_before_the_app_runs(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    let mut input = company("Atelier Élan");
    input["description"] = json!("Deux lignes : <b>Lyon & Nantes</b>\n« fin »");
    let id = new_company(&app, &s, input).await;
    let page = app.get(&format!("/companies/{id}/edit"), Some(&s)).await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page
        .text
        .find(r#"<textarea id="f-description""#)
        .expect("the description's textarea");
    let textarea = &page.text[start..];
    let text = &textarea[textarea.find('>').unwrap() + 1..textarea.find("</textarea>").unwrap()];
    assert_eq!(
        text,
        "Deux lignes : &lt;b&gt;Lyon &amp; Nantes&lt;/b&gt;\n« fin »"
    );
    // The value input was the field's `value=`, as before.
    assert!(
        page.text.contains(r#"value="Atelier Élan""#),
        "{}",
        page.text
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_save_is_refused_and_nothing_is_lost(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    let id = new_company(&app, &s, company("Atelier Élan")).await;

    // Two people open version 1; the first save wins, the second is refused.
    let mut first = company("Atelier Élan");
    first["city"] = json!("Nantes");
    let mut second = company("Atelier Élan");
    second["city"] = json!("Rennes");
    let a = app
        .call(
            "/api/companies/save",
            json!({"id": id, "version": 1, "input": first}),
            Some(&s),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let b = app
        .call(
            "/api/companies/save",
            json!({"id": id, "version": 1, "input": second}),
            Some(&s),
        )
        .await;
    assert_eq!(b.body["kind"], "conflict", "{}", b.text);
    assert_eq!(b.body["current_version"], 2);
    // The refusal carries the newer values, for the form to show.
    assert_eq!(b.body["current"]["city"], "Nantes");
    let got = app
        .call("/api/companies/get", json!({"id": id}), Some(&s))
        .await;
    assert_eq!(got.body["input"]["city"], "Nantes");
    assert_eq!(got.body["version"], 2);

    // Delete with a stale version is refused too; with the right one it goes.
    let d = app
        .call(
            "/api/companies/delete",
            json!({"id": id, "version": 1}),
            Some(&s),
        )
        .await;
    assert_eq!(d.body["kind"], "conflict");
    let d = app
        .call(
            "/api/companies/delete",
            json!({"id": id, "version": 2}),
            Some(&s),
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let got = app
        .call("/api/companies/get", json!({"id": id}), Some(&s))
        .await;
    assert_eq!(got.body, json!({"kind": "not_found"}));
    let kept: bool =
        sqlx::query_scalar("SELECT deleted_at IS NOT NULL FROM companies WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(kept, "deletion is soft: the row stays, in the trash");
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_saves_never_lose_an_update(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    let id = new_company(&app, &s, company("Race SARL")).await;
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (app, s) = (app.clone(), s.clone());
        let mut input = company("Race SARL");
        input["city"] = json!(format!("Ville {i}"));
        calls.spawn(async move {
            app.call(
                "/api/companies/save",
                json!({"id": id, "version": 1, "input": input}),
                Some(&s),
            )
            .await
        });
    }
    let replies = calls.join_all().await;
    let won: Vec<_> = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .collect();
    assert_eq!(won.len(), 1, "exactly one save of version 1 wins");
    assert!(
        replies
            .iter()
            .filter(|r| r.status != StatusCode::OK)
            .all(|r| r.body["kind"] == "conflict")
    );
    let version: i32 = sqlx::query_scalar("SELECT version FROM companies WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(version, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_person_links_to_a_company_and_both_lists_find_them(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    let company_id = new_company(&app, &s, company("Fromagerie Beaumont")).await;
    let p = app
        .call(
            "/api/persons/save",
            json!({"id": null, "version": null, "input": person("Lefèvre", Some(company_id))}),
            Some(&s),
        )
        .await;
    let person_id = p.body.as_i64().expect(&p.text);

    let got = app
        .call("/api/companies/get", json!({"id": company_id}), Some(&s))
        .await;
    assert_eq!(got.body["people"][0]["person_id"], person_id);
    assert_eq!(got.body["people"][0]["job_title"], "Acheteuse");
    let got = app
        .call("/api/persons/get", json!({"id": person_id}), Some(&s))
        .await;
    assert_eq!(got.body["jobs"][0]["company_name"], "Fromagerie Beaumont");
    assert_eq!(got.body["jobs"][0]["start_date"], "2024-01-15");

    let list = app
        .call("/api/persons/list", json!({"query": {"q": "LEFÈVRE", "sort": "name", "desc": false, "page": 1, "per_page": 25}}), Some(&s))
        .await;
    assert_eq!(list.body["total"], 1, "{}", list.text);
    assert_eq!(list.body["rows"][0]["company"], "Fromagerie Beaumont");
    let list = app
        .call("/api/companies/list", json!({"query": {"q": "fromag", "sort": "bogus", "desc": true, "page": 1, "per_page": 25}}), Some(&s))
        .await;
    assert_eq!(list.body["total"], 1, "{}", list.text);

    // A job that ends before it starts is refused.
    let mut bad = person("Durand", Some(company_id));
    bad["link_end"] = json!("2020-01-01");
    let r = app
        .call(
            "/api/persons/save",
            json!({"id": null, "version": null, "input": bad}),
            Some(&s),
        )
        .await;
    assert_eq!(r.body["fields"][0]["field"], "link_end");
}

#[sqlx::test(migrations = "../migrations")]
async fn lists_page_and_sort_without_overlap(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    for i in 0..30 {
        sqlx::query("INSERT INTO companies (name) VALUES ($1)")
            .bind(format!("Société {:02}", i % 10))
            .execute(&pool)
            .await
            .unwrap();
    }
    // Forwards by cursor, three pages of 12, 12 and 6.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    for page in 1..=3 {
        let r = app
            .call(
                "/api/companies/list",
                json!({"query": {"sort": "name", "after": after, "page": page, "per_page": 12}}),
                Some(&s),
            )
            .await;
        assert_eq!(r.body["total"], 30, "{}", r.text);
        assert_eq!(r.body["next"].is_null(), page == 3, "{}", r.text);
        assert_eq!(r.body["prev"].is_null(), page == 1, "{}", r.text);
        for row in r.body["rows"].as_array().unwrap() {
            seen.push((
                row["name"].as_str().unwrap().to_string(),
                row["id"].as_i64().unwrap(),
            ));
        }
        after = r.body["next"].clone();
    }
    assert_eq!(seen.len(), 30);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "sorted by name then id, pages never overlap");
    // And back: the 12 rows before the end of the 06s (sort keys are folded).
    let last = app
        .call("/api/companies/list", json!({"query": {"sort": "name", "before": {"key": "societe 06", "id": i64::MAX}, "per_page": 12}}), Some(&s))
        .await;
    let names: Vec<&str> = last.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 12, "{}", last.text);
    assert_eq!(names.first(), Some(&"Société 03"));
    assert_eq!(names.last(), Some(&"Société 06"));
    assert!(!last.body["prev"].is_null() && !last.body["next"].is_null());
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_owner_is_a_field_error(pool: PgPool) {
    let app = TestApp::new(pool);
    let s = member(&app).await;
    let mut input = company("Owner Test");
    input["owner_id"] = json!(999_999);
    let r = app
        .call(
            "/api/companies/save",
            json!({"id": null, "version": null, "input": input}),
            Some(&s),
        )
        .await;
    assert_eq!(r.body["fields"][0]["field"], "owner_id");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_likely_duplicate_is_saved_only_once_confirmed(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    let save = |input: Value, confirmed: bool| {
        let app = app.clone();
        let s = s.clone();
        async move {
            app.call(
                "/api/companies/save",
                json!({"id": null, "version": null, "input": input, "confirmed": confirmed}),
                Some(&s),
            )
            .await
        }
    };
    let first = save(company("Fromagerie Beaumont"), false).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    // Same name but for an accent: the matches, and nothing saved.
    let again = save(company("Fromagerie Beaumónt"), false).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert_eq!(again.body["kind"], "duplicates");
    assert_eq!(again.body["matches"][0]["name"], "Fromagerie Beaumont");
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM companies")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 1);
    // "Save anyway".
    let anyway = save(company("Fromagerie Beaumónt"), true).await;
    assert_eq!(anyway.status, StatusCode::OK, "{}", anyway.text);
    assert_eq!(count().await, 2);
    // A deal's duplicate check answers (it has no email to compare).
    let r = app
        .call(
            "/api/search/duplicates",
            json!({"kind": "deal", "name": "Renouvellement", "email": "", "phone": "", "exclude": null}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Interactions have no duplicates: refused, not a 500.
    let r = app
        .call(
            "/api/search/duplicates",
            json!({"kind": "interaction", "name": "Appel", "email": "", "phone": "", "exclude": null}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_same_phone_is_recognised_in_any_notation(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    let mut input = person("Marchetti", None);
    input["email"] = json!("");
    input["mobile"] = json!("06 12 34 56 78");
    let r = app
        .call(
            "/api/persons/save",
            json!({"id": null, "version": null, "input": input, "confirmed": false}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut company_input = company("Transports Lemaire");
    company_input["phone"] = json!("+33 4 78 00 11 22");
    let r = app
        .call(
            "/api/companies/save",
            json!({"id": null, "version": null, "input": company_input, "confirmed": false}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let matches = |kind: &'static str, name: &'static str, phone: &'static str| {
        let app = app.clone();
        let s = s.clone();
        async move {
            let r = app
                .call(
                    "/api/search/duplicates",
                    json!({"kind": kind, "name": name, "email": "", "phone": phone, "exclude": null}),
                    Some(&s),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.body.as_array().unwrap().len()
        }
    };
    // Another name, so only the number can match.
    for notation in [
        "+33 6 12 34 56 78",
        "0033 6.12.34.56.78",
        "+33 (0)6 12 34 56 78",
        "06-12-34-56-78",
    ] {
        assert_eq!(matches("person", "Zz", notation).await, 1, "{notation}");
    }
    assert_eq!(matches("person", "Zz", "+33 6 12 34 56 79").await, 0);
    assert_eq!(matches("person", "Zz", "+41 6 12 34 56 78").await, 0);
    assert_eq!(matches("company", "Zz", "04 78 00 11 22").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_delete_is_undone_by_its_author_for_a_while_only(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    let (_, other) = app.login_as("other@example.fr", "member").await;
    let id = new_company(&app, &s, company("Atelier Réparé")).await;
    let r = app
        .call(
            "/api/companies/delete",
            json!({"id": id, "version": 1}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Someone else cannot take it back (it is the trash's business)…
    let r = app
        .call(
            "/api/trash/undo",
            json!({"kind": "company", "id": id}),
            Some(&other),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // …its author can, a moment later.
    let r = app
        .call(
            "/api/trash/undo",
            json!({"kind": "company", "id": id}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!(1));
    let r = app
        .call("/api/companies/get", json!({"id": id}), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Deleted again, and an hour has passed: too late for "Undo".
    app.call(
        "/api/companies/delete",
        json!({"id": id, "version": 3}),
        Some(&s),
    )
    .await;
    sqlx::query("UPDATE companies SET deleted_at = now() - interval '1 hour' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let r = app
        .call(
            "/api/trash/undo",
            json!({"kind": "company", "id": id}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_trash_never_shows_a_private_subject_and_speaks_local_time(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, admin) = app.login_as("admin@example.fr", "admin").await;
    let bob = app.user("bob@example.fr", "member").await;
    sqlx::query(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, private, owner_id, created_by, deleted_at)
         VALUES ('meeting', 'Rendez-vous médical', 'planned', now(), now(), true, $1, $1,
                 timestamptz '2026-07-01 10:00:00+00')",
    )
    .bind(bob)
    .execute(&pool)
    .await
    .unwrap();
    // Nobody's: no owner, no creator (a rule with NULLs still says no).
    sqlx::query(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, private, deleted_at)
         VALUES ('task', 'Dossier confidentiel', 'not_started', now(), now(), true,
                 timestamptz '2026-06-01 10:00:00+00')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let r = app
        .call(
            "/api/trash/list",
            json!({"kind": "interaction", "before": null}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        !r.text.contains("médical") && !r.text.contains("confidentiel"),
        "{}",
        r.text
    );
    assert_eq!(r.body[0]["private"], true);
    assert_eq!(r.body[1]["private"], true);
    // 10:00 UTC is noon in Paris in July (the admin's zone).
    assert_eq!(r.body[0]["deleted_local"], "2026-07-01 12:00");
}

#[sqlx::test(migrations = "../migrations")]
async fn exports_write_the_users_words_not_codes(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let s = member(&app).await;
    let mut input = person("Dupré", None);
    input["lifecycle_stage"] = json!("at_risk");
    input["marketing_consent"] = json!(true);
    input["roles"] = json!(["client", "prospect"]);
    let r = app
        .call(
            "/api/persons/save",
            json!({"id": null, "version": null, "input": input}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let csv = app.get("/export/persons.csv", Some(&s)).await.text;
    assert!(csv.contains("At risk"), "{csv}");
    assert!(csv.contains("Client, Prospect"), "{csv}");
    assert!(
        csv.contains(",Yes,") || csv.contains(",Yes\r") || csv.contains(",Yes\n"),
        "{csv}"
    );
    for code in ["at_risk", ",true", "client, prospect", ",ms,"] {
        assert!(!csv.contains(code), "{code} in {csv}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_first_day_of_the_week_follows_the_profile(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    app.user("anna@example.fr", "member").await;
    // English, in Europe: Monday (the cookie the calendar reads).
    let r = app
        .call(
            "/api/auth/login",
            json!({"email": "anna@example.fr", "password": crate::common::PASSWORD, "locale": "en"}),
            None,
        )
        .await;
    assert!(
        r.cookies.iter().any(|c| c.starts_with("relais_week=mon")),
        "{:?}",
        r.cookies
    );
    let session = r
        .cookies
        .iter()
        .find(|c| c.starts_with("relais_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // In New York, "from my time zone" is Sunday; chosen, Monday again.
    let r = app
        .call(
            "/api/settings/save_profile",
            json!({"time_zone": "America/New_York", "capacity_hours": "5", "week_start": "auto"}),
            Some(&session),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.cookies.iter().any(|c| c.starts_with("relais_week=sun")),
        "{:?}",
        r.cookies
    );
    let r = app
        .call(
            "/api/settings/save_profile",
            json!({"time_zone": "America/New_York", "capacity_hours": "5", "week_start": "mon"}),
            Some(&session),
        )
        .await;
    assert!(
        r.cookies.iter().any(|c| c.starts_with("relais_week=mon")),
        "{:?}",
        r.cookies
    );
    let r = app
        .call(
            "/api/settings/save_profile",
            json!({"time_zone": "America/New_York", "capacity_hours": "5", "week_start": "friday"}),
            Some(&session),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
}
