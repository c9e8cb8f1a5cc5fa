//! The reminder dispatcher: every few seconds, due reminders become
//! notifications in the bell of the interaction's owner and attending users.
//!
//! Several instances may serve one database. Each batch claims its rows with
//! `FOR UPDATE SKIP LOCKED` and marks them `reminded_at` in the statement that
//! writes the notifications, so a reminder is claimed by exactly one instance;
//! the unique key `(user_id, kind, interaction_id, fire_at)` of notifications
//! makes a duplicate insert a no-op even so. Moving the interaction (a new
//! `remind_at`) clears `reminded_at` (trigger), which re-arms it.
//!
//! Users who chose to hear of reminders by mail (`users.reminders_by`:
//! `mail` or `both`) also get a mail in their language and time zone,
//! queued in the same transaction as the notification it repeats: a
//! reminder fired once is mailed once.

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
    RETURNING user_id, interaction_id
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM written),
       COALESCE((SELECT array_agg(user_id ORDER BY user_id, interaction_id) FROM written), '{}'),
       COALESCE((SELECT array_agg(interaction_id ORDER BY user_id, interaction_id) FROM written), '{}')";

/// The reminders just written whose user wants them by mail.
const MAIL_SQL: &str = "
SELECT u.email, u.locale, u.time_zone, i.id, i.kind, i.subject, i.starts_at, i.all_day
FROM unnest($1::bigint[], $2::bigint[]) AS w(user_id, interaction_id)
JOIN users u ON u.id = w.user_id AND u.reminders_by IN ('mail', 'both')
JOIN interactions i ON i.id = w.interaction_id";

/// Fires every due reminder (in batches of 500, one transaction each);
/// returns how many notifications were written. `public_url` starts the
/// links of reminder mails.
pub async fn dispatch_due(pool: &PgPool, public_url: &str) -> anyhow::Result<u64> {
    let mut written = 0u64;
    loop {
        let mut tx = pool.begin().await?;
        // Setting reminded_at is bookkeeping, not a change of the record:
        // the history trigger skips it.
        sqlx::query("SET LOCAL relais.bulk = 'on'")
            .execute(&mut *tx)
            .await?;
        let (claimed, notes, users, interactions): (i64, i64, Vec<i64>, Vec<i64>) =
            sqlx::query_as(DISPATCH_SQL)
                .bind(BATCH)
                .fetch_one(&mut *tx)
                .await?;
        if !users.is_empty() {
            let rows: Vec<MailRow> = sqlx::query_as(MAIL_SQL)
                .bind(&users)
                .bind(&interactions)
                .fetch_all(&mut *tx)
                .await?;
            for row in rows {
                app::ssr::mail::enqueue(&mut *tx, &reminder_mail(&row, public_url)).await?;
            }
        }
        tx.commit().await?;
        written += notes.max(0) as u64;
        if claimed < BATCH {
            return Ok(written);
        }
    }
}

type MailRow = (
    String,
    String,
    String,
    i64,
    String,
    String,
    chrono::DateTime<chrono::Utc>,
    bool,
);

/// A reminder as a mail: in the user's language, the time in their zone.
fn reminder_mail(row: &MailRow, public_url: &str) -> app::ssr::mail::Mail {
    use app::ssr::mail::{Block, compose};
    let (email, locale, zone, id, kind, subject, starts_at, all_day) = row;
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::Europe::Paris);
    let local = starts_at.with_timezone(&tz);
    let fr = locale == "fr";
    let when = match (fr, all_day) {
        (true, true) => local.format("le %d/%m/%Y").to_string(),
        (true, false) => local.format("le %d/%m/%Y à %H:%M").to_string(),
        (false, true) => local.format("on %Y-%m-%d").to_string(),
        (false, false) => local.format("on %Y-%m-%d at %H:%M").to_string(),
    };
    let kind = match (fr, kind.as_str()) {
        (true, "call") => "Appel",
        (true, "meeting") => "Réunion",
        (true, "task") => "Tâche",
        (true, _) => "E-mail",
        (false, "call") => "Call",
        (false, "meeting") => "Meeting",
        (false, "task") => "Task",
        (false, _) => "Email",
    };
    let link = format!("{}/interactions/{id}", public_url.trim_end_matches('/'));
    if fr {
        let line = format!("{kind} « {subject} » {when} ({zone}).");
        compose(
            email,
            &format!("Rappel : {subject}"),
            &[
                Block::Para(&line),
                Block::Link {
                    label: "Ouvrir dans Relais",
                    url: &link,
                },
                Block::Para(
                    "Vous recevez ce rappel par courriel comme vous l'avez choisi dans vos paramètres.",
                ),
            ],
        )
    } else {
        let line = format!("{kind} “{subject}” {when} ({zone}).");
        compose(
            email,
            &format!("Reminder: {subject}"),
            &[
                Block::Para(&line),
                Block::Link {
                    label: "Open in Relais",
                    url: &link,
                },
                Block::Para("You get this reminder by mail as chosen in your settings."),
            ],
        )
    }
}

/// Runs [`dispatch_due`] every `every`, for the life of the process. Errors
/// are logged and the next tick tries again; a panic in one run (each run
/// is a task of its own) does not stop the loop.
pub fn spawn_reminders(pool: PgPool, every: Duration, public_url: String) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every.max(Duration::from_secs(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let (pool, url) = (pool.clone(), public_url.clone());
            match tokio::spawn(async move { dispatch_due(&pool, &url).await }).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::debug!(notifications = n, "reminders dispatched"),
                Ok(Err(e)) => tracing::warn!(error = %e, "could not dispatch reminders"),
                Err(e) => tracing::error!(error = %e, "the reminder dispatcher failed"),
            }
        }
    });
}
