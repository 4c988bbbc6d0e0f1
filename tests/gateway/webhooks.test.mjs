// Stripe webhook deliveries: signed so that stripe-node's constructEvent accepts them (and
// rejects a tampered body), retried on failure, and misdelivered on request by the control
// API's modes — duplicate, drop, hold/release, delay, reverse.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startGateway, startReceiver, waitFor, KEYS } from './harness.mjs';

let gw;
let hook;
let stripe;

before(async () => {
  hook = await startReceiver();
  gw = await startGateway({ stripe: { webhookUrl: `${hook.url}/stripe` } });
  const { port } = new URL(gw.base);
  stripe = new Stripe(KEYS.stripeSecret, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
});

after(async () => {
  assert.doesNotMatch(gw.log(), /internal error/);
  await gw.stop();
  await hook.close();
});

beforeEach(async () => {
  await gw.settled();
  await gw.control('/webhooks', { mode: 'normal' });
  hook.respond = () => 200;
  hook.received.length = 0;
});

const session = () => stripe.checkout.sessions.create({
  mode: 'payment',
  success_url: 'http://shop.test/ok',
  line_items: [{ price_data: { currency: 'eur', unit_amount: 4500, product_data: { name: 'Ticket' } }, quantity: 1 }],
});
const types = () => hook.received.map((d) => JSON.parse(d.body).type);
const ids = () => hook.received.map((d) => JSON.parse(d.body).id);

test('every delivery verifies with stripe.webhooks.constructEvent; a tampered one does not', async () => {
  const s = await session();
  await gw.control(`/checkout/${s.id}`, { choice: 'pay' });
  await stripe.refunds.create({ payment_intent: (await stripe.checkout.sessions.retrieve(s.id)).payment_intent, amount: 500 });
  await gw.settled();
  assert.deepEqual(types(), ['payment_intent.succeeded', 'checkout.session.completed', 'charge.refunded']);
  for (const d of hook.received) {
    assert.equal(d.headers['content-type'], 'application/json; charset=utf-8');
    assert.match(d.headers['stripe-signature'], /^t=[0-9]+,v1=[0-9a-f]{64}$/);
    const evt = stripe.webhooks.constructEvent(d.body, d.headers['stripe-signature'], KEYS.stripeWebhookSecret);
    assert.equal(evt.object, 'event');
    assert.match(evt.id, /^evt_/);
    assert.equal(evt.api_version, '2024-06-20');
    assert.equal(evt.livemode, false);
    assert.equal(evt.pending_webhooks, 1);
    assert.ok('request' in evt && 'id' in evt.request && 'idempotency_key' in evt.request);
    const tampered = d.body.replace('"livemode": false', '"livemode": true');
    assert.notEqual(tampered, d.body);
    assert.throws(() => stripe.webhooks.constructEvent(tampered, d.headers['stripe-signature'], KEYS.stripeWebhookSecret), Stripe.errors.StripeSignatureVerificationError);
    assert.throws(() => stripe.webhooks.constructEvent(d.body, d.headers['stripe-signature'], 'whsec_other'), Stripe.errors.StripeSignatureVerificationError);
  }
  const refund = JSON.parse(hook.received[2].body);
  assert.equal(refund.data.object.object, 'charge');
  assert.equal(refund.data.object.amount_refunded, 500);
  assert.deepEqual(refund.data.previous_attributes, { amount_refunded: 0, refunded: false });
  assert.match(refund.request.id, /^req_/);
  assert.match(refund.request.idempotency_key, /^stripe-node-retry-/);
});

test('a failing receiver is retried with growing delays until it answers 2xx', async () => {
  let calls = 0;
  hook.respond = () => (++calls <= 2 ? 500 : 204);
  const s = await session();
  await stripe.checkout.sessions.expire(s.id);
  await gw.settled();
  const { events } = await gw.webhooks('?type=checkout.session.expired');
  const evt = events.find((e) => e.payload.data.object.id === s.id);
  assert.equal(evt.state, 'delivered');
  assert.deepEqual(evt.deliveries.map((d) => d.status), [500, 500, 204]);
  const gaps = hook.received.slice(1).map((d, i) => d.at - hook.received[i].at);
  assert.ok(gaps[1] > gaps[0], `delays grow: ${gaps}`);
  // Each attempt is signed anew, and each verifies.
  for (const d of hook.received) stripe.webhooks.constructEvent(d.body, d.headers['stripe-signature'], KEYS.stripeWebhookSecret);
});

test('a receiver that is down: every attempt recorded as an error, then failed', async () => {
  await gw.control('/webhooks/endpoints', { stripe: 'http://127.0.0.1:9/nothing-listens-here' });
  try {
    const s = await session();
    await stripe.checkout.sessions.expire(s.id);
    await gw.settled();
    const evt = (await gw.webhooks('?type=checkout.session.expired')).events.find((e) => e.payload.data.object.id === s.id);
    assert.equal(evt.state, 'failed');
    assert.equal(evt.deliveries.length, 4, 'the first attempt and three retries (the test config)');
    for (const d of evt.deliveries) {
      assert.equal(d.status, null);
      assert.ok(d.error);
    }
  } finally {
    await gw.control('/webhooks/endpoints', { stripe: `${hook.url}/stripe` });
  }
});

test('duplicate: the same event arrives twice', async () => {
  await gw.control('/webhooks', { mode: 'duplicate', times: 1 });
  const s = await session();
  await stripe.checkout.sessions.expire(s.id);
  await gw.settled();
  assert.equal(hook.received.length, 2);
  assert.equal(ids()[0], ids()[1]);
  for (const d of hook.received) stripe.webhooks.constructEvent(d.body, d.headers['stripe-signature'], KEYS.stripeWebhookSecret);
  const evt = (await gw.webhooks()).events.find((e) => e.id === ids()[0]);
  assert.equal(evt.mode, 'duplicate');
  assert.equal(evt.deliveries.length, 2);
});

test('drop: the event is recorded but never delivered', async () => {
  await gw.control('/webhooks', { mode: 'drop', times: 1 });
  const s = await session();
  await stripe.checkout.sessions.expire(s.id);
  await gw.settled();
  assert.equal(hook.received.length, 0);
  const evt = (await gw.webhooks('?provider=stripe&type=checkout.session.expired')).events.find((e) => e.payload.data.object.id === s.id);
  assert.equal(evt.state, 'dropped');
  assert.deepEqual(evt.deliveries, []);
  // The rule was for one event only.
  const s2 = await session();
  await stripe.checkout.sessions.expire(s2.id);
  await waitFor(() => hook.received.length === 1, { what: 'the next event' });
});

test('hold and release: nothing arrives until released, then all in order', async () => {
  await gw.control('/webhooks', { mode: 'hold', times: 2 });
  const s = await session();
  await gw.control(`/checkout/${s.id}`, { choice: 'pay' });
  const held = await waitFor(async () => { const w = await gw.webhooks(); return w.held === 2 && w; }, { what: 'two held events' });
  assert.equal(held.events.filter((e) => e.state === 'held').length, 2);
  assert.equal(hook.received.length, 0);
  const { released } = await gw.control('/webhooks/release', {});
  assert.equal(released.length, 2);
  await gw.settled();
  assert.deepEqual(types(), ['payment_intent.succeeded', 'checkout.session.completed']);
});

test('delay: the event arrives late', async () => {
  await gw.control('/webhooks', { mode: 'delay', delayMs: 300, times: 1 });
  const s = await session();
  const started = Date.now();
  await stripe.checkout.sessions.expire(s.id);
  await waitFor(() => hook.received.length === 1, { what: 'the late event' });
  assert.ok(hook.received[0].at - started >= 300, `arrived after ${hook.received[0].at - started} ms`);
});

test('reverse: the events of one cause arrive last first', async () => {
  await gw.control('/webhooks', { mode: 'reverse', times: 2 });
  const s = await session();
  await gw.control(`/checkout/${s.id}`, { choice: 'pay' });
  await gw.settled();
  assert.deepEqual(types(), ['checkout.session.completed', 'payment_intent.succeeded']);
});

test('bad control requests are refused', async () => {
  await assert.rejects(gw.control('/webhooks', { mode: 'sometimes' }), { status: 400 });
  await assert.rejects(gw.control('/webhooks', { mode: 'hold', times: 0 }), { status: 400 });
});

test('no webhook URL: events are kept, nothing is sent', async () => {
  await gw.control('/webhooks/endpoints', { stripe: null });
  try {
    const s = await session();
    await stripe.checkout.sessions.expire(s.id);
    await gw.settled();
    const evt = (await gw.webhooks()).events.find((e) => e.type === 'checkout.session.expired' && e.payload.data.object.id === s.id);
    assert.equal(evt.state, 'no_endpoint');
    assert.equal(hook.received.length, 0);
  } finally {
    await gw.control('/webhooks/endpoints', { stripe: `${hook.url}/stripe` });
  }
});

test('concurrency: several deliveries at once, all delivered; the summary counts them', async () => {
  const { concurrency } = await gw.control('/webhooks', { concurrency: 4 });
  assert.equal(concurrency, 4);
  try {
    const sessions = await Promise.all(Array.from({ length: 10 }, session));
    await Promise.all(sessions.map((s) => gw.control(`/checkout/${s.id}`, { choice: 'pay' })));
    await gw.settled();
    assert.equal(hook.received.length, 20);
    const summary = await gw.webhooks('?summary=1');
    assert.equal(summary.idle, true);
    assert.equal(summary.concurrency, 4);
    assert.ok(summary.states.delivered >= 20);
    assert.equal(summary.events, Object.values(summary.states).reduce((a, b) => a + b, 0));
  } finally {
    await gw.control('/webhooks', { concurrency: 1 });
  }
  await assert.rejects(gw.control('/webhooks', { concurrency: 0 }), { status: 400 });
});
