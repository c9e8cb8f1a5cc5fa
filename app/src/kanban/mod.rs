//! Kanban boards: the tasks board (columns are statuses) and the deals board
//! (columns are the stages of a pipeline, plus won and lost as drop
//! targets). Both share one card and column shape, one board component
//! (`board.rs`: columns, pointer-event drag for mouse and touch, keyboard
//! moves, optimistic updates with roll-back, paging on scroll) and one way
//! to keep cards in order.
//!
//! Order: a card's place is `coalesce(board_pos, id)` (see the migration
//! `boards`); a dropped card takes the exact midpoint of its neighbours'.

pub mod api;
pub mod board;
pub mod deals;
pub mod deals_api;
pub mod fields;
pub mod moves;
pub mod page;
pub mod tasks;

use crate::records::RecordKind;
use serde::{Deserialize, Serialize};

/// The tasks board's columns, in order (the guide's).
pub const TASK_COLUMNS: [&str; 4] = ["not_started", "in_progress", "pending", "done"];

/// The deals board's two closing columns (drop targets).
pub const DEAL_CLOSINGS: [&str; 2] = ["won", "lost"];

/// Cards sent per column at a time.
pub const CARDS_PER_PAGE: i64 = 30;

/// The fields a tasks card can show, and those shown until a user chooses.
pub const TASK_FIELDS: &[&str] = &["due", "priority", "owner", "record"];
pub const TASK_FIELDS_DEFAULT: &[&str] = &["due", "priority", "record"];
/// The same for deals cards.
pub const DEAL_FIELDS: &[&str] = &["amount", "company", "close", "probability", "owner"];
pub const DEAL_FIELDS_DEFAULT: &[&str] = &["amount", "company", "close"];

/// Which tasks the board shows. Dates are `YYYY-MM-DD` of the user's zone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskFilter {
    /// Assigned to the reader (wins over `owner`).
    #[serde(default)]
    pub mine: bool,
    /// Assigned to this user; `None`: everyone's.
    pub owner: Option<i64>,
    /// Linked to this record (directly or, for a company, rolled up).
    pub record: Option<(RecordKind, i64)>,
    /// Due on or after this day.
    pub due_from: String,
    /// Due on or before this day.
    pub due_to: String,
}

/// Which deals the board shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DealFilter {
    /// `None`: the first active pipeline.
    pub pipeline: Option<i64>,
    /// Owned by the reader (wins over `owner`).
    #[serde(default)]
    pub mine: bool,
    /// Owned by this user; `None`: everyone's.
    pub owner: Option<i64>,
}

/// A card on a board. Field values are raw (`amount` as a decimal, `due`
/// as `YYYY-MM-DD HH:MM` in the reader's zone); the board formats them in
/// the reader's language (`board::field_text`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub id: i64,
    pub version: i32,
    pub title: String,
    /// The record page the card opens.
    pub href: String,
    /// Late: an overdue task, a deal past its expected close.
    pub late: bool,
    /// `(field, value)` for every field of [`TASK_FIELDS`] / [`DEAL_FIELDS`].
    pub fields: Vec<(String, String)>,
    /// The card's place, as exact decimal text: the cursor of the next page.
    pub pos: String,
}

/// One column: its key (a task status, a stage id, `won` / `lost`), how
/// many cards the whole filter puts there, and the first cards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub key: String,
    /// Shown as is (a stage's name); empty: the board translates `key`.
    pub title: String,
    pub count: i64,
    /// Over 10,000 the count is the planner's estimate, as in the lists.
    pub count_is_estimate: bool,
    /// Deals: the sum of amounts, and of amount × probability, over the
    /// whole filter (decimal text).
    pub amount: Option<String>,
    pub weighted: Option<String>,
    /// A drop target only (won, lost): its cards are not listed.
    pub drop_only: bool,
    pub cards: Vec<Card>,
}

/// The deals board: the pipelines to choose from, the one shown, its columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealsBoard {
    pub pipelines: Vec<(i64, String)>,
    pub pipeline: i64,
    pub columns: Vec<Column>,
}

/// Where a card goes: a column, and the cards it lands between (either may
/// be absent: top or bottom of the column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drop {
    pub column: String,
    pub after: Option<i64>,
    pub before: Option<i64>,
}
