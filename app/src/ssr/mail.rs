//! Outgoing mail. Every message is written to the `outbox` table (and the
//! log); the server's mailer sends what is unsent when SMTP is configured.

use crate::error::AppResult;
use sqlx::PgPool;

pub async fn enqueue(pool: &PgPool, to: &str, subject: &str, body: &str) -> AppResult<()> {
    sqlx::query("INSERT INTO outbox (to_address, subject, body) VALUES ($1, $2, $3)")
        .bind(to)
        .bind(subject)
        .bind(body)
        .execute(pool)
        .await?;
    tracing::info!(to, subject, "mail queued in outbox:\n{body}");
    Ok(())
}
