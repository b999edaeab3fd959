/*
 * Unit tests of the store under failure and concurrency: a writer killed
 * with SIGKILL mid-txn leaves whole batches or nothing, and readers in
 * other threads see consistent snapshots while a writer moves balances.
 * Each test makes its own store in a fresh directory under $TMPDIR.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "store_fixture.h"

/* crash safety ------------------------------------------------------------ */

#define CRASH_ROUNDS 6
#define CRASH_K 5		/* accounts per batch, plus one CDR */

/* The child: batch b writes CRASH_K accounts with balance b and CDR b+1
 * in one txn, then reports b on @fd.  Runs until killed. */
static void crash_child(const char *dir, int fd, uint32_t first)
{
	struct store *st = store_open(dir, 64);

	if (!st)
		_exit(2);
	for (uint32_t b = first;; b++) {
		struct store_txn *t = store_txn_begin(st, true);
		struct store_account a;
		struct store_cdr c;
		char name[64];

		if (!t)
			_exit(3);
		for (int k = 0; k < CRASH_K; k++) {
			snprintf(name, sizeof(name), "b%" PRIu32 ".%d@crash", b,
				 k);
			sample_account(&a, name, b);
			if (store_account_put(t, &a))
				_exit(4);
		}
		snprintf(name, sizeof(name), "batch-%" PRIu32, b);
		sample_cdr(&c, name, b);
		if (store_cdr_append(t, &c) || c.id != (uint64_t)b + 1)
			_exit(5);
		if (store_txn_commit(t))
			_exit(6);
		if (write(fd, &b, sizeof(b)) != sizeof(b))
			_exit(7);
	}
}

static int check_batch_cdr(const void *rec, void *arg)
{
	const struct store_cdr *c = rec;
	uint32_t *next = arg;
	char want[32];

	snprintf(want, sizeof(want), "batch-%" PRIu32, *next);
	if (c->id != (uint64_t)*next + 1 || strcmp(c->call_id, want) != 0 ||
	    c->cost != *next)
		return -1000;
	(*next)++;
	return 0;
}

/* checks batches 0..@committed-1 are whole and nothing of later ones */
static void check_batches(struct fixture *fx, uint32_t committed)
{
	struct store_txn *t = fx_begin(fx, false);
	struct store_account a;
	uint32_t next = 0;
	size_t n;

	for (uint32_t b = 0; b < committed + 2; b++) {
		for (int k = 0; k < CRASH_K; k++) {
			char id[64];
			int ret;

			snprintf(id, sizeof(id), "b%" PRIu32 ".%d@crash", b, k);
			ret = store_account_get(t, id, &a);
			if (b < committed) {
				assert_int_equal(ret, 0);
				assert_int_equal(a.balance, b);
			} else {
				assert_int_equal(ret, -ENOENT);
			}
		}
	}
	assert_int_equal(store_foreach(t, STORE_DB_CDRS, check_batch_cdr,
				       &next), 0);
	assert_int_equal(next, committed);
	store_txn_abort(t);
	assert_int_equal(store_count(fx->st, STORE_DB_ACCOUNTS, &n), 0);
	assert_int_equal(n, (size_t)committed * CRASH_K);
}

static void test_crash_safety(void **state)
{
	struct fixture *fx = *state;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	uint32_t committed = 0;

	print_message("crash seed %u\n", seed);
	for (int round = 0; round < CRASH_ROUNDS; round++) {
		uint32_t target = committed + 2 + (uint32_t)rand_r(&seed) % 20;
		uint32_t b = 0, acked = committed;
		struct store_txn *t;
		size_t n;
		int fds[2], status;
		pid_t pid;

		store_close(fx->st);
		fx->st = NULL;
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			crash_child(fx->dir, fds[1], committed);
		}
		close(fds[1]);
		while (acked < target &&
		       read(fds[0], &b, sizeof(b)) == sizeof(b))
			acked = b + 1;
		/* kill it somewhere in the middle of a later batch */
		if (acked == target)
			usleep((useconds_t)(rand_r(&seed) % 5000));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		assert_int_equal(acked, target);
		while (read(fds[0], &b, sizeof(b)) == sizeof(b))
			acked = b + 1;
		close(fds[0]);

		fx->st = store_open(fx->dir, 64);
		assert_non_null(fx->st);
		assert_int_equal(store_count(fx->st, STORE_DB_CDRS, &n), 0);
		/* at most one batch was committed but not yet reported */
		assert_true(n == acked || n == (size_t)acked + 1);
		committed = (uint32_t)n;
		check_batches(fx, committed);
		/* the writer lock the child may have died holding is free */
		t = fx_begin(fx, true);
		assert_int_equal(store_txn_commit(t), 0);
	}
	print_message("crash: %" PRIu32 " batches in %d rounds\n", committed,
		      CRASH_ROUNDS);
}

/* concurrent readers ------------------------------------------------------ */

#define CC_ACCOUNTS 4
#define CC_START 1000000	/* micro-units per account */
#define CC_MOVES 200
#define CC_READERS 3

struct cc {
	struct store *st;
	atomic_bool done;
	atomic_int errors;	/* failed calls or inconsistent snapshots */
	atomic_long snapshots;
};

/* sum of the balances in @t, or INT64_MIN on error */
static int64_t cc_sum(struct store_txn *t, int64_t bal[CC_ACCOUNTS])
{
	struct store_account a;
	int64_t sum = 0;

	for (int i = 0; i < CC_ACCOUNTS; i++) {
		char id[32];

		snprintf(id, sizeof(id), "acct%d@cc", i);
		if (store_account_get(t, id, &a))
			return INT64_MIN;
		bal[i] = a.balance;
		sum += a.balance;
	}
	return sum;
}

/* Each snapshot must show balances summing to the start total, the same
 * values when read twice, and as many CDRs as moves recorded. */
static void *cc_reader(void *arg)
{
	struct cc *cc = arg;

	while (!atomic_load(&cc->done)) {
		struct store_txn *t = store_txn_begin(cc->st, false);
		struct store_account ledger;
		int64_t first[CC_ACCOUNTS], again[CC_ACCOUNTS];
		int64_t first_sum;
		unsigned cdrs = 0;
		bool ok;

		if (!t) {
			atomic_fetch_add(&cc->errors, 1);
			break;
		}
		first_sum = cc_sum(t, first);
		ok = first_sum == (int64_t)CC_ACCOUNTS * CC_START;
		sched_yield();
		ok = ok && store_foreach(t, STORE_DB_CDRS, fx_count_rec,
					 &cdrs) == 0;
		ok = ok && store_account_get(t, "ledger@cc", &ledger) == 0 &&
		     ledger.max_calls == cdrs;
		ok = ok && cc_sum(t, again) == first_sum &&
		     memcmp(first, again, sizeof(first)) == 0;
		store_txn_abort(t);
		if (!ok)
			atomic_fetch_add(&cc->errors, 1);
		atomic_fetch_add(&cc->snapshots, 1);
	}
	return NULL;
}

static void test_concurrent_readers(void **state)
{
	struct fixture *fx = *state;
	struct cc cc = { .st = fx->st };
	pthread_t readers[CC_READERS];
	struct store_account a, b, ledger;
	struct store_txn *t;
	int64_t bal[CC_ACCOUNTS];

	t = fx_begin(fx, true);
	for (int i = 0; i < CC_ACCOUNTS; i++) {
		char id[32];

		snprintf(id, sizeof(id), "acct%d@cc", i);
		sample_account(&a, id, CC_START);
		assert_int_equal(store_account_put(t, &a), 0);
	}
	sample_account(&ledger, "ledger@cc", 0);
	ledger.max_calls = 0;
	assert_int_equal(store_account_put(t, &ledger), 0);
	assert_int_equal(store_txn_commit(t), 0);

	for (int i = 0; i < CC_READERS; i++)
		assert_int_equal(pthread_create(&readers[i], NULL, cc_reader,
						&cc), 0);
	for (int m = 0; m < CC_MOVES; m++) {
		char from[32], to[32];
		struct store_cdr c;
		int64_t amount = 1000 + m * 37;

		snprintf(from, sizeof(from), "acct%d@cc", m % CC_ACCOUNTS);
		snprintf(to, sizeof(to), "acct%d@cc",
			 (m * 7 + 1) % CC_ACCOUNTS);
		if (strcmp(from, to) == 0)
			continue;
		t = fx_begin(fx, true);
		assert_int_equal(store_account_get(t, from, &a), 0);
		assert_int_equal(store_account_get(t, to, &b), 0);
		a.balance -= amount;
		assert_int_equal(store_account_put(t, &a), 0);
		/* readers would see a hole here if the txn leaked */
		sched_yield();
		b.balance += amount;
		assert_int_equal(store_account_put(t, &b), 0);
		sample_cdr(&c, from, amount);
		assert_int_equal(store_cdr_append(t, &c), 0);
		assert_int_equal(store_account_get(t, "ledger@cc", &ledger), 0);
		ledger.max_calls++;
		assert_int_equal(store_account_put(t, &ledger), 0);
		assert_int_equal(store_txn_commit(t), 0);
	}
	atomic_store(&cc.done, true);
	for (int i = 0; i < CC_READERS; i++)
		assert_int_equal(pthread_join(readers[i], NULL), 0);

	print_message("concurrent: %ld snapshots\n",
		      atomic_load(&cc.snapshots));
	assert_int_equal(atomic_load(&cc.errors), 0);
	assert_true(atomic_load(&cc.snapshots) > 0);
	t = fx_begin(fx, false);
	assert_int_equal(cc_sum(t, bal), (int64_t)CC_ACCOUNTS * CC_START);
	store_txn_abort(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_crash_safety),
		FX_TEST(test_concurrent_readers),
	};

	log_init("test_store_crash", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
