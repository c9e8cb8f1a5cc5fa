//! The board both Kanban pages use: columns of cards, moved with a pointer
//! (mouse, pen, touch — Pointer Events, since HTML5 drag events do not fire
//! on phones) or with the keyboard (Space picks a card up, arrows move it,
//! Space drops, Escape puts it back).
//!
//! The board moves the card on screen at once and hands the page a
//! [`MoveIntent`] carrying the board as it was; the page asks the server
//! and, if refused, puts that back ([`MoveIntent::undo`]).
//!
//! Touch: a card scrolls the page like any content; the grip on its side
//! has `touch-action: none`, so a drag starts there at once.

// Move, up and cancel are wired on the window in the browser build only.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use super::fields::{field_label, field_text};
use super::moves::{card_key, pointer_down};
use super::{Card, Column, Drop};
use crate::deals::format_amount;
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::I18n;
use crate::ui::list::group_digits;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A card being moved, by pointer or keyboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Moving {
    pub card: Card,
    pub from: String,
    /// `None`: the keyboard.
    pub pointer: Option<i32>,
    pub x0: i32,
    pub y0: i32,
    pub x: i32,
    pub y: i32,
    /// Where the card was grabbed, from its top-left corner.
    pub grab: (i32, i32),
    pub width: f64,
    pub moved: bool,
    /// The column and the index among its other cards it would land at.
    pub target: Option<(String, usize)>,
}

/// A move the page is to send to the server.
#[derive(Debug, Clone)]
pub struct MoveIntent {
    pub card: Card,
    pub from: String,
    pub to: Drop,
    /// The board before the move, to put back if the server refuses.
    pub undo: Vec<Column>,
}

/// What the board shares with the page around it.
#[derive(Clone, Copy)]
pub struct Board {
    pub columns: RwSignal<Vec<Column>>,
    pub moving: RwSignal<Option<Moving>>,
    /// Shown fields, chosen by the user.
    pub fields: RwSignal<Vec<String>>,
    /// Said to screen readers (and shown) after a move.
    pub status: RwSignal<String>,
}

impl Board {
    /// A board of `columns`, showing the page's chosen `fields`.
    pub fn new(columns: Vec<Column>, fields: RwSignal<Vec<String>>) -> Self {
        Board {
            columns: RwSignal::new(columns),
            moving: RwSignal::new(None),
            fields,
            status: RwSignal::new(String::new()),
        }
    }

    /// Moves card `id` to column `to` at `index` among that column's other
    /// cards, on screen only; `None` when it would not change anything.
    pub fn shift(&self, id: i64, from: &str, to: &str, index: usize) -> Option<MoveIntent> {
        let undo = self.columns.get_untracked();
        let mut cols = undo.clone();
        let src = cols.iter().position(|c| c.key == from)?;
        let dst = cols.iter().position(|c| c.key == to)?;
        let at = cols[src].cards.iter().position(|c| c.id == id)?;
        if src == dst && at == index {
            return None;
        }
        let card = cols[src].cards.remove(at);
        cols[src].count -= 1;
        cols[dst].count += 1;
        let (after, before) = if cols[dst].drop_only {
            (None, None)
        } else {
            let index = index.min(cols[dst].cards.len());
            cols[dst].cards.insert(index, card.clone());
            let list = &cols[dst].cards;
            (
                index.checked_sub(1).map(|i| list[i].id),
                list.get(index + 1).map(|c| c.id),
            )
        };
        self.columns.set(cols);
        Some(MoveIntent {
            card,
            from: from.to_string(),
            to: Drop {
                column: to.to_string(),
                after,
                before,
            },
            undo,
        })
    }

    /// The card's new version after the server took the move.
    pub fn set_version(&self, id: i64, version: i32) {
        self.columns.update(|cols| {
            for c in cols.iter_mut().flat_map(|c| c.cards.iter_mut()) {
                if c.id == id {
                    c.version = version;
                }
            }
        });
    }

    /// Adds a page of cards to the end of a column.
    pub fn append(&self, key: &str, cards: Vec<Card>) {
        self.columns.update(|cols| {
            if let Some(col) = cols.iter_mut().find(|c| c.key == key) {
                for card in cards {
                    if !col.cards.iter().any(|c| c.id == card.id) {
                        col.cards.push(card);
                    }
                }
            }
        });
    }
}

/// A column's name: its title, or its key translated (task statuses, won,
/// lost).
pub fn column_name(i18n: I18n, cols: &[Column], key: &str) -> String {
    match cols.iter().find(|c| c.key == key) {
        Some(c) if !c.title.is_empty() => c.title.clone(),
        _ => match key {
            "won" => t_string!(i18n, deal_status.won).to_string(),
            "lost" => t_string!(i18n, deal_status.lost).to_string(),
            other => crate::interactions::status_label(i18n, other),
        },
    }
}

/// The columns, the card being moved, and the live region.
#[component]
pub fn BoardView(
    board: Board,
    on_move: Callback<MoveIntent>,
    /// A column scrolled to its end wants its next page.
    on_more: Callback<String>,
    /// The label of the board, for screen readers.
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "hydrate")]
    {
        let handles = [
            window_event_listener(leptos::ev::pointermove, move |ev| {
                super::moves::pointer_move(board, ev)
            }),
            window_event_listener(leptos::ev::pointerup, move |ev| {
                super::moves::pointer_up(board, ev, on_move)
            }),
            window_event_listener(leptos::ev::pointercancel, move |ev| {
                super::moves::pointer_cancel(board, ev)
            }),
        ];
        on_cleanup(move || handles.into_iter().for_each(|h| h.remove()));
    }
    // Keyed by column, and cards by id and version: a move or a new page
    // redraws what changed only, so columns keep their scroll position and
    // a card keeps its focus.
    // Won and lost (drop-only columns) sit above the board, in reach
    // however far the stages scroll sideways.
    let keys = move |closing: bool| {
        move || {
            board.columns.with(|cols| {
                cols.iter()
                    .filter(|c| c.drop_only == closing)
                    .map(|c| c.key.clone())
                    .collect::<Vec<_>>()
            })
        }
    };
    let columns = view! {
        <For each=keys(false) key=|k| k.clone() let:key>
            {column_view(board, key, on_move, on_more, i18n)}
        </For>
    };
    let closings = view! {
        <For each=keys(true) key=|k| k.clone() let:key>
            {column_view(board, key, on_move, on_more, i18n)}
        </For>
    };
    let ghost = move || {
        board
            .moving
            .get()
            .filter(|m| m.pointer.is_some() && m.moved)
            .map(|m| {
                view! {
                    <div
                        class="kcard ghost"
                        aria-hidden="true"
                        style:width=format!("{}px", m.width)
                        style:transform=format!("translate({}px, {}px)", m.x - m.grab.0, m.y - m.grab.1)
                    >
                        <span class="kcard-title">{m.card.title.clone()}</span>
                    </div>
                }
            })
    };
    view! {
        <div class="board-closings">{closings}</div>
        <div class="board" role="group" aria-label=move || label.get()>
            {columns}
        </div>
        {ghost}
        <p class="visually-hidden" aria-live="assertive">{move || board.status.get()}</p>
        <p class="muted board-help">{tx!(i18n, kanban.keyboard_help)}</p>
    }
    .erase()
}

fn column_view(
    board: Board,
    key: String,
    on_move: Callback<MoveIntent>,
    on_more: Callback<String>,
    i18n: I18n,
) -> impl IntoView {
    let col = {
        let key = key.clone();
        Memo::new(move |_| {
            board
                .columns
                .with(|cols| cols.iter().find(|c| c.key == key).cloned())
        })
    };
    let name = {
        let key = key.clone();
        Signal::derive(move || board.columns.with(|cols| column_name(i18n, cols, &key)))
    };
    let count = move || {
        col.with(|c| match c {
            Some(c) if c.count_is_estimate => format!("≈ {}", group_digits(i18n, c.count)),
            Some(c) => group_digits(i18n, c.count),
            None => String::new(),
        })
    };
    let totals = move || {
        col.with(|c| c.as_ref().and_then(|c| c.amount.clone().map(|a| (a, c.weighted.clone().unwrap_or_default()))))
            .map(|(amount, weighted)| {
                view! {
                    <span class="col-sum" title=tx!(i18n, kanban.sum_title)>{format_amount(i18n, &amount)}</span>
                    <span class="col-weighted" title=tx!(i18n, kanban.weighted_title)>
                        {tx!(i18n, kanban.weighted)} " " {format_amount(i18n, &weighted)}
                    </span>
                }
            })
    };
    let drop_only = col.with_untracked(|c| c.as_ref().is_some_and(|c| c.drop_only));
    let has_more = move || {
        col.with(|c| {
            c.as_ref()
                .is_some_and(|c| !c.drop_only && (c.cards.len() as i64) < c.count)
        })
    };
    // Where a held card would land, as "before this card" or "at the end":
    // a memo, so a pointer move that keeps the place redraws nothing, shown
    // by classes on stable elements.
    let landing = {
        let key = key.clone();
        Memo::new(move |_| {
            let m = board.moving.get()?;
            let (k, index) = m.target?;
            if k != key {
                return None;
            }
            let rest: Vec<i64> = col.with(|c| {
                c.as_ref()
                    .map(|c| {
                        c.cards
                            .iter()
                            .map(|c| c.id)
                            .filter(|id| *id != m.card.id)
                            .collect()
                    })
                    .unwrap_or_default()
            });
            Some(rest.get(index).copied())
        })
    };
    let cards = move || col.with(|c| c.as_ref().map(|c| c.cards.clone()).unwrap_or_default());
    let from = key.clone();
    let more_key = key.clone();
    let scrolled = move |ev: leptos::ev::Event| {
        let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if has_more() && el.scroll_top() + el.client_height() + 80 >= el.scroll_height() {
            on_more.run(more_key.clone());
        }
    };
    let more_key = key.clone();
    let class = if drop_only {
        format!("board-col drop-only drop-{key}")
    } else {
        "board-col".to_string()
    };
    view! {
        <section class=class data-column=key.clone() aria-label=name>
            <header class="col-head">
                <h2>{name}</h2>
                <span class="col-count">{count}</span>
                {totals}
            </header>
            <div
                class="col-cards"
                class:drop-target=move || landing.get().is_some()
                class:drop-end=move || landing.get() == Some(None)
                on:scroll=scrolled
            >
                <For
                    each=cards
                    key=|c| (c.id, c.version)
                    children=move |card| card_view(board, card, from.clone(), on_move, i18n, landing)
                />
                {move || {
                    let more_key = more_key.clone();
                    has_more()
                        .then(|| {
                            view! {
                                <button type="button" class="link-button more" on:click=move |_| on_more.run(more_key.clone())>
                                    {tx!(i18n, kanban.load_more)}
                                </button>
                            }
                        })
                }}
                {drop_only.then(|| view! { <p class="muted drop-hint">{tx!(i18n, kanban.drop_here)}</p> })}
            </div>
        </section>
    }
    .erase()
}

fn card_view(
    board: Board,
    card: Card,
    from: String,
    on_move: Callback<MoveIntent>,
    i18n: I18n,
    landing: Memo<Option<Option<i64>>>,
) -> impl IntoView {
    let all = card.fields.clone();
    let fields = move || {
        let shown = board.fields.get();
        all.iter()
            .filter(|(k, v)| shown.contains(k) && !v.is_empty())
            .map(|(k, v)| {
                view! {
                    <li class=format!("kcard-field f-{k}")>
                        <span class="visually-hidden">{field_label(i18n, k)} ": "</span>
                        {field_text(i18n, k, v)}
                    </li>
                }
            })
            .collect_view()
    };
    let id = card.id;
    let held = Memo::new(move |_| {
        board
            .moving
            .with(|m| m.as_ref().is_some_and(|m| m.moved && m.card.id == id))
    });
    let (c1, c2) = (card.clone(), card.clone());
    let (f1, f2) = (from.clone(), from);
    view! {
        <article
            class="kcard"
            class:late=card.late
            class:held=held
            class:drop-before=move || landing.get() == Some(Some(id))
            data-card=card.id.to_string()
            tabindex="0"
            aria-roledescription=tx!(i18n, kanban.card_role)
            on:pointerdown=move |ev| pointer_down(board, &c1, &f1, ev)
            on:keydown=move |ev| card_key(board, &c2, &f2, ev, on_move, i18n)
        >
            <span class="kcard-grip" aria-hidden="true">"⋮⋮"</span>
            <a class="kcard-title" href=card.href.clone() draggable="false" tabindex="-1">
                {card.title.clone()}
            </a>
            <ul class="kcard-fields">{fields}</ul>
        </article>
    }
    .erase()
}
