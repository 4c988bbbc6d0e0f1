/* payments: the interface every payment provider implements (the offline test provider now;
 * Stripe and PayPal over libcurl later), and the registry that picks one by name. Card data
 * never reaches us: providers receive tokenised payment methods only. */
#ifndef BOXOFFICE_PAYMENTS_H
#define BOXOFFICE_PAYMENTS_H
#include <ClearSilver.h>

struct arena;

enum payment_outcome { PAYMENT_SUCCEEDED, PAYMENT_DECLINED, PAYMENT_UNKNOWN_METHOD };

struct payment_charge {
	long long amount_cents;
	const char *currency;
	const char *payment_method;   /* a token such as "pm_card_visa" */
	const char *idempotency_key;  /* derived from the booking: a retried charge is one charge */
	const char *description;
};

struct payment_result {
	enum payment_outcome outcome;
	const char *provider_ref;     /* the provider's id for the charge */
	const char *message;          /* for the shopper when declined */
};

struct payment_provider {
	const char *name;
	/* Transport or provider failures are errors (NEOERR); a decline is an outcome. */
	NEOERR *(*charge)(struct arena *a, const struct payment_charge *charge,
			  struct payment_result *out);
	NEOERR *(*refund)(struct arena *a, const char *provider_ref, long long amount_cents,
			  const char *idempotency_key);
};

/* The provider called `name`, or NULL. */
const struct payment_provider *payments_provider(const char *name);

extern const struct payment_provider payments_offline_provider;

#endif
