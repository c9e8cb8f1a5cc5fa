//! The desk (home page). For now: a greeting and the size of the books.

use crate::error::AppResult;
use crate::i18n::*;
use crate::layout::Me;
use crate::tx;
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskCounts {
    pub companies: i64,
    pub persons: i64,
}

#[server(prefix = "/api/desk", endpoint = "summary", input = server_fn::codec::Json)]
pub async fn desk_summary() -> AppResult<DeskCounts> {
    use crate::auth::Role;
    use crate::ssr::{guard::require, pool};
    require(Role::Member).await?;
    let (companies, persons): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM companies WHERE deleted_at IS NULL),
                (SELECT count(*) FROM persons WHERE deleted_at IS NULL)",
    )
    .fetch_one(&pool()?)
    .await?;
    Ok(DeskCounts { companies, persons })
}

#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let Me(user) = expect_context::<Me>();
    let summary = Resource::new(|| (), |_| desk_summary());
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
                                        <span class="tile-number">{s.companies}</span>
                                        <span>{tx!(i18n, desk.companies_count)}</span>
                                    </A>
                                    <A href="/persons" attr:class="tile">
                                        <span class="tile-number">{s.persons}</span>
                                        <span>{tx!(i18n, desk.persons_count)}</span>
                                    </A>
                                }
                            })
                    }}
                </Suspense>
            </div>
        </div>
    }
    .into_any()
}
