//! The team from the app: invitations (mail in the invitee's language, a
//! link that works once), roles, deactivation (signed out at once), the
//! last admin kept, and every function refused to managers and members.

use crate::common::{PASSWORD, TestApp};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

/// The invitation link's token in the last mail to `to`.
async fn token_in_mail(pool: &PgPool, to: &str) -> (String, String, String) {
    let (subject, body): (String, String) = sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(pool)
    .await
    .unwrap();
    let token = body
        .split("/invitation?token=")
        .nth(1)
        .expect(&body)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    (token, subject, body)
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invited_colleague_joins_once_in_their_language(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, admin) = app.login_as("admin@example.fr", "admin").await;

    // Bad input: said per field, nothing sent.
    let bad = app
        .call(
            "/api/users/invite",
            json!({"email": "nope", "role": "boss", "locale": "fr"}),
            Some(&admin),
        )
        .await;
    let fields = bad.refused_fields();
    assert_eq!(fields, ["email", "role"], "{}", bad.text);
    // An address that already has an account.
    let taken = app
        .call(
            "/api/users/invite",
            json!({"email": "ADMIN@example.fr", "role": "member", "locale": "en"}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        taken.body["fields"],
        json!([{"field": "email", "problem": {"code": "taken"}}])
    );
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(outbox, 0);

    let r = app
        .call(
            "/api/users/invite",
            json!({"email": "camille@example.fr", "role": "manager", "locale": "fr"}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (first_token, subject, body) = token_in_mail(&pool, "camille@example.fr").await;
    assert_eq!(subject, "Relais : votre invitation");
    assert!(body.contains("valable 7 jours"), "{body}");
    // Sent again: a new link, the old one no longer works.
    let id = r.body.as_i64().unwrap();
    let again = app
        .call("/api/users/resend", json!({"id": id}), Some(&admin))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    let (token, _, _) = token_in_mail(&pool, "camille@example.fr").await;
    assert_ne!(token, first_token);
    let old = app
        .call("/api/users/invitation", json!({"token": first_token}), None)
        .await;
    assert_eq!(old.body["kind"], "invalid_token", "{}", old.text);

    // The page the link opens knows who is invited, in which language.
    let info = app
        .call("/api/users/invitation", json!({"token": token}), None)
        .await;
    assert_eq!(
        info.body,
        json!({"email": "camille@example.fr", "locale": "fr"})
    );
    let team = app
        .call("/api/users/team", json!({"filter": {}}), Some(&admin))
        .await;
    assert_eq!(team.body["invitations"][0]["email"], "camille@example.fr");

    // Name and password: checked, then the account exists with the
    // invitation's role and language, and can log in.
    let short = app
        .call(
            "/api/users/accept",
            json!({"token": token, "name": "", "password": "short", "confirm": "short"}),
            None,
        )
        .await;
    assert_eq!(short.body["kind"], "invalid", "{}", short.text);
    let ok = app
        .call(
            "/api/users/accept",
            json!({"token": token, "name": "Camille Roux", "password": PASSWORD, "confirm": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let (role, locale, name): (String, String, String) =
        sqlx::query_as("SELECT role, locale, name FROM users WHERE email = 'camille@example.fr'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (role.as_str(), locale.as_str(), name.as_str()),
        ("manager", "fr", "Camille Roux")
    );
    let camille = app.login("camille@example.fr", PASSWORD).await.unwrap();
    // Once only.
    let twice = app
        .call(
            "/api/users/accept",
            json!({"token": token, "name": "Intruder", "password": PASSWORD, "confirm": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(twice.body["kind"], "invalid_token", "{}", twice.text);

    // A manager is refused every function of the page.
    for (path, body) in [
        ("/api/users/team", json!({"filter": {}})),
        (
            "/api/users/invite",
            json!({"email": "x@example.fr", "role": "admin", "locale": "en"}),
        ),
        (
            "/api/users/set_role",
            json!({"user_id": 1, "role": "admin"}),
        ),
        (
            "/api/users/set_active",
            json!({"user_id": 1, "active": false}),
        ),
        ("/api/users/resend", json!({"id": id})),
        ("/api/users/revoke", json!({"id": id})),
    ] {
        let r = app.call(path, body, Some(&camille)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text);
    }
    // The audit log has the invitations.
    let invites: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'invite'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(invites, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_or_withdrawn_invitation_does_not_open(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, admin) = app.login_as("admin@example.fr", "admin").await;
    for email in ["late@example.fr", "gone@example.fr"] {
        let r = app
            .call(
                "/api/users/invite",
                json!({"email": email, "role": "member", "locale": "en"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let (late, subject, _) = token_in_mail(&pool, "late@example.fr").await;
    assert_eq!(subject, "Relais: your invitation");
    let (gone, _, _) = token_in_mail(&pool, "gone@example.fr").await;
    sqlx::query("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE email = 'late@example.fr'")
        .execute(&pool)
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM invitations WHERE email = 'gone@example.fr'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = app
        .call("/api/users/revoke", json!({"id": id}), Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for token in [late, gone] {
        let r = app
            .call(
                "/api/users/accept",
                json!({"token": token, "name": "Someone", "password": PASSWORD, "confirm": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(r.body["kind"], "invalid_token", "{}", r.text);
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 1);
    // The expired one is shown as such, and can be sent again.
    let team = app
        .call("/api/users/team", json!({"filter": {}}), Some(&admin))
        .await;
    assert_eq!(
        team.body["invitations"][0]["expired"], true,
        "{}",
        team.text
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn roles_and_deactivation_keep_an_admin_and_sign_out_at_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (admin_id, admin) = app.login_as("admin@example.fr", "admin").await;
    let (member_id, member) = app.login_as("member@example.fr", "member").await;
    let phone = app.login("member@example.fr", PASSWORD).await.unwrap();
    // The member owns a company: it stays theirs, visible, reassignable.
    let company: i64 = sqlx::query_scalar(
        "INSERT INTO companies (name, owner_id, created_by) VALUES ('Atelier', $1, $1) RETURNING id",
    )
    .bind(member_id)
    .fetch_one(&pool)
    .await
    .unwrap();

    // The only admin can neither step down nor be deactivated, nor
    // deactivate themselves.
    let r = app
        .call(
            "/api/users/set_role",
            json!({"user_id": admin_id, "role": "member"}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        r.body["fields"],
        json!([{"field": "role", "problem": {"code": "last_admin"}}]),
        "{}",
        r.text
    );
    let r = app
        .call(
            "/api/users/set_active",
            json!({"user_id": admin_id, "active": false}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        r.body["fields"][0]["problem"]["code"], "yourself",
        "{}",
        r.text
    );
    let bad = app
        .call(
            "/api/users/set_role",
            json!({"user_id": member_id, "role": "boss"}),
            Some(&admin),
        )
        .await;
    assert_eq!(bad.body["kind"], "invalid", "{}", bad.text);

    // Promoted, the member is an admin at their next request.
    let r = app
        .call(
            "/api/users/set_role",
            json!({"user_id": member_id, "role": "admin"}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let team = app
        .call(
            "/api/users/team",
            json!({"filter": {"role": "admin"}}),
            Some(&member),
        )
        .await;
    assert_eq!(team.status, StatusCode::OK, "{}", team.text);
    assert_eq!(team.body["users"].as_array().unwrap().len(), 2);
    // Now there are two admins: the first may be demoted (by the other).
    let r = app
        .call(
            "/api/users/set_role",
            json!({"user_id": admin_id, "role": "manager"}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The first admin is made admin again.
    let r = app
        .call(
            "/api/users/set_role",
            json!({"user_id": admin_id, "role": "admin"}),
            Some(&member),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Deactivated: both sessions end at once, login refused.
    let r = app
        .call(
            "/api/users/set_active",
            json!({"user_id": member_id, "active": false}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for s in [&member, &phone] {
        let r = app.call("/api/auth/me", json!({}), Some(s)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    assert!(app.login("member@example.fr", PASSWORD).await.is_err());
    let sessions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sessions WHERE data->>'user_id' = $1::text")
            .bind(member_id.to_string())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(sessions, 0);
    // Their record stays, with its owner, and can be given to someone else.
    let got = app
        .call("/api/companies/get", json!({"id": company}), Some(&admin))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    let inactive = app
        .call(
            "/api/users/team",
            json!({"filter": {"state": "inactive"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(inactive.body["users"][0]["email"], "member@example.fr");
    assert_eq!(inactive.body["users"][0]["active"], false);

    // Reactivated: they can log in again.
    let r = app
        .call(
            "/api/users/set_active",
            json!({"user_id": member_id, "active": true}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(app.login("member@example.fr", PASSWORD).await.is_ok());
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE record_type = 'user' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        ["role", "role", "role", "deactivate", "reactivate"]
    );
}

/// Two admins demoting each other at the same moment: one wins, the
/// organisation keeps an admin.
#[sqlx::test(migrations = "../migrations")]
async fn two_admins_demoting_each_other_leave_one(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (a_id, a) = app.login_as("a@example.fr", "admin").await;
    let (b_id, b) = app.login_as("b@example.fr", "admin").await;
    let (ra, rb) = tokio::join!(
        app.call(
            "/api/users/set_role",
            json!({"user_id": b_id, "role": "member"}),
            Some(&a)
        ),
        app.call(
            "/api/users/set_role",
            json!({"user_id": a_id, "role": "member"}),
            Some(&b)
        ),
    );
    let ok = [&ra, &rb]
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert!(ok >= 1, "{} / {}", ra.text, rb.text);
    let admins: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(admins, 1, "{} / {}", ra.text, rb.text);
}
