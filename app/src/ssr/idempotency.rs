//! Exactly once for requests a device may repeat. A change queued offline
//! carries an `Idempotency-Key`; the server layer (`server::idempotency`)
//! puts a [`Claim`] for it into the request, and the change's transaction
//! writes the key (`claim_in`, called by `records::begin_as`). The key
//! therefore exists exactly when the change was committed: a repeat finds
//! it and gets the first answer back, and two copies sent at once meet on
//! the key's primary key, where the second waits and then applies nothing.

use crate::error::{AppError, AppResult};
use leptos::prelude::use_context;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The request header naming a request's key.
pub const HEADER: &str = "idempotency-key";

/// The error a repeated request's transaction stops with; the server layer
/// answers with the first request's answer instead.
pub const REPEATED: &str = "repeated request";

/// One keyed request: whose, which key, which endpoint, and whether its
/// transaction has written the key (or found it written: a repeat).
#[derive(Debug)]
pub struct Claim {
    pub user_id: i64,
    pub key: String,
    pub endpoint: String,
    claimed: AtomicBool,
    repeated: AtomicBool,
}

impl Claim {
    pub fn new(user_id: i64, key: String, endpoint: String) -> Arc<Self> {
        Arc::new(Claim {
            user_id,
            key,
            endpoint,
            claimed: AtomicBool::new(false),
            repeated: AtomicBool::new(false),
        })
    }

    /// Whether this request found its key already written: it stopped
    /// without changing anything, and answers as the first one did.
    pub fn repeated(&self) -> bool {
        self.repeated.load(Ordering::SeqCst)
    }

    /// Whether a transaction of this request wrote the key (it did, once
    /// committed, apply the change).
    pub fn claimed(&self) -> bool {
        self.claimed.load(Ordering::SeqCst)
    }
}

/// A key is 8 to 64 letters, digits and dashes (a UUID, as browsers make).
pub fn valid_key(key: &str) -> bool {
    (8..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Writes the current request's key, if it has one, into `tx`: the change
/// made in `tx` and its key commit together or not at all. A key already
/// there means this request was applied before: stop with [`REPEATED`].
pub async fn claim_in(tx: &mut sqlx::PgConnection, user_id: i64) -> AppResult<()> {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Ok(());
    };
    claim_with(tx, user_id, parts.extensions.get::<Arc<Claim>>()).await
}

/// [`claim_in`] for plain routes, which hold their request's claim
/// themselves (documents' uploads).
pub async fn claim_with(
    tx: &mut sqlx::PgConnection,
    user_id: i64,
    claim: Option<&Arc<Claim>>,
) -> AppResult<()> {
    let Some(claim) = claim else {
        return Ok(());
    };
    // One key per request, for its first transaction, as its own user.
    if claim.user_id != user_id || claim.claimed() {
        return Ok(());
    }
    let written = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, endpoint) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(claim.user_id)
    .bind(&claim.key)
    .bind(&claim.endpoint)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if written == 0 {
        claim.repeated.store(true, Ordering::SeqCst);
        // Not a fault: the layer answers with the first answer instead.
        return Err(AppError::Server {
            message: REPEATED.into(),
        });
    }
    claim.claimed.store(true, Ordering::SeqCst);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_plain_tokens() {
        assert!(valid_key("0b6f6c1e-8a4b-4f7e-9a57-3d1c2b9e0f11"));
        assert!(!valid_key("short"));
        assert!(!valid_key(&"a".repeat(65)));
        assert!(!valid_key("key with spaces"));
        assert!(!valid_key("ключ-ключ-ключ"));
    }
}
