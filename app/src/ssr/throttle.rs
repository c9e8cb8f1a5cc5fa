//! Slows down what anonymous callers can repeat: failed logins, reset
//! requests, reset attempts. Attempts are rows of `login_failures` in
//! PostgreSQL, so every server instance sees the same counts.
//!
//! **Check and count are one step.** An attempt takes a transaction-scoped
//! advisory lock per key, checks the keys, and is counted *before* the
//! password is checked; a login that then succeeds takes its count back.
//! So thirty wrong passwords sent at once are not thirty evaluations: the
//! first few are, the others wait their turn at the lock and are refused.
//!
//! **The login policy** (README, "Login throttling"), over 15 minutes:
//! - one account from one address: 4 failures free, then waits of 1 s,
//!   2 s, 4 s… up to 15 min — the guessing stops here;
//! - one address, any accounts: 20 failures free, then the same waits;
//! - one account, any addresses: 50 failures free — a looser ceiling, so
//!   that an attacker elsewhere cannot lock the account's owner out with
//!   four wrong passwords, while a distributed guess is still slowed.

use crate::error::{AppError, AppResult};
use sqlx::PgPool;

/// Attempts counted over this window.
const WINDOW_MINUTES: i64 = 15;
/// The longest wait imposed, in seconds.
const MAX_WAIT_SECS: i64 = 15 * 60;

/// Free failures of one account from one address.
pub const FREE_PER_PAIR: i64 = 4;
/// Free failures from one address, whatever the accounts.
pub const FREE_PER_ADDRESS: i64 = 20;
/// Free failures of one account, whatever the addresses.
pub const FREE_PER_ACCOUNT: i64 = 50;
/// Free password-reset requests, and reset attempts, per address.
pub const FREE_RESETS_PER_ADDRESS: i64 = 10;

/// A counter and the attempts it lets through before waits begin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub key: String,
    pub free: i64,
}

fn limit(key: String, free: i64) -> Limit {
    Limit { key, free }
}

fn email_part(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The counters of a login attempt.
pub fn login_limits(email: &str, addr: &str) -> Vec<Limit> {
    let email = email_part(email);
    vec![
        limit(format!("pair:{email}|{addr}"), FREE_PER_PAIR),
        limit(format!("ip:{addr}"), FREE_PER_ADDRESS),
        limit(format!("email:{email}"), FREE_PER_ACCOUNT),
    ]
}

/// The counter of the account and address pair, cleared by a login.
pub fn pair_key(email: &str, addr: &str) -> String {
    format!("pair:{}|{addr}", email_part(email))
}

/// The counter of the password-reset functions for one address.
pub fn reset_limits(addr: &str) -> Vec<Limit> {
    vec![limit(format!("reset:{addr}"), FREE_RESETS_PER_ADDRESS)]
}

/// Seconds to wait after `failures` recent failures, `free` of them allowed.
pub fn wait_after(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(20) as u32;
    (1_i64 << doublings).min(MAX_WAIT_SECS)
}

/// An attempt let through and counted: the ids of its rows.
#[derive(Debug)]
pub struct Attempt {
    ids: Vec<i64>,
}

/// Lets one attempt through if no counter of `limits` must wait, and counts
/// it on every counter — atomically with respect to other attempts on the
/// same counters. Refused: `TooManyAttempts` with the wait left.
pub async fn attempt(pool: &PgPool, limits: &[Limit]) -> AppResult<Attempt> {
    let mut keys: Vec<&Limit> = limits.iter().collect();
    // One lock order for everyone: two attempts never wait on each other.
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    let mut tx = pool.begin().await?;
    for l in &keys {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 1337))")
            .bind(&l.key)
            .execute(&mut *tx)
            .await?;
    }
    for l in &keys {
        let (failures, last): (i64, Option<chrono::DateTime<chrono::Utc>>) = sqlx::query_as(
            "SELECT count(*), max(failed_at) FROM login_failures
             WHERE key = $1 AND failed_at > now() - make_interval(mins => $2::int)",
        )
        .bind(&l.key)
        .bind(WINDOW_MINUTES as i32)
        .fetch_one(&mut *tx)
        .await?;
        let wait = wait_after(failures, l.free);
        if let (true, Some(last)) = (wait > 0, last) {
            let elapsed = (chrono::Utc::now() - last).num_seconds();
            if elapsed < wait {
                return Err(AppError::TooManyAttempts {
                    retry_after_secs: wait - elapsed,
                });
            }
        }
    }
    let names: Vec<&str> = keys.iter().map(|l| l.key.as_str()).collect();
    let ids: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO login_failures (key) SELECT unnest($1::text[]) RETURNING id",
    )
    .bind(&names)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Attempt { ids })
}

/// The attempt succeeded: it no longer counts, and the failures of the
/// account from this address are forgotten (`clear`, the pair counter).
pub async fn succeeded(pool: &PgPool, attempt: Attempt, clear: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE id = ANY($1) OR key = $2")
        .bind(&attempt.ids)
        .bind(clear)
        .execute(pool)
        .await?;
    Ok(())
}

/// The attempt failed: its wait runs from now, when the person gets the
/// answer. (It was counted before the check, so that a burst is bounded;
/// a slow check must not eat the wait.) Best effort: if the database is
/// gone, the attempt still counts from when it was made.
pub async fn failed(pool: &PgPool, attempt: &Attempt) {
    let _ = sqlx::query("UPDATE login_failures SET failed_at = now() WHERE id = ANY($1)")
        .bind(&attempt.ids)
        .execute(pool)
        .await;
}

/// The attempt could not be judged (the database or the hashing was
/// unavailable): it does not count against anyone.
pub async fn forget(pool: &PgPool, attempt: Attempt) {
    let _ = sqlx::query("DELETE FROM login_failures WHERE id = ANY($1)")
        .bind(&attempt.ids)
        .execute(pool)
        .await;
}

/// Forgets what is outside every window (called hourly).
pub async fn purge(pool: &PgPool) -> AppResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE failed_at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_then_cap() {
        assert_eq!(wait_after(0, 4), 0);
        assert_eq!(wait_after(3, 4), 0);
        assert_eq!(wait_after(4, 4), 1);
        assert_eq!(wait_after(5, 4), 2);
        assert_eq!(wait_after(8, 4), 16);
        assert_eq!(wait_after(40, 4), 900);
    }

    #[test]
    fn a_login_counts_per_pair_address_and_account() {
        let l = login_limits(" Camille@Example.FR ", "10.0.0.1");
        assert_eq!(l[0].key, "pair:camille@example.fr|10.0.0.1");
        assert_eq!(l[0].key, pair_key("camille@example.fr", "10.0.0.1"));
        assert_eq!(l[1].key, "ip:10.0.0.1");
        assert_eq!(l[2].key, "email:camille@example.fr");
        assert!(l[2].free > l[0].free, "the account's ceiling is looser");
    }
}
