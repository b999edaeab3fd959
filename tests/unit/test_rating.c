/*
 * Unit tests of rating (b2bua/rating.c): billing increments 60/60, 30/6
 * and 1/1, free destinations, connect fee only, rounding up to the
 * micro-unit, overflow, longest-prefix lookup with a default rate, and
 * b2b_rating_max_duration() checked against b2b_rating_cost() for many
 * pseudo-random rates and credits (a fixed seed, so every run checks the
 * same cases), and against a linear search where that is cheap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "log.h"
#include "rating.h"
#include "store.h"
#include "store_fixture.h"

#define EUR 1000000LL		/* micro-units */
#define CENT 10000LL

static struct store_rate rate(int64_t price, int64_t fee, uint32_t first,
			      uint32_t next)
{
	struct store_rate r = { .plan = "retail", .price_per_min = price,
				.connect_fee = fee, .first_incr = first,
				.next_incr = next };

	return r;
}

static void test_increments(void **state)
{
	struct store_rate r = rate(60 * CENT, 0, 60, 60);	/* 0.60/min */

	(void)state;
	assert_int_equal(b2b_rating_cost(&r, 0), 0);		/* unanswered */
	assert_int_equal(b2b_rating_cost(&r, 1), 60 * CENT);
	assert_int_equal(b2b_rating_cost(&r, 60), 60 * CENT);
	assert_int_equal(b2b_rating_cost(&r, 61), 120 * CENT);
	assert_int_equal(b2b_rating_cost(&r, 120), 120 * CENT);

	r = rate(6 * CENT, 0, 30, 6);				/* 0.001/s */
	assert_int_equal(b2b_rating_cost(&r, 10), 30000);	/* 30 s */
	assert_int_equal(b2b_rating_cost(&r, 30), 30000);
	assert_int_equal(b2b_rating_cost(&r, 31), 36000);	/* 36 s */
	assert_int_equal(b2b_rating_cost(&r, 36), 36000);
	assert_int_equal(b2b_rating_cost(&r, 37), 42000);

	r = rate(1 * CENT, 0, 1, 1);				/* 0.01/min */
	assert_int_equal(b2b_rating_cost(&r, 6), 1000);		/* exact */
	assert_int_equal(b2b_rating_cost(&r, 7), 1167);		/* 1166.67 up */

	r = rate(60 * CENT, 0, 0, 60);		/* no first increment */
	assert_int_equal(b2b_rating_cost(&r, 1), 60 * CENT);
	assert_int_equal(b2b_rating_cost(&r, 61), 120 * CENT);
}

/* the price is rounded up once per call, never per increment */
static void test_rounding(void **state)
{
	struct store_rate r = rate(1, 0, 1, 1);		/* 1 micro-unit/min */

	(void)state;
	assert_int_equal(b2b_rating_cost(&r, 1), 1);
	assert_int_equal(b2b_rating_cost(&r, 60), 1);
	assert_int_equal(b2b_rating_cost(&r, 61), 2);
	assert_int_equal(b2b_rating_max_duration(&r, 0), 0);
	assert_int_equal(b2b_rating_max_duration(&r, 1), 60);
	assert_int_equal(b2b_rating_max_duration(&r, 2), 120);

	r = rate(7, 0, 1, 1);		/* 7/60 micro-unit per second */
	assert_int_equal(b2b_rating_cost(&r, 9), 2);	/* 63/60 */
	assert_int_equal(b2b_rating_cost(&r, 8), 1);	/* 56/60 */
	assert_int_equal(b2b_rating_max_duration(&r, 1), 8);
}

static void test_free_and_connect_fee(void **state)
{
	struct store_rate r = rate(0, 0, 60, 60);

	(void)state;
	assert_int_equal(b2b_rating_cost(&r, 1), 0);
	assert_int_equal(b2b_rating_cost(&r, UINT32_MAX), 0);
	assert_int_equal(b2b_rating_max_duration(&r, 0), UINT32_MAX);
	assert_int_equal(b2b_rating_max_duration(&r, -1), 0);

	r = rate(0, 10 * CENT, 60, 60);		/* connect fee only */
	assert_int_equal(b2b_rating_cost(&r, 0), 0);
	assert_int_equal(b2b_rating_cost(&r, 1), 10 * CENT);
	assert_int_equal(b2b_rating_cost(&r, 100000), 10 * CENT);
	assert_int_equal(b2b_rating_max_duration(&r, 10 * CENT - 1), 0);
	assert_int_equal(b2b_rating_max_duration(&r, 10 * CENT), UINT32_MAX);

	/* the balance must cover the connect fee and the first increment */
	r = rate(60 * CENT, 10 * CENT, 60, 6);
	assert_int_equal(b2b_rating_max_duration(&r, 70 * CENT - 1), 0);
	assert_int_equal(b2b_rating_max_duration(&r, 70 * CENT), 60);
	assert_int_equal(b2b_rating_max_duration(&r, 76 * CENT - 1), 60);
	assert_int_equal(b2b_rating_max_duration(&r, 76 * CENT), 66);
}

static void test_limits(void **state)
{
	struct store_rate r = rate(B2B_RATE_MONEY_MAX, B2B_RATE_MONEY_MAX,
				   B2B_RATE_INCR_MAX, B2B_RATE_INCR_MAX);
	const char *bad = NULL;

	(void)state;
	assert_int_equal(b2b_rating_valid(&r, &bad), 0);
	assert_null(bad);
	/* 10^15 * 86400 / 60 + 10^15 fits; a year of it does not */
	assert_int_equal(b2b_rating_cost(&r, 1), 1441000000000000000LL);
	assert_int_equal(b2b_rating_cost(&r, 31536000), -ERANGE);
	assert_int_equal(b2b_rating_cost(&r, UINT32_MAX), -ERANGE);
	assert_int_equal(b2b_rating_max_duration(&r, INT64_MAX), 518400);
	assert_int_equal(b2b_rating_max_duration(&r, INT64_MIN), 0);

	r.price_per_min = B2B_RATE_MONEY_MAX + 1;
	assert_int_equal(b2b_rating_valid(&r, &bad), -EINVAL);
	assert_string_equal(bad, "price_per_min");
	assert_int_equal(b2b_rating_cost(&r, 1), -EINVAL);
	assert_int_equal(b2b_rating_max_duration(&r, INT64_MAX), 0);
	r = rate(1, -1, 1, 1);
	assert_int_equal(b2b_rating_valid(&r, &bad), -EINVAL);
	assert_string_equal(bad, "connect_fee");
	r = rate(1, 0, B2B_RATE_INCR_MAX + 1, 1);
	assert_int_equal(b2b_rating_valid(&r, &bad), -EINVAL);
	assert_string_equal(bad, "first_incr");
	r = rate(1, 0, 1, 0);
	assert_int_equal(b2b_rating_valid(&r, NULL), -EINVAL);
	assert_int_equal(b2b_rating_cost(&r, 1), -EINVAL);
	assert_int_equal(b2b_rating_max_duration(&r, EUR), 0);
}

static void put_rate(struct store_txn *t, const char *plan,
		     const char *prefix, int64_t price)
{
	struct store_rate r = rate(price, 0, 60, 60);

	strcpy(r.plan, plan);
	strcpy(r.prefix, prefix);
	assert_int_equal(store_rate_put(t, &r), 0);
}

/* the price of the rate found for @number under @plan, or -errno */
static int64_t found(struct store_txn *t, const char *plan,
		     const char *number)
{
	struct store_rate r;
	int rc = b2b_rating_lookup(t, plan, number, &r);

	return rc < 0 ? rc : r.price_per_min;
}

static void test_lookup(void **state)
{
	struct fixture *fx = *state;
	struct store_txn *t = fx_begin(fx, true);

	put_rate(t, "retail", "", 1);
	put_rate(t, "retail", "49", 2);
	put_rate(t, "retail", "4930", 3);
	put_rate(t, "retail", "+49", 4);
	put_rate(t, "retail", "+", 5);
	put_rate(t, "retail2", "4930123", 6);	/* plan names extend */
	put_rate(t, "other", "4930123", 7);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, false);
	assert_int_equal(found(t, "retail", "4930123456"), 3);
	assert_int_equal(found(t, "retail", "4930"), 3);	/* exact */
	assert_int_equal(found(t, "retail", "493"), 2);
	assert_int_equal(found(t, "retail", "33"), 1);		/* default */
	assert_int_equal(found(t, "retail", "+4930"), 4);	/* '+' literal */
	assert_int_equal(found(t, "retail", "+33"), 5);
	assert_int_equal(found(t, "other", "4930123"), 7);
	assert_int_equal(found(t, "other", "493012"), -ENOENT);	/* no default */
	assert_int_equal(found(t, "none", "49"), -ENOENT);
	assert_int_equal(found(t, "", "49"), -EINVAL);
	assert_int_equal(found(t, "a/b", "49"), -EINVAL);
	assert_int_equal(found(t, "retail", ""), -EINVAL);
	assert_int_equal(found(t, "retail", "49a"), -EINVAL);
	assert_int_equal(found(t, "retail", "+"), -EINVAL);
	store_txn_abort(t);
}

/* xorshift64*: a fixed sequence, so failures reproduce */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* 0..@max, spread over the orders of magnitude */
static uint64_t spread(uint64_t *s, uint64_t max)
{
	uint64_t bits = next_random(s) % 64, v = next_random(s);

	v = bits ? v >> (64 - bits) : 0;
	return v > max ? max : v;
}

/* cost(D) <= available < cost(D + 1) for D = max_duration(available) */
static void check_max_duration(const struct store_rate *r, int64_t available)
{
	uint32_t d = b2b_rating_max_duration(r, available);
	int64_t c = b2b_rating_cost(r, d), c1;

	if (available < 0) {
		assert_int_equal(d, 0);
		return;
	}
	if (c < 0 || c > available)
		fail_msg("price %" PRId64 " fee %" PRId64 " %u/%u, available %"
			 PRId64 ": max %u costs %" PRId64, r->price_per_min,
			 r->connect_fee, r->first_incr, r->next_incr,
			 available, d, c);
	if (d == UINT32_MAX)
		return;
	c1 = b2b_rating_cost(r, d + 1);
	if (c1 != -ERANGE && (c1 < 0 || c1 <= available))
		fail_msg("price %" PRId64 " fee %" PRId64 " %u/%u, available %"
			 PRId64 ": max %u, but %u costs only %" PRId64,
			 r->price_per_min, r->connect_fee, r->first_incr,
			 r->next_incr, available, d, d + 1, c1);
}

static void test_max_duration_property(void **state)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		struct store_rate r = rate(
			(int64_t)spread(&s, B2B_RATE_MONEY_MAX),
			i % 3 ? 0 : (int64_t)spread(&s, B2B_RATE_MONEY_MAX),
			(uint32_t)spread(&s, B2B_RATE_INCR_MAX),
			1 + (uint32_t)spread(&s, B2B_RATE_INCR_MAX - 1));
		int64_t available = (int64_t)spread(&s, INT64_MAX);

		if (i % 97 == 0)
			available = -available;
		check_max_duration(&r, available);
	}
}

/* for small rates, the linear search gives the same answer */
static void test_max_duration_linear(void **state)
{
	static const uint32_t incr[][2] = {
		{ 60, 60 }, { 30, 6 }, { 1, 1 }, { 0, 7 }, { 45, 60 },
	};
	static const int64_t prices[] = { 1, 7, 59, 60, 61, 1000, 12345 };

	(void)state;
	for (size_t i = 0; i < sizeof(incr) / sizeof(incr[0]); i++) {
		for (size_t p = 0; p < sizeof(prices) / sizeof(prices[0]); p++) {
			struct store_rate r = rate(prices[p], (int64_t)p * 3,
						   incr[i][0], incr[i][1]);

			for (int64_t avail = 0; avail < 300; avail += 7) {
				uint32_t d = 0;

				while (b2b_rating_cost(&r, d + 1) <= avail)
					d++;
				assert_int_equal(b2b_rating_max_duration(&r,
									 avail),
						 d);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_increments),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_free_and_connect_fee),
		cmocka_unit_test(test_limits),
		FX_TEST(test_lookup),
		cmocka_unit_test(test_max_duration_property),
		cmocka_unit_test(test_max_duration_linear),
	};

	log_init("test_rating", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
