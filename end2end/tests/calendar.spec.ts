import { test, expect, Page, APIRequestContext } from './fixtures';
import { login, ready, shot, unique } from './helpers';

// Each run uses its own week far in the future, so runs do not pile up.
// 2030-01-06 is a Sunday (English weeks start on Sunday).
function randomWeek() {
  const sunday = new Date(Date.UTC(2030, 0, 6) + 7 * 86400000 * Math.floor(Math.random() * 2000));
  const day = (n: number) => new Date(sunday.getTime() + n * 86400000).toISOString().slice(0, 10);
  return { sun: day(0), mon: day(1), wed: day(3), thu: day(4) };
}

function input(kind: string, subject: string, start: string, extra: Record<string, unknown> = {}) {
  return {
    kind, subject, description: '', status: 'planned', start, end: '', duration_minutes: '',
    all_day: false, direction: kind === 'call' ? 'outbound' : '', location: '', priority: '', task_start: '',
    private: false, owner_id: null, reminder_minutes: '', links: [], attendee_users: [], attendee_persons: [],
    recurrence: null, ...extra,
  };
}

async function save(request: APIRequestContext, body: Record<string, unknown>): Promise<number> {
  const r = await request.post('/api/interactions/save', {
    data: { id: null, version: null, input: body, scope: 'one' },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
  return await r.json();
}

async function openWeek(page: Page, date: string, extra = '') {
  await page.goto(`/calendar?view=week&date=${date}${extra}`);
  await ready(page);
  await expect(page.locator('.cal-grid')).toBeVisible();
}

/** The viewport y of a wall-clock minute in a time column. */
async function yOf(page: Page, day: string, minute: number) {
  const box = (await page.locator(`.cal-col[data-day="${day}"]`).boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + (box.height * minute) / 1440 };
}

test('week view: drag a call to Thursday 14:00, resize it to 45 minutes, show a colleague', async ({ page }) => {
  await login(page);
  const w = randomWeek();
  const subject = unique('Call Dupont');
  const id = await save(page.request, input('call', subject, `${w.mon}T09:00`, { duration_minutes: '15' }));

  await openWeek(page, w.wed);
  const block = page.locator(`.cal-block[data-id="${id}"]`);
  await expect(block).toBeVisible();
  await expect(block).toHaveAttribute('title', new RegExp(`Call: ${subject}, Mon \\d+ 09:00 – 09:15`));
  await expect(page.locator('.cal-legend')).toContainText('Meeting');
  await shot(page, 'calendar-week');

  // Move: grab 4 px below its top, drop at Thursday 14:00 (+ the grab).
  const b = (await block.boundingBox())!;
  const grabMinutes = (4 * 1440) / (await page.locator(`.cal-col[data-day="${w.thu}"]`).boundingBox())!.height;
  await page.mouse.move(b.x + b.width / 2, b.y + 4);
  await page.mouse.down();
  const to = await yOf(page, w.thu, 14 * 60 + grabMinutes);
  await page.mouse.move(to.x, to.y, { steps: 12 });
  // Once the server agreed, the range is read again and drawn anew.
  const reloaded = page.waitForResponse((r) => r.url().includes('/api/calendar/events'));
  await page.mouse.up();
  // Shown at once, kept once the server agreed.
  const moved = page.locator(`.cal-col[data-day="${w.thu}"] .cal-block[data-id="${id}"]`);
  await expect(moved).toHaveAttribute('title', /Thu \d+ 14:00 – 14:15/);
  await reloaded;
  await page.waitForTimeout(300); // the grid is drawn anew with the new data

  // Resize: drag the bottom edge down to 14:45.
  const m = (await moved.boundingBox())!;
  await page.mouse.move(m.x + m.width / 2, m.y + m.height - 3);
  await page.mouse.down();
  const end = await yOf(page, w.thu, 14 * 60 + 45);
  await page.mouse.move(end.x, end.y, { steps: 8 });
  const saved = page.waitForResponse((r) => r.url().includes('/api/calendar/move'));
  await page.mouse.up();
  await expect(moved).toHaveAttribute('title', /Thu \d+ 14:00 – 14:45/);
  expect((await saved).ok()).toBeTruthy();

  // It was saved: a reload shows the same.
  await page.reload();
  await ready(page);
  await expect(page.locator(`.cal-col[data-day="${w.thu}"] .cal-block[data-id="${id}"]`)).toHaveAttribute(
    'title',
    /Thu \d+ 14:00 – 14:45/,
  );

  // A colleague's calendar, switched on from the sidebar (an admin may see everyone's).
  const cals = await (await page.request.post('/api/calendar/calendars', { data: {} })).json();
  const olivia = cals.find((c: { name: string }) => c.name === 'Olivia Bennett');
  expect(olivia).toBeTruthy();
  const theirs = unique('Revue Olivia');
  await save(page.request, input('meeting', theirs, `${w.wed}T11:00`, { end: `${w.wed}T12:00`, owner_id: olivia.id }));
  await page.reload();
  await ready(page);
  await expect(page.locator('.cal-block', { hasText: theirs })).toHaveCount(0);
  await page.getByLabel('Olivia Bennett').check();
  await expect(page).toHaveURL(new RegExp(`users=\\d+,${olivia.id}`));
  await expect(page.locator('.cal-block', { hasText: theirs })).toBeVisible();
  await expect(page.locator('.cal-block', { hasText: theirs })).toHaveClass(new RegExp(`cal-u${olivia.id % 8}`));
  await shot(page, 'calendar-week-shared');
  // And off again.
  await page.getByLabel('Olivia Bennett').uncheck();
  await expect(page.locator('.cal-block', { hasText: theirs })).toHaveCount(0);
});

test('keyboard, month and agenda views, and an empty slot opens the form', async ({ page }) => {
  await login(page);
  const w = randomWeek();
  const subject = unique('Réunion');
  await save(page.request, input('meeting', subject, `${w.wed}T10:00`, { end: `${w.wed}T11:30` }));
  await openWeek(page, w.wed);
  await expect(page.locator('.cal-block', { hasText: subject })).toBeVisible();

  await page.keyboard.press('n');
  await expect(page).toHaveURL(/view=week&date=\d{4}-\d\d-\d\d/);
  await expect(page.locator('.cal-block', { hasText: subject })).toHaveCount(0);
  await page.keyboard.press('p');
  await expect(page.locator('.cal-block', { hasText: subject })).toBeVisible();
  await page.keyboard.press('m');
  await expect(page).toHaveURL(/view=month/);
  await expect(page.locator('.cal-chip', { hasText: subject })).toBeVisible();
  await shot(page, 'calendar-month');
  await page.keyboard.press('a');
  await expect(page).toHaveURL(/view=agenda/);
  await expect(page.locator('.cal-agenda')).toContainText(subject);
  await expect(page.locator('.cal-agenda')).toContainText('10:00 – 11:30');
  await shot(page, 'calendar-agenda');
  await page.keyboard.press('t');
  await expect(page).not.toHaveURL(new RegExp(`date=${w.wed}`));
  await page.keyboard.press('w');
  await expect(page).toHaveURL(/view=week/);
  await expect(page.locator('.cal-now')).toHaveCount(1);

  // Dragging over empty slots: Thursday 15:00 to 16:30.
  await openWeek(page, w.wed);
  const a = await yOf(page, w.thu, 15 * 60 + 5);
  const b = await yOf(page, w.thu, 16 * 60 + 20);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
  await expect(page).toHaveURL(
    new RegExp(`/interactions/new\\?kind=meeting&start=${w.thu}T15:00&end=${w.thu}T16:30`),
  );
});

test('a refused move is undone with a message; a series asks first', async ({ page }) => {
  await login(page);
  const w = randomWeek();
  const subject = unique('Appel refusé');
  const id = await save(page.request, input('call', subject, `${w.mon}T10:00`, { duration_minutes: '30' }));
  await openWeek(page, w.wed);
  const block = page.locator(`.cal-block[data-id="${id}"]`);
  await expect(block).toBeVisible();
  // Someone else changes it meanwhile: the page's version is stale.
  const r = await page.request.post('/api/interactions/status', { data: { id, version: 1, status: 'held' } });
  expect(r.ok(), await r.text()).toBeTruthy();
  const b = (await block.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + 4);
  await page.mouse.down();
  const to = await yOf(page, w.wed, 16 * 60);
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
  await expect(page.locator('.cal-message')).toContainText('The change was undone');
  await expect(page.locator(`.cal-col[data-day="${w.mon}"] .cal-block[data-id="${id}"]`)).toBeVisible();

  const weekly = unique('Hebdo');
  await save(
    page.request,
    input('meeting', weekly, `${w.mon}T08:00`, {
      end: `${w.mon}T09:00`,
      recurrence: { freq: 'weekly', interval: '1', weekdays: [], ends: 'count', until: '', count: '3' },
    }),
  );
  await page.reload();
  await ready(page);
  const occ = page.locator('.cal-block', { hasText: weekly });
  await expect(occ).toBeVisible();
  const o = (await occ.boundingBox())!;
  await page.mouse.move(o.x + o.width / 2, o.y + 4);
  await page.mouse.down();
  const t = await yOf(page, w.mon, 12 * 60 + 5);
  await page.mouse.move(t.x, t.y, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByRole('dialog')).toContainText('Change only this one, or the whole series?');
  await page.getByRole('button', { name: 'The whole series' }).click();
  await expect(occ).toHaveAttribute('title', /12:00 – 13:00/);
  await page.keyboard.press('n');
  await expect(page.locator('.cal-block', { hasText: weekly })).toHaveAttribute('title', /12:00 – 13:00/);
});

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('opens on the day view and moves a call with a touch drag', async ({ page }) => {
    await login(page);
    const w = randomWeek();
    const subject = unique('Appel mobile');
    const id = await save(page.request, input('call', subject, `${w.mon}T09:00`, { duration_minutes: '30' }));
    await page.goto(`/calendar?date=${w.mon}`);
    await ready(page);
    await expect(page).toHaveURL(/view=day/);
    const block = page.locator(`.cal-block[data-id="${id}"]`);
    await expect(block).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'calendar-phone-day');

    // A touch drag, two hours later.
    const b = (await block.boundingBox())!;
    const x = Math.round(b.x + b.width / 2);
    const y0 = Math.round(b.y + 6);
    const target = await yOf(page, w.mon, 11 * 60 + (6 * 1440) / (await page.locator('.cal-col').boundingBox())!.height);
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: string, y: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1, radiusX: 4, radiusY: 4, force: 1 }],
      });
    await touch('touchStart', y0);
    for (let i = 1; i <= 10; i++) {
      await touch('touchMove', Math.round(y0 + ((target.y - y0) * i) / 10));
    }
    const saved = page.waitForResponse((r) => r.url().includes('/api/calendar/move'));
    await touch('touchEnd', target.y);
    await expect(block).toHaveAttribute('title', /11:00 – 11:30/);
    expect((await saved).ok()).toBeTruthy();
    await page.reload();
    await ready(page);
    await expect(page.locator(`.cal-block[data-id="${id}"]`)).toHaveAttribute('title', /11:00 – 11:30/);

    // The agenda fits too.
    await page.getByRole('button', { name: 'Agenda' }).click();
    await expect(page.locator('.cal-agenda')).toContainText(subject);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'calendar-phone-agenda');
  });

  test("a month shows each day's interactions as dots, the day's number opens it", async ({ page }) => {
    await login(page);
    const w = randomWeek();
    const subject = unique('Point mobile');
    await save(page.request, input('call', subject, `${w.wed}T09:00`, { duration_minutes: '30' }));
    await page.goto(`/calendar?view=month&date=${w.wed}`);
    await ready(page);
    const cell = page.locator(`.cal-month-cell[data-day="${w.wed}"]`);
    await expect(cell.locator('.cal-dot').first()).toBeVisible();
    // The chips are links too small to tap on a phone: not shown.
    await expect(cell.locator('.cal-chip').first()).toBeHidden();
    const day = (await cell.locator('.cal-daynum').boundingBox())!;
    expect(Math.min(day.width, day.height)).toBeGreaterThanOrEqual(24);
    await shot(page, 'calendar-phone-month');
    await cell.locator('.cal-daynum').click();
    await expect(page).toHaveURL(new RegExp(`view=day&date=${w.wed}`));
    await expect(page.locator('.cal-block', { hasText: subject })).toBeVisible();
  });

  test('the next visit draws the day from the server', async ({ page }) => {
    await login(page);
    await page.goto('/calendar');
    await ready(page);
    await expect(page).toHaveURL(/view=day/);
    // The boot script has noted the narrow screen: the server draws the day.
    const html = await (await page.request.get('/calendar')).text();
    expect(html).toContain('data-narrow="1"');
    expect(html).toContain('data-view="day"');
  });
});
