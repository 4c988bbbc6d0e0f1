/* router: segment-by-segment matching of paths against "/a/{name}/b" patterns.
 * A path that matches a pattern under another method is a 405, with the methods that would do. */
#include <stdbool.h>
#include <string.h>
#include "core/arena.h"
#include "http/router.h"

/* Match one pattern; on success fill captures. Segments compare exactly; "{x}" takes one
 * non-empty segment, or what comes before a literal suffix in it ("{code}.pdf"). "/events"
 * does not match "/events/" (one canonical URL per page). A path that a suffixed pattern
 * takes also matches the bare one ("/tickets/X.pdf" is "/tickets/{code}" too): the table
 * lists the suffixed route first. */
static bool pattern_match(const char *pattern, const char *path, struct arena *a,
			  struct route_match *m)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (close == NULL)
				return false;
			const char *seg_end = strchr(s, '/');
			size_t seg_len = seg_end ? (size_t)(seg_end - s) : strlen(s);
			const char *suffix = close + 1;
			size_t suffix_len = strcspn(suffix, "/");
			if (seg_len <= suffix_len || n >= ROUTE_MAX_CAPTURES ||
			    memcmp(s + seg_len - suffix_len, suffix, suffix_len) != 0)
				return false;
			if (a) {
				m->capture_names[n] = arena_strndup(a, p + 1, (size_t)(close - p - 1));
				m->captures[n] = arena_strndup(a, s, seg_len - suffix_len);
			}
			n++;
			p = suffix + suffix_len;
			s += seg_len;
		} else if (*p == *s) {
			p++;
			s++;
		} else {
			return false;
		}
	}
	if (*p || *s)
		return false;
	if (a)
		m->ncaptures = n;
	return true;
}

static bool method_matches(const char *route_method, const char *method)
{
	if (strcmp(route_method, method) == 0)
		return true;
	return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

static void allow_add(char *allow, size_t size, const char *method)
{
	/* Avoid listing a method twice when several patterns match. */
	size_t mlen = strlen(method);
	for (const char *p = allow; (p = strstr(p, method)) != NULL; p += mlen)
		if ((p == allow || p[-1] == ' ') && (p[mlen] == ',' || p[mlen] == '\0'))
			return;
	size_t len = strlen(allow);
	if (len + mlen + 3 >= size)
		return;
	if (len)
		strcat(allow, ", ");
	strcat(allow, method);
}

enum router_outcome router_match(const struct route *table, size_t n, struct arena *a,
				 const char *method, const char *path, struct route_match *m)
{
	memset(m, 0, sizeof *m);
	bool path_known = false;
	for (size_t i = 0; i < n; i++) {
		if (!pattern_match(table[i].pattern, path, NULL, m))
			continue;
		if (method_matches(table[i].method, method)) {
			pattern_match(table[i].pattern, path, a, m);
			m->route = &table[i];
			return ROUTER_MATCH;
		}
		path_known = true;
		allow_add(m->allow, sizeof m->allow, table[i].method);
		if (strcmp(table[i].method, "GET") == 0)
			allow_add(m->allow, sizeof m->allow, "HEAD");
	}
	return path_known ? ROUTER_METHOD_NOT_ALLOWED : ROUTER_NOT_FOUND;
}

const char *route_capture(const struct route_match *m, const char *name)
{
	for (int i = 0; i < m->ncaptures; i++)
		if (strcmp(m->capture_names[i], name) == 0)
			return m->captures[i];
	return NULL;
}
