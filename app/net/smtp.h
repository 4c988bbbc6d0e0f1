/* smtp: one mail handed to the configured SMTP server with libcurl — real MIME through
 * curl_mime (multipart/mixed holding multipart/alternative of plain text and HTML, the HTML
 * with its inline images in multipart/related, then the attachments), AUTH and STARTTLS as
 * configured. Whether a failure is worth another try is decided here, from the server's answer. */
#ifndef BOXOFFICE_SMTP_H
#define BOXOFFICE_SMTP_H
#include <stdbool.h>
#include <stddef.h>
#include <ClearSilver.h>

struct arena;
struct config;

/* An attachment, or an image the HTML shows inline (`content_id` set: "<id>" without the
 * brackets, referenced as cid:id). */
struct mail_file {
	const char *filename;
	const char *content_type;
	const unsigned char *data;
	size_t len;
	const char *content_id;
};

struct mail_message {
	const char *from_name;           /* display name, any UTF-8 */
	const char *from_addr;           /* the envelope sender too */
	const char *reply_to;            /* an address, or NULL */
	const char *to_name;
	const char *to_addr;             /* checked by contact_email_valid */
	const char *subject;             /* any UTF-8: encoded as RFC 2047 when it must be */
	const char *message_id;          /* "<...@host>", stable per outbox row */
	long long date_epoch;
	const char *text;                /* the plain text part, UTF-8 */
	const char *html;                /* the HTML part, or NULL for plain text alone */
	const struct mail_file *inline_files;
	int ninline;
	const struct mail_file *attachments;
	int nattachments;
};

struct smtp_outcome {
	bool sent;
	bool permanent;                  /* refused for good (the recipient, 5xx): do not retry */
	long code;                       /* the server's last reply code, 0 when none came */
	const char *detail;              /* the server's acceptance ("250 2.0.0 Ok: queued as X"),
					  * or why it failed, for the outbox's record */
};

/* Send `m` through Notify.Mail (URL, User/Password, StartTLS, CAFile, TimeoutMs). A failure
 * to deliver is an outcome, not an error; errors are only what no retry can fix. */
NEOERR *smtp_send(const struct config *cfg, struct arena *a, const struct mail_message *m,
		  struct smtp_outcome *out);
/* The message's header lines as smtp_send writes them (Date, Message-ID, From, To, ...),
 * for the unit tests of what reaches the wire. */
struct curl_slist *smtp_headers(struct arena *a, const struct mail_message *m);

#endif
