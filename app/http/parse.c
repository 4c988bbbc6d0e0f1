/* parse: decoding of query strings, forms, cookies and JSON bodies.
 * Every failure is a 400 with a message naming what was wrong; nothing here trusts its input. */
#include <string.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/utf8.h"
#include "http/parse.h"

static bool parse_fail(struct parse_error *err, const char *message)
{
	if (err) {
		err->status = 400;
		err->message = message;
	}
	return false;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode [s, s+len) into an arena string. Returns NULL and a message on bad input. */
static char *urldecode(struct arena *a, const char *s, size_t len, const char *what,
		       size_t *out_len, const char **message)
{
	char *out = arena_alloc(a, len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '+') {
			out[n++] = ' ';
		} else if (c == '%') {
			int hi = i + 1 < len ? hex_value(s[i + 1]) : -1;
			int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*message = arena_printf(a, "The %s contains a malformed percent-escape: '%%' must be followed by two hex digits.", what);
				return NULL;
			}
			out[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[n++] = c;
		}
		if (out[n - 1] == '\0') {
			*message = arena_printf(a, "The %s contains a NUL byte (%%00), which is not allowed.", what);
			return NULL;
		}
	}
	out[n] = '\0';
	if (!utf8_valid(out, n)) {
		*message = arena_printf(a, "The %s is not valid UTF-8.", what);
		return NULL;
	}
	*out_len = n;
	return out;
}

bool parse_urlencoded(struct arena *a, const char *data, size_t len, const char *what,
		      struct param **out, struct parse_error *err)
{
	struct param *head = NULL, **tail = &head;
	int count = 0;
	*out = NULL;
	if (data == NULL)
		return true;
	const char *end = data + len;
	const char *p = data;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pair_end = amp ? amp : end;
		if (pair_end > p) {
			if (++count > PARSE_MAX_PARAMS)
				return parse_fail(err, arena_printf(a, "The %s has more than %d parameters.", what, PARSE_MAX_PARAMS));
			const char *eq = memchr(p, '=', (size_t)(pair_end - p));
			const char *key_end = eq ? eq : pair_end;
			const char *message = NULL;
			size_t key_len, value_len = 0;
			char *key = urldecode(a, p, (size_t)(key_end - p), what, &key_len, &message);
			if (key == NULL)
				return parse_fail(err, message);
			if (key_len > PARSE_MAX_KEY)
				return parse_fail(err, arena_printf(a, "A %s parameter name is longer than %d bytes.", what, PARSE_MAX_KEY));
			char *value = "";
			if (eq) {
				value = urldecode(a, eq + 1, (size_t)(pair_end - eq - 1), what, &value_len, &message);
				if (value == NULL)
					return parse_fail(err, message);
				if (value_len > PARSE_MAX_VALUE)
					return parse_fail(err, arena_printf(a, "The %s parameter '%.64s' is longer than %d bytes.", what, key, PARSE_MAX_VALUE));
			}
			struct param *prm = arena_alloc(a, sizeof *prm);
			prm->key = key;
			prm->value = value;
			prm->value_len = value_len;
			prm->next = NULL;
			*tail = prm;
			tail = &prm->next;
		}
		p = pair_end + 1;
	}
	*out = head;
	return true;
}

static const char *trim_left(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *trim_right(const char *start, const char *p)
{
	while (p > start && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	return p;
}

bool parse_cookies(struct arena *a, const char *header, struct param **out,
		   struct parse_error *err)
{
	(void)err;
	struct param *head = NULL, **tail = &head;
	int count = 0;
	*out = NULL;
	if (header == NULL)
		return true;
	const char *p = header, *end = header + strlen(header);
	while (p < end && count < PARSE_MAX_PARAMS) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *pair_end = semi ? semi : end;
		const char *k = trim_left(p, pair_end);
		const char *eq = memchr(k, '=', (size_t)(pair_end - k));
		if (eq && eq > k) {
			const char *k_end = trim_right(k, eq);
			const char *v = trim_left(eq + 1, pair_end);
			const char *v_end = trim_right(v, pair_end);
			if (v_end - v >= 2 && *v == '"' && v_end[-1] == '"') {
				v++;
				v_end--;
			}
			size_t klen = (size_t)(k_end - k), vlen = (size_t)(v_end - v);
			if (klen > 0 && klen <= PARSE_MAX_KEY && vlen <= PARSE_MAX_VALUE &&
			    utf8_valid(k, klen) && utf8_valid(v, vlen)) {
				struct param *prm = arena_alloc(a, sizeof *prm);
				prm->key = arena_strndup(a, k, klen);
				prm->value = arena_strndup(a, v, vlen);
				prm->value_len = vlen;
				prm->next = NULL;
				*tail = prm;
				tail = &prm->next;
				count++;
			}
		}
		p = pair_end + 1;
	}
	*out = head;
	return true;
}

/* json-c decodes "\u0000" into a real NUL, and truncates keys at it; C code reading such a
 * string would see a shortened value. Refuse the escape like a raw NUL, scanning the raw
 * text: outside strings a backslash is not valid JSON anyway. */
static bool json_has_escaped_nul(const char *data, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (data[i] != '\\')
			continue;
		if (data[i + 1] == 'u' && i + 5 < len && memcmp(data + i + 2, "0000", 4) == 0)
			return true;
		i++;   /* skip the escaped character, so "\\\\u0000" stays a literal backslash */
	}
	return false;
}

static void json_release(void *obj)
{
	json_object_put(obj);
}

bool parse_json(struct arena *a, const char *data, size_t len, struct json_object **out,
		struct parse_error *err)
{
	*out = NULL;
	size_t i = 0;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i == len)
		return parse_fail(err, "The request body is empty; expected a JSON object.");
	if (memchr(data, '\0', len))
		return parse_fail(err, "The JSON body contains a NUL byte.");
	if (!utf8_valid(data, len))
		return parse_fail(err, "The JSON body is not valid UTF-8.");
	if (json_has_escaped_nul(data, len))
		return parse_fail(err, "The JSON body contains a NUL character (\\u0000).");
	if (data[i] != '{' && data[i] != '[')
		return parse_fail(err, "The request body must be a JSON object.");

	struct json_tokener *tok = json_tokener_new_ex(PARSE_MAX_JSON_DEPTH);
	if (tok == NULL)
		return parse_fail(err, "out of memory parsing JSON");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *obj = json_tokener_parse_ex(tok, data, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t consumed = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (obj == NULL) {
		if (jerr == json_tokener_continue)
			return parse_fail(err, "The JSON body is truncated.");
		if (jerr == json_tokener_error_depth)
			return parse_fail(err, arena_printf(a, "The JSON body is nested deeper than %d levels.", PARSE_MAX_JSON_DEPTH));
		return parse_fail(err, arena_printf(a, "The body is not valid JSON: %s.", json_tokener_error_desc(jerr)));
	}
	arena_on_destroy(a, json_release, obj);
	for (size_t k = consumed; k < len; k++) {
		char c = data[k];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return parse_fail(err, "There is unexpected data after the JSON value.");
	}
	*out = obj;
	return true;
}

const char *param_get(const struct param *list, const char *key)
{
	for (; list != NULL; list = list->next)
		if (strcmp(list->key, key) == 0)
			return list->value;
	return NULL;
}

int param_count(const struct param *list, const char *key)
{
	int n = 0;
	for (; list != NULL; list = list->next)
		if (strcmp(list->key, key) == 0)
			n++;
	return n;
}
