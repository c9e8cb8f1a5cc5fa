//! The deals board page (`/kanban/deals?pipeline=1&who=all`): one
//! pipeline's stages with the server's totals, won and lost as drop targets;
//! a deal dropped on "lost" waits for its reason.

use super::board::{Board, BoardView, MoveIntent};
use super::deals_api::{deal_board, more_deals, move_deal};
use super::fields::FieldPicker;
use super::page::{
    BoardTabs, MoveRefused, WhoSelect, chosen_fields, load_failed, pager, url_params, who_filter,
};
use super::{Column, DealFilter};
use crate::error::AppError;
use crate::i18n::*;
use crate::settings::layouts::LayoutKey;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::problem_text;
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A deal dropped on "lost", waiting for its reason.
#[derive(Clone)]
struct Losing {
    board: Board,
    intent: MoveIntent,
}

#[component]
pub fn DealsBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let (param, set_param) = url_params("/kanban/deals");
    let filter = Memo::new(move |_| {
        let (mine, owner) = who_filter(&param("who"));
        DealFilter {
            pipeline: param("pipeline").parse().ok(),
            mine,
            owner,
        }
    });
    let fields = chosen_fields(LayoutKey::DealCards);
    let data = resource(move || filter.get(), deal_board);
    let error = RwSignal::new(None::<AppError>);
    let losing = RwSignal::new(None::<Losing>);

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
        let on_more = pager(board, error, move |key, last| {
            more_deals(filter.get_untracked(), key, last.pos, last.id)
        });
        view! {
            <BoardView board=board on_move=on_move on_more=on_more label=Signal::derive(move || t_string!(i18n, kanban.deals).to_string()) />
        }
        .erase()
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
            <MoveRefused error=error />
            <Transition fallback=move || view! { <p class="muted">{tx!(i18n, common.loading)}</p> }>
                {move || {
                    data.get()
                        .map(|r| match r {
                            Ok(b) if b.columns.is_empty() => view! { <p class="empty">{tx!(i18n, kanban.no_pipeline)}</p> }.erase(),
                            Ok(b) => board_view(b.columns),
                            Err(e) => load_failed(e),
                        })
                }}
            </Transition>
            <LostDialog losing=losing send=Callback::new(move |(l, reason): (Losing, String)| send(l.board, l.intent, reason)) />
        </div>
    }
    .erase()
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
