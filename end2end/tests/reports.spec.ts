import { test, expect, Page } from './fixtures';
import * as fs from 'fs';
import { login, ready, shot, unique } from './helpers';

// Reports as a manager and a member use them: Sales for this year against
// the four before, by quarter, its CSV equal to the table, saved and
// reopened from its link; Activity showing a member their own figures; the
// Programmes report's CSV with each file number.

const MANAGER = { email: 'manager@relais.example', password: 'relais-e2e-2026' };
const MEMBER = { email: 'member@relais.example', password: 'relais-e2e-2026' };

/** A deal won now (the server dates its close), for the manager. */
async function wonDeal(page: Page, name: string, amount: string) {
  const p = (await (await page.request.post('/api/deals/pipelines', { data: { include_inactive: false } })).json())[0];
  const r = await page.request.post('/api/deals/save', {
    data: {
      id: null, version: null, confirmed: true,
      input: {
        name, company_id: null, person_id: null, pipeline_id: p.id, stage_id: p.stages[0].id, amount,
        expected_close: '', probability: '', status: 'won', lost_reason: '', next_step: '', description: '',
        owner_id: null,
      },
    },
  });
  expect(r.ok(), await r.text()).toBeTruthy();
}

/** The table's cells as text, numbers without their grouping and unit. */
async function cells(page: Page, table: string): Promise<string[][]> {
  const rows = page.locator(`.report-table[data-table="${table}"] tbody tr`);
  const out: string[][] = [];
  for (const row of await rows.all()) {
    out.push((await row.locator('td').allInnerTexts()).map(plain));
  }
  return out;
}

/** "12,500.00 €" → "12500.00", "25.0 %" → "25.0", "—" → "". */
function plain(text: string): string {
  const t = text.trim();
  if (t === '—') return '';
  if (/^[\d,.\u202f\u00a0 ]+(€|%|h)?$/.test(t)) return t.replace(/[,\u202f\u00a0 €%h]/g, '');
  return t;
}

async function downloadCsv(page: Page, table: string): Promise<string[][]> {
  const download = page.waitForEvent('download');
  await page.locator(`.report-table[data-table="${table}"]`).getByRole('link', { name: 'Export CSV' }).click();
  const bytes = fs.readFileSync((await (await download).path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return bytes.subarray(3).toString('utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
}

for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`a manager compares this year's sales with four years, exports and saves them (${size.width} px)`, async ({ page }) => {
    await page.setViewportSize(size);
    await login(page, MANAGER);
    await wonDeal(page, unique('Report deal'), '1234.50');

    await page.goto('/reports');
    await ready(page);
    await page.locator('.report-card[data-report="sales"]').click();
    await page.waitForURL(/\/reports\/sales/);
    await ready(page);
    await expect(page.locator('main h1')).toHaveText('Sales');
    await expect(page.locator('select[name="period"]')).toHaveValue('ytd');

    await page.locator('select[name="period"]').selectOption('this_year');
    await expect(page).toHaveURL(/period=this_year/);
    await page.locator('select[name="compare"]').selectOption('4');
    await expect(page).toHaveURL(/compare=4/);
    // Months: twelve a year, five years; then quarters.
    await expect(page.locator('.report-table[data-table="main"] tbody tr')).toHaveCount(60);
    await page.locator('select[name="by"]').selectOption('quarter');
    await expect(page).toHaveURL(/by=quarter/);
    const main = page.locator('.report-table[data-table="main"] tbody tr');
    await expect(main).toHaveCount(20);
    const year = new Date().getFullYear();
    await expect(main.first().locator('td').first()).toHaveText(`${year} Q1`);
    await expect(main.nth(4).locator('td').first()).toHaveText(`${year - 1} Q1`);
    // The chart: a line per year, named and described.
    const chart = page.locator('figure.chart').first();
    await expect(chart.locator('svg[role="img"] title').first()).toHaveText('Amount won per period');
    await expect(chart.locator('polyline')).toHaveCount(5);
    await expect(chart.locator('.chart-legend li')).toHaveCount(5);
    await expect(chart.locator('figcaption')).toContainText('deals won for');

    // This quarter has the deal just won.
    const quarter = Math.floor(new Date().getMonth() / 3);
    const now = main.nth(quarter);
    expect(Number(plain(await now.locator('td').nth(1).innerText()))).toBeGreaterThanOrEqual(1);

    // The CSV holds exactly the table.
    const table = await cells(page, 'main');
    expect(await downloadCsv(page, 'main')).toEqual(table);

    // Sorted by amount won, largest first: the table and its CSV alike.
    await page.locator('.report-table[data-table="main"] th', { hasText: 'Amount won' }).getByRole('link').click();
    await expect(page).toHaveURL(/sort=won_amount&dir=desc/);
    await expect(page.locator('th[aria-sort="descending"]')).toContainText('Amount won');
    const sorted = await cells(page, 'main');
    expect(Number(sorted[0][2])).toBeGreaterThanOrEqual(Number(sorted[1][2]));
    expect(await downloadCsv(page, 'main')).toEqual(sorted);
    await shot(page, `report-sales-${size.width}`);
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await shot(page, `report-sales-${size.width}-dark`);
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));

    // Saved as "Sales YTD", shared; reopened from its link.
    const name = unique('Sales YTD');
    await page.locator('input[name="report-name"]').fill(name);
    await page.locator('input[name="report-shared"]').check();
    await page.locator('.report-save').getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('.report-save [role="status"]')).toContainText('Saved.');
    await page.goto('/reports');
    await ready(page);
    const saved = page.locator('.saved-report-list li', { hasText: name });
    await expect(saved).toContainText('Shared');
    await saved.getByRole('link', { name }).click();
    await page.waitForURL(/\/reports\/sales\?period=this_year&by=quarter&compare=4/);
    await ready(page);
    await expect(page.locator('.report-table[data-table="main"] tbody tr')).toHaveCount(20);
    await expect(page.locator('select[name="by"]')).toHaveValue('quarter');
    // An empty name is refused by name.
    await page.locator('.report-save').getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('.report-save .field-error')).toBeVisible();
  });

  test(`a member's Activity report shows their own figures only (${size.width} px)`, async ({ page, browser }) => {
    await page.setViewportSize(size);
    // A call of the manager's this month, which the member must not count.
    await login(page, MANAGER);
    const today = new Date().toISOString().slice(0, 10);
    const r = await page.request.post('/api/interactions/save', {
      data: {
        id: null, version: null, scope: 'one',
        input: {
          kind: 'call', subject: unique('Report call'), description: '', status: 'held', start: `${today}T09:00`,
          end: '', duration_minutes: '30', all_day: false, direction: 'outbound', location: '', priority: '',
          task_start: '', private: false, owner_id: null, reminder_minutes: '', links: [], attendee_users: [],
          attendee_persons: [], recurrence: null,
        },
      },
    });
    expect(r.ok(), await r.text()).toBeTruthy();
    await page.goto('/reports/activity');
    await ready(page);
    await expect(page.locator('.report-table[data-table="main"]')).toContainText('Olivia Bennett');
    await expect(page.locator('select[name="user"]')).toBeVisible();

    const member = await (await browser.newContext({ viewport: size })).newPage();
    await login(member, MEMBER);
    await member.goto('/reports/activity');
    await ready(member);
    await expect(member.locator('.report-own')).toHaveText('These are your own figures.');
    await expect(member.locator('select[name="user"]')).toHaveCount(0);
    await expect(member.locator('main')).not.toContainText('Olivia Bennett');
    for (const user of await member.locator('.report-table[data-table="main"] tbody tr td:first-child').allInnerTexts()) {
      expect(user).toBe('Hugo Lefèvre');
    }
    // Asking for the manager's figures by address changes nothing.
    const me = await (await member.request.post('/api/auth/me', { data: {} })).json();
    const manager = await (await page.request.post('/api/auth/me', { data: {} })).json();
    await member.goto(`/reports/activity?user=${manager.id}`);
    await ready(member);
    await expect(member.locator('main')).not.toContainText('Olivia Bennett');
    const csv = await downloadCsv(member, 'main');
    for (const row of csv) expect(row[0]).toBe(me.name);
    await shot(member, `report-activity-member-${size.width}`);
    await member.close();
  });
}

test('the Programmes report lists each file number in its CSV', async ({ page }) => {
  await login(page, MANAGER);
  const tag = unique('Rapport');
  const programme = await page.request.post('/api/programmes/save', {
    data: { id: null, input: { name: tag, kind: 'service', description: '', active: true } },
  });
  // Saving a catalogue entry is for admins: the manager's refusal is expected.
  expect(programme.status()).toBe(403);
  await login(page);
  const made = await page.request.post('/api/programmes/save', {
    data: { id: null, input: { name: tag, kind: 'service', description: '', active: true } },
  });
  expect(made.ok(), await made.text()).toBeTruthy();
  const programmeId = await made.json();
  const person = await page.request.post('/api/persons/save', {
    data: {
      id: null, version: null, confirmed: true,
      input: {
        civility: '', first_name: 'Nour', last_name: tag, job_title: '', email: '', email2: '', phone: '',
        mobile: '', street: '', line2: '', postal_code: '', city: '', country: '', birthday: '',
        preferred_language: '', roles: [], lifecycle_stage: '', source: '', marketing_consent: false,
        consent_date: '', consent_method: '', owner_id: null, company_id: null, company_job_title: '',
        link_start: '', link_end: '',
      },
    },
  });
  expect(person.ok(), await person.text()).toBeTruthy();
  const personId = await person.json();
  const fileNumber = `DOS-${Date.now().toString(36)}`;
  const today = new Date().toISOString().slice(0, 10);
  const enrolment = await page.request.post('/api/enrolments/save', {
    data: {
      id: null, version: null,
      input: {
        programme_id: programmeId, person_id: personId, company_id: null, identifier: fileNumber,
        status: 'active', starts_on: today, ends_on: '', notes: '', owner_id: null,
      },
    },
  });
  expect(enrolment.ok(), await enrolment.text()).toBeTruthy();

  await page.goto(`/reports/programmes?period=this_year&programme=${programmeId}`);
  await ready(page);
  await expect(page.locator('.report-table[data-table="main"] tbody tr')).toHaveCount(1);
  await expect(page.locator('.report-table[data-table="enrolments"]')).toContainText(fileNumber);
  const rows = await downloadCsv(page, 'enrolments');
  expect(rows.map((r) => r[1])).toEqual([fileNumber]);
  expect(rows[0][2]).toBe(`Nour ${tag}`);
});
