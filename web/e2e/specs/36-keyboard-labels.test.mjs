// The portal with the keyboard alone: sign-in, the skip link, visible focus, dialogs that
// keep and give back focus, and a name for every control on every main page.
/* global document, window, HTMLElement -- the evaluated functions run in the page */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, signIn } from '../support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// What the focused element is, and whether something marks it on screen: an outline, a
// focus ring (box shadow) or a border that differs from the unfocused state.
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = window.getComputedStyle(el);
    const label =
      el.getAttribute('aria-label') ??
      (el.labels && el.labels[0] ? el.labels[0].textContent : null) ??
      el.textContent;
    const rect = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      label: (label ?? '').trim(),
      outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
      shadow: style.boxShadow !== 'none',
      border: style.borderColor,
      onScreen: rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0,
    };
  });
}

async function signInToTeam(page, email) {
  await signIn(page, email);
  await page.waitForURL((url) => /^\/teams\/[^/]+\//.test(url.pathname));
  return /\/teams\/([^/]+)\//.exec(page.url())?.[1];
}

async function tabTo(page, predicate, limit = 40) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now && predicate(now)) return now;
  }
  throw new Error('the keyboard never reached the control');
}

test('signing in, skipping to the content and opening a page work with the keyboard alone', async () => {
  const { context, page } = await newPage(browser);
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').waitFor();
  const email = await tabTo(page, (f) => f.tag === 'input' && /E-mail/.test(f.label));
  assert.ok(email.onScreen);
  await page.keyboard.type('ann@contoso.example');
  const password = await tabTo(page, (f) => f.tag === 'input' && /^Password/.test(f.label));
  assert.ok(password.outline || password.shadow, 'the password field shows it has focus');
  await page.keyboard.type('seatwise-demo');
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => /\/teams\/[^/]+\//.test(url.pathname));
  await page.getByRole('heading', { level: 1 }).first().waitFor();

  // The first Tab reaches the skip link, which shows itself and moves focus to the content.
  await page.keyboard.press('Tab');
  const skip = await focused(page);
  assert.equal(skip?.label, 'Skip to content');
  assert.ok(skip.onScreen, 'the skip link is visible while focused');
  assert.ok(skip.outline, 'the skip link has a visible focus outline');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main');

  // Navigation links are reached by Tab, marked while focused, and followed with Enter.
  await page.keyboard.press('Shift+Tab');
  const link = await tabTo(page, (f) => f.tag === 'a' && f.label === 'Devices', 80);
  assert.ok(link.outline, 'a focused navigation link has a visible outline');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/devices$/);
  await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
  page.assertClean();
  await context.close();
});

test('a dialog takes focus, keeps it inside, closes on Escape and gives it back', async () => {
  const { context, page } = await newPage(browser);
  const team = await signInToTeam(page, 'ann@contoso.example');
  await page.goto(`/teams/${team}/users`);
  const invite = page.getByRole('button', { name: 'Invite a user' });
  await invite.focus();
  const before = await focused(page);
  assert.ok(before.outline, 'the focused button shows a visible outline');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await page.waitForFunction(() => document.activeElement?.closest('[role="dialog"]') !== null);
  // However far one tabs, focus stays in the dialog.
  for (let i = 0; i < 15; i += 1) {
    await page.keyboard.press('Tab');
    const inside = await page.evaluate(
      () => document.activeElement?.closest('[role="dialog"]') !== null,
    );
    assert.ok(inside, `Tab ${i + 1} left the dialog`);
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.waitForFunction(
    () =>
      document.activeElement instanceof HTMLElement &&
      /Invite a user/.test(document.activeElement.textContent ?? ''),
  );
  page.assertClean();
  await context.close();
});

// Every visible control names itself to assistive technology: a <label>, aria-label or
// aria-labelledby (inputs, selects, text areas, switches), or text/aria-label (buttons, links).
async function unnamedControls(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = window.getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
    };
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const named = (el) => {
      if ((el.getAttribute('aria-label') ?? '').trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(/\s+/).some((id) => text(document.getElementById(id)))) return true;
      if (el.labels && [...el.labels].some((l) => text(l))) return true;
      if ((el.getAttribute('title') ?? '').trim()) return true;
      return false;
    };
    const problems = [];
    const fields = document.querySelectorAll(
      'input:not([type="hidden"]), select, textarea, [role="combobox"], [role="switch"], [role="checkbox"], [role="slider"]',
    );
    for (const el of fields) {
      // Mantine renders a checkbox as an input inside its label; the hidden input of a
      // Select carries no role of its own.
      if (!visible(el) && el.type !== 'checkbox' && el.type !== 'radio') continue;
      if (!named(el))
        problems.push(
          `${el.tagName.toLowerCase()}[${el.type ?? ''}] ${el.outerHTML.slice(0, 120)}`,
        );
    }
    for (const el of document.querySelectorAll('button, a[href], [role="button"], [role="tab"]')) {
      if (!visible(el)) continue;
      if (named(el) || text(el)) continue;
      problems.push(`${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 120)}`);
    }
    return problems;
  });
}

test('every control on every main page has a name', async () => {
  const { context, page } = await newPage(browser);
  const team = await signInToTeam(page, 'ann@contoso.example');
  const pages = [
    'products',
    'by-user',
    'by-product',
    'classic-users',
    'users',
    'devices',
    'reports/seat-usage',
    'reports/cloud-credits',
    'reports/network-licenses',
    'billing',
    'audit',
    'webhooks',
  ].map((p) => `/teams/${team}/${p}`);
  pages.push('/settings');
  // The check itself finds an unnamed field and an empty button.
  await page.goto(pages[0]);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.id = 'probe';
    probe.innerHTML = '<input type="text"><button type="button"></button>';
    document.getElementById('main')?.append(probe);
  });
  assert.equal((await unnamedControls(page)).length, 2);
  await page.evaluate(() => document.getElementById('probe')?.remove());

  const found = {};
  for (const path of pages) {
    await page.goto(path);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
    const problems = await unnamedControls(page);
    if (problems.length > 0) found[path] = problems;
  }
  page.assertClean();
  await context.close();
  const operator = await newPage(browser);
  await signIn(operator.page, 'operator@seatwise.example');
  for (const path of ['/operator', '/operator/customers', '/reseller']) {
    await operator.page.goto(path);
    await operator.page.getByRole('heading', { level: 1 }).first().waitFor();
    await operator.page.waitForLoadState('networkidle');
    const problems = await unnamedControls(operator.page);
    if (problems.length > 0) found[path] = problems;
  }
  assert.deepEqual(found, {}, 'controls without a name');
  operator.page.assertClean();
  await operator.context.close();
});
