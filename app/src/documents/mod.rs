//! Documents (issue 18): files attached to a company, person, deal or
//! interaction, each with a type and a title, kept in versions (a
//! replacement is a new version; the earlier ones stay downloadable).
//!
//! The shared half (types, checks, labels) is here; the server half is
//! `storage` (the object store: local disk or S3, streamed, server-made
//! keys), `content` (the content type the *server* decides from the bytes)
//! and `db` (the rows). The upload and download routes are plain axum
//! routes (`server/src/documents.rs`), not server functions: a file is a
//! streamed body, not a JSON argument.
//!
//! Access is the attached record's (`app::access`): seeing a document is
//! seeing its record, uploading or replacing one is changing it.

#[cfg(feature = "ssr")]
pub mod content;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod storage;

use crate::error::FieldError;
use crate::i18n::*;
use crate::validate::Checks;
use serde::{Deserialize, Serialize};

/// The kinds of document, in this order in forms.
pub const DOC_TYPES: &[&str] = &["document", "cv", "contract", "other"];

/// The kinds of record a document may be attached to.
pub const RECORD_TYPES: &[&str] = &["company", "person", "deal", "interaction"];

/// The content types a browser is allowed to show inline (the preview):
/// nothing that can run script. Every other file is served as
/// `application/octet-stream`, as an attachment.
pub const PREVIEW_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain; charset=utf-8",
];

/// What every file that is not one of [`PREVIEW_TYPES`] is served as.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// The upload limit when `RELAIS_UPLOAD_LIMIT_MB` is not set.
pub const DEFAULT_LIMIT_MB: u64 = 25;

/// Whether a file of this (server-decided) content type may be previewed.
pub fn may_preview(content_type: &str) -> bool {
    PREVIEW_TYPES.contains(&content_type)
}

/// A document, as a record's list of documents shows it: its current
/// version's file name, type and size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Document {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub doc_type: String,
    pub title: String,
    /// The number of the latest version (1 for a file never replaced).
    pub current_version: i32,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub owner_id: Option<i64>,
    /// The row's version, for optimistic concurrency (rename, retype).
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// One version of a document's file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DocumentVersion {
    pub document_id: i64,
    pub n: i32,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

/// What describes a document besides its file: the upload's query and
/// the rename / retype form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentInput {
    pub doc_type: String,
    pub title: String,
}

impl DocumentInput {
    /// The checks of the browser's form and of the server, the same.
    pub fn check(&self) -> Vec<FieldError> {
        let mut c = Checks::new();
        c.required("title", &self.title).line("title", &self.title);
        c.required("doc_type", &self.doc_type)
            .choice("doc_type", &self.doc_type, DOC_TYPES);
        c.errors().to_vec()
    }
}

/// The checks of an uploaded file's name (as the browser gives it; it is
/// shown and offered back on download, never used to store the file).
pub fn check_file_name(name: &str) -> Vec<FieldError> {
    let mut c = Checks::new();
    c.required("file_name", name).line("file_name", name);
    c.errors().to_vec()
}

/// "Document", "CV", "Contract", "Other" in `l`.
pub fn type_label(l: Locale, doc_type: &str) -> &'static str {
    match doc_type {
        "cv" => td_string!(l, document.type_cv),
        "contract" => td_string!(l, document.type_contract),
        "other" => td_string!(l, document.type_other),
        _ => td_string!(l, document.type_document),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldProblem;

    #[test]
    fn a_document_needs_a_title_of_one_line_and_a_known_type() {
        let ok = DocumentInput {
            doc_type: "cv".into(),
            title: "CV 2026".into(),
        };
        assert!(ok.check().is_empty());
        let long = DocumentInput {
            doc_type: "poster".into(),
            title: "x".repeat(256),
        };
        let problems = long.check();
        assert_eq!(problems[0].field, "title");
        assert!(matches!(problems[0].problem, FieldProblem::TooLong { .. }));
        assert_eq!(problems[1].field, "doc_type");
        assert_eq!(problems[1].problem, FieldProblem::InvalidChoice);
        assert_eq!(check_file_name("")[0].problem, FieldProblem::Required);
    }

    #[test]
    fn only_safe_types_preview() {
        assert!(may_preview("application/pdf"));
        assert!(may_preview("text/plain; charset=utf-8"));
        for t in [
            "text/html",
            "image/svg+xml",
            "application/xml",
            OCTET_STREAM,
        ] {
            assert!(!may_preview(t), "{t}");
        }
    }
}
