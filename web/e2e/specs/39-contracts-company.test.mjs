// A plain user sees the contracts she was granted use of beside her own cloud-credit usage;
// a company-information change is applied by the reseller in the console, follows every
// current contract, and the requester sees its status.
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

async function teamPathAfterSignIn(page, email) {
  await signIn(page, email);
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  return /\/teams\/[^/]+/.exec(new URL(page.url()).pathname)[0];
}

// "All users will be able to see their personal cloud credit usage, and any contracts that
// they were granted use of."
test('a plain user sees her own credit usage and the contracts she was granted use of', async () => {
  const { context, page } = await newPage(browser);
  const teamPath = await teamPathAfterSignIn(page, 'eve@contoso.example');
  await page.goto(`${teamPath}/reports/cloud-credits`);
  await page.getByText('My credits used').waitFor();
  const mine = page.getByRole('region', { name: 'Your contracts' });
  const signin = mine.getByRole('region', { name: 'Contract 110001234567' });
  await signin.getByText('Draftline', { exact: true }).waitFor();
  await signin.getByText('Sign-in seat').first().waitFor();
  assert.match(await signin.textContent(), /term ends/);
  const network = mine.getByRole('region', { name: 'Contract 110001234569' });
  await network.getByText('Structa', { exact: true }).waitFor();
  await network.getByText('Network (shared)').waitFor();
  // Nothing she holds nothing on, and nothing of billing or of everyone else.
  assert.equal(await mine.getByRole('region', { name: 'Contract 110001234568' }).count(), 0);
  assert.equal(await mine.getByRole('region', { name: 'Contract 110001234570' }).count(), 0);
  assert.equal(await page.getByRole('table', { name: 'Credits per contract' }).count(), 0);
  assert.equal(await page.getByText('Contoso Engineering').count(), 0);
  await screenshot(page, 'my-contracts');
  page.assertClean();
  await context.close();
});

// "Company information follows the contract."
test('the reseller applies a company change; every current contract shows it and the requester sees its status', async () => {
  const ann = await newPage(browser);
  const teamPath = await teamPathAfterSignIn(ann.page, 'ann@contoso.example');
  await ann.page.goto(`${teamPath}/billing`);
  const contracts = ann.page.getByRole('table', { name: 'Contracts' });
  await contracts.getByRole('link', { name: /110001234567/ }).click();
  await ann.page.waitForURL(/\/billing\/ctr_[^/]+$/);
  const contractPath = new URL(ann.page.url()).pathname;
  await ann.page.goto(`${contractPath}/company`);
  const form = ann.page.getByRole('form', { name: 'Request a change of company information' });
  await form.getByRole('textbox', { name: 'Address line 2' }).fill('Unit 9');
  await form.getByRole('button', { name: 'Send change request' }).click();
  await ann.page.getByText(/Your request was recorded/).waitFor();
  const pending = ann.page.locator('[aria-label^="Change request of"]').filter({
    hasText: 'Unit 4 → Unit 9',
  });
  await pending.getByText('Open', { exact: true }).waitFor();
  await pending.getByText(/Waiting for your reseller/).waitFor();

  const rafael = await newPage(browser);
  await signIn(rafael.page, 'rafael@northwind-cad.example');
  await rafael.page.waitForURL(/\/reseller$/);
  await rafael.page
    .getByRole('table', { name: 'Customers' })
    .getByRole('link', { name: 'Contoso Engineering Ltd' })
    .click();
  await rafael.page
    .getByRole('table', { name: 'Contracts' })
    .getByRole('link', { name: '110001234567' })
    .click();
  await rafael.page.waitForURL(/\/contracts\/ctr_[^/?]+$/);
  await rafael.page.getByText('Company changes').click();
  const card = rafael.page.locator('[aria-label^="Change request of"]').filter({
    hasText: 'Unit 4 → Unit 9',
  });
  await card.getByRole('button', { name: 'Apply to the account' }).click();
  await rafael.page.getByText(/Applied: every current contract/).waitFor();
  await card.getByText('Applied', { exact: true }).waitFor();
  await screenshot(rafael.page, 'reseller-company-change');
  rafael.page.assertClean();
  await rafael.context.close();

  await ann.page.reload();
  await pending.getByText('Applied', { exact: true }).waitFor();
  await pending.getByText(/Applied by Rafael Reseller on/).waitFor();
  await ann.page.getByText('Unit 9', { exact: true }).waitFor();
  // Another current contract of the account follows.
  await ann.page.goto(`${teamPath}/billing`);
  await contracts.getByRole('link', { name: /110001234569/ }).click();
  await ann.page.waitForURL(/\/billing\/ctr_[^/]+$/);
  await ann.page.goto(`${new URL(ann.page.url()).pathname}/company`);
  await ann.page.getByText('Unit 9', { exact: true }).waitFor();
  await screenshot(ann.page, 'billing-company-applied');
  ann.page.assertClean();
  await ann.context.close();
});
