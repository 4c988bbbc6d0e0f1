// MariaDB restarts under a running pool: the workers reconnect by themselves. A read outside
// a transaction is retried once on a fresh connection, so no request may fail at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, sql, masterPid, fullPool, workerPids, restartDb, upcomingPublishedFromDb, flushCache,
} from './lib.mjs';

// Each round breaks every worker's connection; six requests per worker after each restart
// give every worker its turn to meet a dead connection.
const ROUNDS = 3;

test('a restarted MariaDB is reconnected to without restarting the pool, and no request fails', async () => {
  const master = masterPid();
  const workers = await fullPool(master);
  // Warm up: every worker has an open connection (and prepared statements) by now.
  for (let i = 0; i < workers.length * 4; i++) assert.equal((await get('/api/v1/events')).status, 200);
  const connected = Number(sql(`SELECT COUNT(*) FROM information_schema.PROCESSLIST
                                 WHERE ID <> CONNECTION_ID() AND USER = 'root'`)[0][0]);
  assert.ok(connected >= 1, 'the workers are connected');

  for (let round = 1; round <= ROUNDS; round++) {
    restartDb();
    await flushCache(); // every request must reach MariaDB, not a cached page
    const expected = upcomingPublishedFromDb().length;
    const failures = [];
    for (let i = 0; i < workers.length * 6; i++) {
      const path = i % 2 ? '/events' : '/api/v1/events';
      const r = await get(path);
      if (r.status !== 200) failures.push(`${path} → ${r.status}: ${r.body.slice(0, 200)}`);
      else if (path === '/api/v1/events') assert.equal(r.json().total, expected, 'fresh data after the restart');
    }
    assert.deepEqual(failures, [], `round ${round}: no request fails after the restart`);
  }

  assert.equal(masterPid(), master, 'the same master');
  assert.deepEqual(workerPids(master), workers, 'the same workers: none exited over the lost connection');
});
