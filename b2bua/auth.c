/*
 * Digest authentication: nonces, challenges, parsing of credentials and
 * the response check.  See auth.h for the nonce format and the rules; the
 * SIP side (which header, 401 or 407, 403 after a bad response) is in
 * subscriber.c.
 */
#include "auth.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <sofia-sip/msg_header.h>

#define SECRET_LEN 32
#define MAC_LEN 16
#define NONCE_RAW (8 + 8 + MAC_LEN)
#define PROBES 8		/* nc table slots tried per nonce */

/* The nonce-count last accepted for one nonce. */
struct nc_slot {
	uint64_t id;		/* the nonce's random part; 0 = free */
	int64_t issued;		/* the nonce's time stamp */
	uint32_t nc;
};

struct b2b_auth {
	unsigned char secret[SECRET_LEN];
	b2b_auth_clock_fn *clock;
	void *clock_arg;
	struct nc_slot slots[B2B_AUTH_NC_SLOTS];
};

static int64_t mono_clock(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

struct b2b_auth *b2b_auth_new(b2b_auth_clock_fn *clock, void *clock_arg)
{
	struct b2b_auth *a = calloc(1, sizeof(*a));

	if (!a) {
		errno = ENOMEM;
		return NULL;
	}
	if (RAND_bytes(a->secret, sizeof(a->secret)) != 1) {
		free(a);
		errno = EIO;
		return NULL;
	}
	a->clock = clock ? clock : mono_clock;
	a->clock_arg = clock_arg;
	return a;
}

void b2b_auth_free(struct b2b_auth *a)
{
	if (!a)
		return;
	OPENSSL_cleanse(a->secret, sizeof(a->secret));
	free(a);
}

static void hex_put(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hex_get(const char *in, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(in + 2 * i, "%2x", &v) != 1 ||
		    !strchr("0123456789abcdef", in[2 * i]) ||
		    !strchr("0123456789abcdef", in[2 * i + 1]))
			return -EINVAL;
		out[i] = (unsigned char)v;
	}
	return in[2 * n] ? -EINVAL : 0;
}

/* MAC of a nonce's time and random part, bound to the realm. */
static int nonce_mac(const struct b2b_auth *a, const unsigned char *head,
		     const char *realm, unsigned char *mac)
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[16 + STORE_ID_MAX];
	unsigned int len = 0;
	size_t rlen = strlen(realm);

	if (rlen >= STORE_ID_MAX)
		return -EINVAL;
	memcpy(buf, head, 16);
	memcpy(buf + 16, realm, rlen);
	if (!HMAC(EVP_sha256(), a->secret, SECRET_LEN, buf, 16 + rlen, md, &len))
		return -EIO;
	memcpy(mac, md, MAC_LEN);
	return 0;
}

static bool realm_ok(const char *realm)
{
	for (const unsigned char *p = (const unsigned char *)realm; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			return false;
	return *realm && strlen(realm) < STORE_ID_MAX;
}

int b2b_auth_challenge(struct b2b_auth *a, const char *realm, bool sha256,
		       bool stale, char *out, size_t len)
{
	unsigned char raw[NONCE_RAW];
	char nonce[B2B_AUTH_NONCE_LEN + 1];
	uint64_t now = (uint64_t)a->clock(a->clock_arg);
	int n, rc;

	if (!realm_ok(realm))
		return -EINVAL;
	for (int i = 0; i < 8; i++)
		raw[i] = (unsigned char)(now >> (56 - 8 * i));
	if (RAND_bytes(raw + 8, 8) != 1)
		return -EIO;
	rc = nonce_mac(a, raw, realm, raw + 16);
	if (rc < 0)
		return rc;
	hex_put(raw, sizeof(raw), nonce);
	n = snprintf(out, len, "Digest realm=\"%s\", nonce=\"%s\", qop=\"auth\", "
		     "algorithm=%s%s", realm, nonce, sha256 ? "SHA-256" : "MD5",
		     stale ? ", stale=true" : "");
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/*
 * Parameter @name of @params, unquoted into @buf.  RFC 7616 section 3.4:
 * quoted-string values may hold quoted-pairs.  Returns 0, -ENOENT, or
 * -EINVAL (too long, unterminated quote, empty when @quoted).
 */
static int param_get(msg_param_t const *params, const char *name,
		     bool quoted, char *buf, size_t len)
{
	const char *v = msg_params_find(params, name);
	size_t n = 0;

	if (!v)
		return -ENOENT;
	if (*v != '"') {
		if (quoted || strlen(v) >= len)
			return -EINVAL;
		strcpy(buf, v);
		return 0;
	}
	for (v++; *v && *v != '"'; v++) {
		if (*v == '\\' && v[1])
			v++;
		if (n + 1 >= len)
			return -EINVAL;
		buf[n++] = *v;
	}
	buf[n] = '\0';
	return *v == '"' && !v[1] ? 0 : -EINVAL;
}

enum b2b_auth_result b2b_auth_parse(const msg_auth_t *au, const char *realm,
				    struct b2b_auth_creds *out)
{
	char qop[8], alg[16] = "MD5";
	int rc;

	for (; au; au = au->au_next) {
		char r[STORE_ID_MAX];

		if (!au->au_scheme || strcasecmp(au->au_scheme, "Digest") ||
		    param_get(au->au_params, "realm=", true, r, sizeof(r)) ||
		    strcmp(r, realm))
			continue;
		memset(out, 0, sizeof(*out));
		memcpy(out->realm, r, sizeof(r));
		rc = param_get(au->au_params, "algorithm=", false, alg,
			       sizeof(alg));
		if (rc == -EINVAL)
			return B2B_AUTH_MALFORMED;
		if (!strcasecmp(alg, "SHA-256"))
			out->sha256 = true;
		else if (strcasecmp(alg, "MD5"))
			return B2B_AUTH_MALFORMED;
		if (param_get(au->au_params, "username=", true, out->username,
			      sizeof(out->username)) ||
		    param_get(au->au_params, "nonce=", true, out->nonce,
			      sizeof(out->nonce)) ||
		    param_get(au->au_params, "uri=", true, out->uri,
			      sizeof(out->uri)) ||
		    param_get(au->au_params, "response=", true, out->response,
			      sizeof(out->response)) ||
		    param_get(au->au_params, "cnonce=", true, out->cnonce,
			      sizeof(out->cnonce)) ||
		    param_get(au->au_params, "nc=", false, out->nc,
			      sizeof(out->nc)) ||
		    param_get(au->au_params, "qop=", false, qop, sizeof(qop)) ||
		    strcasecmp(qop, "auth"))
			return B2B_AUTH_MALFORMED;
		return B2B_AUTH_OK;
	}
	return B2B_AUTH_NONE;
}

/* Lowercase hex of H(parts joined by ':'), NULL-terminated list. */
static int digest_hex(bool sha256, char *out, size_t len, ...)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	const char *part;
	bool ok, first = true;
	va_list ap;

	ok = c && EVP_DigestInit_ex(c, sha256 ? EVP_sha256() : EVP_md5(), NULL);
	va_start(ap, len);
	while (ok && (part = va_arg(ap, const char *))) {
		ok = (first || EVP_DigestUpdate(c, ":", 1)) &&
		     EVP_DigestUpdate(c, part, strlen(part));
		first = false;
	}
	va_end(ap);
	ok = ok && EVP_DigestFinal_ex(c, md, &n) && 2 * (size_t)n < len;
	EVP_MD_CTX_free(c);
	if (!ok)
		return -EIO;
	hex_put(md, n, out);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

int b2b_auth_response(const struct b2b_auth_creds *c, const char *method,
		      const char *ha1_hex, char *out, size_t len)
{
	char ha2[STORE_HA1_SHA256_LEN + 1];
	int rc = digest_hex(c->sha256, ha2, sizeof(ha2), method, c->uri,
			    (const char *)NULL);

	if (rc == 0)
		rc = digest_hex(c->sha256, out, len, ha1_hex, c->nonce, c->nc,
				c->cnonce, "auth", ha2, (const char *)NULL);
	return rc;
}

/*
 * Accept nonce-count @nc for nonce @id issued at @issued: it must be above
 * the last one accepted.  Expired slots are reused.
 */
static enum b2b_auth_result nc_take(struct b2b_auth *a, uint64_t id,
				    int64_t issued, uint32_t nc, int64_t now)
{
	struct nc_slot *free_slot = NULL;

	for (unsigned i = 0; i < PROBES; i++) {
		struct nc_slot *s =
			&a->slots[(id + i) & (B2B_AUTH_NC_SLOTS - 1)];

		if (s->id == id && s->issued == issued) {
			if (nc <= s->nc)
				return B2B_AUTH_FAILED;
			s->nc = nc;
			return B2B_AUTH_OK;
		}
		if (!free_slot && (!s->id ||
				   now - s->issued > B2B_AUTH_NONCE_TTL))
			free_slot = s;
	}
	if (!free_slot)
		return B2B_AUTH_STALE;
	free_slot->id = id;
	free_slot->issued = issued;
	free_slot->nc = nc;
	return B2B_AUTH_OK;
}

enum b2b_auth_result b2b_auth_verify(struct b2b_auth *a,
				     const struct b2b_auth_creds *c,
				     const char *method, const char *ha1_hex)
{
	unsigned char raw[NONCE_RAW], mac[MAC_LEN];
	char want[STORE_HA1_SHA256_LEN + 1], got[sizeof(c->response)];
	int64_t now = a->clock(a->clock_arg), issued = 0;
	uint64_t id = 0;
	unsigned long nc;
	size_t rlen;
	bool ok;

	if (strlen(c->nonce) != B2B_AUTH_NONCE_LEN ||
	    hex_get(c->nonce, raw, sizeof(raw)) < 0 ||
	    nonce_mac(a, raw, c->realm, mac) < 0 ||
	    CRYPTO_memcmp(mac, raw + 16, MAC_LEN))
		return B2B_AUTH_STALE;
	for (int i = 0; i < 8; i++) {
		issued = (int64_t)(((uint64_t)issued << 8) | raw[i]);
		id = (id << 8) | raw[8 + i];
	}
	if (now - issued > B2B_AUTH_NONCE_TTL || issued > now)
		return B2B_AUTH_STALE;
	if (strlen(c->nc) != 8 || strspn(c->nc, "0123456789abcdefABCDEF") != 8)
		return B2B_AUTH_MALFORMED;
	nc = strtoul(c->nc, NULL, 16);
	if (!ha1_hex || !*ha1_hex || nc == 0)
		return B2B_AUTH_FAILED;
	if (b2b_auth_response(c, method, ha1_hex, want, sizeof(want)) < 0)
		return B2B_AUTH_FAILED;
	rlen = strlen(c->response);
	for (size_t i = 0; i <= rlen; i++)
		got[i] = (char)(c->response[i] >= 'A' && c->response[i] <= 'F' ?
				c->response[i] + 32 : c->response[i]);
	ok = rlen == strlen(want) && !CRYPTO_memcmp(got, want, rlen);
	OPENSSL_cleanse(want, sizeof(want));
	if (!ok)
		return B2B_AUTH_FAILED;
	return nc_take(a, id ? id : 1, issued, (uint32_t)nc, now);
}
