//! The Planning: the team's schedule. Rows are users, columns are the days
//! of one or two weeks, or the hours of one day; each interaction a user is
//! assigned (owner) is a block, and each user-day shows the hours planned
//! against that user's daily capacity.
//!
//! Times cross the wire as wall-clock times of the viewer's zone, as in the
//! calendar. The load of a user-day is counted by the server in *that
//! user's* zone (their day is their midnight to midnight): the sum of the
//! timed (not all-day) interactions they own, clipped to the day, leaving
//! out cancelled and postponed ones (their time is not spent); held, done
//! and others' private ones count. Tasks and emails are moments (end =
//! start) and add nothing.
//!
//! "To plan" (the side list): open tasks (not done) that have no place on
//! anyone's schedule — those with no owner, and the shown users' tasks
//! whose due moment has passed. Dropping one on a user-day gives it that
//! owner and that day (its time of day kept).
//!
//! Parts: `api` (server functions and the two statements, timed by the
//! benchmark), `page` (URL state, toolbar, grid), `drag` (pointer events:
//! mouse, pen and touch alike).

mod api;
mod drag;
mod grid;
mod page;

pub use api::*;
pub use page::PlanningPage;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// A row of the Planning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PlanUser {
    pub id: i64,
    pub name: String,
    pub is_me: bool,
    /// Daily capacity in minutes (`users.daily_capacity_minutes`).
    pub capacity: i32,
}

/// One interaction as the Planning draws it (`start`/`end` in the
/// viewer's zone).
///
/// On the wire a block is a JSON array, not an object (see `wire`): two
/// weeks of 50 people are a few thousand blocks, and field names and date
/// strings made up half of the answer and of the time spent writing and
/// compressing it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanBlock {
    pub id: i64,
    pub version: i32,
    pub kind: String,
    /// Empty when `busy`.
    pub subject: String,
    pub status: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub all_day: bool,
    /// Its row: the owner (`None` for an unassigned task in "to plan").
    pub owner: Option<i64>,
    /// Another user's private interaction: only the time is shown.
    pub busy: bool,
    pub series: bool,
    /// Whether the viewer may move it (see `planning_move`).
    pub editable: bool,
}

/// The wire form of a [`PlanBlock`]:
/// `[id, version, kind, status, subject, start, end, flags, owner]`, the
/// times as seconds since 1970-01-01T00:00 *of the wall clock* (no zone),
/// `flags` the sum of `ALL_DAY`, `BUSY`, `SERIES` and `EDITABLE`.
mod wire {
    use super::PlanBlock;
    use chrono::{DateTime, NaiveDateTime};
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

    pub const ALL_DAY: u8 = 1;
    pub const BUSY: u8 = 2;
    pub const SERIES: u8 = 4;
    pub const EDITABLE: u8 = 8;

    type Wire = (i64, i32, String, String, String, i64, i64, u8, Option<i64>);

    fn seconds(t: NaiveDateTime) -> i64 {
        t.and_utc().timestamp()
    }

    fn time<E: serde::de::Error>(s: i64) -> Result<NaiveDateTime, E> {
        DateTime::from_timestamp(s, 0)
            .map(|t| t.naive_utc())
            .ok_or_else(|| E::custom("time out of range"))
    }

    impl Serialize for PlanBlock {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let flags = [
                (self.all_day, ALL_DAY),
                (self.busy, BUSY),
                (self.series, SERIES),
                (self.editable, EDITABLE),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, bit)| bit)
            .sum::<u8>();
            (
                self.id,
                self.version,
                &self.kind,
                &self.status,
                &self.subject,
                seconds(self.start),
                seconds(self.end),
                flags,
                self.owner,
            )
                .serialize(s)
        }
    }

    impl<'de> Deserialize<'de> for PlanBlock {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let (id, version, kind, status, subject, start, end, flags, owner) =
                Wire::deserialize(d)?;
            if flags > ALL_DAY | BUSY | SERIES | EDITABLE {
                return Err(D::Error::custom("unknown block flags"));
            }
            Ok(PlanBlock {
                id,
                version,
                kind,
                subject,
                status,
                start: time(start)?,
                end: time(end)?,
                all_day: flags & ALL_DAY != 0,
                owner,
                busy: flags & BUSY != 0,
                series: flags & SERIES != 0,
                editable: flags & EDITABLE != 0,
            })
        }
    }
}

/// Planned minutes of one user, one figure per day of the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserLoad {
    pub user: i64,
    pub minutes: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanningData {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Today in the viewer's zone.
    pub today: NaiveDate,
    pub users: Vec<PlanUser>,
    /// All the users the viewer may show (for the picker), when more rows
    /// could be shown than are.
    pub total_users: usize,
    pub blocks: Vec<PlanBlock>,
    pub loads: Vec<UserLoad>,
    /// "To plan": open tasks with no owner or overdue, newest due first.
    pub unplanned: Vec<PlanBlock>,
}

/// What the columns are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    /// The hours of one day.
    Day,
    Week,
    TwoWeeks,
}

/// The most rows one call reads.
pub const MAX_USERS: usize = 100;
/// The most days one call reads.
pub const MAX_DAYS: i64 = 14;
/// The most "to plan" tasks listed.
pub const MAX_UNPLANNED: i64 = 50;
/// Hour view snapping, in minutes.
pub const SNAP: i64 = 15;

impl Span {
    pub fn parse(s: &str) -> Option<Span> {
        match s {
            "day" => Some(Span::Day),
            "week" => Some(Span::Week),
            "2weeks" => Some(Span::TwoWeeks),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Span::Day => "day",
            Span::Week => "week",
            Span::TwoWeeks => "2weeks",
        }
    }

    pub fn days(self) -> i64 {
        match self {
            Span::Day => 1,
            Span::Week => 7,
            Span::TwoWeeks => 14,
        }
    }

    /// The days shown for `date`: `[from, to)`, weeks from `week_start`.
    pub fn range(self, date: NaiveDate, week_start: chrono::Weekday) -> (NaiveDate, NaiveDate) {
        let from = match self {
            Span::Day => date,
            _ => crate::calendar::start_of_week(date, week_start),
        };
        (from, from + Duration::days(self.days()))
    }

    /// The date shown after "next" (`forward`) or "previous".
    pub fn step(self, date: NaiveDate, forward: bool) -> NaiveDate {
        let d = self.days();
        date + Duration::days(if forward { d } else { -d })
    }
}

/// How full a user-day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    /// At least 80 % of the capacity.
    Near,
    /// More than the capacity.
    Over,
}

pub fn level(minutes: i32, capacity: i32) -> Level {
    if minutes > capacity {
        Level::Over
    } else if minutes > 0 && minutes * 5 >= capacity * 4 {
        Level::Near
    } else {
        Level::Ok
    }
}

/// Hours with at most one decimal, no trailing ".0": 150 → "2.5", 300 → "5".
pub fn hours(minutes: i32) -> String {
    let tenths = (minutes as f64 / 6.0).round() as i64;
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// Minutes of `[start, end)` inside `[day_start, day_end)`.
pub fn clipped_minutes(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    day_start: DateTime<Utc>,
    day_end: DateTime<Utc>,
) -> i64 {
    let s = start.max(day_start);
    let e = end.min(day_end);
    if e > s { (e - s).num_minutes() } else { 0 }
}

/// Whether an interaction of this status takes its owner's time.
pub fn counts_in_load(status: &str) -> bool {
    !matches!(status, "cancelled" | "postponed")
}

/// Whether a block shows on `day` (wall-clock days of the viewer): the
/// days it touches; a moment shows on its day.
pub fn on_day(b: &PlanBlock, day: NaiveDate) -> bool {
    let d0 = day.and_time(NaiveTime::MIN);
    let d1 = d0 + Duration::days(1);
    if b.end > b.start {
        b.start < d1 && b.end > d0
    } else {
        b.start >= d0 && b.start < d1
    }
}

/// The block's start moved to `day`, its time of day kept.
pub fn on_other_day(start: NaiveDateTime, day: NaiveDate) -> NaiveDateTime {
    day.and_time(start.time())
}

/// Rounds `m` minutes to the nearest multiple of `SNAP`.
pub fn snap(m: i64) -> i64 {
    ((m as f64 / SNAP as f64).round() as i64 * SNAP).clamp(0, 1440 - SNAP)
}

/// The ids in a `users=3,7` parameter.
pub fn parse_ids(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|p| p.trim().parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn levels_turn_amber_at_80_percent_and_red_over() {
        assert_eq!(level(0, 300), Level::Ok);
        assert_eq!(level(239, 300), Level::Ok);
        assert_eq!(level(240, 300), Level::Near);
        assert_eq!(level(300, 300), Level::Near);
        assert_eq!(level(301, 300), Level::Over);
        assert_eq!(level(0, 0), Level::Ok);
        assert_eq!(level(15, 0), Level::Over);
        assert_eq!(hours(150), "2.5");
        assert_eq!(hours(300), "5");
        assert_eq!(hours(20), "0.3");
    }

    #[test]
    fn minutes_are_clipped_to_the_day() {
        let (d0, d1) = (utc("2026-11-24T00:00:00Z"), utc("2026-11-25T00:00:00Z"));
        let night = (utc("2026-11-24T22:00:00Z"), utc("2026-11-25T02:00:00Z"));
        assert_eq!(clipped_minutes(night.0, night.1, d0, d1), 120);
        assert_eq!(
            clipped_minutes(night.0, night.1, d1, d1 + Duration::days(1)),
            120
        );
        assert_eq!(clipped_minutes(d1, d1, d0, d1), 0);
        assert!(!counts_in_load("cancelled"));
        assert!(counts_in_load("held"));
    }

    #[test]
    fn spans_and_days() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let (from, to) = Span::TwoWeeks.range(d, chrono::Weekday::Mon);
        assert_eq!(from, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!((to - from).num_days(), 14);
        assert_eq!(
            Span::Day.range(d, chrono::Weekday::Mon),
            (d, d.succ_opt().unwrap())
        );
        assert_eq!(Span::parse("2weeks"), Some(Span::TwoWeeks));
        let b = PlanBlock {
            id: 1,
            version: 1,
            kind: "meeting".into(),
            subject: "x".into(),
            status: "planned".into(),
            start: d.and_hms_opt(23, 0, 0).unwrap(),
            end: d.succ_opt().unwrap().and_hms_opt(1, 0, 0).unwrap(),
            all_day: false,
            owner: Some(1),
            busy: false,
            series: false,
            editable: true,
        };
        assert!(on_day(&b, d) && on_day(&b, d.succ_opt().unwrap()));
        assert!(!on_day(&b, d.pred_opt().unwrap()));
        assert_eq!(snap(52), 45);
        assert_eq!(snap(1439), 1425);
    }

    #[test]
    fn blocks_cross_the_wire_as_short_arrays() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let b = PlanBlock {
            id: 42,
            version: 3,
            kind: "call".into(),
            subject: "Relance \"devis\"".into(),
            status: "planned".into(),
            start: d.and_hms_opt(9, 30, 15).unwrap(),
            end: d.and_hms_opt(10, 0, 0).unwrap(),
            all_day: false,
            owner: None,
            busy: false,
            series: true,
            editable: true,
        };
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(
            json,
            r#"[42,3,"call","planned","Relance \"devis\"",1795599015,1795600800,12,null]"#
        );
        assert_eq!(
            serde_json::from_slice::<PlanBlock>(json.as_bytes()).unwrap(),
            b
        );
        let all_day_busy = PlanBlock {
            all_day: true,
            busy: true,
            series: false,
            editable: false,
            owner: Some(7),
            ..b
        };
        let back: PlanBlock =
            serde_json::from_slice(&serde_json::to_vec(&all_day_busy).unwrap()).unwrap();
        assert_eq!(back, all_day_busy);
        assert!(
            serde_json::from_slice::<PlanBlock>(br#"[1,1,"call","planned","",0,0,16,null]"#)
                .is_err()
        );
    }
}
