import { test, expect } from './fixtures';
import { login, ready, shot, unique } from './helpers';

// The catalogue of programmes and services as an admin keeps it: an entry
// added with a per-field refusal first, moved up, archived and brought back.
for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`an admin keeps the programmes catalogue (${size.width} px)`, async ({ page }) => {
    await page.setViewportSize(size);
    await login(page);
    const name = unique('Accompagnement');
    await page.goto('/settings/programmes');
    await ready(page);
    await expect(page.getByRole('heading', { name: 'Programmes and services' })).toBeVisible();

    // Another entry first, so that there is one to move above.
    const add = page.locator('.programme-new');
    const other = unique('Mentorat');
    await add.getByLabel('Name').fill(other);
    await add.getByRole('button', { name: 'Add to the catalogue' }).click();
    await expect(page.locator(`.programme-entry[data-name="${other}"]`)).toHaveCount(1);

    // Nothing typed: the name's message, nothing saved.
    await add.getByRole('button', { name: 'Add to the catalogue' }).click();
    await expect(add.locator('.field-error')).toContainText('Name: ');
    await add.getByLabel('Name').fill(name);
    await add.getByLabel('Kind').selectOption('service');
    await add.getByLabel('Description').fill('Deux heures par mois');
    await add.getByRole('button', { name: 'Add to the catalogue' }).click();
    const entry = page.locator(`.programme-entry[data-name="${name}"]`);
    await expect(entry).toHaveCount(1);
    await expect(add.getByLabel('Name')).toHaveValue('');

    // The same name again, in capitals: refused on the name.
    await add.getByLabel('Name').fill(name.toUpperCase());
    await add.getByRole('button', { name: 'Add to the catalogue' }).click();
    await expect(add.locator('.field-error')).toContainText('Already used');
    await shot(page, `programmes-${size.width}`);

    // Last in the list: moved up one place.
    const before = await page.locator('.programme-entry').count();
    await expect(page.locator('.programme-entry').last()).toHaveAttribute('data-name', name);
    await entry.getByRole('button', { name: 'Move up' }).click();
    await expect(page.locator('.programme-entry').nth(before - 2)).toHaveAttribute('data-name', name);

    // Archived, then brought back at the end.
    await entry.getByRole('button', { name: 'Archive' }).click();
    const archived = page.locator('.programme-archived li', { hasText: name });
    await expect(archived).toBeVisible();
    await archived.getByRole('button', { name: 'Bring back' }).click();
    await expect(archived).toHaveCount(0);
    await expect(page.locator('.programme-entry').last()).toHaveAttribute('data-name', name);
  });
}
