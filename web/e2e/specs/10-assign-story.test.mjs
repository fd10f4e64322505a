// The order-to-first-use story: the Contract Manager (also Primary Admin, holding the default
// seat) frees a seat, invites people from a CSV file, assigns the product to one of them, who
// accepts the e-mailed invitation and sees the product with "Sign in" as its activation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, linkIn, newPage, screenshot, signIn, waitForMail } from '../support.mjs';
import { apiCall, openNav, subscriptionNamed, teamIdOf } from './19-assign-helpers.mjs';

const product = 'Draftline';
const newcomer = 'story1@contoso.example';
const csv = `first_name,last_name,email
Sam,Story,${newcomer}
Tia,Story,story2@contoso.example
Ann,Again,ann@contoso.example
Bad,Row,not-an-address
`;

let browser;
let admin;
let teamId;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  // Put Ann's default seat back, as the demo data had it.
  if (admin && teamId) {
    const sub = await subscriptionNamed(admin.page, teamId, product);
    await apiCall(
      admin.page,
      'POST',
      `/api/v1/teams/${teamId}/subscriptions/${sub.subscription_id}/assignments`,
      {
        user_ids: [(await apiCall(admin.page, 'GET', '/api/v1/me')).user.id],
      },
    ).catch(() => {});
    await admin.context.close();
  }
  await browser?.close();
});

test('the Contract Manager frees a seat, imports people, assigns one; they sign up and see it', async () => {
  admin = await newPage(browser);
  const { page } = admin;
  await signIn(page, 'ann@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  teamId = teamIdOf(page);

  // By product → the product → Ann's own default seat is unassigned.
  await openNav(page, 'By product');
  await page.getByRole('heading', { name: 'By product' }).waitFor();
  await page
    .getByRole('table', { name: 'Products and services' })
    .getByRole('link', { name: product, exact: true })
    .click();
  await page.waitForURL(new RegExp(`/teams/${teamId}/by-product/sub_`));
  const before = await subscriptionNamed(page, teamId, product);
  const holders = page.getByRole('table', { name: 'Seat holders' });
  await holders.getByRole('button', { name: 'Unassign Ann Archer' }).click();
  const dialog = page.getByRole('dialog', { name: 'Unassign Ann Archer?' });
  await dialog.getByRole('button', { name: 'Unassign' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page
    .getByText(`${before.assigned - 1} of ${before.seats} assigned`)
    .first()
    .waitFor();
  assert.equal(await holders.getByText('ann@contoso.example').count(), 0);
  await screenshot(page, 'by-product');

  // Users → import a CSV file → a result for every row.
  await openNav(page, 'Users');
  await page.getByRole('button', { name: 'Import from CSV' }).click();
  await page.locator('input[type="file"]').setInputFiles({
    name: 'new-people.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await page.getByRole('button', { name: 'Upload and invite' }).click();
  const results = page.getByRole('table', { name: 'Import results' });
  await results.waitFor();
  const row = (email) => results.getByRole('row').filter({ hasText: email });
  await row(newcomer).getByText('Invited', { exact: true }).waitFor();
  await row('story2@contoso.example').getByText('Invited', { exact: true }).waitFor();
  await row('ann@contoso.example').getByText('Already in the team').waitFor();
  await row('not-an-address').getByText('Invalid e-mail').waitFor();
  await page
    .getByText(/Import finished: 2 invited/)
    .first()
    .waitFor();
  await screenshot(page, 'users-import-results');

  // By product → assign the product to the newcomer.
  await openNav(page, 'By product');
  await page
    .getByRole('table', { name: 'Products and services' })
    .getByRole('link', { name: product, exact: true })
    .click();
  await page.getByRole('textbox', { name: 'People to give a seat' }).fill('story1');
  await page.getByRole('option', { name: new RegExp(newcomer) }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Assign 1 person' }).click();
  await holders.getByText(newcomer).waitFor();
  await page.getByText(`${before.assigned} of ${before.seats} assigned`).first().waitFor();
  page.assertClean();

  // The invitation e-mail → accept in a fresh browser → the newcomer's products.
  const mail = await waitForMail(newcomer, /invited/i);
  const link = linkIn(mail.text, '/invitations/');
  const guest = await newPage(browser);
  await guest.page.goto(link);
  await guest.page
    .getByRole('textbox', { name: 'New password', exact: true })
    .fill('story-Password-2026');
  await guest.page
    .getByRole('textbox', { name: 'Repeat the new password' })
    .fill('story-Password-2026');
  await guest.page.getByRole('button', { name: 'Accept invitation' }).click();
  await guest.page.waitForURL(/\/teams\/[^/]+\/products$/);
  const card = guest.page.getByRole('article', { name: product });
  await card.waitFor();
  await card.getByRole('cell', { name: 'Sign in', exact: true }).waitFor();
  await card.getByText(`sign in with ${newcomer}`).waitFor();
  await screenshot(guest.page, 'products-user');
  guest.page.assertClean();
  await guest.context.close();
});
