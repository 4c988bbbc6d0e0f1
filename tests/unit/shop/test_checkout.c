/* test_checkout: what a refused selection keeps ticked — every requested seat but the ones
 * someone else took, in the order the shopper chose them. */
#include "unit.h"
#include "db/db_bookings.h"
#include "shop/checkout.h"

static const struct {
	long long ids[6];
	int n;
	long long gone[4];
	int ngone;
	long long keep[6];
	int nkeep;
} rows[] = {
	{ { 1, 2, 3 }, 3, { 0 }, 0, { 1, 2, 3 }, 3 },
	{ { 1, 2, 3 }, 3, { 2 }, 1, { 1, 3 }, 2 },
	{ { 5, 4, 3, 2 }, 4, { 5, 2 }, 2, { 4, 3 }, 2 },
	{ { 7, 8 }, 2, { 7, 8 }, 2, { 0 }, 0 },
	{ { 7, 8 }, 2, { 9, 10 }, 2, { 7, 8 }, 2 },
	{ { 0 }, 0, { 1 }, 1, { 0 }, 0 },
};

START_TEST(test_without_taken)
{
	long long ids[6];
	struct held_ticket gone[4] = { { 0 } };
	for (int k = 0; k < 6; k++)
		ids[k] = rows[_i].ids[k];
	for (int k = 0; k < rows[_i].ngone; k++)
		gone[k].ticket_id = rows[_i].gone[k];
	int n = checkout_without_taken(ids, rows[_i].n, gone, rows[_i].ngone);
	ck_assert_int_eq(n, rows[_i].nkeep);
	for (int k = 0; k < n; k++)
		ck_assert_msg(ids[k] == rows[_i].keep[k], "row %d: ids[%d] = %lld, want %lld", _i, k,
			      ids[k], rows[_i].keep[k]);
}
END_TEST

Suite *checkout_suite(void)
{
	Suite *s = suite_create("checkout");
	TCase *tc = tcase_create("checkout");
	tcase_add_loop_test(tc, test_without_taken, 0, UNIT_ROWS(rows));
	suite_add_tcase(s, tc);
	return s;
}
