//! The server half of `ui::list`: one query shape for every module's list.
//! Only the static pieces of a [`ListSpec`] become SQL text; what the caller
//! sends (search text, filters, sort key, cursor) is bound as a parameter or
//! picked from a whitelist.
//!
//! Shape of a page query: the inner query filters, orders and limits the
//! module's table alone (so PostgreSQL walks one index and stops after a
//! page); only the rows of that page are then joined to owners, companies…
//!
//! ```sql
//! SELECT <select>, sort_key::text AS cursor_key
//! FROM (SELECT p.*, <sort> AS sort_key FROM persons p
//!       WHERE <conditions> AND (<sort>, p.id) > ($k, $id)
//!       ORDER BY <sort>, p.id LIMIT <n + 1>) p
//! LEFT JOIN … ORDER BY sort_key, p.id
//! ```

use crate::error::{AppError, AppResult, FieldError, FieldProblem};
use crate::ui::list::{Cursor, EXACT_COUNT_LIMIT, Filter, FilterOp, ListQuery, Page, ValueKind};
use futures::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, FromRow, PgPool, Row};

/// A column the browser may sort by: its key, SQL expression (never NULL, so
/// that keyset comparisons work) and the SQL type of a cursor value.
pub struct Sort {
    pub key: &'static str,
    pub expr: &'static str,
    pub ty: &'static str,
}

/// A field the advanced filter may test.
pub struct Field {
    pub key: &'static str,
    pub expr: &'static str,
    pub kind: ValueKind,
}

/// A moment of a row shown as a day, `YYYY-MM-DD`: the reader's day, in
/// their time zone, as its filter means it ([`ValueKind::Moment`]). The
/// page's query selects it as `alias` (a `String` field of the row).
pub struct Day {
    pub expr: &'static str,
    pub alias: &'static str,
}

/// The reader's time zone, read in the query (an init plan run once).
fn reader_zone(user_id: i64, b: &mut Built) -> String {
    format!(
        "(SELECT time_zone FROM users WHERE id = {}::bigint)",
        b.bind(user_id.to_string())
    )
}

/// Past this many rows by the planner's estimate, a count is not run: the
/// estimate is shown, rounded ("about 7,500"). Well above what PostgreSQL
/// guesses for a table it has not analysed yet (ten pages' worth), so that a
/// new, small table is still counted.
pub const COUNT_ESTIMATE_FROM: i64 = 5_000;

/// Up to this many rows by the estimate, a count runs as it is: even ten
/// times more rows than estimated are read in a few milliseconds.
pub const COUNT_UNGUARDED_UPTO: i64 = 500;

/// The most time an exact count of more rows may take before its estimate is
/// shown instead: the work limit that bounds a count the statistics misjudged.
pub const COUNT_WORK_LIMIT: &str = "8ms";

/// How many rows `rows_sql` (`SELECT 1 FROM … WHERE …`, parameters bound
/// by `bind`) returns, and whether that is an estimate. Every count a page
/// shows goes through here (lists, board columns), so none reads a large
/// table to say how large it is:
///
/// 1. the planner's estimate (`EXPLAIN`, planning only);
/// 2. past [`COUNT_ESTIMATE_FROM`], that estimate, rounded;
/// 3. else an exact count, stopped at [`EXACT_COUNT_LIMIT`] rows, and past
///    [`COUNT_UNGUARDED_UPTO`] also after [`COUNT_WORK_LIMIT`] (a statement
///    timeout, which costs a transaction: three more round trips, 3 ms on
///    the tasks board's four columns, so small counts go without), then the
///    estimate again.
pub async fn count_rows<F>(pool: &PgPool, rows_sql: &str, bind: F) -> AppResult<(i64, bool)>
where
    F: Fn(Query<'_>) -> Query<'_>,
{
    let estimate = estimate_rows(pool, rows_sql, &bind).await?;
    if estimate > COUNT_ESTIMATE_FROM {
        return Ok((round_estimate(estimate), true));
    }
    let count = format!(
        "SELECT count(*) FROM ({rows_sql} LIMIT {}) s",
        EXACT_COUNT_LIMIT + 1
    );
    match within_work_limit(pool, &count, estimate, &bind).await? {
        Some(rows) => {
            let exact: i64 = rows[0].try_get(0)?;
            if exact <= EXACT_COUNT_LIMIT {
                Ok((exact, false))
            } else {
                Ok((round_estimate(estimate.max(exact)), true))
            }
        }
        None => Ok((round_estimate(estimate), true)),
    }
}

/// How many rows each key of `keys_sql` (`SELECT key FROM … WHERE …`, one
/// row per row counted) has, when [`count_rows`]' rule allows an exact
/// count of them all at once; `None` when it does not (too many rows by the
/// estimate or the count, or the work limit reached): then count each key
/// with [`count_rows`]. Keys without rows are absent.
pub async fn count_groups<F>(
    pool: &PgPool,
    keys_sql: &str,
    bind: F,
) -> AppResult<Option<Vec<(String, i64)>>>
where
    F: Fn(Query<'_>) -> Query<'_>,
{
    let estimate = estimate_rows(pool, keys_sql, &bind).await?;
    if estimate > COUNT_ESTIMATE_FROM {
        return Ok(None);
    }
    let count = format!(
        "SELECT s.k, count(*) FROM ({keys_sql} LIMIT {}) s(k) GROUP BY s.k",
        EXACT_COUNT_LIMIT + 1
    );
    let Some(rows) = within_work_limit(pool, &count, estimate, &bind).await? else {
        return Ok(None);
    };
    let groups = rows
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<AppResult<Vec<(String, i64)>>>()?;
    let total: i64 = groups.iter().map(|g| g.1).sum();
    Ok((total <= EXACT_COUNT_LIMIT).then_some(groups))
}

/// A query of the counts, its parameters bound by the caller.
type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// The planner's estimate of the rows of `sql` (`EXPLAIN`, planning only).
async fn estimate_rows<F>(pool: &PgPool, sql: &str, bind: &F) -> AppResult<i64>
where
    F: Fn(Query<'_>) -> Query<'_>,
{
    let explain = format!("EXPLAIN (FORMAT JSON) {sql}");
    let plan: serde_json::Value = bind(sqlx::query(AssertSqlSafe(explain)))
        .fetch_one(pool)
        .await?
        .try_get(0)?;
    Ok(plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as i64)
}

/// The rows of count `sql`, or `None` when it was stopped at
/// [`COUNT_WORK_LIMIT`]; only counts of more than [`COUNT_UNGUARDED_UPTO`]
/// rows by the `estimate` are limited.
async fn within_work_limit<F>(
    pool: &PgPool,
    sql: &str,
    estimate: i64,
    bind: &F,
) -> AppResult<Option<Vec<PgRow>>>
where
    F: Fn(Query<'_>) -> Query<'_>,
{
    let counted = if estimate <= COUNT_UNGUARDED_UPTO {
        bind(sqlx::query(AssertSqlSafe(sql.to_string())))
            .fetch_all(pool)
            .await
    } else {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT set_config('statement_timeout', $1, true)")
            .bind(COUNT_WORK_LIMIT)
            .execute(&mut *tx)
            .await?;
        let rows = bind(sqlx::query(AssertSqlSafe(sql.to_string())))
            .fetch_all(&mut *tx)
            .await;
        // Cancelled, the transaction rolls back when dropped; it wrote nothing.
        if rows.is_ok() {
            tx.commit().await?;
        }
        rows
    };
    match counted {
        Ok(rows) => Ok(Some(rows)),
        // 57014: cancelled by the statement timeout.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("57014") => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// An estimate to two significant digits: 21,087 reads "about 21,000".
pub fn round_estimate(n: i64) -> i64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

pub struct ListSpec {
    /// The module's table and alias, e.g. `persons p`.
    pub table: &'static str,
    pub alias: &'static str,
    /// The kind of record listed: the record type of its tags, and whose
    /// rule says which rows the reader may see (`access`).
    pub kind: crate::records::RecordKind,
    /// Joins applied to the rows of one page only.
    pub joins: &'static str,
    /// Selected columns, matching the row type's `FromRow`.
    pub select: &'static str,
    /// Moments selected too as the reader's day (besides `select`).
    pub days: &'static [Day],
    /// Always-true condition of the module (e.g. not deleted).
    pub filter: &'static str,
    /// Folded (lower case, no accents) text the quick search looks into,
    /// backed by a trigram index.
    pub search: &'static str,
    /// The owner column, for "My items".
    pub owner: &'static str,
    /// Sort keys the browser may ask for; the first is the default.
    pub sorts: &'static [Sort],
    pub fields: &'static [Field],
}

/// A statement and its parameters, all bound as text and cast in SQL.
#[derive(Debug, Default)]
pub struct Built {
    pub sql: String,
    pub binds: Vec<String>,
}

impl Built {
    fn bind(&mut self, value: impl Into<String>) -> String {
        self.binds.push(value.into());
        format!("${}", self.binds.len())
    }

    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.sql.as_str()));
        for b in &self.binds {
            q = q.bind(b);
        }
        q
    }
}

/// `%text%` for LIKE, folded like the search columns, wildcards escaped.
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(&fold(text)))
}

fn escape_like(text: &str) -> String {
    let mut p = String::new();
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p
}

/// What the quick search looks for: phone-like input as bare digits (the
/// search columns hold phones as digits), anything else trimmed and lower
/// case (accents are folded by SQL).
pub fn fold(text: &str) -> String {
    let t = text.trim();
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    let phone_like = digits >= 3
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-' | '(' | ')'));
    if phone_like {
        t.chars().filter(|c| c.is_ascii_digit()).collect()
    } else {
        t.to_lowercase()
    }
}

/// What is wrong with a record (`records::quality`), filterable in the
/// list of every kind with a `Quality` in its descriptor.
const QUALITY: Field = Field {
    key: "quality",
    expr: "",
    kind: ValueKind::Quality(crate::records::quality::PROBLEMS),
};

/// The most conditions one list query may combine: more is no user's
/// filter, and each costs the database (2,000 of them held it for 13 s).
pub const MAX_FILTERS: usize = 20;
/// The longest quick search or filter value.
pub const MAX_TEXT: usize = 200;

fn too_long(field: &str, max: usize) -> AppError {
    AppError::invalid(vec![FieldError {
        field: field.into(),
        problem: FieldProblem::TooLong { max },
    }])
}

/// Whether `key` is a value of SQL type `ty` as PostgreSQL writes it (a
/// cursor comes back from the browser: a junk one is refused here instead
/// of failing the cast in SQL).
fn cursor_fits(ty: &str, key: &str) -> bool {
    if key.len() > 1000 {
        return false;
    }
    match ty {
        "text" => true,
        "integer" | "bigint" => key.parse::<i64>().is_ok(),
        "numeric" => {
            let digits = key.strip_prefix('-').unwrap_or(key);
            !digits.is_empty()
                && digits.chars().filter(|c| *c == '.').count() <= 1
                && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        }
        "date" => chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d").is_ok(),
        "timestamptz" => {
            matches!(key, "infinity" | "-infinity")
                || chrono::DateTime::parse_from_str(key, "%Y-%m-%d %H:%M:%S%.f%#z").is_ok()
        }
        _ => false,
    }
}

fn bad_cursor() -> AppError {
    AppError::invalid(vec![FieldError {
        field: "cursor".into(),
        problem: FieldProblem::InvalidChoice,
    }])
}

fn bad_filter() -> AppError {
    AppError::invalid(vec![FieldError {
        field: "filters".into(),
        problem: FieldProblem::InvalidChoice,
    }])
}

impl ListSpec {
    fn sort(&self, q: &ListQuery) -> &Sort {
        self.sorts
            .iter()
            .find(|s| s.key == q.sort)
            .unwrap_or(&self.sorts[0])
    }

    /// The WHERE clause of the query (module filter, search, "mine",
    /// advanced filters), binding what the caller sent.
    fn conditions(&self, q: &ListQuery, user_id: i64, b: &mut Built) -> AppResult<String> {
        if q.filters.len() > MAX_FILTERS {
            return Err(AppError::invalid(vec![FieldError {
                field: "filters".into(),
                problem: FieldProblem::TooMany { max: MAX_FILTERS },
            }]));
        }
        if q.q.chars().count() > MAX_TEXT {
            return Err(too_long("q", MAX_TEXT));
        }
        if q.filters.iter().any(|f| f.value.chars().count() > MAX_TEXT) {
            return Err(too_long("filters", MAX_TEXT));
        }
        let mut cond = vec![self.filter.to_string()];
        // The rows the reader may see (others' private interactions are
        // not theirs to list, count or export).
        let see = crate::access::ssr::see_sql(self.kind, self.alias, "{viewer}");
        if see != "true" {
            let p = b.bind(user_id.to_string());
            cond.push(see.replace("{viewer}", &format!("{p}::bigint")));
        }
        let search = fold(&q.q);
        if !search.is_empty() {
            let p = b.bind(format!("%{}%", escape_like(&search)));
            cond.push(format!("{} LIKE relais_fold({p})", self.search));
        }
        if q.mine {
            let p = b.bind(user_id.to_string());
            cond.push(format!("{} = {p}::bigint", self.owner));
        }
        for f in &q.filters {
            cond.push(self.filter_sql(f, user_id, b)?);
        }
        Ok(cond.join(" AND "))
    }

    fn filter_sql(&self, f: &Filter, user_id: i64, b: &mut Built) -> AppResult<String> {
        let field = self
            .fields
            .iter()
            .find(|x| x.key == f.field)
            .or_else(|| {
                // Every kind the data-quality page measures has its filter.
                (f.field == QUALITY.key && self.kind.describe().quality.is_some())
                    .then_some(&QUALITY)
            })
            .ok_or_else(bad_filter)?;
        if !field.kind.ops().contains(&f.op) {
            return Err(bad_filter());
        }
        let e = field.expr;
        let v = f.value.trim();
        if f.op.needs_value() && v.is_empty() {
            return Err(AppError::invalid(vec![FieldError {
                field: "filters".into(),
                problem: FieldProblem::Required,
            }]));
        }
        use FilterOp::*;
        let sql = match field.kind {
            ValueKind::Text => {
                let folded = format!("relais_fold(coalesce({e}, ''))");
                match f.op {
                    Contains => format!(
                        "{folded} LIKE relais_fold({})",
                        b.bind(format!("%{}%", escape_like(v)))
                    ),
                    StartsWith => format!(
                        "{folded} LIKE relais_fold({})",
                        b.bind(format!("{}%", escape_like(v)))
                    ),
                    Is => format!("{folded} = relais_fold({})", b.bind(v)),
                    IsNot => format!("{folded} <> relais_fold({})", b.bind(v)),
                    Empty => format!("coalesce({e}, '') = ''"),
                    NotEmpty => format!("coalesce({e}, '') <> ''"),
                    AtLeast | AtMost => return Err(bad_filter()),
                }
            }
            ValueKind::Choice(choices) => {
                if f.op.needs_value() && !choices.contains(&v) {
                    return Err(bad_filter());
                }
                match f.op {
                    Is => format!("{e} = {}", b.bind(v)),
                    IsNot => format!("{e} IS DISTINCT FROM {}", b.bind(v)),
                    Empty => format!("{e} IS NULL"),
                    _ => format!("{e} IS NOT NULL"),
                }
            }
            ValueKind::Choices(choices) => {
                if !choices.contains(&v) {
                    return Err(bad_filter());
                }
                let p = b.bind(v);
                match f.op {
                    Is => format!("{p} = ANY({e})"),
                    _ => format!("NOT ({p} = ANY({e}))"),
                }
            }
            ValueKind::Number | ValueKind::Date | ValueKind::Owner => {
                let ty = match field.kind {
                    ValueKind::Number => {
                        v.replace(',', ".")
                            .parse::<f64>()
                            .map_err(|_| bad_filter())?;
                        "numeric"
                    }
                    ValueKind::Date => {
                        if f.op.needs_value() {
                            crate::validate::parse_date(v).ok_or_else(bad_filter)?;
                        }
                        "date"
                    }
                    _ => {
                        if f.op.needs_value() {
                            v.parse::<i64>().map_err(|_| bad_filter())?;
                        }
                        "bigint"
                    }
                };
                let value = if field.kind == ValueKind::Number {
                    v.replace(',', ".")
                } else {
                    v.to_string()
                };
                match f.op {
                    Is => format!("{e} = {}::{ty}", b.bind(value)),
                    IsNot => format!("{e} IS DISTINCT FROM {}::{ty}", b.bind(value)),
                    AtLeast => format!("{e} >= {}::{ty}", b.bind(value)),
                    AtMost => format!("{e} <= {}::{ty}", b.bind(value)),
                    Empty => format!("{e} IS NULL"),
                    _ => format!("{e} IS NOT NULL"),
                }
            }
            // The reader's day, not the database session's: the column is
            // compared with the bounds of the day in their time zone, which
            // also lets an index on it seek.
            ValueKind::Moment => match f.op {
                Empty => format!("{e} IS NULL"),
                NotEmpty => format!("{e} IS NOT NULL"),
                op => {
                    let day = crate::validate::parse_date(v).ok_or_else(bad_filter)?;
                    let day = b.bind(day.format("%Y-%m-%d").to_string());
                    let zone = reader_zone(user_id, b);
                    let start =
                        |plus: u8| format!("({day}::date + {plus})::timestamp AT TIME ZONE {zone}");
                    match op {
                        Is => format!("({e} >= {} AND {e} < {})", start(0), start(1)),
                        AtLeast => format!("{e} >= {}", start(0)),
                        AtMost => format!("{e} < {}", start(1)),
                        _ => return Err(bad_filter()),
                    }
                }
            },
            ValueKind::Quality(problems) => {
                if !problems.contains(&v) {
                    return Err(bad_filter());
                }
                let sql = crate::records::quality::ssr::problem_sql(self.kind, self.alias, v)
                    .ok_or_else(bad_filter)?;
                match f.op {
                    Is => sql,
                    _ => format!("NOT ({sql})"),
                }
            }
            ValueKind::Tag => {
                v.parse::<i64>().map_err(|_| bad_filter())?;
                let p = b.bind(v);
                let exists = format!(
                    "EXISTS (SELECT 1 FROM record_tags rt WHERE rt.record_type = '{}'
                     AND rt.record_id = {}.id AND rt.tag_id = {p}::bigint)",
                    self.kind.as_str(),
                    self.alias
                );
                match f.op {
                    Is => exists,
                    _ => format!("NOT {exists}"),
                }
            }
        };
        Ok(sql)
    }

    /// The page query; `true` when its rows come in reverse order (a
    /// "previous page" query) and must be flipped.
    pub fn page_sql(&self, q: &ListQuery, user_id: i64) -> AppResult<(Built, bool)> {
        let mut b = Built::default();
        let mut cond = self.conditions(q, user_id, &mut b)?;
        let sort = self.sort(q);
        let a = self.alias;
        let backwards = q.before.is_some() && q.after.is_none();
        // Walking backwards is walking forwards in the opposite order.
        let desc = q.desc != backwards;
        if let Some(c) = q.after.as_ref().or(q.before.as_ref()) {
            if !cursor_fits(sort.ty, &c.key) {
                return Err(bad_cursor());
            }
            let k = b.bind(c.key.clone());
            let i = b.bind(c.id.to_string());
            let cmp = if desc { "<" } else { ">" };
            cond.push_str(&format!(
                " AND ({}, {a}.id) {cmp} ({k}::{}, {i}::bigint)",
                sort.expr, sort.ty
            ));
        }
        let dir = if desc { "DESC" } else { "ASC" };
        let limit = q.per_page() + 1;
        let mut days = String::new();
        if !self.days.is_empty() {
            let zone = reader_zone(user_id, &mut b);
            for d in self.days {
                days.push_str(&format!(
                    ", to_char({} AT TIME ZONE {zone}, 'YYYY-MM-DD') AS {}",
                    d.expr, d.alias
                ));
            }
        }
        b.sql = format!(
            "SELECT {select}{days}, {tags} AS tags, sort_key::text AS cursor_key
             FROM (SELECT {a}.*, {expr} AS sort_key FROM {table} WHERE {cond}
                   ORDER BY {expr} {dir}, {a}.id {dir} LIMIT {limit}) {a}
             {joins}
             ORDER BY sort_key {dir}, {a}.id {dir}",
            select = self.select,
            tags = self.tags_sql(),
            expr = sort.expr,
            table = self.table,
            joins = self.joins,
        );
        Ok((b, backwards))
    }

    /// The tags of the row (names, alphabetical), for the page's rows only.
    pub fn tags_sql(&self) -> String {
        format!(
            "coalesce((SELECT array_agg(t.name ORDER BY lower(t.name)) FROM record_tags rt
                       JOIN tags t ON t.id = rt.tag_id
                       WHERE rt.record_type = '{kind}' AND rt.record_id = {a}.id), '{{}}')",
            kind = self.kind.as_str(),
            a = self.alias
        )
    }

    /// The rows of the filter, unordered: what [`count_rows`] counts.
    pub fn rows_sql(&self, q: &ListQuery, user_id: i64) -> AppResult<Built> {
        let mut b = Built::default();
        let cond = self.conditions(q, user_id, &mut b)?;
        b.sql = format!("SELECT 1 FROM {} WHERE {cond}", self.table);
        Ok(b)
    }

    /// Every row of the filter in list order, with `select` (for exports).
    pub fn export_sql(&self, q: &ListQuery, user_id: i64, select: &str) -> AppResult<Built> {
        let mut b = Built::default();
        let cond = self.conditions(q, user_id, &mut b)?;
        let sort = self.sort(q);
        let dir = if q.desc { "DESC" } else { "ASC" };
        let a = self.alias;
        b.sql = format!(
            "SELECT {select} FROM (SELECT {a}.*, {expr} AS sort_key FROM {table} WHERE {cond}) {a}
             {joins} ORDER BY sort_key {dir}, {a}.id {dir}",
            expr = sort.expr,
            table = self.table,
            joins = self.joins,
        );
        Ok(b)
    }

    /// The number of rows matching `q` ([`count_rows`]). Public so that
    /// `server bench` times the statements a list runs.
    pub async fn count(
        &self,
        pool: &PgPool,
        q: &ListQuery,
        user_id: i64,
    ) -> AppResult<(i64, bool)> {
        let rows = self.rows_sql(q, user_id)?;
        count_rows(pool, &rows.sql, |query| {
            rows.binds
                .iter()
                .fold(query, |query, v| query.bind(v.clone()))
        })
        .await
    }

    pub async fn fetch<T>(&self, pool: &PgPool, q: &ListQuery, user_id: i64) -> AppResult<Page<T>>
    where
        T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        let (built, backwards) = self.page_sql(q, user_id)?;
        let per_page = q.per_page() as usize;
        let (rows, (total, total_is_estimate)) = tokio::try_join!(
            async {
                let rows: Vec<PgRow> = built.query().fetch(pool).try_collect().await?;
                AppResult::Ok(rows)
            },
            self.count(pool, q, user_id)
        )?;
        let more = rows.len() > per_page;
        let positioned = q.after.is_some() || q.before.is_some();
        // A first page that holds every row counts them exactly, whatever
        // the estimate said.
        let (total, total_is_estimate) = if !positioned && !more {
            (rows.len() as i64, false)
        } else if total_is_estimate {
            (total.max(rows.len() as i64), true)
        } else {
            (total, false)
        };
        let mut page = Vec::with_capacity(per_page);
        let mut cursors = Vec::with_capacity(per_page);
        for row in rows.iter().take(per_page) {
            page.push(T::from_row(row)?);
            cursors.push(Cursor {
                key: row.try_get("cursor_key")?,
                id: row.try_get("id")?,
            });
        }
        if backwards {
            page.reverse();
            cursors.reverse();
        }
        // Going forwards, rows before exist when we came from somewhere;
        // going backwards, rows after do.
        let (has_prev, has_next) = if backwards {
            (more, true)
        } else {
            (positioned, more)
        };
        Ok(Page {
            rows: page,
            total,
            total_is_estimate,
            next: if has_next {
                cursors.last().cloned()
            } else {
                None
            },
            prev: if has_prev {
                cursors.first().cloned()
            } else {
                None
            },
            page: q.page(),
            per_page: q.per_page(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: ListSpec = ListSpec {
        table: "t x",
        alias: "x",
        kind: crate::records::RecordKind::Person,
        joins: "",
        select: "x.id",
        days: &[],
        filter: "x.deleted_at IS NULL",
        search: "x.search_text",
        owner: "x.owner_id",
        sorts: &[
            Sort {
                key: "name",
                expr: "x.sort_name",
                ty: "text",
            },
            Sort {
                key: "updated_at",
                expr: "x.updated_at",
                ty: "timestamptz",
            },
        ],
        fields: &[
            Field {
                key: "city",
                expr: "x.city",
                kind: ValueKind::Text,
            },
            Field {
                key: "stage",
                expr: "x.stage",
                kind: ValueKind::Choice(&["lead", "active"]),
            },
        ],
    };

    #[test]
    fn estimates_keep_two_digits() {
        assert_eq!(round_estimate(21_087), 21_000);
        assert_eq!(round_estimate(7_480), 7_500);
        assert_eq!(round_estimate(1_000_000), 1_000_000);
        assert_eq!(round_estimate(95), 95);
        assert_eq!(round_estimate(996), 1_000);
    }

    #[test]
    fn like_wildcards_are_escaped_and_phones_become_digits() {
        assert_eq!(contains_pattern(" 50%_Off "), "%50\\%\\_off%");
        assert_eq!(fold("06 12-34"), "061234");
        assert_eq!(fold("Élodie"), "élodie");
    }

    #[test]
    fn unknown_sort_keys_fall_back_and_caller_text_is_bound() {
        let q = ListQuery {
            sort: "name; DROP TABLE t".into(),
            q: "'; --".into(),
            ..Default::default()
        };
        let (b, _) = SPEC.page_sql(&q, 1).unwrap();
        assert!(b.sql.contains("ORDER BY x.sort_name ASC"));
        assert!(!b.sql.contains("DROP"));
        assert!(!b.sql.contains("--"));
        assert_eq!(b.binds, vec!["%'; --%"]);
    }

    #[test]
    fn unknown_fields_and_values_are_refused() {
        let with = |field: &str, op, value: &str| ListQuery {
            filters: vec![Filter {
                field: field.into(),
                op,
                value: value.into(),
            }],
            ..Default::default()
        };
        assert!(
            SPEC.page_sql(&with("password", FilterOp::Is, "x"), 1)
                .is_err()
        );
        assert!(
            SPEC.page_sql(&with("stage", FilterOp::Is, "boss"), 1)
                .is_err()
        );
        assert!(
            SPEC.page_sql(&with("stage", FilterOp::Contains, "lead"), 1)
                .is_err()
        );
        assert!(SPEC.page_sql(&with("city", FilterOp::Is, " "), 1).is_err());
        assert!(
            SPEC.page_sql(&with("stage", FilterOp::Is, "lead"), 1)
                .is_ok()
        );
        assert!(
            SPEC.page_sql(&with("stage", FilterOp::Empty, ""), 1)
                .is_ok()
        );
    }

    #[test]
    fn junk_cursors_and_too_many_filters_are_refused() {
        assert!(cursor_fits("timestamptz", "2026-11-24 10:12:13.123456+00"));
        assert!(cursor_fits("timestamptz", "2026-11-24 10:12:13+05:30"));
        assert!(cursor_fits("timestamptz", "-infinity"));
        assert!(!cursor_fits("timestamptz", "yesterday"));
        assert!(cursor_fits("numeric", "-1250.50"));
        assert!(!cursor_fits("numeric", "1e999"));
        assert!(!cursor_fits("integer", "99999999999999999999999"));
        assert!(cursor_fits("date", "2026-02-28"));
        assert!(!cursor_fits("date", "2026-02-30"));
        let q = ListQuery {
            sort: "updated_at".into(),
            after: Some(Cursor {
                key: "not a time".into(),
                id: 1,
            }),
            ..Default::default()
        };
        assert_eq!(
            SPEC.page_sql(&q, 1).unwrap_err().field_problem("cursor"),
            Some(FieldProblem::InvalidChoice)
        );
        let q = ListQuery {
            filters: vec![
                Filter {
                    field: "city".into(),
                    op: FilterOp::Contains,
                    value: "a".into(),
                };
                MAX_FILTERS + 1
            ],
            ..Default::default()
        };
        assert_eq!(
            SPEC.rows_sql(&q, 1).unwrap_err().field_problem("filters"),
            Some(FieldProblem::TooMany { max: MAX_FILTERS })
        );
    }

    #[test]
    fn previous_pages_walk_backwards() {
        let q = ListQuery {
            desc: false,
            before: Some(Cursor {
                key: "m".into(),
                id: 9,
            }),
            ..Default::default()
        };
        let (b, backwards) = SPEC.page_sql(&q, 1).unwrap();
        assert!(backwards);
        assert!(
            b.sql
                .contains("(x.sort_name, x.id) < ($1::text, $2::bigint)")
        );
        assert!(b.sql.contains("ORDER BY x.sort_name DESC, x.id DESC"));
    }
}
