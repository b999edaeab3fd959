/*
 * Digest authentication (b2bua/auth.c): the RFC 7616 section 3.9.1
 * example for MD5 and SHA-256, challenge/answer round trips, wrong
 * passwords, stale nonces (injected clock), replayed nonce-counts and
 * malformed credentials.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>

#include "auth.h"

#define REALM "sbc.example"
#define USER "1001"
#define PASSWORD "secret"
#define URI "sip:sbc.example"

static int64_t fake_now = 1000;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

/* lowercase hex H(a:b:c) */
static void ha1(bool sha256, const char *a, const char *b, const char *c,
		char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char buf[512];

	snprintf(buf, sizeof(buf), "%s:%s:%s", a, b, c);
	EVP_Digest(buf, strlen(buf), md, &n, sha256 ? EVP_sha256() : EVP_md5(),
		   NULL);
	for (unsigned int i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

static void rfc7616_example(bool sha256, const char *want)
{
	struct b2b_auth_creds c = {
		.username = "Mufasa",
		.realm = "http-auth@example.org",
		.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
		.uri = "/dir/index.html",
		.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
		.nc = "00000001",
		.sha256 = sha256,
	};
	char h[STORE_HA1_SHA256_LEN + 1], got[STORE_HA1_SHA256_LEN + 1];

	ha1(sha256, c.username, c.realm, "Circle of Life", h);
	assert_int_equal(b2b_auth_response(&c, "GET", h, got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

static void test_rfc7616_md5(void **state)
{
	(void)state;
	rfc7616_example(false, "8ca523f5e9506fed4657c9700eebdbec");
}

static void test_rfc7616_sha256(void **state)
{
	(void)state;
	rfc7616_example(true, "753927fa0e85d155564e2e272a28d180"
			      "2ca10daf4496794697cf8db5856cb6c1");
}

/* The nonce of a challenge. */
static void nonce_of(const char *challenge, char *out)
{
	const char *p = strstr(challenge, "nonce=\"");

	assert_non_null(p);
	p += 7;
	memcpy(out, p, B2B_AUTH_NONCE_LEN);
	out[B2B_AUTH_NONCE_LEN] = '\0';
	assert_int_equal(p[B2B_AUTH_NONCE_LEN], '"');
}

/* A challenge of @a in @ch (B2B_AUTH_CHALLENGE_MAX bytes), its nonce. */
static void challenge_nonce(struct b2b_auth *a, bool sha256, bool stale,
			    char *ch, char *nonce)
{
	assert_non_null(a);
	assert_int_equal(b2b_auth_challenge(a, REALM, sha256, stale, ch,
					    B2B_AUTH_CHALLENGE_MAX), 0);
	nonce_of(ch, nonce);
}

/*
 * An Authorization header answering @nonce with @password, parsed by
 * Sofia-SIP and then by b2b_auth_parse() into @c.
 */
static enum b2b_auth_result answer(su_home_t *home, bool sha256,
				   const char *nonce, const char *nc,
				   const char *password,
				   struct b2b_auth_creds *c)
{
	struct b2b_auth_creds tmp = { .sha256 = sha256 };
	char h[STORE_HA1_SHA256_LEN + 1], resp[STORE_HA1_SHA256_LEN + 1];
	char text[1024];
	sip_authorization_t *au;

	snprintf(tmp.nonce, sizeof(tmp.nonce), "%s", nonce);
	snprintf(tmp.uri, sizeof(tmp.uri), URI);
	snprintf(tmp.cnonce, sizeof(tmp.cnonce), "0a4f113b");
	snprintf(tmp.nc, sizeof(tmp.nc), "%s", nc);
	ha1(sha256, USER, REALM, password, h);
	assert_int_equal(b2b_auth_response(&tmp, "REGISTER", h, resp,
					   sizeof(resp)), 0);
	snprintf(text, sizeof(text), "Digest username=\"" USER "\", realm=\""
		 REALM "\", nonce=\"%s\", uri=\"" URI "\", response=\"%s\", "
		 "algorithm=%s, cnonce=\"0a4f113b\", qop=auth, nc=%s", nonce,
		 resp, sha256 ? "SHA-256" : "MD5", nc);
	au = sip_authorization_make(home, text);
	assert_non_null(au);
	return b2b_auth_parse(au, REALM, c);
}

static void round_trip(bool sha256)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct b2b_auth *a = b2b_auth_new(fake_clock, NULL);
	char ch[B2B_AUTH_CHALLENGE_MAX], nonce[B2B_AUTH_NONCE_LEN + 1];
	char h[STORE_HA1_SHA256_LEN + 1];
	struct b2b_auth_creds c;

	ha1(sha256, USER, REALM, PASSWORD, h);
	challenge_nonce(a, sha256, false, ch, nonce);
	assert_non_null(strstr(ch, sha256 ? "algorithm=SHA-256" :
					    "algorithm=MD5"));
	assert_non_null(strstr(ch, "qop=\"auth\""));
	assert_null(strstr(ch, "stale"));

	assert_int_equal(answer(home, sha256, nonce, "00000001", PASSWORD, &c),
			 B2B_AUTH_OK);
	assert_string_equal(c.username, USER);
	assert_int_equal(c.sha256, sha256);
	assert_int_equal(b2b_auth_verify(a, &c, "REGISTER", h), B2B_AUTH_OK);
	/* the same nc again is a replay */
	assert_int_equal(b2b_auth_verify(a, &c, "REGISTER", h),
			 B2B_AUTH_FAILED);
	/* the next nc is fine, a lower one again a replay */
	assert_int_equal(answer(home, sha256, nonce, "00000003", PASSWORD, &c),
			 B2B_AUTH_OK);
	assert_int_equal(b2b_auth_verify(a, &c, "REGISTER", h), B2B_AUTH_OK);
	assert_int_equal(answer(home, sha256, nonce, "00000002", PASSWORD, &c),
			 B2B_AUTH_OK);
	assert_int_equal(b2b_auth_verify(a, &c, "REGISTER", h),
			 B2B_AUTH_FAILED);
	/* the response covers the method */
	assert_int_equal(answer(home, sha256, nonce, "00000004", PASSWORD, &c),
			 B2B_AUTH_OK);
	assert_int_equal(b2b_auth_verify(a, &c, "INVITE", h), B2B_AUTH_FAILED);
	b2b_auth_free(a);
	su_home_deinit(home);
}

static void test_round_trip_md5(void **state)
{
	(void)state;
	round_trip(false);
}

static void test_round_trip_sha256(void **state)
{
	(void)state;
	round_trip(true);
}

static void test_wrong_password(void **state)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct b2b_auth *a = b2b_auth_new(fake_clock, NULL);
	char ch[B2B_AUTH_CHALLENGE_MAX], nonce[B2B_AUTH_NONCE_LEN + 1];
	char h[STORE_HA1_SHA256_LEN + 1];
	struct b2b_auth_creds c;

	(void)state;
	challenge_nonce(a, true, false, ch, nonce);
	ha1(true, USER, REALM, PASSWORD, h);
	assert_int_equal(answer(home, true, nonce, "00000001", "guess", &c),
			 B2B_AUTH_OK);
	assert_int_equal(b2b_auth_verify(a, &c, "REGISTER", h),
			 B2B_AUTH_FAILED);
	/* an unknown user fails the same way */
	assert_int_equal(b2b_auth_verify(a, &c, "REGISTER", NULL),
			 B2B_AUTH_FAILED);
	b2b_auth_free(a);
	su_home_deinit(home);
}

static void test_stale(void **state)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct b2b_auth *a = b2b_auth_new(fake_clock, NULL);
	struct b2b_auth *other = b2b_auth_new(fake_clock, NULL);
	char ch[B2B_AUTH_CHALLENGE_MAX], nonce[B2B_AUTH_NONCE_LEN + 1];
	char h[STORE_HA1_SHA256_LEN + 1];
	struct b2b_auth_creds c;

	(void)state;
	fake_now = 5000;
	challenge_nonce(a, true, true, ch, nonce);
	assert_non_null(strstr(ch, "stale=true"));
	ha1(true, USER, REALM, PASSWORD, h);
	assert_int_equal(answer(home, true, nonce, "00000001", PASSWORD, &c),
			 B2B_AUTH_OK);
	/* another process (a restart) did not issue it */
	assert_int_equal(b2b_auth_verify(other, &c, "REGISTER", h),
			 B2B_AUTH_STALE);
	/* a tampered nonce is not ours either */
	c.nonce[0] = c.nonce[0] == '0' ? '1' : '0';
	assert_int_equal(b2b_auth_verify(a, &c, "REGISTER", h),
			 B2B_AUTH_STALE);
	c.nonce[0] = nonce[0];
	fake_now += B2B_AUTH_NONCE_TTL;
	assert_int_equal(b2b_auth_verify(a, &c, "REGISTER", h), B2B_AUTH_OK);
	fake_now += 1;
	assert_int_equal(answer(home, true, nonce, "00000002", PASSWORD, &c),
			 B2B_AUTH_OK);
	assert_int_equal(b2b_auth_verify(a, &c, "REGISTER", h),
			 B2B_AUTH_STALE);
	b2b_auth_free(a);
	b2b_auth_free(other);
	su_home_deinit(home);
}

/* b2b_auth_parse() of one header text. */
static enum b2b_auth_result parse(const char *text)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct b2b_auth_creds c;
	sip_authorization_t *au = sip_authorization_make(home, text);
	enum b2b_auth_result r;

	assert_non_null(au);
	r = b2b_auth_parse(au, REALM, &c);
	su_home_deinit(home);
	return r;
}

#define GOOD_PARAMS "username=\"1001\", nonce=\"abc\", uri=\"sip:x\", " \
	"response=\"00\", cnonce=\"c\", nc=00000001"

static void test_malformed(void **state)
{
	struct b2b_auth *a = b2b_auth_new(fake_clock, NULL);
	struct b2b_auth_creds c = { 0 };
	char ch[B2B_AUTH_CHALLENGE_MAX];

	(void)state;
	assert_int_equal(b2b_auth_parse(NULL, REALM, &c), B2B_AUTH_NONE);
	assert_int_equal(parse("Digest realm=\"" REALM "\", qop=auth, "
			       GOOD_PARAMS), B2B_AUTH_OK);
	/* other realm, other scheme: not for us */
	assert_int_equal(parse("Digest realm=\"other\", qop=auth, "
			       GOOD_PARAMS), B2B_AUTH_NONE);
	assert_int_equal(parse("Basic realm=\"" REALM "\""), B2B_AUTH_NONE);
	/* a missing parameter, qop other than auth, unknown algorithm */
	assert_int_equal(parse("Digest realm=\"" REALM "\", username=\"1001\", "
			       "nonce=\"abc\", uri=\"sip:x\", response=\"00\", "
			       "qop=auth, nc=00000001"), B2B_AUTH_MALFORMED);
	assert_int_equal(parse("Digest realm=\"" REALM "\", " GOOD_PARAMS),
			 B2B_AUTH_MALFORMED);
	assert_int_equal(parse("Digest realm=\"" REALM "\", qop=auth-int, "
			       GOOD_PARAMS), B2B_AUTH_MALFORMED);
	assert_int_equal(parse("Digest realm=\"" REALM "\", qop=auth, "
			       "algorithm=SHA-512-256, " GOOD_PARAMS),
			 B2B_AUTH_MALFORMED);
	assert_int_equal(parse("Digest realm=\"" REALM "\", qop=auth, "
			       "algorithm=MD5-sess, " GOOD_PARAMS),
			 B2B_AUTH_MALFORMED);
	/* an over-long username */
	assert_int_equal(parse("Digest realm=\"" REALM "\", qop=auth, "
			       "username=\"" "0123456789012345678901234567890123"
			       "456789012345678901234567890123456789\", "
			       "nonce=\"abc\", uri=\"sip:x\", response=\"00\", "
			       "cnonce=\"c\", nc=00000001"), B2B_AUTH_MALFORMED);
	/* a nonce that is no hex of the right length is stale, a bad nc
	 * malformed */
	snprintf(c.realm, sizeof(c.realm), REALM);
	snprintf(c.nonce, sizeof(c.nonce), "not-a-nonce");
	snprintf(c.nc, sizeof(c.nc), "00000001");
	assert_int_equal(b2b_auth_verify(a, &c, "INVITE", "00"),
			 B2B_AUTH_STALE);
	assert_int_equal(b2b_auth_challenge(a, REALM, false, false, ch,
					    sizeof(ch)), 0);
	nonce_of(ch, c.nonce);
	snprintf(c.nc, sizeof(c.nc), "0000000g");
	assert_int_equal(b2b_auth_verify(a, &c, "INVITE", "00"),
			 B2B_AUTH_MALFORMED);
	/* a realm that would break the header is refused */
	assert_int_equal(b2b_auth_challenge(a, "a\"b", true, false, ch,
					    sizeof(ch)), -EINVAL);
	assert_int_equal(b2b_auth_challenge(a, "", true, false, ch,
					    sizeof(ch)), -EINVAL);
	b2b_auth_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7616_md5),
		cmocka_unit_test(test_rfc7616_sha256),
		cmocka_unit_test(test_round_trip_md5),
		cmocka_unit_test(test_round_trip_sha256),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
