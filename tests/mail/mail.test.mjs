// The mail helpers (mail.mjs) against a maildev of their own and against the SMTP sink, with
// Debian's curl as the SMTP client (as libcurl will be the notifier's): a real multipart
// message read back raw and through mailparser, a few hundred KB of attachment, twenty mails
// over one connection, the sink's 4xx/5xx at RCPT and DATA, STARTTLS with a certificate made
// at test time, and AUTH.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listMails, rawMail, clearMails, waitForMails, parseMail, mailsParsed, startSmtpSink } from './mail.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mail-test-'));
let maildev;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// A maildev as ./dev runs it: loopback only, an explicit (empty) config file so that none is
// looked for above the working directory, mails kept in a directory of its own.
async function startMaildev() {
  const [smtp, web] = [await freePort(), await freePort()];
  const dir = join(work, 'maildev');
  const config = join(work, 'maildev.json');
  writeFileSync(config, '{}\n');
  const child = spawn(process.execPath, [join(HERE, 'node_modules/maildev/dist/bin/maildev.js'),
    '--config', config, '--ip', '127.0.0.1', '--smtp', String(smtp), '--web-ip', '127.0.0.1', '--web', String(web),
    '--mail-directory', dir], { stdio: ['ignore', 'pipe', 'pipe'], cwd: work });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const webUrl = `http://127.0.0.1:${web}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`maildev exited: ${out}`);
    const up = await fetch(`${webUrl}/api/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`maildev did not answer: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { smtp, webUrl, dir, log: () => out, stop: () => { child.kill('SIGTERM'); return exited; } };
}

before(async () => { maildev = await startMaildev(); });

after(async () => {
  const { code } = await maildev?.stop() ?? {};
  rmSync(work, { recursive: true, force: true });
  assert.equal(code, 0, 'maildev stops cleanly on SIGTERM');
});

beforeEach(() => clearMails(maildev.webUrl));

const crlf = (lines) => `${lines.join('\r\n')}\r\n`;
const b64lines = (buf) => buf.toString('base64').replace(/.{76}/g, '$&\r\n');
const subjectUtf8 = 'Ihre Tickets für „Café Müller“ – 2 × Parkett 🎫';

// A confirmation as the notifier will send one: multipart/mixed holding a text/HTML
// alternative and a PDF, an RFC 2047 subject, 8-bit UTF-8 text, CRLF line ends.
function confirmation({ to = 'ada@example.com', attachment = Buffer.from('%PDF-1.4\n% e-ticket\n'), id = randomBytes(6).toString('hex') } = {}) {
  return Buffer.from(crlf([
    'From: Boxoffice <tickets@localhost>',
    `To: Ada Lovelace <${to}>`,
    `Subject: =?UTF-8?B?${Buffer.from(subjectUtf8).toString('base64')}?=`,
    `Message-ID: <${id}@boxoffice.localhost>`,
    'Date: Wed, 02 Dec 2026 14:05:09 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mixed-1"',
    '',
    '--mixed-1',
    'Content-Type: multipart/alternative; boundary="alt-1"',
    '',
    '--alt-1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße! Booking 42: two seats, row 3.',
    '.a line that starts with a dot',
    '--alt-1',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    '<p>Grüße! Booking <b>42</b></p>',
    '--alt-1--',
    '--mixed-1',
    'Content-Type: application/pdf; name="tickets-42.pdf"',
    'Content-Disposition: attachment; filename="tickets-42.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    b64lines(attachment),
    '--mixed-1--',
  ]));
}

// curl as an SMTP client; -v so the server's replies are in stderr. Never spawnSync: the
// sink answers from this very process.
function curlSmtp(port, files, { from = 'tickets@localhost', rcpt = ['ada@example.com'], args = [] } = {}) {
  const list = Array.isArray(files) ? files : [files];
  const one = (file) => ['--url', `smtp://127.0.0.1:${port}`, '--mail-from', from, ...rcpt.flatMap((r) => ['--mail-rcpt', r]), '--upload-file', file, ...args];
  const argv = ['-v', '-sS', '--max-time', '20', ...list.flatMap((f, i) => (i ? ['--next', ...one(f)] : one(f)))];
  return new Promise((resolve, reject) => {
    const child = spawn('curl', argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

let fileNo = 0;
function writeMessage(buf) {
  const file = join(work, `msg-${++fileNo}.eml`);
  writeFileSync(file, buf);
  return file;
}

test('maildev: a multipart confirmation comes back byte for byte and mailparser reads its parts', async () => {
  const pdf = randomBytes(2048);
  const sent = confirmation({ attachment: pdf, id: 'conf-42' });
  const r = await curlSmtp(maildev.smtp, writeMessage(sent));
  assert.equal(r.status, 0, r.stderr);
  const [summary] = await waitForMails(maildev.webUrl, 1);
  assert.deepEqual(summary.envelope.to.map((t) => t.address), ['ada@example.com']);
  const raw = await rawMail(maildev.webUrl, summary.id);
  assert.ok(raw.equals(sent), 'the raw source is what was sent (dot-stuffing undone)');
  const m = await parseMail(raw);
  assert.equal(m.subject, subjectUtf8);
  assert.equal(m.messageId, '<conf-42@boxoffice.localhost>');
  assert.equal(m.date.toISOString(), '2026-12-02T14:05:09.000Z');
  assert.equal(m.from.value[0].address, 'tickets@localhost');
  assert.match(m.text, /^Grüße! Booking 42/);
  assert.match(m.text, /^\.a line that starts with a dot$/m);
  assert.match(m.html, /<b>42<\/b>/);
  assert.equal(m.attachments.length, 1);
  assert.equal(m.attachments[0].filename, 'tickets-42.pdf');
  assert.equal(m.attachments[0].contentType, 'application/pdf');
  assert.ok(m.attachments[0].content.equals(pdf));
  const subjectLine = m.headerLines.find((h) => h.key === 'subject').line;
  assert.match(subjectLine, /^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/, 'raw headers stay undecoded');
  assert.match(m.headers.get('content-type').value, /^multipart\/mixed$/);

  const [all] = await mailsParsed(maildev.webUrl);
  assert.equal(all.id, summary.id);
  assert.ok(all.raw.equals(sent));
  assert.equal(all.parsed.subject, subjectUtf8);
  assert.ok(readdirSync(maildev.dir).includes(`${summary.id}.eml`), 'kept in its mail directory');

  await clearMails(maildev.webUrl);
  assert.deepEqual(await listMails(maildev.webUrl), []);
  assert.ok(!readdirSync(maildev.dir).some((f) => f.endsWith('.eml')), 'and its files are gone');
});

test('maildev: raw UTF-8 headers (SMTPUTF8), a 400 KB attachment, twenty mails over one connection', async () => {
  const utf8 = Buffer.from(crlf(['From: Bøxoffice <tickets@localhost>', 'To: Zoë <zoë@example.com>', `Subject: ${subjectUtf8}`,
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Grüße']));
  assert.equal((await curlSmtp(maildev.smtp, writeMessage(utf8), { rcpt: ['zoë@example.com'] })).status, 0);
  const big = randomBytes(400 * 1024);
  assert.equal((await curlSmtp(maildev.smtp, writeMessage(confirmation({ attachment: big })))).status, 0);
  const files = Array.from({ length: 20 }, (_, i) => writeMessage(confirmation({ id: `batch-${i}` })));
  const r = await curlSmtp(maildev.smtp, files);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.match(/Connected to/g)?.length, 1, 'one connection for all twenty');
  const mails = await waitForMails(maildev.webUrl, 22, { parsed: true });
  assert.equal(mails[0].parsed.subject, subjectUtf8);
  assert.equal(mails[0].parsed.to.value[0].name, 'Zoë');
  assert.ok(mails[1].parsed.attachments[0].content.equals(big));
  assert.deepEqual(mails.slice(2).map((m) => m.parsed.messageId), files.map((_, i) => `<batch-${i}@boxoffice.localhost>`), 'in arrival order');
  const found = await waitForMails(maildev.webUrl, (list) => list.find((m) => m.to[0].address === 'zoë@example.com'));
  assert.equal(found.subject, subjectUtf8);
  await assert.rejects(waitForMails(maildev.webUrl, 23, { timeoutMs: 300 }), /timed out after 300 ms waiting for 23 mails: 22 received/);
});

test('sink: stores what it accepts; 4xx and 5xx at RCPT and DATA make curl fail with that code', async () => {
  const sink = await startSmtpSink();
  try {
    const file = writeMessage(confirmation({ id: 'sink-1' }));
    assert.equal((await curlSmtp(sink.port, file)).status, 0);
    assert.equal(sink.messages.length, 1);
    assert.equal(sink.messages[0].from, 'tickets@localhost');
    assert.deepEqual(sink.messages[0].to, ['ada@example.com']);
    assert.equal((await parseMail(sink.messages[0].raw)).messageId, '<sink-1@boxoffice.localhost>');

    for (const [stage, code] of [['rcpt', 451], ['rcpt', 550], ['data', 452], ['data', 554], ['mailFrom', 421]]) {
      sink.setBehaviour({ [stage]: code });
      const r = await curlSmtp(sink.port, file);
      assert.notEqual(r.status, 0, `${stage} ${code}`);
      assert.match(r.stderr, new RegExp(`^< ${code} `, 'm'), `${stage} ${code}`);
    }
    assert.equal(sink.messages.length, 1, 'nothing refused was stored');

    sink.setBehaviour({ data: { code: 451, message: 'Try again later', times: 2 } });
    assert.match((await curlSmtp(sink.port, file)).stderr, /^< 451 Try again later/m);
    assert.notEqual((await curlSmtp(sink.port, file)).status, 0);
    assert.equal((await curlSmtp(sink.port, file)).status, 0, 'normal again after two');

    sink.setBehaviour({ rcpt: { code: 550, match: 'bounce@' } });
    const partial = await curlSmtp(sink.port, file, { rcpt: ['bounce@example.com', 'ada@example.com'], args: ['--mail-rcpt-allowfails'] });
    assert.equal(partial.status, 0, partial.stderr);
    assert.deepEqual(sink.messages.at(-1).to, ['ada@example.com'], 'only the recipient that was taken');

    sink.setBehaviour({ data: { delayMs: 1500 } });
    const slow = await curlSmtp(sink.port, file, { args: ['--max-time', '1'] });
    assert.equal(slow.status, 28, 'curl timed out waiting for the answer to DATA');
    sink.setBehaviour({});
    assert.throws(() => sink.setBehaviour({ rcpt: 250 }), /4xx or 5xx/);
    assert.throws(() => sink.setBehaviour({ helo: 421 }), /no SMTP stage/);
  } finally {
    await sink.close();
  }
});

test('sink: hooks refuse by address and by content', async () => {
  const sink = await startSmtpSink({
    onRcptTo: (address) => (address.endsWith('@blocked.example') ? { code: 550, message: 'No such user' } : undefined),
    onData: (raw) => (raw.includes('X-Spam: yes') ? 554 : undefined),
  });
  try {
    const r = await curlSmtp(sink.port, writeMessage(confirmation()), { rcpt: ['x@blocked.example'] });
    assert.match(r.stderr, /^< 550 No such user/m);
    const spam = writeMessage(Buffer.from(crlf(['From: a@x', 'To: b@y', 'X-Spam: yes', 'Subject: s', '', 'body'])));
    assert.match((await curlSmtp(sink.port, spam)).stderr, /^< 554 /m);
    assert.equal(sink.messages.length, 0);
  } finally {
    await sink.close();
  }
});

test('sink: STARTTLS with a certificate made now, AUTH PLAIN and LOGIN, and what is refused without them', async () => {
  const sink = await startSmtpSink({ tls: true, requireTLS: true, auth: { user: 'notify', pass: 's3cret' } });
  try {
    assert.ok(sink.certPath);
    const file = writeMessage(confirmation({ id: 'tls-1' }));
    const tls = ['--ssl-reqd', '--cacert', sink.certPath];
    for (const method of ['PLAIN', 'LOGIN']) {
      const r = await curlSmtp(sink.port, file, { args: [...tls, '--user', 'notify:s3cret', '--login-options', `AUTH=${method}`] });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`^> AUTH ${method}`, 'm'));
    }
    assert.equal(sink.messages.length, 2);
    assert.equal(sink.messages[0].secure, true);
    assert.equal(sink.messages[0].user, 'notify');

    assert.match((await curlSmtp(sink.port, file, { args: [...tls, '--user', 'notify:wrong'] })).stderr, /^< 535 /m);
    assert.match((await curlSmtp(sink.port, file, { args: tls })).stderr, /^< 530 /m, 'no AUTH: refused at MAIL FROM');
    assert.match((await curlSmtp(sink.port, file, { args: ['--user', 'notify:s3cret'] })).stderr, /^< 538 /m, 'AUTH before STARTTLS');
    assert.equal((await curlSmtp(sink.port, file, { args: ['--ssl-reqd', '--user', 'notify:s3cret'] })).status, 60, 'an untrusted certificate');
    assert.match(sink.errors.at(-1)?.code ?? '', /UNKNOWN_CA/, 'the sink saw the handshake fail');
    assert.equal(sink.messages.length, 2);
  } finally {
    await sink.close();
  }
  const plain = await startSmtpSink({ auth: { user: 'u', pass: 'p' } });
  try {
    const r = await curlSmtp(plain.port, writeMessage(confirmation()), { args: ['--user', 'u:p'] });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /STARTTLS/, 'no TLS offered unless asked for');
  } finally {
    await plain.close();
  }
});
