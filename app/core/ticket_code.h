/* ticket_code: e-ticket codes that nobody can guess and any door can check offline — the
 * ticket's ids signed with a site key, printed as Crockford base32 and carried by the QR code. */
#ifndef BOXOFFICE_TICKET_CODE_H
#define BOXOFFICE_TICKET_CODE_H
#include <ClearSilver.h>

struct arena;

/* A code, byte by byte (29 bytes, all integers big-endian):
 *
 *   offset  size  field
 *        0     1  (format version << 4) | key id; version is 1, key id 0..15
 *        1     4  event_id    (< 2^32)
 *        5     6  booking_id  (< 2^48)
 *       11     6  ticket_id   (< 2^48)
 *       17    12  MAC: the first 12 bytes of keyed BLAKE2b-128 (libsodium's
 *                 crypto_generichash, outlen 16, key = the 32-byte key of that id) over
 *                 "boxoffice-ticket" (16 ASCII bytes, no NUL) followed by bytes 0..16
 *
 * The text is those 29 bytes in Crockford base32 (alphabet 0123456789ABCDEFGHJKMNPQRSTVWXYZ,
 * most significant bit first, no padding): 47 characters, the last one carrying 2 data bits
 * and 3 zero bits. Uppercase letters and digits only, so a QR code holds it in alphanumeric
 * mode and a person can read it aloud. Why truncated BLAKE2b-128 and not BLAKE2b-96 (outlen
 * 12): libsodium documents 16 bytes as the least it gives (crypto_generichash_BYTES_MIN) and
 * its bindings in other languages enforce that, so a scanner written with any of them can
 * compute this MAC; 96 bits still leave a forger one chance in 2^96 per try. */
#define TICKET_CODE_VERSION 1
#define TICKET_CODE_BYTES 29
#define TICKET_CODE_CHARS 47
#define TICKET_KEY_BYTES 32
#define TICKET_KEYS_MAX 16

struct ticket_claims {
	long long event_id, booking_id, ticket_id;
	int key_id;          /* which key signed it: says when a code is due to be reissued */
};

/* The keys a site verifies with, and the one it signs new codes with. A rotation adds a key,
 * makes it current, and removes the old one only once the codes it signed have no more use. */
struct ticket_keyring {
	unsigned char key[TICKET_KEYS_MAX][TICKET_KEY_BYTES];
	unsigned int present;    /* bit i: key id i is in the ring */
	int current;             /* the key id that signs; -1 when the ring cannot sign */
};

/* Parse `keys`, a configuration string of `id:hex` entries separated by commas and/or white
 * space ("2:<64 hex digits>, 1:<64 hex digits>"), with `current_id` signing. Refused (with
 * the ring left empty and wiped): nothing given, an id that is not 0..15 or comes twice, a key
 * that is not 64 hex digits, a current id that is not in the ring. Messages never quote a key. */
NEOERR *ticket_keyring_parse(struct ticket_keyring *kr, const char *keys, int current_id);
/* A site that configures no ticket keys: key id 0, derived from the site's secret with keyed
 * BLAKE2b-256 over "boxoffice ticket signing key v1", signs. A secret shorter than 16 or
 * longer than 64 bytes (libsodium's key sizes) is hashed to 32 bytes first; with no secret at
 * all the ring stays empty, so it signs nothing and every code is FORGED. */
void ticket_keyring_derive(struct ticket_keyring *kr, const char *site_secret);
/* Wipe the keys (sodium_memzero) and empty the ring. */
void ticket_keyring_wipe(struct ticket_keyring *kr);

/* The canonical code for these ids, signed with the current key; NULL if an id is negative or
 * too large for its field, or the ring cannot sign. */
const char *ticket_code_sign(const struct ticket_keyring *kr, struct arena *a,
			     long long event_id, long long booking_id, long long ticket_id);

enum ticket_verdict {
	TICKET_CODE_VALID,
	TICKET_CODE_MALFORMED,   /* not a ticket code at all: a typo, a wrong scan, another format */
	TICKET_CODE_FORGED,      /* well formed but not signed by a key of this ring */
};

/* Check a typed or scanned code; `out` gets the claims only when VALID (zeroes otherwise).
 * The input is normalised first (see ticket_code_normalise). */
enum ticket_verdict ticket_code_verify(const struct ticket_keyring *kr, const char *typed,
				       struct ticket_claims *out);
/* The canonical form of a typed code, or NULL if it cannot be one: ASCII white space and '-'
 * dropped, lowercase taken as uppercase, Crockford's look-alikes read as what they look like
 * (O as 0, I and L as 1); then exactly 47 characters of the alphabet whose last 3 bits are
 * zero. Input longer than 200 bytes is refused before any work. Says nothing of the MAC. */
const char *ticket_code_normalise(struct arena *a, const char *typed);
/* For print: the canonical code in blocks of 4 joined by '-' ("ABCD-EFGH-...-XYZ"), which
 * verifies as it is. Something that is no code comes back unchanged. */
const char *ticket_code_display(struct arena *a, const char *code);

#endif
