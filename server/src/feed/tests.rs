//! Unit tests of the feed's text: time zone definitions and a series
//! rendered without HTTP, read back with `ical` (an independent parser).

use super::zone::utc_offset;
use super::*;
use ical::property::Property;

fn prop<'a>(props: &'a [Property], name: &str) -> Option<&'a Property> {
    props.iter().find(|p| p.name == name)
}

fn value<'a>(props: &'a [Property], name: &str) -> &'a str {
    prop(props, name)
        .and_then(|p| p.value.as_deref())
        .unwrap_or_default()
}

fn param<'a>(p: &'a Property, name: &str) -> Option<&'a str> {
    p.params
        .as_ref()?
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.first())
        .map(String::as_str)
}

fn parse(text: &str) -> ical::parser::ical::component::IcalCalendar {
    ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .next()
        .unwrap()
        .unwrap()
}

#[test]
fn paris_changes_twice_a_year_at_the_right_local_times() {
    let tz: Tz = "Europe/Paris".parse().unwrap();
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    let text = vtimezone(tz, at("2026-06-01T00:00:00Z"), at("2026-06-01T00:00:00Z"));
    assert!(text.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT"), "{text}");
    assert!(text.contains("BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD"), "{text}");
    // 2025 to 2027: one initial state and two changes a year.
    assert_eq!(text.matches("BEGIN:DAYLIGHT").count(), 3);
    assert_eq!(text.matches("BEGIN:STANDARD").count(), 4);
    // A zone without summer time has only its initial state.
    let tokyo = vtimezone(
        "Asia/Tokyo".parse().unwrap(),
        at("2026-06-01T00:00:00Z"),
        at("2026-06-01T00:00:00Z"),
    );
    assert_eq!(tokyo.matches("BEGIN:STANDARD").count(), 1);
    assert!(tokyo.contains("TZOFFSETTO:+0900"));
    assert_eq!(utc_offset(-(3 * 3600 + 30 * 60)), "-0330");
}

#[test]
fn all_day_series_end_on_a_date() {
    let tz: Tz = "Europe/Paris".parse().unwrap();
    assert_eq!(
        rule_for_master("FREQ=WEEKLY;INTERVAL=1;UNTIL=20261130T225959Z", tz, true),
        "FREQ=WEEKLY;INTERVAL=1;UNTIL=20261130"
    );
    assert_eq!(
        rule_for_master("FREQ=DAILY;COUNT=3", tz, true),
        "FREQ=DAILY;COUNT=3"
    );
}

/// `render_calendar` without HTTP: an all-day series ends on a date and
/// excludes a day with a date, as RFC 5545 wants when DTSTART is a date.
#[test]
fn an_all_day_series_uses_dates_throughout() {
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&Utc)
    };
    let series = FeedSeries {
        id: 7,
        rule: "FREQ=DAILY;INTERVAL=1;UNTIL=20270105T225959Z".into(),
        time_zone: "Europe/Paris".into(),
        first_start: at("2027-01-01T00:00:00+01:00"),
    };
    let item = |id: i64, day: u32| FeedItem {
        id,
        kind: "meeting".into(),
        subject: "Séminaire".into(),
        description: None,
        status: "planned".into(),
        starts_at: at(&format!("2027-01-{day:02}T00:00:00+01:00")),
        ends_at: at(&format!("2027-01-{:02}T00:00:00+01:00", day + 1)),
        all_day: true,
        location: None,
        priority: None,
        task_start: None,
        completed_at: None,
        private: false,
        series_id: Some(7),
        original_start: Some(at(&format!("2027-01-{day:02}T00:00:00+01:00"))),
        detached: false,
        version: 1,
        created_at: at("2026-12-01T10:00:00Z"),
        updated_at: at("2026-12-01T10:00:00Z"),
    };
    // The 3rd is gone.
    let items = [item(1, 1), item(2, 2), item(4, 4), item(5, 5)];
    let text = render_calendar(
        "Ana",
        "Europe/Paris",
        &items,
        &[series],
        at("2026-12-15T12:00:00Z"),
    );
    let cal = parse(&text);
    assert_eq!(cal.events.len(), 1, "{text}");
    let e = &cal.events[0].properties;
    assert_eq!(value(e, "RRULE"), "FREQ=DAILY;INTERVAL=1;UNTIL=20270105");
    let start = prop(e, "DTSTART").unwrap();
    assert_eq!(
        (param(start, "VALUE"), start.value.as_deref()),
        (Some("DATE"), Some("20270101"))
    );
    assert_eq!(value(e, "DTEND"), "20270102");
    let ex = prop(e, "EXDATE").unwrap();
    assert_eq!(
        (param(ex, "VALUE"), ex.value.as_deref()),
        (Some("DATE"), Some("20270103"))
    );
    assert_eq!(value(e, "UID"), "series-7@relais");
}
