//! The pages of enrolments: the list (the *Programmes* module), new, edit,
//! the record page, and the enrolments card of person and company pages.

use super::*;
use crate::bind;
use crate::programmes::{Programme, api::list_programmes, kind_label};
use crate::records::timeline::RecordActivity;
use crate::tx;
use crate::ui::browser::load_in_browser;
use crate::ui::erase::Erase;
use crate::ui::form::{FormSection, SelectField, TextArea, TextField};
use crate::ui::list::{Column, ListView, ValueKind, tags_cell, text_cell};
use crate::ui::pickers::{OwnerSelect, RecordPicker};
use crate::ui::record::{
    Detail, EditableDetail, Loaded, RecordBody, RecordForm, RecordHeader, route_id,
};
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn EnrolmentList() -> impl IntoView {
    let i18n = use_i18n();
    let columns = vec![
        Column::new(
            "subject",
            tx!(i18n, enrolment.subject),
            |e: &EnrolmentRow| text_cell(&e.subject),
        ),
        Column::new(
            "programme",
            tx!(i18n, enrolment.programme),
            |e: &EnrolmentRow| text_cell(&e.programme),
        )
        .unsortable()
        .filter(ValueKind::Text),
        Column::new(
            "identifier",
            tx!(i18n, enrolment.identifier),
            |e: &EnrolmentRow| text_cell(&e.identifier),
        )
        .unsortable()
        .filter(ValueKind::Text),
        Column::new(
            "status",
            tx!(i18n, enrolment.status),
            move |e: &EnrolmentRow| text_cell(&status_label(i18n, &e.status)),
        )
        .unsortable()
        .choices(ValueKind::Choice(STATUSES), status_label),
        Column::new(
            "starts_on",
            tx!(i18n, enrolment.starts_on),
            |e: &EnrolmentRow| text_cell(&e.starts_on),
        )
        .filter(ValueKind::Date)
        .editable("starts_on", |e| e.starts_on.clone()),
        Column::new(
            "ends_on",
            tx!(i18n, enrolment.ends_on),
            |e: &EnrolmentRow| text_cell(&e.ends_on),
        )
        .unsortable()
        .filter(ValueKind::Date)
        .editable("ends_on", |e| e.ends_on.clone()),
        Column::new("owner", tx!(i18n, common.owner), |e: &EnrolmentRow| {
            text_cell(&e.owner_name)
        })
        .unsortable()
        .filter(ValueKind::Owner),
        Column::new("tags", tx!(i18n, record.tags), |e: &EnrolmentRow| {
            tags_cell(&e.tags)
        })
        .unsortable()
        .filter(ValueKind::Tag)
        .hidden(),
        Column::new(
            "updated_at",
            tx!(i18n, common.updated),
            |e: &EnrolmentRow| text_cell(&e.updated_day),
        )
        .filter(ValueKind::Moment)
        .hidden(),
    ];
    view! {
        <ListView
            kind=RecordKind::Enrolment
            title=tx!(i18n, enrolment.plural)
            new_label=tx!(i18n, enrolment.new)
            columns=columns
            fetch=list_enrolments
        />
    }
    .erase()
}

/// The catalogue's entries a form offers, labelled in `l`: the offered
/// ones, and the one the enrolment has (even if no longer offered).
fn offered(l: Locale, list: Vec<Programme>, current: Option<i64>) -> Vec<(String, TextProp)> {
    list.into_iter()
        .filter(|p| p.active || Some(p.id) == current)
        .map(|p| {
            let label = format!("{} ({})", p.name, kind_label(l, &p.kind));
            (p.id.to_string(), TextProp::from(label))
        })
        .collect()
}

#[component]
fn EnrolmentFields(form: RwSignal<EnrolmentInput>) -> impl IntoView {
    let i18n = use_i18n();
    // Loaded in the browser (the edit form is inside a Suspense; see OwnerSelect).
    let programmes = crate::ui::browser::load_in_browser(|| list_programmes(false));
    let current = form.with_untracked(|f| f.programme_id);
    let id_text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let programme = (
        Signal::derive(move || form.with(|f| id_text(f.programme_id))),
        Callback::new(move |v: String| form.update(|f| f.programme_id = v.parse().ok())),
    );
    let statuses = STATUSES
        .iter()
        .map(|s| (s.to_string(), TextProp::from(move || status_label(i18n, s))))
        .collect::<Vec<_>>();
    let owner = Signal::derive(move || form.with(|f| f.owner_id));
    let set_owner = Callback::new(move |v| form.update(|f| f.owner_id = v));
    // A company is enrolled when the form has one and no person.
    let company = move || form.with(|f| f.company_id.is_some() && f.person_id.is_none());
    view! {
        <FormSection title=tx!(i18n, common.details)>
            // Drawn from the start, empty until the programmes arrive: the
            // form's first field, it pushed the whole form down when it
            // appeared only then.
            {move || {
                let list = programmes.get().and_then(|r| r.ok()).unwrap_or_default();
                let options = offered(i18n.get_locale(), list, current);
                view! {
                    <SelectField name="programme_id" label=tx!(i18n, enrolment.programme) bind=programme options=options required=true />
                }
            }}
            <Show
                when=company
                fallback=move || view! {
                    <RecordPicker kind=RecordKind::Person name="person_id" label=tx!(i18n, enrolment.person)
                        value=Signal::derive(move || form.with(|f| f.person_id))
                        set=Callback::new(move |v| form.update(|f| f.person_id = v)) />
                }
            >
                <RecordPicker kind=RecordKind::Company name="company_id" label=tx!(i18n, enrolment.company)
                    value=Signal::derive(move || form.with(|f| f.company_id))
                    set=Callback::new(move |v| form.update(|f| f.company_id = v)) />
            </Show>
            <TextField name="identifier" label=tx!(i18n, enrolment.identifier) bind=bind!(form.identifier) />
            <p class="hint muted">{tx!(i18n, enrolment.identifier_help)}</p>
            <SelectField name="status" label=tx!(i18n, enrolment.status) bind=bind!(form.status) options=statuses required=true />
            <TextField name="starts_on" label=tx!(i18n, enrolment.starts_on) bind=bind!(form.starts_on) kind="date" />
            <TextField name="ends_on" label=tx!(i18n, enrolment.ends_on) bind=bind!(form.ends_on) kind="date" />
            <OwnerSelect value=owner set=set_owner />
        </FormSection>
        <FormSection title=tx!(i18n, enrolment.notes)>
            <TextArea name="notes" label=tx!(i18n, enrolment.notes) bind=bind!(form.notes) />
        </FormSection>
    }
    .erase()
}

#[component]
pub fn EnrolmentNew() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let (person_id, company_id, programme_id) = query.with_untracked(|q| {
        let id = |k: &str| q.get(k).and_then(|v| v.parse().ok());
        (id("person"), id("company"), id("programme"))
    });
    let form = RwSignal::new(EnrolmentInput {
        person_id,
        company_id: company_id.filter(|_| person_id.is_none()),
        programme_id,
        status: "active".into(),
        starts_on: chrono::Local::now().date_naive().to_string(),
        ..Default::default()
    });
    let back = match (person_id, company_id) {
        (Some(p), _) => RecordKind::Person.href(p),
        (None, Some(c)) => RecordKind::Company.href(c),
        _ => "/programmes".into(),
    };
    view! {
        <RecordForm
            form=form
            check=EnrolmentInput::check
            save=move |input, _| save_enrolment(None, None, input)
            base="/programmes"
            title=tx!(i18n, enrolment.new)
            cancel_href=back
        >
            <EnrolmentFields form=form />
        </RecordForm>
    }
    .erase()
}

#[component]
pub fn EnrolmentEdit() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let enrolment = resource(move || id.get(), get_enrolment);
    view! {
        <Loaded
            resource=enrolment
            view=move |e: Enrolment| {
                let form = RwSignal::new(e.input.clone());
                let (id, version) = (e.id, e.version);
                view! {
                    <RecordForm
                        form=form
                        check=EnrolmentInput::check
                        save=move |input, _| save_enrolment(Some(id), Some(version), input)
                        base="/programmes"
                        title=tx!(i18n, enrolment.edit)
                        cancel_href=format!("/programmes/{id}")
                    >
                        <EnrolmentFields form=form />
                    </RecordForm>
                }
            }
        />
    }
    .erase()
}

/// "Completed" and "Withdrawn": ends a current enrolment read at
/// `version`, then calls `ended`.
#[component]
fn EndButtons(id: i64, version: RwSignal<i32>, ended: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let end = Action::new(move |status: &&'static str| {
        end_enrolment(id, version.get_untracked(), status.to_string())
    });
    Effect::new(move || {
        if let Some(Ok(v)) = end.value().get() {
            version.set(v);
            ended.run(());
        }
    });
    let error = Signal::derive(move || end.value().get().and_then(|r| r.err()));
    view! {
        <span class="enrolment-end">
            <button type="button" class="button" on:click=move |_| { end.dispatch("completed"); }>
                {tx!(i18n, enrolment.mark_completed)}
            </button>
            <button type="button" class="button" on:click=move |_| { end.dispatch("withdrawn"); }>
                {tx!(i18n, enrolment.mark_withdrawn)}
            </button>
            <crate::ui::feedback::ErrorBanner error=error />
        </span>
    }
    .erase()
}

#[component]
pub fn EnrolmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let reload_page = RwSignal::new(0u32);
    let enrolment = resource(
        move || (id.get(), reload_page.get()),
        |(id, _)| get_enrolment(id),
    );
    view! {
        <Loaded
            resource=enrolment
            view=move |e: Enrolment| {
                let id = e.id;
                let version = RwSignal::new(e.version);
                let reload = RwSignal::new(0u32);
                let saved = Callback::new(move |_| reload.update(|n| *n += 1));
                let ended = Callback::new(move |_| reload_page.update(|n| *n += 1));
                let k = RecordKind::Enrolment;
                let f = e.input.clone();
                let title = format!("{} · {}", e.subject_name, e.programme_name);
                let subtitle = format!(
                    "{} · {}",
                    kind_label(i18n.get_locale_untracked(), &e.programme_kind),
                    status_label(i18n, &f.status),
                );
                let subject = f.subject().map(|(kind, sid)| view! { <a href=kind.href(sid)>{e.subject_name.clone()}</a> });
                let current = f.status == "planned" || f.status == "active";
                view! {
                    <article class="page record-page">
                        <RecordHeader
                            kind=k
                            id=id
                            title=title
                            subtitle=subtitle
                            edit_href=format!("/programmes/{id}/edit")
                            delete=move || delete_enrolment(id, version.get_untracked())
                            after_delete="/programmes"
                        />
                        <RecordBody>
                            <section class="card">
                                <header class="card-header">
                                    <h2>{tx!(i18n, common.details)}</h2>
                                    {current.then(|| view! { <EndButtons id=id version=version ended=ended /> })}
                                </header>
                                <dl class="details">
                                    <div class="detail"><dt>{tx!(i18n, enrolment.subject)}</dt><dd>{subject}</dd></div>
                                    <Detail label=tx!(i18n, enrolment.programme) value=e.programme_name.clone() />
                                    <Detail label=tx!(i18n, enrolment.identifier) value=f.identifier.clone() />
                                    <Detail label=tx!(i18n, enrolment.status) value=status_label(i18n, &f.status) />
                                    <EditableDetail kind=k id=id version=version field="starts_on" label=tx!(i18n, enrolment.starts_on) value=f.starts_on.clone() on_saved=saved />
                                    <EditableDetail kind=k id=id version=version field="ends_on" label=tx!(i18n, enrolment.ends_on) value=f.ends_on.clone() on_saved=saved />
                                    <Detail label=tx!(i18n, common.owner) value=e.owner_name.clone() />
                                    <Detail label=tx!(i18n, enrolment.notes) value=f.notes.clone() />
                                </dl>
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

/// The enrolments of a person or a company, with a button to enrol them.
#[component]
pub fn RelatedEnrolments(kind: RecordKind, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    // Secondary: loaded in the browser (see `ui::browser`).
    let enrolments = load_in_browser(move || related_enrolments(kind, id));
    let param = kind.as_str();
    let show = move |e: EnrolmentRow| {
        let period = match (e.starts_on.as_str(), e.ends_on.as_str()) {
            ("", "") => String::new(),
            (s, en) => format!("{s} – {en}"),
        };
        let identifier = (!e.identifier.is_empty()).then(|| format!("№ {}", e.identifier));
        view! {
            <li class:former=e.status == "completed" || e.status == "withdrawn">
                <a href=format!("/programmes/{}", e.id)>{e.programme}</a>
                <span class="muted">{identifier}</span>
                <span class="chip">{status_label(i18n, &e.status)}</span>
                <span class="muted">{period}</span>
            </li>
        }
    };
    view! {
        <section class="card enrolments-card">
            <header class="card-header">
                <h2>{tx!(i18n, enrolment.plural)}</h2>
                <a href=format!("/programmes/new?{param}={id}") class="button">{tx!(i18n, enrolment.enrol)}</a>
            </header>
            {move || {
                crate::ui::browser::related_list(
                    enrolments.get(),
                    || t_string!(i18n, enrolment.none).to_string(),
                    |list| view! { <ul class="related">{list.into_iter().map(show).collect_view()}</ul> }.erase(),
                )
            }}
        </section>
    }
    .erase()
}
