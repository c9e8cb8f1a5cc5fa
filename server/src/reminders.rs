//! The reminder dispatcher: every few seconds, due reminders become
//! notifications in the bell of the interaction's owner and attending users.
//!
//! Several instances may serve one database. Each batch claims its rows with
//! `FOR UPDATE SKIP LOCKED` and marks them `reminded_at` in the statement that
//! writes the notifications, so a reminder is claimed by exactly one instance;
//! the unique key `(user_id, kind, interaction_id, fire_at)` of notifications
//! makes a duplicate insert a no-op even so. Moving the interaction (a new
//! `remind_at`) clears `reminded_at` (trigger), which re-arms it.

use sqlx::PgPool;
use std::time::Duration;

/// Reminders claimed per transaction.
const BATCH: i64 = 500;

/// Claims up to `$1` due reminders and writes their notifications; answers
/// (reminders claimed, notifications written).
const DISPATCH_SQL: &str = "
WITH due AS (
    SELECT id, remind_at FROM interactions
    WHERE remind_at <= now() AND reminded_at IS NULL AND deleted_at IS NULL
    ORDER BY remind_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE interactions i SET reminded_at = now()
    FROM due WHERE i.id = due.id
    RETURNING i.id, i.owner_id, due.remind_at
), recipients AS (
    SELECT c.owner_id AS user_id, c.id, c.remind_at FROM claimed c WHERE c.owner_id IS NOT NULL
    UNION
    SELECT a.user_id, c.id, c.remind_at FROM claimed c
    JOIN interaction_attendees a ON a.interaction_id = c.id AND a.user_id IS NOT NULL
), written AS (
    INSERT INTO notifications (user_id, kind, interaction_id, fire_at)
    SELECT r.user_id, 'reminder', r.id, r.remind_at
    FROM recipients r JOIN users u ON u.id = r.user_id AND u.active
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM written)";

/// Fires every due reminder (in batches of 500, one transaction each);
/// returns how many notifications were written.
pub async fn dispatch_due(pool: &PgPool) -> anyhow::Result<u64> {
    let mut written = 0u64;
    loop {
        let mut tx = pool.begin().await?;
        // Setting reminded_at is bookkeeping, not a change of the record:
        // the history trigger skips it.
        sqlx::query("SET LOCAL relais.bulk = 'on'")
            .execute(&mut *tx)
            .await?;
        let (claimed, notes): (i64, i64) = sqlx::query_as(DISPATCH_SQL)
            .bind(BATCH)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        written += notes.max(0) as u64;
        if claimed < BATCH {
            return Ok(written);
        }
    }
}

/// Runs [`dispatch_due`] every `every`, for the life of the process. Errors
/// are logged and the next tick tries again; a panic in one run (each run
/// is a task of its own) does not stop the loop.
pub fn spawn_reminders(pool: PgPool, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every.max(Duration::from_secs(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let pool = pool.clone();
            match tokio::spawn(async move { dispatch_due(&pool).await }).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::debug!(notifications = n, "reminders dispatched"),
                Ok(Err(e)) => tracing::warn!(error = %e, "could not dispatch reminders"),
                Err(e) => tracing::error!(error = %e, "the reminder dispatcher failed"),
            }
        }
    });
}
