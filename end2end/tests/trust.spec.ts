import { test, expect, Page } from './fixtures';
import { login, ready, shot, unique, deleteRecord, goOffline, goOnline, controlled } from './helpers';

// The rough edges a first user hit (issue 15), each checked as a person
// would meet it, at a laptop's 1280×800 unless said otherwise.
test.use({ viewport: { width: 1280, height: 800 } });

const MEMBER = { email: 'member@relais.example', password: 'relais-e2e-2026' };

/** Fails the test on any server error or CSP violation seen by the page. */
function watch(page: Page) {
  const problems: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 500 && !r.headers()['x-relais-offline'] && !r.headers()['x-relais-queued']) {
      problems.push(`${r.status()} ${r.url()}`);
    }
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
  return problems;
}

async function createCompany(page: Page, name: string, extra: Record<string, string> = {}) {
  const input = {
    name, roles: [], industry: '', size: '', website: '', email: '', phone: '', street: '', line2: '',
    postal_code: '', city: '', country: '', registration_number: '', source: '', description: '', owner_id: null,
    ...extra,
  };
  const r = await page.request.post('/api/companies/save', {
    data: { id: null, version: null, input, confirmed: true },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
  return (await r.json()) as number;
}

test('the deal form checks duplicates without errors, and a duplicate asks before saving', async ({ page }) => {
  const problems = watch(page);
  await login(page);
  const name = unique('Contrat cadre Hélios');
  // An existing deal of that name.
  const stages = await (await page.request.post('/api/deals/pipelines', { data: { include_inactive: false } })).json();
  const pipeline = stages[0];
  const input = {
    name, company_id: null, person_id: null, pipeline_id: pipeline.id, stage_id: pipeline.stages[0].id, amount: '1000',
    expected_close: '', probability: '', status: 'open', lost_reason: '', next_step: '', description: '', owner_id: null,
  };
  const first = await page.request.post('/api/deals/save', { data: { id: null, version: null, input } });
  expect(first.ok(), await first.text()).toBeTruthy();

  await page.goto('/deals/new');
  await ready(page);
  await page.locator('#f-name').fill(name.replace('é', 'e'));
  // The warning as one types, from an answer that is not a 500.
  await expect(page.locator('.duplicates')).toContainText(name);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const box = page.locator('.duplicates-confirm');
  await expect(box).toContainText('looks like a record that already exists');
  await expect(box.getByRole('link', { name })).toBeVisible();
  await expect(page).toHaveURL(/\/deals\/new$/);
  await shot(page, 'desktop-duplicate-asks');
  await box.getByRole('button', { name: 'Save anyway' }).click();
  await page.waitForURL(/\/deals\/\d+$/);
  expect(problems).toEqual([]);
});

test('deleting asks in the app and can be undone; a series asks "which" only then', async ({ page }) => {
  const problems = watch(page);
  await login(page);
  const name = unique('Undo & Cie');
  const id = await createCompany(page, name);
  await page.goto(`/companies/${id}`);
  await ready(page);
  await deleteRecord(page);
  await page.waitForURL(/\/companies$/);
  const toast = page.locator('.toast', { hasText: name });
  await expect(toast).toContainText('moved to the trash');
  await shot(page, 'desktop-deleted-toast');
  await toast.getByRole('button', { name: 'Undo' }).click();
  await page.waitForURL(new RegExp(`/companies/${id}$`));
  await expect(page.locator('.record-header h1')).toHaveText(name);
  await expect(page.locator('.toast')).toContainText('is back');

  // An occurrence of a series: its page does not ask anything until Delete.
  const subject = unique('Point hebdo');
  const start = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const input = {
    kind: 'meeting', subject, description: '', status: 'planned', start: `${start}T09:00`, end: `${start}T09:30`,
    duration_minutes: '', all_day: false, direction: '', location: '', priority: '', task_start: '', private: false,
    owner_id: null, reminder_minutes: '0', links: [], attendee_users: [], attendee_persons: [],
    recurrence: { freq: 'weekly', interval: '1', weekdays: [], ends: 'count', until: '', count: '3' },
  };
  const saved = await page.request.post('/api/interactions/save', { data: { id: null, version: null, input, scope: 'one' } });
  expect(saved.ok(), await saved.text()).toBeTruthy();
  await page.goto(`/interactions/${await saved.json()}`);
  await ready(page);
  await expect(page.locator('.scope-choice')).toHaveCount(0);
  // A reminder at the start reads as such, not "0".
  await expect(page.locator('.details')).toContainText('At the start');
  await page.locator('.record-header').getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('alertdialog');
  const one = dialog.getByLabel('Only this one');
  await expect(one).toBeVisible();
  // Each radio sits right by its words.
  const radio = await one.boundingBox();
  const words = await dialog.locator('.choice span').first().boundingBox();
  expect(words!.x - (radio!.x + radio!.width)).toBeLessThan(24);
  await shot(page, 'desktop-delete-series-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('tags show in the lists, exports speak words, the trash speaks local time', async ({ page }) => {
  await login(page);
  const name = unique('Étiquettes SA');
  const id = await createCompany(page, name, { size: 'small' });
  await page.request.post('/api/records/add_tag', { data: { kind: 'company', id, name: 'Salon Lyon' } });
  await page.goto(`/companies?q=${encodeURIComponent(name)}`);
  await ready(page);
  await page.locator('summary', { hasText: 'Columns' }).click();
  await page.locator('.column-chooser').getByLabel('Tags').check();
  await page.locator('summary', { hasText: 'Columns' }).click();
  await expect(page.locator('.list-table td.col-tags')).toContainText('Salon Lyon');

  const csv = await (await page.request.get(`/export/companies.csv?q=${encodeURIComponent(name)}`)).text();
  expect(csv).toContain('10–49 employees');
  expect(csv).not.toMatch(/,small[,\r\n]/);

  await page.goto(`/companies/${id}`);
  await ready(page);
  await deleteRecord(page);
  await page.waitForURL(/\/companies$/);
  await page.goto('/trash');
  await ready(page);
  const item = page.locator('.trash-item', { hasText: name });
  // Deleted a moment ago: the wall clock of the admin's zone (Europe/Paris).
  const paris = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(new Date());
  await expect(item).toContainText(paris.slice(0, 13));
});

test('an English speaker in Europe starts the week on Monday; the profile says who is signed in', async ({ page }) => {
  await login(page);
  await page.goto('/calendar?view=week');
  await ready(page);
  const firstDay = await page.locator('.cal-col').first().getAttribute('data-day');
  expect(new Date(`${firstDay}T12:00:00Z`).getUTCDay()).toBe(1);
  const me = await (await page.request.post('/api/auth/me', { data: {} })).json();
  // Its name says who (the initials it shows are hidden from screen readers).
  await expect(page.locator('details.profile summary')).toHaveAccessibleName(`Profile: ${me.name}`);
});

test('long values wrap or are cut; boards and the Planning fit a laptop screen', async ({ page }) => {
  await login(page);
  const long = 'Établissements' + 'X'.repeat(230);
  const email = `${'tres.long.adresse'.repeat(8)}@exemple.fr`;
  await createCompany(page, long.slice(0, 255), { email, city: 'Lyon' });
  await page.goto(`/companies?q=${encodeURIComponent(long.slice(0, 40))}`);
  await ready(page);
  const table = await page.locator('.list-table').boundingBox();
  expect(table!.x + table!.width).toBeLessThanOrEqual(1280);
  const row = await page.locator('.list-table tbody tr').first().boundingBox();
  expect(row!.height).toBeLessThan(70);
  await expect(page.locator('.list-table tbody tr').first().locator('.cell-main [title]')).toHaveAttribute('title', long.slice(0, 255));
  await shot(page, 'desktop-long-values');

  await page.goto('/kanban');
  await ready(page);
  const cols = page.locator('.board .board-col');
  await expect(cols).toHaveCount(4);
  const last = await cols.last().boundingBox();
  expect(last!.x + last!.width).toBeLessThanOrEqual(1280);

  await page.goto('/planning?span=2weeks');
  await ready(page);
  const heads = page.locator('.plan-dayhead');
  await expect(heads).toHaveCount(14);
  const lastDay = await heads.last().boundingBox();
  expect(lastDay!.x + lastDay!.width).toBeLessThanOrEqual(1280);
  await shot(page, 'desktop-planning-two-weeks');
});

test('a phone Desk keeps its width with a 255-character subject', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await login(page);
  const subject = 'Rappel' + 'Z'.repeat(249);
  const today = await (await page.request.post('/api/calendar/now', { data: {} })).json();
  const input = {
    kind: 'task', subject, description: '', status: 'not_started', start: `${today.slice(0, 10)}T23:30`, end: '',
    duration_minutes: '', all_day: false, direction: '', location: '', priority: 'medium', task_start: '', private: false,
    owner_id: null, reminder_minutes: '', links: [], attendee_users: [], attendee_persons: [], recurrence: null,
  };
  const r = await page.request.post('/api/interactions/save', { data: { id: null, version: null, input, scope: 'one' } });
  expect(r.ok(), await r.text()).toBeTruthy();
  await page.goto('/');
  await ready(page);
  await expect(page.locator('.desk-panels')).toContainText('ZZZZ');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, 'phone-desk-long-subject');
  await context.close();
});

test('a member opening the pipelines settings reads them and is told who may change them', async ({ page }) => {
  await login(page, MEMBER);
  await page.goto('/settings/pipelines');
  await ready(page);
  await expect(page.getByRole('note')).toContainText('Only an administrator');
  await expect(page.locator('.pipelines-page input')).toHaveCount(0);
});

test('offline, moving inside the app reads what the device kept, and comes back online by itself', async ({ page, context }) => {
  await login(page);
  await controlled(page);
  // Opened once online: the companies list is kept on the device.
  await page.goto('/companies');
  await ready(page);
  await expect(page.locator('.list-table')).toBeVisible();
  await page.goto('/');
  await ready(page);
  await goOffline(context);
  await page.locator('nav#sidebar').getByRole('link', { name: 'Companies' }).click();
  await page.waitForURL(/\/companies$/);
  await expect(page.locator('.list-table tbody tr').first()).toBeVisible();
  await expect(page.locator('body')).not.toContainText('not opened on this device');
  await goOnline(context);
});
