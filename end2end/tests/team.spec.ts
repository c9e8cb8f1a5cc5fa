import { test, expect, Page } from './fixtures';
import * as fs from 'fs';
import { login, ready, mailsTo, MAIL_DIR, Mail } from './helpers';

// Issue 16, tried as a new organisation would: the admin invites two
// colleagues from the app; each mail arrives at the suite's SMTP server
// (E2E_MAIL_DIR) in its reader's language; each joins and logs in; a
// member cannot reach the users page nor its functions; a deactivated
// colleague is stopped at their next click; the admin exports a person
// (GDPR), erases them, and reads both in the audit log.
const PASSWORD = 'a long team password';


/** Calls a server function from the page, as the app would. */
async function call(page: Page, fn: string, body: unknown) {
  return page.evaluate(
    async ([fn, body]) => {
      const r = await fetch(fn as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, text: await r.text() };
    },
    [fn, body] as const,
  );
}

async function invite(page: Page, email: string, role: string, locale: string) {
  const card = page.locator('section', { has: page.locator('#users-invite') });
  await card.locator('#f-email').fill(email);
  await card.locator('#f-role').selectOption(role);
  await card.locator('#f-locale').selectOption(locale);
  const sent = page.waitForResponse((r) => r.url().includes('/api/users/invite'));
  await card.getByRole('button', { name: 'Send the invitation' }).click();
  expect((await sent).ok()).toBe(true);
  await expect(card.getByRole('status')).toHaveText(`An invitation was sent to ${email}.`);
}

function invitationLink(mail: Mail) {
  const link = mail.text.match(/https?:\/\/\S+\/invitation\?token=[0-9a-f]+/)![0];
  expect(mail.html).toContain(`href="${link}"`);
  // The mail links to the public address; the test server is this one.
  return new URL(link).pathname + new URL(link).search;
}

test('a team from the app: invitations by mail, joining, roles, deactivation, GDPR export and erasure in the audit log', async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  expect(MAIL_DIR, 'E2E_MAIL_DIR: the SMTP sink the suite runs with').not.toBe('');
  const stamp = Date.now().toString(36);
  const camille = `camille.${stamp}@relais.example`;
  const sam = `sam.${stamp}@relais.example`;

  await login(page);
  await page.goto('/settings/users');
  await ready(page);
  await expect(page.locator('h1')).toHaveText('Users');
  // Bad input is said per field, and nothing is sent.
  const card = page.locator('section', { has: page.locator('#users-invite') });
  await card.locator('#f-email').fill('not an address');
  await card.getByRole('button', { name: 'Send the invitation' }).click();
  await expect(card.locator('#f-email-msg')).not.toBeEmpty();
  await invite(page, camille, 'member', 'fr');
  await invite(page, sam, 'manager', 'en');
  const waiting = page.locator('table.invitations-table');
  await expect(waiting.getByRole('row', { name: new RegExp(camille) })).toContainText('Member');
  await expect(waiting.getByRole('row', { name: new RegExp(sam) })).toContainText('Manager');

  // Each mail in its reader's language.
  await expect.poll(() => mailsTo(camille).length, { timeout: 60_000 }).toBe(1);
  await expect.poll(() => mailsTo(sam).length, { timeout: 60_000 }).toBe(1);
  const french = mailsTo(camille)[0];
  expect(french.subject).toBe('Relais : votre invitation');
  expect(french.text).toContain('vous invite à rejoindre');
  const english = mailsTo(sam)[0];
  expect(english.subject).toBe('Relais: your invitation');
  expect(english.text).toContain('invites you to join');

  // Camille joins: the page speaks French, the account is a member's.
  const camilleContext = await browser.newContext();
  const c = await camilleContext.newPage();
  await c.goto(invitationLink(french));
  await expect(c.locator('main.auth-page[data-ready="true"]')).toBeVisible();
  await expect(c.locator('h1')).toHaveText("Rejoindre l'équipe");
  await expect(c.locator('main.auth-page')).toContainText(camille);
  await c.locator('#f-name').fill('Camille Roux');
  await c.locator('#f-password').fill(PASSWORD);
  await c.locator('#f-confirm').fill(PASSWORD);
  await c.locator('form.auth-form button[type="submit"]').click();
  await expect(c.locator('.banner-ok[role="status"]')).toBeVisible();
  // The link worked once.
  await c.goto(invitationLink(french));
  await expect(c.locator('.banner-error')).toBeVisible();
  await login(c, { email: camille, password: PASSWORD }, 'fr');
  await expect(c.locator('.desk h1')).toContainText('Bonjour Camille');

  // A member sees no users page and cannot call its functions.
  await expect(c.locator('nav#sidebar a[href="/settings/users"]')).toHaveCount(0);
  await c.goto('/settings/users');
  await ready(c);
  await expect(c.locator('.banner-error[role="alert"]')).toBeVisible();
  await expect(c.locator('table.users-table')).toHaveCount(0);
  for (const [fn, body] of [
    ['/api/users/team', { filter: {} }],
    ['/api/users/invite', { email: 'x@relais.example', role: 'admin', locale: 'en' }],
    ['/api/users/set_role', { user_id: 1, role: 'member' }],
  ] as const) {
    expect((await call(c, fn, body)).status, fn).toBe(403);
  }

  // Sam joins in English, as a manager.
  const samContext = await browser.newContext();
  const s = await samContext.newPage();
  await s.goto(invitationLink(english));
  await expect(s.locator('main.auth-page[data-ready="true"]')).toBeVisible();
  await expect(s.locator('h1')).toHaveText('Join the team');
  await expect(s.locator('main.auth-page')).toContainText(sam);
  await s.locator('#f-name').fill('Sam Ortiz');
  await s.locator('#f-password').fill(PASSWORD);
  await s.locator('#f-confirm').fill(PASSWORD);
  await s.locator('form.auth-form button[type="submit"]').click();
  await expect(s.locator('.banner-ok[role="status"]')).toBeVisible();
  await login(s, { email: sam, password: PASSWORD });
  await expect(s.locator('.desk h1')).toContainText('Sam');

  // The admin sees both, and deactivates Sam: his next click signs him out.
  await page.reload();
  await ready(page);
  const samRow = page.locator(`table.users-table tr[data-user="${sam}"]`);
  await expect(samRow).toContainText('Sam Ortiz');
  await expect(samRow.locator('.role-select')).toHaveValue('manager');
  await expect(page.locator('table.invitations-table')).toHaveCount(0);
  await samRow.getByRole('button', { name: 'Deactivate' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('Sam Ortiz is signed out at once');
  await dialog.getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.locator('section:has(#users-team) > p[role="status"]')).toHaveText('Sam Ortiz was deactivated.');
  await expect(samRow).toContainText('Inactive');
  await s.locator('nav#sidebar a[href="/companies"]').click();
  await s.waitForURL(/\/login/);

  // Camille changes her password.
  await c.goto('/settings/profile');
  await ready(c);
  const passwordCard = c.locator('section', { has: c.locator('#settings-password') });
  await passwordCard.locator('#f-current').fill(PASSWORD);
  await passwordCard.locator('#f-password').fill(`${PASSWORD} too`);
  await passwordCard.locator('#f-confirm').fill(`${PASSWORD} too`);
  await passwordCard.locator('button[type="submit"]').click();
  await expect(passwordCard.getByRole('status')).not.toBeEmpty();

  // GDPR: a person exported whole, then erased; both in the audit log.
  const saved = await call(page, '/api/persons/save', {
    id: null,
    version: null,
    confirmed: true,
    input: {
      civility: 'ms', first_name: 'Inès', last_name: `Garnier ${stamp}`, job_title: '', email: `ines.${stamp}@exemple.fr`,
      email2: '', phone: '', mobile: '', street: '', line2: '', postal_code: '', city: 'Nantes', country: '',
      birthday: '', preferred_language: 'fr', roles: ['client'], lifecycle_stage: '', source: '',
      marketing_consent: true, consent_date: '2026-11-30', consent_method: 'web form', owner_id: null,
      company_id: null, company_job_title: '', link_start: '', link_end: '',
    },
  });
  expect(saved.status, saved.text).toBe(200);
  const personId = Number(saved.text);
  await page.goto(`/persons/${personId}`);
  await ready(page);
  const privacy = page.locator('section.privacy-card');
  await expect(privacy.locator('.consent-history li')).toContainText('Consent given (2026-11-30, web form)');
  await privacy.getByRole('button', { name: 'Export everything (JSON)' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Export everything (JSON)' }).click();
  const file = await (await download).path();
  const doc = JSON.parse(fs.readFileSync(file!, 'utf8'));
  expect(doc.person.last_name).toBe(`Garnier ${stamp}`);
  expect(doc.consent[0].method).toBe('web form');

  await privacy.getByRole('button', { name: 'Erase this person' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Erase this person' }).click();
  await expect(page.locator('section.privacy-card .banner-info')).toContainText("This person's data was erased");
  await expect(page.locator('.record-header h1')).not.toContainText('Garnier');

  await page.locator('section.privacy-card').getByRole('link', { name: 'Audit log of this person' }).click();
  await page.waitForURL(/\/settings\/audit/);
  await ready(page);
  const log = page.locator('table.audit-table');
  for (const action of ['gdpr_export', 'erase', 'view']) {
    await expect(log.locator(`tr[data-action="${action}"]`).first()).toBeVisible();
  }
  await expect(log.locator('tr[data-action="erase"]').first()).toContainText(`Person #${personId}`);
  await expect(log).not.toContainText('Garnier');
  // The log as CSV, with the same filter.
  const csv = await page.evaluate(async (href) => (await fetch(href)).text(), await page.locator('.audit-page a[download]').getAttribute('href'));
  expect(csv).toContain('gdpr_export');
  expect(csv).toContain('erase');

  await camilleContext.close();
  await samContext.close();
});
