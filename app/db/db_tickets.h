/* db_tickets: the SQL of issued e-tickets — a booking's tickets with everything printed on
 * them (for the mails, the ticket pages and the PDFs), and the door: check-in in one atomic
 * update, the record of every scan, and the progress of an event's doors. */
#ifndef BOXOFFICE_DB_TICKETS_H
#define BOXOFFICE_DB_TICKETS_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct db;

struct eticket {
	long long ticket_id;
	const char *code;                /* canonical, as signed */
	const char *section;
	bool standing;
	const char *row;                 /* NULL when standing */
	int seat;                        /* 0 when standing */
	const char *label;               /* "Stalls B-12" */
	long long price_cents;
	const char *holder_name;         /* NULL: the buyer's */
	const char *holder_email;
	const char *checked_in_at;       /* UTC "YYYY-MM-DD HH:MM:SS", or NULL */
	const char *checked_in_door;
};

struct eticket_booking {
	long long booking_id;
	long long event_id;
	const char *booking_code;
	const char *status;              /* the booking's payment_status */
	const char *buyer_name;
	const char *buyer_email;
	const char *buyer_phone;
	long long total_cents;
	const char *currency;
	bool late_payment;
	const char *event_name;
	const char *event_status;        /* published, cancelled */
	const char *starts_local;        /* "YYYY-MM-DD HH:MM:SS" in the venue's zone */
	int utc_offset_minutes;
	long long starts_epoch;
	const char *venue_name;
	const char *venue_address;
	const char *venue_city;
	const char *venue_timezone;
	/* The tickets are void: the booking is no longer confirmed (refunded, cancelled) or the
	 * event is cancelled. */
	bool void_tickets;
	struct eticket *tickets;
	int ntickets;
};

/* Booking `booking_id` with its e-tickets in ticket order (none when it was never
 * confirmed); *found false when there is no such booking. */
NEOERR *db_tickets_of_booking(struct db *db, struct arena *a, long long booking_id,
			      struct eticket_booking *out, bool *found);

enum checkin_verdict {
	CHECKIN_ADMITTED,
	CHECKIN_ALREADY_USED,
	CHECKIN_VOID,                    /* refunded, cancelled, or not an issued ticket */
	CHECKIN_WRONG_EVENT,
	CHECKIN_FORGED,                  /* the signature does not hold */
	CHECKIN_MALFORMED,               /* not a ticket code at all */
};
const char *db_tickets_verdict_name(enum checkin_verdict v);

struct checkin_result {
	enum checkin_verdict verdict;
	const char *used_at;             /* ALREADY_USED: when (UTC), and at which door */
	const char *used_door;
	const char *label;               /* the seat, when the ticket is known */
	const char *holder;
	const char *booking_code;
};

/* Admit ticket (booking_id, ticket_id) at `door` of event `event_id` if it is an issued,
 * valid, unused ticket of that event — marked in one UPDATE, so two doors scanning it at the
 * same moment admit it once — or say why not. `code` is the canonical code that was
 * verified. */
NEOERR *db_tickets_check_in(struct db *db, struct arena *a, long long event_id, long long booking_id,
			    long long ticket_id, const char *code, const char *door,
			    struct checkin_result *out);
/* Every scan, admitted or not, for the organizer's record. */
NEOERR *db_tickets_record_scan(struct db *db, long long event_id, const char *typed, const char *door,
			       enum checkin_verdict verdict, long long booking_id, long long ticket_id);

struct checkin_progress {
	const char *event_name;
	const char *event_status;
	const char *starts_local;
	int utc_offset_minutes;
	const char *venue_timezone;
	long long issued;                /* valid e-tickets of the event */
	long long admitted;
};
/* *found false when there is no such event. */
NEOERR *db_tickets_progress(struct db *db, struct arena *a, long long event_id,
			    struct checkin_progress *out, bool *found);

#endif
