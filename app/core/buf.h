/* buf: a growable byte buffer for response bodies and headers.
 * Output is buffered and sent last so a late error can still change the status. */
#ifndef BOXOFFICE_BUF_H
#define BOXOFFICE_BUF_H
#include <stddef.h>

struct buf {
	char *data;    /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
};

void buf_append(struct buf *b, const char *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

#endif
