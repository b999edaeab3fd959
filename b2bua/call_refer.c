/*
 * REFER inside a call (RFC 3515), by the `refer` setting of the realm it
 * arrives from: "refuse" answers 403; "relay" sends it on the other leg
 * as sbcd's own REFER, the Refer-To rewritten to the referred number at
 * the SBC's address on that leg (refer.h: no host, parameter or embedded
 * Replaces of the far side crosses), and relays the final response back
 * through the relay of call_relay.c (one request at a time, 491 else).
 *
 * The implicit subscription (RFC 3515 section 2.4.4) runs per leg: nua
 * accepts the NOTIFYs the referred side sends on its leg and b2b_call_notify()
 * sends each on to the referrer in the subscription nua created for its
 * REFER, with the same subscription state and the sipfrag cut to its status
 * line.  The referred side calls the SBC, which routes that INVITE like any
 * other.
 */
#include "call.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>

#include "cfg.h"
#include "hide.h"
#include "log.h"
#include "refer.h"
#include "sip.h"

/* The SBC's address and port on @leg, for a Refer-To sent there. */
static void leg_host(const struct b2b_leg *leg, char *host, size_t len,
		     unsigned *port)
{
	const struct cfg_listen *l = &leg->realm->cfg->listen[0];

	snprintf(host, len, l->addr.af == AF_INET6 ? "[%s]" : "%s",
		 l->addr.text);
	*port = l->port;
}

/* The Refer-To of @sip for @to, in @out; 0 or the SIP status to answer. */
static int refer_to(struct b2b_leg *to, sip_t const *sip, su_home_t *home,
		    char *out, size_t len, const char **phrase)
{
	char host[INET6_ADDRSTRLEN + 2];
	unsigned port;
	char *in;
	int rc;

	if (!sip->sip_refer_to) {
		*phrase = "Missing Refer-To";
		return 400;
	}
	in = sip_header_as_string(home,
				  (sip_header_t const *)sip->sip_refer_to);
	leg_host(to, host, sizeof(host), &port);
	rc = b2b_refer_to_rewrite(in, host, port, out, len);
	switch (rc) {
	case 0:
		return 0;
	case -EPROTONOSUPPORT:
		*phrase = "Refer-To Scheme Not Supported";
		return 416;
	case -EINVAL:
		*phrase = "Bad Refer-To";
		return 400;
	default:
		*phrase = "Refer-To Too Long";
		return 500;
	}
}

void b2b_call_refer(struct b2b_leg *leg, int status, sip_t const *sip,
		    tagi_t const *tags)
{
	struct b2b_call *call = leg->call;
	struct b2b_leg *other = b2b_leg_other(leg);
	nua_t *nua = leg->realm->nua;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char target[B2B_REFER_TO_MAX];
	sip_event_t const *ev = NULL;
	const char *phrase = NULL;
	tagi_t *fwd;

	if (status >= 200 || !sip)
		return;
	if (leg->realm->cfg->refer != CFG_REFER_RELAY) {
		log_info("call %s: REFER from leg %s refused (realm %s)",
			 call->id, leg == &call->a ? "A" : "B",
			 leg->realm->cfg->name);
		nua_respond(leg->nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS(nua),
			    TAG_END());
		return;
	}
	if (call->ended || call->state != B2B_CALL_CONFIRMED || !other->nh) {
		nua_respond(leg->nh, 500, "Not Relayed", NUTAG_WITH_THIS(nua),
			    SIPTAG_RETRY_AFTER_STR("1"), TAG_END());
		return;
	}
	if (leg->has_saved || other->relaying) {
		nua_respond(leg->nh, SIP_491_REQUEST_PENDING,
			    NUTAG_WITH_THIS(nua), TAG_END());
		return;
	}
	status = refer_to(other, sip, home, target, sizeof(target), &phrase);
	if (status) {
		log_notice("call %s: REFER refused (%d %s)", call->id, status,
			   phrase);
		nua_respond(leg->nh, status, phrase, NUTAG_WITH_THIS(nua),
			    TAG_END());
		su_home_deinit(home);
		return;
	}
	tl_gets(tags, NUTAG_REFER_EVENT_REF(ev), TAG_END());
	fwd = b2b_hide_tags(home, sip);
	leg->refer_event = ev ? sip_event_dup(call->home, ev) :
				sip_event_make(call->home, "refer");
	if (!fwd || !leg->refer_event ||
	    nua_save_event(nua, leg->saved) < 1) {
		nua_respond(leg->nh, SIP_500_INTERNAL_SERVER_ERROR,
			    NUTAG_WITH_THIS(nua), TAG_END());
		leg->refer_event = NULL;
		su_home_deinit(home);
		return;
	}
	leg->has_saved = true;
	other->relaying = true;
	log_info("call %s: relaying REFER from leg %s", call->id,
		 leg == &call->a ? "A" : "B");
	nua_refer(other->nh, SIPTAG_REFER_TO_STR(target), TAG_NEXT(fwd));
	su_home_deinit(home);
}

void b2b_call_notify(struct b2b_leg *leg, sip_t const *sip,
		     tagi_t const *tags)
{
	struct b2b_call *call = leg->call;
	struct b2b_leg *origin = b2b_leg_other(leg);
	const sip_payload_t *pl = sip ? sip->sip_payload : NULL;
	int substate = nua_substate_active;
	char frag[128];

	if (!origin->refer_event || !origin->nh || call->ended)
		return;
	tl_gets(tags, NUTAG_SUBSTATE_REF(substate), TAG_END());
	if (!pl || b2b_sipfrag_status(pl->pl_data, pl->pl_len, frag,
				      sizeof(frag)) < 0) {
		if (substate != nua_substate_terminated) {
			log_notice("call %s: NOTIFY without a sipfrag status "
				   "line not relayed", call->id);
			return;
		}
		/* the subscription ends all the same (RFC 3515 2.4.7) */
		snprintf(frag, sizeof(frag),
			 "SIP/2.0 500 Server Internal Error\r\n");
	}
	nua_notify(origin->nh, SIPTAG_EVENT(origin->refer_event),
		   NUTAG_SUBSTATE(substate),
		   SIPTAG_CONTENT_TYPE_STR("message/sipfrag;version=2.0"),
		   SIPTAG_PAYLOAD_STR(frag), TAG_END());
	if (substate == nua_substate_terminated)
		origin->refer_event = NULL;
}
