/*
 * Media anchoring in the call core: SDP offer/answer through the rewriter,
 * flows into the dataplane's table, per-call counters, RTP timeout.  See
 * call_media.h for the rules.
 *
 * RFC 3264 (offer/answer), RFC 3261 section 13.2.1 (offers and answers in
 * INVITE, 2xx and ACK), RFC 3262 section 5 (in reliable 18x and PRACK),
 * RFC 3311 (UPDATE), RFC 3550 (RTP/RTCP flows).
 */
#include "call_media.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/sip_tag.h>

#include "call.h"
#include "call_media_pvt.h"
#include "cdr.h"
#include "ctl_registry.h"
#include "ft.h"
#include "log.h"
#include "media_policy.h"
#include "media_ports.h"
#include "media_saved.h"
#include "sbcd.h"
#include "sdp_rewrite.h"
#include "sip.h"
#include "store.h"

#define SWEEP_MS 1000
#define NS_PER_S 1000000000ull

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void body_clear(struct b2b_media_body *b)
{
	if (b->s) {
		OPENSSL_cleanse(b->s, b->len);
		free(b->s);
	}
	b->s = NULL;
	b->len = 0;
}

static int body_set(struct b2b_media_body *b, const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	body_clear(b);
	b->s = copy;
	b->len = len;
	return 0;
}

static void body_move(struct b2b_media_body *to, struct b2b_media_body *from)
{
	body_clear(to);
	*to = *from;
	from->s = NULL;
	from->len = 0;
}

static unsigned realm_index(const struct b2b_ctx *ctx,
			    const struct cfg_realm *r)
{
	return (unsigned)(r - ctx->cfg->realms);
}

/* the dataplane port that owns @r's media address (dataplane.ports order) */
static uint16_t out_port(const struct cfg *cfg, const struct cfg_realm *r)
{
	for (unsigned i = 0; i < cfg->dp.n_ports; i++)
		if (!strcmp(cfg->dp.ports[i].realm, r->name))
			return (uint16_t)i;
	return 0;
}

static bool is_sdp(tagi_t *tags)
{
	tagi_t *t = tags ? tl_find(tags, siptag_content_type) : NULL;
	const sip_content_type_t *ct =
		t ? (const sip_content_type_t *)t->t_value : NULL;

	return ct && ct->c_type && !strcasecmp(ct->c_type, "application/sdp");
}

/* take the body and its type out of @tags */
static void body_drop(tagi_t *tags)
{
	tagi_t *t;

	if (!tags)
		return;
	if ((t = tl_find(tags, siptag_payload)))
		t->t_tag = tag_skip;
	if ((t = tl_find(tags, siptag_content_type)))
		t->t_tag = tag_skip;
}

/* the rewritten @text in place of the body in @tags; wipes @text */
static int body_put(tagi_t *tags, su_home_t *home, char *text)
{
	tagi_t *t = tl_find(tags, siptag_payload);
	sip_payload_t *pl = t ? sip_payload_make(home, text) : NULL;

	OPENSSL_cleanse(text, strlen(text));
	if (!pl)
		return -ENOMEM;
	t->t_value = (tag_value_t)pl;
	return 0;
}

/* the SIP answer to a refused offer, by sdp_rewrite.h's table */
static int sdp_status(int rc, const char **phrase)
{
	switch (rc) {
	case -EBADMSG:
	case -EMSGSIZE:
		*phrase = "Bad SDP";
		return 400;
	case -E2BIG:
	case -ENOTSUP:
	case -EAFNOSUPPORT:
	case -EPROTO:
		*phrase = "Not Acceptable Here";
		return 488;
	case -ENOSPC:
		*phrase = "Media Ports Exhausted";
		return 503;
	default:
		*phrase = "Media Error";
		return 500;
	}
}

/* flows ------------------------------------------------------------------- */

/* room for the slots of @n streams; the new ones hold none */
static int slots_grow(struct b2b_call_media *cm, unsigned n)
{
	struct b2b_stream_slots *ss;

	if (n <= cm->n_ss)
		return 0;
	ss = realloc(cm->ss, n * sizeof(*ss));
	if (!ss)
		return -ENOMEM;
	memset(ss + cm->n_ss, 0, (n - cm->n_ss) * sizeof(*ss));
	cm->ss = ss;
	cm->n_ss = n;
	return 0;
}

/* free the last slot of stream @i, keeping its counts */
static void slot_drop(struct b2b_media *m, struct b2b_call_media *cm,
		      unsigned i)
{
	unsigned k = cm->ss[i].n - 1;

	b2b_media_slot_count(m, cm, i, k, cm->pkts, cm->bytes, &cm->drops);
	ft_slot_free(m->ft, cm->ss[i].slot[k]);
	cm->ss[i].n = k;
	m->flows--;
}

/* the call's streams as flows in the table, after an answer */
static void flows_write(struct b2b_call *call)
{
	struct b2b_media *m = call->ctx->media;
	struct b2b_call_media *cm = call->media;
	const struct b2b_sdp_state *st = cm->sdp;
	uint64_t id = strtoull(call->id + 1, NULL, 16), now = mono_ns();

	if (slots_grow(cm, st->n_streams) < 0)
		log_err("call %s: out of memory: streams from %u on not "
			"relayed", call->id, cm->n_ss);
	for (unsigned i = 0; i < cm->n_ss; i++) {
		struct ft_flow f[4];
		int n = i < st->n_streams ? b2b_sdp_flows(st, i, f) : 0;

		while (cm->ss[i].n > (unsigned)n)
			slot_drop(m, cm, i);
		while (cm->ss[i].n < (unsigned)n &&
		       ft_slot_alloc(m->ft,
				     &cm->ss[i].slot[cm->ss[i].n]) == 0) {
			cm->ss[i].n++;
			m->flows++;
		}
		if (cm->ss[i].n < (unsigned)n) {
			log_err("call %s: flow table full: stream %u "
				"not relayed", call->id, i);
			while (cm->ss[i].n)
				slot_drop(m, cm, i);
			n = 0;
		}
		b2b_media_flows_latch(st, f, n);
		for (int k = 0; k < n; k++) {
			/* even: A to B, sent out in B's realm; odd: B to A */
			const struct cfg_realm *to =
				st->leg[k & 1 ? B2B_SDP_A : B2B_SDP_B].realm;
			int rc;

			f[k].call_id = id;
			f[k].pair = cm->ss[i].slot[k ^ 1];
			f[k].out_port = out_port(call->ctx->cfg, to);
			rc = ft_flow_put(m->ft, cm->ss[i].slot[k], &f[k]);
			if (rc < 0)
				log_err("call %s: flow %u.%d not written: %s",
					call->id, i, k, strerror(-rc));
		}
		if (n)
			cm->ss[i].since_ns = now;
		OPENSSL_cleanse(f, sizeof(f));
	}
}

/* offer/answer ------------------------------------------------------------ */

/*
 * The offer or answer of a response or ACK cannot be used: hang up.  For
 * a request, answer it with the status of the table.
 */
static int refuse(struct b2b_call *call, struct b2b_leg *from,
		  bool request, int rc, const char *why)
{
	const char *phrase;
	int status = sdp_status(rc, &phrase);

	log_notice("call %s: SDP from leg %s refused (%d): %s", call->id,
		   from == &call->a ? "A" : "B", status, why);
	if (request) {
		nua_respond(from->nh, status, phrase,
			    NUTAG_WITH_THIS(from->realm->nua), TAG_END());
		return -1;
	}
	b2b_call_hangup(call, "bad SDP answer");
	return -1;
}

/* a failed re-offer: put the last agreed session back (sdp_rewrite.h) */
static void restore(struct b2b_call *call)
{
	struct b2b_call_media *cm = call->media;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char *out = NULL, why[B2B_SDP_ERR_MAX];
	int rc;

	cm->pending = -1;
	body_clear(&cm->offer);
	if (!cm->agreed_offer.s)
		return;
	rc = b2b_sdp_rewrite(cm->sdp, cm->agreed_side, B2B_SDP_OFFER,
			     cm->agreed_offer.s, cm->agreed_offer.len, home,
			     &out, why, sizeof(why));
	if (out)
		OPENSSL_cleanse(out, strlen(out));
	if (rc == 0)
		rc = b2b_sdp_rewrite(cm->sdp, !cm->agreed_side, B2B_SDP_ANSWER,
				     cm->agreed_answer.s,
				     cm->agreed_answer.len, home, &out, why,
				     sizeof(why));
	if (out)
		OPENSSL_cleanse(out, strlen(out));
	su_home_deinit(home);
	if (rc < 0) {
		log_err("call %s: media not restored after a failed offer: %s",
			call->id, why);
		return;
	}
	flows_write(call);
}

static sip_method_t method_of(enum b2b_media_msg msg, sip_t const *sip)
{
	if (msg == B2B_MEDIA_ACK)
		return sip_method_ack;
	if (msg == B2B_MEDIA_PRACK)
		return sip_method_prack;
	if (msg == B2B_MEDIA_REQUEST)
		return sip && sip->sip_request ? sip->sip_request->rq_method :
						 sip_method_unknown;
	return sip && sip->sip_cseq ? sip->sip_cseq->cs_method :
				      sip_method_unknown;
}

int b2b_media_body(struct b2b_call *call, struct b2b_leg *from,
		   enum b2b_media_msg msg, int status, sip_t const *sip,
		   tagi_t *tags, su_home_t *home)
{
	struct b2b_call_media *cm = call->media;
	int side = from == &call->a ? B2B_SDP_A : B2B_SDP_B;
	sip_method_t method = method_of(msg, sip);
	/* an 18x to the caller's INVITE, before the 2xx */
	bool early = msg == B2B_MEDIA_RESPONSE && status < 200 &&
		method == sip_method_invite && call->state == B2B_CALL_EARLY;
	/* the answer crosses leg A / leg B reliably (early_oa.h) */
	bool rel[2] = { msg == B2B_MEDIA_PRACK || (early && call->a_100rel),
			msg == B2B_MEDIA_PRACK ||
			(early && sip && sip->sip_rseq) };
	bool final = msg == B2B_MEDIA_ACK || msg == B2B_MEDIA_PRACK ||
		status >= 200;
	enum b2b_sdp_type type;
	const sip_payload_t *pl;
	char *out = NULL, why[B2B_SDP_ERR_MAX];
	tagi_t *t;
	int rc;

	if (method != sip_method_invite && method != sip_method_update &&
	    method != sip_method_ack && method != sip_method_prack)
		return 0;
	if (!cm || !cm->sdp || (msg == B2B_MEDIA_RESPONSE && status >= 300)) {
		body_drop(tags);
		if (cm && cm->sdp && cm->pending == !side)
			restore(call);
		return 0;
	}
	/* the INVITE's exchange is complete on both legs: the SDP a later
	 * 18x or the 2xx repeats is no new offer (RFC 3262 section 5), and
	 * the caller has its answer already */
	if (msg == B2B_MEDIA_RESPONSE && method == sip_method_invite &&
	    side == B2B_SDP_B && call->state == B2B_CALL_EARLY &&
	    call->early.done[B2B_SDP_A] && call->early.done[B2B_SDP_B]) {
		body_drop(tags);
		return 0;
	}
	t = tags ? tl_find(tags, siptag_payload) : NULL;
	if (!t)
		return 0;
	if (!is_sdp(tags)) {
		body_drop(tags);
		return 0;
	}
	pl = (const sip_payload_t *)t->t_value;
	type = msg != B2B_MEDIA_REQUEST && cm->pending == !side ?
		B2B_SDP_ANSWER : B2B_SDP_OFFER;
	if (early && type == B2B_SDP_ANSWER)
		final = b2b_early_completes(&call->early, rel);
	rc = b2b_sdp_rewrite(cm->sdp, side, type, pl->pl_data, pl->pl_len,
			     home, &out, why, sizeof(why));
	if (rc == 0 && type == B2B_SDP_OFFER)
		rc = body_set(&cm->offer, pl->pl_data, pl->pl_len);
	else if (rc == 0 && final)
		rc = body_set(&cm->agreed_answer, pl->pl_data, pl->pl_len);
	if (rc == 0)
		rc = body_set(&cm->sent[!side], out, strlen(out));
	if (rc == 0)
		rc = body_put(tags, home, out);
	else if (out)
		OPENSSL_cleanse(out, strlen(out));
	if (rc < 0) {
		if (rc == -ENOMEM)
			snprintf(why, sizeof(why), "out of memory");
		return refuse(call, from, msg == B2B_MEDIA_REQUEST ||
			      (msg == B2B_MEDIA_PRACK &&
			       type == B2B_SDP_OFFER), rc, why);
	}
	if (type == B2B_SDP_OFFER) {
		cm->pending = side;
		return 0;
	}
	flows_write(call);
	if (early || msg == B2B_MEDIA_PRACK)
		b2b_early_answer(&call->early, rel);
	if (final) {
		cm->agreed_side = !side;
		body_move(&cm->agreed_offer, &cm->offer);
		cm->pending = -1;
		/* a re-INVITE or UPDATE changed it: what a restart resumes */
		if (call->state == B2B_CALL_CONFIRMED)
			b2b_cdr_dialog_put(call);
	}
	return 0;
}

int b2b_media_pending(const struct b2b_call *call)
{
	return call->media ? call->media->pending : -1;
}

void b2b_media_offer_failed(struct b2b_call *call)
{
	if (call->media && call->media->sdp && call->media->pending >= 0)
		restore(call);
}

int b2b_media_call_new(struct b2b_call *call, sip_t const *sip)
{
	struct b2b_call_media *cm = calloc(1, sizeof(*cm));

	if (!cm)
		return -ENOMEM;
	cm->pending = -1;
	cm->agreed_side = -1;
	call->media = cm;
	if (sip && sip->sip_payload && sip->sip_content_type &&
	    sip->sip_content_type->c_type &&
	    !strcasecmp(sip->sip_content_type->c_type, "application/sdp"))
		return body_set(&cm->offer, sip->sip_payload->pl_data,
				sip->sip_payload->pl_len);
	return 0;
}

int b2b_media_invite(struct b2b_call *call, struct b2b_sip_realm *realm,
		     tagi_t *tags, su_home_t *home)
{
	struct b2b_ctx *ctx = call->ctx;
	struct b2b_media *m = ctx->media;
	struct b2b_call_media *cm = call->media;
	const struct cfg_realm *ra = call->a.realm->cfg;
	const struct b2b_sdp_leg a = { ra, m->ports[realm_index(ctx, ra)], 0 };
	const struct b2b_sdp_leg b = {
		realm->cfg, m->ports[realm_index(ctx, realm->cfg)], 0,
	};
	char *out = NULL, why[B2B_SDP_ERR_MAX] = "";
	const char *phrase;
	int rc = 0, status;

	if (!cm->sdp) {
		cm->sdp = b2b_sdp_state_new(&a, &b);
		if (!cm->sdp)
			rc = -errno;
	} else {
		/* another gateway: side B starts again, its flows go */
		rc = b2b_sdp_leg_set(cm->sdp, B2B_SDP_B, &b);
		if (rc == 0)
			flows_write(call);
	}
	cm->pending = -1;
	b2b_early_leg_reset(&call->early, B2B_SDP_B);
	if (rc == 0 && !cm->offer.s) {
		body_drop(tags);
		return 0;
	}
	if (rc == 0)
		rc = b2b_sdp_rewrite(cm->sdp, B2B_SDP_A, B2B_SDP_OFFER,
				     cm->offer.s, cm->offer.len, home, &out,
				     why, sizeof(why));
	if (rc == 0)
		rc = body_set(&cm->sent[B2B_SDP_B], out, strlen(out));
	if (rc == 0)
		rc = body_put(tags, home, out);
	else if (out)
		OPENSSL_cleanse(out, strlen(out));
	if (rc == 0) {
		cm->pending = B2B_SDP_A;
		return 0;
	}
	status = sdp_status(rc, &phrase);
	log_notice("call %s: offer refused (%d): %s", call->id, status,
		   why[0] ? why : strerror(-rc));
	b2b_call_answer_a(call, status, phrase, NULL);
	b2b_call_end(call, status == 488 ? "bad SDP offer" : phrase, "sbc");
	return -1;
}

void b2b_media_call_end(struct b2b_call *call)
{
	struct b2b_call_media *cm = call->media;
	struct b2b_media *m = call->ctx->media;

	if (!cm)
		return;
	for (unsigned i = 0; i < cm->n_ss; i++)
		while (cm->ss[i].n)
			slot_drop(m, cm, i);
	free(cm->ss);
	b2b_sdp_state_free(cm->sdp);
	body_clear(&cm->offer);
	body_clear(&cm->agreed_offer);
	body_clear(&cm->agreed_answer);
	body_clear(&cm->sent[0]);
	body_clear(&cm->sent[1]);
	free(cm);
	call->media = NULL;
}

/* restart ----------------------------------------------------------------- */

int b2b_media_save(const struct b2b_call *call, struct b2b_media_saved *ms,
		   const char *sent[2])
{
	const struct b2b_call_media *cm = call->media;
	const struct b2b_sdp_state *st = cm ? cm->sdp : NULL;

	memset(ms, 0, sizeof(*ms));
	sent[0] = sent[1] = NULL;
	if (!st || !cm->sent[0].s || !cm->sent[1].s)
		return -ENOENT;
	ms->n_streams = st->n_streams;
	ms->offerer = st->offerer;
	memcpy(ms->origin, st->origin, sizeof(ms->origin));
	if (st->n_streams)
		memcpy(ms->stream, st->stream,
		       st->n_streams * sizeof(*st->stream));
	for (unsigned i = 0; i < cm->n_ss && i < B2B_SDP_MAX_STREAMS; i++) {
		memcpy(ms->slot[i], cm->ss[i].slot, sizeof(ms->slot[i]));
		ms->n_slots[i] = cm->ss[i].n;
	}
	sent[0] = cm->sent[0].s;
	sent[1] = cm->sent[1].s;
	return 0;
}

/* the index of @ep's address among @r's media addresses, or -1 */
static int media_addr_index(const struct cfg_realm *r,
			    const struct ft_endpoint *ep)
{
	for (unsigned k = 0; k < r->n_media_addrs; k++) {
		const struct cfg_ip *ip = &r->media_addrs[k];
		bool v4 = ip->af == AF_INET;

		if (ep->family == (v4 ? FT_FAMILY_IPV4 : FT_FAMILY_IPV6) &&
		    !memcmp(ep->addr, &ip->u, v4 ? 4 : 16))
			return (int)k;
	}
	return -1;
}

/*
 * mark the ports of side @side of the adopted streams in use, on the
 * media address they were taken on (matched by value: the configuration
 * may list the addresses in another order now), which is the leg's again
 */
static int ports_adopt(struct b2b_sdp_state *st, int side)
{
	struct b2b_sdp_leg *leg = &st->leg[side];
	bool first = true;

	for (unsigned i = 0; i < st->n_streams; i++) {
		struct b2b_sdp_end *e = &st->stream[i].end[side];
		int k, rc;

		if (!e->local.port)
			continue;
		k = media_addr_index(leg->realm, &e->local);
		if (k >= 0 && first)
			leg->addr = (uint32_t)k;
		first = false;
		/* a leg's ports are on one address (sdp_rewrite.h) */
		rc = k < 0 ? -EADDRNOTAVAIL :
		     (uint32_t)k != leg->addr ? -EPROTO :
		     b2b_ports_reserve(b2b_port_pool_get(leg->ports, leg->addr),
				       e->local.port, e->local_rtcp != 0);
		if (rc < 0) {
			/* not ours to release: b2b_sdp_state_free() skips it */
			for (unsigned j = i; j < st->n_streams; j++)
				st->stream[j].end[side].local.port = 0;
			return rc;
		}
	}
	return 0;
}

/* one bit per flow-table slot held by a call; NULL out of memory */
static uint8_t *slots_held(const struct b2b_ctx *ctx)
{
	uint8_t *held = calloc(ft_capacity(ctx->media->ft) / 8 + 1, 1);
	const struct b2b_call *call;

	if (!held)
		return NULL;
	TAILQ_FOREACH(call, &ctx->calls->list, link) {
		const struct b2b_call_media *cm = call->media;

		for (unsigned i = 0; cm && i < cm->n_ss; i++)
			for (unsigned k = 0; k < cm->ss[i].n; k++)
				held[cm->ss[i].slot[k] / 8] |=
					(uint8_t)(1u << (cm->ss[i].slot[k] % 8));
	}
	return held;
}

static bool is_held(const uint8_t *held, uint32_t s)
{
	return held[s / 8] & (1u << (s % 8));
}

int b2b_media_adopt(struct b2b_call *call, const struct b2b_media_saved *ms,
		    const char *sent_a, const char *sent_b)
{
	struct b2b_ctx *ctx = call->ctx;
	struct b2b_media *m = ctx->media;
	const struct cfg_realm *ra = call->a.realm->cfg;
	const struct cfg_realm *rb = call->b.realm->cfg;
	const struct b2b_sdp_leg a = { ra, m->ports[realm_index(ctx, ra)], 0 };
	const struct b2b_sdp_leg b = { rb, m->ports[realm_index(ctx, rb)], 0 };
	struct b2b_call_media *cm;
	struct b2b_sdp_state *st;
	uint64_t now = mono_ns();
	int rc;

	uint8_t *held = slots_held(ctx);

	if (!held)
		return -ENOMEM;
	rc = 0;
	for (unsigned i = 0; rc == 0 && i < ms->n_streams; i++) {
		if (ms->stream[i].kind == B2B_SDP_MSRP)
			rc = -ENOTSUP;	/* the relay's sessions are gone */
		for (unsigned k = 0; rc == 0 && k < ms->n_slots[i]; k++)
			if (ms->slot[i][k] >= ft_capacity(m->ft) ||
			    is_held(held, ms->slot[i][k]))
				rc = -EBUSY;
	}
	free(held);
	if (rc == 0)
		rc = b2b_media_call_new(call, NULL);
	if (rc < 0)
		return rc;
	cm = call->media;
	st = cm->sdp = b2b_sdp_state_new(&a, &b);
	if (!st)
		return -errno;
	st->offerer = ms->offerer;
	memcpy(st->origin, ms->origin, sizeof(st->origin));
	rc = b2b_sdp_streams_adopt(st, ms->stream, ms->n_streams);
	if (rc == 0)
		rc = ports_adopt(st, B2B_SDP_A);
	if (rc == 0)
		rc = ports_adopt(st, B2B_SDP_B);
	if (rc == 0)
		rc = body_set(&cm->sent[B2B_SDP_A], sent_a, strlen(sent_a));
	if (rc == 0)
		rc = body_set(&cm->sent[B2B_SDP_B], sent_b, strlen(sent_b));
	if (rc < 0)
		return rc;
	if (slots_grow(cm, st->n_streams) < 0)
		return -ENOMEM;
	/* the dataplane kept forwarding with these slots: take them as they
	 * are, counters and latched sources included */
	for (unsigned i = 0; i < st->n_streams; i++) {
		struct ft_flow f;

		for (unsigned k = 0; k < ms->n_slots[i]; k++) {
			if (ft_flow_read(m->ft, ms->slot[i][k], &f, NULL) < 0)
				break;
			cm->ss[i].slot[k] = ms->slot[i][k];
			cm->ss[i].n++;
			m->flows++;
		}
		OPENSSL_cleanse(&f, sizeof(f));
		if (cm->ss[i].n != ms->n_slots[i])
			return -ENOENT;
		cm->ss[i].since_ns = now;
	}
	return 0;
}

const char *b2b_media_sent(const struct b2b_call *call, int side)
{
	return call->media ? call->media->sent[side].s : NULL;
}

void b2b_media_free_stale(struct b2b_ctx *ctx)
{
	struct b2b_media *m = ctx->media;
	uint8_t *held = slots_held(ctx);
	unsigned n = 0;

	if (!held) {
		log_err("flow table %s: out of memory: flows no call holds "
			"are kept", ctx->cfg->paths.flow_table);
		return;
	}
	for (uint32_t s = 0; s < ft_capacity(m->ft); s++) {
		struct ft_flow f;

		if (ft_flow_read(m->ft, s, &f, NULL) == 0 &&
		    !is_held(held, s) && ft_slot_free(m->ft, s) == 0)
			n++;
		OPENSSL_cleanse(&f, sizeof(f));
	}
	free(held);
	if (n)
		log_notice("flow table %s: freed %u flows no call holds",
			   ctx->cfg->paths.flow_table, n);
}

/* RTP timeout ----------------------------------------------------------- */

/*
 * When each leg's peer was last heard on the streams not on hold: its last
 * packet, or when the stream's flows were last written.  false when every
 * stream is on hold (or none is relayed): the call is not timed.
 */
static bool media_heard(const struct b2b_call *call, uint64_t heard[2])
{
	const struct b2b_call_media *cm = call->media;
	const struct ft *ft = call->ctx->media->ft;
	bool any = false;

	heard[0] = heard[1] = 0;
	/* slots are held only by streams below n_streams (flows_write()) */
	for (unsigned i = 0; i < cm->n_ss && i < cm->sdp->n_streams; i++) {
		const struct b2b_sdp_stream *s = &cm->sdp->stream[i];

		/* an MSRP session may be silent for as long as it likes */
		if (!cm->ss[i].n || s->end[0].hold || s->end[1].hold ||
		    s->kind == B2B_SDP_MSRP)
			continue;
		any = true;
		for (unsigned side = 0; side < 2; side++)
			if (cm->ss[i].since_ns > heard[side])
				heard[side] = cm->ss[i].since_ns;
		/* slot k receives from leg A's peer when k is even */
		for (unsigned k = 0; k < cm->ss[i].n; k++) {
			struct ft_stats st;

			if (ft_flow_stats(ft, cm->ss[i].slot[k], &st) == 0 &&
			    st.last_ns > heard[k & 1])
				heard[k & 1] = st.last_ns;
		}
	}
	return any;
}

/* hang up answered calls whose peer on one leg was silent too long */
static void sweep(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
	struct b2b_ctx *ctx = (struct b2b_ctx *)arg;
	uint64_t now = mono_ns();
	struct b2b_call *call, *next;

	(void)magic;
	(void)t;
	for (call = TAILQ_FIRST(&ctx->calls->list); call; call = next) {
		const struct b2b_sdp_state *st;
		uint64_t heard[2];
		uint32_t limit[2];
		char reason[64];
		int side;

		next = TAILQ_NEXT(call, link);
		if (call->ended || call->state != B2B_CALL_CONFIRMED ||
		    !call->media || !call->media->sdp ||
		    !media_heard(call, heard))
			continue;
		st = call->media->sdp;
		limit[B2B_SDP_A] = st->leg[B2B_SDP_A].realm->rtp_timeout;
		limit[B2B_SDP_B] = st->leg[B2B_SDP_B].realm->rtp_timeout;
		side = b2b_media_timed_out(limit, heard, now);
		if (side < 0)
			continue;
		log_notice("call %s: no media from leg %s (realm %s) for %u s: "
			   "hanging up", call->id, side == B2B_SDP_A ? "A" : "B",
			   st->leg[side].realm->name, limit[side]);
		snprintf(reason, sizeof(reason), "rtp timeout (%s)",
			 st->leg[side].realm->name);
		b2b_call_hangup(call, reason);
	}
}

/* life cycle -------------------------------------------------------------- */

/* whether some realm times its peers out (media_policy.h) */
static bool any_timeout(const struct cfg *cfg)
{
	for (unsigned i = 0; i < cfg->n_realms; i++)
		if (cfg->realms[i].rtp_timeout)
			return true;
	return false;
}

int b2b_media_init(struct b2b_ctx *ctx)
{
	const struct cfg *cfg = ctx->cfg;
	struct b2b_media *m = calloc(1, sizeof(*m));
	int rc;

	if (!m)
		return -ENOMEM;
	ctx->media = m;
	m->ft = ft_create_or_attach(cfg->paths.flow_table,
				    cfg->dp.flow_table_size, FT_ROLE_WRITER);
	if (!m->ft) {
		rc = -errno;
		log_err("flow table %s: %s", cfg->paths.flow_table,
			strerror(errno));
		goto err;
	}
	for (unsigned i = 0; i < cfg->n_realms; i++) {
		const struct cfg_realm *r = &cfg->realms[i];

		m->ports[i] = b2b_port_pool_new(r->n_media_addrs,
						r->media_port_min,
						r->media_port_max);
		if (!m->ports[i]) {
			rc = -errno;
			log_err("realm %s: media ports: %s", r->name,
				strerror(errno));
			goto err;
		}
	}
	if (any_timeout(cfg)) {
		m->sweep = su_timer_create(su_root_task(ctx->root), SWEEP_MS);
		if (!m->sweep ||
		    su_timer_run(m->sweep, sweep, (su_timer_arg_t *)ctx) < 0) {
			rc = -ENOMEM;
			goto err;
		}
	}
	return 0;
err:
	b2b_media_uninit(ctx);
	return rc;
}

void b2b_media_uninit(struct b2b_ctx *ctx)
{
	struct b2b_media *m = ctx->media;

	if (!m)
		return;
	su_timer_destroy(m->sweep);
	for (unsigned i = 0; i < CFG_MAX_REALMS; i++)
		b2b_port_pool_free(m->ports[i]);
	ft_detach(m->ft);
	free(m);
	ctx->media = NULL;
}
