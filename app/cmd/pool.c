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
#include "core/xalloc.h"
#include "db/db.h"

#define POOL_STOP_TIMEOUT 30      /* seconds before stragglers are killed */
#define POOL_BACKOFF_MAX 8        /* seconds between respawns of a crash-looping slot */

struct pool_slot {
	pid_t pid;
	time_t started;
	int backoff;              /* seconds to wait before the next spawn of this slot */
	time_t spawn_after;
};

struct pool {
	struct config *cfg;
	const char *config_path;
	int listen_fd;
	struct pool_slot *slots;
	int nslots;
	pid_t sweeper;            /* the running hold sweep, if any */
	struct config **reloaded; /* configurations read by reloads, freed at exit */
	int nreloaded;
	time_t next_sweep;
};

static volatile sig_atomic_t pool_got_child, pool_got_stop, pool_got_reload, pool_got_alarm;

static void pool_on_signal(int sig)
{
	switch (sig) {
	case SIGCHLD: pool_got_child = 1; break;
	case SIGHUP: pool_got_reload = 1; break;
	case SIGALRM: pool_got_alarm = 1; break;
	default: pool_got_stop = 1; break;
	}
}

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

static pid_t pool_spawn(struct pool *p, int slot)
{
	pid_t pid = fork();
	if (pid < 0) {
		log_error("fork failed: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int status = worker_run(p->cfg, p->listen_fd);
		_exit(status);
	}
	p->slots[slot].pid = pid;
	p->slots[slot].started = time(NULL);
	return pid;
}

static void pool_signal_workers(struct pool *p, int sig)
{
	for (int i = 0; i < p->nslots; i++)
		if (p->slots[i].pid > 0)
			kill(p->slots[i].pid, sig);
}

static int pool_live_workers(const struct pool *p)
{
	int n = 0;
	for (int i = 0; i < p->nslots; i++)
		n += p->slots[i].pid > 0;
	return n;
}

/* Reap exited workers; schedule their replacement, with back-off when one dies young. */
static void pool_reap(struct pool *p, bool stopping)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == p->sweeper) {
			p->sweeper = 0;
			continue;
		}
		for (int i = 0; i < p->nslots; i++) {
			struct pool_slot *s = &p->slots[i];
			if (s->pid != pid)
				continue;
			s->pid = 0;
			bool crashed = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
			if (crashed)
				log_warn("worker %ld %s %d", (long)pid,
					 WIFSIGNALED(status) ? "killed by signal" : "exited with status",
					 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			if (stopping)
				break;
			time_t now = time(NULL);
			if (crashed && now - s->started < 2)
				s->backoff = s->backoff ? (s->backoff * 2 > POOL_BACKOFF_MAX ? POOL_BACKOFF_MAX : s->backoff * 2) : 1;
			else
				s->backoff = 0;
			s->spawn_after = now + s->backoff;
		}
	}
}

/* Expired holds go back on sale without anyone running a command: a short-lived child
 * (its own MariaDB connection, never the master's) sweeps every Server.SweepInterval. */
static void pool_sweep(struct pool *p)
{
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

static void pool_fill(struct pool *p)
{
	time_t now = time(NULL);
	for (int i = 0; i < p->nslots; i++) {
		if (p->slots[i].pid > 0)
			continue;
		if (p->slots[i].spawn_after > now)
			continue;
		pool_spawn(p, i);
	}
	/* A one-second tick drives delayed respawns and the periodic sweep. */
	alarm(1);
}

static void pool_resize(struct pool *p, int n)
{
	/* Slots beyond the new size are told to stop; their exit is reaped like any other. */
	for (int i = n; i < p->nslots; i++)
		if (p->slots[i].pid > 0)
			kill(p->slots[i].pid, SIGTERM);
	if (n > p->nslots) {
		p->slots = xrealloc(p->slots, sizeof(struct pool_slot) * (size_t)n);
		memset(p->slots + p->nslots, 0, sizeof(struct pool_slot) * (size_t)(n - p->nslots));
	}
	p->nslots = n;
}

/* SIGHUP: read the configuration again and replace every worker. Old workers finish their
 * current request first. The listen address cannot change without a restart. */
static void pool_reload(struct pool *p)
{
	struct config *fresh = xcalloc(1, sizeof *fresh);
	NEOERR *err = config_load(fresh, p->config_path);
	if (err != STATUS_OK) {
		errors_log_and_free(err, "reload");
		log_error("reload failed; keeping the running configuration");
		config_free(fresh);
		free(fresh);
		return;
	}
	if (strcmp(fresh->listen, p->cfg->listen) != 0)
		log_warn("Server.Listen changed; restart the pool to move the socket");
	/* Older configurations stay allocated until exit: they are tiny, and freeing one
	 * would need to know no slot still refers to it. */
	p->reloaded = xrealloc(p->reloaded, sizeof(struct config *) * (size_t)(p->nreloaded + 1));
	p->reloaded[p->nreloaded++] = fresh;
	int old_slots = p->nslots;
	p->cfg = fresh;
	for (int i = 0; i < old_slots; i++)
		if (p->slots[i].pid > 0)
			kill(p->slots[i].pid, SIGTERM);
	pool_resize(p, fresh->workers);
	log_info("reloaded %s: %d workers", p->config_path, fresh->workers);
}

static void pool_stop(struct pool *p)
{
	pool_signal_workers(p, SIGTERM);
	time_t deadline = time(NULL) + POOL_STOP_TIMEOUT;
	while (pool_live_workers(p) > 0 && time(NULL) < deadline) {
		pool_reap(p, true);
		if (pool_live_workers(p) > 0)
			usleep(20 * 1000);
	}
	if (pool_live_workers(p) > 0) {
		log_warn("workers still busy after %d s; killing them", POOL_STOP_TIMEOUT);
		pool_signal_workers(p, SIGKILL);
		while (pool_live_workers(p) > 0 && waitpid(-1, NULL, 0) > 0)
			pool_reap(p, true);
	}
}

static void pool_install_signals(sigset_t *orig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = pool_on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM };
	sigset_t block;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Blocked except inside sigsuspend, so no signal slips between a check and the wait. */
	sigprocmask(SIG_BLOCK, &block, orig);
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

static void pool_write_pid(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		log_warn("cannot write pid file %s: %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
}

static void pool_redirect_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0) {
		fprintf(stderr, "boxoffice serve: cannot open log %s: %s\n", path, strerror(errno));
		return;
	}
	dup2(fd, STDERR_FILENO);
	close(fd);
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
	if (cfg->log_file)
		pool_redirect_log(cfg->log_file);
	if (cfg->pid_file)
		pool_write_pid(cfg->pid_file);
	sigset_t orig;
	pool_install_signals(&orig);
	pool_resize(&p, cfg->workers);
	log_info("boxoffice serve: %d workers on %s", cfg->workers, cfg->listen);
	pool_fill(&p);

	while (!pool_got_stop) {
		sigsuspend(&orig);
		if (pool_got_child) {
			pool_got_child = 0;
			pool_reap(&p, false);
		}
		if (pool_got_reload) {
			pool_got_reload = 0;
			pool_reload(&p);
		}
		pool_got_alarm = 0;
		if (!pool_got_stop) {
			pool_fill(&p);
			pool_sweep(&p);
		}
	}
	log_info("stopping: waiting for in-flight requests");
	alarm(0);
	if (p.sweeper > 0)
		kill(p.sweeper, SIGTERM);
	pool_stop(&p);
	if (p.cfg->pid_file)
		unlink(p.cfg->pid_file);
	if (p.cfg->listen[0] == '/')
		unlink(p.cfg->listen);
	log_info("stopped");
	free(p.slots);
	for (int i = 0; i < p.nreloaded; i++) {
		config_free(p.reloaded[i]);
		free(p.reloaded[i]);
	}
	free(p.reloaded);
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
