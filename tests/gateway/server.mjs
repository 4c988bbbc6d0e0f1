#!/usr/bin/env node
// A local stand-in for the parts of Stripe, PayPal and Twilio that Boxoffice calls: their APIs
// on the wire, the hosted pages a shopper is sent to, signed webhooks, the SMS it was asked to
// send, and a control API for tests.
// Node 20, no packages; all state in memory. See README.md beside this file.
//
//   node tests/gateway/server.mjs CONFIG.json
//
// Each request goes: classify (Stripe, PayPal or Twilio API, hosted page, control) -> for API calls,
// the configured latency and any injected fault -> the handler, which returns a reply value
// -> the reply is written, or mangled as the fault says. One log line per request on stdout.
import http from 'node:http';
import { readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { URL } from 'node:url';
import { readBody, BodyTooLarge, json, text, sleep, decodeSegment } from './http.mjs';
import { requestId } from './ids.mjs';
import { Faults } from './faults.mjs';
import { Webhooks } from './webhooks.mjs';
import { StripeGateway } from './stripe.mjs';
import { PayPalGateway } from './paypal.mjs';
import { TwilioGateway } from './twilio.mjs';
import { Control } from './control.mjs';

function fail(message) {
  process.stderr.write(`gateway stand-in: ${message}\n`);
  process.exit(2);
}

function loadConfig(file) {
  if (!file) fail('usage: node server.mjs CONFIG.json');
  let c;
  try {
    c = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`cannot read ${file}: ${err.message}`);
  }
  const m = /^(.+):([0-9]{1,5})$/.exec(c.listen || '');
  if (!m) fail('config: listen must be "HOST:PORT" (e.g. "127.0.0.1:12111"; port 0 picks a free one)');
  const need = (section, keys) => {
    if (!c[section] || typeof c[section] !== 'object') fail(`config: missing section ${section}`);
    for (const k of keys) if (typeof c[section][k] !== 'string' || !c[section][k]) fail(`config: ${section}.${k} must be a non-empty string`);
    const url = c[section].webhookUrl;
    if (url !== undefined && url !== null) {
      try { new URL(url); } catch { fail(`config: ${section}.webhookUrl is not a URL`); }
    }
  };
  need('stripe', ['secretKey', 'webhookSecret']);
  need('paypal', ['clientId', 'clientSecret', 'webhookId']);
  need('twilio', ['accountSid', 'authToken']);
  if (c.latencyMs !== undefined && !(Number.isFinite(c.latencyMs) && c.latencyMs >= 0)) fail('config: latencyMs must be a non-negative number');
  if (c.webhookConcurrency !== undefined && !(Number.isInteger(c.webhookConcurrency) && c.webhookConcurrency >= 1 && c.webhookConcurrency <= 64)) {
    fail('config: webhookConcurrency must be an integer from 1 to 64');
  }
  if (c.webhookRetryDelaysMs !== undefined && !(Array.isArray(c.webhookRetryDelaysMs) && c.webhookRetryDelaysMs.every((n) => Number.isFinite(n) && n >= 0))) {
    fail('config: webhookRetryDelaysMs must be a list of non-negative numbers');
  }
  return { ...c, host: m[1], port: Number(m[2]) };
}

// Which part of the stand-in answers a path.
function classify(path) {
  if (path.startsWith('/_control/')) return 'control';
  if (path.startsWith('/c/pay/')) return 'stripe-page';
  if (path === '/checkoutnow') return 'paypal-page';
  if (PayPalGateway.owns(path)) return 'paypal';
  if (TwilioGateway.owns(path)) return 'twilio';
  if (path.startsWith('/v1/')) return 'stripe';
  return null;
}

// `{"a":1}` -> `{"a":1,}`: the length and start of a real answer, but not JSON.
const breakJson = (body) => `${body.replace(/\s*\}\s*$/, '')},}`;

class App {
  constructor(config, publicUrl) {
    this.config = config;
    this.publicUrl = publicUrl;
    this.settings = { latencyMs: config.latencyMs ?? 0, initialLatencyMs: config.latencyMs ?? 0 };
    this.faults = new Faults();
    this.hung = new Set();
    const log = (line) => this.log(line);
    this.webhooks = new Webhooks({
      endpoints: { stripe: config.stripe.webhookUrl ?? null, paypal: config.paypal.webhookUrl ?? null },
      signers: { stripe: (body) => this.stripe.sign(body), paypal: (body, event) => this.paypal.sign(body, event) },
      retryDelaysMs: config.webhookRetryDelaysMs,
      timeoutMs: config.webhookTimeoutMs,
      concurrency: config.webhookConcurrency,
      log,
    });
    this.stripe = new StripeGateway({ ...config.stripe, publicUrl, webhooks: this.webhooks, asyncDelayMs: config.stripe.asyncDelayMs, log });
    this.paypal = new PayPalGateway({ ...config.paypal, publicUrl, webhooks: this.webhooks, log });
    this.twilio = new TwilioGateway({ ...config.twilio, log });
    this.apis = { stripe: this.stripe, paypal: this.paypal, twilio: this.twilio };
    this.control = new Control({ stripe: this.stripe, paypal: this.paypal, twilio: this.twilio, webhooks: this.webhooks, faults: this.faults, settings: this.settings });
  }

  log(line) {
    process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  }

  async handle(req, res) {
    const started = Date.now();
    const url = new URL(req.url, 'http://stand-in');
    const r = { method: req.method, path: url.pathname, rawQuery: url.search.slice(1), headers: req.headers, body: Buffer.alloc(0), requestId: requestId() };
    const kind = classify(r.path);
    let fault = null;
    let outcome = '';
    res.on('close', () => {
      const status = res.headersSent ? res.statusCode : '-';
      this.log(`${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ''} ${status} ${Date.now() - started}ms ${kind ?? '-'} ${r.requestId}${fault ? ` fault=${fault.action}` : ''}${outcome}`);
    });
    try {
      r.body = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return this.write(res, text(413, 'request body too large\n'));
      throw err;
    }
    let reply;
    if (kind in this.apis) {
      if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
      fault = this.faults.take(r.method, r.path);
      if (fault?.action === 'timeout') {
        // Never answered; ends when the client gives up or the stand-in stops.
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        outcome = ' (hung)';
        return;
      }
      const gateway = this.apis[kind];
      reply = fault?.action === 'status' ? gateway.injectedError(fault.status, r.requestId) : gateway.handle(r);
      if (fault?.action === 'delay') await sleep(fault.delayMs);
    } else if (kind === 'control') {
      reply = r.path === '/_control/health' ? json(200, { ok: true, publicUrl: this.publicUrl, pid: process.pid }) : this.control.handle(r);
    } else if (kind === 'stripe-page') {
      const id = decodeSegment(r.path.slice('/c/pay/'.length));
      reply = ['GET', 'HEAD', 'POST'].includes(r.method) ? this.stripe.page(r, id) : text(405, 'method not allowed\n');
    } else if (kind === 'paypal-page') {
      reply = ['GET', 'HEAD', 'POST'].includes(r.method) ? this.paypal.page(r) : text(405, 'method not allowed\n');
    } else {
      reply = text(404, 'not found\n');
    }
    this.write(res, reply, fault?.action);
  }

  write(res, reply, action) {
    if (action === 'drop') {
      // The operation has happened; the caller never hears of it.
      res.socket?.destroy();
      return;
    }
    let { status, headers, body } = reply;
    if (action === 'badjson') {
      status = 200;
      body = breakJson(body);
    }
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(status, { ...headers, 'Content-Length': bytes.length });
    if (action === 'truncate') {
      // Headers promise the whole body; half of it comes, then the connection closes.
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(res.req.method === 'HEAD' ? undefined : bytes);
  }

  stop() {
    this.stripe.stop();
    this.webhooks.stop();
    for (const res of this.hung) res.socket?.destroy();
  }
}

function main() {
  const config = loadConfig(process.argv[2]);
  let app = null;
  const server = http.createServer((req, res) => {
    app.handle(req, res).catch((err) => {
      app.log(`internal error: ${err.stack}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error\n');
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('error', (err) => fail(`cannot listen on ${config.listen}: ${err.message}`));
  server.listen(config.port, config.host, () => {
    const { port } = server.address();
    const publicUrl = (config.publicUrl || `http://${config.host}:${port}`).replace(/\/+$/, '');
    app = new App(config, publicUrl);
    if (config.pidfile) writeFileSync(config.pidfile, `${process.pid}\n`);
    app.log(`gateway stand-in listening on http://${config.host}:${port} (public URL ${publicUrl}, pid ${process.pid})`);
  });
  let stopping = false;
  const shutdown = (signal) => {
    if (stopping) return;
    stopping = true;
    app?.log(`${signal}: stopping`);
    app?.stop();
    server.close(() => {
      if (config.pidfile) { try { unlinkSync(config.pidfile); } catch { /* already gone */ } }
      process.exit(0);
    });
    server.closeAllConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main();
