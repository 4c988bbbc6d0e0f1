/* seed_builder: the pieces both catalogues (seed_demo.c, seed_scale.c) are built from:
 * categories, venues with their seat maps, performers, and set-based ticket generation. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "seed/seed_builder.h"

static const struct {
	const char *slug, *name;
} SEED_CATEGORIES[SEED_NCATEGORIES] = {
	[SEED_CONCERTS] = { "concerts", "Concerts" },
	[SEED_SPORTS] = { "sports", "Sports" },
	[SEED_THEATRE] = { "theatre", "Theatre" },
	[SEED_COMEDY] = { "comedy", "Comedy" },
	[SEED_FAMILY] = { "family", "Family" },
};

NEOERR *seed_categories(struct db *db, unsigned int ids[SEED_NCATEGORIES])
{
	struct arena *a = arena_new();
	NEOERR *err = STATUS_OK;
	for (int i = 0; i < SEED_NCATEGORIES && err == STATUS_OK; i++) {
		struct db_result r;
		/* INSERT IGNORE would also swallow real errors; the no-op update keeps them. */
		err = db_exec(db, a, NULL,
			      "INSERT INTO categories (slug, name) VALUES (?, ?) "
			      "ON DUPLICATE KEY UPDATE slug = slug",
			      "ss", SEED_CATEGORIES[i].slug, SEED_CATEGORIES[i].name);
		if (err == STATUS_OK)
			err = db_exec(db, a, &r,
				      "SELECT category_id FROM categories WHERE slug = ?",
				      "s", SEED_CATEGORIES[i].slug);
		if (err == STATUS_OK && r.nrows != 1)
			err = nerr_raise(NERR_DB, "category %s vanished", SEED_CATEGORIES[i].slug);
		if (err == STATUS_OK)
			ids[i] = (unsigned int)strtoul(db_cell(&r, 0, 0), NULL, 10);
	}
	arena_destroy(a);
	return nerr_pass(err);
}

/* --- seat maps --------------------------------------------------------------------------- */

static int section_row_seats(const struct seed_section *s, int row)
{
	int n = s->seats + row * s->widen;
	return n < 1 ? 1 : n;
}

static int section_widest_row(const struct seed_section *s)
{
	int widest = 1;
	for (int r = 0; r < s->rows; r++)
		if (section_row_seats(s, r) > widest)
			widest = section_row_seats(s, r);
	return widest;
}

/* Distance along the row of seat column `col` (columns of the widest row): aisles sit at the
 * same columns in every row, as in a real hall. */
static int section_column_offset(const struct seed_section *s, int col)
{
	int aisles = s->aisle_every > 0 ? col / s->aisle_every : 0;
	return (col + aisles) * SEED_SEAT_PITCH;
}

static bool section_sideways(const struct seed_section *s)
{
	return s->facing == SEED_FACING_LEFT || s->facing == SEED_FACING_RIGHT;
}

/* The section's box: the seats' extent plus one pitch of margin all round. */
static void section_box(const struct seed_section *s, int *w, int *h)
{
	if (s->standing) {
		*w = s->stand_w;
		*h = s->stand_h;
		return;
	}
	int along = section_column_offset(s, section_widest_row(s) - 1) + 2 * SEED_SEAT_PITCH;
	int depth = (s->rows - 1) * SEED_SEAT_PITCH + 2 * SEED_SEAT_PITCH;
	*w = section_sideways(s) ? depth : along;
	*h = section_sideways(s) ? along : depth;
}

static int section_capacity(const struct seed_section *s)
{
	if (s->standing)
		return s->capacity;
	int n = 0;
	for (int r = 0; r < s->rows; r++)
		n += section_row_seats(s, r);
	return n;
}

/* Row labels A..Z, then AA, BB, ... as theatres letter their back rows. */
static void row_label(int row, char out[9])
{
	int repeat = row / 26 + 1;
	if (repeat > 8)
		repeat = 8;
	memset(out, 'A' + row % 26, (size_t)repeat);
	out[repeat] = '\0';
}

static NEOERR *seed_seats(struct db *db, struct arena *a, const struct seed_section *s,
			  unsigned long section_id)
{
	int widest = section_widest_row(s);
	int depth = (s->rows - 1) * SEED_SEAT_PITCH;
	int x0 = s->map_x + SEED_SEAT_PITCH, y0 = s->map_y + SEED_SEAT_PITCH;
	for (int r = 0; r < s->rows; r++) {
		char label[9];
		row_label(r, label);
		int n = section_row_seats(s, r);
		for (int i = 0; i < n; i++) {
			int along = section_column_offset(s, (widest - n) / 2 + i);
			int back = r * SEED_SEAT_PITCH;
			int x, y;
			switch (s->facing) {
			case SEED_FACING_DOWN:  x = x0 + along; y = y0 + depth - back; break;
			case SEED_FACING_LEFT:  x = x0 + back; y = y0 + along; break;
			case SEED_FACING_RIGHT: x = x0 + depth - back; y = y0 + along; break;
			case SEED_FACING_UP:
			default:                x = x0 + along; y = y0 + back; break;
			}
			NEOERR *err = db_exec(db, a, NULL,
					      "INSERT INTO venue_seats (section_id, row_label, seat_number, x, y) "
					      "VALUES (?, ?, ?, ?, ?)",
					      "usiii", (unsigned long long)section_id, label,
					      (long long)(i + 1), (long long)x, (long long)y);
			if (err != STATUS_OK)
				return nerr_pass(err);
		}
	}
	return STATUS_OK;
}

NEOERR *seed_venue(struct db *db, const struct seed_venue *v, unsigned int *venue_id,
		   bool *created)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r,
			      "SELECT venue_id FROM venues WHERE name = ? AND city = ? "
			      "ORDER BY venue_id LIMIT 1",
			      "ss", v->name, v->city);
	if (err == STATUS_OK && r.nrows == 1) {
		*venue_id = (unsigned int)strtoul(db_cell(&r, 0, 0), NULL, 10);
		if (created)
			*created = false;
		arena_destroy(a);
		return STATUS_OK;
	}
	int capacity = 0;
	for (int i = 0; i < v->nsections; i++) {
		if (v->sections[i].standing && v->sections[i].capacity > SEED_MAX_STANDING)
			err = nerr_raise(NERR_ASSERT, "%s: standing area %s is larger than %d",
					 v->name, v->sections[i].name, SEED_MAX_STANDING);
		capacity += section_capacity(&v->sections[i]);
	}
	if (err == STATUS_OK)
		err = db_exec(db, a, &r,
			      "INSERT INTO venues (name, address, city, country, timezone, capacity) "
			      "VALUES (?, ?, ?, ?, ?, ?)",
			      "sssssi", v->name, v->address, v->city, v->country, v->timezone,
			      (long long)capacity);
	unsigned long long vid = err == STATUS_OK ? r.insert_id : 0;
	for (int i = 0; i < v->nsections && err == STATUS_OK; i++) {
		const struct seed_section *s = &v->sections[i];
		int w, h;
		section_box(s, &w, &h);
		err = db_exec(db, a, &r,
			      "INSERT INTO venue_sections (venue_id, name, kind, capacity, sort_order, "
			      "map_x, map_y, map_w, map_h) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      "ussiiiiii", vid, s->name, s->standing ? "standing" : "seated",
			      (long long)section_capacity(s), (long long)i, (long long)s->map_x,
			      (long long)s->map_y, (long long)w, (long long)h);
		if (err == STATUS_OK && !s->standing)
			err = seed_seats(db, a, s, (unsigned long)r.insert_id);
	}
	arena_destroy(a);
	if (err != STATUS_OK)
		return nerr_pass(err);
	*venue_id = (unsigned int)vid;
	if (created)
		*created = true;
	return STATUS_OK;
}

NEOERR *seed_performer(struct db *db, const char *name, unsigned int *performer_id)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r,
			      "SELECT performer_id FROM performers WHERE name = ? "
			      "ORDER BY performer_id LIMIT 1",
			      "s", name);
	if (err == STATUS_OK && r.nrows == 1) {
		*performer_id = (unsigned int)strtoul(db_cell(&r, 0, 0), NULL, 10);
	} else if (err == STATUS_OK) {
		err = db_exec(db, a, &r, "INSERT INTO performers (name) VALUES (?)", "s", name);
		if (err == STATUS_OK)
			*performer_id = (unsigned int)r.insert_id;
	}
	arena_destroy(a);
	return nerr_pass(err);
}

NEOERR *seed_tickets(struct db *db, unsigned long first_event, unsigned long last_event,
		     unsigned long long *created)
{
	struct arena *a = arena_new();
	struct db_result seated, standing;
	/* STRAIGHT_JOIN walks the event range first and every other table by index, so rows
	 * come out by event, section, row and seat (ticket ids follow the hall, which is also
	 * the booking lock order) without a sort: an ORDER BY here made MariaDB stage each
	 * chunk in an on-disk temporary table, and planned from the wrong end once the
	 * statistics lagged behind a bulk load. */
	NEOERR *err = db_exec(db, a, &seated,
		"INSERT INTO tickets (event_id, section_id, seat_id, tier_id, seat_label, price_cents) "
		"SELECT STRAIGHT_JOIN e.event_id, s.section_id, vs.seat_id, pt.tier_id, "
		"       CONCAT(s.name, ' ', vs.row_label, '-', vs.seat_number), pt.price_cents "
		"FROM events e "
		"JOIN price_tiers pt ON pt.event_id = e.event_id "
		"JOIN venue_sections s ON s.section_id = pt.section_id AND s.kind = 'seated' "
		"JOIN venue_seats vs ON vs.section_id = s.section_id "
		"WHERE e.event_id BETWEEN ? AND ?",
		"uu", (unsigned long long)first_event, (unsigned long long)last_event);
	/* A standing place has no seat: one row per place, counted out by the Sequence engine
	 * (seq_1_to_N is built into MariaDB). Keep N in step with SEED_MAX_STANDING. */
	if (err == STATUS_OK)
		err = db_exec(db, a, &standing,
			"INSERT INTO tickets (event_id, section_id, seat_id, tier_id, seat_label, price_cents) "
			"SELECT STRAIGHT_JOIN e.event_id, s.section_id, NULL, pt.tier_id, s.name, "
			"       pt.price_cents "
			"FROM events e "
			"JOIN price_tiers pt ON pt.event_id = e.event_id "
			"JOIN venue_sections s ON s.section_id = pt.section_id AND s.kind = 'standing' "
			"JOIN seq_1_to_100000 place ON place.seq <= s.capacity "
			"WHERE e.event_id BETWEEN ? AND ?",
			"uu", (unsigned long long)first_event, (unsigned long long)last_event);
	if (err == STATUS_OK && created)
		*created = seated.affected_rows + standing.affected_rows;
	arena_destroy(a);
	return nerr_pass(err);
}

/* --- small helpers ----------------------------------------------------------------------- */

time_t seed_local_time(const char *tz, int days, int hour, int minute)
{
	/* mktime is the only portable local-to-UTC conversion with the IANA rules (DST included),
	 * and it reads the zone from TZ: switch TZ briefly. A CLI command, single-threaded. */
	const char *old = getenv("TZ");
	char *saved = old ? xstrdup(old) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	tm.tm_mday += days;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
	return t;
}

void seed_format_utc(time_t t, char out[20])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

const char *seed_currency_for(const char *country)
{
	if (strcmp(country, "GB") == 0)
		return "GBP";
	if (strcmp(country, "US") == 0)
		return "USD";
	return "EUR";
}

double seed_elapsed(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}
