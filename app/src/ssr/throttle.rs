//! Slows down repeated failed logins, per account and per client address.
//! Failures are rows in PostgreSQL, so every server instance sees them.

use crate::error::{AppError, AppResult};
use sqlx::PgPool;

/// Failures counted over this window.
const WINDOW_MINUTES: i64 = 15;
/// Free failures before waiting starts, per account and per address.
const FREE_PER_ACCOUNT: i64 = 4;
const FREE_PER_ADDRESS: i64 = 20;
/// The longest wait imposed, in seconds.
const MAX_WAIT_SECS: i64 = 15 * 60;

pub fn account_key(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

pub fn address_key(addr: &str) -> String {
    format!("ip:{addr}")
}

/// Seconds to wait after `failures` recent failures, `free` of them allowed.
pub fn wait_after(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(20) as u32;
    (1_i64 << doublings).min(MAX_WAIT_SECS)
}

/// Refuses the attempt if one of `keys` must still wait.
pub async fn check(pool: &PgPool, keys: &[(String, i64)]) -> AppResult<()> {
    for (key, free) in keys {
        let (failures, last): (i64, Option<chrono::DateTime<chrono::Utc>>) = sqlx::query_as(
            "SELECT count(*), max(failed_at) FROM login_failures
             WHERE key = $1 AND failed_at > now() - make_interval(mins => $2::int)",
        )
        .bind(key)
        .bind(WINDOW_MINUTES as i32)
        .fetch_one(pool)
        .await?;
        let wait = wait_after(failures, *free);
        if let (true, Some(last)) = (wait > 0, last) {
            let elapsed = (chrono::Utc::now() - last).num_seconds();
            if elapsed < wait {
                return Err(AppError::TooManyAttempts {
                    retry_after_secs: wait - elapsed,
                });
            }
        }
    }
    Ok(())
}

pub async fn record_failure(pool: &PgPool, keys: &[String]) -> AppResult<()> {
    sqlx::query("INSERT INTO login_failures (key) SELECT unnest($1::text[])")
        .bind(keys)
        .execute(pool)
        .await?;
    // Keep the table small: forget what is outside every window.
    sqlx::query("DELETE FROM login_failures WHERE failed_at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn clear(pool: &PgPool, key: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

pub fn limits(email: &str, addr: &str) -> [(String, i64); 2] {
    [
        (account_key(email), FREE_PER_ACCOUNT),
        (address_key(addr), FREE_PER_ADDRESS),
    ]
}

#[cfg(test)]
mod tests {
    use super::wait_after;

    #[test]
    fn waits_double_then_cap() {
        assert_eq!(wait_after(0, 4), 0);
        assert_eq!(wait_after(3, 4), 0);
        assert_eq!(wait_after(4, 4), 1);
        assert_eq!(wait_after(5, 4), 2);
        assert_eq!(wait_after(8, 4), 16);
        assert_eq!(wait_after(40, 4), 900);
    }
}
