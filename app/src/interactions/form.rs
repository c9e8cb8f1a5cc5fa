//! The interaction form's fields: kind, subject, the fields of the chosen
//! kind, when, reminder, recurrence (new ones only), related records and
//! attendees.

use super::*;
use crate::auth::user_options;
use crate::bind;
use crate::records::search::record_name;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::form::{CheckboxField, FormSection, SelectField, TextArea, TextField};
use crate::ui::pickers::{OwnerSelect, RecordPicker};
use leptos::prelude::*;

/// Options of a select: each value with its translated label.
fn options(
    values: &'static [&'static str],
    label: fn(I18n, &str) -> String,
) -> Vec<(String, TextProp)> {
    let i18n = use_i18n();
    values
        .iter()
        .map(|v| (v.to_string(), TextProp::from(move || label(i18n, v))))
        .collect()
}

fn weekday_label(i18n: I18n, day: &str) -> String {
    match day {
        "MO" => t_string!(i18n, interaction.day_mo),
        "TU" => t_string!(i18n, interaction.day_tu),
        "WE" => t_string!(i18n, interaction.day_we),
        "TH" => t_string!(i18n, interaction.day_th),
        "FR" => t_string!(i18n, interaction.day_fr),
        "SA" => t_string!(i18n, interaction.day_sa),
        _ => t_string!(i18n, interaction.day_su),
    }
    .to_string()
}

pub(crate) fn reminder_label(i18n: I18n, minutes: i32) -> String {
    match minutes {
        0 => t_string!(i18n, interaction.at_start).to_string(),
        1440 => t_string!(i18n, interaction.reminder_day).to_string(),
        m if m >= 60 && m % 60 == 0 => {
            let count = m / 60;
            t_string!(i18n, interaction.reminder_hours, count).to_string()
        }
        count => t_string!(i18n, interaction.reminder_minutes, count).to_string(),
    }
}

/// Adds a link to `kind` `id` and fills in its name.
pub fn add_link(form: RwSignal<InteractionInput>, kind: RecordKind, id: i64) {
    if form.with_untracked(|f| f.links.iter().any(|l| l.kind == kind && l.id == id)) {
        return;
    }
    form.update(|f| {
        let main = f.links.is_empty();
        f.links.push(Link {
            kind,
            id,
            name: String::new(),
            main,
        })
    });
    leptos::task::spawn_local(async move {
        if let Ok(name) = record_name(kind, id).await {
            form.update(|f| {
                for l in f.links.iter_mut().filter(|l| l.kind == kind && l.id == id) {
                    l.name = name.clone();
                }
            });
        }
    });
}

/// The records the interaction concerns: main one first, each removable,
/// and a picker per kind to add one.
#[component]
fn LinksEditor(form: RwSignal<InteractionInput>) -> impl IntoView {
    let i18n = use_i18n();
    let picker = move |kind: RecordKind, name: &'static str, label: TextProp| {
        view! {
            <RecordPicker
                kind=kind
                name=name
                label=label
                value=Signal::stored(None)
                set=Callback::new(move |v: Option<i64>| {
                    if let Some(id) = v {
                        add_link(form, kind, id);
                    }
                })
            />
        }
    };
    view! {
        <FormSection title=tx!(i18n, interaction.related)>
            <ul class="link-list" id="f-links">
                {move || {
                    form.get()
                        .links
                        .into_iter()
                        .enumerate()
                        .map(|(index, l)| {
                            let name = if l.name.is_empty() { format!("#{}", l.id) } else { l.name.clone() };
                            view! {
                                <li class="link-item">
                                    <a href=l.kind.href(l.id)>{name}</a>
                                    {if l.main {
                                        view! { <span class="chip">{t_string!(i18n, interaction.main).to_string()}</span> }.erase()
                                    } else {
                                        view! {
                                            <button type="button" class="link-button" on:click=move |_| form.update(|f| {
                                                for (i, x) in f.links.iter_mut().enumerate() {
                                                    x.main = i == index;
                                                }
                                            })>{t_string!(i18n, interaction.make_main).to_string()}</button>
                                        }.erase()
                                    }}
                                    <button type="button" class="link-button" on:click=move |_| form.update(|f| {
                                        let removed = f.links.remove(index);
                                        if removed.main && let Some(first) = f.links.first_mut() {
                                            first.main = true;
                                        }
                                    })>{t_string!(i18n, common.clear).to_string()}</button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="form-grid">
                {picker(RecordKind::Company, "link_company", tx!(i18n, company.singular).into())}
                {picker(RecordKind::Person, "link_person", tx!(i18n, person.singular).into())}
                {picker(RecordKind::Deal, "link_deal", tx!(i18n, deal.singular).into())}
                {picker(RecordKind::Enrolment, "link_enrolment", tx!(i18n, enrolment.singular).into())}
            </div>
        </FormSection>
    }
    .erase()
}

/// Colleagues (checkboxes) and persons (picker) attending.
#[component]
fn AttendeesEditor(form: RwSignal<InteractionInput>) -> impl IntoView {
    let i18n = use_i18n();
    let users = crate::ui::browser::load_in_browser(user_options);
    let chosen = (
        Signal::derive(move || {
            form.with(|f| {
                f.attendee_users
                    .iter()
                    .map(|u| u.to_string())
                    .collect::<Vec<_>>()
            })
        }),
        Callback::new(move |v: Vec<String>| {
            form.update(|f| f.attendee_users = v.iter().filter_map(|x| x.parse().ok()).collect())
        }),
    );
    view! {
        <FormSection title=tx!(i18n, interaction.attendees)>
            {move || {
                users.get().map(|r| {
                    let options = r
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(id, name)| (id.to_string(), TextProp::from(name)))
                        .collect::<Vec<_>>();
                    view! {
                        <crate::ui::form::CheckboxGroup name="attendee_users" label=tx!(i18n, interaction.attendee_users) bind=chosen options=options />
                    }
                })
            }}
            <ul class="link-list">
                {move || {
                    form.get()
                        .attendee_persons
                        .into_iter()
                        .enumerate()
                        .map(|(index, p)| {
                            view! {
                                <li class="link-item">
                                    <a href=p.kind.href(p.id)>{p.name.clone()}</a>
                                    <button type="button" class="link-button" on:click=move |_| form.update(|f| {
                                        f.attendee_persons.remove(index);
                                    })>{t_string!(i18n, common.clear).to_string()}</button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <RecordPicker
                kind=RecordKind::Person
                name="attendee_persons"
                label=tx!(i18n, interaction.attendee_persons)
                value=Signal::stored(None)
                set=Callback::new(move |v: Option<i64>| {
                    if let Some(id) = v
                        && !form.with_untracked(|f| f.attendee_persons.iter().any(|p| p.id == id))
                    {
                        leptos::task::spawn_local(async move {
                            let name = record_name(RecordKind::Person, id).await.unwrap_or_default();
                            form.update(|f| f.attendee_persons.push(Link { kind: RecordKind::Person, id, name, main: false }));
                        });
                    }
                })
            />
        </FormSection>
    }
    .erase()
}

/// "Repeat": none, daily, weekly on chosen days, monthly; until a date or
/// a number of times.
#[component]
fn RecurrenceEditor(form: RwSignal<InteractionInput>) -> impl IntoView {
    let i18n = use_i18n();
    let freq = (
        Signal::derive(move || {
            form.with(|f| {
                f.recurrence
                    .as_ref()
                    .map(|r| r.freq.clone())
                    .unwrap_or_default()
            })
        }),
        Callback::new(move |v: String| {
            form.update(|f| {
                f.recurrence = (!v.is_empty()).then(|| Recurrence {
                    freq: v,
                    ..f.recurrence.clone().unwrap_or_default()
                })
            })
        }),
    );
    macro_rules! rec {
        ($field:ident) => {
            (
                Signal::derive(move || {
                    form.with(|f| {
                        f.recurrence
                            .as_ref()
                            .map(|r| r.$field.clone())
                            .unwrap_or_default()
                    })
                }),
                Callback::new(move |v| {
                    form.update(|f| {
                        if let Some(r) = f.recurrence.as_mut() {
                            r.$field = v
                        }
                    })
                }),
            )
        };
    }
    let freq_label = |i18n: I18n, v: &str| match v {
        "daily" => t_string!(i18n, interaction.daily).to_string(),
        "weekly" => t_string!(i18n, interaction.weekly).to_string(),
        _ => t_string!(i18n, interaction.monthly).to_string(),
    };
    let ends_label = |i18n: I18n, v: &str| match v {
        "until" => t_string!(i18n, interaction.ends_until).to_string(),
        _ => t_string!(i18n, interaction.ends_count).to_string(),
    };
    let repeating = move || form.with(|f| f.recurrence.is_some());
    let weekly = move || form.with(|f| f.recurrence.as_ref().is_some_and(|r| r.freq == "weekly"));
    let until = move || form.with(|f| f.recurrence.as_ref().is_some_and(|r| r.ends == "until"));
    view! {
        <FormSection title=tx!(i18n, interaction.recurrence)>
            <SelectField name="recurrence.freq" label=tx!(i18n, interaction.repeats) bind=freq options=options(series::FREQUENCIES, freq_label) />
            <Show when=repeating>
                <TextField name="recurrence.interval" label=tx!(i18n, interaction.every) bind=rec!(interval) kind="number" inputmode="numeric" />
                <Show when=weekly>
                    <crate::ui::form::CheckboxGroup name="recurrence.weekdays" label=tx!(i18n, interaction.on_days) bind=rec!(weekdays) options=options(series::WEEKDAYS, weekday_label) />
                </Show>
                <SelectField name="recurrence.ends" label=tx!(i18n, interaction.ends) bind=rec!(ends) options=options(&["count", "until"], ends_label) />
                <Show when=until fallback=move || view! {
                    <TextField name="recurrence.count" label=tx!(i18n, interaction.count) bind=rec!(count) kind="number" inputmode="numeric" />
                }>
                    <TextField name="recurrence.until" label=tx!(i18n, interaction.until) bind=rec!(until) kind="date" />
                </Show>
            </Show>
        </FormSection>
    }
    .erase()
}

/// Every field of the interaction form. `new` shows the recurrence.
#[component]
pub fn InteractionFields(form: RwSignal<InteractionInput>, new: bool) -> impl IntoView {
    let i18n = use_i18n();
    let kind = move || form.with(|f| f.kind.clone());
    let set_kind = move |k: &'static str| {
        form.update(|f| {
            if f.kind == k {
                return;
            }
            let start = parse_local(&f.start).unwrap_or_default();
            let fresh = InteractionInput::new(k, start);
            f.kind = k.to_string();
            f.status = fresh.status;
            if f.end.is_empty() {
                f.end = fresh.end;
            }
            if f.duration_minutes.is_empty() {
                f.duration_minutes = fresh.duration_minutes;
            }
            if f.priority.is_empty() {
                f.priority = fresh.priority;
            }
            if f.direction.is_empty() {
                f.direction = fresh.direction;
            }
        })
    };
    let all_day = (
        Signal::derive(move || form.with(|f| f.all_day)),
        Callback::new(move |on: bool| {
            form.update(|f| {
                f.all_day = on;
                let to_day = |v: &str| parse_local(v).map(|t| t.date().to_string());
                let to_time = |v: &str| parse_local(v).map(|t| format!("{}T09:00", t.date()));
                let (start, end) = if on {
                    (to_day(&f.start), to_day(&f.end))
                } else {
                    (to_time(&f.start), to_time(&f.end))
                };
                f.start = start.unwrap_or_default();
                f.end = end.unwrap_or_default();
            })
        }),
    );
    let time_kind = move || {
        if form.with(|f| f.all_day) {
            "date"
        } else {
            "datetime-local"
        }
    };
    let reminders: Vec<(String, TextProp)> = REMINDERS
        .iter()
        .map(|m| {
            let m = *m;
            (
                m.to_string(),
                TextProp::from(move || reminder_label(i18n, m)),
            )
        })
        .collect();
    let owner = Signal::derive(move || form.with(|f| f.owner_id));
    let set_owner = Callback::new(move |v| form.update(|f| f.owner_id = v));
    let kind_button = move |k: &'static str| {
        view! {
            <button
                type="button"
                class=format!("segment kind-{k}")
                aria-pressed=move || (kind() == k).to_string()
                on:click=move |_| set_kind(k)
            >
                {move || kind_label(i18n, k)}
            </button>
        }
    };
    view! {
        <FormSection title=tx!(i18n, common.details)>
            <div class="segmented" role="group" aria-label=tx!(i18n, interaction.kind)>
                {KINDS.iter().map(|k| kind_button(k)).collect_view()}
            </div>
            <TextField name="subject" label=tx!(i18n, interaction.subject) bind=bind!(form.subject) required=true />
            {move || {
                let k = kind();
                let statuses = options(statuses(&k), status_label);
                view! { <SelectField name="status" label=tx!(i18n, interaction.status) bind=bind!(form.status) options=statuses required=true /> }
            }}
            {move || {
                let k = kind();
                let when = time_kind();
                let start_label = TextProp::from(move || {
                    if k == "task" {
                        t_string!(i18n, interaction.due).to_string()
                    } else {
                        t_string!(i18n, interaction.start).to_string()
                    }
                });
                let k2 = kind();
                view! {
                    <TextField name="start" label=start_label bind=bind!(form.start) kind=when required=true />
                    {(k2 == "meeting").then(|| view! {
                        <TextField name="end" label=tx!(i18n, interaction.end) bind=bind!(form.end) kind=when required=true />
                        <TextField name="location" label=tx!(i18n, interaction.location) bind=bind!(form.location) />
                    })}
                    {(k2 == "call").then(|| view! {
                        <TextField name="duration_minutes" label=tx!(i18n, interaction.duration) bind=bind!(form.duration_minutes) kind="number" inputmode="numeric" />
                    })}
                    {(k2 == "call" || k2 == "email").then(|| view! {
                        <SelectField name="direction" label=tx!(i18n, interaction.direction) bind=bind!(form.direction) options=options(DIRECTIONS, direction_label) required=true />
                    })}
                    {(k2 == "task").then(|| view! {
                        <TextField name="task_start" label=tx!(i18n, interaction.task_start) bind=bind!(form.task_start) kind="date" />
                        <SelectField name="priority" label=tx!(i18n, interaction.priority) bind=bind!(form.priority) options=options(PRIORITIES, priority_label) required=true />
                    })}
                }
            }}
            <CheckboxField name="all_day" label=tx!(i18n, interaction.all_day) bind=all_day />
            <SelectField name="reminder_minutes" label=tx!(i18n, interaction.reminder) bind=bind!(form.reminder_minutes) options=reminders />
            <OwnerSelect value=owner set=set_owner />
            <CheckboxField name="private" label=tx!(i18n, interaction.private) bind=bind!(form.private) />
        </FormSection>
        {new.then(|| view! { <RecurrenceEditor form=form /> })}
        <LinksEditor form=form />
        <AttendeesEditor form=form />
        <FormSection title=tx!(i18n, interaction.description)>
            <TextArea name="description" label=tx!(i18n, interaction.description) bind=bind!(form.description) />
        </FormSection>
    }
    .erase()
}
