// A booking whose database connection is lost in the middle of a transaction loses nothing
// and leaves nothing half-done: killed inside the hold, the hold is rolled back whole (nothing
// held, a 503 with Retry-After, the next request served on a new connection); killed inside
// the confirmation, after the charge, the confirmation is retried on a new connection and the
// buyer gets their booking, charged once.
//
// The transaction is held still at a known point by a trigger waiting on a named lock that a
// second session holds (as parkPayments does), and its connection is then killed from outside
// (KILL CONNECTION), as a MariaDB failover or a network cut would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlString, waitFor, logSize, logSince } from './lib.mjs';
import { createEvent, retireEvent, postBooking, closeClient, VISA, session } from './storm.mjs';

let fx;
after(() => {
  if (fx) retireEvent(fx.eventId);
  closeClient();
});

// Park statements `timing` on `table` for the buyer named `marker` until release().
async function park(timing, table, buyerCondition) {
  const name = `conn_lost_${process.pid}`;
  const holder = await session();
  await holder.say(`DO GET_LOCK('${name}', 0)`);
  sql(`CREATE TRIGGER ${name} ${timing} ON ${table} FOR EACH ROW
       SET @parked = IF(${buyerCondition}, GET_LOCK('${name}', 60) + RELEASE_LOCK('${name}'), 0)`);
  return {
    async release() {
      await holder.end(`DO RELEASE_LOCK('${name}')`);
      sql(`DROP TRIGGER IF EXISTS ${name}`);
    },
  };
}

// The pool's session parked on the named lock; killed from outside.
async function killParkedSession() {
  let id;
  await waitFor(() => {
    id = sql(`SELECT ID FROM information_schema.PROCESSLIST WHERE STATE = 'User lock'`)[0]?.[0];
    return id !== undefined;
  }, { what: 'a parked booking transaction' });
  sql(`KILL CONNECTION ${id}`);
}

const freeSeats = (n) => sql(`SELECT ticket_id FROM tickets WHERE event_id = ${fx.eventId}
  AND seat_id IS NOT NULL AND status = 'available' ORDER BY ticket_id LIMIT ${n}`).map(([id]) => Number(id));
const bookingsOf = (buyer) => sql(`SELECT booking_id, payment_status FROM bookings
  WHERE event_id = ${fx.eventId} AND buyer_name = ${sqlString(buyer)}`);

test('the connection lost inside the hold: nothing held, a 503 with Retry-After, then the seats can be booked', async () => {
  fx = createEvent(sql(`SELECT name FROM venues v WHERE EXISTS (SELECT 1 FROM venue_sections s
    WHERE s.venue_id = v.venue_id AND s.kind = 'seated') ORDER BY venue_id LIMIT 1`)[0][0],
  `Connection lost ${process.pid}`);
  const seats = freeSeats(2);
  const buyer = `lost-in-hold-${process.pid}`;
  // The hold has locked and checked the seats and is inserting the booking row.
  const parked = await park('BEFORE INSERT', 'bookings', `NEW.buyer_name = ${sqlString(buyer)}`);
  let r;
  try {
    const answer = postBooking({ eventId: fx.eventId, ticketIds: seats, paymentInfo: VISA, buyerName: buyer });
    await killParkedSession();
    r = await answer;
  } finally {
    await parked.release();
  }
  assert.equal(r.status, 503, r.text);
  assert.match(String(r.headers['retry-after']), /^[1-9][0-9]*$/);
  assert.deepEqual(bookingsOf(buyer), [], 'no booking row survived');
  assert.deepEqual(sql(`SELECT status, booking_id FROM tickets WHERE ticket_id IN (${seats.join(',')})`),
    [['available', null], ['available', null]], 'no seat is half-held');
  assert.deepEqual(sql(`SELECT COUNT(*) FROM payments p JOIN bookings b ON b.booking_id = p.booking_id
    WHERE b.buyer_name = ${sqlString(buyer)}`), [['0']]);

  const again = await postBooking({ eventId: fx.eventId, ticketIds: seats, paymentInfo: VISA, buyerName: buyer });
  assert.equal(again.status, 201, again.text);
});

test('the connection lost inside the confirmation: retried on a new connection, booked once, charged once', async () => {
  const seats = freeSeats(2);
  const buyer = `lost-in-confirm-${process.pid}`;
  // After the charge: the confirmation is recording it as succeeded.
  const parked = await park('BEFORE UPDATE', 'payments', `NEW.status = 'succeeded' AND
    (SELECT buyer_name FROM bookings WHERE booking_id = NEW.booking_id) = ${sqlString(buyer)}`);
  const logFrom = logSize();
  let answer;
  try {
    answer = postBooking({ eventId: fx.eventId, ticketIds: seats, paymentInfo: VISA, buyerName: buyer });
    await killParkedSession();
    // The retry, on a new connection, parks again at the same place: let it through.
    await waitFor(() => sql(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE = 'User lock'`)[0][0] === '1',
      { what: 'the confirmation retried' });
  } finally {
    await parked.release();
  }
  const r = await answer;
  assert.equal(r.status, 201, r.text);
  assert.match(logSince(logFrom), /database connection lost; reconnecting/, 'the connection really was lost');
  const [[bookingId, status]] = bookingsOf(buyer);
  assert.equal(status, 'confirmed');
  assert.equal(Number(bookingId), r.json.bookingId);
  assert.deepEqual(sql(`SELECT status FROM payments WHERE booking_id = ${bookingId}`), [['succeeded']], 'one payment, settled');
  assert.deepEqual(sql(`SELECT status, booking_id FROM tickets WHERE ticket_id IN (${seats.join(',')})`),
    seats.map(() => ['sold', String(bookingId)]));
  assert.deepEqual(sql(`SELECT COUNT(*) FROM booking_items WHERE booking_id = ${bookingId}`), [[String(seats.length)]]);
});
