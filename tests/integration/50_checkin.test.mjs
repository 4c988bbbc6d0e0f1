// The door: /admin/events/{id}/checkin (locked until the check-in secret is typed, then a
// code field) and POST /api/v1/checkin (the secret as a Bearer token). Every verdict through
// both — admitted, already used, void, wrong event, forged, malformed — checked against the
// e-ticket's row and the record of scans; twenty doors scanning one code at the same moment
// admit it once; bad requests to the API; and a rotation of the signing keys through the
// config and SIGHUP. Runs on two events of its own, dropped at the end; the config is put
// back and reloaded whatever happens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG, sql, flushCache, get, reloadConfig, configuredWorkers, tamperedToken, waitFor } from './lib.mjs';
import { createFixtureEvent, dropFixtureEvent, seatSupply } from './checkout.mjs';
import { session } from './storm.mjs';
import {
  ticketSettings, withTicketKeys, decodeCode, signCode, bytesToCode, randomKeyHex, alteredCode, buyByApi,
  setBookingStatus, checkinPath, Door, apiScan, scansOf, checkedIn,
} from './tickets.mjs';

const NAME = `Door Test ${process.pid}`;
let fixture, other;             // our event, and another one for wrong-event tickets
let freshSeats, otherSeats;     // untouched seats of each
let settings;                   // the stack's ticket keys and check-in secret
let secret;

before(async () => {
  fixture = createFixtureEvent(NAME);
  other = createFixtureEvent(`${NAME} (elsewhere)`);
  ({ freshSeats } = seatSupply(fixture));
  ({ freshSeats: otherSeats } = seatSupply(other));
  settings = ticketSettings();
  secret = settings.checkinSecret;
  assert.ok(secret.length >= 16, 'the stack has a check-in secret');
  await flushCache();
});

after(async () => {
  if (fixture) dropFixtureEvent(fixture.eventId);
  if (other) dropFixtureEvent(other.eventId);
  await flushCache();
});

const nowUtc = () => sql('SELECT UTC_TIMESTAMP()')[0][0];
const display = (code) => code.match(/.{1,4}/g).join('-');

// The tickets sold for the event (confirmed bookings' e-tickets) and those checked in, from
// MariaDB: what the door's progress must say.
function progressFromDb(eventId) {
  const [[sold, admitted]] = sql(`SELECT COUNT(*), COUNT(i.checked_in_at) FROM booking_items i
    JOIN bookings b ON b.booking_id = i.booking_id WHERE i.event_id = ${eventId} AND b.payment_status = 'confirmed'`);
  return { admitted: Number(admitted), sold: Number(sold) };
}

// ------------------------------------------------------------------------------------------

test('the door is locked until the check-in secret is typed; a wrong one is refused; the right one sets an HttpOnly cookie for /admin', async () => {
  const [code] = (await buyByApi(fixture.eventId, freshSeats(1))).codes;
  const door = new Door(fixture.eventId, 'North');

  const locked = await door.page();
  assert.equal(locked.status, 200, 'the locked page is a page, not an error');
  assert.match(locked.r.headers.get('cache-control') ?? '', /no-store/);
  assert.ok(locked.locked && !locked.scanForm, 'it offers the secret\'s form and no code field');
  assert.equal(locked.progress, undefined, 'nor any count');
  assert.ok(!locked.text.includes(NAME), 'nor the event\'s name');

  const early = await door.post(checkinPath(fixture.eventId), [['csrf_token', locked.csrf], ['code', code], ['door', 'North']]);
  assert.equal(early.status, 403, 'a scan before the secret is refused');
  assert.equal((await door.page()).locked, true);
  assert.match(early.body, /Type the check-in secret first\./);

  const noCsrf = await door.post(checkinPath(fixture.eventId), [['secret', secret]]);
  assert.equal(noCsrf.status, 403, 'the secret\'s form needs its CSRF token like any other');
  assert.ok(!noCsrf.setCookies.some((c) => c.startsWith('bo_checkin=')), 'and opens nothing without it');

  for (const wrong of [`${secret}x`, secret.slice(0, -1), 'nope', ' ']) {
    const refused = await door.unlock(wrong);
    assert.equal(refused.r.status, 403, `a wrong secret (${wrong.length} characters) is refused`);
    assert.equal(refused.error, 'That is not the check-in secret of this site.');
    assert.ok(refused.locked, 'the page asks again');
    assert.ok(!refused.r.setCookies.some((c) => c.startsWith('bo_checkin=')), 'no door cookie for a wrong secret');
  }
  assert.equal((await door.page()).locked, true, 'still locked after the wrong ones');

  const { r } = await door.unlock(secret);
  assert.equal(r.status, 303, 'the right secret is taken');
  assert.equal(r.headers.get('location'), checkinPath(fixture.eventId), 'back to the door\'s page');
  const cookie = r.setCookies.find((c) => c.startsWith('bo_checkin='));
  assert.ok(cookie, 'a door cookie is set');
  const attrs = cookie.split(';').map((s) => s.trim());
  assert.ok(attrs.includes('HttpOnly'), `HttpOnly: ${cookie}`);
  assert.ok(attrs.includes('Path=/admin'), `for /admin only: ${cookie}`);
  assert.ok(attrs.includes('SameSite=Strict'), `SameSite=Strict: ${cookie}`);
  const value = attrs[0].slice('bo_checkin='.length);
  assert.ok(value.length >= 16 && !value.includes(secret) && !secret.includes(value), 'the cookie is not the secret');

  const open = await door.page();
  assert.equal(open.status, 200);
  assert.ok(open.scanForm && !open.locked, 'the door is open');
  assert.equal(open.heading, `Check-in · ${NAME}`);
  assert.deepEqual(open.progress, progressFromDb(fixture.eventId), 'its count is MariaDB\'s');
  assert.deepEqual(open.progress, { admitted: 0, sold: 1 });

  const intruder = new Door(fixture.eventId);
  intruder.cookies.set('bo_checkin', tamperedToken(value));
  assert.equal((await intruder.page()).locked, true, 'a cookie that is not the secret\'s opens nothing');
  intruder.cookies.set('bo_checkin', secret);
  assert.equal((await intruder.page()).locked, true, 'nor does the secret itself as the cookie');

  assert.equal((await get('/admin/events/abc/checkin')).status, 404);
  assert.deepEqual(scansOf(fixture.eventId), [], 'nothing was scanned: nothing recorded');
});

test('every verdict, through the page and through the API, each scan recorded', async () => {
  const door = new Door(fixture.eventId, 'North Gate');
  await door.open(secret);
  const sold = await buyByApi(fixture.eventId, freshSeats(2), { buyerName: 'Zoë Ångström' });
  const cancelled = await buyByApi(fixture.eventId, freshSeats(1));
  const refunded = await buyByApi(fixture.eventId, freshSeats(1));
  const elsewhere = await buyByApi(other.eventId, otherSeats(1));
  setBookingStatus(cancelled.bookingId, 'cancelled');
  setBookingStatus(refunded.bookingId, 'refunded');
  const before = scansOf(fixture.eventId).length;
  const start = progressFromDb(fixture.eventId);

  const ids = decodeCode(sold.codes[0]);
  const wellFormedJunk = Buffer.from(Array.from({ length: 29 }, () => Math.floor(Math.random() * 256)));
  wellFormedJunk[0] = (1 << 4) | settings.current;
  const absentKeyId = [...Array(16).keys()].find((id) => !settings.keys.has(id));
  const refusals = [
    ['void', cancelled.codes[0], 'a cancelled booking\'s ticket'],
    ['void', refunded.codes[0], 'a refunded booking\'s ticket'],
    ['wrong_event', elsewhere.codes[0], 'a valid ticket of another event'],
    ['forged', alteredCode(sold.codes[1]), 'a real code with one character changed'],
    ['forged', signCode({ ...ids, keyId: settings.current, keyHex: randomKeyHex() }), 'the same ids signed with a key we do not have'],
    ['forged', signCode({ ...ids, keyId: absentKeyId, keyHex: randomKeyHex() }), 'a code of a key id the ring lacks'],
    ['forged', bytesToCode(wellFormedJunk), 'random bytes in the form of a code'],
    ['malformed', 'NOT-A-TICKET', 'a random string'],
    ['malformed', sold.codes[1].slice(0, 46), 'a truncated code'],
    ['malformed', `${sold.codes[1]}0`, 'a code with a character more'],
  ];
  const apiStatus = { void: 422, wrong_event: 422, forged: 422, malformed: 400 };
  const expectedScans = [];

  // Admitted: the page for the first ticket, the API (as typed: lowercase, in blocks) for the second.
  const t0 = nowUtc();
  const viaPage = await door.scan(sold.codes[0]);
  assert.equal(viaPage.status, 200);
  assert.equal(viaPage.result, 'admitted', viaPage.message);
  assert.match(viaPage.message, /^Admitted: .+, Zoë Ångström\.$/);
  const atPage = checkedIn(sold.codes[0]);
  assert.equal(atPage.door, 'North Gate', 'the e-ticket records the door');
  assert.ok(atPage.at >= t0 && atPage.at <= nowUtc(), `and when: ${atPage.at}`);
  assert.deepEqual(viaPage.progress, { admitted: start.admitted + 1, sold: start.sold });
  expectedScans.push(['admitted', 'North Gate', sold.codes[0]]);

  const typed = display(sold.codes[1]).toLowerCase();
  const viaApi = await apiScan({ eventId: fixture.eventId, code: typed, door: 'South' }, { secret });
  assert.equal(viaApi.status, 200, JSON.stringify(viaApi.json));
  assert.equal(viaApi.json.result, 'admitted');
  assert.equal(viaApi.json.holder, 'Zoë Ångström');
  assert.equal(viaApi.json.bookingCode, sql(`SELECT booking_code FROM bookings WHERE booking_id = ${sold.bookingId}`)[0][0]);
  assert.equal(viaApi.json.seat, sql(`SELECT seat_label FROM tickets WHERE ticket_id = ${decodeCode(sold.codes[1]).ticketId}`)[0][0]);
  assert.deepEqual(viaApi.json.progress, { admitted: start.admitted + 2, sold: start.sold });
  const atApi = checkedIn(sold.codes[1]);
  assert.equal(atApi.door, 'South');
  expectedScans.push(['admitted', 'South', typed]);

  // Already used: each code again through the other channel, saying when and at which door.
  const againPage = await door.scan(sold.codes[1]);
  assert.equal(againPage.result, 'already_used');
  assert.ok(againPage.message.includes(`${atApi.at} UTC, door South`), againPage.message);
  assert.deepEqual(againPage.progress, { admitted: start.admitted + 2, sold: start.sold }, 'a refusal admits nobody');
  expectedScans.push(['already_used', 'North Gate', sold.codes[1]]);
  const againApi = await apiScan({ eventId: fixture.eventId, code: sold.codes[0], door: 'South' }, { secret });
  assert.equal(againApi.status, 409);
  assert.equal(againApi.json.result, 'already_used');
  assert.equal(againApi.json.checkedInAt, `${atPage.at.replace(' ', 'T')}Z`);
  assert.equal(againApi.json.door, 'North Gate');
  assert.ok(againApi.json.message.includes(`${atPage.at} UTC, door North Gate`), againApi.json.message);
  expectedScans.push(['already_used', 'South', sold.codes[0]]);
  assert.deepEqual(checkedIn(sold.codes[0]), atPage, 'a second scan changes nothing on the e-ticket');

  for (const [verdict, code, what] of refusals) {
    const p = await door.scan(code);
    assert.equal(p.status, 200, `page, ${what}`);
    assert.equal(p.result, verdict, `page, ${what}: ${p.message}`);
    assert.ok(p.message.length > 10, `page, ${what}: says why (${p.message})`);
    expectedScans.push([verdict, 'North Gate', code]);
    const a = await apiScan({ eventId: fixture.eventId, code, door: 'South' }, { secret });
    assert.equal(a.status, apiStatus[verdict], `API, ${what}: ${JSON.stringify(a.json)}`);
    assert.equal(a.json.result, verdict, `API, ${what}`);
    assert.equal(a.json.message, p.message, `API, ${what}: the page's words`);
    expectedScans.push([verdict, 'South', code]);
  }
  for (const t of [cancelled, refunded, elsewhere]) assert.equal(checkedIn(t.codes[0]).at, null, 'a refused ticket stays unused');

  const empty = await door.scan('');
  assert.equal(empty.status, 400, 'an empty code field');
  assert.equal(empty.message, 'Scan or type a ticket code.');

  const end = progressFromDb(fixture.eventId);
  assert.deepEqual(end, { admitted: start.admitted + 2, sold: start.sold }, 'exactly the two admissions');
  assert.deepEqual((await door.page()).progress, end);
  assert.deepEqual(scansOf(fixture.eventId).slice(before).map((s) => [s.verdict, s.door, s.code]), expectedScans,
    'every scan recorded, as typed, with its verdict and door (the empty one is no scan)');
});

test('one code scanned at twenty doors at the same moment is admitted once; the others say already used', async () => {
  const [code, spare] = (await buyByApi(fixture.eventId, freshSeats(2))).codes;
  const { ticketId, bookingId } = decodeCode(code);
  const pageDoors = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
    const d = new Door(fixture.eventId, `Page door ${i + 1}`);
    await d.open(secret);
    return d;
  }));
  const start = progressFromDb(fixture.eventId);
  const scansBefore = scansOf(fixture.eventId).length;

  // The e-ticket's row is locked while the scans come in, so the first of them to reach the
  // update all wait on the same row lock and go at once when it is released.
  const lock = await session();
  await lock.say(`BEGIN; SELECT COUNT(*) FROM booking_items WHERE booking_id = ${bookingId} AND ticket_id = ${ticketId} FOR UPDATE`);
  let scans;
  try {
    scans = [
      ...pageDoors.map((d) => d.scan(code).then((r) => ({ door: d.name, status: r.status, result: r.result, message: r.message }))),
      ...Array.from({ length: 10 }, (_, i) => apiScan({ eventId: fixture.eventId, code, door: `App door ${i + 1}` }, { secret })
        .then((r) => ({ door: `App door ${i + 1}`, status: r.status, result: r.json?.result, message: r.json?.message }))),
    ];
    await waitFor(() => Number(sql(`SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'`)[0][0])
      >= configuredWorkers(), { what: 'every worker to wait on the e-ticket\'s row lock' });
  } finally {
    await lock.end('COMMIT');
  }
  const results = await Promise.all(scans);

  const admitted = results.filter((r) => r.result === 'admitted');
  assert.equal(admitted.length, 1, `exactly one admission: ${JSON.stringify(results.map((r) => r.result))}`);
  const used = results.filter((r) => r.result === 'already_used');
  assert.equal(used.length, 19, 'every other door says already used');
  const row = checkedIn(code);
  assert.equal(row.door, admitted[0].door, 'the e-ticket names the door that admitted it');
  for (const r of used) {
    assert.equal(r.status, r.door.startsWith('App') ? 409 : 200);
    assert.ok(r.message.includes(`${row.at} UTC, door ${row.door}`), `${r.door}: ${r.message}`);
  }

  const end = progressFromDb(fixture.eventId);
  assert.deepEqual(end, { admitted: start.admitted + 1, sold: start.sold }, 'progress moved by exactly one');
  assert.deepEqual((await pageDoors[0].page()).progress, end, 'on the page');
  const next = await apiScan({ eventId: fixture.eventId, code: spare, door: 'App door 1' }, { secret });
  assert.deepEqual(next.json.progress, { admitted: end.admitted + 1, sold: end.sold }, 'and in the API');

  const recorded = scansOf(fixture.eventId).slice(scansBefore).filter((s) => s.ticketId === ticketId);
  assert.deepEqual(recorded.map((s) => s.verdict).sort(), ['admitted', ...Array(19).fill('already_used')],
    'all twenty scans recorded with their verdicts');
  assert.equal(recorded.find((s) => s.verdict === 'admitted').door, row.door);
});

test('an admission sets the time and the door of the e-ticket in one update', async () => {
  const [code] = (await buyByApi(fixture.eventId, freshSeats(1))).codes;
  const table = `test_checkin_updates_${process.pid}`;
  // A trigger notes every change to an e-ticket's check-in: two statements (the time, then
  // the door) would leave two rows, one of each.
  sql(`CREATE TABLE ${table} (item_id BIGINT UNSIGNED, at_set BOOL, door_set BOOL)`);
  try {
    sql(`CREATE TRIGGER ${table} AFTER UPDATE ON booking_items FOR EACH ROW
         INSERT INTO ${table} SELECT NEW.item_id, NOT (OLD.checked_in_at <=> NEW.checked_in_at),
                NOT (OLD.checked_in_door <=> NEW.checked_in_door) FROM DUAL
          WHERE NOT (OLD.checked_in_at <=> NEW.checked_in_at) OR NOT (OLD.checked_in_door <=> NEW.checked_in_door)`);
    const r = await apiScan({ eventId: fixture.eventId, code, door: 'East' }, { secret });
    assert.equal(r.json.result, 'admitted');
    const again = await apiScan({ eventId: fixture.eventId, code, door: 'West' }, { secret });
    assert.equal(again.json.result, 'already_used');
    const item = sql(`SELECT item_id FROM booking_items WHERE ticket_code = '${code}'`)[0][0];
    assert.deepEqual(sql(`SELECT item_id, at_set, door_set FROM ${table}`), [[item, '1', '1']],
      'one update set both; the second scan changed nothing');
  } finally {
    sql(`DROP TRIGGER IF EXISTS ${table}`);
    sql(`DROP TABLE IF EXISTS ${table}`);
  }
});

test('the API wants the secret as a Bearer token and a JSON object with eventId and code; anything else is refused with a message', async () => {
  const [code, other] = (await buyByApi(fixture.eventId, freshSeats(2))).codes;
  const before = scansOf(fixture.eventId).length;
  const start = progressFromDb(fixture.eventId);
  const good = { eventId: fixture.eventId, code, door: 'API' };

  for (const [auth, what] of [[null, 'no Authorization'], ['Bearer', 'no token'], [`Bearer ${secret}x`, 'a wrong secret'],
    [`Bearer ${secret.slice(0, -1)}`, 'a secret cut short'], [`Basic ${Buffer.from(`door:${secret}`).toString('base64')}`, 'Basic auth'],
    [secret, 'the secret with no scheme']]) {
    const r = await apiScan(good, { auth });
    assert.equal(r.status, 401, `${what}: 401`);
    assert.equal(r.json?.error?.code, 'unauthorized', what);
    assert.match(r.json.error.message, /Authorization: Bearer/, `${what}: says how`);
    assert.match(r.r.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${what}: names the scheme (RFC 7235)`);
  }

  const bad = [
    ['{"eventId": ', 'bad JSON', /JSON/],
    ['[1, 2]', 'an array', /JSON object/],
    ['"code"', 'a string', /JSON object/],
    [{ code, door: 'API' }, 'no eventId', /eventId/],
    [{ ...good, eventId: String(fixture.eventId) }, 'eventId as a string', /eventId/],
    [{ ...good, eventId: 0 }, 'eventId 0', /eventId/],
    [{ ...good, eventId: -fixture.eventId }, 'a negative eventId', /eventId/],
    [{ eventId: fixture.eventId, door: 'API' }, 'no code', /code/],
    [{ ...good, code: 12345 }, 'a number for code', /code/],
    [{ ...good, code: [code] }, 'an array for code', /code/],
    [{ ...good, code: null }, 'null for code', /code/],
    [{ ...good, code: '' }, 'an empty code', /code/],
    [{ ...good, code: 'A'.repeat(201) }, 'a code of 201 characters', /code/],
    [{ ...good, door: 7 }, 'a number for door', /door/],
    [{ ...good, door: { name: 'x' } }, 'an object for door', /door/],
  ];
  for (const [body, what, message] of bad) {
    const r = await apiScan(body, { secret });
    assert.equal(r.status, 400, `${what}: 400 (${r.r.body.slice(0, 200)})`);
    assert.equal(r.json?.error?.code, 'bad_request', what);
    assert.match(r.json.error.message, message, `${what}: the message names the problem`);
  }
  const wrongType = await apiScan(JSON.stringify(good), { secret, headers: { 'content-type': 'text/plain' } });
  assert.equal(wrongType.status, 400, 'JSON sent as text/plain is not read');
  assert.match(wrongType.json.error.message, /JSON object/);

  assert.equal(scansOf(fixture.eventId).length, before, 'no refused request was recorded as a scan');
  assert.deepEqual(progressFromDb(fixture.eventId), start, 'nor admitted anyone');
  assert.equal(checkedIn(code).at, null);
  const ok = await apiScan(good, { secret });
  assert.equal(ok.json.result, 'admitted', 'the same code in a good request is admitted');
  // The scheme's name in any case (RFC 9110, 11.1): a scanner app that writes "bearer" gets in.
  const lower = await apiScan({ ...good, code: other }, { auth: `bearer ${secret}` });
  assert.equal(lower.status, 200, JSON.stringify(lower.json));
  assert.equal(lower.json.result, 'admitted');
});

test('key rotation: new codes carry the new key, old ones still admit; once the old key is removed its codes are forged', async () => {
  const original = readFileSync(CONFIG, 'utf8');
  assert.ok(!settings.derived, 'the stack configures its ticket keys');
  const oldId = settings.current;
  const oldHex = settings.keys.get(oldId);
  const newId = (oldId + 1) % 16;
  const newHex = randomKeyHex();
  const door = new Door(fixture.eventId, 'Rotation');
  await door.open(secret);

  const before = await buyByApi(fixture.eventId, freshSeats(3));
  for (const c of before.codes) assert.equal(decodeCode(c).keyId, oldId, 'codes before the rotation carry the old key id');
  const scan = (c) => apiScan({ eventId: fixture.eventId, code: c, door: 'Rotation' }, { secret }).then((r) => r.json.result);
  try {
    await reloadConfig(withTicketKeys(original, `${newId}:${newHex}, ${oldId}:${oldHex}`, newId));
    const after = await buyByApi(fixture.eventId, freshSeats(2));
    for (const c of after.codes) {
      const ids = decodeCode(c);
      assert.equal(ids.keyId, newId, 'a new booking\'s codes carry the new key id');
      assert.equal(signCode({ ...ids, keyHex: newHex }), c, 'and are signed with the new key');
    }
    assert.equal(await scan(before.codes[0]), 'admitted', 'an old code still admits');
    assert.equal((await door.scan(after.codes[0])).result, 'admitted', 'a new one admits');

    await reloadConfig(withTicketKeys(original, `${newId}:${newHex}`, newId));
    assert.equal(await scan(before.codes[1]), 'forged', 'with the old key removed, its codes are forged');
    assert.equal((await door.scan(before.codes[2])).result, 'forged', 'at the page as well');
    assert.equal((await get(`/tickets/${before.codes[2]}`)).status, 404, 'and their ticket pages are gone');
    assert.equal(await scan(after.codes[1]), 'admitted', 'the new key\'s codes admit');

    // No keys configured: key 0, derived from Secrets.Key, signs, and the others are forged.
    await reloadConfig(withTicketKeys(original, null));
    const derived = ticketSettings();
    assert.ok(derived.derived);
    const plain = await buyByApi(fixture.eventId, freshSeats(1));
    const ids = decodeCode(plain.codes[0]);
    assert.equal(ids.keyId, 0, 'a site with no keys signs with key 0');
    assert.equal(signCode({ ...ids, keyHex: derived.keys.get(0) }), plain.codes[0], 'derived from Secrets.Key as ticket_code.h says');
    assert.equal(await scan(plain.codes[0]), 'admitted');
  } finally {
    await reloadConfig(original);
  }
  assert.equal(readFileSync(CONFIG, 'utf8'), original, 'the config is back as it was');
  const restored = await buyByApi(fixture.eventId, freshSeats(1));
  assert.equal(decodeCode(restored.codes[0]).keyId, oldId, 'and the pool signs with the stack\'s key again');
});
