//! Data quality (`/quality`): per kind measured (its descriptor has a
//! [`Quality`](super::kind::Quality)), the share of **complete** records
//! (every expected field set), of **valid** contact details (emails and
//! phones well formed) and of **probable duplicates**, against the targets
//! of the data-quality training: at least 95 %, at least 98 %, under 2 %.
//! Each figure links to the kind's list filtered on the records at fault
//! (the list's `quality` filter, [`problem_sql`](ssr::problem_sql)), so its
//! mass actions work on them.
//!
//! The figures are counted by the background pass that finds duplicates
//! (`duplicates::ssr::refresh`, when records changed) and read from
//! `quality_counts`: a count takes a full scan of the table (about 0.3 s
//! at a million persons), too long for a page many people open. The
//! filtered lists are live.

use super::RecordKind;
use crate::error::AppResult;
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::feedback::I18n;
use crate::ui::list::{Filter, FilterOp, ListQuery};
use crate::ui::resource::resource;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::ssr::{guard::require, pool},
};

/// What is wrong with a record, as the list's `quality` filter names it.
pub const PROBLEMS: &[&str] = &["incomplete", "invalid", "duplicate"];

pub fn problem_label(i18n: I18n, problem: &str) -> String {
    match problem {
        "incomplete" => t_string!(i18n, quality.problem_incomplete).to_string(),
        "invalid" => t_string!(i18n, quality.problem_invalid).to_string(),
        "duplicate" => t_string!(i18n, quality.problem_duplicate).to_string(),
        other => other.to_string(),
    }
}

/// The list of `kind`'s records with `problem`.
pub fn problem_href(kind: RecordKind, problem: &str) -> String {
    let q = ListQuery {
        filters: vec![Filter {
            field: "quality".into(),
            op: FilterOp::Is,
            value: problem.into(),
        }],
        ..Default::default()
    };
    format!("{}{}", kind.describe().base, q.to_query_string())
}

/// One kind's figures, as last counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub kind: RecordKind,
    /// Live records.
    pub total: i64,
    /// With every expected field set.
    pub complete: i64,
    /// With at least one email or phone…
    pub with_contacts: i64,
    /// …and of those, all well formed.
    pub valid: i64,
    /// In a probable duplicate pair with another live record.
    pub duplicates: i64,
    /// When they were counted, in the reader's zone.
    pub computed: String,
}

/// A share against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// Records that count (complete, valid or duplicates)…
    pub count: i64,
    /// …out of these.
    pub of: i64,
    /// The target in percent.
    pub target: i64,
    /// `true`: the share must be at least the target; `false`: under it.
    pub at_least: bool,
}

impl Measure {
    /// The share in percent, one decimal; `None` when there is nothing to
    /// measure.
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| (self.count * 1000 / self.of) as f64 / 10.0)
    }

    /// Whether the target is met (exactly, in integers: 949 of 1,000 is
    /// not 95 %). Nothing to measure meets it.
    pub fn met(self) -> bool {
        if self.of == 0 {
            return true;
        }
        if self.at_least {
            self.count * 100 >= self.target * self.of
        } else {
            self.count * 100 < self.target * self.of
        }
    }
}

impl Figures {
    pub fn complete(&self) -> Measure {
        Measure {
            count: self.complete,
            of: self.total,
            target: 95,
            at_least: true,
        }
    }

    pub fn valid(&self) -> Measure {
        Measure {
            count: self.valid,
            of: self.with_contacts,
            target: 98,
            at_least: true,
        }
    }

    pub fn duplicates(&self) -> Measure {
        Measure {
            count: self.duplicates,
            of: self.total,
            target: 2,
            at_least: false,
        }
    }
}

/// The figures of every measured kind (those counted yet).
#[server(prefix = "/api/quality", endpoint = "figures", input = server_fn::codec::Json)]
pub async fn quality_figures() -> AppResult<Vec<Figures>> {
    let user = require(Role::Member).await?;
    ssr::read(&pool()?, &user).await
}

/// Counts again now, with the duplicates (managers and admins: seconds at
/// a million records).
#[server(prefix = "/api/quality", endpoint = "recount", input = server_fn::codec::Json)]
pub async fn recount_quality() -> AppResult<()> {
    require(Role::Manager).await?;
    let pool = pool()?;
    for kind in ssr::kinds() {
        super::duplicates::ssr::refresh(&pool, kind).await?;
    }
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::CurrentUser;
    use sqlx::{AssertSqlSafe, Postgres, Row, Transaction};

    /// The kinds measured.
    pub fn kinds() -> impl Iterator<Item = RecordKind> {
        RecordKind::ALL
            .into_iter()
            .filter(|k| k.describe().quality.is_some())
    }

    /// SQL true when the row aliased `r` of `kind` has `problem` (one of
    /// [`PROBLEMS`]); `None` for a kind not measured or an unknown
    /// problem. The one place each rule is written: the list's filter and
    /// the counts both use it.
    pub fn problem_sql(kind: RecordKind, r: &str, problem: &str) -> Option<String> {
        let d = kind.describe();
        let q = d.quality.as_ref()?;
        Some(match problem {
            "incomplete" => format!("NOT ({})", complete_sql(q, r)),
            // The column the database keeps (migration `data_quality`).
            "invalid" => format!("NOT {r}.contacts_ok"),
            // A semi-join (an anti-join under NOT) on the set of ids in a
            // pair with a live record: an `IN` list of a few hundred
            // thousand ids would be probed row by row.
            "duplicate" => format!(
                "EXISTS (SELECT 1 FROM ({}) dup WHERE dup.id = {r}.id)",
                duplicate_ids_sql(kind)
            ),
            _ => return None,
        })
    }

    /// The ids of `kind`'s records in a probable duplicate pair (as the
    /// background pass last found them) whose other record is live.
    fn duplicate_ids_sql(kind: RecordKind) -> String {
        let d = kind.describe();
        let (t, rt) = (d.table, d.record_type);
        let side = |me: &str, other: &str| {
            format!(
                "SELECT d.{me} AS id FROM duplicate_pairs d
                 JOIN {t} o ON o.id = d.{other} AND o.deleted_at IS NULL
                 WHERE d.record_type = '{rt}'"
            )
        };
        format!("{} UNION ALL {}", side("a", "b"), side("b", "a"))
    }

    fn complete_sql(q: &crate::records::kind::Quality, r: &str) -> String {
        q.expected
            .iter()
            .map(|group| {
                let any = group
                    .iter()
                    .map(|f| format!("coalesce({r}.{f}::text, '') <> ''"))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                format!("({any})")
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// SQL true when the row aliased `r` has at least one email or phone.
    fn has_contacts_sql(q: &crate::records::kind::Quality, r: &str) -> String {
        q.contacts
            .iter()
            .map(|f| format!("coalesce({r}.{f}, '') <> ''"))
            .collect::<Vec<_>>()
            .join(" OR ")
    }

    /// The counts of `kind`'s live records: one pass over the table for
    /// all but the duplicates, then the duplicates as a semi-join (in the
    /// pass, as a `FILTER`, PostgreSQL would probe the set row by row).
    pub fn count_sql(kind: RecordKind) -> Option<String> {
        let d = kind.describe();
        let q = d.quality.as_ref()?;
        let has_contacts = has_contacts_sql(q, "r");
        Some(format!(
            "SELECT count(*) AS total,
                    count(*) FILTER (WHERE {complete}) AS complete,
                    count(*) FILTER (WHERE {has_contacts}) AS with_contacts,
                    count(*) FILTER (WHERE ({has_contacts}) AND r.contacts_ok) AS valid,
                    (SELECT count(*) FROM {t} r WHERE r.deleted_at IS NULL AND {duplicate})
                        AS duplicates
             FROM {t} r WHERE r.deleted_at IS NULL",
            complete = complete_sql(q, "r"),
            duplicate = problem_sql(kind, "r", "duplicate")?,
            t = d.table,
        ))
    }

    /// The same counts per owner (`0`: no owner), for today's row of the
    /// Quality report's history (`quality_history`, `$1` the kind). The
    /// duplicates are a hash join on the set of ids in a pair.
    pub fn history_sql(kind: RecordKind) -> Option<String> {
        let d = kind.describe();
        let q = d.quality.as_ref()?;
        let has_contacts = has_contacts_sql(q, "r");
        Some(format!(
            "INSERT INTO quality_history
                 (record_type, day, owner_id, total, complete, with_contacts, valid, duplicates)
             SELECT $1, (now() AT TIME ZONE relais_org_zone())::date, coalesce(r.owner_id, 0),
                    count(*),
                    count(*) FILTER (WHERE {complete}),
                    count(*) FILTER (WHERE {has_contacts}),
                    count(*) FILTER (WHERE ({has_contacts}) AND r.contacts_ok),
                    count(dup.id)
             FROM {t} r
             LEFT JOIN (SELECT DISTINCT id FROM ({dup_ids}) ids) dup ON dup.id = r.id
             WHERE r.deleted_at IS NULL
             GROUP BY coalesce(r.owner_id, 0)",
            complete = complete_sql(q, "r"),
            dup_ids = duplicate_ids_sql(kind),
            t = d.table,
        ))
    }

    /// Counts `kind` again into `quality_counts` (in the transaction that
    /// has just found its duplicate pairs, and analysed them). Nothing for
    /// a kind not measured.
    pub async fn count(tx: &mut Transaction<'_, Postgres>, kind: RecordKind) -> AppResult<()> {
        let Some(sql) = count_sql(kind) else {
            return Ok(());
        };
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO quality_counts
                 (record_type, computed_at, total, complete, with_contacts, valid, duplicates)
             SELECT $1, now(), total, complete, with_contacts, valid, duplicates FROM ({sql}) c
             ON CONFLICT (record_type) DO UPDATE
             SET computed_at = excluded.computed_at, total = excluded.total,
                 complete = excluded.complete, with_contacts = excluded.with_contacts,
                 valid = excluded.valid, duplicates = excluded.duplicates"
        )))
        .bind(kind.as_str())
        .execute(&mut **tx)
        .await?;
        // Today's figures per owner: the last count of a day stays.
        if let Some(history) = history_sql(kind) {
            sqlx::query(
                "DELETE FROM quality_history
                 WHERE record_type = $1 AND day = (now() AT TIME ZONE relais_org_zone())::date",
            )
            .bind(kind.as_str())
            .execute(&mut **tx)
            .await?;
            sqlx::query(AssertSqlSafe(history))
                .bind(kind.as_str())
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    pub async fn read(pool: &sqlx::PgPool, user: &CurrentUser) -> AppResult<Vec<Figures>> {
        let rows = sqlx::query("SELECT * FROM quality_counts")
            .fetch_all(pool)
            .await?;
        let tz = crate::ssr::zones::zone(&user.time_zone);
        let mut out = Vec::new();
        for kind in kinds() {
            let Some(r) = rows.iter().find(|r| {
                r.try_get::<String, _>("record_type")
                    .is_ok_and(|t| t == kind.as_str())
            }) else {
                continue;
            };
            let at: chrono::DateTime<chrono::Utc> = r.try_get("computed_at")?;
            out.push(Figures {
                kind,
                total: r.try_get("total")?,
                complete: r.try_get("complete")?,
                with_contacts: r.try_get("with_contacts")?,
                valid: r.try_get("valid")?,
                duplicates: r.try_get("duplicates")?,
                computed: crate::ssr::zones::to_local(tz, at)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
            });
        }
        Ok(out)
    }
}

/// What "complete" asks of a kind, in words: "first name, last name,
/// email, phone or mobile".
fn expected_text(i18n: I18n, kind: RecordKind) -> String {
    let d = kind.describe();
    let l = i18n.get_locale();
    let or = format!(" {} ", t_string!(i18n, quality.or));
    d.quality
        .as_ref()
        .map(|q| {
            q.expected
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|f| d.label(l, f).to_lowercase())
                        .collect::<Vec<_>>()
                        .join(&or)
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// `/quality`: a card per measured kind, three figures each.
#[component]
pub fn QualityPage() -> impl IntoView {
    use crate::ui::feedback::ErrorBanner;
    use crate::ui::list::group_digits;
    let i18n = use_i18n();
    let again = RwSignal::new(0u32);
    let figures = resource(move || again.get(), |_| quality_figures());
    let error = RwSignal::new(None::<crate::error::AppError>);
    let recount = Action::new(move |_: &()| async move {
        match recount_quality().await {
            Ok(()) => again.update(|n| *n += 1),
            Err(e) => error.set(Some(e)),
        }
    });
    let manager = move || crate::layout::Me::has(crate::auth::Role::Manager);
    // One figure: its share as a link to the records at fault, the
    // target, and whether it is met (in words, not colour alone).
    let figure = move |kind: RecordKind, name: &'static str, m: Measure, faults: i64| {
        // The records at fault: incomplete ones under "complete".
        let problem = if name == "complete" {
            "incomplete"
        } else {
            name
        };
        let (label, target, fault_text) = match name {
            "complete" => (
                t_string!(i18n, quality.complete).to_string(),
                t_string!(i18n, quality.target_at_least, n = m.target).to_string(),
                t_string!(
                    i18n,
                    quality.faults_incomplete,
                    n = group_digits(i18n, faults)
                )
                .to_string(),
            ),
            "invalid" => (
                t_string!(i18n, quality.valid).to_string(),
                t_string!(i18n, quality.target_at_least, n = m.target).to_string(),
                t_string!(i18n, quality.faults_invalid, n = group_digits(i18n, faults)).to_string(),
            ),
            _ => (
                t_string!(i18n, quality.duplicates).to_string(),
                t_string!(i18n, quality.target_under, n = m.target).to_string(),
                t_string!(
                    i18n,
                    quality.faults_duplicate,
                    n = group_digits(i18n, faults)
                )
                .to_string(),
            ),
        };
        let percent = m
            .percent()
            .map(|p| {
                let p = format!("{p:.1}");
                if i18n.get_locale_untracked() == Locale::fr {
                    format!("{}\u{a0}%", p.replace('.', ","))
                } else {
                    format!("{p}\u{a0}%")
                }
            })
            .unwrap_or_else(|| "—".into());
        let met = m.met();
        let verdict = if met {
            t_string!(i18n, quality.met).to_string()
        } else {
            t_string!(i18n, quality.not_met).to_string()
        };
        let href = problem_href(kind, problem);
        view! {
            <div class="quality-figure" class:met=met class:not-met=!met data-figure=name>
                <span class="quality-label">{label}</span>
                <a href=href.clone() class="quality-value">{percent}</a>
                <span class="quality-target">
                    <span class="quality-verdict">{if met { "✓ " } else { "✗ " }}{verdict}</span>
                    " · "
                    {target}
                </span>
                <a href=href class="quality-faults">{fault_text}</a>
            </div>
        }
    };
    let card = move |f: Figures| {
        let kind = f.kind;
        let d = kind.describe();
        let title = (d.plural)(i18n.get_locale());
        let total = group_digits(i18n, f.total);
        let expected = expected_text(i18n, kind);
        view! {
            <section class="card quality-card" data-kind=kind.as_str()>
                <header class="quality-card-head">
                    <h2>{title}</h2>
                    <span class="muted">{t_string!(i18n, quality.records, n = total).to_string()}</span>
                </header>
                <div class="quality-figures">
                    {figure(kind, "complete", f.complete(), f.total - f.complete)}
                    {figure(kind, "invalid", f.valid(), f.with_contacts - f.valid)}
                    {figure(kind, "duplicate", f.duplicates(), f.duplicates)}
                </div>
                <p class="muted quality-means">
                    {t_string!(i18n, quality.complete_means, fields = expected).to_string()}
                </p>
            </section>
        }
    };
    view! {
        <div class="page quality-page">
            <header class="page-header">
                <h1>{tx!(i18n, quality.title)}</h1>
            </header>
            <p class="muted">{tx!(i18n, quality.intro)}</p>
            <ErrorBanner error=error />
            <Transition fallback=|| ()>
                {move || {
                    let result = figures.get()?;
                    Some(match result {
                        Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) /> }.erase(),
                        Ok(list) => {
                            let when = list.first().map(|f| f.computed.clone());
                            view! {
                                <p class="muted quality-when">
                                    {match when {
                                        Some(w) => t_string!(i18n, quality.computed, when = w).to_string(),
                                        None => t_string!(i18n, quality.not_yet).to_string(),
                                    }}
                                    {move || manager().then(|| view! {
                                        " "
                                        <button class="link-button" disabled=move || recount.pending().get()
                                            on:click=move |_| { recount.dispatch(()); }>
                                            {move || if recount.pending().get() {
                                                t_string!(i18n, quality.recounting).to_string()
                                            } else {
                                                t_string!(i18n, quality.recount).to_string()
                                            }}
                                        </button>
                                    })}
                                </p>
                                <div class="quality-cards">{list.into_iter().map(card).collect_view()}</div>
                                <p class="muted">
                                    <a href="/duplicates">{t_string!(i18n, quality.to_duplicates).to_string()}</a>
                                </p>
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

#[cfg(test)]
mod tests {
    use super::*;

    fn m(count: i64, of: i64, target: i64, at_least: bool) -> Measure {
        Measure {
            count,
            of,
            target,
            at_least,
        }
    }

    #[test]
    fn targets_are_judged_exactly() {
        // 949 of 1,000 is 94.9 %: not 95 %, though it rounds up.
        assert!(!m(949, 1000, 95, true).met());
        assert!(m(950, 1000, 95, true).met());
        assert_eq!(m(949, 1000, 95, true).percent(), Some(94.9));
        // Duplicates must stay under the target: 2 % exactly is too many.
        assert!(m(19, 1000, 2, false).met());
        assert!(!m(20, 1000, 2, false).met());
        // Nothing to measure: no share, nothing to fall short of.
        assert_eq!(m(0, 0, 98, true).percent(), None);
        assert!(m(0, 0, 98, true).met());
        // Shares are cut, not rounded, to one decimal: 2 of 3 is 66.6 %.
        assert_eq!(m(2, 3, 98, true).percent(), Some(66.6));
    }

    #[test]
    fn a_figure_links_to_its_list_filtered_on_the_problem() {
        assert_eq!(
            problem_href(RecordKind::Person, "invalid"),
            format!(
                "/persons?f={}",
                crate::ui::list::urlencode("quality.is.invalid")
            )
        );
    }
}
