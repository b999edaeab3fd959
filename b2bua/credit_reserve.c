/*
 * Prepaid credit arithmetic (credit_call.h): what a call may take from the
 * balance its account's other calls leave, how long that lets it last and
 * how many seconds it is billed for; and the sum of an account's
 * reservations over the calls table.  Integer micro-units throughout.
 */
#include "credit_call.h"

#include <errno.h>
#include <string.h>

#include "call.h"
#include "rating.h"
#include "sbcd.h"

int64_t b2b_credit_available(int64_t balance, int64_t reserved)
{
	int64_t left;

	if (__builtin_sub_overflow(balance, reserved, &left) || left < 0)
		return 0;
	return left;
}

int b2b_credit_grant(const struct store_rate *r, int64_t available,
		     uint32_t *max_s, int64_t *reserve)
{
	int64_t cost;

	*max_s = b2b_rating_max_duration(r, available);
	*reserve = 0;
	if (*max_s == 0)
		return -ENOSPC;
	cost = b2b_rating_cost(r, *max_s);
	/* more credit than UINT32_MAX seconds cost: all of it is at stake */
	*reserve = cost < 0 || cost > available ? available : cost;
	return 0;
}

uint32_t b2b_credit_billed_s(int64_t duration_ms, uint32_t max_s)
{
	int64_t s;

	if (duration_ms <= 0)
		return 0;
	s = duration_ms / 1000 + (duration_ms % 1000 != 0);
	return s > (int64_t)max_s ? max_s : (uint32_t)s;
}

int64_t b2b_credit_reserved(const struct b2b_ctx *ctx, const char *account,
			    const struct b2b_call *except)
{
	const struct b2b_call *call;
	int64_t sum = 0;

	if (!ctx->calls)
		return 0;
	TAILQ_FOREACH(call, &ctx->calls->list, link)
		if (call != except && !call->ended && call->credit.reserving &&
		    !strcmp(call->account, account))
			sum += call->credit.reserved;
	return sum;
}
