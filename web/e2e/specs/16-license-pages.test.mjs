// Which page manages which license, as the seed articles put it:
// - "If the product is available to be assigned on the 'by user' page, then it is a 'sign in'
//   license … 'classic user management' … 'serial number'": By product lists sign-in seats only
//   and points to classic user management for the serial ones.
// - "the contract manager is assigned as the end user by default": a new serial-number
//   subscription's access is ticked for the Contract Manager in classic user management.
// - Software Coordinators "manage users and installs": they add a person and tick their access.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, screenshot, signIn } from '../support.mjs';
import { apiCall, openNav, teamIdOf } from './19-assign-helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('By product offers sign-in seats only and sends serial numbers to classic user management', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'ann@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  await openNav(page, 'By product');
  const table = page.getByRole('table', { name: 'Products and services' });
  await table.waitFor();
  assert.equal(await table.getByText('Formwork 3D').count(), 0, 'a serial product is not offered');
  assert.ok((await table.getByText('Draftline').count()) > 0, 'a sign-in product is offered');
  const link = page.getByRole('link', { name: 'Classic user management' }).last();
  await page.getByText(/serial-number license(s are| is) managed in/).waitFor();
  await screenshot(page, 'by-product-sign-in-only');
  await link.click();
  await page.waitForURL(/\/classic-users/);
  await page.getByRole('table', { name: 'People and their access' }).waitFor();
  page.assertClean();
  await context.close();
});

test('a new serial-number subscription is ticked for its Contract Manager', async () => {
  // The operator orders Formwork 3D by serial number for Contoso Plant, whose Contract Manager
  // (Lea) is not its Primary Admin (Kim).
  const operator = await newPage(browser);
  await signIn(operator.page, 'operator@seatwise.example');
  const kim = await newPage(browser);
  await signIn(kim.page, 'kim@contoso.example');
  await kim.page.waitForURL(/\/teams\/[^/]+\/products$/);
  const plant = teamIdOf(kim.page);
  const me = await apiCall(kim.page, 'GET', '/api/v1/me');
  const membership = me.memberships.find((m) => m.team_id === plant);
  const order = await apiCall(
    operator.page,
    'POST',
    `/api/v1/accounts/${membership.account_id}/orders`,
    {
      team_id: plant,
      contract_manager_email: 'lea@contoso.example',
      term_months: 12,
      subscriptions: [
        {
          product_code: 'FRM',
          seats: 2,
          access: 'single_user',
          activation: 'serial_number',
          model: 'term',
        },
      ],
    },
  );
  await operator.context.close();

  await openNav(kim.page, 'Classic user management');
  await kim.page.getByRole('textbox', { name: 'Contract' }).click();
  await kim.page.getByRole('option', { name: new RegExp(order.number) }).click();
  const table = kim.page.getByRole('table', { name: 'People and their access' });
  await table.waitFor();
  const lea = table.getByRole('checkbox', { name: 'Lea Laurent has Formwork 3D' });
  await lea.waitFor();
  assert.equal(await lea.isChecked(), true, 'the Contract Manager holds it by default');
  assert.equal(
    await table.getByRole('checkbox', { name: 'Kim Kowalski has Formwork 3D' }).isChecked(),
    false,
  );
  await screenshot(kim.page, 'classic-users-contract-manager-default');

  // Untick the Contract Manager: the seat is free for someone else.
  await table.getByRole('button', { name: 'Edit access of Lea Laurent' }).click();
  const dialog = kim.page.getByRole('dialog', { name: 'Edit access: Lea Laurent' });
  await dialog.getByRole('checkbox', { name: 'Assign Formwork 3D' }).uncheck();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await lea.isChecked(), false);
  kim.page.assertClean();
  await kim.context.close();
});

test('the Software Coordinator adds a person and gives them access to the serial product', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'dev@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  const team = teamIdOf(page);
  await openNav(page, 'Classic user management');
  const table = page.getByRole('table', { name: 'People and their access' });
  await table.waitFor();

  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const add = page.getByRole('dialog', { name: 'Add a person to the team' });
  await add.getByRole('textbox', { name: 'First name' }).fill('Sol');
  await add.getByRole('textbox', { name: 'Last name' }).fill('Serrano');
  await add.getByRole('textbox', { name: 'E-mail' }).fill('sol@contoso.example');
  await add.getByRole('button', { name: 'Send invitation' }).click();
  await add.waitFor({ state: 'hidden' });
  await page.getByText('sol@contoso.example is invited').waitFor();

  await page.getByRole('textbox', { name: 'Search people' }).fill('Sol');
  await table.getByRole('button', { name: 'Edit access of Sol Serrano' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit access: Sol Serrano' });
  await dialog.getByRole('checkbox', { name: 'Assign Formwork 3D' }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const tick = table.getByRole('checkbox', { name: 'Sol Serrano has Formwork 3D' });
  assert.equal(await tick.isChecked(), true);
  await screenshot(page, 'classic-users-coordinator-adds');
  page.assertClean();
  await context.close();

  // Put the demo back: the Primary Admin removes the person again.
  const ann = await newPage(browser);
  await signIn(ann.page, 'ann@contoso.example');
  const members = await apiCall(
    ann.page,
    'GET',
    `/api/v1/teams/${team}/users?search=${encodeURIComponent('sol@contoso.example')}`,
  );
  const sol = members.items.find((m) => m.email === 'sol@contoso.example');
  assert.ok(sol, 'the person added by the coordinator is a member');
  await apiCall(ann.page, 'DELETE', `/api/v1/teams/${team}/users/${sol.id}`);
  await ann.context.close();
});
