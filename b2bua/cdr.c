/*
 * Call records in the store: the CDR of every ended call (with, in the same
 * transaction, the debit of a prepaid call and its audit record, the
 * caller's month usage, and the removal of its dialog record), the dialog
 * record of an answered call, and cdr.list for operators.
 *
 * Records that move no money go through the store writer (group commit
 * off the event loop, store_writer.h); a call that settles credit or an
 * account's usage is written here, synchronously, once the writer has
 * committed what the call queued before.
 */
#include "cdr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "call.h"
#include "call_media.h"
#include "credit.h"
#include "ctl_registry.h"
#include "dialog_save.h"
#include "log.h"
#include "sbcd.h"
#include "store.h"
#include "store_writer.h"

#define CDR_LIST_DEFAULT 20
#define CDR_LIST_MAX 1000

/* "REASON [down@gw1,503@gw2,200@gw3]", cut to fit the record. */
static void cdr_reason(const struct b2b_call *call, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s", call->reason);

	for (unsigned i = 0; i < call->n_attempts && n < len; i++) {
		const struct b2b_attempt *at = &call->attempts[i];
		char code[12];

		if (at->status == B2B_ATTEMPT_DOWN)
			snprintf(code, sizeof(code), "down");
		else
			snprintf(code, sizeof(code), "%d", at->status);
		n += (size_t)snprintf(buf + n, len - n, "%s%s@%s",
				      i ? "," : " [", code, at->gateway);
	}
	if (call->n_attempts && n < len)
		snprintf(buf + n, len - n, "]");
}

/* Commit @txn when @rc is 0, else abort it; @return 0 or the error. */
static int txn_finish(struct store_txn *txn, int rc)
{
	if (rc < 0) {
		store_txn_abort(txn);
		return rc;
	}
	return store_txn_commit(txn);
}

/* A CDR for the store writer, with the dialog record it ends. */
struct cdr_job {
	struct store_cdr cdr;
	bool del_dialog;
};

static int cdr_job_apply(struct store_txn *txn, void *arg)
{
	struct cdr_job *job = arg;
	int rc = store_cdr_append(txn, &job->cdr);

	if (rc == 0 && job->del_dialog) {
		rc = store_dialog_del(txn, job->cdr.call_id);
		if (rc == -ENOENT)
			rc = 0;
	}
	return rc;
}

/* A call whose end moves money: its CDR shares the debit's transaction. */
static bool cdr_settles(const struct b2b_call *call, int64_t duration_ms)
{
	return call->credit.reserving || (call->account[0] && duration_ms > 0);
}

/* The CDR of a call that settles, with the debit and usage, at once. */
static int cdr_write_settled(struct b2b_call *call, struct store_cdr *cdr)
{
	struct store_txn *txn;
	int rc;

	/* after the call's dialog record, which may still be queued */
	store_writer_drain(call->ctx->store_writer);
	txn = store_txn_begin(call->ctx->store, true);
	if (!txn)
		return -errno;
	rc = b2b_credit_call_settle(call, txn, cdr->duration_ms, &cdr->cost);
	if (rc == 0)
		rc = b2b_acct_policy_settle(call, txn, cdr->duration_ms);
	if (rc == 0)
		rc = store_cdr_append(txn, cdr);
	if (rc == 0 && call->answer_ms) {
		rc = store_dialog_del(txn, cdr->call_id);
		if (rc == -ENOENT)
			rc = 0;
	}
	return txn_finish(txn, rc);
}

int b2b_cdr_write(struct b2b_call *call)
{
	struct cdr_job *job;
	struct store_cdr *cdr;
	char label[STORE_WRITER_LABEL_MAX];
	int rc;

	if (call->cdr_written)
		return 0;
	job = calloc(1, sizeof(*job));
	if (!job) {
		rc = -ENOMEM;
		goto err;
	}
	cdr = &job->cdr;
	snprintf(cdr->call_id, sizeof(cdr->call_id), "%s",
		 call->a.call_id[0] ? call->a.call_id : call->id);
	snprintf(cdr->caller, sizeof(cdr->caller), "%s", call->caller);
	snprintf(cdr->callee, sizeof(cdr->callee), "%s", call->number);
	snprintf(cdr->ingress, sizeof(cdr->ingress), "%s",
		 call->account[0] ? call->account : call->a.peer);
	snprintf(cdr->egress, sizeof(cdr->egress), "%s", call->b.peer);
	cdr->setup_ms = call->setup_ms;
	cdr->answer_ms = call->answer_ms;
	cdr->end_ms = call->end_ms;
	cdr->duration_ms = call->answer_ms ? call->end_ms - call->answer_ms : 0;
	if (cdr->duration_ms < 0)
		cdr->duration_ms = 0;
	cdr_reason(call, cdr->reason, sizeof(cdr->reason));
	snprintf(cdr->side, sizeof(cdr->side), "%s", call->side);
	b2b_media_cdr(call, cdr);

	if (cdr_settles(call, cdr->duration_ms)) {
		rc = cdr_write_settled(call, cdr);
		free(job);
		if (rc < 0)
			goto err;
		return 0;
	}
	job->del_dialog = call->answer_ms != 0;
	snprintf(label, sizeof(label), "CDR of call %s", call->id);
	return store_writer_submit(call->ctx->store_writer, cdr_job_apply,
				   free, job, label);
err:
	log_err("call %s: CDR not written: %s", call->id, strerror(-rc));
	return rc;
}

static int dialog_job_apply(struct store_txn *txn, void *arg)
{
	return store_dialog_put(txn, arg);
}

/* the record holds the legs' SRTP keys */
static void dialog_job_release(void *arg)
{
	b2b_dialog_record_wipe(arg);
	free(arg);
}

int b2b_cdr_dialog_put(struct b2b_call *call)
{
	struct store_dialog *d;
	char label[STORE_WRITER_LABEL_MAX];
	int rc, resumable;

	/* leg A's tag is drawn as nua sends the 2xx (unless an 18x went
	 * first): the record waits for the caller's ACK, which shows it
	 * (dialog_save.c), so an answered call costs one write */
	if (!call->a.local_tag[0])
		return -ENOENT;
	d = malloc(sizeof(*d));
	if (!d) {
		rc = -ENOMEM;
		goto err;
	}
	resumable = b2b_dialog_record(call, d);
	if (resumable < 0) {
		/* kept all the same: a restart then settles the call */
		log_notice("call %s: cannot be resumed after a restart: %s",
			   call->id, resumable == -ENOSPC ? "too large a record"
			   : "no SDP or remote target on a leg");
		OPENSSL_cleanse(d->media, sizeof(d->media));
	}
	snprintf(label, sizeof(label), "dialog of call %s", call->id);
	rc = store_writer_submit(call->ctx->store_writer, dialog_job_apply,
				 dialog_job_release, d, label);
	/* a write that fails in the writer is caught at shutdown:
	 * b2b_restore_keep() keeps only calls whose record is there */
	call->resumable = rc == 0 && resumable == 0;
	if (rc < 0)
		goto err;
	return resumable;
err:
	log_err("call %s: dialog not persisted: %s", call->id, strerror(-rc));
	return rc;
}

/* The last @max CDRs seen, in a ring. */
struct cdr_ring {
	json_t **items;
	size_t max, n, next;
};

static int cdr_collect(const void *rec, void *arg)
{
	const struct store_cdr *c = rec;
	struct cdr_ring *ring = arg;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, "
			      "s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o}",
		"id", (json_int_t)c->id, "caller", c->caller,
		"callee", c->callee, "ingress", c->ingress,
		"egress", c->egress, "setup_ms", (json_int_t)c->setup_ms,
		"answer_ms", (json_int_t)c->answer_ms,
		"end_ms", (json_int_t)c->end_ms,
		"duration_s", (json_int_t)(c->duration_ms / 1000),
		"reason", c->reason, "side", c->side,
		"pkts_a", (json_int_t)c->pkts_a, "pkts_b", (json_int_t)c->pkts_b,
		"bytes_a", (json_int_t)c->bytes_a,
		"bytes_b", (json_int_t)c->bytes_b, "drops", (json_int_t)c->drops,
		"cost", b2b_credit_money_json(c->cost));

	if (!o)
		return -ENOMEM;
	json_decref(ring->items[ring->next]);
	ring->items[ring->next] = o;
	ring->next = (ring->next + 1) % ring->max;
	if (ring->n < ring->max)
		ring->n++;
	return 0;
}

static int cdr_list_handler(void *arg, const json_t *params,
			    struct ctl_reply *rep)
{
	struct b2b_ctx *ctx = arg;
	struct cdr_ring ring = { .max = CDR_LIST_DEFAULT };
	struct store_txn *txn;
	json_t *out;
	const char *s;
	char *end;
	int rc;

	if (ctl_param_string(params, 0, "n", &s) == 0) {
		unsigned long n = strtoul(s, &end, 10);

		if (!*s || *end || n < 1 || n > CDR_LIST_MAX)
			return ctl_reply_error(rep, CTL_ERR_INVALID_PARAMS,
				"N must be a number from 1 to %d", CDR_LIST_MAX);
		ring.max = n;
	}
	ring.items = calloc(ring.max, sizeof(*ring.items));
	if (!ring.items)
		return -ENOMEM;
	/* an operator sees every call that has ended */
	store_writer_drain(ctx->store_writer);
	txn = store_txn_begin(ctx->store, false);
	rc = txn ? store_foreach(txn, STORE_DB_CDRS, cdr_collect, &ring) : -errno;
	store_txn_abort(txn);
	out = rc == 0 ? json_array() : NULL;
	/* Newest first: walk the ring backwards from the last one put. */
	for (size_t i = 1; out && i <= ring.n; i++)
		json_array_append(out, ring.items[(ring.next + ring.max - i) %
						  ring.max]);
	for (size_t i = 0; i < ring.max; i++)
		json_decref(ring.items[i]);
	free(ring.items);
	if (rc < 0)
		return rc;
	return ctl_reply_set_result(rep, out);
}

int b2b_cdr_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmd = {
		"cdr.list", "cdr", "[N]",
		"the last N call detail records, newest first (default 20)",
		0, 1, cdr_list_handler, ctx,
	};

	return ctl_registry_add(ctx->ctl_reg, &cmd);
}
