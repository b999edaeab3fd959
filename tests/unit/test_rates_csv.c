/*
 * Unit tests of the rates file (b2bua/rates_csv.c) and its import and
 * listing commands (b2bua/rates_ctl.c): a good file with every allowed
 * shape of line, each kind of bad row reported with its line number, an
 * import with any bad row writing nothing, merge against replace, and
 * rates show.  Commands go through ctl_handle_request() on a fresh store
 * per test (credit_fixture.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credit_fixture.h"
#include "ctl_registry.h"
#include "log.h"
#include "rates_csv.h"
#include "store.h"

#define HDR B2B_RATES_CSV_HEADER "\n"

/* parses @text (NUL-terminated) with plan=@plan, expecting 0 */
static void parse(const char *text, const char *plan,
		  struct b2b_rates_csv *f)
{
	assert_int_equal(b2b_rates_csv_parse(text, strlen(text), plan, f), 0);
}

static void test_good_file(void **state)
{
	static const char text[] = "\xef\xbb\xbf" B2B_RATES_CSV_HEADER "\r\n"
		"# Germany\r\n"
		"retail,4930,0.015,0,60,60\r\n"
		"\r\n"
		"retail,+44,0.02,0.10,30,6\n"
		"retail,800,0,0,1,1\n"
		"retail,,0.50,0,60,60\n"
		"wholesale,+,999999999.999999,1000000000,0,86400";
	struct b2b_rates_csv f;
	const struct store_rate *r;

	(void)state;
	parse(text, NULL, &f);
	assert_int_equal(f.n_bad, 0);
	assert_int_equal(f.n_rows, 5);
	r = &f.rows[0].rate;
	assert_int_equal(f.rows[0].line, 3);
	assert_string_equal(r->plan, "retail");
	assert_string_equal(r->prefix, "4930");
	assert_int_equal(r->price_per_min, 15000);
	assert_int_equal(r->connect_fee, 0);
	assert_int_equal(r->first_incr, 60);
	assert_int_equal(r->next_incr, 60);
	r = &f.rows[1].rate;
	assert_int_equal(f.rows[1].line, 5);
	assert_string_equal(r->prefix, "+44");
	assert_int_equal(r->connect_fee, 100000);
	assert_int_equal(r->first_incr, 30);
	assert_int_equal(r->next_incr, 6);
	assert_int_equal(f.rows[2].rate.price_per_min, 0);
	assert_string_equal(f.rows[3].rate.prefix, "");
	r = &f.rows[4].rate;
	assert_int_equal(f.rows[4].line, 8);
	assert_string_equal(r->plan, "wholesale");
	assert_string_equal(r->prefix, "+");
	assert_int_equal(r->price_per_min, 999999999999999);
	assert_int_equal(r->connect_fee, 1000000000000000);
	assert_int_equal(r->first_incr, 0);
	b2b_rates_csv_free(&f);
	b2b_rates_csv_free(&f);		/* zeroed: twice is harmless */
	b2b_rates_csv_free(NULL);

	/* plan=: empty plan cells take it */
	parse(HDR ",49,1,0,60,60\nretail,33,1,0,60,60\n", "retail", &f);
	assert_int_equal(f.n_bad, 0);
	assert_string_equal(f.rows[0].rate.plan, "retail");
	b2b_rates_csv_free(&f);
	assert_int_equal(b2b_rates_csv_parse(HDR, strlen(HDR), "a/b", &f),
			 -EINVAL);
	b2b_rates_csv_free(&f);
}

/* one bad row of each kind: every one reported, with its line */
static void test_bad_rows(void **state)
{
	static const struct {
		const char *row;
		const char *what;
	} bad[] = {
		{ "retail,4930,1,0,60,60", "prefix '4930' is already on line 2" },
		{ "retail,49,0.1,0,60,6\x01", "bad next_incr '6?'" },
		{ "\"retail\",49,0.1,0,60,60", "quoted fields are not supported" },
		{ "retail,49,abc,0,60,60", "bad price_per_min 'abc'" },
		{ "retail,49,0.1234567,0,60,60", "bad price_per_min" },
		{ "retail,49,1000000000.000001,0,60,60",
		  "price_per_min is too large (at most 1000000000)" },
		{ "retail,49,99999999999999,0,60,60", "bad price_per_min" },
		{ "retail,49,0.1,-1,60,60", "connect_fee must not be negative" },
		{ "retail,49,0.1,,60,60", "bad connect_fee ''" },
		{ "retail,49x,0.1,0,60,60", "bad prefix '49x'" },
		{ "retail,++49,0.1,0,60,60", "bad prefix" },
		{ "retail,012345678901234567890123456789012,1,0,1,1",
		  "bad prefix '012345678901234567890123...'" },
		{ ",49,0.1,0,60,60", "missing plan (or give plan=NAME)" },
		{ "re tail,49,0.1,0,60,60", "bad plan 're tail'" },
		{ "a/b,49,0.1,0,60,60", "bad plan" },
		{ "retail,49,0.1,0,60,0", "bad next_incr '0'" },
		{ "retail,49,0.1,0,86401,1", "bad first_incr '86401'" },
		{ "retail,49,0.1,0,6x,1", "bad first_incr" },
		{ "retail,49,0.1,0,0000060,1", "bad first_incr" },
		{ "retail,49,0.1,0,60", "expected 6 fields" },
		{ "retail,49,0.1,0,60,60,7", "expected 6 fields" },
		{ "retail", "expected 6 fields" },
		{ "retail,,0.1,0,60,60,", "expected 6 fields" },
		{ ",", "expected 6 fields" },
	};
	char *text;
	size_t len = strlen(HDR) + strlen("retail,4930,1,0,60,60\n");
	struct b2b_rates_csv f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		len += strlen(bad[i].row) + 1;
	text = malloc(len + 1);
	assert_non_null(text);
	strcpy(text, HDR "retail,4930,1,0,60,60\n");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcat(text, bad[i].row);
		strcat(text, "\n");
	}
	parse(text, NULL, &f);
	free(text);
	assert_int_equal(f.n_rows, 1);
	assert_int_equal(f.n_bad, sizeof(bad) / sizeof(bad[0]));
	assert_true(sizeof(bad) / sizeof(bad[0]) > B2B_RATES_CSV_ERRORS_MAX);
	for (size_t i = 0; i < B2B_RATES_CSV_ERRORS_MAX; i++) {
		if (f.errors[i].line != i + 3 ||
		    !strstr(f.errors[i].what, bad[i].what))
			fail_msg("row '%s': want line %zu '%s', got line %u '%s'",
				 bad[i].row, i + 3, bad[i].what,
				 f.errors[i].line, f.errors[i].what);
	}
	b2b_rates_csv_free(&f);

	/* a NUL byte inside a field */
	parse(HDR, NULL, &f);
	b2b_rates_csv_free(&f);
	assert_int_equal(b2b_rates_csv_parse(HDR "ret\0il,49,1,0,1,1\n",
					     strlen(HDR) + 18, NULL, &f), 0);
	assert_int_equal(f.n_bad, 1);
	assert_int_equal(f.errors[0].line, 2);
	assert_non_null(strstr(f.errors[0].what, "bad plan 'ret?il'"));
	b2b_rates_csv_free(&f);

	/* rows of another plan than plan= */
	parse(HDR "wholesale,49,1,0,60,60\n", "retail", &f);
	assert_int_equal(f.n_bad, 1);
	assert_string_equal(f.errors[0].what,
			    "plan 'wholesale' is not plan=retail");
	b2b_rates_csv_free(&f);
}

static void test_bad_header(void **state)
{
	static const char *const texts[] = {
		"", "\n", "retail,49,1,0,60,60\n",
		"plan,prefix,price_per_min,connect_fee,first_incr\n",
		"Plan,prefix,price_per_min,connect_fee,first_incr,next_incr\n",
		" " B2B_RATES_CSV_HEADER "\n",
	};
	struct b2b_rates_csv f;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		parse(texts[i], NULL, &f);
		assert_int_equal(f.n_bad, 1);
		assert_int_equal(f.n_rows, 0);
		assert_int_equal(f.errors[0].line, 1);
		assert_non_null(strstr(f.errors[0].what,
				       "expected the header line plan,prefix,"));
		b2b_rates_csv_free(&f);
	}
}

/* rate.import with @csv and options @opt1, @opt2 (NULL to leave out) */
static json_t *import_params(const char *csv, const char *opt1,
			     const char *opt2)
{
	json_t *p = json_pack("[s]", csv);

	if (opt1)
		json_array_append_new(p, json_string(opt1));
	if (opt2)
		json_array_append_new(p, json_string(opt2));
	return p;
}

/* the price_per_min text of @plan's rate for @prefix, "-" if none */
static const char *price_of(struct cfx *c, const char *plan,
			    const char *prefix, char buf[32])
{
	struct store_txn *t = fx_begin(c->fx, false);
	struct store_rate r;
	int rc = store_rate_get(t, plan, prefix, &r);

	store_txn_abort(t);
	if (rc == -ENOENT)
		return "-";
	assert_int_equal(rc, 0);
	snprintf(buf, 32, "%lld", (long long)r.price_per_min);
	return buf;
}

static void test_import_all_or_nothing(void **state)
{
	struct cfx *c = *state;
	struct store_audit a;
	struct store_txn *t;
	json_t *res;

	cfx_err(c, "rate.import",
		import_params(HDR "retail,49,1,0,60,60\nretail,33,x,0,60,60\n"
			      "retail,34,1,0,60,60\nretail,35,1,0,60\n",
			      NULL, NULL),
		CTL_ERR_INVALID_PARAMS,
		"rates not imported, 2 bad line(s); line 3: bad price_per_min 'x'"
		": expected an amount such as 0.015 (at most 6 decimals); "
		"line 5: expected 6 fields");
	assert_int_equal(cfx_count(c, STORE_DB_RATES), 0);
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 0);

	res = cfx_ok(c, "rate.import",
		     import_params(HDR "retail,49,1,0,60,60\n,33,0.5,0,30,6\n",
				   "plan=retail", NULL));
	assert_string_equal(cfx_str(res, "mode"), "merge");
	assert_int_equal(json_integer_value(json_object_get(res, "imported")),
			 2);
	assert_string_equal(json_string_value(json_array_get(
		json_object_get(res, "plans"), 0)), "retail");
	json_decref(res);
	assert_int_equal(cfx_count(c, STORE_DB_RATES), 2);
	t = fx_begin(c->fx, false);
	assert_int_equal(store_audit_get(t, 1, &a), 0);
	assert_string_equal(a.action, "import-rates");
	assert_string_equal(a.account, "");
	assert_string_equal(a.note,
			    "merge: 2 rate(s) imported, 0 deleted first; plans retail");
	store_txn_abort(t);

	/* a path instead of the content gets a hint */
	cfx_err(c, "rate.import", import_params("rates.csv", NULL, NULL),
		CTL_ERR_INVALID_PARAMS, "sbcctl reads FILE given as @FILE");
	cfx_err(c, "rate.import", import_params(HDR, NULL, NULL),
		CTL_ERR_INVALID_PARAMS, "no rates in the file");
	cfx_err(c, "rate.import", import_params(HDR, "mode=replace", NULL),
		CTL_ERR_INVALID_PARAMS, "no rates in the file");
	cfx_err(c, "rate.import", import_params(HDR, "mode=swap", NULL),
		CTL_ERR_INVALID_PARAMS, "mode must be merge or replace");
	cfx_err(c, "rate.import", import_params(HDR, "plan=a b", NULL),
		CTL_ERR_INVALID_PARAMS, "bad plan 'a b'");
	cfx_err(c, "rate.import", json_pack("{s:s, s:s}", "csv", HDR,
					    "colour", "red"),
		CTL_ERR_INVALID_PARAMS, "unknown parameter 'colour'");
	assert_int_equal(cfx_count(c, STORE_DB_RATES), 2);
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 1);
}

static void test_merge_replace(void **state)
{
	struct cfx *c = *state;
	char buf[32];
	json_t *res;

	res = cfx_ok(c, "rate.import",
		     import_params(HDR "retail,1,1,0,60,60\nretail,2,2,0,60,60\n"
				   "other,1,9,0,60,60\n", NULL, NULL));
	json_decref(res);
	/* merge: 2 replaced, 3 added, 1 kept */
	res = cfx_ok(c, "rate.import",
		     json_pack("{s:s, s:s}", "csv",
			       HDR "retail,2,0.2,0,60,60\nretail,3,3,0,60,60\n",
			       "mode", "merge"));
	json_decref(res);
	assert_string_equal(price_of(c, "retail", "1", buf), "1000000");
	assert_string_equal(price_of(c, "retail", "2", buf), "200000");
	assert_string_equal(price_of(c, "retail", "3", buf), "3000000");
	/* replace: the plan becomes exactly the file; other plans stay */
	res = cfx_ok(c, "rate.import",
		     import_params(HDR ",4,4,0,60,60\n", "plan=retail",
				   "mode=replace"));
	assert_int_equal(json_integer_value(json_object_get(res, "deleted")),
			 3);
	json_decref(res);
	assert_string_equal(price_of(c, "retail", "1", buf), "-");
	assert_string_equal(price_of(c, "retail", "3", buf), "-");
	assert_string_equal(price_of(c, "retail", "4", buf), "4000000");
	assert_string_equal(price_of(c, "other", "1", buf), "9000000");
	/* an empty file with plan= and replace empties the plan */
	res = cfx_ok(c, "rate.import", import_params(HDR, "mode=replace",
						     "plan=retail"));
	json_decref(res);
	assert_int_equal(cfx_count(c, STORE_DB_RATES), 1);
	/* a bad row in a replace deletes nothing either */
	cfx_err(c, "rate.import",
		import_params(HDR "other,2,1,0,60,60\nother,3,1,0,0,0\n",
			      "mode=replace", NULL),
		CTL_ERR_INVALID_PARAMS, "line 3: bad next_incr '0'");
	assert_string_equal(price_of(c, "other", "1", buf), "9000000");
	assert_int_equal(cfx_count(c, STORE_DB_AUDIT), 4);
}

static void test_show(void **state)
{
	struct cfx *c = *state;
	json_t *res, *row;

	json_decref(cfx_ok(c, "rate.import",
			   import_params(HDR "retail,,0.5,0,60,60\n"
					 "retail,49,0.1,0.05,30,6\n"
					 "retail,4930,0.01,0,1,1\n"
					 "zz,1,1,0,60,60\n", NULL, NULL)));
	res = cfx_ok(c, "rate.list", json_pack("[]"));
	assert_int_equal(json_array_size(res), 4);
	json_decref(res);
	res = cfx_ok(c, "rate.list", json_pack("[s]", "retail"));
	assert_int_equal(json_array_size(res), 3);
	row = json_array_get(res, 0);
	assert_string_equal(cfx_str(row, "prefix"), "default");
	row = json_array_get(res, 1);
	assert_string_equal(cfx_str(row, "prefix"), "49");
	assert_string_equal(cfx_str(row, "price_per_min"), "0.10");
	assert_string_equal(cfx_str(row, "connect_fee"), "0.05");
	assert_int_equal(json_integer_value(json_object_get(row, "first_incr")),
			 30);
	assert_int_equal(json_integer_value(json_object_get(row, "next_incr")),
			 6);
	json_decref(res);
	res = cfx_ok(c, "rate.list", json_pack("[s,s]", "retail", "4930123"));
	assert_string_equal(cfx_str(res, "prefix"), "4930");
	assert_string_equal(cfx_str(res, "number"), "4930123");
	assert_string_equal(cfx_str(res, "cost_60s"), "0.01");
	json_decref(res);
	res = cfx_ok(c, "rate.list", json_pack("[s,s]", "retail", "491"));
	assert_string_equal(cfx_str(res, "cost_60s"), "0.15");
	json_decref(res);
	res = cfx_ok(c, "rate.list", json_pack("{s:s, s:s}", "plan", "retail",
					       "number", "+33"));
	assert_string_equal(cfx_str(res, "prefix"), "default");
	json_decref(res);
	res = cfx_ok(c, "rate.list", json_pack("[s,s]", "retail", "default"));
	assert_string_equal(cfx_str(res, "cost_60s"), "0.50");
	json_decref(res);
	res = cfx_ok(c, "rate.list", json_pack("[s]", "nothing"));
	assert_int_equal(json_array_size(res), 0);
	json_decref(res);
	cfx_err(c, "rate.list", json_pack("[s,s]", "zz", "2"),
		CTL_ERR_NOT_FOUND, "plan zz has no rate for 2");
	cfx_err(c, "rate.list", json_pack("[s,s]", "zz", "2a"),
		CTL_ERR_INVALID_PARAMS, "bad number '2a'");
	cfx_err(c, "rate.list", json_pack("[s]", "z/z"),
		CTL_ERR_INVALID_PARAMS, "bad plan 'z/z'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_bad_header),
		CFX_TEST(test_import_all_or_nothing),
		CFX_TEST(test_merge_replace),
		CFX_TEST(test_show),
	};

	log_init("test_rates_csv", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
