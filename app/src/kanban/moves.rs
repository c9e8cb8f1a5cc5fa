//! Moving a card: by pointer (mouse, pen, touch — Pointer Events with
//! capture, the drop place found by hit testing) or by keyboard (Space,
//! arrows, Space / Escape). Both end in `Board::shift` and a `MoveIntent`.

// Move, up and cancel are wired on the window in the browser build only.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use super::board::{Board, MoveIntent, Moving, column_name};
use super::{Card, Column};
use crate::i18n::*;
use crate::ui::feedback::I18n;
use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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

pub fn pointer_down(board: Board, card: &Card, from: &str, ev: PointerEvent) {
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
pub fn card_key(
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
