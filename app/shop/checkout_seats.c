/* checkout_seats: GET and POST /checkout/{id}/seats. The page is the checkout's own (token,
 * CSRF, no-store); anything wrong with the new selection shows the page again with the
 * shopper's selection kept and their hold exactly as it was. */
#include <stdlib.h>
#include <string.h>
#include "booking/booking.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/ids.h"
#include "db/db_bookings.h"
#include "db/db_hold_change.h"
#include "http/app.h"
#include "http/http.h"
#include "http/parse.h"
#include "http/render.h"
#include "shop/checkout.h"
#include "shop/checkout_seats.h"
#include "shop/event_page.h"

/* More standing areas than any venue has; the form sends one field per area. */
#define SEATS_MAX_STANDING_AREAS 16
/* Seat ids kept from one form: far past any limit, so a huge form is refused, not echoed. */
#define SEATS_MAX_IDS 256

/* The new selection as sent: every valid part of it (shown again when something is wrong)
 * and the first thing wrong with it. */
struct seats_selection {
	long long *seat_ids;             /* sorted, distinct */
	int nseat_ids;
	struct standing_request standing[SEATS_MAX_STANDING_AREAS];   /* distinct areas */
	int nstanding;
	const char *problem;
};

static void seats_problem(struct seats_selection *sel, const char *message)
{
	if (sel->problem == NULL)
		sel->problem = message;
}

/* Plain digits only ("12", not "+12", " 12", "1.5" or "12abc"), small enough for any id. */
static bool seats_number(const char *s, long long *out)
{
	size_t len = strlen(s);
	if (len == 0 || len > 18 || strspn(s, "0123456789") != len)
		return false;
	*out = strtoll(s, NULL, 10);
	return true;
}

/* ticketId=N for each seat, standing_<sectionId>=quantity for each standing area (empty
 * means none, as the seat map's number field sends it). */
static void seats_parse(struct request *req, struct seats_selection *sel)
{
	const int max = req->app->cfg->max_tickets;
	const char *too_many = arena_printf(req->arena, "You can book at most %d tickets at once.", max);
	memset(sel, 0, sizeof *sel);
	sel->seat_ids = arena_alloc(req->arena, sizeof(long long) * (SEATS_MAX_IDS + 1));
	for (const struct param *p = req->form; p; p = p->next) {
		long long v = 0, section = 0;
		if (strcmp(p->key, "ticketId") == 0) {
			if (!seats_number(p->value, &v) || v < 1)
				seats_problem(sel, "The seat selection is not valid.");
			else if (sel->nseat_ids == SEATS_MAX_IDS)
				seats_problem(sel, too_many);
			else
				sel->seat_ids[sel->nseat_ids++] = v;
			continue;
		}
		if (strncmp(p->key, "standing_", 9) != 0)
			continue;
		if (!seats_number(p->key + 9, &section) || section < 1 ||
		    (*p->value && !seats_number(p->value, &v))) {
			seats_problem(sel, "Standing quantities must be whole numbers.");
			continue;
		}
		bool again = false;
		for (int i = 0; i < sel->nstanding; i++)
			again = again || sel->standing[i].section_id == section;
		if (again) {
			seats_problem(sel, "The selection names a standing area more than once.");
			continue;
		}
		if (v > max) {
			seats_problem(sel, too_many);
			v = max;
		}
		if (sel->nstanding == SEATS_MAX_STANDING_AREAS) {
			seats_problem(sel, "The selection names too many standing areas.");
			continue;
		}
		sel->standing[sel->nstanding++] = (struct standing_request){ section, (int)v };
	}
	int distinct = ids_sort_distinct(sel->seat_ids, sel->nseat_ids);
	if (distinct != sel->nseat_ids)
		seats_problem(sel, "The selection names the same seat more than once.");
	sel->nseat_ids = distinct;
	long long total = sel->nseat_ids;
	for (int i = 0; i < sel->nstanding; i++)
		total += sel->standing[i].quantity;
	if (total == 0)
		seats_problem(sel, "Choose at least one seat or standing place. To give up all your "
				   "seats, use \"Release these seats\" on the checkout page.");
	if (total > max)
		seats_problem(sel, too_many);
}

/* The change page: the seat map with the hold's own tickets free to this shopper, and
 * `sel` (NULL: what the hold has now) chosen. */
static NEOERR *seats_render(struct request *req, const struct booking_view *v, int status,
			    const char *message, const struct seats_selection *sel)
{
	struct held_place *held;
	int nheld;
	NEOERR *err = db_hold_change_held(&req->app->db, req->arena, v->booking_id, &held, &nheld);
	if (err != STATUS_OK)
		return nerr_pass(err);
	long long *held_ids = arena_alloc(req->arena, sizeof(long long) * (size_t)(nheld + 1));
	long long *held_seats = arena_alloc(req->arena, sizeof(long long) * (size_t)(nheld + 1));
	struct standing_request *held_standing = arena_zalloc(req->arena,
		sizeof *held_standing * (size_t)(nheld + 1));
	int nseats = 0, nstanding = 0;
	for (int i = 0; i < nheld; i++) {
		held_ids[i] = held[i].ticket_id;
		if (!held[i].standing) {
			held_seats[nseats++] = held[i].ticket_id;
			continue;
		}
		int k = 0;
		while (k < nstanding && held_standing[k].section_id != held[i].section_id)
			k++;
		if (k == nstanding)
			held_standing[nstanding++] = (struct standing_request){ held[i].section_id, 0 };
		held_standing[k].quantity++;
	}
	struct event_hold_view hv = {
		.held = held_ids, .nheld = nheld, .held_standing = held_standing, .nheld_standing = nstanding,
		.selected = sel ? sel->seat_ids : held_seats, .nselected = sel ? sel->nseat_ids : nseats,
		.standing = sel ? sel->standing : held_standing, .nstanding = sel ? sel->nstanding : nstanding,
	};
	bool on_sale = false;
	err = event_page_fill_for_hold(req, v->event_id, &hv, &on_sale);
	if (nerr_match(err, ERR_NOT_FOUND))
		nerr_ignore(&err);          /* taken off sale altogether (unpublished) */
	if (err != STATUS_OK)
		return nerr_pass(err);
	HDF *hdf = render_hdf(req);
	if (!on_sale) {
		hdf_set_value(hdf, "Checkout.Error", "Tickets for this event are no longer on sale, so "
			      "these seats cannot be changed.");
		req->resp.status = 409;
		return nerr_pass(checkout_render(req, v));
	}
	/* After the event: the checkout's names for the booking and event win (Event.Date, ...). */
	checkout_fill(req, v);
	http_csrf_token(req);
	const char *token = checkout_token(req);
	hdf_set_value(hdf, "Page.Title", "Change your seats");
	hdf_set_value(hdf, "Change.Action", arena_printf(req->arena, "/checkout/%lld/seats", v->booking_id));
	hdf_set_value(hdf, "Change.Token", token);
	hdf_set_value(hdf, "Change.Back", checkout_url(req, v->booking_id, token));
	if (message)
		hdf_set_value(hdf, "Change.Error", message);
	req->resp.status = status;
	return nerr_pass(render_page(req, "checkout/seats.cs"));
}

NEOERR *checkout_seats_page(struct request *req)
{
	struct booking_view v;
	bool open;
	NEOERR *err = checkout_load_open(req, &v, &open);   /* paid, released or expired */
	if (err != STATUS_OK || !open)
		return nerr_pass(err);
	return nerr_pass(seats_render(req, &v, 200, NULL, NULL));
}

/* The change, retrying deadlocks and lock waits with jitter as booking_hold does; after the
 * last try a 503 with Retry-After (the hold is unchanged). */
static NEOERR *seats_change_retrying(struct db *db, struct arena *a,
				     const struct hold_change_request *rq, struct hold_change_result *out)
{
	NEOERR *err;
	for (int attempt = 0;; attempt++) {
		err = db_hold_change(db, a, rq, out);
		if (!booking_should_retry(&err, attempt, "So many people are booking right now that we "
					  "could not change your seats; you still hold the seats you had. "
					  "Please try again in a moment."))
			return nerr_pass(err);
	}
}

/* The checkout page with a message: the change could not even be tried. */
static NEOERR *seats_refused(struct request *req, struct booking_view *v, int status,
			     const char *message)
{
	NEOERR *err = checkout_load(req, v);   /* as it stands now */
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (checkout_open(v))
		hdf_set_value(render_hdf(req), "Checkout.Error", message);
	req->resp.status = status;
	return nerr_pass(checkout_render(req, v));
}

NEOERR *checkout_seats_change(struct request *req)
{
	struct booking_view v;
	bool open;
	NEOERR *err = checkout_load_open(req, &v, &open);
	if (err != STATUS_OK || !open)
		return nerr_pass(err);
	struct seats_selection sel;
	seats_parse(req, &sel);
	if (sel.problem)
		return nerr_pass(seats_render(req, &v, 400, sel.problem, &sel));
	struct hold_change_request rq = {
		.booking_id = v.booking_id, .event_id = v.event_id,
		.seat_ids = sel.seat_ids, .nseat_ids = sel.nseat_ids,
		.standing = sel.standing, .nstanding = sel.nstanding,
		.max_tickets = req->app->cfg->max_tickets,
	};
	struct hold_change_result changed;
	err = seats_change_retrying(&req->app->db, req->arena, &rq, &changed);
	if (err != STATUS_OK)
		return nerr_pass(err);
	switch (changed.outcome) {
	case CHANGE_OK:
		req->resp.status = 303;
		http_set_header(req, "Location", checkout_url(req, v.booking_id, checkout_token(req)));
		return STATUS_OK;
	case CHANGE_TAKEN: {
		/* Keep ticked what is still free; the message names what is gone. */
		sel.nseat_ids = checkout_without_taken(sel.seat_ids, sel.nseat_ids, changed.taken,
						       changed.ntaken);
		return nerr_pass(seats_render(req, &v, 409, changed.message, &sel));
	}
	case CHANGE_INVALID:
		return nerr_pass(seats_render(req, &v, 422, changed.message, &sel));
	case CHANGE_ENDED:
		/* A 410 like any ended checkout (or on to the confirmation once paid). */
		return nerr_pass(seats_refused(req, &v, 410, changed.message));
	case CHANGE_PAYING:
	case CHANGE_NOT_ON_SALE:
		return nerr_pass(seats_refused(req, &v, 409, changed.message));
	}
	return nerr_raise(NERR_ASSERT, "unknown change outcome %d", (int)changed.outcome);
}
