/* pool: `boxoffice serve`, a php-fpm-style master. It opens the FastCGI socket, preforks
 * the workers, replaces any that die (backing off on crash loops), recycles them, reloads
 * on SIGHUP and stops gracefully on SIGTERM, letting in-flight requests finish. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcgiapp.h>
#include "booking/booking_sweep.h"
#include "cmd/commands.h"
#include "cmd/worker.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/supervisor.h"
#include "core/xalloc.h"
#include "db/db.h"

#define POOL_STOP_TIMEOUT 30      /* seconds before stragglers are killed */

struct pool {
	struct config *cfg;
	const char *config_path;
	int listen_fd;
	struct supervisor sup;    /* the workers */
	pid_t sweeper;            /* the running hold sweep, if any */
	struct config_kept reloaded; /* configurations read by reloads, freed at exit */
	time_t next_sweep;
};

/* FCGX_OpenSocket unlinks an existing socket (stealing a live instance's) and exit()s on
 * failure, so first make sure nobody is listening there. */
static bool pool_socket_in_use(const char *path)
{
	if (path[0] != '/')
		return false;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return false;
	struct sockaddr_un sun;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	bool in_use = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
	close(fd);
	return in_use;
}

static int pool_worker(void *ctx, int slot)
{
	(void)slot;
	struct pool *p = ctx;
	return worker_run(p->cfg, p->listen_fd);
}

/* The sweep's child, reaped here rather than counted as a worker. */
static bool pool_reap_sweeper(void *ctx, pid_t pid, int status)
{
	(void)status;
	struct pool *p = ctx;
	if (pid != p->sweeper)
		return false;
	p->sweeper = 0;
	return true;
}

/* Expired holds go back on sale without anyone running a command: a short-lived child
 * (its own MariaDB connection, never the master's) sweeps every Server.SweepInterval. */
static void pool_sweep(void *ctx)
{
	struct pool *p = ctx;
	time_t now = time(NULL);
	if (p->cfg->sweep_interval <= 0 || p->sweeper > 0 || now < p->next_sweep)
		return;
	p->next_sweep = now + p->cfg->sweep_interval;
	pid_t pid = fork();
	if (pid < 0) {
		log_error("fork for sweep failed: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGTERM, &sa, NULL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		struct db db;
		NEOERR *err = db_open(&db, p->cfg);
		if (err != STATUS_OK) {
			nerr_ignore(&err);
			_exit(1);
		}
		struct booking_sweep_counts n;
		err = booking_sweep(p->cfg, &db, BOOKING_SWEEP_DEFAULT_GRACE, &n);
		int status = err == STATUS_OK ? 0 : 1;
		if (err != STATUS_OK)
			log_error("sweep failed: %s", errors_message(err));
		nerr_ignore(&err);
		if (n.released > 0)
			log_info("sweep released %ld expired held tickets", n.released);
		db_close(&db);
		_exit(status);
	}
	p->sweeper = pid;
}

/* SIGHUP: read the configuration again and replace every worker. Old workers finish their
 * current request first. The listen address cannot change without a restart. */
static void pool_reload(void *ctx)
{
	struct pool *p = ctx;
	struct config *fresh = config_reread(p->config_path, &p->reloaded);
	if (fresh == NULL)
		return;
	if (strcmp(fresh->listen, p->cfg->listen) != 0)
		log_warn("Server.Listen changed; restart the pool to move the socket");
	p->cfg = fresh;
	supervisor_signal_all(&p->sup, SIGTERM);
	supervisor_resize(&p->sup, fresh->workers);
	log_info("reloaded %s: %d workers", p->config_path, fresh->workers);
}

static void pool_stopping(void *ctx)
{
	struct pool *p = ctx;
	log_info("stopping: waiting for in-flight requests");
	if (p->sweeper > 0)
		kill(p->sweeper, SIGTERM);
}

static int pool_open_listener(const char *listen)
{
	if (pool_socket_in_use(listen)) {
		fprintf(stderr, "boxoffice serve: another instance is already listening on %s\n", listen);
		return -1;
	}
	int fd = FCGX_OpenSocket(listen, 1024);
	if (fd < 0) {
		fprintf(stderr, "boxoffice serve: cannot listen on %s\n", listen);
		return -1;
	}
	/* Workers poll and accept themselves; losing the race to a sibling must not block. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	/* nginx usually runs as another user; the socket's directory is what guards it. */
	if (listen[0] == '/')
		chmod(listen, 0666);
	return fd;
}

static int serve_parse_options(struct config *cfg, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(arg, "--workers") == 0 && val) {
			cfg->workers = atoi(val);
			i++;
		} else if (strcmp(arg, "--listen") == 0 && val) {
			free(cfg->listen);
			cfg->listen = xstrdup(val);
			i++;
		} else if (strcmp(arg, "--max-requests") == 0 && val) {
			cfg->max_requests = atoi(val);
			i++;
		} else {
			fprintf(stderr, "boxoffice serve: unknown option '%s' (see boxoffice serve --help)\n", arg);
			return -1;
		}
	}
	if (cfg->workers < 1 || cfg->workers > 512) {
		fprintf(stderr, "boxoffice serve: --workers must be between 1 and 512\n");
		return -1;
	}
	return 0;
}

static int serve_run(struct config *cfg, int argc, char **argv)
{
	if (serve_parse_options(cfg, argc, argv) != 0)
		return 2;
	struct pool p = { .cfg = cfg, .config_path = cfg->path };
	p.listen_fd = pool_open_listener(cfg->listen);
	if (p.listen_fd < 0)
		return 1;
	if (cfg->log_file && !supervisor_redirect_log(cfg->log_file))
		fprintf(stderr, "boxoffice serve: cannot open log %s: %s\n", cfg->log_file, strerror(errno));
	if (cfg->pid_file)
		supervisor_write_pid(cfg->pid_file);
	p.sup = (struct supervisor){
		.child_name = "worker",
		.stop_timeout = POOL_STOP_TIMEOUT,
		.ctx = &p,
		.run_child = pool_worker,
		.on_tick = pool_sweep,
		.on_reload = pool_reload,
		.on_stop = pool_stopping,
		.on_other_child = pool_reap_sweeper,
	};
	supervisor_resize(&p.sup, cfg->workers);
	log_info("boxoffice serve: %d workers on %s", cfg->workers, cfg->listen);
	supervisor_run(&p.sup);
	if (p.cfg->pid_file)
		unlink(p.cfg->pid_file);
	if (p.cfg->listen[0] == '/')
		unlink(p.cfg->listen);
	log_info("stopped");
	supervisor_free(&p.sup);
	config_kept_free(&p.reloaded);
	return 0;
}

const struct command cmd_serve = {
	.name = "serve",
	.summary = "run the FastCGI worker pool (master + prefork workers)",
	.help =
		"usage: boxoffice [--config FILE] serve [--workers N] [--listen ADDR] [--max-requests N]\n"
		"\n"
		"Runs in the foreground: a master process opens the FastCGI socket and keeps N\n"
		"worker processes serving it. nginx's fastcgi_pass points at the socket.\n"
		"\n"
		"  --workers N        worker processes (Server.Workers; default 2 per core)\n"
		"  --listen ADDR      unix socket path or host:port (Server.Listen)\n"
		"  --max-requests N   recycle a worker after N requests, 0 = never (Server.MaxRequests)\n"
		"\n"
		"Signals: SIGHUP re-reads the configuration and replaces the workers gracefully;\n"
		"SIGTERM/SIGINT stop after in-flight requests finish. A worker that dies is\n"
		"replaced at once (with back-off if it keeps dying). Every Server.SweepInterval\n"
		"seconds (default 15, 0 = off) the master releases expired seat holds, as\n"
		"`boxoffice sweep` does. Logs go to Server.LogFile, the master's pid to\n"
		"Server.PidFile.\n",
	.needs_config = true,
	.run = serve_run,
};
