/*
 * DOC: Early offer/answer - when an SDP offer may cross before the 2xx
 *
 * The rules sbcd applies to an offer that arrives in a call's early dialog
 * (an UPDATE, RFC 3311 section 5.1, or a PRACK, RFC 3262 section 5) before
 * relaying it to the other leg as an early-dialog UPDATE, kept apart from
 * the SIP stack so they can be tested alone (call_early.c applies them,
 * call_media.c keeps the state as the INVITE's SDP crosses).
 *
 * Index 0 is leg A (the caller), 1 leg B (the callee), as enum
 * b2b_sdp_side.  The INVITE's offer/answer is complete on a leg once the
 * answer crossed it reliably: in a reliable 18x (RFC 3262), in the PRACK
 * of a reliable 18x that carried the offer, or in the 2xx/ACK.
 *
 * An offer from leg F toward leg T, with @pending the side whose offer is
 * still unanswered (-1: none), the first rule that matches:
 *   pending == T             491  sbcd sent F an offer not answered yet
 *                                 (glare, RFC 3311 section 5.2)
 *   exchange incomplete on
 *   either leg               500 + Retry-After  (RFC 3311 section 5.1: an
 *                                 UPDATE offer needs it; T may complete
 *                                 it with its 2xx)
 *   pending == F             500 + Retry-After  F's own offer is pending
 *                                 (RFC 3311 section 5.2)
 *   T's peer has no UPDATE
 *   in its Allow             488  the offer cannot reach T
 *   otherwise                0    relay it as an UPDATE on T
 */
#ifndef SBC_EARLY_OA_H
#define SBC_EARLY_OA_H

#include <stdbool.h>

struct b2b_early_oa {
	bool done[2];		/* the INVITE's offer/answer complete on the leg */
	bool allows_update[2];	/* the leg's peer listed UPDATE in Allow */
};

/**
 * b2b_early_leg_reset - leg @side starts again (a new gateway): its
 * exchange is not done and UPDATE is not known to be allowed
 */
void b2b_early_leg_reset(struct b2b_early_oa *oa, int side);

/**
 * b2b_early_completes - would an answer that crosses reliably as said
 * (@rel[i]: reliably on leg i) complete the exchange on both legs?
 */
bool b2b_early_completes(const struct b2b_early_oa *oa, const bool rel[2]);

/**
 * b2b_early_answer - the answer crossed, reliably on leg i when @rel[i]
 * @return whether the exchange is now complete on both legs.
 */
bool b2b_early_answer(struct b2b_early_oa *oa, const bool rel[2]);

/**
 * b2b_early_offer_status - may an offer from leg @from cross to the other
 * leg now?  @pending is the side whose offer is unanswered, -1 for none.
 * @return 0 (relay it), or the SIP status to refuse it with (491, 500 with
 * Retry-After, 488) and its reason phrase in @phrase.
 */
int b2b_early_offer_status(const struct b2b_early_oa *oa, int from,
			   int pending, const char **phrase);

#endif
