// Helpers for the notifier's fault tests (49_notify_faults.test.mjs): the stack's notifier
// (`boxoffice notify`, started by ./dev) pointed at another mail server and put back, killed,
// a second notifier beside it, bookings confirmed through the API with addresses of their own,
// their outbox rows, and the mails that reached the mail catcher or an SMTP sink.
// While an SMTP sink (tests/mail/mail.mjs) answers from this very process, nothing here
// blocks the event loop for long: ./dev and the binary run asynchronously.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CONFIG, RUN_DIR, SRCDIR, sql, waitFor, workerPids, isAlive } from './lib.mjs';
import { postBooking, VISA } from './storm.mjs';
import { MAIL_WEB_URL, listMails, rawMail, parseMail } from '../mail/mail.mjs';

export const BIN = process.env.BOXOFFICE_BIN;
export const NOTIFY_PIDFILE = process.env.BOXOFFICE_NOTIFY_PIDFILE;
export const NOTIFY_LOG = path.join(RUN_DIR, 'notify.log');
export const NOTIFY_STDERR_LOG = path.join(RUN_DIR, 'notify.stderr.log');

// ------------------------------------------------------------------------------------------
// processes, without blocking the event loop

// run(file, args, {env}) → {status, signal, stdout, stderr} once it exits.
export function run(file, args, { env = process.env, timeoutMs = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

// ./dev stack SUBCOMMAND RUN_DIR: as lib.mjs's dev(), but the sink keeps answering meanwhile
// (stop-notify waits for the message in flight, which may be the sink's).
export async function devStack(sub, { env } = {}) {
  const r = await run(path.join(SRCDIR, 'dev'), ['stack', sub, RUN_DIR], { env });
  if (r.status !== 0) throw new Error(`./dev stack ${sub} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}

// `boxoffice --config CONFIG ARGS...` → {status, stdout, stderr}.
export const boxoffice = (...args) => run(BIN, ['--config', CONFIG, ...args]);

// ------------------------------------------------------------------------------------------
// the notifier's processes

// The master named by a pid file, or null when there is none or it is dead.
export function notifierPid(pidfile = NOTIFY_PIDFILE) {
  try {
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    return pid > 0 && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

// Every live process of a process group (./dev starts the notifier with setsid, so its group
// is the master's pid, and the senders it forks are in it).
export function processGroup(pgid) {
  const r = spawnSync('pgrep', ['-g', String(pgid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  });
}

export function configuredSenders(text = readFileSync(CONFIG, 'utf8')) {
  const all = [...text.matchAll(/^\s*(?:Notify\.)?Senders\s*=\s*(\d+)/gm)];
  return all.length ? Number(all.at(-1)[1]) : 2;
}

// The master's senders, once it has all of them; returns their pids.
export function fullNotifier(master, n = configuredSenders()) {
  return waitFor(() => {
    const pids = workerPids(master);
    return pids.length === n ? pids : null;
  }, { what: `${n} senders under notifier ${master}` });
}

// SIGHUP: the master reads its configuration again and replaces its senders, which finish
// their message first. Done once every sender is a new one.
export async function reloadNotifier() {
  const master = notifierPid();
  assert.ok(master, 'the stack\'s notifier is running');
  const old = workerPids(master);
  process.kill(master, 'SIGHUP');
  await waitFor(() => {
    const now = workerPids(master);
    return now.length === configuredSenders() && now.every((pid) => !old.includes(pid));
  }, { what: 'the notifier\'s senders to be replaced after SIGHUP' });
}

export async function restartNotifier({ env } = {}) {
  await devStack('stop-notify');
  await devStack('start-notify', { env });
  await fullNotifier(notifierPid());
}

// SIGKILL to the whole notifier, master and senders at once (no one is left to finish or
// hand back anything). Synchronous, so an SMTP sink's hook can call it mid-transaction.
export function killNotifierNow(master) {
  process.kill(-master, 'SIGKILL');
}

export function groupGone(pgid) {
  return waitFor(() => processGroup(pgid).length === 0, { what: `process group ${pgid} to be gone` });
}

// ------------------------------------------------------------------------------------------
// the notifier's configuration

// The stack's HDF with `settings` set after everything else (a later assignment wins):
// {'Notify.Mail.URL': 'smtp://...', ...}.
export function withSettings(text, settings) {
  const lines = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
  return `${text.replace(/\n*$/, '\n')}# 49_notify_faults: for one test\n${lines.join('\n')}\n`;
}

// The environment a notifier is started with: ours, without the SMTP password's variable
// unless `extra` sets it.
function notifierEnv(extra = {}) {
  const env = { ...process.env };
  delete env.BOXOFFICE_SMTP_PASSWORD;
  return { ...env, ...extra };
}

// Run fn with the stack's notifier configured with `settings`, taken in by a reload (SIGHUP),
// or by a restart (`restart`, or `env` to add to its environment). fn gets {reconfigure(more,
// {env, restart})}: the stack's configuration with `settings` and `more`, taken in likewise.
// Afterwards the configuration is the stack's again, read by a running notifier (restarted
// when it had an environment of its own or is not running any more), and the mail catcher
// runs.
export async function withNotifier(settings, fn, options = {}) {
  const original = readFileSync(CONFIG, 'utf8');
  let ownEnv = false;
  const apply = async (text, { env, restart } = {}) => {
    writeFileSync(CONFIG, text);
    if (env || restart || !notifierPid()) {
      ownEnv = Boolean(env);
      await restartNotifier({ env: notifierEnv(env) });
    } else {
      await reloadNotifier();
    }
  };
  await apply(withSettings(original, settings), options);
  const control = {
    reconfigure: (more, opts) => apply(withSettings(original, { ...settings, ...more }), opts),
  };
  try {
    return await fn(control);
  } finally {
    writeFileSync(CONFIG, original);
    if (ownEnv || !notifierPid()) await restartNotifier({ env: notifierEnv() });
    else await reloadNotifier();
    await devStack('start-mail');
  }
}

export function giveUpMinutes(text = readFileSync(CONFIG, 'utf8')) {
  const all = [...text.matchAll(/^\s*(?:Notify\.)?GiveUpMinutes\s*=\s*(\d+)/gm)];
  return all.length ? Number(all.at(-1)[1]) : 2880;
}

// ------------------------------------------------------------------------------------------
// a second notifier next to the stack's: the same configuration (as it is now) but for its
// own pid file and log under the run directory, in a process group of its own

export async function startSecondNotifier(name, args = []) {
  const pidfile = path.join(RUN_DIR, `${name}.pid`);
  const log = path.join(RUN_DIR, `${name}.log`);
  const config = path.join(RUN_DIR, `${name}.hdf`);
  writeFileSync(config, withSettings(readFileSync(CONFIG, 'utf8'), { 'Notify.PidFile': pidfile, 'Notify.LogFile': log }),
                { mode: 0o600 });
  const stderr = openSync(path.join(RUN_DIR, `${name}.stderr.log`), 'a');
  const child = spawn(BIN, ['--config', config, 'notify', ...args], { detached: true, stdio: ['ignore', 'ignore', stderr] });
  closeSync(stderr);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const master = await waitFor(() => notifierPid(pidfile) === child.pid && child.pid, { what: `${name} to write its pid file` });
  return {
    master, pidfile, log, config, exited,
    // whatever is left of it, however the test ended
    async kill() {
      if (processGroup(master).length === 0) return;
      process.kill(-master, 'SIGKILL');
      await groupGone(master);
    },
  };
}

// ------------------------------------------------------------------------------------------
// bookings with addresses of their own

// Each seated ticket of a fixture (checkout.mjs createFixtureEvent) once, in order.
export function seatCursor(fixture) {
  const seats = fixture.sections.filter((s) => s.kind === 'seated').flatMap((s) => s.ticketIds);
  let next = 0;
  return () => {
    assert.ok(next < seats.length, 'the fixture has a seat left');
    return seats[next++];
  };
}

// An address nobody else in the run uses: `tag-n-pid@example.com`.
export const addressOf = (tag, n) => `${tag}-${n}-${process.pid}@example.com`;

// Book one seat each for `emails` through the API (paid with the test card, so confirmed at
// once), `concurrency` at a time → [{email, bookingId, bookingCode}] in the order given.
export async function confirmBookings(eventId, nextSeat, emails, { concurrency = 4 } = {}) {
  const out = new Array(emails.length);
  let next = 0;
  const loop = async () => {
    while (next < emails.length) {
      const i = next++;
      const r = await postBooking({ eventId, ticketIds: [nextSeat()], paymentInfo: VISA, buyerName: `Buyer ${i}`,
                                    buyerEmail: emails[i] });
      assert.equal(r.status, 201, `booking for ${emails[i]}: ${r.status} ${r.error ?? r.text?.slice(0, 200)}`);
      out[i] = { email: emails[i], bookingId: r.json.bookingId, bookingCode: r.json.bookingCode };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return out;
}

// ------------------------------------------------------------------------------------------
// the outbox

// The mail rows of these bookings, by outbox id: {id, bookingId, bookingCode, recipient,
// state, attempts, dueAt (epoch seconds), claimedBy, lastError, providerRef}.
export function outboxRows(bookingIds) {
  if (bookingIds.length === 0) return [];
  return sql(`SELECT o.outbox_id, o.booking_id, b.booking_code, o.recipient, o.state, o.attempts,
                     UNIX_TIMESTAMP(o.due_at), o.claimed_by, o.last_error, o.provider_ref
                FROM outbox o LEFT JOIN bookings b ON b.booking_id = o.booking_id
               WHERE o.booking_id IN (${bookingIds.join(',')}) AND o.channel = 'email'
                 AND o.kind = 'booking_confirmed'
               ORDER BY o.outbox_id`)
    .map(([id, bookingId, bookingCode, recipient, state, attempts, dueAt, claimedBy, lastError, providerRef]) => ({
      id: Number(id), bookingId: Number(bookingId), bookingCode, recipient, state, attempts: Number(attempts),
      dueAt: Number(dueAt), claimedBy, lastError, providerRef,
    }));
}

// Wait until every confirmation of `booked` is in the outbox and `until(rows)` holds.
export function waitForRows(booked, until, { what, timeoutMs = 60_000 } = {}) {
  const ids = booked.map((b) => b.bookingId);
  return waitFor(() => {
    const rows = outboxRows(ids);
    return rows.length === ids.length && until(rows) ? rows : null;
  }, { what, timeoutMs, intervalMs: 150 });
}

export const allSent = (rows) => rows.every((r) => r.state === 'sent');

// The Message-ID the notifier gives a row: <outbox-ID.BOOKINGCODE@host of Site.URL>.
export const messageIdPattern = (row) => new RegExp(`^<outbox-${row.id}\\.${row.bookingCode}@[^<>@\\s]+>$`);

// Everything of the fixture: its outbox rows first (they name its bookings), then the event.
export function dropOutboxOf(eventId) {
  sql(`DELETE FROM outbox WHERE event_id = ${eventId}
          OR booking_id IN (SELECT booking_id FROM bookings WHERE event_id = ${eventId})`);
}

// ------------------------------------------------------------------------------------------
// what arrived

// The mails the catcher holds for `recipients` (by envelope), each parsed from its raw source:
// [{to, messageId, parsed}].
export async function catcherMailsTo(recipients) {
  const wanted = new Set(recipients);
  const list = (await listMails(MAIL_WEB_URL)).filter((m) => m.envelope?.to?.some((t) => wanted.has(t.address)));
  const out = [];
  for (const m of list) {
    const parsed = await parseMail(await rawMail(MAIL_WEB_URL, m.id));
    for (const t of m.envelope.to) if (wanted.has(t.address)) out.push({ to: t.address, messageId: parsed.messageId, parsed });
  }
  return out;
}

// The same for what an SMTP sink accepted.
export async function sinkMailsTo(sink, recipients) {
  const wanted = new Set(recipients);
  const out = [];
  for (const m of sink.messages) {
    const mine = m.to.filter((t) => wanted.has(t));
    if (mine.length === 0) continue;
    const parsed = await parseMail(m.raw);
    for (const to of mine) out.push({ to, messageId: parsed.messageId, parsed, secure: m.secure, user: m.user });
  }
  return out;
}

// How many times each key occurs.
export function tally(list, key) {
  const counts = new Map();
  for (const x of list) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  return counts;
}

// Every row's recipient got exactly one mail, carrying that row's Message-ID.
export function assertExactlyOnce(rows, mails) {
  const perRecipient = tally(mails, (m) => m.to);
  const perId = tally(mails, (m) => m.messageId);
  for (const row of rows) {
    assert.equal(perRecipient.get(row.recipient) ?? 0, 1, `one mail to ${row.recipient} (outbox ${row.id})`);
    const mail = mails.find((m) => m.to === row.recipient);
    assert.match(mail.messageId, messageIdPattern(row), `${row.recipient}'s mail is outbox ${row.id}'s`);
    assert.equal(perId.get(mail.messageId), 1, `Message-ID ${mail.messageId} once`);
  }
  assert.equal(mails.length, rows.length, 'no mail beyond one per row');
}

// ------------------------------------------------------------------------------------------
// a TCP relay in front of a mail server that keeps every byte the client sent, to show what
// went over the wire in clear

export async function recordingRelay(targetPort) {
  const sent = [];
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (d) => {
      sent.push(d);
      upstream.write(d);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    clientBytes: () => Buffer.concat(sent),
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

// The forms a password takes in SMTP AUTH (PLAIN: base64 of "\0user\0pass"; LOGIN: base64
// of each), and itself.
export function passwordForms(user, pass) {
  return [pass, Buffer.from(pass).toString('base64'), Buffer.from(`\0${user}\0${pass}`).toString('base64'),
          Buffer.from(`${user}\0${user}\0${pass}`).toString('base64')];
}
