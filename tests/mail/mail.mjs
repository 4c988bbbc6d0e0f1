// Mail as the tests see it: what reached the stack's mail catcher (maildev, through its REST
// API), parsed from the raw source by mailparser rather than by maildev, and an in-process
// SMTP server (smtp-server) that misbehaves on demand for the notifier's fault tests.
// Imported by relative path (../mail/mail.mjs) so that its packages resolve from
// tests/mail/node_modules. Every wait is a bounded poll on a condition.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// The stack's mail catcher, as ./dev stack start wrote it into DIR/env.
export const MAIL_WEB_URL = process.env.BOXOFFICE_MAIL_WEB_URL;
export const SMTP_PORT = process.env.BOXOFFICE_SMTP_PORT ? Number(process.env.BOXOFFICE_SMTP_PORT) : undefined;

const REQUEST_TIMEOUT_MS = 30_000;

async function api(webUrl, method, path, as = 'json') {
  const res = await fetch(`${webUrl.replace(/\/+$/, '')}/api${path}`, { method, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`maildev ${method} /api${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return as === 'json' ? res.json() : Buffer.from(await res.arrayBuffer());
}

// ------------------------------------------------------------------------------------------
// maildev

// Every mail received, in arrival order, as maildev summarises it: {id, subject, from, to,
// envelope: {from, to}, headers, attachments, size, time (from the Date header), ...}.
export const listMails = (webUrl) => api(webUrl, 'GET', '/email');

// The mail's source exactly as it came over SMTP (a Buffer; line ends as the client sent them).
export const rawMail = (webUrl, id) => api(webUrl, 'GET', `/email/${encodeURIComponent(id)}/source`, 'raw');

// Forget every mail (maildev removes their files from its mail directory too).
export async function clearMails(webUrl) {
  const done = await api(webUrl, 'DELETE', '/email/all');
  if (done !== true) throw new Error(`maildev DELETE /api/email/all answered ${JSON.stringify(done)}`);
}

// mailparser's reading of a raw message: {subject, from, to, date, messageId, text, html,
// attachments: [{filename, contentType, content, ...}], headers (a Map), headerLines (the
// raw header lines, undecoded: [{key, line}])}.
export const parseMail = (raw) => simpleParser(raw);

// Every mail received, in arrival order, parsed by mailparser from its raw source:
// [{id, envelope, raw, parsed}]. A few fetches at a time, so thousands stay quick.
export async function mailsParsed(webUrl, { concurrency = 8 } = {}) {
  const list = await listMails(webUrl);
  const out = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      const raw = await rawMail(webUrl, list[i].id);
      out[i] = { id: list[i].id, envelope: list[i].envelope, raw, parsed: await parseMail(raw) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  return out;
}

// Polls until `until` holds and returns what it saw: a number N waits for at least N mails
// (resolving with the list); a function is called with the list (or, with {parsed: true},
// with mailsParsed's answer) and the wait ends at its first truthy result, which is returned.
export async function waitForMails(webUrl, until, { timeoutMs = 15_000, intervalMs = 100, parsed = false } = {}) {
  const check = typeof until === 'number' ? (mails) => mails.length >= until && mails : until;
  const deadline = Date.now() + timeoutMs;
  let mails = [];
  for (;;) {
    mails = parsed ? await mailsParsed(webUrl) : await listMails(webUrl);
    const result = await check(mails);
    if (result) return result;
    if (Date.now() > deadline) {
      const seen = mails.slice(-5).map((m) => JSON.stringify(m.subject ?? m.parsed?.subject)).join(', ');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof until === 'number' ? `${until} mails` : 'the mails'}: ${mails.length} received${seen ? ` (last: ${seen})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ------------------------------------------------------------------------------------------
// An SMTP sink for fault tests

// A self-signed certificate for localhost and 127.0.0.1, made now with openssl, in a fresh
// temporary directory: {dir, keyPath, certPath}.
export function selfSignedCertificate() {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-sink-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`openssl req -x509 failed (${r.status ?? r.error}): ${r.stderr}`);
  }
  return { dir, keyPath, certPath };
}

// An SMTP reply for a refusal: a code (4xx temporary, 5xx permanent) and its text.
function refusal(code, message) {
  const err = new Error(message || (code < 500 ? 'Temporary failure, try again later' : 'Permanent failure'));
  err.responseCode = code;
  return err;
}

// One stage's behaviour, as setBehaviour takes it: a code (451), or {code, message, times,
// match, delayMs}. `times`: only the next N commands at that stage (then normal again);
// `match`: only addresses matching (a RegExp or a substring; RCPT and MAIL FROM); `delayMs`:
// answer that late (with the code, or accepting when there is none).
function stageRule(spec) {
  if (spec === undefined || spec === null) return null;
  const rule = typeof spec === 'number' ? { code: spec } : { ...spec };
  if (rule.code !== undefined && !(Number.isInteger(rule.code) && rule.code >= 400 && rule.code <= 599)) {
    throw new Error(`an SMTP refusal is 4xx or 5xx, not ${rule.code}`);
  }
  if (rule.code === undefined && !rule.delayMs) throw new Error('a behaviour needs a code or a delayMs');
  return rule;
}

const matches = (rule, address) => !rule.match || (address !== undefined &&
  (rule.match instanceof RegExp ? rule.match.test(address) : address.includes(rule.match)));

// startSmtpSink({tls, requireTLS, auth, onMailFrom, onRcptTo, onData, size}) → {port,
// messages, errors, certPath, setBehaviour(b), clear(), close()}.
//
//   tls          offer STARTTLS with a certificate made now (certPath: the file for the
//                client to trust, i.e. Notify.Mail.CAFile or curl --cacert)
//   requireTLS   refuse MAIL FROM (530) and AUTH (538) before STARTTLS
//   auth         {user, pass, methods} (default methods PLAIN and LOGIN): AUTH required
//                before MAIL FROM (530 otherwise), other credentials get 535
//   onMailFrom(address, session), onRcptTo(address, session), onData(raw, session)
//                hooks: return a code or {code, message} to refuse, nothing to accept
//
// messages: [{from, to: [...], raw (Buffer), user, secure, at}] for every message accepted,
// oldest first; errors: connection-level errors (a client that did not trust the certificate).
// setBehaviour({mailFrom, rcpt, data}) sets how each stage answers from now on
// (see stageRule); setBehaviour({}) makes it normal again.
export async function startSmtpSink({ tls = false, requireTLS = false, auth = null, onMailFrom, onRcptTo, onData, size = 0, socketTimeout } = {}) {
  const cert = tls ? selfSignedCertificate() : null;
  const messages = [];
  const connections = { opened: 0, closed: 0 };
  let behaviour = {};

  // The stage's rule if it applies to this command (using up one of its `times`), else null.
  const take = (stage, address) => {
    const rule = behaviour[stage];
    if (!rule || !matches(rule, address)) return null;
    if (rule.times !== undefined && --rule.times <= 0) delete behaviour[stage];
    return rule;
  };

  // Runs one stage: the behaviour set by the test first, then the hook; answers through cb.
  const stage = (name, address, hook, hookArgs, session, callback) => {
    const rule = take(name, address);
    const answer = () => {
      if (rule?.code) return callback(refusal(rule.code, rule.message));
      const verdict = hook ? hook(...hookArgs, session) : undefined;
      if (verdict === undefined || verdict === null || verdict === false) return callback();
      const { code, message } = typeof verdict === 'number' ? { code: verdict } : verdict;
      return callback(refusal(code, message));
    };
    if (rule?.delayMs) setTimeout(answer, rule.delayMs);
    else answer();
  };

  const server = new SMTPServer({
    logger: false,
    banner: 'Boxoffice test SMTP sink',
    size,
    secure: false,
    ...(cert ? { key: readFileSync(cert.keyPath), cert: readFileSync(cert.certPath) } : {}),
    hideSTARTTLS: !tls,
    // Without TLS on offer, AUTH goes in the clear (it is loopback); with it, only when
    // STARTTLS is not required.
    allowInsecureAuth: !requireTLS,
    ...(auth ? { authMethods: auth.methods ?? ['PLAIN', 'LOGIN'], authOptional: false } : { disabledCommands: ['AUTH'], authOptional: true }),
    closeTimeout: 500,
    // An idle client is told "421 Timeout - closing connection" after this many ms.
    ...(socketTimeout ? { socketTimeout } : {}),
    onConnect(session, callback) { connections.opened++; callback(); },
    onClose() { connections.closed++; },
    onAuth(a, session, callback) {
      if (a.username === auth.user && a.password === auth.pass) return callback(null, { user: a.username });
      return callback(refusal(535, 'Authentication credentials invalid'));
    },
    onMailFrom(address, session, callback) {
      if (requireTLS && !session.secure) return callback(refusal(530, 'Must issue a STARTTLS command first'));
      stage('mailFrom', address.address, onMailFrom, [address.address], session, callback);
    },
    onRcptTo(address, session, callback) {
      stage('rcpt', address.address, onRcptTo, [address.address], session, callback);
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (stream.sizeExceeded) return callback(refusal(552, 'Message exceeds fixed maximum message size'));
        stage('data', undefined, onData, [raw], session, (err) => {
          if (!err) {
            messages.push({ from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), raw, user: session.user ?? null, secure: session.secure, at: Date.now() });
          }
          callback(err);
        });
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  // A client's failed TLS handshake or a dropped connection is the server's 'error' event:
  // kept for the test to look at, never thrown.
  const errors = [];
  server.on('error', (err) => errors.push(err));
  return {
    port: server.server.address().port,
    host: '127.0.0.1',
    messages,
    errors,
    connections,
    certPath: cert?.certPath ?? null,
    setBehaviour(b = {}) {
      const next = {};
      for (const name of Object.keys(b ?? {})) {
        if (!['mailFrom', 'rcpt', 'data'].includes(name)) throw new Error(`no SMTP stage ${name} (mailFrom, rcpt, data)`);
        const rule = stageRule(b[name]);
        if (rule) next[name] = rule;
      }
      behaviour = next;
    },
    clear() { messages.length = 0; },
    close() {
      return new Promise((resolve) => server.close(() => {
        if (cert) rmSync(cert.dir, { recursive: true, force: true });
        resolve();
      }));
    },
  };
}
