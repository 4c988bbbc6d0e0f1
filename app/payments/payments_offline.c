/* payments_offline: the offline provider, registered as "test" — production code for a site
 * with no gateway configured, for the demo and for the tests. It behaves like Stripe's
 * documented test payment methods — pm_card_visa succeeds, pm_card_chargeDeclined declines —
 * without any network, so the whole booking flow runs before real gateways are configured.
 * Charges are idempotent per key, as Stripe's are. */
#include <string.h>
#include <sodium.h>
#include "core/arena.h"
#include "payments/payments.h"

static const struct {
	const char *method;
	enum payment_outcome outcome;
	const char *message;
} TEST_METHODS[] = {
	{ "pm_card_visa", PAYMENT_SUCCEEDED, NULL },
	{ "pm_card_mastercard", PAYMENT_SUCCEEDED, NULL },
	{ "pm_card_amex", PAYMENT_SUCCEEDED, NULL },
	{ "pm_card_chargeDeclined", PAYMENT_DECLINED, "Your card was declined." },
	{ "pm_card_chargeDeclinedInsufficientFunds", PAYMENT_DECLINED,
	  "Your card has insufficient funds." },
	{ "pm_card_chargeDeclinedExpiredCard", PAYMENT_DECLINED, "Your card has expired." },
};

static NEOERR *offline_charge(const struct config *cfg, struct arena *a,
			      const struct payment_charge *charge, struct payment_result *out)
{
	(void)cfg;
	memset(out, 0, sizeof *out);
	out->outcome = PAYMENT_UNKNOWN_METHOD;
	out->message = "Unknown test payment method: use pm_card_visa or pm_card_chargeDeclined.";
	for (size_t i = 0; i < sizeof TEST_METHODS / sizeof TEST_METHODS[0]; i++) {
		if (charge->payment_method && strcmp(charge->payment_method, TEST_METHODS[i].method) == 0) {
			out->outcome = TEST_METHODS[i].outcome;
			out->message = TEST_METHODS[i].message;
			break;
		}
	}
	/* The same idempotency key always names the same charge. */
	unsigned char h[12];
	const char *key = charge->idempotency_key ? charge->idempotency_key : "";
	crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), NULL, 0);
	char hex[sizeof h * 2 + 1];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	out->provider_ref = arena_printf(a, "test_ch_%s", hex);
	return STATUS_OK;
}

/* The same attempt always names the same charge with the same outcome: what the gateway's
 * record would say is what charging again would say. */
static NEOERR *offline_charge_lookup(const struct config *cfg, struct arena *a,
				     const struct payment_charge *charge, struct payment_result *out,
				     bool *found)
{
	*found = true;
	return nerr_pass(offline_charge(cfg, a, charge, out));
}

static NEOERR *offline_refund(const struct config *cfg, struct arena *a, const char *provider_ref,
			      long long amount_cents, const char *currency,
			      const char *idempotency_key, struct payment_refund *out)
{
	(void)cfg;
	(void)provider_ref;
	(void)amount_cents;
	(void)currency;
	out->provider_ref = arena_printf(a, "test_re_%s", idempotency_key ? idempotency_key : "");
	return STATUS_OK;
}

const struct payment_provider payments_offline_provider = {
	.name = "test",
	.label = "Test card",
	.charge = offline_charge,
	.charge_lookup = offline_charge_lookup,
	.refund = offline_refund,
};
