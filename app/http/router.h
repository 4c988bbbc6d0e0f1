/* router: maps (method, path) to one route of a table; patterns capture `{name}` segments.
 * Pure matching, no I/O: the dispatcher enforces the flags a route carries. */
#ifndef BOXOFFICE_ROUTER_H
#define BOXOFFICE_ROUTER_H
#include <stddef.h>
#include <ClearSilver.h>

struct request;
struct arena;

#define ROUTE_MAX_CAPTURES 4

enum route_flags {
	ROUTE_API      = 1 << 0,   /* JSON errors instead of HTML pages */
	ROUTE_CSRF     = 1 << 1,   /* state-changing form: the token must match the cookie */
	ROUTE_SIGNED_IN = 1 << 2,  /* needs a signed-in user (accounts issue) */
	ROUTE_NO_STORE = 1 << 3,   /* never cacheable by nginx's micro-cache */
	ROUTE_SAME_ORIGIN = 1 << 4, /* a form on a shared-cached page (no per-user token): the
				     * browser's Origin header must be our own */
};

typedef NEOERR *(*route_handler)(struct request *req);

struct route {
	const char *method;        /* "GET", "POST", ... (GET routes also answer HEAD) */
	const char *pattern;       /* "/events/{id}" */
	route_handler handler;
	unsigned flags;
	const char *role;          /* required role, or NULL */
};

enum router_outcome { ROUTER_MATCH, ROUTER_NOT_FOUND, ROUTER_METHOD_NOT_ALLOWED };

struct route_match {
	const struct route *route;
	int ncaptures;
	const char *capture_names[ROUTE_MAX_CAPTURES];
	const char *captures[ROUTE_MAX_CAPTURES];   /* arena copies, not percent-decoded */
	char allow[64];                              /* "GET, HEAD, POST" for a 405 */
};

enum router_outcome router_match(const struct route *table, size_t n, struct arena *a,
				 const char *method, const char *path, struct route_match *m);
/* Capture by name, or NULL. */
const char *route_capture(const struct route_match *m, const char *name);

#endif
