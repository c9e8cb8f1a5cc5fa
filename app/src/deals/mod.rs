//! Deals (opportunities) and the pipelines they move through: fields,
//! rules, server functions (`api`, `pipelines`) and pages (`pages`).

mod api;
#[cfg(feature = "ssr")]
mod import;
pub mod pages;
pub mod pipelines;

use crate::error::{FieldError, FieldProblem};
use crate::i18n::*;
use crate::ui::feedback::I18n;
use crate::ui::list::ListRow;
use crate::validate::Checks;
pub use api::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const STATUSES: &[&str] = &["open", "won", "lost"];

/// What the deal form edits. Empty strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DealInput {
    pub name: String,
    pub company_id: Option<i64>,
    pub person_id: Option<i64>,
    pub pipeline_id: Option<i64>,
    pub stage_id: Option<i64>,
    /// Decimal, "." or "," as separator.
    pub amount: String,
    pub expected_close: String,
    /// Percent; empty means "the stage's default".
    pub probability: String,
    pub status: String,
    pub lost_reason: String,
    pub next_step: String,
    pub description: String,
    pub owner_id: Option<i64>,
}

/// An amount that is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// `"12 500,50"` → 12500.50; `None` when empty, `Err` when not a number.
pub fn parse_amount(v: &str) -> Result<Option<f64>, NotANumber> {
    let v: String = v
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .collect();
    if v.is_empty() {
        return Ok(None);
    }
    v.replace(',', ".")
        .parse::<f64>()
        .map(Some)
        .map_err(|_| NotANumber)
}

impl DealInput {
    pub fn check(&self) -> Vec<FieldError> {
        let mut c = Checks::new();
        c.required("name", &self.name).line("name", &self.name);
        c.date("expected_close", &self.expected_close);
        c.choice("status", &self.status, STATUSES);
        c.line("lost_reason", &self.lost_reason);
        c.line("next_step", &self.next_step);
        c.max_len("description", &self.description, 10_000);
        let mut errors = c.errors().to_vec();
        let mut add = |field: &str, problem| {
            errors.push(FieldError {
                field: field.into(),
                problem,
            })
        };
        if self.pipeline_id.is_none() {
            add("pipeline_id", FieldProblem::Required);
        }
        if self.stage_id.is_none() {
            add("stage_id", FieldProblem::Required);
        }
        match parse_amount(&self.amount) {
            Ok(Some(a)) if !(0.0..1e12).contains(&a) => add("amount", FieldProblem::InvalidNumber),
            Err(NotANumber) => add("amount", FieldProblem::InvalidNumber),
            _ => {}
        }
        if !self.probability.trim().is_empty()
            && !self
                .probability
                .trim()
                .parse::<i32>()
                .is_ok_and(|p| (0..=100).contains(&p))
        {
            add("probability", FieldProblem::InvalidNumber);
        }
        if self.status == "lost" && self.lost_reason.trim().is_empty() {
            add("lost_reason", FieldProblem::Required);
        }
        errors
    }
}

/// A deal as its record page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deal {
    pub id: i64,
    pub version: i32,
    pub input: DealInput,
    pub company_name: String,
    pub person_name: String,
    pub pipeline_name: String,
    pub stage_name: String,
    pub owner_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of the deals list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DealRow {
    pub id: i64,
    pub version: i32,
    pub name: String,
    pub company: String,
    pub person: String,
    pub pipeline: String,
    pub stage: String,
    pub amount: String,
    pub expected_close: String,
    pub probability: i32,
    pub status: String,
    pub next_step: String,
    pub owner_name: String,
    pub updated_at: DateTime<Utc>,
    /// The record's tags, by name (every list's rows carry them).
    #[serde(default)]
    pub tags: Vec<String>,
    /// The day of `updated_at` in the reader's time zone (`YYYY-MM-DD`).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub updated_day: String,
}

impl ListRow for DealRow {
    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i32 {
        self.version
    }
}

/// A pipeline and its stages in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub id: i64,
    pub name: String,
    pub position: i32,
    /// Default probability of deals entering the stage, in percent.
    pub probability: i32,
}

pub fn status_label(i18n: I18n, status: &str) -> String {
    status_in(i18n.get_locale(), status)
}

/// [`status_label`] in `l` (the CSV export writes it too).
pub fn status_in(l: Locale, status: &str) -> String {
    match status {
        "open" => td_string!(l, deal_status.open).to_string(),
        "won" => td_string!(l, deal_status.won).to_string(),
        "lost" => td_string!(l, deal_status.lost).to_string(),
        other => other.to_string(),
    }
}

/// An amount in the user's language: "12,500.00" or "12 500,00".
pub fn format_amount(i18n: I18n, amount: &str) -> String {
    let Some(cents) = cents(amount) else {
        return amount.to_string();
    };
    let whole = crate::ui::list::group_digits(i18n, cents.abs() / 100);
    let sign = if cents < 0 { "-" } else { "" };
    let sep = if i18n.get_locale_untracked() == Locale::fr {
        ','
    } else {
        '.'
    };
    format!("{sign}{whole}{sep}{:02} €", cents.abs() % 100)
}

/// An amount as the server writes it (`NUMERIC` as text: `"-12500.5"`),
/// in cents, rounded half away from zero; `None` when it is not that.
/// Read as digits rather than as a float: exact for any amount, and the
/// pages that show amounts (the Desk among them) carry no float parsing.
fn cents(amount: &str) -> Option<i64> {
    let amount = amount.trim();
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let mut f = fraction.bytes().map(|b| i64::from(b - b'0'));
    let mut next = || f.next().unwrap_or(0);
    let (tenths, hundredths, rest) = (next(), next(), next());
    let cents = whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(tenths * 10 + hundredths + i64::from(rest >= 5))?;
    Some(if negative { -cents } else { cents })
}

/// What shared code (history, search, trash, inline edits, export, import)
/// knows of deals: see `crate::records::kind`.
pub static KIND: crate::records::kind::Descriptor = crate::records::kind::Descriptor {
    kind: crate::records::RecordKind::Deal,
    record_type: "deal",
    table: "deals",
    base: "/deals",
    singular: |l| td_string!(l, deal.singular),
    plural: |l| td_string!(l, nav.deals),
    field_label,
    editable: {
        use crate::records::edit::FieldRule;
        &[
            ("name", FieldRule::Name),
            ("next_step", FieldRule::Line),
            ("amount", FieldRule::Amount),
            ("expected_close", FieldRule::Date),
        ]
    },
    importable: &[
        ("name", &["deal", "opportunity", "opportunite", "affaire"]),
        (
            "company",
            &["organisation", "societe", "entreprise", "client"],
        ),
        ("person", &["contact", "interlocuteur"]),
        ("amount", &["value", "valeur", "montant"]),
        ("expected_close", &["close date", "date de cloture"]),
        ("stage", &["etape", "phase"]),
        ("probability", &["probabilite", "chance"]),
        ("status", &["statut", "etat", "state"]),
        (
            "lost_reason",
            &["raison de la perte", "motif de perte", "loss reason"],
        ),
        ("next_step", &["prochaine etape"]),
        ("description", &["notes", "commentaire"]),
    ],
    quick_actions: Some(crate::interactions::quick_actions),
    #[cfg(feature = "ssr")]
    name_sql: "r.name",
    #[cfg(feature = "ssr")]
    prefix_keys: &["r.sort_name"],
    #[cfg(feature = "ssr")]
    detail_sql: "coalesce(to_char(r.amount, 'FM999G999G999D00'), '')",
    #[cfg(feature = "ssr")]
    email_match_sql: Some("false"),
    #[cfg(feature = "ssr")]
    phone_match_sql: None,
    #[cfg(feature = "ssr")]
    trashed_with_sql: "",
    #[cfg(feature = "ssr")]
    import: Some(import::IMPORT),
    quality: None,
    merge_links: None,
    #[cfg(feature = "ssr")]
    list: &api::LIST,
    #[cfg(feature = "ssr")]
    export: api::EXPORT,
};

/// The labels of deals' own fields.
fn field_label(l: Locale, field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => td_string!(l, deal.name),
        "company_id" => td_string!(l, deal.company),
        "person_id" | "person" => td_string!(l, deal.person),
        "pipeline_id" => td_string!(l, deal.pipeline),
        "stage_id" | "stage" => td_string!(l, deal.stage),
        "company" => td_string!(l, deal.company),
        "amount" => td_string!(l, deal.amount),
        "expected_close" => td_string!(l, deal.expected_close),
        "probability" => td_string!(l, deal.probability),
        "status" => td_string!(l, deal.status),
        "lost_reason" => td_string!(l, deal.lost_reason),
        "next_step" => td_string!(l, deal.next_step),
        "description" => td_string!(l, deal.description),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deal_needs_a_name_a_stage_and_a_reason_to_be_lost() {
        let input = DealInput {
            name: "Renouvellement".into(),
            pipeline_id: Some(1),
            stage_id: None,
            amount: "12 500,50".into(),
            probability: "120".into(),
            status: "lost".into(),
            ..Default::default()
        };
        let errors = input.check();
        let problem = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.problem);
        assert_eq!(problem("name"), None);
        assert_eq!(problem("amount"), None);
        assert_eq!(problem("stage_id"), Some(FieldProblem::Required));
        assert_eq!(problem("probability"), Some(FieldProblem::InvalidNumber));
        assert_eq!(problem("lost_reason"), Some(FieldProblem::Required));
        assert_eq!(parse_amount("12 500,50"), Ok(Some(12500.5)));
        assert_eq!(parse_amount("douze"), Err(NotANumber));
    }

    #[test]
    fn an_amount_from_the_server_is_read_in_exact_cents() {
        assert_eq!(cents("12500.00"), Some(1_250_000));
        assert_eq!(cents("12500.5"), Some(1_250_050));
        assert_eq!(cents("3750.0000000000000000"), Some(375_000));
        assert_eq!(cents("0.125"), Some(13));
        assert_eq!(cents("0.124999"), Some(12));
        assert_eq!(cents("-0.5"), Some(-50));
        assert_eq!(cents("42"), Some(4200));
        // Beyond what a float holds exactly.
        assert_eq!(cents("90071992547409.93"), Some(9_007_199_254_740_993));
        for not_an_amount in [
            "",
            "-",
            ".5",
            "12,50",
            "1e5",
            "douze",
            "1.2.3",
            "99999999999999999999",
        ] {
            assert_eq!(cents(not_an_amount), None, "{not_an_amount}");
        }
    }
}
