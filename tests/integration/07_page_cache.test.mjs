// The page cache's first level — each worker's own copies of the pages it built or fetched —
// shows nothing memcached would not: with every worker's copy hot, an edit is on the very next
// request, a sale shows within the staleness bound, and with memcached stopped the pages still
// work (and still show edits and sales). Requests skip nginx's micro-cache, so what is checked
// is the pool's own answer. X-Page-Cache (l1, memcached, stale, built) says where one came from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  get, sql, sqlString, sleep, waitFor, fullPool, workerPids, configuredWorkers, stopMemcached,
  startMemcached, memcachedStats, lockTableForWrite,
} from './lib.mjs';

const pid = process.pid;
const WORD = `zql${pid}`;            // in our event's name only: a search for it finds just it
const BYPASS = { 'X-Boxoffice-Bypass-Cache': '1' };
const STALE_BOUND_MS = 2000;         // availability behind MariaDB, nginx's micro-cache left out

let ourEvent;          // an event this file inserted, soonest of all, renamed by the tests
let ourName;
let seatEvent;         // a demo event with seats, all available
const soldTickets = [];

const fetchPage = (path) => get(path, { headers: BYPASS });
const from = (r) => r.headers.get('x-page-cache');

// read(2) calls a worker has made: every request it serves reads its FastCGI connection.
function readsOf(worker) {
  try {
    return Number(readFileSync(`/proc/${worker}/io`, 'utf8').match(/^syscr: (\d+)$/m)[1]);
  } catch {
    return NaN;   // gone: a recycled worker
  }
}

// Several requests per worker at once: a worker serves one at a time, so usually all of them
// serve some (everyWorker says whether they did).
async function burst(path) {
  const workers = await fullPool();
  const before = workers.map(readsOf);
  const responses = await Promise.all(Array.from({ length: 4 * workers.length }, () => fetchPage(path)));
  const served = workers.filter((w, i) => readsOf(w) > before[i]);
  for (const r of responses) assert.equal(r.status, 200, `${path}: ${r.body.slice(0, 200)}`);
  return { responses, everyWorker: served.length === workers.length && workers.length > 1 };
}

// Bursts until one was served by every worker; each response must pass check() meanwhile.
async function everyWorkerAnswers(path, check) {
  for (let i = 0; i < 50; i++) {
    const { responses, everyWorker } = await burst(path);
    for (const r of responses) check(r);
    if (everyWorker) return;
  }
  assert.fail(`${path}: no burst reached every worker`);
}

// Until one burst, served by every worker, came entirely from the workers' own copies.
async function warm(path) {
  await waitFor(async () => {
    const { responses, everyWorker } = await burst(path);
    return everyWorker && responses.every((r) => from(r) === 'l1');
  }, { what: `every worker to serve ${path} from its own copy`, intervalMs: 10 });
}

function rename(name) {
  sql(`UPDATE events SET name = ${sqlString(name)} WHERE event_id = ${ourEvent}`);
}

function ourPages() {
  return [`/events/${ourEvent}`, `/api/v1/events/${ourEvent}`, '/events', '/api/v1/events',
    `/search?query=${WORD}`, `/api/v1/search?query=${WORD}`];
}

// Is ticket `id` shown as taken (a disabled checkbox) on the event page?
function shownTaken(html, id) {
  const box = html.match(new RegExp(`<input type="checkbox"[^>]* value="${id}"[^>]*>`));
  assert.ok(box, `ticket ${id} is on the page`);
  return /\sdisabled\b/.test(box[0]);
}

before(async () => {
  // Soonest of all upcoming events, so it is on the first page of the listing.
  const [[template]] = sql(`SELECT event_id FROM events WHERE status = 'published' ORDER BY event_id LIMIT 1`);
  ourName = `First level ${WORD}`;
  sql(`INSERT INTO events (venue_id, category_id, name, description, search_extra, starts_at, status)
       SELECT venue_id, category_id, ${sqlString(ourName)}, 'A test of the page cache.', '',
              UTC_TIMESTAMP() + INTERVAL 2 HOUR, 'published' FROM events WHERE event_id = ${template}`);
  ourEvent = Number(sql(`SELECT event_id FROM events WHERE name = ${sqlString(ourName)}`)[0][0]);
  sql(`INSERT INTO price_tiers (event_id, section_id, name, price_cents, currency)
       SELECT ${ourEvent}, section_id, name, price_cents, currency
         FROM price_tiers WHERE event_id = ${template} ORDER BY tier_id LIMIT 1`);
  const first = (await get('/api/v1/events')).json().events[0];
  assert.equal(first?.eventId, ourEvent, 'our event is the first one listed');

  const rows = sql(
    `SELECT e.event_id FROM events e
      WHERE e.status = 'published' AND e.starts_at > UTC_TIMESTAMP() + INTERVAL 1 DAY
        AND EXISTS (SELECT 1 FROM tickets t WHERE t.event_id = e.event_id AND t.seat_id IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.event_id = e.event_id AND t.status <> 'available')
      ORDER BY e.event_id LIMIT 1`,
  );
  assert.equal(rows.length, 1, 'the demo data has an untouched event with seats');
  seatEvent = Number(rows[0][0]);
});

after(() => {
  startMemcached(); // whatever happened, leave the stack whole for the next file
  if (soldTickets.length) {
    sql(`UPDATE tickets SET status = 'available', booking_id = NULL, hold_expires_at = NULL
          WHERE ticket_id IN (${soldTickets.join(',')})`);
  }
  if (ourEvent) {
    sql(`DELETE FROM price_tiers WHERE event_id = ${ourEvent}`);
    sql(`DELETE FROM events WHERE event_id = ${ourEvent}`);
  }
});

function sellOneSeat() {
  const [[id]] = sql(
    `SELECT ticket_id FROM tickets WHERE event_id = ${seatEvent} AND seat_id IS NOT NULL
        AND status = 'available' ORDER BY ticket_id LIMIT 1`,
  );
  soldTickets.push(Number(id));
  sql(`UPDATE tickets SET status = 'sold' WHERE ticket_id = ${id}`);
  return Number(id);
}

// After a seat is sold behind the app's back: how long until every worker shows it.
async function msUntilEveryWorkerShowsSold(path, ticket, soldAt) {
  await waitFor(async () => {
    const { responses, everyWorker } = await burst(path);
    return everyWorker && responses.every((r) => shownTaken(r.body, ticket));
  }, { what: `ticket ${ticket} shown sold by every worker`, timeoutMs: 3 * STALE_BOUND_MS, intervalMs: 20 });
  return Date.now() - soldAt;
}

test('an edit is on the very next request, even with every worker holding the page itself', async () => {
  for (const [i, path] of ourPages().entries()) {
    await warm(path);
    const name = `${ourName} edit${i}x`;
    rename(name);
    const next = await fetchPage(path);
    assert.equal(next.status, 200);
    assert.ok(next.body.includes(`edit${i}x`), `${path}: the next request shows the new name`);
    assert.notEqual(from(next), 'l1', `${path}: the next request did not come from a worker's old copy`);
    await everyWorkerAnswers(path, (r) => assert.ok(r.body.includes(`edit${i}x`), `${path}: every worker shows the new name`));
  }
});

test('a sale shows on every worker within the staleness bound, with their copies hot', async () => {
  const path = `/events/${seatEvent}`;
  await warm(path);
  const ticket = sellOneSeat();
  const elapsed = await msUntilEveryWorkerShowsSold(path, ticket, Date.now());
  assert.ok(elapsed <= STALE_BOUND_MS, `every worker shows the sale within ${STALE_BOUND_MS} ms (took ${elapsed} ms)`);
  // Once caught up, no worker goes back to an older copy.
  for (let i = 0; i < 3; i++) {
    await everyWorkerAnswers(path, (r) => assert.ok(shownTaken(r.body, ticket), `ticket ${ticket} stays sold`));
  }
});

test('a page nobody asked for in a while is not served older than the bound', async () => {
  const path = `/events/${seatEvent}`;
  await fetchPage(path);   // memcached holds a copy from before the sale
  const ticket = sellOneSeat();
  await sleep(STALE_BOUND_MS + 500);
  const r = await fetchPage(path);
  assert.ok(shownTaken(r.body, ticket), `the first request after ${STALE_BOUND_MS + 500} ms shows the sale (${from(r)})`);
});

test('a page nobody holds is built once while the others wait for it, even when that is slow', async () => {
  const path = `/api/v1/search?query=${WORD}`;
  sql('UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1'); // every page cold
  const lock = await lockTableForWrite('events'); // the build waits until it is released
  let pending;
  try {
    pending = Array.from({ length: 2 * configuredWorkers() }, () => fetchPage(path));
    await sleep(600); // far longer than the 100 ms waiters once waited before building too
  } finally {
    await lock.release();
  }
  const responses = await Promise.all(pending);
  for (const r of responses) {
    assert.equal(r.status, 200);
    assert.ok(r.body.includes(WORD), 'the results');
  }
  const built = responses.filter((r) => from(r) === 'built').length;
  assert.equal(built, 1, `one build, the rest waited for it: ${responses.map(from).join(' ')}`);
});

test('with memcached stopped the pages work, from the workers\' own copies, and show edits and sales', async () => {
  const workers = await fullPool();
  stopMemcached();
  await assert.rejects(memcachedStats(), 'memcached is really down');
  try {
    for (const path of ourPages()) {
      await everyWorkerAnswers(path, (r) => assert.ok(r.body.includes(WORD), `${path} works without memcached`));
    }
    // The listing stays fresh for seconds: each worker builds it once, then serves its copy.
    await warm('/events');

    rename(`${ourName} down1x`);
    for (const path of ourPages()) {
      const next = await fetchPage(path);
      assert.ok(next.body.includes('down1x'), `${path}: an edit shows on the next request without memcached`);
    }

    const path = `/events/${seatEvent}`;
    await warm(path);
    const ticket = sellOneSeat();
    const elapsed = await msUntilEveryWorkerShowsSold(path, ticket, Date.now());
    assert.ok(elapsed <= STALE_BOUND_MS, `without memcached too (took ${elapsed} ms)`);
  } finally {
    startMemcached();
  }
  assert.ok((await memcachedStats()).pid, 'memcached is back');
  const r = await fetchPage(`/events/${ourEvent}`);
  assert.equal(r.status, 200);
  assert.deepEqual(workerPids(), workers, 'no worker died along the way');
});
