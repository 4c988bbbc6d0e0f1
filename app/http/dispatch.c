/* dispatch: the request lifecycle. Route flags (CSRF, sign-in) are enforced here and nowhere
 * else; user errors become 4xx pages, bugs a logged 500 that shows only a request id. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <fastcgi.h>
#include <sodium.h>
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/url.h"
#include "core/utf8.h"
#include "db/db_sessions.h"
#include "http/app.h"
#include "http/csrf.h"
#include "http/dispatch.h"
#include "http/http.h"
#include "http/parse.h"
#include "http/render.h"
#include "http/session.h"
#include "http/status.h"
#include "payments/payments.h"

static const char *fcgi_param(struct arena *a, FCGX_Request *fr, const char *name)
{
	/* FCGX_GetParam's pointers die at the next accept: keep arena copies. */
	const char *v = FCGX_GetParam(name, fr->envp);
	return v ? arena_strdup(a, v) : NULL;
}

static const char *new_request_id(struct arena *a)
{
	unsigned char raw[8];
	randombytes_buf(raw, sizeof raw);
	char *hex = arena_alloc(a, sizeof raw * 2 + 1);
	sodium_bin2hex(hex, sizeof raw * 2 + 1, raw, sizeof raw);
	return hex;
}

static bool content_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Parse query string, cookies and body; false (with the error response set) on bad input. */
static bool dispatch_parse_input(struct request *req)
{
	struct parse_error perr = { 400, NULL };
	const char *qs = req->query_string ? req->query_string : "";
	size_t qlen = strlen(qs);
	if (qlen > HTTP_MAX_QUERY) {
		render_error(req, 400, "The query string is too long.");
		return false;
	}
	if (!parse_urlencoded(req->arena, qs, qlen, "query string", &req->query, &perr) ||
	    !parse_cookies(req->arena, req->cookie_header, &req->cookies, &perr)) {
		render_error(req, perr.status, perr.message);
		return false;
	}
	if (req->body_len == 0)
		return true;
	if (content_type_is(req->content_type, "application/x-www-form-urlencoded")) {
		if (!parse_urlencoded(req->arena, req->body, req->body_len, "form", &req->form, &perr)) {
			render_error(req, perr.status, perr.message);
			return false;
		}
	} else if (content_type_is(req->content_type, "application/json")) {
		if (!parse_json(req->arena, req->body, req->body_len, &req->json, &perr)) {
			render_error(req, perr.status, perr.message);
			return false;
		}
	}
	return true;
}

static bool method_changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	       strcmp(method, "OPTIONS") != 0;
}

/* Browsers send Origin with every cross-site (and same-site) form POST; a missing header
 * means a non-browser client, which carries no ambient credentials to abuse. nginx passes
 * HTTP_HOST as $host (no port), so scheme and host are compared, not the port. */
static bool dispatch_same_origin(const struct request *req)
{
	if (req->host == NULL)
		return false;
	const char *scheme = req->scheme ? req->scheme : "http";
	size_t slen = strlen(scheme), hlen = strlen(req->host);
	const char *o = req->origin;
	if (strncasecmp(o, scheme, slen) != 0 || strncmp(o + slen, "://", 3) != 0)
		return false;
	o += slen + 3;
	return strncasecmp(o, req->host, hlen) == 0 && (o[hlen] == '\0' || o[hlen] == ':');
}

/* Whether the signed-in user's role reaches `needed`: an admin may do what an organizer may. */
static bool dispatch_role_reaches(const char *role, const char *needed)
{
	return strcmp(role, needed) == 0 || strcmp(role, "admin") == 0 ||
	       (strcmp(needed, "customer") == 0);
}

/* A page for the signed-in: anyone else is sent to sign in and brought back (a GET), or told
 * to (anything else); a role the user lacks is a 403. Which objects they may touch is the
 * handler's check, by ownership, as it loads them. */
static bool dispatch_check_user(struct request *req, const struct route *route)
{
	if (req->user == NULL) {
		if (!http_is_api(req) && (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)) {
			const char *back = req->query_string && *req->query_string
				? arena_printf(req->arena, "%s?%s", req->path, req->query_string) : req->path;
			req->resp.status = 303;
			http_set_header(req, "Location", arena_printf(req->arena, "/account/signin?next=%s",
								     url_encode(req->arena, back)));
			return false;
		}
		if (http_is_api(req))
			http_set_header(req, "WWW-Authenticate", "Cookie realm=\"boxoffice\"");
		render_error(req, 401, "Please sign in first.");
		return false;
	}
	if (route->role && !dispatch_role_reaches(req->user->role, route->role)) {
		render_error(req, 403, arena_printf(req->arena, "This page is for %ss; you are signed in as %s.",
						    route->role, req->user->email));
		return false;
	}
	return true;
}

/* The route's flags, enforced in one place. */
static bool dispatch_check_flags(struct request *req)
{
	const struct route *route = req->match.route;
	if ((route->flags & ROUTE_CSRF) && method_changes_state(req->method)) {
		const char *token = http_form(req, CSRF_FIELD);
		const char *secret = req->app ? req->app->cfg->secret_key : NULL;
		if (!csrf_verify(secret, req->app ? http_csrf_bound_to(req) : NULL, token)) {
			render_error(req, 403, "This form has expired or was sent from another site. "
					       "Please go back, reload the page and try again.");
			return false;
		}
	}
	if ((route->flags & ROUTE_SAME_ORIGIN) && method_changes_state(req->method) && req->origin &&
	    !dispatch_same_origin(req)) {
		render_error(req, 403, "This form was sent from another site. Please use the form on our own page.");
		return false;
	}
	if ((route->flags & ROUTE_SIGNED_IN) || route->role)
		return dispatch_check_user(req, route);
	return true;
}

static void dispatch_run_handler(struct request *req)
{
	NEOERR *err = req->match.route->handler(req);
	if (req->app && req->app->db.in_transaction)
		db_rollback(&req->app->db);  /* nothing half-written survives a failed handler */
	if (err == STATUS_OK)
		return;
	int status = errors_http_status(err);
	if (nerr_match(err, NERR_LOCK)) {
		/* Lock contention that outlasted the retries: a clear "try again". */
		http_set_header(req, "Retry-After", "2");
		render_error(req, 503, "We are very busy right now. Please try again in a moment.");
		errors_log_and_free(err, req->request_id);
		return;
	}
	if (status == 500) {
		errors_log_and_free(err, req->request_id);
		render_error(req, 500, arena_printf(req->arena,
			"Something went wrong on our side. If it keeps happening, quote reference %s.",
			req->request_id ? req->request_id : "-"));
		return;
	}
	if (status == 503 && !http_has_header(req, "Retry-After"))
		http_set_header(req, "Retry-After", "5");
	render_error(req, status, errors_message(err));
	nerr_ignore(&err);
}

void dispatch_handle(struct request *req)
{
	if (req->path == NULL || req->path[0] != '/' || !utf8_valid(req->path, strlen(req->path))) {
		render_error(req, 400, "The request path is not valid.");
		return;
	}
	enum router_outcome outcome = router_match(req->app->routes, req->app->nroutes, req->arena,
						   req->method, req->path, &req->match);
	if (outcome == ROUTER_NOT_FOUND) {
		render_error(req, 404, "There is no page at this address.");
		return;
	}
	if (outcome == ROUTER_METHOD_NOT_ALLOWED) {
		http_set_header(req, "Allow", req->match.allow);
		render_error(req, 405, arena_printf(req->arena,
			"This address does not accept %s requests; it accepts %s.",
			req->method, req->match.allow));
		return;
	}
	if (!dispatch_parse_input(req))
		return;
	NEOERR *err = session_load(req);
	if (err != STATUS_OK) {
		errors_log_and_free(err, req->request_id);
		http_set_header(req, "Retry-After", "5");
		render_error(req, 503, "We cannot check who you are signed in as right now. Please try again in a moment.");
		return;
	}
	/* Personal pages and their redirects must not be stored by browsers or proxies; nothing
	 * shown to a signed-in person is stored anywhere shared (the page cache skips them too). */
	if (req->match.route->flags & ROUTE_NO_STORE)
		http_set_header(req, "Cache-Control", "no-store");
	else if (req->user)
		http_set_header(req, "Cache-Control", "private, no-store");
	if (!dispatch_check_flags(req))
		return;
	dispatch_run_handler(req);
}

/* Bodies at least this big bypass libfcgi's stream: see dispatch_put_body. */
#define DISPATCH_DIRECT_MIN (16 * 1024)
/* Content bytes per FastCGI record (the protocol allows 65535), a multiple of 8. */
#define DISPATCH_RECORD_MAX 65528
#define DISPATCH_RECORDS_PER_WRITE 16

/* writev until all of it is out; false on an error (nginx went away). */
static bool dispatch_writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return true;
}

/* libfcgi's stream wraps every 8 KB of output in a record of its own and writes each with its
 * own write(2): a 300 KB event page cost ~40 syscalls and as many wake-ups of nginx. A large
 * body goes out here instead, as 64 KB FCGI_STDOUT records, 16 to a writev, straight from the
 * response buffer (no copy into the stream). What the stream holds (the head) is flushed
 * first, so the order on the wire is kept; libfcgi still ends the stream and the request in
 * FCGX_Finish_r. The bytes nginx passes on are the same either way. */
static void dispatch_put_body(FCGX_Request *fr, const char *data, size_t len)
{
	if (len < DISPATCH_DIRECT_MIN || fr->ipcFd < 0) {
		FCGX_PutStr(data, (int)len, fr->out);
		return;
	}
	if (FCGX_FFlush(fr->out) != 0)
		return;
	FCGI_Header heads[DISPATCH_RECORDS_PER_WRITE];
	struct iovec iov[2 * DISPATCH_RECORDS_PER_WRITE];
	while (len > 0) {
		int n = 0;
		for (int i = 0; i < DISPATCH_RECORDS_PER_WRITE && len > 0; i++) {
			size_t chunk = len < DISPATCH_RECORD_MAX ? len : DISPATCH_RECORD_MAX;
			heads[i] = (FCGI_Header){
				.version = FCGI_VERSION_1,
				.type = FCGI_STDOUT,
				.requestIdB1 = (unsigned char)((fr->requestId >> 8) & 0xff),
				.requestIdB0 = (unsigned char)(fr->requestId & 0xff),
				.contentLengthB1 = (unsigned char)((chunk >> 8) & 0xff),
				.contentLengthB0 = (unsigned char)(chunk & 0xff),
			};
			iov[n++] = (struct iovec){ .iov_base = &heads[i], .iov_len = sizeof heads[i] };
			iov[n++] = (struct iovec){ .iov_base = (void *)data, .iov_len = chunk };
			data += chunk;
			len -= chunk;
		}
		if (!dispatch_writev_all(fr->ipcFd, iov, n))
			return;   /* FCGX_Finish_r runs into the same error and gives up */
	}
}

/* The security headers of an HTML answer. A checkout form posts to us and is redirected to the
 * gateway's own page, and browsers hold that redirect to form-action too: the hosted pages of
 * the gateways the site takes are allowed, nothing else. Made once per worker. */
static const char *dispatch_html_headers(struct app *app)
{
	static const char fixed[] =
		"Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
		"frame-ancestors 'none'; form-action 'self'; base-uri 'self'\r\n"
		"X-Frame-Options: DENY\r\nReferrer-Policy: same-origin\r\n";
	if (app == NULL || app->cfg == NULL)
		return fixed;
	if (app->html_headers)
		return app->html_headers;
	const struct config *cfg = app->cfg;
	struct buf b = { 0 };
	buf_puts(&b, "Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
		     "frame-ancestors 'none'; form-action 'self'");
	if (payments_enabled(cfg, "stripe") && cfg->stripe_checkout_origin && *cfg->stripe_checkout_origin)
		buf_printf(&b, " %s", cfg->stripe_checkout_origin);
	if (payments_enabled(cfg, "paypal") && cfg->paypal_checkout_origin && *cfg->paypal_checkout_origin)
		buf_printf(&b, " %s", cfg->paypal_checkout_origin);
	buf_puts(&b, "; base-uri 'self'\r\nX-Frame-Options: DENY\r\nReferrer-Policy: same-origin\r\n");
	app->html_headers = b.data;   /* kept for the worker's life */
	return app->html_headers;
}

static void dispatch_send(struct request *req, FCGX_Request *fr)
{
	FCGX_Stream *out = fr->out;
	struct response *r = &req->resp;
	if (r->status == 0)
		r->status = 200;
	char head[512];
	/* FCGX_FPrintF has its own printf without %zu: format with snprintf instead. */
	int n = snprintf(head, sizeof head,
			 "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %lu\r\n"
			 "X-Content-Type-Options: nosniff\r\nX-Request-Id: %s\r\n",
			 r->status, status_reason(r->status),
			 r->content_type ? r->content_type : "text/html; charset=utf-8",
			 (unsigned long)r->body.len, req->request_id ? req->request_id : "-");
	FCGX_PutStr(head, n, out);
	if (r->content_type == NULL || strncmp(r->content_type, "text/html", 9) == 0) {
		const char *h = dispatch_html_headers(req->app);
		FCGX_PutStr(h, (int)strlen(h), out);
	}
	if (r->headers.len)
		FCGX_PutStr(r->headers.data, (int)r->headers.len, out);
	FCGX_PutStr("\r\n", 2, out);
	if (strcmp(req->method, "HEAD") != 0 && r->body.len)
		dispatch_put_body(fr, r->body.data, r->body.len);
}

/* Read exactly CONTENT_LENGTH bytes; an oversized body is drained (so the connection stays
 * sane) and answered 413. Returns false with the error response set. */
static bool dispatch_read_body(struct request *req, FCGX_Request *fr, const char *length_param)
{
	if (length_param == NULL || *length_param == '\0')
		return true;
	char *end = NULL;
	unsigned long long len = strtoull(length_param, &end, 10);
	if (*end != '\0' || length_param[0] == '-') {
		render_error(req, 400, "The Content-Length header is not a number.");
		return false;
	}
	if (len > HTTP_MAX_BODY) {
		char sink[8192];
		while (FCGX_GetStr(sink, sizeof sink, fr->in) > 0)
			;
		render_error(req, 413, arena_printf(req->arena,
			"The request body is too large: the limit is %d KiB.", HTTP_MAX_BODY / 1024));
		return false;
	}
	char *body = arena_alloc(req->arena, (size_t)len + 1);
	int got = len ? FCGX_GetStr(body, (int)len, fr->in) : 0;
	if (got < 0 || (unsigned long long)got != len) {
		render_error(req, 400, "The request body ended early.");
		return false;
	}
	body[len] = '\0';
	req->body = body;
	req->body_len = (size_t)len;
	return true;
}

static void response_release(void *p)
{
	struct response *r = p;
	buf_free(&r->body);
	buf_free(&r->headers);
}

void dispatch_fcgi(struct app *app, FCGX_Request *fr)
{
	struct arena *a = arena_new();
	struct request *req = arena_zalloc(a, sizeof *req);
	req->arena = a;
	req->app = app;
	arena_on_destroy(a, response_release, &req->resp);
	req->method = fcgi_param(a, fr, "REQUEST_METHOD");
	if (req->method == NULL)
		req->method = "GET";
	req->path = fcgi_param(a, fr, "DOCUMENT_URI");
	if (req->path == NULL)
		req->path = fcgi_param(a, fr, "SCRIPT_NAME");
	req->query_string = fcgi_param(a, fr, "QUERY_STRING");
	req->content_type = fcgi_param(a, fr, "CONTENT_TYPE");
	req->remote_addr = fcgi_param(a, fr, "REMOTE_ADDR");
	req->cookie_header = fcgi_param(a, fr, "HTTP_COOKIE");
	req->idempotency_key = fcgi_param(a, fr, "HTTP_IDEMPOTENCY_KEY");
	req->authorization = fcgi_param(a, fr, "HTTP_AUTHORIZATION");
	req->origin = fcgi_param(a, fr, "HTTP_ORIGIN");
	req->host = fcgi_param(a, fr, "HTTP_HOST");
	req->scheme = fcgi_param(a, fr, "REQUEST_SCHEME");
	req->request_start = fcgi_param(a, fr, "REQUEST_START");
	req->request_id = fcgi_param(a, fr, "REQUEST_ID");
	if (req->request_id == NULL || *req->request_id == '\0' || strlen(req->request_id) > 64)
		req->request_id = new_request_id(a);

	req->fcgi_env = fr->envp;
	req->can_defer = true;
	if (dispatch_read_body(req, fr, FCGX_GetParam("CONTENT_LENGTH", fr->envp)))
		dispatch_handle(req);
	dispatch_send(req, fr);
	req->fcgi_env = NULL;  /* libfcgi frees it with the request */
	FCGX_Finish_r(fr);   /* the response is complete at nginx from here on */
	if (req->after_response)
		req->after_response(req, req->after_response_ctx);
	arena_destroy(a);
}
