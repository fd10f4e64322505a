// Settings: two-step verification from setup to the next sign-in, personal API tokens used
// and revoked, and the data export. eve@ is left as found (TOTP off, no token).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import { baseUrl, launchBrowser, newPage, screenshot, signIn } from '../support.mjs';

// RFC 4648 base32 → bytes.
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `base32 character ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// RFC 6238 TOTP: HMAC-SHA1 over the 30-second step, 6 digits.
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}
const stepNow = () => Math.floor(Date.now() / 30_000);

test('the RFC 6238 reference vector holds', () => {
  // Secret "12345678901234567890" at 59 s → 94287082 (8 digits); 6 digits: 287082.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.equal(totp(secret, 1), '287082');
});

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('eve turns on two-step verification, and the next sign-in asks for the code', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'eve@contoso.example');
  await page.goto('/settings');
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  await screenshot(page, 'settings-profile');
  await page.getByRole('tab', { name: 'Password & two-step' }).click();
  await page.waitForURL(/\/settings\?tab=security$/);
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
  const secret = (await page.getByTestId('secret-value').first().textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  const uri = (await page.getByTestId('secret-value').nth(1).textContent()).trim();
  assert.ok(uri.startsWith('otpauth://totp/') && uri.includes(secret), uri);
  await screenshot(page, 'settings-totp-setup');

  // A wrong code is refused with the server's words.
  const wrong = totp(secret, stepNow()) === '000000' ? '111111' : '000000';
  await page.getByLabel('Code from the app').fill(wrong);
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  await page.getByText(/wrong or expired/).waitFor();

  const step = stepNow();
  await page.getByLabel('Code from the app').fill(totp(secret, step));
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  const codes = page.getByTestId('recovery-codes');
  await codes.waitFor();
  assert.ok((await codes.locator('p').count()) >= 8, 'recovery codes are shown');
  await page.getByText('On', { exact: true }).waitFor();
  await screenshot(page, 'settings-recovery-codes');
  await page.getByRole('button', { name: 'I have saved them' }).click();

  // Sign out and in again: the sign-in page asks for the code. The step just used cannot
  // be used twice, so the next one is sent (the server accepts one step of clock drift).
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('E-mail').fill('eve@contoso.example');
  await page.getByLabel(/^Password/).fill('seatwise-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const codeField = page.getByLabel('Authentication code');
  await codeField.waitFor();
  await codeField.fill(totp(secret, Math.max(step + 1, stepNow())));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));

  // Leave eve as found: turn it off again with the password.
  await page.goto('/settings?tab=security');
  await page.getByLabel('Your password').fill('seatwise-demo');
  await page.getByRole('button', { name: 'Turn off two-step verification' }).click();
  await page.getByText('Two-step verification is off.').waitFor();
  await page.getByText('Off', { exact: true }).waitFor();
  page.assertClean();
  await context.close();
});

test('an API token works with Bearer until it is revoked; the data export downloads', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'eve@contoso.example');
  await page.goto('/settings?tab=tokens');
  await page.getByLabel('Token name').fill('e2e script');
  await page.getByLabel('Expires after (days)').fill('7');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('secret-value').textContent()).trim();
  assert.match(token, /^swp_/);
  await page.getByRole('cell', { name: 'e2e script', exact: true }).waitFor();
  await screenshot(page, 'settings-tokens');

  const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).user.email, 'eve@contoso.example');

  await page.getByRole('button', { name: 'I have copied it' }).click();
  await page.getByRole('button', { name: 'Revoke e2e script' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
  await page.getByText('Token "e2e script" revoked.').waitFor();
  await page.getByText('You have no API tokens.').waitFor();
  const refused = await fetch(`${baseUrl}/api/v1/me`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(refused.status, 401);

  await page.getByRole('tab', { name: 'Your data' }).click();
  await page.waitForURL(/tab=data/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download my data' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'seatwise-export.json');
  const exported = JSON.parse(await fs.promises.readFile(await download.path(), 'utf8'));
  assert.ok(JSON.stringify(exported).includes('eve@contoso.example'));
  await screenshot(page, 'settings-data');
  page.assertClean();
  await context.close();
});

test('people correct their own name in Settings; a blank name is refused on its field', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'eve@contoso.example');
  await page.goto('/settings');
  const first = page.getByRole('textbox', { name: 'First name' });
  const original = await first.inputValue();
  assert.ok(original.length > 0, 'the form starts from the stored name');

  await first.fill('   ');
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByText('is required').waitFor();

  await first.fill('Evelyn');
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByText('Your name was changed.').waitFor();
  // The account menu and the API show the new name at once.
  await page
    .getByRole('button', { name: 'Account menu' })
    .getByText(/Evelyn/)
    .waitFor();
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert.equal(me.user.first_name, 'Evelyn');
  await screenshot(page, 'settings-profile');

  // Put it back for the other specs.
  await first.fill(original);
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByRole('button', { name: 'Account menu' }).getByText(original).waitFor();
  page.assertClean();
  await context.close();
});
