// A living demo (issue 15, point 13): on the demo as `seatwise serve --demo` seeds it, every
// report and list has something to show — a chart with drawn marks or a table with rows —
// without anyone having used the instance first: seat usage (by product, drilled down, by
// user, in every range), cloud credits, the network pool's peaks and refusals, devices online,
// offline and out of date, the audit trail, Finn's open invitation and Plant's webhook
// deliveries.
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

// Signs `email` in and returns the path of the team the portal opens ("/teams/<id>").
async function teamOf(page, email) {
  await signIn(page, email);
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  return /\/teams\/[^/]+/.exec(new URL(page.url()).pathname)[0];
}

// The figure named `name` has drawn marks (svg paths of bars, lines or areas).
async function assertChartDrawn(page, name) {
  const figure = page.getByRole('figure', { name });
  await figure.waitFor();
  await figure.locator('svg path').first().waitFor({ state: 'attached' });
  const marks = await figure.locator('svg path').count();
  assert.ok(marks > 0, `the chart "${name}" draws something`);
}

// The table named `name` has at least `least` body rows; returns how many.
async function assertRows(page, name, least = 1) {
  const rows = page.getByRole('table', { name }).locator('tbody tr');
  await rows.first().waitFor();
  const count = await rows.count();
  assert.ok(count >= least, `${count} rows in "${name}", expected at least ${least}`);
  return count;
}

test('seat usage has data in every range, drills down and lists people', async () => {
  const { context, page } = await newPage(browser);
  const team = await teamOf(page, 'ann@contoso.example');
  for (const range of ['this_month', '3m', '6m', '9m', '12m']) {
    await page.goto(`${team}/reports/seat-usage?range=${range}`);
    await assertRows(page, 'Seat usage by product');
    await assertChartDrawn(page, /Users per product/);
    assert.equal(await page.getByText('No usage in this range').count(), 0, range);
  }
  await screenshot(page, 'living-seat-usage-12m');

  // Drill-down: the collection's products.
  const collection = 'Architecture, Engineering & Construction Collection';
  const table = page.getByRole('table', { name: 'Seat usage by product' });
  await table.getByRole('button', { name: collection }).click();
  await page.waitForURL(/group=col_/);
  await page.getByRole('navigation', { name: 'Drill-down' }).getByText(collection).waitFor();
  await assertRows(page, 'Seat usage by product', 2);
  await assertChartDrawn(page, /Users per product/);
  await screenshot(page, 'living-seat-usage-drilldown');

  // By user: the people who used their seats over the year.
  await page.goto(`${team}/reports/seat-usage?range=12m&by=user`);
  const people = await assertRows(page, 'Seat usage by user', 5);
  assert.ok(people >= 5);
  await screenshot(page, 'living-seat-usage-by-user');
  page.assertClean();
  await context.close();
});

test('cloud credits, the network pool and the devices have data', async () => {
  const { context, page } = await newPage(browser);
  const team = await teamOf(page, 'ann@contoso.example');

  await page.goto(`${team}/reports/cloud-credits?range=12m`);
  await assertChartDrawn(page, /My credits per day/);
  await assertRows(page, 'My credits by day', 10);
  await assertRows(page, 'Credits per contract');
  await assertRows(page, 'Credits per person');
  await screenshot(page, 'living-cloud-credits');

  await page.goto(`${team}/reports/network-licenses?range=3m`);
  const pools = page.getByRole('table', { name: 'Network license pools' });
  const structa = pools.getByRole('row').filter({ hasText: 'Structa' });
  await structa.waitFor();
  // Seats, peak, checkouts, denials, borrowed: the peak reached the seats, seats were refused
  // and one is borrowed.
  const cells = (await structa.getByRole('cell').allTextContents()).map((t) => t.trim());
  const [, seats, peak, checkouts, denials, borrowed] = cells;
  assert.equal(peak, seats, cells.join(' | '));
  assert.ok(Number(checkouts) > 10, cells.join(' | '));
  assert.ok(Number(denials) > 0, cells.join(' | '));
  assert.ok(Number(borrowed) >= 1, cells.join(' | '));
  await assertChartDrawn(page, /Structa: peak concurrent seats/);
  await assertRows(page, 'Structa by day', 10);
  await screenshot(page, 'living-network-licenses');

  for (const [status, label] of [
    ['online', 'Online'],
    ['offline', 'Offline'],
    ['out_of_date', 'Out of date'],
  ]) {
    await page.goto(`${team}/devices?status=${status}`);
    const rows = page.getByRole('table', { name: 'Devices' }).locator('tbody tr');
    await rows.first().getByText(label, { exact: true }).waitFor();
    assert.ok((await rows.count()) >= 1, status);
  }
  await page.goto(`${team}/devices`);
  await assertRows(page, 'Devices', 9);
  await screenshot(page, 'living-devices');
  page.assertClean();
  await context.close();
});

test('the audit trail, the open invitation and the webhook deliveries have data', async () => {
  const { context, page } = await newPage(browser);
  const team = await teamOf(page, 'ann@contoso.example');
  // Each seeded kind of entry, one filter away (other browser tests add newer entries).
  for (const action of ['contract.renewal_notice', 'order.create', 'device.register']) {
    await page.goto(`${team}/audit?action=${action}`);
    await page.getByTestId('audit-row').first().waitFor();
    const actions = await page
      .getByRole('table', { name: 'Audit entries' })
      .locator('tbody tr td:nth-child(3)')
      .allTextContents();
    assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
  }
  await page.goto(`${team}/audit`);
  await assertRows(page, 'Audit entries', 20);
  await screenshot(page, 'living-audit');

  await page.goto(`${team}/users`);
  const finn = page.getByRole('row').filter({ hasText: 'finn@contoso.example' });
  await finn.getByText('Invited (pending)').waitFor();
  page.assertClean();
  await context.close();

  // Plant's endpoint (Kim's team): delivered and failed attempts, recorded.
  const kim = await newPage(browser);
  const plant = await teamOf(kim.page, 'kim@contoso.example');
  await kim.page.goto(`${plant}/webhooks`);
  await kim.page
    .getByRole('table', { name: 'Endpoints' })
    .getByText('hooks.contoso.example')
    .waitFor();
  await kim.page.getByRole('button', { name: 'Deliveries' }).first().click();
  const deliveries = kim.page.getByRole('table', { name: 'Deliveries' });
  await deliveries.locator('tbody tr').first().waitFor();
  const text = await deliveries.textContent();
  assert.match(text, /delivered/i);
  assert.match(text, /failed/i);
  await screenshot(kim.page, 'living-webhook-deliveries');
  kim.page.assertClean();
  await kim.context.close();
});
