// Edits to what the pages show beyond the events themselves — a category's name, a section's
// name, a seat's row, the order performers are billed in — are on the next request too, with
// every worker holding the page in its own first-level copy (sql/0007's triggers move the
// catalogue generation; the workers' category lists follow it). Requests skip nginx's
// micro-cache, so what is checked is the pool's own answer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, sql, sqlString, waitFor, configuredWorkers } from './lib.mjs';

const BYPASS = { 'X-Boxoffice-Bypass-Cache': '1' };
const fetchPage = (path) => get(path, { headers: BYPASS });
const undo = [];

after(() => {
  for (const statement of undo.reverse()) sql(statement);
});

// Enough requests at once that every worker serves some; all must pass `check`.
async function burst(path, check) {
  const responses = await Promise.all(Array.from({ length: 4 * configuredWorkers() }, () => fetchPage(path)));
  for (const r of responses) {
    assert.equal(r.status, 200, `${path}: ${r.body.slice(0, 200)}`);
    check(r);
  }
  return responses;
}

// Until a whole burst came from the workers' own copies.
async function warm(path) {
  await waitFor(async () => (await burst(path, () => {})).every((r) => r.headers.get('x-page-cache') === 'l1'),
    { what: `${path} from every worker's own copy`, intervalMs: 10 });
}

async function editShowsAtOnce(path, edit, shown) {
  await warm(path);
  edit();
  await burst(path, (r) => assert.ok(shown(r.body), `${path}: the edit is not on the page (${r.headers.get('x-page-cache')})`));
}

const [[eventId, categoryId, venueId]] = sql(`
  SELECT e.event_id, e.category_id, e.venue_id FROM events e
   WHERE e.status = 'published' AND e.starts_at > UTC_TIMESTAMP() + INTERVAL 1 DAY
     AND EXISTS (SELECT 1 FROM tickets t WHERE t.event_id = e.event_id AND t.seat_id IS NOT NULL)
     AND (SELECT COUNT(*) FROM event_performers ep WHERE ep.event_id = e.event_id) >= 2
   ORDER BY e.event_id LIMIT 1`);

test('a renamed category shows in the listing at once', async () => {
  const [[name]] = sql(`SELECT name FROM categories WHERE category_id = ${categoryId}`);
  const renamed = `Renamed category ${process.pid}`;
  undo.push(`UPDATE categories SET name = ${sqlString(name)} WHERE category_id = ${categoryId}`);
  await editShowsAtOnce('/events', () => sql(`UPDATE categories SET name = ${sqlString(renamed)}
    WHERE category_id = ${categoryId}`), (html) => html.includes(renamed));
});

test('a renamed section and a seat moved to another row show on the event page at once', async () => {
  const [[sectionId, section, seatId, row]] = sql(`
    SELECT s.section_id, s.name, vs.seat_id, vs.row_label FROM venue_sections s
      JOIN venue_seats vs ON vs.section_id = s.section_id
     WHERE s.venue_id = ${venueId} ORDER BY s.section_id, vs.seat_id LIMIT 1`);
  const renamed = `Gallery ${process.pid}`;
  undo.push(`UPDATE venue_sections SET name = ${sqlString(section)} WHERE section_id = ${sectionId}`);
  await editShowsAtOnce(`/events/${eventId}`, () => sql(`UPDATE venue_sections SET name = ${sqlString(renamed)}
    WHERE section_id = ${sectionId}`), (html) => html.includes(`Section ${renamed}`));

  undo.push(`UPDATE venue_seats SET row_label = ${sqlString(row)} WHERE seat_id = ${seatId}`);
  await editShowsAtOnce(`/events/${eventId}`, () => sql(`UPDATE venue_seats SET row_label = 'QX'
    WHERE seat_id = ${seatId}`), (html) => html.includes(`Section ${renamed}, row QX, seat`));
});

test('performers billed in another order show in that order at once', async () => {
  const billed = sql(`SELECT ep.performer_id, ep.billing_order, p.name FROM event_performers ep
    JOIN performers p ON p.performer_id = ep.performer_id
    WHERE ep.event_id = ${eventId} ORDER BY ep.billing_order, ep.performer_id`);
  const [first, second] = billed;
  for (const [performer, order] of billed) {
    undo.push(`UPDATE event_performers SET billing_order = ${order} WHERE event_id = ${eventId} AND performer_id = ${performer}`);
  }
  const path = `/api/v1/events/${eventId}`;
  const performersOf = (body) => JSON.parse(body).performers.map((p) => (typeof p === 'string' ? p : p.name));
  assert.equal(performersOf((await fetchPage(path)).body)[0], first[2]);
  await editShowsAtOnce(path, () => sql(`UPDATE event_performers SET billing_order = 200
    WHERE event_id = ${eventId} AND performer_id = ${first[0]}`), (body) => performersOf(body)[0] === second[2]);
});
