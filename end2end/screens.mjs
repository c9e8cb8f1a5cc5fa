// Phone pass: screenshots of every page at phone widths, plus a report of
// what does not fit a phone (sideways page scroll, small tap targets,
// inputs whose keyboard does not match their purpose).
//
//   cd end2end && BASE_URL=http://127.0.0.1:3310 node screens.mjs [--only=desk,calendar] [--widths=390,360,414,1280] [--theme=dark]
//
// A server for it, beside the e2e one (run from the repository root):
//   LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=127.0.0.1:3310 RELAIS_DATA_DIR=target/phone-data \
//   RELAIS_PG_PORT=54359 RELAIS_DEMO_PASSWORD=relais-e2e-2026 ./target/release/server
// To try style/main.css without a build, copy it over target/site/pkg/relais.*.css
// (and delete that file's .br and .gz); each page here gets a fresh context.
//
// Writes target/screens/<width>-<page>.png and target/screens/report.json,
// and prints a summary. Every page gets a fresh browser context (the service
// worker caches assets per context). Needs a running server with the demo
// data; it files a few interactions for today (once) so the calendar, the
// desk and the boards are not empty.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(here, '../target/screens');
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3310';
const WHO = { email: process.env.RELAIS_USER ?? 'admin@relais.example', password: process.env.RELAIS_PASSWORD ?? 'relais-e2e-2026' };
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ONLY = arg('only')?.split(',');
const WIDTHS = (arg('widths') ?? '390,360').split(',').map(Number);
// --theme=dark draws every page in the dark theme (the user's preference,
// set at login); file names then end in -dark.
const THEME = arg('theme') ?? 'light';
const SUFFIX = THEME === 'light' ? '' : `-${THEME}`;
const HEIGHT = { 390: 844, 360: 740, 414: 896, 1280: 800 };
const SEED = 'Phone pass';

const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
};

mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch(launchOptions);

const contextFor = (width, state) => browser.newContext({
  baseURL: BASE, viewport: { width, height: HEIGHT[width] ?? 844 }, deviceScaleFactor: 1,
  isMobile: width < 768, hasTouch: width < 768, locale: 'en-GB', storageState: state,
  serviceWorkers: 'block',
});

async function ready(page) {
  await page.locator('.app[data-ready="true"], main.auth-page[data-ready="true"], main[data-ready="true"]')
    .first().waitFor({ state: 'attached', timeout: 20_000 });
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(400);
}

// ---- log in once, keep the cookie ----
async function login() {
  const ctx = await contextFor(390);
  const page = await ctx.newPage();
  await page.goto('/login');
  await ready(page);
  await page.locator('#login-language').selectOption('en');
  await page.locator('#f-email').fill(WHO.email);
  await page.locator('#f-password').fill(WHO.password);
  await page.locator('form.auth-form button[type="submit"]').click();
  await page.waitForURL((u) => u.pathname === '/');
  await page.request.post('/api/auth/update_preferences', { data: { locale: '', theme: THEME, density: '' } });
  const state = await ctx.storageState();
  await ctx.close();
  return state;
}

function interaction(kind, subject, start, extra = {}) {
  return {
    kind, subject, description: '', status: { task: 'not_started', email: 'held' }[kind] ?? 'planned', start, end: '',
    duration_minutes: kind === 'task' ? '' : '45', all_day: false, direction: kind === 'call' ? 'outbound' : '',
    location: '', priority: kind === 'task' ? 'high' : '', task_start: '', private: false, owner_id: null,
    reminder_minutes: '', links: [], attendee_users: [], attendee_persons: [], recurrence: null, ...extra,
  };
}

// ---- a few interactions today, once per data directory ----
async function seed(state) {
  const ctx = await contextFor(390, state);
  const req = ctx.request;
  const d = await (await req.post('/api/desk/today', { data: {} })).json();
  const today = d.today;
  const have = await (await req.post('/api/interactions/list', { data: { query: { q: SEED, per_page: 100 } } })).json().catch(() => ({}));
  const subjects = new Set((have.rows ?? []).map((r) => r.subject));
  const items = [
    interaction('meeting', `${SEED}: quarterly review with Lefèvre & Fils`, `${today}T09:30`, { end: `${today}T10:30`, location: 'Lyon office, 3rd floor' }),
    interaction('call', `${SEED}: call back about the renewal`, `${today}T11:00`, { duration_minutes: '15' }),
    interaction('meeting', `${SEED}: lunch`, `${today}T12:30`, { end: `${today}T13:45` }),
    interaction('task', `${SEED}: send the signed quote`, `${today}T17:00`),
    interaction('task', `${SEED}: prepare the workshop material for next week`, `${today}T18:00`),
    interaction('email', `${SEED}: follow-up email`, `${today}T15:00`),
  ];
  for (const body of items) {
    if (subjects.has(body.subject)) continue;
    const r = await req.post('/api/interactions/save', { data: { id: null, version: null, input: body, scope: 'one' } });
    if (!r.ok()) console.warn('seed failed:', r.status(), (await r.text()).slice(0, 200));
  }
  // Deals, if there are none: one per stage of the first pipeline.
  const deals = await (await req.post('/api/deals/list', { data: { query: {} } })).json().catch(() => null);
  if (!deals || !(deals.total > 0 || deals.rows?.length)) {
    const pipelines = await (await req.post('/api/deals/pipelines', { data: { include_inactive: false } })).json();
    const p = pipelines[0];
    const close = new Date(Date.parse(today) + 30 * 86400000).toISOString().slice(0, 10);
    for (const [i, st] of (p?.stages ?? []).entries()) {
      const input = { name: `${SEED}: ${['CRM roll-out for the Lyon branch', 'Support contract', 'Training, 12 seats', 'Renewal 2027', 'Data migration'][i % 5]}`,
        company_id: null, person_id: null, pipeline_id: p.id, stage_id: st.id, amount: String(4800 + 3150 * i), expected_close: close,
        probability: '', status: 'open', lost_reason: '', next_step: 'Send the proposal', description: '', owner_id: null };
      const r = await req.post('/api/deals/save', { data: { id: null, version: null, input } });
      if (!r.ok()) console.warn('deal seed failed:', r.status(), (await r.text()).slice(0, 200));
    }
  }
  await ctx.close();
}

// ---- the checks, run in the page ----
function audit() {
  const vw = window.innerWidth;
  const out = { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, overflow: false, wide: [], small: [], keyboard: [] };
  out.overflow = document.documentElement.scrollWidth > vw || document.body.scrollWidth > vw;
  const desc = (e) => {
    let s = e.tagName.toLowerCase();
    if (e.id) s += '#' + e.id;
    const cls = [...e.classList].slice(0, 3).join('.');
    if (cls) s += '.' + cls;
    const name = (e.getAttribute('aria-label') || e.textContent || e.getAttribute('name') || e.getAttribute('placeholder') || '').trim().replace(/\s+/g, ' ').slice(0, 30);
    return name ? `${s} "${name}"` : s;
  };
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    if (r.bottom <= 0 || r.right <= 0) return false; // parked off screen (a skip link)
    if (!e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true, contentVisibilityAuto: true })) return false;
    const cs = getComputedStyle(e);
    if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) return false;
    return !e.closest('[hidden], [aria-hidden="true"], .visually-hidden');
  };
  // Clipped by a scroller (a board, a grid): its own sideways scroll is fine.
  const inScroller = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
    }
    return false;
  };
  // What sticks out of the page on the right.
  for (const e of document.body.querySelectorAll('*')) {
    if (!visible(e) || inScroller(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.right > vw + 1 && getComputedStyle(e).position !== 'fixed') out.wide.push(`${desc(e)} right=${Math.round(r.right)}`);
  }
  out.wide = out.wide.slice(0, 12);

  // Tap targets: the element, or the label that wraps it, at least 44 x 44.
  const sel = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="tab"], [role="option"], [tabindex]:not([tabindex="-1"])';
  const seen = new Set();
  for (const e of document.querySelectorAll(sel)) {
    if (!visible(e) || e.closest('.sidebar') && !document.querySelector('.drawer-open')) continue;
    let t = e;
    const lab = e.closest('label') || (e.id && document.querySelector(`label[for="${CSS.escape(e.id)}"]`));
    let r = e.getBoundingClientRect();
    if ((r.width < 44 || r.height < 44) && lab && visible(lab)) {
      const lr = lab.getBoundingClientRect();
      if (lr.width >= 44 && lr.height >= 44) continue;
      t = lab; r = lr;
    }
    // A pseudo-element stretched around it (::after, position absolute)
    // is part of its hit area.
    const after = getComputedStyle(t, '::after');
    if (after.content !== 'none' && after.position === 'absolute' && getComputedStyle(t).position !== 'static') {
      const px = (v) => (v.endsWith('px') ? parseFloat(v) : 0);
      r = { width: r.width - px(after.left) - px(after.right), height: r.height - px(after.top) - px(after.bottom) };
    }
    if (r.width >= 43.5 && r.height >= 43.5) continue;
    // A link inside running text is exempt (WCAG 2.5.8); say so.
    const inline = e.tagName === 'A' && getComputedStyle(e).display === 'inline';
    const key = desc(t) + Math.round(r.width) + 'x' + Math.round(r.height);
    if (seen.has(key)) continue;
    seen.add(key);
    out.small.push(`${desc(t)} ${Math.round(r.width)}x${Math.round(r.height)}${inline ? ' (inline link)' : ''}`);
  }

  // Keyboards: what the field is for, against its type / inputmode.
  const want = [
    [/e-?mail|courriel/i, (t, m) => t === 'email' || m === 'email', 'type="email"'],
    [/phone|t[ée]l[ée]phone|mobile|\btel\b|fax/i, (t, m) => t === 'tel' || m === 'tel', 'type="tel"'],
    [/website|site web|\burl\b|homepage|linkedin/i, (t, m) => t === 'url' || m === 'url', 'type="url"'],
    [/birth|date|due|deadline|[ée]ch[ée]ance|close|start|end|from|to$|until|when/i, (t) => ['date', 'datetime-local', 'time', 'month', 'week'].includes(t), 'type="date"/"datetime-local"/"time"'],
    [/amount|montant|probab|price|prix|revenue|employees|effectif|headcount|\bcount\b|quantity|minutes|duration|dur[ée]e|reminder|rappel|capacity|hours|heures|interval|every|percent|%/i,
      (t, m) => t === 'number' || m === 'numeric' || m === 'decimal', 'inputmode="numeric"/"decimal"'],
  ];
  for (const e of document.querySelectorAll('input')) {
    const t = (e.getAttribute('type') || 'text').toLowerCase();
    if (['hidden', 'checkbox', 'radio', 'submit', 'button', 'search', 'password', 'file', 'color', 'range'].includes(t)) continue;
    if (!visible(e)) continue;
    const m = (e.getAttribute('inputmode') || '').toLowerCase();
    const lab = e.closest('label') || (e.id && document.querySelector(`label[for="${CSS.escape(e.id)}"]`));
    const purpose = [e.id, e.name, e.getAttribute('autocomplete'), e.getAttribute('aria-label'), e.placeholder, lab?.textContent]
      .filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
    out.fields = out.fields ?? [];
    out.fields.push(`${e.id || e.name || purpose.slice(0, 20)}:${t}${m ? '/' + m : ''}${e.getAttribute('autocomplete') ? ' ac=' + e.getAttribute('autocomplete') : ''}`);
    for (const [re, ok, fix] of want) {
      if (re.test(purpose)) {
        if (!ok(t, m)) out.keyboard.push(`input${e.id ? '#' + e.id : ''} "${purpose.slice(0, 50)}" type=${t}${m ? ' inputmode=' + m : ''} → ${fix}`);
        break;
      }
    }
  }
  return out;
}

// ---- the pages ----
const firstHref = async (page, path, sel = '.list-table tbody td.cell-main a') => {
  await page.goto(path);
  await ready(page);
  return page.locator(sel).first().getAttribute('href', { timeout: 10_000 }).catch(() => null);
};

const pages = [
  { name: 'login', path: '/login', anon: true },
  { name: 'forgot-password', path: '/forgot-password', anon: true },
  { name: 'desk', path: '/' },
  { name: 'drawer', path: '/', act: async (p) => { await p.getByRole('button', { name: 'Open menu' }).click(); await p.waitForTimeout(400); } },
  { name: 'calendar-default', path: '/calendar', act: async (p, r) => {
    await p.waitForTimeout(800);
    r.calendar = { url: p.url(), view: await p.locator('.calendar-page').getAttribute('data-view') };
  } },
  { name: 'calendar-day', path: '/calendar?view=day' },
  { name: 'calendar-week', path: '/calendar?view=week' },
  { name: 'calendar-month', path: '/calendar?view=month' },
  { name: 'calendar-agenda', path: '/calendar?view=agenda' },
  { name: 'kanban', path: '/kanban', act: kanbanInfo },
  { name: 'kanban-scrolled', path: '/kanban', act: async (p, r) => {
    await p.locator('.board').evaluate((b) => b.scrollBy({ left: b.clientWidth * 0.6, behavior: 'instant' }));
    await p.waitForTimeout(700);
    r.afterSwipe = await p.locator('.board').evaluate((b) => b.scrollLeft);
  } },
  { name: 'kanban-deals', path: '/kanban/deals', act: kanbanInfo },
  { name: 'planning', path: '/planning' },
  { name: 'planning-day', path: '/planning?span=day' },
  { name: 'persons', path: '/persons' },
  { name: 'companies', path: '/companies' },
  { name: 'companies-filters', path: '/companies', act: async (p) => { await p.getByRole('button', { name: /^Filters/ }).click(); await p.waitForTimeout(300); } },
  { name: 'companies-condition', path: '/companies', act: async (p) => {
    await p.getByRole('button', { name: /^Filters/ }).click();
    await p.getByRole('button', { name: /Add a condition/ }).click();
    await p.waitForTimeout(300);
  } },
  { name: 'persons-cell-edit', path: '/persons', act: async (p, r) => {
    // The keyboards of the fields edited in place.
    r.cellInputs = [];
    for (const name of [/Edit Phone$/, /Edit Email$/]) {
      await p.getByRole('button', { name }).first().click();
      const input = p.locator('.cell-input').first();
      await input.waitFor({ timeout: 3000 }).catch(() => {});
      r.cellInputs.push(`${name.source}: ` + await input.evaluate((e) => `type=${e.getAttribute('type') ?? '(none)'} inputmode=${e.getAttribute('inputmode') ?? '(none)'}`).catch(() => 'no input'));
      await p.keyboard.press('Escape');
    }
  } },
  { name: 'deals', path: '/deals' },
  { name: 'interactions', path: '/interactions' },
  { name: 'task-history', path: '/interactions/history' },
  { name: 'person', path: async (p) => firstHref(p, '/persons') },
  { name: 'company', path: async (p) => firstHref(p, '/companies') },
  { name: 'deal', path: async (p) => firstHref(p, '/deals') },
  { name: 'interaction', path: async (p) => firstHref(p, '/interactions') },
  { name: 'person-edit', path: async (p) => (await firstHref(p, '/persons')) + '/edit' },
  { name: 'person-new', path: '/persons/new' },
  { name: 'company-new', path: '/companies/new' },
  { name: 'deal-new', path: '/deals/new' },
  { name: 'interaction-new', path: '/interactions/new' },
  { name: 'interaction-new-call', path: '/interactions/new?kind=call' },
  { name: 'interaction-new-task', path: '/interactions/new?kind=task' },
  { name: 'settings-profile', path: '/settings/profile' },
  { name: 'settings-pipelines', path: '/settings/pipelines' },
  { name: 'settings-users', path: '/settings/users' },
  { name: 'settings-audit', path: '/settings/audit' },
  { name: 'search', path: '/search?q=lefevre' },
  { name: 'search-box', path: '/', act: async (p) => {
    await p.locator('#global-search').fill('lefevre');
    await p.locator('#global-search-results [role="option"]').first().waitFor({ timeout: 5000 }).catch(() => {});
  } },
  { name: 'notifications', path: '/', act: async (p) => {
    await p.locator('.notifications summary, .notifications .bell').first().click();
    await p.waitForTimeout(400);
  } },
  { name: 'profile-menu', path: '/', act: async (p) => {
    await p.locator('.topbar-actions .menu summary').last().click();
    await p.waitForTimeout(300);
  } },
  { name: 'trash', path: '/trash' },
  { name: 'import', path: '/import' },
  { name: 'import-preview', path: '/import', act: async (p) => {
    const csv = 'Civilité;Prénom;Nom;Société;Courriel;Tél. portable;Ville\r\n'
      + 'Mme;Élodie;Dupré;Fromagerie Beaumont;elodie@exemple.fr;06 12 34 56 78;Saint-Étienne\r\n'
      + 'M.;Jean;Marchetti;;pas-une-adresse;+33 6 98 76 54 32;Nîmes\r\n'
      + 'Dr;André;Lefèvre;Atelier Brodé;andre@exemple.fr;;Lyon\r\n';
    await p.locator('#import-kind').selectOption('person');
    await p.locator('#import-file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'latin1') });
    await p.locator('.import-upload button[type="submit"]').click();
    await p.waitForURL(/\/import\/\d+$/);
    await p.locator('table.import-preview').waitFor({ timeout: 10000 }).catch(() => {});
  } },
];

async function kanbanInfo(p, r) {
  r.board = await p.locator('.board').first().evaluate((b) => {
    const cs = getComputedStyle(b);
    const col = b.querySelector('.board-col');
    return { snap: cs.scrollSnapType, overflowX: cs.overflowX, scrollWidth: b.scrollWidth, clientWidth: b.clientWidth,
      colWidth: col && Math.round(col.getBoundingClientRect().width), colSnap: col && getComputedStyle(col).scrollSnapAlign };
  }).catch((e) => String(e).slice(0, 80));
}

const state = await login();
await seed(state);

const report = {};
for (const width of WIDTHS) {
  for (const pg of pages) {
    if (ONLY && !ONLY.includes(pg.name)) continue;
    const ctx = await contextFor(width, pg.anon ? undefined : state);
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e).slice(0, 160)));
    const r = { page: pg.name, width };
    try {
      const path = typeof pg.path === 'function' ? await pg.path(page) : pg.path;
      r.path = path;
      await page.goto(path);
      await ready(page);
      if (pg.act) await pg.act(page, r);
      Object.assign(r, await page.evaluate(audit));
      // The screen as the user first sees it, then the whole page; a long
      // page also in screen-sized parts (-p2, -p3…) that stay readable.
      await page.screenshot({ path: `${OUT}/${width}-${pg.name}${SUFFIX}.png` });
      const vh = page.viewportSize().height;
      const full = await page.evaluate(() => document.documentElement.scrollHeight);
      if (full > vh + 20) {
        await page.screenshot({ path: `${OUT}/${width}-${pg.name}${SUFFIX}-full.png`, fullPage: true });
        for (let i = 1; i < Math.min(Math.ceil(full / vh), 6); i++) {
          await page.screenshot({ path: `${OUT}/${width}-${pg.name}${SUFFIX}-p${i + 1}.png`, fullPage: true,
            clip: { x: 0, y: i * vh, width, height: Math.min(vh, full - i * vh) } });
        }
      }
    } catch (e) {
      r.error = String(e).split('\n')[0].slice(0, 200);
    }
    if (errors.length) r.pageErrors = errors;
    report[`${width}-${pg.name}`] = r;
    await ctx.close();
  }
}
await browser.close();
writeFileSync(`${OUT}/report.json`, JSON.stringify(report, null, 2));

for (const [key, r] of Object.entries(report)) {
  const bits = [];
  if (r.error) bits.push(`ERROR ${r.error}`);
  if (r.overflow) bits.push(`SIDEWAYS SCROLL ${r.scrollWidth}>${r.innerWidth}` + (r.wide?.length ? `: ${r.wide.slice(0, 4).join('; ')}` : ''));
  if (r.small?.length) bits.push(`${r.small.length} small targets: ${r.small.slice(0, 8).join('; ')}`);
  if (r.keyboard?.length) bits.push(`keyboard: ${r.keyboard.join('; ')}`);
  if (r.fields?.length && /new|edit|settings/.test(r.page)) bits.push(`fields: ${r.fields.join(', ')}`);
  if (r.calendar) bits.push(`calendar opened on ${r.calendar.view} (${r.calendar.url})`);
  if (r.cellInputs) bits.push(`in-place inputs: ${r.cellInputs.join('; ')}`);
  if (r.board) bits.push(`board ${JSON.stringify(r.board)}`);
  if (r.pageErrors) bits.push(`page errors: ${r.pageErrors.join(' | ')}`);
  console.log(`${key}: ${bits.length ? '\n  ' + bits.join('\n  ') : 'ok'}`);
}
