//! `ListView`: columns (chosen per user), sort by column, quick search,
//! advanced and saved filters, "My items", multi-select with mass actions,
//! CSV export of the current filter, inline edit of a cell and keyset
//! paging, all with the list's state in the URL. Below 768 px the table is
//! laid out as cards by the stylesheet.

use super::api::{list_columns, set_list_columns};
use super::cell::EditableCell;
use super::columns::ColumnChooser;
use super::filters::{FilterChips, FilterPanel, SavedFilters};
use super::mass::MassBar;
use super::query::{ListQuery, Page, ValueKind};
use crate::error::AppResult;
use crate::i18n::*;
use crate::records::RecordKind;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::{ErrorBanner, I18n};
use crate::ui::later::hydrate_later;
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Serialize, de::DeserializeOwned};
use std::any::Any;
use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;

pub trait ListRow {
    fn id(&self) -> i64;
    fn version(&self) -> i32;
}

/// Turns a stored choice (`at_risk`) into its label.
pub type ChoiceLabel = fn(I18n, &str) -> String;

/// What the toolbar needs to know of a column, whatever the row type.
#[derive(Clone)]
pub struct ColumnInfo {
    pub key: &'static str,
    pub label: TextProp,
    pub sortable: bool,
    /// The filter the column offers, if any.
    pub filter: Option<ValueKind>,
    pub choice_label: Option<ChoiceLabel>,
    pub shown_by_default: bool,
}

/// The record field a cell edits in place, and its current value.
pub type InlineEdit<T> = (&'static str, fn(&T) -> String);

/// One column: its key (the sort and filter key the server knows), label,
/// cell, and optionally the record field edited in place.
pub struct Column<T> {
    pub info: ColumnInfo,
    pub cell: Arc<dyn Fn(&T) -> AnyView + Send + Sync>,
    pub edit: Option<InlineEdit<T>>,
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Column {
            info: self.info.clone(),
            cell: self.cell.clone(),
            edit: self.edit,
        }
    }
}

impl<T> Column<T> {
    pub fn new(
        key: &'static str,
        label: impl Into<TextProp>,
        cell: impl Fn(&T) -> AnyView + Send + Sync + 'static,
    ) -> Self {
        Column {
            info: ColumnInfo {
                key,
                label: label.into(),
                sortable: true,
                filter: None,
                choice_label: None,
                shown_by_default: true,
            },
            cell: Arc::new(cell),
            edit: None,
        }
    }

    pub fn unsortable(mut self) -> Self {
        self.info.sortable = false;
        self
    }

    /// Offered in the advanced filter with this kind of value.
    pub fn filter(mut self, kind: ValueKind) -> Self {
        self.info.filter = Some(kind);
        self
    }

    pub fn choices(mut self, kind: ValueKind, label: ChoiceLabel) -> Self {
        self.info.filter = Some(kind);
        self.info.choice_label = Some(label);
        self
    }

    /// Not shown until the user picks it in "Columns".
    pub fn hidden(mut self) -> Self {
        self.info.shown_by_default = false;
        self
    }

    /// The cell can be edited in place: `field` of the record, current value.
    pub fn editable(mut self, field: &'static str, value: fn(&T) -> String) -> Self {
        self.edit = Some((field, value));
        self
    }
}

/// Text cell helper: the value, or a dash when empty.
pub fn text_cell(v: &str) -> AnyView {
    if v.is_empty() {
        view! { <span class="muted">"—"</span> }.erase()
    } else {
        // On a wide screen a long value is cut: the whole of it is its tooltip.
        view! { <span class="cell-value" title=v.to_string()>{v.to_string()}</span> }.erase()
    }
}

/// A row's tags, as chips.
pub fn tags_cell(tags: &[String]) -> AnyView {
    if tags.is_empty() {
        return view! { <span class="muted">"—"</span> }.erase();
    }
    view! {
        <ul class="tag-list tag-chips">
            {tags.iter().map(|t| view! { <li class="tag">{t.clone()}</li> }).collect_view()}
        </ul>
    }
    .erase()
}

/// "1,234,567" in English, "1 234 567" in French.
pub fn group_digits(i18n: I18n, n: i64) -> String {
    let sep = if i18n.get_locale_untracked() == Locale::fr {
        '\u{202f}'
    } else {
        ','
    };
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A row of any list, its type erased: the list's view below is compiled
/// once, not once per kind of record (six copies of the whole toolbar,
/// table and pager were most of the lists' wasm piece).
#[derive(Clone)]
pub struct AnyRow {
    id: i64,
    version: i32,
    row: Arc<dyn Any + Send + Sync>,
}

impl AnyRow {
    fn new<T: ListRow + Send + Sync + 'static>(row: T) -> Self {
        AnyRow {
            id: row.id(),
            version: row.version(),
            row: Arc::new(row),
        }
    }

    /// The row as the type its columns were written for. Only `ListView`
    /// makes rows and columns, from the same `T`, so the type always matches.
    fn get<T: 'static>(&self) -> &T {
        self.row
            .downcast_ref()
            .expect("a list's rows and columns are of one type")
    }
}

/// A column of [`AnyRow`]s: what `ListView` hands its untyped body.
#[derive(Clone)]
struct RowColumn {
    info: ColumnInfo,
    cell: Arc<dyn Fn(&AnyRow) -> AnyView + Send + Sync>,
    edit: Option<(&'static str, RowValue)>,
}

/// A column's value of an [`AnyRow`], as its in-place editor starts with it.
type RowValue = Arc<dyn Fn(&AnyRow) -> String + Send + Sync>;

impl<T: Send + Sync + 'static> Column<T> {
    fn erase(self) -> RowColumn {
        let cell = self.cell;
        RowColumn {
            info: self.info,
            cell: Arc::new(move |r: &AnyRow| cell(r.get::<T>())),
            edit: self.edit.map(|(field, value)| {
                let value: RowValue = Arc::new(move |r: &AnyRow| value(r.get::<T>()));
                (field, value)
            }),
        }
    }
}

/// The page of rows `ListView`'s body draws, whatever their type.
type RowPage = Signal<Option<AppResult<Page<AnyRow>>>>;

#[component]
pub fn ListView<T, F, Fut>(
    kind: RecordKind,
    #[prop(into)] title: TextProp,
    #[prop(into)] new_label: TextProp,
    columns: Vec<Column<T>>,
    fetch: F,
) -> impl IntoView
where
    T: ListRow + Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(ListQuery) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = AppResult<Page<T>>> + Send + 'static,
{
    // Only the fetch (a resource the server sends its answer in) knows
    // the row type; everything drawn is in `list_body`, compiled once.
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(|m| ListQuery::from_params(|k| m.get(k))));
    // Bumped after a mass action or an inline edit, to fetch the page again.
    let refresh = RwSignal::new(0u32);
    let data = resource(move || (query.get(), refresh.get()), move |(q, _)| fetch(q));
    // Read where `list_body` reads it, inside its `Transition`s, which so
    // still wait for the resource.
    let page: RowPage = Signal::derive(move || {
        data.get().map(|r| {
            r.map(|p| Page {
                rows: p.rows.into_iter().map(AnyRow::new).collect(),
                total: p.total,
                total_is_estimate: p.total_is_estimate,
                next: p.next,
                prev: p.prev,
                page: p.page,
                per_page: p.per_page,
            })
        })
    });
    list_body(ListBody {
        kind,
        title,
        new_label,
        columns: columns.into_iter().map(Column::erase).collect(),
        query,
        refresh,
        data: page,
    })
}

struct ListBody {
    kind: RecordKind,
    title: TextProp,
    new_label: TextProp,
    columns: Vec<RowColumn>,
    query: Memo<ListQuery>,
    refresh: RwSignal<u32>,
    data: RowPage,
}

fn list_body(list: ListBody) -> AnyView {
    let ListBody {
        kind,
        title,
        new_label,
        columns,
        query,
        refresh,
        data,
    } = list;
    let i18n = use_i18n();
    let base = kind.base();
    let navigate = use_navigate();
    let go = Callback::new(move |q: ListQuery| {
        navigate(
            &format!("{base}{}", q.to_query_string()),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });

    let infos: Vec<ColumnInfo> = columns.iter().map(|c| c.info.clone()).collect();
    let defaults: Vec<String> = infos
        .iter()
        .filter(|c| c.shown_by_default)
        .map(|c| c.key.to_string())
        .collect();
    // The columns shown: picked on this page, else saved, else the
    // module's. The saved ones are read where the rows are drawn (inside
    // the Transition), so the server draws them too and hydration redraws
    // nothing (it used to redraw every row once the saved set arrived).
    let chosen = RwSignal::new(None::<Vec<String>>);
    let saved_columns = resource(|| (), move |_| list_columns(kind));
    let shown = {
        let defaults = defaults.clone();
        Signal::derive(move || {
            chosen
                .get()
                .or_else(|| saved_columns.get().and_then(|r| r.ok()).flatten())
                .unwrap_or_else(|| defaults.clone())
        })
    };
    let choose_columns = Callback::new(move |cols: Vec<String>| {
        chosen.set(Some(cols.clone()));
        leptos::task::spawn_local(async move {
            let _ = set_list_columns(kind, cols).await;
        });
    });

    let selected = RwSignal::new(BTreeSet::<i64>::new());
    // A new query is a new list: what was selected is no longer on screen.
    Effect::new(move || {
        query.track();
        selected.set(BTreeSet::new());
    });

    let typed = RwSignal::new(query.get_untracked().q);
    #[cfg(feature = "hydrate")]
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let on_search = move |ev| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        let run = move || {
            let mut q = query.get_untracked().first_page();
            q.q = text;
            go.run(q);
        };
        #[cfg(feature = "hydrate")]
        pending.set_value(Some(gloo_timers::callback::Timeout::new(250, run)));
        #[cfg(not(feature = "hydrate"))]
        run();
    };

    let cols = StoredValue::new(columns);
    let visible = move || {
        let keys = shown.get();
        let all = cols.get_value();
        let mut v: Vec<RowColumn> = keys
            .iter()
            .filter_map(|k| all.iter().find(|c| c.info.key == k).cloned())
            .collect();
        if v.is_empty() {
            v = all.into_iter().take(1).collect();
        }
        v
    };
    // The filters: the columns' and, for a kind the data-quality page
    // measures, what is wrong with the record (its figures link here).
    let mut filters = infos.clone();
    if kind.describe().quality.is_some() {
        filters.push(ColumnInfo {
            key: "quality",
            label: tx!(i18n, quality.filter).into(),
            sortable: false,
            filter: Some(ValueKind::Quality(crate::records::quality::PROBLEMS)),
            choice_label: Some(crate::records::quality::problem_label),
            shown_by_default: false,
        });
    }
    let filters = StoredValue::new(filters);
    let infos = StoredValue::new(infos);
    let filter_open = RwSignal::new(false);
    let error = Signal::derive(move || data.get().and_then(|r| r.err()));
    // Offline, a list the device holds whole (opened by a real load) is
    // read from there.
    Effect::new(move || {
        if error.get() == Some(crate::error::AppError::Offline) {
            crate::pwa::offline_nav::recover_page();
        }
    });
    // The export, with the delimiter chosen: the reader's language's first
    // (`;` in French), then the others.
    let export_href = move |sep: &'static str| {
        let q = query.get().first_page().to_query_string();
        let join = if q.is_empty() { "?" } else { "&" };
        format!("/export/{}.csv{q}{join}sep={sep}", kind.module())
    };
    let export_choices = move || {
        let mut seps = ["comma", "semicolon", "tab"];
        if i18n.get_locale() == crate::i18n::Locale::fr {
            seps.swap(0, 1);
        }
        seps.map(|sep| {
            let label = move || match sep {
                "semicolon" => t_string!(i18n, list.export_semicolon),
                "tab" => t_string!(i18n, list.export_tab),
                _ => t_string!(i18n, list.export_comma),
            };
            view! { <a class="menu-item" href=move || export_href(sep) download="">{label}</a> }
        })
    };

    let header = move || {
        let page_ids: Vec<i64> = data
            .get()
            .and_then(|r| r.ok())
            .map(|p| p.rows.iter().map(|r| r.id).collect())
            .unwrap_or_default();
        let all_ids = page_ids.clone();
        let all_selected = move || {
            let s = selected.get();
            !all_ids.is_empty() && all_ids.iter().all(|id| s.contains(id))
        };
        let heads = visible()
            .into_iter()
            .map(|c| {
                let key = c.info.key;
                let label = c.info.label.clone();
                let aria_sort = move || {
                    let q = query.get();
                    if q.sort == key {
                        if q.desc { "descending" } else { "ascending" }
                    } else {
                        "none"
                    }
                };
                let sort_label = label.clone();
                let content = if c.info.sortable {
                    view! {
                        <button
                            class="sort"
                            aria-label=move || {
                                let column = sort_label.get().to_string();
                                t_string!(i18n, list.sort_by, column).to_string()
                            }
                            on:click=move |_| {
                                let mut q = query.get_untracked().first_page();
                                q.desc = q.sort == key && !q.desc;
                                q.sort = key.to_string();
                                go.run(q);
                            }
                        >
                            {move || label.get().to_string()}
                            <span class="sort-mark" aria-hidden="true">
                                {move || {
                                    let q = query.get();
                                    if q.sort != key { "" } else if q.desc { " ▼" } else { " ▲" }
                                }}
                            </span>
                        </button>
                    }
                    .erase()
                } else {
                    view! { <span>{move || label.get().to_string()}</span> }.erase()
                };
                view! {
                    <th scope="col" aria-sort=aria_sort class=format!("col-{key}")>
                        {content}
                    </th>
                }
            })
            .collect_view();
        view! {
            <tr>
                <th scope="col" class="col-select">
                    <input
                        type="checkbox"
                        aria-label=move || t_string!(i18n, list.select_page).to_string()
                        prop:checked=all_selected
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selected.update(|s| {
                                for id in &page_ids {
                                    if on {
                                        s.insert(*id);
                                    } else {
                                        s.remove(id);
                                    }
                                }
                            });
                        }
                    />
                </th>
                {heads}
            </tr>
        }
    };

    let row_view = move |row: AnyRow| {
        let id = row.id;
        let version = row.version;
        let href = format!("{base}/{id}");
        // Drawn once, like the cells' labels: a row holds reactive nodes
        // only where the page changes it (its selection).
        let select_label = t_string!(i18n, list.select_row).to_string();
        let cells = visible()
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let label = c.info.label.get().to_string();
                let class = format!(
                    "col-{}{}",
                    c.info.key,
                    if i == 0 { " cell-main" } else { "" }
                );
                let content = if i == 0 {
                    let main = (c.cell)(&row);
                    // A plain link: the router takes its clicks all the
                    // same, without `A`'s memos for every row.
                    view! { <a href=href.clone()>{main}</a> }.erase()
                } else if let Some((field, value)) = c.edit {
                    view! {
                        <EditableCell
                            kind=kind
                            id=id
                            version=version
                            field=field
                            value=value(&row)
                            label=label.clone()
                            on_saved=Callback::new(move |_: i32| refresh.update(|n| *n += 1))
                        />
                    }
                    .erase()
                } else {
                    (c.cell)(&row)
                };
                view! { <td class=class data-label=label>{content}</td> }
            })
            .collect_view();
        view! {
            <tr class:selected=move || selected.with(|s| s.contains(&id))>
                <td class="col-select">
                    // The label widens the tap target to 44 px around the box.
                    <label class="tap-target">
                    <input
                        type="checkbox"
                        aria-label=select_label.clone()
                        prop:checked=move || selected.with(|s| s.contains(&id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selected.update(|s| {
                                if on {
                                    s.insert(id);
                                } else {
                                    s.remove(&id);
                                }
                            });
                        }
                    />
                    </label>
                </td>
                {cells}
            </tr>
        }
    };

    let page_link = move |f: &dyn Fn(&mut ListQuery)| {
        let mut q = query.get();
        f(&mut q);
        format!("{base}{}", q.to_query_string())
    };

    let toolbar = view! {
        <div class="list-toolbar">
            <label class="visually-hidden" for="list-search">
                {move || t_string!(i18n, list.search).to_string()}
            </label>
            <input
                id="list-search"
                class="list-search"
                type="search"
                placeholder=move || t_string!(i18n, list.search_placeholder).to_string()
                prop:value=move || typed.get()
                on:input=on_search
            />
            <label class="toggle">
                <input
                    type="checkbox"
                    prop:checked=move || query.get().mine
                    on:change=move |ev| {
                        let mut q = query.get_untracked().first_page();
                        q.mine = event_target_checked(&ev);
                        go.run(q);
                    }
                />
                {move || t_string!(i18n, list.my_items).to_string()}
            </label>
            <button
                class="button"
                aria-expanded=move || filter_open.get().to_string()
                aria-controls="filter-panel"
                on:click=move |_| filter_open.update(|o| *o = !*o)
            >
                {move || t_string!(i18n, list.filters).to_string()}
                {move || {
                    let n = query.get().filters.len();
                    (n > 0).then(|| format!(" ({n})"))
                }}
            </button>
            <SavedFilters kind=kind query=query go=go />
            <ColumnChooser columns=infos.get_value() shown=shown choose=choose_columns defaults=defaults />
            <details class="menu export-menu">
                <summary class="button">{move || t_string!(i18n, list.export).to_string()}</summary>
                <div class="menu-panel">{export_choices}</div>
            </details>
            <Transition fallback=|| ()>
                {move || {
                    data.get()
                        .and_then(|r| r.ok())
                        .map(|p| {
                            let count = group_digits(i18n, p.total);
                            let text = if p.total_is_estimate {
                                t_string!(i18n, list.results_about, count).to_string()
                            } else if p.total == 1 {
                                t_string!(i18n, list.result_one).to_string()
                            } else {
                                t_string!(i18n, list.results, count).to_string()
                            };
                            view! { <span class="list-count" aria-live="polite">{text}</span> }
                        })
                }}
            </Transition>
        </div>
    };

    view! {
        <div class="page list-page">
            <header class="page-header">
                <h1>{move || title.get().to_string()}</h1>
                <a href=format!("{base}/new") class="button button-primary">
                    {move || new_label.get().to_string()}
                </a>
            </header>
            // Hydrated in a task of its own, like the table and the pager.
            {hydrate_later(toolbar)}
            <FilterChips columns=filters.get_value() query=query go=go />
            <Show when=move || filter_open.get()>
                <FilterPanel columns=filters.get_value() query=query go=go close=Callback::new(move |_| filter_open.set(false)) />
            </Show>
            <MassBar kind=kind selected=selected done=Callback::new(move |_| {
                selected.set(BTreeSet::new());
                refresh.update(|n| *n += 1);
            }) />
            <ErrorBanner error=error />
            <Transition fallback=move || {
                view! { <p class="muted">{t_string!(i18n, common.loading).to_string()}</p> }
            }>
                {move || {
                    // Redrawn for a new page or new columns only: the rest
                    // (labels, links, the query) is read untracked, so
                    // nothing the browser sets while it starts redraws the
                    // rows the server sent.
                    let page = data.get();
                    shown.track();
                    untrack(move || page
                        .and_then(|r| r.ok())
                        .map(|p: Page<AnyRow>| {
                            let empty = p.rows.is_empty();
                            let page = p.page;
                            let pages = group_digits(i18n, i64::from(p.pages()));
                            let (prev, next) = (p.prev.clone(), p.next.clone());
                            let prev_page = page.saturating_sub(1).max(1);
                            let rows = p.rows;
                            // The table, its rows and the pager are hydrated in
                            // tasks of their own, after the rest of the page.
                            let table = hydrate_later(view! {
                                <div class="table-wrap">
                                    <table class="list-table">
                                        <thead>{header}</thead>
                                        // The rows hydrate in a task of their own.
                                        {hydrate_later(view! {
                                            <tbody>{rows.into_iter().map(row_view).collect_view()}</tbody>
                                        })}
                                    </table>
                                    {empty
                                        .then(|| {
                                            view! {
                                                <p class="empty">{t_string!(i18n, list.empty).to_string()}</p>
                                            }
                                        })}
                                </div>
                            });
                            let pager = hydrate_later(view! {
                                <nav class="pager" aria-label=move || t_string!(i18n, list.pagination).to_string()>
                                    {(page > 1)
                                        .then(|| {
                                            view! {
                                                <a href=page_link(&|q| *q = q.first_page()) class="button">
                                                    {t_string!(i18n, list.first).to_string()}
                                                </a>
                                            }
                                        })}
                                    {prev
                                        .map(|c| {
                                            let href = page_link(&|q| {
                                                q.after = None;
                                                q.before = Some(c.clone());
                                                q.page = prev_page;
                                            });
                                            view! {
                                                <a href=href class="button" rel="prev">
                                                    {t_string!(i18n, list.previous).to_string()}
                                                </a>
                                            }
                                        })}
                                    <span>{t_string!(i18n, list.page, page, pages).to_string()}</span>
                                    {next
                                        .map(|c| {
                                            let href = page_link(&|q| {
                                                q.before = None;
                                                q.after = Some(c.clone());
                                                q.page = page + 1;
                                            });
                                            view! {
                                                <a href=href class="button" rel="next">
                                                    {t_string!(i18n, list.next).to_string()}
                                                </a>
                                            }
                                        })}
                                </nav>
                            });
                            view! { {table} {pager} }
                        }))
                }}
            </Transition>
        </div>
    }
    .erase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct Row {
        id: i64,
        city: String,
    }

    impl ListRow for Row {
        fn id(&self) -> i64 {
            self.id
        }
        fn version(&self) -> i32 {
            7
        }
    }

    #[test]
    fn an_erased_column_draws_and_edits_its_own_rows_field() {
        use leptos::tachys::view::RenderHtml;
        let column = Column::new("city", "City", |r: &Row| text_cell(&r.city))
            .editable("city", |r: &Row| r.city.clone())
            .erase();
        let row = AnyRow::new(Row {
            id: 42,
            city: "Lyon".into(),
        });
        assert_eq!((row.id, row.version), (42, 7));
        let html = (column.cell)(&row).to_html();
        assert!(html.contains(">Lyon<"), "{html}");
        let (field, value) = column.edit.expect("the column is editable");
        assert_eq!((field, value(&row).as_str()), ("city", "Lyon"));
        // The empty value is a dash, from the same typed cell.
        let empty = AnyRow::new(Row {
            id: 1,
            city: String::new(),
        });
        assert!((column.cell)(&empty).to_html().contains("—"));
    }
}
