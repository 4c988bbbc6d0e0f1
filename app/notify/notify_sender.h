/* notify_sender: one sender of the outbox — claim due messages (a short transaction), compose
 * and deliver each with no transaction open, record what became of it: sent, due again after
 * an exponential, jittered back-off, or given up. Several senders, on one host or several,
 * share the outbox through SKIP LOCKED claims; one that dies leaves its claims to run out. */
#ifndef BOXOFFICE_NOTIFY_SENDER_H
#define BOXOFFICE_NOTIFY_SENDER_H
#include <signal.h>
#include <stdbool.h>

struct config;

struct notify_counts {
	long sent;
	long retried;
	long failed;                     /* given up */
};

/* Send until *stop is set (between messages: the one in flight is finished), or, with
 * `once`, until nothing is due. Returns the process exit status. */
int notify_sender_run(const struct config *cfg, volatile sig_atomic_t *stop, bool once,
		      struct notify_counts *counts);

/* The delay before try number `attempts` + 1, in milliseconds: Notify.RetryBaseSeconds
 * doubled per try, at most Notify.RetryMaxSeconds, then a random half of it taken off so that
 * messages that failed together do not come back together. */
long long notify_retry_delay_ms(const struct config *cfg, int attempts);

#endif
