#!/usr/bin/env bash
# Audits a running Relais with Lighthouse (mobile preset, the default form
# factor) in /usr/bin/chromium: Performance, Accessibility and Best Practices
# of every kind of page (login, Desk, each list, a record page of each kind,
# calendar week and month, Planning, both boards, search, settings, reports,
# documents, import, duplicates, data quality, trash), plus whether the app
# is installable. PAGES=login,desk,persons audits only those.
# Reports go to target/lighthouse/; a markdown summary is printed (and saved
# as target/lighthouse/summary.md).
#
#   BASE_URL=http://127.0.0.1:3300 scripts/lighthouse.sh
#
# Environment: BASE_URL, EMAIL, PASSWORD, LH_DIR (where Lighthouse is
# installed), CHROME_PATH, OUT_DIR, PAGES (names, comma-separated), RUNS (runs per page, default 3: one run
# is noisy on a busy machine; the median Performance run is kept), THRESHOLD (categories below it list their
# failing audits), TOP (audits listed per category).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_URL="${BASE_URL:-http://127.0.0.1:3300}"
BASE_URL="${BASE_URL%/}"
EMAIL="${EMAIL:-admin@relais.example}"
PASSWORD="${PASSWORD:-relais-e2e-2026}"
LH_DIR="${LH_DIR:-$ROOT/.tools/lighthouse}"
OUT_DIR="${OUT_DIR:-$ROOT/target/lighthouse}"
RUNS="${RUNS:-3}"
THRESHOLD="${THRESHOLD:-95}"
TOP="${TOP:-8}"
CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

# Lighthouse 12.8.2: the newest line that runs on Node 20 (13.x needs
# Node >= 22.19). It has no PWA category any more, so installability is asked
# of Chrome itself over CDP (Page.getInstallabilityErrors) with puppeteer-core,
# which Lighthouse itself depends on: pinned here to the version it uses.
LH_VERSION=12.8.2
PUPPETEER_VERSION=24.43.1
CHROME_FLAGS=(--headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --disable-sync --no-first-run
  # The rest of chrome-launcher's defaults, as `lighthouse` would launch it.
  --disable-extensions --disable-default-apps --mute-audio --no-default-browser-check
  --disable-client-side-phishing-detection --metrics-recording-only
  --disable-backgrounding-occluded-windows --disable-renderer-backgrounding
  --disable-background-timer-throttling --disable-ipc-flooding-protection
  --disable-hang-monitor --disable-prompt-on-repost --disable-domain-reliability
  --password-store=basic
  --disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,RenderDocument)

die() { echo "lighthouse.sh: $*" >&2; exit 1; }

# --- install (only if missing) -------------------------------------------
LH="$LH_DIR/node_modules/.bin/lighthouse"
if [ "$("$LH" --version 2>/dev/null || true)" != "$LH_VERSION" ] ||
  [ ! -f "$LH_DIR/node_modules/puppeteer-core/package.json" ]; then
  echo "==> installing lighthouse@$LH_VERSION into $LH_DIR" >&2
  mkdir -p "$LH_DIR"
  # puppeteer-core never downloads a browser; Chromium is the system one.
  npm install --prefix "$LH_DIR" --no-audit --no-fund --loglevel=error \
    "lighthouse@$LH_VERSION" "puppeteer-core@$PUPPETEER_VERSION" >&2
fi
[ -x "$CHROME_PATH" ] || die "no Chromium at $CHROME_PATH"
export LH_DIR BASE_URL

# --- log in: the `login` server function sets the session cookie ----------
curl -fsS -o /dev/null "$BASE_URL/login" || die "$BASE_URL/login does not answer"
tmp="$(mktemp -d)"
CHROME_PID=""
cleanup() {
  if [ -n "$CHROME_PID" ]; then kill "$CHROME_PID" 2>/dev/null || true; wait "$CHROME_PID" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
body="$(node -e 'console.log(JSON.stringify({email: process.argv[1], password: process.argv[2], locale: "en"}))' \
  "$EMAIL" "$PASSWORD")"
status="$(curl -sS -o "$tmp/login.json" -D "$tmp/login.headers" -w '%{http_code}' \
  -H 'Content-Type: application/json' -H 'Accept: application/json' \
  --data "$body" "$BASE_URL/api/auth/login")"
[ "$status" = 200 ] || die "login as $EMAIL failed (HTTP $status): $(cat "$tmp/login.json")"
# Every Set-Cookie as name=value (the session plus locale/theme/density).
COOKIE="$(tr -d '\r' <"$tmp/login.headers" | sed -n 's/^[Ss]et-[Cc]ookie: *\([^;]*\).*/\1/p' | paste -sd ';' | sed 's/;/; /g')"
[ -n "$COOKIE" ] || die "login answered 200 but set no cookie"
export COOKIE

# --- one Chromium for every audit ---------------------------------------------
# Not `--extra-headers '{"Cookie": ...}'`: the page answer sets a cookie
# (i18n_pref_locale), and from then on Chrome sends its cookie jar instead of
# the extra Cookie header, so the app's own API calls lost the session (401).
# So the cookies go into the jar of a Chrome we start, and Lighthouse audits
# in it through --port (it clears caches and service workers, not cookies).
"$CHROME_PATH" "${CHROME_FLAGS[@]}" --remote-debugging-port=0 --user-data-dir="$tmp/profile" \
  about:blank >"$tmp/chrome.log" 2>&1 &
CHROME_PID=$!
for _ in $(seq 1 100); do [ -s "$tmp/profile/DevToolsActivePort" ] && break; sleep 0.2; done
PORT="$(head -n1 "$tmp/profile/DevToolsActivePort" 2>/dev/null)" || die "Chromium did not start: $(cat "$tmp/chrome.log")"
export PORT

# Runs a CDP script against that Chromium: `browser`, `cdp` (browser session).
with_browser() {
  node -e '
    const puppeteer = require(process.env.LH_DIR + "/node_modules/puppeteer-core");
    (async () => {
      const browser = await puppeteer.connect({ browserURL: "http://127.0.0.1:" + process.env.PORT, defaultViewport: null });
      const cdp = await browser.target().createCDPSession();
      try { await eval("(async () => {" + process.argv[1] + "})")(); } finally { await browser.disconnect(); }
    })().catch((e) => { console.error(e); process.exit(1); });' "$1"
}

set_cookies() {
  with_browser '
    const cookies = process.env.COOKIE.split("; ").map((kv) => {
      const i = kv.indexOf("=");
      return { name: kv.slice(0, i), value: kv.slice(i + 1), url: process.env.BASE_URL + "/", sameSite: "Lax" };
    });
    await cdp.send("Storage.setCookies", { cookies });'
}

# --- audits -----------------------------------------------------------------
mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/*-run*.report.*
# Every kind of page: name|path. /login and /forgot-password first, before
# the session cookies exist. A record page's {list} is the first row of that list, asked of the
# server with the session (skipped if the list is empty).
ALL_PAGES=(
  "login|/login" "forgot-password|/forgot-password" "desk|/"
  "companies|/companies" "persons|/persons" "deals|/deals" "interactions|/interactions"
  "enrolments|/programmes"
  "company|/companies/{companies}" "person|/persons/{persons}" "deal|/deals/{deals}"
  "interaction|/interactions/{interactions}" "enrolment|/programmes/{enrolments}"
  "company-new|/companies/new" "deal-edit|/deals/{deals}/edit"
  "calendar-week|/calendar?view=week" "calendar-month|/calendar?view=month"
  "planning|/planning" "tasks-board|/kanban" "deals-board|/kanban/deals"
  "search|/search?q=ma" "settings|/settings/profile" "users|/settings/users"
  "reports|/reports" "report-sales|/reports/sales" "documents|/documents"
  "import|/import" "duplicates|/duplicates" "quality|/quality" "trash|/trash"
)
first_id() {
  curl -fsS -H 'Content-Type: application/json' -H "Cookie: $COOKIE" --data '{"query":{}}' \
    "$BASE_URL/api/$1/list" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const rows = JSON.parse(s).rows || []; console.log(rows.length ? rows[0].id : ""); })'
}
DONE=()
cookies_set=""
for entry in "${ALL_PAGES[@]}"; do
  IFS='|' read -r name path <<<"$entry"
  if [ -n "${PAGES:-}" ] && [[ ",$PAGES," != *",$name,"* ]]; then continue; fi
  # The login and password pages are audited as a visitor sees them.
  if [ "$name" != login ] && [ "$name" != forgot-password ] && [ -z "$cookies_set" ]; then set_cookies; cookies_set=1; fi
  if [[ "$path" =~ \{([a-z]+)\} ]]; then
    id="$(first_id "${BASH_REMATCH[1]}")"
    if [ -z "$id" ]; then echo "==> $name: no ${BASH_REMATCH[1]} to open, skipped" >&2; continue; fi
    path="${path/\{${BASH_REMATCH[1]}\}/$id}"
  fi
  DONE+=("$name")
  url="$BASE_URL$path"
  runs=()
  for i in $(seq 1 "$RUNS"); do
    echo "==> $name: $url (run $i/$RUNS)" >&2
    # Lighthouse now and then loses the trace of a page load (NO_NAVSTART,
    # twice in 81 runs on 2026-12-05): such a run is taken once more.
    for attempt in 1 2; do
      if "$LH" "$url" --quiet --port="$PORT" \
        --only-categories=performance,accessibility,best-practices \
        --output=json --output=html --output-path="$OUT_DIR/$name-run$i"; then
        break
      fi
      [ "$attempt" = 1 ] || die "lighthouse failed twice on $url"
      echo "==> $name: run $i failed, once more" >&2
    done
    runs+=("$OUT_DIR/$name-run$i")
  done
  # Keep the median Performance run as <name>.report.{json,html}.
  best="$(node -e '
    const fs = require("fs");
    const runs = process.argv.slice(1).map((p) => {
      const lhr = JSON.parse(fs.readFileSync(p + ".report.json", "utf8"));
      return { p, s: lhr.categories.performance.score ?? 0 };
    }).sort((a, b) => a.s - b.s);
    console.log(runs[Math.floor((runs.length - 1) / 2)].p);' "${runs[@]}")"
  cp "$best.report.json" "$OUT_DIR/$name.report.json"
  cp "$best.report.html" "$OUT_DIR/$name.report.html"
  [ "$RUNS" -gt 1 ] || rm -f "$best.report.json" "$best.report.html"
done

# --- installability: ask Chrome, on the Desk, logged in -------------------
echo "==> installability: $BASE_URL/" >&2
with_browser '
  const page = await browser.newPage();
  await page.goto(process.env.BASE_URL + "/", { waitUntil: "networkidle0", timeout: 60000 });
  const session = await page.createCDPSession();
  // Chrome fetches the manifest and its icons itself: give it a few tries.
  let result;
  for (let i = 0; i < 10; i++) {
    const manifest = await session.send("Page.getAppManifest").catch(() => ({}));
    const { installabilityErrors } = await session.send("Page.getInstallabilityErrors");
    result = { url: page.url(), manifestUrl: manifest.url || "", manifestErrors: manifest.errors || [], installabilityErrors };
    if (installabilityErrors.length === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await page.close();
  console.log(JSON.stringify(result));' >"$OUT_DIR/installability.json"

# --- summary ------------------------------------------------------------------
node -e '
  const fs = require("fs");
  const [out, base, threshold, top, done] = process.argv.slice(1);
  const pages = done.split(",");
  const cats = ["performance", "accessibility", "best-practices"];
  const metrics = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
    "cumulative-layout-shift", "speed-index", "interactive"];
  const pct = (s) => (s == null ? "n/a" : String(Math.round(s * 100)));
  const cell = (s) => String(s || "").replace(/\|/g, "\\|");
  const kib = (b) => (b / 1024).toFixed(1) + " KiB";
  const lines = [];
  const problems = [];
  const lhrs = {};

  lines.push("| Page | Final URL | Performance | Accessibility | Best Practices | TTI | TBT | transferred |");
  lines.push("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const name of pages) {
    const lhr = JSON.parse(fs.readFileSync(`${out}/${name}.report.json`, "utf8"));
    lhrs[name] = lhr;
    const final = new URL(lhr.finalDisplayedUrl || lhr.finalUrl);
    if (lhr.runtimeError) problems.push(`${name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    // A page behind login must be audited logged in: no redirect to /login.
    if (name !== "login" && final.pathname.startsWith("/login"))
      problems.push(`${name}: redirected to ${final.pathname}${final.search} (not logged in)`);
    // Failed requests: 401 = session lost, 404 on /pkg/ = site rebuilt under a running server.
    const failed = ((lhr.audits["network-requests"].details || {}).items || [])
      .filter((r) => r.statusCode >= 400 || r.statusCode < 0 || r.finished === false);
    if (failed.length)
      problems.push(`${name}: ${failed.length} failed requests, scores not valid: ` +
        failed.map((r) => `${r.statusCode} ${r.url.replace(base, "")}`).join(", "));
    const a = lhr.audits;
    lines.push(`| ${name} | ${final.pathname}${final.search} | ` +
      cats.map((c) => pct(lhr.categories[c].score)).join(" | ") +
      ` | ${(a.interactive.numericValue / 1000).toFixed(1)} s | ${Math.round(a["total-blocking-time"].numericValue)} ms` +
      ` | ${kib(a["total-byte-weight"].numericValue)} |`);
  }

  const inst = JSON.parse(fs.readFileSync(`${out}/installability.json`, "utf8"));
  const errs = inst.installabilityErrors.map((e) => e.errorId +
    (e.errorArguments.length ? " (" + e.errorArguments.map((a) => `${a.name}=${a.value}`).join(", ") + ")" : ""));
  lines.push("", `**Installable:** ${errs.length ? "no" : "yes"} (Chrome Page.getInstallabilityErrors on ` +
    `${inst.url.replace(base, "")}, manifest ${inst.manifestUrl.replace(base, "") || "none"})`);
  for (const e of errs) lines.push(`- ${e}`);
  for (const e of inst.manifestErrors) lines.push(`- manifest: ${e.message}`);

  lines.push("", "Metrics (simulated mobile):", "");
  for (const name of pages) {
    const a = lhrs[name].audits;
    const reqs = (a["network-requests"].details || {}).items || [];
    const big = reqs.filter((r) => r.transferSize > 50 * 1024)
      .map((r) => `${r.url.replace(base, "")} ${kib(r.transferSize)} (${kib(r.resourceSize)} unpacked)`);
    lines.push(`- ${name}: ` + metrics.map((m) => `${a[m].title.replace(/ \(.*/, "")} ${a[m].displayValue}`).join(", ") +
      `; ${a["total-byte-weight"].displayValue}` + (big.length ? `; large: ${big.join(", ")}` : ""));
  }

  // One line of what an audit item points at: element, URL, message...
  function item(it) {
    const parts = [];
    const node = it.node && it.node.selector ? it.node : null;
    if (node) parts.push("`" + node.selector + "`" +
      (node.nodeLabel ? ` "${String(node.nodeLabel).replace(/\s+/g, " ").slice(0, 50)}"` : ""));
    const src = it.sourceLocation || it.source;
    const url = it.url || (src && src.url);
    if (url) parts.push(String(url).replace(base, ""));
    if (it.phase) parts.push(`${it.phase} ${Math.round(it.timing)} ms (${it.percent})`);
    if (it.groupLabel) parts.push(it.groupLabel);
    if (!node && !url && !it.phase && it.label) parts.push(it.label);
    if (it.description) parts.push(String(it.description).slice(0, 160));
    if (it.explanation) parts.push(String(it.explanation).split("\n").slice(0, 3).join(" / ").slice(0, 240));
    if (it.wastedBytes) parts.push("wasted " + kib(it.wastedBytes));
    if (it.totalBytes) parts.push("total " + kib(it.totalBytes));
    if (it.wastedMs) parts.push("wasted " + Math.round(it.wastedMs) + " ms");
    if (it.duration && !it.wastedMs) parts.push(Math.round(it.duration) + " ms");
    if (it.total) parts.push(`${Math.round(it.total)} ms (scripting ${Math.round(it.scripting || 0)} ms)`);
    if (it.score && it.node) parts.push("shift " + it.score.toFixed(3));
    return parts.join(" — ");
  }
  function items(audit) {
    const d = audit.details;
    if (!d) return [];
    let list = d.items || [];
    if (d.type === "list") list = list.flatMap((x) => x.items || []); // nested tables
    return list.filter((x) => x && typeof x === "object").map(item).filter(Boolean);
  }

  for (const name of pages) {
    const lhr = lhrs[name];
    for (const c of cats) {
      const cat = lhr.categories[c];
      if (cat.score != null && cat.score * 100 >= +threshold) continue;
      lines.push("", `### ${name}: ${cat.title} ${pct(cat.score)}`, "");
      const failing = cat.auditRefs
        .filter((r) => r.group !== "hidden")
        .map((r) => ({ r, a: lhr.audits[r.id] }))
        .filter(({ a }) => a.score !== null && a.score < (c === "performance" ? 0.9 : 1) &&
          !["notApplicable", "informative", "manual"].includes(a.scoreDisplayMode));
      // Metrics first, then by weight, then by estimated savings.
      const save = (a) => Object.values(a.metricSavings || {}).reduce((x, y) => x + (y || 0), 0) +
        ((a.details && a.details.overallSavingsMs) || 0);
      failing.sort((x, y) => (y.r.group === "metrics") - (x.r.group === "metrics") ||
        y.r.weight - x.r.weight || save(y.a) - save(x.a) || x.a.score - y.a.score);
      lines.push("| Audit | Title | Score | Value |", "|---|---|---:|---|");
      const shown = failing.slice(0, +top);
      for (const { a } of shown) lines.push(`| ${a.id} | ${cell(a.title)} | ${pct(a.score)} | ${cell(a.displayValue)} |`);
      for (const { a } of shown) {
        const its = items(a);
        if (!its.length) continue;
        lines.push("", `- ${a.id}:`);
        for (const s of its.slice(0, 6)) lines.push(`  - ${s}`);
        if (its.length > 6) lines.push(`  - … ${its.length - 6} more`);
      }
    }
  }
  // Accessibility/Best Practices audits that fail but carry no weight
  // (experimental ones such as label-content-name-mismatch): still worth fixing.
  for (const name of pages) {
    for (const c of ["accessibility", "best-practices"]) {
      const lhr = lhrs[name];
      const unscored = lhr.categories[c].auditRefs.filter((r) => r.weight === 0)
        .map((r) => lhr.audits[r.id]).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary");
      if (!unscored.length) continue;
      lines.push("", `### ${name}: ${lhr.categories[c].title}, failing but unscored`, "");
      for (const a of unscored) {
        const its = items(a);
        lines.push(`- ${a.id}: ${a.title}` + (its.length ? ` (${its.length} items)` : ""));
        for (const s of its.slice(0, 3)) lines.push(`  - ${s}`);
      }
    }
  }
  lines.push("", `Reports: ${out}/{${pages.join(",")}}.report.{html,json}`);
  const text = lines.join("\n");
  fs.writeFileSync(`${out}/summary.md`, text + "\n");
  console.log(text);
  if (problems.length) { console.error("\n" + problems.map((p) => "ERROR: " + p).join("\n")); process.exit(1); }
' "$OUT_DIR" "$BASE_URL" "$THRESHOLD" "$TOP" "$(IFS=,; echo "${DONE[*]}")"
