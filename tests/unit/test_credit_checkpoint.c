/*
 * Unit tests of prepaid crash safety (b2bua/credit_checkpoint.c,
 * credit_reconcile.c): the live record of an answered call, checkpoints
 * of every call up in one transaction, settling at restart (billed seconds
 * between the checkpoint and the real time since answer, never more than
 * a balance holds, the ledger adding up exactly), bad records, the timer,
 * and a checkpointing process killed with SIGKILL at random points.
 *
 * Calls are struct b2b_call filled by hand in a calls table of their own;
 * the clock is injected: b2b_now_ms(), which the checkpoint timer reads
 * (call.c's in sbcd), is this file's fake_now, and every other function
 * takes the time as an argument.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "account_policy.h"
#include "call.h"
#include "credit_call.h"
#include "credit_checkpoint.h"
#include "rating.h"
#include "sbcd.h"
#include "store.h"
#include "store_fixture.h"

#define CENT 10000LL			/* micro-units */
#define T0 1767225600000LL		/* unix ms the calls are answered */

static int64_t fake_now = T0;

/* the clock of the checkpoint timer (call.c's wall clock in sbcd) */
int64_t b2b_now_ms(void)
{
	return fake_now;
}

/* 0.60/min billed 1 then 30 by 30 s: leaves a remainder for a 2nd call */
static const struct store_rate rate_a = {
	.plan = "pre", .prefix = "1555", .price_per_min = 60 * CENT,
	.first_incr = 1, .next_incr = 30,
};
/* 0.06/min, 1/1, connect fee 0.01 */
static const struct store_rate rate_b = {
	.plan = "pre", .prefix = "1666", .price_per_min = 6 * CENT,
	.connect_fee = CENT, .first_incr = 1, .next_incr = 1,
};

struct tcx {
	struct fixture *fx;
	struct cfg cfg;
	struct b2b_calls calls;
	struct b2b_ctx ctx;
};

static int tcx_setup(void **state)
{
	struct tcx *t = calloc(1, sizeof(*t));
	void *fx = NULL;

	*state = t;
	if (!t)
		return -1;
	TAILQ_INIT(&t->calls.list);
	if (fx_setup(&fx) < 0) {
		t->fx = fx;
		return -1;
	}
	t->fx = fx;
	t->cfg.timers.credit_checkpoint = 1;
	t->ctx.cfg = &t->cfg;
	t->ctx.store = t->fx->st;
	t->ctx.calls = &t->calls;
	fake_now = T0;
	return 0;
}

/* forgets the calls, as a killed sbcd does */
static void calls_drop(struct tcx *t)
{
	struct b2b_call *c;

	while ((c = TAILQ_FIRST(&t->calls.list))) {
		TAILQ_REMOVE(&t->calls.list, c, link);
		free(c);
	}
}

static int tcx_teardown(void **state)
{
	struct tcx *t = *state;
	void *fx = t->fx;

	calls_drop(t);
	if (fx)
		fx_teardown(&fx);
	free(t);
	return 0;
}

#define TCX_TEST(f) cmocka_unit_test_setup_teardown(f, tcx_setup, tcx_teardown)

/* a restart: the calls are gone, the store is opened again */
static void restart(struct tcx *t)
{
	calls_drop(t);
	fx_reopen(t->fx);
	t->ctx.store = t->fx->st;
}

static void account_put(struct store *st, const char *id, int64_t balance)
{
	struct store_txn *txn = store_txn_begin(st, true);
	struct store_account a;

	assert_non_null(txn);
	sample_account(&a, id, balance);
	a.blocked = false;
	assert_int_equal(store_account_put(txn, &a), 0);
	assert_int_equal(store_txn_commit(txn), 0);
}

static struct store_account account_of(struct store *st, const char *id)
{
	struct store_txn *txn = store_txn_begin(st, false);
	struct store_account a;

	assert_non_null(txn);
	assert_int_equal(store_account_get(txn, id, &a), 0);
	store_txn_abort(txn);
	return a;
}

static int64_t balance_of(struct store *st, const char *id)
{
	return account_of(st, id).balance;
}

/*
 * A prepaid call of @account to a number priced @r, answered at @at_ms:
 * granted from the balance less what the account's other calls reserve,
 * as b2b_credit_call_answered() does, and its live record saved.
 */
static struct b2b_call *answer(struct tcx *t, const char *id,
			       const char *account, const struct store_rate *r,
			       int64_t at_ms)
{
	struct b2b_call *c = calloc(1, sizeof(*c));
	int64_t avail;

	assert_non_null(c);
	c->ctx = &t->ctx;
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->account, sizeof(c->account), "%s", account);
	snprintf(c->a.call_id, sizeof(c->a.call_id), "%s@access", id);
	snprintf(c->caller, sizeof(c->caller), "1001");
	snprintf(c->number, sizeof(c->number), "%s0000", r->prefix);
	snprintf(c->b.peer, sizeof(c->b.peer), "carrier1");
	c->state = B2B_CALL_CONFIRMED;
	c->setup_ms = at_ms - 2000;
	c->answer_ms = at_ms;
	c->credit.prepaid = true;
	c->credit.rate = *r;
	avail = b2b_credit_available(balance_of(t->ctx.store, account),
				     b2b_credit_reserved(&t->ctx, account,
							 NULL));
	assert_int_equal(b2b_credit_grant(r, avail, &c->credit.max_s,
					  &c->credit.reserved), 0);
	c->credit.reserving = true;
	TAILQ_INSERT_TAIL(&t->calls.list, c, link);
	assert_int_equal(b2b_credit_live_save(c), 0);
	return c;
}

static int live_get(struct tcx *t, const struct b2b_call *c,
		    struct store_live_call *out)
{
	struct store_txn *txn = store_txn_begin(t->ctx.store, false);
	int rc;

	assert_non_null(txn);
	rc = store_live_call_get(txn, c->account, c->id, out);
	store_txn_abort(txn);
	return rc;
}

static int64_t live_reserved(struct store *st, const char *account)
{
	struct store_txn *txn = store_txn_begin(st, false);
	int64_t sum;

	assert_non_null(txn);
	assert_int_equal(b2b_credit_live_reserved(txn, account, &sum), 0);
	store_txn_abort(txn);
	return sum;
}

static size_t count(struct store *st, enum store_db db)
{
	size_t n;

	assert_int_equal(store_count(st, db, &n), 0);
	return n;
}

/* billed seconds at restart ---------------------------------------------- */

static void test_reconcile_s(void **state)
{
	struct store_live_call c;

	(void)state;
	sample_live_call(&c, "a@x", "c1");
	c.answer_ms = T0;
	c.max_s = 120;
	c.consumed_s = 42;
	c.checkpoint_ms = T0 + 41500;
	/* the checkpoint, whatever came after it */
	assert_int_equal(b2b_credit_reconcile_s(&c, T0 + 41500), 42);
	assert_int_equal(b2b_credit_reconcile_s(&c, T0 + 3600000), 42);
	/* a wall clock stepped back: no more than the time since answer */
	assert_int_equal(b2b_credit_reconcile_s(&c, T0 + 10000), 10);
	assert_int_equal(b2b_credit_reconcile_s(&c, T0 + 10001), 11);
	assert_int_equal(b2b_credit_reconcile_s(&c, T0), 0);
	assert_int_equal(b2b_credit_reconcile_s(&c, T0 - 5000), 0);
	assert_int_equal(b2b_credit_reconcile_s(&c, INT64_MIN), 0);
	assert_int_equal(b2b_credit_reconcile_s(&c, INT64_MAX), 42);
	/* cut off: all of the grant */
	c.consumed_s = 120;
	assert_int_equal(b2b_credit_reconcile_s(&c, T0 + 999999), 120);
	/* killed before the first checkpoint */
	c.consumed_s = 0;
	assert_int_equal(b2b_credit_reconcile_s(&c, T0 + 999999), 0);
}

/* the live record: answer, checkpoints, end ------------------------------ */

static void test_answer_and_ticks(void **state)
{
	struct tcx *t = *state;
	struct store_live_call lc;
	struct b2b_call *a1, *a2, *b1, *ringing;

	account_put(t->ctx.store, "a@x", 100 * CENT);
	account_put(t->ctx.store, "b@x", 500 * CENT);
	/* no call up: nothing to write */
	assert_int_equal(b2b_credit_checkpoint(&t->ctx, T0), 0);

	a1 = answer(t, "c1", "a@x", &rate_a, T0);
	a2 = answer(t, "c2", "a@x", &rate_b, T0 + 1000);
	b1 = answer(t, "c3", "b@x", &rate_a, T0 + 250);
	/* 1.00 at 0.01/s in 30 s steps: 91 s for 0.91, the 0.09 left pays
	 * the second call's connect fee and 80 s at 0.001/s */
	assert_int_equal(a1->credit.max_s, 91);
	assert_int_equal(a1->credit.reserved, 91 * CENT);
	assert_int_equal(a2->credit.max_s, 80);
	assert_int_equal(a2->credit.reserved, 9 * CENT);
	/* a prepaid call not answered yet reserves nothing */
	ringing = calloc(1, sizeof(*ringing));
	assert_non_null(ringing);
	snprintf(ringing->id, sizeof(ringing->id), "c4");
	snprintf(ringing->account, sizeof(ringing->account), "a@x");
	ringing->credit.prepaid = true;
	TAILQ_INSERT_TAIL(&t->calls.list, ringing, link);

	/* at answer: the grant, nothing consumed */
	assert_int_equal(live_get(t, a2, &lc), 0);
	assert_string_equal(lc.call_id, "c2@access");
	assert_string_equal(lc.callee, "16660000");
	assert_string_equal(lc.egress, "carrier1");
	assert_string_equal(lc.plan, "pre");
	assert_string_equal(lc.prefix, "1666");
	assert_int_equal(lc.connect_fee, CENT);
	assert_int_equal(lc.answer_ms, T0 + 1000);
	assert_int_equal(lc.checkpoint_ms, T0 + 1000);
	assert_int_equal(lc.consumed_s, 0);
	assert_int_equal(lc.max_s, 80);
	assert_int_equal(lc.reserved, 9 * CENT);
	/* the store's reservations are the calls table's */
	assert_int_equal(live_reserved(t->ctx.store, "a@x"), 100 * CENT);
	assert_int_equal(b2b_credit_reserved(&t->ctx, "a@x", NULL),
			 100 * CENT);
	assert_int_equal(live_reserved(t->ctx.store, "b@x"),
			 b1->credit.reserved);
	assert_int_equal(live_reserved(t->ctx.store, "nobody@x"), 0);

	/* one tick: every call up, seconds rounded up as billed */
	assert_int_equal(b2b_credit_checkpoint(&t->ctx, T0 + 4500), 3);
	assert_int_equal(live_get(t, a1, &lc), 0);
	assert_int_equal(lc.consumed_s, 5);
	assert_int_equal(lc.checkpoint_ms, T0 + 4500);
	assert_int_equal(live_get(t, a2, &lc), 0);
	assert_int_equal(lc.consumed_s, 4);
	assert_int_equal(live_get(t, b1, &lc), 0);
	assert_int_equal(lc.consumed_s, 5);
	assert_int_equal(count(t->ctx.store, STORE_DB_LIVE_CALLS), 3);

	/* an ended call is no longer checkpointed; a late tick never
	 * counts past the grant */
	b1->ended = true;
	assert_int_equal(b2b_credit_checkpoint(&t->ctx, T0 + 300000), 2);
	assert_int_equal(live_get(t, a1, &lc), 0);
	assert_int_equal(lc.consumed_s, 91);
	assert_int_equal(live_get(t, a2, &lc), 0);
	assert_int_equal(lc.consumed_s, 80);
	assert_int_equal(live_get(t, b1, &lc), 0);
	assert_int_equal(lc.consumed_s, 5);
	assert_int_equal(lc.checkpoint_ms, T0 + 4500);
}

static void test_end_deletes(void **state)
{
	struct tcx *t = *state;
	struct store_live_call lc;
	struct store_txn *txn;
	struct b2b_call *c;

	account_put(t->ctx.store, "a@x", 100 * CENT);
	c = answer(t, "c1", "a@x", &rate_a, T0);
	/* deleted in the end transaction: gone only once it commits */
	txn = store_txn_begin(t->ctx.store, true);
	assert_non_null(txn);
	assert_int_equal(b2b_credit_live_del(c, txn), 0);
	store_txn_abort(txn);
	assert_int_equal(live_get(t, c, &lc), 0);
	txn = store_txn_begin(t->ctx.store, true);
	assert_non_null(txn);
	assert_int_equal(b2b_credit_live_del(c, txn), 0);
	/* twice, or for a call never saved: not an error */
	assert_int_equal(b2b_credit_live_del(c, txn), 0);
	assert_int_equal(store_txn_commit(txn), 0);
	assert_int_equal(live_get(t, c, &lc), -ENOENT);
	assert_int_equal(live_reserved(t->ctx.store, "a@x"), 0);
}

/* settling at restart ----------------------------------------------------- */

/* what reconciliation wrote, summed over the CDRs */
struct cdr_sum {
	int64_t cost;
	unsigned n;
	int bad;	/* CDRs not of a restart */
};

static int cdr_add(const void *rec, void *arg)
{
	const struct store_cdr *c = rec;
	struct cdr_sum *s = arg;

	s->cost += c->cost;
	s->n++;
	if (strcmp(c->reason, B2B_CREDIT_RESTART_REASON) != 0 ||
	    strcmp(c->side, "sbc") != 0 || c->cost < 0 ||
	    c->duration_ms != c->end_ms - c->answer_ms)
		s->bad++;
	return 0;
}

static struct cdr_sum cdrs(struct store *st)
{
	struct store_txn *txn = store_txn_begin(st, false);
	struct cdr_sum s = { 0, 0, 0 };

	assert_non_null(txn);
	assert_int_equal(store_foreach(txn, STORE_DB_CDRS, cdr_add, &s), 0);
	store_txn_abort(txn);
	return s;
}

static struct store_cdr cdr_of(struct store *st, const char *call_id)
{
	struct store_txn *txn = store_txn_begin(st, false);
	struct store_cdr c;
	uint64_t id;

	assert_non_null(txn);
	for (id = 1; store_cdr_get(txn, id, &c) == 0; id++)
		if (!strcmp(c.call_id, call_id)) {
			store_txn_abort(txn);
			return c;
		}
	fail_msg("no CDR of %s", call_id);
	return c;
}

static void test_reconcile_ledger(void **state)
{
	struct tcx *t = *state;
	const int64_t start = 100 * CENT + 500 * CENT;
	struct store_live_call lc[3];
	struct b2b_call *calls[3];
	struct store_dialog d;
	struct store_txn *txn;
	struct cdr_sum s;
	struct store_cdr c;
	struct store_audit au;

	account_put(t->ctx.store, "a@x", 100 * CENT);
	account_put(t->ctx.store, "b@x", 500 * CENT);
	calls[0] = answer(t, "c1", "a@x", &rate_a, T0);
	calls[1] = answer(t, "c2", "a@x", &rate_b, T0 + 1000);
	calls[2] = answer(t, "c3", "b@x", &rate_a, T0 + 250);
	/* c1's dialog record goes with it */
	sample_dialog(&d);
	strcpy(d.call_id, "c1@access");
	txn = store_txn_begin(t->ctx.store, true);
	assert_non_null(txn);
	assert_int_equal(store_dialog_put(txn, &d), 0);
	assert_int_equal(store_txn_commit(txn), 0);
	assert_int_equal(b2b_credit_checkpoint(&t->ctx, T0 + 5000), 3);
	assert_int_equal(b2b_credit_checkpoint(&t->ctx, T0 + 40000), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(live_get(t, calls[i], &lc[i]), 0);

	/* killed 3 s after the last checkpoint, restarted a minute later */
	restart(t);
	assert_int_equal(b2b_credit_reconcile(t->ctx.store, T0 + 103000), 3);
	assert_int_equal(count(t->ctx.store, STORE_DB_LIVE_CALLS), 0);
	assert_int_equal(count(t->ctx.store, STORE_DB_DIALOGS), 0);
	assert_int_equal(count(t->ctx.store, STORE_DB_AUDIT), 3);
	s = cdrs(t->ctx.store);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.bad, 0);
	/* the ledger: balances + CDR costs = what the accounts had */
	assert_int_equal(balance_of(t->ctx.store, "a@x") +
			 balance_of(t->ctx.store, "b@x") + s.cost, start);
	for (int i = 0; i < 3; i++) {
		const struct store_rate *r = i == 1 ? &rate_b : &rate_a;
		int64_t want = b2b_rating_cost(r, lc[i].consumed_s);

		c = cdr_of(t->ctx.store, lc[i].call_id);
		/* the checkpoint's seconds: at least 40 s from T0, 39 s for
		 * the call answered at T0 + 1 s */
		assert_true(lc[i].consumed_s >= 39 && lc[i].consumed_s <= 40);
		assert_int_equal(c.cost, want);
		assert_true(c.cost <= lc[i].reserved);
		assert_int_equal(c.answer_ms, lc[i].answer_ms);
		assert_int_equal(c.end_ms, T0 + 40000);
		assert_string_equal(c.ingress, lc[i].account);
		assert_string_equal(c.egress, "carrier1");
		assert_string_equal(c.callee, lc[i].callee);
	}
	/* 40 s at 0.01/s billed 1+30+30: 0.61; 39 s of the other: 0.049 */
	assert_int_equal(balance_of(t->ctx.store, "a@x"),
			 100 * CENT - 61 * CENT - (CENT + 39000));
	assert_int_equal(balance_of(t->ctx.store, "b@x"), 500 * CENT - 61 * CENT);
	/* the settled time counts in the month's usage (quota_min) */
	assert_int_equal(account_of(t->ctx.store, "a@x").usage_ms,
			 40000 + 39000);
	assert_int_equal(account_of(t->ctx.store, "b@x").usage_ms, 39750);
	assert_int_equal(account_of(t->ctx.store, "b@x").usage_month,
			 b2b_acct_policy_month(T0 + 40000));
	txn = store_txn_begin(t->ctx.store, false);
	assert_non_null(txn);
	assert_int_equal(store_audit_get(txn, 3, &au), 0);
	store_txn_abort(txn);
	assert_string_equal(au.who, B2B_CREDIT_WHO_CALL);
	assert_string_equal(au.action, "call");
	assert_int_equal(au.time_ms, T0 + 103000);
	assert_non_null(strstr(au.note, "at sbcd restart"));

	/* settled once: a second start finds nothing */
	restart(t);
	assert_int_equal(b2b_credit_reconcile(t->ctx.store, T0 + 200000), 0);
	assert_int_equal(cdrs(t->ctx.store).n, 3);
}

/* a stored record as a killed sbcd would leave it */
static void live_put(struct store *st, const char *account, const char *id,
		     const struct store_rate *r, int64_t answer_ms,
		     uint32_t consumed_s, int64_t ckpt_ms)
{
	struct store_txn *txn = store_txn_begin(st, true);
	struct store_live_call c;

	assert_non_null(txn);
	sample_live_call(&c, account, id);
	snprintf(c.call_id, sizeof(c.call_id), "%s@access", id);
	c.answer_ms = answer_ms;
	snprintf(c.plan, sizeof(c.plan), "%s", r->plan);
	snprintf(c.prefix, sizeof(c.prefix), "%s", r->prefix);
	c.price_per_min = r->price_per_min;
	c.connect_fee = r->connect_fee;
	c.first_incr = r->first_incr;
	c.next_incr = r->next_incr;
	/* 0.09 at rate_b */
	c.max_s = 80;
	c.reserved = 9 * CENT;
	c.consumed_s = consumed_s;
	c.checkpoint_ms = ckpt_ms;
	assert_int_equal(store_live_call_put(txn, &c), 0);
	assert_int_equal(store_txn_commit(txn), 0);
}

static void test_reconcile_limits(void **state)
{
	struct tcx *t = *state;
	struct store *st = t->ctx.store;
	struct store_cdr c;

	/* the balance no longer covers the call (a forced debit): cut to
	 * what is there, never below zero */
	account_put(st, "short@x", 2 * CENT);
	live_put(st, "short@x", "c1", &rate_b, T0, 30, T0 + 30000);
	/* already below zero: nothing taken */
	account_put(st, "neg@x", -CENT);
	live_put(st, "neg@x", "c2", &rate_b, T0, 30, T0 + 30000);
	/* the account was deleted: CDR without cost */
	live_put(st, "gone@x", "c3", &rate_b, T0, 30, T0 + 30000);
	/* killed before its first checkpoint: nothing billed */
	account_put(st, "early@x", 9 * CENT);
	live_put(st, "early@x", "c4", &rate_b, T0, 0, T0);
	/* checkpointed 30 s after its answer, but the clock went back since:
	 * billed the 4.999 s from its answer to now */
	account_put(st, "back@x", 9 * CENT);
	live_put(st, "back@x", "c5", &rate_b, T0 + 55001, 30, T0 + 85001);

	assert_int_equal(b2b_credit_reconcile(st, T0 + 60000), 5);
	/* 30 s at 0.001/s + 0.01 is 0.04; 0.02 was there */
	assert_int_equal(balance_of(st, "short@x"), 0);
	assert_int_equal(cdr_of(st, "c1@access").cost, 2 * CENT);
	assert_int_equal(balance_of(st, "neg@x"), -CENT);
	assert_int_equal(cdr_of(st, "c2@access").cost, 0);
	assert_int_equal(cdr_of(st, "c3@access").cost, 0);
	assert_int_equal(balance_of(st, "early@x"), 9 * CENT);
	c = cdr_of(st, "c4@access");
	assert_int_equal(c.cost, 0);
	assert_int_equal(c.duration_ms, 0);
	c = cdr_of(st, "c5@access");
	assert_int_equal(c.cost, CENT + 5000);
	assert_int_equal(balance_of(st, "back@x"), 9 * CENT - CENT - 5000);
	/* last seen up at its checkpoint, but not after now */
	assert_int_equal(c.end_ms, T0 + 60000);
	assert_int_equal(c.duration_ms, 4999);
	/* audit records only for money taken: short and back */
	assert_int_equal(count(st, STORE_DB_AUDIT), 2);
	assert_int_equal(count(st, STORE_DB_LIVE_CALLS), 0);
}

static void test_reconcile_corrupt(void **state)
{
	struct tcx *t = *state;
	static const char key[] = "a@x\x1f" "c1";
	static const char junk[] = "{\"v\":1,\"account\":\"a@x\"}";
	size_t n;

	account_put(t->ctx.store, "a@x", 9 * CENT);
	store_close(t->fx->st);
	t->fx->st = NULL;
	fx_raw_put(t->fx->dir, "live_calls", key, sizeof(key) - 1, junk,
		   sizeof(junk) - 1);
	restart(t);
	/* a record that cannot be priced is not skipped: sbcd must not start */
	assert_int_equal(b2b_credit_reconcile(t->ctx.store, T0), -EPROTO);
	assert_int_equal(store_count(t->ctx.store, STORE_DB_LIVE_CALLS, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(count(t->ctx.store, STORE_DB_CDRS), 0);
	assert_int_equal(balance_of(t->ctx.store, "a@x"), 9 * CENT);
}

/* the timer --------------------------------------------------------------- */

static void test_timer(void **state)
{
	struct tcx *t = *state;
	struct store_live_call lc;
	struct b2b_call *c;

	assert_int_equal(su_init(), 0);
	t->ctx.root = su_root_create(NULL);
	assert_non_null(t->ctx.root);
	account_put(t->ctx.store, "a@x", 100 * CENT);
	c = answer(t, "c1", "a@x", &rate_a, T0);
	fake_now = T0 + 7000;
	assert_int_equal(b2b_credit_checkpoint_init(&t->ctx), 0);
	/*
	 * every second (timers.credit_checkpoint = 1).  su_root_step() may
	 * return before its 100 ms, so the wait is bounded by the clock, and
	 * generously: a loaded machine delays timers, it does not lose them.
	 */
	for (time_t end = time(NULL) + 30; time(NULL) < end;) {
		su_root_step(t->ctx.root, 100);
		assert_int_equal(live_get(t, c, &lc), 0);
		if (lc.checkpoint_ms == fake_now)
			break;
	}
	assert_int_equal(lc.checkpoint_ms, T0 + 7000);
	assert_int_equal(lc.consumed_s, 7);
	b2b_credit_checkpoint_uninit(&t->ctx);
	assert_null(t->ctx.credit_ckpt);
	b2b_credit_checkpoint_uninit(&t->ctx);
	su_root_destroy(t->ctx.root);
	t->ctx.root = NULL;
	su_deinit();
}

/* SIGKILL ----------------------------------------------------------------- */

#define KILL_ROUNDS 4

/*
 * The child: answers the calls of round @r and checkpoints them one
 * simulated second after another, reporting each committed tick's time on
 * @fd, until killed.  Exit codes tell where it failed.
 */
static void kill_child(struct tcx *t, int r, int fd)
{
	char id[B2B_CALL_ID_MAX], a[32], b[32];
	int64_t now = T0;

	t->ctx.store = store_open(t->fx->dir, 64);
	if (!t->ctx.store)
		_exit(2);
	TAILQ_INIT(&t->calls.list);
	snprintf(a, sizeof(a), "a%d@kill", r);
	snprintf(b, sizeof(b), "b%d@kill", r);
	for (int i = 0; i < 3; i++) {
		struct b2b_call *c = calloc(1, sizeof(*c));
		const struct store_rate *rt = i == 1 ? &rate_b : &rate_a;
		int64_t avail;
		struct store_txn *txn;
		struct store_account acct;

		if (!c)
			_exit(3);
		snprintf(id, sizeof(id), "r%dc%d", r, i);
		c->ctx = &t->ctx;
		snprintf(c->id, sizeof(c->id), "%s", id);
		snprintf(c->account, sizeof(c->account), "%s", i < 2 ? a : b);
		snprintf(c->a.call_id, sizeof(c->a.call_id), "%s@access", id);
		snprintf(c->number, sizeof(c->number), "%s0000", rt->prefix);
		c->setup_ms = now - 1000;
		c->answer_ms = now + i * 300;
		c->credit.prepaid = true;
		c->credit.rate = *rt;
		txn = store_txn_begin(t->ctx.store, false);
		if (!txn || store_account_get(txn, c->account, &acct))
			_exit(4);
		store_txn_abort(txn);
		avail = b2b_credit_available(acct.balance,
			b2b_credit_reserved(&t->ctx, c->account, NULL));
		if (b2b_credit_grant(rt, avail, &c->credit.max_s,
				     &c->credit.reserved))
			_exit(5);
		c->credit.reserving = true;
		TAILQ_INSERT_TAIL(&t->calls.list, c, link);
		if (b2b_credit_live_save(c))
			_exit(6);
	}
	for (;;) {
		now += 1000;
		if (b2b_credit_checkpoint(&t->ctx, now) != 3)
			_exit(7);
		if (write(fd, &now, sizeof(now)) != sizeof(now))
			_exit(8);
	}
}

/* store_foreach() callback: the live records into an array of 3 */
struct live_list {
	struct store_live_call c[3];
	unsigned n;
};

static int live_collect(const void *rec, void *arg)
{
	struct live_list *l = arg;

	if (l->n == 3)
		return -E2BIG;
	memcpy(&l->c[l->n++], rec, sizeof(l->c[0]));
	return 0;
}

static void test_sigkill(void **state)
{
	struct tcx *t = *state;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	int64_t total = 0, costs = 0;

	print_message("sigkill seed %u\n", seed);
	for (int r = 0; r < KILL_ROUNDS; r++) {
		char a[32], b[32];
		int64_t acked = 0, now, got;
		struct live_list l = { .n = 0 };
		struct store_txn *txn;
		struct cdr_sum s;
		int fds[2], status, target = 2 + rand_r(&seed) % 40;
		pid_t pid;

		snprintf(a, sizeof(a), "a%d@kill", r);
		snprintf(b, sizeof(b), "b%d@kill", r);
		account_put(t->ctx.store, a, 100 * CENT);
		account_put(t->ctx.store, b, 500 * CENT);
		total += 600 * CENT;
		store_close(t->fx->st);
		t->fx->st = NULL;
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			kill_child(t, r, fds[1]);
		}
		close(fds[1]);
		for (int k = 0; k < target &&
		     read(fds[0], &got, sizeof(got)) == sizeof(got); k++)
			acked = got;
		/* somewhere in a later tick, maybe mid-commit */
		usleep((useconds_t)(rand_r(&seed) % 3000));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		while (read(fds[0], &got, sizeof(got)) == sizeof(got))
			acked = got;
		close(fds[0]);
		assert_true(acked >= T0 + 1000 * target);

		restart(t);
		txn = store_txn_begin(t->ctx.store, false);
		assert_non_null(txn);
		assert_int_equal(store_foreach(txn, STORE_DB_LIVE_CALLS,
					       live_collect, &l), 0);
		store_txn_abort(txn);
		assert_int_equal(l.n, 3);
		/* now: as long after the kill as a restart takes */
		now = acked + 1000 + rand_r(&seed) % 60000;
		assert_int_equal(b2b_credit_reconcile(t->ctx.store, now), 3);
		for (unsigned i = 0; i < 3; i++) {
			const struct store_live_call *c = &l.c[i];
			struct store_rate rt;
			struct store_cdr cdr = cdr_of(t->ctx.store, c->call_id);
			/* ticks are committed whole, one at most unreported */
			int64_t at = c->checkpoint_ms;

			assert_true(at == acked || at == acked + 1000);
			assert_int_equal(c->consumed_s,
					 b2b_credit_billed_s(at - c->answer_ms,
							     c->max_s));
			rt = strcmp(c->prefix, rate_b.prefix) ? rate_a : rate_b;
			/* at least the checkpoint, at most the real time */
			assert_int_equal(cdr.cost,
					 b2b_rating_cost(&rt, c->consumed_s));
			assert_true(cdr.cost <= b2b_rating_cost(&rt,
				b2b_credit_billed_s(now - c->answer_ms,
						    c->max_s)));
			assert_true(cdr.cost <= c->reserved);
		}
		assert_true(balance_of(t->ctx.store, a) >= 0);
		assert_true(balance_of(t->ctx.store, b) >= 0);
		s = cdrs(t->ctx.store);
		assert_int_equal(s.bad, 0);
		assert_int_equal(s.n, 3 * (r + 1));
		costs = s.cost;
		assert_int_equal(count(t->ctx.store, STORE_DB_LIVE_CALLS), 0);
		/* the ledger over every round so far */
		{
			int64_t sum = 0;

			for (int k = 0; k <= r; k++) {
				snprintf(a, sizeof(a), "a%d@kill", k);
				snprintf(b, sizeof(b), "b%d@kill", k);
				sum += balance_of(t->ctx.store, a) +
				       balance_of(t->ctx.store, b);
			}
			assert_int_equal(sum + costs, total);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reconcile_s),
		TCX_TEST(test_answer_and_ticks),
		TCX_TEST(test_end_deletes),
		TCX_TEST(test_reconcile_ledger),
		TCX_TEST(test_reconcile_limits),
		TCX_TEST(test_reconcile_corrupt),
		TCX_TEST(test_timer),
		TCX_TEST(test_sigkill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
