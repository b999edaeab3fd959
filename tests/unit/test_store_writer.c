/*
 * Unit tests of the store writer (b2bua/store_writer.c): every queued
 * write is committed once and in order, writes queued while a commit runs
 * share the next transaction, a failing write costs only itself, a drain
 * sees everything submitted before it, freeing the writer commits what
 * was queued, and a write with no memory for its job is done at once, in
 * its place.  Each test runs on a fresh store (store_fixture.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_fixture.h"
#include "store_writer.h"

struct cdr_arg {
	struct store_cdr cdr;
	int fail;		/* apply returns this when negative */
	int *released;		/* counted up by release */
};

static int cdr_apply(struct store_txn *txn, void *arg)
{
	struct cdr_arg *a = arg;

	if (a->fail < 0)
		return a->fail;
	return store_cdr_append(txn, &a->cdr);
}

static void cdr_release(void *arg)
{
	struct cdr_arg *a = arg;

	if (a->released)
		(*a->released)++;
	free(a);
}

static void submit_cdr(struct store_writer *w, const char *call_id, int fail,
		       int *released)
{
	struct cdr_arg *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	sample_cdr(&a->cdr, call_id, 0);
	a->fail = fail;
	a->released = released;
	assert_int_equal(store_writer_submit(w, cdr_apply, cdr_release, a,
					     call_id), 0);
}

/* CDR @id's Call-ID, or "" when there is none */
static void cdr_call_id(struct fixture *fx, uint64_t id, char *out, size_t len)
{
	struct store_txn *t = fx_begin(fx, false);
	struct store_cdr c;

	out[0] = '\0';
	if (store_cdr_get(t, id, &c) == 0)
		snprintf(out, len, "%s", c.call_id);
	store_txn_abort(t);
}

/* submit @n CDRs, "call-0" to "call-<n-1>" */
static void submit_calls(struct store_writer *w, int n, int *released)
{
	char name[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "call-%d", i);
		submit_cdr(w, name, 0, released);
	}
}

/* CDRs 1 to @n are "call-0" to "call-<n-1>" */
static void assert_calls(struct fixture *fx, int n)
{
	char name[32], got[STORE_CALLID_MAX];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "call-%d", i);
		cdr_call_id(fx, (uint64_t)i + 1, got, sizeof(got));
		assert_string_equal(got, name);
	}
}

static void test_all_committed_in_order(void **state)
{
	struct fixture *fx = *state;
	struct store_writer *w = store_writer_new(fx->st);
	struct store_writer_stats s;
	char got[STORE_CALLID_MAX];
	int released = 0;

	assert_non_null(w);
	submit_calls(w, 500, &released);
	store_writer_drain(w);
	assert_int_equal(released, 500);
	store_writer_stats_get(w, &s);
	assert_int_equal(s.jobs, 500);
	assert_int_equal(s.failed, 0);
	assert_true(s.batches >= 1 && s.batches <= 500);
	assert_calls(fx, 500);
	cdr_call_id(fx, 501, got, sizeof(got));
	assert_string_equal(got, "");
	store_writer_free(w);
}

/* A write that holds the writer's first transaction open until the test
 * has queued the rest, so that they must share one later transaction. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool entered, open;
};

static int gate_apply(struct store_txn *txn, void *arg)
{
	struct gate *g = arg;

	(void)txn;
	pthread_mutex_lock(&g->lock);
	g->entered = true;
	pthread_cond_broadcast(&g->cond);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

/* until the writer is inside gate_apply() */
static void gate_wait_entered(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (!g->entered)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static void test_queued_during_commit_share_one_txn(void **state)
{
	struct fixture *fx = *state;
	struct store_writer *w = store_writer_new(fx->st);
	struct gate g = { .lock = PTHREAD_MUTEX_INITIALIZER,
			  .cond = PTHREAD_COND_INITIALIZER };
	struct store_writer_stats s;
	char name[32];
	int released = 0;

	assert_non_null(w);
	assert_int_equal(store_writer_submit(w, gate_apply, NULL, &g, "gate"),
			 0);
	gate_wait_entered(&g);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "queued-%d", i);
		submit_cdr(w, name, 0, &released);
	}
	gate_open(&g);
	store_writer_drain(w);
	store_writer_stats_get(w, &s);
	assert_int_equal(s.jobs, 101);
	assert_int_equal(s.batches, 2);	/* the gate's, then all 100 */
	assert_int_equal(released, 100);
	store_writer_free(w);
}

static void test_failing_write_costs_only_itself(void **state)
{
	struct fixture *fx = *state;
	struct store_writer *w = store_writer_new(fx->st);
	struct gate g = { .lock = PTHREAD_MUTEX_INITIALIZER,
			  .cond = PTHREAD_COND_INITIALIZER };
	struct store_writer_stats s;
	char got[STORE_CALLID_MAX];
	int released = 0;

	assert_non_null(w);
	/* the three after the gate go in one batch, which fails and is
	 * retried write by write */
	assert_int_equal(store_writer_submit(w, gate_apply, NULL, &g, "gate"),
			 0);
	gate_wait_entered(&g);
	submit_cdr(w, "first", 0, &released);
	submit_cdr(w, "bad", -EPROTO, &released);
	submit_cdr(w, "third", 0, &released);
	gate_open(&g);
	store_writer_drain(w);
	store_writer_stats_get(w, &s);
	assert_int_equal(s.jobs, 3);
	assert_int_equal(s.failed, 1);
	assert_int_equal(released, 3);
	cdr_call_id(fx, 1, got, sizeof(got));
	assert_string_equal(got, "first");
	cdr_call_id(fx, 2, got, sizeof(got));
	assert_string_equal(got, "third");
	cdr_call_id(fx, 3, got, sizeof(got));
	assert_string_equal(got, "");
	store_writer_free(w);
}

static int dialog_put_apply(struct store_txn *txn, void *arg)
{
	return store_dialog_put(txn, arg);
}

static int dialog_del_apply(struct store_txn *txn, void *arg)
{
	return store_dialog_del(txn, arg);
}

/* A dialog record queued, then its removal: the store ends without it. */
static void test_put_then_delete_keep_their_order(void **state)
{
	struct fixture *fx = *state;
	struct store_writer *w = store_writer_new(fx->st);
	struct store_dialog *d = calloc(1, sizeof(*d));
	struct store_dialog *out = calloc(1, sizeof(*out));
	struct store_writer_stats s;
	struct store_txn *t;

	assert_non_null(w);
	assert_non_null(d);
	assert_non_null(out);
	snprintf(d->call_id, sizeof(d->call_id), "dlg-1");
	snprintf(d->state, sizeof(d->state), "confirmed");
	assert_int_equal(store_writer_submit(w, dialog_put_apply, free, d,
					     "put"), 0);
	store_writer_drain(w);
	t = fx_begin(fx, false);
	assert_int_equal(store_dialog_get(t, "dlg-1", out), 0);
	store_txn_abort(t);

	d = calloc(1, sizeof(*d));
	assert_non_null(d);
	snprintf(d->call_id, sizeof(d->call_id), "dlg-1");
	snprintf(d->state, sizeof(d->state), "confirmed");
	assert_int_equal(store_writer_submit(w, dialog_put_apply, free, d,
					     "put again"), 0);
	assert_int_equal(store_writer_submit(w, dialog_del_apply, NULL,
					     "dlg-1", "del"), 0);
	store_writer_drain(w);
	store_writer_stats_get(w, &s);
	assert_int_equal(s.jobs, 3);
	assert_int_equal(s.failed, 0);
	t = fx_begin(fx, false);
	assert_int_equal(store_dialog_get(t, "dlg-1", out), -ENOENT);
	store_txn_abort(t);
	free(out);
	store_writer_free(w);
}

/* What is queued when the writer is freed is in the store after. */
static void test_free_commits_the_queue(void **state)
{
	struct fixture *fx = *state;
	struct store_writer *w = store_writer_new(fx->st);
	char name[32], got[STORE_CALLID_MAX];
	int released = 0;

	assert_non_null(w);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "late-%d", i);
		submit_cdr(w, name, 0, &released);
	}
	store_writer_free(w);
	assert_int_equal(released, 200);
	fx_reopen(fx);
	cdr_call_id(fx, 200, got, sizeof(got));
	assert_string_equal(got, "late-199");
}

static void test_bad_arguments(void **state)
{
	struct fixture *fx = *state;
	struct store_writer *w = store_writer_new(fx->st);
	struct cdr_arg *a = calloc(1, sizeof(*a));
	int released = 0;

	assert_non_null(w);
	assert_non_null(a);
	a->released = &released;
	/* the argument is the job's even when refused: released, not leaked */
	assert_int_equal(store_writer_submit(w, NULL, cdr_release, a, "x"),
			 -EINVAL);
	assert_int_equal(released, 1);
	assert_int_equal(store_writer_submit(NULL, cdr_apply, NULL, NULL, "x"),
			 -EINVAL);
	assert_null(store_writer_new(NULL));
	assert_int_equal(errno, EINVAL);
	store_writer_drain(NULL);
	store_writer_free(NULL);
	store_writer_free(w);
}

/*
 * The next calloc() of this thread fails: the writer thread allocates as
 * usual.  The linker sends every calloc() of the test program here
 * (-Wl,--wrap=calloc in tests/unit/build.mk).
 */
static __thread bool calloc_fails_next;

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

void *__wrap_calloc(size_t n, size_t size)
{
	if (calloc_fails_next) {
		calloc_fails_next = false;
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(n, size);
}

/*
 * No memory for a job: rather than lose the write, submit drains the
 * queue and writes it at once, so it still lands after what was queued
 * before it and before what comes after.
 */
static void test_no_memory_writes_at_once(void **state)
{
	struct fixture *fx = *state;
	struct store_writer *w = store_writer_new(fx->st);
	struct store_writer_stats s;
	char got[STORE_CALLID_MAX];
	struct cdr_arg *a;
	int released = 0;

	assert_non_null(w);
	submit_calls(w, 100, &released);
	a = calloc(1, sizeof(*a));
	assert_non_null(a);
	sample_cdr(&a->cdr, "no-memory", 0);
	a->released = &released;
	calloc_fails_next = true;
	assert_int_equal(store_writer_submit(w, cdr_apply, cdr_release, a,
					     "no-memory"), 0);
	/* the job's allocation was the one refused */
	assert_false(calloc_fails_next);
	/* written and released before submit returned, after the queue */
	assert_int_equal(released, 101);
	cdr_call_id(fx, 101, got, sizeof(got));
	assert_string_equal(got, "no-memory");
	submit_cdr(w, "after", 0, &released);
	store_writer_drain(w);
	assert_int_equal(released, 102);
	assert_calls(fx, 100);
	cdr_call_id(fx, 102, got, sizeof(got));
	assert_string_equal(got, "after");
	cdr_call_id(fx, 103, got, sizeof(got));
	assert_string_equal(got, "");
	store_writer_stats_get(w, &s);
	assert_int_equal(s.failed, 0);
	store_writer_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_all_committed_in_order),
		FX_TEST(test_queued_during_commit_share_one_txn),
		FX_TEST(test_failing_write_costs_only_itself),
		FX_TEST(test_put_then_delete_keep_their_order),
		FX_TEST(test_free_commits_the_queue),
		FX_TEST(test_bad_arguments),
		FX_TEST(test_no_memory_writes_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
