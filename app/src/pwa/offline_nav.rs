//! Moving around offline reads what the device kept, exactly as a reload
//! does.
//!
//! A page first opened by a real load was drawn by the server: its data
//! came in the HTML, so the browser never called the server functions the
//! page calls when it is reached *inside* the app, and the device has no
//! copy of those answers. Offline, in-app navigation to it would say "not
//! opened on this device before" for a page the device holds. So a page
//! (record or list) that could not load its data for want of a connection
//! loads itself again once, as a real load the service worker answers with
//! the kept page (or the offline page), then again when the connection
//! returns. A page reached inside the app before keeps working inside the
//! app: its answers are on the device.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

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
                Some((at.parse::<i64>().ok()?, url.to_string()))
            })
            .is_some_and(|(at, url)| url == here && now - (at as f64) < 30_000.0);
        if !recent {
            if let Some(s) = &storage {
                // Whole milliseconds: an `f64` written and read back would
                // bring float formatting and parsing to every page's wasm.
                let _ = s.set_item(key, &format!("{} {here}", now as i64));
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
