import { test, expect, type Page } from './fixtures';
import * as fs from 'fs';
import { login, ready, savePerson, shot, unique } from './helpers';

/** A French spreadsheet's "CSV": Windows-1252 (Latin-1 for these letters), semicolons, CRLF. */
function frenchCsv(rows: string[][]): Buffer {
  return Buffer.from(rows.map((r) => r.join(';')).join('\r\n') + '\r\n', 'latin1');
}

/** Uploads a file of `kind` records from /import; on its import's page. */
async function uploadFile(page: Page, kind: string, name: string, buffer: Buffer) {
  await page.locator('#import-kind').selectOption(kind);
  await page.locator('#import-file').setInputFiles({ name, mimeType: 'text/csv', buffer });
  await page.getByRole('button', { name: 'Upload and check' }).click();
  await page.waitForURL(/\/import\/\d+$/);
  await ready(page);
}

test('import a French spreadsheet file: map, preview, run, refused rows, undo', async ({ page, browser }) => {
  await login(page);
  const stamp = unique('imp').replace(/\W/g, '');
  // Already in Relais, her mobile written the French way.
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  const mobile = `06 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6, 8)}`;
  const saved = await page.request.post('/api/persons/save', {
    data: {
      id: null, version: null, confirmed: true,
      input: {
        civility: '', first_name: 'Inès', last_name: `Garnier${stamp}`, job_title: '', email: '',
        email2: '', phone: '', mobile, street: '', line2: '', postal_code: '', city: '', country: '',
        birthday: '', preferred_language: '', roles: [], lifecycle_stage: '', source: '',
        marketing_consent: false, consent_date: '', consent_method: '', owner_id: null,
        company_id: null, company_job_title: '', link_start: '', link_end: '',
      },
    },
  });
  expect(saved.ok(), await saved.text()).toBeTruthy();
  const rows = [['Civilité', 'Prénom', 'Nom', 'Société', 'Courriel', 'Tél. portable', 'Ville']];
  for (let i = 0; i < 40; i++) {
    rows.push(['Mme', `Élodie${i}`, `Dupré${stamp}`, `Fromagerie ${stamp}`, `elodie${i}.${stamp}@exemple.fr`, '', 'Saint-Étienne']);
  }
  rows[5][4] = 'pas-une-adresse';
  rows[9][4] = 'toujours@pas';
  // The same person, her mobile in international notation: her city is filled.
  rows[3] = ['', 'Inès', `Garnier${stamp}`, '', '', `+33 6 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6, 8)}`, 'Nîmes'];

  await page.goto('/import');
  await ready(page);
  await uploadFile(page, 'person', 'contacts.csv', frenchCsv(rows));
  const importUrl = page.url();

  // The columns, guessed from the French header; accents intact.
  await expect(page.locator('.import-file-summary')).toContainText('windows-1252');
  await expect(page.locator('.import-file-summary')).toContainText('40');
  const mapping = page.locator('table.import-mapping');
  await expect(mapping.getByRole('row', { name: /Prénom/ }).locator('select')).toHaveValue('first_name');
  await expect(mapping.getByRole('row', { name: /Tél. portable/ }).locator('select')).toHaveValue('mobile');
  const preview = page.locator('table.import-preview');
  await expect(preview).toContainText('Élodie0');
  await expect(preview).toContainText('Saint-Étienne');
  // Each refused cell says why, in the form's words; the duplicate is named.
  const refusedRow = preview.locator('tr', { hasText: 'pas-une-adresse' });
  await expect(refusedRow.locator('.cell-problem')).toBeVisible();
  await expect(refusedRow).toContainText('Refused');
  await expect(preview.locator('tr', { hasText: 'Inès' })).toContainText('Same as');
  await shot(page, 'desktop-import-preview');

  // Update empty fields of the existing record (the default), and run.
  await expect(page.getByRole('radio', { name: /fill its empty fields only/ })).toBeChecked();
  await page.getByRole('button', { name: 'Start the import' }).click();
  await expect(page.locator('.import-status')).toContainText('Done', { timeout: 30_000 });

  // The tab closed and opened again: the import is where it is.
  const other = await browser.newPage({ storageState: await page.context().storageState() });
  await other.goto(importUrl);
  await expect(other.locator('.import-status')).toContainText('Done');
  await expect(other.locator('.import-created dd')).toHaveText('37');
  await expect(other.locator('.import-updated dd')).toHaveText('1');
  await expect(other.locator('.import-refused dd')).toHaveText('2');
  await shot(other, 'desktop-import-done');
  await other.close();

  // The refused rows, with why.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the refused rows (CSV)' }).click();
  const text = fs.readFileSync((await (await download).path())!, 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain('pas-une-adresse');
  expect(lines[1]).toContain('Email');

  // Undo the whole import.
  await page.getByRole('button', { name: 'Undo the import' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Undo the import' }).click();
  await expect(page.locator('.import-status')).toContainText('Undone');
  const hits = await page.request.post('/api/search/global', { data: { q: `Dupré${stamp}` } });
  expect(hits.ok()).toBeTruthy();
  const left = (await hits.json()).filter((h: { name: string }) => h.name.includes('Dupré'));
  expect(left).toHaveLength(0);
});

// The walk-through of issue 17 as a new user would try it: 5,000 rows from
// a French spreadsheet, 300 of them people already in Relais (their mobile
// in another notation), 50 with an email that is not one.
test('5,000 rows: duplicates handled row by row, progress, tab closed, refused rows, undo', async ({ page, browser }) => {
  test.setTimeout(600_000);
  await login(page);
  const stamp = unique('big').replace(/\W/g, '');
  const prefix = String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
  const digits = (i: number) => `${prefix}${String(i).padStart(4, '0')}`;
  const pairs = (d: string) => d.replace(/(\d\d)(?=\d)/g, '$1 ');

  // The 300 already there, from an earlier (UTF-8, comma) file.
  const base = ['First name,Last name,Mobile'];
  for (let i = 0; i < 300; i++) base.push(`Jo${i},Base${stamp},06 ${pairs(digits(i))}`);
  await page.goto('/import');
  await ready(page);
  await uploadFile(page, 'person', 'base.csv', Buffer.from(base.join('\n') + '\n'));
  await expect(page.getByText('No row of the file is the same as a record already in Relais.')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Start the import' }).click();
  await expect(page.locator('.import-status')).toContainText('Done', { timeout: 60_000 });
  await expect(page.locator('.import-created dd')).toHaveText('300');

  // The big file: Windows-1252, semicolons.
  const rows = [['Civilité', 'Prénom', 'Nom', 'Courriel', 'Tél. portable', 'Ville']];
  for (let i = 0; i < 300; i++) rows.push(['', `Jo${i}`, `Base${stamp}`, '', `+33 6 ${pairs(digits(i))}`, 'Besançon']);
  for (let i = 0; i < 50; i++) rows.push(['Mme', `Zoé${i}`, `Faure${stamp}`, `pas-une-adresse-${i}`, '', 'Brest']);
  for (let i = 0; i < 4650; i++) rows.push(['M.', `Élève${i}`, `Müller${stamp}`, `eleve${i}.${stamp}@exemple.fr`, '', 'Saint-Étienne']);
  await page.goto('/import');
  await ready(page);
  await uploadFile(page, 'person', 'contacts-5000.csv', frenchCsv(rows));
  const importUrl = page.url();
  await expect(page.locator('.import-file-summary')).toContainText('windows-1252');
  await expect(page.locator('.import-file-summary')).toContainText('5000');
  await expect(page.locator('table.import-preview')).toContainText('Besançon');

  // The duplicates step: every one of the 300 found, each may be handled on its own.
  await expect(page.locator('.import-rows-found')).toContainText('300 rows of the file are the same as a record already in Relais', { timeout: 60_000 });
  const dupRows = page.locator('table.import-duplicate-rows tbody tr');
  await expect(dupRows).toHaveCount(300);
  await expect(dupRows.first()).toContainText(`Jo0 Base${stamp}`);
  await page.getByRole('combobox', { name: 'What to do with line 2', exact: true }).selectOption('skip');
  await page.getByRole('combobox', { name: 'What to do with line 3', exact: true }).selectOption('create');
  await shot(page, 'desktop-import-5000-duplicates');

  // Update empty fields (the default) for the others; run, and watch it.
  await expect(page.getByRole('radio', { name: /fill its empty fields only/ })).toBeChecked();
  await page.getByRole('button', { name: 'Start the import' }).click();
  await expect(page.locator('.import-progress progress')).toHaveAttribute('max', '5000');
  await expect(page.locator('.import-status')).toContainText('/ 5000');
  await shot(page, 'desktop-import-5000-progress');

  // Close the tab; come back later: the run went on without it.
  const storage = await page.context().storageState();
  await page.close();
  const back = await browser.newPage({ storageState: storage });
  await back.goto(importUrl);
  await expect(back.locator('.import-status')).toContainText('Done', { timeout: 240_000 });
  await expect(back.locator('.import-created dd')).toHaveText('4651');
  await expect(back.locator('.import-updated dd')).toHaveText('298');
  await expect(back.locator('.import-skipped dd')).toHaveText('1');
  await expect(back.locator('.import-refused dd')).toHaveText('50');

  // An updated person: the city filled, the accent intact.
  const found = await back.request.post('/api/search/global', { data: { q: `Jo5 Base${stamp}` } });
  const hit = (await found.json()).find((h: { name: string }) => h.name === `Jo5 Base${stamp}`);
  const person = await (await back.request.post('/api/persons/get', { data: { id: hit.id } })).json();
  expect(person.input.city).toBe('Besançon');

  // The 50 refused rows, with why.
  const download = back.waitForEvent('download');
  await back.getByRole('link', { name: 'Download the refused rows (CSV)' }).click();
  const text = fs.readFileSync((await (await download).path())!, 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trim().split('\n');
  expect(lines).toHaveLength(51);
  expect(lines[1]).toContain('pas-une-adresse-0');

  // Undo the whole import: the city is empty again.
  await back.getByRole('button', { name: 'Undo the import' }).click();
  await back.getByRole('alertdialog').getByRole('button', { name: 'Undo the import' }).click();
  await expect(back.locator('.import-status')).toContainText('Undone', { timeout: 60_000 });
  const again = await (await back.request.post('/api/persons/get', { data: { id: hit.id } })).json();
  expect(again.input.city).toBe('');
  await back.close();
});

// Another CRM's activity log brought in on a phone-sized screen: the row
// naming nobody is refused in the preview already, the others are linked to
// the person they name and show on her page.
test('interactions from a French activity log, on a phone-sized screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page);
  const last = unique('Activite').replace(/\W/g, '');
  const id = await savePerson(page, { first_name: 'Élodie', last_name: last });
  const rows = [
    ['Type', 'Objet', 'Date', 'Fin', 'Contact', 'Statut'],
    ['Appel', `Relance devis ${last}`, '15/01/2025 14h30', '15/01/2025 14:50', `Élodie ${last}`, ''],
    ['Tâche', `Envoyer le contrat ${last}`, '02/03/2025', '', `${last} Élodie`, 'Fait'],
    ['Réunion', `Visite ${last}`, '02/07/2030 10:00', '', 'Personne Inconnue', ''],
  ];

  await page.goto('/import');
  await ready(page);
  await uploadFile(page, 'interaction', 'activites.csv', frenchCsv(rows));
  const preview = page.locator('table.import-preview');
  await expect(preview.locator('tr', { hasText: 'Personne Inconnue' }).locator('.cell-problem')).toContainText('No record has this name');
  // Interactions are not matched against existing ones: no choice to make.
  await expect(page.locator('#import-duplicates + p')).toContainText('Each row becomes a new interaction');
  await expect(page.getByRole('radio', { name: /fill its empty fields only/ })).toBeHidden();
  await shot(page, 'phone-import-interactions-preview');
  await page.getByRole('button', { name: 'Start the import' }).click();
  await expect(page.locator('.import-status')).toContainText('Done', { timeout: 30_000 });
  await expect(page.locator('.import-created dd')).toHaveText('2');
  await expect(page.locator('.import-refused dd')).toHaveText('1');
  await shot(page, 'phone-import-interactions-done');

  // Both show on her page, the call at its time in her zone's words.
  await page.goto(`/persons/${id}`);
  await ready(page);
  await expect(page.locator('main')).toContainText(`Relance devis ${last}`);
  await expect(page.locator('main')).toContainText(`Envoyer le contrat ${last}`);
});
