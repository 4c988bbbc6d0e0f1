// Load shedding in an on-sale: a booking (API) or a hold (the seat map's form) that waited
// longer than Booking.MaxQueueMs for a free worker is answered at once with a 503 and
// Retry-After — nothing held, nothing charged, the shopper's selection still ticked — and
// the same request sent again once the crowd has gone through is served normally.
//
// The queue is made for real: every pool worker is kept busy by a booking whose gateway
// answers late (parkPayments), so the next requests wait in the pool's listen backlog for
// longer than the limit, then reach a worker once the parked ones are let go.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG, sql, sleep, waitFor, configuredWorkers } from './lib.mjs';
import { createEvent, retireEvent, postBooking, closeClient, VISA, parkPayments } from './storm.mjs';
import { hold, pageMessage } from './checkout.mjs';

const MAX_QUEUE_MS = Number(readFileSync(CONFIG, 'utf8').match(/^\s*MaxQueueMs\s*=\s*(\d+)/m)?.[1] ?? 250);
const WORKERS = configuredWorkers();

let fx;
after(() => {
  if (fx) retireEvent(fx.eventId);
  closeClient();
});

function seats(n) {
  return sql(`SELECT ticket_id FROM tickets WHERE event_id = ${fx.eventId} AND seat_id IS NOT NULL
               AND status = 'available' ORDER BY ticket_id LIMIT ${n}`).map(([id]) => Number(id));
}

// Pool workers parked inside a confirm, waiting on the named lock of parkPayments.
const parkedSessions = () => Number(sql(`SELECT COUNT(*) FROM information_schema.PROCESSLIST
  WHERE STATE = 'User lock'`)[0][0]);

test('requests that queued past Booking.MaxQueueMs get a quick 503 + Retry-After and hold nothing; a retry books', async () => {
  assert.ok(MAX_QUEUE_MS > 0, 'the test stack sheds (Booking.MaxQueueMs > 0)');
  fx = createEvent(sql(`SELECT name FROM venues v WHERE EXISTS (SELECT 1 FROM venue_sections s
    WHERE s.venue_id = v.venue_id AND s.kind = 'seated') ORDER BY venue_id LIMIT 1`)[0][0],
  `Admission ${process.pid}`);
  const all = seats(WORKERS * 2 + 3);
  const parkedSeats = all.slice(0, WORKERS * 2);
  const [apiSeat, htmlSeat1, htmlSeat2] = all.slice(WORKERS * 2);

  const gateway = await parkPayments('-park-');
  let parked, api, html;
  try {
    parked = Array.from({ length: WORKERS }, (_, i) => postBooking({ eventId: fx.eventId,
      ticketIds: parkedSeats.slice(2 * i, 2 * i + 2), paymentInfo: VISA, buyerName: `adm-park-${i}` }));
    await waitFor(() => parkedSessions() >= WORKERS, { what: `all ${WORKERS} workers parked` });
    // Every worker is busy: these two wait in the listen backlog.
    api = postBooking({ eventId: fx.eventId, ticketIds: [apiSeat], paymentInfo: VISA, buyerName: 'adm-api' });
    html = hold(fx.eventId, { ticketIds: [htmlSeat1, htmlSeat2] });
    await sleep(MAX_QUEUE_MS + 1000);
  } finally {
    await gateway.release();
  }
  for (const r of await Promise.all(parked)) assert.equal(r.status, 201, r.text);

  const a = await api;
  assert.equal(a.status, 503, a.text);
  assert.equal(a.headers['retry-after'], '1');
  assert.equal(a.json?.error?.code, 'unavailable');
  assert.match(a.json.error.message, /Nothing has been held or charged/);

  const h = await html;
  assert.equal(h.status, 503, pageMessage(h.body));
  assert.equal(h.headers.get('retry-after'), '1');
  assert.match(pageMessage(h.body), /waited too long/);
  // "Try again" posts the very same selection to the same hold.
  const form = h.body.match(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/);
  assert.ok(form, 'the page offers to try again');
  assert.equal(form[1], `/events/${fx.eventId}/hold`);
  const kept = [...form[2].matchAll(/<input type="hidden" name="ticketId" value="(\d+)">/g)].map((m) => Number(m[1]));
  assert.deepEqual(kept.sort((x, y) => x - y), [htmlSeat1, htmlSeat2], 'the selection rides along');
  assert.match(form[2], /Try again with the same 2 tickets/);

  // Nothing was written for the shed requests.
  assert.deepEqual(sql(`SELECT status, booking_id FROM tickets WHERE ticket_id IN (${apiSeat}, ${htmlSeat1}, ${htmlSeat2})`),
    [['available', null], ['available', null], ['available', null]]);
  assert.deepEqual(sql(`SELECT COUNT(*) FROM bookings WHERE event_id = ${fx.eventId} AND buyer_name = 'adm-api'`), [['0']]);
  assert.deepEqual(sql(`SELECT COUNT(*) FROM bookings WHERE event_id = ${fx.eventId}`), [[String(WORKERS)]]);

  // With the crowd gone, the same requests go through.
  const again = await postBooking({ eventId: fx.eventId, ticketIds: [apiSeat], paymentInfo: VISA, buyerName: 'adm-api' });
  assert.equal(again.status, 201, again.text);
  const retry = [...form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]+)">/g)].map((m) => [m[1], m[2]]);
  const held = await hold(fx.eventId, { extra: retry });
  assert.equal(held.status, 303, pageMessage(held.body));
});
