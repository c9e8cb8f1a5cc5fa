//! Recurrence: the form's choices (daily, weekly on chosen days, monthly;
//! until a date or a number of times) as an RFC 5545 RRULE, expanded into
//! occurrences by the `rrule` crate in the user's time zone, so a weekly
//! 09:00 meeting stays at 09:00 on both sides of a daylight-saving change.

use crate::error::{FieldError, FieldProblem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const FREQUENCIES: &[&str] = &["daily", "weekly", "monthly"];
pub const WEEKDAYS: &[&str] = &["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
/// The most occurrences one series generates.
pub const MAX_OCCURRENCES: usize = 500;
/// How far an "until" date may be from the first occurrence.
pub const MAX_YEARS: i64 = 3;

/// Which occurrences of a series an edit or a move applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// This occurrence only (it leaves the series' schedule).
    One,
    /// Every occurrence of the series not edited on its own.
    All,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recurrence {
    /// daily, weekly or monthly.
    pub freq: String,
    /// Every n days / weeks / months.
    pub interval: String,
    /// Weekly: the days, `MO` … `SU`.
    pub weekdays: Vec<String>,
    /// `until` (a date) or `count` (a number of times).
    pub ends: String,
    pub until: String,
    pub count: String,
}

impl Default for Recurrence {
    fn default() -> Self {
        Recurrence {
            freq: "weekly".into(),
            interval: "1".into(),
            weekdays: Vec::new(),
            ends: "count".into(),
            until: String::new(),
            count: "10".into(),
        }
    }
}

impl Recurrence {
    fn interval(&self) -> Option<u32> {
        self.interval
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=99).contains(n))
    }

    fn count(&self) -> Option<usize> {
        self.count
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=MAX_OCCURRENCES).contains(n))
    }

    /// Problems with the rule, given the first occurrence's day.
    pub fn check(&self, first: Option<NaiveDate>) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut add = |field: &str, problem| {
            errors.push(FieldError {
                field: field.into(),
                problem,
            })
        };
        if !FREQUENCIES.contains(&self.freq.as_str()) {
            add("recurrence.freq", FieldProblem::InvalidChoice);
        }
        if self.interval().is_none() {
            add("recurrence.interval", FieldProblem::InvalidNumber);
        }
        if self
            .weekdays
            .iter()
            .any(|d| !WEEKDAYS.contains(&d.as_str()))
        {
            add("recurrence.weekdays", FieldProblem::InvalidChoice);
        }
        match self.ends.as_str() {
            "count" if self.count().is_none() => {
                add("recurrence.count", FieldProblem::InvalidNumber)
            }
            "until" => match (crate::validate::parse_date(&self.until), first) {
                (None, _) => add("recurrence.until", FieldProblem::InvalidDate),
                (Some(u), Some(f)) if u < f => {
                    add("recurrence.until", FieldProblem::EndBeforeStart)
                }
                (Some(u), Some(f)) if (u - f).num_days() > 366 * MAX_YEARS => {
                    add("recurrence.until", FieldProblem::InvalidDate)
                }
                _ => {}
            },
            "count" => {}
            _ => add("recurrence.ends", FieldProblem::InvalidChoice),
        }
        errors
    }

    /// The RRULE value, e.g. `FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;COUNT=10`.
    /// `until_utc` is the end of the until-day in the series' zone, as
    /// RFC 5545 wants UNTIL in UTC when DTSTART has a zone.
    pub fn rule(&self, until_utc: Option<chrono::DateTime<chrono::Utc>>) -> String {
        let mut rule = format!(
            "FREQ={};INTERVAL={}",
            self.freq.to_uppercase(),
            self.interval().unwrap_or(1)
        );
        if self.freq == "weekly" && !self.weekdays.is_empty() {
            let days: Vec<&str> = WEEKDAYS
                .iter()
                .copied()
                .filter(|d| self.weekdays.iter().any(|w| w == d))
                .collect();
            rule.push_str(&format!(";BYDAY={}", days.join(",")));
        }
        match (self.ends.as_str(), until_utc) {
            ("until", Some(u)) => rule.push_str(&format!(";UNTIL={}", u.format("%Y%m%dT%H%M%SZ"))),
            _ => rule.push_str(&format!(";COUNT={}", self.count().unwrap_or(1))),
        }
        rule
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{MAX_OCCURRENCES, Recurrence};
    use crate::ssr::zones;
    use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
    use chrono_tz::Tz;

    /// An occurrence of a series and where it goes: `(id, starts, ends)`.
    pub type Moved = (i64, DateTime<Utc>, DateTime<Utc>);

    /// "The whole series": occurrence `edited` moved from `old_start` to
    /// `[start, end)` (wall clock of `tz`), every other occurrence not
    /// edited on its own moves by the same **wall-clock** shift (so a 09:00
    /// series stays at 09:00 across a daylight-saving change) and takes the
    /// new length. Returns those others with their new times.
    pub async fn shift_others(
        tx: &mut sqlx::PgConnection,
        series_id: i64,
        edited: i64,
        tz: Tz,
        old_start: DateTime<Utc>,
        (start, end): (NaiveDateTime, NaiveDateTime),
    ) -> sqlx::Result<Vec<Moved>> {
        let shift = start - zones::to_local(tz, old_start);
        let length = end - start;
        let others: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(
            "SELECT id, starts_at FROM interactions
             WHERE series_id = $1 AND id <> $2 AND NOT detached AND deleted_at IS NULL",
        )
        .bind(series_id)
        .bind(edited)
        .fetch_all(tx)
        .await?;
        Ok(others
            .into_iter()
            .map(|(id, at)| {
                let local = zones::to_local(tz, at) + shift;
                (
                    id,
                    zones::to_utc(tz, local),
                    zones::to_utc(tz, local + length),
                )
            })
            .collect())
    }

    /// The RRULE of `r` for a series starting at `first` (wall clock of `tz`).
    pub fn rule_for(r: &Recurrence, tz: Tz, first: NaiveDateTime) -> String {
        let until = crate::validate::parse_date(&r.until)
            .filter(|_| r.ends == "until")
            .map(|d| zones::to_utc(tz, d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap())))
            .filter(|u| *u >= zones::to_utc(tz, first));
        r.rule(until)
    }

    /// The wall-clock starts of a series' occurrences (the first included),
    /// at most `MAX_OCCURRENCES`. `None` if the rule does not parse.
    pub fn expand(rule: &str, tz: Tz, first: NaiveDateTime) -> Option<Vec<NaiveDateTime>> {
        let text = format!(
            "DTSTART;TZID={}:{}\nRRULE:{}",
            tz.name(),
            first.format("%Y%m%dT%H%M%S"),
            rule
        );
        let set: rrule::RRuleSet = text.parse().ok()?;
        let result = set.all(MAX_OCCURRENCES as u16);
        let mut dates: Vec<NaiveDateTime> =
            result.dates.into_iter().map(|d| d.naive_local()).collect();
        // RFC 5545: the start is always the first occurrence and counts in
        // COUNT, even off the rule's days (a Tuesday start of a "Mondays
        // and Thursdays" rule). The rrule crate leaves it out; calendar
        // apps reading the feed keep it, and so do we.
        if dates.first() != Some(&first) {
            dates.insert(0, first);
            let count = rule
                .split(';')
                .find_map(|part| part.strip_prefix("COUNT="))
                .and_then(|n| n.parse::<usize>().ok());
            dates.truncate(count.unwrap_or(MAX_OCCURRENCES).min(MAX_OCCURRENCES));
        }
        Some(dates)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::interactions::parse_local;

        fn weekly(days: &[&str], ends: &str) -> Recurrence {
            Recurrence {
                freq: "weekly".into(),
                weekdays: days.iter().map(|d| d.to_string()).collect(),
                ends: ends.into(),
                until: "2026-11-30".into(),
                count: "4".into(),
                ..Default::default()
            }
        }

        #[test]
        fn weekly_on_two_days_keeps_its_local_time_across_daylight_saving() {
            let tz = zones::zone("Europe/Paris");
            let first = parse_local("2026-10-19T09:00").unwrap();
            let r = weekly(&["MO", "TH"], "count");
            let rule = rule_for(&r, tz, first);
            assert_eq!(rule, "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;COUNT=4");
            let dates = expand(&rule, tz, first).unwrap();
            let shown: Vec<String> = dates.iter().map(|d| d.to_string()).collect();
            assert_eq!(
                shown,
                [
                    "2026-10-19 09:00:00",
                    "2026-10-22 09:00:00",
                    "2026-10-26 09:00:00",
                    "2026-10-29 09:00:00"
                ]
            );
            // The same wall-clock time is one hour later in UTC after 25 October.
            let utc: Vec<String> = dates
                .iter()
                .map(|d| zones::to_utc(tz, *d).format("%H:%M").to_string())
                .collect();
            assert_eq!(utc, ["07:00", "07:00", "08:00", "08:00"]);
        }

        #[test]
        fn a_start_off_the_rule_days_is_the_first_occurrence_and_counts() {
            let tz = zones::zone("Europe/Paris");
            // A Tuesday start, "Mondays and Thursdays, 3 times".
            let first = parse_local("2026-11-03T09:00").unwrap();
            let mut r = weekly(&["MO", "TH"], "count");
            r.count = "3".into();
            let rule = rule_for(&r, tz, first);
            let shown: Vec<String> = expand(&rule, tz, first)
                .unwrap()
                .iter()
                .map(|d| d.to_string())
                .collect();
            assert_eq!(
                shown,
                [
                    "2026-11-03 09:00:00",
                    "2026-11-05 09:00:00",
                    "2026-11-09 09:00:00"
                ]
            );
        }

        #[test]
        fn until_includes_its_last_day_and_monthly_skips_short_months() {
            let tz = zones::zone("Europe/Paris");
            let first = parse_local("2026-11-02T14:30").unwrap();
            let r = weekly(&[], "until");
            let rule = rule_for(&r, tz, first);
            assert!(rule.ends_with("UNTIL=20261130T225959Z"), "{rule}");
            let dates = expand(&rule, tz, first).unwrap();
            assert_eq!(dates.len(), 5, "2, 9, 16, 23 and 30 November");

            let monthly = Recurrence {
                freq: "monthly".into(),
                ends: "count".into(),
                count: "3".into(),
                ..Default::default()
            };
            let first = parse_local("2027-01-31T10:00").unwrap();
            let dates = expand(&rule_for(&monthly, tz, first), tz, first).unwrap();
            let days: Vec<String> = dates.iter().map(|d| d.date().to_string()).collect();
            assert_eq!(days, ["2027-01-31", "2027-03-31", "2027-05-31"]);
        }

        #[test]
        fn daily_every_other_day_and_refusals() {
            let tz = zones::zone("America/New_York");
            let first = parse_local("2026-03-07T08:00").unwrap();
            let r = Recurrence {
                freq: "daily".into(),
                interval: "2".into(),
                ends: "count".into(),
                count: "3".into(),
                ..Default::default()
            };
            let dates = expand(&rule_for(&r, tz, first), tz, first).unwrap();
            let utc: Vec<String> = dates
                .iter()
                .map(|d| zones::to_utc(tz, *d).to_rfc3339())
                .collect();
            // New York moves to summer time on 8 March 2026.
            assert_eq!(
                utc,
                [
                    "2026-03-07T13:00:00+00:00",
                    "2026-03-09T12:00:00+00:00",
                    "2026-03-11T12:00:00+00:00"
                ]
            );
            let bad = Recurrence {
                freq: "hourly".into(),
                interval: "0".into(),
                count: "5000".into(),
                ..Default::default()
            };
            let fields: Vec<String> = bad.check(None).into_iter().map(|e| e.field).collect();
            assert_eq!(
                fields,
                ["recurrence.freq", "recurrence.interval", "recurrence.count"]
            );
        }
    }
}
