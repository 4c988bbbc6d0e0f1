// Injected failures of the API calls (never of the hosted pages or the control API), as a
// client sees them across a real network:
//
//   timeout   the call hangs and is never answered; nothing happens at the gateway
//   status    an error status with a body in the provider's shape; nothing happens
//   badjson   the operation happens, the answer is 200 with JSON that does not parse
//   truncate  the operation happens, the answer stops halfway and the connection closes
//   delay     the operation happens, the answer comes `delayMs` later
//   drop      the operation happens, the connection closes before any answer: the caller
//             cannot tell it from a failure, which is exactly what reconciliation is for
//
// Rules are kept in the order they were added; the first rule that matches a call and has
// calls left is used, one call at a time.

export const ACTIONS = new Set(['timeout', 'status', 'badjson', 'truncate', 'delay', 'drop']);

export class FaultError extends Error {}

export class Faults {
  constructor() { this.reset(); }

  reset() {
    this.rules = [];
    this.nextId = 1;
  }

  add(spec) {
    const { match = {}, action, status = 503, delayMs = 1000, times = 1 } = spec || {};
    if (!ACTIONS.has(action)) throw new FaultError(`action must be one of ${[...ACTIONS].join(', ')}`);
    if (typeof match !== 'object' || match === null) throw new FaultError('match must be an object');
    if (match.method !== undefined && typeof match.method !== 'string') throw new FaultError('match.method must be a string');
    if (match.path !== undefined && (typeof match.path !== 'string' || !match.path.startsWith('/'))) {
      throw new FaultError('match.path must be a path starting with /');
    }
    if (!Number.isInteger(times) || times < 1) throw new FaultError('times must be a positive integer');
    if (action === 'status' && !(Number.isInteger(status) && status >= 400 && status <= 599)) {
      throw new FaultError('status must be an HTTP error status (400-599)');
    }
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new FaultError('delayMs must be a non-negative number');
    const rule = {
      id: this.nextId++,
      match: { method: match.method ? match.method.toUpperCase() : null, path: match.path || null },
      action,
      status: action === 'status' ? status : undefined,
      delayMs: action === 'delay' ? delayMs : undefined,
      remaining: times,
    };
    this.rules.push(rule);
    return rule;
  }

  // The fault for this call, if any; uses up one of its calls.
  take(method, path) {
    const i = this.rules.findIndex((r) =>
      (!r.match.method || r.match.method === method) && (!r.match.path || path.startsWith(r.match.path)));
    if (i === -1) return null;
    const rule = this.rules[i];
    if (--rule.remaining <= 0) this.rules.splice(i, 1);
    return { action: rule.action, status: rule.status, delayMs: rule.delayMs, id: rule.id };
  }

  list() {
    return this.rules.map((r) => ({ ...r }));
  }
}
