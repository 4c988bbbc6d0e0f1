/* seed_scale: a large synthetic catalogue for benchmarks (`seed --scale N`): 50 venues, N
 * events, millions of tickets, loaded set-based in chunked transactions in minutes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "seed/seed_builder.h"
#include "seed/seed_catalogues.h"

#define SCALE_VENUES 50
/* Events per transaction: ~100k tickets, big enough to amortise the commit, small enough
 * that the undo log and lock memory stay modest. */
#define SCALE_CHUNK 250
#define NELEMS(a) ((int)(sizeof a / sizeof a[0]))

/* splitmix64: tiny, fast, and good enough to scatter synthetic data. */
static uint64_t scale_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int scale_pick(uint64_t *state, int n)
{
	return (int)(scale_random(state) % (uint64_t)n);
}

/* --- word lists -------------------------------------------------------------------------- */

static const struct {
	const char *name, *country, *timezone;
} CITIES[] = {
	{ "Berlin", "DE", "Europe/Berlin" }, { "Hamburg", "DE", "Europe/Berlin" },
	{ "Munich", "DE", "Europe/Berlin" }, { "Cologne", "DE", "Europe/Berlin" },
	{ "Vienna", "AT", "Europe/Vienna" }, { "Paris", "FR", "Europe/Paris" },
	{ "Lyon", "FR", "Europe/Paris" }, { "Madrid", "ES", "Europe/Madrid" },
	{ "Barcelona", "ES", "Europe/Madrid" }, { "Lisbon", "PT", "Europe/Lisbon" },
	{ "Amsterdam", "NL", "Europe/Amsterdam" }, { "Brussels", "BE", "Europe/Brussels" },
	{ "Dublin", "IE", "Europe/Dublin" }, { "Milan", "IT", "Europe/Rome" },
	{ "Rome", "IT", "Europe/Rome" }, { "Helsinki", "FI", "Europe/Helsinki" },
	{ "London", "GB", "Europe/London" }, { "Manchester", "GB", "Europe/London" },
	{ "Glasgow", "GB", "Europe/London" }, { "Bristol", "GB", "Europe/London" },
	{ "New York", "US", "America/New_York" }, { "Boston", "US", "America/New_York" },
	{ "Chicago", "US", "America/Chicago" }, { "Austin", "US", "America/Chicago" },
	{ "Denver", "US", "America/Denver" }, { "Los Angeles", "US", "America/Los_Angeles" },
	{ "Seattle", "US", "America/Los_Angeles" },
};
static const char *const VENUE_PREFIXES[] = {
	"Riverside", "Old Mill", "Grand", "Harbour", "Northgate",
	"Victoria", "Parkside", "Union", "Crown", "Lindenhof",
};
static const char *const VENUE_KINDS[] = { "Arena", "Hall", "Theatre", "Pavilion", "Music House" };
static const char *const STREETS[] = {
	"Station Road", "Market Street", "Canal Side", "Park Avenue", "Mill Lane",
	"Harbour Walk", "Bridge Street", "Church Square",
};
static const char *const SECTION_NAMES[] = {
	"Block A", "Block B", "Block C", "Block D", "Block E", "Block F",
};

static const char *const FIRST_NAMES[] = {
	"Anna", "Lukas", "Sofia", "Mateo", "Emma", "Noah", "Léa", "Jonas", "Olivia", "Elias",
	"Chiara", "Mats", "Zoë", "Rafael", "Ingrid", "Tomás", "Freya", "Hugo", "Maja", "Oskar",
	"Amara", "Felix", "Inès", "Jakub", "Nora", "Kofi", "Elif", "Luca", "Saoirse", "Björn",
};
static const char *const LAST_NAMES[] = {
	"Becker", "Moreau", "García", "Rossi", "Novak", "Jensen", "O'Brien", "Fischer", "Dubois",
	"Silva", "Kowalski", "Lindqvist", "Müller", "Costa", "Nakamura", "Okafor", "Hansen",
	"Martín", "Schmidt", "Bianchi", "Walsh", "Petrov", "Fontaine", "Ibáñez", "Larsen",
	"Weber", "Dumont", "Reyes", "Horváth", "Ahmed",
};
static const char *const BAND_ADJECTIVES[] = {
	"Velvet", "Electric", "Midnight", "Golden", "Silver", "Crimson", "Hollow", "Neon", "Wild",
	"Paper", "Glass", "Quiet", "Northern", "Lonely", "Broken", "Burning", "Cosmic", "Faded",
	"Secret", "Restless",
};
static const char *const BAND_NOUNS[] = {
	"Foxes", "Tides", "Lanterns", "Pilots", "Ravens", "Hearts", "Engines", "Orchids",
	"Satellites", "Wolves", "Strangers", "Rivers", "Comets", "Sparrows", "Machines", "Echoes",
	"Tigers", "Shadows", "Harbours", "Saints",
};
static const char *const TEAM_MASCOTS[] = {
	"Falcons", "Bears", "Lions", "Sharks", "Knights", "Rovers", "Hawks", "Wolves", "Storm",
	"United", "Titans", "Giants", "Rockets", "Eagles", "Pirates", "Vikings", "Thunder",
	"Royals", "Comets", "Bulls",
};
static const char *const SPORTS[] = {
	"Basketball", "Ice hockey", "Handball", "Volleyball", "Futsal", "Rugby league",
};
static const char *const TOUR_NAMES[] = {
	"Live", "in Concert", "Unplugged", "The Greatest Hits Tour", "The Farewell Tour",
	"An Acoustic Evening", "Album Release Show", "World Tour",
};
static const char *const GENRES[] = {
	"indie rock", "jazz", "folk", "electronic", "soul", "classical", "hip-hop", "blues",
	"Americana", "synth-pop", "chanson", "flamenco",
};
static const char *const PLAYS[] = {
	"Hamlet", "Macbeth", "King Lear", "Othello", "The Tempest", "A Midsummer Night's Dream",
	"Romeo and Juliet", "The Cherry Orchard", "Three Sisters", "Uncle Vanya", "Hedda Gabler",
	"An Enemy of the People", "Tartuffe", "The Miser", "Phèdre",
	"The Importance of Being Earnest", "Lady Windermere's Fan", "Pygmalion", "Antigone",
	"Medea", "The Government Inspector", "Faust", "Peer Gynt", "Woyzeck",
};
static const char *const THEATRE_COMPANIES[] = {
	"Lighthouse Theatre Company", "The Travelling Players", "Ensemble Nord",
	"Compagnie Lumière", "Teatro del Puerto", "The Open Stage Collective",
};
static const char *const COMEDY_ADVERBS[] = {
	"Mostly", "Definitely", "Slightly", "Totally", "Barely", "Almost", "Absolutely",
	"Probably", "Nearly", "Quietly", "Wildly", "Deeply",
};
static const char *const COMEDY_ADJECTIVES[] = {
	"Fine", "Famous", "Confused", "Sorry", "Unprepared", "Employed", "Married", "Sober",
	"Organised", "Lost", "Awake", "Honest",
};
static const char *const FAMILY_HEROES[] = {
	"Pip", "Captain Cosmo", "Mrs. Moon", "Tiny Tom", "Lulu", "Professor Fizz", "Bertie Bear",
	"Princess Pea", "Dr. Dino", "Ollie Owl", "Señorita Sol", "Kasper",
};
static const char *const FAMILY_SHOWS[] = {
	"Big Adventure", "Magic Show", "Science Circus", "Puppet Parade", "Musical Journey",
	"Bedtime Stories", "Treasure Hunt", "Space Mission", "Jungle Party", "Winter Wonderland",
};
/* Middle sentences of a description, per category. */
static const char *const BLURBS[SEED_NCATEGORIES][4] = {
	[SEED_CONCERTS] = {
		"Expect the songs everyone knows alongside brand-new material.",
		"A night of big choruses, long guitar solos and a very loud encore.",
		"The band has promised a completely new light show for this tour.",
		"Critics called the last album one of the best records of the year.",
	},
	[SEED_SPORTS] = {
		"Both sides need the points, and the last meeting went to overtime.",
		"A rivalry with a long history, in front of a famously loud home crowd.",
		"The league leaders visit in what could decide the season.",
		"Arrive early for the warm-up and the half-time show.",
	},
	[SEED_THEATRE] = {
		"A fresh, fast production of the classic, in modern dress.",
		"Two hours and thirty minutes, including one interval.",
		"The production arrives after a sold-out run at its home theatre.",
		"Directed with wit and a live string trio on stage.",
	},
	[SEED_COMEDY] = {
		"An hour of brand-new stand-up about family, flats and failing at life.",
		"Fresh from a sell-out festival run and a hit podcast.",
		"Contains strong language and stronger opinions.",
		"Sharp observational comedy from one of the most talked-about new voices.",
	},
	[SEED_FAMILY] = {
		"Songs, puppets and a lot of audience participation for ages 3 and up.",
		"A fun-filled hour that grown-ups will secretly enjoy too.",
		"Fifty minutes with no interval, perfect for little attention spans.",
		"Bring the whole family: children under two go free on a lap.",
	},
};
static const char *const PRACTICALITIES[] = {
	"Doors open one hour before the start.",
	"The venue is step-free and has accessible seating.",
	"Food and drinks are available from the bars.",
	"Tickets are limited to eight per order.",
	"Latecomers will be admitted at a suitable break.",
	"The nearest station is a five-minute walk away.",
};

/* --- venues ------------------------------------------------------------------------------ */

struct scale_venue {
	unsigned int venue_id;
	char name[64];
	const char *city, *country, *timezone;
	int city_index;            /* into CITIES: the home team plays here */
};

/* Prices come from scale_tiers(), so the sections carry no price_pct here.
 * Venue i always comes out the same (its own generator, independent of --random-seed), so
 * a second run finds and reuses the first run's venues. Capacities run from 200 to 1000,
 * most of them small, as real venues do: about 360 places on average. */
static NEOERR *scale_venue(struct db *db, int i, struct scale_venue *out, bool *created)
{
	uint64_t rng = 0x5eedULL + (uint64_t)i;
	double u = (double)(scale_random(&rng) % 10000) / 10000.0;
	int capacity = 200 + (int)(800.0 * u * u * u * u);
	struct seed_section sections[NELEMS(SECTION_NAMES) + 1];
	int nsections = 0, x = 40;
	int standing = i % 4 == 0 ? capacity * 2 / 5 / 10 * 10 : 0;
	int seated = capacity - standing;
	int nseated = 1 + seated / 250;
	if (nseated > NELEMS(SECTION_NAMES))
		nseated = NELEMS(SECTION_NAMES);
	for (int k = 0; k < nseated; k++) {
		int places = seated / nseated;
		/* Roughly 1.8 times as many seats per row as rows: rows^2 * 1.8 ~ places. */
		int rows = 3;
		while ((rows + 1) * (rows + 1) * 9 <= places * 5)
			rows++;
		int seats = (places + rows - 1) / rows;
		struct seed_section s = {
			.name = SECTION_NAMES[k], .rows = rows, .seats = seats,
			.aisle_every = seats > 16 ? (seats + 1) / 2 : 0,
			.map_x = x, .map_y = 80,
		};
		sections[nsections++] = s;
		int aisles = s.aisle_every ? (seats - 1) / s.aisle_every : 0;
		x += (seats - 1 + aisles) * SEED_SEAT_PITCH + 2 * SEED_SEAT_PITCH + 40;
	}
	/* Standing last, so a seated section's sort_order is its price rank (scale_tiers). */
	if (standing > 0)
		sections[nsections++] = (struct seed_section){
			.name = "Standing", .standing = true, .capacity = standing,
			.stand_w = 240, .stand_h = 240, .map_x = x, .map_y = 80,
		};
	char address[128];
	snprintf(out->name, sizeof out->name, "%s %s", VENUE_PREFIXES[i % NELEMS(VENUE_PREFIXES)],
		 VENUE_KINDS[i / NELEMS(VENUE_PREFIXES) % NELEMS(VENUE_KINDS)]);
	snprintf(address, sizeof address, "%d %s", 1 + i * 7 % 120, STREETS[i % NELEMS(STREETS)]);
	int c = i % NELEMS(CITIES);
	out->city_index = c;
	out->city = CITIES[c].name;
	out->country = CITIES[c].country;
	out->timezone = CITIES[c].timezone;
	struct seed_venue v = {
		.name = out->name, .address = address, .city = out->city, .country = out->country,
		.timezone = out->timezone, .sections = sections, .nsections = nsections,
	};
	return nerr_pass(seed_venue(db, &v, &out->venue_id, created));
}

/* --- performers -------------------------------------------------------------------------- */

/* Performers are made on first use and remembered by their index in the name space. */
struct scale_performers {
	unsigned int *ids;
	int n;
};

enum { POOL_PEOPLE, POOL_BANDS, POOL_TEAMS };

static int pool_size(int pool)
{
	switch (pool) {
	case POOL_PEOPLE: return NELEMS(FIRST_NAMES) * NELEMS(LAST_NAMES);
	case POOL_BANDS: return NELEMS(BAND_ADJECTIVES) * NELEMS(BAND_NOUNS);
	default: return NELEMS(CITIES) * NELEMS(TEAM_MASCOTS);
	}
}

static void pool_name(int pool, int k, char *out, size_t size)
{
	switch (pool) {
	case POOL_PEOPLE:
		snprintf(out, size, "%s %s", FIRST_NAMES[k % NELEMS(FIRST_NAMES)],
			 LAST_NAMES[k / NELEMS(FIRST_NAMES)]);
		break;
	case POOL_BANDS:
		snprintf(out, size, "The %s %s", BAND_ADJECTIVES[k % NELEMS(BAND_ADJECTIVES)],
			 BAND_NOUNS[k / NELEMS(BAND_ADJECTIVES)]);
		break;
	default:
		snprintf(out, size, "%s %s", CITIES[k % NELEMS(CITIES)].name,
			 TEAM_MASCOTS[k / NELEMS(CITIES)]);
		break;
	}
}

static NEOERR *scale_performer(struct db *db, struct scale_performers *cache, int pool, int k,
			       char *name, size_t size, unsigned int *id)
{
	int slot = k;
	for (int p = 0; p < pool; p++)
		slot += pool_size(p);
	pool_name(pool, k, name, size);
	if (cache->ids[slot] == 0) {
		NEOERR *err = seed_performer(db, name, &cache->ids[slot]);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	*id = cache->ids[slot];
	return STATUS_OK;
}

/* --- events ------------------------------------------------------------------------------ */

struct scale_event {
	int category;
	char name[200];
	char description[800];
	char search_extra[600];
	char performer_names[3][80];
	unsigned int performer_ids[3];
	int nperformers;
};

static NEOERR *scale_lineup(struct db *db, uint64_t *rng, struct scale_performers *cache,
			    struct scale_event *ev, int pool, int n)
{
	for (int i = 0; i < n; i++) {
		int k;
		bool dup;
		do { /* the same act twice on one bill would break event_performers' key */
			k = scale_pick(rng, pool_size(pool));
			dup = false;
			char name[80];
			pool_name(pool, k, name, sizeof name);
			for (int j = 0; j < i; j++)
				dup = dup || strcmp(ev->performer_names[j], name) == 0;
		} while (dup);
		NEOERR *err = scale_performer(db, cache, pool, k, ev->performer_names[i],
					      sizeof ev->performer_names[i], &ev->performer_ids[i]);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	ev->nperformers = n;
	return STATUS_OK;
}

/* Name, line-up and description by category. Names and blurbs come from fixed lists, so
 * the FULLTEXT index sees a realistic vocabulary with realistic repetition. */
static NEOERR *scale_describe(struct db *db, uint64_t *rng, struct scale_performers *cache,
			      const struct scale_venue *venue, struct scale_event *ev)
{
	NEOERR *err;
	const char *lead;
	switch (ev->category) {
	case SEED_CONCERTS:
		err = scale_lineup(db, rng, cache, ev, scale_pick(rng, 2) ? POOL_BANDS : POOL_PEOPLE,
				   1 + scale_pick(rng, 2));
		if (err != STATUS_OK)
			return nerr_pass(err);
		snprintf(ev->name, sizeof ev->name, "%s: %s", ev->performer_names[0],
			 TOUR_NAMES[scale_pick(rng, NELEMS(TOUR_NAMES))]);
		snprintf(ev->description, sizeof ev->description,
			 "An evening of %s with %s, live in %s. %s",
			 GENRES[scale_pick(rng, NELEMS(GENRES))], ev->performer_names[0],
			 venue->city, BLURBS[SEED_CONCERTS][scale_pick(rng, 4)]);
		break;
	case SEED_SPORTS: {
		/* The home team is from the venue's city (team k plays in CITIES[k % ncities]),
		 * the visitors from anywhere else. */
		int home = venue->city_index + NELEMS(CITIES) * scale_pick(rng, NELEMS(TEAM_MASCOTS));
		int away;
		do
			away = scale_pick(rng, pool_size(POOL_TEAMS));
		while (away % NELEMS(CITIES) == venue->city_index);
		err = scale_performer(db, cache, POOL_TEAMS, home, ev->performer_names[0],
				      sizeof ev->performer_names[0], &ev->performer_ids[0]);
		if (err == STATUS_OK)
			err = scale_performer(db, cache, POOL_TEAMS, away, ev->performer_names[1],
					      sizeof ev->performer_names[1], &ev->performer_ids[1]);
		if (err != STATUS_OK)
			return nerr_pass(err);
		ev->nperformers = 2;
		lead = SPORTS[scale_pick(rng, NELEMS(SPORTS))];
		snprintf(ev->name, sizeof ev->name, "%s vs. %s", ev->performer_names[0],
			 ev->performer_names[1]);
		snprintf(ev->description, sizeof ev->description,
			 "%s at %s: the %s host the %s. %s", lead, venue->name,
			 ev->performer_names[0], ev->performer_names[1],
			 BLURBS[SEED_SPORTS][scale_pick(rng, 4)]);
		break;
	}
	case SEED_THEATRE:
		err = scale_lineup(db, rng, cache, ev, POOL_PEOPLE, 1 + scale_pick(rng, 2));
		if (err != STATUS_OK)
			return nerr_pass(err);
		lead = PLAYS[scale_pick(rng, NELEMS(PLAYS))];
		snprintf(ev->name, sizeof ev->name, "%s", lead);
		snprintf(ev->description, sizeof ev->description,
			 "The %s stages %s, with %s in the lead role. %s",
			 THEATRE_COMPANIES[scale_pick(rng, NELEMS(THEATRE_COMPANIES))], lead,
			 ev->performer_names[0], BLURBS[SEED_THEATRE][scale_pick(rng, 4)]);
		break;
	case SEED_COMEDY:
		err = scale_lineup(db, rng, cache, ev, POOL_PEOPLE, 1 + scale_pick(rng, 3));
		if (err != STATUS_OK)
			return nerr_pass(err);
		snprintf(ev->name, sizeof ev->name, "%s: %s %s", ev->performer_names[0],
			 COMEDY_ADVERBS[scale_pick(rng, NELEMS(COMEDY_ADVERBS))],
			 COMEDY_ADJECTIVES[scale_pick(rng, NELEMS(COMEDY_ADJECTIVES))]);
		snprintf(ev->description, sizeof ev->description,
			 "Stand-up comedy from %s, live in %s. %s", ev->performer_names[0],
			 venue->city, BLURBS[SEED_COMEDY][scale_pick(rng, 4)]);
		break;
	default:
		err = scale_lineup(db, rng, cache, ev, POOL_BANDS, 1);
		if (err != STATUS_OK)
			return nerr_pass(err);
		lead = FAMILY_HEROES[scale_pick(rng, NELEMS(FAMILY_HEROES))];
		snprintf(ev->name, sizeof ev->name, "%s's %s", lead,
			 FAMILY_SHOWS[scale_pick(rng, NELEMS(FAMILY_SHOWS))]);
		snprintf(ev->description, sizeof ev->description,
			 "%s and %s bring their family show to %s. %s", lead,
			 ev->performer_names[0], venue->city,
			 BLURBS[SEED_FAMILY][scale_pick(rng, 4)]);
		break;
	}
	size_t len = strlen(ev->description);
	snprintf(ev->description + len, sizeof ev->description - len, " %s",
		 PRACTICALITIES[scale_pick(rng, NELEMS(PRACTICALITIES))]);
	ev->search_extra[0] = '\0';
	for (int i = 0; i < ev->nperformers; i++) {
		len = strlen(ev->search_extra);
		snprintf(ev->search_extra + len, sizeof ev->search_extra - len, "%s ",
			 ev->performer_names[i]);
	}
	len = strlen(ev->search_extra);
	snprintf(ev->search_extra + len, sizeof ev->search_extra - len, "%s %s", venue->name,
		 venue->city);
	return STATUS_OK;
}

static NEOERR *scale_event(struct db *db, struct arena *a, uint64_t *rng,
			   struct scale_performers *cache, const struct scale_venue *venues,
			   const unsigned int *category_ids, unsigned long *event_id)
{
	struct scale_event ev;
	const struct scale_venue *venue = &venues[scale_pick(rng, SCALE_VENUES)];
	ev.category = scale_pick(rng, SEED_NCATEGORIES);
	NEOERR *err = scale_describe(db, rng, cache, venue, &ev);
	if (err != STATUS_OK)
		return nerr_pass(err);
	/* Evening shows, matinées for families, afternoon or evening games; the year ahead. */
	int hour = ev.category == SEED_FAMILY ? 11 + scale_pick(rng, 5)
		 : ev.category == SEED_SPORTS ? 14 + scale_pick(rng, 7)
		 : 18 + scale_pick(rng, 4);
	time_t starts = seed_local_time(venue->timezone, 1 + scale_pick(rng, 365), hour,
					30 * scale_pick(rng, 2));
	char starts_at[20], ends_at[20];
	seed_format_utc(starts, starts_at);
	seed_format_utc(starts + (90 + 30 * scale_pick(rng, 4)) * 60, ends_at);
	int roll = scale_pick(rng, 100);
	const char *status = roll < 2 ? "draft" : roll < 3 ? "cancelled" : "published";
	struct db_result r;
	err = db_exec(db, a, &r,
		      "INSERT INTO events (venue_id, category_id, name, description, search_extra, "
		      "starts_at, ends_at, status, currency, popularity) "
		      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		      "uusssssssi", (unsigned long long)venue->venue_id,
		      (unsigned long long)category_ids[ev.category], ev.name, ev.description,
		      ev.search_extra, starts_at, ends_at, status,
		      seed_currency_for(venue->country), (long long)scale_pick(rng, 10000));
	if (err != STATUS_OK)
		return nerr_pass(err);
	*event_id = (unsigned long)r.insert_id;
	for (int i = 0; i < ev.nperformers; i++) {
		err = db_exec(db, a, NULL,
			      "INSERT INTO event_performers (event_id, performer_id, billing_order) "
			      "VALUES (?, ?, ?)",
			      "uui", (unsigned long long)*event_id,
			      (unsigned long long)ev.performer_ids[i], (long long)i);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	return STATUS_OK;
}

/* One tier per section: a base price of 15-70 (in the event's currency) scattered by event,
 * 15% less per seated section further back (sort_order), standing at 80%, rounded to 50
 * cents. STRAIGHT_JOIN: from the event range, never from the sections (see seed_tickets). */
static NEOERR *scale_tiers(struct db *db, struct arena *a, unsigned long first, unsigned long last)
{
	return nerr_pass(db_exec(db, a, NULL,
		"INSERT INTO price_tiers (event_id, section_id, name, price_cents, currency) "
		"SELECT STRAIGHT_JOIN e.event_id, s.section_id, s.name, "
		"       ROUND((1500 + (e.event_id * 7919) % 56 * 100) "
		"             * IF(s.kind = 'standing', 80, GREATEST(40, 100 - 15 * s.sort_order)) "
		"             / 100 / 50) * 50, "
		"       e.currency "
		"FROM events e "
		"JOIN venue_sections s ON s.venue_id = e.venue_id "
		"WHERE e.event_id BETWEEN ? AND ?",
		"uu", (unsigned long long)first, (unsigned long long)last));
}

static NEOERR *scale_chunk(struct db *db, uint64_t *rng, struct scale_performers *cache,
			   const struct scale_venue *venues, const unsigned int *category_ids,
			   int nevents, unsigned long long *tickets)
{
	struct arena *a = arena_new();
	unsigned long first = 0, last = 0;
	NEOERR *err = db_begin(db);
	for (int i = 0; i < nevents && err == STATUS_OK; i++) {
		unsigned long id = 0;
		err = scale_event(db, a, rng, cache, venues, category_ids, &id);
		if (i == 0)
			first = id;
		last = id;
	}
	if (err == STATUS_OK)
		err = scale_tiers(db, a, first, last);
	if (err == STATUS_OK)
		err = seed_tickets(db, first, last, tickets);
	err = db_end(db, err);
	arena_destroy(a);
	return nerr_pass(err);
}

static NEOERR *scale_default_seed(struct db *db, unsigned long *seed)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, "SELECT COALESCE(MAX(event_id), 0) + 1 FROM events", "");
	if (err == STATUS_OK)
		*seed = strtoul(db_cell(&r, 0, 0), NULL, 10);
	arena_destroy(a);
	return nerr_pass(err);
}

NEOERR *seed_scale(struct db *db, long nevents, unsigned long random_seed)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	NEOERR *err = STATUS_OK;
	if (random_seed == 0)
		err = scale_default_seed(db, &random_seed);
	/* A bulk load of rows we generate ourselves: the keys are right by construction, and
	 * checking every foreign and unique key row by row would cost most of the time. */
	if (err == STATUS_OK)
		err = db_query_static(db, "SET SESSION foreign_key_checks = 0, unique_checks = 0");

	unsigned int category_ids[SEED_NCATEGORIES];
	struct scale_venue venues[SCALE_VENUES];
	int new_venues = 0;
	if (err == STATUS_OK)
		err = db_begin(db);
	if (err == STATUS_OK)
		err = seed_categories(db, category_ids);
	for (int i = 0; i < SCALE_VENUES && err == STATUS_OK; i++) {
		bool created;
		err = scale_venue(db, i, &venues[i], &created);
		new_venues += created;
	}
	err = db_end(db, err);
	if (err != STATUS_OK)
		return nerr_pass(err);
	printf("seed --scale: %d venues (%d new), random seed %lu, %.1f s\n", SCALE_VENUES,
	       new_venues, random_seed, seed_elapsed(&start));
	fflush(stdout);

	struct scale_performers cache;
	cache.n = pool_size(POOL_PEOPLE) + pool_size(POOL_BANDS) + pool_size(POOL_TEAMS);
	cache.ids = xcalloc((size_t)cache.n, sizeof *cache.ids);
	uint64_t rng = random_seed;
	unsigned long long tickets = 0;
	double last_report = 0;
	for (long done = 0; done < nevents && err == STATUS_OK;) {
		int n = nevents - done < SCALE_CHUNK ? (int)(nevents - done) : SCALE_CHUNK;
		unsigned long long chunk_tickets = 0;
		err = scale_chunk(db, &rng, &cache, venues, category_ids, n, &chunk_tickets);
		done += n;
		tickets += chunk_tickets;
		double now = seed_elapsed(&start);
		if (err == STATUS_OK && (now - last_report >= 5.0 || done == nevents)) {
			printf("seed --scale: %ld/%ld events, %llu tickets, %.1f s\n", done, nevents,
			       tickets, now);
			fflush(stdout);
			last_report = now;
		}
	}
	free(cache.ids);
	NEOERR *restore = db_query_static(db, "SET SESSION foreign_key_checks = 1, unique_checks = 1");
	/* Fresh statistics now, rather than whenever InnoDB gets round to it: benchmarks run
	 * straight after the load, and stale row counts send the optimizer the wrong way. */
	if (err == STATUS_OK && restore == STATUS_OK)
		restore = db_query_static(db, "ANALYZE TABLE events, event_performers, performers, "
					      "price_tiers, tickets, venues, venue_sections, venue_seats");
	if (err != STATUS_OK) {
		nerr_ignore(&restore);
		return nerr_pass(err);
	}
	if (restore != STATUS_OK)
		return nerr_pass(restore);
	double elapsed = seed_elapsed(&start);
	printf("seed --scale: done: %ld events, %llu tickets (%.0f per event) in %.1f s "
	       "(%.0f tickets/s)\n", nevents, tickets, (double)tickets / (double)nevents, elapsed,
	       elapsed > 0 ? (double)tickets / elapsed : 0.0);
	return STATUS_OK;
}
