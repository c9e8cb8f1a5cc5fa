//! Changes to records outside their forms: one field at a time (inline edit
//! in lists and on record pages) and many records at once (mass actions).
//! Both go through the history trigger like any other save.

use super::RecordKind;
use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::access::{May, ssr as access},
    crate::auth::Role,
    crate::error::AppError,
    crate::ssr::{guard::require, pool, records},
    crate::validate::opt,
    sqlx::AssertSqlSafe,
};

/// How a field edited in place is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRule {
    /// A single line, required.
    Name,
    Line,
    Email,
    Phone,
    Url,
    Date,
    /// A non-negative amount.
    Amount,
}

impl FieldRule {
    /// The input's `type` and `inputmode`, so a phone shows the keyboard the
    /// field needs (email, dial pad, URL, date, decimal digits).
    pub fn input_type(self) -> (&'static str, &'static str) {
        match self {
            FieldRule::Name | FieldRule::Line => ("text", "text"),
            FieldRule::Email => ("email", "email"),
            FieldRule::Phone => ("tel", "tel"),
            FieldRule::Url => ("url", "url"),
            FieldRule::Date => ("date", "none"),
            FieldRule::Amount => ("text", "decimal"),
        }
    }
}

/// The fields that can be edited in place, per kind (its descriptor's).
pub fn editable(kind: RecordKind, field: &str) -> Option<FieldRule> {
    kind.describe().editable(field)
}

/// The per-field problems of `value` for `field`, as the form would say.
pub fn check_field(rule: FieldRule, field: &str, value: &str) -> Vec<crate::error::FieldError> {
    let mut c = crate::validate::Checks::new();
    match rule {
        FieldRule::Name => {
            c.required(field, value).line(field, value);
        }
        FieldRule::Line => {
            c.line(field, value);
        }
        FieldRule::Email => {
            c.email(field, value);
        }
        FieldRule::Phone => {
            c.phone(field, value);
        }
        FieldRule::Url => {
            c.url(field, value);
        }
        FieldRule::Date => {
            c.date(field, value);
        }
        FieldRule::Amount => {
            let v = value.trim().replace(',', ".");
            if !v.is_empty() && !v.parse::<f64>().is_ok_and(|a| (0.0..1e12).contains(&a)) {
                return vec![crate::error::FieldError {
                    field: field.into(),
                    problem: crate::error::FieldProblem::InvalidNumber,
                }];
            }
        }
    }
    c.errors().to_vec()
}

/// Sets one field of a record read at `version`; returns the new version.
#[server(prefix = "/api/records", endpoint = "edit_field", input = server_fn::codec::Json)]
pub async fn edit_field(
    kind: RecordKind,
    id: i64,
    version: i32,
    field: String,
    value: String,
) -> AppResult<i32> {
    let user = require(Role::Member).await?;
    let rule = editable(kind, &field).ok_or(AppError::Forbidden)?;
    let problems = check_field(rule, &field, &value);
    if !problems.is_empty() {
        return Err(AppError::invalid(problems));
    }
    let pool = pool()?;
    access::ensure(&pool, &user, kind, id, May::Change).await?;
    let mut tx = records::begin_as(&pool, user.id).await?;
    // `field` is one of the whitelisted names above, never caller text.
    let cast = match rule {
        FieldRule::Date => "::date",
        FieldRule::Amount => "::numeric",
        _ => "",
    };
    let value = match rule {
        FieldRule::Amount => opt(&value.replace(',', ".")),
        _ => opt(&value),
    };
    let set = format!("{field} = $1{cast}");
    let saved = records::update_versioned(
        &mut tx,
        kind.module(),
        (id, version, user.id),
        (&set, 1),
        |q| q.bind(value),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// What to do to every selected record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum MassChange {
    Assign { owner_id: i64 },
    AddTag { name: String },
    Delete,
}

pub const MAX_MASS: usize = 1000;

/// What a mass action did: records changed, and records of the selection
/// the caller may not change that way (left as they were).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MassDone {
    pub changed: u64,
    pub refused: u64,
}

/// Applies `action` to the records `ids` (at most [`MAX_MASS`]) that the
/// caller may change that way (`access`: assigning needs `Reassign`, a tag
/// `Change`, the trash `Delete`). Deleting needs no version: it moves to
/// the trash, from which it can be restored.
#[server(prefix = "/api/records", endpoint = "mass", input = server_fn::codec::Json)]
pub async fn mass_action(
    kind: RecordKind,
    ids: Vec<i64>,
    action: MassChange,
) -> AppResult<MassDone> {
    let user = require(Role::Member).await?;
    if ids.len() > MAX_MASS {
        return Err(AppError::invalid(vec![crate::error::FieldError {
            field: "ids".into(),
            problem: crate::error::FieldProblem::TooMany { max: MAX_MASS },
        }]));
    }
    let pool = pool()?;
    let table = kind.module();
    let needs = match action {
        MassChange::Assign { .. } => May::Reassign,
        MassChange::AddTag { .. } => May::Change,
        MassChange::Delete => May::Delete,
    };
    let mut tx = records::begin_as(&pool, user.id).await?;
    let allowed = access::filter_ids(&mut *tx, &user, kind, &ids, needs).await?;
    let refused = (ids.len() - allowed.len()) as u64;
    let ids = allowed;
    let changed = match action {
        MassChange::Assign { owner_id } => {
            let owner = records::owner_or_self(&pool, Some(owner_id), &user).await?;
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE {table} SET owner_id = $1, updated_by = $2, updated_at = now(), version = version + 1
                 WHERE id = ANY($3) AND deleted_at IS NULL AND owner_id IS DISTINCT FROM $1"
            )))
            .bind(owner)
            .bind(user.id)
            .bind(&ids)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        }
        MassChange::AddTag { name } => {
            let tag = super::marks::tag_id(&mut *tx, &name).await?;
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO record_tags (tag_id, record_type, record_id)
                 SELECT $1, $2, id FROM {table} WHERE id = ANY($3) AND deleted_at IS NULL
                 ON CONFLICT DO NOTHING"
            )))
            .bind(tag)
            .bind(kind.as_str())
            .bind(&ids)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        }
        MassChange::Delete => sqlx::query(AssertSqlSafe(format!(
            "UPDATE {table} SET deleted_at = now(), updated_by = $1, updated_at = now(), version = version + 1
             WHERE id = ANY($2) AND deleted_at IS NULL"
        )))
        .bind(user.id)
        .bind(&ids)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    };
    tx.commit().await?;
    Ok(MassDone { changed, refused })
}
