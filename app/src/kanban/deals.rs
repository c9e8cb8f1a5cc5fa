//! The deals board page (`/kanban/deals?pipeline=1&who=all`): one
//! pipeline's stages with the server's totals, won and lost as drop targets;
//! a deal dropped on "lost" waits for its reason.

use super::board::{Board, BoardView, FieldPicker, MoveIntent};
use super::deals_api::{deal_board, more_deals, move_deal};
use super::tasks::{BoardTabs, WhoSelect, who_filter};
use super::{Column, DEAL_FIELDS_DEFAULT, DealFilter};
use crate::error::AppError;
use crate::i18n::*;
use crate::settings::layouts::{LayoutKey, my_layout};
use crate::tx;
use crate::ui::feedback::{error_text, problem_text, redirect_if_logged_out};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

/// A deal dropped on "lost", waiting for its reason.
#[derive(Clone)]
struct Losing {
    board: Board,
    intent: MoveIntent,
}

#[component]
pub fn DealsBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let filter = Memo::new(move |_| {
        let (mine, owner) = who_filter(Some(&param("who")));
        DealFilter {
            pipeline: param("pipeline").parse().ok(),
            mine,
            owner,
        }
    });
    let set_param = Callback::new(move |(k, v): (String, String)| {
        let mut q = query.get_untracked();
        if v.is_empty() {
            q.remove(&k);
        } else {
            q.replace(k, v);
        }
        navigate(
            &format!("/kanban/deals{}", q.to_query_string()),
            NavigateOptions::default(),
        );
    });
    let fields = RwSignal::new(
        DEAL_FIELDS_DEFAULT
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    );
    let layout = LocalResource::new(|| my_layout(LayoutKey::DealCards));
    Effect::new(move || {
        if let Some(Ok(f)) = layout.get() {
            fields.set(f);
        }
    });
    let data = Resource::new(move || filter.get(), deal_board);
    let error = RwSignal::new(None::<AppError>);
    let losing = RwSignal::new(None::<Losing>);
    let loading = StoredValue::new(Vec::<String>::new());

    // Sends a move; on success the column totals are read again (amounts
    // and probabilities are the server's to sum).
    let send = move |board: Board, m: MoveIntent, reason: String| {
        error.set(None);
        spawn_local(async move {
            match move_deal(m.card.id, m.card.version, m.to, reason).await {
                Ok(v) => {
                    board.set_version(m.card.id, v);
                    if let Ok(fresh) = deal_board(filter.get_untracked()).await {
                        board
                            .columns
                            .update(|cols| refresh_totals(cols, &fresh.columns));
                    }
                }
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
    };

    let board_view = move |cols: Vec<Column>| {
        let board = Board::new(cols, fields);
        let on_move = Callback::new(move |m: MoveIntent| {
            if m.to.column == "lost" {
                losing.set(Some(Losing { board, intent: m }));
            } else {
                send(board, m, String::new());
            }
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
                match more_deals(filter.get_untracked(), key.clone(), last.pos, last.id).await {
                    Ok(cards) => board.append(&key, cards),
                    Err(e) => error.set(Some(e)),
                }
                loading.update_value(|l| l.retain(|k| *k != key));
            });
        });
        view! {
            <BoardView board=board on_move=on_move on_more=on_more label=Signal::derive(move || t_string!(i18n, kanban.deals).to_string()) />
        }
        .into_any()
    };

    let pipelines = move || {
        data.get()
            .and_then(|r| r.ok())
            .map(|b| {
                let current = b.pipeline.to_string();
                view! {
                    <label class="field-inline">
                        <span class="visually-hidden">{tx!(i18n, kanban.pipeline)}</span>
                        <select
                            aria-label=tx!(i18n, kanban.pipeline)
                            on:change=move |ev| set_param.run(("pipeline".into(), event_target_value(&ev)))
                        >
                            {b.pipelines
                                .into_iter()
                                .map(|(id, name)| {
                                    let v = id.to_string();
                                    let selected = v == current;
                                    view! { <option value=v selected=selected>{name}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                }
            })
    };

    view! {
        <div class="page kanban-page">
            <header class="page-header">
                <h1>{tx!(i18n, nav.kanban)}</h1>
            </header>
            <BoardTabs deals=true />
            <div class="list-toolbar board-toolbar">
                <Transition fallback=|| ()>{pipelines}</Transition>
                <WhoSelect value=Signal::derive(move || param("who")) on_pick=Callback::new(move |v| set_param.run(("who".into(), v))) />
                <FieldPicker fields=fields key=LayoutKey::DealCards />
                <a class="button button-primary" href="/deals/new">{tx!(i18n, kanban.new_deal)}</a>
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
                            Ok(b) if b.columns.is_empty() => view! { <p class="empty">{tx!(i18n, kanban.no_pipeline)}</p> }.into_any(),
                            Ok(b) => board_view(b.columns),
                            Err(e) => {
                                redirect_if_logged_out(&e);
                                view! { <div class="banner banner-error" role="alert">{error_text(i18n, &e)}</div> }.into_any()
                            }
                        })
                }}
            </Transition>
            <LostDialog losing=losing send=Callback::new(move |(l, reason): (Losing, String)| send(l.board, l.intent, reason)) />
        </div>
    }
    .into_any()
}

/// Copies the server's counts and sums onto the columns on screen (their
/// loaded cards stay).
fn refresh_totals(cols: &mut [Column], fresh: &[Column]) {
    for c in cols.iter_mut() {
        if let Some(f) = fresh.iter().find(|f| f.key == c.key) {
            c.count = f.count;
            c.amount = f.amount.clone();
            c.weighted = f.weighted.clone();
        }
    }
}

/// "Why was it lost?" — required; cancelling puts the deal back.
#[component]
fn LostDialog(losing: RwSignal<Option<Losing>>, send: Callback<(Losing, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let cancel = move || {
        if let Some(l) = losing.get_untracked() {
            l.board.columns.set(l.intent.undo.clone());
        }
        losing.set(None);
        reason.set(String::new());
        missing.set(false);
    };
    let confirm = move || {
        let text = reason.get_untracked();
        if text.trim().is_empty() {
            missing.set(true);
            return;
        }
        if let Some(l) = losing.get_untracked() {
            losing.set(None);
            reason.set(String::new());
            missing.set(false);
            send.run((l, text));
        }
    };
    move || {
        losing.get().map(|l| {
            view! {
                <div class="cal-dialog-backdrop" on:click=move |_| cancel()>
                    <form
                        class="cal-dialog card"
                        role="dialog"
                        aria-modal="true"
                        aria-labelledby="lost-title"
                        on:click=|ev| ev.stop_propagation()
                        on:submit=move |ev| {
                            ev.prevent_default();
                            confirm();
                        }
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Escape" {
                                cancel();
                            }
                        }
                    >
                        <h2 id="lost-title">{t_string!(i18n, kanban.lost_title, name = l.intent.card.title.clone()).to_string()}</h2>
                        <label class="field" class:field-invalid=move || missing.get()>
                            <span>{tx!(i18n, deal.lost_reason)}</span>
                            <input
                                type="text"
                                name="lost_reason"
                                maxlength="255"
                                autofocus
                                prop:value=move || reason.get()
                                on:input=move |ev| reason.set(event_target_value(&ev))
                                aria-invalid=move || missing.get().to_string()
                            />
                            {move || {
                                missing
                                    .get()
                                    .then(|| {
                                        view! {
                                            <span class="field-error" role="alert">
                                                {problem_text(i18n, crate::error::FieldProblem::Required)}
                                            </span>
                                        }
                                    })
                            }}
                        </label>
                        <div class="cal-dialog-actions">
                            <button type="submit" class="button button-primary">{tx!(i18n, kanban.mark_lost)}</button>
                            <button type="button" class="button" on:click=move |_| cancel()>{tx!(i18n, common.cancel)}</button>
                        </div>
                    </form>
                </div>
            }
        })
    }
}
