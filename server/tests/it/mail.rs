//! The mailer against a real SMTP server: `tests/smtp_sink.py` (aiosmtpd),
//! started by each test on a loopback port of its own. What arrives is read
//! back as the sink's own mail parser understood it.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use server::mailer::{MAX_ATTEMPTS, Mailer};
use sqlx::PgPool;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An SMTP server on loopback; stopped when dropped.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

/// The Python that has aiosmtpd: Debian's (`apt install python3-aiosmtpd`,
/// as `scripts/test.sh` does), unless `RELAIS_TEST_PYTHON` says otherwise.
fn python() -> String {
    std::env::var("RELAIS_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("relais-smtp-{port}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (apt install python3-aiosmtpd)");
        let sink = SmtpSink { child, port, dir };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return sink;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the SMTP sink did not start on port {port}");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn mailer(&self) -> Mailer {
        Mailer::new(&self.url(), "Relais <relais@relais.test>").unwrap()
    }

    /// Every message received so far, as the sink parsed it.
    pub fn messages(&self) -> Vec<Value> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return vec![];
        };
        entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .map(|e| serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn queue(pool: &PgPool, to: &str, subject: &str) {
    let mail = app::ssr::mail::compose(to, subject, &[app::ssr::mail::Block::Para("Hello")]);
    app::ssr::mail::enqueue(pool, &mail).await.unwrap();
}

async fn row(pool: &PgPool, to: &str) -> (i32, Option<String>, bool, bool, f64) {
    sqlx::query_as(
        "SELECT attempts, last_error, sent_at IS NOT NULL, failed_at IS NOT NULL,
                extract(epoch FROM next_attempt_at - now())::float8
         FROM outbox WHERE to_address = $1",
    )
    .bind(to)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_mail_arrives_in_the_users_language_and_its_link_works(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let app = TestApp::new(pool.clone());
    app.user("claire@example.fr", "member").await;
    sqlx::query("UPDATE users SET locale = 'fr' WHERE email = 'claire@example.fr'")
        .execute(&pool)
        .await
        .unwrap();
    app.user("sam@example.com", "member").await;
    for email in ["claire@example.fr", "sam@example.com"] {
        let r = app
            .call(
                "/api/auth/request_password_reset",
                json!({ "email": email }),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }

    let done = sink.mailer().drain(&pool).await.unwrap();
    assert_eq!((done.sent, done.deferred, done.failed), (2, 0, 0));
    let got = sink.messages();
    assert_eq!(got.len(), 2);
    let fr = got
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["claire@example.fr"]))
        .unwrap();
    let en = got
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["sam@example.com"]))
        .unwrap();
    assert_eq!(fr["subject"], "Relais : réinitialisation du mot de passe");
    assert!(
        fr["text"]
            .as_str()
            .unwrap()
            .contains("Pour choisir un nouveau mot de passe")
    );
    assert_eq!(en["subject"], "Relais: reset your password");
    assert!(en["from"].as_str().unwrap().contains("relais@relais.test"));
    assert!(
        en["message_id"].as_str().unwrap().starts_with("<relais."),
        "{en}"
    );

    // The same link in both parts; it works.
    let text = fr["text"].as_str().unwrap();
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with("http://relais.test/reset-password?token="))
        .expect("the link in the text part");
    assert!(
        fr["html"]
            .as_str()
            .unwrap()
            .contains(&format!("href=\"{link}\""))
    );
    let token = link.split("token=").nth(1).unwrap();
    let r = app
        .call(
            "/api/auth/reset_password",
            json!({"token": token, "password": "une phrase de passe neuve"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        app.login("claire@example.fr", "une phrase de passe neuve")
            .await
            .is_ok()
    );

    // Sent is sent: a second pass sends nothing.
    let again = sink.mailer().drain(&pool).await.unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(sink.messages().len(), 2);
    assert!(row(&pool, "sam@example.com").await.2, "marked sent");
}

#[sqlx::test(migrations = "../migrations")]
async fn refused_for_now_waits_longer_each_time_then_is_given_up(pool: PgPool) {
    let sink = SmtpSink::start().await;
    queue(&pool, "busy@later.example", "Later").await;
    let done = sink.mailer().drain(&pool).await.unwrap();
    assert_eq!((done.sent, done.deferred, done.failed), (0, 1, 0));
    let (attempts, error, sent, failed, wait) = row(&pool, "busy@later.example").await;
    assert_eq!((attempts, sent, failed), (1, false, false));
    assert!(
        error.unwrap().contains("451"),
        "the server's reason is kept"
    );
    assert!(
        (50.0..=61.0).contains(&wait),
        "next try in a minute, not {wait}"
    );

    // Not due yet: nothing is tried.
    let done = sink.mailer().drain(&pool).await.unwrap();
    assert_eq!(done.deferred, 0);

    // Due again after the fifth failure: 16 minutes this time.
    sqlx::query("UPDATE outbox SET attempts = 4, next_attempt_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    sink.mailer().drain(&pool).await.unwrap();
    let (attempts, _, _, failed, wait) = row(&pool, "busy@later.example").await;
    assert_eq!((attempts, failed), (5, false));
    assert!((15.0 * 60.0..=16.0 * 60.0 + 1.0).contains(&wait), "{wait}");

    // The last attempt fails too: given up, with its reason.
    sqlx::query("UPDATE outbox SET attempts = $1, next_attempt_at = now()")
        .bind(MAX_ATTEMPTS - 1)
        .execute(&pool)
        .await
        .unwrap();
    let done = sink.mailer().drain(&pool).await.unwrap();
    assert_eq!(done.failed, 1);
    let (attempts, error, sent, failed, _) = row(&pool, "busy@later.example").await;
    assert_eq!((attempts, sent, failed), (MAX_ATTEMPTS, false, true));
    assert!(error.unwrap().contains("451"));
    assert!(sink.messages().is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn refused_for_good_is_given_up_at_once_and_others_still_leave(pool: PgPool) {
    let sink = SmtpSink::start().await;
    queue(&pool, "ghost@refused.example", "Nobody").await;
    queue(&pool, "anne@example.org", "Somebody").await;
    let done = sink.mailer().drain(&pool).await.unwrap();
    assert_eq!((done.sent, done.deferred, done.failed), (1, 0, 1));
    let (attempts, error, sent, failed, _) = row(&pool, "ghost@refused.example").await;
    assert_eq!((attempts, sent, failed), (1, false, true));
    assert!(error.unwrap().contains("550"));
    assert_eq!(sink.messages()[0]["rcpt_tos"], json!(["anne@example.org"]));
}

#[sqlx::test(migrations = "../migrations")]
async fn no_smtp_server_is_a_retry_and_too_old_a_mail_is_given_up(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    drop(sink); // Nobody listens there now.
    queue(&pool, "anne@example.org", "Hello").await;
    let nobody = Mailer::new(&format!("smtp://127.0.0.1:{port}"), "relais@relais.test").unwrap();
    let done = nobody.drain(&pool).await.unwrap();
    assert_eq!((done.sent, done.deferred, done.failed), (0, 1, 0));
    let (attempts, error, _, failed, _) = row(&pool, "anne@example.org").await;
    assert_eq!((attempts, failed), (1, false));
    assert!(!error.unwrap().is_empty());

    // Two days later, still not sent: not worth sending any more.
    sqlx::query(
        "UPDATE outbox SET created_at = now() - interval '49 hours', next_attempt_at = now()",
    )
    .execute(&pool)
    .await
    .unwrap();
    let sink = SmtpSink::start().await;
    let done = sink.mailer().drain(&pool).await.unwrap();
    assert_eq!(done.failed, 1);
    assert!(sink.messages().is_empty());
    assert!(
        row(&pool, "anne@example.org")
            .await
            .1
            .unwrap()
            .contains("48 hours")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_instances_send_each_mail_exactly_once(pool: PgPool) {
    let sink = SmtpSink::start().await;
    for i in 0..40 {
        queue(
            &pool,
            &format!("person{i}@example.org"),
            &format!("Mail {i}"),
        )
        .await;
    }
    // Two instances: two connection pools, two mailers, at the same time.
    let other = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect_with(pool.connect_options().as_ref().clone())
        .await
        .unwrap();
    let (a, b) = (sink.mailer(), sink.mailer());
    let (da, db) = tokio::join!(a.drain(&pool), b.drain(&other));
    let (da, db) = (da.unwrap(), db.unwrap());
    assert_eq!(da.sent + db.sent, 40);
    assert!(da.sent > 0 && db.sent > 0, "both worked: {da:?} {db:?}");
    let got = sink.messages();
    assert_eq!(got.len(), 40, "each mail once");
    let mut rcpts: Vec<String> = got
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap().to_string())
        .collect();
    rcpts.sort();
    rcpts.dedup();
    assert_eq!(rcpts.len(), 40, "forty different recipients, none twice");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_running_mailer_sends_a_new_mail_without_waiting_for_its_period(pool: PgPool) {
    let sink = SmtpSink::start().await;
    // A period far longer than the test: only the notification can wake it.
    server::mailer::spawn(pool.clone(), sink.mailer(), Duration::from_secs(3600));
    tokio::time::sleep(Duration::from_millis(300)).await;
    queue(&pool, "quick@example.org", "Now").await;
    for _ in 0..100 {
        if !sink.messages().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(sink.messages()[0]["subject"], "Now");
}

#[sqlx::test(migrations = "../migrations")]
async fn reminders_go_by_mail_to_those_who_chose_it_once_in_their_language(pool: PgPool) {
    use crate::notifications::{interaction, local, save, team};
    let sink = SmtpSink::start().await;
    let t = team(&pool).await;
    // a: by mail, in French; b: in the browser only; c: both.
    sqlx::query(
        "UPDATE users SET reminders_by = CASE email WHEN 'a@example.fr' THEN 'mail'
             WHEN 'c@example.fr' THEN 'both' ELSE 'browser' END,
             locale = CASE email WHEN 'a@example.fr' THEN 'fr' ELSE 'en' END",
    )
    .execute(&pool)
    .await
    .unwrap();
    // Choosing it goes through the settings' checks.
    let bad = t
        .app
        .call(
            "/api/settings/save_reminders",
            json!({"reminders_by": "pigeon"}),
            Some(&t.sessions[2]),
        )
        .await;
    assert_eq!(bad.body["kind"], "invalid", "{}", bad.text);
    let ok = t
        .app
        .call(
            "/api/settings/save_reminders",
            json!({"reminders_by": "both"}),
            Some(&t.sessions[2]),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);

    let mut call = interaction("call", "Rappeler Mme Lefèbvre", &local(-30), "15");
    call["attendee_users"] = json!([t.ids[1], t.ids[2]]);
    let id = save(&t.app, &t.sessions[0], None, call).await;
    assert_eq!(
        server::reminders::dispatch_due(&pool, "http://relais.test")
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        server::reminders::dispatch_due(&pool, "http://relais.test")
            .await
            .unwrap(),
        0
    );

    let done = sink.mailer().drain(&pool).await.unwrap();
    assert_eq!(done.sent, 2, "a and c, not b");
    let got = sink.messages();
    let to_a = got
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["a@example.fr"]))
        .unwrap();
    let to_c = got
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["c@example.fr"]))
        .unwrap();
    assert_eq!(to_a["subject"], "Rappel : Rappeler Mme Lefèbvre");
    assert!(
        to_a["text"]
            .as_str()
            .unwrap()
            .starts_with("Appel « Rappeler Mme Lefèbvre » le "),
        "{to_a}"
    );
    assert_eq!(to_c["subject"], "Reminder: Rappeler Mme Lefèbvre");
    let link = format!("http://relais.test/interactions/{id}");
    for m in [to_a, to_c] {
        assert!(m["text"].as_str().unwrap().contains(&link));
        assert!(
            m["html"]
                .as_str()
                .unwrap()
                .contains(&format!("href=\"{link}\""))
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_running_mailer_lets_the_server_shut_down(pool: PgPool) {
    // The server's own pool, as at shutdown: closing it waits for every
    // connection, and the mailer's listener holds one.
    let server_pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect_with(pool.connect_options().as_ref().clone())
        .await
        .unwrap();
    let sink = SmtpSink::start().await;
    server::mailer::spawn(
        server_pool.clone(),
        sink.mailer(),
        Duration::from_secs(3600),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A hang here is the failure (it was one: the shutdown never ended);
    // the limit only turns it into a message.
    let closed = tokio::time::timeout(Duration::from_secs(20), server_pool.close()).await;
    assert!(closed.is_ok(), "closing the pool waited on the mailer");
}
