/* db_organizer: the SQL of what an organizer owns — their events, and who is going to one.
 * Ownership is events.organizer_id (and venues.organizer_id); NULL is the site's own. */
#ifndef BOXOFFICE_DB_ORGANIZER_H
#define BOXOFFICE_DB_ORGANIZER_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct db;

/* Whether `event_id` exists, and who owns it (0: the site). */
NEOERR *db_event_owner(struct db *db, long long event_id, bool *found, long long *organizer_id);

struct organizer_event {
	long long event_id;
	const char *name;
	const char *status;
	const char *starts_local;
	int utc_offset_minutes;
	const char *venue_timezone;
	const char *venue_name;
	long long sold;
	long long admitted;
};
/* The events of `organizer_id`, or every event when it is 0 (an admin), soonest first. */
NEOERR *db_organizer_events(struct db *db, struct arena *a, long long organizer_id,
			    struct organizer_event **out, int *n);

struct attendee {
	const char *booking_code;
	const char *buyer_name;
	const char *buyer_email;
	const char *holder_name;
	const char *seat_label;
	const char *checked_in_at;       /* NULL until admitted */
};
/* The issued tickets of an event's confirmed bookings, by booking and ticket. */
NEOERR *db_event_attendees(struct db *db, struct arena *a, long long event_id,
			   struct attendee **out, int *n);

#endif
