//! Moving around offline reads what the device kept, exactly as a reload
//! does.
//!
//! A page first opened by a real load was drawn by the server: its data
//! came in the HTML, so the browser never called the server functions the
//! page calls when it is reached *inside* the app, and the device has no
//! copy of those answers. Offline, in-app navigation would say "not opened
//! on this device before" for a page the device holds. So, offline:
//! - a click on a link of the app is a real navigation, which the service
//!   worker answers with the kept page (or the offline page);
//! - a page that could not load its data for want of a connection loads
//!   itself again once from the device, then again when the connection
//!   returns.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// Whether the browser says it has no connection.
#[cfg(feature = "hydrate")]
pub fn offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

/// Installs the link handler (once, from the shell, in the browser). It
/// listens in the capture phase, before the router's own handler.
pub fn install() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let on_click = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
            if !offline()
                || ev.default_prevented()
                || ev.button() != 0
                || ev.ctrl_key()
                || ev.meta_key()
                || ev.shift_key()
                || ev.alt_key()
            {
                return;
            }
            let Some(a) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("a[href]").ok().flatten())
            else {
                return;
            };
            if a.has_attribute("download")
                || a.get_attribute("target").is_some_and(|t| t != "_self")
            {
                return;
            }
            let Some(href) = a.get_attribute("href") else {
                return;
            };
            // This site's pages only (not mailto:, tel:, other sites, anchors).
            if !href.starts_with('/') || href.starts_with("//") {
                return;
            }
            ev.prevent_default();
            ev.stop_propagation();
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign(&href);
            }
        });
        let options = web_sys::AddEventListenerOptions::new();
        options.set_capture(true);
        let _ = doc.add_event_listener_with_callback_and_add_event_listener_options(
            "click",
            on_click.as_ref().unchecked_ref(),
            &options,
        );
        // Lives as long as the page.
        on_click.forget();
    }
}

/// Called when a page could not load its data for want of a connection:
/// loads the page again from the device (once: the kept page carries its
/// data), and again when the connection returns.
pub fn recover_page() {
    #[cfg(feature = "hydrate")]
    {
        let Some(w) = web_sys::window() else {
            return;
        };
        let here = w.location().href().unwrap_or_default();
        let key = "relais-reloaded-offline";
        let storage = w.session_storage().ok().flatten();
        let now = web_sys::js_sys::Date::now();
        let recent = storage
            .as_ref()
            .and_then(|s| s.get_item(key).ok().flatten())
            .and_then(|v| {
                let (at, url) = v.split_once(' ')?;
                Some((at.parse::<f64>().ok()?, url.to_string()))
            })
            .is_some_and(|(at, url)| url == here && now - at < 30_000.0);
        if !recent {
            if let Some(s) = &storage {
                let _ = s.set_item(key, &format!("{now} {here}"));
            }
            let _ = w.location().reload();
            return;
        }
        // Already the device's copy: wait for the connection.
        let handle = window_event_listener(leptos::ev::online, move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        on_cleanup(move || handle.remove());
    }
}
