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

mod api;
#[cfg(feature = "ssr")]
pub mod content;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod storage;

pub use api::*;

use crate::error::FieldError;
use crate::i18n::*;
use crate::validate::Checks;
use serde::{Deserialize, Serialize};

/// The kinds of document, in this order in forms.
pub const DOC_TYPES: &[&str] = &["document", "cv", "contract", "other"];

/// The kinds of record a document may be attached to.
pub const RECORD_TYPES: &[&str] = &["company", "person", "deal", "interaction", "enrolment"];

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

/// One line of the *Documents* list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DocumentRow {
    pub id: i64,
    pub version: i32,
    pub title: String,
    pub doc_type: String,
    pub record_type: String,
    pub record_id: i64,
    pub record_name: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub current_version: i32,
    pub owner_name: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub tags: Vec<String>,
    /// The day of `updated_at` in the reader's time zone (`YYYY-MM-DD`).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub updated_day: String,
}

impl crate::ui::list::ListRow for DocumentRow {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i32 {
        self.version
    }
}

/// A size in bytes as people read it: "980 B", "12.4 KB", "3.1 MB".
pub fn human_size(bytes: i64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

/// Where version `n` of document `id` is downloaded (`inline`: shown by
/// the browser, for the types it may preview).
pub fn file_href(id: i64, n: i32, inline: bool) -> String {
    if inline {
        format!("/files/{id}/{n}?inline=1")
    } else {
        format!("/files/{id}/{n}")
    }
}

/// What shared code (history, search, trash, inline edits, export) knows
/// of documents: see `crate::records::kind`.
pub static KIND: crate::records::kind::Descriptor = crate::records::kind::Descriptor {
    kind: crate::records::RecordKind::Document,
    record_type: "document",
    table: "documents",
    base: "/documents",
    singular: |l| td_string!(l, document.singular),
    plural: |l| td_string!(l, nav.documents),
    field_label,
    editable: {
        use crate::records::edit::FieldRule;
        &[("title", FieldRule::Name)]
    },
    importable: &[],
    quick_actions: None,
    #[cfg(feature = "ssr")]
    name_sql: "r.title",
    #[cfg(feature = "ssr")]
    prefix_keys: &["r.sort_name"],
    #[cfg(feature = "ssr")]
    detail_sql: "r.file_name",
    #[cfg(feature = "ssr")]
    email_match_sql: None,
    #[cfg(feature = "ssr")]
    phone_match_sql: None,
    #[cfg(feature = "ssr")]
    trashed_with_sql: "",
    #[cfg(feature = "ssr")]
    import: None,
    quality: None,
    merge_links: None,
    #[cfg(feature = "ssr")]
    list: &api::LIST,
    #[cfg(feature = "ssr")]
    export: api::EXPORT,
};

/// The labels of documents' own fields.
fn field_label(l: Locale, field: &str) -> Option<&'static str> {
    Some(match field {
        "title" => td_string!(l, document.title),
        "doc_type" => td_string!(l, document.doc_type),
        "file_name" => td_string!(l, document.file_name),
        "current_version" => td_string!(l, document.versions),
        "record_type" | "record_name" => td_string!(l, document.attached_to),
        "size" => td_string!(l, document.size_bytes),
        "content_type" => td_string!(l, document.content_type),
        _ => return None,
    })
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
