// Users: invite one person, resend, change a role back and forth, remove with a confirmation
// that says what happens to their seats; filters live in the address.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, screenshot, signIn, waitForMail } from '../support.mjs';

const email = 'users14@contoso.example';
let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('invite, resend, make and revoke a Secondary Admin, remove a person', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'bob@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Users', exact: true })
    .click();

  await page.getByRole('button', { name: 'Invite a user' }).click();
  await page.waitForURL(/invite=1/);
  const dialog = page.getByRole('dialog', { name: 'Invite a user' });
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await dialog.getByText('First name is required').waitFor();
  await dialog.getByRole('textbox', { name: 'First name' }).fill('Uma');
  await dialog.getByRole('textbox', { name: 'Last name' }).fill('Users');
  await dialog.getByRole('textbox', { name: 'E-mail' }).fill(email);
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await waitForMail(email, /invited/i);

  await page.getByLabel('Search').fill('users14');
  await page.waitForURL(/q=users14/);
  const row = page
    .getByRole('table', { name: 'Team members' })
    .getByRole('row')
    .filter({ hasText: email });
  await row.getByRole('cell', { name: 'User', exact: true }).waitFor();
  await row.getByText('Invited (pending)').waitFor();
  await screenshot(page, 'users');

  const menu = () => row.getByRole('button', { name: 'Actions for Uma Users' }).click();
  await menu();
  await page.getByRole('menuitem', { name: 'Resend invitation' }).click();
  await page.getByText(`A new invitation e-mail is on its way to ${email}.`).waitFor();

  await menu();
  await page.getByRole('menuitem', { name: 'Remove from team…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove Uma Users?' });
  assert.match(await confirm.innerText(), /seat they hold is unassigned and free at once/);
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await row.waitFor({ state: 'detached' });
  await page.getByRole('textbox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Removed' }).click();
  await page.waitForURL(/status=removed/);
  await row.getByText('Removed').waitFor();
  await page.getByRole('textbox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Invited or active' }).click();
  await page.waitForURL((url) => !url.search.includes('status='));

  // An active user becomes a Secondary Admin and back (as the demo data had it).
  await page.getByLabel('Search').fill('hal@');
  await page.waitForURL(/q=hal/);
  const hal = page
    .getByRole('table', { name: 'Team members' })
    .getByRole('row')
    .filter({ hasText: 'hal@contoso.example' });
  await hal.getByRole('button', { name: 'Actions for Hal Hughes' }).click();
  await page.getByRole('menuitem', { name: 'Make Secondary Admin' }).click();
  await hal.getByRole('cell', { name: 'Secondary Admin', exact: true }).waitFor();
  await hal.getByRole('button', { name: 'Actions for Hal Hughes' }).click();
  await page.getByRole('menuitem', { name: 'Revoke Secondary Admin' }).click();
  await hal.getByRole('cell', { name: 'User', exact: true }).waitFor();

  // The filter is in the address: reload and back keep it.
  for (let step = 0; step < 6; step++) {
    await page.goBack();
    if (new URL(page.url()).searchParams.get('q') === 'users14') break;
  }
  assert.equal(new URL(page.url()).searchParams.get('q'), 'users14');
  await page
    .getByRole('table', { name: 'Team members' })
    .getByText(email)
    .waitFor({ state: 'detached' });
  assert.equal(await page.getByLabel('Search').inputValue(), 'users14');
  await page.reload();
  await page.getByText('Nobody matches these filters.').waitFor();
  assert.equal(await page.getByLabel('Search').inputValue(), 'users14');
  page.assertClean();
  await context.close();
});
