import { test, expect } from './fixtures';
import { login, ready, savePerson, shot, unique } from './helpers';

// The data-quality page as a manager reads it: the figures against their
// targets, a figure opening the list of the records at fault, and a record
// corrected leaving that list.

for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`data-quality figures link to the records at fault (${size.width} px)`, async ({ page }) => {
    await page.setViewportSize(size);
    await login(page);
    // A person with no email and no phone: incomplete.
    const last = unique('Sansmail');
    const id = await savePerson(page, { first_name: 'Inès', last_name: last });

    await page.goto('/quality');
    await ready(page);
    await page.getByRole('button', { name: 'Count again now' }).click();
    const persons = page.locator('.quality-card[data-kind="person"]');
    // Counted again: Inès is among the incomplete ones now.
    await expect(page.getByRole('button', { name: 'Count again now' })).toBeEnabled();
    await expect(persons.locator('[data-figure="complete"] .quality-faults')).not.toHaveText('0 incomplete');
    await expect(persons.locator('[data-figure="complete"] .quality-target')).toContainText('target: at least 95 %');
    await expect(persons.locator('[data-figure="invalid"] .quality-target')).toContainText('target: at least 98 %');
    await expect(persons.locator('[data-figure="duplicate"] .quality-target')).toContainText('target: under 2 %');
    await expect(persons.locator('[data-figure="complete"] .quality-value')).toHaveText(/^\d+(\.\d)?\u00a0%$/);
    await expect(persons).toContainText('Complete means: first name, last name, email, phone or mobile');
    await shot(page, `quality-${size.width}`);

    // The share of complete persons opens the list of the incomplete ones.
    await persons.locator('[data-figure="complete"] .quality-value').click();
    await page.waitForURL(/\/persons\?.*f=quality/);
    await ready(page);
    await expect(page.locator('li.chip')).toContainText('Data quality is Incomplete');
    await page.getByRole('searchbox').first().fill(last);
    const row = page.locator('tbody tr', { hasText: last });
    await expect(row).toBeVisible();

    // Completed, it leaves the list (the lists are live).
    await savePerson(page, {
      first_name: 'Inès', last_name: last, email: 'ines@exemple.fr', mobile: '06 12 34 56 78',
    }, id, 1);
    await page.reload();
    await ready(page);
    await expect(page.locator('tbody tr', { hasText: last })).toHaveCount(0);
  });
}
