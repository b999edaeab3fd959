/*
 * The calls table: creating calls under the global and per-peer limits,
 * ending them exactly once (CDR), freeing them once both legs' dialogs are
 * gone, and dispatching nua events on call handles to the leg A, leg B and
 * relay code.  See call.h for the overall picture.
 */
#include "call.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag_io.h>

#include "call_fork.h"
#include "call_media.h"
#include "call_restore.h"
#include "cdr.h"
#include "dialog_save.h"
#include "log.h"
#include "sbcd.h"
#include "sip.h"

int64_t b2b_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int b2b_calls_init(struct b2b_ctx *ctx)
{
	struct b2b_calls *calls = calloc(1, sizeof(*calls));

	if (!calls)
		return -ENOMEM;
	TAILQ_INIT(&calls->list);
	if (getrandom(&calls->seq, sizeof(calls->seq), 0) != sizeof(calls->seq))
		calls->seq = (uint32_t)time(NULL);
	ctx->calls = calls;
	return 0;
}

/* @peer's count of calls (FNV-1a of the name picks the bucket); created
 * when @create; NULL when there is none or no memory for it */
static struct b2b_peer_calls *peer_calls(struct b2b_calls *calls,
					 const char *peer, bool create)
{
	uint32_t h = 2166136261u;
	struct b2b_peer_calls *pc;

	for (const char *c = peer; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	h %= B2B_PEER_BUCKETS;
	LIST_FOREACH(pc, &calls->peer_calls[h], link)
		if (!strcmp(pc->peer, peer))
			return pc;
	if (!create || !(pc = calloc(1, sizeof(*pc))))
		return NULL;
	snprintf(pc->peer, sizeof(pc->peer), "%s", peer);
	LIST_INSERT_HEAD(&calls->peer_calls[h], pc, link);
	return pc;
}

void b2b_call_peer_set(struct b2b_call *call, const char *peer)
{
	struct b2b_peer_calls *pc;

	snprintf(call->a.peer, sizeof(call->a.peer), "%s", peer);
	if (!call->a.peer[0])
		return;
	pc = peer_calls(call->ctx->calls, call->a.peer, true);
	if (pc)
		pc->active++;
	else	/* the limit then cannot count this call */
		log_warn("call %s: not counted for peer %s: out of memory",
			 call->id, call->a.peer);
}

/* the end of a call counted by b2b_call_peer_set() */
static void peer_call_ended(struct b2b_calls *calls, const char *peer)
{
	struct b2b_peer_calls *pc = peer_calls(calls, peer, false);

	if (!pc)
		return;
	if (--pc->active == 0) {
		LIST_REMOVE(pc, link);
		free(pc);
	}
}

static void call_free(struct b2b_call *call)
{
	struct b2b_calls *calls = call->ctx->calls;

	b2b_call_timer_stop(call);
	b2b_fork_release(call);
	b2b_credit_call_stop(call);
	b2b_acct_policy_stop(call);
	b2b_media_call_end(call);
	if (!call->ended && call->a.peer[0])
		peer_call_ended(calls, call->a.peer);
	if (call->a.has_saved)
		nua_destroy_event(call->a.saved);
	if (call->b.has_saved)
		nua_destroy_event(call->b.saved);
	TAILQ_REMOVE(&calls->list, call, link);
	b2b_call_setup_done(call);
	su_home_unref(call->home);
	free(call);
}

void b2b_calls_uninit(struct b2b_ctx *ctx)
{
	struct b2b_calls *calls = ctx->calls;
	struct b2b_peer_calls *pc;
	struct b2b_call *call;

	if (!calls)
		return;
	while ((call = TAILQ_FIRST(&calls->list))) {
		if (call->a.nh)
			nua_handle_destroy(call->a.nh);
		if (call->b.nh)
			nua_handle_destroy(call->b.nh);
		call_free(call);
	}
	for (unsigned i = 0; i < B2B_PEER_BUCKETS; i++)
		while ((pc = LIST_FIRST(&calls->peer_calls[i]))) {
			LIST_REMOVE(pc, link);
			free(pc);
		}
	free(calls);
	ctx->calls = NULL;
}

/* One more call in the window of second @now; false when over @max (0 = no limit). */
static bool rate_take(int64_t *sec, unsigned *count, int64_t now, uint32_t max)
{
	if (*sec != now) {
		*sec = now;
		*count = 0;
	}
	if (max && *count >= max)
		return false;
	(*count)++;
	return true;
}

/* The peer's window: its own slot, or the stalest one, reused. */
static struct b2b_peer_rate *peer_rate(struct b2b_calls *calls,
				       const char *peer)
{
	struct b2b_peer_rate *oldest = &calls->rates[0];

	for (unsigned i = 0; i < B2B_PEER_RATES; i++) {
		struct b2b_peer_rate *r = &calls->rates[i];

		if (!strcmp(r->peer, peer))
			return r;
		if (r->sec < oldest->sec)
			oldest = r;
	}
	snprintf(oldest->peer, sizeof(oldest->peer), "%s", peer);
	oldest->sec = 0;
	oldest->count = 0;
	return oldest;
}

const char *b2b_call_admit(struct b2b_ctx *ctx, const struct store_peer *peer)
{
	struct b2b_calls *calls = ctx->calls;
	const struct cfg_limits *lim = &ctx->cfg->limits;
	int64_t now = b2b_now_ms() / 1000;
	struct b2b_peer_calls *pc;
	struct b2b_peer_rate *r;

	if (calls->n_active >= lim->max_calls)
		return "Too Many Calls";
	if (peer->max_calls) {
		pc = peer_calls(calls, peer->name, false);
		if (pc && pc->active >= peer->max_calls)
			return "Peer Call Limit";
	}
	r = peer_rate(calls, peer->name);
	if (peer->max_cps && r->sec == now && r->count >= peer->max_cps)
		return "Peer Call Rate";
	if (!rate_take(&calls->cps_sec, &calls->cps_count, now, lim->max_cps))
		return "Call Rate";
	rate_take(&r->sec, &r->count, now, 0);
	return NULL;
}

struct b2b_call *b2b_call_new(struct b2b_ctx *ctx)
{
	struct b2b_calls *calls = ctx->calls;
	struct b2b_call *call = calloc(1, sizeof(*call));
	uint16_t rnd = 0;

	if (!call || !(call->home = su_home_new(sizeof(su_home_t)))) {
		free(call);
		errno = ENOMEM;
		return NULL;
	}
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = 0;
	calls->seq++;
	snprintf(call->id, sizeof(call->id), "c%08x%04x", calls->seq,
		 (unsigned)rnd);
	call->ctx = ctx;
	call->a.call = call;
	call->b.call = call;
	call->state = B2B_CALL_EARLY;
	call->setup_ms = b2b_now_ms();
	TAILQ_INSERT_TAIL(&calls->list, call, link);
	calls->n_active++;
	calls->total++;
	return call;
}

su_home_t *b2b_call_setup_home(struct b2b_call *call)
{
	if (!call->setup)
		call->setup = su_home_new(sizeof(su_home_t));
	return call->setup;
}

void b2b_call_setup_done(struct b2b_call *call)
{
	call->a_tags = NULL;
	call->last_tags = NULL;
	su_home_unref(call->setup);
	call->setup = NULL;
}

int b2b_call_gateways(struct b2b_call *call, unsigned n)
{
	unsigned slots = n ? n : 1;
	char (*gws)[STORE_GW_MAX] = NULL;
	struct b2b_attempt *at;

	if (n > STORE_ROUTE_GWS)
		return -EINVAL;
	if (n && !(gws = su_zalloc(call->home, n * sizeof(*gws))))
		return -ENOMEM;
	at = su_zalloc(call->home, slots * sizeof(*at));
	if (!at) {
		su_free(call->home, gws);
		return -ENOMEM;
	}
	su_free(call->home, call->gateways);
	su_free(call->home, call->attempts);
	call->gateways = gws;
	call->n_gateways = n;
	call->attempts = at;
	call->max_attempts = slots;
	call->n_attempts = 0;
	call->next_gateway = 0;
	return 0;
}

struct b2b_call *b2b_call_find(struct b2b_ctx *ctx, const char *id)
{
	struct b2b_call *call;

	TAILQ_FOREACH(call, &ctx->calls->list, link)
		if (!call->ended && !strcmp(call->id, id))
			return call;
	return NULL;
}

void b2b_call_end(struct b2b_call *call, const char *reason, const char *side)
{
	struct b2b_calls *calls = call->ctx->calls;

	if (call->ended)
		return;
	call->ended = true;
	call->state = B2B_CALL_TERMINATING;
	call->end_ms = b2b_now_ms();
	b2b_call_timer_stop(call);
	/* forks still ringing are CANCELled first, so the CDR says 487 */
	b2b_fork_cancel(call);
	b2b_credit_call_stop(call);
	b2b_acct_policy_stop(call);
	snprintf(call->reason, sizeof(call->reason), "%s", reason);
	snprintf(call->side, sizeof(call->side), "%s", side);
	calls->n_active--;
	if (call->a.peer[0])
		peer_call_ended(calls, call->a.peer);
	if (!call->answer_ms)
		calls->failed++;
	log_info("call %s ended: %s (%s)", call->id, reason, side);
	b2b_cdr_write(call);
	b2b_media_call_end(call);
}

static void call_maybe_free(struct b2b_call *call)
{
	if (call->ended && !call->a.nh && !call->b.nh && !b2b_fork_live(call))
		call_free(call);
}

void b2b_leg_release(struct b2b_leg *leg)
{
	if (leg->nh) {
		nua_handle_bind(leg->nh, NULL);
		nua_handle_destroy(leg->nh);
		leg->nh = NULL;
	}
	call_maybe_free(leg->call);
}

const char *b2b_call_phrase(struct b2b_call *call, const char *phrase)
{
	return phrase ? su_strdup(call->home, phrase) : NULL;
}

struct b2b_leg *b2b_leg_other(struct b2b_leg *leg)
{
	struct b2b_call *call = leg->call;

	return leg == &call->a ? &call->b : &call->a;
}

/* Responses to INVITE on a leg: the initial INVITE of leg B, or relayed. */
static void on_invite_response(struct b2b_leg *leg, int status,
			       const char *phrase, sip_t const *sip)
{
	struct b2b_call *call = leg->call;

	if (status >= 200 && status < 300)
		leg->need_ack = true;
	/* before leg B answered, only the initial INVITE has responses
	 * there: an early UPDATE relayed to it may be pending meanwhile */
	if (leg == &call->b && !call->b.answered)
		b2b_call_b_response(call, status, phrase, sip);
	else
		b2b_call_relay_response(leg, status, phrase, sip);
	/* once its body went on: a reliable 18x PRACKed, per leg (RFC 3262),
	 * Allow noted (call_early.c); a failure may have freed the call's
	 * leg B, an 18x or 2xx never does */
	if (status > 100 && status < 300)
		b2b_call_early_response(leg, status, sip);
}

/*
 * nta marks the responses it makes up itself with this parser flag
 * (NTA_INTERNAL_MSG in Sofia-SIP's private nta_internal.h); nua hands them
 * on as if received, e.g. a 503 when a TCP or TLS connection is refused.
 */
#define NTA_INTERNAL_FLAG (1 << 15)

/*
 * A response Sofia-SIP made up itself (no message, or one nta flagged) to
 * an in-dialog request on a confirmed leg: 503 is a transport error, 408
 * no answer at all.  The leg's peer or its connection is gone (RFC 5057 section 5.1; for a session
 * refresh, RFC 4028 section 10).
 */
static void check_lost(struct b2b_leg *leg, int status, sip_t const *sip)
{
	if ((sip && !(sip->sip_flags & NTA_INTERNAL_FLAG)) ||
	    !leg->answered || leg->call->ended)
		return;
	if (status == 503)
		b2b_call_leg_lost(leg, "transport failure", true);
	else if (status == 408)
		b2b_call_leg_lost(leg, "no response in dialog", true);
}

void b2b_call_event(struct b2b_sip_realm *realm, nua_event_t event,
		    int status, char const *phrase, nua_handle_t *nh,
		    struct b2b_leg *leg, sip_t const *sip, tagi_t tags[])
{
	int state = -1;

	if (!leg) {
		if (event == nua_i_invite)
			b2b_call_incoming(realm, nh, sip);
		else if (event == nua_i_refer && status < 200)
			/* a REFER outside a call has nothing to transfer */
			nua_respond(nh, SIP_403_FORBIDDEN,
				    NUTAG_WITH_THIS(realm->nua), TAG_END());
		if (event != nua_i_invite && nh)
			nua_handle_destroy(nh);
		return;
	}
	b2b_dialog_note(leg, event, status, sip);
	if (event == nua_r_invite && leg->restoring) {
		b2b_restore_response(leg, status);
		return;
	}
	if (leg->fork) {	/* a parallel fork still on its own */
		b2b_fork_event(leg, event, status, phrase, sip, tags);
		return;
	}
	switch (event) {
	case nua_r_invite:
		on_invite_response(leg, status, phrase, sip);
		check_lost(leg, status, sip);
		break;
	case nua_r_refer:
		/* refused there: no NOTIFY will come for the referrer */
		if (status >= 300)
			b2b_leg_other(leg)->refer_event = NULL;
		/* FALLTHROUGH */
	case nua_r_update:
	case nua_r_info:
	case nua_r_message:
		b2b_call_relay_response(leg, status, phrase, sip);
		check_lost(leg, status, sip);
		break;
	case nua_r_bye:
		/* sbcd sends BYE only once the call has ended: a BYE of a
		 * live call is nua's own, before the session expires */
		if (!leg->call->ended)
			b2b_call_leg_lost(leg, "session timer expired", false);
		break;
	case nua_i_invite:
	case nua_i_update:
	case nua_i_info:
	case nua_i_message:
		b2b_call_relay_request(leg, event, sip);
		break;
	case nua_i_prack:
		b2b_call_prack(leg, status, sip);
		break;
	case nua_i_refer:
		b2b_call_refer(leg, status, sip, tags);
		break;
	case nua_i_notify:
		b2b_call_notify(leg, sip, tags);
		break;
	case nua_i_ack:
		b2b_call_ack(leg, sip);
		break;
	case nua_i_bye:
		b2b_call_bye(leg);
		break;
	case nua_i_cancel:
		if (leg == &leg->call->a)
			b2b_call_cancel(leg->call);
		break;
	case nua_i_state:
		tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
		if (state == nua_callstate_terminated)
			b2b_call_terminated(leg);
		break;
	case nua_i_terminated:
		b2b_call_terminated(leg);
		break;
	default:
		break;
	}
}

static bool no_calls(void *arg)
{
	struct b2b_calls *calls = arg;

	return TAILQ_EMPTY(&calls->list);
}

void b2b_calls_shutdown(struct b2b_ctx *ctx, unsigned ms)
{
	struct b2b_calls *calls = ctx->calls;
	struct b2b_call *call, *next;

	TAILQ_FOREACH(call, &calls->list, link)
		b2b_call_hangup(call, "shutdown");
	if (!b2b_sip_wait(ctx, no_calls, calls, ms))
		log_warn("calls still being torn down after %u ms", ms);
	for (call = TAILQ_FIRST(&calls->list); call; call = next) {
		next = TAILQ_NEXT(call, link);
		b2b_call_end(call, "shutdown", "sbc");
		b2b_fork_release(call);
		if (call->b.nh)
			b2b_leg_release(&call->b);
		if (call->a.nh)
			b2b_leg_release(&call->a);
	}
}
