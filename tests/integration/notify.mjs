// Reading what the notifier sent, with code that shares nothing with the code that wrote it:
// the outbox rows behind each message (MariaDB), the mails that reached the stack's catcher
// (maildev's raw source, parsed by mailparser and by the small MIME reader below), the texts
// the gateway stand-in's Twilio sink took, the QR codes (zbarimg) and the PDF (poppler).
// Every wait is a bounded poll on a condition.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONFIG, sql, waitFor, reloadConfig } from './lib.mjs';
import { MAIL_WEB_URL, listMails, rawMail, parseMail } from '../mail/mail.mjs';

const GATEWAY_URL = process.env.BOXOFFICE_GATEWAY_URL;

// The mariadb client talks utf8mb3 unless told: characters beyond U+FFFF (emoji) need this
// before a statement that writes or reads them.
export const UTF8MB4 = 'SET NAMES utf8mb4;';

// Notify.From (the mail's sender) and Notify.SMS.From, as the stack's configuration has them.
const configText = readFileSync(CONFIG, 'utf8');
const mailFrom = configText.match(/^\s*From = (.*?)\s*<([^>]+)>\s*$/m);
export const NOTIFY_FROM = { name: mailFrom[1], address: mailFrom[2] };
export const NOTIFY_SMS_FROM = configText.match(/^\s*From = (\+\d+)\s*$/m)[1];

// Run fn with the pool reading the configuration `edit` makes of the stack's (the master
// reloaded with SIGHUP, every worker replaced), then put it back the same way.
export async function withPoolConfig(edit, fn) {
  const original = readFileSync(CONFIG, 'utf8');
  const edited = edit(original);
  if (edited === original) throw new Error('the edit changed nothing in the configuration');
  await reloadConfig(edited);
  try {
    return await fn();
  } finally {
    await reloadConfig(original);
  }
}

// ------------------------------------------------------------------------------------------
// the outbox

// Every outbox row of the bookings `bookingIds`, oldest first.
export function outboxOf(bookingIds) {
  if (bookingIds.length === 0) return [];
  return sql(`SELECT outbox_id, kind, channel, recipient, booking_id, ticket_id, state, attempts,
                     last_error, payload, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ')
                FROM outbox WHERE booking_id IN (${bookingIds.join(',')}) ORDER BY outbox_id`)
    .map(([id, kind, channel, recipient, bookingId, ticketId, state, attempts, lastError, payload, created]) => ({
      id: Number(id), kind, channel, recipient, bookingId: Number(bookingId),
      ticketId: ticketId === null ? null : Number(ticketId), state, attempts: Number(attempts), lastError,
      payload: payload === null ? null : JSON.parse(payload),
      // "...:56.123000Z": the microseconds cut to what Date.parse takes
      created: Date.parse(created.replace(/(\.\d{3})\d*Z$/, '$1Z')),
    }));
}

// Wait until the notifier has sent every outbox row of `bookingIds`; a row given up fails the
// wait at once, with its error. Returns the rows.
export async function outboxDrained(bookingIds, { timeoutMs = 60_000 } = {}) {
  return waitFor(() => {
    const rows = outboxOf(bookingIds);
    const failed = rows.find((r) => r.state === 'failed');
    if (failed) throw new Error(`outbox row ${failed.id} (${failed.kind} to ${failed.recipient}) was given up: ${failed.lastError}`);
    return rows.every((r) => r.state === 'sent') ? rows : null;
  }, { timeoutMs, intervalMs: 200, what: `the outbox of bookings ${bookingIds.join(', ')} to be sent` });
}

// ------------------------------------------------------------------------------------------
// mail and SMS as they arrived

// The mails maildev holds for `address` (its SMTP envelope's recipient), in arrival order:
// [{id, envelope, raw, parsed}].
export async function mailsTo(address) {
  const want = address.toLowerCase();
  const list = (await listMails(MAIL_WEB_URL)).filter((m) => m.envelope?.to?.some((t) => t.address.toLowerCase() === want));
  const out = [];
  for (const m of list) {
    const raw = await rawMail(MAIL_WEB_URL, m.id);
    out.push({ id: m.id, envelope: m.envelope, raw, parsed: await parseMail(raw) });
  }
  return out;
}

// Wait for `count` mails to `address` (the outbox said they were sent; maildev lists a mail
// once it has stored it), then return them all.
export async function waitMailsTo(address, count, { timeoutMs = 15_000 } = {}) {
  const want = address.toLowerCase();
  await waitFor(async () => (await listMails(MAIL_WEB_URL))
    .filter((m) => m.envelope?.to?.some((t) => t.address.toLowerCase() === want)).length >= count,
  { timeoutMs, intervalMs: 200, what: `${count} mails to ${address}` });
  return mailsTo(address);
}

// The texts the Twilio sink accepted for `number`, oldest first.
export async function smsTo(number) {
  const r = await fetch(`${GATEWAY_URL}/_control/sms`, { signal: AbortSignal.timeout(30_000) });
  if (!r.ok) throw new Error(`GET /_control/sms: ${r.status}`);
  return (await r.json()).messages.filter((m) => m.to === number);
}

// ------------------------------------------------------------------------------------------
// the raw message

// The header block of a raw message: its physical lines, and its fields unfolded, in order
// ({name (lower case), value (raw, undecoded)}).
export function headerBlock(raw) {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end).split('\r\n');
  const fields = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1].value += line;
    else {
      const m = line.match(/^([!-9;-~]+):[ \t]*(.*)$/);
      fields.push(m ? { name: m[1].toLowerCase(), value: m[2] } : { name: null, value: line });
    }
  }
  return { lines, fields };
}

// RFC 2047 encoded words decoded (B and Q, UTF-8), the whitespace between two words dropped.
export function decodeWords(value) {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (m, enc, data) => (enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (q, h) => String.fromCharCode(parseInt(h, 16))), 'latin1'))
      .toString('utf8'));
}

// The MIME tree of a raw message: {type, headers (name → raw value), children, body (the
// undecoded bytes, latin1)}; multipart bodies split on their boundary.
export function mimeTree(raw) {
  return mimeEntity(raw.toString('latin1'));
}

function mimeEntity(text) {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 4);
  const headers = {};
  for (const { name, value } of headerBlock(Buffer.from(head + '\r\n\r\n', 'latin1')).fields) {
    if (name) headers[name] = value;
  }
  const contentType = headers['content-type'] ?? 'text/plain';
  const type = contentType.split(';')[0].trim().toLowerCase();
  const node = { type, headers, children: [], body };
  if (type.startsWith('multipart/')) {
    const boundary = contentType.match(/boundary="?([^";]+)"?/i)?.[1];
    if (!boundary) throw new Error(`${type} without a boundary`);
    const pieces = ('\r\n' + body).split(`\r\n--${boundary}`);
    for (const piece of pieces.slice(1)) {
      if (piece.startsWith('--')) break;          // the close delimiter
      node.children.push(mimeEntity(piece.slice(piece.indexOf('\r\n') + 2)));
    }
    node.body = '';
  }
  return node;
}

// The tree's shape as one line: "multipart/mixed[multipart/alternative[text/plain,...],...]".
export function mimeShape(node) {
  return node.children.length ? `${node.type}[${node.children.map(mimeShape).join(',')}]` : node.type;
}

// Every leaf of the tree, depth first.
export function mimeLeaves(node) {
  return node.children.length ? node.children.flatMap(mimeLeaves) : [node];
}

// ------------------------------------------------------------------------------------------
// QR codes and PDFs, read by zbar and poppler

function withTempDir(fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'notify-test-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.error ?? r.signal}): ${r.stderr}`);
  return r.stdout;
}

// The symbols zbarimg finds in an image file.
const zbar = (file) => run('zbarimg', ['--raw', '-q', file]).split('\n').filter(Boolean);

// The symbols in a PNG (a Buffer).
export function qrCodesInPng(png) {
  return withTempDir((dir) => {
    const file = path.join(dir, 'code.png');
    writeFileSync(file, png);
    return zbar(file);
  });
}

// A PDF read back: its page count (pdfinfo), its text (pdftotext) and, unless `scan` is
// false, the symbols on each page rendered at 150 dpi (pdftoppm, then zbarimg: the slow part).
export function readPdf(pdf, { scan = true } = {}) {
  return withTempDir((dir) => {
    const file = path.join(dir, 'tickets.pdf');
    writeFileSync(file, pdf);
    const pages = Number(run('pdfinfo', [file]).match(/^Pages:\s+(\d+)$/m)[1]);
    const text = run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    if (!scan) return { pages, text };
    run('pdftoppm', ['-r', '150', '-png', file, path.join(dir, 'page')]);
    const images = readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f))
      .sort((x, y) => Number(x.match(/\d+/)[0]) - Number(y.match(/\d+/)[0]));
    return { pages, text, codes: images.map((f) => zbar(path.join(dir, f))) };
  });
}

// ------------------------------------------------------------------------------------------
// what the messages should say

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');

// An event's time as the mails write it (when: "Fri 1 Jan 2027, 17:43 · Europe/Madrid
// (UTC+01:00)", day, time) and as the outbox's payload keeps it (local, offset in minutes),
// worked out here from the UTC instant and the venue's zone with the ICU data of Node.
export function localWhen(utcIso, timeZone) {
  const at = Date.parse(utcIso);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(at)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const offset = Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
  const off = Math.abs(offset);
  const day = `${DAYS[new Date(wall).getUTCDay()]} ${parts.day} ${MONTHS[parts.month - 1]} ${parts.year}`;
  return {
    local: `${parts.year}-${pad(parts.month)}-${pad(parts.day)} ${pad(parts.hour)}:${pad(parts.minute)}:${pad(parts.second)}`,
    offset,
    day,
    time: `${pad(parts.hour)}:${pad(parts.minute)}`,
    when: `${day}, ${pad(parts.hour)}:${pad(parts.minute)} · ${timeZone} (UTC${offset < 0 ? '-' : '+'}${pad(Math.floor(off / 60))}:${pad(off % 60)})`,
  };
}

// An event's start (UTC) and its venue: what the mails print about it.
export function eventFacts(eventId) {
  const [[name, startsAt, venue, address, city, timeZone]] = sql(
    `${UTF8MB4} SELECT e.name, DATE_FORMAT(e.starts_at, '%Y-%m-%dT%H:%i:%sZ'), v.name, v.address, v.city, v.timezone
       FROM events e JOIN venues v ON v.venue_id = e.venue_id WHERE e.event_id = ${eventId}`);
  return { name, startsAt, venue, address, city, timeZone, ...localWhen(startsAt, timeZone) };
}

// The e-tickets of a booking as MariaDB has them, in ticket order, with the line each mail and
// PDF prints for the place ("Stalls · Row A · Seat 3", "Standing · Floor").
export function eticketsOf(bookingId) {
  return sql(`${UTF8MB4} SELECT i.ticket_id, i.ticket_code, s.name, s.kind, vs.row_label, vs.seat_number, i.holder_name,
                     i.holder_email, i.price_cents
                FROM booking_items i JOIN tickets t ON t.ticket_id = i.ticket_id
                JOIN venue_sections s ON s.section_id = t.section_id
                LEFT JOIN venue_seats vs ON vs.seat_id = t.seat_id
               WHERE i.booking_id = ${bookingId} ORDER BY i.ticket_id`)
    .map(([ticketId, code, section, kind, row, seat, holderName, holderEmail, cents]) => ({
      ticketId: Number(ticketId), code, holderName, holderEmail, priceCents: Number(cents),
      place: kind === 'standing' || row === null ? `Standing · ${section}` : `${section} · Row ${row} · Seat ${seat}`,
    }));
}

// What app/net/mail_format.c's mail_clean makes of a value before it goes into a header or a
// text message: C0 controls, DEL, C1 controls and U+2028/U+2029 become spaces, runs of spaces
// fold to one, none at either end.
export function mailCleaned(s) {
  return s.replace(/[\u0000-\u0020\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}
