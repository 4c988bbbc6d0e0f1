/* test_format: money and event times as people read them — currency symbols, minor units,
 * negative amounts, and a venue-local start with its weekday, offset and zone. */
#include <limits.h>
#include "unit.h"
#include "core/arena.h"
#include "core/format.h"

static const struct {
	long long cents;
	const char *currency;
	const char *want;
} money_rows[] = {
	{ 4500, "EUR", "€45.00" },
	{ 5, "GBP", "£0.05" },
	{ 123456, "USD", "$1234.56" },
	{ 0, "EUR", "€0.00" },
	{ -250, "EUR", "-€2.50" },
	{ 1999, "CHF", "19.99 CHF" },
	{ 100, NULL, "1.00 " },
	/* The most negative amount cannot be negated as a long long. */
	{ LLONG_MIN, "EUR", "-€92233720368547758.08" },
};

START_TEST(test_money)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(format_money(a, money_rows[_i].cents, money_rows[_i].currency), money_rows[_i].want);
	arena_destroy(a);
}
END_TEST

static const struct {
	const char *local;
	int offset;
	const char *tz;
	const char *iso, *date, *time, *zone;
} time_rows[] = {
	{ "2026-12-01 20:00:00", 60, "Europe/Berlin",
	  "2026-12-01T20:00:00+01:00", "Tue 1 Dec 2026", "20:00", "Europe/Berlin (UTC+01:00)" },
	{ "2027-07-04 19:30:15", -240, "America/New_York",
	  "2027-07-04T19:30:15-04:00", "Sun 4 Jul 2027", "19:30", "America/New_York (UTC-04:00)" },
	{ "2028-02-29 09:05:00", 330, "Asia/Kolkata",
	  "2028-02-29T09:05:00+05:30", "Tue 29 Feb 2028", "09:05", "Asia/Kolkata (UTC+05:30)" },
	{ "2026-01-01 00:00:00", 0, NULL,
	  "2026-01-01T00:00:00+00:00", "Thu 1 Jan 2026", "00:00", "UTC (UTC+00:00)" },
};

START_TEST(test_event_time)
{
	struct arena *a = arena_new();
	struct event_time t;
	format_event_time(a, time_rows[_i].local, time_rows[_i].offset, time_rows[_i].tz, &t);
	ck_assert_str_eq(t.iso, time_rows[_i].iso);
	ck_assert_str_eq(t.date, time_rows[_i].date);
	ck_assert_str_eq(t.time, time_rows[_i].time);
	ck_assert_str_eq(t.zone, time_rows[_i].zone);
	arena_destroy(a);
}
END_TEST

/* Not a wall time: every field empty, never a read outside the month and day names. */
START_TEST(test_event_time_garbage)
{
	static const char *const bad[] = { NULL, "", "tomorrow", "2026-12-01", "2026-12-01 20:00" };
	struct arena *a = arena_new();
	for (int i = 0; i < UNIT_ROWS(bad); i++) {
		struct event_time t;
		format_event_time(a, bad[i], 0, "UTC", &t);
		ck_assert_str_eq(t.iso, "");
		ck_assert_str_eq(t.date, "");
	}
	/* Out-of-range parts are normalised, as timegm does, not used as table indexes. */
	static const char *const odd[] = { "2026-00-10 10:00:00", "2026-13-40 25:61:61",
					   "2026--3-01 10:00:00", "0-0-0 0:0:0" };
	for (int i = 0; i < UNIT_ROWS(odd); i++) {
		struct event_time t;
		format_event_time(a, odd[i], 0, "UTC", &t);
		ck_assert_msg(t.date[0] != '\0', "%s gave no date", odd[i]);
	}
	struct event_time t;
	format_event_time(a, "2026-13-01 10:00:00", 0, "UTC", &t);
	ck_assert_str_eq(t.iso, "2027-01-01T10:00:00+00:00");
	ck_assert_str_eq(t.date, "Fri 1 Jan 2027");
	arena_destroy(a);
}
END_TEST

Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("format");
	tcase_add_loop_test(tc, test_money, 0, UNIT_ROWS(money_rows));
	tcase_add_loop_test(tc, test_event_time, 0, UNIT_ROWS(time_rows));
	tcase_add_test(tc, test_event_time_garbage);
	suite_add_tcase(s, tc);
	return s;
}
