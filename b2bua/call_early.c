/*
 * The early dialog of a call (after an 18x, before the 2xx): PRACK and the
 * offers and answers that cross before the call is answered.
 *
 * PRACK (RFC 3262) is per leg: sbcd PRACKs each reliable provisional
 * response it receives itself, and answers the PRACKs for the ones it
 * sends.  Bodies in PRACK:
 *  - leg B's reliable 18x with an offer (the caller's INVITE had none, and
 *    sbcd offered 100rel to the callee because the caller supports it):
 *    the offer goes to the caller in a reliable 18x (call_b.c), and sbcd's
 *    PRACK on leg B waits for the caller's PRACK, whose answer it carries
 *    (section 5); the caller's PRACK gets 200 at once.
 *  - an offer in a PRACK (section 5 and RFC 6337 section 3.1.2: once the
 *    first offer/answer is complete): the other leg has no PRACK to carry
 *    it, so it goes there as an early-dialog UPDATE, and the PRACK stays
 *    unanswered until that UPDATE's answer comes back, rewritten, in the
 *    200 to the PRACK.  A 2xx to a PRACK with an offer must carry the
 *    answer, so when the other side refuses the UPDATE (or cannot take
 *    one) the PRACK gets 488; the reliable response is acknowledged all
 *    the same.  Sofia-SIP holds a 2xx to the INVITE until a PRACK for the
 *    pending reliable 18x has come and sends it on the PRACK's 2xx only:
 *    when the callee answered before the caller's PRACK came, the offer
 *    goes to it as an UPDATE in the confirmed dialog, and the PRACK's 200
 *    releases the 2xx; if that PRACK is refused the 2xx is lost (the
 *    callee then ends the call for want of an ACK).
 *
 * UPDATE in the early dialog (RFC 3311 section 5.1) from either side is
 * relayed by call_relay.c as in a confirmed dialog, once early_oa.h's
 * rules let its offer cross: the initial offer/answer complete on both
 * legs (a reliable 18x with the answer, PRACKed), no other offer pending
 * (491 or 500 with Retry-After, section 5.2), and the other leg's peer
 * listed UPDATE in Allow (leg A: in its INVITE; leg B: in its last 18x or
 * 2xx), else 488.  The 2xx to the INVITE then brings no new offer: the
 * SDP it repeats is dropped (call_media.h).
 */
#include "call.h"
#include "call_media.h"

#include <stdio.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>

#include "hide.h"
#include "log.h"
#include "sdp_rewrite.h"
#include "sip.h"

static int side_of(const struct b2b_leg *leg)
{
	return leg == &leg->call->a ? B2B_SDP_A : B2B_SDP_B;
}

static const char *leg_name(const struct b2b_leg *leg)
{
	return leg == &leg->call->a ? "A" : "B";
}

/* answer the request nua is delivering on @leg; 500 asks for a retry */
static void respond_this(struct b2b_leg *leg, int status, const char *phrase)
{
	nua_respond(leg->nh, status, phrase, NUTAG_WITH_THIS(leg->realm->nua),
		    TAG_IF(status == 500, SIPTAG_RETRY_AFTER_STR("1")),
		    TAG_END());
}

void b2b_call_early_response(struct b2b_leg *leg, int status,
			     sip_t const *sip)
{
	struct b2b_call *call = leg->call;
	char rack[B2B_RACK_MAX];

	if (!sip || status < 101 || status >= 300 || call->ended || !leg->nh)
		return;
	/* RFC 3261 section 20.5: Allow in a 18x or 2xx to the INVITE */
	if (leg == &call->b && sip->sip_allow)
		call->early.allows_update[B2B_SDP_B] =
			sip_is_allowed(sip->sip_allow, sip_method_update, NULL);
	if (status >= 200 || !sip->sip_rseq || !sip->sip_cseq)
		return;
	/* RAck: response-num CSeq-num Method (RFC 3262 section 7.2) */
	snprintf(rack, sizeof(rack), "%lu %lu INVITE",
		 (unsigned long)sip->sip_rseq->rs_response,
		 (unsigned long)sip->sip_cseq->cs_seq);
	if (leg == &call->b && call->state == B2B_CALL_EARLY &&
	    call->a_100rel && sip->sip_payload &&
	    b2b_media_pending(call) == B2B_SDP_B) {
		/* its offer went to the caller reliably: the answer comes in
		 * the caller's PRACK, and this PRACK carries it */
		snprintf(call->prack_rack, sizeof(call->prack_rack), "%s",
			 rack);
		return;
	}
	nua_prack(leg->nh, SIPTAG_RACK_STR(rack), TAG_END());
}

/* the caller's PRACK with the answer to leg B's offer: on in sbcd's PRACK */
static void prack_answer(struct b2b_leg *a, sip_t const *sip)
{
	struct b2b_call *call = a->call;
	struct b2b_leg *b = &call->b;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char rack[B2B_RACK_MAX];
	tagi_t *tags;

	snprintf(rack, sizeof(rack), "%s", call->prack_rack);
	call->prack_rack[0] = '\0';
	if (!sip->sip_payload || !sip->sip_payload->pl_len) {
		/* RFC 3262 section 5: the answer must be in this PRACK */
		log_notice("call %s: no answer in the caller's PRACK to an "
			   "offer", call->id);
		respond_this(a, 488, "No Answer in PRACK");
		b2b_call_hangup(call, "no SDP answer");
		return;
	}
	tags = b2b_hide_tags(home, sip);
	if (!tags) {
		respond_this(a, SIP_500_INTERNAL_SERVER_ERROR);
		b2b_call_hangup(call, "no memory");
		return;
	}
	/* the answer rewritten, the flows written (or the call hung up) */
	if (b2b_media_body(call, a, B2B_MEDIA_PRACK, 0, sip, tags, home) < 0) {
		respond_this(a, 488, "Bad SDP Answer");
		su_home_deinit(home);
		return;
	}
	if (b->nh)
		nua_prack(b->nh, SIPTAG_RACK_STR(rack), TAG_NEXT(tags));
	respond_this(a, SIP_200_OK);
	su_home_deinit(home);
}

/* an offer in a PRACK: to the other leg as an early UPDATE */
static void prack_offer(struct b2b_leg *leg, sip_t const *sip)
{
	struct b2b_call *call = leg->call;
	struct b2b_leg *other = b2b_leg_other(leg);
	su_home_t home[1] = { SU_HOME_INIT(home) };
	const char *phrase = "Offer in PRACK Not Relayed";
	struct b2b_early_oa oa = call->early;
	int status = 488;
	tagi_t *tags;

	/* the callee answered before this PRACK came: its 2xx, which nua
	 * holds for the PRACK's 2xx, completed leg B, and the offer goes
	 * there as an UPDATE in the confirmed dialog */
	if (call->state == B2B_CALL_CONFIRMED && leg == &call->a)
		oa.done[B2B_SDP_A] = oa.done[B2B_SDP_B] = true;
	if ((call->state == B2B_CALL_EARLY ||
	     call->state == B2B_CALL_CONFIRMED) && other->nh)
		status = b2b_early_offer_status(&oa, side_of(leg),
						b2b_media_pending(call),
						&phrase);
	if (!status && (leg->has_saved || other->relaying)) {
		status = 491;
		phrase = "Request Pending";
	}
	if (status) {
		log_notice("call %s: offer in PRACK from leg %s refused (%d %s)",
			   call->id, leg_name(leg), status, phrase);
		respond_this(leg, status, phrase);
		return;
	}
	tags = b2b_hide_tags(home, sip);
	/* the offer rewritten for the other leg (refused: answered here) */
	if (tags && b2b_media_body(call, leg, B2B_MEDIA_PRACK, 0, sip, tags,
				   home) < 0) {
		su_home_deinit(home);
		return;
	}
	if (!tags || nua_save_event(leg->realm->nua, leg->saved) < 1) {
		respond_this(leg, SIP_500_INTERNAL_SERVER_ERROR);
		b2b_media_offer_failed(call);
		su_home_deinit(home);
		return;
	}
	leg->has_saved = true;
	leg->saved_prack = true;
	other->relaying = true;
	log_debug("call %s: offer in PRACK from leg %s relayed as UPDATE",
		  call->id, leg_name(leg));
	nua_update(other->nh, TAG_NEXT(tags));
	su_home_deinit(home);
}

void b2b_call_prack(struct b2b_leg *leg, int status, sip_t const *sip)
{
	struct b2b_call *call = leg->call;

	if (status >= 200 || !leg->nh || !sip)
		return;
	if (leg == &call->a && call->prack_rack[0] && !call->ended) {
		prack_answer(leg, sip);
		return;
	}
	if (sip->sip_payload && sip->sip_payload->pl_len) {
		prack_offer(leg, sip);
		return;
	}
	respond_this(leg, SIP_200_OK);
}

int b2b_call_early_check(struct b2b_leg *leg)
{
	struct b2b_call *call = leg->call;
	const char *phrase;
	int status = b2b_early_offer_status(&call->early, side_of(leg),
					    b2b_media_pending(call), &phrase);

	if (!status)
		return 0;
	log_notice("call %s: early UPDATE from leg %s refused (%d %s)",
		   call->id, leg_name(leg), status, phrase);
	respond_this(leg, status, phrase);
	return -1;
}

void b2b_call_early_prack_done(struct b2b_leg *origin, int status,
			       sip_t const *sip, tagi_t *tags,
			       su_home_t *home)
{
	struct b2b_call *call = origin->call;
	struct b2b_leg *from = b2b_leg_other(origin);

	origin->saved_prack = false;
	if (!origin->nh)
		return;
	if (status < 300) {
		/* the answer in it, rewritten (or the call hung up) */
		if (b2b_media_body(call, from, B2B_MEDIA_RESPONSE, status, sip,
				   tags, home) < 0) {
			nua_respond(origin->nh, 488, "Bad SDP Answer",
				    NUTAG_WITH_SAVED(origin->saved), TAG_END());
			return;
		}
		if (b2b_media_pending(call) < 0) {
			nua_respond(origin->nh, SIP_200_OK,
				    NUTAG_WITH_SAVED(origin->saved),
				    TAG_NEXT(tags));
			return;
		}
	}
	/* RFC 3262 section 5: a 2xx to a PRACK with an offer carries the
	 * answer; the other side gave none, so the PRACK is refused and the
	 * session stays as it was */
	b2b_media_offer_failed(call);
	log_notice("call %s: offer in PRACK from leg %s refused by leg %s "
		   "(%d)", call->id, leg_name(origin), leg_name(from), status);
	nua_respond(origin->nh, 488, "Offer Refused by Other Side",
		    NUTAG_WITH_SAVED(origin->saved), TAG_END());
}
