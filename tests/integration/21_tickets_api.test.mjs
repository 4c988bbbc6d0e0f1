// GET /api/v1/events/{eventId}/tickets and GET /api/v1/events/{eventId}: the JSON shape, counts
// that equal MariaDB's (available + reserved + sold = capacity), the ?status= filter and its 400,
// expired holds counted as available, changes visible within the staleness bound, and 404s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, sql, sleep, untouchedEventWithSeatsAndStanding } from './lib.mjs';

const STALE_BOUND_MS = 3000; // availability is at most ~2 s stale; poll a little longer
const STATUSES = ['available', 'reserved', 'sold'];

let eventId;
const touched = [];

// A hold past its expiry is available again, whether or not the sweep has run.
const EFFECTIVE_STATUS = `CASE WHEN t.status = 'reserved' AND t.hold_expires_at <= UTC_TIMESTAMP()
                               THEN 'available' ELSE t.status END`;

function ticketsFromDb(id) {
  return sql(
    `SELECT t.ticket_id, s.section_id, s.name, vs.row_label, vs.seat_number, t.price_cents,
            pt.currency, ${EFFECTIVE_STATUS}
       FROM tickets t
       JOIN venue_sections s ON s.section_id = t.section_id
       JOIN price_tiers pt ON pt.tier_id = t.tier_id
       LEFT JOIN venue_seats vs ON vs.seat_id = t.seat_id
      WHERE t.event_id = ${id}
      ORDER BY t.ticket_id`,
  ).map(([ticketId, sectionId, section, row, seat, cents, currency, status]) => ({
    ticketId: Number(ticketId),
    sectionId: Number(sectionId),
    section,
    seatNumber: row === null ? 'Standing' : `${row}-${seat}`,
    row,
    seat: seat === null ? null : Number(seat),
    priceCents: Number(cents),
    currency,
    status,
  }));
}

function sectionsFromDb(id) {
  return sql(
    `SELECT s.section_id, s.name, s.kind, pt.name, pt.price_cents, pt.currency, COUNT(t.ticket_id),
            COALESCE(SUM(${EFFECTIVE_STATUS} = 'available'), 0),
            COALESCE(SUM(${EFFECTIVE_STATUS} = 'reserved'), 0),
            COALESCE(SUM(${EFFECTIVE_STATUS} = 'sold'), 0)
       FROM price_tiers pt
       JOIN venue_sections s ON s.section_id = pt.section_id
       LEFT JOIN tickets t ON t.event_id = pt.event_id AND t.section_id = s.section_id
      WHERE pt.event_id = ${id}
      GROUP BY s.section_id, s.name, s.kind, pt.name, pt.price_cents, pt.currency, s.sort_order
      ORDER BY s.sort_order, s.section_id`,
  ).map(([sectionId, name, kind, tierName, cents, currency, capacity, available, reserved, sold]) => ({
    sectionId: Number(sectionId), name, kind, tierName, priceCents: Number(cents), currency,
    capacity: Number(capacity), available: Number(available), reserved: Number(reserved), sold: Number(sold),
  }));
}

async function getJson(path, status = 200) {
  const r = await get(path);
  assert.equal(r.status, status, `GET ${path}: ${r.body.slice(0, 200)}`);
  assert.match(r.contentType, /^application\/json\b/, `GET ${path} is JSON`);
  return r.json();
}

// Fetch until ok(doc) holds or the staleness bound has passed; the last document either way.
// Responses are cached for up to ~2 s, so after a change every read has to allow for that.
async function eventually(path, ok) {
  const start = Date.now();
  for (;;) {
    const doc = await getJson(path);
    if (ok(doc) || Date.now() - start > STALE_BOUND_MS) return doc;
    await sleep(100);
  }
}

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function assertApiError(doc, code) {
  assert.equal(typeof doc.error?.code, 'string');
  if (code) assert.equal(doc.error.code, code);
  assert.ok(doc.error.message.length > 0, 'the error has a message');
}

before(() => {
  eventId = untouchedEventWithSeatsAndStanding({ oldest: true });
});

after(() => {
  if (touched.length) {
    sql(`UPDATE tickets SET status = 'available', booking_id = NULL, hold_expires_at = NULL
          WHERE ticket_id IN (${touched.join(',')})`);
  }
});

// The API agrees with MariaDB, field by field.
function assertMatchesDb(doc, id) {
  assert.equal(doc.eventId, id);
  const sections = sectionsFromDb(id);
  assert.deepEqual(doc.sections.map((s) => ({
    sectionId: s.sectionId, name: s.name, kind: s.kind, capacity: s.capacity, available: s.available,
    reserved: s.reserved, sold: s.sold, priceCents: s.priceCents, currency: s.currency,
  })), sections.map(({ tierName, ...s }) => s), 'per-section counts and prices');
  for (const s of doc.sections) {
    assert.equal(s.available + s.reserved + s.sold, s.capacity, `${s.name}: available + reserved + sold = capacity`);
  }
  const tickets = ticketsFromDb(id);
  assert.equal(doc.tickets.length, tickets.length, 'every ticket of the event');
  assert.deepEqual(doc.tickets, tickets, 'each ticket as MariaDB holds it');
}

test('the tickets endpoint lists every ticket with counts that equal MariaDB\'s', async () => {
  const want = ticketsFromDb(eventId);
  const doc = await eventually(`/api/v1/events/${eventId}/tickets`, (d) => sameJson(d.tickets, want));
  assert.deepEqual(Object.keys(doc).filter((k) => ['eventId', 'sections', 'tickets'].includes(k)).sort(),
    ['eventId', 'sections', 'tickets']);
  assert.ok(doc.sections.some((s) => s.kind === 'standing') && doc.sections.some((s) => s.kind === 'seated'));
  for (const t of doc.tickets) {
    assert.ok(Number.isInteger(t.ticketId) && Number.isInteger(t.priceCents), 'integer ids and money');
    assert.ok(STATUSES.includes(t.status), `status ${t.status}`);
    assert.match(t.currency, /^[A-Z]{3}$/);
    assert.match(t.seatNumber, /^(Standing|[A-Z]+-\d+)$/);
  }
  assertMatchesDb(doc, eventId);
  const capacity = Number(sql(`SELECT COUNT(*) FROM tickets WHERE event_id = ${eventId}`)[0][0]);
  assert.equal(doc.sections.reduce((n, s) => n + s.capacity, 0), capacity, 'the sections add up to the event');
});

test('?status= filters the tickets; any other value is a 400', async () => {
  const all = await getJson(`/api/v1/events/${eventId}/tickets?status=`);
  assert.equal(all.tickets.length, ticketsFromDb(eventId).length, 'an empty status is no filter');
  for (const status of STATUSES) {
    const want = ticketsFromDb(eventId).filter((t) => t.status === status);
    const doc = await eventually(`/api/v1/events/${eventId}/tickets?status=${status}`, (d) => sameJson(d.tickets, want));
    assert.deepEqual(doc.tickets, want, `?status=${status}`);
    assert.equal(doc.sections.length, sectionsFromDb(eventId).length, 'the counts stay complete');
  }
  for (const bad of ['held', 'AVAILABLE', 'free', 'available,sold', 'available%20', '1']) {
    const doc = await getJson(`/api/v1/events/${eventId}/tickets?status=${bad}`, 400);
    assertApiError(doc, 'bad_request');
    assert.match(doc.error.message, /status/, `?status=${bad} names the parameter`);
  }
});

test('holds and sales show within the staleness bound, and an expired hold counts as available', async () => {
  const seats = ticketsFromDb(eventId).filter((t) => t.row !== null && t.status === 'available');
  const standing = ticketsFromDb(eventId).filter((t) => t.row === null && t.status === 'available');
  const held = [seats[0], standing[0]];
  const sold = [seats[1], seats[2], standing[1]];
  const expired = [seats[3], standing[2]];
  touched.push(...[...held, ...sold, ...expired].map((t) => t.ticketId));
  await getJson(`/api/v1/events/${eventId}/tickets`); // the cache holds the old state
  await getJson(`/api/v1/events/${eventId}`);

  sql(`UPDATE tickets SET status = 'reserved', hold_expires_at = UTC_TIMESTAMP() + INTERVAL 10 MINUTE
        WHERE ticket_id IN (${held.map((t) => t.ticketId).join(',')})`);
  sql(`UPDATE tickets SET status = 'sold' WHERE ticket_id IN (${sold.map((t) => t.ticketId).join(',')})`);
  sql(`UPDATE tickets SET status = 'reserved', hold_expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND
        WHERE ticket_id IN (${expired.map((t) => t.ticketId).join(',')})`);
  const changedAt = Date.now();

  const statusOf = (doc, t) => doc.tickets.find((x) => x.ticketId === t.ticketId)?.status;
  let doc;
  for (;;) {
    doc = await getJson(`/api/v1/events/${eventId}/tickets`);
    const done = held.every((t) => statusOf(doc, t) === 'reserved') && sold.every((t) => statusOf(doc, t) === 'sold');
    if (done || Date.now() - changedAt > STALE_BOUND_MS) break;
    await sleep(100);
  }
  const elapsed = Date.now() - changedAt;
  for (const t of held) assert.equal(statusOf(doc, t), 'reserved', `ticket ${t.ticketId} reserved (after ${elapsed} ms)`);
  for (const t of sold) assert.equal(statusOf(doc, t), 'sold', `ticket ${t.ticketId} sold`);
  for (const t of expired) assert.equal(statusOf(doc, t), 'available', `expired hold ${t.ticketId} is available`);
  assert.ok(elapsed <= STALE_BOUND_MS, `caught up within ${STALE_BOUND_MS} ms (took ${elapsed} ms)`);
  assertMatchesDb(doc, eventId);
  assert.equal(doc.sections.reduce((n, s) => n + s.reserved, 0), held.length, 'reserved excludes expired holds');

  // The filtered lists (cached under their own keys) and the event document follow within
  // the same bound.
  const ids = (list) => list.map((t) => t.ticketId).sort((a, b) => a - b);
  const wantHeld = ids(held);
  const reserved = await eventually(`/api/v1/events/${eventId}/tickets?status=reserved`,
    (d) => sameJson(ids(d.tickets), wantHeld));
  assert.deepEqual(ids(reserved.tickets), wantHeld, '?status=reserved: live holds only');
  const available = await eventually(`/api/v1/events/${eventId}/tickets?status=available`,
    (d) => !d.tickets.some((x) => sold.some((t) => t.ticketId === x.ticketId)));
  for (const t of expired) assert.ok(available.tickets.some((x) => x.ticketId === t.ticketId), `?status=available has ${t.ticketId}`);
  for (const t of [...held, ...sold]) assert.ok(!available.tickets.some((x) => x.ticketId === t.ticketId), `?status=available lacks ${t.ticketId}`);

  const counts = (list) => list.map((s) => ({ sectionId: s.sectionId, available: s.available, reserved: s.reserved, sold: s.sold }));
  const want = counts(sectionsFromDb(eventId));
  const ev = await eventually(`/api/v1/events/${eventId}`, (d) => sameJson(counts(d.sections), want));
  assert.deepEqual(counts(ev.sections), want, 'GET /api/v1/events/{id} counts');
});

test('the event document has the API\'s documented fields in camelCase, with money in minor units', async () => {
  const sections = sectionsFromDb(eventId);
  const countsOf = (list) => list.map(({ sectionId, capacity, available, reserved, sold }) =>
    ({ sectionId, capacity, available, reserved, sold }));
  const doc = await eventually(`/api/v1/events/${eventId}`, (d) => sameJson(countsOf(d.sections), countsOf(sections)));
  const [[name, description, startsAt, slug, venueId, venueName, address, city, capacity, timezone]] = sql(
    `SELECT e.name, e.description, DATE_FORMAT(e.starts_at, '%Y-%m-%dT%H:%i:%sZ'), c.slug, v.venue_id,
            v.name, v.address, v.city, v.capacity, v.timezone
       FROM events e JOIN venues v ON v.venue_id = e.venue_id
       JOIN categories c ON c.category_id = e.category_id WHERE e.event_id = ${eventId}`);
  assert.equal(doc.eventId, eventId);
  assert.equal(doc.name, name);
  assert.equal(doc.description, description);
  assert.match(doc.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/, 'ISO 8601 with offset');
  assert.equal(Date.parse(doc.date), Date.parse(startsAt), 'the same instant as starts_at');
  assert.equal(doc.category, slug);
  assert.equal(doc.status, 'published');
  assert.equal(doc.onSale, true);
  assert.deepEqual(
    { venueId: doc.venue.venueId, name: doc.venue.name, capacity: doc.venue.capacity, timezone: doc.venue.timezone },
    { venueId: Number(venueId), name: venueName, capacity: Number(capacity), timezone });
  assert.ok(doc.venue.location.includes(address) && doc.venue.location.includes(city), 'venue.location');
  const performers = sql(
    `SELECT p.name FROM event_performers ep JOIN performers p ON p.performer_id = ep.performer_id
      WHERE ep.event_id = ${eventId} ORDER BY ep.billing_order, p.performer_id`).map(([n]) => n);
  assert.deepEqual(doc.performers, performers, 'performers in billing order');
  assert.deepEqual(doc.priceTiers, sections.map((s) => ({
    sectionId: s.sectionId, name: s.tierName, priceCents: s.priceCents, currency: s.currency })));
  assert.deepEqual(doc.sections, sections.map((s) => ({
    sectionId: s.sectionId, name: s.name, kind: s.kind, capacity: s.capacity, available: s.available,
    reserved: s.reserved, sold: s.sold })));

  const [[cancelledId]] = sql(`SELECT event_id FROM events WHERE status = 'cancelled' ORDER BY event_id LIMIT 1`);
  const cancelled = await getJson(`/api/v1/events/${cancelledId}`);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.onSale, false);
});

test('unknown, draft and malformed event ids are 404 JSON errors on both endpoints', async () => {
  const [[draftId]] = sql(`SELECT event_id FROM events WHERE status = 'draft' ORDER BY event_id LIMIT 1`);
  const [[maxId]] = sql('SELECT MAX(event_id) FROM events');
  for (const id of [draftId, Number(maxId) + 1000, 'abc', '-1', '0', '99999999999999999999', '4294967296', '1.5']) {
    for (const path of [`/api/v1/events/${id}`, `/api/v1/events/${id}/tickets`, `/api/v1/events/${id}/tickets?status=sold`]) {
      assertApiError(await getJson(path, 404), 'not_found');
    }
  }
  // The id is checked before the status filter: a bad id is a 404 whatever the query says.
  assertApiError(await getJson('/api/v1/events/abc/tickets?status=bogus', 404), 'not_found');
});
