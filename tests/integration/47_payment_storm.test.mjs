// The booking storm, paid through Stripe (the stand-in) while the gateway misbehaves: calls
// answered late, with 503s, never (the connection dropped after the charge was made), webhooks
// duplicated, delayed and lost, and pool workers SIGKILLed, with hosted checkouts paid,
// cancelled and abandoned beside the API bookings. Afterwards — the sweep having settled what
// it can — MariaDB and the stand-in's own ledger must agree: the booking invariants hold, every
// charge the gateway made ends as exactly one confirmed booking or exactly one full refund, and
// no charge and no attempt is left undecided.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, masterPid, fullPool, sleep } from './lib.mjs';
import { createEvent, retireEvent, closeClient, planAttempts, runStorm, withWorkers, workerKiller,
  countStatuses, invariantViolations, sweep, rng } from './storm.mjs';
import { Shopper, hold, checkoutLocation, openCheckout } from './checkout.mjs';
import { control, webhooksSettled, ledger, payAtGateway, choose, comeBack } from './gateway.mjs';

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
// Stripe, then on the gateway's page pay (and come back, or not), cancel, or walk away.
async function checkouts(seats, seed) {
  const random = rng(seed);
  const outcomes = { paid: 0, cancelled: 0, abandoned: 0, refused: 0 };
  await Promise.all(seats.map(async (seat) => {
    const shopper = new Shopper();
    const r = await hold(fx.eventId, { ticketIds: [seat], shopper });
    if (r.status !== 303) { outcomes.refused++; return; }
    const booking = checkoutLocation(r);
    const page = await openCheckout(shopper, booking);
    let at;
    try {
      at = await payAtGateway(shopper, booking, page, 'stripe');
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
      await comeBack(shopper, await choose(at.payment, 'cancel'));
      outcomes.cancelled++;
    } else {
      outcomes.abandoned++;
    }
  }));
  return outcomes;
}

test('payment storm: the gateway failing every way, workers killed; the money and the seats agree', async (t) => {
  fx = createEvent('Irwell Park', `Payment storm ${tag}`);
  const attempts = planAttempts(fx, { tag, seatAttempts: 1200, standingAttempts: 200, hotSeats: 60, seed: 21 });
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
});
