//! `/settings/audit`: the log, filtered, page by page, and its CSV. The
//! filter starts from the address's query (a person's page links to its
//! own entries: `?record_type=person&record_id=…`).

use super::{AuditEntry, AuditFilter, audit_log};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::RecordKind;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::{ErrorBanner, I18n};
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// An action in the reader's language.
pub fn action_label(i18n: I18n, action: &str) -> String {
    match action {
        "view" => t_string!(i18n, audit.action_view).to_string(),
        "change" => t_string!(i18n, audit.action_change).to_string(),
        "export" => t_string!(i18n, audit.action_export).to_string(),
        "gdpr_export" => t_string!(i18n, audit.action_gdpr_export).to_string(),
        "erase" => t_string!(i18n, audit.action_erase).to_string(),
        "merge" => t_string!(i18n, audit.action_merge).to_string(),
        "invite" => t_string!(i18n, audit.action_invite).to_string(),
        "role" => t_string!(i18n, audit.action_role).to_string(),
        "deactivate" => t_string!(i18n, audit.action_deactivate).to_string(),
        "reactivate" => t_string!(i18n, audit.action_reactivate).to_string(),
        "security" => t_string!(i18n, audit.action_security).to_string(),
        "import" => t_string!(i18n, audit.action_import).to_string(),
        "import_undo" => t_string!(i18n, audit.action_import_undo).to_string(),
        other => other.to_string(),
    }
}

/// What an entry is about, linked when it is a record one can open.
fn subject(i18n: I18n, e: &AuditEntry) -> AnyView {
    let Some(id) = e.record_id else {
        return e.record_type.clone().erase();
    };
    if let Some(kind) = RecordKind::parse(&e.record_type) {
        let label = format!("{} #{id}", crate::records::search::kind_label(i18n, kind));
        return view! { <a href=kind.href(id)>{label}</a> }.erase();
    }
    if e.record_type == "user" {
        let label = format!("{} #{id}", t_string!(i18n, audit.user));
        return view! { <a href="/settings/users">{label}</a> }.erase();
    }
    format!("{} #{id}", e.record_type).erase()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let from_query = |k: &str| query.with_untracked(|q| q.get(k)).unwrap_or_default();
    let action = RwSignal::new(from_query("action"));
    let user = RwSignal::new(from_query("user"));
    let record_type = RwSignal::new(from_query("record_type"));
    let record_id = RwSignal::new(from_query("record_id"));
    let from = RwSignal::new(from_query("from"));
    let to = RwSignal::new(from_query("to"));
    let filter = Memo::new(move |_| AuditFilter {
        action: action.get(),
        user: user.get(),
        record_type: record_type.get(),
        record_id: record_id.get(),
        from: from.get(),
        to: to.get(),
    });
    // Pages loaded after the first ("More"), dropped when the filter changes.
    let more = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<AppError>);
    let first = resource(move || filter.get(), |f| audit_log(f, None));
    Effect::new(move || {
        if let Some(Ok(page)) = first.get() {
            more.set(Vec::new());
            next.set(page.next);
        }
    });
    let load_more = move |_| {
        let Some(before) = next.get_untracked() else {
            return;
        };
        let f = filter.get_untracked();
        leptos::task::spawn_local(async move {
            match audit_log(f, Some(before)).await {
                Ok(page) => {
                    more.update(|m| m.extend(page.entries));
                    next.set(page.next);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let csv = move || format!("/export/audit.csv?{}", filter.get().query_string());
    let input = |s: RwSignal<String>| move |ev: leptos::ev::Event| s.set(event_target_value(&ev));
    view! {
        <div class="page audit-page">
            <header class="page-header">
                <h1>{tx!(i18n, audit.title)}</h1>
                <a class="button" href=csv download="">{tx!(i18n, audit.export_csv)}</a>
            </header>
            <p class="muted">{tx!(i18n, audit.intro)}</p>
            <div class="list-toolbar audit-filters">
                <label>
                    <span>{tx!(i18n, audit.action)}</span>
                    <select id="audit-action" prop:value=move || action.get() on:change=input(action)>
                        <option value="">{move || t_string!(i18n, audit.all_actions).to_string()}</option>
                        {super::ACTIONS
                            .iter()
                            .map(|a| view! { <option value=*a>{move || action_label(i18n, a)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    <span>{tx!(i18n, audit.user)}</span>
                    <select id="audit-user" prop:value=move || user.get() on:change=input(user)>
                        <option value="">{move || t_string!(i18n, audit.everyone).to_string()}</option>
                        {move || {
                            first
                                .get()
                                .and_then(|r| r.ok())
                                .map(|p| {
                                    p.users
                                        .into_iter()
                                        .map(|(id, name)| {
                                            let value = id.to_string();
                                            let selected = user.get_untracked() == value;
                                            view! { <option value=value selected=selected>{name}</option> }
                                        })
                                        .collect_view()
                                })
                        }}
                    </select>
                </label>
                <label>
                    <span>{tx!(i18n, audit.record_type)}</span>
                    <select id="audit-record-type" prop:value=move || record_type.get() on:change=input(record_type)>
                        <option value="">{move || t_string!(i18n, audit.any_record).to_string()}</option>
                        {RecordKind::ALL.map(|k| view! {
                            <option value=k.as_str()>{move || crate::records::search::kind_label(i18n, k)}</option>
                        })}
                        <option value="user">{move || t_string!(i18n, audit.user).to_string()}</option>
                    </select>
                </label>
                <label>
                    <span>{tx!(i18n, audit.record_id)}</span>
                    <input id="audit-record-id" class="narrow" inputmode="numeric" prop:value=move || record_id.get() on:change=input(record_id) />
                </label>
                <label>
                    <span>{tx!(i18n, audit.from)}</span>
                    <input id="audit-from" type="date" prop:value=move || from.get() on:change=input(from) />
                </label>
                <label>
                    <span>{tx!(i18n, audit.to)}</span>
                    <input id="audit-to" type="date" prop:value=move || to.get() on:change=input(to) />
                </label>
            </div>
            <ErrorBanner error=error />
            <Suspense fallback=move || view! { <p class="muted">{t_string!(i18n, common.loading).to_string()}</p> }>
                {move || first.get().map(|r| match r {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                    Ok(page) => {
                        let empty = page.entries.is_empty();
                        view! {
                            <div class="table-wrap">
                                <table class="list-table audit-table">
                                    <caption class="visually-hidden">{t_string!(i18n, audit.title).to_string()}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t_string!(i18n, audit.at).to_string()}</th>
                                            <th scope="col">{t_string!(i18n, audit.user).to_string()}</th>
                                            <th scope="col">{t_string!(i18n, audit.action).to_string()}</th>
                                            <th scope="col">{t_string!(i18n, audit.about).to_string()}</th>
                                            <th scope="col">{t_string!(i18n, audit.detail).to_string()}</th>
                                            <th scope="col">{t_string!(i18n, audit.address).to_string()}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.entries.into_iter().map(|e| entry_row(i18n, e)).collect_view()}
                                        {move || more.get().into_iter().map(|e| entry_row(i18n, e)).collect_view()}
                                    </tbody>
                                </table>
                                {empty.then(|| view! { <p class="empty">{t_string!(i18n, audit.none).to_string()}</p> })}
                            </div>
                        }
                        .erase()
                    }
                })}
            </Suspense>
            <Show when=move || next.get().is_some()>
                <div class="pager">
                    <button type="button" class="button" on:click=load_more>{tx!(i18n, audit.more)}</button>
                </div>
            </Show>
        </div>
    }
    .erase()
}

/// The detail, with a change's field names in the reader's words.
fn detail(i18n: I18n, e: &AuditEntry) -> String {
    match (e.action.as_str(), RecordKind::parse(&e.record_type)) {
        ("change", Some(kind)) if e.detail != "created" => e
            .detail
            .split(", ")
            .map(|f| crate::records::timeline::field_label(i18n, kind, f))
            .collect::<Vec<_>>()
            .join(", "),
        ("change", Some(_)) => t_string!(i18n, audit.created).to_string(),
        _ => e.detail.clone(),
    }
}

fn entry_row(i18n: I18n, e: AuditEntry) -> impl IntoView {
    let about = subject(i18n, &e);
    let detail = detail(i18n, &e);
    let label = |k: fn(I18n) -> String| move || k(i18n);
    view! {
        <tr data-action=e.action.clone()>
            <td class="cell-main" data-label=label(|i| t_string!(i, audit.at).to_string())>{e.at.clone()}</td>
            <td data-label=label(|i| t_string!(i, audit.user).to_string())>{e.user_name.clone()}</td>
            <td data-label=label(|i| t_string!(i, audit.action).to_string())>{action_label(i18n, &e.action)}</td>
            <td class="nowrap" data-label=label(|i| t_string!(i, audit.about).to_string())>{about}</td>
            <td data-label=label(|i| t_string!(i, audit.detail).to_string())>{detail}</td>
            <td data-label=label(|i| t_string!(i, audit.address).to_string())>{e.address.clone()}</td>
        </tr>
    }
}
