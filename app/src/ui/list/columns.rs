//! "Columns": which columns a list shows, remembered per user.

use super::table::ColumnInfo;
use crate::i18n::*;
use crate::ui::erase::Erase;
use leptos::prelude::*;

#[component]
pub fn ColumnChooser(
    columns: Vec<ColumnInfo>,
    shown: Signal<Vec<String>>,
    choose: Callback<Vec<String>>,
    defaults: Vec<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let order: Vec<&'static str> = columns.iter().map(|c| c.key).collect();
    let order = StoredValue::new(order);
    let boxes = columns
        .into_iter()
        .map(|c| {
            let key = c.key;
            let label = c.label.clone();
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        name="column"
                        value=key
                        prop:checked=move || shown.with(|s| s.iter().any(|k| k == key))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let mut now = shown.get_untracked();
                            now.retain(|k| k != key);
                            if on {
                                now.push(key.to_string());
                            }
                            // Keep the module's column order.
                            let order = order.get_value();
                            now.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
                            if !now.is_empty() {
                                choose.run(now);
                            }
                        }
                    />
                    {move || label.get().to_string()}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="menu column-chooser">
            <summary class="button">{move || t_string!(i18n, list.columns).to_string()}</summary>
            <div class="menu-panel">
                <fieldset>
                    <legend class="visually-hidden">{move || t_string!(i18n, list.columns).to_string()}</legend>
                    {boxes}
                </fieldset>
                <button class="link-button" on:click=move |_| choose.run(defaults.clone())>
                    {move || t_string!(i18n, list.default_columns).to_string()}
                </button>
            </div>
        </details>
    }
    .erase()
}
