/* test_status: the one table of HTTP statuses — every status the application sends has its
 * reason phrase, every error status a page title and an API code, and a status missing from
 * the table still gets words of its class, never an empty or misleading line. */
#include <string.h>
#include "unit.h"
#include "http/status.h"

static const struct {
	int code;
	const char *reason, *title, *api_code;
} rows[] = {
	{ 200, "OK", NULL, NULL },
	{ 201, "Created", NULL, NULL },
	{ 303, "See Other", NULL, NULL },
	{ 400, "Bad Request", "Bad request", "bad_request" },
	{ 402, "Payment Required", NULL, NULL },
	{ 403, "Forbidden", "Forbidden", "forbidden" },
	{ 404, "Not Found", "Page not found", "not_found" },
	{ 405, "Method Not Allowed", "Method not allowed", "method_not_allowed" },
	{ 409, "Conflict", "Conflict", "conflict" },
	{ 410, "Gone", "Link no longer valid", "gone" },
	{ 413, "Payload Too Large", "Request too large", "payload_too_large" },
	{ 422, "Unprocessable Entity", "Cannot process this request", "unprocessable" },
	{ 429, "Too Many Requests", "Too many requests", "too_many_requests" },
	{ 500, "Internal Server Error", NULL, "internal_error" },
	{ 503, "Service Unavailable", "Temporarily unavailable", "unavailable" },
};

START_TEST(test_known)
{
	ck_assert_str_eq(status_reason(rows[_i].code), rows[_i].reason);
	ck_assert_str_eq(status_title(rows[_i].code), rows[_i].title ? rows[_i].title : "Something went wrong");
	ck_assert_str_eq(status_api_code(rows[_i].code), rows[_i].api_code ? rows[_i].api_code : "error");
}
END_TEST

START_TEST(test_unknown)
{
	/* A code nobody listed: generic words of its class, so the status line stays honest. */
	ck_assert_str_eq(status_reason(418), "Client Error");
	ck_assert_str_eq(status_reason(599), "Server Error");
	ck_assert_str_eq(status_reason(299), "OK");
	ck_assert_str_eq(status_reason(399), "Redirect");
	ck_assert_str_eq(status_title(418), "Something went wrong");
	ck_assert_str_eq(status_api_code(418), "error");
	ck_assert_str_eq(status_api_code(0), "error");
	ck_assert(strlen(status_reason(-1)) > 0);
}
END_TEST

Suite *status_suite(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("status");
	tcase_add_loop_test(tc, test_known, 0, UNIT_ROWS(rows));
	tcase_add_test(tc, test_unknown);
	suite_add_tcase(s, tc);
	return s;
}
