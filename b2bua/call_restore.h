/*
 * DOC: Call restore - calls resumed after sbcd restarts
 *
 * The dataplane keeps forwarding while sbcd is down, and every answered
 * call has a dialog record (dialog_save.h).  At start sbcd rebuilds each
 * such call: the struct b2b_call with its ids, parties and times, its
 * media as saved (ports marked in use, flow-table slots adopted as the
 * dataplane kept them: b2b_media_adopt()), and one nua handle per leg.
 *
 * Sofia-SIP's nua matches an in-dialog request to a handle through the
 * nta leg the handle owns, and nua creates that leg (nta_leg_tcreate()
 * with the request's Call-ID, From, To and CSeq) only when the handle
 * sends its first request; an in-dialog request for a dialog no handle
 * owns gets 481.  nua also answers BYE, re-INVITE and UPDATE only within
 * a session usage, which only an INVITE transaction creates.  So each
 * leg sends a re-INVITE inside the old dialog: the old Call-ID, local and
 * remote tags, the next local CSeq, the remote target as request URI and
 * the route set, carrying the SDP the SBC last sent on that leg, unchanged
 * with the same o= version (RFC 3264 section 8: an unchanged session
 * keeps its version).  To the peer it is a valid session refresh; to nua
 * it creates the leg and the session, after which BYE, re-INVITE, UPDATE,
 * INFO and ACK from either side reach the call as before the restart.
 * The peer's answer is to an unchanged offer, so the flows stay as they
 * are.  A leg that answers the re-INVITE with a failure (481: the peer
 * lost the dialog) ends the call: BYE on the other leg, CDR "not restored
 * (STATUS)".  Limits: the route set is recomputed by nua from the 2xx as
 * for a new dialog; a peer reached over TCP or TLS must accept a new
 * connection to its Contact.
 *
 * Prepaid calls are not resumed: credit_reconcile.c debited them and wrote
 * their CDR (and deleted their record) before any call is taken, so their
 * money is settled.  Their records are read before that
 * (b2b_restore_load()); such a call is rebuilt and ended at once (it is
 * not in `show calls`, no second CDR, flows freed), and each leg's
 * restore re-INVITE, once answered, is followed by a BYE.  A prepaid
 * record the reconciliation left (no live_calls record) is ended the same
 * way, with a CDR of its own (reason "sbcd restart", no debit).
 *
 * A record that cannot be restored (written by an older sbcd, an unknown
 * realm, media of another build, ports or slots taken) ends its call at
 * once: CDR with the original setup and answer times and the reason "not
 * restored (WHY)", flows and ports freed; its peers learn at their next
 * request (481).  Nothing in a record can stop sbcd from starting.
 * Flows no restored call holds are freed last (b2b_media_free_stale()).
 *
 * Stopping: SIGTERM (systemctl stop or restart, an upgrade) keeps the
 * answered non-prepaid calls up for the next sbcd (b2b_restore_keep());
 * SIGINT hangs up every call (BYE, CDRs).  SIGKILL keeps them too, with
 * the record as last written.
 */
#ifndef SBC_CALL_RESTORE_H
#define SBC_CALL_RESTORE_H

struct b2b_ctx;
struct b2b_leg;
struct store;

/* The CDR reason of a prepaid call hung up by a restart. */
#define B2B_RESTORE_HANGUP_REASON "sbcd restart"

struct b2b_restore;

/**
 * b2b_restore_load - the prepaid calls' dialog records, read before the
 * credit reconciliation deletes them
 * @return the set (maybe empty), or NULL with errno ENOMEM or the store's
 * error (logged): calls are then restored without it.
 */
struct b2b_restore *b2b_restore_load(struct store *st);

/* b2b_restore_free - release @r; accepts NULL. */
void b2b_restore_free(struct b2b_restore *r);

/**
 * b2b_restore_run - restore every call in the store's dialog records and
 * hang up the prepaid ones of @r, then free the flows no call holds; once
 * the SIP transports are up, before the loop runs.  Frees @r.
 * @return how many calls are being resumed.
 */
int b2b_restore_run(struct b2b_ctx *ctx, struct b2b_restore *r);

/* How long a stop waits for the calls it hangs up (b2b_restore_keep()). */
#define B2B_RESTORE_STOP_MS 2000

/**
 * b2b_restore_keep - SIGTERM: keep the answered calls a restart can resume
 * (non-prepaid, with a resumable record) up for the next sbcd, and hang up
 * the others (BYE or CANCEL, CDRs, debits), waiting
 * at most B2B_RESTORE_STOP_MS for them
 *
 * The kept calls' dialogs are left to the next sbcd: nothing more may be
 * sent on them, so the caller ends the process without shutting the SIP
 * stack down (nua would BYE every session), as a SIGKILL would, with the
 * store closed.
 *
 * @return how many calls were kept.
 */
int b2b_restore_keep(struct b2b_ctx *ctx);

/**
 * b2b_restore_response - a response to the re-INVITE of a restored leg
 * (@leg->restoring): 2xx ACKed, failures end the call
 */
void b2b_restore_response(struct b2b_leg *leg, int status);

#endif
