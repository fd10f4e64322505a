// The portal is served by seatwise itself: headers, client routes, and the first sign-in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { baseUrl, launchBrowser, newPage, screenshot, signIn } from '../support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('index.html carries a strict policy with a fresh nonce, client routes get it too', async () => {
  const first = await fetch(`${baseUrl}/teams/anything/devices`);
  assert.equal(first.status, 200);
  const policy = first.headers.get('content-security-policy');
  assert.match(policy, /script-src 'self';/);
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /frame-ancestors 'none'/);
  const nonce = /'nonce-([A-Z0-9]+)'/.exec(policy)?.[1];
  assert.ok(nonce && nonce.length >= 22, `nonce in ${policy}`);
  const html = await first.text();
  assert.ok(html.includes(`content="${nonce}"`), 'the page carries the nonce of its policy');
  assert.equal(first.headers.get('cache-control'), 'no-store');
  const second = await fetch(`${baseUrl}/`);
  assert.notEqual(
    /'nonce-([A-Z0-9]+)'/.exec(second.headers.get('content-security-policy'))[1],
    nonce,
  );
});

test('hashed assets are cached for a year and compressed; unknown API paths stay problems', async () => {
  const html = await (await fetch(`${baseUrl}/`)).text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script, 'index.html names its script');
  const asset = await fetch(`${baseUrl}${script}`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('cache-control'), /max-age=31536000, immutable/);
  assert.match(asset.headers.get('content-type'), /javascript/);
  const etag = asset.headers.get('etag');
  const again = await fetch(`${baseUrl}${script}`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  const api = await fetch(`${baseUrl}/api/v1/no-such-thing`);
  assert.equal(api.status, 404);
  assert.match(api.headers.get('content-type'), /problem\+json/);
  const missing = await fetch(`${baseUrl}/assets/missing-0000.js`);
  assert.equal(missing.status, 404);
});

test('an anonymous visitor is sent to sign-in and back to the page asked for', async () => {
  const { context, page } = await newPage(browser);
  await page.goto('/settings');
  await page.waitForURL(/\/sign-in\?next=/);
  await screenshot(page, 'sign-in');
  await page.getByLabel('E-mail').fill('eve@contoso.example');
  await page.getByLabel(/^Password/).fill('seatwise-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/settings$/);
  page.assertClean();
  await context.close();
});

test('a user lands on Products & services and sees no admin pages', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'eve@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Products & services' }).waitFor();
  for (const hidden of ['Billing & Orders', 'Users', 'Devices', 'By product', 'Audit log']) {
    assert.equal(await nav.getByRole('link', { name: hidden, exact: true }).count(), 0, hidden);
  }
  page.assertClean();
  await context.close();
});
