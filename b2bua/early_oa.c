/*
 * Early offer/answer rules: whether an offer in an early-dialog UPDATE or
 * in a PRACK may cross to the other leg.  Pure logic; see early_oa.h.
 */
#include "early_oa.h"

void b2b_early_leg_reset(struct b2b_early_oa *oa, int side)
{
	oa->done[side & 1] = false;
	oa->allows_update[side & 1] = false;
}

bool b2b_early_completes(const struct b2b_early_oa *oa, const bool rel[2])
{
	return (oa->done[0] || rel[0]) && (oa->done[1] || rel[1]);
}

bool b2b_early_answer(struct b2b_early_oa *oa, const bool rel[2])
{
	oa->done[0] = oa->done[0] || rel[0];
	oa->done[1] = oa->done[1] || rel[1];
	return oa->done[0] && oa->done[1];
}

int b2b_early_offer_status(const struct b2b_early_oa *oa, int from,
			   int pending, const char **phrase)
{
	int to = !(from & 1);

	from &= 1;
	if (pending == to) {
		*phrase = "Request Pending";
		return 491;
	}
	if (!oa->done[0] || !oa->done[1]) {
		*phrase = "Early Offer/Answer Not Complete";
		return 500;
	}
	if (pending == from) {
		*phrase = "Offer Pending";
		return 500;
	}
	if (!oa->allows_update[to]) {
		*phrase = "Other Side Cannot Take UPDATE";
		return 488;
	}
	return 0;
}
