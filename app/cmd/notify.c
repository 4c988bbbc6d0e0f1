/* notify: `boxoffice notify`, the outbox's sender — a master supervising Notify.Senders sender
 * processes (notify/notify_sender.c), like `serve` supervises its workers; or one pass over
 * what is due (--once); or a look at the outbox (--failed, --queued) and putting a given-up
 * message back (--retry). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/commands.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/supervisor.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "db/db_outbox.h"
#include "net/mail_format.h"
#include "notify/notify_sender.h"

#define NOTIFY_STOP_TIMEOUT 60   /* seconds a sender may take to finish its message */

static volatile sig_atomic_t sender_stop;

static void sender_on_stop(int sig)
{
	(void)sig;
	sender_stop = 1;
}

/* In a sender: SIGTERM and SIGINT end it after the message in flight; without SA_RESTART
 * they cut an idle sender's nap short. */
static void sender_install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sender_on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

struct notify_master {
	struct config *cfg;
	struct supervisor sup;
	struct config_kept reloaded;     /* read by reloads, freed at exit */
};

static int notify_sender_child(void *ctx, int slot)
{
	(void)slot;
	struct notify_master *m = ctx;
	sender_install_signals();
	struct notify_counts counts = { 0 };
	return notify_sender_run(m->cfg, &sender_stop, false, &counts);
}

/* SIGHUP: read the configuration again; the senders finish their message and are replaced. */
static void notify_reload(void *ctx)
{
	struct notify_master *m = ctx;
	struct config *fresh = config_reread(m->cfg->path, &m->reloaded);
	if (fresh == NULL)
		return;
	m->cfg = fresh;
	supervisor_signal_all(&m->sup, SIGTERM);
	supervisor_resize(&m->sup, fresh->notify_senders);
	log_info("notify: reloaded %s: %d senders", fresh->path, fresh->notify_senders);
}

static int notify_daemon(struct config *cfg)
{
	if (cfg->notify_log_file && !supervisor_redirect_log(cfg->notify_log_file))
		fprintf(stderr, "boxoffice notify: cannot open log %s: %s\n", cfg->notify_log_file,
			strerror(errno));
	if (cfg->notify_pid_file)
		supervisor_write_pid(cfg->notify_pid_file);
	struct notify_master m = { .cfg = cfg };
	m.sup = (struct supervisor){
		.child_name = "sender",
		.stop_timeout = NOTIFY_STOP_TIMEOUT,
		.ctx = &m,
		.run_child = notify_sender_child,
		.on_reload = notify_reload,
	};
	supervisor_resize(&m.sup, cfg->notify_senders);
	log_info("boxoffice notify: %d senders, mail through %s", cfg->notify_senders, cfg->smtp_url);
	supervisor_run(&m.sup);
	if (m.cfg->notify_pid_file)
		unlink(m.cfg->notify_pid_file);
	log_info("notify: stopped");
	supervisor_free(&m.sup);
	config_kept_free(&m.reloaded);
	return 0;
}

static int notify_once(struct config *cfg)
{
	struct notify_counts counts = { 0 };
	sender_install_signals();
	int status = notify_sender_run(cfg, &sender_stop, true, &counts);
	printf("notify: %ld sent, %ld to try again later, %ld given up\n", counts.sent, counts.retried,
	       counts.failed);
	return status;
}

static int notify_list(struct config *cfg, const char *state, int limit)
{
	struct db db;
	struct arena *a = arena_new();
	struct outbox_listing *l = NULL;
	int n = 0;
	NEOERR *err = db_open(&db, cfg);
	if (err == STATUS_OK)
		err = db_outbox_list(&db, a, state, limit, &l, &n);
	db_close(&db);
	if (err != STATUS_OK) {
		fprintf(stderr, "boxoffice notify: %s\n", errors_message(err));
		nerr_ignore(&err);
		arena_destroy(a);
		return 1;
	}
	if (n == 0)
		printf("no %s messages\n", state);
	for (int i = 0; i < n; i++)
		printf("%lld\t%s\t%s\t%s\tbooking %lld\t%d tries\t%s UTC\t%s\n", l[i].outbox_id, l[i].kind,
		       l[i].channel, l[i].recipient, l[i].booking_id, l[i].attempts, l[i].created_at,
		       l[i].last_error);
	arena_destroy(a);
	return 0;
}

static int notify_retry(struct config *cfg, long long id)
{
	struct db db;
	bool found = false;
	NEOERR *err = db_open(&db, cfg);
	if (err == STATUS_OK)
		err = db_outbox_requeue(&db, id, &found);
	db_close(&db);
	if (err != STATUS_OK) {
		fprintf(stderr, "boxoffice notify: %s\n", errors_message(err));
		nerr_ignore(&err);
		return 1;
	}
	if (!found) {
		fprintf(stderr, "boxoffice notify: there is no given-up message %lld\n", id);
		return 1;
	}
	printf("message %lld is queued again\n", id);
	return 0;
}

static long notify_number(const char *option, const char *text, long max)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, "boxoffice notify: %s needs a number from 1 to %ld\n", option, max);
		return -1;
	}
	return v;
}

static int notify_run(struct config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "failed", no_argument, NULL, 'f' },
		{ "queued", no_argument, NULL, 'q' },
		{ "retry", required_argument, NULL, 'r' },
		{ "limit", required_argument, NULL, 'l' },
		{ "senders", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	bool once = false;
	const char *list = NULL;
	long retry = 0, limit = 50, senders = 0;
	int c;
	optind = 0; /* glibc: start afresh, argv[0] is the command name */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'o': once = true; break;
		case 'f': list = "failed"; break;
		case 'q': list = "queued"; break;
		case 'r': retry = notify_number("--retry", optarg, 1L << 62); break;
		case 'l': limit = notify_number("--limit", optarg, 10000); break;
		case 's': senders = notify_number("--senders", optarg, 64); break;
		default:
			fprintf(stderr, "boxoffice notify: unknown option or missing value "
				"(see `boxoffice notify --help`)\n");
			return 2;
		}
		if (retry < 0 || limit < 0 || senders < 0)
			return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "boxoffice notify: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (list)
		return notify_list(cfg, list, (int)limit);
	if (retry)
		return notify_retry(cfg, retry);
	struct arena *a = arena_new();
	const char *name, *addr;
	bool from_ok = mail_split_address(a, cfg->notify_from, &name, &addr);
	arena_destroy(a);
	if (!from_ok) {
		fprintf(stderr, "boxoffice notify: Notify.From must be an address like "
			"\"Boxoffice <tickets@example.org>\"\n");
		return 2;
	}
	if (senders)
		cfg->notify_senders = (int)senders;
	return once ? notify_once(cfg) : notify_daemon(cfg);
}

const struct command cmd_notify = {
	.name = "notify",
	.summary = "send the outbox: booking confirmations with e-tickets, and every later message",
	.help =
		"usage: boxoffice [--config FILE] notify [--senders N] [--once]\n"
		"       boxoffice [--config FILE] notify --failed | --queued [--limit N]\n"
		"       boxoffice [--config FILE] notify --retry ID\n"
		"\n"
		"Runs in the foreground: a master keeps Notify.Senders sender processes (2) that\n"
		"claim due messages from the outbox (SELECT ... FOR UPDATE SKIP LOCKED, so several\n"
		"notifiers on several hosts share it), send them — mail through Notify.Mail.URL, text\n"
		"messages through Notify.SMS — and record the outcome. A message that fails is tried\n"
		"again after Notify.RetryBaseSeconds (30), doubling up to Notify.RetryMaxSeconds\n"
		"(3600), with jitter; a permanent refusal (no such mailbox) or Notify.GiveUpMinutes\n"
		"(2880) of failures gives it up. A sender that dies leaves its messages to be claimed\n"
		"again after Notify.LeaseSeconds (120); a mail sent twice that way keeps its\n"
		"Message-ID.\n"
		"\n"
		"  --senders N   sender processes (Notify.Senders)\n"
		"  --once        send what is due now in this process, then exit\n"
		"  --failed      list the given-up messages, newest first (--limit, 50)\n"
		"  --queued      list the messages waiting to go\n"
		"  --retry ID    put given-up message ID back in the queue\n"
		"\n"
		"Signals: SIGTERM/SIGINT stop after the messages in flight; SIGHUP re-reads the\n"
		"configuration and replaces the senders. Logs go to Notify.LogFile, the master's\n"
		"pid to Notify.PidFile.\n",
	.needs_config = true,
	.run = notify_run,
};
