import { test, expect, Page } from './fixtures';
import { login, ready, shot, unique, saveNew } from './helpers';

/** Tomorrow's date as YYYY-MM-DD. */
function tomorrow(): string {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

async function companyWithPerson(page: Page) {
  const company = unique('Maison Durand');
  await page.goto('/companies/new');
  await ready(page);
  await page.locator('#f-name').fill(company);
  await saveNew(page);
  await page.waitForURL(/\/companies\/\d+$/);
  await ready(page);
  const companyUrl = page.url();
  await page.getByRole('link', { name: 'Add a person' }).click();
  await page.waitForURL(/\/persons\/new\?company=\d+/);
  await expect(page.locator('#f-company_id')).toHaveValue(company);
  const last = unique('Moreau');
  await page.locator('#f-first_name').fill('Inès');
  await page.locator('#f-last_name').fill(last);
  await saveNew(page);
  await page.waitForURL(/\/persons\/\d+$/);
  return { company, companyUrl, person: `Inès ${last}`, personUrl: page.url() };
}

test('schedule a call from a person page: it shows on the person and on their company', async ({ page }) => {
  await login(page);
  const { companyUrl, person, personUrl } = await companyWithPerson(page);
  await ready(page);

  // Quick action: the form opens as a call, linked to the person.
  await page.getByRole('link', { name: 'Log a call' }).click();
  await page.waitForURL(/\/interactions\/new\?kind=call&person=\d+/);
  await ready(page);
  await expect(page.locator('main .segmented button.segment[aria-pressed="true"]')).toHaveText('Call');
  await expect(page.locator('#f-links')).toContainText(person);

  // Bad input first: nothing is sent, the error sits by its field.
  await page.locator('#f-start').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#f-subject-msg')).toHaveText('This field is required.');
  await expect(page.locator('#f-start-msg')).toHaveText('This field is required.');
  await expect(page).toHaveURL(/\/interactions\/new/);

  const subject = unique('Appel de suivi');
  const day = tomorrow();
  await page.locator('#f-subject').fill(subject);
  await page.locator('#f-start').fill(`${day}T10:00`);
  await page.locator('#f-duration_minutes').fill('30');
  await page.locator('#f-reminder_minutes').selectOption('15');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/interactions\/\d+$/);
  await expect(page.locator('.record-header h1')).toHaveText(subject);
  await expect(page.locator('.record-header p.muted')).toHaveText(`Call · Planned · ${day} 10:00`);
  await expect(page.locator('.related')).toContainText(person);
  // Documents can be attached to it, as to any record.
  await expect(page.locator('.documents-card')).toContainText('No document yet.');
  await shot(page, 'interaction-page');

  // On the person's timeline…
  await page.goto(personUrl);
  await ready(page);
  await expect(page.locator('.tl-interaction', { hasText: subject })).toBeVisible();
  await expect(page.locator('.tl-item', { hasText: subject }).locator('time')).toHaveText(`${day} 10:00`);
  // …and on their company's, naming the person.
  await page.goto(companyUrl);
  await ready(page);
  const item = page.locator('.tl-interaction', { hasText: subject });
  await expect(item).toBeVisible();
  await expect(item).toContainText(person);
  await shot(page, 'company-timeline-with-call');
});

test('a task from a company page, marked done, lands in the History view', async ({ page }) => {
  await login(page);
  const { companyUrl } = await companyWithPerson(page);
  await page.goto(companyUrl);
  await ready(page);
  await page.getByRole('link', { name: 'Create a task' }).click();
  await page.waitForURL(/\/interactions\/new\?kind=task&company=\d+/);
  await ready(page);
  const subject = unique('Envoyer la proposition');
  await page.locator('#f-subject').fill(subject);
  await page.locator('#f-start').fill(`${tomorrow()}T17:00`);
  await page.locator('#f-priority').selectOption('high');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/interactions\/\d+$/);
  await ready(page);
  await page.getByRole('button', { name: 'Mark done' }).click();
  await expect(page.locator('.record-header p.muted')).toContainText('Done');

  await page.goto('/interactions/history');
  await page.waitForURL(/\/interactions\?.*status/);
  await ready(page);
  await expect(page.getByRole('link', { name: subject })).toBeVisible();
  await shot(page, 'task-history');
});

test('a weekly meeting asks "this one or the whole series" when edited', async ({ page }) => {
  await login(page);
  await page.goto('/interactions/new?kind=meeting');
  await ready(page);
  const subject = unique('Point hebdomadaire');
  await page.locator('#f-subject').fill(subject);
  await page.locator('#f-start').fill(`${tomorrow()}T09:00`);
  await page.locator('#f-end').fill(`${tomorrow()}T09:30`);
  await page.locator('#f-recurrence\\.freq').selectOption('weekly');
  await page.locator('#f-recurrence\\.count').fill('3');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/interactions\/\d+$/);
  await ready(page);
  await page.getByRole('link', { name: 'Edit' }).click();
  await ready(page);
  await expect(page.locator('.scope-choice')).toContainText('Change only this one, or the whole series?');
  await page.getByLabel('The whole series').check();
  await page.locator('#f-subject').fill(`${subject} (moved)`);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/interactions\/\d+$/);
  await page.goto(`/interactions?q=${encodeURIComponent(subject)}`);
  await ready(page);
  await expect(page.getByRole('link', { name: `${subject} (moved)` })).toHaveCount(3);

  // Deleting asks the same question: the whole series goes.
  await page.getByRole('link', { name: `${subject} (moved)` }).first().click();
  await page.waitForURL(/\/interactions\/\d+$/);
  await ready(page);
  // The question is asked when deleting, not before.
  await expect(page.locator('.scope-choice')).toHaveCount(0);
  await page.locator('.record-header').getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.locator('.scope-choice')).toContainText('Delete only this one, or the whole series?');
  await dialog.getByLabel('The whole series').check();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await page.waitForURL(/\/interactions$/);
  await page.goto(`/interactions?q=${encodeURIComponent(subject)}`);
  await ready(page);
  await expect(page.getByRole('link', { name: `${subject} (moved)` })).toHaveCount(0);
});
