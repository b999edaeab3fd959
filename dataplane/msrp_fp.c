/*
 * Certificate fingerprints of MSRP over TLS (RFC 8122 section 5, as RFC
 * 4975 section 14.1 uses them): the a=fingerprint text parsed and printed,
 * a certificate's digest taken with OpenSSL and compared.  See msrp_fp.h.
 */
#include "msrp_fp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

/* RFC 8122 section 5's hash-func names, by enum ft_fp_hash */
static const char *const names[FT_FP_COUNT] = {
	[FT_FP_SHA1] = "sha-1",
	[FT_FP_SHA224] = "sha-224",
	[FT_FP_SHA256] = "sha-256",
	[FT_FP_SHA384] = "sha-384",
	[FT_FP_SHA512] = "sha-512",
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* token characters (RFC 4566 section 9), which a hash-func is made of */
static bool token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`{|}~", c));
}

int dp_msrp_fp_parse(const char *s, size_t len, struct dp_msrp_fp *fp)
{
	const char *end = s + len, *h = s;
	unsigned hash = FT_FP_NONE;
	size_t hlen, n = 0;

	memset(fp, 0, sizeof(*fp));
	while (h < end && *h == ' ')
		h++;
	while (end > h && end[-1] == ' ')
		end--;
	for (s = h; s < end && token_char(*s); s++)
		;
	hlen = (size_t)(s - h);
	if (!hlen || s == end || *s != ' ')
		return -EBADMSG;
	s++;
	/* fingerprint = 2UHEX *(":" 2UHEX) */
	for (;;) {
		int hi, lo;

		if (end - s < 2 || (hi = hexval(s[0])) < 0 ||
		    (lo = hexval(s[1])) < 0 || n == FT_FP_MAX)
			return -EBADMSG;
		fp->d[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (s == end)
			break;
		if (*s++ != ':')
			return -EBADMSG;
	}
	for (unsigned i = 1; i < FT_FP_COUNT; i++)
		if (strlen(names[i]) == hlen && !strncasecmp(names[i], h, hlen))
			hash = i;
	if (hash == FT_FP_NONE) {
		memset(fp, 0, sizeof(*fp));
		return -ENOTSUP;
	}
	if (n != ft_fp_len(hash)) {
		memset(fp, 0, sizeof(*fp));
		return -EBADMSG;
	}
	fp->hash = (uint8_t)hash;
	fp->len = (uint8_t)n;
	return 0;
}

long dp_msrp_fp_print(const struct dp_msrp_fp *fp, char *out, size_t cap)
{
	size_t pos;
	int n;

	if (fp->hash == FT_FP_NONE || fp->hash >= FT_FP_COUNT ||
	    fp->len != ft_fp_len(fp->hash))
		return -EINVAL;
	n = snprintf(out, cap, "%s ", names[fp->hash]);
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	pos = (size_t)n;
	for (unsigned i = 0; i < fp->len; i++) {
		bool last = i + 1 == fp->len;

		/* "XX:", or "XX" and the NUL */
		if (cap - pos < (last ? 3u : 4u))
			return -ENOSPC;
		snprintf(out + pos, 4, last ? "%02X" : "%02X:", fp->d[i]);
		pos += last ? 2 : 3;
	}
	return (long)pos;
}

bool dp_msrp_fp_stronger(unsigned a, unsigned b)
{
	return ft_fp_len(a) > ft_fp_len(b);
}

bool dp_msrp_fp_match(const struct dp_msrp_fp *want, unsigned hash,
		      const uint8_t *digest, size_t len)
{
	return want->hash != FT_FP_NONE && want->hash == hash &&
	       want->len == len && len == ft_fp_len(hash) &&
	       !memcmp(want->d, digest, len);
}

static const EVP_MD *md_of(unsigned hash)
{
	switch (hash) {
	case FT_FP_SHA1:
		return EVP_sha1();
	case FT_FP_SHA224:
		return EVP_sha224();
	case FT_FP_SHA256:
		return EVP_sha256();
	case FT_FP_SHA384:
		return EVP_sha384();
	case FT_FP_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

int dp_msrp_fp_of(X509 *x, unsigned hash, struct dp_msrp_fp *fp)
{
	const EVP_MD *md = md_of(hash);
	unsigned n = 0;

	memset(fp, 0, sizeof(*fp));
	if (!md)
		return -EINVAL;
	if (X509_digest(x, md, fp->d, &n) != 1 || n != ft_fp_len(hash)) {
		ERR_clear_error();
		memset(fp, 0, sizeof(*fp));
		return -EIO;
	}
	fp->hash = (uint8_t)hash;
	fp->len = (uint8_t)n;
	return 0;
}

bool dp_msrp_fp_cert(X509 *x, const struct dp_msrp_fp *want)
{
	struct dp_msrp_fp got;

	return x && want->hash != FT_FP_NONE &&
	       dp_msrp_fp_of(x, want->hash, &got) == 0 &&
	       dp_msrp_fp_match(want, got.hash, got.d, got.len);
}

int dp_msrp_fp_file(const char *path, unsigned hash, struct dp_msrp_fp *fp)
{
	FILE *f = fopen(path, "r");
	X509 *x;
	int ret;

	memset(fp, 0, sizeof(*fp));
	if (!f)
		return -errno;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		ERR_clear_error();
		return -EBADMSG;
	}
	ret = dp_msrp_fp_of(x, hash, fp);
	X509_free(x);
	return ret;
}
