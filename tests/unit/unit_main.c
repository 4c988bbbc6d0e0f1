/* unit_main: runs every Check suite of tests/unit (a folder per room of app/) through one SRunner.
 * Exit status is non-zero if any check fails, so `make check` and `./dev test` notice. */
#include <stdlib.h>
#include "unit.h"

uint64_t unit_rng_state = 1;

int main(void)
{
	SRunner *sr = srunner_create(arena_suite());
	srunner_add_suite(sr, ids_suite());
	srunner_add_suite(sr, format_suite());
	srunner_add_suite(sr, contact_suite());
	srunner_add_suite(sr, password_suite());
	srunner_add_suite(sr, mail_format_suite());
	srunner_add_suite(sr, cache_suite());
	srunner_add_suite(sr, gateway_suite());
	srunner_add_suite(sr, stripe_signature_suite());
	srunner_add_suite(sr, admission_suite());
	srunner_add_suite(sr, parse_suite());
	srunner_add_suite(sr, router_suite());
	srunner_add_suite(sr, render_suite());
	srunner_add_suite(sr, csrf_suite());
	srunner_add_suite(sr, status_suite());
	srunner_add_suite(sr, fuzz_suite());
	srunner_add_suite(sr, search_suite());
	srunner_add_suite(sr, checkout_suite());
	srunner_add_suite(sr, ticket_code_suite());
	srunner_add_suite(sr, qr_suite());
	srunner_add_suite(sr, ticket_pdf_suite());

	/* CK_NORMAL prints failures and the closing "100%: Checks: N, ..." line. Each check runs
	 * in its own forked child (Check's default), so under ASan a leak in one check makes the
	 * child exit non-zero and that check is reported as an error. */
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
