//! The pieces of every record's pages: the form frame that checks, saves and
//! reports errors, and the header and field grid of a record page.

use super::feedback::ErrorBanner;
use super::form::FormErrors;
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::future::Future;

/// A record form: runs the same checks as the server before sending, sends
/// with `save`, shows field errors where they belong and, once saved, opens
/// `{base}/{id}`. Nothing is sent while a check fails.
#[component]
pub fn RecordForm<I, S, Fut>(
    form: RwSignal<I>,
    check: fn(&I) -> Vec<FieldError>,
    save: S,
    base: &'static str,
    #[prop(into)] title: TextProp,
    #[prop(into)] cancel_href: String,
    children: Children,
) -> impl IntoView
where
    I: Clone + Send + Sync + 'static,
    S: Fn(I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = AppResult<i64>> + Send + 'static,
{
    let i18n = use_i18n();
    let errors = FormErrors::provide();
    let action = Action::new(move |input: &I| save(input.clone()));
    let navigate = use_navigate();
    Effect::new(move || match action.value().get() {
        Some(Ok(id)) => navigate(&format!("{base}/{id}"), Default::default()),
        Some(Err(e)) => errors.0.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let problems = form.with_untracked(check);
        errors.set_fields(problems.clone());
        if problems.is_empty() {
            action.dispatch(form.get_untracked());
        }
    };
    let banner = Signal::derive(move || errors.0.get());
    view! {
        <form class="page record-form" on:submit=on_submit novalidate>
            <header class="page-header">
                <h1>{move || title.get().to_string()}</h1>
            </header>
            <ErrorBanner error=banner />
            {children()}
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    {move || {
                        if action.pending().get() {
                            t_string!(i18n, common.saving).to_string()
                        } else {
                            t_string!(i18n, common.save).to_string()
                        }
                    }}
                </button>
                <A href=cancel_href attr:class="button">
                    {move || t_string!(i18n, common.cancel).to_string()}
                </A>
            </div>
        </form>
    }
    .into_any()
}

/// Title, edit link and delete button of a record page.
#[component]
pub fn RecordHeader<D, Fut>(
    #[prop(into)] title: String,
    #[prop(into)] subtitle: String,
    edit_href: String,
    /// Deletes the record; on success the page goes to `after_delete`.
    delete: D,
    after_delete: &'static str,
) -> impl IntoView
where
    D: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = AppResult<()>> + Send + 'static,
{
    let i18n = use_i18n();
    let action = Action::new(move |_: &()| delete());
    let error = RwSignal::new(None::<AppError>);
    let navigate = use_navigate();
    Effect::new(move || match action.value().get() {
        Some(Ok(())) => navigate(after_delete, Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let on_delete = move |_| {
        if confirm(t_string!(i18n, common.confirm_delete)) {
            action.dispatch(());
        }
    };
    view! {
        <header class="page-header record-header">
            <div>
                <h1>{title}</h1>
                <p class="muted">{subtitle}</p>
            </div>
            <div class="actions">
                <A href=edit_href attr:class="button button-primary">
                    {move || t_string!(i18n, common.edit).to_string()}
                </A>
                <button class="button button-danger" on:click=on_delete>
                    {move || t_string!(i18n, common.delete).to_string()}
                </button>
            </div>
        </header>
        <ErrorBanner error=error />
    }
    .into_any()
}

fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        false
    }
}

/// One labelled value of a record page; empty values show a dash.
#[component]
pub fn Detail(#[prop(into)] label: TextProp, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <div class="detail">
            <dt>{move || label.get().to_string()}</dt>
            <dd>
                {if value.is_empty() {
                    view! { <span class="muted">"—"</span> }.into_any()
                } else {
                    value.into_any()
                }}
            </dd>
        </div>
    }
    .into_any()
}

/// Loads a record for a page and shows `view` once it is there, or the
/// translated error if it cannot be loaded.
#[component]
pub fn Loaded<T, V, IV>(resource: Resource<AppResult<T>>, view: V) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: Fn(T) -> IV + Send + Sync + Clone + 'static,
    IV: IntoView + 'static,
{
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || view! { <p class="muted page">{t_string!(i18n, common.loading).to_string()}</p> }>
            {
                let view = view.clone();
                move || {
                    let view = view.clone();
                    resource.get().map(move |r| match r {
                        Ok(t) => view(t).into_any(),
                        Err(e) => view! { <div class="page"><ErrorBanner error=Signal::stored(Some(e)) /></div> }.into_any(),
                    })
                }
            }
        </Suspense>
    }
    .into_any()
}

/// The `:id` of the current route (0 when absent or not a number).
pub fn route_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse().ok()).unwrap_or(0)))
}

/// An address on one line, skipping the empty parts.
pub fn one_line_address(
    street: &str,
    line2: &str,
    postal_code: &str,
    city: &str,
    country: &str,
) -> String {
    let town = format!("{postal_code} {city}");
    [street, line2, town.as_str(), country]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_skip_empty_parts() {
        assert_eq!(
            super::one_line_address("12 rue de la Paix", "", "75002", "Paris", "France"),
            "12 rue de la Paix, 75002 Paris, France"
        );
        assert_eq!(super::one_line_address("", " ", "", "", ""), "");
        assert_eq!(super::one_line_address("", "", "", "Québec", ""), "Québec");
    }
}
