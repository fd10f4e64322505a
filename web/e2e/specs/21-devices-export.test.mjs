// Devices: a computer registered by the desktop client shows with its status, opens in the
// details drawer for edits, and the CSV export holds it.
/* global document -- page.evaluate callbacks run in the page */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, screenshot, signIn } from '../support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// A POST from the page with its session (and CSRF cookie), as the desktop client would send.
async function postFromPage(page, path, body) {
  return page.evaluate(
    async ({ path, body }) => {
      const csrf = document.cookie
        .split(';')
        .map((c) => c.trim())
        .find((c) => c.startsWith('sw_csrf='));
      const response = await fetch(path, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-CSRF-Token': decodeURIComponent(csrf?.slice('sw_csrf='.length) ?? ''),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    { path, body },
  );
}

function parseCsv(text) {
  // Enough for the export: quoted cells may hold commas and doubled quotes.
  const rows = [];
  for (const line of text.trim().split(/\r?\n/)) {
    const cells = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

test('an admin sees a registered computer with its status, edits it and exports the list as CSV', async () => {
  const { context, page } = await newPage(browser);
  await signIn(page, 'ann@contoso.example');
  await page.waitForURL(/\/teams\/[^/]+\/products$/);
  const teamId = /\/teams\/([^/]+)\//.exec(new URL(page.url()).pathname)[1];

  const asset = 'E2E-DEVICES-21';
  const registered = await postFromPage(page, '/api/v1/client/devices', {
    team_id: teamId,
    fingerprint: crypto.createHash('sha256').update('e2e-spec-21-device').digest('hex'),
    asset_name: asset,
    os: 'Windows 11 Pro',
    app_version: '2027.1',
  });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));

  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Devices', exact: true }).click();
  await page.waitForURL(/\/devices$/);
  const table = page.getByRole('table', { name: 'Devices' });
  const row = table.getByRole('row').filter({ hasText: asset });
  await row.waitFor();
  await row.getByText('Online', { exact: true }).waitFor();
  assert.match(await row.textContent(), /Windows 11 Pro/);
  assert.match(await row.textContent(), /Ann Archer/);
  await page.getByText('no check-in for more than 30 days').waitFor();

  // Filters live in the URL.
  await page.getByRole('textbox', { name: 'Search' }).fill('devices-21');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/search=devices-21/);
  await row.waitFor();
  await screenshot(page, 'devices');

  // Details: rename is not needed, a description is.
  await row.getByRole('link', { name: asset }).click();
  await page.waitForURL(/\/devices\/dev_[^/?]+\?search=devices-21$/);
  const drawer = page.getByRole('dialog');
  await drawer.getByRole('textbox', { name: 'Description' }).fill('Reception desk, 2nd floor');
  await drawer.getByRole('switch', { name: 'Default access to updates' }).click({ force: true });
  await drawer.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText(`Saved ${asset}.`).waitFor();
  await screenshot(page, 'device-details');
  await page.keyboard.press('Escape');
  await page.waitForURL(/\/devices\?search=devices-21$/);
  await row.getByText('Reception desk, 2nd floor').waitFor();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export as CSV' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^devices-.*\.csv$/);
  const rows = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
  const header = rows[0];
  assert.ok(header.includes('asset_name') && header.includes('status'), header.join(','));
  const mine = rows.find((r) => r[header.indexOf('asset_name')] === asset);
  assert.ok(mine, `the export holds ${asset}: ${JSON.stringify(rows)}`);
  assert.equal(mine[header.indexOf('status')], 'online');
  assert.equal(mine[header.indexOf('description')], 'Reception desk, 2nd floor');
  assert.equal(mine[header.indexOf('default_update_access')], 'false');
  await page.getByText(/Downloaded devices-/).waitFor();

  page.assertClean();
  await context.close();
});
