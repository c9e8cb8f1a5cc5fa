//! Argon2id password hashing (RustCrypto `argon2`), off the async threads.
//!
//! Each hash or check takes ~19 MiB and a core for a moment, so at most
//! [`AT_ONCE`] run at a time in this process: a burst of logins or resets
//! waits its turn instead of taking gigabytes (200 at once took the server
//! from 26 MB to 4.4 GB). A caller that cannot get a turn within
//! [`MAX_WAIT`] is told the server is busy.

use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Hashes computed at once: the memory they take is bounded by this × 19 MiB.
pub const AT_ONCE: usize = 2;
/// The longest a login waits for a turn before "busy, try again".
pub const MAX_WAIT: Duration = Duration::from_secs(10);

static TURNS: Semaphore = Semaphore::const_new(AT_ONCE);

/// Runs `work` when a hashing turn is free.
/// The turn goes with the work into its thread: a caller that goes away
/// (a dropped connection) does not free it while the hash still runs.
async fn in_turn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let turn = tokio::time::timeout(MAX_WAIT, TURNS.acquire())
        .await
        .map_err(|_| AppError::Unavailable)?
        .map_err(|_| AppError::Unavailable)?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        work()
    })
    .await
    .map_err(|e| AppError::server(e.to_string()))
}

/// Holds every hashing turn until dropped: for tests and benchmarks that
/// show what does — and does not — wait for one.
pub async fn take_all_turns() -> tokio::sync::SemaphorePermit<'static> {
    TURNS
        .acquire_many(AT_ONCE as u32)
        .await
        .expect("the semaphore is never closed")
}

pub async fn hash(password: String) -> AppResult<String> {
    in_turn(move || hash_blocking(&password)).await?
}

pub fn hash_blocking(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::server(e.to_string()))
}

/// Checks `password` against a stored hash. With no hash (unknown account) a
/// dummy hash is verified anyway, so that the answer takes as long either way.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    in_turn(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY.clone());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
}

/// Argon2id hash of a random string nobody knows, made once per process.
static DUMMY: LazyLock<String> = LazyLock::new(|| {
    let secret: [u8; 16] = rand::random();
    hash_blocking(&hex::encode(secret)).unwrap_or_default()
});

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hash_then_verify() {
        let h = super::hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            super::verify("correct horse".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!super::verify("wrong".into(), Some(h)).await.unwrap());
        assert!(!super::verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_two_hashes_run_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static PEAK: AtomicUsize = AtomicUsize::new(0);
        let calls = (0..8).map(|_| {
            super::in_turn(|| {
                let now = RUNNING.fetch_add(1, SeqCst) + 1;
                PEAK.fetch_max(now, SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(30));
                RUNNING.fetch_sub(1, SeqCst);
            })
        });
        for r in futures::future::join_all(calls).await {
            r.unwrap();
        }
        // (Another test may hold a turn meanwhile: never more than two.)
        let peak = PEAK.load(SeqCst);
        assert!((1..=super::AT_ONCE).contains(&peak), "{peak} at once");
    }
}
