/*
 * Unit tests of the store's audit database and per-plan rate walks
 * (b2bua/store*.c): audit ids from their own meta counter, newest-first
 * walks filtered by account, invalid audit records refused, the audit
 * database created in a store written before it existed, and
 * store_rate_foreach() keeping to one plan.  The rest of the store is
 * tested in test_store.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "store.h"
#include "store_fixture.h"

/* store_rate_foreach: exactly one plan's rates, by prefix */
static void test_rate_foreach(void **state)
{
	static const char *const plans[] = { "retail", "retail2", "ret" };
	struct fixture *fx = *state;
	struct store_rate r;
	struct store_txn *t = fx_begin(fx, true);
	unsigned n = 0;

	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		sample_rate(&r);
		strcpy(r.plan, plans[i]);
		assert_int_equal(store_rate_put(t, &r), 0);
		r.prefix[0] = '\0';
		assert_int_equal(store_rate_put(t, &r), 0);
	}
	assert_int_equal(store_rate_foreach(t, "retail", fx_count_rec, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_rate_foreach(t, "a/b", fx_count_rec, &n),
			 -EINVAL);
	assert_int_equal(store_rate_foreach(t, "", fx_count_rec, &n), -EINVAL);
	store_txn_abort(t);
}

struct audit_seen {
	unsigned n;
	uint64_t ids[8];
};

static int audit_collect(const void *rec, void *arg)
{
	const struct store_audit *a = rec;
	struct audit_seen *seen = arg;

	if (seen->n < 8)
		seen->ids[seen->n] = a->id;
	seen->n++;
	return 0;
}

/* audit records: ids from their own counter, newest first, by account */
static void test_audit_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct audit_seen seen = { 0 };
	struct store_audit a, out;
	struct store_cdr c;
	struct store_txn *t;

	sample_cdr(&c, "call@pbx", 1);
	t = fx_begin(fx, true);
	assert_int_equal(store_cdr_append(t, &c), 0);
	for (uint64_t id = 1; id <= 3; id++) {
		sample_audit(&a, id == 2 ? "bob@sbc.example" : "alice@sbc.example");
		a.id = 99;	/* ignored: append assigns */
		assert_int_equal(store_audit_append(t, &a), 0);
		assert_int_equal(a.id, id);
	}
	assert_int_equal(store_txn_commit(t), 0);
	fx_reopen(fx);

	t = fx_begin(fx, true);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(store_audit_get(t, 3, &out), 0);
	EQ_I(&a, &out, id);
	EQ_I(&a, &out, time_ms);
	EQ_S(&a, &out, who);
	EQ_S(&a, &out, account);
	EQ_S(&a, &out, action);
	EQ_I(&a, &out, amount);
	EQ_I(&a, &out, balance_after);
	EQ_S(&a, &out, note);
	assert_memory_equal(&a, &out, sizeof(a));
	assert_int_equal(store_audit_get(t, 4, &out), -ENOENT);
	assert_int_equal(store_audit_get(t, 0, &out), -EINVAL);

	assert_int_equal(store_audit_foreach(t, "alice@sbc.example",
					     audit_collect, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.ids[0], 3);
	assert_int_equal(seen.ids[1], 1);
	seen.n = 0;
	assert_int_equal(store_audit_foreach(t, NULL, audit_collect, &seen), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.ids[0], 3);
	assert_int_equal(seen.ids[2], 1);
	assert_int_equal(store_audit_foreach(t, NULL, NULL, &seen), -EINVAL);

	/* invalid records are refused and use up no id */
	sample_audit(&a, "alice@sbc.example");
	strcpy(a.action, "Credit");
	assert_int_equal(store_audit_append(t, &a), -EINVAL);
	assert_int_equal(a.id, 0);
	sample_audit(&a, "alice@sbc.example");
	a.amount = -1;
	assert_int_equal(store_audit_append(t, &a), -EINVAL);
	sample_audit(&a, "");
	a.who[0] = '\0';
	assert_int_equal(store_audit_append(t, &a), -EINVAL);
	sample_audit(&a, "");		/* no account: a rates import */
	strcpy(a.action, "import-rates");
	assert_int_equal(store_audit_append(t, &a), 0);
	assert_int_equal(a.id, 4);
	assert_int_equal(store_txn_commit(t), 0);
}

/* a store written before the audit database existed gets one at open */
static void test_audit_db_added(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX + 16], version[8];
	struct store_audit a;
	struct store_txn *t;
	size_t n = 1;

	snprintf(path, sizeof(path), "%s/old", fx->base);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(version, sizeof(version), "%d", STORE_SCHEMA_VERSION);
	fx_raw_put(path, STORE_META_DB, STORE_META_SCHEMA_KEY,
		   strlen(STORE_META_SCHEMA_KEY), version, strlen(version));
	store_close(fx->st);
	fx->st = store_open(path, 64);
	assert_non_null(fx->st);
	assert_int_equal(store_count(fx->st, STORE_DB_AUDIT, &n), 0);
	assert_int_equal(n, 0);
	t = fx_begin(fx, true);
	sample_audit(&a, "alice@sbc.example");
	assert_int_equal(store_audit_append(t, &a), 0);
	assert_int_equal(a.id, 1);
	assert_int_equal(store_txn_commit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_rate_foreach),
		FX_TEST(test_audit_roundtrip),
		FX_TEST(test_audit_db_added),
	};

	log_init("test_store_audit", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
