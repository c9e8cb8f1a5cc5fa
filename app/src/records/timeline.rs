//! The timeline of a record page: its interactions (for a company, its
//! people's and deals' too, through the roll-up links), notes and changes
//! (who, when, field by field old → new), newest first, a page at a time.

use super::RecordKind;
use super::notes::delete_note;
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::ui::erase::Erase;
use crate::ui::feedback::{ErrorBanner, I18n};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::access::{May, ssr as access},
    crate::auth::Role,
    crate::ssr::{guard::require, pool},
    sqlx::Row,
};

pub const TIMELINE_PAGE: i64 = 20;

/// The first page's "before" position: after every item.
#[cfg(feature = "ssr")]
pub const TIMELINE_START: (DateTime<Utc>, i32, i64) = (DateTime::<Utc>::MAX_UTC, 3, 0);

/// A page of the timeline: `$1` kind, `$2` id, `$3`–`$5` the position
/// (at, rank, id) to start before, `$6` the caller, `$7` the page size + 1.
/// Each branch walks its own index newest first and stops after a page;
/// the outer query merges the pages. Interactions come from
/// `interaction_links` (one range of one index, roll-ups included), minus
/// the interactions the caller may not see (`access`); documents attached
/// to the record (whoever sees the record sees them). Public so that
/// `server bench` times the very same SQL.
#[cfg(feature = "ssr")]
pub fn timeline_sql() -> String {
    format!("SELECT * FROM (
            (SELECT 1 AS rank, n.id, n.created_at AS at, u.name AS who, n.body, n.pinned,
                    n.author_id = $6 AS mine, NULL::text AS action, NULL::jsonb AS changes
             FROM note_links l JOIN notes n ON n.id = l.note_id AND n.deleted_at IS NULL
             JOIN users u ON u.id = n.author_id
             WHERE l.record_type = $1 AND l.record_id = $2 AND (n.created_at, 1, n.id) < ($3, $4, $5)
             ORDER BY n.created_at DESC, n.id DESC LIMIT $7)
            UNION ALL
            (SELECT 0, c.id, c.changed_at, coalesce(u.name, ''), NULL, NULL, false, c.action,
                    CASE WHEN c.action = 'merge' THEN c.changes || jsonb_build_object('undone',
                        EXISTS (SELECT 1 FROM merges m WHERE m.id = (c.changes ->> 'merge_id')::bigint
                                                         AND m.undone_at IS NOT NULL))
                         ELSE c.changes END
             FROM record_changes c LEFT JOIN users u ON u.id = c.user_id
             WHERE c.record_type = $1 AND c.record_id = $2 AND (c.changed_at, 0, c.id) < ($3, $4, $5)
             ORDER BY c.changed_at DESC, c.id DESC LIMIT $7)
            UNION ALL
            (SELECT 2, i.id, l.at, coalesce(o.name, ''), i.subject, NULL, false, i.kind,
                    jsonb_build_object('status', i.status, 'via', l.via,
                        'main', CASE WHEN l.main THEN NULL ELSE (SELECT coalesce(mc.name, trim(coalesce(mp.first_name, '') || ' ' || mp.last_name), md.name)
                                 FROM interaction_links ml
                                 LEFT JOIN companies mc ON ml.record_type = 'company' AND mc.id = ml.record_id
                                 LEFT JOIN persons mp ON ml.record_type = 'person' AND mp.id = ml.record_id
                                 LEFT JOIN deals md ON ml.record_type = 'deal' AND md.id = ml.record_id
                                 WHERE ml.interaction_id = i.id AND ml.main) END)
             FROM interaction_links l JOIN interactions i ON i.id = l.interaction_id AND i.deleted_at IS NULL
             LEFT JOIN users o ON o.id = i.owner_id
             WHERE l.record_type = $1 AND l.record_id = $2 AND (l.at, 2, l.interaction_id) < ($3, $4, $5)
               AND {see}
             ORDER BY l.at DESC, l.interaction_id DESC LIMIT $7)
            UNION ALL
            (SELECT 3, d.id, d.created_at, coalesce(u.name, ''), d.title, NULL, false, d.doc_type,
                    jsonb_build_object('file', d.file_name, 'versions', d.current_version)
             FROM documents d LEFT JOIN users u ON u.id = d.created_by
             WHERE d.record_type = $1 AND d.record_id = $2 AND d.deleted_at IS NULL
               AND (d.created_at, 3, d.id) < ($3, $4, $5)
             ORDER BY d.created_at DESC, d.id DESC LIMIT $7)
         ) t ORDER BY at DESC, rank DESC, id DESC LIMIT $7",
        see = access::see_sql(RecordKind::Interaction, "i", "$6")
    )
}

/// The names of users `$1`: the owners a page of history names (stored as
/// ids). Only those: the whole table was read for every page (1,671 users
/// at the benchmark's size, 0.6 ms and a round trip).
#[cfg(feature = "ssr")]
pub const USER_NAMES_SQL: &str = "SELECT id, name FROM users WHERE id = ANY($1)";

/// The user ids a page's history rows hold in their `owner_id` changes.
#[cfg(feature = "ssr")]
pub fn owners_named(rows: &[sqlx::postgres::PgRow]) -> AppResult<Vec<i64>> {
    use sqlx::Row;
    let mut ids = Vec::new();
    for r in rows {
        if r.try_get::<i32, _>("rank")? != 0 {
            continue;
        }
        let changes: Option<serde_json::Value> = r.try_get("changes")?;
        if let Some(pair) = changes.as_ref().and_then(|c| c.get("owner_id")) {
            ids.extend([&pair[0], &pair[1]].into_iter().filter_map(|v| v.as_i64()));
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TimelineEntry {
    Note {
        body: String,
        pinned: bool,
        mine: bool,
    },
    Change {
        action: String,
        changes: Vec<FieldChange>,
    },
    /// A merge (`records::merge`), or its undo (`undo_entry`).
    Merge {
        merge_id: i64,
        /// On the kept record: the names of those merged into it.
        names: String,
        /// On a merged record: the name of the one kept.
        into: String,
        undone: bool,
        undo_entry: bool,
    },
    /// A document attached to the record (`documents`), when it was added.
    Document {
        title: String,
        doc_type: String,
        file_name: String,
        /// How many versions it has now.
        versions: i64,
    },
    Interaction {
        kind: String,
        subject: String,
        status: String,
        /// The interaction's main record, when it is another record (a
        /// company's timeline shows "call · Jean Dupont").
        main: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineItem {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `at` in the reader's time zone, `YYYY-MM-DD HH:MM`.
    pub local: String,
    pub who: String,
    pub entry: TimelineEntry,
}

/// Where the next timeline page starts: strictly older than this item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineCursor {
    pub at: DateTime<Utc>,
    /// 0 for changes, 1 for notes, 2 for interactions, 3 for documents
    /// (first at equal times).
    pub rank: i32,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelinePage {
    pub items: Vec<TimelineItem>,
    pub next: Option<TimelineCursor>,
}

/// Displays a JSON value of the history as text.
#[cfg(feature = "ssr")]
fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(show).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[server(prefix = "/api/records", endpoint = "timeline", input = server_fn::codec::Json)]
pub async fn timeline(
    kind: RecordKind,
    id: i64,
    before: Option<TimelineCursor>,
) -> AppResult<TimelinePage> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    // Its notes and field history are the record's: for those who may see it.
    access::ensure(&pool, &user, kind, id, May::See).await?;
    let tz = crate::ssr::zones::zone(&user.time_zone);
    let (at, rank, cid) = match &before {
        Some(c) => (c.at, c.rank, c.id),
        None => TIMELINE_START,
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(timeline_sql()))
        .bind(kind.as_str())
        .bind(id)
        .bind(at)
        .bind(rank)
        .bind(cid)
        .bind(user.id)
        .bind(TIMELINE_PAGE + 1)
        .fetch_all(&pool)
        .await?;
    // Owners are stored as ids; show the names of those on this page.
    let owners = owners_named(&rows)?;
    let users: Vec<(i64, String)> = if owners.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(USER_NAMES_SQL)
            .bind(&owners)
            .fetch_all(&pool)
            .await?
    };
    let user_name = |v: &serde_json::Value| {
        v.as_i64()
            .and_then(|id| users.iter().find(|(u, _)| *u == id))
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| show(v))
    };
    let mut items = Vec::new();
    let mut cursors = Vec::new();
    for r in rows.iter().take(TIMELINE_PAGE as usize) {
        let rank: i32 = r.try_get("rank")?;
        let entry = if rank == 3 {
            let extra: serde_json::Value = r.try_get("changes")?;
            TimelineEntry::Document {
                title: r.try_get("body")?,
                doc_type: r.try_get("action")?,
                file_name: extra["file"].as_str().unwrap_or_default().to_string(),
                versions: extra["versions"].as_i64().unwrap_or(1),
            }
        } else if rank == 2 {
            let extra: serde_json::Value = r.try_get("changes")?;
            let text = |k: &str| extra[k].as_str().unwrap_or_default().to_string();
            TimelineEntry::Interaction {
                kind: r.try_get("action")?,
                subject: r.try_get("body")?,
                status: text("status"),
                main: text("main"),
            }
        } else if rank == 1 {
            TimelineEntry::Note {
                body: r.try_get("body")?,
                pinned: r.try_get("pinned")?,
                mine: r.try_get("mine")?,
            }
        } else if let action @ ("merge" | "unmerge") = r.try_get::<&str, _>("action")? {
            let changes: serde_json::Value = r.try_get("changes")?;
            let text = |k: &str| changes[k].as_str().unwrap_or_default().to_string();
            TimelineEntry::Merge {
                merge_id: changes["merge_id"].as_i64().unwrap_or_default(),
                names: text("names"),
                into: text("into"),
                undone: changes["undone"].as_bool().unwrap_or(false),
                undo_entry: action == "unmerge",
            }
        } else {
            let changes: serde_json::Value = r.try_get("changes")?;
            let mut list: Vec<FieldChange> = changes
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(field, pair)| {
                            let (old, new) = (&pair[0], &pair[1]);
                            let fmt = |v| {
                                if field == "owner_id" {
                                    user_name(v)
                                } else {
                                    show(v)
                                }
                            };
                            FieldChange {
                                field: field.clone(),
                                old: fmt(old),
                                new: fmt(new),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            list.sort_by(|a, b| a.field.cmp(&b.field));
            TimelineEntry::Change {
                action: r.try_get("action")?,
                changes: list,
            }
        };
        let at: DateTime<Utc> = r.try_get("at")?;
        let item = TimelineItem {
            id: r.try_get("id")?,
            at,
            local: crate::ssr::zones::to_local(tz, at)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            who: r.try_get("who")?,
            entry,
        };
        cursors.push(TimelineCursor {
            at: item.at,
            rank,
            id: item.id,
        });
        items.push(item);
    }
    let next = if rows.len() as i64 > TIMELINE_PAGE {
        cursors.pop()
    } else {
        None
    };
    Ok(TimelinePage { items, next })
}

/// The translated label of a record field, for the history.
pub fn field_label(i18n: I18n, kind: RecordKind, field: &str) -> String {
    kind.describe().label(i18n.get_locale(), field)
}

/// The timeline of one record, with "show older".
#[component]
pub fn Timeline(
    kind: RecordKind,
    id: i64,
    /// Bump to reload from the newest item (after a note or an edit).
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = RwSignal::new(Vec::<TimelineItem>::new());
    let next = RwSignal::new(None::<TimelineCursor>);
    let error = RwSignal::new(None::<AppError>);
    // Whether a first answer came: until then the card holds a line (on the
    // server too), not "nothing yet", which it does not know.
    let loaded = RwSignal::new(false);
    let load = Action::new(move |before: &Option<TimelineCursor>| {
        let before = before.clone();
        async move {
            let fresh = before.is_none();
            let page = timeline(kind, id, before).await;
            // The card may still wait for its hydration (`ui::later`).
            crate::ui::later::hydrated().await;
            loaded.set(true);
            match page {
                Ok(page) => {
                    if fresh {
                        items.set(page.items);
                    } else {
                        items.update(|v| v.extend(page.items));
                    }
                    next.set(page.next);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    Effect::new(move || {
        reload.track();
        load.dispatch(None);
    });
    let remove = Action::new(move |note: &i64| {
        let note = *note;
        async move {
            match delete_note(note).await {
                Ok(()) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    // Undoing a merge changes the record itself: the page is read again.
    let unmerge = Action::new(move |merge: &i64| {
        let merge = *merge;
        async move {
            match super::merge::undo_merge(merge).await {
                Ok(()) => {
                    #[cfg(feature = "hydrate")]
                    let _ = window().location().reload();
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let show_item = move |item: TimelineItem| {
        let when = item.local.clone();
        let who = item.who.clone();
        let body = match item.entry {
            TimelineEntry::Note { body, pinned, mine } => {
                let note_id = item.id;
                view! {
                    <div class="tl-note" class:pinned=pinned>
                        <p class="tl-body">{body}</p>
                        {mine
                            .then(|| {
                                view! {
                                    <button class="link-button" on:click=move |_| {
                                        remove.dispatch(note_id);
                                    }>{move || t_string!(i18n, common.delete).to_string()}</button>
                                }
                            })}
                    </div>
                }
                .erase()
            }
            TimelineEntry::Interaction {
                kind: ikind,
                subject,
                status,
                main,
            } => {
                let href = format!("/interactions/{}", item.id);
                let label = crate::interactions::kind_label(i18n, &ikind);
                let status = crate::interactions::status_label(i18n, &status);
                view! {
                    <div class=format!("tl-interaction kind-{ikind}")>
                        <p>
                            <span class="kind-chip">{label}</span>
                            " "
                            <a href=href>{subject}</a>
                            " · "
                            <span class="muted">{status}</span>
                            {(!main.is_empty()).then(|| view! { <span class="muted">" · " {main}</span> })}
                        </p>
                    </div>
                }
                .erase()
            }
            TimelineEntry::Document {
                title,
                doc_type,
                file_name,
                versions,
            } => {
                let href = format!("/documents/{}", item.id);
                let label = crate::documents::type_label(i18n.get_locale_untracked(), &doc_type);
                view! {
                    <div class="tl-document">
                        <p>
                            <span class="kind-chip">{label}</span>
                            " "
                            <a href=href>{title}</a>
                            " · "
                            <span class="muted">{file_name}</span>
                            {(versions > 1).then(|| view! { <span class="muted">{format!(" · v{versions}")}</span> })}
                        </p>
                    </div>
                }
                .erase()
            }
            TimelineEntry::Merge {
                merge_id,
                names,
                into,
                undone,
                undo_entry,
            } => {
                // The kept record's entry offers the undo.
                let kept_side = !undo_entry && !names.is_empty();
                let title = if undo_entry {
                    t_string!(i18n, merge.history_unmerge).to_string()
                } else if names.is_empty() {
                    let name = into;
                    t_string!(i18n, merge.history_merged, name).to_string()
                } else {
                    t_string!(i18n, merge.history_kept, names).to_string()
                };
                view! {
                    <div class="tl-change tl-merge">
                        <p>
                            {title}
                            {(kept_side && undone).then(|| view! {
                                " · " <span class="muted">{t_string!(i18n, merge.was_undone).to_string()}</span>
                            })}
                        </p>
                        {(kept_side && !undone).then(|| view! {
                            <button class="button" disabled=move || unmerge.pending().get() on:click=move |_| {
                                unmerge.dispatch(merge_id);
                            }>{t_string!(i18n, merge.undo).to_string()}</button>
                        })}
                    </div>
                }
                .erase()
            }
            TimelineEntry::Change { action, changes } => {
                let title = match action.as_str() {
                    "create" => t_string!(i18n, record.created),
                    "delete" => t_string!(i18n, record.deleted),
                    "restore" => t_string!(i18n, record.restored),
                    _ => t_string!(i18n, record.changed),
                }
                .to_string();
                view! {
                    <div class="tl-change">
                        <p>{title}</p>
                        <ul class="tl-fields">
                            {changes
                                .into_iter()
                                .map(|c| {
                                    view! {
                                        <li>
                                            <strong>{field_label(i18n, kind, &c.field)}</strong>
                                            ": "
                                            <del>{if c.old.is_empty() { "—".to_string() } else { c.old }}</del>
                                            " → "
                                            <ins>{if c.new.is_empty() { "—".to_string() } else { c.new }}</ins>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                }
                    .erase()
            }
        };
        view! {
            <li class="tl-item">
                <p class="tl-meta muted">
                    <time datetime=item.at.to_rfc3339()>{when}</time>
                    " · "
                    {who}
                </p>
                {body}
            </li>
        }
    };
    view! {
        <section class="card timeline" aria-labelledby="timeline-title">
            <header class="card-header">
                <h2 id="timeline-title">{move || t_string!(i18n, record.timeline).to_string()}</h2>
            </header>
            <ErrorBanner error=error />
            <ol class="tl">{move || items.get().into_iter().map(show_item).collect_view()}</ol>
            {move || {
                if !loaded.get() {
                    Some(crate::ui::browser::loading_line())
                } else if items.with(|v| v.is_empty()) && !load.pending().get() {
                    Some(view! { <p class="muted">{t_string!(i18n, record.timeline_empty).to_string()}</p> }.erase())
                } else {
                    next.get()
                        .map(|c| {
                            view! {
                                <button class="button" on:click=move |_| {
                                    load.dispatch(Some(c.clone()));
                                }>{t_string!(i18n, record.older).to_string()}</button>
                            }
                                .erase()
                        })
                }
            }}
        </section>
    }
    .erase()
}

/// The activity part of a record page: "add a note", then the timeline.
/// `reload` is bumped by the page after an inline edit, too.
#[component]
pub fn RecordActivity(kind: RecordKind, id: i64, reload: RwSignal<u32>) -> impl IntoView {
    view! {
        <div class="record-activity">
            {kind.describe().quick_actions.map(|actions| actions(kind, id))}
            <super::notes::NoteComposer
                kind=kind
                id=id
                on_added=Callback::new(move |_| reload.update(|n| *n += 1))
            />
            <Timeline kind=kind id=id reload=reload />
        </div>
    }
    .erase()
}
