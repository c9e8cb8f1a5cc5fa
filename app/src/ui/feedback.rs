//! Turning errors into translated words, and showing them.

use crate::error::{AppError, FieldProblem};
use crate::i18n::*;
use leptos::prelude::*;

pub type I18n = leptos_i18n::I18nContext<Locale>;

pub fn problem_text(i18n: I18n, problem: FieldProblem) -> String {
    problem_words(i18n.get_locale(), problem)
}

/// [`problem_text`] in language `l` (for what the server writes: the
/// refused rows of an import).
pub fn problem_words(l: Locale, problem: FieldProblem) -> String {
    match problem {
        FieldProblem::Required => td_string!(l, errors.required).to_string(),
        FieldProblem::TooLong { max } => td_string!(l, errors.too_long, max).to_string(),
        FieldProblem::TooShort { min } => td_string!(l, errors.too_short, min).to_string(),
        FieldProblem::TooMany { max } => td_string!(l, errors.too_many, max).to_string(),
        FieldProblem::InvalidEmail => td_string!(l, errors.invalid_email).to_string(),
        FieldProblem::InvalidPhone => td_string!(l, errors.invalid_phone).to_string(),
        FieldProblem::InvalidUrl => td_string!(l, errors.invalid_url).to_string(),
        FieldProblem::InvalidDate => td_string!(l, errors.invalid_date).to_string(),
        FieldProblem::InvalidChoice => td_string!(l, errors.invalid_choice).to_string(),
        FieldProblem::InvalidNumber => td_string!(l, errors.invalid_number).to_string(),
        FieldProblem::InUse => td_string!(l, errors.in_use).to_string(),
        FieldProblem::EndBeforeStart => td_string!(l, errors.end_before_start).to_string(),
        FieldProblem::Mismatch => td_string!(l, errors.mismatch).to_string(),
        FieldProblem::WrongPassword => td_string!(l, errors.wrong_password).to_string(),
        FieldProblem::Taken => td_string!(l, errors.taken).to_string(),
        FieldProblem::LastAdmin => td_string!(l, errors.last_admin).to_string(),
        FieldProblem::Yourself => td_string!(l, errors.yourself).to_string(),
        FieldProblem::WrongCode => td_string!(l, errors.wrong_code).to_string(),
        FieldProblem::NoSecondFactor => td_string!(l, errors.no_second_factor).to_string(),
        FieldProblem::NotSaved => td_string!(l, errors.not_saved).to_string(),
        FieldProblem::Unreadable => td_string!(l, errors.unreadable).to_string(),
        FieldProblem::NotFound => td_string!(l, errors.no_such_record).to_string(),
        FieldProblem::AlreadyUsed => td_string!(l, errors.already_used).to_string(),
        FieldProblem::TooLarge { max_mb } => td_string!(l, errors.too_large, max_mb).to_string(),
    }
}

pub fn error_text(i18n: I18n, err: &AppError) -> String {
    match err {
        AppError::Unauthorized => t_string!(i18n, errors.unauthorized).to_string(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_string(),
        AppError::Conflict { .. } => t_string!(i18n, errors.conflict).to_string(),
        AppError::Invalid { .. } => t_string!(i18n, errors.form_has_errors).to_string(),
        AppError::Duplicates { .. } => t_string!(i18n, record.possible_duplicates).to_string(),
        AppError::InvalidCredentials => t_string!(i18n, auth.invalid_credentials).to_string(),
        AppError::SecondFactorNeeded => t_string!(i18n, second_factor.needed).to_string(),
        AppError::TooManyAttempts { retry_after_secs } => {
            let seconds = *retry_after_secs;
            t_string!(i18n, auth.too_many_attempts, seconds).to_string()
        }
        AppError::InvalidToken => t_string!(i18n, auth.reset_invalid).to_string(),
        AppError::Offline => t_string!(i18n, errors.offline).to_string(),
        AppError::Queued => t_string!(i18n, errors.queued).to_string(),
        AppError::BadRequest {
            reason: crate::error::BadRequest::CrossSite,
        } => t_string!(i18n, errors.cross_site).to_string(),
        AppError::BadRequest { reason } => {
            let reason = reason.code();
            t_string!(i18n, errors.bad_request, reason).to_string()
        }
        AppError::Unavailable => t_string!(i18n, errors.unavailable).to_string(),
        AppError::Server { .. } => t_string!(i18n, errors.server).to_string(),
    }
}

/// Sends the browser to the login page when the session has ended.
pub fn redirect_if_logged_out(err: &AppError) {
    #[cfg(feature = "hydrate")]
    if matches!(err, AppError::Unauthorized)
        && let Some(w) = web_sys::window()
    {
        let here = w.location().pathname().unwrap_or_default();
        let _ = w.location().set_href(&format!("/login?next={here}"));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = err;
}

/// A translated, announced error message; nothing when there is no error.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move || {
        // `try_get`: the signal may belong to a page already being torn
        // down (SSR of a redirect); a disposed value shows nothing.
        if let Some(e) = error.try_get().flatten() {
            redirect_if_logged_out(&e);
        }
    });
    move || {
        error.try_get().flatten().map(|e| {
            if e == AppError::Queued {
                // Not a failure: kept on this device, sent later.
                view! { <div class="banner banner-info" role="status">{error_text(i18n, &e)}</div> }
            } else {
                view! { <div class="banner banner-error" role="alert">{error_text(i18n, &e)}</div> }
            }
        })
    }
}
