//! Documents' files over HTTP (plain routes: a file is a streamed body,
//! not a server function's JSON argument):
//!
//! - `POST /files/upload?record_type=&record_id=&doc_type=&title=&file_name=`
//!   with the file as the raw body: a new document, version 1;
//! - `POST /files/{id}/replace?file_name=`: its next version (the earlier
//!   ones stay);
//! - `GET /files/{id}/{n}[?inline=1]`: version `n`, as an attachment —
//!   inline only for the preview types (`app::documents::PREVIEW_TYPES`).
//!
//! Each starts with the session's user, then asks `app::access` about the
//! record the document is attached to (see to download, change to upload).
//! The body is streamed to the store, counted against the limit as it
//! comes; a file refused leaves no row and no object. The content type
//! served is the one the server decided from the bytes, with `nosniff` and
//! a sandboxing policy, so an uploaded HTML or SVG file never runs in this
//! origin. Every download is an audit entry on the attached record.

use crate::export::{address, current_user};
use app::access::May;
use app::auth::CurrentUser;
use app::documents::storage::{Storage, StoreError, Stored};
use app::documents::{self, DocumentInput, content, db};
use app::error::{AppError, BadRequest, FieldError, FieldProblem};
use app::records::RecordKind;
use app::ssr::idempotency::Claim;
use app::ssr::{ServerSettings, audit};
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use tower_sessions::Session;

/// Whether `path` is one of the routes that take a file as their body
/// (`security::requests` lets them past the JSON rules).
pub fn is_upload_path(path: &str) -> bool {
    if path == "/files/upload" {
        return true;
    }
    path.strip_prefix("/files/")
        .and_then(|rest| rest.strip_suffix("/replace"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// An error as JSON, with the status its kind has everywhere else.
fn refuse(err: AppError) -> Response {
    let value = serde_json::to_value(&err).unwrap_or_default();
    let status = match &err {
        AppError::Invalid { fields }
            if fields
                .iter()
                .any(|f| matches!(f.problem, FieldProblem::TooLarge { .. })) =>
        {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        _ => crate::statuses::status_of(&value).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn field(field: &str, problem: FieldProblem) -> AppError {
    AppError::invalid(vec![FieldError {
        field: field.into(),
        problem,
    }])
}

fn too_large(files: &Storage) -> AppError {
    field(
        "file",
        FieldProblem::TooLarge {
            max_mb: files.limit_mb(),
        },
    )
}

/// The refusal of a declared `Content-Length` above the limit, before a
/// byte of the body is read.
fn declared_too_large(parts: &Parts, files: &Storage) -> bool {
    parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|len| len > files.limit())
}

/// The file name the browser gave, checked (never used to store the file).
fn file_name_of(query: &HashMap<String, String>) -> Result<String, AppError> {
    let name = query
        .get("file_name")
        .map(|n| n.trim().to_string())
        .unwrap_or_default();
    let problems = documents::check_file_name(&name);
    if problems.is_empty() {
        Ok(name)
    } else {
        Err(AppError::invalid(problems))
    }
}

/// Streams the body to a new key of document `id`; the file as the
/// database will keep it.
async fn store(
    files: &Storage,
    id: i64,
    file_name: String,
    body: Body,
) -> Result<db::NewFile, AppError> {
    let key = Storage::new_key(id);
    let stored: Stored = match files.put_stream(&key, body.into_data_stream()).await {
        Ok(stored) => stored,
        Err(StoreError::TooLarge) => return Err(too_large(files)),
        Err(StoreError::Empty) => return Err(field("file", FieldProblem::Required)),
        Err(StoreError::Interrupted) => return Err(AppError::bad_request(BadRequest::Arguments)),
        Err(StoreError::Store(e)) => {
            tracing::error!(error = %e, "documents: the store refused a file");
            return Err(AppError::Unavailable);
        }
    };
    Ok(db::NewFile {
        content_type: stored.content_type(&file_name).to_string(),
        storage_key: key,
        file_name,
        size: stored.size as i64,
        sha256: stored.sha256,
    })
}

/// What the rows of a stored file are.
enum Rows<'a> {
    /// A new document on record `record_id` of `kind`.
    New {
        id: i64,
        on: (RecordKind, i64),
        input: &'a DocumentInput,
    },
    /// The next version of document `id`.
    Version { id: i64 },
}

/// Writes the rows of a stored file in one transaction as `user`; if that
/// fails, the file is removed again.
async fn commit(
    pool: &PgPool,
    files: &Storage,
    (user, parts): (&CurrentUser, &Parts),
    address: &str,
    file: &db::NewFile,
    rows: Rows<'_>,
) -> Response {
    // A keyed request (`Idempotency-Key`) writes its key with the rows: a
    // repeat stops here, its file is removed, and the layer answers as
    // the first time.
    let claim = parts.extensions.get::<Arc<Claim>>();
    let written = async {
        let mut tx = db::begin_from(pool, user.id, address, claim).await?;
        let doc = match rows {
            Rows::New { id, on, input } => db::create(&mut tx, user, id, on, input, file).await?,
            Rows::Version { id } => db::add_version(&mut tx, user, id, file).await?,
        };
        tx.commit().await?;
        Ok::<_, AppError>(doc)
    }
    .await;
    match written {
        Ok(doc) => (StatusCode::CREATED, axum::Json(doc)).into_response(),
        Err(e) => {
            if let Err(gone) = files.delete(&file.storage_key).await {
                tracing::warn!(error = %gone, key = %file.storage_key, "documents: file of a refused upload left in the store");
            }
            refuse(e)
        }
    }
}

/// `POST /files/upload?…`: a new document on a record, its file the body.
pub async fn upload(
    State(pool): State<PgPool>,
    State(files): State<Storage>,
    State(settings): State<ServerSettings>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let user = match current_user(&pool, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let (parts, body) = req.into_parts();
    let file_name = match file_name_of(&query) {
        Ok(name) => name,
        Err(e) => return refuse(e),
    };
    let get = |k: &str| {
        query
            .get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let input = DocumentInput {
        doc_type: match get("doc_type") {
            t if t.is_empty() => "document".into(),
            t => t,
        },
        // A file uploaded without a title is called by its name.
        title: match get("title") {
            t if t.is_empty() => file_name.clone(),
            t => t,
        },
    };
    let mut problems = input.check();
    let kind = RecordKind::parse(&get("record_type"))
        .filter(|k| documents::RECORD_TYPES.contains(&k.as_str()));
    if kind.is_none() {
        problems.push(FieldError {
            field: "record_type".into(),
            problem: FieldProblem::InvalidChoice,
        });
    }
    let record_id = get("record_id").parse::<i64>().ok();
    if record_id.is_none() {
        problems.push(FieldError {
            field: "record_id".into(),
            problem: FieldProblem::InvalidNumber,
        });
    }
    let (Some(kind), Some(record_id), true) = (kind, record_id, problems.is_empty()) else {
        return refuse(AppError::invalid(problems));
    };
    if let Err(e) = app::access::ssr::ensure(&pool, &user, kind, record_id, May::Change).await {
        return refuse(e);
    }
    if declared_too_large(&parts, &files) {
        return refuse(too_large(&files));
    }
    let id = match db::new_id(&pool).await {
        Ok(id) => id,
        Err(e) => return refuse(e),
    };
    let file = match store(&files, id, file_name, body).await {
        Ok(file) => file,
        Err(e) => return refuse(e),
    };
    let address = address(&settings, &parts);
    let rows = Rows::New {
        id,
        on: (kind, record_id),
        input: &input,
    };
    commit(&pool, &files, (&user, &parts), &address, &file, rows).await
}

/// `POST /files/{id}/replace?file_name=…`: the document's next version.
pub async fn replace(
    State(pool): State<PgPool>,
    State(files): State<Storage>,
    State(settings): State<ServerSettings>,
    session: Session,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let user = match current_user(&pool, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    if let Err(e) = db::ensure(&pool, &user, id, May::Change).await {
        return refuse(e);
    }
    let (parts, body) = req.into_parts();
    let file_name = match file_name_of(&query) {
        Ok(name) => name,
        Err(e) => return refuse(e),
    };
    if declared_too_large(&parts, &files) {
        return refuse(too_large(&files));
    }
    let file = match store(&files, id, file_name, body).await {
        Ok(file) => file,
        Err(e) => return refuse(e),
    };
    let address = address(&settings, &parts);
    commit(
        &pool,
        &files,
        (&user, &parts),
        &address,
        &file,
        Rows::Version { id },
    )
    .await
}

/// `GET /files/{id}/{n}[?inline=1]`: version `n` of document `id`.
pub async fn download(
    State(pool): State<PgPool>,
    State(files): State<Storage>,
    State(settings): State<ServerSettings>,
    session: Session,
    Path((id, n)): Path<(i64, i32)>,
    Query(query): Query<HashMap<String, String>>,
    parts: Parts,
) -> Response {
    let user = match current_user(&pool, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let version = match db::version_to_read(&pool, &user, id, n).await {
        Ok(v) => v,
        Err(e) => return refuse(e),
    };
    // Reading a document is reading its record (a person's CV is
    // personal data): written on the record, before a byte is sent.
    if let Err(e) = audit::record_from(
        &pool,
        &user,
        &address(&settings, &parts),
        audit::action::VIEW,
        Some((version.record_type.as_str(), version.record_id)),
        &format!("document {id} version {n} ({})", version.doc_type),
    )
    .await
    {
        return refuse(e);
    }
    let opened = match files.open(&version.storage_key).await {
        Ok(opened) => opened,
        Err(e) => {
            tracing::error!(error = %e, key = %version.storage_key, "documents: a stored file cannot be read");
            return refuse(AppError::Unavailable);
        }
    };
    // Only the types the server itself decided, and of those only the
    // preview ones, may be shown in the browser; never the stored type
    // as is if it is anything else.
    let content_type = if documents::may_preview(&version.content_type) {
        version.content_type.as_str()
    } else {
        documents::OCTET_STREAM
    };
    let inline =
        query.get("inline").is_some_and(|v| v == "1") && documents::may_preview(content_type);
    let mut resp = Body::from_stream(opened.bytes).into_response();
    let h = resp.headers_mut();
    let values = [
        (header::CONTENT_TYPE, content_type.to_string()),
        (
            header::CONTENT_DISPOSITION,
            content::disposition(inline, &version.file_name),
        ),
        (header::CONTENT_LENGTH, opened.size.to_string()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'".into(),
        ),
        (header::CACHE_CONTROL, "private, no-store".into()),
    ];
    for (name, value) in values {
        match HeaderValue::from_str(&value) {
            Ok(v) => {
                h.insert(name, v);
            }
            Err(_) => return refuse(AppError::server("documents: an unrepresentable header")),
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::is_upload_path;

    #[test]
    fn only_the_two_upload_routes_take_a_file() {
        assert!(is_upload_path("/files/upload"));
        assert!(is_upload_path("/files/12/replace"));
        for other in [
            "/files/12/1",
            "/files//replace",
            "/files/1x/replace",
            "/files/12/replace/more",
            "/files/upload/x",
            "/api/files/upload",
        ] {
            assert!(!is_upload_path(other), "{other}");
        }
    }
}
