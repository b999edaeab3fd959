/*
 * In-dialog traffic between the legs of a call: re-INVITE (hold, resume,
 * codec change), UPDATE and INFO from either side are relayed to the other
 * leg and its final response relayed back to the saved request (the SDP
 * offer/answer travels as an opaque body); ACK follows a relayed 2xx;
 * BYE and CANCEL end the call and tear the other leg down.
 *
 * One request at a time crosses per direction: a second one while the
 * first is pending gets 491 (RFC 3261 section 14.2 for re-INVITE; RFC 3311
 * section 5.2 for UPDATE), which the sender retries.
 */
#include "call.h"

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

	if (call->ended || call->state != B2B_CALL_CONFIRMED || !other->nh) {
		nua_respond(leg->nh, 500, "Not Relayed", NUTAG_WITH_THIS(
			    leg->realm->nua), SIPTAG_RETRY_AFTER_STR("1"),
			    TAG_END());
		return;
	}
	if (leg->has_saved || other->relaying) {
		nua_respond(leg->nh, SIP_491_REQUEST_PENDING,
			    NUTAG_WITH_THIS(leg->realm->nua), TAG_END());
		return;
	}
	tags = b2b_hide_tags(home, sip);
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
		nua_invite(other->nh, TAG_NEXT(tags));
	else if (event == nua_i_update)
		nua_update(other->nh, TAG_NEXT(tags));
	else
		nua_info(other->nh, TAG_NEXT(tags));
	su_home_deinit(home);
}

void b2b_call_relay_response(struct b2b_leg *leg, int status,
			     const char *phrase, sip_t const *sip)
{
	struct b2b_leg *origin = b2b_leg_other(leg);
	su_home_t home[1] = { SU_HOME_INIT(home) };

	if (status < 200 || !leg->relaying)
		return;
	leg->relaying = false;
	if (!origin->has_saved)
		return;
	if (origin->nh)
		nua_respond(origin->nh, status,
			    b2b_call_phrase(leg->call, phrase),
			    NUTAG_WITH_SAVED(origin->saved),
			    TAG_NEXT(b2b_hide_tags(home, sip)));
	nua_destroy_event(origin->saved);
	origin->has_saved = false;
	su_home_deinit(home);
}

void b2b_call_ack(struct b2b_leg *leg, sip_t const *sip)
{
	struct b2b_leg *other = b2b_leg_other(leg);
	su_home_t home[1] = { SU_HOME_INIT(home) };

	if (!other->need_ack || !other->nh)
		return;
	other->need_ack = false;
	nua_ack(other->nh, TAG_NEXT(b2b_hide_tags(home, sip)));
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
