//! Time zones (chrono-tz, the IANA database): times are stored in UTC and
//! shown in the user's zone. The browser never converts: server functions
//! send and receive wall-clock times (`NaiveDateTime`) in the user's zone,
//! so the wasm carries no zone database.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The user's zone; Europe/Paris if the stored name is unknown.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Europe::Paris)
}

/// Whether `name` is an IANA zone name.
pub fn is_zone(name: &str) -> bool {
    name.parse::<Tz>().is_ok()
}

/// A wall-clock time of `tz` as an instant. In a spring-forward gap
/// (02:30 that never happens) the time moves forward by the gap; in an
/// autumn overlap (02:30 that happens twice) the first one is taken.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps last at most a few hours: the first valid minute after.
            let mut probe = local;
            for _ in 0..(4 * 60) {
                probe += chrono::Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&local)
        }
    }
}

/// An instant as a wall-clock time of `tz`.
pub fn to_local(tz: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&tz).naive_local()
}

/// The instant a local day starts (midnight, or the first minute after a
/// gap at midnight).
pub fn day_start(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    to_utc(tz, day.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn paris_days_around_daylight_saving_have_23_and_25_hours() {
        let tz = zone("Europe/Paris");
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let hours = |a: &str, b: &str| (day_start(tz, day(b)) - day_start(tz, day(a))).num_hours();
        assert_eq!(hours("2026-03-29", "2026-03-30"), 23);
        assert_eq!(hours("2026-10-25", "2026-10-26"), 25);
        assert_eq!(hours("2026-10-26", "2026-10-27"), 24);
    }

    #[test]
    fn gaps_move_forward_and_overlaps_take_the_first() {
        let tz = zone("Europe/Paris");
        // 02:30 does not exist on 29 March 2026: 03:00 local, 01:00 UTC.
        assert_eq!(
            to_utc(tz, local("2026-03-29 02:30")).to_rfc3339(),
            "2026-03-29T01:00:00+00:00"
        );
        // 02:30 happens twice on 25 October 2026: the first is 00:30 UTC.
        assert_eq!(
            to_utc(tz, local("2026-10-25 02:30")).to_rfc3339(),
            "2026-10-25T00:30:00+00:00"
        );
        let noon = to_utc(tz, local("2026-07-01 12:00"));
        assert_eq!(to_local(tz, noon), local("2026-07-01 12:00"));
        assert_eq!(zone("Nowhere/Atlantis"), chrono_tz::Europe::Paris);
        assert!(is_zone("America/New_York") && !is_zone("Paris"));
    }
}
