//! `VTIMEZONE` definitions computed from chrono-tz: the offsets in force
//! over the years a feed covers, so a calendar app converts its times
//! without needing to know the IANA zone by name.

use super::escape_text;
use chrono::{DateTime, Datelike, Duration, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// `+HHMM` (or `+HHMMSS`), as TZOFFSETFROM / TZOFFSETTO want.
pub(super) fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// What a zone is at one instant: offset from UTC, abbreviation, summer time.
fn state(tz: Tz, at: DateTime<Utc>) -> (i32, String, bool) {
    let o = tz.offset_from_utc_datetime(&at.naive_utc());
    let seconds = o.fix().local_minus_utc();
    let name = o
        .abbreviation()
        .map(str::to_string)
        .unwrap_or_else(|| utc_offset(seconds));
    (seconds, name, o.dst_offset() != Duration::zero())
}

/// The `VTIMEZONE` of `tz` from the start of the year before `from` to the
/// end of the year after `to`: the state at the start, then one
/// `STANDARD`/`DAYLIGHT` component per change of offset, found by scanning
/// chrono-tz day by day and narrowing each change to the second.
pub fn vtimezone(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let year_start = |y: i32| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).single();
    let (Some(start), Some(end)) = (year_start(from.year() - 1), year_start(to.year() + 2)) else {
        return String::new();
    };
    let mut lines = vec![
        "BEGIN:VTIMEZONE".to_string(),
        format!("TZID:{}", tz.name()),
        format!("X-LIC-LOCATION:{}", tz.name()),
    ];
    let mut push =
        |before: &(i32, String, bool), after: &(i32, String, bool), at: DateTime<Utc>| {
            let kind = if after.2 { "DAYLIGHT" } else { "STANDARD" };
            // DTSTART is the local time the change happens at, on the old offset.
            let local = at.naive_utc() + Duration::seconds(before.0 as i64);
            lines.push(format!("BEGIN:{kind}"));
            lines.push(format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")));
            lines.push(format!("TZOFFSETFROM:{}", utc_offset(before.0)));
            lines.push(format!("TZOFFSETTO:{}", utc_offset(after.0)));
            lines.push(format!("TZNAME:{}", escape_text(&after.1)));
            lines.push(format!("END:{kind}"));
        };
    let mut current = state(tz, start);
    push(&current, &current, start);
    let mut t = start;
    while t < end {
        let next = t + Duration::days(1);
        let s = state(tz, next);
        if s != current {
            // The change is in (t, next]: narrow it down to the second.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if state(tz, mid) == current {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let after = state(tz, hi);
            push(&current, &after, hi);
            current = after;
            // Two changes in one day are rare but exist: look again from here.
            t = hi;
            continue;
        }
        t = next;
    }
    lines.push("END:VTIMEZONE".to_string());
    let mut out = lines.join("\r\n");
    out.push_str("\r\n");
    out
}
