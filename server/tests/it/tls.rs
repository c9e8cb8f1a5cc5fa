//! TLS to PostgreSQL (sqlx with rustls), as a managed database asks for:
//! `scripts/test.sh` serves the test cluster with a self-signed certificate
//! for localhost and 127.0.0.1 and names it in `RELAIS_TEST_PG_CA`.

use sqlx::postgres::PgPoolOptions;

async fn over_tls(url: &str) -> Result<bool, sqlx::Error> {
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await?;
    let ssl: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&pool)
        .await?;
    pool.close().await;
    Ok(ssl)
}

#[tokio::test]
async fn the_server_connects_with_sslmode_require_and_verify_full() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL (scripts/test.sh sets it)");
    let ca = std::env::var("RELAIS_TEST_PG_CA")
        .expect("RELAIS_TEST_PG_CA: scripts/test.sh serves the test cluster over TLS");
    let (base, _) = url.rsplit_once('/').unwrap();
    // `require`: encrypted, the certificate not checked.
    assert!(
        over_tls(&format!("{base}/postgres?sslmode=require"))
            .await
            .unwrap()
    );
    // `verify-full`: encrypted, the certificate checked against the CA
    // given and the host name.
    let localhost = base.replace("127.0.0.1", "localhost");
    let verified = format!("{localhost}/postgres?sslmode=verify-full&sslrootcert={ca}");
    assert!(over_tls(&verified).await.unwrap());
    // The same without that CA: a self-signed certificate is refused.
    let unverified = format!("{localhost}/postgres?sslmode=verify-full");
    assert!(
        over_tls(&unverified).await.is_err(),
        "an unknown CA must be refused"
    );
    // And the server's own pool (migrations included) takes such a URL,
    // on a database made afresh: one left by an earlier run holds the
    // migrations as they were then (an edited one would refuse to start).
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    sqlx::query("DROP DATABASE IF EXISTS relais_tls_test WITH (FORCE)")
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let db = server::ensure_database(&url, "relais_tls_test")
        .await
        .unwrap();
    let pool = server::connect(&format!("{db}?sslmode=require"), 1)
        .await
        .unwrap();
    let ssl: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(ssl);
}
