/*
 * DOC: Account policy: postpaid limits and incoming-call rules
 *
 * Per-account rules (struct store_account, set by `account add/set`)
 * applied to a call once its number is known (after the dial plan and the
 * route lookup, or the registrar lookup for a call to a subscriber):
 *
 * Calls from an account (outgoing), in this order:
 *   blocked                403 "Forbidden: account blocked"
 *   -- an emergency number skips the rest --
 *   barred=PREFIX,...      403 "Forbidden: destination barred" when the
 *                          number starts with one of the prefixes
 *   pstn=no                403 "Forbidden: no PSTN access" when the call
 *                          would go to a carrier gateway (routed by LCR);
 *                          calls to registered subscribers still work
 *   quota_min=N            403 "Forbidden: monthly quota exceeded" once
 *                          the answered minutes of this calendar month
 *                          (UTC) reach N; next-call semantics: calls in
 *                          progress are not cut, the month's usage is
 *                          added up when each call ends
 *   max_calls=N            403 "Forbidden: call limit reached" when N
 *                          calls from or to the account are up
 *   max_duration_s=N       the answered call is ended with BYE on both
 *                          legs after N s (CDR reason "max duration"),
 *                          as is any call after timers.max_call_duration
 *
 * Calls to a registered subscriber (incoming), in this order:
 *   blocked                403 "Forbidden: callee blocked"
 *   in_reject=CALLER,...   403 "Forbidden: caller rejected"
 *   in_accept=CALLER,...   403 "Forbidden: caller not accepted" unless
 *                          the caller is listed (empty list: everyone)
 *   in_hours=RULES         480 "Temporarily Unavailable: outside hours"
 *   max_calls=N            486 "Busy Here: call limit reached"
 *
 * A CALLER entry matches the caller's From user (the account user for a
 * subscriber) exactly, or as a prefix when it ends in '*'.  RULES are
 * "DAYS HH:MM-HH:MM" separated by ',': DAYS one day (Mon) or a range
 * (Mon-Fri, Fri-Mon wraps), times in UTC, end 24:00 allowed; an end
 * before the start crosses midnight into the next day.  A caller matched
 * by in_reject is refused whatever in_accept says.
 *
 * The pure rule functions (no SIP, no store I/O) are account_policy.c and
 * unit-tested; account_policy_call.c applies them to calls: admission, the
 * duration timer, and the month usage written in the transaction of the
 * call's CDR.  Everything runs on the su_root thread.
 */
#ifndef SBC_ACCOUNT_POLICY_H
#define SBC_ACCOUNT_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include <sofia-sip/su_wait.h>

#include "store.h"

struct b2b_call;

/* CDR reason of a call cut off at its maximum duration */
#define B2B_ACCT_POLICY_DURATION_REASON "max duration"

/* longest duration limit, s (su_timer takes int32 ms) */
#define B2B_ACCT_DURATION_MAX (7 * 86400)

/* rules of in_hours, at most */
#define B2B_ACCT_HOURS_RULES 8

/* A refusal: SIP status, reason phrase and CDR reason; status 0 = admit. */
struct b2b_acct_verdict {
	int status;
	const char *phrase;
	const char *reason;
};

/* One rule of in_hours: minutes of the day [start, end) on @days. */
struct b2b_acct_hours_rule {
	uint8_t days;			/* bit 0 Monday .. bit 6 Sunday */
	uint16_t start, end;		/* 0..1439, 1..1440; end < start wraps */
};

struct b2b_acct_hours {
	struct b2b_acct_hours_rule rule[B2B_ACCT_HOURS_RULES];
	unsigned n;			/* 0: no restriction */
};

/* The policy state of one call; all zero when no rule applies. */
struct b2b_call_policy {
	uint32_t max_s;			/* 0: no duration limit */
	su_timer_t *timer;		/* duration limit, NULL when not running */
};

/* account_policy.c: rules ------------------------------------------------ */

/* b2b_acct_policy_month - the UTC calendar month of @unix_ms as YYYYMM. */
uint32_t b2b_acct_policy_month(int64_t unix_ms);

/**
 * b2b_acct_policy_usage_ms - answered time of @a in @month: its counter,
 * or 0 when the counter belongs to another month
 */
int64_t b2b_acct_policy_usage_ms(const struct store_account *a,
				 uint32_t month);

/**
 * b2b_acct_policy_usage_add - count @ms of a call that ended in @month
 * in @a's counter, starting it again when the month changed; saturates
 * @return 0, -EINVAL for @ms < 0.
 */
int b2b_acct_policy_usage_add(struct store_account *a, uint32_t month,
			      int64_t ms);

/* b2b_acct_policy_quota_ok - may @a start a call in @month? */
bool b2b_acct_policy_quota_ok(const struct store_account *a, uint32_t month);

/**
 * b2b_acct_policy_barred - the longest prefix of @a->barred that @number
 * starts with, or NULL
 */
const char *b2b_acct_policy_barred(const struct store_account *a,
				   const char *number);

/**
 * b2b_acct_policy_caller_in - is @caller on the list @list[@n]?  An entry
 * matches exactly, or as a prefix when it ends in '*' ("*" matches all).
 */
bool b2b_acct_policy_caller_in(const char (*list)[STORE_PREFIX_MAX],
			       uint32_t n, const char *caller);

/**
 * b2b_acct_policy_hours_parse - RULES text (see DOC) into @out
 * @text: "" gives no restriction (@out->n == 0)
 *
 * @return 0, or -EINVAL (@out->n set to 0).
 */
int b2b_acct_policy_hours_parse(const char *text, struct b2b_acct_hours *out);

/* b2b_acct_policy_hours_open - does one of @h's rules cover @unix_s (UTC)? */
bool b2b_acct_policy_hours_open(const struct b2b_acct_hours *h,
				int64_t unix_s);

/**
 * b2b_acct_policy_outgoing - the rules of a call from @a
 * @number: the number after the dial plan
 * @to_subscriber: the call goes to a registered subscriber (not by LCR)
 * @emergency: @number is an emergency number
 * @active: calls from or to @a that are up, this one left out
 * @unix_ms: now
 *
 * @return the verdict (status 0: admitted).
 */
struct b2b_acct_verdict b2b_acct_policy_outgoing(const struct store_account *a,
						 const char *number,
						 bool to_subscriber,
						 bool emergency,
						 unsigned active,
						 int64_t unix_ms);

/**
 * b2b_acct_policy_incoming - the rules of a call to subscriber @a
 * @caller: the caller's user (never NULL)
 * @active, @unix_ms: as for b2b_acct_policy_outgoing()
 *
 * An in_hours text that does not parse (a hand-edited store) restricts
 * nothing; provisioning never stores one.
 */
struct b2b_acct_verdict b2b_acct_policy_incoming(const struct store_account *a,
						 const char *caller,
						 unsigned active,
						 int64_t unix_ms);

/**
 * b2b_acct_policy_duration - the longest an answered call may last, s
 * @account_s: the caller's max_duration_s, 0 = none
 * @global_s: timers.max_call_duration, 0 = none
 * @emergency: emergency calls ignore @account_s
 *
 * @return the smaller limit set, at most B2B_ACCT_DURATION_MAX; 0 when
 * none is.
 */
uint32_t b2b_acct_policy_duration(uint32_t account_s, uint32_t global_s,
				  bool emergency);

/* account_policy_call.c: calls ------------------------------------------ */

/**
 * b2b_acct_policy_admit - apply the rules to a new call whose number (and
 * targets, for a subscriber) is known; answers the caller and ends the
 * call when one refuses it
 * @acct: the caller's authenticated account, NULL for a peer
 *
 * @return 0 when the call may proceed, -1 when it was refused.
 */
int b2b_acct_policy_admit(struct b2b_call *call,
			  const struct store_account *acct);

/* b2b_acct_policy_answered - start the duration timer of an answered call */
void b2b_acct_policy_answered(struct b2b_call *call);

/* b2b_acct_policy_stop - stop the duration timer, if running */
void b2b_acct_policy_stop(struct b2b_call *call);

/**
 * b2b_acct_policy_settle - add an ended call's answered time to its
 * caller's month usage, in @txn (the write transaction of its CDR)
 * @duration_ms: answer to end, 0 for a call never answered
 *
 * An account deleted during the call, or whose record is corrupt (logged),
 * is skipped, so the CDR written in @txn is never lost for it.
 *
 * @return 0 or an error of the store (-ENOSPC, -EIO, -ENOMEM).
 */
int b2b_acct_policy_settle(struct b2b_call *call, struct store_txn *txn,
			   int64_t duration_ms);

#endif
