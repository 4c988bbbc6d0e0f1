// PayPal Orders v2: create (with PayPal's validation), get, the payer's choices on the
// approval page (also made through the control API), capture, and capture refunds; methods
// of PayPalGateway (mixed in by paypal.mjs).
import { redirect, html, addQuery, isoNow, ControlError } from './http.mjs';
import { paypalId, payerId } from './ids.mjs';
import { PAYPAL_CURRENCIES, paypalToMinor, minorToPaypal, paypalExponent, formatMinor } from './money.mjs';
import { PayPalError, invalid, unprocessable, notFound } from './paypal_errors.mjs';
import { paypalApprovalPage, approvedNoReturnPage, notFoundPage, badChoicePage } from './pages.mjs';

const clone = (o) => structuredClone(o);

function text(v, field, max) {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid('INVALID_PARAMETER_SYNTAX', field, v);
  if (v.length > max) throw invalid('INVALID_STRING_MAX_LENGTH', field, v);
  return v;
}

function money(amount, field) {
  if (amount === undefined || amount === null) throw invalid('MISSING_REQUIRED_PARAMETER', field);
  if (typeof amount !== 'object') throw invalid('INVALID_PARAMETER_SYNTAX', field, amount);
  const code = amount.currency_code;
  if (code === undefined) throw invalid('MISSING_REQUIRED_PARAMETER', `${field}/currency_code`);
  if (typeof code !== 'string' || !/^[A-Z]{3}$/.test(code)) throw invalid('INVALID_PARAMETER_SYNTAX', `${field}/currency_code`, code);
  if (!PAYPAL_CURRENCIES.has(code)) throw unprocessable('CURRENCY_NOT_SUPPORTED', `${field}/currency_code`);
  const value = amount.value;
  if (value === undefined) throw invalid('MISSING_REQUIRED_PARAMETER', `${field}/value`);
  // PayPal wants a string; a JSON number is a schema violation.
  if (typeof value !== 'string' || !/^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$/.test(value) || value.length > 32) {
    throw invalid('INVALID_PARAMETER_SYNTAX', `${field}/value`, value);
  }
  const minor = paypalToMinor(value, code);
  if (minor === null) throw unprocessable('DECIMAL_PRECISION', `${field}/value`);
  if (minor <= 0) throw unprocessable('CANNOT_BE_ZERO_OR_NEGATIVE', `${field}/value`);
  return { code, value, minor };
}

function url(v, field) {
  if (v === undefined) return null;
  let ok = false;
  try { ok = typeof v === 'string' && ['http:', 'https:'].includes(new URL(v).protocol); } catch { /* not a URL */ }
  if (!ok || v.length > 4000) throw invalid('INVALID_PARAMETER_SYNTAX', field, v);
  return v;
}

export const orders = {
  links(o) {
    const self = `${this.publicUrl}/v2/checkout/orders/${o.order.id}`;
    const approve = `${this.publicUrl}/checkoutnow?token=${o.order.id}`;
    const links = [{ href: self, rel: 'self', method: 'GET' }];
    const status = o.order.status;
    if (status === 'CREATED') links.push({ href: approve, rel: 'approve', method: 'GET' });
    if (status === 'PAYER_ACTION_REQUIRED') links.push({ href: approve, rel: 'payer-action', method: 'GET' });
    if (status === 'CREATED' || status === 'PAYER_ACTION_REQUIRED' || status === 'APPROVED') {
      if (status === 'CREATED' || status === 'APPROVED') links.push({ href: self, rel: 'update', method: 'PATCH' });
      links.push({ href: `${self}/capture`, rel: 'capture', method: 'POST' });
    }
    return links;
  },

  view(o) {
    return { ...clone(o.order), links: this.links(o) };
  },

  // Without `Prefer: return=representation` PayPal answers with the short form.
  short(o, req, extra = {}) {
    if (/return=representation/i.test(req.headers.prefer || '')) return this.view(o);
    const out = { id: o.order.id, status: o.order.status };
    if (o.order.payment_source) out.payment_source = clone(o.order.payment_source);
    Object.assign(out, extra);
    out.links = this.links(o);
    return out;
  },

  createOrder(req) {
    const b = this.jsonBody(req);
    if (b.intent === undefined) throw invalid('MISSING_REQUIRED_PARAMETER', '/intent');
    if (b.intent !== 'CAPTURE') {
      throw new PayPalError(400, 'INVALID_REQUEST', [{ issue: 'INVALID_PARAMETER_VALUE', field: '/intent', value: String(b.intent), location: 'body', description: b.intent === 'AUTHORIZE' ? 'The stand-in implements intent CAPTURE only.' : undefined }]);
    }
    if (!Array.isArray(b.purchase_units) || b.purchase_units.length === 0) throw invalid('MISSING_REQUIRED_PARAMETER', '/purchase_units');
    if (b.purchase_units.length > 10) throw invalid('INVALID_ARRAY_MAX_ITEMS', '/purchase_units');
    const many = b.purchase_units.length > 1;
    const seen = new Set();
    const units = b.purchase_units.map((u, i) => {
      const at = `/purchase_units/${i}`;
      if (u === null || typeof u !== 'object') throw invalid('INVALID_PARAMETER_SYNTAX', at);
      const ref = text(u.reference_id, `${at}/reference_id`, 256);
      if (many && ref === undefined) throw unprocessable('REFERENCE_ID_REQUIRED', `${at}/reference_id`);
      const reference = ref ?? 'default';
      if (seen.has(reference)) throw unprocessable('DUPLICATE_REFERENCE_ID', `${at}/reference_id`);
      seen.add(reference);
      const amount = money(u.amount, `${at}/amount`);
      const unit = {
        reference_id: reference,
        amount: { currency_code: amount.code, value: amount.value },
        payee: { email_address: 'sb-merchant@business.example.com', merchant_id: 'STANDINMERCH1' },
      };
      const description = text(u.description, `${at}/description`, 127);
      const custom = text(u.custom_id, `${at}/custom_id`, 127);
      const invoice = text(u.invoice_id, `${at}/invoice_id`, 127);
      const soft = text(u.soft_descriptor, `${at}/soft_descriptor`, 22);
      if (description !== undefined) unit.description = description;
      if (custom !== undefined) unit.custom_id = custom;
      if (invoice !== undefined) unit.invoice_id = invoice;
      if (soft !== undefined) unit.soft_descriptor = soft;
      return unit;
    });
    // Where the shopper goes after the approval page: payment_source.paypal.experience_context
    // (current) or application_context (deprecated, still accepted by PayPal).
    let ctx = {};
    let source = null;
    if (b.payment_source !== undefined) {
      if (typeof b.payment_source !== 'object' || b.payment_source === null || typeof b.payment_source.paypal !== 'object' || b.payment_source.paypal === null) {
        throw invalid('INVALID_PARAMETER_SYNTAX', '/payment_source', undefined);
      }
      ctx = b.payment_source.paypal.experience_context || {};
      source = { paypal: {} };
    } else if (b.application_context !== undefined) {
      ctx = b.application_context || {};
    }
    const where = source ? '/payment_source/paypal/experience_context' : '/application_context';
    const returnUrl = url(ctx.return_url, `${where}/return_url`);
    const cancelUrl = url(ctx.cancel_url, `${where}/cancel_url`);
    const brand = text(ctx.brand_name, `${where}/brand_name`, 127);
    if (ctx.user_action !== undefined && !['CONTINUE', 'PAY_NOW'].includes(ctx.user_action)) throw invalid('INVALID_PARAMETER_VALUE', `${where}/user_action`, ctx.user_action);
    if (ctx.shipping_preference !== undefined && !['GET_FROM_FILE', 'NO_SHIPPING', 'SET_PROVIDED_ADDRESS'].includes(ctx.shipping_preference)) {
      throw invalid('INVALID_PARAMETER_VALUE', `${where}/shipping_preference`, ctx.shipping_preference);
    }
    const id = paypalId();
    const status = source ? 'PAYER_ACTION_REQUIRED' : 'CREATED';
    const order = { id, intent: 'CAPTURE', status, purchase_units: units, create_time: isoNow() };
    if (source) order.payment_source = source;
    const o = { order, initialStatus: status, declineCapture: false, returnUrl, cancelUrl, brand: brand ?? null };
    this.orders.set(id, o);
    return { status: 201, body: this.short(o, req) };
  },

  order(id) {
    const o = this.orders.get(id);
    if (!o) throw notFound('order_id', id);
    return o;
  },

  getOrder(id) {
    return { body: this.view(this.order(id)) };
  },

  // The payer's choice on the approval page (or the control API's stand-in for it).
  choose(id, choice) {
    const o = this.orders.get(id);
    if (!o) throw new ControlError(404, `No such order: ${id}`);
    if (!['approve', 'approve_declined', 'cancel', 'void'].includes(choice)) throw new ControlError(400, `Unknown choice: ${choice}`);
    const status = o.order.status;
    if (status === 'COMPLETED' || status === 'VOIDED') throw new ControlError(409, `This order is ${status}.`);
    if (choice === 'cancel') {
      return { redirect: o.cancelUrl ? addQuery(o.cancelUrl, { token: id }) : null, order: this.view(o) };
    }
    if (choice === 'void') {
      o.order.status = 'VOIDED';
      o.order.update_time = isoNow();
      return { redirect: null, order: this.view(o) };
    }
    if (status !== 'APPROVED') {
      const payer = payerId();
      o.order.status = 'APPROVED';
      o.order.update_time = isoNow();
      o.order.payer = { name: { given_name: 'John', surname: 'Doe' }, email_address: 'sb-buyer@personal.example.com', payer_id: payer, address: { country_code: 'US' } };
      o.order.payment_source = { paypal: { email_address: 'sb-buyer@personal.example.com', account_id: payer, account_status: 'VERIFIED', name: { given_name: 'John', surname: 'Doe' }, address: { country_code: 'US' } } };
      o.declineCapture = choice === 'approve_declined';
      this.event('CHECKOUT.ORDER.APPROVED', 'checkout-order', `An order has been approved by buyer`, this.view(o));
    } else if (choice === 'approve_declined') {
      o.declineCapture = true;
    }
    const redirectTo = o.returnUrl ? addQuery(o.returnUrl, { token: id, PayerID: o.order.payer.payer_id }) : null;
    return { redirect: redirectTo, order: this.view(o) };
  },

  // GET/POST /checkoutnow?token=ID
  page(req) {
    const query = new URLSearchParams(req.rawQuery);
    const form = req.method === 'POST' ? new URLSearchParams(req.body.toString('utf8')) : new URLSearchParams();
    const id = query.get('token') || form.get('token') || '';
    const o = this.orders.get(id);
    if (!o) return html(404, notFoundPage('No such order.'));
    if (req.method === 'POST') {
      const choice = form.get('choice') || '';
      if (choice === 'void') return html(400, badChoicePage(choice));
      try {
        const { redirect: to } = this.choose(id, choice);
        if (to) return redirect(to);
        if (choice !== 'cancel') return html(200, approvedNoReturnPage());
      } catch (err) {
        if (!(err instanceof ControlError)) throw err;
        if (err.status === 400) return html(400, badChoicePage(choice));
      }
    }
    const units = o.order.purchase_units;
    const code = units[0].amount.currency_code;
    const fmt = (minor, c) => formatMinor(minor, c, paypalExponent(c));
    const total = units.reduce((s, u) => s + paypalToMinor(u.amount.value, u.amount.currency_code), 0);
    return html(200, paypalApprovalPage({
      id,
      status: o.order.status,
      brand: o.brand,
      units: units.map((u) => ({ ...u, amount: fmt(paypalToMinor(u.amount.value, u.amount.currency_code), u.amount.currency_code) })),
      total: fmt(total, code),
      canCancel: Boolean(o.cancelUrl),
    }), { 'Cache-Control': 'no-store' });
  },

  captureOrder(id, req) {
    this.jsonBody(req, { optional: true });
    const o = this.order(id);
    const status = o.order.status;
    if (status === 'COMPLETED') throw unprocessable('ORDER_ALREADY_CAPTURED');
    if (status === 'VOIDED') throw unprocessable('ORDER_COMPLETED_OR_VOIDED');
    if (status !== 'APPROVED') throw unprocessable('ORDER_NOT_APPROVED');
    const now = isoNow();
    const makeCapture = (u, state) => {
      const cid = paypalId();
      const minor = paypalToMinor(u.amount.value, u.amount.currency_code);
      const code = u.amount.currency_code;
      const fee = Math.min(minor, Math.round(minor * 0.0349) + (paypalExponent(code) ? 49 : 0));
      const capture = {
        id: cid,
        status: state,
        amount: clone(u.amount),
        final_capture: true,
        seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
        ...(state === 'COMPLETED' ? {
          seller_receivable_breakdown: {
            gross_amount: clone(u.amount),
            paypal_fee: { currency_code: code, value: minorToPaypal(fee, code) },
            net_amount: { currency_code: code, value: minorToPaypal(minor - fee, code) },
          },
        } : { status_details: { reason: 'DECLINED_BY_RISK_FRAUD_FILTERS' } }),
        ...(u.custom_id !== undefined ? { custom_id: u.custom_id } : {}),
        ...(u.invoice_id !== undefined ? { invoice_id: u.invoice_id } : {}),
        links: [
          { href: `${this.publicUrl}/v2/payments/captures/${cid}`, rel: 'self', method: 'GET' },
          { href: `${this.publicUrl}/v2/payments/captures/${cid}/refund`, rel: 'refund', method: 'POST' },
          { href: `${this.publicUrl}/v2/checkout/orders/${id}`, rel: 'up', method: 'GET' },
        ],
        create_time: now,
        update_time: now,
      };
      this.captures.set(cid, { capture, orderId: id, referenceId: u.reference_id, minor, refundedMinor: 0 });
      return capture;
    };
    if (o.declineCapture) {
      // The funding source fails at capture: PayPal answers INSTRUMENT_DECLINED and the payer
      // has to approve again (with another source), so the order is no longer approved.
      for (const u of o.order.purchase_units) {
        const c = makeCapture(u, 'DECLINED');
        this.event('PAYMENT.CAPTURE.DENIED', 'capture', `Payment denied for ${u.amount.value} ${u.amount.currency_code}`, this.captureResource(c, id));
      }
      o.declineCapture = false;
      o.order.status = o.initialStatus;
      delete o.order.payer;
      o.order.update_time = now;
      throw unprocessable('INSTRUMENT_DECLINED', null, {
        links: [
          { href: `${this.publicUrl}/checkoutnow?token=${id}`, rel: 'redirect', method: 'GET' },
          { href: 'https://developer.paypal.com/docs/api/orders/v2/#error-INSTRUMENT_DECLINED', rel: 'information_link', method: 'GET' },
        ],
      });
    }
    for (const u of o.order.purchase_units) {
      if (u.invoice_id === undefined) continue;
      for (const c of this.captures.values()) {
        if (c.orderId !== id && c.capture.invoice_id === u.invoice_id && c.capture.status !== 'DECLINED') throw unprocessable('DUPLICATE_INVOICE_ID');
      }
    }
    const captured = o.order.purchase_units.map((u) => {
      const c = makeCapture(u, 'COMPLETED');
      u.payments = { captures: [c] };
      return c;
    });
    o.order.status = 'COMPLETED';
    o.order.update_time = now;
    for (const c of captured) {
      this.event('PAYMENT.CAPTURE.COMPLETED', 'capture', `Payment completed for ${c.amount.value} ${c.amount.currency_code}`, this.captureResource(c, id));
    }
    const view = this.view(o);
    if (/return=representation/i.test(req.headers.prefer || '')) return { status: 201, body: view };
    return {
      status: 201,
      body: {
        id,
        status: 'COMPLETED',
        payment_source: view.payment_source,
        purchase_units: view.purchase_units.map((u) => ({ reference_id: u.reference_id, payments: u.payments })),
        payer: view.payer,
        links: [{ href: `${this.publicUrl}/v2/checkout/orders/${id}`, rel: 'self', method: 'GET' }],
      },
    };
  },

  captureResource(capture, orderId) {
    return { ...clone(capture), supplementary_data: { related_ids: { order_id: orderId } } };
  },

  getCapture(id) {
    const c = this.captures.get(id);
    if (!c) throw notFound('capture_id', id);
    return { body: this.captureResource(c.capture, c.orderId) };
  },

  refundCapture(id, req) {
    const b = this.jsonBody(req, { optional: true });
    const c = this.captures.get(id);
    if (!c) throw notFound('capture_id', id);
    if (c.capture.status === 'DECLINED') throw unprocessable('TRANSACTION_REFUSED');
    const code = c.capture.amount.currency_code;
    const left = c.minor - c.refundedMinor;
    if (left <= 0) throw unprocessable('CAPTURE_FULLY_REFUNDED');
    let minor = left;
    if (b.amount !== undefined) {
      const amt = money(b.amount, '/amount');
      if (amt.code !== code) throw unprocessable('CURRENCY_MISMATCH', '/amount/currency_code');
      minor = amt.minor;
      if (minor > left) throw unprocessable('REFUND_AMOUNT_EXCEEDED', '/amount/value');
    }
    const rid = paypalId();
    const now = isoNow();
    const amount = { currency_code: code, value: minorToPaypal(minor, code) };
    c.refundedMinor += minor;
    const refund = {
      id: rid,
      amount,
      seller_payable_breakdown: {
        gross_amount: amount,
        net_amount: amount,
        total_refunded_amount: { currency_code: code, value: minorToPaypal(c.refundedMinor, code) },
      },
      ...(c.capture.invoice_id !== undefined ? { invoice_id: c.capture.invoice_id } : {}),
      ...(c.capture.custom_id !== undefined ? { custom_id: c.capture.custom_id } : {}),
      ...(typeof b.note_to_payer === 'string' ? { note_to_payer: b.note_to_payer } : {}),
      status: 'COMPLETED',
      create_time: now,
      update_time: now,
      links: [
        { href: `${this.publicUrl}/v2/payments/refunds/${rid}`, rel: 'self', method: 'GET' },
        { href: `${this.publicUrl}/v2/payments/captures/${id}`, rel: 'up', method: 'GET' },
      ],
    };
    this.refunds.set(rid, { refund, captureId: id, orderId: c.orderId, minor });
    c.capture.status = c.refundedMinor >= c.minor ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    c.capture.update_time = now;
    this.event('PAYMENT.CAPTURE.REFUNDED', 'refund', `A ${amount.value} ${code} capture payment was refunded`, clone(refund));
    if (/return=representation/i.test(req.headers.prefer || '')) return { status: 201, body: clone(refund) };
    return { status: 201, body: { id: rid, status: 'COMPLETED', amount, links: clone(refund.links) } };
  },

  getRefund(id) {
    const r = this.refunds.get(id);
    if (!r) throw notFound('refund_id', id);
    return { body: clone(r.refund) };
  },
};
