/*
 * Account policy on calls (account_policy.h): the admission check of a
 * call from and to an account, the maximum-duration timer of an answered
 * call, and the month usage added in the transaction of its CDR.
 */
#include "account_policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/sip_status.h>

#include "call.h"
#include "callerid.h"
#include "log.h"
#include "registrar.h"
#include "sbcd.h"

/* Answer the caller with a final failure and end the call. */
static void refuse(struct b2b_call *call, const struct b2b_acct_verdict *v)
{
	b2b_call_answer_a(call, v->status, v->phrase, NULL);
	b2b_call_end(call, v->reason, "sbc");
}

/* Live calls from or to account @id, @self left out. */
static unsigned active_calls(const struct b2b_call *self, const char *id)
{
	const struct b2b_call *c;
	unsigned n = 0;

	TAILQ_FOREACH(c, &self->ctx->calls->list, link) {
		if (c == self || c->ended)
			continue;
		if (!strcmp(c->account, id) ||
		    (c->targets && !strcmp(c->targets[0].aor, id)))
			n++;
	}
	return n;
}

/* The callee's account of a call to a registered subscriber. */
static int callee_get(struct b2b_call *call, struct store_account *out)
{
	struct store_txn *txn = store_txn_begin(call->ctx->store, false);
	int rc;

	if (!txn)
		return -errno;
	rc = store_account_get(txn, call->targets[0].aor, out);
	store_txn_abort(txn);
	return rc;
}

int b2b_acct_policy_admit(struct b2b_call *call,
			  const struct store_account *acct)
{
	bool emergency = call->cid && call->cid->emergency;
	int64_t now = b2b_now_ms();
	struct b2b_acct_verdict v = { 0 };
	struct store_account callee;
	int rc;

	if (acct) {
		v = b2b_acct_policy_outgoing(acct, call->number,
					     call->targets != NULL, emergency,
					     active_calls(call, acct->id), now);
		if (v.status) {
			log_notice("call %s: account %s to %s refused: %s",
				   call->id, acct->id, call->number, v.reason);
			refuse(call, &v);
			return -1;
		}
	}
	call->policy.max_s = b2b_acct_policy_duration(
		acct ? acct->max_duration_s : 0,
		call->ctx->cfg->timers.max_call_duration, emergency);
	if (!call->targets)
		return 0;
	rc = callee_get(call, &callee);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0) {
		log_err("call %s: account of %s: %s", call->id,
			call->targets[0].aor, strerror(-rc));
		b2b_call_answer_a(call, SIP_500_INTERNAL_SERVER_ERROR, NULL);
		b2b_call_end(call, "policy error", "sbc");
		return -1;
	}
	v = b2b_acct_policy_incoming(&callee, call->caller,
				     active_calls(call, callee.id), now);
	if (v.status) {
		log_notice("call %s: from %s to account %s refused: %s",
			   call->id, call->caller, callee.id, v.reason);
		refuse(call, &v);
		return -1;
	}
	return 0;
}

static void on_duration(su_root_magic_t *magic, su_timer_t *t,
			su_timer_arg_t *arg)
{
	struct b2b_call *call = (struct b2b_call *)arg;

	(void)magic;
	(void)t;
	log_notice("call %s: maximum duration of %u s reached", call->id,
		   call->policy.max_s);
	b2b_call_hangup(call, B2B_ACCT_POLICY_DURATION_REASON);
}

void b2b_acct_policy_answered(struct b2b_call *call)
{
	struct b2b_call_policy *p = &call->policy;

	if (!p->max_s || call->ended || p->timer)
		return;
	p->timer = su_timer_create(su_root_task(call->ctx->root), 0);
	if (!p->timer ||
	    su_timer_set_interval(p->timer, on_duration, (su_timer_arg_t *)call,
				  (su_duration_t)p->max_s * 1000) < 0) {
		log_err("call %s: no duration timer: hung up", call->id);
		b2b_call_hangup(call, "policy error");
	}
}

void b2b_acct_policy_stop(struct b2b_call *call)
{
	if (call->policy.timer) {
		su_timer_destroy(call->policy.timer);
		call->policy.timer = NULL;
	}
}

int b2b_acct_policy_settle(struct b2b_call *call, struct store_txn *txn,
			   int64_t duration_ms)
{
	struct store_account a;
	int rc;

	if (!call->account[0] || duration_ms <= 0)
		return 0;
	rc = store_account_get(txn, call->account, &a);
	if (rc == -ENOENT)
		return 0;
	if (rc == 0)
		rc = b2b_acct_policy_usage_add(&a, b2b_acct_policy_month(
						       call->end_ms),
					       duration_ms);
	if (rc == 0)
		rc = store_account_put(txn, &a);
	/* a record that cannot be read or written back (corrupt) must not
	 * cost the CDR and the debit of the same transaction */
	if (rc == -EPROTO || rc == -EINVAL) {
		log_warn("call %s: month usage of %s not counted: %s",
			 call->id, call->account, strerror(-rc));
		return 0;
	}
	return rc;
}
