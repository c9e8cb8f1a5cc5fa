import { test, expect, Page } from './fixtures';
import { login, ready, shot, unique } from './helpers';

function interaction(kind: string, subject: string, start: string, extra: Record<string, unknown> = {}) {
  return {
    kind, subject, description: '', status: kind === 'task' ? 'not_started' : 'planned', start, end: '',
    duration_minutes: '', all_day: false, direction: '', location: '', priority: kind === 'task' ? 'medium' : '',
    task_start: '', private: false, owner_id: null, reminder_minutes: '', links: [], attendee_users: [],
    attendee_persons: [], recurrence: null, ...extra,
  };
}

async function save(page: Page, body: Record<string, unknown>): Promise<number> {
  const r = await page.request.post('/api/interactions/save', {
    data: { id: null, version: null, input: body, scope: 'one' },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
  return await r.json();
}

/** Today and yesterday in the user's zone, as the server sees them. */
async function days(page: Page) {
  const d = await (await page.request.post('/api/desk/today', { data: {} })).json();
  const today: string = d.today;
  const y = new Date(Date.parse(today + 'T12:00:00Z') - 86400000).toISOString().slice(0, 10);
  return { today, yesterday: y };
}

const panel = (page: Page, name: string) => page.locator(`.desk-panel[data-panel="${name}"]`);

test('the desk shows today, what is late, and the load; panels are arranged and kept', async ({ page }) => {
  await login(page);
  const { today, yesterday } = await days(page);
  const late = unique('Relance en retard');
  const meeting = unique('Réunion du jour');
  await save(page, interaction('task', late, `${yesterday}T09:00`));
  // All day: still "today" at any hour of the run (a 23:00 meeting was
  // already over, so late, in a run after 23:45).
  await save(page, interaction('meeting', meeting, `${today}T00:00`, { end: `${today}T00:00`, all_day: true }));

  await page.goto('/');
  await ready(page);
  const overdue = panel(page, 'overdue').locator('.desk-item', { hasText: late });
  await expect(overdue).toHaveClass(/state-overdue/);
  await expect(overdue).toHaveCSS('border-left-color', 'rgb(179, 38, 30)');
  await expect(panel(page, 'agenda').locator('.desk-item', { hasText: meeting })).toHaveClass(/state-today/);
  await expect(panel(page, 'load')).toContainText('planned of');
  await expect(panel(page, 'tasks')).toContainText('All my open tasks');
  await shot(page, 'desk');

  // Hide the pipeline, put my tasks first; kept after a reload.
  await page.getByRole('button', { name: 'Arrange panels' }).click();
  const hidden = page.waitForResponse((r) => r.url().includes('/api/layouts/set'));
  await page.locator('.arrange-row', { hasText: 'My pipeline' }).getByRole('checkbox').click();
  await hidden;
  await expect(page.locator('.arrange-row', { hasText: 'My pipeline' }).getByRole('checkbox')).not.toBeChecked();
  await expect(panel(page, 'pipeline')).toHaveCount(0);
  for (let i = 0; i < 2; i++) {
    const saved = page.waitForResponse((r) => r.url().includes('/api/layouts/set'));
    await page.getByRole('button', { name: 'Move My open tasks up' }).click();
    await saved;
  }
  await expect(page.locator('.desk-panel').first()).toHaveAttribute('data-panel', 'tasks');
  await page.reload();
  await ready(page);
  await expect(page.locator('.desk-panel').first()).toHaveAttribute('data-panel', 'tasks');
  await expect(panel(page, 'pipeline')).toHaveCount(0);

  // Back to the default for the other tests.
  const r = await page.request.post('/api/layouts/set', {
    data: { key: 'Desk', items: ['agenda', 'overdue', 'tasks', 'load', 'pipeline', 'favourites', 'recent'] },
  });
  expect(r.ok()).toBeTruthy();
});

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('one column, today first', async ({ page }) => {
    await login(page);
    await page.goto('/');
    await ready(page);
    const agenda = (await panel(page, 'agenda').boundingBox())!;
    const tasks = (await panel(page, 'tasks').boundingBox())!;
    expect(agenda.y).toBeLessThan(tasks.y);
    expect(Math.abs(agenda.x - tasks.x)).toBeLessThan(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'desk-phone');
  });
});
