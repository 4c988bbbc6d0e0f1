/* call_slots: byte-range locks on one file, one byte a slot. The file is opened once per
 * process (after any fork: locks belong to the process that took them). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/log.h"
#include "net/call_slots.h"

static int slots_fd = -1;
static pid_t slots_owner;

static int slots_open(const char *path)
{
	if (slots_fd >= 0 && slots_owner == getpid())
		return slots_fd;
	slots_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	slots_owner = getpid();
	if (slots_fd < 0)
		log_error("call slots %s: %s; calls go out unlimited", path, strerror(errno));
	return slots_fd;
}

static bool slots_lock(int fd, int index, short type)
{
	struct flock l = { .l_type = type, .l_whence = SEEK_SET, .l_start = index, .l_len = 1 };
	return fcntl(fd, F_SETLK, &l) == 0;
}

static long long slots_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool call_slot_take(const char *path, int n, int wait_ms, struct call_slot *slot)
{
	slot->index = -1;
	int fd = slots_open(path);
	if (fd < 0)
		return true;   /* no file, no limit: better a slow site than no payments at all */
	long long deadline = slots_now_ms() + wait_ms;
	/* Start from a slot of our own, so the workers do not all queue on slot 0. */
	int first = (int)(getpid() % n);
	for (;;) {
		for (int k = 0; k < n; k++) {
			int i = (first + k) % n;
			if (slots_lock(fd, i, F_WRLCK)) {
				slot->index = i;
				return true;
			}
		}
		if (slots_now_ms() >= deadline)
			return false;
		usleep(5000);
	}
}

void call_slot_give(struct call_slot *slot)
{
	if (slot->index >= 0 && slots_fd >= 0)
		slots_lock(slots_fd, slot->index, F_UNLCK);
	slot->index = -1;
}
