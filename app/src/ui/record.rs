//! The pieces of every record's pages: the form frame that checks, saves and
//! reports errors, and the header and field grid of a record page.

use super::browser::load_in_browser;
use super::dialog::ConfirmDialog;
use super::feedback::ErrorBanner;
use super::form::FormErrors;
use super::later::hydrate_later;
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::*;
use crate::records::RecordKind;
use crate::records::marks::{Star, TagEditor, record_marks};
use crate::tx;
use crate::ui::erase::{Erase, erased};
use crate::ui::list::EditableCell;
use crate::ui::resource::Data;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A record form: runs the same checks as the server before sending, sends
/// with `save`, shows field errors where they belong and, once saved, opens
/// `{base}/{id}`. Nothing is sent while a check fails. A change kept
/// offline (`AppError::Queued`) goes back to `cancel_href`. A new record the
/// server finds likely duplicates of is not saved: the matches are shown,
/// and "Save anyway" sends it again with `save(input, true)`.
#[component]
pub fn RecordForm<I, S, Fut, C>(
    form: RwSignal<I>,
    check: fn(&I) -> Vec<FieldError>,
    save: S,
    base: &'static str,
    #[prop(into)] title: TextProp,
    #[prop(into)] cancel_href: String,
    children: TypedChildren<C>,
) -> impl IntoView
where
    C: IntoView + 'static,
    I: Clone + serde::Serialize + Send + Sync + 'static,
    S: Fn(I, bool) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = AppResult<i64>> + Send + 'static,
{
    // Only these closures know the form's type; the frame is compiled once.
    record_form(FormFrame {
        check: Arc::new(move || form.with_untracked(check)),
        save: Arc::new(move |confirmed| Box::pin(save(form.get_untracked(), confirmed))),
        as_json: Arc::new(move || {
            form.with_untracked(|f| serde_json::to_value(f).unwrap_or_default())
        }),
        base,
        title,
        cancel_href,
        children: erased(children),
    })
}

/// A future sent to the server, whatever made it.
type Sending<T> = Pin<Box<dyn Future<Output = AppResult<T>> + Send>>;

/// What [`RecordForm`] hands its untyped frame.
struct FormFrame {
    /// The checks, on the form as it is now.
    check: Arc<dyn Fn() -> Vec<FieldError> + Send + Sync>,
    /// Sends the form as it is now (`true`: despite likely duplicates).
    save: Arc<dyn Fn(bool) -> Sending<i64> + Send + Sync>,
    /// The form as JSON, to compare with the stored record on a conflict.
    as_json: Arc<dyn Fn() -> serde_json::Value + Send + Sync>,
    base: &'static str,
    title: TextProp,
    cancel_href: String,
    children: Children,
}

fn record_form(frame: FormFrame) -> AnyView {
    let FormFrame {
        check,
        save,
        as_json,
        base,
        title,
        cancel_href,
        children,
    } = frame;
    let i18n = use_i18n();
    let errors = FormErrors::provide();
    let action = Action::new(move |confirmed: &bool| save(*confirmed));
    let navigate = use_navigate();
    let back = cancel_href.clone();
    Effect::new(move || match action.value().get() {
        Some(Ok(id)) => navigate(&format!("{base}/{id}"), Default::default()),
        // Kept on this device (offline): back where the form was opened,
        // where the connection bar and the record say it waits to sync —
        // as a real navigation, which the device answers with its copy.
        Some(Err(AppError::Queued)) => {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign(&back);
                return;
            }
            navigate(&back, Default::default())
        }
        Some(Err(e)) => errors.0.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let problems = check();
        errors.set_fields(problems.clone());
        if problems.is_empty() {
            action.dispatch(false);
        }
    };
    let duplicates = move || {
        errors.0.with(|e| match e {
            Some(AppError::Duplicates { matches }) => Some(matches.clone()),
            _ => None,
        })
    };
    let duplicates_view = move || {
        duplicates().map(|matches| {
            let items = matches
                .into_iter()
                .map(|h| {
                    view! {
                        <li>
                            <a href=h.kind.href(h.id) target="_blank">{h.name}</a>
                            " "
                            <span class="muted">{h.detail}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="card duplicates-confirm" role="alertdialog" aria-labelledby="dup-title" aria-describedby="dup-body">
                    <h2 id="dup-title">{t_string!(i18n, record.duplicates_title).to_string()}</h2>
                    <p id="dup-body">{t_string!(i18n, record.duplicates_body).to_string()}</p>
                    <ul class="duplicate-list">{items}</ul>
                    <div class="form-actions-inline">
                        <button
                            type="button"
                            class="button button-primary"
                            on:click=move |_| {
                                errors.0.set(None);
                                action.dispatch(true);
                            }
                        >
                            {t_string!(i18n, record.save_anyway).to_string()}
                        </button>
                        <button type="button" class="button" on:click=move |_| errors.0.set(None)>
                            {t_string!(i18n, record.keep_editing).to_string()}
                        </button>
                    </div>
                </section>
            }
        })
    };
    // Likely duplicates get their own box below, with its choices.
    let banner = Signal::derive(move || {
        errors
            .0
            .get()
            .filter(|e| !matches!(e, AppError::Duplicates { .. }))
    });
    let conflict = move || {
        errors.0.with(|e| match e {
            Some(AppError::Conflict {
                current: Some(cur), ..
            }) => Some(cur.clone()),
            _ => None,
        })
    };
    let conflict_view = move || {
        conflict().map(|theirs| {
            let mine = as_json();
            let rows = differences(&mine, &theirs)
                .into_iter()
                .map(|(field, their, your)| {
                    let label = errors
                        .label(&field)
                        .map(|t| t.get().to_string())
                        .unwrap_or(field);
                    view! {
                        <tr>
                            <th scope="row">{label}</th>
                            <td>{their}</td>
                            <td>{your}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="card conflict" aria-labelledby="conflict-title">
                    <h2 id="conflict-title">{t_string!(i18n, record.conflict_title).to_string()}</h2>
                    <p>{t_string!(i18n, record.conflict_body).to_string()}</p>
                    <table class="conflict-table">
                        <thead>
                            <tr>
                                <th scope="col">{t_string!(i18n, record.field).to_string()}</th>
                                <th scope="col">{t_string!(i18n, record.their_value).to_string()}</th>
                                <th scope="col">{t_string!(i18n, record.your_value).to_string()}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <button type="button" class="button" on:click=move |_| reload_page()>
                        {t_string!(i18n, record.conflict_reload).to_string()}
                    </button>
                </section>
            }
        })
    };
    view! {
        <form class="page record-form" on:submit=on_submit novalidate>
            <header class="page-header">
                <h1>{move || title.get().to_string()}</h1>
            </header>
            <ErrorBanner error=banner />
            {conflict_view}
            {duplicates_view}
            {children()}
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    {move || {
                        if action.pending().get() {
                            t_string!(i18n, common.saving).to_string()
                        } else {
                            t_string!(i18n, common.save).to_string()
                        }
                    }}
                </button>
                <a href=cancel_href class="button">
                    {move || t_string!(i18n, common.cancel).to_string()}
                </a>
            </div>
        </form>
    }
    .erase()
}

/// Title, favourite star, tags, edit link and delete button of a record page.
/// The edit link and the delete button show only when the reader may use
/// them (`access::Allowed`, sent with the star and tags). Deleting asks in
/// the app's dialog (`delete_extra` is shown in it), then goes to
/// `after_delete` with a message whose "Undo" brings the record back.
#[component]
pub fn RecordHeader<D, Fut>(
    kind: RecordKind,
    id: i64,
    #[prop(into)] title: String,
    #[prop(into)] subtitle: String,
    edit_href: String,
    /// Deletes the record; on success the page goes to `after_delete`.
    delete: D,
    after_delete: &'static str,
    #[prop(optional, into)] delete_extra: Option<ViewFn>,
) -> impl IntoView
where
    D: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = AppResult<()>> + Send + 'static,
{
    record_header(HeaderParts {
        kind,
        id,
        title,
        subtitle,
        edit_href,
        delete: Arc::new(move || Box::pin(delete())),
        after_delete,
        delete_extra,
    })
}

/// What [`RecordHeader`] hands its untyped body.
struct HeaderParts {
    kind: RecordKind,
    id: i64,
    title: String,
    subtitle: String,
    edit_href: String,
    delete: Arc<dyn Fn() -> Sending<()> + Send + Sync>,
    after_delete: &'static str,
    delete_extra: Option<ViewFn>,
}

fn record_header(parts: HeaderParts) -> AnyView {
    let HeaderParts {
        kind,
        id,
        title,
        subtitle,
        edit_href,
        delete,
        after_delete,
        delete_extra,
    } = parts;
    let i18n = use_i18n();
    let action = Action::new(move |_: &()| delete());
    let error = RwSignal::new(None::<AppError>);
    let asking = RwSignal::new(false);
    let navigate = use_navigate();
    // The star and tags load in the browser, after the record (see
    // `ui::browser`): the server sends the record drawn without them.
    let marks = load_in_browser(move || record_marks(kind, id));
    // Until they are known, the page offers what the server will judge.
    let may = move |f: fn(crate::access::Allowed) -> bool| {
        marks
            .get()
            .and_then(|r| r.ok())
            .is_none_or(|m| f(m.allowed))
    };
    // Records that look like this one, with a way to merge them.
    let mergeable = kind.describe().merge_links.is_some();
    let suspects = load_in_browser(move || async move {
        if mergeable {
            crate::records::merge::likely_duplicates(kind, id).await
        } else {
            Ok(Vec::new())
        }
    });
    let suspects_view = move || {
        let found = suspects.get()?.ok().filter(|v| !v.is_empty())?;
        let names = found
            .iter()
            .map(|l| l.name.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let ids: Vec<i64> = std::iter::once(id)
            .chain(found.iter().map(|l| l.id))
            .take(crate::records::merge::MAX_RECORDS)
            .collect();
        Some(view! {
            <p class="dup-suspects" role="note">
                <span>{t_string!(i18n, merge.suspects, names).to_string()}</span>
                " · "
                <a href=crate::records::merge::merge_href(kind, &ids)>{t_string!(i18n, merge.compare).to_string()}</a>
            </p>
        })
    };
    let name = title.clone();
    Effect::new(move || match action.value().get() {
        Some(Ok(())) => {
            if let Some(toasts) = crate::ui::dialog::Toasts::get() {
                let text = {
                    let name = name.clone();
                    t_string!(i18n, common.moved_to_trash, name).to_string()
                };
                let back = kind.href(id);
                let name = name.clone();
                let go = navigate.clone();
                let undo = move || {
                    let (back, name, go) = (back.clone(), name.clone(), go.clone());
                    leptos::task::spawn_local(async move {
                        match crate::records::trash::undo_delete(kind, id).await {
                            Ok(_) => {
                                toasts
                                    .show(t_string!(i18n, common.restored, name).to_string(), None);
                                go(&back, Default::default());
                            }
                            Err(e) => toasts.show(crate::ui::feedback::error_text(i18n, &e), None),
                        }
                    });
                };
                toasts.show(text, Some(std::rc::Rc::new(undo)));
            }
            navigate(after_delete, Default::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let body = {
        let name = title.clone();
        move || {
            let name = name.clone();
            t_string!(i18n, common.delete_body, name).to_string()
        }
    };
    let header = hydrate_later(view! {
        <header class="page-header record-header">
            <div>
                <div class="title-row">
                    <h1>{title}</h1>
                    {move || marks.get().and_then(|r| r.ok()).map(|m| view! { <Star kind=kind id=id initial=m.favourite /> })}
                </div>
                <p class="muted">{subtitle}</p>
                {move || marks.get().and_then(|r| r.ok()).map(|m| view! { <TagEditor kind=kind id=id initial=m.tags editable=m.allowed.change /> })}
            </div>
            <div class="actions">
                <Show when=move || may(|a| a.change)>
                    <a href=edit_href.clone() class="button button-primary">
                        {move || t_string!(i18n, common.edit).to_string()}
                    </a>
                </Show>
                <Show when=move || mergeable && may(|a| a.change)>
                    <a href=crate::records::merge::merge_href(kind, &[id]) class="button">
                        {move || t_string!(i18n, merge.action).to_string()}
                    </a>
                </Show>
                <Show when=move || may(|a| a.delete)>
                    <button class="button button-danger" on:click=move |_| asking.set(true)>
                        {move || t_string!(i18n, common.delete).to_string()}
                    </button>
                </Show>
            </div>
        </header>
    });
    view! {
        {header}
        {suspects_view}
        <ConfirmDialog
            open=asking
            title=tx!(i18n, common.delete_title)
            body=body
            confirm_label=tx!(i18n, common.delete)
            on_confirm=Callback::new(move |_| {
                action.dispatch(());
            })
            extra=delete_extra.unwrap_or_default()
        />
        <ErrorBanner error=error />
    }
    .erase()
}

/// The cards of a record page, under its header: each is hydrated in a
/// task of its own (`ui::later`), so that a record's start-up is several
/// short tasks, not one long one.
///
/// The cards come as a tuple of views and are erased each with `.erase()`
/// (`ChildrenFragment` would erase them with `into_any`, which brings their
/// asynchronous hydration into the wasm: `ui::erase`).
#[component]
pub fn RecordBody<C: IntoView + Cards + 'static>(children: TypedChildren<C>) -> impl IntoView {
    record_body(children.into_inner()().into_inner().into_cards())
}

fn record_body(cards: Vec<AnyView>) -> AnyView {
    let cards = cards.into_iter().map(hydrate_later).collect_view();
    view! { <div class="record-body">{cards}</div> }.erase()
}

/// The cards of a [`RecordBody`]: a tuple of views, each erased.
pub trait Cards {
    fn into_cards(self) -> Vec<AnyView>;
}

macro_rules! cards {
    ($($card:ident),+) => {
        impl<$($card: RenderHtml + Send),+> Cards for ($($card,)+) {
            #[allow(non_snake_case)]
            fn into_cards(self) -> Vec<AnyView> {
                let ($($card,)+) = self;
                vec![$($card.erase()),+]
            }
        }
    };
}

cards!(A, B);
cards!(A, B, C);
cards!(A, B, C, D);
cards!(A, B, C, D, E);
cards!(A, B, C, D, E, F);
cards!(A, B, C, D, E, F, G);
cards!(A, B, C, D, E, F, G, H);
cards!(A, B, C, D, E, F, G, H, I);
cards!(A, B, C, D, E, F, G, H, I, J);
cards!(A, B, C, D, E, F, G, H, I, J, K);
cards!(A, B, C, D, E, F, G, H, I, J, K, L);

/// A field of a record page that can be edited in place; `version` follows
/// the record's version across edits, `on_saved` runs after each.
#[component]
pub fn EditableDetail(
    kind: RecordKind,
    id: i64,
    version: RwSignal<i32>,
    field: &'static str,
    #[prop(into)] label: TextProp,
    #[prop(into)] value: String,
    on_saved: Callback<()>,
) -> impl IntoView {
    let text = label.get().to_string();
    view! {
        <div class="detail">
            <dt>{move || label.get().to_string()}</dt>
            <dd>
                <EditableCell
                    kind=kind
                    id=id
                    version=version
                    field=field
                    value=value
                    label=text
                    on_saved=Callback::new(move |v: i32| {
                        version.set(v);
                        on_saved.run(());
                    })
                />
            </dd>
        </div>
    }
    .erase()
}

fn reload_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Fields whose value differs between the user's form and the stored
/// record: (field, theirs, yours). Empty and missing are the same; numbers
/// compare as numbers ("12.5" = 12.50).
pub fn differences(
    mine: &serde_json::Value,
    theirs: &serde_json::Value,
) -> Vec<(String, String, String)> {
    fn text(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
            other => other.to_string(),
        }
    }
    let same = |a: &str, b: &str| {
        a == b || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y)
    };
    let (Some(mine), Some(theirs)) = (mine.as_object(), theirs.as_object()) else {
        return Vec::new();
    };
    mine.iter()
        .filter_map(|(k, v)| {
            let their = theirs.get(k)?;
            let (t, y) = (text(their), text(v));
            (!same(&t, &y)).then(|| (k.clone(), t, y))
        })
        .collect()
}

/// One labelled value of a record page; empty values show a dash.
#[component]
pub fn Detail(#[prop(into)] label: TextProp, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <div class="detail">
            <dt>{move || label.get().to_string()}</dt>
            <dd>
                {if value.is_empty() {
                    view! { <span class="muted">"—"</span> }.erase()
                } else {
                    value.erase()
                }}
            </dd>
        </div>
    }
    .erase()
}

/// Loads a record for a page and shows `view` once it is there, or the
/// translated error if it cannot be loaded.
#[component]
pub fn Loaded<T, V, IV>(resource: Data<AppResult<T>>, view: V) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: Fn(T) -> IV + Send + Sync + Clone + 'static,
    IV: IntoView + 'static,
{
    // Only this closure knows the record's type; the frame is compiled once.
    loaded_frame(Arc::new(move || {
        resource.get().map(|r| r.map(|t| view.clone()(t).erase()))
    }))
}

fn loaded_frame(content: Arc<dyn Fn() -> Option<AppResult<AnyView>> + Send + Sync>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || view! { <p class="muted page">{t_string!(i18n, common.loading).to_string()}</p> }>
            {move || {
                content().map(|r| match r {
                    Ok(view) => view,
                    Err(e) => {
                        if e == AppError::Offline {
                            // The device may hold this page whole: load it
                            // from there, and again once back online.
                            Effect::new(crate::pwa::offline_nav::recover_page);
                        }
                        view! { <div class="page"><ErrorBanner error=Signal::stored(Some(e)) /></div> }.erase()
                    }
                })
            }}
        </Suspense>
    }
    .erase()
}

/// The `:id` of the current route (0 when absent or not a number).
pub fn route_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse().ok()).unwrap_or(0)))
}

/// An address on one line, skipping the empty parts.
pub fn one_line_address(
    street: &str,
    line2: &str,
    postal_code: &str,
    city: &str,
    country: &str,
) -> String {
    let town = format!("{postal_code} {city}");
    [street, line2, town.as_str(), country]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn conflicts_list_only_real_differences() {
        let mine = serde_json::json!({"name": "Acme ", "city": "", "amount": "12.5", "roles": ["a"], "x": 1});
        let theirs = serde_json::json!({"name": "Acme SA", "city": null, "amount": 12.50, "roles": ["a", "b"]});
        assert_eq!(
            super::differences(&mine, &theirs),
            vec![
                (
                    "name".to_string(),
                    "Acme SA".to_string(),
                    "Acme".to_string()
                ),
                ("roles".to_string(), "a, b".to_string(), "a".to_string()),
            ]
        );
    }

    #[test]
    fn addresses_skip_empty_parts() {
        assert_eq!(
            super::one_line_address("12 rue de la Paix", "", "75002", "Paris", "France"),
            "12 rue de la Paix, 75002 Paris, France"
        );
        assert_eq!(super::one_line_address("", " ", "", "", ""), "");
        assert_eq!(super::one_line_address("", "", "", "Québec", ""), "Québec");
    }
}
