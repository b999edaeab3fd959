/*
 * Parallel forking of a call to a subscriber's registered contacts: one
 * leg-B handle per contact, all INVITEd at once, the first 2xx becomes
 * leg B, the others are CANCELled; when all fail, the best response goes
 * to the caller (fork_pick.h).  See call_fork.h for the rules.
 */
#include "call_fork.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>

#include "call.h"
#include "fork_pick.h"
#include "hide.h"
#include "log.h"
#include "registrar.h"
#include "route.h"
#include "sbcd.h"
#include "sip.h"

struct b2b_fork {
	struct b2b_leg leg;		/* its handle's magic */
	struct b2b_forks *set;
	unsigned attempt;		/* its entry in call->attempts */
	su_timer_t *timer;		/* no response yet */
	int status;			/* final (487 once CANCELled), 0 while
					 * pending */
	const char *phrase;		/* of its final failure, call->home */
	tagi_t *tags;			/* its allowed headers, without body */
	sip_payload_t *early;		/* the answer of its 18x, not relayed */
	sip_content_type_t *early_type;
};

struct b2b_forks {
	struct b2b_call *call;
	struct b2b_fork fork[B2B_REG_TARGETS];
	unsigned n;
	int early;			/* fork whose early SDP the caller has,
					 * -1 for none yet */
	bool decided;			/* a fork won, a 6xx came, all failed
					 * or the call ended: nothing more
					 * reaches the caller from the forks */
};

bool b2b_fork_wanted(const struct b2b_call *call)
{
	const char *realm;
	const struct cfg_realm *r;

	if (!call->targets || call->n_gateways < 2)
		return false;
	realm = call->targets[0].realm;
	r = cfg_realm_find(call->ctx->cfg, realm);
	if (!r || r->forking != CFG_FORK_PARALLEL)
		return false;
	for (unsigned i = 1; i < call->n_gateways; i++)
		if (strcmp(call->targets[i].realm, realm)) {
			log_info("call %s: contacts of %s in several realms: "
				 "tried one after the other", call->id,
				 call->targets[0].aor);
			return false;
		}
	return true;
}

static void timer_stop(struct b2b_fork *f)
{
	if (f->timer) {
		su_timer_destroy(f->timer);
		f->timer = NULL;
	}
}

static unsigned fork_index(const struct b2b_fork *f)
{
	return (unsigned)(f - f->set->fork);
}

static void fork_status(struct b2b_fork *f, int status)
{
	f->status = status;
	f->set->call->attempts[f->attempt].status = status;
}

/* @sip without its body, for an 18x or a failure that keeps none. */
static sip_t const *bodiless(sip_t const *sip, sip_t *copy)
{
	if (!sip)
		return NULL;
	*copy = *sip;
	copy->sip_payload = NULL;
	copy->sip_content_type = NULL;
	return copy;
}

static bool has_sdp(sip_t const *sip)
{
	return sip && sip->sip_payload && sip->sip_payload->pl_len &&
	       sip->sip_content_type && sip->sip_content_type->c_type &&
	       !strcasecmp(sip->sip_content_type->c_type, "application/sdp");
}

/* The caller gets failure @f (the best, or a 6xx); the call is over. */
static void fail_caller(struct b2b_forks *set, const struct b2b_fork *f)
{
	struct b2b_call *call = set->call;
	int status = b2b_fork_caller_status(f->status);
	char reason[16];

	set->decided = true;
	log_info("call %s: every contact failed, the caller gets %d",
		 call->id, status);
	if (status == f->status)
		b2b_call_answer_a(call, status, f->phrase, f->tags);
	else
		b2b_call_answer_a(call, status, NULL, NULL);
	snprintf(reason, sizeof(reason), "%d", status);
	b2b_call_end(call, reason, "callee");
}

/* Every fork has its final status: the best failure goes to the caller. */
static void settle(struct b2b_forks *set)
{
	int status[B2B_REG_TARGETS];
	int best;

	if (set->decided || set->call->ended)
		return;
	for (unsigned i = 0; i < set->n; i++) {
		if (!set->fork[i].status)
			return;
		status[i] = set->fork[i].status;
	}
	best = b2b_fork_best(status, set->n);
	if (best < 0) {
		set->decided = true;
		b2b_call_answer_a(set->call, SIP_503_SERVICE_UNAVAILABLE, NULL);
		b2b_call_end(set->call, "no contact", "sbc");
		return;
	}
	fail_caller(set, &set->fork[best]);
}

/* Release @f's handle; the call may be freed with it. */
static void fork_drop(struct b2b_fork *f)
{
	timer_stop(f);
	b2b_leg_release(&f->leg);
}

static void on_timeout(su_root_magic_t *magic, su_timer_t *t,
		       su_timer_arg_t *arg)
{
	struct b2b_fork *f = (struct b2b_fork *)arg;
	struct b2b_forks *set = f->set;
	struct b2b_call *call = set->call;

	(void)magic;
	(void)t;
	timer_stop(f);
	log_notice("call %s: contact %s silent for %u ms, given up", call->id,
		   call->attempts[f->attempt].gateway, B2B_ATTEMPT_TIMEOUT_MS);
	fork_status(f, 408);
	f->phrase = NULL;
	f->tags = NULL;
	nua_cancel(f->leg.nh, TAG_END());
	/* the call keeps its other forks, so it is not freed here */
	fork_drop(f);
	settle(set);
}

void b2b_fork_start(struct b2b_call *call)
{
	struct b2b_forks *set = su_zalloc(call->home, sizeof(*set));
	char from[STORE_URI_MAX];
	tagi_t *tags = NULL;

	if (!set) {
		b2b_call_answer_a(call, SIP_500_INTERNAL_SERVER_ERROR, NULL);
		b2b_call_end(call, "out of memory", "sbc");
		return;
	}
	set->call = call;
	set->early = -1;
	call->forks = set;
	call->next_gateway = call->n_gateways;
	for (unsigned i = 0; i < call->n_gateways; i++) {
		struct b2b_fork *f = &set->fork[set->n];
		struct b2b_sip_realm *realm;
		struct store_peer sub;
		struct b2b_gateway gw;

		if (b2b_subscriber_hop(call, i, &gw, &sub, &realm) < 0)
			continue;
		if (gw.transport == CFG_TRANSPORT_TLS && !realm->tls) {
			log_warn("call %s: %s is tls but realm %s has no tls "
				 "socket: skipped", call->id,
				 call->gateways[i], realm->cfg->name);
			continue;
		}
		/* one offer for every fork: the SBC's ports in that realm */
		if (!tags) {
			tags = b2b_call_b_offer(call, &sub, realm, from,
						sizeof(from));
			if (!tags)
				break;
		}
		if (b2b_call_b_invite(call, &f->leg, call->gateways[i], &gw,
				      &sub, realm, &call->targets[i], from,
				      tags) < 0) {
			log_err("call %s: could not send INVITE to %s",
				call->id, call->gateways[i]);
			continue;
		}
		f->leg.fork = f;
		f->set = set;
		f->attempt = call->n_attempts - 1;
		f->timer = su_timer_create(su_root_task(call->ctx->root),
					   B2B_ATTEMPT_TIMEOUT_MS);
		if (f->timer)
			su_timer_set(f->timer, on_timeout, (su_timer_arg_t *)f);
		set->n++;
	}
	if (call->ended)	/* the offer was refused: the caller has 4xx */
		return;
	if (set->n) {
		snprintf(call->b.peer, sizeof(call->b.peer), "%s",
			 set->fork[0].leg.peer);
		log_info("call %s: forked to %u contacts", call->id, set->n);
		return;
	}
	set->decided = true;
	b2b_call_answer_a(call, SIP_503_SERVICE_UNAVAILABLE, NULL);
	b2b_call_end(call, "no contact", "sbc");
}

/*
 * @f answered 2xx first: it becomes leg B, the others are CANCELled, and
 * its answer (or that of its 18x) sets the flows on the way to the caller.
 */
static void win(struct b2b_fork *f, int status, const char *phrase,
		sip_t const *sip)
{
	struct b2b_forks *set = f->set;
	struct b2b_call *call = set->call;
	sip_t copy;

	timer_stop(f);
	fork_status(f, status);
	set->decided = true;
	call->b = f->leg;
	call->b.fork = NULL;
	call->b.need_ack = true;
	nua_handle_bind(call->b.nh, &call->b);
	f->leg.nh = NULL;
	log_info("call %s: contact %s answered; the other forks are cancelled",
		 call->id, call->attempts[f->attempt].gateway);
	b2b_fork_cancel(call);
	if (sip && !sip->sip_payload && f->early &&
	    set->early != (int)fork_index(f)) {
		copy = *sip;
		copy.sip_payload = f->early;
		copy.sip_content_type = f->early_type;
		sip = &copy;
	}
	b2b_call_b_answered(call, status, phrase, sip);
}

/* A final failure from pending fork @f. */
static void failed(struct b2b_fork *f, int status, const char *phrase,
		   sip_t const *sip)
{
	struct b2b_forks *set = f->set;
	struct b2b_call *call = set->call;
	sip_t copy;

	timer_stop(f);
	fork_status(f, status);
	f->phrase = b2b_call_phrase(call, phrase);
	f->tags = sip ? b2b_hide_tags(call->home, bodiless(sip, &copy)) :
			NULL;
	log_info("call %s: contact %s answered %d", call->id,
		 call->attempts[f->attempt].gateway, status);
	if (status >= 600) {
		/* RFC 3261 section 16.7 step 5: no other fork may win now;
		 * the end of the call CANCELs them */
		fail_caller(set, f);
		return;
	}
	settle(set);
}

/* An 18x from pending fork @f: to the caller, with its SDP if it is the
 * first fork that sent any (call_fork.h). */
static void provisional(struct b2b_fork *f, int status, const char *phrase,
			sip_t const *sip)
{
	struct b2b_forks *set = f->set;
	struct b2b_call *call = set->call;
	int i = (int)fork_index(f);
	sip_t copy;

	if (has_sdp(sip) && set->early < 0)
		set->early = i;
	if (has_sdp(sip) && set->early != i) {
		if (!f->early) {
			f->early = sip_payload_dup(call->home,
						   sip->sip_payload);
			f->early_type = sip_content_type_dup(call->home,
						sip->sip_content_type);
		}
		sip = bodiless(sip, &copy);
	}
	b2b_call_b_relay(call, status, phrase, sip);
}

/*
 * PRACK a reliable 18x of @f (RFC 3262 section 4) at once and without a
 * body: the fork's INVITE had the offer (100rel is asked for only then,
 * call_b.c), so the 18x brings at most the answer.
 */
static void prack(struct b2b_fork *f, sip_t const *sip)
{
	char rack[48];

	if (!f->leg.nh || !sip->sip_cseq)
		return;
	/* RAck: response-num CSeq-num Method (RFC 3262 section 7.2) */
	snprintf(rack, sizeof(rack), "%lu %lu INVITE",
		 (unsigned long)sip->sip_rseq->rs_response,
		 (unsigned long)sip->sip_cseq->cs_seq);
	nua_prack(f->leg.nh, SIPTAG_RACK_STR(rack), TAG_END());
}

/* A response to fork @f's INVITE. */
static void response(struct b2b_fork *f, int status, const char *phrase,
		     sip_t const *sip)
{
	struct b2b_forks *set = f->set;
	struct b2b_call *call = set->call;

	if (f->status || set->decided || call->ended) {
		/* lost or CANCELled: a late 2xx is ACKed and BYEd
		 * (RFC 3261 section 13.2.2.4); the rest waits for the end */
		if (status >= 200 && status < 300 && f->leg.nh) {
			log_info("call %s: contact %s answered late: BYE",
				 call->id, call->attempts[f->attempt].gateway);
			nua_ack(f->leg.nh, TAG_END());
			nua_bye(f->leg.nh, TAG_END());
		}
		return;
	}
	timer_stop(f);
	if (status > 100 && status < 200 && sip && sip->sip_rseq)
		prack(f, sip);
	if (status < 200) {
		if (status > 100)
			provisional(f, status, phrase, sip);
		return;
	}
	if (status < 300)
		win(f, status, phrase, sip);
	else
		failed(f, status, phrase, sip);
}

void b2b_fork_event(struct b2b_leg *leg, nua_event_t event, int status,
		    char const *phrase, sip_t const *sip, tagi_t tags[])
{
	struct b2b_fork *f = leg->fork;
	int state = -1;

	switch (event) {
	case nua_r_invite:
		response(f, status, phrase, sip);
		break;
	case nua_i_invite:
	case nua_i_update:
	case nua_i_info:
	case nua_i_message:
	case nua_i_refer:
		/* nothing crosses to the caller before a fork won */
		if (status < 200 && leg->nh)
			nua_respond(leg->nh, 500, "Not Relayed",
				    NUTAG_WITH_THIS(leg->realm->nua),
				    SIPTAG_RETRY_AFTER_STR("1"), TAG_END());
		break;
	case nua_i_state:
		tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
		if (state == nua_callstate_terminated)
			fork_drop(f);
		break;
	case nua_i_terminated:
		fork_drop(f);
		break;
	default:
		break;
	}
}

void b2b_fork_cancel(struct b2b_call *call)
{
	struct b2b_forks *set = call->forks;

	if (!set)
		return;
	set->decided = true;
	for (unsigned i = 0; i < set->n; i++) {
		struct b2b_fork *f = &set->fork[i];

		timer_stop(f);
		if (!f->leg.nh || f->status)
			continue;
		nua_cancel(f->leg.nh, TAG_END());
		fork_status(f, 487);
	}
}

bool b2b_fork_live(const struct b2b_call *call)
{
	const struct b2b_forks *set = call->forks;

	for (unsigned i = 0; set && i < set->n; i++)
		if (set->fork[i].leg.nh)
			return true;
	return false;
}

void b2b_fork_release(struct b2b_call *call)
{
	struct b2b_forks *set = call->forks;

	for (unsigned i = 0; set && i < set->n; i++) {
		struct b2b_fork *f = &set->fork[i];

		timer_stop(f);
		if (f->leg.nh) {
			nua_handle_bind(f->leg.nh, NULL);
			nua_handle_destroy(f->leg.nh);
			f->leg.nh = NULL;
		}
	}
}
