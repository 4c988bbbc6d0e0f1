/* payments: the provider registry. */
#include <string.h>
#include "payments/payments.h"

static const struct payment_provider *const PROVIDERS[] = {
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
