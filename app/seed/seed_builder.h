/* seed_builder: what the demo catalogue and the synthetic benchmark catalogue are built from —
 * the venue builder, categories, performers and the set-based ticket generator. */
#ifndef BOXOFFICE_SEED_BUILDER_H
#define BOXOFFICE_SEED_BUILDER_H
#include <stdbool.h>
#include <time.h>
#include <ClearSilver.h>

struct db;

/* Seats sit on a grid of this pitch, in seat-map units. */
#define SEED_SEAT_PITCH 20
/* The largest standing area the ticket generator can fill (seq_1_to_N below). */
#define SEED_MAX_STANDING 100000

/* The five category slugs, in the order seed_categories() returns their ids. */
enum seed_category { SEED_CONCERTS, SEED_SPORTS, SEED_THEATRE, SEED_COMEDY, SEED_FAMILY,
		     SEED_NCATEGORIES };

/* Which way a seated section faces its stage (or pitch): row A is the row nearest it. */
enum seed_facing {
	SEED_FACING_UP,     /* stage above: rows run left to right, A at the top */
	SEED_FACING_DOWN,   /* stage below: A at the bottom */
	SEED_FACING_LEFT,   /* stage to the left: rows run top to bottom, A leftmost */
	SEED_FACING_RIGHT,  /* stage to the right: A rightmost */
};

/* One section of a venue. A seated section has `rows` rows; row A has `seats` seats and each
 * further row `widen` more (a fan), centred, with an aisle after every `aisle_every` seat
 * columns (0 = none). A standing section has only `capacity` and a `stand_w` x `stand_h`
 * box. map_x/map_y place the section's box (top-left) on the venue's map. */
struct seed_section {
	const char *name;
	bool standing;
	int rows, seats, widen, aisle_every;
	enum seed_facing facing;
	int capacity;                 /* standing only; a seated section counts its seats */
	int stand_w, stand_h;         /* standing only */
	int map_x, map_y;
	int price_pct;                /* this section's price, % of the event's base price */
};

struct seed_venue {
	const char *name, *address, *city, *country, *timezone;
	const struct seed_section *sections;
	int nsections;
};

/* Make sure the five categories exist; ids[] in enum seed_category order. */
NEOERR *seed_categories(struct db *db, unsigned int ids[SEED_NCATEGORIES]);

/* Find a venue by name and city, or create it with its sections and seats (venue capacity =
 * the sum of its sections'). *created (may be NULL) tells which happened. */
NEOERR *seed_venue(struct db *db, const struct seed_venue *v, unsigned int *venue_id,
		   bool *created);

/* Find a performer by name, or create one. */
NEOERR *seed_performer(struct db *db, const char *name, unsigned int *performer_id);

/* Create the tickets of every event in [first_event, last_event]: one row per seat of each
 * seated section and one per place of each standing section that has a price tier, priced
 * from the tier. The events must not have tickets yet. Set-based: two statements. */
NEOERR *seed_tickets(struct db *db, unsigned long first_event, unsigned long last_event,
		     unsigned long long *created);

/* The instant of wall-clock `hour:minute` in IANA zone `tz`, `days` days after today there. */
time_t seed_local_time(const char *tz, int days, int hour, int minute);
/* `t` as a UTC DATETIME literal, "YYYY-MM-DD HH:MM:SS". */
void seed_format_utc(time_t t, char out[20]);
/* The currency of a venue's country: EUR, GBP or USD (EUR for anything unknown). */
const char *seed_currency_for(const char *country);
/* Seconds since `start` on the monotonic clock, for progress lines. */
double seed_elapsed(const struct timespec *start);
#endif
