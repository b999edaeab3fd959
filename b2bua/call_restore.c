/*
 * Calls resumed from their dialog records when sbcd starts: see
 * call_restore.h for how and why.
 */
#include "call_restore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/sip_tag.h>

#include "call.h"
#include "call_media.h"
#include "cdr.h"
#include "dialog_save.h"
#include "log.h"
#include "media_saved.h"
#include "sbcd.h"
#include "sip.h"
#include "store.h"
#include "store_writer.h"

/* a dialog record kept across the credit reconciliation */
struct saved {
	struct saved *next;
	struct store_dialog d;
};

struct b2b_restore {
	struct saved *prepaid;
};

/* the record's identity, for logs */
static const char *rec_name(const struct store_dialog *d)
{
	return d->id[0] ? d->id : "(unnamed)";
}

static int load_prepaid(const void *rec, void *arg)
{
	const struct store_dialog *d = rec;
	struct b2b_restore *r = arg;
	struct saved *s;

	if (!d->prepaid)
		return 0;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(&s->d, d, sizeof(*d));
	s->next = r->prepaid;
	r->prepaid = s;
	return 0;
}

struct b2b_restore *b2b_restore_load(struct store *st)
{
	struct b2b_restore *r = calloc(1, sizeof(*r));
	struct store_txn *txn = r ? store_txn_begin(st, false) : NULL;
	int rc = txn ? store_foreach(txn, STORE_DB_DIALOGS, load_prepaid, r)
		     : -errno;

	store_txn_abort(txn);
	if (rc < 0) {
		log_err("dialog records of prepaid calls: %s", strerror(-rc));
		b2b_restore_free(r);
		errno = -rc;
		return NULL;
	}
	return r;
}

void b2b_restore_free(struct b2b_restore *r)
{
	struct saved *s;

	if (!r)
		return;
	while ((s = r->prepaid)) {
		r->prepaid = s->next;
		OPENSSL_cleanse(&s->d, sizeof(s->d));
		free(s);
	}
	free(r);
}

/* why record @d cannot be resumed, or NULL when it can */
static const char *record_check(const struct store_dialog *d)
{
	if (!d->id[0] || !d->answer_ms || !d->a_realm[0] || !d->b_realm[0])
		return "record of an older sbcd";
	if (!d->call_id[0] || !d->b_call_id[0] || !d->a_local_tag[0] ||
	    !d->a_remote_tag[0] || !d->b_local_tag[0] || !d->b_remote_tag[0])
		return "dialog ids missing";
	if (!d->a_local[0] || !d->a_remote[0] || !d->a_target[0] ||
	    !d->b_local[0] || !d->b_remote[0] || !d->b_target[0])
		return "dialog addresses missing";
	if (!d->media[0] || !d->a_sdp[0] || !d->b_sdp[0])
		return "no media state";
	return NULL;
}

/* one leg of a restored call: ids, target, route set, next CSeq */
static void leg_set(struct b2b_leg *leg, struct b2b_sip_realm *realm,
		    const char *peer, const char *call_id, const char *ltag,
		    const char *rtag, const char *target, const char *route,
		    const char *proxy, uint32_t cseq)
{
	su_home_t *home = leg->call->home;

	leg->realm = realm;
	snprintf(leg->peer, sizeof(leg->peer), "%s", peer);
	snprintf(leg->call_id, sizeof(leg->call_id), "%s", call_id);
	snprintf(leg->local_tag, sizeof(leg->local_tag), "%s", ltag);
	snprintf(leg->remote_tag, sizeof(leg->remote_tag), "%s", rtag);
	leg->target = su_strdup(home, target);
	leg->route = route[0] ? su_strdup(home, route) : NULL;
	leg->proxy = proxy[0] ? su_strdup(home, proxy) : NULL;
	leg->cseq = cseq;
	leg->answered = true;
}

/* the call of record @d, without SIP yet; the reason when it cannot be */
static const char *call_fill(struct b2b_call *call,
			     const struct store_dialog *d)
{
	struct b2b_ctx *ctx = call->ctx;
	struct b2b_sip_realm *ra = b2b_sip_realm(ctx, d->a_realm);
	struct b2b_sip_realm *rb = b2b_sip_realm(ctx, d->b_realm);
	const char *why = record_check(d);

	/* the CDR of a call that cannot be restored still has these */
	call->setup_ms = d->created_ms;
	call->answer_ms = d->answer_ms;
	snprintf(call->caller, sizeof(call->caller), "%s", d->caller);
	snprintf(call->number, sizeof(call->number), "%s", d->callee);
	snprintf(call->account, sizeof(call->account), "%s", d->account);
	snprintf(call->route, sizeof(call->route), "%s", d->route);
	snprintf(call->a.call_id, sizeof(call->a.call_id), "%s", d->call_id);
	b2b_call_peer_set(call, d->a_peer[0] ? d->a_peer : d->peer);
	snprintf(call->b.peer, sizeof(call->b.peer), "%s", d->b_peer);
	/* out of memory, the CDR goes without the gateway */
	if (d->gateway[0] && b2b_call_gateways(call, 0) == 0) {
		struct b2b_attempt *at = &call->attempts[0];

		snprintf(at->gateway, sizeof(at->gateway), "%s", d->gateway);
		snprintf(at->peer, sizeof(at->peer), "%s", d->b_peer);
		at->status = 200;
		call->n_attempts = 1;
	}
	/* the same id as before the restart, unless another call has it */
	if (d->id[0] && strlen(d->id) < sizeof(call->id) &&
	    !b2b_call_find(ctx, d->id))
		memcpy(call->id, d->id, strlen(d->id) + 1);
	if (why)
		return why;
	if (!ra || !rb)
		return "realm no longer configured";
	leg_set(&call->a, ra, call->a.peer, d->call_id, d->a_local_tag,
		d->a_remote_tag, d->a_target, d->a_route, d->a_proxy,
		d->a_cseq);
	leg_set(&call->b, rb, d->b_peer, d->b_call_id, d->b_local_tag,
		d->b_remote_tag, d->b_target, d->b_route, d->b_proxy,
		d->b_cseq);
	return NULL;
}

static const char *adopt_error(int rc)
{
	switch (rc) {
	case -EPROTO:
		return "media state of another build";
	case -ENOTSUP:
		return "MSRP session";
	case -EBUSY:
		return "media ports or flows taken";
	case -ENOENT:
		return "flows gone";
	case -EADDRNOTAVAIL:
		return "media address no longer configured";
	default:
		return "out of memory";
	}
}

/* "<uri>;tag=T" */
static char *addr_tag(su_home_t *home, const char *addr, const char *tag)
{
	return su_sprintf(home, "%s;tag=%s", addr, tag);
}

/*
 * The re-INVITE that binds a new handle to @leg's old dialog (see
 * call_restore.h); the addresses come from @local and @remote.
 */
static int leg_reinvite(struct b2b_leg *leg, const char *local,
			const char *remote, const char *sdp)
{
	su_home_t *home = leg->call->home;
	/* nta takes the leg's CSeq from this and sends the next one */
	sip_cseq_t *cseq = sip_cseq_create(home, leg->cseq +
					   B2B_DIALOG_CSEQ_SKIP,
					   sip_method_invite, "INVITE");
	char *from = addr_tag(home, local, leg->local_tag);
	char *to = addr_tag(home, remote, leg->remote_tag);

	leg->nh = cseq && from && to ? nua_handle(leg->realm->nua, leg,
						  TAG_END()) : NULL;
	if (!leg->nh)
		return -ENOMEM;
	if (leg->proxy)
		nua_set_hparams(leg->nh,
				NUTAG_PROXY(URL_STRING_MAKE(leg->proxy)),
				TAG_END());
	leg->restoring = true;
	nua_invite(leg->nh, NUTAG_URL(URL_STRING_MAKE(leg->target)),
		   SIPTAG_CALL_ID_STR(leg->call_id), SIPTAG_FROM_STR(from),
		   SIPTAG_TO_STR(to), SIPTAG_CSEQ(cseq),
		   TAG_IF(leg->route, SIPTAG_ROUTE_STR(leg->route)),
		   SIPTAG_CONTENT_TYPE_STR("application/sdp"),
		   SIPTAG_PAYLOAD_STR(sdp), TAG_END());
	return 0;
}

/* a call that cannot be resumed: its CDR, its flows and ports freed */
static void give_up(struct b2b_call *call, const char *why)
{
	char reason[STORE_REASON_MAX];
	struct store_txn *txn;
	int rc;

	log_warn("call %s: not restored after the restart: %s", call->id, why);
	snprintf(reason, sizeof(reason), "not restored (%s)", why);
	b2b_call_end(call, reason, "sbc");
	/* the CDR drops the record of an answered call only; an older
	 * sbcd's record has no answer time */
	if (!call->answer_ms) {
		txn = store_txn_begin(call->ctx->store, true);
		rc = txn ? store_dialog_del(txn, call->a.call_id) : -errno;
		if (rc == 0)
			rc = store_txn_commit(txn);
		else
			store_txn_abort(txn);
		if (rc < 0 && rc != -ENOENT)
			log_err("call %s: its dialog record stays: %s",
				call->id, strerror(-rc));
	}
	/* no leg has a handle: this frees the call */
	b2b_leg_release(&call->a);
}

/*
 * Restore the call of @d; @settled: its CDR was written by the credit
 * reconciliation.  @return 1 when its legs are being re-INVITEd.
 */
static int restore_one(struct b2b_ctx *ctx, const struct store_dialog *d,
		       bool settled)
{
	struct b2b_call *call = b2b_call_new(ctx);
	struct b2b_media_saved ms;
	const char *why;
	int rc;

	if (!call) {
		log_err("call %s: not restored: out of memory", rec_name(d));
		return 0;
	}
	call->state = B2B_CALL_CONFIRMED;
	call->ctx->calls->answered++;
	call->cdr_written = settled;
	why = call_fill(call, d);
	if (!why) {
		rc = b2b_media_saved_decode(d->media, &ms);
		if (rc == 0)
			rc = b2b_media_adopt(call, &ms, d->a_sdp, d->b_sdp);
		OPENSSL_cleanse(&ms, sizeof(ms));
		if (rc < 0)
			why = adopt_error(rc);
	}
	if (!why && (leg_reinvite(&call->a, d->a_local, d->a_remote,
				  d->a_sdp) < 0 ||
		     leg_reinvite(&call->b, d->b_local, d->b_remote,
				  d->b_sdp) < 0))
		why = "out of memory";
	if (why) {
		if (call->a.nh || call->b.nh) {
			b2b_call_hangup(call, "not restored (out of memory)");
			return 0;
		}
		give_up(call, why);
		return 0;
	}
	if (d->prepaid) {
		/* its money is settled: it ends now, and each leg gets its
		 * BYE once its dialog is back (b2b_restore_response()) */
		log_notice("call %s: prepaid: hung up after the restart",
			   call->id);
		b2b_call_end(call, B2B_RESTORE_HANGUP_REASON, "sbc");
		return 0;
	}
	log_notice("call %s: restoring the call from %s to %s", call->id,
		   call->caller, call->number);
	return 1;
}

/* the prepaid record @d is still in the store (not reconciled) */
static bool in_store(struct b2b_ctx *ctx, const struct store_dialog *d)
{
	struct store_dialog *cur = malloc(sizeof(*cur));
	struct store_txn *txn = cur ? store_txn_begin(ctx->store, false) : NULL;
	bool found = txn && store_dialog_get(txn, d->call_id, cur) == 0;

	store_txn_abort(txn);
	if (cur)
		OPENSSL_cleanse(cur, sizeof(*cur));
	free(cur);
	return found;
}

/* the keys of the dialog records, collected before any is changed */
struct keys {
	char (*id)[STORE_CALLID_MAX];
	size_t n, max;
};

static int key_add(const void *rec, void *arg)
{
	const struct store_dialog *d = rec;
	struct keys *k = arg;

	if (k->n == k->max) {
		size_t max = k->max ? 2 * k->max : 64;
		void *id = realloc(k->id, max * sizeof(*k->id));

		if (!id)
			return -ENOMEM;
		k->id = id;
		k->max = max;
	}
	snprintf(k->id[k->n++], sizeof(*k->id), "%s", d->call_id);
	return 0;
}

/* every call in the dialog records; @return how many are resumed */
static int restore_stored(struct b2b_ctx *ctx)
{
	struct store_dialog *d = malloc(sizeof(*d));
	struct keys k = { 0 };
	struct store_txn *txn;
	int n = 0, rc;

	txn = d ? store_txn_begin(ctx->store, false) : NULL;
	rc = txn ? store_foreach(txn, STORE_DB_DIALOGS, key_add, &k) : -ENOMEM;
	store_txn_abort(txn);
	if (rc < 0)
		log_err("dialog records: %s: the calls they hold are not "
			"restored", strerror(-rc));
	for (size_t i = 0; rc == 0 && i < k.n; i++) {
		txn = store_txn_begin(ctx->store, false);
		rc = txn ? store_dialog_get(txn, k.id[i], d) : -errno;
		store_txn_abort(txn);
		if (rc < 0) {
			log_err("dialog record %zu: %s: not restored", i,
				strerror(-rc));
			rc = 0;
			continue;
		}
		n += restore_one(ctx, d, false);
	}
	if (d)
		OPENSSL_cleanse(d, sizeof(*d));
	free(d);
	free(k.id);
	return n;
}

int b2b_restore_run(struct b2b_ctx *ctx, struct b2b_restore *r)
{
	int n;

	/* first the prepaid calls the reconciliation settled (their records
	 * are gone), then every record left, prepaid ones it did not settle
	 * included */
	for (struct saved *s = r ? r->prepaid : NULL; s; s = s->next)
		if (!in_store(ctx, &s->d))
			restore_one(ctx, &s->d, true);
	n = restore_stored(ctx);
	b2b_restore_free(r);
	b2b_media_free_stale(ctx);
	if (n)
		log_notice("resuming %d call(s) a previous sbcd left", n);
	return n;
}

/* both legs are back */
static void restored(struct b2b_call *call)
{
	if (call->a.restoring || call->b.restoring)
		return;
	log_notice("call %s: restored", call->id);
	/* the CSeqs moved on: a second restart must start above them */
	b2b_cdr_dialog_put(call);
}

void b2b_restore_response(struct b2b_leg *leg, int status)
{
	struct b2b_call *call = leg->call;
	struct b2b_leg *other = b2b_leg_other(leg);
	char reason[STORE_REASON_MAX];

	if (status < 200)
		return;
	leg->restoring = false;
	if (status < 300) {
		nua_ack(leg->nh, TAG_END());
		if (call->ended)
			nua_bye(leg->nh, TAG_END());
		else
			restored(call);
		return;
	}
	/* nua ends a handle whose first INVITE failed; the other leg gets
	 * its BYE once its own re-INVITE is answered */
	leg->answered = false;
	if (call->ended)
		return;
	log_warn("call %s: leg %s refused its restore re-INVITE: %d",
		 call->id, leg == &call->a ? "A" : "B", status);
	snprintf(reason, sizeof(reason), "not restored (%d)", status);
	b2b_call_end(call, reason, leg == &call->a ? "caller" : "callee");
	if (!other->restoring && other->nh)
		nua_bye(other->nh, TAG_END());
}

/* calls stop ------------------------------------------------------------- */

/* only kept calls are left: the others are hung up and gone */
static bool only_kept(void *arg)
{
	struct b2b_calls *calls = arg;
	struct b2b_call *call;

	TAILQ_FOREACH(call, &calls->list, link)
		if (call->ended)
			return false;
	return true;
}

/*
 * Whether the dialog record of @call reached the store: the store writer
 * commits it after the event loop went on, and logs a write that failed.
 */
static bool record_stored(struct b2b_call *call, struct store_dialog *d)
{
	struct store_txn *txn = store_txn_begin(call->ctx->store, false);
	int rc = txn ? store_dialog_get(txn, call->a.call_id, d) : -errno;

	store_txn_abort(txn);
	b2b_dialog_record_wipe(d);
	return rc == 0;
}

int b2b_restore_keep(struct b2b_ctx *ctx)
{
	struct store_dialog *d = calloc(1, sizeof(*d));
	struct b2b_call *call;
	int kept = 0;

	store_writer_drain(ctx->store_writer);
	TAILQ_FOREACH(call, &ctx->calls->list, link) {
		if (call->ended)
			continue;
		/* its record is current but for nua's session refreshes,
		 * which B2B_DIALOG_CSEQ_SKIP covers: no write per call */
		if (call->state == B2B_CALL_CONFIRMED && call->resumable &&
		    !call->credit.prepaid && !call->a.restoring &&
		    !call->b.restoring && d && record_stored(call, d)) {
			kept++;
			continue;
		}
		b2b_call_hangup(call, "shutdown");
	}
	free(d);
	if (!b2b_sip_wait(ctx, only_kept, ctx->calls, B2B_RESTORE_STOP_MS))
		log_warn("calls still being hung up after %u ms",
			 B2B_RESTORE_STOP_MS);
	if (kept)
		log_notice("%d call(s) kept up for the next sbcd", kept);
	return kept;
}
