/* seed: the `boxoffice seed` command — the demo catalogue or a synthetic one of a given size
 * (app/seed/), one seed at a time. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/commands.h"
#include "core/arena.h"
#include "core/errors.h"
#include "db/db.h"
#include "seed/seed_catalogues.h"

/* One seed at a time: two at once would both see an empty catalogue and both fill it. */
static NEOERR *seed_lock(struct db *db)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, "SELECT GET_LOCK('boxoffice.seed', 30)", "");
	if (err == STATUS_OK && (r.nrows != 1 || db_cell(&r, 0, 0) == NULL ||
				 strcmp(db_cell(&r, 0, 0), "1") != 0))
		err = nerr_raise(NERR_LOCK, "another `boxoffice seed` is still running");
	arena_destroy(a);
	return nerr_pass(err);
}

static int seed_usage_error(const char *msg)
{
	fprintf(stderr, "boxoffice seed: %s (see `boxoffice seed --help`)\n", msg);
	return 2;
}

static int seed_run(struct config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "demo", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "scale", required_argument, NULL, 's' },
		{ "random-seed", required_argument, NULL, 'r' },
		{ "organizer", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	bool demo = false, force = false;
	const char *organizer = NULL;
	long scale = 0;
	unsigned long random_seed = 0;
	char *end;
	int c;
	optind = 0; /* glibc: start afresh, argv[0] is the command name */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			demo = true;
			break;
		case 'f':
			force = true;
			break;
		case 'o':
			organizer = optarg;
			break;
		case 's':
			scale = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || scale < 1 || scale > 100000000)
				return seed_usage_error("--scale needs a number of events, 1 or more");
			break;
		case 'r':
			random_seed = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || random_seed == 0)
				return seed_usage_error("--random-seed needs a positive number");
			break;
		default:
			return seed_usage_error("unknown option or missing value");
		}
	}
	if (optind < argc)
		return seed_usage_error("unexpected argument");
	if (demo == (scale > 0))
		return seed_usage_error("give exactly one of --demo or --scale N");

	struct db db;
	NEOERR *err = db_open(&db, cfg);
	if (err == STATUS_OK)
		err = seed_lock(&db);
	if (err == STATUS_OK)
		err = demo ? seed_demo(&db, force, organizer) : seed_scale(&db, scale, random_seed);
	long long given = 0;
	if (err == STATUS_OK && organizer) {
		err = seed_give_unowned(&db, organizer, &given);
		if (err == STATUS_OK)
			printf("seed: %lld events nobody owned are now %s's\n", given, organizer);
	}
	int status = 0;
	if (err != STATUS_OK) {
		if (db.in_transaction)
			db_rollback(&db);
		fprintf(stderr, "boxoffice seed: %s\n", errors_message(err));
		nerr_ignore(&err);
		status = 1;
	}
	db_close(&db);
	return status;
}

const struct command cmd_seed = {
	.name = "seed",
	.summary = "fill the database with the demo catalogue or a large synthetic one",
	.help =
		"usage: boxoffice seed --demo [--force] [--organizer EMAIL]\n"
		"       boxoffice seed --scale N [--random-seed S] [--organizer EMAIL]\n"
		"\n"
		"--demo           Create the demo catalogue: 5 categories, 8 venues in European and\n"
		"                 US cities with seat maps, 49 events (46 published and upcoming,\n"
		"                 2 drafts, 1 cancelled) with performers, price tiers and all tickets.\n"
		"                 Does nothing if the database already holds events, so it is safe to\n"
		"                 run twice.\n"
		"--force          With --demo: add the demo catalogue even though other events exist.\n"
		"                 Demo venues, performers and events already present are reused, never\n"
		"                 duplicated.\n"
		"--scale N        Add N synthetic published events (for benchmarks) over 50 synthetic\n"
		"                 venues of 200-1000 places, with performers, price tiers and all\n"
		"                 tickets (about 380 per event). Each run adds N more events.\n"
		"--random-seed S  With --scale: the generator's seed (default: derived from the\n"
		"                 number of events already present, so runs differ).\n"
		"--organizer EMAIL  The new demo events are this organizer's, and then the venues and\n"
		"                 events nobody owns become theirs too\n"
		"                 (an account made with `boxoffice user add --role organizer`).\n"
		"\n"
		"The database comes from the configuration file (Database.*); run `boxoffice migrate`\n"
		"first.\n",
	.needs_config = true,
	.run = seed_run,
};
