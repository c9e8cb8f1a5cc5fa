//! Form fields. A form provides [`FormErrors`]; each field finds its own
//! message there by name, so per-field errors from the browser's checks and
//! from the server land in the same place.

use super::feedback::problem_text;
use crate::error::{AppError, FieldError, FieldProblem};
use crate::i18n::*;
use crate::ui::erase::{Erase, erased};
use crate::ui::later::hydrate_later;
use crate::validate::MAX_LINE;
use leptos::prelude::*;

/// The errors of the form being edited: set by the browser's own checks and
/// by the server's answer.
#[derive(Clone, Copy)]
pub struct FormErrors(
    pub RwSignal<Option<AppError>>,
    StoredValue<Vec<(&'static str, TextProp)>>,
);

impl FormErrors {
    pub fn provide() -> Self {
        let errors = FormErrors(RwSignal::new(None), StoredValue::new(Vec::new()));
        provide_context(errors);
        errors
    }

    /// The label of a field of this form, as its field shows it.
    pub fn label(&self, field: &str) -> Option<TextProp> {
        self.1
            .with_value(|l| l.iter().find(|(n, _)| *n == field).map(|(_, t)| t.clone()))
    }

    /// Forgets the problem of `field` (the user is correcting it).
    pub fn clear(&self, field: &str) {
        self.0.update(|e| {
            if let Some(AppError::Invalid { fields }) = e {
                fields.retain(|f| f.field != field);
            }
        });
    }

    pub fn set_fields(&self, fields: Vec<FieldError>) {
        self.0.set(if fields.is_empty() {
            None
        } else {
            Some(AppError::invalid(fields))
        });
    }
}

/// Clears `name`'s error as soon as the user edits the field.
fn clear_on_edit(name: &'static str) -> impl Fn() + Copy {
    let errors = use_context::<FormErrors>();
    move || {
        if let Some(e) = errors {
            e.clear(name);
        }
    }
}

fn field_problem(name: &'static str) -> Signal<Option<FieldProblem>> {
    let errors = use_context::<FormErrors>();
    Signal::derive(move || {
        errors.and_then(|e| {
            e.0.with(|err| err.as_ref().and_then(|x| x.field_problem(name)))
        })
    })
}

pub type Bind<T> = (Signal<T>, Callback<T>);

/// The label, the control, and under it the field's error (or a hint).
#[component]
fn FieldFrame<C: IntoView + 'static>(
    name: &'static str,
    #[prop(into)] label: TextProp,
    required: bool,
    problem: Signal<Option<FieldProblem>>,
    #[prop(optional)] hint: Option<Signal<Option<String>>>,
    children: TypedChildren<C>,
) -> impl IntoView {
    field_frame(name, label, required, problem, hint, erased(children))
}

fn field_frame(
    name: &'static str,
    label: TextProp,
    required: bool,
    problem: Signal<Option<FieldProblem>>,
    hint: Option<Signal<Option<String>>>,
    children: Children,
) -> AnyView {
    let i18n = use_i18n();
    if let Some(errors) = use_context::<FormErrors>() {
        let label = label.clone();
        errors.1.update_value(|l| l.push((name, label)));
    }
    view! {
        // `try_get`: on the server a page's earlier render may be disposed
        // while this one is still drawn (it panicked the edit page's SSR).
        <div class="field" class:field-invalid=move || problem.try_get().flatten().is_some()>
            <label for=format!("f-{name}")>
                {move || label.get().to_string()}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            {children()}
            <p class="field-error" id=format!("f-{name}-msg") aria-live="polite">
                {move || match problem.try_get().flatten() {
                    Some(p) => problem_text(i18n, p),
                    None => hint.and_then(|h| h.get()).unwrap_or_default(),
                }}
            </p>
        </div>
    }
    .erase()
}

/// A single-line input: text, email, tel, url, date, password, number.
#[component]
pub fn TextField(
    name: &'static str,
    #[prop(into)] label: TextProp,
    bind: Bind<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(default = MAX_LINE)] max: usize,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (value, set) = bind;
    let problem = field_problem(name);
    let edited = clear_on_edit(name);
    // Say how much room is left before the limit is reached, not after.
    let hint = Signal::derive(move || {
        let used = value.with(|v| v.chars().count());
        (kind == "text" && used + 30 > max).then(|| {
            let count = max.saturating_sub(used);
            t_string!(i18n, common.characters_left, count).to_string()
        })
    });
    view! {
        <FieldFrame name label required problem hint=hint>
            <input
                id=format!("f-{name}")
                name=name
                type=kind
                maxlength=(kind != "date").then(|| max.to_string())
                required=required
                autocomplete=autocomplete
                inputmode=inputmode
                aria-invalid=move || problem.get().is_some().to_string()
                aria-describedby=format!("f-{name}-msg")
                // The value as the form opens, in the server's HTML (an
                // edit form is drawn filled before the app runs); the
                // property follows every change after.
                value=(kind != "password").then(|| value.get_untracked())
                prop:value=move || value.get()
                on:input=move |ev| {
                    edited();
                    set.run(event_target_value(&ev))
                }
            />
        </FieldFrame>
    }
    .erase()
}

#[component]
pub fn TextArea(
    name: &'static str,
    #[prop(into)] label: TextProp,
    bind: Bind<String>,
    #[prop(default = 10_000)] max: usize,
) -> impl IntoView {
    let (value, set) = bind;
    let problem = field_problem(name);
    let edited = clear_on_edit(name);
    view! {
        <FieldFrame name label required=false problem>
            <textarea
                id=format!("f-{name}")
                name=name
                rows="4"
                maxlength=max.to_string()
                aria-invalid=move || problem.get().is_some().to_string()
                aria-describedby=format!("f-{name}-msg")
                inner_html=textarea_html(value.get_untracked())
                prop:value=move || value.get()
                on:input=move |ev| {
                    edited();
                    set.run(event_target_value(&ev))
                }
            ></textarea>
        </FieldFrame>
    }
    .erase()
}

/// A textarea's text as the form opens, in the server's HTML: an edit form
/// is drawn filled before the app runs, as an input's `value=` does (a
/// textarea's value is its content, which `prop:value` does not write).
/// Given as `inner_html`, which hydration leaves as the server wrote it, so
/// escaped here; the property follows every change after. Empty in the
/// browser, where the property draws it (and no escaper is shipped).
pub fn textarea_html(text: String) -> String {
    // The HTML parser drops one newline just after `<textarea>`: a text
    // that starts with one gets another in front.
    #[cfg(feature = "ssr")]
    return match html_escape::encode_text(&text) {
        t if t.starts_with('\n') => format!("\n{t}"),
        t => t.into_owned(),
    };
    #[cfg(not(feature = "ssr"))]
    {
        drop(text);
        String::new()
    }
}

/// One choice among `options` (value, translated label); empty means none.
#[component]
pub fn SelectField(
    name: &'static str,
    #[prop(into)] label: TextProp,
    bind: Bind<String>,
    options: Vec<(String, TextProp)>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let (value, set) = bind;
    let problem = field_problem(name);
    let edited = clear_on_edit(name);
    view! {
        <FieldFrame name label required problem>
            <select
                id=format!("f-{name}")
                name=name
                aria-describedby=format!("f-{name}-msg")
                on:change=move |ev| {
                    edited();
                    set.run(event_target_value(&ev))
                }
                prop:value=move || value.get()
            >
                <option value="">{move || t_string!(i18n, common.select).to_string()}</option>
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        // The choice as the form opens, in the server's HTML
                        // (as an input's `value=`); the select's property
                        // follows every change after, so no option watches
                        // the value.
                        let selected = value.with_untracked(|x| *x == v);
                        view! {
                            <option value=v selected=selected>
                                {move || l.get().to_string()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </FieldFrame>
    }
    .erase()
}

/// Any number of choices among `options`, as checkboxes.
#[component]
pub fn CheckboxGroup(
    name: &'static str,
    #[prop(into)] label: TextProp,
    bind: Bind<Vec<String>>,
    options: Vec<(String, TextProp)>,
) -> impl IntoView {
    let (value, set) = bind;
    let problem = field_problem(name);
    let edited = clear_on_edit(name);
    view! {
        <fieldset class="field checkbox-group" class:field-invalid=move || problem.get().is_some()>
            <legend>{move || label.get().to_string()}</legend>
            <div class="choices">
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let id = format!("f-{name}-{v}");
                        let label_for = id.clone();
                        let (value_attr, checked_v) = (v.clone(), v.clone());
                        view! {
                            <label class="choice" for=label_for>
                                <input
                                    type="checkbox"
                                    id=id
                                    name=name
                                    value=value_attr
                                    checked=value.with_untracked(|vs| vs.contains(&checked_v))
                                    prop:checked=move || value.with(|vs| vs.contains(&checked_v))
                                    on:change=move |ev| {
                                        edited();
                                        let on = event_target_checked(&ev);
                                        let mut vs = value.get_untracked();
                                        vs.retain(|x| *x != v);
                                        if on {
                                            vs.push(v.clone());
                                        }
                                        set.run(vs);
                                    }
                                />
                                <span>{move || l.get().to_string()}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
    .erase()
}

#[component]
pub fn CheckboxField(
    name: &'static str,
    #[prop(into)] label: TextProp,
    bind: Bind<bool>,
) -> impl IntoView {
    let (value, set) = bind;
    view! {
        <div class="field field-checkbox">
            <label class="choice" for=format!("f-{name}")>
                <input
                    type="checkbox"
                    id=format!("f-{name}")
                    name=name
                    checked=value.get_untracked()
                    prop:checked=move || value.get()
                    on:change=move |ev| set.run(event_target_checked(&ev))
                />
                <span>{move || label.get().to_string()}</span>
            </label>
        </div>
    }
    .erase()
}

/// A titled group of fields.
#[component]
pub fn FormSection<C: IntoView + 'static>(
    #[prop(into)] title: TextProp,
    children: TypedChildren<C>,
) -> impl IntoView {
    form_section(title, erased(children))
}

/// Each section is hydrated in a task of its own (`ui::later`): a form's
/// fields, their labels, messages and handlers were one long task on a slow
/// phone (Lighthouse's blocking time on every form).
fn form_section(title: TextProp, children: Children) -> AnyView {
    hydrate_later(view! {
        <section class="form-section">
            <h2>{move || title.get().to_string()}</h2>
            <div class="form-grid">{children()}</div>
        </section>
    })
    .erase()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::textarea_html;

    #[test]
    fn a_textareas_text_is_escaped_and_keeps_its_first_newline() {
        assert_eq!(textarea_html(String::new()), "");
        assert_eq!(
            textarea_html("a < b & c > d\n\"e\"".into()),
            "a &lt; b &amp; c &gt; d\n\"e\""
        );
        // `</textarea>` in the text cannot close the element.
        assert_eq!(
            textarea_html("</textarea><script>".into()),
            "&lt;/textarea&gt;&lt;script&gt;"
        );
        // The parser drops one newline just after `<textarea>`.
        assert_eq!(textarea_html("\nsecond line".into()), "\n\nsecond line");
    }
}
