/*
 * Leg A: the policy an initial INVITE goes through before a gateway sees
 * it, and the answers sent back to the caller.
 *
 *   source trusted?        acl.c    no  -> digest, where the realm takes
 *                                      subscribers (subscriber.c: 407,
 *                                      403 after a bad response), else
 *                                      403 (no challenge); no CDR
 *   limits                 call.c   hit -> 503 + Retry-After, no CDR
 *   Max-Forwards           > 0      no  -> 483
 *   registered subscriber? registrar.c yes -> its contacts, no route
 *   request-URI user       number   no  -> 484 (empty) / 404 (not digits)
 *   route                  route.c  no  -> 404 No Route
 *   account policy         account_policy_call.c  barring, block, PSTN,
 *                                      quota, call limit, callee's
 *                                      incoming rules -> 403/480/486
 *   prepaid credit         credit_call.c    no rate -> 403, not enough
 *                                      credit -> 402 (403 if the realm
 *                                      says insufficient_credit_status)
 *   gateways in order      call_b.c
 *
 * From this point every outcome ends in a CDR.
 */
#include "call.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/sip_protos.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/sip_util.h>

#include "acl.h"
#include "call_media.h"
#include "callerid.h"
#include "dialog_save.h"
#include "dialplan.h"
#include "hide.h"
#include "log.h"
#include "registrar.h"
#include "route.h"
#include "sbcd.h"
#include "sip.h"

/* Max-Forwards when the caller sent none (RFC 3261 section 8.1.1.6). */
#define DEFAULT_MAX_FORWARDS 70

void b2b_call_answer_a(struct b2b_call *call, int status, const char *phrase,
		       tagi_t const *tags)
{
	if (!call->a.nh)
		return;
	if (status >= 200 && status < 300)
		call->a.answered = true;
	nua_respond(call->a.nh, status, b2b_call_phrase(call, phrase),
		    TAG_NEXT(tags));
}

/* Answer the caller with a final failure and end the call. */
static void reject(struct b2b_call *call, int status, const char *phrase,
		   const char *reason)
{
	b2b_call_answer_a(call, status, phrase, NULL);
	b2b_call_end(call, reason, "sbc");
}

/*
 * The dialled number: the request-URI user part, digits with an optional
 * leading '+'.  Returns 0, -ENOENT (no user part) or -EINVAL.
 */
static int number_get(const char *user, char *out, size_t len)
{
	size_t n;

	if (!*user)
		return -ENOENT;
	n = strlen(user);
	if (n >= len || n >= STORE_PREFIX_MAX)
		return -EINVAL;
	if (strspn(user + (*user == '+'), "0123456789") != n - (*user == '+') ||
	    n == (size_t)(*user == '+'))
		return -EINVAL;
	memcpy(out, user, n + 1);
	return 0;
}

/* The caller's From user, if it is a plain token; "anonymous" otherwise. */
static void caller_get(sip_t const *sip, char *out, size_t len)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_.";
	const char *user = sip->sip_from ? sip->sip_from->a_url->url_user : NULL;

	if (!user || !*user || strspn(user, ok) != strlen(user) ||
	    strlen(user) >= len)
		user = "anonymous";
	snprintf(out, len, "%s", user);
}

/* Route lookup in a read transaction; copies the gateways into @call. */
static int route_get(struct b2b_call *call)
{
	struct store_txn *txn = store_txn_begin(call->ctx->store, false);
	struct store_route route;
	int rc;

	if (!txn)
		return -errno;
	rc = b2b_route_lookup(txn, call->number, &route);
	store_txn_abort(txn);
	if (rc < 0)
		return rc;
	snprintf(call->route, sizeof(call->route), "%s", route.prefix);
	rc = b2b_call_gateways(call, route.n_gateways < STORE_ROUTE_GWS ?
				     route.n_gateways : STORE_ROUTE_GWS);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < call->n_gateways; i++)
		memcpy(call->gateways[i], route.gateways[i], STORE_GW_MAX);
	return 0;
}

/*
 * The number after the ingress realm's dial plan, and its route; -1 when
 * the caller was answered.
 */
static int number_route(struct b2b_call *call, sip_t const *sip)
{
	const char *user = sip->sip_request->rq_url->url_user;
	char dialled[B2B_DIALPLAN_NUMBER_MAX + 1];
	int rc;

	if (!user || !*user) {
		reject(call, 484, "Address Incomplete: no number", "484");
		return -1;
	}
	rc = b2b_dialplan_apply(call->a.realm->dialplan, user, dialled,
				sizeof(dialled));
	if (rc == -E2BIG || rc == -EINVAL || rc == -ENOSPC) {
		reject(call, 404, "Not Found: not a number", "404");
		return -1;
	}
	rc = number_get(dialled, call->number, sizeof(call->number));
	if (rc == -ENOENT) {
		reject(call, 484, "Address Incomplete: no number", "484");
		return -1;
	}
	if (rc < 0) {
		reject(call, 404, "Not Found: not a number", "404");
		return -1;
	}
	rc = route_get(call);
	if (rc == -ENOENT) {
		reject(call, 404, "No Route", "no route");
		return -1;
	}
	if (rc < 0) {
		log_err("call %s: route lookup for %s: %s", call->id,
			call->number, strerror(-rc));
		reject(call, SIP_500_INTERNAL_SERVER_ERROR, "route error");
		return -1;
	}
	return 0;
}

/*
 * The rest of the policy, once the call exists; @acct is the caller's
 * account, NULL for a peer.
 */
static void call_setup(struct b2b_call *call, sip_t const *sip,
		       const struct store_account *acct)
{
	unsigned mf = sip->sip_max_forwards ?
		(unsigned)sip->sip_max_forwards->mf_count : DEFAULT_MAX_FORWARDS;
	su_home_t *setup;
	int rc;

	/* RFC 3261 section 16.3 item 2, applied by the B2BUA as a proxy would. */
	if (mf == 0) {
		reject(call, SIP_483_TOO_MANY_HOPS, "483");
		return;
	}
	call->max_forwards = mf - 1;
	rc = b2b_subscriber_targets(call, sip);
	if (rc == -ENOMEM) {
		reject(call, SIP_500_INTERNAL_SERVER_ERROR, "no memory");
		return;
	}
	if (rc < 0 && number_route(call, sip) < 0)
		return;
	if (b2b_acct_policy_admit(call, acct) < 0)
		return;
	if (acct && b2b_credit_call_admit(call, acct) < 0)
		return;
	setup = b2b_call_setup_home(call);
	call->a_tags = setup ? b2b_hide_tags(setup, sip) : NULL;
	if (!call->a_tags || b2b_media_call_new(call, sip) < 0) {
		reject(call, SIP_500_INTERNAL_SERVER_ERROR, "no memory");
		return;
	}
	b2b_call_try_next(call);
}

void b2b_call_incoming(struct b2b_sip_realm *realm, nua_handle_t *nh,
		       sip_t const *sip)
{
	struct b2b_ctx *ctx = realm->ctx;
	const struct store_peer *peer = NULL;
	struct b2b_cid_ingress cid_in;
	struct store_account acct;
	struct store_peer sub;
	int auth = -EPERM;
	const struct sockaddr *src;
	enum cfg_transport tp;
	struct b2b_call *call;
	const char *limit;

	if (b2b_sip_request_source(realm, &src, &tp) == 0 && ctx->acl)
		peer = b2b_acl_match(ctx->acl, realm->cfg->name, src, tp);
	if (!peer) {
		auth = b2b_subscriber_auth(realm, nh, sip, &acct);
		if (auth == -EACCES) {
			nua_handle_destroy(nh);
			return;
		}
		if (auth == 0) {
			b2b_subscriber_peer(&acct, &sub);
			peer = &sub;
		}
	}
	if (!peer) {
		log_info("%s: INVITE from an untrusted source refused",
			 realm->cfg->name);
		ctx->calls->rejected++;
		nua_respond(nh, SIP_403_FORBIDDEN,
			    NUTAG_WITH_THIS(realm->nua), TAG_END());
		nua_handle_destroy(nh);
		return;
	}
	limit = b2b_call_admit(ctx, peer);
	call = limit ? NULL : b2b_call_new(ctx);
	if (!call) {
		log_notice("%s: INVITE from peer %s refused: %s",
			   realm->cfg->name, peer->name,
			   limit ? limit : "out of memory");
		ctx->calls->rejected++;
		nua_respond(nh, 503, limit ? limit : "Out of Memory",
			    NUTAG_WITH_THIS(realm->nua),
			    SIPTAG_RETRY_AFTER_STR(B2B_RETRY_AFTER_STR),
			    TAG_END());
		nua_handle_destroy(nh);
		return;
	}
	call->a.nh = nh;
	call->a.realm = realm;
	nua_handle_bind(nh, &call->a);
	b2b_call_peer_set(call, peer->name);
	snprintf(call->a.call_id, sizeof(call->a.call_id), "%s",
		 sip->sip_call_id ? sip->sip_call_id->i_id : "");
	if (sip->sip_from && sip->sip_from->a_tag)
		snprintf(call->a.remote_tag, sizeof(call->a.remote_tag), "%s",
			 sip->sip_from->a_tag);
	b2b_dialog_note(&call->a, nua_i_invite, 0, sip);
	/* RFC 3262 section 3: an 18x with the answer (or an offer) may go
	 * reliably; RFC 3311 section 5.1: an offer in an early UPDATE may go
	 * to a caller that allows UPDATE (call_early.c) */
	call->a_100rel = sip_has_feature(sip->sip_supported, "100rel") ||
		sip_has_feature(sip->sip_require, "100rel");
	call->early.allows_update[0] =
		sip_is_allowed(sip->sip_allow, sip_method_update, NULL);
	caller_get(sip, call->caller, sizeof(call->caller));
	if (auth == 0) {
		snprintf(call->account, sizeof(call->account), "%s", acct.id);
		snprintf(call->caller, sizeof(call->caller), "%s", acct.user);
	}
	log_info("call %s: INVITE from peer %s (%s) to %s", call->id,
		 peer->name, realm->cfg->name,
		 sip->sip_request->rq_url->url_user ?
		 sip->sip_request->rq_url->url_user : "");
	if (auth == 0)
		b2b_callerid_ingress_account(&acct, &cid_in);
	else
		b2b_callerid_ingress_peer(peer, &cid_in);
	call->cid = b2b_callerid_decide(call->home, sip, &cid_in,
					ctx->sip->emergency);
	if (!call->cid) {
		reject(call, SIP_500_INTERNAL_SERVER_ERROR, "no memory");
		return;
	}
	call_setup(call, sip, auth == 0 ? &acct : NULL);
}
