/*
 * DOC: Rating
 *
 * What a call costs, from the rates in the store (struct store_rate: per
 * rate plan and dialled-number prefix, a price per minute, a connect fee
 * and billing increments).  Money is int64 micro-units of the account's
 * currency; nothing here uses floating point.
 *
 * Lookup: the longest stored prefix of the number within the plan wins,
 * the empty prefix being the plan's default rate.  Ties cannot happen:
 * (plan, prefix) is the record's key, so a plan holds one rate per prefix.
 * Prefixes match character by character, '+' included, as routes do
 * (route.h).  A free destination is a rate with price and connect fee 0.
 *
 * Cost of a call lasting d seconds (counted from the answer, rounded up to
 * whole seconds by the caller, so an answered call has d >= 1):
 *
 *   d = 0 (never answered)   0
 *   d >= 1                   connect_fee + ceil(price_per_min * billed / 60)
 *
 *   billed = first_incr                                  if d <= first_incr
 *          = first_incr + ceil((d - first_incr) / next_incr) * next_incr
 *
 * e.g. 30/6 bills 30 s for a 10 s call and 36 s for a 31 s call.  The price
 * of the billed seconds is rounded up to the micro-unit once, for the whole
 * call, never per increment: at 0.01/min, 1/1 billing, a 7 s call costs
 * ceil(10000 * 7 / 60) = 1167 micro-units.
 */
#ifndef SBC_RATING_H
#define SBC_RATING_H

#include <stdint.h>

#include "store.h"

/* Largest price per minute or connect fee accepted: 10^9 units. */
#define B2B_RATE_MONEY_MAX 1000000000000000LL
/* Largest billing increment accepted, seconds. */
#define B2B_RATE_INCR_MAX 86400u

/**
 * b2b_rating_valid - whether @r is a rate the functions below take
 *
 * @return 0, or -EINVAL with *@bad set to the first field out of range:
 * price_per_min and connect_fee 0..B2B_RATE_MONEY_MAX, first_incr
 * 0..B2B_RATE_INCR_MAX, next_incr 1..B2B_RATE_INCR_MAX.
 */
int b2b_rating_valid(const struct store_rate *r, const char **bad);

/**
 * b2b_rating_lookup - the rate of a call to @number under @plan
 * @txn: a read (or write) transaction
 * @plan: the account's rate plan
 * @number: digits with an optional leading '+' (b2b_number_valid())
 * @out: the rate found
 *
 * @return 0; -ENOENT when the plan has no rate for any prefix of @number
 * and no default rate; -EINVAL when @number is not a valid number or
 * @plan is not a plan name; errors of store_rate_get().
 */
int b2b_rating_lookup(struct store_txn *txn, const char *plan,
		      const char *number, struct store_rate *out);

/**
 * b2b_rating_cost - the cost of a call of @duration_s seconds, as in the
 * DOC block above
 *
 * @return the cost in micro-units (>= 0); -EINVAL when @r is not
 * b2b_rating_valid(); -ERANGE when the cost does not fit an int64.
 */
int64_t b2b_rating_cost(const struct store_rate *r, uint32_t duration_s);

/**
 * b2b_rating_max_duration - the longest call @available credit pays for
 * @r: the rate
 * @available: credit in micro-units
 *
 * Exact and consistent with b2b_rating_cost(): for the result D,
 * cost(D) <= @available, and cost(D + 1) > @available (or does not fit)
 * unless D is UINT32_MAX.
 *
 * @return D in seconds; 0 when @available does not cover the connect fee
 * and the first increment (or @r is not valid); UINT32_MAX when the credit
 * sets no limit (a free destination, or more credit than UINT32_MAX
 * seconds cost).
 */
uint32_t b2b_rating_max_duration(const struct store_rate *r,
				 int64_t available);

#endif
