// The stand-in's small parts on their own: Stripe's bracket encoding, the search language,
// money conversions, PayPal's CRC-32, and return_url query joining.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, canonical, FormError } from './forms.mjs';
import { parseQuery, matches } from './stripe_search.mjs';
import { paypalToMinor, minorToPaypal } from './money.mjs';
import { crc32 } from './paypal.mjs';
import { addQuery } from './http.mjs';

test('forms: indexed arrays, [] arrays (Rack rule), hashes, order of indices', () => {
  assert.deepEqual(decode('a[b][0][c]=v&a[b][1][c]=w'), { a: { b: [{ c: 'v' }, { c: 'w' }] } });
  assert.deepEqual(decode('expand[]=payment_intent&expand[]=line_items'), { expand: ['payment_intent', 'line_items'] });
  assert.deepEqual(decode('expand%5B0%5D=x'), { expand: ['x'] }, 'encoded brackets');
  assert.deepEqual(decode('l[1][q]=2&l[0][q]=1'), { l: [{ q: '1' }, { q: '2' }] });
  assert.deepEqual(
    decode('l[][p][c]=eur&l[][p][u]=1&l[][q]=2&l[][p][c]=usd&l[][p][u]=3&l[][q]=4'),
    { l: [{ p: { c: 'eur', u: '1' }, q: '2' }, { p: { c: 'usd', u: '3' }, q: '4' }] },
  );
  assert.deepEqual(decode('metadata[k]=v+w&metadata[e]='), { metadata: { k: 'v w', e: '' } });
  assert.throws(() => decode('a=1&a[b]=2'), FormError);
  assert.throws(() => decode('a[b=1'), FormError);
  assert.throws(() => decode('a[b][c][d][e][f][g][h][i]=1'), FormError);
  const data = { line_items: [{ price_data: { currency: 'eur', unit_amount: 100 }, quantity: 2 }], metadata: { k: 'a&b=c' } };
  assert.deepEqual(decode(encode(data)), { line_items: [{ price_data: { currency: 'eur', unit_amount: '100' }, quantity: '2' }], metadata: { k: 'a&b=c' } });
  assert.equal(canonical(decode('b=2&a=1')), canonical(decode('a=1&b=2')));
  assert.equal(canonical(decode('x[]=1')), canonical(decode('x[0]=1')));
});

test('search: clauses, quotes, AND/OR, numbers, errors', () => {
  const fields = { amount: 'number', status: 'string' };
  const pi = { amount: 4500, status: 'succeeded', metadata: { booking_id: '42', note: "it's" } };
  const hit = (q) => matches(parseQuery(q, fields), pi);
  assert.equal(hit("metadata['booking_id']:'42'"), true);
  assert.equal(hit('metadata["booking_id"]:"42"'), true);
  assert.equal(hit("metadata['booking_id']:'43'"), false);
  assert.equal(hit("metadata['note']:'it\\'s'"), true);
  assert.equal(hit("status:'succeeded' AND amount>4000"), true);
  assert.equal(hit("status:'canceled' OR amount<=4500"), true);
  assert.equal(hit("-status:'succeeded'"), false);
  assert.throws(() => parseQuery("status:'a' AND amount>1 OR amount<2", fields), /mix/);
  assert.throws(() => parseQuery('status:succeeded', fields), /quoted/);
  assert.throws(() => parseQuery("colour:'red'", fields), /not supported/);
  assert.throws(() => parseQuery("metadata['k':'v'", fields));
});

test('money: PayPal decimal strings and minor units', () => {
  assert.equal(paypalToMinor('45.00', 'EUR'), 4500);
  assert.equal(paypalToMinor('45', 'EUR'), 4500);
  assert.equal(paypalToMinor('.5', 'EUR'), 50);
  assert.equal(paypalToMinor('45.001', 'EUR'), null);
  assert.equal(paypalToMinor('4500', 'JPY'), 4500);
  assert.equal(paypalToMinor('4500.5', 'JPY'), null);
  assert.equal(minorToPaypal(4505, 'EUR'), '45.05');
  assert.equal(minorToPaypal(5, 'EUR'), '0.05');
  assert.equal(minorToPaypal(4500, 'JPY'), '4500');
});

test('crc32 is IEEE CRC-32, as PayPal\'s signed string uses', () => {
  assert.equal(crc32('The quick brown fox jumps over the lazy dog'), 0x414fa339);
  assert.equal(crc32(''), 0);
  assert.equal(crc32('123456789'), 0xcbf43926, 'the standard check value');
});

test('addQuery: with and without a query, keeping a fragment', () => {
  assert.equal(addQuery('http://s/r', { token: 'T', PayerID: 'P' }), 'http://s/r?token=T&PayerID=P');
  assert.equal(addQuery('http://s/r?b=7', { token: 'T' }), 'http://s/r?b=7&token=T');
  assert.equal(addQuery('http://s/r?', { token: 'T' }), 'http://s/r?token=T');
  assert.equal(addQuery('http://s/r?b=7#x', { token: 'T' }), 'http://s/r?b=7&token=T#x');
});
