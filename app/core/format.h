/* format: how money and times are written for people (HTML) — one helper each. */
#ifndef BOXOFFICE_FORMAT_H
#define BOXOFFICE_FORMAT_H

struct arena;

/* 4500, "EUR" -> "€45.00"; unknown currencies as "45.00 XYZ". */
const char *format_money(struct arena *a, long long cents, const char *currency);

/* An event's start for people and machines, from the venue-local wall time
 * ("YYYY-MM-DD HH:MM:SS"), its offset from UTC in minutes, and the IANA zone name. */
struct event_time {
	const char *iso;       /* "2026-12-01T20:00:00+01:00" (ISO 8601 with offset) */
	const char *date;      /* "Tue 1 Dec 2026" */
	const char *time;      /* "20:00" */
	const char *zone;      /* "Europe/Berlin (UTC+01:00)" */
};
void format_event_time(struct arena *a, const char *local, int offset_minutes,
		       const char *tz_name, struct event_time *out);

#endif
