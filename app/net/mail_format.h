/* mail_format: the header lines of a mail, made safe — values cleaned of anything that could
 * end a header (CR, LF, other controls), non-ASCII text as RFC 2047 encoded words, addresses
 * with a display name, dates in RFC 5322 form. Pure functions, so they are unit-tested. */
#ifndef BOXOFFICE_MAIL_FORMAT_H
#define BOXOFFICE_MAIL_FORMAT_H
#include <stdbool.h>

struct arena;

/* `text` with every control character (CR and LF included) turned into a space and runs of
 * spaces folded, so it can never start another header; invalid UTF-8 bytes become '?'. */
const char *mail_clean(struct arena *a, const char *text);
/* A header value of free text ("Subject: <this>"): cleaned, and when not plain ASCII as
 * RFC 2047 encoded words (=?UTF-8?B?...?=), each at most 75 characters and never splitting a
 * UTF-8 character, separated by CRLF SPACE folds. */
const char *mail_header_text(struct arena *a, const char *text);
/* "Display Name <addr@example.org>" — the name quoted (or encoded when not ASCII); the bare
 * address when the name is empty. The address must have passed contact_email_valid. */
const char *mail_address(struct arena *a, const char *name, const char *addr);
/* Split "Name <addr@host>" (or a bare address) into its parts; false when there is no
 * plausible address in it. */
bool mail_split_address(struct arena *a, const char *from, const char **name, const char **addr);
/* RFC 5322 date, in UTC: "Wed, 02 Dec 2026 14:40:00 +0000". */
const char *mail_date(struct arena *a, long long epoch);

#endif
