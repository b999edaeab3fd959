/*
 * Rate commands: rates import, rates show (rate.import, rate.list).
 *
 * rate.import takes the content of a rates file (rates_csv.h), not a path:
 * sbcd never opens files a control client names.  sbcctl reads the file
 * itself when given "@FILE"; other clients send the text as the "csv"
 * param.  The whole file is checked first and imported only when every row
 * is good, in one write transaction together with its audit record:
 * mode=merge (the default) adds or replaces the file's rates one by one,
 * mode=replace first deletes every rate of each plan the file (or plan=)
 * names, so those plans end up exactly as the file says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credit.h"
#include "log.h"
#include "provision_pvt.h"
#include "rates_csv.h"
#include "rating.h"
#include "route.h"

#define DEFAULT_WORD "default"
#define EXAMPLE_SECONDS 60	/* rates show PLAN NUMBER prices a call */

static const char *const import_pos[] = { "csv", NULL };
static const char *const import_opts[] = { "plan", "mode", NULL };
static const char *const show_pos[] = { "plan", "number", NULL };

static json_t *rate_json(const void *rec)
{
	const struct store_rate *r = rec;

	return json_pack("{s:s, s:s, s:o, s:o, s:I, s:I}", "plan", r->plan,
			 "prefix", *r->prefix ? r->prefix : DEFAULT_WORD,
			 "price_per_min", b2b_credit_money_json(r->price_per_min),
			 "connect_fee", b2b_credit_money_json(r->connect_fee),
			 "first_incr", (json_int_t)r->first_incr,
			 "next_incr", (json_int_t)r->next_incr);
}

/* the optional plan argument, b2b_rates_plan_valid() */
static int plan_get(const json_t *args, const char **plan,
		    struct ctl_reply *rep)
{
	int rc = b2b_prov_str(args, "plan", false, plan, rep);

	if (rc == 0 && *plan && !b2b_rates_plan_valid(*plan))
		return b2b_prov_bad(rep, "bad plan '%s': expected "
				    B2B_RATES_PLAN_SYNTAX, *plan);
	return rc;
}

/* the CTL_ERR_INVALID_PARAMS error listing the bad rows of @f */
static int import_refused(const struct b2b_rates_csv *f, const char *csv,
			  struct ctl_reply *rep)
{
	size_t shown = f->n_bad < B2B_RATES_CSV_ERRORS_MAX ?
		       f->n_bad : B2B_RATES_CSV_ERRORS_MAX;
	char *msg = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&msg, &len);

	if (!m)
		return -ENOMEM;
	fprintf(m, "rates not imported, %zu bad line(s)", f->n_bad);
	for (size_t i = 0; i < shown; i++)
		fprintf(m, "; line %u: %s", f->errors[i].line,
			f->errors[i].what);
	if (f->n_bad > shown)
		fprintf(m, "; and %zu more", f->n_bad - shown);
	if (!strchr(csv, '\n'))
		fputs(" (the file's content is expected: sbcctl reads FILE given as @FILE)",
		      m);
	if (fclose(m) != 0) {
		free(msg);
		return -ENOMEM;
	}
	b2b_prov_bad(rep, "%s", msg);
	free(msg);
	return -EINVAL;
}

/* "a, b, c" of the strings in @arr, as many as fit @buf[@size] */
static void join(const json_t *arr, char *buf, size_t size)
{
	size_t used = 0, i;
	json_t *v;
	int n;

	buf[0] = '\0';
	json_array_foreach(arr, i, v) {
		n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
			     json_string_value(v));
		if (n < 0 || (size_t)n >= size - used) {
			buf[used] = '\0';
			break;
		}
		used += (size_t)n;
	}
}

static int plan_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* the distinct plans of @f's rows and @plan (if any), sorted, as JSON */
static json_t *plans_json(const struct b2b_rates_csv *f, const char *plan)
{
	const char **v = malloc((f->n_rows + 1) * sizeof(*v));
	json_t *arr = json_array();
	size_t n = 0;

	if (v && plan)
		v[n++] = plan;
	for (size_t i = 0; v && i < f->n_rows; i++)
		v[n++] = f->rows[i].rate.plan;
	if (v)
		qsort(v, n, sizeof(*v), plan_cmp);
	for (size_t i = 0; v && arr && i < n; i++) {
		if ((i == 0 || strcmp(v[i - 1], v[i]) != 0) &&
		    json_array_append_new(arr, json_string(v[i])) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (!v) {
		json_decref(arr);
		arr = NULL;
	}
	free(v);
	return arr;
}

/* prefixes of one plan's rates, collected before they are deleted */
struct prefixes {
	char (*v)[STORE_PREFIX_MAX];
	size_t n, cap;
};

static int prefix_add(const void *rec, void *arg)
{
	const struct store_rate *r = rec;
	struct prefixes *p = arg;
	void *v;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		v = reallocarray(p->v, p->cap, sizeof(*p->v));
		if (!v)
			return -ENOMEM;
		p->v = v;
	}
	strcpy(p->v[p->n++], r->prefix);
	return 0;
}

/* deletes every rate of @plan in @txn, adding their number to *@deleted */
static int plan_clear(struct store_txn *txn, const char *plan,
		      size_t *deleted)
{
	struct prefixes p = { NULL, 0, 0 };
	int rc = store_rate_foreach(txn, plan, prefix_add, &p);

	for (size_t i = 0; rc == 0 && i < p.n; i++)
		rc = store_rate_del(txn, plan, p.v[i]);
	if (rc == 0)
		*deleted += p.n;
	free(p.v);
	return rc;
}

/* the rows of @f (all good) into the store, and the audit record */
static int import_write(struct b2b_ctx *ctx, const struct b2b_rates_csv *f,
			const char *plan, bool replace, struct ctl_reply *rep)
{
	json_t *plans = plans_json(f, plan);
	struct store_audit au = { 0 };
	struct store_txn *txn = NULL;
	char names[STORE_NOTE_MAX / 2];
	size_t deleted = 0, i;
	json_t *v;
	int rc = 0;

	if (!plans)
		return -ENOMEM;
	join(plans, names, sizeof(names));
	txn = store_txn_begin(ctx->store, true);
	if (!txn)
		rc = -errno;
	json_array_foreach(plans, i, v) {
		if (rc == 0 && replace)
			rc = plan_clear(txn, json_string_value(v), &deleted);
	}
	for (i = 0; rc == 0 && i < f->n_rows; i++)
		rc = store_rate_put(txn, &f->rows[i].rate);
	if (rc == 0) {
		snprintf(au.action, sizeof(au.action), "import-rates");
		snprintf(au.note, sizeof(au.note),
			 "%s: %zu rate(s) imported, %zu deleted first; plans %s",
			 replace ? "replace" : "merge", f->n_rows, deleted,
			 names);
		rc = b2b_credit_audit(txn, &au);
	}
	if (rc < 0) {
		store_txn_abort(txn);
		json_decref(plans);
		return rc;
	}
	rc = b2b_prov_commit(txn, "rates", rep);
	if (rc < 0) {
		json_decref(plans);
		return rc;
	}
	log_notice("rates imported (audit #%llu): %s",
		   (unsigned long long)au.id, au.note);
	return ctl_reply_set_result(rep, json_pack("{s:s, s:o, s:I, s:I, s:I}",
		"mode", replace ? "replace" : "merge", "plans", plans,
		"imported", (json_int_t)f->n_rows,
		"deleted", (json_int_t)deleted, "audit_id", (json_int_t)au.id));
}

/* rates import CSV [plan=NAME] [mode=merge|replace] */
static int import_handler(void *arg, const json_t *params,
			  struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { import_pos, NULL, import_opts };
	const char *csv = NULL, *plan = NULL, *mode = "merge";
	struct b2b_rates_csv f = { 0 };
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	rc = b2b_prov_str(args, "csv", true, &csv, rep);
	if (rc == 0)
		rc = plan_get(args, &plan, rep);
	if (rc == 0)
		rc = b2b_prov_str(args, "mode", false, &mode, rep);
	if (rc == 0 && strcmp(mode, "merge") != 0 &&
	    strcmp(mode, "replace") != 0)
		rc = b2b_prov_bad(rep, "mode must be merge or replace");
	if (rc == 0)
		rc = b2b_rates_csv_parse(csv, strlen(csv), plan, &f);
	if (rc == 0 && f.n_bad > 0)
		rc = import_refused(&f, csv, rep);
	/* an empty file only makes sense to empty a plan */
	if (rc == 0 && f.n_rows == 0 && !(plan && mode[0] == 'r'))
		rc = b2b_prov_bad(rep, "no rates in the file (an empty file with plan=NAME mode=replace deletes the plan's rates)");
	if (rc == 0)
		rc = import_write(arg, &f, plan, mode[0] == 'r', rep);
	b2b_rates_csv_free(&f);
	json_decref(args);
	return rc;
}

static int rate_append(const void *rec, void *arg)
{
	return json_array_append_new(arg, rate_json(rec)) < 0 ? -ENOMEM : 0;
}

/* rates show PLAN: that plan's rates by prefix */
static int plan_show(struct b2b_ctx *ctx, const char *plan,
		     struct ctl_reply *rep)
{
	struct store_txn *txn = store_txn_begin(ctx->store, false);
	json_t *arr = json_array();
	int rc = !txn ? -errno : !arr ? -ENOMEM : 0;

	if (rc == 0)
		rc = store_rate_foreach(txn, plan, rate_append, arr);
	store_txn_abort(txn);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	return ctl_reply_set_result(rep, arr);
}

/* rates show PLAN NUMBER|default: the rate a call pays, and an example */
static int rate_pick(struct b2b_ctx *ctx, const char *plan,
		     const char *number, struct ctl_reply *rep)
{
	bool def = strcmp(number, DEFAULT_WORD) == 0;
	struct store_txn *txn;
	struct store_rate r;
	json_t *res;
	int64_t cost;
	int rc;

	if (!def && !b2b_number_valid(number))
		return b2b_prov_bad(rep, "bad number '%s': expected digits with an optional leading '+' (at most %d characters), or 'default'",
				    number, STORE_PREFIX_MAX - 1);
	txn = store_txn_begin(ctx->store, false);
	if (!txn)
		return -errno;
	rc = def ? store_rate_get(txn, plan, "", &r)
		 : b2b_rating_lookup(txn, plan, number, &r);
	store_txn_abort(txn);
	if (rc == -ENOENT)
		return ctl_reply_error(rep, CTL_ERR_NOT_FOUND,
				       "plan %s has no rate for %s: no prefix of it and no default rate",
				       plan, number);
	if (rc < 0)
		return rc;
	cost = b2b_rating_cost(&r, EXAMPLE_SECONDS);
	res = rate_json(&r);
	if (res && (json_object_set_new(res, "number", json_string(number)) < 0 ||
		    json_object_set_new(res, "cost_60s", cost < 0 ? json_null() :
					b2b_credit_money_json(cost)) < 0)) {
		json_decref(res);
		res = NULL;
	}
	return ctl_reply_set_result(rep, res);
}

/* rates show [PLAN [NUMBER|default]] */
static int list_handler(void *arg, const json_t *params,
			struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { show_pos, NULL, NULL };
	const char *plan = NULL, *number = NULL;
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	rc = plan_get(args, &plan, rep);
	if (rc == 0)
		rc = b2b_prov_str(args, "number", false, &number, rep);
	if (rc == 0 && !plan)
		rc = b2b_prov_list(arg, STORE_DB_RATES, rate_json, rep);
	else if (rc == 0 && !number)
		rc = plan_show(arg, plan, rep);
	else if (rc == 0)
		rc = rate_pick(arg, plan, number, rep);
	json_decref(args);
	return rc;
}

int b2b_rates_ctl_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmds[] = {
		{ "rate.import", "rates import",
		  "@FILE.csv [plan=NAME] [mode=merge|replace]",
		  "import rates from CSV (header " B2B_RATES_CSV_HEADER "): "
		  "every row or none; mode=replace first deletes the rates of "
		  "the plans named; audited",
		  1, 3, import_handler, ctx },
		{ "rate.list", "rates show", "[PLAN [NUMBER|default]]",
		  "all rates, one plan's, or the rate a call to NUMBER pays "
		  "under PLAN (longest prefix) with the cost of 60 s",
		  0, 2, list_handler, ctx },
	};

	return ctl_registry_add_all(ctx->ctl_reg, cmds,
				    sizeof(cmds) / sizeof(cmds[0]));
}
