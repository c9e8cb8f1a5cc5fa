// Start-up cost benchmark: the main-thread tasks a page runs until it is
// hydrated, from a Chromium trace at Lighthouse's mobile CPU slowdown (4×).
// "Blocking" is the sum of each task's part over 50 ms — what Lighthouse
// calls Total Blocking Time — measured here without network simulation, so
// a change to the start-up is measured in a minute instead of a Lighthouse
// run; "compiled on first call" is the wasm that V8 compiled lazily on the
// main thread (its largest share).
//
//   BASE_URL=http://127.0.0.1:3300 node longtasks.mjs [--runs=5] [--rate=4]
//        [--pages=/login,/,/persons]
//
// Pages other than /login are opened signed in (the `login` server
// function, as EMAIL / PASSWORD, the e2e demo admin by default). Each run is
// a fresh context with no service worker: a first visit, as Lighthouse
// audits it.
import { chromium } from 'playwright-core';

const arg = (name, dflt) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : dflt;
};
const BASE = (process.env.BASE_URL ?? 'http://127.0.0.1:3300').replace(/\/$/, '');
const RUNS = Number(arg('runs', 5));
const RATE = Number(arg('rate', 4));
const PAGES = String(arg('pages', '/login,/,/persons')).split(',');
const EMAIL = process.env.EMAIL ?? 'admin@relais.example';
const PASSWORD = process.env.PASSWORD ?? 'relais-e2e-2026';
const CATEGORIES = ['toplevel', 'devtools.timeline', 'v8', 'v8.wasm', 'disabled-by-default-devtools.timeline'];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function run(path) {
  const context = await browser.newContext({
    viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true, serviceWorkers: 'block',
  });
  if (path !== '/login') {
    const res = await context.request.post(`${BASE}/api/auth/login`, {
      data: { email: EMAIL, password: PASSWORD, locale: 'en' },
      headers: { Accept: 'application/json' },
    });
    if (!res.ok()) throw new Error(`login as ${EMAIL} failed: HTTP ${res.status()}`);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE });
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: CATEGORIES } });
  await page.goto(BASE + path);
  await page.locator('[data-ready="true"]').first().waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForTimeout(1500); // what hydration started (effects, calls)
  await cdp.send('Tracing.end');
  await complete;
  await context.close();

  // The renderer's main thread: the one with the most task time.
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X');
  const perThread = new Map();
  for (const t of tasks) perThread.set(t.tid, (perThread.get(t.tid) ?? 0) + t.dur);
  const main = [...perThread.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const mine = tasks.filter((t) => t.tid === main).map((t) => t.dur / 1000);
  const lazy = events.filter((e) => e.tid === main && e.name === 'wasm.CompileLazy');
  return {
    blocking: Math.round(mine.reduce((s, d) => s + Math.max(0, d - 50), 0)),
    longest: Math.round(Math.max(...mine)),
    lazyCount: lazy.length,
    lazyMs: Math.round(lazy.reduce((s, e) => s + e.dur, 0) / 1000),
  };
}

console.log(`Start-up until hydrated — ${BASE}, CPU ×${RATE}, median of ${RUNS} first visits\n`);
console.log('| page | blocking | longest task | wasm compiled on first call | blocking per run (ms) |');
console.log('|---|---:|---:|---:|---|');
for (const path of PAGES) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run(path));
  const m = (k) => median(runs.map((r) => r[k]));
  console.log(`| \`${path}\` | ${m('blocking')} ms | ${m('longest')} ms | ${m('lazyCount')} functions, ${m('lazyMs')} ms | ${runs.map((r) => r.blocking).join(', ')} |`);
}
await browser.close();
