/* utf8: strict UTF-8 — no NUL, no overlong forms, no surrogates, nothing above U+10FFFF —
 * for the request parsers and for what goes into mail headers and PDFs. */
#ifndef BOXOFFICE_UTF8_H
#define BOXOFFICE_UTF8_H
#include <stdbool.h>
#include <stddef.h>

/* The length (1 to 4) of the valid character at s, of at most `left` bytes; 0 when the bytes
 * there are not one (NUL included). */
size_t utf8_char_length(const char *s, size_t left);
/* True if [s, s+len) is valid UTF-8 with no NUL and no overlong/surrogate forms. */
bool utf8_valid(const char *s, size_t len);
/* The length of the longest start of `s` (NUL-terminated, valid UTF-8) that is at most `max`
 * bytes and ends between two characters: where to cut a value for a column of that many
 * bytes without leaving half a character, which MariaDB refuses. */
size_t utf8_prefix(const char *s, size_t max);

#endif
