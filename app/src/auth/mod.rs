//! Accounts: who is logged in, with which role, and the server functions of
//! logging in and out, resetting a password and saving preferences
//! (`api.rs`); my password and my sessions (`account.rs`); the optional
//! second sign-in factor and its recovery codes (`second_factor.rs`); the
//! pages before login as plain HTML forms, which need no wasm (`plain_forms.rs`).

mod account;
mod api;
pub mod pages;
pub mod plain_forms;
pub mod second_factor;

pub use account::*;
pub use api::*;
pub use second_factor::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Member,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Member => "member",
        }
    }

    /// Whether this role may do what `needed` may: admin ⊃ manager ⊃ member.
    pub fn includes(self, needed: Role) -> bool {
        fn rank(r: Role) -> u8 {
            match r {
                Role::Admin => 3,
                Role::Manager => 2,
                Role::Member => 1,
            }
        }
        rank(self) >= rank(needed)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub locale: String,
    pub theme: String,
    pub density: String,
    /// IANA name, e.g. `Europe/Paris`: the zone times are shown in.
    pub time_zone: String,
    /// The first day of their week: `auto` (from the zone), `mon` or `sun`.
    #[serde(default)]
    pub week_start: String,
    /// How they hear of reminders: `browser`, `mail` or `both` (`REMINDERS_BY`).
    #[serde(default)]
    pub reminders_by: String,
    /// An admin without a second factor while the organisation requires
    /// one: they act as a member until they set it up (`guard`), and the
    /// shell says so.
    #[serde(default)]
    pub needs_second_factor: bool,
}

impl CurrentUser {
    /// The language they read the app in.
    pub fn language(&self) -> crate::i18n::Locale {
        if self.locale == "fr" {
            crate::i18n::Locale::fr
        } else {
            crate::i18n::Locale::en
        }
    }
}

/// The choices of the profile menu, checked on both sides.
pub const LOCALES: &[&str] = &["en", "fr"];
/// `auto` follows the device's light or dark setting (`prefers-color-scheme`):
/// a new user's theme, and the theme of a page nobody is signed in on.
pub const THEMES: &[&str] = &["light", "dark", "auto"];
pub const DENSITIES: &[&str] = &["comfortable", "compact"];
/// How reminders reach their user: the bell and a desktop notification, a
/// mail, or both (the bell lists them all in every case).
pub const REMINDERS_BY: &[&str] = &["browser", "mail", "both"];
/// A session ends after this many days without a request.
pub const SESSION_INACTIVITY_DAYS: i64 = 14;
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_nest() {
        assert!(Role::Admin.includes(Role::Manager));
        assert!(Role::Manager.includes(Role::Member));
        assert!(!Role::Member.includes(Role::Manager));
        assert!(!Role::Manager.includes(Role::Admin));
        for r in [Role::Admin, Role::Manager, Role::Member] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
