/* payments: the provider registry, and which of them the site takes (Payments.Providers). */
#include <string.h>
#include "core/config.h"
#include "payments/payments.h"

static const struct payment_provider *const PROVIDERS[] = {
	&payments_stripe_provider,
	&payments_paypal_provider,
	&payments_offline_provider,
};

const struct payment_provider *payments_provider(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof PROVIDERS / sizeof PROVIDERS[0]; i++)
		if (strcmp(PROVIDERS[i]->name, name) == 0)
			return PROVIDERS[i];
	return NULL;
}

bool payments_enabled(const struct config *cfg, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = cfg->payment_providers; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, ", ");
		if (len == n && strncmp(p, name, n) == 0)
			return payments_provider(name) != NULL;
		p += len;
	}
	return false;
}
