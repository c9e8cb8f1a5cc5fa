import { expect, Page, BrowserContext } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

export const ADMIN = { email: 'admin@relais.example', password: 'relais-e2e-2026' };

export async function login(page: Page, who = ADMIN, language: 'en' | 'fr' = 'en') {
  await page.goto('/login');
  await expect(page.locator('main.auth-page[data-ready="true"]')).toBeVisible();
  await chooseLanguage(page, language);
  await page.locator('#f-email').fill(who.email);
  await page.locator('#f-password').fill(who.password);
  await page.locator('form.auth-form button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/');
  await expect(page.locator('nav#sidebar')).toBeAttached();
  await expect(page.locator('.desk h1')).not.toBeEmpty();
  await ready(page);
}

/** The login page's language buttons (a plain form: the page reloads in it). */
export async function chooseLanguage(page: Page, language: 'en' | 'fr') {
  if ((await page.locator('html').getAttribute('lang')) === language) return;
  await page.locator(`form.auth-languages button[value="${language}"]`).click();
  await expect(page.locator('html')).toHaveAttribute('lang', language);
  await expect(page.locator(`form.auth-languages button[value="${language}"]`)).toHaveAttribute('aria-pressed', 'true');
}

/** Waits until the page is hydrated (the app's event handlers are live). */
export async function ready(page: Page) {
  await expect(page.locator('.app[data-ready="true"]')).toBeAttached();
}

/** Deletes the record shown: its Delete button, then the app's dialog. */
export async function deleteRecord(page: Page) {
  await page.locator('.record-header').getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('Move to the trash?');
  await dialog.getByRole('button', { name: 'Delete' }).click();
}

/**
 * Saves a new record's form; if Relais finds it looks like an existing
 * record, says "Save anyway" (these tests mean to create it).
 */
export async function saveNew(page: Page) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const box = page.locator('.duplicates-confirm');
  await expect
    .poll(async () => (await box.isVisible()) || !new URL(page.url()).pathname.endsWith('/new'))
    .toBe(true);
  if (await box.isVisible()) await box.getByRole('button', { name: 'Save anyway' }).click();
}

/** A name no earlier run used. */
export function unique(prefix: string) {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/** Waits until the service worker controls the page (first visit: reload once). */
/**
 * Holds back the main wasm of the pages `page` opens next, as on a slow
 * phone and network: the page is only the server's HTML until the returned
 * function is called. The test must block the service worker
 * (`test.use({ serviceWorkers: 'block' })`), which would answer the wasm
 * from its cache, out of the route's reach.
 */
export async function holdApp(page: Page): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/pkg\/relais\.[^/]*\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

export async function controlled(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.reload();
  }
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

/**
 * How many files of this release's shell the worker still lacks: its
 * install takes the main wasm, which holds the Desk (`PRECACHE`), the app
 * asks for the pieces once started (`LATER`).
 */
export async function shellMissing(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const script = await (await fetch('/sw.js')).text();
    const constant = (name: string) =>
      JSON.parse(script.match(new RegExp(`^const ${name} = (.*);$`, 'm'))![1]);
    const wanted: string[] = [...constant('PRECACHE'), ...constant('LATER')];
    const shell = await caches.open(`relais-shell-${constant('VERSION')}`);
    let missing = 0;
    for (const url of wanted) if (!(await shell.match(url))) missing += 1;
    return missing;
  });
}

/**
 * Cuts the network for the page *and* its service worker — once the
 * worker in control of a page holds the whole shell, as it does a moment
 * after the app has started.
 */
export async function goOffline(context: BrowserContext) {
  for (const page of context.pages()) {
    if (await page.evaluate(() => !!navigator.serviceWorker?.controller).catch(() => false)) {
      await expect.poll(() => shellMissing(page), { timeout: 30_000 }).toBe(0);
      break;
    }
  }
  await context.route('**/*', (route) => route.abort('internetdisconnected'));
  await context.setOffline(true);
}

/**
 * Brings the connection back, but the first request matching `pattern`
 * loses its answer on the way back (the server got it; the connection is
 * reset), as a flaky network does; later ones go through. Returns the
 * idempotency keys the attempts carried, as they come. The watch is in
 * place before the connection returns: the browser says "online" by
 * itself, and the worker may send at once.
 */
export async function backOnlineLosingFirstAnswer(page: Page, context: BrowserContext, pattern: string) {
  const attempts: string[] = [];
  await context.unroute('**/*');
  await context.route(pattern, async (route) => {
    attempts.push(route.request().headers()['idempotency-key'] ?? '');
    if (attempts.length === 1) {
      await route.fetch();
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  return attempts;
}

export async function goOnline(context: BrowserContext) {
  await context.unroute('**/*');
  await context.setOffline(false);
}

/**
 * Changes a preference from the profile menu and waits until the server
 * has kept it: the page applies a choice at once and saves it behind, so a
 * reload (or the next test, as the same user) could otherwise come first.
 */
export async function changePreference(page: Page, change: () => Promise<unknown>) {
  const saved = page.waitForResponse((r) => r.url().includes('/api/auth/update_preferences'));
  await change();
  expect((await saved).ok()).toBe(true);
}

// The mail the server sends lands at a real SMTP server (aiosmtpd,
// `server/tests/smtp_sink.py`) that `scripts/test.sh` starts for the suite
// and names in E2E_MAIL_DIR: one JSON file per message.
export const MAIL_DIR = process.env.E2E_MAIL_DIR ?? '';
export type Mail = { rcpt_tos: string[]; subject: string; text: string; html: string };

/** The mails the SMTP sink received for `address`. */
export function mailsTo(address: string): Mail[] {
  if (!fs.existsSync(MAIL_DIR)) return [];
  return fs
    .readdirSync(MAIL_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(MAIL_DIR, f), 'utf8')) as Mail)
    .filter((m) => m.rcpt_tos.includes(address));
}

/** A person's form input, every field empty: tests fill what they need. */
export const PERSON_INPUT = {
  civility: '', first_name: '', last_name: '', job_title: '', email: '', email2: '', phone: '',
  mobile: '', street: '', line2: '', postal_code: '', city: '', country: '', birthday: '',
  preferred_language: '', roles: [], lifecycle_stage: '', source: '', marketing_consent: false,
  consent_date: '', consent_method: '', owner_id: null, company_id: null, company_job_title: '',
  link_start: '', link_end: '',
};

/** Saves a person through the form's server function (new when `id` is null); its id. */
export async function savePerson(page: Page, input: Record<string, unknown>, id: number | null = null, version: number | null = null): Promise<number> {
  const r = await page.request.post('/api/persons/save', {
    data: { id, version, input: { ...PERSON_INPUT, ...input }, confirmed: true },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
  return await r.json();
}
