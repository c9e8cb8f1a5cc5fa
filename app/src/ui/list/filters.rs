//! Advanced filters (field, operator, value; all must hold), the chips that
//! show them, and saved filters (mine or shared).

use super::api::{delete_filter, save_filter, saved_filters};
use super::query::{Filter, FilterOp, ListQuery, ValueKind};
use super::table::ColumnInfo;
use crate::auth::user_options;
use crate::error::AppError;
use crate::i18n::*;
use crate::records::RecordKind;
use crate::records::marks::all_tags;
use crate::ui::erase::Erase;
use crate::ui::feedback::{ErrorBanner, I18n};
use crate::ui::resource::resource;
use leptos::prelude::*;

pub fn op_label(i18n: I18n, op: FilterOp) -> String {
    match op {
        FilterOp::Is => t_string!(i18n, list.op_is),
        FilterOp::IsNot => t_string!(i18n, list.op_is_not),
        FilterOp::Contains => t_string!(i18n, list.op_contains),
        FilterOp::StartsWith => t_string!(i18n, list.op_starts_with),
        FilterOp::AtLeast => t_string!(i18n, list.op_at_least),
        FilterOp::AtMost => t_string!(i18n, list.op_at_most),
        FilterOp::Empty => t_string!(i18n, list.op_empty),
        FilterOp::NotEmpty => t_string!(i18n, list.op_not_empty),
    }
    .to_string()
}

/// The applied filters as removable chips.
#[component]
pub fn FilterChips(
    columns: Vec<ColumnInfo>,
    query: Memo<ListQuery>,
    go: Callback<ListQuery>,
) -> impl IntoView {
    let i18n = use_i18n();
    let columns = StoredValue::new(columns);
    let users = resource(|| (), |_| user_options());
    let tags = resource(|| (), |_| all_tags());
    let chips = move || {
        let q = query.get();
        if q.filters.is_empty() {
            return None;
        }
        let chips = q
            .filters
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let col = columns.with_value(|c| c.iter().find(|c| c.key == f.field).cloned());
                let field = col
                    .as_ref()
                    .map(|c| c.label.get().to_string())
                    .unwrap_or(f.field.clone());
                let value = match col.as_ref().and_then(|c| c.filter) {
                    Some(ValueKind::Owner) => users
                        .get()
                        .and_then(|r| r.ok())
                        .and_then(|u| {
                            u.into_iter()
                                .find(|(id, _)| id.to_string() == f.value)
                                .map(|(_, n)| n)
                        })
                        .unwrap_or(f.value.clone()),
                    Some(ValueKind::Tag) => tags
                        .get()
                        .and_then(|r| r.ok())
                        .and_then(|t| {
                            t.into_iter()
                                .find(|t| t.id.to_string() == f.value)
                                .map(|t| t.name)
                        })
                        .unwrap_or(f.value.clone()),
                    _ => match col.as_ref().and_then(|c| c.choice_label) {
                        Some(label) => label(i18n, &f.value),
                        None => f.value.clone(),
                    },
                };
                let text = format!(
                    "{field} {} {}",
                    op_label(i18n, f.op),
                    if f.op.needs_value() {
                        value
                    } else {
                        String::new()
                    }
                );
                let remove_label = text.clone();
                view! {
                    <li class="chip">
                        {text}
                        <button
                            class="chip-remove"
                            aria-label=move || {
                                let filter = remove_label.clone();
                                t_string!(i18n, list.remove_filter, filter).to_string()
                            }
                            on:click=move |_| {
                                let mut q = query.get_untracked().first_page();
                                q.filters.remove(i);
                                go.run(q);
                            }
                        >
                            "×"
                        </button>
                    </li>
                }
            })
            .collect_view();
        Some(
            view! { <ul class="chips" aria-label=move || t_string!(i18n, list.filters).to_string()>{chips}</ul> },
        )
    };
    // Owner and tag names come from resources: read them inside a Transition.
    view! { <Transition fallback=|| ()>{chips}</Transition> }.erase()
}

/// The editor of the advanced filter: one row per condition.
#[component]
pub fn FilterPanel(
    columns: Vec<ColumnInfo>,
    query: Memo<ListQuery>,
    go: Callback<ListQuery>,
    close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let fields: Vec<ColumnInfo> = columns.into_iter().filter(|c| c.filter.is_some()).collect();
    let fields = StoredValue::new(fields);
    let draft = RwSignal::new(query.get_untracked().filters);
    let users = resource(|| (), |_| user_options());
    let tags = resource(|| (), |_| all_tags());
    let add = move |_| {
        let first = fields.with_value(|f| f.first().map(|c| (c.key, c.filter)));
        if let Some((key, Some(kind))) = first {
            draft.update(|d| {
                d.push(Filter {
                    field: key.to_string(),
                    op: kind.ops()[0],
                    value: String::new(),
                })
            });
        }
    };
    // Rows are rebuilt when a field or operator changes, not on each
    // keystroke in a value (which would take the focus away).
    let shape = Memo::new(move |_| {
        draft.with(|d| {
            d.iter()
                .map(|f| (f.field.clone(), f.op))
                .collect::<Vec<_>>()
        })
    });
    let kind_of = move |field: &str| {
        fields.with_value(|f| f.iter().find(|c| c.key == field).and_then(|c| c.filter))
    };
    let row = move |i: usize| {
        let f = draft.with_untracked(|d| d[i].clone());
        let kind = kind_of(&f.field).unwrap_or(ValueKind::Text);
        let field_options = fields.with_value(|all| {
            all.iter()
                .map(|c| {
                    let key = c.key;
                    let label = c.label.clone();
                    view! { <option value=key selected=f.field == key>{move || label.get().to_string()}</option> }
                })
                .collect_view()
        });
        let op_options = kind
            .ops()
            .iter()
            .map(|op| view! { <option value=op.as_str() selected=*op == f.op>{op_label(i18n, *op)}</option> })
            .collect_view();
        let set_value = move |v: String| draft.update(|d| d[i].value = v);
        let choice_label = fields.with_value(|all| {
            all.iter()
                .find(|c| c.key == f.field)
                .and_then(|c| c.choice_label)
        });
        let value_input = if !f.op.needs_value() {
            ().erase()
        } else {
            match kind {
                ValueKind::Choice(values)
                | ValueKind::Choices(values)
                | ValueKind::Quality(values) => {
                    let options = values
                        .iter()
                        .map(|v| {
                            let text = choice_label.map(|l| l(i18n, v)).unwrap_or(v.to_string());
                            view! { <option value=*v selected=f.value == *v>{text}</option> }
                        })
                        .collect_view();
                    view! {
                        <select aria-label=move || t_string!(i18n, list.value).to_string() on:change=move |ev| set_value(event_target_value(&ev))>
                            <option value="">{t_string!(i18n, common.select).to_string()}</option>
                            {options}
                        </select>
                    }
                    .erase()
                }
                ValueKind::Owner | ValueKind::Tag => {
                    let current = f.value.clone();
                    view! {
                        <select aria-label=move || t_string!(i18n, list.value).to_string() on:change=move |ev| set_value(event_target_value(&ev))>
                            <option value="">{t_string!(i18n, common.select).to_string()}</option>
                            {move || {
                                let pairs: Vec<(i64, String)> = if kind == ValueKind::Owner {
                                    users.get().and_then(|r| r.ok()).unwrap_or_default()
                                } else {
                                    tags.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|t| (t.id, t.name)).collect()
                                };
                                let current = current.clone();
                                pairs.into_iter().map(|(id, name)| {
                                    let v = id.to_string();
                                    let sel = v == current;
                                    view! { <option value=v selected=sel>{name}</option> }
                                }).collect_view()
                            }}
                        </select>
                    }
                    .erase()
                }
                _ => {
                    let input_type = match kind {
                        ValueKind::Number => "number",
                        ValueKind::Date | ValueKind::Moment => "date",
                        _ => "text",
                    };
                    view! {
                        <input
                            type=input_type
                            aria-label=move || t_string!(i18n, list.value).to_string()
                            prop:value=f.value.clone()
                            on:input=move |ev| set_value(event_target_value(&ev))
                        />
                    }
                    .erase()
                }
            }
        };
        view! {
            <li class="filter-row">
                <select aria-label=move || t_string!(i18n, list.field).to_string() on:change=move |ev| {
                    let key = event_target_value(&ev);
                    let kind = kind_of(&key).unwrap_or(ValueKind::Text);
                    draft.update(|d| d[i] = Filter { field: key, op: kind.ops()[0], value: String::new() });
                }>{field_options}</select>
                <select aria-label=move || t_string!(i18n, list.operator).to_string() on:change=move |ev| {
                    if let Some(op) = FilterOp::parse(&event_target_value(&ev)) {
                        draft.update(|d| d[i].op = op);
                    }
                }>{op_options}</select>
                {value_input}
                <button class="icon-button" aria-label=move || t_string!(i18n, list.remove_condition).to_string()
                    on:click=move |_| draft.update(|d| { d.remove(i); })>"×"</button>
            </li>
        }
    };
    view! {
        <section id="filter-panel" class="filter-panel card" aria-label=move || t_string!(i18n, list.filters).to_string()>
            <ul class="filter-rows">
                {move || (0..shape.with(|s| s.len())).map(row).collect_view()}
            </ul>
            <div class="form-actions">
                <button class="button" on:click=add>{move || t_string!(i18n, list.add_condition).to_string()}</button>
                <button class="button button-primary" on:click=move |_| {
                    let mut q = query.get_untracked().first_page();
                    q.filters = draft.get_untracked().into_iter()
                        .filter(|f| !f.op.needs_value() || !f.value.trim().is_empty())
                        .collect();
                    go.run(q);
                    close.run(());
                }>{move || t_string!(i18n, list.apply).to_string()}</button>
                <button class="button" on:click=move |_| {
                    draft.set(Vec::new());
                    let mut q = query.get_untracked().first_page();
                    q.filters.clear();
                    go.run(q);
                }>{move || t_string!(i18n, common.clear).to_string()}</button>
            </div>
        </section>
    }
    .erase()
}

/// Saved filters: apply one, save the current one (mine or shared), delete mine.
#[component]
pub fn SavedFilters(
    kind: RecordKind,
    query: Memo<ListQuery>,
    go: Callback<ListQuery>,
) -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0u32);
    let list = resource(move || refresh.get(), move |_| saved_filters(kind));
    let name = RwSignal::new(String::new());
    let shared = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(move |(n, s): &(String, bool)| {
        let (n, s) = (n.clone(), *s);
        let q = query.get_untracked();
        async move { save_filter(kind, n, s, q).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => {
            name.set(String::new());
            error.set(None);
            refresh.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let remove = Action::new(move |id: &i64| {
        let id = *id;
        async move {
            match delete_filter(id).await {
                Ok(()) => refresh.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <details class="menu saved-filters">
            <summary class="button">{move || t_string!(i18n, list.saved_filters).to_string()}</summary>
            <div class="menu-panel">
                <ul class="saved-list">
                    // Read inside a Transition, so that the server renders what the browser hydrates.
                    <Transition fallback=|| ()>
                    {move || {
                        let items = list.get().and_then(|r| r.ok()).unwrap_or_default();
                        if items.is_empty() {
                            return view! { <li class="muted">{t_string!(i18n, list.no_saved_filters).to_string()}</li> }.erase();
                        }
                        items
                            .into_iter()
                            .map(|f| {
                                let q = f.query.clone();
                                let id = f.id;
                                view! {
                                    <li>
                                        <button class="link-button" on:click=move |_| go.run(q.first_page())>{f.name.clone()}</button>
                                        {f.shared.then(|| view! { <span class="badge">{t_string!(i18n, list.shared).to_string()}</span> })}
                                        {f.mine.then(|| view! {
                                            <button class="icon-button" aria-label=move || t_string!(i18n, common.delete).to_string()
                                                on:click=move |_| { remove.dispatch(id); }>"×"</button>
                                        })}
                                    </li>
                                }
                            })
                            .collect_view()
                            .erase()
                    }}
                    </Transition>
                </ul>
                <form class="save-filter" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch((name.get_untracked(), shared.get_untracked()));
                }>
                    <label for="filter-name">{move || t_string!(i18n, list.filter_name).to_string()}</label>
                    <input id="filter-name" type="text" maxlength="255" required
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <label class="check">
                        <input type="checkbox" prop:checked=move || shared.get()
                            on:change=move |ev| shared.set(event_target_checked(&ev)) />
                        {move || t_string!(i18n, list.share_filter).to_string()}
                    </label>
                    <button type="submit" class="button">{move || t_string!(i18n, list.save_filter).to_string()}</button>
                </form>
                <ErrorBanner error=error />
            </div>
        </details>
    }
    .erase()
}
