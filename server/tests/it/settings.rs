//! The profile settings: calendar sharing (only active colleagues, never
//! oneself), time zone and capacity checked field by field.

use crate::common::{PASSWORD, TestApp};
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn member(app: &TestApp, email: &str) -> (i64, String) {
    let id = app.user(email, "member").await;
    (id, app.login(email, PASSWORD).await.unwrap())
}

#[sqlx::test(migrations = "../migrations")]
async fn calendar_sharing_and_profile_settings_are_checked(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (ana, sa) = member(&app, "ana@example.fr").await;
    let bob = app.user("bob@example.fr", "member").await;
    let carl = app.user("carl@example.fr", "member").await;
    sqlx::query("UPDATE users SET active = false WHERE id = $1")
        .bind(carl)
        .execute(&pool)
        .await
        .unwrap();
    let share = |viewers: Value| {
        let (app, sa) = (app.clone(), sa.clone());
        async move {
            app.call(
                "/api/settings/share_calendar",
                json!({"viewers": viewers}),
                Some(&sa),
            )
            .await
        }
    };
    let shares = || async {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT owner_id, viewer_id FROM calendar_shares ORDER BY 1, 2",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };

    let r = share(json!([bob, bob])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!([bob]));
    assert_eq!(shares().await, [(ana, bob)]);
    let settings = app
        .call("/api/settings/my_settings", json!({}), Some(&sa))
        .await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text);
    assert_eq!(
        settings.body["colleagues"],
        json!([{"id": bob, "name": "User bob@example.fr", "shared": true}])
    );
    assert_eq!(settings.body["sees_all"], json!(false));
    assert_eq!(settings.body["time_zone"], json!("Europe/Paris"));
    assert_eq!(settings.body["capacity_hours"], json!("5"));
    let zones = settings.body["zones"].as_array().unwrap();
    assert!(zones.len() > 300 && zones.contains(&json!("America/New_York")));

    // Not with oneself, not with a deactivated or unknown user.
    for bad in [json!([ana]), json!([carl]), json!([bob, 999_999])] {
        let r = share(bad.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.text
        );
        assert_eq!(r.body["fields"][0]["field"], "viewers");
        assert_eq!(r.body["fields"][0]["problem"]["code"], "invalid_choice");
    }
    assert_eq!(
        shares().await,
        [(ana, bob)],
        "a refused change changes nothing"
    );
    // A share with a colleague since deactivated is kept aside, not dropped.
    sqlx::query("INSERT INTO calendar_shares (owner_id, viewer_id) VALUES ($1, $2)")
        .bind(ana)
        .bind(carl)
        .execute(&pool)
        .await
        .unwrap();
    let r = share(json!([])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(shares().await, [(ana, carl)]);

    // Time zone and capacity: per-field errors, nothing written.
    let save = |tz: &str, hours: &str| {
        let (app, sa) = (app.clone(), sa.clone());
        let body = json!({"time_zone": tz, "capacity_hours": hours});
        async move {
            app.call("/api/settings/save_profile", body, Some(&sa))
                .await
        }
    };
    let r = save("Mars/Olympus_Mons", "5").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.body["fields"],
        json!([{"field": "time_zone", "problem": {"code": "invalid_choice"}}])
    );
    let r = save("", "25").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<(&str, &str)> = r.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap(),
                f["problem"]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("time_zone", "required"),
            ("capacity_hours", "invalid_number")
        ]
    );
    let stored = || async {
        sqlx::query_as::<_, (String, i32)>(
            "SELECT time_zone, daily_capacity_minutes FROM users WHERE id = $1",
        )
        .bind(ana)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert_eq!(stored().await, ("Europe/Paris".to_string(), 300));
    let r = save("Asia/Kolkata", "6,5").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(stored().await, ("Asia/Kolkata".to_string(), 390));
    let me = app.call("/api/auth/me", json!({}), Some(&sa)).await;
    assert_eq!(me.body["time_zone"], "Asia/Kolkata");

    // A manager is told they see everyone's calendar.
    app.user("mia@example.fr", "manager").await;
    let sm = app.login("mia@example.fr", PASSWORD).await.unwrap();
    let settings = app
        .call("/api/settings/my_settings", json!({}), Some(&sm))
        .await;
    assert_eq!(settings.body["sees_all"], json!(true));
    // Anonymous callers get nothing.
    let r = app.call("/api/settings/my_settings", json!({}), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_settings_address_opens_the_first_tab(pool: PgPool) {
    let app = TestApp::new(pool);
    let (_, s) = member(&app, "a@relais.test").await;
    let r = app.get("/settings", Some(&s)).await;
    assert_eq!(r.status, StatusCode::TEMPORARY_REDIRECT, "{}", r.text);
    assert_eq!(r.location.as_deref(), Some("/settings/profile"));
    let page = app.get("/settings/profile", Some(&s)).await;
    assert_eq!(page.status, StatusCode::OK);
    // Without a session, the login page first, as for every page.
    let anonymous = app.get("/settings", None).await;
    assert!(
        anonymous
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login")),
        "{anonymous:?}"
    );
}
