//! Results of the top bar's search: matching companies and persons.

use crate::companies::list_companies;
use crate::i18n::*;
use crate::persons::list_persons;
use crate::tx;
use crate::ui::list::{ListQuery, urlencode};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let list = move || ListQuery {
        q: q.get(),
        per_page: 10,
        ..Default::default()
    };
    let companies = Resource::new(list, list_companies);
    let persons = Resource::new(list, list_persons);
    view! {
        <div class="page search-page">
            <header class="page-header">
                <h1>{move || format!("{} « {} »", t_string!(i18n, topbar.search_label), q.get())}</h1>
            </header>
            <div class="record-body">
                <section class="card">
                    <header class="card-header">
                        <h2>{tx!(i18n, nav.companies)}</h2>
                        <A href=move || format!("/companies?q={}", urlencode(&q.get()))>{tx!(i18n, list.search)}</A>
                    </header>
                    <Suspense fallback=|| ()>
                        <ul class="related">
                            {move || {
                                companies.get().and_then(|r| r.ok()).map(|p| {
                                    p.rows.into_iter().map(|c| view! {
                                        <li><A href=format!("/companies/{}", c.id)>{c.name}</A><span class="muted">{c.city}</span></li>
                                    }).collect_view()
                                })
                            }}
                        </ul>
                    </Suspense>
                </section>
                <section class="card">
                    <header class="card-header">
                        <h2>{tx!(i18n, nav.persons)}</h2>
                        <A href=move || format!("/persons?q={}", urlencode(&q.get()))>{tx!(i18n, list.search)}</A>
                    </header>
                    <Suspense fallback=|| ()>
                        <ul class="related">
                            {move || {
                                persons.get().and_then(|r| r.ok()).map(|p| {
                                    p.rows.into_iter().map(|c| view! {
                                        <li><A href=format!("/persons/{}", c.id)>{c.name}</A><span class="muted">{c.company}</span></li>
                                    }).collect_view()
                                })
                            }}
                        </ul>
                    </Suspense>
                </section>
            </div>
        </div>
    }
    .into_any()
}
