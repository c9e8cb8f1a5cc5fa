import { test, expect, Page, APIRequestContext } from './fixtures';
import { backOnlineLosingFirstAnswer, controlled as controlledBy, goOffline, goOnline, login, ready, shot, unique } from './helpers';

// On a phone, as issue 6's "done means": read offline, log a call and move
// a task offline, come back and find both on the server exactly once —
// even when the first answer is lost and the worker sends the call again.
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

async function controlled(page: Page) {
  await controlledBy(page);
  await ready(page);
}

function randomDay() {
  const d = new Date(Date.UTC(2032, 0, 1) + 86400000 * Math.floor(Math.random() * 3000));
  return d.toISOString().slice(0, 10);
}

/** Files an interaction of mine through the API (a task unless `extra` says otherwise). */
async function save(request: APIRequestContext, subject: string, start: string, extra: Record<string, unknown> = {}) {
  const input = {
    kind: 'task', subject, description: '', status: 'not_started', start, end: '', duration_minutes: '',
    all_day: false, direction: '', location: '', priority: 'high', task_start: '', private: false, owner_id: null,
    reminder_minutes: '', links: [], attendee_users: [], attendee_persons: [], recurrence: null, ...extra,
  };
  const r = await request.post('/api/interactions/save', {
    data: { id: null, version: null, input, scope: 'one' },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
  return (await r.json()) as number;
}

const saveTask = (request: APIRequestContext, subject: string, due: string) => save(request, subject, due);

/** Keyboard move of card `id` one column to the right. */
async function moveRight(page: Page, id: number) {
  await page.locator(`.kcard[data-card="${id}"]`).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
}

test('offline on a phone: log a call and move a task, sent once when back (one answer lost)', async ({ page, context }) => {
  await login(page);
  await controlled(page);
  const day = randomDay();
  const task = await saveTask(page.request, unique('Relancer hors ligne'), `${day}T09:00`);
  const board = `/kanban?from=${day}&to=${day}`;
  // Online first: a person, their "log a call" form and the board, opened
  // once (that is what the device keeps).
  await page.goto('/persons');
  await ready(page);
  const first = page.locator('.list-table tbody tr td.cell-main a').first();
  const name = (await first.innerText()).trim();
  await first.click();
  await page.waitForURL(/\/persons\/\d+$/);
  const personUrl = page.url();
  await page.goto(personUrl);
  await ready(page);
  await page.getByRole('link', { name: 'Log a call' }).click();
  await page.waitForURL(/\/interactions\/new\?kind=call&person=\d+/);
  await ready(page);
  await expect(page.locator('#f-links')).toContainText(name.split(' ')[0]);
  await page.goto(board);
  await ready(page);
  await expect(page.locator(`.kcard[data-card="${task}"]`)).toBeVisible();
  await page.goto('/');
  await ready(page);

  await goOffline(context);
  // The Desk and today's agenda, from the device.
  await page.goto('/');
  await ready(page);
  await expect(page.locator('.desk-panel.panel-agenda')).toBeVisible();
  await expect(page.locator('.connection-bar.offline')).toBeVisible();
  // The person opened before, then a call logged from their page.
  await page.goto(personUrl);
  await ready(page);
  await page.getByRole('link', { name: 'Log a call' }).click();
  await page.waitForURL(/\/interactions\/new\?kind=call&person=\d+/);
  await ready(page);
  const subject = unique('Appel hors ligne');
  await page.locator('#f-subject').fill(subject);
  await page.locator('#f-start').fill(`${day}T11:00`);
  await page.getByRole('button', { name: 'Save' }).click();
  // Kept on the device: back on the person, shown as waiting to sync.
  await page.waitForURL((u) => u.href === personUrl);
  await expect(page.locator('.pending-here')).toContainText(subject);
  await expect(page.locator('.pending-here')).toContainText('Waiting to sync');
  // The task moved on the board: it stays where it was put.
  await page.goto(board);
  await ready(page);
  await moveRight(page, task);
  await expect(page.locator(`.board-col[data-column="in_progress"] [data-card="${task}"]`)).toBeVisible();
  await expect(page.locator('.banner-info', { hasText: 'Saved on this device' })).toBeVisible();
  await expect(page.locator('.connection-bar.waiting')).toContainText('2 change(s)');
  await shot(page, 'offline-queued');

  // Back online; the first answer to the call is lost on the way (the
  // server applied it), so the worker sends it again with the same key.
  const attempts = await backOnlineLosingFirstAnswer(page, context, '**/api/interactions/save');
  await expect.poll(() => attempts.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  expect(attempts[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(attempts[1]).toBe(attempts[0]);
  await expect(page.locator('.connection-bar.waiting')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.locator('.connection-bar.syncing')).toHaveCount(0);
  await context.unroute('**/api/interactions/save');

  // On the server, once each.
  await page.goto(personUrl);
  await ready(page);
  await expect(page.locator('.tl-interaction', { hasText: subject })).toHaveCount(1);
  await expect(page.locator('.pending-here')).toHaveCount(0);
  await page.goto(board);
  await ready(page);
  await expect(page.locator(`.board-col[data-column="in_progress"] [data-card="${task}"]`)).toBeVisible();
  const history = await page.request.post('/api/interactions/get', { data: { id: task } });
  expect(history.ok()).toBeTruthy();
  expect((await history.json()).version).toBe(2);
});

test('a change refused on return is shown with both versions, and can be applied', async ({ page, context }) => {
  await login(page);
  await controlled(page);
  const day = randomDay();
  const task = await saveTask(page.request, unique('Tâche disputée'), `${day}T09:00`);
  const board = `/kanban?from=${day}&to=${day}`;
  await page.goto(board);
  await ready(page);
  await goOffline(context);
  await page.goto(board);
  await ready(page);
  await moveRight(page, task);
  await expect(page.locator('.connection-bar.waiting')).toBeVisible();
  // Meanwhile someone else finishes the task (straight to the server).
  const done = await page.request.post('/api/interactions/status', {
    data: { id: task, version: 1, status: 'done' },
  });
  expect(done.ok(), await done.text()).toBeTruthy();
  await goOnline(context);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(page.locator('.connection-bar.refused')).toContainText('could not be applied');
  await page.locator('.connection-bar.refused a').click();
  await page.waitForURL(/\/outbox$/);
  const item = page.locator('.outbox-item[data-state="refused"]');
  await expect(item).toContainText('Someone changed this record');
  await expect(item.locator('.conflict-table')).toContainText('Done');
  await expect(item.locator('.conflict-table')).toContainText('In progress');
  await shot(page, 'outbox-conflict');
  await item.getByRole('button', { name: 'Apply mine anyway' }).click();
  await expect(page.locator('.empty-state')).toBeVisible();
  const now = await page.request.post('/api/interactions/get', { data: { id: task } });
  expect((await now.json()).input.status).toBe('in_progress');
});

test('the coming days and my open tasks are kept on the device once signed in', async ({ page, context }) => {
  // Signed in without opening any page yet, and two things planned in two days.
  const r = await page.request.post('/api/auth/login', {
    data: { email: 'admin@relais.example', password: 'relais-e2e-2026', locale: 'en' },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
  const { today } = await (await page.request.post('/api/desk/today', { data: {} })).json();
  const inTwoDays = new Date(Date.parse(`${today}T12:00:00Z`) + 2 * 86400000).toISOString().slice(0, 10);
  const meeting = unique('Visite du chantier');
  await save(page.request, meeting, `${inTwoDays}T10:00`, {
    kind: 'meeting', status: 'planned', end: `${inTwoDays}T11:00`, priority: '',
  });
  await saveTask(page.request, unique('Devis à envoyer'), `${inTwoDays}T09:00`);
  // The first card of my "not started" tasks, as the server has it now.
  const board = await (
    await page.request.post('/api/kanban/tasks', {
      data: { filter: { mine: true, owner: null, record: null, due_from: '', due_to: '' } },
    })
  ).json();
  const firstTask: string = board.find((c: { key: string }) => c.key === 'not_started').cards[0].title;

  // Only the Desk is opened (the worker takes over during this first
  // visit); the app keeps the rest in the background.
  await page.goto('/');
  await controlled(page);
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const pages = await caches.open('relais-pages');
        const data = await caches.open('relais-data');
        const days = (await data.keys()).filter((k) => k.url.includes('/api/calendar/events')).length;
        return !!(await pages.match('/kanban')) && !!(await pages.match('/calendar')) && days >= 10;
      }),
      { timeout: 60_000 },
    )
    .toBe(true);

  await goOffline(context);
  // The calendar, never opened: a phone opens it on today; two days on.
  await page.goto('/calendar');
  await ready(page);
  await expect(page.locator('.connection-bar.offline')).toBeVisible();
  await page.waitForURL(/view=day/);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.locator('.cal-event-title', { hasText: meeting })).toBeVisible();
  await shot(page, 'offline-coming-day');
  // My tasks, never opened either.
  await page.goto('/kanban');
  await ready(page);
  await expect(page.locator('.kcard', { hasText: firstTask }).first()).toBeVisible();
  await goOnline(context);
});
