/* checkout_pay: POST /checkout/{id}/pay — the buyer's details checked (a bad form comes back
 * with what was typed and a message), then the hold paid: a test card charged from our page,
 * or the shopper sent to the gateway's own page (checkout_gateway.c). */
#include <string.h>
#include <unistd.h>
#include "booking/booking.h"
#include "core/arena.h"
#include "core/contact.h"
#include "db/db_bookings.h"
#include "db/db_sessions.h"
#include "http/app.h"
#include "http/http.h"
#include "http/render.h"
#include "payments/payments.h"
#include "shop/checkout.h"
#include "shop/checkout_gateway.h"
#include "shop/checkout_pay.h"

/* A form value, kept for the page that comes back when something is wrong. */
static const char *form_kept(struct request *req, const char *field, const char *hdf_name)
{
	const char *v = http_form(req, field);
	if (v)
		hdf_set_value(render_hdf(req), hdf_name, v);
	return v && *v ? v : NULL;
}

/* The attendee named for each held ticket, all optional: holder_name_<ticketId> and
 * holder_email_<ticketId>, shown again under Form.Holder.<ticketId>. */
static const char *checkout_holders(struct request *req, const struct booking_view *v, struct buyer *b)
{
	struct ticket_holder *h = arena_zalloc(req->arena, sizeof *h * (size_t)(v->ntickets + 1));
	for (int i = 0; i < v->ntickets; i++) {
		long long id = v->tickets[i].ticket_id;
		h[b->nholders].ticket_id = id;
		h[b->nholders].name = form_kept(req, arena_printf(req->arena, "holder_name_%lld", id),
						arena_printf(req->arena, "Form.Holder.%lld.Name", id));
		h[b->nholders].email = form_kept(req, arena_printf(req->arena, "holder_email_%lld", id),
						 arena_printf(req->arena, "Form.Holder.%lld.Email", id));
		enum contact_name_check name = h[b->nholders].name ? contact_name_check(h[b->nholders].name)
								  : CONTACT_NAME_OK;
		if (name == CONTACT_NAME_TOO_LONG)
			return arena_printf(req->arena, "The name on the ticket for %s is too long (up to "
					    "%d characters).", v->tickets[i].label, CONTACT_NAME_MAX);
		if (name == CONTACT_NAME_CONTROL)
			return arena_printf(req->arena, "The name on the ticket for %s must not have line "
					    "breaks, tabs or control characters.", v->tickets[i].label);
		if (h[b->nholders].email && !contact_email_valid(h[b->nholders].email))
			return arena_printf(req->arena, "The email for the ticket %s must be an address "
					    "like name@example.com, or left empty.", v->tickets[i].label);
		if (h[b->nholders].name || h[b->nholders].email)
			b->nholders++;
	}
	b->holders = h;
	return NULL;
}

static const char *checkout_validate(struct request *req, const struct booking_view *v,
				     struct buyer *b, const char **method)
{
	memset(b, 0, sizeof *b);
	b->user_id = req->user ? req->user->user_id : 0;
	b->name = form_kept(req, "name", "Form.Name");
	b->email = form_kept(req, "email", "Form.Email");
	const char *phone = form_kept(req, "phone", "Form.Phone");
	*method = form_kept(req, "paymentMethod", "Form.PaymentMethod");
	switch (contact_name_check(b->name)) {
	case CONTACT_NAME_OK:
		break;
	case CONTACT_NAME_CONTROL:
		return "Please enter your name without line breaks, tabs or control characters.";
	case CONTACT_NAME_EMPTY:
	case CONTACT_NAME_TOO_LONG:
		return "Please enter your name (up to 200 characters).";
	}
	if (!contact_email_valid(b->email))
		return "Please enter an email address like name@example.com; your tickets go there.";
	if (phone && (b->phone = contact_phone_e164(req->arena, phone)) == NULL)
		return "Please enter your mobile number in international form, like +353 87 123 4567, "
		       "or leave it empty.";
	const char *problem = checkout_holders(req, v, b);
	if (problem)
		return problem;
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
	struct buyer buyer;
	const char *method;
	const char *problem = checkout_validate(req, &v, &buyer, &method);
	if (problem) {
		hdf_set_value(render_hdf(req), "Checkout.Error", problem);
		req->resp.status = 400;
		return nerr_pass(checkout_render(req, &v));
	}
	struct booking_charge what = { v.booking_id, v.event_id, v.booking_code, v.total_cents,
				       v.currency, buyer, 0 };
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

