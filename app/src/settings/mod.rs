//! The user's own settings (profile menu → Settings): time zone and daily
//! capacity, who may see their calendar, and their private iCalendar
//! subscription link (served by the server's `/feed/{token}.ics`).

mod api;
pub mod layouts;
mod pages;

use crate::error::{FieldError, FieldProblem};
pub use api::*;
pub use pages::ProfilePage;
use serde::{Deserialize, Serialize};

/// A colleague who may or may not see my calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: i64,
    pub name: String,
    pub shared: bool,
}

/// Everything the profile settings page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileSettings {
    pub time_zone: String,
    /// `auto`, `mon` or `sun` (`crate::calendar::WEEK_STARTS`).
    pub week_start: String,
    /// Hours, as the form edits them (`5`, `7.5`).
    pub capacity_hours: String,
    /// Every IANA zone name, for the time zone choice.
    pub zones: Vec<String>,
    /// The other active users.
    pub colleagues: Vec<Colleague>,
    /// Managers and admins see every calendar.
    pub sees_all: bool,
    /// The subscription URL, when the user has one.
    pub feed_url: Option<String>,
    /// How reminders reach me (`crate::auth::REMINDERS_BY`).
    #[serde(default)]
    pub reminders_by: String,
    /// Whether this server sends mail (`RELAIS_SMTP_URL` is set).
    #[serde(default)]
    pub mail_configured: bool,
}

/// Hours (`7.5`, `7,5`) as minutes, when between 0 and 24 hours.
pub fn capacity_minutes(hours: &str) -> Option<i32> {
    let h: f64 = hours.trim().replace(',', ".").parse().ok()?;
    (h.is_finite() && (0.0..=24.0).contains(&h)).then(|| (h * 60.0).round() as i32)
}

/// Minutes as the hours the form shows (`5`, `7.5`).
pub fn capacity_hours(minutes: i32) -> String {
    if minutes % 60 == 0 {
        return (minutes / 60).to_string();
    }
    let text = format!("{:.2}", minutes as f64 / 60.0);
    text.trim_end_matches('0').to_string()
}

/// The checks the form runs before sending, and the server again.
pub fn check_profile(time_zone: &str, capacity: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if time_zone.trim().is_empty() {
        errors.push(FieldError {
            field: "time_zone".into(),
            problem: FieldProblem::Required,
        });
    }
    if capacity_minutes(capacity).is_none() {
        errors.push(FieldError {
            field: "capacity_hours".into(),
            problem: FieldProblem::InvalidNumber,
        });
    }
    errors
}

/// `webcal://` for an `http(s)://` URL: calendar apps open it to subscribe.
pub fn webcal(url: &str) -> String {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    format!("webcal://{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_hours_between_0_and_24() {
        assert_eq!(capacity_minutes("5"), Some(300));
        assert_eq!(capacity_minutes("7,5"), Some(450));
        assert_eq!(capacity_minutes("24"), Some(1440));
        assert_eq!(capacity_minutes("25"), None);
        assert_eq!(capacity_minutes("-1"), None);
        assert_eq!(capacity_minutes("NaN"), None);
        assert_eq!(capacity_hours(450), "7.5");
        assert_eq!(capacity_hours(300), "5");
        assert_eq!(capacity_hours(0), "0");
        assert_eq!(
            webcal("https://crm.example/feed/ab.ics"),
            "webcal://crm.example/feed/ab.ics"
        );
    }
}
