/* sweep: the `boxoffice sweep` command — one whole sweep (booking/booking_sweep.c) and what
 * it did. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "booking/booking_sweep.h"
#include "cmd/commands.h"
#include "core/errors.h"
#include "db/db.h"

static int sweep_run(struct config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "grace", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	long grace = BOOKING_SWEEP_DEFAULT_GRACE;
	char *end;
	int c;
	optind = 0; /* glibc: start afresh, argv[0] is the command name */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c != 'g') {
			fprintf(stderr, "boxoffice sweep: unknown option or missing value "
				"(see `boxoffice sweep --help`)\n");
			return 2;
		}
		grace = strtol(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || grace < 0 || grace > 86400) {
			fprintf(stderr, "boxoffice sweep: --grace needs a number of seconds (0-86400)\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "boxoffice sweep: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	struct db db;
	struct booking_sweep_counts n = { 0 };
	NEOERR *err = db_open(&db, cfg);
	if (err == STATUS_OK)
		err = booking_sweep(cfg, &db, (int)grace, &n);
	db_close(&db);
	if (err != STATUS_OK) {
		fprintf(stderr, "boxoffice sweep: %s\n", errors_message(err));
		nerr_ignore(&err);
		return 1;
	}
	printf("sweep: %ld expired bookings, %ld tickets released (grace %ld s), %ld payments refunded,"
	       " %ld pending payments settled\n", n.expired, n.released, grace, n.refunded, n.settled);
	return 0;
}

const struct command cmd_sweep = {
	.name = "sweep",
	.summary = "expire unpaid bookings and release their seat holds",
	.help =
		"usage: boxoffice sweep [--grace SECONDS]\n"
		"\n"
		"First settles payment attempts left pending for over a minute (a worker died\n"
		"mid-charge): each charge is replayed with its idempotency key to learn whether money\n"
		"moved; if it did, the booking is confirmed when its hold is intact, else refunded.\n"
		"Then finds pending bookings whose hold ran out more than the grace period ago, puts\n"
		"their reserved tickets back on sale and marks the bookings expired, in batches of\n"
		"one transaction each, then prints how many it released. Safe to run at any time,\n"
		"beside live bookings and beside another sweep; the serving pool also runs it\n"
		"periodically. Last it refunds any charge that succeeded for a booking which ended\n"
		"unconfirmed (a worker died between charging and confirming) over a minute ago.\n"
		"Each step runs even when an earlier one failed (an unreachable gateway must not\n"
		"keep seats off sale); the first failure is printed and the exit status is 1.\n"
		"\n"
		"--grace SECONDS   How long past expires_at a hold survives (default 30), so a\n"
		"                  payment that completes just after the deadline still finds its\n"
		"                  seats.\n",
	.needs_config = true,
	.run = sweep_run,
};
