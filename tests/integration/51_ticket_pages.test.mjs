// The e-tickets as their holders get them: /tickets/{code} (one printable ticket: the event,
// its local time in the venue's zone, the place, the seat, the holder, the booking and an SVG
// QR code), /tickets/{code}.pdf, and a booking's tickets together at /bookings/{id}/tickets
// and .pdf behind the key the confirmation links. Everything printed is checked against
// MariaDB; the QR codes are read from pixels by zbarimg (the SVG drawn by Chromium, the PDF's
// pages by pdftoppm) and the PDFs' text by pdftotext, nothing that shares code with ours.
// Runs on events of its own, dropped at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, flushCache, get, tamperedToken } from './lib.mjs';
import { createFixtureEvent, dropFixtureEvent, seatSupply, formatEuro, pageMessage } from './checkout.mjs';
import {
  ticketSettings, decodeCode, signCode, randomKeyHex, alteredCode, buyByApi, buyByForm, setBookingStatus,
  parseTicketCards, qrModules, readPdf, getBytes, openBrowser, messagesSettled,
} from './tickets.mjs';

const NAME = `Ticket Pages Test ${process.pid} · Café Müller`;
const BUYER = 'Zoë Ångström';
const HOLDERS = ['Σοφία Παπαδοπούλου', 'Дмитрий Шостакович'];
let fixture, calledOff;
let freshSeats;
let standing;
let booking;                    // 2 seats and a standing place, bought through the checkout form
let browser;
const formBookings = [];        // bookings that wrote mails, settled before the drop

before(async () => {
  fixture = createFixtureEvent(NAME);
  calledOff = createFixtureEvent(`${NAME} (called off)`);
  ({ freshSeats } = seatSupply(fixture));
  standing = fixture.sections.find((s) => s.kind === 'standing');
  await flushCache();
  const seats = freshSeats(2);
  booking = await buyByForm(fixture.eventId, seats, {
    standingQty: 1, standingSection: standing.sectionId, buyer: BUYER, email: `pages-${process.pid}@example.com`,
    holders: [undefined, ...HOLDERS],
  });
  formBookings.push(booking.bookingId);
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await messagesSettled(formBookings);
  if (fixture) dropFixtureEvent(fixture.eventId);
  if (calledOff) dropFixtureEvent(calledOff.eventId);
  await flushCache();
});

// What a ticket must print, from MariaDB: the event and venue, the seat, the holder.
function expectedTicket(code) {
  const { ticketId, bookingId } = decodeCode(code);
  const [[event, startsUtc, tz, venue, address, city, bookingCode, buyer, holder, section, kind, row, seat, cents]] = sql(`
    SELECT e.name, DATE_FORMAT(e.starts_at, '%Y-%m-%dT%H:%i:%sZ'), v.timezone, v.name, v.address, v.city,
           b.booking_code, b.buyer_name, i.holder_name, s.name, s.kind, vs.row_label, vs.seat_number, i.price_cents
      FROM booking_items i JOIN bookings b ON b.booking_id = i.booking_id
      JOIN events e ON e.event_id = i.event_id JOIN venues v ON v.venue_id = e.venue_id
      JOIN tickets t ON t.ticket_id = i.ticket_id JOIN venue_sections s ON s.section_id = t.section_id
      LEFT JOIN venue_seats vs ON vs.seat_id = t.seat_id
     WHERE i.booking_id = ${bookingId} AND i.ticket_id = ${ticketId}`);
  return {
    event, ...localTime(new Date(startsUtc), tz), place: `${venue}, ${address}, ${city}`,
    seat: kind === 'standing' ? `Standing · ${section}` : `${section} · Row ${row} · Seat ${seat}`,
    holder: holder ?? buyer, booking: bookingCode, price: formatEuro(Number(cents)),
  };
}

// The wall-clock time of `when` in zone `tz`, worked out by ICU (not by MariaDB's zone tables,
// which the app reads): {datetime (ISO with offset), when ("Sat 5 Dec 2026, 20:00"), zone}.
function localTime(when, tz) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset',
  }).formatToParts(when).map((p) => [p.type, p.value]));
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.slice(3);
  const month = String(new Intl.DateTimeFormat('en-US', { timeZone: tz, month: 'numeric' }).format(when)).padStart(2, '0');
  const day = parts.day.padStart(2, '0');
  return {
    datetime: `${parts.year}-${month}-${day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`,
    when: `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}`,
    zone: `${tz} (UTC${offset})`,
  };
}

const display = (code) => code.match(/.{1,4}/g).join('-');

function assertCard(card, code, what) {
  const want = expectedTicket(code);
  assert.equal(card.event, want.event, `${what}: the event`);
  assert.equal(card.datetime, want.datetime, `${what}: the local time, machine-readable, in the venue's zone`);
  assert.equal(card.when, want.when, `${what}: the local date and time`);
  assert.equal(card.zone, want.zone, `${what}: the venue's zone`);
  assert.equal(card.place, want.place, `${what}: venue, address and city`);
  assert.equal(card.seat, want.seat, `${what}: the seat`);
  assert.equal(card.holder, want.holder, `${what}: the holder`);
  assert.equal(card.booking, want.booking, `${what}: the booking code`);
  assert.equal(card.price, want.price, `${what}: the price`);
  assert.equal(card.code, display(code), `${what}: the code, printed in blocks`);
  return want;
}

// ------------------------------------------------------------------------------------------

test('a ticket page prints the event, its local time, the place, the seat, the holder and the booking, with an SVG QR code of the code', async () => {
  assert.equal(booking.codes.length, 3);
  const holders = booking.codes.map((c) => expectedTicket(c).holder);
  assert.deepEqual(holders, [BUYER, ...HOLDERS], 'the first ticket is the buyer\'s, the others their holders\'');
  for (const [i, code] of booking.codes.entries()) {
    const r = await get(`/tickets/${code}`);
    assert.equal(r.status, 200, `ticket ${i}: ${pageMessage(r.body)}`);
    assert.match(r.headers.get('cache-control') ?? '', /no-store/, 'a ticket page is not cached');
    const cards = parseTicketCards(r.body);
    assert.equal(cards.length, 1, 'one ticket on its page');
    const [card] = cards;
    assertCard(card, code, `ticket ${i}`);
    assert.equal(card.void, false);
    assert.ok(card.qr, 'with its QR code');

    // Version 3 (29 modules) and a quiet zone of 4 on every side; the three finder patterns
    // in their corners.
    assert.equal(card.qr.size, 29 + 8, 'a version 3 symbol with its quiet zone');
    assert.equal(card.qr.pixels % card.qr.size, 0, 'whole pixels a module');
    const dark = [...qrModules(card.qr.path)].map((m) => m.split(',').map(Number));
    assert.ok(dark.length > 200, 'the path draws the symbol');
    assert.ok(dark.every(([x, y]) => x >= 4 && y >= 4 && x < card.qr.size - 4 && y < card.qr.size - 4),
      'nothing dark in the quiet zone');
    const set = qrModules(card.qr.path);
    for (const [x, y] of [[4, 4], [card.qr.size - 5, 4], [4, card.qr.size - 5]]) {
      assert.ok(set.has(`${x},${y}`), `a finder pattern at ${x},${y}`);
    }
    assert.match(card.qr.path, /^[0-9Mhvz -]+$/, 'the path data is digits and M h v z only');
  }
  const [standingCard] = parseTicketCards((await get(`/tickets/${booking.codes[2]}`)).body);
  assert.equal(standingCard.seat, `Standing · ${standing.name}`, 'a standing ticket says so');

  // The code as a person types it (lowercase, in blocks) finds the same ticket.
  const typed = await get(`/tickets/${display(booking.codes[0]).toLowerCase()}`);
  assert.equal(typed.status, 200);
  assert.equal(parseTicketCards(typed.body)[0].code, display(booking.codes[0]));
});

test('the page\'s SVG QR code, drawn by Chromium, scans as the ticket\'s code', async () => {
  for (const code of booking.codes) {
    assert.deepEqual(await browser.qrCodes(`/tickets/${code}`), [[code]], 'zbarimg reads exactly the code');
  }
});

test('a forged, altered or unknown code gets a 404 page that says so', async () => {
  const settings = ticketSettings();
  const ids = decodeCode(booking.codes[0]);
  const other = decodeCode(booking.codes[1]);
  const cases = [
    [alteredCode(booking.codes[0]), 'one character changed'],
    [alteredCode(booking.codes[0], 3), 'a character of the ids changed'],
    [booking.codes[0].slice(0, 40), 'truncated'],
    [`${booking.codes[0]}A`, 'a character more'],
    ['NOT-A-TICKET', 'a random string'],
    [signCode({ ...ids, keyId: settings.current, keyHex: randomKeyHex() }), 'signed with a key we do not have'],
    // Signed with the stack's own key, but naming a ticket the booking does not hold.
    [signCode({ ...ids, ticketId: other.ticketId + 1000000, keyId: settings.current, keyHex: settings.keys.get(settings.current) }),
      'a real signature over a ticket that was never issued'],
    [signCode({ ...other, eventId: calledOff.eventId, keyId: settings.current, keyHex: settings.keys.get(settings.current) }),
      'a real signature naming another event'],
  ];
  for (const [code, what] of cases) {
    for (const suffix of ['', '.pdf']) {
      const r = await get(`/tickets/${encodeURIComponent(code)}${suffix}`);
      assert.equal(r.status, 404, `${what}${suffix}: 404`);
      assert.match(r.contentType, /^text\/html/, `${what}${suffix}: a page, not a PDF`);
      assert.equal(pageMessage(r.body), 'There is no such ticket. Check the code, or open the link from your confirmation again.',
        `${what}${suffix}`);
      assert.equal(parseTicketCards(r.body).length, 0, `${what}${suffix}: no ticket shown`);
    }
  }
});

test('a ticket of a cancelled or refunded booking, or of a cancelled event, shows VOID and no QR code, on the page and in the PDF', async () => {
  const cancelled = await buyByApi(fixture.eventId, freshSeats(1), { buyerName: 'Cancelled Buyer' });
  const refunded = await buyByApi(fixture.eventId, freshSeats(1), { buyerName: 'Refunded Buyer' });
  const offEvent = await buyByApi(calledOff.eventId, [calledOff.sections.find((s) => s.kind === 'seated').ticketIds[0]],
    { buyerName: 'Called Off Buyer' });
  for (const b of [cancelled, refunded, offEvent]) {
    assert.equal(parseTicketCards((await get(`/tickets/${b.codes[0]}`)).body)[0].void, false, 'valid before');
  }
  setBookingStatus(cancelled.bookingId, 'cancelled');
  setBookingStatus(refunded.bookingId, 'refunded');
  // None of these buyers gave an address: the trigger on events writes them no message.
  sql(`UPDATE events SET status = 'cancelled' WHERE event_id = ${calledOff.eventId}`);
  await flushCache();

  for (const [b, why] of [[cancelled, 'This booking was refunded or cancelled: the ticket is void.'],
    [refunded, 'This booking was refunded or cancelled: the ticket is void.'],
    [offEvent, 'This event was cancelled: the ticket is void.']]) {
    const [code] = b.codes;
    const r = await get(`/tickets/${code}`);
    assert.equal(r.status, 200, 'a void ticket still has its page');
    const [card] = parseTicketCards(r.body);
    assert.equal(card.void, true, `${b.bookingId}: the card is marked void`);
    assert.equal(card.voidNotice, `VOID — ${why}`);
    assert.equal(card.qr, null, 'no QR code to scan');
    assert.equal(card.holder, expectedTicket(code).holder, 'the rest of the ticket as it was');
    assert.deepEqual(await browser.qrCodes(`/tickets/${code}`), [], 'nothing on the page scans');

    const pdf = await getBytes(`/tickets/${code}.pdf`);
    assert.equal(pdf.status, 200);
    const read = readPdf(pdf.bytes);
    assert.equal(read.pages, 1);
    assert.match(read.text[0], /VOID/, 'the PDF says VOID');
    assert.deepEqual(read.codes, [[]], 'and carries no QR symbol');
    const compact = read.text[0].replace(/\s+/g, '');
    assert.ok(!compact.includes(code) && !compact.includes(display(code)), 'nor the code itself');
  }
});

test('the PDF of a ticket: application/pdf, one page with its event, seat and holder in UTF-8, and a QR code that scans as its code', async () => {
  for (const code of booking.codes) {
    const want = expectedTicket(code);
    const r = await getBytes(`/tickets/${code}.pdf`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.equal(r.headers.get('content-disposition'),
      `inline; filename="ticket-${want.booking}-${decodeCode(code).ticketId}.pdf"`);
    assert.match(r.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(r.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    const pdf = readPdf(r.bytes);
    assert.equal(pdf.pages, 1, 'one page a ticket');
    const text = pdf.text[0];
    for (const [field, value] of Object.entries({ event: want.event, seat: want.seat, holder: want.holder, booking: want.booking })) {
      assert.ok(text.includes(value), `the PDF prints the ${field} "${value}":\n${text}`);
    }
    assert.deepEqual(pdf.codes, [[code]], 'its page scans as the code');
  }
});

test('a booking\'s tickets together, and their PDF, open with the key the confirmation links and with no other', async () => {
  const page = await get(booking.ticketsUrl);
  assert.equal(page.status, 200, pageMessage(page.body));
  const cards = parseTicketCards(page.body);
  assert.equal(cards.length, 3, 'every ticket of the booking');
  cards.forEach((card, i) => assertCard(card, booking.codes[i], `card ${i}`));
  assert.deepEqual(await browser.qrCodes(booking.ticketsUrl), booking.codes.map((c) => [c]),
    'each card\'s QR code scans as its own code, in ticket order');

  const r = await getBytes(booking.ticketsPdfUrl);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const pdf = readPdf(r.bytes);
  assert.equal(pdf.pages, 3, 'one page a ticket');
  assert.deepEqual(pdf.codes, booking.codes.map((c) => [c]), 'page n scans as ticket n');
  booking.codes.forEach((code, i) => {
    const want = expectedTicket(code);
    assert.ok(pdf.text[i].includes(want.holder) && pdf.text[i].includes(want.seat), `page ${i + 1} is ${want.seat}, ${want.holder}`);
  });

  // Another booking's own key, a key changed by one character, no key, an empty one.
  const otherBooking = await buyByForm(fixture.eventId, freshSeats(1), { buyer: 'Other Buyer', email: `other-${process.pid}@example.com` });
  formBookings.push(otherBooking.bookingId);
  const key = new URL(booking.ticketsUrl, 'http://x').searchParams.get('key');
  const otherKey = new URL(otherBooking.ticketsUrl, 'http://x').searchParams.get('key');
  const id = booking.bookingId;
  for (const [query, what] of [[`?key=${otherKey}`, 'another booking\'s key'], [`?key=${tamperedToken(key)}`, 'a key changed'],
    ['', 'no key'], ['?key=', 'an empty key'], [`?key=${key}x`, 'a key too long'], [`?other=${key}`, 'the key under another name']]) {
    for (const suffix of ['', '.pdf']) {
      const res = await get(`/bookings/${id}/tickets${suffix}${query}`);
      assert.equal(res.status, 404, `${what}${suffix}: 404`);
      assert.equal(pageMessage(res.body), 'There are no such tickets, or the link is incomplete.', `${what}${suffix}`);
    }
  }
  assert.equal((await get(`/bookings/${otherBooking.bookingId}/tickets?key=${key}`)).status, 404, 'a key opens its own booking only');
  assert.equal((await get(otherBooking.ticketsUrl)).status, 200, 'the other booking opens with its own');
});
