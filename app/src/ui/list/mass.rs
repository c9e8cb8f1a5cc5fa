//! The bar that appears when rows are selected: assign an owner, add a tag,
//! move to the trash.

use crate::auth::user_options;
use crate::error::AppError;
use crate::i18n::*;
use crate::records::RecordKind;
use crate::records::edit::{MassChange, mass_action};
use crate::tx;
use crate::ui::dialog::ConfirmDialog;
use crate::ui::erase::Erase;
use crate::ui::feedback::ErrorBanner;
use crate::ui::resource::resource;
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub fn MassBar(
    kind: RecordKind,
    selected: RwSignal<BTreeSet<i64>>,
    done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let users = resource(|| (), |_| user_options());
    let owner = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let message = RwSignal::new(None::<String>);
    let run = Action::new(move |action: &MassChange| {
        let action = action.clone();
        let ids: Vec<i64> = selected.get_untracked().into_iter().collect();
        async move { mass_action(kind, ids, action).await }
    });
    Effect::new(move || match run.value().get() {
        Some(Ok(outcome)) => {
            error.set(None);
            let count = outcome.changed;
            let mut text = t_string!(i18n, list.mass_done, count).to_string();
            if outcome.refused > 0 {
                let count = outcome.refused;
                text.push(' ');
                text.push_str(&t_string!(i18n, list.mass_refused, count).to_string());
            }
            message.set(Some(text));
            tag.set(String::new());
            done.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let count = move || selected.with(|s| s.len());
    let asking = RwSignal::new(false);
    view! {
        <ConfirmDialog
            open=asking
            title=tx!(i18n, common.delete_title)
            body=tx!(i18n, list.confirm_mass_delete)
            confirm_label=tx!(i18n, common.delete)
            on_confirm=Callback::new(move |_| {
                run.dispatch(MassChange::Delete);
            })
        />
        <ErrorBanner error=error />
        {move || message.get().map(|m| view! { <p class="banner banner-info" role="status">{m}</p> })}
        <Show when=move || { count() > 0 }>
            <div class="mass-bar" role="region" aria-label=move || t_string!(i18n, list.mass_actions).to_string()>
                <strong>{move || { let count = count(); t_string!(i18n, list.selected, count).to_string() }}</strong>
                <form class="mass-form" on:submit=move |ev| {
                    ev.prevent_default();
                    if let Ok(owner_id) = owner.get_untracked().parse() {
                        run.dispatch(MassChange::Assign { owner_id });
                    }
                }>
                    <label for="mass-owner">{move || t_string!(i18n, list.assign_to).to_string()}</label>
                    <select id="mass-owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                        <option value="">{move || t_string!(i18n, common.select).to_string()}</option>
                        {move || {
                            users.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                                .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                                .collect_view()
                        }}
                    </select>
                    <button type="submit" class="button">{move || t_string!(i18n, list.apply).to_string()}</button>
                </form>
                <form class="mass-form" on:submit=move |ev| {
                    ev.prevent_default();
                    let name = tag.get_untracked();
                    if !name.trim().is_empty() {
                        run.dispatch(MassChange::AddTag { name });
                    }
                }>
                    <label for="mass-tag">{move || t_string!(i18n, record.add_tag).to_string()}</label>
                    <input id="mass-tag" type="text" maxlength="60" prop:value=move || tag.get()
                        on:input=move |ev| tag.set(event_target_value(&ev)) />
                    <button type="submit" class="button">{move || t_string!(i18n, list.apply).to_string()}</button>
                </form>
                <button class="button button-danger" on:click=move |_| asking.set(true)>
                    {move || t_string!(i18n, common.delete).to_string()}
                </button>
                <button class="link-button" on:click=move |_| selected.set(BTreeSet::new())>
                    {move || t_string!(i18n, common.clear).to_string()}
                </button>
            </div>
        </Show>
    }
    .erase()
}
