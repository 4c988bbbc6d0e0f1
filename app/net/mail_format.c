/* mail_format: header values are the one place a buyer's name or an event's title meets the
 * line structure of SMTP, so everything that reaches a header goes through mail_clean first. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "net/mail_format.h"

/* RFC 2047: an encoded word is at most 75 characters; "=?UTF-8?B?" and "?=" take 12, which
 * leaves 63 for base64, i.e. 45 bytes of text (60 characters), cut on character boundaries. */
#define MAIL_WORD_BYTES 45

const char *mail_clean(struct arena *a, const char *text)
{
	struct buf b = { 0 };
	size_t len = text ? strlen(text) : 0;
	bool space = true;                    /* drops leading spaces, folds runs */
	for (size_t i = 0; i < len;) {
		size_t n = utf8_char_length(text + i, len - i);
		unsigned char c = (unsigned char)text[i];
		if (n == 0) {
			buf_append(&b, "?", 1);
			space = false;
			i++;
			continue;
		}
		if (n == 1 && (c < 0x20 || c == 0x7f || c == ' ')) {
			if (!space)
				buf_append(&b, " ", 1);
			space = true;
			i++;
			continue;
		}
		/* C1 controls (U+0080..U+009F) and the Unicode line and paragraph separators end
		 * lines for some readers too. */
		bool c1 = n == 2 && c == 0xC2 && (unsigned char)text[i + 1] < 0xA0;
		bool separator = n == 3 && c == 0xE2 && (unsigned char)text[i + 1] == 0x80 &&
				 ((unsigned char)text[i + 2] == 0xA8 || (unsigned char)text[i + 2] == 0xA9);
		if (c1 || separator) {
			if (!space)
				buf_append(&b, " ", 1);
			space = true;
		} else {
			buf_append(&b, text + i, n);
			space = false;
		}
		i += n;
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	const char *out = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

static bool mail_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* The encoded words of `text` (already clean), folded. */
static const char *mail_encode_words(struct arena *a, const char *text)
{
	struct buf b = { 0 };
	size_t len = strlen(text);
	for (size_t i = 0; i < len;) {
		size_t take = 0;
		while (i + take < len) {
			size_t n = utf8_char_length(text + i + take, len - i - take);
			if (n == 0)
				n = 1;                /* mail_clean has replaced these already */
			if (take + n > MAIL_WORD_BYTES)
				break;
			take += n;
		}
		char b64[sodium_base64_ENCODED_LEN(MAIL_WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)text + i, take,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(&b, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
		i += take;
	}
	const char *out = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

const char *mail_header_text(struct arena *a, const char *text)
{
	const char *clean = mail_clean(a, text);
	return mail_ascii(clean) ? clean : mail_encode_words(a, clean);
}

const char *mail_address(struct arena *a, const char *name, const char *addr)
{
	const char *clean = mail_clean(a, name);
	if (*clean == '\0')
		return arena_strdup(a, addr);
	if (!mail_ascii(clean))
		return arena_printf(a, "%s <%s>", mail_encode_words(a, clean), addr);
	/* A quoted string: backslash and double quote are the only characters to escape. */
	struct buf b = { 0 };
	buf_append(&b, "\"", 1);
	for (const char *p = clean; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_append(&b, "\\", 1);
		buf_append(&b, p, 1);
	}
	buf_printf(&b, "\" <%s>", addr);
	const char *out = arena_strdup(a, b.data);
	buf_free(&b);
	return out;
}

bool mail_split_address(struct arena *a, const char *from, const char **name, const char **addr)
{
	*name = "";
	*addr = NULL;
	if (from == NULL)
		return false;
	const char *lt = strrchr(from, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt && gt > lt + 1) {
		char *n = arena_printf(a, "%.*s", (int)(lt - from), from);
		size_t len = strlen(n);
		while (len && n[len - 1] == ' ')
			n[--len] = '\0';
		if (len >= 2 && n[0] == '"' && n[len - 1] == '"') {
			n[len - 1] = '\0';
			n++;
		}
		*name = n;
		*addr = arena_printf(a, "%.*s", (int)(gt - lt - 1), lt + 1);
	} else {
		*addr = arena_strdup(a, from);
	}
	const char *at = strchr(*addr, '@');
	return at && at != *addr && at[1] != '\0' && !strpbrk(*addr, " <>\r\n\t");
}

const char *mail_date(struct arena *a, long long epoch)
{
	static const char *const DAYS[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const MONTHS[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	return arena_printf(a, "%s, %02d %s %04d %02d:%02d:%02d +0000", DAYS[tm.tm_wday], tm.tm_mday,
			    MONTHS[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
