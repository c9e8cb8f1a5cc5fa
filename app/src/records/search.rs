//! Finding records by what people type: the top bar's global search
//! (companies, persons and deals by name, email or phone; case, accents and
//! small typos forgiven) and the duplicate warning of the create forms.
//! Both use the folded `search_text` columns and their trigram indexes.

use super::{RecordKind, RecordLink};
use crate::error::AppResult;
use crate::i18n::*;
use crate::tx;
use crate::ui::erase::Erase;
use crate::ui::icons::{Icon, Svg};
use crate::ui::list::urlencode;
use crate::ui::resource::resource;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
#[cfg(feature = "ssr")]
use {
    crate::auth::Role,
    crate::ssr::{guard::require, list_sql::fold, pool},
    sqlx::AssertSqlSafe,
};

/// Results per kind in the global search.
pub const HITS_PER_KIND: i64 = 5;

#[cfg(feature = "ssr")]
fn detail_sql(kind: RecordKind) -> &'static str {
    kind.describe().detail_sql
}

/// How similar a near match must be (`<%`), for the transaction of a
/// duplicate check.
#[cfg(feature = "ssr")]
pub const SIMILARITY_THRESHOLD_SQL: &str =
    "SELECT set_config('pg_trgm.word_similarity_threshold', '0.5', true)";

/// Candidates ranked per kind after each pass: enough to rank, few enough
/// that ranking (the display name of each) stays under a millisecond.
#[cfg(feature = "ssr")]
const CANDIDATES: i64 = 25;

/// How close a word of the names in use must be to a typed word to replace
/// it (trigram `similarity`): "lefebre" → "lefebvre" is 0.55.
#[cfg(feature = "ssr")]
const CLOSE_WORD: &str = "0.45";

/// The statement of [`corrected`]: each word of four letters or more of
/// `$1` replaced by the closest other word of the names in use; `NULL`
/// when none was.
#[cfg(feature = "ssr")]
const CORRECTED_SQL: &str = "SELECT nullif(string_agg(coalesce(
        (SELECT s.word FROM search_words s
         WHERE length(x.w) >= 4 AND s.word % x.w AND s.word <> x.w
         ORDER BY similarity(s.word, x.w) DESC, s.word LIMIT 1),
        x.w), ' ' ORDER BY x.n), relais_fold($1))
     FROM unnest(string_to_array(relais_fold($1), ' ')) WITH ORDINALITY AS x(w, n)";

/// The text of a search with its typos corrected from the vocabulary of
/// the names in use (`search_words`, kept by triggers): "helene lefebre"
/// gives "helene lefebvre"; `None` when no word changed. One statement for
/// the whole search, under the trigram index's threshold of
/// [`CLOSE_WORD`] (0.8 ms among 13,000 words; at the default 0.3 the index
/// handed twice as many words to check).
#[cfg(feature = "ssr")]
pub async fn corrected(pool: &sqlx::PgPool, text: &str) -> AppResult<Option<String>> {
    if !text.split(' ').any(|w| w.chars().count() >= 4) {
        return Ok(None);
    }
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('pg_trgm.similarity_threshold', $1, true)")
        .bind(CLOSE_WORD)
        .execute(&mut *tx)
        .await?;
    let fixed: Option<String> = sqlx::query_scalar(CORRECTED_SQL)
        .bind(text)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(fixed)
}

/// The statement of [`hits`] for one kind, `$1` being the folded text,
/// `$2` the searcher and `$3` the [`corrected`] text or `NULL` (public so
/// that `server bench` times the very same SQL; interactions take no `$3`).
#[cfg(feature = "ssr")]
pub fn hits_sql(kind: RecordKind) -> String {
    if kind == RecordKind::Interaction {
        return interaction_hits_sql();
    }
    // Each pass runs only when the ones before found too few:
    // 1. keys starting with the text (the kind's `prefix_keys`: name in
    //    either order, email), a range of a btree that stops after a few
    //    rows (0.2 ms for "martin" among a million persons);
    // 2. the text anywhere (the trigram index, which reads every row
    //    holding the text's trigrams before any limit: 8 ms for "helene");
    // 3. typos: the [`corrected`] text looked up by 1 then 2. A near-match
    //    scan of the trigram index read 17,812 rows for "lefebre" (21 ms).
    // `q` is written into each pass (not materialised) so that its text
    // bounds the index scans (materialised, the prefix pass read the whole
    // name index: 190 ms). Ranking runs on the candidates only.
    let see = crate::access::ssr::see_sql(kind, "r", "q.viewer");
    let table = kind.module();
    let found = |ctes: &[&str]| {
        ctes.iter()
            .map(|c| format!("(SELECT count(*) FROM {c})"))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    format!(
        "WITH q AS NOT MATERIALIZED (SELECT relais_fold($1) AS t, $2::bigint AS viewer),
         prefix AS ({prefix}),
         exact AS (SELECT r.id FROM {table} r, q WHERE r.deleted_at IS NULL
                   AND {found_1} < {HITS_PER_KIND}
                   AND r.search_text LIKE '%' || q.t || '%' AND {see} LIMIT {CANDIDATES}),
         near AS ({near}),
         near_text AS (SELECT r.id FROM {table} r, q WHERE r.deleted_at IS NULL
                       AND {found_3} < {HITS_PER_KIND} AND $3::text IS NOT NULL
                       AND r.search_text LIKE '%' || $3::text || '%' AND {see} LIMIT {CANDIDATES}),
         c AS (SELECT id FROM prefix UNION SELECT id FROM exact
               UNION SELECT id FROM near UNION SELECT id FROM near_text)
         SELECT r.id, {name} AS name, {detail} AS detail
         FROM c JOIN {table} r ON r.id = c.id, q
         ORDER BY (left(relais_fold({name}), length(q.t)) = q.t
                   OR left(r.sort_name, length(q.t)) = q.t) DESC,
                  (r.search_text LIKE '%' || q.t || '%') DESC,
                  word_similarity(q.t, r.search_text) DESC, r.sort_name, r.id
         LIMIT {HITS_PER_KIND}",
        prefix = starting_with(kind, "q.t", "true", &see),
        near = starting_with(
            kind,
            "$3::text",
            &format!(
                "{} < {HITS_PER_KIND} AND $3::text IS NOT NULL",
                found(&["prefix", "exact"])
            ),
            &see
        ),
        found_1 = found(&["prefix"]),
        found_3 = found(&["prefix", "exact", "near"]),
        name = kind.name_sql(),
        detail = detail_sql(kind),
    )
}

/// Rows of `kind` one of whose prefix keys starts with `text` (`q.t`, or
/// the corrected text), the first five by each key, when `gate` holds.
/// The text must be a value known before the scan (a constant or a
/// parameter): joined as a relation, the planner walked whole indexes in
/// key order (7 s). The range is exact in the C collation of Relais' own
/// database; the `left()` test keeps it right in any other.
#[cfg(feature = "ssr")]
fn starting_with(kind: RecordKind, text: &str, gate: &str, see: &str) -> String {
    kind.describe()
        .prefix_keys
        .iter()
        .map(|key| {
            format!(
                "(SELECT r.id FROM {table} r, q WHERE r.deleted_at IS NULL AND {gate}
                  AND {key} >= {text} AND {key} < {text} || chr(1114111)
                  AND left({key}, length({text})) = {text} AND {see}
                  ORDER BY {key} LIMIT {HITS_PER_KIND})",
                table = kind.module(),
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ")
}

/// Interactions are searched among the searcher's own: those they are
/// assigned (an index-only scan of `interactions_calendar_idx`, which
/// carries the subject) and those they attend. Private ones of theirs are
/// found, nobody else's. A shared search over millions of subjects cannot be
/// bounded (a common word matches a million rows), nor can a typo pass, so
/// interactions match by substring only, latest first (the 20 latest of
/// each side are ranked: names starting with the text first). `q` stays
/// materialised here: written into the passes, its text let the planner
/// pick the trigram index over all 5 M subjects for the attended side
/// (12,621 rows for "helene", 36–240 ms) instead of the searcher's own 326.
#[cfg(feature = "ssr")]
fn interaction_hits_sql() -> String {
    format!(
        "WITH q AS (SELECT relais_fold($1) AS t, $2::bigint AS viewer),
         c AS ((SELECT r.id FROM interactions r, q
                WHERE r.owner_id = q.viewer AND r.deleted_at IS NULL
                  AND r.search_text LIKE '%' || q.t || '%' ORDER BY r.starts_at DESC LIMIT 20)
               UNION
               (SELECT r.id FROM interaction_attendees a
                JOIN interactions r ON r.id = a.interaction_id, q
                WHERE a.user_id = q.viewer AND r.deleted_at IS NULL
                  AND r.search_text LIKE '%' || q.t || '%' ORDER BY a.starts_at DESC LIMIT 20))
         SELECT r.id, r.subject AS name, {detail} AS detail
         FROM c JOIN interactions r ON r.id = c.id, q
         ORDER BY (r.search_text LIKE q.t || '%') DESC, r.starts_at DESC, r.id
         LIMIT {HITS_PER_KIND}",
        detail = detail_sql(RecordKind::Interaction),
    )
}

/// Ranked matches of one kind: names starting with the text first, then
/// the text anywhere, then the `fixed` text's (one statement).
#[cfg(feature = "ssr")]
async fn hits(
    pool: &sqlx::PgPool,
    kind: RecordKind,
    text: &str,
    fixed: Option<&str>,
    viewer: i64,
) -> AppResult<Vec<RecordLink>> {
    let sql = hits_sql(kind);
    let query = sqlx::query(AssertSqlSafe(sql)).bind(text).bind(viewer);
    if kind == RecordKind::Interaction {
        let rows = query.fetch_all(pool).await?;
        return rows.iter().map(|r| link_of(kind, r)).collect();
    }
    // One plan per connection, not one per search: PostgreSQL kept
    // planning these statements for each text (a custom plan, 0.2–1.3 ms
    // a kind, 4.2 ms a search, more than they take to run), while the plan
    // made for any text runs nearly as fast (5.4 against 4.7 ms for the
    // five kinds, measured on five texts at 1 M persons). Interactions plan
    // in 0.1 ms and keep theirs.
    let rows =
        crate::ssr::fetch_all_with(pool, crate::ssr::GENERIC_PLAN, query.bind(fixed)).await?;
    rows.iter().map(|r| link_of(kind, r)).collect()
}

/// Every kind's [`hits`] for the folded `text`, as `viewer` may see them:
/// the typos corrected once (interactions, which take no correction,
/// meanwhile), then the other kinds at once. Public so that
/// `server bench` times it.
#[cfg(feature = "ssr")]
pub async fn search_all(
    pool: &sqlx::PgPool,
    text: &str,
    viewer: i64,
) -> AppResult<Vec<RecordLink>> {
    // Interactions take no corrected text: they run beside the correction.
    let (fixed, mut interactions) = tokio::try_join!(
        corrected(pool, text),
        hits(pool, RecordKind::Interaction, text, None, viewer)
    )?;
    let fixed = fixed.as_deref();
    let mut found = futures::future::try_join_all(
        RecordKind::ALL
            .into_iter()
            .filter(|k| *k != RecordKind::Interaction)
            .map(|kind| hits(pool, kind, text, fixed, viewer)),
    )
    .await?
    .into_iter();
    // In `RecordKind::ALL`'s order.
    Ok(RecordKind::ALL
        .into_iter()
        .flat_map(|kind| {
            if kind == RecordKind::Interaction {
                std::mem::take(&mut interactions)
            } else {
                found.next().unwrap_or_default()
            }
        })
        .collect())
}

/// A row of `id`, `name`, `detail` as a link to a record of `kind`.
#[cfg(feature = "ssr")]
fn link_of(kind: RecordKind, r: &sqlx::postgres::PgRow) -> AppResult<RecordLink> {
    use sqlx::Row;
    Ok(RecordLink {
        kind,
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        detail: r.try_get("detail")?,
    })
}

/// The top bar's search: up to [`HITS_PER_KIND`] companies, persons and
/// deals, best first. Fewer than two characters find nothing.
#[server(prefix = "/api/search", endpoint = "global", input = server_fn::codec::Json)]
pub async fn global_search(q: String) -> AppResult<Vec<RecordLink>> {
    let user = require(Role::Member).await?;
    let text = fold(&q);
    if text.chars().count() < 2 || text.chars().count() > 100 {
        return Ok(Vec::new());
    }
    search_all(&pool()?, &text, user.id).await
}

/// Records that look like the one being created: a similar name, or the
/// same email or phone. `exclude` is the record being edited, if any.
#[server(prefix = "/api/search", endpoint = "duplicates", input = server_fn::codec::Json)]
pub async fn find_duplicates(
    kind: RecordKind,
    name: String,
    email: String,
    phone: String,
    exclude: Option<i64>,
) -> AppResult<Vec<RecordLink>> {
    require(Role::Member).await?;
    ssr::duplicates(&pool()?, kind, &name, &email, &phone, exclude).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{RecordKind, RecordLink, detail_sql};
    use crate::error::{AppError, AppResult};
    use sqlx::AssertSqlSafe;

    /// The statement of [`duplicates`] for `kind`: `$1` name, `$2` email
    /// (lower case), `$3` phone digits, `$4` the record to leave out, `$5`
    /// the phone as typed (matched in any notation by its key).
    /// Companies, persons and deals only (interactions have no duplicates).
    pub fn duplicates_sql(kind: RecordKind) -> Option<String> {
        // Only the kinds that have an email compare emails.
        let email = kind.describe().email_match_sql?;
        let phone = kind.describe().phone_match_sql.unwrap_or("false");
        Some(format!(
            "WITH q AS (SELECT relais_fold($1) AS t, relais_phone_key($5) AS pk)
             SELECT r.id, {name} AS name, {detail} AS detail FROM {table} r, q
             WHERE r.deleted_at IS NULL AND r.id <> $4
               AND ((length(q.t) >= 3 AND q.t <% r.search_text AND similarity(q.t, relais_fold({name})) >= 0.45)
                    OR {email}
                    OR (q.pk IS NOT NULL AND {phone})
                    OR (length($3) >= 6 AND r.search_text LIKE '%' || $3 || '%'))
             ORDER BY similarity(q.t, relais_fold({name})) DESC, r.id LIMIT 5",
            table = kind.module(),
            name = kind.name_sql(),
            detail = detail_sql(kind),
        ))
    }

    /// The likely duplicates of a record being created or edited (`exclude`).
    pub async fn duplicates(
        pool: &sqlx::PgPool,
        kind: RecordKind,
        name: &str,
        email: &str,
        phone: &str,
        exclude: Option<i64>,
    ) -> AppResult<Vec<RecordLink>> {
        let Some(sql) = duplicates_sql(kind) else {
            return Err(AppError::NotFound);
        };
        let name = name.trim().to_string();
        let email = email.trim().to_lowercase();
        let digits: String = phone.chars().filter(|c| c.is_ascii_digit()).collect();
        if name.chars().count() < 3 && email.is_empty() && digits.len() < 6 {
            return Ok(Vec::new());
        }
        let mut tx = pool.begin().await?;
        sqlx::query(super::SIMILARITY_THRESHOLD_SQL)
            .execute(&mut *tx)
            .await?;
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(&name)
            .bind(&email)
            .bind(&digits)
            .bind(exclude.unwrap_or(0))
            .bind(phone.trim())
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.iter().map(|r| super::link_of(kind, r)).collect()
    }

    /// Refuses to create a record that looks like existing ones, unless the
    /// person saw them and said "save anyway" (`confirmed`).
    pub async fn refuse_duplicates(
        pool: &sqlx::PgPool,
        kind: RecordKind,
        (name, email, phone): (&str, &str, &str),
        confirmed: bool,
    ) -> AppResult<()> {
        if confirmed {
            return Ok(());
        }
        let matches = duplicates(pool, kind, name, email, phone, None).await?;
        if matches.is_empty() {
            Ok(())
        } else {
            Err(AppError::Duplicates { matches })
        }
    }
}

/// A kind of record in the reader's language ("Person").
pub fn kind_label(i18n: crate::ui::feedback::I18n, kind: RecordKind) -> String {
    (kind.describe().singular)(i18n.get_locale()).to_string()
}

/// The top bar's search box: results as you type, arrows and Enter pick,
/// Escape closes; `/` or Ctrl+K anywhere puts the cursor in it.
#[component]
pub fn GlobalSearch() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let text = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    // Results exist only in the browser (nothing is typed during SSR).
    let results = LocalResource::new(move || {
        let q = asked.get();
        async move {
            if q.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                global_search(q).await
            }
        }
    });
    let hits = move || results.get().and_then(|r| r.ok()).unwrap_or_default();
    #[cfg(feature = "hydrate")]
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let on_input = move |ev| {
        let v = event_target_value(&ev);
        text.set(v.clone());
        open.set(true);
        active.set(None);
        #[cfg(feature = "hydrate")]
        pending.set_value(Some(gloo_timers::callback::Timeout::new(200, move || {
            asked.set(v)
        })));
        #[cfg(not(feature = "hydrate"))]
        asked.set(v);
    };
    #[cfg(feature = "hydrate")]
    {
        // The keyboard shortcut, for the whole page.
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let typing = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
                .unwrap_or(false);
            let shortcut = (ev.key() == "k" && (ev.ctrl_key() || ev.meta_key()))
                || (ev.key() == "/" && !typing);
            if shortcut {
                ev.prevent_default();
                if let Some(input) = document().get_element_by_id("global-search") {
                    let _ =
                        wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(input).focus();
                }
            }
        });
        on_cleanup(move || handle.remove());
    }
    let go = {
        let navigate = navigate.clone();
        move |href: String| {
            open.set(false);
            text.set(String::new());
            asked.set(String::new());
            navigate(&href, Default::default());
        }
    };
    let on_key = {
        let go = go.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let n = hits().len();
            match ev.key().as_str() {
                "ArrowDown" if n > 0 => {
                    ev.prevent_default();
                    open.set(true);
                    active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
                }
                "ArrowUp" if n > 0 => {
                    ev.prevent_default();
                    active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
                }
                "Escape" => {
                    open.set(false);
                    active.set(None);
                }
                "Enter" => {
                    ev.prevent_default();
                    let list = hits();
                    match active.get_untracked().and_then(|i| list.get(i)) {
                        Some(h) => go(h.kind.href(h.id)),
                        None => {
                            let q = text.get_untracked();
                            if !q.trim().is_empty() {
                                go(format!("/search?q={}", urlencode(&q)));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    };
    view! {
        <div class="global-search" role="search">
            <label class="visually-hidden" for="global-search">{tx!(i18n, topbar.search_label)}</label>
            <Svg icon=Icon::Search />
            <input
                id="global-search"
                type="search"
                role="combobox"
                autocomplete="off"
                aria-autocomplete="list"
                aria-controls="global-search-results"
                aria-expanded=move || (open.get() && !hits().is_empty()).to_string()
                aria-activedescendant=move || active.get().map(|i| format!("gs-{i}")).unwrap_or_default()
                placeholder=tx!(i18n, topbar.search_placeholder)
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_key
                on:blur=move |_| {
                    #[cfg(feature = "hydrate")]
                    gloo_timers::callback::Timeout::new(150, move || open.set(false)).forget();
                }
            />
            <Show when=move || open.get() && !hits().is_empty()>
                <ul id="global-search-results" class="search-results" role="listbox">
                    {move || {
                        hits()
                            .into_iter()
                            .enumerate()
                            .map(|(i, h)| {
                                let href = h.kind.href(h.id);
                                view! {
                                    <li
                                        id=format!("gs-{i}")
                                        role="option"
                                        aria-selected=move || (active.get() == Some(i)).to_string()
                                    >
                                        <a href=href>
                                            <span class="hit-kind">{kind_label(i18n, h.kind)}</span>
                                            <span class="hit-name">{h.name}</span>
                                            <span class="hit-detail muted">{h.detail}</span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </div>
    }
    .erase()
}

/// "Possible duplicates" under a create form, refreshed as the name, email
/// or phone change. It warns; it never blocks the save.
#[component]
pub fn DuplicateWarning(
    kind: RecordKind,
    name: Signal<String>,
    email: Signal<String>,
    phone: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let probe = RwSignal::new((String::new(), String::new(), String::new()));
    #[cfg(feature = "hydrate")]
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    Effect::new(move || {
        let now = (name.get(), email.get(), phone.get());
        #[cfg(feature = "hydrate")]
        pending.set_value(Some(gloo_timers::callback::Timeout::new(300, move || {
            probe.set(now)
        })));
        #[cfg(not(feature = "hydrate"))]
        let _ = now;
    });
    let found = resource(
        move || probe.get(),
        move |(n, e, p)| async move {
            if n.trim().is_empty() && e.trim().is_empty() && p.trim().is_empty() {
                Ok(Vec::new())
            } else {
                find_duplicates(kind, n, e, p, None).await
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || {
                let list = found.get().and_then(|r| r.ok()).unwrap_or_default();
                (!list.is_empty())
                    .then(|| {
                        view! {
                            <aside class="banner banner-warning duplicates" role="status">
                                <p>{t_string!(i18n, record.possible_duplicates).to_string()}</p>
                                <ul>
                                    {list
                                        .into_iter()
                                        .map(|h| {
                                            view! {
                                                <li>
                                                    <a href=h.kind.href(h.id) target="_blank">{h.name}</a>
                                                    " "
                                                    <span class="muted">{h.detail}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </aside>
                        }
                    })
            }}
        </Transition>
    }
    .erase()
}

/// Records of a kind whose name contains `q`, for pickers (at most 10).
#[server(prefix = "/api/search", endpoint = "pick", input = server_fn::codec::Json)]
pub async fn pick_records(kind: RecordKind, q: String) -> AppResult<Vec<(i64, String)>> {
    let user = require(Role::Member).await?;
    if q.chars().count() > crate::ssr::list_sql::MAX_TEXT {
        return Ok(Vec::new());
    }
    let rows = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT r.id, {name} FROM {table} r WHERE r.deleted_at IS NULL AND r.search_text LIKE relais_fold($1)
           AND {see}
         ORDER BY r.sort_name, r.id LIMIT 10",
        name = kind.name_sql(),
        table = kind.module(),
        see = crate::access::ssr::see_sql(kind, "r", "$2"),
    )))
    .bind(crate::ssr::list_sql::contains_pattern(&q))
    .bind(user.id)
    .fetch_all(&pool()?)
    .await?;
    Ok(rows)
}

/// The display name of a live record.
#[server(prefix = "/api/search", endpoint = "name", input = server_fn::codec::Json)]
pub async fn record_name(kind: RecordKind, id: i64) -> AppResult<String> {
    let user = require(Role::Member).await?;
    let pool = pool()?;
    crate::access::ssr::ensure(&pool, &user, kind, id, crate::access::May::See).await?;
    let name: Option<String> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT {name} FROM {table} r WHERE r.id = $1 AND r.deleted_at IS NULL",
        name = kind.name_sql(),
        table = kind.module()
    )))
    .bind(id)
    .fetch_optional(&pool)
    .await?;
    name.ok_or(crate::error::AppError::NotFound)
}
