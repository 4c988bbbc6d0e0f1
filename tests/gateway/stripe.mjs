// The Stripe subset: Checkout Sessions with their hosted page (stripe_checkout.mjs),
// PaymentIntents confirmed with Stripe's documented test payment methods, refunds and events
// (stripe_payments.mjs), and, here, what every call shares: authentication, form-encoded
// parameters, Idempotency-Key semantics, Stripe's error shape, expansion, lists, events and
// their signed webhooks, and the ledger.
//
// Every handler is synchronous: an operation happens completely or not at all before its
// answer is built, which is what makes the idempotent replay, the faults that close the
// connection after the fact ("drop"), and the ledger exact.
import { createHmac } from 'node:crypto';
import { decode, canonical, FormError } from './forms.mjs';
import * as P from './stripe_params.mjs';
import { StripeError } from './stripe_params.mjs';
import { json, basicAuth, bearer, nowSeconds, decodeSegment } from './http.mjs';
import { stripeId } from './ids.mjs';
import { checkout } from './stripe_checkout.mjs';
import { payments } from './stripe_payments.mjs';

// The API version of the webhook endpoint's events (what `api_version` says in them).
export const API_VERSION = '2024-06-20';

const EXPAND = { // which fields of which objects can be expanded, and from where
  'checkout.session': { payment_intent: 'intents', line_items: 'line_items' },
  payment_intent: { latest_charge: 'charges' },
  refund: { charge: 'charges', payment_intent: 'intents' },
  charge: { payment_intent: 'intents' },
};

const clone = (o) => structuredClone(o);

export class StripeGateway {
  constructor({ secretKey, webhookSecret, publicUrl, webhooks, asyncDelayMs = 1000, log = () => {} }) {
    this.secretKey = secretKey;
    this.webhookSecret = webhookSecret;
    this.publicUrl = publicUrl;
    this.webhooks = webhooks;
    this.asyncDelayMs = asyncDelayMs;
    this.log = log;
    this.timers = new Set();
    this.reset();
  }

  reset() {
    this.stop();
    this.sessions = new Map();   // id -> { obj, lineItems, piData, asyncOutcome, asyncTimer }
    this.intents = new Map();    // id -> PaymentIntent
    this.charges = new Map();    // id -> Charge
    this.refunds = new Map();    // id -> Refund
    this.methods = new Map();    // pm id -> PaymentMethod (made from a test token)
    this.events = [];            // Event objects, oldest first
    this.idem = new Map();       // Idempotency-Key -> stored answer
    this.sessionOfIntent = new Map();
  }

  stop() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  later(ms, fn) {
    // setTimeout takes at most 2^31-1 ms (~24.8 days); sessions live 24 h at most.
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, Math.min(Math.max(ms, 0), 2 ** 31 - 1));
    this.timers.add(t);
    return t;
  }

  cancelTimer(t) {
    if (t) { clearTimeout(t); this.timers.delete(t); }
  }

  // ---------------------------------------------------------------------------------------
  // The API: authentication, parameters, idempotency, routing

  static ROUTES = [
    ['POST', /^\/v1\/checkout\/sessions$/, 'createSession'],
    ['GET', /^\/v1\/checkout\/sessions$/, 'listSessions'],
    ['GET', /^\/v1\/checkout\/sessions\/([^/]+)$/, 'getSession'],
    ['GET', /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/, 'listLineItems'],
    ['POST', /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, 'expireSession'],
    ['POST', /^\/v1\/payment_intents$/, 'createIntent'],
    ['GET', /^\/v1\/payment_intents\/search$/, 'searchIntents'],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, 'getIntent'],
    ['POST', /^\/v1\/payment_intents\/([^/]+)\/confirm$/, 'confirmIntent'],
    ['POST', /^\/v1\/payment_intents\/([^/]+)\/capture$/, 'captureIntent'],
    ['POST', /^\/v1\/payment_intents\/([^/]+)\/cancel$/, 'cancelIntent'],
    ['GET', /^\/v1\/charges\/([^/]+)$/, 'getCharge'],
    ['POST', /^\/v1\/refunds$/, 'createRefund'],
    ['GET', /^\/v1\/refunds\/([^/]+)$/, 'getRefund'],
    ['GET', /^\/v1\/events$/, 'listEvents'],
    ['GET', /^\/v1\/events\/([^/]+)$/, 'getEvent'],
  ];

  // req: { method, path, rawQuery, headers, body (Buffer), requestId } -> reply
  handle(req) {
    const headers = { 'Request-Id': req.requestId, 'Stripe-Version': req.headers['stripe-version'] || API_VERSION };
    const key = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
    if (key !== undefined) headers['Idempotency-Key'] = key;
    try {
      this.authenticate(req.headers.authorization);
      const params = this.params(req);
      let route = null;
      let m = null;
      for (const r of StripeGateway.ROUTES) {
        if (r[0] === req.method && (m = r[1].exec(req.path))) { route = r; break; }
      }
      if (!route) {
        throw new StripeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.` });
      }
      const ctx = { requestId: req.requestId, idempotencyKey: key ?? null, version: headers['Stripe-Version'] };
      const run = () => this.run(route[2], m.slice(1).map(decodeSegment), params, ctx, headers);
      return key === undefined ? run() : this.idempotent(key, req, params, headers, run);
    } catch (err) {
      return this.errorReply(err, headers, req.requestId);
    }
  }

  run(fn, args, params, ctx, headers) {
    try {
      return json(200, this[fn](...args, params, ctx), headers);
    } catch (err) {
      return this.errorReply(err, headers, ctx.requestId);
    }
  }

  errorReply(err, headers, requestId) {
    if (!(err instanceof StripeError)) {
      this.log(`stripe: internal error: ${err.stack}`);
      err = new StripeError(500, { type: 'api_error', message: 'An unknown error occurred' });
    }
    return json(err.status, err.body(requestId), headers);
  }

  // The body of an injected "status" fault (server.mjs): what Stripe answers when it is
  // overloaded (429) or failing (5xx).
  injectedError(status, requestId) {
    const headers = { 'Request-Id': requestId, 'Stripe-Version': API_VERSION };
    let error;
    if (status === 429) error = { type: 'invalid_request_error', code: 'rate_limit', message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.' };
    else if (status >= 500) error = { type: 'api_error', message: "Sorry, something went wrong. We've already been notified of the problem, but if you need any help, you can reach us at support.stripe.com/contact." };
    else if (status === 401) error = { type: 'authentication_error', message: 'Invalid API Key provided (injected fault)' };
    else error = { type: 'invalid_request_error', message: `Injected fault: HTTP ${status}` };
    return json(status, { error }, headers);
  }

  authenticate(header) {
    const key = bearer(header) ?? basicAuth(header)?.user;
    if (!key) {
      throw new StripeError(401, { type: 'authentication_error', message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/." });
    }
    if (key !== this.secretKey) {
      const masked = key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}` : '****';
      throw new StripeError(401, { type: 'authentication_error', message: `Invalid API Key provided: ${masked}` });
    }
  }

  // Parameters come form-encoded in the body (POST) and/or the query string.
  params(req) {
    const type = (req.headers['content-type'] || '').toLowerCase();
    if (req.method === 'POST' && req.body.length && type.startsWith('application/json')) {
      // A common mistake with a hand-written client; Stripe reads only form bodies.
      throw P.invalidRequest('Invalid request (check that your POST content type is application/x-www-form-urlencoded). If you have any questions, we can help at https://support.stripe.com/.');
    }
    try {
      const q = decode(req.rawQuery);
      const b = req.method === 'POST' ? decode(req.body.toString('utf8')) : {};
      return { ...q, ...b };
    } catch (err) {
      if (err instanceof FormError) throw P.invalidRequest(err.message, { param: err.param ?? undefined });
      throw err;
    }
  }

  // Stripe's rules: the same key with the same parameters on the same endpoint returns the
  // first answer again (status and body) with `Idempotent-Replayed: true`; with other
  // parameters or another endpoint, an idempotency_error. Only answers of a request that
  // began to execute are kept: 2xx and 402 (a decline is a result), not validation errors.
  idempotent(key, req, params, headers, run) {
    if (key.length > 255) throw P.invalidRequest('Idempotency keys can be at most 255 characters long.', { param: 'Idempotency-Key' });
    const fingerprint = canonical(params);
    const stored = this.idem.get(key);
    if (stored) {
      if (stored.path !== req.path) {
        throw new StripeError(400, { type: 'idempotency_error', message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${stored.path}' vs '${req.path}'). Try using a key other than '${key}' if you meant to execute a different request.` });
      }
      if (stored.fingerprint !== fingerprint) {
        throw new StripeError(400, { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` });
      }
      return {
        status: stored.status,
        headers: { ...stored.headers, ...headers, 'Idempotent-Replayed': 'true', 'Original-Request': stored.requestId },
        body: stored.body,
      };
    }
    const reply = run();
    if (reply.status < 300 || reply.status === 402) {
      this.idem.set(key, { path: req.path, fingerprint, status: reply.status, headers: { ...reply.headers }, body: reply.body, requestId: req.requestId });
    }
    return reply;
  }

  // ---------------------------------------------------------------------------------------
  // Events, webhooks, expansion, lists

  event(type, object, ctx, previous) {
    const evt = {
      id: stripeId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: nowSeconds(),
      data: previous ? { object: clone(object), previous_attributes: previous } : { object: clone(object) },
      livemode: false,
      pending_webhooks: this.webhooks.endpoints.stripe ? 1 : 0,
      request: { id: ctx?.requestId ?? null, idempotency_key: ctx?.idempotencyKey ?? null },
      type,
    };
    this.events.push(evt);
    this.webhooks.emit('stripe', { id: evt.id, type, payload: evt, indent: 2 });
    return evt;
  }

  // `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, a fresh t for
  // every attempt, as Stripe signs each delivery anew.
  sign(body) {
    const t = nowSeconds();
    const v1 = createHmac('sha256', this.webhookSecret).update(`${t}.${body}`).digest('hex');
    return {
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Stripe-Signature': `t=${t},v1=${v1}`,
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Cache-Control': 'no-cache',
        Accept: '*/*; q=0.5, application/xml',
      },
    };
  }

  expand(kind, obj, paths) {
    const out = clone(obj);
    for (const path of paths) {
      const [head, ...rest] = path.split('.');
      const source = EXPAND[kind]?.[head];
      if (!source) throw P.invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
      if (source === 'line_items') {
        out.line_items = this.lineItemList(obj.id, {});
        continue;
      }
      const id = obj[head];
      if (id === null || id === undefined) continue;
      const target = this[source].get(typeof id === 'string' ? id : id.id);
      if (!target) continue;
      out[head] = rest.length ? this.expand(target.object, target, [rest.join('.')]) : clone(target);
    }
    return out;
  }

  list(items, params, url, kind) {
    P.checkKnown(params, { limit: true, starting_after: true, ending_before: true, expand: 'array' });
    const limit = params.limit === undefined ? 10 : P.integer(params.limit, 'limit', { min: 1, max: 100 });
    let rows = [...items].reverse(); // newest first, as Stripe lists
    if (params.starting_after !== undefined) {
      const i = rows.findIndex((o) => o.id === params.starting_after);
      if (i === -1) throw P.noSuch(kind, params.starting_after, 'starting_after', 400);
      rows = rows.slice(i + 1);
    } else if (params.ending_before !== undefined) {
      const i = rows.findIndex((o) => o.id === params.ending_before);
      if (i === -1) throw P.noSuch(kind, params.ending_before, 'ending_before', 400);
      rows = rows.slice(Math.max(0, i - limit), i);
    }
    const expand = P.expandList(params.expand).map((p) => p.replace(/^data\./, ''));
    return { object: 'list', data: rows.slice(0, limit).map((o) => this.expand(o.object, o, expand)), has_more: rows.length > limit, url };
  }

  // ---------------------------------------------------------------------------------------
  // The stand-in's book of money

  ledger() {
    const charges = [...this.charges.values()].map((ch) => {
      const pi = this.intents.get(ch.payment_intent);
      const sid = this.sessionOfIntent.get(pi.id) ?? null;
      const s = sid && this.sessions.get(sid);
      return {
        provider: 'stripe',
        id: ch.id,
        payment_intent: pi.id,
        checkout_session: sid,
        client_reference_id: s ? s.obj.client_reference_id : null,
        amount: ch.amount,
        amount_captured: ch.amount_captured,
        amount_refunded: ch.amount_refunded,
        currency: ch.currency,
        status: ch.status,
        captured: ch.captured,
        refunded: ch.refunded,
        metadata: clone(pi.metadata),
        session_metadata: s ? clone(s.obj.metadata) : null,
        created: ch.created,
      };
    });
    const refunds = [...this.refunds.values()].map((re) => ({
      provider: 'stripe',
      id: re.id,
      charge: re.charge,
      payment_intent: re.payment_intent,
      checkout_session: this.sessionOfIntent.get(re.payment_intent) ?? null,
      amount: re.amount,
      currency: re.currency,
      status: re.status,
      reason: re.reason,
      metadata: clone(re.metadata),
      created: re.created,
    }));
    return { charges, refunds };
  }
}

// The endpoints live in two files of methods, mixed into the one gateway object that holds
// the state they share.
Object.assign(StripeGateway.prototype, checkout, payments);
