// Hostile input never makes a 5xx: every answer is a 200 or a 4xx, and no worker dies.
import { test, describe as block, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest, masterPid, fullPool, workerPids, get, sql, flushCache } from './lib.mjs';
import {
  createFixtureEvent, dropFixtureEvent, seatSupply, holdAndOpen, parseCheckout, pageMessage, bookingFromDb, paymentsOf,
} from './checkout.mjs';
import { ticketSettings, buyByApi, Door, checkinPath, apiScan, messagesSettled } from './tickets.mjs';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

const cases = [
  // query strings
  { path: '/events?page=%00' },
  { path: '/events?q=%00abc&page=1' },
  { path: '/events?%00=1' },
  { path: '/events?page=%ff%fe' },
  { path: '/events?name=%c0%af%ed%a0%80' },
  { path: '/events?page=%' },
  { path: '/events?page=%4' },
  { path: '/events?page=%zz' },
  { path: '/events?&&&==&=&a==b' },
  { path: '/events?page=1&page=2&page=%zz' },
  { path: '/events?page=99999999999999999999999' },
  { path: '/events?page=-1' },
  { path: '/events?page=0' },
  { path: '/events?page=1e9' },
  { path: '/events?page=2147483648' },
  { path: '/events?page=1%20' },
  { path: `/events?${'k'.repeat(300)}=v` },
  { path: `/events?${'k'.repeat(7000)}=v` },
  { path: `/events?v=${'%41'.repeat(2500)}` },
  { path: `/events?${'a=1&'.repeat(1900)}` },
  { path: `/api/v1/events?${'page=1&'.repeat(1000)}` },
  { path: '/api/v1/events?page=%zz' },
  { path: '/api/v1/events?category=%27%20OR%201%3D1--&startDate=not-a-date' },
  { path: '/api/v1/events?page=1;DROP%20TABLE%20events' },
  // paths
  { path: '/events%00' },
  { path: '/events%00.html' },
  { path: '/%ff%fe' },
  { path: '/ev%e9nts' },
  { path: '/events/%2e%2e/%2e%2e/etc/passwd' },
  { path: '/static/../../../../etc/passwd' },
  { path: '/static/..%2f..%2f..%2f..%2fetc%2fpasswd' },
  { path: '/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd' },
  { path: '/../../etc/passwd' },
  { path: '//events' },
  { path: '/events/' },
  { path: '/events;jsessionid=1' },
  { path: '/api/v1/events/../../../etc/passwd' },
  { path: '/api/v1/events/abc' },
  { path: '/api/v1/events/99999999999999999999999999' },
  { path: `/${'a/'.repeat(2000)}` },
  { path: `/${'%25'.repeat(2000)}` },
  // cookies
  { path: '/events', headers: { cookie: 'x=%00; y=%ff%fe; z=\xff\xfe' } },
  { path: '/events', headers: { cookie: '=; ;;=;=;; a' } },
  { path: '/events', headers: { cookie: `big=${'c'.repeat(7000)}` } },
  { path: '/events', headers: { cookie: `${'k'.repeat(5000)}=v` } },
  { path: '/events', headers: { cookie: Array.from({ length: 1000 }, (_, i) => `c${i}=v`).join('; ') } },
  { path: '/events', headers: { cookie: 'a=1; '.repeat(1200) } },
  { path: '/events', headers: { cookie: `big=${'c'.repeat(40000)}` } },
  // headers
  { path: '/events', headers: { 'x-forwarded-for': '\xff'.repeat(4000), 'user-agent': '\xff\xfe' } },
  { path: '/events', headers: { 'content-type': '\xff\xfe; charset=%00' } },
  // bodies
  { method: 'POST', path: '/events', headers: FORM, body: 'a=1&'.repeat(10_000) },
  { method: 'POST', path: '/events', headers: FORM, body: '%00=%ff&%zz=%&=' },
  { method: 'POST', path: '/events', headers: FORM, body: `${'k'.repeat(100_000)}=v` },
  { method: 'POST', path: '/api/v1/events', headers: JSON_TYPE, body: '['.repeat(100_000) },
  { method: 'POST', path: '/api/v1/events', headers: JSON_TYPE, body: '{"eventId": ' },
  { method: 'POST', path: '/api/v1/events', headers: JSON_TYPE, body: '{"a":"\\u0000\\ud800"}' },
  { method: 'POST', path: '/api/v1/events', headers: JSON_TYPE, body: Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]) },
  { method: 'POST', path: '/events', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\n\r\n' },
  // the booking endpoints (holds, the API, checkout pages and forms)
  { method: 'POST', path: '/events/1/hold', headers: FORM, body: 'ticketId=%00&ticketId=-1' },
  { method: 'POST', path: '/events/1/hold', headers: FORM, body: 'ticketId=99999999999999999999999' },
  { method: 'POST', path: '/events/1/hold', headers: FORM, body: `${'ticketId=1&'.repeat(5000)}` },
  { method: 'POST', path: '/events/1/hold', headers: FORM, body: 'standing_%00=1&standing_-5=2&standing_1=1e9' },
  { method: 'POST', path: '/events/99999999999999999999/hold', headers: FORM, body: 'ticketId=1' },
  { method: 'POST', path: '/events/%ff/hold', headers: FORM, body: 'ticketId=1' },
  { method: 'POST', path: '/api/v1/bookings', headers: JSON_TYPE, body: '{"eventId":1e999,"ticketIds":[1]}' },
  { method: 'POST', path: '/api/v1/bookings', headers: JSON_TYPE, body: '{"eventId":1,"ticketIds":[-1,1.5,"x",null,{}]}' },
  { method: 'POST', path: '/api/v1/bookings', headers: JSON_TYPE, body: `{"eventId":1,"ticketIds":[${'1,'.repeat(20000)}1]}` },
  { method: 'POST', path: '/api/v1/bookings', headers: JSON_TYPE, body: '{"eventId":1,"ticketIds":[1],"paymentInfo":{"provider":"\u0000","paymentMethod":[]}}' },
  { method: 'POST', path: '/api/v1/bookings', headers: { ...JSON_TYPE, 'idempotency-key': '\xff'.repeat(300) }, body: '{}' },
  { method: 'POST', path: '/api/v1/bookings', headers: FORM, body: 'eventId=1&ticketIds=1' },
  { path: '/api/v1/bookings/%00?token=%ff' },
  { path: '/api/v1/bookings/1', headers: { authorization: `Bearer ${'\xff'.repeat(5000)}` } },
  { path: '/checkout/abc?token=x' },
  { path: '/checkout/99999999999999999999?token=%00' },
  { path: '/checkout/1/seats?token=%ff%fe' },
  { path: '/bookings/1?token=' },
  { method: 'POST', path: '/checkout/1/pay', headers: FORM, body: 'csrf_token=%00&token=%ff&name=%00' },
  { method: 'POST', path: '/checkout/1/seats', headers: FORM, body: 'csrf_token=x&token=y&ticketId=%zz' },
  { method: 'POST', path: '/checkout/1/release', headers: FORM, body: '=&=&' },
  { path: '/checkout/1/return?token=%ff&session_id=%00' },
  { path: '/checkout/abc/cancel?token=x' },
  { path: `/checkout/1/return?token=${'A'.repeat(5000)}&token=x&PayerID=%zz` },
  { method: 'POST', path: '/api/v1/bookings', headers: JSON_TYPE,
    body: '{"eventId":1,"ticketIds":[1],"paymentInfo":{"provider":"stripe","paymentMethod":"pm_\u0000' + 'x'.repeat(300) + '"}}' },
  { method: 'POST', path: '/api/v1/bookings', headers: JSON_TYPE,
    body: '{"eventId":1,"ticketIds":[1],"paymentInfo":{"provider":"paypal","paymentMethod":"x"}}' },
  // the gateways' webhooks, unsigned or signed with nonsense
  { method: 'POST', path: '/payments/webhook/stripe', headers: JSON_TYPE, body: '{}' },
  { method: 'POST', path: '/payments/webhook/stripe', headers: JSON_TYPE, body: 'not json' },
  { method: 'POST', path: '/payments/webhook/stripe', headers: { ...JSON_TYPE, 'stripe-signature': `t=${'9'.repeat(400)},v1=${'g'.repeat(64)}` }, body: '{"id":"evt","type":"x","data":{"object":{}}}' },
  { method: 'POST', path: '/payments/webhook/stripe', headers: { ...JSON_TYPE, 'stripe-signature': ',,,=,t=,v1=,' + 'v1=00,'.repeat(500) }, body: '[]' },
  { method: 'POST', path: '/payments/webhook/stripe', headers: FORM, body: 'a=b' },
  { method: 'POST', path: '/payments/webhook/paypal', headers: JSON_TYPE, body: '{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{}}' },
  { method: 'POST', path: '/payments/webhook/paypal', headers: { ...JSON_TYPE, 'paypal-transmission-id': '\xff'.repeat(100),
    'paypal-transmission-time': 'x', 'paypal-transmission-sig': '%00', 'paypal-cert-url': 'file:///etc/passwd',
    'paypal-auth-algo': 'none' }, body: '{"id":"WH-1","event_type":"X","resource":{"id":"\u0000"}}' },
  { method: 'POST', path: '/payments/webhook/paypal', headers: JSON_TYPE, body: '{"id":' + '['.repeat(5000) },
  { method: 'GET', path: '/payments/webhook/stripe' },
  // methods
  { method: 'PATCH', path: '/events' },
  { method: 'OPTIONS', path: '/events' },
  { method: 'PROPFIND', path: '/events' },
  { method: 'HEAD', path: '/no/such/page' },
];

function describe(c) {
  const headers = c.headers ? ` headers ${Object.keys(c.headers).join(',')}` : '';
  return `${c.method ?? 'GET'} ${c.path.slice(0, 80)}${c.path.length > 80 ? '…' : ''}${headers}`;
}

test('hostile requests get a 200 or a 4xx, never a 5xx, and no worker dies', async () => {
  const master = masterPid();
  const workers = await fullPool(master);
  const bad = [];
  for (const c of cases) {
    const r = await rawRequest(c);
    if (!(r.status === 200 || (r.status >= 400 && r.status < 500))) {
      bad.push(`${describe(c)} → ${r.status}`);
    }
  }
  assert.deepEqual(bad, [], 'every hostile request answered 200 or 4xx');
  assert.equal(masterPid(), master, 'the same master');
  assert.deepEqual(workerPids(master), workers, 'no worker died or was replaced');
  assert.equal((await get('/events')).status, 200);
});

test('path traversal never serves files from outside static/', async () => {
  for (const path of ['/static/../../../../etc/passwd', '/static/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/../../etc/passwd']) {
    const r = await rawRequest({ path });
    assert.ok(!r.body.includes('root:x:0:0'), `${path} does not serve /etc/passwd`);
    assert.ok(r.status >= 400 && r.status < 500, `${path} → ${r.status}`);
  }
});

// ------------------------------------------------------------------------------------------
// the e-tickets, the door and the checkout's contact and holder fields

block('e-tickets, the door and the checkout\'s new fields', () => {
  let fixture, freshSeats, secret, code, bookingId, door;
  const paid = [];   // bookings that wrote mails, settled before the drop

  before(async () => {
    fixture = createFixtureEvent(`Hostile Tickets Test ${process.pid}`);
    ({ freshSeats } = seatSupply(fixture));
    secret = ticketSettings().checkinSecret;
    await flushCache();
    ({ codes: [code], bookingId } = await buyByApi(fixture.eventId, freshSeats(1)));
    door = new Door(fixture.eventId, 'Hostile');
    await door.open(secret);
  });

  after(async () => {
    await messagesSettled(paid);
    if (fixture) dropFixtureEvent(fixture.eventId);
    await flushCache();
  });

  // What the answer says: the error page's or JSON error's message, or the door's verdict.
  function message(r) {
    if (/^application\/json/.test(r.headers['content-type'] ?? '')) {
      const doc = JSON.parse(r.body);
      return doc.error?.message ?? doc.message;
    }
    return pageMessage(Buffer.from(r.body, 'latin1').toString('utf8'));
  }

  test('junk codes, keys, ids and bodies at the ticket pages and the door get a 4xx that says why, never a 5xx, and no worker dies', async () => {
    const E = fixture.eventId;
    const B = bookingId;
    const spare = freshSeats(1);
    const doorCookie = [...door.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const AUTH = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    const scan = (body, headers = AUTH) => ({ method: 'POST', path: '/api/v1/checkin', headers,
      body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, what: `the API: ${String(body).slice(0, 70)}` });
    const form = (body) => ({ method: 'POST', path: checkinPath(E), headers: { cookie: doorCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf_token=${door.csrf}&${body}`, what: `the page: ${body.slice(0, 70)}` });
    const cases = [
      // the ticket pages: junk, very long, invalid UTF-8, NUL, traversal
      { path: '/tickets/%00' },
      { path: '/tickets/%ff%fe' },
      { path: '/tickets/%c0%af' },
      { path: '/tickets/..%2f..%2f..%2fetc%2fpasswd' },
      { path: '/tickets/%2e%2e/%2e%2e/etc/passwd' },
      { path: '/tickets/../../etc/passwd' },
      { path: `/tickets/${code}%00` },
      { path: `/tickets/${code}%00.pdf` },
      { path: `/tickets/${code}.pdf%00` },
      { path: `/tickets/${code}.pdf.pdf` },
      { path: `/tickets/${code}/..%2f..%2f..%2fetc%2fpasswd` },
      { path: '/tickets/.pdf' },
      { path: '/tickets/' },
      { path: `/tickets/${'A'.repeat(5000)}` },
      { path: `/tickets/${'A'.repeat(5000)}.pdf` },
      { path: `/tickets/${'%C3%A9'.repeat(300)}` },
      { path: `/tickets/${code.slice(0, 46)}%C3%A9` },
      { path: `/tickets/${'-'.repeat(300)}` },
      { path: `/tickets/${'%20'.repeat(150)}` },
      { path: `/bookings/${B}/tickets?key=%00` },
      { path: `/bookings/${B}/tickets?key=%ff%fe` },
      { path: `/bookings/${B}/tickets?key=${'A'.repeat(5000)}` },
      { path: `/bookings/${B}/tickets.pdf?key=../../../etc/passwd` },
      { path: `/bookings/${B}/tickets?key=a&key=b&key=%zz` },
      { path: `/bookings/${B}/tickets?key=${'A'.repeat(22)}` },
      { path: `/bookings/${B}/tickets.pdf?key=${'%2f'.repeat(22)}` },
      { path: '/bookings/-1/tickets?key=x' },
      { path: '/bookings/0/tickets.pdf?key=x' },
      { path: '/bookings/99999999999999999999/tickets.pdf?key=x' },
      { path: '/bookings/%00/tickets?key=x' },
      { path: `/bookings/${B}%00/tickets?key=x` },
      { path: `/bookings/${B}abc/tickets?key=x` },
      // the door's page
      { path: '/admin/events/%00/checkin' },
      { path: '/admin/events/99999999999999999999/checkin', headers: { cookie: doorCookie } },
      { path: '/admin/events/1e3/checkin', headers: { cookie: doorCookie } },
      { path: '/admin/events/-1/checkin', headers: { cookie: doorCookie } },
      { path: '/admin/events/999999999/checkin', headers: { cookie: doorCookie } },
      { path: `/admin/events/${E}/checkin?door=%ff` },
      { path: `/admin/events/${E}/checkin`, headers: { cookie: 'bo_checkin=\xff\xfe%00' }, ok: [200] },
      { path: `/admin/events/${E}/checkin`, headers: { cookie: `bo_checkin=${'A'.repeat(6000)}` }, ok: [200] },
      { ...form('code=%00'), what: 'a NUL in the code' },
      { ...form('code=%ff%fe'), what: 'invalid UTF-8 in the code' },
      { ...form(`code=${'A'.repeat(60_000)}`), ok: [200], verdict: 'malformed' },
      { ...form(`code=${'A'.repeat(100_000)}`), what: 'a code past the form parser\'s 64 KiB' },
      { ...form(`code=${'%C3%A9'.repeat(150)}`), ok: [200], verdict: 'malformed' },
      { ...form(`code=x&door=${'a'}${'%C3%A9'.repeat(60)}`), ok: [200], verdict: 'malformed' },
      { ...form(`code=x&door=%0d%0aX-Evil:%201`), ok: [200], verdict: 'malformed' },
      { ...form(`code=${'A'.repeat(3_000_000)}`) },
      { ...form('secret=%00') },
      { ...form(`secret=${'s'.repeat(100_000)}`) },
      { method: 'POST', path: checkinPath(E), headers: { cookie: doorCookie, 'content-type': 'application/json' }, body: '{"code":"x"}' },
      // the door's API
      scan(`{"eventId":${E},"code":"${'A'.repeat(3_000_000)}"}`),
      scan(`{"eventId":${E},"code":"x"}`, { ...AUTH, 'content-type': 'text/xml' }),
      scan(`eventId=${E}&code=${code}`, { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }),
      scan(`{"eventId":${E},"code":{"a":1}}`),
      scan(`{"eventId":${E},"code":["${code}"]}`),
      scan(`{"eventId":${E},"code":true}`),
      scan(`{"eventId":${E},"code":"\\u0000${code}"}`),
      scan(Buffer.concat([Buffer.from(`{"eventId":${E},"code":"`), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')])),
      { ...scan(`{"eventId":${E},"code":"${'é'.repeat(90)}"}`), ok: [400], verdict: 'malformed' },
      { ...scan(`{"eventId":${E},"code":"x","door":"a${'é'.repeat(60)}"}`), ok: [400], verdict: 'malformed' },
      { ...scan(`{"eventId":${E},"code":"x","door":"\\r\\nX-Evil: 1"}`), ok: [400], verdict: 'malformed' },
      scan(`{"eventId":1e999,"code":"${code}"}`),
      scan(`{"eventId":99999999999999999999,"code":"${code}"}`),
      scan(`{"eventId":4294967296,"code":"${code}"}`),
      { ...form(`code=${code}`), path: '/admin/events/99999999999999999999/checkin', what: 'the page of an event id too large' },
      { ...form(`code=${code}`), path: '/admin/events/4294967296/checkin', what: 'the page of an event id past 2^32' },
      scan(`{"eventId":${E},"code":"${code}","door":${'['.repeat(50_000)}`),
      scan('['.repeat(100_000)),
      scan(''),
      scan(`{"eventId":${E},"code":"${code}"}`, { authorization: `Bearer ${'\xff'.repeat(5000)}`, 'content-type': 'application/json' }),
      scan(`{"eventId":${E},"code":"${code}"}`, { authorization: `Bearer ${secret} ${secret}`, 'content-type': 'application/json' }),
      { method: 'GET', path: '/api/v1/checkin', headers: AUTH },
      // names through the booking API: the limit is 200 characters whatever else they hold
      ...[`\u0007${'a'.repeat(300)}`, 'Д'.repeat(201), `${'é'.repeat(150)}\n${'é'.repeat(60)}`].map((name) => ({
        method: 'POST', path: '/api/v1/bookings', headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ eventId: E, ticketIds: spare, buyerName: name, paymentInfo: { provider: 'test', paymentMethod: 'pm_card_visa' } })),
        what: `the booking API: a name of ${[...name].length} characters`, ok: [400] })),
    ];
    const master = masterPid();
    const workers = await fullPool(master);
    const bad = [];
    for (const c of cases) {
      const r = await rawRequest(c);
      const what = c.what ?? `${c.method ?? 'GET'} ${c.path.slice(0, 70)} ${typeof c.body === 'string' ? c.body.slice(0, 60) : ''}`;
      const ok = c.ok ? c.ok.includes(r.status) : r.status >= 400 && r.status < 500;
      const said = ok ? message(r) : '';
      if (!ok) bad.push(`${what} → ${r.status}: ${message(r)}`);
      else if (!said || /Something went wrong/.test(said)) bad.push(`${what} → ${r.status} without a message`);
      else if (c.verdict && !(/^application\/json/.test(r.headers['content-type']) ? JSON.parse(r.body).result === c.verdict
        : r.body.includes(`data-result="${c.verdict}"`))) bad.push(`${what} → not ${c.verdict}: ${said}`);
    }
    assert.deepEqual(bad, [], 'every hostile request answered as expected, with a message');
    assert.equal(masterPid(), master, 'the same master');
    assert.deepEqual(workerPids(master), workers, 'no worker died or was replaced');
    assert.equal(sql(`SELECT COUNT(checked_in_at) FROM booking_items WHERE event_id = ${E}`)[0][0], '0', 'nobody was admitted');
    assert.equal(sql(`SELECT status FROM tickets WHERE ticket_id = ${spare[0]}`)[0][0], 'available', 'nor anything booked');
    const real = await apiScan({ eventId: E, code, door: 'After' }, { secret });
    assert.equal(real.json.result, 'admitted', 'and the real code still admits');
  });

  test('the checkout refuses a bad phone, holder name or holder email with a clear message, keeps what was typed, and writes nothing', async () => {
    const { shopper, booking, page } = await holdAndOpen(fixture.eventId, freshSeats(2));
    const [first, second] = Object.keys(page.pay.fields).filter((k) => k.startsWith('holder_name_'));
    const email = (field) => field.replace('holder_name_', 'holder_email_');
    const PHONE = /mobile number in international form/;
    const LONG = /name on the ticket for .+ is too long \(up to 200 characters\)/;
    const CONTROL = /name on the ticket for .+ must not have line breaks, tabs or control characters/;
    const EMAIL = /email for the ticket .+ must be an address like name@example\.com, or left empty/;
    const cases = [
      [{ phone: '12345' }, PHONE],
      [{ phone: '+0 123 456 789' }, PHONE],
      [{ phone: '+1 555' }, PHONE],
      [{ phone: `+${'1'.repeat(20)}` }, PHONE],
      [{ phone: '+353 87 123 4567\r\nX-Evil: 1' }, PHONE],
      [{ phone: '+353 87 123 4567; DROP TABLE bookings' }, PHONE],
      [{ phone: '+３５３ ８７ １２３ ４５６７' }, PHONE],
      [{ [first]: 'x'.repeat(201) }, LONG],
      [{ [second]: 'Д'.repeat(201) }, LONG],
      [{ [first]: 'Ada\nLovelace' }, CONTROL],
      [{ [first]: 'Ada\r\nBcc: eve@example.com' }, CONTROL],
      [{ [second]: 'Ada\tLovelace' }, CONTROL],
      [{ [second]: '\x1b[31mred' }, CONTROL],
      [{ [first]: 'bell\x07' }, CONTROL],
      [{ [first]: 'next\u0085line' }, CONTROL],
      [{ [email(first)]: 'not-an-email' }, EMAIL],
      [{ [email(first)]: 'ada@localhost' }, EMAIL],
      [{ [email(second)]: 'ada@example.com\r\nBcc: eve@example.com' }, EMAIL],
      [{ [email(second)]: 'ada lovelace@example.com' }, EMAIL],
      [{ [email(first)]: '<ada@example.com>' }, EMAIL],
      [{ [email(first)]: `${'x'.repeat(250)}@example.com` }, EMAIL],
      [{ name: 'Ada\r\nBcc: eve@example.com' }, /Please enter your name without line breaks, tabs or control characters/],
    ];
    for (const [fields, wanted] of cases) {
      const typed = { name: 'Ada Lovelace', email: 'ada@example.com', paymentMethod: 'pm_card_visa', ...fields };
      const r = await shopper.post(`/checkout/${booking.bookingId}/pay`, [
        ['csrf_token', page.pay.fields.csrf_token], ['token', booking.token], ...Object.entries(typed)]);
      const what = JSON.stringify(fields);
      assert.equal(r.status, 400, `${what}: 400 (${pageMessage(r.body)})`);
      const again = parseCheckout(r.body);
      assert.match(again.error ?? '', wanted, `${what}: the message says what is wrong`);
      // As typed, as a browser reads it back: HTML makes every CR LF of a page one LF.
      for (const [k, v] of Object.entries(typed)) {
        if (k !== 'paymentMethod') {
          assert.equal(again.pay.fields[k]?.replace(/\r\n?/g, '\n'), v.replace(/\r\n?/g, '\n'), `${what}: ${k} kept as typed`);
        }
      }
      assert.equal(again.pay.radios.paymentMethod.checked, 'pm_card_visa', `${what}: the method kept`);
    }
    const db = bookingFromDb(booking.bookingId);
    assert.equal(db.status, 'pending', 'the hold is still just a hold');
    assert.equal(db.buyerName, null, 'no buyer recorded');
    assert.deepEqual(paymentsOf(booking.bookingId), [], 'nothing charged');
    for (const table of ['booking_holders', 'outbox', 'booking_items']) {
      assert.equal(sql(`SELECT COUNT(*) FROM ${table} WHERE booking_id = ${booking.bookingId}`)[0][0], '0', `nothing in ${table}`);
    }

    // The limit counts characters: 200 of them in Cyrillic (400 bytes) are a name.
    const name = 'Д'.repeat(200);
    const ok = await shopper.post(`/checkout/${booking.bookingId}/pay`, [
      ['csrf_token', page.pay.fields.csrf_token], ['token', booking.token], ['name', 'Ada Lovelace'],
      ['email', `hostile-${process.pid}@example.com`], ['paymentMethod', 'pm_card_visa'], [first, name]]);
    assert.equal(ok.status, 303, `200 characters are not too many: ${pageMessage(ok.body)}`);
    paid.push(booking.bookingId);
    assert.deepEqual(sql(`SELECT holder_name FROM booking_items WHERE booking_id = ${booking.bookingId} AND holder_name IS NOT NULL`),
      [[name]], 'and the ticket carries the whole name');
  });
});
