import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { login, ready } from './helpers';

// axe-core (the engine of Lighthouse's accessibility audit and of browser
// extensions) on every kind of page, in the light and the dark theme:
// WCAG 2.1 A and AA rules. Any violation fails, with what and where. On the
// way, nothing may be blocked by the Content-Security-Policy.

async function firstId(page: Page, module: string): Promise<number> {
  const r = await page.request.post(`/api/${module}/list`, { data: { query: {} } });
  expect(r.ok()).toBeTruthy();
  const rows = (await r.json()).rows;
  expect(rows.length).toBeGreaterThan(0);
  return rows[0].id;
}

async function pages(page: Page): Promise<string[]> {
  const [company, person, deal, interaction] = [
    await firstId(page, 'companies'),
    await firstId(page, 'persons'),
    await firstId(page, 'deals'),
    await firstId(page, 'interactions'),
  ];
  return [
    '/',
    '/companies',
    `/companies/${company}`,
    '/companies/new',
    '/persons',
    `/persons/${person}`,
    '/deals',
    `/deals/${deal}`,
    '/interactions',
    `/interactions/${interaction}`,
    '/interactions/new?kind=meeting',
    '/interactions/history',
    '/calendar?view=week',
    '/calendar?view=month',
    '/calendar?view=agenda',
    '/planning',
    '/kanban',
    '/kanban/deals',
    '/search?q=a',
    '/settings/profile',
    '/settings/pipelines',
    '/trash',
    '/outbox',
  ];
}

async function audit(page: Page, where: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const found = results.violations.map(
    (v) => `${where}: [${v.impact}] ${v.id} — ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  return found;
}

for (const theme of ['light', 'dark'] as const) {
  test(`every page kind passes axe in the ${theme} theme`, async ({ page, context }) => {
    test.setTimeout(240_000);
    // The Content-Security-Policy blocks nothing the app does (boot script,
    // hydration data, wasm, service worker, styles), on any page.
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to (load|execute|apply|connect|create)/.test(m.text())) blocked.push(m.text());
    });
    await context.addCookies([{ name: 'relais_theme', value: theme, url: 'http://127.0.0.1' }]);
    await page.goto('/login');
    await expect(page.locator('main.auth-page[data-ready="true"]')).toBeVisible();
    const problems: string[] = await audit(page, `/login (${theme})`);
    await login(page);
    // The profile's theme is what the pages are drawn in.
    await page.request.post('/api/auth/update_preferences', { data: { locale: '', theme, density: '' } });
    for (const path of await pages(page)) {
      await page.goto(path);
      await ready(page);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      problems.push(...(await audit(page, `${path} (${theme})`)));
    }
    await page.request.post('/api/auth/update_preferences', { data: { locale: '', theme: 'light', density: '' } });
    expect(problems, problems.join('\n')).toEqual([]);
    expect(blocked, blocked.join('\n')).toEqual([]);
  });
}
