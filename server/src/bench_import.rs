//! `server bench-import`: a generated CSV file of persons with their
//! companies imported as a user's upload is (stored in chunks, its layout
//! read, the mapping guessed, then the background job), beside a plain
//! `COPY` of the same file into a table of text columns.
//!
//! The file is written to a temporary file and streamed from it, so the
//! peak memory reported is the import's own.

use crate::config::BenchImportArgs;
use anyhow::{Context, ensure};
use app::import::DuplicatePolicy;
use app::import::api::ssr as import;
use app::import::job;
use app::records::RecordKind;
use sqlx::PgPool;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

const HEADER: &str =
    "Civilité;Prénom;Nom;Société;Fonction;E-mail;Téléphone;Portable;Ville;Code postal;Pays";
const FIRST: &[&str] = &[
    "Éléonore",
    "Jean",
    "Hélène",
    "François",
    "Zoé",
    "Mathis",
    "Anaïs",
    "Loïc",
    "Camille",
    "Noémie",
    "Jérôme",
    "Chloé",
    "Emma",
    "Oliver",
    "Grace",
    "Thomas",
    "Sophie",
    "Amélie",
];
const LAST: &[&str] = &[
    "Dufrêne",
    "Martin",
    "Lefèvre",
    "Bernard",
    "Moreau",
    "Girard",
    "Bonnet",
    "Smith",
    "Mercier",
    "Faure",
    "Rousseau",
    "Garnier",
    "Chevalier",
    "Lambert",
    "Brown",
    "Noël",
];
const COMPANY: &[&str] = &[
    "Atelier",
    "Boulangerie",
    "Transports",
    "Cabinet",
    "Éditions",
    "Laboratoire",
    "Studio",
    "Menuiserie",
    "Conseil",
    "Imprimerie",
];
const CITY: &[(&str, &str)] = &[
    ("Lyon", "69003"),
    ("Paris", "75011"),
    ("Marseille", "13002"),
    ("Nantes", "44000"),
    ("Villeurbanne", "69100"),
    ("Besançon", "25000"),
    ("Saint-Étienne", "42000"),
    ("Lille", "59000"),
];
const TITLE: &[&str] = &[
    "Gérante",
    "Directeur",
    "Comptable",
    "Acheteuse",
    "Chargé de projet",
];

/// A row's pick of `n` things, the same for the same row and salt.
fn pick(row: u64, salt: u64, n: usize) -> usize {
    let mut z = row
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .wrapping_add(salt.wrapping_mul(0xbf58_476d_1ce4_e5b9));
    z ^= z >> 31;
    z = z.wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 29;
    (z % n as u64) as usize
}

/// Writes the file: `rows` persons over `companies` companies, UTF-8 with a
/// BOM and semicolons (what a French spreadsheet program writes), phones in
/// several notations; one row in a hundred repeats an earlier person's
/// email (a duplicate within the file).
fn write_file(path: &Path, rows: u64, companies: u64) -> anyhow::Result<u64> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    out.write_all("\u{feff}".as_bytes())?;
    writeln!(out, "{HEADER}")?;
    for i in 0..rows {
        let first = FIRST[pick(i, 1, FIRST.len())];
        let last = LAST[pick(i, 2, LAST.len())];
        let civility = if pick(i, 3, 2) == 0 { "Madame" } else { "M." };
        let c = pick(i, 4, companies as usize);
        let company = format!("{} {}", COMPANY[c % COMPANY.len()], c);
        let (city, postal) = CITY[pick(i, 5, CITY.len())];
        let title = TITLE[pick(i, 6, TITLE.len())];
        // An earlier person's email now and then.
        let who = if i > 100 && i % 100 == 0 { i - 97 } else { i };
        let email = format!("personne.{who}@exemple.fr");
        let n = 10_000_000 + i;
        let phone = match i % 3 {
            0 => format!(
                "01 {:02} {:02} {:02} {:02}",
                n / 1_000_000 % 100,
                n / 10_000 % 100,
                n / 100 % 100,
                n % 100
            ),
            1 => format!(
                "+33 1 {:02} {:02} {:02} {:02}",
                n / 1_000_000 % 100,
                n / 10_000 % 100,
                n / 100 % 100,
                n % 100
            ),
            _ => format!(
                "0033 (0)1 {:02}-{:02}-{:02}-{:02}",
                n / 1_000_000 % 100,
                n / 10_000 % 100,
                n / 100 % 100,
                n % 100
            ),
        };
        let mobile = if i % 2 == 0 {
            format!("07{:08}", 20_000_000 + i)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{civility};{first};{last} {};\"{company}\";{title};{email};{phone};{mobile};{city};{postal};France",
            i % 1000
        )?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// The process's peak resident memory so far, in MB (Linux).
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

async fn copy_baseline(pool: &PgPool, path: &Path) -> anyhow::Result<Duration> {
    let mut conn = pool.acquire().await?;
    let columns = (1..=HEADER.split(';').count())
        .map(|i| format!("c{i} text"))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE TEMP TABLE bench_copy ({columns})"
    )))
    .execute(&mut *conn)
    .await?;
    let start = Instant::now();
    let mut copy = conn
        .copy_in_raw("COPY bench_copy FROM STDIN (FORMAT csv, HEADER true, DELIMITER ';')")
        .await?;
    let file = tokio::fs::File::open(path).await?;
    copy.read_from(file).await?;
    copy.finish().await?;
    let took = start.elapsed();
    sqlx::query("DROP TABLE bench_copy")
        .execute(&mut *conn)
        .await?;
    Ok(took)
}

pub async fn run(pool: &PgPool, args: &BenchImportArgs) -> anyhow::Result<()> {
    let companies = args.companies.unwrap_or((args.rows / 10).max(1));
    let dir = std::env::temp_dir().join(format!("relais-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("persons.csv");
    let size = write_file(&path, args.rows, companies)?;
    println!(
        "file: {} rows, {} companies named, {:.1} MB",
        args.rows,
        companies,
        size as f64 / 1e6
    );
    let copy = copy_baseline(pool, &path).await?;

    let admin: i64 = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?
    .context("no active admin in the database: start the server once (demo data), or add one")?;
    let user = app::ssr::guard::load_user_from(pool, admin)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .context("the admin")?;

    let start = Instant::now();
    let file = tokio::fs::File::open(&path).await?;
    let stream = tokio_util_stream(file);
    let id = import::store(pool, &user, RecordKind::Person, "persons.csv", stream)
        .await
        .map_err(|e| anyhow::anyhow!("upload: {e:?}"))?;
    let uploaded = start.elapsed();
    let (mapping, total): (Vec<String>, i32) =
        sqlx::query_as("SELECT mapping, total_rows FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?;
    ensure!(
        mapping.iter().all(|m| !m.is_empty()),
        "a column of the file was not recognised: {mapping:?}"
    );
    ensure!(
        total as u64 == args.rows,
        "{total} rows read of {}",
        args.rows
    );
    sqlx::query("UPDATE imports SET on_duplicate = $2, status = 'queued' WHERE id = $1")
        .bind(id)
        .bind(DuplicatePolicy::default().as_str())
        .execute(pool)
        .await?;
    let run_start = Instant::now();
    job::run_pending(pool, "bench-import")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let ran = run_start.elapsed();
    let took = start.elapsed();
    let (status, created, updated, skipped, refused): (String, i32, i32, i32, i32) =
        sqlx::query_as(
            "SELECT status, created_count, updated_count, skipped_count, refused_count
             FROM imports WHERE id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await?;
    ensure!(status == "done", "the import ended {status}");
    let companies_made: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM import_rows WHERE import_id = $1 AND record_type = 'company'",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    std::fs::remove_dir_all(&dir).ok();

    let secs = took.as_secs_f64();
    println!(
        "persons: {created} created, {updated} updated, {skipped} skipped, {refused} refused; companies created: {companies_made}"
    );
    println!();
    println!("| step | time | rows/s |");
    println!("|---|---:|---:|");
    println!(
        "| plain `COPY` of the file into text columns | {:.2} s | {:.0} |",
        copy.as_secs_f64(),
        args.rows as f64 / copy.as_secs_f64()
    );
    println!(
        "| upload (stored in chunks, layout read, mapping guessed) | {:.2} s | |",
        uploaded.as_secs_f64()
    );
    println!(
        "| import job (checks, duplicates, companies, history) | {:.2} s | {:.0} |",
        ran.as_secs_f64(),
        args.rows as f64 / ran.as_secs_f64()
    );
    println!(
        "| **import, upload to done** | **{secs:.2} s** | **{:.0}** |",
        args.rows as f64 / secs
    );
    println!();
    println!(
        "import / COPY: {:.1}×; peak RSS of this process: {} MB",
        secs / copy.as_secs_f64(),
        peak_rss_mb().map_or("?".into(), |m| m.to_string())
    );
    Ok(())
}

/// A file as a stream of 64 KB parts (what the multipart upload gives).
fn tokio_util_stream(
    file: tokio::fs::File,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> + Unpin {
    use tokio::io::AsyncReadExt;
    Box::pin(futures::stream::unfold(file, |mut file| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(buf), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    }))
}
