/* http_client: outbound HTTP(S) through libcurl — the payment gateways now, SMS providers
 * later. One easy handle per process, reused, so connections to a gateway stay open between
 * requests; it is made on first use in each process (never before a fork). */
#ifndef BOXOFFICE_HTTP_CLIENT_H
#define BOXOFFICE_HTTP_CLIENT_H
#include <stdbool.h>
#include <stddef.h>
#include <ClearSilver.h>

struct arena;

/* Answers bigger than this are cut off and count as no answer: no gateway reply is near it. */
#define HTTP_CLIENT_MAX_BODY (2 * 1024 * 1024)

struct http_client_request {
	const char *method;              /* "GET" or "POST" */
	const char *url;
	const char *content_type;        /* of the body; NULL without one */
	const char *body;                /* NULL: none */
	size_t body_len;
	const char *const *headers;      /* extra "Name: value" lines, NULL-terminated, or NULL */
	const char *basic_auth;          /* "user:password" for HTTP Basic, or NULL */
	long connect_timeout_ms;
	long timeout_ms;                 /* the whole exchange */
};

struct http_client_response {
	long status;                     /* the HTTP status; 0 when no answer came (see error) */
	const char *body;                /* NUL-terminated arena copy ("" when none) */
	size_t body_len;
	const char *request_id;          /* the answer's Request-Id / Paypal-Debug-Id, for logs */
	const char *error;               /* why there was no answer: timeout, refused, cut off ... */
	bool timed_out;
};

/* Send one request and wait for its answer. No answer at all (timeout, refused connection, a
 * body cut off) is not an error but status 0 with `error` set: what it means is the caller's
 * to say. Errors are only what no retry can fix (libcurl refusing its own options). Nothing
 * of the request is logged: it carries secrets. */
NEOERR *http_client_send(struct arena *a, const struct http_client_request *rq,
			 struct http_client_response *out);

#endif
