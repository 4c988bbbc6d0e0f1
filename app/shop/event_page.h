/* event_page: one event — its page with the seat map, its JSON, and its ticket inventory. */
#ifndef BOXOFFICE_EVENT_PAGE_H
#define BOXOFFICE_EVENT_PAGE_H
#include <stdbool.h>
#include <ClearSilver.h>

struct request;

NEOERR *event_show_page(struct request *req);
NEOERR *event_show_api(struct request *req);
NEOERR *event_tickets_api(struct request *req);
/* The event page for one shopper: seats pre-ticked and a message (a hold that failed),
 * with the given status. Never cached. */
NEOERR *event_page_with_selection(struct request *req, long long event_id, int status,
				  const char *message, const long long *selected, int nselected);

struct standing_request;

/* The seat map as a shopper changing a hold sees it (app/shop/checkout_seats.c). */
struct event_hold_view {
	const long long *held;            /* every ticket of the hold, sorted: shown as free */
	int nheld;
	const struct standing_request *held_standing;   /* its standing places per area */
	int nheld_standing;
	const long long *selected;        /* seats to show ticked */
	int nselected;
	const struct standing_request *standing;        /* quantities to show chosen */
	int nstanding;
};

/* Fill Event.* and Map.* (as for the event page) with the hold's own seats available to this
 * shopper, its standing places counted as left, and Selected.<ticketId> /
 * SelectedStanding.<sectionId> set; nothing is rendered or cached. *on_sale is false (and
 * only the event is filled) when the event no longer sells tickets. */
NEOERR *event_page_fill_for_hold(struct request *req, long long event_id,
				 const struct event_hold_view *hv, bool *on_sale);

#endif
