/*
 * DOC: Prepaid calls
 *
 * Credit control of the calls of a prepaid account (rating.h prices them):
 *
 *   admission   the rate of the dialled number under the account's rate
 *               plan; refused 402 "insufficient credit" (403 where the
 *               realm's insufficient_credit_status says so) when the credit
 *               available does not cover the connect fee and the first
 *               increment, 403 "no rate" when the plan prices nothing
 *   answer      the call reserves cost(D), D being the longest duration
 *               the available credit pays for, and a timer cuts it off
 *               (BYE both legs, CDR reason "credit exhausted") D seconds
 *               after the answer
 *   end         whatever ends it (either side, cut-off, RTP timeout, kill,
 *               error, shutdown): the cost of the billed seconds is debited
 *               in the transaction that writes the CDR (cdr.c) with an
 *               audit record, and the reservation is released
 *
 *   available = balance - reservations of the account's other answered calls
 *
 * Reservations live in memory, in the calls (struct b2b_call_credit), and
 * are summed over the calls table per account; each is also persisted and
 * checkpointed in the store so a crash loses none (credit_checkpoint.h).
 * The billed duration is the answer-to-end time rounded up to whole
 * seconds and capped at D: a cut-off a few milliseconds late is the SBC's
 * delay, never billed, so a call never costs more than it reserved and the
 * calls of an account cannot together spend more than the balance,
 * whatever the order they start and end in.
 *
 * credit_reserve.c holds the arithmetic (no SIP, unit-tested) and
 * b2b_credit_reserved(); credit_call.c the call side.  Everything runs on
 * the su_root thread.
 */
#ifndef SBC_CREDIT_CALL_H
#define SBC_CREDIT_CALL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include <sofia-sip/su_wait.h>

#include "store.h"

struct b2b_ctx;
struct b2b_call;

/* the audit identity of debits made by calls */
#define B2B_CREDIT_WHO_CALL "sbcd"
/* CDR reason of a call cut off when its credit ran out */
#define B2B_CREDIT_CUTOFF_REASON "credit exhausted"

/* The credit state of one call; all zero for a call not prepaid. */
struct b2b_call_credit {
	bool prepaid;			/* the caller's account is prepaid */
	bool reserving;			/* answered: @reserved is held */
	struct store_rate rate;		/* found at admission */
	int64_t reserved;		/* micro-units, cost(@max_s) */
	uint32_t max_s;			/* UINT32_MAX: no cut-off */
	su_timer_t *timer;		/* cut-off, NULL when not running */
	su_timer_t *notice;		/* warning MESSAGE before it (message.h) */
};

/* credit_reserve.c: arithmetic ------------------------------------------- */

/**
 * b2b_credit_available - credit a new reservation may take
 * @balance: the account's balance, micro-units (may be < 0)
 * @reserved: what the account's other calls hold, >= 0
 *
 * @return @balance - @reserved, or 0 when that is negative.
 */
int64_t b2b_credit_available(int64_t balance, int64_t reserved);

/**
 * b2b_credit_grant - what an answered call may last and must reserve
 * @r: the call's rate (b2b_rating_valid())
 * @available: b2b_credit_available()
 * @max_s: the longest duration paid for, UINT32_MAX for no limit
 * @reserve: cost(@max_s), or @available when that cost does not fit
 *
 * @return 0, with *@reserve <= @available; -ENOSPC when @available does
 * not pay for the first increment (*@max_s and *@reserve set to 0).
 */
int b2b_credit_grant(const struct store_rate *r, int64_t available,
		     uint32_t *max_s, int64_t *reserve);

/**
 * b2b_credit_billed_s - the seconds a call of @duration_ms is billed for:
 * rounded up to whole seconds, capped at @max_s (its grant)
 */
uint32_t b2b_credit_billed_s(int64_t duration_ms, uint32_t max_s);

/**
 * b2b_credit_reserved - credit held by the answered, live calls of
 * @account, @except left out (NULL: none)
 * @return micro-units, >= 0; 0 when @ctx has no calls table.
 */
int64_t b2b_credit_reserved(const struct b2b_ctx *ctx, const char *account,
			    const struct b2b_call *except);

/* credit_call.c: calls --------------------------------------------------- */

/**
 * b2b_credit_call_admit - the prepaid check of a new call, once its number
 * is known; answers the caller and ends the call when it fails
 * @acct: the caller's authenticated account
 *
 * @return 0 when the call may proceed (prepaid or not), -1 when it was
 * refused.
 */
int b2b_credit_call_admit(struct b2b_call *call,
			  const struct store_account *acct);

/**
 * b2b_credit_call_answered - reserve credit, persist it (the call's live
 * record, credit_checkpoint.h) and start the cut-off timer of a prepaid
 * call just answered; a call that can no longer be paid for (the account's
 * other calls took the credit since admission), or whose reservation
 * cannot be persisted, is hung up
 */
void b2b_credit_call_answered(struct b2b_call *call);

/* b2b_credit_call_stop - stop the cut-off timer, if running */
void b2b_credit_call_stop(struct b2b_call *call);

/**
 * b2b_credit_call_settle - debit what an ended call cost, in @txn
 * @txn: the write transaction of its CDR
 * @duration_ms: answer to end
 * @cost: receives the cost, 0 for a call not prepaid or not answered
 *
 * Writes the account's new balance and an audit record ("call"), and
 * releases the reservation (in memory: the call no longer reserves once it
 * has ended; in the store: its live record is deleted in @txn,
 * credit_checkpoint.h).  An account deleted during the call is not debited
 * (logged).
 *
 * @return 0 or an error of the store.
 */
int b2b_credit_call_settle(struct b2b_call *call, struct store_txn *txn,
			   int64_t duration_ms, int64_t *cost);

/**
 * b2b_credit_call_json - add "reserved" and "time_left_s" to @row for a
 * prepaid call
 * @return 0 or -ENOMEM.
 */
int b2b_credit_call_json(const struct b2b_call *call, json_t *row);

#endif
