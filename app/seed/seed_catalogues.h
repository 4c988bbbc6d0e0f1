/* seed_catalogues: the two catalogues `boxoffice seed` can fill an empty database with. */
#ifndef BOXOFFICE_SEED_CATALOGUES_H
#define BOXOFFICE_SEED_CATALOGUES_H
#include <stdbool.h>
#include <ClearSilver.h>

struct db;

/* The demo catalogue behind `./dev up` (seed_demo.c), in one transaction. A database that
 * already has events is left alone unless `force` (which adds what is missing, never twice). */
NEOERR *seed_demo(struct db *db, bool force, const char *organizer);
/* (seed_demo: its new events are the organizer's with address `organizer`, if named.)
 * Venues and events nobody owns become those of the organizer with address `email` (an
 * account that must exist); *n how many events. */
NEOERR *seed_give_unowned(struct db *db, const char *email, long long *n);
/* `nevents` synthetic events for the benchmarks (seed_scale.c), the same for the same
 * `random_seed` (0: one derived from the events already there). */
NEOERR *seed_scale(struct db *db, long nevents, unsigned long random_seed);

#endif
