//! Values as files write them, made into what the forms accept.

use super::mapping::fold;
use crate::records::kind::Values;

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
    let parts: Vec<&str> = raw.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts[..]
        && y.len() == 4
        && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>())
        && let Some(date) = chrono::NaiveDate::from_ymd_opt(y, m, d)
    {
        v.insert(field, date.format("%Y-%m-%d").to_string());
    }
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
}
