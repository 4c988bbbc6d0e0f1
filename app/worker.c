/* worker: the FastCGI accept loop of one child. It owns one MariaDB connection and one
 * memcached client, opened after fork (never inherited), for its whole life. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <fcgiapp.h>
#include <mysql.h>
#include "app.h"
#include "dispatch.h"
#include "errors.h"
#include "log.h"
#include "worker.h"

/* While idle (blocked in accept) a stop signal exits at once; mid-request it only raises
 * a flag, so the request in flight finishes before the worker leaves. */
static volatile sig_atomic_t worker_idle;
static volatile sig_atomic_t worker_stop;

static void worker_on_stop(int sig)
{
	(void)sig;
	if (worker_idle)
		_exit(0);
	worker_stop = 1;
}

static void worker_install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = worker_on_stop;
	sa.sa_flags = SA_RESTART;   /* libfcgi's reads/writes do not retry on EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int worker_run(struct config *cfg, int listen_fd)
{
	/* Our handlers go in before FCGX_Init so libfcgi leaves them alone. */
	worker_install_signals();
	NEOERR *err = errors_init();
	if (err != STATUS_OK) {
		errors_log_and_free(err, "init");
		return 1;
	}
	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		return 1;
	}
	static struct app app;
	memset(&app, 0, sizeof app);
	app.cfg = cfg;
	err = db_open(&app.db, cfg);
	if (err != STATUS_OK) {
		/* Not fatal: each request reconnects, and answers 503 while MariaDB is down. */
		nerr_ignore(&err);
	}
	err = cache_open(&app.cache, cfg);
	if (err != STATUS_OK)
		errors_log_and_free(err, "cache");

	FCGX_Request fr;
	FCGX_InitRequest(&fr, listen_fd, 0);
	while (!worker_stop) {
		worker_idle = 1;
		if (worker_stop)
			break;
		int rc = FCGX_Accept_r(&fr);
		worker_idle = 0;
		if (rc < 0) {
			log_error("FCGX_Accept_r failed (%d); worker exiting", rc);
			break;
		}
		dispatch_fcgi(&app, &fr);
		FCGX_Finish_r(&fr);
		app.requests_served++;
		if (cfg->max_requests > 0 && app.requests_served >= (unsigned long)cfg->max_requests)
			break;   /* recycled: the master starts a fresh worker */
	}
	FCGX_Free(&fr, 0);
	db_close(&app.db);
	cache_close(&app.cache);
	mysql_library_end();
	return 0;
}
