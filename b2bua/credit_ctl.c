/*
 * Balance commands: account balance, account credit, account debit,
 * account audit (account.balance, account.credit, account.debit,
 * account.audit), and the registration of all credit control commands.
 *
 * AMOUNT is money as b2b_money_parse() reads it ("10", "2.50"), in the
 * account's currency, and must be positive: a credit adds it, a debit
 * takes it away.  A debit may take a postpaid balance below zero, but a
 * prepaid one only with force=yes, and never below what the account's
 * calls in progress have reserved.  Each credit or debit is one write
 * transaction: read the account, check, write the new balance, append the
 * audit record, commit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "credit.h"
#include "credit_call.h"
#include "credit_checkpoint.h"
#include "log.h"
#include "money.h"
#include "provision_pvt.h"

#define AUDIT_LIST_DEFAULT 20
#define AUDIT_LIST_MAX 1000

static const char *const amount_pos[] = { "id", "amount", NULL };
static const char *const audit_pos[] = { "id", "n", NULL };
static const char *const credit_opts[] = { "note", NULL };
static const char *const debit_opts[] = { "note", "force", NULL };

json_t *b2b_credit_money_json(int64_t amount)
{
	char text[B2B_MONEY_TEXT_MAX];

	b2b_money_format(amount, text, sizeof(text));
	return json_string(text);
}

int b2b_credit_audit(struct store_txn *txn, struct store_audit *a)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	a->time_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	snprintf(a->who, sizeof(a->who), "%s", B2B_CREDIT_WHO_CTL);
	return store_audit_append(txn, a);
}

/* the account @id in @txn, or CTL_ERR_NOT_FOUND */
static int account_get(struct store_txn *txn, const char *id,
		       struct store_account *a, struct ctl_reply *rep)
{
	int rc = store_account_get(txn, id, a);

	/* -EINVAL: empty or too long to be an account id */
	if (rc == -ENOENT || rc == -EINVAL) {
		ctl_reply_error(rep, CTL_ERR_NOT_FOUND, "no account %s", id);
		return -ENOENT;
	}
	return rc;
}

/* {"id", "balance", "currency", "balance_micro", "prepaid"} of @a */
static json_t *balance_json(const struct store_account *a)
{
	return json_pack("{s:s, s:o, s:s, s:I, s:b}", "id", a->id,
			 "balance", b2b_credit_money_json(a->balance),
			 "currency", a->currency,
			 "balance_micro", (json_int_t)a->balance,
			 "prepaid", (int)a->prepaid);
}

static int balance_show(struct b2b_ctx *ctx, const char *id,
			struct ctl_reply *rep)
{
	struct store_txn *txn = store_txn_begin(ctx->store, false);
	struct store_account a;
	int64_t reserved = 0;
	json_t *res;
	int rc;

	if (!txn)
		return -errno;
	rc = account_get(txn, id, &a, rep);
	/* held by its answered prepaid calls (credit_checkpoint.h) */
	if (rc == 0)
		rc = b2b_credit_live_reserved(txn, a.id, &reserved);
	store_txn_abort(txn);
	if (rc < 0)
		return rc;
	res = balance_json(&a);
	if (res && (json_object_set_new(res, "reserved",
					b2b_credit_money_json(reserved)) < 0 ||
		    json_object_set_new(res, "available",
					b2b_credit_money_json(
					b2b_credit_available(a.balance,
							     reserved))) < 0)) {
		json_decref(res);
		res = NULL;
	}
	return ctl_reply_set_result(rep, res);
}

static int balance_handler(void *arg, const json_t *params,
			   struct ctl_reply *rep)
{
	return b2b_prov_one(arg, params, "id", true, balance_show, rep);
}

/* a change of balance: credit or debit */
struct change {
	const char *action;	/* "credit" or "debit" */
	const char *id;
	int64_t amount;		/* > 0 */
	bool force;		/* debit: a prepaid balance may go below 0 */
	char note[STORE_NOTE_MAX];
};

/* AMOUNT: money, > 0 */
static int amount_get(const json_t *args, int64_t *out, struct ctl_reply *rep)
{
	const char *s;
	int rc = b2b_prov_str(args, "amount", true, &s, rep);

	if (rc < 0)
		return rc;
	rc = b2b_money_parse(s, out);
	if (rc == -ERANGE)
		return b2b_prov_bad(rep, "amount '%s' is out of range", s);
	if (rc < 0)
		return b2b_prov_bad(rep, "bad amount '%s': expected an amount such as 10 or 2.50, at most %d decimals",
				    s, B2B_MONEY_DECIMALS);
	if (*out <= 0)
		return b2b_prov_bad(rep, "amount must be positive");
	return 0;
}

/*
 * The balance of @a after @c into *@out, or a CTL_ERR_FAILED error.  @out
 * must not point into @a: GCC 12 returns a wrong overflow flag from
 * "x ? __builtin_sub_overflow(...) : __builtin_add_overflow(...)" when the
 * result overwrites an operand (tests/unit/test_credit.c caught it).
 * @reserved is what the account's calls in progress hold: a debit may not
 * take the balance below it, force or not, or those calls would spend
 * money the account no longer has.
 */
static int balance_after(const struct store_account *a,
			 const struct change *c, int64_t reserved,
			 int64_t *out, struct ctl_reply *rep)
{
	char res[B2B_MONEY_TEXT_MAX];
	char bal[B2B_MONEY_TEXT_MAX], amt[B2B_MONEY_TEXT_MAX];
	bool debit = strcmp(c->action, "debit") == 0;
	bool overflow;

	b2b_money_format(a->balance, bal, sizeof(bal));
	b2b_money_format(c->amount, amt, sizeof(amt));
	if (debit)
		overflow = __builtin_sub_overflow(a->balance, c->amount, out);
	else
		overflow = __builtin_add_overflow(a->balance, c->amount, out);
	if (overflow) {
		ctl_reply_error(rep, CTL_ERR_FAILED,
				"account %s: balance %s %s %s %s is out of range",
				a->id, bal, a->currency, debit ? "-" : "+", amt);
		return -ERANGE;
	}
	if (debit && reserved > 0 && *out < reserved) {
		b2b_money_format(reserved, res, sizeof(res));
		ctl_reply_error(rep, CTL_ERR_FAILED,
				"account %s: a debit of %s would take its balance of %s %s below the %s its calls in progress have reserved; wait for them to end or kill them",
				a->id, amt, bal, a->currency, res);
		return -EBUSY;
	}
	if (debit && a->prepaid && *out < 0 && !c->force) {
		ctl_reply_error(rep, CTL_ERR_FAILED,
				"account %s is prepaid: a debit of %s would take its balance of %s %s below zero (force=yes allows it)",
				a->id, amt, bal, a->currency);
		return -ERANGE;
	}
	return 0;
}

/* one write transaction: new balance and its audit record */
static int change_apply(struct b2b_ctx *ctx, const struct change *c,
			struct ctl_reply *rep)
{
	struct store_txn *txn = store_txn_begin(ctx->store, true);
	struct store_audit au = { 0 };
	struct store_account a;
	char what[STORE_ID_MAX + 16], amt[B2B_MONEY_TEXT_MAX];
	char bal[B2B_MONEY_TEXT_MAX];
	int64_t balance, reserved = 0;
	json_t *res;
	int rc;

	if (!txn)
		return -errno;
	rc = account_get(txn, c->id, &a, rep);
	/* in the debit's own txn: checked against what it will change */
	if (rc == 0)
		rc = b2b_credit_live_reserved(txn, a.id, &reserved);
	if (rc == 0)
		rc = balance_after(&a, c, reserved, &balance, rep);
	if (rc == 0) {
		a.balance = balance;
		rc = store_account_put(txn, &a);
	}
	if (rc == 0) {
		snprintf(au.account, sizeof(au.account), "%s", a.id);
		snprintf(au.action, sizeof(au.action), "%s", c->action);
		au.amount = c->amount;
		au.balance_after = a.balance;
		memcpy(au.note, c->note, sizeof(au.note));
		rc = b2b_credit_audit(txn, &au);
	}
	if (rc < 0) {
		store_txn_abort(txn);
		return rc;
	}
	snprintf(what, sizeof(what), "account %s", a.id);
	rc = b2b_prov_commit(txn, what, rep);
	if (rc < 0)
		return rc;
	b2b_money_format(c->amount, amt, sizeof(amt));
	b2b_money_format(a.balance, bal, sizeof(bal));
	log_notice("%s: %s %s %s, balance %s %s (audit #%llu)", what,
		   c->action, amt, a.currency, bal, a.currency,
		   (unsigned long long)au.id);
	res = balance_json(&a);
	if (res && (json_object_set_new(res, "action",
					json_string(c->action)) < 0 ||
		    json_object_set_new(res, "amount",
					b2b_credit_money_json(c->amount)) < 0 ||
		    json_object_set_new(res, "audit_id",
					json_integer((json_int_t)au.id)) < 0)) {
		json_decref(res);
		res = NULL;
	}
	return ctl_reply_set_result(rep, res);
}

/* account credit|debit ID AMOUNT [note=TEXT] [force=yes] */
static int change_handler(struct b2b_ctx *ctx, const json_t *params,
			  const char *action, const char *const *opts,
			  struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { amount_pos, NULL, opts };
	struct change c = { .action = action };
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	rc = b2b_prov_str(args, "id", true, &c.id, rep);
	if (rc == 0)
		rc = amount_get(args, &c.amount, rep);
	if (rc == 0)
		rc = b2b_prov_text(args, "note", false, c.note, sizeof(c.note),
				   rep);
	if (rc == 0)
		rc = b2b_prov_bool(args, "force", &c.force, rep);
	if (rc == 0)
		rc = change_apply(ctx, &c, rep);
	json_decref(args);
	return rc;
}

static int credit_handler(void *arg, const json_t *params,
			  struct ctl_reply *rep)
{
	return change_handler(arg, params, "credit", credit_opts, rep);
}

static int debit_handler(void *arg, const json_t *params,
			 struct ctl_reply *rep)
{
	return change_handler(arg, params, "debit", debit_opts, rep);
}

/* what store_audit_foreach() hands to audit_add() */
struct audit_list {
	json_t *arr;
	size_t max;
};

/* unix time @ms as "2026-01-01T00:00:00.123Z" */
static json_t *time_json(int64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	char text[64];
	size_t n;

	if (!gmtime_r(&s, &tm))
		return json_integer((json_int_t)ms);
	n = strftime(text, sizeof(text) - 8, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(text + n, sizeof(text) - n, ".%03uZ", (unsigned)(ms % 1000));
	return json_string(text);
}

static int audit_add(const void *rec, void *arg)
{
	const struct store_audit *a = rec;
	struct audit_list *l = arg;
	json_t *row;

	row = json_pack("{s:I, s:o, s:s, s:s, s:o, s:o, s:s}",
			"id", (json_int_t)a->id, "time", time_json(a->time_ms),
			"who", a->who, "action", a->action,
			"amount", b2b_credit_money_json(a->amount),
			"balance_after", b2b_credit_money_json(a->balance_after),
			"note", a->note);
	if (json_array_append_new(l->arr, row) < 0)
		return -ENOMEM;
	return json_array_size(l->arr) >= l->max ? 1 : 0;
}

/* account audit ID [N]: the last N records, newest first */
static int audit_handler(void *arg, const json_t *params,
			 struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { audit_pos, NULL, NULL };
	struct b2b_ctx *ctx = arg;
	uint32_t n = AUDIT_LIST_DEFAULT;
	struct audit_list l = { NULL, 0 };
	struct store_txn *txn = NULL;
	struct store_account a;
	char id[STORE_ID_MAX];
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	/* not empty: records without an account are not an account's */
	rc = b2b_prov_text(args, "id", true, id, sizeof(id), rep);
	if (rc == 0)
		rc = b2b_prov_u32(args, "n", UINT32_MAX, &n, rep);
	if (rc == 0 && (n == 0 || n > AUDIT_LIST_MAX))
		rc = b2b_prov_bad(rep, "n must be an integer from 1 to %d",
				  AUDIT_LIST_MAX);
	if (rc == 0) {
		l = (struct audit_list){ json_array(), n };
		txn = store_txn_begin(ctx->store, false);
		rc = !l.arr ? -ENOMEM : !txn ? -errno : 0;
	}
	if (rc == 0)
		rc = store_audit_foreach(txn, id, audit_add, &l);
	/* records outlive a deleted account; a name with neither is a typo */
	if (rc >= 0 && json_array_size(l.arr) == 0)
		rc = account_get(txn, id, &a, rep);
	store_txn_abort(txn);
	json_decref(args);
	if (rc < 0) {
		json_decref(l.arr);
		return rc;
	}
	return ctl_reply_set_result(rep, l.arr);
}

int b2b_credit_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmds[] = {
		{ "account.balance", "account balance", "USER@DOMAIN",
		  "a subscriber's balance, reserved and available credit",
		  1, 1, balance_handler, ctx },
		{ "account.credit", "account credit",
		  "USER@DOMAIN AMOUNT [note=TEXT]",
		  "add AMOUNT (e.g. 10.50, account currency) to a balance; "
		  "audited",
		  2, 3, credit_handler, ctx },
		{ "account.debit", "account debit",
		  "USER@DOMAIN AMOUNT [note=TEXT] [force=yes|no]",
		  "take AMOUNT from a balance; a prepaid balance goes below "
		  "zero only with force=yes, and no balance below what its "
		  "calls in progress reserved; audited",
		  2, 4, debit_handler, ctx },
		{ "account.audit", "account audit", "USER@DOMAIN [N]",
		  "the last N (default 20) balance changes of a subscriber, "
		  "newest first",
		  1, 2, audit_handler, ctx },
	};
	int rc;

	rc = ctl_registry_add_all(ctx->ctl_reg, cmds,
				  sizeof(cmds) / sizeof(cmds[0]));
	return rc < 0 ? rc : b2b_rates_ctl_register(ctx);
}
