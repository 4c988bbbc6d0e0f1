/* http_client: libcurl's easy interface, one handle per process. The handle keeps its
 * connection cache between requests (curl_easy_reset keeps it), so a worker talking to one
 * gateway reuses its TLS connection. */
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "core/arena.h"
#include "core/buf.h"
#include "net/curl_handle.h"
#include "net/http_client.h"

static struct curl_handle client_handle;

struct client_sink {
	struct buf body;
	bool too_big;
	char request_id[128];
};

static size_t client_write(char *data, size_t size, size_t n, void *arg)
{
	struct client_sink *sink = arg;
	size_t len = size * n;
	if (sink->body.len + len > HTTP_CLIENT_MAX_BODY) {
		sink->too_big = true;
		return 0;                   /* makes libcurl stop with CURLE_WRITE_ERROR */
	}
	buf_append(&sink->body, data, len);
	return len;
}

/* Keep the gateway's own id of the request, for the log lines that quote it. */
static size_t client_header(char *data, size_t size, size_t n, void *arg)
{
	struct client_sink *sink = arg;
	size_t len = size * n;
	static const char *const NAMES[] = { "Request-Id:", "Paypal-Debug-Id:" };
	for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
		size_t k = strlen(NAMES[i]);
		if (len > k && strncasecmp(data, NAMES[i], k) == 0) {
			const char *v = data + k;
			size_t vlen = len - k;
			while (vlen && (*v == ' ' || *v == '\t'))
				v++, vlen--;
			while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
				vlen--;
			if (vlen >= sizeof sink->request_id)
				vlen = sizeof sink->request_id - 1;
			memcpy(sink->request_id, v, vlen);
			sink->request_id[vlen] = '\0';
		}
	}
	return len;
}

NEOERR *http_client_send(struct arena *a, const struct http_client_request *rq,
			 struct http_client_response *out)
{
	memset(out, 0, sizeof *out);
	out->body = "";
	CURL *curl = curl_handle_get(&client_handle);
	if (curl == NULL)
		return nerr_raise(NERR_NOMEM, "curl_easy_init failed");
	curl_easy_reset(curl);
	struct curl_slist *headers = NULL;
	/* No "Expect: 100-continue" round trip before a body. */
	headers = curl_slist_append(headers, "Expect:");
	if (rq->content_type)
		headers = curl_slist_append(headers, arena_printf(a, "Content-Type: %s", rq->content_type));
	for (const char *const *h = rq->headers; h && *h; h++)
		headers = curl_slist_append(headers, *h);
	struct client_sink sink = { { 0 }, false, "" };
	CURLcode set = CURLE_OK;
#define SET(opt, val) do { if (set == CURLE_OK) set = curl_easy_setopt(curl, opt, val); } while (0)
	SET(CURLOPT_URL, rq->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_NOSIGNAL, 1L);           /* timeouts without SIGALRM in a worker */
	SET(CURLOPT_CONNECTTIMEOUT_MS, rq->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, rq->timeout_ms);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_WRITEFUNCTION, client_write);
	SET(CURLOPT_WRITEDATA, &sink);
	SET(CURLOPT_HEADERFUNCTION, client_header);
	SET(CURLOPT_HEADERDATA, &sink);
	SET(CURLOPT_USERAGENT, "Boxoffice/" BOXOFFICE_VERSION);
	if (rq->basic_auth) {
		SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SET(CURLOPT_USERPWD, rq->basic_auth);
	}
	if (strcmp(rq->method, "POST") == 0) {
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
	} else if (strcmp(rq->method, "GET") != 0) {
		SET(CURLOPT_CUSTOMREQUEST, rq->method);
	}
#undef SET
	if (set != CURLE_OK) {
		curl_slist_free_all(headers);
		buf_free(&sink.body);
		return nerr_raise(NERR_ASSERT, "libcurl refused an option: %s", curl_easy_strerror(set));
	}
	CURLcode rc = curl_easy_perform(curl);
	curl_slist_free_all(headers);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	out->request_id = arena_strdup(a, sink.request_id);
	if (rc != CURLE_OK || sink.too_big) {
		out->status = 0;
		out->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		out->error = sink.too_big ? "the answer was too big"
					  : arena_strdup(a, curl_easy_strerror(rc));
		buf_free(&sink.body);
		return STATUS_OK;
	}
	out->status = status;
	out->body_len = sink.body.len;
	out->body = arena_strndup(a, sink.body.data ? sink.body.data : "", sink.body.len);
	buf_free(&sink.body);
	return STATUS_OK;
}
