// Invitations of people who already have an account wait for their answer: Pat (Litware)
// invites Kim (Contoso), sees only what she typed, and has no power over Kim's account; Kim
// sees the invitation at the top of the portal and declines or accepts it, or declines from
// the e-mailed link without signing in.
/* global document -- the evaluated functions run in the page */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, linkIn, newPage, receivedMails, screenshot, signIn } from '../support.mjs';

const kim = 'kim@contoso.example';
const invitedSubject = /invited to Litware/i;
let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function me(page) {
  return page.evaluate(async () => (await fetch('/api/v1/me')).json());
}

// Pat, on Litware's Users page.
async function asPat() {
  const { context, page } = await newPage(browser);
  await signIn(page, 'pat@litware.example');
  const litware = (await me(page)).memberships.find((m) => m.team_name === 'Litware').team_id;
  await page.goto(`/teams/${litware}/users`);
  await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  return { context, page, litware };
}

// Pat invites Kim under the name she types; answers the invitation e-mail sent for it.
async function invite(page, first, last) {
  const sent = receivedMails().filter((m) => m.to.includes(kim) && invitedSubject.test(m.subject));
  await page.getByRole('button', { name: 'Invite a user' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite a user' });
  await dialog.getByRole('textbox', { name: 'First name' }).fill(first);
  await dialog.getByRole('textbox', { name: 'Last name' }).fill(last);
  await dialog.getByRole('textbox', { name: 'E-mail' }).fill(kim);
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // The same words whether or not the address already had an account.
  await page.getByText(`${kim} is invited; the invitation e-mail is on its way.`).waitFor();
  const deadline = Date.now() + 40_000;
  for (;;) {
    const now = receivedMails().filter((m) => m.to.includes(kim) && invitedSubject.test(m.subject));
    if (now.length > sent.length) return now[now.length - 1];
    if (Date.now() > deadline) throw new Error('no new invitation e-mail to Kim');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function kimRow(page) {
  return page
    .getByRole('table', { name: 'Team members' })
    .getByRole('row')
    .filter({ hasText: kim });
}

async function showKim(page) {
  await page.getByLabel('Search').fill('kim@');
  await page.waitForURL(/q=kim/);
}

test('an invited person with an account declines in the portal, on a phone', async () => {
  const pat = await asPat();
  await invite(pat.page, 'K.', 'Invitee');
  await showKim(pat.page);
  // Pending: only what Pat typed, nothing of Kim's account.
  const row = kimRow(pat.page);
  await row.getByText('Invited (pending)').waitFor();
  await row.getByRole('cell', { name: 'K. Invitee', exact: true }).waitFor();
  assert.doesNotMatch(await row.innerText(), /Kowalski|Never/);

  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(page, kim);
  const notice = page.getByRole('region', { name: 'You are invited to join Litware' });
  await notice.waitFor();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the window`);
  await screenshot(page, 'pending-invitation-narrow');
  // With the keyboard: the button is reached, then pressed with Enter.
  const decline = notice.getByRole('button', { name: 'Decline the invitation to Litware' });
  await decline.focus();
  await page.keyboard.press('Enter');
  await page
    .getByRole('status')
    .filter({ hasText: 'You declined the invitation to Litware.' })
    .waitFor();
  await notice.waitFor({ state: 'detached' });
  const after = await me(page);
  assert.ok(!after.memberships.some((m) => m.team_name === 'Litware' && m.status !== 'removed'));
  page.assertClean();
  await context.close();

  await pat.page.reload();
  await pat.page.getByText('Nobody matches these filters.').waitFor();
  pat.page.assertClean();
  await pat.context.close();
});

test('the e-mailed link declines without signing in, once', async () => {
  const pat = await asPat();
  const mail = await invite(pat.page, 'Kim', 'K');
  pat.page.assertClean();
  await pat.context.close();

  const { context, page } = await newPage(browser);
  const link = linkIn(mail.text, '/invitations/');
  await page.goto(link);
  await page.getByRole('button', { name: 'Decline invitation' }).click();
  await page.getByRole('heading', { name: 'Invitation declined', level: 1 }).waitFor();
  await page.getByRole('status').filter({ hasText: 'You declined the invitation' }).waitFor();

  // The same link again: the server's reason (409) is shown.
  await page.goto(link);
  await page.getByRole('button', { name: 'Decline invitation' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'could not be declined' });
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /no longer open/);
  // A link that never was: 404, said so.
  await page.goto('/invitations/swi_not-a-real-token');
  await page.getByRole('button', { name: 'Decline invitation' }).click();
  await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
  page.assertClean();
  await context.close();
});

test('accepting joins the team; its admin still cannot act on an account shared with another customer', async () => {
  const pat = await asPat();
  await invite(pat.page, 'Kim', 'Kowalski');

  const { context, page } = await newPage(browser);
  await signIn(page, kim);
  const notice = page.getByRole('region', { name: 'You are invited to join Litware' });
  await notice.getByRole('button', { name: 'Accept the invitation to Litware' }).click();
  const joined = page.getByRole('status').filter({ hasText: 'You joined Litware.' });
  await joined.waitFor();
  await notice.waitFor({ state: 'detached' });
  // The navigation knows the new team at once.
  await page.getByRole('textbox', { name: 'Team' }).click();
  await page.getByRole('option', { name: 'Litware' }).waitFor();
  await page.keyboard.press('Escape');
  await joined.getByRole('link', { name: 'Open Litware' }).click();
  await page.waitForURL(new RegExp(`/teams/${pat.litware}/products$`));
  page.assertClean();
  await context.close();

  // Kim also works for Contoso: Litware's admin may remove her, not sign her out everywhere.
  await pat.page.reload();
  await showKim(pat.page);
  const row = kimRow(pat.page);
  await row.getByText('Active').waitFor();
  const actions = row.getByRole('button', { name: 'Actions for Kim Kowalski' });
  await actions.click();
  await pat.page.getByRole('menuitem', { name: 'Sign out everywhere…' }).click();
  const dialog = pat.page.getByRole('dialog', { name: 'Sign Kim Kowalski out everywhere?' });
  await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
  const refusal = dialog.getByRole('alert');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /another organisation/);
  await screenshot(pat.page, 'identity-act-refused');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // Leave the demo as it was.
  await actions.click();
  await pat.page.getByRole('menuitem', { name: 'Remove from team…' }).click();
  const confirm = pat.page.getByRole('dialog', { name: 'Remove Kim Kowalski?' });
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await row.waitFor({ state: 'detached' });
  pat.page.assertClean();
  await pat.context.close();
});
