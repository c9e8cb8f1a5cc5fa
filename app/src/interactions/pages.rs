//! The pages of interactions: list (and its History of done tasks), new,
//! edit, record page, and the quick actions of other records' pages.

use super::form::{InteractionFields, add_link};
use super::*;
use crate::records::timeline::RecordActivity;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::list::{
    Column, Filter, FilterOp, ListQuery, ListView, ValueKind, tags_cell, text_cell,
};
use crate::ui::record::{Detail, Loaded, RecordBody, RecordForm, RecordHeader, route_id};
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

/// The list query of the History view: done tasks, latest first.
pub fn history_query() -> ListQuery {
    ListQuery {
        sort: "completed".into(),
        desc: true,
        filters: vec![
            Filter {
                field: "kind".into(),
                op: FilterOp::Is,
                value: "task".into(),
            },
            Filter {
                field: "status".into(),
                op: FilterOp::Is,
                value: "done".into(),
            },
        ],
        ..Default::default()
    }
}

#[component]
pub fn InteractionList() -> impl IntoView {
    let i18n = use_i18n();
    let columns = vec![
        Column::new("subject", tx!(i18n, interaction.subject), |r: &InteractionRow| {
            text_cell(&r.subject)
        })
        .filter(ValueKind::Text),
        Column::new("kind", tx!(i18n, interaction.kind), move |r: &InteractionRow| {
            view! { <span class=format!("kind-chip kind-{}", r.kind)>{kind_label(i18n, &r.kind)}</span> }
                .erase()
        })
        .unsortable()
        .choices(ValueKind::Choice(KINDS), kind_label),
        Column::new("status", tx!(i18n, interaction.status), move |r: &InteractionRow| {
            text_cell(&status_label(i18n, &r.status))
        })
        .unsortable()
        .choices(ValueKind::Choice(ALL_STATUSES), status_label),
        Column::new("starts", tx!(i18n, interaction.when), |r: &InteractionRow| {
            text_cell(&r.starts)
        })
        .filter(ValueKind::Moment),
        Column::new("main_record", tx!(i18n, interaction.main_record), |r: &InteractionRow| {
            text_cell(&r.main_record)
        })
        .unsortable(),
        Column::new("priority", tx!(i18n, interaction.priority), move |r: &InteractionRow| {
            text_cell(&priority_label(i18n, &r.priority))
        })
        .unsortable()
        .choices(ValueKind::Choice(PRIORITIES), priority_label)
        .hidden(),
        Column::new("owner", tx!(i18n, common.owner), |r: &InteractionRow| {
            text_cell(&r.owner_name)
        })
        .unsortable()
        .filter(ValueKind::Owner),
        Column::new("completed", tx!(i18n, interaction.completed_at), |r: &InteractionRow| {
            text_cell(&r.completed)
        })
        .filter(ValueKind::Moment)
        .hidden(),
        Column::new("tags", tx!(i18n, record.tags), |r: &InteractionRow| tags_cell(&r.tags))
            .unsortable()
            .filter(ValueKind::Tag)
            .hidden(),
        Column::new("updated_at", tx!(i18n, common.updated), |r: &InteractionRow| {
            text_cell(&r.updated_day)
        })
        .filter(ValueKind::Moment)
        .hidden(),
    ];
    view! {
        <nav class="subnav" aria-label=tx!(i18n, interaction.plural)>
            <a href="/interactions/history">{tx!(i18n, interaction.history)}</a>
            <a href="/calendar">{tx!(i18n, nav.calendar)}</a>
        </nav>
        <ListView
            kind=RecordKind::Interaction
            title=tx!(i18n, interaction.plural)
            new_label=tx!(i18n, interaction.new)
            columns=columns
            fetch=list_interactions
        />
    }
    .erase()
}

/// `/interactions/history`: the list, filtered to done tasks.
#[component]
pub fn TaskHistory() -> impl IntoView {
    view! { <Redirect path=format!("/interactions{}", history_query().to_query_string()) /> }
        .erase()
}

/// The local time the browser shows now, rounded up to the next quarter.
fn next_quarter() -> chrono::NaiveDateTime {
    let now = chrono::Local::now().naive_local();
    let minutes = now.and_utc().timestamp() / 60;
    let rounded = (minutes / 15 + 1) * 15;
    chrono::DateTime::from_timestamp(rounded * 60, 0)
        .map(|t| t.naive_utc())
        .unwrap_or(now)
}

#[component]
pub fn InteractionNew() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let form = RwSignal::new(query.with_untracked(|q| {
        let kind = q
            .get("kind")
            .filter(|k| KINDS.contains(&k.as_str()))
            .unwrap_or_else(|| "meeting".into());
        let start = q
            .get("start")
            .and_then(|s| parse_local(&s))
            .unwrap_or_else(next_quarter);
        let mut input = InteractionInput::new(&kind, start);
        if let Some(end) = q.get("end").and_then(|s| parse_local(&s))
            && end > start
        {
            match kind.as_str() {
                "meeting" => input.end = format_local(end),
                "call" => input.duration_minutes = (end - start).num_minutes().to_string(),
                _ => {}
            }
        }
        if q.get("all_day").as_deref() == Some("true") {
            input.all_day = true;
            input.start = start.date().to_string();
            input.end = start.date().to_string();
        }
        input
    }));
    // Pre-linked to the record the form was opened from.
    Effect::new(move || {
        query.with_untracked(|q| {
            for kind in LINKABLE {
                if let Some(id) = q.get(kind.as_str()).and_then(|v| v.parse().ok()) {
                    add_link(form, kind, id);
                }
            }
        })
    });
    let back = query.with_untracked(|q| {
        LINKABLE
            .into_iter()
            .find_map(|k| q.get(k.as_str()).map(|id| format!("{}/{id}", k.base())))
            .unwrap_or_else(|| "/interactions".into())
    });
    view! {
        <RecordForm
            form=form
            check=InteractionInput::check
            save=move |input, _| save_interaction(None, None, input, Scope::One)
            base="/interactions"
            title=tx!(i18n, interaction.new)
            cancel_href=back
        >
            <InteractionFields form=form new=true />
        </RecordForm>
    }
    .erase()
}

/// "Only this one / the whole series", for an occurrence of a series, with
/// the question asked (editing by default).
#[component]
fn ScopeChoice(scope: RwSignal<Scope>, #[prop(optional)] deleting: bool) -> impl IntoView {
    let i18n = use_i18n();
    let option = move |value: Scope, label: TextProp| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="scope"
                    value=format!("{value:?}").to_lowercase()
                    prop:checked=move || scope.get() == value
                    on:change=move |_| scope.set(value)
                />
                <span>{move || label.get().to_string()}</span>
            </label>
        }
    };
    view! {
        <fieldset class="card scope-choice">
            <legend>{tx!(i18n, interaction.scope_title)}</legend>
            <p>
                {move || if deleting {
                    t_string!(i18n, interaction.delete_scope_question).to_string()
                } else {
                    t_string!(i18n, interaction.scope_question).to_string()
                }}
            </p>
            {option(Scope::One, tx!(i18n, interaction.scope_one).into())}
            {option(Scope::All, tx!(i18n, interaction.scope_all).into())}
        </fieldset>
    }
    .erase()
}

#[component]
pub fn InteractionEdit() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let interaction = resource(move || id.get(), get_interaction);
    view! {
        <Loaded
            resource=interaction
            view=move |it: Interaction| {
                let form = RwSignal::new(it.input.clone());
                let scope = RwSignal::new(Scope::One);
                let (id, version) = (it.id, it.version);
                view! {
                    <RecordForm
                        form=form
                        check=InteractionInput::check
                        save=move |input, _| save_interaction(Some(id), Some(version), input, scope.get_untracked())
                        base="/interactions"
                        title=tx!(i18n, interaction.edit)
                        cancel_href=format!("/interactions/{id}")
                    >
                        {it.series_id.map(|_| view! { <ScopeChoice scope=scope /> })}
                        <InteractionFields form=form new=false />
                    </RecordForm>
                }
            }
        />
    }
    .erase()
}

/// "When" of an interaction page: start – end, or the due moment.
fn when_text(it: &InteractionInput) -> String {
    let show = |v: &str| v.replace('T', " ");
    match it.kind.as_str() {
        "meeting" => format!("{} – {}", show(&it.start), show(&it.end)),
        _ => show(&it.start),
    }
}

#[component]
pub fn InteractionPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let reload_record = RwSignal::new(0u32);
    let interaction = resource(
        move || (id.get(), reload_record.get()),
        |(id, _)| get_interaction(id),
    );
    view! {
        <Loaded
            resource=interaction
            view=move |it: Interaction| {
                let id = it.id;
                let version = RwSignal::new(it.version);
                let delete_scope = RwSignal::new(Scope::One);
                let in_series = it.series_id.is_some();
                let reload = RwSignal::new(0u32);
                let f = it.input.clone();
                let k = RecordKind::Interaction;
                let subtitle = format!(
                    "{} · {} · {}",
                    kind_label(i18n, &f.kind),
                    status_label(i18n, &f.status),
                    when_text(&f)
                );
                let done = Action::new(move |_: &()| async move {
                    set_interaction_status(id, version.get_untracked(), "done".into()).await
                });
                Effect::new(move || {
                    if let Some(Ok(_)) = done.value().get() {
                        reload_record.update(|n| *n += 1);
                    }
                });
                let open_task = f.kind == "task" && f.status != "done";
                let reminder = f
                    .reminder_minutes
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .map(|m| super::form::reminder_label(i18n, m))
                    .unwrap_or_default();
                let links = f.links.clone();
                let persons = f.attendee_persons.clone();
                view! {
                    <article class="page record-page">
                        <RecordHeader
                            kind=k
                            id=id
                            title=f.subject.clone()
                            subtitle=subtitle
                            edit_href=format!("/interactions/{id}/edit")
                            delete=move || delete_interaction(id, version.get_untracked(), delete_scope.get_untracked())
                            after_delete="/interactions"
                            // "This one or the whole series?" is asked when deleting.
                            delete_extra=move || in_series.then(|| view! { <ScopeChoice scope=delete_scope deleting=true /> })
                        />
                        {(open_task && it.allowed.change).then(|| view! {
                            <p>
                                <button class="button" on:click=move |_| { done.dispatch(()); }>
                                    {t_string!(i18n, interaction.mark_done).to_string()}
                                </button>
                            </p>
                        })}
                        <crate::ui::feedback::ErrorBanner error=Signal::derive(move || done.value().get().and_then(|r| r.err())) />
                        <RecordBody>
                            <section class="card">
                                <h2>{tx!(i18n, common.details)}</h2>
                                <dl class="details">
                                    <Detail label=tx!(i18n, interaction.kind) value=kind_label(i18n, &f.kind) />
                                    <Detail label=tx!(i18n, interaction.status) value=status_label(i18n, &f.status) />
                                    <Detail label=tx!(i18n, interaction.when) value=when_text(&f) />
                                    <Detail label=tx!(i18n, interaction.duration) value=f.duration_minutes.clone() />
                                    <Detail label=tx!(i18n, interaction.direction) value=direction_label(i18n, &f.direction) />
                                    <Detail label=tx!(i18n, interaction.location) value=f.location.clone() />
                                    <Detail label=tx!(i18n, interaction.task_start) value=f.task_start.clone() />
                                    <Detail label=tx!(i18n, interaction.priority) value=priority_label(i18n, &f.priority) />
                                    <Detail
                                        label=tx!(i18n, interaction.completed_at)
                                        value=it.completed_local.clone()
                                    />
                                    <Detail label=tx!(i18n, common.owner) value=it.owner_name.clone() />
                                    <Detail label=tx!(i18n, interaction.attendee_users) value=it.attendee_user_names.join(", ") />
                                    <Detail
                                        label=tx!(i18n, interaction.private_short)
                                        value=if f.private { t_string!(i18n, common.yes).to_string() } else { String::new() }
                                    />
                                    <Detail label=tx!(i18n, interaction.reminder) value=reminder.clone() />
                                    <Detail
                                        label=tx!(i18n, interaction.recurrence)
                                        value=if it.series_id.is_some() { t_string!(i18n, interaction.series).to_string() } else { String::new() }
                                    />
                                    <Detail label=tx!(i18n, interaction.description) value=f.description.clone() />
                                </dl>
                            </section>
                            <section class="card">
                                <h2>{tx!(i18n, interaction.related)}</h2>
                                <ul class="related">
                                    {links.into_iter().map(|l| view! {
                                        <li>
                                            <a href=l.kind.href(l.id)>{l.name.clone()}</a>
                                            {l.main.then(|| view! { <span class="chip">{t_string!(i18n, interaction.main).to_string()}</span> })}
                                        </li>
                                    }).collect_view()}
                                    {persons.into_iter().map(|p| view! {
                                        <li>
                                            <a href=p.kind.href(p.id)>{p.name.clone()}</a>
                                            <span class="muted">{t_string!(i18n, interaction.attendees).to_string()}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                            <crate::documents::pages::RecordDocuments kind=k id=id />
                            <RecordActivity kind=k id=id reload=reload />
                        </RecordBody>
                    </article>
                }
            }
        />
    }
    .erase()
}

/// Log a call, schedule a meeting, create a task: the interaction form,
/// pre-linked to this record.
#[component]
pub fn QuickActions(kind: RecordKind, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let param = kind.as_str();
    let link = move |k: &'static str, label: TextProp| {
        view! {
            <a href=format!("/interactions/new?kind={k}&{param}={id}") class=format!("button quick-{k}")>
                {move || label.get().to_string()}
            </a>
        }
    };
    view! {
        <nav class="quick-actions" aria-label=tx!(i18n, interaction.quick_actions)>
            {link("call", tx!(i18n, interaction.log_call).into())}
            {link("meeting", tx!(i18n, interaction.schedule_meeting).into())}
            {link("task", tx!(i18n, interaction.create_task).into())}
        </nav>
    }
    .erase()
}
