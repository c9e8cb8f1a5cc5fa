//! Merging duplicates (`app::records::merge`) and finding them
//! (`app::records::duplicates`): every kind of link moves to the kept
//! record and comes back with the undo; the choices field by field; a
//! record changed meanwhile is not merged; the pairs found by email, phone
//! in any notation and name without accents.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn person(
    pool: &PgPool,
    owner: i64,
    (first, last): (&str, &str),
    email: &str,
    phone: &str,
    age_days: i32,
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO persons (first_name, last_name, email, phone, owner_id, created_by, updated_by, updated_at)
         VALUES ($1, $2, nullif($3, ''), nullif($4, ''), $5, $5, $5, now() - make_interval(days => $6)) RETURNING id",
    )
    .bind(first)
    .bind(last)
    .bind(email)
    .bind(phone)
    .bind(owner)
    .bind(age_days)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn count(pool: &PgPool, sql: &'static str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// How many rows of each link point at person `id`.
async fn links_of(pool: &PgPool, id: i64) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for (name, sql) in [
        (
            "jobs",
            "SELECT count(*) FROM person_companies WHERE person_id = $1",
        ),
        ("deals", "SELECT count(*) FROM deals WHERE person_id = $1"),
        (
            "attended",
            "SELECT count(*) FROM interaction_attendees WHERE person_id = $1",
        ),
        (
            "consent",
            "SELECT count(*) FROM consent_changes WHERE person_id = $1",
        ),
        (
            "interactions",
            "SELECT count(*) FROM interaction_links WHERE record_type = 'person' AND record_id = $1",
        ),
        (
            "notes",
            "SELECT count(*) FROM note_links WHERE record_type = 'person' AND record_id = $1",
        ),
        (
            "tags",
            "SELECT count(*) FROM record_tags WHERE record_type = 'person' AND record_id = $1",
        ),
        (
            "favourites",
            "SELECT count(*) FROM favourites WHERE record_type = 'person' AND record_id = $1",
        ),
        (
            "recent",
            "SELECT count(*) FROM recent_views WHERE record_type = 'person' AND record_id = $1",
        ),
    ] {
        out.push((name, count(pool, sql, id).await));
    }
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn a_merge_moves_every_link_keeps_the_chosen_values_and_its_undo_puts_all_back(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("manager@example.fr", "manager").await;
    // The kept one, changed long ago, has no email; the other, changed
    // yesterday, has one and a phone in another notation.
    let kept = person(
        &pool,
        me,
        ("Élodie", "Lefèvre"),
        "",
        "+33 6 12 34 56 78",
        30,
    )
    .await;
    let other = person(
        &pool,
        me,
        ("Elodie", "Lefevre"),
        "E.Lefevre@Exemple.fr",
        "06 12 34 56 78",
        1,
    )
    .await;
    let q = |sql: &'static str| sqlx::query(sql);
    let company: i64 = sqlx::query_scalar(
        "INSERT INTO companies (name, created_by) VALUES ('Acme', $1) RETURNING id",
    )
    .bind(me)
    .fetch_one(&pool)
    .await
    .unwrap();
    q("INSERT INTO person_companies (person_id, company_id, job_title) VALUES ($1, $2, 'Buyer')")
        .bind(other)
        .bind(company)
        .execute(&pool)
        .await
        .unwrap();
    let deal: i64 = sqlx::query_scalar(
        "INSERT INTO deals (name, pipeline_id, stage_id, person_id, owner_id, created_by, updated_by)
         SELECT 'Deal', p.id, s.id, $1, $2, $2, $2 FROM pipelines p JOIN pipeline_stages s ON s.pipeline_id = p.id
         ORDER BY s.position LIMIT 1 RETURNING id",
    )
    .bind(other)
    .bind(me)
    .fetch_one(&pool)
    .await
    .unwrap();
    // Two meetings: both attended the first (the kept one's row stays,
    // the other's is dropped), the other alone the second.
    let mut meetings = Vec::new();
    for subject in ["Both", "Other only"] {
        let i: i64 = sqlx::query_scalar(
            "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, priority, owner_id, created_by, updated_by)
             VALUES ('meeting', $1, 'planned', now(), now() + interval '1 hour', 'medium', $2, $2, $2) RETURNING id",
        )
        .bind(subject)
        .bind(me)
        .fetch_one(&pool)
        .await
        .unwrap();
        meetings.push(i);
        q("INSERT INTO interaction_links (interaction_id, record_type, record_id, main, at) VALUES ($1, 'person', $2, true, now())")
            .bind(i)
            .bind(other)
            .execute(&pool)
            .await
            .unwrap();
        q("INSERT INTO interaction_attendees (interaction_id, person_id, starts_at) VALUES ($1, $2, now())")
            .bind(i)
            .bind(other)
            .execute(&pool)
            .await
            .unwrap();
    }
    for (table, cols) in [(
        "interaction_attendees",
        "(interaction_id, person_id, starts_at) VALUES ($1, $2, now())",
    )] {
        sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO {table} {cols}")))
            .bind(meetings[0])
            .bind(kept)
            .execute(&pool)
            .await
            .unwrap();
    }
    let note: i64 = sqlx::query_scalar(
        "INSERT INTO notes (body, author_id) VALUES ('Met at the fair', $1) RETURNING id",
    )
    .bind(me)
    .fetch_one(&pool)
    .await
    .unwrap();
    q("INSERT INTO note_links (note_id, record_type, record_id) VALUES ($1, 'person', $2)")
        .bind(note)
        .bind(other)
        .execute(&pool)
        .await
        .unwrap();
    // The same tag on both (one kept), another on the other only.
    for (tag, on) in [("VIP", vec![kept, other]), ("Salon", vec![other])] {
        let t: i64 = sqlx::query_scalar("INSERT INTO tags (name) VALUES ($1) RETURNING id")
            .bind(tag)
            .fetch_one(&pool)
            .await
            .unwrap();
        for p in on {
            q("INSERT INTO record_tags (tag_id, record_type, record_id) VALUES ($1, 'person', $2)")
                .bind(t)
                .bind(p)
                .execute(&pool)
                .await
                .unwrap();
        }
    }
    q("INSERT INTO favourites (user_id, record_type, record_id) VALUES ($1, 'person', $2)")
        .bind(me)
        .bind(other)
        .execute(&pool)
        .await
        .unwrap();
    q("INSERT INTO recent_views (user_id, record_type, record_id) VALUES ($1, 'person', $2), ($1, 'person', $3)")
        .bind(me)
        .bind(other)
        .bind(kept)
        .execute(&pool)
        .await
        .unwrap();
    q("INSERT INTO consent_changes (person_id, consent, changed_by) VALUES ($1, true, $2)")
        .bind(other)
        .bind(me)
        .execute(&pool)
        .await
        .unwrap();
    let before_kept = links_of(&pool, kept).await;
    let before_other = links_of(&pool, other).await;

    // The sheet: both side by side; the email proposed from the other
    // (the only one that has one), the name from the most recent.
    let r = app
        .call(
            "/api/merge/compare",
            json!({"kind": "person", "ids": [kept, other]}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let field = |name: &str| -> Value {
        r.body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no field {name}: {}", r.text))
    };
    assert_eq!(
        field("email")["values"],
        json!(["", "E.Lefevre@Exemple.fr"])
    );
    assert_eq!(field("email")["default"], 1);
    assert_eq!(
        field("first_name")["default"],
        1,
        "the most recent non-empty value"
    );
    let other_links = r.body["records"][1]["links"].as_array().unwrap().len();
    assert!(other_links >= 8, "what would move is listed: {}", r.text);
    let versions: Vec<(i64, i32)> = vec![(kept, 1), (other, 1)];

    // A record changed since the sheet was read: nothing is merged.
    let stale = app
        .call(
            "/api/merge/run",
            json!({"kind": "person", "keep": kept, "merged": [other], "versions": [[kept, 1], [other, 0]],
                   "choices": []}),
            Some(&s),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert_eq!(links_of(&pool, other).await, before_other);

    // The merge: email from the other, the name kept as it is.
    let r = app
        .call(
            "/api/merge/run",
            json!({"kind": "person", "keep": kept, "merged": [other], "versions": versions,
                   "choices": [{"field": "email", "from": other}, {"field": "first_name", "from": kept}]}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let merge = r.body.as_i64().unwrap();
    let (first, email, deleted): (String, Option<String>, bool) =
        sqlx::query_as("SELECT first_name, email, (SELECT deleted_at IS NOT NULL FROM persons WHERE id = $2) FROM persons WHERE id = $1")
            .bind(kept)
            .bind(other)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (first.as_str(), email.as_deref(), deleted),
        ("Élodie", Some("E.Lefevre@Exemple.fr"), true)
    );
    let after_kept = links_of(&pool, kept).await;
    assert!(
        links_of(&pool, other).await.iter().all(|(_, n)| *n == 0),
        "nothing points at the merged one"
    );
    let expected = |name: &str, n: i64| {
        let at = |v: &Vec<(&str, i64)>| v.iter().find(|(k, _)| *k == name).unwrap().1;
        assert_eq!(at(&after_kept), n, "{name}: {after_kept:?}");
        let _ = (at(&before_kept), at(&before_other));
    };
    expected("jobs", 1);
    expected("deals", 1);
    expected("attended", 2); // the shared meeting once, the other's meeting
    expected("consent", 1);
    expected("interactions", 2);
    expected("notes", 1);
    expected("tags", 2); // VIP once, Salon
    expected("favourites", 1);
    expected("recent", 1);
    let deal_version: i32 = sqlx::query_scalar("SELECT version FROM deals WHERE id = $1")
        .bind(deal)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(deal_version, 2, "a moved deal gets a new version");
    // In both histories, in the audit log.
    let history: Vec<(i64, String)> = sqlx::query_as(
        "SELECT record_id, action FROM record_changes WHERE record_type = 'person' AND action = 'merge' ORDER BY record_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        history,
        vec![(kept, "merge".into()), (other, "merge".into())]
    );
    let audited = count(
        &pool,
        "SELECT count(*) FROM audit_log WHERE action = 'merge' AND record_id = $1",
        kept,
    )
    .await;
    assert_eq!(audited, 1);
    // The kept record's timeline offers the undo.
    let t = app
        .call(
            "/api/records/timeline",
            json!({"kind": "person", "id": kept, "before": null}),
            Some(&s),
        )
        .await;
    assert!(
        t.text.contains("\"Merge\"") && t.text.contains(&format!("\"merge_id\":{merge}")),
        "{}",
        t.text
    );
    assert!(t.text.contains("\"undone\":false"), "{}", t.text);

    // The undo: everything back where it was.
    let r = app
        .call("/api/merge/undo", json!({"id": merge}), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(links_of(&pool, kept).await, before_kept);
    assert_eq!(links_of(&pool, other).await, before_other);
    let (email, deleted): (Option<String>, bool) =
        sqlx::query_as("SELECT email, (SELECT deleted_at IS NOT NULL FROM persons WHERE id = $2) FROM persons WHERE id = $1")
            .bind(kept)
            .bind(other)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((email, deleted), (None, false));
    let t = app
        .call(
            "/api/records/timeline",
            json!({"kind": "person", "id": kept, "before": null}),
            Some(&s),
        )
        .await;
    assert!(
        t.text.contains("\"undone\":true") && t.text.contains("\"undo_entry\":true"),
        "{}",
        t.text
    );
    // Once only.
    let again = app
        .call("/api/merge/undo", json!({"id": merge}), Some(&s))
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.text);
    let audited = count(
        &pool,
        "SELECT count(*) FROM audit_log WHERE action = 'merge_undo' AND record_id = $1",
        kept,
    )
    .await;
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_undo_keeps_a_value_changed_since_the_merge(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("manager@example.fr", "manager").await;
    let kept = person(&pool, me, ("Jean", "Dupont"), "", "", 3).await;
    let other = person(
        &pool,
        me,
        ("Jean", "Dupont"),
        "jean@dupont.fr",
        "0102030405",
        1,
    )
    .await;
    let r = app
        .call(
            "/api/merge/run",
            json!({"kind": "person", "keep": kept, "merged": [other], "versions": [[kept, 1], [other, 1]],
                   "choices": [{"field": "email", "from": other}, {"field": "phone", "from": other}]}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let merge = r.body.as_i64().unwrap();
    // Someone corrects the phone after the merge.
    let r = app
        .call(
            "/api/records/edit_field",
            json!({"kind": "person", "id": kept, "version": 2, "field": "phone", "value": "0199999999"}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call("/api/merge/undo", json!({"id": merge}), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (email, phone): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT email, phone FROM persons WHERE id = $1")
            .bind(kept)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(email, None, "the merge's value is taken back");
    assert_eq!(
        phone.as_deref(),
        Some("0199999999"),
        "a later correction stays"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_member_merges_only_what_they_may_delete(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("member@example.fr", "member").await;
    let colleague = app.user("colleague@example.fr", "member").await;
    let mine = person(&pool, me, ("Anne", "Petit"), "anne@petit.fr", "", 1).await;
    let theirs = person(&pool, colleague, ("Anne", "Petit"), "anne@petit.fr", "", 1).await;
    let r = app
        .call(
            "/api/merge/run",
            json!({"kind": "person", "keep": mine, "merged": [theirs], "versions": [[mine, 1], [theirs, 1]],
                   "choices": []}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // The other way round: their record kept, mine merged into it.
    let r = app
        .call(
            "/api/merge/run",
            json!({"kind": "person", "keep": theirs, "merged": [mine], "versions": [[mine, 1], [theirs, 1]],
                   "choices": [{"field": "email", "from": 999}]}),
            Some(&s),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a choice from a record not merged: {}",
        r.text
    );
    let r = app
        .call(
            "/api/merge/run",
            json!({"kind": "person", "keep": theirs, "merged": [mine], "versions": [[mine, 1], [theirs, 1]],
                   "choices": []}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Deals and interactions are not merged.
    let r = app
        .call(
            "/api/merge/compare",
            json!({"kind": "deal", "ids": [1]}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_duplicates_page_pairs_records_by_email_phone_and_name(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("member@example.fr", "member").await;
    let a = person(
        &pool,
        me,
        ("Élodie", "Lefèvre"),
        "Elodie@Exemple.fr",
        "+33 6 12 34 56 78",
        1,
    )
    .await;
    let b = person(
        &pool,
        me,
        ("elodie", "LEFEVRE"),
        "elodie@exemple.fr",
        "06.12.34.56.78",
        1,
    )
    .await;
    // Same phone only (another name, no email).
    let c = person(&pool, me, ("Paul", "Martin"), "", "0612345678", 1).await;
    // Paul's second address is Zoé's address.
    let d = person(&pool, me, ("Zoé", "Bernard"), "zoe@b.fr", "0700000000", 1).await;
    sqlx::query("UPDATE persons SET email2 = 'Zoe@B.fr' WHERE id = $1")
        .bind(c)
        .execute(&pool)
        .await
        .unwrap();
    // Names one typo apart (a letter changed, two swapped), nothing else
    // shared; and two short names, not compared.
    let f = person(&pool, me, ("Jean", "Dupont"), "", "", 1).await;
    let g = person(&pool, me, ("Jean", "Dupond"), "", "", 1).await;
    let h = person(&pool, me, ("Jaen", "Dupont"), "", "", 1).await;
    let _i = person(&pool, me, ("Li", "Roy"), "", "", 1).await;
    let _j = person(&pool, me, ("Lu", "Roy"), "", "", 1).await;
    // In the trash: never paired.
    let e = person(&pool, me, ("Élodie", "Lefèvre"), "elodie@exemple.fr", "", 1).await;
    sqlx::query("UPDATE persons SET deleted_at = now() WHERE id = $1")
        .bind(e)
        .execute(&pool)
        .await
        .unwrap();
    // Before the first pass: nothing found yet.
    let r = app
        .call("/api/merge/pairs", json!({"kind": "person"}), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["pairs"], json!([]));
    assert_eq!(r.body["computed"], Value::Null);
    app::records::duplicates::ssr::refresh_changed(&pool)
        .await
        .unwrap();
    let r = app
        .call("/api/merge/pairs", json!({"kind": "person"}), Some(&s))
        .await;
    let pairs: Vec<(i64, i64, Vec<String>, i64)> = r.body["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["a"]["id"].as_i64().unwrap(),
                p["b"]["id"].as_i64().unwrap(),
                serde_json::from_value(p["reasons"].clone()).unwrap(),
                p["likeness"].as_i64().unwrap(),
            )
        })
        .collect();
    let words = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        pairs,
        vec![
            (a, b, words(&["email", "name", "phone"]), 100),
            (c, d, words(&["email"]), 50),
            (a, c, words(&["phone"]), 30),
            (b, c, words(&["phone"]), 30),
            (f, g, words(&["similar"]), 10),
            (f, h, words(&["similar"]), 10),
        ],
        "{}",
        r.text
    );
    assert!(r.body["computed"].is_string());
    // Merged since: the pair is gone before the next pass.
    sqlx::query("UPDATE persons SET deleted_at = now() WHERE id = $1")
        .bind(c)
        .execute(&pool)
        .await
        .unwrap();
    let r = app
        .call("/api/merge/pairs", json!({"kind": "person"}), Some(&s))
        .await;
    assert_eq!(r.body["pairs"].as_array().unwrap().len(), 3, "{}", r.text);
    // A member cannot ask for a new pass; a manager can.
    let r = app
        .call("/api/merge/rescan", json!({"kind": "person"}), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The record page's "looks like".
    let r = app
        .call(
            "/api/merge/suspects",
            json!({"kind": "person", "id": a}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ids: Vec<i64> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.contains(&b) && !ids.contains(&a) && !ids.contains(&e),
        "{ids:?}"
    );
}
