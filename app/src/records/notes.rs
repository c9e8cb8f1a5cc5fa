//! Notes: text attached to records, written by a user. They show on the
//! timeline of every record they are attached to.

use super::RecordKind;
use crate::error::{AppError, AppResult};
#[cfg(feature = "ssr")]
use crate::error::{FieldError, FieldProblem};
use crate::i18n::*;
use crate::ui::erase::Erase;
use crate::ui::feedback::ErrorBanner;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::access::{May, ssr as access},
    crate::auth::Role,
    crate::ssr::records::begin_as,
    crate::ssr::{guard::require, pool},
};

pub const MAX_NOTE: usize = 20_000;

/// Adds a note to a record; returns its id.
#[server(prefix = "/api/notes", endpoint = "add", input = server_fn::codec::Json)]
pub async fn add_note(kind: RecordKind, id: i64, body: String, pinned: bool) -> AppResult<i64> {
    let user = require(Role::Member).await?;
    let body = body.trim().to_string();
    if body.is_empty() || body.chars().count() > MAX_NOTE {
        return Err(AppError::invalid(vec![FieldError {
            field: "body".into(),
            problem: if body.is_empty() {
                FieldProblem::Required
            } else {
                FieldProblem::TooLong { max: MAX_NOTE }
            },
        }]));
    }
    let pool = pool()?;
    let mut tx = begin_as(&pool, user.id).await?;
    access::ensure(&mut *tx, &user, kind, id, May::See).await?;
    let note: i64 = sqlx::query_scalar(
        "INSERT INTO notes (body, pinned, author_id) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&body)
    .bind(pinned)
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO note_links (note_id, record_type, record_id) VALUES ($1, $2, $3)")
        .bind(note)
        .bind(kind.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(note)
}

/// Deletes a note: its author may, and an admin — on a record they may see.
#[server(prefix = "/api/notes", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_note(id: i64) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let note: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT n.author_id, l.record_type::text, l.record_id FROM notes n
         JOIN note_links l ON l.note_id = n.id
         WHERE n.id = $1 AND n.deleted_at IS NULL LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&pool)
    .await?;
    let Some((author, record_type, record_id)) = note else {
        return Err(AppError::NotFound);
    };
    let kind = RecordKind::parse(&record_type).ok_or(AppError::NotFound)?;
    access::ensure(&pool, &user, kind, record_id, May::See).await?;
    if author != user.id && user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    sqlx::query("UPDATE notes SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL")
        .bind(id)
        .execute(&pool)
        .await?;
    Ok(())
}

/// The "add a note" box of a record page; `on_added` runs after a save.
#[component]
pub fn NoteComposer(kind: RecordKind, id: i64, on_added: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(move |text: &String| {
        let text = text.clone();
        async move { add_note(kind, id, text, false).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => {
            body.set(String::new());
            error.set(None);
            on_added.run(());
        }
        // Kept on this device: shown below as waiting to sync.
        Some(Err(AppError::Queued)) => {
            body.set(String::new());
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <form
            class="note-composer"
            on:submit=move |ev| {
                ev.prevent_default();
                let text = body.get_untracked();
                if text.trim().is_empty() {
                    error.set(Some(AppError::invalid(vec![crate::error::FieldError {
                        field: "body".into(),
                        problem: crate::error::FieldProblem::Required,
                    }])));
                } else {
                    save.dispatch(text);
                }
            }
        >
            <label class="visually-hidden" for="note-body">
                {move || t_string!(i18n, record.add_note).to_string()}
            </label>
            <textarea
                id="note-body"
                name="body"
                rows="2"
                maxlength=MAX_NOTE.to_string()
                placeholder=move || t_string!(i18n, record.note_placeholder).to_string()
                prop:value=move || body.get()
                on:input=move |ev| body.set(event_target_value(&ev))
            ></textarea>
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {move || t_string!(i18n, record.add_note).to_string()}
            </button>
            <ErrorBanner error=error />
        </form>
        <crate::pwa::PendingHere kind=kind id=id />
    }
    .erase()
}
