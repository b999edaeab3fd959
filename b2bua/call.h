/*
 * The call core: a call is two SIP dialogs joined by policy, leg A toward
 * the caller and leg B toward the gateway routing chose.  Each leg is one
 * nua handle (its magic is the struct b2b_leg), so Sofia-SIP generates
 * Call-ID, tags, Via and Contact for each leg on its own and nothing of one
 * side reaches the other except what hide.c allows.
 *
 *   call.c        the calls table, ids, limits, end of a call (CDR), the
 *                 nua event dispatcher for calls
 *   call_a.c      leg A: policy for an initial INVITE, answers to the caller
 *   call_b.c      leg B: gateways in order, failover, the attempt timer
 *   call_fork.c   leg B to all of a subscriber's contacts at once
 *   call_relay.c  in-dialog requests relayed between the legs (re-INVITE,
 *                 UPDATE, INFO, MESSAGE), ACK, BYE, CANCEL, leg
 *                 termination
 *   call_early.c  the early dialog: PRACK per leg, an offer in a reliable
 *                 18x answered in the caller's PRACK, offers in UPDATE and
 *                 PRACK before the 2xx (rules in early_oa.h)
 *   call_refer.c  REFER refused or relayed, its NOTIFYs relayed back
 *   call_ctl.c    show calls, show call, kill call, show sip
 *   cdr.c         CDR and dialog records in the store, cdr list
 *   credit_call.c prepaid calls: credit check, reservation, cut-off, debit
 *   account_policy_call.c  account limits and incoming rules, max duration
 *   call_media.c  SDP through the rewriter, flows, RTP timeout
 *
 * Life of a call: b2b_call_new() on an admitted INVITE; b2b_call_end()
 * exactly once (writes the CDR, deletes the persisted dialog, the call
 * leaves `show calls`); the struct is freed when both legs' handles are
 * released, i.e. when Sofia-SIP reported each dialog terminated.
 *
 * Everything runs on the su_root thread.
 */
#ifndef SBC_CALL_H
#define SBC_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/su_wait.h>

#include "account_policy.h"
#include "early_oa.h"
#include "credit_call.h"
#include "store.h"

struct b2b_ctx;
struct b2b_sip_realm;
struct b2b_call;
struct b2b_reg_target;
struct b2b_cid;
struct b2b_call_media;
struct b2b_fork;
struct b2b_forks;
struct b2b_gateway;

/* "RSeq CSeq INVITE" of an RAck header (RFC 3262 section 7.2) */
#define B2B_RACK_MAX 48

#define B2B_CALL_ID_MAX 16		/* "c" + 12 hex digits + NUL, padded */

/* Seconds a caller is asked to wait (Retry-After) when a limit is hit. */
#define B2B_RETRY_AFTER_STR "5"

/*
 * How long a gateway may stay silent (no response at all, not even 100)
 * before the next one is tried.  Once it sends a provisional response the
 * callee is being reached and only the caller's CANCEL ends the attempt.
 */
#define B2B_ATTEMPT_TIMEOUT_MS 4000

enum b2b_call_state {
	B2B_CALL_EARLY,			/* INVITE sent to a gateway, no 2xx */
	B2B_CALL_CONFIRMED,		/* 2xx relayed to the caller */
	B2B_CALL_TERMINATING,		/* ended; legs being torn down */
};

struct b2b_leg {
	struct b2b_call *call;
	struct b2b_sip_realm *realm;
	nua_handle_t *nh;		/* NULL once released */
	char peer[STORE_NAME_MAX];	/* the trusted peer on this side */
	char call_id[STORE_CALLID_MAX];	/* internal; never sent to the other side */
	char local_tag[STORE_TAG_MAX];
	char remote_tag[STORE_TAG_MAX];
	nua_saved_event_t saved[1];	/* request waiting for the other leg's answer */
	bool has_saved;
	bool relaying;			/* our request here answers the other's saved one */
	bool need_ack;			/* a 2xx to our INVITE is not ACKed yet */
	bool answered;			/* dialog confirmed on this leg */
	bool saved_prack;		/* the saved request is a PRACK with an
					 * offer (call_early.c) */
	sip_event_t *refer_event;	/* Event of the REFER relayed from
					 * this leg, for its NOTIFYs; NULL
					 * when none is pending */
	struct b2b_fork *fork;		/* a parallel fork's leg (call_fork.h),
					 * NULL for legs A and B */
	/* what a restarted sbcd needs to resume the dialog (dialog_save.h),
	 * strings in the call's home */
	char *target;			/* remote target: the peer's Contact URI */
	char *route;			/* route set as a Route value, or NULL */
	char *proxy;			/* outbound proxy (NAT), or NULL */
	uint32_t cseq;			/* highest local CSeq seen */
	bool restoring;			/* sbcd's re-INVITE of a restored
					 * dialog is pending (call_restore.h) */
};

/* Attempt status of a gateway skipped because its OPTIONS pings fail. */
#define B2B_ATTEMPT_DOWN (-1)

/* One gateway tried: its text, its peer and the final status it gave. */
struct b2b_attempt {
	char gateway[STORE_GW_MAX];
	char peer[STORE_NAME_MAX];
	int status;			/* 0 while pending, 408 on our timeout,
					 * B2B_ATTEMPT_DOWN when skipped */
};

struct b2b_call {
	TAILQ_ENTRY(b2b_call) link;
	struct b2b_ctx *ctx;
	su_home_t *home;		/* copies of headers and bodies */
	char id[B2B_CALL_ID_MAX];
	enum b2b_call_state state;
	bool ended;			/* b2b_call_end() done */
	struct b2b_leg a, b;
	char caller[STORE_ID_MAX];	/* From user of the caller */
	char account[STORE_ID_MAX];	/* the caller's account, "" for a peer */
	char number[STORE_ID_MAX];	/* dialled number */
	char route[STORE_PREFIX_MAX];
	unsigned max_forwards;		/* for leg B, already decremented */
	bool a_100rel;			/* the caller supports 100rel: an 18x
					 * with the answer (or, for an INVITE
					 * without one, with the callee's
					 * reliable offer) goes to it
					 * reliably */
	su_home_t *setup;		/* the set-up's copies: a_tags, last_tags,
					 * each attempt's tags and offer; NULL
					 * until needed, dropped once answered */
	tagi_t *a_tags;			/* allowed headers of the INVITE, per attempt */
	struct b2b_cid *cid;		/* caller-ID decision (callerid.h), or NULL */
	/* sized to what the call has (b2b_call_gateways()), in its home: a
	 * call holds them as long as it is up, so fixed arrays of the most
	 * a route can have would be memory per call for nothing */
	char (*gateways)[STORE_GW_MAX];	/* n_gateways of them, or NULL */
	struct b2b_reg_target *targets;	/* a subscriber's contacts (registrar.h),
					 * one per gateways[] entry, or NULL */
	unsigned n_gateways, next_gateway;
	struct b2b_attempt *attempts;	/* room for max_attempts: one per
					 * gateway, at least one */
	unsigned n_attempts, max_attempts;
	int last_status;		/* last failover-worthy failure */
	char last_phrase[64];
	tagi_t *last_tags;		/* its allowed headers (Retry-After...) */
	su_timer_t *timer;		/* attempt timeout */
	struct b2b_forks *forks;	/* parallel forks (call_fork.h), or NULL */
	struct b2b_call_media *media;	/* SDP state and flows (call_media.h) */
	int64_t setup_ms, answer_ms, end_ms;	/* unix time, ms */
	char reason[STORE_REASON_MAX];
	char side[STORE_WORD_MAX];
	struct b2b_call_credit credit;	/* prepaid state (credit_call.h) */
	struct b2b_call_policy policy;	/* duration limit (account_policy.h) */
	struct b2b_early_oa early;	/* offer/answer before the 2xx */
	char prack_rack[B2B_RACK_MAX];	/* RAck for leg B's reliable 18x with
					 * an offer, PRACKed with the caller's
					 * answer (call_early.c); "" if none */
	bool cdr_written;		/* its CDR is in the store already: a
					 * prepaid call settled at start */
	bool resumable;			/* its dialog record as last written
					 * lets a restart resume it (cdr.h) */
};

TAILQ_HEAD(b2b_call_list, b2b_call);

/* Per-peer calls-per-second window. */
struct b2b_peer_rate {
	char peer[STORE_NAME_MAX];
	int64_t sec;
	unsigned count;
};

#define B2B_PEER_RATES 64

/*
 * Calls not yet ended per peer (or subscriber), for its max_calls: kept
 * as calls start and end, because walking every call per INVITE costs
 * 50 million compares a second at 50,000 calls up and 1000 INVITEs/s.
 * An entry lives while its peer has calls.
 */
struct b2b_peer_calls {
	LIST_ENTRY(b2b_peer_calls) link;
	unsigned active;
	char peer[STORE_NAME_MAX];
};

#define B2B_PEER_BUCKETS 256

struct b2b_calls {
	struct b2b_call_list list;	/* every call not yet freed */
	unsigned n_active;		/* calls not yet ended */
	uint64_t total, answered, rejected, failed;
	int64_t cps_sec;
	unsigned cps_count;
	struct b2b_peer_rate rates[B2B_PEER_RATES];
	LIST_HEAD(, b2b_peer_calls) peer_calls[B2B_PEER_BUCKETS];
	uint32_t seq;
};

/* call.c ------------------------------------------------------------------ */

/**
 * b2b_calls_init - the empty calls table in @ctx->calls
 * @return 0 or -ENOMEM.
 */
int b2b_calls_init(struct b2b_ctx *ctx);

/* b2b_calls_uninit - free the table and any call left (no SIP sent). */
void b2b_calls_uninit(struct b2b_ctx *ctx);

/**
 * b2b_calls_shutdown - hang up every call (BYE/CANCEL, CDRs written), run
 * the loop until they are gone or @ms elapse, then release what is left so
 * the user agents can be destroyed
 */
void b2b_calls_shutdown(struct b2b_ctx *ctx, unsigned ms);

/* b2b_now_ms - unix time in ms. */
int64_t b2b_now_ms(void);

/**
 * b2b_call_admit - check the global and per-peer limits for a new call
 * @peer: the ingress peer record
 *
 * Counts the call against the calls-per-second windows when admitted.
 *
 * @return NULL when the call may proceed, else the reason phrase of the
 * 503 to send.
 */
const char *b2b_call_admit(struct b2b_ctx *ctx, const struct store_peer *peer);

/**
 * b2b_call_new - a new call in the table, in state early
 * @return the call, or NULL with errno ENOMEM.
 */
struct b2b_call *b2b_call_new(struct b2b_ctx *ctx);

/**
 * b2b_call_gateways - room for @n gateway texts (call->gateways, n_gateways
 * set, the texts empty) and for an attempt at each (at least one), in the
 * call's home, before the first attempt; what the call had is freed
 * @return 0, -EINVAL over STORE_ROUTE_GWS, -ENOMEM.
 */
int b2b_call_gateways(struct b2b_call *call, unsigned n);

/**
 * b2b_call_setup_home - where copies that only the set-up needs go (the
 * INVITE's headers, each attempt's tags and offer): created on first use
 * and dropped with them when the call is answered, so a call that is up
 * does not keep them
 * @return the home, or NULL out of memory.
 */
su_home_t *b2b_call_setup_home(struct b2b_call *call);

/* b2b_call_setup_done - the call is answered: the set-up's copies go. */
void b2b_call_setup_done(struct b2b_call *call);

/* b2b_call_find - the live (not ended) call with id @id, or NULL. */
struct b2b_call *b2b_call_find(struct b2b_ctx *ctx, const char *id);

/**
 * b2b_call_peer_set - leg A of @call comes from @peer (a trusted peer's
 * name or a subscriber's account id), counted for the peer's max_calls
 * until b2b_call_end(); once per call
 */
void b2b_call_peer_set(struct b2b_call *call, const char *peer);

/**
 * b2b_call_end - the call is over: record why, write its CDR and drop its
 * persisted dialog (one store transaction), and take it out of the active
 * count.  Later calls are ignored.  Sends nothing but a CANCEL to each
 * parallel fork still ringing (call_fork.h): those are no leg yet.
 * @reason: "BYE", "CANCEL", "486", "no route", ...
 * @side: "caller", "callee" or "sbc"
 */
void b2b_call_end(struct b2b_call *call, const char *reason,
		  const char *side);

/**
 * b2b_leg_release - destroy the leg's handle; frees the call once it has
 * ended and both legs are released
 */
void b2b_leg_release(struct b2b_leg *leg);

/**
 * b2b_call_phrase - a copy of @phrase that lives as long as the call
 *
 * The nua stack runs in its own thread and reads the reason phrase given
 * to nua_respond() after the call returns (it copies only the tags), so a
 * phrase taken from an event must be copied before it is relayed.
 *
 * @return the copy, or NULL for a NULL @phrase or out of memory (nua then
 * sends the standard phrase of the status).
 */
const char *b2b_call_phrase(struct b2b_call *call, const char *phrase);

/* b2b_leg_other - the other leg of @leg's call. */
struct b2b_leg *b2b_leg_other(struct b2b_leg *leg);

/**
 * b2b_call_event - a nua event on a call's handle, or an initial INVITE
 * @realm: the realm whose nua reported it
 * @leg: the handle's magic, NULL for a handle nua created for a new request
 */
void b2b_call_event(struct b2b_sip_realm *realm, nua_event_t event,
		    int status, char const *phrase, nua_handle_t *nh,
		    struct b2b_leg *leg, sip_t const *sip, tagi_t tags[]);

/* call_a.c ---------------------------------------------------------------- */

/* b2b_call_incoming - policy for an initial INVITE on a new handle @nh. */
void b2b_call_incoming(struct b2b_sip_realm *realm, nua_handle_t *nh,
		       sip_t const *sip);

/**
 * b2b_call_answer_a - send a response to the caller's INVITE
 * @tags: extra tags (allowed headers from leg B), may be NULL
 */
void b2b_call_answer_a(struct b2b_call *call, int status, const char *phrase,
		       tagi_t const *tags);

/* call_b.c ---------------------------------------------------------------- */

/**
 * b2b_call_try_next - send the INVITE to the next usable gateway; when none
 * is left, answer the caller with the last failure (503 if none) and end
 * the call
 */
void b2b_call_try_next(struct b2b_call *call);

/**
 * b2b_call_b_offer - the tags of an INVITE toward @peer in @realm: the
 * caller-ID headers and the SDP offer for that realm (call_media.h), with
 * the From into @from
 * @return the tags (from call->home), or NULL: logged, or the offer was
 * refused and the call has ended.
 */
tagi_t *b2b_call_b_offer(struct b2b_call *call, const struct store_peer *peer,
			 struct b2b_sip_realm *realm, char *from, size_t len);

/**
 * b2b_call_b_invite - a new handle on @b (cleared first) and the INVITE
 * with @tags to gateway @gw (@text as configured) or, with @t, to a
 * subscriber's contact; records the attempt in call->attempts
 * @return 0, or -1 when nothing was sent.
 */
int b2b_call_b_invite(struct b2b_call *call, struct b2b_leg *b,
		      const char *text, const struct b2b_gateway *gw,
		      const struct store_peer *peer,
		      struct b2b_sip_realm *realm,
		      const struct b2b_reg_target *t, const char *from,
		      tagi_t *tags);

/**
 * b2b_call_b_relay - a response from leg B to the caller with the allowed
 * headers of @sip and its SDP rewritten (an 18x with the answer reliably
 * when the caller supports 100rel)
 * @return 0, or -1 when the SDP could not be rewritten: the call is hung up.
 */
int b2b_call_b_relay(struct b2b_call *call, int status, const char *phrase,
		     sip_t const *sip);

/**
 * b2b_call_b_answered - leg B (call->b) answered 2xx @sip: relayed to the
 * caller, the call is confirmed
 */
void b2b_call_b_answered(struct b2b_call *call, int status,
			 const char *phrase, sip_t const *sip);

/* b2b_call_b_response - a response to leg B's initial INVITE. */
void b2b_call_b_response(struct b2b_call *call, int status,
			 const char *phrase, sip_t const *sip);

/* b2b_call_timer_stop - cancel the attempt timer, if running. */
void b2b_call_timer_stop(struct b2b_call *call);

/* call_relay.c ------------------------------------------------------------ */

/**
 * b2b_call_relay_request - relay an in-dialog re-INVITE, UPDATE, INFO or
 * MESSAGE received on @leg to the other leg; the answer comes back through
 * b2b_call_relay_response()
 */
void b2b_call_relay_request(struct b2b_leg *leg, nua_event_t event,
			    sip_t const *sip);

/* b2b_call_relay_response - a response on @leg to a relayed request. */
void b2b_call_relay_response(struct b2b_leg *leg, int status,
			     const char *phrase, sip_t const *sip);

/* b2b_call_ack - ACK received on @leg: ACK the other leg's 2xx. */
void b2b_call_ack(struct b2b_leg *leg, sip_t const *sip);

/* b2b_call_bye - BYE received on @leg (nua already answered 200). */
void b2b_call_bye(struct b2b_leg *leg);

/* b2b_call_cancel - the caller CANCELled (nua already answered 487). */
void b2b_call_cancel(struct b2b_call *call);

/**
 * b2b_call_leg_lost - @leg's dialog died under the call: end the call with
 * @reason ("session timer expired", "transport failure"), BYE the other
 * leg, and @leg too when @bye_leg (nua has not already sent one)
 */
void b2b_call_leg_lost(struct b2b_leg *leg, const char *reason, bool bye_leg);

/* b2b_call_terminated - Sofia-SIP reports @leg's dialog terminated. */
void b2b_call_terminated(struct b2b_leg *leg);

/**
 * b2b_call_hangup - end a call from the SBC side: BYE confirmed legs,
 * CANCEL leg B and answer 487 to the caller while early
 * @reason: reason for the CDR ("killed by operator", "shutdown")
 */
void b2b_call_hangup(struct b2b_call *call, const char *reason);

/* call_early.c ------------------------------------------------------------ */

/**
 * b2b_call_early_response - after a response to @leg's INVITE went on:
 * note whether leg B's peer allows UPDATE, and PRACK a reliable 18x (RFC
 * 3262 section 4), at once without a body, or, when it carried an offer
 * for the caller, later with the caller's answer (b2b_call_prack())
 */
void b2b_call_early_response(struct b2b_leg *leg, int status,
			     sip_t const *sip);

/**
 * b2b_call_prack - a PRACK received on @leg (@status >= 200: nua already
 * answered it): the answer to leg B's offer goes on in sbcd's PRACK; an
 * offer goes to the other leg as an early UPDATE and the PRACK is answered
 * with its answer (488 if refused); else 200 without a body
 */
void b2b_call_prack(struct b2b_leg *leg, int status, sip_t const *sip);

/**
 * b2b_call_early_check - may the offer of an early-dialog UPDATE from
 * @leg cross now (early_oa.h)?
 * @return 0, or -1 when it was answered (491, 500, 488).
 */
int b2b_call_early_check(struct b2b_leg *leg);

/**
 * b2b_call_early_prack_done - the other leg's response @sip to the UPDATE
 * that carried @origin's offer in PRACK: the PRACK gets 200 with the
 * answer rewritten, or 488; the saved PRACK is left to the caller to free
 * @tags: b2b_hide_tags() of @sip from @home
 */
void b2b_call_early_prack_done(struct b2b_leg *origin, int status,
			       sip_t const *sip, tagi_t *tags,
			       su_home_t *home);

/* call_refer.c ------------------------------------------------------------ */

/**
 * b2b_call_refer - an in-dialog REFER received on @leg: 403 unless its
 * realm relays REFER, else sent to the other leg with Refer-To rewritten
 * (refer.h), the response relayed back by b2b_call_relay_response()
 * @status: nua's status for the event (>= 200: already answered)
 * @tags: the event's tags (NUTAG_REFER_EVENT)
 */
void b2b_call_refer(struct b2b_leg *leg, int status, sip_t const *sip,
		    tagi_t const *tags);

/**
 * b2b_call_notify - a NOTIFY received on @leg (nua answered it) for the
 * REFER sbcd relayed there: sent on to the leg the REFER came from, with
 * the sipfrag's status line only
 */
void b2b_call_notify(struct b2b_leg *leg, sip_t const *sip,
		     tagi_t const *tags);

/* call_ctl.c -------------------------------------------------------------- */

/**
 * b2b_call_ctl_register - call.list, call.show, call.kill, sip.stats
 * @return 0 or an error of ctl_registry_add().
 */
int b2b_call_ctl_register(struct b2b_ctx *ctx);

#endif
