//! A cell edited in place: click (or Enter on it), type, Enter or leave the
//! field to save, Escape to cancel. The server checks the value and the
//! record's version like a full form would.

use crate::error::AppError;
use crate::i18n::*;
use crate::records::RecordKind;
use crate::records::edit::{check_field, edit_field, editable};
use crate::ui::erase::Erase;
use crate::ui::feedback::{I18n, error_text, problem_text};
use crate::ui::icons::{Icon, Svg};
use leptos::prelude::*;

/// A value that can be edited in place. Shown, it is a plain button whose
/// texts are drawn once, and one effect that swaps it for the editor (its
/// input, its save action and effects), made only once the person starts
/// editing. A list page has dozens of these, and every reactive node in them
/// is made while the page hydrates, before it answers a tap: the button
/// holds none, and is drawn anew from the saved value when editing ends.
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
    let text = RwSignal::new(value);
    let input_type = editable(kind, field).map_or(("text", "text"), |r| r.input_type());
    let label = StoredValue::new(label);
    move || {
        if editing.get() {
            return view! {
                <CellEditor
                    kind=kind
                    id=id
                    version=version
                    field=field
                    label=label.get_value()
                    input_type=input_type
                    text=text
                    editing=editing
                    on_saved=on_saved
                />
            }
            .erase();
        }
        let shown = text.get_untracked();
        let action = t_string!(i18n, list.edit_cell_named, column = label.get_value()).to_string();
        // The whole value (a long one is cut in the table), and the visible
        // value first in the spoken name, then what the button does (WCAG
        // 2.5.3: the spoken name holds the visible text).
        let (title, name) = if shown.is_empty() {
            (t_string!(i18n, list.edit_cell).to_string(), action)
        } else {
            (shown.clone(), format!("{shown}, {action}"))
        };
        view! {
            <button class="cell-edit" title=title aria-label=name on:click=move |_| editing.set(true)>
                {if shown.is_empty() {
                    view! { <span class="muted">"—"</span> }.erase()
                } else {
                    view! { <span class="cell-value">{shown.clone()}</span> }.erase()
                }}
            </button>
            {contact_link(i18n, input_type.0, &shown)}
        }
        .erase()
    }
}

/// Beside a phone number or an email: call or write in one tap.
fn contact_link(i18n: I18n, input_type: &str, value: &str) -> Option<impl IntoView + use<>> {
    let (scheme, icon) = match input_type {
        _ if value.trim().is_empty() => return None,
        "tel" => ("tel:", Icon::Phone),
        "email" => ("mailto:", Icon::Mail),
        _ => return None,
    };
    let href = format!("{scheme}{}", value.replace(' ', ""));
    let value = value.to_string();
    let name = if icon == Icon::Phone {
        t_string!(i18n, list.call_value, value).to_string()
    } else {
        t_string!(i18n, list.write_value, value).to_string()
    };
    Some(view! {
        <a class="cell-contact" href=href aria-label=name.clone() title=name>
            <Svg icon=icon />
        </a>
    })
}

/// The input of an `EditableCell` being edited: Enter or leaving saves,
/// Escape puts the value back.
#[component]
fn CellEditor(
    kind: RecordKind,
    id: i64,
    version: Signal<i32>,
    field: &'static str,
    label: String,
    input_type: (&'static str, &'static str),
    text: RwSignal<String>,
    editing: RwSignal<bool>,
    on_saved: Callback<i32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    // The value when editing began (the last saved one).
    let original = StoredValue::new(text.get_untracked());
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
            error.set(None);
            original.set_value(text.get_untracked());
            editing.set(false);
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
    view! {
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
                // Leaving the field saves; an input being taken away (saved,
                // or Escape) also loses the focus: nothing to do then.
                if editing.get_untracked() && error.get_untracked().is_none() && !save.pending().get_untracked() {
                    commit();
                }
            }
            node_ref=input
        />
        {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
    }
    .erase()
}
