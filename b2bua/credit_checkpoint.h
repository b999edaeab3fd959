/*
 * DOC: Crash safety of prepaid calls
 *
 * The reservation of an answered prepaid call lives in memory, in the call
 * (credit_call.h).  So that a killed sbcd neither gives calls away nor
 * loses a reservation, every answered prepaid call also has a record in the
 * store (struct store_live_call, database "live_calls"):
 *
 *   answer      written in its own transaction with what prices the call
 *               (the rate found at admission, the grant: max_s and the
 *               amount reserved), consumed_s 0; a call whose record cannot
 *               be written is hung up ("credit error")
 *   every N s   one su_timer for all calls, N = timers.credit_checkpoint
 *               (1-5): one write transaction per tick updates consumed_s
 *               (what the call would be billed had it ended now) and
 *               checkpoint_ms of every prepaid call up
 *   end         deleted in the transaction that debits the call and writes
 *               its CDR and audit record (b2b_credit_call_settle())
 *   restart     before SIP listens (and once sbcd.c holds the store's
 *               lock, so the records are a dead sbcd's), each record left is
 *               settled in a transaction of its own: debit, CDR (reason
 *               "sbcd restart"), audit record ("call"), the call's dialog
 *               record and the live record deleted
 *
 * A call settled at restart is billed its checkpointed seconds, but never
 * more than the seconds since its answer (a wall clock stepped back) nor
 * than its grant, and the debit never takes the balance below zero (it is
 * cut to what the balance holds, logged; the CDR carries what was
 * debited), so the balances plus the CDR costs add up exactly.  What was
 * talked after the last checkpoint (less than N s) is not billed: nobody
 * knows when sbcd died.  A call whose end transaction failed (a store
 * error) keeps its record and is settled the same way at the next start.
 *
 * The records are also the reservations ctl sees: account balance shows
 * them and account debit refuses to take a balance below what the
 * account's live calls reserved (b2b_credit_live_reserved(), read in the
 * debit's own transaction).
 *
 * credit_checkpoint.c holds the call side (answer, tick, end),
 * credit_reconcile.c the store side (restart, reservations of an account),
 * which needs no calls table.  Everything runs on the su_root thread.
 */
#ifndef SBC_CREDIT_CHECKPOINT_H
#define SBC_CREDIT_CHECKPOINT_H

#include <stdint.h>

#include "store.h"

struct b2b_ctx;
struct b2b_call;

/* CDR reason of a call settled when sbcd started again */
#define B2B_CREDIT_RESTART_REASON "sbcd restart"

/* credit_checkpoint.c: calls -------------------------------------------- */

/**
 * b2b_credit_live_save - write the live record of a prepaid call just
 * answered (consumed_s 0, checkpoint_ms its answer), in its own transaction
 * @return 0 or an error of the store (logged).
 */
int b2b_credit_live_save(struct b2b_call *call);

/**
 * b2b_credit_live_del - delete a call's live record in @txn, the
 * transaction that debits it; a record that is not there is no error
 * @return 0 or an error of the store.
 */
int b2b_credit_live_del(struct b2b_call *call, struct store_txn *txn);

/**
 * b2b_credit_checkpoint - checkpoint every answered prepaid call up
 * @now_ms: unix time, ms (the timer passes b2b_now_ms())
 *
 * One write transaction for all of them, none when no call is up.
 *
 * @return the number of calls checkpointed, or an error of the store
 * (logged; the previous checkpoints stay).
 */
int b2b_credit_checkpoint(struct b2b_ctx *ctx, int64_t now_ms);

/**
 * b2b_credit_checkpoint_init - start the checkpoint timer (every
 * timers.credit_checkpoint seconds) in @ctx->credit_ckpt
 * @return 0 or -ENOMEM.
 */
int b2b_credit_checkpoint_init(struct b2b_ctx *ctx);

/* b2b_credit_checkpoint_uninit - stop it; safe when not started. */
void b2b_credit_checkpoint_uninit(struct b2b_ctx *ctx);

/* credit_reconcile.c: the store ---------------------------------------- */

/**
 * b2b_credit_reconcile_s - seconds to bill a call left by a killed sbcd
 * @c: its live record
 * @now_ms: unix time, ms
 *
 * @return @c->consumed_s, capped at the seconds from its answer to @now_ms
 * (rounded up, as b2b_credit_billed_s()) and at its grant.
 */
uint32_t b2b_credit_reconcile_s(const struct store_live_call *c,
				int64_t now_ms);

/**
 * b2b_credit_reconcile - settle every live call record in @st, one write
 * transaction each, as the DOC block above says
 * @now_ms: unix time, ms
 *
 * @return the number of calls settled, or a negative errno: an error of
 * the store (a corrupt record is -EPROTO), -EINVAL or -ERANGE when a
 * record's rate cannot price the call (logged).  What was settled before the
 * error stays settled.
 */
int b2b_credit_reconcile(struct store *st, int64_t now_ms);

/**
 * b2b_credit_live_reserved - credit held by the live calls of @account
 * @txn: any transaction
 * @sum: receives the sum of their reservations, micro-units
 *
 * @return 0, or an error of store_live_call_foreach() (-EINVAL for an
 * account id that cannot be one, -EPROTO, -ERANGE on overflow...).
 */
int b2b_credit_live_reserved(struct store_txn *txn, const char *account,
			     int64_t *sum);

#endif
