// Injected faults on API calls, seen from a client: a call that never answers, an error
// status in the provider's shape, broken or cut-off JSON, a late answer, and a dropped
// connection after the operation happened (which only the ledger and a retry reveal).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startGateway, stripeForm, stripeAuth, KEYS, waitFor } from './harness.mjs';

let gw;
let stripe;
let hanging = null; // a call the last test leaves unanswered on purpose

before(async () => {
  gw = await startGateway();
  const { port } = new URL(gw.base);
  stripe = new Stripe(KEYS.stripeSecret, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
});

after(async () => {
  assert.doesNotMatch(gw.log(), /internal error/);
  const { code } = await gw.stop();
  assert.equal(code, 0, 'stops cleanly even with a call left hanging');
  assert.equal(await hanging, 'closed', 'and closes that call');
});

beforeEach(() => gw.control('/reset', {}));

const intent = (tag, extra = {}) => ({ amount: '4500', currency: 'eur', payment_method: 'pm_card_visa', confirm: 'true', 'payment_method_types[0]': 'card', 'metadata[tag]': tag, ...extra });
const post = (path, params, headers = {}, signal) => fetch(`${gw.base}${path}`, {
  method: 'POST',
  headers: { ...stripeAuth, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  body: stripeForm(params),
  signal,
});
const chargesTagged = async (tag) => (await gw.ledger()).charges.filter((c) => c.metadata?.tag === tag);

test('timeout: the call hangs, the client gives up, nothing happened', async () => {
  await gw.control('/faults', { match: { method: 'POST', path: '/v1/payment_intents' }, action: 'timeout' });
  const started = Date.now();
  await assert.rejects(post('/v1/payment_intents', intent('timeout'), {}, AbortSignal.timeout(500)), { name: 'TimeoutError' });
  assert.ok(Date.now() - started >= 450);
  assert.deepEqual(await chargesTagged('timeout'), []);
  assert.deepEqual((await gw.control('/faults')).faults, [], 'the fault was used up');
  const ok = await post('/v1/payment_intents', intent('timeout'));
  assert.equal(ok.status, 200, 'the next call is normal');
  // stripe-node's own timeout sees it as a connection error.
  await gw.control('/faults', { match: { path: '/v1/payment_intents' }, action: 'timeout' });
  const impatient = new Stripe(KEYS.stripeSecret, { host: '127.0.0.1', port: new URL(gw.base).port, protocol: 'http', maxNetworkRetries: 0, timeout: 300 });
  await assert.rejects(impatient.paymentIntents.retrieve('pi_whatever'), Stripe.errors.StripeConnectionError);
});

test('status: 503 and 429 in Stripe\'s shape; nothing happened', async () => {
  await gw.control('/faults', { match: { path: '/v1/payment_intents' }, action: 'status', status: 503 });
  await assert.rejects(stripe.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'], metadata: { tag: '503' } }), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeAPIError);
    assert.equal(err.statusCode, 503);
    assert.equal(err.rawType, 'api_error');
    return true;
  });
  assert.deepEqual(await chargesTagged('503'), []);
  await gw.control('/faults', { match: { method: 'GET' }, action: 'status', status: 429, times: 2 });
  await assert.rejects(stripe.paymentIntents.retrieve('pi_x'), Stripe.errors.StripeRateLimitError);
  await assert.rejects(stripe.checkout.sessions.retrieve('cs_x'), Stripe.errors.StripeRateLimitError);
  await assert.rejects(stripe.checkout.sessions.retrieve('cs_x'), { statusCode: 404 }, 'two calls only');
});

test('status: with retries, stripe-node retries a 503 with the same Idempotency-Key and succeeds once', async () => {
  await gw.control('/faults', { match: { path: '/v1/payment_intents' }, action: 'status', status: 503 });
  const patient = new Stripe(KEYS.stripeSecret, { host: '127.0.0.1', port: new URL(gw.base).port, protocol: 'http', maxNetworkRetries: 2, telemetry: false });
  const pi = await patient.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'], metadata: { tag: 'retry' } });
  assert.equal(pi.status, 'succeeded');
  assert.equal((await chargesTagged('retry')).length, 1);
});

test('badjson: 200 with JSON that does not parse; the operation happened', async () => {
  await gw.control('/faults', { match: { path: '/v1/payment_intents' }, action: 'badjson' });
  await assert.rejects(stripe.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'], metadata: { tag: 'badjson' } }), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeAPIError);
    assert.match(err.message, /Invalid JSON/);
    return true;
  });
  assert.equal((await chargesTagged('badjson')).length, 1);
});

test('truncate: half a body, then the connection closes; the operation happened', async () => {
  await gw.control('/faults', { match: { path: '/v1/payment_intents' }, action: 'truncate' });
  const res = await post('/v1/payment_intents', intent('truncate'));
  assert.equal(res.status, 200);
  await assert.rejects(res.text());
  assert.equal((await chargesTagged('truncate')).length, 1);
});

test('drop: the connection closes unanswered, the charge is in the ledger, a retry with the key replays', async () => {
  await gw.control('/faults', { match: { method: 'POST', path: '/v1/payment_intents' }, action: 'drop' });
  const key = 'drop-test-key';
  await assert.rejects(post('/v1/payment_intents', intent('drop'), { 'Idempotency-Key': key }), TypeError);
  const [charge] = await chargesTagged('drop');
  assert.equal(charge.status, 'succeeded');
  assert.equal(charge.amount_captured, 4500);
  const retry = await post('/v1/payment_intents', intent('drop'), { 'Idempotency-Key': key });
  assert.equal(retry.status, 200);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  assert.equal((await retry.json()).latest_charge, charge.id);
  assert.equal((await chargesTagged('drop')).length, 1, 'still one charge');
});

test('delay: the answer comes late; latency: every API call is slower', async () => {
  await gw.control('/faults', { match: { path: '/v1/payment_intents' }, action: 'delay', delayMs: 300 });
  let started = Date.now();
  const res = await post('/v1/payment_intents', intent('delay'));
  assert.equal(res.status, 200);
  assert.ok(Date.now() - started >= 300);
  await gw.control('/latency', { ms: 400 });
  started = Date.now();
  await stripe.paymentIntents.retrieve((await res.json()).id);
  assert.ok(Date.now() - started >= 400);
  started = Date.now();
  await gw.control('/ledger');
  assert.ok(Date.now() - started < 400, 'the control API is not slowed');
  assert.deepEqual(await gw.control('/latency'), { ms: 400 });
});

test('faults list, match by method and path prefix, and apply to PayPal in PayPal\'s shape', async () => {
  await gw.control('/faults', { match: { method: 'POST', path: '/v2/checkout/orders' }, action: 'status', status: 500, times: 3 });
  await gw.control('/faults', { match: { path: '/v1/oauth2/' }, action: 'status', status: 503 });
  const { faults } = await gw.control('/faults');
  assert.deepEqual(faults.map((f) => [f.action, f.status, f.remaining]), [['status', 500, 3], ['status', 503, 1]]);
  const token = await fetch(`${gw.base}/v1/oauth2/token`, { method: 'POST', body: 'grant_type=client_credentials', headers: { Authorization: `Basic ${Buffer.from(`${KEYS.paypalClientId}:${KEYS.paypalClientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(token.status, 503);
  const body = await token.json();
  assert.equal(body.name, 'SERVICE_UNAVAILABLE');
  assert.ok(body.debug_id);
  const order = await fetch(`${gw.base}/v2/checkout/orders`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
  assert.equal(order.status, 500);
  assert.equal((await order.json()).name, 'INTERNAL_SERVER_ERROR');
  assert.equal((await gw.control('/faults')).faults[0].remaining, 2);
  await assert.rejects(gw.control('/faults', { action: 'explode' }), { status: 400 });
  await assert.rejects(gw.control('/faults', { action: 'status', status: 200 }), { status: 400 });
});

test('hosted pages and the control API are never faulted', async () => {
  await gw.control('/faults', { action: 'drop', times: 5 });
  const s = await fetch(`${gw.base}/c/pay/cs_test_none`);
  assert.equal(s.status, 404);
  const p = await fetch(`${gw.base}/checkoutnow?token=NONE`);
  assert.equal(p.status, 404);
  assert.equal((await gw.control('/faults')).faults[0].remaining, 5);
});

test('a call left hanging does not keep the stand-in from stopping (checked in after())', async () => {
  await gw.control('/faults', { match: { path: '/v1/refunds' }, action: 'timeout' });
  hanging = post('/v1/refunds', { payment_intent: 'pi_x' }).then((r) => r.text()).catch(() => 'closed');
  // The fault is used up as soon as the call has arrived.
  await waitFor(async () => (await gw.control('/faults')).faults.length === 0, { what: 'the call to arrive' });
});
