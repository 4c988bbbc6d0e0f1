/* payments_paypal: PayPal Orders v2 — an order per checkout, the buyer's approval on PayPal's
 * page, our capture of the approved order, refunds on the capture, and webhooks verified by
 * PayPal's own verify-webhook-signature call. Every POST carries a PayPal-Request-Id derived
 * from the payment attempt, PayPal's idempotency key. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/url.h"
#include "payments/gateway.h"
#include "payments/payments.h"

/* The OAuth2 access token, kept until shortly before it expires. Per process: a worker asks
 * for one on its first PayPal call, not on every call. */
static struct {
	char token[1024];
	time_t until;
	pid_t owner;
} paypal_token;

static NEOERR *paypal_configured(const struct config *cfg)
{
	if (cfg->paypal_client_id == NULL || *cfg->paypal_client_id == '\0' ||
	    cfg->paypal_secret == NULL || *cfg->paypal_secret == '\0') {
		log_error("PayPal is enabled but Payments.PayPal.ClientId or Secret is not set");
		return nerr_raise(ERR_UNAVAILABLE, "PayPal is not available right now.");
	}
	return STATUS_OK;
}

static NEOERR *paypal_access_token(const struct config *cfg, struct arena *a, bool fresh,
				   const char **out)
{
	if (!fresh && paypal_token.owner == getpid() && time(NULL) < paypal_token.until) {
		*out = paypal_token.token;
		return STATUS_OK;
	}
	static const char body[] = "grant_type=client_credentials";
	struct gateway_call c = {
		.who = "PayPal", .method = "POST",
		.url = arena_printf(a, "%s/v1/oauth2/token", cfg->paypal_base_url),
		.content_type = "application/x-www-form-urlencoded",
		.body = body, .body_len = sizeof body - 1,
		.basic_auth = arena_printf(a, "%s:%s", cfg->paypal_client_id, cfg->paypal_secret),
	};
	struct gateway_answer r;
	NEOERR *err = gateway_send(cfg, a, &c, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *token = gateway_json_str(r.json, "access_token");
	long long expires_in = gateway_json_int(r.json, "expires_in", 0);
	if (r.status != 200 || token == NULL || strlen(token) >= sizeof paypal_token.token) {
		log_error("PayPal token: status %ld (check Payments.PayPal.ClientId and Secret)", r.status);
		return nerr_raise(ERR_UNAVAILABLE, "PayPal is not available right now.");
	}
	snprintf(paypal_token.token, sizeof paypal_token.token, "%s", token);
	/* A minute early, so a token never expires between our check and PayPal's. */
	paypal_token.until = time(NULL) + (expires_in > 120 ? expires_in - 60 : expires_in / 2);
	paypal_token.owner = getpid();
	*out = paypal_token.token;
	return STATUS_OK;
}

/* One call with the access token, JSON in and out; an expired token (401) is renewed once. */
static NEOERR *paypal_call(const struct config *cfg, struct arena *a, const char *method,
			   const char *path, const char *json_body, const char *request_id,
			   struct gateway_answer *out)
{
	NEOERR *err = paypal_configured(cfg);
	for (int pass = 0; err == STATUS_OK && pass < 2; pass++) {
		const char *token;
		err = paypal_access_token(cfg, a, pass > 0, &token);
		if (err != STATUS_OK)
			break;
		const char *headers[4] = { 0 };
		int n = 0;
		headers[n++] = arena_printf(a, "Authorization: Bearer %s", token);
		if (request_id)
			headers[n++] = arena_printf(a, "PayPal-Request-Id: %s", request_id);
		headers[n++] = "Prefer: return=representation";
		struct gateway_call c = {
			.who = "PayPal", .method = method,
			.url = arena_printf(a, "%s%s", cfg->paypal_base_url, path),
			.content_type = json_body ? "application/json" : NULL,
			.body = json_body, .body_len = json_body ? strlen(json_body) : 0,
			.headers = headers,
		};
		err = gateway_send(cfg, a, &c, out);
		if (err != STATUS_OK || out->status != 401)
			break;
	}
	return nerr_pass(err);
}

/* PayPal's error names ("INSTRUMENT_DECLINED"): details[0].issue, else the top-level name. */
static const char *paypal_issue(struct json_object *o)
{
	struct json_object *details = NULL;
	if (json_object_object_get_ex(o, "details", &details) && json_object_is_type(details, json_type_array) &&
	    json_object_array_length(details) > 0) {
		const char *issue = gateway_json_str(json_object_array_get_idx(details, 0), "issue");
		if (issue)
			return issue;
	}
	return gateway_json_str(o, "name");
}

static NEOERR *paypal_refused(const struct gateway_answer *r, const char *what)
{
	log_error("PayPal %s: %ld %s (debug id %s)", what, r->status,
		  paypal_issue(r->json) ? paypal_issue(r->json) : "-",
		  r->request_id && *r->request_id ? r->request_id : "-");
	return nerr_raise(ERR_UNAVAILABLE, "The PayPal payment could not be started. Please try again later.");
}

static void json_add_str(struct json_object *o, const char *key, const char *value)
{
	if (value)
		json_object_object_add(o, key, json_object_new_string(value));
}

static struct json_object *paypal_amount(struct arena *a, long long cents, const char *currency)
{
	struct json_object *amount = json_object_new_object();
	json_add_str(amount, "currency_code", currency);
	json_add_str(amount, "value", gateway_decimal(a, cents));
	return amount;
}

static const char *json_text(struct arena *a, struct json_object *o)
{
	const char *s = arena_strdup(a, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static NEOERR *paypal_checkout_start(const struct config *cfg, struct arena *a,
				     const struct payment_checkout_request *rq,
				     struct payment_checkout_session *out)
{
	memset(out, 0, sizeof *out);
	struct json_object *unit = json_object_new_object();
	json_add_str(unit, "reference_id", rq->booking_code);
	json_add_str(unit, "custom_id", rq->attempt);
	json_add_str(unit, "invoice_id", rq->attempt);
	json_add_str(unit, "description", rq->description);
	json_object_object_add(unit, "amount", paypal_amount(a, rq->amount_cents, rq->currency));
	struct json_object *units = json_object_new_array();
	json_object_array_add(units, unit);
	struct json_object *context = json_object_new_object();
	json_add_str(context, "return_url", rq->success_url);
	json_add_str(context, "cancel_url", rq->cancel_url);
	json_add_str(context, "brand_name", cfg->site_name);
	json_add_str(context, "user_action", "PAY_NOW");
	json_add_str(context, "shipping_preference", "NO_SHIPPING");
	struct json_object *paypal = json_object_new_object();
	json_object_object_add(paypal, "experience_context", context);
	struct json_object *source = json_object_new_object();
	json_object_object_add(source, "paypal", paypal);
	struct json_object *order = json_object_new_object();
	json_add_str(order, "intent", "CAPTURE");
	json_object_object_add(order, "purchase_units", units);
	json_object_object_add(order, "payment_source", source);
	struct gateway_answer r;
	NEOERR *err = paypal_call(cfg, a, "POST", "/v2/checkout/orders", json_text(a, order),
				  rq->idempotency_key, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.status != 200 && r.status != 201)
		return nerr_pass(paypal_refused(&r, "create order"));
	out->session_id = gateway_json_str(r.json, "id");
	struct json_object *links = NULL;
	if (json_object_object_get_ex(r.json, "links", &links) && json_object_is_type(links, json_type_array))
		for (size_t i = 0; i < json_object_array_length(links); i++) {
			struct json_object *l = json_object_array_get_idx(links, i);
			const char *rel = gateway_json_str(l, "rel");
			if (rel && (strcmp(rel, "payer-action") == 0 || strcmp(rel, "approve") == 0))
				out->url = gateway_json_str(l, "href");
		}
	if (out->session_id == NULL || out->url == NULL)
		return nerr_raise(ERR_UNAVAILABLE, "PayPal's order has no id or approval link.");
	return STATUS_OK;
}

/* An order (as retrieved or captured) in our terms. */
static void paypal_order_status(struct arena *a, struct json_object *order,
				struct payment_checkout_status *out)
{
	memset(out, 0, sizeof *out);
	const char *status = gateway_json_str(order, "status");
	struct json_object *units = NULL, *unit = NULL;
	if (json_object_object_get_ex(order, "purchase_units", &units) &&
	    json_object_is_type(units, json_type_array) && json_object_array_length(units) > 0)
		unit = json_object_array_get_idx(units, 0);
	out->attempt = gateway_json_str(unit, "custom_id");
	out->amount_cents = gateway_cents(gateway_json_str(unit, "amount.value"));
	out->currency = gateway_json_str(unit, "amount.currency_code");
	struct json_object *captures = NULL, *capture = NULL;
	if (unit && json_object_object_get_ex(json_object_object_get(unit, "payments"), "captures", &captures) &&
	    json_object_is_type(captures, json_type_array) && json_object_array_length(captures) > 0)
		capture = json_object_array_get_idx(captures, 0);
	if (capture) {
		out->amount_cents = gateway_cents(gateway_json_str(capture, "amount.value"));
		out->currency = gateway_json_str(capture, "amount.currency_code");
	}
	const char *capture_status = gateway_json_str(capture, "status");
	out->state = CHECKOUT_OPEN;
	if (status == NULL)
		return;
	if (strcmp(status, "APPROVED") == 0) {
		out->state = CHECKOUT_APPROVED;
	} else if (strcmp(status, "VOIDED") == 0) {
		out->state = CHECKOUT_EXPIRED;
	} else if (strcmp(status, "COMPLETED") == 0 && capture_status) {
		out->provider_ref = gateway_json_str(capture, "id");
		if (strcmp(capture_status, "COMPLETED") == 0)
			out->state = CHECKOUT_PAID;
		else if (strcmp(capture_status, "PENDING") == 0)
			out->state = CHECKOUT_PROCESSING;
		else
			out->state = CHECKOUT_FAILED;
	}
	(void)a;
}

static NEOERR *paypal_checkout_lookup(const struct config *cfg, struct arena *a,
				      const char *session_id, struct payment_checkout_status *out)
{
	struct gateway_answer r;
	NEOERR *err = paypal_call(cfg, a, "GET", arena_printf(a, "/v2/checkout/orders/%s",
							      url_encode(a, session_id)), NULL, NULL, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.status != 200)
		return nerr_pass(paypal_refused(&r, "get order"));
	paypal_order_status(a, r.json, out);
	return STATUS_OK;
}

static NEOERR *paypal_checkout_capture(const struct config *cfg, struct arena *a,
				       const char *session_id, const char *idempotency_key,
				       struct payment_checkout_status *out)
{
	struct gateway_answer r;
	NEOERR *err = paypal_call(cfg, a, "POST", arena_printf(a, "/v2/checkout/orders/%s/capture",
							       url_encode(a, session_id)),
				  "{}", idempotency_key, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.status == 200 || r.status == 201) {
		paypal_order_status(a, r.json, out);
		return STATUS_OK;
	}
	const char *issue = paypal_issue(r.json);
	if (r.status == 422 && issue && strcmp(issue, "INSTRUMENT_DECLINED") == 0) {
		memset(out, 0, sizeof *out);
		out->state = CHECKOUT_FAILED;
		out->message = "PayPal declined the payment.";
		return STATUS_OK;
	}
	/* Captured already (by the webhook, or the return page) or not approved yet: the
	 * order's record says which. */
	if (r.status == 422 && issue && (strcmp(issue, "ORDER_ALREADY_CAPTURED") == 0 ||
					 strcmp(issue, "ORDER_NOT_APPROVED") == 0))
		return nerr_pass(paypal_checkout_lookup(cfg, a, session_id, out));
	return nerr_pass(paypal_refused(&r, "capture"));
}

static NEOERR *paypal_refund(const struct config *cfg, struct arena *a, const char *provider_ref,
			     long long amount_cents, const char *currency, const char *idempotency_key,
			     struct payment_refund *out)
{
	memset(out, 0, sizeof *out);
	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "amount", paypal_amount(a, amount_cents, currency));
	struct gateway_answer r;
	NEOERR *err = paypal_call(cfg, a, "POST", arena_printf(a, "/v2/payments/captures/%s/refund",
							       url_encode(a, provider_ref)),
				  json_text(a, body), idempotency_key, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (r.status != 200 && r.status != 201)
		return nerr_pass(paypal_refused(&r, "refund"));
	out->provider_ref = gateway_json_str(r.json, "id");
	return STATUS_OK;
}

/* --- webhooks --------------------------------------------------------------------------- */

/* PayPal signs with a certificate of its own; the documented way to check a delivery without
 * handling certificates is to hand it back to PayPal. The event goes back as the bytes that
 * arrived (spliced in, not re-serialised): the signature covers them. */
static NEOERR *paypal_verify(const struct config *cfg, struct arena *a, const struct payment_webhook *in,
			     struct json_object *event)
{
	static const char *const HEADERS[][2] = {
		{ "auth_algo", "PAYPAL-AUTH-ALGO" }, { "cert_url", "PAYPAL-CERT-URL" },
		{ "transmission_id", "PAYPAL-TRANSMISSION-ID" },
		{ "transmission_sig", "PAYPAL-TRANSMISSION-SIG" },
		{ "transmission_time", "PAYPAL-TRANSMISSION-TIME" },
	};
	(void)event;
	struct json_object *fields = json_object_new_object();
	for (size_t i = 0; i < sizeof HEADERS / sizeof HEADERS[0]; i++) {
		const char *v = in->header(in->header_ctx, HEADERS[i][1]);
		if (v == NULL) {
			json_object_put(fields);
			return nerr_raise(ERR_BAD_REQUEST, "The %s header is missing.", HEADERS[i][1]);
		}
		json_add_str(fields, HEADERS[i][0], v);
	}
	json_add_str(fields, "webhook_id", cfg->paypal_webhook_id);
	const char *head = json_text(a, fields);         /* {"auth_algo":...,"webhook_id":"..."} */
	size_t hlen = strlen(head);
	struct buf body = { 0 };
	buf_append(&body, head, hlen - 1);
	buf_puts(&body, ",\"webhook_event\":");
	buf_append(&body, in->body, in->body_len);
	buf_puts(&body, "}");
	const char *text = arena_strndup(a, body.data, body.len);
	buf_free(&body);
	struct gateway_answer r;
	NEOERR *err = paypal_call(cfg, a, "POST", "/v1/notifications/verify-webhook-signature", text, NULL, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *verdict = gateway_json_str(r.json, "verification_status");
	if (r.status != 200 || verdict == NULL)
		return nerr_pass(paypal_refused(&r, "verify webhook"));
	if (strcmp(verdict, "SUCCESS") != 0)
		return nerr_raise(ERR_BAD_REQUEST, "PayPal did not confirm the webhook's signature.");
	return STATUS_OK;
}

static void release_json(void *o)
{
	json_object_put(o);
}

static NEOERR *paypal_webhook_parse(const struct config *cfg, struct arena *a,
				    const struct payment_webhook *in, struct payment_event *out)
{
	memset(out, 0, sizeof *out);
	NEOERR *err = paypal_configured(cfg);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct json_object *event = json_tokener_parse(arena_strndup(a, in->body, in->body_len));
	if (event == NULL || !json_object_is_type(event, json_type_object)) {
		json_object_put(event);
		return nerr_raise(ERR_BAD_REQUEST, "The webhook's body is not a JSON object.");
	}
	arena_on_destroy(a, release_json, event);
	out->id = gateway_json_str(event, "id");
	out->type = gateway_json_str(event, "event_type");
	struct json_object *res = json_object_object_get(event, "resource");
	if (out->id == NULL || out->type == NULL || res == NULL || !json_object_is_type(res, json_type_object))
		return nerr_raise(ERR_BAD_REQUEST, "The webhook is not a PayPal event.");
	err = paypal_verify(cfg, a, in, event);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->kind = PAYMENT_EVENT_IGNORED;
	if (strcmp(out->type, "CHECKOUT.ORDER.APPROVED") == 0) {
		struct payment_checkout_status st;
		paypal_order_status(a, res, &st);
		out->kind = PAYMENT_EVENT_CHECKOUT_APPROVED;
		out->session_id = gateway_json_str(res, "id");
		out->attempt = st.attempt;
		out->amount_cents = st.amount_cents;
		out->currency = st.currency;
	} else if (strcmp(out->type, "PAYMENT.CAPTURE.COMPLETED") == 0 ||
		   strcmp(out->type, "PAYMENT.CAPTURE.DENIED") == 0) {
		out->kind = strcmp(out->type, "PAYMENT.CAPTURE.COMPLETED") == 0 ? PAYMENT_EVENT_CHECKOUT_PAID
									       : PAYMENT_EVENT_CHECKOUT_FAILED;
		out->provider_ref = gateway_json_str(res, "id");
		out->session_id = gateway_json_str(res, "supplementary_data.related_ids.order_id");
		out->attempt = gateway_json_str(res, "custom_id");
		out->amount_cents = gateway_cents(gateway_json_str(res, "amount.value"));
		out->currency = gateway_json_str(res, "amount.currency_code");
		if (out->kind == PAYMENT_EVENT_CHECKOUT_FAILED)
			out->message = "PayPal declined the payment.";
	} else if (strcmp(out->type, "PAYMENT.CAPTURE.REFUNDED") == 0) {
		out->kind = PAYMENT_EVENT_REFUNDED;
		out->amount_cents = gateway_cents(gateway_json_str(res, "amount.value"));
		out->currency = gateway_json_str(res, "amount.currency_code");
	}
	return STATUS_OK;
}

const struct payment_provider payments_paypal_provider = {
	.name = "paypal",
	.label = "PayPal",
	.checkout_start = paypal_checkout_start,
	.checkout_lookup = paypal_checkout_lookup,
	.checkout_capture = paypal_checkout_capture,
	.refund = paypal_refund,
	.webhook_parse = paypal_webhook_parse,
};
