/* test_fuzz: a deterministic random fuzzer for everything that parses network input.
 * Random bytes and mutations of realistic inputs go through the parsers and the router;
 * under the sanitizer build any overflow, leak or UB fails the run. Invariants are checked
 * on every success: decoded keys and values are valid UTF-8, NUL-free and within limits. */
#include <stdint.h>
#include <string.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/utf8.h"
#include "http/parse.h"
#include "http/router.h"
#include "unit.h"

#define FUZZ_ROUNDS 20000


static const char *const SEEDS[] = {
	"a=1&b=2", "q=caf%C3%A9+m%C3%BCller&page=2", "x=%zz", "k=%00", "%ff=1", "a=1&&b=&=c",
	"category=concerts&startDate=2026-12-01&endDate=2026-12-31&location=Berlin",
	"bo_csrf=0123abcd; theme=\"dark\"; a=b=c", "{\"eventId\":1,\"ticketIds\":[1,2,3]}",
	"[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", "{\"a\":\"\\ud800\"}", "/events/12/tickets",
	"/api/v1/events/%2e%2e/x", "//events", "",
};

static size_t fuzz_input(char *buf, size_t cap)
{
	uint64_t r = unit_rng_next();
	size_t len;
	if (r % 3 == 0) {
		/* pure random bytes, biased to the characters parsers care about */
		static const char alphabet[] = "=&;%+ \"{}[]:,\\/0123456789abcdefABCDEF\x00\x80\xc3\xa9\xff\xed";
		len = (size_t)(unit_rng_next() % cap);
		for (size_t i = 0; i < len; i++)
			buf[i] = alphabet[unit_rng_next() % (sizeof alphabet - 1)];
	} else {
		/* a seed with a few byte flips, insertions and truncations */
		const char *seed = SEEDS[unit_rng_next() % (sizeof SEEDS / sizeof SEEDS[0])];
		len = strlen(seed);
		memcpy(buf, seed, len);
		int edits = (int)(unit_rng_next() % 4);
		for (int e = 0; e < edits && len > 0; e++) {
			size_t pos = (size_t)(unit_rng_next() % len);
			switch (unit_rng_next() % 3) {
			case 0: buf[pos] = (char)unit_rng_next(); break;
			case 1: len = pos; break;
			default:
				if (len + 1 < cap) {
					memmove(buf + pos + 1, buf + pos, len - pos);
					buf[pos] = (char)unit_rng_next();
					len++;
				}
			}
		}
	}
	buf[len] = '\0';
	return len;
}

static void check_params(const struct param *p)
{
	int n = 0;
	for (; p; p = p->next, n++) {
		ck_assert(utf8_valid(p->key, strlen(p->key)));
		ck_assert(strlen(p->key) <= PARSE_MAX_KEY);
		ck_assert(p->value_len <= PARSE_MAX_VALUE);
		ck_assert_uint_eq(strlen(p->value), p->value_len);   /* no embedded NUL */
		ck_assert(utf8_valid(p->value, p->value_len));
	}
	ck_assert_int_le(n, PARSE_MAX_PARAMS);
}

static NEOERR *fuzz_handler(struct request *req)
{
	(void)req;
	return STATUS_OK;
}

static const struct route FUZZ_ROUTES[] = {
	{ .method = "GET", .pattern = "/events", .handler = fuzz_handler },
	{ .method = "GET", .pattern = "/events/{id}", .handler = fuzz_handler },
	{ .method = "POST", .pattern = "/events/{id}/hold", .handler = fuzz_handler },
	{ .method = "GET", .pattern = "/api/v1/events/{eventId}/tickets", .handler = fuzz_handler },
};

START_TEST(fuzz_parsers_and_router)
{
	unit_rng_state = 0x9E3779B97F4A7C15ULL;
	char buf[600];
	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		size_t len = fuzz_input(buf, sizeof buf - 1);
		struct arena *a = arena_new();
		struct param *list = NULL;
		struct parse_error err = { 0, NULL };
		if (parse_urlencoded(a, buf, len, "query string", &list, &err))
			check_params(list);
		else
			ck_assert(err.status == 400 && err.message != NULL && err.message[0] != '\0');
		if (parse_cookies(a, buf, &list, &err))
			check_params(list);
		struct json_object *obj = NULL;
		if (parse_json(a, buf, len, &obj, &err))
			ck_assert(obj != NULL);
		else
			ck_assert(err.message != NULL);
		(void)utf8_valid(buf, len);
		struct route_match m;
		enum router_outcome o = router_match(FUZZ_ROUTES, sizeof FUZZ_ROUTES / sizeof FUZZ_ROUTES[0],
						     a, round % 2 ? "GET" : "POST", buf, &m);
		if (o == ROUTER_MATCH)
			ck_assert_ptr_nonnull(m.route);
		arena_destroy(a);
	}
}
END_TEST

Suite *fuzz_suite(void)
{
	Suite *s = suite_create("fuzz");
	TCase *tc = tcase_create("parsers");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, fuzz_parsers_and_router);
	suite_add_tcase(s, tc);
	return s;
}
