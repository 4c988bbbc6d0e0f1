/* db_event_detail: the SQL for one event — its details and performers, its sections with
 * prices and availability counts, and its tickets with their status. Drafts never come back. */
#ifndef BOXOFFICE_DB_EVENT_DETAIL_H
#define BOXOFFICE_DB_EVENT_DETAIL_H
#include <stdbool.h>
#include <ClearSilver.h>
#include "db/db_events.h"

struct arena;
struct db;

/* Event ids are INT UNSIGNED. */
#define EVENT_ID_MAX 4294967295LL

struct event_detail {
	long long event_id;
	const char *name;
	const char *description;
	bool cancelled;              /* status 'cancelled' (drafts are never returned) */
	bool started;                /* starts_at has passed: no longer on sale */
	const char *currency;
	const char *starts_at_local; /* "YYYY-MM-DD HH:MM:SS" in the venue's zone */
	int utc_offset_minutes;
	struct event_category category;
	struct event_venue venue;
	const char **performers;     /* NULL-terminated, billing order */
	int nperformers;
};

/* A ticket's status as shoppers see it: a hold past its hold_expires_at is available again
 * (the sweep may not have released it yet). */
enum ticket_status { TICKET_AVAILABLE, TICKET_RESERVED, TICKET_SOLD };

/* "available", "reserved", "sold" (the API's words); NULL for anything else. */
const char *ticket_status_name(enum ticket_status s);
/* The inverse, for the ?status= filter; false for an unknown word. */
bool ticket_status_parse(const char *s, enum ticket_status *out);

/* A section that is on sale for the event (it has a price tier). The counts are over the
 * event's tickets in it, so capacity = available + reserved + sold. */
struct event_section {
	long long section_id;
	const char *name;
	bool standing;
	int map_x, map_y, map_w, map_h;
	const char *tier_name;
	long long price_cents;
	const char *currency;
	long long capacity, available, reserved, sold;
};

/* One ticket: a seat (seated sections) or a standing place (row_label NULL, seat_number 0). */
struct event_ticket {
	long long ticket_id;
	int section;                 /* index into the event's sections array, -1 if unknown */
	const char *row_label;
	int seat_number;
	int x, y;                    /* seat-map position of a seat */
	long long price_cents;
	enum ticket_status status;
};

/* The event with its performers; *found is false for an unknown id or a draft. */
NEOERR *db_event_detail(struct db *db, struct arena *a, long long event_id,
			struct event_detail *out, bool *found);

/* The event's sections on sale, in the venue's order, with counts. */
NEOERR *db_event_sections(struct db *db, struct arena *a, long long event_id,
			  struct event_section **out, int *count);

/* Every seat of the event's seated sections, ordered by section (venue order), row and seat
 * number: what the seat map draws. One query. */
NEOERR *db_event_seats(struct db *db, struct arena *a, long long event_id,
		       const struct event_section *sections, int nsections,
		       struct event_ticket **out, int *count);

/* Every ticket of the event (seats and standing places) in ticket_id order. One query. */
NEOERR *db_event_tickets(struct db *db, struct arena *a, long long event_id,
			 const struct event_section *sections, int nsections,
			 struct event_ticket **out, int *count);

/* Recount the sections' capacity/available/reserved/sold from a ticket list read after
 * them, so counts and per-ticket statuses in one response always agree (a sale may land
 * between two queries). seated_only: the list holds only seats; standing counts stay. */
void db_event_recount(struct event_section *sections, int nsections,
		      const struct event_ticket *tickets, int ntickets, bool seated_only);

#endif
