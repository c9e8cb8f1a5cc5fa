//! Bringing records in from CSV files (`/import`, admins and managers).
//!
//! The file is uploaded (`POST /import/upload`, a plain form: the server
//! keeps it in PostgreSQL, `import_chunks`) and read whatever its encoding
//! and delimiter (`csv_in`); which column fills which field is guessed
//! from the kind's descriptor (`mapping`) or remembered from the last file
//! with the same header; the first rows are previewed as they will be
//! saved, with the form's own checks (`ImportSpec::prepare`) and the record
//! each is the same as; then the run is a background job (`job`) that any
//! instance may pick up and resume, and that can be cancelled and undone.

pub mod api;
#[cfg(feature = "ssr")]
pub mod csv_in;
#[cfg(feature = "ssr")]
pub mod job;
#[cfg(feature = "ssr")]
pub mod mapping;
pub mod page;
#[cfg(feature = "ssr")]
pub mod values;

pub use api::*;

use crate::error::FieldError;
use crate::records::{RecordKind, RecordLink};
use serde::{Deserialize, Serialize};

/// What to do with a row that is the same as an existing record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// Leave the record alone.
    Skip,
    /// Fill the record's empty fields only.
    #[default]
    Fill,
    /// Replace the record's fields with the file's (empty cells leave a
    /// field alone).
    Overwrite,
    /// Create a new record all the same.
    Create,
}

impl DuplicatePolicy {
    pub const ALL: [DuplicatePolicy; 4] = [
        DuplicatePolicy::Fill,
        DuplicatePolicy::Overwrite,
        DuplicatePolicy::Skip,
        DuplicatePolicy::Create,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DuplicatePolicy::Skip => "skip",
            DuplicatePolicy::Fill => "fill",
            DuplicatePolicy::Overwrite => "overwrite",
            DuplicatePolicy::Create => "create",
        }
    }

    pub fn parse(s: &str) -> Option<DuplicatePolicy> {
        DuplicatePolicy::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Uploaded; its mapping is being chosen.
    Draft,
    /// Waiting for an instance to run it.
    Queued,
    Running,
    Done,
    Cancelled,
    Failed,
    Undone,
}

impl ImportStatus {
    pub fn parse(s: &str) -> ImportStatus {
        match s {
            "queued" => ImportStatus::Queued,
            "running" => ImportStatus::Running,
            "done" => ImportStatus::Done,
            "cancelled" => ImportStatus::Cancelled,
            "failed" => ImportStatus::Failed,
            "undone" => ImportStatus::Undone,
            _ => ImportStatus::Draft,
        }
    }

    /// Still moving: the page polls it.
    pub fn is_active(self) -> bool {
        matches!(self, ImportStatus::Queued | ImportStatus::Running)
    }
}

/// One import, as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i64,
    pub kind: RecordKind,
    pub file_name: String,
    pub encoding: String,
    pub delimiter: String,
    pub headers: Vec<String>,
    /// Per column: the field it fills, `""` for none.
    pub mapping: Vec<String>,
    pub on_duplicate: DuplicatePolicy,
    /// Whether rows are matched against records already there (not for
    /// interactions: each row is a new one).
    pub matches: bool,
    pub status: ImportStatus,
    pub total_rows: i32,
    pub done_rows: i32,
    pub created: i32,
    pub updated: i32,
    pub skipped: i32,
    pub refused: i32,
    /// Seconds since the run started (for the estimate), if it has.
    pub elapsed_secs: Option<i64>,
    /// Whether "Undo the import" is still offered (a week after it ended).
    pub can_undo: bool,
    pub created_by_name: String,
    pub created_at: String,
}

/// A line of the list of imports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: i64,
    pub kind: RecordKind,
    pub file_name: String,
    pub status: ImportStatus,
    pub total_rows: i32,
    pub done_rows: i32,
    pub created_at: String,
    pub created_by_name: String,
}

/// One row of the file as it will be saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: u64,
    /// The row's cells, one per column of the file.
    pub cells: Vec<String>,
    /// What the form's checks say of its values (empty: it will be saved).
    pub problems: Vec<FieldError>,
    /// The existing record it is the same as, if any.
    pub same_as: Option<RecordLink>,
}

/// A row handled otherwise than the import's duplicate policy says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowChoice {
    /// The row's line in the file.
    pub line: u64,
    pub policy: DuplicatePolicy,
}

/// The rows of the file that are the same as an existing record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRows {
    /// The first [`MAX_DUPLICATE_ROWS`] of them, in file order.
    pub rows: Vec<PreviewRow>,
    /// How many the file has in all.
    pub total: u64,
}

/// How many rows the duplicates step lists (each may be handled on its
/// own; the others follow the import's choice).
pub const MAX_DUPLICATE_ROWS: usize = 500;

/// How many rows of the file the preview shows.
pub const PREVIEW_ROWS: usize = 20;
/// The largest file accepted (a million rows of a wide export).
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;
