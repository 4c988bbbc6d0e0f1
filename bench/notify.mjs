// bench/notify.mjs: the node side of bench/notify, with no packages (node's net and http).
//
//   node bench/notify.mjs sink --port-file FILE --arrivals FILE [--sample FILE]
//       An SMTP server on a free loopback port (written to --port-file once it listens) that
//       takes every message and keeps nothing but one line per message in --arrivals:
//       "OUTBOX_ID EPOCH_MS BYTES" — the outbox id from the notifier's Message-ID
//       (<outbox-ID.CODE@host>, "-" for another), the time the message's final "." came
//       in (ms since the epoch, to the microsecond), its size as sent. --sample keeps the
//       first message's DATA bytes as they came over the wire (dot-stuffed), for `client`.
//       Deliberately minimal — no parsing but for the end of DATA and one header — so that
//       what the benchmark measures is the notifier, not the sink. Stops on SIGTERM.
//
//   node bench/notify.mjs client --port N --message FILE --count N --connections C
//       The baseline: N messages of FILE's bytes (a sample from the sink) to the sink over C
//       connections at once, each one message after another on one connection (MAIL, RCPT,
//       DATA, wait for each answer: what libcurl does on a kept connection), and prints
//       "smtp-client: messages=N connections=C seconds=S per_second=R".
//
//   node bench/notify.mjs book --url URL --event ID --pairs FILE --concurrency C [--rate R]
//       One booking of two seats (POST /api/v1/bookings, the test card, a buyer's name and
//       address, so the confirm writes a booking_confirmed mail into the outbox) for each
//       line "TICKET TICKET" of FILE, C at a time over kept-alive connections; with --rate,
//       the i-th booking starts no sooner than i/R s after the first (a steady stream, not
//       a burst). Prints "book: requested=N confirmed=N other=N seconds=S per_second=R".
import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const END = Buffer.from('\r\n.\r\n');
const HEAD_BYTES = 16_384; // where the Message-ID is looked for
const MESSAGE_ID = /^Message-ID:[ \t]*<outbox-(\d+)\./im;

function options(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad option ${argv[i]}`);
    o[argv[i].slice(2)] = argv[i + 1];
  }
  return o;
}

const now = () => performance.timeOrigin + performance.now();

// ------------------------------------------------------------------------------------------
// the sink

// One client's session: commands line by line until DATA, then bytes until CRLF.CRLF.
function session(socket, record) {
  let pending = Buffer.alloc(0); // command bytes not yet ended by CRLF
  let inData = false;
  let carry = Buffer.from('\r\n'); // the last bytes of DATA so far (an end split over chunks)
  let head = [];
  let headBytes = 0;
  let bytes = 0;
  let body = null; // the sample's chunks, while one is wanted

  const reply = (line) => socket.write(`${line}\r\n`);
  const command = (line) => {
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'EHLO' || verb === 'HELO') reply('250 bench-sink');
    else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') reply('250 OK');
    else if (verb === 'DATA') {
      inData = true;
      carry = Buffer.from('\r\n');
      head = [];
      headBytes = 0;
      bytes = 0;
      body = record.wantsSample() ? [] : null;
      reply('354 go ahead');
    } else if (verb === 'QUIT') {
      reply('221 bye');
      socket.end();
    } else reply('502 not here');
  };
  // Bytes of DATA up to (not including) the end mark, and whether the mark was in `chunk`.
  const data = (chunk) => {
    const joined = Buffer.concat([carry, chunk.subarray(0, END.length - 1)]);
    let end = joined.indexOf(END);
    if (end >= 0) end -= carry.length; // may be negative: the mark began in the last chunk
    else {
      end = chunk.indexOf(END);
      if (end < 0) end = null;
    }
    const take = end === null ? chunk : chunk.subarray(0, Math.max(end, 0));
    if (headBytes < HEAD_BYTES) {
      head.push(take.subarray(0, HEAD_BYTES - headBytes));
      headBytes += Math.min(take.length, HEAD_BYTES - headBytes);
    }
    if (body) body.push(take);
    bytes += take.length;
    carry = Buffer.concat([carry, take]).subarray(-(END.length - 1));
    if (end === null) return null;
    const at = now();
    // A mark begun in the last chunk: its first bytes were taken as data.
    const over = Math.min(Math.max(-end, 0), bytes);
    bytes -= over;
    const id = MESSAGE_ID.exec(Buffer.concat(head).toString('latin1'))?.[1] ?? '-';
    const rest = chunk.subarray(end + END.length);
    if (body) record.sample(Buffer.concat(body).subarray(0, bytes));
    inData = false;
    record.arrival(id, at, bytes);
    reply('250 OK queued');
    return rest;
  };

  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    while (chunk && chunk.length) {
      if (inData) {
        chunk = data(chunk);
        continue;
      }
      const all = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      let eol;
      while (!inData && (eol = all.indexOf('\r\n', start)) >= 0) {
        command(all.subarray(start, eol).toString('latin1'));
        start = eol + 2;
      }
      pending = inData ? Buffer.alloc(0) : Buffer.from(all.subarray(start));
      chunk = inData ? all.subarray(start) : null;
    }
  });
  reply('220 bench-sink ESMTP');
}

async function sink(o) {
  if (!o['port-file'] || !o.arrivals) throw new Error('sink needs --port-file and --arrivals');
  const fd = openSync(o.arrivals, 'a');
  let sampleWanted = Boolean(o.sample);
  const record = {
    arrival(id, at, bytes) {
      writeSync(fd, `${id} ${at.toFixed(3)} ${bytes}\n`);
    },
    wantsSample: () => sampleWanted,
    sample(buf) {
      sampleWanted = false;
      writeFileSync(`${o.sample}.new`, buf);
      renameSync(`${o.sample}.new`, o.sample);
    },
  };
  const server = net.createServer((socket) => session(socket, record));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  writeFileSync(`${o['port-file']}.new`, `${server.address().port}\n`);
  renameSync(`${o['port-file']}.new`, o['port-file']);
  const stop = () => {
    server.close();
    for (const s of sockets) s.destroy();
    closeSync(fd);
    process.exit(0);
  };
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// ------------------------------------------------------------------------------------------
// the baseline client

// A connection that sends `count` messages, one after another, answering nothing but the
// replies it waits for.
function sendOn(port, message, count) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let buffered = '';
    let sent = 0;
    const steps = [];
    const expect = (code, then) => steps.push({ code, then });
    const next = () => {
      if (sent === count) {
        socket.write('QUIT\r\n');
        expect('221', () => socket.end());
        return;
      }
      socket.write('MAIL FROM:<tickets@localhost>\r\n');
      expect('250', () => socket.write('RCPT TO:<bench@example.test>\r\n'));
      expect('250', () => socket.write('DATA\r\n'));
      expect('354', () => {
        socket.write(message);
        socket.write(END);
      });
      expect('250', () => {
        sent++;
        next();
      });
    };
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      let eol;
      while ((eol = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, eol);
        buffered = buffered.slice(eol + 2);
        if (line[3] === '-') continue; // a multi-line reply goes on
        const step = steps.shift();
        if (!step || !line.startsWith(step.code)) {
          socket.destroy();
          return reject(new Error(`the sink answered "${line}" (expected ${step?.code ?? 'nothing'})`));
        }
        step.then();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => (sent === count ? resolve(sent) : reject(new Error(`closed after ${sent} of ${count}`))));
    expect('220', () => socket.write('EHLO bench-client\r\n'));
    expect('250', next);
  });
}

async function client(o) {
  const port = Number(o.port);
  const count = Number(o.count);
  const connections = Number(o.connections ?? 1);
  if (!(port > 0 && count > 0 && connections > 0)) throw new Error('client needs --port, --count and --connections');
  const message = readFileSync(o.message);
  const shares = Array.from({ length: connections }, (_, i) => Math.floor(count / connections) + (i < count % connections ? 1 : 0));
  const started = now();
  await Promise.all(shares.filter((n) => n > 0).map((n) => sendOn(port, message, n)));
  const seconds = (now() - started) / 1000;
  console.log(`smtp-client: messages=${count} connections=${connections} seconds=${seconds.toFixed(3)} per_second=${(count / seconds).toFixed(1)}`);
}

// ------------------------------------------------------------------------------------------
// bookings

function postBooking(agent, url, body) {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    const req = http.request({
      host: url.hostname, port: url.port, method: 'POST', path: '/api/v1/bookings', agent, timeout: 60_000,
      headers: { 'content-type': 'application/json', 'content-length': payload.length },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end(payload);
  });
}

async function book(o) {
  const url = new URL(o.url);
  const eventId = Number(o.event);
  const concurrency = Number(o.concurrency ?? 8);
  const rate = o.rate === undefined ? 0 : Number(o.rate);
  const pairs = readFileSync(o.pairs, 'utf8').split('\n').map((l) => l.trim().split(/\s+/).map(Number))
    .filter((p) => p.length === 2 && p.every((n) => n > 0));
  if (!(eventId > 0 && concurrency > 0 && rate >= 0 && pairs.length)) throw new Error('book needs --url, --event, --pairs and --concurrency');
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const counts = { confirmed: 0, other: 0 };
  let next = 0;
  const started = now();
  const worker = async () => {
    while (next < pairs.length) {
      const i = next++;
      const due = started + (rate ? (i * 1000) / rate : 0);
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const status = await postBooking(agent, url, {
        eventId, ticketIds: pairs[i], buyerName: `Bench Buyer ${i}`, buyerEmail: `buyer-${i}@bench.example`,
        paymentInfo: { provider: 'test', paymentMethod: 'pm_card_visa' },
      });
      counts[status === 201 ? 'confirmed' : 'other']++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, pairs.length) }, worker));
  agent.destroy();
  const seconds = (now() - started) / 1000;
  console.log(`book: requested=${pairs.length} confirmed=${counts.confirmed} other=${counts.other} seconds=${seconds.toFixed(3)} per_second=${(counts.confirmed / seconds).toFixed(1)}`);
}

const [mode, ...rest] = process.argv.slice(2);
const run = { sink, client, book }[mode];
if (!run) {
  console.error('usage: notify.mjs sink ... | client ... | book ... (see the head of bench/notify.mjs)');
  process.exit(2);
}
run(options(rest)).catch((e) => {
  console.error(`notify.mjs ${mode}: ${e.message}`);
  process.exit(1);
});
