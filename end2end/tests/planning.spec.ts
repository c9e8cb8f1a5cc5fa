import { test, expect, Page, APIRequestContext } from './fixtures';
import { login, ready, shot, unique } from './helpers';

// Each run uses its own week far in the future, so runs do not pile up.
// 2030-01-06 is a Sunday (English weeks start on Sunday).
function randomWeek() {
  const sunday = new Date(Date.UTC(2030, 0, 6) + 7 * 86400000 * Math.floor(Math.random() * 2000));
  const day = (n: number) => new Date(sunday.getTime() + n * 86400000).toISOString().slice(0, 10);
  return { sun: day(0), mon: day(1), tue: day(2), wed: day(3) };
}

function input(kind: string, subject: string, start: string, owner: number, extra: Record<string, unknown> = {}) {
  return {
    kind, subject, description: '', status: 'planned', start, end: '', duration_minutes: '',
    all_day: false, direction: kind === 'call' ? 'outbound' : '', location: '', priority: '', task_start: '',
    private: false, owner_id: owner, reminder_minutes: '', links: [], attendee_users: [], attendee_persons: [],
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

/** The ids of the demo colleagues, by name. */
async function people(request: APIRequestContext) {
  const r = await request.post('/api/planning/people', { data: {} });
  expect(r.ok(), await r.text()).toBeTruthy();
  const list: { id: number; name: string }[] = await r.json();
  const id = (name: string) => list.find((u) => u.name === name)!.id;
  return { olivia: id('Olivia Bennett'), priya: id('Priya Raman') };
}

const cell = (page: Page, user: number, day: string) => page.locator(`.plan-cell[data-user="${user}"][data-day="${day}"]`);
const load = (page: Page, user: number, day: string) => cell(page, user, day).locator('.plan-load');

async function openWeek(page: Page, date: string, users: number[]) {
  await page.goto(`/planning?span=week&date=${date}&users=${users.join(',')}`);
  await ready(page);
  await expect(page.locator('.plan-table')).toBeVisible();
}

/** A mouse drag from the middle of `from` to the middle of `to`. */
async function mouseDrag(page: Page, from: { x: number; y: number; width: number; height: number }, to: { x: number; y: number; width: number; height: number }) {
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

test('drag a meeting from one colleague to another: both days’ loads change', async ({ page }) => {
  await login(page);
  const { olivia, priya } = await people(page.request);
  const w = randomWeek();
  const subject = unique('Atelier');
  // Four hours on Olivia's Monday: 80 % of her 5 h, amber.
  const id = await save(page.request, input('meeting', subject, `${w.mon}T09:00`, olivia, { end: `${w.mon}T13:00` }));

  await openWeek(page, w.wed, [olivia, priya]);
  const block = cell(page, olivia, w.mon).locator(`.plan-block[data-id="${id}"]`);
  await expect(block).toBeVisible();
  await expect(block).toHaveAttribute('title', new RegExp(`Meeting: ${subject}, Mon \\d+ 09:00–13:00`));
  await expect(load(page, olivia, w.mon)).toHaveAttribute('data-minutes', '240');
  await expect(load(page, olivia, w.mon)).toHaveAttribute('data-level', 'near');
  await expect(load(page, olivia, w.mon)).toHaveText('4 / 5 h');
  await expect(load(page, priya, w.tue)).toHaveAttribute('data-minutes', '0');
  await shot(page, 'planning-week');

  const saved = page.waitForResponse((r) => r.url().includes('/api/planning/move'));
  await mouseDrag(page, (await block.boundingBox())!, (await cell(page, priya, w.tue).boundingBox())!);
  expect((await saved).ok()).toBeTruthy();
  await expect(cell(page, priya, w.tue).locator(`.plan-block[data-id="${id}"]`)).toBeVisible();
  await expect(cell(page, olivia, w.mon).locator(`.plan-block[data-id="${id}"]`)).toHaveCount(0);
  await expect(load(page, olivia, w.mon)).toHaveAttribute('data-minutes', '0');
  await expect(load(page, olivia, w.mon)).toHaveAttribute('data-level', 'ok');
  await expect(load(page, priya, w.tue)).toHaveAttribute('data-minutes', '240');
  await expect(load(page, priya, w.tue)).toHaveAttribute('data-level', 'near');

  // It stays there; the time of day was kept.
  await page.reload();
  await ready(page);
  const moved = cell(page, priya, w.tue).locator(`.plan-block[data-id="${id}"]`);
  await expect(moved).toHaveAttribute('title', /Tue \d+ 09:00–13:00/);

  // A second meeting that day puts Priya over her capacity: red.
  await save(page.request, input('meeting', unique('Revue'), `${w.tue}T14:00`, priya, { end: `${w.tue}T16:00` }));
  await page.reload();
  await ready(page);
  await expect(load(page, priya, w.tue)).toHaveAttribute('data-level', 'over');
  await expect(load(page, priya, w.tue)).toHaveText('6 / 5 h');

  // The hour view of that day shows the blocks by time.
  await page.goto(`/planning?span=day&date=${w.tue}&users=${olivia},${priya}`);
  await ready(page);
  await expect(page.locator('.plan-table.hours')).toBeVisible();
  await expect(page.locator(`.plan-track[data-user="${priya}"] .plan-block[data-id="${id}"]`)).toBeVisible();
  await expect(page.locator(`.plan-user[data-user-row="${priya}"] .plan-load`)).toHaveAttribute('data-level', 'over');
  await shot(page, 'planning-day');
});

test('a refused move is rolled back with a message', async ({ page }) => {
  await login(page);
  const { olivia, priya } = await people(page.request);
  const w = randomWeek();
  const subject = unique('Démo refusée');
  const id = await save(page.request, input('meeting', subject, `${w.mon}T10:00`, olivia, { end: `${w.mon}T11:00` }));
  await openWeek(page, w.mon, [olivia, priya]);
  const block = cell(page, olivia, w.mon).locator(`.plan-block[data-id="${id}"]`);
  await expect(block).toBeVisible();
  // Someone else changes it meanwhile: the page's version is stale.
  const r = await page.request.post('/api/interactions/status', { data: { id, version: 1, status: 'held' } });
  expect(r.ok(), await r.text()).toBeTruthy();

  const answer = page.waitForResponse((r) => r.url().includes('/api/planning/move'));
  await mouseDrag(page, (await block.boundingBox())!, (await cell(page, priya, w.wed).boundingBox())!);
  expect((await answer).status()).toBe(409);
  await expect(page.locator('.plan-message')).toContainText('The change was undone');
  await expect(cell(page, olivia, w.mon).locator(`.plan-block[data-id="${id}"]`)).toBeVisible();
  await expect(cell(page, priya, w.wed).locator(`.plan-block[data-id="${id}"]`)).toHaveCount(0);
  await expect(load(page, olivia, w.mon)).toHaveAttribute('data-minutes', '60');
  await expect(load(page, priya, w.wed)).toHaveAttribute('data-minutes', '0');
});

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('rows scroll sideways under a sticky user column; a touch drag moves a call', async ({ page }) => {
    await login(page);
    const { olivia, priya } = await people(page.request);
    const w = randomWeek();
    const subject = unique('Appel mobile');
    const id = await save(page.request, input('call', subject, `${w.mon}T09:00`, priya, { duration_minutes: '30' }));
    await openWeek(page, w.mon, [olivia, priya]);
    const block = cell(page, priya, w.mon).locator(`.plan-block[data-id="${id}"]`);
    await expect(block).toBeVisible();
    // The page does not scroll sideways; the grid does, the names stay.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const scroller = page.locator('.plan-scroller');
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBeTruthy();
    await shot(page, 'planning-phone');
    await scroller.evaluate((el) => (el.scrollLeft = 300));
    const name = page.locator(`.plan-user[data-user-row="${priya}"]`);
    const box = (await name.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x).toBeLessThan(30);
    await scroller.evaluate((el) => (el.scrollLeft = 0));

    // A touch drag from Monday to Tuesday, same row (the admin, an English
    // speaker in Paris, starts the week on Monday).
    const b = (await block.boundingBox())!;
    const t = (await cell(page, priya, w.tue).boundingBox())!;
    const from = { x: Math.round(b.x + b.width / 2), y: Math.round(b.y + b.height / 2) };
    const to = { x: Math.round(t.x + t.width / 2), y: Math.round(t.y + t.height / 2) };
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: string, x: number, y: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1, radiusX: 4, radiusY: 4, force: 1 }],
      });
    await touch('touchStart', from.x, from.y);
    for (let i = 1; i <= 10; i++) {
      await touch('touchMove', Math.round(from.x + ((to.x - from.x) * i) / 10), Math.round(from.y + ((to.y - from.y) * i) / 10));
    }
    const saved = page.waitForResponse((r) => r.url().includes('/api/planning/move'));
    await touch('touchEnd', to.x, to.y);
    expect((await saved).ok()).toBeTruthy();
    await expect(cell(page, priya, w.tue).locator(`.plan-block[data-id="${id}"]`)).toBeVisible();
    await expect(load(page, priya, w.tue)).toHaveAttribute('data-minutes', '30');
    await expect(load(page, priya, w.mon)).toHaveAttribute('data-minutes', '0');
    await page.reload();
    await ready(page);
    await expect(cell(page, priya, w.tue).locator(`.plan-block[data-id="${id}"]`)).toHaveAttribute('title', /Tue \d+ 09:00–09:30/);
  });
});
