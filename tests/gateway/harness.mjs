// Shared by the stand-in's tests: start server.mjs on a free port with a temporary config,
// talk to it, receive its webhooks, and wait for conditions instead of sleeping.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';

const HERE = dirname(fileURLToPath(import.meta.url));

export const KEYS = {
  stripeSecret: 'sk_test_51StandInKeyForTestsOnly0000',
  stripeWebhookSecret: 'whsec_standin_test_secret',
  paypalClientId: 'AStandInClientIdForTests',
  paypalClientSecret: 'EStandInClientSecretForTests',
  paypalWebhookId: '8PT597110X687430LKGECATA',
  twilioAccountSid: 'AC0123456789abcdef0123456789abcdef',
  twilioAuthToken: 'fedcba9876543210fedcba9876543210',
};

export async function waitFor(check, { timeoutMs = 5000, intervalMs = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// A webhook receiver: records every delivery with its raw body; `respond` picks the status.
export async function startReceiver() {
  const received = [];
  const receiver = {
    received,
    respond: () => 200,
    url: null,
    byPath: (path) => received.filter((d) => d.path === path),
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const d = { path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(d);
      res.writeHead(receiver.respond(d));
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${server.address().port}`;
  receiver.close = () => new Promise((r) => { server.closeAllConnections(); server.close(r); });
  return receiver;
}

// Starts the stand-in; `overrides` are merged into the config.
export async function startGateway(overrides = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  const config = {
    listen: '127.0.0.1:0',
    stripe: { secretKey: KEYS.stripeSecret, webhookSecret: KEYS.stripeWebhookSecret, webhookUrl: null, asyncDelayMs: 200, ...overrides.stripe },
    paypal: { clientId: KEYS.paypalClientId, clientSecret: KEYS.paypalClientSecret, webhookId: KEYS.paypalWebhookId, webhookUrl: null, ...overrides.paypal },
    twilio: { accountSid: KEYS.twilioAccountSid, authToken: KEYS.twilioAuthToken, ...overrides.twilio },
    pidfile: join(dir, 'gateway.pid'),
    webhookRetryDelaysMs: [100, 200, 400],
    ...Object.fromEntries(Object.entries(overrides).filter(([k]) => !['stripe', 'paypal', 'twilio'].includes(k))),
  };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, [join(HERE, 'server.mjs'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { err += c; });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  // A test file that dies before stop() must not leave its stand-in running.
  const orphanGuard = () => { if (child.exitCode === null) child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); };
  process.on('exit', orphanGuard);
  const base = await Promise.race([
    waitFor(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], { what: 'the stand-in to listen' }),
    exited.then(({ code }) => { throw new Error(`stand-in exited (${code}): ${err}`); }),
  ]);
  const gw = {
    base,
    config,
    pidfile: config.pidfile,
    log: () => out,
    stderr: () => err,
    child,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const result = await exited;
      process.off('exit', orphanGuard);
      rmSync(dir, { recursive: true, force: true });
      return result;
    },
    pidfileExists: () => existsSync(config.pidfile),
    // Control API: POST with a JSON body, or GET without.
    async control(path, body) {
      const res = await fetch(`${base}/_control${path}`, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const value = await res.json();
      if (!res.ok) throw Object.assign(new Error(`control ${path}: ${res.status} ${JSON.stringify(value)}`), { status: res.status, value });
      return value;
    },
    webhooks: (query = '') => gw.control(`/webhooks${query}`),
    ledger: () => gw.control('/ledger'),
    // Waits until every webhook raised so far has been delivered or given up on.
    settled: (timeoutMs = 5000) => waitFor(async () => (await gw.webhooks('?summary=1')).idle, { timeoutMs, what: 'webhook deliveries to settle' }),
  };
  return gw;
}

// Stripe's form encoding for raw calls (stripe-node does its own for the SDK tests).
export { encode as stripeForm } from './forms.mjs';

export const stripeAuth = { Authorization: `Bearer ${KEYS.stripeSecret}` };
