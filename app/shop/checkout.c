/* checkout: GET /checkout/{id} and POST /checkout/{id}/release, and what the other pages of a
 * booking share: the payment methods, loading it by its access token and filling the page.
 * Forms carry the CSRF token (checked by the dispatcher) and the access token. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "booking/booking.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/format.h"
#include "db/db_sessions.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "payments/payments.h"
#include "shop/checkout.h"

/* The choices of the payment fieldset: a gateway's own page (paymentMethod = its name), or,
 * where the offline test provider is enabled, its test cards, charged from our own page. */
static const struct checkout_method CHECKOUT_METHODS[] = {
	{ "stripe", "Card — pay on Stripe's secure page", "stripe" },
	{ "paypal", "PayPal", "paypal" },
	{ "pm_card_visa", "Test card — payment succeeds", "test" },
	{ "pm_card_chargeDeclined", "Test card — payment is declined", "test" },
};

/* The method called `id` if the site takes it, else NULL. */
const struct checkout_method *checkout_method(const struct config *cfg, const char *id)
{
	for (size_t i = 0; id && i < sizeof CHECKOUT_METHODS / sizeof CHECKOUT_METHODS[0]; i++)
		if (strcmp(id, CHECKOUT_METHODS[i].id) == 0 && payments_enabled(cfg, CHECKOUT_METHODS[i].provider))
			return &CHECKOUT_METHODS[i];
	return NULL;
}

const char *checkout_url(struct request *req, long long booking_id, const char *token)
{
	return arena_printf(req->arena, "/checkout/%lld?token=%s", booking_id, token);
}

static const char *booking_token(struct request *req)
{
	const char *t = http_form(req, "token");
	return t ? t : http_query(req, "token");
}

const char *checkout_token(struct request *req)
{
	return booking_token(req);
}

/* The booking named by the path and proven by the token (or by being its signed-in owner),
 * or a 404 for anyone else. */
NEOERR *checkout_load(struct request *req, struct booking_view *v)
{
	const char *id_text = http_capture(req, "id");
	char *end = NULL;
	long long id = strtoll(id_text, &end, 10);
	bool found = false;
	if (*end == '\0' && id > 0) {
		NEOERR *err = db_bookings_load(&req->app->db, req->arena, id, booking_token(req),
						 req->user ? req->user->user_id : 0, v, &found);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	if (!found)
		return nerr_raise(ERR_NOT_FOUND, "There is no such booking, or the link is incomplete.");
	return STATUS_OK;
}

void checkout_fill(struct request *req, const struct booking_view *v)
{
	HDF *hdf = render_hdf(req);
	struct event_time when;
	format_event_time(req->arena, v->starts_at_local, v->utc_offset_minutes, v->venue_timezone, &when);
	hdf_set_valuef(hdf, "Booking.Id=%lld", v->booking_id);
	hdf_set_value(hdf, "Booking.Code", v->booking_code);
	hdf_set_value(hdf, "Booking.Status", v->status);
	hdf_set_value(hdf, "Booking.Token", booking_token(req));
	hdf_set_value(hdf, "Booking.Total", format_money(req->arena, v->total_cents, v->currency));
	hdf_set_int_value(hdf, "Booking.MinutesLeft", v->seconds_left > 0 ? (v->seconds_left + 59) / 60 : 0);
	if (v->expires_at)
		hdf_set_value(hdf, "Booking.ExpiresAt", v->expires_at);
	hdf_set_valuef(hdf, "Event.Id=%lld", v->event_id);
	hdf_set_value(hdf, "Event.Name", v->event_name);
	hdf_set_value(hdf, "Event.Venue", v->venue_name);
	hdf_set_value(hdf, "Event.City", v->venue_city);
	hdf_set_value(hdf, "Event.Date", when.iso);
	hdf_set_value(hdf, "Event.Day", when.date);
	hdf_set_value(hdf, "Event.Time", when.time);
	hdf_set_value(hdf, "Event.Zone", when.zone);
	for (int i = 0; i < v->ntickets; i++) {
		hdf_set_valuef(hdf, "Tickets.%d.Id=%lld", i, v->tickets[i].ticket_id);
		hdf_set_valuef(hdf, "Tickets.%d.Label=%s", i, v->tickets[i].label);
		hdf_set_valuef(hdf, "Tickets.%d.Price=%s", i,
			       format_money(req->arena, v->tickets[i].price_cents, v->currency));
		if (v->ticket_codes[i])
			hdf_set_valuef(hdf, "Tickets.%d.Code=%s", i, v->ticket_codes[i]);
	}
	int n = 0;
	for (size_t i = 0; i < sizeof CHECKOUT_METHODS / sizeof CHECKOUT_METHODS[0]; i++) {
		if (!payments_enabled(req->app->cfg, CHECKOUT_METHODS[i].provider))
			continue;
		hdf_set_valuef(hdf, "Methods.%d.Id=%s", n, CHECKOUT_METHODS[i].id);
		hdf_set_valuef(hdf, "Methods.%d.Label=%s", n, CHECKOUT_METHODS[i].label);
		n++;
	}
}

bool checkout_open(const struct booking_view *v)
{
	return strcmp(v->status, "pending") == 0 && v->seconds_left > 0;
}

NEOERR *checkout_ended(struct request *req, const struct booking_view *v, const char *message)
{
	HDF *hdf = render_hdf(req);
	const char *why = message ? message
		: strcmp(v->status, "pending") == 0 || strcmp(v->status, "expired") == 0
		? "Your hold has expired and the seats went back on sale. You can choose seats again."
		: strcmp(v->status, "cancelled") == 0
		? "You released these seats. You can choose seats again."
		: "This booking was not completed. You can choose seats again.";
	hdf_set_value(hdf, "Checkout.Ended", why);
	hdf_set_value(hdf, "Page.Title", "Checkout");
	if (req->resp.status == 0)
		req->resp.status = 410;
	return nerr_pass(render_page(req, "checkout/show.cs"));
}

NEOERR *checkout_render(struct request *req, const struct booking_view *v)
{
	checkout_fill(req, v);
	if (strcmp(v->status, "confirmed") == 0) {
		req->resp.status = 303;
		http_set_header(req, "Location", arena_printf(req->arena, "/bookings/%lld?token=%s",
							      v->booking_id, booking_token(req)));
		return STATUS_OK;
	}
	if (!checkout_open(v))
		return nerr_pass(checkout_ended(req, v, NULL));
	http_csrf_token(req);
	HDF *hdf = render_hdf(req);
	/* A signed-in buyer starts from their account's name and address. */
	if (req->user && hdf_get_value(hdf, "Form.Email", NULL) == NULL) {
		hdf_set_value(hdf, "Form.Name", req->user->name);
		hdf_set_value(hdf, "Form.Email", req->user->email);
	}
	hdf_set_value(hdf, "Page.Title", "Checkout");
	return nerr_pass(render_page(req, "checkout/show.cs"));
}

NEOERR *checkout_load_open(struct request *req, struct booking_view *v, bool *open)
{
	*open = false;
	NEOERR *err = checkout_load(req, v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*open = checkout_open(v);
	if (!*open)
		return nerr_pass(checkout_render(req, v));
	return STATUS_OK;
}

int checkout_without_taken(long long *ids, int n, const struct held_ticket *gone, int ngone)
{
	int keep = 0;
	for (int i = 0; i < n; i++) {
		bool taken = false;
		for (int k = 0; k < ngone; k++)
			taken = taken || gone[k].ticket_id == ids[i];
		if (!taken)
			ids[keep++] = ids[i];
	}
	return keep;
}

NEOERR *checkout_page(struct request *req)
{
	struct booking_view v;
	NEOERR *err = checkout_load(req, &v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	return nerr_pass(checkout_render(req, &v));
}

NEOERR *checkout_release(struct request *req)
{
	struct booking_view v;
	NEOERR *err = checkout_load(req, &v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (strcmp(v.status, "cancelled") == 0) {
		checkout_fill(req, &v);          /* released already: saying so again is harmless */
		req->resp.status = 200;
		return nerr_pass(checkout_ended(req, &v, NULL));
	}
	if (strcmp(v.status, "pending") != 0)
		return nerr_pass(checkout_render(req, &v));   /* paid or ended: nothing to release */
	err = db_bookings_release(&req->app->db, v.booking_id, "cancelled", NULL);
	if (err != STATUS_OK)
		return nerr_pass(err);
	err = checkout_load(req, &v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	checkout_fill(req, &v);
	req->resp.status = 200;
	return nerr_pass(checkout_ended(req, &v, NULL));
}
