//! Server functions of the profile settings. Every one starts with `require`.

use super::ProfileSettings;
use crate::error::AppResult;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::{Colleague, capacity_hours, capacity_minutes, check_profile},
    crate::auth::Role,
    crate::error::{AppError, FieldError, FieldProblem},
    crate::ssr::{guard::require, pool, settings, zones},
};

#[cfg(feature = "ssr")]
fn feed_url(token: &str) -> String {
    format!(
        "{}/feed/{token}.ics",
        settings().public_url.trim_end_matches('/')
    )
}

#[cfg(feature = "ssr")]
fn invalid(field: &str, problem: FieldProblem) -> AppError {
    AppError::invalid(vec![FieldError {
        field: field.into(),
        problem,
    }])
}

#[server(prefix = "/api/settings", endpoint = "my_settings", input = server_fn::codec::Json)]
pub async fn my_settings() -> AppResult<ProfileSettings> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let minutes: i32 = sqlx::query_scalar("SELECT daily_capacity_minutes FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(&pool)
        .await?;
    let colleagues: Vec<(i64, String, bool)> = sqlx::query_as(
        "SELECT u.id, u.name, EXISTS (SELECT 1 FROM calendar_shares s WHERE s.owner_id = $1 AND s.viewer_id = u.id)
         FROM users u WHERE u.active AND u.id <> $1 ORDER BY lower(u.name), u.id",
    )
    .bind(user.id)
    .fetch_all(&pool)
    .await?;
    let token: Option<String> =
        sqlx::query_scalar("SELECT token FROM calendar_feeds WHERE user_id = $1")
            .bind(user.id)
            .fetch_optional(&pool)
            .await?;
    let mut zones: Vec<String> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| z.name().to_string())
        .collect();
    zones.sort();
    Ok(ProfileSettings {
        week_start: user.week_start.clone(),
        time_zone: user.time_zone.clone(),
        capacity_hours: capacity_hours(minutes),
        zones,
        colleagues: colleagues
            .into_iter()
            .map(|(id, name, shared)| Colleague { id, name, shared })
            .collect(),
        sees_all: user.role.includes(Role::Manager),
        feed_url: token.as_deref().map(feed_url),
        reminders_by: user.reminders_by.clone(),
        mail_configured: settings().mail_configured,
    })
}

/// How my reminders reach me: `browser`, `mail` or `both`.
#[server(prefix = "/api/settings", endpoint = "save_reminders", input = server_fn::codec::Json)]
pub async fn save_reminders(reminders_by: String) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let mut checks = crate::validate::Checks::new();
    checks.required("reminders_by", &reminders_by).choice(
        "reminders_by",
        &reminders_by,
        crate::auth::REMINDERS_BY,
    );
    checks.finish()?;
    sqlx::query("UPDATE users SET reminders_by = $2, updated_at = now() WHERE id = $1")
        .bind(user.id)
        .bind(&reminders_by)
        .execute(&pool()?)
        .await?;
    Ok(())
}

/// Saves the time zone (an IANA name), the daily capacity (0–24 h) and the
/// first day of the week (`crate::calendar::WEEK_STARTS`).
#[server(prefix = "/api/settings", endpoint = "save_profile", input = server_fn::codec::Json)]
pub async fn save_profile(
    time_zone: String,
    capacity_hours: String,
    #[server(default)] week_start: String,
) -> AppResult<()> {
    let user = require(Role::Member).await?;
    let week_start = if week_start.is_empty() {
        "auto".to_string()
    } else {
        week_start
    };
    let mut errors = check_profile(&time_zone, &capacity_hours);
    if !crate::calendar::WEEK_STARTS.contains(&week_start.as_str()) {
        errors.push(FieldError {
            field: "week_start".into(),
            problem: FieldProblem::InvalidChoice,
        });
    }
    if !time_zone.trim().is_empty() && !zones::is_zone(time_zone.trim()) {
        errors.push(FieldError {
            field: "time_zone".into(),
            problem: FieldProblem::InvalidChoice,
        });
    }
    let Some(minutes) = capacity_minutes(&capacity_hours).filter(|_| errors.is_empty()) else {
        return Err(AppError::invalid(errors));
    };
    let pool = pool()?;
    sqlx::query(
        "UPDATE users SET time_zone = $2, daily_capacity_minutes = $3, week_start = $4, updated_at = now()
         WHERE id = $1",
    )
    .bind(user.id)
    .bind(time_zone.trim())
    .bind(minutes)
    .bind(&week_start)
    .execute(&pool)
    .await?;
    // The calendar reads the first day of the week from its cookie.
    if let Some(user) = crate::ssr::guard::load_user(user.id).await? {
        crate::ssr::cookies::set_user_prefs(&user);
    }
    Ok(())
}

/// Replaces the set of colleagues who may see my calendar; returns it.
#[server(prefix = "/api/settings", endpoint = "share_calendar", input = server_fn::codec::Json)]
pub async fn share_calendar(viewers: Vec<i64>) -> AppResult<Vec<i64>> {
    let user = require(Role::Member).await?;
    let mut viewers = viewers;
    viewers.sort_unstable();
    viewers.dedup();
    if viewers.contains(&user.id) || viewers.len() > 10_000 {
        return Err(invalid("viewers", FieldProblem::InvalidChoice));
    }
    let pool = pool()?;
    let active: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE id = ANY($1) AND active")
            .bind(&viewers)
            .fetch_one(&pool)
            .await?;
    if active != viewers.len() as i64 {
        return Err(invalid("viewers", FieldProblem::InvalidChoice));
    }
    let mut tx = pool.begin().await?;
    // Shares with deactivated colleagues are not shown, so not replaced:
    // they come back as they were if the colleague is reactivated.
    sqlx::query(
        "DELETE FROM calendar_shares s USING users u
         WHERE s.owner_id = $1 AND u.id = s.viewer_id AND u.active",
    )
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO calendar_shares (owner_id, viewer_id)
         SELECT $1, v FROM unnest($2::bigint[]) AS v ON CONFLICT DO NOTHING",
    )
    .bind(user.id)
    .bind(&viewers)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(viewers)
}

/// Makes my subscription link if I have none; returns its URL.
#[server(prefix = "/api/settings", endpoint = "create_feed", input = server_fn::codec::Json)]
pub async fn create_feed() -> AppResult<String> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    let token = hex::encode(rand::random::<[u8; 32]>());
    sqlx::query(
        "INSERT INTO calendar_feeds (token, user_id) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(&token)
    .bind(user.id)
    .execute(&pool)
    .await?;
    let token: String = sqlx::query_scalar("SELECT token FROM calendar_feeds WHERE user_id = $1")
        .bind(user.id)
        .fetch_one(&pool)
        .await?;
    Ok(feed_url(&token))
}

/// Revokes my subscription link: its URL answers 404 from now on.
#[server(prefix = "/api/settings", endpoint = "revoke_feed", input = server_fn::codec::Json)]
pub async fn revoke_feed() -> AppResult<()> {
    let user = require(Role::Member).await?;
    sqlx::query("DELETE FROM calendar_feeds WHERE user_id = $1")
        .bind(user.id)
        .execute(&pool()?)
        .await?;
    Ok(())
}
