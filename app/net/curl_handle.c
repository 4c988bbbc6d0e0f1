/* curl_handle: the per-process handle shared by the HTTP client and the SMTP sender. */
#include <stdbool.h>
#include <unistd.h>
#include "net/curl_handle.h"

CURL *curl_handle_get(struct curl_handle *h)
{
	if (h->curl && h->owner == getpid())
		return h->curl;
	static bool global_done;
	if (!global_done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_done = true;
	}
	h->curl = curl_easy_init();      /* the parent's handle is left to the parent */
	h->owner = getpid();
	return h->curl;
}
