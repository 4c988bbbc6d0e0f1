/* booking_checkout: paying for a hold on the gateway's own page (Stripe Checkout, PayPal) —
 * opening the checkout with the hold extended to its end, settling it from the gateway's own
 * record (the return page, the sweep) or from its webhooks, and giving it up. Whichever of
 * the webhook, the return page and the sweep comes first confirms; the others find it done. */
#ifndef BOXOFFICE_BOOKING_CHECKOUT_H
#define BOXOFFICE_BOOKING_CHECKOUT_H
#include <stdbool.h>
#include <ClearSilver.h>
#include "booking/booking.h"

struct config;
struct payment_line;
struct payment_record;
struct payment_event;
struct payment_event_record;

struct booking_checkout {
	struct booking_charge charge;    /* the booking, its total, the buyer */
	const char *description;
	const struct payment_line *lines;
	int nlines;
	const char *success_url;
	const char *cancel_url;
};

enum checkout_start {
	START_REDIRECT,                  /* go to `url`, the gateway's page */
	START_NOT_PAYABLE,               /* the booking can no longer be paid */
	START_CHANGED,                   /* its total moved since the page was shown */
	START_IN_PROGRESS,               /* another attempt is being made right now */
	START_HOLD_ENDED,                /* the hold ran out while the checkout was opened */
};

struct booking_checkout_started {
	enum checkout_start outcome;
	const char *url;
	const char *message;
};

/* Open the provider's checkout for the hold: claim the attempt (a checkout already open for
 * it is simply returned to), ask the gateway for a session with no transaction open, then
 * record it and extend the hold to the session's end (Payments.CheckoutMinutes). A gateway
 * that does not answer is an error: nothing has been charged, and the attempt is closed. */
NEOERR *booking_checkout_start(const struct config *cfg, struct db *db, struct arena *a,
			       const struct payment_provider *provider, const struct booking_checkout *in,
			       struct booking_checkout_started *out);

enum checkout_result {
	RESULT_CONFIRMED,
	RESULT_REVIVED,                  /* paid after the hold ran out; the same seats were free */
	RESULT_REFUNDED,                 /* paid, but the seats were gone: the money went back */
	RESULT_PROCESSING,               /* paid with a method that takes time: not in yet */
	RESULT_OPEN,                     /* not paid (yet): the gateway's page is still open */
	RESULT_FAILED,                   /* declined or failed: the hold was released */
	RESULT_EXPIRED,                  /* the checkout lapsed unpaid: the hold was released */
};

/* What became of attempt `p`'s checkout, by the gateway's own record: confirm, capture
 * (PayPal) and confirm, refund, or release — each at most once. *message says it to the
 * shopper. */
NEOERR *booking_checkout_settle(const struct config *cfg, struct db *db, struct arena *a,
				const struct payment_record *p, enum checkout_result *out,
				const char **message);

/* The shopper came back from the gateway without paying: stop the checkout there (so it can no
 * longer be paid) and put the seats back on sale at once. A payment that got through meanwhile
 * is settled instead (*out says which). */
NEOERR *booking_checkout_abandon(const struct config *cfg, struct db *db, struct arena *a,
				 const struct payment_record *p, enum checkout_result *out);

/* A verified webhook event: its effect, and the event recorded with it, once. *outcome says
 * what it did, for the log and the answer ("confirmed", "replay", "ignored", ...). */
NEOERR *booking_checkout_event(const struct config *cfg, struct db *db, struct arena *a,
			       const struct payment_provider *provider, const struct payment_event *ev,
			       const char **outcome);

#endif
