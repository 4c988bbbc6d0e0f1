// A shopper in a real browser: browses /events, filters by category and then by dates, searches
// for a performer from the header, opens an event and ticks a seat on the seat map by keyboard,
// then holds two seats, changes one of them from the checkout page, pays on the gateway's
// page and sees the e-tickets; opens one (its QR code, screenshotted, scans as its code with
// zbarimg), downloads the booking's PDF (pdftotext reads the event and the seats, pdftoppm +
// zbarimg the codes) and finds the confirmation in the mail catcher. Screenshots of the pages
// go to $BOXOFFICE_TEST_OUTPUT (else tests/e2e/output/): listing, search, event, checkout,
// gateway, confirmation, ticket (and its QR code), the PDF's pages, the mail.
//
// README: run by tests/integration/run (so by `make check` / `./dev test`) against its throwaway
// stack, after the integration files and before the signal tests; by hand, against a stack
// started with `./dev stack start DIR`: `set -a; . DIR/env; set +a; node --test tests/e2e/`.
// Needs Debian's chromium (/usr/bin/chromium) and `npm ci --prefix tests/e2e` (./dev does
// both); never `npx playwright install`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BASE_URL, sql, sqlString, flushCache } from '../integration/lib.mjs';
import { MAIL_WEB_URL, listMails, waitForMails, rawMail, parseMail } from '../mail/mail.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUTPUT = process.env.BOXOFFICE_TEST_OUTPUT || path.join(HERE, 'output');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

let profileDir;
let context;
let page;
const problems = []; // failed same-origin responses, page errors and console errors

// ------------------------------------------------------------------------------------------
// what MariaDB says

function isoDay(offsetDays) {
  const d = new Date();
  d.setUTCHours(12, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}

const LOCAL_DATE = `DATE(CONVERT_TZ(e.starts_at, '+00:00', v.timezone))`;
const UPCOMING = `e.status = 'published' AND e.starts_at >= UTC_TIMESTAMP()`;

function upcomingIds({ category, startDate, endDate } = {}) {
  const where = [UPCOMING];
  if (category) where.push(`c.slug = ${sqlString(category)}`);
  if (startDate) where.push(`${LOCAL_DATE} >= ${sqlString(startDate)}`);
  if (endDate) where.push(`${LOCAL_DATE} <= ${sqlString(endDate)}`);
  return sql(`SELECT e.event_id FROM events e JOIN venues v ON v.venue_id = e.venue_id
                JOIN categories c ON c.category_id = e.category_id
               WHERE ${where.join(' AND ')} ORDER BY e.starts_at, e.event_id`).map((r) => Number(r[0]));
}

// The performer of `eventIds` who plays the most upcoming events (ties: by name).
function busiestPerformer(eventIds) {
  const [name] = sql(`SELECT p.name FROM performers p
                        JOIN event_performers ep ON ep.performer_id = p.performer_id
                        JOIN events e ON e.event_id = ep.event_id
                       WHERE ${UPCOMING}
                         AND p.performer_id IN (SELECT performer_id FROM event_performers
                                                 WHERE event_id IN (${eventIds.join(',')}))
                       GROUP BY p.performer_id, p.name
                       ORDER BY COUNT(*) DESC, p.name LIMIT 1`)[0];
  return name;
}

function eventsOfPerformer(name, where) {
  return sql(`SELECT e.event_id FROM events e
                JOIN event_performers ep ON ep.event_id = e.event_id
                JOIN performers p ON p.performer_id = ep.performer_id
               WHERE p.name = ${sqlString(name)} AND ${where}
               ORDER BY e.event_id`).map((r) => Number(r[0]));
}

// ------------------------------------------------------------------------------------------
// the browser

before(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  profileDir = mkdtempSync(path.join(os.tmpdir(), 'boxoffice-e2e-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
  });
  context.setDefaultTimeout(15_000);
  page = context.pages()[0] ?? (await context.newPage());
  page.on('response', (r) => {
    if (r.url().startsWith(BASE_URL) && r.status() >= 400) {
      problems.push(`${r.request().method()} ${r.url().slice(BASE_URL.length)} → ${r.status()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The browser asks for /favicon.ico on its own; the site has none (yet), and that is not
    // a broken page.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) {
      problems.push(`console error: ${m.text()} (${m.location().url})`);
    }
  });
  await flushCache(); // earlier suites changed rows behind the app's back
});

after(async () => {
  await context?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

// Each step ends with no failed request, script error or console error along the way.
function noProblems(step) {
  const seen = problems.splice(0);
  assert.deepEqual(seen, [], `${step}: failed requests or page errors`);
}

const cardIds = async () =>
  (await page.locator('.event-card').evaluateAll((els) => els.map((el) => el.dataset.eventId))).map(Number);

async function screenshot(t, name) {
  const file = path.join(OUTPUT, name);
  await page.screenshot({ path: file, fullPage: true });
  t.diagnostic(`screenshot: ${file}`);
}

// ------------------------------------------------------------------------------------------
// the scenario; each step starts where the one before left the browser

const range = { startDate: isoDay(10), endDate: isoDay(50) };
let filtered = [];          // event ids after category + dates
let filteredUrl;
let performer;
let searchWorked = false;
let chosenEvent;

test('the shopper opens the listing', async () => {
  const response = await page.goto(`${BASE_URL}/events`);
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'Upcoming events · Boxoffice');
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Upcoming events' }).waitFor());
  const all = upcomingIds();
  assert.ok(all.length > 20, 'the demo data fills more than one page');
  assert.deepEqual(await cardIds(), all.slice(0, 20), 'the first page lists the 20 soonest events');
  await assert.doesNotReject(page.locator('a[rel="next"]').waitFor(), 'a link to the next page');
  noProblems('listing');
});

test('the shopper filters by category with the select and the submit button', async () => {
  await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Concerts' });
  await Promise.all([
    page.waitForURL(/[?&]category=concerts\b/),
    page.getByRole('button', { name: 'Show events' }).click(),
  ]);
  const concerts = upcomingIds({ category: 'concerts' });
  assert.ok(concerts.length > 1, 'the demo data has concerts');
  assert.deepEqual(await cardIds(), concerts.slice(0, 20), 'exactly the upcoming concerts');
  const categories = await page.locator('.event-card .event-category').allTextContents();
  assert.ok(categories.every((c) => c.trim() === 'Concerts'), `every card is a concert: ${categories}`);
  assert.equal(await page.getByLabel('Category', { exact: true }).inputValue(), 'concerts', 'the select keeps the choice');
  noProblems('category filter');
});

test('the shopper narrows to a date range and sees only matching cards', async (t) => {
  await page.getByLabel('From', { exact: true }).fill(range.startDate);
  await page.getByLabel('To', { exact: true }).fill(range.endDate);
  await Promise.all([
    page.waitForURL(/[?&]startDate=/),
    page.getByRole('button', { name: 'Show events' }).click(),
  ]);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('category'), 'concerts', 'the category filter is kept');
  assert.equal(url.searchParams.get('startDate'), range.startDate);
  assert.equal(url.searchParams.get('endDate'), range.endDate);

  filtered = upcomingIds({ category: 'concerts', ...range });
  const allConcerts = upcomingIds({ category: 'concerts' });
  assert.ok(filtered.length > 0 && filtered.length < allConcerts.length,
    `the range keeps some concerts and drops others (${filtered.length} of ${allConcerts.length})`);
  assert.deepEqual(await cardIds(), filtered, 'exactly the concerts in the range, soonest first');
  await assert.doesNotReject(
    page.getByText(`${filtered.length} event${filtered.length === 1 ? '' : 's'}`, { exact: true }).waitFor(),
    'the page says how many events match',
  );
  assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), range.startDate);
  assert.equal(await page.getByLabel('To', { exact: true }).inputValue(), range.endDate);
  filteredUrl = page.url();
  await screenshot(t, 'listing.png');
  noProblems('date filter');
});

test('the shopper searches for a performer from the header search box', async (t) => {
  performer = busiestPerformer(filtered);
  const theirs = eventsOfPerformer(performer, UPCOMING);
  const hidden = eventsOfPerformer(performer, `e.status <> 'published'`);
  t.diagnostic(`searching for ${performer}: events ${theirs.join(', ')}`);
  const box = page.getByRole('searchbox', { name: 'Search events' });
  await box.fill(performer);
  await Promise.all([page.waitForURL(/\/search\?/), box.press('Enter')]);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/search');
  assert.equal(url.searchParams.get('query'), performer);
  noProblems('search'); // a missing or failing /search shows here as its status
  await screenshot(t, 'search.png');

  const found = await cardIds();
  for (const id of theirs) assert.ok(found.includes(id), `event ${id} of ${performer} is found (got ${found})`);
  for (const id of hidden) assert.ok(!found.includes(id), `unpublished event ${id} is not found`);
  const text = await page.locator('.event-card').allInnerTexts();
  assert.ok(text.some((s) => s.includes(performer)), 'the performer is named on a result');
  assert.equal(await box.inputValue(), performer, 'the search box keeps the query');
  searchWorked = true;
});

test('the shopper opens an event and sees its seat map', async (t) => {
  // From the search results; if search failed above, from the filtered listing, so the event
  // page is still checked.
  const [id, name] = sql(`SELECT e.event_id, e.name FROM events e
                           WHERE e.event_id IN (${filtered.join(',')})
                             AND e.event_id IN (${eventsOfPerformer(performer, UPCOMING).join(',')})
                           ORDER BY e.starts_at LIMIT 1`)[0];
  chosenEvent = Number(id);
  if (!searchWorked) await page.goto(filteredUrl);
  await Promise.all([
    page.waitForURL(new RegExp(`/events/${chosenEvent}$`)),
    page.locator(`.event-card[data-event-id="${chosenEvent}"] a`).first().click(),
  ]);
  assert.equal(await page.title(), `${name} · Boxoffice`);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name }).waitFor());

  const seatMap = page.locator('main svg').first();
  await seatMap.waitFor();
  const box = await seatMap.boundingBox();
  assert.ok(box && box.width > 200 && box.height > 100, `the seat map is drawn (${JSON.stringify(box)})`);

  const available = sql(`SELECT ticket_id FROM tickets
                          WHERE event_id = ${chosenEvent} AND seat_id IS NOT NULL AND status = 'available'
                          ORDER BY ticket_id`).map((r) => r[0]);
  assert.ok(available.length > 0, 'the event has seats for sale');
  const seats = page.locator('form input[type="checkbox"][name="ticketId"]');
  const enabled = await seats.evaluateAll((els) => els.filter((el) => !el.disabled).map((el) => el.value));
  assert.deepEqual(enabled.sort((a, b) => a - b), available, 'one enabled checkbox per available seat');
  noProblems('event page');
});

test('a keyboard user ticks a seat with Tab and Space', async (t) => {
  // Tab from the top of the page to the first seat, as a keyboard user would.
  await page.locator('body').focus();
  await page.evaluate(() => document.activeElement?.blur());
  let onSeat = false;
  for (let i = 0; i < 300 && !onSeat; i++) {
    await page.keyboard.press('Tab');
    onSeat = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.matches('input[type="checkbox"][name="ticketId"]') && !el.disabled;
    });
  }
  assert.ok(onSeat, 'Tab reaches a seat checkbox');
  const seat = page.locator('input[name="ticketId"]:focus');
  assert.equal(await seat.isChecked(), false);
  // The name Chromium's accessibility tree gives the focused seat: what a screen reader reads
  // (the label's text without its aria-hidden seat tile, and no stray spaces).
  const cdp = await page.context().newCDPSession(page);
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
  await cdp.detach();
  const name = nodes[0]?.name?.value ?? '';
  assert.equal(nodes[0]?.role?.value, 'checkbox');
  assert.match(name, /^Section .+, row .+, seat \d+, [€£$]\d+\.\d\d$/, `the seat has an accessible name: "${name}"`);

  await page.keyboard.press('Space');
  assert.equal(await seat.isChecked(), true, 'Space ticks the seat');
  const value = await seat.inputValue();
  assert.equal(sql(`SELECT event_id FROM tickets WHERE ticket_id = ${Number(value)}`)[0][0], String(chosenEvent),
    'the checkbox is a ticket of this event');
  await screenshot(t, 'event.png');
  await page.keyboard.press('Space');
  assert.equal(await seat.isChecked(), false, 'Space again unticks it');
  noProblems('seat selection');
});

// ------------------------------------------------------------------------------------------
// booking, with no JavaScript of ours: hold two seats, change one, pay, see the e-tickets

// The shopper's address: their own in this run, so the mail catcher's copy is theirs.
const BUYER_EMAIL = `ada.e2e-${process.pid}@example.com`;
let confirmation;           // {url, bookingId, code (the booking's), codes (the e-tickets')}

const seatBox = (id) => page.locator(`input[type="checkbox"][name="ticketId"][value="${id}"]`);
// The seat's tile: a mouse user clicks it (the checkbox inside is visually hidden).
const seatTile = (id) => page.locator('label', { has: seatBox(id) });
let held = [];

test('the shopper holds two seats and lands on the checkout page', async (t) => {
  const [first, second, third] = sql(`SELECT ticket_id FROM tickets WHERE event_id = ${chosenEvent}
    AND seat_id IS NOT NULL AND status = 'available' ORDER BY ticket_id LIMIT 3`).map((r) => r[0]);
  held = [first, second];
  for (const id of held) {
    await seatTile(id).click();
    assert.equal(await seatBox(id).isChecked(), true, `clicking seat ${id} ticks it`);
  }
  await Promise.all([
    page.waitForURL(/\/checkout\/\d+\?token=/),
    page.getByRole('button', { name: 'Hold selected seats' }).click(),
  ]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor());
  const [[bookingId, status]] = sql(`SELECT booking_id, payment_status FROM bookings
    WHERE booking_id = ${Number(new URL(page.url()).pathname.split('/')[2])}`);
  assert.equal(status, 'pending');
  assert.deepEqual(sql(`SELECT ticket_id FROM tickets WHERE booking_id = ${bookingId} ORDER BY ticket_id`).map((r) => r[0]), held);
  t.diagnostic(`booking ${bookingId} holds ${held.join(', ')}; ${third} is the seat to change to`);
  held.push(third);
  await screenshot(t, 'checkout.png');
  noProblems('hold');
});

test('the shopper changes one seat, keeping the other', async () => {
  const [keep, drop, add] = held;
  await Promise.all([page.waitForURL(/\/seats\?token=/), page.getByRole('link', { name: 'Change seats' }).click()]);
  assert.equal(await seatBox(keep).isChecked(), true, 'a held seat is ticked');
  assert.equal(await seatBox(drop).isChecked(), true, 'the other held seat is ticked');
  await seatTile(drop).click();
  await seatTile(add).click();
  assert.equal(await seatBox(drop).isChecked(), false);
  assert.equal(await seatBox(add).isChecked(), true);
  await Promise.all([
    page.waitForURL(/\/checkout\/\d+\?token=/),
    page.getByRole('button', { name: 'Change to these seats' }).click(),
  ]);
  const bookingId = Number(new URL(page.url()).pathname.split('/')[2]);
  assert.deepEqual(sql(`SELECT ticket_id FROM tickets WHERE booking_id = ${bookingId} ORDER BY ticket_id`).map((r) => r[0]),
    [keep, add].sort((a, b) => a - b), 'the kept seat and the new one are held');
  assert.deepEqual(sql(`SELECT status FROM tickets WHERE ticket_id = ${drop}`), [['available']], 'the dropped seat is free again');
  held = [keep, add];
  noProblems('change seats');
});

test('the shopper pays on the card gateway\'s own page and gets e-tickets', async (t) => {
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Email for your tickets').fill(BUYER_EMAIL);
  await page.getByLabel("Card — pay on Stripe's secure page").check();
  // Our form posts to us and is sent on to the gateway's hosted page (the stand-in's, here):
  // the page's Content-Security-Policy must let that redirect through.
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(`${process.env.BOXOFFICE_GATEWAY_URL}/c/pay/`)),
    page.getByRole('button', { name: /^Pay / }).click(),
  ]);
  await screenshot(t, 'gateway.png');
  await Promise.all([
    page.waitForURL(/\/bookings\/\d+\?token=/),
    page.getByRole('button', { name: 'Pay', exact: true }).click(),
  ]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: "You're going!" }).waitFor());
  const bookingId = Number(new URL(page.url()).pathname.split('/')[2]);
  const [[code, status, buyer]] = sql(`SELECT booking_code, payment_status, buyer_email FROM bookings WHERE booking_id = ${bookingId}`);
  assert.equal(status, 'confirmed');
  assert.equal(buyer, BUYER_EMAIL);
  assert.match(await page.locator('.confirmation-code').innerText(), new RegExp(code));
  const codes = sql(`SELECT ticket_code FROM booking_items WHERE booking_id = ${bookingId} ORDER BY ticket_id`).map((r) => r[0]);
  assert.equal(codes.length, held.length);
  const shown = await page.locator('main code').allInnerTexts();
  assert.deepEqual(shown.sort(), [...codes].sort(), 'every e-ticket code is on the page');
  await screenshot(t, 'confirmation.png');
  noProblems('payment');
  confirmation = { url: page.url(), bookingId, code, codes };
});

// ------------------------------------------------------------------------------------------
// the e-tickets, read back by programs of their own: zbarimg scans the QR codes, poppler
// reads the PDF

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.status ?? r.error} ${r.stderr}`);
  return r.stdout;
}

// What the QR codes in these images say, one line per symbol, sorted.
const scan = (files) => run('zbarimg', ['--raw', '-q', ...files]).split('\n').filter(Boolean).sort();

// "Section · Row R · Seat N" (or "Standing · Section") of each ticket of the booking, as the
// e-tickets print it.
function seatLines(bookingId) {
  return sql(`SELECT s.name, vs.row_label, vs.seat_number FROM booking_items bi
                JOIN tickets t ON t.ticket_id = bi.ticket_id
                JOIN venue_sections s ON s.section_id = t.section_id
                LEFT JOIN venue_seats vs ON vs.seat_id = t.seat_id
               WHERE bi.booking_id = ${bookingId} ORDER BY bi.ticket_id`)
    .map(([section, row, seat]) => (row === null ? `Standing · ${section}` : `${section} · Row ${row} · Seat ${seat}`));
}

test('the confirmation links every e-ticket, its PDF, and all of them together', async () => {
  assert.ok(confirmation, 'the shopper reached the confirmation');
  const hrefs = await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const c of confirmation.codes) {
    assert.ok(hrefs.includes(`/tickets/${c}`), `a link to e-ticket ${c}`);
    assert.ok(hrefs.includes(`/tickets/${c}.pdf`), `a link to the PDF of e-ticket ${c}`);
  }
  const id = confirmation.bookingId;
  assert.ok(hrefs.some((h) => h.startsWith(`/bookings/${id}/tickets?key=`)), 'a link to the booking\'s e-tickets');
  assert.ok(hrefs.some((h) => h.startsWith(`/bookings/${id}/tickets.pdf?key=`)), 'a link to them as one PDF');
});

test('the shopper opens an e-ticket: its QR code scans as the code printed under it', async (t) => {
  const [first] = confirmation.codes;
  const [eventName] = sql(`SELECT e.name FROM events e JOIN bookings b ON b.event_id = e.event_id
                            WHERE b.booking_id = ${confirmation.bookingId}`)[0];
  await Promise.all([
    page.waitForURL(new RegExp(`/tickets/${first}$`)),
    page.locator(`main a[href="/tickets/${first}"]`).click(),
  ]);
  assert.equal(await page.title(), `Ticket · ${eventName} · Boxoffice`);
  const card = page.locator('article.eticket');
  assert.equal((await card.locator('h2').innerText()).trim(), eventName);
  const [seat] = seatLines(confirmation.bookingId);
  assert.equal((await card.locator('.eticket-seat').innerText()).trim(), seat, 'the seat of the first ticket');
  assert.ok((await card.innerText()).includes(confirmation.code), 'the booking code');
  const printed = (await card.locator('.eticket-code code').innerText()).trim();
  assert.match(printed, /^[0-9A-Z]{4}(-[0-9A-Z]{1,4})+$/, 'the code printed in blocks of four');
  assert.equal(printed.replaceAll('-', ''), first, 'the printed code is the ticket\'s');
  await screenshot(t, 'ticket.png');

  const qr = path.join(OUTPUT, 'ticket-qr.png');
  await card.locator('svg.eticket-qr').screenshot({ path: qr });
  t.diagnostic(`screenshot: ${qr}`);
  assert.deepEqual(scan([qr]), [first], 'zbarimg reads the ticket code from the QR code on the page');
  noProblems('e-ticket');
});

test('the booking\'s PDF: the event and every seat in its text, every code in its QR codes', async (t) => {
  await page.goto(confirmation.url);
  const href = await page.getByRole('link', { name: 'Download them as one PDF' }).getAttribute('href');
  // With the browser's own cookies and address, as its download would fetch it.
  const r = await page.request.get(new URL(href, page.url()).href);
  assert.equal(r.status(), 200);
  assert.equal(r.headers()['content-type'], 'application/pdf');
  const file = path.join(OUTPUT, 'tickets.pdf');
  writeFileSync(file, await r.body());
  t.diagnostic(`PDF: ${file}`);

  const pages = Number(/^Pages:\s+(\d+)$/m.exec(run('pdfinfo', [file]))?.[1]);
  assert.equal(pages, confirmation.codes.length, 'one page a ticket');
  const text = run('pdftotext', ['-layout', file, '-']).replace(/[ \t]+/g, ' ');
  const [[eventName]] = sql(`SELECT e.name FROM events e JOIN bookings b ON b.event_id = e.event_id
                              WHERE b.booking_id = ${confirmation.bookingId}`);
  assert.ok(text.includes(eventName), `the event's name in the PDF: ${text.slice(0, 300)}`);
  for (const seat of seatLines(confirmation.bookingId)) assert.ok(text.includes(seat), `"${seat}" in the PDF`);
  assert.ok(text.includes(confirmation.code), 'the booking code in the PDF');

  const prefix = path.join(OUTPUT, 'tickets-page');
  for (const f of readdirSync(OUTPUT)) if (f.startsWith('tickets-page')) rmSync(path.join(OUTPUT, f));
  run('pdftoppm', ['-r', '100', '-png', file, prefix]);
  const images = readdirSync(OUTPUT).filter((f) => f.startsWith('tickets-page') && f.endsWith('.png'))
    .map((f) => path.join(OUTPUT, f));
  assert.equal(images.length, pages);
  assert.deepEqual(scan(images), [...confirmation.codes].sort(), 'zbarimg reads every ticket code from the pages');
  noProblems('PDF');
});

test('the confirmation mail reached the buyer, with the tickets, and the mail catcher shows it', async (t) => {
  assert.ok(MAIL_WEB_URL, 'BOXOFFICE_MAIL_WEB_URL is set (the stack\'s env)');
  const ours = (m) => m.envelope.to.some((r) => r.address === BUYER_EMAIL);
  const mail = await waitForMails(MAIL_WEB_URL, (list) => list.find((m) => ours(m) && m.subject.startsWith('Your tickets for ')),
                                  { timeoutMs: 60_000, intervalMs: 500 });
  const parsed = await parseMail(await rawMail(MAIL_WEB_URL, mail.id));
  assert.match(parsed.subject, new RegExp(`booking ${confirmation.code}$`));
  assert.equal(parsed.to.value[0].address, BUYER_EMAIL);
  assert.match(parsed.messageId, new RegExp(`^<outbox-\\d+\\.${confirmation.code}@`));
  for (const c of confirmation.codes) assert.ok(parsed.text.includes(`/tickets/${c}`), `the mail links e-ticket ${c}`);
  const pdfs = parsed.attachments.filter((a) => a.contentType === 'application/pdf');
  assert.deepEqual(pdfs.map((a) => a.filename), [`tickets-${confirmation.code}.pdf`]);
  const qrs = parsed.attachments.filter((a) => a.contentType === 'image/png' && a.related);
  assert.equal(qrs.length, confirmation.codes.length, 'a QR code per ticket in the HTML part');
  const files = qrs.map((a, i) => {
    const f = path.join(OUTPUT, `mail-qr-${i}.png`);
    writeFileSync(f, a.content);
    return f;
  });
  assert.deepEqual(scan(files), [...confirmation.codes].sort(), 'the mail\'s QR codes scan as the ticket codes');

  // The catcher's own page, showing the mail (its console is not ours to judge: another tab).
  const inbox = await context.newPage();
  try {
    await inbox.goto(`${MAIL_WEB_URL.replace(/\/+$/, '')}/#/email/${mail.id}`);
    await assert.doesNotReject(inbox.getByText(mail.subject).first().waitFor());
    const file = path.join(OUTPUT, 'mail.png');
    await inbox.screenshot({ path: file, fullPage: true });
    t.diagnostic(`screenshot: ${file}`);
  } finally {
    await inbox.close();
  }
  const copies = (await listMails(MAIL_WEB_URL)).filter((m) => ours(m) && m.subject === mail.subject);
  assert.equal(copies.length, 1, 'one confirmation, not more');
});
