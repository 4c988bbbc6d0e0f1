/* http: the request and response a handler sees, independent of FastCGI.
 * The dispatcher fills a struct request from the FastCGI params; tests can fill one by hand. */
#ifndef BOXOFFICE_HTTP_H
#define BOXOFFICE_HTTP_H
#include <stddef.h>
#include <stdbool.h>
#include <ClearSilver.h>
#include "core/buf.h"
#include "db/db_sessions.h"
#include "http/router.h"

struct arena;
struct param;
struct json_object;
struct app;

#define HTTP_MAX_BODY   (1024 * 1024)   /* bytes; larger bodies get 413 */
#define HTTP_MAX_QUERY  16384           /* bytes of raw query string (a 1,000-character
                                           * query in a non-Latin script, percent-encoded) */

struct response {
	int status;
	const char *content_type;
	struct buf headers;        /* extra "Name: value\r\n" lines */
	struct buf body;
};

struct request {
	struct arena *arena;
	struct app *app;           /* the worker: config, db, cache */
	const char *request_id;
	const char *method;
	const char *path;          /* without the query string */
	const char *query_string;
	const char *content_type;
	const char *remote_addr;
	const char *cookie_header;
	const char *idempotency_key;   /* Idempotency-Key header */
	const char *authorization;     /* Authorization header */
	const char *origin;            /* Origin header (cross-site form checks) */
	const char *host;              /* Host header */
	const char *scheme;            /* "http" or "https" */
	const char *request_start;     /* nginx's REQUEST_START ($msec), read by admission.h */
	/* The FastCGI environment, for http_header(): valid until the response has been sent.
	 * (Copying every header of every request would cost the hot pages for the few that
	 * read an unusual one, such as a webhook's signature.) NULL outside FastCGI. */
	char **fcgi_env;
	const char *body;
	size_t body_len;
	struct param *query;
	struct param *form;        /* urlencoded POST bodies */
	struct param *cookies;
	struct json_object *json;  /* application/json bodies (owned by the arena) */
	struct route_match match;
	HDF *hdf;                  /* the page's data set (created lazily by render) */
	struct response resp;
	const char *csrf_token;    /* cached by http_csrf_token() */
	/* Signed in (http/session.c): who, the hash of the session's id, and what CSRF tokens
	 * are bound to — the session (hex of that hash) rather than the anonymous cookie. */
	const struct session_user *user;
	unsigned char session_hash[32];
	const char *csrf_binding;
	/* Work to do after the response has been handed to nginx (see page_cache.c); only
	 * when `can_defer` (set by the FastCGI dispatcher). */
	bool can_defer;
	void (*after_response)(struct request *req, void *ctx);
	void *after_response_ctx;
};

void http_set_header(struct request *req, const char *name, const char *value);
/* Whether a response header `name` has been set (names compare case-insensitively). */
bool http_has_header(const struct request *req, const char *name);
/* First query / form parameter, or NULL. */
const char *http_query(const struct request *req, const char *key);
const char *http_form(const struct request *req, const char *key);
const char *http_cookie(const struct request *req, const char *key);
/* A request header by its name ("Stripe-Signature"), or NULL; only while the request is being
 * handled (not in work deferred after the response). */
const char *http_header(const struct request *req, const char *name);
/* Path capture (e.g. "id" of /events/{id}), or NULL. */
const char *http_capture(const struct request *req, const char *name);
bool http_is_api(const struct request *req);
/* The CSRF token a page's forms must carry. Signed in, it is bound to the session; otherwise
 * to the browser's CSRF cookie, issued on first use, so pages without forms set no cookie
 * (and stay cacheable). render_page() hands it to the templates as CSRF.Token. */
const char *http_csrf_token(struct request *req);
/* What a submitted token must be bound to: the session's binding, else the CSRF cookie (NULL
 * when there is none). */
const char *http_csrf_bound_to(const struct request *req);
/* The CSRF cookie's name: __Host-bo_csrf on an https site, bo_csrf otherwise. */
const char *http_csrf_cookie_name(const struct request *req);

#endif
