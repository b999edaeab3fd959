/*
 * The store writer's thread and queue: see store_writer.h for why writes
 * are grouped and what that costs.
 *
 * Locking: one mutex guards the queue and the counters.  The event loop
 * appends jobs and waits on `done` (drain) or `space` (a full queue); the
 * thread waits on `work`, takes the whole queue at once and applies it
 * with the mutex released, so the event loop never waits for a flush
 * unless it drains.
 */
#include "store_writer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"

struct writer_job {
	struct writer_job *next;
	int (*apply)(struct store_txn *txn, void *arg);
	void (*release)(void *arg);
	void *arg;
	char label[STORE_WRITER_LABEL_MAX];
};

struct store_writer {
	struct store *st;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work;		/* a job was queued, or stop */
	pthread_cond_t done;		/* a batch was finished */
	pthread_cond_t space;		/* the queue was taken */
	struct writer_job *head, **tail;
	unsigned queued;
	uint64_t submitted;		/* jobs ever queued */
	uint64_t finished;		/* of those, committed or failed */
	bool stop;
	struct store_writer_stats stats;
};

static void job_release(struct writer_job *j)
{
	if (j->release)
		j->release(j->arg);
	free(j);
}

/* Apply @list in one transaction; @return 0 when it committed. */
static int apply_batch(struct store *st, struct writer_job *list)
{
	struct store_txn *txn = store_txn_begin(st, true);
	int rc = txn ? 0 : -errno;

	for (struct writer_job *j = list; j && rc == 0; j = j->next)
		rc = j->apply(txn, j->arg);
	if (!txn)
		return rc;
	if (rc < 0) {
		store_txn_abort(txn);
		return rc;
	}
	return store_txn_commit(txn);
}

/*
 * Commit @list, releasing every job; @return how many failed.  A failed
 * batch of several jobs is retried one job per transaction, so that only
 * the job at fault is lost.
 */
static unsigned commit_list(struct store_writer *w, struct writer_job *list,
			    unsigned n, unsigned *batches)
{
	struct writer_job *next;
	unsigned failed = 0;
	int rc;

	rc = apply_batch(w->st, list);
	if (rc == 0)
		*batches = 1;
	else
		*batches = 0;
	for (struct writer_job *j = list; j; j = next) {
		next = j->next;
		if (rc < 0 && n > 1) {
			j->next = NULL;
			int one = apply_batch(w->st, j);

			if (one == 0)
				(*batches)++;
			else {
				log_err("store: %s not written: %s", j->label,
					strerror(-one));
				failed++;
			}
		} else if (rc < 0) {
			log_err("store: %s not written: %s", j->label,
				strerror(-rc));
			failed++;
		}
		job_release(j);
	}
	return failed;
}

static void *writer_main(void *arg)
{
	struct store_writer *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct writer_job *list;
		unsigned n, failed, batches;

		while (!w->head && !w->stop)
			pthread_cond_wait(&w->work, &w->lock);
		if (!w->head)
			break;
		list = w->head;
		n = w->queued;
		w->head = NULL;
		w->tail = &w->head;
		w->queued = 0;
		pthread_cond_broadcast(&w->space);
		pthread_mutex_unlock(&w->lock);

		failed = commit_list(w, list, n, &batches);

		pthread_mutex_lock(&w->lock);
		w->finished += n;
		w->stats.jobs += n - failed;
		w->stats.failed += failed;
		w->stats.batches += batches;
		pthread_cond_broadcast(&w->done);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct store_writer *store_writer_new(struct store *st)
{
	struct store_writer *w;
	sigset_t all, old;
	int rc;

	if (!st) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	w->st = st;
	w->tail = &w->head;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	pthread_cond_init(&w->space, NULL);
	/* the thread inherits the mask: signals stay the event loop's */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		pthread_cond_destroy(&w->space);
		pthread_cond_destroy(&w->done);
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->lock);
		free(w);
		errno = rc;
		return NULL;
	}
	return w;
}

void store_writer_free(struct store_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
	/* the thread commits what is queued before it sees stop */
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->space);
	pthread_cond_destroy(&w->done);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

int store_writer_submit(struct store_writer *w,
			int (*apply)(struct store_txn *txn, void *arg),
			void (*release)(void *arg), void *arg,
			const char *label)
{
	struct writer_job *j;

	if (!w || !apply) {
		if (release)
			release(arg);
		return -EINVAL;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		/* written at once rather than lost */
		struct writer_job stack = { .apply = apply, .arg = arg };
		int rc;

		store_writer_drain(w);
		rc = apply_batch(w->st, &stack);
		if (release)
			release(arg);
		return rc;
	}
	j->apply = apply;
	j->release = release;
	j->arg = arg;
	snprintf(j->label, sizeof(j->label), "%s", label ? label : "write");

	pthread_mutex_lock(&w->lock);
	while (w->queued >= STORE_WRITER_QUEUE_MAX)
		pthread_cond_wait(&w->space, &w->lock);
	*w->tail = j;
	w->tail = &j->next;
	w->queued++;
	w->submitted++;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void store_writer_drain(struct store_writer *w)
{
	uint64_t upto;

	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	upto = w->submitted;
	while (w->finished < upto)
		pthread_cond_wait(&w->done, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

void store_writer_stats_get(struct store_writer *w,
			    struct store_writer_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	*out = w->stats;
	pthread_mutex_unlock(&w->lock);
}
