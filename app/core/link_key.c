/* link_key: crypto_auth (HMAC-SHA512-256) under a key derived from the site's secret for
 * links only, over "purpose:id", cut to 16 bytes and base64url-encoded (22 characters). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/arena.h"
#include "core/link_key.h"

#define LINK_KEY_BYTES 16
#define LINK_KEY_TEXT sodium_base64_ENCODED_LEN(LINK_KEY_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)

static void link_key_raw(const char *secret, const char *purpose, long long id,
			 unsigned char out[LINK_KEY_BYTES])
{
	if (sodium_init() < 0)
		abort();
	unsigned char key[crypto_auth_KEYBYTES], mac[crypto_auth_BYTES];
	crypto_generichash(key, sizeof key, (const unsigned char *)secret, strlen(secret),
			   (const unsigned char *)"boxoffice-links", 15);
	char message[128];
	int n = snprintf(message, sizeof message, "%s:%lld", purpose, id);
	crypto_auth(mac, (const unsigned char *)message, (size_t)n, key);
	memcpy(out, mac, LINK_KEY_BYTES);
	sodium_memzero(key, sizeof key);
}

const char *link_key(struct arena *a, const char *secret, const char *purpose, long long id)
{
	unsigned char raw[LINK_KEY_BYTES];
	link_key_raw(secret, purpose, id, raw);
	char *text = arena_alloc(a, LINK_KEY_TEXT);
	sodium_bin2base64(text, LINK_KEY_TEXT, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return text;
}

bool link_key_check(const char *secret, const char *purpose, long long id, const char *key)
{
	if (key == NULL || strlen(key) != LINK_KEY_TEXT - 1)
		return false;
	unsigned char want[LINK_KEY_BYTES], got[LINK_KEY_BYTES];
	size_t len = 0;
	if (sodium_base642bin(got, sizeof got, key, strlen(key), NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || len != sizeof got)
		return false;
	link_key_raw(secret, purpose, id, want);
	return sodium_memcmp(want, got, sizeof want) == 0;
}

const char *link_key_token(struct arena *a, const char *secret, const char *purpose, long long id)
{
	return arena_printf(a, "%lld.%s", id, link_key(a, secret, purpose, id));
}

long long link_key_token_id(const char *secret, const char *purpose, const char *token)
{
	/* Digits only before the dot: strtoll alone would take spaces and signs too. */
	if (token == NULL || *token < '1' || *token > '9')
		return 0;
	char *end = NULL;
	long long id = strtoll(token, &end, 10);
	if (id <= 0 || *end != '.')
		return 0;
	return link_key_check(secret, purpose, id, end + 1) ? id : 0;
}
