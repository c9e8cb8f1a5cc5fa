//! Log in, forgot password and reset password pages (outside the shell).
//! The login page is plain HTML forms (`login_form.rs`); the other two are
//! hydrated.

use super::login_form::{LoginFlash, login_path, safe_next};
use super::{request_password_reset, reset_password};
use crate::error::AppError;
use crate::i18n::*;
use crate::layout::profile::locale_code;
use crate::tx;
use crate::ui::feedback::ErrorBanner;
use crate::ui::form::{FormErrors, TextField};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// A centered card with the brand, for pages shown before login.
/// `plain_html`: the page works as the server draws it, with no wasm (the
/// login page), so it is ready at once; the others are ready once hydrated.
#[component]
pub(crate) fn AuthCard(children: Children, #[prop(optional)] plain_html: bool) -> impl IntoView {
    let i18n = use_i18n();
    // Lets tests (and people on slow links) know the page is interactive.
    let ready = RwSignal::new(plain_html);
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

/// The login page: plain HTML forms that post to `login_form`,
/// `login_code_form` and `language_form` (see `login_form.rs`), so the page
/// needs no wasm; the server sends none with it. What the last answer left
/// to show (the email typed, the error) is the `LoginFlash` the shell took
/// from its cookie.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let (next, code_step, recovery) = query.with_untracked(|q| {
        (
            safe_next(q.get("next")),
            q.get("step").as_deref() == Some("code"),
            q.get("recovery").as_deref() == Some("1"),
        )
    });
    let flash = use_context::<LoginFlash>().unwrap_or_default();
    let errors = FormErrors::provide();
    errors.0.set(flash.error.clone());
    let banner = Signal::derive(move || {
        errors
            .0
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
    });
    // The fields are the browser's: what they hold is posted with the form.
    let ignore = Callback::new(|_: String| {});
    let hidden_next =
        (next != "/").then(|| view! { <input type="hidden" name="next" value=next.clone() /> });
    let locale = locale_code(i18n.get_locale_untracked());
    let step = if code_step {
        let toggle = login_path(&next, true, !recovery);
        view! {
            <form class="auth-form second-factor-form" method="post" action="/api/auth/login_code_form" novalidate>
                {hidden_next.clone()}
                {recovery.then(|| view! { <input type="hidden" name="recovery" value="1" /> })}
                <p>{tx!(i18n, second_factor.login_intro)}</p>
                <TextField name="code" label=tx!(i18n, second_factor.login_code)
                    bind=(Signal::stored(String::new()), ignore)
                    autocomplete="one-time-code" inputmode=if recovery { "text" } else { "numeric" }
                    required=true max=64 />
                <a class="link-button" href=toggle>
                    {if recovery {
                        tx!(i18n, second_factor.use_app_code).into_any()
                    } else {
                        tx!(i18n, second_factor.use_recovery_code).into_any()
                    }}
                </a>
                <ErrorBanner error=banner />
                <button type="submit" class="button button-primary button-block">
                    {tx!(i18n, second_factor.verify)}
                </button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <form class="auth-form" method="post" action="/api/auth/login_form" novalidate>
                {hidden_next.clone()}
                <input type="hidden" name="locale" value=locale />
                <TextField
                    name="email"
                    label=tx!(i18n, auth.email)
                    bind=(Signal::stored(flash.email.clone()), ignore)
                    kind="email"
                    autocomplete="username"
                    required=true
                />
                <TextField
                    name="password"
                    label=tx!(i18n, auth.password)
                    bind=(Signal::stored(String::new()), ignore)
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    max=1024
                />
                {flash.expired.then(|| view! {
                    <p class="banner banner-error" role="alert">{tx!(i18n, second_factor.login_expired)}</p>
                })}
                <ErrorBanner error=banner />
                <button type="submit" class="button button-primary button-block">
                    {tx!(i18n, auth.login)}
                </button>
            </form>
        }
        .into_any()
    };
    let language = move |code: &'static str, name: &'static str| {
        view! {
            <button type="submit" name="locale" value=code lang=code
                aria-pressed=(locale == code).to_string()>{name}</button>
        }
    };
    view! {
        <AuthCard plain_html=true>
            <h1>{tx!(i18n, auth.login_title)}</h1>
            <form class="auth-languages" method="post" action="/api/auth/language_form">
                {hidden_next.clone()}
                {code_step.then(|| view! { <input type="hidden" name="step" value="code" /> })}
                <fieldset class="segmented">
                    <legend>{tx!(i18n, auth.language)}</legend>
                    {language("en", "English")}
                    {language("fr", "Français")}
                </fieldset>
            </form>
            {step}
            <p class="auth-links">
                <a href="/forgot-password">{tx!(i18n, auth.forgot_password)}</a>
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
