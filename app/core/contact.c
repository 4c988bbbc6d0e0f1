/* contact: the checks on what buyers type as their address and number. Mail headers and SMTP
 * commands are lines, so a value that could end one is refused here, before anything stores it. */
#include <string.h>
#include "core/arena.h"
#include "core/contact.h"
#include "core/utf8.h"

bool contact_email_valid(const char *s)
{
	if (s == NULL)
		return false;
	size_t len = strlen(s);
	const char *at = strchr(s, '@');
	if (len < 3 || len > CONTACT_EMAIL_MAX || at == NULL || at == s || strchr(at + 1, '@'))
		return false;
	const char *domain = at + 1;
	if (!strchr(domain, '.') || domain[0] == '.' || s[len - 1] == '.' || strstr(domain, ".."))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("<>\"(),;:[]\\", *p))
			return false;
	return true;
}

const char *contact_phone_e164(struct arena *a, const char *typed)
{
	if (typed == NULL)
		return NULL;
	char digits[CONTACT_PHONE_MAX + 1];
	size_t n = 0;
	int parens = 0;
	const char *p = typed;
	while (*p == ' ')
		p++;
	if (*p++ != '+')
		return NULL;
	digits[n++] = '+';
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == CONTACT_PHONE_MAX)
				return NULL;
			digits[n++] = *p;
		} else if (*p == '(' && parens == 0) {
			parens = 1;
		} else if (*p == ')' && parens == 1) {
			parens = 2;
		} else if (*p != ' ' && *p != '-' && *p != '.') {
			return NULL;
		}
	}
	digits[n] = '\0';
	if (parens == 1 || n < 9 || digits[1] == '0')
		return NULL;
	return arena_strdup(a, digits);
}

enum contact_name_check contact_name_check(const char *s)
{
	if (s == NULL || *s == '\0')
		return CONTACT_NAME_EMPTY;
	size_t len = strlen(s), chars = 0;
	bool control = false;
	for (size_t i = 0; i < len; chars++) {
		const unsigned char *c = (const unsigned char *)s + i;
		size_t n = utf8_char_length(s + i, len - i);
		if (n == 0 || c[0] < 0x20 || c[0] == 0x7f || (c[0] == 0xc2 && c[1] < 0xa0))
			control = true;         /* C1 is U+0080..U+009F: C2 80..C2 9F */
		i += n ? n : 1;
	}
	/* Too long first: whoever lets controls through (the API) still needs the length. */
	if (chars > CONTACT_NAME_MAX)
		return CONTACT_NAME_TOO_LONG;
	return control ? CONTACT_NAME_CONTROL : CONTACT_NAME_OK;
}
