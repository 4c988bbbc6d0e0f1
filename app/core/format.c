/* format: human-readable money. Amounts are integer minor units everywhere else. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/arena.h"
#include "core/format.h"

const char *format_money(struct arena *a, long long cents, const char *currency)
{
	static const struct { const char *code, *symbol; } SYMBOLS[] = {
		{ "EUR", "€" }, { "GBP", "£" }, { "USD", "$" },
	};
	const char *sign = cents < 0 ? "-" : "";
	unsigned long long abs_cents = cents < 0 ? (unsigned long long)(-(cents + 1)) + 1 : (unsigned long long)cents;
	for (size_t i = 0; i < sizeof SYMBOLS / sizeof SYMBOLS[0]; i++)
		if (currency && strcmp(currency, SYMBOLS[i].code) == 0)
			return arena_printf(a, "%s%s%llu.%02llu", sign, SYMBOLS[i].symbol,
					    abs_cents / 100, abs_cents % 100);
	return arena_printf(a, "%s%llu.%02llu %s", sign, abs_cents / 100, abs_cents % 100,
			    currency ? currency : "");
}

void format_event_time(struct arena *a, const char *local, int offset_minutes,
		       const char *tz_name, struct event_time *out)
{
	static const char *const DAYS[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const MONTHS[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (local == NULL || sscanf(local, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
				    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
		out->iso = out->date = out->time = out->zone = "";
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	timegm(&tm);              /* normalises (month 13 is next January) and fills tm_wday */
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_wday < 0 || tm.tm_wday > 6) {
		out->iso = out->date = out->time = out->zone = "";   /* beyond what timegm can */
		return;
	}
	int year = tm.tm_year + 1900, month = tm.tm_mon + 1;
	char sign = offset_minutes < 0 ? '-' : '+';
	int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
	out->iso = arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, month,
				tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60, off % 60);
	out->date = arena_printf(a, "%s %d %s %04d", DAYS[tm.tm_wday], tm.tm_mday,
				 MONTHS[tm.tm_mon], year);
	out->time = arena_printf(a, "%02d:%02d", tm.tm_hour, tm.tm_min);
	out->zone = arena_printf(a, "%s (UTC%c%02d:%02d)", tz_name ? tz_name : "UTC", sign,
				 off / 60, off % 60);
}
