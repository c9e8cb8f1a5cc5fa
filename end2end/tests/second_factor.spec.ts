import { test, expect, Page } from './fixtures';
import { createHmac } from 'node:crypto';
import { chooseLanguage, login, ready, shot } from './helpers';

// A demo user no other test signs in as; two-step sign-in is off again at
// the end.
const MANAGER = { email: 'manager@relais.example', password: 'relais-e2e-2026' };

/** Base32 (RFC 4648, as authenticator apps read keys) to bytes. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The code an authenticator app shows at `at` (unix seconds): RFC 6238,
 * HMAC-SHA1 over the 30-second step, 6 digits (RFC 4226 truncation). */
function totp(secret: string, at = Date.now() / 1000): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return number.toString().padStart(6, '0');
}

test('the codes computed here are RFC 6238 codes', () => {
  // Appendix B's SHA-1 key ("12345678901234567890" in base32) at T = 59 s
  // and 1111111109 s: 94287082 and 07081804, of which apps show 6 digits.
  const key = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  expect(totp(key, 59)).toBe('287082');
  expect(totp(key, 1111111109)).toBe('081804');
});

/** The login page up to the code step, then the code. */
async function signInWithCode(page: Page, code: string, recovery = false) {
  await page.goto('/login');
  await expect(page.locator('main.auth-page[data-ready="true"]')).toBeVisible();
  await chooseLanguage(page, 'en');
  await page.locator('#f-email').fill(MANAGER.email);
  await page.locator('#f-password').fill(MANAGER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  // The password was right: the code is asked, the password form is gone.
  const field = page.locator('#f-code');
  await expect(field).toBeVisible();
  await expect(field).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(page.locator('#f-password')).toBeHidden();
  if (recovery) {
    await page.getByRole('link', { name: 'Use a recovery code instead' }).click();
    await expect(page).toHaveURL(/recovery=1/);
    await expect(page.locator('#f-code')).not.toHaveAttribute('inputmode', 'numeric');
  } else {
    await expect(field).toHaveAttribute('inputmode', 'numeric');
  }
  await page.locator('#f-code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await ready(page);
}

test('I set up two-step sign-in, then sign in with a code of my app, and with a recovery code', async ({ page }) => {
  test.setTimeout(300_000);
  await login(page, MANAGER);
  await page.goto('/settings/profile#second-factor');
  await ready(page);
  const card = page.locator('#second-factor');
  await expect(card).toContainText('Off: your password alone signs you in.');

  // What the app needs: a QR code, a link that opens it, the key to type.
  await card.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(card.locator('.second-factor-qr svg')).toBeVisible();
  await expect(card.getByRole('link', { name: 'Open in my authenticator app' })).toHaveAttribute(
    'href',
    /^otpauth:\/\/totp\/Relais:manager%40relais\.example\?secret=[A-Z2-7]{32}/,
  );
  const key = (await card.locator('.second-factor-key').textContent())!.trim();
  expect(key).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);

  // A code that is not the app's now is refused on its field.
  await card.locator('#f-code').fill(totp(key, Date.now() / 1000 + 600));
  await card.locator('#f-current_password').fill(MANAGER.password);
  await card.getByRole('button', { name: 'Turn on' }).click();
  await expect(card.locator('#f-code-msg')).toContainText('This code is not right');

  // The app's code now: on, and the recovery codes, shown this once.
  await card.locator('#f-code').fill(totp(key));
  await card.getByRole('button', { name: 'Turn on' }).click();
  const codes = card.locator('.recovery-codes code');
  await expect(codes).toHaveCount(10);
  const recovery = await codes.allTextContents();
  expect(recovery[0]).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await shot(page, 'desktop-second-factor');
  await card.getByRole('button', { name: 'I have kept them' }).click();
  await expect(card).toContainText('On: signing in asks for a code from your app.');
  await expect(card).toContainText('Recovery codes left: 10.');

  // Signed out, the password alone is not enough: the app's code is asked.
  // (The next step's code: the one used to turn it on is spent.)
  await page.context().clearCookies();
  await signInWithCode(page, totp(key, Date.now() / 1000 + 30));

  // A recovery code signs in too, once.
  await page.context().clearCookies();
  await signInWithCode(page, recovery[0].toUpperCase(), true);
  await page.goto('/settings/profile#second-factor');
  await ready(page);
  await expect(card).toContainText('Recovery codes left: 9.');

  // Off again, with my password.
  await card.getByRole('button', { name: 'Turn off' }).click();
  await card.locator('#f-current_password').fill(MANAGER.password);
  await card.getByRole('button', { name: 'Turn off' }).click();
  await expect(card.getByRole('status')).toHaveText('Two-step sign-in is off.');
  await expect(card).toContainText('Off: your password alone signs you in.');
});
