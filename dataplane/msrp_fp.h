/*
 * DOC: MSRP certificate fingerprints - a=fingerprint for MSRP over TLS
 *
 * An MSRP endpoint over TLS may present a self-signed certificate and name
 * it in its SDP with a=fingerprint (RFC 4975 section 14.1; the attribute is
 * RFC 8122's, which obsoletes RFC 4572): "a=fingerprint:sha-256 4A:AD:..",
 * the hash of the certificate's DER bytes.  sbcd reads a peer's fingerprint
 * from its SDP (b2bua/msrp_sdp.c) and hands it to the relay in the leg's
 * flow-table entry (struct ft_msrp, ft.h); the relay then accepts that
 * peer's TLS connection only with a certificate of that digest
 * (msrp_tls.h).  sbcd also names the SBC's own certificate (the realm's
 * tls_cert, which the relay presents) in the SDP it sends toward a TLS leg.
 *
 * The text functions are pure; dp_msrp_fp_of() and dp_msrp_fp_file() hash a
 * certificate with OpenSSL.  Hashes: SHA-1 and the SHA-2 family (RFC 8122
 * section 5); MD5 and MD2, which it forbids, and unknown ones are refused.
 */
#ifndef SBC_DP_MSRP_FP_H
#define SBC_DP_MSRP_FP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ft.h"

/* "sha-512 " and 64 bytes as "XX:" */
#define DP_MSRP_FP_TEXT_MAX (8 + 3 * FT_FP_MAX)

struct dp_msrp_fp {
	uint8_t hash;			/* enum ft_fp_hash; FT_FP_NONE: none */
	uint8_t len;			/* ft_fp_len(hash) */
	uint8_t d[FT_FP_MAX];
};

/**
 * dp_msrp_fp_parse - an a=fingerprint value: hash-func SP fingerprint,
 * the fingerprint as hex bytes separated by colons (RFC 8122 section 5;
 * lower-case hex is taken too)
 *
 * @return 0; -EBADMSG when it is not that syntax or the length does not
 * fit the hash; -ENOTSUP for md5, md2 or a hash this code does not know.
 */
int dp_msrp_fp_parse(const char *s, size_t len, struct dp_msrp_fp *fp);

/**
 * dp_msrp_fp_print - @fp as an a=fingerprint value ("sha-256 4A:AD:...")
 * @return the length written (NUL-terminated), or -ENOSPC, -EINVAL for
 * FT_FP_NONE.
 */
long dp_msrp_fp_print(const struct dp_msrp_fp *fp, char *out, size_t cap);

/*
 * dp_msrp_fp_stronger - whether hash @a is preferred to @b (RFC 8122
 * section 5: of several fingerprints, those of the most preferred hash
 * are the ones checked): the longer digest
 */
bool dp_msrp_fp_stronger(unsigned a, unsigned b);

/**
 * dp_msrp_fp_match - whether a certificate whose @hash digest is
 * @digest (@len bytes) is the one @want names
 *
 * False when @want is FT_FP_NONE or names another hash.
 */
bool dp_msrp_fp_match(const struct dp_msrp_fp *want, unsigned hash,
		      const uint8_t *digest, size_t len);

/**
 * dp_msrp_fp_of - the @hash fingerprint of certificate @x
 * @return 0, -EINVAL for an unknown hash, -EIO when OpenSSL fails.
 */
int dp_msrp_fp_of(X509 *x, unsigned hash, struct dp_msrp_fp *fp);

/**
 * dp_msrp_fp_cert - whether certificate @x is the one @want names
 * (false for a NULL @x or FT_FP_NONE)
 */
bool dp_msrp_fp_cert(X509 *x, const struct dp_msrp_fp *want);

/**
 * dp_msrp_fp_file - the @hash fingerprint of the first certificate of the
 * PEM file @path (a tls_cert: the certificate TLS presents comes first)
 * @return 0, -errno of fopen(), -EBADMSG when it holds no certificate.
 */
int dp_msrp_fp_file(const char *path, unsigned hash, struct dp_msrp_fp *fp);

#endif
