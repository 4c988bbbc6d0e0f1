// The HTML booking flow over real HTTP through nginx: hold from the seat map's form (same
// origin only), the checkout page (seats, total, time left, CSRF-protected buyer form), a
// decline that keeps the hold, payment, the confirmation page by unguessable link, release,
// expiry, and the rejections (seats taken meanwhile, standing sold out, limit, bad input) —
// each checked against what MariaDB holds. Runs on an event of its own, dropped at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, sql, flushCache, get, tamperedToken } from './lib.mjs';
import {
  createFixtureEvent, dropFixtureEvent, ticketsById, bookingFromDb, bookingTickets, bookingItems,
  paymentsOf, bookingCount, availableIn, Shopper, hold, checkoutLocation, parseCheckout, pageMessage,
  formatEuro, holdAndOpen as holdAndOpenAt, openCheckout, seatSupply } from './checkout.mjs';

const HOLD_SECONDS = 10 * 60;   // Booking.HoldMinutes default
const MAX_TICKETS = 8;          // Booking.MaxTickets default

let fixture;
let standing;                   // the standing section
let seatedSections;             // seated sections, each with a cursor of unused tickets
let freshSeats;                 // freshSeats(n, sectionIndex): untouched seats (checkout.mjs seatSupply)
let otherEventTicket;           // a ticket of some other event

before(async () => {
  fixture = createFixtureEvent(`Checkout Flow Test ${process.pid}`);
  standing = fixture.sections.find((s) => s.kind === 'standing');
  ({ seatedSections, freshSeats } = seatSupply(fixture));
  assert.ok(standing && seatedSections.length >= 1, 'the fixture has standing and seated sections');
  otherEventTicket = Number(sql(`SELECT MIN(ticket_id) FROM tickets WHERE event_id <> ${fixture.eventId}`)[0][0]);
  await flushCache(); // the event was added behind the app's back
});

after(async () => {
  if (fixture) dropFixtureEvent(fixture.eventId);
  await flushCache();
});

function assertAvailable(ids, what) {
  for (const [id, t] of ticketsById(ids)) {
    assert.equal(t.status, 'available', `${what}: ticket ${id} is available`);
    assert.equal(t.bookingId, null, `${what}: ticket ${id} belongs to no booking`);
  }
}

function assertHeldBy(ids, bookingId, what) {
  for (const [id, t] of ticketsById(ids)) {
    assert.equal(t.status, 'reserved', `${what}: ticket ${id} is reserved`);
    assert.equal(t.bookingId, bookingId, `${what}: ticket ${id} is held by booking ${bookingId}`);
  }
}

// holdAndOpen for this file's fixture (checkout.mjs).
function holdAndOpen(ticketIds, { standingQty } = {}) {
  return holdAndOpenAt(fixture.eventId, ticketIds, { standingQty, standingSection: standing.sectionId });
}

// Submit the checkout page's payment form with the shopper's cookie, as a browser would.
function pay(shopper, booking, page, details, overrides = {}) {
  const fields = {
    csrf_token: page.pay.fields.csrf_token, token: page.pay.fields.token,
    name: 'Ada Lovelace', email: 'ada@example.com', paymentMethod: 'pm_card_visa', ...details, ...overrides,
  };
  const pairs = Object.entries(fields).filter(([, v]) => v !== undefined);
  return shopper.post(`/checkout/${booking.bookingId}/pay`, pairs);
}

function release(shopper, booking, page, overrides = {}) {
  const fields = { csrf_token: page.release.fields.csrf_token, token: page.release.fields.token, ...overrides };
  return shopper.post(`/checkout/${booking.bookingId}/release`,
    Object.entries(fields).filter(([, v]) => v !== undefined));
}

function confirmationLink(r, booking) {
  assert.equal(r.status, 303, `pay: expected 303, got ${r.status}: ${pageMessage(r.body)}`);
  const location = r.headers.get('location');
  assert.equal(location, `/bookings/${booking.bookingId}?token=${booking.token}`, 'to the confirmation page');
  return location;
}

// ------------------------------------------------------------------------------------------

test('a same-origin hold lands on a checkout page showing exactly the held seats, total and time left', async () => {
  const ids = [...freshSeats(2, 0), ...freshSeats(1, 1)];
  const before = bookingCount(fixture.eventId);
  const shopper = new Shopper();
  const r = await hold(fixture.eventId, { ticketIds: ids, shopper });
  const booking = checkoutLocation(r);
  assert.equal(bookingCount(fixture.eventId), before + 1, 'one booking was created');

  // MariaDB: a pending booking for the event holding exactly these tickets for ~10 minutes.
  const db = bookingFromDb(booking.bookingId);
  const held = ticketsById(ids);
  const expectedTotal = [...held.values()].reduce((sum, t) => sum + t.priceCents, 0);
  assert.equal(db.eventId, fixture.eventId);
  assert.equal(db.status, 'pending');
  assert.equal(db.currency, 'EUR');
  assert.equal(db.totalCents, expectedTotal, 'the booking total is the sum of the prices');
  assert.ok(db.secondsLeft > HOLD_SECONDS - 120 && db.secondsLeft <= HOLD_SECONDS,
    `expires_at is about now + 10 minutes (${db.secondsLeft} s left)`);
  assertHeldBy(ids, booking.bookingId, 'after the hold');
  for (const t of held.values()) assert.equal(t.holdExpiresAt, db.expiresAt, 'the tickets expire with the booking');
  assert.deepEqual(bookingTickets(booking.bookingId).map((t) => t.ticketId), [...ids].sort((a, b) => a - b),
    'the booking holds nothing else');

  // The page: the same seats, prices and total, the time left, and the buyer form.
  const page = await shopper.get(booking.url);
  assert.equal(page.status, 200);
  assert.match(page.contentType, /^text\/html\b/);
  assert.match(page.headers.get('cache-control') ?? '', /no-store/, 'the checkout page is not cached');
  const c = parseCheckout(page.body);
  assert.deepEqual(c.seats.map((s) => s.label), [...held.values()].map((t) => t.label), 'exactly the held seats');
  assert.deepEqual(c.seats.map((s) => s.price), [...held.values()].map((t) => formatEuro(t.priceCents)), 'their prices');
  assert.equal(c.total, formatEuro(expectedTotal), 'the total');
  assert.match(c.total, /^€\d+\.\d\d$/, 'money is formatted like €45.00');
  assert.match(c.timer ?? '', /held for about 10 minutes/, 'the time left on the hold');
  assert.ok(c.text.includes(`Checkout Flow Test ${process.pid}`), 'the event is named');

  assert.equal(c.pay.method, 'post');
  assert.equal(c.pay.action, `/checkout/${booking.bookingId}/pay`);
  assert.match(c.pay.fields.csrf_token ?? '', /^[0-9a-f]{64}$/, 'the form carries a CSRF token');
  assert.equal(c.pay.fields.token, booking.token, 'and the booking token');
  assert.ok('name' in c.pay.fields && 'email' in c.pay.fields, 'it asks for name and email');
  // The stack takes Stripe and PayPal (through the stand-in) and the test provider's cards.
  assert.deepEqual(c.pay.radios.paymentMethod?.values, ['stripe', 'paypal', 'pm_card_visa', 'pm_card_chargeDeclined'],
    'payment methods');
  assert.equal(c.release.action, `/checkout/${booking.bookingId}/release`);
  const cookie = page.setCookies.find((s) => s.startsWith('bo_csrf='));
  assert.ok(cookie, 'the page issues the CSRF cookie');
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Lax/i);

  // Opening it again keeps the same cookie and token; the hold does not move.
  const again = parseCheckout((await shopper.get(booking.url)).body);
  assert.equal(again.pay.fields.csrf_token, c.pay.fields.csrf_token, 'same cookie, same token');
  assert.equal(bookingFromDb(booking.bookingId).expiresAt, db.expiresAt, 'reloading does not extend the hold');

  // Only the token opens it.
  for (const url of [`/checkout/${booking.bookingId}`, `/checkout/${booking.bookingId}?token=`,
    `/checkout/${booking.bookingId}?token=${tamperedToken(booking.token)}`,
    `/checkout/${booking.bookingId + 1000000}?token=${booking.token}`, `/checkout/abc?token=${booking.token}`]) {
    const bad = await new Shopper().get(url);
    assert.equal(bad.status, 404, `GET ${url}`);
    assert.ok(!bad.body.includes(db.code), 'the 404 reveals nothing of the booking');
  }
});

test('a hold posted from another site is refused and holds nothing; a client without Origin may hold', async () => {
  const ids = freshSeats(2, 0);
  const before = bookingCount(fixture.eventId);
  const otherScheme = BASE_URL.startsWith('https:') ? BASE_URL.replace(/^https:/, 'http:') : BASE_URL.replace(/^http:/, 'https:');
  for (const origin of ['http://evil.example', 'null', otherScheme,
    `http://${new URL(BASE_URL).hostname}.evil.example`]) {
    const r = await hold(fixture.eventId, { ticketIds: ids, origin });
    assert.equal(r.status, 403, `Origin: ${origin}`);
    assert.match(pageMessage(r.body), /another site/, `Origin: ${origin} is told why`);
    assert.equal(r.headers.get('location'), null);
  }
  assert.equal(bookingCount(fixture.eventId), before, 'no booking was created');
  assertAvailable(ids, 'after the cross-site posts');

  const r = await hold(fixture.eventId, { ticketIds: ids, origin: null });
  const booking = checkoutLocation(r);
  assertHeldBy(ids, booking.bookingId, 'a hold without Origin');
});

// The seat checkboxes the page has ticked (name="ticketId" ... checked).
function tickedSeats(html) {
  return [...html.matchAll(/<input type="checkbox" name="ticketId" value="(\d+)" checked>/g)]
    .map((m) => Number(m[1]));
}

test('seats taken meanwhile: 409 naming them, the rest still selected, nothing held', async () => {
  const [a, b, c] = freshSeats(3, 0);
  const labels = ticketsById([a, b, c]);
  const first = checkoutLocation(await hold(fixture.eventId, { ticketIds: [a] }));
  assertHeldBy([a], first.bookingId, 'the first shopper');
  const before = bookingCount(fixture.eventId);

  const r = await hold(fixture.eventId, { ticketIds: [a, b] });
  assert.equal(r.status, 409);
  // Exactly once (fetch joins repeated headers with ", "): the route and the page both want it.
  assert.equal(r.headers.get('cache-control'), 'no-store');
  // The event page comes back: its message names the taken seat, the seat map keeps B ticked.
  const message = pageMessage(r.body);
  assert.ok(message.includes(labels.get(a).label), `the message names seat ${labels.get(a).label}`);
  assert.ok(!message.includes(labels.get(b).label), 'and not the seat that is still free');
  assert.match(message, /Nothing is held for you/);
  assert.deepEqual(tickedSeats(r.body), [b], 'seat B is still ticked on the seat map');
  assert.equal(bookingCount(fixture.eventId), before, 'no booking for the second shopper');
  assertAvailable([b], 'the seat that was free');
  assertHeldBy([a], first.bookingId, 'the first shopper keeps A');

  // Two of three gone: both named, the third alone still selected.
  const other = checkoutLocation(await hold(fixture.eventId, { ticketIds: [c] }));
  const r2 = await hold(fixture.eventId, { ticketIds: [c, b, a] });
  assert.equal(r2.status, 409);
  const m2 = pageMessage(r2.body);
  for (const id of [a, c]) assert.ok(m2.includes(labels.get(id).label), `names ${labels.get(id).label}`);
  assert.deepEqual(tickedSeats(r2.body), [b], 'only B stays ticked');
  // The way back by link (?selected=) ticks the same seats.
  const back = await get(`/events/${fixture.eventId}?selected=${b}`);
  assert.equal(back.status, 200);
  assert.deepEqual(tickedSeats(back.body), [b], '?selected= ticks seat B');
  assert.equal(bookingCount(fixture.eventId), before + 1, 'still no booking for the second shopper');
  assertAvailable([b], 'the seat that was free');
  assertHeldBy([c], other.bookingId, 'C stays with its holder');
});

test('standing: a quantity holds that many places; asking for more than are left holds nothing', async () => {
  const sid = standing.sectionId;
  const left = availableIn(fixture.eventId, sid);
  const { booking, page } = await holdAndOpen([], { standingQty: 2 });
  const held = bookingTickets(booking.bookingId);
  assert.equal(held.length, 2, 'two standing places');
  for (const t of held) {
    assert.equal(t.status, 'reserved');
    assert.equal(t.priceCents, standing.priceCents);
  }
  assert.equal(availableIn(fixture.eventId, sid), left - 2);
  assert.deepEqual(page.seats.map((s) => s.label), [standing.name, standing.name]);
  assert.equal(page.total, formatEuro(2 * standing.priceCents));

  // Leave three places: the rest are sold to no one in particular, restored below.
  const toSell = availableIn(fixture.eventId, sid) - 3;
  sql(`UPDATE tickets SET status = 'sold' WHERE event_id = ${fixture.eventId} AND section_id = ${sid}
        AND status = 'available' ORDER BY ticket_id LIMIT ${toSell}`);
  try {
    const seat = freshSeats(1, 0);
    const before = bookingCount(fixture.eventId);
    for (const attempt of [{ ticketIds: [], qty: 4 }, { ticketIds: seat, qty: 5 }]) {
      const r = await hold(fixture.eventId, { ticketIds: attempt.ticketIds, standing: { [sid]: attempt.qty } });
      assert.equal(r.status, 409, `${attempt.qty} standing with 3 left`);
      assert.ok(pageMessage(r.body).includes(`Only 3 places are left in ${standing.name}`), pageMessage(r.body));
      assert.equal(bookingCount(fixture.eventId), before, 'nothing held');
      assert.equal(availableIn(fixture.eventId, sid), 3, 'the three places are still free');
      assertAvailable(seat, 'a seat asked for with too many standing places');
    }
    const all = checkoutLocation(await hold(fixture.eventId, { standing: { [sid]: 3 } }));
    assert.equal(bookingTickets(all.bookingId).length, 3, 'the last three places');
    const r = await hold(fixture.eventId, { standing: { [sid]: 1 } });
    assert.equal(r.status, 409);
    assert.ok(pageMessage(r.body).includes(`${standing.name} is sold out`), pageMessage(r.body));
    assert.equal(bookingCount(fixture.eventId), before + 1);
  } finally {
    sql(`UPDATE tickets SET status = 'available' WHERE event_id = ${fixture.eventId} AND section_id = ${sid}
          AND status = 'sold' AND booking_id IS NULL`);
  }
});

test('the ticket limit, an empty selection and garbage are 400s (never 500) and hold nothing', async () => {
  const nine = freshSeats(MAX_TICKETS + 1, 1);
  const before = bookingCount(fixture.eventId);
  const limit = new RegExp(`at most ${MAX_TICKETS} tickets`);
  const cases = [
    ['nine seats', { ticketIds: nine }, 400, limit],
    ['six seats and three standing', { ticketIds: nine.slice(0, 6), standing: { [standing.sectionId]: 3 } }, 400, limit],
    ['nine standing', { standing: { [standing.sectionId]: 9 } }, 400, limit],
    ['an empty selection', {}, 400, /at least one/],
    ['zero standing', { standing: { [standing.sectionId]: 0 } }, 400, /at least one/],
    ['ticketId=abc', { extra: [['ticketId', 'abc']] }, 400, /not valid/],
    ['ticketId=', { extra: [['ticketId', '']] }, 400, /not valid/],
    ['ticketId=0', { extra: [['ticketId', '0']] }, 400, /not valid/],
    ['ticketId=-5', { extra: [['ticketId', '-5']] }, 400, /not valid/],
    ['ticketId=1.5', { extra: [['ticketId', '1.5']] }, 400, /not valid/],
    ['ticketId=12abc', { extra: [['ticketId', `${nine[0]}abc`]] }, 400, /not valid/],
    ['a good seat and garbage', { ticketIds: [nine[0]], extra: [['ticketId', 'x']] }, 400, /not valid/],
    ['standing_abc=2', { extra: [['standing_abc', '2']] }, 400, /whole numbers/],
    ['standing quantity "two"', { extra: [[`standing_${standing.sectionId}`, 'two']] }, 400, /whole numbers/],
    ['standing quantity -1', { extra: [[`standing_${standing.sectionId}`, '-1']] }, 400, /whole numbers/],
  ];
  for (const [what, form, status, message] of cases) {
    const r = await hold(fixture.eventId, form);
    assert.equal(r.status, status, `${what}: ${pageMessage(r.body)}`);
    assert.match(pageMessage(r.body), message, `${what}: the message`);
  }
  // Well-formed but not sellable here: a client error too, never a 500.
  for (const [what, form] of [
    ['a ticket that does not exist', { ticketIds: [9_000_000_000] }],
    ['a number too large for any ticket', { extra: [['ticketId', '99999999999999999999999']] }],
    ['a ticket of another event', { ticketIds: [otherEventTicket, nine[0]] }],
    ['standing in a seated section', { standing: { [seatedSections[0].sectionId]: 1 } }],
  ]) {
    const r = await hold(fixture.eventId, form);
    assert.ok(r.status >= 400 && r.status < 500, `${what}: a 4xx, got ${r.status}`);
  }
  for (const [what, eventId] of [['an event that does not exist', 2_000_000_000], ['a non-numeric event', 'abc'],
    ['event 0', 0]]) {
    const r = await hold(eventId, { ticketIds: [nine[0]] });
    assert.ok(r.status >= 400 && r.status < 500, `${what}: a 4xx, got ${r.status}`);
  }
  // An event that is not on sale (here: unpublished) sells nothing.
  sql(`UPDATE events SET status = 'draft' WHERE event_id = ${fixture.eventId}`);
  try {
    const r = await hold(fixture.eventId, { ticketIds: [nine[0]] });
    assert.ok(r.status >= 400 && r.status < 500, `a draft event: a 4xx, got ${r.status}`);
    assert.equal(r.status, 404, 'an unpublished event does not exist for shoppers');
    assert.match(pageMessage(r.body), /no such event/);
  } finally {
    sql(`UPDATE events SET status = 'published' WHERE event_id = ${fixture.eventId}`);
  }
  assertAvailable([otherEventTicket], 'the other event\'s ticket');
  assert.equal(bookingCount(fixture.eventId), before, 'nothing was held');
  assertAvailable(nine, 'after the rejected holds');

  // Exactly at the limit is fine; a repeated id counts once in the booking.
  const eight = checkoutLocation(await hold(fixture.eventId, { ticketIds: nine.slice(0, MAX_TICKETS) }));
  assert.equal(bookingTickets(eight.bookingId).length, MAX_TICKETS);
  const twice = checkoutLocation(await hold(fixture.eventId, { ticketIds: [nine[8], nine[8]] }));
  assert.deepEqual(bookingTickets(twice.bookingId).map((t) => t.ticketId), [nine[8]]);
  assert.equal(bookingFromDb(twice.bookingId).totalCents, ticketsById([nine[8]]).get(nine[8]).priceCents,
    'a repeated seat is charged once');
});

test('checkout: CSRF guards the forms, bad details keep what was typed, a decline keeps the hold, payment confirms', async () => {
  const ids = [...freshSeats(1, 0), ...freshSeats(1, 1)];
  const { shopper, booking, page } = await holdAndOpen(ids);
  const stranger = new Shopper();
  const strangerPage = await openCheckout(stranger, booking);   // another browser, another cookie
  assert.notEqual(strangerPage.pay.fields.csrf_token, page.pay.fields.csrf_token);

  // No token, a wrong token, a token of another cookie, no cookie: 403, nothing paid.
  const noCookie = new Shopper();
  for (const [what, who, overrides] of [
    ['no csrf_token', shopper, { csrf_token: undefined }],
    ['an empty csrf_token', shopper, { csrf_token: '' }],
    ['a made-up csrf_token', shopper, { csrf_token: '0'.repeat(64) }],
    ['the token of another browser', shopper, { csrf_token: strangerPage.pay.fields.csrf_token }],
    ['no bo_csrf cookie', noCookie, {}],
  ]) {
    const r = await pay(who, booking, page, {}, overrides);
    assert.equal(r.status, 403, `pay with ${what}`);
    assert.match(pageMessage(r.body), /expired or was sent from another site/);
    const rel = await release(who, booking, page, overrides);
    assert.equal(rel.status, 403, `release with ${what}`);
  }
  assert.deepEqual(paymentsOf(booking.bookingId), [], 'no payment was attempted');
  assert.equal(bookingFromDb(booking.bookingId).status, 'pending');
  assertHeldBy(ids, booking.bookingId, 'after the refused forms');

  // A good CSRF token with someone else's booking token is a 404.
  const wrong = await pay(shopper, booking, page, {}, { token: 'x'.repeat(43) });
  assert.equal(wrong.status, 404);

  // Bad details: 400, the message, and the typed values back in the form (escaped).
  const name = 'Zoë <b>';
  for (const [details, message] of [
    [{ name, email: 'not-an-email' }, /email address like name@example\.com/],
    [{ name, email: 'zoe@example' }, /email address/],
    [{ name: '', email: 'zoe@example.com' }, /enter your name/],
    [{ name: 'x'.repeat(201), email: 'zoe@example.com' }, /up to 200 characters/],
    [{ name, email: 'zoe@example.com', paymentMethod: 'pm_card_bogus' }, /choose a payment method/],
    [{ name, email: 'x"><script>alert(1)</script>@example.com' }, /email address/],
  ]) {
    const r = await pay(shopper, booking, page, details);
    assert.equal(r.status, 400, `${JSON.stringify(details)}: ${pageMessage(r.body)}`);
    const p = parseCheckout(r.body);
    assert.match(p.error ?? '', message);
    assert.equal(p.pay.fields.name, details.name, 'the typed name is kept');
    assert.equal(p.pay.fields.email, details.email, 'the typed email is kept');
    assert.equal(p.pay.fields.csrf_token, page.pay.fields.csrf_token, 'the form can be sent again');
    assert.deepEqual(p.seats.map((s) => s.label), page.seats.map((s) => s.label), 'the seats are still shown');
    assert.ok(!r.body.includes('<script>alert(1)'), 'the typed email is escaped');
    if (details.name === name) {
      assert.ok(r.body.includes('value="Zoë &lt;b&gt;"'), 'the name is HTML-escaped in the form');
      assert.ok(!r.body.includes('Zoë <b>'), 'and never raw');
    }
  }
  assert.deepEqual(paymentsOf(booking.bookingId), [], 'bad details never reach the payment provider');

  // Declined: 402, the hold stays for another try, the attempt is recorded.
  const declined = await pay(shopper, booking, page, { name, email: 'zoe@example.com', paymentMethod: 'pm_card_chargeDeclined' });
  assert.equal(declined.status, 402);
  const dp = parseCheckout(declined.body);
  assert.match(dp.error ?? '', /declined/i, 'the page says the payment was declined');
  assert.ok(dp.pay, 'the form is there for another try');
  assert.equal(dp.pay.radios.paymentMethod.checked, 'pm_card_chargeDeclined', 'the chosen method is kept');
  assert.equal(bookingFromDb(booking.bookingId).status, 'pending');
  assertHeldBy(ids, booking.bookingId, 'after the decline');
  assert.deepEqual(paymentsOf(booking.bookingId).map((p) => p.status), ['declined']);

  // Paid: 303 to the confirmation; MariaDB has it sold, confirmed, issued and paid.
  const paid = await pay(shopper, booking, page, { name, email: 'zoe@example.com', paymentMethod: 'pm_card_visa' });
  const confirmation = confirmationLink(paid, booking);
  const db = bookingFromDb(booking.bookingId);
  assert.equal(db.status, 'confirmed');
  assert.equal(db.expiresAt, null, 'a confirmed booking does not expire');
  assert.equal(db.buyerName, name, 'the name is stored as typed');
  assert.equal(db.buyerEmail, 'zoe@example.com');
  const tickets = ticketsById(ids);
  for (const [id, t] of tickets) {
    assert.equal(t.status, 'sold', `ticket ${id} is sold`);
    assert.equal(t.bookingId, booking.bookingId);
    assert.equal(t.holdExpiresAt, null);
  }
  const items = bookingItems(booking.bookingId);
  assert.deepEqual(items.map((i) => i.ticketId), [...ids].sort((a, b) => a - b), 'one booking item per ticket');
  for (const i of items) {
    assert.equal(i.priceCents, tickets.get(i.ticketId).priceCents);
    assert.equal(i.eventId, fixture.eventId);
  }
  assert.equal(new Set(items.map((i) => i.code)).size, items.length, 'ticket codes are distinct');
  const payments = paymentsOf(booking.bookingId);
  assert.deepEqual(payments.map((p) => p.status), ['declined', 'succeeded']);
  assert.equal(payments[1].amountCents, db.totalCents);
  assert.equal(payments[1].currency, 'EUR');

  // The confirmation page: booking code, seats, total, one ticket code per seat.
  const shown = await new Shopper().get(confirmation);     // the link alone is enough
  assert.equal(shown.status, 200);
  assert.match(shown.headers.get('cache-control') ?? '', /no-store/);
  const cp = parseCheckout(shown.body);
  assert.equal(cp.code, db.code, 'the booking code');
  assert.deepEqual(cp.seats, items.map((i) => ({
    label: tickets.get(i.ticketId).label, price: formatEuro(i.priceCents), code: i.code,
  })), 'seats, prices and ticket codes as MariaDB issued them');
  assert.equal(cp.total, formatEuro(db.totalCents));
  assert.equal(cp.pay, undefined, 'no payment form any more');
  assert.ok(shown.body.includes('Zoë &lt;b&gt;') && !shown.body.includes('Zoë <b>'), 'the buyer name is escaped');

  // The same link later gives the same page; without the right token there is nothing.
  const reloaded = await new Shopper().get(confirmation);
  assert.equal(reloaded.status, 200);
  assert.deepEqual(parseCheckout(reloaded.body).seats, cp.seats);
  for (const url of [`/bookings/${booking.bookingId}`, `/bookings/${booking.bookingId}?token=`,
    `/bookings/${booking.bookingId}?token=${booking.token.slice(1)}`,
    `/bookings/${booking.bookingId + 1}?token=${booking.token}`]) {
    const r = await new Shopper().get(url);
    assert.equal(r.status, 404, `GET ${url}`);
    assert.ok(!r.body.includes(db.code), 'the 404 reveals nothing');
  }

  // The checkout link now leads to the confirmation; paying again charges nothing.
  const checkoutAgain = await shopper.get(booking.url);
  assert.equal(checkoutAgain.status, 303);
  assert.equal(checkoutAgain.headers.get('location'), confirmation);
  const payAgain = await pay(shopper, booking, page, { name, email: 'zoe@example.com' });
  assert.equal(payAgain.status, 303, 'a second submit of the form');
  assert.equal(payAgain.headers.get('location'), confirmation);
  assert.equal(paymentsOf(booking.bookingId).length, 2, 'no second charge');

});

// A stale tab's "Release these seats" after the booking was paid elsewhere.
test('releasing a paid booking leaves it paid and does not tell the buyer it failed', async () => {
  const ids = freshSeats(1, 0);
  const { shopper, booking, page } = await holdAndOpen(ids);
  const confirmation = confirmationLink(await pay(shopper, booking, page, {}), booking);
  const r = await release(shopper, booking, page);
  assert.equal(bookingFromDb(booking.bookingId).status, 'confirmed', 'still confirmed');
  for (const [id, t] of ticketsById(ids)) assert.equal(t.status, 'sold', `ticket ${id} still sold`);
  assert.equal(bookingItems(booking.bookingId).length, 1, 'the ticket stays issued');
  // Like the checkout link of a paid booking: on to the confirmation page.
  assert.equal(r.status, 303, `POST release of a confirmed booking: got ${r.status} "${pageMessage(r.body)}"`);
  assert.equal(r.headers.get('location'), confirmation);
});

// A double click on "Pay", or a second tab: one booking, one charge.
test('paying the same hold from several requests at once charges once', async () => {
  // A race needs a few tries to show: three holds, six submits each.
  for (let round = 0; round < 3; round++) {
    const ids = freshSeats(2, 1);
    const { shopper, booking, page } = await holdAndOpen(ids);
    const results = await Promise.all(Array.from({ length: 6 }, () => pay(shopper, booking, page, {})));
    assert.equal(bookingFromDb(booking.bookingId).status, 'confirmed');
    assert.equal(bookingItems(booking.bookingId).length, ids.length, 'each ticket issued once');
    const payments = paymentsOf(booking.bookingId);
    const kept = payments.filter((p) => p.status === 'succeeded');
    assert.equal(kept.length, 1,
      `booking ${booking.bookingId}: one charge kept (payments: ${payments.map((p) => p.status).join(', ')})`);
    const confirmation = `/bookings/${booking.bookingId}?token=${booking.token}`;
    for (const r of results) {
      assert.equal(r.status, 303, `each submit ends on the confirmation (got ${r.status}: ${pageMessage(r.body)})`);
      assert.equal(r.headers.get('location'), confirmation);
    }
  }
});

test('release: the seats go back on sale and the booking is cancelled', async () => {
  const ids = freshSeats(2, 0);
  const { shopper, booking, page } = await holdAndOpen(ids);
  const r = await release(shopper, booking, page);
  assert.equal(r.status, 200, pageMessage(r.body));
  assert.match(pageMessage(r.body), /You released these seats/);
  assert.equal(parseCheckout(r.body).pay, undefined, 'no payment form');
  assertAvailable(ids, 'after the release');
  assert.equal(bookingFromDb(booking.bookingId).status, 'cancelled');

  const later = await shopper.get(booking.url);
  assert.equal(later.status, 410);
  const lp = parseCheckout(later.body);
  assert.match(lp.error ?? '', /You released these seats/);
  assert.ok(lp.links.includes(`/events/${fixture.eventId}`), 'a link back to the event');
  const paid = await pay(shopper, booking, page, {});
  assert.equal(paid.status, 410, 'a released booking cannot be paid');
  assert.deepEqual(paymentsOf(booking.bookingId), []);
  const twice = await release(shopper, booking, page);
  assert.equal(twice.status, 200, 'releasing again is harmless');
  assertAvailable(ids, 'after a second release');

  // Someone else can have them at once.
  const next = checkoutLocation(await hold(fixture.eventId, { ticketIds: ids }));
  assertHeldBy(ids, next.bookingId, 'the next shopper');
});

test('an expired hold cannot be paid, says so, and never blocks the next shopper', async () => {
  const ids = freshSeats(2, 1);
  const { shopper, booking, page } = await holdAndOpen(ids);
  sql(`UPDATE bookings SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE booking_id = ${booking.bookingId}`);
  sql(`UPDATE tickets SET hold_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE booking_id = ${booking.bookingId}`);

  const expired = await shopper.get(booking.url);
  assert.equal(expired.status, 410);
  const ep = parseCheckout(expired.body);
  assert.match(ep.error ?? '', /hold has expired/);
  assert.equal(ep.pay, undefined, 'no payment form');
  assert.ok(ep.links.includes(`/events/${fixture.eventId}`), 'a link back to the event');

  const paid = await pay(shopper, booking, page, {});
  assert.equal(paid.status, 410, 'paying an expired hold is refused');
  assert.match(pageMessage(paid.body), /hold has expired/);
  assert.deepEqual(paymentsOf(booking.bookingId), [], 'no payment was attempted');
  for (const [id, t] of ticketsById(ids)) assert.notEqual(t.status, 'sold', `ticket ${id} is not sold`);

  // Swept or not, the seats are free for the next shopper right away.
  const next = checkoutLocation(await hold(fixture.eventId, { ticketIds: ids }));
  assertHeldBy(ids, next.bookingId, 'the next shopper');
  assert.ok(bookingFromDb(next.bookingId).secondsLeft > HOLD_SECONDS - 120, 'with a fresh hold');
  const stale = await pay(shopper, booking, page, {});
  assert.equal(stale.status, 410, 'the old checkout still cannot pay');
  assertHeldBy(ids, next.bookingId, 'the old booking took nothing back');
  assert.deepEqual(paymentsOf(booking.bookingId), []);
  assert.ok(['pending', 'expired'].includes(bookingFromDb(booking.bookingId).status));

  // Standing too: when the only places left are held by an expired hold, they are taken.
  const sid = standing.sectionId;
  const old = checkoutLocation(await hold(fixture.eventId, { standing: { [sid]: 2 } }));
  const toSell = availableIn(fixture.eventId, sid);
  sql(`UPDATE tickets SET status = 'sold' WHERE event_id = ${fixture.eventId} AND section_id = ${sid}
        AND status = 'available' ORDER BY ticket_id LIMIT ${toSell}`);
  try {
    assert.equal((await hold(fixture.eventId, { standing: { [sid]: 1 } })).status, 409, 'sold out while held');
    sql(`UPDATE bookings SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE booking_id = ${old.bookingId}`);
    sql(`UPDATE tickets SET hold_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE booking_id = ${old.bookingId}`);
    const oldTickets = bookingTickets(old.bookingId).map((t) => t.ticketId);
    const fresh = checkoutLocation(await hold(fixture.eventId, { standing: { [sid]: 2 } }));
    const got = bookingTickets(fresh.bookingId).map((t) => t.ticketId);
    assert.equal(got.length, 2, 'two places from the expired hold');
    // The sweep may have released them first; either way they are the same two places.
    assert.deepEqual(got, oldTickets);
  } finally {
    sql(`UPDATE tickets SET status = 'available' WHERE event_id = ${fixture.eventId} AND section_id = ${sid}
          AND status = 'sold' AND booking_id IS NULL`);
  }
});

test('ten shoppers hold the same seat at once: exactly one gets it', async () => {
  const [seat] = freshSeats(1, 0);
  const before = bookingCount(fixture.eventId);
  const results = await Promise.all(Array.from({ length: 10 }, () => hold(fixture.eventId, { ticketIds: [seat] })));
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [303, ...Array(9).fill(409)], `statuses: ${statuses.join(' ')}`);
  const winner = checkoutLocation(results.find((r) => r.status === 303));
  assertHeldBy([seat], winner.bookingId, 'the winner');
  assert.equal(bookingCount(fixture.eventId), before + 1, 'one booking, nothing left behind by the losers');
  for (const r of results.filter((x) => x.status === 409)) {
    assert.ok(parseCheckout(r.body).text.includes(ticketsById([seat]).get(seat).label), 'losers are told which seat');
  }
});
