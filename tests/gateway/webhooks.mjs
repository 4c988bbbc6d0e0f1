// Webhook delivery for both gateways: a record of every event and every attempt, retries
// with growing delays, and the misbehaviours a real gateway shows now and then — the same
// event twice, events out of order, late, never, or all at once after an outage — under the
// control API (`POST /_control/webhooks`).
//
// Events caused by one thing (a shopper's click, one API call, one timer) form a batch. A
// provider's deliveries go through one queue, by default one at a time, so "normal" is the
// order the events were raised in and "reverse" is visibly the opposite; a receiver that hangs
// delays the events behind it (up to the attempt timeout). With `concurrency` above 1 several
// deliveries are under way at once, as with the real gateways, and order is not kept.
import http from 'node:http';

const MODES = new Set(['normal', 'duplicate', 'reverse', 'delay', 'drop', 'hold']);

export class WebhookError extends Error {}

export class Webhooks {
  // endpoints: { stripe: url|null, paypal: url|null }
  // signers: { provider: (bodyText, attempt) => ({ headers, transmissionId? }) }
  constructor({ endpoints, signers, retryDelaysMs = [200, 500, 1000, 2000], timeoutMs = 5000, concurrency = 1, log = () => {} }) {
    this.configured = { ...endpoints }; // what reset() goes back to
    this.signers = signers;
    this.retryDelaysMs = retryDelaysMs;
    this.timeoutMs = timeoutMs;
    this.configuredConcurrency = concurrency;
    // Kept-alive connections: a storm's thousands of deliveries need no handshake each.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    this.log = log;
    this.timers = new Set();
    this.reset();
  }

  reset() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.endpoints = { ...this.configured };
    this.concurrency = this.configuredConcurrency;
    this.events = [];           // every event raised, in order
    this.byId = new Map();
    this.rule = null;           // { mode, delayMs, remaining, provider }
    this.held = [];
    this.batch = [];
    this.batchScheduled = false;
    this.queues = { stripe: [], paypal: [] }; // deliveries waiting: [event, attempt]
    this.active = { stripe: 0, paypal: 0 };   // deliveries under way
    this.generation = (this.generation || 0) + 1; // deliveries of a reset world are abandoned
  }

  setRule({ mode = 'normal', delayMs = 1000, times = 1, provider = null } = {}) {
    if (!MODES.has(mode)) throw new WebhookError(`mode must be one of ${[...MODES].join(', ')}`);
    if (!Number.isInteger(times) || times < 1) throw new WebhookError('times must be a positive integer');
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new WebhookError('delayMs must be a non-negative number');
    if (provider !== null && provider !== 'stripe' && provider !== 'paypal') throw new WebhookError('provider must be stripe or paypal');
    this.rule = mode === 'normal' ? null : { mode, delayMs, remaining: times, provider };
    return this.describeRule();
  }

  describeRule() {
    return this.rule ? { ...this.rule } : { mode: 'normal' };
  }

  setEndpoint(provider, url) {
    this.endpoints[provider] = url || null;
  }

  // Raise an event: `payload` is the object; its bytes are fixed now (signatures and PayPal's
  // verify endpoint work on exactly these bytes). Stripe pretty-prints its event bodies.
  emit(provider, { id, type, payload, indent = 0 }) {
    const event = {
      id,
      provider,
      type,
      created: new Date().toISOString(),
      body: JSON.stringify(payload, null, indent || undefined),
      mode: 'normal',
      state: 'pending',
      deliveries: [],
    };
    this.events.push(event);
    this.byId.set(id, event);
    this.batch.push(event);
    if (!this.batchScheduled) {
      this.batchScheduled = true;
      // After the operation that raised the events has answered: "shortly after the cause".
      setImmediate(() => this.flushBatch());
    }
    return event;
  }

  takeMode(provider) {
    const r = this.rule;
    if (!r || (r.provider && r.provider !== provider)) return { mode: 'normal' };
    const taken = { mode: r.mode, delayMs: r.delayMs };
    if (--r.remaining <= 0) this.rule = null;
    return taken;
  }

  flushBatch() {
    const batch = this.batch;
    this.batch = [];
    this.batchScheduled = false;
    const ordered = [];
    const reversed = [];
    let reverseSlot = -1;
    for (const event of batch) {
      const { mode, delayMs } = this.takeMode(event.provider);
      event.mode = mode;
      if (!this.endpoints[event.provider]) {
        event.state = 'no_endpoint';
        continue;
      }
      switch (mode) {
        case 'drop':
          event.state = 'dropped';
          break;
        case 'hold':
          event.state = 'held';
          this.held.push(event);
          break;
        case 'delay':
          event.state = 'delayed';
          this.later(delayMs, () => { event.state = 'pending'; this.enqueue(event); });
          break;
        case 'reverse':
          if (reverseSlot === -1) { reverseSlot = ordered.length; ordered.push(null); }
          reversed.unshift(event);
          break;
        case 'duplicate':
          ordered.push(event, event);
          break;
        default:
          ordered.push(event);
      }
    }
    if (reverseSlot !== -1) ordered.splice(reverseSlot, 1, ...reversed);
    for (const event of ordered) this.enqueue(event);
  }

  release() {
    const held = this.held;
    this.held = [];
    for (const event of held) { event.state = 'pending'; this.enqueue(event); }
    return held.map((e) => e.id);
  }

  later(ms, fn) {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
  }

  setConcurrency(n) {
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new WebhookError('concurrency must be an integer from 1 to 64');
    this.concurrency = n;
    for (const provider of Object.keys(this.queues)) this.pump(provider);
  }

  // One delivery (an attempt of one copy of an event) on the provider's queue; its retries
  // are scheduled on their own so that a failing receiver does not stop the others.
  enqueue(event, attempt = 1) {
    this.queues[event.provider].push([event, attempt]);
    this.pump(event.provider);
  }

  pump(provider) {
    const queue = this.queues[provider];
    while (queue.length && this.active[provider] < this.concurrency) {
      const [event, attemptNo] = queue.shift();
      const generation = this.generation;
      this.active[provider]++;
      this.attempt(event, attemptNo)
        .catch((err) => this.log(`webhook delivery failed: ${err.message}`))
        .finally(() => {
          if (generation !== this.generation) return; // reset meanwhile: the counts are new
          this.active[provider]--;
          this.pump(provider);
        });
    }
  }

  async attempt(event, attemptNo) {
    const url = this.endpoints[event.provider];
    const record = { attempt: attemptNo, at: new Date().toISOString(), url, status: null, error: null, ms: 0 };
    if (!url) {
      event.state = 'no_endpoint';
      return;
    }
    const { headers, transmissionId } = this.signers[event.provider](event.body, event);
    if (transmissionId) record.transmission_id = transmissionId;
    event.deliveries.push(record);
    const started = Date.now();
    try {
      record.status = await post(url, event.body, headers, this.timeoutMs, this.agent);
    } catch (err) {
      record.error = err.code || err.message;
    }
    record.ms = Date.now() - started;
    this.log(`webhook ${event.provider} ${event.type} ${event.id} attempt ${attemptNo} -> ${record.status ?? record.error}`);
    const ok = record.status !== null && record.status >= 200 && record.status < 300;
    if (ok) {
      event.state = 'delivered';
      return;
    }
    const delay = this.retryDelaysMs[attemptNo - 1];
    if (delay === undefined) {
      // A duplicate's second copy may still succeed; only settle as failed if nothing did.
      if (event.state !== 'delivered') event.state = 'failed';
      return;
    }
    if (event.state !== 'delivered') event.state = 'retrying';
    const generation = this.generation;
    this.later(delay, () => { if (generation === this.generation) this.enqueue(event, attemptNo + 1); });
  }

  // Counts of events by state: cheap enough to poll during a storm.
  summary() {
    const states = {};
    for (const e of this.events) states[e.state] = (states[e.state] || 0) + 1;
    return { rule: this.describeRule(), concurrency: this.concurrency, held: this.held.length, endpoints: this.endpoints, events: this.events.length, states };
  }

  list({ provider, type } = {}) {
    return {
      rule: this.describeRule(),
      concurrency: this.concurrency,
      held: this.held.length,
      endpoints: this.endpoints,
      events: this.events
        .filter((e) => (!provider || e.provider === provider) && (!type || e.type === type))
        .map((e) => ({
          id: e.id,
          provider: e.provider,
          type: e.type,
          created: e.created,
          mode: e.mode,
          state: e.state,
          deliveries: e.deliveries,
          payload: JSON.parse(e.body),
        })),
    };
  }

  // Nothing is left to send right now (used by tests and by `GET /_control/webhooks?settled=1`).
  idle() {
    return this.batch.length === 0 && this.timers.size === 0 &&
      Object.values(this.queues).every((q) => q.length === 0) && Object.values(this.active).every((n) => n === 0);
  }

  stop() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.generation++;
    this.agent.destroy();
  }
}

function post(url, body, headers, timeoutMs, agent) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.protocol !== 'http:') { reject(new Error(`only http webhook URLs: ${url}`)); return; }
    const req = http.request(u, {
      method: 'POST',
      agent,
      headers: { ...headers, 'Content-Length': Buffer.byteLength(body), 'User-Agent': headers['User-Agent'] || 'Boxoffice-Gateway-Standin/1.0' },
      timeout: timeoutMs,
    }, (res) => {
      res.resume(); // the answer's body does not matter, only its status
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}
