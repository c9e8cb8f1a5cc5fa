//! The browser entry point: hydrates the HTML that the server rendered,
//! then registers the service worker (installable app, offline reading).
#![recursion_limit = "256"]

mod startup;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Called in the task that instantiated the wasm: hydrating in a task of
    // its own lets the browser breathe (paint, input) between the two.
    gloo_timers::callback::Timeout::new(0, || {
        startup::init();
        // Asynchronous: a page's code is a wasm piece of its own
        // (`app::routes`), fetched before its HTML is hydrated.
        leptos::task::spawn_local(async {
            let body = leptos::prelude::document().body().expect("a body");
            leptos::mount::hydrate_from_async(body, app::App)
                .await
                .forget();
            app::pwa::register_service_worker();
        });
    })
    .forget();
}
