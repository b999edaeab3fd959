/*
 * Unit tests of a realm's media addresses in the configuration: one
 * address as a string or several as an array (cfg_schema.c), and the
 * rules cfg_check.c applies to them: one family per realm, no repeats,
 * port ranges apart on every address two realms share, never a SIP or
 * MSRP address, never owned by two dataplane ports.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"
#include "cfg_fixture.h"

#define SIP_A "name = \"a\"; sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
#define SIP_B "name = \"b\"; sip = ( { transport = \"udp\"; address = \"198.51.100.1\"; } );\n"

static void test_one_or_several(void **state)
{
	const struct cfg_realm *r;
	struct cfg *cfg;

	(void)state;
	cfg = expect_load("realms = ( " REALM_A " );\n");
	r = &cfg->realms[0];
	assert_int_equal(r->n_media_addrs, 1);
	assert_string_equal(r->media_addrs[0].text, "192.0.2.2");
	cfg_free(cfg);

	cfg = expect_load("realms = ( { " SIP_A
			  "  media_address = [ \"192.0.2.2\", \"192.0.2.3\", \"192.0.2.4\" ];\n"
			  "  media_ports = { min = 20000; max = 20003; }; } );\n");
	r = &cfg->realms[0];
	assert_int_equal(r->n_media_addrs, 3);
	assert_string_equal(r->media_addrs[0].text, "192.0.2.2");
	assert_string_equal(r->media_addrs[2].text, "192.0.2.4");
	assert_int_equal(r->media_addrs[1].af, AF_INET);
	cfg_free(cfg);

	/* a list ( ... ) is taken as well as an array [ ... ] */
	cfg = expect_load("realms = ( { " SIP_A
			  "  media_address = ( \"2001:db8::2\", \"2001:db8::3\" );\n"
			  "  media_ports = { min = 20000; max = 29999; }; } );\n");
	assert_int_equal(cfg->realms[0].n_media_addrs, 2);
	assert_string_equal(cfg->realms[0].media_addrs[1].text, "2001:db8::3");
	cfg_free(cfg);
}

static void test_bad_lists(void **state)
{
	char many[1024];
	size_t n;

	(void)state;
	expect_error("realms = ( { " SIP_A
		     "  media_address = [ ];\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].media_address: ",
		     "at least 1 element");
	expect_error("realms = ( { " SIP_A
		     "  media_address = [ \"192.0.2.2\", \"x\" ];\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].media_address.[1]: ",
		     "\"x\" is not an IPv4 or IPv6 address");
	expect_error("realms = ( { " SIP_A
		     "  media_address = [ \"192.0.2.2\", \"224.0.0.1\" ];\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].media_address.[1]: ",
		     "not a unicast address");
	expect_error("realms = ( { " SIP_A
		     "  media_address = ( \"192.0.2.2\", 7 );\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].media_address.[1]: ",
		     "must be a string");
	expect_error("realms = ( { " SIP_A
		     "  media_address = 7;\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].media_address: ",
		     "must be an address or an array of addresses");
	n = (size_t)snprintf(many, sizeof(many), "realms = ( { " SIP_A
			     "  media_address = [ \"192.0.2.100\"");
	for (int i = 1; i <= CFG_MAX_MEDIA_ADDRS; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
				      ", \"192.0.2.%d\"", 100 + i);
	snprintf(many + n, sizeof(many) - n, " ];\n"
		 "  media_ports = { min = 20000; max = 29999; }; } );\n");
	expect_error(many, "t.conf:2: realms.[0].media_address: ",
		     "too many elements (at most 16)");
}

static void test_family_and_repeats(void **state)
{
	(void)state;
	expect_error("realms = ( { " SIP_A
		     "  media_address = [ \"192.0.2.2\", \"2001:db8::2\" ];\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].media_address.[1]: ",
		     "2001:db8::2 is not of the family of 192.0.2.2");
	expect_error("realms = ( { " SIP_A
		     "  media_address = [ \"192.0.2.2\", \"192.0.2.3\", \"192.0.2.2\" ];\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].media_address.[2]: ",
		     "192.0.2.2 is listed twice");
}

/* the port-range rule holds per address: two realms share ports only
 * where they share no address */
static void test_ranges_per_address(void **state)
{
	struct cfg *cfg;

	(void)state;
	cfg = expect_load("realms = (\n"
			  "  { " SIP_A "    media_address = [ \"192.0.2.2\", \"192.0.2.3\" ];\n"
			  "    media_ports = { min = 1024; max = 65535; }; },\n"
			  "  { " SIP_B "    media_address = [ \"198.51.100.2\", \"198.51.100.3\" ];\n"
			  "    media_ports = { min = 1024; max = 65535; }; } );\n");
	assert_int_equal(cfg->realms[1].n_media_addrs, 2);
	cfg_free(cfg);
	expect_error("realms = (\n"
		     "  { " SIP_A "    media_address = [ \"192.0.2.2\", \"192.0.2.3\" ];\n"
		     "    media_ports = { min = 20000; max = 29999; }; },\n"
		     "  { " SIP_B "    media_address = [ \"198.51.100.2\", \"192.0.2.3\" ];\n"
		     "    media_ports = { min = 29000; max = 39999; }; } );\n",
		     "t.conf:7: realms.[1].media_ports: ",
		     "29000-39999 overlaps realm \"a\" (20000-29999) on media address 192.0.2.3");
	/* a shared address with ranges apart is fine */
	cfg = expect_load("realms = (\n"
			  "  { " SIP_A "    media_address = [ \"192.0.2.2\", \"192.0.2.3\" ];\n"
			  "    media_ports = { min = 20000; max = 29999; }; },\n"
			  "  { " SIP_B "    media_address = [ \"198.51.100.2\", \"192.0.2.3\" ];\n"
			  "    media_ports = { min = 30000; max = 39999; }; } );\n");
	cfg_free(cfg);
}

/* every address of the list is the dataplane's alone */
static void test_owned_by_dataplane(void **state)
{
	(void)state;
	expect_error("realms = ( { " SIP_A
		     "  media_address = [ \"192.0.2.2\", \"192.0.2.1\" ];\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].media_address.[1]: ",
		     "192.0.2.1 is also the SIP address of realms.[0].sip.[0]");
	expect_error("realms = ( { " SIP_A
		     "  media_address = [ \"192.0.2.2\", \"192.0.2.3\" ];\n"
		     "  msrp_address = \"192.0.2.3\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].msrp_address: ",
		     "192.0.2.3 is a media_address of realms.[0]");
	expect_error("realms = (\n"
		     "  { " SIP_A "    media_address = [ \"192.0.2.2\", \"192.0.2.3\" ];\n"
		     "    media_ports = { min = 20000; max = 29999; }; },\n"
		     "  { " SIP_B "    media_address = [ \"198.51.100.2\", \"192.0.2.3\" ];\n"
		     "    media_ports = { min = 30000; max = 39999; }; } );\n"
		     "dataplane = { ports = (\n"
		     "  { name = \"p\"; device = \"net_null0\"; realm = \"a\"; },\n"
		     "  { name = \"q\"; device = \"net_null1\"; realm = \"b\"; } ); };\n",
		     "t.conf:10: dataplane.ports.[1].realm: ",
		     "media address 192.0.2.3 of realm \"b\" is already owned by port \"p\"");
	expect_error("realms = ( { " SIP_A
		     "  media_address = [ \"192.0.2.2\", \"192.0.2.3\" ];\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n"
		     "dataplane = { ports = (\n"
		     "  { name = \"p\"; device = \"net_null0\"; realm = \"a\";\n"
		     "    gateway = \"2001:db8::1\"; } ); };\n",
		     "t.conf:6: dataplane.ports.[0].gateway: ",
		     "not of the same family as realm \"a\"'s media_address 192.0.2.2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_or_several),
		cmocka_unit_test(test_bad_lists),
		cmocka_unit_test(test_family_and_repeats),
		cmocka_unit_test(test_ranges_per_address),
		cmocka_unit_test(test_owned_by_dataplane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
