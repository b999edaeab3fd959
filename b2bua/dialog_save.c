/*
 * Following each leg's dialog while a call is up, and the call as the
 * dialog record a restarted sbcd resumes it from; see dialog_save.h.
 */
#include "dialog_save.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/url.h>

#include "call.h"
#include "call_media.h"
#include "cdr.h"
#include "media_saved.h"
#include "sip.h"
#include "store.h"

/* "<uri>,<uri>" of the route set @rr, reversed when @reverse */
static char *route_text(su_home_t *home, sip_record_route_t const *rr,
			bool reverse)
{
	char *out = NULL;

	for (; rr; rr = rr->r_next) {
		char *u = url_as_string(home, rr->r_url);
		char *next;

		if (!u)
			return NULL;
		if (!out)
			next = su_sprintf(home, "<%s>", u);
		else if (reverse)
			next = su_sprintf(home, "<%s>,%s", u, out);
		else
			next = su_sprintf(home, "%s,<%s>", out, u);
		su_free(home, u);
		su_free(home, out);
		out = next;
		if (!out)
			return NULL;
	}
	return out;
}

void b2b_dialog_note(struct b2b_leg *leg, nua_event_t event, int status,
		     sip_t const *sip)
{
	su_home_t *home = leg->call->home;
	sip_method_t method;
	bool first;

	if (!sip || !sip->sip_cseq)
		return;
	/* leg A's own tag is drawn as nua sends the 2xx, after the call was
	 * answered: the peer's next request (its ACK) shows it, and the
	 * record that waited for it is written (cdr.c) */
	if (sip->sip_request && sip->sip_to && sip->sip_to->a_tag &&
	    !leg->local_tag[0]) {
		snprintf(leg->local_tag, sizeof(leg->local_tag), "%s",
			 sip->sip_to->a_tag);
		if (leg->call->answer_ms && !leg->call->ended)
			b2b_cdr_dialog_put(leg->call);
	}
	method = sip->sip_cseq->cs_method;
	if (sip->sip_status && sip->sip_cseq->cs_seq > leg->cseq)
		leg->cseq = sip->sip_cseq->cs_seq;
	if (method != sip_method_invite && method != sip_method_update)
		return;
	/* a target refresh: a request, or the 2xx to ours */
	if (!sip->sip_contact || (sip->sip_status && (status < 200 ||
						       status >= 300)))
		return;
	if (!sip->sip_status && event != nua_i_invite && event != nua_i_update)
		return;
	first = !leg->target;
	leg->target = url_as_string(home, sip->sip_contact->m_url);
	/* the route set is fixed once, as the dialog is created */
	if (first && method == sip_method_invite)
		leg->route = route_text(home, sip->sip_record_route,
					sip->sip_status != NULL);
}

/* "<uri>" of @a, without display name, tag or parameters */
static int addr_text(su_home_t *home, sip_addr_t const *a, char *out,
		     size_t len)
{
	char *u = a ? url_as_string(home, a->a_url) : NULL;
	int n;

	if (!u)
		return -ENOENT;
	n = snprintf(out, len, "<%s>", u);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

static int copy(char *out, size_t len, const char *s)
{
	int n = snprintf(out, len, "%s", s ? s : "");

	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* leg @leg's dialog into the record members given */
static int leg_record(su_home_t *home, const struct b2b_leg *leg,
		      char *realm, char *peer, char *local, char *remote,
		      char *target, char *route, char *proxy, uint32_t *cseq)
{
	int rc;

	if (!leg->nh || !leg->target)
		return -ENOENT;
	rc = copy(realm, STORE_NAME_MAX, leg->realm->cfg->name);
	if (rc == 0)
		rc = copy(peer, STORE_NAME_MAX, leg->peer);
	if (rc == 0)
		rc = addr_text(home, nua_handle_local(leg->nh), local,
			       STORE_URI_MAX);
	if (rc == 0)
		rc = addr_text(home, nua_handle_remote(leg->nh), remote,
			       STORE_URI_MAX);
	if (rc == 0)
		rc = copy(target, STORE_URI_MAX, leg->target);
	if (rc == 0)
		rc = copy(route, STORE_ROUTE_SET_MAX, leg->route);
	if (rc == 0)
		rc = copy(proxy, STORE_URI_MAX, leg->proxy);
	*cseq = leg->cseq;
	return rc;
}

int b2b_dialog_record(const struct b2b_call *call, struct store_dialog *d)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct b2b_media_saved ms;
	const char *sent[2];
	int rc, n;

	memset(d, 0, offsetof(struct store_dialog, a_sdp));
	d->a_sdp[0] = d->b_sdp[0] = d->media[0] = '\0';
	snprintf(d->call_id, sizeof(d->call_id), "%s", call->a.call_id);
	snprintf(d->b_call_id, sizeof(d->b_call_id), "%s", call->b.call_id);
	snprintf(d->a_local_tag, sizeof(d->a_local_tag), "%s",
		 call->a.local_tag);
	snprintf(d->a_remote_tag, sizeof(d->a_remote_tag), "%s",
		 call->a.remote_tag);
	snprintf(d->b_local_tag, sizeof(d->b_local_tag), "%s",
		 call->b.local_tag);
	snprintf(d->b_remote_tag, sizeof(d->b_remote_tag), "%s",
		 call->b.remote_tag);
	snprintf(d->state, sizeof(d->state), "confirmed");
	d->created_ms = call->setup_ms;
	snprintf(d->account, sizeof(d->account), "%s", call->account);
	snprintf(d->peer, sizeof(d->peer), "%s",
		 call->account[0] ? "" : call->a.peer);
	snprintf(d->route, sizeof(d->route), "%s", call->route);
	snprintf(d->id, sizeof(d->id), "%s", call->id);
	snprintf(d->caller, sizeof(d->caller), "%s", call->caller);
	snprintf(d->callee, sizeof(d->callee), "%s", call->number);
	d->answer_ms = call->answer_ms;
	if (call->n_attempts)
		snprintf(d->gateway, sizeof(d->gateway), "%s",
			 call->attempts[call->n_attempts - 1].gateway);
	d->prepaid = call->credit.prepaid;
	rc = leg_record(home, &call->a, d->a_realm, d->a_peer, d->a_local,
			d->a_remote, d->a_target, d->a_route, d->a_proxy,
			&d->a_cseq);
	if (rc == 0)
		rc = leg_record(home, &call->b, d->b_realm, d->b_peer,
				d->b_local, d->b_remote, d->b_target,
				d->b_route, d->b_proxy, &d->b_cseq);
	su_home_deinit(home);
	if (rc == 0)
		rc = b2b_media_save(call, &ms, sent);
	if (rc < 0)
		return rc;
	rc = copy(d->a_sdp, sizeof(d->a_sdp), sent[0]);
	if (rc == 0)
		rc = copy(d->b_sdp, sizeof(d->b_sdp), sent[1]);
	n = rc == 0 ? b2b_media_saved_encode(&ms, d->media, sizeof(d->media))
		    : rc;
	OPENSSL_cleanse(&ms, sizeof(ms));
	return n < 0 ? n : 0;
}

void b2b_dialog_record_wipe(struct store_dialog *d)
{
	OPENSSL_cleanse(d, offsetof(struct store_dialog, a_sdp));
	OPENSSL_cleanse(d->a_sdp, strnlen(d->a_sdp, sizeof(d->a_sdp)));
	OPENSSL_cleanse(d->b_sdp, strnlen(d->b_sdp, sizeof(d->b_sdp)));
	OPENSSL_cleanse(d->media, strnlen(d->media, sizeof(d->media)));
}
