import { test, expect, Page } from './fixtures';
import * as http from 'http';
import { controlled, goOffline, goOnline, login, ready, shellMissing, shot } from './helpers';

test('the app is installable: manifest, icons, a worker in control', async ({ page }) => {
  await page.goto('/login');
  await controlled(page);
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  // Playwright's contexts are incognito ones, where Chrome never offers to
  // install: that one is about the browser, not the app.
  expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
  const manifest = await cdp.send('Page.getAppManifest');
  expect(manifest.errors).toEqual([]);
  // The shell of this release is kept, under its version.
  const caches = await page.evaluate(() => caches.keys());
  expect(caches.some((k) => k.startsWith('relais-shell-'))).toBe(true);
});

/** The main wasm's path (the pieces are `split_…` and `chunk_…`). */
const MAIN_WASM = /\/pkg\/relais\.[^/]+\.wasm$/;

/** The paths of the files in the worker's shell cache. */
async function shellPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const names = await caches.keys();
    const shell = await caches.open(names.find((k) => k.startsWith('relais-shell-'))!);
    return (await shell.keys()).map((r) => new URL(r.url).pathname);
  });
}

test('a page brings its own code: the login page none, the Desk the main wasm alone, a list no record page or bulk tool; the worker keeps them all', async ({ page }) => {
  // The wasm files the page itself asks for (not the worker's install).
  const fetched: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/pkg/') && url.pathname.endsWith('.wasm') && !req.serviceWorker()) {
      fetched.push(url.pathname);
    }
  });
  const has = (piece: string) => fetched.some((p) => p.includes(`split_${piece}_piece`));
  // The login page is plain forms: no wasm at all, even once the worker
  // it registers is in control.
  await page.goto('/login');
  await controlled(page);
  expect(fetched).toEqual([]);
  // Nor does its HTML name any piece to fetch.
  await expect(page.locator('meta[name="relais-pieces"]')).toHaveCount(0);
  // The worker's install took the main wasm (the Desk is in it) and no
  // piece: a first visit downloads the pieces once the app has started,
  // not while the Desk waits for its own file.
  const keptAtInstall = await shellPaths(page);
  expect(keptAtInstall.some((p) => MAIN_WASM.test(p)), 'the main wasm at install').toBe(true);
  expect(keptAtInstall.filter((p) => p.endsWith('.wasm') && /\/(split|chunk)_/.test(p)), 'pieces at install').toEqual([]);
  // The Desk is drawn by the main wasm alone: no piece, no shared file.
  await login(page);
  await expect(page.locator('.desk-panel.panel-agenda')).toBeVisible();
  expect(fetched.filter((p) => !MAIN_WASM.test(p)), 'wasm files besides the main one').toEqual([]);
  expect(fetched.length, 'the main wasm').toBe(1);
  await expect(page.locator('meta[name="relais-pieces"]')).toHaveCount(0);
  // Opening the calendar from the menu fetches its piece, and it works.
  await page.locator('nav#sidebar a[href="/calendar"]').click();
  await page.waitForURL('**/calendar');
  await expect(page.locator('.cal-grid')).toBeVisible();
  expect(has('agenda')).toBe(true);
  expect(has('lists')).toBe(false);
  // A list brings the lists piece: not the record pages and forms, nor the
  // bulk tools (import, merge, trash, duplicates, quality), which are with
  // the admin pages.
  await page.locator('nav#sidebar a[href="/persons"]').click();
  await page.waitForURL('**/persons');
  const first = page.locator('.list-table tbody tr td.cell-main a').first();
  await expect(first).toBeVisible();
  expect(has('lists')).toBe(true);
  expect(has('records')).toBe(false);
  expect(has('admin')).toBe(false);
  // A record opened from the list brings the records piece, and its page works.
  await first.click();
  await page.waitForURL(/\/persons\/\d+$/);
  await expect(page.locator('main h1')).toBeVisible();
  expect(has('records')).toBe(true);
  expect(has('admin')).toBe(false);
  await page.locator('nav#sidebar a[href="/trash"]').click();
  await page.waitForURL('**/trash');
  await expect(page.locator('main h1')).toBeVisible();
  expect(has('admin')).toBe(true);
  // For offline use the worker keeps every piece of this release, once
  // the app has started.
  await controlled(page);
  await expect.poll(() => shellMissing(page), { timeout: 30_000 }).toBe(0);
  const kept = await shellPaths(page);
  for (const piece of ['lists', 'records', 'agenda', 'admin']) {
    expect(kept.some((p) => p.includes(`split_${piece}_piece`)), `${piece} kept`).toBe(true);
  }
});

/** Bytes the server sends for `url` to a browser that takes brotli. */
async function brotliBytes(url: string): Promise<{ bytes: number; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'Accept-Encoding': 'br' } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes, encoding: res.headers['content-encoding'] }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

// The first visit's wasm: the main wasm alone, the Desk in it, as the
// README's measures give it (367,110 B on 2026-12-07, late; 403,782 B in
// 17 files when the Desk was a piece). Issue 20 aims at 400 KB for the
// whole visit, of which HTML, CSS and JS are about 27 KB: this budget keeps
// the visit under it. A change that brings the Desk or the shell more code
// (a view erased with `into_any` instead of `.erase()`, the router's `<A>`,
// float formatting, a second JSON reader, a heavy crate) fails here, and
// moving it is a decision, with its measure.
const FIRST_VISIT_WASM_BUDGET = 373_000;

test('a first visit to the Desk downloads at most its budget of wasm, brotli', async ({ page, baseURL }) => {
  const fetched = new Set<string>();
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/pkg/') && url.pathname.endsWith('.wasm') && !req.serviceWorker()) {
      fetched.add(url.pathname);
    }
  });
  await login(page);
  expect(fetched.size, `the main wasm alone: ${[...fetched].join(', ')}`).toBe(1);
  let total = 0;
  for (const path of fetched) {
    const { bytes, encoding } = await brotliBytes(new URL(path, baseURL).href);
    expect(encoding, path).toBe('br');
    total += bytes;
  }
  expect(total).toBeGreaterThan(100_000);
  expect(total, `wasm of the first visit, ${fetched.size} files`).toBeLessThanOrEqual(FIRST_VISIT_WASM_BUDGET);
});

// The boot script asks for the main wasm, the JS that starts it and the
// splitter's loader at once (`ssr::assets::boot_script`). Left to the JS,
// the loader (its import) and the wasm (its fetch) would be asked for only
// once the JS had arrived and run: two round trips on a phone's network
// before the largest file starts (Lighthouse: the Desk interactive 0.3 s
// later, a list 0.6 s).
test('a first visit asks for the main wasm, its JS and their loader together, not one after the other', async ({ page }) => {
  const events: string[] = [];
  const kind = (url: string) => {
    const name = new URL(url).pathname.split('/').pop() ?? '';
    if (/^relais\.[^.]+\.wasm$/.test(name)) return 'wasm';
    if (/^relais\.[^.]+\.js$/.test(name)) return 'js';
    if (/^__wasm_split\.[^.]+\.js$/.test(name)) return 'loader';
    return null;
  };
  page.on('request', (req) => {
    const k = kind(req.url());
    if (k && !req.serviceWorker()) events.push(`${k} asked`);
  });
  page.on('requestfinished', (req) => {
    const k = kind(req.url());
    if (k && !req.serviceWorker()) events.push(`${k} arrived`);
  });
  await login(page);
  const at = (e: string) => {
    const i = events.indexOf(e);
    expect(i, `${e} in ${events.join(', ')}`).toBeGreaterThanOrEqual(0);
    return i;
  };
  expect(at('wasm asked'), events.join(', ')).toBeLessThan(at('js asked'));
  expect(at('loader asked'), events.join(', ')).toBeLessThan(at('js arrived'));
});

// A page's data is loaded by the server and sent inside its HTML; the
// browser reads it back as it hydrates (`ui::resource`: the same JSON
// reader as a server function's answer). Were it unreadable, the page
// would ask the server again for what it already has.
test("a page's data comes inside its HTML: loading the Desk, a list or a company asks the server for none of it again", async ({ page }) => {
  await login(page);
  const asked: string[] = [];
  const pageData = ['/api/auth/me', '/api/desk/today', '/api/companies/list', '/api/companies/get'];
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (pageData.includes(path)) asked.push(path);
  });
  await page.goto('/');
  await ready(page);
  await expect(page.locator('.desk-panel.panel-agenda')).toBeVisible();
  await page.goto('/companies');
  await ready(page);
  const first = page.locator('.list-table tbody tr td.cell-main a').first();
  const name = (await first.innerText()).trim();
  const href = await first.getAttribute('href');
  expect(href).toMatch(/^\/companies\/\d+$/);
  await page.goto(href!);
  await ready(page);
  await expect(page.locator('h1')).toContainText(name);
  expect(asked).toEqual([]);
  // The same call made by the browser is seen (the listener works).
  await page.locator('nav#sidebar').getByRole('link', { name: 'Companies' }).click();
  await page.waitForURL((u) => u.pathname === '/companies');
  await expect.poll(() => asked).toContain('/api/companies/list');
});

// The warm-up asks for the coming days and the task board so that the
// worker keeps them, without parsing them (`pwa::warm::keep_answer`). An
// answer it left unread kept its request open: the page's network never
// went quiet (Lighthouse waited its 45 s limit on every page after login).
test("the warm-up's calls end: each answer it asks for is read to its end", async ({ page }) => {
  const started = new Set<object>();
  const ended = new Set<object>();
  page.on('request', (req) => {
    if (/^\/api\/(calendar\/events|kanban\/tasks)$/.test(new URL(req.url()).pathname)) started.add(req);
  });
  page.on('requestfinished', (req) => {
    if (started.has(req)) ended.add(req);
  });
  await login(page);
  // The warm-up starts once the worker controls the page; the day views,
  // the agenda, two weeks and the board, one call after the other (as
  // offline.spec.ts waits for them: up to a minute on a busy machine).
  await controlled(page);
  await expect.poll(() => started.size, { timeout: 60_000 }).toBeGreaterThanOrEqual(11);
  await expect.poll(() => ended.size, { timeout: 10_000 }).toBe(started.size);
});

test('offline: the Desk, its agenda and a person opened before stay readable', async ({ page, context }) => {
  await login(page);
  await controlled(page);
  // Wide screens have the sidebar; the bottom bar is for phones.
  await expect(page.getByRole('navigation', { name: 'Quick navigation' })).toBeHidden();
  // Open a person from the list, then load its page once more in full.
  await page.goto('/persons');
  await ready(page);
  const first = page.locator('.list-table tbody tr td.cell-main a').first();
  const name = (await first.innerText()).trim();
  const word = name.split(' ')[0];
  await first.click();
  await page.waitForURL(/\/persons\/\d+$/);
  await expect(page.locator('h1')).toContainText(word);
  const personUrl = page.url();
  await page.goto(personUrl);
  await ready(page);
  // Back to the Desk through the menu.
  await page.locator('nav#sidebar').getByRole('link', { name: 'Desk' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await expect(page.locator('.desk-panel.panel-agenda')).toBeVisible();
  // The Desk as last seen online lists the person among the recent ones
  // (the device keeps that answer, so wait for it before cutting).
  await expect(page.locator('.desk-panel.panel-recent a', { hasText: word }).first()).toBeVisible();
  // The Desk is kept even when it was never loaded whole under the worker
  // (here it was reached from the menu): the app asks for it at login.
  const deskKept = () =>
    page.evaluate(async () => !!(await (await caches.open('relais-pages')).match('/')));
  await expect.poll(deskKept).toBe(true);

  await goOffline(context);
  await expect(page.locator('.connection-bar.offline')).toBeVisible();
  // Opening the app offline: the Desk, today's agenda, the offline bar.
  await page.goto('/');
  await ready(page);
  await expect(page.locator('.desk-panel.panel-agenda')).toBeVisible();
  await expect(page.locator('.connection-bar.offline')).toBeVisible();
  await shot(page, 'offline-desk');
  // The person, from "recently viewed": its data comes from the device.
  await page.locator('.desk-panel.panel-recent a', { hasText: word }).first().click();
  await page.waitForURL(/\/persons\/\d+$/);
  await expect(page.locator('h1')).toContainText(word);
  await expect(page.locator('.connection-bar.offline')).toBeVisible();
  // Loading the person's page in full works too.
  await page.goto(personUrl);
  await expect(page.locator('h1')).toContainText(word);
  await shot(page, 'offline-person');
  // A page never opened: the offline page, not the browser's error.
  await page.goto('/deals/999999999');
  await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
  await shot(page, 'offline-page');

  await goOnline(context);
  await page.goto('/');
  await ready(page);
  await expect(page.locator('.connection-bar.offline')).toHaveCount(0);
});

test('logging out forgets what was kept for the user', async ({ page }) => {
  await login(page);
  await controlled(page);
  await page.goto('/persons');
  await ready(page);
  await expect.poll(() => page.evaluate(() => caches.has('relais-data'))).toBe(true);
  const keptPersons = () =>
    page.evaluate(async () => !!(await (await caches.open('relais-pages')).match('/persons')));
  await expect.poll(keptPersons).toBe(true);
  await page.locator('details.profile > summary').click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
  await expect.poll(() => page.evaluate(() => caches.has('relais-data'))).toBe(false);
  // Only the login page is kept after that.
  await expect.poll(keptPersons).toBe(false);
});
