// What every browser test needs: the server under test, a fresh browser page with the
// checks every page must pass, sign-in, screenshots and the e-mails the server sent.

/* global document -- the init script runs in the page */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

export const baseUrl = process.env.SEATWISE_E2E_URL;
export const mailDir = process.env.SEATWISE_E2E_MAIL;
export const resultsDir = process.env.SEATWISE_E2E_RESULTS;
export const demoPassword = 'seatwise-demo';
if (!baseUrl || !mailDir || !resultsDir) {
  throw new Error('run the browser tests with `node e2e/run.mjs` (it starts the server)');
}

// Debian's Chromium, headless, with nothing that reaches beyond loopback.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

// A new page at 1280×800 (or `viewport`) that records console errors, failed requests and
// Content-Security-Policy violations; `assertClean()` fails the test on any of them.
export async function newPage(browser, { viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({
    viewport,
    baseURL: baseUrl,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // Refusals the test provokes are answered by the API and shown on the page; the
    // browser logs each non-2xx fetch as an error too.
    if (/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) {
      return;
    }
    problems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.assertClean = () => assert.deepEqual(problems, [], 'the page logged problems');
  return { context, page };
}

export async function signIn(page, email, password = demoPassword) {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

// Full-page screenshot into web/test-results/<name>.png.
export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage: true });
}

// The messages the SMTP server accepted so far (tests/fakes/smtp_receiver.py layout).
export function receivedMails() {
  if (!fs.existsSync(mailDir)) return [];
  return fs
    .readdirSync(mailDir)
    .filter((d) => /^\d+$/.test(d))
    .sort()
    .map((d) => {
      const dir = path.join(mailDir, d);
      const read = (f) =>
        fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '';
      return { subject: read('subject').trim(), to: read('to').trim(), text: read('text') };
    });
}

// Waits (up to `limitMs`; delivery runs every 10 s) for a message to `to` whose subject
// matches `subject`, and returns it.
export async function waitForMail(to, subject, limitMs = 40_000) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const found = receivedMails().find(
      (m) => m.to.toLowerCase().includes(to.toLowerCase()) && subject.test(m.subject),
    );
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = receivedMails().map((m) => `${m.to}: ${m.subject}`);
      throw new Error(`no e-mail to ${to} matching ${subject}; received: ${seen.join(' | ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// The first link in `text` whose path starts with `prefix`, as a path on the server.
export function linkIn(text, prefix) {
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const url = new URL(match[0]);
    if (url.pathname.startsWith(prefix)) return url.pathname + url.search;
  }
  throw new Error(`no link to ${prefix} in: ${text}`);
}
