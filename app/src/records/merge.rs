//! Merging duplicate records (the kinds whose descriptor has
//! `merge_links`: companies, persons). One record is kept; for each field
//! the person chooses whose value it keeps; every link to the others moves
//! to it (the kind's own link columns, and the links every kind shares:
//! notes, tags, favourites, recently viewed, interactions); the others go
//! to the trash. One transaction, in the history of the kept record (with
//! an Undo) and in the audit log. What it changed is kept in `merges`, so
//! an undo puts back exactly that: the fields it set (unless changed
//! since), each link where it was, the records out of the trash.

use super::{RecordKind, RecordLink};
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::resource::resource;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::ssr::{guard::require, pool},
};

/// Records merged at once, the kept one included.
pub const MAX_RECORDS: usize = 5;

/// What the merge page shows: the records side by side, field by field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeSheet {
    pub kind: RecordKind,
    /// In the order asked; the first is proposed as the one kept.
    pub records: Vec<MergeRecord>,
    pub fields: Vec<MergeField>,
    /// Other records that look like the first one (to add to the merge).
    pub candidates: Vec<RecordLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeRecord {
    pub id: i64,
    pub name: String,
    pub version: i32,
    /// Last change, in the reader's time zone.
    pub updated: String,
    /// What points at it, as "Deals: 2" (only what it has).
    pub links: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeField {
    pub field: String,
    pub label: String,
    /// One per record, in the records' order (`""`: empty).
    pub values: Vec<String>,
    /// The record whose value is proposed: the most recently changed one
    /// that has a value.
    pub default: usize,
}

/// One field's choice: keep the value of record `from`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChoice {
    pub field: String,
    pub from: i64,
}

/// The records `ids` of `kind` side by side (at least one; with one, the
/// page offers its likely duplicates to add).
#[server(prefix = "/api/merge", endpoint = "compare", input = server_fn::codec::Json)]
pub async fn compare_records(kind: RecordKind, ids: Vec<i64>) -> AppResult<MergeSheet> {
    let user = require(Role::Member).await?;
    ssr::sheet(&pool()?, &user, kind, &ids).await
}

/// Merges `merged` into `keep` (each read at the version given), keeping
/// for each field in `choices` the value of the record it names (a field
/// not named keeps the kept record's value). Returns the merge's id.
#[server(prefix = "/api/merge", endpoint = "run", input = server_fn::codec::Json)]
pub async fn merge_records(
    kind: RecordKind,
    keep: i64,
    merged: Vec<i64>,
    versions: Vec<(i64, i32)>,
    choices: Vec<FieldChoice>,
) -> AppResult<i64> {
    let user = require(Role::Member).await?;
    ssr::merge(&pool()?, &user, kind, (keep, &merged), &versions, &choices).await
}

/// Takes merge `id` back (from the kept record's history).
#[server(prefix = "/api/merge", endpoint = "undo", input = server_fn::codec::Json)]
pub async fn undo_merge(id: i64) -> AppResult<()> {
    let user = require(Role::Member).await?;
    ssr::undo(&pool()?, &user, id).await
}

/// The records of `kind` that look like record `id` (same email, same
/// phone in any notation, similar name) and the caller may see: the record
/// page's "looks like" line.
#[server(prefix = "/api/merge", endpoint = "suspects", input = server_fn::codec::Json)]
pub async fn likely_duplicates(kind: RecordKind, id: i64) -> AppResult<Vec<RecordLink>> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    crate::access::ssr::ensure(&pool, &user, kind, id, crate::access::May::See).await?;
    ssr::suspects(&pool, &user, kind, id).await
}

/// The merge page's address for `ids` of `kind`.
pub fn merge_href(kind: RecordKind, ids: &[i64]) -> String {
    let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    format!("/merge?kind={}&ids={ids}", kind.as_str())
}

/// `/merge?kind=person&ids=3,8`: the records side by side; the person
/// picks the one kept and each field's value, sees what moves, and merges.
#[component]
pub fn MergePage() -> impl IntoView {
    use crate::ui::dialog::{ConfirmDialog, Toasts};
    use crate::ui::feedback::{ErrorBanner, error_text};
    use leptos_router::hooks::{use_navigate, use_query_map};
    use std::collections::HashMap;
    let i18n = use_i18n();
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        query.with(|q| {
            let kind = q.get("kind").and_then(|k| RecordKind::parse(&k));
            let ids: Vec<i64> = q
                .get("ids")
                .unwrap_or_default()
                .split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect();
            (kind, ids)
        })
    });
    let sheet = resource(
        move || asked.get(),
        |(kind, ids)| async move {
            match kind {
                Some(kind) => compare_records(kind, ids).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // The person's choices: the record kept, and per field whose value.
    let keep = RwSignal::new(0i64);
    let chosen = RwSignal::new(HashMap::<String, i64>::new());
    Effect::new(move || {
        if let Some(Ok(s)) = sheet.get() {
            keep.set(s.records.first().map_or(0, |r| r.id));
            chosen.set(
                s.fields
                    .iter()
                    .map(|f| (f.field.clone(), s.records[f.default].id))
                    .collect(),
            );
        }
    });
    let error = RwSignal::new(None::<AppError>);
    let asking = RwSignal::new(false);
    let navigate = use_navigate();
    let run = Action::new(move |s: &MergeSheet| {
        let s = s.clone();
        let keep = keep.get_untracked();
        let choices: Vec<FieldChoice> = chosen
            .get_untracked()
            .into_iter()
            .map(|(field, from)| FieldChoice { field, from })
            .collect();
        async move {
            let merged: Vec<i64> = s
                .records
                .iter()
                .map(|r| r.id)
                .filter(|&id| id != keep)
                .collect();
            let versions = s.records.iter().map(|r| (r.id, r.version)).collect();
            merge_records(s.kind, keep, merged, versions, choices)
                .await
                .map(|merge| (s, keep, merge))
        }
    });
    Effect::new(move || match run.value().get() {
        Some(Ok((s, kept, merge))) => {
            let back = s.kind.href(kept);
            let name = s
                .records
                .iter()
                .find(|r| r.id == kept)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            if let Some(toasts) = Toasts::get() {
                let go = navigate.clone();
                let to = back.clone();
                let undo = move || {
                    let (go, to) = (go.clone(), to.clone());
                    leptos::task::spawn_local(async move {
                        match undo_merge(merge).await {
                            Ok(()) => {
                                toasts.show(t_string!(i18n, merge.undone).to_string(), None);
                                go(&to, Default::default());
                            }
                            Err(e) => toasts.show(error_text(i18n, &e), None),
                        }
                    });
                };
                let text = {
                    let name = name.clone();
                    t_string!(i18n, merge.done, name).to_string()
                };
                toasts.show(text, Some(std::rc::Rc::new(undo)));
            }
            navigate(&back, Default::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let table = move |s: MergeSheet| {
        let kind = s.kind;
        let ids: Vec<i64> = s.records.iter().map(|r| r.id).collect();
        let several = ids.len() > 1;
        let heads = s
            .records
            .iter()
            .map(|r| {
                let id = r.id;
                let others: Vec<i64> = ids.iter().copied().filter(|&o| o != id).collect();
                let when = r.updated.clone();
                view! {
                    <th scope="col" class="merge-record" class:kept=move || keep.get() == id>
                        <a href=kind.href(id) target="_blank">{r.name.clone()}</a>
                        <span class="muted merge-updated">{t_string!(i18n, merge.updated, when).to_string()}</span>
                        <label class="merge-keep">
                            <input
                                type="radio"
                                name="keep"
                                prop:checked=move || keep.get() == id
                                on:change=move |_| keep.set(id)
                            />
                            {move || if keep.get() == id {
                                t_string!(i18n, merge.kept).to_string()
                            } else {
                                t_string!(i18n, merge.keep).to_string()
                            }}
                        </label>
                        {several.then(|| view! {
                            <a href=merge_href(kind, &others) class="link-button merge-remove">
                                {t_string!(i18n, merge.remove).to_string()}
                            </a>
                        })}
                    </th>
                }
            })
            .collect_view();
        // A field empty everywhere leaves nothing to choose.
        let rows = s
            .fields
            .iter()
            .filter(|f| f.values.iter().any(|v| !v.trim().is_empty()))
            .map(|f| {
                let same = f.values.iter().all(|v| v.trim() == f.values[0].trim());
                let cells = f
                    .values
                    .iter()
                    .zip(&ids)
                    .map(|(v, &id)| {
                        let field = f.field.clone();
                        let key = f.field.clone();
                        let shown = if v.trim().is_empty() {
                            t_string!(i18n, merge.empty_value).to_string()
                        } else {
                            v.clone()
                        };
                        view! {
                            <td class:empty=v.trim().is_empty()>
                                <label class="merge-choice">
                                    <input
                                        type="radio"
                                        name=format!("f-{}", f.field)
                                        prop:checked=move || chosen.with(|c| c.get(&key) == Some(&id))
                                        on:change=move |_| chosen.update(|c| {
                                            c.insert(field.clone(), id);
                                        })
                                    />
                                    <span>{shown}</span>
                                </label>
                            </td>
                        }
                    })
                    .collect_view();
                view! {
                    <tr class:same=same data-field=f.field.clone()>
                        <th scope="row">{f.label.clone()}</th>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        let moves = s
            .records
            .iter()
            .map(|r| {
                let id = r.id;
                let links = r.links.clone();
                view! {
                    <td class="merge-links">
                        {move || if keep.get() == id || links.is_empty() {
                            None
                        } else {
                            Some(view! {
                                <ul>
                                    {links.iter().map(|(l, n)| view! { <li>{l.clone()} ": " {*n}</li> }).collect_view()}
                                </ul>
                            })
                        }}
                    </td>
                }
            })
            .collect_view();
        let candidates = (!s.candidates.is_empty()).then(|| {
            let items = s
                .candidates
                .iter()
                .map(|c| {
                    let mut with = ids.clone();
                    with.push(c.id);
                    view! {
                        <li>
                            <a href=c.kind.href(c.id) target="_blank">{c.name.clone()}</a>
                            " "
                            <span class="muted">{c.detail.clone()}</span>
                            " "
                            {(ids.len() < MAX_RECORDS).then(|| view! {
                                <a href=merge_href(kind, &with) class="button">{t_string!(i18n, merge.add).to_string()}</a>
                            })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="card merge-candidates">
                    <p>{t_string!(i18n, merge.add_more).to_string()}</p>
                    <ul class="duplicate-list">{items}</ul>
                </section>
            }
        });
        let count = ids.len();
        let for_run = s.clone();
        view! {
            <div class="table-scroll">
                <table class="merge-table">
                    <thead>
                        <tr>
                            <th scope="col">{t_string!(i18n, merge.field).to_string()}</th>
                            {heads}
                        </tr>
                    </thead>
                    <tbody>
                        {rows}
                        <tr class="merge-moves">
                            <th scope="row">{t_string!(i18n, merge.moves).to_string()}</th>
                            {moves}
                        </tr>
                    </tbody>
                </table>
            </div>
            {candidates}
            {if several {
                view! {
                    <div class="form-actions">
                        <button
                            class="button button-primary"
                            disabled=move || run.pending().get()
                            on:click=move |_| asking.set(true)
                        >
                            {move || if run.pending().get() {
                                t_string!(i18n, merge.running).to_string()
                            } else {
                                t_string!(i18n, merge.run, count).to_string()
                            }}
                        </button>
                    </div>
                }
                    .erase()
            } else {
                view! { <p class="muted">{t_string!(i18n, merge.pick_one_more).to_string()}</p> }.erase()
            }}
            <ConfirmDialog
                open=asking
                title=tx!(i18n, merge.confirm_title)
                body={
                    let s = for_run.clone();
                    move || {
                        let k = keep.get();
                        let names = s.records.iter().filter(|r| r.id != k).map(|r| r.name.clone()).collect::<Vec<_>>().join(", ");
                        let kept = s.records.iter().find(|r| r.id == k).map(|r| r.name.clone()).unwrap_or_default();
                        t_string!(i18n, merge.confirm_body, names, kept).to_string()
                    }
                }
                confirm_label=move || t_string!(i18n, merge.run, count).to_string()
                on_confirm=Callback::new(move |_| {
                    run.dispatch(for_run.clone());
                })
            />
        }
        .erase()
    };
    view! {
        <div class="page merge-page">
            <header class="page-header">
                <h1>{tx!(i18n, merge.title)}</h1>
            </header>
            <p class="muted">{tx!(i18n, merge.intro)}</p>
            <ErrorBanner error=error />
            <Transition fallback=|| ()>
                {move || {
                    let result = sheet.get()?;
                    Some(match result {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                        Ok(s) => table(s),
                    })
                }}
            </Transition>
        </div>
    }
    .erase()
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::access::{May, ssr as access};
    use crate::auth::CurrentUser;
    use crate::error::{FieldError, FieldProblem};
    use crate::records::kind::LinkColumn;
    use crate::ssr::{audit, records};
    use serde_json::{Map, Value};
    use sqlx::{AssertSqlSafe, PgPool, Postgres, Row, Transaction};

    /// The links every kind shares: `(table, key, unique, label)`, each
    /// row pointing at a record by `record_type` and `record_id`.
    const SHARED: &[LinkColumn] = &[
        LinkColumn {
            table: "interaction_links",
            column: "record_id",
            key: &["interaction_id"],
            unique: true,
            versioned: false,
            label: |l| crate::i18n::td_string!(l, nav.interactions),
        },
        LinkColumn {
            table: "note_links",
            column: "record_id",
            key: &["note_id"],
            unique: true,
            versioned: false,
            label: |l| crate::i18n::td_string!(l, merge.link_notes),
        },
        LinkColumn {
            table: "record_tags",
            column: "record_id",
            key: &["tag_id"],
            unique: true,
            versioned: false,
            label: |l| crate::i18n::td_string!(l, record.tags),
        },
        LinkColumn {
            table: "favourites",
            column: "record_id",
            key: &["user_id"],
            unique: true,
            versioned: false,
            label: |l| crate::i18n::td_string!(l, merge.link_favourites),
        },
        LinkColumn {
            table: "recent_views",
            column: "record_id",
            key: &["user_id"],
            unique: true,
            versioned: false,
            label: |l| crate::i18n::td_string!(l, merge.link_recent),
        },
    ];

    /// The links of `kind`: its own, then the shared ones (with whether
    /// rows carry a `record_type`).
    fn links(kind: RecordKind) -> AppResult<Vec<(&'static LinkColumn, bool)>> {
        let own = kind.describe().merge_links.ok_or(AppError::NotFound)?;
        Ok(own
            .iter()
            .map(|l| (l, false))
            .chain(SHARED.iter().map(|l| (l, true)))
            .collect())
    }

    /// The fields chosen one by one: the columns an import writes.
    fn fields(kind: RecordKind) -> &'static [(&'static str, &'static str)] {
        kind.describe().import.as_ref().map_or(&[], |i| i.columns)
    }

    /// `WHERE` of a link's rows pointing at `$1` (one id or an array,
    /// `op` `=` or `= ANY`), on alias `x`; `$2` is the record type.
    fn rows_of(link: &LinkColumn, typed: bool, alias: &str, op: &str) -> String {
        let typed = if typed {
            format!(" AND {alias}.record_type = $2")
        } else {
            String::new()
        };
        format!("{alias}.{col} {op}($1){typed}", col = link.column)
    }

    fn text(v: &Value) -> String {
        match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
            other => other.to_string(),
        }
    }

    fn invalid(field: &str) -> AppError {
        AppError::invalid(vec![FieldError {
            field: field.into(),
            problem: FieldProblem::InvalidChoice,
        }])
    }

    pub async fn sheet(
        pool: &PgPool,
        user: &CurrentUser,
        kind: RecordKind,
        ids: &[i64],
    ) -> AppResult<MergeSheet> {
        let links = links(kind)?;
        let mut unique = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        if ids.is_empty() || ids.len() > MAX_RECORDS || unique.len() != ids.len() {
            return Err(invalid("ids"));
        }
        for &id in ids {
            access::ensure(pool, user, kind, id, May::See).await?;
        }
        let d = kind.describe();
        let fields = fields(kind);
        let values = fields
            .iter()
            .map(|(f, _)| format!("'{f}', r.{f}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT r.id, r.version, r.updated_at, {name} AS name, jsonb_build_object({values}) AS vals
             FROM {table} r WHERE r.id = ANY($1) AND r.deleted_at IS NULL
             ORDER BY array_position($1, r.id)",
            name = d.name_sql,
            table = d.table,
        )))
        .bind(ids)
        .fetch_all(pool)
        .await?;
        if rows.len() != ids.len() {
            return Err(AppError::NotFound);
        }
        let tz = crate::ssr::zones::zone(&user.time_zone);
        let locale = user.language();
        // What points at each record: one count per link, for all of them.
        let mut link_counts: Vec<Vec<(i64, i64)>> = Vec::new();
        for (link, typed) in &links {
            link_counts.push(
                sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT x.{c}, count(*) FROM {t} x WHERE {w} GROUP BY 1",
                    c = link.column,
                    t = link.table,
                    w = rows_of(link, *typed, "x", "= ANY"),
                )))
                .bind(ids)
                .bind(kind.as_str())
                .fetch_all(pool)
                .await?,
            );
        }
        let mut records = Vec::new();
        let mut vals = Vec::new();
        let mut updated_at = Vec::new();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let at: chrono::DateTime<chrono::Utc> = r.try_get("updated_at")?;
            let counts = links
                .iter()
                .zip(&link_counts)
                .filter_map(|((link, _), found)| {
                    let n = found.iter().find(|(of, _)| *of == id)?.1;
                    Some(((link.label)(locale).to_string(), n))
                })
                .collect();
            records.push(MergeRecord {
                id,
                name: r.try_get("name")?,
                version: r.try_get("version")?,
                updated: crate::ssr::zones::to_local(tz, at)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                links: counts,
            });
            vals.push(r.try_get::<Value, _>("vals")?);
            updated_at.push(at);
        }
        // Most recent first, for the defaults.
        let mut recent: Vec<usize> = (0..records.len()).collect();
        recent.sort_by(|a, b| updated_at[*b].cmp(&updated_at[*a]));
        let fields = fields
            .iter()
            .map(|(f, _)| {
                let values: Vec<String> = vals.iter().map(|v| text(&v[*f])).collect();
                let default = recent
                    .iter()
                    .copied()
                    .find(|&i| !values[i].trim().is_empty())
                    .unwrap_or(0);
                MergeField {
                    field: f.to_string(),
                    label: d.label(locale, f),
                    values,
                    default,
                }
            })
            .collect();
        // The first record's likely duplicates, those not in the sheet.
        let mut candidates = suspects(pool, user, kind, ids[0]).await?;
        candidates.retain(|c| !ids.contains(&c.id));
        Ok(MergeSheet {
            kind,
            records,
            fields,
            candidates,
        })
    }

    /// Record `id`'s likely duplicates that `user` may see.
    pub async fn suspects(
        pool: &PgPool,
        user: &CurrentUser,
        kind: RecordKind,
        id: i64,
    ) -> AppResult<Vec<RecordLink>> {
        let d = kind.describe();
        let Some(import) = d.import.as_ref() else {
            return Ok(Vec::new());
        };
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {name} AS name, coalesce(r.email, '') AS email,
                    coalesce(nullif(r.{p1}, ''), r.{p0}, '') AS phone
             FROM {table} r WHERE r.id = $1 AND r.deleted_at IS NULL",
            name = d.name_sql,
            table = d.table,
            p0 = import.phones[0],
            p1 = import.phones[1],
        )))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
        let mut found = crate::records::search::ssr::duplicates(
            pool,
            kind,
            &row.try_get::<String, _>("name")?,
            &row.try_get::<String, _>("email")?,
            &row.try_get::<String, _>("phone")?,
            Some(id),
        )
        .await?;
        let visible = access::filter_ids(
            pool,
            user,
            kind,
            &found.iter().map(|c| c.id).collect::<Vec<_>>(),
            May::See,
        )
        .await?;
        found.retain(|c| visible.contains(&c.id));
        Ok(found)
    }

    pub async fn merge(
        pool: &PgPool,
        user: &CurrentUser,
        kind: RecordKind,
        (keep, merged): (i64, &[i64]),
        versions: &[(i64, i32)],
        choices: &[FieldChoice],
    ) -> AppResult<i64> {
        let links = links(kind)?;
        let d = kind.describe();
        // The access rule first: changing the kept one, deleting the others.
        access::ensure(pool, user, kind, keep, May::Change).await?;
        for &id in merged {
            access::ensure(pool, user, kind, id, May::Delete).await?;
        }
        let all: Vec<i64> = std::iter::once(keep)
            .chain(merged.iter().copied())
            .collect();
        let mut distinct = all.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if merged.is_empty() || all.len() > MAX_RECORDS || distinct.len() != all.len() {
            return Err(invalid("ids"));
        }
        let fields = fields(kind);
        for c in choices {
            if !fields.iter().any(|(f, _)| *f == c.field) || !all.contains(&c.from) {
                return Err(invalid(&c.field));
            }
        }
        let version_of = |id: i64| versions.iter().find(|(v, _)| *v == id).map(|(_, v)| *v);
        let table = d.table;
        let mut tx = records::begin_as(pool, user.id).await?;
        // Every record still at the version the person compared.
        let current: Vec<(i64, i32, String)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT r.id, r.version, {name} FROM {table} r
             WHERE r.id = ANY($1) AND r.deleted_at IS NULL ORDER BY r.id FOR UPDATE",
            name = d.name_sql
        )))
        .bind(&all)
        .fetch_all(&mut *tx)
        .await?;
        for &id in &all {
            match current.iter().find(|(i, _, _)| *i == id) {
                Some((_, v, _)) if Some(*v) == version_of(id) => {}
                _ => return Err(records::stale_or_missing(&mut *tx, table, id).await),
            }
        }
        let name_of = |id: i64| {
            current
                .iter()
                .find(|(i, _, _)| *i == id)
                .map(|(_, _, n)| n.clone())
                .unwrap_or_default()
        };
        // The kept record's fields, as chosen.
        let chosen: Vec<&FieldChoice> = choices.iter().filter(|c| c.from != keep).collect();
        let before: Value = row_json(&mut tx, table, keep).await?;
        if !chosen.is_empty() {
            let set = chosen
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    format!(
                        "{f} = (SELECT m.{f} FROM {table} m WHERE m.id = ${n})",
                        f = c.field,
                        n = i + 1
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            records::update_versioned(
                &mut tx,
                table,
                (keep, version_of(keep).unwrap_or(0), user.id),
                (&set, chosen.len()),
                |mut q| {
                    for c in &chosen {
                        q = q.bind(c.from);
                    }
                    q
                },
            )
            .await?;
        }
        let after: Value = row_json(&mut tx, table, keep).await?;
        let (mut kept_before, mut kept_after) = (Map::new(), Map::new());
        for (f, _) in fields {
            if before[*f] != after[*f] {
                kept_before.insert(f.to_string(), before[*f].clone());
                kept_after.insert(f.to_string(), after[*f].clone());
            }
        }
        // The links: the kept record's own win; the others move.
        let (mut moved, mut dropped) = (Map::new(), Map::new());
        for (link, typed) in &links {
            let key = format!("{}.{}", link.table, link.column);
            if link.unique {
                let same = link
                    .key
                    .iter()
                    .map(|k| format!("o.{k} = m.{k}"))
                    .chain(typed.then(|| "o.record_type = m.record_type".to_string()))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let rows: Vec<Value> = sqlx::query_scalar(AssertSqlSafe(format!(
                    "DELETE FROM {t} m WHERE {w} AND EXISTS (
                         SELECT 1 FROM {t} o WHERE {same}
                           AND (o.{c} = $3 OR (o.{c} = ANY($1) AND o.{c} < m.{c})))
                     RETURNING to_jsonb(m)",
                    t = link.table,
                    c = link.column,
                    w = rows_of(link, *typed, "m", "= ANY"),
                )))
                .bind(merged)
                .bind(kind.as_str())
                .bind(keep)
                .fetch_all(&mut *tx)
                .await?;
                if !rows.is_empty() {
                    dropped.insert(key.clone(), Value::Array(rows));
                }
            }
            let bump = if link.versioned {
                ", version = x.version + 1, updated_at = now(), updated_by = $4"
            } else {
                ""
            };
            // The rows as they were (the `FROM` copy is read before the update).
            let rows: Vec<Value> = sqlx::query_scalar(AssertSqlSafe(format!(
                "UPDATE {t} x SET {c} = $3{bump} FROM {t} old
                 WHERE {w} AND old.ctid = x.ctid RETURNING to_jsonb(old)",
                t = link.table,
                c = link.column,
                w = rows_of(link, *typed, "x", "= ANY"),
            )))
            .bind(merged)
            .bind(kind.as_str())
            .bind(keep)
            .bind(user.id)
            .fetch_all(&mut *tx)
            .await?;
            if !rows.is_empty() {
                moved.insert(key, Value::Array(rows));
            }
        }
        // The others, to the trash.
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE {table} SET deleted_at = now(), updated_by = $2, updated_at = now(), version = version + 1
             WHERE id = ANY($1)"
        )))
        .bind(merged)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        let names = merged
            .iter()
            .map(|&id| name_of(id))
            .collect::<Vec<_>>()
            .join(", ");
        let merge_id: i64 = sqlx::query_scalar(
            "INSERT INTO merges (record_type, kept_id, merged_ids, kept_before, kept_after, moved, dropped, merged_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(kind.as_str())
        .bind(keep)
        .bind(merged)
        .bind(Value::Object(kept_before))
        .bind(Value::Object(kept_after))
        .bind(Value::Object(moved))
        .bind(Value::Object(dropped))
        .bind(user.id)
        .fetch_one(&mut *tx)
        .await?;
        history(
            &mut tx,
            kind,
            keep,
            user.id,
            "merge",
            serde_json::json!({ "merge_id": merge_id, "names": names }),
        )
        .await?;
        let into = name_of(keep);
        for &id in merged {
            history(
                &mut tx,
                kind,
                id,
                user.id,
                "merge",
                serde_json::json!({ "merge_id": merge_id, "into": into }),
            )
            .await?;
        }
        let ids = merged
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        audit::record(
            &mut *tx,
            user,
            audit::action::MERGE,
            Some((kind.as_str(), keep)),
            &format!("merged {ids}"),
        )
        .await?;
        tx.commit().await?;
        Ok(merge_id)
    }

    async fn row_json(
        tx: &mut Transaction<'static, Postgres>,
        table: &str,
        id: i64,
    ) -> AppResult<Value> {
        Ok(sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT to_jsonb(r) FROM {table} r WHERE r.id = $1"
        )))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?)
    }

    async fn history(
        tx: &mut Transaction<'static, Postgres>,
        kind: RecordKind,
        id: i64,
        user_id: i64,
        action: &str,
        changes: Value,
    ) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO record_changes (record_type, record_id, user_id, action, changes)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(kind.as_str())
        .bind(id)
        .bind(user_id)
        .bind(action)
        .bind(changes)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn undo(pool: &PgPool, user: &CurrentUser, id: i64) -> AppResult<()> {
        let row = sqlx::query(
            "SELECT record_type, kept_id, merged_ids, kept_before, kept_after, moved, dropped
             FROM merges WHERE id = $1 AND undone_at IS NULL",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
        let kind = RecordKind::parse(row.try_get("record_type")?).ok_or(AppError::NotFound)?;
        let keep: i64 = row.try_get("kept_id")?;
        let merged: Vec<i64> = row.try_get("merged_ids")?;
        access::ensure(pool, user, kind, keep, May::Change).await?;
        for &m in &merged {
            if !access::allowed_in_trash(pool, user, kind, m).await?.delete {
                return Err(AppError::Forbidden);
            }
        }
        let links = links(kind)?;
        let table = kind.describe().table;
        let mut tx = records::begin_as(pool, user.id).await?;
        // Once: a second undo of the same merge finds it undone.
        let claimed = sqlx::query(
            "UPDATE merges SET undone_at = now(), undone_by = $2 WHERE id = $1 AND undone_at IS NULL",
        )
        .bind(id)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            return Err(AppError::NotFound);
        }
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE {table} SET deleted_at = NULL, updated_by = $2, updated_at = now(), version = version + 1
             WHERE id = ANY($1) AND deleted_at IS NOT NULL"
        )))
        .bind(&merged)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        let moved: Value = row.try_get("moved")?;
        let dropped: Value = row.try_get("dropped")?;
        for (link, typed) in &links {
            let key = format!("{}.{}", link.table, link.column);
            if let Some(rows) = moved.get(&key) {
                // Each row back where it was, if it still points at the
                // kept record.
                let same = link
                    .key
                    .iter()
                    .map(|k| format!("to_jsonb(x.{k}) = r.j -> '{k}'"))
                    .chain(typed.then(|| "x.record_type = r.j ->> 'record_type'".to_string()))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let bump = if link.versioned {
                    ", version = x.version + 1, updated_at = now(), updated_by = $3"
                } else {
                    ""
                };
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE {t} x SET {c} = (r.j ->> '{c}')::bigint{bump}
                     FROM jsonb_array_elements($1) r(j)
                     WHERE x.{c} = $2 AND {same}",
                    t = link.table,
                    c = link.column,
                )))
                .bind(rows)
                .bind(keep)
                .bind(user.id)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(rows) = dropped.get(&key) {
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO {t} SELECT * FROM jsonb_populate_recordset(NULL::{t}, $1)
                     ON CONFLICT DO NOTHING",
                    t = link.table
                )))
                .bind(rows)
                .execute(&mut *tx)
                .await?;
            }
        }
        // The fields the merge set, unless changed since.
        let before: Value = row.try_get("kept_before")?;
        let after: Value = row.try_get("kept_after")?;
        if let Some(fields) = before.as_object().filter(|f| !f.is_empty()) {
            let known = super::ssr::fields(kind);
            let set = fields
                .keys()
                .filter(|f| known.iter().any(|(k, _)| k == f))
                .map(|f| {
                    format!(
                        "{f} = CASE WHEN to_jsonb(t.{f}) IS NOT DISTINCT FROM ($2::jsonb -> '{f}')
                                    THEN (jsonb_populate_record(NULL::{table}, $1)).{f} ELSE t.{f} END"
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE {table} t SET {set}, updated_by = $4, updated_at = now(), version = t.version + 1
                 WHERE t.id = $3"
            )))
            .bind(&before)
            .bind(&after)
            .bind(keep)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        }
        history(
            &mut tx,
            kind,
            keep,
            user.id,
            "unmerge",
            serde_json::json!({ "merge_id": id }),
        )
        .await?;
        audit::record(
            &mut *tx,
            user,
            audit::action::MERGE_UNDO,
            Some((kind.as_str(), keep)),
            &format!("merge {id} undone"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
