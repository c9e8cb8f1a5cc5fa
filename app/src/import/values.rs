//! Values as files write them, made into what the forms accept.

use super::mapping::fold;
use crate::records::kind::Values;
use chrono::{NaiveDate, NaiveTime};

/// Replaces the value of `field` by the code whose words (folded) it is;
/// an unknown value is left for the form's check to refuse.
pub fn choice(v: &mut Values, field: &'static str, codes: &[(&str, &[&str])]) {
    let Some(raw) = v.get(field) else { return };
    let folded = fold(raw);
    if let Some((code, _)) = codes
        .iter()
        .find(|(code, words)| folded == *code || words.iter().any(|w| fold(w) == folded))
    {
        v.insert(field, code.to_string());
    }
}

/// Writes a date given as `15/01/1980`, `15-01-1980` or `15.01.1980` (day
/// first, as in French) the ISO way the forms take; anything else is left
/// for the form's check.
pub fn date(v: &mut Values, field: &'static str) {
    let Some(raw) = v.get(field) else { return };
    if let Some(date) = day_first(raw) {
        v.insert(field, date.format("%Y-%m-%d").to_string());
    }
}

/// Writes a moment given as a date (day first, or ISO) and an optional
/// time (`14:30`, `14:30:00`, `14h30`, `14h`) the way the forms take it:
/// `2026-01-15T14:30`, or `2026-01-15` for a date alone; anything else is
/// left for the form's check.
pub fn date_time(v: &mut Values, field: &'static str) {
    let Some(raw) = v.get(field) else { return };
    let raw = raw.trim();
    let (day, time) = match raw.split_once([' ', 'T']) {
        Some((d, t)) => (d, t.trim()),
        None => (raw, ""),
    };
    let Some(day) = day_first(day).or_else(|| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
    else {
        return;
    };
    if time.is_empty() {
        v.insert(field, day.format("%Y-%m-%d").to_string());
        return;
    }
    let time = time.replace(['h', 'H'], ":");
    let time = time
        .strip_suffix(':')
        .map(|t| format!("{t}:00"))
        .unwrap_or(time);
    if let Some(t) = ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(&time, f).ok())
    {
        v.insert(field, day.and_time(t).format("%Y-%m-%dT%H:%M").to_string());
    }
}

/// `15/01/1980`, `15-01-1980`, `15.01.1980`.
fn day_first(raw: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = raw.trim().split(['/', '-', '.']).collect();
    if let [d, m, y] = parts[..]
        && y.len() == 4
        && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>())
    {
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_codes_and_french_dates_iso() {
        let mut v = Values::new();
        v.insert("civility", "Madame".into());
        v.insert("birthday", "15/01/1980".into());
        v.insert("other", "31.12.2001".into());
        choice(&mut v, "civility", &[("ms", &["madame", "mme"])]);
        date(&mut v, "birthday");
        date(&mut v, "other");
        assert_eq!(v["civility"], "ms");
        assert_eq!(v["birthday"], "1980-01-15");
        assert_eq!(v["other"], "2001-12-31");
        v.insert("birthday", "1980-01-15".into());
        date(&mut v, "birthday");
        assert_eq!(v["birthday"], "1980-01-15");
        v.insert("birthday", "31/02/1980".into());
        date(&mut v, "birthday");
        assert_eq!(v["birthday"], "31/02/1980", "left for the check to refuse");
    }

    #[test]
    fn moments_as_files_write_them() {
        for (raw, want) in [
            ("15/01/2026 14:30", "2026-01-15T14:30"),
            ("15/01/2026 9h05", "2026-01-15T09:05"),
            ("15.01.2026 14h", "2026-01-15T14:00"),
            ("2026-01-15 14:30:59", "2026-01-15T14:30"),
            ("2026-01-15T08:00", "2026-01-15T08:00"),
            ("15/01/2026", "2026-01-15"),
            ("2026-01-15", "2026-01-15"),
            ("15/01/2026 25:00", "15/01/2026 25:00"),
            ("demain", "demain"),
        ] {
            let mut v = Values::new();
            v.insert("starts_at", raw.into());
            date_time(&mut v, "starts_at");
            assert_eq!(v["starts_at"], want, "{raw}");
        }
    }
}
