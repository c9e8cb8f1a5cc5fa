//! Log in, forgot password and reset password pages (outside the shell).

use super::{login, login_second_factor, request_password_reset, reset_password};
use crate::error::AppError;
use crate::i18n::*;
use crate::layout::profile::{locale_code, locale_from, show_in};
use crate::tx;
use crate::ui::feedback::ErrorBanner;
use crate::ui::form::{FormErrors, TextField};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// A centered card with the brand, for pages shown before login.
#[component]
pub(crate) fn AuthCard(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // Lets tests (and people on slow links) know the page is interactive.
    let ready = RwSignal::new(false);
    Effect::new(move || ready.set(true));
    view! {
        <main class="auth-page" data-ready=move || ready.get().to_string()>
            <div class="auth-card">
                <p class="brand auth-brand">{tx!(i18n, app_name)}</p>
                <p class="muted tagline">{tx!(i18n, tagline)}</p>
                {children()}
            </div>
        </main>
    }
    .into_any()
}

/// Full navigation (not client-side) after login and logout, so the server
/// renders the next page with the new session, language and theme.
fn go_to(href: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(href);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}

/// Only local paths are followed after login: no open redirect.
fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n,
        _ => "/".into(),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let errors = FormErrors::provide();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // With a second factor, the password step is followed by a code step.
    let code_step = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let recovery = RwSignal::new(false);
    let expired = RwSignal::new(false);
    let action = Action::new(move |(e, p, l): &(String, String, String)| {
        login(e.clone(), p.clone(), l.clone())
    });
    let code_action = Action::new(move |c: &String| login_second_factor(c.clone()));
    Effect::new(move || match action.value().get() {
        Some(Ok(_)) => go_to(&safe_next(query.with_untracked(|q| q.get("next")))),
        Some(Err(AppError::SecondFactorNeeded)) => {
            errors.0.set(None);
            code.set(String::new());
            code_step.set(true);
        }
        Some(Err(e)) => errors.0.set(Some(e)),
        None => {}
    });
    Effect::new(move || match code_action.value().get() {
        Some(Ok(_)) => go_to(&safe_next(query.with_untracked(|q| q.get("next")))),
        // The password step is gone (too long ago): start again.
        Some(Err(AppError::InvalidCredentials)) => {
            errors.0.set(None);
            password.set(String::new());
            code_step.set(false);
            expired.set(true);
        }
        Some(Err(e)) => errors.0.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        expired.set(false);
        let locale = locale_code(i18n.get_locale_untracked()).to_string();
        action.dispatch((email.get_untracked(), password.get_untracked(), locale));
    };
    let on_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = code.get_untracked();
        let local = super::check_code("code", &value);
        if !local.is_empty() {
            errors.set_fields(local);
            return;
        }
        code_action.dispatch(value);
    };
    let code_field = move || {
        let bind = (code.into(), Callback::new(move |v| code.set(v)));
        if recovery.get() {
            view! {
                <TextField name="code" label=tx!(i18n, second_factor.login_code) bind=bind
                    autocomplete="one-time-code" required=true max=64 />
            }
            .into_any()
        } else {
            view! {
                <TextField name="code" label=tx!(i18n, second_factor.login_code) bind=bind
                    autocomplete="one-time-code" inputmode="numeric" required=true max=64 />
            }
            .into_any()
        }
    };
    let on_language = move |ev| show_in(i18n, locale_from(&event_target_value(&ev)));
    let banner = Signal::derive(move || {
        errors
            .0
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
    });
    view! {
        <AuthCard>
            <h1>{tx!(i18n, auth.login_title)}</h1>
            <Show when=move || code_step.get()>
                <form class="auth-form second-factor-form" on:submit=on_code novalidate>
                    <p>{tx!(i18n, second_factor.login_intro)}</p>
                    {code_field}
                    <button type="button" class="link-button" on:click=move |_| recovery.update(|r| *r = !*r)>
                        {move || if recovery.get() {
                            t_string!(i18n, second_factor.use_app_code).to_string()
                        } else {
                            t_string!(i18n, second_factor.use_recovery_code).to_string()
                        }}
                    </button>
                    <ErrorBanner error=banner />
                    <button type="submit" class="button button-primary button-block" disabled=move || code_action.pending().get()>
                        {move || {
                            if code_action.pending().get() {
                                t_string!(i18n, second_factor.verifying).to_string()
                            } else {
                                t_string!(i18n, second_factor.verify).to_string()
                            }
                        }}
                    </button>
                </form>
            </Show>
            <form class="auth-form" on:submit=on_submit novalidate hidden=move || code_step.get()>
                <div class="field">
                    <label for="login-language">{tx!(i18n, auth.language)}</label>
                    <select id="login-language" on:change=on_language>
                        <option value="en" selected=move || i18n.get_locale() == Locale::en>"English"</option>
                        <option value="fr" selected=move || i18n.get_locale() == Locale::fr>"Français"</option>
                    </select>
                </div>
                <TextField
                    name="email"
                    label=tx!(i18n, auth.email)
                    bind=(email.into(), Callback::new(move |v| email.set(v)))
                    kind="email"
                    autocomplete="username"
                    required=true
                />
                <TextField
                    name="password"
                    label=tx!(i18n, auth.password)
                    bind=(password.into(), Callback::new(move |v| password.set(v)))
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    max=1024
                />
                <Show when=move || expired.get()>
                    <p class="banner banner-error" role="alert">{tx!(i18n, second_factor.login_expired)}</p>
                </Show>
                <Show when=move || !code_step.get()>
                    <ErrorBanner error=banner />
                </Show>
                <button type="submit" class="button button-primary button-block" disabled=move || action.pending().get()>
                    {move || {
                        if action.pending().get() {
                            t_string!(i18n, auth.logging_in).to_string()
                        } else {
                            t_string!(i18n, auth.login).to_string()
                        }
                    }}
                </button>
            </form>
            <p class="auth-links">
                <A href="/forgot-password">{tx!(i18n, auth.forgot_password)}</A>
            </p>
        </AuthCard>
    }
    .into_any()
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::provide();
    let email = RwSignal::new(String::new());
    let action = Action::new(move |e: &String| request_password_reset(e.clone()));
    Effect::new(move || {
        if let Some(Err(e)) = action.value().get() {
            errors.0.set(Some(e));
        }
    });
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(email.get_untracked());
    };
    let banner = Signal::derive(move || {
        errors
            .0
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
    });
    view! {
        <AuthCard>
            <h1>{tx!(i18n, auth.forgot_title)}</h1>
            <Show
                when=sent
                fallback=move || {
                    view! {
                        <p>{tx!(i18n, auth.forgot_intro)}</p>
                        <form class="auth-form" on:submit=on_submit novalidate>
                            <TextField
                                name="email"
                                label=tx!(i18n, auth.email)
                                bind=(email.into(), Callback::new(move |v| email.set(v)))
                                kind="email"
                                autocomplete="username"
                                required=true
                            />
                            <ErrorBanner error=banner />
                            <button type="submit" class="button button-primary button-block">
                                {tx!(i18n, auth.send_link)}
                            </button>
                        </form>
                    }
                }
            >
                <p class="banner banner-ok" role="status">{tx!(i18n, auth.link_sent)}</p>
            </Show>
            <p class="auth-links">
                <A href="/login">{tx!(i18n, auth.back_to_login)}</A>
            </p>
        </AuthCard>
    }
    .into_any()
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let errors = FormErrors::provide();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let action = Action::new(move |(t, p): &(String, String)| reset_password(t.clone(), p.clone()));
    Effect::new(move || {
        if let Some(Err(e)) = action.value().get() {
            errors.0.set(Some(e));
        }
    });
    let done = move || matches!(action.value().get(), Some(Ok(())));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (p, c) = (password.get_untracked(), confirm.get_untracked());
        mismatch.set(p != c);
        if p == c {
            let token = query.with_untracked(|q| q.get("token")).unwrap_or_default();
            action.dispatch((token, p));
        }
    };
    let banner = Signal::derive(move || {
        errors
            .0
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
    });
    view! {
        <AuthCard>
            <h1>{tx!(i18n, auth.reset_title)}</h1>
            <Show
                when=done
                fallback=move || {
                    view! {
                        <form class="auth-form" on:submit=on_submit novalidate>
                            <TextField
                                name="password"
                                label=tx!(i18n, auth.new_password)
                                bind=(password.into(), Callback::new(move |v| password.set(v)))
                                kind="password"
                                autocomplete="new-password"
                                required=true
                                max=1024
                            />
                            <TextField
                                name="confirm"
                                label=tx!(i18n, auth.confirm_password)
                                bind=(confirm.into(), Callback::new(move |v| confirm.set(v)))
                                kind="password"
                                autocomplete="new-password"
                                required=true
                                max=1024
                            />
                            <Show when=move || mismatch.get()>
                                <p class="banner banner-error" role="alert">{tx!(i18n, auth.passwords_differ)}</p>
                            </Show>
                            <ErrorBanner error=banner />
                            <button type="submit" class="button button-primary button-block">
                                {tx!(i18n, auth.save_password)}
                            </button>
                        </form>
                    }
                }
            >
                <p class="banner banner-ok" role="status">{tx!(i18n, auth.reset_done)}</p>
            </Show>
            <p class="auth-links">
                <A href="/login">{tx!(i18n, auth.back_to_login)}</A>
            </p>
        </AuthCard>
    }
    .into_any()
}
