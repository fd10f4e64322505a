// The personal, audit, webhook and console pages on a phone-sized window: nothing is cut
// off sideways (wide tables scroll inside their own box).
/* global document -- the evaluate callback runs in the page */
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

async function assertNoSidewaysScroll(page, name) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 1, `${name} is ${overflow}px wider than the window`);
  await screenshot(page, `narrow-${name}`);
}

test('ann’s settings, audit log and webhooks fit a 390 px window', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(page, 'ann@contoso.example');
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  const teamId = me.memberships.find((m) => m.team_name === 'Contoso Design').team_id;
  for (const [name, path, heading] of [
    ['settings', '/settings?tab=security', 'Settings'],
    ['device-approval', '/device-approval', 'Connect a desktop application'],
    ['audit', `/teams/${teamId}/audit`, 'Audit log'],
    ['webhooks', `/teams/${teamId}/webhooks`, 'Webhooks'],
  ]) {
    await page.goto(path);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    if (name === 'audit') await page.getByTestId('audit-row').first().waitFor();
    await assertNoSidewaysScroll(page, name);
  }
  page.assertClean();
  await context.close();
});

test('the reseller console fits a 390 px window', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(page, 'rafael@northwind-cad.example');
  await page.getByRole('link', { name: 'Contoso Engineering Ltd' }).click();
  await page.getByRole('table', { name: 'Contracts' }).waitFor();
  await assertNoSidewaysScroll(page, 'reseller-customer');
  await page.getByRole('link', { name: '110001234568' }).click();
  await page.getByRole('table', { name: 'Products' }).waitFor();
  await assertNoSidewaysScroll(page, 'reseller-contract');
  page.assertClean();
  await context.close();
});
