// A desktop application's device sign-in (RFC 8628): the application shows a code, the
// person approves it in the portal, the application's next poll gets tokens.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { baseUrl, launchBrowser, newPage, screenshot, signIn } from '../support.mjs';

const clientId = 'seatwise-desktop'; // what the desktop SDK sends

async function startDeviceAuthorization() {
  const response = await fetch(`${baseUrl}/api/v1/oauth/device_authorization`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId }),
  });
  assert.equal(response.status, 200);
  return response.json();
}

async function poll(deviceCode) {
  const response = await fetch(`${baseUrl}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: deviceCode,
      client_id: clientId,
    }),
  });
  return { status: response.status, body: await response.json() };
}

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('eve approves the code the application shows; the application then gets tokens', async () => {
  const grant = await startDeviceAuthorization();
  assert.match(grant.user_code, /^[A-Z]{4}-[A-Z]{4}$/);
  const pending = await poll(grant.device_code);
  assert.equal(pending.body.error, 'authorization_pending');

  const { context, page } = await newPage(browser);
  await signIn(page, 'eve@contoso.example');
  await page.goto(`/device-approval?user_code=${encodeURIComponent(grant.user_code)}`);
  const field = page.getByLabel('Code shown by the application');
  assert.equal(await field.inputValue(), grant.user_code);
  await screenshot(page, 'device-approval');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByText('You can return to the application').waitFor();
  await page.waitForURL(/status=approved/);
  await screenshot(page, 'device-approval-done');

  const tokens = await poll(grant.device_code);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  assert.equal(tokens.body.token_type.toLowerCase(), 'bearer');
  assert.ok(tokens.body.access_token && tokens.body.refresh_token);
  page.assertClean();
  await context.close();
});

test('a mistyped code is answered in words; a denied application gets no tokens', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'eve@contoso.example');
  await page.goto('/device-approval');
  await page.getByLabel('Code shown by the application').fill('ABCD-EFGH');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page
    .getByText(/code|expired|not found/i)
    .nth(1)
    .waitFor();
  assert.equal(new URL(page.url()).searchParams.get('status'), null);

  const grant = await startDeviceAuthorization();
  // Typed the way people type it: lower case, no dash.
  await page
    .getByLabel('Code shown by the application')
    .fill(grant.user_code.replace('-', '').toLowerCase());
  await page.getByRole('button', { name: 'Deny' }).click();
  await page.getByText('Access denied').waitFor();
  const denied = await poll(grant.device_code);
  assert.equal(denied.body.error, 'access_denied');
  page.assertClean();
  await context.close();
});
