//! Pointer logic, the same for mouse, pen and touch (Pointer Events with
//! pointer capture): move an event, resize it by its bottom edge, and
//! create by clicking or dragging over empty slots.
//!
//! Where the pointer is comes from hit testing (`elementFromPoint`) up to
//! the nearest `[data-day]` element: a time-grid column (`data-grid="time"`,
//! whose height is the day's 24 hours) or a day cell (month view, all-day
//! row), where a move changes the day only. Times snap to 15 minutes.
//!
//! Touch: event blocks have `touch-action: none`, so a drag starts at once
//! on them; an empty slot is created by a tap (dragging there scrolls).

// Move, up and cancel are wired on the window in the browser build only.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use super::page::Cal;
use super::{CalEvent, SNAP, snap};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use leptos::ev::PointerEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Move,
    Resize,
}

/// A drag of an event in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct DragState {
    pub id: i64,
    pub pointer: i32,
    pub mode: Mode,
    /// Started in the time grid (minutes count), or on a day cell.
    pub grid: bool,
    pub x0: i32,
    pub y0: i32,
    /// Where the pointer was on the event: pointer time − event start.
    pub grab: Duration,
    pub day0: NaiveDate,
    pub orig: CalEvent,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub moved: bool,
}

/// A selection of empty slots being made (for a new interaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selecting {
    pub pointer: i32,
    pub day: NaiveDate,
    /// Minutes from midnight, snapped down to 15.
    pub anchor: i64,
    pub current: i64,
}

impl Selecting {
    /// `[start, end)` in minutes: a click is an hour, a drag what it covers.
    pub fn span(&self) -> (i64, i64) {
        let (a, b) = (self.anchor.min(self.current), self.anchor.max(self.current));
        if b == a {
            (a, (a + 60).min(1440))
        } else {
            (a, (b + SNAP).min(1440))
        }
    }
}

fn floor_slot(m: f64) -> i64 {
    ((m.max(0.0) as i64) / SNAP * SNAP).min(1440 - SNAP)
}

/// The day and, in a time column, the minutes from midnight under a point.
pub fn locate(x: i32, y: i32) -> Option<(NaiveDate, Option<f64>)> {
    let el = document().element_from_point(x as f32, y as f32)?;
    let cell = el.closest("[data-day]").ok()??;
    let day = NaiveDate::parse_from_str(&cell.get_attribute("data-day")?, "%Y-%m-%d").ok()?;
    if cell.get_attribute("data-grid").as_deref() == Some("time") {
        let r = cell.get_bounding_client_rect();
        let m = ((y as f64 - r.top()) / r.height() * 1440.0).clamp(0.0, 1440.0);
        Some((day, Some(m)))
    } else {
        Some((day, None))
    }
}

fn at(day: NaiveDate, minutes: f64) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) + Duration::minutes(minutes.round() as i64)
}

/// `t` moved to the nearest 15-minute boundary.
fn snap_time(t: NaiveDateTime) -> NaiveDateTime {
    let d0 = t.date().and_time(NaiveTime::MIN);
    d0 + Duration::minutes(snap((t - d0).num_minutes()))
}

fn target_element(ev: &PointerEvent) -> Option<web_sys::Element> {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

/// Pointer down on an event block.
pub fn event_down(cal: Cal, event: &CalEvent, ev: PointerEvent) {
    if !event.editable || ev.button() != 0 || !ev.is_primary() {
        return;
    }
    let Some((day, minutes)) = locate(ev.client_x(), ev.client_y()) else {
        return;
    };
    let resize = target_element(&ev)
        .and_then(|t| t.closest(".cal-resize").ok().flatten())
        .is_some();
    let grid = minutes.is_some() && !event.all_day;
    let grab = match minutes {
        Some(m) if grid => at(day, m) - event.start,
        _ => Duration::zero(),
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
    cal.drag.set(Some(DragState {
        id: event.id,
        pointer: ev.pointer_id(),
        mode: if resize && grid {
            Mode::Resize
        } else {
            Mode::Move
        },
        grid,
        x0: ev.client_x(),
        y0: ev.client_y(),
        grab,
        day0: day,
        orig: event.clone(),
        start: event.start,
        end: event.end,
        moved: false,
    }));
}

/// Pointer move while dragging an event: the new times, shown at once.
/// Move, up and cancel are listened to on the window: the dragged block is
/// drawn anew as it moves, and its element may leave the page meanwhile.
pub fn event_move(cal: Cal, ev: PointerEvent) {
    let Some(mut d) = cal.drag.get_untracked() else {
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
    let length = d.orig.end - d.orig.start;
    match (locate(x, y), d.grid, d.mode) {
        (Some((day, Some(m))), true, Mode::Move) => {
            d.start = snap_time(at(day, m) - d.grab);
            d.end = d.start + length;
        }
        (Some((_, Some(m))), true, Mode::Resize) => {
            // The end stays on the event's start day (or the next midnight).
            let day = d.orig.start.date();
            let end = snap_time(at(day, m.max(0.0)));
            d.end = end.max(d.orig.start + Duration::minutes(SNAP));
        }
        (Some((day, _)), false, _) => {
            let shift = day - d.day0;
            d.start = d.orig.start + shift;
            d.end = d.orig.end + shift;
        }
        _ => {}
    }
    if cal.drag.get_untracked().as_ref() != Some(&d) {
        cal.drag.set(Some(d));
    }
}

/// Pointer up: commits a drag (a plain click opens the event instead).
pub fn event_up(cal: Cal, ev: PointerEvent) {
    let Some(d) = cal.drag.get_untracked() else {
        return;
    };
    if d.pointer != ev.pointer_id() {
        return;
    }
    if d.moved {
        cal.dragged.set_value(web_sys::js_sys::Date::now());
        // Keep the block where it was dropped until the answer.
        cal.overlay.update(|o| {
            o.insert(d.id, (d.start, d.end));
        });
        cal.drag.set(None);
        cal.commit(d.orig, d.start, d.end);
    } else {
        cal.drag.set(None);
    }
}

pub fn event_cancel(cal: Cal, ev: PointerEvent) {
    if cal
        .drag
        .get_untracked()
        .is_some_and(|d| d.pointer == ev.pointer_id())
    {
        cal.drag.set(None);
    }
}

/// Whether a drag just ended: the click that follows is not a click.
pub fn just_dragged(cal: Cal) -> bool {
    web_sys::js_sys::Date::now() - cal.dragged.get_value() < 400.0
}

/// A click on an event after a drag opens nothing.
pub fn event_click(cal: Cal, ev: leptos::ev::MouseEvent) {
    if just_dragged(cal) {
        ev.prevent_default();
    }
}

fn column_minutes(ev: &PointerEvent) -> Option<f64> {
    let el = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())?;
    let r = el.get_bounding_client_rect();
    Some(((ev.client_y() as f64 - r.top()) / r.height() * 1440.0).clamp(0.0, 1439.0))
}

/// Pointer down on an empty slot of a time column.
pub fn slot_down(cal: Cal, day: NaiveDate, ev: PointerEvent) {
    let on_event = target_element(&ev)
        .and_then(|t| t.closest(".cal-event").ok().flatten())
        .is_some();
    if ev.button() != 0 || !ev.is_primary() || on_event || cal.drag.get_untracked().is_some() {
        return;
    }
    let Some(m) = column_minutes(&ev) else {
        return;
    };
    if ev.pointer_type() != "touch" {
        ev.prevent_default();
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    }
    let slot = floor_slot(m);
    cal.select.set(Some(Selecting {
        pointer: ev.pointer_id(),
        day,
        anchor: slot,
        current: slot,
    }));
}

pub fn slot_move(cal: Cal, ev: PointerEvent) {
    let Some(mut s) = cal.select.get_untracked() else {
        return;
    };
    if s.pointer != ev.pointer_id() || ev.pointer_type() == "touch" {
        return;
    }
    if let Some(m) = column_minutes(&ev) {
        let slot = floor_slot(m);
        if slot != s.current {
            s.current = slot;
            cal.select.set(Some(s));
        }
    }
}

/// Pointer up on an empty slot: opens the new interaction form.
pub fn slot_up(cal: Cal, ev: PointerEvent) {
    let Some(s) = cal.select.get_untracked() else {
        return;
    };
    if s.pointer != ev.pointer_id() {
        return;
    }
    cal.select.set(None);
    let (a, b) = s.span();
    let d0 = s.day.and_time(NaiveTime::MIN);
    let fmt = |m: i64| crate::interactions::format_local(d0 + Duration::minutes(m));
    cal.go.run(format!(
        "/interactions/new?kind=meeting&start={}&end={}",
        fmt(a),
        fmt(b)
    ));
}

pub fn slot_cancel(cal: Cal, _ev: PointerEvent) {
    cal.select.set(None);
}

/// The form of a new all-day interaction on `day`.
pub fn new_all_day(cal: Cal, day: NaiveDate) {
    let t = day.and_time(NaiveTime::MIN);
    let t = crate::interactions::format_local(t);
    cal.go.run(format!(
        "/interactions/new?kind=meeting&start={t}&end={t}&all_day=true"
    ));
}

/// The form of a new meeting on `day` from 09:00 to 10:00 (month view).
pub fn new_on_day(cal: Cal, day: NaiveDate) {
    let f = |h| crate::interactions::format_local(day.and_hms_opt(h, 0, 0).unwrap_or_default());
    cal.go.run(format!(
        "/interactions/new?kind=meeting&start={}&end={}",
        f(9),
        f(10)
    ));
}

/// Whether a click landed on an event (not on the empty cell around it),
/// or ends a drag.
pub fn on_event(cal: Cal, ev: &leptos::ev::MouseEvent) -> bool {
    just_dragged(cal)
        || ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| {
                el.closest(".cal-event, .cal-more, .cal-daynum")
                    .ok()
                    .flatten()
            })
            .is_some()
}
