//! Layouts a user arranges and finds again on every device: which fields
//! board cards show, which Desk panels show and in what order. Stored per
//! user in `user_layouts`; the server accepts only known items.

use crate::error::AppResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::error::{AppError, FieldError, FieldProblem},
    crate::ssr::{guard::require, pool},
};

/// What can be arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayoutKey {
    TaskCards,
    DealCards,
    Desk,
}

impl LayoutKey {
    pub fn as_str(self) -> &'static str {
        match self {
            LayoutKey::TaskCards => "board.tasks",
            LayoutKey::DealCards => "board.deals",
            LayoutKey::Desk => "desk",
        }
    }

    /// Every item, in the default order.
    pub fn items(self) -> &'static [&'static str] {
        match self {
            LayoutKey::TaskCards => crate::kanban::TASK_FIELDS,
            LayoutKey::DealCards => crate::kanban::DEAL_FIELDS,
            LayoutKey::Desk => crate::desk::PANELS,
        }
    }

    /// What shows until the user chooses.
    pub fn default_items(self) -> &'static [&'static str] {
        match self {
            LayoutKey::TaskCards => crate::kanban::TASK_FIELDS_DEFAULT,
            LayoutKey::DealCards => crate::kanban::DEAL_FIELDS_DEFAULT,
            LayoutKey::Desk => crate::desk::PANELS,
        }
    }

    /// `items` are known and none twice.
    pub fn accepts(self, items: &[String]) -> bool {
        items.len() <= self.items().len()
            && items
                .iter()
                .enumerate()
                .all(|(i, it)| self.items().contains(&it.as_str()) && !items[..i].contains(it))
    }
}

/// The user's items for `key` (shown ones, in order), or the default.
#[server(prefix = "/api/layouts", endpoint = "get", input = server_fn::codec::Json)]
pub async fn my_layout(key: LayoutKey) -> AppResult<Vec<String>> {
    let user = require(Role::Member).await?;
    layout_of(&pool()?, user.id, key).await
}

/// User `user_id`'s items for `key`, for a server function that has
/// checked who asks (the Desk reads its layout with its figures).
#[cfg(feature = "ssr")]
pub async fn layout_of(
    pool: &sqlx::PgPool,
    user_id: i64,
    key: LayoutKey,
) -> AppResult<Vec<String>> {
    let saved: Option<Vec<String>> =
        sqlx::query_scalar("SELECT items FROM user_layouts WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key.as_str())
            .fetch_optional(pool)
            .await?;
    Ok(saved
        // Items that no longer exist are dropped, not shown as unknown.
        .map(|v| {
            v.into_iter()
                .filter(|i| key.items().contains(&i.as_str()))
                .collect()
        })
        .unwrap_or_else(|| key.default_items().iter().map(|s| s.to_string()).collect()))
}

/// Remembers the user's items for `key`.
#[server(prefix = "/api/layouts", endpoint = "set", input = server_fn::codec::Json)]
pub async fn save_layout(key: LayoutKey, items: Vec<String>) -> AppResult<()> {
    let user = require(Role::Member).await?;
    if !key.accepts(&items) {
        return Err(AppError::invalid(vec![FieldError {
            field: "items".into(),
            problem: FieldProblem::InvalidChoice,
        }]));
    }
    sqlx::query(
        "INSERT INTO user_layouts (user_id, key, items) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, key) DO UPDATE SET items = excluded.items",
    )
    .bind(user.id)
    .bind(key.as_str())
    .bind(&items)
    .execute(&pool()?)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_items_once_each() {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(LayoutKey::TaskCards.accepts(&v(&["priority", "due"])));
        assert!(LayoutKey::TaskCards.accepts(&v(&[])));
        assert!(!LayoutKey::TaskCards.accepts(&v(&["due", "due"])));
        assert!(!LayoutKey::TaskCards.accepts(&v(&["amount"])));
        assert!(LayoutKey::DealCards.accepts(&v(&["amount"])));
    }
}
