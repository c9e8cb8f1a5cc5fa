//! Cookies the server sets besides the session: the user's language (read by
//! leptos_i18n) and display preferences (read when the page is rendered, so a
//! dark theme never flashes light on load).

use http::HeaderValue;
use http::header::SET_COOKIE;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

pub const LOCALE: &str = crate::layout::profile::LOCALE_COOKIE;
pub const THEME: &str = "relais_theme";
pub const DENSITY: &str = "relais_density";

/// Adds a readable (not HttpOnly: the page applies it) preference cookie.
pub fn set_pref(name: &str, value: &str) {
    let cookie = crate::layout::profile::pref_cookie(name, value, super::settings().secure_cookies);
    if let (Some(resp), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        resp.append_header(SET_COOKIE, v);
    }
}

/// The display cookies of `user`: language, theme, density, first day of
/// the week. Set at login and whenever one of them changes.
pub fn set_user_prefs(user: &crate::auth::CurrentUser) {
    set_pref(LOCALE, &user.locale);
    set_pref(THEME, &user.theme);
    set_pref(DENSITY, &user.density);
    let week = crate::calendar::week_start_of(&user.week_start, &user.time_zone);
    set_pref(
        crate::calendar::WEEK_COOKIE,
        if week == chrono::Weekday::Sun {
            "sun"
        } else {
            "mon"
        },
    );
}

/// The value of cookie `name` in a `Cookie` request header.
pub fn read(header: &str, name: &str) -> Option<String> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// The value of cookie `name` in the request being rendered.
pub fn from_request(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .find_map(|h| read(h, name))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_one_cookie_among_several() {
        let h = "a=1; relais_theme=dark; i18n_pref_locale=fr";
        assert_eq!(super::read(h, "relais_theme").as_deref(), Some("dark"));
        assert_eq!(super::read(h, "i18n_pref_locale").as_deref(), Some("fr"));
        assert_eq!(super::read(h, "missing"), None);
    }
}
