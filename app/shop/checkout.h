/* checkout: the shopper's side of a hold in HTML — the checkout page (held seats, total,
 * time left, buyer details, payment), paying and releasing. Every page of a booking is
 * reached through its unguessable access token. */
#ifndef BOXOFFICE_CHECKOUT_H
#define BOXOFFICE_CHECKOUT_H
#include <stdbool.h>
#include <ClearSilver.h>

struct request;

NEOERR *checkout_page(struct request *req);
NEOERR *checkout_release(struct request *req);

/* "/checkout/ID?token=..." — where a fresh hold sends the shopper. */
const char *checkout_url(struct request *req, long long booking_id, const char *token);

struct config;

/* A choice of the payment fieldset: a gateway's own page (the id is the provider's name), or
 * one of the test provider's cards, charged from our page. */
struct checkout_method {
	const char *id;
	const char *label;
	const char *provider;
};
/* The method called `id` if the site takes it (Payments.Providers), else NULL. */
const struct checkout_method *checkout_method(const struct config *cfg, const char *id);

/* Shared with the other pages of a booking (checkout_hold.c, checkout_seats.c, booking_page.c). */
struct booking_view;
/* The booking's access token, from the form or else the query string. */
const char *checkout_token(struct request *req);
/* The booking named by the path and proven by the token, or a 404 for anyone else. */
NEOERR *checkout_load(struct request *req, struct booking_view *v);
/* Booking.*, Event.*, Tickets.* and Methods.* for the checkout templates. */
void checkout_fill(struct request *req, const struct booking_view *v);
/* Pending and not past its expiry: the shopper may still pay for it or change it. */
bool checkout_open(const struct booking_view *v);
/* checkout_load, then checkout_open: *open false means the booking can no longer be paid or
 * changed, and the response already shows it as it stands (checkout_render). */
NEOERR *checkout_load_open(struct request *req, struct booking_view *v, bool *open);
struct held_ticket;
/* Drop from ids[0..n) the tickets of gone[0..ngone) (someone else has them), keeping the
 * order, so the rest of a refused selection can be shown still ticked; returns how many stay. */
int checkout_without_taken(long long *ids, int n, const struct held_ticket *gone, int ngone);
/* The checkout page as the booking stands: the form, why it ended (410, unless a status is
 * set), or a redirect to the confirmation once paid. */
NEOERR *checkout_render(struct request *req, const struct booking_view *v);
/* The page of a booking that can no longer be paid: `message`, or why it ended by its status,
 * and the way back to the seat map (410 unless a status is set). */
NEOERR *checkout_ended(struct request *req, const struct booking_view *v, const char *message);

#endif
