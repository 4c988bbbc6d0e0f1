/* checkout_hold: POST /events/{id}/hold, the seat map's form. A hold sends the shopper on to
 * its checkout page (303); seats gone or a bad form show the event page again with the rest
 * of the selection ticked; an on-sale crowd bigger than we serve gets a small "try again"
 * page. Nothing is held unless the whole selection is. */
#include <stdlib.h>
#include <string.h>
#include "booking/booking.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/ids.h"
#include "http/admission.h"
#include "http/app.h"
#include "http/http.h"
#include "http/parse.h"
#include "http/render.h"
#include "shop/checkout.h"
#include "shop/checkout_hold.h"
#include "shop/event_page.h"

/* The seat map's selection: every ticketId=N, and standing_<section>=quantity fields. */
static NEOERR *hold_parse_form(struct request *req, long long event_id, struct hold_request *rq)
{
	int n = param_count(req->form, "ticketId");
	long long *ids = arena_alloc(req->arena, sizeof(long long) * (size_t)(n + 1));
	struct standing_request *standing = arena_zalloc(req->arena, sizeof *standing * 9);
	int nids = 0, nstanding = 0, total = 0;
	for (const struct param *p = req->form; p; p = p->next) {
		char *end = NULL;
		long long v = strtoll(p->value, &end, 10);
		bool number = *p->value && *end == '\0';
		if (strcmp(p->key, "ticketId") == 0) {
			if (!number || v < 1)
				return nerr_raise(ERR_BAD_REQUEST, "The seat selection is not valid.");
			ids[nids++] = v;
			total++;
		} else if (strncmp(p->key, "standing_", 9) == 0 && *p->value) {
			long long section = strtoll(p->key + 9, &end, 10);
			if (*end != '\0' || section < 1 || !number || v < 0)
				return nerr_raise(ERR_BAD_REQUEST, "Standing quantities must be whole numbers.");
			if (v > req->app->cfg->max_tickets)
				return nerr_raise(ERR_BAD_REQUEST, "You can book at most %d tickets at once.",
						  req->app->cfg->max_tickets);
			if (v > 0 && nstanding < 8) {
				standing[nstanding++] = (struct standing_request){ section, (int)v };
				total += (int)v;
			}
		}
	}
	int distinct = ids_sort_distinct(ids, nids);
	total -= nids - distinct;   /* a seat ticked twice is one ticket */
	if (total == 0)
		return nerr_raise(ERR_BAD_REQUEST, "Choose at least one seat or standing place.");
	if (total > req->app->cfg->max_tickets)
		return nerr_raise(ERR_BAD_REQUEST, "You can book at most %d tickets at once.",
				  req->app->cfg->max_tickets);
	*rq = (struct hold_request){
		.event_id = event_id, .ticket_ids = ids, .nticket_ids = distinct,
		.standing = standing, .nstanding = nstanding,
		.hold_seconds = req->app->cfg->hold_seconds,
	};
	return STATUS_OK;
}

/* Seats gone or the form rejected: the event page again, saying exactly what, with the rest
 * of the selection still ticked and nothing held. */
static NEOERR *hold_rejected(struct request *req, long long event_id, int status,
			     const char *message, const struct hold_request *rq)
{
	return nerr_pass(event_page_with_selection(req, event_id, status, message,
						   rq ? rq->ticket_ids : NULL, rq ? rq->nticket_ids : 0));
}

/* The on-sale crowd is bigger than we can serve: a small page (no query) saying so, whose
 * "Try again" posts the same selection again. */
static NEOERR *hold_busy(struct request *req, long long event_id, const char *message,
			 const struct hold_request *rq)
{
	HDF *hdf = render_hdf(req);
	int count = rq->nticket_ids;
	hdf_set_value(hdf, "Page.Title", "Very busy right now");
	hdf_set_value(hdf, "Busy.Message", message);
	hdf_set_valuef(hdf, "Busy.EventId=%lld", event_id);
	for (int i = 0; i < rq->nticket_ids; i++)
		hdf_set_valuef(hdf, "Busy.Tickets.%d=%lld", i, rq->ticket_ids[i]);
	for (int i = 0; i < rq->nstanding; i++) {
		hdf_set_valuef(hdf, "Busy.Standing.%d.Section=%lld", i, rq->standing[i].section_id);
		hdf_set_valuef(hdf, "Busy.Standing.%d.Quantity=%d", i, rq->standing[i].quantity);
		count += rq->standing[i].quantity;
	}
	hdf_set_int_value(hdf, "Busy.Count", count);
	req->resp.status = 503;
	return nerr_pass(render_page(req, "events/busy.cs"));
}

NEOERR *checkout_hold(struct request *req)
{
	const char *id_text = http_capture(req, "id");
	char *end = NULL;
	long long event_id = strtoll(id_text, &end, 10);
	if (*end != '\0' || event_id < 1)
		return nerr_raise(ERR_NOT_FOUND, "There is no such event.");
	struct hold_request rq;
	NEOERR *err = hold_parse_form(req, event_id, &rq);
	if (err != STATUS_OK) {
		if (errors_http_status(err) != 400)
			return nerr_pass(err);
		const char *message = arena_strdup(req->arena, errors_message(err));
		nerr_ignore(&err);
		return nerr_pass(hold_rejected(req, event_id, 400, message, NULL));
	}
	err = admission_check(req);
	if (err != STATUS_OK) {
		const char *message = arena_strdup(req->arena, errors_message(err));
		nerr_ignore(&err);
		return nerr_pass(hold_busy(req, event_id, message, &rq));
	}
	struct hold_result held;
	err = booking_hold(&req->app->db, req->arena, &rq, &held);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (held.outcome == HOLD_INVALID)
		return nerr_pass(hold_rejected(req, event_id, 422, held.message, &rq));
	if (held.outcome == HOLD_UNAVAILABLE) {
		/* Keep ticked what is still free; name what is gone. */
		struct hold_request keep = rq;
		long long *still = arena_alloc(req->arena, sizeof(long long) * (size_t)(rq.nticket_ids + 1));
		memcpy(still, rq.ticket_ids, sizeof(long long) * (size_t)rq.nticket_ids);
		keep.ticket_ids = still;
		keep.nticket_ids = checkout_without_taken(still, rq.nticket_ids, held.unavailable,
							  held.nunavailable);
		return nerr_pass(hold_rejected(req, event_id, 409, held.message, &keep));
	}
	req->resp.status = 303;
	http_set_header(req, "Location", checkout_url(req, held.booking_id, held.access_token));
	return STATUS_OK;
}
