/* db_outbox: the SQL of the transactional outbox (sql/0010) — writing a fact's messages inside
 * the transaction that makes it true, and the notifier's side: claiming due messages
 * (FOR UPDATE SKIP LOCKED, with a lease), recording what became of them, and listing them. */
#ifndef BOXOFFICE_DB_OUTBOX_H
#define BOXOFFICE_DB_OUTBOX_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct db;

/* What a message says; each has its templates in templates/mail/<kind>.cs. */
#define OUTBOX_BOOKING_CONFIRMED "booking_confirmed"
#define OUTBOX_TICKET_ISSUED "ticket_issued"         /* one attendee's own ticket */
#define OUTBOX_PAYMENT_FAILED "payment_failed"
#define OUTBOX_HOLD_EXPIRED "hold_expired"
#define OUTBOX_REFUND_ISSUED "refund_issued"
#define OUTBOX_LATE_PAYMENT_REFUNDED "late_payment_refunded"
#define OUTBOX_EVENT_CHANGED "event_changed"          /* written by a trigger on events */
#define OUTBOX_EVENT_CANCELLED "event_cancelled"      /* likewise */

/* Inside the caller's transaction: the buyer's messages of one fact about each booking of
 * `booking_ids` (a JSON array of ids, as the expiry batch has them, or one id: "[42]") —
 * by mail to the buyer's address, and by SMS to the buyer's number too when `sms`. Bookings
 * without that contact get none. `ref_id` tells apart several facts of one kind about one
 * booking (each refund); 0 when there is one per booking. A fact written twice (a retried
 * transaction) stays one message. */
NEOERR *db_outbox_for_bookings(struct db *db, struct arena *a, const char *kind,
			       const char *booking_ids, long long ref_id, bool sms);
/* The same for one booking, with `payload` (JSON, or NULL) for what the rows will not say. */
NEOERR *db_outbox_for_booking(struct db *db, struct arena *a, const char *kind, long long booking_id,
			      long long ref_id, const char *payload, bool sms);
/* Inside the confirm transaction: each e-ticket whose holder has an email address other than
 * the buyer's is mailed to the holder alone (OUTBOX_TICKET_ISSUED). */
NEOERR *db_outbox_for_holders(struct db *db, long long booking_id);

/* A message claimed by a sender. */
struct outbox_message {
	long long outbox_id;
	const char *kind;
	const char *channel;             /* "email" or "sms" */
	const char *recipient;
	long long booking_id;            /* 0 when none */
	long long event_id;
	long long ticket_id;
	long long ref_id;
	const char *payload;             /* JSON or NULL */
	int attempts;                    /* this one included */
	long long age_seconds;           /* since it was written */
	long long created_epoch;         /* when, in seconds since 1970 (its mail's Date) */
};

/* Claim up to `limit` due messages for `claimer` (host/pid/claim), each leased for
 * `lease_seconds`: a sender that dies leaves them to be claimed again once the lease is up.
 * Rows another sender holds locked are skipped, so senders on several hosts never wait on
 * each other. */
NEOERR *db_outbox_claim(struct db *db, struct arena *a, const char *claimer, int limit,
			int lease_seconds, struct outbox_message **out, int *n);
/* Delivered: `provider_ref` is the server's answer. */
NEOERR *db_outbox_sent(struct db *db, long long outbox_id, const char *provider_ref);
/* Not delivered: due again in `retry_ms`, or given up when `retry_ms` < 0. Only the sender
 * that holds the claim may say so (a lease that ran out belongs to its next claimer). */
NEOERR *db_outbox_failed(struct db *db, long long outbox_id, const char *claimer, const char *error,
			 long long retry_ms);

/* Just before a claimed message is tried: *held tells whether the claim is still
 * `claimer`'s (not taken over by another sender after its lease ran out, not recorded), and
 * if so its lease starts again from now, so every message of a batch has a whole lease. */
NEOERR *db_outbox_renew(struct db *db, struct arena *a, long long outbox_id, const char *claimer,
			int lease_seconds, bool *held);

/* Hand back a claimed message that was not tried (its sender is stopping): due now, its try
 * not counted. */
NEOERR *db_outbox_unclaim(struct db *db, long long outbox_id, const char *claimer);

/* A message as listed by `boxoffice notify --failed` and the organizer's pages. */
struct outbox_listing {
	long long outbox_id;
	const char *kind;
	const char *channel;
	const char *recipient;
	long long booking_id;
	int attempts;
	const char *last_error;
	const char *created_at;          /* UTC */
};
/* The most recent `limit` messages in `state` ("failed", "queued", "sent"). */
NEOERR *db_outbox_list(struct db *db, struct arena *a, const char *state, int limit,
		       struct outbox_listing **out, int *n);
/* Put a given-up message back in the queue, due now; *found false when there is no failed
 * message of that id. */
NEOERR *db_outbox_requeue(struct db *db, long long outbox_id, bool *found);

#endif
