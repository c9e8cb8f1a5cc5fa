//! Dragging a block (or a "to plan" task) onto a user-day, the same for
//! mouse, pen and touch: Pointer Events with pointer capture on the block,
//! which has `touch-action: none` so a finger drags it at once (HTML5 drag
//! events do not fire on phones). Move, up and cancel are listened to on
//! the window.
//!
//! Where the pointer is comes from hit testing (`elementFromPoint`) up to
//! the nearest `[data-user][data-day]` cell; in the hour view the cell is
//! the row's day track (`data-hours`) and the x position gives the time,
//! snapped to 15 minutes. A ghost (`position: fixed`, no pointer events)
//! follows the pointer, so nothing is clipped by the scrolling grid.

// Move, up and cancel are wired on the window in the browser build only.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use super::page::Plan;
use super::{PlanBlock, on_other_day, snap};
use chrono::{Duration, NaiveDate, NaiveTime};
use leptos::ev::PointerEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Where a block would land: a row, a day and, in the hour view, the
/// minutes from midnight under the pointer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub user: i64,
    pub day: NaiveDate,
    pub minutes: Option<f64>,
}

/// A drag in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct DragState {
    pub pointer: i32,
    pub block: PlanBlock,
    pub x0: i32,
    pub y0: i32,
    pub x: i32,
    pub y: i32,
    /// Hour view: pointer time − block start, in minutes.
    pub grab: f64,
    pub target: Option<Target>,
    pub moved: bool,
}

/// The cell under a point.
pub fn locate(x: i32, y: i32) -> Option<Target> {
    let el = document().element_from_point(x as f32, y as f32)?;
    let cell = el.closest("[data-user][data-day]").ok()??;
    let user = cell.get_attribute("data-user")?.parse().ok()?;
    let day = NaiveDate::parse_from_str(&cell.get_attribute("data-day")?, "%Y-%m-%d").ok()?;
    let minutes = cell.has_attribute("data-hours").then(|| {
        let r = cell.get_bounding_client_rect();
        ((x as f64 - r.left()) / r.width() * 1440.0).clamp(0.0, 1440.0)
    });
    Some(Target { user, day, minutes })
}

/// Pointer down on a block.
pub fn down(plan: Plan, block: &PlanBlock, ev: PointerEvent) {
    if !block.editable || ev.button() != 0 || !ev.is_primary() {
        return;
    }
    let grab = match locate(ev.client_x(), ev.client_y()) {
        Some(Target {
            minutes: Some(m),
            day,
            ..
        }) => m - (block.start - day.and_time(NaiveTime::MIN)).num_minutes() as f64,
        _ => 0.0,
    };
    ev.stop_propagation();
    if ev.pointer_type() == "mouse" {
        // No text selection, no native link drag.
        ev.prevent_default();
    }
    if let Some(el) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let _ = el.set_pointer_capture(ev.pointer_id());
    }
    plan.drag.set(Some(DragState {
        pointer: ev.pointer_id(),
        block: block.clone(),
        x0: ev.client_x(),
        y0: ev.client_y(),
        x: ev.client_x(),
        y: ev.client_y(),
        grab,
        target: None,
        moved: false,
    }));
}

pub fn pointer_move(plan: Plan, ev: PointerEvent) {
    let Some(mut d) = plan.drag.get_untracked() else {
        return;
    };
    if d.pointer != ev.pointer_id() {
        return;
    }
    ev.prevent_default();
    let (x, y) = (ev.client_x(), ev.client_y());
    if !d.moved && (x - d.x0).abs() + (y - d.y0).abs() < 6 {
        return;
    }
    d.moved = true;
    d.x = x;
    d.y = y;
    d.target = locate(x, y);
    plan.drag.set(Some(d));
}

/// Pointer up: drops the block where it is (a plain click opens it).
pub fn up(plan: Plan, ev: PointerEvent) {
    let Some(d) = plan.drag.get_untracked() else {
        return;
    };
    if d.pointer != ev.pointer_id() {
        return;
    }
    plan.drag.set(None);
    if !d.moved {
        return;
    }
    plan.dragged.set_value(web_sys::js_sys::Date::now());
    let Some(t) = d.target.or_else(|| locate(ev.client_x(), ev.client_y())) else {
        return;
    };
    let start = match t.minutes {
        Some(m) => {
            t.day.and_time(NaiveTime::MIN) + Duration::minutes(snap((m - d.grab).round() as i64))
        }
        None => on_other_day(d.block.start, t.day),
    };
    plan.commit(d.block, t.user, start);
}

pub fn cancel(plan: Plan, ev: PointerEvent) {
    if plan
        .drag
        .get_untracked()
        .is_some_and(|d| d.pointer == ev.pointer_id())
    {
        plan.drag.set(None);
    }
}

/// A click on a block right after a drag opens nothing.
pub fn click(plan: Plan, ev: leptos::ev::MouseEvent) {
    if web_sys::js_sys::Date::now() - plan.dragged.get_value() < 400.0 {
        ev.prevent_default();
    }
}
