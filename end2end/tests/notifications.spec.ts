import { test, expect, Page } from './fixtures';
import { login, ready, shot, unique } from './helpers';

// The e2e server runs the reminder dispatcher every 2 seconds
// (RELAIS_REMINDER_SECS=2 in scripts/test.sh).

/** `YYYY-MM-DDTHH:MM`, UTC now plus `minutes`: a wall-clock time as the form sends it. */
function wallClock(minutes: number) {
  return new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);
}

/**
 * Saves a call through the interactions server function (the page's
 * session): it starts about two hours from now and reminds a day before,
 * so its reminder is due at once whatever the user's time zone.
 */
async function callWithDueReminder(page: Page, subject: string): Promise<number> {
  const input = {
    kind: 'call', subject, description: '', status: 'planned', start: wallClock(120), end: '',
    duration_minutes: '15', all_day: false, direction: 'outbound', location: '', priority: '',
    task_start: '', private: false, owner_id: null, reminder_minutes: '1440', links: [],
    attendee_users: [], attendee_persons: [], recurrence: null,
  };
  const res = await page.request.post('/api/interactions/save', {
    data: { id: null, version: null, input, scope: 'one' },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()) as number;
}

/** Waits until the dispatcher has written the reminder of interaction `id`. */
async function reminderWritten(page: Page, id: number) {
  await expect
    .poll(
      async () => {
        const res = await page.request.post('/api/notifications/list', { data: {} });
        const list = await res.json();
        return (list.items ?? []).some((n: any) => n.interaction_id === id && n.kind === 'reminder');
      },
      { timeout: 60_000, intervals: [500, 1000, 2000] },
    )
    .toBe(true);
}

function unreadIn(label: string | null) {
  const m = /(\d+)/.exec(label ?? '');
  return m ? Number(m[1]) : NaN;
}

test('get the reminder in the bell, open it, and it is read', async ({ page }) => {
  await login(page);
  const subject = unique('Rappeler Mme Lefèbvre');
  const id = await callWithDueReminder(page, subject);
  await reminderWritten(page, id);

  // The bell loads after hydration: a fresh page shows the new count.
  const listed = page.waitForResponse((r) => r.url().includes('/api/notifications/list'));
  await page.reload();
  await ready(page);
  await listed;
  const bell = page.locator('.notifications button.bell');
  await expect(page.locator('.notifications .bell-badge')).toBeVisible();
  await expect(bell).toHaveAttribute('aria-label', /^Notifications, [1-9]\d* unread$/);
  const before = unreadIn(await bell.getAttribute('aria-label'));

  await bell.click();
  await expect(bell).toHaveAttribute('aria-expanded', 'true');
  const panel = page.locator('#notifications-panel');
  await expect(panel).toBeVisible();
  const item = panel.locator('li.notification', { hasText: subject });
  await expect(item).toHaveCount(1);
  await expect(item).toHaveClass(/\bunread\b/);
  await expect(item).toContainText('Reminder');
  await expect(item).toContainText('Call');
  await shot(page, 'desktop-notifications');

  // Following it opens the interaction and marks it read.
  await item.getByRole('link').click();
  await page.waitForURL(new RegExp(`/interactions/${id}$`));
  await expect(panel).toBeHidden();
  await expect(bell).toHaveAttribute('aria-label', `Notifications, ${before - 1} unread`);
  await bell.click();
  await expect(panel.locator('li.notification', { hasText: subject })).not.toHaveClass(/\bunread\b/);

  // Still read for the server: a fresh page agrees. Another reminder
  // arrives meanwhile, for "mark all read".
  const other = await callWithDueReminder(page, unique('Relancer le devis'));
  await reminderWritten(page, other);
  const relisted = page.waitForResponse((r) => r.url().includes('/api/notifications/list'));
  await page.reload();
  await ready(page);
  await relisted;
  await expect(page.locator('.notifications .bell-badge')).toBeVisible();
  await bell.click();
  const again = panel.locator('li.notification', { hasText: subject });
  await expect(again).toHaveCount(1);
  await expect(again).not.toHaveClass(/\bunread\b/);

  // Mark all read empties the badge, for the server too.
  await panel.getByRole('button', { name: 'Mark all read' }).click();
  await expect(bell).toHaveAttribute('aria-label', 'Notifications, 0 unread');
  await expect(page.locator('.notifications .bell-badge')).toHaveCount(0);
  await expect(panel.locator('li.notification.unread')).toHaveCount(0);
  const listedAgain = page.waitForResponse((r) => r.url().includes('/api/notifications/list'));
  await page.reload();
  await ready(page);
  await listedAgain;
  await expect(bell).toHaveAttribute('aria-label', 'Notifications, 0 unread');
});

test('a new reminder shows a desktop notification where it is allowed', async ({ page }) => {
  // Chromium's own Notification API, allowed for the page; a subclass
  // only records each title before the real constructor shows it.
  await page.context().grantPermissions(['notifications']);
  await page.addInitScript(() => {
    const shown: string[] = [];
    (window as any).__shown = shown;
    const Real = window.Notification;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(title);
      }
    }
    (window as any).Notification = Recorded;
  });
  await login(page);
  // Whatever is unread already is not announced: only what arrives later.
  const first = page.waitForResponse((r) => r.url().includes('/api/notifications/list'));
  await page.reload();
  await ready(page);
  await first;
  const subject = unique('Réunion de suivi');
  const id = await callWithDueReminder(page, subject);
  await reminderWritten(page, id);

  // Opening the bell fetches the list: the count rose, so it is announced.
  await page.locator('.notifications button.bell').click();
  await expect(page.locator('#notifications-panel li.notification', { hasText: subject })).toHaveCount(1);
  await expect
    .poll(() => page.evaluate(() => (window as any).__shown as string[]))
    .toContain(`Reminder: ${subject}`);
  // Allowed already: no button asking for it.
  await expect(page.getByRole('button', { name: 'Turn on desktop notifications' })).toHaveCount(0);
});
