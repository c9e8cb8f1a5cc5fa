//! `/settings/programmes`: the catalogue, edited in place by an admin (each
//! entry a small form: name, kind, description, offered or not; moved up or
//! down; archived); read by everyone else.

use super::api::{archive_programme, list_programmes, move_programme, save_programme};
use super::{KINDS, Programme, ProgrammeInput, field_label, kind_label};
use crate::auth::Role;
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::{ErrorBanner, problem_text};
use crate::ui::resource::resource;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

type Call = Pin<Box<dyn Future<Output = AppResult<()>> + Send>>;

#[component]
pub fn ProgrammesSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0u32);
    let live = resource(move || refresh.get(), |_| list_programmes(false));
    let archived = resource(move || refresh.get(), |_| list_programmes(true));
    let changed = Callback::new(move |_| refresh.update(|n| *n += 1));
    view! {
        <div class="page programmes-page">
            <header class="page-header">
                <h1>{tx!(i18n, programme.title)}</h1>
            </header>
            <p class="muted">{tx!(i18n, programme.intro)}</p>
            <Transition fallback=|| ()>
                {move || {
                    let admin = crate::layout::Me::has(Role::Admin);
                    Some(live.get()?.map(|list| {
                        let n = list.len();
                        view! {
                            {(!admin).then(|| view! {
                                <p class="banner banner-info" role="note">{tx!(i18n, programme.read_only)}</p>
                            })}
                            {(n == 0).then(|| view! { <p class="muted">{tx!(i18n, programme.none)}</p> })}
                            <ol class="programme-list">
                                {list.into_iter().enumerate().map(|(i, p)| {
                                    let key = p.id.to_string();
                                    let name = p.name.clone();
                                    let enrolled = enrolments_href(&p.name);
                                    view! {
                                    <li class="card programme-entry" data-id=key data-name=name>
                                        <EntryForm entry=Some(p) first=i == 0 last=i + 1 == n admin changed />
                                        <a class="programme-enrolments" href=enrolled>{tx!(i18n, programme.enrolments)}</a>
                                    </li>
                                    }
                                }).collect_view()}
                            </ol>
                            {admin.then(|| view! {
                                <section class="card programme-new" aria-labelledby="programme-new">
                                    <h2 id="programme-new">{tx!(i18n, programme.new)}</h2>
                                    <EntryForm entry=None first=true last=true admin changed />
                                </section>
                            })}
                        }
                        .erase()
                    }).unwrap_or_else(|e| view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase()))
                }}
            </Transition>
            <Transition fallback=|| ()>
                {move || {
                    let admin = crate::layout::Me::has(Role::Admin);
                    archived.get().and_then(Result::ok).filter(|l| !l.is_empty()).map(|list| view! {
                        <section class="card programme-archived" aria-labelledby="programme-archived">
                            <h2 id="programme-archived">{tx!(i18n, programme.archived)}</h2>
                            <p class="muted">{tx!(i18n, programme.archived_help)}</p>
                            <ul>
                                {list.into_iter().map(|p| view! { <ArchivedEntry p admin changed /> }).collect_view()}
                            </ul>
                        </section>
                    })
                }}
            </Transition>
        </div>
    }
    .erase()
}

/// The enrolments list filtered on the entry named `name`.
fn enrolments_href(name: &str) -> String {
    use crate::ui::list::{Filter, FilterOp, ListQuery};
    let query = ListQuery {
        filters: vec![Filter {
            field: "programme".into(),
            op: FilterOp::Is,
            value: name.to_string(),
        }],
        ..Default::default()
    };
    format!("/programmes{}", query.to_query_string())
}

/// "Name: Already used: choose another."
fn problem_line(i18n: crate::ui::feedback::I18n, e: &FieldError) -> String {
    format!(
        "{}: {}",
        field_label(i18n.get_locale(), &e.field),
        problem_text(i18n, e.problem)
    )
}

/// One entry of the catalogue (or a new one, `entry: None`): its fields,
/// its messages, and what an admin does with it.
#[component]
fn EntryForm(
    entry: Option<Programme>,
    first: bool,
    last: bool,
    admin: bool,
    changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = entry.as_ref().map(|p| p.id);
    let start = entry
        .as_ref()
        .map(Programme::input)
        .unwrap_or(ProgrammeInput {
            kind: "programme".into(),
            active: true,
            ..Default::default()
        });
    let input = RwSignal::new(start);
    let error = RwSignal::new(None::<AppError>);
    // The browser's checks first (the server's, the same), then its answer.
    let problems = move || -> Vec<FieldError> {
        match error.get() {
            Some(AppError::Invalid { fields }) => fields,
            _ => Vec::new(),
        }
    };
    let problem_of = move |field: &'static str| {
        problems()
            .into_iter()
            .find(|e| e.field == field)
            .map(|e| problem_line(i18n, &e))
    };
    let run = move |call: Call| {
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(()) => {
                    error.set(None);
                    changed.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let save = move || {
        let value = input.get_untracked();
        let problems = value.check();
        if !problems.is_empty() {
            error.set(Some(AppError::invalid(problems)));
            return;
        }
        run(Box::pin(async move {
            save_programme(id, value).await?;
            if id.is_none() {
                input.set(ProgrammeInput {
                    kind: "programme".into(),
                    active: true,
                    ..Default::default()
                });
            }
            Ok(())
        }));
    };
    let key = id.map_or("new".to_string(), |id| id.to_string());
    let name_id = format!("programme-name-{key}");
    let kind_id = format!("programme-kind-{key}");
    let description_id = format!("programme-description-{key}");
    view! {
        <form class="programme-form" on:submit=move |ev| { ev.prevent_default(); save(); }>
            <div class="field" class:field-invalid=move || problem_of("name").is_some()>
                <label for=name_id.clone()>{tx!(i18n, programme.name)}</label>
                <input id=name_id name="name" disabled=!admin
                    aria-invalid=move || problem_of("name").is_some().to_string()
                    prop:value=move || input.with(|i| i.name.clone())
                    on:input=move |ev| input.update(|i| i.name = event_target_value(&ev)) />
                {move || problem_of("name").map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            </div>
            <div class="field" class:field-invalid=move || problem_of("kind").is_some()>
                <label for=kind_id.clone()>{tx!(i18n, programme.kind)}</label>
                <select id=kind_id name="kind" disabled=!admin
                    on:change=move |ev| input.update(|i| i.kind = event_target_value(&ev))>
                    {KINDS.iter().map(|k| {
                        let k = *k;
                        view! {
                            <option value=k selected=move || input.with(|i| i.kind == k)>
                                {move || kind_label(i18n.get_locale(), k)}
                            </option>
                        }
                    }).collect_view()}
                </select>
                {move || problem_of("kind").map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            </div>
            <div class="field field-wide" class:field-invalid=move || problem_of("description").is_some()>
                <label for=description_id.clone()>{tx!(i18n, programme.description)}</label>
                <textarea id=description_id name="description" rows="2" disabled=!admin
                    inner_html=crate::ui::form::textarea_html(input.with_untracked(|i| i.description.clone()))
                    prop:value=move || input.with(|i| i.description.clone())
                    on:input=move |ev| input.update(|i| i.description = event_target_value(&ev))></textarea>
                {move || problem_of("description").map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            </div>
            <label class="checkbox">
                <input type="checkbox" name="active" disabled=!admin
                    prop:checked=move || input.with(|i| i.active)
                    on:change=move |ev| input.update(|i| i.active = event_target_checked(&ev)) />
                <span>{tx!(i18n, programme.active)}</span>
            </label>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid { .. }))) />
            {admin.then(|| view! {
                <div class="form-actions">
                    <button type="submit" class="button button-primary">
                        {move || if id.is_some() {
                            t_string!(i18n, common.save).to_string()
                        } else {
                            t_string!(i18n, programme.add).to_string()
                        }}
                    </button>
                    {id.map(|id| view! {
                        <button type="button" class="icon-button" disabled=first
                            aria-label=move || t_string!(i18n, pipeline.move_up).to_string()
                            on:click=move |_| run(Box::pin(move_programme(id, true)))>"↑"</button>
                        <button type="button" class="icon-button" disabled=last
                            aria-label=move || t_string!(i18n, pipeline.move_down).to_string()
                            on:click=move |_| run(Box::pin(move_programme(id, false)))>"↓"</button>
                        <button type="button" class="button"
                            on:click=move |_| run(Box::pin(archive_programme(id, true)))>
                            {tx!(i18n, programme.archive)}
                        </button>
                    })}
                </div>
            })}
        </form>
    }
    .erase()
}

/// An archived entry, with "Bring back" for an admin.
#[component]
fn ArchivedEntry(p: Programme, admin: bool, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<AppError>);
    let id = p.id;
    let taken = move || match error.get() {
        Some(AppError::Invalid { fields }) => fields.first().map(|e| problem_line(i18n, e)),
        _ => None,
    };
    view! {
        <li class="programme-archived-entry">
            <span>{p.name}</span>
            " "
            <span class="muted">{move || kind_label(i18n.get_locale(), &p.kind)}</span>
            {admin.then(|| view! {
                " "
                <button type="button" class="button" on:click=move |_| {
                    leptos::task::spawn_local(async move {
                        match archive_programme(id, false).await {
                            Ok(()) => changed.run(()),
                            Err(e) => error.set(Some(e)),
                        }
                    });
                }>{tx!(i18n, programme.restore)}</button>
            })}
            {move || taken().map(|t| view! { <p class="field-error" role="alert">{t}</p> })}
        </li>
    }
    .erase()
}
