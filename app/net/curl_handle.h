/* curl_handle: a libcurl easy handle kept for the life of a process and reused, so its
 * connection cache saves a TCP (and TLS) handshake per call; made on first use in each
 * process, never before a fork, and never shared with a parent or child. */
#ifndef BOXOFFICE_CURL_HANDLE_H
#define BOXOFFICE_CURL_HANDLE_H
#include <sys/types.h>
#include <curl/curl.h>

struct curl_handle {
	CURL *curl;
	pid_t owner;                     /* the process that made it */
};

/* The handle of this process, made (after curl_global_init, once) when there is none yet;
 * NULL only if libcurl cannot allocate one. A handle made before a fork is left to the
 * parent. */
CURL *curl_handle_get(struct curl_handle *h);

#endif
