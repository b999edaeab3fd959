/*
 * Unit tests for the choice of the response a caller gets when every fork
 * of a parallel-forked call failed (b2bua/fork_pick.c, RFC 3261 section
 * 16.7 steps 5 and 6 as they apply to a B2BUA).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fork_pick.h"

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

/* A 6xx wins over everything, wherever it is; the first 6xx of several. */
static void test_6xx_wins(void **state)
{
	const int a[] = { 486, 302, 603 };
	const int b[] = { 600, 404, 603 };
	const int c[] = { 408, 606 };

	(void)state;
	assert_int_equal(b2b_fork_best(a, N(a)), 2);
	assert_int_equal(b2b_fork_best(b, N(b)), 0);
	assert_int_equal(b2b_fork_best(c, N(c)), 1);
}

/* Otherwise the lowest class: 3xx before 4xx before 5xx. */
static void test_lowest_class(void **state)
{
	const int a[] = { 503, 480, 500 };
	const int b[] = { 404, 302, 503 };
	const int c[] = { 503, 500, 502 };

	(void)state;
	assert_int_equal(b2b_fork_best(a, N(a)), 1);
	assert_int_equal(b2b_fork_best(b, N(b)), 1);
	assert_int_equal(b2b_fork_best(c, N(c)), 1);
}

/* Within 4xx: 415/420/484 first, then 486, then the lowest code; 401 and
 * 407 last. */
static void test_preferences_within_class(void **state)
{
	const int a[] = { 404, 486, 480 };
	const int b[] = { 486, 484, 404 };
	const int c[] = { 480, 420 };
	const int d[] = { 415, 486 };
	const int e[] = { 407, 480, 401 };
	const int f[] = { 401, 407 };
	const int g[] = { 480, 404, 408 };
	const int h[] = { 480, 480 };

	(void)state;
	assert_int_equal(b2b_fork_best(a, N(a)), 1);
	assert_int_equal(b2b_fork_best(b, N(b)), 1);
	assert_int_equal(b2b_fork_best(c, N(c)), 1);
	assert_int_equal(b2b_fork_best(d, N(d)), 0);
	assert_int_equal(b2b_fork_best(e, N(e)), 1);
	assert_int_equal(b2b_fork_best(f, N(f)), 0);
	assert_int_equal(b2b_fork_best(g, N(g)), 1);
	assert_int_equal(b2b_fork_best(h, N(h)), 0);
}

/* Non-final and absurd statuses are ignored; nothing usable gives -1. */
static void test_ignored(void **state)
{
	const int a[] = { 0, 180, 200, 486 };
	const int b[] = { 0, 0 };
	const int c[] = { 700, -1, 99999, 404 };

	(void)state;
	assert_int_equal(b2b_fork_best(a, N(a)), 3);
	assert_int_equal(b2b_fork_best(b, N(b)), -1);
	assert_int_equal(b2b_fork_best(c, N(c)), 3);
	assert_int_equal(b2b_fork_best(a, 0), -1);
}

/* 503 goes to the caller as 500, a challenge as 403, the rest as is. */
static void test_caller_status(void **state)
{
	(void)state;
	assert_int_equal(b2b_fork_caller_status(503), 500);
	assert_int_equal(b2b_fork_caller_status(401), 403);
	assert_int_equal(b2b_fork_caller_status(407), 403);
	assert_int_equal(b2b_fork_caller_status(486), 486);
	assert_int_equal(b2b_fork_caller_status(603), 603);
	assert_int_equal(b2b_fork_caller_status(408), 408);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_6xx_wins),
		cmocka_unit_test(test_lowest_class),
		cmocka_unit_test(test_preferences_within_class),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_caller_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
