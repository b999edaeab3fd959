/*
 * Unit tests for dataplane/eal_args.c: the EAL command line built from a
 * struct cfg (vdev vs PCI ports, lcores, file prefix) and the device-name
 * helpers.  The configuration is filled in by hand so that the tests pin
 * the builder alone, not the loader.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "eal_args.h"

static struct cfg cfg;
static struct dp_eal_args eal;

static void add_eal_arg(const char *arg)
{
	snprintf(cfg.dp.eal_args[cfg.dp.n_eal_args++], CFG_EAL_ARG_MAX, "%s",
		 arg);
}

static void add_port(const char *name, const char *device)
{
	struct cfg_dp_port *p = &cfg.dp.ports[cfg.dp.n_ports++];

	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->device, sizeof(p->device), "%s", device);
	snprintf(p->realm, sizeof(p->realm), "access");
	p->rx_queues = 1;
}

static int setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(&eal, 0xa5, sizeof(eal));
	snprintf(cfg.dp.lcores, sizeof(cfg.dp.lcores), "0-1");
	add_eal_arg("--no-huge");
	add_eal_arg("-m");
	add_eal_arg("1024");
	return 0;
}

/* compare eal.argv with the NULL-terminated list of expected arguments */
static void expect_argv(const char *first, ...)
{
	const char *want = first;
	va_list ap;
	int i = 0;

	va_start(ap, first);
	for (; want; want = va_arg(ap, const char *), i++) {
		assert_true(i < eal.argc);
		assert_string_equal(eal.argv[i], want);
	}
	va_end(ap);
	assert_int_equal(eal.argc, i);
	assert_null(eal.argv[i]);
}

static void test_vdev_port(void **state)
{
	(void)state;
	add_port("p0", "net_null0");
	assert_int_equal(dp_eal_args_build(&cfg, "sbc-dataplane", &eal), 0);
	expect_argv("sbc-dataplane", "--no-huge", "-m", "1024", "-l", "0-1",
		    "--file-prefix=sbc-dp", "--vdev", "net_null0", NULL);
}

static void test_pci_port(void **state)
{
	(void)state;
	add_port("p0", "0000:01:00.0");
	assert_int_equal(dp_eal_args_build(&cfg, "sbc-dataplane", &eal), 0);
	expect_argv("sbc-dataplane", "--no-huge", "-m", "1024", "-l", "0-1",
		    "--file-prefix=sbc-dp", "-a", "0000:01:00.0", NULL);
}

/* ports keep configuration order; vdev options stay attached */
static void test_mixed_ports(void **state)
{
	(void)state;
	add_port("access", "net_af_packet0,iface=veth-a,qpairs=1");
	add_port("carrier", "01:00.1");
	add_port("loop", "net_ring0");
	assert_int_equal(dp_eal_args_build(&cfg, "dp", &eal), 0);
	expect_argv("dp", "--no-huge", "-m", "1024", "-l", "0-1",
		    "--file-prefix=sbc-dp",
		    "--vdev", "net_af_packet0,iface=veth-a,qpairs=1",
		    "-a", "01:00.1", "--vdev", "net_ring0", NULL);
}

static void test_file_prefix_from_config(void **state)
{
	(void)state;
	add_eal_arg("--file-prefix=lab1");
	add_port("p0", "net_null0");
	assert_int_equal(dp_eal_args_build(&cfg, "dp", &eal), 0);
	expect_argv("dp", "--no-huge", "-m", "1024", "--file-prefix=lab1",
		    "-l", "0-1", "--vdev", "net_null0", NULL);
}

static void test_file_prefix_separate_value(void **state)
{
	(void)state;
	add_eal_arg("--file-prefix");
	add_eal_arg("lab2");
	assert_int_equal(dp_eal_args_build(&cfg, "dp", &eal), 0);
	expect_argv("dp", "--no-huge", "-m", "1024", "--file-prefix", "lab2",
		    "-l", "0-1", NULL);
}

/* lcores mapped to CPUs go as --lcores, the only option that maps */
static void test_lcores_mapped(void **state)
{
	(void)state;
	snprintf(cfg.dp.lcores, sizeof(cfg.dp.lcores), "0@0,(1-2)@1");
	assert_int_equal(dp_eal_args_build(&cfg, "dp", &eal), 0);
	expect_argv("dp", "--no-huge", "-m", "1024", "--lcores", "0@0,(1-2)@1",
		    "--file-prefix=sbc-dp", NULL);
}

/* without dataplane.lcores the EAL's own choice (or eal_args') stands */
static void test_no_lcores(void **state)
{
	(void)state;
	cfg.dp.lcores[0] = '\0';
	add_eal_arg("-l2-3");
	assert_int_equal(dp_eal_args_build(&cfg, "dp", &eal), 0);
	expect_argv("dp", "--no-huge", "-m", "1024", "-l2-3",
		    "--file-prefix=sbc-dp", NULL);
}

static void test_lcores_twice(void **state)
{
	static const char *const clash[] = {
		"-l", "-l2-3", "-c", "--lcores=(0-1)@0", "--lcores",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
		setup(NULL);
		add_eal_arg(clash[i]);
		assert_int_equal(dp_eal_args_build(&cfg, "dp", &eal), -EINVAL);
	}
	/* long options that merely start with l or c are not lcore choices */
	setup(NULL);
	add_eal_arg("--log-level=8");
	assert_int_equal(dp_eal_args_build(&cfg, "dp", &eal), 0);
}

/* the argv owns its strings: later changes to the cfg do not leak in */
static void test_argv_owns_strings(void **state)
{
	(void)state;
	add_port("p0", "net_null0");
	assert_int_equal(dp_eal_args_build(&cfg, "dp", &eal), 0);
	snprintf(cfg.dp.ports[0].device, CFG_PATH_MAX, "net_ring9");
	snprintf(cfg.dp.lcores, sizeof(cfg.dp.lcores), "5");
	expect_argv("dp", "--no-huge", "-m", "1024", "-l", "0-1",
		    "--file-prefix=sbc-dp", "--vdev", "net_null0", NULL);
}

/* the most a valid configuration can produce still fits */
static void test_largest_config_fits(void **state)
{
	char dev[CFG_PATH_MAX];

	(void)state;
	cfg.dp.n_eal_args = 0;
	while (cfg.dp.n_eal_args < CFG_MAX_EAL_ARGS)
		add_eal_arg("--no-telemetry");
	memset(dev, 'x', sizeof(dev) - 1);
	memcpy(dev, "net_", 4);
	dev[sizeof(dev) - 1] = '\0';
	while (cfg.dp.n_ports < CFG_MAX_DP_PORTS)
		add_port("p", dev);
	assert_int_equal(dp_eal_args_build(&cfg, "dp", &eal), 0);
	assert_int_equal(eal.argc, DP_EAL_ARGV_MAX);
	assert_string_equal(eal.argv[eal.argc - 1], dev);
	assert_null(eal.argv[eal.argc]);
}

static void test_device_name(void **state)
{
	char name[CFG_PATH_MAX];

	(void)state;
	assert_int_equal(dp_eal_device_name("net_af_packet0,iface=veth0",
					    name, sizeof(name)), 0);
	assert_string_equal(name, "net_af_packet0");
	assert_int_equal(dp_eal_device_name("net_null0", name, sizeof(name)),
			 0);
	assert_string_equal(name, "net_null0");
	assert_int_equal(dp_eal_device_name("0000:01:00.0,rxq_cqe_comp_en=0",
					    name, sizeof(name)), 0);
	assert_string_equal(name, "0000:01:00.0");
	assert_int_equal(dp_eal_device_name("net_null0", name, 9),
			 -ENAMETOOLONG);
	assert_int_equal(dp_eal_device_name("net_null0,x=1", name, 10), 0);
	assert_string_equal(name, "net_null0");
}

static void test_device_is_vdev(void **state)
{
	(void)state;
	assert_true(dp_eal_device_is_vdev("net_ring0"));
	assert_true(dp_eal_device_is_vdev("net_af_packet0,iface=eth1"));
	assert_false(dp_eal_device_is_vdev("0000:01:00.0"));
	assert_false(dp_eal_device_is_vdev("01:00.0"));
	assert_false(dp_eal_device_is_vdev("net"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vdev_port, setup),
		cmocka_unit_test_setup(test_pci_port, setup),
		cmocka_unit_test_setup(test_mixed_ports, setup),
		cmocka_unit_test_setup(test_file_prefix_from_config, setup),
		cmocka_unit_test_setup(test_file_prefix_separate_value, setup),
		cmocka_unit_test_setup(test_lcores_mapped, setup),
		cmocka_unit_test_setup(test_no_lcores, setup),
		cmocka_unit_test_setup(test_lcores_twice, setup),
		cmocka_unit_test_setup(test_argv_owns_strings, setup),
		cmocka_unit_test_setup(test_largest_config_fits, setup),
		cmocka_unit_test(test_device_name),
		cmocka_unit_test(test_device_is_vdev),
	};

	return cmocka_run_group_tests_name("dp_eal_args", tests, NULL, NULL);
}
