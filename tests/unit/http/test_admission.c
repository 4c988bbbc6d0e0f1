/* admission_queued_ms: nginx's $msec stamps, good and hostile. */
#include "unit.h"
#include "http/admission.h"

START_TEST(queued_ms_from_msec_stamps)
{
	struct timespec now = { .tv_sec = 1700000000, .tv_nsec = 500 * 1000000 };
	static const struct { const char *stamp; long want; } cases[] = {
		{ "1700000000.500", 0 },
		{ "1700000000.250", 250 },
		{ "1699999999.000", 1500 },
		{ "1700000000.5", 0 },          /* fewer digits: tenths */
		{ "1700000000.1234", 377 },     /* digits past the third ignored */
		{ "1700000000", 500 },
		{ "1700000001.000", 0 },        /* in the future: clocks step, never negative */
		{ "0.000", 86400000 },          /* absurdly old: capped at a day */
		{ NULL, -1 },
		{ "", -1 },
		{ "-5.000", -1 },
		{ "1700000000.", -1 },
		{ "1700000000.25x", -1 },
		{ "abc", -1 },
		{ " 1700000000.000", -1 },
		{ "99999999999999999999999.000", -1 },
	};
	for (int i = 0; i < UNIT_ROWS(cases); i++)
		ck_assert_msg(admission_queued_ms(cases[i].stamp, &now) == cases[i].want,
			      "stamp %s: got %ld, want %ld", cases[i].stamp ? cases[i].stamp : "(null)",
			      admission_queued_ms(cases[i].stamp, &now), cases[i].want);
}
END_TEST

/* Whatever nginx (or anyone who can reach the socket) sends: an answer in range, no crash. */
START_TEST(queued_ms_survives_random_stamps)
{
	static const char alphabet[] = "0123456789..-+ eE\xff";
	struct timespec now = { .tv_sec = 1700000000, .tv_nsec = 0 };
	unit_rng_state = 0x9e3779b97f4a7c15ULL;
	char stamp[40];
	for (int round = 0; round < 20000; round++) {
		int len = (int)(unit_rng_next() % (sizeof stamp - 1));
		for (int i = 0; i < len; i++)
			stamp[i] = alphabet[unit_rng_next() % (sizeof alphabet - 1)];
		stamp[len] = '\0';
		long ms = admission_queued_ms(stamp, &now);
		ck_assert_msg(ms >= -1 && ms <= 86400000, "stamp \"%s\": %ld", stamp, ms);
	}
}
END_TEST

Suite *admission_suite(void)
{
	Suite *s = suite_create("admission");
	TCase *tc = tcase_create("queued_ms");
	tcase_add_test(tc, queued_ms_from_msec_stamps);
	tcase_add_test(tc, queued_ms_survives_random_stamps);
	suite_add_tcase(s, tc);
	return s;
}
