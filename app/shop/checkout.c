/* checkout: GET /checkout/{id}, POST /checkout/{id}/pay and POST /checkout/{id}/release, and
 * what the other pages of a booking share: loading it by its access token and filling the
 * page. Forms carry the CSRF token (checked by the dispatcher) and the access token; bad
 * input re-renders the page with the shopper's values and a message. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "booking/booking.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/format.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "payments/payments.h"
#include "shop/checkout.h"

/* What the test provider offers on the page; real gateways replace this list. */
static const struct { const char *method, *label; } CHECKOUT_METHODS[] = {
	{ "pm_card_visa", "Test card — payment succeeds" },
	{ "pm_card_chargeDeclined", "Test card — payment is declined" },
};

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

/* The booking named by the path and proven by the token, or a 404 for anyone else. */
NEOERR *checkout_load(struct request *req, struct booking_view *v)
{
	const char *id_text = http_capture(req, "id");
	char *end = NULL;
	long long id = strtoll(id_text, &end, 10);
	bool found = false;
	if (*end == '\0' && id > 0) {
		NEOERR *err = db_bookings_load(&req->app->db, req->arena, id, booking_token(req), v, &found);
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
		hdf_set_valuef(hdf, "Tickets.%d.Label=%s", i, v->tickets[i].label);
		hdf_set_valuef(hdf, "Tickets.%d.Price=%s", i,
			       format_money(req->arena, v->tickets[i].price_cents, v->currency));
		if (v->ticket_codes[i])
			hdf_set_valuef(hdf, "Tickets.%d.Code=%s", i, v->ticket_codes[i]);
	}
	for (size_t i = 0; i < sizeof CHECKOUT_METHODS / sizeof CHECKOUT_METHODS[0]; i++) {
		hdf_set_valuef(hdf, "Methods.%d.Id=%s", (int)i, CHECKOUT_METHODS[i].method);
		hdf_set_valuef(hdf, "Methods.%d.Label=%s", (int)i, CHECKOUT_METHODS[i].label);
	}
}

bool checkout_open(const struct booking_view *v)
{
	return strcmp(v->status, "pending") == 0 && v->seconds_left > 0;
}

/* A booking that can no longer be paid: say why, and lead back to the event. */
static NEOERR *checkout_ended(struct request *req, const struct booking_view *v)
{
	HDF *hdf = render_hdf(req);
	const char *why = strcmp(v->status, "pending") == 0 || strcmp(v->status, "expired") == 0
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
		return nerr_pass(checkout_ended(req, v));
	http_csrf_token(req);
	hdf_set_value(render_hdf(req), "Page.Title", "Checkout");
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

static bool email_plausible(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at != s && strchr(at + 1, '.') && !strchr(at + 1, '@') &&
	       at[1] != '.' && s[strlen(s) - 1] != '.' && !strpbrk(s, " \t\r\n<>\"");
}

static const char *checkout_validate(struct request *req, const char **name, const char **email,
				     const char **method)
{
	*name = http_form(req, "name");
	*email = http_form(req, "email");
	*method = http_form(req, "paymentMethod");
	HDF *hdf = render_hdf(req);
	if (*name)
		hdf_set_value(hdf, "Form.Name", *name);
	if (*email)
		hdf_set_value(hdf, "Form.Email", *email);
	if (*method)
		hdf_set_value(hdf, "Form.PaymentMethod", *method);
	if (*name == NULL || strlen(*name) == 0 || strlen(*name) > 200)
		return "Please enter your name (up to 200 characters).";
	if (*email == NULL || strlen(*email) > 254 || !email_plausible(*email))
		return "Please enter an email address like name@example.com; your tickets go there.";
	for (size_t i = 0; i < sizeof CHECKOUT_METHODS / sizeof CHECKOUT_METHODS[0]; i++)
		if (*method && strcmp(*method, CHECKOUT_METHODS[i].method) == 0)
			return NULL;
	return "Please choose a payment method.";
}

NEOERR *checkout_pay(struct request *req)
{
	struct booking_view v;
	bool open;
	NEOERR *err = checkout_load_open(req, &v, &open);
	if (err != STATUS_OK || !open)
		return nerr_pass(err);
	const char *name, *email, *method;
	const char *problem = checkout_validate(req, &name, &email, &method);
	if (problem) {
		hdf_set_value(render_hdf(req), "Checkout.Error", problem);
		req->resp.status = 400;
		return nerr_pass(checkout_render(req, &v));
	}
	struct booking_charge what = { v.booking_id, v.event_id, v.booking_code, v.total_cents,
				       v.currency, name, email, 0 };
	struct booking_payment paid;
	err = booking_pay(&req->app->db, req->arena, &what, &payments_offline_provider, method, false, &paid);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (paid.outcome == BOOKING_CONFIRMED) {
		req->resp.status = 303;
		http_set_header(req, "Location", arena_printf(req->arena, "/bookings/%lld?token=%s",
							      v.booking_id, booking_token(req)));
		return STATUS_OK;
	}
	NEOERR *reload = checkout_load(req, &v);
	/* A double-clicked Pay: wait (bounded) for the first click's attempt to settle, then
	 * show where it stands — the confirmation once paid. */
	for (int i = 0; reload == STATUS_OK && paid.outcome == BOOKING_IN_PROGRESS &&
			strcmp(v.status, "pending") == 0 && i < 50; i++) {
		usleep(100 * 1000);
		reload = checkout_load(req, &v);
	}
	if (reload != STATUS_OK)
		return nerr_pass(reload);
	if (paid.outcome == BOOKING_IN_PROGRESS && strcmp(v.status, "confirmed") == 0)
		return nerr_pass(checkout_render(req, &v));
	hdf_set_value(render_hdf(req), "Checkout.Error", paid.message);
	req->resp.status = paid.outcome == BOOKING_DECLINED ? 402 : 409;
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
		return nerr_pass(checkout_ended(req, &v));
	}
	if (strcmp(v.status, "pending") != 0)
		return nerr_pass(checkout_render(req, &v));   /* paid or ended: nothing to release */
	err = db_bookings_release(&req->app->db, v.booking_id, "cancelled");
	if (err != STATUS_OK)
		return nerr_pass(err);
	err = checkout_load(req, &v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	checkout_fill(req, &v);
	req->resp.status = 200;
	return nerr_pass(checkout_ended(req, &v));
}
