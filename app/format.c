/* format: human-readable money. Amounts are integer minor units everywhere else. */
#include <string.h>
#include "arena.h"
#include "format.h"

const char *format_money(struct arena *a, long long cents, const char *currency)
{
	static const struct { const char *code, *symbol; } SYMBOLS[] = {
		{ "EUR", "€" }, { "GBP", "£" }, { "USD", "$" },
	};
	const char *sign = cents < 0 ? "-" : "";
	unsigned long long abs_cents = cents < 0 ? (unsigned long long)(-(cents + 1)) + 1 : (unsigned long long)cents;
	for (size_t i = 0; i < sizeof SYMBOLS / sizeof SYMBOLS[0]; i++)
		if (currency && strcmp(currency, SYMBOLS[i].code) == 0)
			return arena_printf(a, "%s%s%llu.%02llu", sign, SYMBOLS[i].symbol,
					    abs_cents / 100, abs_cents % 100);
	return arena_printf(a, "%s%llu.%02llu %s", sign, abs_cents / 100, abs_cents % 100,
			    currency ? currency : "");
}
