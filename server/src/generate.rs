//! `server generate`: fills a database with realistic companies, persons,
//! deals, tags, notes, history and interactions, for benchmarks.
//!
//! Every row is made inside PostgreSQL by `INSERT … SELECT … FROM
//! generate_series`; Rust only sends a dozen statements and the word lists
//! (bound as `text[]`). Values are picked by hashing the row number with the
//! seed, so a seed always gives the same data (dates are relative to the day
//! of the run). Everything runs in one transaction: a failure leaves the
//! database as it was.
//!
//! Bulk loading is faster without the secondary indexes and foreign keys of
//! the filled tables: they are dropped inside the transaction and put back
//! at the end, one sort per index and one join per key instead of millions
//! of single-row updates and look-ups (measured: 2.2 times faster at 100 000
//! persons, more at a million). The tables are locked meanwhile, so run it
//! on a quiet database. The history triggers stay: their `WHEN` clause skips
//! them while the transaction has `relais.bulk` on. The one other per-row
//! trigger, `interactions_times` (plpgsql, computes `remind_at`), is disabled
//! meanwhile and its work done in the `INSERT` itself (measured on 200 000
//! bare rows: 9.0 s without it, 11.8 s with it, i.e. 14 µs a row).
//!
//! Interactions go on the live persons, companies and deals of the whole
//! database, so they can be added to an existing data set (`--persons 0
//! --companies 0 --deals 0 --append --interactions N`).

#[rustfmt::skip]
mod words;
mod sql;

use crate::config::GenerateArgs;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection, PgPool};
use std::collections::HashMap;
use std::time::Instant;

/// More rows than this in a table means it holds real or generated data,
/// not just the demo organisation.
const DEMO_MAX: i64 = 100;

/// The tables filled with records, whose indexes and keys are unplugged
/// while they are (`--companies`, `--persons`, `--deals`).
const RECORD_TABLES: &[&str] = &[
    "companies",
    "persons",
    "person_companies",
    "deals",
    "notes",
    "note_links",
    "record_tags",
    "record_changes",
];

/// The same for `--interactions`.
const INTERACTION_TABLES: &[&str] = &["interactions", "interaction_links", "interaction_attendees"];

/// Interactions per owner over the three years generated: about four per
/// working day. Users are added (`team0001@…`) until there are enough
/// owners for that; the busy one (`sales01@…`) gets twice the share.
const PER_OWNER: i64 = 3_000;

/// The generated user whose calendar is full (`server bench` times it).
pub const BUSY_EMAIL: &str = "sales01@relais.example";

/// The word lists, by the name the statements use (`$first_fr_m`).
const LISTS: &[(&str, &[&str])] = &[
    ("first_fr_m", words::FIRST_FR_M),
    ("first_fr_f", words::FIRST_FR_F),
    ("first_en_m", words::FIRST_EN_M),
    ("first_en_f", words::FIRST_EN_F),
    ("last_fr", words::LAST_FR),
    ("last_en", words::LAST_EN),
    ("cities_fr", words::CITIES_FR),
    ("cities_uk", words::CITIES_UK),
    ("street_types_fr", words::STREET_TYPES_FR),
    ("streets_fr", words::STREETS_FR),
    ("streets_uk", words::STREETS_UK),
    ("line2_fr", words::LINE2_FR),
    ("line2_uk", words::LINE2_UK),
    ("trades_fr", words::TRADES_FR),
    ("place_heads_fr", words::PLACE_HEADS_FR),
    ("places_fr", words::PLACES_FR),
    ("formal_heads_fr", words::FORMAL_HEADS_FR),
    ("formal_adjs_fr", words::FORMAL_ADJS_FR),
    ("formal_domains_fr", words::FORMAL_DOMAINS_FR),
    ("family_forms_fr", words::FAMILY_FORMS_FR),
    ("partnerships_fr", words::PARTNERSHIPS_FR),
    ("industries_fr", words::INDUSTRIES_FR),
    ("industries_en", words::INDUSTRIES_EN),
    ("family_forms_en", words::FAMILY_FORMS_EN),
    ("sectors_en", words::SECTORS_EN),
    ("adjs_en", words::ADJS_EN),
    ("nouns_en", words::NOUNS_EN),
    ("legal_en", words::LEGAL_EN),
    ("company_mailboxes_fr", words::COMPANY_MAILBOXES_FR),
    ("company_mailboxes_en", words::COMPANY_MAILBOXES_EN),
    ("mail_domains_fr", words::MAIL_DOMAINS_FR),
    ("mail_domains_en", words::MAIL_DOMAINS_EN),
    ("jobs_fr", words::JOBS_FR),
    ("jobs_en", words::JOBS_EN),
    ("sources_fr", words::SOURCES_FR),
    ("sources_en", words::SOURCES_EN),
    ("consent_methods", words::CONSENT_METHODS),
    ("deals_fr", words::DEALS_FR),
    ("deals_en", words::DEALS_EN),
    ("lost_reasons_fr", words::LOST_REASONS_FR),
    ("lost_reasons_en", words::LOST_REASONS_EN),
    ("next_steps_fr", words::NEXT_STEPS_FR),
    ("next_steps_en", words::NEXT_STEPS_EN),
    ("deal_descriptions_fr", words::DEAL_DESCRIPTIONS_FR),
    ("deal_descriptions_en", words::DEAL_DESCRIPTIONS_EN),
    ("tags", words::TAGS),
    ("notes_fr", words::NOTES_FR),
    ("notes_en", words::NOTES_EN),
    ("calls_fr", words::CALLS_FR),
    ("calls_en", words::CALLS_EN),
    ("meetings_fr", words::MEETINGS_FR),
    ("meetings_en", words::MEETINGS_EN),
    ("tasks_fr", words::TASKS_FR),
    ("tasks_en", words::TASKS_EN),
    ("emails_fr", words::EMAILS_FR),
    ("emails_en", words::EMAILS_EN),
    ("meeting_places", words::MEETING_PLACES),
];

/// A value bound to a statement.
enum Arg {
    Words(&'static [&'static str]),
    Int(i64),
    Ints(Vec<i64>),
    Text(&'static str),
    Strings(Vec<String>),
}

/// The values statements name as `$name`.
struct Vars(HashMap<String, Arg>);

impl Vars {
    fn set(&mut self, name: &str, value: Arg) -> &mut Self {
        self.0.insert(name.to_string(), value);
        self
    }

    fn int(&self, name: &str) -> i64 {
        match self.0.get(name) {
            Some(Arg::Int(i)) => *i,
            _ => 0,
        }
    }
}

/// Turns each `$name` into `$1`, `$2`… (numbered by first use) and returns
/// the names in that order. `$1`, `$$` and `$tag$` are left alone.
fn number_placeholders(sql: &str) -> (String, Vec<&str>) {
    let mut out = String::with_capacity(sql.len());
    let mut names: Vec<&str> = Vec::new();
    let mut rest = sql;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..len];
        let named = name.starts_with(|c: char| c.is_ascii_lowercase());
        if !named || after[len..].starts_with('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let k = match names.iter().position(|n| *n == name) {
            Some(k) => k,
            None => {
                names.push(name);
                names.len() - 1
            }
        };
        out.push_str(&format!("${}", k + 1));
        rest = &after[len..];
    }
    out.push_str(rest);
    (out, names)
}

/// Runs one statement of `sql.rs` with its values bound; returns the rows
/// it wrote.
async fn exec(conn: &mut PgConnection, sql: &str, vars: &Vars) -> anyhow::Result<u64> {
    let (text, names) = number_placeholders(sql);
    // The text is one of our constants with `$name` numbered; every value is bound.
    let mut query = sqlx::query(AssertSqlSafe(text)).persistent(false);
    for name in names {
        query = match vars.0.get(name) {
            Some(Arg::Words(w)) => query.bind(*w),
            Some(Arg::Int(i)) => query.bind(*i),
            Some(Arg::Ints(v)) => query.bind(v.as_slice()),
            Some(Arg::Text(t)) => query.bind(*t),
            Some(Arg::Strings(v)) => query.bind(v.as_slice()),
            None => anyhow::bail!("generator statement uses unknown ${name}"),
        };
    }
    Ok(query.execute(conn).await?.rows_affected())
}

/// The ASCII form of a name in an email address: "Hélène" -> "helene",
/// "O'Brien" -> "obrien", "Jean-Pierre" -> "jean-pierre". Done here rather
/// than with unaccent() in SQL, which costs microseconds per row.
fn mailbox(name: &str) -> String {
    name.chars()
        .flat_map(|c| c.to_lowercase())
        .filter_map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'î' | 'ï' | 'í' => Some('i'),
            'ô' | 'ö' | 'ó' => Some('o'),
            'ù' | 'û' | 'ü' | 'ú' => Some('u'),
            'ç' => Some('c'),
            'ñ' => Some('n'),
            c if c.is_ascii_alphanumeric() || c == '-' => Some(c),
            _ => None,
        })
        .collect()
}

/// Prints one line per step: what, how many rows, how long.
struct Progress(Instant);

impl Progress {
    fn step(&mut self, what: &str, rows: Option<u64>) {
        let rows = rows.map(|r| format!("{r:>9} rows")).unwrap_or_default();
        println!(
            "  {what:<28} {rows:>14} {:>8.1} s",
            self.0.elapsed().as_secs_f64()
        );
        self.0 = Instant::now();
    }
}

/// The first free id of `table` (its rows get explicit ids, so persons and
/// deals can point to companies without looking them up).
async fn next_base(conn: &mut PgConnection, table: &str) -> anyhow::Result<i64> {
    // `table` is one of our constants.
    let sql = format!(
        "SELECT greatest(nextval(pg_get_serial_sequence('{table}', 'id')) - 1,
                         (SELECT coalesce(max(id), 0) FROM {table}))"
    );
    Ok(sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_one(conn)
        .await?)
}

/// Moves the id sequence of `table` past the ids given explicitly.
async fn sync_sequence(conn: &mut PgConnection, table: &str) -> anyhow::Result<()> {
    // `table` is one of our constants.
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest(m, 1), m > 0)
         FROM (SELECT coalesce(max(id), 0) AS m FROM {table}) x"
    );
    sqlx::query(AssertSqlSafe(sql)).execute(conn).await?;
    Ok(())
}

/// Fills the database as `args` says. Refuses a database that already holds
/// more than the demo data unless `args.append`.
pub async fn run(pool: &PgPool, args: &GenerateArgs) -> anyhow::Result<()> {
    let total = Instant::now();
    let counts = [args.companies, args.persons, args.deals];
    anyhow::ensure!(
        counts.iter().all(|&n| n > 0) || counts.iter().all(|&n| n == 0),
        "companies, persons and deals go together: all three above zero, or all three zero \
         (to add interactions only)"
    );
    let interactions = args.interactions.unwrap_or(5 * args.persons);
    // One session of our own, without sqlx's slow-statement warnings (every
    // statement here is slow on purpose).
    let options = (*pool.connect_options())
        .clone()
        .disable_statement_logging();
    let mut session = PgConnection::connect_with(&options).await?;
    let (companies, persons, deals, held): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM companies), (SELECT count(*) FROM persons), (SELECT count(*) FROM deals),
                (SELECT count(*) FROM interactions)",
    )
    .fetch_one(&mut session)
    .await?;
    if !args.append
        && (companies > DEMO_MAX || persons > DEMO_MAX || deals > DEMO_MAX || held > DEMO_MAX)
    {
        anyhow::bail!(
            "the database already holds {companies} companies, {persons} persons, {deals} deals \
             and {held} interactions (more than the demo data); pass --append to add more"
        );
    }
    println!(
        "generating {} companies, {} persons, {} deals, {} interactions (seed {})",
        args.companies, args.persons, args.deals, interactions, args.seed
    );
    let mut tables: Vec<&str> = Vec::new();
    if args.persons > 0 {
        tables.extend(RECORD_TABLES);
    }
    if interactions > 0 {
        tables.extend(INTERACTION_TABLES);
    }

    let mut tx = session.begin().await?;
    let mut progress = Progress(Instant::now());
    fill(&mut tx, args, interactions, &tables, &mut progress).await?;
    // The deals board's totals trigger skipped the bulk rows, like history.
    sqlx::query("SELECT relais_rebuild_deal_totals()")
        .execute(&mut *tx)
        .await?;
    progress.step("deal_totals", None);
    if args.persons > 0 {
        let rows = enrolments(&mut tx, args.persons / 10).await?;
        progress.step("enrolments", Some(rows));
    }
    // The Activity report's day counts, skipped by the bulk rows too.
    sqlx::query("SELECT relais_rebuild_activity_days()")
        .execute(&mut *tx)
        .await?;
    progress.step("activity_days", None);
    tx.commit().await?;
    progress.step("commit", None);

    // Outside the transaction: VACUUM sets the visibility map (index-only
    // scans) and hint bits, so the first benchmark run does not pay for them.
    if !tables.is_empty() {
        let list = tables.join(", ");
        sqlx::raw_sql(AssertSqlSafe(format!("VACUUM (ANALYZE) {list}")))
            .execute(&mut session)
            .await?;
        progress.step("vacuum analyze", None);
    }
    sqlx::raw_sql("VACUUM (ANALYZE) enrolments, activity_days")
        .execute(&mut session)
        .await?;
    println!(
        "  {:<28} {:>14} {:>8.1} s",
        "total",
        "",
        total.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Enrolments for the Programmes report: a catalogue of eight entries (if
/// it has none), then one enrolment for every tenth live person, up to
/// `n`: statuses and dates over the last four years, file numbers unique.
async fn enrolments(conn: &mut PgConnection, n: i64) -> anyhow::Result<u64> {
    sqlx::query(
        "INSERT INTO programmes (name, kind, position)
         SELECT name, kind, position FROM (VALUES
             ('Accompagnement emploi', 'programme', 0), ('Création d''entreprise', 'programme', 1),
             ('Formation numérique', 'programme', 2), ('Logement', 'service', 3),
             ('Mobilité', 'service', 4), ('Aide administrative', 'service', 5),
             ('SAE Nord', 'sae', 6), ('SAE Sud', 'sae', 7)) AS v(name, kind, position)
         WHERE NOT EXISTS (SELECT 1 FROM programmes)",
    )
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query(
        "WITH p AS (SELECT array_agg(id ORDER BY id) AS ids FROM programmes WHERE archived_at IS NULL),
              u AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE active),
              pe AS (SELECT id FROM persons WHERE deleted_at IS NULL AND id % 10 = 3
                     AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = persons.id)
                     ORDER BY id LIMIT $1)
         INSERT INTO enrolments (programme_id, person_id, identifier, status, starts_on, ends_on, owner_id)
         SELECT p.ids[(1 + pe.id % cardinality(p.ids))::int], pe.id, 'GEN-' || pe.id, s.status, s.starts,
                CASE WHEN s.status IN ('completed', 'withdrawn') THEN s.starts + (30 + pe.id % 300)::int END,
                u.ids[(1 + pe.id % cardinality(u.ids))::int]
         FROM pe, p, u,
              LATERAL (SELECT (ARRAY['planned', 'active', 'active', 'completed', 'withdrawn'])[1 + (pe.id / 7) % 5] AS status,
                              current_date - (pe.id % 1460)::int AS starts) s",
    )
    .bind(n)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Everything inside the transaction: settings, helpers, the rows, and the
/// indexes and keys of `tables` put back.
async fn fill(
    conn: &mut PgConnection,
    args: &GenerateArgs,
    interactions: i64,
    tables: &[&str],
    progress: &mut Progress,
) -> anyhow::Result<()> {
    // The history triggers do not fire in bulk mode; index builds get memory;
    // JIT would spend seconds compiling each statement's long expressions.
    sqlx::raw_sql(
        "SET LOCAL relais.bulk = 'on';
         SET LOCAL work_mem = '256MB';
         SET LOCAL maintenance_work_mem = '1GB';
         SET LOCAL statement_timeout = 0;
         SET LOCAL jit = off",
    )
    .execute(&mut *conn)
    .await?;
    // Integers only: the seed and a count, both parsed by clap.
    let functions = sql::FUNCTIONS
        .replace("{seed}", &args.seed.to_string())
        .replace("{companies}", &args.companies.to_string());
    sqlx::raw_sql(AssertSqlSafe(functions))
        .execute(&mut *conn)
        .await?;

    let mut vars = Vars(HashMap::new());
    for (name, words) in LISTS {
        vars.set(name, Arg::Words(words));
        let ascii = words.iter().map(|w| mailbox(w)).collect();
        vars.set(&format!("{name}_ascii"), Arg::Strings(ascii));
    }
    vars.set("n_companies", Arg::Int(args.companies))
        .set("n_persons", Arg::Int(args.persons))
        .set("n_deals", Arg::Int(args.deals));

    let rows = exec(conn, sql::USERS, &vars).await?;
    progress.step("users", Some(rows));

    let rebuild = unplug(conn, tables).await?;
    progress.step("drop indexes, keys", None);
    if args.persons > 0 {
        records(conn, &mut vars, args, progress).await?;
    }
    if interactions > 0 {
        self::interactions(conn, &mut vars, interactions, progress).await?;
    }
    replug(conn, rebuild, progress).await
}

/// Companies, persons, deals and what hangs on them: jobs, tags, notes,
/// history.
async fn records(
    conn: &mut PgConnection,
    vars: &mut Vars,
    args: &GenerateArgs,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let owners: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE active ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let stages: Vec<(i64, i64, i32, i64)> = sqlx::query_as(
        "SELECT s.id, s.pipeline_id, s.probability,
                (SELECT l.id FROM pipeline_stages l WHERE l.pipeline_id = s.pipeline_id AND l.active
                 ORDER BY l.position DESC, l.id DESC LIMIT 1)
         FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id
         WHERE p.active AND s.active ORDER BY p.position, p.id, s.position, s.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    anyhow::ensure!(
        !stages.is_empty(),
        "no active pipeline stage to put deals in"
    );
    vars.set("owners", Arg::Ints(owners))
        .set("stage_ids", Arg::Ints(stages.iter().map(|s| s.0).collect()))
        .set(
            "stage_pipelines",
            Arg::Ints(stages.iter().map(|s| s.1).collect()),
        )
        .set(
            "stage_probs",
            Arg::Ints(stages.iter().map(|s| s.2 as i64).collect()),
        )
        .set(
            "stage_last",
            Arg::Ints(stages.iter().map(|s| s.3).collect()),
        );

    for (table, base, statement) in [
        ("companies", "company_base", sql::COMPANIES),
        ("persons", "person_base", sql::PERSONS),
        ("deals", "deal_base", sql::DEALS),
    ] {
        let b = next_base(conn, table).await?;
        vars.set(base, Arg::Int(b));
        let rows = exec(conn, statement, vars).await?;
        sync_sequence(conn, table).await?;
        progress.step(table, Some(rows));
        if table == "persons" {
            let rows = exec(conn, sql::JOBS, vars).await?;
            progress.step("person_companies", Some(rows));
        }
    }

    exec(conn, sql::TAGS, vars).await?;
    let tag_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM tags ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    vars.set("tag_ids", Arg::Ints(tag_ids));
    let kinds = [
        (1, "company", "company_base", args.companies),
        (2, "person", "person_base", args.persons),
        (3, "deal", "deal_base", args.deals),
    ];
    let mut rows = 0;
    for (kind, record_type, base, n) in kinds {
        record_vars(vars, kind, record_type, base, n);
        rows += exec(conn, sql::RECORD_TAGS, vars).await?;
    }
    progress.step("record_tags", Some(rows));

    let mut notes = 0;
    let mut links = 0;
    for (kind, record_type, base, n) in kinds {
        record_vars(vars, kind, record_type, base, n);
        let note_base = next_base(conn, "notes").await?;
        vars.set("note_base", Arg::Int(note_base));
        let rows = exec(conn, sql::NOTES, vars).await?;
        notes += rows;
        links += rows;
        if kind == 2 {
            links += exec(conn, sql::PERSON_NOTES_TO_COMPANIES, vars).await?;
        }
        sync_sequence(conn, "notes").await?;
    }
    progress.step("notes", Some(notes));
    println!("  {:<28} {links:>9} rows", "  note_links");

    let mut rows = 0;
    for (kind, record_type, base, n) in kinds {
        record_vars(vars, kind, record_type, base, n);
        rows += exec(conn, sql::CHANGES, vars).await?;
    }
    progress.step("record_changes", Some(rows));
    let first_ten = |base: &str, n: i64| {
        let b = vars.int(base);
        format!("{}..{}", b + 1, b + n.min(10))
    };
    println!(
        "  long timelines: companies {}, persons {}, deals {}",
        first_ten("company_base", args.companies),
        first_ten("person_base", args.persons),
        first_ten("deal_base", args.deals)
    );
    Ok(())
}

/// `n` interactions on the live records of the database, their links
/// (main record, a deal's contact, the roll-up to companies) and attendees;
/// first the colleagues that own them, where missing.
async fn interactions(
    conn: &mut PgConnection,
    vars: &mut Vars,
    n: i64,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let owners_wanted = (n + PER_OWNER - 1) / PER_OWNER;
    vars.set("n_team", Arg::Int((owners_wanted - 20).max(0)));
    let rows = exec(conn, sql::TEAM, vars).await?;
    let owners: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE active ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let busy: i64 = sqlx::query_scalar("SELECT id FROM users WHERE lower(email) = $1")
        .bind(BUSY_EMAIL)
        .fetch_one(&mut *conn)
        .await?;
    progress.step(&format!("team ({} owners)", owners.len()), Some(rows));
    let mut live = Vec::new();
    for table in ["persons", "companies", "deals"] {
        // `table` is one of the three names above.
        let ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT id FROM {table} WHERE deleted_at IS NULL ORDER BY id"
        )))
        .fetch_all(&mut *conn)
        .await?;
        anyhow::ensure!(!ids.is_empty(), "interactions need live {table}");
        live.push(ids);
    }
    let [persons, companies, deals]: [Vec<i64>; 3] = live.try_into().expect("three lists of ids");
    let base = next_base(conn, "interactions").await?;
    vars.set("ix_owners", Arg::Ints(owners))
        .set("busy", Arg::Int(busy))
        .set("person_ids", Arg::Ints(persons))
        .set("company_ids", Arg::Ints(companies))
        .set("deal_ids", Arg::Ints(deals))
        .set("interaction_base", Arg::Int(base))
        .set("n_interactions", Arg::Int(n));

    // The INSERT computes remind_at itself; the schema is as before at commit.
    sqlx::raw_sql("ALTER TABLE interactions DISABLE TRIGGER interactions_times")
        .execute(&mut *conn)
        .await?;
    let rows = exec(conn, sql::INTERACTIONS, vars).await?;
    sqlx::raw_sql("ALTER TABLE interactions ENABLE TRIGGER interactions_times")
        .execute(&mut *conn)
        .await?;
    sync_sequence(conn, "interactions").await?;
    progress.step("interactions", Some(rows));
    let rows = exec(conn, sql::INTERACTION_LINKS, vars).await?;
    progress.step("interaction_links", Some(rows));
    let rows = exec(conn, sql::INTERACTION_ROLLUPS, vars).await?;
    progress.step("  company roll-ups", Some(rows));
    let rows = exec(conn, sql::INTERACTION_ATTENDEES, vars).await?;
    progress.step("interaction_attendees", Some(rows));
    let (own, attended): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM interactions WHERE owner_id = $1 AND id > $2),
                (SELECT count(*) FROM interaction_attendees WHERE user_id = $1 AND interaction_id > $2)",
    )
    .bind(busy)
    .bind(base)
    .fetch_one(&mut *conn)
    .await?;
    println!("  busy calendar: {BUSY_EMAIL} (id {busy}) owns {own}, attends {attended}");
    Ok(())
}

/// Points `$kind`, `$record_type`, `$base` and `$n` at one kind of record.
fn record_vars(vars: &mut Vars, kind: i64, record_type: &'static str, base: &str, n: i64) {
    let b = vars.int(base);
    vars.set("kind", Arg::Int(kind))
        .set("record_type", Arg::Text(record_type))
        .set("base", Arg::Int(b))
        .set("n", Arg::Int(n));
}

/// Statements that undo, after the load, what `unplug` did before it.
struct Rebuild {
    indexes: Vec<String>,
    keys: Vec<String>,
}

/// Drops the secondary indexes and foreign keys of `tables` (composite keys
/// included: the catalog gives each one's whole definition), inside the
/// transaction.
async fn unplug(conn: &mut PgConnection, tables: &[&str]) -> anyhow::Result<Rebuild> {
    // Primary keys and unique indexes stay (they are referenced or enforce rules).
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
         FROM pg_index i
         WHERE i.indrelid = ANY ($1::regclass[]) AND NOT i.indisunique
         ORDER BY i.indexrelid",
    )
    .bind(tables)
    .fetch_all(&mut *conn)
    .await?;
    let keys: Vec<(String, String)> = sqlx::query_as(
        "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
                format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,
                       pg_get_constraintdef(oid))
         FROM pg_constraint
         WHERE contype = 'f' AND conrelid = ANY ($1::regclass[])
         ORDER BY oid",
    )
    .bind(tables)
    .fetch_all(&mut *conn)
    .await?;
    for (undo, _) in indexes.iter().chain(&keys) {
        // Built by PostgreSQL from its catalog (names quoted by format/regclass).
        sqlx::raw_sql(AssertSqlSafe(undo.clone()))
            .execute(&mut *conn)
            .await?;
    }
    let redo = |v: Vec<(String, String)>| v.into_iter().map(|(_, r)| r).collect();
    Ok(Rebuild {
        indexes: redo(indexes),
        keys: redo(keys),
    })
}

/// Recreates the indexes (from pg_get_indexdef) and checks the foreign keys
/// again (from pg_get_constraintdef).
async fn replug(
    conn: &mut PgConnection,
    rebuild: Rebuild,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    for (what, statements) in [
        ("rebuild indexes", &rebuild.indexes),
        ("check foreign keys", &rebuild.keys),
    ] {
        for statement in statements {
            // The catalog's own definition of what was dropped.
            sqlx::raw_sql(AssertSqlSafe(statement.clone()))
                .execute(&mut *conn)
                .await?;
        }
        progress.step(&format!("{what} ({})", statements.len()), None);
    }
    Ok(())
}
