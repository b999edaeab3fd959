/*
 * Unit tests of sip_transport.c: a realm's listen sockets grouped into the
 * (at most two) URLs one Sofia-SIP nua binds, the configuration check that
 * refuses more at load, and the transport of a received request.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"
#include "cfg_fixture.h"
#include "sip_transport.h"

/* A realm with the given sockets; addresses as text, IPv4 or IPv6. */
static void listen_add(struct cfg_realm *r, enum cfg_transport t,
		       const char *addr, uint16_t port)
{
	struct cfg_listen *l = &r->listen[r->n_listen++];

	l->transport = t;
	l->port = port;
	assert_int_equal(cfg_ip_parse(addr, &l->addr), 0);
}

static void test_one_socket_each(void **state)
{
	char urls[B2B_SIP_URLS][B2B_SIP_URL_MAX];
	struct cfg_realm r = { .n_listen = 0 };

	(void)state;
	listen_add(&r, CFG_TRANSPORT_UDP, "192.0.2.1", 5060);
	assert_int_equal(b2b_sip_urls(&r, urls, NULL), 1);
	assert_string_equal(urls[0], "sip:192.0.2.1:5060;transport=udp");

	memset(&r, 0, sizeof(r));
	listen_add(&r, CFG_TRANSPORT_TCP, "2001:db8::1", 5070);
	assert_int_equal(b2b_sip_urls(&r, urls, NULL), 1);
	assert_string_equal(urls[0], "sip:[2001:db8::1]:5070;transport=tcp");

	/* tls alone only binds as sips: */
	memset(&r, 0, sizeof(r));
	listen_add(&r, CFG_TRANSPORT_TLS, "192.0.2.1", 5061);
	assert_int_equal(b2b_sip_urls(&r, urls, NULL), 1);
	assert_string_equal(urls[0], "sips:192.0.2.1:5061");

	memset(&r, 0, sizeof(r));
	listen_add(&r, CFG_TRANSPORT_TLS, "2001:db8::1", 5061);
	assert_int_equal(b2b_sip_urls(&r, urls, NULL), 1);
	assert_string_equal(urls[0], "sips:[2001:db8::1]:5061");

	memset(&r, 0, sizeof(r));
	assert_int_equal(b2b_sip_urls(&r, urls, NULL), 0);
}

/* udp+tcp on one port and tls on another: the shipped TLS example */
static void test_udp_tcp_and_tls(void **state)
{
	char urls[B2B_SIP_URLS][B2B_SIP_URL_MAX];
	struct cfg_realm r = { .n_listen = 0 };

	(void)state;
	listen_add(&r, CFG_TRANSPORT_TLS, "203.0.113.10", 5061);
	listen_add(&r, CFG_TRANSPORT_TCP, "203.0.113.10", 5060);
	listen_add(&r, CFG_TRANSPORT_UDP, "203.0.113.10", 5060);
	assert_int_equal(b2b_sip_urls(&r, urls, NULL), 2);
	/* groups in the order of their first socket, transports sorted */
	assert_string_equal(urls[0], "sips:203.0.113.10:5061");
	/* udp and tcp on one address and port: no transport parameter */
	assert_string_equal(urls[1], "sip:203.0.113.10:5060");
}

/* udp and tls on one port number: two URLs (no "transport=udp,tls") */
static void test_udp_with_tls(void **state)
{
	char urls[B2B_SIP_URLS][B2B_SIP_URL_MAX];
	struct cfg_realm r = { .n_listen = 0 };
	unsigned bad = 99;

	(void)state;
	listen_add(&r, CFG_TRANSPORT_UDP, "192.0.2.1", 5061);
	listen_add(&r, CFG_TRANSPORT_TLS, "192.0.2.1", 5061);
	assert_int_equal(b2b_sip_urls(&r, urls, NULL), 2);
	assert_string_equal(urls[0], "sip:192.0.2.1:5061;transport=udp");
	assert_string_equal(urls[1], "sips:192.0.2.1:5061");
	listen_add(&r, CFG_TRANSPORT_TCP, "192.0.2.1", 5060);
	assert_int_equal(b2b_sip_urls(&r, urls, &bad), -E2BIG);
	assert_int_equal(bad, 2);
}

/* a third address:port is refused and named */
static void test_three_groups(void **state)
{
	char urls[B2B_SIP_URLS][B2B_SIP_URL_MAX];
	struct cfg_realm r = { .n_listen = 0 };
	unsigned bad = 99;

	(void)state;
	listen_add(&r, CFG_TRANSPORT_UDP, "192.0.2.1", 5060);
	listen_add(&r, CFG_TRANSPORT_TCP, "192.0.2.1", 5060);
	listen_add(&r, CFG_TRANSPORT_UDP, "192.0.2.1", 5070);
	listen_add(&r, CFG_TRANSPORT_TCP, "192.0.2.1", 5070);
	listen_add(&r, CFG_TRANSPORT_TLS, "192.0.2.1", 5061);
	assert_int_equal(b2b_sip_urls(&r, urls, &bad), -E2BIG);
	assert_int_equal(bad, 4);
	/* the same address in the other family is another group */
	memset(&r, 0, sizeof(r));
	listen_add(&r, CFG_TRANSPORT_UDP, "192.0.2.1", 5060);
	listen_add(&r, CFG_TRANSPORT_UDP, "2001:db8::1", 5060);
	listen_add(&r, CFG_TRANSPORT_UDP, "2001:db8::2", 5060);
	assert_int_equal(b2b_sip_urls(&r, urls, &bad), -E2BIG);
	assert_int_equal(bad, 2);
}

/* the configuration check refuses what one nua cannot bind, at its key */
static void test_cfg_refuses_three_groups(void **state)
{
	struct cfg *cfg;

	(void)state;
	expect_error("realms = ( { name = \"a\"; sip = (\n"
		     "  { transport = \"udp\"; address = \"192.0.2.1\"; },\n"
		     "  { transport = \"tls\"; address = \"192.0.2.1\"; },\n"
		     "  { transport = \"udp\"; address = \"192.0.2.3\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; };\n"
		     "  tls_cert = \"c.pem\"; tls_key = \"k.pem\"; } );\n",
		     "t.conf:4: realms.[0].sip.[2]: ",
		     "udp 192.0.2.3:5060: a realm listens on at most 2 "
		     "address:port pairs");
	cfg = expect_load("realms = ( { name = \"a\"; sip = (\n"
			  "  { transport = \"udp\"; address = \"192.0.2.1\"; },\n"
			  "  { transport = \"tcp\"; address = \"192.0.2.1\"; },\n"
			  "  { transport = \"tls\"; address = \"192.0.2.1\"; } );\n"
			  "  media_address = \"192.0.2.2\";\n"
			  "  media_ports = { min = 20000; max = 29999; };\n"
			  "  tls_cert = \"c.pem\"; tls_key = \"k.pem\"; } );\n"
			  "dataplane = { ports = ( { name = \"p\"; "
			  "device = \"net_null0\"; realm = \"a\"; } ); };\n");
	cfg_free(cfg);
}

static void test_transport_of(void **state)
{
	(void)state;
	assert_int_equal(b2b_sip_transport_of(0, "SIP/2.0/UDP"),
			 CFG_TRANSPORT_UDP);
	/* a datagram is udp whatever its Via says */
	assert_int_equal(b2b_sip_transport_of(0, "SIP/2.0/TLS"),
			 CFG_TRANSPORT_UDP);
	assert_int_equal(b2b_sip_transport_of(1, "SIP/2.0/TCP"),
			 CFG_TRANSPORT_TCP);
	assert_int_equal(b2b_sip_transport_of(1, "sip/2.0/tls"),
			 CFG_TRANSPORT_TLS);
	assert_int_equal(b2b_sip_transport_of(1, NULL), CFG_TRANSPORT_TCP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_socket_each),
		cmocka_unit_test(test_udp_tcp_and_tls),
		cmocka_unit_test(test_udp_with_tls),
		cmocka_unit_test(test_three_groups),
		cmocka_unit_test(test_cfg_refuses_three_groups),
		cmocka_unit_test(test_transport_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
