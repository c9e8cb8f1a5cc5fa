#![recursion_limit = "256"]

//! The Relais server: configuration, database (own cluster or DATABASE_URL),
//! migrations, sessions, and the axum router serving pages, server functions
//! and static files.

pub mod bench;
pub mod bench_guard;
pub mod bench_import;
pub mod config;
pub mod documents;
pub mod embedded_pg;
pub mod export;
pub mod feed;
pub mod gate;
pub mod generate;
pub mod idempotency;
pub mod imports;
pub mod mailer;
pub mod pwa;
pub mod reminders;
pub mod security;
pub mod seed;
pub mod session_store;
pub mod statuses;

use app::documents::storage::{Location, Storage};
use app::ssr::ServerSettings;
use axum::Router;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use session_store::PgSessionStore;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The longest a statement of the application may run: a heavy query
/// cannot hold a connection (and a core of the database) for longer. The
/// few that legitimately take longer — a CSV export of a million rows, the
/// generator — raise it for their own transaction.
pub const STATEMENT_TIMEOUT: &str = "10s";

/// Connects to PostgreSQL and applies the migrations (on a connection of
/// their own, with no time limit: an index built on a big table may take
/// minutes).
pub async fn connect(url: &str, max: u32) -> anyhow::Result<PgPool> {
    // JIT compiles queries whose estimated cost is high — such as counts over
    // a million rows — and takes 100+ ms doing it: more than the query.
    let options = PgConnectOptions::from_str(url)?.options([("jit", "off")]);
    {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect_with(&options).await?;
        sqlx::migrate!("../migrations").run(&mut conn).await?;
        conn.close().await?;
    }
    let pool = PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.options([("statement_timeout", STATEMENT_TIMEOUT)]))
        .await?;
    Ok(pool)
}

/// Creates database `name` on the server of `url` if it does not exist, and
/// returns the URL of that database.
pub async fn ensure_database(url: &str, name: &str) -> anyhow::Result<String> {
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&pool)
            .await?;
    if !exists {
        anyhow::ensure!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "bad database name"
        );
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&pool)
            .await?;
    }
    pool.close().await;
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(url);
    Ok(format!("{base}/{name}"))
}

pub fn leptos_options(site_root: &str, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("relais")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        // Release builds name the wasm, JS and CSS after their content and
        // leave `hash.txt` next to the binary (see `app::ssr::assets`);
        // leptos insists on reading it once told to, so only then.
        .hash_files(has_hash_file())
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .build()
}

/// Whether cargo-leptos left `hash.txt` next to this binary.
fn has_hash_file() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("hash.txt").is_file()))
        .unwrap_or(false)
}

#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub settings: ServerSettings,
    /// Where documents' files are kept (`app::documents::storage`).
    pub files: Storage,
}

/// The whole application as an axum router, documents' files kept in
/// memory with the default limit: for tests and the benchmark, which
/// store none. The server runs [`router_with_files`].
pub fn router(options: LeptosOptions, pool: PgPool, settings: ServerSettings) -> Router {
    let files = Storage::new(
        &Location::Memory,
        app::documents::DEFAULT_LIMIT_MB * 1024 * 1024,
    )
    .expect("an in-memory store");
    router_with_files(options, pool, settings, files)
}

/// The whole application as an axum router, documents' files in `files`.
pub fn router_with_files(
    options: LeptosOptions,
    pool: PgPool,
    settings: ServerSettings,
    files: Storage,
) -> Router {
    let routes = generate_route_list(app::App);
    let state = AppState {
        leptos_options: options.clone(),
        pool: pool.clone(),
        settings: settings.clone(),
        files,
    };
    let sessions = SessionManagerLayer::new(PgSessionStore::new(pool.clone()))
        .with_name("relais_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            app::auth::SESSION_INACTIVITY_DAYS,
        )));
    let origins = security::requests::Origins::new(&settings.public_url, settings.secure_cookies);
    let policy = security::headers::Policy {
        https: settings.secure_cookies,
    };
    let context = {
        let pool = pool.clone();
        move || {
            provide_context(pool.clone());
            provide_context(settings.clone());
            // The nonce of this response's Content-Security-Policy
            // (`security::headers`), for the scripts the page carries.
            if let Some(nonce) = use_context::<axum::http::request::Parts>()
                .and_then(|p| p.extensions.get::<leptos::nonce::Nonce>().cloned())
            {
                provide_context(nonce);
            }
        }
    };
    Router::new()
        .route("/healthz", get(health))
        .route("/export/audit.csv", get(export::audit_csv))
        .route("/export/reports/{file}", get(export::report_csv))
        .route("/export/persons/{file}", get(export::gdpr_json))
        .route("/export/{file}", get(export::export_csv))
        .route(
            "/import/upload",
            axum::routing::post(imports::upload).layer(axum::extract::DefaultBodyLimit::max(
                app::import::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route("/import/{id}/refused.csv", get(imports::refused_csv))
        // Files are streamed with their own limit (`RELAIS_UPLOAD_LIMIT_MB`),
        // never buffered: axum's default body limit does not apply.
        .route("/files/upload", axum::routing::post(documents::upload))
        .route(
            "/files/{id}/replace",
            axum::routing::post(documents::replace),
        )
        .route("/files/{id}/{n}", get(documents::download))
        .route("/feed/{file}", get(feed::calendar_feed))
        .route("/sw.js", get(pwa::service_worker))
        // The settings have no page of their own: an address typed without
        // a tab opens the first one.
        .route(
            "/settings",
            get(|| async { axum::response::Redirect::temporary("/settings/profile") }),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::shell))
        .layer(axum::middleware::from_fn(statuses::error_statuses))
        .layer(axum::middleware::from_fn_with_state(
            pool.clone(),
            idempotency::idempotent,
        ))
        .layer(axum::middleware::from_fn_with_state(
            options.clone(),
            pwa::immutable_assets,
        ))
        .layer(axum::middleware::from_fn_with_state(
            pool,
            gate::require_login,
        ))
        .layer(axum::middleware::from_fn_with_state(
            origins,
            security::requests::check,
        ))
        .layer(sessions)
        // Quality 4 for every encoding: brotli's default is 11, its
        // maximum, meant for files compressed once. Browsers ask for brotli
        // first, and at 11 a 68 KB calendar month took longer to compress
        // than to read from the database.
        .layer(axum::middleware::from_fn_with_state(
            policy,
            security::headers::add,
        ))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers within two seconds, 503
/// otherwise (a load balancer stops sending users here meanwhile).
async fn health(
    axum::extract::State(pool): axum::extract::State<PgPool>,
) -> (axum::http::StatusCode, &'static str) {
    let ping = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query("SELECT 1").execute(&pool),
    );
    match ping.await {
        Ok(Ok(_)) => (axum::http::StatusCode::OK, "ok"),
        _ => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable",
        ),
    }
}

/// Finds the probable duplicates again of each kind whose records changed
/// (`app::records::duplicates`), every ten minutes.
pub fn spawn_duplicate_scan(pool: PgPool) {
    use app::records::duplicates::ssr as duplicates;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(duplicates::EVERY);
        loop {
            tick.tick().await;
            if let Err(e) = duplicates::refresh_changed(&pool).await {
                tracing::warn!(error = ?e, "could not look for duplicates");
            }
        }
    });
}

/// Serves `app` on `listener` until `signal` resolves, then lets the
/// requests under way finish for at most `grace`. Past it the server stops
/// anyway: a connection that never finishes (a client gone without closing
/// it, an answer that is never read to its end) would otherwise hold a
/// deploy's stop until the service manager kills the process.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (signalled, on_signal) = tokio::sync::oneshot::channel::<()>();
    let serve = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        signal.await;
        tracing::info!(
            ?grace,
            "stopping: no new connections, open ones get the grace period"
        );
        let _ = signalled.send(());
    });
    let deadline = async move {
        if on_signal.await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = serve.into_future() => served,
        () = deadline => {
            tracing::warn!(?grace, "connections still open after the grace period: stopped without them");
            Ok(())
        }
    }
}

/// Deletes expired sessions, month-old idempotency keys, day-old login
/// attempts and mail past its keeping time, every hour.
pub fn spawn_session_cleanup(pool: PgPool) {
    tokio::spawn(async move {
        let store = PgSessionStore::new(pool.clone());
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
            if let Err(e) = idempotency::purge(&pool).await {
                tracing::warn!(error = %e, "could not purge old idempotency keys");
            }
            if let Err(e) = app::ssr::throttle::purge(&pool).await {
                tracing::warn!(error = %e, "could not purge old login attempts");
            }
            if let Err(e) = mailer::purge(&pool).await {
                tracing::warn!(error = %e, "could not purge old mail");
            }
        }
    });
}
