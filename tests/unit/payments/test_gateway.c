/* test_gateway: what the providers share — minor units as PayPal's decimal amounts and back,
 * Stripe's form bodies, and dotted paths into a gateway's JSON answers. */
#include <string.h>
#include <json-c/json.h>
#include "unit.h"
#include "core/arena.h"
#include "core/buf.h"
#include "payments/gateway.h"

static const struct {
	long long cents;
	const char *text;
} amounts[] = {
	{ 0, "0.00" }, { 5, "0.05" }, { 4500, "45.00" }, { 123456, "1234.56" }, { 99, "0.99" },
};

START_TEST(test_decimal_round_trip)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(gateway_decimal(a, amounts[_i].cents), amounts[_i].text);
	ck_assert_int_eq(gateway_cents(amounts[_i].text), amounts[_i].cents);
	arena_destroy(a);
}
END_TEST

START_TEST(test_cents_refuses)
{
	static const char *const bad[] = { NULL, "", "-1.00", "+1.00", " 1.00", "1.0", "1.000", "1.", ".50",
					   "1,00", "1.0a", "abc", "1e3" };
	for (int i = 0; i < UNIT_ROWS(bad); i++)
		ck_assert_msg(gateway_cents(bad[i]) == -1, "\"%s\" read as an amount", bad[i] ? bad[i] : "(null)");
	ck_assert_int_eq(gateway_cents("45"), 4500);
}
END_TEST

START_TEST(test_form)
{
	struct arena *a = arena_new();
	struct buf b = { 0 };
	gateway_form(&b, a, "line_items[0][price_data][product_data][name]", "Stalls B-12 & more");
	gateway_form_int(&b, a, "amount", 4500);
	gateway_form(&b, a, "skipped", NULL);
	gateway_form(&b, a, "success_url", "https://x.test/r?token=a b&session_id={CHECKOUT_SESSION_ID}");
	ck_assert_str_eq(b.data,
		"line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=Stalls+B-12+%26+more"
		"&amount=4500"
		"&success_url=https%3A%2F%2Fx.test%2Fr%3Ftoken%3Da+b%26session_id%3D%7BCHECKOUT_SESSION_ID%7D");
	buf_free(&b);
	arena_destroy(a);
}
END_TEST

START_TEST(test_json_paths)
{
	struct json_object *o = json_tokener_parse(
		"{\"id\":\"cs_1\",\"amount_total\":4500,\"payment_intent\":{\"id\":\"pi_1\",\"status\":\"succeeded\"},"
		"\"metadata\":{\"attempt\":\"booking-1-payment-2\"},\"customer\":null,\"n\":\"7\"}");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(gateway_json_str(o, "id"), "cs_1");
	ck_assert_str_eq(gateway_json_str(o, "payment_intent.id"), "pi_1");
	ck_assert_str_eq(gateway_json_str(o, "metadata.attempt"), "booking-1-payment-2");
	ck_assert_ptr_null(gateway_json_str(o, "payment_intent"));      /* an object, not a string */
	ck_assert_ptr_null(gateway_json_str(o, "amount_total"));        /* a number */
	ck_assert_ptr_null(gateway_json_str(o, "missing.deeper"));
	ck_assert_ptr_null(gateway_json_str(o, "id.deeper"));
	ck_assert_int_eq(gateway_json_int(o, "amount_total", -1), 4500);
	ck_assert_int_eq(gateway_json_int(o, "n", -1), -1);             /* a string is no number */
	ck_assert(gateway_json_has(o, "payment_intent.status"));
	ck_assert(!gateway_json_has(o, "customer"));
	ck_assert_ptr_null(gateway_json_str(NULL, "id"));
	json_object_put(o);
}
END_TEST

Suite *gateway_suite(void)
{
	Suite *s = suite_create("gateway");
	TCase *tc = tcase_create("gateway");
	tcase_add_loop_test(tc, test_decimal_round_trip, 0, UNIT_ROWS(amounts));
	tcase_add_test(tc, test_cents_refuses);
	tcase_add_test(tc, test_form);
	tcase_add_test(tc, test_json_paths);
	suite_add_tcase(s, tc);
	return s;
}
