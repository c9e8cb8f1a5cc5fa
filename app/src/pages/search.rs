//! Results of the top bar's search when Enter is pressed without picking:
//! the same ranked matches as the drop-down, on a page of their own.

use crate::i18n::*;
use crate::records::RecordKind;
use crate::records::search::global_search;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::list::urlencode;
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let hits = resource(move || q.get(), global_search);
    let section = move |kind: RecordKind, title: Box<dyn Fn() -> String + Send + Sync>| {
        view! {
            <section class="card">
                <header class="card-header">
                    <h2>{title}</h2>
                    <a href=move || format!("{}?q={}", kind.base(), urlencode(&q.get()))>{tx!(i18n, list.search)}</a>
                </header>
                <Suspense fallback=|| ()>
                    <ul class="related">
                        {move || {
                            hits.get().and_then(|r| r.ok()).map(|list| {
                                let mine: Vec<_> = list.into_iter().filter(|h| h.kind == kind).collect();
                                if mine.is_empty() {
                                    view! { <li class="muted">{t_string!(i18n, common.no_match).to_string()}</li> }.erase()
                                } else {
                                    mine.into_iter().map(|h| view! {
                                        <li><a href=h.kind.href(h.id)>{h.name}</a><span class="muted">{h.detail}</span></li>
                                    }).collect_view().erase()
                                }
                            })
                        }}
                    </ul>
                </Suspense>
            </section>
        }
    };
    view! {
        <div class="page search-page">
            <header class="page-header">
                <h1>{move || format!("{} « {} »", t_string!(i18n, topbar.search_label), q.get())}</h1>
            </header>
            <div class="record-body">
                {section(RecordKind::Company, Box::new(tx!(i18n, nav.companies)))}
                {section(RecordKind::Person, Box::new(tx!(i18n, nav.persons)))}
                {section(RecordKind::Deal, Box::new(tx!(i18n, nav.deals)))}
                {section(RecordKind::Enrolment, Box::new(tx!(i18n, enrolment.plural)))}
                {section(RecordKind::Document, Box::new(tx!(i18n, nav.documents)))}
            </div>
        </div>
    }
    .erase()
}
