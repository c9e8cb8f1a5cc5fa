use super::profile::ProfileMenu;
use crate::i18n::*;
use crate::tx;
use crate::ui::icons::{Icon, Svg};
use crate::ui::list::urlencode;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn TopBar(drawer: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let search = RwSignal::new(String::new());
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = search.get_untracked();
        if !q.trim().is_empty() {
            navigate(&format!("/search?q={}", urlencode(&q)), Default::default());
        }
    };
    view! {
        <header class="topbar">
            <button
                class="icon-button menu-button"
                aria-label=tx!(i18n, nav.open_menu)
                aria-controls="sidebar"
                aria-expanded=move || drawer.get().to_string()
                on:click=move |_| drawer.update(|d| *d = !*d)
            >
                <Svg icon=Icon::Menu />
            </button>
            <A href="/" attr:class="brand topbar-brand">
                {tx!(i18n, app_name)}
            </A>
            <form class="global-search" role="search" on:submit=on_search>
                <label class="visually-hidden" for="global-search">{tx!(i18n, topbar.search_label)}</label>
                <Svg icon=Icon::Search />
                <input
                    id="global-search"
                    type="search"
                    placeholder=tx!(i18n, topbar.search_placeholder)
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
            </form>
            <div class="topbar-actions">
                <details class="menu quick-create">
                    <summary class="icon-button" aria-label=tx!(i18n, topbar.quick_create) title=tx!(i18n, topbar.quick_create)>
                        <Svg icon=Icon::Plus />
                    </summary>
                    <div class="menu-panel" role="menu">
                        <A href="/companies/new" attr:role="menuitem">{tx!(i18n, topbar.new_company)}</A>
                        <A href="/persons/new" attr:role="menuitem">{tx!(i18n, topbar.new_person)}</A>
                    </div>
                </details>
                <details class="menu notifications">
                    <summary class="icon-button" aria-label=tx!(i18n, topbar.notifications) title=tx!(i18n, topbar.notifications)>
                        <Svg icon=Icon::Bell />
                    </summary>
                    <div class="menu-panel">
                        <p class="muted">{tx!(i18n, topbar.no_notifications)}</p>
                    </div>
                </details>
                <ProfileMenu />
            </div>
        </header>
    }
    .into_any()
}
