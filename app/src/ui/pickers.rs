//! Pickers bound to records: the owner ("assigned to") select and the
//! type-ahead record picker.

use super::form::SelectField;
use crate::auth::user_options;
use crate::i18n::*;
use crate::records::RecordKind;
use crate::records::search::{pick_records, record_name};
use crate::ui::browser::load_in_browser;
use crate::ui::erase::Erase;
use leptos::prelude::*;

/// "Assigned to": a select of active users bound to an `Option<i64>`.
#[component]
pub fn OwnerSelect(value: Signal<Option<i64>>, set: Callback<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    // Loaded in the browser: this select sits inside record forms that are
    // themselves inside a Suspense, where a nested Resource would not be
    // awaited by the server's render (a hydration mismatch), and a
    // LocalResource would keep that Suspense pending (the form then drawn
    // only by the browser).
    let users = load_in_browser(user_options);
    let text = Signal::derive(move || value.get().map(|v| v.to_string()).unwrap_or_default());
    let set_text = Callback::new(move |v: String| set.run(v.parse().ok()));
    // Drawn from the start, without its options until they arrive: a
    // field that appeared only then pushed what follows it down, under the
    // person's finger (a layout shift).
    view! {
        {move || {
            let options = users
                .get()
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .map(|(id, name)| (id.to_string(), TextProp::from(name)))
                .collect::<Vec<_>>();
            view! {
                <SelectField
                    name="owner_id"
                    label=crate::tx!(i18n, common.owner)
                    bind=(text, set_text)
                    options=options
                />
            }
        }}
    }
    .erase()
}

/// Type part of a record's name, pick it from the matches (a company for a
/// person's job, the company and person of a deal).
#[component]
pub fn RecordPicker(
    kind: RecordKind,
    name: &'static str,
    #[prop(into)] label: TextProp,
    value: Signal<Option<i64>>,
    set: Callback<Option<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    // Loaded in the browser, as the owner select above: the picker sits in
    // forms drawn inside a Suspense, and a Resource made there is made anew
    // each time the server walks that Suspense's children (a pending task
    // each time, which is what can keep it from ever resolving: leptos
    // issue #4578). The name of a record chosen before (e.g. from
    // `?company=`), once, while nothing has been typed:
    let initial = load_in_browser(move || {
        let id = value.get_untracked();
        async move {
            match id {
                Some(id) => record_name(kind, id).await.ok(),
                None => None,
            }
        }
    });
    Effect::new(move || {
        if let Some(Some(n)) = initial.get()
            && typed.get_untracked().is_empty()
        {
            typed.set(n);
        }
    });
    let matches = load_in_browser(move || {
        let (open, q) = (open.get(), typed.get());
        async move {
            let found = if open && !q.trim().is_empty() {
                pick_records(kind, q.clone()).await.unwrap_or_default()
            } else {
                Vec::new()
            };
            (q, found)
        }
    });
    let list_id = format!("{name}-options");
    let input_id = format!("f-{name}");
    view! {
        <div class="field picker">
            <label for=input_id.clone()>{move || label.get().to_string()}</label>
            <input
                id=input_id
                type="search"
                autocomplete="off"
                role="combobox"
                aria-controls=list_id.clone()
                aria-expanded=move || open.get().to_string()
                placeholder=move || t_string!(i18n, common.search_records).to_string()
                prop:value=move || typed.get()
                on:input=move |ev| {
                    typed.set(event_target_value(&ev));
                    open.set(true);
                    set.run(None);
                }
            />
            {
                let list_id = list_id.clone();
                move || {
                    // The last answer; "no match" only once the text
                    // shown has been answered.
                    let (answered, list) = matches.get()?;
                    let list_id = list_id.clone();
                    let q = typed.get();
                    (open.get() && !q.trim().is_empty() && (answered == q || !list.is_empty()))
                        .then(move || {
                            view! {
                                <ul id=list_id class="picker-options" role="listbox">
                                    {if list.is_empty() {
                                        view! { <li class="muted">{t_string!(i18n, common.no_match).to_string()}</li> }.erase()
                                    } else {
                                        list.into_iter()
                                            .map(|(id, name)| {
                                                let shown = name.clone();
                                                view! {
                                                    <li role="option">
                                                        <button
                                                            type="button"
                                                            on:click=move |_| {
                                                                set.run(Some(id));
                                                                typed.set(name.clone());
                                                                open.set(false);
                                                            }
                                                        >
                                                            {shown}
                                                        </button>
                                                    </li>
                                                }
                                            })
                                            .collect_view()
                                            .erase()
                                    }}
                                </ul>
                            }
                        })
                }
            }
            <p class="field-error"></p>
        </div>
    }
    .erase()
}
