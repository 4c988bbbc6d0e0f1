/* ticket_code: see ticket_code.h for the format. Verification takes no arena and allocates
 * nothing, so a door scanner can check thousands of codes a minute without a request. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/arena.h"
#include "core/ticket_code.h"

#define TICKET_CODE_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define TICKET_CODE_DOMAIN "boxoffice-ticket"
#define TICKET_CODE_BODY 17                /* the bytes the MAC covers, after the domain */
#define TICKET_CODE_MAC 12
#define TICKET_CODE_INPUT_MAX 200          /* a code with a dash every character is 93 */
#define TICKET_KEY_CONTEXT "boxoffice ticket signing key v1"
#define TICKET_KEY_SEPARATORS ", \t\r\n"

/* Idempotent and cheap after the first call; here so that the module stands alone in unit
 * tests and every command. */
static void ticket_code_sodium_ready(void)
{
	if (sodium_init() < 0)
		abort();
}

void ticket_keyring_wipe(struct ticket_keyring *kr)
{
	sodium_memzero(kr, sizeof *kr);
	kr->current = -1;
}

static bool ticket_keyring_has(const struct ticket_keyring *kr, int id)
{
	return id >= 0 && id < TICKET_KEYS_MAX && (kr->present & (1u << id)) != 0;
}

/* One `id:hex` entry of `len` bytes at `p`, the `n`th of the string (for the message). */
static NEOERR *ticket_keyring_entry(struct ticket_keyring *kr, const char *p, size_t len, int n)
{
	const char *colon = memchr(p, ':', len);
	if (colon == NULL || colon == p || colon - p > 3)   /* 3 digits: "100" is out of range, not garbage */
		return nerr_raise(NERR_ASSERT, "ticket keys: entry %d is not id:key", n);
	int id = 0;
	for (const char *d = p; d < colon; d++) {
		if (*d < '0' || *d > '9')
			return nerr_raise(NERR_ASSERT, "ticket keys: entry %d: the id is not a number", n);
		id = id * 10 + (*d - '0');
	}
	if (id >= TICKET_KEYS_MAX)
		return nerr_raise(NERR_ASSERT, "ticket keys: entry %d: key id %d is not 0..%d", n, id,
				  TICKET_KEYS_MAX - 1);
	if (ticket_keyring_has(kr, id))
		return nerr_raise(NERR_ASSERT, "ticket keys: key id %d comes twice", id);
	const char *hex = colon + 1;
	size_t hex_len = len - (size_t)(hex - p), bin_len = 0;
	const char *end = NULL;
	if (hex_len != TICKET_KEY_BYTES * 2 ||
	    sodium_hex2bin(kr->key[id], TICKET_KEY_BYTES, hex, hex_len, NULL, &bin_len, &end) != 0 ||
	    bin_len != TICKET_KEY_BYTES || end != hex + hex_len)
		return nerr_raise(NERR_ASSERT, "ticket keys: key id %d is not %d hex digits", id,
				  TICKET_KEY_BYTES * 2);
	kr->present |= 1u << id;
	return STATUS_OK;
}

NEOERR *ticket_keyring_parse(struct ticket_keyring *kr, const char *keys, int current_id)
{
	ticket_code_sodium_ready();
	ticket_keyring_wipe(kr);
	NEOERR *err = STATUS_OK;
	int n = 0;
	for (const char *p = keys ? keys : ""; err == STATUS_OK;) {
		p += strspn(p, TICKET_KEY_SEPARATORS);
		if (*p == '\0')
			break;
		size_t len = strcspn(p, TICKET_KEY_SEPARATORS);
		err = ticket_keyring_entry(kr, p, len, ++n);
		p += len;
	}
	if (err == STATUS_OK && n == 0)
		err = nerr_raise(NERR_ASSERT, "ticket keys: none given");
	if (err == STATUS_OK && !ticket_keyring_has(kr, current_id))
		err = nerr_raise(NERR_ASSERT, "ticket keys: the current key id %d is not among them",
				 current_id);
	if (err != STATUS_OK) {
		ticket_keyring_wipe(kr);
		return err;
	}
	kr->current = current_id;
	return STATUS_OK;
}

void ticket_keyring_derive(struct ticket_keyring *kr, const char *site_secret)
{
	ticket_code_sodium_ready();
	ticket_keyring_wipe(kr);
	if (site_secret == NULL || *site_secret == '\0')
		return;
	const unsigned char *secret = (const unsigned char *)site_secret;
	size_t len = strlen(site_secret);
	unsigned char reduced[32];
	if (len < crypto_generichash_KEYBYTES_MIN || len > crypto_generichash_KEYBYTES_MAX) {
		crypto_generichash(reduced, sizeof reduced, secret, len, NULL, 0);
		secret = reduced;
		len = sizeof reduced;
	}
	crypto_generichash(kr->key[0], TICKET_KEY_BYTES, (const unsigned char *)TICKET_KEY_CONTEXT,
			   strlen(TICKET_KEY_CONTEXT), secret, len);
	sodium_memzero(reduced, sizeof reduced);
	kr->present = 1u;
	kr->current = 0;
}

static void ticket_code_mac(const unsigned char key[TICKET_KEY_BYTES],
			    const unsigned char body[TICKET_CODE_BODY], unsigned char mac[TICKET_CODE_MAC])
{
	unsigned char msg[sizeof TICKET_CODE_DOMAIN - 1 + TICKET_CODE_BODY];
	unsigned char full[crypto_generichash_BYTES_MIN];
	memcpy(msg, TICKET_CODE_DOMAIN, sizeof TICKET_CODE_DOMAIN - 1);
	memcpy(msg + sizeof TICKET_CODE_DOMAIN - 1, body, TICKET_CODE_BODY);
	crypto_generichash(full, sizeof full, msg, sizeof msg, key, TICKET_KEY_BYTES);
	memcpy(mac, full, TICKET_CODE_MAC);
}

static void ticket_code_put(unsigned char *p, long long v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static long long ticket_code_get(const unsigned char *p, int bytes)
{
	long long v = 0;
	for (int i = 0; i < bytes; i++)
		v = (v << 8) | p[i];
	return v;
}

const char *ticket_code_sign(const struct ticket_keyring *kr, struct arena *a,
			     long long event_id, long long booking_id, long long ticket_id)
{
	if (kr == NULL || !ticket_keyring_has(kr, kr->current))
		return NULL;
	if (event_id < 0 || event_id >= 1LL << 32 || booking_id < 0 || booking_id >= 1LL << 48 ||
	    ticket_id < 0 || ticket_id >= 1LL << 48)
		return NULL;
	unsigned char bin[TICKET_CODE_BYTES];
	bin[0] = (unsigned char)(TICKET_CODE_VERSION << 4 | kr->current);
	ticket_code_put(bin + 1, event_id, 4);
	ticket_code_put(bin + 5, booking_id, 6);
	ticket_code_put(bin + 11, ticket_id, 6);
	ticket_code_mac(kr->key[kr->current], bin, bin + TICKET_CODE_BODY);

	char *out = arena_alloc(a, TICKET_CODE_CHARS + 1);
	unsigned int acc = 0;
	int bits = 0;
	size_t n = 0;
	for (int i = 0; i < TICKET_CODE_BYTES; i++) {
		acc = (acc << 8 | bin[i]) & 0xfff;   /* never more than 12 bits pending */
		for (bits += 8; bits >= 5; bits -= 5)
			out[n++] = TICKET_CODE_ALPHABET[(acc >> (bits - 5)) & 31];
	}
	out[n++] = TICKET_CODE_ALPHABET[(acc << (5 - bits)) & 31];   /* 2 bits left, 3 zero bits */
	out[n] = '\0';
	return out;
}

/* A typed character's 5 bits, or -1: case folded by hand (no locale), look-alikes mapped. */
static int ticket_code_value(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	else if (c == 'I' || c == 'L')
		c = '1';
	const char *at = c ? memchr(TICKET_CODE_ALPHABET, c, 32) : NULL;
	return at ? (int)(at - TICKET_CODE_ALPHABET) : -1;
}

/* Normalise `typed` into `out` (canonical text); false if it cannot be a code. */
static bool ticket_code_canonical(const char *typed, char out[TICKET_CODE_CHARS + 1])
{
	if (typed == NULL || strnlen(typed, TICKET_CODE_INPUT_MAX + 1) > TICKET_CODE_INPUT_MAX)
		return false;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)typed; *p; p++) {
		if (*p == '-' || *p == ' ' || (*p >= '\t' && *p <= '\r'))
			continue;
		int v = ticket_code_value(*p);
		if (v < 0 || n == TICKET_CODE_CHARS)
			return false;
		out[n++] = TICKET_CODE_ALPHABET[v];
	}
	out[n] = '\0';
	/* The last character's 3 low bits are padding: only zeroes, so one code has one text. */
	return n == TICKET_CODE_CHARS && (ticket_code_value((unsigned char)out[n - 1]) & 7) == 0;
}

static void ticket_code_decode(const char text[TICKET_CODE_CHARS], unsigned char bin[TICKET_CODE_BYTES])
{
	unsigned int acc = 0;
	int bits = 0, n = 0;
	for (int i = 0; i < TICKET_CODE_CHARS && n < TICKET_CODE_BYTES; i++) {
		acc = (acc << 5 | (unsigned int)ticket_code_value((unsigned char)text[i])) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			bin[n++] = (unsigned char)(acc >> bits);
		}
	}
}

enum ticket_verdict ticket_code_verify(const struct ticket_keyring *kr, const char *typed,
				       struct ticket_claims *out)
{
	memset(out, 0, sizeof *out);
	char text[TICKET_CODE_CHARS + 1];
	if (!ticket_code_canonical(typed, text))
		return TICKET_CODE_MALFORMED;
	unsigned char bin[TICKET_CODE_BYTES], mac[TICKET_CODE_MAC];
	ticket_code_decode(text, bin);
	if (bin[0] >> 4 != TICKET_CODE_VERSION)
		return TICKET_CODE_MALFORMED;
	int key_id = bin[0] & 15;
	if (kr == NULL || !ticket_keyring_has(kr, key_id))
		return TICKET_CODE_FORGED;
	ticket_code_mac(kr->key[key_id], bin, mac);
	if (sodium_memcmp(mac, bin + TICKET_CODE_BODY, TICKET_CODE_MAC) != 0)
		return TICKET_CODE_FORGED;
	out->event_id = ticket_code_get(bin + 1, 4);
	out->booking_id = ticket_code_get(bin + 5, 6);
	out->ticket_id = ticket_code_get(bin + 11, 6);
	out->key_id = key_id;
	return TICKET_CODE_VALID;
}

const char *ticket_code_normalise(struct arena *a, const char *typed)
{
	char text[TICKET_CODE_CHARS + 1];
	return ticket_code_canonical(typed, text) ? arena_strdup(a, text) : NULL;
}

const char *ticket_code_display(struct arena *a, const char *code)
{
	char text[TICKET_CODE_CHARS + 1];
	if (!ticket_code_canonical(code, text))
		return arena_strdup(a, code ? code : "");
	char *out = arena_alloc(a, TICKET_CODE_CHARS + TICKET_CODE_CHARS / 4 + 1), *o = out;
	for (int i = 0; i < TICKET_CODE_CHARS; i++) {
		if (i > 0 && i % 4 == 0)
			*o++ = '-';
		*o++ = text[i];
	}
	*o = '\0';
	return out;
}
