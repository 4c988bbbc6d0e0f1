// Keyword search on /search (HTML) and /api/v1/search (JSON): ranking (title above
// description), performer / venue / city matches, drafts and cancelled events hidden, what
// real users type (FULLTEXT operators, short words, accents, 1,000 characters, nothing at
// all), the browse filters combined with it, HTML and JSON agreeing, and highlighting that
// keeps hostile data escaped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, sql, sqlString, decodeHtml, flushCache, waitFor } from './lib.mjs';

const pid = process.pid;
const tag = `zqx${pid}`;                 // in every fixture's name: `query=${tag}` finds them all
const word = (stem) => `${stem}${pid}`;  // a word nothing else in the database contains
const W = {
  rank: word('zqrank'),
  hide: word('zqhide'),
  perf: word('zqperf'),
  who: word('zqwho'),
  accent: word('zqaccent'),
  hostile: word('zqhostile'),
  renamed: word('zqrenamed'),
};

const events = {};      // fixture key -> event_id
const performers = [];  // performer ids we created

// ------------------------------------------------------------------------------------------
// fixtures

function isoDay(offsetDays) {
  const d = new Date();
  d.setUTCHours(12, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}

function venueByCity(city) {
  const rows = sql(`SELECT venue_id, name FROM venues WHERE city = ${sqlString(city)} ORDER BY venue_id LIMIT 1`);
  assert.equal(rows.length, 1, `the demo seed has a venue in ${city}`);
  return { id: Number(rows[0][0]), name: rows[0][1], city };
}

function addPerformer(name) {
  sql(`INSERT INTO performers (name) VALUES (${sqlString(name)})`);
  const id = Number(sql(`SELECT MAX(performer_id) FROM performers WHERE name = ${sqlString(name)}`)[0][0]);
  performers.push(id);
  return id;
}

// One event; search_extra holds performers, venue name and city, as the app keeps it.
function insertEvent(key, {
  name, description = 'A night out.', city = 'Berlin', category = 'concerts', days = 30,
  status = 'published', popularity = 0, lineup = [],
}) {
  const venue = venueByCity(city);
  const extra = [...lineup, venue.name, venue.city].join(' ');
  sql(`INSERT INTO events (venue_id, category_id, name, description, search_extra, starts_at,
                           status, popularity)
       SELECT ${venue.id}, category_id, ${sqlString(name)}, ${sqlString(description)},
              ${sqlString(extra)}, UTC_TIMESTAMP() + INTERVAL ${days} DAY + INTERVAL ${Object.keys(events).length} MINUTE,
              ${sqlString(status)}, ${popularity}
         FROM categories WHERE slug = ${sqlString(category)}`);
  const id = Number(sql(`SELECT MAX(event_id) FROM events WHERE name = ${sqlString(name)}`)[0][0]);
  events[key] = id;
  lineup.forEach((performer, i) => {
    const pidRow = addPerformer(performer);
    sql(`INSERT INTO event_performers (event_id, performer_id, billing_order) VALUES (${id}, ${pidRow}, ${i})`);
  });
  return id;
}

const HOSTILE_NAME = `<script>alert("x")</script> ${W.hostile} & "Co" ${tag}`;
const HOSTILE_DESCRIPTION = `Doors at 8 <img src=x onerror=alert(1)> then ${W.hostile} plays </p><b>loud</b> & late.`;

before(async () => {
  // Ranking: the title match starts later, so only relevance can put it first.
  insertEvent('title', { name: `${W.rank} Live ${tag}`, days: 40 });
  insertEvent('description', {
    name: `Evening Session ${tag}`, days: 20,
    description: `A long evening with friends, special guests and, late in the night, ${W.rank} on the small stage.`,
  });
  // Performer, venue and city live in search_extra only.
  insertEvent('performer', { name: `Midsummer Bill ${tag}`, lineup: [`${W.perf} Ensemble`], city: 'London', category: 'theatre', days: 12 });
  insertEvent('vienna', { name: `Strings at Night ${tag}`, city: 'Vienna', category: 'concerts', days: 50, popularity: 50 });
  insertEvent('chicago', { name: `Lakeside Laughs ${tag}`, city: 'Chicago', category: 'comedy', days: 8, popularity: 900 });
  // Never found, whatever the query.
  insertEvent('live', { name: `${W.hide} Live ${tag}`, days: 25 });
  insertEvent('draft', { name: `${W.hide} Draft ${tag}`, status: 'draft', days: 25 });
  insertEvent('cancelled', { name: `${W.hide} Cancelled ${tag}`, status: 'cancelled', days: 25 });
  insertEvent('past', { name: `${W.hide} Yesterday ${tag}`, days: -1 });
  // Words below the FULLTEXT minimum, and stopwords.
  insertEvent('u2', { name: `Vertigo Nights ${tag}`, lineup: ['U2'], city: 'Paris', category: 'concerts', days: 60 });
  insertEvent('acdc', { name: `Highway Tribute ${tag}`, lineup: ['AC/DC'], city: 'Manchester', category: 'concerts', days: 61 });
  insertEvent('who', { name: `The Who Revival ${W.who} ${tag}`, days: 62 });
  // Accents and case, both ways.
  insertEvent('cafe', { name: `Café Müller ${W.accent} ${tag}`, city: 'Berlin', category: 'family', days: 15 });
  insertEvent('creme', { name: `Creme Brulee Cabaret ${W.accent} ${tag}`, city: 'Paris', category: 'comedy', days: 16 });
  // Hostile data in name and description.
  insertEvent('hostile', { name: HOSTILE_NAME, description: HOSTILE_DESCRIPTION, city: 'Barcelona', category: 'comedy', days: 33 });
  await flushCache(); // rows were added behind the app's back
});

after(async () => {
  const ids = Object.values(events);
  if (ids.length) {
    sql(`DELETE FROM event_performers WHERE event_id IN (${ids.join(',')})`);
    sql(`DELETE FROM events WHERE event_id IN (${ids.join(',')})`);
  }
  if (performers.length) sql(`DELETE FROM performers WHERE performer_id IN (${performers.join(',')})`);
  await flushCache();
});

// ------------------------------------------------------------------------------------------
// asking the app

const qs = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined)).toString();
const cardIds = (html) => [...html.matchAll(/data-event-id="(\d+)"/g)].map((m) => Number(m[1]));

async function api(query, params = {}) {
  const url = `/api/v1/search?${qs({ query, ...params })}`;
  const r = await get(url);
  assert.equal(r.status, 200, `GET ${url}: ${r.body.slice(0, 300)}`);
  assert.match(r.contentType, /^application\/json\b/);
  return r.json();
}

async function html(query, params = {}) {
  const url = `/search?${qs({ query, ...params })}`;
  const r = await get(url);
  assert.equal(r.status, 200, `GET ${url}: ${r.body.slice(0, 300)}`);
  assert.match(r.contentType, /^text\/html\b/);
  return r.body;
}

// Every result of the API for a query, following its pages.
async function apiAll(query, params = {}) {
  const ids = [];
  let total;
  for (let page = 1; page <= 200; page++) {
    const doc = await api(query, { ...params, page });
    total ??= doc.total;
    assert.equal(doc.total, total, 'the total is the same on every page');
    ids.push(...doc.events.map((e) => e.eventId));
    if (page * doc.pageSize >= total) break;
  }
  assert.equal(ids.length, total, `the pages hold all ${total} results`);
  return ids;
}

// Every result of the HTML pages, following the rel="next" links they offer.
async function htmlAll(query, params = {}) {
  const ids = [];
  let next = `/search?${qs({ query, ...params })}`;
  const links = [];
  while (next) {
    assert.ok(links.length < 100, 'pagination ends');
    const r = await get(next);
    assert.equal(r.status, 200, `GET ${next}`);
    ids.push(...cardIds(r.body));
    const m = r.body.match(/<a rel="next" href="([^"]+)"/);
    next = m ? decodeHtml(m[1]) : null;
    if (next) links.push(next);
  }
  return { ids, links };
}

const fixtureIds = (...keys) => keys.map((k) => events[k]);
const sorted = (ids) => [...ids].sort((a, b) => a - b);

// ------------------------------------------------------------------------------------------
// what MariaDB says

const LOCAL_DATE = `DATE(CONVERT_TZ(e.starts_at, '+00:00', v.timezone))`;

// Our published upcoming fixtures (every one has the tag in its name) under the filters.
function expectedFixtures({ category, startDate, endDate, location, sort } = {}) {
  const where = [`e.name LIKE ${sqlString(`%${tag}%`)}`, `e.status = 'published'`, `e.starts_at >= UTC_TIMESTAMP()`];
  if (category) where.push(`c.slug = ${sqlString(category)}`);
  if (startDate) where.push(`${LOCAL_DATE} >= ${sqlString(startDate)}`);
  if (endDate) where.push(`${LOCAL_DATE} <= ${sqlString(endDate)}`);
  if (location) where.push(`(v.city LIKE ${sqlString(`%${location}%`)} OR v.name LIKE ${sqlString(`%${location}%`)})`);
  const order = sort === 'popularity' ? 'e.popularity DESC, e.starts_at, e.event_id' : 'e.starts_at, e.event_id';
  return sql(`SELECT e.event_id FROM events e
                JOIN venues v ON v.venue_id = e.venue_id
                JOIN categories c ON c.category_id = e.category_id
               WHERE ${where.join(' AND ')} ORDER BY ${order}`).map((r) => Number(r[0]));
}

// ------------------------------------------------------------------------------------------
// ranking and what is searched

test('a title match ranks above a description-only match', async () => {
  const doc = await api(W.rank);
  assert.equal(doc.query, W.rank);
  assert.deepEqual(doc.events.map((e) => e.eventId), fixtureIds('title', 'description'),
    'both are found, the title match first although it starts later');
  assert.equal(doc.total, 2);
  assert.equal(doc.page, 1);
  assert.equal(doc.pageSize, 20);
  const page = await html(W.rank);
  assert.deepEqual(cardIds(page), fixtureIds('title', 'description'), 'the HTML page agrees');
  // sort=date overrides relevance
  const byDate = await api(W.rank, { sort: 'date' });
  assert.deepEqual(byDate.events.map((e) => e.eventId), fixtureIds('description', 'title'));
});

test('performer names, venue names and cities are searched', async () => {
  const perf = await api(W.perf);
  assert.deepEqual(perf.events.map((e) => e.eventId), fixtureIds('performer'), 'a performer');
  assert.deepEqual(perf.events[0].performers, [`${W.perf} Ensemble`], 'the performer is in the JSON');

  const vienna = venueByCity('Vienna');
  const venueWord = vienna.name.split(' ')[0];   // "Konzerthaus"
  const byVenue = await api(`${venueWord} ${tag}`);
  assert.deepEqual(byVenue.events.map((e) => e.eventId), fixtureIds('vienna'), `the venue name ${venueWord}`);

  const byCity = await api(`chicago ${tag}`);
  assert.deepEqual(byCity.events.map((e) => e.eventId), fixtureIds('chicago'), 'a city, in lower case');
  assert.equal(byCity.events[0].venue.city, 'Chicago');
});

test('drafts, cancelled and past events never appear', async () => {
  const doc = await api(W.hide);
  assert.deepEqual(doc.events.map((e) => e.eventId), fixtureIds('live'));
  assert.equal(doc.total, 1);
  const page = await html(W.hide);
  assert.deepEqual(cardIds(page), fixtureIds('live'));
  for (const hidden of ['Draft', 'Cancelled', 'Yesterday']) {
    assert.ok(!decodeHtml(page).includes(`${W.hide} ${hidden}`), `${hidden} is not on the page`);
  }
  const all = await apiAll(tag, { pageSize: 100 });
  for (const key of ['draft', 'cancelled', 'past']) assert.ok(!all.includes(events[key]), `${key} not found by the tag`);
});

// ------------------------------------------------------------------------------------------
// what real users type

test('FULLTEXT operators typed by accident are harmless', async () => {
  const plain = sorted(await apiAll(tag));
  assert.deepEqual(plain, sorted(expectedFixtures()), 'the tag finds every published upcoming fixture');
  for (const typed of [`"${tag}`, `+${tag}`, `-${tag}`, `(${tag}`, `${tag})`, `${tag}*`, `~${tag}`, `@${tag}`,
    `<${tag}>`, `"${tag}"`, `${tag} @@`, `+-* ${tag}`, `${tag}%`, `'${tag}'`, `${tag}\\`, `${tag};`]) {
    assert.deepEqual(sorted(await apiAll(typed)), plain, `query ${JSON.stringify(typed)} finds what ${tag} finds`);
    await html(typed);
  }
  // Nothing searchable at all: an honest "no match", never an error.
  for (const typed of ['+-*', '@@', '"', '()', '*', '%', '_', '\\', "'", '<>', '~', '“”', '…']) {
    const doc = await api(typed);
    assert.equal(doc.total, 0, `query ${JSON.stringify(typed)}`);
    assert.deepEqual(doc.events, []);
    assert.match(decodeHtml(await html(typed)), /No events match/, `HTML for ${JSON.stringify(typed)}`);
  }
  // Operators around real words keep the words.
  const jazz = await api('jazz');
  assert.ok(jazz.total > 0, 'the demo data has jazz');
  for (const typed of ['"jazz', '(jazz', 'jazz)', '+jazz', '-jazz', '~jazz', 'jazz*', '@jazz', '"jazz"']) {
    assert.equal((await api(typed)).total, jazz.total, `query ${JSON.stringify(typed)}`);
  }
  for (const typed of ['"rock', '~x', 'x', "' OR 1=1 --", 'a_b', '50%']) {
    await api(typed);
    await html(typed);
  }
});

test('words shorter than the FULLTEXT minimum still find events', async () => {
  for (const q of ['U2', 'u2', 'U2 ', '(U2)']) {
    const ids = (await api(q)).events.map((e) => e.eventId);
    assert.ok(ids.includes(events.u2), `query ${JSON.stringify(q)} finds the U2 event (got ${ids})`);
  }
  assert.deepEqual((await api(`U2 ${tag}`)).events.map((e) => e.eventId), fixtureIds('u2'), 'short and long words combine');
  assert.deepEqual((await api(`AC DC ${tag}`)).events.map((e) => e.eventId), fixtureIds('acdc'), 'AC DC');
  const acdc = (await api('AC/DC')).events.map((e) => e.eventId);
  assert.ok(acdc.includes(events.acdc), 'an all-short query works');
});

test('stopwords are searchable on their own and ignored next to other words', async () => {
  // The index keeps stopwords (sql/0003), also for rows added after the migration: a query
  // made only of them finds the act, its title match first.
  for (const q of ['The Who', 'the who', 'WHO']) {
    const ids = (await api(q)).events.map((e) => e.eventId);
    assert.equal(ids[0], events.who, `query ${JSON.stringify(q)} puts "The Who Revival" first (got ${ids})`);
  }
  // Next to a real word they narrow nothing, so they are dropped ("of" could only be matched
  // in names, "the*" would cost more than the rest of the query).
  assert.deepEqual((await api(`the ${W.rank} of`)).events.map((e) => e.eventId), fixtureIds('title', 'description'));
  assert.deepEqual((await api(`The Who ${W.who}`)).events.map((e) => e.eventId), fixtureIds('who'));
});

test('accents and case do not matter', async () => {
  for (const q of [`muller ${W.accent}`, `MÜLLER ${W.accent}`, `Cafe ${W.accent}`, `CAFÉ ${W.accent}`, `cafe muller ${tag}`]) {
    assert.deepEqual((await api(q)).events.map((e) => e.eventId), fixtureIds('cafe'), `query ${JSON.stringify(q)}`);
  }
  for (const q of [`crème brûlée ${W.accent}`, `CRÈME ${W.accent}`, `brulee ${tag}`]) {
    assert.deepEqual((await api(q)).events.map((e) => e.eventId), fixtureIds('creme'), `query ${JSON.stringify(q)}`);
  }
  // prefixes work with accents too
  assert.deepEqual((await api(`mül ${W.accent}`)).events.map((e) => e.eventId), fixtureIds('cafe'));
  // and highlighting folds the same way
  const page = await html(`CAFE MULLER ${W.accent}`);
  assert.match(page, /<mark>Café<\/mark> <mark>Müller<\/mark> <mark>[a-z0-9]+<\/mark>/);
  const creme = await html(`CRÈME ${W.accent}`);
  assert.match(creme, /<mark>Creme<\/mark> Brulee Cabaret/);
});

test('a 1,000-character query works; 1,001 characters is a 400', async () => {
  let long = '';
  while (long.length < 1000) long += `jazz ${tag} `;
  long = long.slice(0, 1000);
  assert.equal(long.length, 1000);
  const doc = await api(long);
  assert.ok(Array.isArray(doc.events));
  await html(long);
  const accents = 'é'.repeat(1000);   // 1,000 characters, 2,000 bytes
  await api(accents);
  await html(accents);
  // Runs of spaces collapse before counting, and so do leading and trailing ones.
  await api(`   ${'ab '.repeat(333)}   `);

  for (const tooLong of [long + 'x', 'é'.repeat(1001)]) {
    const r = await get(`/api/v1/search?${qs({ query: tooLong })}`);
    assert.equal(r.status, 400);
    const { error } = r.json();
    assert.equal(error.code, 'bad_request');
    assert.match(error.message, /'query'.*1000/);
    const h = await get(`/search?${qs({ query: tooLong })}`);
    assert.equal(h.status, 400);
    assert.match(h.contentType, /^text\/html\b/);
    assert.match(decodeHtml(h.body), /'query' must be at most 1000 characters/);
    assert.match(h.body, /<form class="filters"/, 'the page keeps the form');
  }
});

test('an empty query asks for one (HTML) or is a 400 (API)', async () => {
  for (const url of ['/search', '/search?query=', '/search?query=%20%20', '/search?query=&category=concerts']) {
    const r = await get(url);
    assert.equal(r.status, 200, url);
    assert.match(r.body, /Type an artist, event, venue or city/, `${url} asks for a query`);
    assert.match(r.body, /<form class="filters"/, `${url} has the filter form`);
    assert.equal(cardIds(r.body).length, 0);
  }
  for (const url of ['/api/v1/search', '/api/v1/search?query=', '/api/v1/search?query=+%09+', '/api/v1/search?category=concerts']) {
    const r = await get(url);
    assert.equal(r.status, 400, url);
    const { error } = r.json();
    assert.equal(error.code, 'bad_request');
    assert.equal(error.message, "Parameter 'query' is required.");
  }
});

// ------------------------------------------------------------------------------------------
// with the browse filters

test('search combined with the filters finds exactly what MariaDB says', async () => {
  const cases = [
    {},
    { category: 'concerts' },
    { category: 'comedy' },
    { startDate: isoDay(14), endDate: isoDay(45) },
    { startDate: isoDay(30) },
    { endDate: isoDay(20) },
    { location: 'Paris' },
    { location: 'lakeshore' },
    { location: 'Berlin', category: 'concerts', startDate: isoDay(10), endDate: isoDay(70) },
    { category: 'concerts', sort: 'date' },
    { sort: 'popularity' },
    { category: 'theatre', location: 'Vienna' },
  ];
  for (const filters of cases) {
    const want = expectedFixtures(filters);
    const got = await apiAll(tag, { ...filters, pageSize: 2 });
    if (filters.sort) assert.deepEqual(got, want, `?${qs(filters)} in order`);
    else assert.deepEqual(sorted(got), sorted(want), `?${qs(filters)}`);
    const { ids, links } = await htmlAll(tag, { ...filters, pageSize: 2 });
    assert.deepEqual(ids, got, `HTML pages agree with the API for ?${qs(filters)}`);
    for (const link of links) {
      const params = new URL(link, 'http://x').searchParams;
      assert.equal(params.get('query'), tag, `${link} keeps the query`);
      for (const [k, v] of Object.entries(filters)) assert.equal(params.get(k), v, `${link} keeps ${k}`);
    }
  }
});

test('bad filter values are a 400 naming the parameter', async () => {
  const cases = [
    [{ startDate: 'yesterday' }, 'startDate'],
    [{ endDate: '2026-02-30' }, 'endDate'],
    [{ startDate: isoDay(20), endDate: isoDay(10) }, 'endDate'],
    [{ category: 'nope' }, 'category'],
    [{ page: '-1' }, 'page'],
    [{ page: '1000000000000' }, 'page'],
    [{ pageSize: '0' }, 'pageSize'],
    [{ sort: 'cheapest' }, 'sort'],
    [{ venue: 'abc' }, 'venue'],
    [{ location: 'x'.repeat(101) }, 'location'],
  ];
  for (const [filters, param] of cases) {
    const query = qs({ query: tag, ...filters });
    const r = await get(`/api/v1/search?${query}`);
    assert.equal(r.status, 400, `API ?${query}`);
    const { error } = r.json();
    assert.equal(error.code, 'bad_request');
    assert.ok(error.message.includes(`'${param}'`) || error.message.toLowerCase().includes(param.toLowerCase()),
      `the message names ${param}: ${error.message}`);
    const h = await get(`/search?${query}`);
    assert.equal(h.status, 400, `HTML ?${query}`);
    assert.match(h.contentType, /^text\/html\b/);
    assert.ok(decodeHtml(h.body).includes(error.message), 'the page shows the same message');
    assert.ok(h.body.includes(`name="query" value="${tag}"`), 'the form keeps the query');
  }
  const twice = await get(`/api/v1/search?query=${tag}&query=x`);
  assert.equal(twice.status, 400);
  assert.match(twice.json().error.message, /'query'/);
});

test('a page past the last one is empty but still counts the results', async () => {
  const all = await api(tag);
  assert.ok(all.total > 3);
  const past = await api(tag, { pageSize: 3, page: Math.ceil(all.total / 3) + 1 });
  assert.deepEqual(past.events, []);
  assert.equal(past.total, all.total);
  const page = await html(tag, { pageSize: 3, page: Math.ceil(all.total / 3) + 1 });
  assert.equal(cardIds(page).length, 0);
  assert.match(decodeHtml(page), new RegExp(`There are only ${all.total} results`));
  assert.match(page, /href="\/search\?query=zqx\d+&amp;pageSize=3"/, 'a link back to the first page');
});

// ------------------------------------------------------------------------------------------
// HTML and JSON, highlighting, caching

test('HTML and JSON agree on the same query', async () => {
  for (const q of [tag, W.rank, 'jazz', 'berlin', 'the', 'U2', 'night', 'Müller']) {
    for (const params of [{}, { pageSize: 3 }, { pageSize: 3, page: 2 }, { sort: 'popularity' }]) {
      const doc = await api(q, params);
      const page = await html(q, params);
      assert.deepEqual(cardIds(page), doc.events.map((e) => e.eventId), `ids and order for ${q} ?${qs(params)}`);
      if (doc.events.length) {
        assert.ok(page.includes(`<p class="muted">${doc.total} event${doc.total === 1 ? '' : 's'}</p>`),
          `the page says ${doc.total} events for ${q} ?${qs(params)}`);
      }
    }
  }
});

test('matches are highlighted and hostile data stays escaped inside and outside the marks', async () => {
  const doc = await api(W.hostile);
  assert.deepEqual(doc.events.map((e) => e.eventId), fixtureIds('hostile'));
  assert.equal(doc.events[0].name, HOSTILE_NAME, 'JSON has the name intact');

  const page = await html(W.hostile);
  const card = page.match(/<li class="event-card"[\s\S]*?<\/li>/)[0];
  const name = card.match(/<h2 class="event-name">([\s\S]*?)<\/h2>/)[1];
  assert.equal(name, `<a href="/events/${events.hostile}">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; `
    + `<mark>${W.hostile}</mark> &amp; &quot;Co&quot; ${tag}</a>`);
  const snippet = card.match(/<p class="event-snippet">([\s\S]*?)<\/p>/)[1];
  assert.equal(snippet, 'Doors at 8 &lt;img src=x onerror=alert(1)&gt; then '
    + `<mark>${W.hostile}</mark> plays &lt;/p&gt;&lt;b&gt;loud&lt;/b&gt; &amp; late.`);
  assert.ok(!page.includes('<script>alert'), 'no raw script tag');
  assert.ok(!page.includes('<img src=x'), 'no raw img tag');
  assert.deepEqual([...new Set([...card.matchAll(/<(\/?[a-z0-9]+)/g)].map((m) => m[1]))].sort(),
    ['/a', '/h2', '/li', '/mark', '/p', '/span', '/time', 'a', 'h2', 'li', 'mark', 'p', 'span', 'time'],
    'the card holds only the template\'s own tags');

  // A hostile query is escaped in the heading, the search box, the form and the links.
  const hostileQuery = `"><script>alert(2)</script> ${tag}`;
  const r = await html(hostileQuery);
  assert.ok(!r.includes('<script>alert(2)'), 'the query is not injected');
  assert.ok(r.includes('Results for “&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;'), 'the heading shows it escaped');
  assert.ok(r.includes('value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;'), 'the search box keeps it escaped');
});

test('the snippet shows the description around the first match', async () => {
  const page = await html(W.rank);
  const cards = [...page.matchAll(/<li class="event-card"[\s\S]*?<\/li>/g)].map((m) => m[0]);
  const desc = cards.find((c) => c.includes(`data-event-id="${events.description}"`));
  const snippet = desc.match(/<p class="event-snippet">([\s\S]*?)<\/p>/)[1];
  assert.ok(snippet.includes(`<mark>${W.rank}</mark>`), snippet);
  assert.ok(decodeHtml(snippet.replace(/<\/?mark>/g, '')).length <= 170, 'about 160 characters');
  const title = cards.find((c) => c.includes(`data-event-id="${events.title}"`));
  assert.match(title, new RegExp(`<mark>${W.rank}</mark> Live`), 'the title match is highlighted');
});

test('an edit shows in search results within the cache freshness bound', async () => {
  const before = await api(W.renamed);
  assert.equal(before.total, 0);
  sql(`UPDATE events SET name = ${sqlString(`${W.renamed} Show ${tag}`)}, version = version + 1
        WHERE event_id = ${events.chicago}`);
  await waitFor(async () => (await api(W.renamed)).events.some((e) => e.eventId === events.chicago),
    { timeoutMs: 3000, what: 'the renamed event in the search results' });
});
