/* config_accounts: the Accounts section — what a password costs to hash, how long sessions
 * and mailed links last, and when failed sign-ins must wait. */
#include <stddef.h>
#include "core/config.h"

/* The keys, their defaults and their bounds, in one table so the checks cannot drift from
 * the reads. */
static const struct {
	const char *name;
	int def, min, max;
	size_t offset;
} ACCOUNT_INTS[] = {
	{ "Accounts.SessionIdleMinutes", 120, 1, 60 * 24 * 30, offsetof(struct config, session_idle_minutes) },
	{ "Accounts.SessionMaxHours", 168, 1, 24 * 90, offsetof(struct config, session_max_hours) },
	{ "Accounts.VerifyLinkHours", 48, 1, 24 * 14, offsetof(struct config, verify_link_hours) },
	{ "Accounts.ResetLinkMinutes", 60, 5, 24 * 60, offsetof(struct config, reset_link_minutes) },
	{ "Accounts.SigninFailures", 5, 1, 1000, offsetof(struct config, signin_failures) },
	{ "Accounts.SigninAddressFailures", 50, 1, 100000, offsetof(struct config, signin_address_failures) },
	{ "Accounts.SigninWindowMinutes", 15, 1, 24 * 60, offsetof(struct config, signin_window_minutes) },
	{ "Accounts.SigninLockMaxSeconds", 900, 1, 24 * 3600, offsetof(struct config, signin_lock_max_seconds) },
};

NEOERR *config_load_accounts(struct config *cfg, const char *path)
{
	HDF *h = cfg->hdf;
	for (size_t i = 0; i < sizeof ACCOUNT_INTS / sizeof ACCOUNT_INTS[0]; i++) {
		int v = hdf_get_int_value(h, ACCOUNT_INTS[i].name, ACCOUNT_INTS[i].def);
		if (v < ACCOUNT_INTS[i].min || v > ACCOUNT_INTS[i].max)
			return nerr_raise(NERR_OUTOFRANGE, "%s: %s must be %d..%d", path, ACCOUNT_INTS[i].name,
					  ACCOUNT_INTS[i].min, ACCOUNT_INTS[i].max);
		*(int *)((char *)cfg + ACCOUNT_INTS[i].offset) = v;
	}
	int ops = hdf_get_int_value(h, "Accounts.PasswordOps", 2);
	int mem = hdf_get_int_value(h, "Accounts.PasswordMemKiB", 65536);
	/* Above 4 GiB or 20 passes a sign-in would take longer than anyone waits. */
	if (ops < 1 || ops > 20 || mem < 1 || mem > 4 * 1024 * 1024)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Accounts.PasswordOps must be 1..20 and "
				  "Accounts.PasswordMemKiB 1..4194304", path);
	cfg->password_ops = (unsigned long long)ops;
	cfg->password_mem_kib = (unsigned long long)mem;
	return STATUS_OK;
}
