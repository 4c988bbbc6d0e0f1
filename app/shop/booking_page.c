/* booking_page: GET /bookings/{id}, the paid booking with its e-ticket codes, for whoever holds
 * its access token; a booking not (yet) paid shows its checkout page as it stands. */
#include <string.h>
#include "core/config.h"
#include "core/link_key.h"
#include "db/db_bookings.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "shop/booking_page.h"
#include "shop/checkout.h"

NEOERR *booking_page_show(struct request *req)
{
	struct booking_view v;
	NEOERR *err = checkout_load(req, &v);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (strcmp(v.status, "confirmed") != 0)
		return nerr_pass(checkout_render(req, &v));
	checkout_fill(req, &v);
	HDF *hdf = render_hdf(req);
	hdf_set_value(hdf, "Page.Title", "Your tickets");
	if (v.buyer_name)
		hdf_set_value(hdf, "Booking.BuyerName", v.buyer_name);
	if (v.buyer_email)
		hdf_set_value(hdf, "Booking.BuyerEmail", v.buyer_email);
	if (v.late_payment)
		hdf_set_int_value(hdf, "Booking.Late", 1);
	hdf_set_value(hdf, "Booking.TicketsKey",
		      link_key(req->arena, req->app->cfg->secret_key, "booking-tickets", v.booking_id));
	return nerr_pass(render_page(req, "checkout/confirmation.cs"));
}
