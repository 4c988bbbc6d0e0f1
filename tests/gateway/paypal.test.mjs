// The PayPal half of the stand-in, over raw HTTP as Boxoffice's C client will speak it:
// OAuth tokens, the whole Orders v2 flow (create, approve on the page or through the control
// API, capture, refund) with its 422s, PayPal-Request-Id idempotency, and webhooks checked
// through the verify endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, startReceiver, waitFor, KEYS } from './harness.mjs';

let gw;
let hook;
let token;

before(async () => {
  hook = await startReceiver();
  gw = await startGateway({ paypal: { webhookUrl: `${hook.url}/paypal` } });
  token = (await getToken()).body.access_token;
});

after(async () => {
  assert.doesNotMatch(gw.log(), /internal error/);
  await gw.stop();
  await hook.close();
});

async function call(method, path, { body, headers = {}, auth = `Bearer ${token}` } = {}) {
  const res = await fetch(`${gw.base}${path}`, {
    method,
    headers: { ...(auth ? { Authorization: auth } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const basic = (id = KEYS.paypalClientId, secret = KEYS.paypalClientSecret) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
function getToken(auth = basic(), form = 'grant_type=client_credentials') {
  return fetch(`${gw.base}/v1/oauth2/token`, { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: form })
    .then(async (r) => ({ status: r.status, body: await r.json() }));
}

function orderBody({ ref = 'booking-7', value = '45.00', currency = 'EUR', returnUrl = 'http://shop.test/paypal/return?booking=7', cancelUrl = 'http://shop.test/paypal/cancel', invoice, legacy = false } = {}) {
  const unit = { reference_id: ref, custom_id: ref, description: 'Boxoffice booking 7', amount: { currency_code: currency, value } };
  if (invoice) unit.invoice_id = invoice;
  const ctx = { return_url: returnUrl, cancel_url: cancelUrl, brand_name: 'Boxoffice', user_action: 'PAY_NOW' };
  return legacy
    ? { intent: 'CAPTURE', purchase_units: [unit], application_context: ctx }
    : { intent: 'CAPTURE', purchase_units: [unit], payment_source: { paypal: { experience_context: ctx } } };
}

const link = (order, rel) => order.links.find((l) => l.rel === rel)?.href;
const deliveries = () => hook.received.map((d) => ({ ...d, event: JSON.parse(d.body) }));
const waitEvent = (type, pred = () => true) => waitFor(() => deliveries().find((d) => d.event.event_type === type && pred(d.event)), { what: type });

function verifyBody(d, overrides = {}) {
  return {
    auth_algo: d.headers['paypal-auth-algo'],
    cert_url: d.headers['paypal-cert-url'],
    transmission_id: d.headers['paypal-transmission-id'],
    transmission_sig: d.headers['paypal-transmission-sig'],
    transmission_time: d.headers['paypal-transmission-time'],
    webhook_id: KEYS.paypalWebhookId,
    webhook_event: d.event,
    ...overrides,
  };
}
const verify = async (body) => (await call('POST', '/v1/notifications/verify-webhook-signature', { body })).body.verification_status;

test('OAuth: client credentials give a Bearer token; wrong ones do not', async () => {
  const ok = await getToken();
  assert.equal(ok.status, 200);
  assert.equal(ok.body.token_type, 'Bearer');
  assert.equal(ok.body.expires_in, 32400);
  assert.ok(ok.body.access_token && ok.body.app_id && ok.body.scope && ok.body.nonce);
  const wrong = await getToken(basic(KEYS.paypalClientId, 'nope'));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, 'invalid_client');
  const noGrant = await getToken(basic(), '');
  assert.equal(noGrant.status, 400);
  assert.equal(noGrant.body.error, 'unsupported_grant_type');
  const unknown = await call('GET', '/v2/checkout/orders/X', { auth: 'Bearer not-a-token' });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.error, 'invalid_token');
  const none = await call('GET', '/v2/checkout/orders/X', { auth: null });
  assert.equal(none.status, 401);
  assert.equal(none.body.name, 'AUTHENTICATION_FAILURE');
});

test('OAuth: the control API shortens tokens and expires them', async () => {
  await gw.control('/paypal/tokens', { expiresIn: 60 });
  const short = await getToken();
  assert.equal(short.body.expires_in, 60);
  const before = await call('GET', '/v2/checkout/orders/NOPE', { auth: `Bearer ${short.body.access_token}` });
  assert.equal(before.status, 404);
  const { expired } = await gw.control('/paypal/tokens', { expireAll: true, expiresIn: 32400 });
  assert.ok(expired >= 2);
  const afterExpiry = await call('GET', '/v2/checkout/orders/NOPE', { auth: `Bearer ${short.body.access_token}` });
  assert.equal(afterExpiry.status, 401);
  assert.equal(afterExpiry.body.error, 'invalid_token');
  token = (await getToken()).body.access_token;
});

test('create: PAYER_ACTION_REQUIRED with payment_source, CREATED with application_context', async () => {
  const a = await call('POST', '/v2/checkout/orders', { body: orderBody() });
  assert.equal(a.status, 201);
  assert.match(a.body.id, /^[A-Z0-9]{17}$/);
  assert.equal(a.body.status, 'PAYER_ACTION_REQUIRED');
  assert.equal(link(a.body, 'payer-action'), `${gw.base}/checkoutnow?token=${a.body.id}`);
  assert.equal(link(a.body, 'self'), `${gw.base}/v2/checkout/orders/${a.body.id}`);
  assert.ok(link(a.body, 'capture'));
  assert.ok(a.headers.get('paypal-debug-id'));
  const b = await call('POST', '/v2/checkout/orders', { body: orderBody({ legacy: true }) });
  assert.equal(b.body.status, 'CREATED');
  assert.equal(link(b.body, 'approve'), `${gw.base}/checkoutnow?token=${b.body.id}`);
  const got = await call('GET', `/v2/checkout/orders/${b.body.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.intent, 'CAPTURE');
  assert.deepEqual(got.body.purchase_units[0].amount, { currency_code: 'EUR', value: '45.00' });
  assert.equal(got.body.purchase_units[0].custom_id, 'booking-7');
  const full = await call('POST', '/v2/checkout/orders', { body: orderBody(), headers: { Prefer: 'return=representation' } });
  assert.equal(full.body.purchase_units[0].reference_id, 'booking-7');
});

test('create: validation errors in PayPal\'s shape', async () => {
  const cases = [
    [{ purchase_units: orderBody().purchase_units }, 400, 'INVALID_REQUEST', 'MISSING_REQUIRED_PARAMETER', '/intent'],
    [{ ...orderBody(), intent: 'SELL' }, 400, 'INVALID_REQUEST', 'INVALID_PARAMETER_VALUE', '/intent'],
    [{ intent: 'CAPTURE', purchase_units: [] }, 400, 'INVALID_REQUEST', 'MISSING_REQUIRED_PARAMETER', '/purchase_units'],
    [orderBody({ value: '45.001' }), 422, 'UNPROCESSABLE_ENTITY', 'DECIMAL_PRECISION', '/purchase_units/0/amount/value'],
    [orderBody({ value: '0.00' }), 422, 'UNPROCESSABLE_ENTITY', 'CANNOT_BE_ZERO_OR_NEGATIVE', '/purchase_units/0/amount/value'],
    [orderBody({ value: 'lots' }), 400, 'INVALID_REQUEST', 'INVALID_PARAMETER_SYNTAX', '/purchase_units/0/amount/value'],
    [orderBody({ currency: 'XYZ' }), 422, 'UNPROCESSABLE_ENTITY', 'CURRENCY_NOT_SUPPORTED', '/purchase_units/0/amount/currency_code'],
    [orderBody({ currency: 'JPY', value: '4500.5' }), 422, 'UNPROCESSABLE_ENTITY', 'DECIMAL_PRECISION', '/purchase_units/0/amount/value'],
    [orderBody({ returnUrl: 'not a url' }), 400, 'INVALID_REQUEST', 'INVALID_PARAMETER_SYNTAX', '/payment_source/paypal/experience_context/return_url'],
  ];
  for (const [body, status, name, issue, field] of cases) {
    const r = await call('POST', '/v2/checkout/orders', { body });
    assert.equal(r.status, status, issue);
    assert.equal(r.body.name, name);
    assert.ok(r.body.message && r.body.debug_id);
    assert.equal(r.body.details[0].issue, issue);
    assert.equal(r.body.details[0].field, field);
    assert.ok(r.body.details[0].description);
  }
  const numeric = orderBody();
  numeric.purchase_units[0].amount.value = 45;
  assert.equal((await call('POST', '/v2/checkout/orders', { body: numeric })).body.details[0].issue, 'INVALID_PARAMETER_SYNTAX', 'the value must be a string');
  const malformed = await call('POST', '/v2/checkout/orders', { body: '{"intent":' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.details[0].issue, 'MALFORMED_REQUEST_JSON');
  const missing = await call('GET', '/v2/checkout/orders/NOSUCHORDER12345');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.name, 'RESOURCE_NOT_FOUND');
  assert.equal(missing.body.details[0].issue, 'INVALID_RESOURCE_ID');
});

test('PayPal-Request-Id: the same id gives the same order back', async () => {
  const headers = { 'PayPal-Request-Id': `create-${Date.now()}` };
  const a = await call('POST', '/v2/checkout/orders', { body: orderBody(), headers });
  const b = await call('POST', '/v2/checkout/orders', { body: orderBody(), headers });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(b.body.id, a.body.id);
  const c = await call('POST', '/v2/checkout/orders', { body: orderBody() });
  assert.notEqual(c.body.id, a.body.id);
});

test('the whole flow through the approval page: approve, capture, refund', async () => {
  const created = (await call('POST', '/v2/checkout/orders', { body: orderBody() })).body;
  const id = created.id;
  const notYet = await call('POST', `/v2/checkout/orders/${id}/capture`, { body: {} });
  assert.equal(notYet.status, 422);
  assert.equal(notYet.body.details[0].issue, 'ORDER_NOT_APPROVED');

  const pageUrl = link(created, 'payer-action');
  const page = await fetch(pageUrl).then((r) => r.text());
  assert.match(page, /€45\.00/);
  for (const choice of ['approve', 'approve_declined', 'cancel']) assert.match(page, new RegExp(`name="choice" value="${choice}"`));
  const approved = await fetch(pageUrl, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'choice=approve' });
  assert.equal(approved.status, 303);
  const back = new URL(approved.headers.get('location'));
  assert.equal(`${back.origin}${back.pathname}`, 'http://shop.test/paypal/return');
  assert.equal(back.searchParams.get('booking'), '7', 'the return_url\'s own query is kept');
  assert.equal(back.searchParams.get('token'), id);
  assert.match(back.searchParams.get('PayerID'), /^[A-Z0-9]{13}$/);
  const order = (await call('GET', `/v2/checkout/orders/${id}`)).body;
  assert.equal(order.status, 'APPROVED');
  assert.equal(order.payer.payer_id, back.searchParams.get('PayerID'));
  const approvedEvent = await waitEvent('CHECKOUT.ORDER.APPROVED', (e) => e.resource.id === id);
  assert.equal(approvedEvent.event.resource_type, 'checkout-order');

  const requestId = `capture-${id}`;
  const cap = await call('POST', `/v2/checkout/orders/${id}/capture`, { body: {}, headers: { 'PayPal-Request-Id': requestId } });
  assert.equal(cap.status, 201);
  assert.equal(cap.body.status, 'COMPLETED');
  const capture = cap.body.purchase_units[0].payments.captures[0];
  assert.equal(cap.body.purchase_units[0].reference_id, 'booking-7');
  assert.equal(capture.status, 'COMPLETED');
  assert.deepEqual(capture.amount, { currency_code: 'EUR', value: '45.00' });
  assert.equal(capture.custom_id, 'booking-7');
  assert.equal(capture.final_capture, true);
  assert.equal(capture.seller_receivable_breakdown.gross_amount.value, '45.00');
  const replay = await call('POST', `/v2/checkout/orders/${id}/capture`, { body: {}, headers: { 'PayPal-Request-Id': requestId } });
  assert.equal(replay.status, 201, 'the same PayPal-Request-Id: the same answer');
  assert.deepEqual(replay.body, cap.body);
  const twice = await call('POST', `/v2/checkout/orders/${id}/capture`, { body: {}, headers: { 'PayPal-Request-Id': `${requestId}-again` } });
  assert.equal(twice.status, 422);
  assert.equal(twice.body.details[0].issue, 'ORDER_ALREADY_CAPTURED');
  const completed = await waitEvent('PAYMENT.CAPTURE.COMPLETED', (e) => e.resource.id === capture.id);
  assert.equal(completed.event.resource.supplementary_data.related_ids.order_id, id);
  assert.equal(completed.event.resource_type, 'capture');
  const got = await call('GET', `/v2/checkout/orders/${id}`);
  assert.equal(got.body.status, 'COMPLETED');
  assert.equal(got.body.purchase_units[0].payments.captures[0].id, capture.id);

  const r1 = await call('POST', `/v2/payments/captures/${capture.id}/refund`, { body: { amount: { value: '10.00', currency_code: 'EUR' } }, headers: { 'PayPal-Request-Id': `refund-${id}` } });
  assert.equal(r1.status, 201);
  assert.equal(r1.body.status, 'COMPLETED');
  assert.deepEqual(r1.body.amount, { value: '10.00', currency_code: 'EUR' });
  const r1again = await call('POST', `/v2/payments/captures/${capture.id}/refund`, { body: { amount: { value: '10.00', currency_code: 'EUR' } }, headers: { 'PayPal-Request-Id': `refund-${id}` } });
  assert.equal(r1again.body.id, r1.body.id);
  const over = await call('POST', `/v2/payments/captures/${capture.id}/refund`, { body: { amount: { value: '40.00', currency_code: 'EUR' } } });
  assert.equal(over.status, 422);
  assert.equal(over.body.details[0].issue, 'REFUND_AMOUNT_EXCEEDED');
  assert.equal((await call('GET', `/v2/payments/captures/${capture.id}`)).body.status, 'PARTIALLY_REFUNDED');
  const r2 = await call('POST', `/v2/payments/captures/${capture.id}/refund`, { body: {} });
  assert.equal(r2.body.amount.value, '35.00', 'no amount: what is left');
  const none = await call('POST', `/v2/payments/captures/${capture.id}/refund`, {});
  assert.equal(none.status, 422);
  assert.equal(none.body.details[0].issue, 'CAPTURE_FULLY_REFUNDED');
  assert.equal((await call('GET', `/v2/payments/captures/${capture.id}`)).body.status, 'REFUNDED');
  assert.equal((await call('GET', `/v2/payments/refunds/${r2.body.id}`)).body.amount.value, '35.00');
  await waitFor(() => deliveries().filter((d) => d.event.event_type === 'PAYMENT.CAPTURE.REFUNDED' && d.event.resource.custom_id === 'booking-7').length >= 2, { what: 'two refund webhooks' });

  const ledger = await gw.ledger();
  const row = ledger.charges.find((c) => c.id === capture.id);
  assert.deepEqual([row.provider, row.order_id, row.amount, row.amount_refunded, row.status, row.custom_id], ['paypal', id, 4500, 4500, 'REFUNDED', 'booking-7']);
  assert.equal(ledger.refunds.filter((r) => r.capture_id === capture.id).length, 2);
});

test('approve through the control API, a return_url without a query; cancel', async () => {
  const a = (await call('POST', '/v2/checkout/orders', { body: orderBody({ returnUrl: 'http://shop.test/return' }) })).body;
  const { redirect, order } = await gw.control(`/paypal/${a.id}`, { choice: 'approve' });
  assert.match(redirect, new RegExp(`^http://shop\\.test/return\\?token=${a.id}&PayerID=[A-Z0-9]{13}$`));
  assert.equal(order.status, 'APPROVED');
  const b = (await call('POST', '/v2/checkout/orders', { body: orderBody() })).body;
  const cancel = await fetch(`${gw.base}/checkoutnow?token=${b.id}`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'choice=cancel' });
  assert.equal(cancel.status, 303);
  assert.equal(cancel.headers.get('location'), `http://shop.test/paypal/cancel?token=${b.id}`);
  assert.equal((await call('GET', `/v2/checkout/orders/${b.id}`)).body.status, 'PAYER_ACTION_REQUIRED');
  const { order: voided } = await gw.control(`/paypal/${b.id}`, { choice: 'void' });
  assert.equal(voided.status, 'VOIDED');
  assert.equal((await call('POST', `/v2/checkout/orders/${b.id}/capture`, { body: {} })).status, 422);
});

test('approve_declined: the capture is declined, PAYMENT.CAPTURE.DENIED; approving again works', async () => {
  const { id } = (await call('POST', '/v2/checkout/orders', { body: orderBody({ ref: 'booking-8' }) })).body;
  await gw.control(`/paypal/${id}`, { choice: 'approve_declined' });
  const declined = await call('POST', `/v2/checkout/orders/${id}/capture`, { body: {} });
  assert.equal(declined.status, 422);
  assert.equal(declined.body.details[0].issue, 'INSTRUMENT_DECLINED');
  assert.ok(declined.body.links.some((l) => l.rel === 'redirect'));
  const denied = await waitEvent('PAYMENT.CAPTURE.DENIED', (e) => e.resource.supplementary_data.related_ids.order_id === id);
  assert.equal(denied.event.resource.status, 'DECLINED');
  assert.equal((await call('GET', `/v2/checkout/orders/${id}`)).body.status, 'PAYER_ACTION_REQUIRED', 'the payer must approve again');
  await gw.control(`/paypal/${id}`, { choice: 'approve' });
  const ok = await call('POST', `/v2/checkout/orders/${id}/capture`, { body: {} });
  assert.equal(ok.status, 201);
  const rows = (await gw.ledger()).charges.filter((c) => c.order_id === id);
  assert.deepEqual(rows.map((r) => r.status).sort(), ['COMPLETED', 'DECLINED']);
});

test('invoice_id must be unique across captures (DUPLICATE_INVOICE_ID)', async () => {
  const invoice = `INV-${Date.now()}`;
  const first = (await call('POST', '/v2/checkout/orders', { body: orderBody({ invoice }) })).body;
  await gw.control(`/paypal/${first.id}`, { choice: 'approve' });
  assert.equal((await call('POST', `/v2/checkout/orders/${first.id}/capture`, { body: {} })).status, 201);
  const second = (await call('POST', '/v2/checkout/orders', { body: orderBody({ invoice }) })).body;
  await gw.control(`/paypal/${second.id}`, { choice: 'approve' });
  const dup = await call('POST', `/v2/checkout/orders/${second.id}/capture`, { body: {} });
  assert.equal(dup.status, 422);
  assert.equal(dup.body.details[0].issue, 'DUPLICATE_INVOICE_ID');
});

test('webhooks: headers, and the verify endpoint says SUCCESS for real deliveries only', async () => {
  await gw.settled();
  const all = deliveries();
  assert.ok(all.length >= 5);
  for (const d of all) {
    assert.equal(d.headers['paypal-auth-algo'], 'SHA256withRSA');
    assert.ok(d.headers['paypal-transmission-id'] && d.headers['paypal-transmission-time'] && d.headers['paypal-transmission-sig'] && d.headers['paypal-cert-url']);
    assert.match(d.event.id, /^WH-/);
    assert.equal(d.event.event_version, '1.0');
    assert.ok(d.event.create_time && d.event.resource_type && d.event.summary && d.event.resource);
    assert.equal(await verify(verifyBody(d)), 'SUCCESS', d.event.event_type);
    assert.equal(await verify(verifyBody(d, { webhook_event: d.body })), 'SUCCESS', 'the raw text works too');
  }
  const d = all[0];
  const changed = structuredClone(d.event);
  changed.resource.id = 'SOMEONEELSE';
  assert.equal(await verify(verifyBody(d, { webhook_event: changed })), 'FAILURE', 'a changed body');
  assert.equal(await verify(verifyBody(d, { webhook_event: `${d.body} ` })), 'FAILURE', 'changed bytes');
  assert.equal(await verify(verifyBody(d, { transmission_time: '2020-01-01T00:00:00Z' })), 'FAILURE', 'a changed header');
  assert.equal(await verify(verifyBody(d, { transmission_id: all[1].headers['paypal-transmission-id'] })), 'FAILURE', 'another transmission');
  assert.equal(await verify(verifyBody(d, { webhook_id: 'OTHERWEBHOOK' })), 'FAILURE', 'another webhook id');
  assert.equal(await verify(verifyBody(d, { cert_url: 'https://attacker.example/cert.pem' })), 'FAILURE', 'another certificate');
  const incomplete = await call('POST', '/v1/notifications/verify-webhook-signature', { body: { auth_algo: 'SHA256withRSA' } });
  assert.equal(incomplete.status, 400);
  assert.equal(incomplete.body.name, 'VALIDATION_ERROR');
  const noAuth = await call('POST', '/v1/notifications/verify-webhook-signature', { body: verifyBody(d), auth: null });
  assert.equal(noAuth.status, 401);
});

test('webhooks: control modes apply to PayPal too (duplicate keeps one transmission per delivery)', async () => {
  await gw.settled();
  hook.received.length = 0;
  await gw.control('/webhooks', { mode: 'duplicate', provider: 'paypal' });
  const { id } = (await call('POST', '/v2/checkout/orders', { body: orderBody() })).body;
  await gw.control(`/paypal/${id}`, { choice: 'approve' });
  await gw.settled();
  assert.equal(hook.received.length, 2);
  const [a, b] = deliveries();
  assert.equal(a.event.id, b.event.id);
  assert.notEqual(a.headers['paypal-transmission-id'], b.headers['paypal-transmission-id']);
  assert.equal(await verify(verifyBody(a)), 'SUCCESS');
  assert.equal(await verify(verifyBody(b)), 'SUCCESS');
});
