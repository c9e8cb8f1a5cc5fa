//! Server-only helpers shared by every server function: database access, the
//! access guard, passwords, login throttling, mail and cookies. Compiled with
//! the `ssr` feature only, so none of it (nor sqlx) reaches the wasm bundle.

pub mod assets;
pub mod audit;
pub mod cookies;
pub mod export;
pub mod guard;
pub mod idempotency;
pub mod list_sql;
pub mod mail;
pub mod passwords;
pub mod records;
pub mod throttle;
pub mod zones;

use crate::error::{AppError, AppResult};
use sqlx::PgPool;

/// Server settings that server functions need, provided as context by the
/// server crate next to the pool.
#[derive(Clone, Debug)]
pub struct ServerSettings {
    /// The public base URL, used in links sent by mail.
    pub public_url: String,
    /// Whether cookies carry the `Secure` flag (HTTPS deployments).
    pub secure_cookies: bool,
    /// How many proxies of ours stand in front of the server: the client
    /// address is read from `X-Forwarded-For`, that many hops from the
    /// right (0: the peer's address, the header is ignored).
    pub trusted_proxies: u8,
    /// Whether a mailer sends the outbox (`RELAIS_SMTP_URL` is set).
    pub mail_configured: bool,
}

/// The database pool of this request.
pub fn pool() -> AppResult<PgPool> {
    leptos::prelude::use_context::<PgPool>()
        .ok_or_else(|| AppError::server("no database pool in context"))
}

pub fn settings() -> ServerSettings {
    leptos::prelude::use_context::<ServerSettings>().unwrap_or(ServerSettings {
        public_url: "http://127.0.0.1:3000".into(),
        secure_cookies: false,
        trusted_proxies: 0,
        mail_configured: false,
    })
}

/// For [`fetch_all_with`]: no parallel workers (a few thousand rows over
/// index ranges, where workers cost more to start than they save).
pub const NO_PARALLEL_WORKERS: &str = "max_parallel_workers_per_gather = 0";
/// For [`fetch_all_with`]: a plan made once per connection, whatever the
/// parameters, instead of one per execution.
pub const GENERIC_PLAN: &str = "plan_cache_mode = force_generic_plan";

/// Runs `query` with `setting` (one of the constants above) for it alone:
/// `BEGIN`, `SET LOCAL`, the statement, `COMMIT`.
pub async fn fetch_all_with<'q>(
    pool: &PgPool,
    setting: &'static str,
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
) -> sqlx::Result<Vec<sqlx::postgres::PgRow>> {
    let mut tx = pool.begin().await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("SET LOCAL {setting}")))
        .execute(&mut *tx)
        .await?;
    let rows = query.fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(rows)
}
