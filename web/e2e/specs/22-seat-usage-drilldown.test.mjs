// Reporting: usage a desktop client uploads reaches the seat-usage report (after the usage
// rollup job, which the server runs every minute); an admin drills down from a collection to
// its products and back, per user, and the other reports open.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';

import { baseUrl, demoPassword, launchBrowser, newPage, screenshot, signIn } from '../support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// A session for `email` outside the browser, as the desktop client's own requests.
async function apiSession(email) {
  const response = await fetch(`${baseUrl}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: demoPassword }),
  });
  assert.equal(response.status, 200, await response.text());
  const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = cookies.find((c) => c.startsWith('sw_csrf='))?.slice('sw_csrf='.length);
  const cookie = cookies.join('; ');
  const call = async (method, path, body) => {
    const answer = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Cookie: cookie,
        'X-CSRF-Token': decodeURIComponent(csrf ?? ''),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: answer.status, body: await answer.json() };
  };
  return { call };
}

test('usage rolls up into the seat-usage report; a collection drills down to its products and back', async () => {
  // ivy@ holds a seat of the AEC collection: her desktop client registers and reports two
  // sessions, one of Draftline and one of Draftline Architecture (both in the collection).
  const ivy = await apiSession('ivy@contoso.example');
  const me = await ivy.call('GET', '/api/v1/me');
  const teamId = me.body.memberships.find((m) => m.team_name === 'Contoso Design').team_id;
  const device = await ivy.call('POST', '/api/v1/client/devices', {
    team_id: teamId,
    fingerprint: crypto.createHash('sha256').update('e2e-spec-22-device').digest('hex'),
    asset_name: 'E2E-USAGE-22',
    os: 'Windows 11',
  });
  assert.equal(device.status, 201, JSON.stringify(device.body));
  const at = (minutesAgo) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const upload = await ivy.call('POST', '/api/v1/client/usage', {
    device_id: device.body.device_id,
    events: [
      { id: 'e22-1', kind: 'start', product: 'DRL', at: at(90) },
      { id: 'e22-2', kind: 'stop', product: 'DRL', at: at(30), duration_seconds: 3600 },
      { id: 'e22-3', kind: 'start', product: 'DRA', at: at(60) },
      { id: 'e22-4', kind: 'stop', product: 'DRA', at: at(40), duration_seconds: 1200 },
    ],
  });
  assert.equal(upload.status, 200, JSON.stringify(upload.body));
  assert.equal(upload.body.accepted, 4, JSON.stringify(upload.body));

  // The report reads the rollup, which runs every minute: wait for it (ivy sees herself).
  const deadline = Date.now() + 150_000;
  for (;;) {
    const report = await ivy.call('GET', `/api/v1/teams/${teamId}/reports/seat-usage?range=3m`);
    if (report.body.items?.length > 0) break;
    assert.ok(Date.now() < deadline, 'the usage rollup did not reach the report in time');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  const { context, page } = await newPage(browser);
  await signIn(page, 'ann@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Seat usage', exact: true }).click();
  await page.waitForURL(/\/reports\/seat-usage$/);
  await page.getByText('Shown: everyone in the team.').waitFor();

  // The range picker puts the range in the URL.
  await page.getByRole('textbox', { name: 'Time range' }).click();
  await page.getByRole('option', { name: 'Last 3 months' }).click();
  await page.waitForURL(/range=3m/);
  const table = page.getByRole('table', { name: 'Seat usage by product' });
  const collection = 'Architecture, Engineering & Construction Collection';
  await table.getByRole('button', { name: collection }).waitFor();
  await page.getByRole('figure', { name: /Users per product/ }).waitFor();
  await screenshot(page, 'seat-usage');

  // Drill down: the collection's products, one row each.
  await table.getByRole('button', { name: collection }).click();
  await page.waitForURL(/range=3m.*group=col_|group=col_.*range=3m/);
  const crumbs = page.getByRole('navigation', { name: 'Drill-down' });
  await crumbs.getByText(collection).waitFor();
  await table.getByRole('row').filter({ hasText: 'Draftline Architecture' }).waitFor();
  const productRows = table.getByRole('row').filter({ hasText: /^Draftline/ });
  assert.equal(await productRows.count(), 2);
  assert.equal(await table.getByRole('button').count(), 0, 'products do not drill further');
  await screenshot(page, 'seat-usage-drilldown');

  // Back with the breadcrumb, then with the browser's back and forward.
  await crumbs.getByRole('button', { name: 'All products' }).click();
  await page.waitForURL((url) => !url.search.includes('group='));
  await table.getByRole('button', { name: collection }).waitFor();
  await page.goBack();
  await page.waitForURL(/group=col_/);
  await crumbs.getByText(collection).waitFor();
  await page.goForward();
  await page.waitForURL((url) => !url.search.includes('group='));

  // Per user: ivy's hours.
  await page.getByRole('tab', { name: 'By user' }).click();
  await page.waitForURL(/by=user/);
  const users = page.getByRole('table', { name: 'Seat usage by user' });
  const ivyRow = users.getByRole('row').filter({ hasText: 'ivy@contoso.example' });
  await ivyRow.waitFor();
  assert.match(await ivyRow.textContent(), /1\.33/);
  await screenshot(page, 'seat-usage-by-user');

  // The CSV holds the collection.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export as CSV' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);

  await nav.getByRole('link', { name: 'Cloud credits', exact: true }).click();
  await page.getByRole('heading', { name: 'Per contract' }).waitFor();
  await page
    .getByRole('table', { name: 'Credits per contract' })
    .getByText('110001234567')
    .waitFor();
  await screenshot(page, 'cloud-credits');

  await nav.getByRole('link', { name: 'Network licenses', exact: true }).click();
  await page.getByRole('table', { name: 'Network license pools' }).getByText('Structa').waitFor();
  await screenshot(page, 'network-licenses');
  page.assertClean();
  await context.close();
});

test('a user sees only their own usage, and is told so', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'eve@contoso.example');
  await page.waitForURL(/\/teams\/([^/]+)\/products$/);
  const teamPath = /\/teams\/[^/]+/.exec(new URL(page.url()).pathname)[0];
  await page.goto(`${teamPath}/reports/seat-usage?range=12m`);
  await page.getByText(/Only your own use is shown/).waitFor();
  await page.getByRole('textbox', { name: 'Time range' }).waitFor();
  assert.equal(
    await page.getByRole('textbox', { name: 'Time range' }).inputValue(),
    'Last 12 months',
  );
  // The next report opened from the navigation keeps the range.
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Cloud credits' })
    .click();
  await page.waitForURL(/\/reports\/cloud-credits\?range=12m$/);
  await page.getByRole('textbox', { name: 'Time range' }).waitFor();
  assert.equal(
    await page.getByRole('textbox', { name: 'Time range' }).inputValue(),
    'Last 12 months',
  );
  page.assertClean();
  await context.close();
});
