/* booking_checkout: the hosted checkout's life. No transaction is open while a gateway is
 * called: the attempt is claimed (one transaction), the gateway asked, and what it said
 * recorded (another); every settlement goes through the one confirm transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "booking/booking.h"
#include "booking/booking_checkout.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db_bookings.h"
#include "db/db_payments.h"
#include "payments/payments.h"

/* When the gateway must stop taking the payment: Payments.CheckoutMinutes from now, plus a
 * minute so Stripe (which wants at least 30 minutes) never finds it a second short, within
 * its 24 hours. */
static time_t checkout_deadline(const struct config *cfg)
{
	long seconds = (long)cfg->checkout_minutes * 60 + 60;
	if (seconds > 24 * 3600 - 60)
		seconds = 24 * 3600 - 60;
	return time(NULL) + seconds;
}

static const char *utc_datetime(struct arena *a, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	char buf[32];
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
	return arena_strdup(a, buf);
}

NEOERR *booking_checkout_start(const struct config *cfg, struct db *db, struct arena *a,
			       const struct payment_provider *provider, const struct booking_checkout *in,
			       struct booking_checkout_started *out)
{
	memset(out, 0, sizeof *out);
	const struct booking_charge *c = &in->charge;
	long long payment_id = 0;
	enum payment_claim claim = CLAIM_NOT_PAYABLE;
	NEOERR *err = booking_claim(db, c, provider->name, "checkout", &payment_id, &claim, &out->message);
	if (err != STATUS_OK)
		return nerr_pass(err);
	switch (claim) {
	case CLAIM_OK:
		break;
	case CLAIM_IN_PROGRESS: {
		/* Back from the gateway's page without paying, and Pay again: the same page. */
		struct payment_record p;
		bool found;
		err = db_payments_latest_checkout(db, a, c->booking_id, &p, &found);
		if (err != STATUS_OK)
			return nerr_pass(err);
		if (found && strcmp(p.status, "pending") == 0 && p.checkout_open && p.checkout_url &&
		    strcmp(p.provider, provider->name) == 0) {
			out->outcome = START_REDIRECT;
			out->url = p.checkout_url;
			out->message = NULL;
			return STATUS_OK;
		}
		out->outcome = START_IN_PROGRESS;
		out->message = "A payment for this booking is already being made (in another window?). "
			       "Finish it there, or wait until it has been given up.";
		return STATUS_OK;
	}
	case CLAIM_NOT_PAYABLE:
		out->outcome = START_NOT_PAYABLE;
		return STATUS_OK;
	case CLAIM_CHANGED:
		out->outcome = START_CHANGED;
		return STATUS_OK;
	}
	time_t deadline = checkout_deadline(cfg);
	const char *key = booking_charge_key(a, c->booking_id, payment_id);
	struct payment_checkout_request rq = {
		.booking_id = c->booking_id, .booking_code = c->booking_code,
		.description = in->description, .amount_cents = c->total_cents, .currency = c->currency,
		.lines = in->lines, .nlines = in->nlines, .buyer_email = c->buyer.email,
		.success_url = in->success_url, .cancel_url = in->cancel_url,
		.expires_at = deadline, .idempotency_key = key, .attempt = key,
	};
	struct payment_checkout_session session;
	err = provider->checkout_start(cfg, a, &rq, &session);
	if (err != STATUS_OK) {
		/* A session nobody was sent to charges nothing: close the attempt, keep the hold. */
		bool replay;
		NEOERR *closed = db_payments_unpaid(db, a, payment_id, "failed",
						    "the gateway did not open the checkout", UNPAID_KEEP_HOLD,
						    NULL, &replay);
		nerr_ignore(&closed);
		return nerr_pass(err);
	}
	bool held = false;
	err = db_payments_checkout_opened(db, a, payment_id, c->booking_id, session.session_id,
					  session.url, utc_datetime(a, deadline), &held);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!held) {
		if (provider->checkout_cancel) {
			NEOERR *stop = provider->checkout_cancel(cfg, a, session.session_id);
			nerr_ignore(&stop);   /* nobody was sent there; it lapses on its own too */
		}
		out->outcome = START_HOLD_ENDED;
		out->message = "Your hold ran out before the payment page opened.";
		return STATUS_OK;
	}
	out->outcome = START_REDIRECT;
	out->url = session.url;
	return STATUS_OK;
}

/* Money moved through the checkout: confirm, or refund when the seats are gone. */
static NEOERR *checkout_paid(const struct config *cfg, struct db *db, struct arena *a,
			     const struct payment_provider *provider, const struct payment_record *p,
			     const char *provider_ref, long long amount_cents,
			     const struct payment_event_record *event, enum booking_settled *settled)
{
	if (amount_cents >= 0 && amount_cents != p->amount_cents) {
		/* We made the session, so this cannot be the shopper: it is a bug or tampering at
		 * the gateway's end. The booking is not confirmed for a wrong amount. */
		log_error("payment %lld: the gateway says %lld were paid, the attempt was for %lld",
			  p->payment_id, amount_cents, p->amount_cents);
		return nerr_raise(NERR_ASSERT, "payment %lld paid a different amount", p->payment_id);
	}
	struct booking_paid_charge money = { p->payment_id, p->booking_id, p->amount_cents,
					     p->currency, provider_ref, event };
	return nerr_pass(booking_settle_paid(cfg, db, a, provider, &money, settled));
}

static enum checkout_result result_of(enum booking_settled s)
{
	switch (s) {
	case SETTLED_REVIVED:
		return RESULT_REVIVED;
	case SETTLED_REFUNDED:
		return RESULT_REFUNDED;
	default:
		return RESULT_CONFIRMED;
	}
}

NEOERR *booking_checkout_settle(const struct config *cfg, struct db *db, struct arena *a,
				const struct payment_record *p, enum checkout_result *out,
				const char **message)
{
	*message = NULL;
	*out = RESULT_OPEN;
	const struct payment_provider *provider = payments_provider(p->provider);
	if (provider == NULL || provider->checkout_lookup == NULL || p->session_id == NULL)
		return nerr_raise(NERR_ASSERT, "payment %lld is not a hosted checkout", p->payment_id);
	struct payment_checkout_status st;
	NEOERR *err = provider->checkout_lookup(cfg, a, p->session_id, &st);
	if (err == STATUS_OK && st.state == CHECKOUT_APPROVED && provider->checkout_capture &&
	    strcmp(p->status, "pending") == 0)
		err = provider->checkout_capture(cfg, a, p->session_id,
						 arena_printf(a, "%s-capture", booking_charge_key(a, p->booking_id, p->payment_id)),
						 &st);
	if (err != STATUS_OK)
		return nerr_pass(err);
	bool replay;
	enum booking_settled settled;
	switch (st.state) {
	case CHECKOUT_PAID:
		err = checkout_paid(cfg, db, a, provider, p, st.provider_ref, st.amount_cents, NULL, &settled);
		*out = result_of(settled);
		return nerr_pass(err);
	case CHECKOUT_PROCESSING:
	case CHECKOUT_APPROVED:
		*out = RESULT_PROCESSING;
		return STATUS_OK;
	case CHECKOUT_OPEN:
		if (p->checkout_open)
			return STATUS_OK;
		/* Past our deadline and still unpaid: nobody may pay through it any more. */
		if (provider->checkout_cancel) {
			err = provider->checkout_cancel(cfg, a, p->session_id);
			if (err != STATUS_OK)
				return nerr_pass(err);
		}
		/* fall through */
	case CHECKOUT_EXPIRED:
		*out = RESULT_EXPIRED;
		return nerr_pass(db_payments_unpaid(db, a, p->payment_id, "failed", "the checkout expired unpaid",
						    UNPAID_RELEASE_EXPIRED, NULL, &replay));
	case CHECKOUT_FAILED:
		*out = RESULT_FAILED;
		*message = st.message;
		return nerr_pass(db_payments_unpaid(db, a, p->payment_id, "declined", st.message,
						    UNPAID_RELEASE_DECLINED, NULL, &replay));
	}
	return STATUS_OK;
}

NEOERR *booking_checkout_abandon(const struct config *cfg, struct db *db, struct arena *a,
				 const struct payment_record *p, enum checkout_result *out)
{
	*out = RESULT_FAILED;
	const struct payment_provider *provider = payments_provider(p->provider);
	if (provider == NULL || p->session_id == NULL)
		return nerr_raise(NERR_ASSERT, "payment %lld is not a hosted checkout", p->payment_id);
	/* Marked first: closing the session makes the gateway say so by webhook, and that may be
	 * handled before this request is done (db_payments_unpaid then releases quietly too). */
	NEOERR *err = db_payments_giving_up(db, p->payment_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (provider->checkout_cancel) {
		err = provider->checkout_cancel(cfg, a, p->session_id);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	/* Paid in the moment before giving up (another tab)? Then that stands. */
	struct payment_checkout_status st;
	err = provider->checkout_lookup(cfg, a, p->session_id, &st);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (st.state == CHECKOUT_PAID || st.state == CHECKOUT_PROCESSING) {
		const char *message;
		return nerr_pass(booking_checkout_settle(cfg, db, a, p, out, &message));
	}
	bool replay;
	return nerr_pass(db_payments_unpaid(db, a, p->payment_id, "failed", PAYMENT_GIVEN_UP,
					    UNPAID_RELEASE_QUIETLY, NULL, &replay));
}

/* "booking-B-payment-P": the attempt P, or 0. */
static long long attempt_payment_id(const char *attempt)
{
	long long b, p;
	char tail;
	if (attempt && sscanf(attempt, "booking-%lld-payment-%lld%c", &b, &p, &tail) == 2 && p > 0)
		return p;
	return 0;
}

/* The attempt an event is about: by its checkout, its charge, or the reference we gave. */
static NEOERR *event_payment(struct db *db, struct arena *a, const struct payment_provider *provider,
			     const struct payment_event *ev, struct payment_record *p, bool *found)
{
	*found = false;
	NEOERR *err = STATUS_OK;
	if (ev->session_id)
		err = db_payments_by_session(db, a, provider->name, ev->session_id, p, found);
	if (err == STATUS_OK && !*found && ev->provider_ref)
		err = db_payments_by_ref(db, a, provider->name, ev->provider_ref, p, found);
	long long id = attempt_payment_id(ev->attempt);
	if (err == STATUS_OK && !*found && id > 0) {
		err = db_payments_get(db, a, id, p, found);
		if (err == STATUS_OK && *found && strcmp(p->provider, provider->name) != 0)
			*found = false;
	}
	return nerr_pass(err);
}

NEOERR *booking_checkout_event(const struct config *cfg, struct db *db, struct arena *a,
			       const struct payment_provider *provider, const struct payment_event *ev,
			       const char **outcome)
{
	struct payment_event_record record = { provider->name, ev->id, ev->type, "recorded" };
	struct payment_record p;
	bool found, replay = false;
	NEOERR *err = event_payment(db, a, provider, ev, &p, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!found) {
		/* Not ours (another shop on the same account?) or long gone: acknowledged. */
		record.outcome = "unknown payment";
		err = db_payments_note_event(db, &record, 0, &replay);
		*outcome = replay ? "replay" : "unknown payment";
		return nerr_pass(err);
	}
	enum booking_settled settled = SETTLED_CONFIRMED;
	struct payment_checkout_status st;
	switch (ev->kind) {
	case PAYMENT_EVENT_CHECKOUT_PAID:
		record.outcome = "paid";
		err = checkout_paid(cfg, db, a, provider, &p, ev->provider_ref, ev->amount_cents, &record, &settled);
		*outcome = settled == SETTLED_REPLAY ? "replay" : settled == SETTLED_REFUNDED ? "refunded"
			 : settled == SETTLED_REVIVED ? "confirmed late" : "confirmed";
		return nerr_pass(err);
	case PAYMENT_EVENT_CHARGE_SUCCEEDED:
		/* The checkout's own PaymentIntent, or a direct charge whose answer was lost. */
		if (strcmp(p.status, "pending") != 0 && strcmp(p.status, "succeeded") != 0)
			break;
		record.outcome = "paid";
		err = checkout_paid(cfg, db, a, provider, &p, ev->provider_ref, ev->amount_cents, &record, &settled);
		*outcome = settled == SETTLED_REPLAY ? "replay" : settled == SETTLED_REFUNDED ? "refunded" : "confirmed";
		return nerr_pass(err);
	case PAYMENT_EVENT_CHECKOUT_APPROVED:
		/* PayPal: the buyer approved and may never come back; take the money now. */
		if (provider->checkout_capture == NULL || strcmp(p.status, "pending") != 0 || p.session_id == NULL)
			break;
		err = provider->checkout_capture(cfg, a, p.session_id,
						 arena_printf(a, "%s-capture", booking_charge_key(a, p.booking_id, p.payment_id)),
						 &st);
		if (err != STATUS_OK)
			return nerr_pass(err);   /* 5xx: the gateway delivers the event again */
		if (st.state == CHECKOUT_PAID) {
			record.outcome = "captured";
			err = checkout_paid(cfg, db, a, provider, &p, st.provider_ref, st.amount_cents, &record, &settled);
			*outcome = settled == SETTLED_REPLAY ? "replay" : settled == SETTLED_REFUNDED ? "refunded" : "confirmed";
			return nerr_pass(err);
		}
		if (st.state == CHECKOUT_FAILED) {
			record.outcome = "declined";
			err = db_payments_unpaid(db, a, p.payment_id, "declined", st.message,
						 UNPAID_RELEASE_DECLINED, &record, &replay);
			*outcome = replay ? "replay" : "declined";
			return nerr_pass(err);
		}
		break;
	case PAYMENT_EVENT_CHECKOUT_FAILED:
		record.outcome = "declined";
		err = db_payments_unpaid(db, a, p.payment_id, "declined", ev->message, UNPAID_RELEASE_DECLINED,
					 &record, &replay);
		*outcome = replay ? "replay" : "declined";
		return nerr_pass(err);
	case PAYMENT_EVENT_CHECKOUT_EXPIRED:
		record.outcome = "expired";
		err = db_payments_unpaid(db, a, p.payment_id, "failed", "the checkout expired unpaid",
					 UNPAID_RELEASE_EXPIRED, &record, &replay);
		*outcome = replay ? "replay" : "expired";
		return nerr_pass(err);
	case PAYMENT_EVENT_REFUNDED:
		if (ev->refunded_cents <= 0)
			break;
		record.outcome = "refund noted";
		err = db_payments_refunded(db, p.payment_id, ev->refunded_cents, &record, &replay);
		*outcome = replay ? "replay" : "refund noted";
		return nerr_pass(err);
	case PAYMENT_EVENT_CHECKOUT_PROCESSING:
	case PAYMENT_EVENT_CHARGE_FAILED:   /* a card refused on the gateway's page: it may retry */
	case PAYMENT_EVENT_IGNORED:
		break;
	}
	record.outcome = "noted";
	err = db_payments_note_event(db, &record, p.payment_id, &replay);
	*outcome = replay ? "replay" : "noted";
	return nerr_pass(err);
}
