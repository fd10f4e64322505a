// Products & services: an admin's Mine and Team tabs live in the address; activation reads
// "Sign in" or "Serial number", network pools say they float.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, screenshot, signIn } from '../support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('an admin sees own products and the team’s, with the tab kept across reload and back', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'ann@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  const mine = page.getByRole('article', { name: 'Draftline' });
  await mine.getByRole('cell', { name: 'Sign in', exact: true }).waitFor();
  await mine.getByText('sign in with ann@contoso.example').waitFor();
  await screenshot(page, 'products-mine');

  await page.getByRole('tab', { name: 'Team' }).click();
  await page.waitForURL(/\?tab=team$/);
  const row = (name) => page.getByRole('row').filter({ hasText: name });
  await row('Structa').getByText('floating seats').waitFor();
  assert.match(await row('Formwork 3D').innerText(), /Serial number\s*\d{3}-\d{8}/);
  await page.reload();
  await row('Civilis').getByText('Serial number', { exact: true }).waitFor();
  await screenshot(page, 'products-team');

  await page.goBack();
  await page.waitForURL(/\/products$/);
  await mine.waitFor();
  page.assertClean();
  await context.close();
});

test('a user without products is told who assigns them', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 800 } });
  await signIn(page, 'dev@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  await page.getByText('Nothing is assigned to you yet').waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Team' }).count(), 1, 'an SC sees the Team tab');
  await screenshot(page, 'products-empty-narrow');
  page.assertClean();
  await context.close();
});
