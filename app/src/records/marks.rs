//! A user's marks on records: the favourite star, the recently viewed list,
//! and the organisation's tags.

use super::{RecordKind, RecordLink};
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::ui::erase::Erase;
use crate::ui::feedback::ErrorBanner;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::access::{May, ssr as access},
    crate::auth::Role,
    crate::error::{FieldError, FieldProblem},
    crate::ssr::{guard::require, pool},
    sqlx::AssertSqlSafe,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub id: i64,
    pub name: String,
}

/// What a record page shows besides the record itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marks {
    pub favourite: bool,
    pub tags: Vec<Tag>,
    /// What the reader may do to the record (its page offers only that).
    pub allowed: crate::access::Allowed,
}

/// The statements of [`record_marks`] after the access check, in order (public so
/// that `server bench` times the very same SQL): the view, `$1` user, `$2`
/// kind, `$3` id…
#[cfg(feature = "ssr")]
pub const RECENT_VIEW_SQL: &str =
    "INSERT INTO recent_views (user_id, record_type, record_id) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, record_type, record_id) DO UPDATE SET viewed_at = now()";

/// Records that `user` opened a record ([`RECENT_VIEW_SQL`]). A view is
/// bookkeeping, not data: its commit does not wait for the disk
/// (`synchronous_commit = off` for this transaction only), which took the
/// record page's p99 from the disk's flush time. A crash may forget the
/// last views, never anything else.
#[cfg(feature = "ssr")]
pub async fn note_view(
    pool: &sqlx::PgPool,
    user: i64,
    kind: RecordKind,
    id: i64,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    sqlx::query(RECENT_VIEW_SQL)
        .bind(user)
        .bind(kind.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// …the star, same parameters…
#[cfg(feature = "ssr")]
pub const FAVOURITE_SQL: &str = "SELECT EXISTS (SELECT 1 FROM favourites WHERE user_id = $1 AND record_type = $2 AND record_id = $3)";

/// …and the tags, `$1` kind, `$2` id.
#[cfg(feature = "ssr")]
pub const RECORD_TAGS_SQL: &str =
    "SELECT t.id, t.name FROM record_tags rt JOIN tags t ON t.id = rt.tag_id
         WHERE rt.record_type = $1 AND rt.record_id = $2 ORDER BY lower(t.name)";

/// The caller's marks on a record; also records that they viewed it.
#[server(prefix = "/api/records", endpoint = "marks", input = server_fn::codec::Json)]
pub async fn record_marks(kind: RecordKind, id: i64) -> AppResult<Marks> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let allowed = access::allowed(&pool, &user, kind, id).await?;
    // Once the record is known to be the reader's to see: the view, the
    // star and the tags at once.
    let ((), favourite, tags) = tokio::try_join!(
        async { Ok::<_, AppError>(note_view(&pool, user.id, kind, id).await?) },
        async {
            Ok::<bool, AppError>(
                sqlx::query_scalar(FAVOURITE_SQL)
                    .bind(user.id)
                    .bind(kind.as_str())
                    .bind(id)
                    .fetch_one(&pool)
                    .await?,
            )
        },
        record_tags(&pool, kind, id),
    )?;
    Ok(Marks {
        favourite,
        tags,
        allowed,
    })
}

#[cfg(feature = "ssr")]
async fn record_tags(pool: &sqlx::PgPool, kind: RecordKind, id: i64) -> AppResult<Vec<Tag>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(RECORD_TAGS_SQL)
        .bind(kind.as_str())
        .bind(id)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Tag { id, name })
        .collect())
}

#[server(prefix = "/api/records", endpoint = "favourite", input = server_fn::codec::Json)]
pub async fn set_favourite(kind: RecordKind, id: i64, on: bool) -> AppResult<bool> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    access::ensure(&pool, &user, kind, id, May::See).await?;
    let sql = if on {
        "INSERT INTO favourites (user_id, record_type, record_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM favourites WHERE user_id = $1 AND record_type = $2 AND record_id = $3"
    };
    sqlx::query(sql)
        .bind(user.id)
        .bind(kind.as_str())
        .bind(id)
        .execute(&pool)
        .await?;
    Ok(on)
}

/// Links of `user`'s favourites or recently viewed records (`source`
/// is one of the two tables): live records they may still see only.
#[cfg(feature = "ssr")]
async fn links(
    pool: &sqlx::PgPool,
    user_id: i64,
    source: &str,
    order: &str,
) -> AppResult<Vec<RecordLink>> {
    let mut out = Vec::new();
    let parts: Vec<String> = RecordKind::ALL
        .iter()
        .map(|k| {
            format!(
                "SELECT '{kind}' AS kind, r.id, {name} AS name, coalesce({detail}, '') AS detail, s.{order} AS at
                 FROM {source} s JOIN {table} r ON r.id = s.record_id AND r.deleted_at IS NULL
                 WHERE s.user_id = $1 AND s.record_type = '{kind}' AND {see}",
                see = access::see_sql(*k, "r", "$1"),
                kind = k.as_str(),
                name = k.name_sql(),
                table = k.module(),
                detail = k.describe().detail_sql,
            )
        })
        .collect();
    let sql = format!("{} ORDER BY at DESC LIMIT 20", parts.join(" UNION ALL "));
    let rows: Vec<(String, i64, String, String)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT kind, id, name, detail FROM ({sql}) x"
    )))
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    for (kind, id, name, detail) in rows {
        if let Some(kind) = RecordKind::parse(&kind) {
            out.push(RecordLink {
                kind,
                id,
                name,
                detail,
            });
        }
    }
    Ok(out)
}

#[server(prefix = "/api/records", endpoint = "favourites", input = server_fn::codec::Json)]
pub async fn my_favourites() -> AppResult<Vec<RecordLink>> {
    let user = require(Role::Member).await?;
    links(&pool()?, user.id, "favourites", "created_at").await
}

#[server(prefix = "/api/records", endpoint = "recent", input = server_fn::codec::Json)]
pub async fn recently_viewed() -> AppResult<Vec<RecordLink>> {
    let user = require(Role::Member).await?;
    links(&pool()?, user.id, "recent_views", "viewed_at").await
}

/// Every tag, for pickers and filters.
#[server(prefix = "/api/tags", endpoint = "all", input = server_fn::codec::Json)]
pub async fn all_tags() -> AppResult<Vec<Tag>> {
    require(Role::Member).await?;
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM tags ORDER BY lower(name)")
        .fetch_all(&pool()?)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Tag { id, name })
        .collect())
}

/// The tag of this name (ignoring case and accents), created if new.
#[cfg(feature = "ssr")]
pub(crate) async fn tag_id(db: impl sqlx::PgExecutor<'_>, name: &str) -> AppResult<i64> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::invalid(vec![FieldError {
            field: "tag".into(),
            problem: if name.is_empty() {
                FieldProblem::Required
            } else {
                FieldProblem::TooLong { max: 60 }
            },
        }]));
    }
    // The no-op update makes RETURNING give the existing row's id.
    let id = sqlx::query_scalar(
        "INSERT INTO tags (name) VALUES ($1)
         ON CONFLICT (relais_fold(name)) DO UPDATE SET name = tags.name RETURNING id",
    )
    .bind(name)
    .fetch_one(db)
    .await?;
    Ok(id)
}

#[server(prefix = "/api/records", endpoint = "add_tag", input = server_fn::codec::Json)]
pub async fn add_tag(kind: RecordKind, id: i64, name: String) -> AppResult<Vec<Tag>> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    access::ensure(&pool, &user, kind, id, May::Change).await?;
    let tag = tag_id(&pool, &name).await?;
    sqlx::query("INSERT INTO record_tags (tag_id, record_type, record_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(tag)
        .bind(kind.as_str())
        .bind(id)
        .execute(&pool)
        .await?;
    record_tags(&pool, kind, id).await
}

#[server(prefix = "/api/records", endpoint = "remove_tag", input = server_fn::codec::Json)]
pub async fn remove_tag(kind: RecordKind, id: i64, tag_id: i64) -> AppResult<Vec<Tag>> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    access::ensure(&pool, &user, kind, id, May::Change).await?;
    sqlx::query(
        "DELETE FROM record_tags WHERE tag_id = $1 AND record_type = $2 AND record_id = $3",
    )
    .bind(tag_id)
    .bind(kind.as_str())
    .bind(id)
    .execute(&pool)
    .await?;
    record_tags(&pool, kind, id).await
}

/// The favourite star of a record page.
#[component]
pub fn Star(kind: RecordKind, id: i64, initial: bool) -> impl IntoView {
    let i18n = use_i18n();
    let on = RwSignal::new(initial);
    let error = RwSignal::new(None::<AppError>);
    let toggle = Action::new(move |want: &bool| {
        let want = *want;
        async move {
            match set_favourite(kind, id, want).await {
                Ok(v) => on.set(v),
                Err(e) => {
                    on.set(!want);
                    error.set(Some(e));
                }
            }
        }
    });
    view! {
        <button
            class="star"
            class:on=move || on.get()
            aria-pressed=move || on.get().to_string()
            title=move || t_string!(i18n, record.favourite).to_string()
            aria-label=move || t_string!(i18n, record.favourite).to_string()
            on:click=move |_| {
                let want = !on.get_untracked();
                on.set(want);
                toggle.dispatch(want);
            }
        >
            {move || if on.get() { "★" } else { "☆" }}
        </button>
        <ErrorBanner error=error />
    }
    .erase()
}

/// A record's tags, with a field to add one (existing tags are proposed)
/// when the reader may change the record (`editable`).
#[component]
pub fn TagEditor(kind: RecordKind, id: i64, initial: Vec<Tag>, editable: bool) -> impl IntoView {
    let i18n = use_i18n();
    let tags = RwSignal::new(initial);
    let error = RwSignal::new(None::<AppError>);
    let typed = RwSignal::new(String::new());
    // Suggestions only: loaded in the browser after hydration.
    let known = LocalResource::new(all_tags);
    let add = Action::new(move |name: &String| {
        let name = name.clone();
        async move {
            match add_tag(kind, id, name).await {
                Ok(t) => {
                    tags.set(t);
                    typed.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let remove = Action::new(move |tag: &i64| {
        let tag = *tag;
        async move {
            match remove_tag(kind, id, tag).await {
                Ok(t) => tags.set(t),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let list_id = format!("tags-{}-{id}", kind.as_str());
    view! {
            <div class="tags">
                <ul class="tag-list" aria-label=move || t_string!(i18n, record.tags).to_string()>
                    <For each=move || tags.get() key=|t| t.id let:tag>
                        <li class="tag">
                            {tag.name.clone()}
                            <button
                                class="tag-remove"
                                hidden=!editable
                                aria-label=move || {
                                    let name = tag.name.clone();
                                    t_string!(i18n, record.remove_tag, name).to_string()
                                }
                                on:click=move |_| {
                                    remove.dispatch(tag.id);
                                }
                            >
                                "×"
                            </button>
                        </li>
                    </For>
                </ul>
                <form
                    class="tag-add"
                    hidden=!editable
                    on:submit=move |ev| {
                        ev.prevent_default();
                        let name = typed.get_untracked();
                        if !name.trim().is_empty() {
                            add.dispatch(name);
                        }
                    }
                >
                    <input
                        type="text"
                        maxlength="60"
                        list=list_id.clone()
                        aria-label=move || t_string!(i18n, record.add_tag).to_string()
                        placeholder=move || t_string!(i18n, record.add_tag).to_string()
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <datalist id=list_id>

                        {move || {
                            known
                                .get()
                                .and_then(|r| r.ok())
                                .unwrap_or_default()
                                .into_iter()
                                .map(|t| view! { <option value=t.name /> })
                                .collect_view()
                        }}

    </datalist>
                </form>
                <ErrorBanner error=error />
            </div>
        }
    .erase()
}
