/* password: see password.h. Hashes are libsodium's crypto_pwhash_str strings, so the cost and
 * salt travel with each hash and a change of Accounts.* cost only means rehashing on sign-in. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include "core/config.h"
#include "core/password.h"
#include "core/utf8.h"

_Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "a libsodium hash string must fit");

#define PASSWORD_FLOOR_MEM (19u << 20)            /* OWASP: 19 MiB with t=2 ... */
#define PASSWORD_FLOOR_MEM_ONE_PASS (46u << 20)   /* ... or 46 MiB with t=1 */

/* What nobody's password is: the dummy hash that password_burn verifies against. */
#define PASSWORD_BURN_SECRET "boxoffice: no account has this password"

#define PASSWORD_STRINGIFY(x) #x
#define PASSWORD_NUMBER(x) PASSWORD_STRINGIFY(x)
#define PASSWORD_TOO_SHORT "Use at least " PASSWORD_NUMBER(PASSWORD_MIN_CHARS) \
	" characters: a few words you will remember make a good one."
#define PASSWORD_TOO_LONG "Use a shorter password: " PASSWORD_NUMBER(PASSWORD_MAX_BYTES) \
	" bytes at most (a letter outside A to Z takes two to four)."
#define PASSWORD_UNREADABLE "That password has characters we cannot read; please type it again."
#define PASSWORD_REPEATED "That is one character repeated; a few words you will remember make a " \
	"good one."
#define PASSWORD_IS_EMAIL "Do not use your email address, or its part before the @, as your " \
	"password."
#define PASSWORD_COMMON "That is one of the most common passwords; please choose another."

/* The shipped list's entries long enough to pass the length rule, lower-cased and sorted
 * bytewise at build time (Makefile.am makes the table from common_passwords.txt). */
static const char *const password_common[] = {
#include "core/common_passwords.inc"
};

struct password_cost password_cost_at_least_owasp(struct password_cost c)
{
	if (c.ops == 1 && c.mem_bytes >= PASSWORD_FLOOR_MEM_ONE_PASS)
		return c;
	if (c.ops < 2)
		c.ops = 2;
	if (c.mem_bytes < PASSWORD_FLOOR_MEM)
		c.mem_bytes = PASSWORD_FLOOR_MEM;
	return c;
}

/* The cost to use, raised to the floor; and libsodium initialised, which also picks the
 * fastest Argon2 code for this CPU (without it every hash runs the slower reference code). */
static struct password_cost password_ready(const struct password_cost *c)
{
	if (sodium_init() < 0)
		abort();
	return password_cost_at_least_owasp(*c);
}

/* libsodium's reading of a stored hash: 0 made with cost k, 1 with another, -1 not an Argon2id
 * hash string at all (NULL, empty, too long, another algorithm, malformed). */
static int password_hash_state(const char *stored, struct password_cost k)
{
	if (stored == NULL || strnlen(stored, PASSWORD_HASH_MAX) == PASSWORD_HASH_MAX ||
	    strncmp(stored, crypto_pwhash_STRPREFIX, strlen(crypto_pwhash_STRPREFIX)) != 0)
		return -1;
	return crypto_pwhash_str_needs_rehash(stored, k.ops, k.mem_bytes);
}

bool password_hash(const struct password_cost *c, const char *password, char out[PASSWORD_HASH_MAX])
{
	struct password_cost k = password_ready(c);
	if (crypto_pwhash_str(out, password, strlen(password), k.ops, k.mem_bytes) == 0)
		return true;
	out[0] = '\0';
	return false;
}

/* Made on the first burn of the process (which so costs one hash more, once) and again only
 * when the cost changes: verifying against it costs what verifying a real account's hash of
 * that cost does, which a dummy of any other cost, or no hash at all, would not. */
static char password_burn_hash[PASSWORD_HASH_MAX];
static struct password_cost password_burn_cost;

void password_burn(const struct password_cost *c, const char *password)
{
	struct password_cost k = password_ready(c);
	if (password_burn_hash[0] == '\0' || password_burn_cost.ops != k.ops ||
	    password_burn_cost.mem_bytes != k.mem_bytes) {
		if (!password_hash(&k, PASSWORD_BURN_SECRET, password_burn_hash))
			return;   /* out of memory: a real verify could not run either */
		password_burn_cost = k;
	}
	if (password == NULL)
		password = "";
	/* Only the work counts, not the answer (libsodium insists the answer be taken). */
	int answer = crypto_pwhash_str_verify(password_burn_hash, password, strlen(password));
	(void)answer;
}

bool password_verify(const struct password_cost *c, const char *stored_hash, const char *password)
{
	if (password == NULL)
		password = "";
	if (password_hash_state(stored_hash, password_ready(c)) < 0) {
		password_burn(c, password);
		return false;
	}
	return crypto_pwhash_str_verify(stored_hash, password, strlen(password)) == 0;
}

bool password_needs_rehash(const struct password_cost *c, const char *stored_hash)
{
	return password_hash_state(stored_hash, password_ready(c)) != 0;
}

/* The characters of valid UTF-8 `s` (`len` bytes), and whether they are all its first. */
static size_t password_characters(const char *s, size_t len, bool *one_repeated)
{
	size_t n = 0, first = utf8_char_length(s, len);
	*one_repeated = true;
	for (size_t at = 0; at < len; n++) {
		size_t l = utf8_char_length(s + at, len - at);
		if (l != first || memcmp(s + at, s, l) != 0)
			*one_repeated = false;
		at += l;
	}
	return n;
}

/* Whether the password is the email address or its local part, in any ASCII case. */
static bool password_is_email(const char *password, const char *email)
{
	if (email == NULL || email[0] == '\0')
		return false;
	const char *at = strrchr(email, '@');
	size_t local = at ? (size_t)(at - email) : strlen(email);
	return strcasecmp(password, email) == 0 ||
	       (local > 0 && strlen(password) == local && strncasecmp(password, email, local) == 0);
}

static int password_compare(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

const char *password_problem(const char *password, const char *email)
{
	if (password == NULL)
		password = "";
	size_t len = strlen(password);
	if (len > PASSWORD_MAX_BYTES)
		return PASSWORD_TOO_LONG;
	if (!utf8_valid(password, len))
		return PASSWORD_UNREADABLE;
	/* ASCII folding, as the list is lower-cased: "Password1234" is as common as its original. */
	char folded[PASSWORD_MAX_BYTES + 1];
	for (size_t i = 0; i <= len; i++) {
		char ch = password[i];
		folded[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	}
	bool one_repeated;
	if (password_characters(folded, len, &one_repeated) < PASSWORD_MIN_CHARS)
		return PASSWORD_TOO_SHORT;
	if (one_repeated)
		return PASSWORD_REPEATED;
	if (password_is_email(password, email))
		return PASSWORD_IS_EMAIL;
	if (bsearch(folded, password_common, sizeof password_common / sizeof password_common[0],
		    sizeof password_common[0], password_compare))
		return PASSWORD_COMMON;
	return NULL;
}

struct password_cost password_cost_of(const struct config *cfg)
{
	struct password_cost c = { cfg->password_ops, (size_t)cfg->password_mem_kib * 1024 };
	return password_cost_at_least_owasp(c);
}
