//! Reports (`/reports`, SPEC §3, issue 19): what the team did (Activity),
//! sold (Sales), will sell (Forecast), who it served (Programmes) and how
//! clean its data is (Quality).
//!
//! A report is a [`ReportQuery`] (its filters, written in its URL, and
//! in a saved report's link: periods such as "this quarter" stay words,
//! so a saved report moves with time) turned by the server into a
//! [`Report`]: tables of cells and charts, already in the reader's
//! language. The page draws them; the CSV export (`/export/reports/…`)
//! writes the very same table, sorted the same way ([`Table::sorted`]).
//!
//! Whose figures: managers and admins see everyone's, or one user's; a
//! member sees their own only (`access::ssr::figures_owner`, the one rule).
//! Days, weeks, months and years are counted in the organisation's time
//! zone (`relais_org_zone()`), so a report reads the same for everyone.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod sql;

use crate::i18n::*;
use crate::ui::chart::Chart;
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The reports, in the order the index shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Activity,
    Sales,
    Forecast,
    Programmes,
    Quality,
}

impl ReportKind {
    pub const ALL: [ReportKind; 5] = [
        ReportKind::Activity,
        ReportKind::Sales,
        ReportKind::Forecast,
        ReportKind::Programmes,
        ReportKind::Quality,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Activity => "activity",
            ReportKind::Sales => "sales",
            ReportKind::Forecast => "forecast",
            ReportKind::Programmes => "programmes",
            ReportKind::Quality => "quality",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn title(self, l: Locale) -> String {
        match self {
            ReportKind::Activity => td_string!(l, reports.activity),
            ReportKind::Sales => td_string!(l, reports.sales),
            ReportKind::Forecast => td_string!(l, reports.forecast),
            ReportKind::Programmes => td_string!(l, reports.programmes),
            ReportKind::Quality => td_string!(l, reports.quality),
        }
        .to_string()
    }

    pub fn intro(self, l: Locale) -> String {
        match self {
            ReportKind::Activity => td_string!(l, reports.activity_intro),
            ReportKind::Sales => td_string!(l, reports.sales_intro),
            ReportKind::Forecast => td_string!(l, reports.forecast_intro),
            ReportKind::Programmes => td_string!(l, reports.programmes_intro),
            ReportKind::Quality => td_string!(l, reports.quality_intro),
        }
        .to_string()
    }

    /// The filters a report opens with.
    pub fn defaults(self) -> ReportQuery {
        let (period, by) = match self {
            ReportKind::Activity => (Period::ThisMonth, By::Month),
            ReportKind::Sales => (Period::YearToDate, By::Month),
            ReportKind::Forecast => (Period::Next12Months, By::Month),
            ReportKind::Programmes => (Period::ThisYear, By::Month),
            ReportKind::Quality => (Period::Last12Months, By::Month),
        };
        ReportQuery {
            period,
            by,
            ..ReportQuery::default()
        }
    }

    /// Which filters the report's bar offers.
    pub fn offers(self, filter: &str) -> bool {
        match filter {
            "by" => matches!(self, ReportKind::Sales | ReportKind::Quality),
            "compare" => self == ReportKind::Sales,
            "pipeline" => matches!(self, ReportKind::Sales | ReportKind::Forecast),
            "programme" => self == ReportKind::Programmes,
            "kind" => self == ReportKind::Quality,
            _ => true,
        }
    }
}

/// A period, as words that move with time ("last month") or fixed dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Today,
    ThisWeek,
    LastWeek,
    #[default]
    ThisMonth,
    LastMonth,
    ThisQuarter,
    LastQuarter,
    YearToDate,
    ThisYear,
    LastYear,
    Last12Months,
    Next12Months,
    /// `from` … `to`.
    Custom,
}

impl Period {
    pub const ALL: [Period; 13] = [
        Period::Today,
        Period::ThisWeek,
        Period::LastWeek,
        Period::ThisMonth,
        Period::LastMonth,
        Period::ThisQuarter,
        Period::LastQuarter,
        Period::YearToDate,
        Period::ThisYear,
        Period::LastYear,
        Period::Last12Months,
        Period::Next12Months,
        Period::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Today => "today",
            Period::ThisWeek => "this_week",
            Period::LastWeek => "last_week",
            Period::ThisMonth => "this_month",
            Period::LastMonth => "last_month",
            Period::ThisQuarter => "this_quarter",
            Period::LastQuarter => "last_quarter",
            Period::YearToDate => "ytd",
            Period::ThisYear => "this_year",
            Period::LastYear => "last_year",
            Period::Last12Months => "last_12_months",
            Period::Next12Months => "next_12_months",
            Period::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self, l: Locale) -> String {
        match self {
            Period::Today => td_string!(l, reports.period_today),
            Period::ThisWeek => td_string!(l, reports.period_this_week),
            Period::LastWeek => td_string!(l, reports.period_last_week),
            Period::ThisMonth => td_string!(l, reports.period_this_month),
            Period::LastMonth => td_string!(l, reports.period_last_month),
            Period::ThisQuarter => td_string!(l, reports.period_this_quarter),
            Period::LastQuarter => td_string!(l, reports.period_last_quarter),
            Period::YearToDate => td_string!(l, reports.period_ytd),
            Period::ThisYear => td_string!(l, reports.period_this_year),
            Period::LastYear => td_string!(l, reports.period_last_year),
            Period::Last12Months => td_string!(l, reports.period_last_12_months),
            Period::Next12Months => td_string!(l, reports.period_next_12_months),
            Period::Custom => td_string!(l, reports.period_custom),
        }
        .to_string()
    }

    /// The first and last day (both included) of the period that holds
    /// `today`; `None` for `Custom`, whose dates are the query's.
    pub fn resolve(self, today: NaiveDate, week_start: Weekday) -> Option<(NaiveDate, NaiveDate)> {
        let month = |d: NaiveDate| d.with_day(1).unwrap_or(d);
        let quarter = |d: NaiveDate| {
            NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1).unwrap_or(d)
        };
        let year = |d: NaiveDate| NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d);
        let last_day = |start: NaiveDate, months: u32| {
            start
                .checked_add_months(Months::new(months))
                .and_then(|d| d.checked_sub_days(Days::new(1)))
                .unwrap_or(start)
        };
        let week = crate::calendar::start_of_week(today, week_start);
        Some(match self {
            Period::Today => (today, today),
            Period::ThisWeek => (week, week + Days::new(6)),
            Period::LastWeek => (week - Days::new(7), week - Days::new(1)),
            Period::ThisMonth => (month(today), last_day(month(today), 1)),
            Period::LastMonth => {
                let start = month(today) - Months::new(1);
                (start, last_day(start, 1))
            }
            Period::ThisQuarter => (quarter(today), last_day(quarter(today), 3)),
            Period::LastQuarter => {
                let start = quarter(today) - Months::new(3);
                (start, last_day(start, 3))
            }
            Period::YearToDate => (year(today), today),
            Period::ThisYear => (year(today), last_day(year(today), 12)),
            Period::LastYear => {
                let start = year(today) - Months::new(12);
                (start, last_day(start, 12))
            }
            Period::Last12Months => (today - Months::new(12) + Days::new(1), today),
            Period::Next12Months => (month(today), last_day(month(today), 12)),
            Period::Custom => return None,
        })
    }
}

/// How rows and chart points group time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Week,
    #[default]
    Month,
    Quarter,
    Year,
}

impl By {
    pub const ALL: [By; 4] = [By::Week, By::Month, By::Quarter, By::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            By::Week => "week",
            By::Month => "month",
            By::Quarter => "quarter",
            By::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<By> {
        By::ALL.into_iter().find(|b| b.as_str() == s)
    }

    pub fn label(self, l: Locale) -> String {
        match self {
            By::Week => td_string!(l, reports.by_week),
            By::Month => td_string!(l, reports.by_month),
            By::Quarter => td_string!(l, reports.by_quarter),
            By::Year => td_string!(l, reports.by_year),
        }
        .to_string()
    }

    /// The name of the bucket that starts on `start`: `2026-W05`,
    /// `2026-03`, `2026 Q1`, `2026`.
    pub fn bucket_name(self, start: NaiveDate) -> String {
        match self {
            By::Week => {
                let w = start.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            By::Month => format!("{}-{:02}", start.year(), start.month()),
            By::Quarter => format!("{} Q{}", start.year(), start.month0() / 3 + 1),
            By::Year => start.year().to_string(),
        }
    }

    /// The bucket's place within its year (1-based): what lines up a year
    /// with the years it is compared with.
    pub fn index_in_year(self, start: NaiveDate) -> u32 {
        match self {
            By::Week => start.iso_week().week(),
            By::Month => start.month(),
            By::Quarter => start.month0() / 3 + 1,
            By::Year => 1,
        }
    }
}

/// A report's filters, as its URL writes them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    pub period: Period,
    /// With `Period::Custom`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub by: By,
    /// Sales: previous years shown beside the period (0–4).
    pub compare: u8,
    /// One user's figures; `None` is the whole team.
    pub user: Option<i64>,
    pub pipeline: Option<i64>,
    pub programme: Option<i64>,
    /// Quality: one record kind (`companies`, `persons`).
    pub kind: Option<String>,
    /// The main table's sort: a column key, and descending.
    pub sort: Option<String>,
    pub desc: bool,
    /// The main table's page (1-based; 0 is the first): a table longer
    /// than [`PAGE_ROWS`] is shown a page at a time, the CSV has it whole.
    pub page: u32,
}

/// The rows of a report's table on one page. The Activity of a team of
/// 1,671 is 18,793 rows (user × kind × status): whole, it was 4.5 MB of
/// JSON and as many table rows for the browser to lay out.
pub const PAGE_ROWS: usize = 500;

/// At most this many previous years beside a period.
pub const MAX_COMPARE: u8 = 4;

impl ReportQuery {
    pub fn from_params(get: impl Fn(&str) -> Option<String>, defaults: ReportQuery) -> ReportQuery {
        let date = |k: &str| get(k).and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
        let id = |k: &str| {
            get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .filter(|v| *v > 0)
        };
        let period = get("period")
            .and_then(|p| Period::parse(&p))
            .unwrap_or(defaults.period);
        ReportQuery {
            period,
            from: date("from"),
            to: date("to"),
            by: get("by").and_then(|b| By::parse(&b)).unwrap_or(defaults.by),
            compare: get("compare")
                .and_then(|c| c.parse::<u8>().ok())
                .unwrap_or(defaults.compare)
                .min(MAX_COMPARE),
            user: id("user"),
            pipeline: id("pipeline"),
            programme: id("programme"),
            kind: get("kind").filter(|k| !k.is_empty()),
            sort: get("sort").filter(|s| !s.is_empty()),
            desc: get("dir").as_deref() == Some("desc"),
            page: get("page").and_then(|p| p.parse().ok()).unwrap_or(0),
        }
    }

    /// The query string (without `?`) that [`Self::from_params`] reads back.
    pub fn to_query_string(&self) -> String {
        let mut parts = vec![format!("period={}", self.period.as_str())];
        if self.period == Period::Custom {
            if let Some(f) = self.from {
                parts.push(format!("from={f}"));
            }
            if let Some(t) = self.to {
                parts.push(format!("to={t}"));
            }
        }
        parts.push(format!("by={}", self.by.as_str()));
        if self.compare > 0 {
            parts.push(format!("compare={}", self.compare));
        }
        for (k, v) in [
            ("user", self.user),
            ("pipeline", self.pipeline),
            ("programme", self.programme),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        }
        if let Some(k) = &self.kind {
            parts.push(format!("kind={}", crate::ui::list::urlencode(k)));
        }
        if let Some(s) = &self.sort {
            parts.push(format!("sort={}", crate::ui::list::urlencode(s)));
            parts.push(format!("dir={}", if self.desc { "desc" } else { "asc" }));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        parts.join("&")
    }

    /// The period's first and last day for `today`. A custom period
    /// missing a date takes the other; with neither, this month; dates
    /// given the wrong way round are swapped.
    pub fn range(&self, today: NaiveDate, week_start: Weekday) -> (NaiveDate, NaiveDate) {
        if let Some(r) = self.period.resolve(today, week_start) {
            return r;
        }
        match (self.from, self.to) {
            (Some(f), Some(t)) if f <= t => (f, t),
            (Some(f), Some(t)) => (t, f),
            (Some(d), None) | (None, Some(d)) => (d, d),
            (None, None) => Period::ThisMonth
                .resolve(today, week_start)
                .unwrap_or((today, today)),
        }
    }
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub numeric: bool,
}

/// A value in a table. Numbers stay numbers (the CSV writes them plain,
/// the page in the reader's format); a link leads to the records counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// A count that links to its records (the list with the filter set).
    CountLink(i64, String),
    Money(f64),
    Hours(f64),
    /// A share in percent; `None` when there is nothing to divide.
    Percent(Option<f64>),
    /// A duration in days; `None` when there is nothing to average.
    Days(Option<f64>),
}

impl Cell {
    /// The value as the CSV file writes it: plain digits, a decimal
    /// separator in the reader's language, no grouping, no unit.
    pub fn csv(&self, fr: bool) -> String {
        let dec = |v: f64, places: usize| {
            let s = format!("{v:.places$}");
            if fr { s.replace('.', ",") } else { s }
        };
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) | Cell::CountLink(n, _) => n.to_string(),
            Cell::Money(v) => dec(*v, 2),
            Cell::Hours(v) => dec(*v, 1),
            Cell::Percent(v) | Cell::Days(v) => v.map(|v| dec(v, 1)).unwrap_or_default(),
        }
    }

    /// The value as the page shows it.
    pub fn display(&self, fr: bool) -> String {
        use crate::ui::chart::{Unit, format_value};
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) | Cell::CountLink(n, _) => format_value(*n as f64, Unit::Count, fr),
            Cell::Money(v) => {
                let s = format!("{v:.2}");
                let (whole, cents) = s.split_once('.').unwrap_or((&s, "00"));
                let whole = format_value(whole.parse::<f64>().unwrap_or(0.0), Unit::Count, fr);
                format!("{whole}{}{cents}\u{a0}€", if fr { ',' } else { '.' })
            }
            Cell::Hours(v) => format_value(*v, Unit::Hours, fr),
            Cell::Percent(v) => v
                .map(|v| format_value(v, Unit::Percent, fr))
                .unwrap_or_else(|| "—".into()),
            Cell::Days(v) => v
                .map(|v| {
                    let s = format!("{v:.1}");
                    if fr { s.replace('.', ",") } else { s }
                })
                .unwrap_or_else(|| "—".into()),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Cell::Text(_) => None,
            Cell::Count(n) | Cell::CountLink(n, _) => Some(*n as f64),
            Cell::Money(v) | Cell::Hours(v) => Some(*v),
            Cell::Percent(v) | Cell::Days(v) => *v,
        }
    }
}

/// A table of a report: what the page shows and the CSV writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// `main` for the report's table; others have their own CSV link.
    pub id: String,
    pub title: String,
    pub columns: Vec<Column>,
    /// The rows shown: all of them, or one page of the main table.
    pub rows: Vec<Vec<Cell>>,
    /// Said under the table (e.g. that it shows the first rows only).
    pub note: Option<String>,
    /// How many rows the whole table has, and the place of the first
    /// one shown (0-based): a page of the main table is `first ..
    /// first + rows.len()` of `total`.
    #[serde(default)]
    pub total: usize,
    #[serde(default)]
    pub first: usize,
}

impl Table {
    /// A table of these rows, all shown.
    pub fn new(id: &str, title: String, columns: Vec<Column>, rows: Vec<Vec<Cell>>) -> Table {
        Table {
            id: id.into(),
            title,
            columns,
            total: rows.len(),
            rows,
            note: None,
            first: 0,
        }
    }

    /// The same, with something said under it.
    pub fn with_note(self, note: Option<String>) -> Table {
        Table { note, ..self }
    }

    /// Sorts the rows on the column `key` (numbers as numbers, text
    /// ignoring case; empty values last), or leaves them as built if no
    /// such column. Each row's key is computed once (18,793 rows sorted
    /// by name were half a million lower-cased copies).
    pub fn sort(&mut self, key: Option<&str>, desc: bool) {
        #[derive(PartialEq, PartialOrd)]
        enum Key {
            Number(f64),
            Text(String),
            Empty,
        }
        let Some(col) = key.and_then(|k| self.columns.iter().position(|c| c.key == k)) else {
            return;
        };
        let key = |r: &Vec<Cell>| match r[col].number() {
            Some(n) => Key::Number(n),
            None if matches!(r[col], Cell::Text(_)) => Key::Text(r[col].csv(false).to_lowercase()),
            None => Key::Empty,
        };
        let mut keyed: Vec<(Key, Vec<Cell>)> = std::mem::take(&mut self.rows)
            .into_iter()
            .map(|r| (key(&r), r))
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            use std::cmp::Ordering;
            match (a, b) {
                (Key::Empty, Key::Empty) => Ordering::Equal,
                (Key::Empty, _) => Ordering::Greater,
                (_, Key::Empty) => Ordering::Less,
                _ => {
                    let ord = a.partial_cmp(b).unwrap_or(Ordering::Equal);
                    if desc { ord.reverse() } else { ord }
                }
            }
        });
        self.rows = keyed.into_iter().map(|(_, r)| r).collect();
    }

    /// Keeps the rows of page `page` (1-based; 0 is the first, a page
    /// past the end is the last).
    pub fn keep_page(&mut self, page: u32) {
        self.total = self.rows.len();
        let pages = self.total.div_ceil(PAGE_ROWS).max(1);
        let page = (page.max(1) as usize).min(pages);
        self.first = (page - 1) * PAGE_ROWS;
        self.rows = self.rows.drain(self.first..).take(PAGE_ROWS).collect();
    }
}

/// One of the filter bar's choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// A report as the server built it for its reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub kind: ReportKind,
    /// The filters it was built with, as asked.
    pub query: ReportQuery,
    /// The period's days, resolved on the day it was asked.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Whose figures these are: `None` for the whole team.
    pub owner: Option<i64>,
    /// Whether the reader may choose whose figures (managers, admins).
    pub everyone: bool,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
    /// The filter bar's choices.
    pub users: Vec<Choice>,
    pub pipelines: Vec<Choice>,
    pub programmes: Vec<Choice>,
}

/// A report kept with its filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedReport {
    pub id: i64,
    pub report: ReportKind,
    pub name: String,
    /// The query string of its link.
    pub query: String,
    pub shared: bool,
    /// Kept by the reader (who may delete it).
    pub mine: bool,
    pub owner_name: String,
}

impl SavedReport {
    pub fn href(&self) -> String {
        format!("/reports/{}?{}", self.report.as_str(), self.query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dynamic_periods_move_with_today() {
        let today = d(2026, 12, 4); // a Friday
        let r = |p: Period| p.resolve(today, Weekday::Mon).unwrap();
        assert_eq!(r(Period::Today), (today, today));
        assert_eq!(r(Period::ThisWeek), (d(2026, 11, 30), d(2026, 12, 6)));
        assert_eq!(r(Period::LastWeek), (d(2026, 11, 23), d(2026, 11, 29)));
        assert_eq!(r(Period::ThisMonth), (d(2026, 12, 1), d(2026, 12, 31)));
        assert_eq!(r(Period::LastMonth), (d(2026, 11, 1), d(2026, 11, 30)));
        assert_eq!(r(Period::ThisQuarter), (d(2026, 10, 1), d(2026, 12, 31)));
        assert_eq!(r(Period::LastQuarter), (d(2026, 7, 1), d(2026, 9, 30)));
        assert_eq!(r(Period::YearToDate), (d(2026, 1, 1), today));
        assert_eq!(r(Period::ThisYear), (d(2026, 1, 1), d(2026, 12, 31)));
        assert_eq!(r(Period::LastYear), (d(2025, 1, 1), d(2025, 12, 31)));
        assert_eq!(r(Period::Last12Months), (d(2025, 12, 5), today));
        assert_eq!(r(Period::Next12Months), (d(2026, 12, 1), d(2027, 11, 30)));
        // A Sunday-first week, and a month whose previous one is shorter.
        assert_eq!(
            Period::ThisWeek.resolve(today, Weekday::Sun).unwrap(),
            (d(2026, 11, 29), d(2026, 12, 5))
        );
        assert_eq!(
            Period::LastMonth
                .resolve(d(2027, 3, 31), Weekday::Mon)
                .unwrap(),
            (d(2027, 2, 1), d(2027, 2, 28))
        );
        // The same saved words, a month later.
        assert_eq!(
            Period::LastMonth
                .resolve(d(2027, 1, 15), Weekday::Mon)
                .unwrap(),
            (d(2026, 12, 1), d(2026, 12, 31))
        );
    }

    #[test]
    fn a_query_reads_back_what_it_writes() {
        let q = ReportQuery {
            period: Period::Custom,
            from: Some(d(2026, 1, 1)),
            to: Some(d(2026, 6, 30)),
            by: By::Quarter,
            compare: 4,
            user: Some(7),
            pipeline: Some(2),
            programme: None,
            kind: Some("persons".into()),
            sort: Some("won".into()),
            desc: true,
            page: 3,
        };
        let s = q.to_query_string();
        let params: Vec<(String, String)> = s
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let back = ReportQuery::from_params(
            |k| {
                params
                    .iter()
                    .find(|(pk, _)| pk == k)
                    .map(|(_, v)| v.clone())
            },
            ReportQuery::default(),
        );
        assert_eq!(back, q);
        // Out of range and unknown values fall back, never fail.
        let odd = ReportQuery::from_params(
            |k| match k {
                "compare" => Some("9".into()),
                "period" => Some("yesterday-ish".into()),
                "user" => Some("-3".into()),
                _ => None,
            },
            ReportKind::Sales.defaults(),
        );
        assert_eq!(odd.compare, MAX_COMPARE);
        assert_eq!(odd.period, Period::YearToDate);
        assert_eq!(odd.user, None);
    }

    #[test]
    fn a_custom_period_is_put_right_way_round() {
        let q = ReportQuery {
            period: Period::Custom,
            from: Some(d(2026, 5, 1)),
            to: Some(d(2026, 2, 1)),
            ..ReportQuery::default()
        };
        assert_eq!(
            q.range(d(2026, 12, 4), Weekday::Mon),
            (d(2026, 2, 1), d(2026, 5, 1))
        );
    }

    #[test]
    fn tables_sort_numbers_as_numbers_and_csv_writes_them_plain() {
        let t = Table::new(
            "main",
            String::new(),
            vec![
                Column {
                    key: "name".into(),
                    label: "Name".into(),
                    numeric: false,
                },
                Column {
                    key: "n".into(),
                    label: "N".into(),
                    numeric: true,
                },
                Column {
                    key: "rate".into(),
                    label: "Rate".into(),
                    numeric: true,
                },
            ],
            vec![
                vec![Cell::Text("b".into()), Cell::Count(10), Cell::Percent(None)],
                vec![
                    Cell::Text("A".into()),
                    Cell::Count(9),
                    Cell::Percent(Some(50.0)),
                ],
                vec![
                    Cell::Text("c".into()),
                    Cell::Count(100),
                    Cell::Percent(Some(20.0)),
                ],
            ],
        );
        let names = |key: &str, desc: bool| {
            let mut t = t.clone();
            t.sort(Some(key), desc);
            t.rows.iter().map(|r| r[0].csv(false)).collect::<Vec<_>>()
        };
        assert_eq!(names("n", false), ["A", "b", "c"]);
        assert_eq!(names("n", true), ["c", "b", "A"]);
        assert_eq!(names("name", false), ["A", "b", "c"]);
        assert_eq!(names("nope", false), ["b", "A", "c"]);
        // Nothing to show sorts last, whichever the direction.
        assert_eq!(names("rate", false), ["c", "A", "b"]);
        assert_eq!(names("rate", true), ["A", "c", "b"]);
        assert_eq!(Cell::Money(1234.5).csv(true), "1234,50");
        assert_eq!(Cell::Money(1234.5).display(false), "1,234.50\u{a0}€");
        assert_eq!(Cell::Percent(None).csv(false), "");
    }

    #[test]
    fn a_long_table_is_shown_a_page_at_a_time() {
        let rows = (0..PAGE_ROWS * 2 + 7)
            .map(|i| vec![Cell::Count(i as i64)])
            .collect::<Vec<_>>();
        let t = Table::new("main", String::new(), Vec::new(), rows);
        let page = |p: u32| {
            let mut t = t.clone();
            t.keep_page(p);
            (t.first, t.rows.len(), t.total, t.rows[0].clone())
        };
        assert_eq!(
            page(0),
            (0, PAGE_ROWS, PAGE_ROWS * 2 + 7, vec![Cell::Count(0)])
        );
        assert_eq!(page(1), page(0));
        let second = PAGE_ROWS as i64;
        assert_eq!(
            page(2),
            (
                PAGE_ROWS,
                PAGE_ROWS,
                PAGE_ROWS * 2 + 7,
                vec![Cell::Count(second)]
            )
        );
        // The last page has what is left; a page past the end is the last.
        assert_eq!(page(3).1, 7);
        assert_eq!(page(99), page(3));
        let mut empty = Table::new("main", String::new(), Vec::new(), Vec::new());
        empty.keep_page(4);
        assert_eq!((empty.first, empty.total, empty.rows.len()), (0, 0, 0));
    }

    #[test]
    fn buckets_are_named_and_lined_up_across_years() {
        assert_eq!(By::Month.bucket_name(d(2026, 3, 1)), "2026-03");
        assert_eq!(By::Quarter.bucket_name(d(2026, 7, 1)), "2026 Q3");
        assert_eq!(By::Week.bucket_name(d(2026, 1, 26)), "2026-W05");
        assert_eq!(By::Year.bucket_name(d(2024, 1, 1)), "2024");
        assert_eq!(By::Quarter.index_in_year(d(2022, 10, 1)), 4);
    }
}
