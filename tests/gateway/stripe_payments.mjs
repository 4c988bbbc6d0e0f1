// Stripe's PaymentIntents, charges, refunds and events: methods of StripeGateway (mixed in by
// stripe.mjs), using its maps and its event(), expand() and list().
import { randomBytes } from 'node:crypto';
import * as P from './stripe_params.mjs';
import { StripeError } from './stripe_params.mjs';
import { parseQuery, matches } from './stripe_search.mjs';
import { nowSeconds } from './http.mjs';
import { stripeId } from './ids.mjs';
import { STRIPE_CURRENCIES, STRIPE_MAXIMUM, stripeMinimum, stripeExponent, formatMinor } from './money.mjs';

// From this version on a PaymentIntent without payment_method_types has automatic payment
// methods enabled, and confirming it without a return_url is refused (see createIntent).
const AUTOMATIC_PM_SINCE = '2023-08-16';

const clone = (o) => structuredClone(o);

// Stripe's test payment methods (docs: Testing → "Declined payments" and card brands).
const CARDS = {
  pm_card_visa: { brand: 'visa', last4: '4242', funding: 'credit' },
  pm_card_visa_debit: { brand: 'visa', last4: '5556', funding: 'debit' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit' },
  pm_card_amex: { brand: 'amex', last4: '0005', funding: 'credit' },
  pm_card_chargeDeclined: {
    brand: 'visa', last4: '0002', funding: 'credit',
    decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: 'visa', last4: '9995', funding: 'credit',
    decline: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  },
  pm_card_chargeDeclinedExpiredCard: {
    brand: 'visa', last4: '0069', funding: 'credit',
    decline: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.', param: 'exp_month' },
  },
};
// What the hosted page's "bank transfer" choices pay with: a delayed-notification method.
const BANK = { type: 'sepa_debit', last4: '3000' };

const INTENT_PARAMS = {
  amount: true, currency: true, payment_method: true, confirm: true, description: true, metadata: 'hash',
  capture_method: true, payment_method_types: 'array', return_url: true, receipt_email: true,
  automatic_payment_methods: { enabled: true, allow_redirects: true }, statement_descriptor: true,
  statement_descriptor_suffix: true, expand: 'array',
};

export const payments = {
  paymentMethod(token) {
    if (this.methods.has(token)) return this.methods.get(token);
    const card = CARDS[token];
    if (!card) return null;
    const year = new Date().getUTCFullYear() + 3;
    const pm = {
      id: stripeId('pm'),
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: null, phone: null },
      card: {
        brand: card.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country: 'US',
        display_brand: card.brand,
        exp_month: 12,
        exp_year: year,
        fingerprint: randomBytes(8).toString('hex'),
        funding: card.funding,
        generated_from: null,
        last4: card.last4,
        networks: { available: [card.brand], preferred: null },
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: nowSeconds(),
      customer: null,
      livemode: false,
      metadata: {},
      type: 'card',
    };
    // The made method remembers its token so that confirming with its id works like the token.
    this.methods.set(pm.id, pm);
    Object.defineProperty(pm, '_card', { value: card, enumerable: false });
    return pm;
  },

  // What the hosted page's bank transfer choices pay with.
  bankMethod() {
    const pm = {
      id: stripeId('pm'), object: 'payment_method', allow_redisplay: 'unspecified',
      billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: 'shopper@example.com', name: 'Test Shopper', phone: null },
      created: nowSeconds(), customer: null, livemode: false, metadata: {},
      sepa_debit: { bank_code: '37040044', branch_code: null, country: 'DE', fingerprint: randomBytes(8).toString('hex'), generated_from: { charge: null, setup_attempt: null }, last4: BANK.last4 },
      type: BANK.type,
    };
    this.methods.set(pm.id, pm);
    return pm;
  },

  newIntent({ amount, currency, description = null, metadata = {}, captureMethod = 'automatic_async', types = ['card'], automatic = null, receiptEmail = null }) {
    const id = stripeId('pi');
    const pi = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_details: { tip: {} },
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: automatic,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: captureMethod,
      client_secret: `${id}_secret_${randomBytes(12).toString('base64url')}`,
      confirmation_method: 'automatic',
      created: nowSeconds(),
      currency,
      customer: null,
      description,
      invoice: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata,
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
      payment_method_types: types,
      processing: null,
      receipt_email: receiptEmail,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: 'requires_payment_method',
      transfer_data: null,
      transfer_group: null,
    };
    this.intents.set(id, pi);
    return pi;
  },

  newCharge(pi, pm, status, failure = null) {
    const id = stripeId('ch');
    const succeeded = status === 'succeeded';
    const details = pm.type === 'card'
      ? { card: { amount_authorized: succeeded ? pi.amount : null, brand: pm.card.brand, checks: pm.card.checks, country: 'US', exp_month: pm.card.exp_month, exp_year: pm.card.exp_year, fingerprint: pm.card.fingerprint, funding: pm.card.funding, last4: pm.card.last4, network: pm.card.brand, three_d_secure: null, wallet: null }, type: 'card' }
      : { sepa_debit: { bank_code: '37040044', branch_code: null, country: 'DE', fingerprint: randomBytes(8).toString('hex'), last4: BANK.last4, mandate: stripeId('mandate') }, type: 'sepa_debit' };
    const charge = {
      id,
      object: 'charge',
      amount: pi.amount,
      amount_captured: succeeded && pi.capture_method !== 'manual' ? pi.amount : 0,
      amount_refunded: 0,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: succeeded ? stripeId('txn') : null,
      billing_details: pm.billing_details,
      calculated_statement_descriptor: 'BOXOFFICE',
      captured: succeeded && pi.capture_method !== 'manual',
      created: nowSeconds(),
      currency: pi.currency,
      customer: null,
      description: pi.description,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: failure?.code ?? null,
      failure_message: failure?.message ?? null,
      fraud_details: {},
      livemode: false,
      metadata: clone(pi.metadata),
      on_behalf_of: null,
      outcome: failure
        ? { network_status: 'declined_by_network', reason: failure.decline_code ?? null, risk_level: 'normal', risk_score: 20, seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' }
        : { network_status: 'approved_by_network', reason: null, risk_level: 'normal', risk_score: 20, seller_message: 'Payment complete.', type: 'authorized' },
      paid: succeeded,
      payment_intent: pi.id,
      payment_method: pm.id,
      payment_method_details: details,
      receipt_email: pi.receipt_email,
      receipt_url: `${this.publicUrl}/receipts/${id}`,
      refunded: false,
      review: null,
      shipping: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status,
      transfer_data: null,
      transfer_group: null,
    };
    this.charges.set(id, charge);
    pi.latest_charge = id;
    return charge;
  },

  // One payment attempt with a card test method; throws the 402 a decline is.
  chargeCard(pi, pm, ctx) {
    const decline = pm._card?.decline;
    if (decline) {
      const charge = this.newCharge(pi, pm, 'failed', decline);
      pi.status = 'requires_payment_method';
      pi.payment_method = null; // Stripe detaches a declined method from the intent
      pi.last_payment_error = { charge: charge.id, ...decline, doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`, payment_method: clone(pm), type: 'card_error' };
      this.event('payment_intent.payment_failed', pi, ctx);
      throw new StripeError(402, { type: 'card_error', ...decline, charge: charge.id, payment_intent: clone(pi), payment_method: clone(pm) });
    }
    this.newCharge(pi, pm, 'succeeded');
    pi.payment_method = pm.id;
    pi.last_payment_error = null;
    if (pi.capture_method === 'manual') {
      pi.status = 'requires_capture';
      pi.amount_capturable = pi.amount;
      this.event('payment_intent.amount_capturable_updated', pi, ctx);
    } else {
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      this.event('payment_intent.succeeded', pi, ctx);
    }
  },

  amount(value, currency, param) {
    const n = P.integer(value, param, { min: 0 });
    if (n > STRIPE_MAXIMUM) throw P.invalidRequest(`Amount must be no more than ${formatMinor(STRIPE_MAXIMUM, currency, stripeExponent(currency))}`, { code: 'amount_too_large', param });
    return n;
  },

  minimum(total, currency, param, what = 'Amount') {
    const min = stripeMinimum(currency);
    if (total < min) {
      throw P.invalidRequest(`${what} must be at least ${formatMinor(min, currency, stripeExponent(currency))} ${currency}`, { code: 'amount_too_small', param });
    }
  },

  currency(value, param) {
    if (value === undefined) throw P.missingParam(param);
    const c = P.string(value, param).toLowerCase();
    if (!STRIPE_CURRENCIES.has(c)) throw P.invalidRequest(`Invalid currency: ${c}. Stripe currently supports these currencies: ${[...STRIPE_CURRENCIES].join(', ')}`, { param });
    return c;
  },

  createIntent(params, ctx) {
    P.checkKnown(params, INTENT_PARAMS);
    if (params.amount === undefined) throw P.missingParam('amount');
    const currency = this.currency(params.currency, 'currency');
    const amount = this.amount(params.amount, currency, 'amount');
    this.minimum(amount, currency, 'amount');
    const capture = params.capture_method === undefined ? 'automatic_async' : P.oneOf(params.capture_method, 'capture_method', ['automatic', 'automatic_async', 'manual']);
    const confirm = params.confirm === undefined ? false : P.boolean(params.confirm, 'confirm');
    let types = params.payment_method_types;
    if (types !== undefined) {
      types.forEach((t, i) => { if (t !== 'card') throw P.invalidRequest(`The payment method type "${t}" is invalid (the stand-in implements card only).`, { param: `payment_method_types[${i}]` }); });
    }
    let automatic = null;
    if (types === undefined) {
      // Since 2023-08-16 the default is "automatic payment methods", some of which redirect;
      // Stripe then wants a return_url to confirm, unless redirects are switched off.
      const apm = params.automatic_payment_methods || {};
      automatic = { allow_redirects: apm.allow_redirects ?? 'always', enabled: true };
      if (confirm && params.return_url === undefined && automatic.allow_redirects !== 'never' && ctx.version >= AUTOMATIC_PM_SINCE) {
        throw P.invalidRequest("This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.");
      }
      types = ['card'];
    }
    let pm = null;
    if (params.payment_method !== undefined) {
      pm = this.paymentMethod(P.string(params.payment_method, 'payment_method'));
      if (!pm) throw P.noSuch('PaymentMethod', params.payment_method, 'payment_method', 400);
    }
    if (confirm && !pm) {
      throw P.invalidRequest('You cannot confirm this PaymentIntent because it\'s missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.', { code: 'payment_intent_unexpected_state', param: 'payment_method' });
    }
    const pi = this.newIntent({
      amount, currency, captureMethod: capture, types, automatic,
      description: params.description === undefined ? null : P.string(params.description, 'description', { max: 1000 }),
      metadata: P.metadata(params.metadata),
      receiptEmail: params.receipt_email ?? null,
    });
    if (pm) {
      pi.payment_method = pm.id;
      pi.status = 'requires_confirmation';
    }
    if (confirm) this.chargeCard(pi, pm, ctx);
    return this.expand('payment_intent', pi, P.expandList(params.expand));
  },

  intent(id, param = 'intent', status = 404) {
    const pi = this.intents.get(id);
    if (!pi) throw P.noSuch('payment_intent', id, param, status);
    return pi;
  },

  getIntent(id, params) {
    P.checkKnown(params, { expand: 'array', client_secret: true });
    return this.expand('payment_intent', this.intent(id), P.expandList(params.expand));
  },

  confirmIntent(id, params, ctx) {
    P.checkKnown(params, { payment_method: true, return_url: true, expand: 'array' });
    const pi = this.intent(id);
    if (!['requires_payment_method', 'requires_confirmation'].includes(pi.status)) {
      throw P.invalidRequest(`This PaymentIntent's status is ${pi.status}, but it must be one of requires_payment_method, requires_confirmation to be confirmed.`, { code: 'payment_intent_unexpected_state', payment_intent: clone(pi) });
    }
    if (this.sessionOfIntent.has(id)) {
      throw P.invalidRequest('This PaymentIntent belongs to a Checkout Session and is confirmed by it.', { code: 'payment_intent_unexpected_state' });
    }
    const token = params.payment_method ?? pi.payment_method;
    if (!token) throw P.invalidRequest('You cannot confirm this PaymentIntent because it\'s missing a payment method.', { code: 'payment_intent_unexpected_state', param: 'payment_method' });
    const pm = this.paymentMethod(token);
    if (!pm) throw P.noSuch('PaymentMethod', token, 'payment_method', 400);
    this.chargeCard(pi, pm, ctx);
    return this.expand('payment_intent', pi, P.expandList(params.expand));
  },

  captureIntent(id, params, ctx) {
    P.checkKnown(params, { amount_to_capture: true, expand: 'array' });
    const pi = this.intent(id);
    if (pi.status !== 'requires_capture') {
      throw P.invalidRequest(`This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`, { code: 'payment_intent_unexpected_state', payment_intent: clone(pi) });
    }
    const amount = params.amount_to_capture === undefined ? pi.amount_capturable : P.integer(params.amount_to_capture, 'amount_to_capture', { min: 1 });
    if (amount > pi.amount_capturable) throw P.invalidRequest(`The amount to capture (${amount}) is greater than the amount capturable (${pi.amount_capturable}).`, { param: 'amount_to_capture' });
    const charge = this.charges.get(pi.latest_charge);
    charge.captured = true;
    charge.amount_captured = amount;
    pi.amount_received = amount;
    pi.amount_capturable = 0;
    pi.status = 'succeeded';
    this.event('payment_intent.succeeded', pi, ctx);
    return this.expand('payment_intent', pi, P.expandList(params.expand));
  },

  cancelIntent(id, params, ctx) {
    P.checkKnown(params, { cancellation_reason: true, expand: 'array' });
    const pi = this.intent(id);
    const cancellable = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
    if (!cancellable.includes(pi.status)) {
      throw P.invalidRequest(`You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${cancellable.join(', ')}.`, { code: 'payment_intent_unexpected_state', payment_intent: clone(pi) });
    }
    if (this.sessionOfIntent.has(id)) {
      throw P.invalidRequest('You cannot cancel this PaymentIntent because it belongs to a Checkout Session; expire the Checkout Session instead.', { code: 'payment_intent_unexpected_state' });
    }
    if (pi.status === 'requires_capture') {
      // The authorisation is released; Stripe shows the uncaptured charge as refunded.
      const charge = this.charges.get(pi.latest_charge);
      charge.refunded = true;
      pi.amount_capturable = 0;
    }
    pi.status = 'canceled';
    pi.canceled_at = nowSeconds();
    pi.cancellation_reason = params.cancellation_reason ?? null;
    this.event('payment_intent.canceled', pi, ctx);
    return this.expand('payment_intent', pi, P.expandList(params.expand));
  },

  searchIntents(params) {
    P.checkKnown(params, { query: true, limit: true, page: true, expand: 'array' });
    const parsed = parseQuery(params.query, { amount: 'number', created: 'number', currency: 'string', customer: 'string', status: 'string' });
    const limit = params.limit === undefined ? 10 : P.integer(params.limit, 'limit', { min: 1, max: 100 });
    let offset = 0;
    if (params.page !== undefined) {
      const m = /^page_([0-9]+)$/.exec(Buffer.from(String(params.page), 'base64url').toString());
      if (!m) throw P.invalidRequest('Invalid page token.', { param: 'page' });
      offset = Number(m[1]);
    }
    const hits = [...this.intents.values()].reverse().filter((pi) => matches(parsed, pi));
    const expand = P.expandList(params.expand).map((p) => p.replace(/^data\./, ''));
    const data = hits.slice(offset, offset + limit).map((pi) => this.expand('payment_intent', pi, expand));
    const more = hits.length > offset + limit;
    return {
      object: 'search_result',
      data,
      has_more: more,
      next_page: more ? Buffer.from(`page_${offset + limit}`).toString('base64url') : null,
      url: '/v1/payment_intents/search',
    };
  },

  getCharge(id, params) {
    P.checkKnown(params, { expand: 'array' });
    const ch = this.charges.get(id);
    if (!ch) throw P.noSuch('charge', id, 'id');
    return this.expand('charge', ch, P.expandList(params.expand));
  },

  createRefund(params, ctx) {
    P.checkKnown(params, { payment_intent: true, charge: true, amount: true, reason: true, metadata: 'hash', expand: 'array' });
    let charge;
    let pi;
    if (params.payment_intent !== undefined) {
      pi = this.intents.get(params.payment_intent);
      if (!pi) throw P.noSuch('payment_intent', params.payment_intent, 'payment_intent', 400);
      const latest = pi.latest_charge && this.charges.get(pi.latest_charge);
      if (!latest || latest.status !== 'succeeded' || !latest.captured) {
        throw P.invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, { code: 'payment_intent_unexpected_state', param: 'payment_intent' });
      }
      charge = latest;
      if (params.charge !== undefined && params.charge !== charge.id) throw P.invalidRequest('The charge and payment_intent parameters do not match.', { param: 'charge' });
    } else if (params.charge !== undefined) {
      charge = this.charges.get(params.charge);
      if (!charge) throw P.noSuch('charge', params.charge, 'charge', 400);
      if (charge.status !== 'succeeded' || !charge.captured) throw P.invalidRequest(`Charge ${charge.id} has not been captured or did not succeed; it cannot be refunded.`, { code: 'charge_not_refundable', param: 'charge' });
      pi = this.intents.get(charge.payment_intent);
    } else {
      throw P.invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', { code: 'parameter_missing' });
    }
    const left = charge.amount_captured - charge.amount_refunded;
    if (left <= 0) throw P.invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
    const amount = params.amount === undefined ? left : P.integer(params.amount, 'amount', { min: 1 });
    if (amount > left) {
      const exp = stripeExponent(charge.currency);
      throw P.invalidRequest(`Refund amount (${formatMinor(amount, charge.currency, exp)}) is greater than unrefunded amount on charge (${formatMinor(left, charge.currency, exp)})`, { param: 'amount' });
    }
    const reason = params.reason === undefined ? null : P.oneOf(params.reason, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer']);
    const refund = {
      id: stripeId('re'),
      object: 'refund',
      amount,
      balance_transaction: stripeId('txn'),
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      destination_details: charge.payment_method_details.type === 'card' ? { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' } : null,
      metadata: P.metadata(params.metadata),
      payment_intent: pi.id,
      reason,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    this.refunds.set(refund.id, refund);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded >= charge.amount_captured;
    this.event('charge.refunded', charge, ctx, previous);
    return this.expand('refund', refund, P.expandList(params.expand));
  },

  getRefund(id, params) {
    P.checkKnown(params, { expand: 'array' });
    const re = this.refunds.get(id);
    if (!re) throw P.noSuch('refund', id, 'id');
    return this.expand('refund', re, P.expandList(params.expand));
  },

  listEvents(params) {
    const { type, ...rest } = params;
    const rows = this.events.filter((e) => type === undefined || e.type === type);
    return this.list(rows, rest, '/v1/events', 'event');
  },

  getEvent(id, params) {
    P.checkKnown(params, { expand: 'array' });
    const evt = this.events.find((e) => e.id === id);
    if (!evt) throw P.noSuch('event', id, 'id');
    return clone(evt);
  },
};
