//! Pages that belong to no single module: search results and "not found".

pub mod search;

use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="page placeholder">
            <h1>{tx!(i18n, common.not_found)}</h1>
            <p class="muted">{tx!(i18n, common.not_found_body)}</p>
            <a href="/" class="button">{tx!(i18n, common.go_home)}</a>
        </div>
    }
    .erase()
}
