//! Pipelines and their ordered stages, edited by an admin. A stage's
//! probability is the default of the deals that enter it.

use super::{Pipeline, list_pipelines};
use crate::error::{AppError, AppResult};
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::ErrorBanner;
use crate::ui::resource::resource;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::error::{FieldError, FieldProblem},
    crate::ssr::{guard::require, pool},
    crate::validate::Checks,
};

/// Creates or renames a pipeline (admin); returns its id.
#[server(prefix = "/api/pipelines", endpoint = "save", input = server_fn::codec::Json)]
pub async fn save_pipeline(id: Option<i64>, name: String, active: bool) -> AppResult<i64> {
    require(Role::Admin).await?;
    let mut c = Checks::new();
    c.required("name", &name).line("name", &name);
    c.finish()?;
    let pool = pool()?;
    let saved: Option<i64> = match id {
        None => {
            sqlx::query_scalar(
                "INSERT INTO pipelines (name, active, position)
             VALUES ($1, $2, (SELECT coalesce(max(position), -1) + 1 FROM pipelines)) RETURNING id",
            )
            .bind(name.trim())
            .bind(active)
            .fetch_optional(&pool)
            .await?
        }
        Some(id) => {
            sqlx::query_scalar(
                "UPDATE pipelines SET name = $1, active = $2 WHERE id = $3 RETURNING id",
            )
            .bind(name.trim())
            .bind(active)
            .bind(id)
            .fetch_optional(&pool)
            .await?
        }
    };
    saved.ok_or(AppError::NotFound)
}

/// Creates (at the end) or updates a stage (admin); returns its id.
#[server(prefix = "/api/pipelines", endpoint = "save_stage", input = server_fn::codec::Json)]
pub async fn save_stage(
    id: Option<i64>,
    pipeline_id: i64,
    name: String,
    probability: i32,
) -> AppResult<i64> {
    require(Role::Admin).await?;
    let mut c = Checks::new();
    c.required("name", &name).line("name", &name);
    let mut errors = c.errors().to_vec();
    if !(0..=100).contains(&probability) {
        errors.push(FieldError {
            field: "probability".into(),
            problem: FieldProblem::InvalidNumber,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let pool = pool()?;
    let saved: Option<i64> = match id {
        None => sqlx::query_scalar(
            "INSERT INTO pipeline_stages (pipeline_id, name, probability, position)
             SELECT $1, $2, $3, coalesce(max(position), -1) + 1 FROM pipeline_stages WHERE pipeline_id = $1
             RETURNING id",
        )
        .bind(pipeline_id)
        .bind(name.trim())
        .bind(probability)
        .fetch_optional(&pool)
        .await?,
        Some(id) => sqlx::query_scalar(
            "UPDATE pipeline_stages SET name = $1, probability = $2 WHERE id = $3 AND pipeline_id = $4 RETURNING id",
        )
        .bind(name.trim())
        .bind(probability)
        .bind(id)
        .bind(pipeline_id)
        .fetch_optional(&pool)
        .await?,
    };
    saved.ok_or(AppError::NotFound)
}

/// Moves a stage one place earlier (`up`) or later, swapping with its neighbour.
#[server(prefix = "/api/pipelines", endpoint = "move_stage", input = server_fn::codec::Json)]
pub async fn move_stage(id: i64, up: bool) -> AppResult<()> {
    require(Role::Admin).await?;
    let pool = pool()?;
    let mut tx = pool.begin().await?;
    // Lock the pipeline's stages so two admins never interleave swaps.
    let stages: Vec<(i64, i32)> = sqlx::query_as(
        "SELECT id, position FROM pipeline_stages
         WHERE pipeline_id = (SELECT pipeline_id FROM pipeline_stages WHERE id = $1) AND active
         ORDER BY position, id FOR UPDATE",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let Some(i) = stages.iter().position(|s| s.0 == id) else {
        return Err(AppError::NotFound);
    };
    let j = if up {
        i.checked_sub(1)
    } else {
        Some(i + 1).filter(|j| *j < stages.len())
    };
    if let Some(j) = j {
        // Renumber in the new order so positions stay distinct.
        let mut order: Vec<i64> = stages.iter().map(|s| s.0).collect();
        order.swap(i, j);
        for (pos, sid) in order.iter().enumerate() {
            sqlx::query("UPDATE pipeline_stages SET position = $1 WHERE id = $2")
                .bind(pos as i32)
                .bind(sid)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Removes a stage that no live deal uses.
#[server(prefix = "/api/pipelines", endpoint = "remove_stage", input = server_fn::codec::Json)]
pub async fn remove_stage(id: i64) -> AppResult<()> {
    require(Role::Admin).await?;
    let pool = pool()?;
    let used: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM deals WHERE stage_id = $1 AND deleted_at IS NULL)",
    )
    .bind(id)
    .fetch_one(&pool)
    .await?;
    if used {
        return Err(AppError::invalid(vec![FieldError {
            field: "stage".into(),
            problem: FieldProblem::InUse,
        }]));
    }
    // Deals in the trash may still point at it: hide rather than delete.
    sqlx::query("UPDATE pipeline_stages SET active = false WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await?;
    Ok(())
}

#[component]
fn StageRow(
    pipeline: i64,
    stage: super::Stage,
    first: bool,
    last: bool,
    changed: Callback<()>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(stage.name.clone());
    let probability = RwSignal::new(stage.probability.to_string());
    let id = stage.id;
    let run =
        move |f: std::pin::Pin<Box<dyn std::future::Future<Output = AppResult<()>> + Send>>| {
            leptos::task::spawn_local(async move {
                match f.await {
                    Ok(()) => {
                        error.set(None);
                        changed.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        };
    view! {
        <li class="stage-row">
            <input aria-label=move || t_string!(i18n, pipeline.stage_name).to_string() prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            <input type="number" min="0" max="100" class="narrow" aria-label=move || t_string!(i18n, deal.probability).to_string()
                prop:value=move || probability.get() on:input=move |ev| probability.set(event_target_value(&ev)) />
            <span aria-hidden="true">"%"</span>
            <button class="button" on:click=move |_| {
                let (n, p) = (name.get_untracked(), probability.get_untracked().parse().unwrap_or(-1));
                run(Box::pin(async move { save_stage(Some(id), pipeline, n, p).await.map(|_| ()) }));
            }>{move || t_string!(i18n, common.save).to_string()}</button>
            <button class="icon-button" disabled=first aria-label=move || t_string!(i18n, pipeline.move_up).to_string()
                on:click=move |_| run(Box::pin(move_stage(id, true)))>"↑"</button>
            <button class="icon-button" disabled=last aria-label=move || t_string!(i18n, pipeline.move_down).to_string()
                on:click=move |_| run(Box::pin(move_stage(id, false)))>"↓"</button>
            <button class="icon-button" aria-label=move || t_string!(i18n, common.delete).to_string()
                on:click=move |_| run(Box::pin(remove_stage(id)))>"×"</button>
        </li>
    }
    .erase()
}

#[component]
fn PipelineCard(p: Pipeline, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<AppError>);
    let new_stage = RwSignal::new(String::new());
    let new_probability = RwSignal::new("10".to_string());
    let pid = p.id;
    let n = p.stages.len();
    let stages = p
        .stages
        .into_iter()
        .enumerate()
        .map(|(i, s)| view! { <StageRow pipeline=pid stage=s first=i == 0 last=i + 1 == n changed=changed error=error /> })
        .collect_view();
    view! {
        <section class="card pipeline">
            <h2>{p.name}</h2>
            <ErrorBanner error=error />
            <ol class="stages">{stages}</ol>
            <form class="stage-row" on:submit=move |ev| {
                ev.prevent_default();
                let (name, prob) = (new_stage.get_untracked(), new_probability.get_untracked().parse().unwrap_or(-1));
                leptos::task::spawn_local(async move {
                    match save_stage(None, pid, name, prob).await {
                        Ok(_) => {
                            new_stage.set(String::new());
                            changed.run(());
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            }>
                <input aria-label=move || t_string!(i18n, pipeline.new_stage).to_string()
                    placeholder=move || t_string!(i18n, pipeline.new_stage).to_string()
                    prop:value=move || new_stage.get() on:input=move |ev| new_stage.set(event_target_value(&ev)) />
                <input type="number" min="0" max="100" class="narrow" aria-label=move || t_string!(i18n, deal.probability).to_string()
                    prop:value=move || new_probability.get() on:input=move |ev| new_probability.set(event_target_value(&ev)) />
                <span aria-hidden="true">"%"</span>
                <button type="submit" class="button">{move || t_string!(i18n, pipeline.add_stage).to_string()}</button>
            </form>
        </section>
    }
    .erase()
}

/// A pipeline as a member sees it: its stages and their probabilities.
#[component]
fn PipelineView(p: Pipeline) -> impl IntoView {
    view! {
        <section class="card pipeline">
            <h2>{p.name}</h2>
            <ol class="stages stages-read">
                {p
                    .stages
                    .into_iter()
                    .map(|s| view! { <li>{s.name}" — "{s.probability}" %"</li> })
                    .collect_view()}
            </ol>
        </section>
    }
    .erase()
}

/// The pipelines page: editable by an admin; a member or manager who opens
/// it reads the pipelines and is told who can change them (every change is
/// refused to them by the server anyway).
#[component]
pub fn PipelinesPage() -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0u32);
    let pipelines = resource(move || refresh.get(), |_| list_pipelines(true));
    let me = expect_context::<crate::layout::Me>();
    let changed = Callback::new(move |_| refresh.update(|n| *n += 1));
    view! {
        <div class="page pipelines-page">
            <header class="page-header">
                <h1>{tx!(i18n, pipeline.title)}</h1>
            </header>
            <Transition fallback=|| ()>
                {move || {
                    let admin = me.0.get()?.ok()?.role == crate::auth::Role::Admin;
                    Some(pipelines.get()?.map(|list| {
                        if admin {
                            view! {
                                {list.into_iter().map(|p| view! { <PipelineCard p=p changed=changed /> }).collect_view()}
                                <NewPipeline changed=changed />
                            }
                            .erase()
                        } else {
                            view! {
                                <p class="banner banner-info" role="note">{t_string!(i18n, pipeline.read_only).to_string()}</p>
                                {list.into_iter().map(|p| view! { <PipelineView p=p /> }).collect_view()}
                            }
                            .erase()
                        }
                    }).unwrap_or_else(|e| view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase()))
                }}
            </Transition>
        </div>
    }
    .erase()
}

/// "New pipeline" (admin).
#[component]
fn NewPipeline(changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let new_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    view! {
            <ErrorBanner error=error />
            <form class="card stage-row" on:submit=move |ev| {
                ev.prevent_default();
                let name = new_name.get_untracked();
                leptos::task::spawn_local(async move {
                    match save_pipeline(None, name, true).await {
                        Ok(_) => {
                            new_name.set(String::new());
                            error.set(None);
                            changed.run(());
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            }>
                <input aria-label=move || t_string!(i18n, pipeline.new_pipeline).to_string()
                    placeholder=move || t_string!(i18n, pipeline.new_pipeline).to_string()
                    prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev)) />
                <button type="submit" class="button">{move || t_string!(i18n, pipeline.add_pipeline).to_string()}</button>
            </form>
    }
    .erase()
}
