/* contact: the buyer's email address and phone number as Boxoffice accepts them — checked
 * strictly enough that they can go into mail headers, SMTP envelopes and SMS requests as they
 * are (no spaces, no CR/LF, no angle brackets), and phone numbers in E.164. */
#ifndef BOXOFFICE_CONTACT_H
#define BOXOFFICE_CONTACT_H
#include <stdbool.h>

struct arena;

#define CONTACT_EMAIL_MAX 254
#define CONTACT_PHONE_MAX 16             /* '+' and at most 15 digits */
#define CONTACT_NAME_MAX 200             /* characters, as the columns count them */

/* An address like name@example.org: one '@', a dotted domain, printable ASCII or UTF-8 with
 * nothing that could end a header or an SMTP command. */
bool contact_email_valid(const char *s);
/* A number as typed ("+353 87 123 4567", "+1 (415) 555-0100") in E.164 ("+353871234567"), or
 * NULL when it is not one: a '+', a country code that does not start with 0, 8 to 15
 * digits in all. Spaces, dots, dashes and one pair of parentheses are dropped. */
const char *contact_phone_e164(struct arena *a, const char *typed);

/* A person's name as typed for a booking or a ticket. Its limit is in characters (a name in
 * Greek or Cyrillic is two bytes a letter), and control characters (C0, DEL, C1: a line
 * break, a tab, an escape) have no place in a name that goes onto tickets, mails and the
 * door's screen. Valid UTF-8 is assumed (the request parsers check it); a byte that is not
 * part of a character counts as a control. A name too long is TOO_LONG whatever else it has. */
enum contact_name_check {
	CONTACT_NAME_OK,
	CONTACT_NAME_EMPTY,
	CONTACT_NAME_TOO_LONG,
	CONTACT_NAME_CONTROL,
};
enum contact_name_check contact_name_check(const char *s);

#endif
