import { test, expect } from './fixtures';
import { login, ready, shot } from './helpers';

// A demo member no other test signs in as; the password goes back as it was.
const SALES = { email: 'sales@relais.example', password: 'relais-e2e-2026' };
const NEW_PASSWORD = 'une phrase de passe toute neuve';

async function changePassword(page: import('@playwright/test').Page, current: string, next: string) {
  const card = page.locator('section.settings-card', { has: page.locator('#settings-password') });
  await card.locator('#f-current').fill(current);
  await card.locator('#f-password').fill(next);
  await card.locator('#f-confirm').fill(next);
  await card.getByRole('button', { name: 'Change password' }).click();
  return card;
}

test('I change my password: my other session ends, this one goes on', async ({ page, browser }) => {
  const phone = await (await browser.newContext()).newPage();
  await login(phone, SALES);
  await login(page, SALES);
  await page.goto('/settings/profile');
  await ready(page);

  // Where I am signed in: this device marked, the other one listed.
  const sessions = page.locator('section.settings-card', { has: page.locator('#settings-sessions') });
  await expect(sessions.locator('.session-item').first()).toContainText('This device');
  await expect(sessions.locator('.session-item').nth(1)).toBeVisible();
  await expect(sessions.locator('.session-item').first()).toContainText('Chrome');

  // A wrong current password is said on its field; nothing changes.
  let card = await changePassword(page, 'not my password at all', NEW_PASSWORD);
  await expect(card.locator('#f-current-msg')).toHaveText('This is not your current password.');
  // A new one that does not match its confirmation is caught before sending.
  await card.locator('#f-current').fill(SALES.password);
  await card.locator('#f-password').fill(NEW_PASSWORD);
  await card.locator('#f-confirm').fill(NEW_PASSWORD + '!');
  await card.getByRole('button', { name: 'Change password' }).click();
  await expect(card.locator('#f-confirm-msg')).toHaveText('Does not match the new password.');

  card = await changePassword(page, SALES.password, NEW_PASSWORD);
  await expect(card.getByRole('status')).toHaveText('Password changed; your other sessions have ended.');
  await shot(page, 'desktop-account');

  // The other device is signed out at its next page; this one goes on.
  await phone.reload();
  await expect(phone).toHaveURL(/\/login/);
  await page.reload();
  await ready(page);
  await expect(page).toHaveURL(/\/settings\/profile$/);

  // Back as it was, for the other tests.
  card = await changePassword(page, NEW_PASSWORD, SALES.password);
  await expect(card.getByRole('status')).toHaveText('Password changed; your other sessions have ended.');
  await phone.context().close();
});

test('I sign out a session of mine from elsewhere', async ({ page, browser }) => {
  const other = await (await browser.newContext()).newPage();
  await login(other, SALES);
  await login(page, SALES);
  await page.goto('/settings/profile');
  await ready(page);
  const sessions = page.locator('section.settings-card', { has: page.locator('#settings-sessions') });
  // Mine, the most recently seen first: this page, then the other window.
  const items = sessions.locator('.session-item');
  // The list loads after the page: wait for the two windows' sessions.
  await expect(items.nth(1)).toBeVisible();
  const before = await items.count();
  expect(before).toBeGreaterThanOrEqual(2);
  await items.nth(1).getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(items).toHaveCount(before - 1);
  await other.reload();
  await expect(other).toHaveURL(/\/login/);
  await other.context().close();
});
