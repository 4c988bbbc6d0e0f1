/* routes: the one route table. Flags (API error format, CSRF, sign-in) are enforced by the
 * dispatcher; handlers never re-check them. */
#include "account/account_bookings.h"
#include "account/account_reset.h"
#include "account/account_settings.h"
#include "account/account_signin.h"
#include "account/account_signup.h"
#include "admin/checkin.h"
#include "admin/organizer.h"
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
	/* Accounts. Every form is CSRF-checked and nothing changes on GET: a mailed link opens a
	 * page whose form does the change. */
	{ .method = "GET", .pattern = "/account/signin", .handler = account_signin_page, .flags = ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/signin", .handler = account_signin_submit,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/signout", .handler = account_signout,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/account/signup", .handler = account_signup_page, .flags = ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/signup", .handler = account_signup_submit,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/account/verify/{token}", .handler = account_verify_page,
	  .flags = ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/verify/{token}", .handler = account_verify_submit,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/account/reset", .handler = account_reset_page, .flags = ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/reset", .handler = account_reset_request,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/account/reset/{token}", .handler = account_reset_link_page,
	  .flags = ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/reset/{token}", .handler = account_reset_submit,
	  .flags = ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/account", .handler = account_settings_page,
	  .flags = ROUTE_SIGNED_IN | ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/password", .handler = account_password_change,
	  .flags = ROUTE_SIGNED_IN | ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/email", .handler = account_email_change,
	  .flags = ROUTE_SIGNED_IN | ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/verify-again", .handler = account_verify_again,
	  .flags = ROUTE_SIGNED_IN | ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "POST", .pattern = "/account/delete", .handler = account_delete,
	  .flags = ROUTE_SIGNED_IN | ROUTE_CSRF | ROUTE_NO_STORE },
	{ .method = "GET", .pattern = "/account/bookings", .handler = account_bookings_page,
	  .flags = ROUTE_SIGNED_IN | ROUTE_NO_STORE },
	/* The organizer's pages: the role is checked here, the ownership of each object by its
	 * handler (admin/admin_access.c). */
	{ .method = "GET", .pattern = "/admin", .handler = organizer_home, .flags = ROUTE_NO_STORE,
	  .role = "organizer" },
	{ .method = "GET", .pattern = "/admin/events/{id}/attendees", .handler = organizer_attendees_page,
	  .flags = ROUTE_NO_STORE, .role = "organizer" },
	{ .method = "GET", .pattern = "/api/v1/admin/events/{id}/attendees", .handler = organizer_attendees_api,
	  .flags = ROUTE_API | ROUTE_NO_STORE, .role = "organizer" },
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
	{ .method = "GET", .pattern = "/api/v1/me/bookings", .handler = account_bookings_api,
	  .flags = ROUTE_API | ROUTE_SIGNED_IN | ROUTE_NO_STORE },
};

const size_t ROUTES_COUNT = sizeof ROUTES / sizeof ROUTES[0];
