//! Notes: text attached to records, written by a user. They show on the
//! timeline of every record they are attached to.

use super::RecordKind;
use crate::error::{AppError, AppResult};
#[cfg(feature = "ssr")]
use crate::error::{FieldError, FieldProblem};
use crate::i18n::*;
use crate::ui::feedback::ErrorBanner;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::ssr::ensure_live,
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
    ensure_live(&mut *tx, kind, id).await?;
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

/// Deletes a note: its author may, and an admin.
#[server(prefix = "/api/notes", endpoint = "delete", input = server_fn::codec::Json)]
pub async fn delete_note(id: i64) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let done = sqlx::query(
        "UPDATE notes SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL AND (author_id = $2 OR $3)",
    )
    .bind(id)
    .bind(user.id)
    .bind(user.role == Role::Admin)
    .execute(&pool()?)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
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
    .into_any()
}
