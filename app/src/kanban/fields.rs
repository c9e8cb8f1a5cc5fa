//! Which fields a card shows: their labels and values in the reader's
//! language, and the "Fields" menu (remembered per user).

use crate::deals::format_amount;
use crate::i18n::*;
use crate::interactions::priority_label;
use crate::settings::layouts::{LayoutKey, save_layout};
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::I18n;
use leptos::prelude::*;

/// A field's value as the reader reads it.
pub fn field_text(i18n: I18n, key: &str, value: &str) -> String {
    match key {
        "priority" => priority_label(i18n, value),
        "amount" if !value.is_empty() => format_amount(i18n, value),
        "probability" => format!("{value} %"),
        _ => value.to_string(),
    }
}

pub fn field_label(i18n: I18n, key: &str) -> String {
    match key {
        "due" => t_string!(i18n, kanban.field_due),
        "priority" => t_string!(i18n, kanban.field_priority),
        "owner" => t_string!(i18n, kanban.field_owner),
        "record" => t_string!(i18n, kanban.field_record),
        "amount" => t_string!(i18n, kanban.field_amount),
        "company" => t_string!(i18n, kanban.field_company),
        "close" => t_string!(i18n, kanban.field_close),
        "probability" => t_string!(i18n, kanban.field_probability),
        _ => key,
    }
    .to_string()
}

/// The "Fields" menu: which fields the cards show, remembered per user.
#[component]
pub fn FieldPicker(fields: RwSignal<Vec<String>>, key: LayoutKey) -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |field: &'static str| {
        let mut now = fields.get_untracked();
        if now.iter().any(|f| f == field) {
            now.retain(|f| f != field);
        } else {
            now.push(field.to_string());
        }
        // Kept in the board's order, whatever order they were ticked in.
        now.sort_by_key(|f| key.items().iter().position(|i| i == f));
        fields.set(now.clone());
        leptos::task::spawn_local(async move {
            let _ = save_layout(key, now).await;
        });
    };
    view! {
        <details class="menu column-chooser field-picker">
            <summary class="button">{tx!(i18n, kanban.fields)}</summary>
            <div class="menu-panel">
                {key
                    .items()
                    .iter()
                    .map(|f| {
                        let f: &'static str = f;
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || fields.get().iter().any(|x| x == f)
                                    on:change=move |_| toggle(f)
                                />
                                {field_label(i18n, f)}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </details>
    }
    .erase()
}
