/* gateway: one call to a payment gateway, retried within bounds. A retry repeats the request
 * byte for byte — its idempotency key included — so the gateway does the operation once. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/url.h"
#include "net/call_slots.h"
#include "payments/gateway.h"

static void gateway_json_release(void *obj)
{
	json_object_put(obj);
}

static struct json_object *gateway_parse(struct arena *a, const char *body, size_t len)
{
	if (len == 0)
		return NULL;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj = json_tokener_parse_ex(tok, body, (int)len);
	bool complete = json_tokener_get_error(tok) == json_tokener_success;
	/* One object and nothing after it but white space: a cut-off or doubled body is no answer. */
	for (size_t i = complete ? json_tokener_get_parse_end(tok) : len; i < len; i++)
		complete = complete && body[i] != '\0' && strchr(" \t\r\n", body[i]) != NULL;
	json_tokener_free(tok);
	if (obj == NULL || !complete || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return NULL;
	}
	arena_on_destroy(a, gateway_json_release, obj);
	return obj;
}

static bool gateway_worth_retrying(const struct http_client_response *r)
{
	if (r->status == 0)
		return !r->timed_out;     /* refused or reset: it may not have arrived at all */
	return r->status == 429 || r->status >= 500;
}

NEOERR *gateway_send(const struct config *cfg, struct arena *a, const struct gateway_call *c,
		     struct gateway_answer *out)
{
	memset(out, 0, sizeof *out);
	struct http_client_request rq = {
		.method = c->method, .url = c->url, .content_type = c->content_type,
		.body = c->body, .body_len = c->body_len, .headers = c->headers,
		.basic_auth = c->basic_auth,
		.connect_timeout_ms = cfg->payments_connect_timeout_ms,
		.timeout_ms = cfg->payments_timeout_ms,
	};
	/* A worker waiting on a gateway serves nobody: only so many may wait at once. */
	struct call_slot slot = { -1 };
	if (cfg->payments_concurrency > 0 && cfg->payments_slot_file &&
	    !call_slot_take(cfg->payments_slot_file, cfg->payments_concurrency,
			    cfg->max_queue_ms > 0 ? cfg->max_queue_ms : 250, &slot)) {
		log_info("%s %s: every payment call slot is taken; not sent", c->who, c->method);
		return nerr_raise(ERR_BUSY, "Payments are very busy right now, so this one was not started; "
				  "nothing has been charged.");
	}
	struct http_client_response r;
	NEOERR *err = STATUS_OK;
	for (int attempt = 0;; attempt++) {
		err = http_client_send(a, &rq, &r);
		if (err != STATUS_OK || !gateway_worth_retrying(&r) || attempt >= cfg->payments_retries)
			break;
		usleep(200000u << attempt);   /* 0.2 s, 0.4 s, ...: let a busy gateway breathe */
	}
	call_slot_give(&slot);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->status = r.status;
	out->request_id = r.request_id;
	out->json = gateway_parse(a, r.body, r.body_len);
	if (r.status == 0) {
		log_error("%s %s %s: no answer (%s)", c->who, c->method, c->url, r.error);
		return nerr_raise(ERR_UNAVAILABLE, "The payment service (%s) did not answer.", c->who);
	}
	if (r.status == 429 || r.status >= 500 || out->json == NULL) {
		log_error("%s %s %s: %s %ld (request %s)", c->who, c->method, c->url,
			  out->json ? "status" : "an answer that is not JSON, status", r.status,
			  r.request_id[0] ? r.request_id : "-");
		return nerr_raise(ERR_UNAVAILABLE, "The payment service (%s) is not working right now.", c->who);
	}
	return STATUS_OK;
}

void gateway_form(struct buf *b, struct arena *a, const char *key, const char *value)
{
	if (value == NULL)
		return;
	buf_printf(b, "%s%s=%s", b->len ? "&" : "", url_encode(a, key), url_encode(a, value));
}

void gateway_form_int(struct buf *b, struct arena *a, const char *key, long long value)
{
	gateway_form(b, a, key, arena_printf(a, "%lld", value));
}

static struct json_object *gateway_json_get(struct json_object *o, const char *path)
{
	char part[64];
	while (o && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof part)
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		struct json_object *next = NULL;
		if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, part, &next))
			return NULL;
		o = next;
		path += n;
		if (*path == '.')
			path++;
	}
	return o;
}

const char *gateway_json_str(struct json_object *o, const char *path)
{
	struct json_object *v = gateway_json_get(o, path);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

long long gateway_json_int(struct json_object *o, const char *path, long long def)
{
	struct json_object *v = gateway_json_get(o, path);
	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : def;
}

bool gateway_json_has(struct json_object *o, const char *path)
{
	struct json_object *v = gateway_json_get(o, path);
	return v != NULL && !json_object_is_type(v, json_type_null);
}

const char *gateway_decimal(struct arena *a, long long cents)
{
	return arena_printf(a, "%s%lld.%02lld", cents < 0 ? "-" : "", llabs(cents) / 100, llabs(cents) % 100);
}

long long gateway_cents(const char *s)
{
	if (s == NULL)
		return -1;
	char *end;
	long long whole = strtoll(s, &end, 10);
	if (end == s || whole < 0 || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	long long frac = 0;
	if (*end == '.') {
		const char *f = end + 1;
		if (!(f[0] >= '0' && f[0] <= '9' && f[1] >= '0' && f[1] <= '9' && f[2] == '\0'))
			return -1;
		frac = (f[0] - '0') * 10 + (f[1] - '0');
	} else if (*end != '\0') {
		return -1;
	}
	return whole * 100 + frac;
}
