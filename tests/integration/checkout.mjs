// Helpers for the HTML booking flow tests: a fixture event of our own, shoppers that keep
// their cookies like a browser, the hold form, and readers for the checkout pages.
import assert from 'node:assert/strict';
import { BASE_URL, request, sql, sqlString, decodeHtml } from './lib.mjs';

// ------------------------------------------------------------------------------------------
// the fixture: a published event 30 days ahead on a demo venue with seated and standing
// sections, one price tier per section and one ticket per seat and standing place

// Prices are distinct per section so a total shows which seats it adds up.
const SEATED_PRICES = [4500, 3725, 5150, 2875];
const STANDING_PRICE = 2950;

export function createFixtureEvent(name) {
  const venues = sql(
    `SELECT venue_id FROM venue_sections GROUP BY venue_id
      HAVING SUM(kind = 'standing') > 0 AND SUM(kind = 'seated') > 0
      ORDER BY SUM(kind = 'seated') DESC, venue_id LIMIT 1`,
  );
  assert.equal(venues.length, 1, 'the demo seed has a venue with seated and standing sections');
  const venueId = Number(venues[0][0]);
  sql(`INSERT INTO events (venue_id, category_id, name, description, search_extra, starts_at, ends_at,
                           status, currency)
       SELECT ${venueId}, MIN(category_id), ${sqlString(name)}, 'checkout flow integration test', '',
              UTC_TIMESTAMP() + INTERVAL 30 DAY, UTC_TIMESTAMP() + INTERVAL 30 DAY + INTERVAL 2 HOUR,
              'published', 'EUR'
         FROM categories`);
  const eventId = Number(sql(`SELECT event_id FROM events WHERE name = ${sqlString(name)}`)[0][0]);

  const sections = sql(
    `SELECT section_id, name, kind, capacity FROM venue_sections
      WHERE venue_id = ${venueId} ORDER BY sort_order, section_id`,
  ).map(([id, sectionName, kind, capacity]) => ({
    sectionId: Number(id), name: sectionName, kind, capacity: Number(capacity),
  }));
  let seated = 0;
  for (const s of sections) {
    s.priceCents = s.kind === 'standing' ? STANDING_PRICE : SEATED_PRICES[seated++ % SEATED_PRICES.length];
    sql(`INSERT INTO price_tiers (event_id, section_id, name, price_cents, currency)
         VALUES (${eventId}, ${s.sectionId}, ${sqlString(s.name)}, ${s.priceCents}, 'EUR')`);
  }
  sql(`INSERT INTO tickets (event_id, section_id, seat_id, tier_id, seat_label, price_cents)
       SELECT pt.event_id, s.section_id, vs.seat_id, pt.tier_id,
              CONCAT(s.name, ' ', vs.row_label, '-', vs.seat_number), pt.price_cents
         FROM price_tiers pt
         JOIN venue_sections s ON s.section_id = pt.section_id AND s.kind = 'seated'
         JOIN venue_seats vs ON vs.section_id = s.section_id
        WHERE pt.event_id = ${eventId}
        ORDER BY s.sort_order, s.section_id, vs.seat_id`);
  sql(`INSERT INTO tickets (event_id, section_id, seat_id, tier_id, seat_label, price_cents)
       SELECT pt.event_id, s.section_id, NULL, pt.tier_id, s.name, pt.price_cents
         FROM price_tiers pt
         JOIN venue_sections s ON s.section_id = pt.section_id AND s.kind = 'standing'
         JOIN seq_1_to_100000 place ON place.seq <= s.capacity
        WHERE pt.event_id = ${eventId}`);
  for (const s of sections) {
    s.ticketIds = sql(`SELECT ticket_id FROM tickets WHERE event_id = ${eventId} AND section_id = ${s.sectionId}
                        ORDER BY ticket_id`).map(([id]) => Number(id));
    assert.equal(s.ticketIds.length, s.capacity, `one ticket per place of ${s.name}`);
  }
  return { eventId, venueId, sections };
}

// The fixture's seated sections, each with a cursor over its tickets, and freshSeats(n, i):
// n seats no earlier test touched, from seated section i (wrapping).
export function seatSupply(fixture) {
  const seatedSections = fixture.sections.filter((s) => s.kind === 'seated').map((s) => ({ ...s, next: 0 }));
  function freshSeats(n, sectionIndex = 0) {
    const s = seatedSections[sectionIndex % seatedSections.length];
    assert.ok(s.next + n <= s.ticketIds.length, `enough fresh seats in ${s.name}`);
    const ids = s.ticketIds.slice(s.next, s.next + n);
    s.next += n;
    return ids;
  }
  return { seatedSections, freshSeats };
}

// Everything the flow wrote for the event, then the event itself; children first (FKs).
export function dropFixtureEvent(eventId) {
  const bookings = `SELECT booking_id FROM bookings WHERE event_id = ${eventId}`;
  const payments = `SELECT payment_id FROM payments WHERE booking_id IN (${bookings}) OR event_id = ${eventId}`;
  // The outbox first, so the notifier mails nobody about a booking that is about to go.
  sql(`DELETE FROM outbox WHERE booking_id IN (${bookings}) OR event_id = ${eventId}`);
  sql(`DELETE FROM checkin_scans WHERE event_id = ${eventId}`);
  sql(`DELETE FROM booking_holders WHERE booking_id IN (${bookings})`);
  sql(`DELETE FROM booking_items WHERE booking_id IN (${bookings}) OR event_id = ${eventId}`);
  sql(`DELETE FROM refunds WHERE payment_id IN (${payments})`);
  sql(`DELETE FROM payment_events WHERE payment_id IN (${payments})`);
  sql(`DELETE FROM booking_released_tickets WHERE booking_id IN (${bookings})`);
  sql(`DELETE FROM payments WHERE booking_id IN (${bookings}) OR event_id = ${eventId}`);
  sql(`DELETE FROM tickets WHERE event_id = ${eventId}`);
  sql(`DELETE FROM bookings WHERE event_id = ${eventId}`);
  sql(`DELETE FROM price_tiers WHERE event_id = ${eventId}`);
  sql(`DELETE FROM events WHERE event_id = ${eventId}`);
}

// ------------------------------------------------------------------------------------------
// MariaDB's view

export function ticketsById(ids) {
  const rows = sql(
    `SELECT ticket_id, status, booking_id, DATE_FORMAT(hold_expires_at, '%Y-%m-%d %H:%i:%s'),
            seat_label, price_cents
       FROM tickets WHERE ticket_id IN (${ids.join(',')}) ORDER BY ticket_id`,
  );
  return new Map(rows.map(([id, status, bookingId, holdExpiresAt, label, cents]) => [Number(id), {
    status, bookingId: bookingId === null ? null : Number(bookingId), holdExpiresAt, label, priceCents: Number(cents),
  }]));
}

export function bookingFromDb(bookingId) {
  const rows = sql(
    `SELECT event_id, booking_code, payment_status, total_price_cents, currency,
            DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s'),
            TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), expires_at), buyer_name, buyer_email
       FROM bookings WHERE booking_id = ${bookingId}`,
  );
  if (rows.length === 0) return null;
  const [eventId, code, status, total, currency, expiresAt, secondsLeft, buyerName, buyerEmail] = rows[0];
  return {
    eventId: Number(eventId), code, status, totalCents: Number(total), currency, expiresAt,
    secondsLeft: secondsLeft === null ? null : Number(secondsLeft), buyerName, buyerEmail,
  };
}

// The tickets a booking holds (or bought), in ticket_id order.
export function bookingTickets(bookingId) {
  return sql(`SELECT ticket_id, status, seat_label, price_cents FROM tickets WHERE booking_id = ${bookingId}
               ORDER BY ticket_id`)
    .map(([id, status, label, cents]) => ({ ticketId: Number(id), status, label, priceCents: Number(cents) }));
}

export function bookingItems(bookingId) {
  return sql(`SELECT i.ticket_id, i.price_cents, i.ticket_code, i.event_id FROM booking_items i
               WHERE i.booking_id = ${bookingId} ORDER BY i.ticket_id`)
    .map(([id, cents, code, eventId]) => ({ ticketId: Number(id), priceCents: Number(cents), code, eventId: Number(eventId) }));
}

export function paymentsOf(bookingId) {
  return sql(`SELECT status, amount_cents, currency, provider FROM payments WHERE booking_id = ${bookingId}
               ORDER BY payment_id`)
    .map(([status, cents, currency, provider]) => ({ status, amountCents: Number(cents), currency, provider }));
}

export function bookingCount(eventId) {
  return Number(sql(`SELECT COUNT(*) FROM bookings WHERE event_id = ${eventId}`)[0][0]);
}

export function availableIn(eventId, sectionId) {
  return Number(sql(`SELECT COUNT(*) FROM tickets WHERE event_id = ${eventId} AND section_id = ${sectionId}
                      AND status = 'available'`)[0][0]);
}

// ------------------------------------------------------------------------------------------
// HTTP as a browser does it: cookies kept per shopper, forms url-encoded, redirects seen

export function formBody(pairs) {
  return new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString();
}

export class Shopper {
  constructor() {
    this.cookies = new Map();
  }

  async send(method, urlPath, { form, headers = {} } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form !== undefined) {
      body = formBody(form);
      h['content-type'] = 'application/x-www-form-urlencoded';
    }
    const r = await request(method, urlPath, { body, headers: h });
    r.setCookies = r.headers.getSetCookie();
    for (const c of r.setCookies) {
      const m = c.match(/^([^=;\s]+)=([^;]*)/);
      if (m) this.cookies.set(m[1], m[2]);
    }
    return r;
  }

  get(urlPath, opts) {
    return this.send('GET', urlPath, opts);
  }

  post(urlPath, form, opts = {}) {
    return this.send('POST', urlPath, { ...opts, form });
  }
}

// The seat map's form: ticketId=… (repeated) and standing_<section>=quantity, posted from
// our own origin unless told otherwise (origin: null sends no Origin header at all).
export function hold(eventId, { ticketIds = [], standing = {}, extra = [], origin = BASE_URL, shopper } = {}) {
  const pairs = [
    ...ticketIds.map((id) => ['ticketId', id]),
    ...Object.entries(standing).map(([sectionId, n]) => [`standing_${sectionId}`, n]),
    ...extra,
  ];
  const headers = origin === null ? {} : { origin };
  return (shopper ?? new Shopper()).post(`/events/${eventId}/hold`, pairs, { headers });
}

// The booking a successful hold redirected to.
export function checkoutLocation(r) {
  assert.equal(r.status, 303, `hold: expected 303, got ${r.status}: ${pageMessage(r.body)}`);
  const location = r.headers.get('location');
  const m = location?.match(/^\/checkout\/(\d+)\?token=([A-Za-z0-9_-]{32,})$/);
  assert.ok(m, `Location is a checkout link with a token: ${location}`);
  return { bookingId: Number(m[1]), token: m[2], url: location };
}

// Hold through the seat map's form (seats, and `standingQty` places of `standingSection`) and
// land on the checkout page; the shopper keeps the CSRF cookie.
export async function holdAndOpen(eventId, ticketIds, { standingQty, standingSection } = {}) {
  const shopper = new Shopper();
  const r = await hold(eventId, {
    ticketIds, standing: standingQty ? { [standingSection]: standingQty } : {}, shopper,
  });
  const booking = checkoutLocation(r);
  const page = await openCheckout(shopper, booking);
  return { shopper, booking, page };
}

// The checkout page of `booking` as `shopper` sees it: it must offer the payment form.
export async function openCheckout(shopper, booking) {
  const r = await shopper.get(booking.url);
  assert.equal(r.status, 200, `GET ${booking.url}: ${pageMessage(r.body)}`);
  const page = parseCheckout(r.body);
  assert.ok(page.pay, 'the checkout page has the payment form');
  return page;
}

// ------------------------------------------------------------------------------------------
// reading the pages

export function formatEuro(cents) {
  return `€${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export const pageText = (html) => decodeHtml(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();

function main(html) {
  const m = html.match(/<main\b[^>]*>([\s\S]*)<\/main>/);
  return m ? m[1] : html;
}

// Whatever message the page puts first: a form error, an ended checkout or the error page's.
export function pageMessage(html) {
  const m = html.match(/<p class="(?:form-error|error-message)"[^>]*>([\s\S]*?)<\/p>/);
  return m ? pageText(m[1]) : pageText(main(html)).slice(0, 300);
}

function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? decodeHtml(m[1]) : undefined;
}

// The <input>s of a form: name → value (radios: the list of values, and which is checked).
function formInputs(formHtml) {
  const fields = {};
  const radios = {};
  for (const [tag] of formHtml.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    if (attr(tag, 'type') === 'radio') {
      (radios[name] ??= { values: [], checked: undefined }).values.push(attr(tag, 'value'));
      if (/\schecked\b/.test(tag)) radios[name].checked = attr(tag, 'value');
    } else {
      fields[name] = attr(tag, 'value');
    }
  }
  return { fields, radios };
}

// A checkout or confirmation page: seats (label, price, code), total, hold timer text, the
// pay and release forms, and any message.
export function parseCheckout(html) {
  const body = main(html);
  const table = body.match(/<table class="held-seats">([\s\S]*?)<\/table>/)?.[1] ?? '';
  const tbody = table.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '';
  const seats = [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) => {
    const raw = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map(([, c]) => c);
    const cells = raw.map(pageText);
    // On the confirmation the third cell links the e-ticket and its PDF; the code is in <code>.
    const code = raw[2]?.match(/<code>([\s\S]*?)<\/code>/)?.[1];
    return { label: cells[0], price: cells[1], code: code === undefined ? cells[2] : pageText(code) };
  });
  const total = table.match(/<td class="total"[^>]*>([\s\S]*?)<\/td>/)?.[1];
  const timer = body.match(/<p class="hold-timer"[^>]*>([\s\S]*?)<\/p>/)?.[1];
  const forms = {};
  for (const [, open, inner] of body.matchAll(/(<form\b[^>]*>)([\s\S]*?)<\/form>/g)) {
    const cls = attr(open, 'class');
    forms[cls] = { action: attr(open, 'action'), method: attr(open, 'method'), ...formInputs(inner) };
  }
  const error = body.match(/<p class="form-error"[^>]*>([\s\S]*?)<\/p>/)?.[1];
  return {
    seats,
    total: total === undefined ? undefined : pageText(total),
    timer: timer === undefined ? undefined : pageText(timer),
    pay: forms['checkout-form'],
    release: forms['release-form'],
    error: error === undefined ? undefined : pageText(error),
    code: body.match(/<p class="confirmation-code">([\s\S]*?)<\/p>/)?.[1]?.replace(/[\s\S]*<strong>([\s\S]*?)<\/strong>[\s\S]*/, '$1'),
    links: [...body.matchAll(/<a\b[^>]*\shref="([^"]*)"/g)].map(([, href]) => decodeHtml(href)),
    text: pageText(body),
  };
}
