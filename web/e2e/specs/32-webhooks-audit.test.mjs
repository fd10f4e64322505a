// Webhooks and the audit log, as ann@ (Primary Admin of Contoso Design): an endpoint is
// added (its secret shown once), pinged and rotated; the audit log then lists those
// changes and narrows to one action. The endpoint is deleted at the end.
/* global document -- the waitForFunction callback runs in the page */
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

const hookUrl = 'https://127.0.0.1:9/e2e-audit-hook';

async function designTeam(page) {
  await signIn(page, 'ann@contoso.example');
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  const team = me.memberships.find((m) => m.team_name === 'Contoso Design');
  assert.ok(team, 'ann is in Contoso Design');
  return team.team_id;
}

test('ann adds a webhook endpoint, pings it, rotates its secret and deletes it', async () => {
  const { context, page } = await newPage(browser);
  const teamId = await designTeam(page);
  await page.goto(`/teams/${teamId}/webhooks`);
  await page.getByRole('heading', { name: 'Webhooks' }).waitFor();

  // Nothing chosen: the form says what is missing before anything is sent.
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await page.getByText('Choose at least one event.').waitFor();

  await page.getByLabel('Endpoint URL').fill(hookUrl);
  await page.getByRole('checkbox', { name: /seat\.assigned/ }).check();
  await page.getByRole('checkbox', { name: /lease\.denied/ }).check();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const secret = (await page.getByTestId('secret-value').textContent()).trim();
  assert.ok(secret.length >= 16, 'the signing secret is shown');
  await page
    .getByRole('table', { name: 'Endpoints' })
    .getByText(hookUrl, { exact: true })
    .waitFor();
  await screenshot(page, 'webhooks');
  await page.getByRole('button', { name: 'I have copied it' }).click();

  await page.getByRole('button', { name: 'Send test ping' }).click();
  await page.waitForURL(/endpoint=/);
  const deliveries = page.getByRole('table', { name: 'Deliveries' });
  await deliveries.getByRole('cell', { name: 'test.ping' }).waitFor();
  await screenshot(page, 'webhooks-deliveries');

  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
  const rotated = (await page.getByTestId('secret-value').textContent()).trim();
  assert.notEqual(rotated, secret);
  await page.getByRole('button', { name: 'I have copied it' }).click();

  await page.getByRole('button', { name: `Delete ${hookUrl}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete endpoint' }).click();
  await page.getByText('This team has no webhook endpoints yet.').waitFor();
  page.assertClean();
  await context.close();
});

test('the audit log lists those changes; filtering by action narrows it, in the address', async () => {
  const { context, page } = await newPage(browser);
  const teamId = await designTeam(page);
  await page.goto(`/teams/${teamId}/audit`);
  const rows = page.getByTestId('audit-row');
  await rows.first().waitFor();
  const actions = await page
    .getByRole('table', { name: 'Audit entries' })
    .locator('tbody tr td:nth-child(3)')
    .allTextContents();
  for (const action of ['webhook.create', 'webhook.rotate_secret', 'webhook.delete']) {
    assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
  }
  const before = await rows.count();
  await screenshot(page, 'audit');

  await page.getByRole('textbox', { name: 'Action' }).fill('webhook.rotate_secret');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/action=webhook\.rotate_secret/);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="audit-row"] td:nth-child(3)')].every(
      (td) => td.textContent === 'webhook.rotate_secret',
    ),
  );
  const narrowed = await rows.count();
  assert.ok(narrowed >= 1 && narrowed < before, `${narrowed} of ${before}`);

  // The entry's changes open in place; the address remembers which.
  await page
    .getByRole('button', { name: /Show changes of webhook\.rotate_secret/ })
    .first()
    .click();
  await page.waitForURL(/entry=/);
  await screenshot(page, 'audit-entry');

  // Reload keeps the filter.
  await page.reload();
  assert.equal(
    await page.getByRole('textbox', { name: 'Action' }).inputValue(),
    'webhook.rotate_secret',
  );
  await rows.first().waitFor();
  page.assertClean();
  await context.close();
});

test('refused attempts are one filter away: a user reaching for the audit log shows up there', async () => {
  // eve (a user of Contoso Design) asks for the team's audit log and is refused.
  const eve = await newPage(browser);
  await signIn(eve.page, 'eve@contoso.example');
  const teamId = await eve.page.evaluate(async () => {
    const me = await (await fetch('/api/v1/me')).json();
    return me.memberships.find((m) => m.team_name === 'Contoso Design').team_id;
  });
  const refused = await eve.page.evaluate(
    async (id) => (await fetch(`/api/v1/teams/${id}/audit`)).status,
    teamId,
  );
  assert.equal(refused, 403);
  await eve.context.close();

  const { context, page } = await newPage(browser);
  await designTeam(page);
  await page.goto(`/teams/${teamId}/audit`);
  await page.getByTestId('audit-row').first().waitFor();
  await page.getByRole('textbox', { name: 'Outcome' }).click();
  await page.getByRole('option', { name: 'Refused attempts only' }).click();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/outcome=denied/);
  const table = page.getByRole('table', { name: 'Audit entries' });
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="audit-row"]')];
    return rows.length > 0 && rows.every((row) => row.textContent.includes('denied'));
  });
  const text = await table.textContent();
  assert.ok(text.includes('eve@contoso.example') || text.includes('Eve'), text.slice(0, 400));
  assert.ok(!text.includes('allowed'), 'only refused attempts are listed');
  page.assertClean();
  await context.close();
});
