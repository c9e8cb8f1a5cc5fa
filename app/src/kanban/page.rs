//! What both board pages share: tabs, filters kept in the URL, the card
//! fields a user picks, paging a column, the message of a refused move.

use super::Card;
use super::board::Board;
use crate::auth::user_options;
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::settings::layouts::{LayoutKey, my_layout};
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::{error_text, redirect_if_logged_out};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::future::Future;

/// Tabs between the two boards.
#[component]
pub fn BoardTabs(deals: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="tabs" aria-label=tx!(i18n, nav.kanban)>
            <a class="tab" href="/kanban" aria-current=(!deals).then_some("page")>
                {tx!(i18n, kanban.tasks)}
            </a>
            <a class="tab" href="/kanban/deals" aria-current=deals.then_some("page")>
                {tx!(i18n, kanban.deals)}
            </a>
        </nav>
    }
    .erase()
}

/// The page's URL parameters: read one (`""` when absent), and set one
/// (empty removes it), which navigates and so reloads the board.
pub fn url_params(
    path: &'static str,
) -> (impl Fn(&str) -> String + Copy, Callback<(String, String)>) {
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let set = Callback::new(move |(k, v): (String, String)| {
        let mut q = query.get_untracked();
        if v.is_empty() {
            q.remove(&k);
        } else {
            q.replace(k, v);
        }
        navigate(
            &format!("{path}{}", q.to_query_string()),
            NavigateOptions::default(),
        );
    });
    (param, set)
}

/// "Mine / everyone / a colleague", as the `who` URL parameter: absent is
/// mine, `all` everyone, a number that user.
pub fn who_filter(who: &str) -> (bool, Option<i64>) {
    match who {
        "" | "me" => (true, None),
        w => (false, w.parse().ok()),
    }
}

/// The select that sets `who`.
#[component]
pub fn WhoSelect(#[prop(into)] value: Signal<String>, on_pick: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let users = crate::ui::browser::load_in_browser(user_options);
    view! {
        <label class="field-inline">
            <span class="visually-hidden">{tx!(i18n, kanban.whose)}</span>
            <select
                prop:value=move || value.get()
                on:change=move |ev| on_pick.run(event_target_value(&ev))
                aria-label=tx!(i18n, kanban.whose)
            >
                <option value="">{tx!(i18n, kanban.mine)}</option>
                <option value="all">{tx!(i18n, kanban.everyone)}</option>
                {move || {
                    users
                        .get()
                        .and_then(|r| r.ok())
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(id, name)| {
                            let v = id.to_string();
                            view! { <option value=v.clone() selected=move || value.get() == v>{name}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
    .erase()
}

/// The fields cards show: the defaults at once, the user's choice once read.
pub fn chosen_fields(key: LayoutKey) -> RwSignal<Vec<String>> {
    let fields = RwSignal::new(
        key.default_items()
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    );
    let layout = LocalResource::new(move || my_layout(key));
    Effect::new(move || {
        if let Some(Ok(f)) = layout.get() {
            fields.set(f);
        }
    });
    fields
}

/// Loads a column's next page with `fetch(column, last card)`, one request
/// per column at a time.
pub fn pager<F, Fut>(board: Board, error: RwSignal<Option<AppError>>, fetch: F) -> Callback<String>
where
    F: Fn(String, Card) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = AppResult<Vec<Card>>> + 'static,
{
    let loading = StoredValue::new(Vec::<String>::new());
    Callback::new(move |key: String| {
        if loading.with_value(|l| l.contains(&key)) {
            return;
        }
        let Some(last) = board.columns.with_untracked(|cols| {
            cols.iter()
                .find(|c| c.key == key)
                .and_then(|c| c.cards.last().cloned())
        }) else {
            return;
        };
        loading.update_value(|l| l.push(key.clone()));
        spawn_local(async move {
            match fetch(key.clone(), last).await {
                Ok(cards) => board.append(&key, cards),
                Err(e) => error.set(Some(e)),
            }
            loading.update_value(|l| l.retain(|k| *k != key));
        });
    })
}

/// "The move was not saved: …", closable.
#[component]
pub fn MoveRefused(error: RwSignal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            redirect_if_logged_out(&e);
            let reason = error_text(i18n, &e);
            if e == AppError::Queued {
                // The move stands, kept on this device until it is sent.
                return view! {
                    <div class="banner banner-info" role="status">
                        {reason}
                        <button type="button" class="icon-button" aria-label=tx!(i18n, calendar.close) on:click=move |_| error.set(None)>"×"</button>
                    </div>
                }
                .erase();
            }
            view! {
                <div class="banner banner-error" role="alert">
                    {t_string!(i18n, kanban.move_refused, reason).to_string()}
                    <button type="button" class="icon-button" aria-label=tx!(i18n, calendar.close) on:click=move |_| error.set(None)>"×"</button>
                </div>
            }
            .erase()
        })
    }
}

/// The board's resource result: a message for an error.
pub fn load_failed(e: AppError) -> AnyView {
    let i18n = use_i18n();
    redirect_if_logged_out(&e);
    view! { <div class="banner banner-error" role="alert">{error_text(i18n, &e)}</div> }.erase()
}
