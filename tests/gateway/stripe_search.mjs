// Stripe's Search Query Language, the part that makes sense for PaymentIntents:
//
//   metadata['booking_id']:'42'    metadata["booking_id"]:"42"    status:'succeeded'
//   amount>1000   amount<=5000   currency:'eur'   -status:'canceled'
//   clauses joined by AND, or by OR (Stripe does not allow both in one query)
//
// Stripe's search is eventually consistent (new objects appear within a minute); here it is
// immediate, which is kinder than production: do not rely on it for read-after-write.
import { invalidRequest } from './stripe_params.mjs';

const bad = (message) => invalidRequest(message, { param: 'query' });

function tokenize(q) {
  const tokens = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < q.length && q[j] !== c) {
        if (q[j] === '\\' && j + 1 < q.length) { s += q[j + 1]; j += 2; continue; }
        s += q[j++];
      }
      if (j >= q.length) throw bad(`Unterminated string in query: ${q}`);
      tokens.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    const op = /^(>=|<=|:|>|<|~|\[|\]|-)/.exec(q.slice(i));
    if (op) { tokens.push({ t: 'op', v: op[1] }); i += op[1].length; continue; }
    const word = /^[A-Za-z0-9_.]+/.exec(q.slice(i));
    if (word) { tokens.push({ t: 'word', v: word[0] }); i += word[0].length; continue; }
    throw bad(`Invalid character '${c}' in query`);
  }
  return tokens;
}

// -> { join: 'AND'|'OR', clauses: [{ field, key?, op, value, negate }] }
export function parseQuery(q, fields) {
  if (typeof q !== 'string' || !q.trim()) throw bad('Missing required param: query.');
  const tokens = tokenize(q);
  let pos = 0;
  const next = () => tokens[pos++];
  const peek = () => tokens[pos];
  const clauses = [];
  let join = null;
  for (;;) {
    let negate = false;
    if (peek()?.t === 'op' && peek().v === '-') { negate = true; next(); }
    const f = next();
    if (!f || f.t !== 'word') throw bad(`Expected a field name in query: ${q}`);
    const clause = { field: f.v, negate };
    if (f.v === 'metadata') {
      const open = next(); const key = next(); const close = next();
      if (open?.v !== '[' || key?.t !== 'str' || close?.v !== ']') throw bad(`Expected metadata['key'] in query: ${q}`);
      clause.key = key.v;
    } else if (!fields[f.v]) {
      throw bad(`Field '${f.v}' is not supported for search on this resource (supported: ${Object.keys(fields).join(', ')}, metadata).`);
    }
    const op = next();
    if (!op || op.t !== 'op' || !['>=', '<=', ':', '>', '<', '~'].includes(op.v)) throw bad(`Expected an operator after ${f.v} in query: ${q}`);
    clause.op = op.v;
    const value = next();
    if (!value || (value.t !== 'str' && value.t !== 'word')) throw bad(`Expected a value in query: ${q}`);
    const kind = clause.key !== undefined ? 'string' : fields[f.v];
    if (value.t === 'word' && !(value.v === 'null' || (kind === 'number' && /^[0-9]+$/.test(value.v)))) {
      throw bad(`String values must be quoted in query: ${value.v}`);
    }
    if (op.v !== ':' && op.v !== '~' && kind !== 'number') throw bad(`Operator ${op.v} needs a numeric field: ${f.v}`);
    clause.value = value.t === 'word' && value.v === 'null' ? null : value.v;
    clauses.push(clause);
    const j = next();
    if (!j) break;
    if (j.t !== 'word' || (j.v !== 'AND' && j.v !== 'OR')) throw bad(`Expected AND or OR in query, found '${j.v}'`);
    if (join && join !== j.v) throw bad('Queries cannot mix AND and OR.');
    join = j.v;
  }
  if (clauses.length > 10) throw bad('A query can have at most 10 clauses.');
  return { join: join || 'AND', clauses };
}

function test(clause, obj) {
  const actual = clause.key !== undefined ? (obj.metadata || {})[clause.key] : obj[clause.field];
  let hit;
  switch (clause.op) {
    case ':': hit = clause.value === null ? actual == null : String(actual ?? '') === clause.value; break;
    case '~': hit = typeof actual === 'string' && clause.value !== null && actual.includes(clause.value); break;
    case '>': hit = Number(actual) > Number(clause.value); break;
    case '<': hit = Number(actual) < Number(clause.value); break;
    case '>=': hit = Number(actual) >= Number(clause.value); break;
    case '<=': hit = Number(actual) <= Number(clause.value); break;
  }
  return clause.negate ? !hit : hit;
}

export function matches(parsed, obj) {
  return parsed.join === 'AND' ? parsed.clauses.every((c) => test(c, obj)) : parsed.clauses.some((c) => test(c, obj));
}
