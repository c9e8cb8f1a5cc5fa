//! The benchmark data generator, on a tiny data set.

use server::config::GenerateArgs;
use sqlx::PgPool;

fn tiny(append: bool) -> GenerateArgs {
    GenerateArgs {
        persons: 200,
        companies: 20,
        deals: 40,
        seed: 42,
        append,
    }
}

async fn count(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Indexes, foreign keys and enabled triggers of the filled tables.
async fn schema(pool: &PgPool) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM pg_index WHERE indrelid = ANY ($1::regclass[])),
                (SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY ($1::regclass[])),
                (SELECT count(*) FROM pg_trigger WHERE tgrelid = ANY ($1::regclass[]) AND tgenabled = 'O')",
    )
    .bind(&["companies", "persons", "person_companies", "deals", "notes", "note_links", "record_tags", "record_changes"][..])
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn generates_consistent_realistic_data(pool: PgPool) {
    let before = schema(&pool).await;
    server::generate::run(&pool, &tiny(false)).await.unwrap();
    assert_eq!(
        schema(&pool).await,
        before,
        "indexes, keys and triggers are back"
    );

    assert_eq!(count(&pool, "SELECT count(*) FROM companies").await, 20);
    assert_eq!(count(&pool, "SELECT count(*) FROM persons").await, 200);
    assert_eq!(count(&pool, "SELECT count(*) FROM deals").await, 40);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM users WHERE email LIKE 'sales__@relais.example'"
        )
        .await,
        20
    );
    assert!(count(&pool, "SELECT count(*) FROM deals WHERE status = 'lost'").await > 0);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM deals WHERE status = 'lost' AND lost_reason IS NULL"
        )
        .await,
        0
    );
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM persons WHERE first_name || last_name ~ '[À-ÿ]'"
        )
        .await
            > 10,
        "accented names"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM persons WHERE email ~ '[^a-z0-9._@-]'"
        )
        .await,
        0,
        "emails are folded to ASCII"
    );
    assert!(count(&pool, "SELECT count(*) FROM person_companies").await > 100);
    assert!(count(&pool, "SELECT count(*) FROM record_tags").await > 0);
    // The first companies have a long timeline; versions count their updates.
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM note_links WHERE record_type = 'company' AND record_id = 1"
        )
        .await
            >= 200
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM record_changes WHERE record_type = 'company' AND record_id = 1 AND action = 'update'").await,
        200
    );
    assert_eq!(
        count(&pool, "SELECT version::bigint FROM companies WHERE id = 1").await,
        201
    );
    // Bulk mode wrote no history of its own: one 'create' per record with history only.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM record_changes WHERE action = 'create' AND user_id IS NULL"
        )
        .await,
        0
    );
    // The sequences moved past the explicit ids.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO companies (name) VALUES ('Après le générateur') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(id, 21);
}

#[sqlx::test(migrations = "../migrations")]
async fn refuses_a_filled_database_unless_appending(pool: PgPool) {
    server::generate::run(&pool, &tiny(false)).await.unwrap();
    let refused = server::generate::run(&pool, &tiny(false)).await;
    assert!(refused.unwrap_err().to_string().contains("--append"));
    server::generate::run(&pool, &tiny(true)).await.unwrap();
    assert_eq!(count(&pool, "SELECT count(*) FROM persons").await, 400);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM users WHERE email LIKE 'sales__@relais.example'"
        )
        .await,
        20
    );
}
