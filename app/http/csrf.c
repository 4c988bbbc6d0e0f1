/* csrf: the cookie carries a random id, forms carry HMAC(secret, id) (libsodium crypto_auth).
 * Checked once, in the dispatcher, for every route flagged ROUTE_CSRF. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/arena.h"
#include "http/csrf.h"

#define CSRF_COOKIE_BYTES 32

/* sodium_init is idempotent and cheap after the first call; doing it here keeps the module
 * self-contained for unit tests and subcommands alike. */
static void csrf_sodium_ready(void)
{
	if (sodium_init() < 0)
		abort();
}

char *csrf_new_cookie(struct arena *a)
{
	unsigned char raw[CSRF_COOKIE_BYTES];
	csrf_sodium_ready();
	randombytes_buf(raw, sizeof raw);
	char *hex = arena_alloc(a, CSRF_COOKIE_BYTES * 2 + 1);
	sodium_bin2hex(hex, CSRF_COOKIE_BYTES * 2 + 1, raw, sizeof raw);
	return hex;
}

bool csrf_cookie_well_formed(const char *cookie)
{
	if (cookie == NULL || strlen(cookie) != CSRF_COOKIE_BYTES * 2)
		return false;
	for (const char *p = cookie; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static void csrf_mac(const char *secret, const char *cookie, unsigned char mac[crypto_auth_BYTES])
{
	unsigned char key[crypto_auth_KEYBYTES];
	csrf_sodium_ready();
	/* Derive a fixed-size key from the configured secret of any length. */
	crypto_generichash(key, sizeof key, (const unsigned char *)secret, strlen(secret),
			   (const unsigned char *)"boxoffice-csrf", 14);
	crypto_auth(mac, (const unsigned char *)cookie, strlen(cookie), key);
	sodium_memzero(key, sizeof key);
}

char *csrf_token_for(struct arena *a, const char *secret, const char *cookie)
{
	unsigned char mac[crypto_auth_BYTES];
	csrf_mac(secret, cookie, mac);
	char *hex = arena_alloc(a, crypto_auth_BYTES * 2 + 1);
	sodium_bin2hex(hex, crypto_auth_BYTES * 2 + 1, mac, sizeof mac);
	return hex;
}

bool csrf_verify(const char *secret, const char *cookie, const char *token)
{
	if (secret == NULL || !csrf_cookie_well_formed(cookie) || token == NULL)
		return false;
	if (strlen(token) != crypto_auth_BYTES * 2)
		return false;
	unsigned char given[crypto_auth_BYTES], expected[crypto_auth_BYTES];
	size_t bin_len = 0;
	if (sodium_hex2bin(given, sizeof given, token, strlen(token), NULL, &bin_len, NULL) != 0 ||
	    bin_len != sizeof given)
		return false;
	csrf_mac(secret, cookie, expected);
	return sodium_memcmp(given, expected, sizeof given) == 0;
}
