/* worker: the FastCGI accept loop of one child. It owns one MariaDB connection and one
 * memcached client, opened after fork (never inherited), for its whole life. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>
#include <fcgiapp.h>
#include <mysql.h>
#include "cmd/routes.h"
#include "cmd/worker.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/app.h"
#include "http/dispatch.h"

/* Stop signals stay blocked except inside ppoll() while waiting for a connection, so they
 * can never interrupt a request: one that arrives mid-request is delivered at the next wait,
 * after the response is out. */
static volatile sig_atomic_t worker_stop;

static void worker_on_stop(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/* Returns the signal mask to wait with (stop signals deliverable). */
static sigset_t worker_install_signals(void)
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
	sigaction(SIGALRM, &sa, NULL);
	sigset_t waiting, serving;
	sigemptyset(&waiting);
	sigemptyset(&serving);
	sigaddset(&serving, SIGTERM);
	sigaddset(&serving, SIGINT);
	sigaddset(&serving, SIGHUP);
	sigprocmask(SIG_SETMASK, &serving, NULL);
	return waiting;
}

/* Wait for and accept one connection; -1 when the worker should stop. The listen socket
 * is non-blocking (set by the master), so losing the accept race to a sibling just means
 * waiting again. */
static int worker_accept(int listen_fd, const sigset_t *waiting)
{
	while (!worker_stop) {
		struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };
		int n = ppoll(&pfd, 1, NULL, waiting);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll on the FastCGI socket failed: %s", strerror(errno));
			return -1;
		}
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED && errno != EINTR) {
			log_error("accept on the FastCGI socket failed: %s", strerror(errno));
			return -1;
		}
	}
	return -1;
}

int worker_run(struct config *cfg, int listen_fd)
{
	/* Our handlers go in before FCGX_Init so libfcgi leaves them alone. */
	sigset_t waiting = worker_install_signals();
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
	app.routes = ROUTES;
	app.nroutes = ROUTES_COUNT;
	err = db_open(&app.db, cfg);
	if (err != STATUS_OK) {
		/* Not fatal: each request reconnects, and answers 503 while MariaDB is down. */
		nerr_ignore(&err);
	}
	err = cache_open(&app.cache, cfg);
	if (err != STATUS_OK)
		errors_log_and_free(err, "cache");

	/* libfcgi gets no listen socket: we accept ourselves and hand it the connection, so
	 * it can never block in accept() where a stop signal could not reach it. */
	FCGX_Request fr;
	FCGX_InitRequest(&fr, -1, 0);
	for (;;) {
		int fd = worker_accept(listen_fd, &waiting);
		if (fd < 0)
			break;
		fr.ipcFd = fd;
		/* FCGX_Accept_r first "finishes" the previous request and would close a fresh
		 * connection it did not accept itself; it reads the real keep-alive flag from
		 * nginx's BEGIN_REQUEST record right after. */
		fr.keepConnection = 1;
		if (FCGX_Accept_r(&fr) < 0)
			continue;   /* a connection that sent no valid request; libfcgi closed it */
		dispatch_fcgi(&app, &fr);   /* finishes the request itself */
		if (fr.ipcFd >= 0)
			FCGX_Free(&fr, 1);   /* no kept-alive connections: nginx must use keep_conn off */
		app.requests_served++;
		if (cfg->max_requests > 0 && app.requests_served >= (unsigned long)cfg->max_requests)
			break;   /* recycled: the master starts a fresh worker */
	}
	db_close(&app.db);
	cache_close(&app.cache);
	mysql_library_end();
	return 0;
}
