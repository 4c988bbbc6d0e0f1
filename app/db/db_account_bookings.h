/* db_account_bookings: the SQL of My bookings — an account's bookings with their event and
 * seats, upcoming first (soonest first), then past ones (latest first). */
#ifndef BOXOFFICE_DB_ACCOUNT_BOOKINGS_H
#define BOXOFFICE_DB_ACCOUNT_BOOKINGS_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct db;

/* The most a page lists; an account with more sees the latest ones. */
#define ACCOUNT_BOOKINGS_MAX 200

struct account_booking {
	long long booking_id;
	const char *booking_code;
	const char *status;              /* confirmed, pending (a live hold), cancelled, refunded */
	long long total_cents;
	const char *currency;
	const char *created_at;          /* ISO 8601, UTC */
	long long event_id;
	const char *event_name;
	const char *event_status;
	const char *starts_local;
	int utc_offset_minutes;
	const char *venue_name;
	const char *venue_city;
	const char *venue_timezone;
	bool upcoming;
	int ntickets;
	const char *seats;               /* "Stalls B-12, Stalls B-13" */
};

/* Paid, refunded and cancelled bookings, and holds still running; not lapsed or failed ones. */
NEOERR *db_account_bookings(struct db *db, struct arena *a, long long user_id,
			    struct account_booking **out, int *n);

#endif
