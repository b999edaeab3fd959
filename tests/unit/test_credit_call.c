/*
 * Unit tests of the prepaid credit arithmetic (b2bua/credit_reserve.c):
 * the grant of an answered call and its reservation, billed seconds capped
 * at the grant, refusal when nothing is left, and two or three calls of
 * one account sharing a balance in every order of answer and end without
 * ever spending more than the balance.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "credit_call.h"
#include "rating.h"

#define CENT 10000LL		/* micro-units */

static struct store_rate rate(int64_t price, int64_t fee, uint32_t first,
			      uint32_t next)
{
	struct store_rate r = { .plan = "pre", .price_per_min = price,
				.connect_fee = fee, .first_incr = first,
				.next_incr = next };

	return r;
}

static void test_grant(void **state)
{
	struct store_rate r = rate(60 * CENT, 0, 1, 1);	/* 0.01/s */
	uint32_t max_s;
	int64_t reserve;

	(void)state;
	assert_int_equal(b2b_credit_grant(&r, 10 * CENT, &max_s, &reserve), 0);
	assert_int_equal(max_s, 10);
	assert_int_equal(reserve, 10 * CENT);
	/* 0.105: the half cent pays for nothing and is not reserved */
	assert_int_equal(b2b_credit_grant(&r, 10 * CENT + 5000, &max_s,
					  &reserve), 0);
	assert_int_equal(max_s, 10);
	assert_int_equal(reserve, 10 * CENT);
	/* 60/60: a whole minute or nothing */
	r = rate(60 * CENT, 5 * CENT, 60, 60);
	assert_int_equal(b2b_credit_grant(&r, 64 * CENT, &max_s, &reserve),
			 -ENOSPC);
	assert_int_equal(max_s, 0);
	assert_int_equal(reserve, 0);
	assert_int_equal(b2b_credit_grant(&r, 65 * CENT, &max_s, &reserve), 0);
	assert_int_equal(max_s, 60);
	assert_int_equal(reserve, 65 * CENT);
	/* free destination: no limit, only the connect fee at stake */
	r = rate(0, 2 * CENT, 1, 1);
	assert_int_equal(b2b_credit_grant(&r, 3 * CENT, &max_s, &reserve), 0);
	assert_int_equal(max_s, UINT32_MAX);
	assert_int_equal(reserve, 2 * CENT);
}

static void test_refused(void **state)
{
	struct store_rate r = rate(60 * CENT, 0, 1, 1);
	uint32_t max_s;
	int64_t reserve;

	(void)state;
	assert_int_equal(b2b_credit_grant(&r, 0, &max_s, &reserve), -ENOSPC);
	assert_int_equal(b2b_credit_grant(&r, CENT - 1, &max_s, &reserve),
			 -ENOSPC);
	assert_int_equal(b2b_credit_available(10 * CENT, 10 * CENT), 0);
	assert_int_equal(b2b_credit_available(-5 * CENT, 0), 0);
	assert_int_equal(b2b_credit_available(5 * CENT, 7 * CENT), 0);
	assert_int_equal(b2b_credit_available(INT64_MIN, 1), 0);
	assert_int_equal(b2b_credit_grant(&r, b2b_credit_available(10 * CENT,
								   10 * CENT),
					  &max_s, &reserve), -ENOSPC);
}

static void test_billed(void **state)
{
	(void)state;
	assert_int_equal(b2b_credit_billed_s(0, 10), 0);
	assert_int_equal(b2b_credit_billed_s(1, 10), 1);
	assert_int_equal(b2b_credit_billed_s(1000, 10), 1);
	assert_int_equal(b2b_credit_billed_s(1001, 10), 2);
	assert_int_equal(b2b_credit_billed_s(9999, 10), 10);
	/* a cut-off late by the scheduler is not billed */
	assert_int_equal(b2b_credit_billed_s(10040, 10), 10);
	assert_int_equal(b2b_credit_billed_s(-5, 10), 0);
	assert_int_equal(b2b_credit_billed_s(INT64_MAX, UINT32_MAX),
			 UINT32_MAX);
}

/* one simulated call of an account */
struct sim {
	bool up;
	uint32_t max_s;
	int64_t reserved;
};

/*
 * Calls answer (a >= 0 in @order: call a) and end (-1 - c: call c, after
 * @dur_ms[c]) in @order, against one balance.  Each answer reserves from
 * the balance less the others' reservations; each end debits the cost of
 * its billed seconds.  The balance must never go below zero and each cost
 * never exceed its reservation.
 */
static void run_order(const struct store_rate *r, int64_t balance,
		      const int *order, size_t n, const int64_t *dur_ms)
{
	struct sim calls[3] = { { 0 } };
	int64_t reserved = 0;

	for (size_t i = 0; i < n; i++) {
		int c = order[i] >= 0 ? order[i] : -1 - order[i];
		struct sim *s = &calls[c];

		if (order[i] >= 0) {
			int64_t avail = b2b_credit_available(balance, reserved);

			if (b2b_credit_grant(r, avail, &s->max_s,
					     &s->reserved) < 0)
				continue;	/* refused: never up */
			assert_true(s->reserved <= avail);
			s->up = true;
			reserved += s->reserved;
			assert_true(reserved <= balance);
		} else if (s->up) {
			int64_t cost = b2b_rating_cost(r,
				b2b_credit_billed_s(dur_ms[c], s->max_s));

			assert_true(cost >= 0 && cost <= s->reserved);
			balance -= cost;
			reserved -= s->reserved;
			s->up = false;
			assert_true(balance >= 0);
		}
	}
}

static void test_shared_balance(void **state)
{
	/* every interleaving of answer/end of three calls, ends after answers */
	static const int orders[][6] = {
		{ 0, 1, 2, -1, -2, -3 }, { 0, 1, 2, -3, -2, -1 },
		{ 0, -1, 1, -2, 2, -3 }, { 0, 1, -1, 2, -2, -3 },
		{ 0, 1, -2, 2, -1, -3 }, { 2, 1, 0, -2, -1, -3 },
		{ 1, -2, 0, 2, -3, -1 }, { 0, 2, -3, 1, -1, -2 },
	};
	const struct store_rate rates[] = {
		rate(60 * CENT, 0, 1, 1), rate(60 * CENT, 5 * CENT, 30, 6),
		rate(7 * CENT, 1, 60, 60), rate(0, 3 * CENT, 1, 1),
	};
	/* short, exact, over the grant (cut-off late) */
	const int64_t durs[][3] = {
		{ 1, 3000, 999999999 }, { 10000, 10001, 10040 },
		{ 60000, 1, 0 }, { 999999999, 999999999, 999999999 },
	};
	const int64_t balances[] = { 0, 1, CENT, 10 * CENT, 65 * CENT,
				     123456789 };

	(void)state;
	for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++)
		for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++)
			for (size_t d = 0; d < sizeof(durs) / sizeof(durs[0]);
			     d++)
				for (size_t b = 0; b < sizeof(balances) /
				     sizeof(balances[0]); b++)
					run_order(&rates[r], balances[b],
						  orders[o], 6, durs[d]);
}

static void test_second_call_gets_the_rest(void **state)
{
	struct store_rate r = rate(60 * CENT, 0, 1, 1);	/* 0.01/s */
	uint32_t m1, m2;
	int64_t r1, r2, balance = 10 * CENT;

	(void)state;
	/* the first call reserves cost(max) of the 0.10: all of it */
	assert_int_equal(b2b_credit_grant(&r, balance, &m1, &r1), 0);
	assert_int_equal(m1, 10);
	/* nothing left for a second one until the first ends */
	assert_int_equal(b2b_credit_grant(&r, b2b_credit_available(balance,
								   r1),
					  &m2, &r2), -ENOSPC);
	/* it lasted 4.2 s: 5 s billed, 0.05 left for the next call */
	balance -= b2b_rating_cost(&r, b2b_credit_billed_s(4200, m1));
	assert_int_equal(balance, 5 * CENT);
	assert_int_equal(b2b_credit_grant(&r, b2b_credit_available(balance,
								   0),
					  &m2, &r2), 0);
	assert_int_equal(m2, 5);
	assert_int_equal(r2, 5 * CENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grant),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_billed),
		cmocka_unit_test(test_shared_balance),
		cmocka_unit_test(test_second_call_gets_the_rest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
