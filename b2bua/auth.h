/*
 * Digest authentication of subscribers (RFC 7616, with SHA-256 per
 * RFC 8760 and MD5 for older phones), as a registrar (401 with
 * WWW-Authenticate, RFC 3261 section 22.2) and for calls (407 with
 * Proxy-Authenticate, RFC 3261 section 22.3).
 *
 * Challenges offer SHA-256 first, then MD5 (RFC 8760 section 2.4: in
 * order of preference), both with qop="auth" only.  A nonce is
 *
 *   hex( time (8 bytes) | random (8 bytes) | HMAC-SHA-256(secret,
 *        time | random | realm) cut to 16 bytes )
 *
 * so the server keeps no state per challenge: it checks the MAC and the
 * age (stale=true once older than the lifetime, RFC 7616 section 3.3) and
 * forgets the nonce when it expires.  The secret is random per process:
 * after a restart every outstanding nonce is stale and phones retry
 * transparently.  The nonce-count of each nonce used is tracked in a
 * fixed table for the nonce's lifetime, so a replayed nc is refused
 * (RFC 7616 section 3.4).  Only HA1 digests are stored (store.h); HA1,
 * responses and the secret are never logged.
 *
 * Only the event-loop thread uses a struct b2b_auth.
 */
#ifndef SBC_AUTH_H
#define SBC_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include <sofia-sip/msg_types.h>

#include "store.h"

/* Seconds a nonce may be used before it is stale. */
#define B2B_AUTH_NONCE_TTL 30

/* Nonces whose nonce-counts are tracked at once (a power of two). */
#define B2B_AUTH_NC_SLOTS 65536

#define B2B_AUTH_NONCE_LEN 64		/* hex digits */
#define B2B_AUTH_CHALLENGE_MAX (STORE_ID_MAX + 160)

enum b2b_auth_result {
	B2B_AUTH_OK,
	B2B_AUTH_NONE,		/* no credentials for the realm: challenge */
	B2B_AUTH_STALE,		/* nonce expired or not ours: stale=true */
	B2B_AUTH_FAILED,	/* wrong response, unknown user, replay: 403 */
	B2B_AUTH_MALFORMED,	/* unusable credentials: 400 */
};

/* The digest parameters of one Authorization header, unquoted. */
struct b2b_auth_creds {
	char username[STORE_NAME_MAX];
	char realm[STORE_ID_MAX];
	char nonce[B2B_AUTH_NONCE_LEN + 1];
	char uri[STORE_URI_MAX];
	char response[STORE_HA1_SHA256_LEN + 1];
	char cnonce[128];
	char nc[9];
	bool sha256;			/* algorithm=SHA-256, else MD5 */
};

/* Seconds on a clock that never goes back. */
typedef int64_t b2b_auth_clock_fn(void *arg);

struct b2b_auth;

/**
 * b2b_auth_new - digest state with a fresh random secret
 * @clock: the clock nonces are stamped with; NULL for CLOCK_MONOTONIC
 * @clock_arg: passed to @clock
 *
 * @return the state, or NULL with errno ENOMEM or EIO (no randomness).
 */
struct b2b_auth *b2b_auth_new(b2b_auth_clock_fn *clock, void *clock_arg);

/* b2b_auth_free - forget the secret and the table; accepts NULL. */
void b2b_auth_free(struct b2b_auth *a);

/**
 * b2b_auth_challenge - a WWW-/Proxy-Authenticate value with a new nonce
 * @realm: the digest realm; no '"', '\\' or control characters
 * @sha256: SHA-256, else MD5
 * @stale: add stale=true
 * @out: at least B2B_AUTH_CHALLENGE_MAX bytes
 *
 * @return 0, -EINVAL (bad @realm), -ENOSPC, -EIO (no randomness).
 */
int b2b_auth_challenge(struct b2b_auth *a, const char *realm, bool sha256,
		       bool stale, char *out, size_t len);

/**
 * b2b_auth_parse - the Digest credentials for @realm among @au
 * @au: the Authorization or Proxy-Authorization headers, may be NULL
 *
 * @return B2B_AUTH_OK (@out filled), B2B_AUTH_NONE (none for @realm), or
 * B2B_AUTH_MALFORMED (a parameter missing, too long or badly quoted,
 * qop other than auth, an algorithm other than MD5 or SHA-256).
 */
enum b2b_auth_result b2b_auth_parse(const msg_auth_t *au, const char *realm,
				    struct b2b_auth_creds *out);

/**
 * b2b_auth_response - the expected response for qop=auth (RFC 7616
 * section 3.4.1): H(HA1 ":" nonce ":" nc ":" cnonce ":auth:" H(method ":"
 * uri)) in lowercase hex
 * @out: at least STORE_HA1_SHA256_LEN + 1 bytes
 *
 * @return 0 or -EIO.
 */
int b2b_auth_response(const struct b2b_auth_creds *c, const char *method,
		      const char *ha1_hex, char *out, size_t len);

/**
 * b2b_auth_verify - check credentials against an account's HA1
 * @c: from b2b_auth_parse()
 * @method: the request's method
 * @ha1_hex: the account's HA1 for @c->sha256 (lowercase hex); NULL or ""
 *	when the user is unknown (the nonce is still checked first)
 *
 * @return B2B_AUTH_OK; B2B_AUTH_STALE (nonce expired, not issued by this
 * process, or no room left to track its nonce-count); B2B_AUTH_FAILED
 * (wrong response, unknown user, nc not above the last one seen);
 * B2B_AUTH_MALFORMED (nc not 8 hex digits).
 */
enum b2b_auth_result b2b_auth_verify(struct b2b_auth *a,
				     const struct b2b_auth_creds *c,
				     const char *method, const char *ha1_hex);

#endif
