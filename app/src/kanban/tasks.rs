//! The tasks board page (`/kanban?who=all&from=…&to=…`): filters in the
//! URL, the board, and moves sent to the server.

use super::api::{more_tasks, move_task, task_board};
use super::board::{Board, BoardView, FieldPicker, MoveIntent};
use super::{TASK_FIELDS_DEFAULT, TaskFilter};
use crate::auth::user_options;
use crate::error::AppError;
use crate::i18n::*;
use crate::records::RecordKind;
use crate::settings::layouts::{LayoutKey, my_layout};
use crate::tx;
use crate::ui::feedback::{error_text, redirect_if_logged_out};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Tabs between the two boards.
#[component]
pub fn BoardTabs(deals: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="tabs" aria-label=tx!(i18n, nav.kanban)>
            <a class="tab" href="/kanban" aria-current=(!deals).then_some("page") aria-selected=(!deals).to_string()>
                {tx!(i18n, kanban.tasks)}
            </a>
            <a class="tab" href="/kanban/deals" aria-current=deals.then_some("page") aria-selected=deals.to_string()>
                {tx!(i18n, kanban.deals)}
            </a>
        </nav>
    }
    .into_any()
}

/// "Mine / everyone / a colleague", as the `who` URL parameter: absent is
/// mine, `all` everyone, a number that user.
pub fn who_filter(who: Option<&str>) -> (bool, Option<i64>) {
    match who {
        None | Some("") | Some("me") => (true, None),
        Some(w) => (false, w.parse().ok()),
    }
}

/// The select that sets `who`.
#[component]
pub fn WhoSelect(#[prop(into)] value: Signal<String>, on_pick: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let users = LocalResource::new(user_options);
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
    .into_any()
}

#[component]
pub fn TasksBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let filter = Memo::new(move |_| {
        let (mine, owner) = who_filter(Some(&param("who")));
        let record = param("record")
            .split_once(':')
            .and_then(|(k, id)| Some((RecordKind::parse(k)?, id.parse::<i64>().ok()?)));
        TaskFilter {
            mine,
            owner,
            record,
            due_from: param("from"),
            due_to: param("to"),
        }
    });
    let set_param = {
        let navigate = navigate.clone();
        Callback::new(move |(k, v): (String, String)| {
            let mut q = query.get_untracked();
            if v.is_empty() {
                q.remove(&k);
            } else {
                q.replace(k, v);
            }
            navigate(
                &format!("/kanban{}", q.to_query_string()),
                NavigateOptions::default(),
            );
        })
    };
    let fields = RwSignal::new(
        TASK_FIELDS_DEFAULT
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    );
    let layout = LocalResource::new(|| my_layout(LayoutKey::TaskCards));
    Effect::new(move || {
        if let Some(Ok(f)) = layout.get() {
            fields.set(f);
        }
    });
    let data = Resource::new(move || filter.get(), task_board);
    let error = RwSignal::new(None::<AppError>);
    let loading = StoredValue::new(Vec::<String>::new());

    let board_view = move |cols| {
        let board = Board::new(cols, fields);
        let on_move = Callback::new(move |m: MoveIntent| {
            error.set(None);
            spawn_local(async move {
                match move_task(m.card.id, m.card.version, m.to).await {
                    Ok(v) => board.set_version(m.card.id, v),
                    Err(e) => {
                        board.columns.set(m.undo);
                        let conflict = matches!(e, AppError::Conflict { .. });
                        error.set(Some(e));
                        if conflict {
                            data.refetch();
                        }
                    }
                }
            });
        });
        let on_more = Callback::new(move |key: String| {
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
                match more_tasks(filter.get_untracked(), key.clone(), last.pos, last.id).await {
                    Ok(cards) => board.append(&key, cards),
                    Err(e) => error.set(Some(e)),
                }
                loading.update_value(|l| l.retain(|k| *k != key));
            });
        });
        view! {
            <BoardView board=board on_move=on_move on_more=on_more label=Signal::derive(move || t_string!(i18n, kanban.tasks).to_string()) />
        }
        .into_any()
    };

    let pick = move |k: &'static str| {
        move |ev: leptos::ev::Event| set_param.run((k.to_string(), event_target_value(&ev)))
    };
    view! {
        <div class="page kanban-page">
            <header class="page-header">
                <h1>{tx!(i18n, nav.kanban)}</h1>
            </header>
            <BoardTabs deals=false />
            <div class="list-toolbar board-toolbar">
                <WhoSelect value=Signal::derive(move || param("who")) on_pick=Callback::new(move |v| set_param.run(("who".into(), v))) />
                <label class="field-inline">
                    <span>{tx!(i18n, kanban.due_from)}</span>
                    <input type="date" prop:value=move || param("from") on:change=pick("from") />
                </label>
                <label class="field-inline">
                    <span>{tx!(i18n, kanban.due_to)}</span>
                    <input type="date" prop:value=move || param("to") on:change=pick("to") />
                </label>
                {move || {
                    (!param("record").is_empty())
                        .then(|| {
                            view! {
                                <button type="button" class="chip" on:click=move |_| set_param.run(("record".into(), String::new()))>
                                    {tx!(i18n, kanban.one_record)} " ×"
                                </button>
                            }
                        })
                }}
                <FieldPicker fields=fields key=LayoutKey::TaskCards />
                <a class="button button-primary" href="/interactions/new?kind=task">{tx!(i18n, kanban.new_task)}</a>
            </div>
            {move || {
                error
                    .get()
                    .map(|e| {
                        redirect_if_logged_out(&e);
                        let reason = error_text(i18n, &e);
                        view! {
                            <div class="banner banner-error" role="alert">
                                {t_string!(i18n, kanban.move_refused, reason).to_string()}
                                <button type="button" class="icon-button" aria-label=tx!(i18n, calendar.close) on:click=move |_| error.set(None)>"×"</button>
                            </div>
                        }
                    })
            }}
            <Transition fallback=move || view! { <p class="muted">{tx!(i18n, common.loading)}</p> }>
                {move || {
                    data.get()
                        .map(|r| match r {
                            Ok(cols) => board_view(cols),
                            Err(e) => {
                                redirect_if_logged_out(&e);
                                view! { <div class="banner banner-error" role="alert">{error_text(i18n, &e)}</div> }.into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
    .into_any()
}
