import { test, expect } from './fixtures';
import { ADMIN, changePreference, chooseLanguage, login, ready, shot } from './helpers';

test('an anonymous visitor is sent to the login page', async ({ page }) => {
  await page.goto('/companies');
  await expect(page).toHaveURL(/\/login\?next=%2Fcompanies/);
  await expect(page.locator('h1')).toHaveText('Log in to Relais');
  await shot(page, 'desktop-login');
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.locator('#f-email').fill(ADMIN.email);
  await page.locator('#f-password').fill('not-the-password');
  await page.locator('form.auth-form button[type="submit"]').click();
  await expect(page.locator('.banner-error')).toHaveText('Email or password is incorrect.');
  await expect(page).toHaveURL(/\/login/);
  // The email stays typed; the password does not.
  await expect(page.locator('#f-email')).toHaveValue(ADMIN.email);
  await expect(page.locator('#f-password')).toHaveValue('');
  // A reload shows a clean form.
  await page.reload();
  await expect(page.locator('.banner-error')).toHaveCount(0);
});

test('the login page works before any of the app has loaded, and loads none of it', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (req) => {
    if (req.url().endsWith('.wasm')) wasm.push(req.url());
  });
  await page.goto('/login?next=%2Fpersons');
  await page.locator('#f-email').fill(ADMIN.email);
  await page.locator('#f-password').fill(ADMIN.password);
  expect(wasm).toEqual([]);
  await page.locator('form.auth-form button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/persons');
  await ready(page);
  expect(wasm.length).toBeGreaterThan(0);
});

test('a language chosen on the login page is kept by the next page', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await chooseLanguage(page, 'fr');
  await expect(page.locator('h1')).toHaveText('Se connecter à Relais');
  // Nobody is signed in: the page keeps the choice in the cookie the
  // server reads, and the server draws the next page in French.
  const html = await (await page.request.get('/login')).text();
  expect(html).toMatch(/<html[^>]*lang="fr"/);
  await page.reload();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.locator('h1')).toHaveText('Se connecter à Relais');
  await chooseLanguage(page, 'en');
  await expect(page.locator('h1')).toHaveText('Log in to Relais');
  await page.reload();
  await expect(page.locator('h1')).toHaveText('Log in to Relais');
});

test('log in, switch to French, and back', async ({ page }) => {
  await login(page);
  await expect(page.locator('.desk h1')).toHaveText('Hello Camille');
  await expect(page.locator('nav#sidebar')).toContainText('Companies');
  await shot(page, 'desktop-desk');

  await page.locator('details.profile > summary').click();
  await changePreference(page, () => page.locator('#pref-language').selectOption('fr'));
  await expect(page.locator('nav#sidebar')).toContainText('Organisations');
  await expect(page.locator('.desk h1')).toHaveText('Bonjour Camille');

  // The choice is kept on the user: a reload renders French from the server.
  await page.reload();
  await ready(page);
  await expect(page.locator('nav#sidebar')).toContainText('Organisations');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');

  await page.locator('details.profile > summary').click();
  await changePreference(page, () => page.locator('#pref-language').selectOption('en'));
  await expect(page.locator('nav#sidebar')).toContainText('Companies');
});

test('the language chosen at login is used after login', async ({ page }) => {
  await login(page, ADMIN, 'fr');
  await expect(page.locator('.desk h1')).toHaveText('Bonjour Camille');
  await page.locator('details.profile > summary').click();
  await changePreference(page, () => page.locator('#pref-language').selectOption('en'));
  await expect(page.locator('.desk h1')).toHaveText('Hello Camille');
});

test('dark theme persists across reloads without a flash', async ({ page }) => {
  await login(page);
  await page.locator('details.profile > summary').click();
  await changePreference(page, () => page.getByRole('button', { name: 'Dark' }).click());
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // The server renders the attribute itself: check the HTML before any script runs.
  const html = await (await page.request.get('/')).text();
  expect(html).toMatch(/<html[^>]*data-theme="dark"/);
  await changePreference(page, () => page.getByRole('button', { name: 'Light' }).click());
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test.describe('on a device set to dark', () => {
  test.use({ colorScheme: 'dark' });

  test('the theme follows the device until one is chosen', async ({ page }) => {
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    // The boot script noted the device's setting: the server draws the
    // next page dark itself.
    const next = await (await page.request.get('/login')).text();
    expect(next).toMatch(/<html[^>]*data-theme="dark"/);
    await login(page);
    await page.locator('details.profile > summary').click();
    await changePreference(page, () => page.getByRole('button', { name: 'Light' }).click());
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await changePreference(page, () => page.getByRole('button', { name: 'Device' }).click());
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(page.getByRole('button', { name: 'Device' })).toHaveAttribute('aria-pressed', 'true');
    // A new page shows the saved choice pressed, once hydrated.
    await page.reload();
    await ready(page);
    await page.locator('details.profile > summary').click();
    await expect(page.getByRole('button', { name: 'Device' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('button', { name: 'Light' })).toHaveAttribute('aria-pressed', 'false');
    // The device turns light: so does the page, at once.
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    // As the other tests expect it.
    await changePreference(page, () => page.getByRole('button', { name: 'Light' }).click());
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  });
});

test('log out ends the session', async ({ page }) => {
  await login(page);
  await page.locator('details.profile > summary').click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
  await page.goto('/persons');
  await expect(page).toHaveURL(/\/login/);
});

test('every module of the spec is in the sidebar, and opens', async ({ page }) => {
  await login(page);
  const nav = page.locator('nav#sidebar');
  for (const name of ['Desk', 'Companies', 'Persons', 'Deals', 'Interactions', 'Calendar', 'Planning', 'Kanban', 'Reports', 'Documents', 'Programmes']) {
    await expect(nav.getByRole('link', { name, exact: true })).toBeVisible();
  }
  await nav.getByRole('link', { name: 'Reports' }).click();
  await expect(page.locator('main h1')).toHaveText('Reports');
  await expect(page.locator('.report-card')).toHaveCount(5);
});
