//! Server functions of accounts. `login`, `login_second_factor`, `logout`,
//! `request_password_reset` and `reset_password` (and the plain forms
//! calling them, `plain_forms.rs`) are the only server functions of
//! accounts open to anonymous callers (see `PUBLIC_SERVER_FNS`); every
//! other one calls `require`.

use super::CurrentUser;
#[cfg(feature = "ssr")]
use super::second_factor::codes as second_factor;
#[cfg(feature = "ssr")]
use super::{DENSITIES, LOCALES, Role, THEMES};
#[cfg(feature = "ssr")]
use crate::error::AppError;
use crate::error::AppResult;
#[cfg(feature = "ssr")]
use crate::ssr::{
    cookies, guard,
    mail::{self, Block},
    passwords, pool, settings, throttle,
};
#[cfg(feature = "ssr")]
use crate::validate::Checks;
use leptos::prelude::*;

/// URL paths of the server functions an anonymous caller may use.
pub const PUBLIC_SERVER_FNS: &[&str] = &[
    "/api/auth/login",
    "/api/auth/login_second_factor",
    "/api/auth/login_form",
    "/api/auth/login_code_form",
    "/api/auth/language_form",
    "/api/auth/logout",
    "/api/auth/request_password_reset",
    "/api/auth/reset_password",
    "/api/auth/forgot_password_form",
    "/api/auth/reset_password_form",
    "/api/users/invitation",
    "/api/users/accept",
    "/api/users/accept_form",
];

/// Lifetime of a password reset link.
pub const RESET_LINK_MINUTES: i64 = 60;

#[server(prefix = "/api/auth", endpoint = "me", input = server_fn::codec::Json)]
pub async fn me() -> AppResult<CurrentUser> {
    guard::require(Role::Member).await
}

#[server(prefix = "/api/auth", endpoint = "login", input = server_fn::codec::Json)]
pub async fn login(email: String, password: String, locale: String) -> AppResult<CurrentUser> {
    let mut checks = Checks::new();
    checks.required("email", &email).email("email", &email);
    checks
        .required("password", &password)
        .max_len("password", &password, 1024);
    checks.choice("locale", &locale, LOCALES);
    checks.finish()?;

    let pool = pool()?;
    let address = client_address().await;
    // Counted before the password is checked, atomically: a burst of wrong
    // passwords is not a burst of checks (`throttle`).
    let attempt = match throttle::attempt(&pool, &throttle::login_limits(&email, &address)).await {
        Ok(a) => a,
        Err(e) => {
            if matches!(e, AppError::TooManyAttempts { .. }) {
                set_status(http::StatusCode::TOO_MANY_REQUESTS);
            }
            return Err(e);
        }
    };

    // A failure to judge (database or hashing unavailable) is not a wrong
    // password: it does not count.
    let row: Option<(i64, String, bool, bool)> = match sqlx::query_as(
        "SELECT id, password_hash, active, totp_enabled_at IS NOT NULL
         FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email.trim())
    .fetch_optional(&pool)
    .await
    {
        Ok(row) => row,
        Err(e) => {
            throttle::forget(&pool, attempt).await;
            return Err(e.into());
        }
    };
    let matches = match passwords::verify(password, row.as_ref().map(|r| r.1.clone())).await {
        Ok(m) => m,
        Err(e) => {
            throttle::forget(&pool, attempt).await;
            return Err(e);
        }
    };
    let (user_id, second_factor) = match row {
        // A deactivated account answers like a wrong password: no hint either way.
        Some((id, _, true, second_factor)) if matches => (id, second_factor),
        _ => {
            // The attempt stays counted; its wait runs from now, when the
            // answer is known (not from before the password check).
            throttle::failed(&pool, &attempt).await;
            set_status(http::StatusCode::UNAUTHORIZED);
            return Err(AppError::InvalidCredentials);
        }
    };
    if second_factor {
        // Not logged in yet: the code comes next (`login_second_factor`).
        // This attempt no longer counts, but the account's earlier failures
        // from this address stay: the codes guessed next are counted with
        // them, and a right password does not wipe the count of wrong codes.
        throttle::forget(&pool, attempt).await;
        let session = guard::session().await?;
        let fail = |e: tower_sessions::session::Error| AppError::server(e.to_string());
        session.cycle_id().await.map_err(fail)?;
        session.remove_value(guard::USER_ID).await.map_err(fail)?;
        session
            .insert(second_factor::PENDING_USER_ID, user_id)
            .await
            .map_err(fail)?;
        session
            .insert(second_factor::PENDING_AT, chrono::Utc::now())
            .await
            .map_err(fail)?;
        session
            .insert(second_factor::PENDING_LOCALE, &locale)
            .await
            .map_err(fail)?;
        set_status(http::StatusCode::UNAUTHORIZED);
        return Err(AppError::SecondFactorNeeded);
    }
    throttle::succeeded(&pool, attempt, &throttle::pair_key(&email, &address)).await?;
    complete_login(&pool, user_id, &locale).await
}

/// Ends a login whose password (and second factor, if any) were right:
/// signs this session in as `user_id` with a new id.
#[cfg(feature = "ssr")]
async fn complete_login(pool: &sqlx::PgPool, user_id: i64, locale: &str) -> AppResult<CurrentUser> {
    sqlx::query(
        "UPDATE users SET locale = $2, last_login_at = now(), updated_at = now() WHERE id = $1",
    )
    .bind(user_id)
    .bind(locale)
    .execute(pool)
    .await?;
    let session = guard::session().await?;
    // A new id at login: a session id planted before login is worth nothing.
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::server(e.to_string()))?;
    for key in [
        second_factor::PENDING_USER_ID,
        second_factor::PENDING_AT,
        second_factor::PENDING_LOCALE,
    ] {
        session
            .remove_value(key)
            .await
            .map_err(|e| AppError::server(e.to_string()))?;
    }
    session
        .insert(guard::USER_ID, user_id)
        .await
        .map_err(|e| AppError::server(e.to_string()))?;
    // What "where I am signed in" shows of this session.
    let agent = use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::USER_AGENT)?
                .to_str()
                .ok()
                .map(str::to_string)
        })
        .unwrap_or_default();
    session
        .insert("device", super::device_of(&agent))
        .await
        .map_err(|e| AppError::server(e.to_string()))?;
    session
        .insert("signed_in_at", chrono::Utc::now().to_rfc3339())
        .await
        .map_err(|e| AppError::server(e.to_string()))?;
    let user = guard::load_user(user_id)
        .await?
        .ok_or(AppError::InvalidCredentials)?;
    cookies::set_user_prefs(&user);
    tracing::info!(user_id, "login");
    Ok(user)
}

/// The second step of a login with a second factor: a code of the
/// authenticator app or an unused recovery code, within
/// `PENDING_LOGIN_MINUTES` of the password. Codes are counted like
/// passwords (`throttle::login_limits`), so they cannot be guessed.
#[server(prefix = "/api/auth", endpoint = "login_second_factor", input = server_fn::codec::Json)]
pub async fn login_second_factor(code: String) -> AppResult<CurrentUser> {
    let errors = super::check_code("code", &code);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let session = guard::session().await?;
    let user_id: Option<i64> = session
        .get(second_factor::PENDING_USER_ID)
        .await
        .map_err(|e| AppError::server(e.to_string()))?;
    let since: Option<chrono::DateTime<chrono::Utc>> = session
        .get(second_factor::PENDING_AT)
        .await
        .map_err(|e| AppError::server(e.to_string()))?;
    let fresh = since.is_some_and(|at| {
        chrono::Utc::now() - at < chrono::Duration::minutes(super::PENDING_LOGIN_MINUTES)
    });
    let pool = pool()?;
    let email: Option<String> = match user_id {
        Some(id) if fresh => {
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1 AND active")
                .bind(id)
                .fetch_optional(&pool)
                .await?
        }
        _ => None,
    };
    let (Some(user_id), Some(email)) = (user_id, email) else {
        // No password was given (or too long ago): start again.
        let _ = session.remove_value(second_factor::PENDING_USER_ID).await;
        set_status(http::StatusCode::UNAUTHORIZED);
        return Err(AppError::InvalidCredentials);
    };
    let address = client_address().await;
    let attempt =
        throttled(throttle::attempt(&pool, &throttle::login_limits(&email, &address)).await)?;
    let accepted = match second_factor::accept_code(&pool, user_id, &code).await {
        Ok(second_factor::Accepted::No) => {
            throttle::failed(&pool, &attempt).await;
            return Err(AppError::invalid(vec![crate::error::FieldError {
                field: "code".into(),
                problem: crate::error::FieldProblem::WrongCode,
            }]));
        }
        Ok(how) => how,
        Err(e) => {
            throttle::forget(&pool, attempt).await;
            return Err(e);
        }
    };
    throttle::succeeded(&pool, attempt, &throttle::pair_key(&email, &address)).await?;
    let locale: String = session
        .get(second_factor::PENDING_LOCALE)
        .await
        .ok()
        .flatten()
        .filter(|l: &String| LOCALES.contains(&l.as_str()))
        .unwrap_or_else(|| "en".into());
    let user = complete_login(&pool, user_id, &locale).await?;
    if accepted == second_factor::Accepted::Recovery {
        crate::ssr::audit::record(
            &pool,
            &user,
            crate::ssr::audit::action::SECURITY,
            Some(("user", user.id)),
            "signed in with a recovery code",
        )
        .await?;
    }
    Ok(user)
}

#[server(prefix = "/api/auth", endpoint = "logout", input = server_fn::codec::Json)]
pub async fn logout() -> AppResult<()> {
    let session = guard::session().await?;
    session
        .flush()
        .await
        .map_err(|e| AppError::server(e.to_string()))?;
    Ok(())
}

/// Sends a single-use reset link if an active account has this email.
/// Answers the same whether or not it has: no account discovery.
#[server(prefix = "/api/auth", endpoint = "request_password_reset", input = server_fn::codec::Json)]
pub async fn request_password_reset(email: String) -> AppResult<()> {
    let mut checks = Checks::new();
    checks.required("email", &email).email("email", &email);
    checks.finish()?;
    let pool = pool()?;
    throttled(throttle::attempt(&pool, &throttle::reset_limits(&client_address().await)).await)?;
    let user: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, email, locale FROM users WHERE lower(email) = lower($1) AND active",
    )
    .bind(email.trim())
    .fetch_optional(&pool)
    .await?;
    let Some((user_id, address, locale)) = user else {
        return Ok(());
    };
    // At most 5 links per account per hour: the mailbox is not a target.
    let recent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM password_resets WHERE user_id = $1 AND created_at > now() - interval '1 hour'",
    )
    .bind(user_id)
    .fetch_one(&pool)
    .await?;
    if recent >= 5 {
        return Ok(());
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, expires_at)
         VALUES ($1, $2, now() + make_interval(mins => $3::int))",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(RESET_LINK_MINUTES as i32)
    .execute(&mut *tx)
    .await?;
    let link = format!(
        "{}/reset-password?token={token}",
        settings().public_url.trim_end_matches('/')
    );
    let mail = if locale == "fr" {
        mail::compose(
            &address,
            "Relais : réinitialisation du mot de passe",
            &[
                Block::Para("Bonjour,"),
                Block::Para(
                    "Pour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, une seule fois) :",
                ),
                Block::Link {
                    label: "Choisir un mot de passe",
                    url: &link,
                },
                Block::Para("Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."),
            ],
        )
    } else {
        mail::compose(
            &address,
            "Relais: reset your password",
            &[
                Block::Para("Hello,"),
                Block::Para("To choose a new password, open this link (valid for one hour, once):"),
                Block::Link {
                    label: "Choose a password",
                    url: &link,
                },
                Block::Para("If you did not ask for this, ignore this message."),
            ],
        )
    };
    mail::enqueue(&mut *tx, &mail).await?;
    tx.commit().await?;
    Ok(())
}

#[server(prefix = "/api/auth", endpoint = "reset_password", input = server_fn::codec::Json)]
pub async fn reset_password(token: String, password: String) -> AppResult<()> {
    // Typed once here; the page's form checks the second typing first.
    let mut checks = Checks::new();
    super::check_new_password(&mut checks, &password, &password);
    checks.finish()?;
    let pool = pool()?;
    throttled(throttle::attempt(&pool, &throttle::reset_limits(&client_address().await)).await)?;
    // The token first: hashing costs ~19 MiB and a core for a moment, and
    // is for holders of a live link only.
    let known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM password_resets
                        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now())",
    )
    .bind(token_hash(&token))
    .fetch_one(&pool)
    .await?;
    if !known {
        return Err(AppError::InvalidToken);
    }
    let hash = passwords::hash(password).await?;
    let mut tx = pool.begin().await?;
    // Spending the token and using it happen in one statement: a link works
    // once (two holders of one link racing: one wins, the other is refused).
    let user_id: Option<i64> = sqlx::query_scalar(
        "UPDATE password_resets SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING user_id",
    )
    .bind(token_hash(&token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = user_id else {
        return Err(AppError::InvalidToken);
    };
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1")
        .bind(user_id)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    // Whoever held a session with the old password holds it no more.
    sqlx::query("DELETE FROM sessions WHERE data->>'user_id' = $1::text")
        .bind(user_id.to_string())
        .execute(&mut *tx)
        .await?;
    // The account's failed logins are forgotten: its owner proved who they are.
    sqlx::query(
        "DELETE FROM login_failures
         WHERE key = (SELECT 'email:' || lower(email) FROM users WHERE id = $1)
            OR starts_with(key, (SELECT 'pair:' || lower(email) || '|' FROM users WHERE id = $1))",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the profile menu's choices; an empty string leaves a choice as it is.
#[server(prefix = "/api/auth", endpoint = "update_preferences", input = server_fn::codec::Json)]
pub async fn update_preferences(
    locale: String,
    theme: String,
    density: String,
) -> AppResult<CurrentUser> {
    let user = guard::require(Role::Member).await?;
    let mut checks = Checks::new();
    checks.choice("locale", &locale, LOCALES);
    checks.choice("theme", &theme, THEMES);
    checks.choice("density", &density, DENSITIES);
    checks.finish()?;
    let pool = pool()?;
    sqlx::query(
        "UPDATE users SET locale = COALESCE(NULLIF($2, ''), locale), theme = COALESCE(NULLIF($3, ''), theme),
                density = COALESCE(NULLIF($4, ''), density), updated_at = now() WHERE id = $1",
    )
    .bind(user.id)
    .bind(&locale)
    .bind(&theme)
    .bind(&density)
    .execute(&pool)
    .await?;
    let user = guard::load_user(user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    cookies::set_user_prefs(&user);
    Ok(user)
}

#[cfg(feature = "ssr")]
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(feature = "ssr")]
fn set_status(status: http::StatusCode) {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(status);
    }
}

/// Sets 429 on a refusal for too many attempts.
#[cfg(feature = "ssr")]
pub fn throttled<T>(r: AppResult<T>) -> AppResult<T> {
    if let Err(AppError::TooManyAttempts { .. }) = &r {
        set_status(http::StatusCode::TOO_MANY_REQUESTS);
    }
    r
}

/// The caller's address: the peer, or behind `trusted_proxies` proxies the
/// hop of `X-Forwarded-For` that the outermost of them saw. Each proxy
/// appends the address it received from, so that hop is counted from the
/// right; the hops left of it are whatever the client wrote (rotating the
/// first one would otherwise bypass the per-address limits).
#[cfg(feature = "ssr")]
pub async fn client_address() -> String {
    let peer = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|ci| ci.0.ip());
    match use_context::<http::request::Parts>() {
        Some(parts) => address_of(settings().trusted_proxies, peer, &parts.headers),
        None => peer.map_or_else(|| "unknown".into(), |p| p.to_string()),
    }
}

/// The client's address from a request's peer and headers (what
/// [`client_address`] reads), for plain routes that have them at hand.
#[cfg(feature = "ssr")]
pub fn address_of(
    trusted_proxies: u8,
    peer: Option<std::net::IpAddr>,
    headers: &http::HeaderMap,
) -> String {
    let values: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let forwarded = (!values.is_empty()).then(|| values.join(","));
    forwarded_client(trusted_proxies, forwarded.as_deref())
        .unwrap_or_else(|| peer.map_or_else(|| "unknown".into(), |p| p.to_string()))
}

/// The client's address from an `X-Forwarded-For` value, behind `proxies`
/// trusted proxies (none: not read at all).
#[cfg(feature = "ssr")]
pub fn forwarded_client(proxies: u8, forwarded: Option<&str>) -> Option<String> {
    if proxies == 0 {
        return None;
    }
    let hops: Vec<&str> = forwarded?
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let hop = hops.len().checked_sub(proxies as usize)?;
    hops.get(hop)
        .and_then(|h| h.parse::<std::net::IpAddr>().ok())
        .map(|ip| ip.to_string())
}

/// Active users, for "assigned to" pickers.
#[server(prefix = "/api/users", endpoint = "options", input = server_fn::codec::Json)]
pub async fn user_options() -> AppResult<Vec<(i64, String)>> {
    guard::require(Role::Member).await?;
    let rows = sqlx::query_as("SELECT id, name FROM users WHERE active ORDER BY lower(name), id")
        .fetch_all(&pool()?)
        .await?;
    Ok(rows)
}
