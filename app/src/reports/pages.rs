//! `/reports` (the reports and the saved ones) and `/reports/{kind}` (one
//! report: filters in the URL, charts, sortable tables, CSV, save).
//! The report is loaded with the page (`SsrMode::InOrder`): its charts and
//! tables are in the server's HTML, and the browser redraws them in place
//! when a filter changes the URL.

use super::api::{delete_saved_report, run_report, save_report, saved_reports};
use super::*;
use crate::error::AppError;
use crate::tx;
use crate::ui::chart::ChartView;
use crate::ui::erase::Erase;
use crate::ui::feedback::ErrorBanner;
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

fn report_href(kind: ReportKind, q: &ReportQuery) -> String {
    format!("/reports/{}?{}", kind.as_str(), q.to_query_string())
}

fn csv_href(kind: ReportKind, q: &ReportQuery, table: &str) -> String {
    format!(
        "/export/reports/{}.csv?{}&table={}",
        kind.as_str(),
        q.to_query_string(),
        crate::ui::list::urlencode(table)
    )
}

/// `/reports`: a card per report, then the saved reports.
#[component]
pub fn ReportsIndex() -> impl IntoView {
    let i18n = use_i18n();
    let saved = resource(|| (), |_| saved_reports());
    let cards = ReportKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <a class="card report-card" href=format!("/reports/{}", k.as_str()) data-report=k.as_str()>
                    <h2>{move || k.title(i18n.get_locale())}</h2>
                    <p class="muted">{move || k.intro(i18n.get_locale())}</p>
                </a>
            }
        })
        .collect_view();
    view! {
        <div class="page reports-page">
            <header class="page-header">
                <h1>{tx!(i18n, reports.title)}</h1>
            </header>
            <div class="report-cards">{cards}</div>
            <section class="card saved-reports">
                <h2>{tx!(i18n, reports.saved)}</h2>
                <Transition fallback=|| ()>
                    {move || saved.get().map(|r| match r {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                        Ok(list) => view! { <SavedList list=list kind=None /> }.erase(),
                    })}
                </Transition>
            </section>
        </div>
    }
}

/// The saved reports (of one report, or all), each a link, and the
/// reader's own with a delete button.
#[component]
fn SavedList(list: Vec<SavedReport>, kind: Option<ReportKind>) -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(
        list.into_iter()
            .filter(|s| kind.is_none_or(|k| s.report == k))
            .collect::<Vec<_>>(),
    );
    let error = RwSignal::new(None::<AppError>);
    let delete = Action::new(move |id: &i64| {
        let id = *id;
        async move {
            match delete_saved_report(id).await {
                Ok(()) => list.update(|l| l.retain(|s| s.id != id)),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <ErrorBanner error=error />
        <Show
            when=move || list.with(|l| !l.is_empty())
            fallback=move || view! { <p class="muted">{tx!(i18n, reports.none_saved)}</p> }
        >
            <ul class="saved-report-list">
                <For each=move || list.get() key=|s| s.id let:s>
                    {
                        let id = s.id;
                        let report = s.report;
                        let label = s.name.clone();
                        let delete_label = move || t_string!(i18n, reports.delete_saved, name = label.clone()).to_string();
                        view! {
                            <li>
                                <a href=s.href()>{s.name.clone()}</a>
                                <span class="muted">
                                    " · " {move || report.title(i18n.get_locale())}
                                    {(!s.mine).then(|| format!(" · {}", s.owner_name))}
                                </span>
                                {s.shared.then(|| view! { <span class="badge">{tx!(i18n, reports.shared)}</span> })}
                                {s.mine.then(|| view! {
                                    <button class="link-button" aria-label=delete_label
                                        on:click=move |_| { delete.dispatch(id); }>
                                        {tx!(i18n, common.delete)}
                                    </button>
                                })}
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
    }
}

/// `/reports/{kind}`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let kind =
        Memo::new(move |_| params.with(|p| p.get("kind").and_then(|k| ReportKind::parse(&k))));
    let filters = Memo::new(move |_| {
        let defaults = kind.get().map(|k| k.defaults()).unwrap_or_default();
        query.with(|q| ReportQuery::from_params(|k| q.get(k), defaults))
    });
    let report = resource(
        move || (kind.get(), filters.get()),
        |(kind, q)| async move {
            match kind {
                Some(kind) => run_report(kind, q).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // Two filters changed in quick succession (the second while the first
    // one's report was loading) can leave the resource holding the first
    // one's report and never asking for the second (seen with Leptos
    // 0.8.23): whenever a report arrives, one for other filters than the
    // address's is asked again.
    Effect::new(move |_| {
        let stale = report.with(|r| match r {
            Some(Ok(r)) => {
                Some(r.kind) != kind.get_untracked() || r.query != filters.get_untracked()
            }
            _ => false,
        });
        if stale {
            report.refetch();
        }
    });
    let saved = resource(|| (), |_| saved_reports());
    // A filter changed: the report's new address, which the page follows.
    // Through a signal and an effect, so that the handlers hold only
    // `Copy` signals (the router's navigate function is the effect's, in
    // the browser; a server render never keeps it).
    let wanted = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(href) = wanted.get() {
            navigate(&href, Default::default());
        }
    });
    let set = move |change: Change| {
        let Some(k) = kind.get_untracked() else {
            return;
        };
        let mut q = filters.get_untracked();
        // Other filters are another table: it opens on its first page.
        q.page = 0;
        change(&mut q);
        wanted.set(Some(report_href(k, &q)));
    };

    view! {
        <div class="page report-page">
            {move || match kind.get() {
                None => view! { <crate::pages::NotFound /> }.erase(),
                Some(k) => view! {
                    <p class="breadcrumb"><a href="/reports">{tx!(i18n, reports.title)}</a></p>
                    <header class="page-header">
                        <h1>{move || k.title(i18n.get_locale())}</h1>
                    </header>
                    <p class="muted">{move || k.intro(i18n.get_locale())}</p>
                }
                .erase(),
            }}
            <Transition fallback=move || view! { <p class="muted">{tx!(i18n, common.loading)}</p> }>
                {move || {
                    let result = report.get()?;
                    let k = kind.get()?;
                    Some(match result {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                        Ok(r) => {
                            // The figures are drawn with the query they were
                            // built for: while a new sort or page loads, the
                            // table's headers and pager stay those of its rows.
                            let built = r.query.clone();
                            view! {
                                <FilterBar report=r.clone() query=filters.get() set=set />
                                <ReportBody report=r query=built />
                                <SaveBox kind=k query=filters.get() />
                                <section class="card saved-reports">
                                    <h2>{tx!(i18n, reports.saved_here)}</h2>
                                    <Transition fallback=|| ()>
                                        {move || saved.get().map(|s| match s {
                                            Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                                            Ok(list) => view! { <SavedList list=list kind=Some(k) /> }.erase(),
                                        })}
                                    </Transition>
                                </section>
                            }
                        }
                        .erase(),
                    })
                }}
            </Transition>
        </div>
    }
}

type Change = Box<dyn Fn(&mut ReportQuery)>;

/// The report's filters; each change is a new address.
#[component]
fn FilterBar(
    report: Report,
    query: ReportQuery,
    set: impl Fn(Change) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let k = report.kind;
    let l = i18n.get_locale_untracked();
    let period = query.period;
    let periods = Period::ALL
        .into_iter()
        .filter(|p| k == ReportKind::Forecast || *p != Period::Next12Months)
        .map(|p| view! { <option value=p.as_str() selected=p == period>{p.label(l)}</option> })
        .collect_view();
    let id_select = move |name: &'static str,
                          label: String,
                          all: String,
                          choices: Vec<Choice>,
                          current: Option<i64>,
                          apply: fn(&mut ReportQuery, Option<i64>)| {
        let options = choices
            .into_iter()
            .map(|c| {
                view! { <option value=c.id.to_string() selected=current == Some(c.id)>{c.name}</option> }
            })
            .collect_view();
        view! {
            <label class="field report-filter">
                <span>{label}</span>
                <select name=name on:change=move |ev| {
                    let v = event_target_value(&ev).parse::<i64>().ok();
                    set(Box::new(move |q| apply(q, v)));
                }>
                    <option value="" selected=current.is_none()>{all}</option>
                    {options}
                </select>
            </label>
        }
    };
    let (from, to) = (report.from, report.to);
    // A date changed: the period becomes these dates, the other one kept
    // as the report shows it.
    let date_input = move |name: &'static str, label: String, value: NaiveDate, is_to: bool| {
        view! {
            <label class="field report-filter">
                <span>{label}</span>
                <input type="date" name=name value=value.to_string() on:change=move |ev| {
                    let v = NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d").ok();
                    set(Box::new(move |q| {
                        q.period = Period::Custom;
                        q.from = Some(from);
                        q.to = Some(to);
                        if is_to { q.to = v.or(q.to) } else { q.from = v.or(q.from) }
                    }));
                } />
            </label>
        }
    };
    view! {
        <form class="report-filters card" on:submit=|ev| ev.prevent_default()
            aria-label=move || t_string!(i18n, reports.filters).to_string()>
            <label class="field report-filter">
                <span>{tx!(i18n, reports.period)}</span>
                <select name="period" on:change=move |ev| {
                    let p = Period::parse(&event_target_value(&ev));
                    set(Box::new(move |q| {
                        if let Some(p) = p {
                            if p == Period::Custom && q.period != Period::Custom {
                                q.from = Some(from);
                                q.to = Some(to);
                            }
                            q.period = p;
                        }
                    }));
                }>
                    {periods}
                </select>
            </label>
            {date_input("from", t_string!(i18n, reports.from).to_string(), from, false)}
            {date_input("to", t_string!(i18n, reports.to).to_string(), to, true)}
            {k.offers("by").then(|| {
                let by = query.by;
                view! {
                    <label class="field report-filter">
                        <span>{tx!(i18n, reports.by)}</span>
                        <select name="by" on:change=move |ev| {
                            let b = By::parse(&event_target_value(&ev));
                            set(Box::new(move |q| if let Some(b) = b { q.by = b }));
                        }>
                            {By::ALL.into_iter().map(|b| view! {
                                <option value=b.as_str() selected=b == by>{b.label(l)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                }
            })}
            {k.offers("compare").then(|| {
                let compare = query.compare;
                view! {
                    <label class="field report-filter">
                        <span>{tx!(i18n, reports.compare)}</span>
                        <select name="compare" on:change=move |ev| {
                            let c = event_target_value(&ev).parse::<u8>().unwrap_or(0);
                            set(Box::new(move |q| q.compare = c));
                        }>
                            {(0..=MAX_COMPARE).map(|n| {
                                let label = if n == 0 {
                                    td_string!(l, reports.compare_none).to_string()
                                } else {
                                    td_string!(l, reports.compare_years, n = n).to_string()
                                };
                                view! { <option value=n.to_string() selected=n == compare>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            })}
            {report.everyone.then(|| id_select(
                "user",
                t_string!(i18n, reports.user).to_string(),
                t_string!(i18n, reports.whole_team).to_string(),
                report.users.clone(),
                query.user,
                |q, v| q.user = v,
            ))}
            {k.offers("pipeline").then(|| id_select(
                "pipeline",
                t_string!(i18n, reports.pipeline).to_string(),
                t_string!(i18n, reports.all_pipelines).to_string(),
                report.pipelines.clone(),
                query.pipeline,
                |q, v| q.pipeline = v,
            ))}
            {k.offers("programme").then(|| id_select(
                "programme",
                t_string!(i18n, reports.programme).to_string(),
                t_string!(i18n, reports.all_programmes).to_string(),
                report.programmes.clone(),
                query.programme,
                |q, v| q.programme = v,
            ))}
            {k.offers("kind").then(|| {
                let current = query.kind.clone().unwrap_or_default();
                view! {
                    <label class="field report-filter">
                        <span>{tx!(i18n, reports.record_kind)}</span>
                        <select name="kind" on:change=move |ev| {
                            let v = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
                            set(Box::new(move |q| q.kind = v.clone()));
                        }>
                            <option value="" selected=current.is_empty()>{tx!(i18n, reports.all_kinds)}</option>
                            {[crate::records::RecordKind::Company, crate::records::RecordKind::Person].into_iter().map(|rk| {
                                let m = rk.module();
                                view! { <option value=m selected=current == m>{(rk.describe().plural)(l)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            })}
            {(!report.everyone).then(|| view! {
                <p class="muted report-own">{tx!(i18n, reports.own_figures)}</p>
            })}
        </form>
    }
}

/// The charts and tables.
#[component]
fn ReportBody(report: Report, query: ReportQuery) -> impl IntoView {
    let i18n = use_i18n();
    let fr = i18n.get_locale_untracked() == Locale::fr;
    let k = report.kind;
    let charts = report
        .charts
        .into_iter()
        .enumerate()
        .map(|(i, c)| view! { <ChartView chart=c id=format!("chart-{i}") /> })
        .collect_view();
    let tables = report
        .tables
        .into_iter()
        .map(|t| {
            let main = t.id == "main";
            // The server sorted the main table and cut the page.
            let rows = t.rows.clone();
            let head = t
                .columns
                .iter()
                .map(|c| {
                    let label = c.label.clone();
                    if !main {
                        return view! { <th scope="col" class:num=c.numeric>{label}</th> }.erase();
                    }
                    let sorted = query.sort.as_deref() == Some(c.key.as_str());
                    let desc = sorted && query.desc;
                    let next = ReportQuery {
                        sort: Some(c.key.clone()),
                        // Numbers open largest first; a second click turns.
                        desc: if sorted { !query.desc } else { c.numeric },
                        page: 0,
                        ..query.clone()
                    };
                    let aria = if !sorted {
                        "none"
                    } else if desc {
                        "descending"
                    } else {
                        "ascending"
                    };
                    let arrow = if !sorted { "" } else if desc { " ▼" } else { " ▲" };
                    view! {
                        <th scope="col" class:num=c.numeric aria-sort=aria>
                            <a href=report_href(k, &next)>{label}{arrow}</a>
                        </th>
                    }
                    .erase()
                })
                .collect_view();
            let body = rows
                .into_iter()
                .map(|r| {
                    let cells = r
                        .into_iter()
                        .zip(t.columns.iter().map(|c| (c.numeric, c.label.clone())))
                        .map(|(cell, (numeric, label))| {
                            let text = cell.display(fr);
                            let content = match cell {
                                Cell::CountLink(_, href) => view! { <a href=href>{text}</a> }.erase(),
                                _ => text.erase(),
                            };
                            view! { <td class:num=numeric data-label=label>{content}</td> }
                        })
                        .collect_view();
                    view! { <tr>{cells}</tr> }
                })
                .collect_view();
            let empty = t.rows.is_empty();
            let csv = csv_href(k, &query, &t.id);
            view! {
                <section class="card report-table" data-table=t.id.clone()>
                    <header class="report-table-head">
                        <h2>{t.title.clone()}</h2>
                        <a class="button" href=csv download="" rel="external">{tx!(i18n, reports.export_csv)}</a>
                    </header>
                    {if empty {
                        view! { <p class="muted">{tx!(i18n, reports.no_figures)}</p> }.erase()
                    } else {
                        view! {
                            <div class="table-scroll" tabindex="0" role="region" aria-label=t.title.clone()>
                                <table class="report-data">
                                    <thead><tr>{head}</tr></thead>
                                    <tbody>{body}</tbody>
                                </table>
                            </div>
                        }
                        .erase()
                    }}
                    {t.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                    {(main && t.total > t.rows.len()).then(|| pager(k, &query, &t, fr))}
                </section>
            }
        })
        .collect_view();
    view! {
        <div class="report-charts">{charts}</div>
        {tables}
    }
}

/// Where a long main table's page is, and the ways to the others.
fn pager(k: ReportKind, query: &ReportQuery, t: &Table, fr: bool) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let count =
        |n: usize| crate::ui::chart::format_value(n as f64, crate::ui::chart::Unit::Count, fr);
    let page = (t.first / PAGE_ROWS) as u32 + 1;
    let to = |page: u32| {
        report_href(
            k,
            &ReportQuery {
                page,
                ..query.clone()
            },
        )
    };
    let shown = td_string!(
        i18n.get_locale_untracked(),
        reports.rows_shown,
        first = count(t.first + 1),
        last = count(t.first + t.rows.len()),
        total = count(t.total)
    )
    .to_string();
    let previous = (page > 1).then(|| to(page - 1));
    let next = (t.first + t.rows.len() < t.total).then(|| to(page + 1));
    view! {
        <nav class="pager report-pager" aria-label=move || t_string!(i18n, list.pagination).to_string()>
            <span class="muted">{shown}" · "{tx!(i18n, reports.rows_csv)}</span>
            {previous.map(|href| view! { <a class="button" href=href rel="prev">{tx!(i18n, reports.previous_rows)}</a> })}
            {next.map(|href| view! { <a class="button" href=href rel="next">{tx!(i18n, reports.next_rows)}</a> })}
        </nav>
    }
}

/// "Save this report": a name, shared or not.
#[component]
fn SaveBox(kind: ReportKind, query: ReportQuery) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let shared = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let save = Action::new(move |_: &()| {
        let query = query.clone();
        async move {
            error.set(None);
            match save_report(
                kind,
                name.get_untracked(),
                shared.get_untracked(),
                query.clone(),
            )
            .await
            {
                Ok(_) => done.set(Some(report_href(kind, &query))),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let field_error = move || {
        error.with(|e| match e {
            Some(AppError::Invalid { fields }) => fields
                .iter()
                .find(|f| f.field == "name")
                .map(|f| crate::ui::feedback::problem_text(i18n, f.problem)),
            _ => None,
        })
    };
    view! {
        <form class="card report-save" on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch(());
        }>
            <h2>{tx!(i18n, reports.save_title)}</h2>
            <div class="report-save-row">
                <label class="field" class:field-invalid=move || field_error().is_some()>
                    <span>{tx!(i18n, reports.save_name)}</span>
                    <input name="report-name" maxlength="255" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                    {move || field_error().map(|m| view! { <span class="field-error">{m}</span> })}
                </label>
                <label class="check">
                    <input type="checkbox" name="report-shared" prop:checked=move || shared.get()
                        on:change=move |ev| shared.set(event_target_checked(&ev)) />
                    {tx!(i18n, reports.save_shared)}
                </label>
                <button class="button button-primary" type="submit" disabled=move || save.pending().get()>
                    {tx!(i18n, reports.save)}
                </button>
            </div>
            {move || error.with(|e| match e {
                Some(AppError::Invalid { .. }) | None => None,
                Some(e) => Some(view! { <ErrorBanner error=Signal::stored(Some(e.clone())) /> }),
            })}
            {move || done.get().map(|href| view! {
                <p class="banner banner-ok" role="status">
                    {tx!(i18n, reports.saved_done)} " " <a href=href>{tx!(i18n, reports.saved_link)}</a>
                </p>
            })}
        </form>
    }
}
