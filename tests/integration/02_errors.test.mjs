// Errors: 404/405/400/413 behave, HTML errors are friendly pages in the site layout, /api/
// errors are {"error":{"code","message"}}, and a 500 shows a reference but no internals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, post, request, sql, decodeHtml, staticAssets, logSize, logSince, flushCache,
} from './lib.mjs';

function assertApiError(r, status) {
  assert.equal(r.status, status);
  assert.match(r.contentType, /^application\/json\b/);
  const { error } = r.json();
  assert.equal(typeof error?.code, 'string', 'error.code');
  assert.ok(error.code.length > 0, 'error.code is not empty');
  assert.equal(typeof error?.message, 'string', 'error.message');
  assert.ok(error.message.length > 0, 'error.message is not empty');
  return error;
}

// The error page is built from the same layout as /events: same stylesheet links, same header.
async function assertInLayout(r) {
  assert.match(r.contentType, /^text\/html\b/);
  const page = await get('/events');
  const layoutAssets = staticAssets(page.body);
  assert.ok(layoutAssets.length > 0, 'the layout links its assets');
  assert.deepEqual(staticAssets(r.body), layoutAssets, 'the error page links the layout assets');
  assert.match(r.body, /<header[\s>]/, 'the error page has the site header');
  assert.match(r.body, /href="\/events"/, 'the error page leads back to the events');
}

test('an unknown path is a 404 page in the site layout', async () => {
  const r = await get('/no/such/page');
  assert.equal(r.status, 404);
  await assertInLayout(r);
});

test('an unknown API path is a 404 JSON error', async () => {
  const error = assertApiError(await get('/api/v1/nope'), 404);
  assert.notEqual(error.code, '');
});

test('a wrong method is a 405 with an Allow header', async () => {
  const r = await request('DELETE', '/events');
  assert.equal(r.status, 405);
  assert.match(r.headers.get('allow') ?? '', /\bGET\b/);
  await assertInLayout(r);

  const api = await request('PUT', '/api/v1/events', { body: '{}', headers: { 'content-type': 'application/json' } });
  assertApiError(api, 405);
  assert.match(api.headers.get('allow') ?? '', /\bGET\b/);
});

test('a malformed query string is a 400 with a clear message', async () => {
  const r = await get('/events?page=%zz');
  assert.equal(r.status, 400);
  await assertInLayout(r);
  const text = decodeHtml(r.body.replace(/<[^>]*>/g, ' '));
  assert.match(text, /query string|escape|percent|invalid|not valid|malformed/i, 'the message says what is wrong');

  const api = assertApiError(await get('/api/v1/events?page=%zz'), 400);
  assert.match(api.message, /query string|escape|percent|invalid|not valid|malformed/i);
});

test('a page number that is not a number is a 400', async () => {
  assert.equal((await get('/events?page=abc')).status, 400);
  assertApiError(await get('/api/v1/events?page=-3'), 400);
});

test('a body over 1 MiB is a 413, and the worker serves the next request', async () => {
  const body = 'a='.padEnd(1.5 * 1024 * 1024, 'x');
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const r = await post('/events', body, { headers });
  assert.equal(r.status, 413);
  assert.match(r.contentType, /^text\/html\b/);

  assertApiError(await post('/api/v1/events', body, { headers }), 413);
  for (let i = 0; i < 8; i++) assert.equal((await get('/events')).status, 200);
});

test('an internal error is a 500 with a reference, logged, and leaks no internals', async () => {
  const hidden = `events_hidden_${process.pid}`;
  const before = logSize();
  await flushCache(); // no cached page may hide the broken database
  sql(`RENAME TABLE events TO ${hidden}`);
  let html, api;
  try {
    html = await get('/events');
    api = await get('/api/v1/events');
  } finally {
    sql(`RENAME TABLE ${hidden} TO events`);
  }

  assert.equal(html.status, 500);
  await assertInLayout(html);
  const error = assertApiError(api, 500);

  for (const body of [html.body, api.body]) {
    for (const leak of [hidden, 'SELECT', 'boxoffice.events', "doesn't exist", 'errno', 'MariaDB',
      'mysql', '.c:', 'NEOERR', 'Traceback', 'nerr_']) {
      assert.ok(!body.includes(leak), `the response body does not mention "${leak}"`);
    }
  }

  // The page quotes the request id; the pool log has the details under the same id.
  const requestId = html.headers.get('x-request-id');
  assert.match(requestId ?? '', /^[0-9a-f]{16,64}$/, 'X-Request-Id');
  assert.ok(decodeHtml(html.body).includes(requestId), 'the 500 page quotes the request id');
  assert.ok(JSON.stringify(error).includes(api.headers.get('x-request-id')), 'the API error quotes it');
  const log = logSince(before);
  assert.ok(log.includes(requestId), 'the pool log names the request id');
  assert.match(log, /doesn't exist|1146/, 'the pool log has the database error');

  // And the app is fine once the table is back.
  assert.equal((await get('/events')).status, 200);
  assert.equal((await get('/api/v1/events')).status, 200);
});
