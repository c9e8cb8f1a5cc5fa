//! A cell edited in place: click (or Enter on it), type, Enter or leave the
//! field to save, Escape to cancel. The server checks the value and the
//! record's version like a full form would.

use crate::error::AppError;
use crate::i18n::*;
use crate::records::RecordKind;
use crate::records::edit::{check_field, edit_field, editable};
use crate::ui::feedback::{error_text, problem_text};
use leptos::prelude::*;

#[component]
pub fn EditableCell(
    kind: RecordKind,
    id: i64,
    #[prop(into)] version: Signal<i32>,
    field: &'static str,
    value: String,
    label: String,
    /// Runs with the record's new version once saved.
    on_saved: Callback<i32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let text = RwSignal::new(value.clone());
    let error = RwSignal::new(None::<String>);
    let original = StoredValue::new(value);
    let input = NodeRef::<leptos::html::Input>::new();
    // A field that appears under the pointer should take the keyboard too.
    Effect::new(move || {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let save = Action::new(move |v: &String| {
        let v = v.clone();
        let version = version.get_untracked();
        async move { edit_field(kind, id, version, field.to_string(), v).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(new_version)) => {
            editing.set(false);
            error.set(None);
            original.set_value(text.get_untracked());
            on_saved.run(new_version);
        }
        Some(Err(e)) => error.set(Some(match &e {
            AppError::Invalid { fields } if !fields.is_empty() => {
                problem_text(i18n, fields[0].problem)
            }
            other => error_text(i18n, other),
        })),
        None => {}
    });
    let commit = move || {
        let v = text.get_untracked();
        if v == original.get_value() {
            editing.set(false);
            return;
        }
        if let Some(rule) = editable(kind, field)
            && let Some(p) = check_field(rule, field, &v).first()
        {
            error.set(Some(problem_text(i18n, p.problem)));
            return;
        }
        save.dispatch(v);
    };
    let edit_label = label.clone();
    let input_type = editable(kind, field).map_or(("text", "text"), |r| r.input_type());
    view! {
        <Show
            when=move || editing.get()
            fallback=move || {
                let edit_label = edit_label.clone();
                view! {
                    <button
                        class="cell-edit"
                        title=move || t_string!(i18n, list.edit_cell).to_string()
                        // The visible value first, then what the button does
                        // (WCAG 2.5.3: the spoken name holds the visible text).
                        aria-label=move || {
                            let column = edit_label.clone();
                            let action = t_string!(i18n, list.edit_cell_named, column).to_string();
                            let shown = text.get();
                            if shown.is_empty() { action } else { format!("{shown}, {action}") }
                        }
                        on:click=move |_| editing.set(true)
                    >
                        {
                            let v = text.get_untracked();
                            if v.is_empty() {
                                view! { <span class="muted">"—"</span> }.into_any()
                            } else {
                                view! { <span class="cell-value">{v}</span> }.into_any()
                            }
                        }
                    </button>
                }
            }
        >
            <input
                class="cell-input"
                type=input_type.0
                inputmode=input_type.1
                class:invalid=move || error.get().is_some()
                aria-label=label.clone()
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    error.set(None);
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                    "Enter" => {
                        ev.prevent_default();
                        commit();
                    }
                    "Escape" => {
                        text.set(original.get_value());
                        error.set(None);
                        editing.set(false);
                    }
                    _ => {}
                }
                on:blur=move |_| {
                    if error.get_untracked().is_none() && !save.pending().get_untracked() {
                        commit();
                    }
                }
                node_ref=input
            />
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </Show>
    }
    .into_any()
}
