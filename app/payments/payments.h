/* payments: the interface every payment provider implements — Stripe and PayPal over libcurl,
 * and the offline "test" provider — and the registry that picks one by name. Card data never
 * reaches us: a shopper pays on the gateway's own page (hosted checkout), and the API takes
 * tokenised payment methods only. Amounts are integer minor units with an ISO currency. */
#ifndef BOXOFFICE_PAYMENTS_H
#define BOXOFFICE_PAYMENTS_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <ClearSilver.h>

struct arena;
struct config;

enum payment_outcome { PAYMENT_SUCCEEDED, PAYMENT_DECLINED, PAYMENT_UNKNOWN_METHOD };

/* A charge made at once with a tokenised method (the API). */
struct payment_charge {
	long long amount_cents;
	const char *currency;
	const char *payment_method;   /* a token such as "pm_card_visa" */
	const char *idempotency_key;  /* derived from the attempt: a retried charge is one charge */
	const char *attempt;          /* our reference, kept by the gateway ("booking-B-payment-P") */
	const char *description;
};

struct payment_result {
	enum payment_outcome outcome;
	const char *provider_ref;     /* the provider's id for the charge */
	const char *message;          /* for the shopper when declined */
};

/* One line of a hosted checkout page. */
struct payment_line {
	const char *name;             /* "Stalls B-12" */
	long long amount_cents;
	int quantity;
};

/* A hosted checkout to open for a hold. */
struct payment_checkout_request {
	long long booking_id;
	const char *booking_code;
	const char *description;      /* "Booking AB12CD34EF: Night Train, 3 Dec 2026" */
	long long amount_cents;
	const char *currency;
	const struct payment_line *lines;
	int nlines;
	const char *buyer_email;      /* prefilled on the gateway's page, or NULL */
	const char *success_url;      /* absolute; where the shopper comes back after paying */
	const char *cancel_url;       /* absolute; where they come back when they give up */
	time_t expires_at;            /* when the gateway must stop taking the payment */
	const char *idempotency_key;
	const char *attempt;
};

struct payment_checkout_session {
	const char *session_id;       /* Stripe's cs_…, PayPal's order id */
	const char *url;              /* the gateway's page for the shopper */
};

enum payment_checkout_state {
	CHECKOUT_OPEN,                /* the shopper has not finished (or not started) */
	CHECKOUT_APPROVED,            /* PayPal: approved by the buyer, not captured yet */
	CHECKOUT_PROCESSING,          /* finished with a delayed method: the money is not in yet */
	CHECKOUT_PAID,
	CHECKOUT_FAILED,              /* the delayed method or the capture failed */
	CHECKOUT_EXPIRED,             /* no payment can happen any more */
};

/* What the gateway's own record says of a checkout. */
struct payment_checkout_status {
	enum payment_checkout_state state;
	const char *provider_ref;     /* the charge once paid: PaymentIntent / capture id */
	long long amount_cents;       /* what was (or is to be) paid */
	const char *currency;
	const char *attempt;          /* our reference as the gateway keeps it, or NULL */
	const char *message;          /* why it failed, for the shopper */
};

/* A webhook delivery as it arrived: the raw bytes (never re-serialised) and its headers. */
struct payment_webhook {
	const char *body;
	size_t body_len;
	const char *(*header)(const void *ctx, const char *name);
	const void *header_ctx;
};

enum payment_event_kind {
	PAYMENT_EVENT_IGNORED,        /* a type we do not act on: acknowledged */
	PAYMENT_EVENT_CHECKOUT_PAID,
	PAYMENT_EVENT_CHECKOUT_PROCESSING,
	PAYMENT_EVENT_CHECKOUT_APPROVED,
	PAYMENT_EVENT_CHECKOUT_FAILED,
	PAYMENT_EVENT_CHECKOUT_EXPIRED,
	PAYMENT_EVENT_CHARGE_SUCCEEDED,
	PAYMENT_EVENT_CHARGE_FAILED,
	PAYMENT_EVENT_REFUNDED,
};

/* A verified webhook event, in our terms. */
struct payment_event {
	const char *id;               /* the provider's event id: deliveries repeat */
	const char *type;             /* the provider's name for it */
	enum payment_event_kind kind;
	const char *session_id;       /* the checkout it is about, or NULL */
	const char *provider_ref;     /* the charge it is about, or NULL */
	const char *attempt;          /* our reference, when the gateway kept it */
	long long amount_cents;
	const char *currency;
	long long refunded_cents;     /* PAYMENT_EVENT_REFUNDED: the charge's refunded total */
	const char *message;
};

struct payment_refund {
	const char *provider_ref;     /* the refund's id */
};

struct payment_provider {
	const char *name;
	const char *label;            /* for the checkout page: "Card", "PayPal" */
	/* Charge a tokenised method at once. Transport failures and answers we cannot read are
	 * errors (NEOERR, ERR_UNAVAILABLE: nobody knows whether money moved); a decline is an
	 * outcome. NULL when the provider only takes payments on its own page. */
	NEOERR *(*charge)(const struct config *cfg, struct arena *a, const struct payment_charge *c,
			  struct payment_result *out);
	/* What became of the charge made under `attempt` (`charge`'s reference): *found false
	 * when the gateway has none. */
	NEOERR *(*charge_lookup)(const struct config *cfg, struct arena *a, const struct payment_charge *c,
				 struct payment_result *out, bool *found);
	/* Open a hosted checkout; NULL when the provider has none (the test provider's cards are
	 * chosen on our own page). */
	NEOERR *(*checkout_start)(const struct config *cfg, struct arena *a,
				  const struct payment_checkout_request *rq, struct payment_checkout_session *out);
	/* The gateway's record of a checkout. */
	NEOERR *(*checkout_lookup)(const struct config *cfg, struct arena *a, const char *session_id,
				   struct payment_checkout_status *out);
	/* Take the money of an approved checkout (PayPal's capture; idempotent under the key);
	 * NULL when paying completes the checkout by itself (Stripe). */
	NEOERR *(*checkout_capture)(const struct config *cfg, struct arena *a, const char *session_id,
				    const char *idempotency_key, struct payment_checkout_status *out);
	/* Stop a checkout from taking a payment (the shopper gave up, the hold ended); NULL when
	 * the gateway has no such call (an unapproved PayPal order simply lapses). */
	NEOERR *(*checkout_cancel)(const struct config *cfg, struct arena *a, const char *session_id);
	/* Give back `amount_cents` of the charge `provider_ref` (idempotent under the key). */
	NEOERR *(*refund)(const struct config *cfg, struct arena *a, const char *provider_ref,
			  long long amount_cents, const char *currency, const char *idempotency_key,
			  struct payment_refund *out);
	/* Verify a webhook delivery and read its event; ERR_BAD_REQUEST (with why) for anything
	 * that is not a genuine, fresh delivery. NULL when the provider sends none. */
	NEOERR *(*webhook_parse)(const struct config *cfg, struct arena *a,
				 const struct payment_webhook *in, struct payment_event *out);
};

/* The provider called `name`, or NULL. */
const struct payment_provider *payments_provider(const char *name);
/* Whether the site takes payments through `name` (Payments.Providers). */
bool payments_enabled(const struct config *cfg, const char *name);

/* Stripe's webhook signature: NULL when `header` (Stripe-Signature: "t=…,v1=…") carries a v1
 * that is the HMAC-SHA256 of "t.body" under one of `secrets` (comma-separated, for rotation)
 * and t is within `tolerance` seconds of `now`; else why not, for the answer. */
const char *payments_stripe_signature_check(const char *header, const char *body, size_t len,
					    const char *secrets, long long now, int tolerance);

extern const struct payment_provider payments_offline_provider;
extern const struct payment_provider payments_stripe_provider;
extern const struct payment_provider payments_paypal_provider;

#endif
