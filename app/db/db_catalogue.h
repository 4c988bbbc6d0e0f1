/* db_catalogue: the small, slowly changing lists the filters need — categories, and the
 * cities and venues with upcoming events — remembered per worker for a minute, or until the
 * catalogue generation moves. */
#ifndef BOXOFFICE_DB_CATALOGUE_H
#define BOXOFFICE_DB_CATALOGUE_H
#include <ClearSilver.h>

struct arena;
struct db;

struct catalogue_entry {
	long long id;                /* category_id / venue_id; 0 for cities */
	char *slug;                  /* category slug; NULL otherwise */
	char *name;
};

struct catalogue {
	struct catalogue_entry *categories;
	int ncategories;
	struct catalogue_entry *cities;      /* with upcoming published events, by name */
	int ncities;
};

/* The worker's copy, refreshed when older than a minute. Never NULL on success. */
NEOERR *db_catalogue(struct db *db, const struct catalogue **out);
/* Read it again now (e.g. an unknown category might have been added a moment ago);
 * at most once a second, so bad input cannot turn into a query per request. */
NEOERR *db_catalogue_reload(struct db *db, const struct catalogue **out);
/* The catalogue generation (sql/0005) as it is now, read on every request by the page cache
 * (an arena string; "0" if the row is missing). When it moved, the lists are read again on
 * next use, so a renamed category shows on the next page. */
NEOERR *db_catalogue_generation(struct db *db, struct arena *a, const char **out);
const struct catalogue_entry *catalogue_category(const struct catalogue *c, const char *slug);

#endif
