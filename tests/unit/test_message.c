/*
 * Unit tests of the pure parts of MESSAGE handling (b2bua/message_text.c):
 * the balance keyword (case, blanks, near misses), the body check (413
 * at the limit's edge, 400 for a body without Content-Type) and the texts
 * sent to subscribers (money formatting, truncation reported).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "message.h"

static bool kw(const char *body, const char *keyword)
{
	return b2b_message_keyword(body, strlen(body), keyword);
}

static void test_keyword(void **state)
{
	(void)state;
	assert_true(kw("BALANCE", "BALANCE"));
	assert_true(kw("balance", "BALANCE"));
	assert_true(kw("  Balance\r\n", "BALANCE"));
	assert_true(kw("\tbalance \n\n", "BALANCE"));
	assert_false(kw("", "BALANCE"));
	assert_false(kw("   ", "BALANCE"));
	assert_false(kw("BALANC", "BALANCE"));
	assert_false(kw("BALANCES", "BALANCE"));
	assert_false(kw("my balance", "BALANCE"));
	assert_false(kw("BAL ANCE", "BALANCE"));
	assert_false(kw("BALANCE", ""));
	assert_false(b2b_message_keyword(NULL, 0, "BALANCE"));
	/* the length is the body's, not up to a NUL */
	assert_true(b2b_message_keyword("BALANCExyz", 7, "BALANCE"));
	assert_false(b2b_message_keyword("BALANCE", 6, "BALANCE"));
	assert_false(b2b_message_keyword("BAL\0NCE", 7, "BALANCE"));
}

static void test_body_status(void **state)
{
	(void)state;
	assert_int_equal(b2b_message_body_status(true, 0, 1300), 0);
	assert_int_equal(b2b_message_body_status(false, 0, 1300), 0);
	assert_int_equal(b2b_message_body_status(true, 1300, 1300), 0);
	assert_int_equal(b2b_message_body_status(true, 1301, 1300), 413);
	assert_int_equal(b2b_message_body_status(false, 1301, 1300), 413);
	assert_int_equal(b2b_message_body_status(false, 1, 1300), 400);
	assert_int_equal(b2b_message_body_status(true, SIZE_MAX, 65536), 413);
}

static void test_balance_text(void **state)
{
	char buf[B2B_MESSAGE_TEXT_MAX];

	(void)state;
	assert_int_equal(b2b_message_balance_text(buf, sizeof(buf), 12500000,
						  10000000, "EUR"), 0);
	assert_string_equal(buf, "Balance 12.50 EUR, available 10.00 EUR.");
	assert_int_equal(b2b_message_balance_text(buf, sizeof(buf), -3250000,
						  0, "USD"), 0);
	assert_string_equal(buf, "Balance -3.25 USD, available 0.00 USD.");
	assert_int_equal(b2b_message_balance_text(buf, sizeof(buf), 1, 1, ""),
			 0);
	assert_string_equal(buf, "Balance 0.000001, available 0.000001.");
	assert_int_equal(b2b_message_balance_text(buf, sizeof(buf), INT64_MIN,
						  INT64_MAX, "EUR"), 0);
	assert_string_equal(buf, "Balance -9223372036854.775808 EUR, "
			    "available 9223372036854.775807 EUR.");
	assert_int_equal(b2b_message_balance_text(buf, 10, 0, 0, "EUR"),
			 -ENOSPC);
	assert_int_equal(strlen(buf), 9);
	assert_int_equal(b2b_message_balance_text(buf, 0, 0, 0, "EUR"),
			 -ENOSPC);
}

static void test_usage_text(void **state)
{
	char buf[B2B_MESSAGE_TEXT_MAX];

	(void)state;
	assert_int_equal(b2b_message_usage_text(buf, sizeof(buf), "BALANCE",
						"sip:balance@sbc.lab"), 0);
	assert_string_equal(buf, "Send BALANCE to sip:balance@sbc.lab for "
			    "your balance.");
	assert_int_equal(b2b_message_usage_text(buf, 5, "BALANCE", "x"),
			 -ENOSPC);
}

static void test_notice_text(void **state)
{
	char buf[B2B_MESSAGE_TEXT_MAX];

	(void)state;
	assert_int_equal(b2b_message_notice_text(buf, sizeof(buf),
		B2B_NOTICE_REFUSED, "+15551234", 0), 0);
	assert_string_equal(buf, "Call to +15551234 refused: insufficient "
			    "credit.");
	assert_int_equal(b2b_message_notice_text(buf, sizeof(buf),
		B2B_NOTICE_WARNING, "15551234", 30), 0);
	assert_string_equal(buf, "Call to 15551234: credit runs out in 30 s.");
	assert_int_equal(b2b_message_notice_text(buf, sizeof(buf),
		B2B_NOTICE_CUTOFF, "15551234", 0), 0);
	assert_string_equal(buf, "Call to 15551234 cut off: credit "
			    "exhausted.");
	assert_int_equal(b2b_message_notice_text(buf, sizeof(buf),
		(enum b2b_notice)42, "1", 0), -EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(b2b_message_notice_text(buf, 8, B2B_NOTICE_CUTOFF,
						 "15551234", 0), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyword),
		cmocka_unit_test(test_body_status),
		cmocka_unit_test(test_balance_text),
		cmocka_unit_test(test_usage_text),
		cmocka_unit_test(test_notice_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
