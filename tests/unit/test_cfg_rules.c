/*
 * Unit tests for the configuration rules (b2bua/cfg_schema.c and
 * b2bua/cfg_check.c): unknown keys, types, ranges, enums, addresses, media
 * ports, SIP sockets, TLS material, names, strings, counts, required
 * settings, dataplane ports and timers.  Every rule has a test that loads an
 * offending configuration written inline and checks the exact "t.conf:LINE: "
 * prefix and the part of the message that names the problem.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cfg.h"
#include "cfg_fixture.h"

/* ---------- unknown keys ---------- */

static void test_unknown_key_top(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "\n"
		     "colour = \"blue\";\n",
		     "t.conf:3: colour: ", "unknown setting");
}

static void test_unknown_key_in_group(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "timers = {\n"
		     "  rtp_timout = 30;\n"
		     "};\n",
		     "t.conf:3: timers.rtp_timout: ", "unknown setting");
	expect_error("realms = ( " REALM_A " );\n"
		     "paths = { store = \"/tmp\"; };\n"
		     "limits = { max_calls = 10; nope = 1; };\n",
		     "t.conf:3: limits.nope: ", "unknown setting");
}

static void test_unknown_key_in_list_element(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A ",\n"
		     "  { name = \"b\"; colour = \"red\"; } );\n",
		     "t.conf:2: realms.[1].colour: ", "unknown setting");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\";\n"
		     "    tos = 184; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].sip.[0].tos: ", "unknown setting");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = (\n"
		     "  { name = \"p\"; device = \"d\"; realm = \"a\"; mtu = 1500; } ); };\n",
		     "t.conf:3: dataplane.ports.[0].mtu: ", "unknown setting");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; step = 2; }; } );\n",
		     "t.conf:4: realms.[0].media_ports.step: ", "unknown setting");
}

/* ---------- types ---------- */

static void test_wrong_type_integer(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; port = \"5060\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip.[0].port: ", "must be an integer");
	expect_error("realms = ( " REALM_A " );\n"
		     "timers = { rtp_timeout = 30.0; };\n",
		     "t.conf:2: timers.rtp_timeout: ", "must be an integer");
	expect_error("realms = ( " REALM_A " );\n"
		     "limits = { max_calls = true; };\n",
		     "t.conf:2: limits.max_calls: ", "must be an integer");
}

static void test_wrong_type_string(void **state)
{
	(void)state;
	expect_error("realms = ( { name = 7;\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:1: realms.[0].name: ", "must be a string");
	expect_error("realms = ( " REALM_A " );\n"
		     "log = { level = 6; };\n",
		     "t.conf:2: log.level: ", "must be a string");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { eal_args = [ 1, 2 ]; };\n",
		     "t.conf:2: dataplane.eal_args.[0]: ", "must be a string");
}

static void test_wrong_type_aggregate(void **state)
{
	(void)state;
	expect_error("realms = " REALM_A ";\n",
		     "t.conf:1: realms: ", "must be a list ( ... )");
	expect_error("realms = ( " REALM_A " );\n"
		     "timers = 30;\n",
		     "t.conf:2: timers: ", "must be a group { ... }");
	expect_error("realms = ( " REALM_A ",\n"
		     "  \"b\" );\n",
		     "t.conf:2: realms.[1]: ", "must be a group { ... }");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { eal_args = \"--no-huge\"; };\n",
		     "t.conf:2: dataplane.eal_args: ", "must be an array of strings");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = { transport = \"udp\"; address = \"192.0.2.1\"; };\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip: ", "must be a list ( ... )");
}

/* ---------- ranges ---------- */

static void test_out_of_range(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; port = 70000; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip.[0].port: ",
		     "must be between 1 and 65535");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { burst = 0; };\n",
		     "t.conf:2: dataplane.burst: ", "must be between 1 and 256");
	expect_error("realms = ( " REALM_A " );\n"
		     "limits = { ctl_max_clients = -1; };\n",
		     "t.conf:2: limits.ctl_max_clients: ",
		     "must be between 1 and 1024");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = ( { name = \"p\"; device = \"d\"; realm = \"a\";\n"
		     "  rx_queues = 17; } ); };\n",
		     "t.conf:3: dataplane.ports.[0].rx_queues: ",
		     "must be between 1 and 16");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = ( { name = \"p\"; device = \"d\"; realm = \"a\";\n"
		     "  vlan = 4095; } ); };\n",
		     "t.conf:3: dataplane.ports.[0].vlan: ",
		     "must be between 0 and 4094");
	expect_error("realms = ( " REALM_A " );\n"
		     "paths = { store_max_mb = 0; };\n",
		     "t.conf:2: paths.store_max_mb: ", "must be between 1 and");
	expect_error("realms = ( " REALM_A " );\n"
		     "timers = { credit_checkpoint = 6; };\n",
		     "t.conf:2: timers.credit_checkpoint: ",
		     "must be between 1 and 5 (prepaid calls are checkpointed");
}

static void test_bad_enum(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"sctp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip.[0].transport: ",
		     "\"sctp\" is not one of \"udp\", \"tcp\", \"tls\"");
	expect_error("realms = ( " REALM_A " );\n"
		     "log = { level = \"verbose\"; };\n",
		     "t.conf:2: log.level: ",
		     "\"err\", \"warn\", \"notice\", \"info\", \"debug\"");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\"; srtp = \"maybe\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].srtp: ",
		     "\"off\", \"optional\", \"required\"");
}

/* realms.[].latching, rtp_timeout (b2bua/media_policy.h) and digest */
static void test_realm_media_policy_keys(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\"; latching = \"first\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].latching: ",
		     "\"first\" is not one of \"off\", \"latch\", \"relatch\"");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\"; latching = true;\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].latching: ", "must be a string");
	expect_error("realms = ( " REALM_A ",\n"
		     "  { name = \"b\"; sip = ( { transport = \"udp\";\n"
		     "    address = \"198.51.100.1\"; } ); rtp_timeout = 86401;\n"
		     "    media_address = \"198.51.100.2\";\n"
		     "    media_ports = { min = 30000; max = 39999; }; } );\n",
		     "t.conf:3: realms.[1].rtp_timeout: ",
		     "must be between 0 and 86400");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\"; rtp_timeout = -1;\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].rtp_timeout: ",
		     "must be between 0 and 86400");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\"; rtp_timeout = \"3\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].rtp_timeout: ", "must be an integer");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\"; digest = \"sha1\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].digest: ",
		     "\"sha1\" is not one of \"sha256-md5\", \"md5\"");
}

/* ---------- addresses ---------- */

static void test_invalid_ip(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.256\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip.[0].address: ",
		     "\"192.0.2.256\" is not an IPv4 or IPv6 address");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"sbc.example.com\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].media_address: ",
		     "is not an IPv4 or IPv6 address");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = ( { name = \"p\"; device = \"d\"; realm = \"a\";\n"
		     "  gateway = \"192.0.2.254/24\"; } ); };\n",
		     "t.conf:3: dataplane.ports.[0].gateway: ",
		     "is not an IPv4 or IPv6 address");
}

static void test_not_unicast(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"0.0.0.0\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip.[0].address: ",
		     "0.0.0.0 is not a unicast address");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"ff02::1\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].media_address: ",
		     "ff02::1 is not a unicast address");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"::\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip.[0].address: ",
		     ":: is not a unicast address");
}

static void test_media_address_is_sip_address(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A ",\n"
		     "  { name = \"b\"; sip = ( { transport = \"udp\"; address = \"198.51.100.1\"; } );\n"
		     "    media_address = \"192.0.2.1\";\n"
		     "    media_ports = { min = 30000; max = 39999; }; } );\n",
		     "t.conf:3: realms.[1].media_address: ",
		     "192.0.2.1 is also the SIP address of realms.[0].sip.[0]");
}

/* MSRP runs on kernel sockets: never on an address the dataplane owns */
static void test_msrp_address_is_media_address(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A ",\n"
		     "  { name = \"b\"; sip = ( { transport = \"udp\"; address = \"198.51.100.1\"; } );\n"
		     "    media_address = \"198.51.100.2\"; msrp_address = \"192.0.2.2\";\n"
		     "    media_ports = { min = 30000; max = 39999; }; } );\n",
		     "t.conf:3: realms.[1].msrp_address: ",
		     "192.0.2.2 is a media_address of realms.[0]");
}

/* msrp_tls_port: the relay's TLS port (msrps:), 2856 unless set */
static void test_msrp_tls_port(void **state)
{
	struct cfg *cfg;

	(void)state;
	cfg = expect_load("realms = ( " REALM_A " );\n");
	assert_int_equal(cfg->realms[0].msrp_port, 2855);
	assert_int_equal(cfg->realms[0].msrp_tls_port, 2856);
	cfg_free(cfg);
	cfg = expect_load("realms = ( { name = \"a\";\n"
			  "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
			  "  media_address = \"192.0.2.2\"; msrp_tls_port = 5856;\n"
			  "  media_ports = { min = 20000; max = 29999; }; } );\n");
	assert_int_equal(cfg->realms[0].msrp_tls_port, 5856);
	cfg_free(cfg);
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\"; msrp_tls_port = 0;\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].msrp_tls_port: ",
		     "must be between 1 and 65535");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\"; msrp_tls_port = \"tls\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].msrp_tls_port: ",
		     "must be an integer");
}

/* ---------- media ports ---------- */

static void test_media_port_min_odd(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = {\n"
		     "    min = 20001;\n"
		     "    max = 29999; }; } );\n",
		     "t.conf:5: realms.[0].media_ports.min: ", "must be even");
}

static void test_media_port_max_not_above_min(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000;\n"
		     "    max = 20000; }; } );\n",
		     "t.conf:5: realms.[0].media_ports.max: ",
		     "must be greater than min (20000)");
}

/* ranges overlap only on a shared address (more in test_cfg_media.c) */
static void test_media_ports_overlap(void **state)
{
	struct cfg *cfg;

	(void)state;
	expect_error("realms = ( " REALM_A ",\n"
		     "  { name = \"b\"; sip = ( { transport = \"udp\"; address = \"198.51.100.1\"; } );\n"
		     "    media_address = \"192.0.2.2\";\n"
		     "    media_ports = { min = 29998; max = 39999; }; } );\n",
		     "t.conf:4: realms.[1].media_ports: ",
		     "29998-39999 overlaps realm \"a\" (20000-29999) on media address 192.0.2.2");
	expect_error("realms = ( " REALM_A ",\n"
		     "  { name = \"b\"; sip = ( { transport = \"udp\"; address = \"198.51.100.1\"; } );\n"
		     "    media_address = \"192.0.2.2\";\n"
		     "    media_ports = { min = 10000; max = 40000; }; } );\n",
		     "t.conf:4: realms.[1].media_ports: ",
		     "10000-40000 overlaps realm \"a\"");
	/* the same ports on another address are other sockets */
	cfg = expect_load("realms = ( " REALM_A ",\n"
			  "  { name = \"b\"; sip = ( { transport = \"udp\"; address = \"198.51.100.1\"; } );\n"
			  "    media_address = \"198.51.100.2\";\n"
			  "    media_ports = { min = 10000; max = 40000; }; } );\n");
	cfg_free(cfg);
}

/* ---------- SIP sockets ---------- */

static void test_duplicate_listen(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A ",\n"
		     "  { name = \"b\"; sip = (\n"
		     "    { transport = \"udp\"; address = \"198.51.100.1\"; },\n"
		     "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 5060; } );\n"
		     "    media_address = \"198.51.100.2\";\n"
		     "    media_ports = { min = 30000; max = 39999; }; } );\n",
		     "t.conf:4: realms.[1].sip.[1]: ",
		     "udp 192.0.2.1:5060: already bound by realms.[0].sip.[0]");
	expect_error("realms = ( { name = \"a\"; sip = (\n"
		     "    { transport = \"udp\"; address = \"2001:db8::1\"; port = 5070; },\n"
		     "    { transport = \"udp\"; address = \"2001:db8:0::1\"; port = 5070; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].sip.[1]: ",
		     "udp [2001:db8::1]:5070: already bound by realms.[0].sip.[0]");
}

/* Different transports, same UDP/TCP port: only udp+tcp may share. */
static void test_tcp_tls_same_port(void **state)
{
	struct cfg *cfg;

	(void)state;
	expect_error("realms = ( { name = \"a\"; sip = (\n"
		     "    { transport = \"tcp\"; address = \"192.0.2.1\"; port = 5060; },\n"
		     "    { transport = \"tls\"; address = \"192.0.2.1\"; port = 5060; } );\n"
		     "  tls_cert = \"c.pem\"; tls_key = \"k.pem\";\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].sip.[1]: ",
		     "tls 192.0.2.1:5060: already bound by realms.[0].sip.[0] (tcp 192.0.2.1:5060)");
	cfg = expect_load("realms = ( { name = \"a\"; sip = (\n"
			  "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 5060; },\n"
			  "    { transport = \"tcp\"; address = \"192.0.2.1\"; port = 5060; } );\n"
			  "  media_address = \"192.0.2.2\";\n"
			  "  media_ports = { min = 20000; max = 29999; }; } );\n");
	cfg_free(cfg);
}

static void test_tls_without_cert_or_key(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A ",\n"
		     "  { name = \"b\";\n"
		     "    sip = ( { transport = \"tls\"; address = \"198.51.100.1\"; } );\n"
		     "    media_address = \"198.51.100.2\"; tls_key = \"k.pem\";\n"
		     "    media_ports = { min = 30000; max = 39999; }; } );\n",
		     "t.conf:2: realms.[1].tls_cert: ",
		     "required because realms.[1].sip.[0] uses tls");
	expect_error("realms = ( { name = \"a\";\n"
		     "    sip = ( { transport = \"tls\"; address = \"192.0.2.1\"; } );\n"
		     "    media_address = \"192.0.2.2\";\n"
		     "    tls_cert = \"c.pem\";\n"
		     "    media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:1: realms.[0].tls_key: ",
		     "required because realms.[0].sip.[0] uses tls");
}

/* ---------- names ---------- */

static void test_duplicate_realm_name(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A ",\n"
		     "  { name = \"b\"; sip = ( { transport = \"udp\"; address = \"198.51.100.1\"; } );\n"
		     "    media_address = \"198.51.100.2\";\n"
		     "    media_ports = { min = 30000; max = 39999; }; },\n"
		     "  { name = \"a\"; sip = ( { transport = \"udp\"; address = \"203.0.113.1\"; } );\n"
		     "    media_address = \"203.0.113.2\";\n"
		     "    media_ports = { min = 40000; max = 49999; }; } );\n",
		     "t.conf:5: realms.[2].name: ",
		     "realm \"a\" is already defined by realms.[0]");
}

static void test_duplicate_port_name(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A ", " REALM_B " );\n"
		     "dataplane = { ports = (\n"
		     "  { name = \"p\"; device = \"net_null0\"; realm = \"a\"; },\n"
		     "  { name = \"p\"; device = \"net_null1\"; realm = \"b\"; } ); };\n",
		     "t.conf:4: dataplane.ports.[1].name: ",
		     "port \"p\" is already defined by dataplane.ports.[0]");
}

static void test_duplicate_port_device(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A ", " REALM_B " );\n"
		     "dataplane = { ports = (\n"
		     "  { name = \"p\"; device = \"0000:03:00.0\"; realm = \"a\"; },\n"
		     "  { name = \"q\"; device = \"0000:03:00.0\"; realm = \"b\"; } ); };\n",
		     "t.conf:4: dataplane.ports.[1].device: ",
		     "already used by port \"p\"");
}

static void test_port_unknown_realm(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = (\n"
		     "  { name = \"p\"; device = \"net_null0\";\n"
		     "    realm = \"core\"; } ); };\n",
		     "t.conf:4: dataplane.ports.[0].realm: ",
		     "unknown realm \"core\"");
}

static void test_media_address_owned_twice(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = (\n"
		     "  { name = \"p\"; device = \"net_null0\"; realm = \"a\"; },\n"
		     "  { name = \"q\"; device = \"net_null1\"; realm = \"a\"; } ); };\n",
		     "t.conf:4: dataplane.ports.[1].realm: ",
		     "media address 192.0.2.2 of realm \"a\" is already owned by port \"p\"");
}

static void test_gateway_family(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = (\n"
		     "  { name = \"p\"; device = \"net_null0\"; realm = \"a\";\n"
		     "    gateway = \"2001:db8::1\"; } ); };\n",
		     "t.conf:4: dataplane.ports.[0].gateway: ",
		     "not of the same family");
}

static void test_bad_names(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"Access\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:1: realms.[0].name: ",
		     "\"Access\" does not match [a-z0-9_-]{1,31}");
	expect_error("realms = ( { name = \"abcdefghijklmnopqrstuvwxyz012345\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:1: realms.[0].name: ", "does not match");
	expect_error("realms = ( { name = \"\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:1: realms.[0].name: ", "does not match");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = ( { name = \"p 1\"; device = \"d\"; realm = \"a\"; } ); };\n",
		     "t.conf:2: dataplane.ports.[0].name: ", "does not match");
	expect_error("realms = ( " REALM_A " );\n"
		     "paths = { flow_table = \"/sbc_flows\"; };\n",
		     "t.conf:2: paths.flow_table: ", "does not match");
}

/* ---------- strings ---------- */

static void test_string_too_long(void **state)
{
	char *dev = repeat('d', CFG_PATH_MAX);
	char *sock = repeat('s', 108);
	char *arg = repeat('a', CFG_EAL_ARG_MAX);
	char *text;

	(void)state;
	assert_true(asprintf(&text, "realms = ( " REALM_A " );\n"
			     "dataplane = { ports = ( { name = \"p\"; realm = \"a\";\n"
			     "  device = \"%s\"; } ); };\n", dev) > 0);
	expect_error(text, "t.conf:3: dataplane.ports.[0].device: ",
		     "must be at most 255 bytes long");
	free(text);
	assert_true(asprintf(&text, "realms = ( " REALM_A " );\n"
			     "paths = { control_socket = \"/%s\"; };\n",
			     sock) > 0);
	expect_error(text, "t.conf:2: paths.control_socket: ",
		     "must be at most 107 bytes long");
	free(text);
	assert_true(asprintf(&text, "realms = ( " REALM_A " );\n"
			     "dataplane = { eal_args = [ \"-m\",\n"
			     "  \"%s\" ]; };\n", arg) > 0);
	expect_error(text, "t.conf:3: dataplane.eal_args.[1]: ",
		     "must be at most 127 bytes long");
	free(text);
	free(dev);
	free(sock);
	free(arg);
}

static void test_string_content(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "paths = { store = \"\"; };\n",
		     "t.conf:2: paths.store: ", "must not be empty");
	expect_error("realms = ( " REALM_A " );\n"
		     "paths = { pid_file = \"/run/sbc\\n.pid\"; };\n",
		     "t.conf:2: paths.pid_file: ",
		     "must not contain control characters");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { lcores = \"0-3 --vdev=x\"; };\n",
		     "t.conf:2: dataplane.lcores: ",
		     "may contain only the characters \"0123456789,-@()\"");
}

/* ---------- counts and required settings ---------- */

static void test_too_many_elements(void **state)
{
	char *text;

	(void)state;
	expect_error("realms = ( " REALM_A ", " REALM_A ", " REALM_A ", "
		     REALM_A ", " REALM_A ", " REALM_A ", " REALM_A ", "
		     REALM_A ", " REALM_A " );\n",
		     "t.conf:1: realms: ", "too many elements (at most 8)");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; port = 1; },\n"
		     "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 2; },\n"
		     "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 3; },\n"
		     "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 4; },\n"
		     "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 5; },\n"
		     "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 6; },\n"
		     "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 7; },\n"
		     "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 8; },\n"
		     "    { transport = \"udp\"; address = \"192.0.2.1\"; port = 9; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip: ", "too many elements (at most 8)");
	assert_true(asprintf(&text, "realms = ( " REALM_A " );\n"
			     "dataplane = {\n"
			     "  eal_args = [ %s\"x\" ]; };\n",
			     "\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", "
			     "\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", "
			     "\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", "
			     "\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", ") > 0);
	expect_error(text, "t.conf:3: dataplane.eal_args: ",
		     "too many elements (at most 32)");
	free(text);
}

static void test_empty_lists(void **state)
{
	(void)state;
	expect_error("log = { level = \"info\"; };\n"
		     "realms = ( );\n",
		     "t.conf:2: realms: ", "must have at least 1 element");
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip: ", "must have at least 1 element");
}

/* A missing key is reported at the line of the group it belongs in. */
static void test_missing_required(void **state)
{
	(void)state;
	expect_error("log = { level = \"info\"; };\n",
		     "t.conf:1: realms: ", "missing required setting");
	expect_error("", "t.conf:1: realms: ", "missing required setting");
	expect_error("log = { level = \"info\"; };\n"
		     "realms = (\n"
		     "  {\n"
		     "    sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "    media_address = \"192.0.2.2\";\n"
		     "    media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:3: realms.[0].name: ", "missing required setting");
	expect_error("realms = (\n"
		     "  { name = \"a\";\n"
		     "    media_address = \"192.0.2.2\";\n"
		     "    media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip: ", "missing required setting");
	expect_error("realms = (\n"
		     "  { name = \"a\";\n"
		     "    sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "    media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].media_address: ",
		     "missing required setting");
	expect_error("realms = (\n"
		     "  { name = \"a\";\n"
		     "    sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "    media_address = \"192.0.2.2\"; } );\n",
		     "t.conf:2: realms.[0].media_ports: ",
		     "missing required setting");
	expect_error("realms = ( { name = \"a\";\n"
		     "    sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "    media_address = \"192.0.2.2\";\n"
		     "    media_ports = { max = 29999; }; } );\n",
		     "t.conf:4: realms.[0].media_ports.min: ",
		     "missing required setting");
	expect_error("realms = ( { name = \"a\";\n"
		     "    sip = ( { address = \"192.0.2.1\"; } );\n"
		     "    media_address = \"192.0.2.2\";\n"
		     "    media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip.[0].transport: ",
		     "missing required setting");
	expect_error("realms = ( { name = \"a\";\n"
		     "    sip = ( { transport = \"udp\"; } );\n"
		     "    media_address = \"192.0.2.2\";\n"
		     "    media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip.[0].address: ",
		     "missing required setting");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = (\n"
		     "  { name = \"p\"; realm = \"a\"; } ); };\n",
		     "t.conf:3: dataplane.ports.[0].device: ",
		     "missing required setting");
}

/* ---------- timers ---------- */

/* a shm name or a file on a hugetlbfs mount (dataplane/ft.h) */
static void test_flow_table_path(void **state)
{
	struct cfg *cfg;

	(void)state;
	cfg = expect_load("realms = ( " REALM_A " );\n"
			  "paths = { flow_table = \"/dev/hugepages/sbc_flows\"; };\n");
	assert_string_equal(cfg->paths.flow_table, "/dev/hugepages/sbc_flows");
	cfg_free(cfg);
	/* the EAL deletes "*map_*" files in its hugepage directory */
	expect_error("realms = ( " REALM_A " );\n"
		     "paths = { flow_table = \"/dev/hugepages/flowmap_1\"; };\n",
		     "t.conf:2: paths.flow_table: ", "does not match");
	expect_error("realms = ( " REALM_A " );\n"
		     "paths = { flow_table = \"/dev/huge pages/f\"; };\n",
		     "t.conf:2: paths.flow_table: ", "does not match");
}

static void test_flow_table_size_not_power_of_two(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = {\n"
		     "  flow_table_size = 65535; };\n",
		     "t.conf:3: dataplane.flow_table_size: ",
		     "must be a power of two");
}

static void test_min_se_below_90(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "timers = {\n"
		     "  min_se = 60; };\n",
		     "t.conf:3: timers.min_se: ",
		     "must be between 90 and 86400 (RFC 4028 section 4");
}

static void test_session_expires_below_min_se(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "timers = { min_se = 600;\n"
		     "  session_expires = 300; };\n",
		     "t.conf:3: timers.session_expires: ",
		     "must be at least min_se (600)");
	/* Left out, session_expires defaults to 1800: reported at its group. */
	expect_error("realms = ( " REALM_A " );\n"
		     "timers = {\n"
		     "  min_se = 3600; };\n",
		     "t.conf:2: timers.session_expires: ",
		     "must be at least min_se (3600)");
}

static void test_registration_min_above_max(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "timers = { registration_max = 600;\n"
		     "  registration_min = 900; };\n",
		     "t.conf:3: timers.registration_min: ",
		     "must not exceed registration_max (600)");
}

static void test_dialplan_rules(void **state)
{
	struct cfg *cfg;

	(void)state;
	expect_error("realms = ( { name = \"a\"; sip = ( { transport = \"udp\";\n"
		     "  address = \"192.0.2.1\"; } ); media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; };\n"
		     "  dialplan = ( { match = \"^0\"; strip = 1; prefix = \"+44\"; },\n"
		     "    { match = \"^(1)\\\\1$\"; replace = \"+\\\\1\"; } ); } );\n",
		     "t.conf:5: realms.[0].dialplan.[1]: ", "back-reference");
	expect_error("realms = ( { name = \"a\"; sip = ( { transport = \"udp\";\n"
		     "  address = \"192.0.2.1\"; } ); media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; };\n"
		     "  dialplan = ( { prefix = \"+44x\"; } ); } );\n",
		     "t.conf:4: realms.[0].dialplan.[0].prefix: ", "");
	cfg = expect_load("realms = ( { name = \"a\"; sip = ( { transport = \"udp\";\n"
			  "  address = \"192.0.2.1\"; } ); media_address = \"192.0.2.2\";\n"
			  "  media_ports = { min = 20000; max = 29999; };\n"
			  "  dialplan = ( { match = \"^00([1-9][0-9]+)$\"; replace = \"+\\\\1\"; },\n"
			  "    { strip = 1; prefix = \"+44\"; } ); } );\n");
	assert_int_equal(cfg->realms[0].n_dialplan, 2);
	assert_string_equal(cfg->realms[0].dialplan[0].replace, "+\\1");
	assert_int_equal(cfg->realms[0].dialplan[1].strip, 1);
	cfg_free(cfg);
}

static void test_emergency_numbers(void **state)
{
	struct cfg *cfg;

	(void)state;
	cfg = expect_load("realms = ( " REALM_A " );\n");
	assert_int_equal(cfg->n_emergency, 2);
	assert_string_equal(cfg->emergency[0], "911");
	assert_string_equal(cfg->emergency[1], "112");
	cfg_free(cfg);
	cfg = expect_load("realms = ( " REALM_A " );\nemergency_numbers = [ ];\n");
	assert_int_equal(cfg->n_emergency, 0);
	cfg_free(cfg);
	cfg = expect_load("realms = ( " REALM_A " );\n"
			  "emergency_numbers = [ \"999\", \"+4418\" ];\n");
	assert_int_equal(cfg->n_emergency, 2);
	assert_string_equal(cfg->emergency[1], "+4418");
	cfg_free(cfg);
	expect_error("realms = ( " REALM_A " );\n"
		     "emergency_numbers = [ \"911\", \"help\" ];\n",
		     "t.conf:2: emergency_numbers.[1]: ", "");
}

static void test_exception_mode(void **state)
{
	struct cfg *cfg;

	(void)state;
	cfg = expect_load("realms = ( " REALM_A " );\n"
			  "dataplane = { ports = ( { name = \"p\"; realm = \"a\";\n"
			  "  device = \"net_null0\"; exception = \"on\"; } ); };\n");
	assert_int_equal(cfg->dp.ports[0].exception, CFG_EXCEPTION_ON);
	cfg_free(cfg);
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { ports = ( { name = \"p\"; realm = \"a\";\n"
		     "  device = \"net_null0\"; exception = \"maybe\"; } ); };\n",
		     "t.conf:3: dataplane.ports.[0].exception: ", "maybe");
}

/* realms.[].refer: "refuse" unless set, "relay", nothing else */
static void test_refer_mode(void **state)
{
	struct cfg *cfg;

	(void)state;
	cfg = expect_load("realms = ( " REALM_A " );\n");
	assert_int_equal(cfg->realms[0].refer, CFG_REFER_REFUSE);
	cfg_free(cfg);
	cfg = expect_load("realms = ( { name = \"a\"; refer = \"relay\";\n"
			  "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
			  "  media_address = \"192.0.2.2\";\n"
			  "  media_ports = { min = 20000; max = 29999; }; } );\n");
	assert_int_equal(cfg->realms[0].refer, CFG_REFER_RELAY);
	cfg_free(cfg);
	expect_error("realms = ( { name = \"a\"; refer = \"allow\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:1: realms.[0].refer: ",
		     "\"allow\" is not one of \"refuse\", \"relay\"");
}

/* message: defaults, the on/off switches, the service URI's form */
static void test_message_keys(void **state)
{
	struct cfg *cfg;

	(void)state;
	cfg = expect_load("realms = ( " REALM_A " );\n");
	assert_int_equal(cfg->message.max_body, 1300);
	assert_string_equal(cfg->message.service_uri, "");
	assert_string_equal(cfg->message.balance_keyword, "BALANCE");
	assert_int_equal(cfg->message.notify_refused, 0);
	cfg_free(cfg);
	cfg = expect_load("realms = ( " REALM_A " );\n"
			  "message = { service_uri = \"sip:bal@x.example\";\n"
			  "  notify_refused = \"on\"; notify_before = 30; };\n");
	assert_string_equal(cfg->message.service_uri, "sip:bal@x.example");
	assert_int_equal(cfg->message.notify_refused, 1);
	assert_int_equal(cfg->message.notify_before, 30);
	cfg_free(cfg);
	expect_error("realms = ( " REALM_A " );\n"
		     "message = {\n  service_uri = \"sips:bal@x\"; };\n",
		     "t.conf:3: message.service_uri: ", "sip:USER@HOST");
	expect_error("realms = ( " REALM_A " );\n"
		     "message = { service_uri = \"sip:x.example\"; };\n",
		     "t.conf:2: message.service_uri: ", "sip:USER@HOST");
	expect_error("realms = ( " REALM_A " );\n"
		     "message = { service_uri = \"sip:a@b@c\"; };\n",
		     "t.conf:2: message.service_uri: ", "sip:USER@HOST");
	expect_error("realms = ( " REALM_A " );\n"
		     "message = { max_body = 0; };\n",
		     "t.conf:2: message.max_body: ", "between 1 and 65536");
	expect_error("realms = ( " REALM_A " );\n"
		     "message = { notify_cutoff = \"yes\"; };\n",
		     "t.conf:2: message.notify_cutoff: ", "yes");
	expect_error("realms = ( " REALM_A " );\n"
		     "message = { balance_keyword = \"BAL ANCE\"; };\n",
		     "t.conf:2: message.balance_keyword: ", "characters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_keys),
		cmocka_unit_test(test_unknown_key_top),
		cmocka_unit_test(test_unknown_key_in_group),
		cmocka_unit_test(test_unknown_key_in_list_element),
		cmocka_unit_test(test_wrong_type_integer),
		cmocka_unit_test(test_wrong_type_string),
		cmocka_unit_test(test_wrong_type_aggregate),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_bad_enum),
		cmocka_unit_test(test_realm_media_policy_keys),
		cmocka_unit_test(test_invalid_ip),
		cmocka_unit_test(test_not_unicast),
		cmocka_unit_test(test_media_address_is_sip_address),
		cmocka_unit_test(test_msrp_address_is_media_address),
		cmocka_unit_test(test_msrp_tls_port),
		cmocka_unit_test(test_media_port_min_odd),
		cmocka_unit_test(test_media_port_max_not_above_min),
		cmocka_unit_test(test_media_ports_overlap),
		cmocka_unit_test(test_duplicate_listen),
		cmocka_unit_test(test_tcp_tls_same_port),
		cmocka_unit_test(test_tls_without_cert_or_key),
		cmocka_unit_test(test_duplicate_realm_name),
		cmocka_unit_test(test_duplicate_port_name),
		cmocka_unit_test(test_duplicate_port_device),
		cmocka_unit_test(test_port_unknown_realm),
		cmocka_unit_test(test_media_address_owned_twice),
		cmocka_unit_test(test_gateway_family),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_string_too_long),
		cmocka_unit_test(test_string_content),
		cmocka_unit_test(test_too_many_elements),
		cmocka_unit_test(test_empty_lists),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_flow_table_path),
		cmocka_unit_test(test_flow_table_size_not_power_of_two),
		cmocka_unit_test(test_min_se_below_90),
		cmocka_unit_test(test_session_expires_below_min_se),
		cmocka_unit_test(test_registration_min_above_max),
		cmocka_unit_test(test_dialplan_rules),
		cmocka_unit_test(test_emergency_numbers),
		cmocka_unit_test(test_exception_mode),
		cmocka_unit_test(test_refer_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
