//! `/outbox`, "Waiting to sync": every change kept on this device, and for
//! each one the server refused (the record changed or was deleted
//! meanwhile) both versions and the choice — apply mine anyway, or drop
//! mine. Also [`PendingHere`], the kept changes of one record, shown on its
//! page.

use super::outbox::{Change, Kept, use_outbox};
use crate::error::AppError;
use crate::i18n::*;
use crate::interactions::{kind_label, status_label};
use crate::records::RecordKind;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::{I18n, error_text};
use crate::ui::record::differences;
use leptos::prelude::*;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    view! {
        <div class="page outbox-page">
            <header class="page-header">
                <h1>{tx!(i18n, outbox.title)}</h1>
            </header>
            <p class="muted">{tx!(i18n, outbox.intro)}</p>
            <Show when=move || outbox.syncing.get()>
                <p class="banner banner-info" role="status">{tx!(i18n, outbox.syncing_now)}</p>
            </Show>
            {move || {
                let items = outbox.items.get();
                if items.is_empty() {
                    view! { <p class="empty-state">{tx!(i18n, outbox.empty)}</p> }.erase()
                } else {
                    view! {
                        <ol class="outbox-list">
                            {items.into_iter().map(|k| view! { <KeptChange kept=k /> }).collect_view()}
                        </ol>
                    }
                    .erase()
                }
            }}
        </div>
    }
    .erase()
}

/// What a change does, in words: "Note on a person: …", "New call:
/// Follow-up", "Task #12 → Done".
pub fn describe(i18n: I18n, change: &Change) -> String {
    match change {
        Change::Note { text, .. } => {
            let first: String = text.chars().take(120).collect();
            format!("{} {first}", t_string!(i18n, outbox.note))
        }
        Change::Interaction {
            id: None,
            kind,
            subject,
            ..
        } => format!(
            "{} {}: {subject}",
            t_string!(i18n, outbox.new),
            kind_label(i18n, kind)
        ),
        Change::Interaction {
            id: Some(_),
            subject,
            ..
        } => format!("{} {subject}", t_string!(i18n, outbox.edited)),
        Change::Status { id, status } => format!(
            "{} #{id} → {}",
            t_string!(i18n, outbox.task),
            status_label(i18n, status)
        ),
        Change::File {
            title, file_name, ..
        } if title != file_name => {
            format!("{} {title} ({file_name})", t_string!(i18n, outbox.file))
        }
        Change::File { file_name, .. } => {
            format!("{} {file_name}", t_string!(i18n, outbox.file))
        }
        Change::Version { file_name, .. } => {
            format!("{} {file_name}", t_string!(i18n, outbox.new_version))
        }
        Change::Unknown => t_string!(i18n, outbox.unknown).to_string(),
    }
}

#[component]
fn KeptChange(kept: Kept) -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let change = kept.change();
    let what = describe(i18n, &change);
    let when = local_time(kept.at);
    let refusal = kept.refusal();
    let seq = kept.seq;
    let confirming = RwSignal::new(false);
    let state = if refusal.is_some() {
        view! { <span class="badge badge-danger">{tx!(i18n, outbox.refused)}</span> }.erase()
    } else {
        view! { <span class="badge">{tx!(i18n, outbox.waiting)}</span> }.erase()
    };
    let record_link = match &change {
        Change::Note { record, id, .. } => Some(record.href(*id)),
        Change::Status { id, .. } | Change::Interaction { id: Some(id), .. } => {
            Some(RecordKind::Interaction.href(*id))
        }
        Change::Interaction { links, .. } => links.first().map(|(k, id)| k.href(*id)),
        Change::File { record, id, .. } => Some(record.href(*id)),
        Change::Version { document, .. } => Some(RecordKind::Document.href(*document)),
        Change::Unknown => None,
    };
    // A refusal over a newer version can be overruled: send mine again
    // over the version the server has now.
    let overrule = match &refusal {
        Some(AppError::Conflict {
            current_version, ..
        }) => kept.over_version(*current_version),
        _ => None,
    };
    let versions = refusal
        .as_ref()
        .map(|r| view! { <BothVersions kept=kept.clone() refusal=r.clone() /> });
    view! {
        <li class="card outbox-item" data-state=kept.state.clone()>
            <div class="outbox-head">
                <strong class="outbox-what">{what}</strong>
                {state}
            </div>
            <p class="muted">
                {tx!(i18n, outbox.made_at)} " " {when}
                {record_link
                    .map(|href| {
                        view! {
                            " · "
                            <a href=href>{tx!(i18n, outbox.open_record)}</a>
                        }
                    })}
            </p>
            {versions}
            <div class="outbox-actions">
                {overrule
                    .map(|body| {
                        view! {
                            <button
                                type="button"
                                class="button button-primary"
                                on:click=move |_| outbox.retry(seq, Some(body.clone()))
                            >
                                {tx!(i18n, outbox.apply_mine)}
                            </button>
                        }
                    })}
                <Show
                    when=move || confirming.get()
                    fallback=move || {
                        view! {
                            <button type="button" class="button" on:click=move |_| confirming.set(true)>
                                {tx!(i18n, outbox.discard)}
                            </button>
                        }
                    }
                >
                    <span class="outbox-confirm">{tx!(i18n, outbox.discard_question)}</span>
                    <button type="button" class="button button-danger" on:click=move |_| outbox.discard(seq)>
                        {tx!(i18n, outbox.discard_confirm)}
                    </button>
                    <button type="button" class="button" on:click=move |_| confirming.set(false)>
                        {tx!(i18n, common.cancel)}
                    </button>
                </Show>
            </div>
        </li>
    }
    .erase()
}

/// Why the server refused a change, and both versions: the record as it
/// is now on the server, and the person's change.
#[component]
fn BothVersions(kept: Kept, refusal: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let mine: serde_json::Value = serde_json::from_slice(kept.body.as_bytes()).unwrap_or_default();
    let rows: Vec<(String, String, String)> = match (&refusal, kept.change()) {
        (
            AppError::Conflict {
                current: Some(theirs),
                ..
            },
            Change::Status { status, .. },
        ) => {
            let now = theirs["status"].as_str().unwrap_or_default();
            vec![
                (
                    t_string!(i18n, outbox.subject).to_string(),
                    theirs["subject"].as_str().unwrap_or_default().to_string(),
                    String::new(),
                ),
                (
                    t_string!(i18n, outbox.status).to_string(),
                    status_label(i18n, now),
                    status_label(i18n, &status),
                ),
            ]
        }
        (
            AppError::Conflict {
                current: Some(theirs),
                ..
            },
            Change::Interaction { .. },
        ) => differences(&mine["input"], theirs),
        _ => Vec::new(),
    };
    let reason = match &refusal {
        AppError::Conflict { .. } => t_string!(i18n, outbox.changed_meanwhile).to_string(),
        AppError::NotFound => t_string!(i18n, outbox.deleted_meanwhile).to_string(),
        other => error_text(i18n, other),
    };
    let mine_text = match kept.change() {
        Change::Note { text, .. } => Some(text),
        Change::Interaction { subject, .. } if rows.is_empty() => Some(subject),
        _ => None,
    };
    view! {
        <div class="outbox-refusal">
            <p class="banner banner-error" role="alert">{reason}</p>
            {(!rows.is_empty())
                .then(|| {
                    view! {
                        <table class="conflict-table">
                            <thead>
                                <tr>
                                    <th scope="col">{tx!(i18n, record.field)}</th>
                                    <th scope="col">{tx!(i18n, outbox.theirs)}</th>
                                    <th scope="col">{tx!(i18n, outbox.mine)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|(field, theirs, mine)| {
                                        view! {
                                            <tr>
                                                <th scope="row">{field}</th>
                                                <td>{theirs}</td>
                                                <td>{mine}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
            {mine_text
                .map(|text| {
                    view! {
                        <p class="outbox-mine">
                            <span class="muted">{tx!(i18n, outbox.mine)} ": "</span>
                            {text}
                        </p>
                    }
                })}
        </div>
    }
    .erase()
}

/// The changes to record `kind` `id` kept on this device: shown on its page
/// so a note or a call logged offline is visible where it belongs.
#[component]
pub fn PendingHere(kind: RecordKind, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let here = move || {
        outbox.items.with(|items| {
            items
                .iter()
                .filter(|k| k.concerns(kind, id))
                .map(|k| (k.state == "refused", describe(i18n, &k.change())))
                .collect::<Vec<_>>()
        })
    };
    move || {
        let here = here();
        (!here.is_empty()).then(|| {
            view! {
                <section class="card pending-here" aria-labelledby="pending-title">
                    <h2 id="pending-title">{tx!(i18n, outbox.here_title)}</h2>
                    <ul>
                        {here
                            .into_iter()
                            .map(|(refused, what)| {
                                view! {
                                    <li>
                                        {what} " "
                                        <span class=if refused { "badge badge-danger" } else { "badge" }>
                                            {if refused {
                                                t_string!(i18n, outbox.refused).to_string()
                                            } else {
                                                t_string!(i18n, outbox.waiting).to_string()
                                            }}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <a href="/outbox">{tx!(i18n, outbox.review)}</a>
                </section>
            }
        })
    }
}

/// A time of day on this device's clock.
fn local_time(ms: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = web_sys::js_sys::Date::new(&ms.into());
        let day = date.to_locale_date_string("default", &web_sys::wasm_bindgen::JsValue::UNDEFINED);
        let time = date.to_locale_time_string("default");
        format!("{day} {time}")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ms;
        String::new()
    }
}
