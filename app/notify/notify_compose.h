/* notify_compose: what one outbox message says — its kind's templates (templates/mail/) filled
 * from the booking as it stands now, as a mail (plain text and HTML, the e-tickets' PDF
 * attached and their QR codes inline) or a text message. */
#ifndef BOXOFFICE_NOTIFY_COMPOSE_H
#define BOXOFFICE_NOTIFY_COMPOSE_H
#include <stdbool.h>
#include <ClearSilver.h>
#include "net/smtp.h"

struct arena;
struct config;
struct db;
struct outbox_message;

struct notify_composed {
	/* Nothing to send (an SMS for a kind that has none, a booking that is gone): the
	 * message is done, for this reason. */
	const char *moot;
	bool sms;
	struct mail_message mail;        /* when !sms */
	const char *sms_to;              /* when sms */
	const char *sms_body;
};

/* Whether the outbox kind is one this build knows how to say. */
bool notify_kind_known(const char *kind);

NEOERR *notify_compose(const struct config *cfg, struct db *db, struct arena *a,
		       const struct outbox_message *m, struct notify_composed *out);

#endif
