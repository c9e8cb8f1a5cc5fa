import { test, expect, Page } from './fixtures';
import AxeBuilder from '@axe-core/playwright';
import { login, ready, unique } from './helpers';

// axe-core (the engine of Lighthouse's accessibility audit and of browser
// extensions) on every kind of page, in the light and the dark theme:
// WCAG 2.1 A and AA rules. Any violation fails, with what and where. On the
// way, nothing may be blocked by the Content-Security-Policy.

async function created(page: Page, module: string, input: Record<string, unknown>, extra = {}): Promise<number> {
  const r = await page.request.post(`/api/${module}/save`, {
    data: { id: null, version: null, input, confirmed: true, ...extra },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
  return await r.json();
}

/** One record of each kind, made here: the audit does not depend on what other tests left. */
async function pages(page: Page): Promise<string[]> {
  const tag = unique('Axe');
  const company = await created(page, 'companies', {
    name: `${tag} SA`, roles: ['client'], industry: '', size: '', website: 'https://example.org', email: '',
    phone: '', street: '', line2: '', postal_code: '', city: 'Lyon', country: 'FR', registration_number: '',
    source: '', description: '', owner_id: null,
  });
  const person = await created(page, 'persons', {
    civility: '', first_name: 'Ada', last_name: tag, job_title: '', email: '', email2: '', phone: '',
    mobile: '', street: '', line2: '', postal_code: '', city: '', country: '', birthday: '',
    preferred_language: '', roles: [], lifecycle_stage: '', source: '', marketing_consent: false,
    consent_date: '', consent_method: '', owner_id: null, company_id: company, company_job_title: '',
    link_start: '', link_end: '',
  });
  const p = (await (await page.request.post('/api/deals/pipelines', { data: { include_inactive: false } })).json())[0];
  const deal = await created(page, 'deals', {
    name: `${tag} deal`, company_id: company, person_id: person, pipeline_id: p.id, stage_id: p.stages[0].id,
    amount: '1200', expected_close: '2031-06-30', probability: '', status: 'open', lost_reason: '',
    next_step: '', description: '', owner_id: null,
  });
  const interaction = await created(
    page,
    'interactions',
    {
      kind: 'call', subject: `${tag} call`, description: '', status: 'planned', start: '2031-06-02T10:00',
      end: '', duration_minutes: '15', all_day: false, direction: 'outbound', location: '', priority: '',
      task_start: '', private: false, owner_id: null, reminder_minutes: '',
      links: [{ kind: 'company', id: company, name: '', main: true }], attendee_users: [], attendee_persons: [], recurrence: null,
    },
    { scope: 'one', confirmed: undefined },
  );
  const programme = await (
    await page.request.post('/api/programmes/save', {
      data: { id: null, input: { name: `${tag} programme`, kind: 'programme', description: '', active: true } },
    })
  ).json();
  const enrolment = await created(page, 'enrolments', {
    programme_id: programme, person_id: person, company_id: null, identifier: `${tag}-1`, status: 'active',
    starts_on: '2031-01-05', ends_on: '', notes: '', owner_id: null,
  }, { confirmed: undefined });
  const upload = await page.request.post(
    `/files/upload?record_type=person&record_id=${person}&doc_type=cv&title=${tag}%20CV&file_name=cv.txt`,
    { data: Buffer.from('Curriculum vitae'), headers: { 'Content-Type': 'application/octet-stream' } },
  );
  expect(upload.status(), await upload.text()).toBe(201);
  const document = (await upload.json()).id;
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
    '/settings/users',
    '/settings/audit',
    '/trash',
    '/duplicates',
    '/quality',
    `/merge?kind=person&ids=${person}`,
    '/outbox',
    '/programmes',
    `/programmes/${enrolment}`,
    '/settings/programmes',
    '/documents',
    `/documents/${document}`,
    '/reports',
    '/reports/sales?period=this_year&by=quarter&compare=1',
    '/reports/forecast',
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
    test.setTimeout(480_000);
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
