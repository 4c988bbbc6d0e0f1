/* checkout_seats: changing the seats of a pending hold from its checkout page — the event's
 * seat map with the shopper's own seats free to them and ticked, and the new selection
 * applied in one transaction that keeps every seat the shopper keeps. */
#ifndef BOXOFFICE_CHECKOUT_SEATS_H
#define BOXOFFICE_CHECKOUT_SEATS_H
#include <ClearSilver.h>

struct request;

/* GET /checkout/{id}/seats?token=...: the change page. */
NEOERR *checkout_seats_page(struct request *req);
/* POST /checkout/{id}/seats (csrf_token, token, ticketId=..., standing_<sectionId>=N): the
 * new selection, complete; on success a 303 back to the checkout page. */
NEOERR *checkout_seats_change(struct request *req);

#endif
