// Hostile input never makes a 5xx: every answer is a 200 or a 4xx, and no worker dies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest, masterPid, fullPool, workerPids, get } from './lib.mjs';

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
