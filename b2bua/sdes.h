/*
 * DOC: SDES - SRTP keys in SDP a=crypto attributes (RFC 4568)
 *
 *   a=crypto:<tag> <crypto-suite> inline:<key||salt base64>[|<lifetime>][|<MKI>:<len>] [<session-params>]
 *
 * Suites (the values of enum ft_suite in dataplane/ft.h, the same as
 * dp_srtp_suite in dataplane/srtp.h), in the SBC's order of preference:
 *
 *   AEAD_AES_128_GCM          RFC 7714 section 12: 16-byte key, 12-byte salt
 *   AES_CM_128_HMAC_SHA1_80   RFC 4568 section 6.2.1: 16-byte key, 14-byte salt
 *   AES_CM_128_HMAC_SHA1_32   RFC 4568 section 6.2.2: same keys, 32-bit tag
 *
 * GCM first because it authenticates with a 128-bit tag, then the 80-bit
 * tag before the 32-bit one.
 *
 * Parsing is strict where a mistake would give one-way audio:
 *  - the inline key is canonical base64 (RFC 4648 section 4, padded) of
 *    exactly the suite's key||salt, nothing before or after it;
 *  - a lifetime (RFC 4568 section 6.1, "2^N" or decimal, at most 2^48,
 *    the SRTP limit of all three suites) is checked and then ignored: the SBC
 *    never re-keys on its own, and libsrtp stops a session at the suite's
 *    limit anyway;
 *  - an MKI is refused (-ENOTSUP): it puts an MKI field in every packet,
 *    which the flow table has no room to describe, and with one key per
 *    direction it serves nothing;
 *  - several keys (";inline:...") are refused (-ENOTSUP) for the same
 *    reason: without an MKI only the first could ever be used;
 *  - session parameters (section 6.3) are refused (-ENOTSUP) except the
 *    window-size hint WSH=, which only sizes the replay window: KDR,
 *    UNENCRYPTED_SRTP/SRTCP, UNAUTHENTICATED_SRTP and FEC_* change how
 *    packets are processed, and the dataplane does none of them.
 * An unknown suite is -ENOTSUP too: SDP callers skip such lines and only
 * fail when no line is left that they can use.
 *
 * Keys come from OpenSSL's RAND_bytes().  A struct b2b_sdes holds key
 * material: wipe it with b2b_sdes_clear() when done, and never log it.
 */
#ifndef SBC_SDES_H
#define SBC_SDES_H

#include <stddef.h>
#include <stdint.h>

#include "ft.h"

/* Tags are 1 to 9 digits (RFC 4568 section 9.1). */
#define B2B_SDES_TAG_MAX 999999999u

/* Room for what b2b_sdes_format() writes: tag, suite, inline key, NUL. */
#define B2B_SDES_ATTR_MAX 96

/* One crypto attribute: a tag, a suite and one master key + salt. */
struct b2b_sdes {
	uint32_t tag;
	enum ft_suite suite;		/* FT_SUITE_NONE: no SRTP */
	uint8_t key[FT_KEY_MAX];	/* ft_srtp_key_len(suite) bytes, rest 0 */
};

/**
 * b2b_sdes_parse - parse the value of an a=crypto attribute
 * @value: what follows "a=crypto:" ("1 AES_CM_128_HMAC_SHA1_80 inline:...")
 * @out: receives the attribute; zeroed on error
 * @why: receives a static reason on error (never key material); may be NULL
 *
 * @return 0; -EINVAL when malformed (tag, key length, base64, lifetime);
 * -ENOTSUP for an unknown suite, an MKI, several keys or a session
 * parameter other than WSH.
 */
int b2b_sdes_parse(const char *value, struct b2b_sdes *out, const char **why);

/**
 * b2b_sdes_generate - a fresh random key for @suite under @tag
 *
 * @return 0; -EINVAL for FT_SUITE_NONE, an unknown suite or a tag out of
 * 1..B2B_SDES_TAG_MAX; -EIO when RAND_bytes() fails (@out zeroed).
 */
int b2b_sdes_generate(struct b2b_sdes *out, uint32_t tag, enum ft_suite suite);

/**
 * b2b_sdes_format - the attribute value "<tag> <suite> inline:<base64>"
 * @buf: receives it, NUL-terminated; it holds the key, so wipe it
 *       (OPENSSL_cleanse) when done
 * @len: size of @buf, B2B_SDES_ATTR_MAX is enough
 *
 * @return the length written; -EINVAL for a suite without keys, -ENOSPC
 * when @buf is too small (@buf then holds "").
 */
int b2b_sdes_format(const struct b2b_sdes *c, char *buf, size_t len);

/* b2b_sdes_clear - wipe @c (OPENSSL_cleanse); accepts NULL. */
void b2b_sdes_clear(struct b2b_sdes *c);

/* b2b_sdes_equal - same suite and key (tags are not compared). */
int b2b_sdes_equal(const struct b2b_sdes *a, const struct b2b_sdes *b);

/* b2b_sdes_suite - the suite called @name (case-sensitive), or NONE. */
enum ft_suite b2b_sdes_suite(const char *name, size_t len);

/* b2b_sdes_suite_name - the SDES name of @suite, or NULL. */
const char *b2b_sdes_suite_name(enum ft_suite suite);

/**
 * b2b_sdes_pref - the suites in order of preference
 * @i: 0 for the most preferred
 * @return the suite, or FT_SUITE_NONE past the last one.
 */
enum ft_suite b2b_sdes_pref(unsigned i);

/* b2b_sdes_rank - 1 for the most preferred suite, 2 next...; 0 if unknown. */
unsigned b2b_sdes_rank(enum ft_suite suite);

#endif
