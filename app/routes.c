/* routes: the one route table. Flags (API error format, CSRF, sign-in) are enforced by the
 * dispatcher; handlers never re-check them. */
#include "bookings_api.h"
#include "event_page.h"
#include "events.h"
#include "router.h"
#include "search.h"

const struct route ROUTES[] = {
	{ .method = "GET", .pattern = "/", .handler = events_list_page },
	{ .method = "GET", .pattern = "/events", .handler = events_list_page },
	{ .method = "GET", .pattern = "/events/{id}", .handler = event_show_page },
	{ .method = "GET", .pattern = "/search", .handler = search_page },
	{ .method = "GET", .pattern = "/api/v1/events", .handler = events_list_api, .flags = ROUTE_API },
	{ .method = "GET", .pattern = "/api/v1/events/{eventId}", .handler = event_show_api, .flags = ROUTE_API },
	{ .method = "GET", .pattern = "/api/v1/events/{eventId}/tickets", .handler = event_tickets_api, .flags = ROUTE_API },
	{ .method = "GET", .pattern = "/api/v1/search", .handler = search_api, .flags = ROUTE_API },
	{ .method = "POST", .pattern = "/api/v1/bookings", .handler = bookings_api_create,
	  .flags = ROUTE_API | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/api/v1/bookings/{id}", .handler = bookings_api_show,
	  .flags = ROUTE_API | ROUTE_NO_STORE },
};

const size_t ROUTES_COUNT = sizeof ROUTES / sizeof ROUTES[0];
