import { test, expect } from './fixtures';
import { login, ready, savePerson, shot, unique } from './helpers';

// The walk-through for enrolments: a person enrolled in a programme
// with a file number from their page, the same number refused for another
// person with the message on the field, a call logged on the enrolment
// (on its page and the person's), the enrolment found in the Programmes
// list, then ended.
for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`enrol a person with a file number, refused twice, a call on it (${size.width} px)`, async ({ page }) => {
    await page.setViewportSize(size);
    await login(page);
    const programme = unique('Accompagnement');
    const r = await page.request.post('/api/programmes/save', {
      data: { id: null, input: { name: programme, kind: 'programme', description: '', active: true } },
    });
    expect(r.ok(), await r.text()).toBeTruthy();
    const programmeId = await r.json();
    const last = unique('Lefèvre');
    const first = await savePerson(page, { first_name: 'Aïcha', last_name: last });
    const second = await savePerson(page, { first_name: 'Bruno', last_name: last });
    const number = `ACC-${Date.now().toString(36).toUpperCase()}`;

    // From the person's page: Enrol, the programme, a file number.
    await page.goto(`/persons/${first}`);
    await ready(page);
    const card = page.locator('.enrolments-card');
    await expect(card).toContainText('Not enrolled in any programme or service.');
    await card.getByRole('link', { name: 'Enrol' }).click();
    await page.waitForURL(/\/programmes\/new\?person=\d+/);
    await ready(page);
    await expect(page.locator('#f-person_id')).toHaveValue(new RegExp(last));
    await page.locator('#f-programme_id').selectOption(String(programmeId));
    await page.locator('#f-identifier').fill(number);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/programmes\/\d+$/);
    const enrolmentUrl = page.url();
    await expect(page.locator('.record-header h1')).toHaveText(`Aïcha ${last} · ${programme}`);
    await expect(page.locator('.record-header p.muted')).toHaveText('Programme · Active');

    // The same number for another person, in other capitals: refused on the field.
    await page.goto(`/persons/${second}`);
    await ready(page);
    await page.locator('.enrolments-card').getByRole('link', { name: 'Enrol' }).click();
    await page.waitForURL(/\/programmes\/new\?person=\d+/);
    await ready(page);
    await page.locator('#f-programme_id').selectOption(String(programmeId));
    await page.locator('#f-identifier').fill(number.toLowerCase());
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('#f-identifier-msg')).toHaveText('Already used: choose another.');
    await expect(page).toHaveURL(/\/programmes\/new/);
    await shot(page, `enrolment-refused-${size.width}`);

    // A call logged on the enrolment: linked to it, on its page and on the person's.
    await page.goto(enrolmentUrl);
    await ready(page);
    await page.getByRole('link', { name: 'Log a call' }).click();
    await page.waitForURL(/\/interactions\/new\?kind=call&enrolment=\d+/);
    await ready(page);
    await expect(page.locator('#f-links')).toContainText(number);
    const subject = unique("Point d'étape");
    await page.locator('#f-subject').fill(subject);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/interactions\/\d+$/);
    await page.goto(enrolmentUrl);
    await ready(page);
    await expect(page.locator('.tl-interaction', { hasText: subject })).toBeVisible();
    await shot(page, `enrolment-page-${size.width}`);
    await page.goto(`/persons/${first}`);
    await ready(page);
    await expect(page.locator('.tl-interaction', { hasText: subject })).toBeVisible();
    const row = page.locator('.enrolments-card li', { hasText: programme });
    await expect(row).toContainText(`№ ${number}`);
    await expect(row).toContainText('Active');
    await shot(page, `enrolment-person-${size.width}`);

    // In the Programmes module, found by its number.
    await page.goto(`/programmes?q=${encodeURIComponent(number)}`);
    await ready(page);
    await expect(page.getByRole('heading', { name: 'Enrolments' })).toBeVisible();
    await expect(page.locator('main')).toContainText(number);
    await expect(page.locator('main')).toContainText(`Aïcha ${last}`);
    await shot(page, `enrolments-list-${size.width}`);
    // And from the catalogue, the entry's enrolments.
    await page.goto('/settings/programmes');
    await ready(page);
    await page.locator(`.programme-entry[data-name="${programme}"]`).getByRole('link', { name: 'Its enrolments' }).click();
    await page.waitForURL(/\/programmes\?f=programme/);
    await ready(page);
    await expect(page.locator('main')).toContainText(number);

    // Ended: completed, today.
    await page.goto(enrolmentUrl);
    await ready(page);
    await page.getByRole('button', { name: 'Completed' }).click();
    await expect(page.locator('.record-header p.muted')).toHaveText('Programme · Completed');
    await expect(page.getByRole('button', { name: 'Withdrawn' })).toHaveCount(0);
  });
}
