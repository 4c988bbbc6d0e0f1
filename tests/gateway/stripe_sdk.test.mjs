// The Stripe half of the stand-in, driven by the official stripe-node package: if the SDK
// parses every answer and raises the right error classes, a C client written against
// Stripe's documentation will meet the same shapes here as in production.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startGateway, startReceiver, waitFor, KEYS, stripeAuth } from './harness.mjs';

let gw;
let hook;
let stripe;
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  hook = await startReceiver();
  gw = await startGateway({ stripe: { webhookUrl: `${hook.url}/stripe` } });
  const { port } = new URL(gw.base);
  stripe = new Stripe(KEYS.stripeSecret, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
});

after(async () => {
  assert.doesNotMatch(gw.log(), /internal error/);
  const { code } = await gw.stop();
  assert.equal(code, 0, 'the stand-in exits cleanly on SIGTERM');
  assert.equal(gw.pidfileExists(), false, 'and removes its pid file');
  await hook.close();
});

const events = () => hook.received.map((d) => JSON.parse(d.body));
const eventsOf = (type, objectId) => events().filter((e) => e.type === type && (!objectId || e.data.object.id === objectId));
const waitEvent = (type, objectId) => waitFor(() => eventsOf(type, objectId)[0], { what: `${type} for ${objectId}` });

function sessionParams(extra = {}) {
  return {
    mode: 'payment',
    success_url: 'http://shop.test/bookings/42/paid?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://shop.test/bookings/42',
    client_reference_id: 'booking-42',
    customer_email: 'ann@example.com',
    expires_at: now() + 45 * 60,
    metadata: { booking_id: '42' },
    payment_intent_data: { metadata: { booking_id: '42' }, description: 'Boxoffice booking 42' },
    line_items: [
      { price_data: { currency: 'eur', unit_amount: 2250, product_data: { name: 'Stalls B12' } }, quantity: 1 },
      { price_data: { currency: 'eur', unit_amount: 1125, product_data: { name: 'Balcony C3' } }, quantity: 2 },
    ],
    ...extra,
  };
}

test('pid file holds the pid', async () => {
  const { readFileSync } = await import('node:fs');
  assert.equal(Number(readFileSync(gw.pidfile, 'utf8')), gw.child.pid);
});

test('Checkout Session: create, retrieve, line items, expand', async () => {
  const expiresAt = now() + 45 * 60;
  const s = await stripe.checkout.sessions.create(sessionParams({ expires_at: expiresAt }));
  assert.match(s.id, /^cs_test_/);
  assert.equal(s.object, 'checkout.session');
  assert.equal(s.amount_subtotal, 4500);
  assert.equal(s.amount_total, 4500);
  assert.equal(s.currency, 'eur');
  assert.equal(s.client_reference_id, 'booking-42');
  assert.equal(s.customer_email, 'ann@example.com');
  assert.equal(s.expires_at, expiresAt);
  assert.equal(s.livemode, false);
  assert.deepEqual(s.metadata, { booking_id: '42' });
  assert.equal(s.mode, 'payment');
  assert.equal(s.payment_intent, null);
  assert.equal(s.payment_status, 'unpaid');
  assert.equal(s.status, 'open');
  assert.equal(s.url, `${gw.base}/c/pay/${s.id}`);
  assert.equal(s.success_url, 'http://shop.test/bookings/42/paid?session={CHECKOUT_SESSION_ID}');
  assert.match(s.lastResponse.requestId, /^req_/);

  const again = await stripe.checkout.sessions.retrieve(s.id);
  assert.deepEqual(again, s);
  const items = await stripe.checkout.sessions.listLineItems(s.id);
  assert.equal(items.object, 'list');
  assert.deepEqual(items.data.map((i) => [i.description, i.quantity, i.amount_total]), [['Stalls B12', 1, 2250], ['Balcony C3', 2, 2250]]);
  const expanded = await stripe.checkout.sessions.retrieve(s.id, { expand: ['line_items'] });
  assert.equal(expanded.line_items.data.length, 2);
  const listed = await stripe.checkout.sessions.list({ limit: 100 });
  assert.ok(listed.data.some((x) => x.id === s.id));
});

test('Checkout Session: Stripe\'s parameter checks', async () => {
  for (const [expires, why] of [[now() + 10 * 60, 'too soon'], [now() + 25 * 3600, 'too late']]) {
    await assert.rejects(stripe.checkout.sessions.create(sessionParams({ expires_at: expires })), (err) => {
      assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError, why);
      assert.equal(err.param, 'expires_at');
      assert.equal(err.statusCode, 400);
      return true;
    });
  }
  const { mode, ...noMode } = sessionParams();
  await assert.rejects(stripe.checkout.sessions.create(noMode), { type: 'StripeInvalidRequestError', param: 'mode', code: 'parameter_missing' });
  const { success_url, ...noSuccess } = sessionParams();
  await assert.rejects(stripe.checkout.sessions.create(noSuccess), { param: 'success_url' });
  await assert.rejects(stripe.checkout.sessions.create(sessionParams({ line_items: [{ price_data: { currency: 'eur', unit_amount: 10, product_data: { name: 'x' } }, quantity: 1 }] })), { code: 'amount_too_small' });
  await assert.rejects(stripe.checkout.sessions.create(sessionParams({ line_items: [{ price_data: { currency: 'eur', unit_amount: 'abc', product_data: { name: 'x' } }, quantity: 1 }] })), { param: 'line_items[0][price_data][unit_amount]' });
  await assert.rejects(stripe.checkout.sessions.create(sessionParams({ frobnicate: 'yes' })), { code: 'parameter_unknown', param: 'frobnicate' });
  await assert.rejects(stripe.checkout.sessions.retrieve('cs_test_nope'), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'resource_missing');
    return true;
  });
});

test('Checkout Session: expire sends checkout.session.expired and cannot be repeated', async () => {
  const s = await stripe.checkout.sessions.create(sessionParams());
  const expired = await stripe.checkout.sessions.expire(s.id);
  assert.equal(expired.status, 'expired');
  assert.equal(expired.url, null);
  await assert.rejects(stripe.checkout.sessions.expire(s.id), { type: 'StripeInvalidRequestError', statusCode: 400 });
  const evt = await waitEvent('checkout.session.expired', s.id);
  assert.equal(evt.data.object.status, 'expired');
  assert.equal(evt.request.id, expired.lastResponse.requestId);
  const page = await fetch(`${gw.base}/c/pay/${s.id}`).then((r) => r.text());
  assert.match(page, /has expired/);
});

test('Checkout Session: the control API\'s expire, as if expires_at had passed', async () => {
  const s = await stripe.checkout.sessions.create(sessionParams());
  const { session } = await gw.control(`/checkout/${s.id}/expire`, {});
  assert.equal(session.status, 'expired');
  const evt = await waitEvent('checkout.session.expired', s.id);
  assert.equal(evt.request.id, null, 'an automatic event has no request');
  assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'expired');
});

test('hosted page: line items, decline, then pay', async () => {
  const s = await stripe.checkout.sessions.create(sessionParams());
  const page = await fetch(s.url).then((r) => r.text());
  assert.match(page, /Stalls B12/);
  assert.match(page, /Balcony C3/);
  assert.match(page, /€45\.00/);
  for (const choice of ['pay', 'decline', 'bank_later_succeeds', 'bank_later_fails', 'cancel']) {
    assert.match(page, new RegExp(`<button type="submit" name="choice" value="${choice}">`));
  }
  const post = (choice) => fetch(s.url, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `choice=${choice}` });

  const declined = await post('decline');
  assert.equal(declined.status, 303);
  const again = await fetch(new URL(declined.headers.get('location'), gw.base)).then((r) => r.text());
  assert.match(again, /Your card was declined\./);
  const failed = await waitEvent('payment_intent.payment_failed');
  assert.equal(failed.data.object.last_payment_error.decline_code, 'generic_decline');
  assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open', 'a decline leaves the session open');

  const cancel = await post('cancel');
  assert.equal(cancel.headers.get('location'), 'http://shop.test/bookings/42');

  const paid = await post('pay');
  assert.equal(paid.status, 303);
  assert.equal(paid.headers.get('location'), `http://shop.test/bookings/42/paid?session=${s.id}`);
  const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent'] });
  assert.equal(done.status, 'complete');
  assert.equal(done.payment_status, 'paid');
  assert.equal(done.payment_intent.object, 'payment_intent');
  assert.equal(done.payment_intent.status, 'succeeded');
  assert.equal(done.payment_intent.amount_received, 4500);
  assert.deepEqual(done.payment_intent.metadata, { booking_id: '42' });
  assert.equal(done.payment_intent.description, 'Boxoffice booking 42');
  assert.match(done.payment_intent.latest_charge, /^ch_/);
  const completed = await waitEvent('checkout.session.completed', s.id);
  assert.equal(completed.data.object.payment_status, 'paid');
  await waitEvent('payment_intent.succeeded', done.payment_intent.id);
  assert.match(await fetch(`${gw.base}/c/pay/${s.id}`).then((r) => r.text()), /complete and paid/);
  await assert.rejects(gw.control(`/checkout/${s.id}`, { choice: 'pay' }), { status: 409 });
});

test('delayed payment: completes unpaid, then async_payment_succeeded / _failed', async () => {
  const ok = await stripe.checkout.sessions.create(sessionParams());
  const r1 = await gw.control(`/checkout/${ok.id}`, { choice: 'bank_later_succeeds' });
  assert.equal(r1.redirect, `http://shop.test/bookings/42/paid?session=${ok.id}`);
  const s1 = await stripe.checkout.sessions.retrieve(ok.id);
  assert.equal(s1.status, 'complete');
  assert.equal(s1.payment_status, 'unpaid');
  assert.equal((await waitEvent('checkout.session.completed', ok.id)).data.object.payment_status, 'unpaid');
  // The stand-in settles it by itself shortly after (asyncDelayMs, 200 ms in these tests).
  const later = await waitEvent('checkout.session.async_payment_succeeded', ok.id);
  assert.equal(later.data.object.payment_status, 'paid');
  assert.equal((await stripe.checkout.sessions.retrieve(ok.id)).payment_status, 'paid');

  const bad = await stripe.checkout.sessions.create(sessionParams());
  await gw.control(`/checkout/${bad.id}`, { choice: 'bank_later_fails' });
  // ... or at once through the control API, whatever the shopper picked.
  await gw.control(`/checkout/${bad.id}/async`, { outcome: 'failed' });
  await waitEvent('checkout.session.async_payment_failed', bad.id);
  const s2 = await stripe.checkout.sessions.retrieve(bad.id, { expand: ['payment_intent'] });
  assert.equal(s2.status, 'complete');
  assert.equal(s2.payment_status, 'unpaid');
  assert.equal(s2.payment_intent.status, 'requires_payment_method');
  await assert.rejects(gw.control(`/checkout/${bad.id}/async`, { outcome: 'succeeded' }), { status: 409 });
});

test('PaymentIntents: each test card', async () => {
  for (const pm of ['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']) {
    const pi = await stripe.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method: pm, confirm: true, payment_method_types: ['card'], description: 'booking 7', metadata: { booking_id: `card-${pm}` } });
    assert.equal(pi.status, 'succeeded', pm);
    assert.equal(pi.amount_received, 4500);
    assert.match(pi.latest_charge, /^ch_/);
    assert.match(pi.payment_method, /^pm_/);
    assert.deepEqual(pi.metadata, { booking_id: `card-${pm}` });
    await waitEvent('payment_intent.succeeded', pi.id);
  }
  const declines = [
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.'],
  ];
  for (const [pm, code, declineCode, message] of declines) {
    await assert.rejects(stripe.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method: pm, confirm: true, payment_method_types: ['card'] }), (err) => {
      assert.ok(err instanceof Stripe.errors.StripeCardError, pm);
      assert.equal(err.statusCode, 402);
      assert.equal(err.code, code);
      assert.equal(err.decline_code, declineCode);
      assert.equal(err.message, message);
      assert.equal(err.payment_intent.status, 'requires_payment_method');
      assert.equal(err.payment_intent.last_payment_error.decline_code, declineCode);
      return true;
    });
  }
  await assert.rejects(stripe.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method: 'pm_card_nonsense', confirm: true, payment_method_types: ['card'] }), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(err.statusCode, 400);
    assert.equal(err.code, 'resource_missing');
    assert.equal(err.param, 'payment_method');
    return true;
  });
  // Without payment_method_types the current API enables redirecting methods, which need a
  // return_url to confirm; switching redirects off is the other way out.
  await assert.rejects(stripe.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true }), /return_url/);
  const apm = await stripe.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, automatic_payment_methods: { enabled: true, allow_redirects: 'never' } });
  assert.equal(apm.status, 'succeeded');
});

test('PaymentIntents: manual capture, confirm later, cancel', async () => {
  const held = await stripe.paymentIntents.create({ amount: 3000, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', payment_method_types: ['card'] });
  assert.equal(held.status, 'requires_capture');
  assert.equal(held.amount_capturable, 3000);
  const captured = await stripe.paymentIntents.capture(held.id);
  assert.equal(captured.status, 'succeeded');
  assert.equal(captured.amount_received, 3000);
  const later = await stripe.paymentIntents.create({ amount: 3000, currency: 'eur', payment_method_types: ['card'] });
  assert.equal(later.status, 'requires_payment_method');
  const confirmed = await stripe.paymentIntents.confirm(later.id, { payment_method: 'pm_card_mastercard' });
  assert.equal(confirmed.status, 'succeeded');
  const dropped = await stripe.paymentIntents.create({ amount: 3000, currency: 'eur', payment_method_types: ['card'] });
  assert.equal((await stripe.paymentIntents.cancel(dropped.id)).status, 'canceled');
  await assert.rejects(stripe.paymentIntents.cancel(confirmed.id), { code: 'payment_intent_unexpected_state' });
});

test('PaymentIntents: retrieve and search by metadata', async () => {
  const tag = `search-${Date.now()}`;
  const a = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'], metadata: { booking_id: tag } });
  const b = await stripe.paymentIntents.create({ amount: 2000, currency: 'eur', payment_method_types: ['card'], metadata: { booking_id: tag } });
  assert.deepEqual(await stripe.paymentIntents.retrieve(a.id), a);
  const single = await stripe.paymentIntents.search({ query: `metadata['booking_id']:'${tag}'` });
  assert.equal(single.object, 'search_result');
  assert.equal(single.has_more, false);
  assert.deepEqual(single.data.map((p) => p.id).sort(), [a.id, b.id].sort());
  const double = await stripe.paymentIntents.search({ query: `metadata["booking_id"]:"${tag}" AND status:"succeeded"` });
  assert.deepEqual(double.data.map((p) => p.id), [a.id]);
  const amount = await stripe.paymentIntents.search({ query: `metadata['booking_id']:'${tag}' AND amount>1500` });
  assert.deepEqual(amount.data.map((p) => p.id), [b.id]);
  const paged = await stripe.paymentIntents.search({ query: `metadata['booking_id']:'${tag}'`, limit: 1 });
  assert.equal(paged.has_more, true);
  const rest = await stripe.paymentIntents.search({ query: `metadata['booking_id']:'${tag}'`, limit: 1, page: paged.next_page });
  assert.equal(rest.has_more, false);
  assert.notEqual(rest.data[0].id, paged.data[0].id);
  assert.equal((await stripe.paymentIntents.search({ query: "metadata['booking_id']:'nobody'" })).data.length, 0);
  await assert.rejects(stripe.paymentIntents.search({ query: 'booking_id = 4' }), { param: 'query' });
  await assert.rejects(stripe.paymentIntents.retrieve('pi_nope'), { statusCode: 404, code: 'resource_missing' });
});

test('refunds: partial, the rest, over-refund, already refunded', async () => {
  const pi = await stripe.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'], metadata: { booking_id: 'refund-1' } });
  const part = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000, reason: 'requested_by_customer', metadata: { booking_id: 'refund-1' } });
  assert.match(part.id, /^re_/);
  assert.equal(part.object, 'refund');
  assert.equal(part.amount, 1000);
  assert.equal(part.currency, 'eur');
  assert.equal(part.payment_intent, pi.id);
  assert.equal(part.charge, pi.latest_charge);
  assert.equal(part.status, 'succeeded');
  await assert.rejects(stripe.refunds.create({ payment_intent: pi.id, amount: 4000 }), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(err.param, 'amount');
    return true;
  });
  const rest = await stripe.refunds.create({ charge: pi.latest_charge });
  assert.equal(rest.amount, 3500, 'no amount: what is left');
  await assert.rejects(stripe.refunds.create({ payment_intent: pi.id }), { type: 'StripeInvalidRequestError', code: 'charge_already_refunded' });
  assert.deepEqual(await stripe.refunds.retrieve(part.id), part);
  const charge = await stripe.charges.retrieve(pi.latest_charge);
  assert.equal(charge.amount_refunded, 4500);
  assert.equal(charge.refunded, true);
  const refunded = await waitFor(() => eventsOf('charge.refunded', pi.latest_charge).length === 2 && eventsOf('charge.refunded', pi.latest_charge), { what: 'two charge.refunded' });
  assert.deepEqual(refunded.map((e) => e.data.object.amount_refunded).sort((x, y) => x - y), [1000, 4500]);
  assert.equal(refunded.find((e) => e.data.object.refunded).data.object.payment_intent, pi.id);
  const declined = await stripe.paymentIntents.create({ amount: 4500, currency: 'eur', payment_method_types: ['card'] });
  await assert.rejects(stripe.refunds.create({ payment_intent: declined.id }), { statusCode: 400 });
});

test('Idempotency-Key: replay with the same parameters, error with others', async () => {
  const key = `idem-${Date.now()}`;
  const params = { amount: 4500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'], metadata: { booking_id: 'idem' } };
  const first = await stripe.paymentIntents.create(params, { idempotencyKey: key });
  const second = await stripe.paymentIntents.create(params, { idempotencyKey: key });
  assert.equal(second.id, first.id);
  assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
  assert.equal(second.lastResponse.idempotencyKey, key);
  assert.notEqual(second.lastResponse.requestId, first.lastResponse.requestId);
  await assert.rejects(stripe.paymentIntents.create({ ...params, amount: 5000 }, { idempotencyKey: key }), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeIdempotencyError);
    assert.equal(err.statusCode, 400);
    return true;
  });
  await assert.rejects(stripe.refunds.create({ payment_intent: first.id }, { idempotencyKey: key }), Stripe.errors.StripeIdempotencyError);
  // A decline is a result too: the retry gets the same 402 and no second attempt.
  const dkey = `idem-decline-${Date.now()}`;
  const dparams = { ...params, payment_method: 'pm_card_chargeDeclined' };
  const e1 = await stripe.paymentIntents.create(dparams, { idempotencyKey: dkey }).catch((e) => e);
  const e2 = await stripe.paymentIntents.create(dparams, { idempotencyKey: dkey }).catch((e) => e);
  assert.ok(e2 instanceof Stripe.errors.StripeCardError);
  assert.equal(e2.payment_intent.id, e1.payment_intent.id);
  const refundKey = `idem-refund-${Date.now()}`;
  const r1 = await stripe.refunds.create({ payment_intent: first.id, amount: 100 }, { idempotencyKey: refundKey });
  const r2 = await stripe.refunds.create({ payment_intent: first.id, amount: 100 }, { idempotencyKey: refundKey });
  assert.equal(r2.id, r1.id);
  assert.equal((await stripe.charges.retrieve(first.latest_charge)).amount_refunded, 100);
});

test('authentication: a wrong key, Basic auth, no key', async () => {
  const wrong = new Stripe('sk_test_wrongwrongwrong', { host: '127.0.0.1', port: new URL(gw.base).port, protocol: 'http', maxNetworkRetries: 0 });
  await assert.rejects(wrong.paymentIntents.retrieve('pi_x'), Stripe.errors.StripeAuthenticationError);
  const basic = await fetch(`${gw.base}/v1/events?limit=1`, { headers: { Authorization: `Basic ${Buffer.from(`${KEYS.stripeSecret}:`).toString('base64')}` } });
  assert.equal(basic.status, 200);
  const none = await fetch(`${gw.base}/v1/events`);
  assert.equal(none.status, 401);
  assert.equal((await none.json()).error.type, 'authentication_error');
  assert.match(none.headers.get('request-id'), /^req_/);
  const json = await fetch(`${gw.base}/v1/payment_intents`, { method: 'POST', headers: { ...stripeAuth, 'Content-Type': 'application/json' }, body: '{"amount":100}' });
  assert.equal(json.status, 400, 'Stripe takes form bodies only');
});

test('events: list and retrieve what was sent', async () => {
  const list = await stripe.events.list({ limit: 3 });
  assert.equal(list.object, 'list');
  assert.equal(list.data.length, 3);
  const one = await stripe.events.retrieve(list.data[0].id);
  assert.equal(one.id, list.data[0].id);
  assert.equal(one.api_version, '2024-06-20');
});

test('ledger: every charge and refund made above', async () => {
  const ledger = await gw.ledger();
  const stripeCharges = ledger.charges.filter((c) => c.provider === 'stripe');
  const refund = ledger.refunds.find((r) => r.metadata.booking_id === 'refund-1');
  assert.ok(refund);
  const charge = stripeCharges.find((c) => c.id === refund.charge);
  assert.equal(charge.amount_refunded, 4500);
  assert.equal(charge.status, 'succeeded');
  const fromCheckout = stripeCharges.filter((c) => c.checkout_session && c.status === 'succeeded');
  assert.ok(fromCheckout.length >= 2);
  for (const c of fromCheckout) assert.equal(c.client_reference_id, 'booking-42');
  assert.ok(stripeCharges.some((c) => c.status === 'failed'), 'declines are in the book as failed charges');
  const eur = ledger.totals.stripe.eur;
  assert.equal(eur.net, eur.captured - eur.refunded);
});
