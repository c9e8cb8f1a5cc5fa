//! The Desk (home page): what the day holds. Today's agenda, overdue items,
//! my open tasks, planned hours against my capacity, my pipeline,
//! favourites and recently viewed records. Which panels show, and in what
//! order, is the user's (remembered by `settings::layouts`).
//!
//! One server call (`api::desk_today`) brings everything but the two
//! record-link panels, and the user's panel layout with it, so the page is
//! drawn once, in the user's order, by the server.

mod api;
mod page;

pub use api::*;
pub use page::DeskPage;

use serde::{Deserialize, Serialize};

/// The Desk's panels, in their default order (today's agenda first, as a
/// phone shows it).
pub const PANELS: &[&str] = &[
    "agenda",
    "overdue",
    "tasks",
    "load",
    "pipeline",
    "favourites",
    "recent",
];

/// How an item stands, and its colour: done green, overdue red, due today
/// amber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemState {
    Done,
    Overdue,
    Today,
    Later,
    Cancelled,
}

impl ItemState {
    pub fn class(self) -> &'static str {
        match self {
            ItemState::Done => "state-done",
            ItemState::Overdue => "state-overdue",
            ItemState::Today => "state-today",
            ItemState::Later => "state-later",
            ItemState::Cancelled => "state-cancelled",
        }
    }
}

/// An interaction on the Desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskItem {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub status: String,
    /// Local `YYYY-MM-DD`.
    pub day: String,
    /// Local `HH:MM`; empty for all-day items.
    pub time: String,
    pub state: ItemState,
    /// The main related record's name.
    pub record: String,
}

/// Open deals of one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageSum {
    pub stage: String,
    pub count: i64,
    pub amount: String,
}

/// Everything the Desk shows, but favourites and recent records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Desk {
    /// The user's panels, shown ones in order.
    pub panels: Vec<String>,
    /// Today, in the user's zone.
    pub today: String,
    pub agenda: Vec<DeskItem>,
    pub overdue: Vec<DeskItem>,
    pub overdue_count: i64,
    pub tasks: Vec<DeskItem>,
    pub tasks_count: i64,
    /// Minutes of timed calls, meetings and tasks planned today.
    pub planned_minutes: i64,
    pub capacity_minutes: i64,
    pub pipeline: Vec<StageSum>,
    pub pipeline_amount: String,
    pub pipeline_weighted: String,
}

/// Planned against capacity: under 80 % fine, up to 100 % close (amber),
/// over (red).
pub fn load_class(planned: i64, capacity: i64) -> &'static str {
    if planned > capacity {
        "load-over"
    } else if planned * 5 >= capacity * 4 && planned > 0 {
        "load-close"
    } else {
        "load-ok"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_turns_amber_at_80_percent_and_red_over_capacity() {
        assert_eq!(load_class(0, 300), "load-ok");
        assert_eq!(load_class(239, 300), "load-ok");
        assert_eq!(load_class(240, 300), "load-close");
        assert_eq!(load_class(300, 300), "load-close");
        assert_eq!(load_class(301, 300), "load-over");
        assert_eq!(load_class(30, 0), "load-over");
    }
}
