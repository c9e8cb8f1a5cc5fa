//! The app shell around every logged-in page: sidebar of modules (a drawer
//! behind a menu button below 768 px), top bar with search, quick create,
//! notifications and the profile menu.

mod links;
pub mod profile;
mod topbar;

use crate::auth::{CurrentUser, me};
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::icons::{Icon, Svg};
use crate::ui::later::hydrate_later;
use crate::ui::resource::{Data, resource};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use links::NavLink;

/// The logged-in user, for any component of the shell.
#[derive(Clone, Copy)]
pub struct Me(pub Data<Result<CurrentUser, crate::error::AppError>>);

impl Me {
    /// Whether the signed-in user (as the page knows them, from context)
    /// has at least `role`: `false` until known. What a page offers only;
    /// the server function checks again.
    pub fn has(role: crate::auth::Role) -> bool {
        use_context::<Me>()
            .and_then(|me| me.0.get())
            .and_then(|r| r.ok())
            .is_some_and(|u| u.role.includes(role))
    }
}

/// One entry of the sidebar: path, icon, label.
fn modules(i18n: crate::ui::feedback::I18n) -> Vec<(&'static str, Icon, TextProp)> {
    vec![
        ("/", Icon::Desk, tx!(i18n, nav.desk).into()),
        ("/companies", Icon::Company, tx!(i18n, nav.companies).into()),
        ("/persons", Icon::Person, tx!(i18n, nav.persons).into()),
        ("/deals", Icon::Deal, tx!(i18n, nav.deals).into()),
        (
            "/interactions",
            Icon::Interaction,
            tx!(i18n, nav.interactions).into(),
        ),
        ("/calendar", Icon::Calendar, tx!(i18n, nav.calendar).into()),
        ("/planning", Icon::Planning, tx!(i18n, nav.planning).into()),
        ("/kanban", Icon::Kanban, tx!(i18n, nav.kanban).into()),
        ("/reports", Icon::Report, tx!(i18n, nav.reports).into()),
        (
            "/documents",
            Icon::Document,
            tx!(i18n, nav.documents).into(),
        ),
        // The documents of type CV (`documents::pages::cv_href`).
        (
            "/documents?f=doc_type.is.cv",
            Icon::Document,
            tx!(i18n, nav.cv).into(),
        ),
        (
            "/programmes",
            Icon::Programme,
            tx!(i18n, nav.programmes).into(),
        ),
    ]
}

/// Settings only an admin has: users, pipelines, the audit log and the trash.
#[component]
fn AdminLinks() -> impl IntoView {
    let i18n = use_i18n();
    let me = expect_context::<Me>();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                me.0
                    .get()
                    .and_then(|r| r.ok())
                    .filter(|u| u.role.includes(crate::auth::Role::Manager))
                    .map(|u| {
                        let admin = u.role == crate::auth::Role::Admin;
                        view! {
                            <ul class="sidebar-admin" aria-label=tx!(i18n, nav.settings)>
                                <li><NavLink href="/import"><span>{tx!(i18n, nav.import)}</span></NavLink></li>
                                <li><NavLink href="/duplicates"><span>{tx!(i18n, nav.duplicates)}</span></NavLink></li>
                                <li><NavLink href="/quality"><span>{tx!(i18n, nav.quality)}</span></NavLink></li>
                                {admin.then(|| view! {
                                    <li><NavLink href="/settings/users"><span>{tx!(i18n, nav.users)}</span></NavLink></li>
                                    <li><NavLink href="/settings/pipelines"><span>{tx!(i18n, nav.pipelines)}</span></NavLink></li>
                                    <li><NavLink href="/settings/programmes"><span>{tx!(i18n, nav.catalogue)}</span></NavLink></li>
                                    <li><NavLink href="/settings/audit"><span>{tx!(i18n, nav.audit)}</span></NavLink></li>
                                    <li><NavLink href="/trash"><span>{tx!(i18n, nav.trash)}</span></NavLink></li>
                                })}
                            </ul>
                        }
                    })
            }}
        </Suspense>
    }
    .erase()
}

/// An admin without the second factor the organisation requires acts as a
/// member (`ssr::guard`): every page says so, with the way to set it up.
#[component]
fn SecondFactorBanner() -> impl IntoView {
    let i18n = use_i18n();
    let me = expect_context::<Me>();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                me.0
                    .get()
                    .and_then(|r| r.ok())
                    .filter(|u| u.needs_second_factor)
                    .map(|_| {
                        view! {
                            <p class="banner banner-warning second-factor-banner" role="status">
                                {tx!(i18n, second_factor.banner)} " "
                                <a href="/settings/profile#second-factor">{tx!(i18n, second_factor.banner_link)}</a>
                            </p>
                        }
                    })
            }}
        </Suspense>
    }
    .erase()
}

/// Phones only (hidden from 768 px): what the thumb reaches most — the
/// Desk, the calendar, the tasks board, search and "new interaction".
#[component]
fn BottomBar() -> impl IntoView {
    let i18n = use_i18n();
    let items: [(&str, Icon, TextProp); 5] = [
        ("/", Icon::Desk, tx!(i18n, nav.desk).into()),
        ("/calendar", Icon::Calendar, tx!(i18n, nav.calendar).into()),
        ("/kanban", Icon::Kanban, tx!(i18n, nav.tasks).into()),
        ("/search", Icon::Search, tx!(i18n, nav.search).into()),
        ("/interactions/new", Icon::Plus, tx!(i18n, nav.new).into()),
    ];
    // Hydrated in a task of its own.
    hydrate_later(view! {
        <nav class="bottom-bar" aria-label=tx!(i18n, nav.quick_nav)>
            {items
                .into_iter()
                .map(|(href, icon, label)| {
                    view! {
                        <NavLink href=href exact=true>
                            <Svg icon=icon />
                            <span>{move || label.get().to_string()}</span>
                        </NavLink>
                    }
                })
                .collect_view()}
        </nav>
    })
}

/// The main menu: a sidebar, a drawer on phones. Hydrated in a task of its
/// own.
#[component]
fn Sidebar(drawer: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    hydrate_later(view! {
        <nav id="sidebar" class="sidebar" aria-label=tx!(i18n, nav.main_menu)>
            <div class="sidebar-head">
                <span class="brand">{tx!(i18n, app_name)}</span>
                <button
                    class="icon-button drawer-close"
                    aria-label=tx!(i18n, nav.close_menu)
                    on:click=move |_| drawer.set(false)
                >
                    <Svg icon=Icon::Close />
                </button>
            </div>
            // Following a link closes the drawer.
            <ul on:click=move |_| drawer.set(false)>
                {modules(i18n)
                    .into_iter()
                    .map(|(href, icon, label)| {
                        view! {
                            <li>
                                <NavLink href=href>
                                    <Svg icon=icon />
                                    <span>{move || label.get().to_string()}</span>
                                </NavLink>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <AdminLinks />
        </nav>
    })
}

#[component]
pub fn AppShell() -> impl IntoView {
    let i18n = use_i18n();
    let user = resource(|| (), |_| me());
    provide_context(Me(user));
    links::provide_current_path();
    let toasts = crate::ui::dialog::Toasts::provide();
    // The outbox sends only the signed-in person's kept changes: tell it
    // who that is, once known (in the browser); then keep the coming days
    // on the device.
    let outbox = crate::pwa::use_outbox();
    Effect::new(move || {
        if let Some(Ok(me)) = user.get() {
            outbox.connect(me.id);
            crate::pwa::warm_up(me.id);
        }
    });
    let drawer = RwSignal::new(false);
    // Effects run in the browser only, after hydration (the parts of the
    // page hydrated later included): tests wait for this.
    let ready = RwSignal::new(false);
    Effect::new(move || {
        leptos::task::spawn_local(async move {
            crate::ui::later::hydrated().await;
            ready.set(true);
        })
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            drawer.set(false);
        }
    };
    view! {
        <a class="skip-link" href="#main">{tx!(i18n, nav.skip_to_content)}</a>
        <div class="app" class:drawer-open=move || drawer.get() data-ready=move || ready.get().to_string() on:keydown=on_key>
            <topbar::TopBar drawer=drawer />
            <Sidebar drawer=drawer />
            <div class="scrim" aria-hidden="true" on:click=move |_| drawer.set(false)></div>
            <main id="main" class="main" tabindex="-1">
                <SecondFactorBanner />
                <Outlet />
            </main>
            <BottomBar />
            <crate::ui::dialog::ToastRegion toasts=toasts />
        </div>
    }
    .erase()
}

/// The cookie in which the boot script notes whether the screen is
/// phone-narrow (`1`) or not (`0`), for the server's next page.
pub const NARROW_COOKIE: &str = "relais_narrow";

/// The cookie in which the boot script notes whether the device is set to
/// dark (`1`) or light (`0`), for the server to draw a theme of `auto`.
pub const DEVICE_DARK_COOKIE: &str = "relais_dark";

/// The colours a theme choice shows: `light` or `dark`, which the
/// stylesheet reads on `<html data-theme>`; `auto` is the device's
/// setting (`device_dark`). The boot script (`ssr::assets::boot_script`)
/// applies the same rule in JavaScript before the app runs, and again when
/// the device's setting changes: change both together.
pub fn shown_theme(choice: &str, device_dark: bool) -> &'static str {
    match choice {
        "dark" => "dark",
        "auto" if device_dark => "dark",
        _ => "light",
    }
}

/// Whether this page was drawn for a phone-narrow screen: by the server,
/// from [`NARROW_COOKIE`] (written on `<html data-narrow>`), or on a first
/// visit, before the boot script has written it, from what the browser
/// says it is ([`phone_by_headers`]); in the browser, from that attribute,
/// so hydration draws what the server drew. The calendar and the Planning
/// then open on one day without redrawing; when the hint is wrong (a
/// turned tablet), they move to the right view once running
/// ([`phone_width`]).
pub fn drawn_narrow() -> bool {
    #[cfg(feature = "ssr")]
    return match crate::ssr::cookies::from_request(NARROW_COOKIE) {
        Some(narrow) => narrow == "1",
        None => use_context::<http::request::Parts>().is_some_and(|p| phone_by_headers(&p.headers)),
    };
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    return leptos::prelude::document()
        .document_element()
        .and_then(|html| html.get_attribute("data-narrow"))
        .as_deref()
        == Some("1");
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    false
}

/// Whether a request comes from a phone, by the browser's own word: the
/// `Sec-CH-UA-Mobile` client hint (Chromium browsers send it with every
/// request) or the `Mobi` of its User-Agent (Safari, Firefox; and a
/// desktop browser emulating a phone, which changes only the latter).
/// Tablets say neither and are drawn wide.
#[cfg(feature = "ssr")]
pub fn phone_by_headers(headers: &http::HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    header("sec-ch-ua-mobile").is_some_and(|m| m.trim() == "?1")
        || header("user-agent").is_some_and(|ua| ua.contains("Mobi"))
}

/// Whether the window is phone-narrow (the layout's 768 px breakpoint):
/// the calendar and the Planning then open on one day.
#[cfg(feature = "hydrate")]
pub fn phone_width() -> bool {
    leptos::prelude::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 768.0)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::phone_by_headers;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    http::HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn a_phone_is_known_by_its_client_hint_or_its_user_agent() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        let ipad = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";
        assert!(phone_by_headers(&headers(&[("sec-ch-ua-mobile", "?1")])));
        // A desktop browser emulating a phone changes only its User-Agent.
        assert!(phone_by_headers(&headers(&[
            ("sec-ch-ua-mobile", "?0"),
            ("user-agent", android)
        ])));
        assert!(!phone_by_headers(&headers(&[
            ("sec-ch-ua-mobile", "?0"),
            ("user-agent", ipad)
        ])));
        assert!(phone_by_headers(&headers(&[("user-agent", android)])));
        assert!(phone_by_headers(&headers(&[("user-agent", iphone)])));
        assert!(!phone_by_headers(&headers(&[("user-agent", ipad)])));
        assert!(!phone_by_headers(&headers(&[])));
    }
}
