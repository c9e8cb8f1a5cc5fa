//! The bar at the top of every page that says the app is offline, that it
//! is back online, what waits on this device to be sent and when it is
//! being sent, or that a new release is ready (a new service worker took
//! over, so the code running in the tab is older than the server's).

use super::outbox::use_outbox;
use crate::i18n::*;
use crate::ui::erase::Erase;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Connection {
    Online,
    Offline,
    /// Online again: said for a few seconds, then the bar goes.
    BackOnline,
}

#[component]
pub fn ConnectionBar() -> impl IntoView {
    let i18n = use_i18n();
    let (connection, set_connection) = signal(Connection::Online);
    let (update_ready, set_update_ready) = signal(false);
    #[cfg(feature = "hydrate")]
    watch(set_connection, set_update_ready);
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_connection, set_update_ready);
    let message = move || match connection.get() {
        Connection::Offline => Some(("offline", t_string!(i18n, pwa.offline).to_string())),
        Connection::BackOnline => Some(("online", t_string!(i18n, pwa.back_online).to_string())),
        Connection::Online => None,
    };
    let outbox = use_outbox();
    // "3 changes wait on this device", "Sending 3 changes…", "All changes
    // sent.", "1 change was not applied — Review".
    let sync = move || {
        let (waiting, refused) = (outbox.waiting(), outbox.refused());
        let (class, text) = if outbox.syncing.get() {
            (
                "syncing",
                t_string!(i18n, pwa.syncing, n = waiting).to_string(),
            )
        } else if refused > 0 {
            (
                "refused",
                t_string!(i18n, pwa.refused, n = refused).to_string(),
            )
        } else if waiting > 0 {
            (
                "waiting",
                t_string!(i18n, pwa.waiting, n = waiting).to_string(),
            )
        } else if outbox.sent.get() > 0 {
            ("synced", t_string!(i18n, pwa.synced).to_string())
        } else {
            return None;
        };
        Some(view! {
            <p class=format!("connection-bar {class}") data-sync=class>
                {text} " "
                <a href="/outbox">{move || t_string!(i18n, pwa.review).to_string()}</a>
            </p>
        })
    };
    // "All changes sent" goes after a few seconds.
    Effect::new(move || {
        if outbox.sent.get() > 0 {
            set_timeout(
                move || outbox.sent.set(0),
                std::time::Duration::from_secs(4),
            );
        }
    });
    view! {
        <div class="connection-bar-slot" role="status" aria-live="polite">
            {move || {
                message()
                    .map(|(class, text)| {
                        view! {
                            <p class=format!("connection-bar {class}") data-connection=class>
                                {text}
                            </p>
                        }
                    })
            }}
            {sync}
            <Show when=move || update_ready.get()>
                <p class="connection-bar update">
                    {move || t_string!(i18n, pwa.update_ready).to_string()} " "
                    <button type="button" class="link-button" on:click=|_| reload()>
                        {move || t_string!(i18n, pwa.reload).to_string()}
                    </button>
                </p>
            </Show>
        </div>
    }
    .erase()
}

#[cfg(feature = "hydrate")]
fn watch(set_connection: WriteSignal<Connection>, set_update_ready: WriteSignal<bool>) {
    use leptos::ev;
    use web_sys::wasm_bindgen::{JsCast, closure::Closure};

    // After hydration (an effect): the server drew no bar, and the first
    // render in the browser must draw the same.
    Effect::new(move || {
        if web_sys::window().is_some_and(|w| !w.navigator().on_line()) {
            set_connection.set(Connection::Offline);
        }
    });
    let offline = window_event_listener(ev::offline, move |_| {
        set_connection.set(Connection::Offline);
    });
    let online = window_event_listener(ev::online, move |_| {
        set_connection.set(Connection::BackOnline);
        set_timeout(
            move || {
                set_connection.update(|c| {
                    if *c == Connection::BackOnline {
                        *c = Connection::Online;
                    }
                })
            },
            std::time::Duration::from_secs(4),
        );
    });
    on_cleanup(move || {
        offline.remove();
        online.remove();
    });
    // A new worker taking over a page that already had one: a new release.
    if let Some(workers) = super::service_workers()
        && workers.controller().is_some()
    {
        let on_change = Closure::<dyn FnMut()>::new(move || set_update_ready.set(true));
        workers.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
        // Lives as long as the page.
        on_change.forget();
    }
}

fn reload() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
