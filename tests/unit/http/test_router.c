/* test_router: (method, path) → route over a small local table, not the application's ROUTES:
 * captures, 404 vs 405 with its Allow list, HEAD on GET routes, and odd or hostile paths. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "core/arena.h"
#include "http/router.h"

static NEOERR *handler_stub(struct request *req)
{
	(void)req;
	return STATUS_OK;
}

enum {
	R_HOME, R_EVENTS, R_EVENTS_CREATE, R_EVENT_NEW, R_EVENT, R_EVENT_DELETE, R_EVENT_BOOK,
	R_SECTION, R_API_BOOKINGS, R_TICKET_PDF, R_TICKET, R_NONE = -1,
};

static const struct route table[] = {
	[R_HOME]         = { .method = "GET",    .pattern = "/",               .handler = handler_stub },
	[R_EVENTS]       = { .method = "GET",    .pattern = "/events",         .handler = handler_stub },
	[R_EVENTS_CREATE] = { .method = "POST",  .pattern = "/events",         .handler = handler_stub,
			      .flags = ROUTE_CSRF },
	[R_EVENT_NEW]    = { .method = "GET",    .pattern = "/events/new",     .handler = handler_stub },
	[R_EVENT]        = { .method = "GET",    .pattern = "/events/{id}",    .handler = handler_stub },
	[R_EVENT_DELETE] = { .method = "DELETE", .pattern = "/events/{id}",    .handler = handler_stub },
	[R_EVENT_BOOK]   = { .method = "POST",   .pattern = "/events/{id}/book", .handler = handler_stub,
			     .flags = ROUTE_CSRF },
	[R_SECTION]      = { .method = "GET",
			     .pattern = "/venues/{venue}/sections/{section}", .handler = handler_stub },
	[R_API_BOOKINGS] = { .method = "POST",   .pattern = "/api/v1/bookings", .handler = handler_stub,
			     .flags = ROUTE_API },
	/* a capture with a literal suffix, listed before the bare capture that also takes it */
	[R_TICKET_PDF]   = { .method = "GET",    .pattern = "/tickets/{code}.pdf", .handler = handler_stub },
	[R_TICKET]       = { .method = "GET",    .pattern = "/tickets/{code}", .handler = handler_stub },
};

struct capture {
	const char *name;
	const char *value;
};

static const struct {
	const char *method;
	const char *path;
	enum router_outcome outcome;
	int route;                  /* table index for ROUTER_MATCH */
	int ncaptures;
	struct capture captures[2];
	const char *allow;          /* for 405: the methods, in any order, comma-separated */
} cases[] = {
	/* static routes */
	{ "GET", "/", ROUTER_MATCH, R_HOME, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/events", ROUTER_MATCH, R_EVENTS, 0, { { NULL, NULL } }, NULL },
	{ "POST", "/events", ROUTER_MATCH, R_EVENTS_CREATE, 0, { { NULL, NULL } }, NULL },
	{ "POST", "/api/v1/bookings", ROUTER_MATCH, R_API_BOOKINGS, 0, { { NULL, NULL } }, NULL },
	/* a static route listed before a capture wins */
	{ "GET", "/events/new", ROUTER_MATCH, R_EVENT_NEW, 0, { { NULL, NULL } }, NULL },
	/* captures */
	{ "GET", "/events/42", ROUTER_MATCH, R_EVENT, 1, { { "id", "42" } }, NULL },
	{ "DELETE", "/events/42", ROUTER_MATCH, R_EVENT_DELETE, 1, { { "id", "42" } }, NULL },
	{ "POST", "/events/7/book", ROUTER_MATCH, R_EVENT_BOOK, 1, { { "id", "7" } }, NULL },
	{ "GET", "/venues/3/sections/A-1", ROUTER_MATCH, R_SECTION, 2,
	  { { "venue", "3" }, { "section", "A-1" } }, NULL },
	/* a capture before a literal suffix: the suffix is not captured, and an empty capture
	 * before it is no match */
	{ "GET", "/tickets/ABC123.pdf", ROUTER_MATCH, R_TICKET_PDF, 1, { { "code", "ABC123" } }, NULL },
	{ "GET", "/tickets/ABC123", ROUTER_MATCH, R_TICKET, 1, { { "code", "ABC123" } }, NULL },
	{ "GET", "/tickets/a.pdf.pdf", ROUTER_MATCH, R_TICKET_PDF, 1, { { "code", "a.pdf" } }, NULL },
	{ "GET", "/tickets/.pdf", ROUTER_MATCH, R_TICKET, 1, { { "code", ".pdf" } }, NULL },
	{ "GET", "/tickets/ABC.pdfx", ROUTER_MATCH, R_TICKET, 1, { { "code", "ABC.pdfx" } }, NULL },
	{ "GET", "/tickets/ABC.pdf/x", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	/* HEAD answers GET routes */
	{ "HEAD", "/", ROUTER_MATCH, R_HOME, 0, { { NULL, NULL } }, NULL },
	{ "HEAD", "/events", ROUTER_MATCH, R_EVENTS, 0, { { NULL, NULL } }, NULL },
	{ "HEAD", "/events/9", ROUTER_MATCH, R_EVENT, 1, { { "id", "9" } }, NULL },
	/* captures with odd characters are passed through raw (not percent-decoded): the handler
	 * validates them */
	{ "GET", "/events/%3Cscript%3E", ROUTER_MATCH, R_EVENT, 1, { { "id", "%3Cscript%3E" } }, NULL },
	{ "GET", "/events/<img src=x onerror=alert(1)>", ROUTER_MATCH, R_EVENT, 1,
	  { { "id", "<img src=x onerror=alert(1)>" } }, NULL },
	{ "GET", "/events/a.b-c_d~e+f", ROUTER_MATCH, R_EVENT, 1, { { "id", "a.b-c_d~e+f" } }, NULL },
	{ "GET", "/events/..", ROUTER_MATCH, R_EVENT, 1, { { "id", ".." } }, NULL },
	{ "GET", "/events/%2F", ROUTER_MATCH, R_EVENT, 1, { { "id", "%2F" } }, NULL },
	{ "GET", "/events/1;drop", ROUTER_MATCH, R_EVENT, 1, { { "id", "1;drop" } }, NULL },
	{ "GET", "/events/'\"", ROUTER_MATCH, R_EVENT, 1, { { "id", "'\"" } }, NULL },
	{ "GET", "/events/\xe6\x97\xa5\xe6\x9c\xac", ROUTER_MATCH, R_EVENT, 1,
	  { { "id", "\xe6\x97\xa5\xe6\x9c\xac" } }, NULL },
	{ "GET", "/events/{id}", ROUTER_MATCH, R_EVENT, 1, { { "id", "{id}" } }, NULL },
	/* 405: the path exists under other methods; Allow lists them (HEAD with GET) */
	{ "PUT", "/events", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } }, "GET, HEAD, POST" },
	{ "DELETE", "/events", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } },
	  "GET, HEAD, POST" },
	{ "PUT", "/events/42", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } },
	  "GET, HEAD, DELETE" },
	{ "POST", "/events/42", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } },
	  "GET, HEAD, DELETE" },
	{ "GET", "/events/7/book", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } }, "POST" },
	{ "HEAD", "/api/v1/bookings", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } }, "POST" },
	{ "GET", "/api/v1/bookings", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } }, "POST" },
	{ "POST", "/", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } }, "GET, HEAD" },
	{ "BREW", "/events", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } }, "GET, HEAD, POST" },
	/* methods are case-sensitive (RFC 9110 9.1) */
	{ "get", "/events", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } }, "GET, HEAD, POST" },
	{ "", "/events", ROUTER_METHOD_NOT_ALLOWED, R_NONE, 0, { { NULL, NULL } }, "GET, HEAD, POST" },
	/* 404 */
	{ "GET", "/nope", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "POST", "/nope", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/event", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/eventsx", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/EVENTS", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/events/42/extra", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/venues/3/sections", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/venues//sections/A", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	/* trailing slash: one canonical URL per page, "/events/" is not "/events" and an empty
	 * segment is not an {id} */
	{ "GET", "/events/", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/events/42/", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "POST", "/events/7/book/", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	/* doubled slashes, empty and relative paths */
	{ "GET", "//", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "//events", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/events//42", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "/events//", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	{ "GET", "events", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } }, NULL },
	/* a '/' inside markup makes more segments than any pattern has */
	{ "GET", "/events/<script>alert(1)</script>", ROUTER_NOT_FOUND, R_NONE, 0, { { NULL, NULL } },
	  NULL },
};

/* Split "GET, HEAD" into a sorted, comparable form: every listed method once, nothing else. */
static bool same_methods(const char *got, const char *want)
{
	const char *methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" };
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		int in_got = 0, in_want = 0;
		size_t mlen = strlen(methods[i]);
		for (const char *p = got; (p = strstr(p, methods[i])) != NULL; p += mlen)
			if ((p == got || p[-1] == ' ' || p[-1] == ',') && (p[mlen] == ',' || p[mlen] == '\0'))
				in_got++;
		for (const char *p = want; (p = strstr(p, methods[i])) != NULL; p += mlen)
			if ((p == want || p[-1] == ' ') && (p[mlen] == ',' || p[mlen] == '\0'))
				in_want++;
		if (in_got != in_want)
			return false;
	}
	/* Same number of entries, so nothing unexpected is listed either. */
	int commas_got = 0, commas_want = 0;
	for (const char *p = got; *p; p++)
		commas_got += *p == ',';
	for (const char *p = want; *p; p++)
		commas_want += *p == ',';
	return commas_got == commas_want;
}

static const char *outcome_name(enum router_outcome o)
{
	return o == ROUTER_MATCH ? "match" : o == ROUTER_NOT_FOUND ? "404" : "405";
}

START_TEST(test_route_table)
{
	const char *method = cases[_i].method, *path = cases[_i].path;
	struct arena *a = arena_new();
	struct route_match m;
	memset(&m, 0xAB, sizeof m);  /* the router must initialise what it returns */
	enum router_outcome got = router_match(table, UNIT_ROWS(table), a, method, path, &m);
	ck_assert_msg(got == cases[_i].outcome, "%s %s: %s, expected %s", method, path,
		      outcome_name(got), outcome_name(cases[_i].outcome));
	if (got == ROUTER_MATCH) {
		ck_assert_msg(m.route == &table[cases[_i].route], "%s %s: matched %s %s, expected %s %s",
			      method, path, m.route->method, m.route->pattern,
			      table[cases[_i].route].method, table[cases[_i].route].pattern);
		/* A route with k {captures} must report k captures; the table rows say which. */
		int pattern_captures = 0;
		for (const char *p = m.route->pattern; *p; p++)
			pattern_captures += *p == '{';
		ck_assert_msg(m.ncaptures == pattern_captures, "%s %s: %d captures, pattern has %d",
			      method, path, m.ncaptures, pattern_captures);
		for (int k = 0; k < cases[_i].ncaptures; k++) {
			const char *v = route_capture(&m, cases[_i].captures[k].name);
			ck_assert_msg(v != NULL && strcmp(v, cases[_i].captures[k].value) == 0,
				      "%s %s: capture %s = '%s', expected '%s'", method, path,
				      cases[_i].captures[k].name, v ? v : "(null)",
				      cases[_i].captures[k].value);
			ck_assert_ptr_ne(v, path);   /* an arena copy, not a pointer into the path */
		}
		ck_assert_ptr_null(route_capture(&m, "nope"));
	} else if (got == ROUTER_METHOD_NOT_ALLOWED) {
		ck_assert_msg(same_methods(m.allow, cases[_i].allow), "%s %s: Allow \"%s\", expected \"%s\"",
			      method, path, m.allow, cases[_i].allow);
	}
	arena_destroy(a);
}
END_TEST

/* The capture is a copy: the path buffer (FastCGI's, reused at the next request) may die. */
START_TEST(test_capture_outlives_path)
{
	struct arena *a = arena_new();
	struct route_match m;
	char *path = strdup("/venues/12/sections/B");
	ck_assert_int_eq(router_match(table, UNIT_ROWS(table), a, "GET", path, &m), ROUTER_MATCH);
	memset(path, 'x', strlen(path));
	free(path);
	ck_assert_int_eq(m.ncaptures, 2);
	ck_assert_str_eq(route_capture(&m, "venue"), "12");
	ck_assert_str_eq(route_capture(&m, "section"), "B");
	ck_assert_str_eq(m.capture_names[0], "venue");
	ck_assert_str_eq(m.capture_names[1], "section");
	ck_assert_str_eq(m.captures[0], "12");
	arena_destroy(a);
}
END_TEST

/* Very long paths: no truncation, no overflow, no crash. */
static const struct {
	const char *prefix;
	size_t filler;             /* bytes of 'x' after the prefix */
	const char *suffix;
	enum router_outcome outcome;
} long_paths[] = {
	{ "/events/", 10000, "", ROUTER_MATCH },        /* one long {id} segment, kept whole */
	{ "/events/", 1 << 20, "", ROUTER_MATCH },
	{ "/", 100000, "", ROUTER_NOT_FOUND },
	{ "/events/1/", 100000, "", ROUTER_NOT_FOUND },
	{ "/events", 0, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z", ROUTER_NOT_FOUND },
};

START_TEST(test_long_paths)
{
	size_t plen = strlen(long_paths[_i].prefix), slen = strlen(long_paths[_i].suffix);
	size_t n = long_paths[_i].filler;
	char *path = malloc(plen + n + slen + 1);
	memcpy(path, long_paths[_i].prefix, plen);
	memset(path + plen, 'x', n);
	memcpy(path + plen + n, long_paths[_i].suffix, slen + 1);
	struct arena *a = arena_new();
	struct route_match m;
	enum router_outcome got = router_match(table, UNIT_ROWS(table), a, "GET", path, &m);
	ck_assert_msg(got == long_paths[_i].outcome, "row %d: %s", _i, outcome_name(got));
	if (got == ROUTER_MATCH) {
		const char *id = route_capture(&m, "id");
		ck_assert_ptr_nonnull(id);
		ck_assert_uint_eq(strlen(id), n);
	}
	free(path);
	arena_destroy(a);
}
END_TEST

/* Deep "////..." and many segments: the matcher stays linear and correct. */
START_TEST(test_many_slashes)
{
	size_t n = 50000;
	char *path = malloc(n + 1);
	memset(path, '/', n);
	path[n] = '\0';
	struct arena *a = arena_new();
	struct route_match m;
	ck_assert_int_eq(router_match(table, UNIT_ROWS(table), a, "GET", path, &m), ROUTER_NOT_FOUND);
	free(path);
	arena_destroy(a);
}
END_TEST

/* An empty table: everything is a 404, nothing is dereferenced. */
START_TEST(test_empty_table)
{
	struct arena *a = arena_new();
	struct route_match m;
	ck_assert_int_eq(router_match(table, 0, a, "GET", "/", &m), ROUTER_NOT_FOUND);
	arena_destroy(a);
}
END_TEST

Suite *router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("router");
	tcase_add_loop_test(tc, test_route_table, 0, UNIT_ROWS(cases));
	tcase_add_test(tc, test_capture_outlives_path);
	tcase_add_loop_test(tc, test_long_paths, 0, UNIT_ROWS(long_paths));
	tcase_add_test(tc, test_many_slashes);
	tcase_add_test(tc, test_empty_table);
	suite_add_tcase(s, tc);
	return s;
}
