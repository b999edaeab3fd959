/*
 * Shared fixture of the store unit tests (test_store*.c): a fresh store in
 * a directory under $TMPDIR per test, raw LMDB writes that bypass the
 * codec, and one filled-in sample record of each type.  fx_* functions
 * fail the running cmocka test instead of returning errors.
 */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct fixture {
	char base[PATH_MAX];	/* mkdtemp directory, removed on teardown */
	char dir[PATH_MAX + 8];	/* base/db: the store, made by store_open */
	struct store *st;
};

/* cmocka setup/teardown: *state becomes a struct fixture with an open
 * store; teardown closes it and removes the directory */
int fx_setup(void **state);
int fx_teardown(void **state);

/* a test that runs on a fresh struct fixture */
#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

/* closes the store, runs nothing else on it until fx_reopen() */
void fx_reopen(struct fixture *fx);

/* begins a read (@write false) or write txn, failing the test on error */
struct store_txn *fx_begin(struct fixture *fx, bool write);

/* writes @val under @key into database @db of the closed store, bypassing
 * the codec, as a corrupt page or a foreign program would */
void fx_raw_put(const char *dir, const char *db, const void *key,
		size_t klen, const void *val, size_t vlen);

/* store_foreach callback: counts the records into the unsigned at @arg */
int fx_count_rec(const void *rec, void *arg);

/* sample records: zeroed first (padding included), then every field set
 * to a valid value */
void sample_account(struct store_account *a, const char *id,
		    int64_t balance);
void sample_peer(struct store_peer *p);
void sample_rate(struct store_rate *r);
void sample_registration(struct store_registration *r, const char *aor,
			 const char *contact);
void sample_dialog(struct store_dialog *d);
void sample_cdr(struct store_cdr *c, const char *call_id, int64_t cost);
void sample_audit(struct store_audit *a, const char *account);
void sample_live_call(struct store_live_call *c, const char *account,
		      const char *id);

#define EQ_S(a, b, m) assert_string_equal((a)->m, (b)->m)
#define EQ_I(a, b, m) assert_true((a)->m == (b)->m)

/* every field compared one by one, then the whole struct, padding included
 * (both sides are zeroed before filling) */
void fx_account_equal(const struct store_account *a,
		      const struct store_account *b);

#endif
