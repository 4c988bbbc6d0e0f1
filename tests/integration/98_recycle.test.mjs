// Server.MaxRequests: a worker that has served its quota exits and the master starts a fresh
// one, without any request failing. The limit is lowered through the config file + SIGHUP
// and restored afterwards, so later files see the stack as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { get, CONFIG, masterPid, fullPool, workerPids, reloadConfig } from './lib.mjs';

function setMaxRequests(text, n) {
  if (/^\s*MaxRequests\s*=/m.test(text)) return text.replace(/^(\s*MaxRequests\s*=\s*)\d+/m, `$1${n}`);
  return `${text}\nServer.MaxRequests = ${n}\n`;
}

test('workers are recycled after Server.MaxRequests requests, losing none', async () => {
  const original = readFileSync(CONFIG, 'utf8');
  const master = masterPid();
  await reloadConfig(setMaxRequests(original, 3), master);
  try {
    const first = await fullPool(master);
    const seen = new Set(first);
    const statuses = [];
    // Each worker serves at most 3 requests, so 40 sequential requests need at least 14
    // workers. A worker is alive right after its first response, so sampling after every
    // request sees each of them.
    for (let i = 0; i < 40; i++) {
      statuses.push((await get('/api/v1/events?pageSize=1')).status);
      for (const p of workerPids(master)) seen.add(p);
    }
    assert.deepEqual(statuses.filter((s) => s !== 200), [], 'every request succeeded');
    const replaced = [...seen].filter((p) => !first.includes(p));
    assert.ok(replaced.length >= 40 / 3 - first.length,
      `workers were recycled (saw ${seen.size} worker pids for 40 requests)`);
  } finally {
    await reloadConfig(original, master);
  }
  assert.equal(masterPid(), master, 'the master stayed the same process');
});
