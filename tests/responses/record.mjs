#!/usr/bin/env node
// record.mjs BASE_URL OUTFILE: send a fixed list of a few hundred requests to a running stack
// (freshly seeded with `boxoffice seed --demo`) and write every exchange to OUTFILE as text:
// the request, the status line, the response headers (lowercased, sorted by name) and the
// body, so that `diff -u` of two recordings shows exactly what a change did to the responses.
//
// Requests go one at a time over raw sockets (every byte of the request is ours: no
// Accept-Encoding, no normalised paths), read-only pages first, then the booking flow.
// What is per-run by nature is masked (see README.md): request ids, Date, which cache layer
// answered, times derived from "now", and random tokens and codes, each learned where it
// first appears and then replaced everywhere by a placeholder.
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const [BASE_ARG, OUTFILE] = process.argv.slice(2);
if (!BASE_ARG || !OUTFILE) {
  process.stderr.write('usage: record.mjs BASE_URL OUTFILE\n');
  process.exit(2);
}
const BASE = new URL(BASE_ARG);
const BASE_URL = BASE.origin; // http://127.0.0.1:PORT
const CROSS_SITE = 'https://evil.example';
// A well-formed bo_csrf cookie (64 lowercase hex, app/csrf.c): with a fixed Secrets.Key the
// CSRF tokens of the pages come out the same on every run.
const CSRF_COOKIE = '0123456789abcdef'.repeat(4);
const TIMEOUT_MS = 30_000;

// ------------------------------------------------------------------------------------------
// masking: learned values → placeholders, applied to everything written

const masks = new Map(); // concrete value → placeholder
const counters = {};

function learn(kind, value) {
  if (!value || masks.has(value)) return;
  counters[kind] = (counters[kind] ?? 0) + 1;
  masks.set(value, `<${kind}-${counters[kind]}>`);
}

// Times taken from "now" get one placeholder per kind, unnumbered: two of them falling in the
// same second on one run but not on the other must not renumber anything.
function learnTime(kind, value) {
  if (value && !masks.has(value)) masks.set(value, `<${kind}>`);
}

// A booking token with its last character changed (as tests/integration/lib.mjs does): the
// request still names a token, but not the booking's; it must not leak the random value.
function tampered(token) {
  return token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
}

function learnToken(token) {
  if (!token || masks.has(token)) return;
  learn('token', token);
  masks.set(tampered(token), masks.get(token).replace('>', '-tampered>'));
}

masks.set(BASE_URL, '<base-url>');
masks.set(BASE.host, '<host>');

function applyMasks(text, requestId) {
  if (requestId) text = text.split(requestId).join('<request-id>');
  // Longest first, so a value that contains another is replaced whole.
  for (const [value, placeholder] of [...masks].sort((a, b) => b[0].length - a[0].length)) {
    if (text.includes(value)) text = text.split(value).join(placeholder);
  }
  // "held for about <strong>10 minutes</strong>": minutes left of a hold, counted from now.
  return text.replace(/(held for about <strong>)\d+ minutes?(<\/strong>)/g, '$1<minutes-left>$2');
}

// Header values that are per-run by nature: the value is masked, the header's presence is kept.
const MASKED_HEADERS = {
  date: '<date>',
  'x-page-cache': '<cache-layer>', // l1, memcached, stale or built: which worker answered
  'x-cache-status': '<cache-status>', // nginx's micro-cache: HIT, MISS, UPDATING, ...
  'last-modified': '<file-mtime>', // static files: the checkout's mtime
  etag: '<file-etag>',
  expires: '<date+7d>',
};

// Learn what a response reveals for the first time (tokens, codes, times) before writing it.
function learnFrom(res) {
  const location = res.header('location') ?? '';
  learnToken(location.match(/[?&]token=([A-Za-z0-9_-]{20,})/)?.[1]);
  for (const c of res.headers.filter(([k]) => k === 'set-cookie').map(([, v]) => v)) {
    const cookie = c.match(/^bo_csrf=([^;]*)/)?.[1];
    if (cookie && cookie !== CSRF_COOKIE) {
      learn('csrf-cookie', cookie);
      // The page that issued it carries the token made from it.
      learn('csrf-token', res.text.match(/name="csrf_token" value="([0-9a-f]+)"/)?.[1]);
    }
  }
  if (res.header('content-type')?.startsWith('application/json')) {
    let doc;
    try {
      doc = JSON.parse(res.text);
    } catch {
      return;
    }
    learnToken(doc?.accessToken);
    learn('booking-code', doc?.bookingCode);
    learnTime('created-at', doc?.createdAt);
    learnTime('hold-expires-at', doc?.expiresAt);
    for (const t of Array.isArray(doc?.tickets) ? doc.tickets : []) learn('ticket-code', t?.ticketCode);
    return;
  }
  learnTime('hold-expires-at', res.text.match(/class="hold-timer"[^]*?<time datetime="([^"]+)">/)?.[1]);
  learn('booking-code', res.text.match(/Booking code <strong>([^<]+)<\/strong>/)?.[1]);
  for (const m of res.text.matchAll(/<td><code>([^<]+)<\/code><\/td>/g)) learn('ticket-code', m[1]);
}

// ------------------------------------------------------------------------------------------
// HTTP over a raw socket: the request exactly as given, the response read to the close

function exchange(method, target, headers, body) {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${BASE.host}`];
  for (const [k, v] of headers) lines.push(`${k}: ${v}`);
  if (body !== undefined && !headers.some(([k]) => /^(content-length|transfer-encoding)$/i.test(k))) {
    lines.push(`Content-Length: ${body.length}`);
  }
  lines.push('Connection: close');
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return new Promise((resolve) => {
    const chunks = [];
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve({ raw: Buffer.concat(chunks), error });
    };
    const sock = net.connect({ host: BASE.hostname, port: Number(BASE.port || 80) });
    sock.setTimeout(TIMEOUT_MS, () => finish('timeout'));
    sock.on('connect', () => {
      sock.write(head);
      if (body !== undefined && body.length) sock.write(body);
    });
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => finish(null));
    sock.on('error', (e) => finish(chunks.length ? null : e.code ?? String(e)));
    sock.on('close', () => finish(null));
  });
}

function dechunk(buf) {
  const out = [];
  let i = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(i, eol).toString('latin1'), 16);
    if (!(size > 0)) break;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

function parseResponse(raw, method) {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const headers = headerLines.map((l) => {
    const colon = l.indexOf(':');
    return [l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()];
  });
  let body = method === 'HEAD' ? Buffer.alloc(0) : raw.subarray(end + 4);
  if (headers.some(([k, v]) => k === 'transfer-encoding' && /chunked/i.test(v))) body = dechunk(body);
  const text = decodeUtf8(body) ?? body.toString('latin1');
  return {
    statusLine: statusLine.replace(/^HTTP\/\d\.\d /, ''),
    status: Number(statusLine.split(' ')[1]),
    headers,
    body,
    text,
    header: (name) => headers.find(([k]) => k === name)?.[1],
    json() {
      try {
        return JSON.parse(text);
      } catch {
        return null;
      }
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function decodeUtf8(buf) {
  try {
    return utf8.decode(buf);
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------------------------------
// the recording

const out = [];
let count = 0;

// Long lines (a seat map row, a JSON list of a thousand tickets) are cut where an element
// ends and the next begins, and after "}," or "],". Each piece after the first goes on a "~ "
// line: the body is the "| " and "~ " lines joined, each "| " starting a new line. The cuts
// depend on the content only, so a change moves no cut but its own.
function bodyLines(text) {
  const lines = [];
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  for (const line of parts) {
    if (line.length <= 200) {
      lines.push('| ' + line);
      continue;
    }
    const segments = line.split(/(?<=<\/[a-zA-Z][a-zA-Z0-9]*>|\/>)(?=<[a-zA-Z])|(?<=[}\]],)/).flatMap((s) => s.match(/[^]{1,400}/g) ?? ['']);
    segments.forEach((s, i) => lines.push((i ? '~ ' : '| ') + s));
  }
  return lines;
}

function describe(text, buf, what) {
  if (buf.length === 0) return [`--- ${what}: empty`];
  const tail = buf.at(-1) === 0x0a ? [] : ['--- (no newline at end)'];
  if (decodeUtf8(buf) !== null && !/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) {
    return [`--- ${what} (${buf.length} bytes)`, ...bodyLines(text), ...tail];
  }
  // Not plain UTF-8 text (nginx's own pages end their lines with \r\n): printable ASCII as
  // it is, a backslash doubled, every other byte but \n as \xNN.
  const s = [...buf].map((b) => (b === 0x5c ? '\\\\' : b === 0x0a || (b >= 0x20 && b < 0x7f) ? String.fromCharCode(b)
    : '\\x' + b.toString(16).padStart(2, '0'))).join('');
  return [`--- ${what} (${buf.length} bytes, escaped)`, ...bodyLines(s), ...tail];
}

// rec(method, target, {headers, body, show, note}) → the parsed response (or a stand-in with
// status 0 when nothing came back). `show` replaces a large request body in the recording.
async function rec(method, target, { headers = [], body, show, note } = {}) {
  const bodyBuf = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const { raw, error } = await exchange(method, target, headers, bodyBuf);
  const res = parseResponse(raw, method);
  count++;
  // The target as sent; bytes outside printable ASCII as \xNN.
  const shown = target.replace(/[^\x20-\x7e]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
  const lines = [`=== ${String(count).padStart(4, '0')} ${method} ${shown}`];
  if (note) lines.push(`--- note: ${note}`);
  for (const [k, v] of headers) lines.push(`> ${k.toLowerCase()}: ${v}`);
  if (bodyBuf !== undefined) {
    const plain = decodeUtf8(bodyBuf);
    if (show !== undefined) lines.push(`--- request body (${bodyBuf.length} bytes): ${show}`);
    else if (plain !== null && plain.length && plain.length <= 1000 && !/[\x00-\x1f\x7f]/.test(plain)) {
      lines.push(`--- request body (${bodyBuf.length} bytes): ${plain}`);
    } else lines.push(...describe(bodyBuf.toString('utf8'), bodyBuf, 'request body'));
  }
  if (!res) {
    lines.push(`--- no response (${error ?? 'connection closed'}; ${raw.length} bytes)`);
    out.push(applyMasks(lines.join('\n')), '');
    return { status: 0, statusLine: '', headers: [], body: Buffer.alloc(0), text: '', header: () => undefined, json: () => null };
  }
  learnFrom(res);
  const requestId = res.header('x-request-id');
  lines.push(`--- response: ${res.statusLine}`);
  const sorted = res.headers.map((h, i) => [...h, i]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[2] - b[2]));
  for (const [k, v] of sorted) lines.push(`${k}: ${MASKED_HEADERS[k] ?? v}`);
  lines.push(...describe(res.text, res.body, 'response body'));
  out.push(applyMasks(lines.join('\n'), requestId), '');
  return res;
}

const get = (target, opts) => rec('GET', target, opts);
const head = (target, opts) => rec('HEAD', target, opts);
const enc = encodeURIComponent;

// Dates around "today" (UTC): the seeded events are "N days from today", so the recording is
// the same all day long and the filters keep finding events as the calendar moves on.
function day(offset) {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset))
    .toISOString().slice(0, 10);
}

// ------------------------------------------------------------------------------------------
// 1. the home page and the listing. "/" and "/events" share one entry of the page cache (the
// same filters) but render the Events link differently: asked for together, first of all, so
// the entry that answers both is the same on every run.

async function listing() {
  await get('/');
  await head('/');
  await get('/events');
  for (const same of ['page=1', 'page=', 'page=%201', 'sort=date', 'pageSize=20', 'unknown=1', 'location=%20%20',
    'category=&startDate=&endDate=&location=']) {
    await get(`/events?${same}`);
  }

  for (const p of ['2', '3', '4', '0', '-1', 'abc', '1.5', '10000', '10001']) await get(`/events?page=${p}`);
  for (const s of ['1', '5', '100', '101', '0', 'x']) await get(`/events?pageSize=${s}`);
  await get('/events?pageSize=5&page=3');
  await get('/events?page=1&page=2');

  for (const c of ['comedy', 'concerts', 'family', 'sports', 'theatre', 'opera', 'CONCERTS', 'konzert%C3%BC', '%27%20OR%201%3D1']) {
    await get(`/events?category=${c}`);
  }
  await get('/events?category=concerts&category=sports');

  const valid = [day(0), day(7), day(30), day(90), day(400)];
  for (const d of valid) await get(`/events?startDate=${d}`);
  for (const d of valid) await get(`/events?endDate=${d}`);
  await get(`/events?startDate=${day(7)}&endDate=${day(30)}`);
  await get(`/events?startDate=${day(10)}&endDate=${day(10)}`);
  await get(`/events?startDate=${day(30)}&endDate=${day(7)}`);
  for (const bad of ['2026-02-30', '2026-13-01', '2026-1-1', '26-01-01', 'tomorrow', '1999-12-31', '2101-01-01', '2026-12-31T00:00']) {
    await get(`/events?startDate=${enc(bad)}`);
  }
  await get('/events?endDate=2027-02-29');

  for (const l of ['Berlin', 'berlin', 'New York', 'new%20york', '  Paris  ', 'Lon', 'Kesselhaus', 'M\u00fcnchen', 'Z\u00fcrich', '%', '_', 'Nowhere']) {
    await get(`/events?location=${l.includes('%') && l.length > 1 ? l : enc(l)}`);
  }
  await get(`/events?location=${'a'.repeat(100)}`);
  await get(`/events?location=${'a'.repeat(101)}`);
  await get(`/events?location=${'\u00e9'.repeat(100).split('').map(enc).join('')}`);

  for (const s of ['popularity', 'relevance', 'bogus']) await get(`/events?sort=${s}`);
  for (const v of ['1', '2', '0', 'abc', '99999']) await get(`/events?venue=${v}`);

  await get('/events?category=concerts&location=Berlin');
  await get(`/events?category=theatre&startDate=${day(1)}&endDate=${day(60)}`);
  await get('/events?category=sports&location=Chicago&sort=popularity&pageSize=2&page=2');
  await get(`/events?location=London&sort=popularity&startDate=${day(5)}`);
  await get('/events?category=family&pageSize=1&page=2');
  await get('/events?category=comedy&location=Berlin');
}

// ------------------------------------------------------------------------------------------
// 2. every event page, and ids that are not events

const EVENT_IDS = Array.from({ length: 52 }, (_, i) => i + 1); // the demo seeds 49

async function eventPages() {
  for (const id of EVENT_IDS) await get(`/events/${id}`);
  for (const id of ['0', '01', '0000000001', '4294967295', '4294967296', '12345678901', 'abc', '1abc', '-1', '1.0', '%31', '1%20']) {
    await get(`/events/${id}`);
  }
  await get('/events/1/');
  await get('/events//1');
  await head('/events/2');
  await head('/events/47');
}

// ------------------------------------------------------------------------------------------
// 3. the JSON API (the details and ticket lists are kept: the booking flow picks from them)

const details = new Map();
const ticketLists = new Map();

async function api() {
  await get('/api/v1/events');
  for (const p of ['page=2', 'page=3', 'pageSize=100', 'pageSize=3&page=4', 'page=0', 'pageSize=1000', 'page=1&page=2']) {
    await get(`/api/v1/events?${p}`);
  }
  for (const c of ['concerts', 'theatre', 'nope']) await get(`/api/v1/events?category=${c}`);
  await get(`/api/v1/events?startDate=${day(7)}&endDate=${day(60)}`);
  await get('/api/v1/events?startDate=2026-02-30');
  await get('/api/v1/events?location=Vienna&sort=popularity');
  await get('/api/v1/events?sort=relevance');
  await get('/api/v1/events?category=concerts&location=London&pageSize=2');

  for (const id of EVENT_IDS) details.set(id, (await get(`/api/v1/events/${id}`)).json());
  for (const id of ['0', 'abc', '4294967296']) await get(`/api/v1/events/${id}`);

  for (const id of EVENT_IDS) ticketLists.set(id, (await get(`/api/v1/events/${id}/tickets`)).json());
  for (const s of ['available', 'reserved', 'sold', 'bogus', '']) await get(`/api/v1/events/3/tickets?status=${s}`);
  await get('/api/v1/events/abc/tickets');
}

// ------------------------------------------------------------------------------------------
// 4. search, the page and the API

const SEARCHES = [
  'jazz', 'Jazz', 'JAZZ', 'jazz berlin', 'berlin', 'London', 'new york', 'M\u00fcller', 'muller',
  'Bj\u00f6rk', 'bjork', 'Zo\u00eb', 'Am\u00e9lie', 'caf\u00e9', '\u65e5\u672c', '\ud83c\udfb5', 'the', 'a',
  '', ' ', 'velvet hours', '"velvet hours"', 'velvet -hours', '+velvet +hours', 'velv*',
  "'; DROP TABLE events; --", "1' OR '1'='1", '" OR ""="', "o'brien", 'jazz"',
  '<script>alert(1)</script>', '%', '_', '\\', 'S\u00f3l & Salt', 'comedy', 'theatre night',
  'nonexistentword', '2026', 'x'.repeat(1000), 'x'.repeat(1001),
  Array.from({ length: 24 }, (_, i) => `word${i}`).join(' '),
];

async function search() {
  await get('/search');
  for (const s of SEARCHES) await get(`/search?query=${enc(s)}`);
  await get('/search?query=jazz&category=concerts');
  await get('/search?query=the&sort=date');
  await get('/search?query=berlin&sort=relevance&page=2&pageSize=2');
  await get('/search?query=jazz&sort=bogus');
  await get(`/search?query=london&startDate=${day(3)}&location=London`);
  await get('/search?query=jazz&query=rock');

  for (const s of ['jazz', 'berlin', 'Bj\u00f6rk', 'nonexistentword', "'; DROP TABLE events; --", '', 'x'.repeat(1001)]) {
    await get(`/api/v1/search?query=${enc(s)}`);
  }
  await get('/api/v1/search');
  await get('/api/v1/search?query=the&category=theatre&pageSize=3');
  await get('/api/v1/search?query=berlin&sort=date');
}

// ------------------------------------------------------------------------------------------
// 5. errors: unknown pages, wrong methods, malformed requests

async function errors() {
  for (const p of ['/nope', '/events/1/nope', '/api/v1/nope', '/api/v2/events', '/checkout', '/bookings',
    '/static/nope.css', '/index.html', '/EVENTS', '/events.json']) {
    await get(p);
  }
  await get('/static/style.css');
  await get('/favicon.ico');

  for (const [m, p] of [['POST', '/events'], ['DELETE', '/events/1'], ['PUT', '/events/1'], ['GET', '/events/1/hold'],
    ['OPTIONS', '/events'], ['PATCH', '/api/v1/events/1'], ['PUT', '/api/v1/bookings'], ['GET', '/api/v1/bookings'],
    ['DELETE', '/api/v1/bookings/1'], ['GET', '/checkout/1/pay'], ['POST', '/search'], ['POST', '/']]) {
    await rec(m, p);
  }

  // percent-escapes and bytes that are not UTF-8, in the path and in the query
  for (const t of ['/events?x=%zz', '/events?x=%', '/events?x=%0', '/events?x=%00', '/events?x=%FF', '/events?%C3%28=1',
    '/search?query=%G1', '/search?query=%C3', '/events/%zz', '/%zz', '/events/%FF', '/%C3%28', '/events/\xff',
    '/events/%00', '/events/%2e%2e/1', '/events/../events/1', '/events?' + Array.from({ length: 257 }, (_, i) => `p${i}=1`).join('&')]) {
    await get(t);
  }
  await get(`/events?${'k'.repeat(257)}=1`);
  await get(`/search?query=${'y'.repeat(7900)}`, { note: 'query string of 7,906 bytes' });
  await get(`/events?location=${'z'.repeat(9000)}`, { note: 'request line over nginx\'s 8 KiB' });

  // bodies: too big, not JSON, not what the content type says, bad lengths
  const json = [['Content-Type', 'application/json']];
  const big = '{"pad":"' + 'a'.repeat(1536 * 1024) + '"}';
  await rec('POST', '/api/v1/bookings', { headers: json, body: big, show: '{"pad":"aaa…"} (1.5 MiB)' });
  await rec('POST', '/api/v1/bookings', { headers: [...json, ['Content-Length', String(3 * 1024 * 1024)]], body: '',
    note: 'Content-Length of 3 MiB, no body sent' });
  for (const b of ['', '   ', '{', '{"eventId":}', '[]', '"text"', '{"eventId":1} x', '{"a":1}{"b":2}',
    '['.repeat(20) + ']'.repeat(20), '{"eventId":"\\u0000"}', '{"eventId":1,"eventId":2}', 'null', '{"eventId":1e999}']) {
    await rec('POST', '/api/v1/bookings', { headers: json, body: b });
  }
  await rec('POST', '/api/v1/bookings', { headers: json, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) });
  await rec('POST', '/api/v1/bookings', { headers: json, body: Buffer.from('{"a":"\0"}') });
  await rec('POST', '/api/v1/bookings', { headers: [['Content-Type', 'text/plain']], body: '{"eventId":1}' });
  await rec('POST', '/api/v1/bookings', { headers: [['Content-Type', 'application/jsonx']], body: '{"eventId":1}' });
  await rec('POST', '/api/v1/bookings', { body: '{"eventId":1}' });
  await rec('POST', '/api/v1/bookings', { headers: [...json, ['Content-Length', 'abc']], body: '' });
  await rec('POST', '/api/v1/bookings', { headers: [...json, ['Content-Length', '-1']], body: '' });
  await rec('POST', '/api/v1/bookings', { headers: [...json, ['Content-Length', '2'], ['Content-Length', '3']], body: '{}' });
  await rec('POST', '/api/v1/bookings', { headers: [...json, ['Transfer-Encoding', 'chunked']], body: '5\r\n{"a":\r\n0\r\n\r\n' });
  await rec('POST', '/events/1/hold', { headers: [['Content-Type', 'multipart/form-data; boundary=x']],
    body: '--x\r\nContent-Disposition: form-data; name="ticketId"\r\n\r\n1\r\n--x--\r\n' });
  await rec('POST', '/events/1/hold', { headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'ticketId=%zz' });
  await rec('POST', '/events/1/hold', { headers: [['Content-Type', 'application/x-www-form-urlencoded']],
    body: 'a=' + 'b'.repeat(70 * 1024), show: 'a=bbb… (70 KiB value)' });
  await get('/events/1', { headers: [['Cookie', 'bo_csrf=short; other="quoted"; =novalue; junk']] });
  await get('/api/v1/bookings/1');
  await get('/api/v1/bookings/abc?token=x');
  await get('/bookings/1');
  await get('/checkout/abc?token=x');
  await get('/checkout/0?token=x');
}

// ------------------------------------------------------------------------------------------
// 6. HEAD

async function heads() {
  for (const p of ['/events?page=2', '/search?query=jazz', '/api/v1/events', '/api/v1/events/1', '/api/v1/events/1/tickets',
    '/api/v1/search?query=berlin', '/nope', '/api/v1/nope', '/static/style.css']) {
    await head(p);
  }
}

// ------------------------------------------------------------------------------------------
// 7. the booking flow, state-changing, last. Events and tickets come from the API answers
// recorded above: published, on sale, with seated and standing sections; seats in ticket order.

function bookableEvents() {
  const found = [];
  for (const id of EVENT_IDS) {
    const d = details.get(id);
    const t = ticketLists.get(id);
    if (!d?.onSale || !Array.isArray(t?.tickets)) continue;
    const standing = d.sections?.find((s) => s.kind === 'standing' && s.available > 2);
    const seats = t.tickets.filter((x) => x.status === 'available' && x.row !== null).map((x) => x.ticketId);
    if (standing && seats.length >= 8) found.push({ id, standing: standing.sectionId, seats });
  }
  return found;
}

const form = (pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
const FORM = ['Content-Type', 'application/x-www-form-urlencoded'];
const SHOPPER = ['Cookie', `bo_csrf=${CSRF_COOKIE}`];
const SAME_SITE = ['Origin', BASE_URL];

function checkoutOf(res) {
  const m = (res.header('location') ?? '').match(/^\/checkout\/(\d+)\?token=([A-Za-z0-9_-]+)$/);
  return m ? { id: m[1], token: m[2] } : { id: '0', token: 'missing' };
}

const csrfOf = (res) => res.text.match(/name="csrf_token" value="([0-9a-f]+)"/)?.[1] ?? 'missing';

async function bookingFlow() {
  const events = bookableEvents();
  const fallback = { id: 1, standing: 1, seats: [1, 2, 3, 4, 5, 6, 7, 8] };
  const html = events[0] ?? fallback;
  const viaApi = events[1] ?? fallback;
  const other = events[2] ?? fallback;
  const E = html.id;
  const [s1, s2, s3, s4, s5] = html.seats;
  const hold = (pairs, headers) => rec('POST', `/events/${E}/hold`, { headers: [FORM, ...headers], body: form(pairs) });

  // holds through the seat map's form
  await hold([['ticketId', s1], ['ticketId', s2]], [SHOPPER, ['Origin', CROSS_SITE]]);
  await hold([], [SHOPPER, SAME_SITE]);
  await hold([['ticketId', 'abc']], [SHOPPER, SAME_SITE]);
  await hold([[`standing_${html.standing}`, '9']], [SHOPPER, SAME_SITE]);
  await hold(Array.from({ length: 9 }, (_, i) => ['ticketId', html.seats[i] ?? s1 + i]), [SHOPPER, SAME_SITE]);
  await hold([['ticketId', other.seats[0]]], [SHOPPER, SAME_SITE]);
  const b1 = checkoutOf(await hold([['ticketId', s1], ['ticketId', s2], ['ticketId', s1]], [SHOPPER, SAME_SITE]));
  await hold([['ticketId', s2], ['ticketId', s3]], [SHOPPER]);
  const b2 = checkoutOf(await hold([['ticketId', s3], [`standing_${html.standing}`, '2']], [SHOPPER]));
  await rec('POST', '/events/999999/hold', { headers: [FORM, SHOPPER], body: form([['ticketId', s5]]) });

  // the checkout page, and who may see it
  const url1 = `/checkout/${b1.id}?token=${b1.token}`;
  const page1 = await get(url1, { headers: [SHOPPER] });
  const csrf = csrfOf(page1);
  await get(url1, { note: 'no cookie: a bo_csrf cookie is issued' });
  await get(`/checkout/${b1.id}`, { headers: [SHOPPER] });
  await get(`/checkout/${b1.id}?token=${tampered(b1.token)}`, { headers: [SHOPPER] });
  await get(`/checkout/${b2.id}?token=${b1.token}`, { headers: [SHOPPER] });

  // changing seats
  const seats1 = `/checkout/${b1.id}/seats`;
  await get(`${seats1}?token=${b1.token}`, { headers: [SHOPPER] });
  const change = (pairs, headers = [SHOPPER]) => rec('POST', seats1, { headers: [FORM, ...headers], body: form(pairs) });
  await change([['token', b1.token], ['ticketId', s1], ['ticketId', s4]]);
  await change([['csrf_token', '0'.repeat(64)], ['token', b1.token], ['ticketId', s1], ['ticketId', s4]]);
  await change([['csrf_token', csrf], ['token', b1.token], ['ticketId', s1], ['ticketId', s4]], []);
  await change([['csrf_token', csrf], ['token', b1.token], ['ticketId', 'abc']]);
  await change([['csrf_token', csrf], ['token', b1.token], ['ticketId', s1], ['ticketId', s1]]);
  await change([['csrf_token', csrf], ['token', b1.token]]);
  await change([['csrf_token', csrf], ['token', b1.token], ['ticketId', s1], ['ticketId', s3]]);
  await change([['csrf_token', csrf], ['token', b1.token], ['ticketId', other.seats[0]]]);
  await change([['csrf_token', csrf], ['token', b1.token], ['ticketId', s1], ['ticketId', s4], [`standing_${html.standing}`, '1']]);
  await get(url1, { headers: [SHOPPER] });

  // paying: refused, declined, then accepted
  const pay = (id, token, pairs, headers = [SHOPPER]) =>
    rec('POST', `/checkout/${id}/pay`, { headers: [FORM, ...headers], body: form([['token', token], ...pairs]) });
  const buyer = [['name', 'Ada Lovelace'], ['email', 'ada@example.com']];
  await pay(b1.id, b1.token, [...buyer, ['paymentMethod', 'pm_card_visa']]);
  await pay(b1.id, b1.token, [['csrf_token', csrf], ['name', ''], ['email', 'ada@example.com'], ['paymentMethod', 'pm_card_visa']]);
  await pay(b1.id, b1.token, [['csrf_token', csrf], ['name', 'Ada <b>Lovelace</b>'], ['email', 'not-an-email'], ['paymentMethod', 'pm_card_visa']]);
  await pay(b1.id, b1.token, [['csrf_token', csrf], ...buyer, ['paymentMethod', 'pm_card_bogus']]);
  await pay(b1.id, b1.token, [['csrf_token', csrf], ...buyer, ['paymentMethod', 'pm_card_chargeDeclined']]);
  await pay(b1.id, tampered(b1.token), [['csrf_token', csrf], ...buyer, ['paymentMethod', 'pm_card_visa']]);
  await pay(b1.id, b1.token, [['csrf_token', csrf], ...buyer, ['paymentMethod', 'pm_card_visa']]);
  await get(`/bookings/${b1.id}?token=${b1.token}`, { headers: [SHOPPER] });
  await get(`/bookings/${b1.id}?token=${tampered(b1.token)}`);
  await get(url1, { headers: [SHOPPER] });
  await get(`${seats1}?token=${b1.token}`, { headers: [SHOPPER] });
  await pay(b1.id, b1.token, [['csrf_token', csrf], ...buyer, ['paymentMethod', 'pm_card_visa']]);

  // releasing the other hold
  const release = (pairs, headers = [SHOPPER]) =>
    rec('POST', `/checkout/${b2.id}/release`, { headers: [FORM, ...headers], body: form([['token', b2.token], ...pairs]) });
  await get(`/checkout/${b2.id}?token=${b2.token}`, { headers: [SHOPPER] });
  await release([]);
  await release([['csrf_token', csrf]]);
  await release([['csrf_token', csrf]]);
  await get(`/checkout/${b2.id}?token=${b2.token}`, { headers: [SHOPPER] });
  await get(`/bookings/${b2.id}?token=${b2.token}`, { headers: [SHOPPER] });
  await get(`/checkout/${b2.id}/seats?token=${b2.token}`, { headers: [SHOPPER] });
  await pay(b2.id, b2.token, [['csrf_token', csrf], ...buyer, ['paymentMethod', 'pm_card_visa']]);
  await rec('POST', `/checkout/${b1.id}/release`, { headers: [FORM, SHOPPER], body: form([['token', b1.token], ['csrf_token', csrf]]) });

  // the API booking
  const [a1, a2, a3, a4] = viaApi.seats;
  const JSON_CT = ['Content-Type', 'application/json'];
  const booking = (doc, headers = []) => rec('POST', '/api/v1/bookings', { headers: [JSON_CT, ...headers], body: JSON.stringify(doc) });
  const card = (m) => ({ provider: 'test', paymentMethod: m });
  const buyerJson = { buyerName: 'Grace Hopper', buyerEmail: 'grace@example.com' };
  await booking({ eventId: viaApi.id, ticketIds: [a1] });
  await booking({ eventId: viaApi.id, ticketIds: [a1], paymentInfo: card('pm_card_visa'), ...buyerJson }, [['Idempotency-Key', 'has space']]);
  await booking({ eventId: viaApi.id, ticketIds: [a1], paymentInfo: { provider: 'nope', paymentMethod: 'x' } });
  await booking({ eventId: viaApi.id, ticketIds: [a1, a1], paymentInfo: card('pm_card_visa') });
  await booking({ eventId: viaApi.id, ticketIds: viaApi.seats.slice(0, 9), paymentInfo: card('pm_card_visa') });
  await booking({ eventId: viaApi.id, ticketIds: [], paymentInfo: card('pm_card_visa') });
  await booking({ eventId: viaApi.id, ticketIds: ['1'], paymentInfo: card('pm_card_visa') });
  await booking({ eventId: viaApi.id, ticketIds: [a1], paymentInfo: card('pm_card_unknown') });
  await booking({ eventId: viaApi.id, ticketIds: [a1, a2], paymentInfo: card('pm_card_chargeDeclined'), ...buyerJson }, [['Idempotency-Key', 'record-declined']]);
  const doc = { eventId: viaApi.id, ticketIds: [a1, a2], paymentInfo: card('pm_card_visa'), ...buyerJson };
  const created = await booking(doc, [['Idempotency-Key', 'record-1']]);
  await booking(doc, [['Idempotency-Key', 'record-1']]);
  await booking({ ...doc, ticketIds: [a3] }, [['Idempotency-Key', 'record-1']]);
  await booking({ eventId: viaApi.id, ticketIds: [a2, a3], paymentInfo: card('pm_card_visa') });
  const standing = await booking({ eventId: viaApi.id, ticketIds: [a4], standing: [{ sectionId: viaApi.standing, quantity: 2 }], paymentInfo: card('pm_card_visa') });
  await booking({ eventId: viaApi.id, standing: [{ sectionId: viaApi.standing, quantity: 0 }], paymentInfo: card('pm_card_visa') });
  await booking({ eventId: viaApi.id, ticketIds: [s5], paymentInfo: card('pm_card_visa') });
  for (const id of [47, 49, 999999]) await booking({ eventId: id, ticketIds: [a3], paymentInfo: card('pm_card_visa') });

  const c = created.json() ?? {};
  const s = standing.json() ?? {};
  await get(`/api/v1/bookings/${c.bookingId}`, { headers: [['Authorization', `Bearer ${c.accessToken}`]] });
  await get(`/api/v1/bookings/${c.bookingId}?token=${c.accessToken}`);
  await get(`/api/v1/bookings/${c.bookingId}`);
  await get(`/api/v1/bookings/${c.bookingId}?token=${tampered(String(c.accessToken))}`);
  await get(`/api/v1/bookings/${s.bookingId}`, { headers: [['Authorization', `Bearer ${c.accessToken}`]] });
  await get(`/api/v1/bookings/${s.bookingId}`, { headers: [['Authorization', `Bearer ${s.accessToken}`]] });
  await get(`/api/v1/bookings/${b1.id}?token=${b1.token}`);
  await get(`/api/v1/bookings/${b2.id}?token=${b2.token}`);
  await get(`/bookings/${c.bookingId}?token=${c.accessToken}`);
  await get(`/checkout/${s.bookingId}?token=${s.accessToken}`, { headers: [SHOPPER] });
}

// ------------------------------------------------------------------------------------------

const started = Date.now();
await listing();
await eventPages();
await api();
await search();
await errors();
await heads();
await bookingFlow();
out.push(`=== end: ${count} responses`, '');
const text = out.join('\n');
writeFileSync(OUTFILE, text);
const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
process.stderr.write(`record: ${count} responses in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${OUTFILE} (${(text.length / 1e6).toFixed(1)} MB, sha256 ${digest})\n`);
