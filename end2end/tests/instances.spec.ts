import { test, expect, Page } from './fixtures';
import * as fs from 'fs';
import * as path from 'path';
import { login, ready, unique } from './helpers';

// Several instances, one database. `scripts/test.sh` runs a second server
// on the first one's PostgreSQL, with the same SMTP sink and the same
// reminder period (2 s), and `end2end/proxy.mjs` before both, sending each
// request to the next one in turn. Sessions, reminders and the mail outbox
// live in the database: whichever instance a request reaches, it is the
// same application, and a reminder both dispatchers see due is fired, and
// mailed, once.
const PROXY = process.env.E2E_PROXY_URL ?? '';
const INSTANCE_A = process.env.E2E_INSTANCE_A ?? '';
const INSTANCE_B = process.env.E2E_INSTANCE_B ?? '';
const MAIL_DIR = process.env.E2E_MAIL_DIR ?? '';
/** RELAIS_REMINDER_SECS of both instances, in ms. */
const PERIOD = 2_000;

// A demo user no other test signs in as (English-speaking). Their choice
// of reminders goes back to the default at the end.
const MANAGER = { email: 'manager@relais.example', password: 'relais-e2e-2026' };

test.use({ baseURL: PROXY || undefined });

type Mail = { rcpt_tos: string[]; subject: string; text: string };

function mailsAbout(address: string, subject: string): Mail[] {
  if (!fs.existsSync(MAIL_DIR)) return [];
  return fs
    .readdirSync(MAIL_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(MAIL_DIR, f), 'utf8')) as Mail)
    .filter((m) => m.rcpt_tos.includes(address) && m.subject.includes(subject));
}

/** `YYYY-MM-DDTHH:MM`, UTC now plus `minutes`: a wall-clock time as the form sends it. */
function wallClock(minutes: number) {
  return new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);
}

/** The caller's reminder notifications of interaction `id`, as instance `base` lists them. */
async function remindersOf(page: Page, base: string, id: number): Promise<number> {
  const res = await page.request.post(`${base}/api/notifications/list`, { data: {} });
  expect(res.ok(), await res.text()).toBeTruthy();
  const list = await res.json();
  return (list.items ?? []).filter((n: any) => n.interaction_id === id && n.kind === 'reminder').length;
}

/** Opens the bell on instance `base` and answers how often `subject` is in it. */
async function inTheBell(page: Page, base: string, subject: string) {
  const listed = page.waitForResponse((r) => r.url().startsWith(`${base}/api/notifications/list`));
  await page.goto(`${base}/`);
  await ready(page);
  await listed;
  const bell = page.locator('.notifications button.bell');
  await bell.click();
  await expect(bell).toHaveAttribute('aria-expanded', 'true');
  const panel = page.locator('#notifications-panel');
  await expect(panel).toBeVisible();
  // Listed at all first (then counted): the panel fills from the list just fetched.
  await expect(panel.locator('li.notification', { hasText: subject }).first()).toBeVisible();
  return panel.locator('li.notification', { hasText: subject });
}

test('two instances behind a proxy: one session, and a due reminder fires and is mailed once', async ({ page }) => {
  // Not skipped when the setup is missing: this test is the setup's proof.
  expect(PROXY, 'E2E_PROXY_URL: the proxy before both instances (scripts/test.sh)').not.toBe('');
  expect(INSTANCE_A, 'E2E_INSTANCE_A: the first instance (scripts/test.sh)').not.toBe('');
  expect(INSTANCE_B, 'E2E_INSTANCE_B: the second instance (scripts/test.sh)').not.toBe('');
  expect(MAIL_DIR, 'E2E_MAIL_DIR: the SMTP sink both instances send to').not.toBe('');
  expect(new Set([PROXY, INSTANCE_A, INSTANCE_B]).size, 'three different addresses').toBe(3);
  const hostA = new URL(INSTANCE_A).host;
  const hostB = new URL(INSTANCE_B).host;

  // The proxy says which instance answered each request: both are behind it.
  const served = new Set<string>();
  page.on('response', (r) => {
    const upstream = r.headers()['x-proxy-upstream'];
    if (upstream) served.add(upstream);
  });

  // Signed in through the proxy: the page, its scripts and its server calls
  // went to one instance or the other, the session works on both.
  await login(page, MANAGER);
  expect([...served].sort(), 'the proxy sent the sign-in to both instances').toEqual([hostA, hostB].sort());

  try {
    // Straight on instance B, with the cookie the proxy's answer set: my
    // reminders by mail and in the browser, in the profile settings.
    await page.goto(`${INSTANCE_B}/settings/profile`);
    await ready(page);
    await expect(page).toHaveURL(`${INSTANCE_B}/settings/profile`);
    const card = page.locator('section.settings-card', { has: page.locator('#settings-reminders') });
    await card.locator('#f-reminders_by').selectOption('both');
    const saved = page.waitForResponse((r) => r.url().startsWith(`${INSTANCE_B}/api/settings/save_reminders`));
    await card.getByRole('button', { name: 'Save' }).click();
    expect((await saved).ok()).toBe(true);
    await expect(card.getByRole('status')).toHaveText('Saved.');

    // Straight on instance A: a call whose reminder is due at once (it
    // starts in about two hours and reminds a day before, whatever my
    // time zone). From here both instances' dispatchers, every 2 s, see it.
    await page.goto(`${INSTANCE_A}/`);
    await ready(page);
    await expect(page.locator('.desk h1')).toContainText('Olivia');
    const subject = unique('Rappel deux instances');
    const input = {
      kind: 'call', subject, description: '', status: 'planned', start: wallClock(120), end: '',
      duration_minutes: '15', all_day: false, direction: 'outbound', location: '', priority: '',
      task_start: '', private: false, owner_id: null, reminder_minutes: '1440', links: [],
      attendee_users: [], attendee_persons: [], recurrence: null,
    };
    const res = await page.request.post(`${INSTANCE_A}/api/interactions/save`, {
      data: { id: null, version: null, input, scope: 'one' },
    });
    expect(res.ok(), await res.text()).toBeTruthy();
    const id = (await res.json()) as number;

    // Working on through instance B meanwhile: the call, as A saved it.
    await page.goto(`${INSTANCE_B}/interactions/${id}`);
    await ready(page);
    await expect(page.locator('.record-header')).toContainText(subject);

    // Fired: the notification is there, for either instance.
    await expect
      .poll(() => remindersOf(page, INSTANCE_B, id), { timeout: 60_000, intervals: [500, 1000] })
      .toBeGreaterThan(0);
    // Mailed: the mail reached the SMTP sink.
    await expect
      .poll(() => mailsAbout(MANAGER.email, subject).length, { timeout: 60_000, intervals: [250, 500, 1000] })
      .toBeGreaterThan(0);
    // A late duplicate would come at a later run of either dispatcher (and
    // of the mailer it wakes): what follows is counted once three more
    // periods of both have passed.
    const settled = Date.now() + 3 * PERIOD + 500;

    // Exactly once: one notification in the bell, on either instance…
    for (const base of [INSTANCE_A, INSTANCE_B]) {
      await expect(await inTheBell(page, base, subject), `the bell on ${base}`).toHaveCount(1);
    }
    await page.waitForTimeout(Math.max(0, settled - Date.now()));
    expect(await remindersOf(page, INSTANCE_A, id), 'reminder notifications (instance A)').toBe(1);
    expect(await remindersOf(page, INSTANCE_B, id), 'reminder notifications (instance B)').toBe(1);
    // … and one mail, in my language, linking to the call.
    const mails = mailsAbout(MANAGER.email, subject);
    expect(mails.map((m) => m.subject), 'reminder mails at the SMTP sink').toEqual([`Reminder: ${subject}`]);
    expect(mails[0].text).toMatch(new RegExp(`https?://\\S+/interactions/${id}\\b`));
  } finally {
    // Back to the default, whichever instance takes it.
    const back = await page.request.post('/api/settings/save_reminders', { data: { reminders_by: 'browser' } });
    expect(back.ok(), await back.text()).toBeTruthy();
  }
});
