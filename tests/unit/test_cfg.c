/*
 * Unit tests for the configuration loader (b2bua/cfg.c): the shipped files
 * (conf/sbc.conf and every .conf in conf/examples/) load with their values
 * landing in struct cfg, left-out keys take their defaults, and file errors,
 * libconfig syntax errors, integer literals, the arguments and the error
 * buffer are handled.  The validation rules are in test_cfg_rules.c.  The
 * tests run from the repository root.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg.h"
#include "cfg_fixture.h"

/* ---------- shipped files ---------- */

/* The timers and limits the shipped sbc.conf sets, which are the defaults. */
static void assert_default_timers_limits(const struct cfg *cfg)
{
	assert_int_equal(cfg->timers.rtp_timeout, 30);
	assert_int_equal(cfg->timers.session_expires, 1800);
	assert_int_equal(cfg->timers.min_se, 90);
	assert_int_equal(cfg->timers.max_call_duration, 14400);
	assert_int_equal(cfg->timers.registration_min, 60);
	assert_int_equal(cfg->timers.registration_max, 3600);
	assert_int_equal(cfg->timers.gateway_ping, 30);
	assert_int_equal(cfg->timers.credit_checkpoint, 5);
	assert_int_equal(cfg->limits.max_calls, 50000);
	assert_int_equal(cfg->limits.max_cps, 2000);
	assert_int_equal(cfg->limits.max_registrations, 100000);
	assert_int_equal(cfg->limits.ctl_max_clients, 16);
	assert_int_equal(cfg->limits.ctl_max_request, 4194304);
}

static void test_default_conf_loads(void **state)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg = cfg_load("conf/sbc.conf", err, sizeof(err));
	const struct cfg_realm *a, *c;

	(void)state;
	if (!cfg)
		print_error("%s\n", err);
	assert_non_null(cfg);
	assert_string_equal(cfg->file, "conf/sbc.conf");
	assert_int_equal(cfg->log.level, LOG_LEVEL_INFO);
	assert_string_equal(cfg->paths.store_dir, "/var/lib/sbc");
	assert_int_equal(cfg->paths.store_max_mb, 1024);
	assert_string_equal(cfg->paths.flow_table, "sbc_flows");
	assert_string_equal(cfg->paths.control_socket, "/run/sbc/sbcd.sock");
	assert_string_equal(cfg->paths.pid_file, "/run/sbc/sbcd.pid");

	assert_int_equal(cfg->n_realms, 2);
	a = cfg_realm_find(cfg, "access");
	c = cfg_realm_find(cfg, "carrier");
	assert_ptr_equal(a, &cfg->realms[0]);
	assert_ptr_equal(c, &cfg->realms[1]);
	assert_int_equal(a->n_listen, 2);
	assert_int_equal(a->listen[0].transport, CFG_TRANSPORT_UDP);
	assert_int_equal(a->listen[1].transport, CFG_TRANSPORT_TCP);
	assert_int_equal(a->listen[1].addr.af, AF_INET);
	assert_string_equal(a->listen[1].addr.text, "10.10.1.1");
	assert_int_equal(a->listen[1].port, 5060);
	assert_int_equal(a->n_media_addrs, 1);
	assert_string_equal(a->media_addrs[0].text, "10.10.1.2");
	assert_int_equal(a->media_port_min, 20000);
	assert_int_equal(a->media_port_max, 29999);
	assert_int_equal(a->srtp, CFG_SRTP_OPTIONAL);
	assert_int_equal(a->latching, CFG_LATCH_FIRST);
	assert_int_equal(a->rtp_timeout, 30);
	assert_string_equal(a->tls_cert, "");
	assert_int_equal(c->n_listen, 1);
	assert_string_equal(c->listen[0].addr.text, "10.10.2.1");
	assert_string_equal(c->media_addrs[0].text, "10.10.2.2");
	assert_int_equal(c->media_port_min, 30000);
	assert_int_equal(c->media_port_max, 39999);
	assert_int_equal(c->srtp, CFG_SRTP_OFF);

	assert_int_equal(cfg->dp.n_eal_args, 4);
	assert_string_equal(cfg->dp.eal_args[0], "--no-huge");
	assert_string_equal(cfg->dp.eal_args[1], "-m");
	assert_string_equal(cfg->dp.eal_args[2], "1024");
	assert_string_equal(cfg->dp.eal_args[3], "--no-pci");
	assert_string_equal(cfg->dp.lcores, "0-1");
	assert_int_equal(cfg->dp.flow_table_size, 65536);
	assert_int_equal(cfg->dp.mbufs, 16383);
	assert_int_equal(cfg->dp.burst, 32);
	assert_int_equal(cfg->dp.n_ports, 2);
	assert_string_equal(cfg->dp.ports[0].name, "access");
	assert_string_equal(cfg->dp.ports[0].device,
			    "net_af_packet0,iface=dp-access");
	assert_string_equal(cfg->dp.ports[0].realm, "access");
	assert_int_equal(cfg->dp.ports[0].gateway.af, 0);
	assert_int_equal(cfg->dp.ports[0].rx_queues, 1);
	assert_string_equal(cfg->dp.ports[1].device,
			    "net_af_packet1,iface=dp-carrier");
	assert_string_equal(cfg->dp.ports[1].realm, "carrier");

	assert_default_timers_limits(cfg);
	cfg_free(cfg);
}

static void test_examples_load(void **state)
{
	char err[CFG_ERR_MAX];
	glob_t g;

	(void)state;
	assert_int_equal(glob("conf/examples/*.conf", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 1);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct cfg *cfg = cfg_load(g.gl_pathv[i], err, sizeof(err));

		if (!cfg)
			print_error("%s\n", err);
		assert_non_null(cfg);
		cfg_free(cfg);
	}
	globfree(&g);
}

static void test_appliance_example_values(void **state)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg = cfg_load("conf/examples/appliance-tls.conf", err,
				   sizeof(err));
	const struct cfg_realm *a, *c;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(cfg->log.level, LOG_LEVEL_NOTICE);
	a = cfg_realm_find(cfg, "access");
	c = cfg_realm_find(cfg, "carrier");
	assert_non_null(a);
	assert_non_null(c);
	assert_int_equal(a->listen[2].transport, CFG_TRANSPORT_TLS);
	assert_int_equal(a->listen[2].port, 5061);
	assert_string_equal(a->tls_cert, "/etc/sbc/tls/access.crt");
	assert_string_equal(a->tls_key, "/etc/sbc/tls/access.key");
	assert_true(cfg_ip_equal(&a->media_addrs[0], &c->media_addrs[0]));
	assert_int_equal(cfg->dp.n_ports, 1);
	assert_string_equal(cfg->dp.ports[0].device, "0000:03:00.0");
	assert_string_equal(cfg->dp.ports[0].gateway.text, "203.0.113.1");
	assert_int_equal(cfg->dp.ports[0].rx_queues, 2);
	assert_string_equal(cfg->dp.eal_args[0], "--huge-dir");
	assert_int_equal(cfg->dp.flow_table_size, 262144);
	cfg_free(cfg);
}

static void test_dual_stack_example_values(void **state)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg = cfg_load("conf/examples/dual-stack.conf", err,
				   sizeof(err));
	const struct cfg_realm *r;

	(void)state;
	assert_non_null(cfg);
	r = cfg_realm_find(cfg, "carrier-v6");
	assert_non_null(r);
	assert_int_equal(r->listen[0].addr.af, AF_INET6);
	assert_string_equal(r->listen[0].addr.text, "2001:db8:2::1");
	assert_int_equal(r->media_addrs[0].af, AF_INET6);
	assert_int_equal(cfg->dp.ports[1].gateway.af, AF_INET6);
	cfg_free(cfg);
}

/* Every optional key left out takes the default documented in sbc.conf. */
static void test_defaults(void **state)
{
	struct cfg *cfg = expect_load("realms = ( " REALM_A " );\n");

	(void)state;
	assert_string_equal(cfg->file, "t.conf");
	assert_int_equal(cfg->log.level, LOG_LEVEL_INFO);
	assert_string_equal(cfg->paths.store_dir, "/var/lib/sbc");
	assert_int_equal(cfg->paths.store_max_mb, 1024);
	assert_string_equal(cfg->paths.flow_table, "sbc_flows");
	assert_string_equal(cfg->paths.control_socket, "/run/sbc/sbcd.sock");
	assert_string_equal(cfg->paths.pid_file, "/run/sbc/sbcd.pid");
	assert_int_equal(cfg->realms[0].listen[0].port, 5060);
	assert_int_equal(cfg->realms[0].srtp, CFG_SRTP_OFF);
	assert_int_equal(cfg->dp.n_eal_args, 0);
	assert_string_equal(cfg->dp.lcores, "0-1");
	assert_int_equal(cfg->dp.flow_table_size, 65536);
	assert_int_equal(cfg->dp.mbufs, 16383);
	assert_int_equal(cfg->dp.burst, 32);
	assert_int_equal(cfg->dp.n_ports, 0);
	assert_default_timers_limits(cfg);
	cfg_free(cfg);
}

/*
 * Per-realm media policy: latching defaults to "latch"; a realm's
 * rtp_timeout left out is timers.rtp_timeout (also its default), one set,
 * 0 included, is its own.
 */
static void test_realm_media_policy(void **state)
{
	struct cfg *cfg = expect_load("realms = ( " REALM_A ", " REALM_B " );\n");

	(void)state;
	assert_int_equal(cfg->realms[0].latching, CFG_LATCH_FIRST);
	assert_int_equal(cfg->realms[0].rtp_timeout, 30);
	assert_int_equal(cfg->realms[1].rtp_timeout, 30);
	assert_int_equal(cfg->realms[0].digest, CFG_DIGEST_SHA256_MD5);
	cfg_free(cfg);

	cfg = expect_load("realms = (\n"
		"  { name = \"a\"; sip = ( { transport = \"udp\";\n"
		"    address = \"192.0.2.1\"; } ); media_address = \"192.0.2.2\";\n"
		"    media_ports = { min = 20000; max = 29999; };\n"
		"    latching = \"off\"; rtp_timeout = 3; digest = \"md5\"; },\n"
		"  { name = \"b\"; sip = ( { transport = \"udp\";\n"
		"    address = \"198.51.100.1\"; } );\n"
		"    media_address = \"198.51.100.2\";\n"
		"    media_ports = { min = 30000; max = 39999; };\n"
		"    latching = \"relatch\"; },\n"
		"  { name = \"c\"; sip = ( { transport = \"udp\";\n"
		"    address = \"203.0.113.1\"; } ); media_address = \"203.0.113.2\";\n"
		"    media_ports = { min = 40000; max = 49999; };\n"
		"    latching = \"latch\"; rtp_timeout = 0; } );\n"
		"timers = { rtp_timeout = 60; };\n");
	assert_int_equal(cfg->realms[0].latching, CFG_LATCH_OFF);
	assert_int_equal(cfg->realms[0].rtp_timeout, 3);
	assert_int_equal(cfg->realms[0].digest, CFG_DIGEST_MD5);
	assert_int_equal(cfg->realms[1].latching, CFG_LATCH_SSRC);
	assert_int_equal(cfg->realms[1].rtp_timeout, 60);
	assert_int_equal(cfg->realms[2].latching, CFG_LATCH_FIRST);
	assert_int_equal(cfg->realms[2].rtp_timeout, 0);
	assert_int_equal(cfg->timers.rtp_timeout, 60);
	cfg_free(cfg);

	assert_string_equal(cfg_latching_name(CFG_LATCH_OFF), "off");
	assert_string_equal(cfg_latching_name(CFG_LATCH_FIRST), "latch");
	assert_string_equal(cfg_latching_name(CFG_LATCH_SSRC), "relatch");
	assert_string_equal(cfg_latching_name((enum cfg_latching)7), "?");
}

static void test_defaults_in_port_and_listen(void **state)
{
	struct cfg *cfg = expect_load(
		"realms = ( { name = \"a\"; sip = (\n"
		"  { transport = \"tls\"; address = \"192.0.2.1\"; },\n"
		"  { transport = \"tcp\"; address = \"192.0.2.1\"; } );\n"
		"  media_address = \"192.0.2.2\";\n"
		"  media_ports = { min = 20000; max = 29999; };\n"
		"  tls_cert = \"c.pem\"; tls_key = \"k.pem\"; } );\n"
		"dataplane = { ports = ( { name = \"p\"; device = \"net_null0\"; realm = \"a\"; } ); };\n");

	(void)state;
	assert_int_equal(cfg->realms[0].listen[0].port, 5061);
	assert_int_equal(cfg->realms[0].listen[1].port, 5060);
	assert_int_equal(cfg->dp.ports[0].rx_queues, 1);
	assert_int_equal(cfg->dp.ports[0].gateway.af, 0);
	cfg_free(cfg);
}

/* ---------- file and syntax errors ---------- */

static void test_missing_file(void **state)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg;

	(void)state;
	errno = 0;
	cfg = cfg_load("conf/no-such-file.conf", err, sizeof(err));
	assert_null(cfg);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "conf/no-such-file.conf: cannot open: "
			    "No such file or directory");
}

static void test_directory_refused(void **state)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg;

	(void)state;
	errno = 0;
	cfg = cfg_load("conf", err, sizeof(err));
	assert_null(cfg);
	assert_int_equal(errno, EISDIR);
	assert_string_equal(err, "conf: is a directory");
}

static void test_device_refused(void **state)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg;

	(void)state;
	errno = 0;
	cfg = cfg_load("/dev/null", err, sizeof(err));
	assert_null(cfg);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, "/dev/null: not a regular file");
}

/* Write @len bytes of @data to a new file under TMPDIR; return its path. */
static char *write_temp(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	assert_true(asprintf(&path, "%s/cfgXXXXXX", dir ? dir : "/tmp") > 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_nul_byte_refused(void **state)
{
	static const char text[] = "log = { level = \"info\"; };\n\0junk";
	char err[CFG_ERR_MAX], want[CFG_ERR_MAX];
	char *path = write_temp(text, sizeof(text) - 1);
	struct cfg *cfg;

	(void)state;
	errno = 0;
	cfg = cfg_load(path, err, sizeof(err));
	assert_null(cfg);
	assert_int_equal(errno, EINVAL);
	snprintf(want, sizeof(want), "%s:2: contains a NUL byte", path);
	assert_string_equal(err, want);
	unlink(path);
	free(path);
}

static void test_too_large_refused(void **state)
{
	char err[CFG_ERR_MAX];
	char *big = repeat('#', 1024 * 1024 + 1);
	char *path = write_temp(big, strlen(big));
	struct cfg *cfg;

	(void)state;
	errno = 0;
	cfg = cfg_load(path, err, sizeof(err));
	assert_null(cfg);
	assert_int_equal(errno, EFBIG);
	assert_non_null(strstr(err, ": larger than 1048576 bytes"));
	unlink(path);
	free(path);
	free(big);
}

static void test_syntax_error(void **state)
{
	(void)state;
	expect_error("log = { level = \"info\"; };\n"
		     "timers = { rtp_timeout = ; };\n"
		     "realms = ( " REALM_A " );\n",
		     "t.conf:2: ", "syntax error");
}

static void test_duplicate_setting(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "timers = { min_se = 90;\n"
		     "  min_se = 120; };\n",
		     "t.conf:3: ", "duplicate setting name");
}

/*
 * Includes are refused, and never opened: libconfig 1.5 exit()s the process
 * when an included "file" cannot be read (a directory, hyperrealm/libconfig
 * issue #292), and a FIFO would block the load.
 */
static void test_include_refused(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_A " );\n"
		     "@include \"conf/sbc.conf\"\n",
		     "t.conf:2: ", "@include is not supported");
	expect_error("\n"
		     "  @include \".\"\n",
		     "t.conf:2: ", "@include is not supported");
	expect_error("@include \"/dev/stdin\"\n",
		     "t.conf:1: ", "@include is not supported");
}

static void test_load_arguments(void **state)
{
	char err[CFG_ERR_MAX];
	char *name = repeat('n', CFG_PATH_MAX);

	(void)state;
	errno = 0;
	assert_null(cfg_load_string(NULL, "t.conf", err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(cfg_load(NULL, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(cfg_load_string("realms = ( " REALM_A " );", name, err,
				    sizeof(err)));
	assert_int_equal(errno, ENAMETOOLONG);
	free(name);
}

/* The message is cut to the buffer, always terminated; no buffer is fine. */
static void test_error_buffer(void **state)
{
	char err[12];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_null(cfg_load_string("bogus = 1;", "t.conf", err, sizeof(err)));
	assert_string_equal(err, "t.conf:1: b");
	errno = 0;
	assert_null(cfg_load_string("bogus = 1;", "t.conf", NULL, 0));
	assert_int_equal(errno, EINVAL);
	assert_null(cfg_load_string("bogus = 1;", "t.conf", err, 0));
}

/* ---------- integer literals ---------- */

/* libconfig 1.5 would silently wrap these to 5060 and 5. */
static void test_huge_integer_not_wrapped(void **state)
{
	(void)state;
	expect_error("realms = ( { name = \"a\";\n"
		     "  sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; port = 4294972356; } );\n"
		     "  media_address = \"192.0.2.2\";\n"
		     "  media_ports = { min = 20000; max = 29999; }; } );\n",
		     "t.conf:2: realms.[0].sip.[0].port: ",
		     "must be between 1 and 65535");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { burst = 0x100000005; };\n",
		     "t.conf:2: dataplane.burst: ", "must be between 1 and 256");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { burst = 99999999999999999999999; };\n",
		     "t.conf:2: dataplane.burst: ", "must be between 1 and 256");
	expect_error("realms = ( " REALM_A " );\n"
		     "dataplane = { burst = -4294967264; };\n",
		     "t.conf:2: dataplane.burst: ", "must be between 1 and 256");
}

/* 64-bit literals, hex and digits inside strings and comments are left alone. */
static void test_integer_forms(void **state)
{
	struct cfg *cfg = expect_load(
		"# 99999999999 in a comment\n"
		"/* 4294967297 */ realms = ( " REALM_A " );\n"
		"dataplane = { burst = 0x20; mbufs = 16383L;\n"
		"  lcores = \"0-1\"; // 12345678901\n"
		"  eal_args = [ \"--file-prefix\", \"x99999999999\" ]; };\n"
		"paths = { store = \"/var/4294967297\"; };\n");

	(void)state;
	assert_int_equal(cfg->dp.burst, 32);
	assert_int_equal(cfg->dp.mbufs, 16383);
	assert_string_equal(cfg->dp.eal_args[1], "x99999999999");
	assert_string_equal(cfg->paths.store_dir, "/var/4294967297");
	cfg_free(cfg);
}

/* ---------- helpers ---------- */

static void test_helpers(void **state)
{
	struct cfg *cfg = expect_load("realms = ( " REALM_A ", " REALM_B " );\n");
	struct cfg_ip a, b;

	(void)state;
	assert_ptr_equal(cfg_realm_find(cfg, "b"), &cfg->realms[1]);
	assert_null(cfg_realm_find(cfg, "c"));
	assert_null(cfg_realm_find(cfg, NULL));
	assert_null(cfg_realm_find(NULL, "a"));
	cfg_free(cfg);
	cfg_free(NULL);

	assert_string_equal(cfg_transport_name(CFG_TRANSPORT_UDP), "udp");
	assert_string_equal(cfg_transport_name(CFG_TRANSPORT_TCP), "tcp");
	assert_string_equal(cfg_transport_name(CFG_TRANSPORT_TLS), "tls");
	assert_string_equal(cfg_transport_name((enum cfg_transport)9), "?");
	assert_string_equal(cfg_srtp_name(CFG_SRTP_OFF), "off");
	assert_string_equal(cfg_srtp_name(CFG_SRTP_OPTIONAL), "optional");
	assert_string_equal(cfg_srtp_name(CFG_SRTP_REQUIRED), "required");

	assert_int_equal(cfg_ip_parse("2001:DB8:0:0::1", &a), 0);
	assert_int_equal(a.af, AF_INET6);
	assert_string_equal(a.text, "2001:db8::1");
	assert_int_equal(cfg_ip_parse("2001:db8::1", &b), 0);
	assert_true(cfg_ip_equal(&a, &b));
	assert_int_equal(cfg_ip_parse("192.0.2.1", &b), 0);
	assert_int_equal(b.af, AF_INET);
	assert_false(cfg_ip_equal(&a, &b));
	assert_int_equal(cfg_ip_parse("192.0.2", &b), -EINVAL);
	assert_int_equal(cfg_ip_parse("192.0.2.1:5060", &b), -EINVAL);
	assert_int_equal(cfg_ip_parse("", &b), -EINVAL);
	assert_int_equal(cfg_ip_parse(NULL, &b), -EINVAL);
	assert_string_equal(b.text, "192.0.2.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_conf_loads),
		cmocka_unit_test(test_examples_load),
		cmocka_unit_test(test_appliance_example_values),
		cmocka_unit_test(test_dual_stack_example_values),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_realm_media_policy),
		cmocka_unit_test(test_defaults_in_port_and_listen),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory_refused),
		cmocka_unit_test(test_device_refused),
		cmocka_unit_test(test_nul_byte_refused),
		cmocka_unit_test(test_too_large_refused),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_duplicate_setting),
		cmocka_unit_test(test_include_refused),
		cmocka_unit_test(test_load_arguments),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_huge_integer_not_wrapped),
		cmocka_unit_test(test_integer_forms),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
