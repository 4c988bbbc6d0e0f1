// Stripe's errors and the checks of request parameters, with the codes and wording Stripe
// uses, so that a client's error handling meets the same strings here as in production.

export class StripeError extends Error {
  // fields: type, code, decline_code, param, payment_intent, charge, payment_method, ...
  constructor(status, fields) {
    super(fields.message);
    this.status = status;
    this.fields = fields;
  }

  // Stripe leaves out the keys that do not apply (there is no `"param": null`), and links
  // the request's log and, for coded errors, the code's page.
  body(requestId) {
    const error = {};
    for (const [k, v] of Object.entries(this.fields)) if (v !== undefined && v !== null) error[k] = v;
    if (error.code && !error.doc_url) error.doc_url = `https://stripe.com/docs/error-codes/${error.code.replace(/_/g, '-')}`;
    if (requestId) error.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}?t=${Math.floor(Date.now() / 1000)}`;
    return { error };
  }
}

export const invalidRequest = (message, extra = {}) =>
  new StripeError(400, { type: 'invalid_request_error', message, ...extra });

export const missingParam = (param) =>
  invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });

export const unknownParam = (param) =>
  invalidRequest(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param });

export const noSuch = (what, id, param, status = 404) =>
  new StripeError(status, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}: '${id}'`, param });

// Refuses any parameter outside `allowed`, a tree of the names an endpoint takes:
// { mode: true, line_items: { price_data: { currency: true, product_data: { name: true } } } }
// An array parameter's elements are checked against the same tree; `'*'` takes any key.
export function checkKnown(params, allowed, prefix = '') {
  if (params === null || typeof params !== 'object') return;
  const entries = Array.isArray(params) ? params.map((v, i) => [String(i), v]) : Object.entries(params);
  for (const [k, v] of entries) {
    const name = prefix ? `${prefix}[${k}]` : k;
    if (Array.isArray(params)) { checkKnown(v, allowed, name); continue; }
    const rule = allowed['*'] ?? allowed[k];
    if (rule === undefined) throw unknownParam(name);
    if (rule === true) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) throw invalidRequest(`Invalid value for ${name}: expected a string, not a hash.`, { param: name });
      continue;
    }
    if (rule === 'hash') {
      if (v === null || typeof v !== 'object') throw invalidRequest(`Invalid object`, { param: name });
      continue;
    }
    if (rule === 'array') {
      if (!Array.isArray(v)) throw invalidRequest(`Invalid array`, { param: name });
      continue;
    }
    if (v === null || typeof v !== 'object') throw invalidRequest(`Invalid object`, { param: name });
    checkKnown(v, rule, name);
  }
}

export function integer(value, param, { min = -Infinity, max = Infinity } = {}) {
  if (typeof value !== 'string' || !/^-?[0-9]{1,15}$/.test(value)) {
    throw invalidRequest(`Invalid integer: ${typeof value === 'string' ? value : '(a hash)'}`, { code: 'parameter_invalid_integer', param });
  }
  const n = Number(value);
  if (n < min) throw invalidRequest(`This value must be greater than or equal to ${min}.`, { param });
  if (n > max) throw invalidRequest(`This value must be less than or equal to ${max}.`, { param });
  return n;
}

export function boolean(value, param) {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${value}`, { param });
}

export function string(value, param, { max = 5000 } = {}) {
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: expected a string`, { param });
  if (value.length > max) throw invalidRequest(`Invalid string: ${value.slice(0, 20)}...; must be at most ${max} characters`, { code: 'parameter_invalid_string_blank', param });
  return value;
}

export function url(value, param) {
  string(value, param, { max: 5000 });
  let ok = false;
  try {
    // `{CHECKOUT_SESSION_ID}` is a template, not part of the URL to check.
    const u = new URL(value.replace(/\{CHECKOUT_SESSION_ID\}/g, 'x'));
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch { /* not a URL */ }
  if (!ok) throw invalidRequest('Not a valid URL', { code: 'url_invalid', param });
  return value;
}

export function oneOf(value, param, choices) {
  if (!choices.includes(value)) {
    throw invalidRequest(`Invalid ${param}: must be one of ${choices.join(', ')}`, { param });
  }
  return value;
}

// Stripe's metadata rules: at most 50 keys, keys up to 40 characters, values up to 500;
// an empty value on create means "not set".
export function metadata(value, param = 'metadata') {
  if (value === undefined || value === '') return {};
  if (value === null || typeof value !== 'object') throw invalidRequest('Invalid object', { param });
  // `metadata[0]=x` decodes as an array; metadata keys are always strings.
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  if (entries.length > 50) throw invalidRequest('Invalid metadata: metadata can have at most 50 keys.', { param });
  const out = {};
  for (const [k, v] of entries) {
    if (k.length > 40) throw invalidRequest(`Invalid metadata: keys can be at most 40 characters.`, { param: `${param}[${k}]` });
    if (typeof v !== 'string') throw invalidRequest(`Invalid metadata: values must be strings.`, { param: `${param}[${k}]` });
    if (v.length > 500) throw invalidRequest(`Invalid metadata: values can be at most 500 characters.`, { param: `${param}[${k}]` });
    if (v !== '') out[k] = v;
  }
  return out;
}

// `expand[]` / `expand[0]`: a list of dotted paths.
export function expandList(value) {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidRequest('Invalid array', { param: 'expand' });
  value.forEach((v, i) => { if (typeof v !== 'string') throw invalidRequest('Invalid array', { param: `expand[${i}]` }); });
  return value;
}
