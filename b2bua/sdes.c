/*
 * SDES a=crypto (RFC 4568 sections 6 and 9.1; AEAD_AES_128_GCM from RFC
 * 7714 section 12): parse, generate, format.  See sdes.h for what is
 * accepted and why.
 *
 * Base64 is OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock (RFC 4648 section
 * 4).  EVP_DecodeBlock skips surrounding white space and counts padding as
 * data, so the text is checked first (alphabet, exact length, padding) and
 * the result re-encoded and compared, which also refuses non-zero bits in
 * the last character (a second spelling of the same key).
 */
#include "sdes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* base64 of the longest key||salt (30 bytes), and the NUL */
#define B64_MAX 41

static const struct {
	enum ft_suite suite;
	const char *name;
} suites[] = {			/* in order of preference */
	{ FT_SUITE_AEAD_AES_128_GCM, "AEAD_AES_128_GCM" },
	{ FT_SUITE_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80" },
	{ FT_SUITE_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32" },
};

#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

enum ft_suite b2b_sdes_suite(const char *name, size_t len)
{
	for (size_t i = 0; i < N_SUITES; i++)
		if (strlen(suites[i].name) == len &&
		    !memcmp(suites[i].name, name, len))
			return suites[i].suite;
	return FT_SUITE_NONE;
}

const char *b2b_sdes_suite_name(enum ft_suite suite)
{
	for (size_t i = 0; i < N_SUITES; i++)
		if (suites[i].suite == suite)
			return suites[i].name;
	return NULL;
}

enum ft_suite b2b_sdes_pref(unsigned i)
{
	return i < N_SUITES ? suites[i].suite : FT_SUITE_NONE;
}

unsigned b2b_sdes_rank(enum ft_suite suite)
{
	for (size_t i = 0; i < N_SUITES; i++)
		if (suites[i].suite == suite)
			return (unsigned)i + 1;
	return 0;
}

void b2b_sdes_clear(struct b2b_sdes *c)
{
	if (c)
		OPENSSL_cleanse(c, sizeof(*c));
}

int b2b_sdes_equal(const struct b2b_sdes *a, const struct b2b_sdes *b)
{
	return a->suite == b->suite &&
	       CRYPTO_memcmp(a->key, b->key, sizeof(a->key)) == 0;
}

static int is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* exactly @n bytes from canonical padded base64 @s of length @len */
static int b64_decode(const char *s, size_t len, uint8_t *out, size_t n)
{
	size_t pad = n % 3 ? 3 - n % 3 : 0;
	uint8_t raw[B64_MAX];
	char again[B64_MAX];
	int ret = -EINVAL;

	if (len != (n + 2) / 3 * 4 || len >= B64_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (i < len - pad ? !is_b64(s[i]) : s[i] != '=')
			return -EINVAL;
	if (EVP_DecodeBlock(raw, (const unsigned char *)s, (int)len) ==
	    (int)(n + pad)) {
		EVP_EncodeBlock((unsigned char *)again, raw, (int)n);
		if (!memcmp(again, s, len)) {
			memcpy(out, raw, n);
			ret = 0;
		}
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(again, sizeof(again));
	return ret;
}

/* a decimal of 1..@max digits starting at *@p; advances *@p */
static int digits(const char **p, unsigned max, uint64_t *v)
{
	unsigned n = 0;

	*v = 0;
	while (**p >= '0' && **p <= '9' && n < max) {
		*v = *v * 10 + (uint64_t)(**p - '0');
		(*p)++;
		n++;
	}
	return n && !(**p >= '0' && **p <= '9') ? 0 : -EINVAL;
}

/* "2^N" or a decimal, at most 2^48 (RFC 4568 section 6.1) */
static int lifetime(const char *s, size_t len)
{
	const char *p = s;
	uint64_t v;

	if (len > 2 && s[0] == '2' && s[1] == '^') {
		p += 2;
		if (digits(&p, 2, &v) || v < 1 || v > 48)
			return -EINVAL;
	} else if (digits(&p, 15, &v) || !v || v > (1ULL << 48)) {
		return -EINVAL;
	}
	return p == s + len ? 0 : -EINVAL;
}

static int fail(int err, const char *reason, const char **why,
		struct b2b_sdes *out)
{
	b2b_sdes_clear(out);
	if (why)
		*why = reason;
	return err;
}

/* "inline:<key||salt>[|lifetime][|mki:len]" up to @end */
static int key_params(const char *p, const char *end, struct b2b_sdes *out,
		      const char **why)
{
	const char *bar;
	size_t n = ft_srtp_key_len(out->suite);

	if ((size_t)(end - p) < 7 || memcmp(p, "inline:", 7))
		return fail(-EINVAL, "key method is not inline", why, out);
	p += 7;
	if (memchr(p, ';', (size_t)(end - p)))
		return fail(-ENOTSUP, "several keys", why, out);
	bar = memchr(p, '|', (size_t)(end - p));
	if (b64_decode(p, (size_t)((bar ? bar : end) - p), out->key, n))
		return fail(-EINVAL, "bad inline key", why, out);
	while (bar) {
		const char *f = bar + 1;

		bar = memchr(f, '|', (size_t)(end - f));
		if (memchr(f, ':', (size_t)((bar ? bar : end) - f)))
			return fail(-ENOTSUP, "MKI not supported", why, out);
		if (lifetime(f, (size_t)((bar ? bar : end) - f)))
			return fail(-EINVAL, "bad key lifetime", why, out);
	}
	return 0;
}

/* session parameters after the key: only WSH=<digits> */
static int session_params(const char *p, struct b2b_sdes *out,
			  const char **why)
{
	while (*p) {
		uint64_t v;

		if (strncmp(p, "WSH=", 4))
			return fail(-ENOTSUP, "unsupported session parameter",
				    why, out);
		p += 4;
		if (digits(&p, 9, &v) || v < 64)
			return fail(-EINVAL, "bad WSH", why, out);
		if (*p && *p != ' ')
			return fail(-EINVAL, "bad WSH", why, out);
		while (*p == ' ')
			p++;
	}
	return 0;
}

int b2b_sdes_parse(const char *value, struct b2b_sdes *out, const char **why)
{
	const char *p = value, *name, *end;
	uint64_t tag;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!value || digits(&p, 9, &tag) || !tag || *p != ' ')
		return fail(-EINVAL, "bad crypto tag", why, out);
	out->tag = (uint32_t)tag;
	name = ++p;
	p = strchr(name, ' ');
	if (!p)
		return fail(-EINVAL, "no key parameters", why, out);
	out->suite = b2b_sdes_suite(name, (size_t)(p - name));
	if (out->suite == FT_SUITE_NONE)
		return fail(-ENOTSUP, "unknown crypto suite", why, out);
	p++;
	end = strchr(p, ' ');
	if (!end)
		end = p + strlen(p);
	ret = key_params(p, end, out, why);
	if (ret)
		return ret;
	while (*end == ' ')
		end++;
	return session_params(end, out, why);
}

int b2b_sdes_generate(struct b2b_sdes *out, uint32_t tag, enum ft_suite suite)
{
	unsigned n = ft_srtp_key_len(suite);

	memset(out, 0, sizeof(*out));
	if (!n || !b2b_sdes_rank(suite) || !tag || tag > B2B_SDES_TAG_MAX)
		return -EINVAL;
	if (RAND_bytes(out->key, (int)n) != 1) {
		b2b_sdes_clear(out);
		return -EIO;
	}
	out->tag = tag;
	out->suite = suite;
	return 0;
}

int b2b_sdes_format(const struct b2b_sdes *c, char *buf, size_t len)
{
	const char *name = b2b_sdes_suite_name(c->suite);
	unsigned n = ft_srtp_key_len(c->suite);
	char b64[B64_MAX];
	size_t need;

	if (len)
		buf[0] = '\0';
	if (!name || !n)
		return -EINVAL;
	EVP_EncodeBlock((unsigned char *)b64, c->key, (int)n);
	/* "<tag> <name> inline:<b64>" */
	need = 10 + 1 + strlen(name) + 8 + strlen(b64);
	if (len < need + 1) {
		OPENSSL_cleanse(b64, sizeof(b64));
		return -ENOSPC;
	}
	need = (size_t)snprintf(buf, len, "%u %s inline:%s", c->tag, name, b64);
	OPENSSL_cleanse(b64, sizeof(b64));
	return (int)need;
}
