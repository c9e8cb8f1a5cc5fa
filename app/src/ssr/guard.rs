//! The one place where access is decided. Every server function starts with
//! `require(Role::…)` (or, for the few public ones, does not — and the test
//! `anonymous_callers_are_refused` lists those by name).

use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use http::StatusCode;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

/// Session key holding the logged-in user's id.
pub const USER_ID: &str = "user_id";
/// Session key of the last request's time (RFC 3339), written at most every
/// [`SEEN_EVERY_SECS`].
pub const SEEN_AT: &str = "seen_at";
/// How stale `seen_at` may get. Writing it saves the session, which moves
/// its expiry on: sessions end after days *without a request*, at the cost
/// of one write per session per five minutes, not one per request.
pub const SEEN_EVERY_SECS: i64 = 300;

pub async fn session() -> AppResult<Session> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| AppError::server(format!("no session layer: {e}")))
}

/// The user the login gate (`server::gate`) loaded for this request, with
/// [`load_user_from`], kept in the request's extensions: `require` takes it
/// from there instead of reading it again, so a request reads its user once
/// however many `require`s it runs (a page renders several).
#[derive(Debug, Clone)]
pub struct GateUser(pub CurrentUser);

/// The gate's user for `user_id`, when this request went through the gate.
fn gate_user(user_id: i64) -> Option<CurrentUser> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<GateUser>()
        .filter(|g| g.0.id == user_id)
        .map(|g| g.0.clone())
}

fn refuse(status: StatusCode, err: AppError) -> AppError {
    if let Some(resp) = use_context::<ResponseOptions>() {
        resp.set_status(status);
    }
    err
}

/// The logged-in, active user whose role is at least `role`.
pub async fn require(role: Role) -> AppResult<CurrentUser> {
    let session = session().await?;
    let user_id: Option<i64> = session
        .get(USER_ID)
        .await
        .map_err(|e| AppError::server(e.to_string()))?;
    let Some(user_id) = user_id else {
        return Err(refuse(StatusCode::UNAUTHORIZED, AppError::Unauthorized));
    };
    let user = match gate_user(user_id) {
        Some(user) => Some(user),
        None => load_user(user_id).await?,
    };
    let Some(user) = user else {
        // Deactivated or deleted since login: the session is worthless.
        let _ = session.flush().await;
        return Err(refuse(StatusCode::UNAUTHORIZED, AppError::Unauthorized));
    };
    let now = chrono::Utc::now();
    let seen: Option<chrono::DateTime<chrono::Utc>> = session.get(SEEN_AT).await.ok().flatten();
    if seen.is_none_or(|s| (now - s).num_seconds() >= SEEN_EVERY_SECS) {
        let _ = session.insert(SEEN_AT, now).await;
    }
    if !user.role.includes(role) {
        return Err(refuse(StatusCode::FORBIDDEN, AppError::Forbidden));
    }
    Ok(user)
}

/// An active user by id.
pub async fn load_user(user_id: i64) -> AppResult<Option<CurrentUser>> {
    load_user_from(&super::pool()?, user_id).await
}

/// An active user by id, outside server functions (e.g. a plain axum route).
///
/// When the organisation requires a second factor of admins
/// (`organisation_settings`), an admin who has none is loaded as a member,
/// with `needs_second_factor` set: they keep the app and may set up their
/// factor, but hold no admin power until they have one. This is the one
/// place that decides it; every `require` goes through here.
pub async fn load_user_from(pool: &sqlx::PgPool, user_id: i64) -> AppResult<Option<CurrentUser>> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        bool,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT u.id, u.name, u.email, u.role, u.locale, u.theme, u.density, u.time_zone,
                u.week_start, u.reminders_by,
                u.role = 'admin' AND u.totp_enabled_at IS NULL
                    AND COALESCE(o.require_admin_second_factor, false)
         FROM users u LEFT JOIN organisation_settings o ON o.id
         WHERE u.id = $1 AND u.active",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(
        |(
            id,
            name,
            email,
            role,
            locale,
            theme,
            density,
            time_zone,
            week_start,
            reminders_by,
            needs_second_factor,
        )| {
            let role = Role::parse(&role).unwrap_or(Role::Member);
            CurrentUser {
                id,
                name,
                email,
                // Least privilege until the second factor is set up.
                role: if needs_second_factor {
                    Role::Member
                } else {
                    role
                },
                locale,
                theme,
                density,
                time_zone,
                week_start,
                reminders_by,
                needs_second_factor,
            }
        },
    ))
}
