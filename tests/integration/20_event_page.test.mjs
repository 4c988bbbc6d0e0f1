// GET /events/{id}: the event page shows what MariaDB holds (local time with its zone, venue,
// performers, prices), a seat map whose checkboxes are exactly the available seats, each with
// an accessible name, a quantity picker for standing areas, sales within the staleness bound,
// friendly 404s for drafts and bad ids, a cancelled notice, and hostile data escaped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, sql, sqlString, decodeHtml, sleep, untouchedEventWithSeatsAndStanding } from './lib.mjs';

const tag = `ev${process.pid}`;
const STALE_BOUND_MS = 3000; // availability is at most ~2 s stale; poll a little longer

let eventId;            // a published demo event with seated and standing sections
const touched = [];     // ticket ids this file changed, restored in after()
const inserted = { events: [], performers: [] };

// --- what MariaDB says ------------------------------------------------------------------

// format_money's rules: € £ $ before the amount, two decimals.
function money(cents, currency) {
  const symbol = { EUR: '€', GBP: '£', USD: '$' }[currency];
  const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return symbol ? `${symbol}${amount}` : `${amount} ${currency}`;
}

// A hold past its expiry is available again, whether or not the sweep has run.
const EFFECTIVE_STATUS = `CASE WHEN t.status = 'reserved' AND t.hold_expires_at <= UTC_TIMESTAMP()
                               THEN 'available' ELSE t.status END`;

function seatsFromDb(id) {
  return sql(
    `SELECT t.ticket_id, s.name, vs.row_label, vs.seat_number, t.price_cents, pt.currency,
            ${EFFECTIVE_STATUS}
       FROM tickets t
       JOIN venue_seats vs ON vs.seat_id = t.seat_id
       JOIN venue_sections s ON s.section_id = t.section_id
       JOIN price_tiers pt ON pt.tier_id = t.tier_id
      WHERE t.event_id = ${id}`,
  ).map(([ticketId, section, row, seat, cents, currency, status]) => ({
    ticketId: Number(ticketId), section, row, seat: Number(seat), priceCents: Number(cents),
    currency, status,
  }));
}

function standingFromDb(id) {
  return sql(
    `SELECT s.section_id, s.name, SUM(${EFFECTIVE_STATUS} = 'available')
       FROM price_tiers pt
       JOIN venue_sections s ON s.section_id = pt.section_id AND s.kind = 'standing'
       JOIN tickets t ON t.event_id = pt.event_id AND t.section_id = s.section_id
      WHERE pt.event_id = ${id}
      GROUP BY s.section_id, s.name`,
  ).map(([sectionId, name, available]) => ({ sectionId: Number(sectionId), name, available: Number(available) }));
}

function eventFromDb(id) {
  const [row] = sql(
    `SELECT e.name, e.description, DATE_FORMAT(e.starts_at, '%Y-%m-%dT%H:%i:%sZ'), v.name,
            v.address, v.city, v.capacity, v.timezone, c.name
       FROM events e JOIN venues v ON v.venue_id = e.venue_id
       JOIN categories c ON c.category_id = e.category_id
      WHERE e.event_id = ${id}`,
  );
  const [name, description, startsAt, venue, address, city, capacity, timezone, category] = row;
  const performers = sql(
    `SELECT p.name FROM event_performers ep JOIN performers p ON p.performer_id = ep.performer_id
      WHERE ep.event_id = ${id} ORDER BY ep.billing_order, p.performer_id`,
  ).map(([n]) => n);
  const tiers = sql(
    `SELECT s.name, pt.price_cents, pt.currency FROM price_tiers pt
       JOIN venue_sections s ON s.section_id = pt.section_id WHERE pt.event_id = ${id}`,
  ).map(([section, cents, currency]) => ({ section, priceCents: Number(cents), currency }));
  return { name, description, startsAt, venue, address, city, capacity: Number(capacity), timezone, category, performers, tiers };
}

// The venue-local wall time and UTC offset of an instant, computed independently of the app
// (ICU's time zone data instead of MariaDB's).
function localTime(utcIso, timeZone) {
  const d = new Date(utcIso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: 'short', day: 'numeric', weekday: 'short',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    }).formatToParts(d).map((p) => [p.type, p.value]),
  );
  const monthIndex = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
    .indexOf(parts.month);
  const wall = Date.UTC(Number(parts.year), monthIndex, Number(parts.day), Number(parts.hour),
    Number(parts.minute), Number(parts.second));
  const offset = Math.round((wall - d.getTime()) / 60000);
  const pad = (n) => String(n).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return {
    iso: `${parts.year}-${pad(monthIndex + 1)}-${pad(parts.day)}T${parts.hour}:${parts.minute}:${parts.second}${zone}`,
    date: `${parts.weekday} ${Number(parts.day)} ${parts.month} ${parts.year}`,
    time: `${parts.hour}:${parts.minute}`,
    zone: `${timeZone} (UTC${zone})`,
  };
}

// --- what the page says ------------------------------------------------------------------

function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/\s([a-zA-Z][\w-]*)(?:="([^"]*)")?/g)) out[m[1]] = m[2] === undefined ? '' : decodeHtml(m[2]);
  return out;
}

// Text a screen reader would take from an element's content: aria-hidden parts dropped.
function accessibleText(html) {
  const visible = html.replace(/<(\w+)[^>]*aria-hidden="true"[^>]*>[\s\S]*?<\/\1>/g, '');
  return decodeHtml(visible.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
}

// Every checkbox with its label's accessible name, associated as a browser does: the
// <label for=id>, else the <label> that wraps the checkbox.
function checkboxes(html) {
  const byFor = new Map();
  const byInputAt = new Map();   // offset of the wrapped <input> in html -> its label
  for (const m of html.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label>/g)) {
    const a = attrs(m[1]);
    const label = { name: accessibleText(m[2]), class: a.class ?? '' };
    const contentAt = m.index + m[0].length - '</label>'.length - m[2].length;
    const inner = m[2].search(/<input\b/);
    if (a.for) byFor.set(a.for, label);
    else if (inner >= 0) byInputAt.set(contentAt + inner, label);
  }
  return [...html.matchAll(/<input\b[^>]*>/g)]
    .map((m) => ({ a: attrs(m[0]), at: m.index }))
    .filter(({ a }) => a.type === 'checkbox')
    .map(({ a, at }) => ({ ...a, label: (a.id !== undefined && byFor.get(a.id)) || byInputAt.get(at) }));
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function pageText(html) {
  return decodeHtml(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

function expectedName(seat) {
  const base = `Section ${seat.section}, row ${seat.row}, seat ${seat.seat}, ${money(seat.priceCents, seat.currency)}`;
  const held = { reserved: ' (held)', sold: ' (sold)' }[seat.status] ?? '';
  return base + held;
}

async function eventPage(id) {
  const r = await get(`/events/${id}`);
  assert.equal(r.status, 200, `GET /events/${id}`);
  assert.match(r.contentType, /^text\/html\b/);
  return r.body;
}

// The page once it shows ok(html), or after the staleness bound the last one anyway: a test
// file before this one may have changed and restored tickets less than ~2 s ago.
async function eventuallyPage(id, ok) {
  const start = Date.now();
  for (;;) {
    const html = await eventPage(id);
    if (ok(html) || Date.now() - start > STALE_BOUND_MS) return html;
    await sleep(100);
  }
}

const enabledTicketIds = (html) => checkboxes(html).filter((b) => b.disabled === undefined)
  .map((b) => Number(b.value)).sort((a, b) => a - b);

// --- setup ---------------------------------------------------------------------------------

before(() => {
  eventId = untouchedEventWithSeatsAndStanding();
});

after(() => {
  if (touched.length) {
    sql(`UPDATE tickets SET status = 'available', booking_id = NULL, hold_expires_at = NULL
          WHERE ticket_id IN (${touched.join(',')})`);
  }
  for (const id of inserted.events) {
    sql(`DELETE FROM event_performers WHERE event_id = ${id}`);
    sql(`DELETE FROM price_tiers WHERE event_id = ${id}`);
    sql(`DELETE FROM events WHERE event_id = ${id}`);
  }
  if (inserted.performers.length) sql(`DELETE FROM performers WHERE performer_id IN (${inserted.performers.join(',')})`);
});

// --- tests ----------------------------------------------------------------------------------

test('the page shows the event as MariaDB holds it, in the venue\'s local time with its zone', async () => {
  const db = eventFromDb(eventId);
  const html = await eventPage(eventId);
  const text = pageText(html);
  for (const [what, value] of [['name', db.name], ['description', db.description], ['venue', db.venue],
    ['address', db.address], ['category', db.category]]) {
    assert.ok(text.includes(value), `the ${what} "${value}" is on the page`);
  }
  assert.match(text, new RegExp(`Capacity ${db.capacity}\\b`), 'the venue capacity');
  assert.ok(db.performers.length > 0, 'the demo event has performers');
  for (const p of db.performers) assert.ok(text.includes(p), `performer "${p}" is on the page`);

  const when = localTime(db.startsAt, db.timezone);
  assert.ok(html.includes(`<time datetime="${when.iso}">`), `machine-readable local time ${when.iso}`);
  assert.ok(text.includes(`${when.date}, ${when.time}`), `local date and time "${when.date}, ${when.time}"`);
  assert.ok(text.includes(when.zone), `the zone "${when.zone}"`);

  assert.ok(db.tiers.length >= 2, 'the event has several price tiers');
  const table = pageText(html.match(/<table class="price-tiers">[\s\S]*?<\/table>/)?.[0] ?? '');
  for (const t of db.tiers) {
    assert.match(table, new RegExp(`${escapeRegExp(t.section)}( \\(standing\\))? ${escapeRegExp(money(t.priceCents, t.currency))} `),
      `tier ${t.section} at ${money(t.priceCents, t.currency)}`);
  }
});

test('there is one enabled checkbox per available seat, and every seat has an accessible name', async () => {
  const seats = seatsFromDb(eventId);
  const availableIds = seats.filter((s) => s.status === 'available').map((s) => s.ticketId).sort((a, b) => a - b);
  const html = await eventuallyPage(eventId, (h) => JSON.stringify(enabledTicketIds(h)) === JSON.stringify(availableIds));
  const boxes = checkboxes(html);
  const enabled = boxes.filter((b) => b.disabled === undefined);
  const available = seats.filter((s) => s.status === 'available');
  assert.ok(available.length > 0, 'the event has available seats');
  assert.equal(enabled.length, available.length, 'enabled checkboxes = available seated tickets');
  assert.deepEqual(enabled.map((b) => Number(b.value)).sort((a, b) => a - b),
    available.map((s) => s.ticketId).sort((a, b) => a - b), 'the checkboxes carry the available ticket ids');
  for (const b of enabled) assert.equal(b.name, 'ticketId', `checkbox ${b.value} submits as ticketId`);

  assert.equal(boxes.length, seats.length, 'every seat is shown, available or not');
  const byTicket = new Map(seats.map((s) => [s.ticketId, s]));
  for (const b of boxes) {
    const seat = byTicket.get(Number(b.value));
    assert.ok(seat, `checkbox ${b.value} is a seat of this event`);
    assert.ok(b.label, `checkbox ${b.value} has a <label>`);
    assert.match(b.label.name, /^Section .+, row .+, seat \d+, [€£$]\d+\.\d\d/, 'name pattern');
    assert.equal(b.label.name, expectedName(seat), `accessible name of ticket ${seat.ticketId}`);
  }

  const form = html.match(/<form\b[^>]*>/g)?.find((f) => f.includes('/hold'));
  assert.ok(form, 'the seats are in a form');
  assert.equal(attrs(form).method, 'post');
  assert.equal(attrs(form).action, `/events/${eventId}/hold`);
  assert.match(html, /<button type="submit">Hold selected seats<\/button>/);
  assert.match(html, /<svg class="seatmap-svg"[^>]*role="img"/, 'the SVG seat map is drawn');
  // Each seat's shape is #sm-a / #sm-h / #sm-s (status by shape and colour), with a hover
  // title "row-seat" and the status unless available.
  const drawn = [...html.matchAll(/<use href="#sm-([ahs])" x="-?\d+" y="-?\d+"><title>([^<]*)<\/title><\/use>/g)];
  assert.equal(drawn.length, seats.length, 'the map draws every seat');
  const titles = new Set(drawn.map((m) => `${m[1]} ${decodeHtml(m[2])}`));
  for (const s of available) assert.ok(titles.has(`a ${s.row}-${s.seat}`), `the map shows ${s.row}-${s.seat} available`);
});

test('standing areas get a quantity picker instead of seats', async () => {
  const standing = standingFromDb(eventId);
  assert.ok(standing.length > 0, 'the event has standing areas');
  const html = await eventPage(eventId);
  const inputs = [...html.matchAll(/<input\b[^>]*>/g)].map((m) => attrs(m[0]));
  for (const s of standing) {
    const q = inputs.find((a) => a.name === `standing_${s.sectionId}`);
    assert.ok(q, `a quantity input for ${s.name}`);
    assert.equal(q.type, 'number');
    assert.equal(q.min, '0');
    assert.equal(q.max, String(Math.min(s.available, 8)));
    assert.ok(html.includes(`<label for="${q.id}">`), `the quantity for ${s.name} is labelled`);
  }
  const standingTickets = new Set(sql(
    `SELECT ticket_id FROM tickets WHERE event_id = ${eventId} AND seat_id IS NULL`).map(([id]) => id));
  assert.ok(!checkboxes(html).some((b) => standingTickets.has(b.value)), 'no checkbox for a standing place');
});

test('holds and sales show on the page within the staleness bound; an expired hold is available', async () => {
  const seats = seatsFromDb(eventId).filter((s) => s.status === 'available');
  const [held1, held2, sold1, sold2, expired] = seats.slice(3, 8);
  touched.push(...[held1, held2, sold1, sold2, expired].map((s) => s.ticketId));
  await eventPage(eventId); // make sure the cache holds the old state

  sql(`UPDATE tickets SET status = 'reserved', hold_expires_at = UTC_TIMESTAMP() + INTERVAL 10 MINUTE
        WHERE ticket_id IN (${held1.ticketId}, ${held2.ticketId})`);
  sql(`UPDATE tickets SET status = 'sold' WHERE ticket_id IN (${sold1.ticketId}, ${sold2.ticketId})`);
  sql(`UPDATE tickets SET status = 'reserved', hold_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
        WHERE ticket_id = ${expired.ticketId}`);
  const changedAt = Date.now();

  const want = new Map([[held1, 'held'], [held2, 'held'], [sold1, 'sold'], [sold2, 'sold']]
    .map(([s, st]) => [String(s.ticketId), st]));
  let html;
  let boxes;
  for (;;) {
    html = await eventPage(eventId);
    boxes = new Map(checkboxes(html).map((b) => [b.value, b]));
    const done = [...want].every(([id, st]) => boxes.get(id)?.label?.class === st);
    if (done || Date.now() - changedAt > STALE_BOUND_MS) break;
    await sleep(100);
  }
  const elapsed = Date.now() - changedAt;
  for (const [id, st] of want) {
    const b = boxes.get(id);
    assert.ok(b, `seat ${id} is still shown`);
    assert.equal(b.disabled, '', `seat ${id} is disabled once ${st} (after ${elapsed} ms)`);
    assert.equal(b.name, undefined, `seat ${id} is not submitted`);
    assert.equal(b.label.class, st, `seat ${id} is marked ${st}`);
    assert.ok(b.label.name.endsWith(`(${st})`), `seat ${id}'s name says ${st}: "${b.label.name}"`);
    const s = [held1, held2, sold1, sold2].find((x) => String(x.ticketId) === id);
    assert.match(html, new RegExp(`<use href="#sm-${st[0]}"[^>]*><title>${escapeRegExp(`${s.row}-${s.seat} (${st})`)}</title>`),
      `map shows ${s.row}-${s.seat} ${st}`);
  }
  assert.ok(elapsed <= STALE_BOUND_MS, `the page caught up within ${STALE_BOUND_MS} ms (took ${elapsed} ms)`);
  const e = boxes.get(String(expired.ticketId));
  assert.equal(e.disabled, undefined, 'a hold past its expiry is selectable again');
  assert.equal(e.name, 'ticketId');

  const enabled = checkboxes(html).filter((b) => b.disabled === undefined).length;
  const available = seatsFromDb(eventId).filter((s) => s.status === 'available').length;
  assert.equal(enabled, available, 'enabled checkboxes still equal the available seats');
});

test('drafts, unknown and malformed ids are a friendly 404; a cancelled event says so', async () => {
  const [[draftId]] = sql(`SELECT event_id FROM events WHERE status = 'draft' ORDER BY event_id LIMIT 1`);
  const [[cancelledId]] = sql(`SELECT event_id FROM events WHERE status = 'cancelled' ORDER BY event_id LIMIT 1`);
  const [[maxId]] = sql('SELECT MAX(event_id) FROM events');
  for (const id of [draftId, Number(maxId) + 1000, 'abc', '-1', '0', '99999999999999999999', '4294967296',
    '1.5', '1e3', '0x10', `${eventId}abc`, '%201', '+1']) {
    const r = await get(`/events/${id}`);
    assert.equal(r.status, 404, `/events/${id}`);
    assert.match(r.contentType, /^text\/html\b/);
    assert.match(pageText(r.body), /no such event/i, `/events/${id} explains itself`);
    assert.match(r.body, /href="\/events"/, `/events/${id} leads back to the events`);
  }

  const html = await eventPage(cancelledId);
  const text = pageText(html);
  assert.match(text, /This event has been cancelled/);
  assert.ok(text.includes(sql(`SELECT name FROM events WHERE event_id = ${cancelledId}`)[0][0]), 'its name is shown');
  assert.ok(!/<form\b[^>]*\/hold/.test(html), 'no seat form');
  assert.equal(checkboxes(html).length, 0, 'no seat checkboxes');
  assert.ok(!html.includes('name="standing_'), 'no standing quantity');
});

test('hostile event data is escaped in the page and intact in the JSON', async () => {
  const name = `<script>alert(1)</script> Night ${tag}`;
  const description = `"><img src=x onerror=alert(1)> & <b>bold</b>\nSecond line`;
  const performer = `"><img src=x onerror=alert(1)> ${tag}`;
  const tierName = `<script>alert(2)</script>`;
  const [[template]] = sql(`SELECT event_id FROM events WHERE status = 'published' ORDER BY event_id LIMIT 1`);
  sql(`INSERT INTO events (venue_id, category_id, name, description, search_extra, starts_at, status)
       SELECT venue_id, category_id, ${sqlString(name)}, ${sqlString(description)}, '',
              UTC_TIMESTAMP() + INTERVAL 5 DAY, 'published' FROM events WHERE event_id = ${template}`);
  const id = Number(sql(`SELECT event_id FROM events WHERE name = ${sqlString(name)}`)[0][0]);
  inserted.events.push(id);
  sql(`INSERT INTO performers (name) VALUES (${sqlString(performer)})`);
  const performerId = Number(sql(`SELECT MAX(performer_id) FROM performers WHERE name = ${sqlString(performer)}`)[0][0]);
  inserted.performers.push(performerId);
  sql(`INSERT INTO event_performers (event_id, performer_id, billing_order) VALUES (${id}, ${performerId}, 0)`);
  sql(`INSERT INTO price_tiers (event_id, section_id, name, price_cents, currency)
       SELECT ${id}, section_id, ${sqlString(tierName)}, price_cents, currency
         FROM price_tiers WHERE event_id = ${template} ORDER BY tier_id LIMIT 1`);

  const html = await eventPage(id);
  assert.ok(!html.includes('<script>alert'), 'no raw <script>alert');
  assert.ok(!html.includes('<img src=x'), 'no raw <img src=x');
  assert.ok(!html.includes('<b>bold'), 'no raw <b>');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the name is shown escaped');
  assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'), 'the performer is shown escaped');
  const text = pageText(html);
  for (const v of [name, performer, '& <b>bold</b>']) assert.ok(text.includes(v), `"${v}" reads as typed`);

  const api = await get(`/api/v1/events/${id}`);
  assert.equal(api.status, 200);
  const doc = api.json();
  assert.equal(doc.name, name);
  assert.equal(doc.description, description);
  assert.deepEqual(doc.performers, [performer]);
  assert.equal(doc.priceTiers[0]?.name, tierName);
});
