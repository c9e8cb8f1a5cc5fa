//! `server bench`: the server-side latency of what people wait for most
//! (a list's first page, a page far down, a filtered list, the global
//! search, a record page and its timeline, a month of a busy calendar),
//! measured on a generated database (`server generate`) and printed as a
//! Markdown table beside the same SQL run directly on PostgreSQL.
//!
//! - **App**: the real router, built in-process as `serve` builds it (same
//!   pool size, same connection settings), called through tower's `oneshot`
//!   with a session cookie; timed from handing over the request to holding
//!   the whole body. So it includes the session look-up, the gate, `require`,
//!   the JSON in and out and the compression a browser asks for, but no TCP.
//! - **SQL**: the statements the server functions run, taken from the app
//!   itself (`LIST.page_sql`, `search_all`, `TIMELINE_SQL`, `events_sql()`…,
//!   never copies) or, for the Desk, the app's own function behind the
//!   server function (`desk_of`: every statement, as it runs them),
//!   executed in the same order and concurrency on the same pool, rows
//!   fetched but not turned into Rust types.
//!
//! Each iteration times one app run and one SQL run, alternating which goes
//! first; runs are sequential (one user, no load). A record page makes its
//! four calls at once, as the browser does: its time is that of the
//! slowest, i.e. of all four run concurrently with `tokio::join!`.
//!
//! With `--baseline FILE` it is also CI's regression guard: see
//! [`crate::bench_guard`].
//!
//! The calendar is read as its owner, the generator's busy user
//! (`generate::BUSY_EMAIL`): the bench gives that account a fresh random
//! password to log in, as it does its own.

use crate::bench_guard::Baseline;
use crate::config::BenchArgs;
use anyhow::{Context, bail, ensure};
use app::records::RecordKind;
use app::reports::ReportKind;
use app::ui::list::ListQuery;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, PgPool};
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// The account the benchmark logs in as (a member, like most users).
const BENCH_EMAIL: &str = "bench@relais.example";

/// What the global search scenario types, in turn: a common last name, an
/// accented first name typed without its accent, a typo, part of an email,
/// the start of a mobile number.
const SEARCHES: &[&str] = &["martin", "helene", "lefebre", "lucas.bernard", "06 12"];

/// A logged-in account: its session cookie and id.
#[derive(Clone)]
struct Session {
    cookie: String,
    user_id: i64,
}

/// The in-process application and the session it calls with.
struct Bench {
    router: Router,
    pool: PgPool,
    cookie: String,
    user_id: i64,
    /// Other accounts logged in (the busy calendar's owner), to log out.
    others: Vec<Session>,
}

/// A calendar range as the month view asks for it: the days `[from, to)`
/// of the owner's zone, and the same as UTC instants for the SQL.
struct Month {
    from: NaiveDate,
    to: NaiveDate,
    from_utc: DateTime<Utc>,
    to_utc: DateTime<Utc>,
}

/// What one scenario does, app side and SQL side.
enum Scenario {
    /// `POST /api/persons/list` with this query.
    PersonList(ListQuery),
    /// `POST /api/search/global` as this user, the i-th run typing `SEARCHES[i % n]`.
    Search(Session, Vec<&'static str>),
    /// The calls of a company's record page.
    CompanyPage(i64),
    /// `POST /api/records/timeline`: a company's first page.
    CompanyTimeline(i64),
    /// `POST /api/calendar/events`: the month grid of one user's calendar,
    /// as that user.
    Calendar(Session, Month),
    /// `POST /api/kanban/deals`: the first pipeline's stages with their
    /// totals over every deal, and each stage's first cards.
    DealsBoard,
    /// `POST /api/kanban/tasks`: the four columns of this user's tasks.
    TasksBoard(Session),
    /// `POST /api/desk/today` as this user.
    Desk(Session),
    /// `POST /api/planning/range`: two weeks of `PLANNING_USERS` rows, as a
    /// manager (who may show everyone's).
    Planning(Session, PlanningRange),
    /// `POST /api/merge/pairs`: the duplicates page's persons.
    DuplicatesPage,
    /// `POST /api/quality/figures`: the data-quality page.
    QualityPage,
    /// `POST /api/reports/run`: a report for the whole team, as a manager.
    Report(Session, app::reports::ReportKind, app::reports::ReportQuery),
}

/// How many rows the Planning scenario shows.
const PLANNING_USERS: usize = 50;
/// The manager the Planning scenario logs in as.
const PLANNING_EMAIL: &str = "bench-manager@relais.example";

/// Two weeks from this week's Monday in the manager's zone, for the rows.
struct PlanningRange {
    users: Vec<i64>,
    from: NaiveDate,
    to: NaiveDate,
    from_utc: DateTime<Utc>,
    to_utc: DateTime<Utc>,
    today_utc: DateTime<Utc>,
}

/// Timings of one scenario, in the order taken.
struct Samples {
    name: String,
    app: Vec<Duration>,
    sql: Vec<Duration>,
}

pub async fn run(pool: &PgPool, args: &BenchArgs) -> anyhow::Result<()> {
    let persons: i64 = sqlx::query_scalar("SELECT count(*) FROM persons WHERE deleted_at IS NULL")
        .fetch_one(pool)
        .await?;
    ensure!(
        persons >= 1_000,
        "the database holds {persons} persons; fill it first with `server generate`"
    );
    let mut bench = Bench::start(pool.clone()).await?;
    let company = match args.company {
        Some(id) => id,
        None => longest_timeline(pool).await?,
    };
    describe(pool, persons, company).await?;

    let first = list_query(json!({"sort": "name"}))?;
    let (key, id): (String, i64) = sqlx::query_as(
        "SELECT sort_name, id FROM persons WHERE deleted_at IS NULL
         ORDER BY sort_name, id OFFSET 9999 LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    let deep = list_query(json!({"sort": "name", "after": {"key": key, "id": id}, "page": 401}))?;
    let filtered = list_query(json!({
        "sort": "updated_at", "desc": true,
        "filters": [{"field": "city", "op": "is", "value": "Lyon"},
                    {"field": "lifecycle_stage", "op": "is", "value": "active"}]
    }))?;
    let quality = |problem: &str| {
        list_query(json!({"sort": "name",
                          "filters": [{"field": "quality", "op": "is", "value": problem}]}))
    };
    let (invalid, incomplete, duplicate) = (
        quality("invalid")?,
        quality("incomplete")?,
        quality("duplicate")?,
    );
    let busy = bench.busy_session().await?;
    // Another filter a user builds: one owner's persons, by name.
    let owned = list_query(json!({
        "sort": "name",
        "filters": [{"field": "owner", "op": "is", "value": busy.user_id.to_string()}]
    }))?;
    // A date filter (the reader's day, in their time zone): the day in the
    // middle of the persons' changes, newest change first. Cast to a date
    // in SQL, it read the index from today back to that day.
    let middle: NaiveDate = sqlx::query_scalar(
        "SELECT (percentile_disc(0.5) WITHIN GROUP (ORDER BY updated_at))::date
         FROM persons WHERE deleted_at IS NULL",
    )
    .fetch_one(pool)
    .await?;
    let one_day = list_query(json!({
        "sort": "updated_at", "desc": true,
        "filters": [{"field": "updated_at", "op": "is", "value": middle.to_string()}]
    }))?;
    let month = month_grid(pool, busy.user_id).await?;
    describe_calendar(pool, busy.user_id, company, &month).await?;
    let planner = bench.manager_session().await?;
    let planning = planning_range(pool, planner.user_id).await?;
    let scenarios = [
        ("persons: first list page", Scenario::PersonList(first)),
        ("persons: page 10,000 rows deep", Scenario::PersonList(deep)),
        (
            "persons: filtered (Lyon, active) + sorted (updated, desc)",
            Scenario::PersonList(filtered),
        ),
        (
            "persons: filtered (one owner) + sorted (name)",
            Scenario::PersonList(owned),
        ),
        (
            "persons: changed on one day (a date filter) + sorted (changed, desc)",
            Scenario::PersonList(one_day),
        ),
        (
            "global search (5 queries in turn, as the busy user)",
            Scenario::Search(busy.clone(), SEARCHES.to_vec()),
        ),
        (
            "company record page (4 calls at once)",
            Scenario::CompanyPage(company),
        ),
        (
            "company timeline: first page",
            Scenario::CompanyTimeline(company),
        ),
        (
            "calendar: month grid (6 weeks) of the busy user",
            Scenario::Calendar(busy.clone(), month),
        ),
        (
            "kanban: deals board with column totals (all deals)",
            Scenario::DealsBoard,
        ),
        (
            "kanban: tasks board of the busy user",
            Scenario::TasksBoard(busy.clone()),
        ),
        ("desk of the busy user", Scenario::Desk(busy)),
        (
            "Planning two weeks × 50 users (as a manager)",
            Scenario::Planning(planner.clone(), planning),
        ),
        (
            "duplicates page: 100 most alike person pairs",
            Scenario::DuplicatesPage,
        ),
        ("data-quality page: the figures", Scenario::QualityPage),
        (
            "data quality: persons with a malformed email or phone",
            Scenario::PersonList(invalid),
        ),
        (
            "data quality: incomplete persons",
            Scenario::PersonList(incomplete),
        ),
        (
            "data quality: persons with a probable duplicate",
            Scenario::PersonList(duplicate),
        ),
        (
            "report: activity, this month (defaults)",
            report(&planner, ReportKind::Activity, json!({}))?,
        ),
        (
            "report: activity, the whole team's year",
            report(
                &planner,
                ReportKind::Activity,
                json!({"period": "this_year"}),
            )?,
        ),
        (
            "report: sales, year to date by month (defaults)",
            report(&planner, ReportKind::Sales, json!({}))?,
        ),
        (
            "report: sales, this year by month against the 4 before",
            report(
                &planner,
                ReportKind::Sales,
                json!({"period": "this_year", "compare": 4}),
            )?,
        ),
        (
            "report: forecast, next 12 months (defaults)",
            report(&planner, ReportKind::Forecast, json!({}))?,
        ),
        (
            "report: programmes, this year (defaults)",
            report(&planner, ReportKind::Programmes, json!({}))?,
        ),
        (
            "report: data quality, last 12 months (defaults)",
            report(&planner, ReportKind::Quality, json!({}))?,
        ),
    ];

    println!(
        "{} iterations after {} warm-up runs per scenario, pool of {} connections\n",
        args.iterations,
        args.warmup,
        pool.options().get_max_connections()
    );
    let mut results = Vec::new();
    let mut detail = Vec::new();
    let chosen =
        |name: &str| args.only.is_empty() || args.only.iter().any(|o| name.contains(o.as_str()));
    // The pages above read what the background pass stored: it runs once
    // first (timed), so they read this data's pairs and figures.
    if chosen("duplicates page") || chosen("data quality") || chosen("data-quality") {
        for kind in app::records::quality::ssr::kinds() {
            let start = Instant::now();
            app::records::duplicates::ssr::refresh(pool, kind).await?;
            println!(
                "background pass (duplicate pairs and data-quality figures) of {}: {:.1} s",
                kind.as_str(),
                start.elapsed().as_secs_f64()
            );
        }
        println!();
    }
    for (name, scenario) in scenarios.iter().filter(|(name, _)| chosen(name)) {
        let samples = bench.measure(name, scenario, args).await?;
        if let Scenario::Search(_, queries) = scenario {
            for (k, q) in queries.iter().enumerate() {
                let pick = |v: &[Duration]| -> Vec<Duration> {
                    v.iter()
                        .enumerate()
                        .filter(|(i, _)| i % queries.len() == k)
                        .map(|(_, d)| *d)
                        .collect()
                };
                detail.push(Samples {
                    name: format!("search \"{q}\""),
                    app: pick(&samples.app),
                    sql: pick(&samples.sql),
                });
            }
        }
        results.push(samples);
    }
    bench.finish().await;

    println!("{}", table(&results));
    if !detail.is_empty() {
        println!("Global search by query:\n\n{}", table(&detail));
    }
    let measured: Vec<(String, Duration)> = results
        .iter()
        .map(|s| (s.name.clone(), percentile(&s.app, 50.0)))
        .collect();
    if let Some(path) = &args.write_baseline {
        let taken = format!(
            "{} build, {persons} persons, {} runs after {} warm-up runs, {}",
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
            args.iterations,
            args.warmup,
            Utc::now().date_naive()
        );
        Baseline::of(taken, &measured).write(path)?;
        println!("baseline written to {}", path.display());
    }
    if let Some(path) = &args.baseline {
        let found = Baseline::read(path)?.regressions(&measured, args.slower, chosen);
        ensure!(
            found.is_empty(),
            "the benchmark fails its baseline {}:\n  {}",
            path.display(),
            found.join("\n  ")
        );
        println!(
            "every scenario within {}× of its baseline in {}",
            args.slower,
            path.display()
        );
    }
    Ok(())
}

/// A report with its defaults, changed by `over` (the query's JSON).
fn report(session: &Session, kind: ReportKind, over: Value) -> anyhow::Result<Scenario> {
    let mut q = serde_json::to_value(kind.defaults())?;
    if let (Some(q), Some(over)) = (q.as_object_mut(), over.as_object()) {
        for (k, v) in over {
            q.insert(k.clone(), v.clone());
        }
    }
    Ok(Scenario::Report(
        session.clone(),
        kind,
        serde_json::from_value(q)?,
    ))
}

/// A list query as the browser sends it (the same JSON both sides use).
fn list_query(v: Value) -> anyhow::Result<ListQuery> {
    Ok(serde_json::from_value(v)?)
}

/// The company with the longest history (the generator gives its first ten
/// companies 200 changes and 200 notes; the lowest id has the most staff).
async fn longest_timeline(pool: &PgPool) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "SELECT record_id FROM record_changes WHERE record_type = 'company'
         GROUP BY record_id ORDER BY count(*) DESC, record_id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?
    .context("no company has a history; fill the database with `server generate`")
}

/// Prints what the scenarios run on.
async fn describe(pool: &PgPool, persons: i64, company: i64) -> anyhow::Result<()> {
    let (lyon, lyon_active): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE lifecycle_stage = 'active') FROM persons
         WHERE deleted_at IS NULL AND relais_fold(coalesce(city, '')) = 'lyon'",
    )
    .fetch_one(pool)
    .await?;
    let (people, notes, changes, deals): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM person_companies WHERE company_id = $1),
                (SELECT count(*) FROM note_links WHERE record_type = 'company' AND record_id = $1),
                (SELECT count(*) FROM record_changes WHERE record_type = 'company' AND record_id = $1),
                (SELECT count(*) FROM deals WHERE company_id = $1 AND deleted_at IS NULL)",
    )
    .bind(company)
    .fetch_one(pool)
    .await?;
    println!(
        "{persons} live persons; {lyon} in Lyon, {lyon_active} of them active.\n\
         Record page of company {company}: {people} people, {notes} notes, \
         {changes} changes, {deals} deals."
    );
    Ok(())
}

/// The 6-week grid of the current month in `user`'s zone (Monday before
/// the 1st, 42 days), as the calendar's month view asks for it.
async fn month_grid(pool: &PgPool, user: i64) -> anyhow::Result<Month> {
    let (from, to, from_utc, to_utc): (NaiveDate, NaiveDate, DateTime<Utc>, DateTime<Utc>) =
        sqlx::query_as(
            "SELECT f, f + 42, f::timestamp AT TIME ZONE tz, (f + 42)::timestamp AT TIME ZONE tz
             FROM (SELECT m - (extract(isodow FROM m)::int - 1) AS f, tz
                   FROM (SELECT date_trunc('month', now() AT TIME ZONE time_zone)::date AS m,
                                time_zone AS tz
                         FROM users WHERE id = $1) a) b",
        )
        .bind(user)
        .fetch_one(pool)
        .await?;
    Ok(Month {
        from,
        to,
        from_utc,
        to_utc,
    })
}

/// Prints what the timeline and calendar scenarios run on.
async fn describe_calendar(
    pool: &PgPool,
    busy: i64,
    company: i64,
    month: &Month,
) -> anyhow::Result<()> {
    let (links, year, shown): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM interaction_links WHERE record_type = 'company' AND record_id = $1),
                (SELECT count(*) FROM interactions WHERE owner_id = $2 AND deleted_at IS NULL
                    AND starts_at >= now() - interval '1 year' AND starts_at < now()),
                (SELECT count(DISTINCT i.id) FROM interactions i
                 WHERE i.deleted_at IS NULL AND i.starts_at < $4 AND (i.ends_at > $3 OR i.starts_at >= $3)
                   AND i.id IN (SELECT o.id FROM interactions o
                                WHERE o.owner_id = $2 AND o.deleted_at IS NULL
                                  AND o.starts_at >= $3 - interval '31 days' AND o.starts_at < $4
                                UNION ALL
                                SELECT a.interaction_id FROM interaction_attendees a
                                WHERE a.user_id = $2 AND a.starts_at >= $3 - interval '31 days' AND a.starts_at < $4))",
    )
    .bind(company)
    .bind(busy)
    .bind(month.from_utc)
    .bind(month.to_utc)
    .fetch_one(pool)
    .await?;
    println!(
        "Timeline of company {company}: {links} interaction links (its own and its people's and deals').\n\
         Calendar of user {busy} ({}): {year} interactions in the last 12 months; \
         the grid {} – {} shows {shown}.",
        crate::generate::BUSY_EMAIL,
        month.from,
        month.to.pred_opt().unwrap_or(month.to),
    );
    Ok(())
}

/// A random password for an account the bench logs in as, and its hash.
async fn fresh_password() -> anyhow::Result<(String, String)> {
    let password = format!("{:032x}", rand::random::<u128>());
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || app::ssr::passwords::hash_blocking(&password))
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?
    };
    Ok((password, hash))
}

impl Bench {
    /// Builds the router and logs in as the bench user (created, or reset
    /// to a member with a fresh random password).
    async fn start(pool: PgPool) -> anyhow::Result<Bench> {
        let (password, hash) = fresh_password().await?;
        let user_id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, role) VALUES ($1, 'Bench', $2, 'member')
             ON CONFLICT (lower(email)) DO UPDATE SET password_hash = excluded.password_hash,
                 role = 'member', active = true, updated_at = now()
             RETURNING id",
        )
        .bind(BENCH_EMAIL)
        .bind(hash)
        .fetch_one(&pool)
        .await?;
        let settings = app::ssr::ServerSettings {
            public_url: "http://127.0.0.1:3000".into(),
            secure_cookies: false,
            trusted_proxies: 0,
            mail_configured: false,
        };
        let options = crate::leptos_options("target/site", "127.0.0.1:3000".parse()?);
        let router = crate::router(options, pool.clone(), settings);
        let mut bench = Bench {
            router,
            pool,
            cookie: String::new(),
            user_id,
            others: Vec::new(),
        };
        bench.cookie = bench.login(BENCH_EMAIL, &password).await?;
        Ok(bench)
    }

    /// Logs in (once: failed logins are throttled); returns the session cookie.
    async fn login(&self, email: &str, password: &str) -> anyhow::Result<String> {
        let req = Request::post("/api/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"email": email, "password": password, "locale": "en"}).to_string(),
            ))?;
        let resp = self.router.clone().oneshot(req).await?;
        ensure!(
            resp.status() == StatusCode::OK,
            "login of {email} refused: {}",
            resp.status()
        );
        Ok(resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("relais_session="))
            .and_then(|c| c.split(';').next())
            .context("no session cookie after login")?
            .to_string())
    }

    /// A session of the generator's busy user (its password is reset to a
    /// random one first).
    async fn busy_session(&mut self) -> anyhow::Result<Session> {
        let (password, hash) = fresh_password().await?;
        let user_id: i64 = sqlx::query_scalar(
            "UPDATE users SET password_hash = $2, active = true WHERE lower(email) = lower($1) RETURNING id",
        )
        .bind(crate::generate::BUSY_EMAIL)
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?
        .context("no busy user; fill the database with `server generate`")?;
        let session = Session {
            cookie: self.login(crate::generate::BUSY_EMAIL, &password).await?,
            user_id,
        };
        self.others.push(session.clone());
        Ok(session)
    }

    /// A session of a manager (created, or reset to a manager with a fresh
    /// random password).
    async fn manager_session(&mut self) -> anyhow::Result<Session> {
        let (password, hash) = fresh_password().await?;
        let user_id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, role) VALUES ($1, 'Bench manager', $2, 'manager')
             ON CONFLICT (lower(email)) DO UPDATE SET password_hash = excluded.password_hash,
                 role = 'manager', active = true, updated_at = now()
             RETURNING id",
        )
        .bind(PLANNING_EMAIL)
        .bind(hash)
        .fetch_one(&self.pool)
        .await?;
        let session = Session {
            cookie: self.login(PLANNING_EMAIL, &password).await?,
            user_id,
        };
        self.others.push(session.clone());
        Ok(session)
    }

    /// Logs out, so that the sessions do not linger.
    async fn finish(&self) {
        let cookies = std::iter::once(&self.cookie).chain(self.others.iter().map(|s| &s.cookie));
        for cookie in cookies {
            if let Ok(req) = self.request_as(cookie, "/api/auth/logout", json!({})) {
                let _ = self.send(req).await;
            }
        }
    }

    /// A POST of JSON to a server function, as the browser sends it.
    fn request(&self, path: &str, body: Value) -> anyhow::Result<Request<Body>> {
        self.request_as(&self.cookie, path, body)
    }

    /// The same, in the session of `cookie`.
    fn request_as(&self, cookie: &str, path: &str, body: Value) -> anyhow::Result<Request<Body>> {
        Ok(Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd")
            .header(header::COOKIE, cookie)
            .body(Body::from(body.to_string()))?)
    }

    /// Sends `req`; returns how long until the whole body was there.
    async fn send(&self, req: Request<Body>) -> anyhow::Result<Duration> {
        let path = req.uri().path().to_string();
        let router = self.router.clone();
        let start = Instant::now();
        let resp = router.oneshot(req).await?;
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await?;
        let took = start.elapsed();
        if status != StatusCode::OK {
            bail!(
                "{path} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        Ok(took)
    }

    async fn measure(
        &self,
        name: &str,
        scenario: &Scenario,
        args: &BenchArgs,
    ) -> anyhow::Result<Samples> {
        eprintln!("running: {name}");
        let mut samples = Samples {
            name: name.to_string(),
            app: Vec::with_capacity(args.iterations as usize),
            sql: Vec::with_capacity(args.iterations as usize),
        };
        for i in 0..args.warmup {
            self.app_once(scenario, i as usize).await?;
            self.sql_once(scenario, i as usize).await?;
        }
        for i in 0..args.iterations as usize {
            // Alternate which side goes first, so neither always finds the
            // other's pages freshly cached.
            if i % 2 == 0 {
                samples.app.push(self.app_once(scenario, i).await?);
                samples.sql.push(self.sql_once(scenario, i).await?);
            } else {
                samples.sql.push(self.sql_once(scenario, i).await?);
                samples.app.push(self.app_once(scenario, i).await?);
            }
        }
        Ok(samples)
    }

    async fn app_once(&self, scenario: &Scenario, i: usize) -> anyhow::Result<Duration> {
        match scenario {
            Scenario::PersonList(q) => {
                self.send(self.request("/api/persons/list", json!({"query": q}))?)
                    .await
            }
            Scenario::Search(session, queries) => {
                let q = queries[i % queries.len()];
                self.send(self.request_as(
                    &session.cookie,
                    "/api/search/global",
                    json!({"q": q}),
                )?)
                .await
            }
            Scenario::CompanyPage(id) => {
                let record = json!({"kind": "company", "id": id});
                let company = self.request("/api/companies/get", json!({"id": id}))?;
                let marks = self.request("/api/records/marks", record.clone())?;
                let timeline = self.request(
                    "/api/records/timeline",
                    json!({"kind": "company", "id": id, "before": null}),
                )?;
                let deals = self.request("/api/deals/related", record)?;
                let start = Instant::now();
                let (a, b, c, d) = tokio::join!(
                    self.send(company),
                    self.send(marks),
                    self.send(timeline),
                    self.send(deals),
                );
                let took = start.elapsed();
                for r in [a, b, c, d] {
                    r?;
                }
                Ok(took)
            }
            Scenario::CompanyTimeline(id) => {
                self.send(self.request(
                    "/api/records/timeline",
                    json!({"kind": "company", "id": id, "before": null}),
                )?)
                .await
            }
            Scenario::Planning(session, p) => {
                self.send(self.request_as(
                    &session.cookie,
                    "/api/planning/range",
                    json!({"from": p.from, "to": p.to, "users": p.users}),
                )?)
                .await
            }
            Scenario::Calendar(session, month) => {
                self.send(self.request_as(
                    &session.cookie,
                    "/api/calendar/events",
                    json!({"from": month.from, "to": month.to, "users": [session.user_id]}),
                )?)
                .await
            }
            Scenario::DealsBoard => {
                self.send(self.request(
                    "/api/kanban/deals",
                    json!({"filter": {"pipeline": null, "mine": false, "owner": null}}),
                )?)
                .await
            }
            Scenario::TasksBoard(session) => {
                let filter = json!({"mine": true, "owner": null, "record": null, "due_from": "", "due_to": ""});
                self.send(self.request_as(
                    &session.cookie,
                    "/api/kanban/tasks",
                    json!({"filter": filter}),
                )?)
                .await
            }
            Scenario::Desk(session) => {
                self.send(self.request_as(&session.cookie, "/api/desk/today", json!({}))?)
                    .await
            }
            Scenario::DuplicatesPage => {
                self.send(self.request("/api/merge/pairs", json!({"kind": "person"}))?)
                    .await
            }
            Scenario::QualityPage => {
                self.send(self.request("/api/quality/figures", json!({}))?)
                    .await
            }
            Scenario::Report(session, kind, q) => {
                self.send(self.request_as(
                    &session.cookie,
                    "/api/reports/run",
                    json!({"kind": kind, "query": q}),
                )?)
                .await
            }
        }
    }

    async fn sql_once(&self, scenario: &Scenario, i: usize) -> anyhow::Result<Duration> {
        let pool = &self.pool;
        match scenario {
            Scenario::PersonList(q) => {
                // The statements of `ListSpec::fetch`: the page and the
                // (capped, else estimated) count at once.
                let list = &app::persons::LIST;
                let (page, _) = list.page_sql(q, self.user_id)?;
                let start = Instant::now();
                tokio::try_join!(
                    async {
                        page.query()
                            .fetch_all(pool)
                            .await
                            .map_err(anyhow::Error::from)
                    },
                    async {
                        (list.count(pool, q, self.user_id).await).map_err(anyhow::Error::from)
                    },
                )?;
                Ok(start.elapsed())
            }
            Scenario::Search(session, queries) => {
                // The statements of `global_search`: the typos corrected,
                // then one per kind, all at once.
                let text = app::ssr::list_sql::fold(queries[i % queries.len()]);
                let start = Instant::now();
                app::records::search::search_all(pool, &text, session.user_id).await?;
                Ok(start.elapsed())
            }
            Scenario::CompanyPage(id) => {
                let start = Instant::now();
                tokio::try_join!(
                    company_sql(pool, *id),
                    marks_sql(pool, self.user_id, *id),
                    timeline_sql(pool, self.user_id, *id),
                    related_sql(pool, *id),
                )?;
                Ok(start.elapsed())
            }
            Scenario::CompanyTimeline(id) => {
                let start = Instant::now();
                timeline_sql(pool, self.user_id, *id).await?;
                Ok(start.elapsed())
            }
            Scenario::Calendar(session, month) => {
                let start = Instant::now();
                calendar_sql(pool, session.user_id, month).await?;
                Ok(start.elapsed())
            }
            Scenario::DealsBoard => {
                let start = Instant::now();
                deals_board_sql(pool).await?;
                Ok(start.elapsed())
            }
            Scenario::TasksBoard(session) => {
                let start = Instant::now();
                tasks_board_sql(pool, session.user_id).await?;
                Ok(start.elapsed())
            }
            Scenario::Desk(session) => {
                let user = app::ssr::guard::load_user_from(pool, session.user_id)
                    .await?
                    .context("the Desk's user is gone")?;
                let start = Instant::now();
                app::desk::desk_of(pool, &user, Utc::now()).await?;
                Ok(start.elapsed())
            }
            Scenario::Planning(session, p) => {
                let start = Instant::now();
                planning_sql(pool, session.user_id, p).await?;
                Ok(start.elapsed())
            }
            Scenario::DuplicatesPage => {
                let kind = RecordKind::Person;
                let sql = app::records::duplicates::ssr::read_sql(kind);
                let start = Instant::now();
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(kind.as_str())
                    .bind(self.user_id)
                    .bind(app::records::duplicates::MAX_PAIRS)
                    .fetch_all(pool)
                    .await?;
                Ok(start.elapsed())
            }
            Scenario::QualityPage => {
                let start = Instant::now();
                sqlx::query("SELECT * FROM quality_counts")
                    .fetch_all(pool)
                    .await?;
                Ok(start.elapsed())
            }
            Scenario::Report(_, kind, q) => {
                let (from, to) = q.range(
                    app::reports::sql::org_today(pool).await?,
                    chrono::Weekday::Mon,
                );
                let start = Instant::now();
                report_sql(pool, *kind, q, from, to).await?;
                Ok(start.elapsed())
            }
        }
    }
}

/// A report's statements, as `app::reports::sql::build` runs them for the
/// whole team.
async fn report_sql(
    pool: &PgPool,
    kind: ReportKind,
    q: &app::reports::ReportQuery,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<()> {
    use app::reports::sql::*;
    let none = None::<i64>;
    match kind {
        ReportKind::Activity => {
            activity_rows(pool, from, to, none).await?;
        }
        ReportKind::Sales => {
            sqlx::query(SALES_SQL)
                .persistent(false)
                .bind(from)
                .bind(to)
                .bind(q.compare as i32)
                .bind(q.by.as_str())
                .bind(none)
                .bind(none)
                .fetch_all(pool)
                .await?;
            sqlx::query(LOST_REASONS_SQL)
                .persistent(false)
                .bind(from)
                .bind(to)
                .bind(none)
                .bind(none)
                .fetch_all(pool)
                .await?;
        }
        ReportKind::Forecast => {
            sqlx::query(FORECAST_SQL)
                .persistent(false)
                .bind(from)
                .bind(to)
                .bind(none)
                .bind(none)
                .fetch_all(pool)
                .await?;
        }
        ReportKind::Programmes => {
            sqlx::query(PROGRAMMES_SQL)
                .persistent(false)
                .bind(from)
                .bind(to)
                .bind(none)
                .bind(none)
                .fetch_all(pool)
                .await?;
            sqlx::query(ENROLMENTS_SQL)
                .persistent(false)
                .bind(from)
                .bind(to)
                .bind(none)
                .bind(none)
                .bind(app::reports::PAGE_ROWS as i64 + 1)
                .fetch_all(pool)
                .await?;
        }
        ReportKind::Quality => {
            sqlx::query(QUALITY_SQL)
                .persistent(false)
                .bind(from)
                .bind(to)
                .bind(q.by.as_str())
                .bind(None::<String>)
                .bind(none)
                .fetch_all(pool)
                .await?;
        }
    }
    Ok(())
}

/// `deal_board`: the totals, then each stage's first cards.
async fn deals_board_sql(pool: &PgPool) -> anyhow::Result<()> {
    use app::kanban::deals_api::{CARDS_SQL, TOTALS_SQL};
    let pipeline: i64 =
        sqlx::query_scalar("SELECT id FROM pipelines WHERE active ORDER BY position, id LIMIT 1")
            .fetch_one(pool)
            .await?;
    let totals: Vec<(String,)> =
        sqlx::query_as(AssertSqlSafe(format!("SELECT key FROM ({TOTALS_SQL}) t")))
            .bind(pipeline)
            .bind(None::<i64>)
            .fetch_all(pool)
            .await?;
    for (key,) in totals {
        if let Ok(stage) = key.parse::<i64>() {
            sqlx::query(CARDS_SQL)
                .bind(stage)
                .bind(None::<i64>)
                .bind(None::<String>)
                .bind(None::<i64>)
                .bind(app::kanban::CARDS_PER_PAGE)
                .fetch_all(pool)
                .await?;
        }
    }
    Ok(())
}

/// `task_board` for one user's tasks: the counts of the columns, then the
/// first cards of each.
async fn tasks_board_sql(pool: &PgPool, user_id: i64) -> anyhow::Result<()> {
    use app::kanban::api::{cards_sql, column_counts};
    let mine = (Some(user_id), None, None, None, None);
    column_counts(pool, user_id, &mine, &app::kanban::TASK_COLUMNS).await?;
    for column in app::kanban::TASK_COLUMNS {
        sqlx::query(AssertSqlSafe(cards_sql()))
            .bind(user_id)
            .bind(Some(user_id))
            .bind(None::<String>)
            .bind(None::<i64>)
            .bind(None::<DateTime<Utc>>)
            .bind(None::<DateTime<Utc>>)
            .bind(column)
            .bind(None::<String>)
            .bind(None::<i64>)
            .bind(app::kanban::CARDS_PER_PAGE)
            .fetch_all(pool)
            .await?;
    }
    Ok(())
}

/// `get_company`: the company and its people at once.
async fn company_sql(pool: &PgPool, id: i64) -> anyhow::Result<()> {
    let (company, _) = tokio::try_join!(
        sqlx::query(app::companies::COMPANY_SQL)
            .bind(id)
            .fetch_optional(pool),
        sqlx::query(app::companies::COMPANY_PEOPLE_SQL)
            .bind(id)
            .fetch_all(pool),
    )?;
    company.context("no such company")?;
    Ok(())
}

/// `record_marks`: what the reader may do, then the view, the star and the
/// tags at once.
async fn marks_sql(pool: &PgPool, user_id: i64, id: i64) -> anyhow::Result<()> {
    use app::records::marks::{FAVOURITE_SQL, RECORD_TAGS_SQL};
    let kind = RecordKind::Company;
    let allowed: Option<(bool, bool, bool, bool, bool)> = sqlx::query_as(AssertSqlSafe(
        app::access::ssr::allowed_sql(kind, false, false),
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    ensure!(allowed.is_some(), "company {id} is not live");
    tokio::try_join!(
        app::records::marks::note_view(pool, user_id, kind, id),
        sqlx::query(FAVOURITE_SQL)
            .bind(user_id)
            .bind(kind.as_str())
            .bind(id)
            .fetch_one(pool),
        sqlx::query(RECORD_TAGS_SQL)
            .bind(kind.as_str())
            .bind(id)
            .fetch_all(pool),
    )?;
    Ok(())
}

/// `timeline` (first page): the merged page, then the names of the owners
/// it shows, if any.
async fn timeline_sql(pool: &PgPool, user_id: i64, id: i64) -> anyhow::Result<()> {
    use app::records::timeline::{
        TIMELINE_PAGE, TIMELINE_START, USER_NAMES_SQL, owners_named, timeline_sql as page_sql,
    };
    let (at, rank, cid) = TIMELINE_START;
    let rows = sqlx::query(AssertSqlSafe(page_sql()))
        .bind(RecordKind::Company.as_str())
        .bind(id)
        .bind(at)
        .bind(rank)
        .bind(cid)
        .bind(user_id)
        .bind(TIMELINE_PAGE + 1)
        .fetch_all(pool)
        .await?;
    let owners = owners_named(&rows)?;
    if !owners.is_empty() {
        sqlx::query(USER_NAMES_SQL)
            .bind(&owners)
            .fetch_all(pool)
            .await?;
    }
    Ok(())
}

/// `calendar_events`: the events of one calendar, read by its owner.
async fn calendar_sql(pool: &PgPool, user_id: i64, month: &Month) -> anyhow::Result<()> {
    sqlx::query(AssertSqlSafe(app::calendar::events_sql(false)))
        .bind(vec![user_id])
        .bind(month.from_utc)
        .bind(month.to_utc)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    Ok(())
}

/// The rows of the Planning scenario: the first `PLANNING_USERS` active
/// users (the generator's owners), made up to that many with empty ones if
/// the database has fewer; the range of two weeks in `viewer`'s zone.
async fn planning_range(pool: &PgPool, viewer: i64) -> anyhow::Result<PlanningRange> {
    let have: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE active AND email NOT LIKE 'bench%'")
            .fetch_one(pool)
            .await?;
    for n in have as usize..PLANNING_USERS {
        sqlx::query(
            "INSERT INTO users (email, name, password_hash) VALUES ($1, $2, '!') ON CONFLICT DO NOTHING",
        )
        .bind(format!("planning{n:02}@relais.example"))
        .bind(format!("Planning {n:02}"))
        .execute(pool)
        .await?;
    }
    let users: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE active AND email NOT LIKE 'bench%' ORDER BY id LIMIT $1",
    )
    .bind(PLANNING_USERS as i64)
    .fetch_all(pool)
    .await?;
    let (from, from_utc, to_utc, today_utc): (
        NaiveDate,
        DateTime<Utc>,
        DateTime<Utc>,
        DateTime<Utc>,
    ) = sqlx::query_as(
        "SELECT f, f::timestamp AT TIME ZONE tz, (f + 14)::timestamp AT TIME ZONE tz,
                    t::timestamp AT TIME ZONE tz
             FROM (SELECT t - (extract(isodow FROM t)::int - 1) AS f, t, tz
                   FROM (SELECT (now() AT TIME ZONE time_zone)::date AS t, time_zone AS tz
                         FROM users WHERE id = $1) a) b",
    )
    .bind(viewer)
    .fetch_one(pool)
    .await?;
    let (blocks, open): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM interactions WHERE owner_id = ANY($1) AND deleted_at IS NULL
                   AND starts_at >= $2 AND starts_at < $3),
                (SELECT count(*) FROM interactions WHERE owner_id = ANY($1) AND deleted_at IS NULL
                   AND kind = 'task' AND status <> 'done' AND starts_at < $4)",
    )
    .bind(&users)
    .bind(from_utc)
    .bind(to_utc)
    .bind(today_utc)
    .fetch_one(pool)
    .await?;
    println!(
        "Planning: {} users, {from} – {}: {blocks} interactions in the range; \
         {open} overdue open tasks among them (50 newest listed).",
        users.len(),
        from + chrono::Duration::days(13),
    );
    Ok(PlanningRange {
        users,
        from,
        to: from + chrono::Duration::days(14),
        from_utc,
        to_utc,
        today_utc,
    })
}

/// `planning_of`'s statements as it runs them: the rows, then the blocks
/// and "to plan" at once, each in a transaction of its own without
/// parallel workers.
async fn planning_sql(pool: &PgPool, viewer: i64, p: &PlanningRange) -> anyhow::Result<()> {
    sqlx::query(app::planning::USERS_SQL)
        .bind(viewer)
        .bind(true)
        .bind(&p.users)
        .bind(app::planning::MAX_USERS as i64)
        .fetch_all(pool)
        .await?;
    let no_parallel = app::ssr::NO_PARALLEL_WORKERS;
    let (blocks, unplanned) = (
        app::planning::blocks_sql(true),
        app::planning::unplanned_sql(true),
    );
    tokio::try_join!(
        app::ssr::fetch_all_with(
            pool,
            no_parallel,
            sqlx::query(AssertSqlSafe(blocks))
                .bind(&p.users)
                .bind(p.from_utc)
                .bind(p.to_utc)
                .bind(viewer),
        ),
        app::ssr::fetch_all_with(
            pool,
            no_parallel,
            sqlx::query(AssertSqlSafe(unplanned))
                .bind(&p.users)
                .bind(chrono::Utc::now())
                .bind(viewer)
                .bind(app::planning::MAX_UNPLANNED)
                .bind(p.today_utc),
        ),
    )?;
    Ok(())
}

/// `related_deals`.
async fn related_sql(pool: &PgPool, id: i64) -> anyhow::Result<()> {
    let sql = app::deals::related_deals_sql(RecordKind::Company).context("company deals")?;
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(pool)
        .await?;
    Ok(())
}

/// The `p`-th percentile (nearest rank) of `samples`.
fn percentile(samples: &[Duration], p: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The Markdown table of the results.
fn table(results: &[Samples]) -> String {
    let mut out = String::from(
        "| scenario | app p50 | app p99 | SQL p50 | SQL p99 | ratio (app p50 / SQL p50) |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for s in results {
        let (app50, sql50) = (percentile(&s.app, 50.0), percentile(&s.sql, 50.0));
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.2} |\n",
            s.name,
            ms(app50),
            ms(percentile(&s.app, 99.0)),
            ms(sql50),
            ms(percentile(&s.sql, 99.0)),
            app50.as_secs_f64() / sql50.as_secs_f64().max(1e-9),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<Duration> = (1..=200).rev().map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50.0), Duration::from_millis(100));
        assert_eq!(percentile(&v, 99.0), Duration::from_millis(198));
        assert_eq!(percentile(&v[..1], 99.0), Duration::from_millis(200));
    }
}
