/*
 * Checkpoints of answered prepaid calls (credit_checkpoint.h): the live
 * record written at answer, rewritten for all calls up by one timer in one
 * transaction per tick, and deleted in the call's end transaction.
 */
#include "credit_checkpoint.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "call.h"
#include "credit_call.h"
#include "log.h"
#include "sbcd.h"

/* @call's live record as of @now_ms. */
static void live_fill(const struct b2b_call *call, int64_t now_ms,
		      struct store_live_call *lc)
{
	const struct b2b_call_credit *cr = &call->credit;

	memset(lc, 0, sizeof(*lc));
	snprintf(lc->account, sizeof(lc->account), "%s", call->account);
	snprintf(lc->id, sizeof(lc->id), "%s", call->id);
	snprintf(lc->call_id, sizeof(lc->call_id), "%s", call->a.call_id);
	snprintf(lc->caller, sizeof(lc->caller), "%s", call->caller);
	snprintf(lc->callee, sizeof(lc->callee), "%s", call->number);
	snprintf(lc->egress, sizeof(lc->egress), "%s", call->b.peer);
	lc->setup_ms = call->setup_ms;
	lc->answer_ms = call->answer_ms;
	snprintf(lc->plan, sizeof(lc->plan), "%s", cr->rate.plan);
	snprintf(lc->prefix, sizeof(lc->prefix), "%s", cr->rate.prefix);
	lc->price_per_min = cr->rate.price_per_min;
	lc->connect_fee = cr->rate.connect_fee;
	lc->first_incr = cr->rate.first_incr;
	lc->next_incr = cr->rate.next_incr;
	lc->max_s = cr->max_s;
	lc->reserved = cr->reserved;
	lc->consumed_s = b2b_credit_billed_s(now_ms - call->answer_ms,
					     cr->max_s);
	lc->checkpoint_ms = now_ms;
}

/* true for a call whose credit a checkpoint must save */
static bool live(const struct b2b_call *call)
{
	return !call->ended && call->credit.reserving;
}

int b2b_credit_live_save(struct b2b_call *call)
{
	struct store_txn *txn = store_txn_begin(call->ctx->store, true);
	struct store_live_call lc;
	int rc;

	if (!txn) {
		rc = -errno;
		goto err;
	}
	live_fill(call, call->answer_ms, &lc);
	rc = store_live_call_put(txn, &lc);
	if (rc < 0) {
		store_txn_abort(txn);
		goto err;
	}
	rc = store_txn_commit(txn);
	if (rc < 0)
		goto err;
	return 0;
err:
	log_err("call %s: credit of %s not persisted: %s", call->id,
		call->account, strerror(-rc));
	return rc;
}

int b2b_credit_live_del(struct b2b_call *call, struct store_txn *txn)
{
	int rc = store_live_call_del(txn, call->account, call->id);

	return rc == -ENOENT ? 0 : rc;
}

int b2b_credit_checkpoint(struct b2b_ctx *ctx, int64_t now_ms)
{
	struct store_txn *txn = NULL;
	struct store_live_call lc;
	struct b2b_call *call;
	int n = 0, rc = 0;

	TAILQ_FOREACH(call, &ctx->calls->list, link) {
		if (!live(call))
			continue;
		if (!txn) {
			txn = store_txn_begin(ctx->store, true);
			if (!txn) {
				rc = -errno;
				break;
			}
		}
		live_fill(call, now_ms, &lc);
		rc = store_live_call_put(txn, &lc);
		if (rc < 0)
			break;
		n++;
	}
	if (rc == 0 && txn)
		rc = store_txn_commit(txn);
	else
		store_txn_abort(txn);
	if (rc < 0) {
		log_err("credit checkpoint failed, the previous one stays: %s",
			strerror(-rc));
		return rc;
	}
	return n;
}

static void on_tick(su_root_magic_t *magic, su_timer_t *t,
		    su_timer_arg_t *arg)
{
	(void)magic;
	(void)t;
	b2b_credit_checkpoint((struct b2b_ctx *)arg, b2b_now_ms());
}

int b2b_credit_checkpoint_init(struct b2b_ctx *ctx)
{
	su_duration_t ms = (su_duration_t)ctx->cfg->timers.credit_checkpoint *
			   1000;

	ctx->credit_ckpt = su_timer_create(su_root_task(ctx->root), ms);
	if (!ctx->credit_ckpt ||
	    su_timer_run(ctx->credit_ckpt, on_tick, (su_timer_arg_t *)ctx) < 0) {
		b2b_credit_checkpoint_uninit(ctx);
		return -ENOMEM;
	}
	return 0;
}

void b2b_credit_checkpoint_uninit(struct b2b_ctx *ctx)
{
	su_timer_destroy(ctx->credit_ckpt);
	ctx->credit_ckpt = NULL;
}
