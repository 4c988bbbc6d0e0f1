/* supervisor: a master process keeping N children alive, for `boxoffice serve` (the FastCGI
 * workers) and `boxoffice notify` (the outbox senders) alike: it forks them, replaces any that
 * die (backing off when one keeps dying young), and on SIGTERM or SIGINT lets them finish what
 * they are doing, killing stragglers after a timeout. SIGHUP and a once-a-second tick are
 * handed to the owner's hooks. */
#ifndef BOXOFFICE_SUPERVISOR_H
#define BOXOFFICE_SUPERVISOR_H
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#define SUPERVISOR_BACKOFF_MAX 8   /* seconds between respawns of a crash-looping slot */

struct supervisor_slot {
	pid_t pid;
	time_t started;
	int backoff;                     /* seconds to wait before the next spawn of this slot */
	time_t spawn_after;
};

struct supervisor {
	const char *child_name;          /* "worker", "sender": for the log */
	int stop_timeout;                /* seconds a stopping child may take before SIGKILL */
	void *ctx;                       /* handed to every hook */
	/* In the child, after fork: its whole life; returns its exit status. */
	int (*run_child)(void *ctx, int slot);
	/* Optional: once a second and after every signal, unless stopping. */
	void (*on_tick)(void *ctx);
	/* Optional: SIGHUP. */
	void (*on_reload)(void *ctx);
	/* Optional: SIGTERM or SIGINT came; called before the children are told to stop. */
	void (*on_stop)(void *ctx);
	/* Optional: a child that is not a slot's exited (a helper the owner forked); true when
	 * it was the owner's. */
	bool (*on_other_child)(void *ctx, pid_t pid, int status);
	struct supervisor_slot *slots;
	int nslots;
};

/* Have `n` slots: slots beyond n are told to stop, new ones start on the next tick. */
void supervisor_resize(struct supervisor *s, int n);
/* Send `sig` to every live child of a slot. */
void supervisor_signal_all(struct supervisor *s, int sig);
/* Install the signal handlers, start the children and supervise them until SIGTERM or
 * SIGINT; then stop them (SIGTERM, stop_timeout, SIGKILL) and return. */
void supervisor_run(struct supervisor *s);
void supervisor_free(struct supervisor *s);

/* The master's pid in `path`, and its stderr into `path` (appending), for daemons. */
void supervisor_write_pid(const char *path);
bool supervisor_redirect_log(const char *path);

#endif
