/* db_events: queries over events for listing pages and the API. Only published events that
 * have not started are ever returned: drafts and cancelled events stay invisible. */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "db/db.h"
#include "db/db_events.h"
#include "db/sql_builder.h"

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

void db_events_category_venue_from_row(const struct db_result *r, int row, int col,
				       struct event_category *category, struct event_venue *venue)
{
	category->slug = db_cell(r, row, col + 0);
	category->name = db_cell(r, row, col + 1);
	venue->id = cell_ll(r, row, col + 2, 0);
	venue->name = db_cell(r, row, col + 3);
	venue->address = db_cell(r, row, col + 4);
	venue->city = db_cell(r, row, col + 5);
	venue->capacity = cell_ll(r, row, col + 6, 0);
	venue->timezone = db_cell(r, row, col + 7);
}

void db_events_summary_from_row(struct arena *a, const struct db_result *r, int row, int col,
				struct event_summary *ev)
{
	ev->event_id = cell_ll(r, row, col + 0, 0);
	ev->name = db_cell(r, row, col + 1);
	ev->starts_at_utc = db_cell(r, row, col + 2);
	ev->starts_at_local = db_cell(r, row, col + 3);
	ev->utc_offset_minutes = (int)cell_ll(r, row, col + 4, 0);
	db_events_category_venue_from_row(r, row, col + 5, &ev->category, &ev->venue);
	ev->currency = db_cell(r, row, col + 13);
	ev->from_price_cents = cell_ll(r, row, col + 14, -1);
	parse_performers(a, db_cell(r, row, col + 15), ev);
}

/* LIKE pattern matching `text` anywhere, with LIKE's own wildcards in the input escaped. */
static const char *like_contains(struct arena *a, const char *text)
{
	size_t n = strlen(text);
	char *out = arena_alloc(a, n * 2 + 3);
	char *p = out;
	*p++ = '%';
	for (const char *s = text; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

void db_events_where(const struct event_filters *f, struct arena *a, struct sql_builder *sb)
{
	sql_add(sb, " AND e.status = 'published' AND e.starts_at >= UTC_TIMESTAMP()");
	if (f->category_id) {
		sql_add(sb, " AND e.category_id = ?");
		sql_int(sb, f->category_id);
	}
	if (f->venue_id) {
		sql_add(sb, " AND e.venue_id = ?");
		sql_int(sb, f->venue_id);
	}
	/* Dates are the venue's local calendar dates. The coarse UTC bounds (±14 h covers every
	 * zone) let the index on starts_at narrow the rows; the exact test is on local time. */
	if (f->start_date) {
		sql_add(sb, " AND e.starts_at >= ? - INTERVAL 14 HOUR"
			    " AND DATE(COALESCE(CONVERT_TZ(e.starts_at, '+00:00', v.timezone), e.starts_at)) >= ?");
		sql_str(sb, f->start_date);
		sql_str(sb, f->start_date);
	}
	if (f->end_date) {
		sql_add(sb, " AND e.starts_at < ? + INTERVAL 38 HOUR"
			    " AND DATE(COALESCE(CONVERT_TZ(e.starts_at, '+00:00', v.timezone), e.starts_at)) <= ?");
		sql_str(sb, f->end_date);
		sql_str(sb, f->end_date);
	}
	if (f->location) {
		const char *pattern = like_contains(a, f->location);
		sql_add(sb, " AND (v.city LIKE ? OR v.name LIKE ?)");
		sql_str(sb, pattern);
		sql_str(sb, pattern);
	}
}

NEOERR *db_events_list(struct db *db, struct arena *a, const struct event_filters *f,
		       struct event_page *out)
{
	memset(out, 0, sizeof *out);
	out->page = f->page;
	out->page_size = f->page_size;

	struct sql_builder *count = sql_new(a);
	sql_add(count, "SELECT COUNT(*) FROM events e JOIN venues v ON v.venue_id = e.venue_id WHERE 1=1");
	db_events_where(f, a, count);
	struct db_result r;
	NEOERR *err = sql_exec(count, db, a, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->total = r.nrows ? cell_ll(&r, 0, 0, 0) : 0;
	if (out->total == 0 || (long long)(f->page - 1) * f->page_size >= out->total)
		return STATUS_OK;

	/* Pick the page's ids first (index order, no per-row subqueries), then fetch the
	 * summary columns — prices, performers — for just those rows. */
	const char *order = f->sort == EVENT_SORT_POPULARITY
		? " ORDER BY e.popularity DESC, e.starts_at, e.event_id"
		: " ORDER BY e.starts_at, e.event_id";
	struct sql_builder *q = sql_new(a);
	sql_add(q, "SELECT " DB_EVENTS_SUMMARY_COLUMNS
		   " FROM (SELECT e.event_id FROM events e JOIN venues v ON v.venue_id = e.venue_id"
		   " WHERE 1=1");
	db_events_where(f, a, q);
	sql_add(q, order);
	sql_add(q, " LIMIT ? OFFSET ?) page JOIN events e ON e.event_id = page.event_id"
		   " JOIN venues v ON v.venue_id = e.venue_id JOIN categories c ON c.category_id = e.category_id");
	sql_int(q, f->page_size);
	sql_int(q, (long long)(f->page - 1) * f->page_size);
	sql_add(q, order);
	err = sql_exec(q, db, a, &r);
	if (err != STATUS_OK)
		return nerr_pass(err);
	out->count = r.nrows;
	out->events = arena_zalloc(a, sizeof(struct event_summary) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		db_events_summary_from_row(a, &r, i, 0, &out->events[i]);
	return STATUS_OK;
}
