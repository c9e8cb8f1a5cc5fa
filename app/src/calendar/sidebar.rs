//! The calendars I may show (each toggled on and off, each in its tint)
//! and the legend of kinds.

use super::CalendarOwner;
use crate::error::AppResult;
use crate::i18n::*;
use crate::interactions::kind_label;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::resource::Data;
use leptos::prelude::*;

#[component]
pub fn Sidebar(
    calendars: Data<AppResult<Vec<CalendarOwner>>>,
    users: Memo<Vec<i64>>,
    toggle: Callback<Vec<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let legend = ["meeting", "call", "task", "email"]
        .into_iter()
        .map(|k| {
            view! {
                <li class=format!("kind-{k}")>
                    <span class="cal-swatch" aria-hidden="true"></span>
                    {move || kind_label(i18n, k)}
                </li>
            }
        })
        .collect_view();
    view! {
        <aside class="cal-sidebar">
            <section class="cal-calendars">
                <h2>{tx!(i18n, calendar.calendars)}</h2>
                <Suspense fallback=|| ()>
                    {move || {
                        calendars.get().and_then(|r| r.ok()).map(|list| {
                            let me = list.iter().find(|c| c.is_me).map(|c| c.id).unwrap_or_default();
                            let alone = list.len() == 1;
                            let shown = move || {
                                let u = users.get();
                                if u.is_empty() { vec![me] } else { u }
                            };
                            let rows = list
                                .into_iter()
                                .map(|c| {
                                    let id = c.id;
                                    let name = if c.is_me {
                                        t_string!(i18n, calendar.my_calendar).to_string()
                                    } else {
                                        c.name.clone()
                                    };
                                    let checked = move || shown().contains(&id);
                                    let on_change = move |_| {
                                        let mut ids = shown();
                                        if ids.contains(&id) {
                                            ids.retain(|u| *u != id);
                                        } else {
                                            ids.push(id);
                                        }
                                        if ids.is_empty() {
                                            ids.push(me);
                                        }
                                        toggle.run(ids);
                                    };
                                    view! {
                                        <li>
                                            <label class=format!("cal-toggle cal-u{}", id.rem_euclid(8))>
                                                <input type="checkbox" prop:checked=checked on:change=on_change data-user=id.to_string() />
                                                <span class="cal-swatch" aria-hidden="true"></span>
                                                <span>{name}</span>
                                            </label>
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! {
                                <ul>{rows}</ul>
                                {alone.then(|| view! { <p class="muted cal-note">{tx!(i18n, calendar.no_shared)}</p> })}
                            }
                        })
                    }}
                </Suspense>
            </section>
            <section class="cal-legend">
                <h2>{tx!(i18n, calendar.legend)}</h2>
                <ul>
                    {legend}
                    <li class="busy">
                        <span class="cal-swatch" aria-hidden="true"></span>
                        {tx!(i18n, interaction.busy)}
                    </li>
                </ul>
            </section>
        </aside>
    }
    .erase()
}
