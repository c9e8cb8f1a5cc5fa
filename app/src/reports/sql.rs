//! The reports' SQL and how its rows become tables and charts (server
//! only). Each report is one or two statements, public here so that the
//! benchmark (`server bench`) times them raw beside [`build`].
//!
//! Every statement is planned for its parameters each time (`persistent(false)`,
//! an unnamed statement): a cached generic plan does not know how narrow a
//! period is and read `activity_days` or the deals whole (73 ms instead of a
//! few for this month's Activity at 5 M interactions).
//!
//! What keeps them fast at 5 million interactions and 200,000 deals:
//! Activity reads `activity_months` for a period's whole months and
//! `activity_days` for the days at its edges (both kept exact by a trigger
//! on interactions); Sales and Forecast read covering partial indexes on deals
//! (`deals_closed_idx`, `deals_forecast_idx`); Quality reads
//! `quality_history`, left by the background counting pass.

use super::*;
use crate::access;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::ui::chart::{ChartKind, Series, Unit};
use crate::ui::list::{Filter, FilterOp, ListQuery};
use sqlx::{PgPool, Row};
use std::collections::BTreeMap;

/// Activity: counts and planned minutes per owner, kind and status over a
/// period (days in the organisation's zone), in order of the users' names
/// (the users are ranked once, then the rows sorted on that rank: sorting
/// 18,793 rows on a lower-cased name was a third of the statement): its
/// whole months from
/// `activity_months` (`$4` … `$5`, end excluded), the days before and after
/// them from `activity_days` (`$1` … `$2` and `$6` … `$7`, ends excluded);
/// `$3` one owner or NULL. [`activity_rows`] binds the ranges.
pub const ACTIVITY_SQL: &str = "
WITH a AS (
    SELECT owner_id, kind, status, sum(interactions)::bigint AS n, sum(minutes)::bigint AS minutes
    FROM (SELECT owner_id, kind, status, interactions, minutes FROM activity_days
          WHERE day >= $1 AND day < $2 AND ($3::bigint IS NULL OR owner_id = $3)
          UNION ALL
          SELECT owner_id, kind, status, interactions, minutes FROM activity_months
          WHERE month >= $4 AND month < $5 AND ($3::bigint IS NULL OR owner_id = $3)
          UNION ALL
          SELECT owner_id, kind, status, interactions, minutes FROM activity_days
          WHERE day >= $6 AND day < $7 AND ($3::bigint IS NULL OR owner_id = $3)) x
    GROUP BY owner_id, kind, status
    HAVING sum(interactions) > 0)
SELECT a.owner_id, coalesce(u.name, '') AS name, a.kind, a.status, a.n, a.minutes
FROM a LEFT JOIN (SELECT id, name, row_number() OVER (ORDER BY lower(name), id) AS place
                  FROM users) u ON u.id = a.owner_id
ORDER BY coalesce(u.place, 0), a.owner_id, a.kind COLLATE \"C\", a.status COLLATE \"C\"";

/// `from` … `to` (both included) as [`ACTIVITY_SQL`] reads it: the days
/// before the first whole month, the whole months, the days after them
/// (each `[start, end)`; empty ranges have start = end).
pub fn activity_ranges(from: NaiveDate, to: NaiveDate) -> [(NaiveDate, NaiveDate); 3] {
    let after = to + Days::new(1);
    let first = from.with_day(1).unwrap_or(from);
    let m1 = if first == from {
        from
    } else {
        first + Months::new(1)
    };
    let m2 = after.with_day(1).unwrap_or(after);
    if m1 < m2 {
        [(from, m1), (m1, m2), (m2, after)]
    } else {
        [(from, after), (after, after), (after, after)]
    }
}

/// Runs [`ACTIVITY_SQL`] for `from` … `to` and one owner or all.
pub async fn activity_rows(
    pool: &PgPool,
    from: NaiveDate,
    to: NaiveDate,
    owner: Option<i64>,
) -> AppResult<Vec<sqlx::postgres::PgRow>> {
    let [head, months, tail] = activity_ranges(from, to);
    Ok(sqlx::query(ACTIVITY_SQL)
        .persistent(false)
        .bind(head.0)
        .bind(head.1)
        .bind(owner)
        .bind(months.0)
        .bind(months.1)
        .bind(tail.0)
        .bind(tail.1)
        .fetch_all(pool)
        .await?)
}

/// The same figures counted from the interactions themselves: what the
/// tests compare `activity_days` with (and the benchmark times).
pub const ACTIVITY_RAW_SQL: &str = "
SELECT coalesce(i.owner_id, 0) AS owner_id, i.kind, i.status, count(*)::bigint AS n,
       sum(relais_activity_minutes(i.starts_at, i.ends_at, i.all_day))::bigint AS minutes
FROM interactions i
WHERE i.deleted_at IS NULL
  AND i.starts_at >= ($1::date::timestamp AT TIME ZONE relais_org_zone())
  AND i.starts_at < (($2::date + 1)::timestamp AT TIME ZONE relais_org_zone())
  AND ($3::bigint IS NULL OR coalesce(i.owner_id, 0) = $3)
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";

/// (`MATERIALIZED`: the zone is read once; inlined, `relais_org_zone()` ran
/// once per deal, 170 of the 182 ms of a year's 60,000 closed deals.)
///
/// Sales: deals won and lost per bucket (`$4`: week, month, quarter,
/// year) over `$1` … `$2` and the same dates `0 … $3` years before; `$5`
/// owner, `$6` pipeline or NULL. `days` is the average from creation to
/// close (`date_part`, a float: `extract` is a numeric, 8 of the 48 ms of a
/// year's 60,000 closed deals).
pub const SALES_SQL: &str = "
WITH z AS MATERIALIZED (SELECT relais_org_zone() AS z)
SELECT y.k::int AS k, date_trunc($4, d.closed_at AT TIME ZONE z.z)::date AS bucket, d.status,
       count(*)::bigint AS n, coalesce(sum(d.amount), 0)::float8 AS amount,
       avg(date_part('epoch', d.closed_at - d.created_at) / 86400)::float8 AS days
FROM z CROSS JOIN generate_series(0, $3::int) AS y(k)
JOIN deals d ON d.deleted_at IS NULL AND d.status <> 'open'
 AND d.closed_at >= (($1::date - make_interval(years => y.k))::timestamp AT TIME ZONE z.z)
 AND d.closed_at < (($2::date + 1 - make_interval(years => y.k))::timestamp AT TIME ZONE z.z)
 AND ($5::bigint IS NULL OR d.owner_id = $5) AND ($6::bigint IS NULL OR d.pipeline_id = $6)
GROUP BY 1, 2, 3";

/// Sales: the reasons deals were lost over `$1` … `$2` (the most
/// frequent 20, case and accents aside). Read from `deals_lost_idx`, which
/// carries the reason; the rows are first counted per reason as written
/// (a few dozen), and only those are folded: `relais_fold` once per lost
/// deal was most of the statement.
pub const LOST_REASONS_SQL: &str = "
WITH z AS MATERIALIZED (SELECT relais_org_zone() AS z),
written AS (
    SELECT btrim(d.lost_reason) AS reason, count(*) AS n, sum(d.amount) AS amount
    FROM z, deals d
    WHERE d.deleted_at IS NULL AND d.status = 'lost'
      AND d.closed_at >= ($1::date::timestamp AT TIME ZONE z.z)
      AND d.closed_at < (($2::date + 1)::timestamp AT TIME ZONE z.z)
      AND ($3::bigint IS NULL OR d.owner_id = $3) AND ($4::bigint IS NULL OR d.pipeline_id = $4)
    GROUP BY 1)
SELECT min(reason) AS reason, sum(n)::bigint AS n, coalesce(sum(amount), 0)::float8 AS amount
FROM written
GROUP BY relais_fold(reason)
ORDER BY 2 DESC, 1 LIMIT 20";

/// Forecast: open deals expected to close over `$1` … `$2`, per month,
/// pipeline, stage and owner; `$3` owner, `$4` pipeline or NULL.
pub const FORECAST_SQL: &str = "
SELECT f.month, f.pipeline_id, p.name AS pipeline, f.stage_id, s.name AS stage, s.position,
       f.owner_id, coalesce(u.name, '') AS owner, f.n, f.amount, f.weighted
FROM (SELECT date_trunc('month', d.expected_close)::date AS month, d.pipeline_id, d.stage_id,
             coalesce(d.owner_id, 0) AS owner_id, count(*)::bigint AS n,
             coalesce(sum(d.amount), 0)::float8 AS amount,
             coalesce(sum(d.amount * d.probability / 100.0), 0)::float8 AS weighted
      FROM deals d
      WHERE d.deleted_at IS NULL AND d.status = 'open' AND d.expected_close BETWEEN $1 AND $2
        AND ($3::bigint IS NULL OR d.owner_id = $3) AND ($4::bigint IS NULL OR d.pipeline_id = $4)
      GROUP BY 1, 2, 3, 4) f
JOIN pipelines p ON p.id = f.pipeline_id
JOIN pipeline_stages s ON s.id = f.stage_id
LEFT JOIN users u ON u.id = f.owner_id
ORDER BY f.month, p.position, p.name, s.position";

/// Programmes: per catalogue entry, the enrolments that overlap `$1` …
/// `$2` by status, those started and ended in it, and the persons and
/// companies served (active or completed; distinct); the grand total last
/// (`id` NULL). `$3` owner, `$4` entry or NULL.
///
/// The counts are one hashed pass (grouping sets); the distinct persons
/// and companies are walked in order from `enrolments_served_idx` (per
/// entry) and `enrolments_served_once_idx` (over all entries), read from
/// the indexes alone. `count(DISTINCT …)` under `GROUPING SETS` sorted the
/// year's 72,000 enrolments on disk (182 ms; now about 55).
pub const PROGRAMMES_SQL: &str = "
WITH counts AS (
    SELECT e.programme_id, count(*)::bigint AS enrolments,
           count(*) FILTER (WHERE e.status = 'planned')::bigint AS planned,
           count(*) FILTER (WHERE e.status = 'active')::bigint AS active,
           count(*) FILTER (WHERE e.status = 'completed')::bigint AS completed,
           count(*) FILTER (WHERE e.status = 'withdrawn')::bigint AS withdrawn,
           count(*) FILTER (WHERE e.starts_on BETWEEN $1 AND $2)::bigint AS started,
           count(*) FILTER (WHERE e.ends_on BETWEEN $1 AND $2)::bigint AS ended
    FROM enrolments e
    WHERE e.deleted_at IS NULL
      AND coalesce(e.starts_on, e.created_at::date) <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $1)
      AND ($3::bigint IS NULL OR e.owner_id = $3) AND ($4::bigint IS NULL OR e.programme_id = $4)
    GROUP BY GROUPING SETS ((e.programme_id), ())),
served AS (
    SELECT programme_id, count(person_id)::bigint AS persons, count(company_id)::bigint AS companies
    FROM (SELECT DISTINCT e.programme_id, e.person_id, e.company_id FROM enrolments e
          WHERE e.deleted_at IS NULL AND e.status IN ('active', 'completed')
            AND coalesce(e.starts_on, e.created_at::date) <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $1)
            AND ($3::bigint IS NULL OR e.owner_id = $3) AND ($4::bigint IS NULL OR e.programme_id = $4)) s
    GROUP BY programme_id
    UNION ALL
    SELECT NULL, count(person_id)::bigint, count(company_id)::bigint
    FROM (SELECT DISTINCT e.person_id, e.company_id FROM enrolments e
          WHERE e.deleted_at IS NULL AND e.status IN ('active', 'completed')
            AND coalesce(e.starts_on, e.created_at::date) <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $1)
            AND ($3::bigint IS NULL OR e.owner_id = $3) AND ($4::bigint IS NULL OR e.programme_id = $4)) s)
SELECT p.id, p.name, p.kind, c.enrolments, c.planned, c.active, c.completed, c.withdrawn,
       c.started, c.ended, coalesce(s.persons, 0) AS persons, coalesce(s.companies, 0) AS companies
FROM counts c
LEFT JOIN programmes p ON p.id = c.programme_id
LEFT JOIN served s ON s.programme_id IS NOT DISTINCT FROM c.programme_id
ORDER BY c.programme_id IS NULL, p.position, p.name";

/// Programmes: the enrolments themselves, with their identifiers, in
/// catalogue order then by start: at most `$5` (NULL: all, for the CSV).
/// Each entry's first rows come in order from `enrolments_programme_idx`,
/// so a page reads a few hundred rows, not the year.
pub const ENROLMENTS_SQL: &str = "
SELECT l.programme, coalesce(l.identifier, '') AS identifier,
       coalesce(nullif(btrim(concat_ws(' ', pe.first_name, pe.last_name)), ''), c.name, '') AS enrolled,
       CASE WHEN l.person_id IS NULL THEN 'company' ELSE 'person' END AS enrolled_kind,
       l.status, l.starts_on, l.ends_on, coalesce(u.name, '') AS owner
FROM (SELECT p.name AS programme, p.position, e.*
      FROM programmes p
      CROSS JOIN LATERAL (
          SELECT e.id, e.identifier, e.person_id, e.company_id, e.status, e.starts_on, e.ends_on,
                 e.owner_id
          FROM enrolments e
          WHERE e.programme_id = p.id AND e.deleted_at IS NULL
            AND coalesce(e.starts_on, e.created_at::date) <= $2
            AND (e.ends_on IS NULL OR e.ends_on >= $1)
            AND ($3::bigint IS NULL OR e.owner_id = $3)
          ORDER BY e.starts_on NULLS LAST, e.id
          LIMIT $5) e
      WHERE ($4::bigint IS NULL OR p.id = $4)
      ORDER BY p.position, p.name, e.starts_on NULLS LAST, e.id
      LIMIT $5) l
LEFT JOIN persons pe ON pe.id = l.person_id
LEFT JOIN companies c ON c.id = l.company_id
LEFT JOIN users u ON u.id = l.owner_id
ORDER BY l.position, l.programme, l.starts_on NULLS LAST, l.id";

/// Quality: per kind and bucket (`$3`), the figures of the last day
/// counted in the bucket, over `$1` … `$2`; `$4` one kind, `$5` one owner
/// or NULL.
pub const QUALITY_SQL: &str = "
WITH last AS (
    SELECT record_type, date_trunc($3, day)::date AS bucket, max(day) AS day
    FROM quality_history
    WHERE day BETWEEN $1 AND $2 AND ($4::text IS NULL OR record_type = $4)
    GROUP BY 1, 2)
SELECT l.record_type, l.bucket, l.day, sum(h.total)::bigint AS total,
       sum(h.complete)::bigint AS complete, sum(h.with_contacts)::bigint AS with_contacts,
       sum(h.valid)::bigint AS valid, sum(h.duplicates)::bigint AS duplicates
FROM last l JOIN quality_history h ON h.record_type = l.record_type AND h.day = l.day
WHERE ($5::bigint IS NULL OR h.owner_id = $5)
GROUP BY 1, 2, 3 ORDER BY 2, 1";

/// Today in the organisation's zone.
pub async fn org_today(pool: &PgPool) -> AppResult<NaiveDate> {
    Ok(
        sqlx::query_scalar("SELECT (now() AT TIME ZONE relais_org_zone())::date")
            .fetch_one(pool)
            .await?,
    )
}

/// What a report is built for: the page shows the main table a page at a
/// time ([`PAGE_ROWS`]) and the first rows of the others; the CSV has
/// every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    Page,
    All,
}

/// The report `kind` with the filters `q`, as `user` may see it. The main
/// table is sorted as `q` asks (here, so that a page is a page of the
/// sorted table and the CSV is in the page's order).
pub async fn build(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ReportKind,
    q: &ReportQuery,
    rows: Rows,
) -> AppResult<Report> {
    let l = user.language();
    let owner = access::ssr::figures_owner(user, q.user);
    let today = org_today(pool).await?;
    let week_start = crate::calendar::week_start_of(&user.week_start, &user.time_zone);
    let (from, to) = q.range(today, week_start);
    let everyone = user.role.includes(crate::auth::Role::Manager);
    let ctx = Ctx {
        pool,
        l,
        from,
        to,
        owner,
        q,
        rows,
    };
    // The figures and the filter bar's choices at once (two connections).
    let figures = async {
        let (charts, mut tables) = match kind {
            ReportKind::Activity => activity(&ctx).await?,
            ReportKind::Sales => sales(&ctx).await?,
            ReportKind::Forecast => forecast(&ctx).await?,
            ReportKind::Programmes => programmes(&ctx).await?,
            ReportKind::Quality => quality(&ctx).await?,
        };
        if let Some(main) = tables.iter_mut().find(|t| t.id == "main") {
            main.sort(q.sort.as_deref(), q.desc);
            if rows == Rows::Page {
                main.keep_page(q.page);
                if kind == ReportKind::Activity {
                    activity_links(&ctx, main);
                }
            }
        }
        AppResult::Ok((charts, tables))
    };
    let choices = |sql: &'static str| async move {
        sqlx::query_as::<_, (i64, String)>(sql)
            .fetch_all(pool)
            .await
            .map(|rows| {
                rows.into_iter()
                    .map(|(id, name)| Choice { id, name })
                    .collect::<Vec<_>>()
            })
    };
    let bar = async {
        let users = if everyone {
            choices("SELECT id, name FROM users WHERE active ORDER BY lower(name), id").await?
        } else {
            vec![Choice {
                id: user.id,
                name: user.name.clone(),
            }]
        };
        let pipelines = if kind.offers("pipeline") {
            choices("SELECT id, name FROM pipelines ORDER BY position, name").await?
        } else {
            Vec::new()
        };
        let programmes = if kind.offers("programme") {
            choices("SELECT id, name FROM programmes ORDER BY position, name").await?
        } else {
            Vec::new()
        };
        AppResult::Ok((users, pipelines, programmes))
    };
    let ((charts, tables), (users, pipelines, programmes)) = futures::try_join!(figures, bar)?;
    Ok(Report {
        kind,
        query: q.clone(),
        from,
        to,
        owner,
        everyone,
        charts,
        tables,
        users,
        pipelines,
        programmes,
    })
}

/// The table `table` of a report as the CSV export writes it: its
/// header, then its rows in the page's order (the main table sorted as the
/// query asks), numbers plain. `None` when the report has no such table.
pub fn csv(
    report: &Report,
    table: &str,
    l: Locale,
    format: crate::ssr::export::CsvFormat,
) -> AppResult<Option<Vec<u8>>> {
    use crate::ssr::export::write_record;
    let Some(t) = report.tables.iter().find(|t| t.id == table) else {
        return Ok(None);
    };
    let mut out = "\u{feff}".as_bytes().to_vec();
    let header: Vec<String> = t.columns.iter().map(|c| c.label.clone()).collect();
    write_record(&mut out, &header, format)?;
    for r in &t.rows {
        let cells: Vec<String> = r.iter().map(|c| c.csv(fr(l))).collect();
        write_record(&mut out, &cells, format)?;
    }
    Ok(Some(out))
}

struct Ctx<'a> {
    pool: &'a PgPool,
    l: Locale,
    from: NaiveDate,
    to: NaiveDate,
    owner: Option<i64>,
    q: &'a ReportQuery,
    rows: Rows,
}

type Built = (Vec<Chart>, Vec<Table>);

fn col(key: &str, label: &str, numeric: bool) -> Column {
    Column {
        key: key.into(),
        label: label.into(),
        numeric,
    }
}

fn fr(l: Locale) -> bool {
    l == Locale::fr
}

fn date_text(l: Locale, d: NaiveDate) -> String {
    if fr(l) {
        d.format("%d/%m/%Y").to_string()
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

fn owner_name(l: Locale, name: String) -> String {
    if name.is_empty() {
        td_string!(l, reports.no_owner).to_string()
    } else {
        name
    }
}

/// The people the Activity chart draws at most: the most active (a bar
/// per user of a team of 1,671 is a comb, not a chart); the table has
/// everyone.
const CHART_PEOPLE: usize = 30;

async fn activity(c: &Ctx<'_>) -> AppResult<Built> {
    use crate::interactions::{KINDS, kind_in, status_in};
    let l = c.l;
    let rows = activity_rows(c.pool, c.from, c.to, c.owner).await?;
    let mut table = Vec::with_capacity(rows.len());
    // Per user (in order of name), the counts per kind: the chart.
    let mut people: Vec<(i64, String, [i64; KINDS.len()])> = Vec::new();
    let (mut total, mut minutes_total) = (0i64, 0i64);
    // Kind and status names, translated once each.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for r in &rows {
        let owner_id: i64 = r.try_get("owner_id")?;
        let kind: &str = r.try_get("kind")?;
        let status: &str = r.try_get("status")?;
        let n: i64 = r.try_get("n")?;
        let minutes: i64 = r.try_get("minutes")?;
        total += n;
        minutes_total += minutes;
        if people.last().map(|p| p.0) != Some(owner_id) {
            people.push((
                owner_id,
                owner_name(l, r.try_get("name")?),
                [0; KINDS.len()],
            ));
        }
        let person = people.last_mut().expect("pushed above");
        if let Some(k) = KINDS.iter().position(|k| *k == kind) {
            person.2[k] += n;
        }
        let mut name =
            |key: String, make: &dyn Fn() -> String| names.entry(key).or_insert_with(make).clone();
        table.push(vec![
            Cell::Text(person.1.clone()),
            Cell::Text(name(format!("k:{kind}"), &|| kind_in(l, kind))),
            Cell::Text(name(format!("s:{kind}:{status}"), &|| status_in(l, status))),
            // Which records the count is of; made a link to them once the
            // page is cut ([`activity_links`]): 18,793 links were most of
            // the time of building a whole team's month.
            Cell::CountLink(n, format!("{owner_id}|{kind}|{status}")),
            Cell::Hours(minutes as f64 / 60.0),
        ]);
    }
    let drawn: Vec<&(i64, String, [i64; KINDS.len()])> = if people.len() > CHART_PEOPLE {
        let mut busiest: Vec<_> = people.iter().enumerate().collect();
        busiest.sort_by_key(|(i, p)| (std::cmp::Reverse(p.2.iter().sum::<i64>()), *i));
        busiest.truncate(CHART_PEOPLE);
        busiest.sort_by_key(|(i, _)| *i);
        busiest.into_iter().map(|(_, p)| p).collect()
    } else {
        people.iter().collect()
    };
    let mut summary = td_string!(
        l,
        reports.activity_summary,
        n = crate::ui::chart::format_value(total as f64, Unit::Count, fr(l)),
        people = people.len(),
        hours = crate::ui::chart::format_value(minutes_total as f64 / 60.0, Unit::Hours, fr(l)),
        from = date_text(l, c.from),
        to = date_text(l, c.to)
    )
    .to_string();
    if drawn.len() < people.len() {
        summary.push(' ');
        summary.push_str(&td_string!(l, reports.activity_busiest, n = drawn.len()).to_string());
    }
    let chart = Chart {
        kind: ChartKind::Stacked,
        unit: Unit::Count,
        title: td_string!(l, reports.activity_chart).to_string(),
        summary,
        categories: drawn.iter().map(|p| p.1.clone()).collect(),
        series: KINDS
            .iter()
            .enumerate()
            .map(|(k, name)| Series {
                name: kind_in(l, name),
                values: drawn.iter().map(|p| p.2[k] as f64).collect(),
            })
            .collect(),
    };
    let table = Table::new(
        "main",
        td_string!(l, reports.activity).to_string(),
        vec![
            col("user", td_string!(l, reports.col_user), false),
            col("kind", td_string!(l, reports.col_kind), false),
            col("status", td_string!(l, reports.col_status), false),
            col(
                "interactions",
                td_string!(l, reports.col_interactions),
                true,
            ),
            col("hours", td_string!(l, reports.col_hours), true),
        ],
        table,
    );
    Ok((vec![chart], vec![table]))
}

/// The Activity counts of the page shown become links to the interactions
/// they count: the list with owner, kind, status and the period set.
fn activity_links(c: &Ctx<'_>, table: &mut Table) {
    for row in &mut table.rows {
        for cell in row.iter_mut() {
            let Cell::CountLink(_, link) = cell else {
                continue;
            };
            let mut parts = link.splitn(3, '|');
            let (Some(owner), Some(kind), Some(status)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let is = |field: &str, value: &str| Filter {
                field: field.into(),
                op: FilterOp::Is,
                value: value.into(),
            };
            let filters = vec![
                if owner == "0" {
                    Filter {
                        field: "owner".into(),
                        op: FilterOp::Empty,
                        value: String::new(),
                    }
                } else {
                    is("owner", owner)
                },
                is("kind", kind),
                is("status", status),
                Filter {
                    field: "starts".into(),
                    op: FilterOp::AtLeast,
                    value: c.from.to_string(),
                },
                Filter {
                    field: "starts".into(),
                    op: FilterOp::AtMost,
                    value: c.to.to_string(),
                },
            ];
            *link = format!(
                "/interactions{}",
                ListQuery {
                    filters,
                    ..ListQuery::default()
                }
                .to_query_string()
            );
        }
    }
}

/// The first days of the buckets of `by` that meet `from` … `to`.
fn buckets(by: By, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let start = match by {
        By::Week => from - Days::new(from.weekday().num_days_from_monday() as u64),
        By::Month => from.with_day(1).unwrap_or(from),
        By::Quarter => {
            NaiveDate::from_ymd_opt(from.year(), from.month0() / 3 * 3 + 1, 1).unwrap_or(from)
        }
        By::Year => NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from),
    };
    let mut out = Vec::new();
    let mut d = start;
    while d <= to && out.len() < 1000 {
        out.push(d);
        d = match by {
            By::Week => d + Days::new(7),
            By::Month => d + Months::new(1),
            By::Quarter => d + Months::new(3),
            By::Year => d + Months::new(12),
        };
    }
    out
}

/// `d` moved back `k` years (29 February becomes the 28th).
fn years_before(d: NaiveDate, k: u8) -> NaiveDate {
    d.checked_sub_months(Months::new(12 * k as u32))
        .unwrap_or(d)
}

#[derive(Default, Clone, Copy)]
struct Closed {
    won: i64,
    won_amount: f64,
    lost: i64,
    lost_amount: f64,
    days: Option<f64>,
}

async fn sales(c: &Ctx<'_>) -> AppResult<Built> {
    let l = c.l;
    let by = c.q.by;
    let compare = c.q.compare.min(MAX_COMPARE);
    // The buckets and the lost reasons at once.
    let (rows, reasons) = futures::try_join!(
        sqlx::query(SALES_SQL)
            .persistent(false)
            .bind(c.from)
            .bind(c.to)
            .bind(compare as i32)
            .bind(by.as_str())
            .bind(c.owner)
            .bind(c.q.pipeline)
            .fetch_all(c.pool),
        sqlx::query(LOST_REASONS_SQL)
            .persistent(false)
            .bind(c.from)
            .bind(c.to)
            .bind(c.owner)
            .bind(c.q.pipeline)
            .fetch_all(c.pool)
    )?;
    let mut cells: BTreeMap<(i32, NaiveDate), Closed> = BTreeMap::new();
    for r in &rows {
        let k: i32 = r.try_get("k")?;
        let bucket: NaiveDate = r.try_get("bucket")?;
        let status: String = r.try_get("status")?;
        let e = cells.entry((k, bucket)).or_default();
        let n: i64 = r.try_get("n")?;
        let amount: f64 = r.try_get("amount")?;
        if status == "won" {
            e.won = n;
            e.won_amount = amount;
            e.days = r.try_get("days")?;
        } else {
            e.lost = n;
            e.lost_amount = amount;
        }
    }
    let mut table = Vec::new();
    let mut series = Vec::new();
    let current = buckets(by, c.from, c.to);
    for k in 0..=compare {
        let (f, t) = (years_before(c.from, k), years_before(c.to, k));
        let mut values = vec![0.0; current.len()];
        // The i-th bucket of an earlier year lines up with the i-th of the
        // period: the same month, quarter or week of its year.
        for (i, b) in buckets(by, f, t).into_iter().enumerate() {
            let e = cells.get(&(k as i32, b)).copied().unwrap_or_default();
            let closed = e.won + e.lost;
            table.push(vec![
                Cell::Text(by.bucket_name(b)),
                Cell::Count(e.won),
                Cell::Money(e.won_amount),
                Cell::Count(e.lost),
                Cell::Money(e.lost_amount),
                Cell::Percent((closed > 0).then(|| e.won as f64 * 100.0 / closed as f64)),
                Cell::Days(e.days),
            ]);
            if let Some(v) = values.get_mut(i) {
                *v += e.won_amount;
            }
        }
        series.push(Series {
            name: f.year().to_string(),
            values,
        });
    }
    let won_total: f64 = cells
        .iter()
        .filter(|((k, _), _)| *k == 0)
        .map(|(_, e)| e.won_amount)
        .sum();
    let (won_n, lost_n) = cells
        .iter()
        .filter(|((k, _), _)| *k == 0)
        .fold((0, 0), |(w, lo), (_, e)| (w + e.won, lo + e.lost));
    let rate = if won_n + lost_n > 0 {
        crate::ui::chart::format_value(
            won_n as f64 * 100.0 / (won_n + lost_n) as f64,
            Unit::Percent,
            fr(l),
        )
    } else {
        "—".into()
    };
    let chart = Chart {
        kind: if compare > 0 && by != By::Year {
            ChartKind::Lines
        } else {
            ChartKind::Bars
        },
        unit: Unit::Money,
        title: td_string!(l, reports.sales_chart).to_string(),
        summary: td_string!(
            l,
            reports.sales_summary,
            won = won_n,
            amount = crate::ui::chart::format_value(won_total, Unit::Money, fr(l)),
            lost = lost_n,
            rate = rate,
            from = date_text(l, c.from),
            to = date_text(l, c.to)
        )
        .to_string(),
        categories: current.iter().map(|b| by.bucket_name(*b)).collect(),
        series,
    };
    let main = Table::new(
        "main",
        td_string!(l, reports.sales).to_string(),
        vec![
            col("period", td_string!(l, reports.col_period), false),
            col("won", td_string!(l, reports.col_won), true),
            col("won_amount", td_string!(l, reports.col_won_amount), true),
            col("lost", td_string!(l, reports.col_lost), true),
            col("lost_amount", td_string!(l, reports.col_lost_amount), true),
            col("win_rate", td_string!(l, reports.col_win_rate), true),
            col("days", td_string!(l, reports.col_days_to_close), true),
        ],
        table,
    );
    let reasons = reasons
        .iter()
        .map(|r| -> AppResult<Vec<Cell>> {
            Ok(vec![
                Cell::Text(r.try_get("reason")?),
                Cell::Count(r.try_get("n")?),
                Cell::Money(r.try_get("amount")?),
            ])
        })
        .collect::<AppResult<Vec<_>>>()?;
    let reasons = Table::new(
        "reasons",
        td_string!(l, reports.lost_reasons).to_string(),
        vec![
            col("reason", td_string!(l, reports.col_reason), false),
            col("deals", td_string!(l, reports.col_deals), true),
            col("amount", td_string!(l, reports.col_amount), true),
        ],
        reasons,
    );
    Ok((vec![chart], vec![main, reasons]))
}

async fn forecast(c: &Ctx<'_>) -> AppResult<Built> {
    let l = c.l;
    let rows = sqlx::query(FORECAST_SQL)
        .persistent(false)
        .bind(c.from)
        .bind(c.to)
        .bind(c.owner)
        .bind(c.q.pipeline)
        .fetch_all(c.pool)
        .await?;
    // (month, pipeline position order, stage position) → figures, in the
    // statement's order; stages and owners summed across.
    let mut main: Vec<(NaiveDate, String, String, i64, f64, f64)> = Vec::new();
    let mut stages: Vec<(i64, String, f64)> = Vec::new();
    let mut owners: BTreeMap<(String, i64), (String, i64, f64, f64)> = BTreeMap::new();
    let mut months: BTreeMap<NaiveDate, (f64, f64)> = BTreeMap::new();
    let pipelines: std::collections::BTreeSet<i64> = rows
        .iter()
        .filter_map(|r| r.try_get::<i64, _>("pipeline_id").ok())
        .collect();
    for r in &rows {
        let month: NaiveDate = r.try_get("month")?;
        let pipeline: String = r.try_get("pipeline")?;
        let stage_id: i64 = r.try_get("stage_id")?;
        let stage: String = r.try_get("stage")?;
        let n: i64 = r.try_get("n")?;
        let amount: f64 = r.try_get("amount")?;
        let weighted: f64 = r.try_get("weighted")?;
        match main.last_mut() {
            Some(last) if last.0 == month && last.1 == pipeline && last.2 == stage => {
                last.3 += n;
                last.4 += amount;
                last.5 += weighted;
            }
            _ => main.push((month, pipeline.clone(), stage.clone(), n, amount, weighted)),
        }
        let stage_name = if pipelines.len() > 1 {
            format!("{pipeline} · {stage}")
        } else {
            stage
        };
        match stages.iter_mut().find(|s| s.0 == stage_id) {
            Some(s) => s.2 += amount,
            None => stages.push((stage_id, stage_name, amount)),
        }
        let owner = owner_name(l, r.try_get("owner")?);
        let o = owners
            .entry((owner.to_lowercase(), r.try_get("owner_id")?))
            .or_insert_with(|| (owner, 0, 0.0, 0.0));
        o.1 += n;
        o.2 += amount;
        o.3 += weighted;
        let m = months.entry(month).or_default();
        m.0 += amount;
        m.1 += weighted;
    }
    let (amount_total, weighted_total) = months
        .values()
        .fold((0.0, 0.0), |(a, w), m| (a + m.0, w + m.1));
    let deals_total: i64 = main.iter().map(|m| m.3).sum();
    let money = |v: f64| crate::ui::chart::format_value(v, Unit::Money, fr(l));
    let month_names: Vec<NaiveDate> = buckets(By::Month, c.from, c.to);
    let by_month = Chart {
        kind: ChartKind::Bars,
        unit: Unit::Money,
        title: td_string!(l, reports.forecast_chart).to_string(),
        summary: td_string!(
            l,
            reports.forecast_summary,
            n = deals_total,
            amount = money(amount_total),
            weighted = money(weighted_total),
            from = date_text(l, c.from),
            to = date_text(l, c.to)
        )
        .to_string(),
        categories: month_names
            .iter()
            .map(|m| By::Month.bucket_name(*m))
            .collect(),
        series: vec![
            Series {
                name: td_string!(l, reports.col_amount).to_string(),
                values: month_names
                    .iter()
                    .map(|m| months.get(m).map(|v| v.0).unwrap_or(0.0))
                    .collect(),
            },
            Series {
                name: td_string!(l, reports.col_weighted).to_string(),
                values: month_names
                    .iter()
                    .map(|m| months.get(m).map(|v| v.1).unwrap_or(0.0))
                    .collect(),
            },
        ],
    };
    let funnel = Chart {
        kind: ChartKind::Funnel,
        unit: Unit::Money,
        title: td_string!(l, reports.funnel_chart).to_string(),
        summary: td_string!(l, reports.funnel_summary).to_string(),
        categories: stages.iter().map(|s| s.1.clone()).collect(),
        series: vec![Series {
            name: td_string!(l, reports.col_amount).to_string(),
            values: stages.iter().map(|s| s.2).collect(),
        }],
    };
    let table = Table::new(
        "main",
        td_string!(l, reports.forecast).to_string(),
        vec![
            col("month", td_string!(l, reports.col_month), false),
            col("pipeline", td_string!(l, reports.col_pipeline), false),
            col("stage", td_string!(l, reports.col_stage), false),
            col("deals", td_string!(l, reports.col_deals), true),
            col("amount", td_string!(l, reports.col_amount), true),
            col("weighted", td_string!(l, reports.col_weighted), true),
        ],
        main.into_iter()
            .map(|(m, p, s, n, a, w)| {
                vec![
                    Cell::Text(By::Month.bucket_name(m)),
                    Cell::Text(p),
                    Cell::Text(s),
                    Cell::Count(n),
                    Cell::Money(a),
                    Cell::Money(w),
                ]
            })
            .collect(),
    )
    .with_note(Some(td_string!(l, reports.forecast_note).to_string()));
    let owners = Table::new(
        "owners",
        td_string!(l, reports.per_owner).to_string(),
        vec![
            col("user", td_string!(l, reports.col_user), false),
            col("deals", td_string!(l, reports.col_deals), true),
            col("amount", td_string!(l, reports.col_amount), true),
            col("weighted", td_string!(l, reports.col_weighted), true),
        ],
        owners
            .into_values()
            .map(|(name, n, a, w)| {
                vec![
                    Cell::Text(name),
                    Cell::Count(n),
                    Cell::Money(a),
                    Cell::Money(w),
                ]
            })
            .collect(),
    );
    Ok((vec![by_month, funnel], vec![table, owners]))
}

async fn programmes(c: &Ctx<'_>) -> AppResult<Built> {
    let l = c.l;
    // The page lists the first enrolments (one more, to know there are
    // others); the CSV all of them. Both statements at once.
    let limit = (c.rows == Rows::Page).then_some(PAGE_ROWS as i64 + 1);
    let (rows, list) = futures::try_join!(
        sqlx::query(PROGRAMMES_SQL)
            .persistent(false)
            .bind(c.from)
            .bind(c.to)
            .bind(c.owner)
            .bind(c.q.programme)
            .fetch_all(c.pool),
        sqlx::query(ENROLMENTS_SQL)
            .persistent(false)
            .bind(c.from)
            .bind(c.to)
            .bind(c.owner)
            .bind(c.q.programme)
            .bind(limit)
            .fetch_all(c.pool)
    )?;
    let mut table = Vec::new();
    let mut names = Vec::new();
    let (mut started, mut completed, mut withdrawn) = (Vec::new(), Vec::new(), Vec::new());
    let mut persons_total = 0i64;
    for r in &rows {
        let id: Option<i64> = r.try_get("id")?;
        let g = |k: &str| r.try_get::<i64, _>(k);
        if id.is_none() {
            persons_total = g("persons")?;
            continue;
        }
        let name: String = r.try_get("name")?;
        let kind: String = r.try_get("kind")?;
        names.push(name.clone());
        started.push(g("started")? as f64);
        completed.push(g("completed")? as f64);
        withdrawn.push(g("withdrawn")? as f64);
        table.push(vec![
            Cell::Text(name),
            Cell::Text(crate::programmes::kind_label(l, &kind).to_string()),
            Cell::Count(g("enrolments")?),
            Cell::Count(g("planned")?),
            Cell::Count(g("active")?),
            Cell::Count(g("completed")?),
            Cell::Count(g("withdrawn")?),
            Cell::Count(g("started")?),
            Cell::Count(g("ended")?),
            Cell::Count(g("persons")?),
            Cell::Count(g("companies")?),
        ]);
    }
    use crate::programmes::enrolments::status_in;
    let chart = Chart {
        kind: ChartKind::Bars,
        unit: Unit::Count,
        title: td_string!(l, reports.programmes_chart).to_string(),
        summary: td_string!(
            l,
            reports.programmes_summary,
            persons = persons_total,
            from = date_text(l, c.from),
            to = date_text(l, c.to)
        )
        .to_string(),
        categories: names,
        series: vec![
            Series {
                name: td_string!(l, reports.col_started).to_string(),
                values: started,
            },
            Series {
                name: status_in(l, "completed"),
                values: completed,
            },
            Series {
                name: status_in(l, "withdrawn"),
                values: withdrawn,
            },
        ],
    };
    let main = Table::new(
        "main",
        td_string!(l, reports.programmes).to_string(),
        vec![
            col("programme", td_string!(l, reports.col_programme), false),
            col("kind", td_string!(l, reports.col_kind), false),
            col("enrolments", td_string!(l, reports.col_enrolments), true),
            col("planned", &status_in(l, "planned"), true),
            col("active", &status_in(l, "active"), true),
            col("completed", &status_in(l, "completed"), true),
            col("withdrawn", &status_in(l, "withdrawn"), true),
            col("started", td_string!(l, reports.col_started), true),
            col("ended", td_string!(l, reports.col_ended), true),
            col("persons", td_string!(l, reports.col_persons_served), true),
            col(
                "companies",
                td_string!(l, reports.col_companies_served),
                true,
            ),
        ],
        table,
    );
    let more = c.rows == Rows::Page && list.len() > PAGE_ROWS;
    let date = |d: Option<NaiveDate>| d.map(|d| date_text(l, d)).unwrap_or_default();
    let enrolments = Table::new(
        "enrolments",
        td_string!(l, reports.enrolments_list).to_string(),
        vec![
            col("programme", td_string!(l, reports.col_programme), false),
            col("identifier", td_string!(l, reports.col_identifier), false),
            col("enrolled", td_string!(l, reports.col_enrolled), false),
            col("status", td_string!(l, reports.col_status), false),
            col("starts", td_string!(l, reports.col_starts), false),
            col("ends", td_string!(l, reports.col_ends), false),
            col("user", td_string!(l, reports.col_user), false),
        ],
        list.iter()
            .take(if more { PAGE_ROWS } else { list.len() })
            .map(|r| -> AppResult<Vec<Cell>> {
                Ok(vec![
                    Cell::Text(r.try_get("programme")?),
                    Cell::Text(r.try_get("identifier")?),
                    Cell::Text(r.try_get("enrolled")?),
                    Cell::Text(status_in(l, &r.try_get::<String, _>("status")?)),
                    Cell::Text(date(r.try_get("starts_on")?)),
                    Cell::Text(date(r.try_get("ends_on")?)),
                    Cell::Text(owner_name(l, r.try_get("owner")?)),
                ])
            })
            .collect::<AppResult<Vec<_>>>()?,
    )
    .with_note(more.then(|| td_string!(l, reports.enrolments_more, n = PAGE_ROWS).to_string()));
    Ok((vec![chart], vec![main, enrolments]))
}

async fn quality(c: &Ctx<'_>) -> AppResult<Built> {
    let l = c.l;
    let by = c.q.by;
    let kinds: Vec<crate::records::RecordKind> = crate::records::quality::ssr::kinds().collect();
    let only =
        c.q.kind
            .as_deref()
            .and_then(|k| kinds.iter().find(|rk| rk.module() == k).copied());
    let rows = sqlx::query(QUALITY_SQL)
        .persistent(false)
        .bind(c.from)
        .bind(c.to)
        .bind(by.as_str())
        .bind(only.map(|k| k.as_str()))
        .bind(c.owner)
        .fetch_all(c.pool)
        .await?;
    let pct = |n: i64, of: i64| (of > 0).then(|| n as f64 * 100.0 / of as f64);
    let current = buckets(by, c.from, c.to);
    let mut table = Vec::new();
    let mut lines: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in &rows {
        let rt: String = r.try_get("record_type")?;
        let Some(kind) = kinds.iter().find(|k| k.as_str() == rt) else {
            continue;
        };
        let bucket: NaiveDate = r.try_get("bucket")?;
        let g = |k: &str| r.try_get::<i64, _>(k);
        let (total, complete, with_contacts, valid, duplicates) = (
            g("total")?,
            g("complete")?,
            g("with_contacts")?,
            g("valid")?,
            g("duplicates")?,
        );
        let name = (kind.describe().plural)(l).to_string();
        if let Some(i) = current.iter().position(|b| *b == bucket) {
            lines
                .entry(name.clone())
                .or_insert_with(|| vec![0.0; current.len()])[i] =
                pct(complete, total).unwrap_or(0.0);
        }
        table.push(vec![
            Cell::Text(by.bucket_name(bucket)),
            Cell::Text(name),
            Cell::Count(total),
            Cell::Percent(pct(complete, total)),
            Cell::Percent(pct(valid, with_contacts)),
            Cell::Percent(pct(duplicates, total)),
        ]);
    }
    let chart = Chart {
        kind: ChartKind::Lines,
        unit: Unit::Percent,
        title: td_string!(l, reports.quality_chart).to_string(),
        summary: if table.is_empty() {
            td_string!(l, reports.quality_empty).to_string()
        } else {
            td_string!(l, reports.quality_summary).to_string()
        },
        categories: current.iter().map(|b| by.bucket_name(*b)).collect(),
        series: lines
            .into_iter()
            .map(|(name, values)| Series { name, values })
            .collect(),
    };
    let main = Table::new(
        "main",
        td_string!(l, reports.quality).to_string(),
        vec![
            col("period", td_string!(l, reports.col_period), false),
            col("kind", td_string!(l, reports.col_record_kind), false),
            col("records", td_string!(l, reports.col_records), true),
            col("complete", td_string!(l, reports.col_complete), true),
            col("valid", td_string!(l, reports.col_valid), true),
            col("duplicates", td_string!(l, reports.col_duplicates), true),
        ],
        table,
    )
    .with_note(Some(td_string!(l, reports.quality_note).to_string()));
    Ok((vec![chart], vec![main]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn buckets_cover_the_period() {
        assert_eq!(
            buckets(By::Quarter, d(2026, 2, 10), d(2026, 12, 4)),
            [d(2026, 1, 1), d(2026, 4, 1), d(2026, 7, 1), d(2026, 10, 1)]
        );
        assert_eq!(buckets(By::Month, d(2026, 1, 1), d(2026, 3, 31)).len(), 3);
        assert_eq!(
            buckets(By::Week, d(2026, 12, 2), d(2026, 12, 8)),
            [d(2026, 11, 30), d(2026, 12, 7)]
        );
        assert_eq!(years_before(d(2028, 2, 29), 1), d(2027, 2, 28));
    }

    #[test]
    fn activity_reads_whole_months_from_months_and_the_edges_from_days() {
        // 10 January … 5 April: days of January, February and March whole,
        // days of April.
        assert_eq!(
            activity_ranges(d(2026, 1, 10), d(2026, 4, 5)),
            [
                (d(2026, 1, 10), d(2026, 2, 1)),
                (d(2026, 2, 1), d(2026, 4, 1)),
                (d(2026, 4, 1), d(2026, 4, 6))
            ]
        );
        // A whole month: months only.
        assert_eq!(
            activity_ranges(d(2026, 3, 1), d(2026, 3, 31)),
            [
                (d(2026, 3, 1), d(2026, 3, 1)),
                (d(2026, 3, 1), d(2026, 4, 1)),
                (d(2026, 4, 1), d(2026, 4, 1))
            ]
        );
        // Within one month: days only.
        assert_eq!(
            activity_ranges(d(2026, 3, 3), d(2026, 3, 9)),
            [
                (d(2026, 3, 3), d(2026, 3, 10)),
                (d(2026, 3, 10), d(2026, 3, 10)),
                (d(2026, 3, 10), d(2026, 3, 10))
            ]
        );
    }
}
