//! The pages of companies: list, new, edit and record page.

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
use crate::ui::form::{CheckboxGroup, FormSection, SelectField, TextArea, TextField};
use crate::ui::list::{Column, ListView, ValueKind, tags_cell, text_cell};
use crate::ui::pickers::OwnerSelect;
use crate::ui::record::{
    Detail, EditableDetail, Loaded, RecordBody, RecordForm, RecordHeader, one_line_address,
    route_id,
};
use crate::ui::resource::resource;
use leptos::prelude::*;

#[component]
pub fn CompanyList() -> impl IntoView {
    let i18n = use_i18n();
    let columns = vec![
        Column::new("name", tx!(i18n, company.name), |c: &CompanyRow| {
            text_cell(&c.name)
        })
        .filter(ValueKind::Text),
        Column::new("roles", tx!(i18n, company.roles), move |c: &CompanyRow| {
            text_cell(
                &c.roles
                    .iter()
                    .map(|r| role_label(i18n, r))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
        .unsortable()
        .choices(ValueKind::Choices(ROLES), role_label),
        Column::new("industry", tx!(i18n, company.industry), |c: &CompanyRow| {
            text_cell(&c.industry)
        })
        .filter(ValueKind::Text)
        .hidden(),
        Column::new("size", tx!(i18n, company.size), move |c: &CompanyRow| {
            text_cell(&size_label(i18n, &c.size))
        })
        .choices(ValueKind::Choice(SIZES), size_label)
        .hidden(),
        Column::new("city", tx!(i18n, company.city), |c: &CompanyRow| {
            text_cell(&c.city)
        })
        .filter(ValueKind::Text)
        .editable("city", |c| c.city.clone()),
        Column::new("country", tx!(i18n, company.country), |c: &CompanyRow| {
            text_cell(&c.country)
        })
        .filter(ValueKind::Text)
        .hidden(),
        Column::new("phone", tx!(i18n, company.phone), |c: &CompanyRow| {
            text_cell(&c.phone)
        })
        .filter(ValueKind::Text)
        .editable("phone", |c| c.phone.clone()),
        Column::new("email", tx!(i18n, company.email), |c: &CompanyRow| {
            text_cell(&c.email)
        })
        .filter(ValueKind::Text)
        .editable("email", |c| c.email.clone()),
        Column::new("website", tx!(i18n, company.website), |c: &CompanyRow| {
            text_cell(&c.website)
        })
        .unsortable()
        .filter(ValueKind::Text)
        .hidden(),
        Column::new("source", tx!(i18n, company.source), |c: &CompanyRow| {
            text_cell(&c.source)
        })
        .filter(ValueKind::Text)
        .hidden(),
        Column::new("owner", tx!(i18n, common.owner), |c: &CompanyRow| {
            text_cell(&c.owner_name)
        })
        .unsortable()
        .filter(ValueKind::Owner),
        Column::new("tags", tx!(i18n, record.tags), |r: &CompanyRow| {
            tags_cell(&r.tags)
        })
        .unsortable()
        .filter(ValueKind::Tag)
        .hidden(),
        Column::new("created_at", tx!(i18n, common.created), |c: &CompanyRow| {
            text_cell(&c.created_day)
        })
        .filter(ValueKind::Moment)
        .hidden(),
        Column::new("updated_at", tx!(i18n, common.updated), |c: &CompanyRow| {
            text_cell(&c.updated_day)
        })
        .filter(ValueKind::Moment)
        .hidden(),
    ];
    view! {
        <ListView
            kind=RecordKind::Company
            title=tx!(i18n, company.plural)
            new_label=tx!(i18n, company.new)
            columns=columns
            fetch=list_companies
        />
    }
    .erase()
}

#[component]
fn CompanyFields(form: RwSignal<CompanyInput>) -> impl IntoView {
    let i18n = use_i18n();
    let roles = ROLES
        .iter()
        .map(|r| (r.to_string(), TextProp::from(move || role_label(i18n, r))))
        .collect();
    let sizes = SIZES
        .iter()
        .map(|s| (s.to_string(), TextProp::from(move || size_label(i18n, s))))
        .collect();
    let owner = Signal::derive(move || form.with(|f| f.owner_id));
    let set_owner = Callback::new(move |v| form.update(|f| f.owner_id = v));
    view! {
        <FormSection title=tx!(i18n, common.details)>
            <TextField name="name" label=tx!(i18n, company.name) bind=bind!(form.name) required=true autocomplete="organization" />
            <CheckboxGroup name="roles" label=tx!(i18n, company.roles) bind=bind!(form.roles) options=roles />
            <TextField name="industry" label=tx!(i18n, company.industry) bind=bind!(form.industry) />
            <SelectField name="size" label=tx!(i18n, company.size) bind=bind!(form.size) options=sizes />
            <TextField name="website" label=tx!(i18n, company.website) bind=bind!(form.website) kind="url" />
            <TextField name="email" label=tx!(i18n, company.email) bind=bind!(form.email) kind="email" autocomplete="email" />
            <TextField name="phone" label=tx!(i18n, company.phone) bind=bind!(form.phone) kind="tel" autocomplete="tel" />
            <TextField name="registration_number" label=tx!(i18n, company.registration_number) bind=bind!(form.registration_number) />
            <TextField name="source" label=tx!(i18n, company.source) bind=bind!(form.source) />
            <OwnerSelect value=owner set=set_owner />
        </FormSection>
        <FormSection title=tx!(i18n, company.address)>
            <TextField name="street" label=tx!(i18n, company.street) bind=bind!(form.street) autocomplete="address-line1" />
            <TextField name="line2" label=tx!(i18n, company.line2) bind=bind!(form.line2) autocomplete="address-line2" />
            <TextField name="postal_code" label=tx!(i18n, company.postal_code) bind=bind!(form.postal_code) autocomplete="postal-code" />
            <TextField name="city" label=tx!(i18n, company.city) bind=bind!(form.city) autocomplete="address-level2" />
            <TextField name="country" label=tx!(i18n, company.country) bind=bind!(form.country) autocomplete="country-name" />
        </FormSection>
        <FormSection title=tx!(i18n, company.description)>
            <TextArea name="description" label=tx!(i18n, company.description) bind=bind!(form.description) />
        </FormSection>
    }
    .erase()
}

#[component]
pub fn CompanyNew() -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(CompanyInput::default());
    view! {
        <RecordForm
            form=form
            check=CompanyInput::check
            save=move |input, confirmed| save_company(None, None, input, confirmed)
            base="/companies"
            title=tx!(i18n, company.new)
            cancel_href="/companies"
        >
            <DuplicateWarning
                kind=RecordKind::Company
                name=Signal::derive(move || form.with(|f| f.name.clone()))
                email=Signal::derive(move || form.with(|f| f.email.clone()))
                phone=Signal::derive(move || form.with(|f| f.phone.clone()))
            />
            <CompanyFields form=form />
        </RecordForm>
    }
    .erase()
}

#[component]
pub fn CompanyEdit() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let company = resource(move || id.get(), get_company);
    view! {
        <Loaded
            resource=company
            view=move |c: Company| {
                let form = RwSignal::new(c.input.clone());
                let (id, version) = (c.id, c.version);
                view! {
                    <RecordForm
                        form=form
                        check=CompanyInput::check
                        save=move |input, _| save_company(Some(id), Some(version), input, false)
                        base="/companies"
                        title=tx!(i18n, company.edit)
                        cancel_href=format!("/companies/{id}")
                    >
                        <CompanyFields form=form />
                    </RecordForm>
                }
            }
        />
    }
    .erase()
}

#[component]
pub fn CompanyPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let company = resource(move || id.get(), get_company);
    view! {
        <Loaded
            resource=company
            view=move |c: Company| {
                let id = c.id;
                let version = RwSignal::new(c.version);
                let reload = RwSignal::new(0u32);
                let saved = Callback::new(move |_| reload.update(|n| *n += 1));
                let f = c.input.clone();
                let roles = f.roles.iter().map(|r| role_label(i18n, r)).collect::<Vec<_>>().join(", ");
                let address = one_line_address(&f.street, &f.line2, &f.postal_code, &f.city, &f.country);
                let k = RecordKind::Company;
                view! {
                    <article class="page record-page">
                        <RecordHeader
                            kind=k
                            id=id
                            title=f.name.clone()
                            subtitle=roles.clone()
                            edit_href=format!("/companies/{id}/edit")
                            delete=move || delete_company(id, version.get_untracked())
                            after_delete="/companies"
                        />
                        <RecordBody>
                            <section class="card">
                                <h2>{tx!(i18n, common.details)}</h2>
                                <dl class="details">
                                    <Detail label=tx!(i18n, company.roles) value=roles />
                                    <EditableDetail kind=k id=id version=version field="industry" label=tx!(i18n, company.industry) value=f.industry.clone() on_saved=saved />
                                    <Detail label=tx!(i18n, company.size) value=size_label(i18n, &f.size) />
                                    <EditableDetail kind=k id=id version=version field="website" label=tx!(i18n, company.website) value=f.website.clone() on_saved=saved />
                                    <EditableDetail kind=k id=id version=version field="email" label=tx!(i18n, company.email) value=f.email.clone() on_saved=saved />
                                    <EditableDetail kind=k id=id version=version field="phone" label=tx!(i18n, company.phone) value=f.phone.clone() on_saved=saved />
                                    <Detail label=tx!(i18n, company.address) value=address />
                                    <Detail label=tx!(i18n, company.registration_number) value=f.registration_number.clone() />
                                    <EditableDetail kind=k id=id version=version field="source" label=tx!(i18n, company.source) value=f.source.clone() on_saved=saved />
                                    <Detail label=tx!(i18n, common.owner) value=c.owner_name.clone() />
                                    <Detail label=tx!(i18n, company.description) value=f.description.clone() />
                                </dl>
                            </section>
                            <section class="card">
                                <header class="card-header">
                                    <h2>{tx!(i18n, company.people)}</h2>
                                    <a href=format!("/persons/new?company={id}") class="button">
                                        {tx!(i18n, company.add_person)}
                                    </a>
                                </header>
                                {if c.people.is_empty() {
                                    view! { <p class="muted">{tx!(i18n, company.no_people)}</p> }.erase()
                                } else {
                                    view! {
                                        <ul class="related">
                                            {c.people
                                                .into_iter()
                                                .map(|p| {
                                                    let former = p.end_date.is_some();
                                                    view! {
                                                        <li class:former=former>
                                                            <a href=format!("/persons/{}", p.person_id)>{p.name}</a>
                                                            <span class="muted">{p.job_title}</span>
                                                            <span class="muted">{p.email}</span>
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
                            <RecordActivity kind=k id=id reload=reload />
                        </RecordBody>
                    </article>
                }
            }
        />
    }
    .erase()
}
