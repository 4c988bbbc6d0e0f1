// The PayPal subset: OAuth client-credentials tokens, Orders v2 with the approval page,
// captures and refunds (paypal_orders.mjs), and, here, what every call shares: routing,
// Bearer tokens, JSON bodies, PayPal-Request-Id idempotency, the error shape
// (paypal_errors.mjs), webhooks with the verify endpoint, and the ledger.
//
// Webhook signatures: real PayPal signs with RSA (SHA256withRSA) and a certificate at
// PAYPAL-CERT-URL. The stand-in signs `transmission_id|transmission_time|webhook_id|crc32(body)`
// with an HMAC under a key made at start-up and never shown, so a receiver cannot check a
// delivery by itself and must ask `POST /v1/notifications/verify-webhook-signature`, exactly
// what an integration that does not fetch PayPal's certificate does in production.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { json, basicAuth, bearer, isoNow, ControlError, decodeSegment } from './http.mjs';
import { paypalEventId, debugId, accessToken, uuid } from './ids.mjs';
import { PayPalError } from './paypal_errors.mjs';
import { orders } from './paypal_orders.mjs';

// CRC-32 (IEEE 802.3), as PayPal uses in its signed string; written out because only
// node:http, node:crypto and node:url are used here.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
export function crc32(text) {
  let c = 0xffffffff;
  for (const b of Buffer.from(text, 'utf8')) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const clone = (o) => structuredClone(o);

// For matching a forwarded webhook_event object against the bytes that were sent.
function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

export class PayPalGateway {
  constructor({ clientId, clientSecret, webhookId, publicUrl, webhooks, log = () => {} }) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.webhookId = webhookId;
    this.publicUrl = publicUrl;
    this.webhooks = webhooks;
    this.log = log;
    this.signingKey = randomBytes(32); // see the header comment: for the verify endpoint only
    this.certUrl = `${publicUrl}/v1/notifications/certs/CERT-360caa42-fca2a594-standin0`;
    this.appId = 'APP-80W284485P519543T';
    this.reset();
  }

  reset() {
    this.tokens = new Map();        // access token -> expiry (ms since epoch)
    this.tokenLifetime = 32400;     // seconds, PayPal's usual 9 hours
    this.orders = new Map();        // id -> { order, declineCapture, initialStatus, returnUrl, cancelUrl, brand }
    this.captures = new Map();      // id -> { capture, orderId }
    this.refunds = new Map();       // id -> { refund, captureId }
    this.requestIds = new Map();    // "path|PayPal-Request-Id" -> stored reply
    this.transmissions = new Map(); // transmission id -> { body, time, eventId }
    this.events = new Map();        // event id -> event
  }

  // ---------------------------------------------------------------------------------------
  // Routing, authentication, idempotency

  static ROUTES = [
    ['POST', /^\/v1\/oauth2\/token$/, 'token', false],
    ['POST', /^\/v2\/checkout\/orders$/, 'createOrder', true],
    ['GET', /^\/v2\/checkout\/orders\/([^/]+)$/, 'getOrder', false],
    ['POST', /^\/v2\/checkout\/orders\/([^/]+)\/capture$/, 'captureOrder', true],
    ['GET', /^\/v2\/payments\/captures\/([^/]+)$/, 'getCapture', false],
    ['POST', /^\/v2\/payments\/captures\/([^/]+)\/refund$/, 'refundCapture', true],
    ['GET', /^\/v2\/payments\/refunds\/([^/]+)$/, 'getRefund', false],
    ['POST', /^\/v1\/notifications\/verify-webhook-signature$/, 'verifySignature', false],
    ['GET', /^\/v1\/notifications\/webhooks-events\/([^/]+)$/, 'getEvent', false],
  ];

  static owns(path) {
    return path.startsWith('/v2/') || path.startsWith('/v1/oauth2/') || path.startsWith('/v1/notifications/');
  }

  handle(req) {
    const debug = debugId();
    const headers = { 'Paypal-Debug-Id': debug };
    try {
      let route = null;
      let m = null;
      for (const r of PayPalGateway.ROUTES) {
        if (r[0] === req.method && (m = r[1].exec(req.path))) { route = r; break; }
      }
      if (!route) throw new PayPalError(404, 'RESOURCE_NOT_FOUND', [{ issue: 'INVALID_RESOURCE_ID', description: `No route for ${req.method} ${req.path}` }]);
      const [, , fn, idempotent] = route;
      if (fn !== 'token') this.authenticate(req.headers.authorization);
      const args = m.slice(1).map(decodeSegment);
      const requestId = req.headers['paypal-request-id'];
      const run = () => this.run(fn, args, req, headers, debug);
      if (!idempotent || !requestId) return run();
      // PayPal-Request-Id: the same id on the same call returns the first answer again.
      const key = `${req.path}|${requestId}`;
      const stored = this.requestIds.get(key);
      if (stored) return { status: stored.status, headers: { ...stored.headers, ...headers }, body: stored.body };
      const reply = run();
      if (reply.status < 300) this.requestIds.set(key, reply);
      return reply;
    } catch (err) {
      return this.errorReply(err, headers, debug);
    }
  }

  run(fn, args, req, headers, debug) {
    try {
      const { status = 200, body } = this[fn](...args, req);
      return json(status, body, headers, 0);
    } catch (err) {
      return this.errorReply(err, headers, debug);
    }
  }

  errorReply(err, headers, debug) {
    if (!(err instanceof PayPalError)) {
      this.log(`paypal: internal error: ${err.stack}`);
      err = new PayPalError(500, 'INTERNAL_SERVER_ERROR', [], { message: 'An internal server error has occurred.' });
    }
    return json(err.status, err.body(debug), headers, 0);
  }

  // The body of an injected "status" fault (server.mjs), as PayPal words these statuses.
  injectedError(status) {
    const debug = debugId();
    const headers = { 'Paypal-Debug-Id': debug };
    if (status === 401) return json(401, { error: 'invalid_token', error_description: 'Token signature verification failed' }, headers, 0);
    const [name, message] = status === 429 ? ['RATE_LIMIT_REACHED', 'Too many requests. Blocked due to rate limiting.']
      : status === 503 ? ['SERVICE_UNAVAILABLE', 'Service Unavailable.']
        : status >= 500 ? ['INTERNAL_SERVER_ERROR', 'An internal server error has occurred.']
          : ['INVALID_REQUEST', `Injected fault: HTTP ${status}`];
    return json(status, { name, message, debug_id: debug, links: [] }, headers, 0);
  }

  authenticate(header) {
    const token = bearer(header);
    if (!token) throw new PayPalError(401, 'AUTHENTICATION_FAILURE', [], { links: [{ href: 'https://developer.paypal.com/docs/api/overview/#error', rel: 'information_link' }] });
    const expiry = this.tokens.get(token);
    if (expiry === undefined) throw new PayPalError(401, 'invalid_token', [], { raw: { error: 'invalid_token', error_description: 'Token signature verification failed' } });
    if (Date.now() >= expiry) throw new PayPalError(401, 'invalid_token', [], { raw: { error: 'invalid_token', error_description: 'Access Token not found in cache' } });
  }

  jsonBody(req, { optional = false } = {}) {
    const text = req.body.toString('utf8');
    if (!text.trim()) {
      if (optional) return {};
      throw invalid('MALFORMED_REQUEST_JSON', '/', '');
    }
    const type = (req.headers['content-type'] || '').toLowerCase();
    if (!type.startsWith('application/json')) {
      throw new PayPalError(415, 'UNSUPPORTED_MEDIA_TYPE', [{ issue: 'UNSUPPORTED_MEDIA_TYPE', description: 'The API does not support this content type: use Content-Type: application/json.' }]);
    }
    try {
      const v = JSON.parse(text);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      return v;
    } catch {
      throw new PayPalError(400, 'INVALID_REQUEST', [{ issue: 'MALFORMED_REQUEST_JSON', location: 'body' }]);
    }
  }

  // ---------------------------------------------------------------------------------------
  // OAuth

  token(req) {
    const creds = basicAuth(req.headers.authorization);
    if (!creds || creds.user !== this.clientId || creds.pass !== this.clientSecret) {
      throw new PayPalError(401, 'invalid_client', [], { raw: { error: 'invalid_client', error_description: 'Client Authentication failed' } });
    }
    const grant = new URLSearchParams(req.body.toString('utf8')).get('grant_type') ?? new URLSearchParams(req.rawQuery).get('grant_type');
    if (!grant) throw new PayPalError(400, 'unsupported_grant_type', [], { raw: { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' } });
    if (grant !== 'client_credentials') throw new PayPalError(400, 'unsupported_grant_type', [], { raw: { error: 'unsupported_grant_type', error_description: `unsupported grant_type ${grant}` } });
    const token = accessToken();
    this.tokens.set(token, Date.now() + this.tokenLifetime * 1000);
    return {
      body: {
        scope: 'https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund https://uri.paypal.com/services/applications/webhooks https://uri.paypal.com/services/payments/orders/client_sdk https://uri.paypal.com/payments/payouts',
        access_token: token,
        token_type: 'Bearer',
        app_id: this.appId,
        expires_in: this.tokenLifetime,
        nonce: `${isoNow()}${randomBytes(16).toString('base64url')}`,
      },
    };
  }

  setTokenLifetime(seconds) {
    if (!Number.isInteger(seconds) || seconds < 0) throw new ControlError(400, 'expiresIn must be a non-negative integer (seconds)');
    this.tokenLifetime = seconds;
  }

  expireTokens() {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
    return this.tokens.size;
  }

  // ---------------------------------------------------------------------------------------
  // Webhooks

  event(type, resourceType, summary, resource) {
    const id = paypalEventId();
    const evt = {
      id,
      event_version: '1.0',
      create_time: isoNow(),
      resource_type: resourceType,
      resource_version: '2.0',
      event_type: type,
      summary,
      resource,
      links: [
        { href: `${this.publicUrl}/v1/notifications/webhooks-events/${id}`, rel: 'self', method: 'GET' },
        { href: `${this.publicUrl}/v1/notifications/webhooks-events/${id}/resend`, rel: 'resend', method: 'POST' },
      ],
    };
    this.events.set(id, evt);
    this.webhooks.emit('paypal', { id, type, payload: evt });
  }

  signature(transmissionId, time, webhookId, body) {
    return createHmac('sha256', this.signingKey).update(`${transmissionId}|${time}|${webhookId}|${crc32(body)}`).digest('base64');
  }

  // Each delivery attempt is its own transmission, with its own id, time and signature.
  sign(body, event) {
    const transmissionId = uuid();
    const time = isoNow();
    this.transmissions.set(transmissionId, { body, time, eventId: event.id });
    return {
      transmissionId,
      headers: {
        'Content-Type': 'application/json',
        'PAYPAL-TRANSMISSION-ID': transmissionId,
        'PAYPAL-TRANSMISSION-TIME': time,
        'PAYPAL-TRANSMISSION-SIG': this.signature(transmissionId, time, this.webhookId, body),
        'PAYPAL-CERT-URL': this.certUrl,
        'PAYPAL-AUTH-ALGO': 'SHA256withRSA',
        'PAYPAL-AUTH-VERSION': 'v2',
        'User-Agent': 'PayPal/AUHD-214.0-58843914',
      },
    };
  }

  verifySignature(req) {
    const b = this.jsonBody(req);
    const fields = ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id', 'webhook_event'];
    const missing = fields.filter((f) => b[f] === undefined || b[f] === null || b[f] === '');
    if (missing.length) {
      throw new PayPalError(400, 'VALIDATION_ERROR', missing.map((f) => ({ field: f, location: 'body', issue: 'Required field is missing' })), { message: 'Invalid request - see details' });
    }
    // The signature covers the bytes PayPal sent. A receiver that forwards the event as a
    // parsed object gets it matched against the bytes kept for that transmission (not a
    // re-serialisation, whose spacing and key order could differ); raw text is used as is.
    let bytes;
    const kept = this.transmissions.get(String(b.transmission_id));
    if (typeof b.webhook_event === 'string') {
      bytes = b.webhook_event;
    } else if (kept && deepEqual(b.webhook_event, JSON.parse(kept.body))) {
      bytes = kept.body;
    } else {
      bytes = JSON.stringify(b.webhook_event);
    }
    const expected = Buffer.from(this.signature(String(b.transmission_id), String(b.transmission_time), String(b.webhook_id), bytes));
    const given = Buffer.from(String(b.transmission_sig));
    const ok = b.auth_algo === 'SHA256withRSA' && b.cert_url === this.certUrl &&
      given.length === expected.length && timingSafeEqual(given, expected);
    return { body: { verification_status: ok ? 'SUCCESS' : 'FAILURE' } };
  }

  getEvent(id) {
    const evt = this.events.get(id);
    if (!evt) throw notFound('event_id', id);
    return { body: clone(evt) };
  }

  // ---------------------------------------------------------------------------------------
  // The stand-in's book of money

  ledger() {
    const charges = [...this.captures.values()].map((c) => {
      const o = this.orders.get(c.orderId);
      const unit = o.order.purchase_units.find((u) => u.reference_id === c.referenceId);
      return {
        provider: 'paypal',
        id: c.capture.id,
        order_id: c.orderId,
        reference_id: c.referenceId,
        custom_id: c.capture.custom_id ?? null,
        invoice_id: c.capture.invoice_id ?? null,
        description: unit?.description ?? null,
        amount: c.minor,
        amount_captured: c.capture.status === 'DECLINED' ? 0 : c.minor,
        amount_refunded: c.refundedMinor,
        value: c.capture.amount.value,
        currency: c.capture.amount.currency_code,
        status: c.capture.status,
        created: c.capture.create_time,
      };
    });
    const refunds = [...this.refunds.values()].map((r) => ({
      provider: 'paypal',
      id: r.refund.id,
      capture_id: r.captureId,
      order_id: r.orderId,
      custom_id: r.refund.custom_id ?? null,
      invoice_id: r.refund.invoice_id ?? null,
      amount: r.minor,
      value: r.refund.amount.value,
      currency: r.refund.amount.currency_code,
      status: r.refund.status,
      created: r.refund.create_time,
    }));
    return { charges, refunds };
  }
}

// Orders, captures and refunds are methods in paypal_orders.mjs, mixed into the one gateway
// object that holds the state they share.
Object.assign(PayPalGateway.prototype, orders);
