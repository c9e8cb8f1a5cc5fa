//! The day and week views: a 24-hour time grid with an all-day row, events
//! placed by minutes from local midnight, overlapping ones side by side,
//! and the current-time line in today's column.

use super::drag::{self, Selecting};
use super::page::{Cal, weekday_name};
use super::{CalEvent, CalendarData, day_segment, hhmm, side_by_side};
use crate::i18n::*;
use crate::interactions::kind_label;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::I18n;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use leptos::html::Div;
use leptos::prelude::*;

/// An event's block in one day column.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub ev: CalEvent,
    /// Minutes from midnight.
    pub top: i64,
    pub bottom: i64,
    pub col: usize,
    pub cols: usize,
    pub dragging: bool,
}

/// The shortest block drawn, in minutes (a task is a moment).
const MIN_BLOCK: i64 = 20;

fn layout_day(events: &[CalEvent], day: NaiveDate, dragged: Option<i64>) -> Vec<Block> {
    let segs: Vec<(usize, i64, i64)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.all_day)
        .filter_map(|(i, e)| day_segment(e, day).map(|(s, t)| (i, s, t)))
        .collect();
    let bounds: Vec<(i64, i64)> = segs.iter().map(|&(_, s, t)| (s, t)).collect();
    let places = side_by_side(segs.clone(), MIN_BLOCK);
    places
        .into_iter()
        .map(|(i, col, cols)| {
            let k = segs.iter().position(|s| s.0 == i).unwrap_or(0);
            let (top, bottom) = bounds[k];
            Block {
                ev: events[i].clone(),
                top,
                bottom,
                col,
                cols,
                dragging: dragged == Some(events[i].id),
            }
        })
        .collect()
}

/// "Call: Relance Dupont, Wed 25 09:00 – 09:45" (or "Busy, …").
pub fn event_label(i18n: I18n, e: &CalEvent) -> String {
    let when = if e.all_day {
        format!(
            "{} {}",
            weekday_name(i18n, e.start.weekday()),
            e.start.day()
        )
    } else if e.end > e.start {
        format!(
            "{} {} {} – {}",
            weekday_name(i18n, e.start.weekday()),
            e.start.day(),
            hhmm(e.start),
            hhmm(e.end)
        )
    } else {
        format!(
            "{} {} {}",
            weekday_name(i18n, e.start.weekday()),
            e.start.day(),
            hhmm(e.start)
        )
    };
    if e.busy {
        format!("{}, {when}", t_string!(i18n, interaction.busy))
    } else {
        format!("{}: {}, {when}", kind_label(i18n, &e.kind), e.subject)
    }
}

/// What a link to an event says after its visible time and subject, for
/// screen readers: ", Call, Wed 25" (the spoken name starts with the text
/// one sees, WCAG 2.5.3).
pub fn event_context(i18n: I18n, e: &CalEvent) -> String {
    format!(
        ", {}, {} {}",
        kind_label(i18n, &e.kind),
        weekday_name(i18n, e.start.weekday()),
        e.start.day()
    )
}

/// The classes every event shape shares: kind, calendar tint, states.
pub fn event_class(base: &str, e: &CalEvent, dragging: bool) -> String {
    let mut c = format!(
        "{base} cal-event kind-{} cal-u{}",
        e.kind,
        e.calendar.rem_euclid(8)
    );
    if e.busy {
        c.push_str(" busy");
    }
    if e.editable {
        c.push_str(" editable");
    }
    if dragging {
        c.push_str(" dragging");
    }
    if e.status == "cancelled" || e.status == "done" {
        c.push_str(" faded");
    }
    c
}

/// An event as a link (or a plain box when busy) with the drag handlers.
pub fn event_shell(
    cal: Cal,
    i18n: I18n,
    e: CalEvent,
    class: String,
    style: String,
    children: AnyView,
) -> AnyView {
    let label = event_label(i18n, &e);
    if e.busy {
        return view! {
            <div class=class style=style role="img" aria-label=label.clone() title=label>
                {children}
            </div>
        }
        .erase();
    }
    let (down, down_e) = (cal, e.clone());
    let context = event_context(i18n, &e);
    view! {
        <a
            href=format!("/interactions/{}", e.id)
            class=class
            style=style
            title=label
            draggable="false"
            data-id=e.id.to_string()
            on:pointerdown=move |ev| drag::event_down(down, &down_e, ev)
            on:click=move |ev| drag::event_click(cal, ev)
        >
            {children}
            <span class="visually-hidden">{context}</span>
        </a>
    }
    .erase()
}

fn block_view(cal: Cal, i18n: I18n, b: Block) -> AnyView {
    let e = b.ev.clone();
    let height = (b.bottom - b.top).max(MIN_BLOCK);
    let style = format!(
        "top:{:.4}%;height:{:.4}%;left:{:.3}%;width:{:.3}%",
        b.top as f64 / 14.4,
        height as f64 / 14.4,
        b.col as f64 * 100.0 / b.cols as f64,
        100.0 / b.cols as f64
    );
    let time = if e.end > e.start {
        format!("{} – {}", hhmm(e.start), hhmm(e.end))
    } else {
        hhmm(e.start)
    };
    let title = if e.busy {
        t_string!(i18n, interaction.busy).to_string()
    } else {
        e.subject.clone()
    };
    let resizable = e.editable && e.kind != "task";
    let short = height < 40;
    let class = event_class("cal-block", &e, b.dragging) + if short { " short" } else { "" };
    let children = view! {
        <span class="cal-event-time">{time}</span>
        " "
        <span class="cal-event-title">{title}</span>
        {resizable.then(|| view! { <span class="cal-resize" aria-hidden="true"></span> })}
    }
    .erase();
    event_shell(cal, i18n, e, class, style, children)
}

#[component]
pub fn TimeGrid(data: CalendarData) -> impl IntoView {
    let i18n = use_i18n();
    let cal = expect_context::<Cal>();
    let n = (data.to - data.from).num_days().max(1);
    let days: Vec<NaiveDate> = (0..n).map(|i| data.from + Duration::days(i)).collect();
    let server_now = data.now;
    let now = Memo::new(move |_| cal.now.get().unwrap_or(server_now));
    let events = StoredValue::new(data.events);
    let shown = Memo::new(move |_| events.with_value(|e| cal.shown(e)));
    let dragged = Memo::new(move |_| cal.drag.get().filter(|d| d.moved).map(|d| d.id));
    let scroller = NodeRef::<Div>::new();

    Effect::new(move || {
        if let Some(el) = scroller.get() {
            let top = cal.scroll.get_value().unwrap_or_else(|| {
                // 07:00 at the top: the grid's 24 hours are its last child.
                let hour = el
                    .last_element_child()
                    .map(|c| c.client_height() as f64 / 24.0)
                    .unwrap_or(48.0);
                (hour * 7.0) as i32
            });
            el.set_scroll_top(top);
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            cal.scroll.set_value(Some(el.scroll_top()));
        }
    };

    let head = days
        .iter()
        .map(|&d| {
            view! {
                <div class="cal-dayhead" class:today=move || now.get().date() == d>
                    <span>{move || weekday_name(i18n, d.weekday())}</span>
                    " "
                    <strong>{d.day()}</strong>
                </div>
            }
        })
        .collect_view();
    let all_day = days
        .iter()
        .map(|&d| {
            let chips = Memo::new(move |_| {
                shown.with(|evs| {
                    evs.iter()
                        .filter(|e| e.all_day && e.start.date() <= d && (e.end.date() > d || e.start.date() == d))
                        .cloned()
                        .collect::<Vec<_>>()
                })
            });
            view! {
                <div
                    class="cal-allday-cell"
                    data-day=d.to_string()
                    on:click=move |ev| {
                        if !drag::on_event(cal, &ev) {
                            drag::new_all_day(cal, d)
                        }
                    }
                >
                    <For each=move || chips.get() key=|e| (e.id, e.start, e.end) let:e>
                        {
                            let dragging = dragged.get_untracked() == Some(e.id);
                            let title = if e.busy { t_string!(i18n, interaction.busy).to_string() } else { e.subject.clone() };
                            event_shell(cal, i18n, e.clone(), event_class("cal-chip", &e, dragging), String::new(), view! { <span class="cal-event-title">{title}</span> }.erase())
                        }
                    </For>
                </div>
            }
        })
        .collect_view();
    let hours = (0..24)
        .map(|h| view! { <div class="cal-hour"><span>{format!("{h:02}:00")}</span></div> })
        .collect_view();
    let columns = days
        .iter()
        .map(|&d| {
            let blocks = Memo::new(move |_| {
                let dragged = dragged.get();
                shown.with(|evs| layout_day(evs, d, dragged))
            });
            let now_line = move || {
                let t = now.get();
                (t.date() == d).then(|| {
                    let m = (t.time() - NaiveTime::MIN).num_minutes();
                    view! { <div class="cal-now" style=format!("top:{:.4}%", m as f64 / 14.4) aria-hidden="true"></div> }
                })
            };
            let selection = move || {
                cal.select.get().filter(|s: &Selecting| s.day == d).map(|s| {
                    let (a, b) = s.span();
                    let d0 = d.and_time(NaiveTime::MIN);
                    let label = format!("{} – {}", hhmm(d0 + Duration::minutes(a)), hhmm(d0 + Duration::minutes(b)));
                    view! {
                        <div class="cal-selection" style=format!("top:{:.4}%;height:{:.4}%", a as f64 / 14.4, (b - a) as f64 / 14.4)>
                            {label}
                        </div>
                    }
                })
            };
            view! {
                <div
                    class="cal-col"
                    class:today=move || now.get().date() == d
                    data-day=d.to_string()
                    data-grid="time"
                    on:pointerdown=move |ev| drag::slot_down(cal, d, ev)
                    on:pointermove=move |ev| drag::slot_move(cal, ev)
                    on:pointerup=move |ev| drag::slot_up(cal, ev)
                    on:pointercancel=move |ev| drag::slot_cancel(cal, ev)
                >
                    <For
                        each=move || blocks.get()
                        key=|b| (b.ev.id, b.top, b.bottom, b.col, b.cols, b.dragging, b.ev.start)
                        let:b
                    >
                        {block_view(cal, i18n, b)}
                    </For>
                    {now_line}
                    {selection}
                </div>
            }
        })
        .collect_view();

    view! {
        <div
            class="cal-grid"
            style=format!("--days:{n}")
            node_ref=scroller
            on:scroll=on_scroll
            // It scrolls: reachable by the keyboard (arrows, Page Up/Down)
            // even on days with nothing to focus in it.
            tabindex="0"
            role="region"
            aria-label=move || t_string!(i18n, calendar.grid).to_string()
        >
            <div class="cal-row cal-head">
                <div class="cal-gutter"></div>
                {head}
            </div>
            <div class="cal-row cal-allday">
                <div class="cal-gutter cal-allday-label">{tx!(i18n, calendar.all_day)}</div>
                {all_day}
            </div>
            <div class="cal-row cal-times">
                <div class="cal-gutter cal-hours">{hours}</div>
                {columns}
            </div>
        </div>
    }
    .erase()
}
