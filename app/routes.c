/* routes: the one route table. Flags (API error format, CSRF, sign-in) are enforced by the
 * dispatcher; handlers never re-check them. */
#include "events.h"
#include "router.h"

const struct route ROUTES[] = {
	{ .method = "GET", .pattern = "/", .handler = events_list_page },
	{ .method = "GET", .pattern = "/events", .handler = events_list_page },
	{ .method = "GET", .pattern = "/api/v1/events", .handler = events_list_api, .flags = ROUTE_API },
};

const size_t ROUTES_COUNT = sizeof ROUTES / sizeof ROUTES[0];
