//! Imports' plain routes and their runner: `POST /import/upload` (the
//! upload form: `kind`, then `file`; the file is streamed into PostgreSQL
//! as it arrives, then the browser goes to the import's page),
//! `GET /import/{id}/refused.csv`, and the background task that runs
//! queued imports (`app::import::job`) on every instance.

use crate::export::{current_user, error};
use app::auth::Role;
use app::error::{AppError, FieldProblem};
use app::import::api::ssr as import;
use app::records::RecordKind;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use std::time::Duration;
use tower_sessions::Session;

/// Where the upload form goes back to when the file is refused: the
/// problem's code, which the page words.
fn refused(problem: &str) -> Response {
    Redirect::to(&format!("/import?error={problem}")).into_response()
}

pub async fn upload(State(pool): State<PgPool>, session: Session, mut form: Multipart) -> Response {
    let user = match current_user(&pool, &session).await {
        Ok(user) if user.role.includes(Role::Manager) => user,
        Ok(_) => return refused("forbidden"),
        Err(response) => return response,
    };
    let mut kind = RecordKind::Person;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return refused("required"),
            Err(_) => return refused("unreadable"),
        };
        match field.name() {
            Some("kind") => {
                if let Some(k) = field.text().await.ok().and_then(|k| RecordKind::parse(&k)) {
                    kind = k;
                }
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("import.csv").to_string();
                return match import::store(&pool, &user, kind, &name, Box::pin(field)).await {
                    Ok(id) => Redirect::to(&format!("/import/{id}")).into_response(),
                    Err(AppError::Invalid { fields }) => {
                        refused(match fields.first().map(|f| f.problem) {
                            Some(FieldProblem::TooLong { .. }) => "too_long",
                            Some(FieldProblem::Required) => "required",
                            _ => "unreadable",
                        })
                    }
                    Err(AppError::Forbidden) => refused("forbidden"),
                    Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, &e),
                };
            }
            _ => {}
        }
    }
}

/// `GET /import/{id}/refused.csv`: the rows refused, with why.
pub async fn refused_csv(
    State(pool): State<PgPool>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    let user = match current_user(&pool, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    if let Err(e) = import::ensure_import(&pool, &user, id).await {
        let status = match e {
            AppError::NotFound => StatusCode::NOT_FOUND,
            _ => StatusCode::FORBIDDEN,
        };
        return error(status, &e);
    }
    match import::refused_csv(&pool, &user, id).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"import-{id}-refused.csv\""),
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, &e),
    }
}

/// Runs queued imports for good on this instance: whenever one is started
/// (PostgreSQL `NOTIFY imports`) or `every` has passed (to take over one
/// whose instance stopped).
pub fn spawn(pool: PgPool, every: Duration) {
    let worker = format!("{}-{}", std::process::id(), rand::random::<u32>());
    tokio::spawn(async move {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut l) => l.listen("imports").await.ok().map(|()| l),
            Err(_) => None,
        };
        if listener.is_none() {
            tracing::warn!("imports: cannot listen for new imports; polling only");
        }
        let mut closed = pool.close_event();
        loop {
            if let Err(e) = app::import::job::run_pending(&pool, &worker).await {
                tracing::warn!(error = ?e, "imports: a pass failed");
            }
            let wait = async {
                match listener.as_mut() {
                    Some(l) => {
                        let _ = tokio::time::timeout(every, l.recv()).await;
                    }
                    None => tokio::time::sleep(every).await,
                }
            };
            tokio::select! {
                _ = &mut closed => break,
                _ = wait => {}
            }
        }
    });
}
