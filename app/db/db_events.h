/* db_events: the SQL for reading events, and the plain structs handlers get instead of rows:
 * an event's venue and category, a listing's summary, and the browse filters. */
#ifndef BOXOFFICE_DB_EVENTS_H
#define BOXOFFICE_DB_EVENTS_H
#include <ClearSilver.h>

struct arena;
struct db;
struct json_object;
struct sql_builder;

/* An event's venue and category, as every view of an event shows them. */
struct event_venue {
	long long id;
	const char *name;
	const char *address;
	const char *city;
	const char *timezone;
	long long capacity;
};

struct event_category {
	const char *slug;
	const char *name;
};

/* The browse filters of listings and search, already validated (shop/event_filters.c reads
 * them from a request); db_events_where() turns them into SQL. */
enum event_sort { EVENT_SORT_DATE, EVENT_SORT_POPULARITY, EVENT_SORT_RELEVANCE };

struct event_filters {
	const char *category;      /* a known slug, or NULL */
	long long category_id;
	const char *start_date;    /* "YYYY-MM-DD" (venue-local date), or NULL */
	const char *end_date;
	const char *location;      /* part of a city or venue name, or NULL */
	long long venue_id;        /* 0 = any */
	enum event_sort sort;
	int page;
	int page_size;
};

/* Shared SQL fragments (aliases e = events, v = venues): the start in the venue's local wall
 * time and its UTC offset in minutes. CONVERT_TZ needs MariaDB's time zone tables (loaded by
 * ./dev; see README); without them it yields NULL and we fall back to UTC. */
#define SQL_EVENT_LOCAL_START \
	"DATE_FORMAT(COALESCE(CONVERT_TZ(e.starts_at, '+00:00', v.timezone), e.starts_at), '%Y-%m-%d %H:%i:%s')"
#define SQL_EVENT_UTC_OFFSET \
	"COALESCE(TIMESTAMPDIFF(MINUTE, e.starts_at, CONVERT_TZ(e.starts_at, '+00:00', v.timezone)), 0)"

struct event_summary {
	long long event_id;
	const char *name;
	const char *starts_at_utc;   /* "YYYY-MM-DDTHH:MM:SSZ" */
	const char *starts_at_local; /* "YYYY-MM-DD HH:MM:SS" in the venue's zone */
	int utc_offset_minutes;
	struct event_category category;
	struct event_venue venue;
	const char *currency;
	long long from_price_cents;  /* -1 when the event has no price tiers */
	const char **performers;     /* NULL-terminated */
	int nperformers;
};

struct event_page {
	struct event_summary *events;
	int count;                   /* on this page */
	long long total;             /* matching events overall */
	int page;
	int page_size;
};

/* Append " AND ..." conditions over events e / venues v for the filters, with their
 * parameters. Always restricts to published events that have not started. */
void db_events_where(const struct event_filters *f, struct arena *a, struct sql_builder *sb);

/* Upcoming published events matching the filters, one page of them, in the filters' order. */
NEOERR *db_events_list(struct db *db, struct arena *a, const struct event_filters *f,
		       struct event_page *out);

/* An event's category and venue (aliases c, v), in the order
 * db_events_category_venue_from_row() reads them: the listings and the event page both
 * select these, so both fill struct event_category / event_venue the same way. */
#define DB_EVENTS_CATEGORY_VENUE_COLUMNS \
	"c.slug, c.name, v.venue_id, v.name, v.address, v.city, v.capacity, v.timezone"

/* The columns every event listing selects (aliases e, v, c), in the order
 * db_events_summary_from_row() reads them starting at `col`; for search to reuse. */
#define DB_EVENTS_SUMMARY_COLUMNS \
	"e.event_id, e.name, DATE_FORMAT(e.starts_at, '%Y-%m-%dT%H:%i:%sZ'), " \
	SQL_EVENT_LOCAL_START ", " SQL_EVENT_UTC_OFFSET ", " \
	DB_EVENTS_CATEGORY_VENUE_COLUMNS ", e.currency," \
	" (SELECT MIN(t.price_cents) FROM price_tiers t WHERE t.event_id = e.event_id)," \
	" (SELECT JSON_ARRAYAGG(p.name ORDER BY ep.billing_order, p.performer_id)" \
	"    FROM event_performers ep JOIN performers p ON p.performer_id = ep.performer_id" \
	"   WHERE ep.event_id = e.event_id)"
#define DB_EVENTS_SUMMARY_NCOLUMNS 16
#define DB_EVENTS_FROM \
	" FROM events e JOIN venues v ON v.venue_id = e.venue_id" \
	" JOIN categories c ON c.category_id = e.category_id"

struct db_result;
void db_events_category_venue_from_row(const struct db_result *r, int row, int col,
				       struct event_category *category, struct event_venue *venue);
void db_events_summary_from_row(struct arena *a, const struct db_result *r, int row, int col,
				struct event_summary *ev);

#endif
