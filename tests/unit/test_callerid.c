/*
 * Unit tests of callerid.c: the RFC 3325/3323 caller-ID decision on leg A
 * and the From and identity headers it gives leg B, on INVITEs parsed with
 * Sofia-SIP's own parser; no network.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_parser.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_tag_io.h>

#include "callerid.h"

#define SBC_HOST "10.10.2.1"
#define ANON "\"Anonymous\" <sip:anonymous@anonymous.invalid>"

/* Spoofed identity headers a subscriber or untrusted peer might send. */
#define SPOOF \
	"P-Asserted-Identity: \"Boss\" <sip:+15557770000@bank.example>\r\n" \
	"P-Preferred-Identity: <sip:+15557770001@bank.example>\r\n" \
	"Remote-Party-ID: <sip:+15557770002@bank.example>;party=calling\r\n"

/* Per test: the parsed INVITE and a home for the decision. */
struct fx {
	su_home_t home[1];
	msg_t *msg;
	struct b2b_cid *cid;
};

/* As conf/sbc.conf ships them. */
static const char *const emergency_numbers[] = { "911", "112", NULL };

static const struct b2b_cid_egress to_trusted = { .trusted = true };
static const struct b2b_cid_egress to_untrusted = { .trusted = false };
static const struct b2b_cid_egress to_rpid = { .trusted = true, .rpid = true };

static int setup(void **state)
{
	static struct fx fx;

	memset(&fx, 0, sizeof(fx));
	su_home_init(fx.home);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->msg)
		msg_destroy(fx->msg);
	su_home_deinit(fx->home);
	return 0;
}

/* Parse an INVITE to @number from @from with @extra headers. */
static sip_t const *invite(struct fx *fx, const char *number,
			   const char *from, const char *extra)
{
	char text[2048];
	int n = snprintf(text, sizeof(text),
		"INVITE sip:%s@10.10.1.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.10.1.10:5070;branch=z9hG4bK-1\r\n"
		"From: %s;tag=a1\r\n"
		"To: <sip:%s@10.10.1.1>\r\n"
		"Call-ID: c1@10.10.1.10\r\n"
		"CSeq: 1 INVITE\r\n"
		"Max-Forwards: 70\r\n"
		"%s"
		"Content-Length: 0\r\n"
		"\r\n", number, from, number, extra);

	assert_true(n > 0 && (size_t)n < sizeof(text));
	fx->msg = msg_make(sip_default_mclass(), 0, text, (size_t)n);
	assert_non_null(fx->msg);
	assert_non_null(sip_object(fx->msg));
	return sip_object(fx->msg);
}

static void decide(struct fx *fx, sip_t const *sip,
		   const struct b2b_cid_ingress *in)
{
	fx->cid = b2b_callerid_decide(fx->home, sip, in,
				      emergency_numbers);
	assert_non_null(fx->cid);
}

static struct b2b_cid_ingress peer(bool trusted)
{
	struct b2b_cid_ingress in = { .kind = B2B_CID_PEER, .trusted = trusted };

	return in;
}

static struct b2b_cid_ingress subscriber(const char *emergency_id)
{
	struct b2b_cid_ingress in = {
		.kind = B2B_CID_SUBSCRIBER, .user = "2001",
		.domain = "example.com", .emergency_id = emergency_id,
	};

	return in;
}

/* The identity header toward @eg, or NULL when none is sent. */
static const char *header(struct fx *fx, const struct b2b_cid_egress *eg)
{
	tagi_t *tags = b2b_callerid_tags(fx->home, fx->cid, eg, SBC_HOST, NULL);
	const tagi_t *t;

	assert_non_null(tags);
	t = tl_find(tags, siptag_header_str);
	return t ? (const char *)t->t_value : NULL;
}

/* The Privacy value toward @eg, or NULL. */
static const char *privacy(struct fx *fx, const struct b2b_cid_egress *eg)
{
	tagi_t *tags = b2b_callerid_tags(fx->home, fx->cid, eg, SBC_HOST, NULL);
	const tagi_t *t;

	assert_non_null(tags);
	t = tl_find(tags, siptag_privacy_str);
	return t ? (const char *)t->t_value : NULL;
}

static const char *from(struct fx *fx)
{
	static char buf[256];

	assert_int_equal(b2b_callerid_from(fx->cid, "2001", SBC_HOST, buf,
					   sizeof(buf)), 0);
	return buf;
}

static void test_subscriber_spoof_replaced(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = subscriber(NULL);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>", SPOOF), &in);
	assert_string_equal(header(fx, &to_untrusted),
			    "P-Asserted-Identity: <sip:2001@example.com>");
	assert_string_equal(header(fx, &to_trusted),
			    "P-Asserted-Identity: <sip:2001@example.com>");
	assert_null(privacy(fx, &to_trusted));
	assert_string_equal(from(fx), "<sip:2001@" SBC_HOST ">");
}

static void test_trusted_peer_pai_kept(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = peer(true);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>",
		"P-Asserted-Identity: \"Al\" <sip:+15551230001@pbx.example;user=phone>\r\n"
		"P-Asserted-Identity: <tel:+15551230001>\r\n"), &in);
	assert_int_equal(fx->cid->n_ids, 2);
	assert_string_equal(header(fx, &to_untrusted),
		"P-Asserted-Identity: \"Al\" <sip:+15551230001@pbx.example>, "
		"<tel:+15551230001>");
}

static void test_trusted_peer_address_hidden(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = peer(true);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>",
		"P-Asserted-Identity: <sip:2001@10.10.1.10:5070>\r\n"), &in);
	assert_string_equal(header(fx, &to_trusted),
			    "P-Asserted-Identity: <sip:2001@" SBC_HOST ">");
}

static void test_trusted_peer_rpid_only(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = peer(true);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>",
		"Remote-Party-ID: <sip:2002@pbx.example>;party=called\r\n"
		"Remote-Party-ID: <sip:2001@pbx.example>;party=calling\r\n"),
	       &in);
	assert_string_equal(header(fx, &to_trusted),
			    "P-Asserted-Identity: <sip:2001@pbx.example>");
}

static void test_untrusted_peer_pai_removed(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = peer(false);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>", SPOOF), &in);
	assert_int_equal(fx->cid->n_ids, 0);
	assert_null(header(fx, &to_trusted));
	assert_null(header(fx, &to_untrusted));
	assert_string_equal(from(fx), "<sip:2001@" SBC_HOST ">");
}

static void test_privacy_id_trusted_egress(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = peer(true);

	decide(fx, invite(fx, "15551234", "\"Al\" <sip:2001@10.10.1.10>",
		"P-Asserted-Identity: <sip:2001@pbx.example>\r\n"
		"Privacy: id\r\n"), &in);
	assert_true(fx->cid->privacy_id);
	assert_string_equal(header(fx, &to_trusted),
			    "P-Asserted-Identity: <sip:2001@pbx.example>");
	assert_string_equal(privacy(fx, &to_trusted), "id");
	assert_string_equal(from(fx), ANON);
}

static void test_privacy_id_untrusted_egress(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = subscriber(NULL);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>",
		"Privacy: id\r\n"), &in);
	assert_null(header(fx, &to_untrusted));
	assert_null(privacy(fx, &to_untrusted));
	assert_string_equal(from(fx), ANON);
}

static void test_privacy_none_and_user(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = subscriber(NULL);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>",
		"Privacy: none\r\n"), &in);
	assert_false(fx->cid->privacy_id);
	assert_string_equal(header(fx, &to_untrusted),
			    "P-Asserted-Identity: <sip:2001@example.com>");
	assert_string_equal(privacy(fx, &to_trusted), "none");
	assert_null(privacy(fx, &to_untrusted));
	assert_string_equal(from(fx), "<sip:2001@" SBC_HOST ">");

	msg_destroy(fx->msg);
	/* "user" hides From; the identity still goes everywhere. */
	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>",
		"Privacy: user\r\nPrivacy: critical\r\n"), &in);
	assert_false(fx->cid->privacy_id);
	assert_string_equal(from(fx), ANON);
	assert_non_null(header(fx, &to_untrusted));
	assert_string_equal(privacy(fx, &to_trusted), "user;critical");
}

static void test_rpid_mode(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = subscriber(NULL);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>", SPOOF), &in);
	assert_string_equal(header(fx, &to_rpid),
		"Remote-Party-ID: <sip:2001@example.com>;party=calling;"
		"screen=yes;privacy=off");

	msg_destroy(fx->msg);
	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>",
		"Privacy: id\r\n"), &in);
	assert_string_equal(header(fx, &to_rpid),
		"Remote-Party-ID: <sip:2001@example.com>;party=calling;"
		"screen=yes;privacy=full");
}

static void test_emergency_trusted_pai_first(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = peer(true);

	decide(fx, invite(fx, "911", "<sip:+15553334444@pbx.example>",
		"P-Asserted-Identity: <sip:+1(555)222-3333@pbx.example>\r\n"
		"P-Preferred-Identity: <sip:+15551110000@pbx.example>\r\n"),
	       &in);
	assert_true(fx->cid->emergency);
	assert_true(fx->cid->screened);
	assert_string_equal(header(fx, &to_untrusted),
			    "P-Asserted-Identity: <tel:+15552223333>");
}

static void test_emergency_untrusted_pai_skipped(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = peer(false);

	decide(fx, invite(fx, "112", "<sip:2001@pbx.example>",
		"P-Asserted-Identity: <sip:+15552223333@pbx.example>\r\n"
		"P-Preferred-Identity: <sip:+442071234567@pbx.example>\r\n"),
	       &in);
	assert_string_equal(header(fx, &to_trusted),
			    "P-Asserted-Identity: <tel:+442071234567>");
	assert_false(fx->cid->screened);
}

static void test_emergency_from_nanp_11_digits(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = peer(false);

	decide(fx, invite(fx, "911", "<sip:15552345678@pbx.example>", ""), &in);
	assert_string_equal(header(fx, &to_trusted),
			    "P-Asserted-Identity: <tel:+15552345678>");
}

static void test_emergency_falls_back_to_emergency_id(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = subscriber("+15559876543");

	/* PAI from a subscriber is never used; PPI, From, 2001 are invalid. */
	decide(fx, invite(fx, "911", "<sip:2001@10.10.1.10>",
		"P-Asserted-Identity: <sip:+15552223333@pbx.example>\r\n"
		"P-Preferred-Identity: <sip:+1555123@pbx.example>\r\n"), &in);
	assert_true(fx->cid->screened);
	assert_string_equal(header(fx, &to_untrusted),
			    "P-Asserted-Identity: <tel:+15559876543>");
}

static void test_emergency_nothing_valid_still_routed(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = subscriber("0800");

	decide(fx, invite(fx, "911", "<sip:2001@10.10.1.10>",
		"P-Preferred-Identity: \"Me\" <sip:12345@pbx.example>\r\n"),
	       &in);
	assert_false(fx->cid->screened);
	assert_string_equal(header(fx, &to_rpid),
		"Remote-Party-ID: \"Me\" <sip:12345@pbx.example>;party=calling;"
		"screen=no;privacy=off");

	msg_destroy(fx->msg);
	in = peer(false);
	decide(fx, invite(fx, "911", "<sip:10.10.1.10>", ""), &in);
	assert_int_equal(fx->cid->n_ids, 0);
	assert_null(header(fx, &to_trusted));
}

static void test_emergency_overrides_privacy_for_identity(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = subscriber("+15559876543");

	decide(fx, invite(fx, "911", "<sip:2001@10.10.1.10>",
		"Privacy: id\r\n"), &in);
	assert_string_equal(header(fx, &to_untrusted),
			    "P-Asserted-Identity: <tel:+15559876543>");
	assert_null(privacy(fx, &to_untrusted));
	assert_string_equal(from(fx), ANON);
}

static void test_not_emergency_without_list(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = subscriber("+15559876543");

	fx->cid = b2b_callerid_decide(fx->home,
		invite(fx, "911", "<sip:2001@10.10.1.10>", ""), &in, NULL);
	assert_non_null(fx->cid);
	assert_false(fx->cid->emergency);
	assert_string_equal(header(fx, &to_trusted),
			    "P-Asserted-Identity: <sip:2001@example.com>");
}

static void test_number_validation(void **state)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "+15552345678", "+15552345678" },
		{ "15552345678", "+15552345678" },
		{ "+1-555-234-5678", "+15552345678" },
		{ "+15552345678;npdi", "+15552345678" },
		{ "+442071234567", "+442071234567" },
		{ "+4930123", "+4930123" },
		{ "+493012345678901", "+493012345678901" },
	};
	static const char *const bad[] = {
		"", "+", "2001", "5552345678", "+1555234567", "+155523456789",
		"+15551234567", "+10552345678", "+15550345678", "25552345678",
		"+0441234567", "+493012", "+4930123456789012", "+4420a1234567",
		"anonymous", "1555234567x",
	};
	char out[B2B_CID_NUMBER_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(b2b_callerid_number(ok[i].in, out, sizeof(out)),
				 0);
		assert_string_equal(out, ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (b2b_callerid_number(bad[i], out, sizeof(out)) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_string_equal(out, "");
	}
	assert_int_equal(b2b_callerid_number(NULL, out, sizeof(out)), -EINVAL);
	assert_int_equal(b2b_callerid_number("+15552345678", out, 8), -ENOSPC);
}

static void test_tags_chain_and_no_decision(void **state)
{
	struct fx *fx = *state;
	tagi_t next[] = { { SIPTAG_SUBJECT_STR("x") }, { TAG_END() } };
	struct b2b_cid_ingress in = subscriber(NULL);
	tagi_t *tags;
	char buf[64];

	tags = b2b_callerid_tags(fx->home, NULL, &to_trusted, SBC_HOST, next);
	assert_non_null(tags);
	assert_ptr_equal(tags[0].t_tag, tag_next);
	assert_non_null(tl_find(tags, siptag_subject_str));
	assert_int_equal(b2b_callerid_from(NULL, "2001", "[2001:db8::1]", buf,
					   sizeof(buf)), 0);
	assert_string_equal(buf, "<sip:2001@[2001:db8::1]>");
	assert_int_equal(b2b_callerid_from(NULL, "2001", SBC_HOST, buf, 8),
			 -ENOSPC);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>", ""), &in);
	tags = b2b_callerid_tags(fx->home, fx->cid, &to_trusted, SBC_HOST, next);
	assert_ptr_equal(tags[0].t_tag, siptag_header_str);
	assert_ptr_equal(tags[1].t_tag, tag_next);
	assert_non_null(tl_find(tags, siptag_subject_str));
}

/* The decision must outlive the INVITE it was made from. */
static void test_decision_outlives_invite(void **state)
{
	struct fx *fx = *state;
	struct b2b_cid_ingress in = peer(true);

	decide(fx, invite(fx, "15551234", "<sip:2001@10.10.1.10>",
		"P-Asserted-Identity: \"Al\" <sip:2001@pbx.example>\r\n"
		"Privacy: id\r\n"), &in);
	msg_destroy(fx->msg);
	fx->msg = NULL;
	assert_string_equal(header(fx, &to_trusted),
			    "P-Asserted-Identity: \"Al\" <sip:2001@pbx.example>");
	assert_string_equal(privacy(fx, &to_trusted), "id");
}

static void test_ingress_egress_from_records(void **state)
{
	struct store_peer p = { .callerid_trusted = true, .pai_mode = "rpid" };
	struct store_account a = { .user = "2001", .domain = "example.com",
				   .emergency_id = "+15559876543" };
	struct b2b_cid_ingress in;
	struct b2b_cid_egress eg;

	(void)state;
	b2b_callerid_ingress_peer(&p, &in);
	assert_int_equal(in.kind, B2B_CID_PEER);
	assert_true(in.trusted);
	b2b_callerid_egress_peer(&p, &eg);
	assert_true(eg.trusted && eg.rpid);
	strcpy(p.pai_mode, "pai");
	p.callerid_trusted = false;
	b2b_callerid_egress_peer(&p, &eg);
	assert_false(eg.trusted || eg.rpid);
	b2b_callerid_ingress_account(&a, &in);
	assert_int_equal(in.kind, B2B_CID_SUBSCRIBER);
	assert_string_equal(in.user, "2001");
	assert_string_equal(in.domain, "example.com");
	assert_string_equal(in.emergency_id, "+15559876543");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_subscriber_spoof_replaced),
		T(test_trusted_peer_pai_kept),
		T(test_trusted_peer_address_hidden),
		T(test_trusted_peer_rpid_only),
		T(test_untrusted_peer_pai_removed),
		T(test_privacy_id_trusted_egress),
		T(test_privacy_id_untrusted_egress),
		T(test_privacy_none_and_user),
		T(test_rpid_mode),
		T(test_emergency_trusted_pai_first),
		T(test_emergency_untrusted_pai_skipped),
		T(test_emergency_from_nanp_11_digits),
		T(test_emergency_falls_back_to_emergency_id),
		T(test_emergency_nothing_valid_still_routed),
		T(test_emergency_overrides_privacy_for_identity),
		T(test_not_emergency_without_list),
		cmocka_unit_test(test_number_validation),
		T(test_tags_chain_and_no_decision),
		T(test_decision_outlives_invite),
		cmocka_unit_test(test_ingress_egress_from_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
