use super::profile::ProfileMenu;
use crate::i18n::*;
use crate::records::search::GlobalSearch;
use crate::tx;
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn TopBar(drawer: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
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
            <GlobalSearch />
            <div class="topbar-actions">
                <details class="menu quick-create">
                    <summary class="icon-button" aria-label=tx!(i18n, topbar.quick_create) title=tx!(i18n, topbar.quick_create)>
                        <Svg icon=Icon::Plus />
                    </summary>
                    <div class="menu-panel" role="menu">
                        <A href="/companies/new" attr:role="menuitem">{tx!(i18n, topbar.new_company)}</A>
                        <A href="/persons/new" attr:role="menuitem">{tx!(i18n, topbar.new_person)}</A>
                        <A href="/deals/new" attr:role="menuitem">{tx!(i18n, topbar.new_deal)}</A>
                        <A href="/interactions/new?kind=call" attr:role="menuitem">{tx!(i18n, interaction.new_call)}</A>
                        <A href="/interactions/new?kind=meeting" attr:role="menuitem">{tx!(i18n, interaction.new_meeting)}</A>
                        <A href="/interactions/new?kind=task" attr:role="menuitem">{tx!(i18n, interaction.new_task)}</A>
                    </div>
                </details>
                <crate::notifications::Bell />
                <ProfileMenu />
            </div>
        </header>
    }
    .into_any()
}
