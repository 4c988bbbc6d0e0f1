/* worker: one prefork FastCGI worker — accept, dispatch, finish — until told to stop or
 * until it has served its quota of requests and should be recycled. */
#ifndef BOXOFFICE_WORKER_H
#define BOXOFFICE_WORKER_H

struct config;

/* Runs in a freshly forked child; returns the exit status for _exit(). */
int worker_run(struct config *cfg, int listen_fd);

#endif
