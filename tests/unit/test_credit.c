/*
 * Unit tests of the balance commands (b2bua/credit_ctl.c) through
 * ctl_handle_request(): account.balance, account.credit, account.debit and
 * account.audit on a fresh store per test (credit_fixture.c).  Balances
 * must come out exact to the micro-unit, every change must leave exactly
 * one audit record, and every refused change must leave the balance and
 * the audit log as they were.  Debits never take a balance below what the
 * account's calls in progress reserved (their live records).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "credit_fixture.h"
#include "ctl_registry.h"
#include "log.h"
#include "store.h"

#define ALICE "alice@sbc.example"	/* prepaid */
#define BOB "bob@sbc.example"		/* postpaid */

static void test_registered(void **state)
{
	static const char *const methods[] = {
		"account.balance", "account.credit", "account.debit",
		"account.audit", "rate.import", "rate.list",
	};
	struct cfx *c = *state;

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		assert_non_null(ctl_registry_find(c->ctx.ctl_reg, methods[i]));
	assert_string_equal(ctl_registry_find(c->ctx.ctl_reg,
					      "account.credit")->words,
			    "account credit");
	assert_string_equal(ctl_registry_find(c->ctx.ctl_reg,
					      "rate.import")->words,
			    "rates import");
}

static void test_balance(void **state)
{
	struct cfx *c = *state;
	json_t *res;

	cfx_account(c, ALICE, true, 12345678);
	res = cfx_ok(c, "account.balance", json_pack("[s]", ALICE));
	assert_string_equal(cfx_str(res, "balance"), "12.345678");
	assert_string_equal(cfx_str(res, "currency"), "EUR");
	assert_string_equal(cfx_str(res, "reserved"), "0.00");
	assert_string_equal(cfx_str(res, "available"), "12.345678");
	assert_int_equal(json_integer_value(json_object_get(res,
							    "balance_micro")),
			 12345678);
	assert_true(json_is_true(json_object_get(res, "prepaid")));
	json_decref(res);
	res = cfx_ok(c, "account.balance", json_pack("{s:s}", "id", ALICE));
	json_decref(res);
	cfx_err(c, "account.balance", json_pack("[s]", BOB), CTL_ERR_NOT_FOUND,
		"no account " BOB);
	cfx_err(c, "account.balance", json_pack("[s]", ""), CTL_ERR_NOT_FOUND,
		"no account");
	cfx_err(c, "account.balance", json_pack("[]"), CTL_ERR_INVALID_PARAMS,
		"missing arguments");
}

/* credits and debits add up exactly, each with its audit record */
static void test_credit_debit(void **state)
{
	struct cfx *c = *state;
	struct store_audit a;
	struct store_txn *t;
	json_t *res;

	cfx_account(c, ALICE, true, 0);
	res = cfx_ok(c, "account.credit",
		     json_pack("[s,s,s]", ALICE, "10.1", "note=voucher 77"));
	assert_string_equal(cfx_str(res, "balance"), "10.10");
	assert_string_equal(cfx_str(res, "amount"), "10.10");
	assert_string_equal(cfx_str(res, "action"), "credit");
	assert_int_equal(json_integer_value(json_object_get(res, "audit_id")),
			 1);
	json_decref(res);
	res = cfx_ok(c, "account.credit", json_pack("[s,s]", ALICE, "0.000001"));
	json_decref(res);
	res = cfx_ok(c, "account.debit",
		     json_pack("{s:s, s:s, s:s}", "id", ALICE,
			       "amount", "3.333333", "note", "refund"));
	assert_string_equal(cfx_str(res, "balance"), "6.766668");
	json_decref(res);
	assert_int_equal(cfx_balance(c, ALICE), 6766668);
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 3);

	t = fx_begin(c->fx, false);
	assert_int_equal(store_audit_get(t, 1, &a), 0);
	assert_string_equal(a.who, "ctl");
	assert_string_equal(a.account, ALICE);
	assert_string_equal(a.action, "credit");
	assert_int_equal(a.amount, 10100000);
	assert_int_equal(a.balance_after, 10100000);
	assert_string_equal(a.note, "voucher 77");
	assert_true(a.time_ms > 1700000000000);
	assert_int_equal(store_audit_get(t, 3, &a), 0);
	assert_string_equal(a.action, "debit");
	assert_int_equal(a.amount, 3333333);
	assert_int_equal(a.balance_after, 6766668);
	store_txn_abort(t);
}

/* refused changes leave the balance and the audit log untouched */
static void test_refused(void **state)
{
	static const char *const bad_amounts[] = {
		"0", "-1", "0.0000001", "1e3", "", "abc", " 1", "1,5",
	};
	struct cfx *c = *state;
	json_t *res;

	cfx_account(c, ALICE, true, 1000000);
	for (size_t i = 0; i < sizeof(bad_amounts) / sizeof(bad_amounts[0]);
	     i++) {
		cfx_err(c, "account.credit",
			json_pack("[s,s]", ALICE, bad_amounts[i]),
			CTL_ERR_INVALID_PARAMS, "amount");
		cfx_err(c, "account.debit",
			json_pack("[s,s]", ALICE, bad_amounts[i]),
			CTL_ERR_INVALID_PARAMS, "amount");
	}
	cfx_err(c, "account.credit", json_pack("[s,s]", ALICE,
					       "99999999999999"),
		CTL_ERR_INVALID_PARAMS, "out of range");
	cfx_err(c, "account.credit", json_pack("[s,s]", BOB, "1"),
		CTL_ERR_NOT_FOUND, "no account " BOB);
	cfx_err(c, "account.credit", json_pack("[s,s,s]", ALICE, "1", "colour=red"),
		CTL_ERR_INVALID_PARAMS, "expected one of note=");
	cfx_err(c, "account.credit", json_pack("[s,s,s]", ALICE, "1", "force=yes"),
		CTL_ERR_INVALID_PARAMS, "expected one of note=");
	cfx_err(c, "account.credit", json_pack("[s,s,s]", ALICE, "1",
					       "note=a\x01" "b"),
		CTL_ERR_INVALID_PARAMS, "note must not contain control");
	cfx_err(c, "account.credit", json_pack("{s:s, s:i}", "id", ALICE,
					       "amount", 5),
		CTL_ERR_INVALID_PARAMS, "amount must be a string");
	/* a prepaid balance does not go below zero without force=yes */
	cfx_err(c, "account.debit", json_pack("[s,s]", ALICE, "1.000001"),
		CTL_ERR_FAILED, "would take its balance of 1.00 EUR below zero");
	cfx_err(c, "account.debit", json_pack("[s,s,s]", ALICE, "2", "force=maybe"),
		CTL_ERR_INVALID_PARAMS, "force must be yes or no");
	assert_int_equal(cfx_balance(c, ALICE), 1000000);
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 0);

	res = cfx_ok(c, "account.debit", json_pack("[s,s]", ALICE, "1"));
	assert_string_equal(cfx_str(res, "balance"), "0.00");
	json_decref(res);
	res = cfx_ok(c, "account.debit", json_pack("[s,s,s]", ALICE, "0.5",
						   "force=yes"));
	assert_string_equal(cfx_str(res, "balance"), "-0.50");
	json_decref(res);
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 2);
}

/* a postpaid balance may go negative; no balance leaves int64 */
static void test_postpaid_and_overflow(void **state)
{
	struct cfx *c = *state;
	json_t *res;

	cfx_account(c, BOB, false, 0);
	res = cfx_ok(c, "account.debit", json_pack("[s,s]", BOB, "25.75"));
	assert_string_equal(cfx_str(res, "balance"), "-25.75");
	assert_false(json_is_true(json_object_get(res, "prepaid")));
	json_decref(res);

	cfx_account(c, ALICE, true, INT64_MAX - 5);
	cfx_err(c, "account.credit", json_pack("[s,s]", ALICE, "0.000006"),
		CTL_ERR_FAILED, "out of range");
	res = cfx_ok(c, "account.credit", json_pack("[s,s]", ALICE, "0.000005"));
	json_decref(res);
	assert_int_equal(cfx_balance(c, ALICE), INT64_MAX);
	cfx_account(c, BOB, false, INT64_MIN + 5);
	cfx_err(c, "account.debit", json_pack("[s,s]", BOB, "0.000006"),
		CTL_ERR_FAILED, "out of range");
	assert_int_equal(cfx_balance(c, BOB), INT64_MIN + 5);
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 2);
}

/* a live prepaid call of @id holding @reserved, as its answer writes it */
static void live_call(struct cfx *c, const char *id, const char *call,
		      int64_t reserved)
{
	struct store_txn *t = fx_begin(c->fx, true);
	struct store_live_call lc;

	sample_live_call(&lc, id, call);
	lc.reserved = reserved;
	assert_int_equal(store_live_call_put(t, &lc), 0);
	assert_int_equal(store_txn_commit(t), 0);
}

/* calls in progress hold credit: no debit takes the balance below it */
static void test_debit_under_calls(void **state)
{
	struct cfx *c = *state;
	struct store_txn *t;
	json_t *res;

	cfx_account(c, ALICE, true, 1000000);
	cfx_account(c, BOB, false, 1000000);
	live_call(c, ALICE, "c1", 250000);
	live_call(c, ALICE, "c2", 350000);
	live_call(c, BOB, "c3", 100000);
	res = cfx_ok(c, "account.balance", json_pack("[s]", ALICE));
	assert_string_equal(cfx_str(res, "reserved"), "0.60");
	assert_string_equal(cfx_str(res, "available"), "0.40");
	json_decref(res);

	/* 0.40 is free; one micro-unit more is not, force or not */
	cfx_err(c, "account.debit", json_pack("[s,s]", ALICE, "0.400001"),
		CTL_ERR_FAILED,
		"below the 0.60 its calls in progress have reserved");
	cfx_err(c, "account.debit", json_pack("[s,s,s]", ALICE, "5",
					      "force=yes"),
		CTL_ERR_FAILED, "wait for them to end or kill them");
	/* a postpaid account's calls are protected the same way */
	cfx_err(c, "account.debit", json_pack("[s,s]", BOB, "0.95"),
		CTL_ERR_FAILED, "below the 0.10");
	assert_int_equal(cfx_balance(c, ALICE), 1000000);
	assert_int_equal(cfx_balance(c, BOB), 1000000);
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 0);

	res = cfx_ok(c, "account.debit", json_pack("[s,s]", ALICE, "0.40"));
	assert_string_equal(cfx_str(res, "balance"), "0.60");
	json_decref(res);
	cfx_err(c, "account.debit", json_pack("[s,s]", ALICE, "0.000001"),
		CTL_ERR_FAILED, "its calls in progress have reserved");
	/* credits are never held back */
	res = cfx_ok(c, "account.credit", json_pack("[s,s]", ALICE, "1"));
	json_decref(res);
	/* a call ends (its record goes with its debit): its credit is free */
	t = fx_begin(c->fx, true);
	assert_int_equal(store_live_call_del(t, ALICE, "c2"), 0);
	assert_int_equal(store_txn_commit(t), 0);
	res = cfx_ok(c, "account.debit", json_pack("[s,s]", ALICE, "1.35"));
	assert_string_equal(cfx_str(res, "balance"), "0.25");
	json_decref(res);
	res = cfx_ok(c, "account.balance", json_pack("[s]", ALICE));
	assert_string_equal(cfx_str(res, "reserved"), "0.25");
	assert_string_equal(cfx_str(res, "available"), "0.00");
	json_decref(res);
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 3);
}

static void test_audit_list(void **state)
{
	struct cfx *c = *state;
	struct store_txn *t;
	json_t *res, *row;

	cfx_account(c, ALICE, true, 0);
	cfx_account(c, BOB, false, 0);
	for (int i = 1; i <= 5; i++) {
		char amount[8];

		snprintf(amount, sizeof(amount), "%d", i);
		json_decref(cfx_ok(c, "account.credit",
				   json_pack("[s,s]", ALICE, amount)));
		json_decref(cfx_ok(c, "account.debit",
				   json_pack("[s,s]", BOB, amount)));
	}
	res = cfx_ok(c, "account.audit", json_pack("[s,s]", ALICE, "2"));
	assert_int_equal(json_array_size(res), 2);
	row = json_array_get(res, 0);		/* newest first */
	assert_int_equal(json_integer_value(json_object_get(row, "id")), 9);
	assert_string_equal(cfx_str(row, "action"), "credit");
	assert_string_equal(cfx_str(row, "amount"), "5.00");
	assert_string_equal(cfx_str(row, "balance_after"), "15.00");
	assert_string_equal(cfx_str(row, "who"), "ctl");
	assert_int_equal(strlen(cfx_str(row, "time")),
			 strlen("2026-01-01T00:00:00.000Z"));
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(res, 1), "id")), 7);
	json_decref(res);
	res = cfx_ok(c, "account.audit", json_pack("[s]", BOB));
	assert_int_equal(json_array_size(res), 5);
	assert_string_equal(cfx_str(json_array_get(res, 4), "balance_after"),
			    "-1.00");
	json_decref(res);

	/* records outlive the account; an unknown name is an error */
	t = fx_begin(c->fx, true);
	assert_int_equal(store_account_del(t, BOB), 0);
	assert_int_equal(store_txn_commit(t), 0);
	res = cfx_ok(c, "account.audit", json_pack("[s,s]", BOB, "1000"));
	assert_int_equal(json_array_size(res), 5);
	json_decref(res);
	cfx_account(c, "carol@sbc.example", true, 0);
	res = cfx_ok(c, "account.audit", json_pack("[s]", "carol@sbc.example"));
	assert_int_equal(json_array_size(res), 0);
	json_decref(res);
	cfx_err(c, "account.audit", json_pack("[s]", "dave@sbc.example"),
		CTL_ERR_NOT_FOUND, "no account dave@sbc.example");
	cfx_err(c, "account.audit", json_pack("[s]", ""),
		CTL_ERR_INVALID_PARAMS, "id must not be empty");
	cfx_err(c, "account.audit", json_pack("[s,s]", ALICE, "0"),
		CTL_ERR_INVALID_PARAMS, "n must be an integer from 1 to 1000");
	cfx_err(c, "account.audit", json_pack("[s,s]", ALICE, "1001"),
		CTL_ERR_INVALID_PARAMS, "n must be an integer from 1 to 1000");
}

/* hostile shapes of params never crash and always get an error */
static void test_bad_shapes(void **state)
{
	static const char *const methods[] = {
		"account.balance", "account.credit", "account.debit",
		"account.audit", "rate.import", "rate.list",
	};
	static const char *const params[] = {
		"[null,null]", "[1,2]", "[[],{}]", "[true,\"x\"]",
		"{\"id\":[],\"amount\":{}}", "{\"csv\":null,\"plan\":1}",
		"[\"x\",\"=\"]", "{\"colour\":\"red\"}", "[\"a\",\"b\",\"c=d\"]",
	};
	struct cfx *c = *state;
	json_t *resp;

	cfx_account(c, ALICE, true, 0);
	for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
			resp = cfx_call(c, methods[m], json_loads(params[i], 0,
								  NULL));
			if (!json_object_get(resp, "error"))
				fail_msg("%s %s succeeded", methods[m],
					 params[i]);
			json_decref(resp);
		}
	}
	assert_int_equal(cfx_balance(c, ALICE), 0);
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 0);
	assert_int_equal(cfx_count(c, STORE_DB_RATES), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CFX_TEST(test_registered),
		CFX_TEST(test_balance),
		CFX_TEST(test_credit_debit),
		CFX_TEST(test_refused),
		CFX_TEST(test_postpaid_and_overflow),
		CFX_TEST(test_debit_under_calls),
		CFX_TEST(test_audit_list),
		CFX_TEST(test_bad_shapes),
	};

	log_init("test_credit", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
