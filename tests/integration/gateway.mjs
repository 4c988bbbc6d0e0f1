// The payment gateway stand-in (tests/gateway) as the integration tests drive it: its control
// API (a shopper's choice on the hosted pages, faults, webhook delivery modes, its own ledger),
// and the official stripe package for signing webhooks the way Stripe does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BASE_URL, SRCDIR, sql, waitFor } from './lib.mjs';
import { parseCheckout } from './checkout.mjs';

export const GATEWAY_URL = process.env.BOXOFFICE_GATEWAY_URL;
const CONFIG = JSON.parse(readFileSync(process.env.BOXOFFICE_GATEWAY_CONFIG, 'utf8'));
export const STRIPE_WEBHOOK_SECRET = CONFIG.stripe.webhookSecret;
export const STRIPE_SECRET_KEY = CONFIG.stripe.secretKey;

// The official package, installed for the stand-in's own tests.
const require = createRequire(path.join(SRCDIR, 'tests/gateway/package.json'));
const StripeSdk = require('stripe');
export const stripeSdk = new StripeSdk(STRIPE_SECRET_KEY, {
  host: new URL(GATEWAY_URL).hostname, port: Number(new URL(GATEWAY_URL).port), protocol: 'http',
});

// A kept-alive connection that sat idle (as after a burst of checkouts) can be closed by the
// stand-in (keepAliveTimeout) just as a call goes out on it: fetch says "other side closed"
// and, for a POST, never tries again. That call never reached the stand-in's routes (none of
// the control routes drops a connection), so it goes again, on another connection.
export async function control(method, route, body) {
  const call = () => fetch(`${GATEWAY_URL}/_control/${route}`, {
    method, headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  let r;
  for (let tries = 1; !r; tries++) {
    try {
      r = await call();
    } catch (e) {
      if (e.cause?.code !== 'UND_ERR_SOCKET' || tries === 3) throw e;
    }
  }
  const json = await r.json();
  assert.ok(r.ok, `${method} /_control/${route}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

// Every webhook the stand-in owes has been delivered (and answered).
export async function webhooksSettled() {
  await waitFor(async () => (await control('GET', 'webhooks?summary=1')).idle, { what: 'webhook deliveries', timeoutMs: 15_000 });
}

export const ledger = () => control('GET', 'ledger');

// The newest attempt of a booking, as MariaDB has it.
export function paymentOf(bookingId) {
  const rows = sql(`SELECT payment_id, provider, status, provider_ref, session_id, refunded_cents, amount_cents
    FROM payments WHERE booking_id = ${bookingId} ORDER BY payment_id DESC LIMIT 1`);
  if (rows.length === 0) return null;
  const [id, provider, status, ref, session, refunded, amount] = rows[0];
  return { id: Number(id), provider, status, ref, session, refunded: Number(refunded), amount: Number(amount) };
}

export const bookingStatus = (bookingId) =>
  sql(`SELECT payment_status FROM bookings WHERE booking_id = ${bookingId}`)[0][0];

export const eventsOf = (paymentId) =>
  sql(`SELECT event_type, outcome FROM payment_events WHERE payment_id = ${paymentId} ORDER BY received_at, event_type`);

// Press Pay on the checkout page with a gateway chosen: the answer must send the shopper to
// the gateway's own page. Returns that address and the attempt.
export async function payAtGateway(shopper, booking, page, method = 'stripe',
  details = { name: 'Ada Lovelace', email: 'ada@example.com' }) {
  const r = await shopper.post(`/checkout/${booking.bookingId}/pay`, [
    ['csrf_token', page.pay.fields.csrf_token], ['token', booking.token],
    ['name', details.name], ['email', details.email], ['paymentMethod', method],
  ]);
  assert.equal(r.status, 303, `pay with ${method}: ${r.status} ${r.body?.slice(0, 300)}`);
  const location = r.headers.get('location');
  assert.ok(location.startsWith(GATEWAY_URL), `sent to the gateway: ${location}`);
  return { location, payment: paymentOf(booking.bookingId) };
}

// The shopper's click on the hosted page (through the control API, as the page's form does);
// returns the address the gateway sends them back to, if any.
export async function choose(payment, choice) {
  const route = payment.provider === 'paypal' ? `paypal/${payment.session}` : `checkout/${payment.session}`;
  const r = await control('POST', route, { choice });
  return r.redirect ?? null;
}

// Follow the gateway's redirect back to us, as the shopper's browser does.
export async function comeBack(shopper, url) {
  assert.ok(url?.startsWith(BASE_URL), `back to the shop: ${url}`);
  return shopper.get(url.slice(BASE_URL.length));
}

export { parseCheckout };
