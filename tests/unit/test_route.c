/*
 * Unit tests of routing (b2bua/route.c): the longest-prefix lookup against
 * a fresh store per test (store_fixture.c), the default route, no route,
 * the '+' rule, number validation, gateway parsing (good and bad texts)
 * and the SIP URI of a gateway (IPv6 brackets, user part, small buffers).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "route.h"
#include "store.h"
#include "store_fixture.h"

/* stores a route of @prefix to the one gateway @gw */
static void route_put(struct fixture *fx, const char *prefix, const char *gw)
{
	struct store_route r;
	struct store_txn *t;

	memset(&r, 0, sizeof(r));
	snprintf(r.prefix, sizeof(r.prefix), "%s", prefix);
	snprintf(r.gateways[0], sizeof(r.gateways[0]), "%s", gw);
	r.n_gateways = 1;
	t = fx_begin(fx, true);
	assert_int_equal(store_route_put(t, &r), 0);
	assert_int_equal(store_txn_commit(t), 0);
}

/* the gateway of the route @number takes, or the lookup's error text */
static const char *lookup(struct fixture *fx, const char *number)
{
	static struct store_route r;
	struct store_txn *t = fx_begin(fx, false);
	int rc;

	memset(&r, 0, sizeof(r));
	rc = b2b_route_lookup(t, number, &r);
	store_txn_abort(t);
	if (rc == -ENOENT)
		return "ENOENT";
	if (rc == -EINVAL)
		return "EINVAL";
	assert_int_equal(rc, 0);
	return r.gateways[0];
}

static void test_longest_prefix(void **state)
{
	struct fixture *fx = *state;

	route_put(fx, "44", "10.0.0.44");
	route_put(fx, "4420", "10.0.0.20");
	route_put(fx, "442071", "10.0.0.71");
	route_put(fx, "4930", "10.0.0.30");

	assert_string_equal(lookup(fx, "442071234567"), "10.0.0.71");
	assert_string_equal(lookup(fx, "442081234567"), "10.0.0.20");
	assert_string_equal(lookup(fx, "441234567"), "10.0.0.44");
	assert_string_equal(lookup(fx, "4420"), "10.0.0.20");	/* exact */
	assert_string_equal(lookup(fx, "44"), "10.0.0.44");
	assert_string_equal(lookup(fx, "4"), "ENOENT");
	assert_string_equal(lookup(fx, "4930123"), "10.0.0.30");
	assert_string_equal(lookup(fx, "4931123"), "ENOENT");
	assert_string_equal(lookup(fx, "33123"), "ENOENT");
}

static void test_default_route(void **state)
{
	struct fixture *fx = *state;

	route_put(fx, "", "10.0.0.1");
	route_put(fx, "1", "10.0.0.2");
	assert_string_equal(lookup(fx, "12125550100"), "10.0.0.2");
	assert_string_equal(lookup(fx, "33123"), "10.0.0.1");
	assert_string_equal(lookup(fx, "+33123"), "10.0.0.1");
}

/* '+' is a character of the prefix like any other */
static void test_plus(void **state)
{
	struct fixture *fx = *state;

	route_put(fx, "+44", "10.0.0.1");
	route_put(fx, "0044", "10.0.0.2");
	route_put(fx, "49", "10.0.0.3");
	assert_string_equal(lookup(fx, "+442071234567"), "10.0.0.1");
	assert_string_equal(lookup(fx, "442071234567"), "ENOENT");
	assert_string_equal(lookup(fx, "00442071234567"), "10.0.0.2");
	assert_string_equal(lookup(fx, "+4930123"), "ENOENT");
	assert_string_equal(lookup(fx, "4930123"), "10.0.0.3");

	/* "+" alone: every number in international form */
	route_put(fx, "+", "10.0.0.9");
	assert_string_equal(lookup(fx, "+4930123"), "10.0.0.9");
	assert_string_equal(lookup(fx, "+442071234567"), "10.0.0.1");
	assert_string_equal(lookup(fx, "33123"), "ENOENT");
}

static void test_bad_numbers(void **state)
{
	static const char *const bad[] = {
		"", "+", "++44", "44+", "4 4", "44a", "-44", "sip:44", "4\n",
		"12345678901234567890123456789012",	/* 32 characters */
		"+1234567890123456789012345678901",
	};
	struct fixture *fx = *state;
	struct store_route r;
	struct store_txn *t;

	route_put(fx, "", "10.0.0.1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strcmp(lookup(fx, bad[i]), "EINVAL") != 0)
			fail_msg("number '%s' accepted", bad[i]);
		assert_false(b2b_number_valid(bad[i]));
	}
	/* 31 characters: the longest a prefix can be */
	assert_true(b2b_number_valid("1234567890123456789012345678901"));
	assert_true(b2b_number_valid("+123456789012345678901234567890"));
	assert_string_equal(lookup(fx, "1234567890123456789012345678901"),
			    "10.0.0.1");
	t = fx_begin(fx, false);
	assert_int_equal(b2b_route_lookup(t, NULL, &r), -EINVAL);
	store_txn_abort(t);
}

/* every gateway of the route comes back, in order */
static void test_route_whole(void **state)
{
	struct fixture *fx = *state;
	struct store_route r, out;
	struct store_txn *t;

	memset(&r, 0, sizeof(r));
	strcpy(r.prefix, "33");
	strcpy(r.gateways[0], "10.0.0.1:5060;udp");
	strcpy(r.gateways[1], "[2001:db8::1]:5061;tls");
	r.n_gateways = 2;
	t = fx_begin(fx, true);
	assert_int_equal(store_route_put(t, &r), 0);
	assert_int_equal(store_txn_commit(t), 0);
	t = fx_begin(fx, false);
	assert_int_equal(b2b_route_lookup(t, "33612345678", &out), 0);
	store_txn_abort(t);
	assert_string_equal(out.prefix, "33");
	assert_int_equal(out.n_gateways, 2);
	assert_string_equal(out.gateways[0], "10.0.0.1:5060;udp");
	assert_string_equal(out.gateways[1], "[2001:db8::1]:5061;tls");
}

static void gw_expect(const char *text, const char *host, uint16_t port,
		      enum cfg_transport transport)
{
	struct b2b_gateway gw;

	if (b2b_gateway_parse(text, &gw) != 0)
		fail_msg("gateway '%s' refused", text);
	assert_string_equal(gw.host, host);
	assert_int_equal(gw.port, port);
	assert_int_equal(gw.transport, transport);
}

static void test_gateway_parse(void **state)
{
	static const char *const bad[] = {
		"", ":5060", ";udp", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65536",
		"10.0.0.1:123456", "10.0.0.1:+5060", "10.0.0.1:-1",
		"10.0.0.1;", "10.0.0.1;sctp", "10.0.0.1;UDP", "10.0.0.1 ",
		" 10.0.0.1", "10.0.0.1:5060;udp;x", "10.0.0.1:5060:5060",
		"10.0.0", "10.0.0.256", "gw.example.net", "gw.example.net:5060",
		"2001:db8::1", "2001:db8::1:5060", "[2001:db8::1", "[]",
		"[10.0.0.1]", "[2001:db8::1]5060", "[2001:db8::1]:",
		"[2001:db8::1]:5060;tcp ", "[fe80::1%eth0]",
		"10.0.0.1:5060;transport=udp",
	};
	struct b2b_gateway gw = { .port = 7 };

	(void)state;
	gw_expect("10.10.2.10:5060;udp", "10.10.2.10", 5060, CFG_TRANSPORT_UDP);
	gw_expect("10.10.2.10", "10.10.2.10", 5060, CFG_TRANSPORT_UDP);
	gw_expect("10.10.2.10:5080", "10.10.2.10", 5080, CFG_TRANSPORT_UDP);
	gw_expect("10.10.2.10;tcp", "10.10.2.10", 5060, CFG_TRANSPORT_TCP);
	gw_expect("10.10.2.10;tls", "10.10.2.10", 5061, CFG_TRANSPORT_TLS);
	gw_expect("10.10.2.10:65535;tls", "10.10.2.10", 65535,
		  CFG_TRANSPORT_TLS);
	gw_expect("[2001:db8::1]:5061;tls", "2001:db8::1", 5061,
		  CFG_TRANSPORT_TLS);
	gw_expect("[2001:DB8:0::1]", "2001:db8::1", 5060, CFG_TRANSPORT_UDP);
	gw_expect("[::ffff:10.0.0.1];tcp", "::ffff:10.0.0.1", 5060,
		  CFG_TRANSPORT_TCP);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (b2b_gateway_parse(bad[i], &gw) != -EINVAL)
			fail_msg("gateway '%s' accepted", bad[i]);
	}
	assert_int_equal(gw.port, 7);	/* untouched */
}

static void uri_expect(const char *gw_text, const char *user,
		       const char *uri)
{
	struct b2b_gateway gw;
	char buf[STORE_URI_MAX];

	assert_int_equal(b2b_gateway_parse(gw_text, &gw), 0);
	assert_int_equal(b2b_gateway_uri(&gw, user, buf, sizeof(buf)), 0);
	assert_string_equal(buf, uri);
}

static void test_gateway_uri(void **state)
{
	struct b2b_gateway gw;
	char buf[64];
	const char *want = "sip:+4420@10.10.2.10:5060;transport=udp";
	size_t n = strlen(want);

	(void)state;
	uri_expect("10.10.2.10", NULL, "sip:10.10.2.10:5060;transport=udp");
	uri_expect("10.10.2.10", "", "sip:10.10.2.10:5060;transport=udp");
	uri_expect("10.10.2.10", "+4420", want);
	uri_expect("10.10.2.10;tcp", "4420",
		   "sip:4420@10.10.2.10:5060;transport=tcp");
	uri_expect("[2001:db8::1]:5061;tls", "+4420",
		   "sip:+4420@[2001:db8::1]:5061;transport=tls");
	uri_expect("[2001:db8::1]", NULL,
		   "sip:[2001:db8::1]:5060;transport=udp");

	/* exactly big enough, one byte short, nothing */
	assert_int_equal(b2b_gateway_parse("10.10.2.10", &gw), 0);
	assert_int_equal(b2b_gateway_uri(&gw, "+4420", buf, n + 1), 0);
	assert_string_equal(buf, want);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(b2b_gateway_uri(&gw, "+4420", buf, n), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(b2b_gateway_uri(&gw, "+4420", NULL, 0), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_longest_prefix),
		FX_TEST(test_default_route),
		FX_TEST(test_plus),
		FX_TEST(test_bad_numbers),
		FX_TEST(test_route_whole),
		cmocka_unit_test(test_gateway_parse),
		cmocka_unit_test(test_gateway_uri),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
