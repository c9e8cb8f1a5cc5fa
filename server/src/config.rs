//! Server settings, from the command line or the environment.

use app::documents::storage::{Location, S3Config};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "server", version, about = "Relais CRM server")]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Without a command, Relais serves the application.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create an admin account (or reset an existing account to admin with a
    /// new password). The password is read from RELAIS_ADMIN_PASSWORD or,
    /// if unset, from the first line of standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Fill the database with generated companies, persons, deals, tags,
    /// notes, history and interactions, for benchmarks (the same seed gives
    /// the same data).
    /// Refuses a database holding more than the demo data unless --append.
    Generate(GenerateArgs),
    /// Measure the server-side latency of lists, search and a record page on
    /// a generated database, beside the same SQL run directly; prints a
    /// Markdown table.
    Bench(BenchArgs),
    /// Import a generated CSV file of persons with their companies, as an
    /// upload is imported, beside a plain COPY of the same file; prints the
    /// times and rows per second.
    BenchImport(BenchImportArgs),
}

#[derive(Args, Debug, Clone)]
pub struct BenchImportArgs {
    /// Rows (persons) in the file.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub rows: u64,
    /// Distinct companies the rows name (default: one for ten rows).
    #[arg(long)]
    pub companies: Option<u64>,
}

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Timed runs of each scenario.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    pub iterations: u32,
    /// Untimed runs of each scenario first.
    #[arg(long, default_value_t = 20)]
    pub warmup: u32,
    /// The company whose record page is timed (default: the one with the
    /// longest history).
    #[arg(long)]
    pub company: Option<i64>,
    /// Only the scenarios whose name contains this text (repeatable).
    #[arg(long)]
    pub only: Vec<String>,
    /// Fail when a scenario's app p50 is more than `--slower` times the
    /// one in this file, or when the file and the bench name different
    /// scenarios (the CI regression guard; see `bench_guard`).
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// How many times slower than its baseline a scenario may be.
    #[arg(long, default_value_t = 10.0)]
    pub slower: f64,
    /// Write each scenario's app p50 to this file, as a baseline.
    #[arg(long)]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct GenerateArgs {
    /// Persons to add (1 % of them near-duplicates of others).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(i64).range(0..))]
    pub persons: i64,
    /// Companies to add (at least one when adding persons or deals).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(i64).range(0..))]
    pub companies: i64,
    /// Deals to add, over the active pipeline stages.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(i64).range(0..))]
    pub deals: i64,
    /// Interactions to add, on the live persons, companies and deals of the
    /// database (default: 5 per person added). With `--persons 0
    /// --companies 0 --deals 0 --append`, adds only interactions.
    #[arg(long, value_parser = clap::value_parser!(i64).range(0..))]
    pub interactions: Option<i64>,
    /// Picks every value; the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: i64,
    /// Add to a database that already holds data.
    #[arg(long)]
    pub append: bool,
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// PostgreSQL URL. Without it, Relais runs a private cluster in DATA_DIR.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Where the private cluster (and other local state) lives.
    #[arg(
        long,
        env = "RELAIS_DATA_DIR",
        default_value = ".relais",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Port of the private cluster (loopback only).
    #[arg(long, env = "RELAIS_PG_PORT", default_value_t = 54329, global = true)]
    pub pg_port: u16,
    /// Largest number of database connections of this instance.
    #[arg(long, env = "RELAIS_DB_POOL", default_value_t = 16, global = true)]
    pub pool_size: u32,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Folder of the built front end (wasm, JS, CSS, icons).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Public base URL, used in links sent by mail (default: http://ADDR).
    #[arg(long, env = "RELAIS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Mark cookies `Secure` (serve over HTTPS).
    #[arg(long, env = "RELAIS_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// Behind proxies of yours: `true` (one) or their number. The client's
    /// address is then read from X-Forwarded-For, that many hops from the
    /// right (hops further left are written by the client, never trusted).
    #[arg(long, env = "RELAIS_TRUST_PROXY", default_value = "false")]
    pub trust_proxy: TrustProxy,
    /// SMTP server mail leaves by: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465`. Without it, mail stays in
    /// the outbox table and the log.
    #[arg(long, env = "RELAIS_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Who mail comes from, e.g. `Relais <relais@example.org>`.
    #[arg(long, env = "RELAIS_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Do not create the demo organisation on an empty database.
    #[arg(long, env = "RELAIS_NO_DEMO", default_value_t = false)]
    pub no_demo: bool,
    /// Password of the demo accounts (default: a random one, printed).
    #[arg(long, env = "RELAIS_DEMO_PASSWORD")]
    pub demo_password: Option<String>,
    /// Documents' files go to this S3 bucket (any S3-compatible store)
    /// instead of DATA_DIR/files; needed when several instances serve.
    #[arg(long, env = "RELAIS_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// The store's URL when it is not AWS (`https://s3.example.org`; an
    /// `http://` one is allowed, for a store on a private network).
    #[arg(long, env = "RELAIS_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// The bucket's region.
    #[arg(long, env = "RELAIS_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// The store's access key (default: AWS_ACCESS_KEY_ID, or the
    /// instance's role).
    #[arg(long, env = "RELAIS_S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    /// The store's secret key (default: AWS_SECRET_ACCESS_KEY…).
    #[arg(long, env = "RELAIS_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// The largest document file taken, in MB.
    #[arg(long, env = "RELAIS_UPLOAD_LIMIT_MB", default_value_t = app::documents::DEFAULT_LIMIT_MB,
          value_parser = clap::value_parser!(u64).range(1..=10_240))]
    pub upload_limit_mb: u64,
    /// Seconds the requests under way get to finish once the server is
    /// asked to stop (SIGTERM, Ctrl-C); past them it stops anyway.
    #[arg(long, env = "RELAIS_SHUTDOWN_GRACE_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub shutdown_grace_secs: u64,
    /// Seconds between two runs of the reminder dispatcher.
    #[arg(long, env = "RELAIS_REMINDER_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub reminder_secs: u64,
}

/// `RELAIS_TRUST_PROXY`: `false` / `0`, `true` (one proxy) or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustProxy(pub u8);

impl std::str::FromStr for TrustProxy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "false" | "no" | "off" | "" => Ok(TrustProxy(0)),
            "true" | "yes" | "on" => Ok(TrustProxy(1)),
            n => n
                .parse::<u8>()
                .map(TrustProxy)
                .map_err(|_| format!("{s:?}: expected true, false or a number of proxies")),
        }
    }
}

impl ServeArgs {
    /// Where documents' files are kept: the S3 bucket if one is named,
    /// else `files/` in the data directory.
    pub fn file_location(&self, data_dir: &std::path::Path) -> Location {
        match &self.s3_bucket {
            Some(bucket) => Location::S3(S3Config {
                bucket: bucket.clone(),
                endpoint: self.s3_endpoint.clone(),
                region: self.s3_region.clone(),
                access_key_id: self.s3_access_key_id.clone(),
                secret_access_key: self.s3_secret_access_key.clone(),
            }),
            None => Location::Local(data_dir.join("files")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TrustProxy;

    #[test]
    fn trust_proxy_takes_a_flag_or_a_count() {
        assert_eq!("false".parse(), Ok(TrustProxy(0)));
        assert_eq!("true".parse(), Ok(TrustProxy(1)));
        assert_eq!("2".parse(), Ok(TrustProxy(2)));
        assert!("many".parse::<TrustProxy>().is_err());
    }
}
