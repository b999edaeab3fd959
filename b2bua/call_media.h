/*
 * DOC: Call media - media anchoring wired into the call core
 *
 * The glue between the calls (call*.c), the SDP rewriter (sdp_rewrite.h),
 * the realms' port allocators (media_ports.h) and the flow table the
 * dataplane reads (dataplane/ft.h).
 *
 *  - At start sbcd attaches to the flow table as its one writer, creating
 *    it when the dataplane is not up yet (ft_create_or_attach() lets
 *    either side create it; the dataplane attaches later and finds the
 *    flows).  The flows a previous sbcd left stay: the calls restored
 *    from their dialog records (call_restore.h) adopt theirs with their
 *    ports, and b2b_media_free_stale() frees the rest.  One port
 *    allocator per realm.
 *  - Every SDP body of a call's INVITE, 18x/2xx, ACK, PRACK, re-INVITE and
 *    UPDATE (RFC 3264 offer/answer; RFC 3261 section 13.2.1, RFC 3262
 *    section 5 and RFC 3311 for where offers and answers may be) goes
 *    through b2b_sdp_rewrite() on its way to the other leg: a request's
 *    body is an offer; a response's, an ACK's or a PRACK's body answers
 *    the other leg's pending offer, else it is an offer itself (late
 *    offer in a 2xx or a reliable 18x, answered in the ACK or PRACK).
 *  - Before the 2xx (early_oa.h): an answer in an 18x that is reliable on
 *    both legs (leg B's carries RSeq, the caller's goes with 100rel), or
 *    in a PRACK, completes the exchange as a 2xx would; the SDP a later
 *    18x or the 2xx to that INVITE repeats is then dropped, and offers in
 *    early UPDATEs and PRACKs may cross (call_early.c).  Bodies
 *    other than application/sdp are dropped from these messages, as is
 *    the body of a failure response.  Bodies are never logged.
 *  - The offer of leg A's INVITE is kept and rewritten again for every
 *    gateway tried; a gateway in another realm moves side B there first
 *    (b2b_sdp_leg_set()).
 *  - After each answer, before the message leaves the SBC, each stream's
 *    flows (b2b_sdp_flows()) are written to the flow table: a slot per
 *    direction (and per RTCP direction without rtcp-mux), each the other's
 *    pair, sent out of the dataplane port that owns the receiving leg's
 *    realm (the first in dataplane.ports), each latching as the realm of
 *    the leg whose peer sends into it says (media_policy.h; the SBC sends
 *    where the peer really sends from, for NAT).  A later answer puts the
 *    same slots again (counters kept).
 *    A failed re-INVITE or UPDATE restores the last agreed session by
 *    rewriting its offer and answer again (sdp_rewrite.h).
 *  - b2b_media_call_end() deletes and frees the call's slots and releases
 *    its ports, however the call ended; the totals go to the CDR first.
 *  - RTP timeout (each realm's rtp_timeout, 0 = off; media_policy.h):
 *    once a second every answered call is checked; when the peer of one
 *    leg has sent nothing on the streams that are not on hold (both
 *    directions sendrecv) for its realm's timeout since their flows were
 *    last written, both legs get BYE and the CDR says "rtp timeout
 *    (REALM)".
 *
 * Error statuses for a request's offer (sdp_rewrite.h): 400 syntax or size,
 * 488 not acceptable, 503 media ports exhausted, 500 otherwise.  An answer
 * that cannot be rewritten ends the call (BYE, or CANCEL and 487 while
 * early) with the CDR reason "bad SDP answer".
 *
 * Everything runs on the su_root thread.
 */
#ifndef SBC_CALL_MEDIA_H
#define SBC_CALL_MEDIA_H

#include <stdbool.h>

#include <jansson.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su_tag.h>

struct b2b_ctx;
struct b2b_call;
struct b2b_leg;
struct b2b_sip_realm;
struct b2b_media_saved;
struct store_cdr;

/* What carries a body, for its place in the offer/answer exchange. */
enum b2b_media_msg {
	B2B_MEDIA_REQUEST,	/* re-INVITE, UPDATE: an offer */
	B2B_MEDIA_RESPONSE,	/* to INVITE or UPDATE */
	B2B_MEDIA_ACK,
	B2B_MEDIA_PRACK,	/* the answer to an offer in a reliable 18x,
				 * else an offer (RFC 3262 section 5) */
};

/**
 * b2b_media_init - attach to the flow table as writer, one port allocator
 * per realm, the RTP-timeout sweep
 * @return 0, or a negative errno (logged): -EBUSY when another sbcd holds
 * the table, -EINVAL for a realm's port range, -ENOMEM...
 */
int b2b_media_init(struct b2b_ctx *ctx);

/* b2b_media_uninit - undo b2b_media_init() after the calls are freed. */
void b2b_media_uninit(struct b2b_ctx *ctx);

/**
 * b2b_media_register - media.stats ("show media")
 * @return 0 or an error of ctl_registry_add().
 */
int b2b_media_register(struct b2b_ctx *ctx);

/**
 * b2b_media_call_new - the media of a new call; keeps the offer of leg A's
 * INVITE @sip, if it has one
 * @return 0 or -ENOMEM.
 */
int b2b_media_call_new(struct b2b_call *call, sip_t const *sip);

/**
 * b2b_media_invite - the offer for a gateway of @realm, in place of the
 * body in @tags (allocated from @home)
 *
 * @return 0, or -1 when the offer was refused: the caller was answered
 * (400/488/503/500) and the call ended.
 */
int b2b_media_invite(struct b2b_call *call, struct b2b_sip_realm *realm,
		     tagi_t *tags, su_home_t *home);

/**
 * b2b_media_body - rewrite the body of @sip, received on @from, in @tags
 * (from b2b_hide_tags() of @sip, allocated from @home) for the other leg
 * @status: the response status, 0 for a request or an ACK
 *
 * Writes the flows after an answer.  INFO and its responses are left as
 * they are.
 *
 * @return 0: relay; -1: do not relay, the request was answered with an
 * error or the call is being hung up.
 */
int b2b_media_body(struct b2b_call *call, struct b2b_leg *from,
		   enum b2b_media_msg msg, int status, sip_t const *sip,
		   tagi_t *tags, su_home_t *home);

/* b2b_media_pending - the side whose offer is unanswered, -1 for none. */
int b2b_media_pending(const struct b2b_call *call);

/**
 * b2b_media_offer_failed - the pending offer got no answer: put the last
 * agreed session back
 */
void b2b_media_offer_failed(struct b2b_call *call);

/* b2b_media_cdr - the call's packets, bytes and drops per leg into @cdr. */
void b2b_media_cdr(const struct b2b_call *call, struct store_cdr *cdr);

/**
 * b2b_media_call_end - delete and free the call's flows, release its
 * ports, wipe its keys; later calls do nothing
 */
void b2b_media_call_end(struct b2b_call *call);

/**
 * b2b_media_save - the call's media state for its dialog record
 * @ms: filled (it holds keys: wipe it after use)
 * @sent: receives the last SDP body sent to leg A ([0]) and leg B ([1]),
 *	  valid until the media changes
 * @return 0, or -ENOENT when the call has no agreed SDP on both legs.
 */
int b2b_media_save(const struct b2b_call *call, struct b2b_media_saved *ms,
		   const char *sent[2]);

/**
 * b2b_media_adopt - the media of a call restored after a restart: the
 * rewriter's state as saved, its ports marked in use in the realms'
 * allocators, its flow-table slots taken as the dataplane kept them
 * @call: with both legs' realms set and no media yet
 *
 * On error what was adopted is released by b2b_media_call_end().
 *
 * @return 0, -ENOTSUP (an MSRP stream: the relay's sessions are gone),
 * -EBUSY (a port or slot held by another call, or out of range), -ENOENT
 * (a slot no longer holds a flow), -ENOMEM.
 */
int b2b_media_adopt(struct b2b_call *call, const struct b2b_media_saved *ms,
		    const char *sent_a, const char *sent_b);

/* b2b_media_sent - the last SDP body sent to @side (0: A, 1: B), or NULL. */
const char *b2b_media_sent(const struct b2b_call *call, int side);

/**
 * b2b_media_free_stale - free the flows no call holds: those a previous
 * sbcd left for calls that were not restored
 */
void b2b_media_free_stale(struct b2b_ctx *ctx);

/**
 * b2b_media_json - add the call's media to @obj: "streams" and "packets",
 * and with @detail a "media" list of flows (direction, local port, peer,
 * packets, bytes, drops)
 * @return 0 or -ENOMEM.
 */
int b2b_media_json(const struct b2b_call *call, json_t *obj, bool detail);

#endif
