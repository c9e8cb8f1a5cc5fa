//! A private PostgreSQL cluster for running Relais with no `DATABASE_URL`:
//! created in a data directory of its own on first start (initdb), started
//! with the server and stopped with it. PostgreSQL refuses to run as root,
//! so when the server runs as root the cluster runs as the `postgres` user.

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error(
        "no PostgreSQL server binaries found (looked in $RELAIS_PG_BIN and /usr/lib/postgresql/*/bin); install PostgreSQL or set DATABASE_URL"
    )]
    NoBinaries,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("`{cmd}` failed: {output}")]
    Command { cmd: String, output: String },
    #[error(
        "the postgres user cannot reach {0} (a folder under /root?): set RELAIS_DATA_DIR to a folder it can reach, such as /var/lib/relais"
    )]
    Unreachable(String),
}

/// Where the private cluster goes when the server runs as root and the
/// default folder (under a checkout the `postgres` user cannot enter, such
/// as one in /root) is out of its reach.
pub const ROOT_FALLBACK: &str = "/var/lib/relais";

pub struct EmbeddedPg {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    port: u16,
    run_as: Option<&'static str>,
    /// Whether this process started the cluster (and so must stop it).
    started: std::sync::atomic::AtomicBool,
}

impl EmbeddedPg {
    /// Finds the server binaries, newest major version first.
    fn find_bin_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("RELAIS_PG_BIN") {
            return Some(PathBuf::from(dir));
        }
        let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let major = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").exists().then_some((major, bin))
            })
            .collect();
        dirs.sort();
        dirs.pop().map(|(_, d)| d)
    }

    /// The cluster in `data_dir`. As root, the cluster runs as `postgres`,
    /// which must be able to reach the folder: if it cannot and the folder
    /// is the default one (`chosen` false), [`ROOT_FALLBACK`] is used
    /// instead; a folder chosen by the person stops with a one-line fix.
    pub fn new(data_dir: &Path, port: u16, chosen: bool) -> Result<Self, PgError> {
        let bin_dir = Self::find_bin_dir().ok_or(PgError::NoBinaries)?;
        let run_as = is_root().then_some("postgres");
        std::fs::create_dir_all(data_dir)?;
        let mut data_dir = std::fs::canonicalize(data_dir)?;
        if let Some(user) = run_as
            && !reachable_by(user, &data_dir)
        {
            if chosen {
                return Err(PgError::Unreachable(data_dir.display().to_string()));
            }
            let fallback = PathBuf::from(ROOT_FALLBACK);
            std::fs::create_dir_all(&fallback)?;
            eprintln!(
                "note: the postgres user cannot reach {}; the database lives in {ROOT_FALLBACK} (set RELAIS_DATA_DIR to choose)",
                data_dir.display()
            );
            data_dir = fallback;
        }
        Ok(Self {
            bin_dir,
            data_dir,
            port,
            run_as,
            started: Default::default(),
        })
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<String, PgError> {
        let exe = self.bin_dir.join(program);
        let mut cmd = match self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        cmd.args(args).current_dir(&self.data_dir);
        let out = cmd.output()?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.success() {
            Ok(text)
        } else {
            Err(PgError::Command {
                cmd: format!("{program} {}", args.join(" ")),
                output: text,
            })
        }
    }

    fn cluster_dir(&self) -> PathBuf {
        self.data_dir.join("pgdata")
    }

    fn password_file(&self) -> PathBuf {
        self.data_dir.join("pg-password")
    }

    /// Creates the cluster if needed, starts it, and returns its URL.
    pub fn start(&self) -> Result<String, PgError> {
        let cluster = self.cluster_dir();
        let cluster_s = cluster.to_string_lossy().to_string();
        if !cluster.join("PG_VERSION").exists() {
            let password = hex_secret();
            std::fs::write(self.password_file(), &password)?;
            set_mode(&self.password_file(), 0o600)?;
            // initdb reads the password from a file the postgres user can read.
            let pwfile = self.data_dir.join("pg-initdb-pw");
            std::fs::write(&pwfile, &password)?;
            std::fs::create_dir_all(&cluster)?;
            self.give_to_postgres(&[&cluster, &pwfile, &self.data_dir])?;
            let result = self.run(
                "initdb",
                &[
                    "-D",
                    &cluster_s,
                    "-U",
                    "postgres",
                    "--auth=scram-sha-256",
                    "--pwfile",
                    &pwfile.to_string_lossy(),
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ],
            );
            let _ = std::fs::remove_file(&pwfile);
            result?;
            tracing::info!(dir = %cluster.display(), "created a private PostgreSQL cluster");
        }
        if self.run("pg_ctl", &["-D", &cluster_s, "status"]).is_err() {
            let opts = format!(
                "-p {} -c listen_addresses=127.0.0.1 -k {}",
                self.port, cluster_s
            );
            let log = cluster.join("server.log").to_string_lossy().to_string();
            self.run(
                "pg_ctl",
                &[
                    "-D", &cluster_s, "-o", &opts, "-l", &log, "-w", "-t", "60", "start",
                ],
            )?;
            self.started
                .store(true, std::sync::atomic::Ordering::SeqCst);
            tracing::info!(port = self.port, "started the private PostgreSQL cluster");
        } else {
            tracing::info!(
                "the private PostgreSQL cluster was already running; it stays up after this process"
            );
        }
        let password = std::fs::read_to_string(self.password_file())?;
        Ok(format!(
            "postgres://postgres:{}@127.0.0.1:{}/postgres",
            password.trim(),
            self.port
        ))
    }

    /// Stops the cluster if this process started it.
    pub fn stop(&self) {
        if !self.started.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let cluster = self.cluster_dir().to_string_lossy().to_string();
        match self.run("pg_ctl", &["-D", &cluster, "-m", "fast", "-w", "stop"]) {
            Ok(_) => tracing::info!("stopped the private PostgreSQL cluster"),
            Err(e) => tracing::warn!(error = %e, "could not stop the private PostgreSQL cluster"),
        }
    }

    fn give_to_postgres(&self, paths: &[&Path]) -> Result<(), PgError> {
        if let Some(user) = self.run_as {
            let status = Command::new("chown")
                .arg(format!("{user}:{user}"))
                .args(paths)
                .status()?;
            if !status.success() {
                return Err(PgError::Command {
                    cmd: "chown".into(),
                    output: format!("exit {status}"),
                });
            }
        }
        Ok(())
    }
}

/// Whether `user` can enter `dir` (and so every folder above it).
fn reachable_by(user: &str, dir: &Path) -> bool {
    Command::new("runuser")
        .args(["-u", user, "--", "test", "-x"])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    // SAFETY-free check: the effective uid is what `id -u` prints.
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn hex_secret() -> String {
    let bytes: [u8; 18] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}
