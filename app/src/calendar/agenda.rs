//! The agenda: the range's interactions as a list grouped by day.

use super::page::{Cal, long_date};
use super::week::event_label;
use super::{CalEvent, CalendarData, hhmm};
use crate::i18n::*;
use crate::interactions::{kind_label, status_label};
use crate::tx;
use crate::ui::erase::Erase;
use chrono::{Duration, NaiveDate, NaiveTime};
use leptos::prelude::*;

fn on_day(e: &CalEvent, d: NaiveDate) -> bool {
    let d0 = d.and_time(NaiveTime::MIN);
    let d1 = d0 + Duration::days(1);
    e.start < d1 && (e.end > d0 || e.start >= d0)
}

#[component]
pub fn AgendaView(data: CalendarData) -> impl IntoView {
    let i18n = use_i18n();
    let cal = expect_context::<Cal>();
    let today = data.now.date();
    let n = (data.to - data.from).num_days().max(1);
    let events = StoredValue::new(data.events);
    let from = data.from;
    let groups = move || {
        let evs = events.with_value(|e| cal.shown(e));
        (0..n)
            .map(|i| from + Duration::days(i))
            .filter_map(|d| {
                let list: Vec<CalEvent> = evs.iter().filter(|e| on_day(e, d)).cloned().collect();
                (!list.is_empty()).then_some((d, list))
            })
            .collect::<Vec<_>>()
    };
    view! {
        <div class="cal-agenda">
            {move || {
                let groups = groups();
                if groups.is_empty() {
                    return view! { <p class="muted cal-empty">{tx!(i18n, calendar.no_events)}</p> }.erase();
                }
                groups
                    .into_iter()
                    .map(|(d, list)| {
                        view! {
                            <section class="cal-agenda-day" class:today=d == today>
                                <h2>{long_date(i18n, d)}</h2>
                                <ul>
                                    {list
                                        .into_iter()
                                        .map(|e| {
                                            let time = if e.all_day {
                                                t_string!(i18n, calendar.all_day).to_string()
                                            } else if e.end > e.start {
                                                format!("{} – {}", hhmm(e.start), hhmm(e.end))
                                            } else {
                                                hhmm(e.start)
                                            };
                                            let label = event_label(i18n, &e);
                                            let class = format!("cal-agenda-item kind-{} cal-u{}", e.kind, e.calendar.rem_euclid(8));
                                            let what = if e.busy {
                                                view! { <span class="cal-event-title">{t_string!(i18n, interaction.busy).to_string()}</span> }.erase()
                                            } else {
                                                view! {
                                                    <a class="cal-event-title" href=format!("/interactions/{}", e.id) title=label>
                                                        {e.subject.clone()}
                                                        <span class="visually-hidden">{super::week::event_context(i18n, &e)}</span>
                                                    </a>
                                                }
                                                    .erase()
                                            };
                                            let kind = if e.busy { String::new() } else { kind_label(i18n, &e.kind) };
                                            let status = if e.busy { String::new() } else { status_label(i18n, &e.status) };
                                            view! {
                                                <li class=class>
                                                    <span class="cal-agenda-time">{time}</span>
                                                    <span class="cal-dot" aria-hidden="true"></span>
                                                    <span class="cal-agenda-what">
                                                        {what}
                                                        <span class="muted">{kind}" "{status}</span>
                                                    </span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
                    .collect_view()
                    .erase()
            }}
        </div>
    }
    .erase()
}
