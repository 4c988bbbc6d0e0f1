/* unit: what the Check unit tests share — one suite constructor per file under test,
 * gathered by unit_main.c into a single SRunner, and the few helpers every suite needs. */
#ifndef BOXOFFICE_UNIT_H
#define BOXOFFICE_UNIT_H
#include <stddef.h>
#include <stdint.h>
#include <check.h>
#include <ClearSilver.h>

/* Rows in a table of test cases (arrays only, never pointers). */
#define UNIT_ROWS(table) ((int)(sizeof(table) / sizeof((table)[0])))

/* core/ */
Suite *arena_suite(void);
Suite *ids_suite(void);
Suite *format_suite(void);
Suite *contact_suite(void);
Suite *password_suite(void);
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
/* net/ */
Suite *mail_format_suite(void);
/* tickets/ */
Suite *ticket_code_suite(void);
Suite *qr_suite(void);
Suite *ticket_pdf_suite(void);

/* unit_tools.c, for suites that hand our output to outside programs (zbarimg, poppler). */
struct arena;
/* A fresh folder, removed with its files when the arena is destroyed. */
const char *unit_temp_dir(struct arena *a);
/* dir/name holding the bytes; its path. */
const char *unit_write_file(struct arena *a, const char *dir, const char *name, const void *data,
			    size_t len);
/* The standard output of `sh -c` the formatted command, and its exit status in *status; a
 * program that is not installed fails the check (127). */
char *unit_command(struct arena *a, int *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* What a NEOERR chain says (its messages, no traceback), which it frees. */
char *unit_error_text(struct arena *a, NEOERR *err);

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
