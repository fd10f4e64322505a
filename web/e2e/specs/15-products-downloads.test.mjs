// Downloads on Products & services: a user sees the installer and updates of what they hold
// and nothing of what they do not; an update the operator publishes in the catalog shows
// first after a reload; a serial-number seat shows its serial number and product key.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, screenshot, signIn } from '../support.mjs';
import { apiCall, subscriptionNamed, teamIdOf } from './19-assign-helpers.mjs';

const update = {
  version: '2027.2',
  title: 'Draftline 2027.2 Update',
  url: 'https://downloads.seatwise.example/DRL/2027.2/DRL_2027_2_Update.exe',
  sha256: '4f'.repeat(32),
  size: '215000000',
};

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('eve downloads what she holds; an update the operator publishes shows first', async () => {
  const eve = await newPage(browser);
  await signIn(eve.page, 'eve@contoso.example');
  await eve.page.waitForURL(/\/teams\/[^/]+\/products$/);
  const drl = eve.page.getByRole('region', { name: 'Downloads of Draftline' });
  await drl.getByRole('link', { name: /^Download Draftline 2027$/ }).waitFor();
  const href = await drl
    .getByRole('link', { name: /^Download Draftline 2027$/ })
    .getAttribute('href');
  assert.match(href, /^https:\/\/downloads\.seatwise\.example\/DRL\/2027\//);
  assert.equal(
    await drl.getByRole('link', { name: /^Download Draftline 2027$/ }).getAttribute('rel'),
    'noopener',
  );
  await drl
    .getByText(/· \d(\.\d)? GB/)
    .first()
    .waitFor();
  await drl.getByRole('button', { name: /^Copy the SHA-256/ }).waitFor();
  const updates = drl.getByRole('table', { name: 'Updates of Draftline' });
  await updates.getByRole('cell', { name: '2027.1', exact: true }).waitFor();
  // Formwork 3D is not hers: no download of it anywhere.
  assert.equal(await eve.page.getByRole('region', { name: 'Downloads of Formwork 3D' }).count(), 0);
  assert.equal(await eve.page.getByRole('link', { name: /Download Formwork 3D/ }).count(), 0);
  await screenshot(eve.page, 'products-downloads');

  // The operator publishes an update of Draftline in the catalog console.
  const op = await newPage(browser);
  await signIn(op.page, 'operator@seatwise.example');
  await op.page.goto('/operator/catalog');
  await op.page.getByRole('button', { name: 'Releases of Draftline', exact: true }).click();
  await op.page.waitForURL(/releases=DRL/);
  const dialog = op.page.getByRole('dialog', { name: 'Releases of Draftline' });
  const releases = dialog.getByRole('table', { name: 'Releases of Draftline' });
  await releases.getByRole('cell', { name: '2027.1', exact: true }).waitFor();
  const form = dialog.getByRole('form', { name: 'Add a release of Draftline' });
  // The version the catalog already has is refused, on the version's input.
  await form.getByLabel('Version').fill('2027.1');
  await form.getByLabel('Title').fill(update.title);
  await form.getByLabel('Download URL').fill(update.url);
  await form.getByLabel('SHA-256').fill(update.sha256);
  await form.getByLabel('Size in bytes').fill(update.size);
  await form.getByRole('button', { name: 'Add release' }).click();
  await form
    .getByRole('textbox', { name: 'Version' })
    .and(op.page.locator('[aria-invalid="true"]'))
    .waitFor();
  await form.getByLabel('Version').fill(update.version);
  await form.getByRole('button', { name: 'Add release' }).click();
  await op.page.getByText(/Draftline 2027\.2 added/).waitFor();
  await releases.getByRole('cell', { name: update.version, exact: true }).waitFor();
  const firstRow = releases.locator('tbody tr').first();
  assert.match(await firstRow.innerText(), /2027\.2/);
  // Reload keeps the dialog open (it is in the address).
  await op.page.reload();
  await releases.getByRole('cell', { name: update.version, exact: true }).waitFor();
  op.page.assertClean();
  await op.context.close();

  await eve.page.reload();
  const first = updates.locator('tbody tr').first();
  await first.getByRole('cell', { name: update.version, exact: true }).waitFor();
  assert.match(await first.innerText(), /Draftline 2027\.2 Update/);
  assert.equal(
    await first
      .getByRole('link', { name: 'Download Draftline update 2027.2' })
      .getAttribute('href'),
    update.url,
  );
  eve.page.assertClean();
  await eve.context.close();
});

test('a serial-number seat shows the serial number and the product key, both copyable', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'dev@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products/);
  const team = teamIdOf(page);
  const me = await apiCall(page, 'GET', '/api/v1/me');
  const frm = await subscriptionNamed(page, team, 'Formwork 3D');
  // Dev, the contract's Software Coordinator, gives himself access in classic user management
  // (put back below).
  const access = `/api/v1/contracts/${frm.contract.id}/users/${me.user.id}/access`;
  await apiCall(page, 'PUT', access, { subscription_ids: [frm.subscription_id] });
  try {
    await page.reload();
    const card = page.getByRole('article', { name: 'Formwork 3D' });
    await card.getByText('Serial number', { exact: true }).first().waitFor();
    await card.getByRole('button', { name: /^Copy the serial number / }).waitFor();
    const key = card.getByRole('button', { name: /^Copy the product key / });
    await key.waitFor();
    assert.match(await key.getAttribute('aria-label'), /507R1/);
    await card.getByRole('region', { name: 'Downloads of Formwork 3D' }).waitFor();
    page.assertClean();
  } finally {
    await apiCall(page, 'PUT', access, { subscription_ids: [] });
  }
  await context.close();
});
