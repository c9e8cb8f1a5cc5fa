import { test, expect } from './fixtures';
import { login, ready, mailsTo, MAIL_DIR } from './helpers';

// French-speaking in the demo organisation. The reset sets the same
// password again, so the other tests still sign in as this member.
const MEMBER = { email: 'member@relais.example', password: 'relais-e2e-2026' };

test('a forgotten password: the link arrives by mail in French, and following it works', async ({ page }) => {
  expect(MAIL_DIR, 'E2E_MAIL_DIR: the SMTP sink the suite runs with').not.toBe('');
  const before = mailsTo(MEMBER.email).length;
  // The password pages are plain HTML forms: they load none of the app.
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith('.wasm')) wasm.push(r.url());
  });
  await page.goto('/forgot-password');
  await expect(page.locator('main.auth-page[data-ready="true"]')).toBeVisible();
  await page.locator('#f-email').fill(MEMBER.email);
  await page.locator('form.auth-form button[type="submit"]').click();
  await expect(page.locator('main.auth-page .banner-ok[role="status"]')).toBeVisible();

  await expect.poll(() => mailsTo(MEMBER.email).length, { timeout: 60_000 }).toBe(before + 1);
  const mail = mailsTo(MEMBER.email).find((m) => m.subject.includes('réinitialisation'))!;
  expect(mail.subject).toBe('Relais : réinitialisation du mot de passe');
  expect(mail.text).toContain('Pour choisir un nouveau mot de passe');
  const link = mail.text.match(/https?:\/\/\S+\/reset-password\?token=[0-9a-f]+/)![0];
  expect(mail.html).toContain(`href="${link}"`);

  await page.goto(link);
  await expect(page.locator('main.auth-page[data-ready="true"]')).toBeVisible();
  // Typed twice, differently: said on the second field, back to the link.
  await page.locator('#f-password').fill(MEMBER.password);
  await page.locator('#f-confirm').fill(`${MEMBER.password}!`);
  await page.locator('form.auth-form button[type="submit"]').click();
  await expect(page.locator('#f-confirm')).toHaveAttribute('aria-invalid', 'true');
  const here = new URL(page.url());
  expect(here.pathname + here.search).toBe(new URL(link).pathname + new URL(link).search);
  await page.locator('#f-password').fill(MEMBER.password);
  await page.locator('#f-confirm').fill(MEMBER.password);
  await page.locator('form.auth-form button[type="submit"]').click();
  await expect(page.locator('main.auth-page .banner-ok[role="status"]')).toBeVisible();
  expect(wasm).toEqual([]);

  await login(page, MEMBER, 'fr');
  await expect(page.locator('.desk h1')).toHaveText('Bonjour Hugo');
});

test('reminders by mail are chosen in the settings, in the person’s words', async ({ page }) => {
  await login(page);
  await page.goto('/settings/profile');
  await ready(page);
  const card = page.locator('section.settings-card', { has: page.locator('#settings-reminders') });
  await expect(card).toBeVisible();
  await card.locator('#f-reminders_by').selectOption('both');
  const saved = page.waitForResponse((r) => r.url().includes('/api/settings/save_reminders'));
  await card.getByRole('button', { name: 'Save' }).click();
  expect((await saved).ok()).toBe(true);
  await expect(card.getByRole('status')).toHaveText('Saved.');
  await page.reload();
  await ready(page);
  await expect(page.locator('#f-reminders_by')).toHaveValue('both');
  // Back as it was, for the tests that follow.
  await page.locator('#f-reminders_by').selectOption('browser');
  const back = page.waitForResponse((r) => r.url().includes('/api/settings/save_reminders'));
  await card.getByRole('button', { name: 'Save' }).click();
  expect((await back).ok()).toBe(true);
});
