// Teams: create, rename, merge, split. The seed: "If you want your “teams” merged into a single
// team, or to split a single team into multiple teams, this can be done by creating a ticket
// with Autodesk asking them to do it" — here the operator does it in the console: a new team,
// a rename, a split previewed by its dry run, then a merge back, leaving the demo as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, screenshot, signIn, waitForMail } from '../support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('the operator creates and renames a team, splits a contract off and merges it back', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'operator@seatwise.example');
  await page.goto('/operator/customers');
  await page
    .getByRole('table', { name: 'Customers' })
    .getByRole('link', { name: 'Contoso Engineering Ltd' })
    .click();
  await page.waitForURL(/\/operator\/customers\/acc_[^/]+$/);
  const teams = page.getByRole('table', { name: 'Teams' });
  await teams.getByRole('cell', { name: 'Contoso Design', exact: true }).waitFor();

  // A new team led by Ann (already Design's Primary Admin), then renamed.
  const form = page.getByRole('form', { name: 'New team' });
  await form.getByLabel('New team name').fill('Contoso Lab');
  await form.getByRole('textbox', { name: 'Its Primary Admin' }).click();
  await page.getByRole('option', { name: /^Ann / }).click();
  await form.getByRole('button', { name: 'Create team' }).click();
  await teams.getByRole('cell', { name: 'Contoso Lab', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Rename Contoso Lab' }).click();
  await page.getByLabel('New name for Contoso Lab').fill('Contoso Research');
  await teams.getByRole('button', { name: 'Save' }).click();
  await teams.getByRole('cell', { name: 'Contoso Research', exact: true }).waitFor();

  // Split: the network contract moves from Design to Research; the dry run shows it first.
  await page.getByRole('button', { name: 'Merge or split Contoso Design' }).click();
  let dialog = page.getByRole('dialog', { name: 'Merge or split Contoso Design' });
  await dialog.getByText('Move a part').click();
  await dialog.getByRole('textbox', { name: 'Move into' }).click();
  await dialog.getByRole('option', { name: 'Contoso Research' }).click();
  await dialog.getByLabel(/^110001234569:/).check();
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.getByText('Contracts would move: 1').waitFor();
  await dialog.getByText('People would move: 0').waitFor();
  await screenshot(page, 'teams-split-dry-run');
  const contracts = page.getByRole('table', { name: 'Contracts' });
  const row = contracts.getByRole('row', { name: /110001234569/ });
  await row.getByRole('cell', { name: 'Contoso Design', exact: true }).waitFor();
  await dialog.getByRole('button', { name: 'Move now' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await row.getByRole('cell', { name: 'Contoso Research', exact: true }).waitFor();

  // Merge Research back into Design: previewed, applied, and Research is gone.
  await page.getByRole('button', { name: 'Merge or split Contoso Research' }).click();
  dialog = page.getByRole('dialog', { name: 'Merge or split Contoso Research' });
  await dialog.getByRole('textbox', { name: 'Merge into' }).click();
  await dialog.getByRole('option', { name: 'Contoso Design' }).click();
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog
    .getByText('Contoso Research would be merged into Contoso Design and then deleted.')
    .waitFor();
  await dialog.getByRole('button', { name: 'Merge now' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await row.getByRole('cell', { name: 'Contoso Design', exact: true }).waitFor();
  await teams
    .getByRole('cell', { name: 'Contoso Research', exact: true })
    .waitFor({ state: 'detached' });
  assert.equal(await teams.locator('tbody tr').count(), 2);

  // Design's admins hear about it.
  await waitForMail('ann@contoso.example', /was merged into Contoso Design/);
  page.assertClean();
  await context.close();
});
