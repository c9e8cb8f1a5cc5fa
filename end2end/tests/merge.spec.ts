import { test, expect } from './fixtures';
import { login, ready, savePerson as person, shot, unique } from './helpers';

// Merging duplicates as a manager would: two records of the same person,
// typed in different notations, found on the duplicates page, compared
// field by field, merged, then the merge undone from the kept record's
// history.

for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`merge two duplicates from the duplicates page and undo it (${size.width} px)`, async ({ page }) => {
    await page.setViewportSize(size);
    await login(page);
    const last = unique('Lefèvre');
    const plain = last.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const digits = String(Date.now()).slice(-8);
    const email = `${plain.toLowerCase().replace(/ /g, '.')}@exemple.fr`;
    const kept = await person(page, {
      first_name: 'Élodie', last_name: last, phone: `+33 6 ${digits.replace(/(\d\d)(?=\d)/g, '$1 ')}`, city: 'Lyon',
    });
    const other = await person(page, {
      first_name: 'Elodie', last_name: plain, email,
      phone: `06${digits}`, city: '',
    });
    // A note on the other one: it moves to the kept record.
    const note = await page.request.post('/api/notes/add', {
      data: { kind: 'person', id: other, body: `Rencontrée au salon ${last}`, pinned: false },
    });
    expect(note.ok(), await note.text()).toBeTruthy();

    // The record page says it looks like another one.
    await page.goto(`/persons/${kept}`);
    await ready(page);
    await expect(page.locator('.dup-suspects')).toContainText(plain);

    // The duplicates page, found again now (a manager may ask).
    await page.goto('/duplicates');
    await ready(page);
    await page.getByRole('tab', { name: 'Persons' }).click();
    await page.getByRole('button', { name: 'Find again now' }).click();
    const row = page.locator('.duplicates-table tr', { hasText: plain }).filter({ hasText: `Élodie ${last}` });
    await expect(row).toContainText('same phone');
    await expect(row).toContainText('same name');
    await shot(page, `duplicates-${size.width}`);
    await row.getByRole('link', { name: 'Compare' }).click();

    // Side by side: keep the first, its phone; the email and city where they are.
    await page.waitForURL(/\/merge\?kind=person&ids=/);
    await ready(page);
    const table = page.locator('.merge-table');
    await expect(table).toContainText(email);
    await table.locator('thead th', { hasText: `Élodie ${last}` }).getByRole('radio').check();
    // The email is proposed from the only one that has it.
    await expect(table.locator('tr[data-field="email"] td').nth(1).getByRole('radio')).toBeChecked();
    await expect(table.locator('.merge-moves')).toContainText('Notes: 1');
    await shot(page, `merge-${size.width}`);
    await page.getByRole('button', { name: 'Merge 2 records' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Merge 2 records' }).click();

    // On the kept record: the other's email and note, its own phone.
    await page.waitForURL(new RegExp(`/persons/${kept}$`));
    await ready(page);
    await expect(page.getByText(`Merged into Élodie ${last}`)).toBeVisible();
    await expect(page.locator('.details')).toContainText(email);
    await expect(page.locator('.details')).toContainText('Lyon');
    await expect(page.locator('.timeline')).toContainText(`Rencontrée au salon ${last}`);
    await expect(page.locator('.timeline')).toContainText(`Merged Elodie ${plain} into this record`);
    const gone = await page.request.post('/api/persons/get', { data: { id: other } });
    expect(gone.status()).toBe(404);

    // The undo, from the history.
    await page.locator('.tl-merge').getByRole('button', { name: 'Undo the merge' }).click();
    await expect(page.locator('.tl-merge').first()).toContainText('Merge undone');
    await ready(page);
    await expect(page.locator('.details')).not.toContainText(email);
    await expect(page.locator('.timeline')).not.toContainText(`Rencontrée au salon ${last}`);
    const back = await page.request.post('/api/persons/get', { data: { id: other } });
    expect(back.ok()).toBeTruthy();
    await page.goto(`/persons/${other}`);
    await ready(page);
    await expect(page.locator('.timeline')).toContainText(`Rencontrée au salon ${last}`);
  });
}
