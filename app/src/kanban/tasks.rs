//! The tasks board page (`/kanban?who=all&from=…&to=…&record=company:12`):
//! filters in the URL, the board, and moves sent to the server.

use super::TaskFilter;
use super::api::{more_tasks, move_task, task_board};
use super::board::{Board, BoardView, MoveIntent};
use super::fields::FieldPicker;
use super::page::{
    BoardTabs, MoveRefused, WhoSelect, chosen_fields, load_failed, pager, url_params, who_filter,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::RecordKind;
use crate::settings::layouts::LayoutKey;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn TasksBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let (param, set_param) = url_params("/kanban");
    let filter = Memo::new(move |_| {
        let (mine, owner) = who_filter(&param("who"));
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
    let fields = chosen_fields(LayoutKey::TaskCards);
    let data = resource(move || filter.get(), task_board);
    let error = RwSignal::new(None::<AppError>);

    let board_view = move |cols| {
        let board = Board::new(cols, fields);
        let on_move = Callback::new(move |m: MoveIntent| {
            error.set(None);
            spawn_local(async move {
                match move_task(m.card.id, m.card.version, m.to).await {
                    Ok(v) => board.set_version(m.card.id, v),
                    // Kept on this device: the card stays where it was put,
                    // and the page says it waits to sync.
                    Err(AppError::Queued) => error.set(Some(AppError::Queued)),
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
        let on_more = pager(board, error, move |key, last| {
            more_tasks(filter.get_untracked(), key, last.pos, last.id)
        });
        view! {
            <BoardView board=board on_move=on_move on_more=on_more label=Signal::derive(move || t_string!(i18n, kanban.tasks).to_string()) />
        }
        .erase()
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
            <MoveRefused error=error />
            <Transition fallback=move || view! { <p class="muted">{tx!(i18n, common.loading)}</p> }>
                {move || data.get().map(|r| r.map(board_view).unwrap_or_else(load_failed))}
            </Transition>
        </div>
    }
    .erase()
}
