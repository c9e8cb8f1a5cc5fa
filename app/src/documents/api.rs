//! Server functions of documents: the *Documents* list (and its CV view),
//! a record's documents, one document with its versions, rename / retype,
//! the trash. Files themselves go up and down by the plain routes of
//! `server/src/documents.rs`. Every function starts with `require`, then
//! asks `access` (a document's rules are its record's).

use super::{Document, DocumentInput, DocumentRow, DocumentVersion};
use crate::error::AppResult;
use crate::records::RecordKind;
use crate::ui::list::{ListQuery, Page};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    super::{DOC_TYPES, RECORD_TYPES},
    crate::access::{May, ssr::ensure},
    crate::auth::Role,
    crate::error::AppError,
    crate::i18n::td_string,
    crate::ssr::export::ExportColumn,
    crate::ssr::list_sql::{Day, Field, ListSpec, Sort},
    crate::ssr::{guard::require, pool, records},
    crate::ui::list::ValueKind,
    sqlx::AssertSqlSafe,
};

/// SQL of the name of the record the document aliased `dc` is attached to.
#[cfg(feature = "ssr")]
macro_rules! attached_name_sql {
    () => {
        concat!(
            "CASE dc.record_type
           WHEN 'company' THEN (SELECT a.name FROM companies a WHERE a.id = dc.record_id)
           WHEN 'person' THEN (SELECT trim(coalesce(a.first_name, '') || ' ' || a.last_name) FROM persons a WHERE a.id = dc.record_id)
           WHEN 'deal' THEN (SELECT a.name FROM deals a WHERE a.id = dc.record_id)
           WHEN 'interaction' THEN (SELECT a.subject FROM interactions a WHERE a.id = dc.record_id)
           WHEN 'enrolment' THEN (SELECT concat_ws(' · ', ",
            crate::programmes::enrolments::subject_sql!("a"),
            ", pg.name) FROM enrolments a JOIN programmes pg ON pg.id = a.programme_id WHERE a.id = dc.record_id)
         END"
        )
    };
}

/// The *Documents* list (the *CV* module is it filtered on type CV).
#[cfg(feature = "ssr")]
pub const LIST: ListSpec = ListSpec {
    table: "documents dc",
    alias: "dc",
    kind: RecordKind::Document,
    joins: "LEFT JOIN users o ON o.id = dc.owner_id",
    select: concat!(
        "dc.id, dc.version, dc.title, dc.doc_type, dc.record_type::text AS record_type, dc.record_id,
         coalesce(",
        attached_name_sql!(),
        ", '') AS record_name, dc.file_name, dc.content_type, dc.size, dc.current_version,
         coalesce(o.name, '') AS owner_name, dc.updated_at"
    ),
    days: &[Day { expr: "dc.updated_at", alias: "updated_day" }],
    filter: "dc.deleted_at IS NULL",
    search: "dc.search_text",
    owner: "dc.owner_id",
    sorts: &[
        Sort { key: "updated_at", expr: "dc.updated_at", ty: "timestamptz" },
        Sort { key: "title", expr: "dc.sort_name", ty: "text" },
        Sort { key: "size", expr: "dc.size", ty: "bigint" },
    ],
    fields: &[
        Field { key: "title", expr: "dc.title", kind: ValueKind::Text },
        Field { key: "doc_type", expr: "dc.doc_type", kind: ValueKind::Choice(DOC_TYPES) },
        Field { key: "record_type", expr: "dc.record_type::text", kind: ValueKind::Choice(RECORD_TYPES) },
        Field { key: "record_name", expr: concat!("(", attached_name_sql!(), ")"), kind: ValueKind::Text },
        Field { key: "file_name", expr: "dc.file_name", kind: ValueKind::Text },
        Field { key: "owner", expr: "dc.owner_id", kind: ValueKind::Owner },
        Field { key: "tags", expr: "", kind: ValueKind::Tag },
        Field { key: "updated_at", expr: "dc.updated_at", kind: ValueKind::Moment },
    ],
};

#[cfg(feature = "ssr")]
pub const EXPORT: &[ExportColumn] = &[
    ExportColumn {
        sql: "dc.id::text",
        header: |l| td_string!(l, export.id).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "dc.title",
        header: |l| td_string!(l, document.title).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "dc.doc_type",
        header: |l| td_string!(l, document.doc_type).to_string(),
        value: Some(|l, v| super::type_label(l, v).to_string()),
    },
    ExportColumn {
        sql: attached_name_sql!(),
        header: |l| td_string!(l, document.attached_to).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "dc.file_name",
        header: |l| td_string!(l, document.file_name).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "dc.size::text",
        header: |l| td_string!(l, document.size_bytes).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "dc.current_version::text",
        header: |l| td_string!(l, document.versions).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "o.name",
        header: |l| td_string!(l, common.owner).to_string(),
        value: None,
    },
    ExportColumn {
        sql: "to_char(dc.updated_at, 'YYYY-MM-DD HH24:MI')",
        header: |l| td_string!(l, common.updated).to_string(),
        value: None,
    },
];

#[server(prefix = "/api/documents", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_documents(query: ListQuery) -> AppResult<Page<DocumentRow>> {
    let user = require(Role::Member).await?;
    LIST.fetch(&pool()?, &query, user.id).await
}

/// The live documents of a record, newest first.
#[server(prefix = "/api/documents", endpoint = "of_record", input = server_fn::codec::Json)]
pub async fn record_documents(kind: RecordKind, id: i64) -> AppResult<Vec<Document>> {
    let user = require(Role::Member).await?;
    super::db::list_for(&pool()?, &user, kind, id).await
}

/// A document as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentDetail {
    pub document: Document,
    pub versions: Vec<DocumentVersion>,
    /// The record it is attached to.
    pub record_kind: RecordKind,
    pub record_name: String,
    /// Who uploaded each version, by id.
    pub uploaders: Vec<(i64, String)>,
    /// May replace, rename or trash it.
    pub may_change: bool,
}

#[server(prefix = "/api/documents", endpoint = "get", input = server_fn::codec::Json)]
pub async fn get_document(id: i64) -> AppResult<DocumentDetail> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let allowed = ensure(&pool, &user, RecordKind::Document, id, May::See).await?;
    let document: Document = sqlx::query_as(
        "SELECT id, record_type::text AS record_type, record_id, doc_type, title, current_version,
                file_name, content_type, size, owner_id, version, created_at, updated_at
         FROM documents WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let versions = super::db::versions(&pool, &user, id).await?;
    let record_kind = RecordKind::parse(&document.record_type).ok_or(AppError::NotFound)?;
    let record_name: String = sqlx::query_scalar(AssertSqlSafe(concat!(
        "SELECT coalesce(",
        attached_name_sql!(),
        ", '') FROM documents dc WHERE dc.id = $1"
    )))
    .bind(id)
    .fetch_one(&pool)
    .await?;
    let uploaders = sqlx::query_as(
        "SELECT DISTINCT u.id, u.name FROM document_versions v JOIN users u ON u.id = v.uploaded_by
         WHERE v.document_id = $1",
    )
    .bind(id)
    .fetch_all(&pool)
    .await?;
    Ok(DocumentDetail {
        document,
        versions,
        record_kind,
        record_name,
        uploaders,
        may_change: allowed.change,
    })
}

/// Renames and retypes a document read at `version`; its id.
#[server(prefix = "/api/documents", endpoint = "save", input = server_fn::codec::Json)]
pub async fn save_document(id: i64, version: i32, input: DocumentInput) -> AppResult<i64> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    ensure(&pool, &user, RecordKind::Document, id, May::Change).await?;
    let mut tx = records::begin_as(&pool, user.id).await?;
    super::db::update(&mut tx, &user, (id, version), &input).await?;
    tx.commit().await?;
    Ok(id)
}

#[server(prefix = "/api/documents", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_document(id: i64, version: i32) -> AppResult<()> {
    let user = require(Role::Member).await?;
    records::soft_delete(&pool()?, &user, RecordKind::Document, id, version).await
}
