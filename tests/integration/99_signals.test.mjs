// SIGHUP reloads (every worker replaced, no request lost); SIGTERM stops gracefully (a request
// in flight completes). This file stops the pool, so it sorts last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, sql, masterPid, fullPool, workerPids, signal, isAlive, waitFor, lockTableForWrite,
  upcomingPublishedFromDb, flushCache,
} from './lib.mjs';

test('SIGHUP replaces every worker while requests keep succeeding', async () => {
  const master = masterPid();
  const before = await fullPool(master);

  // A steady stream of requests across the reload: all of them must succeed.
  let reloaded = false;
  const statuses = [];
  const load = (async () => {
    let after = 0;
    while (after < 30) {
      statuses.push((await get(statuses.length % 2 ? '/events' : '/api/v1/events')).status);
      if (reloaded) after++;
    }
  })();

  await waitFor(() => statuses.length >= 10, { what: 'the request stream to start' });
  signal(master, 'SIGHUP');
  const after = await waitFor(
    () => {
      const pids = workerPids(master);
      return pids.length === before.length && pids.every((p) => !before.includes(p)) ? pids : null;
    },
    { what: 'every worker to be replaced' },
  );
  reloaded = true;
  await load;

  assert.equal(masterPid(), master, 'the master stays');
  assert.ok(before.every((p) => !isAlive(p)), 'the old workers exited');
  assert.equal(after.length, before.length);
  assert.deepEqual(statuses.filter((s) => s !== 200), [], `all ${statuses.length} requests succeeded`);
});

test('SIGTERM stops the pool gracefully: a request in flight completes', async () => {
  const master = masterPid();
  const before = await fullPool(master);
  const expected = upcomingPublishedFromDb().length;

  // Hold the events table so the next listing blocks inside a worker, mid-request.
  await flushCache();
  const lock = await lockTableForWrite('events');
  let inflight;
  try {
    inflight = get('/api/v1/events');
    inflight.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    await waitFor(
      () => Number(sql(`SELECT COUNT(*) FROM information_schema.PROCESSLIST
                         WHERE ID <> CONNECTION_ID() AND STATE LIKE 'Waiting for table%'`)[0][0]) > 0,
      { what: 'the request to block on the table lock' },
    );

    signal(master, 'SIGTERM');
    // The idle workers leave at once; the busy one stays until its request is done.
    const busy = await waitFor(
      () => {
        const pids = workerPids(master);
        return pids.length === 1 ? pids : null;
      },
      { what: 'the idle workers to exit' },
    );
    assert.ok(before.includes(busy[0]), 'the remaining worker is one of the pool');
    assert.ok(isAlive(master), 'the master waits for the busy worker');
  } finally {
    await lock.release();
  }

  const r = await inflight;
  assert.equal(r.status, 200, 'the in-flight request completed');
  assert.equal(r.json().total, expected, 'with a whole answer');

  await waitFor(() => !isAlive(master), { what: 'the master to exit' });
  assert.ok(before.every((p) => !isAlive(p)), 'no worker outlives the master');
  const after = await get('/events');
  assert.equal(after.status, 502, 'nginx finds no pool behind the socket any more');
});
