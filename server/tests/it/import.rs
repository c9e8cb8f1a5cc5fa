//! Imports: a French spreadsheet's file (Windows-1252, semicolons) read
//! right, mapped, previewed, run, its refused rows downloaded, undone; a
//! job resumed after a crash and never applied twice; files refused.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

/// Windows-1252 bytes of `text` (what Excel writes as "CSV" in France).
fn cp1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

async fn upload(app: &TestApp, cookie: &str, kind: &str, name: &str, bytes: &[u8]) -> i64 {
    let r = app
        .post_form(
            "/import/upload",
            &[("kind", None, kind.as_bytes()), ("file", Some(name), bytes)],
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let to = r.location.expect("a redirection to the import");
    to.strip_prefix("/import/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an import page: {to}"))
}

async fn get(app: &TestApp, cookie: &str, id: i64) -> Value {
    let r = app
        .call("/api/import/get", json!({"id": id}), Some(cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

/// The mapping guessed (or remembered) for import `id`.
async fn mapping(app: &TestApp, cookie: &str, id: i64) -> Vec<String> {
    serde_json::from_value(get(app, cookie, id).await["mapping"].clone()).unwrap()
}

/// Runs what is queued, as one instance would.
async fn run(pool: &PgPool) {
    app::import::job::run_pending(pool, "test-instance")
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_french_spreadsheet_file_is_read_mapped_previewed_run_and_undone(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (manager, cookie) = app.login_as("manager@relais.test", "manager").await;
    // Already in Relais: Marchetti (his mobile written the French way) and
    // a company the file names.
    let marchetti: i64 = sqlx::query_scalar(
        "INSERT INTO persons (last_name, first_name, mobile, created_by, owner_id)
         VALUES ('Marchetti', 'Jean', '06 12 34 56 78', $1, $1) RETURNING id",
    )
    .bind(manager)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO companies (name, created_by) VALUES ('Fromagerie Beaumont', $1)")
        .bind(manager)
        .execute(&pool)
        .await
        .unwrap();
    let file = cp1252(
        "Civilité;Prénom;Nom;Société;Courriel;Tél. portable;Ville;Remarque\r\n\
         Madame;Élodie;Dupré;Fromagerie Beaumont;elodie@exemple.fr;;Lyon;cliente fidèle\r\n\
         M.;Jean;Marchetti;;;+33 6 12 34 56 78;Nîmes;\r\n\
         Mme;Zoé;Faure;;pas-une-adresse;;Brest;\r\n\
         ;André;Lefèvre;Atelier Brodé;andre@exemple.fr;;\"Saint-Étienne\";\"deux\r\nlignes\"\r\n\
         Dr;;;;;;Paris;sans nom\r\n",
    );
    let id = upload(&app, &cookie, "person", "contacts.csv", &file).await;
    let v = get(&app, &cookie, id).await;
    assert_eq!(v["status"], "draft");
    assert_eq!(v["encoding"], "windows-1252");
    assert_eq!(v["delimiter"], ";");
    assert_eq!(v["total_rows"], 5);
    assert_eq!(v["headers"][0], "Civilité", "accents intact");
    let mapping: Vec<String> = serde_json::from_value(v["mapping"].clone()).unwrap();
    assert_eq!(
        mapping,
        [
            "civility",
            "first_name",
            "last_name",
            "company",
            "email",
            "mobile",
            "city",
            ""
        ]
    );

    // The preview: each row as it will be saved.
    let r = app
        .call(
            "/api/import/preview",
            json!({"id": id, "mapping": mapping}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rows = r.body.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["cells"][1], "Élodie");
    assert!(rows[0]["problems"].as_array().unwrap().is_empty());
    assert_eq!(
        rows[1]["same_as"]["id"], marchetti,
        "the same mobile in another notation"
    );
    assert_eq!(rows[2]["problems"][0]["field"], "email");
    assert_eq!(rows[2]["problems"][0]["problem"]["code"], "invalid_email");
    assert_eq!(rows[3]["line"], 5);
    assert_eq!(rows[3]["cells"][6], "Saint-Étienne");
    assert_eq!(rows[4]["problems"][0]["field"], "last_name");

    // A mapping that misses the last name, or names a field twice, is refused.
    let mut bad = mapping.clone();
    bad[2] = String::new();
    let r = app
        .call(
            "/api/import/start",
            json!({"id": id, "mapping": bad, "on_duplicate": "fill"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["fields"][0]["field"], "last_name");
    let mut twice = mapping.clone();
    twice[7] = "city".into();
    let r = app
        .call(
            "/api/import/start",
            json!({"id": id, "mapping": twice, "on_duplicate": "fill"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);

    let r = app
        .call(
            "/api/import/start",
            json!({"id": id, "mapping": mapping, "on_duplicate": "fill"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(get(&app, &cookie, id).await["status"], "queued");
    run(&pool).await;
    let v = get(&app, &cookie, id).await;
    assert_eq!(v["status"], "done");
    assert_eq!(
        (
            v["created"].clone(),
            v["updated"].clone(),
            v["skipped"].clone(),
            v["refused"].clone()
        ),
        (json!(2), json!(1), json!(0), json!(2))
    );
    // Élodie works at the company already there; André's was created.
    let (first, city, company): (String, String, String) = sqlx::query_as(
        "SELECT p.first_name, p.city, c.name FROM persons p
         JOIN person_companies pc ON pc.person_id = p.id JOIN companies c ON c.id = pc.company_id
         WHERE p.last_name = 'Dupré'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (first.as_str(), city.as_str(), company.as_str()),
        ("Élodie", "Lyon", "Fromagerie Beaumont")
    );
    let companies: i64 =
        sqlx::query_scalar("SELECT count(*) FROM companies WHERE deleted_at IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        companies, 2,
        "Fromagerie Beaumont matched, Atelier Brodé created"
    );
    // Marchetti: his empty city filled, his mobile left as he wrote it.
    let (mobile, city, civility): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT mobile, city, civility FROM persons WHERE id = $1")
            .bind(marchetti)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(mobile, "06 12 34 56 78");
    assert_eq!(city.as_deref(), Some("Nîmes"));
    assert_eq!(civility.as_deref(), Some("mr"));
    // In the history and the audit log, as the importing user.
    let by: i64 = sqlx::query_scalar(
        "SELECT user_id FROM record_changes WHERE record_type = 'person' AND record_id = $1 AND action = 'update'",
    )
    .bind(marchetti)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(by, manager);
    let audit: String = sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'import'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        audit.contains("2 created, 1 updated, 0 skipped, 2 refused"),
        "{audit}"
    );

    // The refused rows, as they were, with why, in the reader's language.
    let r = app
        .get(&format!("/import/{id}/refused.csv"), Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let csv = r.text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("Civilité,Prénom,Nom,"), "{}", lines[0]);
    assert!(
        lines[1].contains("pas-une-adresse") && lines[1].contains("Email"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",7,") && lines[2].contains("Last name"),
        "{}",
        lines[2]
    );

    // Someone edits André after the import: undo leaves him as he is.
    sqlx::query("UPDATE persons SET job_title = 'Brodeur', version = version + 1 WHERE last_name = 'Lefèvre'")
        .execute(&pool)
        .await
        .unwrap();
    let r = app
        .call("/api/import/undo", json!({"id": id}), Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, 1, "André, changed since, is left alone");
    assert_eq!(get(&app, &cookie, id).await["status"], "undone");
    let live: Vec<String> = sqlx::query_scalar(
        "SELECT last_name FROM persons WHERE deleted_at IS NULL ORDER BY last_name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(live, ["Lefèvre", "Marchetti"]);
    let city: Option<String> = sqlx::query_scalar("SELECT city FROM persons WHERE id = $1")
        .bind(marchetti)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(city, None, "Marchetti's city is empty again");
    // Undone once only.
    let r = app
        .call("/api/import/undo", json!({"id": id}), Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_job_resumes_after_a_crash_and_never_applies_a_row_twice(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, cookie) = app.login_as("admin@relais.test", "admin").await;
    let mut file = String::from("first_name,last_name,email\n");
    for i in 0..600 {
        file.push_str(&format!("Prénom{i},Nom{i},p{i}@exemple.fr\n"));
    }
    let id = upload(&app, &cookie, "person", "six-cents.csv", file.as_bytes()).await;
    let mapping = get(&app, &cookie, id).await["mapping"].clone();
    assert_eq!(mapping, json!(["first_name", "last_name", "email"]));
    let r = app
        .call(
            "/api/import/start",
            json!({"id": id, "mapping": mapping, "on_duplicate": "skip"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Instance A takes it, applies one batch, and dies.
    let claimed = app::import::job::claim(&pool, "a").await.unwrap();
    assert_eq!(claimed, Some(id));
    assert_eq!(
        app::import::job::claim(&pool, "b").await.unwrap(),
        None,
        "A's, while A is alive"
    );
    app::import::job::run_batches(&pool, id, "a", 1)
        .await
        .unwrap();
    let v = get(&app, &cookie, id).await;
    assert_eq!(
        (v["status"].clone(), v["done_rows"].clone()),
        (json!("running"), json!(250))
    );
    // Its heartbeat gets old: B takes over and finishes.
    sqlx::query("UPDATE imports SET heartbeat_at = now() - interval '1 minute' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(app::import::job::claim(&pool, "b").await.unwrap(), Some(id));
    app::import::job::run(&pool, id, "b").await.unwrap();
    // A comes back to life: the job is no longer its own, it applies nothing.
    app::import::job::run(&pool, id, "a").await.unwrap();
    let v = get(&app, &cookie, id).await;
    assert_eq!(v["status"], "done");
    assert_eq!(
        (v["done_rows"].clone(), v["created"].clone()),
        (json!(600), json!(600))
    );
    let (persons, distinct, rows): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM persons), (SELECT count(DISTINCT email) FROM persons),
                (SELECT count(*) FROM import_rows WHERE import_id = $1)",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((persons, distinct, rows), (600, 600, 600));

    // The same file again, rows skipped as duplicates: nothing new.
    let again = upload(&app, &cookie, "person", "six-cents.csv", file.as_bytes()).await;
    assert_eq!(
        get(&app, &cookie, again).await["mapping"],
        mapping,
        "the layout is remembered"
    );
    app.call(
        "/api/import/start",
        json!({"id": again, "mapping": mapping, "on_duplicate": "skip"}),
        Some(&cookie),
    )
    .await;
    run(&pool).await;
    let v = get(&app, &cookie, again).await;
    assert_eq!(
        (v["created"].clone(), v["skipped"].clone()),
        (json!(0), json!(600))
    );
}

/// Starts import `id` as `mapping` says, with `policy`, and runs it.
async fn start_and_run(app: &TestApp, cookie: &str, pool: &PgPool, id: i64, policy: &str) -> Value {
    let mapping = get(app, cookie, id).await["mapping"].clone();
    let r = app
        .call(
            "/api/import/start",
            json!({"id": id, "mapping": mapping, "on_duplicate": policy}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    run(pool).await;
    get(app, cookie, id).await
}

fn counts(v: &Value) -> (i64, i64, i64, i64) {
    let n = |k: &str| v[k].as_i64().unwrap();
    (n("created"), n("updated"), n("skipped"), n("refused"))
}

#[sqlx::test(migrations = "../migrations")]
async fn rows_the_same_as_earlier_rows_of_the_file_and_a_row_the_database_refuses(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, cookie) = app.login_as("manager@relais.test", "manager").await;
    // Line 3 is line 2's person (her email in capitals) with a phone; line
    // 4 has that phone in another notation and nothing new; line 5 names
    // the company of line 2 in other capitals.
    let file = "Prénom;Nom;E-mail;Téléphone;Ville;Société\n\
                Anne;Martin;anne@exemple.fr;;Lyon;Atelier Brodé\n\
                Anne;Martin;ANNE@exemple.fr;01 23 45 67 89;;\n\
                A.;Martin;;+33 1 23-45-67-89;;\n\
                Paul;Roy;paul@exemple.fr;;Brest;ATELIER BRODÉ\n";

    // Set-based: one batch, the duplicates found within it.
    let id = upload(&app, &cookie, "person", "doublons.csv", file.as_bytes()).await;
    let v = start_and_run(&app, &cookie, &pool, id, "fill").await;
    assert_eq!(v["status"], "done");
    assert_eq!(counts(&v), (2, 1, 1, 0));
    let anne: (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT email, phone, city FROM persons WHERE last_name = 'Martin' AND deleted_at IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        anne,
        (
            "anne@exemple.fr".into(),
            Some("01 23 45 67 89".into()),
            Some("Lyon".into())
        ),
        "one Anne, her phone filled from line 3"
    );
    let works: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.last_name, c.name FROM person_companies pc
         JOIN persons p ON p.id = pc.person_id JOIN companies c ON c.id = pc.company_id
         ORDER BY p.last_name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        works,
        [
            ("Martin".to_string(), "Atelier Brodé".to_string()),
            ("Roy".to_string(), "Atelier Brodé".to_string())
        ],
        "one company, created once for both lines"
    );
    // Undo trashes the two persons and the company.
    let r = app
        .call("/api/import/undo", json!({"id": id}), Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, 0);
    let live: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM persons WHERE deleted_at IS NULL)
              + (SELECT count(*) FROM companies WHERE deleted_at IS NULL)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(live, 0);

    // The database refuses Paul (a rule of its own, here a trigger): the
    // batch is applied again row by row and only Paul's line is refused.
    sqlx::query(
        "CREATE FUNCTION refuse_roy() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.last_name = 'Roy' THEN RAISE EXCEPTION 'no Roy'; END IF; RETURN NEW; END $$",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("CREATE TRIGGER refuse_roy BEFORE INSERT ON persons FOR EACH ROW EXECUTE FUNCTION refuse_roy()")
        .execute(&pool)
        .await
        .unwrap();
    let again = upload(&app, &cookie, "person", "doublons.csv", file.as_bytes()).await;
    let v = start_and_run(&app, &cookie, &pool, again, "fill").await;
    assert_eq!(v["status"], "done");
    assert_eq!(counts(&v), (1, 1, 1, 1));
    let refused: (i32, Value) = sqlx::query_as(
        "SELECT line, problems FROM import_rows WHERE import_id = $1 AND outcome = 'refused'",
    )
    .bind(again)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(refused.0, 5);
    assert_eq!(refused.1[0]["problem"]["code"], "not_saved");
    let persons: Vec<String> = sqlx::query_scalar(
        "SELECT last_name FROM persons WHERE deleted_at IS NULL ORDER BY last_name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(persons, ["Martin"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn files_that_are_not_csv_are_refused_and_members_cannot_import(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, cookie) = app.login_as("manager@relais.test", "manager").await;
    // UTF-16, as a spreadsheet's "Unicode text".
    let mut utf16 = vec![0xff, 0xfe];
    for u in "Nom\tPrénom\r\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    for (bytes, problem) in [(utf16, "unreadable"), (Vec::new(), "required")] {
        let r = app
            .post_form(
                "/import/upload",
                &[("kind", None, b"person"), ("file", Some("x.csv"), &bytes)],
                Some(&cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/import?error={problem}").as_str())
        );
    }
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "nothing kept of a refused file");
    let (_, member) = app.login_as("member@relais.test", "member").await;
    let r = app
        .post_form(
            "/import/upload",
            &[
                ("kind", None, b"person"),
                ("file", Some("x.csv"), b"Nom\nDupont\n"),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/import?error=forbidden"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_duplicates_step_lists_rows_already_there_and_each_may_be_handled_otherwise(
    pool: PgPool,
) {
    let app = TestApp::new(pool.clone());
    let (manager, cookie) = app.login_as("manager@relais.test", "manager").await;
    // Four people already in Relais, mobiles written the French way, no city.
    let mut existing = Vec::new();
    for (i, name) in ["Arnaud", "Bonnet", "Caron", "Durand"].iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO persons (last_name, first_name, mobile, created_by, owner_id)
             VALUES ($1, 'Jo', $2, $3, $3) RETURNING id",
        )
        .bind(name)
        .bind(format!("06 12 34 56 7{i}"))
        .bind(manager)
        .fetch_one(&pool)
        .await
        .unwrap();
        existing.push(id);
    }
    // The file names them again, international notation, with a city; and
    // one newcomer between them.
    let file = cp1252(
        "Prénom;Nom;Tél. portable;Ville\r\n\
         Jo;Arnaud;+33 6 12 34 56 70;Lyon\r\n\
         Léa;Nouvelle;;Brest\r\n\
         Jo;Bonnet;+33 6 12 34 56 71;Nîmes\r\n\
         Jo;Caron;+33 (0)6 12 34 56 72;Paris\r\n\
         Jo;Durand;0033 6 12 34 56 73;Tours\r\n",
    );
    let id = upload(&app, &cookie, "person", "again.csv", &file).await;
    let mapping = mapping(&app, &cookie, id).await;
    let r = app
        .call(
            "/api/import/duplicates",
            json!({"id": id, "mapping": mapping}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["total"], 4, "{}", r.text);
    let listed: Vec<(i64, i64)> = r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["line"].as_i64().unwrap(),
                row["same_as"]["id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (2, existing[0]),
            (4, existing[1]),
            (5, existing[2]),
            (6, existing[3])
        ]
    );

    // More choices than rows listed, or line 0, are refused, nothing queued.
    let many: Vec<Value> = (1..=501)
        .map(|line| json!({"line": line, "policy": "skip"}))
        .collect();
    for bad in [many, vec![json!({"line": 0, "policy": "skip"})]] {
        let r = app
            .call(
                "/api/import/start",
                json!({"id": id, "mapping": mapping, "on_duplicate": "fill", "choices": bad}),
                Some(&cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.body["fields"][0]["field"], "choices");
        assert_eq!(get(&app, &cookie, id).await["status"], "draft");
    }

    // Fill empty fields (the import's choice), but skip Bonnet and create
    // Durand anew.
    let r = app
        .call(
            "/api/import/start",
            json!({"id": id, "mapping": mapping, "on_duplicate": "fill", "choices": [
                {"line": 4, "policy": "skip"},
                {"line": 6, "policy": "create"},
            ]}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    run(&pool).await;
    let v = get(&app, &cookie, id).await;
    assert_eq!(v["status"], "done");
    // Created: Nouvelle and the second Durand; updated: Arnaud, Caron;
    // skipped: Bonnet.
    assert_eq!(counts(&v), (2, 2, 1, 0), "{v}");
    let cities: Vec<Option<String>> =
        sqlx::query_scalar("SELECT city FROM persons WHERE id = ANY($1) ORDER BY id")
            .bind(&existing)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        cities,
        vec![Some("Lyon".into()), None, Some("Paris".into()), None]
    );
    let durands: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM persons WHERE last_name = 'Durand' AND deleted_at IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(durands, 2);
}

/// The preview of import `id` with its guessed mapping.
async fn preview(app: &TestApp, cookie: &str, id: i64) -> Vec<Value> {
    let mapping = get(app, cookie, id).await["mapping"].clone();
    let r = app
        .call(
            "/api/import/preview",
            json!({"id": id, "mapping": mapping}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_array().unwrap().clone()
}

/// Already in Relais: Élodie Dupré and the Fromagerie Beaumont (their ids).
async fn elodie_and_beaumont(pool: &PgPool, by: i64) -> (i64, i64) {
    sqlx::query_as(
        "WITH p AS (INSERT INTO persons (last_name, first_name, created_by)
                    VALUES ('Dupré', 'Élodie', $1) RETURNING id),
              c AS (INSERT INTO companies (name, created_by)
                    VALUES ('Fromagerie Beaumont', $1) RETURNING id)
         SELECT p.id, c.id FROM p, c",
    )
    .bind(by)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn deals_come_in_with_their_company_contact_and_stage_found_by_name(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (manager, cookie) = app.login_as("manager@relais.test", "manager").await;
    let (elodie, beaumont) = elodie_and_beaumont(&pool, manager).await;
    // Line 4 is line 2's deal (same name, same company) with a next step;
    // line 3 has that name too, for another company (created); lines 5 to 7
    // name a person and a stage there are none of, and an amount in words.
    let file = cp1252(
        "Affaire;Société;Contact;Montant;Date de clôture;Étape;Statut;Prochaine étape\r\n\
         Maintenance 2027;Fromagerie Beaumont;Élodie Dupré;12 500,50;31/03/2027;proposal;;\r\n\
         Maintenance 2027;Atelier Brodé;;3000;;;;\r\n\
         Maintenance 2027;FROMAGERIE BEAUMONT;;;;;;Relancer en mars\r\n\
         Contrat cadre;Fromagerie Beaumont;Personne Inconnue;;;;;\r\n\
         Contrat cadre;;;beaucoup;;;;\r\n\
         Contrat cadre;;;;;Étape inconnue;;\r\n",
    );
    let id = upload(&app, &cookie, "deal", "affaires.csv", &file).await;
    let mapping = mapping(&app, &cookie, id).await;
    assert_eq!(
        mapping,
        [
            "name",
            "company",
            "person",
            "amount",
            "expected_close",
            "stage",
            "status",
            "next_step"
        ]
    );
    // The preview says which names are not found, before anything is run.
    let rows = preview(&app, &cookie, id).await;
    assert!(rows[0]["problems"].as_array().unwrap().is_empty());
    assert_eq!(rows[3]["problems"][0]["field"], "person");
    assert_eq!(rows[3]["problems"][0]["problem"]["code"], "not_found");
    assert_eq!(rows[4]["problems"][0]["field"], "amount");
    assert_eq!(rows[5]["problems"][0]["field"], "stage");

    let v = start_and_run(&app, &cookie, &pool, id, "fill").await;
    assert_eq!(v["status"], "done");
    assert_eq!(counts(&v), (2, 1, 0, 3));
    /// Name, company, contact, pipeline / stage, amount, close, next step, probability.
    type Deal = (
        String,
        String,
        Option<i64>,
        String,
        String,
        Option<String>,
        Option<String>,
        i32,
    );
    let deals: Vec<Deal> =
        sqlx::query_as(
            "SELECT d.name, c.name, d.person_id, p.name || ' / ' || s.name, coalesce(d.amount::text, ''),
                    d.expected_close::text, d.next_step, d.probability
             FROM deals d JOIN companies c ON c.id = d.company_id
             JOIN pipelines p ON p.id = d.pipeline_id JOIN pipeline_stages s ON s.id = d.stage_id
             WHERE d.deleted_at IS NULL ORDER BY d.id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        deals,
        [
            (
                "Maintenance 2027".into(),
                "Fromagerie Beaumont".into(),
                Some(elodie),
                "Sales / Proposal".into(),
                "12500.50".into(),
                Some("2027-03-31".into()),
                Some("Relancer en mars".into()),
                50
            ),
            (
                "Maintenance 2027".into(),
                "Atelier Brodé".into(),
                None,
                "Sales / Qualification".into(),
                "3000.00".into(),
                None,
                None,
                10
            ),
        ],
        "line 4 filled line 2's deal; a deal without a stage starts at the first one"
    );
    let refused: Vec<(i32, String)> = sqlx::query_as(
        "SELECT line, problems->0->>'field' FROM import_rows
         WHERE import_id = $1 AND outcome = 'refused' ORDER BY line",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        refused,
        [
            (5, "person".into()),
            (6, "amount".into()),
            (7, "stage".into())
        ]
    );

    // The same file again: each deal is found by its name and company.
    let again = upload(&app, &cookie, "deal", "affaires.csv", &file).await;
    let v = start_and_run(&app, &cookie, &pool, again, "skip").await;
    assert_eq!(counts(&v), (0, 0, 3, 3));

    // Undo trashes both deals and the company the import created.
    let r = app
        .call("/api/import/undo", json!({"id": id}), Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, 0);
    let live: (i64, Vec<i64>) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM deals WHERE deleted_at IS NULL),
                (SELECT array_agg(id) FROM companies WHERE deleted_at IS NULL)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(live, (0, vec![beaumont]));
}

#[sqlx::test(migrations = "../migrations")]
async fn interactions_come_in_at_the_users_local_time_linked_to_what_they_name(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (manager, cookie) = app.login_as("manager@relais.test", "manager").await;
    let zone: String = sqlx::query_scalar("SELECT time_zone FROM users WHERE id = $1")
        .bind(manager)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(zone, "Europe/Paris");
    let (elodie, beaumont) = elodie_and_beaumont(&pool, manager).await;
    sqlx::query("INSERT INTO person_companies (person_id, company_id) VALUES ($1, $2)")
        .bind(elodie)
        .bind(beaumont)
        .execute(&pool)
        .await
        .unwrap();
    // A legacy CRM's activity log: a call in winter, a meeting in summer
    // (Paris is UTC+1, then UTC+2), a task done on a day, and three rows
    // refused. Line 7 repeats line 2: interactions are always new ones.
    let file = cp1252(
        "Type;Objet;Date;Fin;Lieu;Contact;Statut\r\n\
         Appel;Relance devis;15/01/2025 14h30;15/01/2025 14:50;;Élodie Dupré;\r\n\
         Réunion;Visite de l'atelier;02/07/2030 10:00;;Lyon;Fromagerie Beaumont;\r\n\
         Tâche;Envoyer le contrat;2025-03-02;;;;Fait\r\n\
         Fax;Essai;01/01/2025;;;;\r\n\
         Appel;Inconnu;01/01/2025 10:00;;;Personne Inconnue;\r\n\
         Appel;Relance devis;15/01/2025 14h30;;;Élodie Dupré;\r\n\
         Réunion;Trop tôt;02/07/2030 10:00;02/07/2030 09:00;;;\r\n",
    );
    let id = upload(&app, &cookie, "interaction", "activites.csv", &file).await;
    let mapping = mapping(&app, &cookie, id).await;
    assert_eq!(
        mapping,
        [
            "kind",
            "subject",
            "starts_at",
            "ends_at",
            "location",
            "related",
            "status"
        ]
    );
    let v = start_and_run(&app, &cookie, &pool, id, "fill").await;
    assert_eq!(v["status"], "done");
    assert_eq!(counts(&v), (4, 0, 0, 3));
    /// Kind, subject, status, UTC times, all day, place, completed.
    type Saved = (String, String, String, String, bool, Option<String>, bool);
    let saved: Vec<Saved> = sqlx::query_as(
        "SELECT kind, subject, status,
                to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' → '
                    || to_char(ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                all_day, location, completed_at IS NOT NULL
         FROM interactions WHERE deleted_at IS NULL ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let row = |k: &str, s: &str, st: &str, t: &str, day: bool, at: Option<&str>, done: bool| {
        (
            k.to_string(),
            s.to_string(),
            st.to_string(),
            t.to_string(),
            day,
            at.map(str::to_string),
            done,
        )
    };
    assert_eq!(
        saved,
        [
            row(
                "call",
                "Relance devis",
                "held",
                "2025-01-15 13:30 → 2025-01-15 13:50",
                false,
                None,
                false
            ),
            row(
                "meeting",
                "Visite de l'atelier",
                "planned",
                "2030-07-02 08:00 → 2030-07-02 09:00",
                false,
                Some("Lyon"),
                false
            ),
            row(
                "task",
                "Envoyer le contrat",
                "done",
                "2025-03-01 23:00 → 2025-03-02 23:00",
                true,
                None,
                true
            ),
            row(
                "call",
                "Relance devis",
                "held",
                "2025-01-15 13:30 → 2025-01-15 13:45",
                false,
                None,
                false
            ),
        ]
    );
    // Each is linked to what its row names, and rolled up to the
    // person's company as the form does.
    let links: Vec<(String, String, i64, bool, Option<String>)> = sqlx::query_as(
        "SELECT i.subject, l.record_type::text, l.record_id, l.main, l.via
         FROM interaction_links l JOIN interactions i ON i.id = l.interaction_id
         ORDER BY i.id, l.main DESC, l.record_type",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let link = |s: &str, t: &str, id: i64, main: bool, via: Option<&str>| {
        (
            s.to_string(),
            t.to_string(),
            id,
            main,
            via.map(str::to_string),
        )
    };
    assert_eq!(
        links,
        [
            link("Relance devis", "person", elodie, true, None),
            link("Relance devis", "company", beaumont, false, Some("person")),
            link("Visite de l'atelier", "company", beaumont, true, None),
            link("Relance devis", "person", elodie, true, None),
            link("Relance devis", "company", beaumont, false, Some("person")),
        ]
    );
    let refused: Vec<(i32, String, String)> = sqlx::query_as(
        "SELECT line, problems->0->>'field', problems->0->'problem'->>'code' FROM import_rows
         WHERE import_id = $1 AND outcome = 'refused' ORDER BY line",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        refused,
        [
            (5, "kind".into(), "invalid_choice".into()),
            (6, "related".into(), "not_found".into()),
            (8, "ends_at".into(), "end_before_start".into()),
        ]
    );
    let r = app
        .call("/api/import/undo", json!({"id": id}), Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let live: i64 =
        sqlx::query_scalar("SELECT count(*) FROM interactions WHERE deleted_at IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(live, 0);
}
