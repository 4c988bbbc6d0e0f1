// Helpers for the e-ticket and door tests (50_checkin, 51_ticket_pages, 06_hostile_input):
// the stack's ticket keys and check-in secret as the pool reads them, ticket codes taken
// apart and signed here (app/core/ticket_code.h, byte by byte, with openssl's BLAKE2BMAC:
// nothing shared with libsodium), bookings bought through the API or the checkout form, the
// door (its page as a person at the door uses it, and POST /api/v1/checkin), the ticket pages
// read back, and the tools that read a PDF or a QR code without our libraries.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE_URL, CONFIG, masterPid, post, request, sql, waitFor } from './lib.mjs';
import { Shopper, holdAndOpen, pageMessage, pageText } from './checkout.mjs';

// ------------------------------------------------------------------------------------------
// the configuration the pool runs with

// Every `Dotted.Name = value` of an HDF file (sections `Name { ... }` opened and closed).
export function hdfValues(text) {
  const values = new Map();
  const stack = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let m;
    if ((m = line.match(/^([\w.]+)\s*\{$/))) stack.push(m[1]);
    else if (line === '}') stack.pop();
    else if ((m = line.match(/^([\w.]+)\s*=\s*(.*)$/))) values.set([...stack, m[1]].join('.'), m[2]);
  }
  return values;
}

// The environment of the pool's master: a secret given there wins over the file's.
function poolEnvironment() {
  const env = new Map();
  for (const entry of readFileSync(`/proc/${masterPid()}/environ`, 'latin1').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

// The e-tickets' settings of `text` (default: the stack's config) as the pool reads them:
// {keys: Map(id → 64 hex), current, derived, checkinSecret, siteSecret}. With no
// Tickets.SigningKeys the ring is key 0 derived from Secrets.Key (`derived` true).
export function ticketSettings(text = readFileSync(CONFIG, 'utf8')) {
  const hdf = hdfValues(text);
  const env = poolEnvironment();
  const secret = (key, envName) => env.get(envName) ?? hdf.get(key) ?? '';
  const siteSecret = secret('Secrets.Key', 'BOXOFFICE_SECRET_KEY');
  const configured = secret('Tickets.SigningKeys', 'BOXOFFICE_TICKET_KEYS');
  const keys = new Map();
  for (const entry of configured.split(/[\s,]+/).filter(Boolean)) {
    const [id, hex] = entry.split(':');
    keys.set(Number(id), hex.toLowerCase());
  }
  const derived = keys.size === 0;
  if (derived) keys.set(0, derivedTicketKey(siteSecret));
  return {
    keys, current: derived ? 0 : Number(hdf.get('Tickets.CurrentKey') ?? 0), derived,
    checkinSecret: secret('Tickets.CheckinSecret', 'BOXOFFICE_CHECKIN_SECRET'), siteSecret,
  };
}

// The stack's config with the Tickets section's keys replaced: `keys` an `id:hex, ...`
// string (null: no SigningKeys line at all, so the ring derives from Secrets.Key).
export function withTicketKeys(text, keys, current) {
  assert.match(text, /^Tickets\s*\{$/m, 'the config has a Tickets section');
  const rest = text.replace(/^\s*(SigningKeys|CurrentKey)\s*=.*\n/gm, '');
  const lines = keys === null ? '' : `  SigningKeys = ${keys}\n  CurrentKey = ${current}\n`;
  return rest.replace(/^Tickets\s*\{\n/m, (open) => open + lines);
}

// ------------------------------------------------------------------------------------------
// ticket codes: 29 bytes (version and key id, event, booking, ticket, 12 bytes of MAC) as 47
// characters of Crockford base32

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_DOMAIN = 'boxoffice-ticket';

export function codeToBytes(code) {
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{47}$/, `a canonical ticket code: ${code}`);
  const bits = [...code].map((c) => CODE_ALPHABET.indexOf(c).toString(2).padStart(5, '0')).join('');
  return Buffer.from(Array.from({ length: 29 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2)));
}

export function bytesToCode(bytes) {
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('') + '000';
  return Array.from({ length: 47 }, (_, i) => CODE_ALPHABET[parseInt(bits.slice(i * 5, i * 5 + 5), 2)]).join('');
}

export function decodeCode(code) {
  const b = codeToBytes(code);
  return {
    version: b[0] >> 4, keyId: b[0] & 15, eventId: b.readUIntBE(1, 4), bookingId: b.readUIntBE(5, 6),
    ticketId: b.readUIntBE(11, 6), mac: b.subarray(17).toString('hex'),
  };
}

// Keyed BLAKE2b of `size` bytes (RFC 7693, which libsodium's crypto_generichash is), by openssl.
function blake2bMac(keyHex, message, size) {
  const r = spawnSync('openssl', ['mac', '-macopt', `hexkey:${keyHex}`, '-macopt', `size:${size}`, 'BLAKE2BMAC'],
    { input: message, encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl mac BLAKE2BMAC: ${r.stderr}`);
  return Buffer.from(r.stdout.trim(), 'hex');
}

// ticket_keyring_derive: BLAKE2b-256 keyed by the site's secret (16..64 bytes as it is) over
// the context string.
export function derivedTicketKey(siteSecret) {
  const secret = Buffer.from(siteSecret, 'utf8');
  assert.ok(secret.length >= 16 && secret.length <= 64, 'the stack\'s Secrets.Key keys BLAKE2b as it is');
  return blake2bMac(secret.toString('hex'), Buffer.from('boxoffice ticket signing key v1'), 32).toString('hex');
}

// The code of these ids signed with key `keyHex` under id `keyId`.
export function signCode({ keyId, keyHex, eventId, bookingId, ticketId }) {
  const body = Buffer.alloc(17);
  body[0] = (1 << 4) | keyId;
  body.writeUIntBE(eventId, 1, 4);
  body.writeUIntBE(bookingId, 5, 6);
  body.writeUIntBE(ticketId, 11, 6);
  const mac = blake2bMac(keyHex, Buffer.concat([Buffer.from(CODE_DOMAIN), body]), 16).subarray(0, 12);
  return bytesToCode(Buffer.concat([body, mac]));
}

export const randomKeyHex = () => Buffer.from(Array.from({ length: 32 }, () => Math.floor(Math.random() * 256))).toString('hex');

// `code` with character `at` (a MAC character by default) changed to another of the alphabet:
// still well formed, no longer signed.
export function alteredCode(code, at = 30) {
  const other = CODE_ALPHABET[(CODE_ALPHABET.indexOf(code[at]) + 1) % 32];
  return code.slice(0, at) + other + code.slice(at + 1);
}

// ------------------------------------------------------------------------------------------
// buying

export const JSON_TYPE = { 'content-type': 'application/json' };
export const VISA = { provider: 'test', paymentMethod: 'pm_card_visa' };

// A confirmed booking of `ticketIds` through POST /api/v1/bookings (the test card), with no
// contact unless `extra` gives one, so it writes no message: {bookingId, token, codes}, the
// codes in ticket order as MariaDB holds them.
export async function buyByApi(eventId, ticketIds, extra = {}) {
  const r = await post('/api/v1/bookings', JSON.stringify({
    eventId, ticketIds, buyerName: 'Door Test Buyer', paymentInfo: VISA, ...extra,
  }), { headers: JSON_TYPE });
  assert.equal(r.status, 201, `booking ${ticketIds}: ${r.body.slice(0, 300)}`);
  const { bookingId, accessToken, paymentStatus } = r.json();
  assert.equal(paymentStatus, 'confirmed');
  return { bookingId, token: accessToken, codes: itemCodes(bookingId) };
}

export function itemCodes(bookingId) {
  return sql(`SELECT ticket_code FROM booking_items WHERE booking_id = ${bookingId} ORDER BY ticket_id`)
    .map(([code]) => code);
}

// Hold `ticketIds` (and standing places) through the seat map's form and pay on the checkout
// page with the test card, naming holders: `holders[i]` (if given) in the page's i-th
// ticket's name field; returns the confirmation's {bookingId, token, codes, ticketsUrl,
// ticketsPdfUrl}.
export async function buyByForm(eventId, ticketIds, { standingQty, standingSection, buyer, email, holders = [] }) {
  const { shopper, booking, page } = await holdAndOpen(eventId, ticketIds, { standingQty, standingSection });
  const nameFields = Object.keys(page.pay.fields).filter((k) => k.startsWith('holder_name_'));
  assert.ok(holders.length <= nameFields.length, 'a name field for every holder');
  const r = await shopper.post(`/checkout/${booking.bookingId}/pay`, [
    ['csrf_token', page.pay.fields.csrf_token], ['token', page.pay.fields.token], ['name', buyer],
    ['email', email], ['paymentMethod', 'pm_card_visa'],
    ...holders.map((name, i) => [nameFields[i], name ?? '']),
  ]);
  assert.equal(r.status, 303, `pay: ${r.status} ${pageMessage(r.body)}`);
  const confirmation = await shopper.get(r.headers.get('location'));
  assert.equal(confirmation.status, 200);
  const href = (suffix) => decodeEntities(confirmation.body.match(
    new RegExp(`href="(/bookings/${booking.bookingId}/tickets${suffix.replace('.', '\\.')}\\?key=[^"]+)"`))?.[1]);
  const ticketsUrl = href('');
  const ticketsPdfUrl = href('.pdf');
  assert.ok(ticketsUrl && ticketsPdfUrl, 'the confirmation links the booking\'s tickets and their PDF');
  return { bookingId: booking.bookingId, token: booking.token, codes: itemCodes(booking.bookingId), ticketsUrl, ticketsPdfUrl };
}

const decodeEntities = (s) => s?.replace(/&amp;/g, '&');

// What a box office would do to a booking that no route changes yet: its status set in SQL,
// its e-tickets left as they were.
export function setBookingStatus(bookingId, status) {
  sql(`UPDATE bookings SET payment_status = '${status}' WHERE booking_id = ${bookingId}`);
}

// Every message the bookings wrote has gone out (or was given up): so a test that drops its
// bookings pulls no row from under the notifier.
export async function messagesSettled(bookingIds) {
  if (bookingIds.length === 0) return;
  await waitFor(() => Number(sql(`SELECT COUNT(*) FROM outbox WHERE state = 'queued'
                                   AND booking_id IN (${bookingIds.join(',')})`)[0][0]) === 0,
    { what: `the messages of bookings ${bookingIds.join(', ')} to be sent`, timeoutMs: 60_000 });
}

// ------------------------------------------------------------------------------------------
// the door

export const checkinPath = (eventId) => `/admin/events/${eventId}/checkin`;

// The check-in page as the person at the door sees it.
export function parseCheckinPage(html) {
  const main = html.match(/<main\b[^>]*>([\s\S]*)<\/main>/)?.[1] ?? html;
  const result = main.match(/<p class="checkin-result[^"]*"[^>]*data-result="([^"]*)"[^>]*>([\s\S]*?)<\/p>/);
  const progress = main.match(/<p class="checkin-progress"[^>]*><strong>(\d+)<\/strong> admitted of <strong>(\d+)<\/strong>/);
  const error = main.match(/<p class="form-error"[^>]*>([\s\S]*?)<\/p>/);
  return {
    locked: /<form class="checkin-unlock"/.test(main),
    scanForm: /<form class="checkin-form"/.test(main),
    csrf: main.match(/name="csrf_token" value="([^"]*)"/)?.[1],
    heading: pageText(main.match(/<h1>([\s\S]*?)<\/h1>/)?.[1] ?? ''),
    result: result?.[1],
    message: result ? pageText(result[2]) : undefined,
    progress: progress ? { admitted: Number(progress[1]), sold: Number(progress[2]) } : undefined,
    error: error ? pageText(error[1]) : undefined,
    door: main.match(/name="door"[^>]*value="([^"]*)"/)?.[1],
    text: pageText(main),
  };
}

// A person at a door: a browser of their own that types the secret once, then scans.
export class Door extends Shopper {
  constructor(eventId, name) {
    super();
    this.eventId = eventId;
    this.name = name;
  }

  async page() {
    const r = await this.get(checkinPath(this.eventId));
    return { status: r.status, r, ...parseCheckinPage(r.body) };
  }

  // Type `secret` on the page (as its form does): the answer and the page it leads to.
  async unlock(secret) {
    const locked = await this.page();
    assert.ok(locked.csrf, 'the page carries a CSRF token');
    const r = await this.post(checkinPath(this.eventId), [['csrf_token', locked.csrf], ['secret', secret]]);
    return { r, ...parseCheckinPage(r.body) };
  }

  async open(secret) {
    const { r } = await this.unlock(secret);
    assert.equal(r.status, 303, `the right secret opens the door: ${r.status} ${pageMessage(r.body)}`);
    const page = await this.page();
    assert.ok(page.scanForm, 'the door is open');
    this.csrf = page.csrf;
    return page;
  }

  // One scan through the page's form: {status, result, message, progress, ...}.
  async scan(code, door = this.name) {
    const r = await this.post(checkinPath(this.eventId), [['csrf_token', this.csrf], ['code', code], ['door', door]]);
    return { status: r.status, ...parseCheckinPage(r.body) };
  }
}

// POST /api/v1/checkin as a scanner app does; `auth` is the whole Authorization header
// (null: none). The answer's JSON as `json`.
export async function apiScan(body, { secret, auth = `Bearer ${secret}`, headers = JSON_TYPE } = {}) {
  const h = { ...headers };
  if (auth !== null) h.authorization = auth;
  const r = await request('POST', '/api/v1/checkin', { body: typeof body === 'string' ? body : JSON.stringify(body), headers: h });
  let json;
  try {
    json = JSON.parse(r.body);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, r };
}

// The door's record: every scan of the event, oldest first.
export function scansOf(eventId) {
  return sql(`SELECT code, verdict, door, booking_id, ticket_id FROM checkin_scans
               WHERE event_id = ${eventId} ORDER BY scan_id`)
    .map(([code, verdict, door, bookingId, ticketId]) => ({
      code, verdict, door, bookingId: bookingId === null ? null : Number(bookingId),
      ticketId: ticketId === null ? null : Number(ticketId),
    }));
}

export function checkedIn(code) {
  const rows = sql(`SELECT DATE_FORMAT(checked_in_at, '%Y-%m-%d %H:%i:%s'), checked_in_door FROM booking_items
                     WHERE ticket_code = '${code}'`);
  assert.equal(rows.length, 1, `one e-ticket has code ${code}`);
  return { at: rows[0][0], door: rows[0][1] };
}

// ------------------------------------------------------------------------------------------
// the ticket pages

// Every ticket card of a page: what it prints, its QR symbol as drawn, or its VOID notice.
export function parseTicketCards(html) {
  return [...html.matchAll(/<article class="eticket( void)?">([\s\S]*?)<\/article>/g)].map(([, isVoid, card]) => {
    const dd = Object.fromEntries([...card.matchAll(/<dt>([^<]*)<\/dt><dd[^>]*>([\s\S]*?)<\/dd>/g)]
      .map(([, k, v]) => [k, pageText(v)]));
    const svg = card.match(/<svg class="eticket-qr"[^>]*width="(\d+)"[^>]*viewBox="0 0 (\d+) (\d+)"[^>]*>[\s\S]*?<path fill="#000" d="([^"]*)"\/><\/svg>/);
    const header = card.match(/<header>([\s\S]*?)<\/header>/)[1];
    const voidNotice = card.match(/<p class="eticket-void"[^>]*>([\s\S]*?)<\/p>/);
    return {
      void: Boolean(isVoid),
      event: pageText(header.match(/<h2>([\s\S]*?)<\/h2>/)[1]),
      datetime: header.match(/<time datetime="([^"]*)">/)?.[1],
      when: pageText(header.match(/<time[^>]*>([\s\S]*?)<\/time>/)[1]),
      zone: pageText(header.match(/<span class="zone">([\s\S]*?)<\/span>/)[1]),
      place: pageText([...header.matchAll(/<p>([\s\S]*?)<\/p>/g)].at(-1)[1]),
      seat: dd.Seat, holder: dd.Name, booking: dd.Booking, price: dd.Price,
      code: pageText(card.match(/<p class="eticket-code"><code>([\s\S]*?)<\/code>/)?.[1] ?? ''),
      voidNotice: voidNotice ? pageText(voidNotice[1]) : undefined,
      qr: svg ? { pixels: Number(svg[1]), size: Number(svg[2]), path: svg[4] } : null,
    };
  });
}

// The dark modules of an SVG path of `M x y h w v 1 h -w z` runs, as "x,y" strings.
export function qrModules(pathData) {
  const dark = new Set();
  for (const [, x, y, w] of pathData.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let i = 0; i < Number(w); i++) dark.add(`${Number(x) + i},${Number(y)}`);
  }
  return dark;
}

// ------------------------------------------------------------------------------------------
// reading PDFs and QR codes with poppler and zbar

export function withTempDir(fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'boxoffice-tickets-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(cmd, args, { okStatuses = [0] } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  assert.ok(okStatuses.includes(r.status), `${cmd} ${args.join(' ')}: ${r.status ?? r.error} ${r.stderr}`);
  return r;
}

// zbarimg's reading of an image file: the symbols' texts ([] when there is none).
export function scanImage(file) {
  const r = run('zbarimg', ['--raw', '-q', file], { okStatuses: [0, 4] });   // 4: no symbol found
  return r.stdout.split('\n').filter(Boolean);
}

// A PDF read back: {pages, text: [per page], codes: [per page, what zbarimg finds]}.
export function readPdf(buffer) {
  return withTempDir((dir) => {
    const file = path.join(dir, 'tickets.pdf');
    writeFileSync(file, buffer);
    const pages = Number(run('pdfinfo', [file]).stdout.match(/^Pages:\s+(\d+)/m)[1]);
    run('pdftoppm', ['-r', '110', '-png', file, path.join(dir, 'page')]);
    const out = { pages, text: [], codes: [] };
    for (let p = 1; p <= pages; p++) {
      out.text.push(run('pdftotext', ['-f', String(p), '-l', String(p), '-layout', file, '-']).stdout);
      const png = path.join(dir, `page-${String(p).padStart(String(pages).length, '0')}.png`);
      out.codes.push(scanImage(png));
    }
    return out;
  });
}

// A headless Chromium (Debian's, driven by tests/e2e's playwright-core) that draws our pages,
// so an SVG QR code is read from pixels, as a phone's camera reads it: qrCodes(urlPath) is
// what zbarimg reads in each QR symbol of the page, in page order.
export async function openBrowser() {
  const { chromium } = await import('../e2e/node_modules/playwright-core/index.mjs');
  const profile = mkdtempSync(path.join(tmpdir(), 'boxoffice-qr-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1000, height: 1400 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    async qrCodes(urlPath) {
      const r = await page.goto(BASE_URL + urlPath);
      assert.equal(r.status(), 200, `the browser opens ${urlPath}`);
      const symbols = page.locator('svg.eticket-qr');
      const found = [];
      for (let i = 0; i < (await symbols.count()); i++) {
        const png = await symbols.nth(i).screenshot();
        found.push(withTempDir((dir) => {
          writeFileSync(path.join(dir, 'qr.png'), png);
          return scanImage(path.join(dir, 'qr.png'));
        }));
      }
      return found;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// GET a PDF as bytes.
export async function getBytes(urlPath) {
  const res = await fetch(BASE_URL + urlPath, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
