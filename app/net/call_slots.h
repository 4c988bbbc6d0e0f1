/* call_slots: at most N calls out at once across every worker of a host, so that a slow
 * gateway ties up N workers and no more; the others go on serving pages. Each slot is one byte
 * of a lock file, locked with fcntl: the kernel frees the slot of a worker that dies. */
#ifndef BOXOFFICE_CALL_SLOTS_H
#define BOXOFFICE_CALL_SLOTS_H
#include <stdbool.h>

struct call_slot {
	int index;                       /* -1: none held */
};

/* Take one of the `n` slots of the lock file `path` (made if missing), waiting up to
 * `wait_ms` for one to come free: false when all stayed taken (or the file cannot be used,
 * which is logged) — the caller then does not make its call. */
bool call_slot_take(const char *path, int n, int wait_ms, struct call_slot *slot);
void call_slot_give(struct call_slot *slot);

#endif
