// The reseller console (customers, contracts, a migration dry run that changes nothing) and
// the operator console (the catalog).
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

test('rafael opens a customer and dry-runs the switch of the serial contract to sign-in', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'rafael@northwind-cad.example');
  await page.waitForURL(/\/reseller$/);
  const customers = page.getByRole('table', { name: 'Customers' });
  await customers.getByRole('link', { name: 'Contoso Engineering Ltd' }).click();
  await page.waitForURL(/\/reseller\/customers\/acc_[^/]+$/);
  await page.getByRole('heading', { name: 'Contoso Engineering Ltd' }).waitFor();
  await screenshot(page, 'reseller-customer');

  // The order form checks itself before anything is sent.
  await page.getByRole('link', { name: 'New order' }).click();
  await page.waitForURL(/\/orders\/new$/);
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByText('Choose what this line sells.').waitFor();
  await screenshot(page, 'reseller-order-form');
  await page.goBack();

  // The serial-number contract (Dev is its Software Coordinator).
  await page
    .getByRole('table', { name: 'Contracts' })
    .getByRole('link', { name: '110001234568' })
    .click();
  await page.waitForURL(/\/contracts\/ctr_[^/?]+$/);
  const products = page.getByRole('table', { name: 'Products' });
  await products.getByText('Serial number').first().waitFor();
  await screenshot(page, 'reseller-contract');

  await page.getByText(/^Switch to sign-in/).click();
  await page.waitForURL(/panel=migrate/);
  await page.getByRole('button', { name: 'Dry run: show what would change' }).click();
  await page.getByText('Dry run — nothing has changed yet').waitFor();
  const preview = page.getByRole('table', { name: 'Would switch to sign-in' });
  await preview.getByRole('cell', { name: 'Formwork 3D' }).waitFor();
  await screenshot(page, 'reseller-migration-dry-run');

  // Nothing was applied: the contract still activates by serial number.
  const contractId = /\/contracts\/(ctr_[^/?]+)/.exec(page.url())[1];
  const contract = await page.evaluate(
    async (id) => (await fetch(`/api/v1/contracts/${id}`)).json(),
    contractId,
  );
  const formwork = contract.products.find((p) => p.name === 'Formwork 3D');
  assert.equal(formwork.activation, 'serial_number');
  assert.equal(formwork.migrated_at, null);

  // The panel is in the address: reload shows it again.
  await page.reload();
  await page.getByRole('button', { name: 'Dry run: show what would change' }).waitFor();
  page.assertClean();
  await context.close();
});

test('the operator sees the catalog, its tabs in the address, customers and resellers', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'operator@seatwise.example');
  await page.goto('/operator');
  await page.waitForURL(/\/operator\/catalog$/);
  const products = page.getByRole('table', { name: 'Products' });
  await products.getByRole('cell', { name: 'DRL', exact: true }).waitFor();
  assert.ok((await products.locator('tbody tr').count()) >= 3);
  await screenshot(page, 'operator-catalog');

  await page.getByRole('tab', { name: 'Product groups' }).click();
  await page.waitForURL(/tab=groups/);
  await page
    .getByRole('cell', { name: 'Draftline including specialized toolsets', exact: true })
    .waitFor();
  await page.getByRole('tab', { name: 'Services' }).click();
  await page.getByRole('cell', { name: 'Phone Support', exact: true }).waitFor();
  await page.goBack();
  await page.waitForURL(/tab=groups/);

  await page.getByRole('tab', { name: 'Customers' }).click();
  await page.waitForURL(/\/operator\/customers$/);
  await page.getByRole('table', { name: 'Customers' }).getByRole('link').first().waitFor();
  await screenshot(page, 'operator-customers');
  await page.getByRole('tab', { name: 'Resellers' }).click();
  await page.waitForURL(/\/operator\/resellers$/);
  // The demo's two resellers, by name.
  const resellers = page.getByRole('table', { name: 'Resellers' });
  await resellers.getByRole('link', { name: 'Northwind CAD Solutions' }).waitFor();
  page.assertClean();
  await context.close();
});
