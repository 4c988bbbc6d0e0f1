// Changing the seats of a hold from its checkout page (GET/POST /checkout/{id}/seats): the
// change page (the seat map with the shopper's own seats free to them and ticked), a change
// that keeps, drops and adds seats in one transaction on the hold's own clock, standing
// quantities up and down, and everything that must change nothing — a taken seat, an expired
// hold, a payment in flight, a missing CSRF token, a wrong booking token, the ticket limit and
// bad input — then races (two holds adding the same seat; changes and new holds overlapping)
// and paying for a changed hold. Every answer is checked against what MariaDB holds. Runs on
// an event of its own, dropped at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG, sql, flushCache, decodeHtml, tamperedToken } from './lib.mjs';
import {
  createFixtureEvent, dropFixtureEvent, ticketsById, bookingFromDb, bookingTickets, bookingItems,
  paymentsOf, availableIn, Shopper, hold, checkoutLocation, parseCheckout, pageMessage, formatEuro,
  holdAndOpen as holdAndOpenAt, openCheckout, seatSupply } from './checkout.mjs';
import { invariantViolations, lockTickets } from './storm.mjs';

const MAX_TICKETS = 8;          // Booking.MaxTickets default

let fixture;
let standing;                   // the standing section
let seatedSections;             // seated sections, each with a cursor of unused tickets
let freshSeats;                 // freshSeats(n, sectionIndex): untouched seats (checkout.mjs seatSupply)
let capacity;                   // tickets of the event
let otherEventTicket;           // a ticket of some other event

before(async () => {
  fixture = createFixtureEvent(`Change Seats Test ${process.pid}`);
  standing = fixture.sections.find((s) => s.kind === 'standing');
  ({ seatedSections, freshSeats } = seatSupply(fixture));
  assert.ok(standing && seatedSections.length >= 2, 'the fixture has standing and two seated sections');
  capacity = fixture.sections.reduce((n, s) => n + s.capacity, 0);
  otherEventTicket = Number(sql(`SELECT MIN(ticket_id) FROM tickets WHERE event_id <> ${fixture.eventId}`)[0][0]);
  await flushCache();
});

after(async () => {
  if (fixture) dropFixtureEvent(fixture.eventId);
  await flushCache();
});

const byId = (a, b) => a - b;
const sorted = (ids) => [...ids].sort(byId);

// ------------------------------------------------------------------------------------------
// MariaDB's view

// The booking row as the change must leave it: status, total, ticket_count, expiry.
function bookingRow(bookingId) {
  const [[status, total, count, expiresAt]] = sql(
    `SELECT payment_status, total_price_cents, ticket_count, DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s')
       FROM bookings WHERE booking_id = ${bookingId}`);
  return { status, totalCents: Number(total), ticketCount: Number(count), expiresAt };
}

// Everything the booking holds, and its row: what "nothing changed" compares.
function footprint(bookingId) {
  return {
    booking: bookingRow(bookingId),
    tickets: sql(`SELECT ticket_id, status, DATE_FORMAT(hold_expires_at, '%Y-%m-%d %H:%i:%s')
                    FROM tickets WHERE booking_id = ${bookingId} ORDER BY ticket_id`),
  };
}

// The booking holds exactly `ids`, on its own clock, and its total and count add up.
function assertHoldsExactly(bookingId, ids, what) {
  const row = bookingRow(bookingId);
  const held = bookingTickets(bookingId);
  assert.deepEqual(held.map((t) => t.ticketId), sorted(ids), `${what}: booking ${bookingId} holds exactly these tickets`);
  for (const [id, t] of ticketsById(ids)) {
    assert.equal(t.status, 'reserved', `${what}: ticket ${id} is reserved`);
    assert.equal(t.bookingId, bookingId, `${what}: ticket ${id} is the booking's`);
    assert.equal(t.holdExpiresAt, row.expiresAt, `${what}: ticket ${id} expires with the booking`);
  }
  assert.equal(row.status, 'pending', `${what}: still pending`);
  assert.equal(row.ticketCount, ids.length, `${what}: ticket_count`);
  assert.equal(row.totalCents, held.reduce((sum, t) => sum + t.priceCents, 0), `${what}: the total is the sum of the prices`);
}

function assertAvailable(ids, what) {
  for (const [id, t] of ticketsById(ids)) {
    assert.equal(t.status, 'available', `${what}: ticket ${id} is available`);
    assert.equal(t.bookingId, null, `${what}: ticket ${id} belongs to no booking`);
    assert.equal(t.holdExpiresAt, null, `${what}: ticket ${id} has no hold expiry`);
  }
}

// Pending bookings of the event whose ticket_count or total disagree with their tickets.
function pendingMismatches() {
  return sql(`SELECT b.booking_id, b.ticket_count, b.total_price_cents,
                     (SELECT COUNT(*) FROM tickets t WHERE t.booking_id = b.booking_id) AS n,
                     (SELECT COALESCE(SUM(price_cents), 0) FROM tickets t WHERE t.booking_id = b.booking_id) AS cents
                FROM bookings b WHERE b.event_id = ${fixture.eventId} AND b.payment_status = 'pending'
              HAVING n <> ticket_count OR cents <> total_price_cents`);
}

function assertInvariants(what) {
  assert.deepEqual(invariantViolations(fixture.eventId, capacity), [], `${what}: the booking invariants`);
  assert.deepEqual(pendingMismatches(), [], `${what}: ticket_count and total = what each pending booking holds`);
}

// ------------------------------------------------------------------------------------------
// the pages

// holdAndOpen for this file's fixture (checkout.mjs).
function holdAndOpen(ticketIds, { standingQty } = {}) {
  return holdAndOpenAt(fixture.eventId, ticketIds, { standingQty, standingSection: standing.sectionId });
}

function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? decodeHtml(m[1]) : undefined;
}

// The seat form of a page: where it posts, its hidden fields, the seats one may tick (and
// which are ticked), the seats shown but not selectable, and the standing quantities.
function seatForm(html) {
  const m = html.match(/(<form class="seat-form"[^>]*>)([\s\S]*?)<\/form>/);
  if (!m) return undefined;
  const form = { action: attr(m[1], 'action'), hidden: {}, selectable: [], ticked: [], disabled: [], standing: {} };
  for (const [tag] of m[2].matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    const value = attr(tag, 'value');
    if (attr(tag, 'type') === 'hidden') form.hidden[name] = value;
    else if (name === 'ticketId') {
      form.selectable.push(Number(value));
      if (/\schecked\b/.test(tag)) form.ticked.push(Number(value));
    } else if (/\sdisabled\b/.test(tag)) form.disabled.push(Number(value));
    else if (name?.startsWith('standing_')) form.standing[Number(name.slice(9))] = Number(value);
  }
  form.ticked.sort(byId);
  return form;
}

function changeUrl(booking, token = booking.token) {
  return `/checkout/${booking.bookingId}/seats?token=${token}`;
}

async function openChange(shopper, booking) {
  const r = await shopper.get(changeUrl(booking));
  assert.equal(r.status, 200, `GET ${changeUrl(booking)}: ${pageMessage(r.body)}`);
  const form = seatForm(r.body);
  assert.ok(form, 'the change page has the seat form');
  return { r, form };
}

// POST the new selection as the change page's form does (csrf_token and token from the page
// unless overridden; undefined leaves a field out).
function change(shopper, booking, { ticketIds = [], standingQty, extra = [], csrf, token, page } = {}) {
  const pairs = [
    ['csrf_token', csrf === undefined && page ? page.form.hidden.csrf_token : csrf],
    ['token', token === undefined ? booking.token : token],
    ...ticketIds.map((id) => ['ticketId', id]),
    ...(standingQty === undefined ? [] : [[`standing_${standing.sectionId}`, standingQty]]),
    ...extra,
  ].filter(([, v]) => v !== undefined && v !== null);
  return shopper.post(`/checkout/${booking.bookingId}/seats`, pairs);
}

function assertBackToCheckout(r, booking, what) {
  assert.equal(r.status, 303, `${what}: expected 303, got ${r.status}: ${pageMessage(r.body)}`);
  assert.equal(r.headers.get('location'), booking.url, `${what}: back to the checkout page`);
}

const labelsOf = (ids) => [...ticketsById(ids).values()].map((t) => t.label);
const totalOf = (ids) => [...ticketsById(ids).values()].reduce((sum, t) => sum + t.priceCents, 0);
const untilOf = (timer) => timer?.match(/until (\S+)\s*\)/)?.[1];

// ------------------------------------------------------------------------------------------

test('the checkout page leads to a change page with the held seats free to this shopper and ticked', async () => {
  const mine = [...freshSeats(2, 0), ...freshSeats(1, 1)];
  const [othersSeat] = freshSeats(1, 0);
  const other = checkoutLocation(await hold(fixture.eventId, { ticketIds: [othersSeat] }));
  const { shopper, booking, page } = await holdAndOpen(mine);

  const link = page.links.find((href) => href.startsWith(`/checkout/${booking.bookingId}/seats`));
  assert.equal(link, changeUrl(booking), 'the checkout page links to the change page');
  const { r, form } = await openChange(shopper, booking);
  assert.match(r.headers.get('cache-control') ?? '', /no-store/, 'the change page is not stored');
  assert.equal(form.action, `/checkout/${booking.bookingId}/seats`, 'the form posts to the change');
  assert.equal(form.hidden.token, booking.token, 'with the booking token');
  assert.equal(form.hidden.csrf_token, page.pay.fields.csrf_token, 'and the CSRF token of this browser');
  assert.deepEqual(form.ticked, sorted(mine), 'exactly the held seats are ticked');
  assert.ok(!form.selectable.includes(othersSeat), 'a seat someone else holds cannot be chosen');
  assert.ok(form.disabled.includes(othersSeat), 'it is shown taken');
  assert.equal(form.standing[standing.sectionId], 0, 'no standing places held');
  assert.match(parseCheckout(r.body).timer ?? '', /held for about 10 minutes/, 'the time left is shown');

  // The event page, even for this very shopper (whose cookie bypasses nginx's micro-cache):
  // there the seats are held like anyone's — free and ticked only on the change page.
  await flushCache();
  const eventPage = seatForm((await shopper.get(`/events/${fixture.eventId}`)).body);
  for (const id of mine) assert.ok(eventPage.disabled.includes(id), `seat ${id} is held on the public map`);
  assert.equal(eventPage.hidden.csrf_token, undefined, 'the public seat form carries no token');

  // Only the booking token opens it.
  for (const url of [`/checkout/${booking.bookingId}/seats`, changeUrl(booking, 'x'.repeat(43)),
    `/checkout/${other.bookingId}/seats?token=${booking.token}`, `/checkout/abc/seats?token=${booking.token}`]) {
    const bad = await new Shopper().get(url);
    assert.equal(bad.status, 404, `GET ${url}`);
  }
});

test('keep some, drop some, add some: exactly the new seats are held, on the same clock, with the new total', async () => {
  const [a, b, c] = freshSeats(3, 0);
  const [d, e] = freshSeats(2, 1);
  const { shopper, booking, page } = await holdAndOpen([a, b, c]);
  const before = bookingRow(booking.bookingId);
  const held = await openChange(shopper, booking);

  const r = await change(shopper, booking, { ticketIds: [b, c, d, e], page: held });
  assertBackToCheckout(r, booking, 'the change');
  assertHoldsExactly(booking.bookingId, [b, c, d, e], 'after the change');
  assertAvailable([a], 'the dropped seat');
  const after = bookingRow(booking.bookingId);
  assert.equal(after.expiresAt, before.expiresAt, 'expires_at did not move: the clock does not restart');
  assert.equal(after.totalCents, totalOf([b, c, d, e]));
  assert.notEqual(after.totalCents, before.totalCents, 'the total changed (the sections have distinct prices)');
  assert.equal(after.ticketCount, 4);

  // The checkout page shows the new seats, the new total and the same expiry.
  const now = await openCheckout(shopper, booking);
  assert.deepEqual(now.seats.map((s) => s.label), labelsOf([b, c, d, e]), 'the new seats');
  assert.equal(now.total, formatEuro(after.totalCents), 'the new total');
  assert.equal(untilOf(now.timer), untilOf(page.timer), 'held until the same moment');
  assert.ok(untilOf(now.timer), 'the timer shows until when');

  // The seat dropped is anyone's now; the change page ticks the new set.
  const again = await openChange(shopper, booking);
  assert.deepEqual(again.form.ticked, sorted([b, c, d, e]));
  assert.ok(again.form.selectable.includes(a), 'the dropped seat is free to choose again');
  const next = checkoutLocation(await hold(fixture.eventId, { ticketIds: [a] }));
  assertHoldsExactly(next.bookingId, [a], 'the next shopper');

  // Sending the same selection again changes nothing and still ends on the checkout page.
  const same = footprint(booking.bookingId);
  assertBackToCheckout(await change(shopper, booking, { ticketIds: [e, d, c, b], page: held }), booking, 'the same selection');
  assert.deepEqual(footprint(booking.bookingId), same, 'nothing moved');
  assertInvariants('after the changes');
});

test('a taken seat in the new selection: 409 naming it, the rest still ticked, the original hold kept', async () => {
  const [a, b, y, z] = freshSeats(4, 0);
  const [x, w] = freshSeats(2, 1);
  const rival = checkoutLocation(await hold(fixture.eventId, { ticketIds: [x, w] }));
  const { shopper, booking } = await holdAndOpen([a, b]);
  const held = await openChange(shopper, booking);
  const before = footprint(booking.bookingId);
  const rivalBefore = footprint(rival.bookingId);
  const labels = ticketsById([a, b, x, w, y, z]);

  const r = await change(shopper, booking, { ticketIds: [b, x, y], page: held });
  assert.equal(r.status, 409, pageMessage(r.body));
  assert.match(r.headers.get('cache-control') ?? '', /no-store/);
  const message = pageMessage(r.body);
  assert.ok(message.includes(labels.get(x).label), `the message names the taken seat ${labels.get(x).label}: ${message}`);
  for (const id of [a, b, y, w]) assert.ok(!message.includes(labels.get(id).label), `and not ${labels.get(id).label}`);
  assert.match(message, /not changed/, 'it says the seats have not changed');
  const form = seatForm(r.body);
  assert.deepEqual(form.ticked, sorted([b, y]), 'the rest of the new selection is still ticked');
  assert.ok(form.selectable.includes(a), 'the seat still held (dropped in the request) can be ticked again');
  assert.equal(form.hidden.csrf_token, held.form.hidden.csrf_token, 'the form can be sent again');
  assert.deepEqual(footprint(booking.bookingId), before, 'nothing changed for the shopper');
  assert.deepEqual(footprint(rival.bookingId), rivalBefore, 'nor for the rival');
  assertAvailable([y], 'the free seat asked for');

  // Two taken: both named, the free one alone still ticked.
  const r2 = await change(shopper, booking, { ticketIds: [w, x, z, a], page: held });
  assert.equal(r2.status, 409);
  const m2 = pageMessage(r2.body);
  for (const id of [x, w]) assert.ok(m2.includes(labels.get(id).label), `names ${labels.get(id).label}`);
  assert.ok(!m2.includes(labels.get(z).label) && !m2.includes(labels.get(a).label), 'names only the taken seats');
  assert.deepEqual(seatForm(r2.body).ticked, sorted([a, z]));
  assert.deepEqual(footprint(booking.bookingId), before, 'still nothing changed');
  assertAvailable([y, z], 'the free seats asked for');
  assertInvariants('after the refused changes');
});

test('standing places: the quantity goes up keeping the places held, and down releasing the highest', async () => {
  const sid = standing.sectionId;
  const [seat] = freshSeats(1, 1);
  const { shopper, booking } = await holdAndOpen([seat], { standingQty: 2 });
  const first = bookingTickets(booking.bookingId).filter((t) => t.ticketId !== seat).map((t) => t.ticketId);
  assert.equal(first.length, 2);
  const held = await openChange(shopper, booking);
  assert.equal(held.form.standing[sid], 2, 'the standing quantity held is prefilled');
  assert.deepEqual(held.form.ticked, [seat]);
  const left = availableIn(fixture.eventId, sid);

  // Up to 4: the two places held stay, two more are taken.
  assertBackToCheckout(await change(shopper, booking, { ticketIds: [seat], standingQty: 4, page: held }), booking, 'up to 4');
  const four = bookingTickets(booking.bookingId).filter((t) => t.ticketId !== seat).map((t) => t.ticketId);
  assert.equal(four.length, 4, 'four standing places');
  for (const id of first) assert.ok(four.includes(id), `place ${id} held before is kept`);
  assertHoldsExactly(booking.bookingId, [seat, ...four], 'with four standing');
  assert.equal(availableIn(fixture.eventId, sid), left - 2, 'two more places are taken from the area');
  assert.equal(bookingRow(booking.bookingId).totalCents, totalOf([seat]) + 4 * standing.priceCents);
  assert.equal((await openChange(shopper, booking)).form.standing[sid], 4, 'the page now shows 4');

  // Down to 1: the lowest ticket stays, the three highest go back.
  assertBackToCheckout(await change(shopper, booking, { ticketIds: [seat], standingQty: 1, page: held }), booking, 'down to 1');
  assertHoldsExactly(booking.bookingId, [seat, four[0]], 'with one standing');
  assertAvailable(four.slice(1), 'the places given up');
  assert.equal(availableIn(fixture.eventId, sid), left + 1);

  // Standing only, the seat dropped; then seats only, the standing place dropped.
  assertBackToCheckout(await change(shopper, booking, { standingQty: 3, page: held }), booking, 'standing only');
  const three = bookingTickets(booking.bookingId).map((t) => t.ticketId);
  assert.equal(three.length, 3);
  assert.ok(three.includes(four[0]), 'the place held is kept');
  assertAvailable([seat], 'the seat dropped');
  assertBackToCheckout(await change(shopper, booking, { ticketIds: [seat], standingQty: 0, page: held }), booking, 'seat only');
  assertHoldsExactly(booking.bookingId, [seat], 'the seat alone');
  assertAvailable(three, 'every standing place given up');
  assert.equal(availableIn(fixture.eventId, sid), left + 2);

  // More than the area has left: 409 naming the area, nothing changed.
  const before = footprint(booking.bookingId);
  const toSell = availableIn(fixture.eventId, sid) - 2;
  sql(`UPDATE tickets SET status = 'sold' WHERE event_id = ${fixture.eventId} AND section_id = ${sid}
        AND status = 'available' ORDER BY ticket_id LIMIT ${toSell}`);
  try {
    const r = await change(shopper, booking, { ticketIds: [seat], standingQty: 3, page: held });
    assert.equal(r.status, 409, pageMessage(r.body));
    assert.match(pageMessage(r.body), new RegExp(`Only 2 places are left in ${standing.name}`));
    assert.equal(seatForm(r.body).standing[sid], 3, 'the quantity asked for is kept in the form');
    assert.deepEqual(seatForm(r.body).ticked, [seat]);
    assert.deepEqual(footprint(booking.bookingId), before, 'nothing changed');
    assert.equal(availableIn(fixture.eventId, sid), 2, 'the two places are still free');
  } finally {
    sql(`UPDATE tickets SET status = 'available' WHERE event_id = ${fixture.eventId} AND section_id = ${sid}
          AND status = 'sold' AND booking_id IS NULL`);
  }
  assertInvariants('after the standing changes');
});

test('an expired hold cannot be changed: 410 with the reason, nothing changed', async () => {
  const [a, b] = freshSeats(2, 0);
  const { shopper, booking } = await holdAndOpen([a]);
  const held = await openChange(shopper, booking);
  // Just past its expiry; the sweep's grace (30 s) keeps it unswept through this test.
  sql(`UPDATE bookings SET expires_at = UTC_TIMESTAMP() - INTERVAL 5 SECOND WHERE booking_id = ${booking.bookingId}`);
  sql(`UPDATE tickets SET hold_expires_at = UTC_TIMESTAMP() - INTERVAL 5 SECOND WHERE booking_id = ${booking.bookingId}`);
  const before = footprint(booking.bookingId);

  const page = await shopper.get(changeUrl(booking));
  assert.equal(page.status, 410);
  assert.match(pageMessage(page.body), /hold has expired/);
  assert.equal(seatForm(page.body), undefined, 'no seat form');
  const r = await change(shopper, booking, { ticketIds: [a, b], page: held });
  assert.equal(r.status, 410, pageMessage(r.body));
  assert.match(pageMessage(r.body), /hold has expired/);
  assert.deepEqual(footprint(booking.bookingId), before, 'nothing changed');
  assertAvailable([b], 'the seat asked for');

  // A released hold likewise.
  const { shopper: s2, booking: b2, page: p2 } = await holdAndOpen(freshSeats(1, 1));
  const h2 = await openChange(s2, b2);
  const rel = await s2.post(`/checkout/${b2.bookingId}/release`, [['csrf_token', p2.release.fields.csrf_token], ['token', b2.token]]);
  assert.equal(rel.status, 200);
  const r2 = await change(s2, b2, { ticketIds: [b], page: h2 });
  assert.equal(r2.status, 410);
  assert.match(pageMessage(r2.body), /You released these seats/);
  assertAvailable([b], 'the seat asked for');
  assert.equal(bookingRow(b2.bookingId).status, 'cancelled');
});

test('CSRF: no token, a wrong one or no cookie is a 403; a wrong booking token is a 404; nothing changes', async () => {
  const [a, b] = freshSeats(2, 0);
  const { shopper, booking } = await holdAndOpen([a]);
  const held = await openChange(shopper, booking);
  const stranger = new Shopper();
  const strangerPage = await openCheckout(stranger, booking);
  const before = footprint(booking.bookingId);
  for (const [what, who, csrf] of [
    ['no csrf_token', shopper, null],
    ['an empty csrf_token', shopper, ''],
    ['a made-up csrf_token', shopper, '0'.repeat(64)],
    ['the token of another browser', shopper, strangerPage.pay.fields.csrf_token],
    ['no bo_csrf cookie', new Shopper(), held.form.hidden.csrf_token],
  ]) {
    const r = await change(who, booking, { ticketIds: [a, b], csrf });
    assert.equal(r.status, 403, `${what}: ${pageMessage(r.body)}`);
    assert.match(pageMessage(r.body), /expired or was sent from another site/);
  }
  for (const token of ['x'.repeat(43), '', tamperedToken(booking.token)]) {
    const r = await change(shopper, booking, { ticketIds: [a, b], page: held, token });
    assert.equal(r.status, 404, `token "${token}"`);
  }
  const r = await change(shopper, booking, { ticketIds: [a, b], page: held, token: null });
  assert.equal(r.status, 404, 'no token');
  assert.deepEqual(footprint(booking.bookingId), before, 'nothing changed');
  assertAvailable([b], 'the seat asked for');
});

test('the ticket limit, an empty selection and bad input are 4xx (never 500), keep the selection and change nothing', async () => {
  const [a] = freshSeats(1, 0);
  const nine = freshSeats(MAX_TICKETS, 1);
  const { shopper, booking } = await holdAndOpen([a]);
  const held = await openChange(shopper, booking);
  const before = footprint(booking.bookingId);
  const standingTicket = Number(sql(`SELECT MIN(ticket_id) FROM tickets WHERE event_id = ${fixture.eventId}
                                      AND section_id = ${standing.sectionId} AND status = 'available'`)[0][0]);
  const limit = new RegExp(`at most ${MAX_TICKETS} tickets`);
  const cases = [
    ['nine seats', { ticketIds: [a, ...nine] }, 400, limit, [a, ...nine]],
    ['six seats and three standing', { ticketIds: [a, ...nine.slice(0, 5)], standingQty: 3 }, 400, limit, [a, ...nine.slice(0, 5)]],
    ['nine standing', { standingQty: 9 }, 400, limit, []],
    ['an empty selection', {}, 400, /at least one.*Release these seats/, []],
    ['zero standing', { standingQty: 0 }, 400, /at least one/, []],
    ['ticketId=abc', { ticketIds: [nine[0]], extra: [['ticketId', 'abc']] }, 400, /not valid/, [nine[0]]],
    ['ticketId=', { ticketIds: [a], extra: [['ticketId', '']] }, 400, /not valid/, [a]],
    ['ticketId=-5', { extra: [['ticketId', '-5']] }, 400, /not valid/, []],
    ['ticketId=1.5', { extra: [['ticketId', '1.5']] }, 400, /not valid/, []],
    ['ticketId=12abc', { extra: [['ticketId', `${nine[0]}abc`]] }, 400, /not valid/, []],
    ['a number too large for any ticket', { ticketIds: [a], extra: [['ticketId', '99999999999999999999999']] }, 400, /not valid/, [a]],
    ['a seat twice', { ticketIds: [a, nine[1], nine[1]] }, 400, /more than once/, [a, nine[1]]],
    ['standing_abc=2', { ticketIds: [a], extra: [['standing_abc', '2']] }, 400, /whole numbers/, [a]],
    ['standing quantity "two"', { ticketIds: [a], standingQty: 'two' }, 400, /whole numbers/, [a]],
    ['standing quantity -1', { ticketIds: [a], standingQty: -1 }, 400, /whole numbers/, [a]],
    ['a standing area twice', { ticketIds: [a], standingQty: 1, extra: [[`standing_${standing.sectionId}`, '2']] }, 400, /more than once/, [a]],
    ['a ticket that does not exist', { ticketIds: [a, 9_000_000_000] }, 422, /do not exist/, [a]],
    ['a ticket of another event', { ticketIds: [a, otherEventTicket] }, 422, /not a ticket for this event/, [a]],
    ['a standing place by ticket id', { ticketIds: [a, standingTicket] }, 422, /standing place/, [a]],
    ['standing in a seated section', { ticketIds: [a], extra: [[`standing_${seatedSections[0].sectionId}`, '1']] }, 422, /not a standing area/, [a]],
  ];
  for (const [what, form, status, message, ticked] of cases) {
    const r = await change(shopper, booking, { ...form, page: held });
    assert.equal(r.status, status, `${what}: ${pageMessage(r.body)}`);
    assert.match(pageMessage(r.body), message, `${what}: the message`);
    const shown = seatForm(r.body);
    assert.ok(shown, `${what}: the change page comes back`);
    assert.deepEqual(shown.ticked, sorted(ticked), `${what}: the selection is kept`);
    assert.equal(shown.hidden.token, booking.token, `${what}: the form can be sent again`);
    assert.deepEqual(footprint(booking.bookingId), before, `${what}: nothing changed`);
  }
  assertAvailable(nine, 'the seats asked for');
  assertAvailable([otherEventTicket, standingTicket], 'the tickets that could not be had');
  // Exactly at the limit is fine.
  assertBackToCheckout(await change(shopper, booking, { ticketIds: [a, ...nine.slice(0, MAX_TICKETS - 1)], page: held }), booking, 'eight');
  assertHoldsExactly(booking.bookingId, [a, ...nine.slice(0, MAX_TICKETS - 1)], 'at the limit');
});

test('a booking with a payment in flight cannot be changed (409), and can once it has settled', async () => {
  const [a, b] = freshSeats(2, 1);
  const { shopper, booking } = await holdAndOpen([a]);
  const held = await openChange(shopper, booking);
  sql(`INSERT INTO payments (booking_id, event_id, provider, amount_cents, currency)
       VALUES (${booking.bookingId}, ${fixture.eventId}, 'test', ${totalOf([a])}, 'EUR')`);
  const before = footprint(booking.bookingId);
  const r = await change(shopper, booking, { ticketIds: [a, b], page: held });
  assert.equal(r.status, 409, pageMessage(r.body));
  assert.match(pageMessage(r.body), /payment for this booking is being processed/);
  assert.ok(parseCheckout(r.body).pay, 'the checkout page comes back');
  assert.deepEqual(footprint(booking.bookingId), before, 'nothing changed');
  assertAvailable([b], 'the seat asked for');

  sql(`UPDATE payments SET status = 'declined' WHERE booking_id = ${booking.bookingId}`);
  assertBackToCheckout(await change(shopper, booking, { ticketIds: [a, b], page: held }), booking, 'after the decline');
  assertHoldsExactly(booking.bookingId, [a, b], 'changed');
});

test('two holds adding the same free seat at once: exactly one gets it, the other keeps what it had', async () => {
  for (let round = 0; round < 4; round++) {
    const [mineA, mineB, contested] = freshSeats(3, round % 2);
    const A = await holdAndOpen([mineA]);
    const B = await holdAndOpen([mineB]);
    const [pa, pb] = await Promise.all([openChange(A.shopper, A.booking), openChange(B.shopper, B.booking)]);
    const results = await Promise.all([
      change(A.shopper, A.booking, { ticketIds: [mineA, contested], page: pa }),
      change(B.shopper, B.booking, { ticketIds: [mineB, contested], page: pb }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [303, 409], `round ${round}: ${results.map((r) => `${r.status} ${pageMessage(r.body)}`).join(' | ')}`);
    const [winner, loser] = results[0].status === 303 ? [A, B] : [B, A];
    const [winnerSeat, loserSeat] = winner === A ? [mineA, mineB] : [mineB, mineA];
    assertHoldsExactly(winner.booking.bookingId, [winnerSeat, contested], `round ${round}: the winner`);
    assertHoldsExactly(loser.booking.bookingId, [loserSeat], `round ${round}: the loser keeps its seat`);
    const lost = results.find((r) => r.status === 409);
    assert.ok(pageMessage(lost.body).includes(labelsOf([contested])[0]), 'the loser is told which seat');
    assert.deepEqual(seatForm(lost.body).ticked, [loserSeat]);
  }
  assertInvariants('after the races');
});

test('changes and new holds overlapping on the same seats: every answer is 303 or 409 and the invariants hold', async () => {
  const hot = freshSeats(4, 0);
  const shoppers = [];
  for (let i = 0; i < 6; i++) shoppers.push({ ...(await holdAndOpen(freshSeats(1, 1))), i });
  for (const s of shoppers) s.own = bookingTickets(s.booking.bookingId).map((t) => t.ticketId);
  for (const s of shoppers) s.change = await openChange(s.shopper, s.booking);
  const wants = shoppers.map((s) => sorted([...s.own, hot[s.i % 4], hot[(s.i + 1) % 4]]));
  const results = await Promise.all([
    ...shoppers.map((s, k) => change(s.shopper, s.booking, { ticketIds: [...wants[k]].reverse(), page: s.change })),
    ...hot.map((id) => hold(fixture.eventId, { ticketIds: [id] })),
  ]);
  for (const r of results) assert.ok([303, 409].includes(r.status), `got ${r.status}: ${pageMessage(r.body)}`);
  shoppers.forEach((s, k) => {
    const now = bookingTickets(s.booking.bookingId).map((t) => t.ticketId);
    if (results[k].status === 303) assertHoldsExactly(s.booking.bookingId, wants[k], `shopper ${k} changed`);
    else assertHoldsExactly(s.booking.bookingId, s.own, `shopper ${k} kept its hold`);
    assert.ok(now.length > 0);
  });
  const holders = sql(`SELECT ticket_id, booking_id FROM tickets WHERE ticket_id IN (${hot.join(',')})`);
  for (const [id, bookingId] of holders) assert.notEqual(bookingId, null, `hot seat ${id} went to someone`);
  assertInvariants('after the overlapping changes');
});

// The pool's innodb_lock_wait_timeout (the stack writes 5 s).
const LOCK_WAIT_S = Number(readFileSync(CONFIG, 'utf8').match(/^\s*LockWaitTimeout\s*=\s*(\d+)/m)?.[1] ?? 50);
const lockWaitSkip = LOCK_WAIT_S > 10 && `Database.LockWaitTimeout is ${LOCK_WAIT_S} s: too slow to wait out here`;

test('a seat locked past every retry: 503 with Retry-After, the hold unchanged', { skip: lockWaitSkip }, async () => {
  const [a, b] = freshSeats(2, 0);
  const { shopper, booking } = await holdAndOpen([a]);
  const held = await openChange(shopper, booking);
  const before = footprint(booking.bookingId);
  const lock = await lockTickets([b]);
  let r;
  try {
    r = await change(shopper, booking, { ticketIds: [a, b], page: held });
  } finally {
    await lock.release();
  }
  assert.equal(r.status, 503, pageMessage(r.body));
  assert.match(r.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/, 'a Retry-After in seconds');
  assert.match(pageMessage(r.body), /still hold the seats you had/);
  assert.deepEqual(footprint(booking.bookingId), before, 'nothing changed');
  assertAvailable([b], 'the locked seat');
});

test('paying for a changed hold charges the new total and issues the new seats', async () => {
  const [a, b] = freshSeats(2, 0);
  const [c] = freshSeats(1, 1);
  const { shopper, booking, page } = await holdAndOpen([a, b]);
  const held = await openChange(shopper, booking);
  assertBackToCheckout(await change(shopper, booking, { ticketIds: [b, c], standingQty: 1, page: held }), booking, 'the change');
  const now = bookingTickets(booking.bookingId).map((t) => t.ticketId);
  assert.equal(now.length, 3);
  const newTotal = totalOf(now);
  assert.equal(bookingRow(booking.bookingId).totalCents, newTotal);

  const paid = await shopper.post(`/checkout/${booking.bookingId}/pay`, [
    ['csrf_token', page.pay.fields.csrf_token], ['token', booking.token], ['name', 'Grace Hopper'],
    ['email', 'grace@example.com'], ['paymentMethod', 'pm_card_visa'],
  ]);
  assert.equal(paid.status, 303, pageMessage(paid.body));
  const confirmation = `/bookings/${booking.bookingId}?token=${booking.token}`;
  assert.equal(paid.headers.get('location'), confirmation);
  assert.equal(bookingFromDb(booking.bookingId).status, 'confirmed');
  const payments = paymentsOf(booking.bookingId).filter((p) => p.status === 'succeeded');
  assert.equal(payments.length, 1);
  assert.equal(payments[0].amountCents, newTotal, 'the charge is the new total');
  const items = bookingItems(booking.bookingId);
  assert.deepEqual(items.map((i) => i.ticketId), sorted(now), 'the new seats are issued');
  assertAvailable([a], 'the seat dropped before paying');

  const shown = parseCheckout((await new Shopper().get(confirmation)).body);
  assert.deepEqual(shown.seats.map((s) => s.label), labelsOf(now), 'the confirmation shows the new seats');
  assert.ok(shown.seats.every((s) => s.code), 'each with its ticket code');
  assert.equal(shown.total, formatEuro(newTotal), 'and the new total');

  // Paid: the change page and its form lead to the confirmation and change nothing.
  const later = await shopper.get(changeUrl(booking));
  assert.equal(later.status, 303);
  assert.equal(later.headers.get('location'), confirmation);
  const [d] = freshSeats(1, 0);
  const late = await change(shopper, booking, { ticketIds: [d], page: held });
  assert.equal(late.status, 303);
  assert.equal(late.headers.get('location'), confirmation);
  assertAvailable([d], 'a seat asked for after paying');
  assert.deepEqual(bookingItems(booking.bookingId).map((i) => i.ticketId), sorted(now));
  assertInvariants('after paying');
});
