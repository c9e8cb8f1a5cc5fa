//! Reports (`app::reports`): each report's figures against a small data set
//! counted by hand, the CSV equal to the table, whose figures a member
//! sees, the summary tables agreeing with a fresh `GROUP BY`, and saved
//! reports.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

/// A table of a report as text, each cell as the English CSV writes it.
fn table(body: &Value, id: &str) -> Vec<Vec<String>> {
    let t = body["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no table {id} in {body}"));
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let (tag, v) = c.as_object().unwrap().iter().next().unwrap();
                    match tag.as_str() {
                        "Text" => v.as_str().unwrap().to_string(),
                        "Count" => v.as_i64().unwrap().to_string(),
                        "CountLink" => v[0].as_i64().unwrap().to_string(),
                        "Money" => format!("{:.2}", v.as_f64().unwrap()),
                        _ => v.as_f64().map(|v| format!("{v:.1}")).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .collect()
}

async fn run(app: &TestApp, s: &str, kind: &str, query: Value) -> Value {
    let r = app
        .call(
            "/api/reports/run",
            json!({"kind": kind, "query": query}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

/// The CSV export's rows (header dropped), split on commas (no cell of
/// these data sets holds one).
async fn csv(app: &TestApp, s: &str, kind: &str, query: &str) -> Vec<Vec<String>> {
    let r = app
        .get(&format!("/export/reports/{kind}.csv?{query}"), Some(s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.text
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// An interaction written straight to the database (the trigger keeps
/// `activity_days`, as it does for the forms).
async fn interaction(
    pool: &PgPool,
    owner: i64,
    kind: &str,
    status: &str,
    start: &str,
    minutes: i64,
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, owner_id, created_by, completed_at)
         VALUES ($1, 'x', $2, $3::timestamptz, $3::timestamptz + make_interval(mins => $4::int), $5, $5,
                 CASE WHEN $2 = 'done' THEN $3::timestamptz END)
         RETURNING id",
    )
    .bind(kind)
    .bind(status)
    .bind(start)
    .bind(minutes as i32)
    .bind(owner)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn activity_counts_a_hand_counted_month_and_a_member_sees_only_their_own(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("ann@relais.test", "manager").await;
    let (mb, member) = app.login_as("bob@relais.test", "member").await;
    sqlx::query("UPDATE users SET name = 'Ann' WHERE id = $1")
        .bind(me)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET name = 'Bob' WHERE id = $1")
        .bind(mb)
        .execute(&pool)
        .await
        .unwrap();

    // March 2026, Paris time (the organisation's zone).
    interaction(&pool, me, "call", "held", "2026-03-10 10:00+01", 30).await;
    interaction(&pool, me, "call", "held", "2026-03-12 10:00+01", 60).await;
    let moved = interaction(&pool, me, "call", "held", "2026-03-13 10:00+01", 12).await;
    interaction(&pool, me, "meeting", "planned", "2026-03-11 14:00+01", 90).await;
    interaction(&pool, me, "task", "done", "2026-03-20 09:00+01", 0).await;
    // Just after midnight in Paris on 1 March: March, though still
    // February in UTC.
    interaction(&pool, mb, "email", "held", "2026-03-01 00:30+01", 0).await;
    interaction(&pool, mb, "call", "held", "2026-03-31 16:00+02", 60).await;
    // Not counted: in the trash, or in April (Paris), or nobody's in February.
    let trashed = interaction(&pool, me, "call", "held", "2026-03-15 10:00+01", 30).await;
    sqlx::query("UPDATE interactions SET deleted_at = now() WHERE id = $1")
        .bind(trashed)
        .execute(&pool)
        .await
        .unwrap();
    interaction(&pool, me, "call", "held", "2026-04-01 00:10+02", 30).await;
    // A change moves its figures: this call was cancelled after all.
    sqlx::query("UPDATE interactions SET status = 'cancelled' WHERE id = $1")
        .bind(moved)
        .execute(&pool)
        .await
        .unwrap();

    let march = json!({"period": "custom", "from": "2026-03-01", "to": "2026-03-31"});
    let body = run(&app, &s, "activity", march.clone()).await;
    let expected = vec![
        row(&["Ann", "Call", "Cancelled", "1", "0.2"]),
        row(&["Ann", "Call", "Held", "2", "1.5"]),
        row(&["Ann", "Meeting", "Planned", "1", "1.5"]),
        row(&["Ann", "Task", "Done", "1", "0.0"]),
        row(&["Bob", "Call", "Held", "1", "1.0"]),
        row(&["Bob", "Email", "Held", "1", "0.0"]),
    ];
    assert_eq!(table(&body, "main"), expected);
    assert_eq!(body["everyone"], true);
    // Each count opens the interactions it counts (Bob's held call; the
    // list's date filter reads UTC days, so a count whose interactions lie
    // between midnight in Paris and midnight UTC may differ by those).
    let link = &body["tables"][0]["rows"][4][3]["CountLink"][1];
    let href = link.as_str().unwrap();
    assert!(href.starts_with("/interactions?f="), "{href}");
    let list = app
        .call(
            "/api/interactions/list",
            json!({"query": app::ui::list::ListQuery::from_params(|k| {
                let q = href.split_once('?').unwrap().1;
                q.split('&').find_map(|kv| {
                    let (key, v) = kv.split_once('=')?;
                    (key == k).then(|| app::ui::list::urldecode(v)).flatten()
                })
            })}),
            Some(&s),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(
        list.body["rows"].as_array().unwrap().len(),
        1,
        "{}",
        list.text
    );
    assert_eq!(list.body["rows"][0]["owner_name"], "Bob");

    // The CSV is the table, in the order the page sorts it.
    let q = "period=custom&from=2026-03-01&to=2026-03-31";
    assert_eq!(csv(&app, &s, "activity", q).await, expected);
    let sorted = csv(
        &app,
        &s,
        "activity",
        &format!("{q}&sort=interactions&dir=desc"),
    )
    .await;
    assert_eq!(sorted[0], row(&["Ann", "Call", "Held", "2", "1.5"]));

    // A member sees their own figures, whoever they ask for.
    let theirs = run(
        &app,
        &member,
        "activity",
        json!({"period": "custom", "from": "2026-03-01", "to": "2026-03-31", "user": me}),
    )
    .await;
    assert_eq!(table(&theirs, "main"), expected[4..].to_vec());
    assert_eq!(theirs["everyone"], false);
    assert_eq!(theirs["owner"], mb);
    assert_eq!(
        csv(&app, &member, "activity", &format!("{q}&user={me}")).await,
        expected[4..].to_vec()
    );
    // A manager may narrow to one person.
    let bobs = run(
        &app,
        &s,
        "activity",
        json!({"period": "custom", "from": "2026-03-01", "to": "2026-03-31", "user": mb}),
    )
    .await;
    assert_eq!(table(&bobs, "main"), expected[4..].to_vec());

    // The summary table agrees with the interactions counted afresh, and
    // with itself rebuilt.
    let kept = "SELECT owner_id, kind, status, sum(interactions)::bigint, sum(minutes)::bigint
                FROM activity_days WHERE interactions > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
    let fresh = "SELECT coalesce(owner_id, 0), kind, status, count(*)::bigint,
                        sum(relais_activity_minutes(starts_at, ends_at, all_day))::bigint
                 FROM interactions WHERE deleted_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
    type Agg = (i64, String, String, i64, i64);
    let a: Vec<Agg> = sqlx::query_as(kept).fetch_all(&pool).await.unwrap();
    let b: Vec<Agg> = sqlx::query_as(fresh).fetch_all(&pool).await.unwrap();
    assert_eq!(a, b);
    sqlx::query("SELECT relais_rebuild_activity_days()")
        .execute(&pool)
        .await
        .unwrap();
    let c: Vec<Agg> = sqlx::query_as(kept).fetch_all(&pool).await.unwrap();
    assert_eq!(a, c);
    // The month counts agree with the interactions counted afresh too.
    let months = "SELECT month, owner_id, kind, status, interactions, minutes FROM activity_months
                  WHERE interactions > 0 ORDER BY 1, 2, 3, 4";
    let fresh_months = "SELECT date_trunc('month', starts_at AT TIME ZONE relais_org_zone())::date,
                               coalesce(owner_id, 0), kind, status, count(*)::bigint,
                               sum(relais_activity_minutes(starts_at, ends_at, all_day))::bigint
                        FROM interactions WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4";
    type Month = (chrono::NaiveDate, i64, String, String, i64, i64);
    let m: Vec<Month> = sqlx::query_as(months).fetch_all(&pool).await.unwrap();
    let f: Vec<Month> = sqlx::query_as(fresh_months).fetch_all(&pool).await.unwrap();
    assert_eq!(m, f);
    // A period of whole months and odd days (15 February … 1 April) adds
    // the days at its edges to March's month: Ann's call of 1 April.
    let mixed = run(
        &app,
        &s,
        "activity",
        json!({"period": "custom", "from": "2026-02-15", "to": "2026-04-01"}),
    )
    .await;
    let t = table(&mixed, "main");
    assert_eq!(t[1], row(&["Ann", "Call", "Held", "3", "2.0"]));
    assert_eq!(t.len(), expected.len());

    // The raw SQL the benchmark times says the same for March.
    let raw: Vec<(i64, String, String, i64, i64)> =
        sqlx::query_as(app::reports::sql::ACTIVITY_RAW_SQL)
            .bind(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
            .bind(chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap())
            .bind(None::<i64>)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(raw.iter().map(|r| r.3).sum::<i64>(), 7);
}

async fn deal(
    pool: &PgPool,
    owner: i64,
    (status, amount, probability): (&str, f64, i32),
    created: &str,
    closed: Option<&str>,
    expected: Option<&str>,
    reason: Option<&str>,
) -> i64 {
    let (pipeline, stage): (i64, i64) = sqlx::query_as(
        "SELECT pipeline_id, id FROM pipeline_stages ORDER BY pipeline_id, position LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO deals (name, pipeline_id, stage_id, amount, probability, status, lost_reason,
                            created_at, closed_at, expected_close, owner_id, created_by)
         VALUES ('d', $1, $2, $3, $4, $5, $6, $7::timestamptz, $8::timestamptz, $9::date, $10, $10)
         RETURNING id",
    )
    .bind(pipeline)
    .bind(stage)
    .bind(amount)
    .bind(probability)
    .bind(status)
    .bind(reason)
    .bind(created)
    .bind(closed)
    .bind(expected)
    .bind(owner)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn sales_compares_a_half_year_with_four_before_and_says_why_deals_were_lost(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("ann@relais.test", "manager").await;
    let (mb, member) = app.login_as("bob@relais.test", "member").await;
    let won = |amount| ("won", amount, 100);
    deal(
        &pool,
        me,
        won(1000.0),
        "2026-01-31 12:00Z",
        Some("2026-02-10 12:00Z"),
        None,
        None,
    )
    .await;
    deal(
        &pool,
        me,
        won(500.0),
        "2026-04-01 12:00Z",
        Some("2026-05-05 12:00Z"),
        None,
        None,
    )
    .await;
    deal(
        &pool,
        mb,
        ("lost", 300.0, 0),
        "2026-01-01 12:00Z",
        Some("2026-02-20 12:00Z"),
        None,
        Some("Price"),
    )
    .await;
    deal(
        &pool,
        me,
        ("lost", 200.0, 0),
        "2026-01-01 12:00Z",
        Some("2026-03-01 12:00Z"),
        None,
        Some(" Price "),
    )
    .await;
    deal(
        &pool,
        me,
        ("lost", 50.0, 0),
        "2026-01-01 12:00Z",
        Some("2026-03-02 12:00Z"),
        None,
        Some("Timing"),
    )
    .await;
    deal(
        &pool,
        mb,
        won(700.0),
        "2025-02-01 12:00Z",
        Some("2025-02-15 12:00Z"),
        None,
        None,
    )
    .await;
    deal(
        &pool,
        me,
        won(100.0),
        "2022-01-01 12:00Z",
        Some("2022-02-01 12:00Z"),
        None,
        None,
    )
    .await;
    // Not counted: open; closed after the period; in the trash.
    deal(
        &pool,
        me,
        ("open", 900.0, 50),
        "2026-01-01 12:00Z",
        None,
        Some("2026-08-15"),
        None,
    )
    .await;
    deal(
        &pool,
        me,
        won(999.0),
        "2026-01-01 12:00Z",
        Some("2026-07-01 12:00Z"),
        None,
        None,
    )
    .await;
    let trashed = deal(
        &pool,
        me,
        won(888.0),
        "2026-01-01 12:00Z",
        Some("2026-03-03 12:00Z"),
        None,
        None,
    )
    .await;
    sqlx::query("UPDATE deals SET deleted_at = now() WHERE id = $1")
        .bind(trashed)
        .execute(&pool)
        .await
        .unwrap();

    let q = json!({"period": "custom", "from": "2026-01-01", "to": "2026-06-30", "by": "quarter", "compare": 4});
    let body = run(&app, &s, "sales", q).await;
    let zero = |p: &str| row(&[p, "0", "0.00", "0", "0.00", "", ""]);
    let expected = vec![
        row(&["2026 Q1", "1", "1000.00", "3", "550.00", "25.0", "10.0"]),
        row(&["2026 Q2", "1", "500.00", "0", "0.00", "100.0", "34.0"]),
        row(&["2025 Q1", "1", "700.00", "0", "0.00", "100.0", "14.0"]),
        zero("2025 Q2"),
        zero("2024 Q1"),
        zero("2024 Q2"),
        zero("2023 Q1"),
        zero("2023 Q2"),
        row(&["2022 Q1", "1", "100.00", "0", "0.00", "100.0", "31.0"]),
        zero("2022 Q2"),
    ];
    assert_eq!(table(&body, "main"), expected);
    // Reasons, case and spaces aside, most frequent first.
    assert_eq!(
        table(&body, "reasons"),
        vec![
            row(&["Price", "2", "500.00"]),
            row(&["Timing", "1", "50.00"])
        ]
    );
    // The chart: a line per year, the amount won lined up by quarter.
    let chart = &body["charts"][0];
    assert_eq!(chart["kind"], "Lines");
    assert_eq!(chart["series"][0]["name"], "2026");
    assert_eq!(chart["series"][0]["values"], json!([1000.0, 500.0]));
    assert_eq!(chart["series"][1]["values"], json!([700.0, 0.0]));

    // The CSV equals the table, sorted as asked.
    let query = "period=custom&from=2026-01-01&to=2026-06-30&by=quarter&compare=4";
    assert_eq!(csv(&app, &s, "sales", query).await, expected);
    let by_amount = csv(
        &app,
        &s,
        "sales",
        &format!("{query}&sort=won_amount&dir=desc"),
    )
    .await;
    assert_eq!(by_amount[0][0], "2026 Q1");
    assert_eq!(by_amount[1][0], "2025 Q1");
    assert_eq!(
        csv(&app, &s, "sales", &format!("{query}&table=reasons")).await[0],
        row(&["Price", "2", "500.00"])
    );

    // A member's own: Bob lost one for 300 in February, won 700 in 2025.
    let bobs = run(
        &app,
        &member,
        "sales",
        json!({"period": "custom", "from": "2026-01-01", "to": "2026-06-30", "by": "year", "compare": 1}),
    )
    .await;
    assert_eq!(
        table(&bobs, "main"),
        vec![
            row(&["2026", "0", "0.00", "1", "300.00", "0.0", ""]),
            row(&["2025", "1", "700.00", "0", "0.00", "100.0", "14.0"]),
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn forecast_weighs_the_open_pipeline_by_month_stage_and_owner(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("ann@relais.test", "manager").await;
    let (mb, _) = app.login_as("bob@relais.test", "member").await;
    sqlx::query("UPDATE users SET name = 'Ann' WHERE id = $1")
        .bind(me)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET name = 'Bob' WHERE id = $1")
        .bind(mb)
        .execute(&pool)
        .await
        .unwrap();
    let open = |amount, p| ("open", amount, p);
    let c = "2026-01-01 12:00Z";
    deal(
        &pool,
        me,
        open(1000.0, 50),
        c,
        None,
        Some("2027-01-10"),
        None,
    )
    .await;
    deal(
        &pool,
        mb,
        open(400.0, 25),
        c,
        None,
        Some("2027-01-31"),
        None,
    )
    .await;
    deal(
        &pool,
        me,
        open(2000.0, 10),
        c,
        None,
        Some("2027-03-01"),
        None,
    )
    .await;
    // Not counted: no expected close, outside the period, won.
    deal(&pool, me, open(5000.0, 90), c, None, None, None).await;
    deal(
        &pool,
        me,
        open(5000.0, 90),
        c,
        None,
        Some("2028-03-01"),
        None,
    )
    .await;
    deal(
        &pool,
        me,
        ("won", 5000.0, 100),
        c,
        Some("2026-02-01 12:00Z"),
        Some("2027-01-05"),
        None,
    )
    .await;
    let stage: String = sqlx::query_scalar(
        "SELECT name FROM pipeline_stages ORDER BY pipeline_id, position LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();

    let body = run(
        &app,
        &s,
        "forecast",
        json!({"period": "custom", "from": "2027-01-01", "to": "2027-12-31"}),
    )
    .await;
    assert_eq!(
        table(&body, "main"),
        vec![
            row(&["2027-01", "Sales", &stage, "2", "1400.00", "600.00"]),
            row(&["2027-03", "Sales", &stage, "1", "2000.00", "200.00"]),
        ]
    );
    assert_eq!(
        table(&body, "owners"),
        vec![
            row(&["Ann", "2", "3000.00", "700.00"]),
            row(&["Bob", "1", "400.00", "100.00"]),
        ]
    );
    let funnel = &body["charts"][1];
    assert_eq!(funnel["kind"], "Funnel");
    assert_eq!(funnel["series"][0]["values"], json!([3400.0]));
    // Twelve months on the chart, the weighted amounts where deals are.
    let by_month = &body["charts"][0];
    assert_eq!(by_month["categories"].as_array().unwrap().len(), 12);
    assert_eq!(by_month["series"][1]["values"][0], json!(600.0));
    assert_eq!(by_month["series"][1]["values"][2], json!(200.0));
}

#[sqlx::test(migrations = "../migrations")]
async fn programmes_count_enrolments_and_the_csv_lists_each_file_number(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("ann@relais.test", "manager").await;
    let (mb, member) = app.login_as("bob@relais.test", "member").await;
    let programme = |name: &'static str, position: i32| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO programmes (name, kind, position) VALUES ($1, 'programme', $2) RETURNING id",
            )
            .bind(name)
            .bind(position)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let emploi = programme("Emploi", 0).await;
    let logement = programme("Logement", 1).await;
    let person = |last: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO persons (first_name, last_name) VALUES ('Léa', $1) RETURNING id",
            )
            .bind(last)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (lea, max, zoe) = (
        person("Roux").await,
        person("Dupont").await,
        person("Martin").await,
    );
    let enrol = |p: i64,
                 who: i64,
                 id: &'static str,
                 status: &'static str,
                 start: &'static str,
                 end: Option<&'static str>,
                 owner: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "INSERT INTO enrolments (programme_id, person_id, identifier, status, starts_on, ends_on, owner_id)
                 VALUES ($1, $2, $3, $4, $5::date, $6::date, $7)",
            )
            .bind(p)
            .bind(who)
            .bind(id)
            .bind(status)
            .bind(start)
            .bind(end)
            .bind(owner)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    enrol(emploi, lea, "E-001", "active", "2026-02-01", None, me).await;
    enrol(
        emploi,
        max,
        "E-002",
        "completed",
        "2025-10-01",
        Some("2026-03-15"),
        mb,
    )
    .await;
    enrol(
        emploi,
        zoe,
        "E-003",
        "withdrawn",
        "2026-04-01",
        Some("2026-05-01"),
        me,
    )
    .await;
    // Lea again, in another programme: served once in the total.
    enrol(logement, lea, "L-001", "active", "2026-06-01", None, me).await;
    // Not in the period: ended before it, starts after it.
    enrol(
        logement,
        max,
        "L-002",
        "completed",
        "2025-01-01",
        Some("2025-06-30"),
        me,
    )
    .await;
    enrol(logement, zoe, "L-003", "planned", "2027-01-01", None, me).await;

    let q = json!({"period": "custom", "from": "2026-01-01", "to": "2026-12-31"});
    let body = run(&app, &s, "programmes", q).await;
    // programme, kind, enrolments, planned, active, completed, withdrawn,
    // started, ended, persons served, companies served
    assert_eq!(
        table(&body, "main"),
        vec![
            row(&[
                "Emploi",
                "Programme",
                "3",
                "0",
                "1",
                "1",
                "1",
                "2",
                "2",
                "2",
                "0"
            ]),
            row(&[
                "Logement",
                "Programme",
                "1",
                "0",
                "1",
                "0",
                "0",
                "1",
                "0",
                "1",
                "0"
            ]),
        ]
    );
    assert!(
        body["charts"][0]["summary"]
            .as_str()
            .unwrap()
            .starts_with("2 persons served"),
        "{}",
        body["charts"][0]["summary"]
    );
    let query = "period=custom&from=2026-01-01&to=2026-12-31";
    let listed = csv(&app, &s, "programmes", &format!("{query}&table=enrolments")).await;
    let ids: Vec<&str> = listed.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(ids, ["E-002", "E-001", "E-003", "L-001"]);
    assert_eq!(listed[0][2], "Léa Dupont");
    // A member's: Bob's one enrolment.
    let bobs = csv(
        &app,
        &member,
        "programmes",
        &format!("{query}&table=enrolments"),
    )
    .await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0][1], "E-002");
    // An unknown table is not found; so is an unknown report.
    let r = app
        .get(
            &format!("/export/reports/programmes.csv?{query}&table=nope"),
            Some(&s),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.get("/export/reports/nope.csv", Some(&s)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Without a session, the gate sends the reader to the login page.
    let r = app.get("/export/reports/sales.csv", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[sqlx::test(migrations = "../migrations")]
async fn quality_keeps_each_days_counts_per_owner_and_they_agree_with_the_counts(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (me, s) = app.login_as("ann@relais.test", "manager").await;
    let (mb, member) = app.login_as("bob@relais.test", "member").await;
    for (first, last, email, owner) in [
        ("Ann", "Lee", "ann@x.fr", me),
        ("", "Solo", "solo@x.fr", me),
        ("Bea", "Roux", "bea@@x.fr", mb),
        ("Bea", "Roux", "bea2@x.fr", mb),
    ] {
        sqlx::query(
            "INSERT INTO persons (first_name, last_name, email, phone, owner_id)
             VALUES (nullif($1, ''), $2, $3, '0611111111', $4)",
        )
        .bind(first)
        .bind(last)
        .bind(email)
        .bind(owner)
        .execute(&pool)
        .await
        .unwrap();
    }
    let r = app.call("/api/quality/recount", json!({}), Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Today's rows per owner sum to the page's figures.
    let (total, complete, valid, duplicates): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT sum(total)::bigint, sum(complete)::bigint, sum(valid)::bigint, sum(duplicates)::bigint
         FROM quality_history WHERE record_type = 'person'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let counted: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT total, complete, valid, duplicates FROM quality_counts WHERE record_type = 'person'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((total, complete, valid, duplicates), counted);
    assert_eq!(counted.0, 4);
    // Counting again the same day replaces the day's rows.
    app.call("/api/quality/recount", json!({}), Some(&s)).await;
    let rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM quality_history WHERE record_type = 'person'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rows, 2, "one row per owner");

    let q = json!({"period": "today", "by": "month", "kind": "persons"});
    let body = run(&app, &s, "quality", q.clone()).await;
    let t = table(&body, "main");
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(
        t[0][1..],
        row(&[
            "Persons",
            "4",
            &format!("{:.1}", counted.1 as f64 * 25.0),
            &format!("{:.1}", counted.2 as f64 * 25.0),
            &format!("{:.1}", counted.3 as f64 * 25.0)
        ])
    );
    // Bob's two persons: both complete, one email malformed, both a
    // probable pair.
    let bobs = table(&run(&app, &member, "quality", q).await, "main");
    assert_eq!(
        bobs[0][1..],
        row(&["Persons", "2", "100.0", "50.0", "100.0"])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn saved_reports_keep_their_words_and_are_shared_when_asked(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("ann@relais.test", "manager").await;
    let (_, member) = app.login_as("bob@relais.test", "member").await;
    let save = |cookie: String, name: &'static str, shared: bool| {
        let app = &app;
        async move {
            app.call(
                "/api/reports/save",
                json!({"kind": "sales", "name": name, "shared": shared,
                       "query": {"period": "year_to_date", "by": "quarter", "compare": 9}}),
                Some(&cookie),
            )
            .await
        }
    };
    let r = save(s.clone(), "  ", false).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.refused_fields(), ["name"]);
    let r = save(s.clone(), "Sales YTD", true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.body.as_i64().unwrap();
    // The same name again replaces it.
    let again = save(s.clone(), "sales ytd", true).await;
    assert_eq!(again.body.as_i64(), Some(id));
    save(s.clone(), "Mine only", false).await;

    let mine = app.call("/api/reports/saved", json!({}), Some(&s)).await;
    let list = mine.body.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let ytd = list.iter().find(|r| r["id"] == id).unwrap();
    // A dynamic period stays a word (the link moves with time); the
    // comparison is kept within its bounds.
    assert_eq!(ytd["query"], "period=ytd&by=quarter&compare=4");

    // The member sees the shared one only, and may not delete it.
    let theirs = app
        .call("/api/reports/saved", json!({}), Some(&member))
        .await;
    let names: Vec<&str> = theirs
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Sales YTD"]);
    let r = app
        .call("/api/reports/delete", json!({"id": id}), Some(&member))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .call("/api/reports/delete", json!({"id": id}), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[sqlx::test(migrations = "../migrations")]
async fn long_tables_come_a_page_at_a_time_and_the_csv_has_every_row(pool: PgPool) {
    use app::reports::PAGE_ROWS;
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("ann@relais.test", "manager").await;
    // 60 colleagues, each with an interaction of every kind in every
    // status it can have but done (12): 720 rows of user × kind × status,
    // more than a page.
    sqlx::query(
        "INSERT INTO users (email, name, password_hash)
         SELECT 'u' || g || '@relais.test', 'User ' || lpad(g::text, 2, '0'), 'x'
         FROM generate_series(1, 60) g",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, owner_id, created_by)
         SELECT ks.k, 'x', ks.st, '2026-03-10 09:00+01', '2026-03-10 09:30+01', u.id, u.id
         FROM users u
         CROSS JOIN (VALUES ('call', 'planned'), ('call', 'held'), ('call', 'postponed'),
                            ('call', 'cancelled'), ('meeting', 'planned'), ('meeting', 'held'),
                            ('meeting', 'postponed'), ('meeting', 'cancelled'),
                            ('task', 'not_started'), ('task', 'in_progress'), ('task', 'pending'),
                            ('email', 'held')) AS ks(k, st)
         WHERE u.email LIKE 'u%@relais.test'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let rows = 60 * 12;
    let query = "period=custom&from=2026-03-01&to=2026-03-31";
    let q = json!({"period": "custom", "from": "2026-03-01", "to": "2026-03-31"});
    let first = run(&app, &s, "activity", q.clone()).await;
    let main = &first["tables"][0];
    assert_eq!(main["total"], rows);
    assert_eq!(main["first"], 0);
    assert_eq!(main["rows"].as_array().unwrap().len(), PAGE_ROWS);
    // The counts of the page are links to the interactions they count.
    let href = main["rows"][0][3]["CountLink"][1].as_str().unwrap();
    assert!(href.starts_with("/interactions?f="), "{href}");
    assert!(href.contains("owner"), "{href}");
    // The chart draws the 30 most active, and says so.
    assert_eq!(
        first["charts"][0]["categories"].as_array().unwrap().len(),
        30
    );
    assert!(
        first["charts"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("30 most active"),
        "{}",
        first["charts"][0]["summary"]
    );
    let mut second_q = q.clone();
    second_q["page"] = json!(2);
    let second = run(&app, &s, "activity", second_q).await;
    let second_rows = table(&second, "main");
    assert_eq!(second["tables"][0]["first"], PAGE_ROWS);
    assert_eq!(second_rows.len(), rows - PAGE_ROWS);
    // The two pages are the CSV's rows, in its order.
    let mut shown = table(&first, "main");
    shown.extend(second_rows);
    let all = csv(&app, &s, "activity", query).await;
    assert_eq!(all.len(), rows);
    assert_eq!(all, shown);
    // Sorted, the page is the first rows of the sorted whole.
    let mut by_n = q.clone();
    by_n["sort"] = json!("user");
    by_n["desc"] = json!(true);
    let sorted = run(&app, &s, "activity", by_n).await;
    assert_eq!(table(&sorted, "main")[0][0], "User 60");
    let sorted_csv = csv(&app, &s, "activity", &format!("{query}&sort=user&dir=desc")).await;
    assert_eq!(sorted_csv[0][0], "User 60");
    assert_eq!(sorted_csv.len(), rows);

    // Programmes: the page lists the first enrolments and says so; the CSV
    // lists them all, each with its file number.
    let programme: i64 = sqlx::query_scalar(
        "INSERT INTO programmes (name, kind, position) VALUES ('Emploi', 'programme', 0) RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "WITH p AS (
             INSERT INTO persons (first_name, last_name)
             SELECT 'Léa', 'Nom ' || g FROM generate_series(1, 1203) g RETURNING id)
         INSERT INTO enrolments (programme_id, person_id, identifier, status, starts_on)
         SELECT $1, id, 'N-' || lpad(row_number() OVER (ORDER BY id)::text, 4, '0'), 'active', '2026-02-01'
         FROM p",
    )
    .bind(programme)
    .execute(&pool)
    .await
    .unwrap();
    let q = json!({"period": "custom", "from": "2026-01-01", "to": "2026-12-31"});
    let body = run(&app, &s, "programmes", q).await;
    assert_eq!(table(&body, "main")[0][2], "1203");
    assert_eq!(table(&body, "main")[0][9], "1203");
    let listed = &body["tables"][1];
    assert_eq!(listed["rows"].as_array().unwrap().len(), PAGE_ROWS);
    assert!(
        listed["note"]
            .as_str()
            .unwrap()
            .contains("the CSV has them all"),
        "{}",
        listed["note"]
    );
    let query = "period=custom&from=2026-01-01&to=2026-12-31&table=enrolments";
    let all = csv(&app, &s, "programmes", query).await;
    assert_eq!(all.len(), 1203);
    assert_eq!(all[0][1], "N-0001");
    assert_eq!(all[1202][1], "N-1203");
}
