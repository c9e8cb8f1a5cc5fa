//! The list of every module: columns, sort by column, quick search and
//! paging, with its state in the URL (`?q=…&sort=…&dir=…&page=…`) so that
//! back, reload and shared links show the same list. Below 768 px the same
//! table is laid out as cards by the stylesheet.

use super::feedback::ErrorBanner;
use crate::error::AppResult;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::{NavigateOptions, components::A};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::future::Future;
use std::sync::Arc;

pub const PER_PAGE: u32 = 25;
pub const MAX_PER_PAGE: u32 = 100;

/// What a list asks the server for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListQuery {
    /// Quick search text.
    pub q: String,
    /// Column key to sort by; the server falls back to its default if unknown.
    pub sort: String,
    pub desc: bool,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl ListQuery {
    pub fn page(&self) -> u32 {
        self.page.max(1)
    }

    pub fn per_page(&self) -> u32 {
        if self.per_page == 0 {
            PER_PAGE
        } else {
            self.per_page.min(MAX_PER_PAGE)
        }
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page() - 1) * i64::from(self.per_page())
    }

    fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", urlencode(&self.q)));
        }
        if !self.sort.is_empty() {
            parts.push(format!("sort={}", urlencode(&self.sort)));
            parts.push(format!("dir={}", if self.desc { "desc" } else { "asc" }));
        }
        if self.page() > 1 {
            parts.push(format!("page={}", self.page()));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Percent-encodes a query-string value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        ((self.total + per - 1) / per).max(1) as u32
    }
}

pub trait ListRow {
    fn id(&self) -> i64;
}

/// One column: its key (the sort key the server knows), label and cell.
pub struct Column<T> {
    pub key: &'static str,
    pub label: TextProp,
    pub sortable: bool,
    pub cell: Arc<dyn Fn(&T) -> AnyView + Send + Sync>,
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Column {
            key: self.key,
            label: self.label.clone(),
            sortable: self.sortable,
            cell: self.cell.clone(),
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
            key,
            label: label.into(),
            sortable: true,
            cell: Arc::new(cell),
        }
    }

    pub fn unsortable(mut self) -> Self {
        self.sortable = false;
        self
    }
}

/// Text cell helper: the value, or a dash when empty.
pub fn text_cell(v: &str) -> AnyView {
    if v.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        v.to_string().into_any()
    }
}

#[component]
pub fn ListView<T, F, Fut>(
    #[prop(into)] title: TextProp,
    #[prop(into)] new_label: TextProp,
    /// Where the list lives, e.g. `/companies`; rows link to `{base}/{id}`.
    base: &'static str,
    columns: Vec<Column<T>>,
    fetch: F,
) -> impl IntoView
where
    T: ListRow + Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(ListQuery) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = AppResult<Page<T>>> + Send + 'static,
{
    let i18n = use_i18n();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        query_map.with(|m| ListQuery {
            q: m.get("q").unwrap_or_default(),
            sort: m.get("sort").unwrap_or_default(),
            desc: m.get("dir").as_deref() == Some("desc"),
            page: m.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
            per_page: PER_PAGE,
        })
    });
    let data = Resource::new(move || query.get(), fetch);
    let navigate = use_navigate();
    let go = move |q: ListQuery| {
        navigate(
            &format!("{base}{}", q.to_query_string()),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };

    // Quick search: typed text goes to the URL after a short pause.
    let typed = RwSignal::new(query.get_untracked().q);
    // The pending search, replaced (and so cancelled) by each keystroke.
    #[cfg(feature = "hydrate")]
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let on_search = {
        let go = go.clone();
        move |ev| {
            let text = event_target_value(&ev);
            typed.set(text.clone());
            let go = go.clone();
            let run = move || {
                let mut q = query.get_untracked();
                q.q = text;
                q.page = 1;
                go(q);
            };
            #[cfg(feature = "hydrate")]
            pending.set_value(Some(gloo_timers::callback::Timeout::new(250, run)));
            #[cfg(not(feature = "hydrate"))]
            run();
        }
    };

    let cols = StoredValue::new(columns);
    let headers = {
        let go = go.clone();
        move || {
            cols.get_value()
                .into_iter()
                .map(|c| {
                    let key = c.key;
                    let label = c.label.clone();
                    let aria_sort = move || {
                        let q = query.get();
                        if q.sort == key {
                            if q.desc { "descending" } else { "ascending" }
                        } else {
                            "none"
                        }
                    };
                    let go = go.clone();
                    let sort_label = label.clone();
                    view! {
                        <th scope="col" aria-sort=aria_sort class=format!("col-{key}")>
                            {if c.sortable {
                                view! {
                                    <button
                                        class="sort"
                                        aria-label=move || {
                                            let column = sort_label.get().to_string();
                                            t_string!(i18n, list.sort_by, column).to_string()
                                        }
                                        on:click=move |_| {
                                            let mut q = query.get_untracked();
                                            q.desc = q.sort == key && !q.desc;
                                            q.sort = key.to_string();
                                            q.page = 1;
                                            go(q);
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
                                    .into_any()
                            } else {
                                view! { <span>{move || label.get().to_string()}</span> }.into_any()
                            }}
                        </th>
                    }
                })
                .collect_view()
        }
    };

    let error = Signal::derive(move || data.get().and_then(|r| r.err()));
    let page_link = move |page: u32| {
        let mut q = query.get();
        q.page = page;
        format!("{base}{}", q.to_query_string())
    };

    view! {
        <div class="page list-page">
            <header class="page-header">
                <h1>{move || title.get().to_string()}</h1>
                <A href=format!("{base}/new") attr:class="button button-primary">
                    {move || new_label.get().to_string()}
                </A>
            </header>
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
                <Transition fallback=|| ()>
                    {move || {
                        data.get()
                            .and_then(|r| r.ok())
                            .map(|p| {
                                let count = p.total;
                                view! {
                                    <span class="list-count" aria-live="polite">
                                        {t_string!(i18n, list.results, count).to_string()}
                                    </span>
                                }
                            })
                    }}
                </Transition>
            </div>
            <ErrorBanner error=error />
            <Transition fallback=move || {
                view! { <p class="muted">{t_string!(i18n, common.loading).to_string()}</p> }
            }>
                {move || {
                    data.get()
                        .and_then(|r| r.ok())
                        .map(|p: Page<T>| {
                            let pages = p.pages();
                            let page = p.page;
                            let empty = p.rows.is_empty();
                            let rows = p
                                .rows
                                .into_iter()
                                .map(|row| {
                                    let href = format!("{base}/{}", row.id());
                                    let cells = cols
                                        .get_value()
                                        .into_iter()
                                        .enumerate()
                                        .map(|(i, c)| {
                                            let content = (c.cell)(&row);
                                            let label = c.label.get().to_string();
                                            if i == 0 {
                                                view! {
                                                    <td class=format!("col-{} cell-main", c.key) data-label=label>
                                                        <A href=href.clone()>{content}</A>
                                                    </td>
                                                }
                                                    .into_any()
                                            } else {
                                                view! {
                                                    <td class=format!("col-{}", c.key) data-label=label>
                                                        {content}
                                                    </td>
                                                }
                                                    .into_any()
                                            }
                                        })
                                        .collect_view();
                                    view! { <tr>{cells}</tr> }
                                })
                                .collect_view();
                            view! {
                                <div class="table-wrap">
                                    <table class="list-table">
                                        <thead>
                                            <tr>{headers.clone()}</tr>
                                        </thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                    {empty
                                        .then(|| {
                                            view! {
                                                <p class="empty">{t_string!(i18n, list.empty).to_string()}</p>
                                            }
                                        })}
                                </div>
                                <nav class="pager" aria-label="pagination">
                                    {(page > 1)
                                        .then(|| {
                                            view! {
                                                <A href=page_link(page - 1) attr:class="button" attr:rel="prev">
                                                    {t_string!(i18n, list.previous).to_string()}
                                                </A>
                                            }
                                        })}
                                    <span>{t_string!(i18n, list.page, page, pages).to_string()}</span>
                                    {(page < pages)
                                        .then(|| {
                                            view! {
                                                <A href=page_link(page + 1) attr:class="button" attr:rel="next">
                                                    {t_string!(i18n, list.next).to_string()}
                                                </A>
                                            }
                                        })}
                                </nav>
                            }
                        })
                }}
            </Transition>
        </div>
    }
    .into_any()
}
