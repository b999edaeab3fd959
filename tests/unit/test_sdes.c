/*
 * Unit tests of sdes.c: RFC 4568 a=crypto parsing with the RFC's own
 * examples (sections 5.1, 6.1, 6.3), key generation and formatting, the
 * AEAD_AES_128_GCM suite of RFC 7714 section 12, and bad inputs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sdes.h"

/* RFC 4568 section 5.1's key, without its MKI */
#define KEY "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"

static void test_rfc4568_example(void **state)
{
	static const uint8_t head[] = { 0x3d, 0x2d, 0x6e, 0x40 };
	struct b2b_sdes c;

	(void)state;
	assert_int_equal(b2b_sdes_parse("1 AES_CM_128_HMAC_SHA1_80 inline:"
					KEY "|2^20", &c, NULL), 0);
	assert_int_equal(c.tag, 1);
	assert_int_equal(c.suite, FT_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_memory_equal(c.key, head, sizeof(head));
	assert_int_equal(b2b_sdes_parse("2 AES_CM_128_HMAC_SHA1_32 inline:"
					KEY, &c, NULL), 0);
	assert_int_equal(c.suite, FT_SUITE_AES_CM_128_HMAC_SHA1_32);
	assert_int_equal(b2b_sdes_parse("999999999 AES_CM_128_HMAC_SHA1_32 "
					"inline:" KEY "|1048576 WSH=128",
					&c, NULL), 0);
	assert_int_equal(c.tag, 999999999);
	b2b_sdes_clear(&c);
}

/* MKI, several keys and session parameters are refused with a reason */
static void test_refused(void **state)
{
	struct b2b_sdes c;
	const char *why = NULL;

	(void)state;
	/* RFC 4568 section 5.1 as written, with its MKI */
	assert_int_equal(b2b_sdes_parse("1 AES_CM_128_HMAC_SHA1_80 inline:"
					KEY "|2^20|1:32", &c, &why),
			 -ENOTSUP);
	assert_string_equal(why, "MKI not supported");
	/* section 6.1: two keys */
	assert_int_equal(b2b_sdes_parse("1 AES_CM_128_HMAC_SHA1_80 inline:"
					"d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj"
					"|2^20|1:32;inline:" KEY "|2^20|2:32",
					&c, &why), -ENOTSUP);
	assert_string_equal(why, "several keys");
	/* section 6.3 session parameters */
	assert_int_equal(b2b_sdes_parse("1 AES_CM_128_HMAC_SHA1_80 inline:"
					KEY " KDR=1 UNENCRYPTED_SRTCP",
					&c, &why), -ENOTSUP);
	assert_string_equal(why, "unsupported session parameter");
	assert_int_equal(b2b_sdes_parse("1 F8_128_HMAC_SHA1_80 inline:" KEY,
					&c, &why), -ENOTSUP);
	assert_string_equal(why, "unknown crypto suite");
	assert_int_equal(c.suite, FT_SUITE_NONE);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"0 AES_CM_128_HMAC_SHA1_80 inline:" KEY,
		"1234567890 AES_CM_128_HMAC_SHA1_80 inline:" KEY,
		"x AES_CM_128_HMAC_SHA1_80 inline:" KEY,
		"1 AES_CM_128_HMAC_SHA1_80",
		"1 AES_CM_128_HMAC_SHA1_80 ",
		"1 AES_CM_128_HMAC_SHA1_80 uri:" KEY,
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY "x",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB=",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtx*VBR",
		"1 AES_CM_128_HMAC_SHA1_80 inline: " KEY,
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY "|2^49",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY "|2^",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY "|0",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY "|",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY " WSH=12",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY " WSH=128x",
		/* 28 bytes is the GCM length, not AES-CM's */
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaQ==",
		/* GCM: 30 bytes, or unpadded */
		"1 AEAD_AES_128_GCM inline:" KEY,
		"1 AEAD_AES_128_GCM inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaQ",
		/* non-zero bits in the last character: a second spelling */
		"1 AEAD_AES_128_GCM inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaR==",
	};
	struct b2b_sdes c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		assert_int_equal(b2b_sdes_parse(bad[i], &c, &why), -EINVAL);
		assert_non_null(why);
		assert_int_equal(c.suite, FT_SUITE_NONE);
	}
	assert_int_equal(b2b_sdes_parse(NULL, &c, NULL), -EINVAL);
}

/* RFC 7714 section 12: 16-byte key + 12-byte salt, padded base64 */
static void test_gcm(void **state)
{
	struct b2b_sdes c;

	(void)state;
	assert_int_equal(b2b_sdes_parse("7 AEAD_AES_128_GCM inline:"
					"PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaQ==",
					&c, NULL), 0);
	assert_int_equal(c.suite, FT_SUITE_AEAD_AES_128_GCM);
	assert_int_equal(c.key[27], 0x69);
	assert_int_equal(c.key[28], 0);
	b2b_sdes_clear(&c);
}

static void test_generate_format(void **state)
{
	char buf[B2B_SDES_ATTR_MAX];
	struct b2b_sdes a, b, back;

	(void)state;
	for (unsigned i = 0; b2b_sdes_pref(i) != FT_SUITE_NONE; i++) {
		enum ft_suite s = b2b_sdes_pref(i);
		int n;

		assert_int_equal(b2b_sdes_generate(&a, i + 1, s), 0);
		assert_int_equal(b2b_sdes_generate(&b, i + 1, s), 0);
		assert_false(b2b_sdes_equal(&a, &b));
		n = b2b_sdes_format(&a, buf, sizeof(buf));
		assert_true(n > 0 && (size_t)n == strlen(buf));
		assert_int_equal(b2b_sdes_parse(buf, &back, NULL), 0);
		assert_true(b2b_sdes_equal(&a, &back));
		assert_int_equal(back.tag, i + 1);
		assert_int_equal(b2b_sdes_rank(s), i + 1);
	}
	assert_int_equal(b2b_sdes_pref(0), FT_SUITE_AEAD_AES_128_GCM);
	assert_int_equal(b2b_sdes_format(&a, buf, 20), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(b2b_sdes_generate(&a, 0, FT_SUITE_AEAD_AES_128_GCM),
			 -EINVAL);
	assert_int_equal(b2b_sdes_generate(&a, 1, FT_SUITE_NONE), -EINVAL);
	a.suite = FT_SUITE_NONE;
	assert_int_equal(b2b_sdes_format(&a, buf, sizeof(buf)), -EINVAL);
	b2b_sdes_clear(&a);
	b2b_sdes_clear(&b);
	b2b_sdes_clear(&back);
	b2b_sdes_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4568_example),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_gcm),
		cmocka_unit_test(test_generate_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
