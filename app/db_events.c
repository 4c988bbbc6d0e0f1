/* db_events: queries over events for listing pages and the API. Only published events that
 * have not started are ever returned: drafts and cancelled events stay invisible. */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "arena.h"
#include "db.h"
#include "db_events.h"

static const char SQL_UPCOMING[] =
	"SELECT e.event_id, e.name, DATE_FORMAT(e.starts_at, '%Y-%m-%dT%H:%i:%sZ'),"
	"       c.slug, c.name, v.venue_id, v.name, v.address, v.city, v.capacity, v.timezone,"
	"       e.currency,"
	"       (SELECT MIN(t.price_cents) FROM price_tiers t WHERE t.event_id = e.event_id),"
	"       (SELECT JSON_ARRAYAGG(p.name ORDER BY ep.billing_order, p.performer_id)"
	"          FROM event_performers ep JOIN performers p ON p.performer_id = ep.performer_id"
	"         WHERE ep.event_id = e.event_id)"
	"  FROM events e"
	"  JOIN venues v ON v.venue_id = e.venue_id"
	"  JOIN categories c ON c.category_id = e.category_id"
	" WHERE e.status = 'published' AND e.starts_at >= UTC_TIMESTAMP()"
	" ORDER BY e.starts_at, e.event_id"
	" LIMIT ? OFFSET ?";

static const char SQL_UPCOMING_COUNT[] =
	"SELECT COUNT(*) FROM events WHERE status = 'published' AND starts_at >= UTC_TIMESTAMP()";

static long long cell_ll(const struct db_result *r, int row, int col, long long def)
{
	const char *s = db_cell(r, row, col);
	return s ? strtoll(s, NULL, 10) : def;
}

/* Performer names arrive as a JSON array (JSON_ARRAYAGG), so no separator can collide
 * with a name. */
static void parse_performers(struct arena *a, const char *json, struct event_summary *ev)
{
	ev->nperformers = 0;
	ev->performers = arena_zalloc(a, sizeof(char *));
	if (json == NULL)
		return;
	struct json_object *arr = json_tokener_parse(json);
	if (arr == NULL || !json_object_is_type(arr, json_type_array)) {
		json_object_put(arr);
		return;
	}
	size_t n = json_object_array_length(arr);
	ev->performers = arena_zalloc(a, sizeof(char *) * (n + 1));
	for (size_t i = 0; i < n; i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(arr, i));
		if (name)
			ev->performers[ev->nperformers++] = arena_strdup(a, name);
	}
	json_object_put(arr);
}

NEOERR *db_events_upcoming(struct db *db, struct arena *a, int page, int page_size,
			   struct event_page *out)
{
	memset(out, 0, sizeof *out);
	out->page = page;
	out->page_size = page_size;
	struct db_result count;
	NEOERR *err = db_exec(db, a, &count, SQL_UPCOMING_COUNT, "");
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->total = count.nrows ? cell_ll(&count, 0, 0, 0) : 0;

	struct db_result r;
	err = db_exec(db, a, &r, SQL_UPCOMING, "ii", (long long)page_size,
		      (long long)(page - 1) * page_size);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->count = r.nrows;
	out->events = arena_zalloc(a, sizeof(struct event_summary) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		struct event_summary *ev = &out->events[i];
		ev->event_id = cell_ll(&r, i, 0, 0);
		ev->name = db_cell(&r, i, 1);
		ev->starts_at_utc = db_cell(&r, i, 2);
		ev->category_slug = db_cell(&r, i, 3);
		ev->category_name = db_cell(&r, i, 4);
		ev->venue_id = cell_ll(&r, i, 5, 0);
		ev->venue_name = db_cell(&r, i, 6);
		ev->venue_address = db_cell(&r, i, 7);
		ev->venue_city = db_cell(&r, i, 8);
		ev->venue_capacity = cell_ll(&r, i, 9, 0);
		ev->venue_timezone = db_cell(&r, i, 10);
		ev->currency = db_cell(&r, i, 11);
		ev->from_price_cents = cell_ll(&r, i, 12, -1);
		parse_performers(a, db_cell(&r, i, 13), ev);
	}
	return STATUS_OK;
}
