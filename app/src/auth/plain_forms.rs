//! The pages shown before login as plain HTML forms: the login page, the
//! forgotten and new password pages, and the invitation page. They work
//! before (and without) any wasm, so a visit downloads none of the app
//! (issue 20: each is interactive as soon as it is drawn).
//!
//! Each form posts to a server function taking a form body (`PostUrl`)
//! that calls the JSON one (`login`, `request_password_reset`,
//! `reset_password`, `accept_invitation`…) — the rules exist once — and
//! always answers `303 See Other`: to the page asked for after a login,
//! back to the form's page otherwise (post / redirect / get). What the
//! next page must show — what was typed (never a password), the error,
//! "done" — rides in a short-lived, HttpOnly cookie scoped to that page
//! and read and cleared by it (`FormFlash`), never in the address
//! (history, logs).

#[cfg(feature = "ssr")]
use super::{login, login_second_factor, request_password_reset, reset_password};
use crate::error::{AppError, AppResult};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The pages sent without the app (their boot script starts no wasm):
/// anyone may open them (`server::gate`).
pub const PLAIN_PAGES: &[&str] = &[
    "/login",
    "/forgot-password",
    "/reset-password",
    "/invitation",
];

/// The server functions that take an HTML form's body
/// (`application/x-www-form-urlencoded`) instead of JSON. The request
/// check lets them through (still same-origin only, size-bounded); every
/// other server function takes JSON.
pub const FORM_SERVER_FNS: &[&str] = &[
    "/api/auth/login_form",
    "/api/auth/login_code_form",
    "/api/auth/language_form",
    "/api/auth/forgot_password_form",
    "/api/auth/reset_password_form",
    "/api/users/accept_form",
];

/// The cookie carrying a `FormFlash` from a form's answer to the next
/// visit of its page (only sent to that page, for a few minutes,
/// HttpOnly).
pub const FLASH_COOKIE: &str = "relais_flash";

/// What a plain page shows after its form's answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FormFlash {
    /// The email typed (login, forgotten password).
    #[serde(default)]
    pub email: String,
    /// The name typed (invitation).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub error: Option<AppError>,
    /// The code step came too late: the password is asked again.
    #[serde(default)]
    pub expired: bool,
    /// The form did what it was for (link sent, password saved, joined).
    #[serde(default)]
    pub done: bool,
}

impl FormFlash {
    /// The form did what it was for.
    pub fn done() -> Self {
        Self {
            done: true,
            ..Self::default()
        }
    }

    /// The form was refused: `error` to show, on its fields or above.
    pub fn refused(error: AppError) -> Self {
        Self {
            error: Some(error),
            ..Self::default()
        }
    }
}

/// Whether the page at `path` is sent without the app.
pub fn without_app(path: &str) -> bool {
    PLAIN_PAGES.contains(&path)
}

/// Only local paths are followed after login: no open redirect.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n,
        _ => "/".into(),
    }
}

/// `/login` with its page to go to after, and the code step if asked.
pub fn login_path(next: &str, code_step: bool, recovery: bool) -> String {
    let mut query = Vec::new();
    if next != "/" {
        query.push(format!("next={}", crate::ui::list::urlencode(next)));
    }
    if code_step {
        query.push("step=code".to_string());
    }
    if recovery {
        query.push("recovery=1".to_string());
    }
    if query.is_empty() {
        "/login".into()
    } else {
        format!("/login?{}", query.join("&"))
    }
}

/// The password step, from the login page's form.
#[server(prefix = "/api/auth", endpoint = "login_form", input = server_fn::codec::PostUrl)]
pub async fn login_form(
    email: String,
    password: String,
    locale: String,
    next: Option<String>,
) -> AppResult<()> {
    let next = safe_next(next);
    match login(email.clone(), password, locale).await {
        Ok(_) => see_other(&next),
        Err(AppError::SecondFactorNeeded) => see_other(&login_path(&next, true, false)),
        Err(error) => {
            set_flash(
                "/login",
                &FormFlash {
                    email,
                    ..FormFlash::refused(error)
                },
            );
            see_other(&login_path(&next, false, false));
        }
    }
    Ok(())
}

/// The code step (an app's code or a recovery code).
#[server(prefix = "/api/auth", endpoint = "login_code_form", input = server_fn::codec::PostUrl)]
pub async fn login_code_form(
    code: String,
    next: Option<String>,
    recovery: Option<String>,
) -> AppResult<()> {
    let next = safe_next(next);
    match login_second_factor(code).await {
        Ok(_) => see_other(&next),
        // The password step is gone (too long ago, or never made): start again.
        Err(AppError::InvalidCredentials) => {
            set_flash(
                "/login",
                &FormFlash {
                    expired: true,
                    ..FormFlash::default()
                },
            );
            see_other(&login_path(&next, false, false));
        }
        Err(error) => {
            set_flash("/login", &FormFlash::refused(error));
            see_other(&login_path(&next, true, recovery.is_some()));
        }
    }
    Ok(())
}

/// The language of the pages drawn before login: kept in the language
/// cookie the server reads, then back to the login page, at the step it
/// was at (a pending code step stays pending).
#[server(prefix = "/api/auth", endpoint = "language_form", input = server_fn::codec::PostUrl)]
pub async fn language_form(
    locale: String,
    next: Option<String>,
    step: Option<String>,
) -> AppResult<()> {
    if super::LOCALES.contains(&locale.as_str()) {
        crate::ssr::cookies::set_pref(crate::ssr::cookies::LOCALE, &locale);
    }
    let code_step = step.as_deref() == Some("code");
    see_other(&login_path(&safe_next(next), code_step, false));
    Ok(())
}

/// The forgotten password page's form: the same answer whether or not
/// an account has this address (`request_password_reset`).
#[server(prefix = "/api/auth", endpoint = "forgot_password_form", input = server_fn::codec::PostUrl)]
pub async fn forgot_password_form(email: String) -> AppResult<()> {
    let flash = match request_password_reset(email.clone()).await {
        Ok(()) => FormFlash::done(),
        Err(error) => FormFlash {
            email,
            ..FormFlash::refused(error)
        },
    };
    answer("/forgot-password", "/forgot-password", &flash);
    Ok(())
}

/// The new password page's form: the password typed twice, and the
/// link's token. A refused password comes back to the same link.
#[server(prefix = "/api/auth", endpoint = "reset_password_form", input = server_fn::codec::PostUrl)]
pub async fn reset_password_form(
    token: String,
    password: String,
    confirm: String,
) -> AppResult<()> {
    let mut checks = crate::validate::Checks::new();
    super::check_new_password(&mut checks, &password, &confirm);
    let saved = match checks.finish() {
        Ok(()) => reset_password(token.clone(), password).await,
        Err(refused) => Err(refused),
    };
    let flash = match saved {
        Ok(()) => FormFlash::done(),
        Err(error) => FormFlash::refused(error),
    };
    let back = if flash.done {
        "/reset-password".to_string()
    } else {
        format!(
            "/reset-password?token={}",
            crate::ui::list::urlencode(&token)
        )
    };
    answer("/reset-password", &back, &flash);
    Ok(())
}

/// A form's answer: its flash for `page`, and `303 See Other` to `to`
/// (that page, with its address's query if it needs one).
#[cfg(feature = "ssr")]
pub fn answer(page: &str, to: &str, flash: &FormFlash) {
    set_flash(page, flash);
    see_other(to);
}

/// `303 See Other` to `path`: the browser follows it with a GET whatever
/// the form's method. (`leptos_axum::redirect` answers 302, and to a
/// script's call a header instead of a redirect; these forms have no script.)
#[cfg(feature = "ssr")]
fn see_other(path: &str) {
    use http::{HeaderValue, StatusCode, header::LOCATION};
    if let (Some(resp), Ok(location)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(path),
    ) {
        resp.set_status(StatusCode::SEE_OTHER);
        resp.insert_header(LOCATION, location);
    }
}

#[cfg(feature = "ssr")]
fn flash_cookie(page: &str, value: &str, max_age: i64) -> String {
    let secure = if crate::ssr::settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{FLASH_COOKIE}={value}; Path={page}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    )
}

#[cfg(feature = "ssr")]
fn set_flash(page: &str, flash: &FormFlash) {
    let value = hex::encode(serde_json::to_vec(flash).unwrap_or_default());
    if let (Some(resp), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&flash_cookie(page, &value, 300)),
    ) {
        resp.append_header(http::header::SET_COOKIE, v);
    }
}

/// The flash of the page being rendered (`page`, its path), if any,
/// cleared in the answer so that a reload shows a clean form. Called while
/// the shell is drawn, before anything is sent.
#[cfg(feature = "ssr")]
pub fn take_flash(page: &str) -> Option<FormFlash> {
    let raw = crate::ssr::cookies::from_request(FLASH_COOKIE)?;
    if let (Some(resp), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&flash_cookie(page, "", 0)),
    ) {
        resp.append_header(http::header::SET_COOKIE, v);
    }
    serde_json::from_slice(&hex::decode(raw).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/companies/3".into())), "/companies/3");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad.into())), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_login_path_keeps_the_page_asked_for() {
        assert_eq!(login_path("/", false, false), "/login");
        assert_eq!(
            login_path("/persons?q=a b", true, false),
            "/login?next=%2Fpersons%3Fq%3Da%20b&step=code"
        );
        assert_eq!(login_path("/", true, true), "/login?step=code&recovery=1");
    }
}
