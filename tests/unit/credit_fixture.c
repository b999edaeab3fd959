/*
 * Shared fixture of the credit control unit tests: see credit_fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "credit.h"
#include "credit_fixture.h"
#include "ctl_registry.h"
#include "store.h"

int cfx_setup(void **state)
{
	struct cfx *c = calloc(1, sizeof(*c));
	void *fx = NULL;
	int rc;

	*state = c;
	if (!c)
		return -1;
	rc = fx_setup(&fx);
	c->fx = fx;
	if (rc < 0)
		return -1;
	c->ctx.store = c->fx->st;
	c->ctx.ctl_reg = ctl_registry_new();
	if (!c->ctx.ctl_reg)
		return -1;
	return b2b_credit_register(&c->ctx) == 0 ? 0 : -1;
}

int cfx_teardown(void **state)
{
	struct cfx *c = *state;
	void *fx = c->fx;

	ctl_registry_free(c->ctx.ctl_reg);
	if (fx)
		fx_teardown(&fx);
	free(c);
	return 0;
}

json_t *cfx_call(struct cfx *c, const char *method, json_t *params)
{
	json_t *req = json_pack("{s:s, s:i, s:s, s:o}", "jsonrpc", "2.0",
				"id", 1, "method", method, "params", params);
	char *text, *reply = NULL;
	json_t *resp;

	assert_non_null(req);
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	assert_non_null(text);
	assert_int_equal(ctl_handle_request(c->ctx.ctl_reg, text, strlen(text),
					    &reply), 0);
	free(text);
	assert_non_null(reply);
	resp = json_loads(reply, 0, NULL);
	free(reply);
	assert_non_null(resp);
	return resp;
}

/* the error message of @resp, or "" */
static const char *message(const json_t *resp)
{
	const char *m = json_string_value(json_object_get(
		json_object_get(resp, "error"), "message"));

	return m ? m : "";
}

json_t *cfx_ok(struct cfx *c, const char *method, json_t *params)
{
	json_t *resp = cfx_call(c, method, params);
	json_t *res = json_object_get(resp, "result");

	if (!res)
		fail_msg("%s: %s", method, message(resp));
	json_incref(res);
	json_decref(resp);
	return res;
}

void cfx_err(struct cfx *c, const char *method, json_t *params, int code,
	     const char *part)
{
	json_t *resp = cfx_call(c, method, params);
	json_int_t got = json_integer_value(json_object_get(
		json_object_get(resp, "error"), "code"));

	if (!json_object_get(resp, "error"))
		fail_msg("%s succeeded, wanted '%s'", method, part);
	if (got != code || !strstr(message(resp), part))
		fail_msg("%s: want %d '...%s...', got %d '%s'", method, code,
			 part, (int)got, message(resp));
	json_decref(resp);
}

const char *cfx_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	if (!s)
		fail_msg("no string member '%s'", key);
	return s;
}

void cfx_account(struct cfx *c, const char *id, bool prepaid,
		 int64_t balance)
{
	struct store_txn *t = fx_begin(c->fx, true);
	struct store_account a;

	sample_account(&a, id, balance);
	a.prepaid = prepaid;
	a.blocked = false;
	assert_int_equal(store_account_put(t, &a), 0);
	assert_int_equal(store_txn_commit(t), 0);
}

int64_t cfx_balance(struct cfx *c, const char *id)
{
	struct store_txn *t = fx_begin(c->fx, false);
	struct store_account a;

	assert_int_equal(store_account_get(t, id, &a), 0);
	store_txn_abort(t);
	return a.balance;
}

size_t cfx_count(struct cfx *c, enum store_db db)
{
	size_t n = 0;

	assert_int_equal(store_count(c->ctx.store, db, &n), 0);
	return n;
}
