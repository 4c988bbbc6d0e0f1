// Currencies as the two gateways see them. Stripe counts integer minor units and writes
// currencies in lower case; PayPal writes decimal strings ("45.00") and upper-case codes.
// Both refuse a number of decimals the currency does not have.

// Stripe's zero-decimal currencies (amount 500 = ¥500).
const STRIPE_ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

// The currencies the stand-in accepts; a sample of what both gateways support.
export const STRIPE_CURRENCIES = new Set(['usd', 'eur', 'gbp', 'chf', 'cad', 'aud', 'nzd', 'jpy', 'sek', 'nok', 'dkk', 'pln', 'czk', 'huf', 'ron', 'bgn', 'mxn', 'brl', 'sgd', 'hkd', 'krw', 'inr']);

// Stripe's minimum charge per currency, in minor units (docs: "Minimum and maximum charge
// amounts"); 50 for the ones not listed.
const STRIPE_MINIMUM = { usd: 50, eur: 50, gbp: 30, chf: 50, cad: 50, aud: 50, nzd: 50, jpy: 50, sek: 300, nok: 300, dkk: 250, pln: 200, czk: 1500, huf: 17500, ron: 200, bgn: 100, mxn: 1000, brl: 50, sgd: 50, hkd: 400, krw: 700, inr: 50 };
export const STRIPE_MAXIMUM = 99999999;

export const stripeExponent = (currency) => (STRIPE_ZERO_DECIMAL.has(currency) ? 0 : 2);
export const stripeMinimum = (currency) => STRIPE_MINIMUM[currency] ?? 50;

// PayPal: HUF, JPY and TWD take no decimals; the rest here take two.
const PAYPAL_ZERO_DECIMAL = new Set(['HUF', 'JPY', 'TWD']);
export const PAYPAL_CURRENCIES = new Set(['USD', 'EUR', 'GBP', 'CHF', 'CAD', 'AUD', 'NZD', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'MXN', 'BRL', 'SGD', 'HKD', 'TWD', 'ILS', 'PHP', 'THB']);
export const paypalExponent = (code) => (PAYPAL_ZERO_DECIMAL.has(code) ? 0 : 2);

// "45.00" -> 4500 (for EUR); null when the string has more decimals than the currency.
export function paypalToMinor(value, code) {
  const exp = paypalExponent(code);
  const m = /^(-?)([0-9]*)(?:\.([0-9]+))?$/.exec(value);
  if (!m || (m[2] === '' && m[3] === undefined)) return null;
  const frac = m[3] || '';
  if (frac.length > exp) return null;
  const minor = Number(m[2] || '0') * 10 ** exp + Number(frac.padEnd(exp, '0') || '0');
  return m[1] ? -minor : minor;
}

export function minorToPaypal(minor, code) {
  const exp = paypalExponent(code);
  if (exp === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// For the hosted pages: 4500 eur -> "€45.00".
export function formatMinor(minor, currency, exponent) {
  const code = currency.toUpperCase();
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency: code, minimumFractionDigits: exponent, maximumFractionDigits: exponent })
      .format(minor / 10 ** exponent);
  } catch {
    return `${(minor / 10 ** exponent).toFixed(exponent)} ${code}`;
  }
}
