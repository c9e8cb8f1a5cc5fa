//! Kanban boards. This first part is the tasks board's server side: columns
//! by status with counts over the whole filter, cards page by page in their
//! persisted order, and moving a card (to another column and/or between two
//! cards) safely when several people move cards at once. The board's page,
//! the deals board and the Planning come next (issue 5).
//!
//! Order: a card's place is `coalesce(board_pos, id)` (see the migration
//! `boards`); a dropped card takes the exact midpoint of its neighbours'.

pub mod api;

use crate::records::RecordKind;
use serde::{Deserialize, Serialize};

/// The tasks board's columns, in order (the guide's).
pub const TASK_COLUMNS: [&str; 4] = ["not_started", "in_progress", "pending", "done"];

/// Cards sent per column at a time.
pub const CARDS_PER_PAGE: i64 = 30;

/// Which tasks the board shows. Dates are `YYYY-MM-DD` of the user's zone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskFilter {
    /// Assigned to this user; `None`: everyone's.
    pub owner: Option<i64>,
    /// Linked to this record (directly or, for a company, rolled up).
    pub record: Option<(RecordKind, i64)>,
    /// Due on or after this day.
    pub due_from: String,
    /// Due on or before this day.
    pub due_to: String,
}

/// A task on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TaskCard {
    pub id: i64,
    pub version: i32,
    pub subject: String,
    pub priority: String,
    /// Due time in the reader's zone, `YYYY-MM-DD HH:MM`.
    pub due: String,
    pub overdue: bool,
    pub owner_name: String,
    pub main_record: String,
    /// The card's place, as exact decimal text: the cursor of the next page.
    pub pos: String,
}

/// One column: its key (a status), how many cards the whole filter puts
/// there, and the first cards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column<C> {
    pub key: String,
    pub count: i64,
    /// Over 10,000 the count is the planner's estimate, as in the lists.
    pub count_is_estimate: bool,
    pub cards: Vec<C>,
}

/// Where a card goes: a column, and the cards it lands between (either may
/// be absent: top or bottom of the column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drop {
    pub column: String,
    pub after: Option<i64>,
    pub before: Option<i64>,
}
