/* checkout_pay: POST /checkout/{id}/pay — the buyer's details checked (a bad form comes back
 * with what was typed and a message), then the hold paid: a test card charged from our page,
 * or the shopper sent to the gateway's own page (checkout_gateway.c). */
#include <string.h>
#include <unistd.h>
#include "booking/booking.h"
#include "core/arena.h"
#include "db/db_bookings.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "payments/payments.h"
#include "shop/checkout.h"
#include "shop/checkout_gateway.h"
#include "shop/checkout_pay.h"

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
	if (checkout_method(req->app->cfg, *method))
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
	const struct checkout_method *m = checkout_method(req->app->cfg, method);
	const struct payment_provider *provider = payments_provider(m->provider);
	if (provider->checkout_start)
		return nerr_pass(checkout_gateway_pay(req, &v, &what, provider));
	struct booking_payment paid;
	err = booking_pay(req->app->cfg, &req->app->db, req->arena, &what, provider, method, false, &paid);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (paid.outcome == BOOKING_CONFIRMED) {
		req->resp.status = 303;
		http_set_header(req, "Location", arena_printf(req->arena, "/bookings/%lld?token=%s",
							      v.booking_id, checkout_token(req)));
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

