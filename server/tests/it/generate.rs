//! The benchmark data generator, on a tiny data set.

use server::config::GenerateArgs;
use sqlx::PgPool;

fn tiny(append: bool) -> GenerateArgs {
    GenerateArgs {
        persons: 200,
        companies: 20,
        deals: 40,
        interactions: None,
        seed: 42,
        append,
    }
}

async fn count(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Indexes, foreign keys and enabled triggers of the filled tables (the
/// generator drops the first two and disables `interactions_times`).
async fn schema(pool: &PgPool) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM pg_index WHERE indrelid = ANY ($1::regclass[])),
                (SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY ($1::regclass[])),
                (SELECT count(*) FROM pg_trigger WHERE tgrelid = ANY ($1::regclass[]) AND tgenabled = 'O')",
    )
    .bind(&["companies", "persons", "person_companies", "deals", "notes", "note_links", "record_tags", "record_changes",
            "interactions", "interaction_links", "interaction_attendees"][..])
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
    // Every tenth person enrolled, in the catalogue the generator made.
    assert_eq!(count(&pool, "SELECT count(*) FROM programmes").await, 8);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM enrolments").await,
        count(
            &pool,
            "SELECT count(*) FROM persons WHERE deleted_at IS NULL AND id % 10 = 3"
        )
        .await
    );
    assert!(count(&pool, "SELECT count(DISTINCT status) FROM enrolments").await >= 3);
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

/// 5 interactions per person by default: kinds, statuses, times, links,
/// roll-ups, attendees and reminders as the application would write them.
#[sqlx::test(migrations = "../migrations")]
async fn generates_interactions(pool: PgPool) {
    let before = schema(&pool).await;
    server::generate::run(&pool, &tiny(false)).await.unwrap();
    assert_eq!(schema(&pool).await, before);

    assert_eq!(
        count(&pool, "SELECT count(*) FROM interactions").await,
        1000
    );
    let kinds: Vec<(String, i64)> =
        sqlx::query_as("SELECT kind, count(*) FROM interactions GROUP BY kind ORDER BY kind")
            .fetch_all(&pool)
            .await
            .unwrap();
    let share = |k: &str| kinds.iter().find(|(n, _)| n == k).map_or(0, |(_, c)| *c);
    assert!((330..470).contains(&share("call")), "{kinds:?}");
    assert!((190..310).contains(&share("meeting")), "{kinds:?}");
    assert!((240..360).contains(&share("task")), "{kinds:?}");
    assert!((20..90).contains(&share("email")), "{kinds:?}");
    // Past ones are mostly held or done, future ones planned; emails are past
    // (the generator splits past and future by day: today may hold either).
    assert!(
        count(&pool, "SELECT count(*) FILTER (WHERE status IN ('held', 'done')) * 100 / count(*) FROM interactions WHERE starts_at < now()").await
            > 75
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interactions WHERE starts_at > now() + interval '1 day' AND (status = 'held' OR kind = 'email')").await,
        0
    );
    assert!(count(&pool, "SELECT count(*) FROM interactions WHERE starts_at > now() AND status IN ('planned', 'not_started')").await > 10);
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM interactions WHERE status = 'done' AND completed_at <= now()"
        )
        .await
            > 100
    );
    // About three years around today, on working days at office hours in Paris.
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interactions
                      WHERE starts_at < now() - interval '34 months' OR starts_at > now() + interval '4 months'
                         OR extract(isodow FROM starts_at AT TIME ZONE 'Europe/Paris') > 5
                         OR (NOT all_day AND (starts_at AT TIME ZONE 'Europe/Paris')::time NOT BETWEEN '07:30' AND '20:30')
                         OR (kind IN ('task', 'email') AND NOT all_day AND ends_at <> starts_at)
                         OR (kind IN ('call', 'meeting') AND NOT all_day
                             AND ends_at - starts_at NOT BETWEEN interval '15 minutes' AND interval '90 minutes')").await,
        0
    );
    // Owners: the busy user (sales01) has the most.
    assert_eq!(
        count(
            &pool,
            "SELECT owner_id FROM interactions GROUP BY owner_id ORDER BY count(*) DESC LIMIT 1"
        )
        .await,
        count(
            &pool,
            "SELECT id FROM users WHERE email = 'sales01@relais.example'"
        )
        .await
    );
    assert!(count(&pool, "SELECT count(*) FROM interactions WHERE private").await > 10);
    // The Activity report's day counts, rebuilt after the bulk rows, agree
    // with the interactions counted afresh.
    assert_eq!(
        count(&pool, "SELECT count(*) FROM (
                          (SELECT day, owner_id, kind, status, interactions, minutes FROM activity_days
                           WHERE interactions > 0
                           EXCEPT
                           SELECT (starts_at AT TIME ZONE relais_org_zone())::date, coalesce(owner_id, 0), kind, status,
                                  count(*), sum(relais_activity_minutes(starts_at, ends_at, all_day))
                           FROM interactions WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4)
                          UNION ALL
                          (SELECT (starts_at AT TIME ZONE relais_org_zone())::date, coalesce(owner_id, 0), kind, status,
                                  count(*), sum(relais_activity_minutes(starts_at, ends_at, all_day))
                           FROM interactions WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4
                           EXCEPT
                           SELECT day, owner_id, kind, status, interactions, minutes FROM activity_days)) d").await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT sum(interactions)::bigint FROM activity_days").await,
        count(
            &pool,
            "SELECT count(*) FROM interactions WHERE deleted_at IS NULL"
        )
        .await
    );

    // One main link each, to a live record that exists; a deal's person too.
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interactions i
                      WHERE (SELECT count(*) FROM interaction_links l WHERE l.interaction_id = i.id AND l.main) <> 1").await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interaction_links l
                      WHERE NOT CASE l.record_type
                          WHEN 'person' THEN EXISTS (SELECT 1 FROM persons r WHERE r.id = l.record_id)
                          WHEN 'company' THEN EXISTS (SELECT 1 FROM companies r WHERE r.id = l.record_id)
                          ELSE EXISTS (SELECT 1 FROM deals r WHERE r.id = l.record_id) END
                         OR l.at <> (SELECT starts_at FROM interactions i WHERE i.id = l.interaction_id)").await,
        0
    );
    let mains: Vec<(String, i64)> = sqlx::query_as(
        "SELECT record_type::text, count(*) FROM interaction_links WHERE main GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(mains.len(), 3, "{mains:?}");
    assert!(
        mains.iter().any(|(t, c)| t == "person" && *c > 600),
        "{mains:?}"
    );
    assert!(count(&pool, "SELECT count(*) FROM interaction_links WHERE NOT main AND via IS NULL AND record_type = 'person'").await > 0);
    // The roll-up to companies, as the application writes it.
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM interaction_links WHERE via = 'person'"
        )
        .await
            > 100
    );
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM interaction_links WHERE via = 'deal'"
        )
        .await
            > 10
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interaction_links l
                      WHERE l.via = 'person' AND (l.record_type <> 'company' OR NOT EXISTS (
                          SELECT 1 FROM interaction_links p JOIN person_companies pc ON pc.person_id = p.record_id
                          WHERE p.interaction_id = l.interaction_id AND p.record_type = 'person'
                            AND pc.company_id = l.record_id AND (pc.end_date IS NULL OR pc.end_date >= current_date)))").await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interaction_links p
                      JOIN person_companies pc ON pc.person_id = p.record_id AND (pc.end_date IS NULL OR pc.end_date >= current_date)
                      WHERE p.record_type = 'person' AND NOT EXISTS (
                          SELECT 1 FROM interaction_links l WHERE l.interaction_id = p.interaction_id
                            AND l.record_type = 'company' AND l.record_id = pc.company_id)").await,
        0,
        "every current employer of a linked person has the roll-up"
    );
    // Attendees: colleagues and the person met, with the start copied.
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM interaction_attendees WHERE user_id IS NOT NULL"
        )
        .await
            > 10
    );
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM interaction_attendees WHERE person_id IS NOT NULL"
        )
        .await
            > 50
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interaction_attendees a JOIN interactions i ON i.id = a.interaction_id
                      WHERE a.starts_at <> i.starts_at OR i.kind <> 'meeting' OR a.user_id = i.owner_id").await,
        0
    );
    // remind_at as the trigger computes it; those already due count as sent.
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM interactions WHERE remind_at > now()"
        )
        .await
            > 5
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interactions
                      WHERE remind_at IS DISTINCT FROM CASE WHEN reminder_minutes IS NULL OR status IN ('done', 'held', 'cancelled')
                                                            THEN NULL ELSE starts_at - make_interval(mins => reminder_minutes) END
                         OR reminded_at IS DISTINCT FROM CASE WHEN remind_at < now() THEN remind_at END").await,
        0
    );
    // The trigger works again afterwards, and the id sequence moved on.
    let (id, remind): (i64, Option<chrono::DateTime<chrono::Utc>>) = sqlx::query_as(
        "INSERT INTO interactions (kind, subject, status, starts_at, ends_at, reminder_minutes)
         VALUES ('call', 'Après le générateur', 'planned', now() + interval '1 day', now() + interval '1 day', 15)
         RETURNING id, remind_at",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(id, 1001);
    assert!(remind.is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn adds_interactions_to_an_existing_data_set(pool: PgPool) {
    server::generate::run(&pool, &tiny(false)).await.unwrap();
    let only = GenerateArgs {
        persons: 0,
        companies: 0,
        deals: 0,
        interactions: Some(300),
        ..tiny(true)
    };
    server::generate::run(&pool, &only).await.unwrap();
    assert_eq!(count(&pool, "SELECT count(*) FROM persons").await, 200);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interactions").await,
        1300
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM interaction_links WHERE main").await,
        1300
    );
    let half = GenerateArgs {
        persons: 0,
        ..tiny(true)
    };
    let refused = server::generate::run(&pool, &half).await.unwrap_err();
    assert!(refused.to_string().contains("all three"), "{refused}");
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
