/* checkout: the shopper's side of a hold in HTML — the checkout page (held seats, total,
 * time left, buyer details, payment), paying, releasing, and the confirmation page. Every
 * page is reached through the booking's unguessable access token. */
#ifndef BOXOFFICE_CHECKOUT_H
#define BOXOFFICE_CHECKOUT_H
#include <ClearSilver.h>

struct request;

NEOERR *checkout_page(struct request *req);
NEOERR *checkout_pay(struct request *req);
NEOERR *checkout_release(struct request *req);
NEOERR *checkout_confirmation(struct request *req);
/* POST /events/{id}/hold: the seat map's form (ticketId=..., standing_<sectionId>=N). */
NEOERR *checkout_hold(struct request *req);

/* "/checkout/ID?token=..." — where a fresh hold sends the shopper. */
const char *checkout_url(struct request *req, long long booking_id, const char *token);

#endif
