/* db_events: the SQL for reading events. Handlers get plain structs, never rows. */
#ifndef BOXOFFICE_DB_EVENTS_H
#define BOXOFFICE_DB_EVENTS_H
#include <ClearSilver.h>

struct arena;
struct db;
struct json_object;

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
	const char *category_slug;
	const char *category_name;
	long long venue_id;
	const char *venue_name;
	const char *venue_address;
	const char *venue_city;
	long long venue_capacity;
	const char *venue_timezone;
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

/* Upcoming published events, soonest first, one page of them. */
NEOERR *db_events_upcoming(struct db *db, struct arena *a, int page, int page_size,
			   struct event_page *out);

#endif
