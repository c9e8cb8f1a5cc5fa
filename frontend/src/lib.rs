//! The browser entry point: hydrates the HTML that the server rendered,
//! then registers the service worker (installable app, offline reading).
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    app::pwa::register_service_worker();
}
