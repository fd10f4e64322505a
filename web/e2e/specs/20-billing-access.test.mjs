// Billing & Orders is for Contract Managers: a user and a Secondary Admin neither see it nor
// reach it (the API refuses them too); the Contract Manager sees her contracts, a contract's
// details and its renewal review, and asks for a company-information change.
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

for (const [email, who] of [
  ['eve@contoso.example', 'a user'],
  ['bob@contoso.example', 'a Secondary Admin who is not Contract Manager'],
]) {
  test(`${who} sees no Billing & Orders, and neither page nor API opens for them`, async () => {
    const { context, page } = await newPage(browser);
    const teamPath = await teamPathAfterSignIn(page, email);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Seat usage', exact: true }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Billing & Orders' }).count(), 0);

    await page.goto(`${teamPath}/billing`);
    await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
    await page.getByText(/Billing & Orders is for Contract Managers/).waitFor();
    await page.goto(`${teamPath}/billing/anything/renewal-review`);
    await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();

    const statuses = await page.evaluate(async () => {
      const list = await fetch('/api/v1/contracts', { credentials: 'same-origin' });
      return [list.status];
    });
    assert.ok([403, 404].includes(statuses[0]), `GET /api/v1/contracts answered ${statuses[0]}`);
    page.assertClean();
    await context.close();
  });
}

test('the Contract Manager sees her contracts, a contract in detail, buys cloud credits, sees its renewal review and requests a company change', async () => {
  const { context, page } = await newPage(browser);
  await teamPathAfterSignIn(page, 'ann@contoso.example');
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Billing & Orders' }).click();
  await page.waitForURL(/\/billing$/);
  const contracts = page.getByRole('table', { name: 'Contracts' });
  const row = contracts.getByRole('row').filter({ hasText: '110001234567' });
  await row.waitFor();
  assert.match(await row.textContent(), /SUB-234567/);
  assert.match(await row.textContent(), /1 year/);
  assert.match(await row.textContent(), /\d+ days left/);
  assert.equal(await contracts.getByRole('row').count(), 1 + 3, 'ann manages three contracts');
  await screenshot(page, 'billing');

  await row.getByRole('link', { name: /110001234567/ }).click();
  await page.waitForURL(/\/billing\/ctr_[^/]+$/);
  await page.getByRole('heading', { name: 'Contract 110001234567' }).waitFor();
  const products = page.getByRole('table', { name: 'Products on this contract' });
  await products.getByRole('row').filter({ hasText: 'Draftline' }).first().waitFor();
  await products.getByRole('row').filter({ hasText: 'Cloud Rendering' }).waitFor();
  await page.getByText('Ann Archer (ann@contoso.example)').waitFor();
  await screenshot(page, 'billing-contract');

  await page.getByRole('tab', { name: 'Cloud credits' }).click();
  await page.waitForURL(/\/credits$/);
  const buying = page.getByRole('form', { name: 'Buy cloud credits' });
  await buying.getByRole('textbox', { name: 'Buy cloud credits' }).fill('250');
  await buying.getByRole('textbox', { name: 'Reference' }).fill('PO-2026-117');
  await buying.getByRole('button', { name: 'Buy credits' }).click();
  await page.getByText(/Added 250 cloud credits; the contract now has [\d,]+\./).waitFor();
  const ledger = page.getByRole('table', { name: 'Cloud-credit ledger' });
  const purchase = ledger.getByRole('row').filter({ hasText: 'PO-2026-117' });
  await purchase.waitFor();
  assert.match(await purchase.textContent(), /Purchase\+250/);
  await screenshot(page, 'billing-credits');

  await page.getByRole('tab', { name: 'Renewal review' }).click();
  await page.waitForURL(/\/renewal-review$/);
  const seats = page.getByRole('table', { name: 'Seats at renewal' });
  await seats.getByRole('row').filter({ hasText: 'Draftline' }).first().waitFor();
  await page.getByText('People added in the last 90 days').waitFor();
  await screenshot(page, 'renewal-review');
  await page.goBack();
  await page.waitForURL(/\/credits$/);
  await page.goForward();
  await page.waitForURL(/\/renewal-review$/);

  await page.getByRole('tab', { name: 'Company information' }).click();
  await page.waitForURL(/\/company$/);
  const form = page.getByRole('form', { name: 'Request a change of company information' });
  const send = form.getByRole('button', { name: 'Send change request' });
  assert.equal(await send.isDisabled(), true, 'nothing changed yet');
  await form.getByRole('textbox', { name: 'Company name' }).fill('Contoso Engineering Group Ltd');
  await form.getByRole('textbox', { name: /Note for your reseller/ }).fill('Renamed on 1 October');
  await send.click();
  await page.getByText(/Your request was recorded/).waitFor();
  await page
    .getByText(/Company name: Contoso Engineering Ltd → Contoso Engineering Group Ltd/)
    .waitFor();
  await page.getByText('Note: Renamed on 1 October').waitFor();
  await screenshot(page, 'billing-company');
  page.assertClean();
  await context.close();
});
