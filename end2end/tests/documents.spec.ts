import { test, expect } from './fixtures';
import type { Locator } from '@playwright/test';
import { backOnlineLosingFirstAnswer, controlled, goOffline, goOnline, login, ready, savePerson, shot, unique } from './helpers';

/** A small PDF (one empty page) whose text differs by `mark`. */
function pdf(mark: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${mark}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

// The walk-through for documents: a CV attached to a person from
// the person's page, previewed, replaced by a new version with the old one
// still downloadable, found in the CV list and by global search; an HTML
// file uploaded is only ever a download, its script never runs here.
for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`attach a CV, preview, replace, find it; an HTML file never runs (${size.width} px)`, async ({ page }) => {
    await page.setViewportSize(size);
    await login(page);
    const last = unique('Moreau');
    const person = await savePerson(page, { first_name: 'Léa', last_name: last });
    const title = unique('CV Léa');
    await page.goto(`/persons/${person}`);
    await ready(page);

    // The documents card: CV is the type offered on a person.
    const card = page.locator('.documents-card');
    await expect(card).toContainText('No document yet.');
    await expect(card.locator('#f-doc_type')).toHaveValue('cv');
    await card.locator('#f-title').fill(title);
    await card.locator('.file-pick input[type=file]').first().setInputFiles({
      name: 'cv-lea.pdf', mimeType: 'application/pdf', buffer: pdf('first'),
    });
    await expect(card).toContainText('1 file(s) added.');
    const item = card.locator('.document-item', { hasText: title });
    await expect(item).toContainText('cv-lea.pdf');
    await expect(item.locator('.chip')).toHaveText('CV');
    await shot(page, `documents-card-${size.width}`);

    // Its page: the preview is the PDF itself, inline, as the server typed it.
    await item.getByRole('link', { name: title }).click();
    await page.waitForURL(/\/documents\/\d+$/);
    await ready(page);
    const docUrl = page.url();
    const id = docUrl.split('/').pop();
    const preview = page.getByRole('link', { name: 'Open the preview' });
    await expect(preview).toHaveAttribute('href', `/files/${id}/1?inline=1`);
    const shown = await page.request.get(`/files/${id}/1?inline=1`);
    expect(shown.headers()['content-type']).toBe('application/pdf');
    expect(shown.headers()['content-disposition']).toMatch(/^inline;/);

    // Replaced: version 2 is current, version 1 still downloads as it was.
    await page.locator('.document-versions input[type=file]').setInputFiles({
      name: 'cv-lea-2027.pdf', mimeType: 'application/pdf', buffer: pdf('second'),
    });
    await expect(page.locator('.document-version')).toHaveCount(2);
    await expect(page.locator('.record-header p.muted')).toContainText('cv-lea-2027.pdf');
    const old = await page.request.get(`/files/${id}/1`);
    expect(old.headers()['content-disposition']).toMatch(/^attachment;/);
    expect((await old.body()).equals(pdf('first'))).toBe(true);
    const v1 = page.locator('.document-version[data-n="1"]');
    await expect(v1).toContainText('cv-lea.pdf');
    const download = page.waitForEvent('download');
    await v1.getByRole('link', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('cv-lea.pdf');
    await shot(page, `document-page-${size.width}`);

    // In the CV list, and by global search.
    await page.goto('/documents?f=doc_type.is.cv');
    await ready(page);
    await expect(page.locator('main')).toContainText(title);
    await expect(page.locator('main')).toContainText(`Léa ${last}`);
    await shot(page, `documents-cv-${size.width}`);
    await page.goto(`/search?q=${encodeURIComponent(title)}`);
    await ready(page);
    await expect(page.locator('main').getByRole('link', { name: title })).toBeVisible();

    // An HTML file with a script: a download, even when asked inline.
    await page.goto(`/persons/${person}`);
    await ready(page);
    await card.locator('#f-doc_type').selectOption('other');
    await card.locator('.file-pick input[type=file]').first().setInputFiles({
      name: 'evil.html', mimeType: 'text/html',
      buffer: Buffer.from('<html><body><script>document.title = "pwned"; window.pwned = true;</script></body></html>'),
    });
    const evil = card.locator('.document-item', { hasText: 'evil.html' });
    await expect(evil).toBeVisible();
    await expect(evil.getByRole('link', { name: 'Preview' })).toHaveCount(0);
    const href = await evil.getByRole('link', { name: 'Download' }).getAttribute('href');
    const asked = await page.request.get(`${href}?inline=1`);
    expect(asked.headers()['content-type']).toBe('application/octet-stream');
    expect(asked.headers()['content-disposition']).toMatch(/^attachment;/);
    expect(asked.headers()['content-security-policy']).toContain('sandbox');
    const evilDownload = page.waitForEvent('download');
    await page.goto(`${href}?inline=1`).catch(() => {});
    await evilDownload;
    expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
    expect(await page.title()).not.toBe('pwned');
  });
}

// A document opened before stays readable offline: its page and its file
// (the service worker keeps what was opened, as for any page).
test('a document opened before is readable offline', async ({ page, context }) => {
  await login(page);
  await controlled(page);
  const person = await savePerson(page, { first_name: 'Hors', last_name: unique('Ligne') });
  const text = `Compte rendu ${unique('entretien')}`;
  const r = await page.request.post(
    `/files/upload?record_type=person&record_id=${person}&doc_type=document&title=Compte%20rendu&file_name=compte-rendu.txt`,
    { data: Buffer.from(text), headers: { 'Content-Type': 'application/octet-stream' } },
  );
  expect(r.status(), await r.text()).toBe(201);
  const id = (await r.json()).id;
  await page.goto(`/documents/${id}`);
  await ready(page);
  await expect(page.getByRole('link', { name: 'Open the preview' })).toBeVisible();
  await page.goto(`/files/${id}/1?inline=1`);
  await expect(page.locator('body')).toContainText(text);

  await goOffline(context);
  await page.goto(`/documents/${id}`);
  await ready(page);
  await expect(page.locator('.record-header h1')).toHaveText('Compte rendu');
  await page.goto(`/files/${id}/1?inline=1`);
  await expect(page.locator('body')).toContainText(text);
  await goOnline(context);
});

/** Drops files on `target` as a file manager does: dragover, then drop. */
async function dropFiles(target: Locator, files: { name: string; type: string; text: string }[]) {
  await target.evaluate((el, files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([f.text], f.name, { type: f.type }));
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

// Documents of an enrolment (a funder's agreement), dropped on its card.
test('files dropped on an enrolment are its documents', async ({ page }) => {
  await login(page);
  const programme = unique('Parcours emploi');
  const p = await page.request.post('/api/programmes/save', {
    data: { id: null, input: { name: programme, kind: 'programme', description: '', active: true } },
  });
  expect(p.ok(), await p.text()).toBeTruthy();
  const person = await savePerson(page, { first_name: 'Yanis', last_name: unique('Roux') });
  const e = await page.request.post('/api/enrolments/save', {
    data: {
      id: null, version: null,
      input: {
        programme_id: await p.json(), person_id: person, company_id: null, identifier: '', status: 'active',
        starts_on: '', ends_on: '', notes: '', owner_id: null,
      },
    },
  });
  expect(e.ok(), await e.text()).toBeTruthy();
  const enrolment = await e.json();
  await page.goto(`/programmes/${enrolment}`);
  await ready(page);
  const card = page.locator('.documents-card');
  await expect(card).toContainText('No document yet.');
  await card.locator('#f-doc_type').selectOption('contract');
  await dropFiles(card, [
    { name: 'convention.txt', type: 'text/plain', text: 'Convention de parcours' },
    { name: 'emargement.txt', type: 'text/plain', text: 'Feuille d’émargement' },
  ]);
  await expect(card).toContainText('2 file(s) added.');
  await expect(card.locator('.documents-list .document-item')).toHaveCount(2);
  await expect(card.locator('.document-item', { hasText: 'convention.txt' }).locator('.chip')).toHaveText('Contract');
  // In the documents list, attached to the enrolment by its name.
  await page.goto('/documents?f=doc_type.is.contract');
  await ready(page);
  const row = page.locator('main tr', { hasText: 'convention.txt' });
  await expect(row.getByRole('link', { name: new RegExp(programme) })).toHaveAttribute('href', `/programmes/${enrolment}`);
});

// Offline: files chosen on a person's page, one picked and one dropped, are
// kept on the device, shown as waiting, and sent when the connection
// returns, each once even when the first answer is lost on the way.
test('files added offline are kept and sent once when the connection returns', async ({ page, context }) => {
  await login(page);
  await controlled(page);
  const person = await savePerson(page, { first_name: 'Inès', last_name: unique('Durand') });
  const personUrl = `/persons/${person}`;
  await page.goto(personUrl);
  await ready(page);
  const card = page.locator('.documents-card');
  await expect(card).toContainText('No document yet.');

  await goOffline(context);
  await card.locator('#f-title').fill('CV Inès');
  await card.locator('.file-pick input[type=file]').first().setInputFiles({
    name: 'cv-ines.pdf', mimeType: 'application/pdf', buffer: pdf('offline'),
  });
  await expect(card).toContainText('1 file(s) kept on this device');
  await dropFiles(card, [{ name: 'lettre.txt', type: 'text/plain', text: 'Lettre de motivation' }]);
  const waiting = card.locator('.documents-waiting .document-kept');
  await expect(waiting).toHaveCount(2);
  await expect(waiting.first()).toContainText('CV Inès');
  await expect(waiting.first()).toContainText('Waiting to sync');
  await expect(page.locator('.connection-bar.waiting')).toContainText('2 change(s)');
  await shot(page, 'documents-kept-offline');

  // The connection returns; the first answer is lost (the server saved
  // the file), so the worker sends it again with the same key.
  const attempts = await backOnlineLosingFirstAnswer(page, context, '**/files/upload?*');
  await expect.poll(() => attempts.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  expect(attempts[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(attempts[1]).toBe(attempts[0]);
  await expect(page.locator('.connection-bar.waiting')).toHaveCount(0, { timeout: 60_000 });
  await context.unroute('**/files/upload?*');
  await expect(waiting).toHaveCount(0);
  await expect(card.locator('.documents-list .document-item')).toHaveCount(2);

  // On the server, once each, the file as it was chosen.
  await page.goto(personUrl);
  await ready(page);
  await expect(card.locator('.documents-list .document-item')).toHaveCount(2);
  const cv = card.locator('.document-item', { hasText: 'CV Inès' });
  const href = await cv.getByRole('link', { name: 'Download' }).getAttribute('href');
  expect((await (await page.request.get(href!)).body()).equals(pdf('offline'))).toBe(true);
});
