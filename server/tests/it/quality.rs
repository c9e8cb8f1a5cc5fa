//! The data-quality page (`app::records::quality`): its figures against a
//! small data set counted by hand, the lists of the records at fault
//! behind each figure, and the database's email and phone rules agreeing
//! with the forms'.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

/// A person written straight to the database, as an old import or another
/// tool would (the forms refuse a malformed email).
async fn person(
    pool: &PgPool,
    owner: i64,
    (first, last): (&str, &str),
    email: &str,
    phone: &str,
    mobile: &str,
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO persons (first_name, last_name, email, phone, mobile, owner_id, created_by, updated_by)
         VALUES (nullif($1, ''), $2, nullif($3, ''), nullif($4, ''), nullif($5, ''), $6, $6, $6) RETURNING id",
    )
    .bind(first)
    .bind(last)
    .bind(email)
    .bind(phone)
    .bind(mobile)
    .bind(owner)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn ids_with(app: &TestApp, s: &str, op: &str, problem: &str) -> Vec<i64> {
    let r = app
        .call(
            "/api/persons/list",
            json!({"query": {"filters": [{"field": "quality", "op": op, "value": problem}], "per_page": 100}}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut ids: Vec<i64> = r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

fn figures_of<'a>(body: &'a Value, kind: &str) -> &'a Value {
    body.as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {body}"))
}

#[sqlx::test(migrations = "../migrations")]
async fn figures_match_a_data_set_counted_by_hand_and_link_to_the_records_at_fault(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("manager@relais.test", "manager").await;
    let (_, member) = app.login_as("member@relais.test", "member").await;
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM persons")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(live, 0, "the data set below is all there is");

    // Complete: first name, last name, email, a phone or a mobile.
    let ann = person(&pool, me, ("Ann", "Lee"), "ann@x.fr", "0611111111", "").await;
    // No first name: incomplete; its contacts are fine.
    let solo = person(&pool, me, ("", "Solo"), "solo@x.fr", "", "06 22 22 22 22").await;
    // Complete, but the email is malformed.
    let bad_mail = person(&pool, me, ("Bea", "Roux"), "bea@@x.fr", "0644444444", "").await;
    // No email, no phone: incomplete, and not counted for validity.
    let nobody = person(&pool, me, ("Zed", "Nobody"), "", "", "").await;
    // Complete, but the phone is words.
    let bad_phone = person(&pool, me, ("Eve", "Adams"), "eve@x.fr", "call me", "").await;
    // The same person twice (same email, the phone in two notations).
    let marc = person(&pool, me, ("Marc", "Dupont"), "dup@x.fr", "0633333333", "").await;
    let marc2 = person(
        &pool,
        me,
        ("Marc", "Dupont"),
        "DUP@x.fr",
        "+33 6 33 33 33 33",
        "",
    )
    .await;
    // In the trash: counted nowhere.
    let trashed = person(&pool, me, ("Old", "Gone"), "gone@@x", "", "").await;
    sqlx::query("UPDATE persons SET deleted_at = now() WHERE id = $1")
        .bind(trashed)
        .execute(&pool)
        .await
        .unwrap();

    // Not counted yet: the page says so rather than showing zeros.
    let r = app
        .call("/api/quality/figures", json!({}), Some(&member))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!([]));

    // A member may read the figures, not count them again.
    let r = app
        .call("/api/quality/recount", json!({}), Some(&member))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app.call("/api/quality/recount", json!({}), Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let r = app
        .call("/api/quality/figures", json!({}), Some(&member))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let p = figures_of(&r.body, "person");
    // By hand: 7 live; complete: Ann, Bea, Eve, Marc ×2 = 5; with an
    // email or phone: all but Zed = 6, of which well formed: Ann, Solo,
    // Marc ×2 = 4; in a duplicate pair: Marc ×2 = 2.
    assert_eq!(
        (
            p["total"].as_i64(),
            p["complete"].as_i64(),
            p["with_contacts"].as_i64()
        ),
        (Some(7), Some(5), Some(6)),
        "{p}"
    );
    assert_eq!(
        (p["valid"].as_i64(), p["duplicates"].as_i64()),
        (Some(4), Some(2)),
        "{p}"
    );
    let figures: app::records::quality::Figures = serde_json::from_value(p.clone()).unwrap();
    // 71.4 % complete, 66.6 % valid, 28.5 % duplicates: no target met.
    assert_eq!(figures.complete().percent(), Some(71.4));
    assert_eq!(figures.valid().percent(), Some(66.6));
    assert_eq!(figures.duplicates().percent(), Some(28.5));
    assert!(!figures.complete().met() && !figures.valid().met() && !figures.duplicates().met());
    // Companies are measured too (none yet: nothing to fall short of).
    let c = figures_of(&r.body, "company");
    assert_eq!(c["total"], 0);

    // Each figure's list holds exactly the records at fault.
    assert_eq!(
        ids_with(&app, &member, "is", "incomplete").await,
        vec![solo, nobody]
    );
    assert_eq!(
        ids_with(&app, &member, "is", "invalid").await,
        vec![bad_mail, bad_phone]
    );
    assert_eq!(
        ids_with(&app, &member, "is", "duplicate").await,
        vec![marc, marc2]
    );
    assert_eq!(
        ids_with(&app, &member, "is_not", "incomplete").await,
        vec![ann, bad_mail, bad_phone, marc, marc2]
    );

    // The lists are live: an email corrected leaves the list at once…
    sqlx::query("UPDATE persons SET email = 'bea@x.fr', updated_at = now() WHERE id = $1")
        .bind(bad_mail)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        ids_with(&app, &member, "is", "invalid").await,
        vec![bad_phone]
    );
    // …and a duplicate sent to the trash takes its pair out of the list.
    sqlx::query("UPDATE persons SET deleted_at = now(), updated_at = now() WHERE id = $1")
        .bind(marc2)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        ids_with(&app, &member, "is", "duplicate").await,
        Vec::<i64>::new()
    );
    // The history does not show the derived column.
    let logged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM record_changes WHERE record_id = $1 AND changes ? 'contacts_ok'",
    )
    .bind(bad_mail)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(logged, 0);

    // The background pass counts again what changed.
    app::records::duplicates::ssr::refresh_changed(&pool)
        .await
        .unwrap();
    let r = app
        .call("/api/quality/figures", json!({}), Some(&member))
        .await;
    let p = figures_of(&r.body, "person");
    assert_eq!(
        (
            p["total"].as_i64(),
            p["valid"].as_i64(),
            p["duplicates"].as_i64()
        ),
        (Some(6), Some(4), Some(0)),
        "{p}"
    );

    // A problem the filter does not know, and a kind not measured, are
    // refused like any bad filter.
    let r = app
        .call(
            "/api/persons/list",
            json!({"query": {"filters": [{"field": "quality", "op": "is", "value": "ugly"}]}}),
            Some(&member),
        )
        .await;
    assert_eq!(r.body["fields"][0]["field"], "filters", "{}", r.text);
    let r = app
        .call(
            "/api/deals/list",
            json!({"query": {"filters": [{"field": "quality", "op": "is", "value": "incomplete"}]}}),
            Some(&member),
        )
        .await;
    assert_eq!(r.body["fields"][0]["field"], "filters", "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_databases_email_and_phone_rules_are_the_forms(pool: PgPool) {
    let emails = [
        "camille.martin@exemple.fr",
        "a+b@x.co",
        "DUP@X.FR",
        "camille",
        "a@b",
        "a @b.fr",
        "a@@b.fr",
        "@b.fr",
        "a@.b.fr",
        "a@b.fr.",
        "a@b..fr",
        "a@b.fr\t",
        "a\u{1}@b.fr",
        "é@exemple.fr",
    ];
    for e in emails {
        let db: bool = sqlx::query_scalar("SELECT relais_email_ok($1)")
            .bind(e)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(db, app::validate::is_email(e), "email {e:?}");
    }
    let phones = [
        "+33 1 42 68 53 00",
        "(514) 555-0199",
        "06.12.34.56.78",
        "0612/345678",
        "call me",
        "12",
        "1234",
        "123456789012345678901",
        "+33 6 12 34 56 78 ext",
    ];
    for p in phones {
        let db: bool = sqlx::query_scalar("SELECT relais_phone_ok($1)")
            .bind(p)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(db, app::validate::is_phone(p), "phone {p:?}");
    }
    // Empty is valid: the fields are optional.
    let empty: (bool, bool, bool) =
        sqlx::query_as("SELECT relais_email_ok(''), relais_phone_ok(NULL), relais_email_ok(NULL)")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(empty, (true, true, true));
}
