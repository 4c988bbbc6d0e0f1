// Paying on the gateway's own page (Stripe Checkout, PayPal) through the stand-in
// (tests/gateway), whose APIs, hosted pages and signed webhooks speak the real wire protocol.
// Every outcome is checked in MariaDB and against the stand-in's own ledger: a booking is
// confirmed exactly once whichever of the webhook, the return page and the sweep comes first;
// money without seats goes back; a hold given up goes back on sale at once.
import { test, before, after } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { sql, sleep } from './lib.mjs';
import { createFixtureEvent, dropFixtureEvent, seatSupply, holdAndOpen, Shopper, hold, checkoutLocation,
  openCheckout, parseCheckout, pageMessage, bookingFromDb, bookingItems } from './checkout.mjs';
import { sweep } from './storm.mjs';
import { control, webhooksSettled, ledger, paymentOf, bookingStatus, eventsOf, payAtGateway, choose,
  comeBack, stripeSdk, STRIPE_WEBHOOK_SECRET } from './gateway.mjs';

let fixture;
let freshSeats;

before(async () => {
  fixture = createFixtureEvent(`Gateway Test ${process.pid}`);
  ({ freshSeats } = seatSupply(fixture));
});

after(async () => {
  await control('POST', 'webhooks', { mode: 'normal' });
  if (fixture) dropFixtureEvent(fixture.eventId);
});

const seatStatus = (ids) => sql(`SELECT status FROM tickets WHERE ticket_id IN (${ids.join(',')}) ORDER BY ticket_id`)
  .map((r) => r[0]);
// The stand-in's own record of the money: Stripe charges by their PaymentIntent or session,
// PayPal captures by their id or order.
const chargeOf = async (payment) => (await ledger()).charges.filter((c) => c.payment_intent === payment.ref
  || c.id === payment.ref || (payment.session && (c.checkout_session === payment.session || c.order_id === payment.session)));

// A hold of `n` fresh seats and its checkout page.
async function heldSeats(n = 2) {
  const ids = freshSeats(n, 0);
  const { shopper, booking, page } = await holdAndOpen(fixture.eventId, ids);
  return { ids, shopper, booking, page };
}

test('Stripe: pay on the hosted page, come back: confirmed once, the hold extended meanwhile', async () => {
  const { ids, shopper, booking, page } = await heldSeats(2);
  const before = bookingFromDb(booking.bookingId);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  assert.equal(payment.provider, 'stripe');
  assert.equal(payment.status, 'pending');
  assert.match(payment.session, /^cs_test_/);
  const during = bookingFromDb(booking.bookingId);
  assert.ok(during.secondsLeft > 29 * 60, `the hold lasts as long as the checkout (${during.secondsLeft} s)`);
  assert.ok(during.secondsLeft > before.secondsLeft, 'it was extended');
  assert.deepEqual(seatStatus(ids), ['reserved', 'reserved']);

  const back = await choose(payment, 'pay');
  const r = await comeBack(shopper, back);
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), new RegExp(`^/bookings/${booking.bookingId}\\?token=`));
  const done = await shopper.get(r.headers.get('location'));
  assert.equal(done.status, 200);
  assert.match(done.body, /You're going!/);
  await webhooksSettled();

  assert.equal(bookingStatus(booking.bookingId), 'confirmed');
  const paid = paymentOf(booking.bookingId);
  assert.equal(paid.status, 'succeeded');
  assert.match(paid.ref, /^pi_/);
  assert.deepEqual(seatStatus(ids), ['sold', 'sold']);
  assert.equal(bookingItems(booking.bookingId).length, 2, 'one e-ticket per seat, issued once');
  const charges = await chargeOf(paid);
  assert.equal(charges.length, 1, 'the gateway charged once');
  assert.equal(charges[0].amount, paid.amount, 'the amount we asked for');
  // Both events of the payment were recorded; the one that came second changed nothing.
  const types = eventsOf(paid.id).map((e) => e[0]).sort();
  assert.deepEqual(types, ['checkout.session.completed', 'payment_intent.succeeded']);
});

test('Stripe: webhooks held back, then delivered twice and out of order: one confirmation', async () => {
  const { ids, shopper, booking, page } = await heldSeats(1);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  await control('POST', 'webhooks', { mode: 'hold', times: 10 });
  const back = await choose(payment, 'pay');
  // The return page comes first: it asks Stripe and confirms without the webhook.
  const r = await comeBack(shopper, back);
  assert.equal(r.status, 303);
  assert.equal(bookingStatus(booking.bookingId), 'confirmed');
  const itemsBefore = bookingItems(booking.bookingId);
  // Now the webhooks, twice each and reversed: recorded, nothing changes.
  await control('POST', 'webhooks', { mode: 'duplicate', times: 10 });
  await control('POST', 'webhooks/release');
  await webhooksSettled();
  await control('POST', 'webhooks', { mode: 'normal' });
  assert.equal(bookingStatus(booking.bookingId), 'confirmed');
  assert.deepEqual(bookingItems(booking.bookingId), itemsBefore, 'no e-ticket issued twice');
  assert.deepEqual(seatStatus(ids), ['sold']);
  const paid = paymentOf(booking.bookingId);
  assert.equal(eventsOf(paid.id).length, 2, 'each distinct event recorded once, replays ignored');
  assert.equal((await chargeOf(paid)).length, 1);
});

test('Stripe: the webhook first, the return page after it: the page shows the confirmation', async () => {
  const { shopper, booking, page } = await heldSeats(1);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  const back = await choose(payment, 'pay');
  await webhooksSettled();
  assert.equal(bookingStatus(booking.bookingId), 'confirmed', 'the webhook confirmed it');
  const r = await comeBack(shopper, back);
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/bookings\//);
});

test('Stripe: a declined card on the hosted page keeps the checkout open; coming back shows the hold', async () => {
  const { ids, shopper, booking, page } = await heldSeats(1);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  await choose(payment, 'decline');
  await webhooksSettled();
  assert.equal(bookingStatus(booking.bookingId), 'pending', 'a refused card may be replaced on the page');
  assert.equal(paymentOf(booking.bookingId).status, 'pending');
  // Back to our checkout page without paying (the browser's back button to the success URL).
  const r = await shopper.get(`/checkout/${booking.bookingId}/return?token=${booking.token}`);
  assert.equal(r.status, 200);
  assert.match(pageMessage(r.body), /not completed/);
  assert.deepEqual(seatStatus(ids), ['reserved']);
  // Pay again: back to the same open page, then paid.
  const again = await payAtGateway(shopper, booking, parseCheckout(r.body), 'stripe');
  assert.equal(again.payment.id, payment.id, 'the same attempt, the same session');
  const back = await choose(again.payment, 'pay');
  assert.equal((await comeBack(shopper, back)).status, 303);
  assert.equal(bookingStatus(booking.bookingId), 'confirmed');
});

test('Stripe: cancelling on the hosted page releases the seats at once and closes the session', async () => {
  const { ids, shopper, booking, page } = await heldSeats(2);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  const back = await choose(payment, 'cancel');
  assert.match(back, /\/checkout\/\d+\/cancel\?token=/);
  const r = await comeBack(shopper, back);
  assert.equal(r.status, 200);
  assert.match(pageMessage(r.body), /cancelled the payment/);
  assert.deepEqual(seatStatus(ids), ['available', 'available'], 'the seats are on sale again');
  assert.equal(bookingStatus(booking.bookingId), 'failed');
  assert.equal(paymentOf(booking.bookingId).status, 'failed');
  const session = await stripeSdk.checkout.sessions.retrieve(payment.session);
  assert.equal(session.status, 'expired', 'the session can no longer be paid');
});

test('Stripe: a shopper who cancels is told nothing, even when the webhook of the session we close lands first', async () => {
  // Coming back from a cancel, we close the session at Stripe, which says so by webhook
  // (checkout.session.expired), then ask Stripe whether it was paid after all. Here that
  // question is answered late, so the webhook is handled first: it must not pass for a hold
  // that ran out, mailed to a shopper who is looking at the answer.
  const { ids, shopper, booking, page } = await heldSeats(1);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  await control('POST', 'faults', { match: { method: 'GET', path: `/v1/checkout/sessions/${payment.session}` },
                                    action: 'delay', delayMs: 1500 });
  const r = await comeBack(shopper, await choose(payment, 'cancel'));
  await webhooksSettled();
  assert.equal(r.status, 200);
  assert.match(pageMessage(r.body), /cancelled the payment/);
  assert.deepEqual(eventsOf(payment.id), [['checkout.session.expired', 'expired']], 'the webhook came first, and released');
  assert.deepEqual(seatStatus(ids), ['available']);
  assert.equal(bookingStatus(booking.bookingId), 'failed');
  assert.deepEqual(sql(`SELECT status, failure FROM payments WHERE payment_id = ${payment.id}`),
                   [['failed', "given up on the gateway's page"]]);
  assert.deepEqual(sql(`SELECT kind FROM outbox WHERE booking_id = ${booking.bookingId}`), [], 'no message');
});

test('Stripe: a session that expires unpaid releases the hold (webhook)', async () => {
  const { ids, shopper, booking, page } = await heldSeats(1);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  await control('POST', `checkout/${payment.session}/expire`);
  await webhooksSettled();
  assert.deepEqual(seatStatus(ids), ['available']);
  assert.equal(paymentOf(booking.bookingId).status, 'failed');
  assert.deepEqual(eventsOf(payment.id).map((e) => e[0]), ['checkout.session.expired']);
});

test('Stripe: a bank payment is "processing" until it lands, then confirmed; one that fails releases', async () => {
  const ok = await heldSeats(1);
  const { payment } = await payAtGateway(ok.shopper, ok.booking, ok.page, 'stripe');
  const back = await choose(payment, 'bank_later_succeeds');
  await webhooksSettled();
  const r = await comeBack(ok.shopper, back);
  assert.equal(r.status, 202);
  assert.match(r.body, /being processed/);
  assert.match(r.body, /http-equiv="refresh"/, 'the page looks again by itself');
  assert.equal(bookingStatus(ok.booking.bookingId), 'pending');
  await control('POST', `checkout/${payment.session}/async`, { outcome: 'succeeded' });
  await webhooksSettled();
  assert.equal(bookingStatus(ok.booking.bookingId), 'confirmed');

  const bad = await heldSeats(1);
  const failed = await payAtGateway(bad.shopper, bad.booking, bad.page, 'stripe');
  await choose(failed.payment, 'bank_later_fails');
  await control('POST', `checkout/${failed.payment.session}/async`, { outcome: 'failed' });
  await webhooksSettled();
  assert.deepEqual(seatStatus(bad.ids), ['available'], 'a failed payment gives the seats back');
  assert.equal(paymentOf(bad.booking.bookingId).status, 'declined');
});

// Let the hold run out and the sweep put its seats back on sale, while the gateway's page
// stays open (its own deadline is later).
function expireAndSweep(bookingId) {
  sql(`UPDATE bookings SET expires_at = UTC_TIMESTAMP() - INTERVAL 2 MINUTE WHERE booking_id = ${bookingId};
       UPDATE tickets SET hold_expires_at = UTC_TIMESTAMP() - INTERVAL 2 MINUTE WHERE booking_id = ${bookingId}`);
  sweep();
  assert.equal(bookingStatus(bookingId), 'expired');
}

test('a payment after the hold ran out takes the same seats again when they are still free', async () => {
  const { ids, shopper, booking, page } = await heldSeats(2);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  expireAndSweep(booking.bookingId);
  assert.deepEqual(seatStatus(ids), ['available', 'available']);
  const back = await choose(payment, 'pay');
  await webhooksSettled();
  assert.equal(bookingStatus(booking.bookingId), 'confirmed');
  assert.deepEqual(seatStatus(ids), ['sold', 'sold']);
  assert.deepEqual(bookingItems(booking.bookingId).map((i) => i.ticketId).sort((a, b) => a - b),
    [...ids].sort((a, b) => a - b), 'the very seats it held');
  // The webhook confirmed it first; the return page and the booking's page say what happened.
  const r = await comeBack(shopper, back);
  assert.equal(r.status, 303);
  const page2 = await shopper.get(r.headers.get('location'));
  assert.equal(page2.status, 200);
  assert.match(page2.body, /after your hold had run out/);
});

test('a payment after the hold ran out and a seat was sold is refunded, never sold twice', async () => {
  const { ids, shopper, booking, page } = await heldSeats(2);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  expireAndSweep(booking.bookingId);
  const other = checkoutLocation(await hold(fixture.eventId, { ticketIds: [ids[1]] }));
  const back = await choose(payment, 'pay');
  await webhooksSettled();
  assert.equal(bookingStatus(booking.bookingId), 'expired', 'not confirmed for the seats it lost');
  const paid = paymentOf(booking.bookingId);
  assert.equal(paid.status, 'refunded');
  assert.equal(paid.refunded, paid.amount, 'all of it went back');
  assert.deepEqual(seatStatus([ids[1]]), ['reserved'], 'the other buyer keeps the seat');
  assert.equal(sql(`SELECT booking_id FROM tickets WHERE ticket_id = ${ids[1]}`)[0][0], String(other.bookingId));
  const refunds = (await ledger()).refunds.filter((r) => r.payment_intent === paid.ref);
  assert.equal(refunds.length, 1, 'refunded once at the gateway');
  const r = await comeBack(shopper, back);
  assert.equal(r.status, 409);
  assert.match(pageMessage(r.body), /refunded in full/);
});

test('a lost webhook and a shopper who never comes back: the sweep asks Stripe and confirms', async () => {
  const { shopper, booking, page } = await heldSeats(1);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  await control('POST', 'webhooks', { mode: 'drop', times: 10 });
  await choose(payment, 'pay');
  await webhooksSettled();
  await control('POST', 'webhooks', { mode: 'normal' });
  assert.equal(bookingStatus(booking.bookingId), 'pending');
  sql(`UPDATE payments SET created_at = UTC_TIMESTAMP() - INTERVAL 3 MINUTE,
       updated_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE payment_id = ${payment.id}`);
  const out = sweep();
  assert.match(out, /[1-9]\d* pending payments settled/, out);
  assert.equal(bookingStatus(booking.bookingId), 'confirmed');
});

test('Stripe down when Pay is pressed: a clear 503, nothing charged, the hold kept, the next try works', async () => {
  const { ids, shopper, booking, page } = await heldSeats(1);
  await control('POST', 'faults', { match: { method: 'POST', path: '/v1/checkout/sessions' }, action: 'status', status: 503, times: 3 });
  const r = await shopper.post(`/checkout/${booking.bookingId}/pay`, [
    ['csrf_token', page.pay.fields.csrf_token], ['token', booking.token],
    ['name', 'Ada Lovelace'], ['email', 'ada@example.com'], ['paymentMethod', 'stripe']]);
  assert.equal(r.status, 503);
  assert.match(pageMessage(r.body), /not answering.*Nothing has been charged/s);
  assert.ok(r.body.includes('value="Ada Lovelace"'), 'what was typed is kept');
  assert.deepEqual(seatStatus(ids), ['reserved']);
  assert.equal(paymentOf(booking.bookingId).status, 'failed', 'the attempt is closed');
  const again = await payAtGateway(shopper, booking, parseCheckout(r.body), 'stripe');
  assert.notEqual(again.payment.id, paymentOf(booking.bookingId).id - 1);
  const back = await choose(again.payment, 'pay');
  assert.equal((await comeBack(shopper, back)).status, 303);
  assert.equal(bookingStatus(booking.bookingId), 'confirmed');
});

test('PayPal: approve, come back: captured and confirmed once', async () => {
  const { ids, shopper, booking, page } = await heldSeats(2);
  const { location, payment } = await payAtGateway(shopper, booking, page, 'paypal');
  assert.match(location, /\/checkoutnow\?token=/);
  assert.equal(payment.provider, 'paypal');
  const back = await choose(payment, 'approve');
  const r = await comeBack(shopper, back);
  assert.equal(r.status, 303);
  await webhooksSettled();
  assert.equal(bookingStatus(booking.bookingId), 'confirmed');
  assert.deepEqual(seatStatus(ids), ['sold', 'sold']);
  const paid = paymentOf(booking.bookingId);
  assert.equal(paid.status, 'succeeded');
  const captures = (await ledger()).charges.filter((c) => c.provider === 'paypal' && c.id === paid.ref);
  assert.equal(captures.length, 1, 'captured once, by whichever came first');
});

test('PayPal: cancel releases the seats; a declined capture releases them with the reason', async () => {
  const gone = await heldSeats(1);
  const { payment } = await payAtGateway(gone.shopper, gone.booking, gone.page, 'paypal');
  const r = await comeBack(gone.shopper, await choose(payment, 'cancel'));
  assert.equal(r.status, 200);
  assert.deepEqual(seatStatus(gone.ids), ['available']);

  const bad = await heldSeats(1);
  const declined = await payAtGateway(bad.shopper, bad.booking, bad.page, 'paypal');
  const back = await choose(declined.payment, 'approve_declined');
  await webhooksSettled();
  const r2 = await comeBack(bad.shopper, back);
  assert.ok([200, 402, 410].includes(r2.status), `declined: ${r2.status}`);
  assert.deepEqual(seatStatus(bad.ids), ['available']);
  assert.equal(paymentOf(bad.booking.bookingId).status, 'declined');
});

test('Stripe webhooks: signed like Stripe signs is accepted; tampered, wrong secret, stale or unsigned are 400', async () => {
  const payload = JSON.stringify({ id: `evt_test_${process.pid}`, object: 'event', type: 'customer.created',
    data: { object: { id: 'cus_x', object: 'customer' } } });
  const post = (body, signature) => fetch(`${process.env.BOXOFFICE_URL}/payments/webhook/stripe`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
  });
  const good = stripeSdk.webhooks.generateTestHeaderString({ payload, secret: STRIPE_WEBHOOK_SECRET });
  const before = Number(sql('SELECT COUNT(*) FROM payment_events')[0][0]);
  const ok = await post(payload, good);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { received: true, outcome: 'unknown payment' });
  const replay = await post(payload, good);
  assert.equal((await replay.json()).outcome, 'replay', 'the same event again changes nothing');
  const cases = [
    ['a tampered body', payload.replace('cus_x', 'cus_y'), good],
    ['another secret', payload, stripeSdk.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' })],
    ['a stale timestamp', payload, stripeSdk.webhooks.generateTestHeaderString({ payload, secret: STRIPE_WEBHOOK_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 3600 })],
    ['no signature', payload, null],
    ['a signature without v1', payload, `t=${Math.floor(Date.now() / 1000)}`],
  ];
  for (const [what, body, signature] of cases) {
    const r = await post(body, signature);
    assert.equal(r.status, 400, what);
    assert.match((await r.json()).error.message, /signature|timestamp|tolerance/i, what);
  }
  assert.equal(Number(sql('SELECT COUNT(*) FROM payment_events')[0][0]), before + 1, 'only the genuine one was recorded');
});

test('PayPal webhooks: a delivery PayPal does not vouch for is a 400 and changes nothing', async () => {
  const body = JSON.stringify({ id: `WH-test-${process.pid}`, event_type: 'PAYMENT.CAPTURE.COMPLETED',
    resource: { id: 'NOPE', amount: { value: '1.00', currency_code: 'EUR' } } });
  const r = await fetch(`${process.env.BOXOFFICE_URL}/payments/webhook/paypal`, {
    method: 'POST', body, headers: {
      'content-type': 'application/json', 'paypal-transmission-id': 'x', 'paypal-transmission-time': new Date().toISOString(),
      'paypal-transmission-sig': 'bad', 'paypal-cert-url': 'https://example.com/cert', 'paypal-auth-algo': 'SHA256withRSA',
    },
  });
  assert.equal(r.status, 400);
  assert.equal(sql(`SELECT COUNT(*) FROM payment_events WHERE event_id = 'WH-test-${process.pid}'`)[0][0], '0');
});

test('the API pays with a Stripe token: 201; a declined card is a 402 with Stripe\'s message and no hold', async () => {
  const [a, b] = freshSeats(2, 0);
  const post = (ticketIds, paymentMethod) => fetch(`${process.env.BOXOFFICE_URL}/api/v1/bookings`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventId: fixture.eventId, ticketIds, paymentInfo: { provider: 'stripe', paymentMethod } }),
  });
  const ok = await post([a], 'pm_card_visa');
  assert.equal(ok.status, 201);
  const booked = await ok.json();
  assert.equal(booked.paymentStatus, 'confirmed');
  const paid = paymentOf(booked.bookingId);
  assert.match(paid.ref, /^pi_/);
  const intent = await stripeSdk.paymentIntents.retrieve(paid.ref);
  assert.equal(intent.status, 'succeeded');
  assert.equal(intent.amount, paid.amount);
  const no = await post([b], 'pm_card_chargeDeclinedInsufficientFunds');
  assert.equal(no.status, 402);
  assert.match((await no.json()).error.message, /insufficient funds/);
  assert.deepEqual(seatStatus([b]), ['available']);
  // PayPal needs the buyer on PayPal's page: the API says so instead of holding seats.
  const paypal = await fetch(`${process.env.BOXOFFICE_URL}/api/v1/bookings`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventId: fixture.eventId, ticketIds: [b], paymentInfo: { provider: 'paypal', paymentMethod: 'x' } }),
  });
  assert.equal(paypal.status, 422);
  assert.match((await paypal.json()).error.message, /checkout page/);
  assert.deepEqual(seatStatus([b]), ['available']);
});

function boxoffice(...args) {
  const r = spawnSync(process.env.BOXOFFICE_BIN, ['--config', process.env.BOXOFFICE_CONFIG, ...args],
    { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('refunds: part, the same command again (once), the rest, then nothing left; each once at Stripe', async () => {
  const { shopper, booking, page } = await heldSeats(2);
  const { payment } = await payAtGateway(shopper, booking, page, 'stripe');
  await comeBack(shopper, await choose(payment, 'pay'));
  await webhooksSettled();
  const paid = paymentOf(booking.bookingId);
  assert.equal(paid.status, 'succeeded');
  const refundsAtStripe = async () => (await ledger()).refunds.filter((r) => r.payment_intent === paid.ref)
    .map((r) => r.amount).sort((a, b) => a - b);

  // Stripe's answer comes late, so its charge.refunded webhook lands first: the total must
  // still count the refund once.
  await control('POST', 'faults', { match: { method: 'POST', path: '/v1/refunds' }, action: 'delay', delayMs: 800, times: 1 });
  const part = boxoffice('payments', 'refund', String(booking.bookingId), '--amount', '500');
  assert.equal(part.status, 0, part.out);
  const again = boxoffice('payments', 'refund', String(booking.bookingId), '--amount', '500');
  assert.equal(again.status, 0, again.out);
  assert.deepEqual(await refundsAtStripe(), [500], 'the same refund asked twice is given once');
  await webhooksSettled();
  assert.equal(paymentOf(booking.bookingId).refunded, 500, 'counted once, webhook or not');

  const rest = boxoffice('payments', 'refund', String(booking.bookingId));
  assert.equal(rest.status, 0, rest.out);
  assert.deepEqual(await refundsAtStripe(), [500, paid.amount - 500].sort((a, b) => a - b));
  assert.equal(paymentOf(booking.bookingId).refunded, paid.amount);
  const none = boxoffice('payments', 'refund', String(booking.bookingId), '--amount', '100');
  assert.equal(none.status, 1);
  assert.match(none.out, /€0\.00 of .* is left to refund/);
  await webhooksSettled();
  assert.equal(paymentOf(booking.bookingId).refunded, paid.amount, 'charge.refunded agrees and does not double it');
  assert.equal(bookingStatus(booking.bookingId), 'confirmed', 'a refund moves money, not tickets');
});

test('an API charge whose answer was lost (the gateway charged, the connection dropped) is confirmed by the sweep', async () => {
  const [seat] = freshSeats(1, 0);
  // More drops than the tries a call gets (Payments.Retries): every answer is lost. Its
  // webhook would settle it at once (payment_intent.succeeded names the attempt); lose that too,
  // so that only the sweep is left to find the money.
  await control('POST', 'faults', { match: { method: 'POST', path: '/v1/payment_intents' }, action: 'drop', times: 10 });
  await control('POST', 'webhooks', { mode: 'drop', times: 10 });
  const r = await fetch(`${process.env.BOXOFFICE_URL}/api/v1/bookings`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventId: fixture.eventId, ticketIds: [seat], paymentInfo: { provider: 'stripe', paymentMethod: 'pm_card_visa' } }),
  });
  assert.equal(r.status, 503, 'nobody knows yet whether money moved');
  await control('DELETE', 'faults');
  await webhooksSettled();
  await control('POST', 'webhooks', { mode: 'normal' });
  const [[bookingId]] = sql(`SELECT booking_id FROM tickets WHERE ticket_id = ${seat}`);
  assert.ok(bookingId, 'the seat stays held for the payment that may have happened');
  const attempt = paymentOf(bookingId);
  assert.equal(attempt.status, 'pending');
  sql(`UPDATE payments SET created_at = UTC_TIMESTAMP() - INTERVAL 2 MINUTE,
       updated_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE payment_id = ${attempt.id}`);
  const pending = boxoffice('payments', 'pending', '--older-than', '60');
  assert.equal(pending.status, 0, pending.out);
  assert.match(pending.out, new RegExp(`^${attempt.id}\\s+${bookingId}\\s`, 'm'), 'listed while undecided');
  const out = sweep();
  assert.match(out, /[1-9]\d* pending payments settled/, out);
  assert.equal(bookingStatus(bookingId), 'confirmed');
  assert.match(paymentOf(bookingId).ref, /^pi_/, 'found at Stripe by the attempt it was made for');
  assert.equal((await ledger()).charges.filter((c) => c.payment_intent === paymentOf(bookingId).ref).length, 1,
    'charged once: a retry of the lost call was the same charge');
});

test('a slow gateway ties up only Payments.MaxConcurrent workers: the rest answer "busy" at once, holding and charging nothing', async () => {
  // 4 s a call, 2 slots (half the stack's 4 workers), a 3 s wait for a slot (the stack's
  // Booking.MaxQueueMs): of eight shoppers at once, some must be turned away.
  const seats = freshSeats(8, 0);
  await control('POST', 'latency', { ms: 4000 });
  let answers;
  try {
    answers = await Promise.all(seats.map(async (seat) => {
      const r = await fetch(`${process.env.BOXOFFICE_URL}/api/v1/bookings`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ eventId: fixture.eventId, ticketIds: [seat],
          paymentInfo: { provider: 'stripe', paymentMethod: 'pm_card_visa' } }),
      });
      return { seat, status: r.status, json: await r.json(), retryAfter: r.headers.get('retry-after') };
    }));
  } finally {
    await control('POST', 'latency', { ms: 0 });
  }
  const busy = answers.filter((a) => a.status === 503);
  const booked = answers.filter((a) => a.status === 201);
  assert.ok(busy.length >= 1, `some were turned away: ${answers.map((a) => a.status)}`);
  assert.ok(booked.length >= 2, `some were served: ${answers.map((a) => a.status)}`);
  assert.equal(busy.length + booked.length, seats.length, `every answer is 201 or 503: ${answers.map((a) => a.status)}`);
  const charged = new Set((await ledger()).charges.map((c) => c.metadata?.attempt));
  // Turned away while waiting for a payment slot ("very busy"), or before a worker took it at
  // all (admission control: it queued past Booking.MaxQueueMs); either way nothing happened.
  const noSlot = busy.filter((a) => /very busy/.test(a.json.error.message));
  assert.ok(noSlot.length >= 1, `the payment slots turned some away: ${busy.map((a) => a.json.error.message)}`);
  for (const a of busy) {
    assert.match(a.json.error.message, /nothing has been (held or )?charged/i);
    assert.ok(a.retryAfter, 'a 503 says when to come back');
    assert.deepEqual(seatStatus([a.seat]), ['available'], 'its seat is on sale again at once');
  }
  for (const a of booked) assert.deepEqual(seatStatus([a.seat]), ['sold']);
  const notSent = sql(`SELECT booking_id FROM payments WHERE event_id = ${fixture.eventId} AND failure LIKE 'not sent%'`)
    .map((r) => r[0]);
  assert.equal(notSent.length, noSlot.length, 'each one turned away by the slots is an attempt recorded as never sent');
  for (const b of notSent) {
    const [[paymentId]] = sql(`SELECT payment_id FROM payments WHERE booking_id = ${b}`);
    assert.ok(![...charged].some((key) => key?.endsWith(`-payment-${paymentId}`)), `booking ${b} was never charged`);
  }
});

test('PayPal: a buyer who never approves and never comes back: once the checkout\'s time is up, the sweep releases the seats', async () => {
  const { ids, shopper, booking, page } = await heldSeats(1);
  const { payment } = await payAtGateway(shopper, booking, page, 'paypal');
  assert.deepEqual(seatStatus(ids), ['reserved']);
  // Two minutes in, the checkout still open: the sweep asks PayPal and leaves it be.
  sql(`UPDATE payments SET created_at = UTC_TIMESTAMP() - INTERVAL 3 MINUTE,
       updated_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE payment_id = ${payment.id}`);
  sweep();
  assert.equal(paymentOf(booking.bookingId).status, 'pending', 'an open checkout is not the sweep\'s to end');
  assert.deepEqual(seatStatus(ids), ['reserved']);
  // Its time up (PayPal orders have no expiry of their own): closed, the seats back on sale.
  sql(`UPDATE payments SET checkout_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE,
       updated_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE payment_id = ${payment.id}`);
  const out = sweep();
  assert.match(out, /[1-9]\d* pending payments settled/, out);
  assert.equal(paymentOf(booking.bookingId).status, 'failed');
  assert.deepEqual(seatStatus(ids), ['available']);
  assert.equal(bookingStatus(booking.bookingId), 'failed');
});

test('Stripe never answering (a timeout) or answering a truncated body: a 503 now, and the sweep decides from Stripe\'s record', async () => {
  const book = (seat) => fetch(`${process.env.BOXOFFICE_URL}/api/v1/bookings`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventId: fixture.eventId, ticketIds: [seat], paymentInfo: { provider: 'stripe', paymentMethod: 'pm_card_visa' } }),
  });
  const [silent, cut] = freshSeats(2, 0);
  // A call that times out is not tried again (the gateway may still be working on it); the
  // stand-in does nothing for it. One whose body is cut off did happen.
  await control('POST', 'webhooks', { mode: 'drop', times: 10 });
  await control('POST', 'faults', { match: { method: 'POST', path: '/v1/payment_intents' }, action: 'timeout', times: 1 });
  const r1 = await book(silent);
  assert.equal(r1.status, 503);
  await control('POST', 'faults', { match: { method: 'POST', path: '/v1/payment_intents' }, action: 'truncate', times: 5 });
  const r2 = await book(cut);
  assert.equal(r2.status, 503);
  await control('DELETE', 'faults');
  await webhooksSettled();
  await control('POST', 'webhooks', { mode: 'normal' });
  const held = (seat) => Number(sql(`SELECT booking_id FROM tickets WHERE ticket_id = ${seat}`)[0][0]);
  const [b1, b2] = [held(silent), held(cut)];
  assert.ok(b1 && b2, 'both seats stay held while nobody knows');
  // Minutes later: the truncated one was charged and is confirmed; the silent one has no
  // charge at Stripe, and once old enough is given up, its hold left to run out.
  sql(`UPDATE payments SET created_at = UTC_TIMESTAMP() - INTERVAL 2 MINUTE, updated_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
       WHERE booking_id IN (${b1}, ${b2})`);
  sweep();
  assert.equal(bookingStatus(b2), 'confirmed', 'the charge Stripe made is found and the booking confirmed');
  assert.equal(paymentOf(b1).status, 'pending', 'no charge found yet: Stripe\'s search may lag, so it waits');
  sql(`UPDATE payments SET created_at = UTC_TIMESTAMP() - INTERVAL 11 MINUTE, updated_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
       WHERE booking_id = ${b1}`);
  sweep();
  assert.equal(paymentOf(b1).status, 'failed', 'ten minutes without a charge at Stripe: it never got there');
  assert.equal((await ledger()).charges.filter((c) => c.metadata?.attempt?.endsWith(`-payment-${paymentOf(b1).id}`)).length, 0);
});
