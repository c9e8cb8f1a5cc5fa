//! The import pages: `/import` (upload a file, the latest imports) and
//! `/import/:id` (map the columns, preview, choose what to do with
//! duplicates, start; then the progress, the counts, the refused rows and
//! "Undo the import").

use super::{
    DuplicatePolicy, DuplicateRows, ImportStatus, ImportView, PreviewRow, RowChoice, import_cancel,
    import_duplicate_rows, import_get, import_preview, import_start, import_undo, imports,
};
use crate::error::{AppError, FieldError};
use crate::i18n::*;
use crate::records::RecordKind;
use crate::tx;
use crate::ui::dialog::ConfirmDialog;
use crate::ui::erase::Erase;
use crate::ui::feedback::{ErrorBanner, I18n, problem_text};
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The kinds a file can hold, in the upload form's order.
const KINDS: [RecordKind; 4] = [
    RecordKind::Person,
    RecordKind::Company,
    RecordKind::Deal,
    RecordKind::Interaction,
];

fn status_label(i18n: I18n, s: ImportStatus) -> String {
    match s {
        ImportStatus::Draft => t_string!(i18n, import.status_draft),
        ImportStatus::Queued => t_string!(i18n, import.status_queued),
        ImportStatus::Running => t_string!(i18n, import.status_running),
        ImportStatus::Done => t_string!(i18n, import.status_done),
        ImportStatus::Cancelled => t_string!(i18n, import.status_cancelled),
        ImportStatus::Failed => t_string!(i18n, import.status_failed),
        ImportStatus::Undone => t_string!(i18n, import.status_undone),
    }
    .to_string()
}

fn policy_label(i18n: I18n, p: DuplicatePolicy) -> String {
    match p {
        DuplicatePolicy::Fill => t_string!(i18n, import.policy_fill),
        DuplicatePolicy::Overwrite => t_string!(i18n, import.policy_overwrite),
        DuplicatePolicy::Skip => t_string!(i18n, import.policy_skip),
        DuplicatePolicy::Create => t_string!(i18n, import.policy_create),
    }
    .to_string()
}

/// A field's problem, with the field's name: "Email: not a valid address".
fn problem_line(i18n: I18n, kind: RecordKind, e: &FieldError) -> String {
    let problem = problem_text(i18n, e.problem);
    if e.field.is_empty() {
        problem
    } else {
        let l = i18n.get_locale();
        let sep = if l == Locale::fr { " : " } else { ": " };
        format!("{}{sep}{problem}", kind.describe().label(l, &e.field))
    }
}

#[component]
pub fn ImportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let list = resource(|| (), |_| imports());
    // The upload answers with `?error=<problem>` when the file is refused.
    let upload_error = move || {
        query
            .with(|q| q.get("error"))
            .map(|code| match code.as_str() {
                "too_long" => t_string!(i18n, import.error_too_big).to_string(),
                "required" => t_string!(i18n, import.error_empty).to_string(),
                "forbidden" => t_string!(i18n, errors.forbidden).to_string(),
                _ => t_string!(i18n, errors.unreadable).to_string(),
            })
    };
    view! {
        <div class="page import-page">
            <header class="page-header">
                <h1>{tx!(i18n, import.title)}</h1>
            </header>
            <section class="card" aria-labelledby="import-new">
                <h2 id="import-new">{tx!(i18n, import.new)}</h2>
                <p class="muted">{tx!(i18n, import.intro)}</p>
                {move || upload_error().map(|e| view! { <div class="banner banner-error" role="alert">{e}</div> })}
                <form class="form import-upload" method="post" action="/import/upload" enctype="multipart/form-data">
                    <label class="field">
                        <span>{tx!(i18n, import.kind)}</span>
                        <select name="kind" id="import-kind">
                            {KINDS.map(|k| view! {
                                <option value=k.as_str()>{move || (k.describe().plural)(i18n.get_locale())}</option>
                            })}
                        </select>
                    </label>
                    <label class="field">
                        <span>{tx!(i18n, import.file)}</span>
                        <input type="file" name="file" id="import-file" accept=".csv,.txt,text/csv" required />
                    </label>
                    <div class="form-actions">
                        <button type="submit" class="button button-primary">{tx!(i18n, import.upload)}</button>
                    </div>
                </form>
            </section>
            <section class="card" aria-labelledby="import-latest">
                <h2 id="import-latest">{tx!(i18n, import.latest)}</h2>
                <Transition fallback=|| ()>
                    {move || list.get().map(|r| match r {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                        Ok(rows) if rows.is_empty() => view! {
                            <p class="empty">{tx!(i18n, import.none)}</p>
                        }.erase(),
                        Ok(rows) => view! {
                            <table class="list-table import-list">
                                <thead><tr>
                                    <th scope="col">{tx!(i18n, import.file)}</th>
                                    <th scope="col">{tx!(i18n, import.kind)}</th>
                                    <th scope="col">{tx!(i18n, import.status)}</th>
                                    <th scope="col">{tx!(i18n, import.rows)}</th>
                                    <th scope="col">{tx!(i18n, import.by)}</th>
                                    <th scope="col">{tx!(i18n, import.when)}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| {
                                        let kind = r.kind;
                                        view! {
                                            <tr>
                                                <td class="cell-main"><a href=format!("/import/{}", r.id)>{r.file_name}</a></td>
                                                <td data-label=move || t_string!(i18n, import.kind).to_string()>
                                                    {move || (kind.describe().plural)(i18n.get_locale())}
                                                </td>
                                                <td data-label=move || t_string!(i18n, import.status).to_string()>
                                                    {move || status_label(i18n, r.status)}
                                                </td>
                                                <td class="numeric" data-label=move || t_string!(i18n, import.rows).to_string()>
                                                    {format!("{} / {}", r.done_rows, r.total_rows)}
                                                </td>
                                                <td data-label=move || t_string!(i18n, import.by).to_string()>{r.created_by_name}</td>
                                                <td data-label=move || t_string!(i18n, import.when).to_string()>{r.created_at}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.erase(),
                    })}
                </Transition>
            </section>
        </div>
    }
    .erase()
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    // Bumped to read the import again: every second while it runs.
    let version = RwSignal::new(0u32);
    let data = resource(move || (id(), version.get()), |(id, _)| import_get(id));
    Effect::new(move || {
        if let Some(Ok(v)) = data.get()
            && v.status.is_active()
        {
            gloo_timers::callback::Timeout::new(1000, move || version.update(|n| *n += 1)).forget();
        }
    });
    view! {
        <div class="page import-page">
            <header class="page-header">
                <h1>{tx!(i18n, import.title)}</h1>
                <a href="/import">{tx!(i18n, import.all)}</a>
            </header>
            <Transition fallback=|| ()>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                    Ok(v) if v.status == ImportStatus::Draft => view! { <Draft data=v version /> }.erase(),
                    Ok(v) => view! { <Progress data=v version /> }.erase(),
                })}
            </Transition>
        </div>
    }
    .erase()
}

/// The file's columns, each with the field it fills; the preview; what to
/// do with duplicates; start.
#[component]
fn Draft(data: ImportView, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let id = data.id;
    let kind = data.kind;
    let headers = data.headers.clone();
    let mapping = RwSignal::new(data.mapping.clone());
    let policy = RwSignal::new(data.on_duplicate);
    // Rows handled otherwise than `policy`, by line.
    let choices = RwSignal::new(std::collections::BTreeMap::<u64, DuplicatePolicy>::new());
    let error = RwSignal::new(None::<AppError>);
    // Both asked by the browser once the page is there: a resource of
    // this component, which is drawn inside the import's own `Transition`,
    // made hydration fail now and then (a nested resource streamed after
    // the page).
    let preview = crate::ui::browser::load_in_browser(move || {
        let m = mapping.get();
        async move { import_preview(id, m).await }
    });
    // Slower (the whole file is matched): no Suspense waits for it.
    let matches = data.matches;
    let duplicates = crate::ui::browser::load_in_browser(move || {
        let m = mapping.get();
        async move {
            if matches {
                import_duplicate_rows(id, m).await
            } else {
                Ok(DuplicateRows::default())
            }
        }
    });
    let start = Action::new(move |_: &()| async move {
        let choices = choices
            .get_untracked()
            .into_iter()
            .map(|(line, policy)| RowChoice { line, policy })
            .collect();
        import_start(id, mapping.get_untracked(), policy.get_untracked(), choices).await
    });
    Effect::new(move || match start.value().get() {
        Some(Ok(())) => version.update(|n| *n += 1),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let cancel = Action::new(move |_: &()| async move { import_cancel(id).await });
    Effect::new(move || {
        if let Some(r) = cancel.value().get() {
            match r {
                Ok(()) => version.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let field_options = move |chosen: String| {
        let none = view! {
            <option value="" selected=chosen.is_empty()>{tx!(i18n, import.not_imported)}</option>
        };
        let fields = kind
            .describe()
            .importable
            .iter()
            .map(|(f, _)| {
                let f = *f;
                view! {
                    <option value=f selected=chosen == f>
                        {move || kind.describe().label(i18n.get_locale(), f)}
                    </option>
                }
            })
            .collect_view();
        (none, fields)
    };
    let field_errors = move || match error.get() {
        Some(AppError::Invalid { fields }) => fields
            .iter()
            .map(|e| problem_line(i18n, kind, e))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let summary = format!(
        "{} · {} · « {} » · {}",
        data.file_name,
        data.encoding,
        data.delimiter.replace('\t', "tab"),
        data.total_rows
    );
    view! {
        <section class="card" aria-labelledby="import-mapping">
            <h2 id="import-mapping">{tx!(i18n, import.mapping)}</h2>
            <p class="muted import-file-summary">
                {summary} " " {tx!(i18n, import.rows_word)}
            </p>
            <p class="muted">{tx!(i18n, import.mapping_help)}</p>
            <table class="list-table import-mapping">
                <thead><tr>
                    <th scope="col">{tx!(i18n, import.column)}</th>
                    <th scope="col">{tx!(i18n, import.field)}</th>
                </tr></thead>
                <tbody>
                    {headers.iter().enumerate().map(|(i, h)| {
                        let chosen = mapping.get_untracked().get(i).cloned().unwrap_or_default();
                        let label = format!("{} {}", t_string!(i18n, import.field_for), h);
                        view! {
                            <tr>
                                <th scope="row">{h.clone()}</th>
                                <td>
                                    <select
                                        aria-label=label
                                        class="import-field"
                                        on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            mapping.update(|m| if let Some(slot) = m.get_mut(i) { *slot = v });
                                        }
                                    >
                                        {field_options(chosen)}
                                    </select>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card" aria-labelledby="import-preview">
            <h2 id="import-preview">{tx!(i18n, import.preview)}</h2>
            {move || preview.get().map(|r| match r {
                Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                Ok(rows) => view! { <PreviewTable kind rows mapping=mapping.get_untracked() /> }.erase(),
            })}
        </section>
        <section class="card" aria-labelledby="import-duplicates">
            <h2 id="import-duplicates">{tx!(i18n, import.duplicates)}</h2>
            <p class="muted">
                {move || match (matches, kind) {
                    (false, _) => t_string!(i18n, import.no_duplicates).to_string(),
                    (true, RecordKind::Deal) => t_string!(i18n, import.duplicates_help_deal).to_string(),
                    (true, _) => t_string!(i18n, import.duplicates_help).to_string(),
                }}
            </p>
            <div class:hidden=!matches>
            <fieldset class="import-policy">
                <legend class="visually-hidden">{tx!(i18n, import.duplicates)}</legend>
                {DuplicatePolicy::ALL.map(|p| view! {
                    <label class="radio">
                        <input
                            type="radio"
                            name="on_duplicate"
                            value=p.as_str()
                            // The attribute, drawn by the server too: the default is
                            // checked before the app starts (a `prop:` is not).
                            checked=move || policy.get() == p
                            on:change=move |_| policy.set(p)
                        />
                        <span>{move || policy_label(i18n, p)}</span>
                    </label>
                })}
            </fieldset>
            // Drawn the same by the server and at hydration; the rows come
            // after, in the browser.
            <p class="muted" class:hidden=move || duplicates.with(Option::is_some)>
                {tx!(i18n, import.rows_looking)}
            </p>
            {move || duplicates.get().map(|r| match r {
                Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                Ok(found) => view! { <DuplicateRowsTable found mapping=mapping.get_untracked() choices /> }.erase(),
            })}
            </div>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid { .. }))) />
            <ul class="form-errors" role="alert">
                {move || field_errors().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
            </ul>
            <div class="form-actions">
                <button
                    class="button button-primary"
                    id="import-start"
                    disabled=move || start.pending().get()
                    on:click=move |_| { error.set(None); start.dispatch(()); }
                >
                    {tx!(i18n, import.start)}
                </button>
                <button class="button" on:click=move |_| { cancel.dispatch(()); }>
                    {tx!(i18n, import.discard)}
                </button>
            </div>
        </section>
    }
    .erase()
}

/// The rows of the file already in Relais, each with what to do with it
/// ("as chosen above" unless chosen here).
#[component]
fn DuplicateRowsTable(
    found: DuplicateRows,
    mapping: Vec<String>,
    choices: RwSignal<std::collections::BTreeMap<u64, DuplicatePolicy>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if found.total == 0 {
        return view! { <p class="muted">{tx!(i18n, import.rows_none)}</p> }.erase();
    }
    let total = found.total;
    let listed = found.rows.len();
    let row_policy = move |p: DuplicatePolicy| match p {
        DuplicatePolicy::Fill => t_string!(i18n, import.row_fill).to_string(),
        DuplicatePolicy::Overwrite => t_string!(i18n, import.row_overwrite).to_string(),
        DuplicatePolicy::Skip => t_string!(i18n, import.row_skip).to_string(),
        DuplicatePolicy::Create => t_string!(i18n, import.row_create).to_string(),
    };
    let body = found
        .rows
        .into_iter()
        .map(|row| {
            let line = row.line;
            // The mapped cells, as the row says them.
            let summary = row
                .cells
                .iter()
                .zip(&mapping)
                .filter(|(c, f)| !f.is_empty() && !c.trim().is_empty())
                .map(|(c, _)| c.trim().to_string())
                .collect::<Vec<_>>()
                .join(" · ");
            let link = row.same_as;
            view! {
                <tr data-line=line>
                    <td class="numeric" data-label=move || t_string!(i18n, import.line).to_string()>{line}</td>
                    <td data-label=move || t_string!(i18n, import.row_in_file).to_string()>{summary}</td>
                    <td data-label=move || t_string!(i18n, import.same_as).to_string()>
                        {link.map(|l| view! { <a href=l.kind.href(l.id)>{l.name}</a> " " <span class="muted">{l.detail}</span> })}
                    </td>
                    <td data-label=move || t_string!(i18n, import.row_choice_head).to_string()>
                        <select
                            class="import-row-choice"
                            aria-label=move || t_string!(i18n, import.row_choice, line).to_string()
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                choices.update(|c| match DuplicatePolicy::parse(&v) {
                                    Some(p) => { c.insert(line, p); }
                                    None => { c.remove(&line); }
                                });
                            }
                        >
                            <option value="" selected=move || !choices.with(|c| c.contains_key(&line))>
                                {move || t_string!(i18n, import.row_default).to_string()}
                            </option>
                            {DuplicatePolicy::ALL.map(|p| view! {
                                <option value=p.as_str() selected=move || choices.with(|c| c.get(&line) == Some(&p))>
                                    {move || row_policy(p)}
                                </option>
                            })}
                        </select>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="import-rows-found">
            {t_string!(i18n, import.rows_found, n = total).to_string()}
            {((listed as u64) < total).then(|| format!(" {}", t_string!(i18n, import.rows_listed, n = listed)))}
        </p>
        <div class="table-scroll import-rows-scroll">
            <table class="list-table import-duplicate-rows">
                <thead><tr>
                    <th scope="col">{tx!(i18n, import.line)}</th>
                    <th scope="col">{tx!(i18n, import.row_in_file)}</th>
                    <th scope="col">{tx!(i18n, import.same_as)}</th>
                    <th scope="col">{tx!(i18n, import.row_choice_head)}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .erase()
}

/// The first rows as they will be saved: the mapped columns, each cell's
/// problem under it, and the record a row is the same as.
#[component]
fn PreviewTable(kind: RecordKind, rows: Vec<PreviewRow>, mapping: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let columns: Vec<(usize, String)> = mapping
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_empty())
        .map(|(i, f)| (i, f.clone()))
        .collect();
    let heads = columns
        .iter()
        .map(|(_, f)| {
            let f = f.clone();
            view! { <th scope="col">{move || kind.describe().label(i18n.get_locale(), &f)}</th> }
        })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let refused = !row.problems.is_empty();
            let cells = columns
                .iter()
                .map(|(i, f)| {
                    let value = row.cells.get(*i).cloned().unwrap_or_default();
                    let problem = row.problems.iter().find(|e| &e.field == f).map(|e| e.problem);
                    let class = if problem.is_some() { "cell-error" } else { "" };
                    let f = f.clone();
                    let label = move || kind.describe().label(i18n.get_locale(), &f);
                    view! {
                        <td class=class data-label=label>
                            {value}
                            {problem.map(|p| view! { <span class="cell-problem">{move || problem_text(i18n, p)}</span> })}
                        </td>
                    }
                })
                .collect_view();
            // Problems of fields that are not columns (a required one
            // left unmapped, a row the checks refuse as a whole).
            let others: Vec<FieldError> = row
                .problems
                .iter()
                .filter(|e| !columns.iter().any(|(_, f)| f == &e.field))
                .cloned()
                .collect();
            let status = if refused {
                view! {
                    <span class="badge badge-danger">{tx!(i18n, import.will_refuse)}</span>
                    {others.into_iter().map(|e| view! { <span class="cell-problem">{move || problem_line(i18n, kind, &e)}</span> }).collect_view()}
                }
                .erase()
            } else if let Some(link) = row.same_as {
                view! {
                    <span class="badge badge-warning">{tx!(i18n, import.same_as)}</span>
                    " " <a href=link.kind.href(link.id)>{link.name}</a>
                }
                .erase()
            } else {
                view! { <span class="badge">{tx!(i18n, import.will_create)}</span> }.erase()
            };
            view! {
                <tr class:row-refused=refused>
                    <td class="numeric" data-label=move || t_string!(i18n, import.line).to_string()>{row.line}</td>
                    {cells}
                    <td data-label=move || t_string!(i18n, import.outcome).to_string()>{status}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="list-table import-preview">
                <thead><tr>
                    <th scope="col">{tx!(i18n, import.line)}</th>
                    {heads}
                    <th scope="col">{tx!(i18n, import.outcome)}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .erase()
}

/// A queued or running import's progress; a finished one's counts, its
/// refused rows and "Undo the import".
#[component]
fn Progress(data: ImportView, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let id = data.id;
    let error = RwSignal::new(None::<AppError>);
    let confirm_undo = RwSignal::new(false);
    let cancel = Action::new(move |_: &()| async move { import_cancel(id).await });
    let undo = Action::new(move |_: &()| async move { import_undo(id).await });
    Effect::new(move || {
        let done = cancel.value().get().map(|r| r.map(|_| ()));
        let undone = undo.value().get().map(|r| r.map(|_| ()));
        match done.or(undone) {
            Some(Ok(())) => version.update(|n| *n += 1),
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        }
    });
    let total = data.total_rows.max(0);
    let done = data.done_rows.max(0);
    let percent = if total > 0 { done * 100 / total } else { 100 };
    // The time left at the pace so far.
    let left = match data.elapsed_secs {
        Some(secs) if done > 0 && done < total && data.status.is_active() => {
            Some(((total - done) as i64 * secs.max(1) / done as i64).max(1))
        }
        _ => None,
    };
    let left_text = move || {
        left.map(|s| {
            if s < 60 {
                t_string!(i18n, import.left_seconds, n = s).to_string()
            } else {
                t_string!(i18n, import.left_minutes, n = (s + 59) / 60).to_string()
            }
        })
    };
    let status = data.status;
    let counts = [
        (data.created, "created"),
        (data.updated, "updated"),
        (data.skipped, "skipped"),
        (data.refused, "refused"),
    ];
    let count_label = move |key: &str| match key {
        "created" => t_string!(i18n, import.created).to_string(),
        "updated" => t_string!(i18n, import.updated).to_string(),
        "skipped" => t_string!(i18n, import.skipped).to_string(),
        _ => t_string!(i18n, import.refused).to_string(),
    };
    let refused = data.refused;
    let can_undo = data.can_undo;
    view! {
        <section class="card import-progress" aria-labelledby="import-run">
            <h2 id="import-run">{data.file_name.clone()}</h2>
            <p class="import-status">
                <span class="badge">{move || status_label(i18n, status)}</span>
                " " {format!("{done} / {total}")} " " {tx!(i18n, import.rows_word)}
                " " {left_text}
            </p>
            <progress max=total.max(1) value=done aria-label=move || t_string!(i18n, import.progress).to_string()>
                {format!("{percent} %")}
            </progress>
            <dl class="import-counts">
                {counts.map(|(n, key)| view! {
                    <div class=format!("import-count import-{key}")>
                        <dt>{move || count_label(key)}</dt>
                        <dd>{n}</dd>
                    </div>
                })}
            </dl>
            <ErrorBanner error=error />
            <div class="form-actions">
                {status.is_active().then(|| view! {
                    <button class="button" on:click=move |_| { cancel.dispatch(()); }>{tx!(i18n, import.cancel)}</button>
                })}
                {(refused > 0).then(|| view! {
                    <a class="button" href=format!("/import/{id}/refused.csv") download="">{tx!(i18n, import.download_refused)}</a>
                })}
                {(can_undo && !status.is_active()).then(|| view! {
                    <button class="button danger" on:click=move |_| confirm_undo.set(true)>{tx!(i18n, import.undo)}</button>
                })}
            </div>
            <ConfirmDialog
                open=confirm_undo
                title=move || t_string!(i18n, import.undo).to_string()
                body=move || t_string!(i18n, import.undo_confirm).to_string()
                confirm_label=move || t_string!(i18n, import.undo).to_string()
                on_confirm=Callback::new(move |_| { undo.dispatch(()); })
            />
        </section>
    }
    .erase()
}
