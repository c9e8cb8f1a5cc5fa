//! My account: change my password, see where I am signed in and end those
//! sessions. Every server function starts with `require`.

use crate::error::{AppResult, FieldError};
use crate::validate::Checks;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    super::Role,
    super::api::{client_address, throttled},
    crate::error::{AppError, FieldProblem},
    crate::ssr::{guard, passwords, pool, throttle},
};

/// One place I am signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// Names the session without being it (a hash of its id: the id itself
    /// is the cookie's secret and never leaves the server).
    pub handle: String,
    /// "Firefox on Linux", from the browser's User-Agent at sign-in.
    pub device: String,
    /// In my time zone, `YYYY-MM-DD HH:MM`; empty for sessions older than
    /// this page.
    pub signed_in: String,
    /// The last request, to within five minutes (`guard::SEEN_EVERY_SECS`).
    pub last_seen: String,
    /// The session of this very page.
    pub current: bool,
}

/// The password form's checks, the same in the browser and on the server.
pub fn check_password_change(current: &str, password: &str, confirm: &str) -> Vec<FieldError> {
    let mut checks = Checks::new();
    checks
        .required("current", current)
        .max_len("current", current, 1024);
    check_new_password(&mut checks, password, confirm);
    checks.errors().to_vec()
}

/// A new password typed twice (`password`, `confirm`): the rules of every
/// form that sets one (my password, a reset link, an invitation).
pub fn check_new_password(checks: &mut Checks, password: &str, confirm: &str) {
    checks
        .required("password", password)
        .min_len("password", password, super::MIN_PASSWORD)
        .max_len("password", password, 1024)
        .confirms("confirm", password, confirm);
}

/// A short name for a browser and its system, from a User-Agent header.
pub fn device_of(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") {
        "Opera"
    } else if ua.contains("Firefox/") || ua.contains("FxiOS/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("CriOS/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        ""
    };
    let system = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") {
        "iPhone"
    } else if ua.contains("iPad") {
        "iPad"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        ""
    };
    match (browser, system) {
        ("", "") => String::new(),
        (b, "") => b.to_string(),
        ("", s) => s.to_string(),
        (b, s) => format!("{b} · {s}"),
    }
}

/// The id of this request's session, as the `sessions` table keys it
/// (empty before the session is first saved).
#[cfg(feature = "ssr")]
fn session_id(session: &tower_sessions::Session) -> String {
    session.id().map(|id| id.to_string()).unwrap_or_default()
}

/// Checks that `current` is `user`'s password, counted like a login
/// attempt (`throttle`: a guess from a stolen session is no cheaper than
/// one at the login page). A wrong one is refused on the form's `field`.
#[cfg(feature = "ssr")]
pub(crate) async fn verify_current_password(
    user: &super::CurrentUser,
    current: String,
    field: &str,
) -> AppResult<()> {
    let pool = pool()?;
    let address = client_address().await;
    let attempt =
        throttled(throttle::attempt(&pool, &throttle::login_limits(&user.email, &address)).await)?;
    let stored: Option<String> =
        match sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_optional(&pool)
            .await
        {
            Ok(s) => s,
            Err(e) => {
                throttle::forget(&pool, attempt).await;
                return Err(e.into());
            }
        };
    match passwords::verify(current, stored).await {
        Ok(true) => {
            throttle::succeeded(&pool, attempt, &throttle::pair_key(&user.email, &address)).await
        }
        Ok(false) => {
            throttle::failed(&pool, &attempt).await;
            Err(AppError::invalid(vec![FieldError {
                field: field.into(),
                problem: FieldProblem::WrongPassword,
            }]))
        }
        Err(e) => {
            throttle::forget(&pool, attempt).await;
            Err(e)
        }
    }
}

/// Changes my password: the current one is required (and counted like a
/// login attempt); my other sessions end, this one gets a new id.
#[server(prefix = "/api/account", endpoint = "change_password", input = server_fn::codec::Json)]
pub async fn change_password(current: String, password: String, confirm: String) -> AppResult<()> {
    let user = guard::require(Role::Member).await?;
    let errors = check_password_change(&current, &password, &confirm);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    verify_current_password(&user, current, "current").await?;
    let pool = pool()?;
    let hash = passwords::hash(password).await?;
    let session = guard::session().await?;
    let this = session_id(&session);
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1")
        .bind(user.id)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE data->>'user_id' = $1::text AND id <> $2")
        .bind(user.id.to_string())
        .bind(&this)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::server(e.to_string()))?;
    Ok(())
}

/// Where I am signed in, the most recently seen first.
#[server(prefix = "/api/account", endpoint = "my_sessions", input = server_fn::codec::Json)]
pub async fn my_sessions() -> AppResult<Vec<SignedIn>> {
    let user = guard::require(Role::Member).await?;
    let this = session_id(&guard::session().await?);
    let rows: Vec<(String, String, String, String, bool)> = sqlx::query_as(
        "SELECT encode(sha256(convert_to(id, 'UTF8')), 'hex'),
                COALESCE(data->>'device', ''),
                COALESCE(to_char((data->>'signed_in_at')::timestamptz AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI'), ''),
                COALESCE(to_char(COALESCE(data->>'seen_at', data->>'signed_in_at')::timestamptz AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI'), ''),
                id = $2
         FROM sessions
         WHERE data->>'user_id' = $1::text AND expiry_date > now()
         ORDER BY id = $2 DESC, COALESCE(data->>'seen_at', data->>'signed_in_at')::timestamptz DESC NULLS LAST",
    )
    .bind(user.id.to_string())
    .bind(&this)
    .bind(&user.time_zone)
    .fetch_all(&pool()?)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(handle, device, signed_in, last_seen, current)| SignedIn {
            handle,
            device,
            signed_in,
            last_seen,
            current,
        })
        .collect())
}

/// Ends one of my sessions (`handle` from `my_sessions`), or, with an
/// empty handle, every one but this. The device is signed out at its next
/// request.
#[server(prefix = "/api/account", endpoint = "end_sessions", input = server_fn::codec::Json)]
pub async fn end_sessions(handle: String) -> AppResult<u64> {
    let user = guard::require(Role::Member).await?;
    let this = session_id(&guard::session().await?);
    let done = sqlx::query(
        "DELETE FROM sessions
         WHERE data->>'user_id' = $1::text AND id <> $2
           AND ($3 = '' OR encode(sha256(convert_to(id, 'UTF8')), 'hex') = $3)",
    )
    .bind(user.id.to_string())
    .bind(&this)
    .bind(handle.trim())
    .execute(&pool()?)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldProblem;

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(device_of(firefox), "Firefox · Linux");
        let phone = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        assert_eq!(device_of(phone), "Chrome · Android");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(device_of(iphone), "Safari · iPhone");
        assert_eq!(device_of("curl/8.5"), "");
    }

    #[test]
    fn the_new_password_is_long_enough_and_confirmed() {
        assert!(
            check_password_change("old one", "a long new password", "a long new password")
                .is_empty()
        );
        let e = check_password_change("", "short", "other");
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["current", "password", "confirm"]);
        assert_eq!(e[2].problem, FieldProblem::Mismatch);
    }
}
