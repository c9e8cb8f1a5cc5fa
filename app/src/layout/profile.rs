//! The profile menu: language, theme, density, log out. Choices apply at
//! once in the page and are saved on the user (and in cookies the server
//! reads when rendering, so the next page load starts right).

use super::Me;
use crate::auth::{logout, update_preferences};
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;

/// Sets `data-<name>` on `<html>`, where the stylesheet reads theme and density.
pub fn apply_html_attr(name: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute(&format!("data-{name}"), value);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, value);
}

/// Whether the device is set to dark (`prefers-color-scheme`).
fn device_dark() -> bool {
    #[cfg(feature = "hydrate")]
    return web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    #[cfg(not(feature = "hydrate"))]
    false
}

pub fn locale_code(l: Locale) -> &'static str {
    match l {
        Locale::en => "en",
        Locale::fr => "fr",
    }
}

pub fn locale_from(code: &str) -> Locale {
    if code == "fr" { Locale::fr } else { Locale::en }
}

/// The cookie the server reads for the language it draws pages in
/// (`ssr::cookies::LOCALE`). The server sets it at login and whenever the
/// profile's language changes.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// A preference cookie (language, theme, density, first day of the week)
/// as the server and the page both write it: readable by the page (not
/// HttpOnly), for a year, on the whole site.
pub fn pref_cookie(name: &str, value: &str, secure: bool) -> String {
    const ONE_YEAR: i64 = 365 * 24 * 3600;
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={ONE_YEAR}; SameSite=Lax{secure}")
}

/// Shows the app in `l` now, and in the pages the server draws next. The
/// page writes the language cookie itself: on the login and invitation
/// pages nobody is signed in to keep the choice on. (leptos_i18n's own
/// cookie support is left out of the browser build: it brought the `time`,
/// `cookie` and `leptos-use` cookie code into the main wasm.)
pub fn show_in(i18n: crate::ui::feedback::I18n, l: Locale) {
    i18n.set_locale(l);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else {
            return;
        };
        let secure = window.location().protocol().as_deref() == Ok("https:");
        if let Some(doc) = window
            .document()
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        {
            let _ = doc.set_cookie(&pref_cookie(LOCALE_COOKIE, locale_code(l), secure));
        }
    }
}

/// "Camille Martin" → "CM"; one name → its first two letters.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = |w: &str| {
        w.chars()
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_default()
    };
    match words.as_slice() {
        [] => "?".into(),
        [one] => one.chars().take(2).flat_map(char::to_uppercase).collect(),
        [a, .., b] => format!("{}{}", first(a), first(b)),
    }
}

#[component]
pub fn ProfileMenu() -> impl IntoView {
    let i18n = use_i18n();
    let Me(user) = expect_context::<Me>();
    let save = Action::new(|prefs: &(String, String, String)| {
        let (l, t, d) = prefs.clone();
        update_preferences(l, t, d)
    });
    let current = move |f: fn(&crate::auth::CurrentUser) -> String| {
        user.get()
            .and_then(|r| r.ok())
            .map(|u| f(&u))
            .unwrap_or_default()
    };
    let theme = RwSignal::new(String::new());
    let density = RwSignal::new(String::new());
    // Set once the top bar is hydrated (`later::hydrated`): set before, the
    // buttons' `aria-pressed` would keep the server's "not pressed".
    Effect::new(move || {
        let (t, d) = (current(|u| u.theme.clone()), current(|u| u.density.clone()));
        leptos::task::spawn_local(async move {
            crate::ui::later::hydrated().await;
            theme.set(t);
            density.set(d);
        });
    });
    let set_locale = move |ev| {
        let code = event_target_value(&ev);
        show_in(i18n, locale_from(&code));
        save.dispatch((code, String::new(), String::new()));
    };
    let set_theme = move |value: &'static str| {
        theme.set(value.to_string());
        // The boot script keeps an `auto` page on the device's setting.
        apply_html_attr("theme-choice", value);
        apply_html_attr("theme", super::shown_theme(value, device_dark()));
        save.dispatch((String::new(), value.to_string(), String::new()));
    };
    let set_density = move |value: &'static str| {
        density.set(value.to_string());
        apply_html_attr("density", value);
        save.dispatch((String::new(), String::new(), value.to_string()));
    };
    let on_logout = move |_| {
        leptos::task::spawn_local(async move {
            let _ = logout().await;
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/login");
            }
        });
    };
    // Who is logged in: their initials on the button, name and email in
    // the menu (read inside a Transition: the server draws them).
    let plain = move || {
        view! {
            <summary class="icon-button" aria-label=tx!(i18n, topbar.profile) title=tx!(i18n, topbar.profile)>
                <Svg icon=Icon::User />
            </summary>
        }
    };
    view! {
        <details class="menu profile">
            <Transition fallback=plain>
                {move || {
                    user.get().map(|r| match r {
                        Ok(u) => {
                            let name = u.name.clone();
                            let label = t_string!(i18n, topbar.profile_of, name).to_string();
                            let said = label.clone();
                            view! {
                                // Named by its hidden text, not `aria-label`: a
                                // label must contain what is shown ("CM"), and
                                // the initials alone say little to a screen reader.
                                <summary class="icon-button profile-button" title=label>
                                    <span class="avatar" aria-hidden="true">{initials(&u.name)}</span>
                                    <span class="visually-hidden">{said}</span>
                                </summary>
                            }
                            .erase()
                        }
                        Err(_) => plain().erase(),
                    })
                }}
            </Transition>
            <div class="menu-panel profile-panel">
                <Transition fallback=|| ()>
                    {move || {
                        user.get().and_then(|r| r.ok()).map(|u| {
                            view! {
                                <p class="who">
                                    <strong>{u.name.clone()}</strong>
                                    <span class="muted">{u.email.clone()}</span>
                                </p>
                            }
                        })
                    }}
                </Transition>
                <label for="pref-language">{tx!(i18n, topbar.language)}</label>
                <select id="pref-language" on:change=set_locale>
                    <option value="en" selected=move || i18n.get_locale() == Locale::en>"English"</option>
                    <option value="fr" selected=move || i18n.get_locale() == Locale::fr>"Français"</option>
                </select>
                <fieldset class="segmented">
                    <legend>{tx!(i18n, topbar.theme)}</legend>
                    <button type="button" aria-pressed=move || (theme.get() == "light").to_string() on:click=move |_| set_theme("light")>
                        {tx!(i18n, topbar.theme_light)}
                    </button>
                    <button type="button" aria-pressed=move || (theme.get() == "dark").to_string() on:click=move |_| set_theme("dark")>
                        {tx!(i18n, topbar.theme_dark)}
                    </button>
                    <button type="button" aria-pressed=move || (theme.get() == "auto").to_string() on:click=move |_| set_theme("auto")>
                        {tx!(i18n, topbar.theme_auto)}
                    </button>
                </fieldset>
                <fieldset class="segmented">
                    <legend>{tx!(i18n, topbar.density)}</legend>
                    <button type="button" aria-pressed=move || (density.get() != "compact").to_string() on:click=move |_| set_density("comfortable")>
                        {tx!(i18n, topbar.density_comfortable)}
                    </button>
                    <button type="button" aria-pressed=move || (density.get() == "compact").to_string() on:click=move |_| set_density("compact")>
                        {tx!(i18n, topbar.density_compact)}
                    </button>
                </fieldset>
                <a href="/settings/profile" class="settings-link">{tx!(i18n, settings.title)}</a>
                <button type="button" class="button logout" on:click=on_logout>
                    {tx!(i18n, topbar.logout)}
                </button>
            </div>
        </details>
    }
    .erase()
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials_of_names() {
        assert_eq!(super::initials("Camille Martin"), "CM");
        assert_eq!(super::initials("élodie de la Tour"), "ÉT");
        assert_eq!(super::initials("Zoé"), "ZO");
        assert_eq!(super::initials("  "), "?");
    }
}
