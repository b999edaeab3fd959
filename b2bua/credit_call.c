/*
 * Prepaid calls (credit_call.h): the credit check at admission, the
 * reservation and cut-off timer at answer, and the debit at the end,
 * made in the transaction that writes the CDR.
 */
#include "credit_call.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/sip_status.h>

#include "call.h"
#include "credit.h"
#include "credit_checkpoint.h"
#include "log.h"
#include "message.h"
#include "money.h"
#include "rating.h"
#include "sbcd.h"
#include "sip.h"

/* Answer the caller with a final failure and end the call. */
static void refuse(struct b2b_call *call, int status, const char *phrase,
		   const char *reason)
{
	b2b_call_answer_a(call, status, phrase, NULL);
	b2b_call_end(call, reason, "sbc");
}

/* The account's balance, read in its own transaction. */
static int balance_get(struct b2b_call *call, int64_t *out)
{
	struct store_txn *txn = store_txn_begin(call->ctx->store, false);
	struct store_account a;
	int rc;

	if (!txn)
		return -errno;
	rc = store_account_get(txn, call->account, &a);
	store_txn_abort(txn);
	if (rc == 0)
		*out = a.balance;
	return rc;
}

/* Credit this call could have now: balance less the others' reservations. */
static int available_get(struct b2b_call *call, int64_t *out)
{
	int64_t balance;
	int rc = balance_get(call, &balance);

	if (rc < 0)
		return rc;
	*out = b2b_credit_available(balance,
				    b2b_credit_reserved(call->ctx, call->account,
							call));
	return 0;
}

int b2b_credit_call_admit(struct b2b_call *call,
			  const struct store_account *acct)
{
	struct b2b_call_credit *cr = &call->credit;
	struct store_txn *txn;
	uint32_t max_s;
	int64_t available = 0, reserve;
	int rc;

	if (!acct->prepaid)
		return 0;
	cr->prepaid = true;
	txn = store_txn_begin(call->ctx->store, false);
	if (!txn) {
		rc = -errno;
	} else {
		rc = b2b_rating_lookup(txn, acct->rate_plan, call->number,
				       &cr->rate);
		store_txn_abort(txn);
	}
	if (rc == -ENOENT || rc == -EINVAL) {
		log_notice("call %s: account %s: plan '%s' has no rate for %s",
			   call->id, call->account, acct->rate_plan,
			   call->number);
		refuse(call, 403, "Forbidden: no rate", "no rate");
		return -1;
	}
	if (rc == 0)
		rc = available_get(call, &available);
	if (rc < 0) {
		log_err("call %s: credit check: %s", call->id, strerror(-rc));
		refuse(call, SIP_500_INTERNAL_SERVER_ERROR, "credit error");
		return -1;
	}
	if (b2b_credit_grant(&cr->rate, available, &max_s, &reserve) < 0) {
		/* 402 or 403, as the caller's realm says (sbc.conf) */
		bool forbid = call->a.realm &&
			call->a.realm->cfg->insufficient_credit_status == 403;

		log_notice("call %s: account %s: insufficient credit",
			   call->id, call->account);
		refuse(call, forbid ? 403 : 402,
		       forbid ? "Forbidden: insufficient credit" :
				"Payment Required: insufficient credit",
		       "insufficient credit");
		b2b_message_credit_notice(call, B2B_NOTICE_REFUSED, 0);
		return -1;
	}
	return 0;
}

static void on_cutoff(su_root_magic_t *magic, su_timer_t *t,
		      su_timer_arg_t *arg)
{
	struct b2b_call *call = (struct b2b_call *)arg;

	(void)magic;
	(void)t;
	log_notice("call %s: credit of %s exhausted after %u s", call->id,
		   call->account, call->credit.max_s);
	b2b_message_credit_notice(call, B2B_NOTICE_CUTOFF, 0);
	b2b_call_hangup(call, B2B_CREDIT_CUTOFF_REASON);
}

void b2b_credit_call_answered(struct b2b_call *call)
{
	struct b2b_call_credit *cr = &call->credit;
	int64_t available;
	int rc;

	if (!cr->prepaid || call->ended)
		return;
	rc = available_get(call, &available);
	if (rc < 0) {
		log_err("call %s: credit at answer: %s", call->id,
			strerror(-rc));
		b2b_call_hangup(call, "credit error");
		return;
	}
	if (b2b_credit_grant(&cr->rate, available, &cr->max_s,
			     &cr->reserved) < 0) {
		b2b_call_hangup(call, B2B_CREDIT_CUTOFF_REASON);
		return;
	}
	cr->reserving = true;
	/* persisted at once: from here a crash is settled at restart */
	if (b2b_credit_live_save(call) < 0) {
		b2b_call_hangup(call, "credit error");
		return;
	}
	b2b_message_credit_answered(call);
	log_info("call %s: reserved %lld micro-units of %s, %u s max",
		 call->id, (long long)cr->reserved, call->account, cr->max_s);
	if (cr->max_s == UINT32_MAX)
		return;
	cr->timer = su_timer_create(su_root_task(call->ctx->root), 0);
	if (!cr->timer ||
	    su_timer_set_interval(cr->timer, on_cutoff, (su_timer_arg_t *)call,
				  (su_duration_t)cr->max_s * 1000) < 0) {
		log_err("call %s: no cut-off timer: hung up", call->id);
		b2b_call_hangup(call, "credit error");
	}
}

void b2b_credit_call_stop(struct b2b_call *call)
{
	b2b_message_credit_stop(call);
	if (call->credit.timer) {
		su_timer_destroy(call->credit.timer);
		call->credit.timer = NULL;
	}
}

/* Take @cost from the account in @txn and append the audit record. */
static int debit(struct b2b_call *call, struct store_txn *txn, int64_t cost,
		 uint32_t billed)
{
	struct store_audit au = { 0 };
	struct store_account a;
	int rc = store_account_get(txn, call->account, &a);

	if (rc == -ENOENT) {
		log_warn("call %s: account %s deleted during the call: %lld micro-units not debited",
			 call->id, call->account, (long long)cost);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (__builtin_sub_overflow(a.balance, cost, &a.balance))
		return -ERANGE;
	rc = store_account_put(txn, &a);
	if (rc < 0)
		return rc;
	au.time_ms = call->end_ms;
	snprintf(au.who, sizeof(au.who), "%s", B2B_CREDIT_WHO_CALL);
	snprintf(au.account, sizeof(au.account), "%s", a.id);
	snprintf(au.action, sizeof(au.action), "call");
	au.amount = cost;
	au.balance_after = a.balance;
	snprintf(au.note, sizeof(au.note), "call %s to %s, %u s billed",
		 call->id, call->number, billed);
	return store_audit_append(txn, &au);
}

int b2b_credit_call_settle(struct b2b_call *call, struct store_txn *txn,
			   int64_t duration_ms, int64_t *cost)
{
	struct b2b_call_credit *cr = &call->credit;
	uint32_t billed;
	int64_t c;
	int rc;

	*cost = 0;
	if (!cr->reserving)
		return 0;
	cr->reserving = false;
	rc = b2b_credit_live_del(call, txn);
	if (rc < 0)
		return rc;
	billed = b2b_credit_billed_s(duration_ms, cr->max_s);
	c = b2b_rating_cost(&cr->rate, billed);
	if (c < 0)
		return (int)c;
	*cost = c;
	return c ? debit(call, txn, c, billed) : 0;
}

int b2b_credit_call_json(const struct b2b_call *call, json_t *row)
{
	const struct b2b_call_credit *cr = &call->credit;
	json_t *left = json_null();
	int64_t s;

	if (!cr->prepaid)
		return 0;
	/* null: not answered yet, or no limit */
	if (cr->reserving && cr->max_s != UINT32_MAX) {
		s = (int64_t)cr->max_s - (b2b_now_ms() - call->answer_ms) / 1000;
		left = json_integer(s < 0 ? 0 : (json_int_t)s);
	}
	if (json_object_set_new(row, "reserved",
				b2b_credit_money_json(cr->reserved)) < 0 ||
	    json_object_set_new(row, "time_left_s", left) < 0)
		return -ENOMEM;
	return 0;
}
