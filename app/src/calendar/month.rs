//! The month view: weeks of day cells, a few events each and "+n more"
//! (which opens the day). Events can be dragged to another day.

use super::drag;
use super::page::{Cal, weekday_name};
use super::week::{event_class, event_shell};
use super::{CalEvent, CalendarData, View, hhmm};
use crate::i18n::*;
use crate::ui::erase::Erase;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use leptos::prelude::*;

/// Events listed in a cell before "+n more".
const PER_CELL: usize = 3;

fn touches(e: &CalEvent, d: NaiveDate) -> bool {
    let d0 = d.and_time(NaiveTime::MIN);
    let d1 = d0 + Duration::days(1);
    e.start < d1 && (e.end > d0 || e.start >= d0)
}

#[component]
pub fn MonthView(data: CalendarData, date: NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let cal = expect_context::<Cal>();
    let n = (data.to - data.from).num_days().max(7);
    let today = data.now.date();
    let events = StoredValue::new(data.events);
    let shown = Memo::new(move |_| events.with_value(|e| cal.shown(e)));
    let dragged = Memo::new(move |_| cal.drag.get().filter(|d| d.moved).map(|d| d.id));
    let users = data.users.clone();
    let heads = (0..7)
        .map(|i| {
            let d = data.from + Duration::days(i);
            view! { <div class="cal-month-head">{move || weekday_name(i18n, d.weekday())}</div> }
        })
        .collect_view();
    let cells = (0..n)
        .map(|i| {
            let d = data.from + Duration::days(i);
            let users = users.clone();
            let list = Memo::new(move |_| {
                shown.with(|evs| {
                    evs.iter()
                        .filter(|e| touches(e, d))
                        .cloned()
                        .collect::<Vec<_>>()
                })
            });
            let day_href = {
                let ids: Vec<String> = users.iter().map(|u| u.to_string()).collect();
                format!(
                    "/calendar?view={}&date={d}&users={}",
                    View::Day.as_str(),
                    ids.join(",")
                )
            };
            let more_href = day_href.clone();
            view! {
                <div
                    class="cal-month-cell"
                    class:other-month=d.month() != date.month()
                    class:today=d == today
                    data-day=d.to_string()
                    on:click=move |ev| {
                        if !drag::on_event(cal, &ev) {
                            drag::new_on_day(cal, d)
                        }
                    }
                >
                    <a class="cal-daynum" href=day_href>{d.day()}</a>
                    {move || {
                        let all = list.get();
                        let extra = all.len().saturating_sub(PER_CELL);
                        let more_href = more_href.clone();
                        // A phone's narrow day shows coloured dots instead
                        // of the chips (style/main.css): a picture, not
                        // links too small to tap; the day's number opens
                        // the day.
                        let dots = all
                            .iter()
                            .take(PER_CELL)
                            .map(|e| view! { <i class=format!("cal-dot kind-{}", e.kind)></i> })
                            .collect_view();
                        let chips = all
                            .into_iter()
                            .take(PER_CELL)
                            .map(|e| {
                                let dragging = dragged.get_untracked() == Some(e.id);
                                let time = if e.all_day { String::new() } else { hhmm(e.start) };
                                let title = if e.busy {
                                    t_string!(i18n, interaction.busy).to_string()
                                } else {
                                    e.subject.clone()
                                };
                                let class = event_class("cal-chip", &e, dragging);
                                event_shell(
                                    cal,
                                    i18n,
                                    e,
                                    class,
                                    String::new(),
                                    view! {
                                        <span class="cal-event-time">{time}</span>
                                        " "
                                        <span class="cal-event-title">{title}</span>
                                    }
                                        .erase(),
                                )
                            })
                            .collect_view();
                        view! {
                            {chips}
                            <span class="cal-dots" aria-hidden="true">{dots}</span>
                            {(extra > 0).then(|| {
                                // "+3 more", or on a phone's narrow day "+3"
                                // (the link keeps the whole name)
                                let full = t_string!(i18n, calendar.more, count = extra).to_string();
                                let label = full.clone();
                                view! {
                                    <a class="cal-more" href=more_href aria-label=label>
                                        <span class="cal-more-full" aria-hidden="true">{full}</span>
                                        <span class="cal-more-short" aria-hidden="true">{format!("+{extra}")}</span>
                                    </a>
                                }
                            })}
                        }
                    }}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="cal-month">
            <div class="cal-month-grid">{heads}{cells}</div>
        </div>
    }
    .erase()
}
