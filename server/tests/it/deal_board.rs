//! The deals board: column totals kept by the trigger, equal to the deals
//! summed afresh after any change; moves to stages, won and lost (with its
//! reason); conflicts; opposite moves at once neither deadlock nor drift.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

/// The default pipeline's id and its four stages (10, 25, 50, 75 %).
async fn sales(pool: &PgPool) -> (i64, Vec<i64>) {
    let p: i64 = sqlx::query_scalar("SELECT id FROM pipelines WHERE name = 'Sales'")
        .fetch_one(pool)
        .await
        .unwrap();
    let stages = sqlx::query_scalar(
        "SELECT id FROM pipeline_stages WHERE pipeline_id = $1 ORDER BY position",
    )
    .bind(p)
    .fetch_all(pool)
    .await
    .unwrap();
    (p, stages)
}

async fn deal(
    app: &TestApp,
    s: &str,
    name: &str,
    pipeline: i64,
    stage: i64,
    amount: &str,
    probability: &str,
) -> i64 {
    let input = json!({
        "name": name, "company_id": null, "person_id": null, "pipeline_id": pipeline, "stage_id": stage,
        "amount": amount, "expected_close": "2027-03-31", "probability": probability, "status": "open",
        "lost_reason": "", "next_step": "", "description": "", "owner_id": null
    });
    let r = app
        .call(
            "/api/deals/save",
            json!({"id": null, "version": null, "input": input, "confirmed": true}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_i64().unwrap()
}

async fn board(app: &TestApp, s: &str, mine: bool) -> Value {
    let r = app
        .call(
            "/api/kanban/deals",
            json!({"filter": {"pipeline": null, "mine": mine, "owner": null}}),
            Some(s),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

fn col<'a>(b: &'a Value, key: &str) -> &'a Value {
    b["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no column {key} in {b}"))
}

fn names(b: &Value, key: &str) -> Vec<String> {
    col(b, key)["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect()
}

/// Totals as a number triple, to compare with sums made afresh.
fn totals(b: &Value, key: &str) -> (i64, f64, f64) {
    let c = col(b, key);
    let n = |v: &Value| v.as_str().unwrap().parse::<f64>().unwrap();
    (
        c["count"].as_i64().unwrap(),
        n(&c["amount"]),
        n(&c["weighted"]),
    )
}

async fn version(pool: &PgPool, id: i64) -> i32 {
    sqlx::query_scalar("SELECT version FROM deals WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn move_deal(
    app: &TestApp,
    s: &str,
    id: i64,
    v: i32,
    to: Value,
    reason: &str,
) -> (StatusCode, Value) {
    let r = app
        .call(
            "/api/kanban/move_deal",
            json!({"id": id, "version": v, "to": to, "lost_reason": reason}),
            Some(s),
        )
        .await;
    (r.status, r.body)
}

/// `deal_totals` equals the deals summed afresh.
async fn assert_totals_exact(pool: &PgPool) {
    let drift: i64 = sqlx::query_scalar(
        "WITH fresh AS (SELECT stage_id, status, coalesce(owner_id, 0) AS owner_id, count(*) AS deals,
                               coalesce(sum(amount), 0) AS amount,
                               coalesce(sum(amount * probability / 100), 0) AS weighted
                        FROM deals WHERE deleted_at IS NULL GROUP BY 1, 2, 3),
              kept AS (SELECT * FROM deal_totals WHERE deals <> 0)
         SELECT count(*) FROM (
             (SELECT * FROM fresh EXCEPT SELECT * FROM kept)
             UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) d",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(drift, 0, "deal_totals drifted from the deals");
}

#[sqlx::test(migrations = "../migrations")]
async fn column_totals_are_the_servers_over_the_whole_filter(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, a) = app.login_as("a@relais.test", "member").await;
    let (_, b) = app.login_as("b@relais.test", "member").await;
    let (p, st) = sales(&pool).await;
    deal(&app, &a, "Alpha", p, st[0], "1000", "").await;
    deal(&app, &a, "Bravo", p, st[0], "2 000,50", "40").await;
    let charlie = deal(&app, &b, "Charlie", p, st[2], "500", "").await;
    for i in 0..35 {
        deal(&app, &b, &format!("Bulk {i:02}"), p, st[1], "10", "").await;
    }

    let all = board(&app, &a, false).await;
    assert_eq!(all["pipeline"], p);
    let keys: Vec<&str> = all["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    let stage_keys: Vec<String> = st.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        keys[..4],
        stage_keys.iter().map(|s| s.as_str()).collect::<Vec<_>>()[..]
    );
    assert_eq!(keys[4..], ["won", "lost"]);
    // 1000 × 10 % + 2000.50 × 40 %.
    assert_eq!(totals(&all, &st[0].to_string()), (2, 3000.5, 900.2));
    // 35 deals counted and summed, 30 cards sent: the totals are not the page's.
    assert_eq!(totals(&all, &st[1].to_string()), (35, 350.0, 87.5));
    assert_eq!(names(&all, &st[1].to_string()).len(), 30);
    assert_eq!(col(&all, "won")["cards"].as_array().unwrap().len(), 0);
    assert_eq!(col(&all, "won")["drop_only"], true);

    let mine = board(&app, &a, true).await;
    assert_eq!(totals(&mine, &st[0].to_string()), (2, 3000.5, 900.2));
    assert_eq!(totals(&mine, &st[2].to_string()), (0, 0.0, 0.0));

    // Editing the amount, deleting a deal: the totals follow.
    let v = version(&pool, charlie).await;
    let r = app
        .call(
            "/api/deals/delete",
            json!({"id": charlie, "version": v}),
            Some(&b),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let all = board(&app, &a, false).await;
    assert_eq!(totals(&all, &st[2].to_string()), (0, 0.0, 0.0));
    assert_totals_exact(&pool).await;

    // More cards after the last one.
    let last = col(&all, &st[1].to_string())["cards"][29].clone();
    let r = app
        .call(
            "/api/kanban/more_deals",
            json!({"filter": {"pipeline": p, "mine": false, "owner": null}, "column": st[1].to_string(),
                   "pos": last["pos"], "id": last["id"]}),
            Some(&a),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body.as_array().unwrap().len(), 5);
}

#[sqlx::test(migrations = "../migrations")]
async fn deals_move_between_stages_and_close_as_won_or_lost(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let (p, st) = sales(&pool).await;
    let one = deal(&app, &s, "One", p, st[0], "100", "").await;
    let two = deal(&app, &s, "Two", p, st[1], "200", "").await;
    let three = deal(&app, &s, "Three", p, st[1], "300", "").await;
    let hand = deal(&app, &s, "Hand-set", p, st[0], "400", "33").await;

    // Between Two and Three; the probability follows the stage (10 → 25).
    let v = version(&pool, one).await;
    let to = json!({"column": st[1].to_string(), "after": two, "before": three});
    let (status, body) = move_deal(&app, &s, one, v, to, "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let b = board(&app, &s, false).await;
    assert_eq!(names(&b, &st[1].to_string()), ["Two", "One", "Three"]);
    let prob: i32 = sqlx::query_scalar("SELECT probability FROM deals WHERE id = $1")
        .bind(one)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(prob, 25);
    // A probability set by hand stays.
    let v = version(&pool, hand).await;
    let (status, _) = move_deal(
        &app,
        &s,
        hand,
        v,
        json!({"column": st[2].to_string(), "after": null, "before": null}),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let prob: i32 = sqlx::query_scalar("SELECT probability FROM deals WHERE id = $1")
        .bind(hand)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(prob, 33);

    // Won: closed, off the stage column, into the won total.
    let v = version(&pool, two).await;
    let (status, _) = move_deal(
        &app,
        &s,
        two,
        v,
        json!({"column": "won", "after": null, "before": null}),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (st2, closed): (String, bool) =
        sqlx::query_as("SELECT status, closed_at IS NOT NULL FROM deals WHERE id = $1")
            .bind(two)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((st2.as_str(), closed), ("won", true));
    let b = board(&app, &s, false).await;
    assert_eq!(names(&b, &st[1].to_string()), ["One", "Three"]);
    assert_eq!(totals(&b, "won"), (1, 200.0, 50.0));

    // Lost needs a reason: refused per field, nothing changes.
    let v = version(&pool, three).await;
    let lost = json!({"column": "lost", "after": null, "before": null});
    let (status, body) = move_deal(&app, &s, three, v, lost.clone(), "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("lost_reason"), "{body}");
    assert_eq!(version(&pool, three).await, v);
    let (status, _) = move_deal(&app, &s, three, v, lost, "Budget cut").await;
    assert_eq!(status, StatusCode::OK);
    let reason: String = sqlx::query_scalar("SELECT lost_reason FROM deals WHERE id = $1")
        .bind(three)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(reason, "Budget cut");
    // The history shows the status change, not the position.
    let fields: Vec<String> = sqlx::query_scalar(
        "SELECT k FROM record_changes, jsonb_object_keys(changes) k
         WHERE record_type = 'deal' AND record_id = $1 AND action = 'update'",
    )
    .bind(three)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(fields.contains(&"status".to_string()), "{fields:?}");
    assert!(!fields.contains(&"board_pos".to_string()), "{fields:?}");

    // Stale version, and a stage of another pipeline.
    let (status, _) = move_deal(
        &app,
        &s,
        one,
        1,
        json!({"column": st[3].to_string(), "after": null, "before": null}),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let other: i64 = sqlx::query_scalar(
        "WITH p AS (INSERT INTO pipelines (name) VALUES ('Other') RETURNING id)
         INSERT INTO pipeline_stages (pipeline_id, name, position) SELECT id, 'X', 0 FROM p RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let v = version(&pool, one).await;
    let (status, body) = move_deal(
        &app,
        &s,
        one,
        v,
        json!({"column": other.to_string(), "after": null, "before": null}),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_totals_exact(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn opposite_moves_at_once_neither_deadlock_nor_drift(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let (_, s) = app.login_as("a@relais.test", "member").await;
    let (p, st) = sales(&pool).await;
    let mut left = Vec::new();
    let mut right = Vec::new();
    for i in 0..8 {
        left.push(deal(&app, &s, &format!("L{i}"), p, st[0], "100", "").await);
        right.push(deal(&app, &s, &format!("R{i}"), p, st[3], "70", "").await);
    }
    // Each pair crosses: one deal 0 → 3 while another goes 3 → 0.
    let mut handles = Vec::new();
    for (l, r) in left.into_iter().zip(right) {
        for (id, to) in [(l, st[3]), (r, st[0])] {
            let app = app.clone();
            let s = s.clone();
            let v = version(&pool, id).await;
            handles.push(tokio::spawn(async move {
                let to = json!({"column": to.to_string(), "after": null, "before": null});
                move_deal(&app, &s, id, v, to, "").await.0
            }));
        }
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), StatusCode::OK);
    }
    let b = board(&app, &s, false).await;
    assert_eq!(totals(&b, &st[0].to_string()).0, 8);
    assert_eq!(totals(&b, &st[3].to_string()).0, 8);
    assert_totals_exact(&pool).await;
}
