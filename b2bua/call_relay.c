/*
 * In-dialog traffic between the legs of a call: re-INVITE (hold, resume,
 * codec change), UPDATE, INFO (e.g. DTMF as application/dtmf-relay) and
 * MESSAGE (RFC 3428 inside a dialog) from either side are relayed to the
 * other leg with their body and Content-Type, and its final response
 * relayed back to the saved request (the SDP offer/answer goes through
 * call_media.c, other bodies cross as they are); ACK follows a relayed 2xx;
 * BYE and CANCEL end the call and tear the other leg down.  An UPDATE
 * without a body is a session refresh of that leg alone (RFC 4028) and is
 * answered here.  A leg that dies under the call (its session timer
 * expired, its transport failed) takes the other leg down with it.
 *
 * UPDATE is relayed in the early dialog too (RFC 3311 section 5.1), once
 * call_early.c lets its offer cross (early_oa.h); an offer in a PRACK goes
 * to the other leg as an UPDATE through the same saved-request path, its
 * answer back in the 200 to the PRACK (call_early.c).  Any other request
 * before the 2xx gets 500 with Retry-After.
 *
 * One request at a time crosses per direction: a second one while the
 * first is pending gets 491 (RFC 3261 section 14.2 for re-INVITE; RFC 3311
 * section 5.2 for UPDATE), which the sender retries.
 *
 * PRACK (RFC 3262) is per leg, never relayed as such (call_early.c).
 */
#include "call.h"
#include "call_media.h"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>

#include "hide.h"
#include "log.h"
#include "sip.h"

/* Take @leg down from the SBC side, whatever state it is in. */
static void leg_hangup(struct b2b_leg *leg)
{
	struct b2b_call *call = leg->call;

	if (!leg->nh)
		return;
	if (leg->need_ack) {
		nua_ack(leg->nh, TAG_END());
		leg->need_ack = false;
	}
	if (leg->answered)
		nua_bye(leg->nh, TAG_END());
	else if (leg == &call->b)
		nua_cancel(leg->nh, TAG_END());
	else
		nua_respond(leg->nh, SIP_487_REQUEST_TERMINATED, TAG_END());
}

void b2b_call_hangup(struct b2b_call *call, const char *reason)
{
	if (call->ended)
		return;
	b2b_call_end(call, reason, "sbc");
	leg_hangup(&call->a);
	leg_hangup(&call->b);
}

void b2b_call_relay_request(struct b2b_leg *leg, nua_event_t event,
			    sip_t const *sip)
{
	struct b2b_call *call = leg->call;
	struct b2b_leg *other = b2b_leg_other(leg);
	su_home_t home[1] = { SU_HOME_INIT(home) };
	tagi_t *tags;

	bool early = event == nua_i_update && call->state == B2B_CALL_EARLY;

	if (call->ended || (call->state != B2B_CALL_CONFIRMED && !early) ||
	    !other->nh) {
		nua_respond(leg->nh, 500, "Not Relayed", NUTAG_WITH_THIS(
			    leg->realm->nua), SIPTAG_RETRY_AFTER_STR("1"),
			    TAG_END());
		return;
	}
	if (event == nua_i_update && !sip->sip_payload) {
		/* a session refresh (RFC 4028 section 7.4): each leg runs its
		 * own timer, so it is answered here and nua restarts it */
		nua_respond(leg->nh, SIP_200_OK, NUTAG_WITH_THIS(leg->realm->nua),
			    TAG_END());
		return;
	}
	if (leg->has_saved || other->relaying) {
		nua_respond(leg->nh, SIP_491_REQUEST_PENDING,
			    NUTAG_WITH_THIS(leg->realm->nua), TAG_END());
		return;
	}
	if (early && b2b_call_early_check(leg) < 0)
		return;
	tags = b2b_hide_tags(home, sip);
	/* the offer in it, rewritten (refused: answered 4xx/5xx here) */
	if (tags && b2b_media_body(call, leg, B2B_MEDIA_REQUEST, 0, sip, tags,
				   home) < 0) {
		su_home_deinit(home);
		return;
	}
	if (!tags || nua_save_event(leg->realm->nua, leg->saved) < 1) {
		nua_respond(leg->nh, SIP_500_INTERNAL_SERVER_ERROR,
			    NUTAG_WITH_THIS(leg->realm->nua), TAG_END());
		su_home_deinit(home);
		return;
	}
	leg->has_saved = true;
	other->relaying = true;
	log_debug("call %s: relaying %s from leg %s", call->id,
		  nua_event_name(event), leg == &call->a ? "A" : "B");
	if (event == nua_i_invite)
		nua_invite(other->nh, TAG_IF(!sip->sip_payload,
			   SIPTAG_SUPPORTED_STR("timer")), TAG_NEXT(tags));
	else if (event == nua_i_update)
		nua_update(other->nh, TAG_NEXT(tags));
	else if (event == nua_i_message)
		nua_message(other->nh, TAG_NEXT(tags));
	else
		nua_info(other->nh, TAG_NEXT(tags));
	su_home_deinit(home);
}

void b2b_call_relay_response(struct b2b_leg *leg, int status,
			     const char *phrase, sip_t const *sip)
{
	struct b2b_leg *origin = b2b_leg_other(leg);
	su_home_t home[1] = { SU_HOME_INIT(home) };
	tagi_t *tags;

	if (status < 200 || !leg->relaying)
		return;
	leg->relaying = false;
	if (!origin->has_saved)
		return;
	tags = b2b_hide_tags(home, sip);
	/* the answer in it: flows written, SDP rewritten (or call hung up) */
	if (origin->saved_prack)
		b2b_call_early_prack_done(origin, status, sip, tags, home);
	else if (origin->nh && b2b_media_body(leg->call, leg,
					      B2B_MEDIA_RESPONSE, status, sip,
					      tags, home) == 0)
		nua_respond(origin->nh, status,
			    b2b_call_phrase(leg->call, phrase),
			    NUTAG_WITH_SAVED(origin->saved), TAG_NEXT(tags));
	nua_destroy_event(origin->saved);
	origin->has_saved = false;
	su_home_deinit(home);
}

void b2b_call_ack(struct b2b_leg *leg, sip_t const *sip)
{
	struct b2b_leg *other = b2b_leg_other(leg);
	su_home_t home[1] = { SU_HOME_INIT(home) };
	tagi_t *tags;

	if (!other->need_ack || !other->nh)
		return;
	tags = b2b_hide_tags(home, sip);
	/* an answer to a late offer (or the call is hung up) */
	if (b2b_media_body(leg->call, leg, B2B_MEDIA_ACK, 0, sip, tags,
			   home) == 0) {
		other->need_ack = false;
		nua_ack(other->nh, TAG_NEXT(tags));
	}
	su_home_deinit(home);
}

void b2b_call_bye(struct b2b_leg *leg)
{
	struct b2b_call *call = leg->call;

	if (call->ended)
		return;
	b2b_call_end(call, "BYE", leg == &call->a ? "caller" : "callee");
	leg_hangup(b2b_leg_other(leg));
}

void b2b_call_cancel(struct b2b_call *call)
{
	if (call->ended)
		return;
	b2b_call_end(call, "CANCEL", "caller");
	leg_hangup(&call->b);
}

void b2b_call_leg_lost(struct b2b_leg *leg, const char *reason, bool bye_leg)
{
	struct b2b_call *call = leg->call;

	if (call->ended)
		return;
	log_notice("call %s: leg %s lost: %s", call->id,
		   leg == &call->a ? "A" : "B", reason);
	b2b_call_end(call, reason, leg == &call->a ? "caller" : "callee");
	leg_hangup(b2b_leg_other(leg));
	if (bye_leg)
		leg_hangup(leg);
}

void b2b_call_terminated(struct b2b_leg *leg)
{
	struct b2b_call *call = leg->call;

	if (!call->ended) {
		/* The dialog died under us: ACK timeout, transport error. */
		b2b_call_end(call, "terminated",
			     leg == &call->a ? "caller" : "callee");
		leg_hangup(b2b_leg_other(leg));
	}
	b2b_leg_release(leg);
}
