//! The pages before login without the app: their plain HTML forms post to
//! the form server functions, which answer `303 See Other` (post /
//! redirect / get) and leave what was typed and the error in a
//! short-lived cookie for the next visit of the page.

use crate::common::{PASSWORD, Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use sqlx::PgPool;

/// `name=value` of a `Set-Cookie`.
fn pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_login_page_comes_without_the_app(pool: PgPool) {
    let app = TestApp::new(pool);
    let page = app.get("/login", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains(r#"action="/api/auth/login_form""#),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"data-ready="true""#), "ready as drawn");
    // No wasm, no app to start: only the cookies, the theme and the worker.
    assert!(!page.text.contains("module_or_path"), "{}", page.text);
    assert!(page.text.contains("serviceWorker?.register('/sw.js')"));
    // The other pages before login neither.
    for (path, action) in [
        ("/forgot-password", "/api/auth/forgot_password_form"),
        ("/reset-password?token=00", "/api/auth/reset_password_form"),
    ] {
        let other = app.get(path, None).await;
        assert_eq!(other.status, StatusCode::OK);
        assert!(other.text.contains(&format!(r#"action="{action}""#)));
        assert!(!other.text.contains("module_or_path"), "{path}");
    }
    // A page of the app still starts it (the login page, once signed in,
    // sends the visitor on; the Desk is the app).
    let (_, session) = app.login_as("ana@example.fr", "member").await;
    let desk = app.get("/", Some(&session)).await;
    assert!(desk.text.contains("module_or_path"));
}

/// The page a form's answer leads to (its `Location`), opened with the
/// answer's flash cookie, as the browser follows it.
async fn followed(app: &TestApp, answer: &Reply) -> Reply {
    let to = answer.location.as_deref().expect("a redirect");
    let flash = answer.cookie("relais_flash").expect("the flash cookie");
    app.get(to, Some(pair(flash))).await
}

/// The last mail to `to` holds a link to `page`: its token.
async fn token_in_mail(pool: &PgPool, to: &str, page: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(pool)
    .await
    .unwrap();
    body.split(&format!("{page}?token="))
        .nth(1)
        .expect(&body)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_forgotten_password_is_asked_and_set_again_with_no_wasm(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    app.user("camille@example.fr", "member").await;
    let mails = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM outbox")
            .fetch_one(&pool)
            .await
            .unwrap()
    };

    // Bad input: its message on the field, the address kept, no mail.
    let r = app
        .post_urlencoded(
            "/api/auth/forgot_password_form",
            &[("email", "not an address")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location.as_deref(), Some("/forgot-password"));
    let flash = r.cookie("relais_flash").expect("the flash cookie");
    assert!(flash.contains("Path=/forgot-password"), "{flash}");
    let page = app.get("/forgot-password", Some(pair(flash))).await;
    assert!(
        page.text.contains("Enter a valid email address"),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"value="not an address""#));
    assert!(page.text.contains(r#"aria-invalid="true""#));
    assert_eq!(mails().await, 0);

    // An address with an account and one without: the same answer.
    for email in ["Camille@example.fr", "nobody@example.fr"] {
        let r = app
            .post_urlencoded("/api/auth/forgot_password_form", &[("email", email)], None)
            .await;
        assert_eq!(r.location.as_deref(), Some("/forgot-password"));
        let page = followed(&app, &r).await;
        assert!(
            page.text.contains(r#"class="banner banner-ok""#),
            "{}",
            page.text
        );
        assert!(
            !page
                .text
                .contains(r#"action="/api/auth/forgot_password_form""#)
        );
    }
    assert_eq!(mails().await, 1, "one link, to the account's address");
    let token = token_in_mail(&pool, "camille@example.fr", "/reset-password").await;

    // Typed twice, differently: said on the second field, nothing changed,
    // back to the same link.
    let r = app
        .post_urlencoded(
            "/api/auth/reset_password_form",
            &[
                ("token", token.as_str()),
                ("password", "a brand new password"),
                ("confirm", "a brand new passw0rd"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let back = format!("/reset-password?token={token}");
    assert_eq!(r.location.as_deref(), Some(back.as_str()));
    let page = followed(&app, &r).await;
    assert!(
        page.text.contains("Does not match the new password."),
        "{}",
        page.text
    );
    assert!(
        !page.text.contains("a brand new"),
        "a password is never drawn back"
    );
    assert!(app.login("camille@example.fr", PASSWORD).await.is_ok());

    // Typed twice the same: saved; the link works once.
    let form = [
        ("token", token.as_str()),
        ("password", "a brand new password"),
        ("confirm", "a brand new password"),
    ];
    let r = app
        .post_urlencoded("/api/auth/reset_password_form", &form, None)
        .await;
    assert_eq!(r.location.as_deref(), Some("/reset-password"));
    let page = followed(&app, &r).await;
    assert!(
        page.text.contains(r#"class="banner banner-ok""#),
        "{}",
        page.text
    );
    assert!(
        app.login("camille@example.fr", "a brand new password")
            .await
            .is_ok()
    );
    let again = app
        .post_urlencoded("/api/auth/reset_password_form", &form, None)
        .await;
    assert_eq!(again.location.as_deref(), Some(back.as_str()));
    let page = followed(&app, &again).await;
    assert!(page.text.contains("banner-error"), "{}", page.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invitation_is_drawn_in_its_language_and_accepted_with_no_wasm(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, admin) = app.login_as("admin@example.fr", "admin").await;
    let r = app
        .call(
            "/api/users/invite",
            json!({"email": "claire@example.fr", "role": "member", "locale": "fr"}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let token = token_in_mail(&pool, "claire@example.fr", "/invitation").await;
    let link = format!("/invitation?token={token}");

    // Drawn whole by the server, in the invitation's language, whatever
    // the visitor's browser asks for; no wasm.
    let page = app.get(&link, None).await;
    std::fs::write("/tmp/inv.html", &page.text).unwrap();
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Rejoindre l'équipe") || page.text.contains("Rejoindre l&#x27;équipe"),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"lang="fr""#));
    assert!(page.text.contains("claire@example.fr"));
    assert!(page.text.contains(r#"action="/api/users/accept_form""#));
    assert!(!page.text.contains("module_or_path"));
    // A link that does not work says so.
    let wrong = app.get("/invitation?token=00", None).await;
    assert!(wrong.text.contains("banner-error"), "{}", wrong.text);
    assert!(!wrong.text.contains(r#"action="/api/users/accept_form""#));

    // Bad input: back to the link, the name kept, each message on its field.
    let r = app
        .post_urlencoded(
            "/api/users/accept_form",
            &[
                ("token", token.as_str()),
                ("name", "Claire Petit"),
                ("password", "short"),
                ("confirm", "other"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location.as_deref(), Some(link.as_str()));
    let page = followed(&app, &r).await;
    assert!(
        page.text.contains(r#"value="Claire Petit""#),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains("Ne correspond pas au nouveau mot de passe.")
    );
    let users: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'claire@example.fr'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(users, 0);

    // Joined: the account is made, the next pages speak French.
    let r = app
        .post_urlencoded(
            "/api/users/accept_form",
            &[
                ("token", token.as_str()),
                ("name", "Claire Petit"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/invitation"));
    let locale = r
        .cookie("i18n_pref_locale")
        .expect("the account's language");
    assert!(locale.starts_with("i18n_pref_locale=fr"), "{locale}");
    let cookies = format!(
        "{}; {}",
        pair(locale),
        pair(r.cookie("relais_flash").unwrap())
    );
    let page = app.get("/invitation", Some(&cookies)).await;
    assert!(
        page.text.contains(r#"class="banner banner-ok""#),
        "{}",
        page.text
    );
    assert!(page.text.contains("Se connecter"), "{}", page.text);
    assert!(app.login("claire@example.fr", PASSWORD).await.is_ok());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_password_comes_back_with_its_message_and_the_email(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("camille@example.fr", "member").await;
    let r = app
        .post_urlencoded(
            "/api/auth/login_form",
            &[
                ("email", "camille@example.fr"),
                ("password", "not the password"),
                ("locale", "en"),
                ("next", "/companies?q=a"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        r.location.as_deref(),
        Some("/login?next=%2Fcompanies%3Fq%3Da")
    );
    let flash = r.cookie("relais_flash").expect("the flash cookie");
    for attribute in ["Path=/login", "HttpOnly", "SameSite=Strict", "Max-Age=300"] {
        assert!(flash.contains(attribute), "{flash}");
    }
    assert!(!flash.contains(PASSWORD) && !flash.contains("not the password"));

    // The page after: the message, the email typed, the page asked for; the
    // flash is cleared so that a reload shows a clean form.
    let page = app
        .get("/login?next=%2Fcompanies%3Fq%3Da", Some(pair(flash)))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Email or password is incorrect."),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(r#"value="camille@example.fr""#),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(r#"name="next" value="/companies?q=a""#),
        "{}",
        page.text
    );
    let cleared = page.cookie("relais_flash").expect("cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let clean = app.get("/login", None).await;
    assert!(!clean.text.contains("Email or password is incorrect."));

    // Bad input: a message on its field, nothing else happens.
    let r = app
        .post_urlencoded(
            "/api/auth/login_form",
            &[
                ("email", "not an address"),
                ("password", ""),
                ("locale", "en"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert!(
        r.cookie("relais_session")
            .is_none_or(|c| !c.contains("Max-Age"))
    );
    let flash = r.cookie("relais_flash").unwrap();
    let page = app.get("/login", Some(pair(flash))).await;
    assert!(
        page.text.contains("Enter a valid email address"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("This field is required."),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(r#"aria-invalid="true""#),
        "{}",
        page.text
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_right_password_signs_in_and_goes_to_the_page_asked_for(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("camille@example.fr", "member").await;
    for (next, location) in [("/persons/12", "/persons/12"), ("//evil.example", "/")] {
        let r = app
            .post_urlencoded(
                "/api/auth/login_form",
                &[
                    ("email", "Camille@Example.fr"),
                    ("password", PASSWORD),
                    ("locale", "fr"),
                    ("next", next),
                ],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(r.location.as_deref(), Some(location), "no open redirect");
        assert!(r.cookie("relais_flash").is_none());
        assert!(
            r.cookie("i18n_pref_locale")
                .unwrap()
                .starts_with("i18n_pref_locale=fr")
        );
        let session = r.cookie("relais_session").expect("signed in");
        let me = app
            .call("/api/auth/me", json!({}), Some(pair(session)))
            .await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        assert_eq!(me.body["locale"], "fr", "the language chosen is the user's");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_language_form_keeps_the_choice_for_the_next_page(pool: PgPool) {
    let app = TestApp::new(pool);
    let r = app
        .post_urlencoded(
            "/api/auth/language_form",
            &[("locale", "fr"), ("next", "/deals")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login?next=%2Fdeals"));
    let locale = r.cookie("i18n_pref_locale").unwrap();
    let page = app.get("/login?next=%2Fdeals", Some(pair(locale))).await;
    assert!(page.text.contains("Se connecter à Relais"), "{}", page.text);
    assert!(page.text.contains(r#"name="locale" value="fr""#));
    // A language Relais does not have sets nothing.
    let r = app
        .post_urlencoded("/api/auth/language_form", &[("locale", "xx")], None)
        .await;
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert!(r.cookie("i18n_pref_locale").is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn forms_are_taken_from_this_site_only_and_by_these_functions_only(pool: PgPool) {
    let app = TestApp::new(pool);
    app.user("camille@example.fr", "member").await;
    let form = format!(
        "email=camille%40example.fr&password={}&locale=en",
        PASSWORD.replace(' ', "+")
    );
    let post = |path: &str, origin: Option<&str>, body: &str| {
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html");
        if let Some(o) = origin {
            req = req
                .header(header::ORIGIN, o)
                .header("sec-fetch-site", "cross-site");
        }
        req.body(Body::from(body.to_string())).unwrap()
    };
    // Another site's page cannot log a visitor in (login CSRF).
    let r = app
        .send(post(
            "/api/auth/login_form",
            Some("https://evil.example"),
            &form,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.cookie("relais_session").is_none());
    // Every other server function still takes JSON only.
    let r = app.send(post("/api/auth/login", None, &form)).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // No NUL, even encoded; no body beyond its bound.
    let r = app
        .send(post(
            "/api/auth/login_form",
            None,
            &format!("{form}&next=%00"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let long = format!("{form}&next=/{}", "a".repeat(20_000));
    let r = app.send(post("/api/auth/login_form", None, &long)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A form missing a field (only a hand-made request can) is refused as
    // bad arguments, never a 500; leptos sends a plain form back (302).
    let r = app
        .send(post("/api/auth/login_form", None, "email=a%40b.fr"))
        .await;
    assert!(!r.status.is_server_error(), "{}", r.status);
    assert_eq!(
        r.body,
        json!({"kind": "bad_request", "reason": "arguments"})
    );
    assert!(r.cookie("relais_session").is_none());
    // The same form from this site signs in.
    let r = app.send(post("/api/auth/login_form", None, &form)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(r.cookie("relais_session").is_some());
}
