// The operator console's resellers: add one (the form shows what is wrong on the inputs),
// change it, add a new staff member who sets a password from the e-mail and signs in to the
// reseller console, then remove them again: their access ends at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, linkIn, newPage, screenshot, signIn, waitForMail } from '../support.mjs';

const reseller = 'Tailspin CAD Partners';
const staff = { email: 'tara@tailspin-cad.example', first: 'Tara', last: 'Tanaka' };
const password = 'tailspin-staff-2026';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('the operator adds a reseller and a staff member who signs in, then removes them', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'operator@seatwise.example');
  await page.goto('/operator');
  await page.getByRole('tab', { name: 'Resellers' }).click();
  await page.waitForURL(/\/operator\/resellers$/);
  const table = page.getByRole('table', { name: 'Resellers' });
  await table.getByRole('link', { name: 'Fabrikam Resellers' }).waitFor();

  // The search lives in the address.
  await page.getByLabel('Search resellers').fill('fabrikam');
  await page.waitForURL(/q=fabrikam/);
  await table.getByRole('link', { name: 'Fabrikam Resellers' }).waitFor();
  await table.locator('tbody tr').nth(1).waitFor({ state: 'detached' });
  await page.reload();
  assert.equal(await page.getByLabel('Search resellers').inputValue(), 'fabrikam');
  await page.getByLabel('Search resellers').fill('');
  await page.waitForURL((url) => !url.search.includes('q='));
  await table.locator('tbody tr').nth(1).waitFor();
  await screenshot(page, 'operator-resellers');

  // Add: a bad e-mail is shown on its input, a taken name (the API's 409) on the name's.
  await page.getByRole('button', { name: 'Add reseller' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add reseller' });
  await dialog.getByLabel('Name').fill('Fabrikam Resellers');
  await dialog.getByLabel('Contact e-mail').fill('partners.tailspin.example');
  await dialog.getByRole('button', { name: 'Add reseller' }).click();
  await dialog.getByText(/Not an e-mail address/).waitFor();
  assert.equal(await dialog.getByLabel('Contact e-mail').getAttribute('aria-invalid'), 'true');
  await dialog.getByLabel('Contact e-mail').fill('partners@tailspin-cad.example');
  const refused = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/resellers') && r.request().method() === 'POST',
  );
  await dialog.getByRole('button', { name: 'Add reseller' }).click();
  assert.equal((await refused).status(), 409);
  await dialog
    .getByRole('textbox', { name: 'Name' })
    .and(page.locator('[aria-invalid="true"]'))
    .waitFor();
  await dialog.getByLabel('Name').fill(reseller);
  await dialog.getByRole('button', { name: 'Add reseller' }).click();
  await page.waitForURL(/\/operator\/resellers\/[^/?]+$/);
  await page.getByRole('heading', { level: 1, name: reseller }).waitFor();
  await page.getByText('No customers yet').waitFor();

  // Change the contact e-mail.
  await page.getByLabel('Contact e-mail').fill('sales@tailspin-cad.example');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText(`${reseller} saved.`).waitFor();
  await page.reload();
  assert.equal(await page.getByLabel('Contact e-mail').inputValue(), 'sales@tailspin-cad.example');

  // A person new to Seatwise becomes staff.
  const form = page.getByRole('form', { name: 'Add staff member' });
  await form.getByLabel('E-mail').fill(staff.email);
  await form.getByLabel('First name').fill(staff.first);
  await form.getByLabel('Last name').fill(staff.last);
  await form.getByRole('button', { name: 'Add staff member' }).click();
  await page.getByText(/get an e-mail with a link to set their password/).waitFor();
  const staffTable = page.getByRole('table', { name: 'Staff' });
  await staffTable.getByRole('cell', { name: staff.email }).waitFor();
  await screenshot(page, 'operator-reseller-details');
  const detailsUrl = page.url();

  // The e-mail's link sets a password; then they sign in to the reseller console.
  const mail = await waitForMail(staff.email, /./);
  const link = linkIn(mail.text, '/reset-password/');
  const tara = await newPage(browser);
  await tara.page.goto(link);
  await tara.page.getByLabel(/^New password/).fill(password);
  await tara.page.getByLabel('Repeat the new password').fill(password);
  await tara.page.getByRole('button', { name: 'Change password' }).click();
  await tara.page.getByText('Password changed').waitFor();
  await signIn(tara.page, staff.email, password);
  await tara.page.waitForURL(/\/reseller$/);
  await tara.page.getByText('No customer accounts yet.').waitFor();
  // Reseller staff do not see the operator console.
  assert.equal(await tara.page.getByRole('tab', { name: 'Resellers' }).count(), 0);

  // The operator removes them, after a confirmation that says what it means.
  await page.goto(detailsUrl);
  await staffTable.getByRole('button', { name: `Remove ${staff.first} ${staff.last}` }).click();
  const confirm = page.getByRole('dialog', { name: /^Remove Tara Tanaka/ });
  await confirm.getByText(/loses access to .* customers, contracts and orders at once/).waitFor();
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await page.getByText(`No staff yet`).waitFor();

  // Their next visit to the reseller console shows they have no access.
  await tara.page.reload();
  await tara.page.getByText('Your account does not belong to a reseller.').waitFor();
  tara.page.assertClean();
  await tara.context.close();
  page.assertClean();
  await context.close();
});
