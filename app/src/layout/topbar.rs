use super::profile::ProfileMenu;
use crate::i18n::*;
use crate::records::search::GlobalSearch;
use crate::tx;
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;

#[component]
pub fn TopBar(drawer: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    // Hydrated in a task of its own, like the sidebar: the page's own
    // hydration does not wait for the search box, the bell and the menus.
    crate::ui::later::hydrate_later(view! {
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
            <a href="/" class="brand topbar-brand">
                {tx!(i18n, app_name)}
            </a>
            <GlobalSearch />
            <div class="topbar-actions">
                <details class="menu quick-create">
                    <summary class="icon-button" aria-label=tx!(i18n, topbar.quick_create) title=tx!(i18n, topbar.quick_create)>
                        <Svg icon=Icon::Plus />
                    </summary>
                    <div class="menu-panel" role="menu">
                        <a href="/companies/new" role="menuitem">{tx!(i18n, topbar.new_company)}</a>
                        <a href="/persons/new" role="menuitem">{tx!(i18n, topbar.new_person)}</a>
                        <a href="/deals/new" role="menuitem">{tx!(i18n, topbar.new_deal)}</a>
                        <a href="/interactions/new?kind=call" role="menuitem">{tx!(i18n, interaction.new_call)}</a>
                        <a href="/interactions/new?kind=meeting" role="menuitem">{tx!(i18n, interaction.new_meeting)}</a>
                        <a href="/interactions/new?kind=task" role="menuitem">{tx!(i18n, interaction.new_task)}</a>
                    </div>
                </details>
                <crate::notifications::Bell />
                <ProfileMenu />
            </div>
        </header>
    })
}
