// A worker that dies is replaced by the master, and the pool keeps answering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get, masterPid, workerPids, fullPool, killWorker, isAlive } from './lib.mjs';

const N = 24;

async function assertRequestsSucceed(n) {
  const statuses = [];
  for (let i = 0; i < n; i++) {
    const path = i % 2 ? '/api/v1/events' : '/events';
    statuses.push((await get(path)).status);
  }
  assert.deepEqual(statuses, Array(n).fill(200), `the next ${n} requests all succeed`);
}

test('a worker killed with SIGKILL is replaced and the next requests succeed', async () => {
  const master = masterPid();
  const before = await fullPool(master);
  const victim = before[0];

  await killWorker(victim);
  const after = await fullPool(master);
  assert.ok(!after.includes(victim), 'the killed worker is gone');
  assert.equal(after.filter((pid) => !before.includes(pid)).length, 1, 'exactly one new worker');
  assert.equal(masterPid(), master, 'the master is the same');
  assert.ok(isAlive(master));

  await assertRequestsSucceed(N);
});

test('every worker killed at once: the pool refills and serves', async () => {
  const master = masterPid();
  const before = await fullPool(master);
  await Promise.all(before.map((pid) => killWorker(pid)));
  const after = await fullPool(master);
  assert.equal(after.filter((pid) => before.includes(pid)).length, 0, 'all workers are new');
  await assertRequestsSucceed(N);
  assert.deepEqual(workerPids(master), after, 'no worker died while serving');
});
