//! The calendar page: URL state (`/calendar?view=week&date=2026-11-24&users=3,7`),
//! toolbar (today, previous, next, views), keyboard shortcuts, the one
//! resource of the visible range, and the optimistic moves.

use super::{
    CalEvent, CalendarData, View, agenda::AgendaView, calendar_events, calendar_now,
    drag::DragState, month::MonthView, move_interaction, parse_users, sidebar::Sidebar,
    visible_calendars, week::TimeGrid, week_start,
};
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::interactions::Scope;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::{I18n, error_text, redirect_if_logged_out};
use crate::ui::resource::resource;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the page shows: the view, its date and the range's interactions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loaded {
    pub view: View,
    pub date: NaiveDate,
    pub data: CalendarData,
}

async fn load(
    view: View,
    date: Option<NaiveDate>,
    users: Vec<i64>,
    week_start: Weekday,
) -> AppResult<Loaded> {
    let date = match date {
        Some(d) => d,
        None => calendar_now().await?.date(),
    };
    let (from, to) = view.range(date, week_start);
    let data = calendar_events(from, to, users).await?;
    Ok(Loaded { view, date, data })
}

/// A move waiting for the answer to "this one or the whole series?".
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMove {
    pub ev: CalEvent,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

/// What the views share: optimistic moves, the drag in progress, the time
/// now, and the way to navigate.
#[derive(Clone, Copy)]
pub struct Cal {
    /// Moves shown before the server answered: id → (start, end).
    pub overlay: RwSignal<HashMap<i64, (NaiveDateTime, NaiveDateTime)>>,
    pub drag: RwSignal<Option<DragState>>,
    /// The viewer's wall-clock time now.
    pub now: RwSignal<Option<NaiveDateTime>>,
    pub error: RwSignal<Option<AppError>>,
    /// Empty slots being selected for a new interaction.
    pub select: RwSignal<Option<super::drag::Selecting>>,
    /// When the last drag ended (ms), so the click that follows opens nothing.
    pub dragged: StoredValue<f64>,
    /// The time grid's scroll position, kept across reloads of the range.
    pub scroll: StoredValue<Option<i32>>,
    pub pending: RwSignal<Option<PendingMove>>,
    pub refresh: RwSignal<u32>,
    /// Versions the server returned for moves, newer than the loaded data's
    /// until it is loaded again (a second drag may follow at once).
    pub versions: StoredValue<HashMap<i64, i32>>,
    pub go: Callback<String>,
}

impl Cal {
    /// The events as drawn: the server's, moved by pending changes and by
    /// the drag in progress.
    pub fn shown(&self, events: &[CalEvent]) -> Vec<CalEvent> {
        let overlay = self.overlay.get();
        let drag = self.drag.get();
        events
            .iter()
            .map(|e| {
                let mut e = e.clone();
                if let Some((s, t)) = overlay.get(&e.id) {
                    (e.start, e.end) = (*s, *t);
                }
                if let Some(d) = drag.as_ref().filter(|d| d.id == e.id && d.moved) {
                    (e.start, e.end) = (d.start, d.end);
                }
                e
            })
            .collect()
    }

    /// A drag ended: asks about the series, or moves at once.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn commit(&self, ev: CalEvent, start: NaiveDateTime, end: NaiveDateTime) {
        if start == ev.start && end == ev.end {
            return;
        }
        if ev.series {
            self.pending.set(Some(PendingMove { ev, start, end }));
        } else {
            self.send(ev, start, end, Scope::One);
        }
    }

    /// Shows the move at once, sends it, and undoes it with a message if
    /// the server refuses.
    pub fn send(&self, ev: CalEvent, start: NaiveDateTime, end: NaiveDateTime, scope: Scope) {
        let cal = *self;
        cal.error.set(None);
        cal.overlay.update(|o| {
            o.insert(ev.id, (start, end));
        });
        let version = cal
            .versions
            .with_value(|v| v.get(&ev.id).copied())
            .map_or(ev.version, |v| v.max(ev.version));
        leptos::task::spawn_local(async move {
            match move_interaction(ev.id, version, start, end, scope).await {
                Ok(v) => {
                    cal.versions.update_value(|m| {
                        m.insert(ev.id, v);
                    });
                    cal.refresh.update(|r| *r += 1);
                }
                Err(e) => {
                    redirect_if_logged_out(&e);
                    cal.overlay.update(|o| {
                        o.remove(&ev.id);
                    });
                    cal.error.set(Some(e));
                    // Read what the server has now (a newer version, or gone).
                    cal.refresh.update(|r| *r += 1);
                }
            }
        });
    }
}

fn href(view: View, date: NaiveDate, users: &[i64]) -> String {
    let mut h = format!("/calendar?view={}&date={date}", view.as_str());
    if !users.is_empty() {
        let ids: Vec<String> = users.iter().map(|u| u.to_string()).collect();
        h.push_str(&format!("&users={}", ids.join(",")));
    }
    h
}

pub fn month_name(i18n: I18n, month: u32) -> String {
    match month {
        1 => t_string!(i18n, calendar.month_1),
        2 => t_string!(i18n, calendar.month_2),
        3 => t_string!(i18n, calendar.month_3),
        4 => t_string!(i18n, calendar.month_4),
        5 => t_string!(i18n, calendar.month_5),
        6 => t_string!(i18n, calendar.month_6),
        7 => t_string!(i18n, calendar.month_7),
        8 => t_string!(i18n, calendar.month_8),
        9 => t_string!(i18n, calendar.month_9),
        10 => t_string!(i18n, calendar.month_10),
        11 => t_string!(i18n, calendar.month_11),
        _ => t_string!(i18n, calendar.month_12),
    }
    .to_string()
}

pub fn weekday_name(i18n: I18n, day: Weekday) -> String {
    match day {
        Weekday::Mon => t_string!(i18n, interaction.day_mo),
        Weekday::Tue => t_string!(i18n, interaction.day_tu),
        Weekday::Wed => t_string!(i18n, interaction.day_we),
        Weekday::Thu => t_string!(i18n, interaction.day_th),
        Weekday::Fri => t_string!(i18n, interaction.day_fr),
        Weekday::Sat => t_string!(i18n, interaction.day_sa),
        Weekday::Sun => t_string!(i18n, interaction.day_su),
    }
    .to_string()
}

/// "Wed 25 November 2026".
pub fn long_date(i18n: I18n, d: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        weekday_name(i18n, d.weekday()),
        d.day(),
        month_name(i18n, d.month()),
        d.year()
    )
}

/// The toolbar's title for a view of `date`.
fn title(i18n: I18n, view: View, date: NaiveDate, from: NaiveDate, to: NaiveDate) -> String {
    match view {
        View::Day => long_date(i18n, date),
        View::Month => format!("{} {}", month_name(i18n, date.month()), date.year()),
        View::Week | View::Agenda => {
            let last = to - Duration::days(1);
            if from.month() == last.month() {
                format!(
                    "{} – {} {} {}",
                    from.day(),
                    last.day(),
                    month_name(i18n, last.month()),
                    last.year()
                )
            } else {
                format!(
                    "{} {} – {} {} {}",
                    from.day(),
                    month_name(i18n, from.month()),
                    last.day(),
                    month_name(i18n, last.month()),
                    last.year()
                )
            }
        }
    }
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let view_param =
        Memo::new(move |_| query.with(|q| q.get("view").and_then(|v| View::parse(&v))));
    let date_param = Memo::new(move |_| {
        query.with(|q| {
            q.get("date")
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        })
    });
    let users = Memo::new(move |_| {
        query.with(|q| q.get("users").map(|u| parse_users(&u)).unwrap_or_default())
    });
    let week_start = Memo::new(move |_| week_start());
    let default_view = if crate::layout::drawn_narrow() {
        View::Day
    } else {
        View::Week
    };
    let view = Memo::new(move |_| view_param.get().unwrap_or(default_view));
    let refresh = RwSignal::new(0u32);
    let data = resource(
        move || {
            (
                view.get(),
                date_param.get(),
                users.get(),
                week_start.get(),
                refresh.get(),
            )
        },
        |(v, d, u, w, _)| load(v, d, u, w),
    );
    let calendars = resource(|| (), |_| visible_calendars());
    let navigate = use_navigate();
    let go = Callback::new(move |href: String| navigate(&href, NavigateOptions::default()));
    let cal = Cal {
        overlay: RwSignal::new(HashMap::new()),
        drag: RwSignal::new(None),
        now: RwSignal::new(None),
        error: RwSignal::new(None),
        select: RwSignal::new(None),
        dragged: StoredValue::new(0.0),
        scroll: StoredValue::new(None),
        pending: RwSignal::new(None),
        refresh,
        versions: StoredValue::new(HashMap::new()),
        go,
    };
    provide_context(cal);

    // The shown date: the one in the URL, or today once known.
    let date = Memo::new(move |_| {
        date_param
            .get()
            .or_else(|| data.get().and_then(|r| r.ok()).map(|l| l.date))
    });
    // New data from the server replaces the optimistic moves it includes.
    Effect::new(move || {
        if let Some(Ok(l)) = data.get() {
            cal.overlay.set(HashMap::new());
            cal.now.set(Some(l.data.now));
        }
    });
    let open = move |v: View, d: NaiveDate| cal.go.run(href(v, d, &users.get_untracked()));
    let step = move |forward: bool| {
        if let Some(d) = date.get_untracked() {
            let v = view.get_untracked();
            open(v, v.step(d, forward));
        }
    };
    let today = move || {
        if let Some(now) = cal.now.get_untracked() {
            open(view.get_untracked(), now.date());
        }
    };
    let switch = move |v: View| {
        if let Some(d) = date.get_untracked() {
            open(v, d);
        }
    };

    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        // A phone opens on the day view: drawn so when the server knew the
        // screen, else moved to once running; the address then names the
        // view (no redraw when it was already drawn).
        let phone = crate::layout::phone_width();
        if view_param.get_untracked().is_none() && (phone || crate::layout::drawn_narrow()) {
            let navigate = use_navigate();
            Effect::new(move || {
                let mut h = String::from(if phone {
                    "/calendar?view=day"
                } else {
                    "/calendar?view=week"
                });
                if let Some(d) = date_param.get_untracked() {
                    h.push_str(&format!("&date={d}"));
                }
                let u = users.get_untracked();
                if !u.is_empty() {
                    let ids: Vec<String> = u.iter().map(|u| u.to_string()).collect();
                    h.push_str(&format!("&users={}", ids.join(",")));
                }
                navigate(
                    &h,
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            });
        }
        // The time line moves every minute: the server's "now" plus the
        // time elapsed since it was read.
        let since = StoredValue::new(None::<(f64, NaiveDateTime)>);
        Effect::new(move || {
            if let Some(Ok(l)) = data.get() {
                since.set_value(Some((web_sys::js_sys::Date::now(), l.data.now)));
            }
        });
        let tick = gloo_timers::callback::Interval::new(30_000, move || {
            if let Some((at, then)) = since.get_value() {
                let elapsed = ((web_sys::js_sys::Date::now() - at) / 1000.0) as i64;
                cal.now.set(Some(then + Duration::seconds(elapsed)));
            }
        });
        let tick = StoredValue::new_local(Some(tick));
        on_cleanup(move || {
            if let Some(t) = tick.try_update_value(|t| t.take()).flatten() {
                t.cancel();
            }
        });
        let moves = [
            window_event_listener(leptos::ev::pointermove, move |ev| {
                super::drag::event_move(cal, ev)
            }),
            window_event_listener(leptos::ev::pointerup, move |ev| {
                super::drag::event_up(cal, ev)
            }),
            window_event_listener(leptos::ev::pointercancel, move |ev| {
                super::drag::event_cancel(cal, ev)
            }),
        ];
        on_cleanup(move || moves.into_iter().for_each(|h| h.remove()));
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.ctrl_key()
                || ev.meta_key()
                || ev.alt_key()
                || cal.pending.get_untracked().is_some()
            {
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || el.closest("[contenteditable]").ok().flatten().is_some()
                        || el.closest("[role=dialog]").ok().flatten().is_some()
                })
                .unwrap_or(false);
            if typing {
                return;
            }
            let done = match ev.key().as_str() {
                "ArrowRight" | "n" => {
                    step(true);
                    true
                }
                "ArrowLeft" | "p" => {
                    step(false);
                    true
                }
                "t" => {
                    today();
                    true
                }
                "d" => {
                    switch(View::Day);
                    true
                }
                "w" => {
                    switch(View::Week);
                    true
                }
                "m" => {
                    switch(View::Month);
                    true
                }
                "a" => {
                    switch(View::Agenda);
                    true
                }
                _ => false,
            };
            if done {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    }

    let view_button = move |v: View, label: Box<dyn Fn() -> String + Send + Sync>| {
        view! {
            <button
                type="button"
                class="button"
                aria-pressed=move || (view.get() == v).to_string()
                on:click=move |_| switch(v)
            >
                {move || label()}
            </button>
        }
    };
    let toggle = Callback::new(move |ids: Vec<i64>| {
        if let Some(d) = date.get_untracked() {
            cal.go.run(href(view.get_untracked(), d, &ids));
        }
    });
    let move_failed = move || {
        cal.error
            .get()
            .map(|e| {
                let reason = error_text(i18n, &e);
                view! {
                    <div class="banner banner-error cal-message" role="alert">
                        {t_string!(i18n, calendar.move_failed, reason).to_string()}
                        <button type="button" class="icon-button" aria-label=tx!(i18n, calendar.close) on:click=move |_| cal.error.set(None)>"×"</button>
                    </div>
                }
            })
    };

    view! {
        <div class="page calendar-page" data-view=move || view.get().as_str()>
            <header class="cal-toolbar">
                <h1 class="cal-title">
                    <Transition fallback=move || tx!(i18n, nav.calendar)()>
                        {move || {
                            data.get().and_then(|r| r.ok()).map(|l| title(i18n, l.view, l.date, l.data.from, l.data.to))
                        }}
                    </Transition>
                </h1>
                <div class="cal-nav">
                    <button type="button" class="button" on:click=move |_| today() title=tx!(i18n, calendar.today_key)>
                        {tx!(i18n, calendar.today)}
                    </button>
                    <button type="button" class="button cal-step" aria-label=tx!(i18n, calendar.previous) on:click=move |_| step(false)>"‹"</button>
                    <button type="button" class="button cal-step" aria-label=tx!(i18n, calendar.next) on:click=move |_| step(true)>"›"</button>
                </div>
                <div class="cal-views" role="group" aria-label=tx!(i18n, calendar.views)>
                    {view_button(View::Day, Box::new(tx!(i18n, calendar.day)))}
                    {view_button(View::Week, Box::new(tx!(i18n, calendar.week)))}
                    {view_button(View::Month, Box::new(tx!(i18n, calendar.month)))}
                    {view_button(View::Agenda, Box::new(tx!(i18n, calendar.agenda)))}
                </div>
            </header>
            {move_failed}
            <div class="cal-body">
                <Sidebar calendars=calendars users=users toggle=toggle />
                <div class="cal-main">
                    <Transition fallback=move || view! { <p class="muted">{tx!(i18n, common.loading)}</p> }>
                        {move || {
                            data.get().map(|r| match r {
                                Err(e) => {
                                    redirect_if_logged_out(&e);
                                    view! { <div class="banner banner-error" role="alert">{error_text(i18n, &e)}</div> }.erase()
                                }
                                Ok(l) => {
                                    match l.view {
                                        View::Day | View::Week => view! { <TimeGrid data=l.data /> }.erase(),
                                        View::Month => view! { <MonthView data=l.data date=l.date /> }.erase(),
                                        View::Agenda => view! { <AgendaView data=l.data /> }.erase(),
                                    }
                                }
                            })
                        }}
                    </Transition>
                    <p class="muted cal-help">{tx!(i18n, calendar.keyboard_help)}</p>
                </div>
            </div>
            <ScopeDialog />
        </div>
    }
    .erase()
}

/// "This one or the whole series?" before moving an occurrence.
#[component]
fn ScopeDialog() -> impl IntoView {
    let i18n = use_i18n();
    let cal = expect_context::<Cal>();
    let answer = move |scope: Option<Scope>| {
        if let Some(p) = cal.pending.get_untracked() {
            cal.pending.set(None);
            match scope {
                Some(scope) => cal.send(p.ev, p.start, p.end, scope),
                None => cal.overlay.update(|o| {
                    o.remove(&p.ev.id);
                }),
            }
        }
    };
    move || {
        {
        cal.pending.get().map(|_| {
            view! {
                <div class="cal-dialog-backdrop" on:click=move |_| answer(None)>
                    <div
                        class="cal-dialog card"
                        role="dialog"
                        aria-modal="true"
                        aria-labelledby="cal-scope-title"
                        on:click=|ev| ev.stop_propagation()
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Escape" {
                                answer(None);
                            }
                        }
                    >
                        <h2 id="cal-scope-title">{tx!(i18n, interaction.scope_title)}</h2>
                        <p>{tx!(i18n, interaction.scope_question)}</p>
                        <div class="cal-dialog-actions">
                            <button type="button" class="button button-primary" autofocus on:click=move |_| answer(Some(Scope::One))>
                                {tx!(i18n, interaction.scope_one)}
                            </button>
                            <button type="button" class="button" on:click=move |_| answer(Some(Scope::All))>
                                {tx!(i18n, interaction.scope_all)}
                            </button>
                            <button type="button" class="button" on:click=move |_| answer(None)>
                                {tx!(i18n, common.cancel)}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
    .erase()
    }
}
