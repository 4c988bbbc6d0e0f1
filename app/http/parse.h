/* parse: pure parsers for what arrives from the network — query strings, urlencoded forms,
 * cookies, JSON bodies — with hard limits. They never trust input and never abort on it. */
#ifndef BOXOFFICE_PARSE_H
#define BOXOFFICE_PARSE_H
#include <stddef.h>
#include <stdbool.h>

struct arena;
struct json_object;

#define PARSE_MAX_KEY     256        /* bytes in one decoded key */
#define PARSE_MAX_VALUE   (64 * 1024) /* bytes in one decoded value */
#define PARSE_MAX_PARAMS  256        /* pairs in one query string / form / cookie header */
#define PARSE_MAX_JSON_DEPTH 16

/* One decoded key/value pair; lists keep input order, repeated keys are all kept. */
struct param {
	const char *key;
	const char *value;
	size_t value_len;
	struct param *next;
};

/* A parse failure meant for the user: which status and why. */
struct parse_error {
	int status;                /* always 400 here; 413 for oversized bodies is the dispatcher's */
	const char *message;       /* static or arena string, safe to show */
};

/* application/x-www-form-urlencoded (also query strings): '+' is space, %XX decoded.
 * Rejects bad escapes, NUL bytes, invalid UTF-8, oversized keys/values, too many pairs.
 * `what` names the input in messages ("query string", "form"). */
bool parse_urlencoded(struct arena *a, const char *data, size_t len, const char *what,
		      struct param **out, struct parse_error *err);
/* Cookie header: "a=1; b=2". Values are not percent-decoded (RFC 6265); surrounding quotes are
 * removed. Malformed pairs (no '=', empty name, NUL, invalid UTF-8) and pairs beyond
 * PARSE_MAX_PARAMS are skipped, never fatal: a user cannot easily repair their cookie jar. */
bool parse_cookies(struct arena *a, const char *header, struct param **out,
		   struct parse_error *err);
/* A JSON body (object or array at the top). The object is released when the arena dies. */
bool parse_json(struct arena *a, const char *data, size_t len, struct json_object **out,
		struct parse_error *err);

/* First value for key, or NULL. */
const char *param_get(const struct param *list, const char *key);
/* Number of pairs with this key. */
int param_count(const struct param *list, const char *key);

#endif
