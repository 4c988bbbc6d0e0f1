// Money without seats is given back: a charge that succeeded for a booking which then ended
// unconfirmed (its worker died between charging and confirming, and the sweep expired the
// hold) is refunded by the next sweep — once, however often the sweep runs.
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
