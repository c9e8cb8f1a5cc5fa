//! The Planning page: URL state
//! (`/planning?span=week&date=2026-11-24&users=3,7&kinds=call,meeting`),
//! toolbar (today, previous, next, day / week / two weeks, kinds, users),
//! the one resource of the visible range, and the optimistic moves.

use super::grid::{Grid, kind_label_of};
use super::{
    PlanBlock, PlanningData, Span, UserLoad, counts_in_load, drag::DragState, parse_ids,
    planning_move, planning_people, planning_range,
};
use crate::calendar::{calendar_now, long_date, month_name, week_start};
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::{I18n, error_text, redirect_if_logged_out};
use crate::ui::resource::{Data, resource};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::HashMap;

/// Where a block was dropped, shown before the server answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moved {
    pub owner: i64,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

/// What the grid and the drag share.
#[derive(Clone, Copy)]
pub struct Plan {
    pub drag: RwSignal<Option<DragState>>,
    /// Moves shown before the server answered: id → where.
    pub overlay: RwSignal<HashMap<i64, Moved>>,
    pub error: RwSignal<Option<AppError>>,
    pub refresh: RwSignal<u32>,
    /// Versions the server returned for moves, newer than the loaded data's
    /// until it is loaded again (a second drag may follow at once).
    pub versions: StoredValue<HashMap<i64, i32>>,
    /// When the last drag ended (ms), so the click that follows opens nothing.
    pub dragged: StoredValue<f64>,
}

impl Plan {
    /// Shows the drop at once, sends it, and undoes it with a message if
    /// the server refuses; both rows' loads are read again either way.
    pub fn commit(&self, b: PlanBlock, owner: i64, start: NaiveDateTime) {
        let start = if b.all_day {
            start.date().and_time(NaiveTime::MIN)
        } else {
            start
        };
        if b.owner == Some(owner) && start == b.start {
            return;
        }
        let plan = *self;
        plan.error.set(None);
        let end = start + (b.end - b.start);
        plan.overlay.update(|o| {
            o.insert(b.id, Moved { owner, start, end });
        });
        let version = plan
            .versions
            .with_value(|v| v.get(&b.id).copied())
            .map_or(b.version, |v| v.max(b.version));
        leptos::task::spawn_local(async move {
            match planning_move(b.id, version, owner, start).await {
                Ok(v) => {
                    plan.versions.update_value(|m| {
                        m.insert(b.id, v);
                    });
                }
                Err(e) => {
                    redirect_if_logged_out(&e);
                    plan.overlay.update(|o| {
                        o.remove(&b.id);
                    });
                    plan.error.set(Some(e));
                }
            }
            plan.refresh.update(|r| *r += 1);
        });
    }

    /// The blocks as drawn: the server's, and "to plan" tasks dropped on
    /// the grid, moved by the pending drops.
    pub fn shown(&self, data: &PlanningData) -> Vec<PlanBlock> {
        let overlay = self.overlay.get();
        data.blocks
            .iter()
            .chain(
                data.unplanned
                    .iter()
                    .filter(|b| overlay.contains_key(&b.id)),
            )
            .map(|b| {
                let mut b = b.clone();
                if let Some(m) = overlay.get(&b.id) {
                    (b.owner, b.start, b.end) = (Some(m.owner), m.start, m.end);
                }
                b
            })
            .collect()
    }

    /// The loads with the pending drops applied (counted in the viewer's
    /// days; the server's figures, in each user's zone, replace them once
    /// read again).
    pub fn loads(&self, data: &PlanningData) -> Vec<UserLoad> {
        let overlay = self.overlay.get();
        let mut loads = data.loads.clone();
        let days = loads.first().map_or(0, |l| l.minutes.len());
        let mut add = |owner: Option<i64>, b: &PlanBlock, sign: i32| {
            if let Some(l) = loads.iter_mut().find(|l| Some(l.user) == owner) {
                for (d, m) in l.minutes.iter_mut().enumerate().take(days) {
                    *m += sign * local_minutes(b, data.from + Duration::days(d as i64));
                }
            }
        };
        for b in data.blocks.iter().chain(data.unplanned.iter()) {
            let Some(m) = overlay.get(&b.id) else {
                continue;
            };
            if b.all_day || !counts_in_load(&b.status) {
                continue;
            }
            add(b.owner, b, -1);
            let moved = PlanBlock {
                start: m.start,
                end: m.end,
                ..b.clone()
            };
            add(Some(m.owner), &moved, 1);
        }
        for l in &mut loads {
            l.minutes.iter_mut().for_each(|m| *m = (*m).max(0));
        }
        loads
    }
}

/// Minutes of a block inside a day of the viewer (the overlay's estimate).
fn local_minutes(b: &PlanBlock, day: NaiveDate) -> i32 {
    let d0 = day.and_time(NaiveTime::MIN);
    let d1 = d0 + Duration::days(1);
    let (s, e) = (b.start.max(d0), b.end.min(d1));
    if e > s {
        (e - s).num_minutes() as i32
    } else {
        0
    }
}

/// The query of the page, with one part changed.
#[derive(Debug, Clone, PartialEq)]
struct State {
    span: Span,
    date: Option<NaiveDate>,
    users: Vec<i64>,
    kinds: Vec<String>,
}

impl State {
    fn href(&self) -> String {
        let mut h = format!("/planning?span={}", self.span.as_str());
        if let Some(d) = self.date {
            h.push_str(&format!("&date={d}"));
        }
        if !self.users.is_empty() {
            let ids: Vec<String> = self.users.iter().map(|u| u.to_string()).collect();
            h.push_str(&format!("&users={}", ids.join(",")));
        }
        if !self.kinds.is_empty() {
            h.push_str(&format!("&kinds={}", self.kinds.join(",")));
        }
        h
    }
}

async fn load(
    span: Span,
    date: Option<NaiveDate>,
    users: Vec<i64>,
    week_start: Weekday,
) -> AppResult<PlanningData> {
    let date = match date {
        Some(d) => d,
        None => calendar_now().await?.date(),
    };
    let (from, to) = span.range(date, week_start);
    planning_range(from, to, users).await
}

/// The toolbar's title: the day, or "23 – 29 November 2026".
fn title(i18n: I18n, span: Span, from: NaiveDate, to: NaiveDate) -> String {
    let last = to - Duration::days(1);
    match span {
        Span::Day => long_date(i18n, from),
        _ if from.month() == last.month() => format!(
            "{} – {} {} {}",
            from.day(),
            last.day(),
            month_name(i18n, last.month()),
            last.year()
        ),
        _ => format!(
            "{} {} – {} {} {}",
            from.day(),
            month_name(i18n, from.month()),
            last.day(),
            month_name(i18n, last.month()),
            last.year()
        ),
    }
}

pub const KINDS: [&str; 4] = ["meeting", "call", "task", "email"];

#[component]
pub fn PlanningPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let default_span = if crate::layout::drawn_narrow() {
        Span::Day
    } else {
        Span::Week
    };
    let state = Memo::new(move |_| {
        query.with(|q| State {
            span: q
                .get("span")
                .and_then(|s| Span::parse(&s))
                .unwrap_or(default_span),
            date: q
                .get("date")
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            users: q.get("users").map(|u| parse_ids(&u)).unwrap_or_default(),
            kinds: q
                .get("kinds")
                .map(|k| {
                    k.split(',')
                        .filter(|k| KINDS.contains(k))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        })
    });
    let week_start = Memo::new(move |_| week_start());
    let refresh = RwSignal::new(0u32);
    let data = resource(
        move || {
            let s = state.get();
            (s.span, s.date, s.users, week_start.get(), refresh.get())
        },
        |(s, d, u, w, _)| load(s, d, u, w),
    );
    let people = resource(|| (), |_| planning_people());
    // A phone opens on one day (a week of rows does not fit its width),
    // as the calendar does: drawn so when the server knew the screen, else
    // moved to once running; the address then names the span.
    #[cfg(feature = "hydrate")]
    let phone = crate::layout::phone_width();
    #[cfg(feature = "hydrate")]
    if query.with_untracked(|q| q.get("span").is_none()) && (phone || crate::layout::drawn_narrow())
    {
        let navigate = use_navigate();
        Effect::new(move || {
            let rest: String = query.with_untracked(|q| {
                ["date", "users", "kinds"]
                    .into_iter()
                    .filter_map(|k| q.get(k).map(|v| format!("&{k}={v}")))
                    .collect()
            });
            let span = if phone { "day" } else { "week" };
            navigate(
                &format!("/planning?span={span}{rest}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        });
    }
    let plan = Plan {
        drag: RwSignal::new(None),
        overlay: RwSignal::new(HashMap::new()),
        error: RwSignal::new(None),
        refresh,
        versions: StoredValue::new(HashMap::new()),
        dragged: StoredValue::new(0.0),
    };
    provide_context(plan);
    // New data from the server replaces the optimistic moves it includes.
    Effect::new(move || {
        if let Some(Ok(_)) = data.get() {
            plan.overlay.set(HashMap::new());
        }
    });
    let navigate = use_navigate();
    let go = Callback::new(move |s: State| navigate(&s.href(), NavigateOptions::default()));
    // The shown date: the URL's, or the first loaded one's.
    let shown_date = move || {
        state.get_untracked().date.or_else(|| {
            data.get_untracked().and_then(|r| r.ok()).map(|d| {
                if d.today >= d.from && d.today < d.to {
                    d.today
                } else {
                    d.from
                }
            })
        })
    };
    let step = move |forward: bool| {
        if let Some(d) = shown_date() {
            let s = state.get_untracked();
            go.run(State {
                date: Some(s.span.step(d, forward)),
                ..s
            });
        }
    };
    let today = move || {
        if let Some(Ok(d)) = data.get_untracked() {
            go.run(State {
                date: Some(d.today),
                ..state.get_untracked()
            });
        }
    };
    let switch = move |span: Span| {
        go.run(State {
            span,
            date: shown_date(),
            ..state.get_untracked()
        })
    };
    let toggle_kind = move |k: &'static str| {
        let mut s = state.get_untracked();
        let mut kinds: Vec<String> = if s.kinds.is_empty() {
            KINDS.iter().map(|k| k.to_string()).collect()
        } else {
            s.kinds.clone()
        };
        if let Some(i) = kinds.iter().position(|x| x == k) {
            kinds.remove(i);
        } else {
            kinds.push(k.to_string());
        }
        s.kinds = if kinds.len() == KINDS.len() {
            Vec::new()
        } else {
            kinds
        };
        s.date = shown_date();
        go.run(s);
    };
    let set_users = Callback::new(move |users: Vec<i64>| {
        go.run(State {
            users,
            date: shown_date(),
            ..state.get_untracked()
        })
    });

    #[cfg(feature = "hydrate")]
    {
        let moves = [
            window_event_listener(leptos::ev::pointermove, move |ev| {
                super::drag::pointer_move(plan, ev)
            }),
            window_event_listener(leptos::ev::pointerup, move |ev| super::drag::up(plan, ev)),
            window_event_listener(leptos::ev::pointercancel, move |ev| {
                super::drag::cancel(plan, ev)
            }),
        ];
        on_cleanup(move || moves.into_iter().for_each(|h| h.remove()));
    }

    let span_button = move |s: Span, label: Box<dyn Fn() -> String + Send + Sync>| {
        view! {
            <button
                type="button"
                class="button"
                aria-pressed=move || (state.get().span == s).to_string()
                on:click=move |_| switch(s)
            >
                {move || label()}
            </button>
        }
    };
    let kind_buttons = KINDS
        .into_iter()
        .map(|k| {
            let on = move || {
                let kinds = state.get().kinds;
                kinds.is_empty() || kinds.iter().any(|x| x == k)
            };
            view! {
                <button
                    type="button"
                    class=format!("button plan-kind kind-{k}")
                    aria-pressed=move || on().to_string()
                    on:click=move |_| toggle_kind(k)
                >
                    <span class="plan-swatch" aria-hidden="true"></span>
                    {move || kind_label_of(i18n, k)}
                </button>
            }
        })
        .collect_view();
    let move_failed = move || {
        plan.error.get().map(|e| {
            let reason = error_text(i18n, &e);
            view! {
                <div class="banner banner-error plan-message" role="alert">
                    {t_string!(i18n, calendar.move_failed, reason).to_string()}
                    <button type="button" class="icon-button" aria-label=tx!(i18n, calendar.close) on:click=move |_| plan.error.set(None)>"×"</button>
                </div>
            }
        })
    };

    view! {
        <div class="page planning-page" data-span=move || state.get().span.as_str()>
            <header class="plan-toolbar">
                <h1 class="plan-title">
                    <Transition fallback=move || tx!(i18n, nav.planning)()>
                        {move || {
                            data.get().and_then(|r| r.ok()).map(|d| title(i18n, state.get_untracked().span, d.from, d.to))
                        }}
                    </Transition>
                </h1>
                <div class="plan-nav">
                    <button type="button" class="button" on:click=move |_| today()>{tx!(i18n, calendar.today)}</button>
                    <button type="button" class="button plan-step" aria-label=tx!(i18n, calendar.previous) on:click=move |_| step(false)>"‹"</button>
                    <button type="button" class="button plan-step" aria-label=tx!(i18n, calendar.next) on:click=move |_| step(true)>"›"</button>
                </div>
                <div class="plan-spans" role="group" aria-label=tx!(i18n, calendar.views)>
                    {span_button(Span::Day, Box::new(tx!(i18n, calendar.day)))}
                    {span_button(Span::Week, Box::new(tx!(i18n, calendar.week)))}
                    {span_button(Span::TwoWeeks, Box::new(tx!(i18n, planning.two_weeks)))}
                </div>
            </header>
            <div class="plan-filters">
                <div class="plan-kinds" role="group" aria-label=tx!(i18n, planning.kinds)>{kind_buttons}</div>
                <UserPicker people=people users=Signal::derive(move || state.get().users) set=set_users />
            </div>
            {move_failed}
            <Transition fallback=move || view! { <p class="muted">{tx!(i18n, common.loading)}</p> }>
                {move || {
                    data.get().map(|r| match r {
                        Err(e) => {
                            redirect_if_logged_out(&e);
                            view! { <div class="banner banner-error" role="alert">{error_text(i18n, &e)}</div> }.erase()
                        }
                        Ok(d) => {
                            let s = state.get_untracked();
                            view! { <Grid data=d span=s.span kinds=s.kinds /> }.erase()
                        }
                    })
                }}
            </Transition>
            <p class="muted plan-help">{tx!(i18n, planning.help)}</p>
        </div>
    }
    .erase()
}

/// "All users", or the ones ticked: every row the viewer may show.
#[component]
fn UserPicker(
    people: Data<AppResult<Vec<super::PlanUser>>>,
    users: Signal<Vec<i64>>,
    set: Callback<Vec<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let find = RwSignal::new(String::new());
    let summary = move || {
        let n = users.get().len();
        if n == 0 {
            t_string!(i18n, planning.all_users).to_string()
        } else {
            t_string!(i18n, planning.some_users, count = n).to_string()
        }
    };
    view! {
        <details class="plan-users">
            <summary class="button">{summary}</summary>
            <div class="plan-users-panel card">
                <button type="button" class="button" on:click=move |_| set.run(Vec::new())>{tx!(i18n, planning.all_users)}</button>
                <input
                    type="search"
                    class="plan-users-find"
                    placeholder=tx!(i18n, planning.find_user)
                    aria-label=tx!(i18n, planning.find_user)
                    prop:value=find
                    on:input=move |ev| find.set(event_target_value(&ev))
                />
                <Suspense fallback=move || view! { <p class="muted">{tx!(i18n, common.loading)}</p> }>
                    {move || {
                        people.get().and_then(|r| r.ok()).map(|list| {
                            let needle = find.get().trim().to_lowercase();
                            list.into_iter()
                                .filter(|p| needle.is_empty() || p.name.to_lowercase().contains(&needle))
                                .take(200)
                                .map(|p| {
                                    let id = p.id;
                                    let checked = move || users.get().contains(&id);
                                    let on_change = move |_| {
                                        let mut ids = users.get_untracked();
                                        if let Some(i) = ids.iter().position(|u| *u == id) {
                                            ids.remove(i);
                                        } else {
                                            ids.push(id);
                                        }
                                        set.run(ids);
                                    };
                                    view! {
                                        <label class="plan-user-option">
                                            <input type="checkbox" prop:checked=checked on:change=on_change data-user=id.to_string() />
                                            <span>{p.name}</span>
                                        </label>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </Suspense>
            </div>
        </details>
    }
    .erase()
}
