/* url: see url.h. */
#include <ctype.h>
#include <string.h>
#include "core/arena.h"
#include "core/url.h"

const char *url_encode(struct arena *a, const char *s)
{
	static const char HEX[] = "0123456789ABCDEF";
	char *out = arena_alloc(a, strlen(s) * 3 + 1);
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			out[n++] = (char)*p;
		} else if (*p == ' ') {
			out[n++] = '+';
		} else {
			out[n++] = '%';
			out[n++] = HEX[*p >> 4];
			out[n++] = HEX[*p & 15];
		}
	}
	out[n] = '\0';
	return out;
}
