//! Server functions of the team. All but `invitation_info`,
//! `accept_invitation` and `accept_form` (the invitee has no account yet;
//! they are in `PUBLIC_SERVER_FNS` and hold only a link's token) start with
//! `require(Role::Admin)`: a manager or a member is refused.

use super::{Invitee, TeamFilter, TeamView};
use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{INVITATION_DAYS, InvitationRow, UserRow, check_acceptance, check_invitation},
    crate::auth::{CurrentUser, Role, token_hash},
    crate::error::{AppError, FieldError, FieldProblem},
    crate::ssr::{
        audit::{self, action},
        guard::require,
        mail::{self, Block},
        passwords, pool, settings, throttle,
    },
    sqlx::{Postgres, Transaction},
};

#[cfg(feature = "ssr")]
fn field(field: &str, problem: FieldProblem) -> AppError {
    AppError::invalid(vec![FieldError {
        field: field.into(),
        problem,
    }])
}

/// The users and the open invitations, filtered.
#[server(prefix = "/api/users", endpoint = "team", input = server_fn::codec::Json)]
pub async fn team(filter: TeamFilter) -> AppResult<TeamView> {
    let me = require(Role::Admin).await?;
    let pool = pool()?;
    let search = filter.search.trim().to_lowercase();
    // id, name, email, role, active, last login, time zone, second factor
    type Row = (i64, String, String, String, bool, String, String, bool);
    let users: Vec<Row> = sqlx::query_as(
        "SELECT id, name, email, role, active,
                coalesce(to_char(last_login_at AT TIME ZONE $4, 'YYYY-MM-DD HH24:MI'), ''), time_zone,
                totp_enabled_at IS NOT NULL
         FROM users
         WHERE ($1 = '' OR strpos(lower(name || ' ' || email), $1) > 0)
           AND ($2 = '' OR role = $2)
           AND ($3 = '' OR active = ($3 = 'active'))
         ORDER BY active DESC, lower(name), id",
    )
    .bind(&search)
    .bind(filter.role.trim())
    .bind(filter.state.trim())
    .bind(&me.time_zone)
    .fetch_all(&pool)
    .await?;
    let invitations: Vec<(i64, String, String, String, String, bool, String)> = sqlx::query_as(
        "SELECT i.id, i.email, i.role, i.locale,
                to_char(i.sent_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI'), i.expires_at <= now(),
                coalesce(u.name, '')
         FROM invitations i LEFT JOIN users u ON u.id = i.invited_by
         WHERE i.accepted_at IS NULL AND i.revoked_at IS NULL
           AND ($1 = '' OR strpos(lower(i.email), $1) > 0)
           AND ($2 = '' OR i.role = $2)
         ORDER BY i.sent_at DESC, i.id DESC",
    )
    .bind(&search)
    .bind(filter.role.trim())
    .bind(&me.time_zone)
    .fetch_all(&pool)
    .await?;
    Ok(TeamView {
        users: users
            .into_iter()
            .map(
                |(id, name, email, role, active, last_login, time_zone, second_factor)| UserRow {
                    me: id == me.id,
                    second_factor,
                    id,
                    name,
                    email,
                    role,
                    active,
                    last_login,
                    time_zone,
                },
            )
            .collect(),
        // Invitations are people not yet active: a filter on inactive
        // users shows none of them.
        invitations: if filter.state.trim() == "inactive" {
            Vec::new()
        } else {
            invitations
                .into_iter()
                .map(
                    |(id, email, role, locale, sent, expired, invited_by)| InvitationRow {
                        id,
                        email,
                        role,
                        locale,
                        sent,
                        expired,
                        invited_by,
                    },
                )
                .collect()
        },
    })
}

/// Writes a new invitation (replacing an open one for the same address)
/// and queues its mail, in one transaction.
#[cfg(feature = "ssr")]
async fn send_invitation(
    tx: &mut Transaction<'static, Postgres>,
    me: &CurrentUser,
    email: &str,
    role: &str,
    locale: &str,
) -> AppResult<i64> {
    sqlx::query(
        "UPDATE invitations SET revoked_at = now()
         WHERE lower(email) = lower($1) AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(email)
    .execute(&mut **tx)
    .await?;
    let token = hex::encode(rand::random::<[u8; 32]>());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO invitations (email, role, locale, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6::int)) RETURNING id",
    )
    .bind(email)
    .bind(role)
    .bind(locale)
    .bind(token_hash(&token))
    .bind(me.id)
    .bind(INVITATION_DAYS as i32)
    .fetch_one(&mut **tx)
    .await?;
    let link = format!(
        "{}/invitation?token={token}",
        settings().public_url.trim_end_matches('/')
    );
    let mail = if locale == "fr" {
        let intro = format!(
            "{} vous invite à rejoindre l'équipe sur Relais, le CRM de votre organisation.",
            me.name
        );
        mail::compose(
            email,
            "Relais : votre invitation",
            &[
                Block::Para("Bonjour,"),
                Block::Para(&intro),
                Block::Para(
                    "Pour choisir votre nom et votre mot de passe, ouvrez ce lien (valable 7 jours, une seule fois) :",
                ),
                Block::Link {
                    label: "Rejoindre l'équipe",
                    url: &link,
                },
                Block::Para("Si vous ne vous attendiez pas à ce message, ignorez-le."),
            ],
        )
    } else {
        let intro = format!(
            "{} invites you to join the team on Relais, your organisation's CRM.",
            me.name
        );
        mail::compose(
            email,
            "Relais: your invitation",
            &[
                Block::Para("Hello,"),
                Block::Para(&intro),
                Block::Para(
                    "To choose your name and password, open this link (valid for 7 days, once):",
                ),
                Block::Link {
                    label: "Join the team",
                    url: &link,
                },
                Block::Para("If you did not expect this message, ignore it."),
            ],
        )
    };
    mail::enqueue(&mut **tx, &mail).await?;
    Ok(id)
}

/// Invites a colleague by mail with a role; `locale` is the language of
/// the mail and of the page it opens.
#[server(prefix = "/api/users", endpoint = "invite", input = server_fn::codec::Json)]
pub async fn invite_user(email: String, role: String, locale: String) -> AppResult<i64> {
    let me = require(Role::Admin).await?;
    let errors = check_invitation(&email, &role, &locale);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let email = email.trim();
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    let taken: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1))")
            .bind(email)
            .fetch_one(&mut *tx)
            .await?;
    if taken {
        return Err(field("email", FieldProblem::Taken));
    }
    let id = send_invitation(&mut tx, &me, email, &role, &locale).await?;
    audit::record(
        &mut *tx,
        &me,
        action::INVITE,
        None,
        &format!("{email} ({role})"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Sends an open invitation again, with a new link (the old one stops
/// working) and a new expiry.
#[server(prefix = "/api/users", endpoint = "resend", input = server_fn::codec::Json)]
pub async fn resend_invitation(id: i64) -> AppResult<i64> {
    let me = require(Role::Admin).await?;
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    let open: Option<(String, String, String)> = sqlx::query_as(
        "SELECT email, role, locale FROM invitations
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((email, role, locale)) = open else {
        return Err(AppError::NotFound);
    };
    let new_id = send_invitation(&mut tx, &me, &email, &role, &locale).await?;
    audit::record(
        &mut *tx,
        &me,
        action::INVITE,
        None,
        &format!("{email} ({role}), again"),
    )
    .await?;
    tx.commit().await?;
    Ok(new_id)
}

/// Withdraws an open invitation: its link stops working.
#[server(prefix = "/api/users", endpoint = "revoke", input = server_fn::codec::Json)]
pub async fn revoke_invitation(id: i64) -> AppResult<()> {
    let me = require(Role::Admin).await?;
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    let email: Option<String> = sqlx::query_scalar(
        "UPDATE invitations SET revoked_at = now()
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING email",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let email = email.ok_or(AppError::NotFound)?;
    audit::record(
        &mut *tx,
        &me,
        action::INVITE,
        None,
        &format!("{email}, withdrawn"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Locks the active admins (so that two admins demoting each other at once
/// are judged one after the other) and refuses a change that would leave
/// none: `user_id` stops being an active admin.
#[cfg(feature = "ssr")]
async fn keep_an_admin(
    tx: &mut Transaction<'static, Postgres>,
    user_id: i64,
    field_name: &str,
) -> AppResult<()> {
    let admins: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE",
    )
    .fetch_all(&mut **tx)
    .await?;
    if admins == [user_id] {
        return Err(field(field_name, FieldProblem::LastAdmin));
    }
    Ok(())
}

/// Gives a user another role. Their sessions keep going: every request
/// reads the role afresh.
#[server(prefix = "/api/users", endpoint = "set_role", input = server_fn::codec::Json)]
pub async fn set_role(user_id: i64, role: String) -> AppResult<()> {
    let me = require(Role::Admin).await?;
    if Role::parse(&role).is_none() {
        return Err(field("role", FieldProblem::InvalidChoice));
    }
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    if role != "admin" {
        keep_an_admin(&mut tx, user_id, "role").await?;
    }
    let before: Option<String> =
        sqlx::query_scalar("SELECT role FROM users WHERE id = $1 FOR UPDATE")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    let before = before.ok_or(AppError::NotFound)?;
    if before == role {
        return Ok(());
    }
    sqlx::query("UPDATE users SET role = $2, updated_at = now() WHERE id = $1")
        .bind(user_id)
        .bind(&role)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        &me,
        action::ROLE,
        Some(("user", user_id)),
        &format!("{before} → {role}"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates a user (signed out everywhere at once; their history and
/// records stay, visible and reassignable) or reactivates them.
#[server(prefix = "/api/users", endpoint = "set_active", input = server_fn::codec::Json)]
pub async fn set_active(user_id: i64, active: bool) -> AppResult<()> {
    let me = require(Role::Admin).await?;
    if !active && user_id == me.id {
        return Err(field("active", FieldProblem::Yourself));
    }
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    if !active {
        keep_an_admin(&mut tx, user_id, "active").await?;
    }
    let changed = sqlx::query(
        "UPDATE users SET active = $2, updated_at = now() WHERE id = $1 AND active <> $2",
    )
    .bind(user_id)
    .bind(active)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        return if exists {
            Ok(())
        } else {
            Err(AppError::NotFound)
        };
    }
    if !active {
        // Every session ends now; `require` would refuse them anyway.
        sqlx::query("DELETE FROM sessions WHERE data->>'user_id' = $1::text")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
    }
    let what = if active {
        action::REACTIVATE
    } else {
        action::DEACTIVATE
    };
    audit::record(&mut *tx, &me, what, Some(("user", user_id)), "").await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a user's second factor (they lost their phone and their
/// recovery codes): they sign in with their password alone, and may set up
/// a new one. Their sessions end, as after any change of how they sign in.
#[server(prefix = "/api/users", endpoint = "remove_second_factor", input = server_fn::codec::Json)]
pub async fn remove_second_factor(user_id: i64) -> AppResult<()> {
    let me = require(Role::Admin).await?;
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    let done = sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL,
                updated_at = now()
         WHERE id = $1 AND totp_enabled_at IS NOT NULL",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        return if exists {
            Ok(())
        } else {
            Err(AppError::NotFound)
        };
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE data->>'user_id' = $1::text")
        .bind(user_id.to_string())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        &me,
        action::SECURITY,
        Some(("user", user_id)),
        "second factor removed",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who an invitation link is for, if it still works.
#[server(prefix = "/api/users", endpoint = "invitation", input = server_fn::codec::Json)]
pub async fn invitation_info(token: String) -> AppResult<Invitee> {
    let pool = pool()?;
    let address = crate::auth::client_address().await;
    // Counted like reset links: guessing tokens is slowed down; a live
    // link is not counted.
    let attempt =
        crate::auth::throttled(throttle::attempt(&pool, &throttle::reset_limits(&address)).await)?;
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT email, locale FROM invitations
         WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()",
    )
    .bind(token_hash(token.trim()))
    .fetch_optional(&pool)
    .await?;
    let Some((email, locale)) = row else {
        throttle::failed(&pool, &attempt).await;
        return Err(AppError::InvalidToken);
    };
    throttle::forget(&pool, attempt).await;
    Ok(Invitee { email, locale })
}

/// Becomes a user through an invitation: the link works once, and the
/// account has the invitation's address, role and language (answered).
#[server(prefix = "/api/users", endpoint = "accept", input = server_fn::codec::Json)]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
    confirm: String,
) -> AppResult<Invitee> {
    let errors = check_acceptance(&name, &password, &confirm);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let pool = pool()?;
    let address = crate::auth::client_address().await;
    let attempt =
        crate::auth::throttled(throttle::attempt(&pool, &throttle::reset_limits(&address)).await)?;
    let hash_of_token = token_hash(token.trim());
    // The token first: hashing the password is for holders of a live link.
    let live: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL
                        AND revoked_at IS NULL AND expires_at > now())",
    )
    .bind(&hash_of_token)
    .fetch_one(&pool)
    .await?;
    if !live {
        throttle::failed(&pool, &attempt).await;
        return Err(AppError::InvalidToken);
    }
    throttle::forget(&pool, attempt).await;
    let hash = passwords::hash(password).await?;
    let mut tx = pool.begin().await?;
    // Spent and used in one transaction: two holders racing, one wins.
    let invitation: Option<(i64, String, String, String)> = sqlx::query_as(
        "UPDATE invitations SET accepted_at = now()
         WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
         RETURNING id, email, role, locale",
    )
    .bind(&hash_of_token)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((invitation_id, email, role, locale)) = invitation else {
        return Err(AppError::InvalidToken);
    };
    let user_id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, role, locale)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(&email)
    .bind(name.trim())
    .bind(&hash)
    .bind(&role)
    .bind(&locale)
    .fetch_optional(&mut *tx)
    .await?;
    // An account with this address was made since the invitation.
    let user_id = user_id.ok_or(AppError::InvalidToken)?;
    sqlx::query("UPDATE invitations SET user_id = $2 WHERE id = $1")
        .bind(invitation_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(user_id, "invitation accepted");
    Ok(Invitee { email, locale })
}

/// The invitation page's form (`auth::plain_forms`). Once joined, the
/// pages before login speak the new account's language.
#[server(prefix = "/api/users", endpoint = "accept_form", input = server_fn::codec::PostUrl)]
pub async fn accept_form(
    token: String,
    name: String,
    password: String,
    confirm: String,
) -> AppResult<()> {
    use crate::auth::plain_forms::{FormFlash, answer};
    use crate::ssr::cookies;
    match accept_invitation(token.clone(), name.clone(), password, confirm).await {
        Ok(joined) => {
            cookies::set_pref(cookies::LOCALE, &joined.locale);
            answer("/invitation", "/invitation", &FormFlash::done());
        }
        Err(error) => {
            let again = FormFlash {
                name,
                ..FormFlash::refused(error)
            };
            let back = format!("/invitation?token={}", crate::ui::list::urlencode(&token));
            answer("/invitation", &back, &again);
        }
    }
    Ok(())
}
