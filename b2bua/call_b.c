/*
 * Leg B: the INVITE toward the route's gateways, one at a time, in order.
 *
 * A gateway is used only if it belongs to a known peer; the peer's realm is
 * the egress realm, whose nua sends the INVITE from the SBC's address there.
 * A call to a registered subscriber tries its contacts the same way, each
 * sent to the address its REGISTER came from (registrar.h).
 * Failover to the next gateway on 408, 500, 502, 503 and 504 (RFC 3261
 * section 21: these say nothing about the callee), on a transport error
 * (Sofia-SIP reports it as a local 503) and when a gateway stays silent for
 * B2B_ATTEMPT_TIMEOUT_MS.  A gateway the OPTIONS monitor marks down
 * (gw_monitor.h) is skipped without an INVITE.  Any other final response is the callee's answer
 * and goes back to the caller.  Only one final response ever reaches the
 * caller (RFC 3261 section 13.3.1.4).  A subscriber's contacts in a realm
 * with forking = "parallel" are all INVITEd at once instead (call_fork.h).
 */
#include "call.h"

#include <stdio.h>
#include <string.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>

#include "acl.h"
#include "call_media.h"
#include "callerid.h"
#include "call_fork.h"
#include "cdr.h"
#include "gw_monitor.h"
#include "hide.h"
#include "log.h"
#include "registrar.h"
#include "route.h"
#include "sdp_rewrite.h"
#include "sbcd.h"
#include "sip.h"

static bool failover_status(int status)
{
	switch (status) {
	case 408: case 500: case 502: case 503: case 504:
		return true;
	default:
		return false;
	}
}

void b2b_call_timer_stop(struct b2b_call *call)
{
	if (call->timer) {
		su_timer_destroy(call->timer);
		call->timer = NULL;
	}
}

static void attempt_status(struct b2b_call *call, int status)
{
	if (call->n_attempts)
		call->attempts[call->n_attempts - 1].status = status;
}

/* Remember a failover-worthy failure, in case it is the last one. */
static void failure_keep(struct b2b_call *call, int status, const char *phrase,
			 sip_t const *sip)
{
	su_home_t *setup = sip ? b2b_call_setup_home(call) : NULL;

	call->last_status = status;
	snprintf(call->last_phrase, sizeof(call->last_phrase), "%s",
		 phrase ? phrase : "");
	call->last_tags = setup ? b2b_hide_tags(setup, sip) : NULL;
}

static void on_timeout(su_root_magic_t *magic, su_timer_t *t,
		       su_timer_arg_t *arg)
{
	struct b2b_call *call = (struct b2b_call *)arg;

	(void)magic;
	(void)t;
	b2b_call_timer_stop(call);
	log_notice("call %s: gateway %s silent for %u ms, trying the next",
		   call->id, call->attempts[call->n_attempts - 1].gateway,
		   B2B_ATTEMPT_TIMEOUT_MS);
	attempt_status(call, 408);
	failure_keep(call, SIP_408_REQUEST_TIMEOUT, NULL);
	nua_cancel(call->b.nh, TAG_END());
	b2b_leg_release(&call->b);
	b2b_call_try_next(call);
}

/* "host" or "[host]" for a URI. */
static const char *uri_host(const char *host, char *buf, size_t len)
{
	if (!strchr(host, ':'))
		return host;
	snprintf(buf, len, "[%s]", host);
	return buf;
}

tagi_t *b2b_call_b_offer(struct b2b_call *call, const struct store_peer *peer,
			 struct b2b_sip_realm *realm, char *from, size_t len)
{
	su_home_t *setup = b2b_call_setup_home(call);
	char h[STORE_ADDR_MAX + 2];
	struct b2b_cid_egress eg;
	const char *host;
	tagi_t *tags;

	if (!setup)
		return NULL;
	host = uri_host(realm->cfg->listen[0].addr.text, h, sizeof(h));
	b2b_callerid_egress_peer(peer, &eg);
	tags = b2b_callerid_tags(setup, call->cid, &eg, host, call->a_tags);
	if (!tags || b2b_callerid_from(call->cid, call->caller, host, from,
				       len) < 0)
		return NULL;
	/* the SDP offer for this realm (on refusal the call is over) */
	if (b2b_media_invite(call, realm, tags, setup) < 0)
		return NULL;
	return tags;
}

int b2b_call_b_invite(struct b2b_call *call, struct b2b_leg *b,
		      const char *text, const struct b2b_gateway *gw,
		      const struct store_peer *peer,
		      struct b2b_sip_realm *realm,
		      const struct b2b_reg_target *t, const char *from,
		      tagi_t *tags)
{
	char uri[STORE_URI_MAX], to[STORE_URI_MAX], h[STORE_ADDR_MAX + 2];
	char mf[12];
	struct b2b_attempt *at;

	if (b2b_gateway_uri(gw, call->number, uri, sizeof(uri)) < 0 ||
	    call->n_attempts >= call->max_attempts)
		return -1;
	snprintf(to, sizeof(to), "<sip:%s@%s>", call->number,
		 uri_host(gw->host, h, sizeof(h)));
	if (t) {	/* a subscriber's contact (registrar.h) */
		snprintf(uri, sizeof(uri), "%s", t->contact);
		snprintf(to, sizeof(to), "<sip:%s>", t->aor);
	}
	snprintf(mf, sizeof(mf), "%u", call->max_forwards);

	memset(b, 0, sizeof(*b));
	b->call = call;
	b->realm = realm;
	snprintf(b->peer, sizeof(b->peer), "%s", peer->name);
	/* To and From go with the INVITE, not to nua_handle(): a handle
	 * keeps its own tags (a copy) as long as it lives, the dialog has
	 * them anyway */
	b->nh = nua_handle(realm->nua, b, TAG_END());
	if (!b->nh)
		return -1;
	/* every request of the leg goes where the REGISTER came from (NAT) */
	if (t) {
		nua_set_hparams(b->nh, NUTAG_PROXY(URL_STRING_MAKE(t->proxy)),
				TAG_END());
		b->proxy = su_strdup(call->home, t->proxy);
	}
	at = &call->attempts[call->n_attempts++];
	memcpy(at->gateway, text, sizeof(at->gateway));
	snprintf(at->peer, sizeof(at->peer), "%s", peer->name);
	at->status = 0;
	log_info("call %s: INVITE to %s (peer %s, realm %s)", call->id, text,
		 peer->name, realm->cfg->name);
	/* 100rel with the offer here: a reliable 18x then brings at most
	 * the answer, and sbcd's PRACK needs no body; without an offer only
	 * on leg B and for a caller that can PRACK, which answers an offer
	 * in a reliable 18x in its PRACK, sbcd's PRACK then carrying it on
	 * (call_early.c) */
	nua_invite(b->nh, NUTAG_URL(uri), SIPTAG_TO_STR(to),
		   SIPTAG_FROM_STR(from), SIPTAG_MAX_FORWARDS_STR(mf),
		   SIPTAG_SUPPORTED_STR(tl_find(tags, siptag_payload) ||
					(b == &call->b && call->a_100rel) ?
					"timer, 100rel" : "timer"),
		   TAG_NEXT(tags));
	return 0;
}

/* Send the INVITE to @gw through @realm; 0 or -1 (logged). */
static int attempt_start(struct b2b_call *call, const char *text,
			 const struct b2b_gateway *gw,
			 const struct store_peer *peer,
			 struct b2b_sip_realm *realm)
{
	const struct b2b_reg_target *t = call->targets ?
		&call->targets[call->next_gateway - 1] : NULL;
	char from[STORE_URI_MAX];
	tagi_t *tags = b2b_call_b_offer(call, peer, realm, from, sizeof(from));

	if (!tags || b2b_call_b_invite(call, &call->b, text, gw, peer, realm,
				       t, from, tags) < 0)
		return -1;
	call->timer = su_timer_create(su_root_task(call->ctx->root),
				      B2B_ATTEMPT_TIMEOUT_MS);
	if (call->timer)
		su_timer_set(call->timer, on_timeout, (su_timer_arg_t *)call);
	return 0;
}

/* A TLS hop leaves from the realm's own tls socket (sip.h). */
static bool tls_reachable(struct b2b_call *call, const char *text,
			  const struct b2b_gateway *gw,
			  const struct b2b_sip_realm *realm)
{
	if (gw->transport != CFG_TRANSPORT_TLS || realm->tls)
		return true;
	log_warn("call %s: %s is tls but realm %s has no tls socket: skipped",
		 call->id, text, realm->cfg->name);
	return false;
}

/* Can gateway @text be used?  Fills @gw, @peer and @realm. */
static bool gateway_usable(struct b2b_call *call, const char *text,
			   struct b2b_gateway *gw,
			   const struct store_peer **peer,
			   struct b2b_sip_realm **realm)
{
	struct sockaddr_storage ss;

	if (b2b_gateway_parse(text, gw) < 0 ||
	    b2b_gateway_sockaddr(gw, &ss) < 0) {
		log_warn("call %s: gateway '%s' does not parse: skipped",
			 call->id, text);
		return false;
	}
	*peer = call->ctx->acl ? b2b_acl_match(call->ctx->acl, NULL,
		(const struct sockaddr *)&ss, (enum cfg_transport)-1) : NULL;
	if (!*peer) {
		log_warn("call %s: gateway %s is no known peer: skipped",
			 call->id, text);
		return false;
	}
	*realm = b2b_sip_realm(call->ctx, (*peer)->realm);
	if (!*realm) {
		log_warn("call %s: gateway %s: peer %s has unknown realm %s: "
			 "skipped", call->id, text, (*peer)->name,
			 (*peer)->realm);
		return false;
	}
	return tls_reachable(call, text, gw, *realm);
}

/* Is @gw marked down by the OPTIONS monitor?  Then it counts as tried. */
static bool gateway_down(struct b2b_call *call, const char *text,
			 const struct b2b_gateway *gw,
			 const struct store_peer *peer)
{
	struct b2b_attempt *at;

	if (!b2b_gw_is_down(call->ctx, gw))
		return false;
	log_info("call %s: gateway %s is down: skipped", call->id, text);
	at = &call->attempts[call->n_attempts++];
	memcpy(at->gateway, text, sizeof(at->gateway));
	snprintf(at->peer, sizeof(at->peer), "%s", peer->name);
	at->status = B2B_ATTEMPT_DOWN;
	return true;
}

void b2b_call_try_next(struct b2b_call *call)
{
	char reason[16];

	if (call->targets && !call->n_attempts && b2b_fork_wanted(call)) {
		b2b_fork_start(call);
		return;
	}
	while (call->next_gateway < call->n_gateways) {
		const char *text = call->gateways[call->next_gateway++];
		const struct store_peer *peer;
		struct store_peer sub;
		struct b2b_sip_realm *realm;
		struct b2b_gateway gw;

		if (call->targets) {
			if (b2b_subscriber_hop(call, call->next_gateway - 1,
					       &gw, &sub, &realm) < 0 ||
			    !tls_reachable(call, text, &gw, realm))
				continue;
			peer = &sub;
		} else if (!gateway_usable(call, text, &gw, &peer, &realm) ||
			   gateway_down(call, text, &gw, peer)) {
			continue;
		}
		if (attempt_start(call, text, &gw, peer, realm) == 0 ||
		    call->ended)
			return;
		log_err("call %s: could not send INVITE to %s", call->id, text);
	}
	if (!call->last_status) {
		b2b_call_answer_a(call, SIP_503_SERVICE_UNAVAILABLE, NULL);
		b2b_call_end(call, "no gateway", "sbc");
		return;
	}
	b2b_call_answer_a(call, call->last_status, call->last_phrase,
			  call->last_tags);
	snprintf(reason, sizeof(reason), "%d", call->last_status);
	b2b_call_end(call, reason, "callee");
}

/* Note leg B's dialog identifiers from a response (internal only). */
static void leg_ids(struct b2b_leg *b, sip_t const *sip)
{
	if (sip->sip_call_id)
		snprintf(b->call_id, sizeof(b->call_id), "%s",
			 sip->sip_call_id->i_id);
	if (sip->sip_from && sip->sip_from->a_tag)
		snprintf(b->local_tag, sizeof(b->local_tag), "%s",
			 sip->sip_from->a_tag);
	if (sip->sip_to && sip->sip_to->a_tag)
		snprintf(b->remote_tag, sizeof(b->remote_tag), "%s",
			 sip->sip_to->a_tag);
}

int b2b_call_b_relay(struct b2b_call *call, int status, const char *phrase,
		     sip_t const *sip)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	tagi_t *tags = b2b_hide_tags(home, sip);
	int rc = b2b_media_body(call, &call->b, B2B_MEDIA_RESPONSE, status,
				sip, tags, home);
	/* an 18x with the answer goes reliably to a caller that can PRACK
	 * (RFC 3262 section 3), one with an offer only when it came reliably
	 * (its answer goes on in sbcd's PRACK, call_early.c); nua sends it
	 * with RSeq and holds a later 2xx until the PRACK has come */
	tagi_t rel[2] = {
		{ SIPTAG_REQUIRE_STR("100rel") }, { TAG_NEXT(tags) },
	};
	bool reliable = status > 100 && status < 200 && call->a_100rel &&
		tags && tl_find(tags, siptag_payload) &&
		(b2b_media_pending(call) != B2B_SDP_B ||
		 (sip && sip->sip_rseq));

	if (rc == 0)
		b2b_call_answer_a(call, status, phrase, reliable ? rel : tags);
	su_home_deinit(home);
	return rc;
}

static void answered(struct b2b_call *call, int status, const char *phrase,
		     sip_t const *sip)
{
	const sip_to_t *local;

	call->b.answered = true;
	if (b2b_call_b_relay(call, status, phrase, sip) < 0)
		return;
	call->state = B2B_CALL_CONFIRMED;
	call->answer_ms = b2b_now_ms();
	call->ctx->calls->answered++;
	local = call->a.nh ? nua_handle_local(call->a.nh) : NULL;
	if (local && local->a_tag)
		snprintf(call->a.local_tag, sizeof(call->a.local_tag), "%s",
			 local->a_tag);
	b2b_cdr_dialog_put(call);
	b2b_credit_call_answered(call);
	b2b_acct_policy_answered(call);
	b2b_call_setup_done(call);
}

void b2b_call_b_answered(struct b2b_call *call, int status,
			 const char *phrase, sip_t const *sip)
{
	if (sip)
		leg_ids(&call->b, sip);
	answered(call, status, phrase, sip);
}

void b2b_call_b_response(struct b2b_call *call, int status,
			 const char *phrase, sip_t const *sip)
{
	char reason[16];

	if (call->ended) {
		/* Too late: the caller gave up or the operator killed it. */
		if (status >= 200 && status < 300) {
			nua_ack(call->b.nh, TAG_END());
			call->b.need_ack = false;
			nua_bye(call->b.nh, TAG_END());
		}
		return;
	}
	if (sip)
		leg_ids(&call->b, sip);
	if (status < 200) {
		b2b_call_timer_stop(call);
		if (status > 100)
			b2b_call_b_relay(call, status, phrase, sip);
		return;
	}
	b2b_call_timer_stop(call);
	attempt_status(call, status);
	if (status < 300) {
		answered(call, status, phrase, sip);
		return;
	}
	if (failover_status(status)) {
		log_notice("call %s: gateway %s answered %d, trying the next",
			   call->id, call->attempts[call->n_attempts - 1].gateway,
			   status);
		failure_keep(call, status, phrase, sip);
		b2b_leg_release(&call->b);
		b2b_call_try_next(call);
		return;
	}
	b2b_call_b_relay(call, status, phrase, sip);
	snprintf(reason, sizeof(reason), "%d", status);
	b2b_call_end(call, reason, "callee");
}
