/* gateway: what the Stripe and PayPal providers share — one call to a gateway with the site's
 * timeouts and a bounded retry under the same idempotency key, its JSON answer, and the
 * form-encoded bodies Stripe takes. */
#ifndef BOXOFFICE_GATEWAY_H
#define BOXOFFICE_GATEWAY_H
#include <stdbool.h>
#include <stddef.h>
#include <ClearSilver.h>
#include "net/http_client.h"

struct arena;
struct buf;
struct config;
struct json_object;

struct gateway_call {
	const char *who;                 /* "Stripe", "PayPal": for messages and the log */
	const char *method;
	const char *url;
	const char *content_type;
	const char *body;
	size_t body_len;
	const char *const *headers;      /* the idempotency key among them, for POSTs */
	const char *basic_auth;
};

struct gateway_answer {
	long status;                     /* 0: no answer */
	struct json_object *json;        /* the parsed body (owned by the arena), NULL if not JSON */
	const char *request_id;
};

/* Send the call — first waiting (Booking.MaxQueueMs at most) for one of the host's
 * Payments.MaxConcurrent call slots, else ERR_BUSY: not sent, nothing happened. What got no answer (but did not time out: the gateway may still be working on
 * it), a 429 or a 5xx is sent again, up to Payments.Retries more times with a growing pause.
 * Returns ERR_UNAVAILABLE (and logs the gateway's request id) when in the end there is no
 * answer, a 429/5xx, or an answer that is not JSON: nobody knows then whether the operation
 * happened. Any other answer, 4xx included, comes back for the caller to read. */
NEOERR *gateway_send(const struct config *cfg, struct arena *a, const struct gateway_call *c,
		     struct gateway_answer *out);

/* Add `key=value` to a form body, both encoded (Stripe's bracket keys pass through encoded,
 * which Stripe reads the same). */
void gateway_form(struct buf *b, struct arena *a, const char *key, const char *value);
void gateway_form_int(struct buf *b, struct arena *a, const char *key, long long value);

/* A string member of `o` reached through dotted `path` ("payment_intent.id"), or NULL. */
const char *gateway_json_str(struct json_object *o, const char *path);
/* An integer member, or `def`. */
long long gateway_json_int(struct json_object *o, const char *path, long long def);
/* Whether a member exists and is not null. */
bool gateway_json_has(struct json_object *o, const char *path);

/* Minor units as a decimal amount, "4500" -> "45.00" (PayPal's amounts; two decimals, as for
 * every currency the shop sells in), and back; -1 when `s` is not such an amount. */
const char *gateway_decimal(struct arena *a, long long cents);
long long gateway_cents(const char *s);

#endif
