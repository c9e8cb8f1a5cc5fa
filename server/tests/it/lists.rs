//! The shared record features: filters, keyset paging, history, trash,
//! mass actions, inline edit, CSV export, search, duplicates, saved filters,
//! tags, notes and the timeline.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

fn company(name: &str, city: &str, email: &str) -> Value {
    json!({
        "name": name, "roles": ["client"], "industry": "", "size": "", "website": "", "email": email,
        "phone": "", "street": "", "line2": "", "postal_code": "", "city": city, "country": "France",
        "registration_number": "", "source": "", "description": "", "owner_id": null
    })
}

async fn new_company(app: &TestApp, s: &str, name: &str, city: &str) -> i64 {
    let r = app
        .call(
            "/api/companies/save",
            json!({"id": null, "version": null, "input": company(name, city, ""), "confirmed": true}),
            Some(s),
        )
        .await;
    r.body.as_i64().unwrap_or_else(|| panic!("{}", r.text))
}

async fn list(app: &TestApp, s: &str, module: &str, query: Value) -> Value {
    let r = app
        .call(
            &format!("/api/{module}/list"),
            json!({ "query": query }),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

fn names(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn filters_combine_ignore_accents_and_refuse_unknown_fields(pool: PgPool) {
    let app = TestApp::new(pool);
    let (me, s) = app.login_as("a@relais.test", "member").await;
    let (_, other) = app.login_as("b@relais.test", "member").await;
    new_company(&app, &s, "Boulangerie Lefèvre", "Saint-Étienne").await;
    new_company(&app, &s, "Atelier du Moulin", "Lyon").await;
    new_company(&app, &other, "Brasserie du Port", "Saint-Etienne").await;

    let page = list(
        &app,
        &s,
        "companies",
        json!({"filters": [{"field": "city", "op": "is", "value": "saint-etienne"}]}),
    )
    .await;
    assert_eq!(
        names(&page),
        vec!["Boulangerie Lefèvre", "Brasserie du Port"]
    );
    let page = list(
        &app,
        &s,
        "companies",
        json!({"mine": true, "filters": [{"field": "city", "op": "contains", "value": "ÉTIENNE"}]}),
    )
    .await;
    assert_eq!(names(&page), vec!["Boulangerie Lefèvre"]);
    let page = list(
        &app,
        &s,
        "companies",
        json!({"filters": [{"field": "owner", "op": "is_not", "value": me.to_string()}]}),
    )
    .await;
    assert_eq!(names(&page), vec!["Brasserie du Port"]);
    // Quick search folds accents too.
    let page = list(&app, &s, "companies", json!({"q": "lefevre"})).await;
    assert_eq!(names(&page), vec!["Boulangerie Lefèvre"]);

    for bad in [
        json!({"field": "password_hash", "op": "is", "value": "x"}),
        json!({"field": "size", "op": "is", "value": "gigantic"}),
        json!({"field": "city", "op": "at_least", "value": "x"}),
        json!({"field": "created_at", "op": "is", "value": "yesterday"}),
    ] {
        let r = app
            .call(
                "/api/companies/list",
                json!({"query": {"filters": [bad]}}),
                Some(&s),
            )
            .await;
        assert_eq!(r.body["kind"], "invalid", "{}", r.text);
        assert_eq!(r.body["fields"][0]["field"], "filters");
    }
}

/// A filter on a moment (created, changed, an interaction's start) takes the
/// day the reader means: their own, in their time zone, not the database's.
#[sqlx::test(migrations = "../migrations")]
async fn a_day_is_the_readers_day_in_their_time_zone_in_the_filter_and_the_list(pool: PgPool) {
    let app = TestApp::new(pool);
    let (me, s) = app.login_as("a@relais.test", "member").await;
    let late = new_company(&app, &s, "Late", "Lyon").await;
    let early = new_company(&app, &s, "Early", "Lyon").await;
    // 23:30 UTC on the 10th is 00:30 on the 11th in Paris (UTC+1 in March);
    // 08:00 UTC on the 10th is the 10th everywhere near.
    for (id, at) in [
        (late, "2026-03-10 23:30+00"),
        (early, "2026-03-10 08:00+00"),
    ] {
        sqlx::query("UPDATE companies SET created_at = $2::timestamptz WHERE id = $1")
            .bind(id)
            .bind(at)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let on =
        |op: &str, day: &str| json!({"filters": [{"field": "created_at", "op": op, "value": day}]});
    let zone = |z: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query("UPDATE users SET time_zone = $2 WHERE id = $1")
                .bind(me)
                .bind(z)
                .execute(&pool)
                .await
                .unwrap();
        }
    };

    zone("Europe/Paris").await;
    let paris = [
        (on("is", "2026-03-11"), vec!["Late"]),
        (on("is", "2026-03-10"), vec!["Early"]),
        (on("at_least", "2026-03-11"), vec!["Late"]),
        (on("at_most", "2026-03-10"), vec!["Early"]),
    ];
    for (query, expected) in paris {
        assert_eq!(
            names(&list(&app, &s, "companies", query.clone()).await),
            expected,
            "{query}"
        );
    }
    // The list shows each its day as the filter means it: the reader's
    // (by name, whatever the list's order).
    let created = |page: &Value| -> Vec<(String, String)> {
        let mut shown: Vec<(String, String)> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let day = r["created_day"].as_str().unwrap_or("(none)");
                (r["name"].as_str().unwrap().to_string(), day.to_string())
            })
            .collect();
        shown.sort();
        shown
    };
    let page = list(&app, &s, "companies", on("not_empty", "")).await;
    assert_eq!(
        created(&page),
        [
            ("Early".into(), "2026-03-10".into()),
            ("Late".into(), "2026-03-11".into())
        ],
        "{page}"
    );

    // The same rows, read by someone in UTC: both on the 10th.
    zone("UTC").await;
    let page = list(&app, &s, "companies", on("is", "2026-03-10")).await;
    assert_eq!(names(&page), vec!["Early", "Late"]);
    assert_eq!(
        created(&page),
        [
            ("Early".into(), "2026-03-10".into()),
            ("Late".into(), "2026-03-10".into())
        ],
        "{page}"
    );
    let page = list(&app, &s, "companies", on("at_least", "2026-03-11")).await;
    assert!(names(&page).is_empty(), "{page}");

    // Empty and not empty need no day; a day that is not one is refused.
    let page = list(
        &app,
        &s,
        "companies",
        json!({"filters": [{"field": "created_at", "op": "not_empty", "value": ""}]}),
    )
    .await;
    assert_eq!(names(&page).len(), 2);
    let r = app
        .call(
            "/api/companies/list",
            json!({"query": on("is", "2026-02-30")}),
            Some(&s),
        )
        .await;
    assert_eq!(r.body["kind"], "invalid", "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn history_is_written_in_the_same_transaction_and_the_trash_restores(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("a@relais.test", "member").await;
    let (_, admin) = app.login_as("admin@relais.test", "admin").await;
    let id = new_company(&app, &s, "Atelier Élan", "Lyon").await;
    let r = app
        .call("/api/companies/save", json!({"id": id, "version": 1, "input": company("Atelier Élan", "Nantes", "contact@elan.fr")}), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let changes: Vec<(String, Option<i64>, Value)> = sqlx::query_as(
        "SELECT action, user_id, changes FROM record_changes WHERE record_type = 'company' AND record_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].0, "create");
    assert_eq!(changes[1].0, "update");
    assert_eq!(changes[1].1, Some(me));
    assert_eq!(changes[1].2["city"], json!(["Lyon", "Nantes"]));
    assert_eq!(changes[1].2["email"], json!([null, "contact@elan.fr"]));
    assert!(
        changes[1].2.get("version").is_none(),
        "bookkeeping columns are not history"
    );

    // A refused save writes no history.
    let stale = app
        .call(
            "/api/companies/save",
            json!({"id": id, "version": 1, "input": company("X", "Y", "")}),
            Some(&s),
        )
        .await;
    assert_eq!(stale.body["kind"], "conflict");
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM record_changes WHERE record_id = $1 AND record_type = 'company'",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(count, 2);

    let d = app
        .call(
            "/api/companies/delete",
            json!({"id": id, "version": 2}),
            Some(&s),
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(list(&app, &s, "companies", json!({})).await["total"], 0);
    // Members cannot see or empty the trash; an admin restores.
    let r = app
        .call(
            "/api/trash/list",
            json!({"kind": "company", "before": null}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            "/api/trash/restore",
            json!({"kind": "company", "id": id}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let trash = app
        .call(
            "/api/trash/list",
            json!({"kind": "company", "before": null}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        trash.body[0]["link"]["name"], "Atelier Élan",
        "{}",
        trash.text
    );
    let r = app
        .call(
            "/api/trash/restore",
            json!({"kind": "company", "id": id}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(list(&app, &s, "companies", json!({})).await["total"], 1);

    // The timeline shows all of it, newest first.
    let tl = app
        .call(
            "/api/records/timeline",
            json!({"kind": "company", "id": id, "before": null}),
            Some(&s),
        )
        .await;
    let actions: Vec<&str> = tl.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["entry"]["Change"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["restore", "delete", "update", "create"],
        "{}",
        tl.text
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_timeline_pages_through_notes_and_changes(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let id = new_company(&app, &s, "Atelier Élan", "Lyon").await;
    for i in 0..25 {
        let r = app
            .call(
                "/api/notes/add",
                json!({"kind": "company", "id": id, "body": format!("note {i}"), "pinned": false}),
                Some(&s),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let empty = app
        .call(
            "/api/notes/add",
            json!({"kind": "company", "id": id, "body": "  ", "pinned": false}),
            Some(&s),
        )
        .await;
    assert_eq!(empty.body["fields"][0]["problem"]["code"], "required");
    let missing = app
        .call(
            "/api/notes/add",
            json!({"kind": "person", "id": 999, "body": "x", "pinned": false}),
            Some(&s),
        )
        .await;
    assert_eq!(missing.body["kind"], "not_found");

    let mut seen = Vec::new();
    let mut before = Value::Null;
    loop {
        let tl = app
            .call(
                "/api/records/timeline",
                json!({"kind": "company", "id": id, "before": before}),
                Some(&s),
            )
            .await;
        assert_eq!(tl.status, StatusCode::OK, "{}", tl.text);
        for item in tl.body["items"].as_array().unwrap() {
            seen.push(
                item["entry"]["Note"]["body"]
                    .as_str()
                    .map(String::from)
                    .unwrap_or("change".into()),
            );
        }
        before = tl.body["next"].clone();
        if before.is_null() {
            break;
        }
    }
    assert_eq!(seen.len(), 26, "25 notes and the creation: {seen:?}");
    assert_eq!(seen[0], "note 24");
    assert_eq!(seen[24], "note 0");
    assert_eq!(seen[25], "change");
}

#[sqlx::test(migrations = "../migrations")]
async fn mass_actions_assign_tag_and_delete_with_history(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let (other, _) = app.login_as("b@relais.test", "member").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(new_company(&app, &s, &format!("Société {i}"), "Lyon").await);
    }
    let r = app
        .call("/api/records/mass", json!({"kind": "company", "ids": &ids[..3], "action": {"do": "assign", "owner_id": other}}), Some(&s))
        .await;
    assert_eq!(r.body, json!({"changed": 3, "refused": 0}), "{}", r.text);
    let r = app
        .call("/api/records/mass", json!({"kind": "company", "ids": &ids[1..4], "action": {"do": "add_tag", "name": "Salon 2026"}}), Some(&s))
        .await;
    assert_eq!(r.body, json!({"changed": 3, "refused": 0}), "{}", r.text);
    // Same tag whatever the case and accents.
    let r = app
        .call(
            "/api/records/add_tag",
            json!({"kind": "company", "id": ids[0], "name": "SALON 2026"}),
            Some(&s),
        )
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1, "{}", r.text);
    let tag = r.body[0]["id"].as_i64().unwrap();
    let page = list(
        &app,
        &s,
        "companies",
        json!({"filters": [{"field": "tags", "op": "is", "value": tag.to_string()}]}),
    )
    .await;
    assert_eq!(page["total"], 4);
    let page = list(
        &app,
        &s,
        "companies",
        json!({"filters": [{"field": "owner", "op": "is", "value": other.to_string()}]}),
    )
    .await;
    assert_eq!(names(&page), vec!["Société 0", "Société 1", "Société 2"]);
    // The history names the new owner (stored as an id), read for the
    // owners the page shows.
    let their_name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
        .bind(other)
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = app
        .call(
            "/api/records/timeline",
            json!({"kind": "company", "id": ids[0], "before": null}),
            Some(&s),
        )
        .await;
    let owner_change = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            i["entry"]["Change"]["changes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find(|c| c["field"] == "owner_id")
        .unwrap_or_else(|| panic!("no owner change: {}", r.text));
    assert_eq!(owner_change["new"], their_name.as_str());
    let old = owner_change["old"].as_str().unwrap();
    assert!(old.parse::<i64>().is_err(), "an id shown as is: {old}");

    // A colleague's own company is theirs (or a manager's) to delete: left
    // as it is, and said so.
    let theirs: i64 = sqlx::query_scalar(
        "INSERT INTO companies (name, owner_id, created_by) VALUES ('Chez B', $1, $1) RETURNING id",
    )
    .bind(other)
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut doomed = ids[3..].to_vec();
    doomed.push(theirs);
    let r = app
        .call(
            "/api/records/mass",
            json!({"kind": "company", "ids": doomed, "action": {"do": "delete"}}),
            Some(&s),
        )
        .await;
    assert_eq!(r.body, json!({"changed": 2, "refused": 1}), "{}", r.text);
    let gone: bool =
        sqlx::query_scalar("SELECT deleted_at IS NOT NULL FROM companies WHERE id = $1")
            .bind(theirs)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!gone);
    assert_eq!(list(&app, &s, "companies", json!({})).await["total"], 4);
    let logged: i64 = sqlx::query_scalar("SELECT count(*) FROM record_changes WHERE action IN ('delete', 'update') AND record_type = 'company'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        logged, 5,
        "3 assignments and 2 deletions are in the history"
    );
    let too_many: Vec<i64> = (0..1001).collect();
    let r = app
        .call(
            "/api/records/mass",
            json!({"kind": "company", "ids": too_many, "action": {"do": "delete"}}),
            Some(&s),
        )
        .await;
    assert_eq!(r.body["kind"], "invalid");
}

#[sqlx::test(migrations = "../migrations")]
async fn inline_edits_are_checked_and_versioned(pool: PgPool) {
    let app = TestApp::new(pool);
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let id = new_company(&app, &s, "Atelier Élan", "Lyon").await;
    let edit = |version: i32, field: &str, value: &str| json!({"kind": "company", "id": id, "version": version, "field": field, "value": value});
    let r = app
        .call(
            "/api/records/edit_field",
            edit(1, "email", "nope"),
            Some(&s),
        )
        .await;
    assert_eq!(
        r.body["fields"][0]["problem"]["code"], "invalid_email",
        "{}",
        r.text
    );
    let r = app
        .call(
            "/api/records/edit_field",
            edit(1, "owner_id", "1"),
            Some(&s),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only whitelisted fields: {}",
        r.text
    );
    let r = app
        .call(
            "/api/records/edit_field",
            edit(1, "city", "Québec"),
            Some(&s),
        )
        .await;
    assert_eq!(r.body, json!(2), "{}", r.text);
    let r = app
        .call(
            "/api/records/edit_field",
            edit(1, "city", "Paris"),
            Some(&s),
        )
        .await;
    assert_eq!(r.body["kind"], "conflict");
    assert_eq!(r.body["current"]["city"], "Québec");
}

#[sqlx::test(migrations = "../migrations")]
async fn csv_export_streams_exactly_the_filter_with_bom_and_quoting(pool: PgPool) {
    let app = TestApp::new(pool);
    let (_, s) = app.login_as("a@relais.test", "member").await;
    new_company(&app, &s, "Dupont, Fils & \"Cie\"", "Saint-Étienne").await;
    new_company(&app, &s, "Atelier du Moulin", "Lyon").await;
    new_company(&app, &s, "Boulangerie Lefèvre", "Saint-Étienne").await;
    let anonymous = app.get("/export/companies.csv", None).await;
    assert!(anonymous.status.is_redirection() || anonymous.status == StatusCode::UNAUTHORIZED);

    let f = app::ui::list::urlencode("city.is.saint-etienne");
    let r = app
        .get(
            &format!("/export/companies.csv?sort=name&dir=desc&f={f}"),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.text.starts_with('\u{feff}'),
        "UTF-8 byte order mark first"
    );
    let mut reader = csv::Reader::from_reader(r.text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[1], "Name");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let names: Vec<&str> = rows.iter().map(|r| &r[1]).collect();
    assert_eq!(names, vec!["Dupont, Fils & \"Cie\"", "Boulangerie Lefèvre"]);
    assert_eq!(&rows[0][11], "Saint-Étienne");

    // Through the compression layer too (browsers ask for it).
    let req = axum::http::Request::get(format!("/export/companies.csv?sort=name&dir=desc&f={f}"))
        .header(axum::http::header::COOKIE, &s)
        .header(axum::http::header::ACCEPT_ENCODING, "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(resp.headers()[axum::http::header::CONTENT_ENCODING], "gzip");
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
        .unwrap();
    assert_eq!(text, r.text, "the compressed export is the whole export");

    let bad = app
        .get("/export/companies.csv?f=password.is.x", Some(&s))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = app.get("/export/users.csv", Some(&s)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn new_person(
    app: &TestApp,
    s: &str,
    first: &str,
    last: &str,
    email: &str,
    phone: &str,
) -> i64 {
    let input = json!({
        "civility": "", "first_name": first, "last_name": last, "job_title": "", "email": email,
        "email2": "", "phone": phone, "mobile": "", "street": "", "line2": "", "postal_code": "", "city": "",
        "country": "", "birthday": "", "preferred_language": "", "roles": [], "lifecycle_stage": "",
        "source": "", "marketing_consent": false, "consent_date": "", "consent_method": "", "owner_id": null,
        "company_id": null, "company_job_title": "", "link_start": "", "link_end": ""
    });
    let r = app
        .call(
            "/api/persons/save",
            json!({"id": null, "version": null, "input": input, "confirmed": true}),
            Some(s),
        )
        .await;
    r.body.as_i64().unwrap_or_else(|| panic!("{}", r.text))
}

/// The top bar's search: each hit as (kind, id, name), best first.
async fn global_search(app: &TestApp, s: &str, q: &str) -> Vec<(String, i64, String)> {
    let r = app
        .call("/api/search/global", json!({ "q": q }), Some(s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap().to_string(),
                h["id"].as_i64().unwrap(),
                h["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn global_search_forgives_case_accents_and_typos(pool: PgPool) {
    let app = TestApp::new(pool);
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let elodie = new_person(
        &app,
        &s,
        "Élodie",
        "Lefèvre",
        "elodie@exemple.fr",
        "06 12 34 56 78",
    )
    .await;
    new_person(&app, &s, "Jean", "Martin", "jean.martin@exemple.fr", "").await;
    new_company(&app, &s, "Fromagerie Lefèvre", "Annecy").await;
    let search = |q: &'static str| global_search(&app, &s, q);
    let hits = search("elodie lefevre").await;
    assert_eq!(hits.first().map(|h| h.1), Some(elodie), "{hits:?}");
    let hits = search("LEFEVRE").await;
    assert!(
        hits.iter().any(|h| h.0 == "company") && hits.iter().any(|h| h.1 == elodie),
        "{hits:?}"
    );
    let hits = search("lefebvre").await;
    assert!(
        hits.iter().any(|h| h.1 == elodie),
        "a typo still finds her: {hits:?}"
    );
    let hits = search("06 12 34").await;
    assert_eq!(
        hits.iter().map(|h| h.1).collect::<Vec<_>>(),
        vec![elodie],
        "by phone"
    );
    let hits = search("elodie@exemple").await;
    assert_eq!(hits.first().map(|h| h.1), Some(elodie), "by email");
    assert!(search("e").await.is_empty(), "one letter finds nothing");

    // The duplicate warning: a similar name, or the same email.
    let dup = |name: &str, email: &str| json!({"kind": "person", "name": name, "email": email, "phone": "", "exclude": null});
    let r = app
        .call(
            "/api/search/duplicates",
            dup("Elodie Lefevre", ""),
            Some(&s),
        )
        .await;
    assert_eq!(r.body[0]["id"], elodie, "{}", r.text);
    let r = app
        .call(
            "/api/search/duplicates",
            dup("Someone Else", "ELODIE@exemple.fr"),
            Some(&s),
        )
        .await;
    assert_eq!(r.body[0]["id"], elodie, "{}", r.text);
    let r = app
        .call(
            "/api/search/duplicates",
            dup("Zoé Nguyen", "zoe@ailleurs.fr"),
            Some(&s),
        )
        .await;
    assert_eq!(r.body, json!([]), "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn names_starting_with_the_text_come_first_in_either_order(pool: PgPool) {
    let app = TestApp::new(pool);
    let (_, s) = app.login_as("a@relais.test", "member").await;
    // An email holding the text, then six names starting with it.
    new_person(&app, &s, "Paul", "Dupont", "martin@exemple.fr", "").await;
    let jean = new_person(&app, &s, "Jean", "Martin", "", "").await;
    for first in ["Anne", "Luc", "Marc", "Rose", "Zoé"] {
        new_person(&app, &s, first, "Martinez", "", "").await;
    }
    let persons = |q: &'static str| {
        let search = global_search(&app, &s, q);
        async move {
            let hits = search.await;
            hits.into_iter()
                .filter(|h| h.0 == "person")
                .map(|h| h.2)
                .collect::<Vec<_>>()
        }
    };
    let hits = persons("martin").await;
    assert_eq!(hits.len(), 5, "{hits:?}");
    assert_eq!(
        hits[0], "Jean Martin",
        "alphabetical by last name: {hits:?}"
    );
    assert!(
        hits.iter().all(|h| h.contains("Martin")),
        "names first, the email holding the text after: {hits:?}"
    );
    // Typed last name first: found by the name's sort order, which the
    // search text (first name first) does not hold.
    let hits = global_search(&app, &s, "martin je").await;
    assert_eq!(hits.first().map(|h| h.1), Some(jean), "{hits:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn first_names_emails_and_typos_are_found_from_the_start_of_a_key(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let helene = new_person(&app, &s, "Hélène", "Lefebvre", "h.lefebvre@exemple.fr", "").await;
    for first in ["Anne", "Luc", "Marc", "Rose", "Zoé", "Yves"] {
        new_person(&app, &s, first, "Lefebvre", "", "").await;
    }
    // Six Hélènes of other names: the first-name key holds them first.
    for last in ["Aubert", "Blanc", "Colin", "Dumas", "Giraud", "Hubert"] {
        new_person(&app, &s, "Hélène", last, "", "").await;
    }
    let first = |q: &'static str| {
        let search = global_search(&app, &s, q);
        async move { search.await.first().map(|h| h.1) }
    };
    assert_eq!(first("helene lef").await, Some(helene), "first name first");
    assert_eq!(
        first("h.lefeb").await,
        Some(helene),
        "the start of an email"
    );
    assert_eq!(
        first("helene lefebre").await,
        Some(helene),
        "a typo in the last name"
    );
    assert_eq!(
        first("lefebre helene").await,
        Some(helene),
        "and in either order"
    );
    let hits = global_search(&app, &s, "helene").await;
    assert_eq!(hits.len(), 5, "{hits:?}");
    assert!(hits.iter().all(|h| h.2.starts_with("Hélène")), "{hits:?}");

    // The vocabulary follows the names: a renamed person's old word goes
    // once nobody holds it; a shared one stays.
    let words = || {
        sqlx::query_scalar::<_, String>(
            "SELECT word FROM search_words WHERE word IN ('lefebvre', 'hubert', 'hubertine') ORDER BY word",
        )
        .fetch_all(&pool)
    };
    assert_eq!(words().await.unwrap(), ["hubert", "lefebvre"]);
    sqlx::query("UPDATE persons SET last_name = 'Hubertine' WHERE last_name = 'Hubert'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE persons SET last_name = 'Martin' WHERE first_name = 'Yves'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(words().await.unwrap(), ["hubertine", "lefebvre"]);
    let renamed = first("hubertine").await;
    assert!(renamed.is_some());
    assert_eq!(
        first("hubertyne").await,
        renamed,
        "the new word corrects a typo"
    );
    sqlx::query("DELETE FROM persons WHERE last_name = 'Lefebvre'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(words().await.unwrap(), ["hubertine"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn large_counts_are_estimated_small_ones_exact(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("a@relais.test", "member").await;
    // 12,000 persons, 40 of them in Brest, 12 in Vannes.
    sqlx::query(
        "INSERT INTO persons (last_name, city)
         SELECT 'Person ' || n, CASE WHEN n <= 40 THEN 'Brest' WHEN n <= 52 THEN 'Vannes' ELSE 'Lyon' END
         FROM generate_series(1, 12000) n",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE persons").execute(&pool).await.unwrap();
    let city = |name: &str| json!({"filters": [{"field": "city", "op": "is", "value": name}]});

    let all = list(&app, &s, "persons", json!({})).await;
    assert_eq!(all["total_is_estimate"], true, "{all}");
    let total = all["total"].as_i64().unwrap();
    assert!(
        (11_000..=13_000).contains(&total) && total % 100 == 0,
        "the planner's estimate, rounded to two digits: {total}"
    );
    let brest = list(&app, &s, "persons", city("Brest")).await;
    assert_eq!(
        (
            brest["total"].as_i64(),
            brest["total_is_estimate"].as_bool()
        ),
        (Some(40), Some(false)),
        "a small count is exact"
    );
    assert_eq!(brest["rows"].as_array().unwrap().len(), 25);
    // A first page holding every row counts them, whatever the estimate.
    let vannes = list(&app, &s, "persons", city("vannes")).await;
    assert_eq!(
        (
            vannes["total"].as_i64(),
            vannes["total_is_estimate"].as_bool()
        ),
        (Some(12), Some(false))
    );
    let none = list(&app, &s, "persons", city("Quimper")).await;
    assert_eq!(
        (none["total"].as_i64(), none["total_is_estimate"].as_bool()),
        (Some(0), Some(false))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn saved_filters_are_mine_or_shared(pool: PgPool) {
    let app = TestApp::new(pool);
    let (_, a) = app.login_as("a@relais.test", "member").await;
    let (_, b) = app.login_as("b@relais.test", "member").await;
    let query = json!({"q": "", "filters": [{"field": "city", "op": "is", "value": "Lyon"}], "mine": true, "after": {"key": "x", "id": 3}});
    let save = |name: &str, shared: bool| json!({"kind": "company", "name": name, "shared": shared, "query": query});
    let r = app
        .call("/api/lists/save_filter", save("Lyon", true), Some(&a))
        .await;
    let lyon = r.body.as_i64().unwrap_or_else(|| panic!("{}", r.text));
    app.call("/api/lists/save_filter", save("Private", false), Some(&a))
        .await;
    let r = app
        .call("/api/lists/save_filter", save("", false), Some(&a))
        .await;
    assert_eq!(r.body["fields"][0]["field"], "name");

    let mine = app
        .call("/api/lists/filters", json!({"kind": "company"}), Some(&a))
        .await;
    assert_eq!(mine.body.as_array().unwrap().len(), 2);
    assert!(
        mine.body[0]["query"]["after"].is_null(),
        "a saved filter keeps no page position"
    );
    let theirs = app
        .call("/api/lists/filters", json!({"kind": "company"}), Some(&b))
        .await;
    let list = theirs.body.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "Lyon");
    assert_eq!(list[0]["mine"], false);
    let r = app
        .call("/api/lists/delete_filter", json!({"id": lyon}), Some(&b))
        .await;
    assert_eq!(
        r.body["kind"], "not_found",
        "someone else's filter is not mine to delete"
    );
    let r = app
        .call("/api/lists/delete_filter", json!({"id": lyon}), Some(&a))
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // Chosen columns are remembered per user.
    app.call(
        "/api/lists/set_columns",
        json!({"kind": "company", "columns": ["name", "city"]}),
        Some(&a),
    )
    .await;
    let cols = app
        .call("/api/lists/columns", json!({"kind": "company"}), Some(&a))
        .await;
    assert_eq!(cols.body, json!(["name", "city"]));
    let cols = app
        .call("/api/lists/columns", json!({"kind": "company"}), Some(&b))
        .await;
    assert_eq!(cols.body, Value::Null);
}

fn deal(name: &str, pipeline: i64, stage: i64) -> Value {
    json!({
        "name": name, "company_id": null, "person_id": null, "pipeline_id": pipeline, "stage_id": stage,
        "amount": "12 500,50", "expected_close": "2027-03-31", "probability": "", "status": "open",
        "lost_reason": "", "next_step": "", "description": "", "owner_id": null
    })
}

#[sqlx::test(migrations = "../migrations")]
async fn deals_follow_their_pipeline_and_admins_edit_stages(pool: PgPool) {
    let app = TestApp::new(pool);
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let (_, admin) = app.login_as("admin@relais.test", "admin").await;
    let pipelines = app
        .call(
            "/api/deals/pipelines",
            json!({"include_inactive": false}),
            Some(&s),
        )
        .await;
    let p = pipelines.body[0]["id"].as_i64().unwrap();
    let stages: Vec<(i64, i64)> = pipelines.body[0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| {
            (
                st["id"].as_i64().unwrap(),
                st["probability"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(stages.len(), 4);

    let r = app
        .call(
            "/api/deals/save",
            json!({"id": null, "version": null, "input": deal("Renouvellement", p, stages[2].0)}),
            Some(&s),
        )
        .await;
    let id = r.body.as_i64().unwrap_or_else(|| panic!("{}", r.text));
    let got = app
        .call("/api/deals/get", json!({"id": id}), Some(&s))
        .await;
    assert_eq!(
        got.body["input"]["probability"],
        stages[2].1.to_string(),
        "the stage gives the probability"
    );
    assert_eq!(got.body["input"]["amount"], "12500.50");

    // A stage of another pipeline, or lost without a reason, is refused.
    let other = app
        .call(
            "/api/pipelines/save",
            json!({"id": null, "name": "Partenariats", "active": true}),
            Some(&admin),
        )
        .await;
    let other = other.body.as_i64().unwrap();
    let st = app
        .call(
            "/api/pipelines/save_stage",
            json!({"id": null, "pipeline_id": other, "name": "Premier contact", "probability": 5}),
            Some(&admin),
        )
        .await;
    let foreign_stage = st.body.as_i64().unwrap();
    let r = app
        .call(
            "/api/deals/save",
            json!({"id": null, "version": null, "input": deal("X", p, foreign_stage)}),
            Some(&s),
        )
        .await;
    assert_eq!(r.body["fields"][0]["field"], "stage_id", "{}", r.text);
    let mut lost = deal("Perdu", p, stages[0].0);
    lost["status"] = json!("lost");
    let r = app
        .call(
            "/api/deals/save",
            json!({"id": null, "version": null, "input": lost}),
            Some(&s),
        )
        .await;
    assert_eq!(r.body["fields"][0]["field"], "lost_reason", "{}", r.text);

    // Members do not edit pipelines; admins reorder, and cannot remove a used stage.
    let r = app
        .call(
            "/api/pipelines/move_stage",
            json!({"id": stages[1].0, "up": true}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            "/api/pipelines/move_stage",
            json!({"id": stages[1].0, "up": true}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let again = app
        .call(
            "/api/deals/pipelines",
            json!({"include_inactive": false}),
            Some(&s),
        )
        .await;
    let order: Vec<i64> = again.body[0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| st["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        order,
        vec![stages[1].0, stages[0].0, stages[2].0, stages[3].0]
    );
    let r = app
        .call(
            "/api/pipelines/remove_stage",
            json!({"id": stages[2].0}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        r.body["fields"][0]["problem"]["code"], "in_use",
        "{}",
        r.text
    );

    // Deals list: sorted by amount, filtered by amount.
    let page = list(&app, &s, "deals", json!({"sort": "amount", "desc": true, "filters": [{"field": "amount", "op": "at_least", "value": "10000"}]})).await;
    assert_eq!(names(&page), vec!["Renouvellement"]);
}
