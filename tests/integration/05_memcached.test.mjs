// memcached is only a cache: with it gone the site still answers, correctly; when it returns
// the site keeps answering.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, masterPid, fullPool, workerPids, stopMemcached, startMemcached, memcachedStats,
  upcomingPublishedFromDb, allApiEvents,
} from './lib.mjs';

after(() => startMemcached()); // whatever happened, leave the stack whole for the next file

async function assertSiteWorks(label) {
  for (let i = 0; i < 8; i++) {
    const html = await get('/events');
    assert.equal(html.status, 200, `${label}: /events`);
    assert.match(html.body, /data-event-id="\d+"/, `${label}: /events lists events`);
  }
  const expected = upcomingPublishedFromDb().map((e) => e.eventId).sort((a, b) => a - b);
  const { events } = await allApiEvents();
  assert.deepEqual(events.map((e) => e.eventId).sort((a, b) => a - b), expected, `${label}: API content`);
}

test('the site works without memcached and after it comes back', async () => {
  const master = masterPid();
  const workers = await fullPool(master);
  await assertSiteWorks('memcached up');

  stopMemcached();
  await assert.rejects(memcachedStats(), 'memcached is really down');
  await assertSiteWorks('memcached down');

  startMemcached();
  assert.ok((await memcachedStats()).pid, 'memcached is back');
  await assertSiteWorks('memcached back');

  assert.deepEqual(workerPids(master), workers, 'no worker died along the way');
});
