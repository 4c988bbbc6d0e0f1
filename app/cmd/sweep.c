/* sweep: `boxoffice sweep` and sweep_run_once() for the pool master: expire pending bookings
 * past expires_at + grace and put their held tickets back on sale (booking protocol step 4). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "booking/booking.h"
#include "cmd/commands.h"
#include "cmd/sweep.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "db/db.h"

/* Bookings per transaction: short transactions keep the time other bookers wait on us small. */
#define SWEEP_BATCH 200
/* Attempts per batch when InnoDB picks us as a deadlock victim or a lock wait times out. */
#define SWEEP_ATTEMPTS 5

/* A result's first column (ids: digits only, from the server) as a JSON array, bound as
 * one parameter and opened with JSON_TABLE, so one prepared statement serves any batch. */
static const char *sweep_id_list(struct arena *a, const struct db_result *r)
{
	size_t size = 3;
	for (int i = 0; i < r->nrows; i++)
		size += strlen(db_cell(r, i, 0)) + 1;
	char *json = arena_alloc(a, size);
	size_t n = 0;
	json[n++] = '[';
	for (int i = 0; i < r->nrows; i++) {
		const char *id = db_cell(r, i, 0);
		if (i > 0)
			json[n++] = ',';
		memcpy(json + n, id, strlen(id));
		n += strlen(id);
	}
	json[n++] = ']';
	json[n] = '\0';
	return json;
}

/* The tickets of a locked batch of bookings: lock them in ticket_id order (the order every
 * booking transaction locks tickets in), put those still held for these bookings back on
 * sale, and expire the bookings.
 *
 * InnoDB locks rows in the order it reads them, whatever the ORDER BY says, so the tickets
 * are first listed without locks and then locked through a sorted id list that JSON_TABLE
 * yields in array order. STRAIGHT_JOIN and FORCE INDEX keep every statement reading from the
 * id list by key: a plan from the other end would scan (and wait on) every reserved ticket or
 * pending booking of the site. */
static NEOERR *sweep_release(struct db *db, struct arena *a, const struct db_result *bookings,
			     long *expired, long *released)
{
	struct db_result tickets, result;
	const char *booking_ids = sweep_id_list(a, bookings);
	NEOERR *err = db_exec(db, a, &tickets,
		"SELECT t.ticket_id "
		"FROM JSON_TABLE(?, '$[*]' COLUMNS (booking_id BIGINT UNSIGNED PATH '$')) AS b "
		"STRAIGHT_JOIN tickets t FORCE INDEX (idx_tickets_booking) ON t.booking_id = b.booking_id "
		"ORDER BY t.ticket_id",
		"s", booking_ids);
	if (err == STATUS_OK && tickets.nrows > 0)
		err = db_exec(db, a, NULL,
			"SELECT t.ticket_id "
			"FROM JSON_TABLE(?, '$[*]' COLUMNS (ticket_id BIGINT UNSIGNED PATH '$')) AS j "
			"STRAIGHT_JOIN tickets t FORCE INDEX (PRIMARY) ON t.ticket_id = j.ticket_id "
			"FOR UPDATE",
			"s", sweep_id_list(a, &tickets));
	/* Only tickets still reserved by that booking: one that changed hands meanwhile
	 * belongs to someone else now. */
	if (err == STATUS_OK)
		err = db_exec(db, a, &result,
			"UPDATE JSON_TABLE(?, '$[*]' COLUMNS (booking_id BIGINT UNSIGNED PATH '$')) AS b "
			"STRAIGHT_JOIN tickets t FORCE INDEX (idx_tickets_booking) "
			"  ON t.booking_id = b.booking_id "
			"SET t.status = 'available', t.booking_id = NULL, t.hold_expires_at = NULL "
			"WHERE t.status = 'reserved'",
			"s", booking_ids);
	if (err == STATUS_OK)
		*released += (long)result.affected_rows;
	if (err == STATUS_OK)
		err = db_exec(db, a, &result,
			"UPDATE JSON_TABLE(?, '$[*]' COLUMNS (booking_id BIGINT UNSIGNED PATH '$')) AS b "
			"STRAIGHT_JOIN bookings bk FORCE INDEX (PRIMARY) ON bk.booking_id = b.booking_id "
			"SET bk.payment_status = 'expired', bk.updated_at = UTC_TIMESTAMP() "
			"WHERE bk.payment_status = 'pending'",
			"s", booking_ids);
	if (err == STATUS_OK)
		*expired += (long)result.affected_rows;
	return nerr_pass(err);
}

/* One transaction: lock up to SWEEP_BATCH overdue bookings and release them. SKIP LOCKED
 * passes over bookings that another transaction is confirming (or another sweep is
 * expiring); if they are still pending afterwards, the next pass takes them. */
static NEOERR *sweep_batch(struct db *db, int grace, int *found, long *expired, long *released)
{
	struct arena *a = arena_new();
	struct db_result bookings;
	*found = 0;
	NEOERR *err = db_begin(db);
	if (err == STATUS_OK)
		err = db_exec(db, a, &bookings,
			      "SELECT booking_id FROM bookings "
			      "WHERE payment_status = 'pending' "
			      "  AND expires_at < UTC_TIMESTAMP() - INTERVAL ? SECOND "
			      "ORDER BY expires_at LIMIT ? "
			      "FOR UPDATE SKIP LOCKED",
			      "ii", (long long)grace, (long long)SWEEP_BATCH);
	if (err == STATUS_OK && bookings.nrows > 0) {
		*found = bookings.nrows;
		err = sweep_release(db, a, &bookings, expired, released);
	}
	if (err == STATUS_OK)
		err = db_commit(db);
	if (err != STATUS_OK)
		db_rollback(db);
	arena_destroy(a);
	return nerr_pass(err);
}

static NEOERR *sweep_pass(struct db *db, int grace, long *expired, long *released)
{
	*expired = *released = 0;
	for (;;) {
		int found = 0;
		long batch_expired = 0, batch_released = 0;
		NEOERR *err = STATUS_OK;
		for (int attempt = 1; attempt <= SWEEP_ATTEMPTS; attempt++) {
			batch_expired = batch_released = 0;
			err = sweep_batch(db, grace, &found, &batch_expired, &batch_released);
			if (err == STATUS_OK || !nerr_match(err, NERR_LOCK) || attempt == SWEEP_ATTEMPTS)
				break;
			nerr_ignore(&err);
			/* Back off 10 ms plus a growing random part, so two sweeps do not collide again
			 * in step. */
			static unsigned int jitter;
			if (jitter == 0)
				jitter = (unsigned int)getpid() ^ (unsigned int)time(NULL);
			long ms = 10 + rand_r(&jitter) % (10 << attempt);
			struct timespec pause = { 0, ms * 1000000L };
			nanosleep(&pause, NULL);
		}
		if (err != STATUS_OK)
			return nerr_pass(err);
		*expired += batch_expired;
		*released += batch_released;
		if (found < SWEEP_BATCH)
			return STATUS_OK;
	}
}

int sweep_run_once(struct db *db, int grace_seconds, long *released_out)
{
	long expired, released, settled = 0;
	/* First the attempts a dead worker left pending: a paid hold is confirmed, not expired. */
	NEOERR *err = booking_reconcile_pending(db, &settled);
	if (err != STATUS_OK) {
		log_error("settling pending payments failed: %s", errors_message(err));
		nerr_ignore(&err);   /* the next sweep tries again; expiring holds must go on */
	}
	err = sweep_pass(db, grace_seconds, &expired, &released);
	if (err != STATUS_OK) {
		log_error("sweep failed: %s", errors_message(err));
		nerr_ignore(&err);
		return -1;
	}
	if (released_out)
		*released_out = released;
	/* A charge that went through for a booking that then expired unconfirmed (its worker
	 * died in between) is money without seats: give it back. */
	long refunded = 0;
	err = booking_refund_orphans(db, &refunded);
	if (err != STATUS_OK) {
		log_error("refunding orphaned payments failed: %s", errors_message(err));
		nerr_ignore(&err);
		return -1;
	}
	return 0;
}

static int sweep_run(struct config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "grace", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	long grace = SWEEP_DEFAULT_GRACE;
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
	long expired = 0, released = 0, refunded = 0, settled = 0;
	NEOERR *err = db_open(&db, cfg);
	if (err == STATUS_OK)
		err = booking_reconcile_pending(&db, &settled);
	if (err == STATUS_OK)
		err = sweep_pass(&db, (int)grace, &expired, &released);
	if (err == STATUS_OK)
		err = booking_refund_orphans(&db, &refunded);
	db_close(&db);
	if (err != STATUS_OK) {
		fprintf(stderr, "boxoffice sweep: %s\n", errors_message(err));
		nerr_ignore(&err);
		return 1;
	}
	printf("sweep: %ld expired bookings, %ld tickets released (grace %ld s), %ld payments refunded,"
	       " %ld pending payments settled\n", expired, released, grace, refunded, settled);
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
		"\n"
		"--grace SECONDS   How long past expires_at a hold survives (default 30), so a\n"
		"                  payment that completes just after the deadline still finds its\n"
		"                  seats.\n",
	.needs_config = true,
	.run = sweep_run,
};
