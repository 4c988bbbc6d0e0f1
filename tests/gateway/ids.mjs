// Identifiers that look like the real gateways' ones, so code that checks a prefix or a
// length against real ids works here too.
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function pick(alphabet, n) {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[bytes[i] % alphabet.length];
  return s;
}

// Stripe: `pi_3P…` style, 24 characters after the prefix; Checkout Sessions in test mode
// are `cs_test_` followed by a long tail.
export const stripeId = (prefix) => `${prefix}_${pick(ALNUM, 24)}`;
export const checkoutSessionId = () => `cs_test_${pick(ALNUM, 58)}`;
export const requestId = () => `req_${pick(ALNUM, 14)}`;

// PayPal: orders and captures are 17 upper-case alphanumerics (e.g. 5O190127TN364715T),
// payer ids 13, webhook events `WH-…-…`, debug ids 13 lower-case hex.
export const paypalId = () => pick(UPPER_ALNUM, 17);
export const payerId = () => pick(UPPER_ALNUM, 13);
export const paypalEventId = () => `WH-${pick(UPPER_ALNUM, 17)}-${pick(UPPER_ALNUM, 17)}`;
export const debugId = () => randomBytes(7).toString('hex').slice(0, 13);
export const accessToken = () => `A21AA${pick(ALNUM + '-_', 92)}`;
export const uuid = () => {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
