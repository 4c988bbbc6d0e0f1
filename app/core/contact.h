/* contact: the buyer's email address and phone number as Boxoffice accepts them — checked
 * strictly enough that they can go into mail headers, SMTP envelopes and SMS requests as they
 * are (no spaces, no CR/LF, no angle brackets), and phone numbers in E.164. */
#ifndef BOXOFFICE_CONTACT_H
#define BOXOFFICE_CONTACT_H
#include <stdbool.h>

struct arena;

#define CONTACT_EMAIL_MAX 254
#define CONTACT_PHONE_MAX 16             /* '+' and at most 15 digits */

/* An address like name@example.org: one '@', a dotted domain, printable ASCII or UTF-8 with
 * nothing that could end a header or an SMTP command. */
bool contact_email_valid(const char *s);
/* A number as typed ("+353 87 123 4567", "+1 (415) 555-0100") in E.164 ("+353871234567"), or
 * NULL when it is not one: a '+', a country code that does not start with 0, 8 to 15
 * digits in all. Spaces, dots, dashes and one pair of parentheses are dropped. */
const char *contact_phone_e164(struct arena *a, const char *typed);

#endif
