// The Twilio half of the stand-in, over raw HTTP as Boxoffice's notifier speaks it: a good
// send and its Message resource, each error code in Twilio's shape, basic auth, faults on the
// SMS route, and the SMS ledger of the control API.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, KEYS } from './harness.mjs';
import { segments, rfc2822 } from './twilio.mjs';

let gw;

before(async () => { gw = await startGateway(); });

after(async () => {
  assert.doesNotMatch(gw.log(), /internal error/);
  const { code } = await gw.stop();
  assert.equal(code, 0);
});

beforeEach(() => gw.control('/reset', {}));

const basic = (user = KEYS.twilioAccountSid, pass = KEYS.twilioAuthToken) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const messagesPath = (account = KEYS.twilioAccountSid) => `/2010-04-01/Accounts/${account}/Messages.json`;

async function send(params, { auth = basic(), account, signal } = {}) {
  const res = await fetch(`${gw.base}${messagesPath(account)}`, {
    method: 'POST',
    headers: { ...(auth ? { Authorization: auth } : {}), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    signal,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const sms = () => gw.control('/sms').then((r) => r.messages);
const good = { To: '+4915112345678', From: '+15005550006', Body: 'Your tickets for Café Müller: https://shop.test/b/42' };

function assertTwilioError(r, status, code) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body).sort(), ['code', 'message', 'more_info', 'status']);
  assert.equal(r.body.code, code);
  assert.equal(r.body.status, status);
  assert.equal(r.body.more_info, `https://www.twilio.com/docs/errors/${code}`);
  assert.ok(r.body.message.length > 0);
}

test('a good send: 201 with a Message resource, recorded in the SMS ledger', async () => {
  const r = await send(good);
  assert.equal(r.status, 201);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.match(r.headers.get('twilio-request-id'), /^RQ[0-9a-f]{32}$/);
  const m = r.body;
  assert.match(m.sid, /^SM[0-9a-f]{32}$/);
  assert.equal(m.account_sid, KEYS.twilioAccountSid);
  assert.equal(m.to, good.To);
  assert.equal(m.from, good.From);
  assert.equal(m.body, good.Body);
  assert.equal(m.status, 'queued');
  assert.equal(m.num_segments, '1');
  assert.equal(m.num_media, '0');
  assert.equal(m.direction, 'outbound-api');
  assert.equal(m.api_version, '2010-04-01');
  assert.equal(m.messaging_service_sid, null);
  assert.equal(m.error_code, null);
  assert.match(m.date_created, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  assert.ok(Math.abs(Date.parse(m.date_created) - Date.now()) < 5000);
  assert.equal(m.uri, `/2010-04-01/Accounts/${KEYS.twilioAccountSid}/Messages/${m.sid}.json`);
  assert.equal(m.subresource_uris.media, `/2010-04-01/Accounts/${KEYS.twilioAccountSid}/Messages/${m.sid}/Media.json`);

  const fetched = await fetch(`${gw.base}${m.uri}`, { headers: { Authorization: basic() } });
  assert.equal(fetched.status, 200);
  assert.deepEqual(await fetched.json(), m);

  const [row] = await sms();
  assert.equal(row.sid, m.sid);
  assert.equal(row.to, good.To);
  assert.equal(row.body, good.Body);
  assert.equal(row.segments, 1);
  assert.deepEqual(row.params, good);
});

test('segments: GSM-7 160/153, its extension characters count twice, anything else UCS-2 70/67', async () => {
  assert.equal(segments('a'.repeat(160)), 1);
  assert.equal(segments('a'.repeat(161)), 2);
  assert.equal(segments('a'.repeat(306)), 2);
  assert.equal(segments('a'.repeat(307)), 3);
  assert.equal(segments('€'.repeat(80)), 1);
  assert.equal(segments('€'.repeat(81)), 2);
  assert.equal(segments('✓'.repeat(70)), 1);
  assert.equal(segments('✓'.repeat(71)), 2);
  assert.equal(segments('🎫'.repeat(35)), 1, 'a character outside the BMP is two UCS-2 units');
  assert.equal(rfc2822(new Date(Date.UTC(2026, 11, 2, 14, 5, 9))), 'Wed, 02 Dec 2026 14:05:09 +0000');
  const r = await send({ ...good, Body: '✓ '.repeat(100) });
  assert.equal(r.body.num_segments, '3', '200 UCS-2 units: 67 a segment');
});

test('a Messaging Service instead of From: accepted, sender chosen later', async () => {
  const service = `MG${'ab'.repeat(16)}`;
  const r = await send({ To: good.To, MessagingServiceSid: service, Body: 'hi' });
  assert.equal(r.status, 201);
  assert.equal(r.body.status, 'accepted');
  assert.equal(r.body.from, null);
  assert.equal(r.body.messaging_service_sid, service);
  assert.equal(r.body.num_segments, '0');
  assertTwilioError(await send({ To: good.To, MessagingServiceSid: 'MG123', Body: 'hi' }), 400, 21701);
});

test('errors in Twilio\'s shape: 21604, 21211, 21603, 21212, 21602, 21617; nothing recorded', async () => {
  assertTwilioError(await send({ From: good.From, Body: 'x' }), 400, 21604);
  for (const to of ['4915112345678', '+0151', '+1', '+1234567890123456', '+49 151 1234', 'bob@example.com']) {
    assertTwilioError(await send({ ...good, To: to }), 400, 21211);
  }
  assertTwilioError(await send({ To: good.To, Body: 'x' }), 400, 21603);
  for (const from of ['+0123', 'Boxoffice Tickets', '12', '!!!', '12345678']) {
    assertTwilioError(await send({ ...good, From: from }), 400, 21212);
  }
  assert.equal((await send({ ...good, From: 'Boxoffice' })).status, 201, 'an alphanumeric sender ID');
  assert.equal((await send({ ...good, From: '12345' })).status, 201, 'a short code');
  assertTwilioError(await send({ To: good.To, From: good.From }), 400, 21602);
  assertTwilioError(await send({ ...good, Body: '' }), 400, 21602);
  assertTwilioError(await send({ ...good, Body: 'x'.repeat(1601) }), 400, 21617);
  assertTwilioError(await send({ ...good, Body: 'ü'.repeat(1601) }), 400, 21617);
  assert.equal((await send({ ...good, Body: 'ü'.repeat(1600) })).status, 201, '1600 characters, not bytes');
  assert.equal((await sms()).length, 3, 'only the three good sends');
});

test('auth: none, a wrong token, another account\'s path: 401 20003; unknown routes 404 20404', async () => {
  const none = await send(good, { auth: null });
  assertTwilioError(none, 401, 20003);
  assert.match(none.headers.get('www-authenticate'), /^Basic realm=/);
  assertTwilioError(await send(good, { auth: basic(KEYS.twilioAccountSid, 'wrong') }), 401, 20003);
  assertTwilioError(await send(good, { auth: basic('AC' + 'f'.repeat(32), KEYS.twilioAuthToken) }), 401, 20003);
  assertTwilioError(await send(good, { auth: `Bearer ${KEYS.twilioAuthToken}` }), 401, 20003);
  assertTwilioError(await send(good, { account: 'AC' + 'f'.repeat(32) }), 401, 20003);
  const unknown = await fetch(`${gw.base}/2010-04-01/Accounts/${KEYS.twilioAccountSid}/Calls.json`, { method: 'POST', headers: { Authorization: basic() } });
  assertTwilioError({ status: unknown.status, body: await unknown.json() }, 404, 20404);
  const missing = await fetch(`${gw.base}/2010-04-01/Accounts/${KEYS.twilioAccountSid}/Messages/SM${'0'.repeat(32)}.json`, { headers: { Authorization: basic() } });
  assert.equal(missing.status, 404);
  assert.deepEqual(await sms(), []);
});

test('faults apply to the SMS route: 500 and 429 in Twilio\'s shape, then normal again', async () => {
  await gw.control('/faults', { match: { method: 'POST', path: '/2010-04-01/' }, action: 'status', status: 500, times: 2 });
  await gw.control('/faults', { match: { path: '/2010-04-01/' }, action: 'status', status: 429 });
  assertTwilioError(await send(good), 500, 20500);
  assertTwilioError(await send(good), 500, 20500);
  assertTwilioError(await send(good), 429, 20429);
  assert.deepEqual(await sms(), [], 'nothing sent while failing');
  assert.equal((await send(good)).status, 201);
  assert.equal((await sms()).length, 1);
});

test('faults: timeout (nothing sent), drop (sent, no answer: a retry is a second SMS), delay', async () => {
  await gw.control('/faults', { match: { path: '/2010-04-01/' }, action: 'timeout' });
  await assert.rejects(send(good, { signal: AbortSignal.timeout(300) }), { name: 'TimeoutError' });
  assert.deepEqual(await sms(), []);

  await gw.control('/faults', { match: { path: '/2010-04-01/' }, action: 'drop' });
  await assert.rejects(send(good), TypeError);
  assert.equal((await sms()).length, 1, 'the SMS went out though the client never heard');
  assert.equal((await send(good)).status, 201);
  const rows = await sms();
  assert.equal(rows.length, 2, 'Twilio has no idempotency keys: the retry sent it again');
  assert.notEqual(rows[0].sid, rows[1].sid);

  await gw.control('/faults', { match: { path: '/2010-04-01/' }, action: 'delay', delayMs: 300 });
  const started = Date.now();
  assert.equal((await send(good)).status, 201);
  assert.ok(Date.now() - started >= 300);
});

test('the SMS ledger: oldest first, cleared by DELETE /_control/sms and by reset', async () => {
  for (const body of ['one', 'two', 'three']) assert.equal((await send({ ...good, Body: body })).status, 201);
  assert.deepEqual((await sms()).map((m) => m.body), ['one', 'two', 'three']);
  const cleared = await fetch(`${gw.base}/_control/sms`, { method: 'DELETE' });
  assert.equal(cleared.status, 200);
  assert.deepEqual(await cleared.json(), { messages: [] });
  assert.deepEqual(await sms(), []);
  await send(good);
  await gw.control('/reset', {});
  assert.deepEqual(await sms(), []);
});
