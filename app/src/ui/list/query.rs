//! What a list asks the server for and what it gets back, shared by the
//! browser and the server, and how that state is written in the URL
//! (`?q=…&sort=…&dir=…&f=…&mine=1&after=…`) so that back, reload and shared
//! links show the same list.
//!
//! Paging is by keyset: a page is "the rows after (or before) this row in
//! this order", which costs the same on page 1 and page 40 000.

use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 25;
pub const MAX_PER_PAGE: u32 = 100;
/// Counts stop being exact past this many rows; beyond it the planner's
/// estimate is shown ("about 1,000,000"). The server may show the estimate
/// sooner (`ssr::list_sql::count_rows`: a large estimate, or a count that
/// took too long).
pub const EXACT_COUNT_LIMIT: i64 = 10_000;

/// The position of a row in the list's order: its sort value (as text) and
/// id. The next page starts after the last row's cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub key: String,
    pub id: i64,
}

/// How a filter compares a field with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    /// Equal (text: ignoring case and accents; lists such as roles: contains).
    Is,
    IsNot,
    Contains,
    StartsWith,
    /// Greater or equal, for numbers and dates.
    AtLeast,
    /// Less or equal, for numbers and dates.
    AtMost,
    Empty,
    NotEmpty,
}

impl FilterOp {
    pub const ALL: [FilterOp; 8] = [
        FilterOp::Is,
        FilterOp::IsNot,
        FilterOp::Contains,
        FilterOp::StartsWith,
        FilterOp::AtLeast,
        FilterOp::AtMost,
        FilterOp::Empty,
        FilterOp::NotEmpty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Is => "is",
            FilterOp::IsNot => "is_not",
            FilterOp::Contains => "contains",
            FilterOp::StartsWith => "starts_with",
            FilterOp::AtLeast => "at_least",
            FilterOp::AtMost => "at_most",
            FilterOp::Empty => "empty",
            FilterOp::NotEmpty => "not_empty",
        }
    }

    pub fn parse(s: &str) -> Option<FilterOp> {
        FilterOp::ALL.into_iter().find(|op| op.as_str() == s)
    }

    /// Whether the operator takes a value.
    pub fn needs_value(self) -> bool {
        !matches!(self, FilterOp::Empty | FilterOp::NotEmpty)
    }
}

/// What kind of value a filterable field holds; decides the operators the
/// filter bar offers and how the server binds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    /// One of fixed values (stored as the key).
    Choice(&'static [&'static str]),
    /// Any of fixed values (a text array such as roles).
    Choices(&'static [&'static str]),
    Number,
    /// A calendar day (an SQL `date`).
    Date,
    /// A moment (an SQL `timestamptz`: when a record was created, changed,
    /// an interaction starts), filtered by the reader's calendar day in
    /// their time zone (`ssr::list_sql`); chosen with a date input.
    Moment,
    /// A user id.
    Owner,
    /// A tag id, matched against the record's tags.
    Tag,
    /// What is wrong with the record (`records::quality::PROBLEMS`): the
    /// data-quality page's rules, written by `records::quality`.
    Quality(&'static [&'static str]),
}

impl ValueKind {
    pub fn ops(self) -> &'static [FilterOp] {
        use FilterOp::*;
        match self {
            ValueKind::Text => &[Contains, Is, IsNot, StartsWith, Empty, NotEmpty],
            ValueKind::Choice(_) | ValueKind::Owner => &[Is, IsNot, Empty, NotEmpty],
            ValueKind::Choices(_) | ValueKind::Tag | ValueKind::Quality(_) => &[Is, IsNot],
            ValueKind::Number | ValueKind::Date | ValueKind::Moment => {
                &[Is, AtLeast, AtMost, Empty, NotEmpty]
            }
        }
    }
}

/// One condition of the advanced filter: field, operator, value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub field: String,
    pub op: FilterOp,
    #[serde(default)]
    pub value: String,
}

/// What a list asks the server for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Quick search text.
    pub q: String,
    /// Column key to sort by; the server falls back to its default if unknown.
    pub sort: String,
    pub desc: bool,
    /// Conditions, all of which must hold.
    pub filters: Vec<Filter>,
    /// Only records I own.
    pub mine: bool,
    /// The page after this row…
    pub after: Option<Cursor>,
    /// …or the page before this one.
    pub before: Option<Cursor>,
    /// The page number shown to the user (1-based); paging itself is by cursor.
    pub page: u32,
    pub per_page: u32,
}

impl ListQuery {
    pub fn page(&self) -> u32 {
        self.page.max(1)
    }

    pub fn per_page(&self) -> u32 {
        if self.per_page == 0 {
            PER_PAGE
        } else {
            self.per_page.min(MAX_PER_PAGE)
        }
    }

    /// The same list from its first page.
    pub fn first_page(&self) -> ListQuery {
        ListQuery {
            after: None,
            before: None,
            page: 1,
            ..self.clone()
        }
    }

    /// What a saved filter keeps: the query without its position.
    pub fn without_position(&self) -> ListQuery {
        ListQuery {
            per_page: 0,
            ..self.first_page()
        }
    }

    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", urlencode(&self.q)));
        }
        if !self.sort.is_empty() {
            parts.push(format!("sort={}", urlencode(&self.sort)));
            parts.push(format!("dir={}", if self.desc { "desc" } else { "asc" }));
        }
        if !self.filters.is_empty() {
            parts.push(format!("f={}", urlencode(&encode_filters(&self.filters))));
        }
        if self.mine {
            parts.push("mine=1".into());
        }
        if let Some(c) = &self.after {
            parts.push(format!("after={}", urlencode(&encode_cursor(c))));
        }
        if let Some(c) = &self.before {
            parts.push(format!("before={}", urlencode(&encode_cursor(c))));
        }
        if self.page() > 1 {
            parts.push(format!("page={}", self.page()));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// Reads the query from URL parameters (already percent-decoded once).
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> ListQuery {
        ListQuery {
            q: get("q").unwrap_or_default(),
            sort: get("sort").unwrap_or_default(),
            desc: get("dir").as_deref() == Some("desc"),
            filters: get("f").map(|f| decode_filters(&f)).unwrap_or_default(),
            mine: get("mine").as_deref() == Some("1"),
            after: get("after").and_then(|c| decode_cursor(&c)),
            before: get("before").and_then(|c| decode_cursor(&c)),
            page: get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
            per_page: PER_PAGE,
        }
    }
}

/// Filters as one URL value: `field.op.value` joined by `!`, each part
/// percent-encoded so that the separators never appear inside a part.
fn encode_filters(filters: &[Filter]) -> String {
    filters
        .iter()
        .map(|f| {
            format!(
                "{}.{}.{}",
                urlencode(&f.field),
                f.op.as_str(),
                urlencode(&f.value)
            )
        })
        .collect::<Vec<_>>()
        .join("!")
}

fn decode_filters(s: &str) -> Vec<Filter> {
    s.split('!')
        .filter_map(|part| {
            let mut it = part.splitn(3, '.');
            let field = urldecode(it.next()?)?;
            let op = FilterOp::parse(it.next()?)?;
            let value = urldecode(it.next().unwrap_or(""))?;
            Some(Filter { field, op, value })
        })
        .collect()
}

fn encode_cursor(c: &Cursor) -> String {
    format!("{}.{}", c.id, urlencode(&c.key))
}

fn decode_cursor(s: &str) -> Option<Cursor> {
    let (id, key) = s.split_once('.')?;
    Some(Cursor {
        id: id.parse().ok()?,
        key: urldecode(key)?,
    })
}

/// Percent-encodes a query-string value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reverses [`urlencode`]; `None` on malformed input.
pub fn urldecode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Rows matching the filter: exact, or an estimate (`total_is_estimate`).
    pub total: i64,
    pub total_is_estimate: bool,
    /// Cursor of the last row, when there are more rows after it.
    pub next: Option<Cursor>,
    /// Cursor of the first row, when there are rows before it.
    pub prev: Option<Cursor>,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        ((self.total + per - 1) / per).clamp(1, i64::from(u32::MAX)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_survives_the_url() {
        let q = ListQuery {
            q: "Élodie & co".into(),
            sort: "city".into(),
            desc: true,
            filters: vec![
                Filter {
                    field: "city".into(),
                    op: FilterOp::Is,
                    value: "Saint-Étienne. !x".into(),
                },
                Filter {
                    field: "email".into(),
                    op: FilterOp::Empty,
                    value: String::new(),
                },
            ],
            mine: true,
            after: Some(Cursor {
                key: "lefèvre.a!b".into(),
                id: 42,
            }),
            before: None,
            page: 3,
            per_page: PER_PAGE,
        };
        let s = q.to_query_string();
        // What the router hands over: each parameter decoded once.
        let params: Vec<(String, String)> = s
            .trim_start_matches('?')
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), urldecode(v).unwrap())
            })
            .collect();
        let back = ListQuery::from_params(|k| {
            params
                .iter()
                .find(|(pk, _)| pk == k)
                .map(|(_, v)| v.clone())
        });
        assert_eq!(back, q);
    }

    #[test]
    fn bad_url_parts_are_dropped_not_fatal() {
        assert_eq!(decode_filters("city.bogus.x!.is.%zz"), vec![]);
        assert_eq!(decode_cursor("nope"), None);
        assert_eq!(urldecode("%E9"), None);
    }
}
