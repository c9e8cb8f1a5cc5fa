#![recursion_limit = "256"]

use clap::Parser;
use server::config::{Cli, Command};
use server::embedded_pg::EmbeddedPg;
use std::io::BufRead;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    allocator_settings();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let cli = Cli::parse();

    // The database: the one named, or a private cluster of our own.
    let (url, cluster) = match &cli.db.database_url {
        Some(url) => (url.clone(), None),
        None => {
            // The default folder may be moved out of a root-only checkout;
            // one the person chose is used as it is, or refused plainly.
            let chosen = cli.db.data_dir != std::path::Path::new(".relais");
            let pg = EmbeddedPg::new(&cli.db.data_dir, cli.db.pg_port, chosen)?;
            let admin_url = tokio::task::block_in_place(|| pg.start())?;
            (
                server::ensure_database(&admin_url, "relais").await?,
                Some(pg),
            )
        }
    };
    let result = run(cli, &url).await;
    if let Some(pg) = cluster {
        tokio::task::block_in_place(|| pg.stop());
    }
    result
}

async fn run(cli: Cli, url: &str) -> anyhow::Result<()> {
    let pool = server::connect(url, cli.db.pool_size).await?;
    match cli.command {
        Some(Command::Migrate) => {
            println!("migrations applied");
            Ok(())
        }
        Some(Command::CreateAdmin { email, name }) => {
            let password = match std::env::var("RELAIS_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("password for {email}:");
                    std::io::stdin()
                        .lock()
                        .lines()
                        .next()
                        .transpose()?
                        .unwrap_or_default()
                }
            };
            if password.chars().count() < app::auth::MIN_PASSWORD {
                anyhow::bail!(
                    "the password must have at least {} characters",
                    app::auth::MIN_PASSWORD
                );
            }
            let hash = app::ssr::passwords::hash_blocking(&password)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            sqlx::query(
                "INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, 'admin')
                 ON CONFLICT (lower(email)) DO UPDATE SET name = excluded.name,
                     password_hash = excluded.password_hash, role = 'admin', active = true, updated_at = now()",
            )
            .bind(email.trim())
            .bind(name.trim())
            .bind(hash)
            .execute(&pool)
            .await?;
            println!("admin account ready: {email}");
            Ok(())
        }
        Some(Command::Generate(args)) => {
            // The demo organisation first, as a first start would make it,
            // so that its accounts can log in to the generated data.
            if !cli.serve.no_demo {
                print_demo_login(
                    server::seed::seed_if_empty(&pool, cli.serve.demo_password.clone()).await?,
                );
            }
            server::generate::run(&pool, &args).await
        }
        Some(Command::Bench(args)) => server::bench::run(&pool, &args).await,
        Some(Command::BenchImport(args)) => {
            // The import runs as the demo organisation's admin.
            if !cli.serve.no_demo {
                print_demo_login(
                    server::seed::seed_if_empty(&pool, cli.serve.demo_password.clone()).await?,
                );
            }
            server::bench_import::run(&pool, &args).await
        }
        None => serve(cli, pool).await,
    }
}

fn print_demo_login(login: Option<server::seed::DemoLogin>) {
    if let Some(login) = login {
        println!();
        println!("  Demo organisation created. Log in as the admin:");
        println!("    email:    {}", login.email);
        println!("    password: {}", login.password);
        println!(
            "  (manager@relais.example, member@relais.example and sales@relais.example share it)"
        );
        println!();
    }
}

async fn serve(cli: Cli, pool: sqlx::PgPool) -> anyhow::Result<()> {
    let args = cli.serve;
    if !args.no_demo {
        print_demo_login(server::seed::seed_if_empty(&pool, args.demo_password.clone()).await?);
    }
    server::spawn_session_cleanup(pool.clone());
    server::spawn_duplicate_scan(pool.clone());
    server::imports::spawn(pool.clone(), std::time::Duration::from_secs(5));
    match (&args.smtp_url, &args.mail_from) {
        (Some(url), Some(from)) => {
            let mailer = server::mailer::Mailer::new(url, from)?;
            server::mailer::spawn(pool.clone(), mailer, std::time::Duration::from_secs(30));
            tracing::info!("mail is sent by SMTP from {from}");
        }
        (Some(_), None) => anyhow::bail!("RELAIS_SMTP_URL is set: set RELAIS_MAIL_FROM too"),
        _ => tracing::info!("no RELAIS_SMTP_URL: mail stays in the outbox table and the log"),
    }
    let settings = app::ssr::ServerSettings {
        public_url: args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.addr)),
        secure_cookies: args.secure_cookies,
        trusted_proxies: args.trust_proxy.0,
        mail_configured: args.smtp_url.is_some(),
    };
    server::reminders::spawn_reminders(
        pool.clone(),
        std::time::Duration::from_secs(args.reminder_secs),
        settings.public_url.clone(),
    );
    let options = server::leptos_options(&args.site_root, args.addr);
    let files = app::documents::storage::Storage::new(
        &args.file_location(&cli.db.data_dir),
        args.upload_limit_mb * 1024 * 1024,
    )?;
    tracing::info!(
        limit_mb = args.upload_limit_mb,
        "documents' files: {files:?}"
    );
    let app = server::router_with_files(options, pool.clone(), settings, files);
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!("Relais listening on http://{}", args.addr);
    println!("Relais is running on http://{}", args.addr);
    server::serve_until(
        listener,
        app,
        shutdown_signal(),
        std::time::Duration::from_secs(args.shutdown_grace_secs),
    )
    .await?;
    pool.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// Two settings of glibc's allocator, for the two kinds of large block the
/// server takes:
/// - A password hash or check takes a 19 MiB block. Once such a block is
///   freed, glibc raises its threshold and serves the next ones from
///   per-thread arenas that keep their memory: 200 parallel wrong logins
///   left the server at 526 MB, though only two hashes ever ran at once.
///   A fixed threshold makes every block of 16 MiB or more its own
///   mapping, given back to the system when freed.
/// - Every compressed answer takes its compressor's workspace (4.7 MiB for
///   zstd at the level the server uses). Under the first setting's old 4
///   MiB threshold that was a mapping of its own, made and dropped for each
///   answer, its pages zero-filled by the kernel one fault at a time (750
///   faults an answer). Below 16 MiB it comes from an arena, which keeps
///   up to 16 MiB free at its top (`M_TRIM_THRESHOLD`; a fixed mmap
///   threshold leaves it at 128 KiB) for the next answer.
fn allocator_settings() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` changes a setting of the C allocator and is safe to
    // call at any time; this runs first thing, before any large block.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 16 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 16 << 20);
    }
}
