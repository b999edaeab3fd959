/*
 * DOC: Parallel forking - a call to a subscriber rings all its contacts
 *
 * A call to a subscriber registered from several contacts, in a realm with
 * forking = "parallel" (cfg.h), INVITEs every contact at once (RFC 3261
 * section 16.7, done by a B2BUA): each fork is a leg-B nua handle of its
 * own with the same INVITE, the same rewritten offer included (the SBC
 * anchors media, so one offer with the SBC's ports fits every fork).  The
 * contacts must all be in one realm, else they are tried one after the
 * other as with forking = "sequential" (call_b.c).  The call is one call
 * for the limits, `show calls` and the CDR; each fork is an attempt in
 * call->attempts, listed with its final status in the CDR.
 *
 *  - Provisional responses (180, 183) of every fork go to the caller.  The
 *    first fork whose 18x has SDP owns early media: its answer is relayed
 *    and sets the flows.  Later forks' 18x reach the caller without their
 *    body (their SDP is kept, not applied): the caller's session keeps one
 *    answer, and the media of a fork that may never win is not heard.
 *  - The first 2xx wins: that fork becomes leg B (call->b) and its answer
 *    sets the flows, the answer its 2xx carries or, when the 2xx has none,
 *    the one its 18x brought.  The other forks are CANCELled (status 487
 *    in the CDR); a 2xx from one of them after that is ACKed and BYEd
 *    (RFC 3261 section 13.2.2.4).
 *  - A 6xx ends the call at once: the other forks are CANCELled and the
 *    caller gets the 6xx (section 16.7 step 5).  When every fork failed
 *    otherwise, the caller gets the best of their responses (fork_pick.h).
 *  - Each fork has its own attempt timer: silent (no response at all) for
 *    B2B_ATTEMPT_TIMEOUT_MS, it is given up with 408.
 *  - However the call ends before a fork won (the caller's CANCEL, `kill
 *    call`, shutdown, a 6xx), b2b_call_end() CANCELs every fork still
 *    pending, before the CDR is written.  A fork's handle is released once
 *    Sofia-SIP reports its dialog terminated; the call is freed after the
 *    last one.
 *  - A request a fork sends in its early dialog (UPDATE, INFO, MESSAGE) is
 *    refused with 500 and Retry-After: nothing is relayed before a fork won.
 *
 * Everything runs on the su_root thread.
 */
#ifndef SBC_CALL_FORK_H
#define SBC_CALL_FORK_H

#include <stdbool.h>

#include <sofia-sip/nua.h>

struct b2b_call;
struct b2b_leg;

/**
 * b2b_fork_wanted - should the call's subscriber targets (call->targets)
 * be forked in parallel: two or more, all in one realm whose forking is
 * "parallel"
 */
bool b2b_fork_wanted(const struct b2b_call *call);

/**
 * b2b_fork_start - INVITE every target at once; when none could be sent,
 * answer the caller 503 and end the call
 */
void b2b_fork_start(struct b2b_call *call);

/**
 * b2b_fork_event - a nua event on a fork's handle (@leg->fork set): its
 * responses, PRACKs of reliable 18x, its end
 */
void b2b_fork_event(struct b2b_leg *leg, nua_event_t event, int status,
		    char const *phrase, sip_t const *sip, tagi_t tags[]);

/**
 * b2b_fork_cancel - CANCEL every fork still pending (the call ends or a
 * fork won); their attempts get 487.  Later calls do nothing.
 */
void b2b_fork_cancel(struct b2b_call *call);

/* b2b_fork_live - does a fork of @call still hold a handle? */
bool b2b_fork_live(const struct b2b_call *call);

/**
 * b2b_fork_release - destroy the forks' handles and timers, as the call
 * is freed or sbcd stops; nothing is sent
 */
void b2b_fork_release(struct b2b_call *call);

#endif
