/*
 * DOC: Store writer - group commit of call records off the event loop
 *
 * Every call writes the store twice: its dialog record when answered and
 * its CDR (with the record's removal) when it ends.  Done on sbcd's one
 * event loop, each commit stalls SIP for a disk flush (0.3-1 ms here), so
 * the flushes, not the SIP work, capped the calls per second
 * (bench/README.md).  The event loop hands such writes to this writer
 * instead: a thread that takes every write queued so far, applies them in
 * one write transaction and commits it with one flush (group commit, as
 * databases do for their logs).  The more calls per second, the more
 * writes share a flush; at low rates each write is committed alone, at
 * once.
 *
 * What this costs: a write is durable a flush later than it was queued,
 * instead of before the event loop went on.  A SIGKILL of sbcd in that
 * window (a millisecond or so) loses the writes queued: a dialog record
 * then never reaches the store (a call answered in that millisecond is
 * not restored after the restart), and an ended call whose CDR was lost
 * still has its dialog record, so the next sbcd ends it with a CDR of its
 * own ("not restored").  Money is never written here: a prepaid call's
 * settlement and an account's usage stay synchronous on the event loop
 * (cdr.c), after store_writer_drain() so that they come after the call's
 * queued records.
 *
 * Failures: a batch whose transaction fails is retried one write per
 * transaction, so one bad record (a full map, a corrupt neighbour) costs
 * only itself; each failed write is logged with its label and counted.
 *
 * Threads: submit, drain and free are called from one thread (the event
 * loop); the writer thread only calls the jobs' apply and release.  A job
 * owns its argument: nothing it touches may be shared with the event
 * loop.  LMDB serialises this thread's write transactions with the event
 * loop's own (the provisioning, registrations and money writes).
 */
#ifndef SBC_STORE_WRITER_H
#define SBC_STORE_WRITER_H

#include <stdint.h>

struct store;
struct store_txn;
struct store_writer;

/* Writes queued at most: submit then waits for the writer (backpressure
 * that bounds the memory of a store that cannot keep up). */
#define STORE_WRITER_QUEUE_MAX 65536
#define STORE_WRITER_LABEL_MAX 64

struct store_writer_stats {
	uint64_t jobs;		/* committed */
	uint64_t batches;	/* transactions committed */
	uint64_t failed;	/* jobs that could not be committed */
};

/**
 * store_writer_new - start the writer thread of @st
 *
 * All signals are blocked in the thread: they are the event loop's.
 *
 * @return the writer, or NULL with errno EINVAL, ENOMEM or the error of
 * pthread_create().
 */
struct store_writer *store_writer_new(struct store *st);

/**
 * store_writer_free - commit what is queued, stop the thread, free;
 * accepts NULL
 */
void store_writer_free(struct store_writer *w);

/**
 * store_writer_submit - queue one write
 * @apply: called in the writer thread inside its transaction; returns 0
 *         or a negative errno (the batch is then retried job by job)
 * @release: called once after @apply was committed or failed for good,
 *           to free @arg (may be NULL)
 * @arg: owned by the job from here on, whatever the result
 * @label: names the write in logs ("dialog of call 17"); copied
 *
 * @return 0, or -EINVAL (NULL @w or @apply; @release was called); waits
 * while STORE_WRITER_QUEUE_MAX writes are queued.
 */
int store_writer_submit(struct store_writer *w,
			int (*apply)(struct store_txn *txn, void *arg),
			void (*release)(void *arg), void *arg,
			const char *label);

/**
 * store_writer_drain - wait until every write submitted before this call
 * is committed (or has failed for good)
 *
 * For reads that must see them (an operator's CDR list) and for the
 * synchronous writes that must come after them.  Accepts NULL (nothing to
 * wait for).
 */
void store_writer_drain(struct store_writer *w);

/* store_writer_stats_get - the counters so far; @w may be NULL (zeros) */
void store_writer_stats_get(struct store_writer *w,
			    struct store_writer_stats *out);

#endif /* SBC_STORE_WRITER_H */
