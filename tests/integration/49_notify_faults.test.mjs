// The notifier (`boxoffice notify`) under faults: the mail server away, the notifier killed
// while the server holds a message, permanent and temporary refusals, STARTTLS and AUTH, and
// two notifiers sharing one outbox. Every confirmation is booked through the API with an
// address of its own, and every outcome is read back from the outbox and from what the mail
// server received (parsed by mailparser). The stack's notifier is pointed at an SMTP sink in
// this process (tests/mail/mail.mjs) for a test and put back afterwards, running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql, waitFor, logSize, logSince, stopMail, startMail, workerPids } from './lib.mjs';
import { createFixtureEvent, dropFixtureEvent } from './checkout.mjs';
import { closeClient } from './storm.mjs';
import { startSmtpSink, parseMail } from '../mail/mail.mjs';
import {
  NOTIFY_LOG, NOTIFY_STDERR_LOG, boxoffice, devStack, notifierPid, killNotifierNow, groupGone,
  fullNotifier, withNotifier, giveUpMinutes, startSecondNotifier, seatCursor, addressOf, confirmBookings,
  waitForRows, allSent, messageIdPattern, dropOutboxOf, catcherMailsTo, sinkMailsTo, tally,
  assertExactlyOnce, recordingRelay, passwordForms,
} from './notify_faults.mjs';

let fixture;
let nextSeat;

before(() => {
  fixture = createFixtureEvent(`Notify Faults ${process.pid}`);
  nextSeat = seatCursor(fixture);
});

after(() => {
  closeClient();
  if (fixture) {
    dropOutboxOf(fixture.eventId);
    dropFixtureEvent(fixture.eventId);
  }
});

const addresses = (tag, n) => Array.from({ length: n }, (_, i) => addressOf(tag, i));
const book = (emails) => confirmBookings(fixture.eventId, nextSeat, emails);
const smtpTo = (sink) => ({ 'Notify.Mail.URL': `smtp://127.0.0.1:${sink.port}` });

test('the mail server away: confirmations wait and are tried again, then each arrives exactly once', async () => {
  const emails = addresses('outage', 20);
  let booked;
  stopMail();
  try {
    booked = await book(emails);
    // Tried, refused, and tried again: queued all along, none given up.
    const waiting = await waitForRows(booked, (rows) => rows.every((r) => r.state === 'queued' && r.attempts >= 2),
                                      { what: 'every confirmation tried twice while the mail catcher is down' });
    for (const r of waiting) assert.match(r.lastError ?? '', /connect/i, `outbox ${r.id} says why it waits`);
  } finally {
    startMail();
  }
  const rows = await waitForRows(booked, allSent, { what: 'every confirmation sent once the mail catcher is back' });
  for (const r of rows) assert.match(r.providerRef ?? '', /^250 /, `outbox ${r.id} keeps the server's acceptance`);
  const mails = await waitFor(async () => {
    const m = await catcherMailsTo(emails);
    return m.length >= rows.length && m;
  }, { what: 'the mails in the catcher' });
  assertExactlyOnce(rows, mails);
});

test('the notifier SIGKILLed while the server holds a message in DATA: after a restart nothing is lost, a repeat keeps its Message-ID', async () => {
  let master = null;
  let inFlight = null;
  // The server has the whole message and answers late; then, before it answers, the notifier
  // dies, master and senders at once. The server takes the message all the same (its 250
  // goes to a closed connection): nobody recorded it as sent.
  const emails = addresses('crash', 8);
  const sink = await startSmtpSink({
    onData(raw, session) {
      const ours = session.envelope.rcptTo.some((r) => emails.includes(r.address));
      if (ours && master !== null && inFlight === null) {
        killNotifierNow(master);
        inFlight = raw;
      }
    },
  });
  sink.setBehaviour({ data: { delayMs: 400 } });
  try {
    await withNotifier(smtpTo(sink), async () => {
      const senders = workerPids(notifierPid()).length;
      master = notifierPid();
      const booked = await book(emails);
      await waitFor(() => inFlight, { what: 'a message inside DATA' });
      await groupGone(master);
      const killedId = (await parseMail(inFlight)).messageId;

      sink.setBehaviour({});
      await devStack('start-notify');
      const rows = await waitForRows(booked, allSent, { what: 'every confirmation sent after the restart' });

      const mails = await sinkMailsTo(sink, emails);
      const perRecipient = tally(mails, (m) => m.to);
      for (const row of rows) {
        const mine = mails.filter((m) => m.to === row.recipient);
        assert.ok(mine.length >= 1, `${row.recipient} got outbox ${row.id}`);
        for (const m of mine) assert.match(m.messageId, messageIdPattern(row), `every copy to ${row.recipient} is outbox ${row.id}`);
      }
      const killedRow = rows.find((r) => messageIdPattern(r).test(killedId));
      assert.ok(killedRow, `the message in flight (${killedId}) is one of the confirmations`);
      assert.ok(perRecipient.get(killedRow.recipient) >= 2, 'the message the server took from the killed sender went again');
      assert.ok(killedRow.attempts >= 2, 'and was claimed again');
      // Only a message in flight when its sender died can go twice: one per sender at most.
      assert.ok(mails.length <= rows.length + senders, `${mails.length} mails for ${rows.length} rows`);
    });
  } finally {
    await sink.close();
  }
});

// `boxoffice notify --failed` / `--queued`: one line a message, tab-separated.
function listing(stdout) {
  return stdout.split('\n').filter((l) => /^\d+\t/.test(l)).map((l) => {
    const [id, kind, channel, recipient, booking, tries, createdAt, lastError] = l.split('\t');
    return { id: Number(id), kind, channel, recipient, booking, tries, createdAt, lastError };
  });
}

test('a permanent refusal (550 at RCPT) fails that message after one try, --failed lists it, --retry sends it', async () => {
  const sink = await startSmtpSink();
  const bounce = addressOf('bounce', 0);
  const others = addresses('bystander', 3);
  sink.setBehaviour({ rcpt: { code: 550, message: 'No such user here', match: bounce } });
  try {
    await withNotifier(smtpTo(sink), async () => {
      const booked = await book([bounce, ...others]);
      const rows = await waitForRows(booked, (rs) => rs.every((r) => r.state !== 'queued'), { what: 'every confirmation settled' });
      const failed = rows.find((r) => r.recipient === bounce);
      assert.equal(failed.state, 'failed', 'given up at once');
      assert.equal(failed.attempts, 1, 'after one try, not retried');
      assert.match(failed.lastError ?? '', /550 No such user here/, 'the server\'s own words, not its answer to QUIT');
      assert.equal((await sinkMailsTo(sink, [bounce])).length, 0);
      const sent = rows.filter((r) => r.recipient !== bounce);
      for (const r of sent) assert.deepEqual([r.state, r.attempts], ['sent', 1], `${r.recipient} is unaffected`);
      assertExactlyOnce(sent, await sinkMailsTo(sink, others));

      const listed = await boxoffice('notify', '--failed');
      assert.equal(listed.status, 0, listed.stderr);
      const line = listing(listed.stdout).find((l) => l.id === failed.id);
      assert.ok(line, `--failed lists outbox ${failed.id}:\n${listed.stdout}`);
      assert.deepEqual([line.kind, line.channel, line.recipient, line.booking, line.tries],
                       ['booking_confirmed', 'email', bounce, `booking ${failed.bookingId}`, '1 tries']);
      assert.match(line.lastError, /550 No such user here/);
      assert.ok(!listing(listed.stdout).some((l) => sent.some((r) => r.id === l.id)), 'nothing sent is listed');

      const notFailed = await boxoffice('notify', '--retry', String(sent[0].id));
      assert.equal(notFailed.status, 1, 'a sent message is not queued again');
      assert.match(notFailed.stderr, new RegExp(`no given-up message ${sent[0].id}`));

      sink.setBehaviour({});
      const retried = await boxoffice('notify', '--retry', String(failed.id));
      assert.equal(retried.status, 0, retried.stderr);
      assert.match(retried.stdout, new RegExp(`^message ${failed.id} is queued again$`, 'm'));
      const [again] = await waitForRows(booked.filter((b) => b.email === bounce), allSent, { what: 'the retried message sent' });
      assert.equal(again.attempts, 2);
      assertExactlyOnce([again], await sinkMailsTo(sink, [bounce]));
      assertExactlyOnce(sent, await sinkMailsTo(sink, others));
      const after = await boxoffice('notify', '--failed');
      assert.ok(!listing(after.stdout).some((l) => l.id === failed.id), 'no longer listed as given up');
    });
  } finally {
    await sink.close();
  }
});

test('a temporary refusal (451) is tried again, each time later, and given up once the message is GiveUpMinutes old', async () => {
  const sink = await startSmtpSink();
  const who = addressOf('greylisted', 0);
  sink.setBehaviour({ rcpt: { code: 451, message: 'Greylisted, try again later', match: who } });
  try {
    await withNotifier(smtpTo(sink), async () => {
      const booked = await book([who]);
      // Between two tries the row is queued, unclaimed, due later: its due_at after try n.
      const dueAfter = new Map();
      const states = new Set();
      const [waiting] = await waitForRows(booked, ([r]) => {
        states.add(r.state);
        if (r.state === 'queued' && r.claimedBy === null && r.attempts > 0) dueAfter.set(r.attempts, r.dueAt);
        return dueAfter.size >= 3;
      }, { what: 'three tries of the greylisted message' });
      assert.deepEqual([...states], ['queued'], 'never given up before its time');
      assert.match(waiting.lastError ?? '', /451 Greylisted, try again later/);
      const tries = [...dueAfter.keys()].sort((x, y) => x - y);
      for (let i = 1; i < tries.length; i++) {
        assert.ok(dueAfter.get(tries[i]) > dueAfter.get(tries[i - 1]),
                  `due_at after try ${tries[i]} is later than after try ${tries[i - 1]}`);
      }
      const queued = await boxoffice('notify', '--queued');
      assert.equal(queued.status, 0, queued.stderr);
      assert.ok(listing(queued.stdout).some((l) => l.id === waiting.id && /451/.test(l.lastError)),
                `--queued lists outbox ${waiting.id} with its refusal`);

      // As old as the give-up age: the next refusal gives it up.
      const aged = Number(sql(`SELECT attempts FROM outbox WHERE outbox_id = ${waiting.id}`)[0][0]);
      sql(`UPDATE outbox SET created_at = created_at - INTERVAL ${giveUpMinutes() + 1} MINUTE
            WHERE outbox_id = ${waiting.id}`);
      const [given] = await waitForRows(booked, ([r]) => r.state === 'failed', { what: 'the old message given up' });
      assert.ok(given.attempts > aged, 'given up after one more try, not without one');
      assert.match(given.lastError ?? '', /451 Greylisted, try again later/);
      assert.equal((await sinkMailsTo(sink, [who])).length, 0, 'never delivered');
    });
  } finally {
    await sink.close();
  }
});

test('STARTTLS required with AUTH: sent over TLS with the right login; never in clear; a wrong password sends nothing', async () => {
  const user = 'notify-user';
  const good = randomBytes(12).toString('hex');
  const wrong = randomBytes(12).toString('hex');
  const secure = await startSmtpSink({ tls: true, requireTLS: true, auth: { user, pass: good } });
  let plainMailFrom = 0;
  const plain = await startSmtpSink({ auth: { user, pass: good }, onMailFrom: () => void plainMailFrom++ });
  const secureWire = await recordingRelay(secure.port);
  const plainWire = await recordingRelay(plain.port);
  // A try recorded as failed (not just claimed).
  const tried = ([r]) => r.attempts >= 1 && r.lastError && r.claimedBy === null;
  const leaks = (bytes) => [...passwordForms(user, good), ...passwordForms(user, wrong)].filter((p) => bytes.includes(p));
  const settings = {
    'Notify.Mail.URL': `smtp://127.0.0.1:${secureWire.port}`, 'Notify.Mail.StartTLS': 'required',
    'Notify.Mail.User': user, 'Notify.Mail.Password': wrong, 'Notify.Mail.CAFile': secure.certPath,
  };
  try {
    // The password from BOXOFFICE_SMTP_PASSWORD, over the file's (wrong) one.
    await withNotifier(settings, async ({ reconfigure }) => {
      const [first] = await book([addressOf('tls', 0)]);
      await waitForRows([first], allSent, { what: 'the mail over STARTTLS' });
      const [got] = await sinkMailsTo(secure, [first.email]);
      assert.deepEqual([got?.secure, got?.user], [true, user], 'delivered over TLS, logged in as the configured user');
      const wire = secureWire.clientBytes();
      assert.match(wire.toString('latin1'), /^STARTTLS\r$/m, 'STARTTLS asked for in clear');
      assert.doesNotMatch(wire.toString('latin1'), /MAIL FROM|AUTH /i, 'nothing after it in clear');
      assert.deepEqual(leaks(wire), [], 'no password on the wire in clear');

      // A server that offers no STARTTLS: not one command of the mail in clear.
      await reconfigure({ 'Notify.Mail.URL': `smtp://127.0.0.1:${plainWire.port}` });
      const [second] = await book([addressOf('tls', 1)]);
      const [refused] = await waitForRows([second], tried, { what: 'a try without STARTTLS' });
      assert.equal(refused.state, 'queued', 'tried again later (another server, another day)');
      assert.match(refused.lastError ?? '', /STARTTLS/i);
      assert.equal(plain.messages.length, 0);
      assert.equal(plainMailFrom, 0, 'no MAIL FROM reached the server');
      const clear = plainWire.clientBytes().toString('latin1');
      assert.match(clear, /^EHLO /m, 'it did talk to the server');
      assert.doesNotMatch(clear, /MAIL FROM|RCPT TO|AUTH /i);
      assert.deepEqual(leaks(plainWire.clientBytes()), []);

      // The wrong password (the file's, with no variable): refused at AUTH, nothing delivered.
      await reconfigure({}, { restart: true });
      const [third] = await book([addressOf('tls', 2)]);
      const [denied] = await waitForRows([third], tried, { what: 'a try with the wrong password' });
      assert.equal(denied.state, 'queued', 'a refused login is not a refused mailbox');
      assert.match(denied.lastError ?? '', /535 Authentication credentials invalid/);
      assert.deepEqual(await sinkMailsTo(secure, [second.email, third.email]), []);
      assert.deepEqual(leaks(secureWire.clientBytes()), []);

      // The right password in the file: what waited goes, over TLS.
      await reconfigure({ 'Notify.Mail.Password': good }, { restart: true });
      const rows = await waitForRows([second, third], allSent, { what: 'the waiting mails once the login is right' });
      const late = await sinkMailsTo(secure, [second.email, third.email]);
      assertExactlyOnce(rows, late);
      assert.ok(late.every((m) => m.secure && m.user === user));
    }, { env: { BOXOFFICE_SMTP_PASSWORD: good } });
    const logs = readFileSync(NOTIFY_LOG, 'latin1') + readFileSync(NOTIFY_STDERR_LOG, 'latin1');
    assert.deepEqual(leaks(Buffer.from(logs, 'latin1')), [], 'no password in the notifier\'s logs');
  } finally {
    await secureWire.close();
    await plainWire.close();
    await secure.close();
    await plain.close();
  }
});

// The mail lines of a notifier's log: [{pid, id}] for each message it recorded as sent.
const sentLines = (log) => [...log.matchAll(/\[(\d+)\] info: notify: outbox (\d+) booking_confirmed email to .*: 250 /g)]
  .map(([, pid, id]) => ({ pid: Number(pid), id: Number(id) }));
const claimPid = (claimedBy) => Number(claimedBy.split('/').at(-2));

test('two notifiers share one outbox: every message once, some through each', async () => {
  const sink = await startSmtpSink();
  // Each message takes a while and a claim is two messages, so both notifiers' senders keep
  // finding due rows while the others are busy.
  sink.setBehaviour({ data: { delayMs: 300 } });
  let second;
  try {
    await withNotifier({ ...smtpTo(sink), 'Notify.BatchSize': 2 }, async () => {
      const first = { master: notifierPid(), log: NOTIFY_LOG };
      second = await startSecondNotifier('notify-second', ['--senders', '2']);
      first.senders = await fullNotifier(first.master);
      second.senders = await fullNotifier(second.master, 2);
      const offsets = [logSize(first.log), logSize(second.log)];

      const emails = addresses('shared', 40);
      const booked = await book(emails);
      const claimers = new Set();
      const rows = await waitForRows(booked, (rs) => {
        for (const r of rs) if (r.claimedBy) claimers.add(claimPid(r.claimedBy));
        return allSent(rs);
      }, { what: 'every confirmation sent by the two notifiers' });
      assertExactlyOnce(rows, await sinkMailsTo(sink, emails));

      const mine = new Set(rows.map((r) => r.id));
      const byFirst = sentLines(logSince(offsets[0], first.log)).filter((l) => mine.has(l.id));
      const bySecond = sentLines(logSince(offsets[1], second.log)).filter((l) => mine.has(l.id));
      assert.deepEqual([...byFirst, ...bySecond].map((l) => l.id).sort((x, y) => x - y), [...mine].sort((x, y) => x - y),
                       'each message recorded as sent once, by one of them');
      assert.ok(byFirst.length > 0 && bySecond.length > 0, `both sent some: ${byFirst.length} and ${bySecond.length}`);
      assert.ok(byFirst.every((l) => first.senders.includes(l.pid)) && bySecond.every((l) => second.senders.includes(l.pid)));
      assert.ok([...claimers].some((pid) => first.senders.includes(pid)), 'claimed_by named the stack\'s notifier');
      assert.ok([...claimers].some((pid) => second.senders.includes(pid)), 'claimed_by named the second notifier');

      process.kill(second.master, 'SIGTERM');
      assert.deepEqual(await second.exited, { code: 0, signal: null }, 'the second notifier stops cleanly');
      await groupGone(second.master);
      assert.equal(notifierPid(second.pidfile), null, 'its pid file is gone');
      assert.match(readFileSync(second.log, 'utf8'), /notify: stopped/);
    });
  } finally {
    await second?.kill();
    await sink.close();
  }
});

test('a batch that outlasts its lease behind a slow server: no message goes twice', async () => {
  const sink = await startSmtpSink();
  sink.setBehaviour({ data: { delayMs: 800 } });
  try {
    // Eight messages of 800 ms each in one claim, leased for 3 s: the first sender to look
    // claims them all, the other takes over the ones whose lease runs out meanwhile.
    await withNotifier({ ...smtpTo(sink), 'Notify.LeaseSeconds': 3 }, async () => {
      await devStack('stop-notify');
      const emails = addresses('slow', 8);
      const booked = await book(emails);
      await devStack('start-notify');
      const rows = await waitForRows(booked, allSent, { what: 'the batch sent' });
      assert.ok(rows.some((r) => r.attempts >= 2), 'some messages outlived their lease and were claimed again');
      assertExactlyOnce(rows, await sinkMailsTo(sink, emails));
    });
  } finally {
    await sink.close();
  }
});

test('a kept connection the server closed while idle: the next mail goes at once on a new one, not after a back-off', async () => {
  const sink = await startSmtpSink({ socketTimeout: 1500 });
  try {
    // One sender, so the second mail meets the connection the first one left open.
    await withNotifier({ ...smtpTo(sink), 'Notify.Senders': 1 }, async () => {
      const [first] = await book(addresses('idle-first', 1)).then((b) => waitForRows(b, allSent, { what: 'the first mail sent' }));
      assert.equal(first.attempts, 1);
      await waitFor(() => sink.connections.closed >= 1,
        { what: 'the sink to close the idle connection (421) while the notifier holds it' });
      const emails = addresses('idle-second', 1);
      const rows = await waitForRows(await book(emails), allSent, { what: 'the second mail sent' });
      assert.deepEqual(rows.map((r) => r.attempts), [1], 'sent on its first try, on a new connection');
      assertExactlyOnce(rows, await sinkMailsTo(sink, emails));
    });
  } finally {
    await sink.close();
  }
});
