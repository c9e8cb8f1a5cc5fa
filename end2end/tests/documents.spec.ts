import { test, expect } from './fixtures';
import { controlled, goOffline, goOnline, login, ready, savePerson, shot, unique } from './helpers';

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
