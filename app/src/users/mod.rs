//! The team, administered from the app (`/settings/users`, admins only):
//! the users with their role and state, invitations by mail (a single-use,
//! expiring link to `/invitation`), role changes, deactivation. Server
//! functions in `api.rs`, pages in `pages.rs`.

mod api;
pub mod pages;

use crate::error::FieldError;
use crate::validate::Checks;
pub use api::*;
use serde::{Deserialize, Serialize};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;
/// The role choices, as stored.
pub const ROLES: &[&str] = &["admin", "manager", "member"];

/// One row of the users table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// `admin`, `manager` or `member`.
    pub role: String,
    pub active: bool,
    /// In the reader's zone, `YYYY-MM-DD HH:MM`; empty if never.
    pub last_login: String,
    pub time_zone: String,
    /// Whether they sign in with a second factor.
    #[serde(default)]
    pub second_factor: bool,
    /// The reader's own row.
    pub me: bool,
}

/// An invitation not yet accepted nor withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub locale: String,
    /// When the last mail was sent, in the reader's zone.
    pub sent: String,
    pub expired: bool,
    pub invited_by: String,
}

/// What the users page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub users: Vec<UserRow>,
    pub invitations: Vec<InvitationRow>,
}

/// The users page's filters (all empty: everyone).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamFilter {
    /// Part of a name or an email.
    pub search: String,
    /// A role, or empty for all.
    pub role: String,
    /// `active`, `inactive`, or empty for all.
    pub state: String,
}

/// What an invitation link opens: who is invited, in which language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitee {
    pub email: String,
    pub locale: String,
}

/// The invitation form's checks, in the browser and on the server.
pub fn check_invitation(email: &str, role: &str, locale: &str) -> Vec<FieldError> {
    let mut c = Checks::new();
    c.required("email", email).email("email", email);
    c.required("role", role).choice("role", role, ROLES);
    c.choice("locale", locale, crate::auth::LOCALES);
    c.errors().to_vec()
}

/// The checks of the page an invitee opens: their name and password.
pub fn check_acceptance(name: &str, password: &str, confirm: &str) -> Vec<FieldError> {
    let mut c = Checks::new();
    c.required("name", name).line("name", name);
    crate::auth::check_new_password(&mut c, password, confirm);
    c.errors().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitations_need_an_address_and_a_known_role() {
        assert!(check_invitation("ana@example.org", "member", "fr").is_empty());
        let fields: Vec<String> = check_invitation("nope", "boss", "de")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["email", "role", "locale"]);
        assert!(check_acceptance("Ana", "a long password", "a long password").is_empty());
        let fields: Vec<String> = check_acceptance("", "short", "x")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "password", "confirm"]);
    }
}
