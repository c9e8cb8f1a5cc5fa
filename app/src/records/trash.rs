//! The trash: deleted records, newest first, which an admin can restore.

use super::{RecordKind, RecordLink};
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::tx;
use crate::ui::feedback::ErrorBanner;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
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
    pub deleted_by: String,
}

/// The 50 most recently deleted records of a kind, or those deleted
/// before `before` (the last item of the previous page).
#[server(prefix = "/api/trash", endpoint = "list", input = server_fn::codec::Json)]
pub async fn list_trash(
    kind: RecordKind,
    before: Option<(DateTime<Utc>, i64)>,
) -> AppResult<Vec<TrashItem>> {
    require(Role::Admin).await?;
    let (at, id) = before.unwrap_or((DateTime::<Utc>::MAX_UTC, i64::MAX));
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT r.id, {name} AS name, r.version, r.deleted_at, coalesce(u.name, '') AS who
         FROM {table} r LEFT JOIN users u ON u.id = r.updated_by
         WHERE r.deleted_at IS NOT NULL AND (r.deleted_at, r.id) < ($1, $2)
         ORDER BY r.deleted_at DESC, r.id DESC LIMIT 50",
        name = kind.name_sql(),
        table = kind.module()
    )))
    .bind(at)
    .bind(id)
    .fetch_all(&pool()?)
    .await?;
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
                deleted_by: r.try_get("who")?,
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

#[component]
pub fn TrashPage() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(RecordKind::Company);
    let refresh = RwSignal::new(0u32);
    let items = Resource::new(
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
    let tab = move |k: RecordKind, label: Box<dyn Fn() -> String + Send + Sync>| {
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
                {tab(RecordKind::Company, Box::new(tx!(i18n, nav.companies)))}
                {tab(RecordKind::Person, Box::new(tx!(i18n, nav.persons)))}
                {tab(RecordKind::Deal, Box::new(tx!(i18n, nav.deals)))}
            </div>
            <ErrorBanner error=error />
            <Transition fallback=|| ()>
                {move || {
                    let result = items.get()?;
                    Some(match result {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.into_any(),
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">{t_string!(i18n, trash.empty).to_string()}</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="trash-list">
                                    {list
                                        .into_iter()
                                        .map(|t| {
                                            let (k, id) = (t.link.kind, t.link.id);
                                            let name = t.link.name.clone();
                                            view! {
                                                <li class="trash-item">
                                                    <span class="trash-name">{t.link.name}</span>
                                                    <span class="muted">
                                                        {t.deleted_at.format("%Y-%m-%d %H:%M").to_string()}
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
                                .into_any()
                        }
                    })
                }}
            </Transition>
            <A href="/">{tx!(i18n, common.back)}</A>
        </div>
    }
    .into_any()
}
