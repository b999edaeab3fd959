/*
 * Rating: longest-prefix rate lookup and the exact integer arithmetic of a
 * call's cost and of the longest call a credit pays for (see rating.h).
 *
 * Overflow: prices are at most B2B_RATE_MONEY_MAX (10^15 micro-units) and
 * billed seconds below 2^33, so with price = 60 * a + r (r < 60) the cost
 * ceil(price * billed / 60) is computed as a * billed + ceil(r * billed /
 * 60): r * billed stays below 2^39, and a * billed, checked with
 * __builtin_mul_overflow, overflows only when the cost itself does.
 */
#include "rating.h"

#include <errno.h>
#include <string.h>

#include "route.h"

#define SECONDS_PER_MIN 60

int b2b_rating_valid(const struct store_rate *r, const char **bad)
{
	const char *field = NULL;

	if (r->price_per_min < 0 || r->price_per_min > B2B_RATE_MONEY_MAX)
		field = "price_per_min";
	else if (r->connect_fee < 0 || r->connect_fee > B2B_RATE_MONEY_MAX)
		field = "connect_fee";
	else if (r->first_incr > B2B_RATE_INCR_MAX)
		field = "first_incr";
	else if (r->next_incr == 0 || r->next_incr > B2B_RATE_INCR_MAX)
		field = "next_incr";
	if (bad)
		*bad = field;
	return field ? -EINVAL : 0;
}

int b2b_rating_lookup(struct store_txn *txn, const char *plan,
		      const char *number, struct store_rate *out)
{
	char prefix[STORE_PREFIX_MAX];
	int rc;

	if (!plan || !*plan || strlen(plan) >= STORE_NAME_MAX ||
	    strchr(plan, '/') || !number || !b2b_number_valid(number))
		return -EINVAL;
	strcpy(prefix, number);
	/* the whole number first, the empty (default) prefix last */
	for (size_t n = strlen(number) + 1; n-- > 0;) {
		prefix[n] = '\0';
		rc = store_rate_get(txn, plan, prefix, out);
		if (rc != -ENOENT)
			return rc;
	}
	return -ENOENT;
}

/* seconds billed for an answered call of @d >= 1 seconds; < 2^33 */
static uint64_t billed_seconds(const struct store_rate *r, uint32_t d)
{
	uint64_t next = r->next_incr;

	if (d <= r->first_incr)
		return r->first_incr;
	return r->first_incr +
	       (d - r->first_incr + next - 1) / next * next;
}

int64_t b2b_rating_cost(const struct store_rate *r, uint32_t duration_s)
{
	int64_t a = r->price_per_min / SECONDS_PER_MIN;
	int64_t rem = r->price_per_min % SECONDS_PER_MIN;
	int64_t billed, cost;

	if (b2b_rating_valid(r, NULL) < 0)
		return -EINVAL;
	if (duration_s == 0)
		return 0;
	billed = (int64_t)billed_seconds(r, duration_s);
	if (__builtin_mul_overflow(a, billed, &cost) ||
	    __builtin_add_overflow(cost, (rem * billed + SECONDS_PER_MIN - 1) /
				   SECONDS_PER_MIN, &cost) ||
	    __builtin_add_overflow(cost, r->connect_fee, &cost))
		return -ERANGE;
	return cost;
}

uint32_t b2b_rating_max_duration(const struct store_rate *r,
				 int64_t available)
{
	uint64_t budget, q, rem, bmax, first = r->first_incr;
	uint64_t next = r->next_incr, d;

	if (b2b_rating_valid(r, NULL) < 0 || available < r->connect_fee)
		return 0;
	if (r->price_per_min == 0)
		return UINT32_MAX;
	/*
	 * cost(d) <= available  <=>  ceil(price * billed / 60) <= budget
	 * <=> price * billed <= 60 * budget  <=>  billed <= bmax, with
	 * bmax = floor(60 * budget / price) = 60 * q + 60 * rem / price.
	 */
	budget = (uint64_t)(available - r->connect_fee);
	q = budget / (uint64_t)r->price_per_min;
	rem = budget % (uint64_t)r->price_per_min;
	if (q >= UINT32_MAX)	/* bmax >= 60 * UINT32_MAX: no limit */
		return UINT32_MAX;
	bmax = SECONDS_PER_MIN * q +
	       SECONDS_PER_MIN * rem / (uint64_t)r->price_per_min;
	/*
	 * billed(d) takes the values first + k * next (k >= 0; for d >= 1
	 * with first 0, k >= 1) and is largest at d = first + k * next for
	 * each k, so the answer is that d for the largest k that fits.
	 */
	if (bmax < first)
		return 0;
	d = first + (bmax - first) / next * next;
	return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}
