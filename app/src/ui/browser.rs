//! Secondary data loaded in the browser once the page is hydrated.
//!
//! A page's own data comes from a `Resource` read inside its `Suspense`: the
//! server waits for it and sends the page drawn. Data that may come later
//! (favourites, a record's star and tags, its deals) must not hold that
//! Suspense: a `LocalResource` read inside it never resolves on the server,
//! so the whole page would wait for hydration. `load_in_browser` starts the
//! call from an effect instead — effects run only in the browser — and no
//! Suspense ever waits for it. Offline, the call is answered from the data
//! the device kept (the service worker), so it is as fresh as the last time
//! it was seen online.

use crate::ui::erase::Erase;
use leptos::prelude::*;
use std::future::Future;

/// `None` until `fetch` has answered in the browser (always `None` on the
/// server). `fetch` runs again when a signal it reads changes; an answer
/// overtaken by a later call is dropped, so a slow first answer never
/// replaces the one to the last question (a type-ahead's matches).
pub fn load_in_browser<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> ReadSignal<Option<T>>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + 'static,
{
    let data = RwSignal::new(None);
    let asked = StoredValue::new(0u64);
    Effect::new(move || {
        let answer = fetch();
        let call = asked.try_update_value(|n| {
            *n += 1;
            *n
        });
        leptos::task::spawn_local(async move {
            let answer = answer.await;
            // A part of the page whose hydration waits (`ui::later`) must
            // still find the server's HTML as drawn: the answer waits for
            // it (at once when nothing waits).
            crate::ui::later::hydrated().await;
            // The page may be gone by then (nothing to show it on), or a
            // later call may have been made.
            if call.is_some() && asked.try_get_value() == call {
                let _ = data.try_set(Some(answer));
            }
        });
    });
    data.read_only()
}

/// What a card shows while its [`load_in_browser`] data is on its way: one
/// empty line, the height of its "none yet" message, so that the cards
/// below do not move when the answer comes (a tap aimed at them would land
/// elsewhere).
pub fn loading_line() -> AnyView {
    view! { <p class="muted" aria-hidden="true">"\u{a0}"</p> }.erase()
}

/// A card's list loaded with [`load_in_browser`]: the [`loading_line`]
/// until it comes, the `none` message when it is empty, else `list` of it
/// (nothing when the call failed).
pub fn related_list<T>(
    loaded: Option<crate::error::AppResult<Vec<T>>>,
    none: impl FnOnce() -> String,
    list: impl FnOnce(Vec<T>) -> AnyView,
) -> Option<AnyView> {
    match loaded {
        None => Some(loading_line()),
        Some(Err(_)) => None,
        Some(Ok(items)) if items.is_empty() => {
            Some(view! { <p class="muted">{none()}</p> }.erase())
        }
        Some(Ok(items)) => Some(list(items)),
    }
}
