//! The person page's "Personal data" card: their consent history for
//! everyone; for admins, the GDPR export, erasure and the audit entries
//! about this person (`gdpr.rs` does the work).

use super::{ConsentChange, erase_person};
use crate::auth::Role;
use crate::error::AppError;
use crate::i18n::*;
use crate::layout::Me;
use crate::tx;
use crate::ui::dialog::ConfirmDialog;
use crate::ui::erase::Erase;
use crate::ui::feedback::ErrorBanner;
use leptos::prelude::*;

/// A full navigation: a download (the page stays) or a reload.
fn go_to(href: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(href);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}

#[component]
pub fn PrivacyCard(id: i64, erased: String, consent_history: Vec<ConsentChange>) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_context::<Me>();
    let is_admin = move || {
        me.and_then(|m| m.0.get())
            .and_then(|r| r.ok())
            .is_some_and(|u| u.role == Role::Admin)
    };
    let export_open = RwSignal::new(false);
    let erase_open = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let export = Callback::new(move |_: ()| {
        export_open.set(false);
        go_to(&format!("/export/persons/{id}.json"));
    });
    let erase = Callback::new(move |_: ()| {
        erase_open.set(false);
        leptos::task::spawn_local(async move {
            match erase_person(id).await {
                Ok(()) => go_to(&format!("/persons/{id}")),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let was_erased = !erased.is_empty();
    let history = if consent_history.is_empty() {
        view! { <p class="muted">{tx!(i18n, person.no_consent_history)}</p> }.erase()
    } else {
        view! {
            <ul class="consent-history">
                {consent_history
                    .into_iter()
                    .map(|c| {
                        let what = if c.consent {
                            t_string!(i18n, person.consent_given).to_string()
                        } else {
                            t_string!(i18n, person.consent_withdrawn).to_string()
                        };
                        let how = [c.date, c.method]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(", ");
                        view! {
                            <li>
                                <span class="muted">{c.at}</span>" "
                                <strong>{what}</strong>
                                {(!how.is_empty()).then(|| format!(" ({how})"))}
                                {(!c.by.is_empty()).then(|| format!(" · {}", c.by))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .erase()
    };
    view! {
        <section class="card privacy-card" aria-labelledby="person-privacy">
            <h2 id="person-privacy">{tx!(i18n, person.privacy_title)}</h2>
            {was_erased.then(|| view! {
                <p class="banner banner-info" role="note">{t_string!(i18n, person.erased_on, date = erased.clone()).to_string()}</p>
            })}
            <h3>{tx!(i18n, person.consent_history)}</h3>
            {history}
            <ErrorBanner error=error />
            <Show when=is_admin>
                <div class="privacy-actions">
                    <button type="button" class="button" on:click=move |_| export_open.set(true)>{tx!(i18n, person.gdpr_export)}</button>
                    {(!was_erased).then(|| view! {
                        <button type="button" class="button button-danger" on:click=move |_| erase_open.set(true)>{tx!(i18n, person.erase)}</button>
                    })}
                    <a class="button" href=format!("/settings/audit?record_type=person&record_id={id}")>{tx!(i18n, person.audit_entries)}</a>
                </div>
            </Show>
            <ConfirmDialog
                open=export_open
                title=tx!(i18n, person.gdpr_export_title)
                body=tx!(i18n, person.gdpr_export_body)
                confirm_label=tx!(i18n, person.gdpr_export)
                on_confirm=export
            />
            <ConfirmDialog
                open=erase_open
                title=tx!(i18n, person.erase_title)
                body=tx!(i18n, person.erase_body)
                confirm_label=tx!(i18n, person.erase)
                on_confirm=erase
            />
        </section>
    }
    .erase()
}
