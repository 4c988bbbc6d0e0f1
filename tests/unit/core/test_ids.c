/* test_ids: id lists as the booking code locks them — sorted ascending, repeats dropped in
 * place, and membership by binary search over the sorted list. */
#include <stdbool.h>
#include <limits.h>
#include "unit.h"
#include "core/ids.h"

static const struct {
	long long in[8];
	int n;
	long long out[8];
	int nout;
} sort_rows[] = {
	{ { 0 }, 0, { 0 }, 0 },
	{ { 7 }, 1, { 7 }, 1 },
	{ { 3, 1, 2 }, 3, { 1, 2, 3 }, 3 },
	{ { 5, 5, 5, 5 }, 4, { 5 }, 1 },
	{ { 9, 1, 9, 1, 4 }, 5, { 1, 4, 9 }, 3 },
	/* Far apart values: a comparator that subtracts would overflow here. */
	{ { LLONG_MAX, LLONG_MIN, 0, LLONG_MAX }, 4, { LLONG_MIN, 0, LLONG_MAX }, 3 },
};

START_TEST(test_sort_distinct)
{
	long long ids[8];
	for (int k = 0; k < 8; k++)
		ids[k] = sort_rows[_i].in[k];
	int n = ids_sort_distinct(ids, sort_rows[_i].n);
	ck_assert_int_eq(n, sort_rows[_i].nout);
	for (int k = 0; k < n; k++)
		ck_assert_msg(ids[k] == sort_rows[_i].out[k], "row %d: ids[%d] = %lld, want %lld", _i, k,
			      ids[k], sort_rows[_i].out[k]);
}
END_TEST

START_TEST(test_contain)
{
	const long long ids[] = { -4, 2, 3, 10, 99 };
	for (int k = 0; k < UNIT_ROWS(ids); k++)
		ck_assert_msg(ids_contain(ids, UNIT_ROWS(ids), ids[k]), "%lld not found", ids[k]);
	const long long absent[] = { -5, 0, 1, 4, 98, 100, LLONG_MIN, LLONG_MAX };
	for (int k = 0; k < UNIT_ROWS(absent); k++)
		ck_assert_msg(!ids_contain(ids, UNIT_ROWS(ids), absent[k]), "%lld found", absent[k]);
	ck_assert(!ids_contain(ids, 0, 2));
	ck_assert(!ids_contain(NULL, 0, 2));
}
END_TEST

START_TEST(test_compare)
{
	long long a = 1, b = 2, c = LLONG_MIN, d = LLONG_MAX;
	ck_assert_int_lt(ids_compare(&a, &b), 0);
	ck_assert_int_gt(ids_compare(&b, &a), 0);
	ck_assert_int_eq(ids_compare(&a, &a), 0);
	ck_assert_int_lt(ids_compare(&c, &d), 0);
	ck_assert_int_gt(ids_compare(&d, &c), 0);
}
END_TEST

Suite *ids_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *tc = tcase_create("ids");
	tcase_add_loop_test(tc, test_sort_distinct, 0, UNIT_ROWS(sort_rows));
	tcase_add_test(tc, test_contain);
	tcase_add_test(tc, test_compare);
	suite_add_tcase(s, tc);
	return s;
}
