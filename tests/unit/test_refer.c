/*
 * Unit tests of refer.c: the Refer-To relayed on the other leg keeps only
 * the referred user (number) and points at the SBC; a NOTIFY's sipfrag
 * keeps only its status line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "refer.h"

static void check(const char *in, const char *host, unsigned port,
		  const char *want)
{
	char out[B2B_REFER_TO_MAX];

	assert_int_equal(b2b_refer_to_rewrite(in, host, port, out,
					      sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_host_replaced(void **state)
{
	(void)state;
	check("<sip:2003@10.10.2.10:5060;transport=udp>", "10.10.1.1", 5060,
	      "<sip:2003@10.10.1.1:5060>");
	check("sip:+15551234@carrier.example.net", "10.10.2.1", 5060,
	      "<sip:+15551234@10.10.2.1:5060>");
	check("\"Bob\" <sips:bob@10.10.1.10>;x=1", "10.10.2.1", 0,
	      "<sip:bob@10.10.2.1>");
	check("<sip:2003@[2001:db8::10]:5062>", "[2001:db8::1]", 5060,
	      "<sip:2003@[2001:db8::1]:5060>");
}

/* Replaces (RFC 3891) names the far side's Call-ID and tags: dropped */
static void test_embedded_headers_dropped(void **state)
{
	char out[B2B_REFER_TO_MAX];

	(void)state;
	assert_int_equal(b2b_refer_to_rewrite(
		"<sip:2003@10.10.2.10?Replaces=abc%4010.10.2.10%3Bto-tag%3D1"
		"%3Bfrom-tag%3D2&Accept-Contact=x>;method=INVITE",
		"10.10.1.1", 5060, out, sizeof(out)), 0);
	assert_string_equal(out, "<sip:2003@10.10.1.1:5060>");
	assert_null(strstr(out, "10.10.2"));
	assert_null(strstr(out, "Replaces"));
}

static void test_tel_and_no_user(void **state)
{
	(void)state;
	check("<tel:+15551234>", "10.10.2.1", 5060,
	      "<sip:+15551234@10.10.2.1:5060>");
	check("<sip:10.10.2.10>", "10.10.1.1", 5060, "<sip:10.10.1.1:5060>");
}

static void test_refused(void **state)
{
	char out[B2B_REFER_TO_MAX];

	(void)state;
	assert_int_equal(b2b_refer_to_rewrite("<http://example.com/x>",
		"10.10.1.1", 5060, out, sizeof(out)), -EPROTONOSUPPORT);
	assert_int_equal(b2b_refer_to_rewrite("<mailto:a@b>", "10.10.1.1",
		5060, out, sizeof(out)), -EPROTONOSUPPORT);
	assert_int_equal(b2b_refer_to_rewrite("", "10.10.1.1", 5060, out,
					      sizeof(out)), -EINVAL);
	assert_int_equal(b2b_refer_to_rewrite(NULL, "10.10.1.1", 5060, out,
					      sizeof(out)), -EINVAL);
	assert_int_equal(b2b_refer_to_rewrite("<sip:a%zz@h>", "10.10.1.1",
		5060, out, sizeof(out)), -EINVAL);
	assert_int_equal(b2b_refer_to_rewrite("<sip:2003@10.10.2.10>",
		"10.10.1.1", 5060, out, 12), -ENOSPC);
}

static void test_sipfrag(void **state)
{
	static const char frag[] =
		"SIP/2.0 200 OK\r\nContact: <sip:10.10.2.10>\r\n"
		"Via: SIP/2.0/UDP 10.10.2.10\r\n";
	char out[64];

	(void)state;
	assert_int_equal(b2b_sipfrag_status(frag, strlen(frag), out,
					    sizeof(out)), 200);
	assert_string_equal(out, "SIP/2.0 200 OK\r\n");
	assert_int_equal(b2b_sipfrag_status("SIP/2.0 100 Trying", 18, out,
					    sizeof(out)), 100);
	assert_string_equal(out, "SIP/2.0 100 Trying\r\n");
	assert_int_equal(b2b_sipfrag_status("SIP/2.0 603\r\n", 13, out,
					    sizeof(out)), 603);
	assert_string_equal(out, "SIP/2.0 603\r\n");
	assert_int_equal(b2b_sipfrag_status("INVITE sip:a@b SIP/2.0", 22,
					    out, sizeof(out)), -EINVAL);
	assert_int_equal(b2b_sipfrag_status("SIP/2.0 99 X", 12, out,
					    sizeof(out)), -EINVAL);
	assert_int_equal(b2b_sipfrag_status("SIP/2.0 2000 X", 14, out,
					    sizeof(out)), -EINVAL);
	assert_int_equal(b2b_sipfrag_status("SIP/2.0 200 O\001K", 15, out,
					    sizeof(out)), -EINVAL);
	assert_int_equal(b2b_sipfrag_status(NULL, 0, out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(b2b_sipfrag_status("SIP/2.0 200 OK", 14, out, 10),
			 -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_replaced),
		cmocka_unit_test(test_embedded_headers_dropped),
		cmocka_unit_test(test_tel_and_no_user),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_sipfrag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
