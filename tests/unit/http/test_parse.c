/* test_parse: query strings, forms, cookies and JSON bodies — the good, the malformed and the
 * hostile (bad escapes, huge keys, repeated keys, NUL bytes, invalid UTF-8), table by table. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "unit.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "http/parse.h"

#define WHAT "query string"

struct kv {
	const char *key;
	const char *value;
	size_t value_len;          /* 0: strlen(value) */
};

/* Compare a parsed list with the expected pairs, in order. */
static void check_pairs(const char *name, const struct param *list, const struct kv *want, int n)
{
	int i = 0;
	for (const struct param *p = list; p != NULL; p = p->next, i++) {
		ck_assert_msg(i < n, "%s: more than %d pairs (extra key '%s')", name, n, p->key);
		size_t vlen = want[i].value_len ? want[i].value_len : strlen(want[i].value);
		ck_assert_msg(p->key != NULL && strcmp(p->key, want[i].key) == 0,
			      "%s: pair %d key '%s', expected '%s'", name, i, p->key, want[i].key);
		ck_assert_msg(p->value != NULL, "%s: pair %d ('%s') has a NULL value", name, i, p->key);
		ck_assert_msg(p->value_len == vlen, "%s: pair %d ('%s') value_len %zu, expected %zu",
			      name, i, p->key, p->value_len, vlen);
		ck_assert_msg(memcmp(p->value, want[i].value, vlen) == 0 && p->value[vlen] == '\0',
			      "%s: pair %d ('%s') value '%s', expected '%s'", name, i, p->key,
			      p->value, want[i].value);
	}
	ck_assert_msg(i == n, "%s: %d pairs, expected %d", name, i, n);
}

/* ---- parse_urlencoded: accepted input ---------------------------------------------------- */

static const struct {
	const char *name;
	const char *in;
	size_t len;                /* 0: strlen(in) */
	int npairs;
	struct kv pairs[5];
} urlencoded_ok[] = {
	{ "simple pairs", "a=1&b=2", 0, 2, { { "a", "1", 0 }, { "b", "2", 0 } } },
	{ "plus is space", "q=hello+world", 0, 1, { { "q", "hello world", 0 } } },
	{ "plus in key", "first+name=Ada", 0, 1, { { "first name", "Ada", 0 } } },
	{ "escapes upper and lower case", "k=%41%42%6a%6A%2f%2F", 0, 1, { { "k", "ABjj//", 0 } } },
	{ "escaped delimiters", "%26k%3D=v%3D1%261%2B", 0, 1, { { "&k=", "v=1&1+", 0 } } },
	{ "escaped plus stays plus", "a%2Bb=c%2b", 0, 1, { { "a+b", "c+", 0 } } },
	{ "empty value", "a=&b=2", 0, 2, { { "a", "", 0 }, { "b", "2", 0 } } },
	{ "key without '='", "flag&b=2", 0, 2, { { "flag", "", 0 }, { "b", "2", 0 } } },
	{ "empty pairs", "a=1&&b=2", 0, 2, { { "a", "1", 0 }, { "b", "2", 0 } } },
	{ "leading and trailing '&'", "&a=1&", 0, 1, { { "a", "1", 0 } } },
	{ "only separators", "&&&", 0, 0, { { NULL, NULL, 0 } } },
	{ "empty input", "", 0, 0, { { NULL, NULL, 0 } } },
	{ "'=' inside value", "a=b=c", 0, 1, { { "a", "b=c", 0 } } },
	{ "repeated keys kept in order", "t=1&t=2&x=9&t=3", 0, 4,
	  { { "t", "1", 0 }, { "t", "2", 0 }, { "x", "9", 0 }, { "t", "3", 0 } } },
	{ "length is respected", "a=1&b=2", 3, 1, { { "a", "1", 0 } } },
	{ "length cuts a value", "name=abcdef", 7, 1, { { "name", "ab", 0 } } },
	{ "escaped e-acute", "name=caf%C3%A9", 0, 1, { { "name", "caf\xc3\xa9", 0 } } },
	{ "escaped CJK", "q=%E6%97%A5%E6%9C%AC", 0, 1, { { "q", "\xe6\x97\xa5\xe6\x9c\xac", 0 } } },
	{ "escaped emoji", "e=%F0%9F%8E%AB", 0, 1, { { "e", "\xf0\x9f\x8e\xab", 0 } } },
	{ "raw UTF-8", "city=M\xc3\xbcnchen&q=\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x8e\xab", 0, 2,
	  { { "city", "M\xc3\xbcnchen", 0 }, { "q", "\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x8e\xab", 0 } } },
	{ "UTF-8 key", "%C3%A9t%C3%A9=summer", 0, 1, { { "\xc3\xa9t\xc3\xa9", "summer", 0 } } },
	{ "hostile markup survives intact", "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", 0, 1,
	  { { "q", "<script>alert(1)</script>", 0 } } },
	{ "spaces and tabs kept", "a=%20x%09", 0, 1, { { "a", " x\t", 0 } } },
};

START_TEST(test_urlencoded_ok)
{
	const char *name = urlencoded_ok[_i].name;
	const char *in = urlencoded_ok[_i].in;
	size_t len = urlencoded_ok[_i].len ? urlencoded_ok[_i].len : strlen(in);
	struct arena *a = arena_new();
	struct param *list = (struct param *)1;
	struct parse_error err = { 0, NULL };
	bool ok = parse_urlencoded(a, in, len, WHAT, &list, &err);
	ck_assert_msg(ok, "%s: \"%s\" rejected with %d: %s", name, in, err.status,
		      err.message ? err.message : "(no message)");
	check_pairs(name, list, urlencoded_ok[_i].pairs, urlencoded_ok[_i].npairs);
	arena_destroy(a);
}
END_TEST

/* The input is exactly `len` bytes, not NUL-terminated: the parser must not read past it. */
START_TEST(test_urlencoded_unterminated)
{
	struct arena *a = arena_new();
	static const char text[] = "a=1&b=%41";
	size_t len = sizeof(text) - 1;
	char *exact = malloc(len);
	memcpy(exact, text, len);
	struct param *list = NULL;
	struct parse_error err = { 0, NULL };
	ck_assert(parse_urlencoded(a, exact, len, WHAT, &list, &err));
	free(exact);
	static const struct kv want[] = { { "a", "1", 0 }, { "b", "A", 0 } };
	check_pairs("unterminated buffer", list, want, 2);

	/* A truncated escape at the very end of the buffer is an error, not a read past it. */
	char *cut = malloc(4);
	memcpy(cut, "a=%4", 4);
	ck_assert(!parse_urlencoded(a, cut, 4, WHAT, &list, &err));
	ck_assert_int_eq(err.status, 400);
	free(cut);
	arena_destroy(a);
}
END_TEST

START_TEST(test_param_get_count)
{
	struct arena *a = arena_new();
	struct param *list = NULL;
	struct parse_error err = { 0, NULL };
	ck_assert(parse_urlencoded(a, "t=1&t=2&x=&t=3&flag", 19, WHAT, &list, &err));
	static const struct {
		const char *key;
		const char *first;     /* NULL: absent */
		int count;
	} rows[] = {
		{ "t", "1", 3 }, { "x", "", 1 }, { "flag", "", 1 }, { "missing", NULL, 0 },
		{ "T", NULL, 0 }, { "", NULL, 0 },
	};
	for (int i = 0; i < UNIT_ROWS(rows); i++) {
		const char *got = param_get(list, rows[i].key);
		if (rows[i].first == NULL)
			ck_assert_msg(got == NULL, "param_get('%s') = '%s', expected NULL", rows[i].key, got);
		else
			ck_assert_msg(got != NULL && strcmp(got, rows[i].first) == 0,
				      "param_get('%s') = '%s', expected '%s'", rows[i].key,
				      got ? got : "(null)", rows[i].first);
		ck_assert_msg(param_count(list, rows[i].key) == rows[i].count,
			      "param_count('%s') = %d, expected %d", rows[i].key,
			      param_count(list, rows[i].key), rows[i].count);
	}
	ck_assert_ptr_null(param_get(NULL, "t"));
	ck_assert_int_eq(param_count(NULL, "t"), 0);
	arena_destroy(a);
}
END_TEST

/* ---- parse_urlencoded: rejected input -------------------------------------------------- */

enum mention { MENTION_NONE, MENTION_ESCAPE, MENTION_NUL, MENTION_UTF8 };

static const struct {
	const char *name;
	const char *in;
	size_t len;                /* 0: strlen(in) */
	int status;
	enum mention mention;
} urlencoded_bad[] = {
	{ "lone '%'", "a=%", 0, 400, MENTION_ESCAPE },
	{ "lone '%' mid-value", "a=%&b=2", 0, 400, MENTION_ESCAPE },
	{ "non-hex first digit", "a=%z1", 0, 400, MENTION_ESCAPE },
	{ "non-hex second digit", "a=%1z", 0, 400, MENTION_ESCAPE },
	{ "one hex digit at end", "a=%1", 0, 400, MENTION_ESCAPE },
	{ "bad escape in key", "%zz=1", 0, 400, MENTION_ESCAPE },
	{ "'%' before '&'", "a=1%&b=2", 0, 400, MENTION_ESCAPE },
	{ "signed-looking escape", "a=%-1", 0, 400, MENTION_ESCAPE },
	{ "escape split by length", "a=%41", 4, 400, MENTION_ESCAPE },
	{ "escaped NUL in value", "a=%00", 0, 400, MENTION_NUL },
	{ "escaped NUL in key", "a%00b=1", 0, 400, MENTION_NUL },
	{ "escaped NUL mid-value", "name=ab%00cd", 0, 400, MENTION_NUL },
	{ "raw NUL in value", "a=1\0b", 5, 400, MENTION_NUL },
	{ "raw NUL in key", "a\0=1", 4, 400, MENTION_NUL },
	{ "raw NUL as a whole pair", "a=1&\0&b=2", 9, 400, MENTION_NUL },
	{ "escaped 0xff", "a=%ff", 0, 400, MENTION_UTF8 },
	{ "escaped 0xFE", "a=%FE", 0, 400, MENTION_UTF8 },
	{ "lone continuation byte", "a=%80", 0, 400, MENTION_UTF8 },
	{ "overlong '/' (c0 af)", "a=%c0%af", 0, 400, MENTION_UTF8 },
	{ "overlong (e0 80 af)", "a=%e0%80%af", 0, 400, MENTION_UTF8 },
	{ "surrogate (ed a0 80)", "a=%ed%a0%80", 0, 400, MENTION_UTF8 },
	{ "low surrogate (ed bf bf)", "a=%ed%bf%bf", 0, 400, MENTION_UTF8 },
	{ "above U+10FFFF", "a=%f4%90%80%80", 0, 400, MENTION_UTF8 },
	{ "truncated sequence", "a=%e6%97", 0, 400, MENTION_UTF8 },
	{ "truncated before next pair", "a=%c3&b=%a9", 0, 400, MENTION_UTF8 },
	{ "invalid UTF-8 in key", "%ff=1", 0, 400, MENTION_UTF8 },
	{ "raw invalid byte", "a=\xff", 0, 400, MENTION_UTF8 },
	{ "raw Latin-1 e-acute", "name=caf\xe9", 0, 400, MENTION_UTF8 },
};

static bool mentions(const char *msg, enum mention m)
{
	switch (m) {
	case MENTION_ESCAPE:
		return strcasestr(msg, "escape") || strcasestr(msg, "percent") || strchr(msg, '%');
	case MENTION_NUL:
		return strcasestr(msg, "NUL") || strcasestr(msg, "zero byte");
	case MENTION_UTF8:
		return strcasestr(msg, "UTF-8") || strcasestr(msg, "UTF8");
	case MENTION_NONE:
		break;
	}
	return true;
}

static const char *mention_word(enum mention m)
{
	return m == MENTION_ESCAPE ? "the escape" : m == MENTION_NUL ? "the NUL byte" : "UTF-8";
}

START_TEST(test_urlencoded_bad)
{
	const char *name = urlencoded_bad[_i].name;
	const char *in = urlencoded_bad[_i].in;
	size_t len = urlencoded_bad[_i].len ? urlencoded_bad[_i].len : strlen(in);
	struct arena *a = arena_new();
	struct param *list = NULL;
	struct parse_error err = { 0, NULL };
	bool ok = parse_urlencoded(a, in, len, WHAT, &list, &err);
	ck_assert_msg(!ok, "%s: accepted", name);
	ck_assert_msg(err.status == urlencoded_bad[_i].status, "%s: status %d, expected %d", name,
		      err.status, urlencoded_bad[_i].status);
	ck_assert_msg(err.message != NULL && *err.message, "%s: no message", name);
	ck_assert_msg(mentions(err.message, urlencoded_bad[_i].mention),
		      "%s: message \"%s\" does not mention %s", name, err.message,
		      mention_word(urlencoded_bad[_i].mention));
	/* parse.h: `what` names the input in messages. */
	ck_assert_msg(strstr(err.message, WHAT) != NULL, "%s: message \"%s\" does not say \"%s\"",
		      name, err.message, WHAT);
	arena_destroy(a);
}
END_TEST

/* ---- parse_urlencoded: size limits ------------------------------------------------------- */

static const struct {
	const char *name;
	size_t key_len;            /* decoded bytes */
	size_t value_len;          /* decoded bytes */
	bool encoded;              /* every byte written as %XX (three input bytes each) */
	int status;                /* 0: accepted */
} urlencoded_sizes[] = {
	{ "key at the limit", PARSE_MAX_KEY, 1, false, 0 },
	{ "key one over the limit", PARSE_MAX_KEY + 1, 1, false, 400 },
	{ "escaped key at the limit (decoded size counts)", PARSE_MAX_KEY, 1, true, 0 },
	{ "escaped key one over the limit", PARSE_MAX_KEY + 1, 1, true, 400 },
	{ "huge key", 200000, 1, false, 400 },
	{ "value at the limit", 1, PARSE_MAX_VALUE, false, 0 },
	{ "escaped value at the limit (decoded size counts)", 1, PARSE_MAX_VALUE, true, 0 },
	/* parse.h says only "400 or 413"; parse.c documents every parse failure as a 400, and an
	 * over-long value is malformed input rather than an oversized body (the body limit,
	 * HTTP_MAX_BODY, is what answers 413). */
	{ "value one over the limit", 1, PARSE_MAX_VALUE + 1, false, 400 },
	{ "escaped value one over the limit", 1, PARSE_MAX_VALUE + 1, true, 400 },
	{ "huge value", 1, 900000, false, 400 },
};

/* Append n bytes of c, plain or as %XX escapes. */
static char *put_run(char *p, char c, size_t n, bool encoded)
{
	for (size_t i = 0; i < n; i++) {
		if (encoded) {
			static const char hex[] = "0123456789ABCDEF";
			*p++ = '%';
			*p++ = hex[(unsigned char)c >> 4];
			*p++ = hex[(unsigned char)c & 15];
		} else {
			*p++ = c;
		}
	}
	return p;
}

START_TEST(test_urlencoded_sizes)
{
	const char *name = urlencoded_sizes[_i].name;
	size_t klen = urlencoded_sizes[_i].key_len, vlen = urlencoded_sizes[_i].value_len;
	bool enc = urlencoded_sizes[_i].encoded;
	size_t scale = enc ? 3 : 1;
	char *in = malloc(klen * scale + vlen * scale + 16);
	char *p = put_run(in, 'k', klen, enc);
	*p++ = '=';
	p = put_run(p, 'v', vlen, enc);
	memcpy(p, "&z=1", 4);
	p += 4;
	size_t len = (size_t)(p - in);

	struct arena *a = arena_new();
	struct param *list = NULL;
	struct parse_error err = { 0, NULL };
	bool ok = parse_urlencoded(a, in, len, WHAT, &list, &err);
	if (urlencoded_sizes[_i].status == 0) {
		ck_assert_msg(ok, "%s: rejected with %d: %s", name, err.status, err.message);
		ck_assert_int_eq(param_count(list, "z"), 1);
		ck_assert_ptr_nonnull(list);
		ck_assert_uint_eq(strlen(list->key), klen);
		ck_assert_uint_eq(list->value_len, vlen);
		ck_assert_uint_eq(strlen(list->value), vlen);
		ck_assert_int_eq(list->value[vlen - 1], 'v');
	} else {
		ck_assert_msg(!ok, "%s: accepted", name);
		ck_assert_msg(err.status == urlencoded_sizes[_i].status, "%s: status %d, expected %d",
			      name, err.status, urlencoded_sizes[_i].status);
		ck_assert_msg(err.message && strstr(err.message, WHAT), "%s: message \"%s\"", name,
			      err.message ? err.message : "(null)");
		/* The message is shown to users: it must not echo a 200 kB key back at them. */
		ck_assert_msg(strlen(err.message) < 512, "%s: %zu-byte message", name,
			      strlen(err.message));
	}
	free(in);
	arena_destroy(a);
}
END_TEST

static const struct {
	const char *name;
	int pairs;
	const char *pair;          /* every pair; NULL: distinct "p<i>=<i>" pairs */
	int status;                /* 0: accepted */
} urlencoded_counts[] = {
	{ "exactly PARSE_MAX_PARAMS pairs", PARSE_MAX_PARAMS, NULL, 0 },
	{ "one pair too many", PARSE_MAX_PARAMS + 1, NULL, 400 },
	{ "ten thousand pairs", 10000, NULL, 400 },
	{ "one pair too many, all the same key", PARSE_MAX_PARAMS + 1, "k=v", 400 },
	{ "too many keys without '='", PARSE_MAX_PARAMS * 4, "k", 400 },
};

START_TEST(test_urlencoded_counts)
{
	const char *name = urlencoded_counts[_i].name;
	int n = urlencoded_counts[_i].pairs;
	const char *pair = urlencoded_counts[_i].pair;
	char *in = malloc((size_t)n * 16 + 1), *p = in;
	for (int i = 0; i < n; i++) {
		if (i)
			*p++ = '&';
		if (pair)
			p += sprintf(p, "%s", pair);
		else
			p += sprintf(p, "p%d=%d", i, i);
	}
	struct arena *a = arena_new();
	struct param *list = NULL;
	struct parse_error err = { 0, NULL };
	bool ok = parse_urlencoded(a, in, (size_t)(p - in), WHAT, &list, &err);
	if (urlencoded_counts[_i].status == 0) {
		ck_assert_msg(ok, "%s: rejected with %d: %s", name, err.status, err.message);
		int got = 0;
		for (struct param *q = list; q; q = q->next)
			got++;
		ck_assert_int_eq(got, n);
		char last[16];
		snprintf(last, sizeof last, "p%d", n - 1);
		ck_assert_str_eq(param_get(list, last), last + 1);
	} else {
		ck_assert_msg(!ok, "%s: accepted", name);
		ck_assert_int_eq(err.status, urlencoded_counts[_i].status);
		ck_assert_msg(err.message && strstr(err.message, WHAT), "%s: message \"%s\"", name,
			      err.message ? err.message : "(null)");
	}
	free(in);
	arena_destroy(a);
}
END_TEST

/* ---- parse_cookies -------------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *header;
	int npairs;
	struct kv pairs[4];
	const char *absent[3];     /* names that must not be found */
} cookie_cases[] = {
	{ "two cookies", "a=1; b=2", 2, { { "a", "1", 0 }, { "b", "2", 0 } }, { NULL } },
	{ "no space after ';'", "a=1;b=2", 2, { { "a", "1", 0 }, { "b", "2", 0 } }, { NULL } },
	{ "extra spaces and tabs", "   a=1 ;\t b=2   ", 2, { { "a", "1", 0 }, { "b", "2", 0 } },
	  { NULL } },
	/* RFC 6265 5.2: whitespace around the name and the value is removed. */
	{ "spaces around '='", "a = 1; b= 2", 2, { { "a", "1", 0 }, { "b", "2", 0 } }, { NULL } },
	/* RFC 6265 4.1.1 allows DQUOTE *cookie-octet DQUOTE: the quotes are not part of the value. */
	{ "quoted value", "a=\"v1\"; b=\"\"", 2, { { "a", "v1", 0 }, { "b", "", 0 } }, { NULL } },
	{ "lone quote kept", "a=\"v1", 1, { { "a", "\"v1", 0 } }, { NULL } },
	{ "pair without '=' skipped", "novalue; a=1", 1, { { "a", "1", 0 } }, { "novalue", NULL } },
	{ "empty name skipped", "=x; a=1", 1, { { "a", "1", 0 } }, { "", NULL } },
	{ "empty value kept", "a=; b=2", 2, { { "a", "", 0 }, { "b", "2", 0 } }, { NULL } },
	{ "stray semicolons", ";;; a=1 ;; ;", 1, { { "a", "1", 0 } }, { NULL } },
	{ "empty header", "", 0, { { NULL, NULL, 0 } }, { "a", NULL } },
	{ "repeated names kept in order", "a=1; a=2; b=3", 3,
	  { { "a", "1", 0 }, { "a", "2", 0 }, { "b", "3", 0 } }, { NULL } },
	{ "values not percent-decoded", "a=%41%20b; c=x+y", 2,
	  { { "a", "%41%20b", 0 }, { "c", "x+y", 0 } }, { NULL } },
	{ "'=' inside value", "t=a=b==", 1, { { "t", "a=b==", 0 } }, { NULL } },
	{ "csrf and session cookies", "bo_csrf=0123abcd; bo_session=s%3Axyz", 2,
	  { { "bo_csrf", "0123abcd", 0 }, { "bo_session", "s%3Axyz", 0 } }, { NULL } },
	{ "UTF-8 value", "city=M\xc3\xbcnchen", 1, { { "city", "M\xc3\xbcnchen", 0 } }, { NULL } },
};

START_TEST(test_cookies)
{
	const char *name = cookie_cases[_i].name;
	struct arena *a = arena_new();
	struct param *list = (struct param *)1;
	struct parse_error err = { 0, NULL };
	bool ok = parse_cookies(a, cookie_cases[_i].header, &list, &err);
	ck_assert_msg(ok, "%s: rejected with %d: %s", name, err.status, err.message);
	check_pairs(name, list, cookie_cases[_i].pairs, cookie_cases[_i].npairs);
	for (int k = 0; k < 3 && cookie_cases[_i].absent[k]; k++)
		ck_assert_msg(param_get(list, cookie_cases[_i].absent[k]) == NULL,
			      "%s: '%s' should be absent", name, cookie_cases[_i].absent[k]);
	arena_destroy(a);
}
END_TEST

START_TEST(test_cookies_null_header)
{
	struct arena *a = arena_new();
	struct param *list = (struct param *)1;
	struct parse_error err = { 0, NULL };
	ck_assert(parse_cookies(a, NULL, &list, &err));
	ck_assert_ptr_null(list);
	arena_destroy(a);
}
END_TEST

START_TEST(test_cookies_repeated)
{
	struct arena *a = arena_new();
	struct param *list = NULL;
	struct parse_error err = { 0, NULL };
	ck_assert(parse_cookies(a, "id=first; x=1; id=second; id=third", &list, &err));
	ck_assert_str_eq(param_get(list, "id"), "first");
	ck_assert_int_eq(param_count(list, "id"), 3);
	ck_assert_int_eq(param_count(list, "x"), 1);
	arena_destroy(a);
}
END_TEST

/* A long header of many real cookies (analytics-laden browsers send kilobytes). */
START_TEST(test_cookies_long_header)
{
	enum { N = 200, VLEN = 300 };
	char *h = malloc((size_t)N * (VLEN + 16) + 1), *p = h;
	for (int i = 0; i < N; i++) {
		p += sprintf(p, "%sc%d=", i ? "; " : "", i);
		memset(p, 'a' + i % 26, VLEN);
		p += VLEN;
	}
	*p = '\0';
	struct arena *a = arena_new();
	struct param *list = NULL;
	struct parse_error err = { 0, NULL };
	ck_assert(parse_cookies(a, h, &list, &err));
	int n = 0;
	for (struct param *q = list; q; q = q->next, n++) {
		ck_assert_uint_eq(q->value_len, VLEN);
		ck_assert_uint_eq(strlen(q->value), VLEN);
	}
	ck_assert_int_eq(n, N);
	const char *last = param_get(list, "c199");
	ck_assert_ptr_nonnull(last);
	ck_assert_int_eq(last[0], 'a' + 199 % 26);
	free(h);
	arena_destroy(a);
}
END_TEST

/* Hostile cookie headers: whatever the parser does, it never keeps a truncated value, and
 * never keeps more pairs than its limit. */
static const struct {
	const char *name;
	size_t value_len;          /* one cookie "big" of this many bytes, then "; a=1" */
	int cookies;               /* or this many small cookies */
} cookie_hostile[] = {
	{ "value over PARSE_MAX_VALUE", PARSE_MAX_VALUE + 1, 0 },
	{ "megabyte value", 1 << 20, 0 },
	{ "more cookies than PARSE_MAX_PARAMS", 0, PARSE_MAX_PARAMS * 3 },
};

START_TEST(test_cookies_hostile)
{
	const char *name = cookie_hostile[_i].name;
	size_t vlen = cookie_hostile[_i].value_len;
	int cookies = cookie_hostile[_i].cookies;
	char *h = malloc(vlen + (size_t)cookies * 16 + 32), *p = h;
	if (vlen) {
		p += sprintf(p, "big=");
		memset(p, 'v', vlen);
		p += vlen;
		p += sprintf(p, "; a=1");
	}
	for (int i = 0; i < cookies; i++)
		p += sprintf(p, "%sc%d=%d", i ? "; " : "", i, i);
	*p = '\0';
	struct arena *a = arena_new();
	struct param *list = NULL;
	struct parse_error err = { 0, NULL };
	if (parse_cookies(a, h, &list, &err)) {
		const char *big = param_get(list, "big");
		ck_assert_msg(big == NULL || strlen(big) == vlen, "%s: 'big' kept truncated (%zu bytes)",
			      name, big ? strlen(big) : 0);
		if (vlen)
			ck_assert_msg(big == NULL, "%s: a value over PARSE_MAX_VALUE was kept", name);
		int n = 0;
		for (struct param *q = list; q; q = q->next)
			n++;
		ck_assert_msg(n <= PARSE_MAX_PARAMS, "%s: %d pairs kept", name, n);
		if (vlen)
			ck_assert_msg(param_get(list, "a") != NULL, "%s: the good cookie after it was lost",
				      name);
	} else {
		ck_assert_msg(err.status == 400 || err.status == 413, "%s: status %d", name, err.status);
		ck_assert_ptr_nonnull(err.message);
	}
	free(h);
	arena_destroy(a);
}
END_TEST

/* ---- parse_json --------------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *in;
	size_t len;                /* 0: strlen(in) */
	json_type type;            /* json_type_null: must be rejected with 400 */
} json_cases[] = {
	{ "object", "{\"a\":1,\"b\":\"two\",\"c\":[1,2,{\"d\":null}],\"e\":true}", 0, json_type_object },
	{ "array", "[1,2,3]", 0, json_type_array },
	{ "empty object", "{}", 0, json_type_object },
	{ "empty array", "[]", 0, json_type_array },
	{ "surrounding whitespace", " \r\n\t{\"a\":1}\n ", 0, json_type_object },
	{ "UTF-8 strings", "{\"name\":\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\xab\"}", 0,
	  json_type_object },
	{ "unicode escapes", "{\"name\":\"caf\\u00e9 \\ud83c\\udfab\"}", 0, json_type_object },
	{ "hostile markup is just data", "{\"q\":\"<script>alert(1)</script>\"}", 0, json_type_object },
	{ "empty body", "", 0, json_type_null },
	{ "whitespace only", "  \n\t ", 0, json_type_null },
	{ "scalar number at top", "42", 0, json_type_null },
	{ "scalar string at top", "\"text\"", 0, json_type_null },
	{ "null at top", "null", 0, json_type_null },
	{ "truncated object", "{\"a\":", 0, json_type_null },
	{ "truncated array", "[1,2", 0, json_type_null },
	{ "truncated string", "{\"a\":\"b", 0, json_type_null },
	{ "truncated by length", "{\"a\":1}", 6, json_type_null },
	{ "trailing garbage", "{\"a\":1}x", 0, json_type_null },
	{ "two values", "{} {}", 0, json_type_null },
	{ "trailing comma", "{\"a\":1,}", 0, json_type_null },
	{ "unquoted key", "{a:1}", 0, json_type_null },
	{ "NUL inside a string", "{\"a\":\"b\0c\"}", 11, json_type_null },
	{ "NUL after the value", "{\"a\":1}\0", 8, json_type_null },
	{ "NUL before the value", "\0{\"a\":1}", 8, json_type_null },
	{ "invalid UTF-8 (0xff) in a string", "{\"a\":\"\xff\"}", 0, json_type_null },
	{ "overlong UTF-8 in a string", "{\"a\":\"\xc0\xaf\"}", 0, json_type_null },
	{ "surrogate UTF-8 in a string", "{\"a\":\"\xed\xa0\x80\"}", 0, json_type_null },
	{ "invalid UTF-8 in a key", "{\"\xfe\":1}", 0, json_type_null },
	{ "garbage", "<html>", 0, json_type_null },
};

START_TEST(test_json)
{
	const char *name = json_cases[_i].name;
	const char *in = json_cases[_i].in;
	size_t len = json_cases[_i].len ? json_cases[_i].len : strlen(in);
	struct arena *a = arena_new();
	struct json_object *obj = NULL;
	struct parse_error err = { 0, NULL };
	bool ok = parse_json(a, in, len, &obj, &err);
	if (json_cases[_i].type != json_type_null) {
		ck_assert_msg(ok, "%s: rejected with %d: %s", name, err.status, err.message);
		ck_assert_ptr_nonnull(obj);
		ck_assert_msg(json_object_is_type(obj, json_cases[_i].type), "%s: wrong type %s", name,
			      json_type_to_name(json_object_get_type(obj)));
	} else {
		ck_assert_msg(!ok, "%s: accepted", name);
		ck_assert_msg(err.status == 400, "%s: status %d, expected 400", name, err.status);
		ck_assert_msg(err.message && *err.message, "%s: no message", name);
	}
	/* The object belongs to the arena: destroying it must release it (LeakSanitizer checks). */
	arena_destroy(a);
}
END_TEST

START_TEST(test_json_values)
{
	struct arena *a = arena_new();
	struct json_object *obj = NULL, *v = NULL;
	struct parse_error err = { 0, NULL };
	static const char body[] =
		"{\"event_id\":42,\"seats\":[\"A1\",\"A2\"],\"name\":\"caf\xc3\xa9\",\"esc\":\"\\u00e9\"}";
	ck_assert(parse_json(a, body, sizeof(body) - 1, &obj, &err));
	ck_assert(json_object_object_get_ex(obj, "event_id", &v));
	ck_assert_int_eq(json_object_get_int(v), 42);
	ck_assert(json_object_object_get_ex(obj, "seats", &v));
	ck_assert_uint_eq(json_object_array_length(v), 2);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 1)), "A2");
	ck_assert(json_object_object_get_ex(obj, "name", &v));
	ck_assert_str_eq(json_object_get_string(v), "caf\xc3\xa9");
	ck_assert(json_object_object_get_ex(obj, "esc", &v));
	ck_assert_str_eq(json_object_get_string(v), "\xc3\xa9");
	arena_destroy(a);
}
END_TEST

/* "\u0000" decodes to a NUL inside a C string: json_object_get_string() would silently cut the
 * value there ("a@b.example\u0000evil" reads as "a@b.example"). Like a raw NUL, it is refused. */
START_TEST(test_json_escaped_nul)
{
	static const char *const bodies[] = {
		"{\"email\":\"a@b.example\\u0000evil\"}",
		"{\"k\\u0000ey\":1}",
		"[\"\\u0000\"]",
	};
	for (int i = 0; i < UNIT_ROWS(bodies); i++) {
		struct arena *a = arena_new();
		struct json_object *obj = NULL;
		struct parse_error err = { 0, NULL };
		bool ok = parse_json(a, bodies[i], strlen(bodies[i]), &obj, &err);
		ck_assert_msg(!ok, "%s: accepted (a NUL inside a decoded string)", bodies[i]);
		ck_assert_int_eq(err.status, 400);
		arena_destroy(a);
	}
}
END_TEST

static const struct {
	int depth;                 /* nesting levels */
	char open, close;
	bool ok;
} json_depths[] = {
	{ 1, '[', ']', true },
	{ PARSE_MAX_JSON_DEPTH - 1, '[', ']', true },
	{ PARSE_MAX_JSON_DEPTH, '[', ']', true },
	{ PARSE_MAX_JSON_DEPTH + 1, '[', ']', false },
	{ PARSE_MAX_JSON_DEPTH, '{', '}', true },
	{ PARSE_MAX_JSON_DEPTH + 1, '{', '}', false },
	{ 100000, '[', ']', false },
	{ 100000, '{', '}', false },
};

START_TEST(test_json_depth)
{
	int depth = json_depths[_i].depth;
	bool objects = json_depths[_i].open == '{';
	/* Objects nest as {"a":{"a":...{}}}; arrays as [[...[]]]. */
	char *in = malloc((size_t)depth * 6 + 1), *p = in;
	for (int i = 0; i < depth; i++) {
		if (objects && i > 0)
			p += strlen(strcpy(p, "\"a\":"));
		*p++ = json_depths[_i].open;
	}
	for (int i = 0; i < depth; i++)
		*p++ = json_depths[_i].close;
	*p = '\0';
	struct arena *a = arena_new();
	struct json_object *obj = NULL;
	struct parse_error err = { 0, NULL };
	bool ok = parse_json(a, in, (size_t)(p - in), &obj, &err);
	ck_assert_msg(ok == json_depths[_i].ok, "depth %d of %c: %s (%s)", depth, json_depths[_i].open,
		      ok ? "accepted" : "rejected", ok ? "" : err.message);
	if (!ok)
		ck_assert_int_eq(err.status, 400);
	free(in);
	arena_destroy(a);
}
END_TEST

/* ---- utf8_valid --------------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *s;
	size_t len;                /* 0 with a non-empty s: strlen(s) */
	bool valid;
} utf8_cases[] = {
	{ "empty", "", 0, true },
	{ "ASCII", "hello, world", 0, true },
	{ "e-acute (2 bytes)", "caf\xc3\xa9", 0, true },
	{ "CJK (3 bytes)", "\xe6\x97\xa5\xe6\x9c\xac", 0, true },
	{ "emoji (4 bytes)", "\xf0\x9f\x8e\xab", 0, true },
	{ "U+0080 (smallest 2-byte)", "\xc2\x80", 0, true },
	{ "U+0800 (smallest 3-byte)", "\xe0\xa0\x80", 0, true },
	{ "U+D7FF (before surrogates)", "\xed\x9f\xbf", 0, true },
	{ "U+E000 (after surrogates)", "\xee\x80\x80", 0, true },
	{ "U+FFFF", "\xef\xbf\xbf", 0, true },
	{ "U+10000 (smallest 4-byte)", "\xf0\x90\x80\x80", 0, true },
	{ "U+10FFFF (largest)", "\xf4\x8f\xbf\xbf", 0, true },
	{ "length stops before bad byte", "ok\xff", 2, true },
	{ "NUL", "a\0b", 3, false },
	{ "lone NUL", "\0", 1, false },
	{ "0xff", "\xff", 0, false },
	{ "0xfe", "\xfe", 0, false },
	{ "lone continuation", "\x80", 0, false },
	{ "continuation after ASCII", "a\xbf", 0, false },
	{ "overlong '/' c0 af", "\xc0\xaf", 0, false },
	{ "overlong c1 bf", "\xc1\xbf", 0, false },
	{ "overlong 3-byte e0 80 af", "\xe0\x80\xaf", 0, false },
	{ "overlong 3-byte e0 9f bf", "\xe0\x9f\xbf", 0, false },
	{ "overlong 4-byte f0 80 80 af", "\xf0\x80\x80\xaf", 0, false },
	{ "overlong 4-byte f0 8f bf bf", "\xf0\x8f\xbf\xbf", 0, false },
	{ "high surrogate ed a0 80", "\xed\xa0\x80", 0, false },
	{ "low surrogate ed bf bf", "\xed\xbf\xbf", 0, false },
	{ "surrogate pair as CESU-8", "\xed\xa0\xbd\xed\xb2\xa9", 0, false },
	{ "above U+10FFFF f4 90 80 80", "\xf4\x90\x80\x80", 0, false },
	{ "f5 lead byte", "\xf5\x80\x80\x80", 0, false },
	{ "5-byte form", "\xf8\x88\x80\x80\x80", 0, false },
	{ "truncated 2-byte", "caf\xc3", 0, false },
	{ "truncated 3-byte", "\xe6\x97", 0, false },
	{ "truncated 4-byte", "\xf0\x9f\x8e", 0, false },
	{ "truncated by length", "caf\xc3\xa9", 4, false },
	{ "bad continuation", "\xc3\x28", 0, false },
	{ "ASCII where continuation due", "\xe2\x82(", 0, false },
	{ "valid then invalid", "\xe6\x97\xa5\xff", 0, false },
};

START_TEST(test_utf8)
{
	const char *s = utf8_cases[_i].s;
	size_t len = utf8_cases[_i].len ? utf8_cases[_i].len : strlen(s);
	ck_assert_msg(utf8_valid(s, len) == utf8_cases[_i].valid, "%s: expected %s", utf8_cases[_i].name,
		      utf8_cases[_i].valid ? "valid" : "invalid");
}
END_TEST

/* Exactly-sized heap copies: the validator must not read past len (ASan would report it). */
START_TEST(test_utf8_exact_buffer)
{
	static const struct { const char *s; size_t len; bool valid; } rows[] = {
		{ "\xc3", 1, false }, { "\xe6\x97", 2, false }, { "\xf0\x9f\x8e", 3, false },
		{ "\xc3\xa9", 2, true }, { "\xf0\x9f\x8e\xab", 4, true },
	};
	for (int i = 0; i < UNIT_ROWS(rows); i++) {
		char *buf = malloc(rows[i].len);
		memcpy(buf, rows[i].s, rows[i].len);
		ck_assert_msg(utf8_valid(buf, rows[i].len) == rows[i].valid, "row %d", i);
		free(buf);
	}
}
END_TEST

/* utf8_prefix: never more than max bytes, never half a character, all of a short string. */
static const struct {
	const char *s;
	size_t max, want;
} prefix_cases[] = {
	{ "", 5, 0 },
	{ "abc", 5, 3 },
	{ "abc", 3, 3 },
	{ "abcd", 3, 3 },
	{ "abc", 0, 0 },
	{ "caf\xc3\xa9", 4, 3 },                     /* the cut would fall inside the e-acute */
	{ "caf\xc3\xa9", 5, 5 },
	{ "caf\xc3\xa9!", 5, 5 },
	{ "\xe6\x97\xa5\xe6\x9c\xac", 5, 3 },         /* 3-byte characters */
	{ "\xe6\x97\xa5\xe6\x9c\xac", 4, 3 },
	{ "\xe6\x97\xa5\xe6\x9c\xac", 2, 0 },
	{ "a\xf0\x9f\x8e\xab", 4, 1 },                /* a 4-byte character */
	{ "a\xf0\x9f\x8e\xab", 5, 5 },
};

START_TEST(test_utf8_prefix)
{
	size_t got = utf8_prefix(prefix_cases[_i].s, prefix_cases[_i].max);
	ck_assert_msg(got == prefix_cases[_i].want, "row %d: %zu, expected %zu", _i, got, prefix_cases[_i].want);
}
END_TEST

/* Any valid string cut anywhere stays valid and within the limit. */
START_TEST(test_utf8_prefix_valid)
{
	static const char *texts[] = { "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", "\xce\xa3\xce\xbf\xcf\x86\xce\xaf\xce\xb1",
				       "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "x\xf0\x9f\x8e\xab\xf0\x9f\x8e\xab" };
	for (int t = 0; t < UNIT_ROWS(texts); t++)
		for (size_t max = 0; max <= strlen(texts[t]) + 1; max++) {
			size_t n = utf8_prefix(texts[t], max);
			ck_assert(n <= max && n <= strlen(texts[t]));
			ck_assert_msg(utf8_valid(texts[t], n), "text %d cut at %zu", t, max);
			ck_assert(max < strlen(texts[t]) || n == strlen(texts[t]));
		}
}
END_TEST

Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("urlencoded");
	tcase_add_loop_test(tc, test_urlencoded_ok, 0, UNIT_ROWS(urlencoded_ok));
	tcase_add_test(tc, test_urlencoded_unterminated);
	tcase_add_test(tc, test_param_get_count);
	tcase_add_loop_test(tc, test_urlencoded_bad, 0, UNIT_ROWS(urlencoded_bad));
	tcase_add_loop_test(tc, test_urlencoded_sizes, 0, UNIT_ROWS(urlencoded_sizes));
	tcase_add_loop_test(tc, test_urlencoded_counts, 0, UNIT_ROWS(urlencoded_counts));
	suite_add_tcase(s, tc);

	tc = tcase_create("cookies");
	tcase_add_loop_test(tc, test_cookies, 0, UNIT_ROWS(cookie_cases));
	tcase_add_test(tc, test_cookies_null_header);
	tcase_add_test(tc, test_cookies_repeated);
	tcase_add_test(tc, test_cookies_long_header);
	tcase_add_loop_test(tc, test_cookies_hostile, 0, UNIT_ROWS(cookie_hostile));
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_loop_test(tc, test_json, 0, UNIT_ROWS(json_cases));
	tcase_add_test(tc, test_json_values);
	tcase_add_test(tc, test_json_escaped_nul);
	tcase_add_loop_test(tc, test_json_depth, 0, UNIT_ROWS(json_depths));
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_loop_test(tc, test_utf8, 0, UNIT_ROWS(utf8_cases));
	tcase_add_test(tc, test_utf8_exact_buffer);
	tcase_add_loop_test(tc, test_utf8_prefix, 0, UNIT_ROWS(prefix_cases));
	tcase_add_test(tc, test_utf8_prefix_valid);
	suite_add_tcase(s, tc);
	return s;
}
