// PayPal's error bodies: `{name, message, debug_id, details:[{issue, description, field,
// value, location}], links}` for the REST APIs, and the OAuth-style `{error,
// error_description}` that the token endpoint and token checks answer with.

const MESSAGES = {
  INVALID_REQUEST: 'Request is not well-formed, syntactically incorrect, or violates schema.',
  UNPROCESSABLE_ENTITY: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
  RESOURCE_NOT_FOUND: 'The specified resource does not exist.',
  AUTHENTICATION_FAILURE: 'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
  UNSUPPORTED_MEDIA_TYPE: 'The server does not support the request payload’s media type.',
};

const DESCRIPTIONS = {
  MISSING_REQUIRED_PARAMETER: 'A required field / parameter is missing.',
  INVALID_PARAMETER_SYNTAX: 'The value of a field does not conform to the expected format.',
  INVALID_PARAMETER_VALUE: 'The value of a field is invalid.',
  INVALID_STRING_MAX_LENGTH: 'The value of a field is too long.',
  MALFORMED_REQUEST_JSON: 'The request JSON is not well formed.',
  DECIMAL_PRECISION: 'If the currency supports decimals, only two decimal place precision is supported.',
  CURRENCY_NOT_SUPPORTED: 'Currency code is not currently supported. Please refer https://developer.paypal.com/docs/api/reference/currency-codes/ for list of supported currency codes.',
  CANNOT_BE_ZERO_OR_NEGATIVE: 'Must be greater than zero. If the currency supports decimals, only two decimal place precision is supported.',
  REFERENCE_ID_REQUIRED: "'reference_id' is required for each 'purchase_unit' if multiple 'purchase_unit' are provided.",
  DUPLICATE_REFERENCE_ID: "'reference_id' must be unique if multiple 'purchase_unit' are provided.",
  INVALID_RESOURCE_ID: 'Specified resource ID does not exist. Please check the resource ID and try again.',
  ORDER_NOT_APPROVED: "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.",
  ORDER_ALREADY_CAPTURED: "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
  ORDER_COMPLETED_OR_VOIDED: 'Order is voided or completed and hence cannot be captured.',
  INSTRUMENT_DECLINED: "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.",
  DUPLICATE_INVOICE_ID: 'Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice Id be unique for each transaction.',
  REFUND_AMOUNT_EXCEEDED: 'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
  CAPTURE_FULLY_REFUNDED: 'The capture has already been fully refunded',
  CURRENCY_MISMATCH: 'The currency of the refund must be the same as the currency of the capture.',
  TRANSACTION_REFUSED: 'The request was refused.',
};

export class PayPalError extends Error {
  // details: [{ issue, field?, value?, location?, description? }]
  constructor(status, name, details = [], { message, links, raw } = {}) {
    super(message || MESSAGES[name] || name);
    this.status = status;
    this.name_ = name;
    this.details = details;
    this.links = links;
    this.raw = raw; // OAuth-style bodies ({error, error_description}) are not in the v2 shape
  }

  body(debug) {
    if (this.raw) return this.raw;
    const details = this.details.map((d) => ({ ...d, description: d.description ?? DESCRIPTIONS[d.issue] ?? d.issue }));
    return {
      name: this.name_,
      message: this.message,
      debug_id: debug,
      ...(details.length ? { details } : {}),
      links: this.links ?? details.map((d) => ({ href: `https://developer.paypal.com/docs/api/orders/v2/#error-${d.issue}`, rel: 'information_link', method: 'GET' })),
    };
  }
}

export const invalid = (issue, field, value) => new PayPalError(400, 'INVALID_REQUEST', [{ issue, field, ...(value !== undefined ? { value: String(value) } : {}), location: 'body' }]);
export const unprocessable = (issue, field, extra = {}) => new PayPalError(422, 'UNPROCESSABLE_ENTITY', [{ issue, ...(field ? { field, location: 'body' } : {}) }], extra);
export const notFound = (field, value) => new PayPalError(404, 'RESOURCE_NOT_FOUND', [{ issue: 'INVALID_RESOURCE_ID', field, value, location: 'path' }]);
