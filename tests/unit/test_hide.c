/*
 * Unit tests of hide.c: which headers of a parsed SIP message cross to the
 * other leg.  Messages are parsed with Sofia-SIP's own parser; no network.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_parser.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_tag_io.h>

#include "hide.h"

static const char invite[] =
	"INVITE sip:15551234@10.10.1.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.10.1.10:5070;branch=z9hG4bK-1\r\n"
	"Record-Route: <sip:10.10.1.20;lr>\r\n"
	"From: <sip:2001@10.10.1.10>;tag=a1\r\n"
	"To: <sip:15551234@10.10.1.1>\r\n"
	"Call-ID: secret-call-id@10.10.1.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:2001@10.10.1.10:5070>\r\n"
	"Max-Forwards: 70\r\n"
	"User-Agent: PBX 1.0\r\n"
	"P-Asserted-Identity: <sip:2001@10.10.1.10>\r\n"
	"P-Preferred-Identity: <sip:2001@10.10.1.10>\r\n"
	"Remote-Party-ID: <sip:2001@10.10.1.10>;party=calling\r\n"
	"X-Internal-Route: pbx-10.10.1.10\r\n"
	"Subject: hello\r\n"
	"Supported: 100rel, timer, resource-priority\r\n"
	"Require: answermode, 100rel\r\n"
	"Allow: INVITE, ACK, BYE\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 10\r\n"
	"\r\n"
	"v=0\r\ns=-\r\n";

static const char busy[] =
	"SIP/2.0 503 Gateway Overloaded\r\n"
	"Via: SIP/2.0/UDP 10.10.2.1;branch=z9hG4bK-2\r\n"
	"From: <sip:2001@10.10.2.1>;tag=b1\r\n"
	"To: <sip:15551234@10.10.2.10>;tag=b2\r\n"
	"Call-ID: carrier-id\r\n"
	"CSeq: 1 INVITE\r\n"
	"Server: carrier-switch 9\r\n"
	"Retry-After: 7\r\n"
	"Reason: Q.850;cause=34\r\n"
	"Warning: 399 10.10.2.10 \"internal\"\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static msg_t *parse(const char *text)
{
	msg_t *msg = msg_make(sip_default_mclass(), 0, text, strlen(text));

	assert_non_null(msg);
	assert_non_null(sip_object(msg));
	return msg;
}

static size_t count(const tagi_t *tags)
{
	size_t n = 0;

	for (; tags && tags->t_tag; tags++)
		n++;
	return n;
}

static void test_invite_allow_list(void **state)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	msg_t *msg = parse(invite);
	tagi_t *tags = b2b_hide_tags(home, sip_object(msg));
	const tagi_t *t;
	sip_payload_t const *pl;

	(void)state;
	assert_non_null(tags);
	/* Content-Type, payload, Allow, Subject, Supported, Require. */
	assert_int_equal(count(tags), 6);
	assert_non_null(tl_find(tags, siptag_content_type));
	t = tl_find(tags, siptag_payload);
	assert_non_null(t);
	pl = (sip_payload_t const *)t->t_value;
	assert_int_equal(pl->pl_len, 10);
	assert_memory_equal(pl->pl_data, "v=0\r\ns=-\r\n", 10);
	t = tl_find(tags, siptag_supported);
	assert_non_null(t);
	assert_string_equal(((sip_supported_t *)t->t_value)->k_items[0],
			    "resource-priority");
	assert_null(((sip_supported_t *)t->t_value)->k_items[1]);
	t = tl_find(tags, siptag_require);
	assert_string_equal(((sip_require_t *)t->t_value)->k_items[0],
			    "answermode");
	for (t = tags; t->t_tag; t++) {
		assert_ptr_not_equal(t->t_tag, siptag_user_agent);
		assert_ptr_not_equal(t->t_tag, siptag_via);
		assert_ptr_not_equal(t->t_tag, siptag_contact);
		assert_ptr_not_equal(t->t_tag, siptag_record_route);
		assert_ptr_not_equal(t->t_tag, siptag_call_id);
		assert_ptr_not_equal(t->t_tag, siptag_unknown);
	}
	msg_destroy(msg);
	su_home_deinit(home);
}

static void test_response_keeps_retry_after(void **state)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	msg_t *msg = parse(busy);
	tagi_t *tags = b2b_hide_tags(home, sip_object(msg));
	const tagi_t *t;

	(void)state;
	assert_int_equal(count(tags), 2);
	t = tl_find(tags, siptag_retry_after);
	assert_non_null(t);
	assert_int_equal(((sip_retry_after_t *)t->t_value)->af_delta, 7);
	assert_non_null(tl_find(tags, siptag_reason));
	assert_null(tl_find(tags, siptag_server));
	assert_null(tl_find(tags, siptag_warning));
	msg_destroy(msg);
	su_home_deinit(home);
}

static void test_copies_outlive_message(void **state)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	msg_t *msg = parse(busy);
	tagi_t *tags = b2b_hide_tags(home, sip_object(msg));

	(void)state;
	msg_destroy(msg);
	assert_int_equal(((sip_retry_after_t *)
		tl_find(tags, siptag_retry_after)->t_value)->af_delta, 7);
	su_home_deinit(home);
}

static void test_null_and_options(void **state)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };

	(void)state;
	assert_int_equal(count(b2b_hide_tags(home, NULL)), 0);
	assert_true(b2b_hide_option_ok("Resource-Priority"));
	assert_false(b2b_hide_option_ok("100rel"));
	assert_false(b2b_hide_option_ok("timer"));
	assert_false(b2b_hide_option_ok("replaces"));
	su_home_deinit(home);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invite_allow_list),
		cmocka_unit_test(test_response_keeps_retry_after),
		cmocka_unit_test(test_copies_outlive_message),
		cmocka_unit_test(test_null_and_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
