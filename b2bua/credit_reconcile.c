/*
 * The store side of prepaid crash safety (credit_checkpoint.h): settling,
 * when sbcd starts, the live call records a killed sbcd left (debit, CDR,
 * audit record, one transaction per call), and the sum of the
 * reservations an account's live calls hold.
 */
#include "credit_checkpoint.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "account_policy.h"
#include "credit_call.h"
#include "log.h"
#include "money.h"
#include "rating.h"

uint32_t b2b_credit_reconcile_s(const struct store_live_call *c,
				int64_t now_ms)
{
	int64_t since;
	uint32_t up;

	if (__builtin_sub_overflow(now_ms, c->answer_ms, &since))
		since = now_ms < 0 ? 0 : INT64_MAX;
	up = b2b_credit_billed_s(since, c->max_s);
	return c->consumed_s < up ? c->consumed_s : up;
}

/* store_foreach() callback: copies the first record and stops the walk */
static int take_first(const void *rec, void *arg)
{
	memcpy(arg, rec, sizeof(struct store_live_call));
	return 1;
}

/* the rate @c was admitted with */
static void rate_of(const struct store_live_call *c, struct store_rate *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->plan, sizeof(r->plan), "%s", c->plan);
	snprintf(r->prefix, sizeof(r->prefix), "%s", c->prefix);
	r->price_per_min = c->price_per_min;
	r->connect_fee = c->connect_fee;
	r->first_incr = c->first_incr;
	r->next_incr = c->next_incr;
}

/*
 * Takes @cost from @c's account in @txn, cut to what its balance holds,
 * with an audit record; *@debit is what was taken.  The call's @cdr
 * duration counts in the account's month usage (its quota) like a call
 * that ended normally.  An account deleted since is not debited.
 */
static int debit(struct store_txn *txn, const struct store_live_call *c,
		 const struct store_cdr *cdr, int64_t cost, uint32_t billed,
		 int64_t now_ms, int64_t *debit)
{
	struct store_audit au = { 0 };
	struct store_account a;
	char want[B2B_MONEY_TEXT_MAX], got[B2B_MONEY_TEXT_MAX];
	int rc;

	*debit = 0;
	rc = store_account_get(txn, c->account, &a);
	if (rc == -ENOENT) {
		log_warn("call %s: account %s deleted: not debited", c->id,
			 c->account);
		return 0;
	}
	if (rc < 0)
		return rc;
	rc = b2b_acct_policy_usage_add(&a, b2b_acct_policy_month(cdr->end_ms),
				       cdr->duration_ms);
	if (rc < 0)
		return rc;
	*debit = cost <= a.balance ? cost : a.balance > 0 ? a.balance : 0;
	if (*debit < cost) {
		b2b_money_format(cost, want, sizeof(want));
		b2b_money_format(*debit, got, sizeof(got));
		log_warn("call %s: account %s holds only %s %s of the %s it cost",
			 c->id, c->account, got, a.currency, want);
	}
	a.balance -= *debit;
	rc = store_account_put(txn, &a);
	if (rc < 0 || *debit == 0)
		return rc;
	au.time_ms = now_ms;
	snprintf(au.who, sizeof(au.who), "%s", B2B_CREDIT_WHO_CALL);
	snprintf(au.account, sizeof(au.account), "%s", a.id);
	snprintf(au.action, sizeof(au.action), "call");
	au.amount = *debit;
	au.balance_after = a.balance;
	snprintf(au.note, sizeof(au.note),
		 "call %s to %s, %u s billed at sbcd restart", c->id,
		 c->callee, billed);
	return store_audit_append(txn, &au);
}

/* The CDR of @c, which was last seen up at its checkpoint. */
static void cdr_fill(const struct store_live_call *c, int64_t now_ms,
		     int64_t cost, struct store_cdr *cdr)
{
	int64_t end = c->checkpoint_ms;

	memset(cdr, 0, sizeof(*cdr));
	/* a wall clock stepped back: not before the answer nor after now */
	if (end > now_ms)
		end = now_ms;
	if (end < c->answer_ms)
		end = c->answer_ms;
	snprintf(cdr->call_id, sizeof(cdr->call_id), "%s",
		 c->call_id[0] ? c->call_id : c->id);
	snprintf(cdr->caller, sizeof(cdr->caller), "%s", c->caller);
	snprintf(cdr->callee, sizeof(cdr->callee), "%s", c->callee);
	snprintf(cdr->ingress, sizeof(cdr->ingress), "%s", c->account);
	snprintf(cdr->egress, sizeof(cdr->egress), "%s", c->egress);
	cdr->setup_ms = c->setup_ms;
	cdr->answer_ms = c->answer_ms;
	cdr->end_ms = end;
	cdr->duration_ms = end - c->answer_ms;
	snprintf(cdr->reason, sizeof(cdr->reason), "%s",
		 B2B_CREDIT_RESTART_REASON);
	snprintf(cdr->side, sizeof(cdr->side), "sbc");
	cdr->cost = cost;
}

/*
 * Debit, CDR, audit record, dialog and live record of @c, in @txn; @cdr
 * receives the CDR (its cost: what was debited).
 */
static int settle(struct store_txn *txn, const struct store_live_call *c,
		  int64_t now_ms, struct store_cdr *cdr)
{
	uint32_t billed = b2b_credit_reconcile_s(c, now_ms);
	struct store_rate r;
	int64_t cost, taken;
	int rc;

	rate_of(c, &r);
	cost = b2b_rating_cost(&r, billed);
	if (cost < 0) {
		log_err("call %s of %s: its rate cannot price %u s: %s",
			c->id, c->account, billed, strerror((int)-cost));
		return (int)cost;
	}
	cdr_fill(c, now_ms, 0, cdr);
	rc = debit(txn, c, cdr, cost, billed, now_ms, &taken);
	if (rc < 0)
		return rc;
	cdr->cost = taken;
	rc = store_cdr_append(txn, cdr);
	if (rc == 0) {
		rc = store_dialog_del(txn, cdr->call_id);
		if (rc == -ENOENT)
			rc = 0;
	}
	if (rc == 0)
		rc = store_live_call_del(txn, c->account, c->id);
	return rc;
}

int b2b_credit_reconcile(struct store *st, int64_t now_ms)
{
	char text[B2B_MONEY_TEXT_MAX];
	struct store_live_call c;
	struct store_txn *txn;
	struct store_cdr cdr;
	int n = 0, rc;

	for (;;) {
		txn = store_txn_begin(st, true);
		if (!txn) {
			rc = -errno;
			break;
		}
		rc = store_foreach(txn, STORE_DB_LIVE_CALLS, take_first, &c);
		if (rc == 1)
			rc = settle(txn, &c, now_ms, &cdr);
		else if (rc == 0)
			rc = 1;		/* none left */
		if (rc != 0) {
			store_txn_abort(txn);
			break;
		}
		rc = store_txn_commit(txn);
		if (rc < 0)
			break;
		n++;
		b2b_money_format(cdr.cost, text, sizeof(text));
		log_notice("call %s of %s, cut by a restart: %lld ms, %s debited (CDR #%llu)",
			   c.id, c.account, (long long)cdr.duration_ms, text,
			   (unsigned long long)cdr.id);
	}
	if (rc < 0) {
		log_err("settling the prepaid calls of a previous sbcd: %s (%d settled)",
			strerror(-rc), n);
		return rc;
	}
	if (n)
		log_notice("settled %d prepaid call(s) a previous sbcd left", n);
	return n;
}

/* store_live_call_foreach() callback: adds up the reservations */
static int add_reserved(const void *rec, void *arg)
{
	const struct store_live_call *c = rec;
	int64_t *sum = arg;

	return __builtin_add_overflow(*sum, c->reserved, sum) ? -ERANGE : 0;
}

int b2b_credit_live_reserved(struct store_txn *txn, const char *account,
			     int64_t *sum)
{
	*sum = 0;
	return store_live_call_foreach(txn, account, add_reserved, sum);
}
