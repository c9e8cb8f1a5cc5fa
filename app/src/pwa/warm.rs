//! Keeps ahead of time what a person needs on the road: the Desk, the
//! calendar and the tasks board as pages, the agenda of the coming days and
//! the open tasks as data. Run once the user is known, at most once an hour
//! per user and device (and again whenever the worker has forgotten the
//! pages, as it does at each login and logout), and only online under the
//! service worker: the worker keeps
//! the pages it is asked to (`keep`), and keeps the answers of the read
//! calls below as it keeps any read (`READS`), under the same key the pages
//! use offline — so the calendar's "next day" works offline for a week.
//! Then, at every start, the worker is asked for the rest of the app's
//! pieces (`shell`: those its install left for later).

/// The pages kept for offline use, as the bottom bar and the calendar's
/// views open them. The Desk first: it is where the installed app opens
/// (the manifest's `start_url`), even when the last visit came to it from
/// another page without loading it.
pub const PAGES: &[&str] = &[
    "/",
    "/calendar",
    "/calendar?view=day",
    "/calendar?view=agenda",
    "/kanban",
];

/// Days ahead whose day view is kept.
pub const DAYS_AHEAD: i64 = 7;

/// Minimum time between two warm-ups for one user on one device.
#[cfg(feature = "hydrate")]
const EVERY_MS: f64 = 60.0 * 60.0 * 1000.0;

/// Starts the warm-up for `user_id` in the background (browser only).
pub fn warm_up(user_id: i64) {
    #[cfg(feature = "hydrate")]
    browser::start(user_id);
    #[cfg(not(feature = "hydrate"))]
    let _ = user_id;
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{DAYS_AHEAD, EVERY_MS, PAGES};
    use crate::calendar::{CalendarEvents, View, calendar_now, week_start};
    use crate::kanban::TaskFilter;
    use crate::kanban::api::TaskBoard;
    use crate::settings::layouts::{LayoutKey, my_layout};
    use chrono::Duration;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    pub fn start(user_id: i64) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(workers) = crate::pwa::service_workers() else {
            return;
        };
        if workers.controller().is_none() {
            // The first visit: the worker takes over this page in a moment.
            let mut started = false;
            let later = Closure::<dyn FnMut()>::new(move || {
                if !std::mem::replace(&mut started, true) {
                    start(user_id);
                }
            });
            let _ = workers.add_event_listener_with_callback(
                "controllerchange",
                later.as_ref().unchecked_ref(),
            );
            later.forget();
            return;
        }
        if !window.navigator().on_line() {
            return;
        }
        let key = format!("relais-warmed-{user_id}");
        let storage = window.local_storage().ok().flatten();
        let now = web_sys::js_sys::Date::now();
        let last = storage
            .as_ref()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .and_then(|v| v.parse::<i64>().ok());
        let recent = last.is_some_and(|t| now - (t as f64) < EVERY_MS);
        leptos::task::spawn_local(async move {
            // Warmed less than an hour ago, and the worker still has what it
            // kept then (a login or logout since has dropped it).
            if !(recent && desk_kept().await) {
                warm(storage, key, now).await;
            }
            // Then the pieces of the app its install left for later
            // (`server::pwa`): the worker takes those it lacks.
            super::super::outbox::post(serde_json::json!({ "type": "shell" }));
        });
    }

    /// Keeps the pages and their data, one call after the other.
    async fn warm(storage: Option<web_sys::Storage>, key: String, now: f64) {
        super::super::outbox::post(serde_json::json!({ "type": "keep", "urls": PAGES }));
        // One call after the other: this is background work, it must
        // not compete with what the person is doing.
        let Ok(today) = calendar_now().await.map(|t| t.date()) else {
            return;
        };
        let week_start = week_start();
        let mut ranges: Vec<_> = (0..DAYS_AHEAD)
            .map(|i| View::Day.range(today + Duration::days(i), week_start))
            .collect();
        ranges.push(View::Agenda.range(today, week_start));
        ranges.push(View::Week.range(today, week_start));
        ranges.push(View::Week.range(today + Duration::days(7), week_start));
        for (from, to) in ranges {
            // My own calendar (no one else's), as the calendar opens.
            let users = Vec::new();
            if !keep_answer(CalendarEvents { from, to, users }).await {
                return;
            }
        }
        // The board as `/kanban` opens it: my tasks.
        let mine = TaskFilter {
            mine: true,
            ..TaskFilter::default()
        };
        if !keep_answer(TaskBoard { filter: mine }).await {
            return;
        }
        let _ = my_layout(LayoutKey::TaskCards).await;
        let _ = crate::auth::user_options().await;
        // Marked done only once done: a warm-up cut short (the page
        // left, the connection lost) runs again at the next page load.
        if let Some(s) = &storage {
            // In whole milliseconds: formatting and parsing an `f64` would
            // bring the float tables into the main wasm (about 15 KB).
            let _ = s.set_item(&key, &(now as i64).to_string());
        }
    }

    /// Calls a read as its server function's client would (a POST of the
    /// arguments as JSON to its path), so that the worker keeps the answer
    /// under the key the page will ask for (the endpoint and the body).
    /// The answer is read to its end (an answer left unread keeps its
    /// request open) but not parsed: the warm-up needs it kept, and
    /// parsing it here would bring the calendar's and the board's types
    /// and their deserializers into the main wasm, where the warm-up lives
    /// (they belong to the agenda piece). Whether it was answered.
    async fn keep_answer<F: server_fn::ServerFn + serde::Serialize>(args: F) -> bool {
        use wasm_bindgen_futures::JsFuture;
        let (Some(window), Ok(body), Ok(headers)) = (
            web_sys::window(),
            serde_json::to_string(&args),
            web_sys::Headers::new(),
        ) else {
            return false;
        };
        let _ = headers.set("Content-Type", "application/json");
        let _ = headers.set("Accept", "application/json");
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&body.into());
        let Ok(answer) = JsFuture::from(window.fetch_with_str_and_init(F::PATH, &init)).await
        else {
            return false;
        };
        let answer: web_sys::Response = answer.unchecked_into();
        // Read to its end, then dropped. A body left unread keeps its
        // request open: the page's network never went quiet, and Lighthouse
        // waited its full 45 s for every page after login to settle.
        let read = match answer.array_buffer() {
            Ok(bytes) => JsFuture::from(bytes).await.is_ok(),
            Err(_) => false,
        };
        answer.ok() && read
    }

    /// Whether the worker's page cache holds the Desk.
    async fn desk_kept() -> bool {
        use wasm_bindgen_futures::JsFuture;
        let Some(caches) = web_sys::window().and_then(|w| w.caches().ok()) else {
            return false;
        };
        let Ok(cache) = JsFuture::from(caches.open(crate::pwa::PAGES_CACHE)).await else {
            return false;
        };
        let cache: web_sys::Cache = cache.unchecked_into();
        JsFuture::from(cache.match_with_str(PAGES[0]))
            .await
            .is_ok_and(|hit| !hit.is_undefined())
    }
}
