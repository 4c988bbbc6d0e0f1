// The small amount of HTTP plumbing every module shares: reading a request, and the reply
// value that handlers return instead of writing to the socket themselves. Returning a value
// is what lets server.mjs apply faults (truncate, drop, bad JSON, delay) to any answer after
// the operation behind it has happened.

export const MAX_BODY = 1 << 20; // 1 MiB: far more than any call Boxoffice makes

export class BodyTooLarge extends Error {}

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLarge('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// A reply: status, headers and a body that is already text, so that what is signed, stored
// for idempotent replay or cut short by a fault is exactly what goes on the wire.
// Stripe pretty-prints its JSON with two spaces; PayPal sends it compact (indent 0).
export function json(status, value, headers = {}, indent = 2) {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(value, null, indent || undefined),
  };
}

export function html(status, body, headers = {}) {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body };
}

export function text(status, body, headers = {}) {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body };
}

export function redirect(location) {
  return { status: 303, headers: { Location: location, 'Content-Type': 'text/plain; charset=utf-8' }, body: `See ${location}\n` };
}

// Appends query parameters to a URL that may already have a query (or a fragment), the way
// PayPal adds `token` and `PayerID` to a return_url.
export function addQuery(url, params) {
  const hashAt = url.indexOf('#');
  const base = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const qs = new URLSearchParams(params).toString();
  if (!qs) return url;
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}${qs}${hash}`;
}

// A path segment, percent-decoded; left as it is when it does not decode (it will then match
// no id and be a 404, not an exception).
export function decodeSegment(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const nowSeconds = () => Math.floor(Date.now() / 1000);

// PayPal's timestamps: ISO 8601 in UTC, whole seconds.
export const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// Parses `Authorization: Basic base64(user:pass)`; null if absent or malformed.
export function basicAuth(header) {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header || '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return { user: decoded, pass: '' };
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

export function bearer(header) {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header || '');
  return m ? m[1] : null;
}

// A control-API or shopper's choice that cannot be made (not found, bad choice, not open),
// with the HTTP status the control API answers it with.
export class ControlError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}
