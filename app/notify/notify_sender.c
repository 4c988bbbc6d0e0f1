/* notify_sender: nothing is sent while a row is locked, and nothing is marked sent before the
 * server took it, so a crash can only ever repeat a message (under the same Message-ID),
 * never lose one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "db/db.h"
#include "db/db_outbox.h"
#include "net/sms.h"
#include "net/smtp.h"
#include "notify/notify_compose.h"
#include "notify/notify_sender.h"

long long notify_retry_delay_ms(const struct config *cfg, int attempts)
{
	long long delay = (long long)cfg->notify_retry_base_seconds * 1000;
	long long max = (long long)cfg->notify_retry_max_seconds * 1000;
	for (int i = 1; i < attempts && delay < max; i++)
		delay *= 2;
	if (delay > max)
		delay = max;
	return delay - (long long)randombytes_uniform((uint32_t)(delay / 2 + 1));
}

/* An address for the log: enough to tell messages apart, not the whole of someone's
 * address or number. */
static const char *notify_masked(struct arena *a, const char *recipient)
{
	const char *at = strchr(recipient, '@');
	if (at)
		return arena_printf(a, "%.1s***%s", recipient, at);
	size_t n = strlen(recipient);
	return arena_printf(a, "***%s", n > 3 ? recipient + n - 3 : "");
}

struct notify_delivery {
	bool sent;
	bool permanent;
	const char *detail;
};

static NEOERR *notify_deliver(const struct config *cfg, struct arena *a, const struct notify_composed *c,
			      struct notify_delivery *d)
{
	memset(d, 0, sizeof *d);
	if (c->sms) {
		const struct sms_provider *provider = sms_provider(cfg);
		if (provider == NULL) {
			d->permanent = true;
			d->detail = "no SMS provider is configured (Notify.SMS.Provider)";
			return STATUS_OK;
		}
		struct sms_outcome out;
		NEOERR *err = provider->send(cfg, a, c->sms_to, c->sms_body, &out);
		*d = (struct notify_delivery){ out.sent, out.permanent, out.detail };
		return nerr_pass(err);
	}
	struct smtp_outcome out;
	NEOERR *err = smtp_send(cfg, a, &c->mail, &out);
	*d = (struct notify_delivery){ out.sent, out.permanent, out.detail };
	return nerr_pass(err);
}

/* One message, start to record. A failure to record is logged and left to the lease: the
 * message then goes out again, which a reader deduplicates by its Message-ID. */
static void notify_one(const struct config *cfg, struct db *db, const char *claimer,
		       const struct outbox_message *m, struct notify_counts *counts)
{
	struct arena *a = arena_new();
	struct notify_composed c;
	struct notify_delivery d = { 0 };
	bool held = false;
	NEOERR *err = db_outbox_renew(db, a, m->outbox_id, claimer, cfg->notify_lease_seconds, &held);
	if (err != STATUS_OK || !held) {
		/* Not ours any more, or no way to know: whoever holds it now sends it, or it comes
		 * back when the lease is up. Sending it here could send it twice. */
		if (err != STATUS_OK)
			log_error("notify: renewing the claim of outbox %lld failed: %s", m->outbox_id,
				  errors_message(err));
		else
			log_info("notify: outbox %lld is no longer this sender's claim; not tried", m->outbox_id);
		nerr_ignore(&err);
		arena_destroy(a);
		return;
	}
	err = notify_compose(cfg, db, a, m, &c);
	if (err == STATUS_OK && c.moot) {
		d = (struct notify_delivery){ .sent = true, .detail = arena_printf(a, "not sent: %s", c.moot) };
	} else if (err == STATUS_OK) {
		err = notify_deliver(cfg, a, &c, &d);
	}
	if (err != STATUS_OK) {
		/* Composing or the client failed (the database away, a template broken): another
		 * try may fare better, and is bounded like any other failure. */
		d = (struct notify_delivery){ .detail = arena_strdup(a, errors_message(err)) };
		nerr_ignore(&err);
	}
	const char *who = notify_masked(a, m->recipient);
	if (d.sent) {
		err = db_outbox_sent(db, m->outbox_id, d.detail);
		counts->sent++;
		log_info("notify: outbox %lld %s %s to %s: %s", m->outbox_id, m->kind, m->channel, who,
			 d.detail);
	} else {
		bool give_up = d.permanent || m->age_seconds >= (long long)cfg->notify_give_up_minutes * 60;
		long long retry = give_up ? -1 : notify_retry_delay_ms(cfg, m->attempts);
		err = db_outbox_failed(db, m->outbox_id, claimer, d.detail, retry);
		if (give_up)
			counts->failed++;
		else
			counts->retried++;
		log_warn("notify: outbox %lld %s %s to %s, try %d: %s; %s", m->outbox_id, m->kind, m->channel,
			 who, m->attempts, d.detail ? d.detail : "failed",
			 give_up ? "given up" : arena_printf(a, "again in %lld s", (retry + 999) / 1000));
	}
	if (err != STATUS_OK) {
		log_error("notify: recording outbox %lld failed: %s", m->outbox_id, errors_message(err));
		nerr_ignore(&err);
	}
	arena_destroy(a);
}

/* Sleep `ms`, or less when a signal comes. */
static void notify_nap(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

int notify_sender_run(const struct config *cfg, volatile sig_atomic_t *stop, bool once,
		      struct notify_counts *counts)
{
	struct db db;
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	NEOERR *err = db_open(&db, cfg);
	if (err != STATUS_OK) {
		log_error("notify: %s", errors_message(err));
		nerr_ignore(&err);
		return 1;
	}
	unsigned long claims = 0;
	while (!*stop) {
		struct arena *a = arena_new();
		/* Each claim its own name, so a lease taken over by another sender (or by this one,
		 * later) is never mistaken for this claim. */
		const char *claimer = arena_printf(a, "%.60s/%ld/%lu", host, (long)getpid(), ++claims);
		struct outbox_message *batch;
		int n = 0;
		err = db_ensure(&db);
		if (err == STATUS_OK)
			err = db_outbox_claim(&db, a, claimer, cfg->notify_batch, cfg->notify_lease_seconds,
					      &batch, &n);
		if (err != STATUS_OK) {
			log_error("notify: claiming messages failed: %s", errors_message(err));
			nerr_ignore(&err);
			n = 0;
		}
		int i = 0;
		for (; i < n && !*stop; i++)
			notify_one(cfg, &db, claimer, &batch[i], counts);
		/* Stopping: what was claimed but not tried goes back now, not when its lease ends. */
		for (; i < n; i++) {
			err = db_outbox_unclaim(&db, batch[i].outbox_id, claimer);
			nerr_ignore(&err);
		}
		arena_destroy(a);
		if (n == 0 && once)
			break;
		if (n == 0 && !*stop)
			notify_nap(cfg->notify_poll_ms);
	}
	db_close(&db);
	return 0;
}
