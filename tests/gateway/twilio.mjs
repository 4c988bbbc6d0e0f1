// The Twilio subset: sending an SMS through the 2010-04-01 Messages API, as Boxoffice's
// notifier does — HTTP basic auth with AccountSid:AuthToken, a form-encoded body, a Message
// resource back (201) or an error in Twilio's shape — and the record of every message accepted
// (the SMS ledger, read and cleared through the control API).
//
// Twilio has no idempotency keys for its REST API: a POST retried after a lost answer sends
// the SMS again. The stand-in does the same; the ledger holds every accepted POST, so a test
// sees such a duplicate instead of having it hidden.
import { randomBytes } from 'node:crypto';
import { json, basicAuth, decodeSegment } from './http.mjs';

const API = '/2010-04-01';
export const MAX_BODY_CHARS = 1600;
const E164 = /^\+[1-9]\d{1,14}$/;
const SHORT_CODE = /^\d{5,6}$/;
// An alphanumeric sender ID: up to 11 letters, digits and spaces, at least one letter.
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const SERVICE_SID = /^MG[0-9a-f]{32}$/;

const hex = (bytes) => randomBytes(bytes).toString('hex');
export const messageSid = () => `SM${hex(16)}`;
const twilioRequestId = () => `RQ${hex(16)}`;

// RFC 2822, as Twilio writes its dates: "Wed, 02 Dec 2026 14:44:55 +0000".
export const rfc2822 = (date = new Date()) => date.toUTCString().replace(/GMT$/, '+0000');

// GSM 03.38: the default alphabet (one septet each) and its extension table (two: escape +
// char). A body entirely in them goes as GSM-7 (160 a segment, 153 when concatenated);
// anything else as UCS-2 (70, or 67 in UTF-16 code units).
const GSM_BASIC = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export function segments(body) {
  let septets = 0;
  for (const ch of body) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXTENDED.has(ch)) septets += 2;
    else return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

export class TwilioError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  body() {
    return { code: this.code, message: this.message, more_info: `https://www.twilio.com/docs/errors/${this.code}`, status: this.status };
  }
}

const unauthenticated = (message) => new TwilioError(401, 20003, message, { 'WWW-Authenticate': 'Basic realm="Twilio API"' });

export class TwilioGateway {
  constructor({ accountSid, authToken, log = () => {} }) {
    this.accountSid = accountSid;
    this.authToken = authToken;
    this.log = log;
    this.reset();
  }

  reset() {
    this.messages = []; // accepted Message resources with their request, oldest first
  }

  static owns(path) {
    return path.startsWith(`${API}/`);
  }

  static ROUTES = [
    ['POST', /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/, 'createMessage'],
    ['GET', /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/, 'getMessage'],
  ];

  // req: { method, path, headers, body (Buffer), requestId } -> reply
  handle(req) {
    const headers = { 'Twilio-Request-Id': twilioRequestId() };
    try {
      this.authenticate(req.headers.authorization);
      for (const [method, re, fn] of TwilioGateway.ROUTES) {
        const m = re.exec(req.path);
        if (m && method === req.method) {
          const [account, ...args] = m.slice(1).map(decodeSegment);
          // Credentials of one account never reach another's resources.
          if (account !== this.accountSid) throw unauthenticated('Authenticate');
          const { status, value } = this[fn](...args, req);
          return json(status, value, headers, 0);
        }
      }
      throw new TwilioError(404, 20404, `The requested resource ${req.path} was not found`);
    } catch (err) {
      return this.errorReply(err, headers);
    }
  }

  errorReply(err, headers) {
    if (!(err instanceof TwilioError)) {
      this.log(`twilio: internal error: ${err.stack}`);
      err = new TwilioError(500, 20500, 'An internal server error has occurred');
    }
    return json(err.status, err.body(), { ...headers, ...err.headers }, 0);
  }

  // The body of an injected "status" fault (server.mjs): Twilio overloaded or failing.
  injectedError(status) {
    const known = { 401: [20003, 'Authenticate'], 429: [20429, 'Too Many Requests'], 500: [20500, 'An internal server error has occurred'], 503: [20503, 'Service Unavailable'] };
    const [code, message] = known[status] ?? [status >= 500 ? 20500 : 20001, `Injected fault: HTTP ${status}`];
    return this.errorReply(new TwilioError(status, code, message), { 'Twilio-Request-Id': twilioRequestId() });
  }

  authenticate(header) {
    const creds = basicAuth(header);
    if (!creds) throw unauthenticated('Authentication Error - No credentials provided');
    if (creds.user !== this.accountSid || creds.pass !== this.authToken) throw unauthenticated('Authentication Error - invalid username');
  }

  // Twilio checks the recipient first, then the sender, then the body; it ignores parameters
  // it does not know, and so does the stand-in (they are kept in the ledger's `params`).
  createMessage(req) {
    const params = Object.fromEntries(new URLSearchParams(req.body.toString('utf8')));
    const { To: to, From: from, MessagingServiceSid: service, Body: body } = params;
    if (!to) throw new TwilioError(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) throw new TwilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from && !service) throw new TwilioError(400, 21603, "A 'From' phone number is required.");
    if (from && !(E164.test(from) || SHORT_CODE.test(from) || ALPHANUMERIC_SENDER.test(from))) {
      throw new TwilioError(400, 21212, `Invalid From Number (caller ID): ${from}`);
    }
    if (!from && !SERVICE_SID.test(service)) throw new TwilioError(400, 21701, `The Messaging Service Sid ${service} is invalid.`);
    if (!body) throw new TwilioError(400, 21602, 'Message body is required.');
    if ([...body].length > MAX_BODY_CHARS) throw new TwilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    const sid = messageSid();
    const now = rfc2822();
    const uri = `${API}/Accounts/${this.accountSid}/Messages/${sid}.json`;
    // Sent through a Messaging Service, Twilio picks the sender later: `from` is null, the
    // status "accepted" and num_segments "0" in its first answer.
    const message = {
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: from || null,
      messaging_service_sid: service || null,
      num_media: '0',
      num_segments: from ? String(segments(body)) : '0',
      price: null,
      price_unit: 'USD',
      sid,
      status: from ? 'queued' : 'accepted',
      subresource_uris: { media: `${API}/Accounts/${this.accountSid}/Messages/${sid}/Media.json` },
      to,
      uri,
    };
    this.messages.push({ message, segments: segments(body), params, requestId: req.requestId, received: new Date().toISOString() });
    return { status: 201, value: message };
  }

  getMessage(sid) {
    const found = this.messages.find((m) => m.message.sid === sid);
    if (!found) throw new TwilioError(404, 20404, `The requested resource ${API}/Accounts/${this.accountSid}/Messages/${sid}.json was not found`);
    return { status: 200, value: found.message };
  }

  // For the control API: every accepted message, oldest first.
  ledger() {
    return this.messages.map(({ message, segments: n, params, requestId, received }) => ({
      sid: message.sid, to: message.to, from: message.from, messaging_service_sid: message.messaging_service_sid,
      body: message.body, segments: n, status: message.status, date_created: message.date_created,
      received, request_id: requestId, params,
    }));
  }
}
