// Browse filters on /events (HTML) and /api/v1/events (JSON): every filter alone and combined
// lists exactly what MariaDB says, in the right order, across pages; HTML and JSON agree; the
// form keeps its state; every bad value is a 400 that names the parameter, never a 500.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, sql, sqlString, decodeHtml, flushCache } from './lib.mjs';

const tag = `br${process.pid}`;
const inserted = [];
const fixture = {};

// ------------------------------------------------------------------------------------------
// dates: D is a day after every demo event, so ranges around it hold only our fixtures

function isoDay(offsetDays) {
  const d = new Date();
  d.setUTCHours(12, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}
const D = isoDay(200);
const D1 = isoDay(201);
const D2 = isoDay(202);

// ------------------------------------------------------------------------------------------
// fixtures

function venueIdByCity(city) {
  const rows = sql(`SELECT venue_id FROM venues WHERE city = ${sqlString(city)} ORDER BY venue_id LIMIT 1`);
  assert.equal(rows.length, 1, `the demo seed has a venue in ${city}`);
  return Number(rows[0][0]);
}

function categoryId(slug) {
  return Number(sql(`SELECT category_id FROM categories WHERE slug = ${sqlString(slug)}`)[0][0]);
}

// One event at `local` wall time in the venue's zone.
function insertEvent(key, { city, category, local, popularity = 0, status = 'published' }) {
  const venueId = venueIdByCity(city);
  const name = `${key} ${tag}`;
  sql(`INSERT INTO events (venue_id, category_id, name, description, search_extra, starts_at,
                           status, popularity)
       SELECT ${venueId}, ${categoryId(category)}, ${sqlString(name)}, 'browse test', '',
              CONVERT_TZ(${sqlString(local)}, v.timezone, '+00:00'), ${sqlString(status)},
              ${popularity}
         FROM venues v WHERE v.venue_id = ${venueId}`);
  const id = Number(sql(`SELECT event_id FROM events WHERE name = ${sqlString(name)}`)[0][0]);
  inserted.push(id);
  fixture[key] = id;
  return id;
}

before(async () => {
  assert.ok(Number(sql(`SELECT COUNT(*) FROM mysql.time_zone_name`)[0][0]) > 0,
    'MariaDB has its time zone tables (venue-local dates need CONVERT_TZ)');
  // Late on D in Chicago is already D+1 in UTC; just after midnight on D+1 in Vienna is still
  // D in UTC: a filter on UTC dates would list each on the wrong day.
  insertEvent('Chicago Late Show', { city: 'Chicago', category: 'comedy', local: `${D} 23:30:00`, popularity: 977 });
  insertEvent('Vienna After Midnight', { city: 'Vienna', category: 'comedy', local: `${D1} 00:30:00`, popularity: 977 });
  // Same start, same popularity: only event_id orders them.
  insertEvent('Twin Bill A', { city: 'Berlin', category: 'concerts', local: `${D1} 20:00:00`, popularity: 977 });
  insertEvent('Twin Bill B', { city: 'Berlin', category: 'concerts', local: `${D1} 20:00:00`, popularity: 977 });
  insertEvent('Popular Matinee', { city: 'London', category: 'family', local: `${D2} 11:00:00`, popularity: 999 });
  // Never listed, whatever the filters.
  insertEvent('Draft Late Show', { city: 'Chicago', category: 'comedy', local: `${D} 21:00:00`, status: 'draft' });
  insertEvent('Cancelled Late Show', { city: 'Chicago', category: 'comedy', local: `${D} 21:00:00`, status: 'cancelled' });
  await flushCache(); // rows were added behind the app's back
});

after(async () => {
  if (inserted.length) sql(`DELETE FROM events WHERE event_id IN (${inserted.join(',')})`);
  await flushCache();
});

// ------------------------------------------------------------------------------------------
// what MariaDB says a query should list

function likeContains(s) {
  return '%' + s.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

const LOCAL_DATE = `DATE(CONVERT_TZ(e.starts_at, '+00:00', v.timezone))`;

function expectedIds({ category, startDate, endDate, location, venue, sort } = {}) {
  const where = [`e.status = 'published'`, `e.starts_at >= UTC_TIMESTAMP()`];
  if (category) where.push(`c.slug = ${sqlString(category)}`);
  if (startDate) where.push(`${LOCAL_DATE} >= ${sqlString(startDate)}`);
  if (endDate) where.push(`${LOCAL_DATE} <= ${sqlString(endDate)}`);
  if (location) {
    const p = sqlString(likeContains(location.replace(/^ +/, '')));
    where.push(`(v.city LIKE ${p} OR v.name LIKE ${p})`);
  }
  if (venue) where.push(`e.venue_id = ${Number(venue)}`);
  const order = sort === 'popularity'
    ? 'e.popularity DESC, e.starts_at, e.event_id'
    : 'e.starts_at, e.event_id';
  return sql(`SELECT e.event_id FROM events e
                JOIN venues v ON v.venue_id = e.venue_id
                JOIN categories c ON c.category_id = e.category_id
               WHERE ${where.join(' AND ')} ORDER BY ${order}`).map((r) => Number(r[0]));
}

// ------------------------------------------------------------------------------------------
// what the app lists

const qs = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined)).toString();

// Every page of /api/v1/events for `params`, checking each page's shape on the way.
async function apiIds(params, pageSize) {
  const ids = [];
  let total;
  for (let page = 1; page <= 500; page++) {
    const query = qs({ ...params, ...(pageSize ? { pageSize } : {}), page });
    const r = await get(`/api/v1/events?${query}`);
    assert.equal(r.status, 200, `GET /api/v1/events?${query}: ${r.body.slice(0, 200)}`);
    assert.match(r.contentType, /^application\/json\b/);
    const doc = r.json();
    assert.equal(doc.page, page, `page of ?${query}`);
    assert.equal(doc.pageSize, pageSize ?? 20, `pageSize of ?${query}`);
    if (total === undefined) total = doc.total;
    assert.equal(doc.total, total, `total is the same on every page of ?${query}`);
    assert.equal(doc.events.length, Math.max(0, Math.min(doc.pageSize, total - (page - 1) * doc.pageSize)),
      `number of events on page ${page} of ?${query}`);
    ids.push(...doc.events.map((e) => e.eventId));
    if (page * doc.pageSize >= total) break;
  }
  return { ids, total };
}

// Every page of /events for `params`, following the rel="next" links the page offers.
async function htmlPages(params) {
  const pages = [];
  let next = `/events?${qs(params)}`;
  while (next) {
    assert.ok(pages.length < 100, 'pagination ends');
    const r = await get(next);
    assert.equal(r.status, 200, `GET ${next}`);
    assert.match(r.contentType, /^text\/html\b/);
    pages.push({ url: next, body: r.body });
    const m = r.body.match(/<a rel="next" href="([^"]+)"/);
    next = m ? decodeHtml(m[1]) : null;
  }
  return pages;
}

const cardIds = (html) => [...html.matchAll(/data-event-id="(\d+)"/g)].map((m) => Number(m[1]));

async function htmlIds(params) {
  return (await htmlPages(params)).flatMap((p) => cardIds(p.body));
}

// The filter form's values as the page shows them.
function formState(html) {
  const form = html.match(/<form class="filters"[\s\S]*?<\/form>/)?.[0];
  assert.ok(form, 'the page has the filter form');
  const input = (name) => {
    const m = form.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`));
    if (!m) return undefined;
    const v = m[0].match(/value="([^"]*)"/);
    return v ? decodeHtml(v[1]) : '';
  };
  const selected = (name) => {
    const sel = form.match(new RegExp(`<select[^>]*name="${name}"[\\s\\S]*?</select>`))?.[0];
    assert.ok(sel, `the form has a ${name} select`);
    const opt = sel.match(/<option value="([^"]*)" selected>/);
    return opt ? decodeHtml(opt[1]) : '';
  };
  return {
    category: selected('category'),
    startDate: input('startDate'),
    endDate: input('endDate'),
    location: input('location'),
    sort: selected('sort'),
    venue: input('venue'),
  };
}

// ------------------------------------------------------------------------------------------
// every filter alone and combined

const CHICAGO = () => venueIdByCity('Chicago');
const LONDON = () => venueIdByCity('London');

const QUERIES = [
  { name: 'no filters', params: {} },
  { name: 'category', params: { category: 'concerts' } },
  { name: 'another category', params: { category: 'comedy' } },
  { name: 'startDate', params: { startDate: isoDay(30) } },
  { name: 'endDate', params: { endDate: isoDay(30) } },
  { name: 'startDate and endDate', params: { startDate: isoDay(10), endDate: isoDay(60) } },
  { name: 'a single day, venue-local', params: { startDate: D, endDate: D } },
  { name: 'the next day, venue-local', params: { startDate: D1, endDate: D1 } },
  { name: 'startDate in the past', params: { startDate: '2000-01-01' } },
  { name: 'location: a city', params: { location: 'Berlin' } },
  { name: 'location: lower case', params: { location: 'berlin' } },
  { name: 'location: part of a city', params: { location: 'chest' } },
  { name: 'location: part of a venue name', params: { location: 'Lantern' } },
  { name: 'location: with a space', params: { location: 'New York' } },
  { name: 'location: leading spaces', params: { location: '  Paris' } },
  { name: 'location: a LIKE wildcard is literal', params: { location: '%' } },
  { name: 'location: an underscore is literal', params: { location: '_' } },
  { name: 'venue', params: { venue: CHICAGO } },
  { name: 'an unknown venue id', params: { venue: () => 4294967295 } },
  { name: 'sort=date', params: { sort: 'date' } },
  { name: 'sort=popularity', params: { sort: 'popularity' } },
  { name: 'category + dates', params: { category: 'comedy', startDate: D, endDate: D2 } },
  { name: 'category + location', params: { category: 'theatre', location: 'London' } },
  { name: 'venue + category', params: { venue: LONDON, category: 'theatre' } },
  { name: 'location + dates + popularity', params: { location: 'a', startDate: isoDay(5), endDate: isoDay(100), sort: 'popularity' } },
  {
    name: 'everything at once',
    params: { category: 'comedy', startDate: isoDay(1), endDate: D1, location: 'chicago', venue: CHICAGO, sort: 'popularity' },
  },
  { name: 'category + popularity', params: { category: 'concerts', sort: 'popularity' } },
  { name: 'filters that match nothing', params: { category: 'family', location: 'Chicago', startDate: D, endDate: D } },
];

// Venue ids are looked up once the stack is seeded, not at import.
const resolve = (params) => Object.fromEntries(
  Object.entries(params).map(([k, v]) => [k, typeof v === 'function' ? String(v()) : v]),
);

for (const { name, params } of QUERIES) {
  test(`JSON lists exactly what MariaDB says: ${name}`, async () => {
    const p = resolve(params);
    const expected = expectedIds(p);
    const { ids, total } = await apiIds(p, 7);
    assert.equal(total, expected.length, 'total');
    assert.deepEqual(ids, expected, 'the same ids in the same order, across pages of 7');
    // The default page size gives the same list.
    assert.deepEqual((await apiIds(p)).ids, expected, 'the same with the default page size');
  });
}

for (const { name, params } of QUERIES) {
  test(`HTML lists the same events as JSON, in the same order: ${name}`, async () => {
    const p = resolve(params);
    const expected = expectedIds(p);
    const pages = await htmlPages(p);
    const ids = pages.flatMap((pg) => cardIds(pg.body));
    assert.deepEqual(ids, (await apiIds(p)).ids, 'HTML and JSON agree');
    assert.deepEqual(ids, expected, 'HTML lists what MariaDB says');
    if (expected.length > 0) {
      const count = pages[0].body.match(/<p class="muted">(\d+) events?<\/p>/);
      assert.equal(Number(count?.[1]), expected.length, 'the page says how many events match');
    }
  });
}

test('venue-local dates: late in Chicago is its own day, after midnight in Vienna the next', async () => {
  const utcDate = (id) => sql(`SELECT DATE(starts_at) FROM events WHERE event_id = ${id}`)[0][0];
  // The fixtures straddle UTC midnight, so a UTC-date filter would swap them.
  assert.equal(utcDate(fixture['Chicago Late Show']), D1);
  assert.equal(utcDate(fixture['Vienna After Midnight']), D);

  const onD = (await apiIds({ startDate: D, endDate: D })).ids;
  assert.ok(onD.includes(fixture['Chicago Late Show']), 'the Chicago show is on D');
  assert.ok(!onD.includes(fixture['Vienna After Midnight']), 'the Vienna show is not on D');
  const onD1 = (await apiIds({ startDate: D1, endDate: D1 })).ids;
  assert.ok(onD1.includes(fixture['Vienna After Midnight']), 'the Vienna show is on D+1');
  assert.ok(!onD1.includes(fixture['Chicago Late Show']), 'the Chicago show is not on D+1');
  for (const ids of [onD, onD1]) {
    assert.ok(!ids.includes(fixture['Draft Late Show']), 'a draft is never listed');
    assert.ok(!ids.includes(fixture['Cancelled Late Show']), 'a cancelled event is never listed');
  }
  // JSON dates carry the venue's offset, so the local day is readable from them.
  const r = (await get(`/api/v1/events?${qs({ startDate: D, endDate: D })}`)).json();
  const chicago = r.events.find((e) => e.eventId === fixture['Chicago Late Show']);
  assert.match(chicago.date, new RegExp(`^${D}T23:30:00-0[56]:00$`));
});

test('popularity ties fall back to the start time, then the event id', async () => {
  const { ids } = await apiIds({ sort: 'popularity', startDate: D, endDate: D2 });
  assert.deepEqual(ids, [
    fixture['Popular Matinee'],       // most popular
    fixture['Vienna After Midnight'], // 977, earliest start (UTC)
    fixture['Chicago Late Show'],
    fixture['Twin Bill A'],           // same start: lower id first
    fixture['Twin Bill B'],
  ]);
  const byDate = (await apiIds({ startDate: D, endDate: D2 })).ids;
  assert.deepEqual(byDate, [
    fixture['Vienna After Midnight'],
    fixture['Chicago Late Show'],
    fixture['Twin Bill A'],
    fixture['Twin Bill B'],
    fixture['Popular Matinee'],
  ]);
});

test('pages: pageSize caps a page, every page size lists the same events, past the end is empty', async () => {
  const expected = expectedIds({});
  assert.ok(expected.length > 20, 'more upcoming events than one default page');
  for (const size of [1, 20, 99, 100]) {
    const { ids, total } = await apiIds({}, size);
    assert.equal(total, expected.length, `total with pageSize=${size}`);
    assert.deepEqual(ids, expected, `all events with pageSize=${size}`);
  }
  const first = (await get('/api/v1/events')).json();
  assert.equal(first.pageSize, 20, 'the default page size');
  assert.equal(first.events.length, 20);

  for (const page of [Math.ceil(expected.length / 20) + 1, 10000]) {
    const r = await get(`/api/v1/events?page=${page}`);
    assert.equal(r.status, 200, `page=${page}`);
    const doc = r.json();
    assert.deepEqual(doc.events, [], `page ${page} is past the end`);
    assert.equal(doc.total, expected.length, `the total on page ${page}`);
    const html = await get(`/events?page=${page}`);
    assert.equal(html.status, 200);
    assert.deepEqual(cardIds(html.body), [], `no cards on HTML page ${page}`);
  }
});

test('HTML pagination keeps every filter in its links and its form', async () => {
  const venue = String(CHICAGO());
  const cases = [
    { location: 'o', sort: 'popularity', pageSize: '3' },
    { category: 'comedy', startDate: isoDay(1), endDate: D1, location: 'Chicago', venue, sort: 'popularity', pageSize: '1' },
    { category: 'theatre', startDate: isoDay(1), pageSize: '4' },
  ];
  for (const params of cases) {
    const pages = await htmlPages(params);
    const expected = expectedIds(params);
    assert.ok(pages.length >= 2, `several pages for ${qs(params)} (${expected.length} events)`);
    assert.deepEqual(pages.flatMap((p) => cardIds(p.body)), expected, `all pages of ${qs(params)}`);
    for (const [i, { url, body }] of pages.entries()) {
      // Every link to another page carries the filters unchanged.
      for (const rel of ['next', 'prev']) {
        const m = body.match(new RegExp(`<a rel="${rel}" href="([^"]+)"`));
        if (rel === 'next') assert.equal(!!m, i < pages.length - 1, `${url} has a next link unless last`);
        if (rel === 'prev') assert.equal(!!m, i > 0, `${url} has a prev link unless first`);
        if (!m) continue;
        const link = new URL(decodeHtml(m[1]), 'http://x');
        assert.equal(link.pathname, '/events');
        for (const [k, v] of Object.entries(params)) {
          assert.deepEqual(link.searchParams.getAll(k), [v], `${rel} link of ${url} keeps ${k}`);
        }
        assert.equal(link.searchParams.get('page'), String(rel === 'next' ? i + 2 : i), `${rel} page number`);
      }
      // The form shows the chosen values on every page.
      const form = formState(body);
      assert.equal(form.category, params.category ?? '', `${url}: category selected`);
      assert.equal(form.startDate, params.startDate ?? '', `${url}: startDate shown`);
      assert.equal(form.endDate, params.endDate ?? '', `${url}: endDate shown`);
      assert.equal(form.location, params.location ?? '', `${url}: location shown`);
      assert.equal(form.sort, params.sort ?? 'date', `${url}: sort selected`);
      if (params.venue) assert.equal(form.venue, params.venue, `${url}: venue kept in the form`);
    }
  }
});

test('category and city navigation link to their listings', async () => {
  const r = await get('/events');
  assert.equal(r.status, 200);
  const categories = sql('SELECT slug FROM categories ORDER BY slug').map((row) => row[0]);
  const nav = r.body.match(/<nav[^>]*aria-label="Categories"[\s\S]*?<\/nav>/)?.[0] ?? '';
  for (const slug of categories) {
    assert.ok(nav.includes(`href="/events?category=${encodeURIComponent(slug)}"`), `a link to category ${slug}`);
  }
  const cities = sql(`SELECT DISTINCT v.city FROM venues v JOIN events e ON e.venue_id = v.venue_id
                       WHERE e.status = 'published' AND e.starts_at >= UTC_TIMESTAMP()
                       ORDER BY v.city`).map((row) => row[0]);
  assert.ok(cities.length >= 2, 'the demo data has several cities');
  const cityNav = r.body.match(/<nav[^>]*aria-label="Cities"[\s\S]*?<\/nav>/)?.[0] ?? '';
  const cityLinks = [...cityNav.matchAll(/href="([^"]+)"/g)].map((m) => decodeHtml(m[1]));
  for (const city of cities) {
    const link = cityLinks.find((l) => new URL(l, 'http://x').searchParams.get('location') === city);
    assert.ok(link, `a link to the events in ${city}`);
    assert.deepEqual(await htmlIds(Object.fromEntries(new URL(link, 'http://x').searchParams)),
      expectedIds({ location: city }), `the ${city} link lists that city's events`);
  }
  // The current category is marked in the navigation.
  const concerts = await get('/events?category=concerts');
  assert.match(concerts.body, /<a href="\/events\?category=concerts" aria-current="page">/);
});

// "/" and "/events" list the same events, but only "/events" is the Events link's own page:
// each keeps its own cached copy, whichever of them was asked for first.
test('the Events link is marked current on /events and not on /, in either order', async () => {
  const current = /<a href="\/events" aria-current="page">Events<\/a>/;
  for (const order of [['/', '/events'], ['/events', '/']]) {
    await flushCache();
    const [first, second] = [await get(order[0]), await get(order[1])];
    const byPath = { [order[0]]: first, [order[1]]: second };
    assert.equal(byPath['/'].status, 200);
    assert.equal(byPath['/events'].status, 200);
    assert.match(byPath['/events'].body, current, `/events, asked for ${order.indexOf('/events') ? 'second' : 'first'}`);
    assert.doesNotMatch(byPath['/'].body, current, `/, asked for ${order.indexOf('/') ? 'second' : 'first'}`);
    assert.deepEqual(cardIds(byPath['/'].body), cardIds(byPath['/events'].body), 'the same events');
  }
});

test('a filter with no results says so, in HTML and JSON', async () => {
  for (const params of [{ location: `nowhere ${tag}` }, { startDate: '2100-01-01' }]) {
    const r = await get(`/events?${qs(params)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(cardIds(r.body), []);
    assert.match(decodeHtml(r.body), /No events match/, 'the empty state is shown');
    assert.match(r.body, /<a href="\/events">/, 'with a way back to all events');
    const form = formState(r.body);
    for (const [k, v] of Object.entries(params)) assert.equal(form[k], v, `the form still shows ${k}`);
    const api = (await get(`/api/v1/events?${qs(params)}`)).json();
    assert.deepEqual(api.events, []);
    assert.equal(api.total, 0);
  }
});

test('typed filter values come back HTML-escaped in the form', async () => {
  const hostile = `"><script>alert(1)</script>${tag}`;
  for (const params of [{ location: hostile }, { startDate: hostile }]) {
    const r = await get(`/events?${qs(params)}`);
    assert.ok(r.status === 200 || r.status === 400, `status ${r.status}`);
    assert.ok(!r.body.includes('<script>alert(1)'), 'not injected raw');
    assert.equal(Object.values(formState(r.body)).find((v) => v?.includes(tag)), hostile, 'shown as typed');
  }
});

// ------------------------------------------------------------------------------------------
// bad values: a 400 naming the parameter, in HTML (form kept) and JSON

const longLocation = 'x'.repeat(101);
const BAD = [
  { q: 'startDate=yesterday', param: 'startDate' },
  { q: 'startDate=2026-02-30', param: 'startDate' },
  { q: 'startDate=2027-13-01', param: 'startDate' },
  { q: 'startDate=2026-1-5', param: 'startDate' },
  { q: 'startDate=26-12-01', param: 'startDate' },
  { q: 'startDate=2026-12-01T10:00', param: 'startDate' },
  { q: 'endDate=2027-02-29', param: 'endDate' },
  { q: 'endDate=31.12.2026', param: 'endDate' },
  { q: 'startDate=2026-12-10&endDate=2026-12-01', param: 'endDate' },
  { q: 'category=nosuchcategory', param: 'category' },
  { q: 'page=-1', param: 'page' },
  { q: 'page=0', param: 'page' },
  { q: 'page=1000000000000', param: 'page' },
  { q: 'page=99999999999999999999999', param: 'page' },
  { q: 'page=abc', param: 'page' },
  { q: 'page=1.5', param: 'page' },
  { q: 'page=10001', param: 'page' },
  { q: 'pageSize=0', param: 'pageSize' },
  { q: 'pageSize=101', param: 'pageSize' },
  { q: 'pageSize=-5', param: 'pageSize' },
  { q: 'pageSize=ten', param: 'pageSize' },
  { q: 'sort=price', param: 'sort' },
  { q: 'sort=relevance', param: 'sort' },
  { q: 'venue=x', param: 'venue' },
  { q: 'venue=0', param: 'venue' },
  { q: 'venue=-2', param: 'venue' },
  { q: 'venue=4294967296', param: 'venue' },
  { q: `location=${longLocation}`, param: 'location' },
  { q: 'category=a&category=b', param: 'category' },
  { q: 'category=concerts&category=concerts', param: 'category' },
  { q: 'startDate=2026-12-01&startDate=2026-12-02', param: 'startDate' },
  { q: 'location=Berlin&location=Paris', param: 'location' },
  { q: 'page=1&page=2', param: 'page' },
  { q: 'sort=date&sort=popularity', param: 'sort' },
];

// Valid filters typed next to the bad one: the rejected form must still show them.
function companions(param) {
  const extra = {};
  if (param !== 'location') extra.location = 'Berl';
  if (param !== 'category') extra.category = 'comedy';
  return extra;
}

function formError(html) {
  const m = html.match(/<p class="form-error"[^>]*>([\s\S]*?)<\/p>/);
  return m ? decodeHtml(m[1].replace(/<[^>]*>/g, '')).trim() : null;
}

for (const { q, param } of BAD) {
  test(`400 naming '${param}': ${q.length > 60 ? q.slice(0, 60) + '…' : q}`, async () => {
    const api = await get(`/api/v1/events?${q}`);
    assert.equal(api.status, 400, `JSON status: ${api.body.slice(0, 200)}`);
    assert.match(api.contentType, /^application\/json\b/);
    const { error } = api.json();
    assert.equal(error?.code, 'bad_request');
    assert.equal(typeof error.message, 'string');
    assert.ok(error.message.includes(param), `the message names ${param}: ${error.message}`);

    const extra = companions(param);
    const query = `${q}&${qs(extra)}`;
    const html = await get(`/events?${query}`);
    assert.equal(html.status, 400, `HTML status for ?${query}`);
    assert.match(html.contentType, /^text\/html\b/);
    const message = formError(html.body);
    assert.ok(message, 'the page shows the message');
    assert.ok(message.includes(param), `the HTML message names ${param}: ${message}`);
    assert.equal(message, (await get(`/api/v1/events?${query}`)).json().error.message,
      'HTML and JSON give the same message');
    assert.deepEqual(cardIds(html.body), [], 'no events are listed under a rejected filter');

    // The form is still there, with what the user typed.
    const form = formState(html.body);
    const typed = new URLSearchParams(q);
    for (const name of ['startDate', 'endDate', 'location']) {
      if (typed.has(name)) assert.equal(form[name], typed.get(name), `the form shows the typed ${name}`);
    }
    for (const [k, v] of Object.entries(extra)) assert.equal(form[k], v, `the form keeps ${k}=${v}`);
  });
}

test('edge values that are fine are accepted', async () => {
  for (const q of [
    'startDate=2028-02-29', 'endDate=2100-12-31', 'page=10000', 'pageSize=1', 'pageSize=100',
    'startDate=&endDate=&category=&location=&venue=&sort=&page=&pageSize=',
    `location=${'x'.repeat(100)}`, 'sort=date', 'sort=popularity', `startDate=${D}&endDate=${D}`,
  ]) {
    const api = await get(`/api/v1/events?${q}`);
    assert.equal(api.status, 200, `JSON ?${q}: ${api.body.slice(0, 200)}`);
    const html = await get(`/events?${q}`);
    assert.equal(html.status, 200, `HTML ?${q}`);
  }
  // Empty values mean "no filter".
  assert.deepEqual((await apiIds({ startDate: '', category: '', location: '' })).ids, expectedIds({}));
});

// Shoppers' phones add a space after an autocompleted word: "Paris " is still Paris.
test('location ignores trailing spaces', async () => {
  assert.deepEqual((await apiIds({ location: 'Paris ' })).ids, expectedIds({ location: 'Paris' }));
});

// The form's maxlength counts characters, and so does the message: 100 of "é" is allowed.
test('location allows 100 characters, not 100 bytes', async () => {
  const r = await get(`/api/v1/events?${qs({ location: 'é'.repeat(100) })}`);
  assert.equal(r.status, 200, r.body.slice(0, 200));
  const over = await get(`/api/v1/events?${qs({ location: 'é'.repeat(101) })}`);
  assert.equal(over.status, 400);
});
