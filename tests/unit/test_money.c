/*
 * Unit tests of money text conversion (b2bua/money.c): exact parsing into
 * micro-units at the edges (zero, one micro-unit, the int64 limits),
 * refusal of garbage, of a seventh decimal and of overflow, formatting,
 * and the round trip text -> micro-units -> text -> micro-units.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "money.h"

static void parse_expect(const char *text, int64_t want)
{
	int64_t v = 42;

	if (b2b_money_parse(text, &v) != 0)
		fail_msg("'%s' refused", text);
	assert_true(v == want);
}

static void test_parse_good(void **state)
{
	(void)state;
	parse_expect("0", 0);
	parse_expect("-0", 0);
	parse_expect("0.0", 0);
	parse_expect("0.000001", 1);
	parse_expect("-0.000001", -1);
	parse_expect("12.5", 12500000);
	parse_expect("12.50", 12500000);
	parse_expect("12.500000", 12500000);
	parse_expect("-3.25", -3250000);
	parse_expect("0.1", 100000);
	parse_expect("007", 7000000);
	parse_expect("1000000", INT64_C(1000000000000));
	parse_expect("9223372036854.775807", INT64_MAX);
	parse_expect("-9223372036854.775808", INT64_MIN);
	parse_expect("-9223372036854.775807", -INT64_MAX);
}

static void test_parse_bad(void **state)
{
	static const char *const garbage[] = {
		"", "-", ".", ".5", "5.", "-.5", "+1", "1.2345678", "0.0000001",
		"1,50", "1.5.0", "1e3", "0x10", " 1", "1 ", "1.5 ", "--1",
		"1-", "abc", "12.5EUR", "€1", "1.-5", "NaN", "inf",
	};
	static const char *const too_big[] = {
		"9223372036854.775808", "-9223372036854.775809",
		"9223372036855", "99999999999999999999999",
		"18446744073709.551616", "-18446744073709551616",
	};
	int64_t v = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		if (b2b_money_parse(garbage[i], &v) != -EINVAL)
			fail_msg("'%s' not refused with EINVAL", garbage[i]);
	}
	for (size_t i = 0; i < sizeof(too_big) / sizeof(too_big[0]); i++) {
		if (b2b_money_parse(too_big[i], &v) != -ERANGE)
			fail_msg("'%s' not refused with ERANGE", too_big[i]);
	}
	assert_true(v == 42);	/* untouched */
}

static void format_expect(int64_t v, const char *want)
{
	char buf[B2B_MONEY_TEXT_MAX];

	assert_int_equal(b2b_money_format(v, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_format(void **state)
{
	char small[5];

	(void)state;
	format_expect(0, "0.00");
	format_expect(1, "0.000001");
	format_expect(-1, "-0.000001");
	format_expect(10000, "0.01");
	format_expect(12500000, "12.50");
	format_expect(12345678, "12.345678");
	format_expect(12340000, "12.34");
	format_expect(12300000, "12.30");
	format_expect(-3250000, "-3.25");
	format_expect(100000, "0.10");
	format_expect(INT64_MAX, "9223372036854.775807");
	format_expect(INT64_MIN, "-9223372036854.775808");

	assert_int_equal(b2b_money_format(12500000, small, sizeof(small)),
			 -ENOSPC);
	assert_string_equal(small, "");
	assert_int_equal(b2b_money_format(1, small, sizeof(small)), -ENOSPC);
	assert_int_equal(b2b_money_format(0, small, sizeof(small)), 0);
	assert_string_equal(small, "0.00");
	assert_int_equal(b2b_money_format(0, NULL, 0), -ENOSPC);
}

/* format then parse gives the amount back, across magnitudes */
static void test_round_trip(void **state)
{
	const int64_t amounts[] = {
		0, 1, -1, 9, 10, 99, 100000, 999999, 1000000, 1000001,
		-1234567890123, INT64_MAX, INT64_MIN, INT64_MAX - 1,
		INT64_MIN + 1,
	};
	char buf[B2B_MONEY_TEXT_MAX];
	int64_t back;

	(void)state;
	for (size_t i = 0; i < sizeof(amounts) / sizeof(amounts[0]); i++) {
		assert_int_equal(b2b_money_format(amounts[i], buf, sizeof(buf)),
				 0);
		assert_int_equal(b2b_money_parse(buf, &back), 0);
		assert_true(back == amounts[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
