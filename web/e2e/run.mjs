// Browser tests of the portal: starts a real `seatwise serve --demo` (fresh SQLite database,
// the built portal, e-mail delivered to a real SMTP server on loopback), then runs every
// e2e/specs/*.test.mjs with node's test runner against it in headless Chromium. Screenshots
// go to web/test-results/. Everything listens on 127.0.0.1 and is stopped on exit.
//
//   node e2e/run.mjs [spec-file-filter]
//   SEATWISE_BIN=path/to/seatwise   (default ../build/release/src/seatwise)
//   SEATWISE_WEB_DIST=path           (default web/dist: the built portal to serve)

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, '..');
const root = path.resolve(web, '..');
const bin = process.env.SEATWISE_BIN ?? path.join(root, 'build/release/src/seatwise');
const dist = path.resolve(process.env.SEATWISE_WEB_DIST ?? path.join(web, 'dist'));
const results = path.resolve(process.env.SEATWISE_E2E_RESULTS ?? path.join(web, 'test-results'));
const filter = process.argv[2] ?? '';
const startLimitMs = 60_000;

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(2);
}

if (!fs.existsSync(bin)) fail(`${bin} is missing; build it first (make build)`);
if (!fs.existsSync(path.join(dist, 'index.html'))) fail(`${dist} is missing; run make web`);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts `command` and resolves with the first stdout line matching `pattern`.
function startAndWait(name, command, args, pattern, options) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  const log = fs.createWriteStream(path.join(results, `${name}.log`));
  child.stderr.pipe(log);
  const lines = readline.createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), startLimitMs);
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code} while starting`)));
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      const match = pattern.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
  });
}

fs.rmSync(results, { recursive: true, force: true });
fs.mkdirSync(results, { recursive: true });
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'seatwise-e2e-'));
const mailDir = path.join(temp, 'mail');
fs.mkdirSync(mailDir);
const children = [];

function cleanUp() {
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  fs.rmSync(temp, { recursive: true, force: true });
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(130));
}

function serverEnv() {
  const env = { ...process.env };
  for (const key of ['SEATWISE_BIN', 'SEATWISE_WEB_DIST', 'SEATWISE_E2E_RESULTS']) delete env[key];
  return env;
}

let status = 1;
try {
  const smtp = await startAndWait(
    'smtp',
    // Debian's Python, which has Debian's aiosmtpd (python3-aiosmtpd).
    fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
    [path.join(root, 'tests/fakes/smtp_receiver.py'), '--dir', mailDir],
    /^READY (\d+)/,
  );
  children.push(smtp.child);
  const smtpPort = smtp.match[1];

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = path.join(temp, 'seatwise.toml');
  fs.writeFileSync(
    config,
    [
      '[server]',
      `listen = "127.0.0.1:${port}"`,
      `public_url = "${baseUrl}"`,
      '[database]',
      `url = "sqlite://${path.join(temp, 'seatwise.db')}"`,
      '[auth]',
      `secret_key_file = "${path.join(temp, 'secret.key')}"`,
      // The tests sign in many times from one address.
      'sign_in_failures_per_minute = 1000',
      '[smtp]',
      'enabled = true',
      'host = "127.0.0.1"',
      `port = ${smtpPort}`,
      'security = "none"',
      'from = "licenses@seatwise.example"',
      // The webhook spec registers an endpoint on loopback: a test-only switch.
      '[webhooks]',
      'allow_loopback_http = true',
      '[web]',
      `root = "${dist}"`,
      '[log]',
      'level = "warn"',
      '',
    ].join('\n'),
  );
  const server = await startAndWait(
    'seatwise',
    bin,
    ['serve', '--demo', '--config', config],
    /^seatwise listening on (\S+)/,
    // The server reads SEATWISE_<SECTION>_<KEY> and refuses unknown ones: not this runner's.
    { cwd: temp, env: serverEnv() },
  );
  children.push(server.child);

  const specs = fs
    .readdirSync(path.join(here, 'specs'))
    .filter((f) => f.endsWith('.test.mjs') && f.includes(filter))
    .sort()
    .map((f) => path.join(here, 'specs', f));
  if (specs.length === 0) fail(`no spec matches "${filter}"`);

  const runner = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-reporter=spec', ...specs],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        SEATWISE_E2E_URL: baseUrl,
        SEATWISE_E2E_MAIL: mailDir,
        SEATWISE_E2E_RESULTS: results,
      },
    },
  );
  const [code] = await once(runner, 'exit');
  status = code ?? 1;
} catch (error) {
  console.error(`e2e: ${error.message}`);
  status = 2;
}
process.exit(status);
