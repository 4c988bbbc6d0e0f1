/* utf8: one decoder of a character's bytes, shared by every check, so "valid" means the same
 * to the request parsers as to the mail and PDF writers. */
#include "core/utf8.h"

size_t utf8_char_length(const char *str, size_t left)
{
	const unsigned char *s = (const unsigned char *)str;
	if (left == 0 || s[0] == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t need;
	unsigned long cp;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		cp = c & 0x07;
	} else {
		return 0;         /* continuation byte, overlong lead C0/C1, or > U+10FFFF */
	}
	if (left <= need)
		return 0;
	for (size_t k = 1; k <= need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;         /* overlong */
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;         /* UTF-16 surrogates are not characters */
	return need + 1;
}

bool utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t n = utf8_char_length(s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

size_t utf8_prefix(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n] != '\0')
		n++;
	if (s[n] == '\0')
		return n;          /* all of it fits */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;               /* s[n] continues a character: cut before its lead byte */
	return n;
}
