import { test, expect, Page, APIRequestContext, Locator } from './fixtures';
import { login, ready, shot, unique } from './helpers';

// Each run files its tasks on a day of its own far ahead, and the board is
// filtered to that day, so runs do not see each other's cards.
function randomDay() {
  const d = new Date(Date.UTC(2031, 0, 1) + 86400000 * Math.floor(Math.random() * 3000));
  return d.toISOString().slice(0, 10);
}

function task(subject: string, due: string) {
  return {
    kind: 'task', subject, description: '', status: 'not_started', start: due, end: '', duration_minutes: '',
    all_day: false, direction: '', location: '', priority: 'high', task_start: '', private: false, owner_id: null,
    reminder_minutes: '', links: [], attendee_users: [], attendee_persons: [], recurrence: null,
  };
}

async function saveTask(request: APIRequestContext, subject: string, due: string): Promise<number> {
  const r = await request.post('/api/interactions/save', {
    data: { id: null, version: null, input: task(subject, due), scope: 'one' },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
  return await r.json();
}

async function openBoard(page: Page, day: string) {
  await page.goto(`/kanban?from=${day}&to=${day}`);
  await ready(page);
  await expect(page.locator('.board')).toBeVisible();
}

const column = (page: Page, key: string) => page.locator(`.board-col[data-column="${key}"]`);
const card = (page: Page, id: number) => page.locator(`.kcard[data-card="${id}"]`);
const count = (page: Page, key: string) => column(page, key).locator('.col-count');

/** A mouse drag from the middle of `from` to the middle of `to`. */
async function mouseDrag(page: Page, from: Locator, to: Locator) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + Math.min(b.height / 2, 80), { steps: 12 });
  await page.mouse.up();
}

test('tasks board: drag with the mouse, move with the keyboard, persisted', async ({ page }) => {
  await login(page);
  const day = randomDay();
  const a = await saveTask(page.request, unique('Relancer Dupont'), `${day}T09:00`);
  const b = await saveTask(page.request, unique('Envoyer devis'), `${day}T10:00`);
  await openBoard(page, day);
  await expect(count(page, 'not_started')).toHaveText('2');
  await expect(column(page, 'not_started').locator('.kcard')).toHaveCount(2);
  await expect(card(page, a)).toContainText('High');
  await shot(page, 'kanban-tasks');

  // Mouse: "not started" → "in progress".
  const saved = page.waitForResponse((r) => r.url().includes('/api/kanban/move_task'));
  await mouseDrag(page, card(page, a), column(page, 'in_progress').locator('.col-cards'));
  expect((await saved).ok()).toBeTruthy();
  await expect(column(page, 'in_progress').locator(`[data-card="${a}"]`)).toBeVisible();
  await expect(count(page, 'in_progress')).toHaveText('1');
  await expect(count(page, 'not_started')).toHaveText('1');

  // Keyboard: Space picks up, two columns right, Space drops.
  await card(page, b).focus();
  await page.keyboard.press('Space');
  await expect(card(page, b)).toHaveClass(/held/);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const saved2 = page.waitForResponse((r) => r.url().includes('/api/kanban/move_task'));
  await page.keyboard.press('Space');
  expect((await saved2).ok()).toBeTruthy();
  await expect(column(page, 'pending').locator(`[data-card="${b}"]`)).toBeVisible();
  await expect(page.locator('[aria-live="assertive"]')).toContainText('Dropped in Pending');

  // Both kept.
  await page.reload();
  await ready(page);
  await expect(column(page, 'in_progress').locator(`[data-card="${a}"]`)).toBeVisible();
  await expect(column(page, 'pending').locator(`[data-card="${b}"]`)).toBeVisible();
  await expect(count(page, 'not_started')).toHaveText('0');

  // Cards show the fields one picks, and the choice is kept.
  await page.locator('.field-picker summary').click();
  await page.locator('.field-picker').getByLabel('Assigned to').check();
  await expect(card(page, a).locator('.f-owner')).toBeVisible();
  await page.reload();
  await ready(page);
  await expect(card(page, a).locator('.f-owner')).toBeVisible();
  await page.locator('.field-picker summary').click();
  await page.locator('.field-picker').getByLabel('Assigned to').uncheck();
  await expect(card(page, a).locator('.f-owner')).toHaveCount(0);
});

test('a move the server refuses is put back, with a message', async ({ page }) => {
  await login(page);
  const day = randomDay();
  const subject = unique('Tâche modifiée ailleurs');
  const id = await saveTask(page.request, subject, `${day}T09:00`);
  await openBoard(page, day);
  await expect(card(page, id)).toBeVisible();
  // Someone changes the task meanwhile: the board's version is stale.
  const r = await page.request.post('/api/interactions/save', {
    data: { id, version: 1, input: { ...task(subject + ' (modifiée)', `${day}T09:00`) }, scope: 'one' },
  });
  expect(r.ok(), await r.text()).toBeTruthy();

  const answer = page.waitForResponse((r) => r.url().includes('/api/kanban/move_task'));
  await mouseDrag(page, card(page, id), column(page, 'done').locator('.col-cards'));
  expect((await answer).status()).toBe(409);
  await expect(page.getByRole('alert')).toContainText('The move was not saved');
  // Back where it was (the board is read again: the new subject shows).
  await expect(column(page, 'not_started').locator(`[data-card="${id}"]`)).toBeVisible();
  await expect(card(page, id)).toContainText('(modifiée)');
  await expect(column(page, 'done').locator(`[data-card="${id}"]`)).toHaveCount(0);
});

async function firstStage(request: APIRequestContext) {
  const r = await request.post('/api/deals/pipelines', { data: { include_inactive: false } });
  const p = (await r.json())[0];
  return { pipeline: p.id as number, stages: p.stages.map((s: { id: number }) => s.id) as number[] };
}

async function saveDeal(request: APIRequestContext, name: string, amount: string): Promise<number> {
  const { pipeline, stages } = await firstStage(request);
  const input = {
    name, company_id: null, person_id: null, pipeline_id: pipeline, stage_id: stages[0], amount,
    expected_close: '2031-06-30', probability: '', status: 'open', lost_reason: '', next_step: '',
    description: '', owner_id: null,
  };
  const r = await request.post('/api/deals/save', { data: { id: null, version: null, input } });
  expect(r.ok(), await r.text()).toBeTruthy();
  return await r.json();
}

test('deals board: totals from the server, won by drag, lost asks why', async ({ page }) => {
  await login(page);
  const won = await saveDeal(page.request, unique('Contrat cadre'), '1234');
  const lost = await saveDeal(page.request, unique('Renouvellement'), '500');
  const { stages } = await firstStage(page.request);
  await page.goto('/kanban/deals');
  await ready(page);
  const first = column(page, String(stages[0]));
  await expect(first.locator(`[data-card="${won}"]`)).toBeVisible();
  await expect(first.locator(`[data-card="${won}"]`)).toContainText('1,234.00 €');
  const wonBefore = Number((await count(page, 'won').textContent())!.replace(/\D/g, ''));
  await shot(page, 'kanban-deals');

  const saved = page.waitForResponse((r) => r.url().includes('/api/kanban/move_deal'));
  await mouseDrag(page, card(page, won), column(page, 'won'));
  expect((await saved).ok()).toBeTruthy();
  await expect(count(page, 'won')).toHaveText(String(wonBefore + 1));
  await expect(first.locator(`[data-card="${won}"]`)).toHaveCount(0);

  // Lost: the reason is asked for, and required.
  await mouseDrag(page, card(page, lost), column(page, 'lost'));
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Why was');
  await dialog.getByRole('button', { name: 'Mark as lost' }).click();
  await expect(dialog.getByRole('alert')).toBeVisible();
  await dialog.getByLabel('Lost reason').fill('Budget gelé');
  const saved2 = page.waitForResponse((r) => r.url().includes('/api/kanban/move_deal'));
  await dialog.getByRole('button', { name: 'Mark as lost' }).click();
  expect((await saved2).ok()).toBeTruthy();
  const deal = await (await page.request.post('/api/deals/get', { data: { id: lost } })).json();
  expect(deal.input.status).toBe('lost');
  expect(deal.input.lost_reason).toBe('Budget gelé');
});

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('drag a task from "not started" to "in progress" by touch', async ({ page }) => {
    await login(page);
    const day = randomDay();
    const id = await saveTask(page.request, unique('Rappeler au téléphone'), `${day}T09:00`);
    await openBoard(page, day);
    await expect(card(page, id)).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'kanban-phone');

    const grip = (await card(page, id).locator('.kcard-grip').boundingBox())!;
    const x0 = Math.round(grip.x + grip.width / 2);
    const y0 = Math.round(grip.y + grip.height / 2);
    const target = (await column(page, 'in_progress').boundingBox())!;
    const x1 = Math.min(Math.round(target.x + 24), 380);
    const y1 = Math.round(target.y + 90);
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: string, x: number, y: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1, radiusX: 4, radiusY: 4, force: 1 }],
      });
    await touch('touchStart', x0, y0);
    for (let i = 1; i <= 12; i++) {
      await touch('touchMove', Math.round(x0 + ((x1 - x0) * i) / 12), Math.round(y0 + ((y1 - y0) * i) / 12));
    }
    const saved = page.waitForResponse((r) => r.url().includes('/api/kanban/move_task'));
    await touch('touchEnd', x1, y1);
    expect((await saved).ok()).toBeTruthy();
    await expect(column(page, 'in_progress').locator(`[data-card="${id}"]`)).toBeAttached();
    await page.reload();
    await ready(page);
    await expect(column(page, 'in_progress').locator(`[data-card="${id}"]`)).toBeAttached();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
