//! The trash: deleted records, newest first, which an admin can restore.

use super::{RecordKind, RecordLink};
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::ErrorBanner;
use crate::ui::resource::resource;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::ssr::{guard::require, pool, records},
    sqlx::{AssertSqlSafe, Row},
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrashItem {
    pub link: RecordLink,
    pub version: i32,
    pub deleted_at: DateTime<Utc>,
    /// `deleted_at` in the reader's zone, `YYYY-MM-DD HH:MM`.
    pub deleted_local: String,
    pub deleted_by: String,
    /// Someone's private interaction: its subject is not the admin's to
    /// read (`name` is empty), though it may be restored.
    pub private: bool,
}

/// The 50 most recently deleted records of a kind, or those deleted
/// before `before` (the last item of the previous page).
#[server(prefix = "/api/trash", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_trash(
    kind: RecordKind,
    before: Option<(DateTime<Utc>, i64)>,
) -> AppResult<Vec<TrashItem>> {
    let user = require(Role::Admin).await?;
    let (at, id) = before.unwrap_or((DateTime::<Utc>::MAX_UTC, i64::MAX));
    let see = crate::access::ssr::see_sql(kind, "r", "$3");
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT r.id, CASE WHEN coalesce({see}, false) THEN {name} ELSE '' END AS name,
                NOT coalesce({see}, false) AS private,
                r.version, r.deleted_at, coalesce(u.name, '') AS who
         FROM {table} r LEFT JOIN users u ON u.id = r.updated_by
         WHERE r.deleted_at IS NOT NULL AND (r.deleted_at, r.id) < ($1, $2)
         ORDER BY r.deleted_at DESC, r.id DESC LIMIT 50",
        name = kind.name_sql(),
        table = kind.module()
    )))
    .bind(at)
    .bind(id)
    .bind(user.id)
    .fetch_all(&pool()?)
    .await?;
    let tz = crate::ssr::zones::zone(&user.time_zone);
    rows.into_iter()
        .map(|r| {
            Ok(TrashItem {
                link: RecordLink {
                    kind,
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    detail: String::new(),
                },
                version: r.try_get("version")?,
                deleted_at: r.try_get("deleted_at")?,
                deleted_local: crate::ssr::zones::to_local(tz, r.try_get("deleted_at")?)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                deleted_by: r.try_get("who")?,
                private: r.try_get("private")?,
            })
        })
        .collect()
}

/// Takes a record out of the trash (admin only).
#[server(prefix = "/api/trash", endpoint = "restore", input = server_fn::codec::Json)]
pub async fn restore(kind: RecordKind, id: i64) -> AppResult<()> {
    let user = require(Role::Admin).await?;
    let pool = pool()?;
    let mut tx = records::begin_as(&pool, user.id).await?;
    let done = sqlx::query(AssertSqlSafe(format!(
        "UPDATE {} SET deleted_at = NULL, updated_by = $2, updated_at = now(), version = version + 1
         WHERE id = $1 AND deleted_at IS NOT NULL",
        kind.module()
    )))
    .bind(id)
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        tx.commit().await?;
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// How long after a delete its author may take it back themselves (later,
/// an admin restores from the trash).
pub const UNDO_MINUTES: i32 = 10;

/// The "Undo" of a delete: takes record `id` of `kind` out of the trash if
/// the caller put it there in the last [`UNDO_MINUTES`] and may delete it
/// (`access`); for an occurrence of a series, with the occurrences deleted
/// with it. Returns how many records came back.
#[server(prefix = "/api/trash", endpoint = "undo", input = server_fn::codec::Json)]
pub async fn undo_delete(kind: RecordKind, id: i64) -> AppResult<u64> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let allowed = crate::access::ssr::allowed_in_trash(&pool, &user, kind, id).await?;
    if !allowed.delete {
        return Err(AppError::Forbidden);
    }
    let mut tx = records::begin_as(&pool, user.id).await?;
    // The record, and what was deleted with it: for an interaction, the
    // other occurrences of its series trashed at the same instant.
    let together = kind.describe().trashed_with_sql;
    let done = sqlx::query(AssertSqlSafe(format!(
        "UPDATE {table} r SET deleted_at = NULL, updated_by = $2, updated_at = now(), version = r.version + 1
         WHERE (r.id = $1 {together}) AND r.deleted_at IS NOT NULL AND r.updated_by = $2
           AND r.deleted_at > now() - make_interval(mins => $3)",
        table = kind.module()
    )))
    .bind(id)
    .bind(user.id)
    .bind(UNDO_MINUTES)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        // Deleted by someone else, or too long ago: the trash's business.
        return Err(AppError::Forbidden);
    }
    tx.commit().await?;
    Ok(done)
}

#[component]
pub fn TrashPage() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(RecordKind::Company);
    let refresh = RwSignal::new(0u32);
    let items = resource(
        move || (kind.get(), refresh.get()),
        |(k, _)| list_trash(k, None),
    );
    let error = RwSignal::new(None::<AppError>);
    let undo = Action::new(move |(k, id): &(RecordKind, i64)| {
        let (k, id) = (*k, *id);
        async move {
            match restore(k, id).await {
                Ok(()) => refresh.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let tab = move |k: RecordKind| {
        let label = move || (k.describe().plural)(i18n.get_locale());
        view! {
            <button
                role="tab"
                class="tab"
                aria-selected=move || (kind.get() == k).to_string()
                on:click=move |_| kind.set(k)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="page trash-page">
            <header class="page-header">
                <h1>{tx!(i18n, trash.title)}</h1>
            </header>
            <p class="muted">{tx!(i18n, trash.intro)}</p>
            <div role="tablist" class="tabs">
                {RecordKind::ALL.map(tab)}
            </div>
            <ErrorBanner error=error />
            <Transition fallback=|| ()>
                {move || {
                    let result = items.get()?;
                    Some(match result {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">{t_string!(i18n, trash.empty).to_string()}</p> }.erase()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="trash-list">
                                    {list
                                        .into_iter()
                                        .map(|t| {
                                            let (k, id) = (t.link.kind, t.link.id);
                                            let name = if t.private {
                                                t_string!(i18n, trash.private_item).to_string()
                                            } else {
                                                t.link.name.clone()
                                            };
                                            let shown = name.clone();
                                            view! {
                                                <li class="trash-item">
                                                    <span class="trash-name">{shown}</span>
                                                    <span class="muted">
                                                        {t.deleted_local}
                                                        " · "
                                                        {t.deleted_by}
                                                    </span>
                                                    <button
                                                        class="button"
                                                        aria-label=move || {
                                                            let name = name.clone();
                                                            t_string!(i18n, trash.restore_named, name).to_string()
                                                        }
                                                        on:click=move |_| {
                                                            undo.dispatch((k, id));
                                                        }
                                                    >
                                                        {t_string!(i18n, trash.restore).to_string()}
                                                    </button>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .erase()
                        }
                    })
                }}
            </Transition>
            <a href="/">{tx!(i18n, common.back)}</a>
        </div>
    }
    .erase()
}
