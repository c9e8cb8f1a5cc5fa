import { test, expect } from './fixtures';
import { login, ready, shot, unique, deleteRecord, saveNew, holdApp } from './helpers';

test('create a company, with per-field errors first', async ({ page }) => {
  await login(page);
  await page.goto('/companies/new');
  await ready(page);
  await expect(page.locator('#f-name')).toBeVisible();

  // Nothing is sent while a field is wrong, and each error sits by its field.
  await page.locator('#f-email').fill('not-an-email');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#f-name-msg')).toHaveText('This field is required.');
  await expect(page.locator('#f-email-msg')).toContainText('valid email');
  await expect(page).toHaveURL(/\/companies\/new$/);

  // The 255-character limit is said before it is reached.
  await expect(page.locator('#f-name')).toHaveAttribute('maxlength', '255');
  await page.locator('#f-name').fill('x'.repeat(240));
  await expect(page.locator('#f-name-msg')).toHaveText('15 characters left');

  const name = unique('Société Générale des Tests');
  await page.locator('#f-name').fill(name);
  await page.locator('#f-email').fill('contact@tests.example');
  await page.locator('#f-city').fill('Besançon');
  await page.getByLabel('Client').check();
  await saveNew(page);
  await page.waitForURL(/\/companies\/\d+$/);
  await expect(page.locator('.record-header h1')).toHaveText(name);
  await expect(page.locator('.details')).toContainText('Besançon');
});

test('a company typed into the picker is offered, chosen and saved', async ({ page }) => {
  await login(page);
  const company = unique('Verrerie Picard');
  await page.goto('/companies/new');
  await ready(page);
  await page.locator('#f-name').fill(company);
  await saveNew(page);
  await page.waitForURL(/\/companies\/\d+$/);

  await page.goto('/persons/new');
  await ready(page);
  await page.locator('#f-last_name').fill(unique('Marchal'));
  const picker = page.locator('#f-company_id');
  // The matches come from the server as one types (in the browser only).
  await picker.fill(company);
  const option = page.locator('#company_id-options').getByRole('button', { name: company });
  await expect(option).toBeVisible();
  await option.click();
  await expect(picker).toHaveValue(company);
  await expect(page.locator('#company_id-options')).toHaveCount(0);
  await saveNew(page);
  await page.waitForURL(/\/persons\/\d+$/);
  await expect(page.locator('.record-header p')).toContainText(company);
});

test('create a person linked to a company and find both in the lists', async ({ page }) => {
  await login(page);
  const company = unique('Atelier Lumière');
  await page.goto('/companies/new');
  await ready(page);
  await page.locator('#f-name').fill(company);
  await saveNew(page);
  await page.waitForURL(/\/companies\/\d+$/);

  // From the company page, "Add a person" pre-links the new person.
  await page.getByRole('link', { name: 'Add a person' }).click();
  await page.waitForURL(/\/persons\/new\?company=\d+/);
  await expect(page.locator('#f-company_id')).toHaveValue(company);
  const last = unique('Lefèbvre');
  await page.locator('#f-first_name').fill('Hélène');
  await page.locator('#f-last_name').fill(last);
  await page.locator('#f-email').fill('helene@lumiere.example');
  await page.locator('#f-company_job_title').fill('Directrice');
  await saveNew(page);
  await page.waitForURL(/\/persons\/\d+$/);
  await expect(page.locator('.record-header h1')).toContainText(`Hélène ${last}`);
  await expect(page.locator('.record-header p')).toHaveText(`Directrice · ${company}`);

  // The company lists its person.
  await page.getByRole('link', { name: company }).click();
  await expect(page.locator('.related')).toContainText(`Hélène ${last}`);

  // Quick search finds them in the lists.
  await page.goto('/persons');
  await ready(page);
  await page.locator('#list-search').fill(last);
  await expect(page).toHaveURL(/q=/);
  await expect(page.locator('.list-table tbody tr')).toHaveCount(1);
  await expect(page.locator('.list-table tbody')).toContainText(company);
  await shot(page, 'desktop-persons-list');

  await page.goto('/companies');

  await ready(page);
  await page.locator('#list-search').fill(company);
  await expect(page.locator('.list-table tbody tr')).toHaveCount(1);
});

test('lists sort by a column and page', async ({ page }) => {
  await login(page);
  await page.goto('/companies');
  await ready(page);
  await page.getByRole('button', { name: 'Sort by Name' }).click();
  await expect(page).toHaveURL(/sort=name&dir=asc/);
  const first = await page.locator('.list-table tbody tr td.cell-main').first().innerText();
  await page.getByRole('button', { name: 'Sort by Name' }).click();
  await expect(page).toHaveURL(/sort=name&dir=desc/);
  await expect(page.locator('.list-table tbody tr td.cell-main').first()).not.toHaveText(first);
  await expect(page.locator('th.col-name')).toHaveAttribute('aria-sort', 'descending');
  await shot(page, 'desktop-companies-list');
});

test('edit and delete a company', async ({ page }) => {
  await login(page);
  const name = unique('Éphémère SARL');
  await page.goto('/companies/new');
  await ready(page);
  await page.locator('#f-name').fill(name);
  await saveNew(page);
  await page.waitForURL(/\/companies\/\d+$/);
  const url = page.url();

  await page.getByRole('link', { name: 'Edit' }).click();
  await page.waitForURL(/\/edit$/);
  await expect(page.locator('#f-name')).toHaveValue(name);
  await page.locator('#f-phone').fill('+33 1 23 45 67 89');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(url);
  await expect(page.locator('.details')).toContainText('+33 1 23 45 67 89');

  await deleteRecord(page);
  await page.waitForURL(/\/companies$/);
  await page.goto(url);
  await ready(page);
  await expect(page.locator('.banner-error')).toContainText('does not exist');
});

test.describe('on a computer whose app starts late', () => {
  // The worker would answer the wasm from its cache, out of holdApp's reach.
  test.use({ serviceWorkers: 'block' });

  test('what is typed and tapped before the app has started is kept: the record is saved with it', async ({ page }) => {
    await login(page);
    const release = await holdApp(page);
    await page.goto('/persons/new');
    const name = unique('Early');
    await page.locator('#f-last_name').fill(name);
    await page.locator('#f-first_name').fill('Ada');
    await page.getByRole('button', { name: 'Save' }).click();
    // All of it while the page was only the server's HTML, which stays put
    // (no form sent the browser's way, no field wiped).
    await expect(page.locator('.app')).toHaveAttribute('data-ready', 'false');
    expect(new URL(page.url()).pathname).toBe('/persons/new');
    expect(new URL(page.url()).search).toBe('');
    release();
    // Once the app has started, the fields are back and the Save is played.
    await page.waitForURL(/\/persons\/\d+$/);
    await expect(page.locator('.record-header h1')).toContainText(name);
    await deleteRecord(page);
  });

  test("an edit form's text area is filled before the app has started, and an edit made after is saved", async ({ page }) => {
    await login(page);
    const description = 'Deux lignes : <b>Lyon & Nantes</b>\n« fin »';
    const made = await page.request.post('/api/companies/save', {
      data: {
        id: null, version: null, confirmed: true,
        input: {
          name: unique('Atelier Texte'), roles: ['client'], industry: '', size: '', website: '', email: '',
          phone: '', street: '', line2: '', postal_code: '', city: '', country: '', registration_number: '',
          source: '', description, owner_id: null,
        },
      },
    });
    expect(made.ok(), await made.text()).toBeTruthy();
    const id: number = await made.json();
    const release = await holdApp(page);
    await page.goto(`/companies/${id}/edit`);
    // The server's HTML alone: the text as saved (markup shown as text).
    await expect(page.locator('#f-description')).toHaveValue(description);
    await expect(page.locator('.app')).toHaveAttribute('data-ready', 'false');
    release();
    await ready(page);
    await expect(page.locator('#f-description')).toHaveValue(description);
    await page.locator('#f-description').fill(`${description}\nTrois`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(new RegExp(`/companies/${id}$`));
    const got = await page.request.post('/api/companies/get', { data: { id } });
    expect((await got.json()).input.description).toBe(`${description}\nTrois`);
    await deleteRecord(page);
  });

  test("a deal's edit form stays put when its lists arrive: the pipeline, stage and owner fields are drawn from the start", async ({ page }) => {
    await login(page);
    const pipeline = (await (await page.request.post('/api/deals/pipelines', { data: { include_inactive: false } })).json())[0];
    const made = await page.request.post('/api/deals/save', {
      data: {
        id: null, version: null, confirmed: true,
        input: {
          name: unique('Contrat posé'), company_id: null, person_id: null, pipeline_id: pipeline.id,
          stage_id: pipeline.stages[0].id, amount: '1200', expected_close: '', probability: '', status: 'open',
          lost_reason: '', next_step: '', description: 'Sans bouger', owner_id: null,
        },
      },
    });
    expect(made.ok(), await made.text()).toBeTruthy();
    const id: number = await made.json();
    const release = await holdApp(page);
    await page.goto(`/deals/${id}/edit`);
    // The server's HTML alone: the fields whose options come later are there.
    for (const field of ['#f-pipeline_id', '#f-stage_id', '#f-owner_id']) {
      await expect(page.locator(field)).toBeVisible();
    }
    const top = async (field: string) => (await page.locator(field).boundingBox())!.y;
    const before = { amount: await top('#f-amount'), description: await top('#f-description') };
    await expect(page.locator('.app')).toHaveAttribute('data-ready', 'false');
    release();
    await ready(page);
    // The options have arrived (the deal's stage is chosen, the owners
    // listed) and nothing below those fields has moved.
    await expect(page.locator('#f-stage_id')).toHaveValue(String(pipeline.stages[0].id));
    await expect.poll(() => page.locator('#f-owner_id option').count()).toBeGreaterThan(1);
    expect(await top('#f-amount')).toBe(before.amount);
    expect(await top('#f-description')).toBe(before.description);
    await page.goto(`/deals/${id}`);
    await ready(page);
    await deleteRecord(page);
  });
});
