// The booking storm, paid through Stripe (the stand-in) while the gateway misbehaves: calls
// answered late, with 503s, never (the connection dropped after the charge was made), webhooks
// duplicated, delayed and lost, and pool workers SIGKILLed, with hosted checkouts paid,
// cancelled and abandoned beside the API bookings. Afterwards — the sweep having settled what
// it can — MariaDB and the stand-in's own ledger must agree: the booking invariants hold, every
// charge the gateway made ends as exactly one confirmed booking or exactly one full refund, and
// no charge and no attempt is left undecided. Every buyer gives an address (some a number
// too): the outbox holds exactly the messages of what happened, and once the notifier has
// sent them (it runs all along), the mail catcher has exactly one confirmation per confirmed
// booking and none for a failed or expired one; the SMS gateway likewise.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, masterPid, fullPool, sleep } from './lib.mjs';
import { createEvent, retireEvent, closeClient, planAttempts, runStorm, withWorkers, workerKiller,
  countStatuses, invariantViolations, sweep, rng, stormEmail, messageAndTicketProblems,
  outboxDrained } from './storm.mjs';
import { Shopper, hold, checkoutLocation, openCheckout } from './checkout.mjs';
import { control, webhooksSettled, ledger, payAtGateway, choose, comeBack } from './gateway.mjs';
import { MAIL_WEB_URL, waitForMails } from '../mail/mail.mjs';

const tag = `paystorm${process.pid}`;
let fx;

after(async () => {
  await control('DELETE', 'faults').catch(() => {});
  await control('POST', 'webhooks', { mode: 'normal' }).catch(() => {});
  closeClient();
  if (fx) retireEvent(fx.eventId);
});

const STRIPE_VISA = { provider: 'stripe', paymentMethod: 'pm_card_visa' };
const STRIPE_DECLINED = { provider: 'stripe', paymentMethod: 'pm_card_chargeDeclined' };

// A side task for runStorm: every ~150 ms the gateway gets a new misbehaviour for its next few
// calls, and its webhooks a new delivery mode. Seeded, so a failure replays.
function chaos(seed) {
  const random = rng(seed);
  const faults = [
    { action: 'delay', delayMs: 400 },
    { action: 'status', status: 503 },
    { action: 'status', status: 429 },
    { action: 'drop' },
    { action: 'badjson' },
  ];
  const modes = ['normal', 'duplicate', 'delay', 'drop', 'reverse'];
  return async (signal) => {
    let added = 0;
    while (!signal.aborted) {
      await sleep(100);
      const f = faults[Math.floor(random() * faults.length)];
      await control('POST', 'faults', { match: { method: 'POST', path: '/v1/payment_intents' }, times: 3 + Math.floor(random() * 6), ...f });
      await control('POST', 'webhooks', { mode: modes[Math.floor(random() * modes.length)], delayMs: 300, times: 5 });
      added++;
    }
    return added;
  };
}

// Hosted checkouts beside the API bookings: a hold through the seat map's form, Pay with
// Stripe (each shopper with an address of their own), then on the gateway's page pay (and
// come back, or not), cancel, or walk away.
const cancelledAtGateway = []; // the bookings of the shoppers who cancelled, came back and were answered

async function checkouts(seats, seed) {
  const random = rng(seed);
  const outcomes = { paid: 0, cancelled: 0, abandoned: 0, refused: 0 };
  await Promise.all(seats.map(async (seat, i) => {
    const shopper = new Shopper();
    // The storm's first wave fills the pool's queue, and admission sheds these holds with a
    // 503: a shopper comes back when told to (a few times), as the storm's own clients never do.
    let r;
    for (let tries = 0; tries < 5; tries++) {
      r = await hold(fx.eventId, { ticketIds: [seat], shopper });
      if (r.status !== 503) break;
      await sleep(1000 * Math.min(3, Number(r.headers.get('retry-after')) || 1));
    }
    if (r.status !== 303) { outcomes.refused++; return; }
    const booking = checkoutLocation(r);
    const page = await openCheckout(shopper, booking);
    let at;
    try {
      const name = `${tag}-checkout-${i}`;
      at = await payAtGateway(shopper, booking, page, 'stripe', { name, email: stormEmail(name) });
    } catch {
      outcomes.refused++;   // a 503 while the gateway is down: nothing charged, hold kept
      return;
    }
    const roll = random();
    if (roll < 0.6) {
      const back = await choose(at.payment, 'pay');
      outcomes.paid++;
      if (random() < 0.7) await comeBack(shopper, back);
    } else if (roll < 0.8) {
      const back = await comeBack(shopper, await choose(at.payment, 'cancel'));
      // Answered: the hold was given up then and there (a killed worker's 502 leaves it to
      // run out, and to be told so).
      if (back.status < 400) cancelledAtGateway.push(booking.bookingId);
      outcomes.cancelled++;
    } else {
      outcomes.abandoned++;
    }
  }));
  return outcomes;
}

test('payment storm: the gateway failing every way, workers killed; the money and the seats agree', async (t) => {
  fx = createEvent('Irwell Park', `Payment storm ${tag}`);
  const attempts = planAttempts(fx, { tag, seatAttempts: 1200, standingAttempts: 200, hotSeats: 60, seed: 21,
                                      emailShare: 1, phoneShare: 0.2 });
  for (const a of attempts) a.body.paymentInfo = a.declined ? STRIPE_DECLINED : STRIPE_VISA;
  // The checkout shoppers take seats the API storm leaves alone: the last ten of the hall.
  const checkoutSeats = fx.seatIds.slice(-24);
  for (const a of attempts) a.body.ticketIds = a.body.ticketIds.filter((s) => !checkoutSeats.includes(s));
  const master = masterPid();
  const { seconds, side } = await withWorkers(8, async () => {
    await sleep(2500); // the killer spares workers younger than 2.2 s
    const killer = workerKiller(master, { everyMs: 500 });
    const result = await runStorm(attempts.filter((a) => a.body.ticketIds.length || a.body.standing), {
      clients: 100,
      during: (signal) => Promise.all([killer(signal), chaos(33)(signal), checkouts(checkoutSeats, 5)]),
    });
    await fullPool(master);
    return result;
  });
  const [kills, faults, hosted] = side;
  t.diagnostic(`${attempts.length} API attempts in ${seconds.toFixed(1)} s; ${kills} workers killed; ` +
               `${faults} fault rounds; checkouts ${JSON.stringify(hosted)}; ${JSON.stringify(countStatuses(attempts))}`);
  assert.ok(kills >= 1, 'workers were killed');

  // The storm is over: the gateway behaves again, every webhook it owes is delivered.
  await control('DELETE', 'faults');
  await control('POST', 'webhooks', { mode: 'normal' });
  await control('POST', 'webhooks/release');
  await webhooksSettled();

  // Time passes: holds run out, attempts become the sweep's business (a call that may never
  // have reached the gateway is given up only after ten minutes), and it settles them.
  for (let round = 0; round < 6; round++) {
    sql(`UPDATE payments SET created_at = LEAST(created_at, UTC_TIMESTAMP() - INTERVAL 11 MINUTE),
                             updated_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
          WHERE event_id = ${fx.eventId} AND status = 'pending';
         UPDATE payments SET checkout_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
          WHERE event_id = ${fx.eventId} AND status = 'pending' AND session_id IS NOT NULL;
         UPDATE bookings SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
          WHERE event_id = ${fx.eventId} AND payment_status = 'pending';
         UPDATE tickets SET hold_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
          WHERE event_id = ${fx.eventId} AND status = 'reserved';
         UPDATE payments SET updated_at = UTC_TIMESTAMP() - INTERVAL 2 MINUTE
          WHERE event_id = ${fx.eventId} AND status = 'succeeded'`);
    t.diagnostic(sweep());
    await webhooksSettled();
    const [[left]] = sql(`SELECT COUNT(*) FROM payments WHERE event_id = ${fx.eventId} AND status = 'pending'`);
    if (left === '0') break;
  }

  const violations = invariantViolations(fx.eventId, fx.capacity);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  assert.deepEqual(sql(`SELECT payment_id, booking_id FROM payments WHERE event_id = ${fx.eventId} AND status = 'pending'`),
    [], 'no attempt is left undecided');
  assert.deepEqual(sql(`SELECT COUNT(*) FROM bookings WHERE event_id = ${fx.eventId} AND payment_status = 'pending'`),
    [['0']], 'no hold is left');

  // Every charge the gateway made for this event, against what MariaDB says became of it.
  const ours = new Map(sql(`SELECT p.payment_id, p.status, p.provider_ref, p.amount_cents, p.refunded_cents,
                                   b.payment_status
                              FROM payments p JOIN bookings b ON b.booking_id = p.booking_id
                             WHERE p.event_id = ${fx.eventId}`)
    .map(([id, status, ref, amount, refunded, booking]) => [Number(id), { status, ref, amount: Number(amount),
      refunded: Number(refunded), booking }]));
  const book = await ledger();
  const attemptOf = (c) => Number(/^booking-\d+-payment-(\d+)$/.exec(c.metadata?.attempt ?? '')?.[1]);
  const charges = book.charges.filter((c) => c.provider === 'stripe' && ours.has(attemptOf(c)));
  const problems = [];
  let confirmed = 0;
  let refunded = 0;
  for (const c of charges) {
    if (c.status !== 'succeeded') continue;
    const p = ours.get(attemptOf(c));
    const back = book.refunds.filter((r) => r.payment_intent === c.payment_intent).reduce((n, r) => n + r.amount, 0);
    if (p.ref !== c.payment_intent) problems.push(`charge ${c.payment_intent} is not the one payment ${attemptOf(c)} records (${p.ref})`);
    if (p.status === 'succeeded' && p.booking === 'confirmed' && back === 0) confirmed++;
    else if (p.status === 'refunded' && back === c.amount && p.refunded === c.amount) refunded++;
    else problems.push(`charge ${c.payment_intent} (${c.amount}): payment ${p.status}, booking ${p.booking}, ${back} refunded at the gateway`);
  }
  // And the other way round: every succeeded payment is a charge the gateway has.
  for (const [id, p] of ours) {
    if (p.status === 'succeeded' && !charges.some((c) => c.payment_intent === p.ref && c.status === 'succeeded')) {
      problems.push(`payment ${id} succeeded but the gateway has no such charge (${p.ref})`);
    }
  }
  t.diagnostic(`${charges.length} charges at the gateway: ${confirmed} confirmed bookings, ${refunded} refunded in full`);
  assert.deepEqual(problems, []);
  assert.ok(confirmed > 0, 'the storm sold something');
  const [[sold]] = sql(`SELECT COUNT(*) FROM bookings WHERE event_id = ${fx.eventId} AND payment_status = 'confirmed'`);
  assert.equal(Number(sold), confirmed, 'every confirmed booking is one charge the gateway kept');
  for (const a of attempts.filter((x) => x.status === 201)) {
    const [[status]] = sql(`SELECT payment_status FROM bookings WHERE booking_id = ${a.json.bookingId}`);
    assert.equal(status, 'confirmed', `${a.tag}: a 201 is a confirmed booking`);
  }
  for (const a of attempts.filter((x) => x.status === 402)) assert.ok(a.declined, `${a.tag}: 402 for a card that pays`);

  // What was written for the buyers: the outbox's invariants, and every e-ticket's code.
  const { problems: written, items } = await messageAndTicketProblems(fx.eventId, { seed: 47 });
  assert.deepEqual(written.slice(0, 20), [], `${written.length} problems with the messages or e-tickets`);

  // The notifier has been sending all along; once it has drained the event's outbox, what
  // reached the buyers is exactly what the outbox holds.
  const drained = await outboxDrained(fx.eventId);
  t.diagnostic(`${items.length} e-tickets; the event's outbox by state: ${JSON.stringify(drained)}`);
  assert.equal(drained.failed?.silent ?? 0, 0, 'a message given up says why');
  const mail = await deliveredMail(fx.eventId);
  t.diagnostic(`mail: ${JSON.stringify(mail.counts)}`);
  assert.deepEqual(mail.problems.slice(0, 20), [], `${mail.problems.length} problems with the mail received`);
  assert.ok(mail.counts.confirmations > 0, 'confirmations were mailed');
  // A shopper who cancelled on the gateway's page saw the answer there: no message for it
  // ("Confirmations and e-tickets", the outbox).
  if (cancelledAtGateway.length) {
    assert.deepEqual(sql(`SELECT o.booking_id, o.kind, b.payment_status, p.status, p.failure FROM outbox o
                            JOIN bookings b ON b.booking_id = o.booking_id JOIN payments p ON p.booking_id = b.booking_id
                           WHERE o.booking_id IN (${cancelledAtGateway.join(',')})`), [],
                     'no message to a shopper who cancelled at the gateway');
  }
  const texts = await deliveredTexts(fx.eventId);
  t.diagnostic(`SMS: ${JSON.stringify(texts.counts)}`);
  assert.deepEqual(texts.problems.slice(0, 20), [], `${texts.problems.length} problems with the texts received`);
});

// The event's bookings with their contacts, and its outbox rows.
function bookingsAndMessages(eventId) {
  const bookings = sql(`SELECT booking_id, booking_code, payment_status, buyer_email, buyer_phone,
                               (SELECT COUNT(*) FROM booking_items bi WHERE bi.booking_id = b.booking_id)
                          FROM bookings b WHERE event_id = ${eventId}`)
    .map(([id, code, status, email, phone, items]) => ({ id: Number(id), code, status, email, phone, items: Number(items) }));
  const messages = sql(`SELECT o.outbox_id, o.booking_id, o.kind, o.channel, o.recipient, o.state,
                               COALESCE(o.provider_ref, ''), COALESCE(o.last_error, '')
                          FROM outbox o JOIN bookings b ON b.booking_id = o.booking_id WHERE b.event_id = ${eventId}`)
    .map(([id, booking, kind, channel, recipient, state, ref, error]) => ({
      id: Number(id), booking: Number(booking), kind, channel, recipient, state, ref, error }));
  return { bookings, messages };
}

// The mail catcher against the outbox: every mail a sent message of the event's, once (its
// Message-ID, <outbox-ID.CODE@host>, names the row); every sent message there; exactly one
// confirmation, with the PDF and a QR code per ticket, for each confirmed booking and none
// for any other.
async function deliveredMail(eventId) {
  const { bookings, messages } = bookingsAndMessages(eventId);
  const row = new Map(messages.map((m) => [m.id, m]));
  const sent = messages.filter((m) => m.channel === 'email' && m.state === 'sent' && !m.ref.startsWith('not sent'));
  const recipients = new Set(bookings.map((b) => b.email).filter(Boolean));
  const toOf = (m) => m.envelope.to.map((r) => r.address.toLowerCase()).filter((a) => recipients.has(a));
  const ours = await waitForMails(MAIL_WEB_URL, (list) => {
    const mine = list.filter((m) => toOf(m).length > 0);
    return mine.length >= sent.length && mine;
  }, { timeoutMs: 30_000, intervalMs: 500 });

  const problems = [];
  const seen = new Map();   // Message-ID → mail
  const kindOf = new Map(); // mail → its outbox row's kind
  for (const m of ours) {
    const to = toOf(m);
    const mid = m.headers['message-id'];
    const [, id, code] = /^<outbox-(\d+)\.([0-9A-Z]+)@[^>]+>$/.exec(mid ?? '') ?? [];
    const r = row.get(Number(id));
    if (seen.has(mid)) problems.push(`${mid} to ${to} arrived twice`);
    seen.set(mid, m);
    if (to.length !== 1) problems.push(`${mid}: to ${to.join(', ')}, not one buyer`);
    if (!r) { problems.push(`a mail to ${to} (${mid}, ${m.subject}) that is no message of the event's`); continue; }
    kindOf.set(m, r.kind);
    const b = bookings.find((x) => x.id === r.booking);
    if (r.recipient !== to[0]) problems.push(`${mid} (to ${r.recipient}) reached ${to}`);
    if (code !== b.code) problems.push(`${mid}: booking code ${code}, not ${b.code}`);
    if (r.state !== 'sent') problems.push(`${mid} arrived but outbox ${r.id} is ${r.state}`);
  }
  for (const r of sent) {
    if (![...seen.keys()].some((mid) => mid.startsWith(`<outbox-${r.id}.`))) problems.push(`outbox ${r.id} (${r.kind} to ${r.recipient}) sent but not received`);
  }
  for (const b of bookings.filter((x) => x.email)) {
    const theirs = ours.filter((m) => toOf(m).includes(b.email));
    const confirmations = theirs.filter((m) => kindOf.get(m) === 'booking_confirmed');
    const titled = theirs.filter((m) => m.subject.startsWith('Your tickets for '));
    const want = b.status === 'confirmed' ? 1 : 0;
    if (confirmations.length !== want || titled.length !== want) {
      problems.push(`${b.email} (booking ${b.id}, ${b.status}): ${confirmations.length} confirmations, ` +
                    `${titled.length} mails titled as one; [${theirs.map((m) => m.subject).join(' | ')}]`);
    }
    for (const m of confirmations) {
      const pdfs = m.attachments.filter((a) => a.contentType === 'application/pdf' && a.filename === `tickets-${b.code}.pdf`);
      const qrs = m.attachments.filter((a) => a.contentType === 'image/png' && a.contentDisposition === 'inline');
      if (pdfs.length !== 1 || qrs.length !== b.items) {
        problems.push(`${b.email}'s confirmation: ${pdfs.length} PDFs, ${qrs.length} QR codes for ${b.items} tickets`);
      }
    }
  }
  const counts = { received: ours.length, sentRows: sent.length, confirmations: 0 };
  for (const kind of kindOf.values()) counts[kind] = (counts[kind] ?? 0) + 1;
  counts.confirmations = counts.booking_confirmed ?? 0;
  return { problems, counts };
}

// The SMS gateway's record against the outbox: one text per confirmed booking with a number,
// naming its booking code, and no text about any other booking.
async function deliveredTexts(eventId) {
  const { bookings, messages } = bookingsAndMessages(eventId);
  const phones = new Set(bookings.map((b) => b.phone).filter(Boolean));
  const texts = (await control('GET', 'sms')).messages.filter((m) => phones.has(m.to));
  const problems = [];
  for (const b of bookings.filter((x) => x.phone)) {
    const about = texts.filter((m) => m.to === b.phone && m.body.includes(`booking ${b.code} confirmed`));
    const want = b.status === 'confirmed' ? 1 : 0;
    if (about.length !== want) problems.push(`${b.phone} (booking ${b.id}, ${b.status}): ${about.length} confirmations by SMS`);
  }
  const sent = messages.filter((m) => m.channel === 'sms' && m.state === 'sent').length;
  if (texts.length !== sent) problems.push(`${texts.length} texts to the storm's numbers for ${sent} sent SMS messages`);
  return { problems, counts: { texts: texts.length, sent } };
}
