/*
 * Unit tests of the gateway up/down state machine (b2bua/gw_health.c):
 * which OPTIONS answers count as alive (RFC 3261 sections 11 and 21), down
 * only after B2B_GW_DOWN_AFTER consecutive failures, up again only after
 * B2B_GW_UP_AFTER consecutive successes, a success or failure in between
 * restarting the count, and the change time taken from the given clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "gw_monitor.h"

static void test_alive(void **state)
{
	static const int alive[] = { 200, 202, 299, 403, 404, 405, 481, 486,
				     499, 600, 603, 699 };
	static const int dead[] = { 0, 100, 183, 408, 500, 502, 503, 504,
				    599, 700, -1 };

	(void)state;
	for (size_t i = 0; i < sizeof(alive) / sizeof(alive[0]); i++)
		if (!b2b_gw_status_alive(alive[i]))
			fail_msg("%d should be alive", alive[i]);
	for (size_t i = 0; i < sizeof(dead) / sizeof(dead[0]); i++)
		if (b2b_gw_status_alive(dead[i]))
			fail_msg("%d should be a failure", dead[i]);
}

static void test_new_is_up(void **state)
{
	struct b2b_gw_health h;

	(void)state;
	b2b_gw_health_init(&h, 1000);
	assert_false(h.down);
	assert_int_equal(h.last_status, 0);
	assert_int_equal(h.fails, 0);
	assert_true(h.changed_ms == 1000);
}

/* Feed @n probes of @status starting at @t; return how many changed state. */
static unsigned feed(struct b2b_gw_health *h, int status, unsigned n,
		     int64_t *t)
{
	unsigned changes = 0;

	for (unsigned i = 0; i < n; i++)
		changes += b2b_gw_health_update(h, status, (*t)++);
	return changes;
}

static void test_down_after_k(void **state)
{
	struct b2b_gw_health h;
	int64_t t = 2000;

	(void)state;
	b2b_gw_health_init(&h, 0);
	assert_int_equal(feed(&h, 503, B2B_GW_DOWN_AFTER - 1, &t), 0);
	assert_false(h.down);
	assert_true(b2b_gw_health_update(&h, 408, t));
	assert_true(h.down);
	assert_true(h.changed_ms == t);
	assert_int_equal(h.last_status, 408);
	assert_int_equal(h.fails, B2B_GW_DOWN_AFTER);
	/* more failures: no further change, the change time stays */
	assert_int_equal(feed(&h, 503, 5, &t), 0);
	assert_true(h.down);
	assert_true(h.changed_ms == 2000 + B2B_GW_DOWN_AFTER - 1);
	assert_int_equal(h.fails, B2B_GW_DOWN_AFTER + 5);
}

static void test_failures_must_be_consecutive(void **state)
{
	struct b2b_gw_health h;
	int64_t t = 0;

	(void)state;
	b2b_gw_health_init(&h, 0);
	for (int i = 0; i < 10; i++) {
		feed(&h, 503, B2B_GW_DOWN_AFTER - 1, &t);
		feed(&h, 200, 1, &t);
	}
	assert_false(h.down);
	assert_int_equal(h.fails, 0);
}

static void test_up_after_m(void **state)
{
	struct b2b_gw_health h;
	int64_t t = 0;

	(void)state;
	b2b_gw_health_init(&h, 0);
	feed(&h, 408, B2B_GW_DOWN_AFTER, &t);
	assert_true(h.down);
	/* a success interrupted by a failure does not count */
	assert_int_equal(feed(&h, 200, B2B_GW_UP_AFTER - 1, &t), 0);
	assert_int_equal(feed(&h, 503, 1, &t), 0);
	assert_true(h.down);
	assert_int_equal(feed(&h, 405, B2B_GW_UP_AFTER - 1, &t), 0);
	assert_true(h.down);
	assert_true(b2b_gw_health_update(&h, 200, 777));
	assert_false(h.down);
	assert_true(h.changed_ms == 777);
	assert_int_equal(h.fails, 0);
	assert_int_equal(h.last_status, 200);
	/* up stays up on more successes */
	assert_int_equal(feed(&h, 200, 3, &t), 0);
	assert_false(h.down);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alive),
		cmocka_unit_test(test_new_is_up),
		cmocka_unit_test(test_down_after_k),
		cmocka_unit_test(test_failures_must_be_consecutive),
		cmocka_unit_test(test_up_after_m),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
