// Stripe Checkout: Sessions, their expiry, the hosted page's choices (also made through the
// control API) and delayed payments; methods of StripeGateway (mixed in by stripe.mjs).
import * as P from './stripe_params.mjs';
import { StripeError } from './stripe_params.mjs';
import { redirect, html, nowSeconds, ControlError } from './http.mjs';
import { stripeId, checkoutSessionId } from './ids.mjs';
import { stripeExponent, formatMinor } from './money.mjs';
import { stripeCheckoutPage, notFoundPage, badChoicePage } from './pages.mjs';

const clone = (o) => structuredClone(o);

const SESSION_PARAMS = {
  mode: true, success_url: true, cancel_url: true, client_reference_id: true, customer_email: true,
  expires_at: true, metadata: 'hash', locale: true, submit_type: true, payment_method_types: 'array', expand: 'array',
  line_items: { quantity: true, price_data: { currency: true, unit_amount: true, tax_behavior: true, product_data: { name: true, description: true, images: 'array', metadata: 'hash' } } },
  payment_intent_data: { metadata: 'hash', description: true, receipt_email: true, statement_descriptor: true, statement_descriptor_suffix: true },
};

// A new Checkout Session with every field Stripe's has, most of them at their defaults.
function sessionObject({ id, now, total, currency, types, expiresAt, email, ref, successUrl, cancelUrl, url, metadata, locale, submitType }) {
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: total,
    amount_total: total,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: null,
    cancel_url: cancelUrl,
    client_reference_id: ref,
    client_secret: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_creation: 'if_required',
    customer_details: email ? { address: null, email, name: null, phone: null, tax_exempt: 'none', tax_ids: null } : null,
    customer_email: email,
    expires_at: expiresAt,
    invoice: null,
    invoice_creation: { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } },
    livemode: false,
    locale,
    metadata,
    mode: 'payment',
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: types,
    payment_status: 'unpaid',
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_details: null,
    shipping_options: [],
    status: 'open',
    submit_type: submitType,
    subscription: null,
    success_url: successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url,
  };
}

export const checkout = {
  // line_items[N][price_data][...] and [quantity] -> Stripe's line item objects (the
  // stand-in takes inline price_data only, not Price ids).
  parseLineItems(items, now) {
    if (items === undefined) throw P.missingParam('line_items');
    if (!Array.isArray(items) || items.length === 0) throw P.invalidRequest('Invalid array', { param: 'line_items' });
    if (items.length > 100) throw P.invalidRequest('You can have at most 100 line items.', { param: 'line_items' });
    let currency = null;
    return items.map((li, i) => {
      const at = `line_items[${i}]`;
      if (li.price_data === undefined) throw P.invalidRequest(`You must specify either \`price\` or \`price_data\` in ${at} (the stand-in implements price_data).`, { param: `${at}[price_data]` });
      const pd = li.price_data;
      const cur = this.currency(pd.currency, `${at}[price_data][currency]`);
      if (currency && cur !== currency) throw P.invalidRequest('All line items must have the same currency.', { param: `${at}[price_data][currency]` });
      currency = cur;
      if (pd.unit_amount === undefined) throw P.missingParam(`${at}[price_data][unit_amount]`);
      const unit = this.amount(pd.unit_amount, cur, `${at}[price_data][unit_amount]`);
      if (pd.product_data?.name === undefined) throw P.missingParam(`${at}[price_data][product_data][name]`);
      const name = P.string(pd.product_data.name, `${at}[price_data][product_data][name]`, { max: 250 });
      if (li.quantity === undefined) throw P.missingParam(`${at}[quantity]`);
      const quantity = P.integer(li.quantity, `${at}[quantity]`, { min: 1, max: 999999 });
      const total = unit * quantity;
      return {
        id: stripeId('li'),
        object: 'item',
        amount_discount: 0,
        amount_subtotal: total,
        amount_tax: 0,
        amount_total: total,
        currency: cur,
        description: name,
        price: {
          id: stripeId('price'), object: 'price', active: false, billing_scheme: 'per_unit', created: now, currency: cur,
          custom_unit_amount: null, livemode: false, lookup_key: null, metadata: {}, nickname: null, product: stripeId('prod'),
          recurring: null, tax_behavior: pd.tax_behavior ?? 'unspecified', tiers_mode: null, transform_quantity: null,
          type: 'one_time', unit_amount: unit, unit_amount_decimal: String(unit),
        },
        quantity,
      };
    });
  },

  createSession(params, ctx) {
    P.checkKnown(params, SESSION_PARAMS);
    if (params.mode === undefined) throw P.missingParam('mode');
    if (params.mode !== 'payment') {
      throw P.invalidRequest(`Invalid mode: the stand-in implements only mode=payment, not ${params.mode}`, { param: 'mode' });
    }
    if (params.success_url === undefined) throw P.missingParam('success_url');
    const successUrl = P.url(params.success_url, 'success_url');
    const cancelUrl = params.cancel_url === undefined ? null : P.url(params.cancel_url, 'cancel_url');
    const now = nowSeconds();
    let expiresAt = now + 24 * 3600;
    if (params.expires_at !== undefined) {
      expiresAt = P.integer(params.expires_at, 'expires_at');
      // Stripe: "The value must be between 30 minutes and 24 hours after the current time".
      if (expiresAt < now + 30 * 60) throw P.invalidRequest('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', { param: 'expires_at' });
      if (expiresAt > now + 24 * 3600) throw P.invalidRequest('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', { param: 'expires_at' });
    }
    const email = params.customer_email === undefined ? null : P.string(params.customer_email, 'customer_email', { max: 512 });
    if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw P.invalidRequest(`Invalid email address: ${email}`, { code: 'email_invalid', param: 'customer_email' });
    const ref = params.client_reference_id === undefined ? null : P.string(params.client_reference_id, 'client_reference_id', { max: 200 });
    const types = params.payment_method_types === undefined ? ['card'] : params.payment_method_types;
    for (const [i, t] of types.entries()) if (t !== 'card') throw P.invalidRequest(`The payment method type "${t}" is invalid (the stand-in implements card only).`, { param: `payment_method_types[${i}]` });

    const lineItems = this.parseLineItems(params.line_items, now);
    const currency = lineItems[0].currency;
    const total = lineItems.reduce((s, li) => s + li.amount_total, 0);
    this.minimum(total, currency, 'line_items', "The Checkout Session's total amount due");
    const pid = params.payment_intent_data || {};
    const id = checkoutSessionId();
    const obj = sessionObject({
      id, now, total, currency, types, expiresAt, email, ref, successUrl, cancelUrl,
      url: `${this.publicUrl}/c/pay/${id}`,
      metadata: P.metadata(params.metadata),
      locale: params.locale ?? null,
      submitType: params.submit_type ?? null,
    });
    const s = {
      obj,
      lineItems,
      piData: {
        metadata: P.metadata(pid.metadata, 'payment_intent_data[metadata]'),
        description: pid.description === undefined ? null : P.string(pid.description, 'payment_intent_data[description]', { max: 1000 }),
        receiptEmail: pid.receipt_email ?? null,
      },
      asyncOutcome: null,
      asyncTimer: null,
    };
    this.sessions.set(id, s);
    s.expiryTimer = this.later(expiresAt * 1000 - Date.now() + 50, () => this.refresh(s));
    return this.expand('checkout.session', obj, P.expandList(params.expand));
  },

  session(id, param = 'session', status = 404) {
    const s = this.sessions.get(id);
    if (!s) throw P.noSuch('checkout.session', id, param, status);
    this.refresh(s);
    return s;
  },

  // Sessions expire lazily on access as well as by timer, so a stopped clock (a suspended
  // process) cannot keep one open past its expires_at.
  refresh(s) {
    if (s.obj.status === 'open' && nowSeconds() >= s.obj.expires_at) this.expire(s, null);
  },

  expire(s, ctx) {
    s.obj.status = 'expired';
    s.obj.url = null;
    this.cancelTimer(s.expiryTimer);
    const pi = s.obj.payment_intent && this.intents.get(s.obj.payment_intent);
    if (pi && pi.status === 'requires_payment_method') {
      // An expired session's unfinished PaymentIntent is canceled with it.
      pi.status = 'canceled';
      pi.canceled_at = nowSeconds();
      pi.cancellation_reason = 'abandoned';
      this.event('payment_intent.canceled', pi, ctx);
    }
    this.event('checkout.session.expired', s.obj, ctx);
  },

  getSession(id, params) {
    P.checkKnown(params, { expand: 'array' });
    return this.expand('checkout.session', this.session(id).obj, P.expandList(params.expand));
  },

  listSessions(params) {
    P.checkKnown(params, { limit: true, starting_after: true, ending_before: true, expand: 'array', payment_intent: true, status: true, customer: true });
    for (const s of this.sessions.values()) this.refresh(s);
    const rows = [...this.sessions.values()].map((s) => s.obj)
      .filter((o) => (params.payment_intent === undefined || o.payment_intent === params.payment_intent) &&
        (params.status === undefined || o.status === params.status) && (params.customer === undefined || o.customer === params.customer));
    const { payment_intent, status, customer, ...rest } = params;
    return this.list(rows, rest, '/v1/checkout/sessions', 'checkout.session');
  },

  lineItemList(id, params) {
    const s = this.sessions.get(id);
    const limit = params.limit === undefined ? 10 : P.integer(params.limit, 'limit', { min: 1, max: 100 });
    return { object: 'list', data: clone(s.lineItems.slice(0, limit)), has_more: s.lineItems.length > limit, url: `/v1/checkout/sessions/${id}/line_items` };
  },

  listLineItems(id, params) {
    P.checkKnown(params, { limit: true, starting_after: true, ending_before: true, expand: 'array' });
    this.session(id);
    return this.lineItemList(id, params);
  },

  expireSession(id, params, ctx) {
    P.checkKnown(params, { expand: 'array' });
    const s = this.session(id);
    if (s.obj.status !== 'open') {
      throw P.invalidRequest(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.obj.status}".`, { code: 'checkout_session_not_open' });
    }
    this.expire(s, ctx);
    return this.expand('checkout.session', s.obj, P.expandList(params.expand));
  },

  // The shopper's choice on the hosted page (or the control API's stand-in for it).
  // -> { redirect, session } ; throws ControlError when the session is not open.
  choose(id, choice) {
    const s = this.sessions.get(id);
    if (!s) throw new ControlError(404, `No such checkout.session: '${id}'`);
    this.refresh(s);
    if (!['pay', 'decline', 'bank_later_succeeds', 'bank_later_fails', 'cancel'].includes(choice)) {
      throw new ControlError(400, `Unknown choice: ${choice}`);
    }
    if (s.obj.status !== 'open') throw new ControlError(409, `This checkout session is ${s.obj.status}.`);
    const page = `${this.publicUrl}/c/pay/${id}`;
    const success = s.obj.success_url.replace(/\{CHECKOUT_SESSION_ID\}/g, id);
    if (choice === 'cancel') return { redirect: s.obj.cancel_url ?? page, session: clone(s.obj) };

    const pi = this.sessionIntent(s);
    if (choice === 'pay' || choice === 'decline') {
      const pm = this.paymentMethod(choice === 'pay' ? 'pm_card_visa' : 'pm_card_chargeDeclined');
      try {
        this.chargeCard(pi, pm, null);
      } catch (err) {
        if (!(err instanceof StripeError) || err.status !== 402) throw err;
        return { redirect: `${page}?error=card_declined`, session: clone(s.obj) };
      }
      this.complete(s, 'paid');
      return { redirect: success, session: clone(s.obj) };
    }
    // A delayed-notification method: the session completes unpaid now, and the money
    // arrives (or does not) later.
    const pm = this.bankMethod();
    this.newCharge(pi, pm, 'pending');
    pi.payment_method = pm.id;
    pi.status = 'processing';
    pi.last_payment_error = null;
    if (!pi.payment_method_types.includes('sepa_debit')) pi.payment_method_types = [...pi.payment_method_types, 'sepa_debit'];
    this.event('payment_intent.processing', pi, null);
    this.complete(s, 'unpaid');
    s.asyncOutcome = choice === 'bank_later_succeeds' ? 'succeeded' : 'failed';
    s.asyncTimer = this.later(this.asyncDelayMs, () => this.settle(id, s.asyncOutcome));
    return { redirect: success, session: clone(s.obj) };
  },

  sessionIntent(s) {
    if (s.obj.payment_intent) return this.intents.get(s.obj.payment_intent);
    const pi = this.newIntent({
      amount: s.obj.amount_total,
      currency: s.obj.currency,
      description: s.piData.description,
      metadata: clone(s.piData.metadata),
      receiptEmail: s.piData.receiptEmail ?? s.obj.customer_email,
      types: [...s.obj.payment_method_types],
    });
    s.obj.payment_intent = pi.id;
    this.sessionOfIntent.set(pi.id, s.obj.id);
    return pi;
  },

  complete(s, paymentStatus) {
    this.cancelTimer(s.expiryTimer);
    s.obj.status = 'complete';
    s.obj.payment_status = paymentStatus;
    s.obj.url = null; // Stripe keeps the URL only while the session is open
    s.obj.customer_details = { address: null, email: s.obj.customer_email ?? 'shopper@example.com', name: 'Test Shopper', phone: null, tax_exempt: 'none', tax_ids: [] };
    this.event('checkout.session.completed', s.obj, null);
  },

  // The delayed payment's outcome (after asyncDelayMs, or at once through the control API).
  settle(id, outcome) {
    const s = this.sessions.get(id);
    if (!s) throw new ControlError(404, `No such checkout.session: '${id}'`);
    if (!['succeeded', 'failed'].includes(outcome)) throw new ControlError(400, 'outcome must be succeeded or failed');
    if (!s.asyncOutcome) throw new ControlError(409, 'This checkout session has no delayed payment waiting to settle.');
    this.cancelTimer(s.asyncTimer);
    s.asyncOutcome = null;
    const pi = this.intents.get(s.obj.payment_intent);
    const charge = this.charges.get(pi.latest_charge);
    if (outcome === 'succeeded') {
      charge.status = 'succeeded';
      charge.paid = true;
      charge.captured = true;
      charge.amount_captured = charge.amount;
      charge.balance_transaction = stripeId('txn');
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      s.obj.payment_status = 'paid';
      this.event('payment_intent.succeeded', pi, null);
      this.event('checkout.session.async_payment_succeeded', s.obj, null);
    } else {
      charge.status = 'failed';
      charge.failure_code = 'insufficient_funds';
      charge.failure_message = 'The bank account has insufficient funds to complete the purchase.';
      pi.status = 'requires_payment_method';
      pi.last_payment_error = { charge: charge.id, code: 'insufficient_funds', message: charge.failure_message, payment_method: clone(this.methods.get(pi.payment_method)), type: 'invalid_request_error' };
      pi.payment_method = null;
      this.event('payment_intent.payment_failed', pi, null);
      this.event('checkout.session.async_payment_failed', s.obj, null);
    }
    return { session: clone(s.obj) };
  },

  expireNow(id) {
    const s = this.sessions.get(id);
    if (!s) throw new ControlError(404, `No such checkout.session: '${id}'`);
    this.refresh(s);
    if (s.obj.status !== 'open') throw new ControlError(409, `This checkout session is ${s.obj.status}.`);
    this.expire(s, null);
    return { session: clone(s.obj) };
  },

  // GET/POST /c/pay/:id
  page(req, id) {
    const s = this.sessions.get(id);
    if (!s) return html(404, notFoundPage('No such checkout session.'));
    if (req.method === 'POST') {
      const choice = new URLSearchParams(req.body.toString('utf8')).get('choice') || '';
      try {
        return redirect(this.choose(id, choice).redirect);
      } catch (err) {
        if (!(err instanceof ControlError)) throw err;
        if (err.status === 400) return html(400, badChoicePage(choice));
        // Not open any more (completed or expired meanwhile): show it as it is now.
      }
    }
    this.refresh(s);
    const exp = stripeExponent(s.obj.currency);
    const fmt = (n) => formatMinor(n, s.obj.currency, exp);
    const error = new URLSearchParams(req.rawQuery).get('error') === 'card_declined' ? 'Your card was declined.' : null;
    return html(200, stripeCheckoutPage({
      id,
      status: s.obj.status,
      paymentStatus: s.obj.payment_status,
      items: s.lineItems.map((li) => ({ name: li.description, quantity: li.quantity, unit: fmt(li.price.unit_amount), total: fmt(li.amount_total) })),
      total: fmt(s.obj.amount_total),
      email: s.obj.customer_email,
      error,
      canCancel: true,
    }), { 'Cache-Control': 'no-store' });
  },
};
