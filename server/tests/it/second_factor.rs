//! The second sign-in factor: set up with a code of the app (computed here
//! by totp-rs, as an authenticator app would), asked at login, codes used
//! once, recovery codes, turning it off; and the organisation's setting
//! that demotes an admin without one to a member's rights.

use crate::common::{PASSWORD, Reply, TestApp};
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;
use totp_rs::{Builder, Secret};

/// The code an authenticator app shows at unix time `at` for `secret`
/// (base32, as the setup shows it: in groups).
fn code_at(secret: &str, at: u64) -> String {
    let bytes = Secret::try_from_base32(secret.replace(' ', "")).expect("base32 secret");
    Builder::new()
        .with_secret(bytes)
        .build()
        .unwrap()
        .generate(at)
        .to_string()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn session_cookie(r: &Reply) -> Option<String> {
    r.cookies
        .iter()
        .find(|c| c.starts_with("relais_session="))
        .map(|c| c.split(';').next().unwrap().to_string())
}

fn field_problem(r: &Reply) -> (String, String) {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    (
        r.body["fields"][0]["field"].as_str().unwrap().to_string(),
        r.body["fields"][0]["problem"]["code"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

/// Sets up the second factor from a session; its secret and recovery codes.
async fn set_up(app: &TestApp, cookie: &str) -> (String, Vec<String>) {
    let setup = app
        .call("/api/second_factor/begin", json!({}), Some(cookie))
        .await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.text);
    let secret = setup.body["secret"].as_str().unwrap().to_string();
    let r = app
        .call(
            "/api/second_factor/confirm",
            json!({"code": code_at(&secret, now()), "current_password": PASSWORD}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let codes = r.body.as_array().unwrap();
    (
        secret,
        codes.iter().map(|c| c.as_str().unwrap().into()).collect(),
    )
}

/// The password step of a login with a second factor: its session cookie.
async fn password_step(app: &TestApp, email: &str) -> String {
    let r = app.login(email, PASSWORD).await.unwrap_err();
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert_eq!(r.body, json!({"kind": "second_factor_needed"}));
    session_cookie(&r).expect("the pending login's session")
}

async fn code_step(app: &TestApp, cookie: &str, code: &str) -> Reply {
    app.call(
        "/api/auth/login_second_factor",
        json!({"code": code}),
        Some(cookie),
    )
    .await
}

async fn me(app: &TestApp, cookie: &str) -> Reply {
    app.call("/api/auth/me", json!({}), Some(cookie)).await
}

async fn status(app: &TestApp, cookie: &str) -> Value {
    let r = app
        .call("/api/second_factor/status", json!({}), Some(cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

#[sqlx::test(migrations = "../migrations")]
async fn a_second_factor_is_set_up_then_asked_at_every_login(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    assert_eq!(
        status(&app, &s).await,
        json!({"enabled": false, "recovery_left": 0, "org_requires_for_admins": false})
    );

    // Setting up: the app's secret, its link and QR code; nothing stored yet.
    let setup = app
        .call("/api/second_factor/begin", json!({}), Some(&s))
        .await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.text);
    let secret = setup.body["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.split(' ').count(), 8, "groups of four: {secret}");
    let url = setup.body["url"].as_str().unwrap();
    assert!(url.starts_with("otpauth://totp/Relais:me%40example.fr?secret="));
    assert!(url.contains(&secret.replace(' ', "")));
    assert!(setup.body["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let stored: Option<String> =
        sqlx::query_scalar("SELECT totp_secret FROM users WHERE email = 'me@example.fr'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, None, "kept in the session until confirmed");

    // A wrong code, or a wrong password: said on their field.
    let later = code_at(&secret, now() + 600);
    let r = app
        .call(
            "/api/second_factor/confirm",
            json!({"code": later, "current_password": PASSWORD}),
            Some(&s),
        )
        .await;
    assert_eq!(field_problem(&r), ("code".into(), "wrong_code".into()));
    let r = app
        .call(
            "/api/second_factor/confirm",
            json!({"code": code_at(&secret, now()), "current_password": "not my password"}),
            Some(&s),
        )
        .await;
    assert_eq!(
        field_problem(&r),
        ("current_password".into(), "wrong_password".into())
    );

    // The app's code now (typed as an app shows it), and my password.
    let code = code_at(&secret, now());
    let r = app
        .call(
            "/api/second_factor/confirm",
            json!({"code": format!("{} {}", &code[..3], &code[3..]), "current_password": PASSWORD}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let recovery: Vec<String> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(
        status(&app, &s).await,
        json!({"enabled": true, "recovery_left": 10, "org_requires_for_admins": false})
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'security' AND detail = 'second factor on'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // The password alone no longer signs in: the session is not signed in.
    let pending = password_step(&app, "me@example.fr").await;
    assert_eq!(me(&app, &pending).await.status, StatusCode::UNAUTHORIZED);
    let r = code_step(&app, &pending, &later).await;
    assert_eq!(field_problem(&r), ("code".into(), "wrong_code".into()));
    assert_eq!(me(&app, &pending).await.status, StatusCode::UNAUTHORIZED);

    // The next step's code (one step of drift is allowed): signed in.
    let next = code_at(&secret, now() + 30);
    let r = code_step(&app, &pending, &next).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["email"], "me@example.fr");
    let signed_in = session_cookie(&r).expect("a new session id");
    assert_ne!(signed_in, pending);
    assert_eq!(me(&app, &signed_in).await.status, StatusCode::OK);
    let last_login: bool = sqlx::query_scalar(
        "SELECT last_login_at > now() - interval '1 minute' FROM users WHERE email = 'me@example.fr'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(last_login);

    // A code is used once: the same one again, or an earlier one, is refused.
    let pending = password_step(&app, "me@example.fr").await;
    let r = code_step(&app, &pending, &next).await;
    assert_eq!(field_problem(&r), ("code".into(), "wrong_code".into()));
    let r = code_step(&app, &pending, &code_at(&secret, now())).await;
    assert_eq!(field_problem(&r), ("code".into(), "wrong_code".into()));

    // A recovery code works once, however it is typed.
    let typed = recovery[3].to_uppercase().replace('-', " ");
    let r = code_step(&app, &pending, &typed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = session_cookie(&r).unwrap();
    assert_eq!(status(&app, &s).await["recovery_left"], 9);
    let pending = password_step(&app, "me@example.fr").await;
    let r = code_step(&app, &pending, &recovery[3]).await;
    assert_eq!(field_problem(&r), ("code".into(), "wrong_code".into()));

    // Without a password step first, a code is worth nothing.
    let r = code_step(&app, "relais_session=made-up", &recovery[4]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert_eq!(r.body["kind"], "invalid_credentials");

    // New recovery codes replace the old ones.
    let r = app
        .call(
            "/api/second_factor/recovery_codes",
            json!({"current_password": PASSWORD}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let fresh = r.body[0].as_str().unwrap().to_string();
    assert!(!recovery.contains(&fresh));
    let r = code_step(&app, &pending, &recovery[4]).await;
    assert_eq!(field_problem(&r), ("code".into(), "wrong_code".into()));
    assert_eq!(status(&app, &s).await["recovery_left"], 10);

    // Turning it off needs my password.
    let r = app
        .call(
            "/api/second_factor/disable",
            json!({"current_password": "not my password"}),
            Some(&s),
        )
        .await;
    assert_eq!(
        field_problem(&r),
        ("current_password".into(), "wrong_password".into())
    );
    assert_eq!(status(&app, &s).await["enabled"], true);
    let r = app
        .call(
            "/api/second_factor/disable",
            json!({"current_password": PASSWORD}),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        status(&app, &s).await,
        json!({"enabled": false, "recovery_left": 0, "org_requires_for_admins": false})
    );
    assert!(app.login("me@example.fr", PASSWORD).await.is_ok());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_pending_login_lasts_five_minutes(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let (secret, _) = set_up(&app, &s).await;
    let pending = password_step(&app, "me@example.fr").await;
    sqlx::query(
        "UPDATE sessions SET data = jsonb_set(data, '{pending_at}',
             to_jsonb(to_char((now() - interval '6 minutes') AT TIME ZONE 'UTC',
                              'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')))
         WHERE data ? 'pending_user_id'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let r = code_step(&app, &pending, &code_at(&secret, now() + 30)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert_eq!(r.body["kind"], "invalid_credentials");
    assert_eq!(me(&app, &pending).await.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../migrations")]
async fn guessing_codes_is_throttled_like_passwords(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let (secret, _) = set_up(&app, &s).await;
    let pending = password_step(&app, "me@example.fr").await;
    let mut refused = 0;
    for i in 0..4 {
        let r = code_step(&app, &pending, &code_at(&secret, now() + 600 + 30 * i)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    }
    // The password again (once its 1 s wait is over) does not wipe the
    // wrong codes' count: were it cleared, four more guesses would be free.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let pending = password_step(&app, "me@example.fr").await;
    for i in 0..4 {
        let r = code_step(&app, &pending, &code_at(&secret, now() + 900 + 30 * i)).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert!(
        refused >= 3,
        "after four wrong codes, waits: {refused} refused"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_organisation_can_require_a_second_factor_of_admins(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, first) = app.login_as("first@example.fr", "admin").await;
    let (_, second) = app.login_as("second@example.fr", "admin").await;
    let (_, member) = app.login_as("member@example.fr", "member").await;
    let require = |on: bool, who: &str| {
        let who = who.to_string();
        let app = app.clone();
        async move {
            app.call(
                "/api/second_factor/require_for_admins",
                json!({"on": on}),
                Some(&who),
            )
            .await
        }
    };

    // An admin without a second factor cannot require one: they would lose
    // their rights at once. A member may not at all.
    let r = require(true, &first).await;
    assert_eq!(field_problem(&r), ("on".into(), "no_second_factor".into()));
    assert_eq!(require(true, &member).await.status, StatusCode::FORBIDDEN);

    set_up(&app, &second).await;
    let r = require(true, &second).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(status(&app, &member).await["org_requires_for_admins"], true);

    // The admin without one is a member until they set it up; the shell
    // is told so. The one with it keeps their rights; members are as they were.
    let who = me(&app, &first).await;
    assert_eq!(who.body["role"], "member", "{}", who.text);
    assert_eq!(who.body["needs_second_factor"], true);
    let trash = json!({"kind": "company", "before": null});
    let r = app
        .call("/api/trash/list", trash.clone(), Some(&first))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(require(false, &first).await.status, StatusCode::FORBIDDEN);
    let who = me(&app, &second).await;
    assert_eq!(
        (
            who.body["role"].clone(),
            who.body["needs_second_factor"].clone()
        ),
        (json!("admin"), json!(false))
    );
    let r = app
        .call("/api/trash/list", trash.clone(), Some(&second))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(me(&app, &member).await.body["needs_second_factor"], false);

    // Setting it up gives the rights back at once.
    set_up(&app, &first).await;
    let who = me(&app, &first).await;
    assert_eq!(who.body["role"], "admin", "{}", who.text);
    assert_eq!(who.body["needs_second_factor"], false);
    let r = app.call("/api/trash/list", trash, Some(&first)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // And the setting can be turned off again.
    assert_eq!(require(false, &first).await.status, StatusCode::OK);
    assert_eq!(status(&app, &first).await["org_requires_for_admins"], false);
}

/// Phone and recovery codes lost: an admin removes the factor from the
/// users page; the user's sessions end and the password alone signs in.
#[sqlx::test(migrations = "../migrations")]
async fn an_admin_removes_a_lost_second_factor(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, admin) = app.login_as("admin@example.fr", "admin").await;
    let (member_id, member) = app.login_as("lost@example.fr", "member").await;
    set_up(&app, &member).await;
    let team = app
        .call(
            "/api/users/team",
            json!({"filter": {"search": "lost"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        team.body["users"][0]["second_factor"], true,
        "{}",
        team.text
    );
    // Not the member's to call.
    let r = app
        .call(
            "/api/users/remove_second_factor",
            json!({"user_id": member_id}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    password_step(&app, "lost@example.fr").await;

    let r = app
        .call(
            "/api/users/remove_second_factor",
            json!({"user_id": member_id}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(me(&app, &member).await.status, StatusCode::UNAUTHORIZED);
    let fresh = app
        .login("lost@example.fr", PASSWORD)
        .await
        .expect("the password alone");
    assert_eq!(status(&app, &fresh).await["enabled"], false);
    let codes: i64 = sqlx::query_scalar("SELECT count(*) FROM recovery_codes WHERE user_id = $1")
        .bind(member_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(codes, 0);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'security' AND record_type = 'user' AND record_id = $1
           AND detail = 'second factor removed'",
    )
    .bind(member_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

/// The same steps from the login page's plain HTML forms (no app): the
/// password form goes on to the code form, a wrong code comes back with
/// its message, a recovery code signs in, and a code with no password
/// before it sends the person back to the password.
#[sqlx::test(migrations = "../migrations")]
async fn the_login_page_forms_ask_for_the_code(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("me@example.fr", "member").await;
    let (_, recovery) = set_up(&app, &s).await;
    let flash_of = |r: &Reply| {
        r.cookie("relais_flash")
            .map(|c| c.split(';').next().unwrap().to_string())
    };

    let r = app
        .post_urlencoded(
            "/api/auth/login_form",
            &[
                ("email", "me@example.fr"),
                ("password", PASSWORD),
                ("locale", "en"),
                ("next", "/deals"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        r.location.as_deref(),
        Some("/login?next=%2Fdeals&step=code")
    );
    let pending = session_cookie(&r).expect("the pending login's session");
    assert_eq!(me(&app, &pending).await.status, StatusCode::UNAUTHORIZED);

    let page = app
        .get("/login?next=%2Fdeals&step=code", Some(&pending))
        .await;
    assert!(
        page.text.contains(r#"action="/api/auth/login_code_form""#),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(r#"inputmode="numeric""#),
        "{}",
        page.text
    );
    assert!(
        !page.text.contains(r#"name="password""#),
        "the password step is over"
    );
    // Changing the language keeps the step.
    let r = app
        .post_urlencoded(
            "/api/auth/language_form",
            &[("locale", "fr"), ("next", "/deals"), ("step", "code")],
            Some(&pending),
        )
        .await;
    assert_eq!(
        r.location.as_deref(),
        Some("/login?next=%2Fdeals&step=code")
    );

    // A wrong code: back to the code form, the message on its field.
    let r = app
        .post_urlencoded(
            "/api/auth/login_code_form",
            &[("code", "000000"), ("next", "/deals")],
            Some(&pending),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location.as_deref(),
        Some("/login?next=%2Fdeals&step=code")
    );
    let flash = flash_of(&r).unwrap();
    let page = app
        .get(
            "/login?next=%2Fdeals&step=code",
            Some(&format!("{pending}; {flash}")),
        )
        .await;
    assert!(
        page.text.contains("This code is not right"),
        "{}",
        page.text
    );

    // A recovery code, from its own form: signed in, at the page asked for.
    let page = app
        .get("/login?next=%2Fdeals&step=code&recovery=1", Some(&pending))
        .await;
    assert!(
        !page.text.contains(r#"inputmode="numeric""#),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(r#"name="recovery" value="1""#),
        "{}",
        page.text
    );
    let r = app
        .post_urlencoded(
            "/api/auth/login_code_form",
            &[
                ("code", &recovery[0]),
                ("next", "/deals"),
                ("recovery", "1"),
            ],
            Some(&pending),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location.as_deref(), Some("/deals"));
    let signed_in = session_cookie(&r).expect("a new session id");
    assert_eq!(me(&app, &signed_in).await.status, StatusCode::OK);

    // A code with no password step before it: the password again, said why.
    let r = app
        .post_urlencoded("/api/auth/login_code_form", &[("code", "123456")], None)
        .await;
    assert_eq!(r.location.as_deref(), Some("/login"));
    let page = app.get("/login", flash_of(&r).as_deref()).await;
    assert!(
        page.text.contains("This sign-in took too long"),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"name="password""#));
}
