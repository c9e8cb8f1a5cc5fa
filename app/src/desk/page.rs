//! The Desk page: panels in the user's order, and "Arrange" to show, hide
//! and reorder them (buttons, so it works by keyboard and on a phone).

use super::{Desk, DeskItem, PANELS, desk_today, load_class};
use crate::deals::format_amount;
use crate::error::AppResult;
use crate::i18n::*;
use crate::interactions::{kind_label, status_label};
use crate::layout::Me;
use crate::records::RecordLink;
use crate::records::marks::{my_favourites, recently_viewed};
use crate::settings::layouts::{LayoutKey, save_layout};
use crate::tx;
use crate::ui::browser::load_in_browser;
use crate::ui::erase::Erase;
use crate::ui::feedback::{I18n, error_text, redirect_if_logged_out};
use crate::ui::later::hydrate_later;
use crate::ui::resource::resource;
use leptos::prelude::*;
use std::future::Future;
use std::sync::Arc;

#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let Me(user) = expect_context::<Me>();
    let data = resource(|| (), |_| desk_today());
    let arranging = RwSignal::new(false);
    // The panels as arranged on this page (None: as the server sent them).
    // Created here, not in the Suspense's closure: the server runs that
    // closure more than once, and a signal made in an earlier run is
    // disposed under the view still using it (the panels were never drawn
    // by the server, only after hydration).
    let arranged = RwSignal::new(None::<Vec<String>>);
    view! {
        <div class="page desk">
            <header class="page-header">
                <h1>
                    <Suspense fallback=move || tx!(i18n, desk.title)()>
                        {move || {
                            user.get()
                                .and_then(|u| u.ok())
                                .map(|u| {
                                    let name = u.name.split_whitespace().next().unwrap_or_default().to_string();
                                    t_string!(i18n, desk.welcome, name).to_string()
                                })
                        }}
                    </Suspense>
                </h1>
                <button
                    type="button"
                    class="button"
                    aria-pressed=move || arranging.get().to_string()
                    on:click=move |_| arranging.update(|a| *a = !*a)
                >
                    {move || if arranging.get() { tx!(i18n, desk.arrange_done)().erase() } else { tx!(i18n, desk.arrange)().erase() }}
                </button>
            </header>
            <Suspense fallback=move || view! { <p class="muted">{tx!(i18n, common.loading)}</p> }>
                {move || {
                    data.get()
                        .map(|r| match r {
                            Ok(d) => desk_view(d, arranging, arranged, i18n).erase(),
                            Err(e) => {
                                redirect_if_logged_out(&e);
                                view! { <div class="banner banner-error" role="alert">{error_text(i18n, &e)}</div> }.erase()
                            }
                        })
                }}
            </Suspense>
        </div>
    }
    .erase()
}

fn panel_title(i18n: I18n, panel: &str) -> String {
    match panel {
        "agenda" => t_string!(i18n, desk.agenda),
        "overdue" => t_string!(i18n, desk.overdue),
        "tasks" => t_string!(i18n, desk.my_tasks),
        "load" => t_string!(i18n, desk.load),
        "pipeline" => t_string!(i18n, desk.pipeline),
        "favourites" => t_string!(i18n, desk.favourites),
        "recent" => t_string!(i18n, desk.recent),
        _ => panel,
    }
    .to_string()
}

fn desk_view(
    d: Desk,
    arranging: RwSignal<bool>,
    arranged: RwSignal<Option<Vec<String>>>,
    i18n: I18n,
) -> impl IntoView {
    let d = Arc::new(d);
    let order = {
        let d = d.clone();
        move || arranged.get().unwrap_or_else(|| d.panels.clone())
    };
    let panels = {
        let order = order.clone();
        move || {
            order()
                .into_iter()
                // Each panel is hydrated in a task of its own.
                .map(|p| hydrate_later(panel(&p, &d, i18n)))
                .collect_view()
        }
    };
    view! {
        {move || arranging.get().then(|| view! { <Arrange current=order() arranged=arranged /> })}
        <div class="desk-panels">{panels}</div>
    }
}

/// Show, hide and move panels; every change is saved at once.
#[component]
fn Arrange(current: Vec<String>, arranged: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let order = RwSignal::new(current);
    let set = move |next: Vec<String>| {
        order.set(next.clone());
        arranged.set(Some(next.clone()));
        leptos::task::spawn_local(async move {
            match save_layout(LayoutKey::Desk, next).await {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(error_text(i18n, &e))),
            }
        });
    };
    // Shown panels in order, then the hidden ones; keyed, so a row keeps
    // its elements (and the focus) as it moves or is hidden.
    let rows = move || {
        let shown = order.get();
        let mut all = shown.clone();
        all.extend(
            PANELS
                .iter()
                .filter(|p| !shown.iter().any(|s| s == *p))
                .map(|p| p.to_string()),
        );
        all
    };
    let row = move |p: String| {
        let title = panel_title(i18n, &p);
        let place = {
            let p = p.clone();
            Memo::new(move |_| order.with(|o| (o.iter().position(|x| *x == p), o.len())))
        };
        let visible = move || place.get().0.is_some();
        let p1 = p.clone();
        let toggle = move |_| {
            let mut next = order.get_untracked();
            if next.contains(&p1) {
                next.retain(|x| *x != p1);
            } else {
                next.push(p1.clone());
            }
            set(next);
        };
        let p = StoredValue::new(p);
        let shift = move |up: bool| {
            let mut next = order.get_untracked();
            if let Some(at) = p.with_value(|p| next.iter().position(|x| x == p)) {
                let to = if up {
                    at.checked_sub(1)
                } else {
                    Some(at + 1).filter(|t| *t < next.len())
                };
                if let Some(to) = to {
                    next.swap(at, to);
                    set(next);
                }
            }
        };
        view! {
            <li class="arrange-row">
                <label class="check">
                    <input type="checkbox" prop:checked=visible on:change=toggle />
                    {title.clone()}
                </label>
                <button
                    type="button"
                    class="icon-button"
                    disabled=move || !matches!(place.get(), (Some(i), _) if i > 0)
                    aria-label=t_string!(i18n, desk.move_up, panel = title.clone()).to_string()
                    on:click=move |_| shift(true)
                >"↑"</button>
                <button
                    type="button"
                    class="icon-button"
                    disabled=move || !matches!(place.get(), (Some(i), n) if i + 1 < n)
                    aria-label=t_string!(i18n, desk.move_down, panel = title.clone()).to_string()
                    on:click=move |_| shift(false)
                >"↓"</button>
            </li>
        }
    };
    view! {
        <section class="card desk-arrange" aria-labelledby="arrange-title">
            <h2 id="arrange-title">{tx!(i18n, desk.arrange_title)}</h2>
            <p class="muted">{tx!(i18n, desk.arrange_help)}</p>
            <ul class="arrange-list">
                <For each=rows key=|p| p.clone() children=row />
            </ul>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </section>
    }
    .erase()
}

fn panel(p: &str, d: &Desk, i18n: I18n) -> impl IntoView + use<> {
    let title = panel_title(i18n, p);
    let label = title.clone();
    let (overdue_count, tasks_count) = (d.overdue_count, d.tasks_count);
    let body = match p {
        "agenda" => items_view(&d.agenda, false, tx!(i18n, desk.no_agenda)().erase(), i18n).erase(),
        "overdue" => view! {
            {(overdue_count > 0).then(|| view! { <p class="desk-count state-overdue">{t_string!(i18n, desk.overdue_count, count = overdue_count).to_string()}</p> })}
            {items_view(&d.overdue, true, tx!(i18n, desk.no_overdue)().erase(), i18n)}
        }
        .erase(),
        "tasks" => view! {
            {items_view(&d.tasks, true, tx!(i18n, desk.no_tasks)().erase(), i18n)}
            <p class="desk-more">
                <a href="/kanban">{t_string!(i18n, desk.all_tasks, count = tasks_count).to_string()}</a>
            </p>
        }
        .erase(),
        "load" => load_view(d.planned_minutes, d.capacity_minutes, i18n).erase(),
        "pipeline" => pipeline_view(d, i18n).erase(),
        "favourites" => view! { <Links load=my_favourites empty=tx!(i18n, desk.no_favourites) /> }.erase(),
        "recent" => view! { <Links load=recently_viewed empty=tx!(i18n, desk.no_recent) /> }.erase(),
        _ => ().erase(),
    };
    view! {
        <section class=format!("card desk-panel panel-{p}") data-panel=p.to_string() aria-label=label>
            <h2>{title}</h2>
            {body}
        </section>
    }
}

fn hours(i18n: I18n, minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 {
        t_string!(i18n, desk.hours, h = h).to_string()
    } else {
        t_string!(i18n, desk.hours_minutes, h = h, m = format!("{m:02}")).to_string()
    }
}

fn load_view(planned: i64, capacity: i64, i18n: I18n) -> impl IntoView {
    let class = load_class(planned, capacity);
    let percent = if capacity > 0 {
        (planned * 100 / capacity).min(100)
    } else {
        100
    };
    let text = t_string!(
        i18n,
        desk.load_text,
        planned = hours(i18n, planned),
        capacity = hours(i18n, capacity)
    )
    .to_string();
    view! {
        <p class=format!("desk-load {class}")>{text.clone()}</p>
        <div class=format!("load-bar {class}") role="img" aria-label=text>
            <span style:width=format!("{percent}%")></span>
        </div>
        <p class="desk-more"><a href="/calendar?view=day">{tx!(i18n, desk.open_calendar)}</a></p>
    }
}

fn pipeline_view(d: &Desk, i18n: I18n) -> impl IntoView {
    let rows = d
        .pipeline
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <th scope="row">{s.stage.clone()}</th>
                    <td class="num">{s.count}</td>
                    <td class="num">{format_amount(i18n, &s.amount)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="desk-pipeline">
            <tbody>{rows}</tbody>
            <tfoot>
                <tr>
                    <th scope="row">{tx!(i18n, desk.pipeline_total)}</th>
                    <td></td>
                    <td class="num">{format_amount(i18n, &d.pipeline_amount)}</td>
                </tr>
                <tr class="muted">
                    <th scope="row">{tx!(i18n, desk.pipeline_weighted)}</th>
                    <td></td>
                    <td class="num">{format_amount(i18n, &d.pipeline_weighted)}</td>
                </tr>
            </tfoot>
        </table>
        <p class="desk-more"><a href="/kanban/deals">{tx!(i18n, desk.open_deals_board)}</a></p>
    }
}

fn items_view(items: &[DeskItem], with_day: bool, empty: AnyView, i18n: I18n) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">{empty}</p> }.erase();
    }
    let list = items
        .iter()
        .map(|it| {
            let it = it.clone();
            let when = match (with_day, it.time.is_empty()) {
                (true, true) => it.day.clone(),
                (true, false) => format!("{} {}", it.day, it.time),
                (false, true) => t_string!(i18n, desk.all_day).to_string(),
                (false, false) => it.time.clone(),
            };
            view! {
                <li class=format!("desk-item {}", it.state.class())>
                    <span class="desk-when">{when}</span>
                    <span class=format!("kind-chip kind-{}", it.kind)>{kind_label(i18n, &it.kind)}</span>
                    <a href=format!("/interactions/{}", it.id) class="desk-subject">{it.subject.clone()}</a>
                    <span class="desk-status">{status_label(i18n, &it.status)}</span>
                    {(!it.record.is_empty()).then(|| view! { <span class="muted desk-record">{it.record.clone()}</span> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="desk-items">{list}</ul> }.erase()
}

/// Record links (favourites, recently viewed), loaded in the browser after
/// the page (see `ui::browser`): offline they come from the device's copy of
/// the last answer, fresher than the kept page.
#[component]
fn Links<F, Fut>(load: F, #[prop(into)] empty: TextProp) -> impl IntoView
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = AppResult<Vec<RecordLink>>> + 'static,
{
    links_view(load_in_browser(load), empty)
}

/// The links as drawn, compiled once for every kind of link list.
fn links_view(links: ReadSignal<Option<AppResult<Vec<RecordLink>>>>, empty: TextProp) -> AnyView {
    (move || {
        let empty = empty.clone();
        links.get().and_then(|r| r.ok()).map(move |list| {
            if list.is_empty() {
                view! { <p class="muted">{move || empty.get().to_string()}</p> }.erase()
            } else {
                view! {
                    <ul class="related">
                        {list
                            .into_iter()
                            .map(|l| {
                                view! {
                                    <li>
                                        <a href=l.kind.href(l.id)>{l.name}</a>
                                        <span class="muted">{l.detail}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .erase()
            }
        })
    })
    .erase()
}
