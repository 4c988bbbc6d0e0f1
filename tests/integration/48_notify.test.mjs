// What the notifier sends, read back by code nobody here wrote: every message of a booking's
// life, from its outbox row (MariaDB) to the mail in the stack's catcher (the raw source,
// mailparser, and a MIME reader of our own) and the text in the gateway stand-in's Twilio sink;
// the QR codes scanned by zbarimg, the PDF rendered by poppler and scanned too, every link
// opened. Each message must reach the right person once, say the right things, and carry
// hostile names and titles as text, never as markup or as headers of their own.
// Runs on fixture events of its own, dropped at the end; every address and number is unique to
// this run, so mails of other files' bookings never count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BASE_URL, CONFIG, get, sql, sqlString, decodeHtml, flushCache } from './lib.mjs';
import { createFixtureEvent, dropFixtureEvent, seatSupply, holdAndOpen, hold, checkoutLocation, pageMessage,
  formatEuro } from './checkout.mjs';
import { postBooking, closeClient, VISA, DECLINED, sweep } from './storm.mjs';
import { control, webhooksSettled, payAtGateway, choose, comeBack, paymentOf, bookingStatus } from './gateway.mjs';
import { NOTIFY_FROM, NOTIFY_SMS_FROM, outboxOf, outboxDrained, mailsTo, waitMailsTo, smsTo, headerBlock,
  decodeWords, mimeTree, mimeShape, mimeLeaves, qrCodesInPng, readPdf, eventFacts, eticketsOf,
  mailCleaned, UTF8MB4, withPoolConfig } from './notify.mjs';

const RUN = `n48-${process.pid}`;
const HOST = new URL(BASE_URL).hostname;      // Site.URL's host: the Message-IDs' right side
let serial = 0;
// An address and a number no other booking of any run has.
const address = (what) => `${RUN}-${what}-${++serial}@example.test`;
let phones = 0;
const phoneDigits = () => `+35389${String(process.pid).padStart(7, '0').slice(-7)}${String(++phones).padStart(2, '0')}`;

const fixtures = [];
let main;                 // tests 1 and 2: the confirmation and the attendees
let life;                 // test 3: every other kind, the event moved, then cancelled
let hostile;              // test 4: names and titles that try to break out

function fixture(name) {
  const fx = createFixtureEvent(name);
  fixtures.push(fx);
  return { ...fx, ...seatSupply(fx), standing: fx.sections.find((s) => s.kind === 'standing') };
}

before(async () => {
  main = fixture(`Notify Fête ${process.pid}`);
  life = fixture(`Notify Life ${process.pid}`);
  hostile = fixture(`Notify Hostile ${process.pid}`);
  await flushCache();   // the events were added behind the app's back
});

after(async () => {
  closeClient();
  // Nothing of ours may still be on its way when the rows go (their mails would land in
  // the next file's catcher as "its booking no longer exists" failures).
  for (const fx of fixtures) {
    const ids = sql(`SELECT booking_id FROM bookings WHERE event_id = ${fx.eventId}`).map(([id]) => Number(id));
    try {
      await outboxDrained(ids);
    } finally {
      dropFixtureEvent(fx.eventId);
    }
  }
  await flushCache();
});

const squash = (s) => s.replace(/\s+/g, ' ').trim();
const flat = (s) => s.replace(/\s+/g, '');
// A ticket code as it is printed: in blocks of four.
const displayCode = (code) => code.match(/.{1,4}/g).join('-');
const texts = (m) => ({ text: m.parsed.text.replace(/\r\n/g, '\n'), html: m.parsed.html });
// What ticket_pdf draws of a value: controls as spaces, characters beyond U+FFFF as U+FFFD.
const pdfDrawn = (s) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/[\u{10000}-\u{10ffff}]/gu, '\ufffd');

const kindsOf = (rows) => rows.map((x) => [x.kind, x.channel, x.recipient]);

// The one mail to `to` (and no other), after the outbox says everything of `bookingIds` went.
async function onlyMailTo(to, bookingIds) {
  await outboxDrained(bookingIds);
  const mails = await waitMailsTo(to, 1);
  assert.equal(mails.length, 1, `exactly one mail to ${to}: ${mails.map((m) => m.parsed.subject).join(' | ')}`);
  return mails[0];
}

// ------------------------------------------------------------------------------------------
// The headers every mail has, checked on the raw source and on mailparser's reading.
function assertHeaders(m, { row, bookingCode, to, subject, since }) {
  const { lines, fields } = headerBlock(m.raw);
  for (const line of lines) {
    assert.match(line, /^([!-9;-~]+:|[ \t])/, `each header line starts a field or continues one: ${JSON.stringify(line)}`);
    assert.match(line, /^[\x20-\x7e\t]*$/, `header lines are ASCII: ${JSON.stringify(line)}`);
  }
  const names = fields.map((f) => f.name);
  assert.deepEqual([...names].sort(), ['auto-submitted', 'content-type', 'date', 'from', 'message-id', 'mime-version',
    'subject', 'to'], 'exactly the headers the design lists (no Reply-To: the stack sets none)');
  const field = (name) => fields.find((f) => f.name === name).value;

  // Date: RFC 5322, when the fact happened (the outbox row's creation, to the second).
  const date = field('date');
  assert.match(date, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  const dateMs = Date.parse(date);
  assert.equal(dateMs, Math.floor(row.created / 1000) * 1000, 'Date is the outbox row\'s time');
  assert.equal(m.parsed.date.getTime(), dateMs, 'mailparser reads the same Date');
  assert.ok(dateMs >= Math.floor(since / 1000) * 1000 && dateMs <= Date.now(), `Date is of this test: ${date}`);

  const messageId = `<outbox-${row.id}.${bookingCode}@${HOST}>`;
  assert.equal(field('message-id'), messageId);
  assert.equal(m.parsed.messageId, messageId);
  assert.deepEqual(m.parsed.from.value, [{ address: NOTIFY_FROM.address, name: NOTIFY_FROM.name }]);
  assert.deepEqual(m.parsed.to.value, [{ address: to.address, name: mailCleaned(to.name) }]);
  assert.deepEqual(m.envelope.to.map((t) => t.address), [to.address], 'the envelope names the recipient alone');
  assert.ok(decodeWords(field('to')).endsWith(` <${to.address}>`), 'To ends with the address, as it is');
  assert.equal(field('auto-submitted'), 'auto-generated');

  // Subject: one field; encoded words (each at most 75 characters) when it is not ASCII.
  const raw = field('subject');
  const want = mailCleaned(subject);
  if (/[^\x20-\x7e]/.test(want)) {
    assert.match(raw, /^=\?UTF-8\?B\?/, 'a non-ASCII Subject is RFC 2047 encoded');
    for (const word of raw.split(/\s+/)) assert.ok(word.length <= 75, `encoded word of ${word.length} characters`);
  } else {
    assert.equal(raw, want, 'an ASCII Subject goes as it is');
  }
  assert.equal(decodeWords(raw), want, 'the Subject decodes to the cleaned text');
  assert.equal(m.parsed.subject, want, 'mailparser decodes the same Subject');
}

// The mail's MIME tree: with tickets, mixed[alternative[text, related[html, one PNG a
// ticket]], the PDF]; without, mixed[alternative[text, related[html]]].
function assertTree(m, { tickets, bookingCode }) {
  const tree = mimeTree(m.raw);
  const images = tickets.map(() => 'image/png').join(',');
  assert.equal(mimeShape(tree), tickets.length
    ? `multipart/mixed[multipart/alternative[text/plain,multipart/related[text/html,${images}]],application/pdf]`
    : 'multipart/mixed[multipart/alternative[text/plain,multipart/related[text/html]]]');
  const leaves = mimeLeaves(tree);
  for (const part of leaves.filter((p) => p.type.startsWith('text/'))) {
    assert.match(part.headers['content-type'], /charset=utf-8/i);
    assert.equal(part.headers['content-transfer-encoding'], 'quoted-printable');
  }
  const pngs = leaves.filter((p) => p.type === 'image/png');
  assert.deepEqual(pngs.map((p) => p.headers['content-id']), tickets.map((t) => `<qr-${t.ticketId}@boxoffice>`),
    'one image a ticket, in ticket order, each with its Content-ID');
  for (const p of pngs) {
    assert.match(p.headers['content-disposition'], /^inline\b/);
    assert.equal(p.headers['content-transfer-encoding'], 'base64');
  }
  // Every cid: of the HTML is an image of the related part, and every image is shown.
  const html = leaves.find((p) => p.type === 'text/html');
  const qpHtml = html.body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (q, h) => String.fromCharCode(parseInt(h, 16)));
  const cids = [...qpHtml.matchAll(/src="cid:([^"]+)"/g)].map((x) => x[1]);
  assert.deepEqual(cids, pngs.map((p) => p.headers['content-id'].slice(1, -1)));
  assert.deepEqual(m.parsed.attachments.filter((a) => a.contentType === 'image/png').map((a) => a.cid),
    cids, 'mailparser finds the same inline images');
  if (tickets.length) {
    const pdf = leaves.at(-1);
    assert.match(pdf.headers['content-disposition'], new RegExp(`^attachment; filename="tickets-${bookingCode}\\.pdf"$`));
  }
  return tree;
}

// A ticket's links open: its page shows its code, its PDF is that ticket. (Each once a run:
// the buyer's mail and the holder's link the same ticket.)
const opened = new Set();
async function assertTicketLinks(url, t) {
  if (opened.has(url)) return;
  const page = await get(url.slice(BASE_URL.length));
  assert.equal(page.status, 200, `GET ${url}`);
  assert.ok(page.body.includes(displayCode(t.code)), 'the page shows the ticket\'s code');
  await assertPdfOf(await fetch(`${url}.pdf`), [t]);
  opened.add(url);
}

// A PDF answer that holds `tickets`, one a page, in order: read by the codes they print (the
// QR codes of the same tickets are scanned in the mails).
async function assertPdfOf(r, tickets) {
  assert.equal(r.status, 200, `GET ${r.url}`);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const pdf = readPdf(Buffer.from(await r.arrayBuffer()), { scan: false });
  assert.equal(pdf.pages, tickets.length);
  // Each page prints its code in blocks of four, on lines of their own.
  const printed = pdf.text.split('\f').slice(0, pdf.pages).map((page) => page.split('\n')
    .filter((line) => /^[0-9A-Z]{4}(-[0-9A-Z]{1,4}){1,3}$/.test(line)).join('').replace(/-/g, ''));
  assert.deepEqual(printed, tickets.map((t) => t.code), `the PDF at ${r.url} prints these codes`);
}

// The e-tickets a mail carries: each PNG scans to its ticket's code, the PDF has one page a
// ticket with that code on it (in order), and the words of each; the text and the HTML list
// each ticket with its place, holder and link, and no other ticket of the booking.
async function assertTickets(m, { tickets, others = [], facts, holder }) {
  const byCid = new Map(m.parsed.attachments.filter((a) => a.contentType === 'image/png').map((a) => [a.cid, a.content]));
  for (const t of tickets) {
    assert.deepEqual(qrCodesInPng(byCid.get(`qr-${t.ticketId}@boxoffice`)), [t.code], `the QR image of ticket ${t.ticketId}`);
  }
  const pdfs = m.parsed.attachments.filter((a) => a.contentType === 'application/pdf');
  assert.equal(pdfs.length, 1);
  const pdf = readPdf(pdfs[0].content);
  assert.equal(pdf.pages, tickets.length, 'one page a ticket');
  assert.deepEqual(pdf.codes, tickets.map((t) => [t.code]), 'each page scans to its ticket, in order (and no other)');
  // Compared without whitespace: poppler breaks lines where it likes, and extracts nothing for
  // a line separator (which DejaVu Sans has no glyph for).
  const pdfText = flat(pdf.text);
  assert.ok(pdfText.includes(flat(pdfDrawn(facts.name))), `the PDF names the event: ${pdf.text.slice(0, 300)}`);
  assert.ok(pdfText.includes(flat(pdfDrawn(facts.when))), 'the PDF gives the time');
  for (const t of tickets) {
    assert.ok(pdfText.includes(flat(t.place)), `the PDF shows ${t.place}`);
    assert.ok(pdfText.includes(flat(pdfDrawn(holder(t)))), `the PDF names the holder ${JSON.stringify(holder(t))}: ${JSON.stringify(pdf.text)}`);
  }

  const { text, html } = texts(m);
  const htmlText = squash(decodeHtml(html.replace(/<[^>]*>/g, ' ')));
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((x) => decodeHtml(x[1]));
  for (const t of tickets) {
    const url = `${BASE_URL}/tickets/${t.code}`;
    assert.ok(text.includes(`\n  ${url}\n`), `the text links ${url}`);
    assert.ok(text.includes(`* ${t.place} — `), `the text lists ${t.place}`);
    assert.ok(htmlText.includes(t.place), `the HTML lists ${t.place}`);
    assert.ok(hrefs.includes(url) && hrefs.includes(`${url}.pdf`), 'the HTML links the ticket and its PDF');
    await assertTicketLinks(url, t);
  }
  for (const t of others) {
    assert.ok(!text.includes(t.code) && !html.includes(t.code), `no word of ticket ${t.ticketId}, someone else's`);
  }
}

// The words every mail about a booking has: its code, the event's name and time.
function assertAbout(m, { bookingCode, facts }) {
  const { text, html } = texts(m);
  const htmlText = squash(decodeHtml(html.replace(/<[^>]*>/g, ' ')));
  for (const [what, value] of [['the booking code', bookingCode], ['the event', facts.name], ['the time', facts.when]]) {
    assert.ok(squash(text).includes(squash(value.replace(/\r/g, ''))), `the text gives ${what}: ${value}`);
    assert.ok(htmlText.includes(squash(value)), `the HTML gives ${what}: ${value}`);
  }
}

// ------------------------------------------------------------------------------------------

test('a booking confirmed through the API: one mail and one SMS to the buyer, with every e-ticket inside and linked', async () => {
  const buyer = { name: 'Zoë Ångström-Núñez', address: address('buyer') };
  const phone = phoneDigits();
  const seats = main.freshSeats(2);
  const since = Date.now();
  const r = await postBooking({
    eventId: main.eventId, ticketIds: seats, standing: [{ sectionId: main.standing.sectionId, quantity: 1 }],
    paymentInfo: VISA, buyerName: buyer.name, buyerEmail: buyer.address,
    buyerPhone: `${phone.slice(0, 4)} ${phone.slice(4, 6)} ${phone.slice(6)}`,
  });
  assert.equal(r.status, 201, r.text);
  const { bookingId, bookingCode } = r.json;

  const rows = await outboxDrained([bookingId]);
  assert.deepEqual(rows.map((x) => [x.kind, x.channel, x.recipient]),
    [['booking_confirmed', 'email', buyer.address], ['booking_confirmed', 'sms', phone]],
    'one mail and one text, the number as E.164');
  const m = await onlyMailTo(buyer.address, [bookingId]);

  const facts = eventFacts(main.eventId);
  const tickets = eticketsOf(bookingId);
  assert.equal(tickets.length, 3);
  assert.deepEqual(tickets.map((t) => t.ticketId), [...r.json.ticketIds].sort((x, y) => x - y), 'the e-tickets are the booking\'s');
  assert.ok(tickets.every((t) => /^[0-9A-Z]{47}$/.test(t.code)), 'each has its code');
  assert.ok(tickets.some((t) => t.place.startsWith('Standing · ')), 'the standing place is one of them');

  assertHeaders(m, { row: rows[0], bookingCode, to: buyer, since,
    subject: `Your tickets for ${facts.name} (${facts.day}) — booking ${bookingCode}` });
  assertTree(m, { tickets, bookingCode });
  assertAbout(m, { bookingCode, facts });
  await assertTickets(m, { tickets, facts, holder: () => buyer.name });
  const { text, html } = texts(m);
  assert.match(text, new RegExp(`^Hello ${buyer.name},`));
  assert.ok(text.includes(`Total paid: ${formatEuro(r.json.totalPriceCents)}`));
  assert.ok(html.includes(`Hello ${buyer.name}, your booking <strong>${bookingCode}</strong> is confirmed.`));

  // The booking's own links: every ticket together, on a page and as one PDF.
  const all = text.match(new RegExp(`All your tickets: (${BASE_URL}/bookings/${bookingId}/tickets\\?key=[A-Za-z0-9_-]+)\\n`))?.[1];
  assert.ok(all, 'the text links all the tickets');
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((x) => decodeHtml(x[1]));
  assert.ok(hrefs.includes(all), 'so does the HTML');
  const together = await get(all.slice(BASE_URL.length));
  assert.equal(together.status, 200);
  for (const t of tickets) assert.ok(together.body.includes(displayCode(t.code)), 'every ticket on the page');
  const pdfLink = hrefs.find((h) => h.startsWith(`${BASE_URL}/bookings/${bookingId}/tickets.pdf?key=`));
  await assertPdfOf(await fetch(pdfLink), tickets);
  const wrongKey = await get(all.slice(BASE_URL.length).replace(/key=.*/, 'key=AAAAAAAAAAAAAAAAAAAAAA'));
  assert.equal(wrongKey.status, 404, 'the link is its key');

  // The text: to the number given, from the configured sender, with the link that opens.
  const sms = await smsTo(phone);
  assert.equal(sms.length, 1, 'exactly one text');
  assert.equal(sms[0].from, NOTIFY_SMS_FROM);
  assert.equal(sms[0].body,
    `Boxoffice: booking ${bookingCode} confirmed — ${facts.name}, ${facts.day} ${facts.time}. Tickets: ${all}`);
  assert.equal((await get(sms[0].body.match(/Tickets: (\S+)$/)[1].slice(BASE_URL.length))).status, 200, 'the texted link opens');
});

test('attendees named at checkout each get their own ticket by mail; the buyer gets all of them', async () => {
  // The stack leaves Notify.AttendeeMails at its default, on.
  assert.doesNotMatch(readFileSync(CONFIG, 'utf8'), /AttendeeMails/);
  const seats = main.freshSeats(4, 1);
  const { shopper, booking, page } = await holdAndOpen(main.eventId, seats);
  const buyer = { name: 'Åsa Öberg', address: address('buyer') };
  const ana = { name: 'Ana Łódź', address: address('ana') };
  const ben = { name: 'Ben Ó Briain', address: address('ben') };
  const phone = phoneDigits();
  const since = Date.now();
  const r = await shopper.post(`/checkout/${booking.bookingId}/pay`, [
    ['csrf_token', page.pay.fields.csrf_token], ['token', booking.token],
    ['name', buyer.name], ['email', buyer.address], ['phone', `${phone.slice(0, 4)} ${phone.slice(4)}`],
    ['paymentMethod', 'pm_card_visa'],
    // Ana has two of the tickets, Ben one; the fourth names the buyer's own address.
    [`holder_name_${seats[0]}`, ana.name], [`holder_email_${seats[0]}`, ana.address],
    [`holder_name_${seats[1]}`, ben.name], [`holder_email_${seats[1]}`, ben.address],
    [`holder_name_${seats[2]}`, ana.name], [`holder_email_${seats[2]}`, ana.address],
    [`holder_name_${seats[3]}`, 'Cara Buyer-Friend'], [`holder_email_${seats[3]}`, buyer.address],
  ]);
  assert.equal(r.status, 303, pageMessage(r.body));
  const tickets = eticketsOf(booking.bookingId);
  assert.deepEqual(tickets.map((t) => [t.ticketId, t.holderName, t.holderEmail]), [
    [seats[0], ana.name, ana.address], [seats[1], ben.name, ben.address],
    [seats[2], ana.name, ana.address], [seats[3], 'Cara Buyer-Friend', buyer.address]].sort((x, y) => x[0] - y[0]),
  'the e-tickets name their holders');
  const own = (who) => tickets.filter((t) => t.holderEmail === who.address);

  const rows = await outboxDrained([booking.bookingId]);
  assert.deepEqual(rows.map((x) => [x.kind, x.channel, x.recipient, x.ticketId]).sort(), [
    ['booking_confirmed', 'email', buyer.address, null], ['booking_confirmed', 'sms', phone, null],
    ['ticket_issued', 'email', ana.address, seats[0]], ['ticket_issued', 'email', ana.address, seats[2]],
    ['ticket_issued', 'email', ben.address, seats[1]]].sort(),
  'the buyer\'s mail and text, and one mail for each ticket of a holder with an address of their own');

  const facts = eventFacts(main.eventId);
  const holderOf = (t) => t.holderName;
  const code = sql(`SELECT booking_code FROM bookings WHERE booking_id = ${booking.bookingId}`)[0][0];

  // The buyer: every ticket, each with its holder's name.
  const bm = await onlyMailTo(buyer.address, [booking.bookingId]);
  assertHeaders(bm, { row: rows.find((x) => x.kind === 'booking_confirmed' && x.channel === 'email'), bookingCode: code,
    to: buyer, since, subject: `Your tickets for ${facts.name} (${facts.day}) — booking ${code}` });
  assertTree(bm, { tickets, bookingCode: code });
  await assertTickets(bm, { tickets, facts, holder: holderOf });
  assert.equal((await smsTo(phone)).length, 1, 'one text, to the buyer');

  // Each holder: their own ticket, one mail a ticket, nothing of the others'.
  for (const who of [ana, ben]) {
    const mine = own(who);
    const mails = await waitMailsTo(who.address, mine.length);
    assert.equal(mails.length, mine.length, `${who.name}: one mail a ticket`);
    const byTicket = new Map(mails.map((m) => [Number(m.parsed.attachments.find((a) => a.cid)?.cid.match(/^qr-(\d+)@/)[1]), m]));
    assert.deepEqual([...byTicket.keys()].sort(), mine.map((t) => t.ticketId).sort(), `${who.name}: each mail is one of their tickets`);
    for (const t of mine) {
      const m = byTicket.get(t.ticketId);
      const row = rows.find((x) => x.kind === 'ticket_issued' && x.ticketId === t.ticketId);
      assertHeaders(m, { row, bookingCode: code, to: who, since,
        subject: `Your ticket for ${facts.name} (${facts.day})` });
      assertTree(m, { tickets: [t], bookingCode: code });
      assertAbout(m, { bookingCode: code, facts });
      await assertTickets(m, { tickets: [t], others: tickets.filter((o) => o !== t), facts, holder: holderOf });
      const { text } = texts(m);
      assert.match(text, new RegExp(`^Hello ${who.name},\n\n${buyer.name} booked a ticket for you \\(booking ${code}\\):`));
      assert.ok(!text.includes('/bookings/'), 'no link to the buyer\'s booking');
    }
  }
  // The fourth holder shares the buyer's address: the buyer's mail is theirs.
  assert.equal((await mailsTo(buyer.address)).length, 1);
});

test('with Notify.AttendeeMails = 0 a holder gets no mail of their own; the buyer\'s still names them', async () => {
  const buyer = { name: 'Noa Attendee-Mails', address: address('no-attendee-mails') };
  const holder = { name: 'Hugo Holder', address: address('unmailed-holder') };
  const seats = main.freshSeats(2, 2);
  const r = await withPoolConfig((text) => text.replace(/^Notify \{$/m, 'Notify {\n  AttendeeMails = 0'),
    () => postBooking({ eventId: main.eventId, ticketIds: seats, paymentInfo: VISA, buyerName: buyer.name,
      buyerEmail: buyer.address, attendees: [{ ticketId: seats[0], name: holder.name, email: holder.address }] }));
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(kindsOf(await outboxDrained([r.json.bookingId])), [['booking_confirmed', 'email', buyer.address]]);
  const m = await onlyMailTo(buyer.address, [r.json.bookingId]);
  assert.ok(texts(m).text.includes(` — ${holder.name} — `), 'the holder is named on their ticket');
  assert.deepEqual(await mailsTo(holder.address), []);
});

// ------------------------------------------------------------------------------------------
// Every other kind, on an event of its own: its bookings end every way a booking can, then
// the event moves and is cancelled.

// The one booking of `email` (unique to this run).
function bookingOf(email) {
  const rows = sql(`SELECT booking_id, booking_code, payment_status FROM bookings WHERE buyer_email = ${sqlString(email)}`);
  assert.equal(rows.length, 1, `one booking for ${email}`);
  return { bookingId: Number(rows[0][0]), code: rows[0][1], status: rows[0][2] };
}

// The booking's mails in the order they were sent, checked against its outbox rows.
async function mailsOfBooking(to, bookingId, count) {
  const rows = (await outboxDrained([bookingId])).filter((x) => x.channel === 'email' && x.recipient === to);
  assert.equal(rows.length, count, `${count} mails for booking ${bookingId}`);
  const mails = await waitMailsTo(to, count);
  assert.equal(mails.length, count, `exactly ${count} mails to ${to}: ${mails.map((m) => m.parsed.subject).join(' | ')}`);
  // matched to their rows by Message-ID, which names the row
  return rows.map((row) => ({ row, mail: mails.find((m) => m.parsed.messageId.startsWith(`<outbox-${row.id}.`)) }));
}

// A mail with no tickets in it, about booking `b`: headers, tree, the words and the event's link.
async function assertNotice(m, row, { b, to, since, subject, says, facts }) {
  assertHeaders(m, { row, bookingCode: b.code, to, since, subject });
  assertTree(m, { tickets: [], bookingCode: b.code });
  assertAbout(m, { bookingCode: b.code, facts });
  const { text, html } = texts(m);
  for (const words of says) {
    assert.ok(squash(text).includes(words), `the text says "${words}"`);
    assert.ok(squash(decodeHtml(html.replace(/<[^>]*>/g, ' '))).includes(words), `the HTML says "${words}"`);
  }
  assert.equal(m.parsed.attachments.length, 0, 'nothing attached');
}

const eventLink = (fx) => `${BASE_URL}/events/${fx.eventId}`;

test('a declined card through the API: one payment_failed mail, no text; a decline on our own page: none', async () => {
  const facts = eventFacts(life.eventId);
  const buyer = { name: 'Dée Klined', address: address('declined') };
  const phone = phoneDigits();
  const since = Date.now();
  const r = await postBooking({ eventId: life.eventId, ticketIds: life.freshSeats(2), paymentInfo: DECLINED,
    buyerName: buyer.name, buyerEmail: buyer.address, buyerPhone: phone });
  assert.equal(r.status, 402, r.text);
  const b = bookingOf(buyer.address);
  assert.equal(b.status, 'failed');
  const [{ row, mail }] = await mailsOfBooking(buyer.address, b.bookingId, 1);
  assert.deepEqual(kindsOf(outboxOf([b.bookingId])), [['payment_failed', 'email', buyer.address]],
    'one mail, no text, no confirmation');
  await assertNotice(mail, row, { b, to: buyer, since, facts,
    subject: `Your payment for ${facts.name} did not go through`,
    says: ['did not go through, so nothing was charged', 'went back on sale'] });
  assert.ok(texts(mail).text.includes(`choose seats again: ${eventLink(life)}\n`));
  assert.equal((await get(`/events/${life.eventId}`)).status, 200, 'the event\'s link opens');
  assert.deepEqual(await smsTo(phone), [], 'no text for a decline');

  // The shopper on our checkout page sees the decline there: the hold stays, nobody is mailed.
  const { shopper, booking, page } = await holdAndOpen(life.eventId, life.freshSeats(1));
  const own = { name: 'Ona Page', address: address('own-page') };
  const declined = await shopper.post(`/checkout/${booking.bookingId}/pay`, [
    ['csrf_token', page.pay.fields.csrf_token], ['token', booking.token],
    ['name', own.name], ['email', own.address], ['paymentMethod', 'pm_card_chargeDeclined']]);
  assert.equal(declined.status, 402, pageMessage(declined.body));
  assert.equal(bookingStatus(booking.bookingId), 'pending', 'the hold is kept for another card');
  assert.deepEqual(outboxOf([booking.bookingId]), [], 'no mail for a decline the shopper is looking at');
});

test('a hold that runs out: one hold_expired mail to a buyer who gave an address, nothing for one who never did', async () => {
  const facts = eventFacts(life.eventId);
  const buyer = { name: 'Ex Pired', address: address('expired') };
  const phone = phoneDigits();
  const { shopper, booking, page } = await holdAndOpen(life.eventId, life.freshSeats(2));
  // Their details were taken (the card declined on the page), then they walked away.
  const r = await shopper.post(`/checkout/${booking.bookingId}/pay`, [
    ['csrf_token', page.pay.fields.csrf_token], ['token', booking.token], ['name', buyer.name],
    ['email', buyer.address], ['phone', phone], ['paymentMethod', 'pm_card_chargeDeclined']]);
  assert.equal(r.status, 402);
  const silent = checkoutLocation(await hold(life.eventId, { ticketIds: life.freshSeats(1) }));
  const since = Date.now();
  for (const id of [booking.bookingId, silent.bookingId]) {
    sql(`UPDATE bookings SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE booking_id = ${id};
         UPDATE tickets SET hold_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE booking_id = ${id}`);
  }
  sweep();
  assert.equal(bookingStatus(booking.bookingId), 'expired');
  assert.equal(bookingStatus(silent.bookingId), 'expired');
  const b = bookingOf(buyer.address);
  const [{ row, mail }] = await mailsOfBooking(buyer.address, b.bookingId, 1);
  assert.deepEqual(kindsOf(outboxOf([b.bookingId])), [['hold_expired', 'email', buyer.address]]);
  await assertNotice(mail, row, { b, to: buyer, since, facts,
    subject: `Your seats for ${facts.name} were released`,
    says: ['ran out before it was paid, so the seats went back on sale', 'Nothing was charged'] });
  assert.ok(texts(mail).text.includes(`You can choose seats again: ${eventLink(life)}\n`));
  assert.deepEqual(await smsTo(phone), [], 'no text for an expired hold');
  assert.deepEqual(outboxOf([silent.bookingId]), [], 'a hold without details tells nobody');
});

test('on the gateway\'s page: a bank payment that fails gets payment_failed, a session that lapses hold_expired, a cancel the shopper made nothing', async () => {
  const facts = eventFacts(life.eventId);
  // Each shopper pays on Stripe's hosted page, then that page's story ends its own way.
  const endings = {
    bankFails: async (p) => {
      await choose(p, 'bank_later_fails');
      await control('POST', `checkout/${p.session}/async`, { outcome: 'failed' });
    },
    // What time does: our deadline for the session passes, then Stripe expires it.
    lapses: async (p) => {
      sql(`UPDATE payments SET checkout_expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE payment_id = ${p.id}`);
      await control('POST', `checkout/${p.session}/expire`);
    },
    // Back on our cancel page, which expires the session (Stripe sends checkout.session.expired
    // at once), asks Stripe how it ended, then releases the hold. The question is answered
    // late, so the webhook comes first: the shopper, who is looking at our answer, must not be
    // mailed that the hold ran out.
    cancelled: async (p, shopper) => {
      await control('POST', 'faults', { match: { method: 'GET', path: `/v1/checkout/sessions/${p.session}` },
        action: 'delay', delayMs: 2000, times: 1 });
      const back = await choose(p, 'cancel');
      const [page] = await Promise.all([comeBack(shopper, back), webhooksSettled()]);
      assert.equal(page.status, 200);
      assert.match(pageMessage(page.body), /You cancelled the payment/);
    },
  };
  const since = Date.now();
  const who = {};
  for (const [ending, act] of Object.entries(endings)) {
    const { shopper, booking, page } = await holdAndOpen(life.eventId, life.freshSeats(1));
    const buyer = { name: `Gate ${ending}`, address: address(`gateway-${ending}`) };
    const { payment } = await payAtGateway(shopper, booking, page, 'stripe', { name: buyer.name, email: buyer.address });
    await act(payment, shopper);
    await webhooksSettled();
    assert.equal(bookingStatus(booking.bookingId), 'failed', `${ending}: the hold went back`);
    who[ending] = { buyer, b: bookingOf(buyer.address) };
  }
  assert.deepEqual(kindsOf(outboxOf([who.bankFails.b.bookingId])), [['payment_failed', 'email', who.bankFails.buyer.address]]);
  assert.deepEqual(kindsOf(outboxOf([who.lapses.b.bookingId])), [['hold_expired', 'email', who.lapses.buyer.address]]);
  assert.deepEqual(outboxOf([who.cancelled.b.bookingId]), [], 'the shopper who cancelled saw it happen: no mail');
  for (const [ending, subject] of [['bankFails', `Your payment for ${facts.name} did not go through`],
    ['lapses', `Your seats for ${facts.name} were released`]]) {
    const { buyer, b } = who[ending];
    const [{ row, mail }] = await mailsOfBooking(buyer.address, b.bookingId, 1);
    await assertNotice(mail, row, { b, to: buyer, since, facts, subject, says: ['went back on sale'] });
  }
  assert.deepEqual(await mailsTo(who.cancelled.buyer.address), []);
});

function boxoffice(...args) {
  const r = spawnSync(process.env.BOXOFFICE_BIN, ['--config', CONFIG, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('a refund: one refund_issued mail with its amount, after the confirmation, and no text', async () => {
  const facts = eventFacts(life.eventId);
  const buyer = { name: 'Ray Fund', address: address('refund') };
  const phone = phoneDigits();
  const r = await postBooking({ eventId: life.eventId, ticketIds: life.freshSeats(2), paymentInfo: VISA,
    buyerName: buyer.name, buyerEmail: buyer.address, buyerPhone: phone });
  assert.equal(r.status, 201, r.text);
  const b = { bookingId: r.json.bookingId, code: r.json.bookingCode };
  await outboxDrained([b.bookingId]);
  const since = Date.now();
  const done = boxoffice('payments', 'refund', String(b.bookingId), '--amount', '500');
  assert.equal(done.status, 0, done.out);
  const mails = await mailsOfBooking(buyer.address, b.bookingId, 2);
  assert.deepEqual(kindsOf(outboxOf([b.bookingId])), [['booking_confirmed', 'email', buyer.address],
    ['booking_confirmed', 'sms', phone], ['refund_issued', 'email', buyer.address]]);
  const { row, mail } = mails[1];
  assert.deepEqual(row.payload, { amountCents: 500 });
  await assertNotice(mail, row, { b, to: buyer, since, facts,
    subject: `Refund of €5.00 for booking ${b.code}`,
    says: [`we have refunded €5.00 of your booking ${b.code} to the way you paid`] });
  assert.equal((await smsTo(phone)).length, 1, 'the confirmation\'s text only');
});

test('late payments on the gateway\'s page: refunded in full when a seat was sold (hold_expired, then late_payment_refunded), confirmed when the seats were free', async () => {
  const facts = eventFacts(life.eventId);
  // Lost: the hold runs out, someone else takes a seat, then the payment lands.
  const lost = { name: 'Lee Late', address: address('late-lost') };
  const seats = life.freshSeats(2);
  const l = await holdAndOpen(life.eventId, seats);
  const { payment } = await payAtGateway(l.shopper, l.booking, l.page, 'stripe', { name: lost.name, email: lost.address });
  const expire = (id) => {
    sql(`UPDATE bookings SET expires_at = UTC_TIMESTAMP() - INTERVAL 2 MINUTE WHERE booking_id = ${id};
         UPDATE tickets SET hold_expires_at = UTC_TIMESTAMP() - INTERVAL 2 MINUTE WHERE booking_id = ${id}`);
    sweep();
    assert.equal(bookingStatus(id), 'expired');
  };
  const since = Date.now();
  expire(l.booking.bookingId);
  checkoutLocation(await hold(life.eventId, { ticketIds: [seats[1]] }));
  await choose(payment, 'pay');
  await webhooksSettled();
  const paid = paymentOf(l.booking.bookingId);
  assert.equal(paid.status, 'refunded');
  const b = bookingOf(lost.address);
  const [expired, refunded] = await mailsOfBooking(lost.address, b.bookingId, 2);
  assert.deepEqual(kindsOf(outboxOf([b.bookingId])), [['hold_expired', 'email', lost.address],
    ['late_payment_refunded', 'email', lost.address]], 'told the hold ran out, then refunded; never confirmed');
  assert.equal(expired.mail.parsed.subject, `Your seats for ${facts.name} were released`);
  assert.deepEqual(refunded.row.payload, { amountCents: paid.amount });
  await assertNotice(refunded.mail, refunded.row, { b, to: lost, since, facts,
    subject: 'Your payment came too late — refunded in full',
    says: [`We have refunded the full ${formatEuro(paid.amount)} to the way you paid`,
      'some of its seats had been sold to someone else'] });

  // Revived: the seats were still free, so the late payment takes them again.
  const revived = { name: 'Rae Vived', address: address('late-revived') };
  const v = await holdAndOpen(life.eventId, life.freshSeats(2));
  const again = await payAtGateway(v.shopper, v.booking, v.page, 'stripe', { name: revived.name, email: revived.address });
  expire(v.booking.bookingId);
  await choose(again.payment, 'pay');
  await webhooksSettled();
  assert.equal(bookingStatus(v.booking.bookingId), 'confirmed');
  const rb = bookingOf(revived.address);
  const [first, confirmed] = await mailsOfBooking(revived.address, rb.bookingId, 2);
  assert.deepEqual(kindsOf(outboxOf([rb.bookingId])), [['hold_expired', 'email', revived.address],
    ['booking_confirmed', 'email', revived.address]]);
  assert.equal(first.mail.parsed.subject, `Your seats for ${facts.name} were released`);
  const tickets = eticketsOf(rb.bookingId);
  assertHeaders(confirmed.mail, { row: confirmed.row, bookingCode: rb.code, to: revived, since,
    subject: `Your tickets for ${facts.name} (${facts.day}) — booking ${rb.code}` });
  assertTree(confirmed.mail, { tickets, bookingCode: rb.code });
  await assertTickets(confirmed.mail, { tickets, facts, holder: () => revived.name });
  assert.ok(squash(texts(confirmed.mail).text).includes('Your payment arrived after your hold had run out, but your seats were still free: they are yours.'));
});

test('the event moves, then is cancelled: every confirmed booking is told each once, by mail and text; no other booking is', async () => {
  const g = { name: 'Gus Going', address: address('going-g') };
  const h = { name: 'Hal Going', address: address('going-h') };
  const gPhone = phoneDigits();
  // Gus names the holders of his two seats: Ida, with an address of her own, and himself.
  const ida = { name: 'Ida Holding', address: address('going-i') };
  const gSeats = life.freshSeats(2);
  const rg = await postBooking({ eventId: life.eventId, ticketIds: gSeats, paymentInfo: VISA,
    buyerName: g.name, buyerEmail: g.address, buyerPhone: gPhone,
    attendees: [{ ticketId: gSeats[0], name: ida.name, email: ida.address },
      { ticketId: gSeats[1], name: g.name, email: g.address }] });
  const rh = await postBooking({ eventId: life.eventId, ticketIds: life.freshSeats(1),
    standing: [{ sectionId: life.standing.sectionId, quantity: 1 }], paymentInfo: VISA,
    buyerName: h.name, buyerEmail: h.address });
  assert.equal(rg.status, 201, rg.text);
  assert.equal(rh.status, 201, rh.text);
  // A declined one with an address and a number (an ended booking, like those of the tests
  // above), a confirmed one with a number and no address, and one nobody can be told about.
  const gone = await postBooking({ eventId: life.eventId, ticketIds: life.freshSeats(1), paymentInfo: DECLINED,
    buyerName: 'Ned Ended', buyerEmail: address('ended'), buyerPhone: phoneDigits() });
  assert.equal(gone.status, 402, gone.text);
  const textOnly = phoneDigits();
  const rt = await postBooking({ eventId: life.eventId, ticketIds: life.freshSeats(1), paymentInfo: VISA, buyerPhone: textOnly });
  assert.equal(rt.status, 201, rt.text);
  assert.equal((await postBooking({ eventId: life.eventId, ticketIds: life.freshSeats(1), paymentInfo: VISA })).status, 201);
  const everyone = sql(`SELECT booking_id, booking_code, payment_status, buyer_email, buyer_phone FROM bookings
                          WHERE event_id = ${life.eventId}`)
    .map(([id, code, status, email, phone]) => ({ id: Number(id), code, status, email, phone }));
  assert.ok(everyone.some((x) => x.status !== 'confirmed' && x.email), 'ended bookings with an address are among them');
  await outboxDrained(everyone.map((x) => x.id));

  // One change of the event: the UPDATE itself writes, for each confirmed booking, a mail and
  // (with a number) a text, and nothing for the others. Then they all go.
  const rowsOf = (kind) => outboxOf(everyone.map((x) => x.id)).filter((x) => x.kind === kind);
  const change = async (set, kind) => {
    sql(`UPDATE events SET ${set} WHERE event_id = ${life.eventId}`);
    await flushCache();
    assert.deepEqual(rowsOf(kind).map((x) => [x.channel, x.recipient, x.bookingId]).sort(),
      everyone.filter((x) => x.status === 'confirmed').flatMap((x) => [
        ...(x.email ? [['email', x.email, x.id]] : []), ...(x.phone ? [['sms', x.phone, x.id]] : []),
        ...(x.id === rg.json.bookingId ? [['email', ida.address, x.id]] : [])]).sort(),
      `${kind}: a mail and a text for each confirmed booking that has them, a mail for a holder with an address of their own, nothing for the others`);
    await outboxDrained(everyone.map((x) => x.id));
    return rowsOf(kind);
  };

  const before = eventFacts(life.eventId);
  const since = Date.now();
  const changedRows = await change(`starts_at = starts_at + INTERVAL 1 DAY + INTERVAL 90 MINUTE,
                                    ends_at = ends_at + INTERVAL 1 DAY + INTERVAL 90 MINUTE`, 'event_changed');
  const after = eventFacts(life.eventId);
  assert.notEqual(after.when, before.when);

  const gb = { bookingId: rg.json.bookingId, code: rg.json.bookingCode };
  const gMails = await waitMailsTo(g.address, 2);
  assert.equal(gMails.length, 2, 'the confirmation and the change');
  const changed = gMails.find((m) => m.parsed.subject.startsWith('Change to '));
  const changedRow = changedRows.find((x) => x.recipient === g.address);
  assert.deepEqual(changedRow.payload, { oldStartsLocal: before.local, oldUtcOffset: before.offset,
    oldTimezone: before.timeZone, oldVenue: before.venue, oldCity: before.city }, 'the payload keeps the old time and place');
  const tickets = eticketsOf(gb.bookingId);
  assertHeaders(changed, { row: changedRow, bookingCode: gb.code, to: g, since,
    subject: `Change to ${after.name}: now ${after.day}, ${after.time}` });
  assertTree(changed, { tickets, bookingCode: gb.code });
  assertAbout(changed, { bookingCode: gb.code, facts: after });
  await assertTickets(changed, { tickets, facts: after, holder: (t) => t.holderName });
  const { text, html } = texts(changed);
  assert.ok(text.includes(`Now:\n${after.name}\n${after.when}\n`), 'the new time');
  assert.ok(text.includes(`Before: ${before.when}, ${before.venue}, ${before.city}\n`), 'the old time');
  assert.ok(html.includes(`<del>${before.when}, ${before.venue}, ${before.city}</del>`), 'the old time, struck out');
  // Ida hears of it about her own ticket alone: greeted by name, her ticket's QR and PDF page.
  const idaMails = await waitMailsTo(ida.address, 2);
  assert.equal(idaMails.length, 2, 'her ticket, then the change');
  const idaChanged = idaMails.find((m) => m.parsed.subject.startsWith('Change to '));
  const idaRow = changedRows.find((x) => x.recipient === ida.address);
  const idaTicket = tickets.filter((x) => x.ticketId === gSeats[0]);
  assert.equal(idaTicket.length, 1);
  assertHeaders(idaChanged, { row: idaRow, bookingCode: gb.code, to: ida, since,
    subject: `Change to ${after.name}: now ${after.day}, ${after.time}` });
  assertTree(idaChanged, { tickets: idaTicket, bookingCode: gb.code });
  await assertTickets(idaChanged, { tickets: idaTicket, facts: after, holder: () => ida.name });
  assert.ok(texts(idaChanged).text.startsWith(`Hello ${ida.name},`), 'greeted by her own name');
  const gTexts = await smsTo(gPhone);
  assert.equal(gTexts.length, 2, 'the confirmation\'s text and the change\'s');
  const ticketsUrl = gTexts[0].body.match(/Tickets: (\S+)$/)[1];
  assert.equal(gTexts[1].body, `Boxoffice: ${after.name} has moved to ${after.day} ${after.time}, ${after.venue}. Your tickets stay valid: ${ticketsUrl}`);

  const cancelledRows = await change(`status = 'cancelled'`, 'event_cancelled');
  const hb = { bookingId: rh.json.bookingId, code: rh.json.bookingCode };
  const hMails = await waitMailsTo(h.address, 3);
  assert.equal(hMails.length, 3, 'the confirmation, the change and the cancellation');
  const cancelled = hMails.find((m) => m.parsed.subject.endsWith(' is cancelled'));
  await assertNotice(cancelled, cancelledRows.find((x) => x.recipient === h.address), { b: hb, to: h, since,
    facts: after, subject: `${after.name} is cancelled`,
    says: ['has been cancelled', `Your tickets are no longer valid. The organizer refunds your payment of ${formatEuro(rh.json.totalPriceCents)}`] });
  const last = (await smsTo(gPhone)).at(-1);
  assert.equal(last.body, `Boxoffice: ${after.name} (${after.day}) is cancelled. Your booking ${gb.code} will be refunded.`);
  assert.equal((await smsTo(gPhone)).length, 3);
  assert.deepEqual((await smsTo(textOnly)).map((x) => x.body.match(/^Boxoffice: (.*?) (confirmed|has moved|\(.*\) is cancelled)/)?.[2]),
    ['confirmed', 'has moved', `(${after.day}) is cancelled`], 'a buyer who gave only a number is texted each time');

  // Every booking's mails are exactly its outbox rows, one each (by Message-ID): so the ended
  // ones got nothing of either, having no rows for them (above).
  const idaCancelled = (await waitMailsTo(ida.address, 3)).find((m) => m.parsed.subject.endsWith(' is cancelled'));
  assert.ok(idaCancelled, 'Ida is told of the cancellation too');
  assert.ok(texts(idaCancelled).text.startsWith(`Hello ${ida.name},`));
  for (const x of everyone.filter((y) => y.email)) {
    const rows = outboxOf([x.id]).filter((y) => y.channel === 'email' && y.recipient === x.email);
    const mails = await waitMailsTo(x.email, rows.length);
    assert.deepEqual(mails.map((m) => m.parsed.messageId).sort(), rows.map((y) => `<outbox-${y.id}.${x.code}@${HOST}>`).sort(),
      `one mail a row to ${x.email} (${x.status}): ${mails.map((m) => m.parsed.subject).join(' | ')}`);
    assert.equal(rows.some((y) => y.kind.startsWith('event_')), x.status === 'confirmed');
  }
});

// ------------------------------------------------------------------------------------------
// Hostile names and titles: markup, entities, quotes, non-ASCII, emoji, controls, line breaks
// that try to start headers of their own, and a lone "." line that would end the SMTP DATA.

test('hostile names and titles: escaped in the HTML, cleaned in every header and text, literal in the plain text and the PDF', async () => {
  // Set in SQL, as no form would take it: a title that tries to add a Bcc.
  const title = `<script>alert(1)</script> & "Q" 'A'\r\nBcc: t@evil.test ${process.pid}`;
  sql(`${UTF8MB4} UPDATE events SET name = ${sqlString(title)} WHERE event_id = ${hostile.eventId}`);
  await flushCache();
  const buyer = { name: `Zoë "Mc" <script>x</script> & 🎟\u0007\r\nBcc: v@evil.test`, address: address('hostile') };
  const holder = { name: `Ben\r\n.\r\nRCPT TO:<h@evil.test>\u2028Subject: hi`, address: address('hostile-holder') };
  const phone = phoneDigits();
  const seats = hostile.freshSeats(2);
  const since = Date.now();
  const r = await postBooking({ eventId: hostile.eventId, ticketIds: seats, paymentInfo: VISA, buyerName: buyer.name,
    buyerEmail: buyer.address, buyerPhone: phone, attendees: [{ ticketId: seats[1], name: holder.name, email: holder.address }] });
  assert.equal(r.status, 201, r.text);
  const code = r.json.bookingCode;
  const rows = await outboxDrained([r.json.bookingId]);
  assert.deepEqual(kindsOf(rows), [['booking_confirmed', 'email', buyer.address], ['booking_confirmed', 'sms', phone],
    ['ticket_issued', 'email', holder.address]]);
  const facts = eventFacts(hostile.eventId);
  assert.equal(facts.name, title, 'the title is stored as it was written');
  const tickets = eticketsOf(r.json.bookingId);
  const holderOf = (t) => t.holderName ?? buyer.name;

  const bm = await onlyMailTo(buyer.address, [r.json.bookingId]);
  const hm = await onlyMailTo(holder.address, [r.json.bookingId]);
  for (const [m, row, to, subject, own] of [
    [bm, rows[0], buyer, `Your tickets for ${title} (${facts.day}) — booking ${code}`, tickets],
    [hm, rows[2], holder, `Your ticket for ${title} (${facts.day})`, tickets.filter((t) => t.ticketId === seats[1])]]) {
    // The headers are exactly the usual ones, each line of them a field or its continuation.
    assertHeaders(m, { row, bookingCode: code, to, since, subject });
    assertTree(m, { tickets: own, bookingCode: code });
    await assertTickets(m, { tickets: own, facts, holder: holderOf });
    assertAbout(m, { bookingCode: code, facts });
    // No markup of theirs in the HTML: only escaped.
    const { text, html } = texts(m);
    assert.doesNotMatch(html, /<script|<\/script/i, 'no <script> in the HTML');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; '), 'the title escaped');
    for (const name of [title, ...own.map(holderOf)]) {
      assert.ok(squash(decodeHtml(html.replace(/<[^>]*>/g, ' '))).includes(squash(name)), `the HTML reads ${JSON.stringify(name)}`);
    }
    // The plain text carries them as written, the CRs dropped (the line breaks stay text).
    assert.ok(text.includes(`\n${title.replace(/\r/g, '')}\n`), 'the title, literally');
    for (const t of own) assert.ok(text.includes(`— ${holderOf(t).replace(/\r/g, '')} — `), `the holder, literally: ${JSON.stringify(text)}`);
  }
  // The ASCII header values can be read raw: one Subject, one To, the quotes escaped.
  const hHeaders = headerBlock(hm.raw).fields;
  assert.equal(hHeaders.find((f) => f.name === 'subject').value, `Your ticket for ${mailCleaned(title)} (${facts.day})`);
  assert.equal(hHeaders.find((f) => f.name === 'to').value, `"${mailCleaned(holder.name)}" <${holder.address}>`);
  assert.match(texts(hm).text, /^Hello Ben\n\.\nRCPT TO:<h@evil\.test>\u2028Subject: hi,\n/, 'the lone "." line came through whole');
  assert.match(texts(bm).text, new RegExp(`^Hello ${buyer.name.replace(/\r/g, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},\n`));
  // Nothing reached the addresses the values named.
  for (const evil of ['t@evil.test', 'v@evil.test', 'h@evil.test']) assert.deepEqual(await mailsTo(evil), [], `nothing to ${evil}`);

  // The text message is one line: what mail_clean leaves.
  const [sms] = await smsTo(phone);
  const all = texts(bm).text.match(/All your tickets: (\S+)\n/)[1];
  assert.equal(sms.body, mailCleaned(`Boxoffice: booking ${code} confirmed — ${title}, ${facts.day} ${facts.time}. Tickets: ${all}`));
  assert.doesNotMatch(sms.body, /[\r\n]/);

  // A title of another kind (non-ASCII, emoji, entities, C1 and line separators), for a second
  // booking once the first one's mails are out.
  const title2 = `Fête 🎉 <b>&amp;</b> "Ω"\u0085X-Inj: é\u2029\nCc: r@evil.test`;
  sql(`${UTF8MB4} UPDATE events SET name = ${sqlString(title2)} WHERE event_id = ${hostile.eventId}`);
  await flushCache();
  const second = { name: 'Plain Buyer', address: address('hostile-2') };
  const since2 = Date.now();
  const r2 = await postBooking({ eventId: hostile.eventId, ticketIds: hostile.freshSeats(1), paymentInfo: VISA,
    buyerName: second.name, buyerEmail: second.address });
  assert.equal(r2.status, 201, r2.text);
  const m2 = await onlyMailTo(second.address, [r2.json.bookingId]);
  const facts2 = eventFacts(hostile.eventId);
  const t2 = eticketsOf(r2.json.bookingId);
  assertHeaders(m2, { row: outboxOf([r2.json.bookingId])[0], bookingCode: r2.json.bookingCode, to: second, since: since2,
    subject: `Your tickets for ${title2} (${facts2.day}) — booking ${r2.json.bookingCode}` });
  assertTree(m2, { tickets: t2, bookingCode: r2.json.bookingCode });
  await assertTickets(m2, { tickets: t2, facts: facts2, holder: () => second.name });
  assert.doesNotMatch(texts(m2).html, /<b>/, 'no <b> of theirs');
  assert.ok(texts(m2).html.includes('&lt;b&gt;&amp;amp;&lt;/b&gt;'), 'an entity in the title is text: its & escaped');
  assert.ok(texts(m2).text.includes(`\n${title2}\n`), 'the title, literally');
  assert.deepEqual(await mailsTo('r@evil.test'), [], 'nothing to r@evil.test');
});
