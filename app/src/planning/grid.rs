//! The Planning grid: a sticky user column, then one cell per user-day
//! (week and two weeks: the day's blocks as chips under its load figure)
//! or one track per user over the day's 24 hours (blocks placed by time,
//! overlapping ones in lanes); and the "to plan" list beside it.

use super::drag;
use super::page::Plan;
use super::{Level, PlanBlock, PlanningData, Span, hours, level, on_day};
use crate::calendar::{hhmm, side_by_side, weekday_name};
use crate::i18n::*;
use crate::interactions::kind_label;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::I18n;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use leptos::html::Div;
use leptos::prelude::*;
use std::collections::HashMap;

/// The shortest block drawn in the hour view, in minutes.
const MIN_BLOCK: i64 = 30;

pub fn kind_label_of(i18n: I18n, kind: &str) -> String {
    kind_label(i18n, kind)
}

fn time_text(i18n: I18n, b: &PlanBlock) -> String {
    if b.all_day {
        t_string!(i18n, calendar.all_day).to_string()
    } else if b.end > b.start {
        format!("{}–{}", hhmm(b.start), hhmm(b.end))
    } else {
        hhmm(b.start)
    }
}

/// "Meeting: Revue Dupont, Wed 25 09:00–10:00" (or "Busy, …").
fn label(i18n: I18n, b: &PlanBlock) -> String {
    let when = format!(
        "{} {} {}",
        weekday_name(i18n, b.start.weekday()),
        b.start.day(),
        time_text(i18n, b)
    );
    if b.busy {
        format!("{}, {when}", t_string!(i18n, interaction.busy))
    } else {
        format!("{}: {}, {when}", kind_label(i18n, &b.kind), b.subject)
    }
}

/// A block as a link with the drag handlers (a plain box when busy).
fn block_view(plan: Plan, i18n: I18n, b: PlanBlock, class: &str, style: String) -> AnyView {
    let label = label(i18n, &b);
    let mut class = format!("{class} plan-block kind-{}", b.kind);
    if b.busy {
        class.push_str(" busy");
    }
    if b.editable {
        class.push_str(" editable");
    }
    if b.status == "cancelled" || b.status == "done" || b.status == "postponed" {
        class.push_str(" faded");
    }
    let time = time_text(i18n, &b);
    if b.busy {
        return view! {
            <div class=class style=style role="img" aria-label=label.clone() title=label>
                <span class="plan-time">{time}</span>
                <span class="plan-subject">{t_string!(i18n, interaction.busy).to_string()}</span>
            </div>
        }
        .erase();
    }
    let id = b.id;
    let dragging = move || {
        plan.drag
            .with(|d| d.as_ref().is_some_and(|d| d.moved && d.block.id == id))
    };
    let subject = b.subject.clone();
    // The spoken name starts with the text one sees (WCAG 2.5.3).
    let context = format!(
        ", {}, {} {}",
        kind_label(i18n, &b.kind),
        weekday_name(i18n, b.start.weekday()),
        b.start.day()
    );
    view! {
        <a
            href=format!("/interactions/{id}")
            class=move || if dragging() { format!("{class} dragging") } else { class.clone() }
            style=style
            title=label
            draggable="false"
            data-id=id.to_string()
            on:pointerdown=move |ev| drag::down(plan, &b, ev)
            on:click=move |ev| drag::click(plan, ev)
        >
            <span class="plan-time">{time}</span>
            " "
            <span class="plan-subject">{subject}</span>
            <span class="visually-hidden">{context}</span>
        </a>
    }
    .erase()
}

/// "2.5 / 5 h", amber from 80 % of the capacity, red over it.
fn load_view(i18n: I18n, minutes: Signal<i32>, cap: i32) -> AnyView {
    let lvl = move || match level(minutes.get(), cap) {
        Level::Ok => "ok",
        Level::Near => "near",
        Level::Over => "over",
    };
    let title = move || {
        let planned = hours(minutes.get());
        let capacity = hours(cap);
        let status = match level(minutes.get(), cap) {
            Level::Ok => String::new(),
            Level::Near => format!(" — {}", t_string!(i18n, planning.near)),
            Level::Over => format!(" — {}", t_string!(i18n, planning.over)),
        };
        format!(
            "{}{status}",
            t_string!(i18n, planning.load_title, planned, capacity)
        )
    };
    view! {
        <span
            class=move || format!("plan-load {}", lvl())
            data-level=lvl
            data-minutes=move || minutes.get().to_string()
            title=title
        >
            {move || {
                let planned = hours(minutes.get());
                let capacity = hours(cap);
                t_string!(i18n, planning.load, planned, capacity).to_string()
            }}
        </span>
    }
    .erase()
}

#[component]
pub fn Grid(data: PlanningData, span: Span, kinds: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let plan = expect_context::<Plan>();
    let n = (data.to - data.from).num_days().max(1);
    let days: Vec<NaiveDate> = (0..n).map(|i| data.from + Duration::days(i)).collect();
    let today = data.today;
    let users = data.users.clone();
    let names: HashMap<i64, String> = users.iter().map(|u| (u.id, u.name.clone())).collect();
    let total = data.total_users;
    let data = StoredValue::new(data);
    let loads = Memo::new(move |_| data.with_value(|d| plan.loads(d)));
    let range = days.clone();
    let by_cell = Memo::new(move |_| {
        let mut m: HashMap<(i64, NaiveDate), Vec<PlanBlock>> = HashMap::new();
        for b in data.with_value(|d| plan.shown(d)) {
            if !kinds.is_empty() && !kinds.contains(&b.kind) {
                continue;
            }
            let Some(owner) = b.owner else { continue };
            for day in range.iter().filter(|d| on_day(&b, **d)) {
                m.entry((owner, *day)).or_default().push(b.clone());
            }
        }
        m
    });
    let cell_blocks = move |user: i64, day: NaiveDate| {
        by_cell.with(|m| m.get(&(user, day)).cloned().unwrap_or_default())
    };
    let load_of = move |user: i64, d: usize| {
        Signal::derive(move || {
            loads.with(|l| {
                l.iter()
                    .find(|l| l.user == user)
                    .and_then(|l| l.minutes.get(d).copied())
                    .unwrap_or(0)
            })
        })
    };
    let is_target = move |user: i64, day: NaiveDate| {
        plan.drag.with(|d| {
            d.as_ref()
                .and_then(|d| d.target)
                .is_some_and(|t| t.user == user && t.day == day)
        })
    };
    let hour_view = span == Span::Day;
    let scroller = NodeRef::<Div>::new();
    if hour_view {
        // 07:00 at the left edge.
        Effect::new(move || {
            if let Some(el) = scroller.get() {
                let track = el.scroll_width() as f64;
                el.set_scroll_left((track * 7.0 / 26.0) as i32);
            }
        });
    }

    let head = if hour_view {
        let hours_head = (0..24)
            .map(|h| view! { <span class="plan-hour">{format!("{h:02}")}</span> })
            .collect_view();
        view! { <div class="plan-dayhead plan-hours-head">{hours_head}</div> }.erase()
    } else {
        days.iter()
            .map(|d| {
                let d = *d;
                let class = if d == today {
                    "plan-dayhead today"
                } else {
                    "plan-dayhead"
                };
                view! {
                    <div class=class data-head=d.to_string()>
                        <span>{move || weekday_name(i18n, d.weekday())}</span>
                        " "
                        <strong>{d.day()}</strong>
                    </div>
                }
            })
            .collect_view()
            .erase()
    };

    let rows = users
        .into_iter()
        .map(|u| {
            let uid = u.id;
            let cap = u.capacity;
            let name = u.name.clone();
            let cells = if hour_view {
                let day = days[0];
                let track = move || {
                    let blocks = cell_blocks(uid, day);
                    let d0 = day.and_time(NaiveTime::MIN);
                    let segs: Vec<(usize, i64, i64)> = blocks
                        .iter()
                        .enumerate()
                        .map(|(i, b)| {
                            let s = (b.start.max(d0) - d0).num_minutes().clamp(0, 1440);
                            let e = (b.end - d0).num_minutes().clamp(0, 1440);
                            (i, s, if b.all_day { 1440 } else { e })
                        })
                        .collect();
                    side_by_side(segs.clone(), MIN_BLOCK)
                        .into_iter()
                        .map(|(i, lane, lanes)| {
                            let (_, s, e) = segs[i];
                            let len = (e - s).max(MIN_BLOCK);
                            let style = format!(
                                "left:{:.4}%;width:{:.4}%;top:{:.3}%;height:{:.3}%",
                                s as f64 / 14.4,
                                len as f64 / 14.4,
                                lane as f64 * 100.0 / lanes as f64,
                                100.0 / lanes as f64
                            );
                            block_view(plan, i18n, blocks[i].clone(), "plan-bar", style)
                        })
                        .collect_view()
                };
                view! {
                    <div
                        class=move || if is_target(uid, day) { "plan-track drop" } else { "plan-track" }
                        data-user=uid.to_string()
                        data-day=day.to_string()
                        data-hours="1"
                    >
                        {track}
                    </div>
                }
                .erase()
            } else {
                days.iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let day = *d;
                        let class = if day == today { "plan-cell today" } else { "plan-cell" };
                        view! {
                            <div
                                class=move || if is_target(uid, day) { format!("{class} drop") } else { class.to_string() }
                                data-user=uid.to_string()
                                data-day=day.to_string()
                            >
                                {load_view(i18n, load_of(uid, i), cap)}
                                <div class="plan-chips">
                                    {move || {
                                        cell_blocks(uid, day)
                                            .into_iter()
                                            .map(|b| block_view(plan, i18n, b, "plan-chip", String::new()))
                                            .collect_view()
                                    }}
                                </div>
                            </div>
                        }
                    })
                    .collect_view()
                    .erase()
            };
            view! {
                <div class="plan-user" data-user-row=uid.to_string()>
                    <span class="plan-user-name" title=name.clone()>{name.clone()}</span>
                    {hour_view.then(|| load_view(i18n, load_of(uid, 0), cap))}
                </div>
                {cells}
            }
        })
        .collect_view();

    let unplanned = move || {
        let overlay = plan.overlay.get();
        let list: Vec<PlanBlock> = data.with_value(|d| {
            d.unplanned
                .iter()
                .filter(|b| !overlay.contains_key(&b.id))
                .cloned()
                .collect()
        });
        if list.is_empty() {
            return view! { <p class="muted">{tx!(i18n, planning.unplanned_none)}</p> }.erase();
        }
        let items = list
            .into_iter()
            .map(|b| {
                let who = match b.owner.and_then(|o| names.get(&o).cloned()) {
                    Some(n) => n,
                    None => t_string!(i18n, planning.unassigned).to_string(),
                };
                let due = format!("{} {}", b.start.date(), who);
                view! {
                    <li>
                        {block_view(plan, i18n, b, "plan-chip plan-todo", String::new())}
                        <span class="plan-due muted">{due}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="plan-todo-list">{items}</ul> }.erase()
    };
    let ghost = move || {
        plan.drag.get().filter(|d| d.moved).map(|d| {
            let text = if d.block.busy {
                String::new()
            } else {
                d.block.subject.clone()
            };
            view! {
                <div
                    class=format!("plan-ghost plan-block kind-{}", d.block.kind)
                    style=format!("left:{}px;top:{}px", d.x + 12, d.y + 12)
                    aria-hidden="true"
                >
                    {text}
                </div>
            }
        })
    };
    let cols = if hour_view { 1 } else { n };
    view! {
        {(total > data.with_value(|d| d.users.len())).then(|| {
            let shown = data.with_value(|d| d.users.len());
            view! { <p class="muted plan-note">{t_string!(i18n, planning.users_capped, shown, total).to_string()}</p> }
        })}
        <div class="plan-layout">
            <div class="plan-scroller" node_ref=scroller>
                <div class=if hour_view { "plan-table hours" } else { "plan-table" } style=format!("--cols:{cols}")>
                    <div class="plan-corner">{tx!(i18n, planning.users)}</div>
                    {head}
                    {rows}
                </div>
            </div>
            <aside class="plan-side" aria-labelledby="plan-todo-title">
                <h2 id="plan-todo-title">{tx!(i18n, planning.unplanned)}</h2>
                <p class="muted plan-side-help">{tx!(i18n, planning.unplanned_help)}</p>
                {unplanned}
            </aside>
        </div>
        {ghost}
    }
    .erase()
}
