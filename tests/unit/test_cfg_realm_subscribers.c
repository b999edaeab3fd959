/*
 * Unit tests for the realm keys of subscribers (b2bua/cfg_schema.c):
 * `subscribers` (true or false, default false) and `forking` ("parallel",
 * default, or "sequential"), and that the shipped sbc.conf opens its
 * access realm to subscribers and keeps its carrier realm closed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cfg.h"
#include "cfg_fixture.h"

#define REALM_C "{ name = \"c\"; sip = ( { transport = \"udp\"; " \
	"address = \"203.0.113.1\"; } ); media_address = \"203.0.113.2\"; " \
	"media_ports = { min = 40000; max = 49999; }; "

static void test_defaults(void **state)
{
	struct cfg *cfg = expect_load("realms = ( " REALM_A " );\n");

	(void)state;
	assert_false(cfg->realms[0].subscribers);
	assert_int_equal(cfg->realms[0].forking, CFG_FORK_PARALLEL);
	cfg_free(cfg);
}

static void test_set(void **state)
{
	struct cfg *cfg = expect_load("realms = ( " REALM_A ",\n"
		REALM_C "subscribers = true; forking = \"sequential\"; },\n"
		REALM_B " );\n");

	(void)state;
	assert_false(cfg->realms[0].subscribers);
	assert_true(cfg->realms[1].subscribers);
	assert_int_equal(cfg->realms[1].forking, CFG_FORK_SEQUENTIAL);
	assert_false(cfg->realms[2].subscribers);
	cfg_free(cfg);

	cfg = expect_load("realms = ( " REALM_C
			  "subscribers = false; forking = \"parallel\"; } );\n");
	assert_false(cfg->realms[0].subscribers);
	assert_int_equal(cfg->realms[0].forking, CFG_FORK_PARALLEL);
	cfg_free(cfg);
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_error("realms = ( " REALM_C "subscribers = \"yes\"; } );\n",
		     "t.conf:1: realms.[0].subscribers: ",
		     "must be true or false");
	expect_error("realms = ( " REALM_C "subscribers = 1; } );\n",
		     "t.conf:1: realms.[0].subscribers: ",
		     "must be true or false");
	expect_error("realms = ( " REALM_C "forking = \"all\"; } );\n",
		     "t.conf:1: realms.[0].forking: ", "parallel");
	expect_error("realms = ( " REALM_C "forking = true; } );\n",
		     "t.conf:1: realms.[0].forking: ", "must be a string");
}

/* The shipped file: access takes subscribers, the carrier realm does not. */
static void test_shipped(void **state)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg = cfg_load("conf/sbc.conf", err, sizeof(err));

	(void)state;
	assert_non_null(cfg);
	assert_true(cfg_realm_find(cfg, "access")->subscribers);
	assert_false(cfg_realm_find(cfg, "carrier")->subscribers);
	assert_int_equal(cfg_realm_find(cfg, "access")->forking,
			 CFG_FORK_PARALLEL);
	cfg_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
