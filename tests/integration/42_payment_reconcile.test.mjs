// Money without seats is given back: a charge that succeeded for a booking which then ended
// unconfirmed (its worker died between charging and confirming, and the sweep expired the
// hold) is refunded by the next sweep — once, however often the sweep runs. And an attempt a
// worker left pending (it died mid-charge, so nobody knows whether money moved) is settled by
// the sweep: the charge is replayed under its idempotency key, and a paid hold that is still
// whole is confirmed — the order is not lost — while one that lost a seat is refunded.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlString } from './lib.mjs';
import { createEvent, retireEvent, postBooking, closeClient, VISA, sweep } from './storm.mjs';

let fx;
after(() => {
  if (fx) retireEvent(fx.eventId);
  closeClient();
});

test('the sweep refunds a charge whose booking expired unconfirmed, exactly once', async () => {
  fx = createEvent(sql(`SELECT name FROM venues v WHERE EXISTS (SELECT 1 FROM venue_sections s
    WHERE s.venue_id = v.venue_id AND s.kind = 'seated') ORDER BY venue_id LIMIT 1`)[0][0],
  `Reconcile ${process.pid}`);
  const [[t1], [t2]] = sql(`SELECT ticket_id FROM tickets WHERE event_id = ${fx.eventId}
    AND seat_id IS NOT NULL ORDER BY ticket_id LIMIT 2`);

  // A confirmed booking: its payment must be left alone.
  const ok = await postBooking({ eventId: fx.eventId, ticketIds: [Number(t1)], paymentInfo: VISA });
  assert.equal(ok.status, 201);

  // What a worker killed after the charge leaves behind: a pending hold with a succeeded
  // payment, then time passes (expires_at and the payment's last update in the past).
  const [[bookingId]] = sql(`
    INSERT INTO bookings (event_id, booking_code, access_token_hash, total_price_cents, currency,
                          payment_status, expires_at)
    VALUES (${fx.eventId}, ${sqlString(`RC${process.pid}`.slice(0, 10))}, UNHEX(SHA2('x', 256)),
            1500, 'EUR', 'pending', UTC_TIMESTAMP() - INTERVAL 5 MINUTE);
    SET @b = LAST_INSERT_ID();
    UPDATE tickets SET status = 'reserved', booking_id = @b,
                       hold_expires_at = UTC_TIMESTAMP() - INTERVAL 5 MINUTE
     WHERE ticket_id = ${t2};
    INSERT INTO payments (booking_id, event_id, provider, provider_ref, amount_cents, currency,
                          status, created_at, updated_at)
    VALUES (@b, ${fx.eventId}, 'test', ${sqlString(`test_ch_rc${process.pid}`)}, 1500, 'EUR',
            'succeeded', UTC_TIMESTAMP() - INTERVAL 5 MINUTE, UTC_TIMESTAMP() - INTERVAL 5 MINUTE);
    SELECT @b`);

  const first = sweep();
  assert.match(first, /1 payments refunded/, first);
  const payment = (id) => sql(`SELECT status FROM payments WHERE booking_id = ${id}`).map((r) => r[0]);
  assert.deepEqual(payment(bookingId), ['refunded']);
  assert.deepEqual(sql(`SELECT payment_status FROM bookings WHERE booking_id = ${bookingId}`), [['expired']]);
  assert.deepEqual(sql(`SELECT status, booking_id FROM tickets WHERE ticket_id = ${t2}`), [['available', null]]);
  assert.deepEqual(payment(ok.json.bookingId), ['succeeded'], 'a confirmed booking keeps its charge');

  const second = sweep();
  assert.match(second, /0 payments refunded/, 'a second sweep refunds nothing more');
});

// What a worker killed mid-charge leaves behind: a pending booking holding `tickets` (the hold
// ending in `holdMinutes`; `count` tickets counted), and its payment attempt, pending, begun
// five minutes ago with `method`.
function diedMidCharge(code, tickets, { method = 'pm_card_visa', holdMinutes = 5, count = tickets.length } = {}) {
  const price = 1500 * count;
  const [[bookingId]] = sql(`
    INSERT INTO bookings (event_id, booking_code, access_token_hash, total_price_cents, ticket_count,
                          currency, payment_status, expires_at)
    VALUES (${fx.eventId}, ${sqlString(code)}, UNHEX(SHA2(${sqlString(code)}, 256)), ${price}, ${count},
            'EUR', 'pending', UTC_TIMESTAMP() + INTERVAL ${holdMinutes} MINUTE);
    SET @b = LAST_INSERT_ID();
    UPDATE tickets SET status = 'reserved', booking_id = @b, price_cents = 1500,
                       hold_expires_at = UTC_TIMESTAMP() + INTERVAL ${holdMinutes} MINUTE
     WHERE ticket_id IN (${tickets.join(',')});
    INSERT INTO payments (booking_id, event_id, provider, payment_method, amount_cents, currency,
                          status, created_at, updated_at)
    VALUES (@b, ${fx.eventId}, 'test', ${sqlString(method)}, ${price}, 'EUR', 'pending',
            UTC_TIMESTAMP() - INTERVAL 5 MINUTE, UTC_TIMESTAMP() - INTERVAL 5 MINUTE);
    SELECT @b`);
  return Number(bookingId);
}

test('the sweep settles attempts left pending by a dead worker: paid and whole is confirmed, paid and lost is refunded, declined stays a hold', async () => {
  const free = sql(`SELECT ticket_id FROM tickets WHERE event_id = ${fx.eventId} AND seat_id IS NOT NULL
    AND status = 'available' ORDER BY ticket_id LIMIT 5`).map(([id]) => Number(id));
  const tag = String(process.pid).slice(-6);
  const whole = diedMidCharge(`PW${tag}`, [free[0], free[1]]);
  const lost = diedMidCharge(`PL${tag}`, [free[2]], { count: 2, holdMinutes: -5 });   // one seat went to someone else
  const declined = diedMidCharge(`PD${tag}`, [free[3]], { method: 'pm_card_chargeDeclined' });
  // A live attempt, begun just now: not the sweep's business.
  const live = diedMidCharge(`PN${tag}`, [free[4]]);
  sql(`UPDATE payments SET created_at = UTC_TIMESTAMP() WHERE booking_id = ${live}`);

  const out = sweep();
  assert.match(out, /3 pending payments settled/, out);
  const booking = (id) => sql(`SELECT payment_status FROM bookings WHERE booking_id = ${id}`)[0][0];
  const payment = (id) => sql(`SELECT status, provider_ref IS NOT NULL FROM payments WHERE booking_id = ${id}`);

  assert.equal(booking(whole), 'confirmed');
  assert.deepEqual(payment(whole), [['succeeded', '1']]);
  assert.deepEqual(sql(`SELECT status FROM tickets WHERE booking_id = ${whole} ORDER BY ticket_id`), [['sold'], ['sold']]);
  assert.deepEqual(sql(`SELECT ticket_id FROM booking_items WHERE booking_id = ${whole} ORDER BY ticket_id`),
    [[String(free[0])], [String(free[1])]], 'an e-ticket for each seat');

  assert.equal(booking(lost), 'failed');
  assert.deepEqual(payment(lost), [['refunded', '1']]);
  assert.deepEqual(sql(`SELECT status, booking_id FROM tickets WHERE ticket_id = ${free[2]}`), [['available', null]]);

  assert.equal(booking(declined), 'pending', 'a declined charge leaves the hold to run its course');
  assert.deepEqual(payment(declined), [['declined', '1']]);
  assert.equal(booking(live), 'pending');
  assert.deepEqual(payment(live), [['pending', '0']]);

  // A second sweep leaves these four as they are. (Its count of settled payments is not
  // asserted: a payment an earlier test left pending can come of age between the two sweeps.)
  const state = () => [whole, lost, declined, live].map((id) => [booking(id), payment(id)]);
  const before = state();
  sweep();
  assert.deepEqual(state(), before, 'a second sweep changes nothing of these bookings');
});
