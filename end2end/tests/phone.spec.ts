import { test, expect } from './fixtures';
import { holdApp, login, ready, shot } from './helpers';

test('phone: login page fits the screen', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'phone-login');
});

test('phone: the menu is a drawer that opens and closes', async ({ page }) => {
  await login(page);
  const sidebar = page.locator('nav#sidebar');
  const menu = page.getByRole('button', { name: 'Open menu' });
  await expect(menu).toBeVisible();
  await expect(sidebar).toBeHidden();
  await shot(page, 'phone-desk');

  await menu.click();
  await expect(sidebar).toBeVisible();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect.poll(() => sidebar.evaluate((e) => e.getBoundingClientRect().left)).toBe(0);
  await shot(page, 'phone-drawer');
  await page.getByRole('button', { name: 'Close menu' }).click();
  await expect(sidebar).toBeHidden();

  // Following a link closes it too.
  await menu.click();
  await sidebar.getByRole('link', { name: 'Persons' }).click();
  await page.waitForURL(/\/persons$/);
  await expect(sidebar).toBeHidden();
});

test.describe('on a phone whose app starts late', () => {
  // The worker would answer the wasm from its cache, out of holdApp's reach.
  test.use({ serviceWorkers: 'block' });

  test('phone: a tap on the menu before the app has started is not lost', async ({ page }) => {
    await login(page);
    // The next page's app is held back, as on a slow phone and network.
    const release = await holdApp(page);
    await page.goto('/persons');
    const shell = page.locator('.app');
    const menu = page.getByRole('button', { name: 'Open menu' });
    await expect(menu).toBeVisible();
    await menu.click();
    // Tapped while the page was only the server's HTML.
    await expect(shell).toHaveAttribute('data-ready', 'false');
    await expect(page.locator('nav#sidebar')).toBeHidden();
    release();
    // Once the app has started, the tap is played: the drawer opens, once.
    await expect(shell).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('nav#sidebar')).toBeVisible();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    // And later taps go straight to the app.
    await page.getByRole('button', { name: 'Close menu' }).click();
    await expect(page.locator('nav#sidebar')).toBeHidden();
  });
});

test('phone: lists are cards and nothing scrolls sideways', async ({ page }) => {
  await login(page);
  await page.goto('/persons');
  await expect(page.locator('.list-table tbody tr').first()).toBeVisible();
  await expect(page.locator('.list-table thead')).toBeHidden();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const box = await page.locator('.list-table tbody tr td.cell-main a').first().boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await shot(page, 'phone-persons-list');
});

test('phone: a record page, the filters and the search fit the screen', async ({ page }) => {
  await login(page);
  await page.goto('/companies');
  await ready(page);
  await page.getByRole('button', { name: /^Filters/ }).click();
  await expect(page.locator('#filter-panel')).toBeVisible();
  let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'phone-companies-filters');

  await page.locator('.list-table tbody tr td.cell-main a').first().click();
  await page.waitForURL(/\/companies\/\d+$/);
  await expect(page.locator('.timeline')).toBeVisible();
  overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const star = await page.getByRole('button', { name: 'Favourite' }).boundingBox();
  expect(star!.height).toBeGreaterThanOrEqual(44);
  await shot(page, 'phone-company-page');

  await page.locator('#global-search').fill('lefevre');
  await expect(page.locator('#global-search-results [role="option"]').first()).toBeVisible();
  await shot(page, 'phone-global-search');
});

test('phone: the bottom bar reaches Desk, Calendar, Tasks, Search and New with the thumb', async ({ page }) => {
  await login(page);
  const bar = page.getByRole('navigation', { name: 'Quick navigation' });
  await expect(bar).toBeVisible();
  const links = bar.getByRole('link');
  await expect(links).toHaveText(['Desk', 'Calendar', 'Tasks', 'Search', 'New']);
  for (const box of await links.evaluateAll((as) => as.map((a) => a.getBoundingClientRect().toJSON()))) {
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.width).toBeGreaterThanOrEqual(44);
  }
  await links.filter({ hasText: 'Tasks' }).click();
  await page.waitForURL(/\/kanban$/);
  await expect(links.filter({ hasText: 'Tasks' })).toHaveAttribute('aria-current', 'page');
  await links.filter({ hasText: 'New' }).click();
  await page.waitForURL(/\/interactions\/new$/);
  // The bar never hides the end of a page.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'phone-bottom-bar');
});
