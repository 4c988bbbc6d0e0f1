// The control API under /_control/: not part of any gateway. Tests use it to reset the
// stand-in, make the shopper's choices without a browser, inject faults, steer webhook
// delivery, read the stand-in's own book of money and the SMS it was asked to send. JSON in and out, no authentication
// (the stand-in listens on loopback only).
import { json, ControlError, decodeSegment } from './http.mjs';
import { FaultError } from './faults.mjs';
import { WebhookError } from './webhooks.mjs';

const ok = (value, status = 200) => json(status, value);

function body(req) {
  const text = req.body.toString('utf8').trim();
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error();
    return v;
  } catch {
    throw new ControlError(400, 'the body must be a JSON object');
  }
}

// Totals per provider and currency: what was taken, what was given back, what is kept.
function totals(charges, refunds) {
  const out = {};
  const row = (p, c) => ((out[p] ??= {})[c] ??= { captured: 0, refunded: 0, net: 0, charges: 0, refunds: 0 });
  for (const ch of charges) {
    const r = row(ch.provider, ch.currency);
    if (ch.amount_captured > 0) { r.captured += ch.amount_captured; r.charges++; }
  }
  for (const re of refunds) {
    const r = row(re.provider, re.currency);
    r.refunded += re.amount;
    r.refunds++;
  }
  for (const p of Object.values(out)) for (const r of Object.values(p)) r.net = r.captured - r.refunded;
  return out;
}

export class Control {
  constructor({ stripe, paypal, twilio, webhooks, faults, settings }) {
    Object.assign(this, { stripe, paypal, twilio, webhooks, faults, settings });
  }

  static ROUTES = [
    ['POST', /^\/_control\/reset$/, 'reset'],
    ['GET', /^\/_control\/faults$/, 'listFaults'],
    ['POST', /^\/_control\/faults$/, 'addFault'],
    ['DELETE', /^\/_control\/faults$/, 'clearFaults'],
    ['GET', /^\/_control\/latency$/, 'getLatency'],
    ['POST', /^\/_control\/latency$/, 'setLatency'],
    ['GET', /^\/_control\/webhooks$/, 'listWebhooks'],
    ['POST', /^\/_control\/webhooks$/, 'setWebhookMode'],
    ['POST', /^\/_control\/webhooks\/release$/, 'releaseWebhooks'],
    ['POST', /^\/_control\/webhooks\/endpoints$/, 'setEndpoints'],
    ['POST', /^\/_control\/checkout\/([^/]+)$/, 'checkoutChoice'],
    ['POST', /^\/_control\/checkout\/([^/]+)\/expire$/, 'checkoutExpire'],
    ['POST', /^\/_control\/checkout\/([^/]+)\/async$/, 'checkoutAsync'],
    ['POST', /^\/_control\/paypal\/tokens$/, 'paypalTokens'],
    ['POST', /^\/_control\/paypal\/([^/]+)$/, 'paypalChoice'],
    ['GET', /^\/_control\/ledger$/, 'ledger'],
    ['GET', /^\/_control\/sms$/, 'listSms'],
    ['DELETE', /^\/_control\/sms$/, 'clearSms'],
  ];

  handle(req) {
    try {
      for (const [method, re, fn] of Control.ROUTES) {
        const m = re.exec(req.path);
        if (m && method === req.method) return this[fn](req, ...m.slice(1).map(decodeSegment));
      }
      throw new ControlError(404, `no control route ${req.method} ${req.path}`);
    } catch (err) {
      if (err instanceof ControlError) return json(err.status, { error: err.message });
      if (err instanceof FaultError || err instanceof WebhookError) return json(400, { error: err.message });
      throw err;
    }
  }

  reset() {
    this.stripe.reset();
    this.paypal.reset();
    this.twilio.reset();
    this.webhooks.reset();
    this.faults.reset();
    this.settings.latencyMs = this.settings.initialLatencyMs;
    return ok({ reset: true });
  }

  listFaults() {
    return ok({ faults: this.faults.list() });
  }

  addFault(req) {
    return ok({ fault: this.faults.add(body(req)) }, 201);
  }

  clearFaults() {
    this.faults.reset();
    return ok({ faults: [] });
  }

  getLatency() {
    return ok({ ms: this.settings.latencyMs });
  }

  setLatency(req) {
    const { ms } = body(req);
    if (!Number.isFinite(ms) || ms < 0) throw new ControlError(400, 'ms must be a non-negative number');
    this.settings.latencyMs = ms;
    return ok({ ms });
  }

  listWebhooks(req) {
    const q = new URLSearchParams(req.rawQuery);
    if (q.get('summary') === '1') return ok({ idle: this.webhooks.idle(), ...this.webhooks.summary() });
    const list = this.webhooks.list({ provider: q.get('provider') || undefined, type: q.get('type') || undefined });
    return ok({ idle: this.webhooks.idle(), ...list });
  }

  // {"mode": ...} sets the rule for the next webhooks; {"concurrency": N} how many
  // deliveries may be under way at once; either or both.
  setWebhookMode(req) {
    const b = body(req);
    if (b.concurrency !== undefined) this.webhooks.setConcurrency(b.concurrency);
    if (b.mode !== undefined || b.concurrency === undefined) this.webhooks.setRule(b);
    return ok({ rule: this.webhooks.describeRule(), concurrency: this.webhooks.concurrency });
  }

  releaseWebhooks() {
    return ok({ released: this.webhooks.release() });
  }

  setEndpoints(req) {
    const b = body(req);
    for (const provider of ['stripe', 'paypal']) {
      if (!(provider in b)) continue;
      const url = b[provider];
      if (url !== null) {
        try { new URL(url); } catch { throw new ControlError(400, `${provider}: not a URL`); }
      }
      this.webhooks.setEndpoint(provider, url);
    }
    return ok({ endpoints: this.webhooks.endpoints });
  }

  checkoutChoice(req, id) {
    const { choice } = body(req);
    return ok(this.stripe.choose(id, choice));
  }

  checkoutExpire(req, id) {
    return ok(this.stripe.expireNow(id));
  }

  checkoutAsync(req, id) {
    const { outcome } = body(req);
    return ok(this.stripe.settle(id, outcome));
  }

  paypalTokens(req) {
    const b = body(req);
    if (b.expiresIn !== undefined) this.paypal.setTokenLifetime(b.expiresIn);
    const expired = b.expireAll ? this.paypal.expireTokens() : 0;
    return ok({ expiresIn: this.paypal.tokenLifetime, expired });
  }

  paypalChoice(req, id) {
    const { choice } = body(req);
    return ok(this.paypal.choose(id, choice));
  }

  ledger() {
    const s = this.stripe.ledger();
    const p = this.paypal.ledger();
    const charges = [...s.charges, ...p.charges];
    const refunds = [...s.refunds, ...p.refunds];
    return ok({ charges, refunds, totals: totals(charges, refunds) });
  }

  // Twilio has no idempotency keys: a POST retried after a lost answer is a second SMS, and
  // a second row here.
  listSms() {
    return ok({ messages: this.twilio.ledger() });
  }

  clearSms() {
    this.twilio.reset();
    return ok({ messages: [] });
  }
}
