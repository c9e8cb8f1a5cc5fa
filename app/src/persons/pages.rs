//! The pages of persons: list, new, edit and record page.

use super::*;
use crate::bind;
use crate::deals::pages::RelatedDeals;
use crate::documents::pages::RecordDocuments;
use crate::programmes::enrolments::pages::RelatedEnrolments;
use crate::records::RecordKind;
use crate::records::search::DuplicateWarning;
use crate::records::timeline::RecordActivity;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::form::{CheckboxField, CheckboxGroup, FormSection, SelectField, TextField};
use crate::ui::list::{Column, ListView, ValueKind, tags_cell, text_cell};
use crate::ui::pickers::{OwnerSelect, RecordPicker};
use crate::ui::record::{
    Detail, EditableDetail, Loaded, RecordBody, RecordForm, RecordHeader, one_line_address,
    route_id,
};
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PersonList() -> impl IntoView {
    let i18n = use_i18n();
    let columns = vec![
        Column::new("name", tx!(i18n, person.full_name), |p: &PersonRow| {
            text_cell(&p.name)
        })
        .filter(ValueKind::Text),
        Column::new("company", tx!(i18n, person.company), |p: &PersonRow| {
            text_cell(&p.company)
        })
        .unsortable(),
        Column::new("job_title", tx!(i18n, person.job_title), |p: &PersonRow| {
            text_cell(&p.job_title)
        })
        .filter(ValueKind::Text)
        .editable("job_title", |p| p.job_title.clone())
        .hidden(),
        Column::new("roles", tx!(i18n, person.roles), move |p: &PersonRow| {
            text_cell(
                &p.roles
                    .iter()
                    .map(|r| role_label(i18n, r))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
        .unsortable()
        .choices(ValueKind::Choices(ROLES), role_label),
        Column::new(
            "lifecycle_stage",
            tx!(i18n, person.lifecycle_stage),
            move |p: &PersonRow| text_cell(&stage_label(i18n, &p.lifecycle_stage)),
        )
        .choices(ValueKind::Choice(STAGES), stage_label)
        .hidden(),
        Column::new("email", tx!(i18n, person.email), |p: &PersonRow| {
            text_cell(&p.email)
        })
        .filter(ValueKind::Text)
        .editable("email", |p| p.email.clone()),
        Column::new("phone", tx!(i18n, person.phone), |p: &PersonRow| {
            text_cell(&p.phone)
        })
        .filter(ValueKind::Text)
        .editable("phone", |p| p.phone.clone()),
        Column::new("city", tx!(i18n, company.city), |p: &PersonRow| {
            text_cell(&p.city)
        })
        .filter(ValueKind::Text)
        .editable("city", |p| p.city.clone()),
        Column::new("country", tx!(i18n, company.country), |p: &PersonRow| {
            text_cell(&p.country)
        })
        .filter(ValueKind::Text)
        .hidden(),
        Column::new(
            "language",
            tx!(i18n, person.preferred_language),
            move |p: &PersonRow| text_cell(&language_label(i18n, &p.language)),
        )
        .unsortable()
        .choices(ValueKind::Choice(LANGUAGES), language_label)
        .hidden(),
        Column::new("source", tx!(i18n, person.source), |p: &PersonRow| {
            text_cell(&p.source)
        })
        .filter(ValueKind::Text)
        .hidden(),
        Column::new("owner", tx!(i18n, common.owner), |p: &PersonRow| {
            text_cell(&p.owner_name)
        })
        .unsortable()
        .filter(ValueKind::Owner),
        Column::new("tags", tx!(i18n, record.tags), |r: &PersonRow| {
            tags_cell(&r.tags)
        })
        .unsortable()
        .filter(ValueKind::Tag)
        .hidden(),
        Column::new("created_at", tx!(i18n, common.created), |p: &PersonRow| {
            text_cell(&p.created_day)
        })
        .filter(ValueKind::Moment)
        .hidden(),
        Column::new("updated_at", tx!(i18n, common.updated), |p: &PersonRow| {
            text_cell(&p.updated_day)
        })
        .filter(ValueKind::Moment)
        .hidden(),
    ];
    view! {
        <ListView
            kind=RecordKind::Person
            title=tx!(i18n, person.plural)
            new_label=tx!(i18n, person.new)
            columns=columns
            fetch=list_persons
        />
    }
    .erase()
}

#[component]
fn PersonFields(form: RwSignal<PersonInput>) -> impl IntoView {
    let i18n = use_i18n();
    let opts = move |codes: &'static [&'static str],
                     label: fn(crate::ui::feedback::I18n, &str) -> String| {
        codes
            .iter()
            .map(move |c| (c.to_string(), TextProp::from(move || label(i18n, c))))
            .collect::<Vec<_>>()
    };
    let owner = Signal::derive(move || form.with(|f| f.owner_id));
    let set_owner = Callback::new(move |v| form.update(|f| f.owner_id = v));
    view! {
        <FormSection title=tx!(i18n, common.details)>
            <SelectField name="civility" label=tx!(i18n, person.civility) bind=bind!(form.civility) options=opts(CIVILITIES, civility_label) />
            <TextField name="first_name" label=tx!(i18n, person.first_name) bind=bind!(form.first_name) autocomplete="given-name" />
            <TextField name="last_name" label=tx!(i18n, person.last_name) bind=bind!(form.last_name) required=true autocomplete="family-name" />
            <TextField name="job_title" label=tx!(i18n, person.job_title) bind=bind!(form.job_title) autocomplete="organization-title" />
            <TextField name="email" label=tx!(i18n, person.email) bind=bind!(form.email) kind="email" autocomplete="email" />
            <TextField name="email2" label=tx!(i18n, person.email2) bind=bind!(form.email2) kind="email" />
            <TextField name="phone" label=tx!(i18n, person.phone) bind=bind!(form.phone) kind="tel" autocomplete="tel" />
            <TextField name="mobile" label=tx!(i18n, person.mobile) bind=bind!(form.mobile) kind="tel" />
            <CheckboxGroup name="roles" label=tx!(i18n, person.roles) bind=bind!(form.roles) options=opts(ROLES, role_label) />
            <SelectField name="lifecycle_stage" label=tx!(i18n, person.lifecycle_stage) bind=bind!(form.lifecycle_stage) options=opts(STAGES, stage_label) />
            <SelectField name="preferred_language" label=tx!(i18n, person.preferred_language) bind=bind!(form.preferred_language) options=opts(LANGUAGES, language_label) />
            <TextField name="birthday" label=tx!(i18n, person.birthday) bind=bind!(form.birthday) kind="date" />
            <TextField name="source" label=tx!(i18n, person.source) bind=bind!(form.source) />
            <OwnerSelect value=owner set=set_owner />
        </FormSection>
        <FormSection title=tx!(i18n, person.company)>
            <RecordPicker
                kind=RecordKind::Company
                name="company_id"
                label=tx!(i18n, person.company)
                value=Signal::derive(move || form.with(|f| f.company_id))
                set=Callback::new(move |v| form.update(|f| f.company_id = v))
            />
            <TextField name="company_job_title" label=tx!(i18n, person.company_job_title) bind=bind!(form.company_job_title) />
            <TextField name="link_start" label=tx!(i18n, person.link_start) bind=bind!(form.link_start) kind="date" />
            <TextField name="link_end" label=tx!(i18n, person.link_end) bind=bind!(form.link_end) kind="date" />
        </FormSection>
        <FormSection title=tx!(i18n, person.address)>
            <TextField name="street" label=tx!(i18n, company.street) bind=bind!(form.street) autocomplete="address-line1" />
            <TextField name="line2" label=tx!(i18n, company.line2) bind=bind!(form.line2) autocomplete="address-line2" />
            <TextField name="postal_code" label=tx!(i18n, company.postal_code) bind=bind!(form.postal_code) autocomplete="postal-code" />
            <TextField name="city" label=tx!(i18n, company.city) bind=bind!(form.city) autocomplete="address-level2" />
            <TextField name="country" label=tx!(i18n, company.country) bind=bind!(form.country) autocomplete="country-name" />
        </FormSection>
        <FormSection title=tx!(i18n, person.consent)>
            <CheckboxField name="marketing_consent" label=tx!(i18n, person.marketing_consent) bind=bind!(form.marketing_consent) />
            <TextField name="consent_date" label=tx!(i18n, person.consent_date) bind=bind!(form.consent_date) kind="date" />
            <TextField name="consent_method" label=tx!(i18n, person.consent_method) bind=bind!(form.consent_method) />
        </FormSection>
    }
    .erase()
}

#[component]
pub fn PersonNew() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let company_id = query.with_untracked(|q| q.get("company").and_then(|v| v.parse().ok()));
    let form = RwSignal::new(PersonInput {
        company_id,
        ..Default::default()
    });
    view! {
        <RecordForm
            form=form
            check=PersonInput::check
            save=move |input, confirmed| save_person(None, None, input, confirmed)
            base="/persons"
            title=tx!(i18n, person.new)
            cancel_href="/persons"
        >
            <DuplicateWarning
                kind=RecordKind::Person
                name=Signal::derive(move || form.with(|f| f.full_name()))
                email=Signal::derive(move || form.with(|f| f.email.clone()))
                phone=Signal::derive(move || form.with(|f| if f.phone.is_empty() { f.mobile.clone() } else { f.phone.clone() }))
            />
            <PersonFields form=form />
        </RecordForm>
    }
    .erase()
}

#[component]
pub fn PersonEdit() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let person = resource(move || id.get(), get_person);
    view! {
        <Loaded
            resource=person
            view=move |p: Person| {
                let form = RwSignal::new(p.input.clone());
                let (id, version) = (p.id, p.version);
                view! {
                    <RecordForm
                        form=form
                        check=PersonInput::check
                        save=move |input, _| save_person(Some(id), Some(version), input, false)
                        base="/persons"
                        title=tx!(i18n, person.edit)
                        cancel_href=format!("/persons/{id}")
                    >
                        <PersonFields form=form />
                    </RecordForm>
                }
            }
        />
    }
    .erase()
}

#[component]
pub fn PersonPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let person = resource(move || id.get(), get_person);
    view! {
        <Loaded
            resource=person
            view=move |p: Person| {
                let id = p.id;
                let version = RwSignal::new(p.version);
                let reload = RwSignal::new(0u32);
                let saved = Callback::new(move |_| reload.update(|n| *n += 1));
                let k = RecordKind::Person;
                let f = p.input.clone();
                let title = format!("{} {}", civility_label(i18n, &f.civility), f.full_name()).trim().to_string();
                let current = p.jobs.iter().find(|j| j.end_date.is_none()).cloned();
                let subtitle = match current {
                    Some(j) if !j.job_title.is_empty() => format!("{} · {}", j.job_title, j.company_name),
                    Some(j) => j.company_name.clone(),
                    None => f.job_title.clone(),
                };
                let roles = f.roles.iter().map(|r| role_label(i18n, r)).collect::<Vec<_>>().join(", ");
                let address = one_line_address(&f.street, &f.line2, &f.postal_code, &f.city, &f.country);
                let consent = if f.marketing_consent {
                    format!("{} {} {}", t_string!(i18n, common.yes), f.consent_date, f.consent_method).trim().to_string()
                } else {
                    t_string!(i18n, common.no).to_string()
                };
                view! {
                    <article class="page record-page">
                        <RecordHeader
                            kind=k
                            id=id
                            title=title
                            subtitle=subtitle
                            edit_href=format!("/persons/{id}/edit")
                            delete=move || delete_person(id, version.get_untracked())
                            after_delete="/persons"
                        />
                        <RecordBody>
                            <section class="card">
                                <h2>{tx!(i18n, common.details)}</h2>
                                <dl class="details">
                                    <EditableDetail kind=k id=id version=version field="email" label=tx!(i18n, person.email) value=f.email.clone() on_saved=saved />
                                    <Detail label=tx!(i18n, person.email2) value=f.email2.clone() />
                                    <EditableDetail kind=k id=id version=version field="phone" label=tx!(i18n, person.phone) value=f.phone.clone() on_saved=saved />
                                    <EditableDetail kind=k id=id version=version field="mobile" label=tx!(i18n, person.mobile) value=f.mobile.clone() on_saved=saved />
                                    <EditableDetail kind=k id=id version=version field="job_title" label=tx!(i18n, person.job_title) value=f.job_title.clone() on_saved=saved />
                                    <Detail label=tx!(i18n, person.roles) value=roles />
                                    <Detail label=tx!(i18n, person.lifecycle_stage) value=stage_label(i18n, &f.lifecycle_stage) />
                                    <Detail label=tx!(i18n, person.preferred_language) value=language_label(i18n, &f.preferred_language) />
                                    <Detail label=tx!(i18n, person.birthday) value=f.birthday.clone() />
                                    <Detail label=tx!(i18n, person.address) value=address />
                                    <EditableDetail kind=k id=id version=version field="source" label=tx!(i18n, person.source) value=f.source.clone() on_saved=saved />
                                    <Detail label=tx!(i18n, person.consent) value=consent />
                                    <Detail label=tx!(i18n, common.owner) value=p.owner_name.clone() />
                                </dl>
                            </section>
                            <section class="card">
                                <h2>{tx!(i18n, person.companies)}</h2>
                                {if p.jobs.is_empty() {
                                    view! { <p class="muted">{tx!(i18n, person.no_companies)}</p> }.erase()
                                } else {
                                    view! {
                                        <ul class="related">
                                            {p.jobs
                                                .into_iter()
                                                .map(|j| {
                                                    let period = match (j.start_date, j.end_date) {
                                                        (None, None) => String::new(),
                                                        (s, e) => format!(
                                                            "{} – {}",
                                                            s.map(|d| d.to_string()).unwrap_or_default(),
                                                            e.map(|d| d.to_string()).unwrap_or_default(),
                                                        ),
                                                    };
                                                    view! {
                                                        <li class:former=j.end_date.is_some()>
                                                            <a href=format!("/companies/{}", j.company_id)>{j.company_name}</a>
                                                            <span class="muted">{j.job_title}</span>
                                                            <span class="muted">{period}</span>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .erase()
                                }}
                            </section>
                            <RelatedDeals kind=k id=id />
                            <RelatedEnrolments kind=k id=id />
                            <RecordDocuments kind=k id=id />
                            <super::privacy::PrivacyCard id=id erased=p.erased.clone() consent_history=p.consent_history.clone() />
                            <RecordActivity kind=k id=id reload=reload />
                        </RecordBody>
                    </article>
                }
            }
        />
    }
    .erase()
}
