// Stripe's form encoding: application/x-www-form-urlencoded with bracket paths,
// `line_items[0][price_data][currency]=eur`, `expand[]=payment_intent`, `metadata[k]=v`.
//
// Stripe's own server reads `a[0]`, `a[1]` and `a[]` as arrays and `a[k]` as a hash, whichever
// client wrote them (stripe-node writes indexed arrays; curl users write `[]`). Decoding builds
// plain objects and arrays so the handlers never see the encoding.

const MAX_DEPTH = 8;       // deeper nesting than any endpoint here takes is a client bug
const MAX_PAIRS = 1000;    // a hard limit like every parser in this project has

export class FormError extends Error {
  constructor(message, param) {
    super(message);
    this.param = param;
  }
}

// "a[b][0][]" -> ["a", "b", "0", ""]; null if the brackets do not balance.
function splitKey(key) {
  const open = key.indexOf('[');
  if (open === -1) return [key];
  const parts = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.length) {
    const m = /^\[([^\[\]]*)\]/.exec(rest);
    if (!m) return null;
    parts.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  return parts;
}

// Objects whose keys are all small non-negative integers become arrays in index order;
// `[]` segments were collected as arrays already.
function finish(node) {
  if (Array.isArray(node)) return node.map(finish);
  if (node === null || typeof node !== 'object') return node;
  const keys = Object.keys(node);
  if (keys.length && keys.every((k) => /^(0|[1-9][0-9]{0,3})$/.test(k))) {
    return keys.map(Number).sort((a, b) => a - b).map((k) => finish(node[String(k)]));
  }
  const out = {};
  for (const k of keys) out[k] = finish(node[k]);
  return out;
}

// Whether `node` already holds a value at the path `rest` (an empty segment never "exists":
// it appends).
function hasPath(node, rest) {
  for (const part of rest) {
    if (part === '' || node === null || typeof node !== 'object' || !(part in node)) return false;
    node = node[part];
  }
  return true;
}

function assign(root, parts, value, key) {
  if (parts.length > MAX_DEPTH) throw new FormError(`Too deeply nested parameter: ${key}`, key);
  let node = root;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const last = i === parts.length - 1;
    if (part === '') {
      // `a[]`: append. `a[][b][c]`: add to the last element unless that element already has
      // the whole rest of the path (`b` then `c`), then start a new one — Rack's rule, which
      // is how Stripe's servers read `line_items[][price_data][currency]=…` sequences.
      if (!Array.isArray(node)) throw new FormError(`Invalid array parameter: ${key}`, key);
      if (last) { node.push(value); return; }
      let elem = node[node.length - 1];
      const wantArray = parts[i + 1] === '';
      if (elem === undefined || typeof elem !== 'object' || elem === null || Array.isArray(elem) !== wantArray ||
          hasPath(elem, parts.slice(i + 1))) {
        elem = wantArray ? [] : {};
        node.push(elem);
      }
      node = elem;
      continue;
    }
    if (Array.isArray(node)) throw new FormError(`Invalid array parameter: ${key}`, key);
    if (last) {
      if (typeof node[part] === 'object' && node[part] !== null) {
        throw new FormError(`Invalid value for ${key}: both a value and a hash were given`, key);
      }
      node[part] = value;
      return;
    }
    const wantArray = parts[i + 1] === '';
    if (node[part] === undefined) node[part] = wantArray ? [] : {};
    if (typeof node[part] !== 'object' || node[part] === null || Array.isArray(node[part]) !== wantArray) {
      throw new FormError(`Invalid value for ${key}: conflicting shapes`, key);
    }
    node = node[part];
  }
}

// decode("a[b]=1&c[]=x&c[]=y") -> { a: { b: "1" }, c: ["x", "y"] }. Every leaf is a string.
export function decode(text) {
  const root = {};
  if (!text) return root;
  const params = new URLSearchParams(text);
  let n = 0;
  for (const [key, value] of params) {
    if (++n > MAX_PAIRS) throw new FormError('Too many parameters', null);
    if (key === '') continue;
    const parts = splitKey(key);
    if (!parts || parts[0] === '') throw new FormError(`Invalid parameter name: ${key}`, key);
    // Bracket names like `a[0]` are collected in objects and turned into arrays at the end,
    // so that `a[1]` before `a[0]` still lands in order.
    assign(root, parts, value, key);
  }
  return finish(root);
}

// The inverse, for tests and for anyone scripting the stand-in: indexed arrays like stripe-node.
export function encode(data) {
  const pairs = [];
  const walk = (prefix, value) => {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object') {
      pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(value === null ? '' : String(value))}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(`${prefix}[${i}]`, v));
    } else {
      for (const k of Object.keys(value)) walk(prefix ? `${prefix}[${k}]` : k, value[k]);
    }
  };
  walk('', data);
  return pairs.join('&');
}

// A stable text form of decoded parameters, so that an Idempotency-Key retry whose client
// wrote the same parameters in another order (or `a[]` instead of `a[0]`) still matches.
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
