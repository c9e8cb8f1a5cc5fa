//! The duplicates page: probable pairs of records of the kinds that can be
//! merged (their descriptor has `merge_links`), most alike first, each
//! with a "Compare" that opens the merge page on the pair.
//!
//! How the pairs are found: every record gives its keys — each email in
//! lower case, each phone's `relais_phone_key` (the same number in any
//! notation), its name folded (`relais_fold`: no accents, no case) — and
//! records sharing a key pair up; a pair's likeness adds up what it shares
//! (email 50, phone 30, name 20). Names one typo apart ("Dupont" and
//! "Dupond", "Lefèvre" and "Lefèbvre") pair up too, at 10: each name also
//! gives its *deletion keys* (itself with one letter left out, at each
//! place), and two names within one letter missing, added, changed or two
//! swapped share one. One pass of `GROUP BY` over the kind's table, no
//! pairwise comparison, so it grows with the number of records (times the
//! length of a name), not its square. A key shared by more than
//! [`MAX_GROUP`] records (a common name) says too little and is left out.
//!
//! The pass (with the data-quality figures, `quality`) takes seconds at a
//! million persons, too long for a page: it runs in the background when records
//! changed (`ssr::refresh_changed`, every [`ssr::EVERY`]) and on a
//! manager's "Find again"; the page reads its stored result, leaving out
//! pairs whose records were deleted or merged since.

use super::{RecordKind, RecordLink};
use crate::error::AppResult;
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::resource::resource;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::ssr::{guard::require, pool},
};

/// Pairs shown, most alike first.
pub const MAX_PAIRS: i64 = 100;
/// A key shared by more records than this is not a sign of a duplicate.
pub const MAX_GROUP: i64 = 10;
/// Names shorter than this (folded, with the space) are not compared for
/// typos: "Roy Li" and "Roy Lu" are two people, "Dupont Jean" and
/// "Dupond Jean" maybe one.
pub const MIN_SIMILAR: usize = 8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicatePair {
    pub a: RecordLink,
    pub b: RecordLink,
    /// What they share: `email`, `phone`, `name`, or `similar` (names one
    /// typo apart).
    pub reasons: Vec<String>,
    /// 10 (a similar name only) to 100 (email, phone and name).
    pub likeness: i32,
}

/// The pairs of a kind as last found, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairsFound {
    pub pairs: Vec<DuplicatePair>,
    /// When they were found, in the reader's zone (`None`: not yet).
    pub computed: Option<String>,
}

/// The [`MAX_PAIRS`] most alike pairs of `kind` that the caller may see,
/// as last found (both records still live).
#[server(prefix = "/api/merge", endpoint = "pairs", input = server_fn::codec::Json)]
pub async fn duplicate_pairs(kind: RecordKind) -> AppResult<PairsFound> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    ssr::read(&pool, &user, kind).await
}

/// Finds `kind`'s pairs again now (managers and admins: at a million
/// records it takes seconds).
#[server(prefix = "/api/merge", endpoint = "rescan", input = server_fn::codec::Json)]
pub async fn rescan_duplicates(kind: RecordKind) -> AppResult<()> {
    require(Role::Manager).await?;
    ssr::refresh(&pool()?, kind).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::CurrentUser;
    use crate::error::AppError;
    use sqlx::{AssertSqlSafe, PgPool, Row};

    /// How often the background pass looks for changes.
    pub const EVERY: std::time::Duration = std::time::Duration::from_secs(600);

    /// The kinds that have duplicates to find: those that can be merged.
    pub fn kinds() -> impl Iterator<Item = RecordKind> {
        RecordKind::ALL
            .into_iter()
            .filter(|k| k.describe().merge_links.is_some())
    }

    /// The statement that finds all pairs of `kind` (`$1` the largest
    /// group). The README says how long it takes at a million persons.
    pub fn pairs_sql(kind: RecordKind) -> String {
        let d = kind.describe();
        let live = "r.deleted_at IS NULL";
        let spec = d.import.as_ref();
        let mut phones: Vec<&str> = spec.map_or(vec![], |i| i.phones.to_vec());
        phones.dedup();
        // Each record's keys: its emails, its phones' keys, its name.
        let mut keys: Vec<String> = spec
            .map_or(&[][..], |i| i.emails)
            .iter()
            .map(|e| {
                format!(
                    "SELECT r.id, 'email' AS why, lower(r.{e}) AS v FROM {t} r
                     WHERE {live} AND r.{e} <> ''",
                    t = d.table
                )
            })
            .collect();
        keys.extend(phones.iter().map(|p| {
            format!(
                "SELECT r.id, 'phone', relais_phone_key(r.{p}) FROM {t} r
                 WHERE {live} AND relais_phone_key(r.{p}) IS NOT NULL",
                t = d.table
            )
        }));
        keys.push(format!(
            "SELECT r.id, 'name', relais_fold({name}) FROM {t} r WHERE {live} AND length({name}) >= 3",
            t = d.table,
            name = d.name_sql,
        ));
        format!(
            "WITH k AS (
                 {keys}
             ), s AS (
                 -- The name with one letter left out, at each place but the
                 -- second of two equal letters (which would give the same
                 -- key again): two names one typo apart (a letter missing,
                 -- added, changed, or two swapped) share one of these.
                 SELECT r.id, left(r.sort_name, i - 1) || substr(r.sort_name, i + 1) AS v
                 FROM {t} r, generate_series(1, length(r.sort_name)) i
                 WHERE {live} AND length(r.sort_name) BETWEEN {min_similar} AND 60
                   AND (i = 1 OR substr(r.sort_name, i, 1) <> substr(r.sort_name, i - 1, 1))
             ), g AS (
                 SELECT why, array_agg(DISTINCT id) AS ids FROM k
                 GROUP BY why, v HAVING count(DISTINCT id) BETWEEN 2 AND $1
                 -- A record's keys are distinct: counted without DISTINCT, by
                 -- hash (a sort of 13 M keys spills to disk).
                 UNION ALL SELECT 'similar', array_agg(id) FROM s
                 GROUP BY v HAVING count(*) BETWEEN 2 AND $1
             ), p AS (
                 SELECT a, b, array_agg(DISTINCT why) AS whys
                 FROM g, unnest(ids) a, unnest(ids) b WHERE a < b GROUP BY a, b
             ), q AS (
                 -- The same name says more than a similar one.
                 SELECT a, b, CASE WHEN 'name' = ANY (whys) THEN array_remove(whys, 'similar')
                                   ELSE whys END AS reasons
                 FROM p
             )
             SELECT a, b, reasons,
                    (SELECT sum(CASE w WHEN 'email' THEN 50 WHEN 'phone' THEN 30 WHEN 'name' THEN 20
                                       ELSE 10 END) FROM unnest(reasons) w)::int AS likeness
             FROM q",
            t = d.table,
            keys = keys.join(" UNION ALL "),
            min_similar = MIN_SIMILAR,
        )
    }

    /// The statement of [`duplicate_pairs`]: `$1` the record type, `$2`
    /// the reader, `$3` the number of pairs.
    pub fn read_sql(kind: RecordKind) -> String {
        let d = kind.describe();
        let side = |x: &str| {
            format!(
                "{name} AS {x}_name, coalesce({detail}, '') AS {x}_detail",
                name = d.name_sql.replace("r.", &format!("{x}.")),
                detail = d.detail_sql.replace("r.", &format!("{x}.")),
            )
        };
        format!(
            "SELECT p.a, p.b, p.reasons, p.likeness, {sa}, {sb}
             FROM duplicate_pairs p
             JOIN {t} a ON a.id = p.a AND a.deleted_at IS NULL AND {see_a}
             JOIN {t} b ON b.id = p.b AND b.deleted_at IS NULL AND {see_b}
             WHERE p.record_type = $1
             ORDER BY p.likeness DESC, p.a, p.b LIMIT $3",
            t = d.table,
            sa = side("a"),
            sb = side("b"),
            see_a = crate::access::ssr::see_sql(kind, "a", "$2"),
            see_b = crate::access::ssr::see_sql(kind, "b", "$2"),
        )
    }

    pub async fn read(
        pool: &PgPool,
        user: &CurrentUser,
        kind: RecordKind,
    ) -> AppResult<PairsFound> {
        if kind.describe().merge_links.is_none() {
            return Err(AppError::NotFound);
        }
        let rows = sqlx::query(AssertSqlSafe(read_sql(kind)))
            .bind(kind.as_str())
            .bind(user.id)
            .bind(MAX_PAIRS)
            .fetch_all(pool)
            .await?;
        let link = |r: &sqlx::postgres::PgRow, x: &str| -> AppResult<RecordLink> {
            Ok(RecordLink {
                kind,
                id: r.try_get(x)?,
                name: r.try_get(format!("{x}_name").as_str())?,
                detail: r.try_get(format!("{x}_detail").as_str())?,
            })
        };
        let pairs = rows
            .iter()
            .map(|r| {
                Ok(DuplicatePair {
                    a: link(r, "a")?,
                    b: link(r, "b")?,
                    reasons: r.try_get("reasons")?,
                    likeness: r.try_get("likeness")?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let at: Option<chrono::DateTime<chrono::Utc>> =
            sqlx::query_scalar("SELECT computed_at FROM duplicate_scans WHERE record_type = $1")
                .bind(kind.as_str())
                .fetch_optional(pool)
                .await?;
        let tz = crate::ssr::zones::zone(&user.time_zone);
        Ok(PairsFound {
            pairs,
            computed: at.map(|at| {
                crate::ssr::zones::to_local(tz, at)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            }),
        })
    }

    /// Finds `kind`'s pairs again, replacing the last ones in one
    /// transaction. Two instances at once: the second waits for the first
    /// (a transaction lock per kind) and then does it again on fresh data.
    pub async fn refresh(pool: &PgPool, kind: RecordKind) -> AppResult<()> {
        let started = std::time::Instant::now();
        let mut tx = pool.begin().await?;
        // A background pass, longer than a request may take (22 s for the
        // pairs of a million persons): its own limit.
        // Memory to group the name keys by hash (13 M of them at a million
        // persons: sorted on disk, it took 12 s instead of 7).
        sqlx::query("SET LOCAL statement_timeout = '10min'")
            .execute(&mut *tx)
            .await?;
        sqlx::query("SET LOCAL work_mem = '256MB'")
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('relais.duplicates.' || $1))")
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM duplicate_pairs WHERE record_type = $1")
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
        let found = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO duplicate_pairs (record_type, a, b, reasons, likeness)
             SELECT $2, a, b, reasons, likeness FROM ({}) x",
            pairs_sql(kind)
        )))
        .bind(MAX_GROUP)
        .bind(kind.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Fresh statistics, in the transaction (its own rows count): the
        // figures below join the pairs, and so does the page's read (with
        // stale ones it joins by hash: 150 ms at a million persons, not 2).
        sqlx::query("ANALYZE duplicate_pairs")
            .execute(&mut *tx)
            .await?;
        // The data-quality figures count the pairs just found.
        crate::records::quality::ssr::count(&mut tx, kind).await?;
        sqlx::query(
            "INSERT INTO duplicate_scans (record_type, computed_at, took_ms, pairs)
             VALUES ($1, now(), $2, $3)
             ON CONFLICT (record_type) DO UPDATE
             SET computed_at = excluded.computed_at, took_ms = excluded.took_ms, pairs = excluded.pairs",
        )
        .bind(kind.as_str())
        .bind(started.elapsed().as_millis() as i32)
        .bind(found as i32)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The background pass: finds the pairs again of each kind whose
    /// records changed since they were last found.
    pub async fn refresh_changed(pool: &PgPool) -> AppResult<()> {
        for kind in kinds() {
            let d = kind.describe();
            let uncounted = if d.quality.is_some() {
                "OR NOT EXISTS (SELECT 1 FROM quality_counts WHERE record_type = $1)"
            } else {
                ""
            };
            let changed: bool = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT NOT EXISTS (SELECT 1 FROM duplicate_scans WHERE record_type = $1)
                     {uncounted}
                     OR EXISTS (SELECT 1 FROM {t} WHERE updated_at >
                                (SELECT computed_at FROM duplicate_scans WHERE record_type = $1))",
                t = d.table
            )))
            .bind(kind.as_str())
            .fetch_one(pool)
            .await?;
            if changed {
                refresh(pool, kind).await?;
            }
        }
        Ok(())
    }
}

/// `/duplicates`: one tab per kind that can be merged.
#[component]
pub fn DuplicatesPage() -> impl IntoView {
    use crate::ui::feedback::ErrorBanner;
    let i18n = use_i18n();
    let kinds: Vec<RecordKind> = RecordKind::ALL
        .into_iter()
        .filter(|k| k.describe().merge_links.is_some())
        .collect();
    let kind = RwSignal::new(kinds[0]);
    let again = RwSignal::new(0u32);
    let pairs = resource(
        move || (kind.get(), again.get()),
        |(k, _)| duplicate_pairs(k),
    );
    let error = RwSignal::new(None::<crate::error::AppError>);
    let rescan = Action::new(move |k: &RecordKind| {
        let k = *k;
        async move {
            match rescan_duplicates(k).await {
                Ok(()) => again.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let manager = move || crate::layout::Me::has(crate::auth::Role::Manager);
    let tab = move |k: RecordKind| {
        let label = move || (k.describe().plural)(i18n.get_locale());
        view! {
            <button
                role="tab"
                class="tab"
                aria-selected=move || (kind.get() == k).to_string()
                on:click=move |_| kind.set(k)
            >
                {label}
            </button>
        }
    };
    let reason = move |r: &str| match r {
        "email" => t_string!(i18n, merge.reason_email).to_string(),
        "phone" => t_string!(i18n, merge.reason_phone).to_string(),
        "similar" => t_string!(i18n, merge.reason_similar).to_string(),
        _ => t_string!(i18n, merge.reason_name).to_string(),
    };
    let row = move |p: DuplicatePair| {
        let href = super::merge::merge_href(p.a.kind, &[p.a.id, p.b.id]);
        let reasons = p
            .reasons
            .iter()
            .map(|r| reason(r))
            .collect::<Vec<_>>()
            .join(", ");
        let person = |l: RecordLink| {
            view! {
                <a href=l.kind.href(l.id)>{l.name}</a>
                " "
                <span class="muted">{l.detail}</span>
            }
        };
        view! {
            <tr>
                <td class="num">{format!("{} %", p.likeness)}</td>
                <td>{person(p.a)}</td>
                <td>{person(p.b)}</td>
                <td>{reasons}</td>
                <td>
                    <a href=href class="button">{t_string!(i18n, merge.review).to_string()}</a>
                </td>
            </tr>
        }
    };
    view! {
        <div class="page duplicates-page">
            <header class="page-header">
                <h1>{tx!(i18n, merge.dup_title)}</h1>
            </header>
            <p class="muted">{tx!(i18n, merge.dup_intro)}</p>
            <div role="tablist" class="tabs">
                {kinds.into_iter().map(tab).collect_view()}
            </div>
            <ErrorBanner error=error />
            <Transition fallback=|| ()>
                {move || {
                    let result = pairs.get()?;
                    Some(match result {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                        Ok(found) => {
                            let when = found.computed.clone().unwrap_or_default();
                            let list = found.pairs;
                            let none = list.is_empty();
                            view! {
                                <p class="muted duplicates-when">
                                    {found.computed.is_some().then(|| t_string!(i18n, merge.dup_computed, when).to_string())}
                                    {move || manager().then(|| view! {
                                        " "
                                        <button class="link-button" disabled=move || rescan.pending().get() on:click=move |_| {
                                            rescan.dispatch(kind.get_untracked());
                                        }>
                                            {move || if rescan.pending().get() {
                                                t_string!(i18n, merge.dup_rescanning).to_string()
                                            } else {
                                                t_string!(i18n, merge.dup_rescan).to_string()
                                            }}
                                        </button>
                                    })}
                                </p>
                                {none.then(|| view! { <p class="empty">{t_string!(i18n, merge.dup_none).to_string()}</p> })}
                                <div class="table-scroll" class:hidden=none>
                                    <table class="data-table duplicates-table">
                                        <thead>
                                            <tr>
                                                <th scope="col" class="num">{t_string!(i18n, merge.likeness).to_string()}</th>
                                                <th scope="col"></th>
                                                <th scope="col"></th>
                                                <th scope="col">{t_string!(i18n, merge.dup_reasons).to_string()}</th>
                                                <th scope="col"></th>
                                            </tr>
                                        </thead>
                                        <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                                    </table>
                                </div>
                            }
                                .erase()
                        }
                    })
                }}
            </Transition>
        </div>
    }
    .erase()
}
