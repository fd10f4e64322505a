// A full pool: when no seat is free the portal says why, next to the product, naming who
// holds the seats (here the Primary Admin's default seat).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, screenshot, signIn } from '../support.mjs';
import { apiCall, openNav, subscriptionNamed, teamIdOf } from './19-assign-helpers.mjs';

const collection = 'Architecture, Engineering & Construction Collection';
let browser;
let admin;
let teamId;
const invited = {};

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  if (admin && teamId) {
    const sub = await subscriptionNamed(admin.page, teamId, collection).catch(() => null);
    for (const id of Object.values(invited)) {
      if (sub) {
        await apiCall(
          admin.page,
          'DELETE',
          `/api/v1/teams/${teamId}/subscriptions/${sub.subscription_id}/assignments/${id}`,
        ).catch(() => {});
      }
      await apiCall(admin.page, 'DELETE', `/api/v1/teams/${teamId}/users/${id}`).catch(() => {});
    }
    await admin.context.close();
  }
  await browser?.close();
});

test('assigning when no seat is free shows the reason naming who holds the seats', async () => {
  admin = await newPage(browser);
  const { page } = admin;
  await signIn(page, 'ann@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  teamId = teamIdOf(page);
  for (const name of ['pool1', 'pool2']) {
    const member = await apiCall(page, 'POST', `/api/v1/teams/${teamId}/users`, {
      first_name: 'Pool',
      last_name: name,
      email: `${name}@contoso.example`,
    });
    invited[name] = member.id;
  }
  const sub = await subscriptionNamed(page, teamId, collection);
  assert.equal(sub.available, 1, 'the demo collection has one free seat');

  // By user → pool1 takes the last free seat; the counter says so at once.
  await openNav(page, 'By user');
  await page.getByLabel('Search people').fill('pool1');
  await page.waitForURL(/q=pool1/);
  await page.getByRole('link', { name: 'Pool pool1' }).click();
  await page.waitForURL(new RegExp(`/by-user/${invited.pool1}$`));
  const available = page.getByRole('table', { name: 'Products available to assign' });
  await available.getByRole('button', { name: `Assign ${collection}` }).click();
  const held = page.getByRole('table', { name: 'Assigned products' });
  await held.getByText(`${sub.seats} of ${sub.seats} assigned`).waitFor();

  // pool2 cannot have it: the reason stands next to the product.
  await page.goBack();
  await page.waitForURL(/\/by-user\?q=pool1$/);
  await page.getByLabel('Search people').fill('pool2');
  await page.getByRole('link', { name: 'Pool pool2' }).click();
  const row = page
    .getByRole('table', { name: 'Products available to assign' })
    .getByRole('row')
    .filter({ hasText: collection });
  await row.getByText(`${sub.seats} of ${sub.seats} assigned`).waitFor();
  await row.getByRole('button', { name: `Assign ${collection}` }).click();
  const reason = row.getByRole('alert');
  await reason.waitFor();
  assert.match(await reason.innerText(), /Primary Admin.*ann@contoso\.example/s);
  await screenshot(page, 'by-user-pool-full');

  // By product says the same when picking people.
  await openNav(page, 'By product');
  await page
    .getByRole('table', { name: 'Products and services' })
    .getByRole('link', { name: collection })
    .click();
  await page.getByRole('textbox', { name: 'People to give a seat' }).fill('pool2');
  await page.getByRole('option', { name: /pool2@contoso\.example/ }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Assign 1 person' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'No seat was assigned' });
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /ann@contoso\.example/);
  await screenshot(page, 'by-product-pool-full');
  page.assertClean();
});

test('By user and By product read at 390 px wide', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 800 } });
  await signIn(page, 'bob@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  const team = teamIdOf(page);
  await page.goto(`/teams/${team}/by-product`);
  await page.getByRole('table', { name: 'Products and services' }).waitFor();
  await screenshot(page, 'by-product-narrow');
  await page.goto(`/teams/${team}/by-user`);
  await page.getByRole('link', { name: 'Eve Evans' }).click();
  await page.getByRole('heading', { name: /Eve Evans/ }).waitFor();
  await screenshot(page, 'by-user-narrow');
  page.assertClean();
  await context.close();
});
