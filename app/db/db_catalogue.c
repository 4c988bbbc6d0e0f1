/* db_catalogue: categories and cities, read at most once a minute per worker, so validating
 * a filter or drawing the filter form costs no query on the hot path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/arena.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "db/db_catalogue.h"

#define CATALOGUE_MAX_AGE 60

static const char SQL_CATEGORIES[] =
	"SELECT category_id, slug, name FROM categories ORDER BY name";
static const char SQL_CITIES[] =
	"SELECT DISTINCT v.city FROM venues v JOIN events e ON e.venue_id = v.venue_id"
	" WHERE e.status = 'published' AND e.starts_at >= UTC_TIMESTAMP() ORDER BY v.city";

static struct catalogue catalogue;
static time_t catalogue_loaded;
static char catalogue_generation[32];   /* the catalogue generation last seen */

static void catalogue_free_entries(struct catalogue_entry *e, int n)
{
	for (int i = 0; i < n; i++) {
		free(e[i].slug);
		free(e[i].name);
	}
	free(e);
}

static struct catalogue_entry *catalogue_copy(const struct db_result *r, bool with_slug)
{
	struct catalogue_entry *e = xcalloc((size_t)r->nrows + 1, sizeof *e);
	for (int i = 0; i < r->nrows; i++) {
		if (with_slug) {
			e[i].id = strtoll(db_cell(r, i, 0), NULL, 10);
			e[i].slug = xstrdup(db_cell(r, i, 1));
			e[i].name = xstrdup(db_cell(r, i, 2));
		} else {
			e[i].name = xstrdup(db_cell(r, i, 0));
		}
	}
	return e;
}

NEOERR *db_catalogue(struct db *db, const struct catalogue **out)
{
	time_t now = time(NULL);
	if (catalogue_loaded && now - catalogue_loaded < CATALOGUE_MAX_AGE) {
		*out = &catalogue;
		return STATUS_OK;
	}
	struct arena *a = arena_new();
	struct db_result cats, cities;
	NEOERR *err = db_exec(db, a, &cats, SQL_CATEGORIES, "");
	if (err == STATUS_OK)
		err = db_exec(db, a, &cities, SQL_CITIES, "");
	if (err == STATUS_OK) {
		catalogue_free_entries(catalogue.categories, catalogue.ncategories);
		catalogue_free_entries(catalogue.cities, catalogue.ncities);
		catalogue.categories = catalogue_copy(&cats, true);
		catalogue.ncategories = cats.nrows;
		catalogue.cities = catalogue_copy(&cities, false);
		catalogue.ncities = cities.nrows;
		catalogue_loaded = now;
		*out = &catalogue;
	}
	arena_destroy(a);
	return nerr_pass(err);
}

static const char SQL_GENERATION[] = "SELECT generation FROM catalogue_state WHERE id = 1";

NEOERR *db_catalogue_generation(struct db *db, struct arena *a, const char **out)
{
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, SQL_GENERATION, "");
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *generation = r.nrows && db_cell(&r, 0, 0) ? db_cell(&r, 0, 0) : "0";
	*out = generation;
	if (strncmp(generation, catalogue_generation, sizeof catalogue_generation) == 0)
		return STATUS_OK;
	snprintf(catalogue_generation, sizeof catalogue_generation, "%s", generation);
	catalogue_loaded = 0;   /* something changed: read the lists again when next needed */
	return STATUS_OK;
}

NEOERR *db_catalogue_reload(struct db *db, const struct catalogue **out)
{
	if (catalogue_loaded && time(NULL) - catalogue_loaded >= 1)
		catalogue_loaded = 0;
	return nerr_pass(db_catalogue(db, out));
}

const struct catalogue_entry *catalogue_category(const struct catalogue *c, const char *slug)
{
	for (int i = 0; i < c->ncategories; i++)
		if (strcmp(c->categories[i].slug, slug) == 0)
			return &c->categories[i];
	return NULL;
}
