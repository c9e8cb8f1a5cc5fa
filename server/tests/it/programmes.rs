//! The programmes catalogue: kept by admins, read by everyone, names unique
//! among the live entries (case and accents aside), reordered, archived and
//! brought back.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn names(app: &TestApp, cookie: &str, archived: bool) -> Vec<String> {
    let r = app
        .call(
            "/api/programmes/list",
            json!({"archived": archived}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

fn entry(name: &str, kind: &str) -> Value {
    json!({"name": name, "kind": kind, "description": "", "active": true})
}

#[sqlx::test(migrations = "../migrations")]
async fn admins_keep_the_catalogue_and_everyone_reads_it(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, admin) = app.login_as("admin@relais.test", "admin").await;
    let (_, member) = app.login_as("member@relais.test", "member").await;
    let save = |id: Option<i64>, input: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.call(
                "/api/programmes/save",
                json!({"id": id, "input": input}),
                Some(&admin),
            )
            .await
        }
    };
    let r = save(None, entry("Accompagnement à la création", "programme")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let creation = r.body.as_i64().unwrap();
    let r = save(None, entry("Aide juridique", "service")).await;
    let legal = r.body.as_i64().unwrap();
    save(None, entry("SAE Nord", "sae")).await;
    assert_eq!(
        names(&app, &member, false).await,
        ["Accompagnement à la création", "Aide juridique", "SAE Nord"],
        "in the order they were added, read by a member"
    );

    // The same name in other capitals and without accents: refused, per field.
    let r = save(None, entry("ACCOMPAGNEMENT A LA CREATION", "service")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["fields"][0]["field"], "name");
    assert_eq!(r.body["fields"][0]["problem"]["code"], "already_used");
    // The form's checks, on the server too.
    let r = save(None, entry("", "course")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let fields = r.refused_fields();
    assert_eq!(fields, ["name", "kind"]);
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM programmes")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(live, 3, "nothing saved by the refusals");

    // Renamed, moved up, archived.
    let mut changed = entry("Aide juridique et fiscale", "service");
    changed["description"] = json!("Deux heures par mois");
    assert_eq!(save(Some(legal), changed).await.status, StatusCode::OK);
    let r = app
        .call(
            "/api/programmes/move",
            json!({"id": legal, "up": true}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        names(&app, &admin, false).await,
        [
            "Aide juridique et fiscale",
            "Accompagnement à la création",
            "SAE Nord"
        ]
    );
    let r = app
        .call(
            "/api/programmes/archive",
            json!({"id": creation, "archived": true}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        names(&app, &admin, false).await,
        ["Aide juridique et fiscale", "SAE Nord"]
    );
    assert_eq!(
        names(&app, &admin, true).await,
        ["Accompagnement à la création"]
    );
    // An archived entry is not changed in place.
    let r = save(Some(creation), entry("Autre nom", "programme")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    // Its name may be given again; then it cannot come back under it.
    let r = save(None, entry("Accompagnement à la création", "programme")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call(
            "/api/programmes/archive",
            json!({"id": creation, "archived": false}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["fields"][0]["problem"]["code"], "already_used");

    // A member reads, and changes nothing.
    let r = app
        .call(
            "/api/programmes/save",
            json!({"id": null, "input": entry("Mentorat", "programme")}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            "/api/programmes/archive",
            json!({"id": legal, "archived": true}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
