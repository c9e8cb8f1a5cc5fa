//! The top bar's bell: unread count, a panel of the newest notifications,
//! "mark all read", and desktop notifications where the user allowed them.
//!
//! The list is a `LocalResource`: it loads in the browser after hydration
//! (the server renders the bell with no count, as the browser's first render
//! does; the top bar is hydrated in a task of its own, and the first load
//! waits for it), then every 30 seconds and whenever the panel opens.

use super::{NotificationItem, NotificationList, mark_all_read, mark_read, notifications};
use crate::i18n::*;
use crate::interactions::kind_label;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::I18n;
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;

/// How often the browser asks for new notifications, in milliseconds.
#[cfg(feature = "hydrate")]
const POLL_MS: u32 = 30_000;

/// Desktop notifications shown at most per poll.
#[cfg(feature = "hydrate")]
const DESKTOP_MAX: usize = 3;

/// What the badge shows.
fn badge_text(unread: i64) -> String {
    if unread > 99 {
        "99+".into()
    } else {
        unread.to_string()
    }
}

/// "Reminder" or "Assigned to you by …".
fn what(i18n: I18n, n: &NotificationItem) -> String {
    if n.kind == "assigned" {
        if n.actor_name.is_empty() {
            t_string!(i18n, notifications.assigned).to_string()
        } else {
            let name = n.actor_name.clone();
            t_string!(i18n, notifications.assigned_by, name).to_string()
        }
    } else {
        t_string!(i18n, notifications.reminder).to_string()
    }
}

#[component]
pub fn Bell() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "hydrate")]
    let me = use_context::<crate::layout::Me>();
    #[cfg(feature = "hydrate")]
    let by_mail_only = move || {
        me.and_then(|m| m.0.get())
            .and_then(|u| u.ok())
            .is_some_and(|u| u.reminders_by == "mail")
    };
    // Not before the top bar is hydrated (`later::hydrated`): a count
    // arriving first would draw a badge the server's HTML does not have.
    let fetched = LocalResource::new(|| async {
        crate::ui::later::hydrated().await;
        notifications().await
    });
    // The last list received, changed at once by the user's clicks.
    let data = RwSignal::new(NotificationList::default());
    let failed = RwSignal::new(false);
    let open = RwSignal::new(false);
    // The browser's permission for desktop notifications: "default",
    // "granted" or "denied"; empty on the server and where unsupported.
    let permission = RwSignal::new(String::new());
    // Marks sent and not yet answered: a list fetched meanwhile may predate
    // them, so it is dropped (the answer refetches).
    let sending = StoredValue::new(0u32);
    // The newest id and the unread count of the previous list: what is newer
    // is announced on the desktop (nothing on the first load).
    let seen = StoredValue::new(None::<(i64, i64)>);

    Effect::new(move || match fetched.get() {
        Some(Ok(list)) if sending.get_value() == 0 => {
            failed.set(false);
            let arrived = fresh(seen, &list);
            // Reminders chosen "by mail" only are not also announced on
            // the desktop (the bell lists them all the same).
            #[cfg(feature = "hydrate")]
            if !arrived.is_empty() && !untrack(by_mail_only) {
                untrack(|| desktop::announce(i18n, permission, &arrived));
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = arrived;
            data.set(list);
        }
        Some(Err(_)) => failed.set(true),
        _ => {}
    });

    #[cfg(feature = "hydrate")]
    {
        let poll = gloo_timers::callback::Interval::new(POLL_MS, move || fetched.refetch());
        let poll = StoredValue::new_local(Some(poll));
        on_cleanup(move || {
            poll.try_update_value(|p| p.take());
        });
        Effect::new(move || permission.set(desktop::permission()));
        // A click outside the bell closes its panel.
        let handle = window_event_listener(leptos::ev::click, move |ev| {
            if !open.get_untracked() {
                return;
            }
            let inside = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .and_then(|el| el.closest(".notifications").ok().flatten())
                .is_some();
            if !inside {
                open.set(false);
            }
        });
        on_cleanup(move || handle.remove());
    }

    // Sends a mark, then fetches the truth again.
    let send = move |mark: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>| {
        sending.update_value(|s| *s += 1);
        leptos::task::spawn_local(async move {
            mark.await;
            sending.update_value(|s| *s = s.saturating_sub(1));
            fetched.refetch();
        });
    };
    let read_one = move |id: i64| {
        let unread = data.with_untracked(|d| d.items.iter().any(|n| n.id == id && !n.read));
        if unread {
            data.update(|d| {
                d.items
                    .iter_mut()
                    .filter(|n| n.id == id)
                    .for_each(|n| n.read = true);
                d.unread = (d.unread - 1).max(0);
            });
            send(Box::pin(async move {
                let _ = mark_read(vec![id]).await;
            }));
        }
        open.set(false);
    };
    let read_all = move |_| {
        data.update(|d| {
            d.items.iter_mut().for_each(|n| n.read = true);
            d.unread = 0;
        });
        send(Box::pin(async move {
            let _ = mark_all_read().await;
        }));
    };
    let toggle = move |_| {
        let now = !open.get_untracked();
        open.set(now);
        if now {
            fetched.refetch();
        }
    };
    let ask = move |_| {
        #[cfg(feature = "hydrate")]
        desktop::request(permission);
    };
    let unread = move || data.with(|d| d.unread);
    let label = move || {
        let count = unread();
        t_string!(i18n, notifications.bell_label, count).to_string()
    };
    view! {
        <div
            class="menu notifications"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <button
                type="button"
                class="icon-button bell"
                aria-label=label
                title=label
                aria-expanded=move || open.get().to_string()
                aria-controls="notifications-panel"
                on:click=toggle
            >
                <Svg icon=Icon::Bell />
                <Show when=move || { unread() > 0 }>
                    <span class="bell-badge" aria-hidden="true">{move || badge_text(unread())}</span>
                </Show>
            </button>
            <Show when=move || open.get()>
                <div id="notifications-panel" class="menu-panel notifications-panel">
                    <div class="notifications-head">
                        <strong>{tx!(i18n, notifications.title)}</strong>
                        <button
                            type="button"
                            class="link-button notifications-read-all"
                            disabled=move || unread() == 0
                            on:click=read_all
                        >
                            {tx!(i18n, notifications.mark_all_read)}
                        </button>
                    </div>
                    <Show when=move || permission.get() == "default">
                        <button type="button" class="button notifications-desktop" on:click=ask>
                            {tx!(i18n, notifications.desktop_on)}
                        </button>
                    </Show>
                    <Show when=move || failed.get()>
                        <p class="banner banner-error">{tx!(i18n, notifications.load_failed)}</p>
                    </Show>
                    {move || {
                        let items = data.with(|d| d.items.clone());
                        if items.is_empty() {
                            view! { <p class="muted">{tx!(i18n, notifications.empty)}</p> }.erase()
                        } else {
                            view! {
                                <ul class="notifications-list">
                                    {items.into_iter().map(|n| item(i18n, n, read_one)).collect_view()}
                                </ul>
                            }
                                .erase()
                        }
                    }}
                </div>
            </Show>
        </div>
    }
    .erase()
}

/// One notification: a link to its interaction; following it marks it read.
fn item(i18n: I18n, n: NotificationItem, read_one: impl Fn(i64) + Copy + 'static) -> AnyView {
    let id = n.id;
    let unread = !n.read;
    view! {
        <li class="notification" class:unread=unread data-id=id on:click=move |_| read_one(id)>
            <a href=format!("/interactions/{}", n.interaction_id)>
                <span class="notification-what">
                    {what(i18n, &n)} " · " {kind_label(i18n, &n.interaction_kind)}
                </span>
                <span class="notification-subject">{n.subject.clone()}</span>
                <span class="notification-when muted">{n.starts.clone()}</span>
                {unread
                    .then(|| {
                        view! {
                            <span class="visually-hidden">{t_string!(i18n, notifications.unread).to_string()}</span>
                        }
                    })}
            </a>
        </li>
    }
    .erase()
}

/// What to announce on the desktop: the notifications newer than the
/// previous list, when the unread count rose (nothing on the first list).
fn fresh(seen: StoredValue<Option<(i64, i64)>>, list: &NotificationList) -> Vec<NotificationItem> {
    let newest = list.items.iter().map(|n| n.id).max().unwrap_or(0);
    let before = seen.get_value();
    seen.set_value(Some((newest.max(before.map_or(0, |b| b.0)), list.unread)));
    match before {
        Some((last_id, last_unread)) if list.unread > last_unread => list
            .items
            .iter()
            .filter(|n| !n.read && n.id > last_id)
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// The browser's Notification API, where it exists.
#[cfg(feature = "hydrate")]
mod desktop {
    use super::{DESKTOP_MAX, I18n, NotificationItem, kind_label};
    use crate::i18n::*;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{Notification, NotificationOptions, NotificationPermission};

    /// Shows `fresh` (a few of them) where the user allowed it.
    pub fn announce(i18n: I18n, permission: RwSignal<String>, fresh: &[NotificationItem]) {
        let now = self::permission();
        if permission.get_untracked() != now {
            permission.set(now.clone());
        }
        if now != "granted" {
            return;
        }
        for n in fresh.iter().take(DESKTOP_MAX) {
            let subject = n.subject.clone();
            let title = if n.kind == "assigned" {
                t_string!(i18n, notifications.desktop_assigned, subject).to_string()
            } else {
                t_string!(i18n, notifications.desktop_reminder, subject).to_string()
            };
            let body = format!("{} · {}", kind_label(i18n, &n.interaction_kind), n.starts);
            show(
                &title,
                &body,
                &format!("relais-notification-{}", n.id),
                format!("/interactions/{}", n.interaction_id),
            );
        }
    }

    /// "default", "granted", "denied", or empty where unsupported.
    pub fn permission() -> String {
        let supported = web_sys::window()
            .map(|w| {
                web_sys::js_sys::Reflect::has(&w, &JsValue::from_str("Notification"))
                    .unwrap_or(false)
            })
            .unwrap_or(false);
        if !supported {
            return String::new();
        }
        match Notification::permission() {
            NotificationPermission::Granted => "granted",
            NotificationPermission::Denied => "denied",
            _ => "default",
        }
        .into()
    }

    /// Asks the user (a click is the gesture browsers require); `permission`
    /// takes the answer.
    pub fn request(permission: RwSignal<String>) {
        if self::permission().is_empty() {
            return;
        }
        let Ok(promise) = Notification::request_permission() else {
            return;
        };
        let answered = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            permission.set(self::permission());
        });
        let _ = promise.then(&answered);
        answered.forget();
    }

    /// One desktop notification; a click on it opens `href`. The tag makes
    /// several open tabs show it once.
    pub fn show(title: &str, body: &str, tag: &str, href: String) {
        let options = NotificationOptions::new();
        options.set_body(body);
        options.set_tag(tag);
        if let Ok(n) = Notification::new_with_options(title, &options) {
            let click = Closure::<dyn FnMut()>::new(move || {
                if let Some(w) = web_sys::window() {
                    let _ = w.focus();
                    let _ = w.location().set_href(&href);
                }
            });
            n.set_onclick(Some(click.as_ref().unchecked_ref()));
            click.forget();
        }
    }
}
