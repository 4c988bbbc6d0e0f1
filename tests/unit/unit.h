/* unit: what the Check unit tests share — one suite constructor per file under test,
 * gathered by unit_main.c into a single SRunner, and the few helpers every suite needs. */
#ifndef BOXOFFICE_UNIT_H
#define BOXOFFICE_UNIT_H
#include <stddef.h>
#include <stdint.h>
#include <check.h>

/* Rows in a table of test cases (arrays only, never pointers). */
#define UNIT_ROWS(table) ((int)(sizeof(table) / sizeof((table)[0])))

/* core/ */
Suite *arena_suite(void);
Suite *ids_suite(void);
Suite *format_suite(void);
/* cache/ */
Suite *cache_suite(void);
/* payments/ */
Suite *gateway_suite(void);
Suite *stripe_signature_suite(void);
/* http/ */
Suite *admission_suite(void);
Suite *parse_suite(void);
Suite *router_suite(void);
Suite *render_suite(void);
Suite *csrf_suite(void);
Suite *status_suite(void);
Suite *fuzz_suite(void);
/* shop/ */
Suite *search_suite(void);
Suite *checkout_suite(void);

/* The fuzz loops' random numbers: xorshift64* from a fixed seed (set unit_rng_state first),
 * so any failure reproduces exactly. */
extern uint64_t unit_rng_state;
static inline uint64_t unit_rng_next(void)
{
	unit_rng_state ^= unit_rng_state >> 12;
	unit_rng_state ^= unit_rng_state << 25;
	unit_rng_state ^= unit_rng_state >> 27;
	return unit_rng_state * 2685821657736338717ULL;
}

#endif
