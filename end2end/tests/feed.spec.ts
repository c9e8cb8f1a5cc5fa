import { test, expect } from './fixtures';
import ICAL from 'ical.js';
import { login, ready, shot, unique } from './helpers';

/** `YYYY-MM-DD`, `days` from today. Inside the feed's window (90 days back, 400 ahead). */
function dayFromNow(days: number) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

/** An instant as the wall-clock `YYYY-MM-DDTHH:MM` of an IANA zone, by Node's own zone database. */
function wallClock(instant: Date, zone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

test('subscribe to the feed URL: ical.js reads the calendar, then the link is revoked', async ({ page, request }) => {
  await login(page);
  await page.goto('/settings/profile');
  await ready(page);
  await expect(page.getByRole('heading', { name: 'Calendar subscription (iCalendar)' })).toBeVisible();
  const zone = await page.locator('#f-time_zone').inputValue();
  expect(zone).not.toBe('');

  // A meeting three weeks ahead, entered at 09:30 in the user's zone.
  const day = dayFromNow(21 + Math.floor(Math.random() * 60));
  const subject = unique('Revue du flux');
  const input = {
    kind: 'meeting', subject, description: 'Ordre du jour : chiffres, budget', status: 'planned',
    start: `${day}T09:30`, end: `${day}T10:15`, duration_minutes: '', all_day: false, direction: '',
    location: 'Salle 2, étage 3', priority: '', task_start: '', private: false, owner_id: null,
    reminder_minutes: '', links: [], attendee_users: [], attendee_persons: [], recurrence: null,
  };
  const saved = await page.request.post('/api/interactions/save', {
    data: { id: null, version: null, input, scope: 'one' },
  });
  expect(saved.ok(), await saved.text()).toBeTruthy();
  const id = await saved.json();

  // A link left by an earlier run is revoked first: each run starts without one.
  if (await page.locator('#feed-revoke').isVisible()) {
    await page.locator('#feed-revoke').click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
  }
  await page.getByRole('button', { name: 'Create my subscription link' }).click();
  const field = page.locator('#feed-url');
  await expect(field).toHaveValue(/\/feed\/[0-9a-f]{64}\.ics$/);
  const url = await field.inputValue();
  await expect(page.locator('#feed-webcal')).toHaveAttribute('href', /^webcal:\/\/.+\/feed\/[0-9a-f]{64}\.ics$/);
  await shot(page, 'desktop-settings-profile');

  // Subscribe as a calendar app does: no session, only the secret URL.
  const path = new URL(url).pathname;
  const res = await request.get(path);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  const text = await res.text();

  // Mozilla's ical.js (Thunderbird's parser) reads it.
  const calendar = new ICAL.Component(ICAL.parse(text));
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
  const zones = calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'));
  expect(zones).toContain(zone);
  const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  const event = events.find((e) => e.summary === subject);
  expect(event, text).toBeTruthy();
  expect(event!.uid).toBe(`interaction-${id}@relais`);
  expect(event!.location).toBe('Salle 2, étage 3');
  expect(event!.description).toBe('Ordre du jour : chiffres, budget');
  // The start is written in the user's zone, defined by the feed's own
  // VTIMEZONE; converted through it to an instant, it is 09:30 there.
  expect(event!.startDate.zone.tzid).toBe(zone);
  expect(event!.startDate.toString()).toBe(`${day}T09:30:00`);
  expect(wallClock(event!.startDate.toJSDate(), zone)).toBe(`${day}T09:30`);
  expect(wallClock(event!.endDate.toJSDate(), zone)).toBe(`${day}T10:15`);

  // The same UIDs on the next fetch.
  const again = new ICAL.Component(ICAL.parse(await (await request.get(path)).text()));
  const uids = (c: any) =>
    c.getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('uid')).sort();
  expect(uids(again)).toEqual(uids(calendar));

  // Revoked, the URL answers 404; the page offers a new link.
  await page.locator('#feed-revoke').click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('button', { name: 'Create my subscription link' })).toBeVisible();
  expect((await request.get(path)).status()).toBe(404);
});

test('choose who can see my calendar', async ({ page }) => {
  await login(page);
  await page.goto('/settings/profile');
  await ready(page);
  const olivia = page.getByLabel('Olivia Bennett');
  await expect(olivia).toBeVisible();
  await expect(page.locator('.settings-page')).toContainText('Managers and administrators see every calendar.');
  const was = await olivia.isChecked();
  const save = page.locator('form', { has: olivia }).getByRole('button', { name: 'Save' });

  await olivia.setChecked(!was);
  await save.click();
  await expect(page.locator('form', { has: olivia }).getByRole('status')).toHaveText('Saved.');
  await page.reload();
  await ready(page);
  await expect(page.getByLabel('Olivia Bennett')).toBeChecked({ checked: !was });

  // Back as it was, for the other tests.
  await page.getByLabel('Olivia Bennett').setChecked(was);
  await page.locator('form', { has: page.getByLabel('Olivia Bennett') }).getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('form', { has: page.getByLabel('Olivia Bennett') }).getByRole('status')).toHaveText('Saved.');
});

test('a time zone that does not exist is refused by its field', async ({ page }) => {
  await login(page);
  // The form offers only real zones; the server checks again.
  const res = await page.request.post('/api/settings/save_profile', {
    data: { time_zone: 'Mars/Olympus_Mons', capacity_hours: '5' },
  });
  expect(res.status()).toBe(422);
  expect((await res.json()).fields).toEqual([{ field: 'time_zone', problem: { code: 'invalid_choice' } }]);

  await page.goto('/settings/profile');
  await ready(page);
  await page.locator('#f-capacity_hours').fill('30');
  await page.locator('form', { has: page.locator('#f-capacity_hours') }).getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#f-capacity_hours-msg')).not.toBeEmpty();
});

test('my time zone is chosen among every zone, on the page the server drew and on one the app drew', async ({ page }) => {
  await login(page);
  // Opened from the menu: the page is drawn by the app, not loaded.
  const loads: string[] = [];
  page.on('request', (req) => {
    if (req.resourceType() === 'document') loads.push(req.url());
  });
  await page.locator('details:has(a.settings-link) > summary').click();
  await page.locator('a.settings-link').click();
  await page.waitForURL('**/settings/profile');
  await ready(page);
  expect(loads).toEqual([]);
  const zone = page.locator('#f-time_zone');
  const was = await zone.inputValue();
  const week = await page.locator('#f-week_start').inputValue();
  const capacity = await page.locator('#f-capacity_hours').inputValue();
  expect(was).not.toBe('');
  expect(await zone.locator('option').count()).toBeGreaterThan(400);
  await expect(zone.locator('option[value="America/Port_of_Spain"]')).toHaveText('America/Port of Spain');
  // The zone's neighbour at the same hour, so that a failure here leaves no
  // other test an hour off.
  const other = was === 'Europe/Brussels' ? 'Europe/Paris' : 'Europe/Brussels';
  try {
    await zone.selectOption(other);
    const form = page.locator('form', { has: zone });
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('status')).toHaveText('Saved.');
    // Loaded: the server's HTML has it chosen, and so has the app once started.
    await page.reload();
    await ready(page);
    await expect(zone).toHaveValue(other);
    await expect(zone.locator('option:checked')).toHaveText(other.replace('_', ' '));
    expect(await zone.locator('option').count()).toBeGreaterThan(400);
  } finally {
    const res = await page.request.post('/api/settings/save_profile', {
      data: { time_zone: was, capacity_hours: capacity, week_start: week },
    });
    expect(res.ok(), await res.text()).toBeTruthy();
  }
});
