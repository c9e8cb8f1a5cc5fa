//! Log in, forgot password and reset password pages (outside the shell):
//! plain HTML forms, sent without the app (`plain_forms.rs`).

use super::plain_forms::{FormFlash, login_path, safe_next};
use crate::error::AppError;
use crate::i18n::*;
use crate::layout::profile::locale_code;
use crate::tx;
use crate::ui::erase::{Erase, erased};
use crate::ui::feedback::ErrorBanner;
use crate::ui::form::{FormErrors, TextField};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A centered card with the brand, for the pages shown before login:
/// plain HTML forms that work as the server draws them, with no wasm, so
/// the page is ready at once (`data-ready`, for tests and the boot
/// script). `lang`: the card's language when it is not the page's (an
/// invitation's).
#[component]
pub(crate) fn AuthCard<C: IntoView + 'static>(
    children: TypedChildren<C>,
    #[prop(optional)] lang: Option<&'static str>,
) -> impl IntoView {
    auth_card(erased(children), lang)
}

fn auth_card(children: Children, lang: Option<&'static str>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <main class="auth-page" data-ready="true" lang=lang>
            <div class="auth-card">
                <p class="brand auth-brand">{tx!(i18n, app_name)}</p>
                <p class="muted tagline">{tx!(i18n, tagline)}</p>
                {children()}
            </div>
        </main>
    }
    .erase()
}

/// The login page: plain HTML forms that post to `login_form`,
/// `login_code_form` and `language_form` (see `plain_forms.rs`), so the page
/// needs no wasm; the server sends none with it. What the last answer left
/// to show (the email typed, the error) is the `FormFlash` the shell took
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
    // The fields are the browser's: what they hold is posted with the form.
    let (flash, banner) = flash_and_errors();
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
                    bind=typed(String::new())
                    autocomplete="one-time-code" inputmode=if recovery { "text" } else { "numeric" }
                    required=true max=64 />
                <a class="link-button" href=toggle>
                    {if recovery {
                        tx!(i18n, second_factor.use_app_code).erase()
                    } else {
                        tx!(i18n, second_factor.use_recovery_code).erase()
                    }}
                </a>
                <ErrorBanner error=banner />
                <button type="submit" class="button button-primary button-block">
                    {tx!(i18n, second_factor.verify)}
                </button>
            </form>
        }
        .erase()
    } else {
        view! {
            <form class="auth-form" method="post" action="/api/auth/login_form" novalidate>
                {hidden_next.clone()}
                <input type="hidden" name="locale" value=locale />
                <TextField
                    name="email"
                    label=tx!(i18n, auth.email)
                    bind=typed(flash.email.clone())
                    kind="email"
                    autocomplete="username"
                    required=true
                />
                <TextField
                    name="password"
                    label=tx!(i18n, auth.password)
                    bind=typed(String::new())
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
        .erase()
    };
    let language = move |code: &'static str, name: &'static str| {
        view! {
            <button type="submit" name="locale" value=code lang=code
                aria-pressed=(locale == code).to_string()>{name}</button>
        }
    };
    view! {
        <AuthCard>
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
    .erase()
}

/// What a plain page's last answer left to show (`plain_forms.rs`), its
/// error put in the form's `FormErrors` (per field, or in the banner),
/// and the banner's signal.
pub(crate) fn flash_and_errors() -> (FormFlash, Signal<Option<AppError>>) {
    let flash = use_context::<FormFlash>().unwrap_or_default();
    let errors = FormErrors::provide();
    errors.0.set(flash.error.clone());
    let banner = Signal::derive(move || {
        errors
            .0
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
    });
    (flash, banner)
}

/// A new password typed twice, in a plain form (`password`, `confirm`:
/// the fields `check_new_password` judges).
pub(crate) fn new_password_fields(i18n: crate::ui::feedback::I18n) -> impl IntoView {
    view! {
        <TextField name="password" label=tx!(i18n, auth.new_password) bind=typed(String::new())
            kind="password" autocomplete="new-password" required=true max=1024 />
        <TextField name="confirm" label=tx!(i18n, auth.confirm_password) bind=typed(String::new())
            kind="password" autocomplete="new-password" required=true max=1024 />
    }
}

/// What a new password must be, under its fields.
pub(crate) fn password_rule(i18n: crate::ui::feedback::I18n) -> String {
    t_string!(i18n, auth.password_rule, min = super::MIN_PASSWORD).to_string()
}

/// A field of a plain form: the browser holds what is typed and posts it
/// with the form; `value` is what the server draws in it.
pub(crate) fn typed(value: String) -> (Signal<String>, Callback<String>) {
    (Signal::stored(value), Callback::new(|_: String| {}))
}

/// The forgotten password page: a plain HTML form posting to
/// `forgot_password_form`; once sent, the same words whether or not an
/// account has this address.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let (flash, banner) = flash_and_errors();
    let body = if flash.done {
        view! { <p class="banner banner-ok" role="status">{tx!(i18n, auth.link_sent)}</p> }.erase()
    } else {
        view! {
            <p>{tx!(i18n, auth.forgot_intro)}</p>
            <form class="auth-form" method="post" action="/api/auth/forgot_password_form" novalidate>
                <TextField
                    name="email"
                    label=tx!(i18n, auth.email)
                    bind=typed(flash.email)
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
        .erase()
    };
    view! {
        <AuthCard>
            <h1>{tx!(i18n, auth.forgot_title)}</h1>
            {body}
            <p class="auth-links">
                <a href="/login">{tx!(i18n, auth.back_to_login)}</a>
            </p>
        </AuthCard>
    }
    .erase()
}

/// The page a reset link opens: a plain HTML form posting the new
/// password, typed twice, with the link's token to `reset_password_form`.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let token = use_query_map()
        .with_untracked(|q| q.get("token"))
        .unwrap_or_default();
    let (flash, banner) = flash_and_errors();
    let body = if flash.done {
        view! { <p class="banner banner-ok" role="status">{tx!(i18n, auth.reset_done)}</p> }.erase()
    } else {
        view! {
            <form class="auth-form" method="post" action="/api/auth/reset_password_form" novalidate>
                <input type="hidden" name="token" value=token />
                {new_password_fields(i18n)}
                <p class="muted hint">{password_rule(i18n)} " " {tx!(i18n, settings.password_hint)}</p>
                <ErrorBanner error=banner />
                <button type="submit" class="button button-primary button-block">
                    {tx!(i18n, auth.save_password)}
                </button>
            </form>
        }
        .erase()
    };
    view! {
        <AuthCard>
            <h1>{tx!(i18n, auth.reset_title)}</h1>
            {body}
            <p class="auth-links">
                <a href="/login">{tx!(i18n, auth.back_to_login)}</a>
            </p>
        </AuthCard>
    }
    .erase()
}
