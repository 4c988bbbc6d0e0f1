// Shared helpers for the integration suite: HTTP through nginx, SQL through the stack's
// MariaDB socket, and the pool's processes. Every wait is a bounded poll on a condition.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this suite through tests/integration/run`);
  return v;
}

export const BASE_URL = need('BOXOFFICE_URL');
export const RUN_DIR = need('BOXOFFICE_RUN');
export const DB_SOCKET = need('BOXOFFICE_DB_SOCKET');
export const POOL_PIDFILE = need('BOXOFFICE_POOL_PIDFILE');
export const MEMCACHED_SOCKET = need('MEMCACHED_SOCKET');
export const CONFIG = need('BOXOFFICE_CONFIG');
export const SRCDIR = need('BOXOFFICE_SRCDIR');
export const POOL_LOG = path.join(RUN_DIR, 'boxoffice.log');

const REQUEST_TIMEOUT_MS = 30_000;

// ------------------------------------------------------------------------------------------
// HTTP

// request(method, path, {body, headers}) → {status, headers, body, json()} through nginx.
// Redirects are not followed, so a test sees exactly what the app answered.
export async function request(method, urlPath, { body, headers = {} } = {}) {
  const res = await fetch(BASE_URL + urlPath, {
    method,
    body,
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  return wrapResponse(res.status, res.headers, text);
}

export const get = (urlPath, opts) => request('GET', urlPath, opts);
export const post = (urlPath, body, opts = {}) => request('POST', urlPath, { ...opts, body });

function wrapResponse(status, headers, body) {
  return {
    status,
    headers,
    body,
    contentType: headerOf(headers, 'content-type') ?? '',
    json() {
      try {
        return JSON.parse(body);
      } catch (e) {
        throw new Error(`not JSON (status ${status}): ${body.slice(0, 300)}`);
      }
    },
  };
}

function headerOf(headers, name) {
  if (typeof headers.get === 'function') return headers.get(name);
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

// rawRequest: node:http with the path sent byte for byte (fetch would normalise "..", "%2e"
// and refuse some header values). Header values are latin1 strings.
export function rawRequest({ method = 'GET', path: rawPath, headers = {}, body } = {}) {
  const url = new URL(BASE_URL);
  if (body !== undefined) {
    body = Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1');
    headers = { 'content-length': String(body.length), ...headers };
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: rawPath,
        headers: { connection: 'close', ...headers },
        insecureHTTPParser: true,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve(wrapResponse(res.statusCode, res.headers, Buffer.concat(chunks).toString('latin1'))),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${rawPath}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// ------------------------------------------------------------------------------------------
// HTML

export function decodeHtml(s) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(cp);
    }
    return named[e.toLowerCase()] ?? m;
  });
}

// The stylesheets and scripts a page links from /static/: the site layout's fingerprint.
export function staticAssets(html) {
  return [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => decodeHtml(m[1])).sort();
}

// ------------------------------------------------------------------------------------------
// SQL (the mariadb client on the stack's socket, as root, database boxoffice)

export function sql(query) {
  const r = spawnSync(
    'mariadb',
    ['--no-defaults', `--socket=${DB_SOCKET}`, '-uroot', '-N', '-B', 'boxoffice', '-e', query],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`SQL failed (${r.status}): ${query}\n${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t').map(unescapeBatch));
}

// mariadb -B escapes backslash, newline, tab and NUL in values and prints NULL for NULL.
function unescapeBatch(v) {
  if (v === 'NULL') return null;
  return v.replace(/\\(.)/g, (m, c) => ({ n: '\n', t: '\t', 0: '\0', '\\': '\\' })[c] ?? m);
}

export function sqlString(s) {
  return "'" + String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

// A second session that holds LOCK TABLES ... WRITE until release() is awaited.
export async function lockTableForWrite(table) {
  const child = spawn(
    'mariadb',
    ['--no-defaults', `--socket=${DB_SOCKET}`, '-uroot', '-N', '-B', '--unbuffered', 'boxoffice'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin.write(`LOCK TABLES ${table} WRITE;\nSELECT 'locked';\n`);
  await waitFor(() => out.includes('locked'), { what: `LOCK TABLES ${table} WRITE` });
  return {
    async release() {
      child.stdin.end('UNLOCK TABLES;\n');
      await exited;
    },
  };
}

// `token` with its last character changed: a well-formed token that is not the booking's.
// (Appending a fixed letter would give back the token itself whenever it already ended so.)
export function tamperedToken(token) {
  return token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
}

// ------------------------------------------------------------------------------------------
// waiting

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Poll fn (sync or async) until it returns a truthy value; fail after timeoutMs.
export async function waitFor(fn, { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}` + (lastError ? `: ${lastError.message}` : ''));
    }
    await sleep(intervalMs);
  }
}

// ------------------------------------------------------------------------------------------
// the pool's processes

export function configuredWorkers() {
  const m = readFileSync(CONFIG, 'utf8').match(/^\s*Workers\s*=\s*(\d+)/m);
  if (!m) throw new Error(`no Server.Workers in ${CONFIG}`);
  return Number(m[1]);
}

export function masterPid() {
  return Number(readFileSync(POOL_PIDFILE, 'utf8').trim());
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

// A zombie is not a live worker: a master that has not reaped it yet still lists it.
function isZombie(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
  } catch {
    return true;
  }
}

export function workerPids(master = masterPid()) {
  const r = spawnSync('pgrep', ['-P', String(master)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => !isZombie(pid))
    .sort((a, b) => a - b);
}

// Wait until the master has its full complement of live workers; returns their pids.
export async function fullPool(master = masterPid()) {
  const n = configuredWorkers();
  return waitFor(
    () => {
      const pids = workerPids(master);
      return pids.length === n ? pids : null;
    },
    { what: `${n} workers under master ${master}` },
  );
}

export function signal(pid, sig) {
  process.kill(pid, sig);
}

// Write `text` as the stack's config and SIGHUP the master: resolves once every worker has
// been replaced by one forked after the reload (so every request from then on runs with
// it); a config the pool refuses (it keeps the old one, and says so in its log) fails here.
export async function reloadConfig(text, master = masterPid()) {
  const before = await fullPool(master);
  const offset = logSize();
  writeFileSync(CONFIG, text);
  signal(master, 'SIGHUP');
  const outcome = await waitFor(() => {
    const log = logSince(offset);
    if (log.includes('reload failed')) return { refused: log };
    const pids = workerPids(master);
    return pids.length === before.length && pids.every((p) => !before.includes(p)) ? { pids } : null;
  }, { what: 'the reload to replace every worker' });
  if (outcome.refused) throw new Error(`the pool refused the new config:\n${outcome.refused.slice(-600)}`);
  return outcome.pids;
}

export async function killWorker(pid) {
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !workerPids().includes(pid), { what: `worker ${pid} to be reaped` });
}

// ------------------------------------------------------------------------------------------
// the stack's services, through ./dev stack

export function dev(...args) {
  const r = spawnSync(path.join(SRCDIR, 'dev'), args, { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) {
    throw new Error(`./dev ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  }
}

export const restartDb = () => dev('stack', 'restart-db', RUN_DIR);
export const stopMemcached = () => dev('stack', 'stop-memcached', RUN_DIR);
export const startMemcached = () => dev('stack', 'start-memcached', RUN_DIR);
// The mail catcher (same ports, the mails it holds kept) and the notifier.
export const stopMail = () => dev('stack', 'stop-mail', RUN_DIR);
export const startMail = () => dev('stack', 'start-mail', RUN_DIR);
export const stopNotify = () => dev('stack', 'stop-notify', RUN_DIR);
export const startNotify = () => dev('stack', 'start-notify', RUN_DIR);

// memcached text protocol over its unix socket: one command, the reply up to its terminator.
export function memcached(command, terminator = /\r\n$/) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ path: MEMCACHED_SOCKET });
    let reply = '';
    sock.setTimeout(5_000, () => sock.destroy(new Error(`memcached timeout: ${command}`)));
    sock.on('connect', () => sock.write(command + '\r\n'));
    sock.on('data', (d) => {
      reply += d;
      if (terminator.test(reply)) {
        sock.end();
        resolve(reply);
      }
    });
    sock.on('error', reject);
  });
}

// The tests change rows behind the app's back: drop every cached page so it reads MariaDB.
// flush_all empties memcached only; each worker also keeps its own fresh copies (for up to
// 10 s), keyed like memcached's by the catalogue generation, so a new generation makes every
// copy anywhere unreachable.
export async function flushCache() {
  sql('UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1');
  const reply = await memcached('flush_all');
  if (!reply.startsWith('OK')) throw new Error(`flush_all: ${reply}`);
}

export async function memcachedStats() {
  const reply = await memcached('stats', /END\r\n$/);
  const stats = {};
  for (const m of reply.matchAll(/^STAT (\S+) (\S+)\r$/gm)) stats[m[1]] = m[2];
  return stats;
}

// ------------------------------------------------------------------------------------------
// the pool's log (or another log of the stack: the notifier's)

export function logSize(file = POOL_LOG) {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function logSince(offset, file = POOL_LOG) {
  let fd;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = statSync(file).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

// ------------------------------------------------------------------------------------------
// the catalogue as MariaDB holds it and as the API lists it

export function upcomingPublishedFromDb() {
  return sql(
    `SELECT e.event_id, e.name, v.venue_id, v.name, DATE_FORMAT(e.starts_at, '%Y-%m-%dT%H:%i:%sZ'),
            c.slug, c.name
       FROM events e
       JOIN venues v ON v.venue_id = e.venue_id
       JOIN categories c ON c.category_id = e.category_id
      WHERE e.status = 'published' AND e.starts_at >= UTC_TIMESTAMP()`,
  ).map(([id, name, venueId, venueName, startsAt, categorySlug, categoryName]) => ({
    eventId: Number(id),
    name,
    venueId: Number(venueId),
    venueName,
    startsAt,
    categories: [categorySlug, categoryName],
  }));
}

// Every event of /api/v1/events, following its pages.
export async function allApiEvents(query = '') {
  const events = [];
  let total;
  for (let page = 1; page <= 1000; page++) {
    const r = await get(`/api/v1/events?${query}${query ? '&' : ''}page=${page}`);
    if (r.status !== 200) throw new Error(`/api/v1/events page ${page}: ${r.status} ${r.body.slice(0, 200)}`);
    const doc = r.json();
    total = doc.total;
    events.push(...doc.events);
    if (doc.events.length === 0 || events.length >= total) break;
  }
  return { events, total };
}

// A demo event nobody has sold or held anything of yet, upcoming for at least a day, with
// priced seated and standing sections: the newest such event, or the oldest (`oldest`), so
// two test files can take different ones.
export function untouchedEventWithSeatsAndStanding({ oldest = false } = {}) {
  const rows = sql(
    `SELECT e.event_id FROM events e
      WHERE e.status = 'published' AND e.starts_at > UTC_TIMESTAMP() + INTERVAL 1 DAY
        AND EXISTS (SELECT 1 FROM price_tiers pt JOIN venue_sections s ON s.section_id = pt.section_id
                     WHERE pt.event_id = e.event_id AND s.kind = 'standing')
        AND EXISTS (SELECT 1 FROM price_tiers pt JOIN venue_sections s ON s.section_id = pt.section_id
                     WHERE pt.event_id = e.event_id AND s.kind = 'seated')
        AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.event_id = e.event_id AND t.status <> 'available')
      ORDER BY e.event_id ${oldest ? 'ASC' : 'DESC'} LIMIT 1`,
  );
  if (rows.length !== 1) throw new Error('the demo data has an untouched event with seats and standing');
  return Number(rows[0][0]);
}
