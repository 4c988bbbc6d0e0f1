/* smtp: libcurl speaks SMTP and builds the MIME; this file decides the structure, the header
 * lines (all through mail_format, so no value can add a header) and what a failure means. */
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include "core/arena.h"
#include "core/config.h"
#include "net/curl_handle.h"
#include "net/mail_format.h"
#include "net/smtp.h"

static struct curl_handle smtp_handle;

static void smtp_slist_release(void *list)
{
	curl_slist_free_all(list);
}

static struct curl_slist *smtp_add(struct curl_slist *list, const char *line)
{
	struct curl_slist *grown = curl_slist_append(list, line);
	return grown ? grown : list;
}

struct curl_slist *smtp_headers(struct arena *a, const struct mail_message *m)
{
	struct curl_slist *h = NULL;
	h = smtp_add(h, arena_printf(a, "Date: %s", mail_date(a, m->date_epoch)));
	h = smtp_add(h, arena_printf(a, "Message-ID: %s", mail_clean(a, m->message_id)));
	h = smtp_add(h, arena_printf(a, "From: %s", mail_address(a, m->from_name, m->from_addr)));
	h = smtp_add(h, arena_printf(a, "To: %s", mail_address(a, m->to_name, m->to_addr)));
	if (m->reply_to && *m->reply_to)
		h = smtp_add(h, arena_printf(a, "Reply-To: %s", mail_clean(a, m->reply_to)));
	h = smtp_add(h, arena_printf(a, "Subject: %s", mail_header_text(a, m->subject)));
	/* Automatic mail: no out-of-office replies to it (RFC 3834). */
	h = smtp_add(h, "Auto-Submitted: auto-generated");
	arena_on_destroy(a, smtp_slist_release, h);
	return h;
}

static void smtp_mime_release(void *mime)
{
	curl_mime_free(mime);
}

/* A part's own header lines (Content-ID, Content-Disposition), owned by the part. */
static void smtp_part_headers(curl_mimepart *part, const char *first, const char *second)
{
	struct curl_slist *h = smtp_add(NULL, first);
	if (second)
		h = smtp_add(h, second);
	curl_mime_headers(part, h, 1);
}

/* Text with every line ending as CRLF: libcurl's quoted-printable encoder breaks lines only at
 * CRLF, and writes a bare LF as "=0A" inside one long soft-wrapped line. */
static const char *smtp_crlf(struct arena *a, const char *text)
{
	size_t n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n' ? 2 : 1;
	char *out = arena_alloc(a, n + 1), *o = out;
	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static void smtp_text_part(struct arena *a, curl_mime *mime, const char *body, const char *type)
{
	curl_mimepart *part = curl_mime_addpart(mime);
	curl_mime_data(part, smtp_crlf(a, body), CURL_ZERO_TERMINATED);
	curl_mime_type(part, type);
	/* Lines of any length and any UTF-8 survive every relay as quoted-printable. */
	curl_mime_encoder(part, "quoted-printable");
}

static void smtp_file_part(struct arena *a, curl_mime *mime, const struct mail_file *f, bool inline_part)
{
	curl_mimepart *part = curl_mime_addpart(mime);
	curl_mime_data(part, (const char *)f->data, f->len);
	curl_mime_type(part, f->content_type);
	curl_mime_encoder(part, "base64");
	const char *name = mail_clean(a, f->filename);
	if (inline_part)
		smtp_part_headers(part, arena_printf(a, "Content-ID: <%s>", mail_clean(a, f->content_id)),
				  arena_printf(a, "Content-Disposition: inline; filename=\"%s\"", name));
	else
		curl_mime_filename(part, name);
}

/* multipart/mixed [ multipart/alternative [ text/plain, multipart/related [ text/html,
 * images... ] ], attachments... ]: readers that show HTML find its images next to it, readers
 * that do not show the plain text, and every reader lists the attachments. */
static curl_mime *smtp_mime(struct arena *a, CURL *curl, const struct mail_message *m)
{
	curl_mime *mixed = curl_mime_init(curl);
	arena_on_destroy(a, smtp_mime_release, mixed);
	if (m->html == NULL && m->nattachments == 0) {
		smtp_text_part(a, mixed, m->text, "text/plain; charset=utf-8");
		return mixed;
	}
	curl_mime *alternative = curl_mime_init(curl);
	smtp_text_part(a, alternative, m->text, "text/plain; charset=utf-8");
	if (m->html) {
		curl_mime *related = curl_mime_init(curl);
		smtp_text_part(a, related, m->html, "text/html; charset=utf-8");
		for (int i = 0; i < m->ninline; i++)
			smtp_file_part(a, related, &m->inline_files[i], true);
		curl_mimepart *part = curl_mime_addpart(alternative);
		curl_mime_subparts(part, related);
		curl_mime_type(part, "multipart/related");
	}
	curl_mimepart *part = curl_mime_addpart(mixed);
	curl_mime_subparts(part, alternative);
	curl_mime_type(part, "multipart/alternative");
	for (int i = 0; i < m->nattachments; i++)
		smtp_file_part(a, mixed, &m->attachments[i], false);
	return mixed;
}

struct smtp_replies {
	char last[256];                  /* the server's last reply line */
	char refusal[256];               /* its first 4xx or 5xx line, the reason of a failure */
};

static void smtp_keep_line(char *to, size_t size, const char *data, size_t len)
{
	size_t keep = len < size ? len : size - 1;
	memcpy(to, data, keep);
	while (keep && (to[keep - 1] == '\r' || to[keep - 1] == '\n'))
		keep--;
	to[keep] = '\0';
}

/* For SMTP, libcurl hands the server's replies to the header callback: the last one after
 * DATA is the acceptance, with the server's queue id in it. A refusal is followed by the
 * answer to QUIT ("221 Bye"), so the refusal is kept apart: it is what says why. */
static size_t smtp_reply(char *data, size_t size, size_t n, void *arg)
{
	struct smtp_replies *r = arg;
	size_t len = size * n;
	if (len >= 4 && data[0] >= '2' && data[0] <= '5') {
		smtp_keep_line(r->last, sizeof r->last, data, len);
		if (data[0] >= '4' && r->refusal[0] == '\0')
			smtp_keep_line(r->refusal, sizeof r->refusal, data, len);
	}
	return len;
}

static void smtp_options(const struct config *cfg, CURL *curl)
{
	curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)cfg->smtp_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)(cfg->smtp_timeout_ms < 10000 ? cfg->smtp_timeout_ms : 10000));
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	/* CURLUSESSL_TRY would fall back to plain text without a word when the server offers no
	 * STARTTLS: "required" means ALL. smtps:// is TLS from the first byte anyway. */
	if (cfg->smtp_starttls)
		curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (*cfg->smtp_ca_file)
		curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->smtp_ca_file);
	if (*cfg->smtp_user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password);
	}
}

/* A 5xx to RCPT TO or DATA refuses this mail for good (no such mailbox, rejected content);
 * anything else — no answer, 4xx, a refused login, a failed TLS handshake — may pass later. */
static bool smtp_permanent(CURLcode res, long code, const char *error)
{
	if (res == CURLE_LOGIN_DENIED || res == CURLE_USE_SSL_FAILED || code < 500 || code > 599)
		return false;
	return strncmp(error, "RCPT", 4) == 0 || strncmp(error, "DATA", 4) == 0 ||
	       strstr(error, "RCPT failed") != NULL;
}

/* One go at the server: what it replied, its last code, and whether the go ran on a connection
 * kept from an earlier one (libcurl opened none). */
static CURLcode smtp_perform(CURL *curl, struct smtp_replies *replies, char *error, long *code,
			     bool *reused)
{
	*replies = (struct smtp_replies){ "", "" };
	error[0] = '\0';
	*code = 0;
	long opened = 0;
	CURLcode res = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, code);
	curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &opened);
	*reused = opened == 0;
	return res;
}

NEOERR *smtp_send(const struct config *cfg, struct arena *a, const struct mail_message *m,
		  struct smtp_outcome *out)
{
	memset(out, 0, sizeof *out);
	CURL *curl = curl_handle_get(&smtp_handle);
	if (curl == NULL)
		return nerr_raise(NERR_NOMEM, "curl_easy_init failed");
	curl_easy_reset(curl);
	smtp_options(cfg, curl);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, arena_printf(a, "<%s>", m->from_addr));
	struct curl_slist *rcpt = smtp_add(NULL, arena_printf(a, "<%s>", m->to_addr));
	arena_on_destroy(a, smtp_slist_release, rcpt);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, smtp_headers(a, m));
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, smtp_mime(a, curl, m));
	struct smtp_replies replies;
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, smtp_reply);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &replies);
	char error[CURL_ERROR_SIZE];
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
	bool reused;
	CURLcode res = smtp_perform(curl, &replies, error, &out->code, &reused);
	/* The connection kept from the last mail may have been closed by the server while idle
	 * (a 421 "timeout, closing", or just closed): that says nothing about this mail, so it
	 * goes once more at once on a new connection rather than waiting out a back-off. */
	if (res != CURLE_OK && reused &&
	    (out->code == 421 || res == CURLE_SEND_ERROR || res == CURLE_RECV_ERROR ||
	     res == CURLE_GOT_NOTHING)) {
		curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
		res = smtp_perform(curl, &replies, error, &out->code, &reused);
		curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 0L);
	}
	/* The options point into this call's arena: nothing of it may outlive the call. */
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, NULL);
	if (res == CURLE_OK) {
		out->sent = true;
		out->detail = arena_strdup(a, replies.last);
		return STATUS_OK;
	}
	const char *why = *error ? error : curl_easy_strerror(res);
	out->permanent = smtp_permanent(res, out->code, why);
	const char *said = *replies.refusal ? replies.refusal : replies.last;
	out->detail = arena_printf(a, "%s%s%s", why, *said ? ": " : "", said);
	return STATUS_OK;
}
