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

use super::{Card, Column, Drop};
use crate::deals::format_amount;
use crate::i18n::*;
use crate::interactions::priority_label;
use crate::settings::layouts::{LayoutKey, save_layout};
use crate::tx;
use crate::ui::feedback::I18n;
use crate::ui::list::group_digits;
use leptos::ev::{KeyboardEvent, PointerEvent};
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

/// A field's value as the reader reads it.
pub fn field_text(i18n: I18n, key: &str, value: &str) -> String {
    match key {
        "priority" => priority_label(i18n, value),
        "amount" if !value.is_empty() => format_amount(i18n, value),
        "probability" => format!("{value} %"),
        _ => value.to_string(),
    }
}

pub fn field_label(i18n: I18n, key: &str) -> String {
    match key {
        "due" => t_string!(i18n, kanban.field_due),
        "priority" => t_string!(i18n, kanban.field_priority),
        "owner" => t_string!(i18n, kanban.field_owner),
        "record" => t_string!(i18n, kanban.field_record),
        "amount" => t_string!(i18n, kanban.field_amount),
        "company" => t_string!(i18n, kanban.field_company),
        "close" => t_string!(i18n, kanban.field_close),
        "probability" => t_string!(i18n, kanban.field_probability),
        _ => key,
    }
    .to_string()
}

/// The column under a point, and the index among its cards (the moving
/// one left out) before which a card dropped there lands.
fn locate(x: i32, y: i32, moving: i64) -> Option<(String, usize)> {
    let el = document().element_from_point(x as f32, y as f32)?;
    let col = el.closest("[data-column]").ok()??;
    let key = col.get_attribute("data-column")?;
    let cards = col.query_selector_all("[data-card]").ok()?;
    let mut index = 0;
    for i in 0..cards.length() {
        let Some(card) = cards
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        if card.get_attribute("data-card").as_deref() == Some(&moving.to_string()) {
            continue;
        }
        let r = card.get_bounding_client_rect();
        if (y as f64) < r.top() + r.height() / 2.0 {
            break;
        }
        index += 1;
    }
    Some((key, index))
}

fn pointer_down(board: Board, card: &Card, from: &str, ev: PointerEvent) {
    if ev.button() != 0 || !ev.is_primary() || board.moving.get_untracked().is_some() {
        return;
    }
    let target = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let on_grip = target
        .as_ref()
        .and_then(|t| t.closest(".kcard-grip").ok().flatten())
        .is_some();
    // Touch and pen scroll unless they start on the grip.
    if ev.pointer_type() != "mouse" && !on_grip {
        return;
    }
    let Some(el) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let r = el.get_bounding_client_rect();
    let _ = el.set_pointer_capture(ev.pointer_id());
    board.moving.set(Some(Moving {
        card: card.clone(),
        from: from.to_string(),
        pointer: Some(ev.pointer_id()),
        x0: ev.client_x(),
        y0: ev.client_y(),
        x: ev.client_x(),
        y: ev.client_y(),
        grab: (
            ev.client_x() - r.left() as i32,
            ev.client_y() - r.top() as i32,
        ),
        width: r.width(),
        moved: false,
        target: None,
    }));
}

/// Pointer move anywhere while a card is held.
pub fn pointer_move(board: Board, ev: PointerEvent) {
    let Some(m) = board.moving.get_untracked() else {
        return;
    };
    if m.pointer != Some(ev.pointer_id()) {
        return;
    }
    let (x, y) = (ev.client_x(), ev.client_y());
    let moved = m.moved || (x - m.x0).abs() + (y - m.y0).abs() > 5;
    if !moved {
        return;
    }
    ev.prevent_default();
    let target = locate(x, y, m.card.id);
    // Near the board's sides, scroll it (the columns are wider than a phone).
    if let Some(b) = document().query_selector(".board").ok().flatten() {
        let r = b.get_bounding_client_rect();
        let edge = 40.0;
        if (x as f64) < r.left() + edge {
            b.set_scroll_left(b.scroll_left() - 12);
        } else if (x as f64) > r.right() - edge {
            b.set_scroll_left(b.scroll_left() + 12);
        }
    }
    board.moving.set(Some(Moving {
        x,
        y,
        moved,
        target: target.or(m.target),
        ..m
    }));
}

/// Pointer up: drop where the card is shown; a press without moving is a
/// click (the link inside opens the record).
pub fn pointer_up(board: Board, ev: PointerEvent, on_move: Callback<MoveIntent>) {
    let Some(m) = board.moving.get_untracked() else {
        return;
    };
    if m.pointer != Some(ev.pointer_id()) {
        return;
    }
    board.moving.set(None);
    if !m.moved {
        return;
    }
    if let Some((to, index)) = m.target
        && let Some(intent) = board.shift(m.card.id, &m.from, &to, index)
    {
        on_move.run(intent);
    }
}

pub fn pointer_cancel(board: Board, ev: PointerEvent) {
    if board
        .moving
        .get_untracked()
        .is_some_and(|m| m.pointer == Some(ev.pointer_id()))
    {
        board.moving.set(None);
    }
}

/// Keys on a focused card: Space picks up / drops, arrows move, Escape
/// cancels, Enter opens (the link).
fn card_key(
    board: Board,
    card: &Card,
    from: &str,
    ev: KeyboardEvent,
    on_move: Callback<MoveIntent>,
    i18n: I18n,
) {
    let held = board
        .moving
        .get_untracked()
        .filter(|m| m.pointer.is_none() && m.card.id == card.id);
    let key = ev.key();
    match (held, key.as_str()) {
        (None, " ") => {
            ev.prevent_default();
            let cols = board.columns.get_untracked();
            let index = cols
                .iter()
                .find(|c| c.key == from)
                .and_then(|c| c.cards.iter().position(|c2| c2.id == card.id))
                .unwrap_or(0);
            board
                .status
                .set(t_string!(i18n, kanban.picked_up, title = card.title.clone()).to_string());
            board.moving.set(Some(Moving {
                card: card.clone(),
                from: from.to_string(),
                pointer: None,
                x0: 0,
                y0: 0,
                x: 0,
                y: 0,
                grab: (0, 0),
                width: 0.0,
                moved: true,
                target: Some((from.to_string(), index)),
            }));
        }
        (Some(_), "Escape") => {
            ev.prevent_default();
            board.moving.set(None);
            board
                .status
                .set(t_string!(i18n, kanban.move_cancelled).to_string());
        }
        (Some(m), " " | "Enter") => {
            ev.prevent_default();
            board.moving.set(None);
            if let Some((to, index)) = m.target
                && let Some(intent) = board.shift(m.card.id, &m.from, &to, index)
            {
                let name = column_name(i18n, &board.columns.get_untracked(), &to);
                board
                    .status
                    .set(t_string!(i18n, kanban.dropped, column = name).to_string());
                on_move.run(intent);
            }
            refocus(card.id);
        }
        (Some(m), "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") => {
            ev.prevent_default();
            let cols = board.columns.get_untracked();
            let Some((col, index)) = m.target.clone() else {
                return;
            };
            let Some(ci) = cols.iter().position(|c| c.key == col) else {
                return;
            };
            let others = |c: &Column| c.cards.iter().filter(|c2| c2.id != m.card.id).count();
            let (ci, index) = match key.as_str() {
                "ArrowLeft" if ci > 0 => (ci - 1, index.min(others(&cols[ci - 1]))),
                "ArrowRight" if ci + 1 < cols.len() => (ci + 1, index.min(others(&cols[ci + 1]))),
                "ArrowUp" => (ci, index.saturating_sub(1)),
                "ArrowDown" => (ci, (index + 1).min(others(&cols[ci]))),
                _ => (ci, index),
            };
            let name = column_name(i18n, &cols, &cols[ci].key);
            board.status.set(
                t_string!(i18n, kanban.position, column = name, position = index + 1).to_string(),
            );
            board.moving.set(Some(Moving {
                target: Some((cols[ci].key.clone(), index)),
                ..m
            }));
        }
        _ => {}
    }
}

/// Keeps the keyboard on a card after the board redraws it.
fn refocus(id: i64) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        if let Some(el) = document()
            .query_selector(&format!("[data-card=\"{id}\"]"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
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
            window_event_listener(leptos::ev::pointermove, move |ev| pointer_move(board, ev)),
            window_event_listener(leptos::ev::pointerup, move |ev| {
                pointer_up(board, ev, on_move)
            }),
            window_event_listener(leptos::ev::pointercancel, move |ev| {
                pointer_cancel(board, ev)
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
    .into_any()
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
    .into_any()
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
    .into_any()
}

/// The "Fields" menu: which fields the cards show, remembered per user.
#[component]
pub fn FieldPicker(fields: RwSignal<Vec<String>>, key: LayoutKey) -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |field: &'static str| {
        let mut now = fields.get_untracked();
        if now.iter().any(|f| f == field) {
            now.retain(|f| f != field);
        } else {
            now.push(field.to_string());
        }
        // Kept in the board's order, whatever order they were ticked in.
        now.sort_by_key(|f| key.items().iter().position(|i| i == f));
        fields.set(now.clone());
        leptos::task::spawn_local(async move {
            let _ = save_layout(key, now).await;
        });
    };
    view! {
        <details class="menu column-chooser field-picker">
            <summary class="button">{tx!(i18n, kanban.fields)}</summary>
            <div class="menu-panel">
                {key
                    .items()
                    .iter()
                    .map(|f| {
                        let f: &'static str = f;
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || fields.get().iter().any(|x| x == f)
                                    on:change=move |_| toggle(f)
                                />
                                {field_label(i18n, f)}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </details>
    }
    .into_any()
}
