/* payments_command: `boxoffice payments pending` lists the attempts nobody could settle yet (the
 * sweep settles what the gateways can tell it; what they cannot is shown here), and
 * `boxoffice payments refund BOOKING` gives back all or part of a booking's payment. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "booking/booking.h"
#include "cmd/commands.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/format.h"
#include "db/db.h"
#include "db/db_payments.h"
#include "payments/payments.h"

static int payments_usage(const char *msg)
{
	fprintf(stderr, "boxoffice payments: %s (see `boxoffice payments --help`)\n", msg);
	return 2;
}

static int payments_fail(NEOERR *err)
{
	fprintf(stderr, "boxoffice payments: %s\n", errors_message(err));
	nerr_ignore(&err);
	return 1;
}

static long long payments_number(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	return *s && *end == '\0' && v > 0 ? v : -1;
}

static int payments_pending(struct db *db, int min_age)
{
	struct arena *a = arena_new();
	struct payment_record *list;
	int n = 0;
	NEOERR *err = db_payments_stuck(db, a, min_age, &list, &n);
	if (err != STATUS_OK) {
		arena_destroy(a);
		return payments_fail(err);
	}
	printf("%d payment attempt%s pending for over %d s\n", n, n == 1 ? "" : "s", min_age);
	if (n > 0)
		printf("%-8s %-8s %-10s %-8s %10s %8s  %s\n", "payment", "booking", "code", "provider",
		       "amount", "age s", "at the gateway");
	for (int i = 0; i < n; i++) {
		const struct payment_record *p = &list[i];
		const char *where = p->session_id ? p->session_id
				  : p->provider_ref ? p->provider_ref
				  : "(no reference: the call may not have reached it)";
		printf("%-8lld %-8lld %-10s %-8s %10s %8d  %s%s\n", p->payment_id, p->booking_id,
		       p->booking_code, p->provider, format_money(a, p->amount_cents, p->currency),
		       p->age_seconds, where, p->session_id && p->checkout_open ? " (checkout open)" : "");
	}
	arena_destroy(a);
	return 0;
}

static int payments_refund(const struct config *cfg, struct db *db, long long booking_id,
			   long long amount, const char *key, const char *reason)
{
	struct arena *a = arena_new();
	struct payment_record p;
	bool found;
	NEOERR *err = db_payments_succeeded(db, a, booking_id, &p, &found);
	int status = 0;
	const struct payment_provider *provider = found ? payments_provider(p.provider) : NULL;
	if (err != STATUS_OK) {
		status = payments_fail(err);
	} else if (!found || provider == NULL) {
		fprintf(stderr, "boxoffice payments: booking %lld has no payment that succeeded\n", booking_id);
		status = 1;
	} else {
		long long left = p.amount_cents - p.refunded_cents;
		if (amount < 0)
			amount = left;
		if (amount == 0 || amount > left) {
			fprintf(stderr, "boxoffice payments: %s of %s is left to refund on booking %lld\n",
				format_money(a, left, p.currency), format_money(a, p.amount_cents, p.currency),
				booking_id);
			status = 1;
		} else {
			if (key == NULL)   /* the same command twice is one refund */
				key = arena_printf(a, "refund-booking-%lld-%lld", booking_id, amount);
			err = booking_refund(cfg, db, a, provider, p.payment_id, booking_id, p.provider_ref,
					     amount, p.currency, key, reason);
			if (err != STATUS_OK)
				status = payments_fail(err);
			else
				printf("refunded %s of booking %lld (payment %lld, key %s)\n",
				       format_money(a, amount, p.currency), booking_id, p.payment_id, key);
		}
	}
	arena_destroy(a);
	return status;
}

static int payments_run(struct config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "amount", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "reason", required_argument, NULL, 'r' },
		{ "older-than", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	long long amount = -1, older = 300;
	const char *key = NULL, *reason = "refunded by the box office";
	int c;
	optind = 0; /* glibc: start afresh, argv[0] is the command name */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			if ((amount = payments_number(optarg)) < 0)
				return payments_usage("--amount needs a positive number of cents");
			break;
		case 'k':
			key = optarg;
			if (*key == '\0' || strlen(key) > 200)
				return payments_usage("--key needs 1 to 200 characters");
			break;
		case 'r':
			reason = optarg;
			break;
		case 'o':
			if ((older = payments_number(optarg)) < 0 || older > 86400 * 30)
				return payments_usage("--older-than needs a number of seconds");
			break;
		default:
			return payments_usage("unknown option or missing value");
		}
	}
	const char *what = optind < argc ? argv[optind] : NULL;
	long long booking_id = 0;
	if (what == NULL)
		return payments_usage("say pending or refund");
	if (strcmp(what, "refund") == 0) {
		if (optind + 2 != argc || (booking_id = payments_number(argv[optind + 1])) < 0)
			return payments_usage("refund needs one booking id");
	} else if (strcmp(what, "pending") != 0 || optind + 1 != argc) {
		return payments_usage("say pending or refund BOOKING");
	}
	struct db db;
	NEOERR *err = db_open(&db, cfg);
	if (err != STATUS_OK) {
		db_close(&db);
		return payments_fail(err);
	}
	int status = booking_id ? payments_refund(cfg, &db, booking_id, amount, key, reason)
				: payments_pending(&db, (int)older);
	db_close(&db);
	return status;
}

const struct command cmd_payments = {
	.name = "payments",
	.summary = "list undecided payment attempts, or refund a booking",
	.help =
		"usage: boxoffice payments pending [--older-than SECONDS]\n"
		"       boxoffice payments refund BOOKING [--amount CENTS] [--key KEY] [--reason TEXT]\n"
		"\n"
		"pending   Lists the payment attempts still pending after SECONDS (default 300):\n"
		"          what the sweep could not settle from the gateways' own records (a checkout\n"
		"          the shopper still has open, a gateway that does not answer, a charge whose\n"
		"          call may never have reached the gateway). Each line names the attempt, its\n"
		"          booking, the amount, its age and its reference at the gateway.\n"
		"refund    Gives back CENTS (default: all that is left) of the booking's payment\n"
		"          through its gateway. The refund is recorded before the gateway is asked,\n"
		"          under KEY (default: made from the booking and the amount), so running the\n"
		"          same command twice refunds once; give another --key for a second refund\n"
		"          of the same amount. The booking and its tickets stay as they are.\n",
	.needs_config = true,
	.run = payments_run,
};
