// Helpers for the booking storm (40_booking_storm.test.mjs): a dedicated event with a ticket
// for every seat and standing place of a demo venue, a keep-alive booking client, the storm
// itself (many concurrent buyers overlapping on a hot set of seats), and the booking
// invariants of docs/design.md ("Data") written as SQL.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { BASE_URL, CONFIG, DB_SOCKET, get, sql, sqlString, waitFor, workerPids, masterPid, sleep } from './lib.mjs';

// ------------------------------------------------------------------------------------------
// the fixture

// A published event 30 days ahead on the demo venue `venueName`, with a price tier per
// section and one ticket per seat (in hall order, so ticket ids follow the rows) and per
// standing place. Returns its ids; nothing else in the database is touched.
export function createEvent(venueName, name) {
  const [[eventId]] = sql(`
    SET @venue = (SELECT venue_id FROM venues WHERE name = ${sqlString(venueName)});
    INSERT INTO events (venue_id, category_id, name, description, search_extra, starts_at,
                        ends_at, status, currency)
    SELECT venue_id, category_id, ${sqlString(name)},
           'A dedicated event for the booking storm test.', '',
           UTC_TIMESTAMP() + INTERVAL 30 DAY, UTC_TIMESTAMP() + INTERVAL 30 DAY + INTERVAL 2 HOUR,
           'published', currency
      FROM events WHERE venue_id = @venue ORDER BY event_id LIMIT 1;
    SET @event = LAST_INSERT_ID();
    INSERT INTO price_tiers (event_id, section_id, name, price_cents, currency)
    SELECT @event, s.section_id, s.name, 1500 + 500 * s.sort_order, e.currency
      FROM venue_sections s JOIN events e ON e.event_id = @event
     WHERE s.venue_id = @venue;
    INSERT INTO tickets (event_id, section_id, seat_id, tier_id, seat_label, price_cents)
    SELECT pt.event_id, s.section_id, vs.seat_id, pt.tier_id,
           CONCAT(s.name, ' ', vs.row_label, '-', vs.seat_number), pt.price_cents
      FROM price_tiers pt
      JOIN venue_sections s ON s.section_id = pt.section_id AND s.kind = 'seated'
      JOIN venue_seats vs ON vs.section_id = s.section_id
     WHERE pt.event_id = @event
     ORDER BY s.sort_order, vs.seat_id;
    INSERT INTO tickets (event_id, section_id, seat_id, tier_id, seat_label, price_cents)
    SELECT pt.event_id, s.section_id, NULL, pt.tier_id, s.name, pt.price_cents
      FROM price_tiers pt
      JOIN venue_sections s ON s.section_id = pt.section_id AND s.kind = 'standing'
      JOIN seq_1_to_100000 place ON place.seq <= s.capacity
     WHERE pt.event_id = @event;
    SELECT @event;`);
  const id = Number(eventId);
  const seatIds = sql(`SELECT ticket_id FROM tickets WHERE event_id = ${id} AND seat_id IS NOT NULL
                        ORDER BY ticket_id`).map(([t]) => Number(t));
  const standing = sql(`SELECT section_id, COUNT(*) FROM tickets WHERE event_id = ${id}
                          AND seat_id IS NULL GROUP BY section_id`)
    .map(([s, n]) => ({ sectionId: Number(s), capacity: Number(n) }));
  const standingIds = new Set(sql(`SELECT ticket_id FROM tickets WHERE event_id = ${id}
                                     AND seat_id IS NULL`).map(([t]) => Number(t)));
  const [[capacity]] = sql(`SELECT COUNT(*) FROM tickets WHERE event_id = ${id}`);
  return { eventId: id, seatIds, standing, standingIds, capacity: Number(capacity) };
}

// Take the event off sale once a test is done with it, so later files and the browser test
// see the demo catalogue as it was. Its rows stay for inspection, but for the messages still
// queued for it: the cancellation's trigger writes one for every confirmed booking with a
// contact, and the notifier would spend the files that follow mailing the storms' buyers.
// Both in one transaction, so no sender ever sees those rows.
export function retireEvent(eventId) {
  sql(`BEGIN;
       UPDATE events SET status = 'cancelled', version = version + 1 WHERE event_id = ${eventId};
       DELETE FROM outbox WHERE state = 'queued'
          AND (event_id = ${eventId} OR booking_id IN (SELECT booking_id FROM bookings WHERE event_id = ${eventId}));
       COMMIT`);
}

// ------------------------------------------------------------------------------------------
// the booking client

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const url = new URL(BASE_URL);
const CLIENT_TIMEOUT_MS = 90_000; // above 5 hold tries x the 5 s lock wait, under ASan

// POST /api/v1/bookings over a kept-alive connection. Never throws: a socket error or a
// timeout comes back as status 0 with `error` set.
export function postBooking(body, headers = {}) {
  const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/api/v1/bookings',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
        timeout: CLIENT_TIMEOUT_MS,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {
            // an nginx error page, kept as text
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
        res.on('error', (e) => resolve({ status: 0, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (e) => resolve({ status: 0, error: e.message }));
    req.end(payload);
  });
}

export function closeClient() {
  agent.destroy();
}

export const VISA = { provider: 'test', paymentMethod: 'pm_card_visa' };
export const DECLINED = { provider: 'test', paymentMethod: 'pm_card_chargeDeclined' };

// ------------------------------------------------------------------------------------------
// the storm

// mulberry32: a small seeded generator, so a run's requests can be replayed.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The attempts of one storm, decided up front. Every attempt carries a unique buyerName
// (`<tag>-<n>`), which is how the database rows are matched to what the client saw.
// Seat buyers take 1-4 distinct seats, each from the hot set (the first `hotSeats` seats, at
// most a third of the hall) with probability `hotShare`;
// one in 20 also asks for a standing place; standing buyers ask for 1-3 places.
// A share of the buyers (`emailShare`, `phoneShare`) give an address (`<tag>-<n>@…`, unique
// per attempt) and a number (unique per attempt among storms of different seeds), so their
// bookings' messages can be counted; these are drawn from a generator of their own, so the
// seats a seed plans stay the same.
export function planAttempts(fx, { tag, seatAttempts, standingAttempts, hotSeats = 60,
                                   hotShare = 0.7, declineShare = 0.1, seed = 1,
                                   emailShare = 0, phoneShare = 0 }) {
  const random = rng(seed);
  const contacts = rng(seed ^ 0x5eed);
  const nhot = Math.min(hotSeats, Math.floor(fx.seatIds.length / 3));
  const hot = fx.seatIds.slice(0, nhot);
  const tail = fx.seatIds.slice(nhot);
  const section = fx.standing[0].sectionId;
  const pick = (list) => list[Math.floor(random() * list.length)];
  const attempts = [];
  const add = (ticketIds, standing) => {
    const n = attempts.length;
    const body = { eventId: fx.eventId, ticketIds, paymentInfo: random() < declineShare ? DECLINED : VISA,
                   buyerName: `${tag}-${n}` };
    if (standing) body.standing = standing;
    if (contacts() < emailShare) body.buyerEmail = stormEmail(body.buyerName);
    if (contacts() < phoneShare) body.buyerPhone = `+3538${String(seed % 100).padStart(2, '0')}${String(n).padStart(7, '0')}`;
    attempts.push({ n, tag: body.buyerName, body, declined: body.paymentInfo === DECLINED });
  };
  for (let i = 0; i < seatAttempts; i++) {
    const want = 1 + Math.floor(random() * 4);
    const seats = new Set();
    while (seats.size < want) seats.add(random() < hotShare ? pick(hot) : pick(tail));
    add([...seats], random() < 0.05 ? [{ sectionId: section, quantity: 1 }] : undefined);
  }
  const standing = [];
  for (let i = 0; i < standingAttempts; i++) standing.push(1 + Math.floor(random() * 3));
  for (const quantity of standing) add([], [{ sectionId: section, quantity }]);
  // Interleave standing and seat attempts so both run throughout the storm.
  for (let i = attempts.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [attempts[i], attempts[j]] = [attempts[j], attempts[i]];
  }
  return attempts;
}

// The address of a storm's buyer `tag` (lowercase: addresses come back as typed).
export const stormEmail = (tag) => `${tag.toLowerCase()}@storm.example.com`;

// Several storms' attempts as one, interleaved (each list keeps its own order).
export function interleave(lists, seed = 1) {
  const random = rng(seed);
  const cursors = lists.map(() => 0);
  const out = [];
  for (;;) {
    const open = lists.map((l, i) => i).filter((i) => cursors[i] < lists[i].length);
    if (open.length === 0) return out;
    const i = open[Math.floor(random() * open.length)];
    out.push(lists[i][cursors[i]++]);
  }
}

// Run `attempts` through `clients` concurrent loops; each attempt gets .status, .json,
// .retryAfter, .error, .ms. `during` (optional) runs beside the storm and is stopped at its
// end through the AbortSignal it gets.
export async function runStorm(attempts, { clients, during } = {}) {
  let next = 0;
  const started = Date.now();
  const stop = new AbortController();
  const side = during ? during(stop.signal) : null;
  const loop = async () => {
    while (next < attempts.length) {
      const a = attempts[next++];
      const t0 = performance.now();
      const r = await postBooking(a.body);
      a.ms = performance.now() - t0;
      a.status = r.status;
      a.json = r.json;
      a.text = r.text;
      a.error = r.error;
      a.retryAfter = r.headers?.['retry-after'];
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  stop.abort();
  const sideResult = side ? await side : undefined;
  return { seconds: (Date.now() - started) / 1000, side: sideResult };
}

// Run fn with the pool at `n` workers (Server.Workers rewritten, the master reloaded with
// SIGHUP), then put the configuration back. More workers than the stack's 4 means more
// booking transactions contending in MariaDB at once.
export async function withWorkers(n, fn) {
  const original = readFileSync(CONFIG, 'utf8');
  const resize = async (text) => {
    writeFileSync(CONFIG, text);
    const want = Number(text.match(/^\s*Workers\s*=\s*(\d+)/m)[1]);
    const master = masterPid();
    process.kill(master, 'SIGHUP');
    let stable = 0;
    // old workers finish their request and go; settled once the count holds for a while
    await waitFor(() => (workerPids(master).length === want ? ++stable >= 5 : (stable = 0)),
                  { what: `${want} workers after a reload`, intervalMs: 100 });
  };
  await resize(original.replace(/^(\s*Workers\s*=\s*)\d+/m, `$1${n}`));
  try {
    return await fn();
  } finally {
    await resize(original);
  }
}

// Seconds since process `pid` started, from /proc.
function processAge(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return uptime - startTicks / 100; // USER_HZ is 100 on Linux
}

// A `during` for runStorm: every `everyMs`, SIGKILL a random worker of `master`. Only workers
// older than `minAgeSeconds` are chosen: the master counts a worker that dies within 2 s of
// its start as crash-looping and backs off respawning its slot, which would starve the pool
// rather than test it. Resolves to the number of workers killed.
export function workerKiller(master, { everyMs = 300, minAgeSeconds = 2.2 } = {}) {
  return async (signal) => {
    let kills = 0;
    while (!signal.aborted) {
      await sleep(everyMs);
      if (signal.aborted) break;
      const old = workerPids(master).filter((pid) => {
        try {
          return processAge(pid) > minAgeSeconds;
        } catch {
          return false; // gone meanwhile
        }
      });
      if (old.length === 0) continue;
      try {
        process.kill(old[Math.floor(Math.random() * old.length)], 'SIGKILL');
        kills++;
      } catch {
        // it exited by itself meanwhile
      }
    }
    return kills;
  };
}

export function countStatuses(attempts) {
  const counts = {};
  for (const a of attempts) {
    const key = a.status === 409 ? `409 ${a.json?.error?.code}` : String(a.status || `error(${a.error})`);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

// A second MariaDB session kept open: say(statements) runs them and waits for their output;
// end() closes the session (rolling back whatever transaction it left open).
export async function session() {
  const child = spawn(
    'mariadb',
    ['--no-defaults', `--socket=${DB_SOCKET}`, '-uroot', '-N', '-B', '--unbuffered', 'boxoffice'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  let said = 0;
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    async say(statements) {
      const marker = `done-${++said}`;
      child.stdin.write(`${statements};\nSELECT '${marker}';\n`);
      await waitFor(() => out.includes(marker) || /ERROR/.test(out), { what: statements });
      if (/ERROR/.test(out)) throw new Error(`SQL failed: ${statements}\n${out}`);
      return out;
    },
    async end(statements = '') {
      child.stdin.end(statements ? `${statements};\n` : '');
      await exited;
    },
  };
}

// Row locks on tickets `ids`, as a concurrent transaction would hold them, until release().
export async function lockTickets(ids) {
  const s = await session();
  await s.say(`BEGIN; SELECT COUNT(*) FROM tickets WHERE ticket_id IN (${ids.join(',')}) FOR UPDATE`);
  return { release: () => s.end('COMMIT') };
}

// A slow payment gateway, for the bookings of buyers whose name contains `marker`: a trigger
// makes the UPDATE that records their charge as succeeded — the first statement of the
// confirm transaction, before it locks the booking or its tickets — wait on a named lock
// that a second session holds until release(). So the buyer is held up after the hold and
// the charge, before the confirm, as by a gateway that answers late. Nobody else's payment
// is touched; the trigger is dropped on release.
export async function parkPayments(marker) {
  const name = `storm_park_${process.pid}`;
  const s = await session();
  const got = await s.say(`SELECT CONCAT('lock=', GET_LOCK('${name}', 0))`);
  if (!got.includes('lock=1')) throw new Error(`GET_LOCK failed: ${got}`);
  sql(`CREATE TRIGGER ${name} BEFORE UPDATE ON payments FOR EACH ROW
       SET @parked = IF(NEW.status = 'succeeded' AND
                        (SELECT buyer_name FROM bookings WHERE booking_id = NEW.booking_id)
                        LIKE ${sqlString(`%${marker}%`)},
                        GET_LOCK('${name}', 60) + RELEASE_LOCK('${name}'), 0)`);
  return {
    async release() {
      await s.end(`DO RELEASE_LOCK('${name}')`);
      sql(`DROP TRIGGER IF EXISTS ${name}`);
    },
  };
}

// ------------------------------------------------------------------------------------------
// the sweep

// What time would do: every pending hold of the event is past its expiry; then
// `boxoffice sweep --grace 0` releases them. Returns the sweep's output line.
export function expireAndSweep(eventId) {
  sql(`UPDATE bookings SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
        WHERE event_id = ${eventId} AND payment_status = 'pending';
       UPDATE tickets SET hold_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
        WHERE event_id = ${eventId} AND status = 'reserved'`);
  return sweep();
}

export function sweep() {
  const bin = process.env.BOXOFFICE_BIN;
  if (!bin) throw new Error('BOXOFFICE_BIN is not set: source the stack env');
  const r = spawnSync(bin, ['--config', CONFIG, 'sweep', '--grace', '0'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`boxoffice sweep failed (${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}

// ------------------------------------------------------------------------------------------
// the invariants, as SQL: each query lists the rows that break one rule (none is a pass)

export function invariantViolations(eventId, capacity) {
  const E = Number(eventId);
  const checks = {
    // sold + reserved + available = capacity, and no ticket appeared or vanished
    'ticket count is the capacity': `
      SELECT COUNT(*), SUM(status = 'sold'), SUM(status = 'reserved'), SUM(status = 'available')
        FROM tickets WHERE event_id = ${E}
      HAVING COUNT(*) <> ${capacity}
          OR SUM(status = 'sold') + SUM(status = 'reserved') + SUM(status = 'available') <> ${capacity}`,
    // no ticket is in two live bookings: issued once at most among pending/confirmed ones...
    'ticket issued in two live bookings': `
      SELECT bi.ticket_id, GROUP_CONCAT(bi.booking_id)
        FROM booking_items bi JOIN bookings b ON b.booking_id = bi.booking_id
       WHERE bi.event_id = ${E} AND b.payment_status IN ('pending', 'confirmed')
       GROUP BY bi.ticket_id HAVING COUNT(*) > 1`,
    // ...and a ticket issued to one booking is not held or owned by another
    'issued ticket held by another booking': `
      SELECT bi.ticket_id, bi.booking_id, t.booking_id, t.status
        FROM booking_items bi JOIN tickets t ON t.ticket_id = bi.ticket_id
       WHERE bi.event_id = ${E} AND NOT (t.booking_id <=> bi.booking_id)`,
    // every sold ticket belongs to exactly one confirmed booking, with exactly one item
    'sold ticket without exactly one confirmed booking': `
      SELECT t.ticket_id, t.booking_id, b.payment_status,
             (SELECT COUNT(*) FROM booking_items bi WHERE bi.ticket_id = t.ticket_id) AS items,
             (SELECT COUNT(*) FROM booking_items bi WHERE bi.ticket_id = t.ticket_id
                                                     AND bi.booking_id = t.booking_id) AS own
        FROM tickets t LEFT JOIN bookings b ON b.booking_id = t.booking_id
       WHERE t.event_id = ${E} AND t.status = 'sold'
      HAVING payment_status IS NULL OR payment_status <> 'confirmed' OR items <> 1 OR own <> 1`,
    // every issued e-ticket is of a confirmed booking and its ticket is sold
    'item of an unconfirmed booking or unsold ticket': `
      SELECT bi.item_id, bi.booking_id, b.payment_status, t.status
        FROM booking_items bi JOIN bookings b ON b.booking_id = bi.booking_id
        JOIN tickets t ON t.ticket_id = bi.ticket_id
       WHERE bi.event_id = ${E} AND (b.payment_status <> 'confirmed' OR t.status <> 'sold')`,
    // a reserved ticket is held by a pending booking, with an expiry
    'reserved ticket without a pending hold': `
      SELECT t.ticket_id, t.booking_id, b.payment_status, t.hold_expires_at
        FROM tickets t LEFT JOIN bookings b ON b.booking_id = t.booking_id
       WHERE t.event_id = ${E} AND t.status = 'reserved'
         AND (b.payment_status IS NULL OR b.payment_status <> 'pending' OR t.hold_expires_at IS NULL)`,
    'available ticket that names a booking': `
      SELECT ticket_id, booking_id, hold_expires_at FROM tickets
       WHERE event_id = ${E} AND status = 'available'
         AND (booking_id IS NOT NULL OR hold_expires_at IS NOT NULL)`,
    // a confirmed booking: at least one item, its total is what its items cost, every item's
    // ticket still names it, and a payment succeeded
    'confirmed booking inconsistent': `
      SELECT b.booking_id, b.total_price_cents,
             (SELECT COALESCE(SUM(price_cents), 0) FROM booking_items bi WHERE bi.booking_id = b.booking_id) AS paid_items,
             (SELECT COUNT(*) FROM booking_items bi WHERE bi.booking_id = b.booking_id) AS items,
             (SELECT COUNT(*) FROM tickets t WHERE t.booking_id = b.booking_id) AS tickets,
             (SELECT COUNT(*) FROM payments p WHERE p.booking_id = b.booking_id AND p.status = 'succeeded') AS payments
        FROM bookings b
       WHERE b.event_id = ${E} AND b.payment_status = 'confirmed'
      HAVING items = 0 OR paid_items <> total_price_cents OR tickets <> items OR payments <> 1`,
    // a booking that ended (failed, expired, ...) holds nothing and issued nothing
    'ended booking still holds tickets': `
      SELECT b.booking_id, b.payment_status,
             (SELECT COUNT(*) FROM tickets t WHERE t.booking_id = b.booking_id) AS tickets,
             (SELECT COUNT(*) FROM booking_items bi WHERE bi.booking_id = b.booking_id) AS items
        FROM bookings b
       WHERE b.event_id = ${E} AND b.payment_status NOT IN ('pending', 'confirmed')
      HAVING tickets > 0 OR items > 0`,
    // a declined payment never confirmed anything
    'declined payment on a confirmed booking': `
      SELECT p.payment_id, p.booking_id FROM payments p JOIN bookings b ON b.booking_id = p.booking_id
       WHERE p.event_id = ${E} AND p.status = 'declined' AND b.payment_status = 'confirmed'`,
  };
  return runChecks(checks);
}

// The outbox of the event's bookings (docs/design.md, "The outbox"): each fact of a booking
// with a contact wrote its message, exactly once, in its own transaction, and nothing else
// did. The facts a storm has: a sale (booking_confirmed, by mail and by SMS), a declined
// payment that gave the seats back (payment_failed), a hold that ran out (hold_expired, also
// a hosted checkout that lapsed), a refund (refund_issued, or late_payment_refunded for a
// payment that lost its seats).
const STORM_KINDS = ['booking_confirmed', 'payment_failed', 'hold_expired', 'refund_issued', 'late_payment_refunded'];
const HOLD_LOST = 'hold lost before payment completed'; // REFUND_REASON_HOLD_LOST, db_payments.h

export function outboxViolations(eventId) {
  const E = Number(eventId);
  const perBooking = `
      SELECT b.booking_id, b.payment_status, b.late_payment,
             COALESCE(b.buyer_email, '') <> '' AS mail, COALESCE(b.buyer_phone, '') <> '' AS sms,
             SUM(o.kind <=> 'booking_confirmed' AND o.channel <=> 'email') AS confirmed_mails,
             SUM(o.kind <=> 'booking_confirmed' AND o.channel <=> 'sms') AS confirmed_texts,
             SUM(o.kind <=> 'payment_failed') AS failed,
             SUM(o.kind <=> 'hold_expired') AS expired,
             EXISTS (SELECT 1 FROM payments p WHERE p.booking_id = b.booking_id
                                                AND p.status = 'declined') AS declined,
             EXISTS (SELECT 1 FROM payments p WHERE p.booking_id = b.booking_id
                                                AND p.failure = 'the checkout expired unpaid') AS lapsed
        FROM bookings b LEFT JOIN outbox o ON o.booking_id = b.booking_id
       WHERE b.event_id = ${E} GROUP BY b.booking_id`;
  const checks = {
    // every message names a booking that exists, of the event it says
    'outbox row without its booking': `
      SELECT o.outbox_id, o.kind, o.booking_id, o.event_id, b.event_id
        FROM outbox o LEFT JOIN bookings b ON b.booking_id = o.booking_id
       WHERE (o.event_id = ${E} OR b.event_id = ${E})
         AND (b.booking_id IS NULL OR NOT (o.event_id <=> b.event_id))`,
    // to the buyer's address or number as the booking has it, never to anyone else
    'outbox row not to the booking\'s contact': `
      SELECT o.outbox_id, o.kind, o.channel, o.recipient, b.buyer_email, b.buyer_phone
        FROM outbox o JOIN bookings b ON b.booking_id = o.booking_id
       WHERE b.event_id = ${E} AND o.kind <> 'ticket_issued'
         AND NOT (o.recipient <=> IF(o.channel = 'email', b.buyer_email, b.buyer_phone))`,
    'outbox row of a kind no storm fact writes': `
      SELECT o.outbox_id, o.kind, o.channel, o.booking_id
        FROM outbox o JOIN bookings b ON b.booking_id = o.booking_id
       WHERE b.event_id = ${E}
         AND (o.kind NOT IN (${STORM_KINDS.map((k) => `'${k}'`).join(', ')})
              OR (o.channel = 'sms' AND o.kind <> 'booking_confirmed'))`,
    // a refund that went through is told once, as the kind its reason says; nothing else is
    'refund message not exactly once per refund that succeeded': `
      SELECT r.refund_id, r.booking_id, r.status, r.reason, b.buyer_email,
             (SELECT GROUP_CONCAT(o.kind) FROM outbox o
               WHERE o.booking_id = r.booking_id AND o.ref_id = r.refund_id) AS told
        FROM refunds r JOIN bookings b ON b.booking_id = r.booking_id
       WHERE b.event_id = ${E}
      HAVING NOT (told <=> IF(r.status = 'succeeded' AND COALESCE(b.buyer_email, '') <> '',
                              IF(r.reason <=> '${HOLD_LOST}', 'late_payment_refunded', 'refund_issued'), NULL))`,
    'refund message without a refund': `
      SELECT o.outbox_id, o.kind, o.booking_id, o.ref_id
        FROM outbox o JOIN bookings b ON b.booking_id = o.booking_id
       WHERE b.event_id = ${E} AND o.kind IN ('refund_issued', 'late_payment_refunded')
         AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.refund_id = o.ref_id
                                                   AND r.booking_id = o.booking_id)`,
  };
  // The facts of each booking, their messages counted: one query, each row naming the rules
  // it breaks.
  const rules = {
    // exactly one confirmation per confirmed booking with a contact, none for any other
    'confirmation not exactly once per confirmed booking with a contact':
      `confirmed_mails <> (payment_status = 'confirmed' AND mail)
       OR confirmed_texts <> (payment_status = 'confirmed' AND sms)`,
    // one payment_failed per booking a decline released, none for any other
    'payment_failed not exactly once per declined booking with an address':
      `failed <> (payment_status = 'failed' AND declined AND mail)`,
    // one hold_expired per hold that ran out (the sweep's, or a hosted checkout's lapse); a
    // late payment may have confirmed such a booking after it was written
    'hold_expired not exactly once per expired booking with an address':
      `NOT (expired = (mail AND (payment_status = 'expired' OR (payment_status = 'failed' AND lapsed)))
            OR (payment_status = 'confirmed' AND late_payment = 1 AND expired <= mail))`,
  };
  const names = Object.keys(rules);
  const broken = sql(`SELECT CONCAT_WS(',', ${names.map((n, i) => `IF(${rules[n]}, ${i}, NULL)`).join(', ')}) AS broken, x.*
                        FROM (${perBooking}) x HAVING broken <> ''`);
  const violations = runChecks(checks);
  names.forEach((name, i) => {
    const rows = broken.filter(([which]) => which.split(',').includes(String(i))).map((r) => r.slice(1));
    if (rows.length) violations.push({ name, rows: rows.slice(0, 10), count: rows.length });
  });
  return violations;
}

function runChecks(checks) {
  const violations = [];
  for (const [name, query] of Object.entries(checks)) {
    const rows = sql(query);
    if (rows.length) violations.push({ name, rows: rows.slice(0, 10), count: rows.length });
  }
  return violations;
}

// A ticket code's fields (app/core/ticket_code.h): the 47 Crockford base32 characters back
// to 29 bytes — version and key id, event, booking and ticket ids, MAC. Null for anything
// that is not a canonical code. (The MAC is the server's to check: GET /tickets/{code}.)
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function ticketCodeFields(code) {
  if (typeof code !== 'string' || !/^[0-9A-HJKMNP-TV-Z]{47}$/.test(code)) return null;
  let bits = 0n;
  for (const c of code) bits = (bits << 5n) | BigInt(CROCKFORD.indexOf(c));
  if (bits & 7n) return null; // the last character's 3 spare bits are zero
  bits >>= 3n;
  const bytes = new Array(29);
  for (let i = 28; i >= 0; i--, bits >>= 8n) bytes[i] = Number(bits & 0xffn);
  const int = (from, n) => bytes.slice(from, from + n).reduce((v, b) => v * 256 + b, 0);
  return { version: bytes[0] >> 4, keyId: bytes[0] & 15, eventId: int(1, 4), bookingId: int(5, 6),
           ticketId: int(11, 6) };
}

// The e-tickets of the event: every item of a confirmed booking has a code of its own that
// decodes to that very event, booking and ticket. Returns the items ({bookingId, ticketId,
// code, bookingCode}) and the problems found.
export function ticketCodeProblems(eventId) {
  const items = sql(`SELECT bi.booking_id, bi.ticket_id, bi.ticket_code, b.booking_code, b.payment_status
                       FROM booking_items bi JOIN bookings b ON b.booking_id = bi.booking_id
                      WHERE bi.event_id = ${Number(eventId)} ORDER BY bi.item_id`)
    .map(([booking, ticket, code, bookingCode, status]) => ({
      bookingId: Number(booking), ticketId: Number(ticket), code, bookingCode, status }));
  const problems = [];
  const seen = new Map();
  for (const it of items) {
    const say = (what) => problems.push(`booking ${it.bookingId} ticket ${it.ticketId} code ${it.code}: ${what}`);
    if (it.status !== 'confirmed') say(`an e-ticket of a ${it.status} booking`);
    if (seen.has(it.code)) say(`the same code as booking ${seen.get(it.code)}`);
    seen.set(it.code, it.bookingId);
    const f = ticketCodeFields(it.code);
    if (!f) { say('not a ticket code'); continue; }
    if (f.version !== 1) say(`format version ${f.version}`);
    if (f.eventId !== Number(eventId) || f.bookingId !== it.bookingId || f.ticketId !== it.ticketId) {
      say(`names event ${f.eventId}, booking ${f.bookingId}, ticket ${f.ticketId}`);
    }
  }
  return { items, problems };
}

// GET /tickets/{code} for `items` (a few at a time): each is the printable ticket of its
// booking, which the server shows only for a code its keys signed that is on record for that
// booking and ticket. And `items[0]`'s code with one character changed is no ticket at all.
export async function ticketPageProblems(items, { concurrency = 8 } = {}) {
  const problems = [];
  let next = 0;
  const check = async () => {
    while (next < items.length) {
      const it = items[next++];
      const r = await get(`/tickets/${it.code}`);
      if (r.status !== 200) problems.push(`/tickets/${it.code} (booking ${it.bookingId}): ${r.status}`);
      else if (!r.body.includes(it.bookingCode)) problems.push(`/tickets/${it.code}: no booking code ${it.bookingCode}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, check));
  if (items.length) {
    const code = items[0].code;
    const i = 10; // bits 50-54: inside the booking id
    const forged = code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
    const r = await get(`/tickets/${forged}`);
    if (r.status !== 404) problems.push(`a code with one character changed (${forged}): ${r.status}, not 404`);
  }
  return problems;
}

// Both storms' check of the messages and the e-tickets: the outbox invariants (unless
// `outbox` is false: checked already), every code of the event, and the pages of `sample`
// codes picked by `seed`. Returns the problems found (empty is a pass) and the e-tickets.
export async function messageAndTicketProblems(eventId, { sample = 12, seed = 1, outbox = true } = {}) {
  const problems = (outbox ? outboxViolations(eventId) : []).map((v) => `${v.name} (${v.count}): ${JSON.stringify(v.rows)}`);
  const { items, problems: codes } = ticketCodeProblems(eventId);
  problems.push(...codes);
  const random = rng(seed);
  const picked = [...items];
  for (let i = 0; i < Math.min(sample, picked.length); i++) {
    const j = i + Math.floor(random() * (picked.length - i));
    [picked[i], picked[j]] = [picked[j], picked[i]];
  }
  problems.push(...await ticketPageProblems(picked.slice(0, sample)));
  return { problems, items };
}

// The event's messages are all delivered, or given up with a reason; resolves to the rows
// by state. The notifier drains in the background, so this is a bounded wait.
export async function outboxDrained(eventId, { timeoutMs = 120_000 } = {}) {
  const rows = () => sql(`SELECT o.state, COUNT(*), SUM(o.state = 'failed' AND COALESCE(o.last_error, '') = '')
                            FROM outbox o JOIN bookings b ON b.booking_id = o.booking_id
                           WHERE b.event_id = ${Number(eventId)} GROUP BY o.state`);
  await waitFor(() => rows().every(([state]) => state !== 'queued'),
                { what: `the notifier to drain the outbox of event ${eventId}`, timeoutMs, intervalMs: 500 });
  return Object.fromEntries(rows().map(([state, n, silent]) => [state, { n: Number(n), silent: Number(silent) }]));
}

export function ticketCounts(eventId) {
  const [[total, sold, reserved, available]] = sql(
    `SELECT COUNT(*), SUM(status = 'sold'), SUM(status = 'reserved'), SUM(status = 'available')
       FROM tickets WHERE event_id = ${eventId}`);
  return { total: Number(total), sold: Number(sold), reserved: Number(reserved), available: Number(available) };
}

// The event's bookings, with their tickets, items and payments, keyed by buyerName.
export function bookingsByTag(eventId) {
  const byId = new Map();
  for (const [id, tag, status, total, email, phone] of sql(
    `SELECT booking_id, buyer_name, payment_status, total_price_cents, buyer_email, buyer_phone
       FROM bookings WHERE event_id = ${eventId}`)) {
    byId.set(Number(id), { id: Number(id), tag, status, total: Number(total), email, phone,
                           tickets: [], items: [], payments: [] });
  }
  for (const [booking, ticket] of sql(
    `SELECT booking_id, ticket_id FROM tickets WHERE event_id = ${eventId} AND booking_id IS NOT NULL`)) {
    byId.get(Number(booking))?.tickets.push(Number(ticket));
  }
  for (const [booking, ticket] of sql(
    `SELECT booking_id, ticket_id FROM booking_items WHERE event_id = ${eventId}`)) {
    byId.get(Number(booking))?.items.push(Number(ticket));
  }
  for (const [booking, status] of sql(
    `SELECT booking_id, status FROM payments WHERE event_id = ${eventId}`)) {
    byId.get(Number(booking))?.payments.push(status);
  }
  const byTag = new Map();
  for (const b of byId.values()) {
    if (!byTag.has(b.tag)) byTag.set(b.tag, []);
    byTag.get(b.tag).push(b);
  }
  return byTag;
}

const sorted = (list) => [...list].sort((x, y) => x - y);
const sameSet = (x, y) => JSON.stringify(sorted(x)) === JSON.stringify(sorted(y));

// Check every attempt's response against the database. `killed` allows 502 answers (a
// worker killed mid-request): such an attempt may have left anything consistent. Before the
// sweep (`swept` false) only a 503 or a 502 may have left a hold pending; after it, nothing.
// Returns a list of human-readable problems (empty is a pass).
export function responseViolations(fx, attempts, byTag, { killed = false, swept = true } = {}) {
  const problems = [];
  const seen = new Set();
  for (const a of attempts) {
    const rows = byTag.get(a.tag) ?? [];
    seen.add(a.tag);
    const say = (what) => problems.push(`${a.tag} (${a.status}${a.error ? ' ' + a.error : ''}): ${what}` +
                                        ` | request ${JSON.stringify(a.body.ticketIds)} ${JSON.stringify(a.body.standing ?? [])}` +
                                        ` | response ${(a.text ?? '').slice(0, 200)}` +
                                        ` | db ${JSON.stringify(rows)}`);
    if (rows.length > 1) say('more than one booking for one attempt');
    const b = rows[0];
    if (b && (b.email !== (a.body.buyerEmail ?? null) || b.phone !== (a.body.buyerPhone ?? null))) {
      say(`the booking's contact is ${b.email} ${b.phone}, not what the buyer gave`);
    }
    const wantStanding = (a.body.standing ?? []).reduce((n, s) => n + s.quantity, 0);
    switch (a.status) {
      case 201: {
        const ids = a.json?.ticketIds ?? [];
        if (!b) { say('201 but no booking in the database'); break; }
        if (b.id !== a.json.bookingId) say('201 names another booking id');
        if (b.status !== 'confirmed') say(`201 but the booking is ${b.status}`);
        if (a.json.paymentStatus !== 'confirmed') say('201 without paymentStatus confirmed');
        if (!sameSet(ids, b.items)) say('201 ticket ids differ from the issued items');
        if (!sameSet(ids, b.tickets)) say('201 ticket ids differ from the tickets the booking owns');
        if (b.total !== a.json.totalPriceCents) say('201 total differs from the database');
        const seats = ids.filter((t) => a.body.ticketIds.includes(t));
        if (!sameSet(seats, a.body.ticketIds)) say('201 without every requested seat');
        if (!ids.every((t) => a.body.ticketIds.includes(t) || fx.standingIds.has(t))) {
          say('201 with a ticket that is neither a requested seat nor a standing place');
        }
        if (ids.length !== a.body.ticketIds.length + wantStanding) say('201 with the wrong number of tickets');
        break;
      }
      case 409: {
        if (a.json?.error?.code !== 'tickets_unavailable') { say(`409 ${a.json?.error?.code}`); break; }
        if (b) say('409 left a booking behind');
        const gone = a.json.error.unavailableTicketIds ?? [];
        if (!gone.every((t) => a.body.ticketIds.includes(t))) say('409 names a ticket that was not asked for');
        if (a.body.ticketIds.length > 0 && gone.length === 0 && wantStanding === 0) say('409 names no ticket');
        break;
      }
      case 402:
        if (!a.declined) say('402 for a card that pays');
        else if (!b) say('402 but no failed booking recorded');
        else {
          if (b.status !== 'failed') say(`402 but the booking is ${b.status}`);
          if (b.tickets.length || b.items.length) say('402 but the booking still holds tickets');
          if (!b.payments.includes('declined')) say('402 without a declined payment');
        }
        break;
      case 503:
        if (!a.retryAfter) say('503 without Retry-After');
        if (b && b.status === 'confirmed') say('503 but the booking was confirmed');
        break;
      case 502:
        if (!killed) say('502 with no worker killed');
        break; // anything consistent: nothing, an expired hold, a failed or a confirmed booking
      default:
        say('unexpected status');
    }
    if (a.status === 201 && a.declined) say('201 for a declined card');
    if (b && b.status === 'pending' && (swept || (a.status !== 503 && a.status !== 502))) {
      say(swept ? 'a hold is still pending after the sweep' : 'an answered request left a hold pending');
    }
    if (b && b.status === 'confirmed' && a.status !== 201 && a.status !== 502) say('confirmed without a 201');
  }
  for (const tag of byTag.keys()) {
    if (tag && tag.startsWith(attempts[0].tag.replace(/-\d+$/, '-')) && !seen.has(tag)) {
      problems.push(`booking ${tag} matches no attempt`);
    }
  }
  return problems;
}
