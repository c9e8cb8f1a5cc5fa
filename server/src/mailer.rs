//! The mailer: sends by SMTP what waits in the `outbox` table.
//!
//! **One mail, one sender.** A mailer takes the oldest due mail with
//! `FOR UPDATE SKIP LOCKED` and keeps the row locked while it talks to the
//! SMTP server; it writes the outcome in the same transaction. Another
//! instance skips a locked row, so with any number of instances a mail is
//! handed to SMTP once. (If an instance dies after the SMTP server took the
//! mail and before its commit, the row is unlocked unsent and goes again:
//! SMTP itself offers no stronger promise.)
//!
//! **Retries.** A refusal for now (a 4xx answer, a connection or TLS
//! failure, a timeout) counts an attempt, keeps the reason in `last_error`
//! and waits 1 min, 2, 4… at most an hour before the next one; after
//! [`MAX_ATTEMPTS`] the mail is given up (`failed_at`). A refusal for good
//! (a 5xx answer, an address that cannot be a mailbox) gives up at once. A
//! mail not sent within [`GIVE_UP_AFTER_HOURS`] of being written is given
//! up too: a reset link or a reminder that late is no use.
//!
//! **Kept.** Sent mails are deleted after [`KEEP_SENT_DAYS`], failed ones
//! after [`KEEP_FAILED_DAYS`] (by the hourly clean-up, [`purge`]).
//!
//! Without `RELAIS_SMTP_URL`, no mailer runs: mail stays in the outbox and
//! the log.

use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart, header};
use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use std::time::Duration;

/// Attempts before a mail refused for now is given up.
pub const MAX_ATTEMPTS: i32 = 10;
/// Longest wait between two attempts, in minutes.
pub const MAX_WAIT_MINUTES: i64 = 60;
/// A mail not sent this long after it was written is given up.
pub const GIVE_UP_AFTER_HOURS: i64 = 48;
/// Sent mails kept (they hold links: not longer than needed).
pub const KEEP_SENT_DAYS: i64 = 7;
/// Failed mails kept, for an administrator to see why.
pub const KEEP_FAILED_DAYS: i64 = 30;
/// The longest an SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Minutes to wait after the `attempts`-th failed attempt: 1, 2, 4… 60.
pub fn wait_minutes(attempts: i32) -> i64 {
    let doublings = (attempts.max(1) - 1).min(10) as u32;
    (1_i64 << doublings).min(MAX_WAIT_MINUTES)
}

/// What one pass of [`Mailer::drain`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Drained {
    pub sent: u32,
    /// Refused for now: will be tried again.
    pub deferred: u32,
    /// Given up (refused for good, too many attempts, too old).
    pub failed: u32,
}

/// An SMTP sender and the address mail comes from.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// The outcome of one attempt.
enum Outcome {
    Sent,
    Later(String),
    Never(String),
}

impl Mailer {
    /// `url`: `smtp://host:25` (plain), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtps://user:pass@host:465` (TLS from the start).
    /// `from`: `Relais <relais@example.org>` or a bare address.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("RELAIS_MAIL_FROM {from:?} is not a mail address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("RELAIS_SMTP_URL is not a usable SMTP address: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self { transport, from })
    }

    /// Sends every due mail, one at a time, until none is left.
    pub async fn drain(&self, pool: &PgPool) -> anyhow::Result<Drained> {
        let mut done = Drained::default();
        loop {
            let mut tx = pool.begin().await?;
            type Row = (
                i64,
                String,
                String,
                String,
                Option<String>,
                i32,
                DateTime<Utc>,
            );
            let row: Option<Row> = sqlx::query_as(
                "SELECT id, to_address, subject, body, body_html, attempts, created_at FROM outbox
                 WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                 ORDER BY next_attempt_at, id
                 LIMIT 1
                 FOR UPDATE SKIP LOCKED",
            )
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id, to, subject, text, html, attempts, created_at)) = row else {
                break;
            };
            let outcome = if Utc::now() - created_at > chrono::Duration::hours(GIVE_UP_AFTER_HOURS)
            {
                Outcome::Never(format!("not sent within {GIVE_UP_AFTER_HOURS} hours"))
            } else {
                let message_id = format!(
                    "<relais.{id}.{}@{}>",
                    created_at.timestamp(),
                    self.from.email.domain()
                );
                self.send(&to, &subject, message_id, text, html).await
            };
            let attempts = attempts + 1;
            match outcome {
                Outcome::Sent => {
                    sqlx::query(
                        "UPDATE outbox SET sent_at = now(), attempts = $2, last_error = NULL WHERE id = $1",
                    )
                    .bind(id)
                    .bind(attempts)
                    .execute(&mut *tx)
                    .await?;
                    tracing::info!(id, to, "mail sent");
                    done.sent += 1;
                }
                Outcome::Later(reason) if attempts < MAX_ATTEMPTS => {
                    sqlx::query(
                        "UPDATE outbox SET attempts = $2, last_error = $3,
                             next_attempt_at = now() + make_interval(mins => $4::int)
                         WHERE id = $1",
                    )
                    .bind(id)
                    .bind(attempts)
                    .bind(&reason)
                    .bind(wait_minutes(attempts) as i32)
                    .execute(&mut *tx)
                    .await?;
                    tracing::warn!(id, to, attempts, reason, "mail not sent, will try again");
                    done.deferred += 1;
                }
                Outcome::Later(reason) | Outcome::Never(reason) => {
                    sqlx::query(
                        "UPDATE outbox SET attempts = $2, last_error = $3, failed_at = now() WHERE id = $1",
                    )
                    .bind(id)
                    .bind(attempts)
                    .bind(&reason)
                    .execute(&mut *tx)
                    .await?;
                    tracing::warn!(id, to, attempts, reason, "mail given up");
                    done.failed += 1;
                }
            }
            tx.commit().await?;
        }
        Ok(done)
    }

    /// One attempt. The Message-ID is the outbox row's, so that the rare
    /// mail sent twice (see the module's note) is one mail to the reader.
    async fn send(
        &self,
        to: &str,
        subject: &str,
        message_id: String,
        text: String,
        html: Option<String>,
    ) -> Outcome {
        let to: Mailbox = match to.parse() {
            Ok(to) => to,
            Err(e) => return Outcome::Never(format!("not a mail address: {e}")),
        };
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .message_id(Some(message_id))
            .subject(subject);
        let message = match html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(text, html)),
            None => builder.header(header::ContentType::TEXT_PLAIN).body(text),
        };
        let message = match message {
            Ok(m) => m,
            Err(e) => return Outcome::Never(format!("could not be written: {e}")),
        };
        match self.transport.send(message).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Never(describe(&e)),
            Err(e) => Outcome::Later(describe(&e)),
        }
    }
}

/// The error and its causes on one line (what an administrator reads).
fn describe(e: &SmtpError) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Runs the mailer for good: a pass at start, then whenever a mail is
/// queued (PostgreSQL `NOTIFY outbox`) or `every` has passed (retries).
pub fn spawn(pool: PgPool, mailer: Mailer, every: Duration) {
    tokio::spawn(async move {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut l) => match l.listen("outbox").await {
                Ok(()) => Some(l),
                Err(e) => {
                    tracing::warn!(error = %e, "mailer: cannot listen for new mail; polling only");
                    None
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "mailer: cannot listen for new mail; polling only");
                None
            }
        };
        // The listener holds one of the pool's connections: when the
        // server shuts down (the pool closes) the loop ends and gives it
        // back, or closing the pool would wait for it for ever.
        let mut closed = pool.close_event();
        while !pool.is_closed() {
            if let Err(e) = mailer.drain(&pool).await {
                tracing::warn!(error = %e, "mailer: pass failed");
            }
            let wait = async {
                match listener.as_mut() {
                    // A notification or the period, whichever comes first. A
                    // lost connection is re-made by the listener's next call;
                    // until then, the period.
                    Some(l) => match tokio::time::timeout(every, l.try_recv()).await {
                        Ok(Ok(Some(_))) | Err(_) => {}
                        Ok(_) => tokio::time::sleep(every).await,
                    },
                    None => tokio::time::sleep(every).await,
                }
            };
            if closed.do_until(wait).await.is_err() {
                break;
            }
        }
    });
}

/// Forgets sent and failed mail past their keeping time.
pub async fn purge(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query(
        "DELETE FROM outbox
         WHERE sent_at < now() - make_interval(days => $1::int)
            OR failed_at < now() - make_interval(days => $2::int)",
    )
    .bind(KEEP_SENT_DAYS as i32)
    .bind(KEEP_FAILED_DAYS as i32)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(wait_minutes).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }

    // The transport's connection pool starts a task: inside a runtime.
    #[tokio::test]
    async fn a_bad_sender_or_url_is_said_at_start() {
        assert!(Mailer::new("smtp://127.0.0.1:2525", "not an address").is_err());
        assert!(Mailer::new("http://example.org", "relais@example.org").is_err());
        assert!(Mailer::new("smtp://127.0.0.1:2525", "Relais <relais@example.org>").is_ok());
    }
}
