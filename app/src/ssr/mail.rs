//! Outgoing mail. Every message is written to the `outbox` table (and the
//! log), in the same transaction as what it announces; the server's mailer
//! (`server/src/mailer.rs`) sends what waits there when SMTP is configured.
//!
//! A mail is written once, in its recipient's language, as plain text; the
//! HTML part is made from the same paragraphs, escaped, so the two never
//! say different things.

use crate::error::AppResult;

/// A mail ready to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One block of a mail's body.
pub enum Block<'a> {
    /// A paragraph of text.
    Para(&'a str),
    /// A link shown as a button in HTML, and as the bare address in text.
    Link { label: &'a str, url: &'a str },
}

/// Builds a mail: the text part is the paragraphs separated by blank lines
/// (a link as its address alone on its line), the HTML part the same,
/// escaped.
pub fn compose(to: &str, subject: &str, blocks: &[Block<'_>]) -> Mail {
    let mut text = Vec::new();
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2328\">",
    );
    for block in blocks {
        match block {
            Block::Para(p) => {
                text.push(p.to_string());
                html.push_str("<p>");
                html.push_str(&escape(p).replace('\n', "<br>"));
                html.push_str("</p>");
            }
            Block::Link { label, url } => {
                text.push(url.to_string());
                html.push_str(&format!(
                    "<p><a href=\"{u}\" style=\"display:inline-block;padding:8px 16px;\
                     background:#1d4ed8;color:#ffffff;border-radius:6px;text-decoration:none\">{l}</a></p>\
                     <p style=\"font-size:13px;color:#57606a\">{u}</p>",
                    u = escape(url),
                    l = escape(label)
                ));
            }
        }
    }
    html.push_str("</body></html>");
    Mail {
        to: to.to_string(),
        subject: subject.to_string(),
        text: text.join("\n\n"),
        html,
    }
}

/// Text or a quoted attribute's value in the mail's HTML.
fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_quoted_attribute(s)
}

/// Queues a mail; it leaves with the transaction (or the statement) it is
/// written in.
pub async fn enqueue<'e, E>(db: E, mail: &Mail) -> AppResult<()>
where
    E: sqlx::PgExecutor<'e>,
{
    sqlx::query(
        "INSERT INTO outbox (to_address, subject, body, body_html) VALUES ($1, $2, $3, $4)",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .execute(db)
    .await?;
    tracing::info!(to = %mail.to, subject = %mail.subject, "mail queued in outbox:\n{}", mail.text);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_say_the_same_and_html_is_escaped() {
        let m = compose(
            "a@example.com",
            "Hi",
            &[
                Block::Para("Dear <Ann> & co"),
                Block::Link {
                    label: "Open",
                    url: "https://x.example/r?a=1&b=2",
                },
            ],
        );
        assert_eq!(m.text, "Dear <Ann> & co\n\nhttps://x.example/r?a=1&b=2");
        assert!(m.html.contains("<p>Dear &lt;Ann&gt; &amp; co</p>"));
        assert!(m.html.contains("href=\"https://x.example/r?a=1&amp;b=2\""));
        assert!(!m.html.contains("<Ann>"));
    }
}
