//! The pages of deals: list, new, edit, record page, and the deals panel of
//! company and person pages.

use super::*;
use crate::bind;
use crate::records::search::DuplicateWarning;
use crate::records::timeline::RecordActivity;
use crate::records::{RecordKind, RecordLink};
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
pub fn DealList() -> impl IntoView {
    let i18n = use_i18n();
    let columns = vec![
        Column::new("name", tx!(i18n, deal.name), |d: &DealRow| {
            text_cell(&d.name)
        })
        .filter(ValueKind::Text),
        Column::new("company", tx!(i18n, deal.company), |d: &DealRow| {
            text_cell(&d.company)
        })
        .unsortable(),
        Column::new("person", tx!(i18n, deal.person), |d: &DealRow| {
            text_cell(&d.person)
        })
        .unsortable()
        .hidden(),
        Column::new("stage", tx!(i18n, deal.stage), |d: &DealRow| {
            text_cell(&d.stage)
        })
        .unsortable(),
        Column::new("pipeline", tx!(i18n, deal.pipeline), |d: &DealRow| {
            text_cell(&d.pipeline)
        })
        .unsortable()
        .hidden(),
        Column::new("amount", tx!(i18n, deal.amount), move |d: &DealRow| {
            text_cell(&format_amount(i18n, &d.amount))
        })
        .filter(ValueKind::Number)
        .editable("amount", |d| d.amount.clone()),
        Column::new(
            "expected_close",
            tx!(i18n, deal.expected_close),
            |d: &DealRow| text_cell(&d.expected_close),
        )
        .filter(ValueKind::Date)
        .editable("expected_close", |d| d.expected_close.clone()),
        Column::new("probability", tx!(i18n, deal.probability), |d: &DealRow| {
            format!("{} %", d.probability).erase()
        })
        .filter(ValueKind::Number)
        .hidden(),
        Column::new("status", tx!(i18n, deal.status), move |d: &DealRow| {
            text_cell(&status_label(i18n, &d.status))
        })
        .choices(ValueKind::Choice(STATUSES), status_label),
        Column::new("next_step", tx!(i18n, deal.next_step), |d: &DealRow| {
            text_cell(&d.next_step)
        })
        .unsortable()
        .filter(ValueKind::Text)
        .editable("next_step", |d| d.next_step.clone())
        .hidden(),
        Column::new("owner", tx!(i18n, common.owner), |d: &DealRow| {
            text_cell(&d.owner_name)
        })
        .unsortable()
        .filter(ValueKind::Owner),
        Column::new("tags", tx!(i18n, record.tags), |r: &DealRow| {
            tags_cell(&r.tags)
        })
        .unsortable()
        .filter(ValueKind::Tag)
        .hidden(),
        Column::new("updated_at", tx!(i18n, common.updated), |d: &DealRow| {
            text_cell(&d.updated_day)
        })
        .filter(ValueKind::Moment)
        .hidden(),
    ];
    view! {
        <ListView
            kind=RecordKind::Deal
            title=tx!(i18n, deal.plural)
            new_label=tx!(i18n, deal.new)
            columns=columns
            fetch=list_deals
        />
    }
    .erase()
}

#[component]
fn DealFields(form: RwSignal<DealInput>) -> impl IntoView {
    let i18n = use_i18n();
    // Loaded in the browser (the edit form is inside a Suspense; see OwnerSelect).
    let pipelines = crate::ui::browser::load_in_browser(|| list_pipelines(false));
    // A new deal starts in the first pipeline's first stage.
    Effect::new(move || {
        if let Some(Ok(list)) = pipelines.get()
            && form.with_untracked(|f| f.pipeline_id.is_none())
            && let Some(p) = list.first()
        {
            form.update(|f| {
                f.pipeline_id = Some(p.id);
                f.stage_id = p.stages.first().map(|s| s.id);
            });
        }
    });
    let id_text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let pipeline = (
        Signal::derive(move || form.with(|f| id_text(f.pipeline_id))),
        Callback::new(move |v: String| {
            let id = v.parse().ok();
            let first = pipelines
                .get_untracked()
                .and_then(|r| r.ok())
                .and_then(|l| l.into_iter().find(|p| Some(p.id) == id))
                .and_then(|p| p.stages.first().map(|s| s.id));
            form.update(|f| {
                f.pipeline_id = id;
                f.stage_id = first;
            });
        }),
    );
    let stage = (
        Signal::derive(move || form.with(|f| id_text(f.stage_id))),
        Callback::new(move |v: String| form.update(|f| f.stage_id = v.parse().ok())),
    );
    let statuses = STATUSES
        .iter()
        .map(|s| (s.to_string(), TextProp::from(move || status_label(i18n, s))))
        .collect::<Vec<_>>();
    let owner = Signal::derive(move || form.with(|f| f.owner_id));
    let set_owner = Callback::new(move |v| form.update(|f| f.owner_id = v));
    let lost = move || form.with(|f| f.status == "lost");
    let stage_hint = move || {
        let (pid, sid) = form.with(|f| (f.pipeline_id, f.stage_id));
        pipelines
            .get()
            .and_then(|r| r.ok())
            .and_then(|l| l.into_iter().find(|p| Some(p.id) == pid))
            .and_then(|p| p.stages.into_iter().find(|s| Some(s.id) == sid))
            .map(|s| {
                let probability = s.probability;
                t_string!(i18n, deal.stage_default, probability).to_string()
            })
    };
    view! {
        <FormSection title=tx!(i18n, common.details)>
            <TextField name="name" label=tx!(i18n, deal.name) bind=bind!(form.name) required=true />
            <RecordPicker kind=RecordKind::Company name="company_id" label=tx!(i18n, deal.company)
                value=Signal::derive(move || form.with(|f| f.company_id))
                set=Callback::new(move |v| form.update(|f| f.company_id = v)) />
            <RecordPicker kind=RecordKind::Person name="person_id" label=tx!(i18n, deal.person)
                value=Signal::derive(move || form.with(|f| f.person_id))
                set=Callback::new(move |v| form.update(|f| f.person_id = v)) />
                // Both selects are drawn from the start, empty until the
                // pipelines arrive (so nothing below them moves then), and
                // the hint keeps its line.
                {move || {
                    let list = pipelines.get().and_then(|r| r.ok()).unwrap_or_default();
                    let pid = form.with(|f| f.pipeline_id);
                    let pipeline_options = list
                        .iter()
                        .map(|p| (p.id.to_string(), TextProp::from(p.name.clone())))
                        .collect::<Vec<_>>();
                    let stage_options = list
                        .into_iter()
                        .find(|p| Some(p.id) == pid)
                        .map(|p| p.stages.into_iter().map(|s| (s.id.to_string(), TextProp::from(s.name))).collect::<Vec<_>>())
                        .unwrap_or_default();
                    view! {
                        <SelectField name="pipeline_id" label=tx!(i18n, deal.pipeline) bind=pipeline options=pipeline_options required=true />
                        <SelectField name="stage_id" label=tx!(i18n, deal.stage) bind=stage options=stage_options required=true />
                    }
                }}

            <p class="hint muted">{move || stage_hint().unwrap_or_else(|| "\u{a0}".to_string())}</p>
            <TextField name="amount" label=tx!(i18n, deal.amount) bind=bind!(form.amount) inputmode="decimal" />
            <TextField name="expected_close" label=tx!(i18n, deal.expected_close) bind=bind!(form.expected_close) kind="date" />
            <TextField name="probability" label=tx!(i18n, deal.probability_override) bind=bind!(form.probability) inputmode="numeric" />
            <SelectField name="status" label=tx!(i18n, deal.status) bind=bind!(form.status) options=statuses />
            <Show when=lost>
                <TextField name="lost_reason" label=tx!(i18n, deal.lost_reason) bind=bind!(form.lost_reason) required=true />
            </Show>
            <TextField name="next_step" label=tx!(i18n, deal.next_step) bind=bind!(form.next_step) />
            <OwnerSelect value=owner set=set_owner />
        </FormSection>
        <FormSection title=tx!(i18n, deal.description)>
            <TextArea name="description" label=tx!(i18n, deal.description) bind=bind!(form.description) />
        </FormSection>
    }
    .erase()
}

#[component]
pub fn DealNew() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let (company_id, person_id) = query.with_untracked(|q| {
        (
            q.get("company").and_then(|v| v.parse().ok()),
            q.get("person").and_then(|v| v.parse().ok()),
        )
    });
    let form = RwSignal::new(DealInput {
        company_id,
        person_id,
        status: "open".into(),
        ..Default::default()
    });
    view! {
        <RecordForm
            form=form
            check=DealInput::check
            save=move |input, confirmed| save_deal(None, None, input, confirmed)
            base="/deals"
            title=tx!(i18n, deal.new)
            cancel_href="/deals"
        >
            <DuplicateWarning
                kind=RecordKind::Deal
                name=Signal::derive(move || form.with(|f| f.name.clone()))
                email=Signal::stored(String::new())
                phone=Signal::stored(String::new())
            />
            <DealFields form=form />
        </RecordForm>
    }
    .erase()
}

#[component]
pub fn DealEdit() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let deal = resource(move || id.get(), get_deal);
    view! {
        <Loaded
            resource=deal
            view=move |d: Deal| {
                let form = RwSignal::new(d.input.clone());
                let (id, version) = (d.id, d.version);
                view! {
                    <RecordForm
                        form=form
                        check=DealInput::check
                        save=move |input, _| save_deal(Some(id), Some(version), input, false)
                        base="/deals"
                        title=tx!(i18n, deal.edit)
                        cancel_href=format!("/deals/{id}")
                    >
                        <DealFields form=form />
                    </RecordForm>
                }
            }
        />
    }
    .erase()
}

#[component]
pub fn DealPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_id();
    let deal = resource(move || id.get(), get_deal);
    view! {
        <Loaded
            resource=deal
            view=move |d: Deal| {
                let id = d.id;
                let version = RwSignal::new(d.version);
                let reload = RwSignal::new(0u32);
                let saved = Callback::new(move |_| reload.update(|n| *n += 1));
                let k = RecordKind::Deal;
                let f = d.input.clone();
                let subtitle = format!("{} · {} · {}", d.pipeline_name, d.stage_name, status_label(i18n, &f.status));
                let company = f.company_id.map(|cid| view! { <a href=format!("/companies/{cid}")>{d.company_name.clone()}</a> });
                let person = f.person_id.map(|pid| view! { <a href=format!("/persons/{pid}")>{d.person_name.clone()}</a> });
                view! {
                    <article class="page record-page">
                        <RecordHeader
                            kind=k
                            id=id
                            title=f.name.clone()
                            subtitle=subtitle
                            edit_href=format!("/deals/{id}/edit")
                            delete=move || delete_deal(id, version.get_untracked())
                            after_delete="/deals"
                        />
                        <RecordBody>
                            <section class="card">
                                <h2>{tx!(i18n, common.details)}</h2>
                                <dl class="details">
                                    <div class="detail"><dt>{tx!(i18n, deal.company)}</dt><dd>{company}</dd></div>
                                    <div class="detail"><dt>{tx!(i18n, deal.person)}</dt><dd>{person}</dd></div>
                                    <EditableDetail kind=k id=id version=version field="amount" label=tx!(i18n, deal.amount) value=f.amount.clone() on_saved=saved />
                                    <EditableDetail kind=k id=id version=version field="expected_close" label=tx!(i18n, deal.expected_close) value=f.expected_close.clone() on_saved=saved />
                                    <Detail label=tx!(i18n, deal.probability) value=format!("{} %", f.probability) />
                                    <Detail label=tx!(i18n, deal.lost_reason) value=f.lost_reason.clone() />
                                    <EditableDetail kind=k id=id version=version field="next_step" label=tx!(i18n, deal.next_step) value=f.next_step.clone() on_saved=saved />
                                    <Detail label=tx!(i18n, common.owner) value=d.owner_name.clone() />
                                    <Detail label=tx!(i18n, deal.description) value=f.description.clone() />
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

/// The deals of a company or person, with a button to add one.
#[component]
pub fn RelatedDeals(kind: RecordKind, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    // Secondary: loaded in the browser (see `ui::browser`).
    let deals = load_in_browser(move || related_deals(kind, id));
    let param = if kind == RecordKind::Company {
        "company"
    } else {
        "person"
    };
    let show = move |d: RecordLink| {
        let mut parts = d.detail.splitn(3, '|');
        let status = parts.next().unwrap_or_default().to_string();
        let stage = parts.next().unwrap_or_default().to_string();
        let amount = parts.next().unwrap_or_default().to_string();
        view! {
            <li class:former=status != "open">
                <a href=format!("/deals/{}", d.id)>{d.name}</a>
                <span class="muted">{if status == "open" { stage } else { status_label(i18n, &status) }}</span>
                <span class="muted">{format_amount(i18n, &amount)}</span>
            </li>
        }
    };
    view! {
        <section class="card">
            <header class="card-header">
                <h2>{tx!(i18n, deal.plural)}</h2>
                <a href=format!("/deals/new?{param}={id}") class="button">{tx!(i18n, deal.new)}</a>
            </header>

                {move || {
                    crate::ui::browser::related_list(
                        deals.get(),
                        || t_string!(i18n, deal.none).to_string(),
                        |list| view! { <ul class="related">{list.into_iter().map(show).collect_view()}</ul> }.erase(),
                    )
                }}

        </section>
    }
    .erase()
}
