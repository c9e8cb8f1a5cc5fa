//! The interaction calendar: day, week, month and agenda views of my
//! interactions and of the colleagues' calendars I may see.
//!
//! Times cross the wire as wall-clock times of the viewer's zone (the
//! browser has no zone database): the server converts each interaction from
//! UTC with the zone's rules, so a week spanning a daylight-saving change
//! shows 09:00 as 09:00 on both sides of it. Positions in the grid are
//! minutes from local midnight of those wall-clock times.
//!
//! Parts: `api` (server functions and the one range statement), `page`
//! (URL state, toolbar, keyboard), `week` (day and week time grid), `month`,
//! `agenda`, `drag` (pointer logic: move, resize, create by dragging; mouse,
//! pen and touch alike), `sidebar` (calendar toggles and legend).
//!
//! First day of the week follows the language: Sunday in English, Monday in
//! French. Touch: a drag starts at once on an event block (they have
//! `touch-action: none`), while the rest of the grid scrolls as usual.

mod agenda;
mod api;
mod drag;
mod month;
mod page;
mod sidebar;
mod week;

pub use api::*;
pub use page::CalendarPage;
pub use page::{long_date, month_name, weekday_name};

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// One interaction as the calendar draws it. `start`/`end` are wall-clock
/// times of the viewer's zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalEvent {
    pub id: i64,
    pub version: i32,
    pub kind: String,
    /// Empty when `busy`.
    pub subject: String,
    pub status: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub all_day: bool,
    /// The calendar (user) it is shown on: its owner, or an attendee.
    pub calendar: i64,
    /// Another user's private interaction: only the time is shown.
    pub busy: bool,
    /// Part of a recurring series (moving it asks "this one or all").
    pub series: bool,
    pub private: bool,
    /// Whether the viewer may move it (see `move_interaction`).
    pub editable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarData {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The users whose calendars were read (those asked for that the
    /// viewer may see).
    pub users: Vec<i64>,
    /// The viewer's wall-clock time now, for "today" and the time line.
    pub now: NaiveDateTime,
    pub events: Vec<CalEvent>,
}

/// A calendar the viewer may show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CalendarOwner {
    pub id: i64,
    pub name: String,
    pub is_me: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    Day,
    Week,
    Month,
    Agenda,
}

/// How many days the agenda lists.
pub const AGENDA_DAYS: i64 = 14;
/// The longest range one `calendar_events` call may ask for.
pub const MAX_RANGE_DAYS: i64 = 62;
/// Grid snapping, in minutes.
pub const SNAP: i64 = 15;

impl View {
    pub fn parse(s: &str) -> Option<View> {
        match s {
            "day" => Some(View::Day),
            "week" => Some(View::Week),
            "month" => Some(View::Month),
            "agenda" => Some(View::Agenda),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::Day => "day",
            View::Week => "week",
            View::Month => "month",
            View::Agenda => "agenda",
        }
    }

    /// The days shown for `date`: `[from, to)`.
    pub fn range(self, date: NaiveDate, week_start: Weekday) -> (NaiveDate, NaiveDate) {
        match self {
            View::Day => (date, date + Duration::days(1)),
            View::Week => {
                let from = start_of_week(date, week_start);
                (from, from + Duration::days(7))
            }
            View::Month => {
                let first = date.with_day(1).unwrap_or(date);
                let from = start_of_week(first, week_start);
                let last = first + Months::new(1) - Duration::days(1);
                let to = start_of_week(last, week_start) + Duration::days(7);
                (from, to)
            }
            View::Agenda => (date, date + Duration::days(AGENDA_DAYS)),
        }
    }

    /// The date shown after "next" (`forward`) or "previous".
    pub fn step(self, date: NaiveDate, forward: bool) -> NaiveDate {
        let days = match self {
            View::Day => 1,
            View::Week => 7,
            View::Agenda => AGENDA_DAYS,
            View::Month => {
                let first = date.with_day(1).unwrap_or(date);
                return if forward {
                    first + Months::new(1)
                } else {
                    first - Months::new(1)
                };
            }
        };
        date + Duration::days(if forward { days } else { -days })
    }
}

/// The choices of the profile's "first day of the week".
pub const WEEK_STARTS: &[&str] = &["auto", "mon", "sun"];

/// The first day of the week for a choice of [`WEEK_STARTS`] and a time
/// zone: "auto" follows the zone's region (Sunday in the Americas, Japan,
/// Korea, Israel, the Philippines, Taiwan, Hong Kong, India, South Africa;
/// Monday elsewhere, as ISO 8601 and most of Europe).
pub fn week_start_of(choice: &str, time_zone: &str) -> Weekday {
    const SUNDAY_ZONES: &[&str] = &[
        "Pacific/Honolulu",
        "Asia/Tokyo",
        "Asia/Seoul",
        "Asia/Jerusalem",
        "Asia/Manila",
        "Asia/Taipei",
        "Asia/Hong_Kong",
        "Asia/Kolkata",
        "Africa/Johannesburg",
    ];
    match choice {
        "sun" => Weekday::Sun,
        "mon" => Weekday::Mon,
        _ if time_zone.starts_with("America/") || SUNDAY_ZONES.contains(&time_zone) => Weekday::Sun,
        _ => Weekday::Mon,
    }
}

/// The cookie that carries the reader's first day of the week (`mon` or
/// `sun`), set at login and when the profile is saved: the server renders
/// and the browser hydrates the same weeks, with no call to wait for.
pub const WEEK_COOKIE: &str = "relais_week";

/// The reader's first day of the week (Monday when nothing says otherwise).
pub fn week_start() -> Weekday {
    #[cfg(feature = "ssr")]
    let value = crate::ssr::cookies::from_request(WEEK_COOKIE);
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    let value = browser_cookie(WEEK_COOKIE);
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let value: Option<String> = None;
    if value.as_deref() == Some("sun") {
        Weekday::Sun
    } else {
        Weekday::Mon
    }
}

/// A cookie of this page, read in the browser.
#[cfg(feature = "hydrate")]
pub fn browser_cookie(name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let doc = web_sys::window()?.document()?;
    let html = doc.dyn_into::<web_sys::HtmlDocument>().ok()?;
    let all = html.cookie().ok()?;
    all.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

#[cfg(test)]
mod week_tests {
    use super::*;

    #[test]
    fn weeks_start_by_region_unless_chosen() {
        assert_eq!(week_start_of("auto", "Europe/London"), Weekday::Mon);
        assert_eq!(week_start_of("auto", "Europe/Paris"), Weekday::Mon);
        assert_eq!(week_start_of("auto", "America/New_York"), Weekday::Sun);
        assert_eq!(week_start_of("auto", "America/Montreal"), Weekday::Sun);
        assert_eq!(week_start_of("auto", "Asia/Tokyo"), Weekday::Sun);
        assert_eq!(week_start_of("sun", "Europe/Paris"), Weekday::Sun);
        assert_eq!(week_start_of("mon", "America/Chicago"), Weekday::Mon);
    }
}

pub fn start_of_week(date: NaiveDate, week_start: Weekday) -> NaiveDate {
    let back = (7 + date.weekday().num_days_from_monday() as i64
        - week_start.num_days_from_monday() as i64)
        % 7;
    date - Duration::days(back)
}

/// Minutes from midnight of `t`.
pub fn minutes(t: NaiveDateTime) -> i64 {
    (t.time() - NaiveTime::MIN).num_minutes()
}

/// Rounds `m` minutes to the nearest multiple of `SNAP`.
pub fn snap(m: i64) -> i64 {
    (m as f64 / SNAP as f64).round() as i64 * SNAP
}

/// The part of an event inside `day`, as minutes from that day's midnight
/// (`end` at most 1440). `None` if it does not touch the day. A task (no
/// length) shows where it is due.
pub fn day_segment(ev: &CalEvent, day: NaiveDate) -> Option<(i64, i64)> {
    let d0 = day.and_time(NaiveTime::MIN);
    let d1 = d0 + Duration::days(1);
    if ev.start >= d1 || ev.end < d0 || (ev.end == d0 && ev.end > ev.start) {
        return None;
    }
    let s = (ev.start.max(d0) - d0).num_minutes();
    let e = (ev.end.min(d1) - d0).num_minutes();
    Some((s, e))
}

/// Lays out one day's segments side by side: `(index, column, columns)`
/// for each `(index, start, end)`. Overlapping events form a group sharing
/// its width; a short event counts as `min_len` minutes tall.
pub fn side_by_side(mut items: Vec<(usize, i64, i64)>, min_len: i64) -> Vec<(usize, usize, usize)> {
    items.sort_by_key(|&(i, s, e)| (s, -(e - s), i));
    let mut out = Vec::with_capacity(items.len());
    let mut group: Vec<(usize, usize)> = Vec::new(); // (index into out, column)
    let mut col_ends: Vec<i64> = Vec::new();
    let mut group_end = i64::MIN;
    let flush =
        |out: &mut Vec<(usize, usize, usize)>, group: &mut Vec<(usize, usize)>, cols: usize| {
            for &(k, _) in group.iter() {
                out[k].2 = cols;
            }
            group.clear();
        };
    for (i, s, e) in items {
        let e = e.max(s + min_len);
        if s >= group_end && !group.is_empty() {
            let cols = col_ends.len();
            flush(&mut out, &mut group, cols);
            col_ends.clear();
        }
        let col = match col_ends.iter().position(|&end| end <= s) {
            Some(c) => {
                col_ends[c] = e;
                c
            }
            None => {
                col_ends.push(e);
                col_ends.len() - 1
            }
        };
        group_end = if group.is_empty() {
            e
        } else {
            group_end.max(e)
        };
        out.push((i, col, 0));
        group.push((out.len() - 1, col));
    }
    let cols = col_ends.len();
    flush(&mut out, &mut group, cols);
    out
}

/// `HH:MM`.
pub fn hhmm(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

/// The ids in a `users=3,7` parameter.
pub fn parse_users(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|p| p.trim().parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ranges_follow_the_locale_week() {
        // 2026-11-25 is a Wednesday.
        let date = d("2026-11-25");
        assert_eq!(
            View::Week.range(date, week_start_of("mon", "Europe/Paris")),
            (d("2026-11-23"), d("2026-11-30"))
        );
        assert_eq!(
            View::Week.range(date, week_start_of("auto", "America/New_York")),
            (d("2026-11-22"), d("2026-11-29"))
        );
        let (from, to) = View::Month.range(date, Weekday::Mon);
        assert_eq!((from, to), (d("2026-10-26"), d("2026-12-07")));
        assert_eq!(View::Month.step(d("2027-01-31"), true), d("2027-02-01"));
        assert_eq!(View::Day.step(date, false), d("2026-11-24"));
    }

    #[test]
    fn overlapping_events_share_the_width() {
        // 9-10, 9:30-11, 10-10:30, 12-13.
        let lay = side_by_side(
            vec![(0, 540, 600), (1, 570, 660), (2, 600, 630), (3, 720, 780)],
            15,
        );
        let find = |i| *lay.iter().find(|l| l.0 == i).unwrap();
        assert_eq!(find(0), (0, 0, 2));
        assert_eq!(find(1), (1, 1, 2));
        assert_eq!(find(2), (2, 0, 2));
        assert_eq!(find(3), (3, 0, 1));
    }

    #[test]
    fn segments_clip_to_the_day() {
        let ev = |s: &str, e: &str| CalEvent {
            id: 1,
            version: 1,
            kind: "meeting".into(),
            subject: "x".into(),
            status: "planned".into(),
            start: crate::interactions::parse_local(s).unwrap(),
            end: crate::interactions::parse_local(e).unwrap(),
            all_day: false,
            calendar: 1,
            busy: false,
            series: false,
            private: false,
            editable: true,
        };
        let night = ev("2026-11-24T22:00", "2026-11-25T02:00");
        assert_eq!(day_segment(&night, d("2026-11-24")), Some((1320, 1440)));
        assert_eq!(day_segment(&night, d("2026-11-25")), Some((0, 120)));
        assert_eq!(day_segment(&night, d("2026-11-26")), None);
        let until_midnight = ev("2026-11-24T23:00", "2026-11-25T00:00");
        assert_eq!(day_segment(&until_midnight, d("2026-11-25")), None);
        let task = ev("2026-11-25T00:00", "2026-11-25T00:00");
        assert_eq!(day_segment(&task, d("2026-11-25")), Some((0, 0)));
        assert_eq!(snap(52), 45);
        assert_eq!(snap(53), 60);
    }
}
