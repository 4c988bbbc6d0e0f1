/* checkout_gateway: the hosted checkout seen from our side. The return page never trusts the
 * way it was reached: whether the booking is paid is asked of the gateway (or was settled by
 * its webhook first); either way the one confirm transaction decides, once. */
#include <string.h>
#include "booking/booking_checkout.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/format.h"
#include "core/url.h"
#include "db/db_bookings.h"
#include "db/db_payments.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "payments/payments.h"
#include "shop/checkout.h"
#include "shop/checkout_gateway.h"

/* Where the gateway sends the shopper back: absolute, on the site's public address. Stripe
 * puts the session's id where {CHECKOUT_SESSION_ID} stands. */
static const char *gateway_url(struct request *req, const struct booking_view *v, const char *page,
			       const char *extra)
{
	return arena_printf(req->arena, "%s/checkout/%lld/%s?token=%s%s", req->app->cfg->site_url,
			    v->booking_id, page, url_encode(req->arena, checkout_token(req)), extra);
}

static NEOERR *gateway_refused(struct request *req, const struct booking_view *v, int status,
			       const char *message)
{
	hdf_set_value(render_hdf(req), "Checkout.Error", message);
	req->resp.status = status;
	return nerr_pass(checkout_render(req, v));
}

NEOERR *checkout_gateway_pay(struct request *req, const struct booking_view *v,
			     const struct booking_charge *what, const struct payment_provider *provider)
{
	struct payment_line *lines = arena_zalloc(req->arena, sizeof *lines * (size_t)(v->ntickets + 1));
	for (int i = 0; i < v->ntickets; i++)
		lines[i] = (struct payment_line){ v->tickets[i].label, v->tickets[i].price_cents, 1 };
	struct event_time when;
	format_event_time(req->arena, v->starts_at_local, v->utc_offset_minutes, v->venue_timezone, &when);
	struct booking_checkout in = {
		.charge = *what,
		.description = arena_printf(req->arena, "Booking %s: %s, %s %s", v->booking_code,
					    v->event_name, when.date, when.time),
		.lines = lines, .nlines = v->ntickets,
		.success_url = gateway_url(req, v, "return",
					   strcmp(provider->name, "stripe") == 0 ? "&session_id={CHECKOUT_SESSION_ID}" : ""),
		.cancel_url = gateway_url(req, v, "cancel", ""),
	};
	struct booking_checkout_started started;
	NEOERR *err = booking_checkout_start(req->app->cfg, &req->app->db, req->arena, provider, &in, &started);
	if (nerr_match(err, ERR_BUSY)) {
		nerr_ignore(&err);
		http_set_header(req, "Retry-After", "2");
		return nerr_pass(gateway_refused(req, v, 503, "Payments are very busy right now, so the payment "
			"page could not be opened. Nothing has been charged, and your seats are still held: "
			"please try again in a moment."));
	}
	if (nerr_match(err, ERR_UNAVAILABLE)) {
		nerr_ignore(&err);
		http_set_header(req, "Retry-After", "5");
		return nerr_pass(gateway_refused(req, v, 503, arena_printf(req->arena,
			"%s is not answering right now, so the payment page could not be opened. Nothing "
			"has been charged, and your seats are still held: please try again in a moment.",
			strcmp(provider->name, "paypal") == 0 ? "PayPal" : "The card payment service")));
	}
	if (err != STATUS_OK)
		return nerr_pass(err);
	switch (started.outcome) {
	case START_REDIRECT:
		req->resp.status = 303;
		http_set_header(req, "Location", started.url);
		return STATUS_OK;
	case START_IN_PROGRESS:
	case START_CHANGED:
		return nerr_pass(gateway_refused(req, v, 409, started.message));
	case START_NOT_PAYABLE:
	case START_HOLD_ENDED:
		break;
	}
	struct booking_view now;
	err = checkout_load(req, &now);
	if (err != STATUS_OK)
		return nerr_pass(err);
	checkout_fill(req, &now);
	return nerr_pass(checkout_ended(req, &now, started.message));
}

/* The booking of the path and the checkout it is paying through, or the checkout page when
 * there is none to look at (*p NULL; the response is set). */
static NEOERR *gateway_load(struct request *req, struct booking_view *v, struct payment_record **p)
{
	*p = NULL;
	NEOERR *err = checkout_load(req, v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct payment_record *rec = arena_zalloc(req->arena, sizeof *rec);
	bool found = false;
	err = db_payments_latest_checkout(&req->app->db, req->arena, v->booking_id, rec, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!found || strcmp(v->status, "confirmed") == 0)
		return nerr_pass(checkout_render(req, v));   /* nothing to ask, or paid already */
	*p = rec;
	return STATUS_OK;
}

/* The gateway has the money but not the last word yet (a bank payment, a capture on its
 * way), or could not be asked: this page looks again by itself. */
static NEOERR *gateway_processing(struct request *req, const struct booking_view *v, const char *note)
{
	HDF *hdf = render_hdf(req);
	checkout_fill(req, v);
	hdf_set_value(hdf, "Page.Title", "Your payment is being processed");
	hdf_set_value(hdf, "Page.Refresh", arena_printf(req->arena, "5; url=/checkout/%lld/return?token=%s",
							v->booking_id, url_encode(req->arena, checkout_token(req))));
	if (note)
		hdf_set_value(hdf, "Processing.Note", note);
	req->resp.status = 202;
	return nerr_pass(render_page(req, "checkout/processing.cs"));
}

static NEOERR *gateway_to_booking(struct request *req, const struct booking_view *v)
{
	req->resp.status = 303;
	http_set_header(req, "Location", arena_printf(req->arena, "/bookings/%lld?token=%s", v->booking_id,
						      url_encode(req->arena, checkout_token(req))));
	return STATUS_OK;
}

NEOERR *checkout_return(struct request *req)
{
	struct booking_view v;
	struct payment_record *p;
	NEOERR *err = gateway_load(req, &v, &p);
	if (err != STATUS_OK || p == NULL)
		return nerr_pass(err);
	enum checkout_result result;
	const char *message;
	err = booking_checkout_settle(req->app->cfg, &req->app->db, req->arena, p, &result, &message);
	if (nerr_match(err, ERR_UNAVAILABLE) || nerr_match(err, ERR_BUSY)) {
		/* The gateway's webhook, or the sweep, settles it without us: look again shortly. */
		nerr_ignore(&err);
		return nerr_pass(gateway_processing(req, &v, "We could not reach the payment service to check "
						    "your payment just now. If you paid, your booking is "
						    "confirmed within a minute; this page shows it."));
	}
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct booking_view now;
	err = checkout_load(req, &now);
	if (err != STATUS_OK)
		return nerr_pass(err);
	switch (result) {
	case RESULT_CONFIRMED:
	case RESULT_REVIVED:   /* the booking's page says the payment came late */
		return nerr_pass(gateway_to_booking(req, &now));
	case RESULT_PROCESSING:
		return nerr_pass(gateway_processing(req, &now, NULL));
	case RESULT_OPEN:
		hdf_set_value(render_hdf(req), "Checkout.Error", "The payment was not completed. Your seats "
			      "are still held: you can pay now.");
		return nerr_pass(checkout_render(req, &now));
	case RESULT_REFUNDED:
		checkout_fill(req, &now);
		req->resp.status = 409;
		return nerr_pass(checkout_ended(req, &now, "Your payment arrived after your hold had run out, "
						"and some of the seats had been sold meanwhile. The payment has "
						"been refunded in full."));
	case RESULT_FAILED:
		checkout_fill(req, &now);
		req->resp.status = 402;
		return nerr_pass(checkout_ended(req, &now, arena_printf(req->arena, "%s The seats were "
						"released; you can choose seats again.",
						message ? message : "The payment did not go through.")));
	case RESULT_EXPIRED:
		checkout_fill(req, &now);
		return nerr_pass(checkout_ended(req, &now, "The payment page expired before it was paid; the "
						"seats were released. You can choose seats again."));
	}
	return nerr_raise(NERR_ASSERT, "unknown checkout result %d", (int)result);
}

NEOERR *checkout_cancel(struct request *req)
{
	struct booking_view v;
	struct payment_record *p;
	NEOERR *err = gateway_load(req, &v, &p);
	if (err != STATUS_OK || p == NULL)
		return nerr_pass(err);
	if (strcmp(p->status, "pending") != 0 || strcmp(v.status, "pending") != 0)
		return nerr_pass(checkout_render(req, &v));
	enum checkout_result result;
	err = booking_checkout_abandon(req->app->cfg, &req->app->db, req->arena, p, &result);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct booking_view now;
	err = checkout_load(req, &now);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (result == RESULT_CONFIRMED || result == RESULT_REVIVED)
		return nerr_pass(gateway_to_booking(req, &now));
	if (result == RESULT_PROCESSING)
		return nerr_pass(gateway_processing(req, &now, NULL));
	checkout_fill(req, &now);
	req->resp.status = 200;
	return nerr_pass(checkout_ended(req, &now, "You cancelled the payment, and your seats were "
					"released. You can choose seats again."));
}
