/* payments_stripe: Stripe over its HTTP API — Checkout Sessions for the HTML checkout (the
 * shopper pays on Stripe's page), PaymentIntents confirmed at once for API bookings with a
 * tokenised method, refunds, and webhooks verified as Stripe specifies. Every POST carries an
 * Idempotency-Key derived from the payment attempt, so a retry is never a second charge. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include <sodium.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/url.h"
#include "payments/gateway.h"
#include "payments/payments.h"

/* The API version this code reads; Stripe answers in it whatever the account's default. */
#define STRIPE_VERSION "2024-06-20"

/* Stripe's currencies are lowercase ISO codes; ours are uppercase. */
static const char *stripe_currency(struct arena *a, const char *iso)
{
	char *c = arena_strdup(a, iso ? iso : "");
	for (char *p = c; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return c;
}

static const char *iso_currency(struct arena *a, const char *stripe)
{
	char *c = arena_strdup(a, stripe ? stripe : "");
	for (char *p = c; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return c;
}

static NEOERR *stripe_configured(const struct config *cfg)
{
	if (cfg->stripe_secret_key == NULL || *cfg->stripe_secret_key == '\0') {
		log_error("Stripe is enabled but Payments.Stripe.SecretKey is not set");
		return nerr_raise(ERR_UNAVAILABLE, "Card payments are not available right now.");
	}
	return STATUS_OK;
}

/* One call: GET when body is NULL, else a form POST under the idempotency key. */
static NEOERR *stripe_call(const struct config *cfg, struct arena *a, const char *method,
			   const char *path, const struct buf *body, const char *idempotency_key,
			   struct gateway_answer *out)
{
	NEOERR *err = stripe_configured(cfg);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *headers[4] = { 0 };
	int n = 0;
	headers[n++] = arena_printf(a, "Authorization: Bearer %s", cfg->stripe_secret_key);
	headers[n++] = "Stripe-Version: " STRIPE_VERSION;
	if (idempotency_key)
		headers[n++] = arena_printf(a, "Idempotency-Key: %s", idempotency_key);
	struct gateway_call c = {
		.who = "Stripe", .method = method,
		.url = arena_printf(a, "%s%s", cfg->stripe_base_url, path),
		.content_type = body ? "application/x-www-form-urlencoded" : NULL,
		.body = body ? (body->data ? body->data : "") : NULL,
		.body_len = body ? body->len : 0,
		.headers = headers,
	};
	return nerr_pass(gateway_send(cfg, a, &c, out));
}

/* A 4xx we did not expect (a bad key, a bad request): our fault or the site's settings, never
 * the shopper's. Logged with Stripe's words; the shopper hears only that it did not work. */
static NEOERR *stripe_refused(const struct gateway_answer *r, const char *what)
{
	log_error("Stripe %s: %ld %s: %s (request %s)", what, r->status,
		  gateway_json_str(r->json, "error.type") ? gateway_json_str(r->json, "error.type") : "-",
		  gateway_json_str(r->json, "error.message") ? gateway_json_str(r->json, "error.message") : "-",
		  r->request_id && *r->request_id ? r->request_id : "-");
	return nerr_raise(ERR_UNAVAILABLE, "The card payment could not be started. Please try again later.");
}

/* What a PaymentIntent says of its charge. */
static bool stripe_intent_result(struct json_object *pi, struct payment_result *out)
{
	const char *status = gateway_json_str(pi, "status");
	out->provider_ref = gateway_json_str(pi, "id");
	if (status == NULL || out->provider_ref == NULL)
		return false;
	if (strcmp(status, "succeeded") == 0) {
		out->outcome = PAYMENT_SUCCEEDED;
		return true;
	}
	if (strcmp(status, "requires_payment_method") == 0 || strcmp(status, "canceled") == 0) {
		out->outcome = PAYMENT_DECLINED;
		out->message = gateway_json_str(pi, "last_payment_error.message");
		if (out->message == NULL)
			out->message = "The payment was declined.";
		return true;
	}
	if (strcmp(status, "requires_action") == 0) {
		/* 3-D Secure and the like need the shopper on a page: the API cannot do that. */
		out->outcome = PAYMENT_DECLINED;
		out->message = "This card needs the cardholder's confirmation; pay on the checkout page instead.";
		return true;
	}
	return false;                  /* processing, requires_capture: not decided yet */
}

static NEOERR *stripe_charge(const struct config *cfg, struct arena *a,
			     const struct payment_charge *c, struct payment_result *out)
{
	memset(out, 0, sizeof *out);
	struct buf body = { 0 };
	gateway_form_int(&body, a, "amount", c->amount_cents);
	gateway_form(&body, a, "currency", stripe_currency(a, c->currency));
	gateway_form(&body, a, "payment_method", c->payment_method);
	gateway_form(&body, a, "payment_method_types[]", "card");
	gateway_form(&body, a, "confirm", "true");
	gateway_form(&body, a, "description", c->description);
	gateway_form(&body, a, "metadata[attempt]", c->attempt);
	struct gateway_answer r;
	NEOERR *err = stripe_call(cfg, a, "POST", "/v1/payment_intents", &body, c->idempotency_key, &r);
	buf_free(&body);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *type = gateway_json_str(r.json, "error.type");
	if (r.status == 402 && type && strcmp(type, "card_error") == 0) {
		out->outcome = PAYMENT_DECLINED;
		out->message = gateway_json_str(r.json, "error.message");
		if (out->message == NULL)
			out->message = "Your card was declined.";
		out->provider_ref = gateway_json_str(r.json, "error.payment_intent.id");
		return STATUS_OK;
	}
	const char *param = gateway_json_str(r.json, "error.param");
	if (r.status == 400 && param && strcmp(param, "payment_method") == 0) {
		out->outcome = PAYMENT_UNKNOWN_METHOD;
		out->message = "The payment method is not a valid Stripe payment method token.";
		return STATUS_OK;
	}
	if (r.status != 200)
		return nerr_pass(stripe_refused(&r, "PaymentIntent"));
	if (!stripe_intent_result(r.json, out))
		return nerr_raise(ERR_UNAVAILABLE, "The card payment is still being processed.");
	return STATUS_OK;
}

/* The PaymentIntent made for an attempt, found by the metadata it was made with. */
static NEOERR *stripe_charge_lookup(const struct config *cfg, struct arena *a,
				    const struct payment_charge *c, struct payment_result *out,
				    bool *found)
{
	memset(out, 0, sizeof *out);
	*found = false;
	/* Our attempt references are letters, digits and dashes: nothing to escape in the query. */
	const char *query = arena_printf(a, "metadata['attempt']:'%s'", c->attempt);
	struct gateway_answer r;
	NEOERR *err = stripe_call(cfg, a, "GET", arena_printf(a, "/v1/payment_intents/search?query=%s",
							      url_encode(a, query)), NULL, NULL, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.status != 200)
		return nerr_pass(stripe_refused(&r, "PaymentIntent search"));
	struct json_object *data = NULL;
	if (!json_object_object_get_ex(r.json, "data", &data) || !json_object_is_type(data, json_type_array))
		return nerr_raise(ERR_UNAVAILABLE, "Stripe's search answer has no data.");
	if (json_object_array_length(data) == 0)
		return STATUS_OK;
	*found = true;
	if (!stripe_intent_result(json_object_array_get_idx(data, 0), out))
		return nerr_raise(ERR_UNAVAILABLE, "The card payment is still being processed.");
	return STATUS_OK;
}

static NEOERR *stripe_checkout_start(const struct config *cfg, struct arena *a,
				     const struct payment_checkout_request *rq,
				     struct payment_checkout_session *out)
{
	memset(out, 0, sizeof *out);
	struct buf body = { 0 };
	const char *currency = stripe_currency(a, rq->currency);
	gateway_form(&body, a, "mode", "payment");
	gateway_form(&body, a, "success_url", rq->success_url);
	gateway_form(&body, a, "cancel_url", rq->cancel_url);
	gateway_form(&body, a, "client_reference_id", arena_printf(a, "%lld", rq->booking_id));
	gateway_form(&body, a, "customer_email", rq->buyer_email);
	gateway_form_int(&body, a, "expires_at", (long long)rq->expires_at);
	for (int i = 0; i < rq->nlines; i++) {
		const struct payment_line *l = &rq->lines[i];
		gateway_form(&body, a, arena_printf(a, "line_items[%d][price_data][currency]", i), currency);
		gateway_form_int(&body, a, arena_printf(a, "line_items[%d][price_data][unit_amount]", i),
				 l->amount_cents);
		gateway_form(&body, a, arena_printf(a, "line_items[%d][price_data][product_data][name]", i),
			     l->name);
		gateway_form_int(&body, a, arena_printf(a, "line_items[%d][quantity]", i), l->quantity);
	}
	gateway_form(&body, a, "metadata[attempt]", rq->attempt);
	gateway_form(&body, a, "metadata[booking]", rq->booking_code);
	gateway_form(&body, a, "payment_intent_data[metadata][attempt]", rq->attempt);
	gateway_form(&body, a, "payment_intent_data[description]", rq->description);
	struct gateway_answer r;
	NEOERR *err = stripe_call(cfg, a, "POST", "/v1/checkout/sessions", &body, rq->idempotency_key, &r);
	buf_free(&body);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.status != 200)
		return nerr_pass(stripe_refused(&r, "Checkout Session"));
	out->session_id = gateway_json_str(r.json, "id");
	out->url = gateway_json_str(r.json, "url");
	if (out->session_id == NULL || out->url == NULL)
		return nerr_raise(ERR_UNAVAILABLE, "Stripe's Checkout Session has no id or url.");
	return STATUS_OK;
}

/* A session object (as retrieved, or in a webhook) in our terms. */
static void stripe_session_status(struct arena *a, struct json_object *s,
				  struct payment_checkout_status *out)
{
	memset(out, 0, sizeof *out);
	const char *status = gateway_json_str(s, "status");
	const char *paid = gateway_json_str(s, "payment_status");
	out->amount_cents = gateway_json_int(s, "amount_total", -1);
	out->currency = iso_currency(a, gateway_json_str(s, "currency"));
	out->attempt = gateway_json_str(s, "metadata.attempt");
	/* payment_intent is an id, or the object itself when expanded. */
	out->provider_ref = gateway_json_str(s, "payment_intent");
	if (out->provider_ref == NULL)
		out->provider_ref = gateway_json_str(s, "payment_intent.id");
	const char *intent = gateway_json_str(s, "payment_intent.status");
	out->state = CHECKOUT_OPEN;
	if (status && strcmp(status, "expired") == 0) {
		out->state = CHECKOUT_EXPIRED;
	} else if (status && strcmp(status, "complete") == 0) {
		if (paid && strcmp(paid, "paid") == 0) {
			out->state = CHECKOUT_PAID;
		} else if (intent && (strcmp(intent, "requires_payment_method") == 0 ||
				      strcmp(intent, "canceled") == 0)) {
			out->state = CHECKOUT_FAILED;   /* a delayed method that failed */
			out->message = gateway_json_str(s, "payment_intent.last_payment_error.message");
			if (out->message == NULL)
				out->message = "The payment did not go through.";
		} else {
			out->state = CHECKOUT_PROCESSING;
		}
	}
}

static NEOERR *stripe_checkout_lookup(const struct config *cfg, struct arena *a,
				      const char *session_id, struct payment_checkout_status *out)
{
	struct gateway_answer r;
	NEOERR *err = stripe_call(cfg, a, "GET", arena_printf(a, "/v1/checkout/sessions/%s?expand[]=payment_intent",
							      url_encode(a, session_id)), NULL, NULL, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.status != 200)
		return nerr_pass(stripe_refused(&r, "Checkout Session retrieve"));
	stripe_session_status(a, r.json, out);
	return STATUS_OK;
}

static NEOERR *stripe_checkout_cancel(const struct config *cfg, struct arena *a, const char *session_id)
{
	struct buf body = { 0 };
	struct gateway_answer r;
	NEOERR *err = stripe_call(cfg, a, "POST", arena_printf(a, "/v1/checkout/sessions/%s/expire",
							       url_encode(a, session_id)),
				  &body, arena_printf(a, "%s-expire", session_id), &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	/* 400: it is not open any more (paid, or expired already); the caller looks it up. */
	if (r.status != 200 && r.status != 400)
		return nerr_pass(stripe_refused(&r, "Checkout Session expire"));
	return STATUS_OK;
}

static NEOERR *stripe_refund(const struct config *cfg, struct arena *a, const char *provider_ref,
			     long long amount_cents, const char *currency, const char *idempotency_key,
			     struct payment_refund *out)
{
	(void)currency;
	memset(out, 0, sizeof *out);
	struct buf body = { 0 };
	gateway_form(&body, a, "payment_intent", provider_ref);
	gateway_form_int(&body, a, "amount", amount_cents);
	struct gateway_answer r;
	NEOERR *err = stripe_call(cfg, a, "POST", "/v1/refunds", &body, idempotency_key, &r);
	buf_free(&body);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.status != 200)
		return nerr_pass(stripe_refused(&r, "refund"));
	out->provider_ref = gateway_json_str(r.json, "id");
	return STATUS_OK;
}

/* --- webhooks --------------------------------------------------------------------------- */

/* Stripe-Signature: "t=1700000000,v1=hex,v1=hex,v0=...": is any v1 the HMAC-SHA256 of
 * "t.body" under `secret`? Compared in constant time. */
static bool stripe_signed_with(const char *header, const char *t, const char *body, size_t len,
			       const char *secret, size_t secret_len)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)t, strlen(t));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	bool ok = false;
	for (const char *p = header; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 3 + 2 * sizeof mac && strncmp(p, "v1=", 3) == 0) {
			unsigned char got[sizeof mac];
			size_t got_len = 0;
			if (sodium_hex2bin(got, sizeof got, p + 3, 2 * sizeof mac, NULL, &got_len, NULL) == 0 &&
			    got_len == sizeof got)
				ok = ok | (sodium_memcmp(got, mac, sizeof mac) == 0);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return ok;
}

const char *payments_stripe_signature_check(const char *header, const char *body, size_t len,
					    const char *secrets, long long now, int tolerance)
{
	if (header == NULL)
		return "The Stripe-Signature header is missing.";
	char t[24] = "";
	for (const char *p = header; *p;) {
		size_t n = strcspn(p, ",");
		if (n > 2 && n - 2 < sizeof t && strncmp(p, "t=", 2) == 0) {
			memcpy(t, p + 2, n - 2);
			t[n - 2] = '\0';
		}
		p += n;
		if (*p == ',')
			p++;
	}
	char *end = NULL;
	long long stamp = *t ? strtoll(t, &end, 10) : 0;
	if (*t == '\0' || *end != '\0' || stamp <= 0)
		return "The Stripe-Signature header has no timestamp.";
	if (llabs(now - stamp) > tolerance)
		return "The webhook's timestamp is outside the tolerance.";
	/* Several secrets while one is being rolled over: any of them will do. */
	for (const char *p = secrets ? secrets : ""; *p;) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t n = strcspn(p, ", ");
		if (n > 0 && stripe_signed_with(header, t, body, len, p, n))
			return NULL;
		p += n;
	}
	return "The webhook's signature does not match.";
}

static NEOERR *stripe_verify(const struct config *cfg, const struct payment_webhook *in)
{
	const char *why = payments_stripe_signature_check(in->header(in->header_ctx, "Stripe-Signature"),
							  in->body, in->body_len, cfg->stripe_webhook_secrets,
							  (long long)time(NULL), cfg->stripe_webhook_tolerance);
	return why ? nerr_raise(ERR_BAD_REQUEST, "%s", why) : STATUS_OK;
}

static const struct {
	const char *type;
	enum payment_event_kind kind;
} STRIPE_EVENTS[] = {
	{ "checkout.session.completed", PAYMENT_EVENT_CHECKOUT_PAID },   /* or _PROCESSING, below */
	{ "checkout.session.async_payment_succeeded", PAYMENT_EVENT_CHECKOUT_PAID },
	{ "checkout.session.async_payment_failed", PAYMENT_EVENT_CHECKOUT_FAILED },
	{ "checkout.session.expired", PAYMENT_EVENT_CHECKOUT_EXPIRED },
	{ "payment_intent.succeeded", PAYMENT_EVENT_CHARGE_SUCCEEDED },
	{ "payment_intent.payment_failed", PAYMENT_EVENT_CHARGE_FAILED },
	{ "charge.refunded", PAYMENT_EVENT_REFUNDED },
};

static NEOERR *stripe_webhook_parse(const struct config *cfg, struct arena *a,
				    const struct payment_webhook *in, struct payment_event *out)
{
	memset(out, 0, sizeof *out);
	NEOERR *err = stripe_verify(cfg, in);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct json_object *event = json_tokener_parse(arena_strndup(a, in->body, in->body_len));
	if (event == NULL || !json_object_is_type(event, json_type_object)) {
		json_object_put(event);
		return nerr_raise(ERR_BAD_REQUEST, "The webhook's body is not a JSON object.");
	}
	out->id = arena_strdup(a, gateway_json_str(event, "id") ? gateway_json_str(event, "id") : "");
	out->type = arena_strdup(a, gateway_json_str(event, "type") ? gateway_json_str(event, "type") : "");
	struct json_object *obj = NULL;
	if (*out->id == '\0' || *out->type == '\0' ||
	    !json_object_object_get_ex(json_object_object_get(event, "data"), "object", &obj) ||
	    !json_object_is_type(obj, json_type_object)) {
		json_object_put(event);
		return nerr_raise(ERR_BAD_REQUEST, "The webhook is not a Stripe event.");
	}
	out->kind = PAYMENT_EVENT_IGNORED;
	for (size_t i = 0; i < sizeof STRIPE_EVENTS / sizeof STRIPE_EVENTS[0]; i++)
		if (strcmp(out->type, STRIPE_EVENTS[i].type) == 0)
			out->kind = STRIPE_EVENTS[i].kind;
	const char *s;
	switch (out->kind) {
	case PAYMENT_EVENT_CHECKOUT_PAID:
	case PAYMENT_EVENT_CHECKOUT_FAILED:
	case PAYMENT_EVENT_CHECKOUT_EXPIRED: {
		struct payment_checkout_status st;
		stripe_session_status(a, obj, &st);
		out->session_id = (s = gateway_json_str(obj, "id")) ? arena_strdup(a, s) : NULL;
		out->provider_ref = st.provider_ref ? arena_strdup(a, st.provider_ref) : NULL;
		out->attempt = st.attempt ? arena_strdup(a, st.attempt) : NULL;
		out->amount_cents = st.amount_cents;
		out->currency = st.currency;
		if (strcmp(out->type, "checkout.session.completed") == 0 && st.state != CHECKOUT_PAID)
			out->kind = PAYMENT_EVENT_CHECKOUT_PROCESSING;   /* a delayed method: not paid yet */
		if (out->kind == PAYMENT_EVENT_CHECKOUT_FAILED)
			out->message = "The payment did not go through.";
		break;
	}
	case PAYMENT_EVENT_CHARGE_SUCCEEDED:
	case PAYMENT_EVENT_CHARGE_FAILED:
		out->provider_ref = (s = gateway_json_str(obj, "id")) ? arena_strdup(a, s) : NULL;
		out->attempt = (s = gateway_json_str(obj, "metadata.attempt")) ? arena_strdup(a, s) : NULL;
		out->amount_cents = gateway_json_int(obj, "amount", -1);
		out->currency = iso_currency(a, gateway_json_str(obj, "currency"));
		out->message = (s = gateway_json_str(obj, "last_payment_error.message")) ? arena_strdup(a, s) : NULL;
		break;
	case PAYMENT_EVENT_REFUNDED:
		out->provider_ref = (s = gateway_json_str(obj, "payment_intent")) ? arena_strdup(a, s) : NULL;
		out->amount_cents = gateway_json_int(obj, "amount", -1);
		out->refunded_cents = gateway_json_int(obj, "amount_refunded", 0);
		out->currency = iso_currency(a, gateway_json_str(obj, "currency"));
		break;
	default:
		break;
	}
	json_object_put(event);
	return STATUS_OK;
}

const struct payment_provider payments_stripe_provider = {
	.name = "stripe",
	.label = "Card (Stripe)",
	.charge = stripe_charge,
	.charge_lookup = stripe_charge_lookup,
	.checkout_start = stripe_checkout_start,
	.checkout_lookup = stripe_checkout_lookup,
	.checkout_cancel = stripe_checkout_cancel,
	.refund = stripe_refund,
	.webhook_parse = stripe_webhook_parse,
};
