/* routes: the one route table. Flags (API error format, CSRF, sign-in) are enforced by the
 * dispatcher; handlers never re-check them. */
#include "admin/checkin.h"
#include "cmd/routes.h"
#include "shop/booking_api.h"
#include "shop/booking_page.h"
#include "shop/checkout.h"
#include "shop/checkout_gateway.h"
#include "shop/checkout_hold.h"
#include "shop/checkout_pay.h"
#include "shop/checkout_seats.h"
#include "shop/event_page.h"
#include "shop/events.h"
#include "shop/search.h"
#include "shop/ticket_pages.h"
#include "webhooks/webhooks.h"

const struct route ROUTES[] = {
	{ .method = "GET", .pattern = "/", .handler = events_list_page },
	{ .method = "GET", .pattern = "/events", .handler = events_list_page },
	{ .method = "GET", .pattern = "/events/{id}", .handler = event_show_page },
	{ .method = "GET", .pattern = "/search", .handler = search_page },
	{ .method = "POST", .pattern = "/events/{id}/hold", .handler = checkout_hold,
	  .flags = ROUTE_SAME_ORIGIN | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/checkout/{id}", .handler = checkout_page, .flags = ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/checkout/{id}/pay", .handler = checkout_pay,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/checkout/{id}/release", .handler = checkout_release,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/checkout/{id}/return", .handler = checkout_return,
	  .flags = ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/checkout/{id}/cancel", .handler = checkout_cancel,
	  .flags = ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/checkout/{id}/seats", .handler = checkout_seats_page,
	  .flags = ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/checkout/{id}/seats", .handler = checkout_seats_change,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/bookings/{id}", .handler = booking_page_show, .flags = ROUTE_NO_STORE },
	/* E-tickets. A suffixed pattern comes before the bare one that would also take it. */
	{ .method = "GET", .pattern = "/bookings/{id}/tickets.pdf", .handler = booking_tickets_pdf,
	  .flags = ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/bookings/{id}/tickets", .handler = booking_tickets_page,
	  .flags = ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/tickets/{code}.pdf", .handler = ticket_pdf_page, .flags = ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/tickets/{code}", .handler = ticket_page, .flags = ROUTE_NO_STORE },
	/* The door. */
	{ .method = "GET", .pattern = "/admin/events/{id}/checkin", .handler = checkin_page,
	  .flags = ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/admin/events/{id}/checkin", .handler = checkin_submit,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/payments/webhook/stripe", .handler = webhooks_stripe,
	  .flags = ROUTE_API | ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/payments/webhook/paypal", .handler = webhooks_paypal,
	  .flags = ROUTE_API | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/api/v1/events", .handler = events_list_api, .flags = ROUTE_API },
	{ .method = "GET", .pattern = "/api/v1/events/{eventId}", .handler = event_show_api, .flags = ROUTE_API },
	{ .method = "GET", .pattern = "/api/v1/events/{eventId}/tickets", .handler = event_tickets_api, .flags = ROUTE_API },
	{ .method = "GET", .pattern = "/api/v1/search", .handler = search_api, .flags = ROUTE_API },
	{ .method = "POST", .pattern = "/api/v1/bookings", .handler = booking_api_create,
	  .flags = ROUTE_API | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/api/v1/bookings/{id}", .handler = booking_api_show,
	  .flags = ROUTE_API | ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/api/v1/checkin", .handler = checkin_api, .flags = ROUTE_API | ROUTE_NO_STORE },
};

const size_t ROUTES_COUNT = sizeof ROUTES / sizeof ROUTES[0];
