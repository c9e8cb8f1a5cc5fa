//! Input rules shared by the browser (to warn before sending) and the server
//! (which never trusts the browser and checks again).

use crate::error::{AppError, FieldError, FieldProblem};
use chrono::NaiveDate;

/// The longest single-line text field, in characters (SPEC §2).
pub const MAX_LINE: usize = 255;

/// Collects the problems of one input, field by field.
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, field: &str, problem: FieldProblem) {
        // The first problem of a field is the one the user sees.
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError {
                field: field.to_string(),
                problem,
            });
        }
    }

    pub fn required(&mut self, field: &str, value: &str) -> &mut Self {
        if value.trim().is_empty() {
            self.push(field, FieldProblem::Required);
        }
        self
    }

    /// A single-line text: at most [`MAX_LINE`] characters.
    pub fn line(&mut self, field: &str, value: &str) -> &mut Self {
        if value.chars().count() > MAX_LINE {
            self.push(field, FieldProblem::TooLong { max: MAX_LINE });
        }
        self
    }

    pub fn max_len(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        if value.chars().count() > max {
            self.push(field, FieldProblem::TooLong { max });
        }
        self
    }

    /// A new password typed twice: `field` (the second typing) must match
    /// it. Said only once a password is typed.
    pub fn confirms(&mut self, field: &str, password: &str, confirm: &str) -> &mut Self {
        if !password.is_empty() && confirm != password {
            self.push(field, FieldProblem::Mismatch);
        }
        self
    }

    pub fn min_len(&mut self, field: &str, value: &str, min: usize) -> &mut Self {
        if value.chars().count() < min {
            self.push(field, FieldProblem::TooShort { min });
        }
        self
    }

    /// An optional email address: empty, or well formed.
    pub fn email(&mut self, field: &str, value: &str) -> &mut Self {
        self.line(field, value);
        let v = value.trim();
        if !v.is_empty() && !is_email(v) {
            self.push(field, FieldProblem::InvalidEmail);
        }
        self
    }

    pub fn phone(&mut self, field: &str, value: &str) -> &mut Self {
        self.line(field, value);
        let v = value.trim();
        if !v.is_empty() && !is_phone(v) {
            self.push(field, FieldProblem::InvalidPhone);
        }
        self
    }

    pub fn url(&mut self, field: &str, value: &str) -> &mut Self {
        self.line(field, value);
        let v = value.trim();
        if !v.is_empty() && !is_url(v) {
            self.push(field, FieldProblem::InvalidUrl);
        }
        self
    }

    /// An optional ISO date (`YYYY-MM-DD`, what `<input type="date">` sends).
    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match parse_date(v) {
            Some(d) => Some(d),
            None => {
                self.push(field, FieldProblem::InvalidDate);
                None
            }
        }
    }

    /// An optional value that must be one of `allowed`.
    pub fn choice(&mut self, field: &str, value: &str, allowed: &[&str]) -> &mut Self {
        if !value.is_empty() && !allowed.contains(&value) {
            self.push(field, FieldProblem::InvalidChoice);
        }
        self
    }

    /// Several values, each one of `allowed`.
    pub fn choices(&mut self, field: &str, values: &[String], allowed: &[&str]) -> &mut Self {
        if values.iter().any(|v| !allowed.contains(&v.as_str())) {
            self.push(field, FieldProblem::InvalidChoice);
        }
        self
    }

    /// `end` must not be before `start` (both optional).
    pub fn ordered(
        &mut self,
        field: &str,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) -> &mut Self {
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            self.push(field, FieldProblem::EndBeforeStart);
        }
        self
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid(self.errors))
        }
    }
}

pub fn parse_date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
}

pub fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub fn is_phone(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    (4..=20).contains(&digits)
        && v.chars()
            .all(|c| c.is_ascii_digit() || " +-.()/".contains(c))
}

pub fn is_url(v: &str) -> bool {
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .unwrap_or(v);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    host.contains('.') && !host.starts_with('.') && !v.chars().any(char::is_whitespace)
}

/// Empty or blank text becomes `None`, anything else is trimmed.
pub fn opt(v: &str) -> Option<String> {
    let t = v.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_email("camille.martin@exemple.fr"));
        assert!(is_email("a+b@x.co"));
        assert!(!is_email("camille"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a @b.fr"));
        assert!(!is_email("a@@b.fr"));
        assert!(!is_email("@b.fr"));
    }

    #[test]
    fn phones_and_urls() {
        assert!(is_phone("+33 1 42 68 53 00"));
        assert!(is_phone("(514) 555-0199"));
        assert!(!is_phone("call me"));
        assert!(!is_phone("12"));
        assert!(is_url("https://relais.example"));
        assert!(is_url("exemple.fr/contact"));
        assert!(!is_url("not a url"));
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        let accents = "é".repeat(255);
        let mut c = Checks::new();
        c.line("name", &accents);
        assert!(c.errors().is_empty(), "255 accented characters fit");
        c.line("name", &"é".repeat(256));
        assert_eq!(c.errors()[0].problem, FieldProblem::TooLong { max: 255 });
    }

    #[test]
    fn first_problem_of_a_field_wins() {
        let mut c = Checks::new();
        c.required("email", "").email("email", "");
        c.email("other", "nope");
        let err = c.finish().unwrap_err();
        assert_eq!(err.field_problem("email"), Some(FieldProblem::Required));
        assert_eq!(err.field_problem("other"), Some(FieldProblem::InvalidEmail));
    }

    #[test]
    fn dates_and_ranges() {
        let mut c = Checks::new();
        let s = c.date("start", "2026-03-01");
        let e = c.date("end", "2026-02-01");
        c.ordered("end", s, e);
        assert_eq!(c.date("bad", "31/02/2026"), None);
        let err = c.finish().unwrap_err();
        assert_eq!(err.field_problem("end"), Some(FieldProblem::EndBeforeStart));
        assert_eq!(err.field_problem("bad"), Some(FieldProblem::InvalidDate));
    }
}
