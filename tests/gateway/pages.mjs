// The pages a shopper is sent to: Stripe's hosted Checkout (`/c/pay/:id`) and PayPal's
// approval page (`/checkoutnow?token=`). Plain HTML, no JavaScript, one form per choice, so a
// browser test can click them and a curl user can POST them. Button labels are chosen so that
// none contains another ("Pay" is not inside any other label), which keeps Playwright's
// role-and-name lookups unambiguous.
import { escapeHtml as e } from './http.mjs';

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
.badge{display:inline-block;background:#ffde92;color:#5c3b00;font-size:.75rem;padding:.1rem .4rem;border-radius:.2rem}
table{width:100%;border-collapse:collapse;margin:1rem 0}td,th{padding:.3rem 0;text-align:left}
td.n,th.n{text-align:right}tfoot td{border-top:1px solid #ccc;font-weight:bold}
form{display:inline-block;margin:.25rem .25rem .25rem 0}button{font-size:1rem;padding:.5rem 1rem;cursor:pointer}
.error{color:#b00020;font-weight:bold}.note{color:#555;font-size:.9rem}`;

function layout(title, brand, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><header><strong>${e(brand)}</strong> <span class="badge">TEST MODE</span></header>
<main>
${body}
</main></body></html>
`;
}

const button = (action, value, label, hiddens = {}) => `<form method="post" action="${e(action)}">${
  Object.entries(hiddens).map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`).join('')
}<button type="submit" name="choice" value="${e(value)}">${e(label)}</button></form>`;

// items: [{ name, quantity, unit, total }] with money already formatted.
function itemsTable(items, total) {
  const rows = items.map((i) => `<tr><td>${e(i.name)}</td><td class="n">${e(i.quantity)}</td><td class="n">${e(i.unit)}</td><td class="n">${e(i.total)}</td></tr>`).join('\n');
  return `<table><thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Price</th><th class="n">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td colspan="3">Total</td><td class="n" id="total">${e(total)}</td></tr></tfoot></table>`;
}

export function stripeCheckoutPage({ id, status, paymentStatus, items, total, email, error, canCancel }) {
  const action = `/c/pay/${id}`;
  if (status === 'expired') {
    return layout('Checkout expired', 'Stripe Checkout', `<h1>This checkout session has expired</h1>
<p id="state" data-status="expired">The link you followed has expired. Return to the merchant's site to start again.</p>`);
  }
  if (status === 'complete') {
    const what = paymentStatus === 'paid' ? 'This checkout session is complete and paid.' : 'This checkout session is complete; the payment is being processed.';
    return layout('Checkout complete', 'Stripe Checkout', `<h1>Checkout complete</h1>
<p id="state" data-status="complete">${e(what)}</p>`);
  }
  return layout('Pay', 'Stripe Checkout', `<h1>Pay ${e(total)}</h1>
${email ? `<p class="note">Receipt to ${e(email)}</p>` : ''}
${itemsTable(items, total)}
${error ? `<p class="error" id="error" role="alert">${e(error)}</p>` : ''}
<div id="choices">
${button(action, 'pay', 'Pay')}
${button(action, 'decline', 'Decline')}
${button(action, 'bank_later_succeeds', 'Bank transfer, succeeds later')}
${button(action, 'bank_later_fails', 'Bank transfer, fails later')}
${canCancel ? button(action, 'cancel', 'Cancel') : ''}
</div>
<p class="note">Test mode: the first button pays with card 4242; the second is refused by the issuer and the page stays open; the bank transfers complete the session now and settle about a second later.</p>`);
}

export function paypalApprovalPage({ id, status, brand, units, total, canCancel }) {
  const action = `/checkoutnow?token=${encodeURIComponent(id)}`;
  if (status === 'COMPLETED' || status === 'VOIDED') {
    return layout('PayPal', brand || 'PayPal', `<h1>${status === 'COMPLETED' ? 'This order has already been paid' : 'This order is no longer available'}</h1>
<p id="state" data-status="${e(status)}">Return to the merchant's site.</p>`);
  }
  const rows = units.map((u) => ({ name: u.description || u.reference_id || 'Order', quantity: 1, unit: u.amount, total: u.amount }));
  return layout('PayPal Checkout', brand || 'PayPal', `<h1>Pay with PayPal</h1>
<p class="note">Signed in as the sandbox buyer.</p>
${itemsTable(rows, total)}
<div id="choices">
${button(action, 'approve', 'Approve')}
${button(action, 'approve_declined', 'Use a card that the capture declines')}
${canCancel ? button(action, 'cancel', 'Cancel') : ''}
</div>`);
}

export function approvedNoReturnPage() {
  return layout('PayPal', 'PayPal', '<h1>Approved</h1><p id="state" data-status="APPROVED">You can close this window.</p>');
}

export function notFoundPage(what) {
  return layout('Not found', 'Gateway stand-in', `<h1>Not found</h1><p>${e(what)}</p>`);
}

export function badChoicePage(choice) {
  return layout('Bad request', 'Gateway stand-in', `<h1>Bad request</h1><p>Unknown choice: ${e(choice)}</p>`);
}
