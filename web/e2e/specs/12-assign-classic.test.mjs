// Classic user management: the Software Coordinator of a serial-number contract ticks who
// may use its product, saves, and the tick is still there after a reload.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, screenshot, signIn } from '../support.mjs';
import { openNav } from './19-assign-helpers.mjs';

const product = 'Formwork 3D';
let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('the Software Coordinator edits access with checkboxes; it is kept', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'dev@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  await openNav(page, 'Classic user management');
  const table = page.getByRole('table', { name: 'People and their access' });
  await table.waitFor();
  const tick = table.getByRole('checkbox', { name: `Ivy Ito has ${product}` });
  assert.equal(await tick.isChecked(), false);

  await table.getByRole('button', { name: 'Edit access of Ivy Ito' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit access: Ivy Ito' });
  await dialog.getByRole('checkbox', { name: `Assign ${product}` }).check();
  await screenshot(page, 'classic-users-edit');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForURL((url) => !url.search.includes('edit='));
  assert.equal(await tick.isChecked(), true);

  await page.reload();
  await table.waitFor();
  assert.equal(await tick.isChecked(), true, 'still ticked after a reload');
  await screenshot(page, 'classic-users');

  // Untick again: the demo data stays as it was for other tests.
  await table.getByRole('button', { name: 'Edit access of Ivy Ito' }).click();
  await dialog.getByRole('checkbox', { name: `Assign ${product}` }).uncheck();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.reload();
  await table.waitFor();
  assert.equal(await tick.isChecked(), false);
  page.assertClean();
  await context.close();
});
