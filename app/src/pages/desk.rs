//! The desk (home page). For now: a greeting and the size of the books.

use crate::error::AppResult;
use crate::i18n::*;
use crate::layout::Me;
use crate::records::RecordLink;
use crate::records::marks::{my_favourites, recently_viewed};
use crate::tx;
use crate::ui::list::group_digits;
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};
use std::future::Future;

/// The Desk's panels, in their default order (today's agenda first, as a
/// phone shows it).
pub const PANELS: &[&str] = &[
    "agenda",
    "overdue",
    "tasks",
    "load",
    "pipeline",
    "favourites",
    "recent",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskCounts {
    pub companies: i64,
    pub persons: i64,
    pub deals: i64,
}

/// Counts stop at this many (the desk shows "10,000+"): an exact count of a
/// million rows would cost more than the whole page.
pub const DESK_COUNT_CAP: i64 = 10_000;

#[server(prefix = "/api/desk", endpoint = "summary", input = server_fn::codec::Json)]
pub async fn desk_summary() -> AppResult<DeskCounts> {
    use crate::auth::Role;
    use crate::ssr::{guard::require, pool};
    require(Role::Member).await?;
    let (companies, persons, deals): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM companies WHERE deleted_at IS NULL LIMIT $1) s),
                (SELECT count(*) FROM (SELECT 1 FROM persons WHERE deleted_at IS NULL LIMIT $1) s),
                (SELECT count(*) FROM (SELECT 1 FROM deals WHERE deleted_at IS NULL LIMIT $1) s)",
    )
    .bind(DESK_COUNT_CAP + 1)
    .fetch_one(&pool()?)
    .await?;
    Ok(DeskCounts {
        companies,
        persons,
        deals,
    })
}

#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let Me(user) = expect_context::<Me>();
    let summary = Resource::new(|| (), |_| desk_summary());
    let count = move |n: i64| {
        if n > DESK_COUNT_CAP {
            format!("{}+", group_digits(i18n, DESK_COUNT_CAP))
        } else {
            group_digits(i18n, n)
        }
    };
    view! {
        <div class="page desk">
            <header class="page-header">
                <h1>
                    <Suspense fallback=move || tx!(i18n, desk.title)()>
                        {move || {
                            user.get()
                                .and_then(|u| u.ok())
                                .map(|u| {
                                    let name = u.name.split_whitespace().next().unwrap_or_default().to_string();
                                    t_string!(i18n, desk.welcome, name).to_string()
                                })
                        }}
                    </Suspense>
                </h1>
            </header>
            <p class="muted">{tx!(i18n, desk.intro)}</p>
            <div class="tiles">
                <Suspense fallback=|| ()>
                    {move || {
                        summary
                            .get()
                            .and_then(|s| s.ok())
                            .map(|s| {
                                view! {
                                    <A href="/companies" attr:class="tile">
                                        <span class="tile-number">{count(s.companies)}</span>
                                        <span>{tx!(i18n, desk.companies_count)}</span>
                                    </A>
                                    <A href="/persons" attr:class="tile">
                                        <span class="tile-number">{count(s.persons)}</span>
                                        <span>{tx!(i18n, desk.persons_count)}</span>
                                    </A>
                                    <A href="/deals" attr:class="tile">
                                        <span class="tile-number">{count(s.deals)}</span>
                                        <span>{tx!(i18n, desk.deals_count)}</span>
                                    </A>
                                }
                            })
                    }}
                </Suspense>
            </div>
            <div class="desk-panels">
                <LinksPanel title=tx!(i18n, desk.favourites) empty=tx!(i18n, desk.no_favourites) load=my_favourites />
                <LinksPanel title=tx!(i18n, desk.recent) empty=tx!(i18n, desk.no_recent) load=recently_viewed />
            </div>
        </div>
    }
    .into_any()
}

/// A desk panel listing records (favourites, recently viewed).
#[component]
fn LinksPanel<F, Fut>(
    #[prop(into)] title: TextProp,
    #[prop(into)] empty: TextProp,
    load: F,
) -> impl IntoView
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = AppResult<Vec<RecordLink>>> + Send + 'static,
{
    let links = Resource::new(|| (), move |_| load());
    view! {
        <section class="card">
            <h2>{move || title.get().to_string()}</h2>
            <Suspense fallback=|| ()>
                {move || {
                    let empty = empty.clone();
                    links.get().and_then(|r| r.ok()).map(move |list| {
                        if list.is_empty() {
                            view! { <p class="muted">{move || empty.get().to_string()}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="related">
                                    {list
                                        .into_iter()
                                        .map(|l| view! {
                                            <li>
                                                <A href=l.kind.href(l.id)>{l.name}</A>
                                                <span class="muted">{l.detail}</span>
                                            </li>
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    })
                }}
            </Suspense>
        </section>
    }
    .into_any()
}
