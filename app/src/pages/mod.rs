//! Pages that belong to no single module: the desk, search results, the
//! "not built yet" placeholder and "not found".

pub mod search;

use crate::i18n::*;
use crate::tx;
use leptos::prelude::*;
use leptos_router::components::A;

/// A module of the spec whose page is not built yet: says so plainly.
#[component]
pub fn NotBuilt(#[prop(into)] module: TextProp) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page placeholder">
            <h1>
                {move || {
                    let module = module.get().to_string();
                    t_string!(i18n, common.not_built_title, module).to_string()
                }}
            </h1>
            <p class="muted">{tx!(i18n, common.not_built_body)}</p>
        </div>
    }
    .into_any()
}

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
            <A href="/" attr:class="button">{tx!(i18n, common.go_home)}</A>
        </div>
    }
    .into_any()
}
