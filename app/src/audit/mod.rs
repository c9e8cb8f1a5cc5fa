//! The audit log, read by admins (`/settings/audit`): who viewed, changed,
//! exported, erased or merged personal data, and what admins did to
//! accounts. Written by `ssr::audit` and the `persons_audit` trigger;
//! read here (`api.rs`), shown in `pages.rs`, exported as CSV by the
//! server's `/export/audit.csv` with the same filter.

mod api;
pub mod pages;

pub use api::*;
use serde::{Deserialize, Serialize};

/// The actions an entry can name (the table's `action` check).
pub const ACTIONS: &[&str] = &[
    "view",
    "change",
    "export",
    "gdpr_export",
    "erase",
    "merge",
    "invite",
    "role",
    "deactivate",
    "reactivate",
    "security",
    "import",
    "import_undo",
];

/// Rows per page of the log.
pub const PAGE: i64 = 100;

/// One entry, as the page and the CSV show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// In the reader's zone, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    pub user_name: String,
    pub address: String,
    pub action: String,
    /// `person`, `company`, `user`…, or empty.
    pub record_type: String,
    pub record_id: Option<i64>,
    pub detail: String,
}

/// The log's filters: every field empty means all. Strings, so that the
/// same struct reads a query string (`/export/audit.csv?action=view…`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub action: String,
    /// A user's id.
    pub user: String,
    pub record_type: String,
    pub record_id: String,
    /// First and last day, `YYYY-MM-DD`, in the reader's zone.
    pub from: String,
    pub to: String,
}

impl AuditFilter {
    /// The filter as a query string, for the CSV link.
    pub fn query_string(&self) -> String {
        [
            ("action", &self.action),
            ("user", &self.user),
            ("record_type", &self.record_type),
            ("record_id", &self.record_id),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", crate::ui::list::urlencode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// A page of the log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The id to pass as `before` for the next page, if there is one.
    pub next: Option<i64>,
    /// Everyone who can appear in the log, for the user filter.
    pub users: Vec<(i64, String)>,
}
