/* supervisor: signals are blocked except inside sigsuspend, so none slips between a check and
 * the wait; everything a handler does is set a flag. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/log.h"
#include "core/supervisor.h"
#include "core/xalloc.h"

static volatile sig_atomic_t got_child, got_stop, got_reload, got_alarm;

static void supervisor_on_signal(int sig)
{
	switch (sig) {
	case SIGCHLD: got_child = 1; break;
	case SIGHUP: got_reload = 1; break;
	case SIGALRM: got_alarm = 1; break;
	default: got_stop = 1; break;
	}
}

static void supervisor_spawn(struct supervisor *s, int slot)
{
	pid_t pid = fork();
	if (pid < 0) {
		log_error("fork failed: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		_exit(s->run_child(s->ctx, slot));
	s->slots[slot].pid = pid;
	s->slots[slot].started = time(NULL);
}

void supervisor_signal_all(struct supervisor *s, int sig)
{
	for (int i = 0; i < s->nslots; i++)
		if (s->slots[i].pid > 0)
			kill(s->slots[i].pid, sig);
}

static int supervisor_live(const struct supervisor *s)
{
	int n = 0;
	for (int i = 0; i < s->nslots; i++)
		n += s->slots[i].pid > 0;
	return n;
}

/* Reap exited children; schedule their replacement, with back-off when one dies young. */
static void supervisor_reap(struct supervisor *s, bool stopping)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (s->on_other_child && s->on_other_child(s->ctx, pid, status))
			continue;
		for (int i = 0; i < s->nslots; i++) {
			struct supervisor_slot *slot = &s->slots[i];
			if (slot->pid != pid)
				continue;
			slot->pid = 0;
			bool crashed = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
			if (crashed)
				log_warn("%s %ld %s %d", s->child_name, (long)pid,
					 WIFSIGNALED(status) ? "killed by signal" : "exited with status",
					 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			if (stopping)
				break;
			time_t now = time(NULL);
			if (crashed && now - slot->started < 2)
				slot->backoff = slot->backoff ? (slot->backoff * 2 > SUPERVISOR_BACKOFF_MAX
								 ? SUPERVISOR_BACKOFF_MAX : slot->backoff * 2) : 1;
			else
				slot->backoff = 0;
			slot->spawn_after = now + slot->backoff;
		}
	}
}

static void supervisor_fill(struct supervisor *s)
{
	time_t now = time(NULL);
	for (int i = 0; i < s->nslots; i++)
		if (s->slots[i].pid <= 0 && s->slots[i].spawn_after <= now)
			supervisor_spawn(s, i);
	/* A one-second tick drives delayed respawns and the owner's periodic work. */
	alarm(1);
}

void supervisor_resize(struct supervisor *s, int n)
{
	for (int i = n; i < s->nslots; i++)
		if (s->slots[i].pid > 0)
			kill(s->slots[i].pid, SIGTERM);
	if (n > s->nslots) {
		s->slots = xrealloc(s->slots, sizeof *s->slots * (size_t)n);
		memset(s->slots + s->nslots, 0, sizeof *s->slots * (size_t)(n - s->nslots));
	}
	s->nslots = n;
}

static void supervisor_stop(struct supervisor *s)
{
	supervisor_signal_all(s, SIGTERM);
	time_t deadline = time(NULL) + s->stop_timeout;
	while (supervisor_live(s) > 0 && time(NULL) < deadline) {
		supervisor_reap(s, true);
		if (supervisor_live(s) > 0)
			usleep(20 * 1000);
	}
	if (supervisor_live(s) > 0) {
		log_warn("%ss still busy after %d s; killing them", s->child_name, s->stop_timeout);
		supervisor_signal_all(s, SIGKILL);
		while (supervisor_live(s) > 0 && waitpid(-1, NULL, 0) > 0)
			supervisor_reap(s, true);
	}
}

static void supervisor_install_signals(sigset_t *orig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = supervisor_on_signal;
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
	sigprocmask(SIG_BLOCK, &block, orig);
}

void supervisor_run(struct supervisor *s)
{
	sigset_t orig;
	supervisor_install_signals(&orig);
	supervisor_fill(s);
	while (!got_stop) {
		sigsuspend(&orig);
		if (got_child) {
			got_child = 0;
			supervisor_reap(s, false);
		}
		if (got_reload) {
			got_reload = 0;
			if (s->on_reload)
				s->on_reload(s->ctx);
		}
		got_alarm = 0;
		if (!got_stop) {
			supervisor_fill(s);
			if (s->on_tick)
				s->on_tick(s->ctx);
		}
	}
	alarm(0);
	if (s->on_stop)
		s->on_stop(s->ctx);
	supervisor_stop(s);
}

void supervisor_free(struct supervisor *s)
{
	free(s->slots);
	s->slots = NULL;
	s->nslots = 0;
}

void supervisor_write_pid(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		log_warn("cannot write pid file %s: %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
}

bool supervisor_redirect_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return false;
	dup2(fd, STDERR_FILENO);
	close(fd);
	return true;
}
